--[[
Runner.lua — one run of the bridge: command line, temp files, exit status, JSON.

Pure Lua: the SDK comes in as `services`:
  platform            'mac' | 'win'
  execute(cmd)        LrTasks.execute: returns the status (macOS: raw wait status)
  tempPath(suffix)    a fresh temporary file path
  readFile(path)      whole file or nil
  removeFile(path)    delete (errors ignored)
  log(message)        optional
]]

local JSON = require 'JSON'
local Shell = require 'Shell'

local Runner = {}

--- Last `n` non-empty lines of `text` (stderr tails for dialogs).
function Runner.tail(text, n)
  if type(text) ~= 'string' or text == '' then return '' end
  local lines = {}
  for line in text:gmatch('[^\r\n]+') do
    if line:find('%S') then lines[#lines + 1] = line end
  end
  local first = math.max(1, #lines - (n or 5) + 1)
  local out = {}
  for i = first, #lines do out[#out + 1] = lines[i] end
  return table.concat(out, '\n')
end

local function failure(kind, message, extra)
  local r = extra or {}
  r.ok, r.kind, r.message = false, kind, message
  return r
end

--- Run `argv` once with stdout and stderr in temp files.
-- Returns decoded status ({code} / {signal}), stdout, stderr, command line — or nil, message.
function Runner.capture(services, argv)
  local platform = services.platform
  local outPath = services.tempPath('-stdout.json')
  local errPath = services.tempPath('-stderr.txt')
  local line, err = Shell.commandLine(platform, argv, outPath, errPath)
  if not line then return nil, 'Cannot build the command line: ' .. err end
  if services.log then services.log('run: ' .. line) end
  local status = services.execute(line)
  local decoded = Shell.decodeStatus(platform, status)
  local stdout = services.readFile(outPath) or ''
  local stderr = services.readFile(errPath) or ''
  services.removeFile(outPath)
  services.removeFile(errPath)
  if services.log then
    services.log(string.format('status %s → code %s signal %s; %d bytes on stdout; stderr: %s',
      tostring(status), tostring(decoded.code), tostring(decoded.signal), #stdout, Runner.tail(stderr, 3)))
  end
  return decoded, stdout, stderr, line
end

--- Run `argv` once and read its `--json` document. Returns
--   {ok = true, doc, code, stderr, commandLine}                        — JSON read (exit 0 or 1)
--   {ok = false, kind, message, code, signal, stderr, stdout, commandLine}
-- kinds: 'command' (cannot build the line), 'missing' (program not found / not runnable),
-- 'usage' (exit 2), 'crash' (signal), 'engine' (failed without JSON), 'output' (bad JSON).
function Runner.run(services, argv)
  local platform = services.platform
  local decoded, stdout, stderr, line = Runner.capture(services, argv)
  if not decoded then return failure('command', stdout) end
  local extra = { code = decoded.code, signal = decoded.signal, stderr = stderr, stdout = stdout,
    commandLine = line }
  local tail = Runner.tail(stderr, 5)

  if Shell.notFound(platform, decoded) and not stdout:find('%S') then
    return failure('missing', 'The atelier program could not be started: ' .. tostring(argv[1])
      .. (tail ~= '' and ('\n' .. tail) or ''), extra)
  end
  if decoded.signal and not decoded.code then
    return failure('crash', string.format('atelier was stopped by signal %d.', decoded.signal), extra)
  end
  if decoded.unknown then
    return failure('engine', 'Lightroom reported no exit status for atelier.', extra)
  end
  if decoded.code == 2 then
    return failure('usage', 'atelier did not accept the command'
      .. (tail ~= '' and (':\n' .. tail) or '.'), extra)
  end
  local doc, jsonErr
  if stdout:find('%S') then doc, jsonErr = JSON.decode(stdout) end
  if decoded.code ~= 0 and decoded.code ~= 1 then
    local what = decoded.signal and string.format('was stopped by signal %d', decoded.signal)
      or string.format('failed (exit status %d)', decoded.code)
    return failure(decoded.signal and 'crash' or 'engine', 'atelier ' .. what
      .. (tail ~= '' and (':\n' .. tail) or '.'), extra)
  end
  if doc == nil then
    if jsonErr then
      return failure('output', 'atelier printed something that is not JSON (' .. jsonErr .. ')'
        .. (tail ~= '' and (':\n' .. tail) or '.'), extra)
    end
    return failure('engine', 'atelier printed no result'
      .. (tail ~= '' and (':\n' .. tail) or '.'), extra)
  end
  return { ok = true, doc = doc, code = decoded.code, stderr = stderr, commandLine = line }
end

--- `atelier --version` for the Plug-in Manager's Test button: ok, one line of text.
function Runner.version(services, exe)
  local decoded, stdout, stderr = Runner.capture(services, { exe, '--version' })
  if not decoded then return false, stdout end
  local text = Runner.tail(stdout, 1)
  if text == '' then text = Runner.tail(stderr, 1) end
  if decoded.code == 0 and text ~= '' then return true, text end
  if Shell.notFound(services.platform, decoded) then return false, 'not found or not runnable: ' .. tostring(exe) end
  return false, string.format('exit status %s%s', tostring(decoded.code or decoded.signal),
    text ~= '' and (': ' .. text) or '')
end

return Runner

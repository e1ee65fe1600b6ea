--[[
Shell.lua — command lines for `LrTasks.execute` and the exit status it returns.

Pure Lua: no SDK. `platform` is 'mac' (also Linux: `/bin/sh -c`) or 'win' (`cmd.exe /c`).

macOS: every argument is single-quoted (' becomes '\''), so nothing is special inside.

Windows: `LrTasks.execute` hands the line to `cmd.exe /c`, which strips one outer pair of
quotes, so the whole line is wrapped in an extra pair. Each argument is double-quoted for
the C runtime's argv parser (backslashes before a quote doubled, an embedded quote written
`""` — which also keeps cmd's own quote state balanced, so `&|<>^` stay literal). cmd expands
`%NAME%` even inside quotes; a `%` is therefore emitted outside the quotes as `^%`, which
cmd turns back into a plain `%` after it has given up on expanding variables. Line breaks
end a cmd command and cannot be passed: they are rejected.
]]

local Shell = {}

local function checkArg(arg)
  if type(arg) == 'number' then arg = tostring(arg) end
  if type(arg) ~= 'string' then return nil, 'argument is a ' .. type(arg) .. ', not a string' end
  if arg:find('%z') then return nil, 'argument contains a NUL byte' end
  return arg
end

--- Quote one argument for /bin/sh. Returns the quoted text, or nil and a message.
function Shell.quoteMac(arg)
  local s, err = checkArg(arg)
  if not s then return nil, err end
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

-- One run of text without '%' inside a quoted Windows argument: backslashes that end up
-- before a quote (an embedded one, or the closing one) are doubled; embedded quotes → "".
local function winQuotedRun(s)
  s = s:gsub('(\\*)"', function(slashes) return slashes .. slashes .. '""' end)
  s = s:gsub('(\\+)$', '%1%1')
  return '"' .. s .. '"'
end

--- Quote one argument for cmd.exe + the C runtime. Returns the text, or nil and a message.
function Shell.quoteWin(arg)
  local s, err = checkArg(arg)
  if not s then return nil, err end
  if s:find('[\r\n]') then return nil, 'argument contains a line break (cmd.exe cannot pass it)' end
  if not s:find('%', 1, true) then return winQuotedRun(s) end
  local out, first = {}, true
  for run in (s .. '%'):gmatch('([^%%]*)%%') do
    if not first then out[#out + 1] = '^%' end
    -- an empty run between two '%' needs no quotes: ""… would read as an embedded quote
    if run ~= '' then out[#out + 1] = winQuotedRun(run) end
    first = false
  end
  return table.concat(out)
end

--- Quote one argument for `platform`.
function Shell.quote(platform, arg)
  if platform == 'win' then return Shell.quoteWin(arg) end
  return Shell.quoteMac(arg)
end

--- The full command line: argv (argv[1] = program), stdout and stderr to files, stdin empty.
-- Returns the line, or nil and a message naming the bad argument.
function Shell.commandLine(platform, argv, stdoutPath, stderrPath)
  if type(argv) ~= 'table' or #argv == 0 then return nil, 'no program to run' end
  local parts = {}
  for i, arg in ipairs(argv) do
    local q, err = Shell.quote(platform, arg)
    if not q then return nil, string.format('argument %d: %s', i, err) end
    parts[i] = q
  end
  local redirect = {}
  for _, pair in ipairs({ { '>', stdoutPath }, { '2>', stderrPath } }) do
    if pair[2] then
      local q, err = Shell.quote(platform, pair[2])
      if not q then return nil, 'temporary file: ' .. err end
      redirect[#redirect + 1] = pair[1] .. ' ' .. q
    end
  end
  if platform == 'win' then
    redirect[#redirect + 1] = '< NUL'
    return '"' .. table.concat(parts, ' ') .. ' ' .. table.concat(redirect, ' ') .. '"'
  end
  redirect[#redirect + 1] = '< /dev/null'
  return table.concat(parts, ' ') .. ' ' .. table.concat(redirect, ' ')
end

--- Decode what `LrTasks.execute` returned.
-- macOS gives the raw wait(2) status: exit code × 256, a terminating signal in the low 7 bits.
-- Windows gives the exit code itself (cmd.exe: 9009 = program not found).
-- Returns {code = n} or {signal = n}; {code = nil} with `unknown = true` for a non-number.
function Shell.decodeStatus(platform, status)
  if type(status) ~= 'number' then return { unknown = true, raw = status } end
  if platform == 'win' then
    if status < 0 then status = status + 4294967296 end -- NTSTATUS as unsigned (0xC0000005…)
    return { code = status, raw = status }
  end
  local low = status % 128
  if low ~= 0 and low ~= 127 then return { signal = low, raw = status } end
  local code = math.floor(status / 256) % 256
  -- sh reports a child killed by signal n as exit 128 + n
  if code > 128 and code < 160 then return { code = code, signal = code - 128, raw = status } end
  return { code = code, raw = status }
end

--- True when the decoded status says the program could not be found or started.
function Shell.notFound(platform, decoded)
  local code = decoded and decoded.code
  if platform == 'win' then return code == 9009 or code == 3 end
  return code == 127 or code == 126
end

--- Length limit for one command line (cmd.exe: 8191 characters; macOS ARG_MAX ≈ 256 KiB).
function Shell.maxLength(platform)
  if platform == 'win' then return 8000 end
  return 200000
end

return Shell

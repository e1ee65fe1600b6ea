local Shell = require 'Shell'
local wincmd = require 'wincmd'
local shparse = require 'shparse'
local dkjson = require 'dkjson'

-- Awkward arguments a photographer's files and words really contain.
local AWKWARD = {
  'plain', 'two words', "it's", 'say "cheese"', [[back\slash]], [[C:\dir\]], [[trail\\]],
  [[a\"b]], 'dollar $HOME and `cmd` and $(cmd)', 'semi; colon && or || pipe | <in> out',
  'glob * ? [a-z] ~', 'percent 100% %PATH% %USERNAME%', '%%', 'caret ^ and !bang!',
  'Café – 東京 📷', 'tab\there', '', ' lead and trail ', '-looks-like-an-option', "''''", '"""',
}

local function slurp(path)
  local f = io.open(path, 'rb')
  if not f then return nil end
  local s = f:read('*a')
  f:close()
  return s
end

describe('Shell.quoteMac', function()
  it('single-quotes and escapes embedded quotes', function()
    assert.are.equal("'a b'", Shell.quoteMac('a b'))
    assert.are.equal([['it'\''s']], Shell.quoteMac("it's"))
    assert.are.equal("''", Shell.quoteMac(''))
  end)

  it('rejects NUL bytes and non-strings', function()
    assert.is_nil(Shell.quoteMac('a\0b'))
    assert.is_nil(Shell.quoteMac({}))
    assert.are.equal("'3'", Shell.quoteMac(3))
  end)

  it('round-trips awkward arguments through the real /bin/sh', function()
    local out, err = os.tmpname(), os.tmpname()
    local argv = { 'lua5.1', 'spec/helpers/argv_dump.lua' }
    for _, a in ipairs(AWKWARD) do argv[#argv + 1] = a end
    argv[#argv + 1] = 'new\nline'
    local line = assert(Shell.commandLine('mac', argv, out, err))
    local status = os.execute('LUA_PATH="' .. package.path .. '" ' .. line)
    assert.are.same({ code = 0, raw = 0 }, Shell.decodeStatus('mac', status))
    local got = dkjson.decode(slurp(out))
    os.remove(out); os.remove(err)
    for i, a in ipairs(AWKWARD) do assert.are.equal(a, got[i]) end
    assert.are.equal('new\nline', got[#got])
  end)

  it('is undone exactly by the spec parser', function()
    local argv = { '/Applications/Atelier Tools/atelier' }
    for _, a in ipairs(AWKWARD) do argv[#argv + 1] = a end
    local line = Shell.commandLine('mac', argv, "/tmp/o u t's.json", '/tmp/é.txt')
    local got, redirects = shparse(line)
    assert.are.same(argv, got)
    assert.are.same({ ['>'] = "/tmp/o u t's.json", ['2>'] = '/tmp/é.txt', ['<'] = '/dev/null' }, redirects)
  end)
end)

describe('Shell.quoteWin', function()
  it('wraps the whole command line in one extra pair of quotes', function()
    local line = Shell.commandLine('win', { [[C:\Program Files\Atelier\atelier.exe]], 'enhance', '--json' },
      [[C:\Temp\o.json]], [[C:\Temp\e.txt]])
    assert.are.equal([[""C:\Program Files\Atelier\atelier.exe" "enhance" "--json" > "C:\Temp\o.json" ]]
      .. [[2> "C:\Temp\e.txt" < NUL"]], line)
  end)

  it('doubles backslashes only before quotes and writes embedded quotes as ""', function()
    assert.are.equal([["C:\dir\\"]], Shell.quoteWin([[C:\dir\]]))
    assert.are.equal([["a\b"]], Shell.quoteWin([[a\b]]))
    assert.are.equal([["say ""hi"""]], Shell.quoteWin('say "hi"'))
    assert.are.equal([["a\\""b"]], Shell.quoteWin([[a\"b]]))
  end)

  it('keeps % away from cmd variable expansion', function()
    assert.are.equal([["100"^%"PATH"^%]], Shell.quoteWin('100%PATH%'))
  end)

  it('rejects line breaks and NUL', function()
    assert.is_nil(Shell.quoteWin('a\nb'))
    assert.is_nil(Shell.quoteWin('a\rb'))
    assert.is_nil(Shell.quoteWin('a\0b'))
    local line, err = Shell.commandLine('win', { 'atelier', 'a\nb' })
    assert.is_nil(line)
    assert.truthy(err:find('argument 2'))
  end)

  it('round-trips awkward arguments through the cmd.exe + C runtime model', function()
    local argv = { [[C:\Program Files\Atelier (x86)\atelier.exe]] }
    for _, a in ipairs(AWKWARD) do argv[#argv + 1] = a end
    local out = [[C:\Users\Zoë O'Neil\AppData\Local\Temp\atelier 1%TEMP%-stdout.json]]
    local err = [[C:\Temp\e & f.txt]]
    local got, redirects = wincmd.run(assert(Shell.commandLine('win', argv, out, err)))
    assert.are.same(argv, got)
    assert.are.same({ ['>'] = out, ['2>'] = err, ['<'] = 'NUL' }, redirects)
  end)

  it('round-trips 500 random arguments through the model', function()
    local chars = { 'a', ' ', '"', '\\', '%', '^', '&', '|', '<', '>', '!', 'é', 'P', 'A', 'T', 'H', '(', ')' }
    local seed = 7
    for _ = 1, 500 do
      local t = {}
      seed = (seed * 1103515245 + 12345) % 2147483648
      for i = 1, seed % 12 do
        seed = (seed * 1103515245 + 12345) % 2147483648
        t[i] = chars[seed % #chars + 1]
      end
      local a = table.concat(t)
      local got = wincmd.run(assert(Shell.commandLine('win', { 'x.exe', a, 'after' }, 'o', 'e')))
      assert.are.same({ 'x.exe', a, 'after' }, got)
    end
  end)
end)

describe('Shell.decodeStatus', function()
  it('decodes macOS wait statuses (exit code × 256, signals in the low bits)', function()
    assert.are.same({ code = 0, raw = 0 }, Shell.decodeStatus('mac', 0))
    assert.are.equal(1, Shell.decodeStatus('mac', 256).code)
    assert.are.equal(2, Shell.decodeStatus('mac', 512).code)
    assert.are.equal(127, Shell.decodeStatus('mac', 127 * 256).code)
    assert.are.same({ signal = 9, raw = 9 }, Shell.decodeStatus('mac', 9))
    local killed = Shell.decodeStatus('mac', 137 * 256) -- sh: child killed by SIGKILL
    assert.are.equal(9, killed.signal)
  end)

  it('takes Windows exit codes as they are', function()
    assert.are.equal(1, Shell.decodeStatus('win', 1).code)
    assert.are.equal(256, Shell.decodeStatus('win', 256).code)
    assert.are.equal(0xC0000005, Shell.decodeStatus('win', -1073741819).code)
    assert.is_true(Shell.notFound('win', Shell.decodeStatus('win', 9009)))
    assert.is_false(Shell.notFound('win', Shell.decodeStatus('win', 1)))
  end)

  it('flags a missing status', function()
    assert.is_true(Shell.decodeStatus('mac', nil).unknown)
  end)

  -- Lua 5.1's os.execute returns the raw wait status, exactly as LrTasks.execute on macOS
  local function run(argv)
    local out, err = os.tmpname(), os.tmpname()
    local status = os.execute(assert(Shell.commandLine('mac', argv, out, err)))
    os.remove(out); os.remove(err)
    return Shell.decodeStatus('mac', status)
  end

  it('decodes real exit statuses from /bin/sh', function()
    assert.are.equal(0, run({ 'sh', '-c', 'exit 0' }).code)
    assert.are.equal(1, run({ 'sh', '-c', 'exit 1' }).code)
    assert.are.equal(2, run({ 'sh', '-c', 'exit 2' }).code)
    assert.are.equal(42, run({ 'sh', '-c', 'exit 42' }).code)
  end)

  it('recognises a missing program and a killed one', function()
    local missing = run({ '/nonexistent/dir/atelier', 'enhance' })
    assert.are.equal(127, missing.code)
    assert.is_true(Shell.notFound('mac', missing))
    assert.are.equal(9, run({ 'sh', '-c', 'kill -9 $$' }).signal)
  end)
end)

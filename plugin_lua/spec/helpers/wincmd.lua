--[[
wincmd.lua — a model of how Windows turns an `LrTasks.execute` line into argv, for specs.

Lightroom cannot run here, nor can cmd.exe; this models the documented rules closely enough to
catch quoting mistakes:
  1. `cmd /c`: the line starts with '"', so cmd strips that first quote and the last quote.
  2. Percent expansion (command-line mode): `%NAME%` is replaced when NAME is defined in `env`;
     an undefined name is left as is.
  3. Caret and quote scan: '"' toggles quoting; outside quotes '^' escapes the next character
     and `&|<>` are operators (here only the redirections `> f`, `2> f`, `< f` are allowed).
  4. The program's C runtime (UCRT) splits its command line: 2n backslashes + '"' → n
     backslashes and a quote toggle ('""' inside quotes → a literal quote); 2n+1 backslashes
     + '"' → n backslashes and a literal quote; other backslashes are literal. argv[0] is read
     without backslash rules.
]]

local M = {}

local function expand(line, env)
  local out, i = {}, 1
  while i <= #line do
    local c = line:sub(i, i)
    if c == '%' then
      local j = line:find('%', i + 1, true)
      if j then
        local name = line:sub(i + 1, j - 1)
        if name ~= '' and env[name] then
          out[#out + 1] = env[name]
          i = j + 1
        else
          out[#out + 1] = '%'  -- undefined: keep the '%' and scan on from the next character
          i = i + 1
        end
      else
        out[#out + 1] = c; i = i + 1
      end
    else
      out[#out + 1] = c; i = i + 1
    end
  end
  return table.concat(out)
end

-- Phase 3: returns the program's command line (carets removed, redirections taken out) and
-- the redirection targets (still in cmd quoting, unquoted here: no quotes inside them).
local function scan(line)
  local cmd, redirects, inQuote, i = {}, {}, false, 1
  local target -- when collecting a redirection target: {op, chars}
  local function emit(ch)
    if target then table.insert(target.chars, ch) else cmd[#cmd + 1] = ch end
  end
  local function closeTarget()
    if target then
      local t = table.concat(target.chars):gsub('^%s+', '')
      redirects[target.op] = (t:gsub('"', ''))
      target = nil
    end
  end
  while i <= #line do
    local c = line:sub(i, i)
    if c == '"' then
      inQuote = not inQuote; emit(c); i = i + 1
    elseif inQuote then
      emit(c); i = i + 1
    elseif c == '^' then
      emit(line:sub(i + 1, i + 1)); i = i + 2
    elseif c == '&' or c == '|' then
      error('unquoted cmd operator ' .. c .. ' at ' .. i .. ' in ' .. line)
    elseif c == '>' or c == '<' then
      closeTarget()
      local op = c
      if c == '>' and cmd[#cmd] == '2' then cmd[#cmd] = nil; op = '2>' end
      target = { op = op, chars = {} }
      i = i + 1
    elseif c == ' ' and target and #table.concat(target.chars):gsub('%s', '') > 0 then
      closeTarget(); i = i + 1
    else
      emit(c); i = i + 1
    end
  end
  closeTarget()
  if inQuote then error('unbalanced quotes in ' .. line) end
  return (table.concat(cmd):gsub('%s+$', '')), redirects
end

--- The UCRT argv split of a command line.
function M.argv(cmdline)
  local args, i, n = {}, 1, #cmdline
  -- argv[0]: quotes toggle, no backslash processing
  local a0, inQuote = {}, false
  while i <= n do
    local c = cmdline:sub(i, i)
    if c == '"' then inQuote = not inQuote
    elseif (c == ' ' or c == '\t') and not inQuote then break
    else a0[#a0 + 1] = c end
    i = i + 1
  end
  args[1] = table.concat(a0)
  while true do
    while i <= n and cmdline:sub(i, i):match('[ \t]') do i = i + 1 end
    if i > n then break end
    local cur, q = {}, false
    while i <= n do
      local c = cmdline:sub(i, i)
      if not q and (c == ' ' or c == '\t') then break end
      if c == '\\' then
        local j = i
        while cmdline:sub(j, j) == '\\' do j = j + 1 end
        local count = j - i
        if cmdline:sub(j, j) == '"' then
          cur[#cur + 1] = string.rep('\\', math.floor(count / 2))
          if count % 2 == 1 then cur[#cur + 1] = '"'; i = j + 1 else i = j end
        else
          cur[#cur + 1] = string.rep('\\', count); i = j
        end
      elseif c == '"' then
        if q and cmdline:sub(i + 1, i + 1) == '"' then cur[#cur + 1] = '"'; i = i + 2
        else q = not q; i = i + 1 end
      else
        cur[#cur + 1] = c; i = i + 1
      end
    end
    args[#args + 1] = table.concat(cur)
  end
  return args
end

--- What the program sees for an `LrTasks.execute(line)` on Windows: argv, redirections.
function M.run(line, env)
  env = env or { PATH = 'C:\\Windows', USERNAME = 'ada', OS = 'Windows_NT' }
  assert(line:sub(1, 1) == '"', 'a Windows line must start with the extra quote')
  local last = line:match('^.*()"')
  local stripped = line:sub(2, last - 1) .. line:sub(last + 1)
  local cmdline, redirects = scan(expand(stripped, env))
  return M.argv(cmdline), redirects
end

return M

--[[
JSON.lua — a small, strict, pure-Lua 5.1 JSON decoder and encoder for Atelier.

Written for the plugin (no C modules, no globals). The bridge never emits `null` nor empty
arrays/objects (docs/json.md), so:
  * `null` decodes to `JSON.null` (a unique sentinel), never to a hole in an array;
  * an empty table encodes as `{}` unless marked with `JSON.asArray`.

API
  JSON.decode(text) -> value | nil, message   (message names line and column)
  JSON.encode(value) -> text | nil, message   (object keys sorted: output is deterministic)
  JSON.null, JSON.asArray(t)
]]

local JSON = {}

local byte, char, sub, find, format = string.byte, string.char, string.sub, string.find, string.format
local concat, floor, huge = table.concat, math.floor, math.huge

--- The decoded `null` (compare with `==`).
JSON.null = setmetatable({}, { __tostring = function() return 'null' end })

local arrayMark = setmetatable({}, { __mode = 'k' })

--- Mark `t` so that it encodes as an array even when empty; returns `t`.
function JSON.asArray(t)
  arrayMark[t] = true
  return t
end

local MAX_DEPTH = 200

-- Decoder -------------------------------------------------------------------------------

local function position(text, i)
  local line, last = 1, 1
  while true do
    local nl = find(text, '\n', last, true)
    if not nl or nl >= i then break end
    line, last = line + 1, nl + 1
  end
  return line, i - last + 1
end

local function fail(text, i, what)
  local line, col = position(text, i)
  error({ json = format('%s at line %d column %d', what, line, col) }, 0)
end

local function skip(text, i)
  local _, e = find(text, '^[ \t\r\n]*', i)
  return e + 1
end

local function utf8(cp)
  if cp < 0x80 then return char(cp) end
  if cp < 0x800 then return char(0xC0 + floor(cp / 0x40), 0x80 + cp % 0x40) end
  if cp < 0x10000 then
    return char(0xE0 + floor(cp / 0x1000), 0x80 + floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
  end
  return char(0xF0 + floor(cp / 0x40000), 0x80 + floor(cp / 0x1000) % 0x40,
    0x80 + floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
end

local ESCAPES = { ['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f', n = '\n', r = '\r', t = '\t' }

local function hex4(text, i)
  local h = sub(text, i, i + 3)
  if not find(h, '^%x%x%x%x$') then fail(text, i, 'bad \\u escape') end
  return tonumber(h, 16)
end

local function decodeString(text, i)
  -- text[i] is the opening quote
  local parts, n, j = {}, 0, i + 1
  while true do
    local s, e = find(text, '^[^"\\%c]+', j)
    if s then
      n = n + 1; parts[n] = sub(text, s, e); j = e + 1
    end
    local c = sub(text, j, j)
    if c == '"' then
      return concat(parts), j + 1
    elseif c == '\\' then
      local esc = sub(text, j + 1, j + 1)
      if esc == 'u' then
        local cp = hex4(text, j + 2)
        j = j + 6
        if cp >= 0xD800 and cp <= 0xDBFF then
          -- a high surrogate must be followed by a low one
          if sub(text, j, j + 1) ~= '\\u' then fail(text, j, 'lone surrogate') end
          local lo = hex4(text, j + 2)
          if lo < 0xDC00 or lo > 0xDFFF then fail(text, j, 'lone surrogate') end
          cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
          j = j + 6
        elseif cp >= 0xDC00 and cp <= 0xDFFF then
          fail(text, j - 6, 'lone surrogate')
        end
        n = n + 1; parts[n] = utf8(cp)
      elseif ESCAPES[esc] then
        n = n + 1; parts[n] = ESCAPES[esc]; j = j + 2
      else
        fail(text, j, 'bad escape')
      end
    elseif c == '' then
      fail(text, i, 'unterminated string')
    else
      fail(text, j, 'control character in string')
    end
  end
end

local decodeValue

local function decodeArray(text, i, depth)
  local out, n = {}, 0
  i = skip(text, i + 1)
  if sub(text, i, i) == ']' then return JSON.asArray(out), i + 1 end
  while true do
    local v
    v, i = decodeValue(text, i, depth)
    n = n + 1; out[n] = v
    i = skip(text, i)
    local c = sub(text, i, i)
    if c == ']' then return JSON.asArray(out), i + 1 end
    if c ~= ',' then fail(text, i, "expected ',' or ']'") end
    i = skip(text, i + 1)
  end
end

local function decodeObject(text, i, depth)
  local out = {}
  i = skip(text, i + 1)
  if sub(text, i, i) == '}' then return out, i + 1 end
  while true do
    if sub(text, i, i) ~= '"' then fail(text, i, 'expected a string key') end
    local k
    k, i = decodeString(text, i)
    i = skip(text, i)
    if sub(text, i, i) ~= ':' then fail(text, i, "expected ':'") end
    local v
    v, i = decodeValue(text, skip(text, i + 1), depth)
    if v ~= JSON.null then out[k] = v end -- a null member is the same as a missing one
    i = skip(text, i)
    local c = sub(text, i, i)
    if c == '}' then return out, i + 1 end
    if c ~= ',' then fail(text, i, "expected ',' or '}'") end
    i = skip(text, i + 1)
  end
end

local LITERALS = { ['true'] = true, ['false'] = false }

function decodeValue(text, i, depth)
  if depth > MAX_DEPTH then fail(text, i, 'nested too deeply') end
  local c = sub(text, i, i)
  if c == '{' then return decodeObject(text, i, depth + 1) end
  if c == '[' then return decodeArray(text, i, depth + 1) end
  if c == '"' then return decodeString(text, i) end
  local s, e = find(text, '^-?%d+', i)
  if s then
    if find(text, '^-?0%d', i) then fail(text, i, 'bad number (leading zero)') end
    local _, fe = find(text, '^%.%d+', e + 1)
    if fe then e = fe elseif sub(text, e + 1, e + 1) == '.' then fail(text, e + 1, 'bad number') end
    local _, xe = find(text, '^[eE][-+]?%d+', e + 1)
    if xe then e = xe elseif find(text, '^[eE]', e + 1) then fail(text, e + 1, 'bad number') end
    return tonumber(sub(text, s, e)), e + 1
  end
  for word, value in pairs(LITERALS) do
    if sub(text, i, i + #word - 1) == word then return value, i + #word end
  end
  if sub(text, i, i + 3) == 'null' then return JSON.null, i + 4 end
  if c == '' then fail(text, i, 'unexpected end of text') end
  fail(text, i, 'unexpected character ' .. format('%q', c))
end

--- Decode a JSON text (UTF-8). Returns the value, or nil and a message with line/column.
function JSON.decode(text)
  if type(text) ~= 'string' then return nil, 'expected a string, got ' .. type(text) end
  local i = 1
  if sub(text, 1, 3) == '\239\187\191' then i = 4 end -- UTF-8 byte order mark
  local ok, value = pcall(function()
    local v, k = decodeValue(text, skip(text, i), 0)
    k = skip(text, k)
    if k <= #text then fail(text, k, 'trailing text') end
    return v
  end)
  if ok then return value end
  if type(value) == 'table' and value.json then return nil, value.json end
  return nil, tostring(value)
end

-- Encoder -------------------------------------------------------------------------------

local ENCODE_ESCAPES = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f',
  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }

local function encodeString(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return ENCODE_ESCAPES[c] or format('\\u%04x', byte(c))
  end) .. '"'
end

local function isArray(t)
  if arrayMark[t] then return true end
  local n = 0
  for k in pairs(t) do
    if type(k) ~= 'number' or k < 1 or k ~= floor(k) then return false end
    n = n + 1
  end
  return n > 0 and n == #t
end

local encodeValue

local function encodeTable(t, seen, depth)
  if seen[t] then error({ json = 'cycle in table' }, 0) end
  if depth > MAX_DEPTH then error({ json = 'nested too deeply' }, 0) end
  seen[t] = true
  local parts = {}
  if isArray(t) then
    for idx = 1, #t do parts[idx] = encodeValue(t[idx], seen, depth + 1) end
    seen[t] = nil
    return '[' .. concat(parts, ',') .. ']'
  end
  local keys = {}
  for k in pairs(t) do
    if type(k) ~= 'string' then error({ json = 'object key is a ' .. type(k) }, 0) end
    keys[#keys + 1] = k
  end
  table.sort(keys)
  for idx, k in ipairs(keys) do
    parts[idx] = encodeString(k) .. ':' .. encodeValue(t[k], seen, depth + 1)
  end
  seen[t] = nil
  return '{' .. concat(parts, ',') .. '}'
end

function encodeValue(v, seen, depth)
  local kind = type(v)
  if v == JSON.null then return 'null' end
  if kind == 'string' then return encodeString(v) end
  if kind == 'boolean' then return tostring(v) end
  if kind == 'number' then
    if v ~= v or v == huge or v == -huge then error({ json = 'number is not finite' }, 0) end
    if v == floor(v) and v > -1e15 and v < 1e15 then return format('%d', v) end
    return format('%.14g', v)
  end
  if kind == 'table' then return encodeTable(v, seen, depth) end
  error({ json = 'cannot encode a ' .. kind }, 0)
end

--- Encode a value (tables with string keys → objects, sequences → arrays).
function JSON.encode(value)
  local ok, text = pcall(encodeValue, value, {}, 0)
  if ok then return text end
  if type(text) == 'table' and text.json then return nil, text.json end
  return nil, tostring(text)
end

return JSON

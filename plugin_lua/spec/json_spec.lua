local JSON = require 'JSON'
local dkjson = require 'dkjson'

local function readFile(p)
  local f = assert(io.open(p, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

describe('JSON.decode', function()
  it('reads every JSON type', function()
    local v = assert(JSON.decode(' {"a": [1, -2.5, 3e2, 1E-2, 0], "b": "x", "c": true, "d": false, "e": {}} '))
    assert.are.same({ 1, -2.5, 300, 0.01, 0 }, v.a)
    assert.are.equal('x', v.b)
    assert.is_true(v.c)
    assert.is_false(v.d)
    assert.are.same({}, v.e)
  end)

  it('decodes escapes, \\u and surrogate pairs to UTF-8', function()
    local v = assert(JSON.decode([["a\"b\\c\/d\b\f\n\r\t \u00e9\u65e5 \ud83d\udcf7"]]))
    assert.are.equal('a"b\\c/d\b\f\n\r\t é日 📷', v)
  end)

  it('keeps raw UTF-8 untouched', function()
    assert.are.equal('Café – 東京', JSON.decode('"Café – 東京"'))
  end)

  it('drops null members and keeps null array items as JSON.null', function()
    local v = assert(JSON.decode('{"a": null, "b": [1, null, 3]}'))
    assert.is_nil(v.a)
    assert.are.equal(3, #v.b)
    assert.are.equal(JSON.null, v.b[2])
  end)

  it('skips a UTF-8 byte order mark', function()
    assert.are.same({ 1 }, JSON.decode('\239\187\191[1]'))
  end)

  local bad = {
    { '', 'unexpected end of text at line 1 column 1' },
    { '{"a":1,}', 'expected a string key at line 1 column 8' },
    { '[1 2]', "expected ',' or ']' at line 1 column 4" },
    { '[01]', 'leading zero' },
    { '[1.]', 'bad number' },
    { '[1e]', 'bad number' },
    { '[.5]', 'unexpected character' },
    { '"abc', 'unterminated string' },
    { '"a\tb"', 'control character in string' },
    { '"\\x"', 'bad escape' },
    { '"\\ud83d"', 'lone surrogate' },
    { '"\\udc00"', 'lone surrogate' },
    { '"\\u12g4"', 'bad \\u escape' },
    { '{"a":1} x', 'trailing text at line 1 column 9' },
    { '{\n  "a": tru\n}', 'unexpected character "t" at line 2 column 8' },
    { 'Traceback (most recent call last):', 'unexpected character' },
    { string.rep('[', 300) .. string.rep(']', 300), 'nested too deeply' },
  }
  for _, case in ipairs(bad) do
    it('rejects ' .. string.format('%q', case[1]):sub(1, 40) .. ' with a located message', function()
      local v, err = JSON.decode(case[1])
      assert.is_nil(v)
      assert.truthy(err:find(case[2], 1, true), err)
    end)
  end

  it('rejects non-strings', function()
    local v, err = JSON.decode(nil)
    assert.is_nil(v)
    assert.truthy(err:find('expected a string'))
  end)

  it('reads the docs/json.md example and the plugin understands it', function()
    local doc = readFile('../docs/json.md')
    local block = doc:match('```json\n(.-)\n```')
    assert.truthy(block, 'docs/json.md has a ```json block')
    local v = assert(JSON.decode(block))
    assert.are.equal('enhance', v.command)
    assert.are.equal(0.45, v.photos[1].settings.Exposure2012)
    assert.are.equal('Custom', v.photos[1].settings.WhiteBalance)
    assert.are.equal(-0.3, v.photos[1].masks[1].settings.LocalExposure2012)
    assert.are.equal('failed', v.photos[2].status)
    -- the same document through dkjson gives the same table
    assert.are.same(dkjson.decode(block), v)
  end)
end)

describe('JSON.encode', function()
  it('writes sorted objects and arrays deterministically', function()
    assert.are.equal('{"a":[1,2.5,"x"],"b":{"c":true},"z":false}',
      JSON.encode({ z = false, a = { 1, 2.5, 'x' }, b = { c = true } }))
  end)

  it('escapes control characters and quotes', function()
    assert.are.equal('"a\\"b\\\\c\\n\\u0001"', JSON.encode('a"b\\c\n\1'))
  end)

  it('encodes empty tables as {} unless marked as arrays', function()
    assert.are.equal('{}', JSON.encode({}))
    assert.are.equal('[]', JSON.encode(JSON.asArray({})))
    assert.are.equal('null', JSON.encode(JSON.null))
  end)

  it('refuses what JSON cannot hold', function()
    assert.is_nil(JSON.encode({ 1, 2, nil, 4, x = 1 }))
    assert.is_nil(JSON.encode(0 / 0))
    assert.is_nil(JSON.encode(math.huge))
    assert.is_nil(JSON.encode(print))
    local cyc = {}
    cyc.self = cyc
    local v, err = JSON.encode(cyc)
    assert.is_nil(v)
    assert.are.equal('cycle in table', err)
  end)
end)

describe('JSON against dkjson (independent implementation)', function()
  -- random documents: what one encodes, the other must decode to the same table
  local seed = 20240611
  local function rand(n)
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n
  end
  local pieces = { 'a', 'é', '"', '\\', '/', '\n', '日本', ' ', '📷', '\t', '\1', 'Z' }
  local function randomString()
    local t = {}
    for i = 1, rand(8) do t[i] = pieces[rand(#pieces) + 1] end
    return table.concat(t)
  end
  local function randomValue(depth)
    local k = rand(depth > 3 and 4 or 6)
    if k == 0 then return randomString() end
    if k == 1 then return (rand(2000001) - 1000000) / (rand(3) == 0 and 1 or 1000) end
    if k == 2 then return rand(2) == 0 end
    if k == 3 then return rand(100000) * 10 ^ (rand(20) - 10) end
    if k == 4 then
      local t = {}
      for i = 1, rand(5) + 1 do t[i] = randomValue(depth + 1) end
      return t
    end
    local t = {}
    for _ = 1, rand(5) + 1 do t[randomString() .. 'k'] = randomValue(depth + 1) end
    return t
  end

  local function close(a, b)
    if type(a) == 'number' and type(b) == 'number' then
      return a == b or math.abs(a - b) <= 1e-12 * math.max(math.abs(a), math.abs(b))
    end
    if type(a) ~= 'table' or type(b) ~= 'table' then return a == b end
    for k, v in pairs(a) do if not close(v, b[k]) then return false end end
    for k in pairs(b) do if a[k] == nil then return false end end
    return true
  end

  it('decodes 300 dkjson documents exactly and dkjson decodes ours', function()
    for _ = 1, 300 do
      local v = randomValue(0)
      local theirs = dkjson.encode(v)
      local mine = assert(JSON.encode(v))
      assert.is_true(close(v, JSON.decode(theirs)), theirs)
      assert.is_true(close(v, dkjson.decode(mine)), mine)
      assert.is_true(close(v, JSON.decode(mine)), mine)
    end
  end)
end)

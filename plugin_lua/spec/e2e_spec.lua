-- End to end through a real process: LrTasks.execute is Lua 5.1's os.execute (a real /bin/sh,
-- returning the raw wait status exactly as Lightroom on macOS does), temp files are real files
-- in a folder whose name needs quoting, and `atelier` is a real program — a stand-in script
-- printing docs/json.md-shaped documents, or the real bridge when it has `enhance`.
local fake = require 'fake_sdk'
local dkjson = require 'dkjson'

local function sh(cmd)
  local p = io.popen(cmd)
  local out = p:read('*a')
  p:close()
  return out
end

local function quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function slurp(path)
  local f = io.open(path, 'rb')
  if not f then return nil end
  local s = f:read('*a')
  f:close()
  return s
end

local HERE = sh('pwd'):gsub('\n$', '')
local ROOT = sh('mktemp -d'):gsub('\n$', '')
local DIR = ROOT .. "/Atelier Tëst 'dir' $HOME & \"co\" 100%"

local function readLines(path)
  local out = {}
  for line in (slurp(path) or ''):gmatch('[^\n]+') do out[#out + 1] = dkjson.decode(line) end
  return out
end

local function install(exe, prefs)
  fake.unload()
  prefs = prefs or {}
  prefs.atelierPath = exe
  prefs.maskMode = prefs.maskMode or 'none'
  local sdk = fake.install({ platform = 'mac', prefs = prefs, dirs = { temp = DIR },
    execute = function(line) return os.execute(line) end })
  return sdk
end

describe('end to end through /bin/sh with a stand-in atelier', function()
  local exe = DIR .. '/bin/atelier'
  local log = DIR .. '/argv.log'

  setup(function()
    assert.are.equal(0, os.execute('mkdir -p ' .. quote(DIR .. '/bin')))
    local f = assert(io.open(exe, 'wb'))
    f:write('#!/usr/bin/env lua5.1\n',
      'package.path = ', string.format('%q', HERE .. '/spec/helpers/?.lua;'), ' .. package.path\n',
      'local dkjson = require "dkjson"\n',
      'local argv = { "atelier" }\n',
      'for i = 1, #arg do argv[#argv + 1] = arg[i] end\n',
      'local log = assert(io.open(', string.format('%q', log), ', "ab"))\n',
      'log:write(dkjson.encode(argv), "\\n")\n',
      'log:close()\n',
      'local code, out, err = require("fake_bridge").answer(argv)\n',
      'io.stdout:write(out)\n',
      'io.stderr:write(err)\n',
      'os.exit(code)\n')
    f:close()
    assert.are.equal(0, os.execute('chmod +x ' .. quote(exe)))
  end)

  teardown(function() os.execute('rm -rf ' .. quote(ROOT)) end)
  before_each(function() os.remove(log) end)

  local awkward = {
    "/Photos/Zoë's \"best\" $HOME/beach 100%.jpg",
    '/Photos/東京/night `date` ; rm -rf x.NEF',
    '/Photos/-dash/broken.jpg',
  }

  it('applies results, decodes exit status 1 and summarises the failed photo once', function()
    local sdk = install(exe)
    sdk.catalog = fake.catalog({ fake.photo { path = awkward[1] }, fake.photo { path = awkward[2], fileFormat = 'RAW' },
      fake.photo { path = awkward[3] } })
    require('Sdk').runAction('enhance')

    local calls = readLines(log)
    assert.are.equal(1, #calls)
    assert.are.same({ 'atelier', 'enhance', '--predictor', 'analytic', '--masks', 'none', '--dry-run', '--force', '--json',
      '--', awkward[1], awkward[2], awkward[3] }, calls[1])
    local p = sdk.catalog.photos
    assert.are.equal(0.45, p[1].develop.Exposure2012)
    assert.are.equal(-7, p[1].develop.IncrementalTemperature)
    assert.are.equal(5350, p[2].develop.Temperature)
    assert.is_nil(p[3].develop.Exposure2012)
    assert.are.equal(1, #sdk.dialogs.messages)
    assert.are.equal('Auto-enhance: 2 of 3 photos done, 1 failed.', sdk.dialogs.messages[1].headline)
    assert.are.equal('broken.jpg — failed: truncated JPEG: image data ends after 41 % of the file',
      sdk.dialogs.messages[1].text)
    -- no temp file left in the temp folder
    assert.are.equal('', sh('ls ' .. quote(DIR) .. ' | grep atelier- || true'))
  end)

  it('shows the usage error text for exit status 2', function()
    local sdk = install(exe)
    sdk.catalog = fake.catalog({ fake.photo { path = '/p/USAGE.jpg' } })
    require('Sdk').runAction('critique')
    local m = sdk.dialogs.messages[1]
    assert.are.equal('critical', m.style)
    assert.truthy(m.text:find('atelier did not accept the command:\nusage: atelier critique PATH...', 1, true), m.text)
  end)

  it('shows the traceback tail for an engine failure', function()
    local sdk = install(exe)
    sdk.catalog = fake.catalog({ fake.photo { path = '/p/CRASH.jpg' } })
    require('Sdk').runAction('enhance')
    assert.truthy(sdk.dialogs.messages[1].text:find('atelier failed (exit status 3):', 1, true))
    assert.truthy(sdk.dialogs.messages[1].text:find('RuntimeError: engine died', 1, true))
  end)

  it('says the program cannot be started when it is not executable', function()
    local plain = DIR .. '/bin/not executable'
    local f = assert(io.open(plain, 'wb')); f:write('#!/bin/sh\n'); f:close()
    local sdk = install(plain)
    sdk.catalog = fake.catalog({ fake.photo { path = '/p/a.jpg' } })
    require('Sdk').runAction('enhance')
    assert.truthy(sdk.dialogs.messages[1].text:find('could not be started: ' .. plain, 1, true))
  end)

  it('creates an Artist version and learns a style through the real process', function()
    local sdk = install(exe)
    local edited = {}
    for i = 1, 5 do edited[i] = fake.photo { path = awkward[1]:gsub('beach', 'beach ' .. i) } end
    sdk.catalog = fake.catalog(edited)
    require('Sdk').runAction('learnStyle')
    assert.truthy(sdk.prefs.styleProfile:find('Atelier Styles/style-', 1, true))
    -- generate: the stand-in names a file next to the original; make it exist
    local photoDir = DIR .. '/photos'
    os.execute('mkdir -p ' .. quote(photoDir))
    local src = photoDir .. "/Zoë's pic.jpg"
    local derived = photoDir .. "/Zoë's pic.atelier-artist-1.jpg"
    assert(io.open(derived, 'wb')):close()
    sdk.catalog = fake.catalog({ fake.photo { path = src } })
    require('Sdk').runAction('generate')
    assert.are.equal(derived, sdk.catalog.added[1].path)
    assert.are.equal('above', sdk.catalog.added[1].stackPosition)
  end)

  it('reports the version through the Test button', function()
    local sdk = install(exe)
    require('Sdk').testBridge(exe)
    assert.are.same({ headline = 'Atelier works', text = 'atelier 0.1.0', style = 'info' }, sdk.dialogs.messages[1])
  end)
end)

describe('end to end with the real atelier', function()
  local real = HERE .. '/../.venv/bin/atelier'
  local ok = os.execute(quote(real) .. ' enhance --help > /dev/null 2>&1') == 0
  local shared = os.getenv('ATELIER_SHARED_DATA') or (HERE .. '/../../shared/data')
  local photo = shared .. '/photos/kodak/kodim03.png'
  if not ok or not io.open(photo) then
    pending('the real `atelier enhance` is not available yet')
    return
  end

  local dir = DIR .. '/real'
  setup(function()
    os.execute('mkdir -p ' .. quote(dir .. '/shoot') .. ' && cp ' .. quote(photo) .. ' ' .. quote(dir .. '/shoot/kodim 03.png')
      .. ' && ln -s shoot ' .. quote(dir .. '/linked'))
  end)

  it('writes XMP with masks through a symlinked folder, then reverts it', function()
    -- Lightroom knows the photo through a symlink; the bridge reports the resolved path
    local sdk = install(real, { writeXmp = true })
    local linked = dir .. '/linked/kodim 03.png'
    sdk.catalog = fake.catalog({ fake.photo { path = linked, fileFormat = 'PNG' } })
    require('Sdk').runAction('enhanceMasks')
    local p = sdk.catalog.photos[1]
    assert.are.equal(1, #p.calls, sdk.dialogs.messages[1] and sdk.dialogs.messages[1].text)
    assert.are.same({ 'Auto-enhance with sky & subject masks: 1 of 1 photo done.' }, sdk.dialogs.bezels,
      sdk.dialogs.messages[1] and sdk.dialogs.messages[1].text)
    local xmp = sh('exiftool -s3 -XMP-crs:Contrast2012 ' .. quote(dir .. '/shoot/kodim 03.png'))
    assert.are.equal(tostring(p.develop.Contrast2012), (xmp:gsub('^%+', ''):gsub('\n$', '')))
    -- the masks the bridge wrote into the XMP went into the catalog too, with the same values
    local corrections = p.develop.MaskGroupBasedCorrections
    local names = sh('exiftool -s3 -sep "|" -XMP-crs:MaskGroupBasedCorrCorrectionName ' .. quote(dir .. '/shoot/kodim 03.png'))
    local exposures = sh('exiftool -s3 -sep "|" -XMP-crs:MaskGroupBasedCorrExposure2012 '
      .. quote(dir .. '/shoot/kodim 03.png'))
    local got = {}
    for i, c in ipairs(corrections) do got[i] = c.CorrectionName .. '=' .. tostring(c.LocalExposure2012) end
    local want, e = {}, {}
    for v in exposures:gsub('\n$', ''):gmatch('[^|]+') do e[#e + 1] = tostring(tonumber(v)) end
    for n in names:gsub('\n$', ''):gmatch('[^|]+') do want[#want + 1] = n .. '=' .. e[#want + 1] end
    assert.is_true(#got >= 1)
    assert.are.same(want, got)

    require('Sdk').runAction('revert')
    assert.are.equal('Revert Atelier edits: 1 of 1 photo done.', sdk.dialogs.bezels[2], sdk.dialogs.messages[1]
      and sdk.dialogs.messages[1].text)
    assert.are.equal(0, p.develop.Contrast2012)
    assert.are.same({}, p.develop.MaskGroupBasedCorrections)
    assert.are.equal('', sh('exiftool -s3 -XMP-crs:Contrast2012 ' .. quote(dir .. '/shoot/kodim 03.png')))
  end)
end)

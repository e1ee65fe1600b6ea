-- The Lightroom glue (Info.lua, Sdk.lua, menu files, settings, metadata) loaded with a stub
-- `import` and a fake SDK; the bridge answers in-process (see e2e_spec for a real process).
local fake = require 'fake_sdk'
local bridge = require 'fake_bridge'
local shparse = require 'shparse'
local Commands = require 'Commands'

local DIR = 'Atelier.lrdevplugin/'

local function loadIn(file, env)
  local chunk = assert(loadfile(DIR .. file))
  setfenv(chunk, env)
  return chunk()
end

local function pluginEnv()
  -- what plugin files see: no package, io, print, debug; os cut down
  local env = { import = import, LOC = LOC, _PLUGIN = _PLUGIN, WIN_ENV = WIN_ENV, MAC_ENV = MAC_ENV,
    require = require, string = string, table = table, math = math, pairs = pairs, ipairs = ipairs,
    type = type, tostring = tostring, tonumber = tonumber, pcall = pcall, error = error, next = next,
    setmetatable = setmetatable, unpack = unpack, select = select,
    os = { clock = os.clock, date = os.date, time = os.time, tmpname = os.tmpname } }
  return env
end

describe('Info.lua', function()
  before_each(function() fake.install({}) end)

  it('loads with only string, LOC, WIN_ENV and MAC_ENV', function()
    local info = loadIn('Info.lua', { string = string, LOC = LOC, WIN_ENV = false, MAC_ENV = true })
    assert.are.equal('local.atelier.lightroom', info.LrToolkitIdentifier)
    assert.are.equal('Atelier', info.LrPluginName)
    assert.are.equal('0.1.0', info.VERSION.display)
    assert.are.equal(info.LrLibraryMenuItems, info.LrExportMenuItems)
    local titles = {}
    for i, item in ipairs(info.LrLibraryMenuItems) do
      titles[i] = item.title
      assert.are.equal('photosSelected', item.enabledWhen)
      assert.truthy(io.open(DIR .. item.file), item.file)
    end
    assert.are.same({ 'Auto-enhance', 'Auto-enhance with sky & subject masks', 'Mask & enhance by description…',
      'Critique', 'Create Artist version', 'Learn my style from selected photos', 'Revert Atelier edits' }, titles)
    for _, key in ipairs({ 'LrInitPlugin', 'LrPluginInfoProvider', 'LrMetadataProvider' }) do
      assert.truthy(io.open(DIR .. info[key]), key)
    end
  end)

  it('has a menu file for every action, in menu order, that runs that action', function()
    local info = loadIn('Info.lua', { string = string, LOC = LOC })
    for i, item in ipairs(info.LrLibraryMenuItems) do
      local ran
      local env = pluginEnv()
      env.require = function(name)
        assert.are.equal('Sdk', name)
        return { runAction = function(action) ran = action end }
      end
      loadIn(item.file, env)
      assert.are.equal(Commands.ORDER[i], ran)
      assert.truthy(item.title:find(Commands.SPECS[ran].title, 1, true) or ran == 'learnStyle', item.title)
    end
  end)

  it('declares every metadata field the actions write', function()
    local md = loadIn('MetadataDefinition.lua', { LOC = LOC })
    local ids = {}
    for _, f in ipairs(md.metadataFieldsForPhotos) do ids[f.id] = f end
    for _, id in pairs(require('Actions').FIELDS) do assert.truthy(ids[id], id) end
    assert.is_nil(ids.atelierBefore.title) -- hidden
    assert.is_nil(ids.atelierMasks.title) -- hidden
    assert.are.equal(2, md.schemaVersion) -- 2: atelierMasks
  end)
end)

describe('Sdk.lua', function()
  local sdk
  local exe = os.tmpname() -- an existing file: the fake execute answers for it
  teardown(function() os.remove(exe) end)
  before_each(function()
    fake.unload()
    sdk = fake.install({
      platform = 'mac',
      prefs = { atelierPath = exe, maskMode = 'none' },
      execute = function(line)
        local argv, redirects = shparse(line)
        local code, out, err = bridge.answer(argv)
        local f = assert(io.open(redirects['>'], 'wb')); f:write(out); f:close()
        f = assert(io.open(redirects['2>'], 'wb')); f:write(err); f:close()
        return code * 256
      end,
    })
    sdk.catalog = fake.catalog({ fake.photo { path = '/p/a.jpg' }, fake.photo { path = '/p/b.nef', fileFormat = 'RAW' } })
  end)

  it('Init fills in default preferences', function()
    loadIn('Init.lua', pluginEnv())
    assert.are.equal('none', sdk.prefs.maskMode) -- kept
    assert.are.equal('analytic', sdk.prefs.predictor)
    assert.are.equal(20, sdk.prefs.batchSize)
    assert.is_false(sdk.prefs.writeXmp)
    assert.are.equal(exe, sdk.prefs.atelierPath)
  end)

  it('runs a menu action in a task with progress, the real runner and temp files', function()
    require('Sdk').runAction('enhance')
    assert.are.equal(1, sdk.tasks)
    local a, b = sdk.catalog.photos[1], sdk.catalog.photos[2]
    assert.are.equal(0.45, a.develop.Exposure2012)
    assert.are.equal(5350, b.develop.Temperature)
    assert.are.equal('Atelier: Auto-enhance', sdk.scopes[1].title)
    assert.is_true(sdk.scopes[1].isDone)
    assert.are.same({ 'Auto-enhance: 2 photos (1 of 1)…' }, sdk.scopes[1].captions)
    assert.are.same({ 'Auto-enhance: 2 of 2 photos done.' }, sdk.dialogs.bezels)
    -- temp files were in the standard temp folder and are gone
    local _, redirects = shparse(sdk.lastLine)
    assert.truthy(redirects['>']:find('^/tmp/atelier%-'))
    assert.is_nil(io.open(redirects['>']))
    assert.is_nil(io.open(redirects['2>']))
  end)

  it('asks for the words of a mask and remembers them', function()
    sdk.typed = { 'prompt', '  the red\n car ' }
    require('Sdk').runAction('mask')
    assert.are.equal('Atelier: Mask & enhance by description', sdk.modal.title)
    assert.are.equal('the red car', sdk.prefs.lastPrompt)
    local argv = shparse(sdk.lastLine)
    assert.are.same({ 'mask', '--dry-run', '--enhance', '--json', '--', 'the red car', '/p/a.jpg', '/p/b.nef' },
      { unpack(argv, 2) })
    assert.are.equal(0.45, sdk.catalog.photos[1].develop.Exposure2012)
  end)

  it('does nothing when no words are typed', function()
    sdk.typed = { 'prompt', ' ' }
    require('Sdk').runAction('mask')
    assert.are.equal(0, #sdk.scopes)
    assert.is_nil(sdk.lastLine)
  end)

  it('does nothing when the mask dialog is canceled', function()
    sdk.typed, sdk.modalResult = { 'prompt', 'the sky' }, 'cancel'
    require('Sdk').runAction('mask')
    assert.are.equal(0, #sdk.scopes)
    assert.is_nil(sdk.lastLine)
  end)

  it('Test button reports the version or the problem', function()
    local Sdk = require('Sdk')
    Sdk.testBridge(exe)
    assert.are.same({ headline = 'Atelier works', text = 'atelier 0.1.0', style = 'info' }, sdk.dialogs.messages[1])
    Sdk.testBridge('')
    assert.are.equal('critical', sdk.dialogs.messages[2].style)
  end)

  it('builds the Plug-in Manager section bound to the preferences', function()
    local provider = loadIn('PluginInfoProvider.lua', pluginEnv())
    local f = sdk.modules.LrView.osFactory()
    local sections = provider.sectionsForTopOfDialog(f, {})
    assert.are.equal('Atelier', sections[1].title)
    assert.are.equal(sdk.prefs, sections[1].bind_to_object)
    local bound = {}
    local function walk(t)
      for _, v in pairs(t) do
        if type(v) == 'table' then
          if v.bind then bound[v.bind] = true end
          if v ~= sdk.prefs then walk(v) end
        end
      end
    end
    walk(sections[1])
    for _, key in ipairs({ 'atelierPath', 'engineAddress', 'predictor', 'styleProfile', 'maskMode',
      'virtualCopyFirst', 'writeXmp', 'critiqueRating', 'batchSize' }) do
      assert.is_true(bound[key] == true, key)
    end
  end)
end)

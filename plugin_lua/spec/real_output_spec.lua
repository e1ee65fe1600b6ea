-- Documents captured from the real CLI (spec/fixtures/*_real.json):
--   atelier enhance --masks sky,subject --force --json -- pond.jpg kodim03.png broken.jpg   (exit 1)
--   atelier revert --json -- pond.jpg kodim03.png                                          (exit 0)
local JSON = require 'JSON'
local Commands = require 'Commands'
local Develop = require 'Develop'
local Actions = require 'Actions'
local fake = require 'fake_sdk'
local fake_env = require 'fake_env'
local fixture = require('spec_support').fixture

describe('real bridge output', function()
  local enhanceText = fixture('enhance_real.json')

  it('parses the captured enhance document and maps it without dropping anything', function()
    local parsed = assert(Commands.parse('enhance', assert(JSON.decode(enhanceText))))
    assert.are.equal(3, #parsed.photos)
    local pond = parsed.byPath['/tmp/capt/pond.jpg']
    assert.are.equal('ok', pond.status)
    assert.are.equal('embedded', pond.xmpMode)
    local apply, notes = Develop.settingsFor(pond.settings, 'JPG', pond.isRaw)
    assert.are.same({}, notes)
    assert.are.same(pond.settings, apply)
    assert.are.equal('Custom', apply.WhiteBalance)
    assert.is_number(apply.IncrementalTemperature)
    assert.is_true(#Develop.describeMasks(pond.masks) >= 1)
    local png = parsed.byPath['/tmp/capt/kodim03.png']
    local applyPng, notesPng = Develop.settingsFor(png.settings, 'PNG', png.isRaw)
    assert.are.same({}, notesPng)
    assert.are.same(png.settings, applyPng)
    local broken = parsed.byPath['/tmp/capt/broken.jpg']
    assert.are.equal('failed', broken.status)
    assert.truthy(broken.error:find('not a photo Atelier reads', 1, true))
  end)

  it('runs Auto-enhance on it: exit status 1, two photos applied, one failure listed', function()
    local photos = { fake.photo { path = '/tmp/capt/pond.jpg' },
      fake.photo { path = '/tmp/capt/kodim03.png', fileFormat = 'PNG' },
      fake.photo { path = '/tmp/capt/broken.jpg' } }
    local env = fake_env.env({ photos = photos, prefs = { atelierPath = '/a', writeXmp = true },
      answer = function() return 1, enhanceText, 'atelier: 3/3 broken.jpg: failed\n' end })
    local summary = Actions.run('enhanceMasks', env)
    assert.are.equal(2, summary.counts.ok)
    assert.are.equal(1, summary.counts.failed)
    assert.are.equal(1, #photos[1].calls)
    assert.are.equal(1, #photos[2].calls)
    assert.are.equal(0, #photos[3].calls)
    assert.truthy(env.dialogs.messages[1].text:find('broken.jpg — failed: not a photo Atelier reads', 1, true))
  end)

  it('parses the captured revert document', function()
    local parsed = assert(Commands.parse('revert', assert(JSON.decode(fixture('revert_real.json')))))
    assert.are.equal(2, #parsed.photos)
    for _, p in ipairs(parsed.photos) do assert.are.equal('ok', p.status) end
  end)
end)

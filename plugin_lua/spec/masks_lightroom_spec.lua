-- Masks given by the bridge in their Lightroom form (each mask's `lightroom` key, docs/json.md):
-- AI masks, linear and radial gradients and brush dabs applied inside Lightroom as the XMP
-- writer stores them, behind the Lightroom Classic 11 gate, merged and reverted like the rest.
-- Fixtures (spec/fixtures/), the real bridge's output:
--   enhance_masks_lightroom_real.json, mask_shadows_lightroom_real.json — captured with
--     ATELIER_STATE_DIR=<temp dir> from
--     atelier enhance --masks sky,subject --dry-run --force --json -- uhdr05….jpg uhdr09….jpg kodak…red_hat.jpg
--     atelier mask --enhance --dry-run --json -- "the shadows" pond.jpg kodak…red_hat.jpg
--   masks_geometry_bridge.json — bridge/output.py's document for a linear gradient, a radial
--     gradient and a two-stroke brush on a photo turned by EXIF 6 (the engine gives these forms
--     only as fallbacks); tests/test_plugin_lua.py checks it is still what the bridge prints and
--     that its `lightroom` keys are what ExifTool reads from the XMP the bridge writes.
local Actions = require 'Actions'
local JSON = require 'JSON'
local Masks = require 'Masks'
local fake = require 'fake_sdk'
local fake_env = require 'fake_env'
local support = require 'spec_support'
local fixture, applies, names, userCorrection = support.fixture, support.applies, support.names, support.userCorrection

local function dabCount(c)
  local n = 0
  for _, m in ipairs(c.CorrectionMasks) do n = n + #(m.Dabs or {}) end
  return n
end

-- A deep copy (the bridge's table must reach Lightroom unchanged, not aliased or edited).
local function copy(v)
  if type(v) ~= 'table' then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = copy(x) end
  return out
end

local GEOMETRY = JSON.decode(fixture('masks_geometry_bridge.json'))
local SHADOWS = fixture('mask_shadows_lightroom_real.json')

describe('Masks.fromBridge (the `lightroom` key)', function()
  it('gives the gradient, radial and brush corrections exactly as the XMP writer stores them', function()
    local masks = GEOMETRY.photos[1].masks
    local corrections, left = Masks.plan(masks)
    assert.are.same({}, left)
    assert.are.same({ 'Sky gradient', 'Spot', 'Painted' }, names(corrections))
    for i, m in ipairs(masks) do assert.are.same(m.lightroom, corrections[i]) end

    local g = corrections[1].CorrectionMasks[1]
    assert.are.equal('Mask/Gradient', g.What)
    -- EXIF 6: displayed (0.5, 0.62) → stored (0.62, 0.5), done by the bridge, not here
    assert.are.same({ 0.62, 0.5, 0.3, 0.55 }, { g.ZeroX, g.ZeroY, g.FullX, g.FullY })
    assert.are.equal(-0.125, corrections[1].LocalExposure2012) -- EV/4, scaled by the bridge
    assert.are.equal(-0.2, corrections[1].LocalHighlights2012)

    local r = corrections[2].CorrectionMasks[1]
    assert.are.equal('Mask/CircularGradient', r.What)
    assert.are.same({ 0.2, 0.2, 0.7, 0.7, 15, 50, 50, true }, { r.Top, r.Left, r.Bottom, r.Right, r.Angle,
      r.Midpoint, r.Feather, r.Flipped })
    assert.are.equal(0.8, corrections[2].CorrectionAmount)

    local paint = corrections[3].CorrectionMasks
    assert.are.same({ 'Mask/Paint', 'Mask/Paint' }, { paint[1].What, paint[2].What })
    assert.are.same({ 'Brush 1', 'Brush 1' }, { paint[1].MaskName, paint[2].MaskName })
    assert.are.same({ 0.05, 1, 0.5, 1 }, { paint[1].Radius, paint[1].Flow, paint[1].CenterWeight, paint[1].MaskValue })
    assert.are.equal('d 0.300000 0.800000', paint[1].Dabs[1]) -- displayed (0.2, 0.3), EXIF 6
    assert.are.equal(3, dabCount(corrections[3]))
    assert.are.equal(0.2, corrections[3].LocalClarity2012)
  end)

  it('copies the table: the decoded JSON is not handed to Lightroom', function()
    local m = copy(GEOMETRY.photos[1].masks[3])
    local c = assert(Masks.correction(m, 1))
    assert.are_not.equal(m.lightroom, c)
    assert.are_not.equal(m.lightroom.CorrectionMasks[1].Dabs, c.CorrectionMasks[1].Dabs)
    assert.are.same(m.lightroom, c)
  end)

  it('refuses a lightroom form that is not a correction it can apply, saying why', function()
    local base = GEOMETRY.photos[1].masks[3]
    local function with(edit)
      local m = copy(base)
      edit(m.lightroom)
      local c, why = Masks.correction(m, 1)
      assert.is_nil(c)
      return why
    end
    assert.are.equal('its lightroom form is not a correction', with(function(t) t.What = 'Mask' end))
    assert.are.equal('its lightroom form is not a correction', with(function(t) t.CorrectionSyncID = 'x' end))
    assert.are.equal('its lightroom form has no masks', with(function(t) t.CorrectionMasks = {} end))
    assert.are.equal('a Mask/RangeMask component is not a form Atelier applies',
      with(function(t) t.CorrectionMasks[1].What = 'Mask/RangeMask' end))
    assert.are.equal('a brush component has no dabs', with(function(t) t.CorrectionMasks[2].Dabs = nil end))
    assert.are.equal('a brush dab is not "d x y": 0.5 0.5',
      with(function(t) t.CorrectionMasks[1].Dabs[2] = '0.5 0.5' end))
    assert.are.equal('a component has no MaskSyncID', with(function(t) t.CorrectionMasks[1].MaskSyncID = nil end))
    assert.are.equal('LocalExposure2012 is not a number', with(function(t) t.LocalExposure2012 = '0.1' end))
    assert.are.equal('lightroom.LocalTint is not a number, text, boolean or table',
      with(function(t) t.LocalTint = JSON.null end))
    assert.are.equal('lightroom.LocalTint is not a number, text, boolean or table',
      with(function(t) t.LocalTint = 0 / 0 end))
    local _, left = Masks.plan({ copy(GEOMETRY.photos[1].masks[1]), { name = 'bad', kind = 'brush', lightroom = 'x' } })
    assert.are.equal('bad', left[1].mask.name)
  end)

  it('takes the real bridge\'s AI masks from the key too (its reference point, its ids)', function()
    local doc = JSON.decode(fixture('enhance_masks_lightroom_real.json'))
    local compared = 0
    for _, p in ipairs(doc.photos) do
      local corrections, left = Masks.plan(p.masks)
      assert.are.same({}, left)
      for i, m in ipairs(p.masks or {}) do
        assert.are.same(m.lightroom, corrections[i])
        assert.are.equal('Mask/Image', corrections[i].CorrectionMasks[1].What)
        compared = compared + 1
      end
    end
    assert.is_true(compared > 0)
  end)
end)

describe('drawn and brush masks in Lightroom (fake catalog)', function()
  it('applies the real `atelier mask "the shadows"` brush dabs in one history step', function()
    local doc = JSON.decode(SHADOWS)
    local p = fake.photo { path = '/tmp/h10lr/pond.jpg' }
    local q = fake.photo { path = '/tmp/h10lr/kodak_pcd0992_img0004_16base_portrait_red_hat.jpg' }
    local env = fake_env.env({ photos = { p, q }, prefs = { atelierPath = '/a' }, prompt = 'the shadows',
      answer = function() return 0, SHADOWS, '' end })
    local summary = Actions.run('mask', env)
    assert.are.equal(2, summary.counts.ok)
    for i, photo in ipairs({ p, q }) do
      local calls = applies(photo)
      assert.are.equal(1, #calls)
      assert.are.equal('Atelier: Mask & enhance by description', calls[1][3])
      local c = calls[1][2].MaskGroupBasedCorrections
      local want = doc.photos[i].masks[1].lightroom
      assert.are.same({ want }, c)
      assert.are.equal('Mask/Paint', c[1].CorrectionMasks[1].What)
      assert.is_true(dabCount(c[1]) > 20)
      assert.are.same({ want.CorrectionSyncID }, JSON.decode(photo.props.atelierMasks))
    end
    assert.are.equal(0.1075, p.develop.MaskGroupBasedCorrections[1].LocalExposure2012) -- +0.43 EV
    assert.are.same({}, env.dialogs.messages) -- nothing left out, read back as applied
  end)

  it('keeps the user\'s masks, replaces its own of the same name, and reverts', function()
    local p = fake.photo { path = '/tmp/h10lr/pond.jpg',
      develop = { MaskGroupBasedCorrections = { userCorrection('the shadows') } } }
    local env = fake_env.env({ photos = { p }, prefs = { atelierPath = '/a' }, prompt = 'the shadows',
      answer = function() return 0, SHADOWS, '' end })
    Actions.run('mask', env)
    Actions.run('mask', env) -- the same result again: replaced, not added
    local c = p.develop.MaskGroupBasedCorrections
    assert.are.same({ 'the shadows', 'the shadows' }, names(c))
    assert.are.same(userCorrection('the shadows'), c[1])
    assert.are.equal('Mask/Paint', c[2].CorrectionMasks[1].What)
    Actions.run('revert', env)
    assert.are.same({ userCorrection('the shadows') }, p.develop.MaskGroupBasedCorrections)
    assert.is_nil(p.props.atelierMasks)
  end)

  it('applies gradients and radial gradients with the global settings in the same call', function()
    local p = fake.photo { path = '/tmp/h10lr/drawn.jpg' }
    local text = fixture('masks_geometry_bridge.json')
    local env = fake_env.env({ photos = { p }, prefs = { atelierPath = '/a' },
      answer = function() return 0, text, '' end })
    Actions.run('enhanceMasks', env)
    local calls = applies(p)
    assert.are.equal(1, #calls)
    assert.are.equal(0.2, calls[1][2].Exposure2012)
    local c = calls[1][2].MaskGroupBasedCorrections
    assert.are.same({ 'Mask/Gradient', 'Mask/CircularGradient', 'Mask/Paint' },
      { c[1].CorrectionMasks[1].What, c[2].CorrectionMasks[1].What, c[3].CorrectionMasks[1].What })
    assert.are.same({}, env.dialogs.messages)
  end)

  it('skips them before Lightroom Classic 11, once, like AI masks', function()
    local p = fake.photo { path = '/tmp/h10lr/pond.jpg' }
    local env = fake_env.env({ photos = { p }, prefs = { atelierPath = '/a' }, prompt = 'the shadows',
      lightroomVersion = { major = 10, minor = 4 }, answer = function() return 0, SHADOWS, '' end })
    local summary = Actions.run('mask', env)
    assert.is_nil(p.develop.MaskGroupBasedCorrections)
    assert.is_nil(p.props.atelierMasks)
    assert.are.same({ 'Lightroom Classic 10.4 cannot take masks from a plug-in (11 or later can): they were not '
      .. 'saved: turn on "Also write XMP" in the Plug-in Manager to keep them in the XMP.' }, summary.general)
  end)

  it('says when Lightroom reads back fewer dabs than were applied', function()
    local doc = JSON.decode(SHADOWS)
    local want = doc.photos[1].masks[1].lightroom
    local short = copy(want)
    table.remove(short.CorrectionMasks[3].Dabs)
    assert.are.same({ 'mask the shadows: its mask is not the one applied' }, Masks.compare({ want }, { want }, { short }))
    assert.are.same({}, Masks.compare({ want }, { want }, { copy(want) }))
  end)
end)

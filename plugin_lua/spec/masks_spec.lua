-- Masks as Lightroom MaskGroupBasedCorrections: the conversion, the merge with the user's own
-- corrections, the Lightroom Classic 11 gate, read-back and revert — on the fake catalog, with
-- documents captured from the real CLI (spec/fixtures/*_real.json):
--   atelier enhance --masks sky,subject --dry-run --force --json -- uhdr05….jpg uhdr09….jpg kodak…red_hat.jpg
--   atelier mask --enhance --dry-run --json -- "the sky" pond.jpg
--   atelier mask --enhance --dry-run --json -- "the shadows" pond.jpg kodak…red_hat.jpg
local Actions = require 'Actions'
local JSON = require 'JSON'
local Masks = require 'Masks'
local fake = require 'fake_sdk'
local fake_env = require 'fake_env'
local support = require 'spec_support'
local fixture, applies, names, userCorrection = support.fixture, support.applies, support.names, support.userCorrection

describe('Masks.supported', function()
  it('lets masks through from Lightroom Classic 11 on', function()
    assert.is_true(Masks.supported({ major = 11, minor = 0 }))
    assert.is_true(Masks.supported({ major = 14, minor = 2 }))
    assert.is_true(Masks.supported({ major = '13' }))
    assert.is_false(Masks.supported({ major = 10, minor = 4 }))
    assert.is_false(Masks.supported(nil))
    assert.are.equal('10.4', Masks.versionText({ major = 10, minor = 4 }))
    assert.are.equal('unknown', Masks.versionText(nil))
  end)
end)

describe('Masks.correction', function()
  it('makes a semantic mask a Mask/Image correction in stored units', function()
    local c = assert(Masks.correction({ name = 'Sky', kind = 'semantic', semantic_class = 'sky',
      settings = { LocalExposure2012 = -0.3, LocalHighlights2012 = -20, LocalShadows2012 = 12 } }, 1))
    assert.are.equal('Correction', c.What)
    assert.are.equal(1, c.CorrectionAmount)
    assert.is_true(c.CorrectionActive)
    assert.are.equal('Sky', c.CorrectionName)
    assert.are.equal(-0.075, c.LocalExposure2012) -- EV/4
    assert.are.equal(-0.2, c.LocalHighlights2012) -- /100
    assert.are.equal(0.12, c.LocalShadows2012)
    assert.are.equal(0, c.LocalContrast2012) -- every Local* value, as Lightroom writes them
    assert.are.equal(0, c.LocalExposure)
    assert.are.equal(100, c.LocalCurveRefineSaturation)
    assert.truthy(c.CorrectionSyncID:find('^[0-9A-F]+$') and #c.CorrectionSyncID == 32, c.CorrectionSyncID)
    assert.are.equal(1, #c.CorrectionMasks)
    local m = c.CorrectionMasks[1]
    assert.are.same({ What = 'Mask/Image', MaskActive = true, MaskName = 'Sky 1', MaskBlendMode = 0,
      MaskInverted = false, MaskSyncID = m.MaskSyncID, MaskValue = 1, MaskVersion = 1, MaskSubType = 2,
      ReferencePoint = '0.500000 0.500000', ErrorReason = 0 }, m)
    assert.are_not.equal(c.CorrectionSyncID, m.MaskSyncID)
  end)

  it('carries the sub-category of landscape and people classes', function()
    local bg = assert(Masks.correction({ name = 'B', kind = 'semantic', semantic_class = 'background' }, 1))
    assert.are.equal(0, bg.CorrectionMasks[1].MaskSubType)
    assert.are.equal(22, bg.CorrectionMasks[1].MaskSubCategoryID)
    assert.are.equal('Background 1', bg.CorrectionMasks[1].MaskName)
    local hair = assert(Masks.correction({ name = 'H', kind = 'semantic', semantic_class = 'hair' }, 1))
    assert.are.same({ 3, 5 }, { hair.CorrectionMasks[1].MaskSubType, hair.CorrectionMasks[1].MaskSubCategoryID })
  end)

  it('gives the same ids for the same mask and others for another', function()
    local m = { name = 'Sky', kind = 'semantic', semantic_class = 'sky', settings = { LocalExposure2012 = 0.5 } }
    assert.are.equal(Masks.correction(m, 1).CorrectionSyncID, Masks.correction(m, 1).CorrectionSyncID)
    assert.are_not.equal(Masks.correction(m, 1).CorrectionSyncID, Masks.correction(m, 2).CorrectionSyncID)
    local other = { name = 'Sky', kind = 'semantic', semantic_class = 'sky', settings = { LocalExposure2012 = 0.6 } }
    assert.are_not.equal(Masks.correction(m, 1).CorrectionSyncID, Masks.correction(other, 1).CorrectionSyncID)
    assert.are.equal(32, #Masks.syncId(string.rep('\255', 300)))
  end)

  it('leaves out what Lightroom cannot be given from the JSON, saying why', function()
    local cases = {
      { { name = 'the shadows', kind = 'raster' }, 'a raster mask reaches Lightroom only through the XMP' },
      { { name = 'x', kind = 'semantic', semantic_class = 'the red car' }, 'Lightroom has no AI mask for "the red car"' },
      { { name = 'x', kind = 'semantic', semantic_class = 'sky', settings = { LocalExposure2012 = 5 } },
        'LocalExposure2012=5 is outside -4..4' },
      { { name = 'x', kind = 'semantic', semantic_class = 'sky', settings = { LocalSharpness = 5 } },
        'LocalSharpness is not a local setting Atelier applies' },
    }
    for _, case in ipairs(cases) do
      local c, why = Masks.correction(case[1], 1)
      assert.is_nil(c)
      assert.are.equal(case[2], why)
    end
    local corrections, left = Masks.plan({ { name = 'Sky', kind = 'semantic', semantic_class = 'sky' },
      { name = 'the shadows', kind = 'raster' } })
    assert.are.same({ 'Sky' }, names(corrections))
    assert.are.equal('the shadows', left[1].mask.name)
  end)
end)

describe('Masks.merge and Masks.remove', function()
  local sky = assert(Masks.correction({ name = 'Sky', kind = 'semantic', semantic_class = 'sky' }, 1))
  local oldSky = assert(Masks.correction({ name = 'Sky', kind = 'semantic', semantic_class = 'sky',
    settings = { LocalExposure2012 = -1 } }, 1))
  local dog = assert(Masks.correction({ name = 'the dog', kind = 'semantic', semantic_class = 'subject' }, 1))

  it('replaces only Atelier\'s corrections of the given names', function()
    local userSky = userCorrection('Sky') -- the user's own, named like ours: never touched
    local merged, ids = Masks.merge({ userSky, oldSky, dog }, { sky },
      { oldSky.CorrectionSyncID, dog.CorrectionSyncID }, { 'Sky', 'Subject' })
    assert.are.same({ userSky, dog, sky }, merged)
    assert.are.same({ dog.CorrectionSyncID, sky.CorrectionSyncID }, ids)
  end)

  it('starts a list when the photo has none', function()
    local merged, ids = Masks.merge(nil, { sky }, nil, { 'Sky' })
    assert.are.same({ sky }, merged)
    assert.are.same({ sky.CorrectionSyncID }, ids)
  end)

  it('removes Atelier\'s corrections and keeps the user\'s', function()
    local user = userCorrection('Mine')
    local kept, removed = Masks.remove({ user, sky, dog }, { sky.CorrectionSyncID, dog.CorrectionSyncID })
    assert.are.same({ user }, kept)
    assert.are.equal(2, removed)
  end)
end)

describe('Masks.compare', function()
  local sky = assert(Masks.correction({ name = 'Sky', kind = 'semantic', semantic_class = 'sky',
    settings = { LocalExposure2012 = -0.3 } }, 1))
  local user = userCorrection('Mine')

  it('accepts what was applied and names what differs', function()
    assert.are.same({}, Masks.compare({ user, sky }, { sky }, { user, sky }))
    local changed = {}
    for k, v in pairs(sky) do changed[k] = v end
    changed.LocalExposure2012 = 0
    changed.CorrectionMasks = { { What = 'Mask/Image', MaskSubType = 1 } }
    assert.are.same({ 'mask Sky: LocalExposure2012 wanted -0.075, Lightroom has 0',
      'mask Sky: its mask is not the one applied' }, Masks.compare({ user, sky }, { sky }, { user, changed }))
    assert.are.same({ 'masks: wanted 2, Lightroom has 1', "mask Sky: not in Lightroom's settings" },
      Masks.compare({ user, sky }, { sky }, { user }))
  end)
end)

describe('masks in Auto-enhance (fake catalog)', function()
  it('applies them on Lightroom Classic 11+ in the same history step, ids recorded', function()
    local env = fake_env.env({ photos = fake_env.photos(), prefs = { atelierPath = '/a' },
      lightroomVersion = { major = 11, minor = 0 } })
    Actions.run('enhanceMasks', env)
    for _, p in ipairs(env.catalog.photos) do
      local calls = applies(p)
      assert.are.equal(1, #calls, p.path)
      assert.are.equal('Atelier: Auto-enhance with sky & subject masks', calls[1][3])
      local corrections = calls[1][2].MaskGroupBasedCorrections
      assert.are.same({ 'Sky', 'Subject' }, names(corrections))
      assert.are.equal(0.45, calls[1][2].Exposure2012) -- the global settings in the same call
      assert.are.equal(-0.075, corrections[1].LocalExposure2012)
      assert.are.equal(-0.2, corrections[1].LocalHighlights2012)
      assert.are.equal(0.12, corrections[2].LocalShadows2012)
      assert.are.equal(2, corrections[1].CorrectionMasks[1].MaskSubType)
      assert.are.equal(1, corrections[2].CorrectionMasks[1].MaskSubType)
      assert.are.same({ corrections[1].CorrectionSyncID, corrections[2].CorrectionSyncID },
        JSON.decode(p.props.atelierMasks))
    end
    assert.are.same({}, env.dialogs.messages)
  end)

  it('keeps the user\'s masks and Atelier\'s named ones, replacing only the automatic ones', function()
    local p = fake.photo { path = '/p/a.jpg', develop = { MaskGroupBasedCorrections = { userCorrection('Mine') } } }
    local env = fake_env.env({ photos = { p }, prefs = { atelierPath = '/a' }, prompt = 'sky' })
    Actions.run('enhanceMasks', env)
    assert.are.same({ 'Mine', 'Sky', 'Subject' }, names(p.develop.MaskGroupBasedCorrections))
    Actions.run('mask', env) -- `atelier mask sky` adds a mask named "sky"
    Actions.run('enhanceMasks', env) -- a second run replaces its own Sky and Subject, nothing else
    assert.are.same({ 'Mine', 'sky', 'Sky', 'Subject' }, names(p.develop.MaskGroupBasedCorrections))
    assert.are.same(userCorrection('Mine'), p.develop.MaskGroupBasedCorrections[1])
    assert.are.equal(3, #JSON.decode(p.props.atelierMasks))
    assert.are.equal(3, #applies(p))

    -- revert: Atelier's corrections go, the user's stays, one more history step
    Actions.run('revert', env)
    assert.are.same({ 'Mine' }, names(p.develop.MaskGroupBasedCorrections))
    assert.is_nil(p.props.atelierMasks)
    assert.are.equal(4, #applies(p))
    assert.are.equal('Atelier: Revert Atelier edits', p.history[4])
  end)

  it('replaces, on a new virtual copy, the Atelier masks it inherited from its master', function()
    local master = fake.photo { path = '/p/a.jpg', develop = { MaskGroupBasedCorrections = { userCorrection('Mine') } } }
    local env = fake_env.env({ photos = { master }, prefs = { atelierPath = '/a' } })
    Actions.run('enhanceMasks', env)
    env.settings.virtualCopyFirst = true
    Actions.run('enhanceMasks', env)
    local copy = env.catalog.photos[2]
    assert.are.equal(master, copy.masterPhoto)
    assert.are.same({ 'Mine', 'Sky', 'Subject' }, names(copy.develop.MaskGroupBasedCorrections))
    assert.are.same({ 'Mine', 'Sky', 'Subject' }, names(master.develop.MaskGroupBasedCorrections))
    assert.are.equal(1, #applies(master))
  end)

  it('skips masks before Lightroom Classic 11 and says so once', function()
    local env, state = fake_env.env({ photos = fake_env.photos(), prefs = { atelierPath = '/a', batchSize = 1 },
      lightroomVersion = { major = 10, minor = 4 } })
    local summary = Actions.run('enhanceMasks', env)
    for _, p in ipairs(env.catalog.photos) do
      assert.are.equal(1, #applies(p))
      assert.is_nil(applies(p)[1][2].MaskGroupBasedCorrections)
      assert.are.equal(0.45, p.develop.Exposure2012)
      assert.is_nil(p.props.atelierMasks)
    end
    assert.are.equal(3, #state.argvs) -- three batches, one message
    assert.are.same({ 'Lightroom Classic 10.4 cannot take masks from a plug-in (11 or later can): they were not '
      .. 'saved: turn on "Also write XMP" in the Plug-in Manager to keep them in the XMP.' }, summary.general)
    assert.are.same({}, summary.lines) -- no per-photo mask lines
    assert.are.equal(3, summary.counts.ok)
  end)

  it('reports masks Lightroom did not keep, next to global read-back differences', function()
    local p = fake.photo { path = '/p/a.jpg',
      readBackDrift = { Exposure2012 = 0, MaskGroupBasedCorrections = { userCorrection('Mine') } } }
    local env = fake_env.env({ photos = { p }, prefs = { atelierPath = '/a' } })
    Actions.run('enhanceMasks', env)
    local text = env.dialogs.messages[1].text
    assert.truthy(text:find('a.jpg — note: read back differs — Exposure2012: wanted 0.45, Lightroom has 0', 1, true),
      text)
    assert.truthy(text:find("a.jpg — note: masks read back differ — masks: wanted 3, Lightroom has 1; "
      .. "mask Sky: not in Lightroom's settings; mask Subject: not in Lightroom's settings", 1, true), text)
  end)
end)

describe('masks from the real CLI', function()
  it('applies the captured enhance masks with Lightroom\'s scaling', function()
    local photos = {
      fake.photo { path = '/tmp/h10cap/uhdr05_pixel6pro_backlit_sun_clouds.jpg' },
      fake.photo { path = '/tmp/h10cap/uhdr09_emulated_base_backlit_trees_flare_darkened.jpg' },
      fake.photo { path = '/tmp/h10cap/kodak_pcd0992_img0004_16base_portrait_red_hat.jpg' },
    }
    local text = fixture('enhance_masks_real.json')
    local env = fake_env.env({ photos = photos, prefs = { atelierPath = '/a' },
      answer = function() return 0, text, '' end })
    local summary = Actions.run('enhanceMasks', env)
    assert.are.equal(3, summary.counts.ok)
    local doc = JSON.decode(text)
    for i, p in ipairs(photos) do
      local masks = doc.photos[i].masks
      local got = applies(p)[1][2].MaskGroupBasedCorrections
      if not masks then
        assert.is_nil(got)
      else
        assert.are.equal(#masks, #got)
        for j, m in ipairs(masks) do
          assert.are.equal(m.name, got[j].CorrectionName)
          for k, v in pairs(m.settings) do
            assert.are.equal(v / (k == 'LocalExposure2012' and 4 or 100), got[j][k], k)
          end
        end
      end
    end
    assert.are.same({}, env.dialogs.messages)
  end)

  it('applies an `atelier mask` semantic result and lists a raster one as not saved', function()
    local p = fake.photo { path = '/tmp/h10cap/pond.jpg' }
    local sky = fixture('mask_sky_real.json')
    local env = fake_env.env({ photos = { p }, prefs = { atelierPath = '/a' }, prompt = 'the sky',
      answer = function() return 0, sky, '' end })
    Actions.run('mask', env)
    local c = p.develop.MaskGroupBasedCorrections
    assert.are.same({ 'the sky' }, names(c))
    assert.are.equal(2, c[1].CorrectionMasks[1].MaskSubType)
    assert.are.equal(0, c[1].LocalExposure2012) -- "the region needs nothing beyond the global settings"
    assert.are.same({ 'Atelier: Mask & enhance by description' }, p.history)

    local shadows = fixture('mask_shadows_real.json')
    local q = fake.photo { path = '/tmp/h10cap/kodak_pcd0992_img0004_16base_portrait_red_hat.jpg' }
    env = fake_env.env({ photos = { p, q }, prefs = { atelierPath = '/a' }, prompt = 'the shadows',
      answer = function() return 0, shadows, '' end })
    local summary = Actions.run('mask', env)
    assert.are.same({ 'the sky' }, names(p.develop.MaskGroupBasedCorrections)) -- untouched
    assert.is_nil(q.develop.MaskGroupBasedCorrections)
    assert.are.same({ 'Some local masks cannot be applied inside Lightroom: they were not saved: turn on '
      .. '"Also write XMP" in the Plug-in Manager to keep them in the XMP.' }, summary.general)
    assert.truthy(env.dialogs.messages[1].text:find('pond.jpg — note: masks not saved: the shadows (raster): '
      .. 'LocalExposure2012 0.43, LocalHighlights2012 -18 (a raster mask reaches Lightroom only through the XMP)',
      1, true), env.dialogs.messages[1].text)
  end)
end)

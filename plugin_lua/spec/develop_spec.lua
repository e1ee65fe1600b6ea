local Develop = require 'Develop'

local BRIDGE_JPEG = { Exposure2012 = 0.45, Contrast2012 = 8, Highlights2012 = -22, Shadows2012 = 15,
  Whites2012 = 6, Blacks2012 = -4, Vibrance = 12, WhiteBalance = 'Custom',
  IncrementalTemperature = -7, IncrementalTint = 2 }

describe('Develop.isRaw', function()
  it('knows raw, DNG and rendered formats', function()
    assert.is_true(Develop.isRaw('RAW'))
    assert.is_true(Develop.isRaw('DNG'))
    assert.is_false(Develop.isRaw('JPG'))
    assert.is_false(Develop.isRaw('TIFF'))
    assert.is_false(Develop.isRaw('PSD'))
    assert.is_nil(Develop.isRaw('VIDEO'))
    assert.is_nil(Develop.isRaw(nil))
  end)
end)

describe('Develop.round and Develop.finite', function()
  it('round half away from zero and reject NaN, infinities and non-numbers', function()
    assert.are.equal(3, Develop.round(2.5))
    assert.are.equal(-3, Develop.round(-2.5))
    assert.are.equal(0.13, Develop.round(0.125, 2))
    assert.are.equal(-0.13, Develop.round(-0.125, 2))
    assert.is_true(Develop.finite(-7.5))
    assert.is_false(Develop.finite(0 / 0))
    assert.is_false(Develop.finite(math.huge))
    assert.is_false(Develop.finite(-math.huge))
    assert.is_false(Develop.finite('1'))
  end)
end)

describe('Develop.settingsFor', function()
  it('applies a JPEG result as it came, with incremental white balance', function()
    local apply, notes = Develop.settingsFor(BRIDGE_JPEG, 'JPG', false)
    assert.are.same(BRIDGE_JPEG, apply)
    assert.are.same({}, notes)
  end)

  it('keeps Kelvin white balance for raw and DNG', function()
    for _, fmt in ipairs({ 'RAW', 'DNG' }) do
      local apply = Develop.settingsFor({ Temperature = 5350, Tint = 4, Exposure2012 = 0.3 }, fmt, true)
      assert.are.same({ Temperature = 5350, Tint = 4, Exposure2012 = 0.3, WhiteBalance = 'Custom' }, apply)
    end
  end)

  it('drops white balance of the wrong flavour, keeping the rest', function()
    local apply, notes = Develop.settingsFor(BRIDGE_JPEG, 'RAW', false)
    assert.is_nil(apply.IncrementalTemperature)
    assert.is_nil(apply.IncrementalTint)
    assert.is_nil(apply.WhiteBalance)
    assert.are.equal(0.45, apply.Exposure2012)
    assert.are.equal(2, #notes)
    assert.truthy(notes[1]:find('IncrementalTemperature does not apply to a raw photo', 1, true))
    local apply2, notes2 = Develop.settingsFor({ Temperature = 6000, Tint = 0 }, 'JPG', true)
    assert.are.same({}, apply2)
    assert.truthy(notes2[1]:find('Temperature does not apply to a rendered photo', 1, true))
  end)

  it('uses the bridge is_raw only when Lightroom does not know the format', function()
    assert.are.equal(5000, Develop.settingsFor({ Temperature = 5000 }, nil, true).Temperature)
    local apply, notes = Develop.settingsFor({ Temperature = 5000 }, nil, nil)
    assert.is_nil(apply.Temperature)
    assert.truthy(notes[1]:find('file format unknown'))
  end)

  it('rejects unknown keys, out-of-range and non-numbers; rounds as Lightroom stores', function()
    local apply, notes = Develop.settingsFor({ Exposure2012 = 6, Contrast2012 = 12.6, Shadows2012 = -12.5,
      Clarity2012 = 'x', Sharpness = 40, Dehaze = 0 / 0, Exposure = 1, Texture = -0.004 }, 'JPG')
    assert.are.same({ Contrast2012 = 13, Shadows2012 = -13, Texture = 0 }, apply)
    assert.are.equal(5, #notes)
    assert.truthy(table.concat(notes, '\n'):find('Exposure2012=6 is outside -5..5', 1, true))
    assert.truthy(table.concat(notes, '\n'):find('Sharpness is not a setting', 1, true))
    assert.are.equal(0.13, Develop.settingsFor({ Exposure2012 = 0.1251 }, 'JPG').Exposure2012)
  end)

  it('returns nothing for missing settings', function()
    local apply, notes = Develop.settingsFor(nil, 'JPG')
    assert.are.same({}, apply)
    assert.are.same({}, notes)
  end)
end)

describe('Develop.before', function()
  it('records the old values, 0 for unset sliders, and the old white balance mode', function()
    local before = Develop.before({ Exposure2012 = -0.2, Temperature = 5600, Tint = 3, WhiteBalance = 'As Shot' },
      { Exposure2012 = 0.4, Contrast2012 = 10, Temperature = 5000, Tint = 0, WhiteBalance = 'Custom' })
    assert.are.same({ Exposure2012 = -0.2, Contrast2012 = 0, Temperature = 5600, Tint = 3,
      WhiteBalance = 'As Shot' }, before)
  end)
end)

describe('Develop.compare', function()
  it('accepts what Lightroom stores and names what differs', function()
    local apply = { Exposure2012 = 0.45, Contrast2012 = 8, WhiteBalance = 'Custom' }
    assert.are.same({}, Develop.compare(apply, { Exposure2012 = 0.454, Contrast2012 = 8, WhiteBalance = 'Custom' }))
    local diff = Develop.compare(apply, { Exposure2012 = 0.5, Contrast2012 = 8 })
    assert.are.same({ 'Exposure2012: wanted 0.45, Lightroom has 0.5', 'WhiteBalance: wanted Custom, Lightroom has nil' },
      diff)
  end)
end)

describe('Develop.describeMasks', function()
  it('describes each mask on one line', function()
    assert.are.same({ 'Sky (sky): LocalExposure2012 -0.3, LocalHighlights2012 -20', 'Mask 2 (linear)' },
      Develop.describeMasks({ { name = 'Sky', kind = 'semantic', semantic_class = 'sky',
        settings = { LocalHighlights2012 = -20, LocalExposure2012 = -0.3 } }, { kind = 'linear' } }))
  end)
end)

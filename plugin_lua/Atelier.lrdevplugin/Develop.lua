--[[
Develop.lua — from the bridge's `settings` to a `photo:applyDevelopSettings` table.

Pure Lua: no SDK. Keys are Lightroom's own develop-setting names in slider units (the
vocabulary of xmp/vocabulary.py; tests/test_plugin_lua.py checks this copy against it).
White balance is chosen from the photo's file format as Lightroom sees it: raw (RAW, DNG)
takes `Temperature` K / `Tint`, rendered files `IncrementalTemperature` / `IncrementalTint`
(−100..100); a value of the wrong flavour is dropped and reported, never converted.
Local masks become `MaskGroupBasedCorrections` in Masks.lua.
]]

local Develop = {}

local function slider(lo, hi, decimals, scope)
  return { min = lo, max = hi, decimals = decimals or 0, scope = scope or 'any' }
end

--- Global sliders: name → {min, max, decimals, scope ('any' | 'raw' | 'rendered')}.
Develop.GLOBAL = {
  Exposure2012 = slider(-5, 5, 2),
  Contrast2012 = slider(-100, 100), Highlights2012 = slider(-100, 100),
  Shadows2012 = slider(-100, 100), Whites2012 = slider(-100, 100), Blacks2012 = slider(-100, 100),
  Texture = slider(-100, 100), Clarity2012 = slider(-100, 100), Dehaze = slider(-100, 100),
  Vibrance = slider(-100, 100), Saturation = slider(-100, 100),
  Temperature = slider(2000, 50000, 0, 'raw'), Tint = slider(-150, 150, 0, 'raw'),
  IncrementalTemperature = slider(-100, 100, 0, 'rendered'),
  IncrementalTint = slider(-100, 100, 0, 'rendered'),
}

--- Local (mask) sliders in slider units: name → {min, max, scale}; the develop settings store
-- value / scale (local exposure EV/4, the others /100).
local function localSlider(lo, hi, scale) return { min = lo, max = hi, scale = scale or 100 } end
Develop.LOCAL = {
  LocalExposure2012 = localSlider(-4, 4, 4),
  LocalContrast2012 = localSlider(-100, 100), LocalHighlights2012 = localSlider(-100, 100),
  LocalShadows2012 = localSlider(-100, 100), LocalWhites2012 = localSlider(-100, 100),
  LocalBlacks2012 = localSlider(-100, 100), LocalTexture = localSlider(-100, 100),
  LocalClarity2012 = localSlider(-100, 100), LocalDehaze = localSlider(-100, 100),
  LocalTemperature = localSlider(-100, 100), LocalTint = localSlider(-100, 100),
  LocalSaturation = localSlider(-100, 100),
}

local WB_KEYS = { 'Temperature', 'Tint', 'IncrementalTemperature', 'IncrementalTint' }

--- Lightroom `fileFormat` values whose white balance is absolute (Kelvin).
Develop.RAW_FORMATS = { RAW = true, DNG = true }
--- Lightroom `fileFormat` values of rendered files (relative white balance).
Develop.RENDERED_FORMATS = { JPG = true, JPEG = true, TIFF = true, PSD = true, PNG = true,
  HEIC = true, AVIF = true, JXL = true }

--- true (raw), false (rendered) or nil (unknown) from Lightroom's `fileFormat`.
function Develop.isRaw(fileFormat)
  local f = type(fileFormat) == 'string' and fileFormat:upper() or nil
  if f and Develop.RAW_FORMATS[f] then return true end
  if f and Develop.RENDERED_FORMATS[f] then return false end
  return nil
end

--- `v` rounded half away from zero to `decimals` places (default 0), as Lightroom stores sliders.
function Develop.round(v, decimals)
  local m = 10 ^ (decimals or 0)
  if v >= 0 then return math.floor(v * m + 0.5) / m end
  return -math.floor(-v * m + 0.5) / m
end
local round = Develop.round

--- true when `v` is a number that is neither NaN nor ±infinity.
function Develop.finite(v)
  return type(v) == 'number' and v == v and v ~= math.huge and v ~= -math.huge
end
local finite = Develop.finite

--- Build the settings to apply.
-- `settings`: the bridge's per-photo `settings` table; `fileFormat`: Lightroom's;
-- `bridgeIsRaw`: the bridge's `is_raw`, used only when the format is unknown.
-- Returns `apply` (table, possibly empty) and `notes` (list of strings: what was dropped).
function Develop.settingsFor(settings, fileFormat, bridgeIsRaw)
  local apply, notes = {}, {}
  if type(settings) ~= 'table' then return apply, notes end
  local raw = Develop.isRaw(fileFormat)
  if raw == nil then raw = bridgeIsRaw end
  local names = {}
  -- WhiteBalance is decided below from the white-balance keys that survive
  for k in pairs(settings) do if k ~= 'WhiteBalance' then names[#names + 1] = k end end
  table.sort(names)
  for _, name in ipairs(names) do
    local v, s = settings[name], Develop.GLOBAL[name]
    if not s then
      notes[#notes + 1] = string.format('%s is not a setting Atelier applies; ignored', name)
    elseif not finite(v) then
      notes[#notes + 1] = string.format('%s=%s is not a number; ignored', name, tostring(v))
    elseif v < s.min or v > s.max then
      notes[#notes + 1] = string.format('%s=%s is outside %s..%s; ignored', name, tostring(v),
        tostring(s.min), tostring(s.max))
    elseif s.scope ~= 'any' and raw == nil then
      notes[#notes + 1] = string.format('%s: file format unknown, white balance not applied', name)
    elseif (s.scope == 'raw' and raw == false) or (s.scope == 'rendered' and raw == true) then
      notes[#notes + 1] = string.format('%s does not apply to a %s photo; white balance not applied',
        name, raw and 'raw' or 'rendered')
    else
      apply[name] = round(v, s.decimals)
    end
  end
  -- one flavour only, both keys or the kept one alone, and WhiteBalance = Custom with them
  local hasWb = false
  for _, k in ipairs(WB_KEYS) do if apply[k] ~= nil then hasWb = true end end
  if hasWb then apply.WhiteBalance = 'Custom' end
  return apply, notes
end

--- The values `photo` had before `apply` (for "Revert Atelier edits").
-- Unset global sliders default to 0; white balance is restored through `WhiteBalance`.
function Develop.before(current, apply)
  local out = {}
  current = current or {}
  for k in pairs(apply) do
    local v = current[k]
    if v == nil and Develop.GLOBAL[k] and Develop.GLOBAL[k].scope == 'any' then v = 0 end
    if v ~= nil then out[k] = v end
  end
  if apply.WhiteBalance ~= nil then out.WhiteBalance = current.WhiteBalance or 'As Shot' end
  return out
end

--- Keys of `apply` that `readBack` (from getDevelopSettings) does not hold.
-- Returns a list of "Key: wanted X, Lightroom has Y" strings (empty when all match).
function Develop.compare(apply, readBack)
  local out = {}
  readBack = readBack or {}
  local names = {}
  for k in pairs(apply) do names[#names + 1] = k end
  table.sort(names)
  for _, k in ipairs(names) do
    local want, have = apply[k], readBack[k]
    local ok
    if type(want) == 'number' and type(have) == 'number' then
      local s = Develop.GLOBAL[k]
      local tol = (s and s.decimals > 0) and 0.5 * 10 ^ -s.decimals + 1e-9 or 0.5
      ok = math.abs(want - have) <= tol
    else
      ok = want == have
    end
    if not ok then
      out[#out + 1] = string.format('%s: wanted %s, Lightroom has %s', k, tostring(want), tostring(have))
    end
  end
  return out
end

--- One line per mask: "Sky (semantic): LocalExposure2012 -0.3, LocalHighlights2012 -20".
function Develop.describeMasks(masks)
  local out = {}
  if type(masks) ~= 'table' then return out end
  for i, m in ipairs(masks) do
    local name = type(m.name) == 'string' and m.name or ('Mask ' .. i)
    local what = m.semantic_class or m.kind
    local parts = {}
    if type(m.settings) == 'table' then
      local keys = {}
      for k in pairs(m.settings) do keys[#keys + 1] = k end
      table.sort(keys)
      for _, k in ipairs(keys) do parts[#parts + 1] = k .. ' ' .. tostring(m.settings[k]) end
    end
    out[#out + 1] = name .. (what and (' (' .. tostring(what) .. ')') or '')
      .. (#parts > 0 and (': ' .. table.concat(parts, ', ')) or '')
  end
  return out
end

return Develop

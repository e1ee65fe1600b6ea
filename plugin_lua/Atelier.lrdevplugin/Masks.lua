--[[
Masks.lua — the bridge's `masks[]` as Lightroom `MaskGroupBasedCorrections` develop settings.

Pure Lua: no SDK. Gives `photo:applyDevelopSettings` the table form of the corrections (the
`crs:` names of xmp/lightroom_masks.py without prefix, numbers as numbers, booleans as
booleans, `rdf:Seq` as arrays), merges them with the corrections a photo already has the way
the Python writer does (xmp/lightroom.py `set_mask_group(replace_names=)`), and checks what
Lightroom reads back.

Each mask's `lightroom` key (docs/json.md) is the correction exactly as the bridge writes it
into the XMP — AI masks (`Mask/Image`), linear (`Mask/Gradient`) and radial
(`Mask/CircularGradient`) gradients, brush dabs (`Mask/Paint`, also fitted to raster masks),
geometry already in the stored frame: it is checked and copied, nothing is recomputed. A
bridge from before that key gives only name, kind and settings: then only AI masks are built
here (`kind = "semantic"` with a class Lightroom has a code for) and the others reach
Lightroom only through the XMP. Masks need Lightroom Classic 11 or later (`Masks.supported`).
]]

local Develop = require 'Develop'

local Masks = {}

--- Lightroom Classic major version that introduced `MaskGroupBasedCorrections`.
Masks.MIN_MAJOR = 11

--- Bridge `semantic_class` → {MaskSubType, MaskSubCategoryID or nil, label} (real LrC files;
-- the same codes as xmp/lightroom_masks.py SEMANTIC_CODES, checked by tests/test_plugin_lua.py).
Masks.SEMANTIC = {
  subject = { 1, nil, 'Subject' }, sky = { 2, nil, 'Sky' }, background = { 0, 22, 'Background' },
  architecture = { 0, 50001, 'Architecture' }, natural_ground = { 0, 50004, 'Natural Ground' },
  vegetation = { 0, 50005, 'Vegetation' }, water = { 0, 50007, 'Water' },
  face_skin = { 3, 2, 'Face Skin' }, iris_pupil = { 3, 3, 'Iris and Pupil' }, body_skin = { 3, 4, 'Body Skin' },
  hair = { 3, 5, 'Hair' }, lips = { 3, 6, 'Lips' }, eye_whites = { 3, 8, 'Eye Sclera' },
  eyebrows = { 3, 9, 'Eyebrows' }, clothes = { 3, 11, 'Clothes' }, teeth = { 3, 12, 'Teeth' },
}

-- Every Local* value real LrC 14/15 corrections carry, stored units, in Lightroom's order:
-- ours are overwritten from the mask's settings, the rest stay at Lightroom's neutral value.
local LOCAL_DEFAULTS = {
  { 'LocalExposure', 0 }, { 'LocalHue', 0 }, { 'LocalSaturation', 0 }, { 'LocalContrast', 0 },
  { 'LocalClarity', 0 }, { 'LocalSharpness', 0 }, { 'LocalBrightness', 0 }, { 'LocalToningHue', 0 },
  { 'LocalToningSaturation', 0 }, { 'LocalExposure2012', 0 }, { 'LocalContrast2012', 0 },
  { 'LocalHighlights2012', 0 }, { 'LocalShadows2012', 0 }, { 'LocalWhites2012', 0 },
  { 'LocalBlacks2012', 0 }, { 'LocalClarity2012', 0 }, { 'LocalDehaze', 0 }, { 'LocalLuminanceNoise', 0 },
  { 'LocalMoire', 0 }, { 'LocalDefringe', 0 }, { 'LocalTemperature', 0 }, { 'LocalTint', 0 },
  { 'LocalTexture', 0 }, { 'LocalGrain', 0 }, { 'LocalCurveRefineSaturation', 100 },
}

-- AI masks are recomputed by Lightroom around this point (real LrC presets use the centre).
local REFERENCE_POINT = '0.500000 0.500000'

--- true when `version` (LrApplication.versionTable(): {major, minor, …}) takes masks.
function Masks.supported(version)
  local major = type(version) == 'table' and tonumber(version.major) or nil
  return major ~= nil and major >= Masks.MIN_MAJOR
end

--- "13.1" from a versionTable, "unknown" without one.
function Masks.versionText(version)
  if type(version) ~= 'table' or not version.major then return 'unknown' end
  return tostring(version.major) .. '.' .. tostring(version.minor or 0)
end

local round, finite = Develop.round, Develop.finite

-- 32-bit multiplicative hash of `s` (exact in doubles: h·mult < 2^53, no bit operations in 5.1).
local function hash32(s, seed, mult)
  local h = seed
  for i = 1, #s do h = (h * mult + s:byte(i)) % 4294967296 end
  return h
end

--- 32 upper-case hex digits derived from `text` (CorrectionSyncID / MaskSyncID form): the same
-- masks give the same ids, so applying a result twice changes nothing.
function Masks.syncId(text)
  local out = {}
  local seeds = { 5381, 52711, 1315423911, 2166136261 }
  for i, mult in ipairs({ 31, 131, 1313, 65599 }) do
    local h = hash32(text, seeds[i], mult)
    out[i] = string.format('%04X%04X', math.floor(h / 65536), h % 65536) -- no %X above 2^31 on Windows
  end
  return table.concat(out)
end

local function sortedKeys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

--- The stored (develop-settings) value of local slider `name` at slider value `v`: exposure
-- EV/4, the others /100, rounded to 6 decimals as Lightroom writes them. nil, message if invalid.
function Masks.stored(name, v)
  local s = Develop.LOCAL[name]
  if not s then return nil, name .. ' is not a local setting Atelier applies' end
  if not finite(v) then return nil, string.format('%s=%s is not a number', name, tostring(v)) end
  if v < s.min or v > s.max then
    return nil, string.format('%s=%s is outside %s..%s', name, tostring(v), tostring(s.min), tostring(s.max))
  end
  return round(v / s.scale, 6)
end

-- Component kinds the Python writer gives Lightroom (xmp/lightroom_masks.py, verified forms).
Masks.WHAT = { ['Mask/Image'] = true, ['Mask/Gradient'] = true, ['Mask/CircularGradient'] = true,
  ['Mask/Paint'] = true }

-- A copy of the JSON value `v` at `path` in plain Lua types, or nil and what is wrong.
local function plain(v, path)
  local t = type(v)
  if t == 'number' then
    if finite(v) then return v end
  elseif t == 'string' or t == 'boolean' then
    return v
  elseif t == 'table' and getmetatable(v) == nil then
    local out = {}
    for k, x in pairs(v) do
      local c, err = plain(x, path .. '.' .. tostring(k))
      if c == nil then return nil, err end
      out[k] = c
    end
    return out
  end
  return nil, path .. ' is not a number, text, boolean or table'
end

local function isSyncId(v)
  return type(v) == 'string' and #v == 32 and v:find('^[0-9A-F]+$') ~= nil
end

local DAB = '^d %-?%d+%.?%d* %-?%d+%.?%d*$'

-- Why component `c` (a CorrectionMasks entry) is not one Lightroom is given, or nil.
local function componentProblem(c)
  if type(c) ~= 'table' or not Masks.WHAT[c.What] then
    return string.format('a %s component is not a form Atelier applies', tostring(type(c) == 'table' and c.What))
  end
  if not isSyncId(c.MaskSyncID) then return 'a component has no MaskSyncID' end
  if c.What == 'Mask/Paint' then
    if type(c.Dabs) ~= 'table' or #c.Dabs == 0 then return 'a brush component has no dabs' end
    for _, d in ipairs(c.Dabs) do
      if type(d) ~= 'string' or not d:find(DAB) then return 'a brush dab is not "d x y": ' .. tostring(d) end
    end
  end
  return nil
end

--- The correction in `t` (a mask's `lightroom` key: the bridge's XMP correction as JSON) as
-- the table `applyDevelopSettings` takes, or nil and what is wrong with it.
function Masks.fromBridge(t)
  local c, err = plain(t, 'lightroom')
  if not c then return nil, err end
  if type(c) ~= 'table' or c.What ~= 'Correction' or not isSyncId(c.CorrectionSyncID) then
    return nil, 'its lightroom form is not a correction'
  end
  if type(c.CorrectionMasks) ~= 'table' or #c.CorrectionMasks == 0 then
    return nil, 'its lightroom form has no masks'
  end
  for _, comp in ipairs(c.CorrectionMasks) do
    local problem = componentProblem(comp)
    if problem then return nil, problem end
  end
  for k, v in pairs(c) do
    if type(k) == 'string' and k:find('^Local') and type(v) ~= 'number' then
      return nil, k .. ' is not a number'
    end
  end
  return c
end

--- One correction (index = its place among this result's masks, 1-based) for bridge mask `m`,
-- or nil and why Lightroom cannot be given it from here.
function Masks.correction(m, index)
  if m.lightroom ~= nil then return Masks.fromBridge(m.lightroom) end
  local name = type(m.name) == 'string' and m.name ~= '' and m.name or ('Mask ' .. index)
  if m.kind ~= 'semantic' then
    return nil, string.format('a %s mask reaches Lightroom only through the XMP', tostring(m.kind or 'shapeless'))
  end
  local code = Masks.SEMANTIC[m.semantic_class]
  if not code then
    return nil, string.format('Lightroom has no AI mask for "%s"', tostring(m.semantic_class))
  end
  local c = { What = 'Correction', CorrectionAmount = 1, CorrectionActive = true, CorrectionName = name }
  for _, kv in ipairs(LOCAL_DEFAULTS) do c[kv[1]] = kv[2] end
  local settings = type(m.settings) == 'table' and m.settings or {}
  local parts = {}
  for _, k in ipairs(sortedKeys(settings)) do
    local v, err = Masks.stored(k, settings[k])
    if v == nil then return nil, err end
    c[k] = v
    parts[#parts + 1] = k .. '=' .. tostring(v)
  end
  c.CorrectionSyncID = Masks.syncId(table.concat({ 'correction', index, name, m.semantic_class,
    table.concat(parts, ',') }, '\31'))
  c.CorrectionMasks = { {
    What = 'Mask/Image', MaskActive = true, MaskName = code[3] .. ' 1', MaskBlendMode = 0,
    MaskInverted = false, MaskSyncID = Masks.syncId(c.CorrectionSyncID .. '\31' .. '0\31Mask/Image'),
    MaskValue = 1, MaskVersion = 1, MaskSubType = code[1], MaskSubCategoryID = code[2],
    ReferencePoint = REFERENCE_POINT, ErrorReason = 0,
  } }
  return c
end

--- Corrections for `masks` (the bridge's list) and the masks left out: {mask, reason} each.
function Masks.plan(masks)
  local corrections, left = {}, {}
  if type(masks) ~= 'table' then return corrections, left end
  for i, m in ipairs(masks) do
    local c, why = Masks.correction(m, i)
    if c then corrections[#corrections + 1] = c else left[#left + 1] = { mask = m, reason = why } end
  end
  return corrections, left
end

local function set(list)
  local s = {}
  for _, v in ipairs(list or {}) do s[v] = true end
  return s
end

--- The photo's corrections with Atelier's earlier ones named in `replaceNames` replaced by
-- `ours` (the user's own and Atelier's of other names stay, before ours).
-- `current`: getDevelopSettings().MaskGroupBasedCorrections (nil = none); `ownIds`: the sync ids
-- of the corrections Atelier applied before. Returns the merged list and the new `ownIds`.
function Masks.merge(current, ours, ownIds, replaceNames)
  local own, names = set(ownIds), set(replaceNames)
  local merged, replaced = {}, {}
  for _, c in ipairs(type(current) == 'table' and current or {}) do
    local id = type(c) == 'table' and c.CorrectionSyncID
    if id and own[id] and names[c.CorrectionName] then replaced[id] = true
    else merged[#merged + 1] = c end
  end
  local ids = {}
  for _, id in ipairs(ownIds or {}) do if not replaced[id] then ids[#ids + 1] = id end end
  for _, c in ipairs(ours) do
    merged[#merged + 1] = c
    ids[#ids + 1] = c.CorrectionSyncID
  end
  return merged, ids
end

--- `current` without Atelier's corrections (for "Revert Atelier edits"), and how many went.
function Masks.remove(current, ownIds)
  local own, kept, removed = set(ownIds), {}, 0
  for _, c in ipairs(type(current) == 'table' and current or {}) do
    if type(c) == 'table' and own[c.CorrectionSyncID] then removed = removed + 1
    else kept[#kept + 1] = c end
  end
  return kept, removed
end

--- What Lightroom's read-back lacks: `merged` is the whole list applied, `ours` Atelier's new
-- corrections in it, `readBack` getDevelopSettings().MaskGroupBasedCorrections. Returns a list of
-- "mask Sky: …" strings (empty when Lightroom holds what was applied).
function Masks.compare(merged, ours, readBack)
  local out, have = {}, {}
  local list = type(readBack) == 'table' and readBack or {}
  for _, c in ipairs(list) do
    if type(c) == 'table' and c.CorrectionSyncID then have[c.CorrectionSyncID] = c end
  end
  if #list ~= #merged then
    out[#out + 1] = string.format('masks: wanted %d, Lightroom has %d', #merged, #list)
  end
  for _, want in ipairs(ours) do
    local got = have[want.CorrectionSyncID]
    local label = 'mask ' .. tostring(want.CorrectionName)
    if not got then
      out[#out + 1] = label .. ': not in Lightroom\'s settings'
    else
      for _, k in ipairs(sortedKeys(want)) do
        local w, g = want[k], got[k]
        local same = type(w) == 'table' or w == g
          or (type(w) == 'number' and type(g) == 'number' and math.abs(w - g) <= 1e-6)
        if not same then
          out[#out + 1] = string.format('%s: %s wanted %s, Lightroom has %s', label, k, tostring(w), tostring(g))
        end
      end
      local gm = type(got.CorrectionMasks) == 'table' and got.CorrectionMasks or {}
      local wm = want.CorrectionMasks
      local same = #gm == #wm
      for i = 1, same and #wm or 0 do
        local g, w = gm[i], wm[i]
        same = same and type(g) == 'table' and g.What == w.What and g.MaskSubType == w.MaskSubType
          and (type(w.Dabs) ~= 'table' or (type(g.Dabs) == 'table' and #g.Dabs == #w.Dabs))
      end
      if not same then out[#out + 1] = label .. ': its mask is not the one applied' end
    end
  end
  return out
end

return Masks

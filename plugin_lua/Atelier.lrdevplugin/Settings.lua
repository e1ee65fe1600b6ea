--[[
Settings.lua — the plugin's preferences: defaults, clean-up, checks, and the CLI options.

Pure Lua: no SDK. `prefs` is `LrPrefs.prefsForPlugin()` in Lightroom, a plain table in tests.
]]

local Settings = {}

Settings.DEFAULTS = {
  atelierPath = '',        -- full path of the atelier program (no PATH lookup in Lightroom)
  engineAddress = '',      -- host:port of a running engine; blank = the bridge starts one
  predictor = 'analytic',  -- predictor name (analytic, filternet, …)
  styleProfile = '',       -- folder written by "Learn my style"; blank = none
  maskMode = 'none',       -- --masks for Auto-enhance (the masks menu item always asks for sky,subject)
  virtualCopyFirst = false, -- apply to a new virtual copy instead of the photo
  writeXmp = false,        -- also let the bridge write XMP (else --dry-run)
  critiqueRating = false,  -- Critique also sets the star rating
  batchSize = 20,          -- photos per bridge run (cancel takes effect between runs)
}

Settings.MASK_MODES = { 'auto', 'none', 'sky,subject', 'sky', 'subject' }

local function trim(s)
  if type(s) ~= 'string' then return '' end
  return (s:gsub('^%s+', ''):gsub('%s+$', ''))
end

--- Every preference with its default filled in and strings trimmed.
function Settings.read(prefs)
  prefs = prefs or {}
  local s = {}
  for k, default in pairs(Settings.DEFAULTS) do
    local v = prefs[k]
    if type(default) == 'string' then
      v = trim(v)
      if v == '' and k == 'predictor' then v = default end
      if v == '' and k == 'maskMode' then v = default end
    elseif type(default) == 'boolean' then
      v = v == true
    else
      v = tonumber(v) or default
      v = math.max(1, math.min(500, math.floor(v)))
    end
    s[k] = v
  end
  -- a path pasted with quotes around it ("/Applications/…") works as typed
  s.atelierPath = s.atelierPath:gsub('^"(.*)"$', '%1'):gsub("^'(.*)'$", '%1')
  return s
end

--- Problems that stop a run: a list of sentences (empty when fine).
-- `fileExists(path)` tells whether the program is there.
function Settings.problems(s, fileExists)
  local out = {}
  if s.atelierPath == '' then
    out[#out + 1] = 'Set the path of the atelier program in File ▸ Plug-in Manager ▸ Atelier.'
  elseif fileExists and not fileExists(s.atelierPath) then
    out[#out + 1] = 'The atelier program was not found at ' .. s.atelierPath
      .. ' (File ▸ Plug-in Manager ▸ Atelier).'
  end
  if s.engineAddress ~= '' and not s.engineAddress:find('^[%w%.%-%[%]:]+:%d+$') then
    out[#out + 1] = 'The engine address must look like 127.0.0.1:50051 (or be blank).'
  end
  local okMask = false
  for _, m in ipairs(Settings.MASK_MODES) do if m == s.maskMode then okMask = true end end
  if not okMask then
    out[#out + 1] = 'Mask mode must be one of: ' .. table.concat(Settings.MASK_MODES, ', ') .. '.'
  end
  return out
end

--- The options `Commands.argv` takes.
function Settings.options(s)
  return {
    exe = s.atelierPath, engine = s.engineAddress, predictor = s.predictor,
    style = s.styleProfile, masks = s.maskMode, dryRun = not s.writeXmp,
    writeRating = s.critiqueRating,
  }
end

return Settings

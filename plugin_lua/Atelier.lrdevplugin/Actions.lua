--[[
Actions.lua — what each menu item does, with the SDK passed in as `env`.

Pure Lua: everything that touches Lightroom arrives in `env` (Sdk.lua builds it; specs build a
fake one):
  platform      'mac' | 'win'
  catalog       LrCatalog (withWriteAccessDo, setSelectedPhotos, createVirtualCopies, addPhoto)
  photos        the target LrPhoto list
  settings      Settings.read(prefs)
  runner        services for Runner.run
  progress      {setCaption(text), setPortionComplete(done, total), isCanceled()}
  dialogs       {message(headline, text, style), bezel(text) optional}
  pcall         LrTasks.pcall (plain pcall breaks around yielding SDK calls)
  now()         timestamp text;  plugin: _PLUGIN;  log(text) optional
  fileExists(path);  prompt (Mask…);  styleOut (Learn my style);  setPref(key, value)
  lightroomVersion  LrApplication.versionTable() (masks need Lightroom Classic 11+)
]]

local Commands = require 'Commands'
local Develop = require 'Develop'
local JSON = require 'JSON'
local Masks = require 'Masks'
local Runner = require 'Runner'
local Settings = require 'Settings'
local Shell = require 'Shell'
local Summary = require 'Summary'

local Actions = {}

--- Plugin metadata fields (MetadataDefinition.lua declares the same ids).
Actions.FIELDS = { score = 'atelierScore', critique = 'atelierCritique', backend = 'atelierBackend',
  lastRun = 'atelierLastRun', before = 'atelierBefore', derivedFrom = 'atelierDerivedFrom',
  masks = 'atelierMasks' }

local WRITE_TIMEOUT = { timeout = 60 }

local function log(env, text) if env.log then env.log(text) end end

--- Split `paths` into runs of at most `size` whose command line fits the platform's limit.
-- `argvFor(list)` builds the argv for a list of paths.
function Actions.batches(platform, argvFor, paths, size)
  local limit = Shell.maxLength(platform) - 600 -- room for the two temp-file paths
  local out, current = {}, {}
  for _, p in ipairs(paths) do
    local trial = { unpack(current) }
    trial[#trial + 1] = p
    local argv = argvFor(trial)
    local line = argv and Shell.commandLine(platform, argv) or ''
    if #current > 0 and (#trial > size or #line > limit) then
      out[#out + 1] = current
      current = { p }
    else
      current = trial
    end
  end
  if #current > 0 then out[#out + 1] = current end
  return out
end

-- Photos grouped by file path (a virtual copy shares its master's file).
local function groupByPath(photos)
  local paths, byPath = {}, {}
  for _, photo in ipairs(photos) do
    local path = photo:getRawMetadata('path')
    if not byPath[path] then
      byPath[path] = {}
      paths[#paths + 1] = path
    end
    table.insert(byPath[path], photo)
  end
  return paths, byPath
end

local function normalPath(platform, p)
  if type(p) ~= 'string' then return p end
  if platform == 'win' then return (p:gsub('/', '\\'):lower()) end
  return p
end

local function leaf(platform, p)
  local name = type(p) == 'string' and p:match('([^/\\]+)$') or p
  if platform == 'win' and name then return name:lower() end
  return name
end

--- The bridge's record for each path of `batch`: {[path] = record}.
-- The bridge reports resolved paths (symlinks followed; on Windows a mapped drive may come back
-- as \\server\share), so after the exact text and the platform's spelling rules, a record is
-- matched by file name when exactly one unmatched path and one unmatched record share it.
function Actions.match(platform, parsed, batch)
  local out, used = {}, {}
  for _, path in ipairs(batch) do
    local rec = parsed.byPath[path]
    if not rec then
      local want = normalPath(platform, path)
      for _, r in ipairs(parsed.photos) do
        if not used[r] and normalPath(platform, r.path) == want then rec = r; break end
      end
    end
    if rec and not used[rec] then out[path], used[rec] = rec, true end
  end
  local pathsByLeaf, recsByLeaf = {}, {}
  for _, path in ipairs(batch) do
    if not out[path] then
      local k = leaf(platform, path)
      pathsByLeaf[k] = pathsByLeaf[k] or {}
      table.insert(pathsByLeaf[k], path)
    end
  end
  for _, r in ipairs(parsed.photos) do
    if not used[r] and r.path then
      local k = leaf(platform, r.path)
      recsByLeaf[k] = recsByLeaf[k] or {}
      table.insert(recsByLeaf[k], r)
    end
  end
  for k, paths in pairs(pathsByLeaf) do
    local recs = recsByLeaf[k]
    if #paths == 1 and recs and #recs == 1 then out[paths[1]] = recs[1] end
  end
  return out
end

local function photoCount(byPath, batch)
  local n = 0
  for _, p in ipairs(batch) do n = n + #byPath[p] end
  return n
end

local function writeGate(env, name, fn)
  local ok, result = env.pcall(function()
    return env.catalog:withWriteAccessDo(name, fn, WRITE_TIMEOUT)
  end)
  if not ok then return false, tostring(result) end
  if result == 'aborted' then return false, 'the Lightroom catalog was busy; try again' end
  return true
end

-- Virtual copies of `photos` (one each), keyed by the master: {[master] = copy}.
local function virtualCopies(env, photos)
  local catalog = env.catalog
  if not catalog.createVirtualCopies then return nil, 'this Lightroom cannot make virtual copies from a plug-in' end
  local ok, err = env.pcall(function() catalog:setSelectedPhotos(photos[1], photos) end)
  if not ok then return nil, tostring(err) end
  local copies
  ok = env.pcall(function() copies = catalog:createVirtualCopies('Atelier') end)
  if not ok then -- some versions want a write gate around it (unverified): try once inside one
    local gated, gateErr = writeGate(env, 'Atelier: virtual copies', function()
      copies = catalog:createVirtualCopies('Atelier')
    end)
    if not gated then return nil, gateErr end
  end
  if type(copies) ~= 'table' then return nil, 'Lightroom made no virtual copies' end
  local byMaster = {}
  for i, copy in ipairs(copies) do
    local master = copy:getRawMetadata('masterPhoto')
    for _, p in ipairs(photos) do
      if p == master or (p.localIdentifier and master and p.localIdentifier == master.localIdentifier) then
        byMaster[p] = copy
      end
    end
    if not master and photos[i] then byMaster[photos[i]] = copy end
  end
  return byMaster
end

-- The JSON value (object or list) stored in plugin field `field` of `photo` (nil when none).
local function jsonField(env, photo, field)
  local text = photo:getPropertyForPlugin(env.plugin, field)
  local value = type(text) == 'string' and text ~= '' and JSON.decode(text)
  if type(value) == 'table' then return value end
end

-- Merge the pre-Atelier values of the keys about to change into the photo's snapshot, so that
-- "Revert Atelier edits" returns to how the photo was before the first Atelier edit.
local function recordBefore(env, photo, apply)
  local field = Actions.FIELDS.before
  local snap = jsonField(env, photo, field) or {}
  local fresh = Develop.before(photo:getDevelopSettings(), apply)
  for k, v in pairs(fresh) do if snap[k] == nil then snap[k] = v end end
  photo:setPropertyForPlugin(env.plugin, field, (JSON.encode(snap)))
end

-- Names of `masks` (the bridge's list): what `atelier mask` replaces of Atelier's earlier masks.
local function maskNames(masks)
  local out = {}
  for _, m in ipairs(masks or {}) do if type(m.name) == 'string' then out[#out + 1] = m.name end end
  return out
end

-- Apply Atelier's corrections `t.masks` merged into the photo's own, recording their ids; the
-- merged list goes into `settings` (one applyDevelopSettings call, one history step). A new
-- virtual copy holds its master's corrections: Atelier's among them carry the master's ids.
local function mergeMasks(env, spec, t, settings)
  local ownIds = jsonField(env, t.photo, Actions.FIELDS.masks)
    or (t.master and jsonField(env, t.master, Actions.FIELDS.masks))
  local current = t.photo:getDevelopSettings().MaskGroupBasedCorrections
  local merged, ids = Masks.merge(current, t.masks, ownIds, spec.replaceMasks or maskNames(t.rec.masks))
  settings.MaskGroupBasedCorrections = merged
  t.merged = merged
  t.photo:setPropertyForPlugin(env.plugin, Actions.FIELDS.masks, (JSON.encode(JSON.asArray(ids))))
end

-- What became of each photo's masks, once per photo; `gated` = this Lightroom takes no masks.
local function reportMasks(t, gated, summary)
  if t.merged then
    local mismatches = Masks.compare(t.merged, t.masks, t.photo:getDevelopSettings().MaskGroupBasedCorrections)
    if #mismatches > 0 then summary:warn(t.path, 'masks read back differ — ' .. table.concat(mismatches, '; ')) end
  end
  if gated then return end -- said once for the whole run
  local left = {}
  for _, l in ipairs(t.leftMasks) do left[#left + 1] = l.mask end
  local described = Develop.describeMasks(left)
  if #described > 0 then
    summary:warn(t.path, (t.rec.xmpMode and 'masks in the XMP only: ' or 'masks not saved: ')
      .. table.concat(described, '; ') .. ' (' .. t.leftMasks[1].reason .. ')')
  end
end

-- Apply develop results of one batch: global settings and, on Lightroom Classic 11+, masks, in
-- one applyDevelopSettings call per photo.
local function applyDevelop(env, spec, parsed, batch, byPath, summary)
  local matched = Actions.match(env.platform, parsed, batch)
  local masksOk = Masks.supported(env.lightroomVersion)
  local targets = {}
  local masksLeft, masksGated = false, false
  for _, path in ipairs(batch) do
    local rec = matched[path]
    for _, photo in ipairs(byPath[path]) do
      if not rec then summary:failed(path, 'atelier returned no result for this photo')
      elseif rec.status == 'failed' then summary:failed(path, rec.error)
      elseif rec.status == 'skipped' then summary:skipped(path, rec.reason or 'skipped by atelier')
      else
        local apply, notes = Develop.settingsFor(rec.settings, photo:getRawMetadata('fileFormat'), rec.isRaw)
        local corrections, left = Masks.plan(rec.masks)
        if not masksOk and rec.masks then masksGated, corrections, left = true, {}, {} end
        if #left > 0 then masksLeft = true end
        targets[#targets + 1] = { photo = photo, path = path, rec = rec, apply = apply, notes = notes,
          masks = corrections, leftMasks = left }
      end
    end
  end
  if #targets == 0 then return end

  if env.settings.virtualCopyFirst then
    local masters = {}
    for i, t in ipairs(targets) do masters[i] = t.photo end
    local byMaster, err = virtualCopies(env, masters)
    if not byMaster then
      for _, t in ipairs(targets) do summary:failed(t.path, 'no virtual copy: ' .. tostring(err)) end
      return
    end
    for _, t in ipairs(targets) do t.master, t.photo = t.photo, byMaster[t.photo] or false end
  end

  local history = 'Atelier: ' .. spec.title
  local applied, stopped = {}, false
  local ok, err = writeGate(env, history, function()
    for _, t in ipairs(targets) do
      if env.progress.isCanceled() then stopped = true; break end
      if t.photo then
        local settings = {}
        for k, v in pairs(t.apply) do settings[k] = v end
        if next(t.apply) then recordBefore(env, t.photo, t.apply) end
        if #t.masks > 0 then mergeMasks(env, spec, t, settings) end
        if next(settings) then t.photo:applyDevelopSettings(settings, history) end
        if t.rec.predictor then t.photo:setPropertyForPlugin(env.plugin, Actions.FIELDS.backend, t.rec.predictor) end
        t.photo:setPropertyForPlugin(env.plugin, Actions.FIELDS.lastRun, env.now() .. ' ' .. spec.title)
        applied[#applied + 1] = t
      end
    end
  end)
  if not ok then
    for _, t in ipairs(targets) do summary:failed(t.path, 'not applied: ' .. err) end
    return
  end
  local done = {}
  for _, t in ipairs(applied) do
    done[t] = true
    summary:ok(t.path)
    if not next(t.apply) and not t.rec.masks then summary:warn(t.path, 'atelier suggested no change') end
    for _, n in ipairs(t.notes) do summary:warn(t.path, n) end
    if next(t.apply) then
      local mismatches = Develop.compare(t.apply, t.photo:getDevelopSettings())
      if #mismatches > 0 then summary:warn(t.path, 'read back differs — ' .. table.concat(mismatches, '; ')) end
    end
    reportMasks(t, masksGated, summary)
  end
  for _, t in ipairs(targets) do
    if not done[t] then
      if t.photo == false then summary:failed(t.path, 'Lightroom made no virtual copy of this photo')
      elseif stopped then summary:cancel(1) end
    end
  end
  local whereXmp = env.settings.writeXmp
    and 'they are in the XMP files only: Metadata ▸ Read Metadata from File shows them in Lightroom.'
    or 'they were not saved: turn on "Also write XMP" in the Plug-in Manager to keep them in the XMP.'
  if masksGated and not summary.maskGateNote then
    summary.maskGateNote = true
    summary:note(string.format('Lightroom Classic %s cannot take masks from a plug-in (%d or later can): %s',
      Masks.versionText(env.lightroomVersion), Masks.MIN_MAJOR, whereXmp))
  end
  if masksLeft and not summary.maskNote then
    summary.maskNote = true
    summary:note('Some local masks cannot be applied inside Lightroom: ' .. whereXmp)
  end
end

local function applyCritique(env, spec, parsed, batch, byPath, summary)
  local matched = Actions.match(env.platform, parsed, batch)
  local targets = {}
  for _, path in ipairs(batch) do
    local rec = matched[path]
    for _, photo in ipairs(byPath[path]) do
      -- A photo the journal skipped (critiqued before, unchanged since) comes with that
      -- earlier critique: stored like a new one, since this catalog may not hold it yet.
      local critique = rec and (rec.critique.score or rec.critique.text)
      if not rec then summary:failed(path, 'atelier returned no result for this photo')
      elseif rec.status == 'skipped' and not critique then summary:skipped(path, rec.reason)
      elseif rec.status ~= 'ok' and rec.status ~= 'skipped' then
        summary:failed(path, rec.error or rec.reason)
      elseif not critique then summary:failed(path, 'atelier returned no critique')
      else targets[#targets + 1] = { photo = photo, path = path, rec = rec } end
    end
  end
  if #targets == 0 then return end
  local F = Actions.FIELDS
  local ok, err = writeGate(env, 'Atelier: ' .. spec.title, function()
    for _, t in ipairs(targets) do
      local c = t.rec.critique
      if c.score then
        t.photo:setPropertyForPlugin(env.plugin, F.score, string.format('%d', math.floor(c.score + 0.5)))
      end
      if c.text then t.photo:setPropertyForPlugin(env.plugin, F.critique, c.text) end
      if t.rec.predictor then t.photo:setPropertyForPlugin(env.plugin, F.backend, t.rec.predictor) end
      t.photo:setPropertyForPlugin(env.plugin, F.lastRun, env.now() .. ' ' .. spec.title)
      -- The bridge maps the score to stars (one mapping, written to the file's xmp:Rating
      -- too); a critique without them leaves the rating alone.
      if env.settings.critiqueRating and c.rating then
        t.photo:setRawMetadata('rating', math.max(0, math.min(5, math.floor(c.rating))))
      end
    end
  end)
  for _, t in ipairs(targets) do
    if ok then summary:ok(t.path) else summary:failed(t.path, 'not saved: ' .. err) end
  end
end

local function applyDerived(env, spec, parsed, batch, byPath, summary)
  local matched = Actions.match(env.platform, parsed, batch)
  local targets = {}
  for _, path in ipairs(batch) do
    local rec = matched[path]
    local source = byPath[path][1] -- one derived file per file, stacked on the first photo
    if not rec then summary:failed(path, 'atelier returned no result for this photo')
    elseif rec.status ~= 'ok' then summary:failed(path, rec.error or rec.reason)
    elseif not rec.derived then summary:failed(path, 'atelier named no new file')
    elseif env.fileExists and not env.fileExists(rec.derived) then
      summary:failed(path, 'the new file is missing: ' .. rec.derived)
    else targets[#targets + 1] = { photo = source, path = path, rec = rec } end
  end
  if #targets == 0 then return end
  local F = Actions.FIELDS
  local results = {}
  local ok, err = writeGate(env, 'Atelier: ' .. spec.title, function()
    for i, t in ipairs(targets) do
      local added, newPhoto = env.pcall(function()
        return env.catalog:addPhoto(t.rec.derived, t.photo, 'above')
      end)
      if added and newPhoto then
        newPhoto:setPropertyForPlugin(env.plugin, F.derivedFrom, Summary.leafName(t.path))
        newPhoto:setPropertyForPlugin(env.plugin, F.lastRun, env.now() .. ' ' .. spec.title)
        if t.rec.predictor then newPhoto:setPropertyForPlugin(env.plugin, F.backend, t.rec.predictor) end
        results[i] = true
      else
        results[i] = 'Lightroom did not add ' .. Summary.leafName(t.rec.derived) .. ': ' .. tostring(newPhoto)
      end
    end
  end)
  for i, t in ipairs(targets) do
    if not ok then summary:failed(t.path, 'not added: ' .. err)
    elseif results[i] == true then summary:ok(t.path)
    else summary:failed(t.path, results[i] or 'not added') end
  end
end

local function applyStyle(env, _, parsed, batch, _, summary)
  local matched = Actions.match(env.platform, parsed, batch)
  for _, path in ipairs(batch) do
    local rec = matched[path]
    if rec and rec.status == 'skipped' then summary:skipped(path, rec.reason or 'not used')
    elseif rec and rec.status ~= 'ok' then summary:failed(path, rec.error or rec.reason or rec.status)
    else summary:ok(path) end
  end
  if env.setPref then env.setPref('styleProfile', parsed.style) end
  summary:note('Style profile saved in ' .. parsed.style .. '; Auto-enhance now uses it '
    .. '(change it in the Plug-in Manager).')
end

local APPLY = { develop = applyDevelop, critique = applyCritique, derived = applyDerived, style = applyStyle }

-- "Revert Atelier edits": the catalog side (pre-Atelier values recorded when applying, and
-- Atelier's mask corrections removed, the user's own kept), one history step per photo.
local function revertCatalog(env, spec, photos, summary)
  local F = Actions.FIELDS
  local targets = {}
  for _, photo in ipairs(photos) do
    local path = photo:getRawMetadata('path')
    local before, maskIds = jsonField(env, photo, F.before), jsonField(env, photo, F.masks)
    if not before and not maskIds then summary:skipped(path, 'no Atelier edit recorded in this catalog')
    else targets[#targets + 1] = { photo = photo, path = path, before = before or {}, maskIds = maskIds } end
  end
  if #targets == 0 then return end
  local history = 'Atelier: ' .. spec.title
  local ok, err = writeGate(env, history, function()
    for _, t in ipairs(targets) do
      local settings = {}
      for k, v in pairs(t.before) do settings[k] = v end
      if t.maskIds then
        local kept, removed = Masks.remove(t.photo:getDevelopSettings().MaskGroupBasedCorrections, t.maskIds)
        if removed > 0 then settings.MaskGroupBasedCorrections = kept end
      end
      if next(settings) then t.photo:applyDevelopSettings(settings, history) end
      t.photo:setPropertyForPlugin(env.plugin, F.before, nil)
      t.photo:setPropertyForPlugin(env.plugin, F.masks, nil)
      t.photo:setPropertyForPlugin(env.plugin, F.lastRun, env.now() .. ' ' .. spec.title)
    end
  end)
  for _, t in ipairs(targets) do
    if ok then summary:ok(t.path) else summary:failed(t.path, 'not reverted: ' .. err) end
  end
end

local function finish(env, summary)
  local severity = summary:severity()
  log(env, summary:headline() .. '\n' .. summary:text())
  if severity == 'info' and env.dialogs.bezel then
    env.dialogs.bezel(summary:headline())
  else
    env.dialogs.message(summary:headline(), summary:text(), severity)
  end
  return summary
end

-- Run the bridge over `paths` in batches; `each(parsed, batch)` handles one result.
-- Returns false when a run failed as a whole (the rest is then not attempted).
local function runBatches(env, name, opts, paths, byPath, summary, each)
  local spec = Commands.SPECS[name]
  local function argvFor(list) return (Commands.argv(name, opts, list)) end
  local batches = spec.single and { paths } or Actions.batches(env.platform, argvFor, paths, env.settings.batchSize)
  local total, done = #env.photos, 0
  for i, batch in ipairs(batches) do
    if env.progress.isCanceled() then
      for j = i, #batches do summary:cancel(photoCount(byPath, batches[j])) end
      return true
    end
    local n = photoCount(byPath, batch)
    env.progress.setCaption(string.format('%s: %d photo%s (%d of %d)…', spec.title, n,
      n == 1 and '' or 's', i, #batches))
    local argv, argvErr = Commands.argv(name, opts, batch)
    local result = argv and Runner.run(env.runner, argv)
      or { ok = false, kind = 'command', message = argvErr }
    local parsed, parseErr
    if result.ok then parsed, parseErr = Commands.parse(name, result.doc) end
    if not parsed then
      local message = result.message
      if result.ok then
        local whole = type(result.doc) == 'table' and type(result.doc.error) == 'string'
        message = (whole and 'atelier ' .. spec.cli .. ': ' or 'atelier returned an unusable result: ') .. parseErr
      end
      log(env, message .. (result.commandLine and ('\n' .. result.commandLine) or ''))
      summary:note(message)
      for j = i, #batches do
        for _, p in ipairs(batches[j]) do
          for _ = 1, #byPath[p] do summary:failed(p, j == i and 'atelier failed (see above)' or 'not run') end
        end
      end
      return false
    end
    each(parsed, batch)
    done = done + n
    env.progress.setPortionComplete(done, total)
  end
  return true
end

--- Run menu action `name` on `env.photos`. Returns the Summary (also shown in a dialog).
function Actions.run(name, env)
  local spec = Commands.SPECS[name]
  if not spec then error('unknown Atelier action ' .. tostring(name)) end
  local summary = Summary.new(spec.title)
  if not env.photos or #env.photos == 0 then
    env.dialogs.message('Atelier: ' .. spec.title, 'Select one or more photos first.', 'info')
    return summary
  end
  local s = env.settings
  local needsBridge = name ~= 'revert' or s.writeXmp
  if needsBridge then
    local problems = Settings.problems(s, env.fileExists)
    if #problems > 0 then
      env.dialogs.message('Atelier is not set up', table.concat(problems, '\n'), 'critical')
      summary:note(table.concat(problems, '\n'))
      return summary
    end
  end
  local opts = Settings.options(s)
  opts.prompt, opts.out = env.prompt, env.styleOut
  local paths, byPath = groupByPath(env.photos)

  if name == 'revert' then
    revertCatalog(env, spec, env.photos, summary)
    if s.writeXmp then
      local xmpSummary = Summary.new('XMP')
      runBatches(env, name, opts, paths, byPath, xmpSummary, function(parsed)
        for _, rec in ipairs(parsed.photos) do
          if rec.status == 'failed' then summary:warn(rec.path, 'XMP not reverted: ' .. rec.error) end
        end
      end)
      for _, g in ipairs(xmpSummary.general) do summary:note('XMP not reverted: ' .. g) end
    end
    return finish(env, summary)
  end

  local apply = APPLY[spec.kind]
  runBatches(env, name, opts, paths, byPath, summary, function(parsed, batch)
    apply(env, spec, parsed, batch, byPath, summary)
  end)
  return finish(env, summary)
end

return Actions

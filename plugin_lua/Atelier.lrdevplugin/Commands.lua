--[[
Commands.lua — the one place that knows the `atelier` command line and its `--json` shapes.

Pure Lua: no SDK. Each menu action names a spec; `Commands.argv` builds the argument list
(options first, then `--`, then positionals, so a prompt or path starting with '-' is never
read as an option) and `Commands.parse` turns the decoded `--json` document (docs/json.md)
into plain per-photo records the rest of the plugin uses.
]]

local Commands = {}

--- Menu actions. `cli`: sub-command; `kind`: how results are used; `options`: which
-- plugin settings become flags; `fixed`: flags always given.
Commands.SPECS = {
  -- --force: the user asked for this run, so the bridge's journal must not skip photos it
  -- enhanced before (Lightroom may hold other settings by now)
  -- replaceMasks: which of Atelier's earlier masks a result with masks replaces (enhance: its
  -- automatic ones, as the bridge's XMP writer does); without it only those of the same names
  enhance = { cli = 'enhance', kind = 'develop', title = 'Auto-enhance',
    options = { 'engine', 'predictor', 'style', 'masks', 'dryRun' }, fixed = { '--force' },
    replaceMasks = { 'Sky', 'Subject' } },
  enhanceMasks = { cli = 'enhance', kind = 'develop', title = 'Auto-enhance with sky & subject masks',
    options = { 'engine', 'predictor', 'style', 'dryRun' }, fixed = { '--masks', 'sky,subject', '--force' },
    replaceMasks = { 'Sky', 'Subject' } },
  mask = { cli = 'mask', kind = 'develop', title = 'Mask & enhance by description',
    options = { 'engine', 'dryRun' }, fixed = { '--enhance' }, prompt = true },
  critique = { cli = 'critique', kind = 'critique', title = 'Critique',
    options = { 'engine', 'dryRun', 'writeRating' } },
  generate = { cli = 'generate', kind = 'derived', title = 'Create Artist version',
    options = { 'engine' } },
  learnStyle = { cli = 'learn-style', kind = 'style', title = 'Learn my style',
    options = { 'out', 'predictor' }, single = true },
  revert = { cli = 'revert', kind = 'revert', title = 'Revert Atelier edits', options = {} },
}

--- Menu order (Info.lua lists the same actions).
Commands.ORDER = { 'enhance', 'enhanceMasks', 'mask', 'critique', 'generate', 'learnStyle', 'revert' }

-- option name → function(opts) returning the flags to add (or nothing)
local FLAGS = {
  engine = function(o) if o.engine and o.engine ~= '' then return { '--engine', o.engine } end end,
  predictor = function(o)
    if o.predictor and o.predictor ~= '' then return { '--predictor', o.predictor } end
  end,
  style = function(o) if o.style and o.style ~= '' then return { '--style', o.style } end end,
  masks = function(o) if o.masks and o.masks ~= '' then return { '--masks', o.masks } end end,
  dryRun = function(o) if o.dryRun then return { '--dry-run' } end end,
  writeRating = function(o) if o.writeRating and not o.dryRun then return { '--write-rating' } end end,
  out = function(o) if o.out and o.out ~= '' then return { '--out', o.out } end end,
}

--- A prompt as one line: runs of whitespace (line breaks too) become one space.
function Commands.cleanPrompt(text)
  if type(text) ~= 'string' then return nil end
  local s = text:gsub('%s+', ' '):gsub('^ ', ''):gsub(' $', '')
  if s == '' then return nil end
  return s
end

--- The argument list for action `name`: {exe, sub-command, flags..., '--json', '--', [prompt], paths...}.
-- `opts`: {exe, engine, predictor, style, masks, dryRun, writeRating, out, prompt}.
-- Returns argv, or nil and a message.
function Commands.argv(name, opts, paths)
  local spec = Commands.SPECS[name]
  if not spec then return nil, 'unknown action ' .. tostring(name) end
  if type(opts.exe) ~= 'string' or opts.exe == '' then return nil, 'the atelier program is not set' end
  if type(paths) ~= 'table' or #paths == 0 then return nil, 'no photos' end
  local argv = { opts.exe, spec.cli }
  for _, option in ipairs(spec.options) do
    for _, a in ipairs(FLAGS[option](opts) or {}) do argv[#argv + 1] = a end
  end
  for _, a in ipairs(spec.fixed or {}) do argv[#argv + 1] = a end
  argv[#argv + 1] = '--json'
  argv[#argv + 1] = '--'
  if spec.prompt then
    local prompt = Commands.cleanPrompt(opts.prompt)
    if not prompt then return nil, 'no description given' end
    argv[#argv + 1] = prompt
  end
  for _, p in ipairs(paths) do argv[#argv + 1] = p end
  return argv
end

local function str(v) if type(v) == 'string' and v ~= '' then return v end end
local function num(v) if type(v) == 'number' and v == v then return v end end
local function tbl(v) if type(v) == 'table' then return v end end

-- A path given as a string or as {path = ...}.
local function pathOf(v)
  if type(v) == 'string' then return str(v) end
  if type(v) == 'table' then return str(v.path) end
end

local function critiqueOf(p)
  local c = tbl(p.critique) or {}
  local text = str(p.critique) or str(c.summary) or str(p.summary) or str(c.reasoning)
    or str(p.reasoning) or str(c.text)
  return {
    score = num(c.score) or num(p.score),
    rating = num(c.rating) or num(p.rating),
    text = text,
  }
end

local function derivedOf(p)
  local d = pathOf(p.derived) or pathOf(p.output) or str(p.derived_path) or str(p.output_path)
  if not d and tbl(p.outputs) then d = pathOf(p.outputs[1]) end
  return d
end

--- One photo record from the document: {path, status, error, reason, format, isRaw, predictor,
-- settings, reasons, masks, xmpPath, xmpMode, critique = {score, rating, text}, derived}.
function Commands.photo(p)
  local status = str(p.status) or 'failed'
  local rec = {
    path = str(p.path), status = status,
    error = str(p.error) or (status == 'failed' and 'atelier gave no reason') or nil,
    reason = str(p.reason), format = str(p.format), predictor = str(p.predictor) or str(p.backend),
    settings = tbl(p.settings), reasons = tbl(p.reasons), masks = tbl(p.masks),
  }
  if type(p.is_raw) == 'boolean' then rec.isRaw = p.is_raw end
  local xmp = tbl(p.xmp)
  if xmp then rec.xmpPath, rec.xmpMode = str(xmp.path), str(xmp.mode) end
  rec.critique = critiqueOf(p)
  rec.derived = derivedOf(p)
  return rec
end

--- Check and flatten a decoded `--json` document for action `name`.
-- Returns {command, version, dryRun, summary, photos = {records}, byPath = {path → record},
-- style = path (learn-style)}, or nil and a message.
function Commands.parse(name, doc)
  local spec = Commands.SPECS[name]
  if not spec then return nil, 'unknown action ' .. tostring(name) end
  if type(doc) ~= 'table' then return nil, 'atelier printed no JSON object' end
  if doc.command ~= nil and doc.command ~= spec.cli then
    return nil, string.format("atelier answered '%s' to '%s'", tostring(doc.command), spec.cli)
  end
  -- a whole-run error (e.g. learn-style: too few edited photos)
  if str(doc.error) then return nil, doc.error end
  local out = { command = spec.cli, version = str(doc.atelier), dryRun = doc.dry_run == true,
    summary = tbl(doc.summary) or {}, photos = {}, byPath = {} }
  if doc.photos ~= nil and type(doc.photos) ~= 'table' then return nil, "'photos' is not a list" end
  for i, p in ipairs(doc.photos or {}) do
    if type(p) ~= 'table' then return nil, string.format('photo %d is not an object', i) end
    local rec = Commands.photo(p)
    out.photos[#out.photos + 1] = rec
    if rec.path then out.byPath[rec.path] = rec end
  end
  if spec.kind == 'style' then
    out.style = pathOf(doc.profile) or pathOf(doc.style) or pathOf(doc.out) or str(doc.output)
    if not out.style then return nil, 'atelier learn-style named no style profile' end
  elseif #out.photos == 0 then
    return nil, 'atelier returned no photos'
  end
  return out
end

return Commands

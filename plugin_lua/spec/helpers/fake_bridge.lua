--[[
fake_bridge.lua — answers an `atelier` argv the way docs/json.md says the bridge does.

Used two ways: in-process by specs (through a fake LrTasks.execute that parses the command
line with shparse) and as a real program (spec/fixtures/fake-atelier.lua run by /bin/sh) in
the end-to-end spec. Documents are encoded with dkjson — not the plugin's JSON.lua — so the
decoder is checked against an independent encoder.

Behaviour keyed by file names: "broken" → failed, "changed" → skipped, "nomatch" → reported
under another path; raw extensions (.dng .nef .cr2 .cr3 .arw .raf) get Kelvin white balance.
Prompt/path "USAGE" → exit 2; path "CRASH" → no JSON, exit 3; "GARBAGE" → non-JSON stdout.
]]

local dkjson = require 'dkjson'

local M = {}

local RAW = { dng = true, nef = true, cr2 = true, cr3 = true, arw = true, raf = true }

local function ext(p) return (p:match('%.([^./\\]+)$') or ''):lower() end

--- Split argv: sub-command, options {name → value|true}, positionals after '--'.
function M.split(argv)
  local cmd, opts, pos, i = argv[2], {}, {}, 3
  while i <= #argv do
    local a = argv[i]
    if a == '--' then
      for j = i + 1, #argv do pos[#pos + 1] = argv[j] end
      break
    elseif a == '--json' or a == '--dry-run' or a == '--enhance' or a == '--write-rating' or a == '--force' then
      opts[a:sub(3)] = true; i = i + 1
    else
      opts[a:sub(3)] = argv[i + 1]; i = i + 2
    end
  end
  return cmd, opts, pos
end

local function enhanceRecord(path, opts, withMasks)
  local raw = RAW[ext(path)] == true
  local s = { Exposure2012 = 0.45, Contrast2012 = 8, Highlights2012 = -22, Shadows2012 = 15,
    Whites2012 = 6, Blacks2012 = -4, Vibrance = 12, WhiteBalance = 'Custom' }
  if raw then s.Temperature, s.Tint = 5350, 4 else s.IncrementalTemperature, s.IncrementalTint = -7, 2 end
  local rec = { path = path, status = 'ok', format = raw and 'DNG' or 'JPEG', is_raw = raw,
    predictor = (opts.predictor or 'analytic') .. '/1', settings = s,
    reasons = { Exposure2012 = 'median luminance 0.11 → +0.45 EV' } }
  if withMasks then
    rec.masks = {
      { name = 'Sky', kind = 'semantic', semantic_class = 'sky',
        settings = { LocalExposure2012 = -0.3, LocalHighlights2012 = -20 }, reason = 'sky 1.6 EV brighter' },
      { name = 'Subject', kind = 'semantic', semantic_class = 'subject',
        settings = { LocalShadows2012 = 12 } },
    }
  end
  if not opts['dry-run'] then rec.xmp = { path = raw and (path:gsub('%.[^.]+$', '.xmp')) or path,
    mode = raw and 'sidecar' or 'embedded' } end
  return rec
end

--- The bridge's answer: exit code (0/1/2/3), stdout text, stderr text.
function M.answer(argv)
  local cmd, opts, paths = M.split(argv)
  if argv[2] == '--version' then return 0, 'atelier 0.1.0\n', '' end
  local prompt
  if cmd == 'mask' then prompt = table.remove(paths, 1) end
  if not opts.json then return 2, '', 'atelier: error: this fake only speaks --json\n' end
  for _, p in ipairs(paths) do
    if p:find('USAGE') then return 2, '', 'usage: atelier ' .. cmd .. ' PATH...\natelier: error: bad\n' end
    if p:find('CRASH') then return 3, '', 'Traceback (most recent call last):\nRuntimeError: engine died\n' end
    if p:find('GARBAGE') then return 0, 'this is not json', '' end
  end
  if prompt == 'USAGE' then return 2, '', 'atelier: error: bad prompt\n' end
  local doc = { atelier = '0.1.0', command = cmd, dry_run = opts['dry-run'] == true, photos = {} }
  if cmd == 'learn-style' and #paths < 5 then
    doc.error = string.format('learning a style needs at least 5 edited photos, got %d', #paths)
    for _, p in ipairs(paths) do doc.photos[#doc.photos + 1] = { path = p, status = 'ok' } end
    return 1, dkjson.encode(doc), 'atelier learn-style: ' .. doc.error .. '\n'
  end
  local failed = 0
  for _, p in ipairs(paths) do
    local rec
    if p:find('broken') then
      rec = { path = p, status = 'failed', error = 'truncated JPEG: image data ends after 41 % of the file' }
      failed = failed + 1
    elseif p:find('changed') then
      rec = { path = p, status = 'skipped', reason = 'the file changed underneath' }
    elseif cmd == 'enhance' then
      rec = enhanceRecord(p, opts, opts.masks == 'sky,subject' or opts.masks == 'auto')
    elseif cmd == 'mask' then
      rec = enhanceRecord(p, opts, false)
      rec.masks = { { name = prompt, kind = 'semantic', semantic_class = prompt,
        settings = { LocalExposure2012 = 0.5 } } }
    elseif cmd == 'critique' then
      rec = { path = p, status = 'ok', predictor = 'critic/1',
        critique = { score = p:find('great') and 93 or 61.6, summary = 'Bright sky, dark foreground: lift the shadows.',
          reasoning = 'The median luminance is 0.11.' } }
      -- the bridge maps the score to stars (xmp.critique.rating_for_score); an older one did not
      if not p:find('unrated') then rec.critique.rating = p:find('great') and 5 or 3 end
      if p:find('again') then -- critiqued by an earlier run, unchanged: skipped, with that critique
        rec.status = 'skipped'
        rec.reason = 'already done by an earlier critique with these options (unchanged since); --force redoes it'
      end
    elseif cmd == 'generate' then
      rec = { path = p, status = 'ok', derived = { path = (p:gsub('(%.[^.]+)$', '.atelier-artist-1%1')) } }
    else
      rec = { path = p, status = 'ok' }
    end
    if p:find('nomatch') then rec.path = p .. '.elsewhere' end
    doc.photos[#doc.photos + 1] = rec
  end
  doc.summary = { total = #paths, ok = #paths - failed, failed = failed, skipped = 0 }
  if cmd == 'learn-style' then doc.profile = { path = opts.out } end
  return failed > 0 and 1 or 0, dkjson.encode(doc, { indent = true }) .. '\n', 'atelier: done\n'
end

return M

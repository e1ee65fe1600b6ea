--[[
Summary.lua — collect what happened to each photo and say it once, in one dialog.

Pure Lua: no SDK.
]]

local Summary = {}
Summary.__index = Summary

--- Last component of a macOS or Windows path.
function Summary.leafName(path)
  if type(path) ~= 'string' then return '?' end
  return path:match('([^/\\]+)[/\\]*$') or path
end

--- A new summary for the action titled `title` (e.g. "Auto-enhance").
function Summary.new(title, maxLines)
  return setmetatable({ title = title, maxLines = maxLines or 12, counts = { ok = 0, failed = 0,
    skipped = 0, warnings = 0 }, lines = {}, general = {}, canceled = 0 }, Summary)
end

function Summary:_add(kind, path, message)
  self.lines[#self.lines + 1] = { kind = kind, name = Summary.leafName(path), message = message }
end

function Summary:ok(_) self.counts.ok = self.counts.ok + 1 end

function Summary:failed(path, message)
  self.counts.failed = self.counts.failed + 1
  self:_add('failed', path, message)
end

function Summary:skipped(path, message)
  self.counts.skipped = self.counts.skipped + 1
  self:_add('skipped', path, message)
end

function Summary:warn(path, message)
  self.counts.warnings = self.counts.warnings + 1
  self:_add('note', path, message)
end

--- A message about the whole run (not one photo), shown first.
function Summary:note(message) self.general[#self.general + 1] = message end

function Summary:cancel(n) self.canceled = self.canceled + (n or 0) end

--- 'critical' (nothing worked), 'warning' (some failed or notes) or 'info'.
function Summary:severity()
  local c = self.counts
  if c.failed > 0 and c.ok == 0 then return 'critical' end
  if c.failed > 0 or c.skipped > 0 or c.warnings > 0 or #self.general > 0 then return 'warning' end
  return 'info'
end

--- The headline: "Auto-enhance: 2 of 3 photos done, 1 failed."
function Summary:headline()
  local c = self.counts
  local total = c.ok + c.failed + c.skipped + self.canceled
  local parts = { string.format('%s: %d of %d photo%s done', self.title, c.ok, total,
    total == 1 and '' or 's') }
  if c.failed > 0 then parts[#parts + 1] = c.failed .. ' failed' end
  if c.skipped > 0 then parts[#parts + 1] = c.skipped .. ' skipped' end
  if self.canceled > 0 then parts[#parts + 1] = self.canceled .. ' not processed (canceled)' end
  return table.concat(parts, ', ') .. '.'
end

--- The dialog body: general notes, then one line per photo problem (at most `maxLines`).
function Summary:text()
  local out = {}
  for _, g in ipairs(self.general) do out[#out + 1] = g end
  local order = { failed = 1, skipped = 2, note = 3 }
  local lines = {}
  for i, l in ipairs(self.lines) do lines[i] = l end
  table.sort(lines, function(a, b)
    if order[a.kind] ~= order[b.kind] then return order[a.kind] < order[b.kind] end
    return a.name < b.name
  end)
  for i, l in ipairs(lines) do
    if i > self.maxLines then
      out[#out + 1] = string.format('… and %d more (see the Atelier log).', #lines - self.maxLines)
      break
    end
    out[#out + 1] = string.format('%s — %s: %s', l.name, l.kind, l.message)
  end
  return table.concat(out, '\n')
end

return Summary

--[[
spec_support.lua — small readers shared by the specs: the captured documents under
spec/fixtures/, the develop settings a fake photo was given, correction names, and a
correction standing for one the user drew in Lightroom.
]]

local M = {}

--- The bytes of spec/fixtures/<name> (specs run from plugin_lua/, as .busted says).
function M.fixture(name)
  local f = assert(io.open('spec/fixtures/' .. name, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

--- The applyDevelopSettings calls a fake_sdk photo recorded, in order.
function M.applies(photo)
  local out = {}
  for _, c in ipairs(photo.calls) do if c[1] == 'applyDevelopSettings' then out[#out + 1] = c end end
  return out
end

--- The CorrectionName of each correction, in order (nil → empty list).
function M.names(corrections)
  local out = {}
  for i, c in ipairs(corrections or {}) do out[i] = c.CorrectionName end
  return out
end

--- A correction the user drew in Lightroom: a linear gradient whose sync id is not one Atelier
--  recorded, so merges must keep it and reverts must leave it.
function M.userCorrection(name)
  return { What = 'Correction', CorrectionName = name, CorrectionSyncID = 'F00D' .. string.rep('0', 28),
    CorrectionAmount = 0.8, CorrectionActive = true, LocalExposure2012 = 0.1,
    CorrectionMasks = { { What = 'Mask/Gradient', ZeroX = 0.5, ZeroY = 0.9, FullX = 0.5, FullY = 0.6 } } }
end

return M

--[[
PluginInfoProvider.lua — the settings in File ▸ Plug-in Manager ▸ Atelier, stored in LrPrefs.
]]

local LrDialogs = import 'LrDialogs'
local LrPrefs = import 'LrPrefs'
local LrView = import 'LrView'

local Settings = require 'Settings'

local function sections(f, _)
  local prefs = LrPrefs.prefsForPlugin()
  for key, default in pairs(Settings.DEFAULTS) do
    if prefs[key] == nil then prefs[key] = default end
  end
  local bind, share = LrView.bind, LrView.share
  local function label(text) return f:static_text { title = text, alignment = 'right', width = share 'label' } end
  local maskItems = {}
  for _, m in ipairs(Settings.MASK_MODES) do maskItems[#maskItems + 1] = { title = m, value = m } end
  return {
    {
      title = 'Atelier',
      bind_to_object = prefs,
      f:row {
        label 'atelier program:',
        f:edit_field { value = bind 'atelierPath', width_in_chars = 36, immediate = true },
        f:push_button { title = 'Choose…', action = function()
          local chosen = LrDialogs.runOpenPanel { title = 'Choose the atelier program',
            canChooseFiles = true, canChooseDirectories = false, allowsMultipleSelection = false }
          if chosen and chosen[1] then prefs.atelierPath = chosen[1] end
        end },
        f:push_button { title = 'Test', action = function()
          require('Sdk').testBridge(prefs.atelierPath)
        end },
      },
      f:row { label 'Engine address:',
        f:edit_field { value = bind 'engineAddress', width_in_chars = 20, immediate = true },
        f:static_text { title = 'host:port, blank = start one for each run' } },
      f:row { label 'Predictor:',
        f:edit_field { value = bind 'predictor', width_in_chars = 20, immediate = true } },
      f:row { label 'Style profile:',
        f:edit_field { value = bind 'styleProfile', width_in_chars = 36, immediate = true },
        f:push_button { title = 'Choose…', action = function()
          local chosen = LrDialogs.runOpenPanel { title = 'Choose a style profile folder',
            canChooseFiles = false, canChooseDirectories = true, allowsMultipleSelection = false }
          if chosen and chosen[1] then prefs.styleProfile = chosen[1] end
        end } },
      f:row { label 'Masks (Auto-enhance):', f:popup_menu { value = bind 'maskMode', items = maskItems } },
      f:row { label 'Photos per run:',
        f:edit_field { value = bind 'batchSize', width_in_chars = 5, min = 1, max = 500, precision = 0 } },
      f:row { label '', f:checkbox { title = 'Make a virtual copy first and edit the copy',
        value = bind 'virtualCopyFirst' } },
      f:row { label '', f:checkbox { title = 'Also write XMP for other tools (masks are saved only there)',
        value = bind 'writeXmp' } },
      f:row { label '', f:checkbox { title = 'Critique also sets the star rating',
        value = bind 'critiqueRating' } },
    },
  }
end

return { sectionsForTopOfDialog = sections }

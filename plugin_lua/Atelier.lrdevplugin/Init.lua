-- Init.lua — fills in missing preferences with their defaults when the plugin loads.
local LrPrefs = import 'LrPrefs'
local Settings = require 'Settings'

local prefs = LrPrefs.prefsForPlugin()
for key, default in pairs(Settings.DEFAULTS) do
  if prefs[key] == nil then prefs[key] = default end
end

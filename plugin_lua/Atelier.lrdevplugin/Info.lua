--[[
Info.lua — the plugin's manifest. Runs in Lightroom's smallest environment: only `string`,
`LOC`, `WIN_ENV` and `MAC_ENV` exist here. Every key appears once (a duplicate silently wins).
]]

local menu = {
  { title = LOC '$$$/Atelier/Menu/Enhance=Auto-enhance', file = 'MenuEnhance.lua',
    enabledWhen = 'photosSelected' },
  { title = LOC '$$$/Atelier/Menu/EnhanceMasks=Auto-enhance with sky & subject masks',
    file = 'MenuEnhanceMasks.lua', enabledWhen = 'photosSelected' },
  { title = LOC '$$$/Atelier/Menu/Mask=Mask & enhance by description…', file = 'MenuMask.lua',
    enabledWhen = 'photosSelected' },
  { title = LOC '$$$/Atelier/Menu/Critique=Critique', file = 'MenuCritique.lua',
    enabledWhen = 'photosSelected' },
  { title = LOC '$$$/Atelier/Menu/Generate=Create Artist version', file = 'MenuGenerate.lua',
    enabledWhen = 'photosSelected' },
  { title = LOC '$$$/Atelier/Menu/LearnStyle=Learn my style from selected photos',
    file = 'MenuLearnStyle.lua', enabledWhen = 'photosSelected' },
  { title = LOC '$$$/Atelier/Menu/Revert=Revert Atelier edits', file = 'MenuRevert.lua',
    enabledWhen = 'photosSelected' },
}

return {
  LrSdkVersion = 10.0,
  LrSdkMinimumVersion = 6.0,
  LrToolkitIdentifier = 'local.atelier.lightroom',
  LrPluginName = LOC '$$$/Atelier/PluginName=Atelier',
  LrInitPlugin = 'Init.lua',
  LrPluginInfoProvider = 'PluginInfoProvider.lua',
  LrMetadataProvider = 'MetadataDefinition.lua',
  LrLibraryMenuItems = menu,
  LrExportMenuItems = menu,
  VERSION = { major = 0, minor = 1, revision = 0, build = 0, display = '0.1.0' },
}

--[[
MetadataDefinition.lua — per-photo fields the plugin writes (Metadata panel, Library filter).
`atelierBefore` has no title: it is hidden and holds, as JSON, the develop values a photo had
before its first Atelier edit ("Revert Atelier edits" puts them back); `atelierMasks`, also
hidden, the sync ids (JSON list) of the mask corrections Atelier applied (a later run replaces
them, revert removes them; the user's own masks are never touched).
]]

return {
  metadataFieldsForPhotos = {
    { id = 'atelierScore', title = LOC '$$$/Atelier/Field/Score=Atelier score', dataType = 'string',
      readOnly = true, searchable = true, browsable = true },
    { id = 'atelierCritique', title = LOC '$$$/Atelier/Field/Critique=Atelier critique',
      dataType = 'string', readOnly = true, searchable = true },
    { id = 'atelierBackend', title = LOC '$$$/Atelier/Field/Backend=Atelier backend', dataType = 'string',
      readOnly = true, searchable = true, browsable = true },
    { id = 'atelierLastRun', title = LOC '$$$/Atelier/Field/LastRun=Atelier last run', dataType = 'string',
      readOnly = true, searchable = true },
    { id = 'atelierDerivedFrom', title = LOC '$$$/Atelier/Field/DerivedFrom=Atelier derived from',
      dataType = 'string', readOnly = true, searchable = true },
    { id = 'atelierBefore', dataType = 'string' },
    { id = 'atelierMasks', dataType = 'string' },
  },
  schemaVersion = 2,
}

--[[
fake_sdk.lua — a small stand-in for the Lightroom Classic SDK, for specs only (Lightroom
cannot run here). Catalog and photos record every call and enforce the rules Lightroom
enforces: develop settings, plugin properties and ratings change only inside
`withWriteAccessDo`, write gates do not nest, `addPhoto` needs a gate.

  local fake = require 'fake_sdk'
  local sdk = fake.install{ platform = 'mac', execute = function(line) ... end }
  sdk.catalog, sdk.prefs, sdk.dialogs (recorded messages), sdk.progress (scopes)
]]

local M = {}

local Photo = {}
Photo.__index = Photo

local nextId = 0

--- A photo: {path, fileFormat, develop = {...}, catalog}.
function M.photo(t)
  nextId = nextId + 1
  local p = setmetatable({ path = t.path, fileFormat = t.fileFormat or 'JPG', develop = t.develop or {},
    props = {}, calls = {}, rating = t.rating, localIdentifier = nextId, masterPhoto = t.masterPhoto,
    readBackDrift = t.readBackDrift }, Photo)
  return p
end

function Photo:_needWrite(what)
  if not (self.catalog and self.catalog.writing) then
    error(what .. ' called outside catalog:withWriteAccessDo', 2)
  end
end

function Photo:getRawMetadata(key)
  if key == 'path' then return self.path end
  if key == 'fileFormat' then return self.fileFormat end
  if key == 'isVirtualCopy' then return self.masterPhoto ~= nil end
  if key == 'masterPhoto' then return self.masterPhoto end
  if key == 'rating' then return self.rating end
  error('fake photo has no raw metadata ' .. tostring(key))
end

function Photo:getFormattedMetadata(key)
  if key == 'fileName' then return self.path:match('[^/\\]+$') end
  error('fake photo has no formatted metadata ' .. tostring(key))
end

function Photo:getDevelopSettings()
  local copy = {}
  for k, v in pairs(self.develop) do copy[k] = v end
  if self.readBackDrift then for k, v in pairs(self.readBackDrift) do copy[k] = v end end
  return copy
end

function Photo:applyDevelopSettings(settings, historyName)
  self:_needWrite('applyDevelopSettings')
  assert(type(settings) == 'table', 'settings must be a table')
  local copy = {}
  for k, v in pairs(settings) do copy[k] = v; self.develop[k] = v end
  table.insert(self.calls, { 'applyDevelopSettings', copy, historyName })
  self.history = self.history or {}
  table.insert(self.history, historyName)
end

function Photo:getPropertyForPlugin(plugin, field)
  assert(plugin and plugin.id, 'getPropertyForPlugin needs _PLUGIN')
  return self.props[field]
end

function Photo:setPropertyForPlugin(plugin, field, value)
  assert(plugin and plugin.id, 'setPropertyForPlugin needs _PLUGIN')
  self:_needWrite('setPropertyForPlugin')
  assert(value == nil or type(value) == 'string' or type(value) == 'number', 'property must be string/number/nil')
  self.props[field] = value
end

function Photo:setRawMetadata(key, value)
  self:_needWrite('setRawMetadata')
  assert(key == 'rating', 'fake supports only rating')
  assert(value == nil or (value >= 0 and value <= 5 and value == math.floor(value)), 'bad rating')
  self.rating = value
end

local Catalog = {}
Catalog.__index = Catalog

--- A catalog holding `photos` (each gets `.catalog`).
function M.catalog(photos, opts)
  opts = opts or {}
  local c = setmetatable({ photos = photos or {}, gates = {}, selected = nil, added = {},
    noVirtualCopies = opts.noVirtualCopies, gateResult = opts.gateResult, addPhotoError = opts.addPhotoError }, Catalog)
  for _, p in ipairs(c.photos) do p.catalog = c end
  if c.noVirtualCopies then c.createVirtualCopies = false end
  return c
end

function Catalog:withWriteAccessDo(name, fn, timeout)
  assert(type(name) == 'string', 'action name must be a string')
  if self.writing then error('withWriteAccessDo inside another write gate', 2) end
  table.insert(self.gates, { name = name, timeout = timeout })
  if self.gateResult then return self.gateResult end
  self.writing = true
  local ok, err = pcall(fn)
  self.writing = false
  if not ok then error(err, 0) end
  return 'executed'
end

function Catalog:getTargetPhotos() return self.selected or self.photos end

function Catalog:setSelectedPhotos(active, others)
  assert(active, 'needs an active photo')
  self.selected = others
end

function Catalog:createVirtualCopies(name)
  assert(not self.writing, 'fake: createVirtualCopies runs outside a write gate')
  local copies = {}
  -- Lightroom does not promise the order: give them back reversed
  for i = #self.selected, 1, -1 do
    local master = self.selected[i]
    local copy = M.photo { path = master.path, fileFormat = master.fileFormat, develop = master:getDevelopSettings(),
      masterPhoto = master }
    copy.copyName = name
    copy.catalog = self
    table.insert(self.photos, copy)
    copies[#copies + 1] = copy
  end
  self.selected = copies
  return copies
end

function Catalog:addPhoto(path, source, position)
  if not self.writing then error('addPhoto called outside catalog:withWriteAccessDo', 2) end
  if self.addPhotoError then error(self.addPhotoError, 0) end
  local p = M.photo { path = path, fileFormat = 'JPG' }
  p.catalog, p.stackedWith, p.stackPosition = self, source, position
  table.insert(self.photos, p)
  table.insert(self.added, p)
  return p
end

--- Progress scope that reports canceled after `cancelAfter` checks (nil = never).
function M.progress(cancelAfter)
  local p = { captions = {}, portions = {}, checks = 0 }
  p.setCaption = function(t) table.insert(p.captions, t) end
  p.setPortionComplete = function(d, t) table.insert(p.portions, { d, t }) end
  p.isCanceled = function()
    p.checks = p.checks + 1
    return cancelAfter ~= nil and p.checks > cancelAfter
  end
  return p
end

--- Recording dialogs.
function M.dialogs()
  local d = { messages = {}, bezels = {} }
  d.message = function(h, t, s) table.insert(d.messages, { headline = h, text = t, style = s }) end
  d.bezel = function(t) table.insert(d.bezels, t) end
  return d
end

--- Install the global `import`, `LOC`, `_PLUGIN`, `WIN_ENV`, `MAC_ENV` for loading the glue
-- modules. `opts.execute(line)` is LrTasks.execute; file services use the real file system.
function M.install(opts)
  opts = opts or {}
  local sdk = { dialogs = M.dialogs(), prefs = opts.prefs or {}, scopes = {}, logs = {}, tasks = 0 }
  sdk.catalog = opts.catalog or M.catalog({})
  _G._PLUGIN = { id = 'local.atelier.lightroom', path = '/plugins/Atelier.lrdevplugin' }
  _G.WIN_ENV = opts.platform == 'win'
  _G.MAC_ENV = opts.platform ~= 'win'
  _G.LOC = function(s) return (s:gsub('^%$%$%$/[^=]*=', '')) end
  local function exists(p)
    local f = io.open(p, 'rb')
    if not f then return false end
    local ok = f:read(0) ~= nil or f:seek('end') == 0
    f:close()
    return ok and 'file' or 'directory'
  end
  local modules = {
    LrTasks = {
      execute = function(line) sdk.lastLine = line; return opts.execute(line) end,
      pcall = pcall,
      startAsyncTask = function(fn) sdk.tasks = sdk.tasks + 1; fn() end,
    },
    LrDialogs = {
      message = sdk.dialogs.message,
      showBezel = sdk.dialogs.bezel,
      attachErrorDialogToFunctionContext = function() end,
      -- sdk.typed = {key, text}: what the user types into the bound field before pressing OK
      presentModalDialog = function(t)
        sdk.modal = t
        if sdk.typed then t.contents.bind_to_object[sdk.typed[1]] = sdk.typed[2] end
        return sdk.modalResult or 'ok'
      end,
      runOpenPanel = function() return nil end,
    },
    LrPathUtils = {
      child = function(a, b) return a .. '/' .. b end,
      getStandardFilePath = function(which) return (opts.dirs or {})[which] or '/tmp' end,
      leafName = function(p) return p:match('[^/\\]+$') end,
    },
    LrFileUtils = {
      exists = exists,
      readFile = function(p) local f = assert(io.open(p, 'rb')); local s = f:read('*a'); f:close(); return s end,
      delete = function(p) return os.remove(p) end,
      chooseUniqueFileName = function(p)
        local n, candidate = 0, p
        while exists(candidate) do n = n + 1; candidate = p:gsub('(%.?[^./]*)$', '-' .. n .. '%1', 1) end
        return candidate
      end,
    },
    LrApplication = { activeCatalog = function() return sdk.catalog end,
      versionTable = function() return { major = 13, minor = 1 } end },
    LrPrefs = { prefsForPlugin = function() return sdk.prefs end },
    LrLogger = setmetatable({}, { __call = function()
      return { enable = function() end,
        trace = function(_, t) table.insert(sdk.logs, t) end,
        info = function(_, t) table.insert(sdk.logs, t) end }
    end }),
    LrProgressScope = setmetatable({}, { __call = function(_, t)
      local scope = { title = t.title, captions = {}, canceled = false, isDone = false }
      function scope.setCancelable() end
      function scope.setCaption(_, c) table.insert(scope.captions, c) end
      function scope.setPortionComplete() end
      function scope.isCanceled() return scope.canceled end
      function scope.done() scope.isDone = true end
      table.insert(sdk.scopes, scope)
      return scope
    end }),
    LrFunctionContext = {
      postAsyncTaskWithContext = function(_, fn) sdk.tasks = sdk.tasks + 1; fn({}) end,
      callWithContext = function(_, fn) return fn({}) end,
    },
    LrBinding = { makePropertyTable = function() return {} end },
    LrView = {
      osFactory = function()
        -- every control returns its table, tagged with its kind
        return setmetatable({}, { __index = function(_, kind)
          return function(_, t) t = t or {}; t._kind = kind; return t end
        end })
      end,
      bind = function(k) return { bind = k } end,
      share = function(k) return { share = k } end,
    },
  }
  _G.import = function(name)
    local m = modules[name]
    if not m then error('fake SDK has no ' .. tostring(name)) end
    return m
  end
  sdk.modules = modules
  return sdk
end

--- Forget loaded plugin modules so each spec loads them against its own fake SDK.
function M.unload()
  for _, name in ipairs({ 'Sdk', 'Actions', 'Runner', 'Commands', 'Develop', 'Masks', 'Settings', 'Summary',
    'Shell', 'JSON', 'PluginInfoProvider', 'Init', 'MetadataDefinition' }) do
    package.loaded[name] = nil
  end
end

return M

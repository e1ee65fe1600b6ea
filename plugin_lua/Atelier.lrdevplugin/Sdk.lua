--[[
Sdk.lua — the only module that talks to the Lightroom SDK: it builds the `env` Actions.lua
runs with (catalog, photos, progress, dialogs, LrTasks.execute) and the services Runner.lua
uses. Everything else is pure Lua tested outside Lightroom.
]]

local LrApplication = import 'LrApplication'
local LrDialogs = import 'LrDialogs'
local LrFileUtils = import 'LrFileUtils'
local LrFunctionContext = import 'LrFunctionContext'
local LrLogger = import 'LrLogger'
local LrPathUtils = import 'LrPathUtils'
local LrPrefs = import 'LrPrefs'
local LrProgressScope = import 'LrProgressScope'
local LrTasks = import 'LrTasks'

local Actions = require 'Actions'
local Commands = require 'Commands'
local Runner = require 'Runner'
local Settings = require 'Settings'

local logger = LrLogger('Atelier')
logger:enable('logfile') -- ~/Documents/LrClassicLogs/Atelier.log (Windows: Documents\LrClassicLogs)

local Sdk = {}

--- 'win' under Windows, 'mac' otherwise.
function Sdk.platform()
  if WIN_ENV then return 'win' end
  return 'mac'
end

local counter = 0

--- What Runner.lua needs: LrTasks.execute, temp files, file reading.
function Sdk.runnerServices()
  return {
    platform = Sdk.platform(),
    execute = function(commandLine) return LrTasks.execute(commandLine) end,
    tempPath = function(suffix)
      counter = counter + 1
      local name = string.format('atelier-%d-%d%s', os.time(), counter, suffix)
      return LrFileUtils.chooseUniqueFileName(LrPathUtils.child(LrPathUtils.getStandardFilePath('temp'), name))
    end,
    readFile = function(path)
      if LrFileUtils.exists(path) == 'file' then return LrFileUtils.readFile(path) end
    end,
    removeFile = function(path)
      if LrFileUtils.exists(path) then LrFileUtils.delete(path) end
    end,
    log = function(text) logger:trace(text) end,
  }
end

local function fileExists(path)
  return type(path) == 'string' and path ~= '' and LrFileUtils.exists(path) == 'file'
end

--- Ask for the words of "Mask & enhance by description…". Returns the text or nil.
function Sdk.askPrompt(prefs)
  local LrBinding = import 'LrBinding'
  local LrView = import 'LrView'
  local answer
  LrFunctionContext.callWithContext('Atelier prompt', function(context)
    local props = LrBinding.makePropertyTable(context)
    props.prompt = prefs.lastPrompt or ''
    local f = LrView.osFactory()
    local contents = f:column {
      bind_to_object = props, spacing = f:control_spacing(),
      f:static_text { title = 'What should be masked? (for example: the sky, the dog, the red car)' },
      f:edit_field { value = LrView.bind('prompt'), width_in_chars = 40, immediate = true },
    }
    local result = LrDialogs.presentModalDialog { title = 'Atelier: Mask & enhance by description',
      contents = contents, actionVerb = 'Mask & enhance' }
    if result == 'ok' then answer = Commands.cleanPrompt(props.prompt) end
  end)
  if answer then prefs.lastPrompt = answer end
  return answer
end

--- A new folder name for "Learn my style" under Documents/Atelier Styles.
function Sdk.styleFolder()
  local base = LrPathUtils.child(LrPathUtils.getStandardFilePath('documents'), 'Atelier Styles')
  return LrFileUtils.chooseUniqueFileName(LrPathUtils.child(base, 'style-' .. os.date('%Y%m%d-%H%M')))
end

--- The env Actions.run needs for action `name`, inside a function context.
function Sdk.env(name, context, prefs)
  local catalog = LrApplication.activeCatalog()
  local spec = Commands.SPECS[name]
  local scope = LrProgressScope { title = 'Atelier: ' .. spec.title, functionContext = context }
  scope:setCancelable(true)
  return {
    platform = Sdk.platform(),
    catalog = catalog,
    photos = catalog:getTargetPhotos(),
    settings = Settings.read(prefs),
    runner = Sdk.runnerServices(),
    progress = {
      setCaption = function(text) scope:setCaption(text) end,
      setPortionComplete = function(done, total) scope:setPortionComplete(done, total) end,
      isCanceled = function() return scope:isCanceled() end,
      done = function() scope:done() end,
    },
    dialogs = {
      message = function(headline, text, style) LrDialogs.message(headline, text, style) end,
      bezel = LrDialogs.showBezel and function(text) LrDialogs.showBezel(text) end or nil,
    },
    pcall = LrTasks.pcall,
    now = function() return os.date('%Y-%m-%d %H:%M') end,
    plugin = _PLUGIN,
    log = function(text) logger:info(text) end,
    fileExists = fileExists,
    setPref = function(key, value) prefs[key] = value end,
    lightroomVersion = LrApplication.versionTable(),
  }
end

--- Run menu action `name` in its own task (menu items are called outside any task).
function Sdk.runAction(name)
  LrFunctionContext.postAsyncTaskWithContext('Atelier ' .. name, function(context)
    LrDialogs.attachErrorDialogToFunctionContext(context)
    local prefs = LrPrefs.prefsForPlugin()
    local prompt, styleOut
    if Commands.SPECS[name].prompt then
      prompt = Sdk.askPrompt(prefs)
      if not prompt then return end
    end
    if name == 'learnStyle' then styleOut = Sdk.styleFolder() end
    local env = Sdk.env(name, context, prefs)
    env.prompt, env.styleOut = prompt, styleOut
    logger:info(string.format('%s on %d photo(s)', name, #env.photos))
    Actions.run(name, env)
    env.progress.done()
  end)
end

--- The Plug-in Manager's Test button: run `atelier --version` and say what happened.
function Sdk.testBridge(path)
  LrTasks.startAsyncTask(function()
    local s = Settings.read({ atelierPath = path })
    local problems = Settings.problems(s, fileExists)
    if #problems > 0 then
      LrDialogs.message('Atelier', table.concat(problems, '\n'), 'critical')
      return
    end
    local ok, text = Runner.version(Sdk.runnerServices(), s.atelierPath)
    LrDialogs.message(ok and 'Atelier works' or 'Atelier did not run', text, ok and 'info' or 'critical')
  end)
end

return Sdk

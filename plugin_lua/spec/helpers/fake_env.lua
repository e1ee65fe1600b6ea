--[[
fake_env.lua — an Actions.lua `env` over the fake catalog, with a runner whose
LrTasks.execute stand-in splits the command line back into argv (shparse on macOS, the cmd.exe
model on Windows) and answers with fake_bridge. Files live in memory.
]]

local Settings = require 'Settings'
local fake = require 'fake_sdk'
local bridge = require 'fake_bridge'
local shparse = require 'shparse'
local wincmd = require 'wincmd'

local M = {}

--- opts: platform, photos, prefs, catalogOpts, cancelAfter, answer(argv) → code, out, err,
--  notFound (execute says "no such program"), exists(path), prompt, styleOut,
--  lightroomVersion (default Lightroom Classic 13.1).
function M.env(opts)
  opts = opts or {}
  local platform = opts.platform or 'mac'
  local state = { files = {}, removed = {}, lines = {}, argvs = {}, prefsSet = {} }
  local n = 0
  local runner = {
    platform = platform,
    tempPath = function(suffix)
      n = n + 1
      return (platform == 'win' and [[C:\Users\Zoë\AppData\Local\Temp\atelier ]] or '/tmp/Zoë T/atelier ') .. n .. suffix
    end,
    readFile = function(p) return state.files[p] end,
    removeFile = function(p) state.files[p] = nil; state.removed[p] = true end,
    execute = function(line)
      local argv, redirects
      if platform == 'win' then argv, redirects = wincmd.run(line) else argv, redirects = shparse(line) end
      table.insert(state.lines, line)
      table.insert(state.argvs, argv)
      if opts.notFound then return platform == 'win' and 9009 or 127 * 256 end
      local code, out, err = (opts.answer or bridge.answer)(argv)
      state.files[redirects['>']] = out
      state.files[redirects['2>']] = err
      return platform == 'win' and code or code * 256
    end,
  }
  local catalog = fake.catalog(opts.photos or {}, opts.catalogOpts)
  local prefs = opts.prefs or { atelierPath = '/opt/atelier/bin/atelier' }
  local env = {
    platform = platform,
    catalog = catalog,
    photos = opts.targets or catalog.photos,
    settings = Settings.read(prefs),
    runner = runner,
    progress = fake.progress(opts.cancelAfter),
    dialogs = fake.dialogs(),
    pcall = pcall,
    now = function() return '2024-06-11 10:00' end,
    plugin = { id = 'local.atelier.lightroom' },
    fileExists = opts.exists or function() return true end,
    setPref = function(k, v) state.prefsSet[k] = v end,
    prompt = opts.prompt,
    styleOut = opts.styleOut,
    lightroomVersion = opts.lightroomVersion or { major = 13, minor = 1 },
  }
  return env, state
end

--- The photos used by most specs: a JPEG, a raw and a DNG.
function M.photos()
  return {
    fake.photo { path = '/Photos/2024/Beach day/beach.jpg', fileFormat = 'JPG',
      develop = { Exposure2012 = 0, Contrast2012 = 0, WhiteBalance = 'As Shot', IncrementalTemperature = 0 } },
    fake.photo { path = "/Photos/2024/O'Neil/portrait.nef", fileFormat = 'RAW',
      develop = { Exposure2012 = -0.3, Temperature = 5600, Tint = 3, WhiteBalance = 'As Shot' } },
    fake.photo { path = '/Photos/2024/Café/scan.dng', fileFormat = 'DNG',
      develop = { Exposure2012 = 0.1, Temperature = 4800, Tint = -2, WhiteBalance = 'As Shot' } },
  }
end

return M

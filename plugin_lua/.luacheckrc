-- luacheck config for the Atelier Lightroom plugin (run from plugin_lua/: `luacheck .`).
-- "lightroom" encodes the plugin sandbox: Lua 5.1 without `package`, `io`, `print`, `debug`,
-- `dofile`/`loadfile`, and an `os` with only clock/date/time/tmpname; plus the SDK globals.

stds.lightroom = {
  read_globals = {
    'import', 'LOC', '_PLUGIN', 'WIN_ENV', 'MAC_ENV', 'require',
    'assert', 'error', 'ipairs', 'next', 'pairs', 'pcall', 'xpcall', 'select', 'tonumber',
    'tostring', 'type', 'unpack', 'setmetatable', 'getmetatable', 'rawequal', 'rawget', 'rawset',
    string = { other_fields = true }, table = { other_fields = true }, math = { other_fields = true },
    coroutine = { other_fields = true },
    os = { fields = { 'clock', 'date', 'time', 'tmpname' } },
  },
}

-- Info.lua runs with even less: only string, LOC, WIN_ENV and MAC_ENV.
stds.lightroom_info = {
  read_globals = { 'LOC', 'WIN_ENV', 'MAC_ENV', string = { other_fields = true } },
}

std = 'lightroom'
max_line_length = 120
codes = true

files['Atelier.lrdevplugin/Info.lua'] = { std = 'lightroom_info' }
files['spec'] = { std = 'lua51+busted', max_line_length = 130,
  globals = { 'import', 'LOC', '_PLUGIN', 'WIN_ENV', 'MAC_ENV' } }
exclude_files = { 'build/**' }

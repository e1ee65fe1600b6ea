-- argv_dump.lua — a real program for specs: prints its arguments as a JSON array on stdout.
local dkjson = require 'dkjson'
local out = {}
for i = 1, #arg do out[i] = arg[i] end
io.write(dkjson.encode(out))

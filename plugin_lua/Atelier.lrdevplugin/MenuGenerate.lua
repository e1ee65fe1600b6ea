-- Menu item: runs the "generate" action on the selected photos (see Actions.lua).
local Sdk = require 'Sdk'
Sdk.runAction('generate')

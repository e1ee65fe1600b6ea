-- Menu item: runs the "revert" action on the selected photos (see Actions.lua).
local Sdk = require 'Sdk'
Sdk.runAction('revert')

-- Menu item: runs the "enhanceMasks" action on the selected photos (see Actions.lua).
local Sdk = require 'Sdk'
Sdk.runAction('enhanceMasks')

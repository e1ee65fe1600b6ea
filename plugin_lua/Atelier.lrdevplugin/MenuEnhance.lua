-- Menu item: runs the "enhance" action on the selected photos (see Actions.lua).
local Sdk = require 'Sdk'
Sdk.runAction('enhance')

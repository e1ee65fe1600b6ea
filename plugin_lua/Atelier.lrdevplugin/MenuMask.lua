-- Menu item: runs the "mask" action on the selected photos (see Actions.lua).
local Sdk = require 'Sdk'
Sdk.runAction('mask')

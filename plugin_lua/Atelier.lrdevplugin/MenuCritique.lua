-- Menu item: runs the "critique" action on the selected photos (see Actions.lua).
local Sdk = require 'Sdk'
Sdk.runAction('critique')

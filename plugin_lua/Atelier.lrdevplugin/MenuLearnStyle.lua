-- Menu item: runs the "learnStyle" action on the selected photos (see Actions.lua).
local Sdk = require 'Sdk'
Sdk.runAction('learnStyle')

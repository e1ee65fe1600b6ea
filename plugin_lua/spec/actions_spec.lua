local Actions = require 'Actions'
local JSON = require 'JSON'
local fake = require 'fake_sdk'
local fake_env = require 'fake_env'
local applies = require('spec_support').applies

local function contains(list, value)
  for _, v in ipairs(list) do if v == value then return true end end
  return false
end

describe('Auto-enhance', function()
  it('applies one history step per photo in one write gate, raw vs rendered white balance', function()
    local env, state = fake_env.env({ photos = fake_env.photos(), prefs = { atelierPath = '/opt/atelier/bin/atelier',
      maskMode = 'auto' } })
    local summary = Actions.run('enhance', env)
    local jpeg, nef, dng = env.catalog.photos[1], env.catalog.photos[2], env.catalog.photos[3]

    assert.are.equal(1, #state.argvs)
    assert.are.same({ '/opt/atelier/bin/atelier', 'enhance', '--predictor', 'analytic', '--masks', 'auto',
      '--dry-run', '--force', '--json', '--', jpeg.path, nef.path, dng.path }, state.argvs[1])
    assert.are.equal(1, #env.catalog.gates)
    assert.are.equal('Atelier: Auto-enhance', env.catalog.gates[1].name)
    assert.are.same({ timeout = 60 }, env.catalog.gates[1].timeout)

    for _, p in ipairs({ jpeg, nef, dng }) do
      local calls = applies(p)
      assert.are.equal(1, #calls, p.path)
      assert.are.equal('Atelier: Auto-enhance', calls[1][3])
      assert.are.equal(0.45, p.develop.Exposure2012)
      assert.are.equal('Custom', p.develop.WhiteBalance)
      assert.are.equal('analytic/1', p.props.atelierBackend)
      assert.are.equal('2024-06-11 10:00 Auto-enhance', p.props.atelierLastRun)
    end
    assert.are.equal(-7, applies(jpeg)[1][2].IncrementalTemperature)
    assert.is_nil(applies(jpeg)[1][2].Temperature)
    for _, p in ipairs({ nef, dng }) do
      assert.are.equal(5350, applies(p)[1][2].Temperature)
      assert.is_nil(applies(p)[1][2].IncrementalTemperature)
    end
    -- masks (auto) go in with the same step; nothing to report, no temp file left behind
    for _, p in ipairs({ jpeg, nef, dng }) do
      local names = {}
      for i, c in ipairs(applies(p)[1][2].MaskGroupBasedCorrections) do names[i] = c.CorrectionName end
      assert.are.same({ 'Sky', 'Subject' }, names)
    end
    assert.are.equal(3, summary.counts.ok)
    assert.are.equal(0, summary.counts.failed)
    assert.are.same({}, summary.general)
    assert.are.same({}, state.files)
    assert.are.same({}, env.dialogs.messages)
    assert.are.same({ 'Auto-enhance: 3 of 3 photos done.' }, env.dialogs.bezels)
    assert.are.same({ 'Auto-enhance: 3 photos (1 of 1)…' }, env.progress.captions)
  end)

  it('shows a bezel, not a dialog, when everything went well', function()
    local env = fake_env.env({ photos = { fake_env.photos()[1] }, prefs = { atelierPath = '/a', maskMode = 'none' } })
    Actions.run('enhance', env)
    assert.are.same({}, env.dialogs.messages)
    assert.are.same({ 'Auto-enhance: 1 of 1 photo done.' }, env.dialogs.bezels)
  end)

  it('records the pre-Atelier values once so that Revert goes back to them', function()
    local env = fake_env.env({ photos = fake_env.photos(), prefs = { atelierPath = '/a', maskMode = 'none' } })
    local nef = env.catalog.photos[2]
    Actions.run('enhance', env)
    Actions.run('enhance', env) -- a second run must not overwrite the snapshot
    local before = JSON.decode(nef.props.atelierBefore)
    assert.are.equal(-0.3, before.Exposure2012)
    assert.are.equal(5600, before.Temperature)
    assert.are.equal('As Shot', before.WhiteBalance)
    assert.are.equal(0, before.Contrast2012)

    local summary = Actions.run('revert', env)
    assert.are.equal(3, summary.counts.ok)
    assert.are.equal(-0.3, nef.develop.Exposure2012)
    assert.are.equal(5600, nef.develop.Temperature)
    assert.are.equal('As Shot', nef.develop.WhiteBalance)
    assert.are.equal(0, nef.develop.Contrast2012)
    assert.is_nil(nef.props.atelierBefore)
    assert.are.same({ 'Atelier: Auto-enhance', 'Atelier: Auto-enhance', 'Atelier: Revert Atelier edits' }, nef.history)
  end)

  it('summarises per-photo errors in one dialog', function()
    local photos = {
      fake.photo { path = '/p/good.jpg' }, fake.photo { path = '/p/broken.jpg' },
      fake.photo { path = '/p/changed.jpg' }, fake.photo { path = '/p/nomatch.jpg' },
    }
    local env, state = fake_env.env({ photos = photos, prefs = { atelierPath = '/a', maskMode = 'none' } })
    local summary = Actions.run('enhance', env)
    assert.are.equal(1, #state.argvs)
    assert.are.equal(1, #env.dialogs.messages)
    local m = env.dialogs.messages[1]
    assert.are.equal('warning', m.style)
    assert.are.equal('Auto-enhance: 1 of 4 photos done, 2 failed, 1 skipped.', m.headline)
    assert.truthy(m.text:find('broken.jpg — failed: truncated JPEG: image data ends after 41 % of the file', 1, true))
    assert.truthy(m.text:find('nomatch.jpg — failed: atelier returned no result for this photo', 1, true))
    assert.truthy(m.text:find('changed.jpg — skipped: the file changed underneath', 1, true))
    assert.are.equal(1, #applies(photos[1]))
    for i = 2, 4 do assert.are.equal(0, #applies(photos[i])) end
    assert.are.equal(2, summary.counts.failed)
  end)

  it('stops with one clear dialog when atelier is not set up or not found', function()
    local env, state = fake_env.env({ photos = fake_env.photos(), prefs = {} })
    Actions.run('enhance', env)
    assert.are.equal(0, #state.argvs)
    assert.are.equal('Atelier is not set up', env.dialogs.messages[1].headline)
    assert.are.equal('critical', env.dialogs.messages[1].style)

    env, state = fake_env.env({ photos = fake_env.photos(), exists = function() return false end })
    Actions.run('enhance', env)
    assert.are.equal(0, #state.argvs)
    assert.truthy(env.dialogs.messages[1].text:find('not found at /opt/atelier/bin/atelier', 1, true))

    env, state = fake_env.env({ photos = fake_env.photos(), notFound = true })
    Actions.run('enhance', env)
    assert.are.equal(1, #state.argvs)
    assert.are.equal(1, #env.dialogs.messages)
    assert.are.equal('critical', env.dialogs.messages[1].style)
    assert.truthy(env.dialogs.messages[1].text:find('could not be started: /opt/atelier/bin/atelier', 1, true))
    for _, p in ipairs(env.catalog.photos) do assert.are.equal(0, #applies(p)) end
  end)

  local wholeRunFailures = {
    { '/p/USAGE.jpg', 'atelier did not accept the command:\nusage: atelier enhance PATH...' },
    { '/p/CRASH.jpg', 'atelier failed (exit status 3):\nTraceback (most recent call last):\nRuntimeError: engine died' },
    { '/p/GARBAGE.jpg', 'atelier printed something that is not JSON (unexpected character "t" at line 1 column 1)' },
  }
  for _, case in ipairs(wholeRunFailures) do
    it('reports a failed run as a whole: ' .. case[1], function()
      local env = fake_env.env({ photos = { fake.photo { path = '/p/a.jpg' }, fake.photo { path = case[1] } } })
      local summary = Actions.run('enhance', env)
      assert.are.equal(1, #env.dialogs.messages)
      assert.are.equal('critical', env.dialogs.messages[1].style)
      assert.truthy(env.dialogs.messages[1].text:find(case[2], 1, true), env.dialogs.messages[1].text)
      assert.are.equal(2, summary.counts.failed)
      assert.are.equal(0, #env.catalog.gates)
    end)
  end

  it('runs in batches, one gate per batch, and stops between batches on cancel', function()
    local photos = {}
    for i = 1, 5 do photos[i] = fake.photo { path = '/p/' .. i .. '.jpg' } end
    local env, state = fake_env.env({ photos = photos, prefs = { atelierPath = '/a', batchSize = 2, maskMode = 'none' } })
    Actions.run('enhance', env)
    assert.are.equal(3, #state.argvs)
    assert.are.equal(3, #env.catalog.gates)
    assert.are.same({ 'Auto-enhance: 2 photos (1 of 3)…', 'Auto-enhance: 2 photos (2 of 3)…',
      'Auto-enhance: 1 photo (3 of 3)…' }, env.progress.captions)
    assert.are.same({ 5, 5 }, env.progress.portions[3])

    for i = 1, 5 do photos[i] = fake.photo { path = '/q/' .. i .. '.jpg' } end
    -- canceled at the second check: after the first batch's run and its first photo
    env, state = fake_env.env({ photos = photos, cancelAfter = 2,
      prefs = { atelierPath = '/a', batchSize = 2, maskMode = 'none' } })
    local summary = Actions.run('enhance', env)
    assert.are.equal(1, #state.argvs)
    assert.are.equal(1, #applies(photos[1]))
    for i = 2, 5 do assert.are.equal(0, #applies(photos[i])) end
    assert.are.equal(4, summary.canceled)
    assert.are.equal('Auto-enhance: 1 of 5 photos done, 4 not processed (canceled).', summary:headline())
  end)

  it('splits batches to keep the command line under the Windows limit', function()
    local paths = {}
    for i = 1, 100 do paths[i] = 'C:\\Photos\\' .. string.rep('x', 180) .. i .. '.jpg' end
    local Commands = require 'Commands'
    local batches = Actions.batches('win', function(list) return Commands.argv('enhance', { exe = 'a' }, list) end,
      paths, 500)
    assert.is_true(#batches > 2)
    local total = 0
    for _, b in ipairs(batches) do
      total = total + #b
      local Shell = require 'Shell'
      assert.is_true(#Shell.commandLine('win', Commands.argv('enhance', { exe = 'a' }, b), 'o', 'e') < 8191)
    end
    assert.are.equal(100, total)
  end)

  it('makes virtual copies first and edits only the copies', function()
    local env = fake_env.env({ photos = fake_env.photos(),
      prefs = { atelierPath = '/a', virtualCopyFirst = true, maskMode = 'none' } })
    local masters = { env.catalog.photos[1], env.catalog.photos[2], env.catalog.photos[3] }
    local summary = Actions.run('enhance', env)
    assert.are.equal(3, summary.counts.ok)
    assert.are.equal(6, #env.catalog.photos)
    for _, m in ipairs(masters) do assert.are.equal(0, #applies(m)) end
    for i = 4, 6 do
      local copy = env.catalog.photos[i]
      assert.are.equal('Atelier', copy.copyName)
      assert.are.equal(1, #applies(copy))
      -- the copy of the raw gets Kelvin, the copy of the JPEG incremental: mapped by master
      local raw = copy.masterPhoto.fileFormat ~= 'JPG'
      assert.are.equal(raw, applies(copy)[1][2].Temperature ~= nil)
    end
  end)

  it('fails cleanly when this Lightroom cannot make virtual copies', function()
    local env = fake_env.env({ photos = fake_env.photos(), catalogOpts = { noVirtualCopies = true },
      prefs = { atelierPath = '/a', virtualCopyFirst = true } })
    local summary = Actions.run('enhance', env)
    assert.are.equal(3, summary.counts.failed)
    for _, p in ipairs(env.catalog.photos) do assert.are.equal(0, #applies(p)) end
    assert.truthy(env.dialogs.messages[1].text:find('no virtual copy', 1, true))
  end)

  it('sends a file once when a photo and its virtual copy are both selected', function()
    local master = fake.photo { path = '/p/a.jpg' }
    local copy = fake.photo { path = '/p/a.jpg', masterPhoto = master }
    local env, state = fake_env.env({ photos = { master, copy }, prefs = { atelierPath = '/a', maskMode = 'none' } })
    Actions.run('enhance', env)
    assert.are.same({ '/a', 'enhance', '--predictor', 'analytic', '--masks', 'none', '--dry-run', '--force', '--json',
      '--', '/p/a.jpg' }, state.argvs[1])
    assert.are.equal(1, #applies(master))
    assert.are.equal(1, #applies(copy))
  end)

  it('reports settings Lightroom did not keep', function()
    local p = fake.photo { path = '/p/a.jpg', readBackDrift = { Exposure2012 = 0 } }
    local env = fake_env.env({ photos = { p }, prefs = { atelierPath = '/a', maskMode = 'none' } })
    Actions.run('enhance', env)
    assert.truthy(env.dialogs.messages[1].text:find(
      'a.jpg — note: read back differs — Exposure2012: wanted 0.45, Lightroom has 0', 1, true))
  end)

  it('says where masks went when XMP is written and Lightroom cannot take them', function()
    local env, state = fake_env.env({ photos = fake_env.photos(), prefs = { atelierPath = '/a', writeXmp = true },
      lightroomVersion = { major = 10, minor = 4 } })
    Actions.run('enhanceMasks', env)
    assert.is_false(contains(state.argvs[1], '--dry-run'))
    assert.is_true(contains(state.argvs[1], 'sky,subject'))
    local text = env.dialogs.messages[1].text
    assert.truthy(text:find('Lightroom Classic 10.4 cannot take masks from a plug-in (11 or later can): '
      .. 'they are in the XMP files only: Metadata ▸ Read Metadata from File', 1, true), text)
    assert.is_nil(env.catalog.photos[1].develop.MaskGroupBasedCorrections)
  end)

  it('drops white balance that does not fit the file format and says so', function()
    local p = fake.photo { path = '/p/odd.jpg', fileFormat = 'RAW' } -- Lightroom knows better than the name
    local env = fake_env.env({ photos = { p }, prefs = { atelierPath = '/a', maskMode = 'none' } })
    Actions.run('enhance', env)
    local applied = applies(p)[1][2]
    assert.is_nil(applied.IncrementalTemperature)
    assert.is_nil(applied.WhiteBalance)
    assert.are.equal(0.45, applied.Exposure2012)
    assert.truthy(env.dialogs.messages[1].text:find(
      'odd.jpg — note: IncrementalTemperature does not apply to a raw photo', 1, true))
  end)

  it('reports a busy catalog', function()
    local env = fake_env.env({ photos = fake_env.photos(), catalogOpts = { gateResult = 'aborted' } })
    local summary = Actions.run('enhance', env)
    assert.are.equal(3, summary.counts.failed)
    assert.truthy(env.dialogs.messages[1].text:find('catalog was busy', 1, true))
  end)

  it('works on Windows: cmd.exe quoting, plain exit codes', function()
    local photos = { fake.photo { path = [[D:\Fotos\100% Zoë\a & b.jpg]] }, fake.photo { path = [[D:\Fotos\broken.jpg]] } }
    local env, state = fake_env.env({ platform = 'win', photos = photos,
      prefs = { atelierPath = [[C:\Program Files\Atelier\atelier.exe]], maskMode = 'none' } })
    local summary = Actions.run('enhance', env)
    assert.are.equal([[C:\Program Files\Atelier\atelier.exe]], state.argvs[1][1])
    assert.are.equal(photos[1].path, state.argvs[1][#state.argvs[1] - 1])
    assert.are.equal('"', state.lines[1]:sub(1, 1))
    assert.are.equal(1, summary.counts.ok)
    assert.are.equal(1, summary.counts.failed)
    assert.are.equal(1, #applies(photos[1]))
  end)

  it('says so when nothing is selected', function()
    local env, state = fake_env.env({ photos = {} })
    Actions.run('enhance', env)
    assert.are.equal(0, #state.argvs)
    assert.are.equal('Select one or more photos first.', env.dialogs.messages[1].text)
  end)
end)

describe('Actions.match', function()
  local function parsed(paths)
    local out = { photos = {}, byPath = {} }
    for i, p in ipairs(paths) do out.photos[i] = { path = p }; out.byPath[p] = out.photos[i] end
    return out
  end

  it('matches exact paths, then resolved spellings by their unique file name', function()
    local batch = { '/tmp/shoot/a.jpg', '/Users/ada/b.jpg', '/Volumes/X/c.jpg' }
    local m = Actions.match('mac', parsed({ '/Users/ada/b.jpg', '/private/tmp/shoot/a.jpg', '/Volumes/Y/c.jpg' }), batch)
    assert.are.equal('/private/tmp/shoot/a.jpg', m['/tmp/shoot/a.jpg'].path)
    assert.are.equal('/Users/ada/b.jpg', m['/Users/ada/b.jpg'].path)
    assert.are.equal('/Volumes/Y/c.jpg', m['/Volumes/X/c.jpg'].path)
  end)

  it('follows Windows spelling: case, slashes, a mapped drive come back as UNC', function()
    local batch = { [[P:\Shoot\IMG_1.CR2]], [[C:\Fotos\b.jpg]] }
    local m = Actions.match('win', parsed({ [[\\nas\photos\Shoot\IMG_1.CR2]], 'c:/fotos/B.JPG' }), batch)
    assert.are.equal([[\\nas\photos\Shoot\IMG_1.CR2]], m[batch[1]].path)
    assert.are.equal('c:/fotos/B.JPG', m[batch[2]].path)
  end)

  it('never guesses between two files of the same name', function()
    local batch = { '/a/IMG_1.jpg', '/b/IMG_1.jpg' }
    local m = Actions.match('mac', parsed({ '/x/a/IMG_1.jpg', '/x/b/IMG_1.jpg' }), batch)
    assert.is_nil(m['/a/IMG_1.jpg'])
    assert.is_nil(m['/b/IMG_1.jpg'])
    -- and one record is never given to two photos
    m = Actions.match('win', parsed({ [[C:\a.jpg]] }), { [[C:\a.jpg]], [[c:\A.JPG]] })
    assert.truthy(m[ [[C:\a.jpg]] ])
    assert.is_nil(m[ [[c:\A.JPG]] ])
  end)
end)

describe('Mask & enhance by description', function()
  it('passes the words and applies the global settings', function()
    local env, state = fake_env.env({ photos = fake_env.photos(), prompt = 'the red car' })
    Actions.run('mask', env)
    assert.are.same({ '/opt/atelier/bin/atelier', 'mask', '--dry-run', '--enhance', '--json', '--', 'the red car' },
      { unpack(state.argvs[1], 1, 7) })
    assert.are.equal(1, #applies(env.catalog.photos[1]))
    assert.are.equal('Atelier: Mask & enhance by description', env.catalog.gates[1].name)
  end)

  it('refuses without words', function()
    local env, state = fake_env.env({ photos = fake_env.photos(), prompt = '  ' })
    Actions.run('mask', env)
    assert.are.equal(0, #state.argvs)
    assert.truthy(env.dialogs.messages[1].text:find('no description given', 1, true))
  end)
end)

describe('Critique', function()
  it('stores score, text and backend; rating only when asked', function()
    local photos = { fake.photo { path = '/p/a.jpg' }, fake.photo { path = '/p/great.jpg' } }
    local env = fake_env.env({ photos = photos })
    Actions.run('critique', env)
    assert.are.equal('62', photos[1].props.atelierScore)
    assert.are.equal('93', photos[2].props.atelierScore)
    assert.are.equal('Bright sky, dark foreground: lift the shadows.', photos[1].props.atelierCritique)
    assert.are.equal('critic/1', photos[1].props.atelierBackend)
    assert.is_nil(photos[1].rating)
    assert.are.equal(0, #applies(photos[1]))

    env = fake_env.env({ photos = photos, prefs = { atelierPath = '/a', critiqueRating = true } })
    Actions.run('critique', env)
    assert.are.equal(3, photos[1].rating)
    assert.are.equal(5, photos[2].rating)
  end)

  it('stores the earlier critique of a photo the bridge skipped as unchanged', function()
    local photos = { fake.photo { path = '/p/again.jpg' }, fake.photo { path = '/p/changed.jpg' } }
    local env = fake_env.env({ photos = photos })
    local summary = Actions.run('critique', env)
    assert.are.equal('62', photos[1].props.atelierScore)
    assert.are.equal('Bright sky, dark foreground: lift the shadows.', photos[1].props.atelierCritique)
    assert.is_nil(photos[2].props.atelierScore)
    assert.are.equal(1, summary.counts.ok)
    assert.are.equal(0, summary.counts.failed) -- was: "failed: already done by an earlier critique"
    assert.are.equal(1, summary.counts.skipped)
    assert.are.same({ kind = 'skipped', name = 'changed.jpg', message = 'the file changed underneath' },
      summary.lines[1])
  end)

  it('takes the stars from the bridge and sets none when it sends none', function()
    local photos = { fake.photo { path = '/p/unrated.jpg', rating = 2 } }
    local env = fake_env.env({ photos = photos, prefs = { atelierPath = '/a', critiqueRating = true } })
    Actions.run('critique', env)
    assert.are.equal('62', photos[1].props.atelierScore)
    assert.are.equal(2, photos[1].rating) -- no second mapping of the score in the plugin
  end)
end)

describe('Create Artist version', function()
  it('adds the derived file stacked above its original', function()
    local photos = { fake.photo { path = '/p/a.jpg' }, fake.photo { path = '/p/broken.jpg' } }
    local env = fake_env.env({ photos = photos })
    local summary = Actions.run('generate', env)
    assert.are.equal(1, #env.catalog.added)
    local added = env.catalog.added[1]
    assert.are.equal('/p/a.atelier-artist-1.jpg', added.path)
    assert.are.equal(photos[1], added.stackedWith)
    assert.are.equal('above', added.stackPosition)
    assert.are.equal('a.jpg', added.props.atelierDerivedFrom)
    assert.are.equal(1, summary.counts.ok)
    assert.are.equal(1, summary.counts.failed)
  end)

  it('reports a derived file Lightroom would not add, or that is missing', function()
    local env = fake_env.env({ photos = { fake.photo { path = '/p/a.jpg' } },
      catalogOpts = { addPhotoError = 'unsupported file' } })
    Actions.run('generate', env)
    assert.truthy(env.dialogs.messages[1].text:find('Lightroom did not add a.atelier-artist-1.jpg: unsupported file', 1, true))
    env = fake_env.env({ photos = { fake.photo { path = '/p/a.jpg' } },
      exists = function(p) return not p:find('artist') end })
    Actions.run('generate', env)
    assert.truthy(env.dialogs.messages[1].text:find('the new file is missing', 1, true))
  end)
end)

describe('Learn my style', function()
  it('runs once on all photos and remembers the profile', function()
    local photos = {}
    for i = 1, 30 do photos[i] = fake.photo { path = '/p/' .. i .. '.jpg' } end
    local env, state = fake_env.env({ photos = photos, styleOut = '/Users/ada/Documents/Atelier Styles/style-1' })
    Actions.run('learnStyle', env)
    assert.are.equal(1, #state.argvs)
    assert.are.same({ '--out', '/Users/ada/Documents/Atelier Styles/style-1', '--predictor', 'analytic', '--json' },
      { unpack(state.argvs[1], 3, 7) })
    assert.are.equal('/Users/ada/Documents/Atelier Styles/style-1', state.prefsSet.styleProfile)
    assert.truthy(env.dialogs.messages[1].text:find('Style profile saved in', 1, true))
  end)

  it('passes on why no style could be learned', function()
    local env, state = fake_env.env({ photos = { fake.photo { path = '/p/1.jpg' } }, styleOut = '/s' })
    Actions.run('learnStyle', env)
    assert.is_nil(state.prefsSet.styleProfile)
    assert.are.equal('critical', env.dialogs.messages[1].style)
    assert.truthy(env.dialogs.messages[1].text:find('atelier learn-style: learning a style needs at least 5 edited photos, got 1',
      1, true), env.dialogs.messages[1].text)
  end)
end)

describe('Revert Atelier edits', function()
  it('skips photos Atelier never edited and does not run atelier unless XMP is written', function()
    local env, state = fake_env.env({ photos = fake_env.photos(), prefs = {} })
    local summary = Actions.run('revert', env)
    assert.are.equal(0, #state.argvs)
    assert.are.equal(3, summary.counts.skipped)
  end)

  it('also reverts the XMP through atelier when XMP is written', function()
    local env, state = fake_env.env({ photos = fake_env.photos(), prefs = { atelierPath = '/a', writeXmp = true } })
    Actions.run('enhance', env)
    Actions.run('revert', env)
    assert.are.equal(2, #state.argvs)
    assert.are.same({ '/a', 'revert', '--json', '--' }, { unpack(state.argvs[2], 1, 4) })
  end)
end)

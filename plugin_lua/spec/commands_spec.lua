local Commands = require 'Commands'
local JSON = require 'JSON'
local bridge = require 'fake_bridge'

local OPTS = { exe = '/opt/atelier/bin/atelier', engine = '127.0.0.1:50051', predictor = 'filternet',
  style = '/Users/ada/Atelier Styles/mine', masks = 'sky,subject', dryRun = true }

describe('Commands.argv', function()
  it('puts options first, then --json, then -- and the photos', function()
    local argv = Commands.argv('enhance', OPTS, { '/p/a.jpg', '/p/b c.dng' })
    assert.are.same({ '/opt/atelier/bin/atelier', 'enhance', '--engine', '127.0.0.1:50051',
      '--predictor', 'filternet', '--style', '/Users/ada/Atelier Styles/mine', '--masks', 'sky,subject',
      '--dry-run', '--force', '--json', '--', '/p/a.jpg', '/p/b c.dng' }, argv)
  end)

  it('leaves out blank options', function()
    local argv = Commands.argv('enhance', { exe = 'atelier', engine = '', predictor = '', style = '',
      masks = '', dryRun = false }, { '/a.jpg' })
    assert.are.same({ 'atelier', 'enhance', '--force', '--json', '--', '/a.jpg' }, argv)
  end)

  it('forces sky & subject masks for the masks menu item', function()
    local argv = Commands.argv('enhanceMasks', { exe = 'atelier', masks = 'none' }, { '/a.jpg' })
    assert.are.same({ 'atelier', 'enhance', '--masks', 'sky,subject', '--force', '--json', '--', '/a.jpg' }, argv)
  end)

  it('passes the prompt first after --, cleaned to one line', function()
    local argv = Commands.argv('mask', { exe = 'atelier', prompt = '  -the red\n car\t ' }, { '/a.jpg' })
    assert.are.same({ 'atelier', 'mask', '--enhance', '--json', '--', '-the red car', '/a.jpg' }, argv)
    local none, err = Commands.argv('mask', { exe = 'atelier', prompt = ' \n ' }, { '/a.jpg' })
    assert.is_nil(none)
    assert.are.equal('no description given', err)
  end)

  it('builds critique, generate, learn-style and revert', function()
    assert.are.same({ 'a', 'critique', '--write-rating', '--json', '--', '/x.jpg' },
      Commands.argv('critique', { exe = 'a', writeRating = true }, { '/x.jpg' }))
    -- a dry run writes nothing, so no rating either
    assert.are.same({ 'a', 'critique', '--dry-run', '--json', '--', '/x.jpg' },
      Commands.argv('critique', { exe = 'a', writeRating = true, dryRun = true }, { '/x.jpg' }))
    assert.are.same({ 'a', 'generate', '--json', '--', '/x.jpg' },
      Commands.argv('generate', { exe = 'a', dryRun = true }, { '/x.jpg' }))
    assert.are.same({ 'a', 'learn-style', '--out', '/s', '--predictor', 'p', '--json', '--', '/x.jpg', '/y.jpg' },
      Commands.argv('learnStyle', { exe = 'a', out = '/s', predictor = 'p', style = '/old' }, { '/x.jpg', '/y.jpg' }))
    assert.are.same({ 'a', 'revert', '--json', '--', '/x.jpg' },
      Commands.argv('revert', { exe = 'a', engine = 'h:1', dryRun = true }, { '/x.jpg' }))
  end)

  it('refuses without a program, photos or a known action', function()
    assert.is_nil(Commands.argv('enhance', { exe = '' }, { '/a.jpg' }))
    assert.is_nil(Commands.argv('enhance', { exe = 'a' }, {}))
    assert.is_nil(Commands.argv('paint', { exe = 'a' }, { '/a.jpg' }))
  end)

  it('builds what the fake bridge reads back', function()
    local argv = Commands.argv('enhance', OPTS, { '/a.jpg' })
    local cmd, opts, paths = bridge.split(argv)
    assert.are.equal('enhance', cmd)
    assert.are.equal('filternet', opts.predictor)
    assert.is_true(opts.json)
    assert.are.same({ '/a.jpg' }, paths)
  end)

  it('lists every action in menu order', function()
    for _, name in ipairs(Commands.ORDER) do assert.truthy(Commands.SPECS[name], name) end
    local n = 0
    for _ in pairs(Commands.SPECS) do n = n + 1 end
    assert.are.equal(#Commands.ORDER, n)
  end)
end)

describe('Commands.parse', function()
  local function answer(argv) local _, out = bridge.answer(argv); return assert(JSON.decode(out)) end

  it('flattens an enhance document', function()
    local doc = answer({ 'a', 'enhance', '--masks', 'sky,subject', '--json', '--', '/p/a.jpg', '/p/broken.jpg',
      '/p/changed.jpg' })
    local r = assert(Commands.parse('enhance', doc))
    assert.are.equal('0.1.0', r.version)
    assert.are.equal(3, #r.photos)
    local a = r.byPath['/p/a.jpg']
    assert.are.equal('ok', a.status)
    assert.are.equal(0.45, a.settings.Exposure2012)
    assert.is_false(a.isRaw)
    assert.are.equal('embedded', a.xmpMode)
    assert.are.equal('Sky', a.masks[1].name)
    assert.are.equal('truncated JPEG: image data ends after 41 % of the file', r.byPath['/p/broken.jpg'].error)
    assert.are.equal('the file changed underneath', r.byPath['/p/changed.jpg'].reason)
  end)

  it('reads critique score and text, generate paths and the style profile', function()
    local c = assert(Commands.parse('critique', answer({ 'a', 'critique', '--json', '--', '/p/great.jpg' })))
    assert.are.equal(93, c.photos[1].critique.score)
    assert.are.equal('Bright sky, dark foreground: lift the shadows.', c.photos[1].critique.text)
    local flat = assert(Commands.parse('critique', { command = 'critique', photos = {
      { path = '/x', status = 'ok', score = 40, critique = 'Too dark.', rating = 2 } } }))
    assert.are.same({ score = 40, rating = 2, text = 'Too dark.' }, flat.photos[1].critique)
    local g = assert(Commands.parse('generate', answer({ 'a', 'generate', '--json', '--', '/p/a.jpg' })))
    assert.are.equal('/p/a.atelier-artist-1.jpg', g.photos[1].derived)
    assert.are.equal('/d.tif', assert(Commands.parse('generate', { photos = {
      { path = '/x', status = 'ok', outputs = { { path = '/d.tif' } } } } })).photos[1].derived)
    local s = assert(Commands.parse('learnStyle', answer({ 'a', 'learn-style', '--out', '/s', '--json', '--',
      '/p/1.jpg', '/p/2.jpg', '/p/3.jpg', '/p/4.jpg', '/p/5.jpg' })))
    assert.are.equal('/s', s.style)
    local few, err = Commands.parse('learnStyle', answer({ 'a', 'learn-style', '--out', '/s', '--json', '--', '/p/a.jpg' }))
    assert.is_nil(few)
    assert.are.equal('learning a style needs at least 5 edited photos, got 1', err)
  end)

  it('rejects documents it cannot use, saying why', function()
    local cases = {
      { 'enhance', 'no', 'no JSON object' },
      { 'enhance', { command = 'critique', photos = { { path = '/a' } } }, "answered 'critique' to 'enhance'" },
      { 'enhance', { command = 'enhance' }, 'no photos' },
      { 'enhance', { photos = 'x' }, "'photos' is not a list" },
      { 'enhance', { photos = { 'x' } }, 'photo 1 is not an object' },
      { 'learnStyle', { command = 'learn-style' }, 'no style profile' },
    }
    for _, c in ipairs(cases) do
      local r, err = Commands.parse(c[1], c[2])
      assert.is_nil(r)
      assert.truthy(err:find(c[3], 1, true), err)
    end
  end)

  it('treats a photo without status as failed with a reason', function()
    local r = assert(Commands.parse('enhance', { photos = { { path = '/a' } } }))
    assert.are.equal('failed', r.photos[1].status)
    assert.are.equal('atelier gave no reason', r.photos[1].error)
  end)
end)

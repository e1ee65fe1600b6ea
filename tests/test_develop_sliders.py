"""Property tests of the develop model's global sliders (issue 3, "Done when")."""

from __future__ import annotations

import itertools
import math

import pytest
import torch

from engine.develop import render
from engine.develop.tone import ROLLOFF_KNEE, luminance
from xmp.vocabulary import GLOBAL_SLIDERS, SliderRangeError

TONE = [s for s in GLOBAL_SLIDERS if s.scope == "any"]
RENDERED_WB = [s for s in GLOBAL_SLIDERS if s.scope == "rendered"]


def _photo_like(seed: int = 0, h: int = 24, w: int = 32, dtype: torch.dtype = torch.float32):
    """A smooth random scene with edges and texture, linear 0.002..1."""
    g = torch.Generator().manual_seed(seed)
    coarse = torch.rand(1, 3, 4, 5, generator=g, dtype=dtype)
    img = torch.nn.functional.interpolate(coarse, size=(h, w), mode="nearest")
    img = img * (0.8 + 0.4 * torch.rand(1, 3, h, w, generator=g, dtype=dtype))
    return (img**2.2).clamp(0.002, 1)


def _grey_ramp(w: int = 64) -> torch.Tensor:
    """Neutral ramp from 0.002 to 1.0 (log-spaced), shape (1, 3, 4, w)."""
    v = torch.logspace(math.log10(0.002), 0, w)
    return v.view(1, 1, 1, w).expand(1, 3, 4, w).clone()


def test_all_zero_settings_are_the_identity():
    img = _photo_like()
    zero = {s.name: 0.0 for s in TONE + RENDERED_WB}
    out = render(img, zero)
    assert (out - img).abs().max().item() <= 1e-5


def test_plus_one_ev_doubles_values_below_the_rolloff():
    img = _grey_ramp()
    out = render(img, {"Exposure2012": 1.0})
    below = img * 2 <= ROLLOFF_KNEE
    assert below.sum() > 100
    torch.testing.assert_close(out[below], 2 * img[below], rtol=1e-6, atol=0)
    above = ~below
    assert (out[above] <= 2 * img[above]).all()  # the shoulder compresses what is above
    assert out.max() < 1.6 < 2 * img.max()


# slider -> how a "more" setting should move the grey ramp's luminance per pixel
_DIRECTION = {
    "Exposure2012": "up", "Highlights2012": "up", "Shadows2012": "up",
    "Whites2012": "up", "Blacks2012": "up", "Contrast2012": "away_from_grey",
}


@pytest.mark.parametrize("name", list(_DIRECTION))
def test_tone_sliders_are_monotone_on_a_grey_ramp(name):
    ramp = _grey_ramp()
    lo, hi = (-5.0, 5.0) if name == "Exposure2012" else (-100.0, 100.0)
    values = torch.linspace(lo, hi, 9).tolist()
    ys = [luminance(render(ramp, {name: v}))[0, 0, 0] for v in values]
    for y in ys:  # every setting keeps the tone curve monotone along the ramp
        assert (y[1:] - y[:-1] >= -1e-7).all()
    steps = torch.stack([b - a for a, b in itertools.pairwise(ys)])
    if _DIRECTION[name] == "up":
        assert (steps >= -1e-7).all() and (steps.sum(0) > 0).any()
    else:
        x = ramp[0, 0, 0]
        sign = torch.sign(torch.log(x / 0.18))
        assert (steps * sign >= -1e-7).all()
        assert (steps.sum(0) * sign > 1e-4)[x.sub(0.18).abs() > 0.05].all()


def _local_contrast(img: torch.Tensor) -> float:
    y = torch.log2(luminance(img) + 1e-4)
    return float((y - torch.nn.functional.avg_pool2d(y, 3, 1, 1, count_include_pad=False)).std())


@pytest.mark.parametrize("name", ["Texture", "Clarity2012"])
def test_local_contrast_sliders_raise_detail(name):
    img = _photo_like(1, 48, 64)
    values = [-100.0, -50.0, 0.0, 50.0, 100.0]
    detail = [_local_contrast(render(img, {name: v})) for v in values]
    assert all(b > a for a, b in itertools.pairwise(detail)), detail
    smooth = _grey_ramp()  # no detail to amplify: a ramp's interior stays put
    inner = (slice(None), slice(None), slice(None), slice(4, -4))
    assert (render(smooth, {name: 100.0}) - smooth)[inner].abs().max() < 1e-3


def test_dehaze_removes_and_adds_airlight():
    hazy = 0.5 * _photo_like(2, 48, 64) + 0.3  # veiled scene: dark channel well above 0
    values = [-100.0, -50.0, 0.0, 50.0, 100.0]
    spread = [float(render(hazy, {"Dehaze": v}).std()) for v in values]
    assert all(b > a for a, b in itertools.pairwise(spread)), spread
    darkest = [float(render(hazy, {"Dehaze": v}).amin()) for v in values]
    assert all(b < a for a, b in itertools.pairwise(darkest)), darkest


def _chroma(img: torch.Tensor) -> torch.Tensor:
    return (img - luminance(img)).abs().sum(1)


@pytest.mark.parametrize("name", ["Vibrance", "Saturation"])
def test_colour_sliders_are_monotone_in_chroma(name):
    muted = _grey_ramp() * torch.tensor([1.15, 1.0, 0.8]).view(1, 3, 1, 1)
    values = torch.linspace(-100, 100, 9).tolist()
    chroma = [_chroma(render(muted, {name: v})) for v in values]
    steps = torch.stack([b - a for a, b in itertools.pairwise(chroma)])
    assert (steps >= -1e-7).all() and (steps.sum(0) > 0).all()
    grey = _grey_ramp()
    torch.testing.assert_close(render(grey, {name: 100.0}), grey, atol=1e-6, rtol=0)


def test_vibrance_protects_saturated_colours_and_skin():
    muted_blue = torch.tensor([0.15, 0.18, 0.25]).view(1, 3, 1, 1)
    vivid = torch.tensor([0.6, 0.05, 0.02]).view(1, 3, 1, 1)
    skin = torch.tensor([0.45, 0.28, 0.2]).view(1, 3, 1, 1)

    def gain(c):
        return float(_chroma(render(c, {"Vibrance": 100.0})) / _chroma(c))

    assert gain(muted_blue) > gain(skin) > 1.0
    assert gain(muted_blue) > gain(vivid) >= 1.0
    sat = float(_chroma(render(skin, {"Saturation": 100.0})) / _chroma(skin))
    assert sat > gain(skin)


@pytest.mark.parametrize("name", ["IncrementalTemperature", "IncrementalTint"])
def test_incremental_white_balance_is_monotone_on_grey(name):
    grey = _grey_ramp()
    values = torch.linspace(-100, 100, 9).tolist()
    outs = [render(grey, {name: v})[0, :, 0, 20] for v in values]
    if name == "IncrementalTemperature":  # warmer: red up relative to blue
        key = [float(o[0] / o[2]) for o in outs]
    else:  # more magenta: green down relative to red + blue
        key = [float((o[0] + o[2]) / (2 * o[1])) for o in outs]
    assert all(b > a for a, b in itertools.pairwise(key)), key


_INPUTS = {
    "black": torch.zeros(1, 3, 8, 8),
    "white": torch.ones(1, 3, 8, 8),
    "saturated": torch.eye(3).repeat_interleave(3, 0)[:8].T.reshape(1, 3, 8, 1).expand(
        1, 3, 8, 8).contiguous(),
    "hdr": torch.full((1, 3, 8, 8), 16.0),
}


@pytest.mark.parametrize("where", ["min", "max"])
@pytest.mark.parametrize("kind", list(_INPUTS))
def test_no_nan_or_inf_at_the_range_ends(kind, where):
    img = _INPUTS[kind]
    for s in TONE + RENDERED_WB:
        v = s.minimum if where == "min" else s.maximum
        assert torch.isfinite(render(img, {s.name: v})).all(), (s.name, v)
    every = {s.name: (s.minimum if where == "min" else s.maximum) for s in TONE + RENDERED_WB}
    assert torch.isfinite(render(img, every)).all()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"Exposure2012": 5.5}, r"Exposure2012=5\.5 is outside -5\.\.5 EV"),
        ({"Contrast2012": -101}, r"Contrast2012=-101 is outside -100\.\.100"),
        ({"Dehaze": float("nan")}, r"Dehaze=nan is outside -100\.\.100"),
        ({"Temperature": 5000}, r"Temperature does not apply to a rendered photo"),
        ({"Sharpness": 10}, r"unknown develop setting 'Sharpness'"),
        ({"Vibrance": torch.tensor([10.0, 140.0])}, r"Vibrance=140(\.0)? is outside -100\.\.100"),
    ],
)
def test_out_of_range_settings_name_the_field_and_range(settings, message):
    img = torch.rand(2, 3, 4, 4)
    with pytest.raises(SliderRangeError, match=message):
        render(img, settings)


def test_raw_photos_reject_incremental_white_balance():
    with pytest.raises(SliderRangeError, match="IncrementalTint does not apply to a raw photo"):
        render(torch.rand(3, 4, 4), {"IncrementalTint": 5}, as_shot_xy=(0.33, 0.34))


_GRAD_VALUES = {s.name: (0.6 if s.name == "Exposure2012" else 37.0) for s in TONE + RENDERED_WB}


def _grad_image(seed: int) -> torch.Tensor:
    """Small double image without ties (min filters have kinks where values are equal)."""
    g = torch.Generator().manual_seed(seed)
    return (0.05 + 0.9 * torch.rand(1, 3, 8, 8, generator=g, dtype=torch.float64)) ** 2


@pytest.mark.parametrize("name", list(_GRAD_VALUES))
def test_gradcheck_every_slider(name):
    img = _grad_image(3).requires_grad_()
    value = torch.tensor([_GRAD_VALUES[name]], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda i, v: render(i, {name: v}), (img, value), eps=1e-6, atol=1e-5
    )


def test_gradcheck_raw_white_balance():
    img = _grad_image(4).requires_grad_()
    t = torch.tensor([6100.0], dtype=torch.float64, requires_grad=True)
    n = torch.tensor([12.0], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda i, a, b: render(i, {"Temperature": a, "Tint": b}, as_shot_xy=(0.3325, 0.3475)),
        (img, t, n), eps=1e-6, atol=1e-5,
    )


def test_batch_equals_single_renders():
    imgs = torch.cat([_photo_like(s, 32, 48, torch.float64) for s in range(3)])
    settings: list[dict[str, float]] = [
        {"Exposure2012": 0.4, "Contrast2012": 30, "Shadows2012": 50, "Dehaze": 20},
        {"Exposure2012": -1.2, "Highlights2012": -60, "Texture": 40, "Vibrance": 35},
        {"Clarity2012": 25, "Whites2012": -20, "Saturation": -30, "IncrementalTemperature": 15},
    ]
    batch = render(imgs, settings)
    for i, s in enumerate(settings):
        torch.testing.assert_close(batch[i], render(imgs[i], s), atol=1e-9, rtol=0)

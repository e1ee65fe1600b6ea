"""Tiled rendering equals untiled, with the context grid smaller than the image."""

from __future__ import annotations

import importlib

import pytest
import torch

from atelier.v1 import engine_pb2 as pb
from engine.develop import LocalAdjustment, local_adjustments_from_pb, render

ALL = {
    "Exposure2012": 0.7, "Contrast2012": 25, "Highlights2012": -60, "Shadows2012": 45,
    "Whites2012": 15, "Blacks2012": -20, "Texture": 30, "Clarity2012": 35, "Dehaze": 25,
    "Vibrance": 30, "Saturation": 10, "IncrementalTemperature": 8, "IncrementalTint": -5,
}


@pytest.fixture
def small_context(monkeypatch: pytest.MonkeyPatch) -> None:
    # a 48-px context makes a 150 × 220 test image use the low-resolution path
    monkeypatch.setattr(importlib.import_module("engine.develop.render"), "CONTEXT_LONG_SIDE", 48)


def _scene() -> torch.Tensor:
    g = torch.Generator().manual_seed(5)
    coarse = torch.rand(1, 3, 6, 9, generator=g)
    img = torch.nn.functional.interpolate(coarse, size=(150, 220), mode="bicubic")
    return (img.clamp(0, 1) * (0.9 + 0.2 * torch.rand(1, 3, 150, 220, generator=g))) ** 2


def _masks() -> list[LocalAdjustment]:
    radial = pb.MaskedAdjustment(
        forms=[pb.MaskForm(components=[pb.Mask(radial_gradient=pb.RadialGradient(
            top=0.2, bottom=0.8, left=0.3, right=0.9, angle=20, feather=60, flipped=True))])],
        adjustments=pb.LocalAdjustmentSet(exposure=0.5, clarity=40, temperature=-20),
    )
    sky = pb.MaskedAdjustment(
        forms=[pb.MaskForm(components=[
            pb.Mask(linear_gradient=pb.LinearGradient(zero=pb.Point(x=0.5, y=0.6),
                                                      full=pb.Point(x=0.5, y=0.1))),
            pb.Mask(luminance_range=pb.LuminanceRange(min=0.3, max=1, smoothness=0.2),
                    blend=pb.MASK_BLEND_INTERSECT),
        ])],
        adjustments=pb.LocalAdjustmentSet(highlights=-50, dehaze=30, saturation=20),
        amount=0.8,
    )
    return local_adjustments_from_pb([radial, sky])


@pytest.mark.usefixtures("small_context")
@pytest.mark.parametrize("tile_rows", [1, 17, 64])
def test_tiled_equals_untiled(tile_rows: int):
    img = _scene()
    whole = render(img, ALL, local=_masks())
    tiled = render(img, ALL, local=_masks(), tile_rows=tile_rows)
    assert (tiled - whole).abs().max().item() <= 1e-4
    assert (whole - img).abs().mean() > 0.01  # and the edit did something


@pytest.mark.usefixtures("small_context")
def test_preview_and_full_size_look_alike():
    """Scales are fractions of the long side: a half-size render ≈ the full one, halved."""
    img = _scene()
    full = torch.nn.functional.avg_pool2d(render(img, ALL, local=_masks()), 2)
    half = render(torch.nn.functional.avg_pool2d(img, 2), ALL, local=_masks())
    assert (full - half).abs().mean() < 0.02
    edit = (full - torch.nn.functional.avg_pool2d(img, 2)).abs().mean()
    assert (full - half).abs().mean() < 0.25 * edit


@pytest.mark.usefixtures("small_context")
def test_inference_strips_on_worker_threads_equal_the_autograd_path(
    monkeypatch: pytest.MonkeyPatch,
):
    """Without autograd, strips render on worker threads into one output: same pixels."""
    monkeypatch.setattr(importlib.import_module("engine.develop.render"), "STRIP_PIXELS", 2000)
    img = _scene()
    reference = render(img, ALL, local=_masks())  # autograd on: strips concatenated
    hwc = img[0].permute(1, 2, 0).contiguous().permute(2, 0, 1)  # as decoded: (H, W, 3)
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        with torch.no_grad():
            fast = render(hwc, ALL, local=_masks())
    finally:
        torch.set_num_threads(threads)
    assert (fast - reference[0]).abs().max().item() <= 1e-5

"""Masks of the contract rendered by the develop model, and local adjustments inside them."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from atelier.v1 import engine_pb2 as pb
from engine.develop import LocalAdjustment, MaskError, local_adjustments_from_pb, render
from engine.develop.masks import (
    Grid,
    brush,
    linear_gradient,
    luminance_range,
    prepare_form,
    radial_gradient,
    render_brush,
)


def _grad(zx, zy, fx, fy) -> pb.LinearGradient:
    return pb.LinearGradient(zero=pb.Point(x=zx, y=zy), full=pb.Point(x=fx, y=fy))


def test_linear_gradient_runs_from_zero_to_full():
    m = linear_gradient(_grad(0.2, 0.5, 0.8, 0.5), Grid(40, 100))
    assert m.shape == (40, 100)
    assert float(m[:, :20].max()) == 0.0 and float(m[:, 80:].min()) == 1.0
    assert abs(float(m[0, 50]) - 0.5) < 0.02
    torch.testing.assert_close(m[0], m[-1])  # constant along lines parallel to the edge


def test_radial_gradient_box_angle_feather_and_flip():
    g = pb.RadialGradient(top=0.4, bottom=0.6, left=0.1, right=0.9, angle=0, feather=0,
                          roundness=0, flipped=True)
    grid = Grid(100, 100)
    m = radial_gradient(g, grid)
    assert float(m[50, 50]) == 1.0 and float(m[50, 85]) == 1.0 and float(m[20, 50]) == 0.0
    g.angle = 90  # now tall and thin
    r = radial_gradient(g, grid)
    assert float(r[15, 50]) == 1.0 and float(r[50, 85]) == 0.0
    g.flipped = False
    torch.testing.assert_close(radial_gradient(g, grid), 1 - r)
    g.angle, g.feather, g.flipped = 0, 100, True
    soft = radial_gradient(g, grid)
    assert 0 < float(soft[50, 70]) < 1 and float(soft[50, 50]) > 0.95
    g.feather, g.roundness = 0, 100  # squarish: the box corner region is covered more
    assert float(radial_gradient(g, grid)[43, 82]) >= float(m[43, 82])


def test_luminance_range_selects_tones():
    lum = torch.linspace(0, 1, 101)
    m = luminance_range(pb.LuminanceRange(min=0.4, max=0.6, smoothness=0.05), lum)
    assert float(m[50]) == 1.0 and float(m[30]) == 0.0 and float(m[70]) == 0.0
    assert 0 < float(m[38]) < 1


def _stroke(points, radius=0.05, flow=1.0, cw=0.0, value=1.0) -> pb.BrushStroke:
    return pb.BrushStroke(radius=radius, flow=flow, center_weight=cw, value=value,
                          dabs=[pb.Point(x=x, y=y) for x, y in points])


def test_brush_dabs_flow_feather_and_erase():
    one = render_brush([_stroke([(0.5, 0.5)], radius=0.1, flow=0.5)], 50, 100)
    assert abs(float(one[25, 50]) - 0.5) < 0.02 and float(one[25, 70]) == 0.0
    two = render_brush([_stroke([(0.5, 0.5), (0.5, 0.5)], radius=0.1, flow=0.5)], 50, 100)
    assert abs(float(two[25, 50]) - 0.75) < 0.02  # flow builds up within a stroke
    hard = render_brush([_stroke([(0.5, 0.5)], radius=0.1, cw=0.8)], 50, 100)
    soft = render_brush([_stroke([(0.5, 0.5)], radius=0.1, cw=0.0)], 50, 100)
    assert float(hard[25, 57]) == 1.0 > float(soft[25, 57])
    erased = render_brush([_stroke([(0.5, 0.5)], radius=0.1, cw=0.8),
                           _stroke([(0.5, 0.5)], radius=0.05, cw=0.5, value=0.0)], 50, 100)
    assert float(erased[25, 50]) == 0.0 and float(erased[25, 57]) == 1.0
    # windows of the grid render the same pixels as the whole frame
    strokes = [_stroke([(0.1, 0.2), (0.3, 0.4), (0.9, 0.9)], radius=0.08, flow=0.7)]
    whole = brush(strokes, Grid(60, 90))
    torch.testing.assert_close(brush(strokes, Grid(60, 90, 13, 20, 30, 50)),
                               whole[13:43, 20:70])


def _png(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "PNG")
    return buf.getvalue()


def test_raster_mask_follows_the_photo_edges():
    # photo: dark left, bright right, sharp edge at x = 70 of 128
    lum = torch.full((1, 1, 64, 128), 0.1)
    lum[..., 70:] = 0.9
    # a coarse 8 × 16 raster whose blurry edge only roughly agrees
    raster = np.zeros((8, 16), np.uint8)
    raster[:, 9:] = 255
    form = pb.MaskForm(components=[pb.Mask(raster=pb.RasterMask(png=_png(raster), width=16,
                                                                height=8))])
    m = prepare_form(form, lum).render(Grid(64, 128), lum)[0, 0]
    plain = torch.nn.functional.interpolate(
        torch.tensor(raster / 255.0, dtype=torch.float32)[None, None], size=(64, 128),
        mode="bilinear", align_corners=False)[0, 0]
    # the mask jumps where the photo does; a plain upsample ramps over many pixels
    assert float(m[32, 70] - m[32, 69]) > 0.4 > 0.15 > float(plain[32, 70] - plain[32, 69])
    assert float(m[32, 66]) < 0.05 and float(plain[32, 71]) < 0.5 < float(m[32, 71])
    assert float(m[32, 76]) > 0.75


def test_components_combine_and_invert():
    grid = Grid(20, 20)
    lum = torch.full((1, 1, 20, 20), 0.5)
    left = pb.Mask(linear_gradient=_grad(0.6, 0.5, 0.4, 0.5))  # 1 on the left
    top = pb.Mask(linear_gradient=_grad(0.5, 0.6, 0.5, 0.4))  # 1 at the top

    def comp(*components):
        return prepare_form(pb.MaskForm(components=components), lum).render(grid, lum)[0, 0]

    a, t = comp(left), comp(top)
    torch.testing.assert_close(comp(left, pb.Mask(linear_gradient=top.linear_gradient)),
                               torch.maximum(a, t))
    sub = pb.Mask(linear_gradient=top.linear_gradient, blend=pb.MASK_BLEND_SUBTRACT)
    torch.testing.assert_close(comp(left, sub), a * (1 - t))
    inter = pb.Mask(linear_gradient=top.linear_gradient, blend=pb.MASK_BLEND_INTERSECT)
    torch.testing.assert_close(comp(left, inter), a * t)
    inv = pb.Mask(linear_gradient=left.linear_gradient, inverted=True)
    torch.testing.assert_close(comp(inv), 1 - a)


def test_semantic_only_masks_are_a_clear_error():
    masked = pb.MaskedAdjustment(name="Sky", forms=[pb.MaskForm(components=[
        pb.Mask(semantic=pb.SemanticMask(semantic_class=pb.SEMANTIC_CLASS_SKY))])])
    with pytest.raises(MaskError, match="'Sky' has no renderable form"):
        local_adjustments_from_pb([masked])


def test_bad_mask_geometry_is_a_clear_error():
    with pytest.raises(MaskError, match="zero and full points coincide"):
        linear_gradient(_grad(0.5, 0.5, 0.5, 0.5), Grid(4, 4))
    with pytest.raises(MaskError, match="brush radius"):
        render_brush([_stroke([(0.5, 0.5)], radius=0.0)], 4, 4)


def test_local_exposure_inside_a_radial_mask():
    img = torch.full((1, 3, 60, 90), 0.1)
    masked = pb.MaskedAdjustment(
        name="Face",
        forms=[
            pb.MaskForm(components=[pb.Mask(semantic=pb.SemanticMask(
                semantic_class=pb.SEMANTIC_CLASS_FACE_SKIN))]),
            pb.MaskForm(components=[pb.Mask(radial_gradient=pb.RadialGradient(
                top=0.3, bottom=0.7, left=0.3, right=0.7, feather=50, flipped=True))]),
        ],
        adjustments=pb.LocalAdjustmentSet(exposure=1.0, saturation=-20),
        amount=1.0,
    )
    local = local_adjustments_from_pb([masked])
    out = render(img, {"Exposure2012": 0.0}, local=local)
    assert abs(float(out[0, 0, 30, 45]) - 0.2) < 1e-6  # +1 EV at the centre
    assert abs(float(out[0, 0, 2, 2]) - 0.1) < 1e-7  # untouched outside
    assert (out[0, 0, 30, 45:] <= out[0, 0, 30, 44:-1] + 1e-7).all()  # feathered fall-off
    half = render(img, {}, local=[LocalAdjustment(local[0].mask, {"LocalExposure2012": 1.0},
                                                  amount=0.5)])
    assert abs(float(half[0, 0, 30, 45]) - 0.1 * 2**0.5) < 1e-6  # amount scales the EV


def test_local_adjustment_with_a_tensor_mask_and_local_white_balance():
    img = torch.full((1, 3, 16, 16), 0.18)
    mask = torch.zeros(1, 1, 16, 16)
    mask[..., :, 8:] = 1
    out = render(img, {}, local=[LocalAdjustment(mask, {"LocalTemperature": 40,
                                                        "LocalTint": 0})])
    torch.testing.assert_close(out[..., :8], img[..., :8], atol=1e-6, rtol=0)
    warm = out[0, :, 4, 12]
    assert float(warm[0]) > float(warm[2]) * 1.1  # warmer inside the mask
    with pytest.raises(ValueError, match="LocalExposure2012=5"):
        LocalAdjustment(mask, {"LocalExposure2012": 5.0})


def test_batch_with_per_image_and_shared_masks_equals_single_renders() -> None:
    # a shared gradient (one value per row) and a per-image tensor mask both carry local
    # white balance: the batch must broadcast them like single renders do
    torch.manual_seed(0)
    img = torch.rand(2, 3, 40, 56)
    gradient = pb.MaskForm(components=[pb.Mask(linear_gradient=pb.LinearGradient(
        zero=pb.Point(x=0.5, y=0.6), full=pb.Point(x=0.5, y=0.1)))])
    radial = pb.MaskForm(components=[pb.Mask(radial_gradient=pb.RadialGradient(
        top=0.3, bottom=0.8, left=0.2, right=0.6, angle=10, feather=50, flipped=True))])
    masks = torch.rand(2, 1, 40, 56)
    local = [LocalAdjustment(gradient, {"LocalTemperature": 30, "LocalExposure2012": -0.5}),
             LocalAdjustment(radial, {"LocalClarity2012": 40, "LocalTemperature": 10}),
             LocalAdjustment(masks, {"LocalTint": -20})]
    settings: list[dict[str, float]] = [{"Exposure2012": 0.5, "Vibrance": 30},
                                        {"Dehaze": -30, "Saturation": 20}]
    with torch.no_grad():
        batch = render(img, settings, local=local, tile_rows=7)
        for i in range(2):
            one = [LocalAdjustment(a.mask[i : i + 1] if isinstance(a.mask, torch.Tensor)
                                   else a.mask, a.settings, a.amount) for a in local]
            single = render(img[i : i + 1], settings[i], local=one)
            torch.testing.assert_close(batch[i : i + 1], single, atol=1e-5, rtol=0)

"""The develop pipeline: Lightroom settings + local adjustments on scene-linear sRGB.

Order of operations (all in linear sRGB, D65)::

    white balance → exposure gain → dehaze → highlights/shadows → texture/clarity
    → contrast → whites/blacks → exposure roll-off → vibrance → saturation

Local operators (dehaze, highlights/shadows, texture, clarity, raster masks) take their
spatial support from a *context*: the photo area-averaged to at most
`CONTEXT_LONG_SIDE` pixels, pushed through the pointwise first stage, where guided
filters, blurs and the dark channel are computed once.  Each full-resolution pixel then
combines its own value with bilinearly sampled context coefficients (the fast guided
filter, He & Sun 2015).  So every scale is a fixed fraction of the long side — a
preview looks like the full-size render — and tiles need no overlap: a tile reads the
same context the whole frame would, which makes tiled renders equal untiled ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import torch
from torch import Tensor

from atelier.settings import local_settings_from_adjustments
from atelier.v1 import engine_pb2 as pb
from engine.develop import chroma, detail, tone
from engine.develop.dehaze import airlight, dark_channel_transmission, dehaze
from engine.develop.encode import srgb_encode
from engine.develop.filters import (
    area_downsample,
    box_filter,
    guided_filter_coefficients,
    resample_window,
)
from engine.develop.masks import Grid, MaskError, PreparedMask, prepare_form, renderable_form
from engine.develop.params import (
    Settings,
    WhiteXY,
    check_local,
    settings_tensors,
    white_balance_gains,
)
from engine.develop.white_balance import (
    adaptation_gains,
    apply_cone_gains,
    incremental_to_uv,
    uv_to_xy,
)

__all__ = [
    "CONTEXT_LONG_SIDE",
    "LocalAdjustment",
    "local_adjustments_from_pb",
    "render",
]

#: Long side of the context grid the local operators are computed on, px.
CONTEXT_LONG_SIDE = 1024

# Spatial scales as fractions of the long side, and guided-filter eps in stops².
_HS_RADIUS, _HS_EPS = 0.05, 0.5
_CLARITY_RADIUS, _CLARITY_EPS = 0.02, 1.0
_TEXTURE_RADIUS = 0.003
_DARK_RADIUS, _HAZE_RADIUS, _HAZE_EPS = 0.01, 0.03, 0.05

#: Lightroom local slider → the global operator it adds to.
LOCAL_TO_GLOBAL = {
    "LocalExposure2012": "Exposure2012",
    "LocalContrast2012": "Contrast2012",
    "LocalHighlights2012": "Highlights2012",
    "LocalShadows2012": "Shadows2012",
    "LocalWhites2012": "Whites2012",
    "LocalBlacks2012": "Blacks2012",
    "LocalTexture": "Texture",
    "LocalClarity2012": "Clarity2012",
    "LocalDehaze": "Dehaze",
    "LocalSaturation": "Saturation",
    "LocalTemperature": "LocalTemperature",
    "LocalTint": "LocalTint",
}


@dataclass
class LocalAdjustment:
    """Local settings applied inside a mask.

    Attributes:
        mask: a contract mask form, or a full-resolution soft mask (B|1, 1, H, W) in 0..1
            (e.g. from a segmentation model).
        settings: ``{"LocalExposure2012": 0.5, ...}`` in slider units (EV, −100..+100).
        amount: Lightroom ``CorrectionAmount``, 0..1.
    """

    mask: pb.MaskForm | Tensor
    settings: Mapping[str, float]
    amount: float = 1.0

    def __post_init__(self) -> None:
        check_local(self.settings)
        if not 0 <= self.amount <= 1:
            raise ValueError(f"CorrectionAmount={self.amount!r} is outside 0..1")


def local_adjustments_from_pb(masks: Iterable[pb.MaskedAdjustment]) -> list[LocalAdjustment]:
    """Contract ``MaskedAdjustment`` messages → `LocalAdjustment` (first renderable form)."""
    # proto3 cannot tell an unset amount from 0; an adjustment at 0 % would be pointless
    return [
        LocalAdjustment(
            renderable_form(m), local_settings_from_adjustments(m.adjustments), m.amount or 1.0
        )
        for m in masks
    ]


@dataclass
class _Plan:
    """A local adjustment ready for windows: prepared mask or the full-res tensor."""

    adjustment: LocalAdjustment
    prepared: PreparedMask | None
    low_mask: Tensor | None = None

    def render(self, grid: Grid, lum: Tensor | None, low: bool) -> Tensor:
        if self.prepared is not None:
            if lum is None:
                raise MaskError("internal: luminance guide missing")
            m = self.prepared.render(grid, lum)
        else:
            src = self.low_mask if low else self.adjustment.mask
            assert isinstance(src, Tensor)
            m = src[..., grid.top : grid.top + grid.rows, grid.left : grid.left + grid.cols]
        return m * self.adjustment.amount


@dataclass
class _Context:
    """Everything a window needs besides its own pixels."""

    size: tuple[int, int]
    params: dict[str, Tensor]
    wb_gains: Tensor | None
    plans: list[_Plan]
    active: set[str]
    layers: dict[str, Tensor] = field(default_factory=dict)


def _luma(image: Tensor) -> Tensor:
    """sRGB-encoded relative luminance in 0..1, the guide of luminance and raster masks."""
    return srgb_encode(tone.luminance(image).clamp(0, 1))


def _maps(ctx: _Context, grid: Grid, image: Tensor, low: bool) -> dict[str, Tensor]:
    """Per-slider amounts on ``grid``: (B,1,1,1) globals plus masked local additions."""
    maps: dict[str, Tensor] = {k: v.view(-1, 1, 1, 1) for k, v in ctx.params.items()}
    lum = _luma(image) if any(p.prepared is not None for p in ctx.plans) else None
    for plan in ctx.plans:
        m = plan.render(grid, lum, low)
        for name, value in plan.adjustment.settings.items():
            key = LOCAL_TO_GLOBAL[name]
            prev = maps.get(key)
            maps[key] = m * value if prev is None else prev + m * value
    for key, v in maps.items():
        if key not in ("Exposure2012", "Temperature", "Tint") and v.dim() == 4:
            maps[key] = v.clamp(-100, 100)
    return maps


def _first_stage(x: Tensor, ctx: _Context, maps: Mapping[str, Tensor]) -> Tensor:
    """Pointwise white balance and exposure gain (no roll-off yet)."""
    if ctx.wb_gains is not None:
        x = apply_cone_gains(x, ctx.wb_gains)
    if "LocalTemperature" in maps or "LocalTint" in maps:
        zero = torch.zeros((), dtype=x.dtype)
        t = maps.get("LocalTemperature", zero)
        n = maps.get("LocalTint", zero)
        t, n = torch.broadcast_tensors(t, n)
        uv = incremental_to_uv(t[:, 0], n[:, 0])  # (B, H, W, 2)
        gains = adaptation_gains(uv, uv_to_xy(incremental_to_uv(zero, zero)))
        x = apply_cone_gains(x, gains.permute(0, 3, 1, 2))
    if "Exposure2012" in maps:
        x = x * torch.exp2(maps["Exposure2012"])
    return x


def _build_layers(ctx: _Context, low: Tensor) -> None:
    """Compute the context layers of the active local operators on the context grid."""
    h, w = low.shape[-2:]
    long = max(h, w)

    def px(frac: float) -> int:
        return max(1, round(frac * long))

    grid = Grid(h, w)
    proxy = _first_stage(low, ctx, _maps(ctx, grid, low, low=True))
    log_y = tone.log_luminance(proxy)
    L = ctx.layers
    if "Highlights2012" in ctx.active or "Shadows2012" in ctx.active:
        L["hs_a"], L["hs_b"] = guided_filter_coefficients(log_y, log_y, px(_HS_RADIUS), _HS_EPS)
    if "Clarity2012" in ctx.active:
        L["cl_a"], L["cl_b"] = guided_filter_coefficients(
            log_y, log_y, px(_CLARITY_RADIUS), _CLARITY_EPS
        )
    if "Texture" in ctx.active:
        r = max(1, round(_TEXTURE_RADIUS * long))
        L["tex"] = box_filter(box_filter(log_y, r), r)
    if "Dehaze" in ctx.active:
        a = airlight(proxy, px(_DARK_RADIUS))
        t = dark_channel_transmission(proxy, a, px(_DARK_RADIUS))
        L["airlight"] = a
        L["haze_a"], L["haze_b"] = guided_filter_coefficients(log_y, t, px(_HAZE_RADIUS), _HAZE_EPS)


def _sample(ctx: _Context, name: str, grid: Grid) -> Tensor:
    return resample_window(ctx.layers[name], ctx.size, grid.window)


def _render_window(image: Tensor, grid: Grid, ctx: _Context) -> Tensor:
    maps = _maps(ctx, grid, image, low=False)
    x = _first_stage(image, ctx, maps)
    active = ctx.active
    zero = torch.zeros((), dtype=x.dtype, device=x.device)
    log_y = tone.log_luminance(x)
    if "Dehaze" in active:
        t = _sample(ctx, "haze_a", grid) * log_y + _sample(ctx, "haze_b", grid)
        x = dehaze(x, maps["Dehaze"], t.clamp(0.05, 1), ctx.layers["airlight"])
    if "Highlights2012" in active or "Shadows2012" in active:
        base = _sample(ctx, "hs_a", grid) * log_y + _sample(ctx, "hs_b", grid)
        x = tone.highlights_shadows(
            x, maps.get("Highlights2012", zero), maps.get("Shadows2012", zero), base
        )
    if "Texture" in active or "Clarity2012" in active:
        tex = _sample(ctx, "tex", grid) if "Texture" in active else log_y
        cla = (_sample(ctx, "cl_a", grid) * log_y + _sample(ctx, "cl_b", grid)
               if "Clarity2012" in active else log_y)
        x = detail.local_contrast(
            x, log_y, maps.get("Texture", zero), maps.get("Clarity2012", zero), tex, cla
        )
    if "Contrast2012" in active:
        x = tone.contrast(x, maps["Contrast2012"])
    if "Whites2012" in active or "Blacks2012" in active:
        x = tone.whites_blacks(x, maps.get("Whites2012", zero), maps.get("Blacks2012", zero))
    if "Exposure2012" in active:
        x = tone.highlight_rolloff(x, maps["Exposure2012"])
    if "Vibrance" in active:
        x = chroma.vibrance(x, maps["Vibrance"])
    if "Saturation" in active:
        x = chroma.saturation(x, maps["Saturation"])
    return x


def render(
    image: Tensor,
    settings: Settings | Sequence[Settings],
    *,
    local: Sequence[LocalAdjustment] = (),
    as_shot_xy: WhiteXY | None = None,
    tile_rows: int | None = None,
) -> Tensor:
    """Develop scene-linear images with Lightroom PV2012 settings.

    Args:
        image: (B, 3, H, W) or (3, H, W) linear sRGB (D65), float32 or float64; values
            ≥ 0, 1.0 = diffuse white (raw highlights may exceed 1).
        settings: ``{"Exposure2012": 0.5, "Contrast2012": 20, ...}`` for every image, or
            one mapping per image; floats or (B,) tensors in slider units.
        local: masked local adjustments (`LocalAdjustment`, see
            `local_adjustments_from_pb`).
        as_shot_xy: raw photos: CIE xy of the as-shot white the pixels are balanced for
            (enables ``Temperature``/``Tint``); None for rendered photos.
        tile_rows: render in horizontal strips of this many rows to bound memory
            (same result as untiled); None renders in one piece.

    Returns:
        Developed linear sRGB, same shape and dtype as ``image`` (may leave 0..1).

    Raises:
        xmp.vocabulary.SliderRangeError: a slider out of range or of the wrong WB flavour.
        MaskError: a mask that cannot be rendered.
    """
    squeeze = image.dim() == 3
    x = image[None] if squeeze else image
    if x.dim() != 4 or x.shape[1] != 3:
        raise ValueError(f"expected a (B, 3, H, W) or (3, H, W) image, got {tuple(image.shape)}")
    B, _, H, W = x.shape
    params = settings_tensors(
        settings, B, is_raw=as_shot_xy is not None, dtype=x.dtype, device=x.device
    )
    gains = white_balance_gains(params, as_shot_xy, B, x.dtype)
    for name in ("Temperature", "Tint", "IncrementalTemperature", "IncrementalTint"):
        params.pop(name, None)
    active = set(params)
    for adj in local:
        active.update(LOCAL_TO_GLOBAL[n] for n in adj.settings)
        if isinstance(adj.mask, Tensor) and adj.mask.shape[-2:] != (H, W):
            raise MaskError(f"mask tensor is {tuple(adj.mask.shape[-2:])}, image is {(H, W)}")
    factor = max(1, math.ceil(max(H, W) / CONTEXT_LONG_SIDE))
    low = area_downsample(x, factor)
    plans = []
    for adj in local:
        if isinstance(adj.mask, Tensor):
            m = adj.mask.to(x.dtype)
            plans.append(_Plan(adj, None, area_downsample(m, factor)))
        else:
            plans.append(_Plan(adj, prepare_form(adj.mask, _luma(low))))
    ctx = _Context((H, W), params, gains, plans, active)
    _build_layers(ctx, low)
    if tile_rows is None or tile_rows >= H:
        out = _render_window(x, Grid(H, W), ctx)
    else:
        out = torch.empty_like(x)
        for top in range(0, H, tile_rows):
            rows = min(tile_rows, H - top)
            out[:, :, top : top + rows] = _render_window(
                x[:, :, top : top + rows], Grid(H, W, top, 0, rows, W), ctx
            )
    return out[0] if squeeze else out

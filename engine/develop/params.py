"""Lightroom-keyed develop settings → per-image tensors, range-checked by `xmp.vocabulary`.

A render takes one mapping for the whole batch or one per image; values are floats or
tensors (a (B,) tensor of ``Exposure2012`` from a network, say).  Missing sliders are 0;
missing raw ``Temperature`` / ``Tint`` mean "as shot".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch import Tensor

from engine.color.white_balance import duv_to_tint, xy_to_cct_duv
from engine.develop.white_balance import (
    adaptation_gains,
    incremental_to_uv,
    kelvin_tint_to_uv,
    uv_to_xy,
)
from xmp.vocabulary import (
    GLOBAL_SLIDERS,
    RAW_WB,
    RENDERED_WB,
    SliderRangeError,
    global_slider,
    local_slider,
)

__all__ = [
    "TONE_SLIDERS",
    "Settings",
    "WhiteXY",
    "check_local",
    "settings_tensors",
    "white_balance_gains",
]

Value = float | Tensor
Settings = Mapping[str, Value]
#: A CIE xy white: (x, y) as a sequence, tensor or numpy array; (B, 2) for one per image.
WhiteXY = Sequence[float] | Tensor | np.ndarray

#: Global sliders other than white balance, in Lightroom names.
TONE_SLIDERS = tuple(s.name for s in GLOBAL_SLIDERS if s.name not in RAW_WB + RENDERED_WB)


def _check(name: str, value: Value, is_raw: bool) -> None:
    slider = global_slider(name)
    if isinstance(value, Tensor):
        v = value.detach()
        if not bool(torch.isfinite(v).all()):
            raise SliderRangeError(f"{name} has non-finite values")
        for x in (float(v.min()), float(v.max())):
            slider.check(x)
    else:
        slider.check(value)
    wrong = RENDERED_WB if is_raw else RAW_WB
    if name in wrong:
        kind, use = ("raw", RAW_WB) if is_raw else ("rendered", RENDERED_WB)
        raise SliderRangeError(f"{name} does not apply to a {kind} photo (use {' / '.join(use)})")


def check_local(settings: Mapping[str, float]) -> None:
    """Range-check a ``{"LocalExposure2012": 0.5, ...}`` mapping (slider units)."""
    for name, value in settings.items():
        local_slider(name).check(value)


def settings_tensors(
    settings: Settings | Sequence[Settings],
    batch: int,
    *,
    is_raw: bool,
    dtype: torch.dtype = torch.float32,
    device: torch.device | str = "cpu",
) -> dict[str, Tensor]:
    """Validate settings and stack them into one (B,) tensor per slider that is set.

    Args:
        settings: one Lightroom-keyed mapping for all images, or one per image.
        batch: number of images B.
        is_raw: raw photos take ``Temperature``/``Tint``, rendered ones the incremental pair.

    Returns:
        ``{name: (B,) tensor}`` for every slider set in any mapping (others 0, except
        raw white balance, which is absent when no image sets it).

    Raises:
        SliderRangeError: unknown name, value out of range or wrong white-balance flavour.
    """
    per_image = [settings] * batch if isinstance(settings, Mapping) else list(settings)
    if len(per_image) != batch:
        raise ValueError(f"got {len(per_image)} settings mappings for a batch of {batch}")
    names: list[str] = []
    for s in per_image:
        for name, value in s.items():
            _check(name, value, is_raw)
            if name not in names:
                names.append(name)
    out: dict[str, Tensor] = {}
    for name in names:
        if name in RAW_WB and any(name not in s for s in per_image):
            raise ValueError(f"{name} must be set for every image of a batch or for none")
        cols = [torch.as_tensor(s.get(name, 0.0), dtype=dtype, device=device).reshape(-1)
                for s in per_image]
        col = torch.cat(cols) if len(cols) > 1 else cols[0].expand(batch)
        if col.numel() != batch:
            raise ValueError(f"{name}: expected {batch} values, got {col.numel()}")
        out[name] = col
    return out


def white_balance_gains(
    params: Mapping[str, Tensor],
    as_shot_xy: WhiteXY | None,
    batch: int,
    dtype: torch.dtype = torch.float32,
) -> Tensor | None:
    """Bradford cone gains (B, 3) for the global white balance, or None when it is as shot.

    Args:
        params: output of `settings_tensors`.
        as_shot_xy: raw photos: CIE xy (2,) or (B, 2) the pixels are balanced for (the
            as-shot white); None for rendered photos (balanced for D65; the incremental
            sliders are measured from the tabulated D65 so 0 / 0 is exactly neutral).
    """
    if as_shot_xy is None:
        inc_t = params.get("IncrementalTemperature")
        inc_n = params.get("IncrementalTint")
        if inc_t is None and inc_n is None:
            return None
        zero = torch.zeros(batch, dtype=dtype)
        uv = incremental_to_uv(zero if inc_t is None else inc_t, zero if inc_n is None else inc_n)
        return adaptation_gains(uv, uv_to_xy(incremental_to_uv(zero, zero)))
    temp, tint = params.get("Temperature"), params.get("Tint")
    if temp is None and tint is None:
        return None
    xy = torch.as_tensor(as_shot_xy, dtype=torch.float64).reshape(-1, 2).expand(batch, 2)
    cct_duv = [xy_to_cct_duv(row.numpy()) for row in xy]
    shot_t = torch.tensor([c for c, _ in cct_duv], dtype=dtype)
    shot_n = torch.tensor([duv_to_tint(d) for _, d in cct_duv], dtype=dtype)
    uv = kelvin_tint_to_uv(shot_t if temp is None else temp, shot_n if tint is None else tint)
    return adaptation_gains(uv, xy.to(dtype))

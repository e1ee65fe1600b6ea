"""``Texture`` and ``Clarity2012``: local contrast of log-luminance at two scales.

Both scale a detail layer ``d = log2 Y − base`` (in stops) and apply it as an RGB gain:
Texture uses a small plain blur (fine surface structure, ~0.4 % of the long side),
Clarity an edge-aware guided-filter base about ten times wider, weighted towards the
midtones as in Lightroom.  −100 removes the band (``Δ = −d``), +100 doubles it.
Detail is soft-limited to ±`DETAIL_LIMIT` stops so noise in near-black pixels cannot
explode.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from engine.develop.tone import MIDDLE_GREY, Amount, apply_gain, as_amount, scaled_tanh

__all__ = ["DETAIL_LIMIT", "local_contrast", "local_contrast_delta"]

#: Soft limit on the detail layer, stops.
DETAIL_LIMIT = 3.0
#: Width (stops) of the midtone weight of Clarity around middle grey.
CLARITY_MIDTONES = 2.5


def _soft(d: Tensor, stops: Amount) -> Tensor:
    """``stops · tanh(d / DETAIL_LIMIT)``: the detail layer soft-limited and scaled
    (``stops`` from `_stops`)."""
    return scaled_tanh(d, 1 / DETAIL_LIMIT, 0.0, stops)


def _stops(value: Amount, like: Tensor) -> Tensor | float:
    """``value / 100 · DETAIL_LIMIT``: the slider's reach in stops."""
    if isinstance(value, (int, float)):
        return float(value) * (DETAIL_LIMIT / 100)
    return as_amount(value, like) * (DETAIL_LIMIT / 100)


def local_contrast_delta(
    log_y: Tensor,
    texture: Amount | None,
    clarity: Amount | None,
    texture_base: Tensor | None,
    clarity_base: Tensor | None,
) -> Tensor:
    """Stops `local_contrast` adds, (B, 1, H, W); a slider given as None is left out."""
    delta: Tensor | None = None
    if texture is not None and texture_base is not None:
        delta = _soft(log_y - texture_base, _stops(texture, log_y))
    if clarity is not None and clarity_base is not None:
        g = clarity_base - math.log2(MIDDLE_GREY)
        mid = (g * g).mul_(-1 / (2 * CLARITY_MIDTONES**2)).exp_()  # own temporaries
        c = _soft(log_y - clarity_base, mid * _stops(clarity, log_y))
        delta = c if delta is None else delta.add_(c)
    return torch.zeros_like(log_y) if delta is None else delta


def local_contrast(
    image: Tensor,
    log_y: Tensor,
    texture: Amount,
    clarity: Amount,
    texture_base: Tensor,
    clarity_base: Tensor,
) -> Tensor:
    """Apply ``Texture`` and ``Clarity2012``.

    ``Δ = t · soft(e − B_t) + c · m(B_c) · soft(e − B_c)`` stops, ``t, c = amount/100``,
    ``m(B) = exp(−(B − log2 0.18)² / (2 · 2.5²))``.

    Args:
        image: (B, 3, H, W) linear RGB.
        log_y: (B, 1, H, W) log2 luminance of ``image``.
        texture: −100..+100.
        clarity: −100..+100.
        texture_base: (B, 1, H, W) fine-scale base layer of ``log_y``.
        clarity_base: (B, 1, H, W) coarse edge-aware base layer of ``log_y``.
    """
    delta = local_contrast_delta(log_y, texture, clarity, texture_base, clarity_base)
    return apply_gain(image, delta)

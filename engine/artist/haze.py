"""Haze: how much airlight veils a photo (dark-channel prior), and its removal.

He, Sun & Tang (2009) observed that in haze-free outdoor photos most patches have a
colour channel near zero — the *dark channel*.  Haze adds airlight ``A (1 − t)`` to every
pixel, lifting the dark channel.  `measure_haze` reports the median dark channel of
``I / A`` (0 = clear, ≈ 1 − t for a uniform veil of transmission t); `dehaze` removes it
by the same prior, with a near-neutral airlight and a guided-filter-refined transmission
carried to full size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from numpy.typing import NDArray
from torch import Tensor

__all__ = ["HAZE_VISIBLE", "HazeMeasurement", "dehaze", "dehaze_amount", "measure_haze"]

#: Median dark channel above which a veil is visible (clear shared photos: ≤ 0.26 at
#: 384 px; a 35 % veil of grey airlight: ≥ 0.31).
HAZE_VISIBLE = 0.3
#: Dark-channel window radius as a fraction of the long side.
_RADIUS = 0.01
#: How much of the estimated airlight's colour is kept (the rest is pulled to grey).
_AIR_TINT = 0.25


@dataclass(frozen=True)
class HazeMeasurement:
    """Haze facts of one photo.

    Attributes:
        dark_channel: median of the dark channel of I / A, 0..1 (0 clear).
        airlight: the airlight colour A, linear RGB 0..1.
    """

    dark_channel: float
    airlight: tuple[float, float, float]

    @property
    def visible(self) -> bool:
        return self.dark_channel >= HAZE_VISIBLE


def _dark(image: Tensor, radius: int) -> Tensor:
    """Patch minimum of the channel minimum, (1, 1, H, W)."""
    m = image.amin(dim=1, keepdim=True)
    return -F.max_pool2d(-F.pad(m, (radius,) * 4, mode="replicate"), 2 * radius + 1, stride=1)


def measure_haze(linear: NDArray[np.floating]) -> HazeMeasurement:
    """Measure the veil on linear sRGB pixels (H, W, 3), best an analysis thumbnail."""
    x = torch.from_numpy(np.ascontiguousarray(linear, dtype=np.float32)).permute(2, 0, 1)[None]
    x = x.clamp(0, 1)
    radius = max(1, round(_RADIUS * max(x.shape[-2:])))
    dark = _dark(x, radius).flatten()
    k = max(1, dark.numel() // 1000)  # the haziest 0.1 % picks the airlight
    idx = dark.topk(k).indices
    a = x.flatten(2)[0][:, idx].mean(dim=1).clamp_min(0.05)
    normalised = _dark(x / a[None, :, None, None], radius)
    return HazeMeasurement(float(normalised.median().clamp(0, 1)),
                           (float(a[0]), float(a[1]), float(a[2])))


def dehaze_amount(strength: float) -> float:
    """The share ω (0.5..0.98) of the measured veil removed at ``strength`` 0..1.

    He et al. keep a little haze (ω = 0.95) so distance still reads; 0.5 → ω 0.9.
    """
    return float(np.clip(0.7 + 0.4 * strength, 0.5, 0.98))


def _airlight(low: Tensor, radius: int) -> Tensor:
    """A from the haziest 0.1 % of the dark channel, pulled 75 % toward grey, (1, 3, 1, 1).

    Haze scatters daylight, which is near-neutral; the haziest pixels of a photo are
    often a bright coloured surface instead, and dividing by a tinted A paints the
    complementary colour over everything.
    """
    from engine.develop.filters import min_filter

    dark = min_filter(low.amin(dim=1, keepdim=True), radius).flatten()
    k = max(1, dark.numel() // 1000)
    a = low.flatten(2)[0][:, dark.topk(k).indices].mean(dim=1).clamp_min(0.05)
    a = a.mean() + _AIR_TINT * (a - a.mean())
    return a.view(1, 3, 1, 1)


def dehaze(linear: Tensor, omega: float) -> Tensor:
    """Remove haze from (3, H, W) linear sRGB by the dark-channel prior.

    The transmission ``t = 1 − ω · dark(I / A)`` is found on a context image of at most
    1024 px, refined by a guided filter on its luma and carried to full size as the fast
    guided filter's coefficients, so its edges are the photo's; then
    ``J = (I − A) / max(t, 0.1) + A``.

    Args:
        omega: share of the veil removed, 0..1 (`dehaze_amount`).
    """
    from engine.develop.filters import area_downsample, guided_filter_coefficients, min_filter

    x = linear.clamp_min(0)[None]
    h, w = x.shape[-2:]
    factor = max(1, math.ceil(max(h, w) / 1024))
    low = area_downsample(x, factor).clamp(0, 1)
    side = max(low.shape[-2:])
    radius = max(1, round(_RADIUS * side))
    a = _airlight(low, radius)
    t_low = 1 - omega * min_filter((low / a).amin(dim=1, keepdim=True), radius)
    luma_w = torch.tensor([0.2126, 0.7152, 0.0722], dtype=x.dtype).view(1, 3, 1, 1)
    guide_low = (low * luma_w).sum(dim=1, keepdim=True)
    coef_a, coef_b = guided_filter_coefficients(guide_low, t_low, max(2, round(0.03 * side)),
                                                1e-3)
    up_a = F.interpolate(coef_a, size=(h, w), mode="bilinear", align_corners=False)
    up_b = F.interpolate(coef_b, size=(h, w), mode="bilinear", align_corners=False)
    guide = (x.clamp(0, 1) * luma_w).sum(dim=1, keepdim=True)
    t = (up_a * guide + up_b).clamp(0.1, 1)
    return ((x - a) / t + a).clamp_min(0)[0]

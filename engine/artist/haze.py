"""Haze: how much airlight veils a photo (dark-channel prior), and its removal.

He, Sun & Tang (2009) observed that in haze-free outdoor photos most patches have a
colour channel near zero — the *dark channel*.  Haze adds airlight ``A (1 − t)`` to every
pixel, lifting the dark channel.  `measure_haze` reports the median dark channel of
``I / A`` (0 = clear, ≈ 1 − t for a uniform veil of transmission t); `dehaze` removes it
with the develop model's ``Dehaze`` (the same prior, guided-filter refined), so the
Artist and a Lightroom-style slider agree.
"""

from __future__ import annotations

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
    """The develop ``Dehaze`` amount (0..100) that clears a veil at ``strength`` 0..1.

    The dark channel ≈ 1 − t; Dehaze ``d`` divides by ``1 − d (1 − t)``, so d = 1
    removes all the prior sees; ``strength`` 0.5 (the default) gives 90, which keeps a
    little haze for depth (a synthetic 35 % veil is best undone at 80–100).
    """
    return float(np.clip(100.0 * (0.5 + 0.8 * strength), 0.0, 100.0))


def dehaze(linear: Tensor, amount: float) -> Tensor:
    """Remove haze from (3, H, W) linear sRGB with the develop model's ``Dehaze`` 0..100."""
    from engine.develop import render

    big = max(linear.shape[1:]) > 2048
    with torch.no_grad():
        out = render(linear, {"Dehaze": float(amount)}, tile_rows=512 if big else None)
    return out.clamp_min(0)

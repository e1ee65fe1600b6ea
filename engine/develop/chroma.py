"""``Vibrance`` and ``Saturation``: scale chroma around each pixel's luminance.

``rgb' = Y + k · (rgb − Y)`` in linear sRGB.  Saturation uses one ``k`` for every pixel;
Vibrance lowers ``k``'s change where colour is already saturated and on skin hues, so
+100 wakes up muted colours without turning faces orange.
"""

from __future__ import annotations

import torch
from torch import Tensor

from engine.develop.tone import Amount, as_amount, luminance

__all__ = ["SKIN_RGB", "saturation", "skin_weight", "vibrance"]

#: A typical skin tone, linear sRGB (only its chroma direction matters).
SKIN_RGB = (0.56, 0.33, 0.24)
#: How much of the vibrance change skin keeps out of (1 = fully protected).
SKIN_PROTECTION = 0.7
_EPS = 1e-6


def saturation(image: Tensor, amount: Amount) -> Tensor:
    """``Saturation``: ``k = 1 + amount / 100`` (−100 = monochrome, +100 = twice the chroma)."""
    k = 1 + as_amount(amount, image) / 100
    y = luminance(image)
    return y + k * (image - y)


def skin_weight(image: Tensor) -> Tensor:
    """How skin-like each pixel's hue is, (B, 1, H, W) in [0, 1] (cosine⁴ to `SKIN_RGB`)."""
    skin = torch.tensor(SKIN_RGB, dtype=image.dtype, device=image.device)
    skin = skin - (skin * torch.tensor((0.2126, 0.7152, 0.0722), dtype=image.dtype)).sum()
    chroma = image - luminance(image)
    cos = torch.einsum("c,bchw->bhw", skin, chroma).unsqueeze(1)
    cos = cos / (skin.norm() * (chroma.square().sum(1, keepdim=True) + _EPS**2).sqrt())
    return cos.clamp(min=0) ** 4


def vibrance(image: Tensor, amount: Amount) -> Tensor:
    """``Vibrance``: ``k = 1 + v (1 − s)² (1 − 0.7 skin)``, ``v = amount / 100``.

    ``s = (max − min) / max`` is the pixel's saturation in 0..1, so grey and muted
    colours get the whole change and fully saturated ones none.
    """
    v = as_amount(amount, image) / 100
    hi = image.amax(dim=1, keepdim=True)
    lo = image.amin(dim=1, keepdim=True)
    s = ((hi - lo) / (hi.abs() + _EPS)).clamp(0, 1)
    k = 1 + v * (1 - s) ** 2 * (1 - SKIN_PROTECTION * skin_weight(image))
    y = luminance(image)
    return y + k * (image - y)

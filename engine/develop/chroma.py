"""``Vibrance`` and ``Saturation``: scale chroma around each pixel's luminance.

``rgb' = Y + k · (rgb − Y)`` in linear sRGB.  Saturation uses one ``k`` for every pixel;
Vibrance lowers ``k``'s change where colour is already saturated and on skin hues, so
+100 wakes up muted colours without turning faces orange.
"""

from __future__ import annotations

from functools import lru_cache

import torch
from torch import Tensor

from engine.develop.tone import Amount, as_amount, luminance, mix_channels

__all__ = ["SKIN_RGB", "saturation", "scale_chroma", "skin_weight", "vibrance"]

#: A typical skin tone, linear sRGB (only its chroma direction matters).
SKIN_RGB = (0.56, 0.33, 0.24)
#: How much of the vibrance change skin keeps out of (1 = fully protected).
SKIN_PROTECTION = 0.7
_EPS = 1e-6
_RGB_TO_Y = (0.2126, 0.7152, 0.0722)


def saturation(image: Tensor, amount: Amount) -> Tensor:
    """``Saturation``: ``k = 1 + amount / 100`` (−100 = monochrome, +100 = twice the chroma)."""
    return scale_chroma(image, None, amount)


def _skin_direction(like: Tensor) -> Tensor:
    """Unit chroma direction of `SKIN_RGB`, (3,)."""
    return _skin_direction_for(like.dtype, like.device)


@lru_cache(maxsize=16)
def _skin_direction_for(dtype: torch.dtype, device: torch.device) -> Tensor:
    skin = torch.tensor(SKIN_RGB, dtype=dtype, device=device)
    skin = skin - (skin * torch.tensor(_RGB_TO_Y, dtype=dtype, device=device)).sum()
    return skin / skin.norm()


def _skin_weight(chroma: Tensor) -> Tensor:
    """Skin-likeness from a pixel's chroma vector ``c = rgb − Y``, (B, 1, H, W).

    ``(max(0, c · skin) / |c|)⁴``, computed as ``(max(0, c · skin)² / (|c|² + ε²))²``:
    no square root, and in place without autograd.
    """
    cos = mix_channels(_skin_direction(chroma)[None], chroma)
    c0, c1, c2 = chroma[:, 0:1], chroma[:, 1:2], chroma[:, 2:3]
    norm2 = torch.addcmul(torch.addcmul(c0 * c0, c1, c1), c2, c2)  # 2× faster than a sum
    if torch.is_grad_enabled() and chroma.requires_grad:
        return (cos.clamp(min=0).square() / (norm2 + _EPS**2)).square()
    return cos.clamp_(min=0).square_().div_(norm2.add_(_EPS**2)).square_()


def skin_weight(image: Tensor) -> Tensor:
    """How skin-like each pixel's hue is, (B, 1, H, W) in [0, 1] (cosine⁴ to `SKIN_RGB`)."""
    return _skin_weight(image - luminance(image))


def _vibrance_factor(image: Tensor, chroma: Tensor, amount: Amount) -> Tensor:
    """``k = 1 + v (1 − s)² (1 − 0.7 skin)`` of `vibrance`, (B, 1, H, W)."""
    v = float(amount) / 100 if isinstance(amount, (int, float)) else as_amount(amount, image) / 100
    r, g, b = image[:, 0:1], image[:, 1:2], image[:, 2:3]
    hi = torch.maximum(torch.maximum(r, g), b)  # 3× faster than amax over channels
    lo = torch.minimum(torch.minimum(r, g), b)
    if torch.is_grad_enabled() and (image.requires_grad or getattr(v, "requires_grad", False)):
        s = ((hi - lo) / (hi.abs() + _EPS)).clamp(0, 1)
        muted = (1 - s).square()
        return torch.addcmul(muted, muted, _skin_weight(chroma), value=-SKIN_PROTECTION) * v + 1
    # the same operations in place: each strip-sized temporary is a fresh allocation
    s = lo.neg_().add_(hi).div_(hi.abs_().add_(_EPS)).clamp_(0, 1)
    muted = s.neg_().add_(1).square_()
    return muted.addcmul_(muted, _skin_weight(chroma), value=-SKIN_PROTECTION).mul_(v).add_(1)


def scale_chroma(
    image: Tensor,
    vibrance: Amount | None,
    saturation: Amount | None,
    y: Tensor | None = None,
    out: Tensor | None = None,
) -> Tensor:
    """`vibrance` then `saturation` in one step (None leaves a slider out).

    Both scale chroma around the same luminance (vibrance leaves ``Y`` unchanged), so
    ``rgb' = Y + k_sat · k_vib · (rgb − Y)``.

    Args:
        image: (B, 3, H, W) linear RGB.
        y: its luminance (B, 1, H, W), computed when None.
        out: a tensor of ``image``'s shape to write the result into (no autograd).
    """
    y = luminance(image) if y is None else y
    chroma = image - y
    k: Tensor | None = None
    if vibrance is not None:
        k = _vibrance_factor(image, chroma, vibrance)
    if saturation is not None:
        ks = 1 + as_amount(saturation, image) / 100
        if k is None:
            k = ks
        elif torch.is_grad_enabled() and (k.requires_grad or ks.requires_grad):
            k = k * ks
        else:
            k = k.mul_(ks)  # k is this call's own temporary
    if k is None:
        return image
    if out is not None:
        return torch.addcmul(y, k, chroma, out=out)
    return torch.addcmul(y, k, chroma)


def vibrance(image: Tensor, amount: Amount) -> Tensor:
    """``Vibrance``: ``k = 1 + v (1 − s)² (1 − 0.7 skin)``, ``v = amount / 100``.

    ``s = (max − min) / max`` is the pixel's saturation in 0..1, so grey and muted
    colours get the whole change and fully saturated ones none.
    """
    return scale_chroma(image, amount, None)

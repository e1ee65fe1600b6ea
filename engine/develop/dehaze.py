"""``Dehaze``: the dark-channel prior (He, Sun & Tang 2009) in linear light.

Haze adds airlight: ``I = J t + A (1 − t)``.  The transmission ``t`` is estimated from
the dark channel of ``I / A`` on a low-resolution context image and refined with a guided
filter (see `engine.develop.context`); positive Dehaze inverts the model with a
transmission weakened by the slider, negative Dehaze adds airlight.
"""

from __future__ import annotations

from torch import Tensor

from engine.develop.filters import min_filter
from engine.develop.tone import Amount, as_amount

__all__ = ["OMEGA", "airlight", "dark_channel_transmission", "dehaze", "dehaze_coefficients"]

#: Fraction of haze the dark-channel prior removes at most (He et al. keep a little).
OMEGA = 0.95
#: Lowest transmission divided by, which bounds noise amplification to 10×.
T_MIN = 0.1
#: Airlight fraction mixed in at Dehaze −100.
HAZE_ADD = 0.35


def airlight(image: Tensor, radius: int, top: float = 0.001) -> Tensor:
    """Atmospheric light A: mean colour of the haziest ``top`` fraction of pixels.

    Args:
        image: (B, 3, h, w) low-resolution linear RGB.
        radius: dark-channel window radius in pixels.

    Returns:
        (B, 3, 1, 1), each channel ≥ 1e-3.
    """
    dark = min_filter(image.amin(dim=1, keepdim=True), radius).flatten(1)
    k = max(1, int(dark.shape[1] * top))
    idx = dark.topk(k, dim=1).indices  # (B, k)
    flat = image.flatten(2)
    picked = flat.gather(2, idx[:, None, :].expand(-1, 3, -1))
    return picked.mean(dim=2).clamp(min=1e-3)[..., None, None]


def dark_channel_transmission(image: Tensor, a: Tensor, radius: int) -> Tensor:
    """Raw transmission ``1 − ω · min_patch min_c (I / A)``, (B, 1, h, w), in [0.05, 1]."""
    dark = min_filter((image / a).amin(dim=1, keepdim=True), radius)
    return (1 - OMEGA * dark).clamp(0.05, 1)


def dehaze_coefficients(amount: Amount, transmission: Tensor) -> tuple[Tensor, Tensor]:
    """`dehaze` as an affine map per pixel: ``J = I · scale + A · offset``.

    Args:
        amount: −100..+100 (float, (B,) or (B, 1, H, W)).
        transmission: (B, 1, H, W) refined transmission in (0, 1].

    Returns:
        (scale, offset), each broadcastable to (B, 1, H, W).
    """
    if isinstance(amount, (int, float)) and amount >= 0:  # the common case: no added haze
        r = 1 / (1 - (1 - transmission) * (float(amount) / 100)).clamp(min=T_MIN)
        return r, 1 - r
    d = as_amount(amount, transmission) / 100
    if not d.requires_grad and bool(d.amin() >= 0):  # a map without added haze
        r = 1 / (1 - d * (1 - transmission)).clamp(min=T_MIN)
        return r, 1 - r
    pos, q = d.clamp(min=0), (-d).clamp(min=0) * HAZE_ADD
    r = 1 / (1 - pos * (1 - transmission)).clamp(min=T_MIN)
    return r * (1 - q), (1 - r) * (1 - q) + q


def dehaze(image: Tensor, amount: Amount, transmission: Tensor, a: Tensor) -> Tensor:
    """Apply ``Dehaze``.

    For ``d = amount / 100 > 0``: ``J = (I − A) / max(1 − d (1 − t), 0.1) + A``; for
    ``d < 0``: ``J = I (1 − 0.35|d|) + A · 0.35|d|``.  ``d = 0`` is the identity.

    Args:
        image: (B, 3, H, W) linear RGB.
        amount: −100..+100.
        transmission: (B, 1, H, W) refined transmission in (0, 1].
        a: (B, 3, 1, 1) airlight.
    """
    scale, offset = dehaze_coefficients(amount, transmission)
    return image * scale + a * offset

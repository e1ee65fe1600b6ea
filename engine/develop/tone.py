"""Tone operators in scene-linear light: exposure, contrast, highlights/shadows, whites/blacks.

Every operator multiplies each pixel's RGB by a gain ``2^Δ`` computed from its
luminance, so hue and saturation stay put and a zero slider gives a gain of exactly 1.
The ``*_delta`` functions give ``Δ`` from log-luminance alone: the pipeline
(`engine.develop.render`) adds them up on one channel and scales RGB once.
``Δ`` (in stops) is a slider value times a smooth weight of log-luminance, a logistic
``σ(s · (log2 Y − log2 Y₀))``: each slider is monotone in its direction and, because
``|Δ'| ≤ E · s / 4 < 1``, the tone curve stays monotone in luminance too.

Slider amounts are in Lightroom units (EV for exposure, −100..+100 for the others) as
floats or tensors broadcastable to (B, 1, H, W) — per-pixel maps are how masked local
adjustments reach the same code.
"""

from __future__ import annotations

import math
from functools import lru_cache

import torch
from torch import Tensor

__all__ = [
    "LOG_OFFSET",
    "MIDDLE_GREY",
    "Amount",
    "apply_gain",
    "as_amount",
    "contrast",
    "contrast_delta",
    "exposure",
    "highlight_rolloff",
    "highlights_shadows",
    "highlights_shadows_delta",
    "log_luminance",
    "luminance",
    "mix_channels",
    "scaled_tanh",
    "whites_blacks",
    "whites_blacks_delta",
]

Amount = float | Tensor

#: Scene-linear middle grey (18 % reflectance), the contrast pivot.
MIDDLE_GREY = 0.18
#: Added before taking log2 so black stays finite (≈ 1/16384, below 14-bit black).
LOG_OFFSET = 2.0**-14
#: Exposure roll-off knee: linear values below it are exactly multiplied by 2^EV.
ROLLOFF_KNEE = 0.5

# (stops at ±100, logistic slope per stop, centre in linear luminance); E·s/4 < 1 keeps
# every tone curve monotone.
_CONTRAST = (0.6, 2.5)  # (stops-per-stop gain, soft limit in stops around grey)
_HIGHLIGHTS = (1.5, 1.2, 0.36)
_SHADOWS = (2.0, 1.2, 0.09)
_WHITES = (1.0, 1.5, 0.5)
_BLACKS = (2.0, 1.5, 0.03)

_RGB_TO_Y = (0.2126, 0.7152, 0.0722)


def as_amount(value: Amount, like: Tensor) -> Tensor:
    """A slider value as a tensor broadcastable to ``like`` (B, C, H, W).

    Floats and 0-d tensors broadcast to every image; (B,) tensors give one value per
    image; (B, 1, H, W) maps give one value per pixel.
    """
    t = torch.as_tensor(value, dtype=like.dtype, device=like.device)
    if t.dim() == 1:
        t = t.view(-1, 1, 1, 1)
    return t


def mix_channels(matrix: Tensor, image: Tensor) -> Tensor:
    """Per-pixel matrix product: (B, K, 3) or (K, 3) with (B, 3, H, W) → (B, K, H, W).

    A plain matmul on the (B, 3, H·W) view is about 3× faster than ``einsum`` here.
    """
    B, _, H, W = image.shape
    flat = image.reshape(B, 3, H * W)
    return torch.matmul(matrix, flat).view(B, matrix.shape[-2], H, W)


def luminance(image: Tensor) -> Tensor:
    """Relative luminance Y of linear sRGB, (B, 3, H, W) → (B, 1, H, W)."""
    return mix_channels(_luminance_weights(image.dtype, image.device), image)


@lru_cache(maxsize=16)
def _luminance_weights(dtype: torch.dtype, device: torch.device) -> Tensor:
    """(1, 3) `_RGB_TO_Y` (cached: luminance is taken several times per strip)."""
    return torch.tensor((_RGB_TO_Y,), dtype=dtype, device=device)


def log_luminance(image: Tensor) -> Tensor:
    """log2(Y + `LOG_OFFSET`) with Y clamped at 0, (B, 1, H, W), in stops."""
    return torch.log2(luminance(image).clamp(min=0) + LOG_OFFSET)


def scaled_tanh(x: Tensor, scale: float, shift: float, amount: Amount) -> Tensor:
    """``amount · tanh(scale · x + shift)`` as ``2 amount σ(2 (scale · x + shift)) − amount``.

    The same values (±6e-8 relative in float32); ``σ`` is twice as fast as ``tanh`` on
    CPU, and the scales fold into the passes there are anyway (4–5 instead of 7).
    """
    z = x * (2 * scale)  # then in place on temporaries (autograd keeps what it needs)
    if shift != 0:
        z.add_(2 * shift)
    return (z.sigmoid_() * (2 * amount)).sub_(amount)


def apply_gain(image: Tensor, stops: Tensor) -> Tensor:
    """Multiply RGB by ``2^stops`` (stops broadcastable to (B, 1, H, W))."""
    return image * torch.exp2(stops)


def _weight(log_y: Tensor, slope: float, centre: float) -> Tensor:
    """``σ(slope · (log_y − log2 centre))``."""
    # in place on this call's own temporary (safe under autograd: sigmoid keeps its output)
    return (log_y * slope).sub_(slope * math.log2(centre)).sigmoid_()


def _scaled(amount: Amount, like: Tensor, stops: float) -> Tensor | float:
    """``amount / 100 · stops``: a float when ``amount`` is one (saves a full-size pass)."""
    if isinstance(amount, (int, float)):
        return float(amount) / 100 * stops
    return as_amount(amount, like) * (stops / 100)


def highlight_rolloff(
    u: Tensor, ev: Amount, knee: float = ROLLOFF_KNEE, *, in_place: bool = False
) -> Tensor:
    """The soft shoulder of `exposure`, applied to already-multiplied values ``u``.

    ``S(u) = u`` below ``knee`` and ``knee + (1 − knee) tanh((u − knee) / (1 − knee))``
    above; the result is ``(1 − α) u + α S(u)`` with ``α = max(0, 1 − 2^−EV)``, so EV ≤ 0
    leaves ``u`` alone and large EV approaches a soft clip at 1.0.

    Args:
        in_place: write the result into ``u`` (no autograd): the same values with one
            temporary instead of six, each a fresh strip-sized allocation.
    """
    ev_t = as_amount(ev, u)
    alpha = (1 - torch.exp2(-ev_t)).clamp(min=0)
    if in_place:
        # with t = max(u, k) (so o = t − k): S(u) − u = 2(1 − k) σ(2(t − k) / (1 − k)) − t
        # + (2k − 1), the same values in one temporary and six passes (at k = 0.5, where
        # 2(1 − k) = 1 and 2k − 1 = 0) instead of eight
        t = u.clamp(min=knee)
        excess = torch.mul(t, 2 / (1 - knee)).sub_(2 * knee / (1 - knee)).sigmoid_()
        if knee != 0.5:
            excess.mul_(2 * (1 - knee)).add_(2 * knee - 1)
        return u.addcmul_(alpha, excess.sub_(t))
    over = (u - knee).clamp(min=0)
    # S(u) − u = (1 − k) tanh(o / (1 − k)) − o = 2(1 − k) σ(2o / (1 − k)) − (1 − k) − o
    excess = torch.sigmoid(over * (2 / (1 - knee))) * (2 * (1 - knee)) - over
    return torch.addcmul(u, alpha, excess - (1 - knee))


def exposure(image: Tensor, ev: Amount, knee: float = ROLLOFF_KNEE) -> Tensor:
    """``Exposure2012``: gain 2^EV in linear light with a soft highlight roll-off.

    ``y = highlight_rolloff(x · 2^EV, EV)``: values whose result stays below ``knee``
    are exactly doubled by +1 EV, EV = 0 is the identity, and the output rises
    monotonically with both x and EV (``dy/dEV = ln 2 (S/g + α u S') > 0``).

    Args:
        image: (B, 3, H, W) linear RGB.
        ev: stops, −5..+5 (or a (B,) / (B, 1, H, W) tensor).
        knee: linear level where the roll-off starts.
    """
    ev_t = as_amount(ev, image)
    return highlight_rolloff(image * torch.exp2(ev_t), ev_t, knee)


def contrast_delta(log_y: Tensor, amount: Amount) -> Tensor:
    """Stops `contrast` adds to a pixel of log-luminance ``log_y``: ``0.6 c 2.5 tanh(e / 2.5)``."""
    gain, limit = _CONTRAST
    return scaled_tanh(log_y, 1 / limit, -math.log2(MIDDLE_GREY) / limit,
                       _scaled(amount, log_y, gain * limit))


def contrast(image: Tensor, amount: Amount, log_y: Tensor | None = None) -> Tensor:
    """``Contrast2012``: an S-curve in log-luminance pivoting on middle grey.

    ``e = log2(Y / 0.18)``; ``Δ = 0.6 · c · 2.5 tanh(e / 2.5)`` stops with
    ``c = amount / 100``: +100 spreads tones around grey by up to 60 % (softly limited
    2.5 stops away), −100 compresses them; grey itself never moves.
    """
    e = log_luminance(image) if log_y is None else log_y
    return apply_gain(image, contrast_delta(e, amount))


def highlights_shadows_delta(base: Tensor, highlights: Amount, shadows: Amount) -> Tensor:
    """Stops `highlights_shadows` adds given the base layer ``base`` (log2, (B, 1, H, W))."""
    return _two_sided(base, highlights, shadows, _HIGHLIGHTS, _SHADOWS)


def _two_sided(
    log_y: Tensor,
    up: Amount,
    down: Amount,
    up_curve: tuple[float, float, float],
    down_curve: tuple[float, float, float],
) -> Tensor:
    """``up`` weighted towards the top of the range plus ``down`` towards the bottom, stops.

    Each curve is (stops at ±100, logistic slope per stop, centre in linear luminance).
    """
    e_u, s_u, c_u = up_curve
    e_d, s_d, c_d = down_curve
    return ((_weight(log_y, s_u, c_u) * _scaled(up, log_y, e_u))
            .add_(_weight(log_y, -s_d, c_d) * _scaled(down, log_y, e_d)))


def highlights_shadows(
    image: Tensor, highlights: Amount, shadows: Amount, base: Tensor | None = None
) -> Tensor:
    """``Highlights2012`` / ``Shadows2012`` on an edge-aware base layer.

    ``Δ = h · 1.5 σ(1.2 (B − log2 0.36)) + s · 2 σ(−1.2 (B − log2 0.09))`` stops with
    ``h, s = amount / 100`` and ``B`` the smoothed log-luminance (a guided-filter base
    layer computed by the pipeline): the gain follows large regions, not fine texture,
    so detail inside a recovered sky or lifted shadow keeps its contrast and edges don't
    halo.  Without ``base`` the pixel's own log-luminance is used.
    """
    e = log_luminance(image) if base is None else base
    return apply_gain(image, highlights_shadows_delta(e, highlights, shadows))


def whites_blacks_delta(log_y: Tensor, whites: Amount, blacks: Amount) -> Tensor:
    """Stops `whites_blacks` adds to a pixel of log-luminance ``log_y``."""
    return _two_sided(log_y, whites, blacks, _WHITES, _BLACKS)


def whites_blacks(
    image: Tensor, whites: Amount, blacks: Amount, log_y: Tensor | None = None
) -> Tensor:
    """``Whites2012`` / ``Blacks2012``: move the end points of the tone range.

    ``Δ = w · 1.0 σ(1.5 (e − log2 0.5)) + k · 2.0 σ(−1.5 (e − log2 0.03))`` stops with
    ``e`` the pixel's log-luminance: +100 whites brighten the top stop by up to 1 EV
    (more of it clips on output), −100 blacks darken the deepest tones by up to 2 EV.
    """
    e = log_luminance(image) if log_y is None else log_y
    return apply_gain(image, whites_blacks_delta(e, whites, blacks))

"""Shared pixel helpers for the critic's measurements (validation, the measuring size,
luminance, places).

Every measurement takes the photo's linear sRGB pixels (H, W, 3), float32, values ≥ 0,
1.0 = white; `prepare` is the one place that checks them.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from engine.color.channels import REC709_LUMA
from engine.color.transfer import linear_to_srgb
from engine.decode.thumbnail import shrink_linear
from engine.decode.types import DecodedPhoto
from engine.errors import PhotoError

__all__ = [
    "MEASURING_SIZE",
    "MIN_SIDE",
    "PLATEAU_TOLERANCE",
    "Linear",
    "UncritiquablePhoto",
    "at_measuring_size",
    "encoded",
    "encoded_luma",
    "luminance",
    "mask_place",
    "place",
    "plateau_at",
    "prepare",
    "ridge_maxima",
]

#: Shortest side, px, below which there is too little picture to judge sharpness or lines.
MIN_SIDE = 32

#: Long side, px, the critic measures at.  Its tolerances (`engine.critic.scoring`) were
#: set on the corpus at this size, and a blur's width, a noise σ or a halo's band in
#: pixels means something else at another: the same photo analysed at 768 px scored up to
#: 9 points lower (grain and harsh contrast found that 512 px does not see).
MEASURING_SIZE = 512

Linear = NDArray[np.float32]

#: Encoded levels (of 1) within which a 3 × 3 neighbourhood counts as flat and a pixel as
#: at a clipping level: 0.05 of an 8-bit level.  A clipped area held one value, and tone
#: and white-balance edits keep it one value, so the test can be this strict (on the
#: corpus 0.6 of a level finds the same plateaus, and nothing else).
PLATEAU_TOLERANCE = 0.05 / 255

class UncritiquablePhoto(PhotoError):
    """The pixels cannot be judged (too small, not finite, wrong shape)."""


def prepare(linear: NDArray[np.floating]) -> Linear:
    """Validated float32 (H, W, 3) pixels, negatives set to 0.

    Raises:
        UncritiquablePhoto: wrong shape, a side shorter than `MIN_SIDE` px, or any
            NaN/infinite value (a broken decode must not be scored as a dark photo).
    """
    rgb = np.asarray(linear)
    if rgb.ndim != 3 or rgb.shape[-1] != 3:
        raise UncritiquablePhoto(f"expected (H, W, 3) pixels, got shape {rgb.shape}")
    h, w = rgb.shape[:2]
    if min(h, w) < MIN_SIDE:
        raise UncritiquablePhoto(
            f"photo is {w}×{h} px: too small to critique (needs at least {MIN_SIDE} px a side)"
        )
    bad = ~np.isfinite(rgb)
    if bad.any():
        share = float(bad.any(axis=-1).mean())
        raise UncritiquablePhoto(
            f"{share:.2%} of the pixels are NaN or infinite: the decode is broken, not the photo"
        )
    return np.maximum(rgb.astype(np.float32, copy=False), 0.0)


def at_measuring_size(photo: DecodedPhoto) -> DecodedPhoto:
    """``photo`` with its pixels shrunk to `MEASURING_SIZE` px on the long side (area
    average in linear light); a smaller photo is returned as it is, never enlarged."""
    if max(photo.linear.shape[:2]) <= MEASURING_SIZE:
        return photo
    return replace(photo, linear=shrink_linear(photo.linear, MEASURING_SIZE))


def luminance(rgb: Linear) -> Linear:
    """Linear luminance Y (H, W), 1.0 = white."""
    return np.asarray(rgb @ REC709_LUMA, dtype=np.float32)


def encoded(rgb: Linear) -> Linear:
    """sRGB-encoded values clipped to 0..1 (what a viewer sees)."""
    return np.clip(linear_to_srgb(np.clip(rgb, 0.0, 1.0)), 0.0, 1.0)


def encoded_luma(rgb: Linear) -> Linear:
    """Luminance Y sRGB-encoded and clipped to 0..1 (H, W): the lightness lines and edges
    are seen in."""
    return encoded(luminance(rgb)[..., None])[..., 0]


def plateau_at(channel: NDArray[np.floating], level: float) -> NDArray[np.bool_]:
    """Pixels of ``channel`` (H, W, encoded 0..1) on a flat plateau at ``level``.

    Clipping leaves plateaus: every pixel of a blown sky (or of a colour clipped at the
    sRGB edge) holds the same value, and a later tone or white-balance edit moves them all
    together, so the plateau stays flat at its new level — darkening a blown sky turns it
    grey, not back into detail.  A pixel qualifies when its 3 × 3 neighbourhood spans at
    most `PLATEAU_TOLERANCE` and it lies within that of ``level``: exactly flat, which a
    smooth backdrop that merely varies little is not.
    """
    flat = ndimage.maximum_filter(channel, 3) - ndimage.minimum_filter(channel, 3)
    return np.asarray((flat <= PLATEAU_TOLERANCE)
                      & (np.abs(channel - level) <= PLATEAU_TOLERANCE))


def place(x: float, y: float) -> str:
    """Name of the ninth of the frame holding normalised (x, y) (0..1, y down):
    "top left", "top centre", …, "centre", …, "bottom right"."""
    col = ("left", "centre", "right")[min(2, max(0, int(x * 3)))]
    row = ("top", "centre", "bottom")[min(2, max(0, int(y * 3)))]
    return "centre" if row == col == "centre" else f"{row} {col}"


def mask_place(mask: NDArray[np.bool_]) -> str:
    """`place` of the centroid of a boolean (H, W) mask; "" when it is empty."""
    if not mask.any():
        return ""
    rows, cols = np.nonzero(mask)
    h, w = mask.shape
    return place(float(cols.mean() + 0.5) / w, float(rows.mean() + 0.5) / h)


def ridge_maxima(
    g: NDArray[np.float32], gx: NDArray[np.float32], gy: NDArray[np.float32]
) -> NDArray[np.bool_]:
    """Non-maximum suppression (Canny): pixels whose gradient magnitude ``g`` is at least
    that of both neighbours along the gradient direction (quantised to 45°).

    Unlike a 3×3 maximum filter this keeps every pixel along an edge's ridge, so a long
    straight edge stays one unbroken line.
    """
    angle = np.degrees(np.arctan2(gy, gx)) % 180.0
    sector = (((angle + 22.5) // 45.0) % 4).astype(np.int8)
    pad = np.pad(g, 1, mode="edge")
    h, w = g.shape
    # (dy, dx) of the neighbour along the gradient for sectors 0°, 45°, 90°, 135°
    # (rows grow downwards; arctan2(gy, gx) measured in row/column axes).
    steps = ((0, 1), (1, 1), (1, 0), (1, -1))
    keep = np.zeros_like(g, dtype=bool)
    for s, (dy, dx) in enumerate(steps):
        ahead = pad[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
        behind = pad[1 - dy : 1 - dy + h, 1 - dx : 1 - dx + w]
        keep |= (sector == s) & (g >= ahead) & (g >= behind)
    return keep

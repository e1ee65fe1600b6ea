"""Classical sky detection: bright, sky-coloured, smooth regions connected to the top.

Method (weight-free):

1. Scan border: a film scan often has a thin uniform band (the scanner's mask) along
   its edges; such bands are trimmed so that "the top" is the top of the picture itself.
2. A per-pixel *sky likelihood* from colour and light: bright relative to the frame
   (luminance above the frame's median), blue-ish or low in chroma (white/grey/hazy
   skies), and low local texture (gradient magnitude of log-luminance, since clouds are
   smooth and foliage/buildings are not).
3. Hysteresis: keep only likely pixels 4-connected to the top edge of the picture
   (sky never floats under the ground in a level photo).
4. Reject the result unless it is a meaningful, mostly upper region: at least
   `MIN_SKY_FRACTION` of the frame, its mean likelihood high enough, and either
   its centroid in the upper half and bounded below (a backdrop behind a portrait
   runs down a side of the frame; a sky ends at a horizon), or filling most of the
   frame uniformly (a camera pointed up into the clouds). A frame-filling sky then
   takes in the smooth blue around it whatever its brightness, since there the frame's
   median is the sky's own.
5. Horizon: for each column, the lowest sky row; a least-squares line through those
   gives the horizon and how straight it is (RMS residual, fraction of the height).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from engine.color.channels import REC709_LUMA
from engine.color.transfer import linear_to_srgb

__all__ = ["MIN_SKY_FRACTION", "NEUTRAL_BORDER", "SkyDetection", "detect_sky", "scan_border"]

MIN_SKY_FRACTION = 0.06
# A sky filling the frame (camera pointed up): most of it, and uniformly sky-like.
_FILLING_FRACTION = 0.6
_FILLING_LIKELIHOOD = 0.5
_MAX_BORDER = 0.015  # widest scan border trimmed, fraction of the side it runs along
#: Widest spread between a pixel's channels (sRGB-encoded, 0..1: 5 levels) in a row of a
#: neutral scan border.
NEUTRAL_BORDER = 0.02


@dataclass(frozen=True)
class SkyDetection:
    """A detected sky.

    Attributes:
        mask: (H, W) float32 soft mask 0..1 at the analysis size.
        confidence: 0..1.
        horizon: ``(y_left, y_right)`` normalised heights of a straight horizon, or None
            when the sky's lower edge is not a line (trees, buildings).
        fraction: share of the frame that is sky, 0..1.
        fills_frame: whether the sky fills most of the frame uniformly (at least 60 %
            of it as first found, its mean sky likelihood at least 0.5): a camera pointed
            up into it.
    """

    mask: NDArray[np.float32]
    confidence: float
    horizon: tuple[float, float] | None
    fraction: float
    fills_frame: bool = False


def _border_width(encoded: NDArray[np.float32]) -> int:
    """Rows of a scan border along the top of ``encoded`` (rows, cols, 3), 0 if none.

    A border row is near-constant (its 5–95 % spread a quarter or less of the spread of
    the picture rows just inside it, at the level of the first row), neutral (no pixel's
    channels further apart than `NEUTRAL_BORDER`: a grey or black mask stays grey where a
    local edit brightened or darkened part of it, as a sky mask that runs into a Kodak
    scan's border does), or a line much darker or lighter than the row after it (a step
    of ≥ 0.15 in sRGB, ≥ 4× the picture's row-to-row steps). The run must end within
    `_MAX_BORDER` of the height — a uniform band that goes on is picture (a clear sky),
    not a border. One more row is trimmed: resampling blends the border's last row into
    the picture's first.
    """
    rows = encoded.shape[0]
    limit = max(1, int(np.ceil(_MAX_BORDER * rows)))
    if rows < limit + 8:
        return 0  # too small to tell a border from the picture
    strip = encoded[: limit + 6]
    spread = (np.percentile(strip, 95, axis=1) - np.percentile(strip, 5, axis=1)).max(axis=-1)
    level = strip.mean(axis=1)
    inside = float(np.median(spread[limit + 1:]))
    uniform = (spread <= min(0.25 * inside, 0.2)) & (np.abs(level - level[0]).max(axis=-1) < 0.05)
    neutral = (strip.max(axis=-1) - strip.min(axis=-1)).max(axis=1) <= NEUTRAL_BORDER
    step = np.abs(np.diff(level, axis=0)).max(axis=-1)
    line = step >= max(0.15, 4 * float(np.median(step[limit + 1:])))
    border = (uniform | neutral)[:-1] | line
    run = int(np.argmin(border)) if not border.all() else len(border)
    return run + 1 if 0 < run <= limit else 0


def scan_border(encoded: NDArray[np.float32]) -> tuple[int, int, int, int]:
    """Widths (top, bottom, left, right) in px of a film-scan border, 0 where there is none.

    Args:
        encoded: (H, W, 3) sRGB-encoded image, 0..1.
    """
    cols = encoded.transpose(1, 0, 2)
    return (_border_width(encoded), _border_width(encoded[::-1]),
            _border_width(cols), _border_width(cols[::-1]))


def _likelihood(
    linear: NDArray[np.float32], enc: NDArray[np.float32]
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Per-pixel sky likelihood 0..1 from colour, brightness relative to the frame, smoothness;
    and the same without the brightness (blue and smooth), for a sky that fills the frame."""
    r, g, b = enc[..., 0], enc[..., 1], enc[..., 2]
    y = linear @ REC709_LUMA
    stops = np.log2(y + 1e-4) - np.log2(np.median(y) + 1e-4)  # EV above the frame's median
    bright = np.clip((stops + 0.5) / 1.5, 0, 1)
    blue = np.clip((b - np.maximum(r, g * 0.9)) * 6 + 0.5, 0, 1)
    peak = np.maximum(enc.max(axis=-1), 1e-4)
    chroma = (peak - enc.min(axis=-1)) / peak
    # White/grey (overcast) skies: low chroma; how bright is left to `bright`, relative to
    # the frame, since an overcast sky is grey in absolute terms.
    grey = np.clip(1 - chroma * 4, 0, 1)
    # Warm haze (sun through haze, dusk): more chroma allowed along the yellow side of
    # the daylight axis (blue lowest, red ≈ green — not the pinks of a studio backdrop),
    # but only where it is the light source of the scene: ≥ 1 EV above the median.
    warm = (b <= g) & (np.abs(r - g) < 0.04)
    haze = np.clip(1 - chroma * 2, 0, 1) * warm * np.clip((stops - 1) * 2, 0, 1)
    colour = np.maximum.reduce([blue, 0.8 * grey, haze])
    logy = np.log2(y + 1e-3)
    texture = np.hypot(ndimage.sobel(logy, 0), ndimage.sobel(logy, 1))
    texture = ndimage.uniform_filter(texture, 5)
    smooth = np.clip(1.5 - texture / 1.2, 0, 1)
    return (np.asarray(colour * np.sqrt(bright * smooth), dtype=np.float32),
            np.asarray(blue * smooth, dtype=np.float32))


def _runs_down_a_side(region: NDArray[np.bool_]) -> bool:
    """Whether ``region`` covers most of the left or right frame edge in the lowest quarter.

    A studio backdrop beside the sitter runs down the side of the frame to the bottom;
    a sky ends at a horizon above the ground.
    """
    low = region[3 * region.shape[0] // 4:]
    return max(float(low[:, 0].mean()), float(low[:, -1].mean())) >= 0.5


def detect_sky(linear: NDArray[np.float32]) -> SkyDetection | None:
    """Find the sky in a linear sRGB image, or None when there is none.

    Args:
        linear: (H, W, 3) float32 linear sRGB (the analysis thumbnail, ~512 px).
    """
    frame = np.asarray(linear, dtype=np.float32)
    frame_enc = np.clip(linear_to_srgb(np.clip(frame, 0, 1)), 0, 1)
    top, bottom, left, right = scan_border(frame_enc)
    fh, fw = frame.shape[:2]
    picture = (slice(top, fh - bottom), slice(left, fw - right))
    like, blue_smooth = _likelihood(frame[picture], frame_enc[picture])
    h = like.shape[0]
    strong, weak = like > 0.45, like > 0.2
    labels, n = ndimage.label(weak)
    if n == 0:
        return None
    first = np.unique(labels[0][labels[0] > 0])
    # Keep weak components touching the top edge that also contain strong pixels.
    keep = [lab for lab in first if strong[labels == lab].any()]
    if not keep:
        return None
    region = np.isin(labels, keep)
    region = ndimage.binary_opening(region, iterations=2)
    region = ndimage.binary_fill_holes(region)
    fraction = float(region.mean())
    if fraction < MIN_SKY_FRACTION:
        return None
    centroid = float(np.mean(np.nonzero(region)[0])) / h
    mean_like = float(like[region].mean())
    upper = centroid <= 0.5 and not _runs_down_a_side(region)
    filling = fraction >= _FILLING_FRACTION and mean_like >= _FILLING_LIKELIHOOD
    if mean_like < 0.3 or not (upper or filling):
        return None
    if not upper:
        # The frame is the sky, so its median is no yardstick of "bright": the deeper
        # blue beside the clouds joins if it is blue, smooth and touches the clouds.
        labels, _ = ndimage.label(region | (blue_smooth > 0.5))
        region = np.isin(labels, np.unique(labels[region]))
        region = ndimage.binary_fill_holes(ndimage.binary_opening(region, iterations=2))
        fraction = float(region.mean())
    confidence = float(np.clip((mean_like - 0.25) * 2.5, 0, 1) * np.clip(fraction * 5, 0, 1))
    # Back to the full frame: the border takes the value of the picture next to it.
    region = np.pad(region, ((top, bottom), (left, right)), mode="edge")
    soft = ndimage.gaussian_filter(region.astype(np.float32), sigma=max(1.0, fw / 256))
    return SkyDetection(soft.astype(np.float32), confidence, _horizon(region), fraction, filling)


def _horizon(region: NDArray[np.bool_]) -> tuple[float, float] | None:
    h, w = region.shape
    cols = np.nonzero(region.any(axis=0))[0]
    if len(cols) < 0.8 * w:
        return None
    # Lowest sky row of each column (the sky–land boundary).
    lowest = h - 1 - np.argmax(region[::-1, cols], axis=0)
    if np.mean(lowest >= h - 2) > 0.5:
        return None  # the sky runs off the bottom of the frame: no horizon in the picture
    slope, intercept = np.polyfit(cols, lowest, 1)
    rms = float(np.sqrt(np.mean((np.polyval([slope, intercept], cols) - lowest) ** 2)))
    if rms > 0.04 * h:
        return None
    return float(intercept / h), float((slope * (w - 1) + intercept) / h)

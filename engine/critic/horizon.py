"""Horizon and verticals: how far the frame's straight lines tilt, from a Hough transform.

Edge pixels (local gradient maxima) vote for lines within `MAX_TILT` degrees of horizontal
or vertical, each only for angles within `ANGLE_TOLERANCE` of its own gradient direction
(a gradient-constrained Hough transform, so texture does not flood the accumulator).  The
luma is resampled to `WORK_SIDE` px first so every parameter is scale-free.  For each
candidate angle the votes are binned by distance ρ; bins with at least `MIN_RUN` of the
long side are lines, and the sum of their squared counts rewards long collinear runs.
The best angle (refined to a fraction of a step by a parabola) is the tilt; the
confidence is the share of all line evidence that agrees with it, times the length of
its longest line.  The other family's own best angle is kept when its evidence is strong
(`CROSS_SHARE`): a camera turned about its axis turns both families alike, so leaning lines
over level ones are perspective (`HorizonMeasurement.perspective`), and so is one vertical
leaning its top toward the middle of a frame the sky fills (`converges_upward`: the camera
looks up).  numpy/scipy only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from engine.critic._image import Linear, encoded, encoded_luma, ridge_maxima
from engine.masks.sky import SkyDetection, scan_border

__all__ = ["CROSS_LEVEL", "CROSS_SHARE", "LEVEL_WITHIN", "HorizonMeasurement", "converges_upward",
           "measure_horizon"]

MAX_TILT = 12.0  # degrees either side of level considered a tilt (beyond: a diagonal)
STEP = 0.1  # degrees, Hough angle resolution
ANGLE_TOLERANCE = 4.0  # degrees, how far a pixel's gradient may be from a line it votes for
RHO_BIN = 1.5  # px
VERTICAL_WEIGHT = 0.7  # verticals converge under perspective: trusted a little less
AGREE = 1.0  # degrees either side of the winning angle counted as agreeing evidence
WORK_SIDE = 512  # px, long side the lines are found at (scale-independent parameters)
MIN_RUN = 0.04  # a ρ bin counts as a line only with votes ≥ this share of the long side
#: Degrees: a tilt under this reads level (no fault; the critic says "level").
LEVEL_WITHIN = 0.6
#: The other family of lines is a witness when its peak evidence is at least this share of
#: the deciding family's, and it testifies "near level" within `CROSS_LEVEL` degrees (not
#: 1.5: kodim08's walls read −1.0..−1.8° under tone edits, and the verdict must not flip).
CROSS_SHARE, CROSS_LEVEL = 0.3, 2.5


@dataclass(frozen=True)
class HorizonMeasurement:
    """Tilt facts of one photo.

    Attributes:
        tilt: angle of the dominant near-level lines, degrees, −`MAX_TILT`..+`MAX_TILT`,
            positive = counter-clockwise as displayed (the right end of a horizon is
            higher); the straighten angle that fixes it is −tilt.
        confidence: 0..1, how clearly one angle wins (0 = no straight lines, or a level
            read that is a scan border's): the share of line evidence within ±`AGREE`° of
            it (÷ 0.5) times its longest line (÷ 25 %).
        line_length: longest supporting line, fraction 0..1 of the frame side it runs along.
        kind: "horizontal" or "vertical": which lines decided.
        cross_tilt: the dominant angle of the other family, degrees (same sign
            convention), when its evidence is at least `CROSS_SHARE` of the deciding
            family's; None when it is weaker or absent.
        line_centre: (x, y) of the longest supporting line's midpoint, fractions 0..1
            of the frame's width and height (y down); (0.5, 0.5) when there is none.
    """

    tilt: float
    confidence: float
    line_length: float
    kind: str
    cross_tilt: float | None = None
    line_centre: tuple[float, float] = (0.5, 0.5)

    @property
    def cross_kind(self) -> str:
        """The other family: "vertical" when the horizontal lines decided, and back."""
        return "vertical" if self.kind == "horizontal" else "horizontal"

    @property
    def perspective(self) -> bool:
        """Whether the lines lean in perspective rather than the camera tilting: a camera
        turned about its axis turns both families alike, so a strong other family standing
        near level (within `CROSS_LEVEL`) while the deciding one leans by `AGREE` more says the
        lean is the lines converging (kodim08's rooflines, 4.6°, over level walls)."""
        return (self.cross_tilt is not None and abs(self.cross_tilt) < CROSS_LEVEL
                and abs(self.tilt - self.cross_tilt) >= AGREE)


def converges_upward(h: HorizonMeasurement, sky: SkyDetection) -> bool:
    """Whether the deciding lines lean as verticals converge when the camera looks up.

    Pointed up, a camera sees vertical lines converge toward a point above the frame, so
    each leans its top toward the frame's middle: a line right of centre turns
    counter-clockwise, one left of centre clockwise, by more the further out it stands.
    One line cannot tell that from a turned camera; a ``sky`` that fills the frame
    (`SkyDetection.fills_frame`) says the camera was pointed up.
    """
    offset = h.line_centre[0] - 0.5
    return h.kind == "vertical" and sky.fills_frame and offset * h.tilt > 0


def _scores(
    x: NDArray[np.float32], y: NDArray[np.float32], own: NDArray[np.float32],
    thetas: NDArray[np.float64], vertical: bool, min_run: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per-angle Σ count² over ρ bins, and the longest bin, for one family of lines."""
    scores = np.zeros(len(thetas))
    longest = np.zeros(len(thetas))
    for i, t in enumerate(thetas):
        bins = _rho_bins(x, y, own, float(t), vertical)
        if bins is None:
            continue
        counts = np.bincount(bins[1]).astype(np.float64)
        scores[i] = float(np.sum(counts[counts >= min_run] ** 2))
        longest[i] = float(counts.max())
    return scores, longest


def _rho_bins(
    x: NDArray[np.float32], y: NDArray[np.float32], own: NDArray[np.float32],
    theta: float, vertical: bool,
) -> tuple[NDArray[np.bool_], NDArray[np.int64]] | None:
    """The edge pixels voting for lines at ``theta`` degrees and their ρ bin indices; None
    when fewer than two vote."""
    sel = np.abs(own - theta) <= ANGLE_TOLERANCE
    if sel.sum() < 2:
        return None
    r = np.radians(theta)
    if vertical:  # ρ = x cos θ − y sin θ (y down): vertical line turned θ CCW
        rho = x[sel] * np.cos(r) - y[sel] * np.sin(r)
    else:  # ρ = x sin θ + y cos θ: horizontal line turned θ CCW
        rho = x[sel] * np.sin(r) + y[sel] * np.cos(r)
    return sel, ((rho - rho.min()) / RHO_BIN).astype(np.int64)


def _line_centre(
    x: NDArray[np.float32], y: NDArray[np.float32], own: NDArray[np.float32],
    theta: float, vertical: bool, shape: tuple[int, int],
) -> tuple[float, float]:
    """Midpoint (x, y), fractions of the frame, of the longest line at ``theta``: the
    centroid of its ρ bin's votes."""
    bins = _rho_bins(x, y, own, theta, vertical)
    if bins is None:
        return 0.5, 0.5
    sel, index = bins
    on = index == np.argmax(np.bincount(index))
    h, w = shape
    return float(x[sel][on].mean() + 0.5) / w, float(y[sel][on].mean() + 0.5) / h


def measure_horizon(rgb: Linear) -> HorizonMeasurement:
    """Measure the tilt of validated linear sRGB pixels (see `_image.prepare`).

    A film scan's border (`engine.masks.sky.scan_border`) is an edge exactly level with
    the frame along its whole width: measured with it, the lines read level whatever the
    picture holds.  When they read level (within `LEVEL_WITHIN`) and the picture inside
    the border reads otherwise (beyond `AGREE`), the level is the border's, and nothing is
    claimed (confidence 0).  Only a level read is withdrawn, so no tilt a photo is faulted for
    changes: the picture's own lines cannot tell a horizon from a mast or a sloping
    ledge well enough to be trusted in its place (docs/critic.md, Horizon).
    """
    whole = _lines(encoded_luma(rgb))
    if abs(whole.tilt) >= LEVEL_WITHIN or whole.confidence == 0:
        return whole
    top, bottom, left, right = scan_border(encoded(rgb))
    if not any((top, bottom, left, right)):
        return whole
    h, w = rgb.shape[:2]
    inside = _lines(encoded_luma(rgb[top : h - bottom, left : w - right]))
    if abs(inside.tilt - whole.tilt) <= AGREE:
        return whole
    return replace(whole, confidence=0.0)


def _lines(luma: NDArray[np.float32]) -> HorizonMeasurement:
    """The tilt of encoded luma (H, W) 0..1: the Hough transform of the module docstring."""
    scale = WORK_SIDE / max(luma.shape)
    if abs(scale - 1) > 0.05:
        luma = ndimage.zoom(luma, scale, order=1)
    h, w = luma.shape
    min_run = MIN_RUN * max(h, w)
    gy = ndimage.gaussian_filter(luma, 1.0, order=(1, 0))
    gx = ndimage.gaussian_filter(luma, 1.0, order=(0, 1))
    g = np.hypot(gx, gy)
    edges = ridge_maxima(g, gx, gy) & (g >= max(np.percentile(g, 85), 0.015))
    edges[:2, :] = edges[-2:, :] = False  # frame borders are not lines in the scene
    edges[:, :2] = edges[:, -2:] = False
    rows, cols = np.nonzero(edges)
    phi = np.degrees(np.arctan2(-gy[rows, cols], gx[rows, cols])) % 180.0
    x, y = cols.astype(np.float32), rows.astype(np.float32)
    thetas = np.arange(-MAX_TILT, MAX_TILT + STEP / 2, STEP)
    # A line turned θ CCW has its gradient at 90° + θ (horizontal family) or θ (vertical).
    own_h = (phi - 90.0).astype(np.float32)
    own_v = ((phi + 90.0) % 180.0 - 90.0).astype(np.float32)
    s_h, long_h = _scores(x, y, own_h, thetas, vertical=False, min_run=min_run)
    s_v, long_v = _scores(x, y, own_v, thetas, vertical=True, min_run=min_run)
    total = s_h + VERTICAL_WEIGHT * s_v
    if not total.any():
        return HorizonMeasurement(0.0, 0.0, 0.0, "horizontal")
    total = ndimage.gaussian_filter1d(total, 2.0, mode="nearest")
    i = int(np.argmax(total))
    offset = 0.0
    if 0 < i < len(total) - 1:  # parabolic refinement of the peak
        a, b, c = total[i - 1], total[i], total[i + 1]
        denom = a - 2 * b + c
        offset = 0.5 * (a - c) / denom if denom < 0 else 0.0
    tilt = float(thetas[i] + offset * STEP)
    horizontal = s_h[i] >= VERTICAL_WEIGHT * s_v[i]
    own, other = (s_h, VERTICAL_WEIGHT * s_v) if horizontal else (VERTICAL_WEIGHT * s_v, s_h)
    cross = _cross_tilt(thetas, own, other)
    length = (long_h[i] / w) if horizontal else (long_v[i] / h)
    # Agreement: the share of all line evidence within ±AGREE° of the winner (a horizon
    # or a building agrees with itself; sails, limbs and branches spread over angles),
    # times how long the winning line is.
    near = round(AGREE / STEP)
    agreement = float(total[max(0, i - near) : i + near + 1].sum() / total.sum())
    confidence = float(np.clip(agreement / 0.5, 0.0, 1.0) * np.clip(length / 0.25, 0.0, 1.0))
    return HorizonMeasurement(
        tilt=tilt,
        confidence=confidence,
        line_length=float(min(1.0, length)),
        kind="horizontal" if horizontal else "vertical",
        cross_tilt=cross,
        line_centre=_line_centre(x, y, own_h if horizontal else own_v, float(thetas[i]),
                                 not horizontal, (h, w)),
    )


def _cross_tilt(
    thetas: NDArray[np.float64], own: NDArray[np.float64], other: NDArray[np.float64]
) -> float | None:
    """The other family's dominant angle (degrees) when its peak evidence, smoothed as the
    winner's, is at least `CROSS_SHARE` of the deciding family's own peak; else None."""
    if not other.any():
        return None
    own_s = ndimage.gaussian_filter1d(own, 2.0, mode="nearest")
    other_s = ndimage.gaussian_filter1d(other, 2.0, mode="nearest")
    j = int(np.argmax(other_s))
    return float(thetas[j]) if other_s[j] >= CROSS_SHARE * own_s.max() else None

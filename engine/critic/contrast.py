"""Contrast: how many stops the bulk of the tones spans, and whether the lightest tone
reaches white.

The spread is measured in log2 luminance between the 5th and 95th percentiles: the
develop model's ``Contrast2012`` curve scales log-luminance around middle grey
(``engine.develop.tone.contrast``), so the spread is the quantity it changes — about
×(1 + 0.6 · c / 100) near grey — and exposure does not change it at all.  On the shared
corpus a well-made photo spans 3.4–6.5 stops (10th–90th percentile, median 4.2), wider
than the ×0.8 / ×1.2 a ``Contrast2012`` of ∓40 makes, so the spread alone cannot tell a
flattened photo from a naturally soft one.

The white point can: a rendered photo almost always has a small area at or near white
(a highlight, a sky, a white shirt: 30 of the corpus' 33 photos reach 90 % linear in
their lightest 0.01 %, at 384, 512 and 768 px alike), and the contrast curve pivots on
grey, so flattening pulls that white down too (−40: by 0.45 stops, to at most 73 %).  A
lightest tone well short of white in a photo whose mid-tones are not dark is a flat
photo — the photographer's "no true white" — and the ``Contrast2012`` that puts it back
on white follows from the curve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.critic._image import Linear, luminance
from engine.critic.colour import MID_GREY

__all__ = [
    "CONTRAST_GAIN",
    "CONTRAST_LIMIT",
    "TYPICAL_SPREAD",
    "WHITE_PERCENTILE",
    "WHITE_TOLERANCE",
    "ContrastMeasurement",
    "curve_shift",
    "measure_contrast",
]

#: Stops of log-luminance spread a ``Contrast2012`` of +100 adds per stop (tone.py's 0.6).
CONTRAST_GAIN = 0.6
#: The curve's soft limit in stops around grey (tone.py: Δ = 0.6 c 2.5 tanh(e / 2.5)).
CONTRAST_LIMIT = 2.5
#: The corpus' median 5–95 % spread, stops: what a contrast suggestion aims for.
TYPICAL_SPREAD = 4.2
#: Percentile of luminance taken as the photo's white (its lightest 0.01 %).
WHITE_PERCENTILE = 99.99
#: Stops short of white the lightest tone may sit before the photo reads flat (the grey
#: white of `engine.critic.judge.tone.white_penalty`).
WHITE_TOLERANCE = 0.2
#: Luminance floor (linear) so black pixels do not stretch the log spread without bound.
_FLOOR = 1e-4


@dataclass(frozen=True)
class ContrastMeasurement:
    """Tonal-spread facts of one photo.

    Attributes:
        spread: log2 luminance between the 5th and 95th percentiles, stops, ≥ 0.
        midtone_spread: the same between the 25th and 75th percentiles, stops, ≥ 0.
        white: linear luminance of the lightest 0.01 % (display-clipped), 0..1.
        white_shortfall: stops from that to white, log2(1 / white), ≥ 0.
    """

    spread: float
    midtone_spread: float
    white: float
    white_shortfall: float

    def contrast_to(self, target: float = TYPICAL_SPREAD) -> float:
        """``Contrast2012`` (unclamped slider units) that takes the spread to ``target`` stops."""
        return (target / max(self.spread, 0.1) - 1.0) / CONTRAST_GAIN * 100.0

    def contrast_to_white(self) -> float:
        """``Contrast2012`` (unclamped) that puts the lightest tone on white by the develop
        curve; 0 when the lightest tone is at or below grey (no curve about grey can lift
        it to white)."""
        stretch = self._white_stretch()
        return self.white_shortfall / stretch * 100.0 if stretch else 0.0

    def contrast_keeping_white(self, tolerance: float = WHITE_TOLERANCE) -> float:
        """The softest ``Contrast2012`` (≤ 0) that leaves the lightest tone within
        ``tolerance`` stops of white by the develop curve; 0 when it is already that far
        short, or at or below grey."""
        stretch = self._white_stretch()
        room = tolerance - self.white_shortfall
        return -room / stretch * 100.0 if stretch and room > 0 else 0.0

    def _white_stretch(self) -> float:
        """Stops the develop curve (``e + 0.6 c 2.5 tanh(e / 2.5)`` for a tone ``e`` stops
        above grey, its pivot) moves the lightest tone per 100 of ``Contrast2012``;
        0 at or below grey."""
        if math.log2(max(self.white, 1e-6) / MID_GREY) <= 0.05:
            return 0.0
        return curve_shift(self.white, 100.0)


def curve_shift(level: float, contrast: float) -> float:
    """Stops the develop model's ``Contrast2012`` curve moves a tone: ``0.6 c 2.5 tanh(e /
    2.5)`` with ``c = contrast / 100`` and ``e = log2(level / 0.18)`` the tone's stops from
    grey, its pivot (``engine.develop.tone.contrast``).

    Args:
        level: the tone's linear luminance, > 0 (floored at 1e-6).
        contrast: ``Contrast2012``, slider units −100..100.

    Returns:
        stops, > 0 brighter; 0 for grey itself.
    """
    e = math.log2(max(level, 1e-6) / MID_GREY)
    return CONTRAST_GAIN * contrast / 100.0 * CONTRAST_LIMIT * math.tanh(e / CONTRAST_LIMIT)


def measure_contrast(rgb: Linear) -> ContrastMeasurement:
    """Measure the tonal spread of validated linear sRGB pixels (see `_image.prepare`)."""
    y = luminance(rgb)
    log_y = np.log2(np.maximum(y, _FLOOR))
    p5, p25, p75, p95 = np.percentile(log_y, [5, 25, 75, 95])
    # The top 0.01 % rather than the maximum, so one hot pixel does not set the white
    # (a few pixels at any analysis size: a 3 × 3 mean dimmed small highlights at 384 px).
    white = float(np.percentile(np.minimum(y, 1.0), WHITE_PERCENTILE))
    return ContrastMeasurement(
        spread=float(p95 - p5),
        midtone_spread=float(p75 - p25),
        white=white,
        white_shortfall=math.log2(1.0 / max(white, 1e-6)),
    )

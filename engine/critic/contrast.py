"""Contrast: how many stops the bulk of the tones spans.

The spread is measured in log2 luminance between the 5th and 95th percentiles: the
develop model's ``Contrast2012`` curve scales log-luminance around middle grey
(``engine.develop.tone.contrast``), so the spread is the quantity it changes — about
×(1 + 0.6 · c / 100) near grey — and exposure does not change it at all.  On the shared
corpus a well-made photo spans 3.4–6.5 stops (10th–90th percentile, median 4.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.critic._image import Linear, luminance

__all__ = ["CONTRAST_GAIN", "TYPICAL_SPREAD", "ContrastMeasurement", "measure_contrast"]

#: Stops of log-luminance spread a ``Contrast2012`` of +100 adds per stop (tone.py's 0.6).
CONTRAST_GAIN = 0.6
#: The corpus' median 5–95 % spread, stops: what a contrast suggestion aims for.
TYPICAL_SPREAD = 4.2
#: Luminance floor (linear) so black pixels do not stretch the log spread without bound.
_FLOOR = 1e-4


@dataclass(frozen=True)
class ContrastMeasurement:
    """Tonal-spread facts of one photo.

    Attributes:
        spread: log2 luminance between the 5th and 95th percentiles, stops, ≥ 0.
        midtone_spread: the same between the 25th and 75th percentiles, stops, ≥ 0.
    """

    spread: float
    midtone_spread: float

    def contrast_to(self, target: float = TYPICAL_SPREAD) -> float:
        """``Contrast2012`` (unclamped slider units) that takes the spread to ``target`` stops."""
        return (target / max(self.spread, 0.1) - 1.0) / CONTRAST_GAIN * 100.0


def measure_contrast(rgb: Linear) -> ContrastMeasurement:
    """Measure the tonal spread of validated linear sRGB pixels (see `_image.prepare`)."""
    log_y = np.log2(np.maximum(luminance(rgb), _FLOOR))
    p5, p25, p75, p95 = np.percentile(log_y, [5, 25, 75, 95])
    return ContrastMeasurement(spread=float(p95 - p5), midtone_spread=float(p75 - p25))

"""Monochrome: whether a photo's colour follows its tone alone (black-and-white or toned).

A black-and-white photo is neutral at every tone; a toned one (sepia, selenium, a split
tone) carries one colour per tone — a gradient map from lightness to colour.  Either
way the colour at a given lightness is the same everywhere in the frame, which no colour
photo's is (a green leaf and a red roof share a lightness).  So the mid-tones (L* 15–95,
where noise and clipping say nothing of colour) are binned by L* into `TONE_BINS`
tones; each pixel's distance (ΔE*ab) from its tone's median colour is its departure
from a gradient map, and the photo is monochrome when the 95th percentile of those
departures is at most `MAX_SPREAD`.  A frame filled by one colour (a clear sky and
nothing else) is a gradient map too, and is found alike.

On the shared corpus (512 px) the 33 colour photos depart by ΔE 6.4–63 (the hazy,
cloud-filled uhdr05 least), still 4.1 or more after ``Saturation`` −40 (2.2 after −70);
converted to grey, sepia or selenium tones they depart by 0.3 or less, saved as JPEG
(whose chroma blocks wobble) by up to 3.3 at quality 75 and 4.1 at quality 50 — a strong
sepia by up to 6.  `MAX_SPREAD` takes in every grey, sepia and selenium version down to
quality 75 (a strong sepia: 30 of 33 at quality 90, 20 at 75) and no colour photo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from engine.color.cielab import linear_to_lab

__all__ = [
    "MAX_SPREAD",
    "TONED_CHROMA",
    "TONE_BINS",
    "Monochrome",
    "detect_monochrome",
]

#: Lightness bins (of L* 15–95) whose median colour is each tone's colour.
TONE_BINS = 16
#: ΔE*ab: the 95th percentile departure from the tones' colours a monochrome photo may
#: show (grain, JPEG's chroma blocks); colour photos start at 4.1 even muted by 40.
MAX_SPREAD = 3.5
#: C*ab of the tones' mean colour from which a monochrome photo is toned, not neutral.
TONED_CHROMA = 2.0
#: Fewest mid-tone pixels that can tell (a frame of shadows and clipped whites cannot).
_MIN_PIXELS = 256
_L_RANGE = (15.0, 95.0)


@dataclass(frozen=True)
class Monochrome:
    """A photo whose colour is a function of its tone.

    Attributes:
        a: CIELAB a* of the toning, the mean of the tones' median colours (> 0 magenta).
        b: its b* (> 0 yellow, warm; < 0 blue, cool).
        spread: 95th percentile ΔE*ab of the mid-tones from their tone's colour,
            0..`MAX_SPREAD`.
    """

    a: float
    b: float
    spread: float

    @property
    def toned(self) -> bool:
        """Whether the tones carry a colour (C*ab ≥ `TONED_CHROMA`) rather than grey."""
        return math.hypot(self.a, self.b) >= TONED_CHROMA


def detect_monochrome(rgb: NDArray[np.floating]) -> Monochrome | None:
    """The toning of a black-and-white or toned photo, or None for a colour photo.

    Args:
        rgb: (..., 3) linear sRGB, 1.0 = white; pixels with a NaN have no lightness and
            are left out.

    Returns:
        `Monochrome` when the mid-tones' colours follow their lightness within
        `MAX_SPREAD`; None otherwise, or with under `_MIN_PIXELS` mid-tone pixels.
    """
    lab = linear_to_lab(np.asarray(rgb, dtype=np.float32)).reshape(-1, 3)
    lo, hi = _L_RANGE
    lab = lab[(lab[:, 0] > lo) & (lab[:, 0] < hi)]
    if len(lab) < _MIN_PIXELS:
        return None
    tone = np.minimum(((lab[:, 0] - lo) / (hi - lo) * TONE_BINS).astype(np.int64), TONE_BINS - 1)
    # Grouped by tone once (a sort), so each tone is a slice rather than a mask and a copy
    # per tone: 4× faster, and the medians and percentile are of the same values.
    chroma = lab[np.argsort(tone, kind="stable"), 1:]
    ends = np.cumsum(np.bincount(tone, minlength=TONE_BINS))
    departure = np.empty(len(lab), dtype=np.float32)
    colours = []
    for start, end in zip(np.concatenate([[0], ends[:-1]]), ends, strict=True):
        if end == start:
            continue
        colour = np.median(chroma[start:end], axis=0)
        departure[start:end] = np.hypot(*(chroma[start:end] - colour).T)
        colours.append(colour)
    spread = float(np.percentile(departure, 95))
    if spread > MAX_SPREAD:
        return None
    a, b = (float(v) for v in np.mean(colours, axis=0))
    return Monochrome(a=a, b=b, spread=spread)

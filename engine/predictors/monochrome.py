"""A black-and-white or toned photo keeps its colour, whichever generic predictor answered.

A predictor's white balance would tint a black-and-white file, or neutralise a sepia one
as a cast; its ``Vibrance`` and ``Saturation`` have nothing to enliven (or would deepen a
toning).  So for a photo `engine.color.monochrome` finds monochrome those sliders are
held: ``Vibrance``, ``Saturation``, ``IncrementalTemperature`` and ``IncrementalTint`` at 0
(no change), and a raw file's absolute ``Temperature``/``Tint`` left out (as shot).  The
analytic predictor and FilterNet apply it; a personal style does not — its photographer's
own edits decide.
"""

from __future__ import annotations

from dataclasses import replace

from engine.color.monochrome import Monochrome, detect_monochrome
from engine.decode.types import DecodedPhoto
from engine.predictors.base import Prediction

__all__ = ["HELD_SLIDERS", "keep_monochrome_colour"]

#: Relative sliders held at 0 for a monochrome photo (raw ``Temperature``/``Tint`` are
#: left out instead: an absolute value has no "no change").
HELD_SLIDERS = ("Vibrance", "Saturation", "IncrementalTemperature", "IncrementalTint")
_AS_SHOT = ("Temperature", "Tint")


def _why(mono: Monochrome) -> str:
    if mono.toned:
        return (f"monochrome, toned or one colour (each tone within ΔE {mono.spread:.1f} of "
                "one colour): its colour is kept")
    return f"black and white (within ΔE {mono.spread:.1f} of grey): no colour to change"


def keep_monochrome_colour(photo: DecodedPhoto, prediction: Prediction) -> Prediction:
    """``prediction`` with the colour sliders held when ``photo`` is monochrome (unchanged,
    the same object, when it is not)."""
    mono = detect_monochrome(photo.linear)
    if mono is None:
        return prediction
    why = _why(mono)
    settings = {k: v for k, v in prediction.settings.items() if k not in _AS_SHOT}
    reasons = {k: v for k, v in prediction.reasons.items() if k not in _AS_SHOT}
    for name in HELD_SLIDERS:
        if name in settings:
            settings[name], reasons[name] = 0.0, why
    return replace(prediction, settings=settings, reasons=reasons)

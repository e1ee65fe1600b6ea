"""Suggestions in the develop vocabulary and the way their values are written."""

from __future__ import annotations

from collections.abc import Mapping

from atelier.settings import adjustments_from_settings
from atelier.v1 import engine_pb2 as pb
from engine.typography import signed
from xmp.vocabulary import global_slider

__all__ = ["clamped", "describe", "develop_suggestion", "percent"]

#: Lightroom's panel names of the sliders whose XMP name differs.
_PANEL_NAMES = {
    "Exposure2012": "Exposure", "Highlights2012": "Highlights", "Shadows2012": "Shadows",
    "Whites2012": "Whites", "Blacks2012": "Blacks", "Contrast2012": "Contrast",
    "Clarity2012": "Clarity", "IncrementalTemperature": "Temperature",
    "IncrementalTint": "Tint",
}


def clamped(settings: Mapping[str, float]) -> dict[str, float]:
    """``settings`` clamped to each global slider's range and rounded to its step."""
    out = {}
    for name, value in settings.items():
        slider = global_slider(name)
        v = slider.clamp(float(value))
        out[name] = round(v, slider.decimals) if slider.decimals else float(round(v))
    return out


def develop_suggestion(
    attribute: str, text: str, settings: Mapping[str, float],
    reasons: Mapping[str, str] | None = None,
) -> pb.Suggestion:
    """A develop suggestion for ``attribute``: ``settings`` clamped, with the reasons
    (slider → why, e.g. the predictor's) of the sliders it sets."""
    values = clamped(settings)
    why = {k: v for k, v in (reasons or {}).items() if k in values}
    return pb.Suggestion(
        text=text, attribute=attribute, adjustments=adjustments_from_settings(values, why)
    )


def percent(fraction: float, decimals: int = 0) -> str:
    """``0.973`` → "97 %": a share 0..1 written as the critique's fixed figures are, with a
    space before the sign ("0.5 %", not "0.5%")."""
    return f"{fraction * 100:.{decimals}f} %"


def describe(settings: Mapping[str, float]) -> str:
    """``{"Exposure2012": 1.2, "Whites2012": 10}`` → "Exposure +1.20 EV, Whites +10"."""
    parts = []
    for name, value in clamped(settings).items():
        if name == "Exposure2012":
            parts.append(f"Exposure {signed(value, ' EV', 2)}")
        elif name == "Temperature":
            parts.append(f"Temperature {value:.0f} K")
        else:
            parts.append(f"{_PANEL_NAMES.get(name, name)} {signed(value)}")
    return ", ".join(parts)

"""The develop vocabulary: Lightroom Process Version 2012+ sliders, units and ranges.

This module is the single source of truth for slider names, units, ranges and XMP
formatting.  Every part of Atelier (engine, bridge, XMP writers, plugin contract) keys
develop settings by the Lightroom ``crs:`` names defined here.

Values are absolute targets, never deltas.  White balance comes in two flavours that
must never be mixed: absolute (``Temperature`` in Kelvin, ``Tint``) for raw photos and
relative (``IncrementalTemperature``, ``IncrementalTint``) for rendered files.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "GLOBAL_SLIDERS",
    "LOCAL_SLIDERS",
    "RAW_WB",
    "RENDERED_WB",
    "LocalSlider",
    "Slider",
    "SliderRangeError",
    "clamp_settings",
    "format_xmp_value",
    "global_slider",
    "local_slider",
    "validate_settings",
]

Scope = Literal["any", "raw", "rendered"]


class SliderRangeError(ValueError):
    """A develop value is outside its slider's range, not finite, or unknown."""


@dataclass(frozen=True)
class Slider:
    """A global Lightroom develop slider.

    Attributes:
        name: Lightroom ``crs:`` name, e.g. ``"Exposure2012"``.
        field: field name in ``atelier.v1.AdjustmentSet``.
        unit: unit of the value (``"EV"``, ``"K"`` or ``""`` for slider units).
        minimum: lowest valid value, in ``unit``.
        maximum: highest valid value, in ``unit``.
        decimals: decimals written to XMP (0 = integer).
        scope: ``"raw"`` / ``"rendered"`` for the two white-balance flavours.
    """

    name: str
    field: str
    unit: str
    minimum: float
    maximum: float
    decimals: int = 0
    scope: Scope = "any"

    def check(self, value: float) -> float:
        """Return ``value`` as float, or raise `SliderRangeError` naming the limit."""
        v = float(value)
        if not math.isfinite(v) or not self.minimum <= v <= self.maximum:
            unit = f" {self.unit}" if self.unit else ""
            raise SliderRangeError(
                f"{self.name}={value!r} is outside {self.minimum:g}..{self.maximum:g}{unit}"
            )
        return v

    def clamp(self, value: float) -> float:
        """Clamp ``value`` into range (NaN becomes 0, or the minimum if 0 is out of range)."""
        v = float(value)
        if math.isnan(v):
            v = 0.0
        return min(max(v, self.minimum), self.maximum)


@dataclass(frozen=True)
class LocalSlider:
    """A Lightroom local (masked) slider.

    Attributes:
        name: ``crs:`` attribute name in a mask correction, e.g. ``"LocalExposure2012"``.
        field: field name in ``atelier.v1.LocalAdjustmentSet``.
        unit: unit of the slider value (``"EV"`` or ``""``).
        minimum: lowest slider value.
        maximum: highest slider value.
        xmp_scale: XMP stores ``value / xmp_scale`` (exposure 4, the others 100).
    """

    name: str
    field: str
    unit: str
    minimum: float
    maximum: float
    xmp_scale: float

    def check(self, value: float) -> float:
        """Return ``value`` as float, or raise `SliderRangeError` naming the limit."""
        v = float(value)
        if not math.isfinite(v) or not self.minimum <= v <= self.maximum:
            raise SliderRangeError(
                f"{self.name}={value!r} is outside {self.minimum:g}..{self.maximum:g}"
            )
        return v

    def to_xmp(self, value: float) -> float:
        """Slider value → stored XMP value (e.g. +1 EV → 0.25)."""
        return self.check(value) / self.xmp_scale

    def from_xmp(self, stored: float) -> float:
        """Stored XMP value → slider value."""
        return float(stored) * self.xmp_scale


def _s(name: str, field: str, lo: float = -100, hi: float = 100, **kw: object) -> Slider:
    return Slider(name, field, kw.pop("unit", ""), lo, hi, **kw)  # type: ignore[arg-type]


GLOBAL_SLIDERS: tuple[Slider, ...] = (
    Slider("Exposure2012", "exposure_2012", "EV", -5.0, 5.0, decimals=2),
    _s("Contrast2012", "contrast_2012"),
    _s("Highlights2012", "highlights_2012"),
    _s("Shadows2012", "shadows_2012"),
    _s("Whites2012", "whites_2012"),
    _s("Blacks2012", "blacks_2012"),
    _s("Texture", "texture"),
    _s("Clarity2012", "clarity_2012"),
    _s("Dehaze", "dehaze"),
    _s("Vibrance", "vibrance"),
    _s("Saturation", "saturation"),
    Slider("Temperature", "temperature", "K", 2000.0, 50000.0, scope="raw"),
    Slider("Tint", "tint", "", -150.0, 150.0, scope="raw"),
    Slider("IncrementalTemperature", "incremental_temperature", "", -100.0, 100.0,
           scope="rendered"),
    Slider("IncrementalTint", "incremental_tint", "", -100.0, 100.0, scope="rendered"),
)

LOCAL_SLIDERS: tuple[LocalSlider, ...] = (
    LocalSlider("LocalExposure2012", "exposure", "EV", -4.0, 4.0, 4.0),
    LocalSlider("LocalContrast2012", "contrast", "", -100.0, 100.0, 100.0),
    LocalSlider("LocalHighlights2012", "highlights", "", -100.0, 100.0, 100.0),
    LocalSlider("LocalShadows2012", "shadows", "", -100.0, 100.0, 100.0),
    LocalSlider("LocalWhites2012", "whites", "", -100.0, 100.0, 100.0),
    LocalSlider("LocalBlacks2012", "blacks", "", -100.0, 100.0, 100.0),
    LocalSlider("LocalTexture", "texture", "", -100.0, 100.0, 100.0),
    LocalSlider("LocalClarity2012", "clarity", "", -100.0, 100.0, 100.0),
    LocalSlider("LocalDehaze", "dehaze", "", -100.0, 100.0, 100.0),
    LocalSlider("LocalTemperature", "temperature", "", -100.0, 100.0, 100.0),
    LocalSlider("LocalTint", "tint", "", -100.0, 100.0, 100.0),
    LocalSlider("LocalSaturation", "saturation", "", -100.0, 100.0, 100.0),
)

#: White-balance keys for raw photos (absolute Kelvin / tint).
RAW_WB = ("Temperature", "Tint")
#: White-balance keys for rendered photos (relative).
RENDERED_WB = ("IncrementalTemperature", "IncrementalTint")

_GLOBAL = {s.name: s for s in GLOBAL_SLIDERS}
_LOCAL = {s.name: s for s in LOCAL_SLIDERS}


def global_slider(name: str) -> Slider:
    """The global slider called ``name`` (a Lightroom ``crs:`` name)."""
    try:
        return _GLOBAL[name]
    except KeyError:
        raise SliderRangeError(f"unknown develop setting {name!r}") from None


def local_slider(name: str) -> LocalSlider:
    """The local slider called ``name`` (e.g. ``"LocalExposure2012"``)."""
    try:
        return _LOCAL[name]
    except KeyError:
        raise SliderRangeError(f"unknown local develop setting {name!r}") from None


def validate_settings(settings: Mapping[str, float], *, is_raw: bool | None = None) -> None:
    """Check every value of a Lightroom-keyed settings dict.

    Args:
        settings: ``{"Exposure2012": 0.5, ...}``; values in each slider's unit.
        is_raw: when given, reject the white-balance flavour that does not belong.

    Raises:
        SliderRangeError: naming the first bad key, its value and its range.
    """
    for name, value in settings.items():
        slider = global_slider(name)
        slider.check(value)
        if is_raw is not None and slider.scope == ("rendered" if is_raw else "raw"):
            kind = "raw" if is_raw else "rendered"
            raise SliderRangeError(
                f"{name} does not apply to a {kind} photo "
                f"(use {' / '.join(RAW_WB if is_raw else RENDERED_WB)})"
            )


def clamp_settings(settings: Mapping[str, float]) -> dict[str, float]:
    """Clamp every value into its slider's range (unknown keys raise)."""
    return {k: global_slider(k).clamp(v) for k, v in settings.items()}


def format_xmp_value(name: str, value: float) -> str:
    """Format a global value as Lightroom writes it in XMP.

    ``Exposure2012`` is signed with two decimals (``+0.33``, ``-0.49``, ``0.00``); the
    other sliders are signed integers (``+8``, ``-25``, ``0``); ``Temperature`` is an
    unsigned integer Kelvin value.
    """
    slider = global_slider(name)
    v = slider.check(value)
    if slider.decimals:
        text = f"{v:+.{slider.decimals}f}"
        return text[1:] if float(text) == 0 else text
    n = round(v)
    if name == "Temperature":
        return str(n)
    return "0" if n == 0 else f"{n:+d}"

"""Conversions between contract messages and Lightroom-keyed settings dicts.

Inside Atelier, develop settings travel as ``atelier.v1.AdjustmentSet`` over gRPC and as
plain dicts keyed by Lightroom ``crs:`` names everywhere else (XMP, JSON, the plugin).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from atelier.v1 import engine_pb2 as pb
from xmp.vocabulary import GLOBAL_SLIDERS, LOCAL_SLIDERS, LocalSlider, Slider

__all__ = [
    "adjustments_from_settings",
    "local_adjustments_from_settings",
    "local_settings_from_adjustments",
    "settings_from_adjustments",
    "suggested_edit",
]

_Adjustments = TypeVar("_Adjustments", pb.AdjustmentSet, pb.LocalAdjustmentSet)


def settings_from_adjustments(adj: pb.AdjustmentSet) -> dict[str, float]:
    """Set fields of an ``AdjustmentSet`` → ``{"Exposure2012": 0.5, ...}`` (slider units)."""
    return {s.name: getattr(adj, s.field) for s in GLOBAL_SLIDERS if adj.HasField(s.field)}


def adjustments_from_settings(
    settings: Mapping[str, float], reasons: Mapping[str, str] | None = None
) -> pb.AdjustmentSet:
    """``{"Exposure2012": 0.5, ...}`` → ``AdjustmentSet``; values are range-checked."""
    return _filled(pb.AdjustmentSet(), GLOBAL_SLIDERS, "develop", settings, reasons)


def local_settings_from_adjustments(adj: pb.LocalAdjustmentSet) -> dict[str, float]:
    """Set fields of a ``LocalAdjustmentSet`` → ``{"LocalExposure2012": 0.3, ...}``.

    Values stay in slider units (local exposure in EV, not the XMP's EV/4).
    """
    return {s.name: getattr(adj, s.field) for s in LOCAL_SLIDERS if adj.HasField(s.field)}


def local_adjustments_from_settings(
    settings: Mapping[str, float], reasons: Mapping[str, str] | None = None
) -> pb.LocalAdjustmentSet:
    """``{"LocalExposure2012": 0.3, ...}`` (slider units) → ``LocalAdjustmentSet``."""
    return _filled(pb.LocalAdjustmentSet(), LOCAL_SLIDERS, "local develop", settings, reasons)


def suggested_edit(
    suggestions: Iterable[pb.Suggestion],
) -> tuple[dict[str, float], list[pb.MaskedAdjustment]]:
    """The develop edit of a critique's suggestions made together: their global sliders
    (of a slider set twice, the first value wins — the worst issue's, in a critique's
    order) and their masked local adjustments; geometry and words carry none."""
    settings: dict[str, float] = {}
    masks = []
    for s in suggestions:
        for name, value in settings_from_adjustments(s.adjustments).items():
            settings.setdefault(name, value)
        if s.HasField("masked"):
            masks.append(s.masked)
    return settings, masks


def _filled(
    adj: _Adjustments, sliders: Iterable[Slider | LocalSlider], kind: str,
    settings: Mapping[str, float], reasons: Mapping[str, str] | None,
) -> _Adjustments:
    """``adj`` with each setting range-checked into its slider's field, and the reasons.

    Raises:
        ValueError: a name that is not one of ``sliders`` (``kind`` names them), or a
            value outside its slider's range.
    """
    by_name = {s.name: s for s in sliders}
    for name, value in settings.items():
        if name not in by_name:
            raise ValueError(f"unknown {kind} setting {name!r}")
        slider = by_name[name]
        setattr(adj, slider.field, slider.check(value))
    for name, reason in (reasons or {}).items():
        adj.reasons[name] = reason
    return adj

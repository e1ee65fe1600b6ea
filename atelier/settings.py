"""Conversions between contract messages and Lightroom-keyed settings dicts.

Inside Atelier, develop settings travel as ``atelier.v1.AdjustmentSet`` over gRPC and as
plain dicts keyed by Lightroom ``crs:`` names everywhere else (XMP, JSON, the plugin).
"""

from __future__ import annotations

from collections.abc import Mapping

from atelier.v1 import engine_pb2 as pb
from xmp.vocabulary import GLOBAL_SLIDERS, LOCAL_SLIDERS

__all__ = [
    "adjustments_from_settings",
    "local_adjustments_from_settings",
    "local_settings_from_adjustments",
    "settings_from_adjustments",
]


def settings_from_adjustments(adj: pb.AdjustmentSet) -> dict[str, float]:
    """Set fields of an ``AdjustmentSet`` → ``{"Exposure2012": 0.5, ...}`` (slider units)."""
    return {s.name: getattr(adj, s.field) for s in GLOBAL_SLIDERS if adj.HasField(s.field)}


def adjustments_from_settings(
    settings: Mapping[str, float], reasons: Mapping[str, str] | None = None
) -> pb.AdjustmentSet:
    """``{"Exposure2012": 0.5, ...}`` → ``AdjustmentSet``; values are range-checked."""
    by_name = {s.name: s for s in GLOBAL_SLIDERS}
    adj = pb.AdjustmentSet()
    for name, value in settings.items():
        if name not in by_name:
            raise ValueError(f"unknown develop setting {name!r}")
        slider = by_name[name]
        setattr(adj, slider.field, slider.check(value))
    for name, reason in (reasons or {}).items():
        adj.reasons[name] = reason
    return adj


def local_settings_from_adjustments(adj: pb.LocalAdjustmentSet) -> dict[str, float]:
    """Set fields of a ``LocalAdjustmentSet`` → ``{"LocalExposure2012": 0.3, ...}``.

    Values stay in slider units (local exposure in EV, not the XMP's EV/4).
    """
    return {s.name: getattr(adj, s.field) for s in LOCAL_SLIDERS if adj.HasField(s.field)}


def local_adjustments_from_settings(
    settings: Mapping[str, float], reasons: Mapping[str, str] | None = None
) -> pb.LocalAdjustmentSet:
    """``{"LocalExposure2012": 0.3, ...}`` (slider units) → ``LocalAdjustmentSet``."""
    by_name = {s.name: s for s in LOCAL_SLIDERS}
    adj = pb.LocalAdjustmentSet()
    for name, value in settings.items():
        if name not in by_name:
            raise ValueError(f"unknown local develop setting {name!r}")
        slider = by_name[name]
        setattr(adj, slider.field, slider.check(value))
    for name, reason in (reasons or {}).items():
        adj.reasons[name] = reason
    return adj

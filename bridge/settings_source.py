"""Where ``atelier render`` gets its develop settings: a JSON file or the photo's own XMP."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xmp.exiftool import ExifToolSession
from xmp.packet import Packet
from xmp.vocabulary import GLOBAL_SLIDERS
from xmp.write import EMBEDDABLE, destination

__all__ = ["SettingsError", "settings_from_json", "settings_from_xmp"]

_NAMES = {s.name for s in GLOBAL_SLIDERS}


class SettingsError(ValueError):
    """The settings file or the photo's XMP does not hold usable develop settings."""


def _only_sliders(found: Mapping[str, Any], origin: str) -> dict[str, float]:
    settings: dict[str, float] = {}
    for name, value in found.items():
        if name not in _NAMES:
            continue  # WhiteBalance, reasons, other tools' keys
        try:
            settings[name] = float(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{origin}: {name}={value!r} is not a number") from None
    return settings


def settings_from_json(path: Path, photo: Path) -> dict[str, float]:
    """Lightroom-keyed settings from ``path``: a plain ``{"Exposure2012": 0.5, …}`` object,
    one ``photos[]`` record, or a whole ``atelier enhance --json`` document (the record of
    ``photo`` is used).

    Raises:
        SettingsError: unreadable JSON, no record for ``photo``, or no develop settings.
    """
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SettingsError(f"cannot read settings from {path}: {exc}") from None
    if isinstance(doc, dict) and isinstance(doc.get("photos"), list):
        wanted = {str(photo), str(photo.resolve()), photo.name}
        records = [r for r in doc["photos"] if isinstance(r, dict) and (
            r.get("path") in wanted or Path(str(r.get("path", ""))).name == photo.name)]
        if not records:
            raise SettingsError(f"{path} has no record for {photo.name}")
        doc = records[0]
    if isinstance(doc, dict) and isinstance(doc.get("settings"), dict):
        doc = doc["settings"]
    if not isinstance(doc, dict):
        raise SettingsError(f"{path}: expected a JSON object of Lightroom settings")
    settings = _only_sliders(doc, str(path))
    if not settings:
        raise SettingsError(f"{path} holds no develop settings (Lightroom names such as "
                            "Exposure2012)")
    return settings


def settings_from_xmp(photo: Path, exiftool: ExifToolSession) -> dict[str, float]:
    """The ``crs:`` global settings the photo's sidecar or embedded XMP holds.

    ``Temperature``/``Tint`` are only taken when ``crs:WhiteBalance`` is ``Custom`` (an
    "As Shot" file's numbers describe the camera, not an edit).

    Raises:
        SettingsError: no XMP with develop settings.
        xmp.packet.XmpError: the packet is unsafe or unreadable.
    """
    packets = []
    mode, sidecar = destination(photo, sidecar=True)
    if sidecar.exists() and (mode == "sidecar" or photo.suffix.lower() not in EMBEDDABLE):
        packets.append(Packet.parse(sidecar.read_bytes()))
    if photo.suffix.lower() in EMBEDDABLE and (data := exiftool.read_xmp(photo)):
        packets.append(Packet.parse(data))
    for packet in packets:
        found = packet.properties("crs")
        if found.get("WhiteBalance", "Custom") != "Custom":
            for key in ("Temperature", "Tint"):
                found.pop(key, None)
        settings = _only_sliders(found, f"XMP of {photo.name}")
        if settings:
            return settings
    raise SettingsError(f"{photo.name} has no develop settings in its XMP")

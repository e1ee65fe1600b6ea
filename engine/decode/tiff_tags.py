"""A minimal TIFF tag reader for raw files Pillow cannot open (camera facts only).

Reads IFD0 (Make, Model, Orientation) and the EXIF IFD (exposure, aperture, ISO, flash,
focal length) of TIFF-based raws such as DNG, NEF, CR2, ARW — no pixel data.
"""

from __future__ import annotations

import struct
from typing import Any

__all__ = ["read_tiff_facts"]

_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8, 11: 4, 12: 8}
_MAX_ENTRIES = 1000


def _ifd(buf: bytes, offset: int, end: str) -> dict[int, Any]:
    tags: dict[int, Any] = {}
    if offset <= 0 or offset + 2 > len(buf):
        return tags
    (count,) = struct.unpack_from(end + "H", buf, offset)
    for i in range(min(count, _MAX_ENTRIES)):
        pos = offset + 2 + 12 * i
        if pos + 12 > len(buf):
            break
        tag, typ, n = struct.unpack_from(end + "HHI", buf, pos)
        size = _TYPE_SIZES.get(typ, 0) * n
        data_pos = pos + 8 if size <= 4 else struct.unpack_from(end + "I", buf, pos + 8)[0]
        if size == 0 or data_pos + size > len(buf):
            continue
        raw = buf[data_pos : data_pos + size]
        if typ == 2:
            tags[tag] = raw.split(b"\x00", 1)[0].decode("latin-1").strip()
        elif typ == 3:
            tags[tag] = struct.unpack_from(end + "H", raw)[0]
        elif typ == 4:
            tags[tag] = struct.unpack_from(end + "I", raw)[0]
        elif typ in (5, 10):
            num, den = struct.unpack_from(end + ("II" if typ == 5 else "ii"), raw)
            tags[tag] = num / den if den else None
    return tags


def read_tiff_facts(head: bytes) -> dict[str, Any]:
    """`PhotoInfo` keyword arguments from the first bytes (≥ 64 KiB) of a TIFF-based file."""
    if head[:4] not in (b"II*\x00", b"MM\x00*"):
        return {}
    end = "<" if head[:2] == b"II" else ">"
    ifd0 = _ifd(head, struct.unpack_from(end + "I", head, 4)[0], end)
    exif = _ifd(head, ifd0.get(0x8769, 0), end) if isinstance(ifd0.get(0x8769), int) else {}
    facts: dict[str, Any] = {}
    for key, tag in (("camera_make", 0x010F), ("camera_model", 0x0110)):
        if isinstance(ifd0.get(tag), str) and ifd0[tag]:
            facts[key] = ifd0[tag]
    for key, tag in (
        ("exposure_time_s", 0x829A), ("f_number", 0x829D), ("iso", 0x8827),
        ("focal_length_mm", 0x920A),
    ):
        value = exif.get(tag)
        if isinstance(value, (int, float)) and value > 0:
            facts[key] = float(value)
    if isinstance(exif.get(0x9209), int):
        facts["flash_fired"] = bool(exif[0x9209] & 1)
    return facts

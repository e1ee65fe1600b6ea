"""Undo Atelier's last write: restore every ``crs:`` key it changed, drop its masks and
its critique (restoring the rating it replaced).

`xmp.lightroom.apply_develop_settings` keeps what each key held before in
``atelier:Previous`` (``null`` = the key did not exist) and `set_mask_group` lists its
corrections in ``atelier:MaskCorrections``; reverting puts the old values back, removes
the keys Atelier added and its corrections (the user's own masks stay), then removes the
``atelier:`` provenance.  Files are written with the same safety as `xmp.write`.
"""

from __future__ import annotations

import json
from pathlib import Path

from xmp.critique import revert_critique
from xmp.exiftool import ExifToolSession
from xmp.lightroom import remove_atelier_corrections
from xmp.packet import Packet, XmpError
from xmp.write import (
    EMBEDDABLE,
    FileChangedError,
    WriteResult,
    atomic_write,
    destination,
    fingerprint,
)

__all__ = ["PROVENANCE_KEYS", "revert_packet", "revert_photo"]

#: The ``atelier:`` properties a write adds.
PROVENANCE_KEYS = ("Backend", "EngineVersion", "Previous", "Reasons", "MaskCorrections")


def revert_packet(packet: Packet) -> bool:
    """Revert ``packet`` in place; True if Atelier had written to it.

    Raises:
        XmpError: ``atelier:Previous`` is not the JSON object Atelier writes.
    """
    text = packet.get("atelier", "Previous")
    touched = text is not None or packet.get("atelier", "MaskCorrections") is not None
    touched = revert_critique(packet) or touched
    if text is not None:
        try:
            previous = json.loads(text)
        except json.JSONDecodeError:
            raise XmpError("atelier:Previous is not valid JSON; cannot revert") from None
        if not isinstance(previous, dict):
            raise XmpError("atelier:Previous is not a JSON object; cannot revert")
        for name, value in previous.items():
            if value is None:
                packet.remove("crs", name)
            else:
                packet.set("crs", name, str(value))
    remove_atelier_corrections(packet)
    for name in PROVENANCE_KEYS:
        packet.remove("atelier", name)
    return touched


def _revert_sidecar(path: Path, dry_run: bool) -> WriteResult | None:
    before = fingerprint(path)
    if before is None:
        return None
    packet = Packet.parse(path.read_bytes())
    if not revert_packet(packet):
        return None
    if not dry_run:
        if fingerprint(path) != before:
            raise FileChangedError(f"{path.name} changed while Atelier worked; skipped")
        atomic_write(path, packet.to_bytes())
    return WriteResult(path, "sidecar", True)


def _revert_embedded(photo: Path, et: ExifToolSession, dry_run: bool) -> WriteResult | None:
    before = fingerprint(photo)
    data = et.read_xmp(photo)
    if before is None or not data:
        return None
    packet = Packet.parse(data)
    if not revert_packet(packet):
        return None
    if not dry_run:
        if fingerprint(photo) != before:
            raise FileChangedError(f"{photo.name} changed while Atelier worked; skipped")
        et.embed_xmp(photo, packet.to_bytes())
    return WriteResult(photo, "embedded", True)


def revert_photo(
    photo: Path, *, exiftool: ExifToolSession, dry_run: bool = False
) -> list[WriteResult]:
    """Revert Atelier's last write to ``photo``'s sidecar and/or embedded XMP.

    Returns:
        the files that were (or, with ``dry_run``, would be) reverted; empty when
        Atelier never wrote to this photo.

    Raises:
        FileChangedError: a file changed while reverting; it is left as it was.
        XmpError: a packet is unsafe or unreadable.
        FileNotFoundError: ``photo`` does not exist.
    """
    if not photo.exists():
        raise FileNotFoundError(f"no such photo: {photo}")
    results = []
    # a JPEG whose raw twin owns <stem>.xmp must not revert the raw's settings
    mode, sidecar = destination(photo, sidecar=True)
    if mode == "sidecar" and (side := _revert_sidecar(sidecar, dry_run)) is not None:
        results.append(side)
    embeddable = photo.suffix.lower() in EMBEDDABLE
    if embeddable and (inside := _revert_embedded(photo, exiftool, dry_run)) is not None:
        results.append(inside)
    return results

"""Reading the user's already-edited photos: their Lightroom ``crs:`` settings and pixels.

Where the settings are (Lightroom's own conventions):

- proprietary raw (NEF, CR3, …): the ``<stem>.xmp`` sidecar;
- JPEG, TIFF, PNG, DNG: the XMP embedded in the file (read with ExifTool), else a
  ``<stem>.xmp`` sidecar — unless a raw file shares the stem, whose sidecar that is.

A photo is an example only if its XMP holds at least one PV2012 global slider
(`xmp.vocabulary.GLOBAL_SLIDERS`).  Skipped, each with a reason: no XMP or no ``crs:``
settings; ``crs:HasSettings="False"``; settings of the 2010 or older process version
only (``Exposure`` instead of ``Exposure2012``: other units); an *export* — a rendered
file whose ``crs:RawFileName`` names another file, so its pixels already carry the edit.

The pixels decoded (`engine.decode.decode_photo`) are the unedited photo, because
Lightroom settings never change the file's image data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from xmp.exiftool import ExifToolSession
from xmp.packet import Packet, XmpError
from xmp.vocabulary import GLOBAL_SLIDERS

__all__ = ["PHOTO_EXTENSIONS", "EditedSettings", "find_photos", "read_edit", "settings_from_packet"]

_EMBEDDABLE = {".jpg", ".jpeg", ".tif", ".tiff", ".png", ".dng"}
_RAW = {
    ".nef", ".nrw", ".cr2", ".cr3", ".crw", ".arw", ".srf", ".sr2", ".raf", ".orf", ".rw2",
    ".pef", ".srw", ".3fr", ".iiq", ".erf", ".kdc", ".mef", ".mos", ".mrw", ".x3f", ".gpr",
    ".rwl",
}
#: Extensions `find_photos` picks up in folders (lower case).
PHOTO_EXTENSIONS = frozenset(_EMBEDDABLE | _RAW)
_SLIDERS = {s.name for s in GLOBAL_SLIDERS}
_NO_XMP = "no XMP metadata (no Lightroom develop settings)"
_OLD_PROCESS = {"Exposure", "Contrast", "Highlights", "Shadows", "Clarity", "Blacks"}


@dataclass(frozen=True)
class EditedSettings:
    """A photo's Lightroom settings, or why it has none usable.

    Attributes:
        settings: Lightroom name → value in slider units (PV2012 global sliders only);
            empty when skipped.
        source: ``"embedded"`` or ``"sidecar"`` (where they were read), "" when skipped.
        skip_reason: why the photo is not an example ("" = it is one).
    """

    settings: dict[str, float]
    source: str = ""
    skip_reason: str = ""


def find_photos(paths: Iterable[Path]) -> Iterator[Path]:
    """Photos named or found (recursively, sorted) under folders; each once.

    Raises:
        FileNotFoundError: a path that does not exist.
    """
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.suffix.lower() in PHOTO_EXTENSIONS
                           and not p.name.startswith("."))
        elif path.is_file():
            found = [path]
        else:
            raise FileNotFoundError(f"no such photo or folder: {path}")
        for p in found:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                yield p


def settings_from_packet(packet: Packet) -> tuple[dict[str, float], str]:
    """The PV2012 global slider values in a packet, and a skip reason if unusable."""
    crs = packet.properties("crs")
    if not crs:
        return {}, "no Lightroom develop settings (crs:) in its XMP"
    if crs.get("HasSettings", "").lower() == "false":
        return {}, "crs:HasSettings is False (Lightroom settings were reset)"
    settings: dict[str, float] = {}
    for name, text in crs.items():
        if name in _SLIDERS:
            try:
                settings[name] = float(text.strip())
            except ValueError:
                continue  # an unreadable value is not a setting
    if not settings:
        if _OLD_PROCESS & crs.keys():
            return {}, "settings of the 2010 process version or older (update the photo " \
                       "to the current process in Lightroom)"
        return {}, "no Lightroom develop sliders in its crs: settings"
    return settings, ""


def _is_export(packet: Packet, photo: Path) -> bool:
    """A rendered file whose settings were copied from another (raw) file on export."""
    raw_name = packet.get("crs", "RawFileName")
    return raw_name is not None and Path(raw_name).name.lower() != photo.name.lower()


def _raw_twin(photo: Path) -> bool:
    return any(photo.with_suffix(e).exists() or photo.with_suffix(e.upper()).exists()
               for e in _RAW)


def _from_bytes(data: bytes, photo: Path, source: str, rendered: bool) -> EditedSettings:
    try:
        packet = Packet.parse(data)
    except XmpError as exc:
        return EditedSettings({}, skip_reason=f"unreadable XMP ({source}): {exc}")
    settings, reason = settings_from_packet(packet)
    if reason:
        return EditedSettings({}, skip_reason=reason)
    if rendered and _is_export(packet, photo):
        return EditedSettings({}, skip_reason=(
            f"an export of {packet.get('crs', 'RawFileName')}: its pixels already carry the "
            "edit (learn from the original instead)"))
    return EditedSettings(settings, source)


def read_edit(photo: Path, exiftool: ExifToolSession) -> EditedSettings:
    """The Lightroom settings of one photo (see the module docstring for where)."""
    ext = photo.suffix.lower()
    sidecar = photo.with_suffix(".xmp")
    embedded: EditedSettings | None = None
    if ext in _EMBEDDABLE:
        data = exiftool.read_xmp(photo)
        if data:
            embedded = _from_bytes(data, photo, "embedded", ext != ".dng")
            if not embedded.skip_reason:
                return embedded
        if _raw_twin(photo):  # the sidecar belongs to the raw file of the same name
            return embedded or EditedSettings({}, skip_reason=_NO_XMP)
    if sidecar.is_file():
        side = _from_bytes(sidecar.read_bytes(), photo, "sidecar", False)
        if not side.skip_reason or embedded is None:
            return side
    return embedded or EditedSettings({}, skip_reason=(
        "no XMP sidecar (no Lightroom develop settings)" if ext in _RAW else _NO_XMP))

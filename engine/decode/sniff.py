"""Recognise photo formats from their first bytes (no numpy, no torch: the bridge uses it).

Extensions lie; magic numbers do not.  TIFF-based raw formats (DNG, NEF, CR2, ARW, ...)
share TIFF's header, so they are told apart by extension only once the content says TIFF.
"""

from __future__ import annotations

__all__ = ["HEAD_BYTES", "RAW_EXTENSIONS", "sniff_format"]

#: How many leading bytes `sniff_format` needs.
HEAD_BYTES = 16

#: Camera raw extensions (lower case, with dot) and their format names.
RAW_EXTENSIONS: dict[str, str] = {
    ".dng": "DNG", ".nef": "NEF", ".nrw": "NEF", ".cr2": "CR2", ".cr3": "CR3", ".crw": "CRW",
    ".arw": "ARW", ".srf": "ARW", ".sr2": "ARW", ".raf": "RAF", ".orf": "ORF", ".rw2": "RW2",
    ".pef": "PEF", ".srw": "SRW", ".3fr": "3FR", ".iiq": "IIQ", ".erf": "ERF", ".kdc": "KDC",
    ".mef": "MEF", ".mos": "MOS", ".mrw": "MRW", ".x3f": "X3F", ".gpr": "GPR", ".rwl": "RWL",
}


def sniff_format(head: bytes, file_name: str = "") -> str | None:
    """The format of a file from its first `HEAD_BYTES` bytes, or None if not a photo.

    Args:
        head: the file's first bytes (at least 16 for every format to be recognised).
        file_name: used only to name TIFF-based raw formats (``.nef`` → ``"NEF"``).

    Returns:
        ``"JPEG"``, ``"PNG"``, ``"TIFF"``, a raw name from `RAW_EXTENSIONS`, or None.
    """
    ext = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return RAW_EXTENSIONS.get(ext, "TIFF")
    if head[:4] == b"IIRO" or head[:4] == b"IIRS":  # Olympus ORF variants
        return "ORF"
    if head[:4] == b"IIU\x00":  # Panasonic RW2
        return "RW2"
    if head.startswith(b"FUJIFILMCCD-RAW"):
        return "RAF"
    if head[4:8] == b"ftyp" and head[8:12] == b"crx ":
        return "CR3"
    if head.startswith(b"II\x1a\x00\x00\x00HEAPCCDR"):
        return "CRW"
    return None

"""XMP: read, merge and write develop settings safely (Lightroom crs:, darktable).

No ML in here.  The develop vocabulary (`xmp.vocabulary`) is the one source of slider
names, units and ranges for all of Atelier.
"""

from xmp.exiftool import ExifToolSession
from xmp.lightroom import Provenance, apply_develop_settings
from xmp.packet import Packet, XmpError
from xmp.write import FileChangedError, WriteResult, destination, write_develop_settings

__all__ = [
    "ExifToolSession",
    "FileChangedError",
    "Packet",
    "Provenance",
    "WriteResult",
    "XmpError",
    "apply_develop_settings",
    "destination",
    "write_develop_settings",
]

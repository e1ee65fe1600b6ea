"""ICC v2 display profiles for the output colour spaces, built from colour-science data.

Pillow's LittleCMS binding only creates sRGB; the other spaces are matrix/TRC profiles
written here: D50 PCS, Bradford-adapted primaries (``rXYZ``/``gXYZ``/``bXYZ``), and the
space's transfer curve as ``curv`` (a pure gamma for Adobe RGB, a 1024-entry table for
the sRGB curve of Display P3 and ProPhoto's linear-toe gamma 1.8).  LittleCMS parses
them and round-trips colours against colour-science (tests/test_develop_encode.py).
"""

from __future__ import annotations

import struct
from functools import cache

import colour
import numpy as np
from PIL import ImageCms

__all__ = ["SPACES", "icc_profile"]

#: Output space name → colour-science colourspace name.
SPACES = {
    "sRGB": "sRGB",
    "Display P3": "Display P3",
    "Adobe RGB": "Adobe RGB (1998)",
    "ProPhoto RGB": "ProPhoto RGB",
}
_D50 = (0.9642, 1.0, 0.8249)


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _xyz(xyz: tuple[float, ...] | np.ndarray) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(_s15(float(c)) for c in xyz)


def _desc(text: str) -> bytes:
    ascii_ = text.encode("ascii") + b"\0"
    return (b"desc\0\0\0\0" + struct.pack(">I", len(ascii_)) + ascii_
            + b"\0" * 8 + b"\0\0\0" + b"\0" * 67)


def _curve(space: str) -> bytes:
    if space == "Adobe RGB":
        return b"curv\0\0\0\0" + struct.pack(">IH", 1, 563)  # u8Fixed8 2.19921875
    x = np.linspace(0, 1, 1024)
    if space == "ProPhoto RGB":
        y = np.where(x < 16 / 512, x / 16, x ** 1.8)
    else:
        y = np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)
    table = np.round(np.clip(y, 0, 1) * 65535).astype(">u2").tobytes()
    return b"curv\0\0\0\0" + struct.pack(">I", 1024) + table


def _pad(b: bytes) -> bytes:
    return b + b"\0" * (-len(b) % 4)


def _matrix_profile(space: str) -> bytes:
    cs = colour.RGB_COLOURSPACES[SPACES[space]]
    white = colour.xy_to_XYZ(cs.whitepoint)
    cat = colour.adaptation.matrix_chromatic_adaptation_VonKries(
        white, np.array(_D50), transform="Bradford"
    )
    m = cat @ cs.matrix_RGB_to_XYZ  # columns: D50-adapted XYZ of R, G, B
    curve = _curve(space)
    tags = [
        (b"desc", _desc(f"Atelier {space}")),
        (b"cprt", b"text\0\0\0\0" + b"No copyright, use freely\0"),
        (b"wtpt", _xyz(_D50)),
        (b"rXYZ", _xyz(m[:, 0])), (b"gXYZ", _xyz(m[:, 1])), (b"bXYZ", _xyz(m[:, 2])),
        (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    seen: dict[bytes, int] = {}
    for sig, data in tags:
        if data in seen:  # the three TRCs share one curve
            at = seen[data]
        else:
            at = offset + len(body)
            seen[data] = at
            body += _pad(data)
        table += sig + struct.pack(">II", at, len(data))
    size = offset + len(body)
    header = (struct.pack(">I", size) + b"lcms" + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ "
              + struct.pack(">6H", 2026, 1, 1, 0, 0, 0) + b"acsp" + b"\0" * 24
              + struct.pack(">I", 0) + b"".join(_s15(c) for c in _D50) + b"\0" * 48)
    return header + struct.pack(">I", len(tags)) + table + body


@cache
def icc_profile(space: str) -> bytes:
    """ICC profile bytes for ``space`` (one of `SPACES`)."""
    if space not in SPACES:
        raise ValueError(f"colour space {space!r} is not one of {', '.join(SPACES)}")
    if space == "sRGB":
        return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    return _matrix_profile(space)

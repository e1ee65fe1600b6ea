"""Encoded RGB of a declared colour space → scene-linear sRGB (Rec. 709 primaries, D65).

Atelier works in linear sRGB primaries throughout; wider-gamut inputs keep values
outside 0..1 (negative or > 1) rather than being clipped.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

from engine.color._colour import colour
from engine.color.transfer import srgb_to_linear

__all__ = ["SUPPORTED_SPACES", "to_linear_srgb"]

#: Declared space name → colour-science RGB colourspace name.
SUPPORTED_SPACES = {
    "sRGB": "sRGB",
    "Display P3": "Display P3",
    "Adobe RGB": "Adobe RGB (1998)",
    "ProPhoto RGB": "ProPhoto RGB",
}


@cache
def _matrix_to_srgb(space: str) -> NDArray[np.float32]:
    source = colour.RGB_COLOURSPACES[SUPPORTED_SPACES[space]]
    target = colour.RGB_COLOURSPACES["sRGB"]
    m = colour.matrix_RGB_to_RGB(source, target, chromatic_adaptation_transform="Bradford")
    return np.asarray(m, dtype=np.float32)


def _decode_transfer(encoded: NDArray[np.floating], space: str) -> NDArray[np.float32]:
    """``space``'s transfer function decoded: encoded 0..1 → linear, same primaries."""
    if space in ("sRGB", "Display P3"):  # both use the sRGB transfer curve
        return srgb_to_linear(encoded)
    rgb_space = colour.RGB_COLOURSPACES[SUPPORTED_SPACES[space]]
    return np.asarray(rgb_space.cctf_decoding(np.asarray(encoded)), dtype=np.float32)


@cache
def _transfer_table(space: str) -> NDArray[np.float32]:
    """`_decode_transfer` of the 256 8-bit code values (a look-up beats a power per pixel)."""
    return _decode_transfer(np.arange(256, dtype=np.float32) / 255.0, space)


def to_linear_srgb(encoded: NDArray[np.generic], space: str = "sRGB") -> NDArray[np.float32]:
    """Encoded RGB (..., 3) in ``space`` → linear sRGB primaries, float32.

    Args:
        encoded: array of shape (..., 3): floats 0..1, or uint8 code values 0..255
            (decoded through a 256-entry table of the same transfer function).
        space: one of `SUPPORTED_SPACES`.
    """
    if space not in SUPPORTED_SPACES:
        raise ValueError(f"colour space {space!r} is not one of {', '.join(SUPPORTED_SPACES)}")
    if encoded.dtype == np.uint8:
        linear = _transfer_table(space)[encoded]
    else:
        linear = _decode_transfer(np.asarray(encoded, dtype=np.float32), space)
    if space == "sRGB":
        return linear
    return np.asarray(linear @ _matrix_to_srgb(space).T, dtype=np.float32)

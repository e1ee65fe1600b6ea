"""Rendered photos (JPEG, PNG, TIFF; 8 and 16 bit) with Pillow → scene-linear sRGB.

Analysis decodes use JPEG draft mode: the DCT scales the image down by 1/2..1/8 while
decoding, so a 12 MP JPEG's thumbnail costs a fraction of a full decode.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageCms, UnidentifiedImageError

from engine.color.spaces import to_linear_srgb
from engine.decode.exif import exif_facts, orient_array
from engine.decode.types import DecodedPhoto, PhotoInfo
from engine.errors import CorruptPhoto, PhotoTooLarge

__all__ = ["MAX_PIXELS", "decode_rendered"]

#: Largest image accepted, in pixels (a decompression-bomb guard; 400 MP).
MAX_PIXELS = 400_000_000

_ICC_NAMES = {"display p3": "Display P3", "adobe rgb": "Adobe RGB", "prophoto": "ProPhoto RGB"}


def _declared_space(image: Image.Image) -> str:
    icc = image.info.get("icc_profile")
    if not icc:
        return "sRGB"
    try:
        desc = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).lower()
    except (OSError, ImageCms.PyCMSError):
        return "sRGB"
    return next((space for key, space in _ICC_NAMES.items() if key in desc), "sRGB")


def _encoded_pixels(image: Image.Image) -> tuple[NDArray[np.generic], int]:
    """Pixels as (H, W, 3) — uint8 code values for 8-bit sources, float32 0..1 for
    16-bit ones — and the bits per sample of the source."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        a = np.asarray(image, dtype=np.float32) / 65535.0
        return np.repeat(np.clip(a, 0, 1)[..., None], 3, axis=2), 16
    if mode.startswith("RGB;16") or mode == "RGBA;16":
        a = np.asarray(image, dtype=np.float32)[..., :3] / 65535.0
        return a, 16
    return np.asarray(image if mode == "RGB" else image.convert("RGB")), 8


def _shrink(image: Image.Image, long_side: int) -> Image.Image:
    """``image`` with its long side at most ``long_side`` px (never enlarged).

    A 2×2 box average first while the image is still twice the target (cheap, and what
    a bilinear filter that wide would do anyway), then one bilinear resize.
    """
    factor = max(image.size) // (2 * long_side)
    if factor >= 1:
        image = image.reduce(2 * factor)
    if max(image.size) > long_side:
        image.thumbnail((long_side, long_side), Image.Resampling.BILINEAR)
    return image


def decode_rendered(data: bytes | Path, fmt: str, long_side: int | None) -> DecodedPhoto:
    """Decode a rendered photo.

    Args:
        data: file bytes or a path.
        fmt: the sniffed format (``"JPEG"``, ``"PNG"``, ``"TIFF"``).
        long_side: analysis size in px (the result's long side is at most this, never
            upscaled), or None for full resolution.

    Raises:
        CorruptPhoto: truncated or undecodable data.
        PhotoTooLarge: more than `MAX_PIXELS` pixels.
    """
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source)
    except UnidentifiedImageError:
        raise CorruptPhoto(f"not a readable {fmt} file: Pillow cannot identify it") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise CorruptPhoto(f"damaged {fmt} header: {exc}") from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise PhotoTooLarge(str(exc)) from None
    with image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise PhotoTooLarge(
                f"{width}×{height} px is {width * height / 1e6:.0f} MP, over the "
                f"{MAX_PIXELS / 1e6:.0f} MP limit"
            )
        facts = exif_facts(image)
        space = _declared_space(image)
        if long_side and fmt == "JPEG":
            image.draft("RGB", (long_side, long_side))
        try:
            image.load()
        except OSError as exc:
            msg = str(exc)
            if "truncated" in msg or "broken data stream" in msg or "premature" in msg.lower():
                raise CorruptPhoto(f"truncated {fmt}: the image data ends early ({msg})") from None
            raise CorruptPhoto(f"damaged {fmt}: {msg}") from None
        except (SyntaxError, ValueError) as exc:
            raise CorruptPhoto(f"damaged {fmt}: {exc}") from None
        pixels, bits = _encoded_pixels(_shrink(image, long_side) if long_side else image)
    orientation = facts.pop("orientation", 1)
    # Wide-gamut (P3, Adobe RGB) colours outside sRGB's gamut come out slightly negative;
    # the working space is linear sRGB primaries, so they are clipped onto its gamut.
    linear = np.maximum(to_linear_srgb(orient_array(pixels, orientation), space), 0.0)
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    info = PhotoInfo(
        width=width, height=height, orientation=orientation, is_raw=False, format=fmt,
        bits_per_sample=bits, decoder="pillow-draft" if long_side and fmt == "JPEG" else "pillow",
        color_space=space, **facts,
    )
    return DecodedPhoto(np.ascontiguousarray(linear, dtype=np.float32), info)

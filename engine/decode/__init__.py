"""Decode photos into scene-linear light: rendered files with Pillow, raw with rawpy."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from atelier.v1 import engine_pb2 as pb
from engine.decode.sniff import HEAD_BYTES, RAW_EXTENSIONS, sniff_format
from engine.decode.types import DecodedPhoto, PhotoInfo, RawColour
from engine.errors import CorruptPhoto, PhotoNotFound, PhotoPermissionDenied, UnsupportedPhoto

__all__ = [
    "DEFAULT_ANALYSIS_SIZE",
    "DecodedPhoto",
    "PhotoInfo",
    "RawColour",
    "decode_full",
    "decode_photo",
    "photo_info_to_proto",
    "sniff_format",
]

#: Long side of the analysis thumbnail, px.
DEFAULT_ANALYSIS_SIZE = 512
_RENDERED = {"JPEG", "PNG", "TIFF"}


def _read_head(source: Path | bytes) -> bytes:
    if isinstance(source, bytes):
        return source[:HEAD_BYTES]
    try:
        if not source.is_file():
            raise PhotoNotFound(f"no such photo: {source}")
        with open(source, "rb") as f:
            return f.read(HEAD_BYTES)
    except PermissionError:
        raise PhotoPermissionDenied(f"permission denied reading {source}") from None
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise PhotoNotFound(f"no such photo: {source}") from None
        raise CorruptPhoto(f"cannot read {source}: {os.strerror(exc.errno or 0)}") from None


def _decode(source: Path | bytes, file_name: str | None, long_side: int | None) -> DecodedPhoto:
    name = file_name or (source.name if isinstance(source, Path) else "")
    head = _read_head(source)
    if not head:
        raise CorruptPhoto("zero-byte file: there is no image in it")
    fmt = sniff_format(head, name)
    if fmt is None:
        raise UnsupportedPhoto(
            f"not a photo Atelier reads (JPEG, PNG, TIFF or camera raw); starts with {head[:8]!r}"
        )
    if fmt in _RENDERED:
        from engine.decode.rendered import decode_rendered

        return decode_rendered(source, fmt, long_side)
    if fmt in set(RAW_EXTENSIONS.values()):
        from engine.decode.raw import decode_raw

        return decode_raw(source, fmt, long_side)
    raise UnsupportedPhoto(f"{fmt} files are not supported")


def decode_photo(
    source: Path | bytes, *, file_name: str | None = None, long_side: int = DEFAULT_ANALYSIS_SIZE
) -> DecodedPhoto:
    """Decode a photo's analysis thumbnail in scene-linear light.

    Args:
        source: a path, or the file's bytes.
        file_name: the original name when ``source`` is bytes (names TIFF-based raws).
        long_side: thumbnail long side, px, 16..16384 (never upscaled).

    Raises:
        engine.errors.PhotoError: a subclass naming what is wrong with this photo.
    """
    if not 16 <= long_side <= 16384:
        raise ValueError(f"long_side={long_side} is outside 16..16384 px")
    return _decode(Path(source) if isinstance(source, str) else source, file_name, long_side)


def decode_full(source: Path | bytes, *, file_name: str | None = None) -> DecodedPhoto:
    """Decode a photo at full resolution in scene-linear light (for rendering)."""
    return _decode(Path(source) if isinstance(source, str) else source, file_name, None)


def photo_info_to_proto(info: PhotoInfo) -> pb.ImageInfo:
    """`PhotoInfo` → ``atelier.v1.ImageInfo`` (unknown optional fields left unset)."""
    msg = pb.ImageInfo()
    for field, value in vars(info).items():
        if value is not None:
            setattr(msg, field, value)
    return msg

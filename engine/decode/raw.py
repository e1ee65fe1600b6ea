"""Camera raw and raw DNG with rawpy (LibRaw) → scene-linear sRGB with as-shot white.

Analysis uses the embedded JPEG preview when it is at least the requested size (fast,
already rendered by the camera); otherwise a half-size linear demosaic (no gamma, no
auto-brightening, as-shot white balance, sRGB primaries).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import rawpy
from numpy.typing import NDArray

from engine.color.white_balance import duv_to_tint, raw_as_shot_white, xy_to_cct_duv
from engine.decode.rendered import decode_rendered
from engine.decode.tiff_tags import read_tiff_facts
from engine.decode.types import DecodedPhoto, PhotoInfo, RawColour
from engine.errors import CorruptPhoto, UnsupportedPhoto

__all__ = ["decode_raw"]

# LibRaw's flip code → EXIF orientation.
_FLIP_TO_ORIENTATION = {0: 1, 3: 3, 5: 8, 6: 6}


def _open(data: bytes | Path) -> Any:
    return rawpy.imread(io.BytesIO(data) if isinstance(data, bytes) else str(data))


def _unsupported(fmt: str) -> UnsupportedPhoto:
    hint = ""
    if fmt == "GPR":
        hint = ": GoPro GPR is VC-5 compressed; convert it to DNG with GoPro's gpr_tools"
    return UnsupportedPhoto(f"LibRaw cannot read this {fmt} file{hint}")


def _colour(raw: Any) -> RawColour | None:
    try:
        shot = np.asarray(raw.camera_whitebalance, dtype=np.float64)[:3]
        day = np.asarray(raw.daylight_whitebalance, dtype=np.float64)[:3]
        rgb_cam = np.asarray(raw.color_matrix, dtype=np.float64)[:3, :3]
        if np.all(shot > 0) and np.all(day > 0) and np.any(rgb_cam):
            xy = raw_as_shot_white(shot, day, rgb_cam)
            return RawColour(
                tuple(shot / shot[1]), tuple(day / day[1]),
                tuple(tuple(r) for r in rgb_cam), (float(xy[0]), float(xy[1])),
            )
    except (ValueError, IndexError):
        pass
    return None


def _head(data: bytes | Path, size: int = 1 << 18) -> bytes:
    if isinstance(data, bytes):
        return data[:size]
    with open(data, "rb") as f:
        return f.read(size)


def _check_has_raw_data(raw: Any, file_size: int, fmt: str) -> None:
    """Reject metadata-only or truncated files: even compressed raws need ≥ 0.1 B/pixel."""
    pixels = int(raw.sizes.raw_width) * int(raw.sizes.raw_height)
    if file_size < pixels // 10:
        raise CorruptPhoto(
            f"this {fmt} file is {file_size / 1024:.0f} KiB but declares a "
            f"{raw.sizes.raw_width}×{raw.sizes.raw_height} sensor: its image data is missing "
            "(metadata-only or truncated file)"
        )


def _area_downscale(image: NDArray[np.float32], long_side: int) -> NDArray[np.float32]:
    """Box-filter downscale in linear light by an integer factor (≥ long_side kept)."""
    factor = max(1, max(image.shape[:2]) // long_side)
    if factor == 1:
        return image
    h, w = (image.shape[0] // factor) * factor, (image.shape[1] // factor) * factor
    blocks = image[:h, :w].reshape(h // factor, factor, w // factor, factor, 3)
    return np.asarray(blocks.mean(axis=(1, 3)), dtype=np.float32)


def decode_raw(data: bytes | Path, fmt: str, long_side: int | None) -> DecodedPhoto:
    """Decode a camera raw or raw DNG.

    Args:
        data: file bytes or a path.
        fmt: the sniffed format (``"DNG"``, ``"NEF"``, …).
        long_side: analysis size in px, or None for a full-resolution decode.

    Raises:
        UnsupportedPhoto: LibRaw does not know the format (e.g. GoPro GPR).
        CorruptPhoto: the file is damaged or holds no raw data (metadata-only stubs).
    """
    file_size = len(data) if isinstance(data, bytes) else data.stat().st_size
    try:
        with _open(data) as raw:
            _check_has_raw_data(raw, file_size, fmt)
            return _decode_open_raw(raw, data, fmt, long_side)
    except rawpy.LibRawFileUnsupportedError:
        raise _unsupported(fmt) from None
    except (rawpy.LibRawError, OSError) as exc:
        raise CorruptPhoto(f"rawpy could not decode this {fmt} file: {exc}") from None


def _decode_open_raw(
    raw: Any, data: bytes | Path, fmt: str, long_side: int | None
) -> DecodedPhoto:
    colour = _colour(raw)
    facts = read_tiff_facts(_head(data))
    orientation = _FLIP_TO_ORIENTATION.get(raw.sizes.flip, 1)
    width, height = raw.sizes.width, raw.sizes.height
    if orientation in (6, 8):
        width, height = height, width
    decoder = "rawpy-half" if long_side else "rawpy-full"
    linear = None
    if long_side:
        linear = _preview(raw, long_side)
        if linear is not None:
            decoder = "rawpy-preview"
    if linear is None:
        try:
            rgb16 = raw.postprocess(
                half_size=bool(long_side), use_camera_wb=True, no_auto_bright=True,
                gamma=(1, 1), output_bps=16, output_color=rawpy.ColorSpace.sRGB,
            )
        except (rawpy.LibRawError, ValueError, MemoryError) as exc:
            raise CorruptPhoto(f"rawpy could not demosaic this {fmt} file: {exc}") from None
        linear = rgb16.astype(np.float32) / 65535.0
        if long_side:
            linear = _area_downscale(linear, long_side)
    bits = int(np.log2(max(int(raw.white_level), 2)) + 0.999)
    temperature = tint = None
    if colour is not None:
        cct, duv = xy_to_cct_duv(np.asarray(colour.as_shot_xy))
        temperature, tint = cct, duv_to_tint(duv)
    info = PhotoInfo(
        width=width, height=height, orientation=orientation, is_raw=True, format=fmt,
        as_shot_temperature=temperature, as_shot_tint=tint, bits_per_sample=bits,
        decoder=decoder, color_space="camera", **facts,
    )
    return DecodedPhoto(np.ascontiguousarray(linear), info, colour)


def _preview(raw: Any, long_side: int) -> NDArray[np.float32] | None:
    """The embedded JPEG preview as linear sRGB, if one exists and is large enough."""
    try:
        thumb = raw.extract_thumb()
    except (rawpy.LibRawError, ValueError):
        return None
    if thumb.format != rawpy.ThumbFormat.JPEG:
        return None
    try:
        decoded = decode_rendered(bytes(thumb.data), "JPEG", long_side)
    except Exception:  # a broken preview falls back to demosaicing
        return None
    if max(decoded.linear.shape[:2]) < long_side:
        return None
    return decoded.linear

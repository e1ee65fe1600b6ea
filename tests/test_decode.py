"""Decoding: every file of the shared corpus, orientation, bit depths and bad input."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.decode import decode_full, decode_photo
from engine.errors import CorruptPhoto, PhotoError, PhotoNotFound, PhotoTooLarge, UnsupportedPhoto

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "photos"
CORPUS = sorted(p for p in SHARED.rglob("*") if p.is_file() and p.parent.name != "licenses"
                and p.suffix.lower() not in {".md", ".json", ".txt"})


def test_corpus_is_there() -> None:
    assert len(CORPUS) >= 40, f"expected the shared photos under {SHARED}"


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_shared_file_decodes_or_says_why(path: Path) -> None:
    try:
        photo = decode_photo(path, long_side=512)
    except PhotoError as exc:
        # metadata-only raw stubs and GoPro's VC-5 .gpr: a clear message, never a crash
        assert path.suffix.lower() == ".gpr" or "stubs" in str(path.parent)
        assert ("image data is missing" in str(exc)) or ("gpr_tools" in str(exc))
        return
    linear, info = photo.linear, photo.info
    assert linear.dtype == np.float32 and linear.ndim == 3 and linear.shape[2] == 3
    assert np.isfinite(linear).all() and linear.min() >= 0
    assert 300 <= max(linear.shape[:2]) <= 700  # about the 512 px analysis size
    assert info.is_raw == (path.suffix.lower() == ".dng")
    # the thumbnail keeps the displayed frame's aspect ratio
    assert linear.shape[1] / linear.shape[0] == pytest.approx(info.width / info.height, rel=0.02)
    if info.is_raw:
        assert photo.raw is not None and 2000 < (info.as_shot_temperature or 0) < 50000


def _jpeg_with_orientation(orientation: int) -> bytes:
    """A 60×40 JPEG, red on its stored left third, tagged with ``orientation``."""
    pixels = np.zeros((40, 60, 3), np.uint8)
    pixels[:, :20] = (255, 0, 0)
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


@pytest.mark.parametrize(("orientation", "shape", "red_at"), [
    (1, (40, 60), (20, 5)),     # as stored: red on the left
    (3, (40, 60), (20, 55)),    # 180°: red on the right
    (6, (60, 40), (5, 20)),     # 90° CW to display: stored left comes to the top
    (8, (60, 40), (55, 20)),    # 90° CCW: stored left goes to the bottom
])
def test_exif_orientation_gives_the_displayed_frame(
    orientation: int, shape: tuple[int, int], red_at: tuple[int, int],
) -> None:
    photo = decode_full(_jpeg_with_orientation(orientation), file_name="o.jpg")
    assert photo.linear.shape[:2] == shape
    assert photo.info.orientation == orientation
    assert (photo.info.height, photo.info.width) == shape
    r, g, _ = photo.linear[red_at]
    assert r > 0.5 and g < 0.1


def test_sixteen_bit_png_keeps_its_precision() -> None:
    ramp = np.linspace(0, 65535, 256 * 16, dtype=np.uint16).reshape(16, 256)
    out = io.BytesIO()
    Image.fromarray(ramp).save(out, "PNG")
    photo = decode_full(out.getvalue(), file_name="ramp.png")
    assert photo.info.bits_per_sample == 16
    assert len(np.unique(photo.linear[..., 0])) > 1000  # not quantised to 8 bits


def test_truncated_zero_byte_and_text_files_are_named(tmp_path: Path) -> None:
    data = _jpeg_with_orientation(1)
    with pytest.raises(CorruptPhoto, match="zero-byte"):
        decode_photo(b"", file_name="x.jpg")
    with pytest.raises(CorruptPhoto, match=r"(?i)truncated"):
        decode_photo(data[: len(data) // 2], file_name="x.jpg")
    with pytest.raises(UnsupportedPhoto, match="not a photo"):
        decode_photo(b"hello, I am text pretending to be a JPEG", file_name="x.jpg")
    with pytest.raises(PhotoNotFound):
        decode_photo(tmp_path / "missing.jpg")


def test_garbage_with_a_raw_extension_is_a_clear_error() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(PhotoError):
        decode_photo(b"II*\x00" + rng.bytes(50_000), file_name="broken.nef")


def _png_claiming(width: int, height: int) -> bytes:
    """A valid 1×1 PNG whose header (with a correct CRC) claims ``width × height``."""
    out = io.BytesIO()
    Image.new("RGB", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    chunk = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = chunk
    data[29:33] = struct.pack(">I", zlib.crc32(chunk))
    return bytes(data)


def test_absurd_dimensions_are_refused_before_allocating() -> None:
    with pytest.raises(PhotoTooLarge):
        decode_photo(_png_claiming(200_000, 200_000), file_name="huge.png")

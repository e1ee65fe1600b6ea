"""Derived files: new names, the original untouched, DerivedFrom readable by ExifTool."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from bridge.derived import derived_name, write_derived


def _tiff() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (120, 80, 40)).save(buf, "TIFF")
    return buf.getvalue()


@pytest.fixture
def original(tmp_path: Path, shared_photos: Path) -> Path:
    dst = tmp_path / "flower.jpg"
    shutil.copyfile(shared_photos / "photos" / "libjxl_flower_q85_444.jpg", dst)
    return dst


def test_derived_file_points_back_at_the_untouched_original(original: Path) -> None:
    before = hashlib.sha256(original.read_bytes()).hexdigest()
    first = write_derived(original, _tiff(), operation="denoise",
                          provenance={"backend": "classical/1", "operations": "denoise"})
    second = write_derived(original, _tiff(), operation="denoise")
    assert hashlib.sha256(original.read_bytes()).hexdigest() == before
    assert first.path.name == "flower.atelier-denoise-1.tif"
    assert second.path.name == "flower.atelier-denoise-2.tif"
    meta = json.loads(subprocess.run(
        ["exiftool", "-j", "-struct", "-XMP:all", str(first.path)],
        capture_output=True, text=True, check=True).stdout)[0]
    assert meta["DerivedFrom"]["FilePath"] == str(original.resolve())
    assert meta["DocumentID"] == first.document_id
    assert meta["CreatorTool"] == "Atelier"
    assert not list(original.parent.glob(".atelier-*")), "no temporary file left behind"


def test_failed_write_leaves_nothing(original: Path, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="ExifTool"):
        write_derived(original, b"not an image", operation="denoise", out_dir=tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_operation_names_are_checked() -> None:
    with pytest.raises(ValueError, match="operation"):
        derived_name(Path("a.jpg"), "../evil", 1, ".tif")

"""Writing Lightroom settings: merge, raw vs rendered keys, pixels untouched, safety."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from xmp import ExifToolSession, Packet, Provenance, XmpError, destination, write_develop_settings

PROV = Provenance("analytic/1", "0.1.0", {"Exposure2012": "dark photo"})


def _exif(path: Path) -> dict:
    out = subprocess.run(["exiftool", "-j", "-XMP:all", str(path)], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)[0]


def _pixels(path: Path) -> str:
    with Image.open(path) as im:
        return hashlib.sha256(np.asarray(im).tobytes()).hexdigest()


@pytest.fixture
def jpeg(tmp_path: Path, shared_photos: Path) -> Path:
    dst = tmp_path / "flower.jpg"
    shutil.copyfile(shared_photos / "photos" / "libjxl_flower_q85_444.jpg", dst)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-Rating=4",
                    "-XMP-dc:Subject=flowers", "-XMP-crs:Clarity2012=+12", str(dst)], check=True)
    return dst


def test_embedding_merges_and_keeps_pixels(jpeg: Path) -> None:
    pixels = _pixels(jpeg)
    with ExifToolSession() as et:
        result = write_develop_settings(
            jpeg, {"Exposure2012": 0.456, "Contrast2012": 8, "IncrementalTemperature": -7,
                   "IncrementalTint": 2}, is_raw=False, provenance=PROV, exiftool=et)
    assert result.mode == "embedded" and result.changed
    meta = _exif(jpeg)
    assert meta["Exposure2012"] == "+0.46"
    assert meta["WhiteBalance"] == "Custom" and meta["HasSettings"] is True
    assert meta["Rating"] == 4 and meta["Subject"] == "flowers" and meta["Clarity2012"] == "+12"
    assert "Temperature" not in meta
    assert _pixels(jpeg) == pixels


def test_second_identical_write_changes_nothing(jpeg: Path) -> None:
    settings = {"Exposure2012": 0.3, "IncrementalTemperature": 4, "IncrementalTint": 0}
    with ExifToolSession() as et:
        write_develop_settings(jpeg, settings, is_raw=False, provenance=PROV, exiftool=et)
        first = jpeg.read_bytes()
        again = write_develop_settings(jpeg, settings, is_raw=False, provenance=PROV, exiftool=et)
    assert not again.changed and jpeg.read_bytes() == first


@pytest.mark.parametrize("name", ["kodim05.png"])
def test_png_and_tiff_pixels_unchanged(tmp_path: Path, shared_photos: Path, name: str) -> None:
    png = tmp_path / name
    shutil.copyfile(shared_photos / "kodak" / name, png)
    tif = tmp_path / "beach.tif"
    with Image.open(shared_photos / "photos/kodak_pcd0992_img0012_16base_couple_beach.tif") as im:
        im.resize((300, 200)).save(tif, compression="tiff_deflate")
    with ExifToolSession() as et:
        for path in (png, tif):
            before = _pixels(path)
            write_develop_settings(path, {"Exposure2012": -0.2}, is_raw=False,
                                   provenance=PROV, exiftool=et)
            assert _pixels(path) == before
            assert "Exposure2012" in _exif(path)


def test_raw_gets_a_kelvin_sidecar_and_no_incremental_keys(tmp_path: Path) -> None:
    raw = tmp_path / "DSC_0001.NEF"
    raw.write_bytes(b"raw bytes stay untouched")
    sidecar = raw.with_suffix(".xmp")
    sidecar.write_bytes(Packet.empty().to_bytes().replace(
        b'rdf:about=""', b'rdf:about="" xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"'
        b' crs:IncrementalTemperature="+5"'))
    result = write_develop_settings(raw, {"Temperature": 5400, "Tint": 8, "Exposure2012": 0.2},
                                    is_raw=True, provenance=PROV)
    assert result.mode == "sidecar" and result.path == sidecar
    meta = _exif(sidecar)
    assert meta["ColorTemperature"] == 5400 and meta["Tint"] == "+8"  # ExifTool's name
    assert "IncrementalTemperature" not in meta
    assert meta["SidecarForExtension"] == "NEF"
    assert raw.read_bytes() == b"raw bytes stay untouched"


def test_jpeg_sidecar_never_takes_a_raw_twins_name(tmp_path: Path) -> None:
    (tmp_path / "IMG_1.CR3").write_bytes(b"x")
    (tmp_path / "IMG_1.jpg").write_bytes(b"x")
    (tmp_path / "IMG_2.jpg").write_bytes(b"x")
    assert destination(tmp_path / "IMG_1.jpg", sidecar=True)[0] == "embedded"
    assert destination(tmp_path / "IMG_2.jpg", sidecar=True) == ("sidecar", tmp_path / "IMG_2.xmp")
    assert destination(tmp_path / "IMG_1.CR3") == ("sidecar", tmp_path / "IMG_1.xmp")


@pytest.mark.parametrize("packet", [
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    b'<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x:xmpmeta>&b;</x:xmpmeta>',
    b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF",
    b"\xff\xfe\x00\xd8garbage",
    "<x:xmpmeta xmlns:x='adobe:ns:meta/'>caf\xe9</x:xmpmeta>".encode("latin-1"),
    b"",
])
def test_hostile_or_broken_packets_are_refused(packet: bytes) -> None:
    with pytest.raises(XmpError):
        Packet.parse(packet)


def test_every_real_lightroom_file_round_trips(shared_data: Path) -> None:
    for path in sorted((shared_data / "xmp" / "lightroom").glob("*.xmp")):
        packet = Packet.parse(path.read_bytes())
        again = Packet.parse(packet.to_bytes())
        assert again.properties("crs") == packet.properties("crs"), path.name
        assert packet.properties("crs"), path.name

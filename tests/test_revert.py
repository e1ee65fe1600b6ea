"""Reverting Atelier's writes: exact restoration, the user's masks kept, real files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from atelier.v1 import engine_pb2 as pb
from xmp import ExifToolSession, Packet, Provenance, write_develop_settings
from xmp.lightroom import atelier_correction_ids, set_mask_group
from xmp.revert import revert_packet, revert_photo

REPO = Path(__file__).resolve().parents[1]
LIGHTROOM = REPO.parent / "shared" / "data" / "xmp" / "lightroom"
USER_MASKS = LIGHTROOM / "tesenwein__filmRecipeWizard__exampleXmp_example-mask.xmp"
PROV = Provenance("analytic/1", "0.1.0", {"Exposure2012": "dark"})


def sky(exposure: float) -> pb.MaskedAdjustment:
    return pb.MaskedAdjustment(
        name="Sky", amount=1.0,
        adjustments=pb.LocalAdjustmentSet(exposure=exposure, highlights=-20),
        forms=[pb.MaskForm(components=[pb.Mask(semantic=pb.SemanticMask(
            semantic_class=pb.SEMANTIC_CLASS_SKY, reference_point=pb.Point(x=0.5, y=0.1)))])])


def crs_of(packet: Packet) -> dict[str, str]:
    return packet.properties("crs")


def user_correction_count(packet: Packet) -> int:
    group = packet.main_description().find(
        "{http://ns.adobe.com/camera-raw-settings/1.0/}MaskGroupBasedCorrections")
    return 0 if group is None else len(group[0])


def test_revert_restores_every_key_and_keeps_the_users_masks() -> None:
    original = Packet.parse(USER_MASKS.read_bytes())
    before_crs = crs_of(original)
    before_masks = user_correction_count(original)
    assert before_masks >= 1
    packet = Packet.parse(USER_MASKS.read_bytes())
    from xmp.lightroom import apply_develop_settings

    assert apply_develop_settings(packet, {"Exposure2012": 0.7, "Shadows2012": 25},
                                  is_raw=True, provenance=PROV)
    assert set_mask_group(packet, [sky(-0.4)])
    assert user_correction_count(packet) == before_masks + 1  # ours added, theirs kept
    # a second run replaces our correction instead of stacking another one
    assert set_mask_group(packet, [sky(-0.6)])
    assert user_correction_count(packet) == before_masks + 1
    assert not set_mask_group(packet, [sky(-0.6)])  # identical: unchanged
    reparsed = Packet.parse(packet.to_bytes())  # … also after a round trip through bytes
    assert not set_mask_group(reparsed, [sky(-0.6)])
    assert len(atelier_correction_ids(packet)) == 1

    assert revert_packet(packet)
    assert crs_of(packet) == before_crs
    assert user_correction_count(packet) == before_masks
    assert packet.properties("atelier") == {}


def test_revert_of_an_untouched_packet_changes_nothing() -> None:
    packet = Packet.parse(USER_MASKS.read_bytes())
    before = packet.to_bytes()
    assert not revert_packet(packet)
    assert packet.to_bytes() == before


@pytest.fixture
def jpeg(tmp_path: Path) -> Path:
    dst = tmp_path / "flower.jpg"
    shutil.copyfile(REPO / "samples" / "flower.jpg", dst)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-Rating=3",
                    "-XMP-crs:Exposure2012=+0.30", str(dst)], check=True)
    return dst


def _crs_by_exiftool(path: Path) -> dict[str, object]:
    out = subprocess.run(["exiftool", "-j", "-XMP-crs:all", "-XMP-xmp:Rating", str(path)],
                         capture_output=True, text=True, check=True).stdout
    found = json.loads(out)[0]
    found.pop("SourceFile")
    return dict(found)


def test_embedded_and_sidecar_writes_revert_exactly(jpeg: Path) -> None:
    before = _crs_by_exiftool(jpeg)
    with ExifToolSession() as et:
        write_develop_settings(jpeg, {"Exposure2012": 1.2, "IncrementalTemperature": 9},
                               is_raw=False, provenance=PROV, exiftool=et, masks=[sky(-0.3)])
        assert _crs_by_exiftool(jpeg)["Exposure2012"] == "+1.20"
        results = revert_photo(jpeg, exiftool=et)
        assert [r.mode for r in results] == ["embedded"]
        assert _crs_by_exiftool(jpeg) == before
        assert revert_photo(jpeg, exiftool=et) == []  # nothing left to revert
        side = write_develop_settings(jpeg, {"Exposure2012": 0.5}, is_raw=False,
                                      provenance=PROV, exiftool=et, sidecar=True)
        assert side.mode == "sidecar"
        assert [r.mode for r in revert_photo(jpeg, exiftool=et)] == ["sidecar"]
    # the sidecar Atelier created now holds no develop settings of its own
    assert "Exposure2012" not in Packet.parse(side.path.read_bytes()).properties("crs")


def test_revert_cli_reports_per_photo(jpeg: Path, tmp_path: Path) -> None:
    with ExifToolSession() as et:
        write_develop_settings(jpeg, {"Exposure2012": 1.0}, is_raw=False, provenance=PROV,
                               exiftool=et)
    untouched = tmp_path / "other.jpg"
    shutil.copyfile(REPO / "samples" / "pond_sky.jpg", untouched)
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "revert", str(jpeg), str(untouched), "--json",
         "--journal", str(tmp_path / "j.sqlite")],
        capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["summary"] == {"total": 2, "ok": 1, "failed": 0, "skipped": 1}
    by_name = {Path(p["path"]).name: p for p in doc["photos"]}
    assert by_name["flower.jpg"]["reverted"] == [{"path": str(jpeg), "mode": "embedded"}]
    assert "has not written" in by_name["other.jpg"]["reason"]
    assert _crs_by_exiftool(jpeg)["Exposure2012"] == "+0.30"


def test_replace_names_keeps_other_atelier_masks() -> None:
    packet = Packet.parse(USER_MASKS.read_bytes())
    users = user_correction_count(packet)
    dog = sky(-0.2)
    dog.name = "the dog"
    assert set_mask_group(packet, [dog], replace_names={"the dog"})
    assert set_mask_group(packet, [sky(-0.5)], replace_names={"Sky", "Subject"})
    assert user_correction_count(packet) == users + 2  # the dog stays beside the sky
    assert set_mask_group(packet, [sky(-0.7)], replace_names={"Sky", "Subject"})
    assert user_correction_count(packet) == users + 2  # the sky is replaced, not stacked
    assert len(atelier_correction_ids(packet)) == 2
    assert revert_packet(packet)
    assert user_correction_count(packet) == users

"""Reading XMP: every real Lightroom file, our own masks, the CLI, and fuzzed packets."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atelier.v1 import engine_pb2 as pb
from xmp.lightroom import set_mask_group
from xmp.packet import Packet, XmpError
from xmp.reader import read_lightroom
from xmp.vocabulary import GLOBAL_SLIDERS

REPO = Path(__file__).resolve().parents[1]
LIGHTROOM = sorted((REPO.parent / "shared" / "data" / "xmp" / "lightroom").glob("*.xmp"))
SLIDERS = {s.name for s in GLOBAL_SLIDERS}
#: ExifTool's tag name where it differs from the XMP property's.
EXIFTOOL_NAME = {"Temperature": "ColorTemperature"}


def exiftool_crs(paths: list[Path]) -> dict[str, dict[str, Any]]:
    out = subprocess.run(["exiftool", "-j", "-n", "-struct", "-XMP-crs:all", *map(str, paths)],
                         capture_output=True, text=True, check=True).stdout
    return {Path(r["SourceFile"]).name: r for r in json.loads(out)}


def test_every_real_lightroom_file_reads_like_exiftool_reads_it() -> None:
    assert len(LIGHTROOM) >= 10
    by_exiftool = exiftool_crs(LIGHTROOM)
    checked = 0
    for path in LIGHTROOM:
        ours = read_lightroom(Packet.parse(path.read_bytes()))
        theirs = by_exiftool[path.name]
        for name, value in ours["settings"].items():
            their = theirs[EXIFTOOL_NAME.get(name, name)]
            assert value == pytest.approx(float(their), abs=1e-6), (path.name, name)
            checked += 1
        assert {EXIFTOOL_NAME.get(n, n) for n in ours["settings"]} == {
            EXIFTOOL_NAME.get(n, n) for n in SLIDERS} & set(theirs), path.name
        groups = [k for k in theirs if k.endswith("BasedCorrections")]
        expected = sum(len(theirs[g]) if isinstance(theirs[g], list) else 1 for g in groups)
        assert len(ours["corrections"]) == expected, path.name
    assert checked > 60  # every PV2012 slider of every file


def test_our_masks_read_back_in_slider_units() -> None:
    masked = pb.MaskedAdjustment(
        name="Sky", amount=1.0,
        adjustments=pb.LocalAdjustmentSet(exposure=-0.8, highlights=-30),
        forms=[pb.MaskForm(components=[pb.Mask(radial_gradient=pb.RadialGradient(
            top=0.1, left=0.2, bottom=0.6, right=0.9, feather=50, roundness=0))])])
    packet = Packet.empty()
    assert set_mask_group(packet, [masked])
    reread = read_lightroom(Packet.parse(packet.to_bytes()))
    (correction,) = reread["corrections"]
    assert correction["CorrectionName"] == "Sky"
    assert correction["settings"]["LocalExposure2012"] == pytest.approx(-0.8)
    assert correction["settings"]["LocalHighlights2012"] == pytest.approx(-30)
    (component,) = correction["components"]
    assert component["What"] == "Mask/CircularGradient"
    assert component["Top"] == pytest.approx(0.1) and component["Right"] == pytest.approx(0.9)
    assert reread["atelier"]["MaskCorrections"] == [correction["CorrectionSyncID"]]


def test_xmp_show_cli(tmp_path: Path) -> None:
    sidecar = tmp_path / "IMG_1.xmp"
    sidecar.write_bytes(LIGHTROOM[0].read_bytes())
    result = subprocess.run([sys.executable, "-m", "bridge.cli", "xmp", "show", str(sidecar),
                             str(tmp_path / "missing.jpg")], cwd=REPO, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1  # one file is missing
    files = json.loads(result.stdout)["files"]
    assert files[0]["sources"][0]["settings"] and files[1]["error"] == "no such file"


_SEED = (REPO.parent / "shared" / "data" / "xmp" / "lightroom" /
         "tesenwein__filmRecipeWizard__exampleXmp_example-mask.xmp").read_bytes()


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_SEED)), st.integers(0, 40), st.binary(max_size=8)),
                max_size=4))
def test_mutated_packets_never_raise_anything_but_xmp_error(
    edits: list[tuple[int, int, bytes]],
) -> None:
    data = bytearray(_SEED)
    for at, cut, insert in edits:  # cut some bytes, insert others: broken, truncated, odd
        data[at:at + cut] = insert
    with contextlib.suppress(XmpError):
        read_lightroom(Packet.parse(bytes(data)))

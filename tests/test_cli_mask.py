"""``atelier mask``: real gRPC engine, tiny CocoGold model, real ExifTool, Lightroom XMP."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from atelier.v1 import engine_pb2 as pb
from atelier.v1 import engine_pb2_grpc
from bridge.cli import main
from tests.cocogold_tiny import calibrated_model, dog_photo, save_jpeg
from tests.test_darktable import _luminance, _render
from xmp.brush import iou, render_strokes
from xmp.darktable import read_history, write_darktable_sidecar
from xmp.darktable_masks import TYPE_GROUP, unpack_points
from xmp.darktable_params import BLEND, decode_blob
from xmp.exiftool import ExifToolSession
from xmp.lightroom import Provenance, apply_develop_settings, set_mask_group
from xmp.packet import Packet, qname
from xmp.write import update_xmp


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cocogold")
    photo = save_jpeg(dog_photo()[0], root / "dog.jpg")
    return calibrated_model(root, photo, "dog", steps=2, seed=3)


@pytest.fixture()
def photo(tmp_path: Path, model: Path) -> Path:
    return Path(shutil.copy(model.parent / "dog.jpg", tmp_path / "dog.jpg"))


def atelier(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, Any]:
    code = main([str(a) for a in args])
    out = capsys.readouterr().out
    return code, json.loads(out) if "--json" in args else out


def crs(path: Path) -> dict[str, Any]:
    out = subprocess.run(["exiftool", "-j", "-struct", "-XMP-crs:all", str(path)],
                         capture_output=True, check=True, text=True)
    record: dict[str, Any] = json.loads(out.stdout)[0]
    return record


def strokes(correction: dict[str, Any]) -> list[pb.BrushStroke]:
    out = []
    for m in correction["CorrectionMasks"]:
        assert m["What"] == "Mask/Paint"
        dabs = [pb.Point(x=float(x), y=float(y))
                for _, x, y in (d.split() for d in m["Dabs"])]
        out.append(pb.BrushStroke(radius=m["Radius"], flow=m["Flow"],
                                  center_weight=m["CenterWeight"], value=m["MaskValue"],
                                  dabs=dabs))
    return out


def test_mask_enhance_writes_brush_dabs_covering_the_mask(
    capsys: pytest.CaptureFixture[str], engine: tuple[str, engine_pb2_grpc.EngineStub],
    model: Path, photo: Path,
) -> None:
    address, stub = engine
    # The user's own settings and mask, and an earlier Atelier mask with another name.
    def prepare(packet: Packet) -> bool:
        apply_develop_settings(packet, {"Exposure2012": 0.5}, is_raw=False,
                               provenance=Provenance("user", "0"))
        user = pb.MaskedAdjustment(name="Mine", forms=[pb.MaskForm(components=[pb.Mask(
            radial_gradient=pb.RadialGradient(top=0.1, left=0.1, bottom=0.4, right=0.4))])])
        user.adjustments.exposure = 0.3
        set_mask_group(packet, [user])
        packet.remove("atelier", "MaskCorrections")  # not ours: the user drew it
        earlier = pb.MaskedAdjustment(name="Sky", forms=[pb.MaskForm(components=[pb.Mask(
            semantic=pb.SemanticMask(semantic_class=pb.SEMANTIC_CLASS_SKY))])])
        earlier.adjustments.exposure = -0.4
        return set_mask_group(packet, [earlier])

    with ExifToolSession() as et:
        update_xmp(photo, prepare, exiftool=et)
    args = ("mask", "dog", photo, "--enhance", "--model", model, "--steps", "2", "--seed",
            "3", "--engine", address, "--json")
    code, doc = atelier(capsys, *args)
    assert code == 0, doc
    assert doc["command"] == "mask" and doc["summary"] == {
        "total": 1, "ok": 1, "failed": 0, "skipped": 0}
    (record,) = doc["photos"]
    assert record["xmp"] == {"path": str(photo), "mode": "embedded"}
    (entry,) = record["masks"]
    assert entry["name"] == "dog" and entry["kind"] == "raster"
    assert entry["backend"].startswith("cocogold/1") and 0.1 < entry["coverage"] < 0.6

    corrections = crs(photo)["MaskGroupBasedCorrections"]
    assert [c["CorrectionName"] for c in corrections] == ["Mine", "Sky", "dog"]
    assert crs(photo)["Exposure2012"] == "+0.50"   # global settings untouched
    reply = stub.Segment(pb.SegmentRequest(photo=pb.PhotoRef(path=str(photo)), prompt="dog",
                                           model=str(model), steps=2, seed=3), timeout=120)
    raster = np.asarray(Image.open(io.BytesIO(reply.mask.png))).astype(np.float32) / 255
    painted = render_strokes(strokes(corrections[2]), *raster.shape)
    score = iou(raster, painted)
    print(f"brush IoU {score:.3f}", file=sys.stderr)
    assert score >= 0.9

    # Again: the "dog" mask is replaced, not added; the others stay.
    code, _ = atelier(capsys, *args)
    assert code == 0
    assert [c["CorrectionName"] for c in crs(photo)["MaskGroupBasedCorrections"]] == [
        "Mine", "Sky", "dog"]


def test_weight_free_sky_is_written_as_the_lightroom_class(
    capsys: pytest.CaptureFixture[str], engine: tuple[str, engine_pb2_grpc.EngineStub],
    tmp_path: Path,
) -> None:
    h, w = 64, 96
    sky = np.empty((h, w, 3), np.float32)
    sky[:] = (0.35, 0.55, 0.9)
    sky[40:] = np.random.default_rng(0).uniform(0.05, 0.3, (h - 40, w, 3))
    photo = save_jpeg(sky, tmp_path / "sky.jpg")
    code, doc = atelier(capsys, "mask", "the sky", photo, "--enhance", "--sidecar",
                        "--save-masks", tmp_path / "masks", "--engine", engine[0], "--json")
    assert code == 0, doc
    (entry,) = doc["photos"][0]["masks"]
    assert (entry["kind"], entry["semantic_class"]) == ("semantic", "sky")
    assert entry["backend"] == "sky/weight-free"
    assert Path(entry["png"]) == tmp_path / "masks" / "sky.the-sky.png"
    assert Image.open(entry["png"]).size == (96, 64)
    assert doc["photos"][0]["xmp"]["mode"] == "sidecar"
    (correction,) = crs(tmp_path / "sky.xmp")["MaskGroupBasedCorrections"]
    (component,) = correction["CorrectionMasks"]
    assert (component["What"], component["MaskSubType"]) == ("Mask/Image", 2)


def test_failures_dry_run_and_usage(
    capsys: pytest.CaptureFixture[str], engine: tuple[str, engine_pb2_grpc.EngineStub],
    model: Path, photo: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ATELIER_COCOGOLD", raising=False)
    monkeypatch.delenv("ATELIER_MODELS", raising=False)
    address = engine[0]
    code, doc = atelier(capsys, "mask", "the red car", photo, "--engine", address, "--json")
    assert code == 1
    assert "--model DIR" in doc["photos"][0]["error"]
    before = photo.read_bytes()
    code, out = atelier(capsys, "mask", "dog", photo, "--enhance", "--dry-run", "--model",
                        model, "--steps", "2", "--engine", address)
    assert code == 0 and "dog.jpg:" in out and "dry run: nothing written" in out
    assert photo.read_bytes() == before
    assert atelier(capsys, "mask", "dog", photo, "--steps", "99")[0] == 2
    monkeypatch.delenv("ATELIER_ENGINE", raising=False)
    assert atelier(capsys, "mask", "dog", photo, "--model", photo.parent / "none")[0] == 2
    # A remote engine judges the model path itself.
    code, doc = atelier(capsys, "mask", "dog", photo, "--model", "/nowhere/cocogold",
                        "--engine", address, "--json")
    assert code == 1 and "no CocoGold model directory at /nowhere" in doc["photos"][0]["error"]


def _sky_photo(folder: Path) -> Path:
    """Blue sky over dark textured land: the sky region wants local contrast."""
    h, w = 192, 288
    sky = np.empty((h, w, 3), np.float32)
    sky[:] = (0.35, 0.55, 0.9)
    sky[120:] = np.random.default_rng(0).uniform(0.05, 0.3, (h - 120, w, 3))
    folder.mkdir(exist_ok=True)
    return save_jpeg(sky, folder / "sky.jpg")


def _forms(side: Path) -> dict[int, tuple[int, str, bytes]]:
    """The darktable sidecar's last masks snapshot: id → (type, name, points)."""
    packet = Packet.parse(side.read_bytes())
    seq = packet.root.find(".//" + qname("darktable", "masks_history"))
    assert seq is not None
    attrs = [{k.split("}")[1]: v for k, v in li.attrib.items()}
             for li in seq.iter(qname("rdf", "li"))]
    last = max(int(a["mask_num"]) for a in attrs)
    return {int(a["mask_id"]): (int(a["mask_type"]), a["mask_name"],
                                decode_blob(a["mask_points"]))
            for a in attrs if int(a["mask_num"]) == last}


def _group_members(forms: dict[int, tuple[int, str, bytes]], group: str) -> list[int]:
    (points,) = [p for t, n, p in forms.values() if t == TYPE_GROUP and n == group]
    return [int(m[0]) for m in unpack_points(TYPE_GROUP, points)]


def test_mask_darktable_writes_drawn_masks_and_replaces_only_its_own(
    capsys: pytest.CaptureFixture[str], engine: tuple[str, engine_pb2_grpc.EngineStub],
    tmp_path: Path,
) -> None:
    photo = _sky_photo(tmp_path)
    args = ("mask", "the sky", photo, "--enhance", "--darktable", "--sidecar", "--engine",
            engine[0], "--json")
    code, doc = atelier(capsys, *args)
    assert code == 0, doc
    (record,) = doc["photos"]
    side = Path(record["darktable"])
    assert side == tmp_path / "sky.jpg.xmp" and record["xmp"]["path"] == str(tmp_path / "sky.xmp")
    assert record["masks"][0]["settings"] == {"LocalContrast2012": pytest.approx(21, abs=8)}
    (entry,) = [e for e in read_history(Packet.parse(side.read_bytes()))
                if e.multi_name == "atelier 1: the sky"]
    assert entry.operation == "colorbalancergb" and entry.enabled
    mask_id = BLEND.decode(decode_blob(entry.blendop_params))["mask_id"]
    assert isinstance(mask_id, int)
    forms = _forms(side)
    assert forms[mask_id][1] == "grp atelier 1: the sky"   # the sky's drawn (brush) forms
    members = _group_members(forms, "grp atelier 1: the sky")
    assert members and all(forms[m][1] in ("atelier brush", "atelier dab") for m in members)

    # Another Atelier mask is added; a second `atelier mask "the sky"` keeps it.
    other = pb.MaskedAdjustment(name="pond", forms=[pb.MaskForm(components=[pb.Mask(
        radial_gradient=pb.RadialGradient(top=0.7, left=0.1, bottom=0.9, right=0.4,
                                          feather=50, flipped=True))])])
    other.adjustments.exposure = 0.5
    write_darktable_sidecar(photo, {}, is_raw=False, masks=[other], replace_names={"pond"})
    assert atelier(capsys, *args)[0] == 0
    live = {e.multi_name: e.enabled for e in read_history(Packet.parse(side.read_bytes()))}
    assert live["atelier 1: the sky"] and live["atelier 1: pond"]
    forms = _forms(side)
    assert _group_members(forms, "grp atelier 1: pond")
    assert set(_group_members(forms, "grp atelier 1: the sky")) <= set(forms)
    # Usage: darktable masks carry the local adjustment, so --enhance is needed.
    assert atelier(capsys, "mask", "the sky", photo, "--darktable")[0] == 2


@pytest.mark.darktable
def test_darktable_renders_the_segment_mask_where_it_is(
    engine: tuple[str, engine_pb2_grpc.EngineStub], tmp_path: Path,
) -> None:
    """The Segment raster → brush forms → darktable-cli: +1 EV lands on the mask."""
    photo = _sky_photo(tmp_path / "photo")
    reply = engine[1].Segment(pb.SegmentRequest(photo=pb.PhotoRef(path=str(photo)),
                                                prompt="the sky", enhance=True), timeout=120)
    masked = pb.MaskedAdjustment()
    masked.CopyFrom(reply.masked)
    masked.adjustments.Clear()
    masked.adjustments.exposure = 1.0  # measurable: doubles linear light inside
    side = write_darktable_sidecar(photo, {}, is_raw=False, masks=[masked])
    base = _render(photo, None, tmp_path)
    edited = _render(photo, side, tmp_path)
    ratio = _luminance(edited) / np.maximum(_luminance(base), 1e-6)
    raster = np.asarray(Image.open(io.BytesIO(reply.mask.png)).convert("L").resize(
        ratio.shape[::-1], Image.Resampling.BILINEAR)) / 255
    score = iou(raster, np.clip(ratio - 1, 0, 1))
    print(f"darktable mask IoU {score:.3f}", file=sys.stderr)
    assert score >= 0.9
    assert np.median(ratio[raster > 0.99]) == pytest.approx(2.0, abs=0.15)
    assert np.percentile(np.abs(ratio[raster < 0.01] - 1), 90) < 0.05

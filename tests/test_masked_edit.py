"""A masked edit end to end: what the engine previews is what the quality harness scored,
and what `atelier enhance --masks auto` writes is each host's own kind of mask.

The photo is Kodak 19 with only its sky and its subject changed, as in the quality
harness's local cases, saved as a 16-bit TIFF; the engine runs over real gRPC on loopback,
ExifTool reads the Lightroom XMP back, and the darktable sidecar is parsed with darktable's
own struct layouts.
"""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

from atelier.v1 import engine_pb2 as pb
from atelier.v1 import engine_pb2_grpc
from benchmarks.quality import Case, restore_with_predictor
from bridge.cli import main
from engine.color.transfer import linear_to_srgb
from engine.decode import decode_photo
from engine.develop import LocalAdjustment, encode_image, render
from engine.masks import detect_sky, detect_subject
from engine.metrics import psnr
from xmp.darktable import darktable_sidecar_path, read_history
from xmp.darktable_masks import TYPE_BRUSH, TYPE_CIRCLE, TYPE_ELLIPSE, TYPE_GROUP, unpack_points
from xmp.darktable_params import BLEND, decode_blob
from xmp.packet import Packet

SIZE = 512  # the engine's analysis size: Analyze and the harness see the same pixels
DT = "{http://darktable.sf.net/}"


@pytest.fixture(scope="module")
def case(shared_photos: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Case]:
    """Kodak 19 damaged the harness's local way as a file, and the case holding its pixels.

    Only its sky is darkened (−1.5 EV) and only its subject brightened (+2 EV), each
    through the weight-free mask found on the original, so that both get a local edit.
    """
    source = decode_photo(shared_photos / "kodak" / "kodim19.png", long_side=SIZE)
    sky, subject = detect_sky(source.linear), detect_subject(source.linear)
    assert sky is not None and subject is not None
    damage = {"sky": -1.5, "subject": 2.0}
    local = [LocalAdjustment(torch.from_numpy(found.mask)[None, None], {"LocalExposure2012": ev})
             for found, ev in ((sky, damage["sky"]), (subject, damage["subject"]))]
    with torch.no_grad():
        degraded = render(torch.from_numpy(source.linear).permute(2, 0, 1), {}, local=local)
    path = tmp_path_factory.mktemp("masked") / "kodim19_local.tif"
    path.write_bytes(encode_image(degraded, "sRGB", "tiff"))
    # The harness restores exactly what the file holds (16-bit, clipped to 0..1).
    photo = decode_photo(path, long_side=SIZE)
    return path, Case("kodim19#sky+subject", "subject", source.linear, photo.linear,
                      damage, photo)


def _srgb(linear: np.ndarray) -> np.ndarray:
    return np.clip(linear_to_srgb(np.clip(linear, 0, 1)), 0, 1)


def test_engine_preview_of_the_masked_edit_is_the_harness_restoration(
    engine: tuple[str, engine_pb2_grpc.EngineStub], case: tuple[Path, Case],
) -> None:
    path, harness_case = case
    masked, _ = restore_with_predictor("analytic", masks=True)(harness_case)
    plain, _ = restore_with_predictor("analytic")(harness_case)
    _, stub = engine
    ref = pb.PhotoRef(path=str(path))
    analysis = stub.Analyze(pb.AnalyzeRequest(photo=ref, options=pb.AnalyzeOptions(
        mask_mode=pb.MASK_MODE_AUTO, analysis_size=SIZE)), timeout=300).analysis
    assert [m.name for m in analysis.masks], "a masked edit to preview"
    reply = stub.Render(pb.RenderRequest(photo=ref, adjustments=analysis.adjustments,
                                         masks=analysis.masks, long_side=SIZE,
                                         format=pb.IMAGE_FORMAT_PNG), timeout=300)
    preview = np.asarray(Image.open(io.BytesIO(reply.image)).convert("RGB"), np.float32) / 255
    assert preview.shape == masked.shape
    match = psnr(_srgb(masked), preview)
    # Equal up to the preview's 8-bit PNG steps (which alone give 59 dB); the same edit
    # without its masks is about 15 dB further away.
    assert match > 55
    assert match > psnr(_srgb(plain), preview) + 8


def _crs(path: Path) -> dict[str, Any]:
    out = subprocess.run(["exiftool", "-j", "-struct", "-XMP-crs:all", str(path)],
                         capture_output=True, check=True, text=True)
    record: dict[str, Any] = json.loads(out.stdout)[0]
    return record


def _darktable_forms(packet: Packet, group_id: int) -> list[tuple[int, tuple[Any, ...]]]:
    """(mask type, first point struct) of each member of darktable's group ``group_id``."""
    forms = {li.get(f"{DT}mask_id"): li
             for li in packet.rdf.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li")
             if li.get(f"{DT}mask_id")}
    group = forms[str(group_id)]
    assert group.get(f"{DT}mask_type") == str(TYPE_GROUP)
    members = []
    for member in unpack_points(TYPE_GROUP, decode_blob(group.get(f"{DT}mask_points") or "")):
        form = forms[str(member[0])]
        kind = int(form.get(f"{DT}mask_type") or 0)
        members.append((kind, unpack_points(kind, decode_blob(form.get(f"{DT}mask_points")
                                                              or ""))[0]))
    return members


def test_enhance_writes_semantic_masks_for_lightroom_and_drawn_masks_for_darktable(
    engine: tuple[str, engine_pb2_grpc.EngineStub], case: tuple[Path, Case],
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ATELIER_STATE_DIR", str(tmp_path))
    photo = tmp_path / "kodim19.tif"
    photo.write_bytes(case[0].read_bytes())
    code = main(["enhance", str(photo), "--masks", "auto", "--sidecar", "--darktable",
                 "--engine", engine[0], "--json"])
    assert code == 0
    (record,) = json.loads(capsys.readouterr().out)["photos"]
    masks = {m["name"]: m for m in record["masks"]}
    assert set(masks) == {"Sky", "Subject"}
    # --json carries each mask's Lightroom table for the plugin; the journal keeps the
    # rest of the record (the report reads it), not those tables (a brush's is ~20 KB).
    assert all("lightroom" in m for m in masks.values())
    with sqlite3.connect(tmp_path / "journal.sqlite") as db:
        ((stored,),) = db.execute("SELECT result FROM photos").fetchall()
    kept = {m["name"]: m for m in json.loads(stored)["masks"]}
    assert kept == {name: {k: v for k, v in m.items() if k != "lightroom"}
                    for name, m in masks.items()}
    # Lightroom: the semantic intent (AI sky / subject) at the region, with our Local* values.
    corrections = {c["CorrectionName"]: c for c in _crs(photo.with_suffix(".xmp"))
                   ["MaskGroupBasedCorrections"]}
    assert set(corrections) == set(masks)
    for name, subtype in (("Sky", 2), ("Subject", 1)):
        (component,) = corrections[name]["CorrectionMasks"]
        assert (component["What"], component["MaskSubType"]) == ("Mask/Image", subtype)
        assert masks[name]["kind"] == "semantic"
        for slider, value in masks[name]["settings"].items():
            scale = 4 if slider == "LocalExposure2012" else 100  # Lightroom's storage
            assert float(corrections[name][slider]) == pytest.approx(value / scale, abs=0.006)
    # The geometry is the engine's: the same Analyze the CLI made (deterministic) gives it.
    proposed = {m.name: m for m in engine[1].Analyze(pb.AnalyzeRequest(
        photo=pb.PhotoRef(path=str(photo)),
        options=pb.AnalyzeOptions(mask_mode=pb.MASK_MODE_AUTO)), timeout=300).analysis.masks}
    for name in masks:
        point = proposed[name].forms[0].components[0].semantic.reference_point
        written = corrections[name]["CorrectionMasks"][0]["ReferencePoint"].split()
        assert [float(v) for v in written] == pytest.approx([point.x, point.y], abs=1e-5)
    assert proposed["Sky"].forms[0].components[0].semantic.reference_point.y < 0.3
    # darktable: each mask's module instance is limited to drawn forms darktable renders —
    # the subject's radial gradient as an ellipse at its box centre, the sky's raster as
    # brush strokes (its horizon is not a straight line, so no linear gradient).
    packet = Packet.parse(darktable_sidecar_path(photo).read_bytes())
    members: dict[str, list[tuple[int, tuple[Any, ...]]]] = {}
    for entry in read_history(packet):
        if ": " in entry.multi_name and entry.enabled:
            mask_id = BLEND.decode(decode_blob(entry.blendop_params))["mask_id"]
            assert isinstance(mask_id, int)
            members[entry.multi_name.split(": ")[1]] = _darktable_forms(packet, mask_id)
    ((kind, ellipse),) = members["Subject"]
    radial = proposed["Subject"].forms[1].components[0].radial_gradient
    assert kind == TYPE_ELLIPSE
    assert ellipse[:2] == pytest.approx(((radial.left + radial.right) / 2,
                                         (radial.top + radial.bottom) / 2), abs=1e-5)
    assert members["Sky"] and {k for k, _ in members["Sky"]} <= {TYPE_BRUSH, TYPE_CIRCLE}

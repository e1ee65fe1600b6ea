"""Generate: the server's event stream, gRPC end to end, and ``atelier generate``."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import grpc
import numpy as np
import pytest
from PIL import Image

from atelier.settings import adjustments_from_settings
from atelier.v1 import engine_pb2 as pb
from atelier.v1 import engine_pb2_grpc
from bridge.cli import main
from engine.errors import PhotoError
from engine.server.analysis import PhotoAccess
from engine.server.generate import GenerateCancelled, NothingToGenerate, generate_events
from tests import artist_images as images

#: No develop change: an explicit Exposure 0 (an empty set would mean "predict").
NEUTRAL = adjustments_from_settings({"Exposure2012": 0.0})


@pytest.fixture(scope="module")
def clean(shared_photos: Path) -> np.ndarray:
    return images.encoded(shared_photos / "kodak" / "kodim05.png")


# -- the server's event stream ---------------------------------------------------------


@pytest.fixture(scope="module")
def noisy_photo(clean: np.ndarray, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return images.save(images.noisy(clean), tmp_path_factory.mktemp("gen") / "noisy.png")


def _events(request: pb.GenerateRequest) -> list[pb.GenerateEvent]:
    return list(generate_events(request, PhotoAccess(), lambda: False))


def test_events_progress_then_one_result_driven_by_the_critic(noisy_photo: Path) -> None:
    events = _events(pb.GenerateRequest(photo=pb.PhotoRef(path=str(noisy_photo)),
                                        format=pb.IMAGE_FORMAT_TIFF16))
    *progress, last = events
    assert all(e.HasField("progress") for e in progress) and last.HasField("result")
    fractions = [e.progress.fraction for e in progress]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    stages = [e.progress.stage for e in progress]
    assert stages[:3] == ["decode", "critique", "develop"] and "denoise" in stages
    r = last.result
    assert list(r.operations) == ["denoise"] and r.backend == "classical/1"
    assert "noise" in r.description and "analytic" in r.description
    assert r.adjustments.HasField("exposure_2012")  # the predicted settings applied first
    with Image.open(io.BytesIO(r.image)) as im:
        assert (im.width, im.height, r.width, r.height) == (256, 170, 256, 170)
        assert im.info.get("icc_profile")


def test_instruction_and_long_side(noisy_photo: Path) -> None:
    events = _events(pb.GenerateRequest(
        photo=pb.PhotoRef(path=str(noisy_photo)), instruction="sharpen", long_side=128,
        adjustments=NEUTRAL, strength=0.8))
    r = events[-1].result
    assert list(r.operations) == ["sharpen"] and (r.width, r.height) == (128, 85)
    assert "“sharpen”" in r.description and "1 settings from the request" in r.description


@pytest.mark.parametrize(("fields", "message"), [
    ({"strength": 1.5}, "strength=1.5 is outside 0..1"),
    ({"strength": float("nan")}, "outside 0..1"),
    ({"long_side": 8}, "long_side=8 is outside 16..65535"),
    ({"backend": "oil"}, "unknown backend 'oil'"),
    ({"backend": "diffusion"}, "needs model"),
    ({"model": "/tmp"}, "classical backend uses no model"),
    ({"instruction": "paint it like Vermeer"}, "names nothing the classical Artist does"),
])
def test_bad_requests_are_photo_errors_naming_the_field(
    noisy_photo: Path, fields: dict[str, Any], message: str
) -> None:
    request = pb.GenerateRequest(photo=pb.PhotoRef(path=str(noisy_photo)), **fields)
    with pytest.raises(PhotoError, match=message) as info:
        _events(request)
    assert info.value.code == grpc.StatusCode.INVALID_ARGUMENT


def test_missing_photo_and_clean_photo(shared_photos: Path, tmp_path: Path) -> None:
    with pytest.raises(PhotoError) as info:
        _events(pb.GenerateRequest(photo=pb.PhotoRef(path=str(tmp_path / "gone.jpg"))))
    assert info.value.code == grpc.StatusCode.NOT_FOUND
    with pytest.raises(PhotoError, match="no photo"):
        _events(pb.GenerateRequest())
    kodim03 = images.encoded(shared_photos / "kodak" / "kodim03.png")
    sharp = images.save(kodim03, tmp_path / "clean.png")
    with pytest.raises(NothingToGenerate, match="nothing for the Artist to fix") as info:
        _events(pb.GenerateRequest(photo=pb.PhotoRef(path=str(sharp))))
    assert info.value.code == grpc.StatusCode.FAILED_PRECONDITION


def _generate_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "atelier-generate"]


def test_cancelled_by_the_caller_or_by_closing(noisy_photo: Path) -> None:
    request = pb.GenerateRequest(photo=pb.PhotoRef(path=str(noisy_photo)), adjustments=NEUTRAL)
    with pytest.raises(GenerateCancelled) as info:
        list(generate_events(request, PhotoAccess(), lambda: True))
    assert info.value.code == grpc.StatusCode.CANCELLED
    stream = generate_events(request, PhotoAccess(), lambda: False)
    first = next(stream)
    assert first.progress.stage == "decode"
    stream.close()  # what gRPC does when the client goes away
    deadline = time.monotonic() + 20
    while _generate_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _generate_threads()


# -- gRPC and the command line -----------------------------------------------------------


def test_generate_over_grpc(
    engine: tuple[str, engine_pb2_grpc.EngineStub], noisy_photo: Path
) -> None:
    _, stub = engine
    events = list(stub.Generate(pb.GenerateRequest(
        photo=pb.PhotoRef(path=str(noisy_photo)), instruction="reduce the noise",
        format=pb.IMAGE_FORMAT_JPEG), timeout=120))
    assert events[0].HasField("progress") and events[-1].HasField("result")
    assert events[-1].result.mime_type == "image/jpeg"
    with pytest.raises(grpc.RpcError) as info:
        list(stub.Generate(pb.GenerateRequest(photo=pb.PhotoRef(path=str(noisy_photo)),
                                              strength=2.0), timeout=60))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "strength=2.0" in (info.value.details() or "")


def test_grpc_cancel_stops_the_work(
    engine: tuple[str, engine_pb2_grpc.EngineStub], noisy_photo: Path
) -> None:
    from engine.server import generate as generate_module

    _, stub = engine
    generate_module._SLOTS.acquire()  # another generation is running: this one queues
    try:
        call = stub.Generate(pb.GenerateRequest(photo=pb.PhotoRef(path=str(noisy_photo))),
                             timeout=60)
        first = next(call)
        assert first.progress.stage == "queued"
        assert _generate_threads()
        call.cancel()
        deadline = time.monotonic() + 10
        while _generate_threads() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _generate_threads()  # the queued work saw the cancellation and left
    finally:
        generate_module._SLOTS.release()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_cli_writes_new_derived_files_and_never_touches_the_original(
    engine: tuple[str, engine_pb2_grpc.EngineStub], noisy_photo: Path, tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    address, _ = engine
    photo = tmp_path / "shot.png"
    photo.write_bytes(noisy_photo.read_bytes())
    before, mtime = _sha(photo), photo.stat().st_mtime_ns
    docs = []
    runs = (["--format", "tiff"], ["--format", "tiff"],
            ["--format", "jpeg", "--out-dir", str(tmp_path / "out")])
    for extra in runs:
        code = main(["generate", str(photo), "--engine", address, "--json",
                     "--instruction", "reduce the noise", *extra])
        assert code == 0
        out, err = capfd.readouterr()
        docs.append(json.loads(out))
        assert "denoise" in err and "100 %" in err  # progress on stderr
    paths = [Path(d["photos"][0]["derived"]["path"]) for d in docs]
    # a second run never overwrites: it takes the next free number
    assert paths == [tmp_path / "shot.atelier-denoise-1.tif",
                     tmp_path / "shot.atelier-denoise-2.tif",
                     tmp_path / "out" / "shot.atelier-denoise-1.jpg"]
    assert all(p.is_file() for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "shot.atelier-denoise-1.tif", "shot.atelier-denoise-2.tif", "shot.png"]
    derived = docs[0]["photos"][0]["derived"]
    assert derived["operations"] == ["denoise"] and derived["backend"] == "classical/1"
    assert docs[0]["summary"] == {"total": 1, "ok": 1, "failed": 0, "skipped": 0}
    assert _sha(photo) == before and photo.stat().st_mtime_ns == mtime
    tags = json.loads(subprocess.run(
        ["exiftool", "-j", "-XMP-xmpMM:DerivedFromFilePath", "-XMP-atelier:all",
         "-ICC_Profile:ProfileDescription", str(paths[0]), str(paths[2])],
        capture_output=True, text=True, check=True).stdout)
    for t in tags:
        assert t["DerivedFromFilePath"] == str(photo.resolve())
        assert t["Operations"] == "denoise" and t["Instruction"] == "reduce the noise"
        assert t["ProfileDescription"]


def test_cli_usage_errors_and_skipped(
    engine: tuple[str, engine_pb2_grpc.EngineStub], shared_photos: Path, tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    address, _ = engine
    kodim03 = images.encoded(shared_photos / "kodak" / "kodim03.png")
    photo = images.save(kodim03, tmp_path / "fine.png")
    assert main(["generate", str(photo), "--strength", "3"]) == 2
    assert main(["generate", str(photo), "--backend", "diffusion"]) == 2
    assert main(["generate", str(photo), "--model", str(tmp_path)]) == 2
    capfd.readouterr()
    assert main(["generate", str(photo), "--engine", address, "--json"]) == 0
    record = json.loads(capfd.readouterr().out)["photos"][0]
    assert record["status"] == "skipped" and "nothing for the Artist" in record["reason"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fine.png"]

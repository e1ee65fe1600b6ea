"""The Segment request: validation, weight-free prompts, CocoGold, COCONET enhance, gRPC."""

from __future__ import annotations

import io
from pathlib import Path

import grpc
import numpy as np
import pytest
from PIL import Image

from atelier.v1 import engine_pb2 as pb
from atelier.v1 import engine_pb2_grpc
from engine.errors import PhotoError
from engine.server import build_server
from engine.server.analysis import PhotoAccess
from engine.server.segment import ModelNeeded, segment
from tests.cocogold_tiny import calibrated_model, dog_photo, save_jpeg

ACCESS = PhotoAccess()


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(autouse=True)
def _no_configured_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATELIER_COCOGOLD", raising=False)
    monkeypatch.delenv("ATELIER_MODELS", raising=False)


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("photos")
    h, w = 96, 144
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    sky = np.empty((h, w, 3), np.float32)
    sky[:] = np.array([0.35, 0.55, 0.9], np.float32) + 0.15 * yy   # blue, lighter low
    rng = np.random.default_rng(0)
    land = rng.uniform(0.05, 0.3, (h - 60, w, 3)).astype(np.float32)
    land[..., 1] += 0.1
    sky[60:] = land                                                 # textured dark land
    dog, _ = dog_photo(64, 48)
    return {"sky": save_jpeg(sky, folder / "sky.jpg"), "dog": save_jpeg(dog, folder / "dog.jpg")}


@pytest.fixture(scope="module")
def model(photos: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return calibrated_model(tmp_path_factory.mktemp("cocogold"), photos["dog"], "the dog",
                            steps=2, seed=3)


def _request(path: Path, prompt: str, **fields: object) -> pb.SegmentRequest:
    return pb.SegmentRequest(photo=pb.PhotoRef(path=str(path)), prompt=prompt,
                             **fields)  # type: ignore[arg-type]


def _png(raster: pb.RasterMask) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(raster.png))).astype(np.float32) / 255


@pytest.mark.parametrize(("fields", "message"), [
    ({"prompt": "   "}, "prompt is empty"),
    ({"prompt": "x" * 201}, "201 characters; at most 200"),
    ({"steps": 51}, "steps=51 is outside 1..50"),
    ({"ensemble": 17}, "ensemble=17 is outside 1..16"),
    ({"coconet_mode": "crop"}, 'use "full" or "bbox"'),
])
def test_bad_requests_are_refused_clearly(
    photos: dict[str, Path], fields: dict[str, object], message: str
) -> None:
    request = _request(photos["sky"], "the sky")
    for key, value in fields.items():
        setattr(request, key, value)
    with pytest.raises(PhotoError, match=message) as info:
        segment(request, ACCESS)
    assert info.value.code == grpc.StatusCode.INVALID_ARGUMENT


def test_without_a_model_words_beyond_the_weight_free_masks_need_one(
    photos: dict[str, Path], tmp_path: Path
) -> None:
    with pytest.raises(ModelNeeded, match=r"CocoGold model directory: pass --model DIR") as info:
        segment(_request(photos["dog"], "the red car"), ACCESS)
    assert info.value.code == grpc.StatusCode.FAILED_PRECONDITION
    assert "sky, subject" in str(info.value)
    assert "atelier train cocogold --coco COCO_DIR --base SD2_DIR --out DIR" in str(info.value)
    with pytest.raises(ModelNeeded, match="no CocoGold model directory at"):
        segment(_request(photos["dog"], "the dog", model=str(tmp_path / "none")), ACCESS)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelNeeded, match="vae/ is missing"):
        segment(_request(photos["dog"], "the dog", model=str(tmp_path / "empty")), ACCESS)


def test_weight_free_sky_at_full_resolution_with_a_semantic_form(
    photos: dict[str, Path],
) -> None:
    reply = segment(_request(photos["sky"], "brighten the sky", enhance=True), ACCESS)
    assert reply.backend == "sky/weight-free"
    assert (reply.mask.width, reply.mask.height) == (144, 96) == (reply.info.width,
                                                                   reply.info.height)
    mask = _png(reply.mask)
    assert mask[:50].mean() > 0.9 and mask[66:].mean() < 0.1
    assert reply.bbox.top == 0 and 0.55 < reply.bbox.bottom < 0.75 and reply.confidence > 0
    first = reply.masked.forms[0].components[0]
    assert first.semantic.semantic_class == pb.SEMANTIC_CLASS_SKY
    assert first.semantic.prompt == "brighten the sky"
    assert first.semantic.reference_point.y < 0.6
    assert reply.masked.forms[-1].components[0].WhichOneof("kind") == "raster"
    assert reply.masked.name == "brighten the sky"


def test_weight_free_shadows_carry_a_luminance_range(photos: dict[str, Path]) -> None:
    reply = segment(_request(photos["sky"], "the shadows", enhance=True), ACCESS)
    assert reply.backend == "shadows/weight-free"
    assert _png(reply.mask)[70:].mean() > _png(reply.mask)[:50].mean()
    kinds = [f.components[0].WhichOneof("kind") for f in reply.masked.forms]
    assert kinds == ["luminance_range", "raster"]


def test_cocogold_model_segments_and_enhances(photos: dict[str, Path], model: Path) -> None:
    request = _request(photos["dog"], "the dog", model=str(model), steps=2, seed=3,
                       enhance=True)
    reply = segment(request, ACCESS)
    again = segment(request, ACCESS)
    assert reply.backend == "cocogold/1 (2 steps, ensemble 1)"
    assert (reply.mask.width, reply.mask.height) == (64, 48)
    assert reply.mask.png == again.mask.png  # deterministic for a seed
    mask = _png(reply.mask)
    assert 0.15 < (mask > 0.5).mean() < 0.6  # the calibrated threshold's coverage
    assert 0 < reply.confidence <= 1
    box = reply.bbox
    rows, cols = np.nonzero(mask > 0.5)
    assert (box.left, box.top) == (cols.min() / 64, rows.min() / 48)
    masked = reply.masked
    assert [f.components[0].WhichOneof("kind") for f in masked.forms] == ["raster"]
    assert masked.backend.startswith("cocogold/1") and masked.backend.endswith("analytic/1")
    other = segment(_request(photos["dog"], "the dog", model=str(model), steps=2, seed=4),
                    ACCESS)
    assert other.mask.png != reply.mask.png
    # COCONET FULL: the same mask, the edit predicted on the region's own pixels.
    full = segment(_request(photos["dog"], "the dog", model=str(model), steps=2, seed=3,
                            enhance=True, coconet_mode="full"), ACCESS)
    assert full.mask.png == reply.mask.png and full.HasField("masked")
    # Two-member ensembles: the median; a different (still deterministic) answer.
    ens = segment(_request(photos["dog"], "the dog", model=str(model), steps=1, seed=3,
                           ensemble=2), ACCESS)
    assert ens.backend == "cocogold/1 (1 step, ensemble 2)"


def test_segment_over_grpc(photos: dict[str, Path], model: Path) -> None:
    server, port, servicer = build_server("127.0.0.1:0", workers=1)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        stub = engine_pb2_grpc.EngineStub(channel)
        reply = stub.Segment(_request(photos["dog"], "the dog", model=str(model), steps=2,
                                      seed=3), timeout=120)
        assert reply.backend.startswith("cocogold/1") and reply.mask.width == 64
        with pytest.raises(grpc.RpcError) as info:
            stub.Segment(_request(photos["dog"], "a red car"), timeout=60)
        assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "--model DIR" in (info.value.details() or "")
        with pytest.raises(grpc.RpcError) as info:
            stub.Segment(_request(photos["dog"], "the dog", steps=99), timeout=60)
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    finally:
        channel.close()
        server.stop(None).wait()
        servicer.close()

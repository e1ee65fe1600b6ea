"""`analyze_with_ray` on a private local Ray instance gives what the gRPC engine gives.

Real parts only: a real local Ray (started by the executor's own `connect_ray`, once
per module), a real engine process over loopback gRPC, and 50 real photos made from the
shared corpus (400 px copies, some mirrored so that no two files are the same).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from atelier.v1 import engine_pb2 as pb
from bridge.client import EngineClient
from bridge.engine_process import LocalEngine

ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install .[ray])")

from bridge.executors.ray_analysis import analyze_with_ray, connect_ray  # noqa: E402

# Ray Data's own settings warn about their renamed fields: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context")

N_PHOTOS = 50
LONG_SIDE = 400  # px
OPTIONS = pb.AnalyzeOptions(predictor="analytic", mask_mode=pb.MASK_MODE_AUTO)


def make_photos(sources: list[Path], out: Path, count: int, long_side: int) -> list[Path]:
    """``count`` JPEGs of ``long_side`` px made from ``sources`` (mirrored on a second pass)."""
    photos: list[Path] = []
    for n in range(count):
        source = sources[n % len(sources)]
        with Image.open(source) as opened:
            opened.draft("RGB", (long_side, long_side))  # JPEG: decode at 1/2..1/8 size
            image = ImageOps.exif_transpose(opened).convert("RGB")
        image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
        if n >= len(sources):
            image = ImageOps.mirror(image)
        path = out / f"{n:03d}_{source.stem[:40]}.jpg"
        image.save(path, quality=90)
        photos.append(path)
    return photos


@pytest.fixture(scope="module")
def photos(shared_photos: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    sources = sorted([*shared_photos.glob("kodak/*.png"), *shared_photos.glob("photos/*.jpg"),
                      *shared_photos.glob("photos/*.png"), *shared_photos.glob("photos/*.tif")])
    assert len(sources) >= 25, f"shared corpus too small: {len(sources)} photos"
    return make_photos(sources, tmp_path_factory.mktemp("ray_photos"), N_PHOTOS, LONG_SIDE)


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """One private local Ray for the module (start-up costs ~10–20 s on 2 cores)."""
    assert not ray.is_initialized()
    assert connect_ray(None, workers=2) is True
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory, photos: list[Path]) -> list[Path]:
    """A truncated JPEG, a file of noise named .jpg, and a path that does not exist."""
    folder = tmp_path_factory.mktemp("ray_broken")
    truncated = folder / "truncated.jpg"
    truncated.write_bytes(photos[0].read_bytes()[:300])
    noise = folder / "noise.jpg"
    noise.write_bytes(bytes(range(256)) * 40)
    return [truncated, noise, folder / "missing.jpg"]


def settings_only(response: pb.AnalyzeResponse) -> pb.AnalyzeResponse:
    """The response without its timings (the only fields that may differ between runs)."""
    copy = pb.AnalyzeResponse()
    copy.CopyFrom(response)
    copy.request_id = ""
    if copy.HasField("analysis"):
        copy.analysis.decode_ms = 0
        copy.analysis.analyze_ms = 0
    return copy


def test_ray_gives_the_settings_of_the_grpc_engine(
    local_ray: None, photos: list[Path], broken: list[Path]
) -> None:
    paths = [*photos[:25], *broken, *photos[25:]]
    by_ray = list(analyze_with_ray(paths, OPTIONS, workers=2, batch_size=4))
    assert ray.is_initialized()  # not ours to shut down: the fixture started it

    with LocalEngine(workers=2) as address:
        client = EngineClient(address)
        try:
            by_grpc = dict(client.analyze_stream(paths, OPTIONS, in_flight=4))
        finally:
            client.close()

    # Every path exactly once.
    assert sorted(p for p, _ in by_ray) == sorted(paths)
    assert len(by_ray) == len(paths)
    answers = dict(by_ray)
    for path in photos:
        response = answers[path]
        assert response.HasField("analysis"), f"{path.name}: {response.error.message}"
        assert response.analysis.adjustments.ListFields(), f"{path.name}: no settings"
        assert settings_only(response) == settings_only(by_grpc[path]), path.name
    # Real work was done: the photos do not all get the same settings.
    distinct = {answers[p].analysis.adjustments.SerializeToString() for p in photos}
    assert len(distinct) > N_PHOTOS // 2

    # Broken photos are per-photo errors, with the code the gRPC engine gives.
    for path in broken:
        response = answers[path]
        assert response.HasField("error"), path.name
        assert response.error.code != 0 and response.error.message, path.name
        assert response.error.code == by_grpc[path].error.code, path.name
    assert answers[broken[2]].error.code == 5  # NOT_FOUND for the missing file


def test_stopping_early_frees_the_workers(local_ray: None, photos: list[Path]) -> None:
    cpus = ray.cluster_resources()["CPU"]
    stream = analyze_with_ray(photos[:20], OPTIONS, workers=1, batch_size=2)
    first = next(stream)
    assert first[0] in photos[:20]
    assert ray.available_resources().get("CPU", 0) < cpus  # the actor holds a CPU
    stream.close()
    # Closing the stream ends the execution: the actor's CPU comes back to the cluster.
    deadline = time.monotonic() + 30
    while ray.available_resources().get("CPU", 0) < cpus:
        assert time.monotonic() < deadline, f"workers still held: {ray.available_resources()}"
        time.sleep(0.2)
    assert ray.is_initialized()


def test_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        list(analyze_with_ray([Path("x.jpg")], OPTIONS, batch_size=0))
    with pytest.raises(ValueError, match="workers"):
        list(analyze_with_ray([Path("x.jpg")], OPTIONS, workers=0))
    assert list(analyze_with_ray([], OPTIONS)) == []  # no paths: Ray is not even started

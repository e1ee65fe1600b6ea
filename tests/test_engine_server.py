"""The engine's gRPC server, over real loopback connections (no in-process shortcuts)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from PIL import Image

from atelier.v1 import engine_pb2 as pb
from atelier.v1 import engine_pb2_grpc
from engine.server import build_server
from engine.server.app import is_loopback


@pytest.fixture(scope="module")
def engine() -> Iterator[tuple[str, engine_pb2_grpc.EngineStub]]:
    server, port, servicer = build_server("127.0.0.1:0", workers=2)
    server.start()
    address = f"127.0.0.1:{port}"
    channel = grpc.insecure_channel(address)
    try:
        yield address, engine_pb2_grpc.EngineStub(channel)
    finally:
        channel.close()
        server.stop(None).wait()
        servicer.close()


@pytest.fixture(scope="module")
def photos(shared_photos: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("photos")
    good = shutil.copy(shared_photos / "photos" / "libjxl_flower_q85_444.jpg", folder / "a.jpg")
    data = Path(good).read_bytes()
    (folder / "truncated.jpg").write_bytes(data[: len(data) // 3])
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "notes.jpg").write_bytes(b"this is not a photo at all, only text\n" * 4)
    return {p.stem: p for p in folder.iterdir()}


def _request(path: Path, request_id: str = "0", **options: object) -> pb.AnalyzeRequest:
    return pb.AnalyzeRequest(request_id=request_id, photo=pb.PhotoRef(path=str(path)),
                             options=pb.AnalyzeOptions(**options))  # type: ignore[arg-type]


def test_health_reports_serving(engine: tuple[str, engine_pb2_grpc.EngineStub]) -> None:
    address, _ = engine
    with grpc.insecure_channel(address) as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="atelier.v1.Engine"), timeout=5)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_get_info_lists_versions_and_default_predictor(
    engine: tuple[str, engine_pb2_grpc.EngineStub],
) -> None:
    info = engine[1].GetInfo(pb.GetInfoRequest(), timeout=10)
    assert info.version and info.workers == 2
    assert info.libraries["grpcio"] == grpc.__version__
    defaults = [b.name for b in info.backends if b.kind == "predictor" and b.is_default]
    assert defaults == ["analytic"]


def test_analyze_returns_lightroom_settings_with_reasons(
    engine: tuple[str, engine_pb2_grpc.EngineStub], photos: dict[str, Path],
) -> None:
    reply = engine[1].Analyze(_request(photos["a"], "x1"), timeout=60)
    analysis = reply.analysis
    assert reply.request_id == "x1"
    assert analysis.info.format == "JPEG" and not analysis.info.is_raw
    assert (analysis.info.width, analysis.info.height) == Image.open(photos["a"]).size
    assert analysis.adjustments.HasField("exposure_2012")
    assert not analysis.adjustments.HasField("temperature")  # rendered: incremental only
    assert analysis.adjustments.reasons["Exposure2012"]
    assert analysis.predictor.startswith("analytic")


@pytest.mark.parametrize(("stem", "needle"), [
    ("truncated", "truncated"), ("empty", "zero-byte"), ("notes", "not a"),
])
def test_bad_photos_fail_with_a_specific_invalid_argument(
    engine: tuple[str, engine_pb2_grpc.EngineStub], photos: dict[str, Path],
    stem: str, needle: str,
) -> None:
    with pytest.raises(grpc.RpcError) as info:
        engine[1].Analyze(_request(photos[stem]), timeout=60)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert needle in (info.value.details() or "").lower()


def test_missing_photo_and_empty_ref_are_named(
    engine: tuple[str, engine_pb2_grpc.EngineStub], tmp_path: Path,
) -> None:
    with pytest.raises(grpc.RpcError) as missing:
        engine[1].Analyze(_request(tmp_path / "nope.jpg"), timeout=10)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as empty:
        engine[1].Analyze(pb.AnalyzeRequest(), timeout=10)
    assert empty.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_out_of_range_option_is_rejected(
    engine: tuple[str, engine_pb2_grpc.EngineStub], photos: dict[str, Path],
) -> None:
    with pytest.raises(grpc.RpcError) as info:
        engine[1].Analyze(_request(photos["a"], analysis_size=10), timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "64..4096" in (info.value.details() or "")


def test_garbage_bytes_do_not_hurt_the_server(
    engine: tuple[str, engine_pb2_grpc.EngineStub], photos: dict[str, Path],
) -> None:
    address, stub = engine
    with grpc.insecure_channel(address) as channel:
        raw = channel.unary_unary("/atelier.v1.Engine/Analyze")
        with pytest.raises(grpc.RpcError) as info:
            raw(b"\xff\xff\xff\x07garbage", timeout=10)
    assert info.value.code() != grpc.StatusCode.OK
    assert stub.Analyze(_request(photos["a"]), timeout=60).analysis.adjustments.reasons


def test_stream_answers_every_photo_and_keeps_going_past_bad_ones(
    engine: tuple[str, engine_pb2_grpc.EngineStub], photos: dict[str, Path],
) -> None:
    names = ["a"] * 17 + ["truncated", "empty", "notes"]
    requests = [_request(photos[n], str(i), analysis_size=128) for i, n in enumerate(names)]
    replies = list(engine[1].AnalyzeStream(iter(requests), timeout=120))
    assert sorted(int(r.request_id) for r in replies) == list(range(20))
    errors = {names[int(r.request_id)] for r in replies if r.WhichOneof("result") == "error"}
    assert errors == {"truncated", "empty", "notes"}


def test_deadline_is_honoured(
    engine: tuple[str, engine_pb2_grpc.EngineStub], photos: dict[str, Path],
) -> None:
    requests = [_request(photos["a"], str(i)) for i in range(200)]
    with pytest.raises(grpc.RpcError) as info:
        list(engine[1].AnalyzeStream(iter(requests), timeout=0.5))
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_render_gives_a_jpeg_of_the_asked_size(
    engine: tuple[str, engine_pb2_grpc.EngineStub], photos: dict[str, Path],
) -> None:
    analysis = engine[1].Analyze(_request(photos["a"]), timeout=60).analysis
    reply = engine[1].Render(pb.RenderRequest(
        photo=pb.PhotoRef(path=str(photos["a"])), adjustments=analysis.adjustments,
        long_side=200, format=pb.IMAGE_FORMAT_JPEG), timeout=60)
    image = Image.open(io.BytesIO(reply.image))
    assert image.format == "JPEG" and max(image.size) == 200 == max(reply.width, reply.height)
    assert image.info.get("icc_profile")


def test_render_rejects_out_of_range_settings(
    engine: tuple[str, engine_pb2_grpc.EngineStub], photos: dict[str, Path],
) -> None:
    with pytest.raises(grpc.RpcError) as info:
        engine[1].Render(pb.RenderRequest(photo=pb.PhotoRef(path=str(photos["a"])),
                                          adjustments=pb.AdjustmentSet(exposure_2012=9.0),
                                          long_side=64), timeout=30)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "Exposure2012" in (info.value.details() or "")


def test_token_is_required_when_set(photos: dict[str, Path]) -> None:
    server, port, servicer = build_server("127.0.0.1:0", workers=1, token="s3cret")
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = engine_pb2_grpc.EngineStub(channel)
            with pytest.raises(grpc.RpcError) as info:
                stub.GetInfo(pb.GetInfoRequest(), timeout=10)
            assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
            ok = stub.GetInfo(pb.GetInfoRequest(), timeout=10,
                              metadata=(("x-atelier-token", "s3cret"),))
            assert ok.version
    finally:
        server.stop(None).wait()
        servicer.close()


def test_only_loopback_without_a_token() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("[::1]") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    with pytest.raises(ValueError, match="needs --token"):
        build_server("0.0.0.0:0")


def test_critique_rpc_scores_and_explains(
    engine: tuple[str, engine_pb2_grpc.EngineStub], photos: dict[str, Path],
) -> None:
    reply = engine[1].Critique(_request(photos["a"]), timeout=60)
    critique = reply.analysis.critique
    assert 0 <= critique.score <= 100 and critique.backend.startswith("technical")
    assert set(critique.sub_scores) >= {"exposure", "colour", "sharpness", "noise"}
    assert "EV" in critique.reasoning
    plain = engine[1].Analyze(_request(photos["a"]), timeout=60)
    assert not plain.analysis.HasField("critique")  # only when asked


def test_critique_score_does_not_depend_on_the_asked_analysis_size(
    engine: tuple[str, engine_pb2_grpc.EngineStub], shared_photos: Path,
) -> None:
    # The critic measures at 512 px whatever thumbnail it is handed: kodim08 asked at 768 px
    # used to score 9 points lower (grain and harsh contrast 512 px does not show).
    path = shared_photos / "kodak" / "kodim08.png"
    at = {size: engine[1].Critique(_request(path, analysis_size=size), timeout=120)
          for size in (0, 768)}
    default, larger = (at[size].analysis.critique for size in (0, 768))
    assert abs(larger.score - default.score) < 1.5, (default.score, larger.score)
    assert {i.attribute for i in larger.issues} == {i.attribute for i in default.issues}


def test_unknown_predictor_and_missing_style_profile_are_named(
    engine: tuple[str, engine_pb2_grpc.EngineStub], photos: dict[str, Path], tmp_path: Path,
) -> None:
    with pytest.raises(grpc.RpcError) as bogus:
        engine[1].Analyze(_request(photos["a"], predictor="bogus"), timeout=30)
    assert bogus.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "analytic" in (bogus.value.details() or "")  # lists the known ones
    with pytest.raises(grpc.RpcError) as style:
        engine[1].Analyze(_request(photos["a"], style_profile=str(tmp_path)), timeout=30)
    assert "learn-style" in (style.value.details() or "")

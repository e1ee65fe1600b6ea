"""Faults in a batch: the engine dies, the bridge is killed, the engine is overloaded."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from PIL import Image

from atelier.v1 import engine_pb2 as pb
from atelier.v1 import engine_pb2_grpc
from bridge.journal import Journal
from engine.server import build_server
from xmp import Packet

REPO = Path(__file__).resolve().parents[1]


def make_photos(folder: Path, count: int, size: int = 800) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(REPO / "samples" / "flower.jpg") as im:
        base = im.convert("RGB")
        base.thumbnail((size, size))
    paths = []
    for i in range(count):
        path = folder / f"p{i:03d}.jpg"
        # a slightly different crop each, so photos are not byte-identical
        base.crop((i % 7, 0, base.width - (i % 5), base.height)).save(path, quality=85)
        paths.append(path)
    return paths


def start_enhance(folder: Path, state: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "ATELIER_STATE_DIR": str(state)}
    return subprocess.Popen([sys.executable, "-m", "bridge.cli", "enhance", str(folder),
                             "--json", *extra], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def engine_child(pid: int) -> int:
    for child in children(pid):
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        if b"engine" in cmdline and b"serve" in cmdline:
            return child
    raise AssertionError("no engine child process")


def test_engine_killed_mid_batch_is_restarted_and_the_batch_completes(tmp_path: Path) -> None:
    make_photos(tmp_path / "photos", 120)
    proc = start_enhance(tmp_path / "photos", tmp_path / "state")
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:  # the first progress line: the batch is under way
        lines.append(line)
        if "/120 " in line:
            break
    os.kill(engine_child(proc.pid), signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    doc = json.loads(out)
    assert doc["summary"]["ok"] == 120, err
    assert "restarted" in "".join(lines) + err


def test_bridge_killed_at_random_points_then_resumed_does_every_photo_once(
    tmp_path: Path,
) -> None:
    photos = make_photos(tmp_path / "photos", 200, size=400)
    state = tmp_path / "state"
    rng = random.Random(11)
    # Killed once photos are being written, at a random moment after a progress line
    # (a fixed delay is too late once a batch is fast: 200 photos take ~2 s).
    for tenths in (1, 3, 5):
        proc = start_enhance(tmp_path / "photos", state)
        assert proc.stderr is not None
        for line in proc.stderr:
            step = re.search(r"atelier: (\d+)/(\d+) ", line)
            if step and int(step[1]) * 10 >= tenths * int(step[2]):
                break
        else:
            pytest.fail("the batch ended before it could be killed")
        time.sleep(rng.uniform(0.0, 0.1))
        for pid in [proc.pid, *children(proc.pid)]:  # kill -9, the engine orphaned too
            os.kill(pid, signal.SIGKILL)
        proc.wait()
    proc = start_enhance(tmp_path / "photos", state)
    out, _ = proc.communicate(timeout=300)
    doc = json.loads(out)
    failed = [r for r in doc["photos"] if r["status"] == "failed"]
    assert doc["summary"]["failed"] == 0, failed
    assert doc["summary"]["ok"] + doc["summary"]["skipped"] == 200
    assert doc["summary"]["ok"] > 0, "the kills came too late to interrupt anything"
    with Journal(state / "journal.sqlite") as journal:
        jobs = range(1, (journal.last_job() or 0) + 1)
        done = [p.path for job in jobs for p in journal.photos(job, "done")]
    assert sorted(done) == sorted(str(p) for p in photos)  # each photo done exactly once
    from xmp import ExifToolSession

    with ExifToolSession() as et:
        for path in photos:  # every packet is whole and carries the settings
            packet = Packet.parse(et.read_xmp(path) or b"")
            assert packet.get("crs", "Exposure2012") is not None, path
            Image.open(path).verify()  # and every photo is still a whole JPEG


@pytest.fixture()
def small_engine() -> Iterator[tuple[str, object]]:
    server, port, servicer = build_server("127.0.0.1:0", workers=1)
    server.start()
    yield f"127.0.0.1:{port}", servicer
    server.stop(None).wait()
    servicer.close()


def test_concurrent_clients_succeed_or_are_told_to_back_off(
    small_engine: tuple[str, object], tmp_path: Path,
) -> None:
    address, _ = small_engine
    photo = make_photos(tmp_path, 1, size=300)[0]
    outcomes: list[grpc.StatusCode] = []
    lock = threading.Lock()

    def client() -> None:
        with grpc.insecure_channel(address) as channel:
            stub = engine_pb2_grpc.EngineStub(channel)
            for _ in range(50):
                try:
                    stub.Analyze(pb.AnalyzeRequest(photo=pb.PhotoRef(path=str(photo))),
                                 timeout=60)
                    code = grpc.StatusCode.OK
                except grpc.RpcError as exc:
                    code = exc.code()
                with lock:
                    outcomes.append(code)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert len(outcomes) == 400
    assert set(outcomes) <= {grpc.StatusCode.OK, grpc.StatusCode.RESOURCE_EXHAUSTED}
    assert outcomes.count(grpc.StatusCode.OK) > 0


def test_a_cancelled_stream_stops_server_work_within_a_second(
    small_engine: tuple[str, object], tmp_path: Path,
) -> None:
    address, servicer = small_engine
    photo = make_photos(tmp_path, 1, size=600)[0]
    requests = (pb.AnalyzeRequest(request_id=str(i), photo=pb.PhotoRef(path=str(photo)))
                for i in range(500))
    with grpc.insecure_channel(address) as channel:
        stream = engine_pb2_grpc.EngineStub(channel).AnalyzeStream(requests)
        next(stream)
        stream.cancel()
    deadline = time.monotonic() + 1.0
    while servicer.busy() and time.monotonic() < deadline:  # type: ignore[attr-defined]
        time.sleep(0.02)
    assert not servicer.busy()  # type: ignore[attr-defined]

"""Shared test fixtures: where the shared photo corpus lives, torch on one thread, and an engine
on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from atelier.v1 import engine_pb2_grpc

REPO = Path(__file__).resolve().parents[1]
#: ../shared/data beside the checkout (CI has it there); ATELIER_SHARED_DATA overrides.
SHARED_DATA = Path(os.environ.get("ATELIER_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session", autouse=True)
def private_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test's journal in the session's temporary directory, never the user's: the
    CLI run in-process (``bridge.cli.main``) keeps it under ``$ATELIER_STATE_DIR``."""
    before = os.environ.get("ATELIER_STATE_DIR")
    os.environ["ATELIER_STATE_DIR"] = str(tmp_path_factory.mktemp("state"))
    yield
    if before is None:
        del os.environ["ATELIER_STATE_DIR"]
    else:
        os.environ["ATELIER_STATE_DIR"] = before


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Root of the shared corpus (``photos/``, ``xmp/``)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data not found at {SHARED_DATA} (set ATELIER_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_photos(shared_data: Path) -> Path:
    """``../shared/data/photos``."""
    return shared_data / "photos"


@pytest.fixture(scope="module")
def one_torch_thread() -> Iterator[None]:
    """torch on one thread for a module: tiny models and small images only make threads contend
    on the shared 2-core machine (tens of times slower). Use with
    ``pytestmark = pytest.mark.usefixtures("one_torch_thread")``."""
    import torch  # here: tests that never run torch do not load it

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def engine(one_torch_thread: None) -> Iterator[tuple[str, engine_pb2_grpc.EngineStub]]:
    """A real gRPC engine (one worker) on a free loopback port, torch on one thread: its address
    and a stub."""
    # imported here so that tests which never start an engine do not load grpc and the server
    import grpc

    from atelier.v1 import engine_pb2_grpc
    from engine.server import build_server

    server, port, servicer = build_server("127.0.0.1:0", workers=1)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield f"127.0.0.1:{port}", engine_pb2_grpc.EngineStub(channel)
    finally:
        channel.close()
        server.stop(None).wait()
        servicer.close()

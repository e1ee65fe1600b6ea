"""The committed gRPC stubs match proto/atelier/v1/engine.proto."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_committed_stubs_are_regenerated_from_the_proto(tmp_path: Path) -> None:
    subprocess.run(
        ["bash", str(REPO / "scripts" / "gen_proto.sh"), str(tmp_path)],
        check=True,
        env={"PYTHON": sys.executable, "PATH": "/usr/bin:/bin"},
    )
    for name in ("engine_pb2.py", "engine_pb2.pyi", "engine_pb2_grpc.py"):
        generated = (tmp_path / "atelier" / "v1" / name).read_text()
        committed = (REPO / "atelier" / "v1" / name).read_text()
        assert generated == committed, f"atelier/v1/{name} is stale: run scripts/gen_proto.sh"


def test_stubs_are_not_a_top_level_proto_module() -> None:
    import atelier.v1.engine_pb2 as pb

    assert pb.DESCRIPTOR.package == "atelier.v1"
    assert not (REPO / "proto" / "__init__.py").exists()

"""The SQLite job journal: states, resume decisions, crash safety."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bridge.journal import Journal


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    out = []
    for i in range(3):
        p = tmp_path / f"p{i}.jpg"
        p.write_bytes(b"x" * (i + 1))
        out.append(p)
    return out


def test_states_and_counts(tmp_path: Path, photos: list[Path]) -> None:
    with Journal(tmp_path / "j.sqlite") as j:
        job = j.start_job("enhance", {"predictor": "analytic"}, photos)
        assert j.counts(job) == {"pending": 3, "done": 0, "failed": 0, "skipped": 0}
        j.mark(job, photos[0], "done", result={"Exposure2012": 0.5})
        j.mark(job, photos[1], "failed", message="truncated JPEG")
        assert j.counts(job) == {"pending": 1, "done": 1, "failed": 1, "skipped": 0}
        failed = list(j.photos(job, "failed"))
        assert [(f.path, f.message) for f in failed] == [(str(photos[1]), "truncated JPEG")]
        assert next(j.photos(job, "done")).result == {"Exposure2012": 0.5}
        assert j.last_job("enhance") == job and j.last_job("critique") is None
        with pytest.raises(ValueError, match="state 'lost'"):
            j.mark(job, photos[2], "lost")  # type: ignore[arg-type]


def test_done_photos_are_skipped_only_when_unchanged_and_same_options(
    tmp_path: Path, photos: list[Path]
) -> None:
    opts = {"predictor": "analytic", "sidecar": False}
    with Journal(tmp_path / "j.sqlite") as j:
        job = j.start_job("enhance", opts, photos)
        j.mark(job, photos[0], "done", result={"status": "ok", "critique": {"score": 92.2}})
        assert j.earlier_result(photos[0], "enhance", opts) == {
            "status": "ok", "critique": {"score": 92.2}}
        assert j.earlier_result(photos[1], "enhance", opts) is None
        assert j.earlier_result(photos[0], "enhance", {**opts, "sidecar": True}) is None
        st = photos[0].stat()
        os.utime(photos[0], ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        assert j.earlier_result(photos[0], "enhance", opts) is None, "edited since: do it again"


def test_killed_writer_leaves_a_consistent_database(tmp_path: Path, photos: list[Path]) -> None:
    db = tmp_path / "j.sqlite"
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from bridge.journal import Journal
        j = Journal(Path({str(db)!r}))
        paths = [Path({str(tmp_path)!r}) / f"q{{i}}" for i in range(500)]
        job = j.start_job("enhance", {{}}, paths)
        for i, p in enumerate(paths):
            j.mark(job, p, "failed", message="x" * 100)
            if i == 250:
                os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[1])
    assert proc.returncode == -9
    with Journal(db) as j:
        job = j.last_job()
        assert job is not None
        counts = j.counts(job)
        assert counts["failed"] == 251 and counts["pending"] == 249

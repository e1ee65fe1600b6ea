"""``atelier enhance --executor ray`` writes the same settings as the gRPC engine path."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("ray", reason="the ray extra is not installed (pip install .[ray])")

REPO = Path(__file__).resolve().parents[1]


def enhance(folder: Path, state: Path, *extra: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "enhance", str(folder), "--json", "--force", *extra],
        cwd=REPO, capture_output=True, text=True, timeout=600,
        env={"ATELIER_STATE_DIR": str(state), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_ray_and_engine_write_identical_settings(tmp_path: Path) -> None:
    ray_dir, engine_dir = tmp_path / "ray", tmp_path / "engine"
    for folder in (ray_dir, engine_dir):
        folder.mkdir()
        for photo in sorted((REPO / "samples").glob("*.jpg")):
            shutil.copy(photo, folder / photo.name)
    on_ray = enhance(ray_dir, tmp_path / "s1", "--executor", "ray", "--workers", "2")
    on_engine = enhance(engine_dir, tmp_path / "s2")

    def settings(doc: dict[str, Any]) -> dict[str, Any]:
        return {Path(p["path"]).name: p["settings"] for p in doc["photos"]}

    n = len(list(ray_dir.iterdir()))
    assert on_ray["summary"] == on_engine["summary"] == {"total": n, "ok": n, "failed": 0,
                                                         "skipped": 0}
    assert settings(on_ray) == settings(on_engine)
    assert all(p["xmp"]["mode"] == "embedded" for p in on_ray["photos"])


def test_ray_address_without_ray_executor_is_bad_usage(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "enhance", str(REPO / "samples"), "--ray-address",
         "auto"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--executor ray" in result.stderr

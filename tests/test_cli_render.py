"""``atelier render``: settings from JSON or the photo's XMP, through the real engine."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]


def atelier(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bridge.cli", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture()
def photo(tmp_path: Path) -> Path:
    return Path(shutil.copy(REPO / "samples" / "pond_sky.jpg", tmp_path / "pond.jpg"))


def mean_level(path: Path) -> float:
    with Image.open(path) as im:
        return float(np.asarray(im.convert("L"), dtype=np.float64).mean())


def test_render_from_json_follows_the_exposure(photo: Path, tmp_path: Path) -> None:
    levels = {}
    for ev in (-1.0, 0.0, 1.0):
        settings = tmp_path / f"s{ev}.json"
        settings.write_text(json.dumps({"Exposure2012": ev, "WhiteBalance": "Custom"}))
        out = tmp_path / f"out{ev}.jpg"
        result = atelier("render", photo, "--settings", settings, "-o", out, "--size", "200")
        assert result.returncode == 0, result.stderr
        with Image.open(out) as im:
            assert max(im.size) == 200 and im.info.get("icc_profile")
        levels[ev] = mean_level(out)
    assert levels[-1.0] < levels[0.0] - 15 < levels[1.0] - 30


def test_render_from_xmp_uses_what_enhance_wrote(photo: Path, tmp_path: Path) -> None:
    enhanced = atelier("enhance", photo, "--json", "--force", "--journal", tmp_path / "j.db")
    doc = json.loads(enhanced.stdout)
    from_json, from_xmp = tmp_path / "a.png", tmp_path / "b.png"
    (tmp_path / "e.json").write_text(enhanced.stdout)
    assert atelier("render", photo, "--settings", tmp_path / "e.json", "-o", from_json,
                   "--size", "160").returncode == 0
    assert atelier("render", photo, "--from-xmp", "-o", from_xmp, "--size", "160").returncode == 0
    a, b = (np.asarray(Image.open(p), dtype=np.int16) for p in (from_json, from_xmp))
    assert np.abs(a - b).max() <= 1  # the XMP holds exactly the JSON's settings
    assert doc["photos"][0]["settings"]


def test_render_refuses_to_touch_the_original_or_bad_input(photo: Path, tmp_path: Path) -> None:
    settings = tmp_path / "s.json"
    settings.write_text('{"Exposure2012": 9}')
    before = photo.read_bytes()
    same = atelier("render", photo, "--settings", settings, "-o", photo)
    assert same.returncode == 2 and "original" in same.stderr
    bad = atelier("render", photo, "--settings", settings, "-o", tmp_path / "x.jpg")
    assert bad.returncode == 2 and "Exposure2012" in bad.stderr
    none = atelier("render", photo, "--from-xmp", "-o", tmp_path / "y.jpg")
    assert none.returncode == 2 and "no develop settings" in none.stderr
    assert photo.read_bytes() == before

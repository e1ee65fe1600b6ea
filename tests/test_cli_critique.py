"""``atelier critique`` and ``enhance --critique``: JSON, XMP storage, rating, revert."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from xmp.critique import rating_for_score

REPO = Path(__file__).resolve().parents[1]


def atelier(*args: str | Path, state: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bridge.cli", *map(str, args)], cwd=REPO,
                          env={"ATELIER_STATE_DIR": str(state), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=300)


def xmp_of(path: Path) -> dict[str, Any]:
    out = subprocess.run(["exiftool", "-j", "-XMP-xmp:Rating", "-XMP-atelier:all",
                          "-XMP-crs:Exposure2012", "-XMP-dc:Description", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out)[0])


@pytest.fixture()
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("backlit_trees_underexposed.jpg", "pond_sky.jpg"):
        shutil.copy(REPO / "samples" / name, folder / name)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-xmp:Rating=2",
                    "-XMP-dc:Description=Evening walk", str(folder / "pond_sky.jpg")], check=True)
    return folder


def test_rating_bands() -> None:
    assert [rating_for_score(s) for s in (0, 34.9, 35, 64, 79.9, 80, 100)] == [1, 1, 2, 3, 4, 5, 5]
    with pytest.raises(ValueError, match=r"0\.\.100"):
        rating_for_score(101)


def test_critique_stores_score_rating_and_description_and_reverts(
    photos: Path, tmp_path: Path,
) -> None:
    result = atelier("critique", photos, "--json", "--write-rating", "--describe", state=tmp_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["command"] == "critique" and doc["summary"]["ok"] == 2
    by_name = {Path(p["path"]).name: p for p in doc["photos"]}
    dark = by_name["backlit_trees_underexposed.jpg"]["critique"]
    pond = by_name["pond_sky.jpg"]["critique"]
    # the underexposed photo scores lower, names exposure, and says to brighten it
    assert dark["score"] < pond["score"]
    assert dark["issues"][0]["attribute"] == "exposure"
    assert any(s["settings"].get("Exposure2012", 0) > 1 for s in dark["suggestions"])
    assert "EV" in dark["summary"] and dark["sub_scores"]["exposure"] < 60
    stored = xmp_of(photos / "pond_sky.jpg")
    assert float(stored["CritiqueScore"]) == pytest.approx(pond["score"], abs=0.05)
    assert stored["Rating"] == rating_for_score(pond["score"])
    assert stored["Description"].startswith("Evening walk\n\n[Atelier critique]")
    assert "Exposure2012" not in stored  # a critique writes no develop settings
    revert = atelier("revert", photos / "pond_sky.jpg", state=tmp_path)
    assert revert.returncode == 0, revert.stderr
    after = xmp_of(photos / "pond_sky.jpg")
    assert after["Rating"] == 2 and after["Description"] == "Evening walk"
    assert "CritiqueScore" not in after


def test_enhance_with_critique_writes_both(photos: Path, tmp_path: Path) -> None:
    result = atelier("enhance", photos / "backlit_trees_underexposed.jpg", "--critique",
                     state=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "/100]" in result.stdout  # the score is in the summary table
    stored = xmp_of(photos / "backlit_trees_underexposed.jpg")
    assert float(stored["Exposure2012"]) > 1 and float(stored["CritiqueScore"]) < 80
    assert "Rating" not in stored  # only with --write-rating

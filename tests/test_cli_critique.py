"""``atelier critique`` and ``enhance --critique``: JSON, XMP storage, rating, revert."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from html import escape
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
    assert [rating_for_score(s) for s in (0, 39.9, 40, 74.9, 75, 89.9, 90, 100)] == \
        [1, 1, 2, 3, 4, 4, 5, 5]
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
    brighten = [s for s in dark["suggestions"] if s["settings"].get("Exposure2012", 0) > 1]
    # checked before it is suggested: rendered with the develop model, the score rises
    assert brighten and brighten[0]["expected_gain"] > 5, dark["suggestions"]
    assert "EV" in dark["summary"] and dark["sub_scores"]["exposure"] < 60
    stored = xmp_of(photos / "pond_sky.jpg")
    assert float(stored["CritiqueScore"]) == pytest.approx(pond["score"], abs=0.05)
    assert stored["Rating"] == pond["rating"] == rating_for_score(pond["score"])
    assert dark["rating"] == rating_for_score(dark["score"]) < 5  # the JSON carries the stars
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


def test_a_masked_suggestion_carries_its_local_adjustment_in_json() -> None:
    # The critic answers a region out of line with a MaskedAdjustment: --json gives its
    # mask and Local* settings (as `enhance --json` gives masks), not an empty "settings".
    from atelier.settings import local_adjustments_from_settings
    from atelier.v1 import engine_pb2 as pb
    from bridge.output import critique_record

    box = pb.RadialGradient(top=0.2, left=0.3, bottom=0.8, right=0.7, feather=50.0,
                            flipped=True)
    masked = pb.MaskedAdjustment(
        name="Subject", forms=[pb.MaskForm(components=[pb.Mask(radial_gradient=box)])],
        adjustments=local_adjustments_from_settings({"LocalExposure2012": 0.72}), amount=1.0)
    critique = pb.Critique(score=80.0, suggestions=[pb.Suggestion(
        text="Brighten the subject alone: Subject mask, Exposure +0.72 EV",
        attribute="exposure", masked=masked)])
    (record,) = critique_record(critique)["suggestions"]
    assert record["settings"] == {}
    assert record["mask"]["name"] == "Subject" and record["mask"]["kind"] == "radial_gradient"
    assert record["mask"]["settings"] == {"LocalExposure2012": 0.72}
    assert "lightroom" in record["mask"], record["mask"]


def test_report_rebuilds_a_critique_job_with_its_suggestions(photos: Path, tmp_path: Path) -> None:
    # `atelier report` after `atelier critique`: the cards list each photo's suggestions
    # and no predictor settings (a critique writes none); an unknown job is named.
    result = atelier("critique", photos, "--json", "--sidecar", state=tmp_path)
    assert result.returncode == 0, result.stderr
    suggestions = [s["text"] for p in json.loads(result.stdout)["photos"]
                   for s in p["critique"]["suggestions"]]
    assert suggestions
    page = tmp_path / "critique.html"
    report = atelier("report", "-o", page, state=tmp_path)
    assert report.returncode == 0, report.stderr
    html = page.read_text()
    assert html.count("<li>") == len(suggestions)
    assert all(escape(text) in html for text in suggestions)
    assert "class=k" not in html
    missing = atelier("report", "-o", tmp_path / "none.html", "--job", "99", state=tmp_path)
    assert missing.returncode == 1 and "no job 99" in missing.stderr


def test_critique_run_again_shows_the_earlier_critique(photos: Path, tmp_path: Path) -> None:
    pond = photos / "pond_sky.jpg"
    first = atelier("critique", pond, state=tmp_path)
    assert first.returncode == 0, first.stderr
    again = atelier("critique", pond, state=tmp_path)
    assert again.returncode == 0, again.stderr
    # Skipped (the file is unchanged), but with the critique and its suggestions, not
    # only "SKIPPED: already done".
    head, body = first.stdout.split(" ==\n", 1)
    earlier = "(the earlier critique: the file is unchanged; --force measures again) =="
    assert earlier in again.stdout
    assert head.strip() in again.stdout and body.split("\n\n1 critiqued")[0] in again.stdout
    assert "→ Neutralise the cool cast" in again.stdout
    assert again.stdout.rstrip().endswith("0 critiqued, 0 failed, 1 skipped"), again.stdout

"""``atelier enhance`` as a user runs it: the real CLI, a real local engine, real ExifTool."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]


def atelier(*args: str | Path, state: Path) -> subprocess.CompletedProcess[str]:
    env = {"ATELIER_STATE_DIR": str(state), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "bridge.cli", *map(str, args)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=300)


def _no_empties(value: Any) -> bool:
    if isinstance(value, dict):
        return bool(value) and all(v is not None and _no_empties(v) for v in value.values())
    if isinstance(value, list):
        return bool(value) and all(_no_empties(v) for v in value)
    return value is not None


def exiftool_crs(path: Path) -> dict[str, Any]:
    out = subprocess.run(["exiftool", "-j", "-XMP-crs:all", "-XMP-photoshop:all", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out)[0])


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("flower.jpg", "sailor_examines_patient.png", "couple_beach.tif"):
        shutil.copy(REPO / "samples" / name, photos / name)
    data = (photos / "flower.jpg").read_bytes()
    (photos / "broken.jpg").write_bytes(data[: len(data) // 4])
    (photos / "README.txt").write_text("not a photo, ignored in folders\n")
    return photos


def test_enhance_writes_xmp_json_and_journal_and_never_touches_pixels(
    folder: Path, tmp_path: Path,
) -> None:
    pixels = {p.name: np.asarray(Image.open(p)).copy() for p in folder.glob("[!b]*.*")
              if p.suffix != ".txt"}
    result = atelier("enhance", folder, "--json", state=tmp_path)
    assert result.returncode == 1, result.stderr  # one broken photo
    doc = json.loads(result.stdout)
    assert _no_empties(doc)
    assert doc["command"] == "enhance" and doc["dry_run"] is False
    assert doc["summary"] == {"total": 4, "ok": 3, "failed": 1, "skipped": 0}
    by_name = {Path(p["path"]).name: p for p in doc["photos"]}
    assert "truncated" in by_name["broken.jpg"]["error"]
    flower = by_name["flower.jpg"]
    assert flower["xmp"] == {"path": str(folder / "flower.jpg"), "mode": "embedded"}
    settings = flower["settings"]
    assert settings["WhiteBalance"] == "Custom" and "Temperature" not in settings
    assert all(k in flower["reasons"] for k in settings if k != "WhiteBalance")
    written = exiftool_crs(folder / "flower.jpg")
    assert float(written["Exposure2012"]) == pytest.approx(settings["Exposure2012"])
    assert int(written["IncrementalTemperature"]) == settings["IncrementalTemperature"]
    for name, before in pixels.items():
        assert np.array_equal(np.asarray(Image.open(folder / name)), before), name
    assert not list(folder.glob(".*")), "no temporary files left behind"
    # a second run skips what is done and unchanged, and still fails the broken photo
    again = json.loads(atelier("enhance", folder, "--json", state=tmp_path).stdout)
    assert again["summary"] == {"total": 4, "ok": 0, "failed": 1, "skipped": 3}


def test_dry_run_writes_nothing_and_sidecar_mode(folder: Path, tmp_path: Path) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    dry = atelier("enhance", folder / "flower.jpg", "--dry-run", "--json", state=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "xmp" not in json.loads(dry.stdout)["photos"][0]
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before
    side = atelier("enhance", folder / "flower.jpg", "--sidecar", "--json", state=tmp_path)
    record = json.loads(side.stdout)["photos"][0]
    assert record["xmp"]["mode"] == "sidecar"
    assert exiftool_crs(folder / "flower.xmp")["SidecarForExtension"] == "JPG"
    assert (folder / "flower.jpg").stat().st_mtime_ns == before["flower.jpg"]


def test_report_and_human_summary(folder: Path, tmp_path: Path) -> None:
    report = tmp_path / "review.html"
    result = atelier("enhance", folder / "flower.jpg", "--report", report, state=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 enhanced, 0 failed, 0 skipped" in result.stdout
    assert "flower.jpg" in result.stdout and "Exp" in result.stdout
    page = report.read_text()
    assert page.count("data:image/jpeg;base64,") == 2  # before and after


def test_usage_errors_exit_2(folder: Path, tmp_path: Path) -> None:
    assert atelier("enhance", state=tmp_path).returncode == 2
    bad = atelier("enhance", folder, "--masks", ",", state=tmp_path)
    assert bad.returncode == 2 and "--masks" in bad.stderr
    missing = atelier("enhance", folder, "--style", tmp_path / "nope", state=tmp_path)
    assert missing.returncode == 2 and "no such profile" in missing.stderr


def test_missing_path_is_a_per_photo_failure(folder: Path, tmp_path: Path) -> None:
    result = atelier("enhance", tmp_path / "gone.jpg", folder / "flower.jpg", "--json",
                     "--dry-run", state=tmp_path)
    doc = json.loads(result.stdout)
    assert result.returncode == 1
    assert [p["status"] for p in doc["photos"]] == ["failed", "ok"]
    assert doc["photos"][0]["error"] == "no such file or folder"


def test_help_explains_itself(tmp_path: Path) -> None:
    text = atelier("enhance", "--help", state=tmp_path).stdout
    for flag in ("--masks", "--dry-run", "--json", "--report", "--engine", "--sidecar", "exit"):
        assert flag in text


def test_status_names_failures_and_retry_redoes_them(folder: Path, tmp_path: Path) -> None:
    atelier("enhance", folder, state=tmp_path)
    status = atelier("status", "--json", state=tmp_path)
    assert status.returncode == 1
    job = json.loads(status.stdout)["job"]
    assert job["counts"] == {"pending": 0, "done": 3, "failed": 1, "skipped": 0}
    assert job["failed"][0]["path"] == str(folder / "broken.jpg")
    assert "truncated" in job["failed"][0]["error"]
    shutil.copy(folder / "flower.jpg", folder / "broken.jpg")  # the user repairs the file
    retry = atelier("retry", "--json", state=tmp_path)
    assert retry.returncode == 0, retry.stderr
    doc = json.loads(retry.stdout)
    assert [Path(p["path"]).name for p in doc["photos"]] == ["broken.jpg"]
    assert doc["summary"]["ok"] == 1
    assert atelier("status", state=tmp_path).returncode == 0  # the retry job is clean


def test_report_command_rebuilds_the_page_from_the_journal(folder: Path, tmp_path: Path) -> None:
    atelier("enhance", folder, state=tmp_path)
    page = tmp_path / "again.html"
    result = atelier("report", "-o", page, state=tmp_path)
    assert result.returncode == 0, result.stderr
    html = page.read_text()
    assert html.count("<section class='card ") == 4
    assert html.count("data:image/jpeg;base64,") == 2 * 3  # before/after of each ok photo
    assert "truncated" in html  # the failure and its reason


def test_darktable_sidecar_written_and_reverted(folder: Path, tmp_path: Path) -> None:
    photo = folder / "flower.jpg"
    result = atelier("enhance", photo, "--darktable", "--json", state=tmp_path)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)["photos"][0]
    side = folder / "flower.jpg.xmp"
    assert record["darktable"] == str(side)
    assert "darktable:history" in side.read_text()
    revert = json.loads(atelier("revert", photo, "--json", state=tmp_path).stdout)
    assert {r["mode"] for r in revert["photos"][0]["reverted"]} == {"embedded", "darktable"}
    assert not side.exists()  # Atelier created it, so reverting removes it

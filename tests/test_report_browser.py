"""The review report opens in real headless Chromium, offline, without console errors."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageEnhance

from bridge.report import ReportEntry, write_report

CHROMIUM = shutil.which("chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/setup.sh)"),
]
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-logging=stderr", "--v=0",
]


def _jpeg(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _entries(shared_photos: Path) -> list[ReportEntry]:
    entries = []
    for name in ("kodim03.png", "kodim13.png", "kodim23.png"):
        with Image.open(shared_photos / "kodak" / name) as im:
            before = im.convert("RGB").resize((384, 256))
        after = ImageEnhance.Brightness(before).enhance(1.3)
        entries.append(
            ReportEntry(
                path=f"/photos/{name}", status="ok",
                settings={"Exposure2012": 0.38, "Contrast2012": 12, "WhiteBalance": "Custom"},
                reasons={"Exposure2012": "median luminance 0.12 → +0.38 EV"},
                before_jpeg=_jpeg(before), after_jpeg=_jpeg(after), score=70.0,
            )
        )
    entries[0].critique = "Exposure: a touch dark (0.6 EV).\n\nColour: a warm cast of ΔE 9."
    entries[0].suggestions = ["Brighten the photo: Exposure +0.6 EV (measured: score +4.0)",
                              "Neutralise the warm cast: Temperature −10"]
    entries.append(ReportEntry(path="/photos/bad.jpg", status="failed", error="truncated JPEG"))
    return entries


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    return subprocess.run(
        [CHROMIUM or "chromium", *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120,
    )


def test_report_shows_every_photo_with_before_and_after(
    tmp_path: Path, shared_photos: Path
) -> None:
    entries = _entries(shared_photos)
    page = write_report(tmp_path / "report.html", entries)
    html = page.read_text()
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html

    dom = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert len(re.findall(r"<section class=\"card ", dom.stdout)) == len(entries)
    decoded = re.search(r'data-decoded-images="(\d+)"', dom.stdout)
    assert decoded and int(decoded.group(1)) == 2 * 3, "every before/after preview decodes"
    console = [ln for ln in dom.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert not console, console
    # the critique as the terminal gives it: one paragraph per area, then the suggestions,
    # and the score's stars (70 → 3, the mapping --write-rating writes)
    critique = re.search(r'<div class="critique">(.*?)</div>', dom.stdout)
    assert critique and critique.group(1).count("<p>") == 2
    assert critique.group(1).count("<li>") == 2 and "(measured: score +4.0)" in critique.group(1)
    assert dom.stdout.count('title="3 of 5 stars">★★★<') == 3

    shot = tmp_path / "shot.png"
    result = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,900", page.as_uri())
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    with Image.open(shot) as im:
        colours = im.convert("RGB").resize((140, 90)).getcolors(140 * 90)
    assert colours is not None and len(colours) > 200, "photos, not a blank page"


def test_report_of_a_real_run_with_masks_and_critique(tmp_path: Path) -> None:
    import json
    import sys

    repo = Path(__file__).resolve().parents[1]
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("pond_sky.jpg", "portrait_red_hat.jpg", "flower.jpg"):
        shutil.copy(repo / "samples" / name, photos / name)
    (photos / "broken.jpg").write_bytes((photos / "flower.jpg").read_bytes()[:5000])
    page = tmp_path / "review.html"
    run = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "enhance", str(photos), "--masks", "auto",
         "--critique", "--json", "--report", str(page)],
        cwd=repo, capture_output=True, text=True, timeout=300,
        env={"ATELIER_STATE_DIR": str(tmp_path / "state"), "PATH": "/usr/bin:/bin"})
    doc = json.loads(run.stdout)
    masks = sum(len(p.get("masks", [])) for p in doc["photos"])
    assert masks >= 1, "the sample set has a sky or a subject"
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert len(re.findall(r"<section class=\"card ", dom.stdout)) == 4
    assert dom.stdout.count("class=\"card failed\"") == 1
    decoded = re.search(r'data-decoded-images="(\d+)"', dom.stdout)
    # before + after for each of the 3 photos, and one overlay per mask
    assert decoded and int(decoded.group(1)) == 2 * 3 + masks
    scores = [float(s) for s in re.findall(r'data-score="([\d.]+)"', dom.stdout)]
    assert len(scores) == 3 and all(0 < s <= 100 for s in scores)
    critiques = re.findall(r'<div class="critique">(.*?)</div>', dom.stdout)
    assert len(critiques) == 3 and all(c.count("<p>") >= 4 for c in critiques)
    # beside the auto-adjust's settings the critic's own answers would read as a second edit
    assert "<li>" not in "".join(critiques)
    console = [ln for ln in dom.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert not console, console


def test_critique_report_shows_the_photo_with_its_suggestions(tmp_path: Path) -> None:
    # `atelier critique --report`: no develop settings are written, so the card shows the
    # suggestions, and its after preview is the photo developed with them — the
    # under-exposed photo's "Brighten the photo" makes it brighter.
    import base64
    import json
    import sys

    repo = Path(__file__).resolve().parents[1]
    photos = tmp_path / "photos"
    photos.mkdir()
    shutil.copy(repo / "samples" / "backlit_trees_underexposed.jpg", photos)
    page = tmp_path / "critique.html"
    run = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "critique", str(photos), "--dry-run", "--json",
         "--report", str(page)],
        cwd=repo, capture_output=True, text=True, timeout=300,
        env={"ATELIER_STATE_DIR": str(tmp_path / "state"), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr[-2000:]
    critique = json.loads(run.stdout)["photos"][0]["critique"]
    assert any(s["settings"].get("Exposure2012", 0) > 0.5 for s in critique["suggestions"])
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert "class=\"k\"" not in dom.stdout, "no predictor settings table in a critique report"
    # each suggestion listed, with the score rise measured by rendering it
    assert dom.stdout.count("<li>") == len(critique["suggestions"])
    assert re.search(r"<li>[^<]+\(measured: score \+\d+\.\d\)</li>", dom.stdout)
    def mean_level(alt: str) -> float:
        uri = re.search(rf'alt="{alt}" src="data:image/jpeg;base64,([^"]+)"', dom.stdout)
        assert uri, alt
        with Image.open(io.BytesIO(base64.b64decode(uri.group(1)))) as im:
            return float(np.asarray(im.convert("L")).mean())

    assert mean_level("after") > 1.3 * mean_level("before")

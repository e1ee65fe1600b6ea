"""``atelier generate --copy-metadata`` carries rating and keywords to the derived file only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]


def tags(path: Path) -> dict[str, object]:
    out = subprocess.run(["exiftool", "-j", "-XMP-xmp:Rating", "-XMP-dc:Subject", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out)[0])


def test_copy_metadata_on_request(tmp_path: Path) -> None:
    photo = tmp_path / "a.jpg"
    Image.open(REPO / "samples" / "flower.jpg").resize((240, 160)).save(photo)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-xmp:Rating=4",
                    "-XMP-dc:Subject=flowers", "-XMP-dc:Subject=garden", str(photo)], check=True)
    before = photo.read_bytes()
    runs = []
    for extra in ([], ["--copy-metadata"]):
        result = subprocess.run(
            [sys.executable, "-m", "bridge.cli", "generate", str(photo), "--instruction",
             "reduce the noise", "--format", "jpeg", "--json", *extra],
            cwd=REPO, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        runs.append(Path(json.loads(result.stdout)["photos"][0]["derived"]["path"]))
    plain, copied = (tags(p) for p in runs)
    assert "Rating" not in plain and "Subject" not in plain  # only when asked
    assert copied["Rating"] == 4 and copied["Subject"] == ["flowers", "garden"]
    assert photo.read_bytes() == before  # the original is never written

"""kill -9 during a batch of sidecar writes: every sidecar is old or new, never partial,
and the next run removes the hidden temporary files the killed writes left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xmp.packet import Packet

REPO = Path(__file__).resolve().parents[1]
WRITER = """
import sys
from pathlib import Path
from xmp import Provenance, write_develop_settings
folder, rounds = Path(sys.argv[1]), int(sys.argv[2])
for round_ in range(rounds):
    for photo in sorted(folder.glob("*.nef")):
        settings = {"Exposure2012": round_ % 7 * 0.25, "Contrast2012": round_ % 50}
        write_develop_settings(photo, settings, is_raw=True,
                               provenance=Provenance("test/1", "0", {}))
"""
# The same writer, stalled for good inside its first fsync: the temporary file is written,
# the rename has not happened — where a kill -9 leaves a temporary file behind.
STALLED = "import os, sys, time\nos.fsync = lambda fd: (print('stalled', flush=True), " \
    "time.sleep(600))\n" + WRITER


def run_writer(folder: Path, rounds: int) -> None:
    subprocess.run([sys.executable, "-c", WRITER, str(folder), str(rounds)], cwd=REPO,
                   check=True, timeout=120)


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def assert_whole(folder: Path) -> None:
    sidecars = sorted(folder.glob("*.xmp"))
    assert sidecars, "the writer wrote nothing before it was killed"
    for sidecar in sidecars:  # parses, and holds a whole set of settings
        packet = Packet.parse(sidecar.read_bytes())
        assert packet.get("crs", "Exposure2012") is not None, sidecar
        assert packet.get("crs", "Contrast2012") is not None, sidecar


def test_sidecars_survive_kill_9_whole_and_temporaries_are_removed(tmp_path: Path) -> None:
    for i in range(40):
        (tmp_path / f"IMG_{i:03d}.nef").write_bytes(b"raw stand-in")
    for delay in (0.8, 1.3, 1.9):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), "1000"], cwd=REPO)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert_whole(tmp_path)
        # at most the one being written at the kill (each run sweeps the one before)
        assert len(hidden(tmp_path)) <= 1, hidden(tmp_path)
    run_writer(tmp_path, 1)  # the resumed run
    assert_whole(tmp_path)
    assert hidden(tmp_path) == []


def test_a_temporary_left_by_a_killed_write_is_removed_by_the_next_run(tmp_path: Path) -> None:
    photo = tmp_path / "IMG_001.nef"
    photo.write_bytes(b"raw stand-in")
    run_writer(tmp_path, 1)
    before = (tmp_path / "IMG_001.xmp").read_bytes()
    proc = subprocess.Popen([sys.executable, "-c", STALLED, str(tmp_path), "2"], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "stalled\n"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    (left,) = hidden(tmp_path)
    assert left.startswith(f".IMG_001.xmp.atelier-{proc.pid}-") and left.endswith(".tmp")
    assert (tmp_path / "IMG_001.xmp").read_bytes() == before  # the old sidecar, whole
    # Not ours, or a live writer's: the sweep leaves them.
    foreign = tmp_path / ".IMG_001.xmp.Ab12Cd"  # e.g. rsync's
    live = tmp_path / f".IMG_001.xmp.atelier-{os.getpid()}-abc.tmp"
    foreign.write_bytes(b"x")
    live.write_bytes(b"x")
    run_writer(tmp_path, 1)
    assert hidden(tmp_path) == sorted([foreign.name, live.name])
    # A live pid's file older than STALE_TEMP_S is stale too (the pid was reused).
    os.utime(live, (time.time() - 3600, time.time() - 3600))
    run_writer(tmp_path, 1)
    assert hidden(tmp_path) == [foreign.name]
    assert_whole(tmp_path)


EMBEDDER = """
import sys
from pathlib import Path
from xmp import Provenance, write_develop_settings
photo = Path(sys.argv[1])
for round_ in range(1000):
    write_develop_settings(photo, {"Exposure2012": round_ % 7 * 0.25}, is_raw=False,
                           provenance=Provenance("test/1", "0", {}))
"""


def test_kill_9_while_exiftool_embeds_leaves_no_exiftool_copy(tmp_path: Path) -> None:
    """ExifTool rewrites a TIFF through ``<file>_exiftool_tmp``; killed with Atelier it must
    delete that copy, or it refuses every later write to the photo."""
    import numpy as np
    from PIL import Image

    photo = tmp_path / "big.tif"  # 36 MB: each rewrite takes a while
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (3000, 4000, 3), np.uint8)).save(
        photo)
    pixels = np.asarray(Image.open(photo)).copy()
    copy = tmp_path / "big.tif_exiftool_tmp"
    for _ in range(2):
        proc = subprocess.Popen([sys.executable, "-c", EMBEDDER, str(photo)], cwd=REPO)
        deadline = time.monotonic() + 60
        while not copy.exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        assert copy.exists(), "ExifTool never started a rewrite"
        os.kill(proc.pid, signal.SIGKILL)  # mid-rewrite
        proc.wait()
        deadline = time.monotonic() + 10
        while copy.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not copy.exists(), "ExifTool left its copy behind"
        assert np.array_equal(np.asarray(Image.open(photo)), pixels)  # old or new, whole
    from xmp import Provenance, write_develop_settings

    write_develop_settings(photo, {"Exposure2012": 1.5}, is_raw=False,
                           provenance=Provenance("test/1", "0", {}))
    out = subprocess.run(["exiftool", "-s3", "-XMP-crs:Exposure2012", str(photo)],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "+1.50"


def test_a_stale_exiftool_copy_no_longer_blocks_the_photo(tmp_path: Path) -> None:
    import shutil

    from xmp import Provenance, write_develop_settings
    from xmp.packet import XmpError

    photo = tmp_path / "a.jpg"
    shutil.copy(REPO / "samples" / "flower.jpg", photo)
    copy = tmp_path / "a.jpg_exiftool_tmp"
    provenance = Provenance("test/1", "0", {})
    with copy.open("wb") as live:  # held open, as a live ExifTool holds it: left alone
        live.write(b"half a photo")
        live.flush()
        for quiet in (0.0, 5.0):  # whether just written or quiet for a while
            os.utime(copy, (time.time() - quiet, time.time() - quiet))
            with pytest.raises(XmpError, match="Temporary file already exists"):
                write_develop_settings(photo, {"Exposure2012": 0.5}, is_raw=False,
                                       provenance=provenance)
            assert copy.read_bytes() == b"half a photo"
    os.utime(copy, (time.time() - 5, time.time() - 5))  # closed, quiet: its ExifTool is dead
    write_develop_settings(photo, {"Exposure2012": 0.5}, is_raw=False, provenance=provenance)
    assert not copy.exists()
    copy.write_bytes(b"half a photo")  # and where nobody can tell: untouched for an hour
    os.utime(copy, (time.time() - 3600, time.time() - 3600))
    write_develop_settings(photo, {"Exposure2012": -0.5}, is_raw=False, provenance=provenance)
    assert not copy.exists()

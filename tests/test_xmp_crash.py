"""kill -9 during a batch of sidecar writes: every sidecar is old or new, never partial."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from xmp.packet import Packet

REPO = Path(__file__).resolve().parents[1]
WRITER = """
import sys
from pathlib import Path
from xmp import Provenance, write_develop_settings
folder = Path(sys.argv[1])
for round_ in range(1000):
    for photo in sorted(folder.glob("*.nef")):
        settings = {"Exposure2012": round_ % 7 * 0.25, "Contrast2012": round_ % 50}
        write_develop_settings(photo, settings, is_raw=True,
                               provenance=Provenance("test/1", "0", {}))
"""


def test_sidecars_survive_kill_9_whole(tmp_path: Path) -> None:
    for i in range(40):
        (tmp_path / f"IMG_{i:03d}.nef").write_bytes(b"raw stand-in")
    for delay in (0.8, 1.3, 1.9):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], cwd=REPO)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        sidecars = sorted(tmp_path.glob("*.xmp"))
        assert sidecars, "the writer wrote nothing before it was killed"
        for sidecar in sidecars:  # parses, and holds a whole set of settings
            packet = Packet.parse(sidecar.read_bytes())
            assert packet.get("crs", "Exposure2012") is not None, sidecar
            assert packet.get("crs", "Contrast2012") is not None, sidecar
        leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".")]
        assert len(leftovers) <= 1, leftovers  # at most the one being written at the kill
        for p in leftovers:
            p.unlink()

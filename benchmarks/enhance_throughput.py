"""Throughput of ``atelier enhance`` against the floor of what any tool must do.

Makes N JPEGs of at least 12 MP from the shared photos, then measures in one run:

- **floor**: decoding each file's analysis thumbnail (Pillow draft mode, as the engine does)
  plus embedding one fixed XMP packet with one long-lived ExifTool process, sequentially;
- **atelier**: ``atelier enhance DIR`` as a user runs it, engine start-up included, once
  per ``--workers`` value (analysis threads of the engine), with the peak resident memory
  of the bridge and its engine together.

Prints photos per second for each and the ratio (target: atelier ≥ 50 % of the floor);
run it at two ``--count`` values to see that memory stays flat in the batch size.

    .venv/bin/python benchmarks/enhance_throughput.py [--count 100] [--workers 1 2]
        [--workdir build/bench]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]
SHARED_PHOTOS = REPO.parent / "shared" / "data" / "photos" / "photos"
MIN_PIXELS = 12_000_000

PACKET = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""
 xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/" crs:Version="15.4"
 crs:ProcessVersion="15.4" crs:HasSettings="True" crs:Exposure2012="+0.50"
 crs:Contrast2012="+10"/></rdf:RDF></x:xmpmeta>"""


def make_corpus(count: int, out: Path) -> list[Path]:
    """``count`` JPEGs of ≥ 12 MP made from the shared photos (cached in ``out``)."""
    out.mkdir(parents=True, exist_ok=True)
    sources = sorted(p for p in SHARED_PHOTOS.iterdir() if p.suffix in {".jpg", ".tif", ".png"})
    bases = []
    for i, src in enumerate(sources):
        base = out / f"base_{i:02d}.jpg"
        if not base.exists():
            with Image.open(src) as im:
                rgb = im.convert("RGB")
                scale = max(1.0, (MIN_PIXELS / (rgb.width * rgb.height)) ** 0.5)
                if scale > 1.0:
                    size = (int(rgb.width * scale) + 1, int(rgb.height * scale) + 1)
                    rgb = rgb.resize(size, Image.Resampling.LANCZOS)
                # a TIFF's IFD0 (strip offsets…) is not EXIF: only JPEGs pass theirs on
                exif = im.getexif() if im.format == "JPEG" else Image.Exif()
                rgb.save(base, quality=90, exif=exif)
        bases.append(base)
    return [bases[i % len(bases)] for i in range(count)]


def fresh_copies(files: list[Path], dest: Path) -> list[Path]:
    """Copy the corpus into an empty ``dest`` (each run writes XMP into its copies)."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    copies = []
    for i, f in enumerate(files):
        copy = dest / f"photo_{i:04d}.jpg"
        shutil.copyfile(f, copy)
        copies.append(copy)
    return copies


def run_floor(files: list[Path]) -> float:
    """Seconds to decode every analysis thumbnail and embed one packet, one ExifTool."""
    import exiftool

    with tempfile.NamedTemporaryFile("w", suffix=".xmp", delete=False) as tmp:
        tmp.write(PACKET)
    start = time.perf_counter()
    with exiftool.ExifTool() as et:
        for f in files:
            with Image.open(f) as im:
                im.draft("RGB", (512, 512))
                im.convert("RGB").load()
            et.execute(f"-xmp<={tmp.name}", "-overwrite_original", str(f))
    seconds = time.perf_counter() - start
    Path(tmp.name).unlink()
    return seconds


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, MB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines()
                          if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total / 1024


def run_atelier(folder: Path, workers: int) -> tuple[float, float, dict[str, int]]:
    """Seconds and peak memory (MB) of ``atelier enhance folder --json``, and its summary."""
    atelier = Path(sys.executable).with_name("atelier")
    cmd = [str(atelier), "enhance", str(folder), "--json", "--force"]
    if workers:
        cmd += ["--workers", str(workers)]
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, _tree_rss_mb(proc.pid))
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.exit(f"atelier enhance failed ({proc.returncode}):\n{err.read()[-2000:]}")
        return seconds, peak, json.loads(out.read())["summary"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="photos (default 100)")
    parser.add_argument("--workers", type=int, nargs="+", default=[0],
                        help="engine analysis threads to try (0 = one per core)")
    parser.add_argument("--workdir", type=Path, default=REPO / "build" / "bench")
    args = parser.parse_args()

    corpus = make_corpus(args.count, args.workdir / "corpus")
    with Image.open(corpus[0]) as im:
        mp = im.width * im.height / 1e6
    floor_s = run_floor(fresh_copies(corpus, args.workdir / "floor"))
    floor_pps = args.count / floor_s
    print(f"photos: {args.count} JPEGs, first {mp:.1f} MP; machine load (1 min) "
          f"{os.getloadavg()[0]:.1f} before the floor")
    print(f"floor (draft decode + 1 ExifTool embed): {floor_s:7.2f} s {floor_pps:6.2f} photos/s")
    for workers in args.workers:
        atelier_dir = args.workdir / "atelier"
        fresh_copies(corpus, atelier_dir)
        atelier_s, peak_mb, summary = run_atelier(atelier_dir, workers)
        atelier_pps = args.count / atelier_s
        label = f"workers={workers or 'auto'}"
        print(f"atelier {label:<12} (start-up included): {atelier_s:7.2f} s "
              f"{atelier_pps:6.2f} photos/s, peak {peak_mb:5.0f} MB, {summary}")
        print(f"  ratio atelier/floor: {atelier_pps / floor_pps:.2f} (target >= 0.50); "
              f"load {os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    main()

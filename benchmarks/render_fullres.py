"""Full-resolution render: Atelier's develop model against darktable-cli on a 24 MP photo.

Makes a 24 MP JPEG once (a shared photo upscaled to 5664 × 4248, cached under
``build/bench/``), then, each in a fresh subprocess so peak memory is the process's own:

* **Atelier** — decode → `engine.develop.render` with every global slider non-zero plus
  two masked local adjustments (a linear gradient and a radial gradient) → 8-bit JPEG,
  the way the ``Render`` RPC does it (``torch.no_grad``, strips of ``TILE_ROWS`` rows).
  The render is timed on its own (best of ``--repeat``) and end to end;
* **darktable-cli** — the same JPEG with a comparable edit (exposure, white balance,
  contrast, vibrance, saturation; Atelier's own darktable sidecar writer on top of
  darktable's default scene-referred pipeline) exported as a full-size JPEG, with a fresh
  ``--configdir``; darktable's start-up cost is measured separately on a 64 px image.

Peak memory is the kernel's high-water mark of resident memory (``VmHWM``) of the
subprocess — tracemalloc does not see torch's allocations.  Both subprocesses run with
``OMP_WAIT_POLICY=PASSIVE`` (``--omp-wait-policy``): on a shared machine whose cores are
busy, OpenMP threads that spin at every barrier wait for a descheduled sibling, which
made a 2-thread render ~10× slower than a 1-thread one here; passive waiting costs
little on an idle machine.  The load average is printed with the figures.  Run with
``.venv/bin/python benchmarks/render_fullres.py``; ``--json`` prints the figures as JSON.
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
from typing import Any

__all__ = ["ATELIER_SETTINGS", "DARKTABLE_SETTINGS", "main", "make_photo"]

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared/data/photos/photos/uhdr04_pixel6pro_pond_sky.jpg"
CACHE = ROOT / "build/bench"
#: 24.06 MP at the source's 4:3.
SIZE = (5664, 4248)

#: Every global slider non-zero (rendered photo: incremental white balance).
ATELIER_SETTINGS: dict[str, float] = {
    "Exposure2012": 0.4, "Contrast2012": 20, "Highlights2012": -40, "Shadows2012": 30,
    "Whites2012": 10, "Blacks2012": -10, "Texture": 15, "Clarity2012": 20, "Dehaze": 10,
    "Vibrance": 25, "Saturation": 5, "IncrementalTemperature": 6, "IncrementalTint": -3,
}
#: The part of the edit darktable has modules for (see `xmp.darktable`).
DARKTABLE_SETTINGS: dict[str, float] = {
    k: ATELIER_SETTINGS[k]
    for k in ("Exposure2012", "Contrast2012", "Vibrance", "Saturation",
              "IncrementalTemperature", "IncrementalTint")
}


def make_photo() -> Path:
    """The 24 MP benchmark JPEG (made once, Lanczos upscale, quality 95)."""
    out = CACHE / f"pond_sky_{SIZE[0]}x{SIZE[1]}.jpg"
    if not out.exists():
        from PIL import Image

        CACHE.mkdir(parents=True, exist_ok=True)
        with Image.open(SOURCE) as im:
            big = im.convert("RGB").resize(SIZE, Image.Resampling.LANCZOS)
        tmp = out.with_suffix(".tmp")
        big.save(tmp, "JPEG", quality=95, subsampling=0)
        tmp.replace(out)
    return out


def _vm_hwm_mb() -> float:
    """Peak resident memory of this process, MB (``VmHWM``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _reset_peak() -> None:
    """Restart ``VmHWM`` at the current resident size (Linux: ``clear_refs`` value 5)."""
    Path("/proc/self/clear_refs").write_text("5")


def _vm_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def _local_adjustments() -> list[Any]:
    from atelier.v1 import engine_pb2 as pb
    from engine.develop import local_adjustments_from_pb

    sky = pb.MaskedAdjustment(
        forms=[pb.MaskForm(components=[pb.Mask(linear_gradient=pb.LinearGradient(
            zero=pb.Point(x=0.5, y=0.55), full=pb.Point(x=0.5, y=0.1)))])],
        adjustments=pb.LocalAdjustmentSet(exposure=-0.3, highlights=-30, dehaze=15,
                                          saturation=10),
    )
    subject = pb.MaskedAdjustment(
        forms=[pb.MaskForm(components=[pb.Mask(radial_gradient=pb.RadialGradient(
            top=0.35, bottom=0.85, left=0.25, right=0.75, angle=10, feather=50,
            flipped=True))])],
        adjustments=pb.LocalAdjustmentSet(exposure=0.3, clarity=20, temperature=8),
        amount=0.8,
    )
    return local_adjustments_from_pb([sky, subject])


def _atelier_child(photo: Path, repeat: int, tile_rows: int, threads: int) -> dict[str, Any]:
    """Runs in a fresh interpreter: decode, render, encode; returns the figures."""
    import torch

    from engine.decode import decode_full
    from engine.develop import encode_image, render

    torch.set_num_threads(threads)
    rss_start = _vm_rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    decoded = decode_full(photo)
    t_decode, c_decode = time.perf_counter() - t0, time.process_time() - c0
    image = torch.from_numpy(decoded.linear).permute(2, 0, 1)  # as engine.server.render
    local = _local_adjustments()
    peak_decode = _vm_hwm_mb()
    rss_loaded = _vm_rss_mb()
    _reset_peak()
    times, cpu = [], []
    out = image
    with torch.no_grad():
        for _ in range(repeat):
            out = image  # drop the previous result first: peak = one render's
            t, c = time.perf_counter(), time.process_time()
            out = render(image, ATELIER_SETTINGS, local=local, tile_rows=tile_rows)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    peak_render = _vm_hwm_mb()
    _reset_peak()
    t, c = time.perf_counter(), time.process_time()
    data = encode_image(out, "sRGB", "jpeg", 90)
    t_encode, c_encode = time.perf_counter() - t, time.process_time() - c
    peak_encode = _vm_hwm_mb()
    return {
        "size": list(image.shape[1:]),
        "megapixels": image.shape[1] * image.shape[2] / 1e6,
        "threads": threads,
        "tile_rows": tile_rows,
        "decode_s": t_decode,
        "decode_cpu_s": c_decode,
        "render_s": times,
        "render_best_s": min(times),
        "render_cpu_s": cpu,
        "encode_s": t_encode,
        "encode_cpu_s": c_encode,
        "end_to_end_s": t_decode + times[0] + t_encode,
        "end_to_end_cpu_s": c_decode + cpu[0] + c_encode,
        "jpeg_bytes": len(data),
        "rss_start_mb": rss_start,
        "rss_loaded_mb": rss_loaded,
        "peak_decode_mb": peak_decode,
        "peak_render_mb": peak_render,
        "peak_encode_mb": peak_encode,
        "peak_mb": max(peak_decode, peak_render, peak_encode),
    }


def _run_child(args: list[str], omp_wait_policy: str) -> dict[str, Any]:
    env = dict(os.environ)
    if omp_wait_policy:
        env["OMP_WAIT_POLICY"] = omp_wait_policy  # read when OpenMP loads: set it here
    run = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                         cwd=ROOT, check=False, env=env)
    if run.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{run.stdout}\n{run.stderr}")
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def _darktable_child(photo: Path, settings: dict[str, float]) -> dict[str, Any]:
    """Runs in a fresh interpreter: one darktable-cli export; wall time and child peak RSS."""
    import resource

    from xmp.darktable import write_darktable_sidecar

    with tempfile.TemporaryDirectory(prefix="dt-bench-") as tmp:
        work = Path(tmp)
        src = work / photo.name
        shutil.copyfile(photo, src)  # alone in its folder: darktable reads no other sidecar
        sidecar = write_darktable_sidecar(src, settings, is_raw=False) if settings else None
        out = work / "out.jpg"
        args = ["darktable-cli", str(src)]
        if sidecar is not None:
            args.append(str(sidecar))
        args += [str(out), "--hq", "false", "--core", "--configdir", str(work / "config"),
                 "--conf", "write_sidecar_files=never",
                 "--conf", "plugins/imageio/format/jpeg/quality=90"]
        t = time.perf_counter()
        run = subprocess.run(args, capture_output=True, text=True, timeout=900, check=False)
        wall = time.perf_counter() - t
        if not out.exists():
            raise RuntimeError(f"darktable-cli wrote nothing:\n{run.stdout}\n{run.stderr}")
        from PIL import Image

        with Image.open(out) as im:
            size = im.size
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024, "size": [size[1], size[0]],
            "modules": sorted(settings)}


def _tiny_photo() -> Path:
    out = CACHE / "tiny_64.jpg"
    if not out.exists():
        from PIL import Image

        CACHE.mkdir(parents=True, exist_ok=True)
        with Image.open(SOURCE) as im:
            im.convert("RGB").resize((64, 48)).save(out, "JPEG", quality=95)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run both renders and print the figures and ratios."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3, help="Atelier renders in its process")
    p.add_argument("--tile-rows", type=int, default=512)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--skip-darktable", action="store_true")
    p.add_argument("--omp-wait-policy", default="PASSIVE",
                   help="OMP_WAIT_POLICY of both renders ('' keeps the environment's)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--child", choices=["atelier", "darktable", "darktable-startup"],
                   help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child == "atelier":
        print(json.dumps(_atelier_child(make_photo(), a.repeat, a.tile_rows, a.threads)))
        return 0
    if a.child == "darktable":
        print(json.dumps(_darktable_child(make_photo(), DARKTABLE_SETTINGS)))
        return 0
    if a.child == "darktable-startup":
        print(json.dumps(_darktable_child(_tiny_photo(), DARKTABLE_SETTINGS)))
        return 0

    photo = make_photo()
    figures: dict[str, Any] = {"photo": str(photo.relative_to(ROOT)),
                               "load_before": os.getloadavg()[0],
                               "omp_wait_policy": a.omp_wait_policy}
    at = _run_child(["--child", "atelier", "--repeat", str(a.repeat),
                     "--tile-rows", str(a.tile_rows), "--threads", str(a.threads)],
                    a.omp_wait_policy)
    figures["atelier"] = at
    h, w = at["size"]
    from engine.develop.render import STRIP_PIXELS

    print(f"photo: {photo.name}, {w} × {h} = {at['megapixels']:.1f} MP, "
          f"{at['threads']} threads, tile_rows={at['tile_rows']} as the Render RPC passes "
          f"(strips of {min(at['tile_rows'], STRIP_PIXELS // w)} rows)")
    runs = ", ".join(f"{t:.2f}" for t in at["render_s"])
    print(f"Atelier render:      {at['render_best_s']:.2f} s best ({runs} s)  "
          f"[target ≤ 1.5 s]")
    print(f"Atelier render CPU:  {min(at['render_cpu_s']):.2f} s of CPU time (all threads; "
          f"the wall time if the machine were idle is about this / threads)")
    print(f"Atelier end to end:  {at['end_to_end_s']:.2f} s (decode {at['decode_s']:.2f} + "
          f"render {at['render_s'][0]:.2f} + JPEG {at['encode_s']:.2f}), "
          f"{at['end_to_end_cpu_s']:.1f} s CPU")
    print(f"Atelier peak memory: {at['peak_mb']:.0f} MB VmHWM of the process; while rendering "
          f"{at['peak_render_mb']:.0f} MB (decode {at['peak_decode_mb']:.0f}, JPEG "
          f"{at['peak_encode_mb']:.0f}; photo loaded: {at['rss_loaded_mb']:.0f} MB)  "
          f"[target ≤ 3072 MB]")
    if not a.skip_darktable:
        if shutil.which("darktable-cli") is None:
            print("darktable-cli not found: apt-get install darktable", file=sys.stderr)
            return 1
        dt = _run_child(["--child", "darktable"], a.omp_wait_policy)
        start = _run_child(["--child", "darktable-startup"], a.omp_wait_policy)
        figures["darktable"] = dt
        figures["darktable_startup"] = start
        print(f"darktable-cli:       {dt['wall_s']:.2f} s end to end, peak "
              f"{dt['peak_mb']:.0f} MB, {dt['cpu_s']:.1f} s CPU "
              f"({', '.join(dt['modules'])} on darktable's defaults); "
              f"start-up alone (64 px photo) {start['wall_s']:.2f} s")
        figures["ratio_end_to_end"] = dt["wall_s"] / at["end_to_end_s"]
        figures["ratio_render"] = dt["wall_s"] / at["render_best_s"]
        figures["ratio_without_startup"] = (dt["wall_s"] - start["wall_s"]) / at["end_to_end_s"]
        figures["ratio_cpu_end_to_end"] = dt["cpu_s"] / at["end_to_end_cpu_s"]
        print(f"darktable-cli / Atelier: {figures['ratio_end_to_end']:.1f}× end to end "
              f"(both decode, develop and write a JPEG), "
              f"{figures['ratio_without_startup']:.1f}× without darktable's start-up, "
              f"{figures['ratio_render']:.1f}× against Atelier's render alone  [target ≥ 2×]; "
              f"CPU time end to end {figures['ratio_cpu_end_to_end']:.1f}×")
    figures["load_after"] = os.getloadavg()[0]
    print(f"load average (1 min) before/after: {figures['load_before']:.1f} / "
          f"{figures['load_after']:.1f} on {os.cpu_count()} cores; "
          f"OMP_WAIT_POLICY={a.omp_wait_policy or '(unset)'}")
    if a.json:
        print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())

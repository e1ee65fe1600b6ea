"""Run the quality harness on the shared photos and print per-category tables.

    .venv/bin/python benchmarks/quality_eval.py [--size 768] [--per-photo 3]
        [--sheet docs/img/quality_contact_sheet.png] [--predictor analytic]

Restorers compared: identity (no edit), auto-levels + grey-world (what simple tools
do), the chosen predictor globally, and with weight-free masked local edits.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.quality import (  # noqa: E402
    auto_levels_grey_world,
    build_test_set,
    contact_sheet,
    evaluate,
    identity,
    restore_with_predictor,
    summarise,
)

PHOTOS = REPO.parent / "shared" / "data" / "photos"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=PHOTOS)
    parser.add_argument("--size", type=int, default=768, help="long side, px (default 768)")
    parser.add_argument("--per-photo", type=int, default=3, help="global degradations per photo")
    parser.add_argument("--predictor", default="analytic")
    parser.add_argument("--sheet", type=Path, help="write a contact sheet PNG here")
    args = parser.parse_args()

    start = time.perf_counter()
    paths = sorted(p for p in args.photos.rglob("*")
                   if p.suffix.lower() in {".png", ".jpg", ".tif"} and "raw" not in p.parts)
    cases = build_test_set(paths, long_side=args.size, per_photo=args.per_photo)
    print(f"{len(cases)} cases from {len(paths)} photos at {args.size} px "
          f"({time.perf_counter() - start:.0f} s to build)\n")
    restorers = {
        "identity": identity,
        "auto-levels + grey-world": auto_levels_grey_world,
        f"{args.predictor} (global)": restore_with_predictor(args.predictor),
        f"{args.predictor} + masks auto": restore_with_predictor(args.predictor, masks=True),
    }
    header = "| restorer | cases | PSNR dB | SSIM | ΔE2000 | exposure error (median EV) |"
    sheet_images = None
    for kind in ("global", "sky", "subject", "all"):
        print(f"### {kind}\n\n{header}\n|---|---|---|---|---|---|")
        for name, restorer in restorers.items():
            sel = [c for c in cases if kind in ("all", c.kind)]
            scores, images = evaluate(sel, restorer)
            row = summarise(scores)["all"]
            err = row.get("exposure_error_median")
            print(f"| {name} | {row['cases']:.0f} | {row['psnr']:.2f} | {row['ssim']:.3f} | "
                  f"{row['delta_e']:.2f} | {'' if err is None else f'{err:.2f}'} |")
            if kind == "all" and name.endswith("masks auto"):
                sheet_images = (sel, images)
        print()
    if args.sheet and sheet_images:
        sel, images = sheet_images
        step = max(1, len(sel) // 12)
        contact_sheet(sel[::step][:12], images[::step][:12], args.sheet)
        print(f"contact sheet (original | degraded | restored): {args.sheet}")
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

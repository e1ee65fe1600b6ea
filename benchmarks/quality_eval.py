"""Run the quality harness on the shared photos: per-category tables and sheets.

    .venv/bin/python benchmarks/quality_eval.py [--size 768] [--per-photo 3]
        [--seed 0] [--predictor analytic] [--sheet docs/img/quality_contact_sheet.jpg]
        [--sky-sheet docs/img/quality_sky_masks.jpg] [--no-tables] [--exposure-only]

Restorers compared: identity (no edit), auto-levels + grey-world (what simple tools
do), the chosen predictor globally, and with weight-free masked local edits.  Each
restorer runs once on every case; the tables group its scores by kind and overall.

``--sheet`` restores only a compact subset (per photo, its first global case and its
sky — else subject — case) with the predictor and masks, so it takes minutes; with
``--no-tables`` nothing else is run.  ``--sky-sheet`` shows the sky the detector finds on
every photo at the engine's analysis size.  ``--exposure-only`` runs just the predictor on
the global cases and prints their median exposure error (half a minute, no rendering).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from benchmarks.quality import (  # noqa: E402
    Case,
    auto_levels_grey_world,
    build_test_set,
    contact_sheet,
    evaluate,
    identity,
    restore_with_predictor,
    sheet_cases,
    sky_sheet,
    summarise,
)
from engine.decode import DEFAULT_ANALYSIS_SIZE, decode_photo  # noqa: E402
from engine.masks import detect_sky  # noqa: E402
from engine.predictors import get_predictor  # noqa: E402

PHOTOS = REPO.parent / "shared" / "data" / "photos"
KINDS = ("global", "sky", "subject", "all")


def _tables(cases: list[Case], predictor: str) -> None:
    restorers = {
        "identity": identity,
        "auto-levels + grey-world": auto_levels_grey_world,
        f"{predictor} (global)": restore_with_predictor(predictor),
        f"{predictor} + masks auto": restore_with_predictor(predictor, masks=True),
    }
    tables = {name: summarise(evaluate(cases, restorer)[0])
              for name, restorer in restorers.items()}
    for kind in KINDS:
        print(f"### {kind}\n\n| restorer | cases | PSNR dB | SSIM | ΔE2000 | "
              "exposure error (median EV) |\n|---|---|---|---|---|---|")
        for name, table in tables.items():
            row = table[kind]
            err = row.get("exposure_error_median")
            print(f"| {name} | {row['cases']:.0f} | {row['psnr']:.2f} | {row['ssim']:.3f} | "
                  f"{row['delta_e']:.2f} | {'' if err is None else f'{err:.2f}'} |")
        print()


def _exposure_only(cases: list[Case], predictor: str) -> None:
    """The median exposure error of ``predictor`` alone on the global cases (as in the tables)."""
    model = get_predictor(predictor)
    errors = [abs(model.predict(case.photo).settings.get("Exposure2012", 0.0)
                  + case.degradation["Exposure2012"]) for case in cases if case.kind == "global"]
    print(f"{predictor}: median exposure error {np.median(errors):.3f} EV on "
          f"{len(errors)} global cases ({np.mean(np.array(errors) <= 0.3):.0%} within 0.3 EV)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=PHOTOS)
    parser.add_argument("--size", type=int, default=768, help="long side, px (default 768)")
    parser.add_argument("--per-photo", type=int, default=3, help="global degradations per photo")
    parser.add_argument("--seed", type=int, default=0, help="seed of the degradations")
    parser.add_argument("--predictor", default="analytic")
    parser.add_argument("--sheet", type=Path,
                        help="write a compact original | degraded | restored sheet (.jpg/.png)")
    parser.add_argument("--sky-sheet", type=Path,
                        help="write the sky mask of every photo as an overlay sheet (.jpg/.png)")
    parser.add_argument("--no-tables", action="store_true", help="only write the sheets")
    parser.add_argument("--exposure-only", action="store_true",
                        help="only the predictor's median exposure error on the global cases")
    args = parser.parse_args()

    start = time.perf_counter()
    paths = sorted(p for p in args.photos.rglob("*")
                   if p.suffix.lower() in {".png", ".jpg", ".tif"} and "raw" not in p.parts)
    if args.sky_sheet:
        found = []
        for path in paths:
            linear = decode_photo(path, long_side=DEFAULT_ANALYSIS_SIZE).linear
            sky = detect_sky(linear)
            found.append((path.stem, linear, sky))
            print(f"{path.stem}: " + ("no sky" if sky is None else
                  f"sky {sky.fraction:.0%} of the frame, confidence {sky.confidence:.2f}, "
                  f"horizon {'straight' if sky.horizon else 'not straight'}"))
        sky_sheet(found, args.sky_sheet)
        print(f"sky sheet: {args.sky_sheet} ({time.perf_counter() - start:.0f} s)\n")
    if args.no_tables and not args.sheet:
        return
    cases = build_test_set(paths, long_side=args.size, per_photo=args.per_photo,
                           seed=args.seed)
    print(f"{len(cases)} cases from {len(paths)} photos at {args.size} px "
          f"({time.perf_counter() - start:.0f} s to build)\n")
    if args.exposure_only:
        _exposure_only(cases, args.predictor)
        return
    if args.sheet:
        picked = sheet_cases(cases)
        restore = restore_with_predictor(args.predictor, masks=True)
        contact_sheet(picked, [restore(case)[0] for case in picked], args.sheet)
        print(f"contact sheet of {len(picked)} cases (original | degraded | restored with "
              f"{args.predictor} + masks auto): {args.sheet} "
              f"({time.perf_counter() - start:.0f} s)\n")
    if not args.no_tables:
        _tables(cases, args.predictor)
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

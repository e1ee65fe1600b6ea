"""FilterNet vs the analytic predictor on the quality harness, on photos FilterNet never saw.

    .venv/bin/python benchmarks/filternet_eval.py [--model models/filternet-small]
        [--size 768] [--per-photo 3] [--all-photos]

The harness degrades the shared photos — the same corpus FilterNet is trained on.  So by
default only the photos the model held back for validation (``val_names`` in its
``metrics.json``) are scored, for every restorer alike; ``--all-photos`` scores the whole
corpus, where FilterNet's figures are flattered by having trained on most of it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.quality import (  # noqa: E402
    auto_levels_grey_world,
    build_test_set,
    evaluate,
    identity,
    restore_with_predictor,
    summarise,
)
from benchmarks.quality.harness import Restorer  # noqa: E402
from engine.predictors.filternet.predictor import default_model_dir  # noqa: E402

PHOTOS = REPO.parent / "shared" / "data" / "photos"
KINDS = ("global", "sky", "subject", "all")
#: Suffixes the harness scores (rendered files; raws have their own pipeline).
SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def held_back_photos(photos: Path, model: Path) -> list[Path]:
    """The rendered photos under ``photos`` that ``model`` held back from training.

    Raises:
        ValueError: the model's metrics.json does not record its split.
    """
    metrics = json.loads((model / "metrics.json").read_text())
    if "val_names" not in metrics:
        raise ValueError(f"{model}/metrics.json has no val_names: cannot tell which photos "
                         "the model never saw (retrain, or pass --all-photos)")
    return sorted(photos / n for n in metrics["val_names"] if Path(n).suffix.lower() in SUFFIXES)


def restorers(model: Path) -> dict[str, Restorer]:
    """Baselines, then each predictor globally and with weight-free masked local edits."""
    table: dict[str, Restorer] = {"identity": identity,
                                  "auto-levels + grey-world": auto_levels_grey_world}
    for masks in (False, True):
        label = " + masks auto" if masks else " (global)"
        table["analytic" + label] = restore_with_predictor("analytic", masks=masks)
        table["filternet" + label] = restore_with_predictor("filternet", masks=masks, model=model)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=PHOTOS)
    parser.add_argument("--model", type=Path, default=default_model_dir(),
                        help="FilterNet directory (default: the bundled model)")
    parser.add_argument("--size", type=int, default=768, help="long side, px (default 768)")
    parser.add_argument("--per-photo", type=int, default=3, help="global degradations per photo")
    parser.add_argument("--all-photos", action="store_true",
                        help="score every photo, including those FilterNet trained on")
    args = parser.parse_args()

    start = time.perf_counter()
    if args.all_photos:
        paths = sorted(p for p in args.photos.rglob("*")
                       if p.suffix.lower() in SUFFIXES and "raw" not in p.parts)
    else:
        paths = held_back_photos(args.photos, args.model)
    cases = build_test_set(paths, long_side=args.size, per_photo=args.per_photo)
    which = "all photos" if args.all_photos else "photos held back from training"
    print(f"{len(cases)} cases from {len(paths)} {which} at {args.size} px: "
          f"{', '.join(p.name for p in paths)}\n")
    tables = {name: summarise(evaluate(cases, restore)[0])
              for name, restore in restorers(args.model).items()}
    for kind in KINDS:
        print(f"### {kind}\n\n| restorer | cases | PSNR dB | SSIM | ΔE2000 | "
              "exposure error (median EV) |\n|---|---|---|---|---|---|")
        for name, table in tables.items():
            if kind not in table:
                continue
            row = table[kind]
            err = row.get("exposure_error_median")
            print(f"| {name} | {row['cases']:.0f} | {row['psnr']:.2f} | {row['ssim']:.3f} | "
                  f"{row['delta_e']:.2f} | {'' if err is None else f'{err:.2f}'} |")
        print()
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

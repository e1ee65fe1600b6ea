"""``atelier eval cocogold``: measure a CocoGold model on a COCO-format split."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bridge.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE

__all__ = ["register", "run"]

_EPILOG = """\
Each (image, class present) pair is one query: prompt = the class name, ground truth =
every instance of the class.  Pixels are accumulated per group; IoU = TP/(TP+FP+FN),
pixel accuracy = (TP+TN)/pixels.  "trained" = the classes in the model's cocogold.json
(else the thesis's 14), "other" = the rest.  The thesis reports IoU 0.664 trained /
0.241 other at 50 DDIM steps, 0.717 / 0.217 at 4 trailing steps.
exit status: 0 done, 1 data or model error, 2 bad usage."""


def register(sub: Any) -> None:
    """Add ``eval`` to the CLI's subparsers."""
    parser = sub.add_parser(
        "eval", help="measure a learned component on local data",
        description="Evaluate a CocoGold model on a COCO-format split (thesis protocol).",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("component", choices=["cocogold"], help="what to evaluate")
    parser.add_argument("--coco", type=Path, required=True, metavar="DIR",
                        help="COCO directory: annotations/instances_<split>.json + images")
    parser.add_argument("--model", type=Path, required=True, metavar="DIR",
                        help="the CocoGold model directory")
    parser.add_argument("--base", type=Path, metavar="DIR",
                        help="Stable Diffusion 2 directory for parts the model lacks")
    parser.add_argument("--split", default="val2017", help="COCO split (default %(default)s)")
    parser.add_argument("--steps", type=int, default=4, metavar="N",
                        help="denoising steps 1..50 (default %(default)s)")
    parser.add_argument("--ensemble", type=int, default=1, metavar="N",
                        help="predictions combined by median, 1..16 (default %(default)s)")
    parser.add_argument("--schedule", choices=("trailing", "ddim"), default="trailing",
                        help="DDIM timestep spacing (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=0, metavar="N",
                        help="only the first N images (default: all)")
    parser.add_argument("--classes", metavar="A,B,...", help="only these classes")
    parser.add_argument("--device", default="cpu",
                        help="torch device to run the model on, e.g. cuda (default %(default)s)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def _check(args: argparse.Namespace) -> str | None:
    if not 1 <= args.steps <= 50:
        return f"--steps {args.steps} is outside 1..50"
    if not 1 <= args.ensemble <= 16:
        return f"--ensemble {args.ensemble} is outside 1..16"
    if args.limit < 0:
        return "--limit must be ≥ 0"
    return None


def run(args: argparse.Namespace) -> int:
    """Evaluate; see ``--help``."""
    if problem := _check(args):
        print(f"atelier eval: {problem}", file=sys.stderr)
        return EXIT_USAGE
    from bridge.output import write_json
    from engine import __version__
    from engine.masks.cocogold.coco import CocoDataset
    from engine.masks.cocogold.evaluate import evaluate_cocogold
    from engine.masks.cocogold.pipeline import CocoGoldError, CocoGoldPipeline, device_problem

    classes = [c.strip() for c in (args.classes or "").split(",") if c.strip()]
    if problem := device_problem(args.device):
        print(f"atelier eval: {problem}", file=sys.stderr)
        return EXIT_FAILED
    try:
        dataset = CocoDataset(args.coco, args.split)
        pipeline = CocoGoldPipeline.from_pretrained(args.model, base=args.base).to(args.device)
        report = evaluate_cocogold(
            pipeline, dataset, steps=args.steps, ensemble=args.ensemble, seed=args.seed,
            schedule=args.schedule, limit=args.limit, classes=classes,
            on_query=None if args.json else lambda f, c, n: print(
                f"{f} {c}: IoU {n.iou:.3f}", file=sys.stderr, flush=True))
    except (FileNotFoundError, CocoGoldError) as exc:
        print(f"atelier eval: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        write_json({
            "atelier": __version__, "command": "eval", "component": "cocogold",
            "model": str(args.model), "split": args.split, "steps": args.steps,
            "ensemble": args.ensemble, "schedule": args.schedule, "seed": args.seed,
            "trained_classes": list(report.trained_classes),
            "trained": report.trained.as_dict(), "other": report.other.as_dict(),
            "per_class": {k: v.as_dict() for k, v in sorted(report.per_class.items())},
            "seconds": round(report.seconds, 2)}, sys.stdout)
        return EXIT_OK
    print(f"{'group':<10}{'queries':>8}{'IoU':>8}{'pixel acc':>11}")
    for name, counts in (("trained", report.trained), ("other", report.other)):
        print(f"{name:<10}{counts.queries:>8}{counts.iou:>8.3f}{counts.pixel_accuracy:>11.3f}")
    queries = report.trained.queries + report.other.queries
    print(f"\n{queries} queries, {args.steps} {args.schedule} step(s), ensemble "
          f"{args.ensemble}: {report.seconds / max(queries, 1):.2f} s per mask")
    return EXIT_OK

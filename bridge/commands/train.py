"""``atelier train filternet``: train a FilterNet on a folder of good photos (self-supervised)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    """Add the ``train`` sub-command to the CLI's subparsers."""
    parser = sub.add_parser(
        "train",
        help="train a learned component on local photos",
        description="Train a learned predictor. FilterNet learns, self-supervised, to restore "
        "good photos degraded by the develop model; nothing is downloaded.",
    )
    parser.add_argument("component", choices=["filternet"], help="what to train")
    parser.add_argument("--photos", required=True, help="folder of good photos (recursive)")
    parser.add_argument("--out", required=True, help="output model directory")
    parser.add_argument("--model", choices=["small", "resnet50"], default="small",
                        help="backbone size (default: small)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--samples-per-photo", type=int, default=4,
                        help="degraded versions of each photo per epoch")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--val-fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--amp", action="store_true", help="mixed precision (bfloat16 on CPU)")
    parser.add_argument("--vgg-weights", help="local VGG-16 weights for the perceptual loss")
    parser.add_argument("--max-minutes", type=float, default=0.0,
                        help="stop after this wall time (0 = no limit)")
    parser.add_argument("--image-size", type=int, default=299, help="thumbnail side, px")
    parser.add_argument("--no-resume", action="store_true",
                        help="start over even if OUT/checkpoint exists")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Train; exit 0 on success, 1 on a data error, 2 on bad options."""
    from engine.predictors.filternet.train import TrainConfig, train_filternet

    if args.epochs < 1 or args.batch_size < 2:
        print(f"atelier train: --epochs must be ≥ 1 and --batch-size ≥ 2 "
              f"(got {args.epochs}, {args.batch_size})", file=sys.stderr)
        return 2
    cfg = TrainConfig(
        photos=args.photos, out_dir=args.out, model=args.model, epochs=args.epochs,
        samples_per_photo=args.samples_per_photo, batch_size=args.batch_size, lr=args.lr,
        val_fraction=args.val_fraction, seed=args.seed, amp=args.amp,
        vgg_weights=args.vgg_weights, max_minutes=args.max_minutes, image_size=args.image_size,
    )
    try:
        state = train_filternet(cfg, resume=not args.no_resume,
                                log=lambda s: print(s, file=sys.stderr, flush=True))
    except (FileNotFoundError, ValueError) as exc:
        print(f"atelier train: {exc}", file=sys.stderr)
        return 1
    last = state["history"][-1] if state["history"] else {}
    print(f"trained {state['epoch']} epochs → {args.out} "
          f"(val PSNR restored {last.get('val_psnr_restored', float('nan')):.2f} dB)")
    return 0

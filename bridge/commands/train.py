"""``atelier train filternet|cocogold``: train a learned component on local data.

* ``filternet``: self-supervised on a folder of good photos (``--photos``);
* ``cocogold``: fine-tune a Stable Diffusion 2–style directory (``--base``) into a
  CocoGold text-mask model on a COCO-format directory (``--coco``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["register", "run"]

#: Defaults that differ by component: (filternet, cocogold).
_DEFAULTS = {"batch_size": (8, 16), "lr": (1e-3, 3e-5)}


def register(sub: Any) -> None:
    """Add the ``train`` sub-command to the CLI's subparsers."""
    parser = sub.add_parser(
        "train",
        help="train a learned component on local photos",
        description="Train a learned component; nothing is downloaded. FilterNet learns, "
        "self-supervised, to restore good photos degraded by the develop model. CocoGold "
        "fine-tunes a local Stable Diffusion 2 directory to find what words name, on a "
        "COCO-format dataset (docs/cocogold.md).",
    )
    parser.add_argument("component", choices=["filternet", "cocogold"], help="what to train")
    parser.add_argument("--out", required=True, help="output model directory")
    parser.add_argument("--batch-size", type=int,
                        help="samples per batch (default: filternet 8, cocogold 16)")
    parser.add_argument("--lr", type=float,
                        help="learning rate (default: filternet 1e-3, cocogold 3e-5)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0, metavar="N",
                        help="torch CPU threads (default 0 = torch's choice)")
    filternet = parser.add_argument_group("filternet")
    filternet.add_argument("--photos", help="folder of good photos (recursive)")
    filternet.add_argument("--model", choices=["small", "resnet50"], default="small",
                           help="backbone size (default: small)")
    filternet.add_argument("--epochs", type=int, default=10)
    filternet.add_argument("--samples-per-photo", type=int, default=4,
                           help="degraded versions of each photo per epoch")
    filternet.add_argument("--val-fraction", type=float, default=0.2)
    filternet.add_argument("--amp", action="store_true",
                           help="mixed precision (bfloat16 on CPU)")
    filternet.add_argument("--vgg-weights", help="local VGG-16 weights for the perceptual loss")
    filternet.add_argument("--max-minutes", type=float, default=0.0,
                           help="stop after this wall time (0 = no limit)")
    filternet.add_argument("--image-size", type=int, default=299, help="thumbnail side, px")
    filternet.add_argument("--no-resume", action="store_true",
                           help="start over even if OUT/checkpoint exists")
    cocogold = parser.add_argument_group("cocogold")
    cocogold.add_argument("--coco", type=Path, metavar="DIR",
                          help="COCO directory: annotations/instances_<split>.json + images")
    cocogold.add_argument("--base", type=Path, metavar="DIR",
                          help="Stable Diffusion 2-style directory (vae/, text_encoder/, "
                               "tokenizer/, unet/)")
    cocogold.add_argument("--split", default="train2017", help="COCO split (default %(default)s)")
    cocogold.add_argument("--classes", metavar="A,B,...",
                          help="comma-separated class names (default: the thesis's 14)")
    cocogold.add_argument("--steps", type=int, default=18_000,
                          help="optimiser steps (default %(default)s)")
    cocogold.add_argument("--warmup", type=int, default=100,
                          help="linear learning-rate warm-up, steps (default %(default)s)")
    cocogold.add_argument("--accumulation", type=int, default=2,
                          help="batches per optimiser step (default %(default)s: 16 × 2 = 32)")
    cocogold.add_argument("--resolution", type=int, default=512,
                          help="the model's square input, px (default %(default)s)")
    cocogold.add_argument("--checkpoint-every", type=int, default=500, metavar="N",
                          help="save OUT every N steps (default %(default)s; 0 = at the end)")
    cocogold.add_argument("--device", default="cpu",
                          help="torch device to train on, e.g. cuda (default %(default)s)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Train; exit 0 on success, 1 on a data error, 2 on bad options."""
    which = 0 if args.component == "filternet" else 1
    for name, defaults in _DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, defaults[which])
    return _filternet(args) if args.component == "filternet" else _cocogold(args)


def _usage(message: str) -> int:
    print(f"atelier train: {message}", file=sys.stderr)
    return 2


def _filternet(args: argparse.Namespace) -> int:
    from engine.predictors.filternet.train import TrainConfig, train_filternet

    if not args.photos:
        return _usage("filternet needs --photos DIR")
    if args.epochs < 1 or args.batch_size < 2:
        return _usage(f"--epochs must be ≥ 1 and --batch-size ≥ 2 "
                      f"(got {args.epochs}, {args.batch_size})")
    cfg = TrainConfig(
        photos=args.photos, out_dir=args.out, model=args.model, epochs=args.epochs,
        samples_per_photo=args.samples_per_photo, batch_size=args.batch_size, lr=args.lr,
        val_fraction=args.val_fraction, seed=args.seed, amp=args.amp,
        vgg_weights=args.vgg_weights, max_minutes=args.max_minutes, image_size=args.image_size,
        threads=args.threads,
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


def _cocogold(args: argparse.Namespace) -> int:
    if args.coco is None or args.base is None:
        return _usage("cocogold needs --coco DIR and --base DIR")
    if min(args.steps, args.batch_size, args.accumulation) < 1 or args.warmup < 0 \
            or args.checkpoint_every < 0 or args.lr <= 0:
        return _usage("--steps, --batch-size and --accumulation must be ≥ 1, --warmup and "
                      "--checkpoint-every ≥ 0, --lr > 0")
    import torch

    from engine.masks.cocogold.coco import THESIS_CLASSES
    from engine.masks.cocogold.finetune import FinetuneConfig, finetune_on_coco
    from engine.masks.cocogold.pipeline import CocoGoldError, device_problem

    classes = tuple(c.strip() for c in args.classes.split(",") if c.strip()) \
        if args.classes else THESIS_CLASSES
    if not classes:
        return _usage("--classes names no class")
    config = FinetuneConfig(
        coco=args.coco, base=args.base, out=Path(args.out), split=args.split, classes=classes,
        steps=args.steps, lr=args.lr, warmup_steps=args.warmup, batch_size=args.batch_size,
        accumulation=args.accumulation, resolution=args.resolution,
        checkpoint_every=args.checkpoint_every, seed=args.seed, device=args.device)
    if problem := device_problem(args.device):
        print(f"atelier train: {problem}", file=sys.stderr)
        return 1
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        losses = finetune_on_coco(config, log=lambda s: print(s, file=sys.stderr, flush=True))
    except (FileNotFoundError, ValueError, CocoGoldError) as exc:
        print(f"atelier train: {exc}", file=sys.stderr)
        return 1
    print(f"trained CocoGold {len(losses)} steps → {args.out} (last loss {losses[-1]:.5f}); "
          f"use it with: atelier mask PROMPT PHOTO --model {args.out}")
    return 0

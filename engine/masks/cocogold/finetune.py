"""Fine-tuning CocoGold on a COCO directory: what ``atelier train cocogold`` runs.

A Stable Diffusion 2–style base directory is loaded with its UNet widened to 8 channels
(`CocoGoldPipeline.from_base`), fine-tuned on the thesis's sampler
(`engine.masks.cocogold.coco.training_samples`) with `train_cocogold`, and written with
``save_pretrained`` into the output directory: the whole pipeline at the first
checkpoint, only the UNet (the part that learns) at later ones — so the output is
always a complete CocoGold directory ``atelier mask --model`` can use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.masks.cocogold.coco import (
    MIN_IMAGE_SIDE,
    THESIS_CLASSES,
    CocoDataset,
    training_samples,
)
from engine.masks.cocogold.pipeline import CocoGoldPipeline
from engine.masks.cocogold.train import train_cocogold

__all__ = ["FinetuneConfig", "finetune_on_coco"]


@dataclass(frozen=True)
class FinetuneConfig:
    """One fine-tuning run (defaults: the thesis's).

    Attributes:
        coco: COCO directory (``annotations/instances_<split>.json`` + images).
        base: Stable Diffusion 2–style directory (vae/, text_encoder/, tokenizer/, unet/).
        out: the CocoGold directory to write.
        split: COCO split name, e.g. ``"train2017"``.
        classes: class names to train on (the prompts).
        steps: optimiser steps, ≥ 1.
        lr: peak learning rate.
        warmup_steps: linear warm-up, optimiser steps.
        batch_size: samples per forward pass.
        accumulation: forward passes per optimiser step (effective batch = product).
        resolution: the model's square input side, px.
        checkpoint_every: save every N optimiser steps (0 = only at the end).
        seed: sampler, noise and timesteps.
        min_side: images with a shorter side are skipped, px.
        device: where the model computes (``"cpu"``, ``"cuda"``, …).
    """

    coco: Path
    base: Path
    out: Path
    split: str = "train2017"
    classes: tuple[str, ...] = THESIS_CLASSES
    steps: int = 18_000
    lr: float = 3e-5
    warmup_steps: int = 100
    batch_size: int = 16
    accumulation: int = 2
    resolution: int = 512
    checkpoint_every: int = 500
    seed: int = 0
    min_side: int = MIN_IMAGE_SIDE
    device: str = "cpu"


def finetune_on_coco(config: FinetuneConfig, log: Callable[[str], None] = print) -> list[float]:
    """Run the fine-tuning; the mean loss of each optimiser step.

    Raises:
        FileNotFoundError: no COCO instances file.
        ValueError: no usable image for the classes, or bad step/batch values.
        engine.masks.cocogold.pipeline.CocoGoldError: the base directory does not load.
    """
    dataset = CocoDataset(config.coco, config.split)
    stream = training_samples(dataset, classes=config.classes, resolution=config.resolution,
                              seed=config.seed, min_side=config.min_side)
    pipeline = CocoGoldPipeline.from_base(config.base, resolution=config.resolution)
    pipeline.to(config.device)
    pipeline.config.classes = list(config.classes)
    saved: list[int] = []

    def save(step: int) -> None:
        pipeline.save_pretrained(config.out, unet_only=bool(saved))
        saved.append(step)
        log(f"checkpoint after step {step} → {config.out}")

    def on_step(step: int, loss: float) -> None:
        log(f"step {step + 1}/{config.steps}: loss {loss:.5f}")
        done = step + 1
        if config.checkpoint_every and done % config.checkpoint_every == 0 \
                and done < config.steps:
            save(done)

    log(f"fine-tuning {config.base} on {len(dataset.images)} images of {config.coco} "
        f"({config.split}), classes: {', '.join(config.classes)}")
    losses = train_cocogold(
        pipeline, stream, steps=config.steps, lr=config.lr, warmup_steps=config.warmup_steps,
        batch_size=config.batch_size, accumulation=config.accumulation, seed=config.seed,
        on_step=on_step)
    save(config.steps)
    return losses

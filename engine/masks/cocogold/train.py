"""Fine-tuning CocoGold: the denoising objective on (image, prompt, mask) triples.

The target of a triple is the image with the mask's pixels painted white (thesis ch. 4);
image and target are letterboxed to the model's square and near-white-guarded exactly as
at inference.  One training step: encode both with the frozen VAE, noise the target
latent at a uniformly drawn timestep, let the UNet predict from (image latent ‖ noisy
target latent, prompt) what the scheduler's ``prediction_type`` names (ε or v), MSE.
Only the UNet learns (AdamW, linear warm-up, gradient accumulation).  Samples come from a
fixed list (cycled in a shuffled order) or an endless stream such as the COCO sampler
(`engine.masks.cocogold.coco.training_samples`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import torch
from numpy.typing import NDArray

from engine.masks.cocogold.pipeline import CocoGoldPipeline
from engine.masks.cocogold.processing import Letterbox, resize_mask

__all__ = ["TrainingSample", "denoising_loss", "paint_target", "train_cocogold"]


@dataclass(frozen=True)
class TrainingSample:
    """One training triple.

    Attributes:
        image: (H, W, 3) sRGB-encoded 0..1.
        prompt: the class or phrase naming the region, e.g. "dog".
        mask: (H, W) region, bool or 0..1 (> 0.5 = inside).
    """

    image: NDArray[np.float32]
    prompt: str
    mask: NDArray[np.generic]


def paint_target(image: NDArray[np.float32], mask: NDArray[np.generic]) -> NDArray[np.float32]:
    """The thesis's target: ``image`` with the mask's pixels painted pure white."""
    target = np.array(image, dtype=np.float32, copy=True)
    target[np.asarray(mask, dtype=np.float32) > 0.5] = 1.0
    return target


def _batch(
    pipeline: CocoGoldPipeline, samples: Sequence[TrainingSample]
) -> tuple[torch.Tensor, torch.Tensor, list[str]]:
    """Samples → (images, targets) as (N, 3, R, R) 0..1 tensors, and prompts."""
    images, targets = [], []
    for s in samples:
        square, box = pipeline.model_input(np.asarray(s.image, dtype=np.float32))
        painted = paint_target(square, _letterboxed_mask(s.mask, box))
        images.append(square)
        targets.append(painted)
    to_t = lambda xs: torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2)  # noqa: E731
    return to_t(images), to_t(targets), [s.prompt for s in samples]


def _letterboxed_mask(mask: NDArray[np.generic], box: Letterbox) -> NDArray[np.float32]:
    square = np.zeros((box.size, box.size), dtype=np.float32)
    small = resize_mask(np.asarray(mask, dtype=np.float32), box.width, box.height)
    square[box.top : box.top + box.height, box.left : box.left + box.width] = small
    return square


def denoising_loss(
    pipeline: CocoGoldPipeline, samples: Sequence[TrainingSample],
    generator: torch.Generator,
) -> torch.Tensor:
    """The MSE denoising loss of ``samples`` (differentiable w.r.t. the UNet).

    Noise and timesteps are drawn from ``generator``: the same seed gives the same loss
    for the same weights.
    """
    images, targets, prompts = _batch(pipeline, samples)
    dtype = pipeline.dtype
    with torch.no_grad():
        image_latent = pipeline.encode_image(images.to(dtype))
        target_latent = pipeline.encode_image(targets.to(dtype))
        text = pipeline.encode_prompt(prompts)
    scheduler = pipeline.make_scheduler("trailing")
    n = len(samples)
    noise = torch.randn(target_latent.shape, generator=generator).to(target_latent)
    steps = int(scheduler.config["num_train_timesteps"])
    t = cast(torch.IntTensor, torch.randint(0, steps, (n,), generator=generator).to(
        target_latent.device))
    noisy = scheduler.add_noise(target_latent, noise, t)
    kind = scheduler.config["prediction_type"]
    if kind == "v_prediction":
        wanted = scheduler.get_velocity(target_latent, noise, t)
    elif kind == "epsilon":
        wanted = noise
    else:
        wanted = target_latent
    predicted = pipeline.unet(torch.cat([image_latent, noisy], dim=1), t,
                              encoder_hidden_states=text).sample
    return torch.nn.functional.mse_loss(predicted.float(), wanted.float())


def _drawer(
    samples: Sequence[TrainingSample] | Iterable[TrainingSample], rng: random.Random,
) -> Iterator[TrainingSample]:
    """A list cycled in seeded shuffled orders, or the stream itself."""
    if not isinstance(samples, Sequence):
        yield from samples
        return
    while True:
        order = list(range(len(samples)))
        rng.shuffle(order)
        for i in order:
            yield samples[i]


def train_cocogold(
    pipeline: CocoGoldPipeline,
    samples: Sequence[TrainingSample] | Iterable[TrainingSample],
    *,
    steps: int,
    lr: float = 3e-5,
    warmup_steps: int = 0,
    batch_size: int = 16,
    accumulation: int = 2,
    seed: int = 0,
    on_step: Callable[[int, float], None] | None = None,
) -> list[float]:
    """Fine-tune ``pipeline.unet`` in place (the thesis: lr 3e-5, batch 16 × 2).

    Args:
        pipeline: the model; its VAE and text encoder stay frozen.
        samples: a list of training triples (cycled in a seeded shuffled order; a batch
            is at most the list's length) or an endless stream of them.
        steps: optimiser steps, ≥ 1.
        lr: peak learning rate, reached linearly over ``warmup_steps``.
        warmup_steps: linear warm-up length, optimiser steps (0 = none).
        batch_size: samples per forward pass.
        accumulation: forward passes per optimiser step.
        seed: shuffling, noise and timesteps.
        on_step: called with (step, loss) after each optimiser step.

    Returns:
        The mean loss of each optimiser step.
    """
    if isinstance(samples, Sequence):
        if not samples:
            raise ValueError("train_cocogold needs at least one sample")
        batch_size = min(batch_size, len(samples))
    if steps < 1 or batch_size < 1 or accumulation < 1:
        raise ValueError("train_cocogold needs steps ≥ 1, batch_size ≥ 1, accumulation ≥ 1")
    unet = pipeline.unet
    unet.train()
    unet.requires_grad_(True)
    optimiser = torch.optim.AdamW(unet.parameters(), lr=lr, weight_decay=1e-2)
    warm = max(warmup_steps, 0)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warm) if warm else 1.0)
    draw = _drawer(samples, random.Random(seed))
    generator = torch.Generator("cpu").manual_seed(seed)
    losses: list[float] = []
    try:
        for step in range(steps):
            optimiser.zero_grad(set_to_none=True)
            total = 0.0
            for _ in range(accumulation):
                try:
                    batch = [next(draw) for _ in range(batch_size)]
                except StopIteration:
                    raise ValueError("the sample stream ended before training did") from None
                loss = denoising_loss(pipeline, batch, generator)
                value = loss.item()
                if not math.isfinite(value):
                    raise FloatingPointError(f"loss became {value} at step {step}")
                (loss / accumulation).backward()
                total += value / accumulation
            optimiser.step()
            schedule.step()
            losses.append(total)
            if on_step is not None:
                on_step(step, total)
    finally:
        unet.eval()
        unet.requires_grad_(False)
    return losses

"""The diffusion Artist: an instruction-driven image-editing pipeline from a local folder.

The model is an InstructPix2Pix-class diffusers pipeline saved with ``save_pretrained``;
it is loaded with ``local_files_only=True`` (and the Hugging Face hub switched offline),
so nothing is ever downloaded.  Diffusion models work near their native size (512 px for
Stable Diffusion 1.x), far below a photo's, so the edit is *resolution-aware*:

1. develop the photo (`engine.artist.base.develop`) and shrink it, keeping the aspect
   ratio, to a long side of the model's native size with both sides multiples of 8;
2. run the pipeline there (seeded) on the instruction;
3. take the **change** the model made (edited − input, sRGB-encoded) and carry it to full
   resolution with the fast guided filter (He & Sun 2015), guided by the original's
   luma: at low resolution the change is fitted locally as ``a · luma + b``, the
   coefficients are upsampled and applied to the full-resolution luma — the edit arrives
   with the original's edges and full-size detail instead of a blurry upscale.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812
from torch import Tensor

from engine.artist.base import (
    Cancelled,
    Generated,
    GenerationCancelled,
    Job,
    Progress,
    develop,
    srgb_decode,
    srgb_encode,
)
from engine.model_dirs import ModelError
from engine.model_dirs import check_model_dir as check_local_dir

__all__ = ["DEFAULT_STEPS", "VERSION", "DiffusionArtist", "guided_upsample_change",
           "load_pipeline", "working_size"]

VERSION = "1"
DEFAULT_STEPS = 20
#: Pipeline classes this backend drives (``_class_name`` of ``model_index.json``).
SUPPORTED = ("StableDiffusionInstructPix2PixPipeline",)
_LUMA = (0.2126, 0.7152, 0.0722)
_locks: dict[str, threading.Lock] = {}


def _check_model_dir(model: str) -> Path:
    return check_local_dir(
        model, index_file="model_index.json", key="_class_name", supported=SUPPORTED,
        library="diffusers", noun="pipeline", user="the diffusion Artist",
        missing="the diffusion Artist needs a local model directory (--model DIR)")


@lru_cache(maxsize=2)
def load_pipeline(model_dir: str) -> Any:
    """The pipeline in ``model_dir`` (cached; CPU, float32; CUDA when available).

    Raises:
        ModelError: not a supported model directory, or its files are incomplete.
    """
    path = _check_model_dir(model_dir)
    os.environ["HF_HUB_OFFLINE"] = "1"  # belt and braces: no request may leave the machine
    from diffusers import StableDiffusionInstructPix2PixPipeline

    try:
        pipe = StableDiffusionInstructPix2PixPipeline.from_pretrained(
            str(path), local_files_only=True)  # float32: CPU-safe, and what tests build
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: the pipeline cannot be loaded: {exc}") from None
    pipe.set_progress_bar_config(disable=True)
    return pipe.to("cuda" if torch.cuda.is_available() else "cpu")


def working_size(height: int, width: int, native: int, multiple: int = 8) -> tuple[int, int]:
    """(h, w) with the photo's aspect ratio, long side ≈ ``native`` (never above the photo),
    both multiples of ``multiple`` and at least ``multiple``."""
    long = min(native, max(height, width))
    scale = long / max(height, width)

    def snap(v: float) -> int:
        return max(multiple, int(v * scale / multiple + 0.5) * multiple)  # half rounds up

    return snap(height), snap(width)


def _luma(x: Tensor) -> Tensor:
    """(N, 3, H, W) → (N, 1, H, W)."""
    w = torch.tensor(_LUMA, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    return (x * w).sum(dim=1, keepdim=True)


def guided_upsample_change(
    original: Tensor, low_input: Tensor, low_edited: Tensor, *, radius: int | None = None,
    eps: float = 1e-3,
) -> Tensor:
    """Carry a low-resolution edit onto the full-resolution original.

    Args:
        original: (3, H, W) sRGB-encoded full-resolution image.
        low_input: (3, h, w) what the model was given (``original`` shrunk).
        low_edited: (3, h, w) what it returned.
        radius: guided-filter window radius at low resolution, px (default: long side
            / 128, at least 1).
        eps: regularisation in encoded-luma units²: edits across edges stronger than
            √eps follow the original's edges.

    Returns:
        (3, H, W) sRGB-encoded, 0..1: ``original + A · luma(original) + B``.
    """
    from engine.develop.filters import guided_filter_coefficients

    r = radius or max(1, round(max(low_input.shape[1:]) / 128))
    change = (low_edited - low_input)[None]
    a, b = guided_filter_coefficients(_luma(low_input[None]), change, r, eps)
    size = original.shape[1:]
    a_up = F.interpolate(a, size=size, mode="bilinear", align_corners=False)
    b_up = F.interpolate(b, size=size, mode="bilinear", align_corners=False)
    full = original[None]
    return (full + a_up * _luma(full) + b_up)[0].clamp(0, 1)


class DiffusionArtist:
    """Instruction-driven edits with a local pipeline.

    Args:
        model: the model directory (``save_pretrained`` layout).
        steps: denoising steps (20 is the usual InstructPix2Pix quality/speed balance).
        guidance_scale: text guidance (7.5 as trained).
    """

    name = "diffusion"
    version = VERSION

    def __init__(self, *, model: str = "", steps: int = DEFAULT_STEPS,
                 guidance_scale: float = 7.5) -> None:
        self.model_dir = _check_model_dir(model)  # fail fast, before any decoding
        if not 1 <= steps <= 500:
            raise ValueError(f"steps={steps} is outside 1..500")
        self.steps = steps
        self.guidance_scale = guidance_scale

    def generate(
        self, job: Job, progress: Progress = lambda s, f, m: None,
        cancelled: Cancelled = lambda: False,
    ) -> Generated:
        """Develop ``job.photo``, edit it as ``job.plan.instruction`` says, at full size.

        The plan's strength s (0..1, 0.5 default) sets the image guidance 2.5 − 2 s:
        1.5 at the default (InstructPix2Pix's own), lower lets the edit go further.

        Progress: develop 0..0.1, load 0.1..0.2, diffusion 0.2..0.9, upsample 0.9..1.

        Raises:
            GenerationCancelled: ``cancelled()`` turned True (checked after every step).
            ModelError: the pipeline cannot be loaded.
            ValueError: an empty instruction.
        """
        instruction = job.plan.instruction.strip()
        if not instruction:
            raise ValueError("the diffusion Artist needs an instruction")
        h, w = job.photo.linear.shape[:2]
        progress("develop", 0.0, f"developing {w}×{h} px with {len(job.settings)} settings")
        encoded = srgb_encode(develop(job.photo, job.settings))
        if cancelled():
            raise GenerationCancelled
        progress("load", 0.1, f"loading the pipeline from {self.model_dir}")
        pipe = load_pipeline(str(self.model_dir))
        native = int(pipe.unet.config.sample_size) * int(pipe.vae_scale_factor)
        multiple = max(8, int(pipe.vae_scale_factor))
        lh, lw = working_size(h, w, native, multiple)
        low = F.interpolate(encoded[None], size=(lh, lw), mode="area")[0]
        strength = job.plan.operations[0].strength if job.plan.operations else 0.5
        image_guidance = 2.5 - 2.0 * min(1.0, max(0.0, strength))

        def on_step(p: Any, i: int, t: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
            if cancelled():
                raise GenerationCancelled
            progress("diffusion", 0.2 + 0.7 * (i + 1) / self.steps,
                     f"diffusion step {i + 1}/{self.steps} at {lw}×{lh} px")
            return kwargs

        progress("diffusion", 0.2, f"editing at {lw}×{lh} px: “{instruction}”")
        lock = _locks.setdefault(str(self.model_dir), threading.Lock())
        with lock, torch.no_grad():
            generator = torch.Generator(device="cpu").manual_seed(job.seed)
            out = pipe(
                prompt=instruction, image=low.permute(1, 2, 0)[None].cpu().numpy(),
                num_inference_steps=self.steps, guidance_scale=self.guidance_scale,
                image_guidance_scale=image_guidance, generator=generator, output_type="np",
                callback_on_step_end=on_step,
            ).images
        edited = torch.from_numpy(out[0]).permute(2, 0, 1).to(encoded)
        if edited.shape[1:] != low.shape[1:]:  # a pipeline that snapped the size itself
            edited = F.interpolate(edited[None], size=(lh, lw), mode="bilinear")[0]
        progress("upsample", 0.9, f"carrying the change to {w}×{h} px, guided by the original")
        result = guided_upsample_change(encoded, low, edited)
        change = float((edited - low).abs().mean()) * 255
        description = (
            f"“{instruction}”: edited by {self.model_dir.name} at {lw}×{lh} px "
            f"({self.steps} steps, seed {job.seed}, image guidance {image_guidance:.2f}, "
            f"text guidance {self.guidance_scale:g}); mean change {change:.1f}/255, carried to "
            f"{w}×{h} px by a guided filter on the original's luma.")
        return Generated(linear=srgb_decode(result), operations=["edit"],
                         description=description, backend=f"{self.name}/{self.version}")

"""Seconds per CocoGold mask at 512 px with a full-size Stable Diffusion 2 configuration.

The model is built in code with the SD2 architecture (UNet 320/640/1280/1280 with linear
cross-attention projections to 1024-wide OpenCLIP-H text states, 865 M parameters, its
``conv_in`` widened to 8 channels; the 84 M-parameter VAE; the 23-layer, 1024-wide text
encoder) and random weights: the time of a mask does not depend on the weights' values,
and nothing is downloaded.  The prompt is padded to CLIP's 77 tokens as SD2's tokenizer
does.  Each timed mask is one ``CocoGoldPipeline`` call on a 512×512 photo — VAE encode,
text encode, N UNet evaluations, VAE decode and the post-processing — after one
untimed 1-step warm-up call.

    .venv/bin/python -m benchmarks.cocogold_speed [--steps 1 4] [--runs 2] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from engine.masks.cocogold._compat import diffusers_importable
from engine.masks.cocogold.pipeline import CocoGoldConfig, CocoGoldPipeline, default_scheduler
from engine.masks.cocogold.widen import widen_conv_in
from tests.cocogold_tiny import tiny_tokenizer

with diffusers_importable():
    from diffusers.models.autoencoders.autoencoder_kl import AutoencoderKL
    from diffusers.models.unets.unet_2d_condition import UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

__all__ = ["sd2_pipeline", "time_masks"]

RESOLUTION = 512
CLIP_TOKENS = 77


def sd2_pipeline(tokenizer_dir: Path) -> CocoGoldPipeline:
    """A CocoGold pipeline with Stable Diffusion 2's component sizes, random weights.

    The tokenizer is a small local BPE vocabulary (tokenisation time is negligible); its
    sequences are padded to 77 tokens so the text encoder does SD2's work.
    """
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=RESOLUTION // 8, in_channels=4, out_channels=4,
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        block_out_channels=(320, 640, 1280, 1280), layers_per_block=2,
        attention_head_dim=(5, 10, 20, 20), cross_attention_dim=1024,
        use_linear_projection=True)
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4, block_out_channels=(128, 256, 512, 512),
        layers_per_block=2, latent_channels=4, sample_size=RESOLUTION, scaling_factor=0.18215)
    text = CLIPTextModel(CLIPTextConfig(
        vocab_size=49408, hidden_size=1024, intermediate_size=4096, num_hidden_layers=23,
        num_attention_heads=16, max_position_embeddings=CLIP_TOKENS, hidden_act="gelu",
        projection_dim=512))
    tokenizer = tiny_tokenizer(tokenizer_dir)
    tokenizer.model_max_length = CLIP_TOKENS
    return CocoGoldPipeline(vae, text, tokenizer, widen_conv_in(unet), default_scheduler(),
                            CocoGoldConfig(resolution=RESOLUTION))


def time_masks(pipeline: CocoGoldPipeline, steps: int, runs: int) -> list[float]:
    """Wall seconds of ``runs`` masks of a 512×512 photo at ``steps`` denoising steps."""
    rng = np.random.default_rng(0)
    photo = rng.uniform(0, 0.8, (RESOLUTION, RESOLUTION, 3)).astype(np.float32)
    seconds = []
    for run in range(runs):
        start = time.perf_counter()
        pipeline(photo, "the dog", steps=steps, seed=run)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--runs", type=int, default=2, help="timed masks per step count")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        built = time.perf_counter()
        pipeline = sd2_pipeline(Path(tmp) / "tokenizer")
        params = sum(p.numel() for p in pipeline.unet.parameters()) / 1e6
        print(f"SD2-size CocoGold built in {time.perf_counter() - built:.0f} s "
              f"(UNet {params:.0f} M parameters), {args.threads} thread(s), "
              f"{RESOLUTION} px")
        time_masks(pipeline, 1, 1)  # warm-up: allocator, kernels
        for steps in args.steps:
            seconds = time_masks(pipeline, steps, args.runs)
            print(f"{steps} step{'s' * (steps > 1)}: {statistics.median(seconds):.1f} s per "
                  f"mask (median of {len(seconds)}: "
                  f"{', '.join(f'{s:.1f}' for s in seconds)})", flush=True)


if __name__ == "__main__":
    main()

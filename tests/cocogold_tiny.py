"""Tiny random CocoGold models for tests (built here, saved locally; never downloaded)."""

from __future__ import annotations

import json
import string
from pathlib import Path

import numpy as np
import torch
from numpy.typing import NDArray

from engine.masks.cocogold._compat import diffusers_importable
from engine.masks.cocogold.pipeline import CocoGoldConfig, CocoGoldPipeline, default_scheduler
from engine.masks.cocogold.widen import widen_conv_in

with diffusers_importable():
    from diffusers.models.autoencoders.autoencoder_kl import AutoencoderKL
    from diffusers.models.unets.unet_2d_condition import UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

__all__ = [
    "calibrated_model", "coco_fixture", "dog_photo", "save_jpeg", "tiny_base", "tiny_pipeline",
    "tiny_tokenizer", "tiny_unet",
]


def tiny_tokenizer(directory: Path) -> CLIPTokenizer:
    """A CLIP BPE tokenizer over a–z (plus a few merges), written to ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for c in string.ascii_lowercase:
        vocab[c] = len(vocab)
    for c in string.ascii_lowercase:
        vocab[c + "</w>"] = len(vocab)
    merges = ["t h", "th e</w>", "d o", "do g</w>", "s k", "sk y</w>"]
    for merge in merges:
        vocab["".join(merge.split())] = len(vocab)
    (directory / "vocab.json").write_text(json.dumps(vocab))
    (directory / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")
    (directory / "tokenizer_config.json").write_text(json.dumps({"model_max_length": 8}))
    return CLIPTokenizer.from_pretrained(directory, local_files_only=True)


def tiny_unet(in_channels: int = 4) -> UNet2DConditionModel:
    return UNet2DConditionModel(
        sample_size=16, in_channels=in_channels, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), block_out_channels=(16, 32),
        layers_per_block=1, cross_attention_dim=16, attention_head_dim=4, norm_num_groups=8)


def _tiny_parts(tokenizer_dir: Path, resolution: int) -> tuple[
        AutoencoderKL, CLIPTextModel, CLIPTokenizer]:
    """Random tiny VAE (×2) and CLIP text encoder, and the a–z tokenizer."""
    tok = tiny_tokenizer(tokenizer_dir)
    text = CLIPTextModel(CLIPTextConfig(
        vocab_size=len(tok), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
        num_attention_heads=2, max_position_embeddings=8, projection_dim=16,
        bos_token_id=0, eos_token_id=1, pad_token_id=1))
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 2,
        up_block_types=("UpDecoderBlock2D",) * 2, block_out_channels=(8, 16),
        layers_per_block=1, latent_channels=4, norm_num_groups=4, sample_size=resolution)
    return vae, text, tok


def tiny_pipeline(tokenizer_dir: Path, *, resolution: int = 32, seed: int = 0,
                  **config: object) -> CocoGoldPipeline:
    """Random tiny VAE (×2), CLIP text encoder and 8-channel UNet."""
    torch.manual_seed(seed)
    vae, text, tok = _tiny_parts(tokenizer_dir, resolution)
    unet = widen_conv_in(tiny_unet())
    return CocoGoldPipeline(vae, text, tok, unet, default_scheduler(),
                            CocoGoldConfig(resolution=resolution, **config))  # type: ignore[arg-type]


def tiny_base(root: Path, *, seed: int = 0) -> Path:
    """A tiny random Stable Diffusion 2–style directory (4-channel UNet) at ``root``."""
    torch.manual_seed(seed)
    vae, text, _ = _tiny_parts(root / "tokenizer", 32)
    vae.save_pretrained(root / "vae", safe_serialization=True)
    text.save_pretrained(root / "text_encoder", safe_serialization=True)
    tiny_unet().save_pretrained(root / "unet", safe_serialization=True)
    default_scheduler().save_config(root / "scheduler")
    return root


def coco_fixture(root: Path, split: str, *, count: int = 3) -> Path:
    """A COCO-format directory: ``count`` 400×320 JPEGs on grass, each with a brown "dog"
    polygon, a grey "car" box (every other image) and a crowd "car" RLE (the first)."""
    from PIL import Image, ImageDraw

    (root / "annotations").mkdir(parents=True, exist_ok=True)
    (root / split).mkdir(exist_ok=True)
    images: list[dict[str, object]] = []
    annotations: list[dict[str, object]] = []
    rng = np.random.default_rng(0)
    for i in range(count):
        w, h = 400, 320
        img = Image.new("RGB", (w, h), (60, 140, 50))
        draw = ImageDraw.Draw(img)
        cx, cy = 120 + 60 * i, 150 + 10 * i
        dog = [float(v) for k in range(12) for v in (
            cx + 70 * np.cos(k * np.pi / 6), cy + 50 * np.sin(k * np.pi / 6))]
        draw.polygon(dog, fill=(115, 70, 30))
        xs, ys = dog[::2], dog[1::2]
        annotations.append({"id": len(annotations) + 1, "image_id": i + 1, "category_id": 18,
                            "segmentation": [dog], "iscrowd": 0, "area": 11000.0,
                            "bbox": [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]})
        if i % 2 == 0:
            draw.rectangle((290, 40, 369, 99), fill=(150, 150, 160))
            annotations.append({"id": len(annotations) + 1, "image_id": i + 1,
                                "category_id": 3, "iscrowd": 0, "area": 4800.0,
                                "segmentation": [[290, 40, 370, 40, 370, 100, 290, 100]],
                                "bbox": [290, 40, 80, 60]})
        if i == 0:  # a crowd of cars along the bottom-left: column-major RLE runs
            counts = [h * 10 + 280]
            for _ in range(30):
                counts += [20, h - 20]
            counts[-1] = h * w - sum(counts[:-1])
            annotations.append({"id": len(annotations) + 1, "image_id": i + 1,
                                "category_id": 3, "iscrowd": 1, "area": 600.0,
                                "segmentation": {"size": [h, w], "counts": counts},
                                "bbox": [10, 280, 30, 20]})
        noisy = np.asarray(img, np.float32) + rng.normal(0, 3, (h, w, 3))
        Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(
            root / split / f"{i:012d}.jpg", quality=95)
        images.append({"id": i + 1, "file_name": f"{i:012d}.jpg", "width": w, "height": h})
    categories = [{"id": 3, "name": "car"}, {"id": 18, "name": "dog"}]
    (root / "annotations" / f"instances_{split}.json").write_text(json.dumps(
        {"images": images, "annotations": annotations, "categories": categories}))
    return root


def dog_photo(width: int = 64, height: int = 48) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """A synthetic photo: green grass, a brown "dog" ellipse right of centre; its mask."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    rng = np.random.default_rng(1)
    img = np.empty((height, width, 3), np.float32)
    img[:] = (0.25, 0.55, 0.2)
    img += rng.normal(0, 0.02, img.shape).astype(np.float32)
    dx, dy = (xx - width * 0.6) / (width * 0.2), (yy - height * 0.55) / (height * 0.25)
    dog = dx**2 + dy**2 < 1
    img[dog] = (0.45, 0.28, 0.12)
    return np.clip(img, 0, 1), dog


def save_jpeg(rgb: NDArray[np.float32], path: Path) -> Path:
    """An sRGB 0..1 image as a high-quality JPEG."""
    from PIL import Image

    Image.fromarray((np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8)).save(path, quality=95)
    return path


def calibrated_model(root: Path, photo: Path, prompt: str, *, steps: int, seed: int,
                     coverage: float = 0.35) -> Path:
    """A tiny random model whose output threshold makes ``coverage`` of ``photo`` "white".

    Random weights paint nothing near-white; lowering the threshold to the right quantile
    of this photo's prediction gives a deterministic, non-trivial mask to carry through
    the engine, the CLI and the XMP writers.
    """
    from engine.color.transfer import linear_to_srgb
    from engine.decode import decode_photo
    from engine.masks.cocogold import processing as proc

    model = tiny_pipeline(root / "tok")
    linear = decode_photo(photo, long_side=2048).linear
    guide = np.clip(linear_to_srgb(np.clip(linear, 0, 1)), 0, 1).astype(np.float32)
    prediction = model(guide, prompt, steps=steps, seed=seed).prediction
    _, box = model.model_input(guide)
    part = np.asarray(proc.unletterbox(prediction, box))
    # The lowest threshold whose cleaned (3×3-opened) mask is within the coverage.
    for white in np.quantile(part.min(axis=2), np.linspace(0.3, 0.99, 70)):
        if (proc.postprocess(part, white=float(white)) > 0.5).mean() <= coverage:
            break
    model.config.output_white = float(white)
    return model.save_pretrained(root / "model")

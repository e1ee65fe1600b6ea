"""Test pictures for the Artist tests: a shared photo as encoded sRGB, saved, made noisy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

__all__ = ["encoded", "noisy", "save"]


def encoded(path: Path, size: tuple[int, int] = (256, 170)) -> np.ndarray:
    """The photo at ``path`` resized to ``size`` (w, h): encoded sRGB (H, W, 3) in 0..1."""
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB").resize(size), np.float32) / 255


def save(a: np.ndarray, path: Path) -> Path:
    """Write encoded sRGB (H, W, 3) in 0..1 as an 8-bit file at ``path``."""
    Image.fromarray((np.clip(a, 0, 1) * 255).round().astype(np.uint8)).save(path)
    return path


def noisy(a: np.ndarray, sigma: float = 0.05, seed: int = 0) -> np.ndarray:
    """``a`` plus Gaussian noise of ``sigma`` (encoded units), clipped to 0..1."""
    return np.clip(a + np.random.default_rng(seed).normal(0, sigma, a.shape), 0, 1)

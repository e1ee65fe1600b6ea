"""Restoration loss (thesis ch. 3): L1 in sRGB + VGG-16 features + Gram matrices.

Weights: the thesis's exact "strong" coefficients were not available to us; we use
``pixel = 1``, ``feature = 0.05`` (mean |Δ| per relu3_3/4_3/5_3 map, summed) and
``gram = 50`` (mean |ΔGram| of the channel-normalised Gram matrices, summed) — chosen so
that at initialisation on degraded photos the three terms are of the same order, the
perceptual terms dominating ("strong") once pixels are close.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from engine.develop.encode import srgb_encode
from engine.training.vgg import VGG16Features

__all__ = ["LossWeights", "RestorationLoss", "gram_matrix", "linear_to_srgb_torch"]


def linear_to_srgb_torch(linear: Tensor) -> Tensor:
    """Linear light → sRGB encoding, clipped to [0, 1] as a display shows it; differentiable."""
    return srgb_encode(linear.clamp(0.0, 1.0))


def gram_matrix(features: Tensor) -> Tensor:
    """(B, C, h, w) → (B, C, C) Gram matrix normalised by C·h·w."""
    b, c, h, w = features.shape
    flat = features.reshape(b, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * h * w)


@dataclass(frozen=True)
class LossWeights:
    """Coefficients of the three loss terms ("strong" perceptual weighting by default)."""

    pixel: float = 1.0
    feature: float = 0.05
    gram: float = 50.0


class RestorationLoss(nn.Module):
    """Loss between restored and original photos, both (B, 3, H, W) *linear* RGB.

    Args:
        vgg: a VGG-16 with ImageNet weights, or None for the pixel term only (warns once).
        weights: coefficients of the terms.

    Returns from forward: a dict with ``total`` and each term (scalar tensors).
    """

    def __init__(self, vgg: VGG16Features | None, weights: LossWeights = LossWeights()) -> None:
        super().__init__()
        self.vgg = vgg
        self.weights = weights
        if vgg is None:
            warnings.warn(
                "no VGG-16 weights found: training with the L1 pixel loss only "
                "(pass --vgg-weights or put vgg16.safetensors in $ATELIER_MODELS)",
                stacklevel=2,
            )

    def forward(self, restored: Tensor, original: Tensor) -> dict[str, Tensor]:
        a, b = linear_to_srgb_torch(restored), linear_to_srgb_torch(original)
        terms = {"pixel": (a - b).abs().mean()}
        total = self.weights.pixel * terms["pixel"]
        if self.vgg is not None:
            fa, fb = self.vgg(a), self.vgg(b)
            terms["feature"] = sum(((fa[k] - fb[k]).abs().mean() for k in fa), torch.zeros(()))
            terms["gram"] = sum(
                ((gram_matrix(fa[k]) - gram_matrix(fb[k])).abs().mean() for k in fa),
                torch.zeros(()),
            )
            total = total + self.weights.feature * terms["feature"]
            total = total + self.weights.gram * terms["gram"]
        terms["total"] = total
        return terms

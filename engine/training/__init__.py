"""Shared training utilities: moderate degradations, VGG-16 features, restoration loss."""

from engine.training.degrade import MODERATE_AMPLITUDES, TEMPERATURE_RANGE_K, sample_moderate
from engine.training.losses import LossWeights, RestorationLoss, gram_matrix, linear_to_srgb_torch
from engine.training.vgg import VGG16_LAYERS, VGG16Features, find_vgg16_weights

__all__ = [
    "MODERATE_AMPLITUDES",
    "TEMPERATURE_RANGE_K",
    "VGG16_LAYERS",
    "LossWeights",
    "RestorationLoss",
    "VGG16Features",
    "find_vgg16_weights",
    "gram_matrix",
    "linear_to_srgb_torch",
    "sample_moderate",
]

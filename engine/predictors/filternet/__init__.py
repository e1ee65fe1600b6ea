"""FilterNet (Cuenca, thesis ch. 3): predict Lightroom develop sliders from a thumbnail.

A ResNet backbone (`transformers`) and the head of Table 3.1, trained self-supervised by
degrading good photos with the develop model and learning to restore them
(`engine.predictors.filternet.train`).  Heavy imports (torch, transformers) happen here,
so import this package lazily.
"""

from engine.predictors.filternet.config import CONFIG_NAME, FilterNetConfig
from engine.predictors.filternet.head import FilterNetHead, Maskout
from engine.predictors.filternet.model import WEIGHTS_NAME, FilterNet
from engine.predictors.filternet.preprocess import thumbnail, to_model_input
from engine.predictors.filternet.sliders import (
    OUTPUT_SLIDERS,
    OutputSlider,
    outputs_to_settings,
    settings_to_outputs,
    to_raw_white_balance,
)

__all__ = [
    "CONFIG_NAME",
    "OUTPUT_SLIDERS",
    "WEIGHTS_NAME",
    "FilterNet",
    "FilterNetConfig",
    "FilterNetHead",
    "Maskout",
    "OutputSlider",
    "outputs_to_settings",
    "settings_to_outputs",
    "thumbnail",
    "to_model_input",
    "to_raw_white_balance",
]

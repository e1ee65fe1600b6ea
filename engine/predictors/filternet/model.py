"""`FilterNet`: a ResNet backbone (transformers) and the Table 3.1 head."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from engine.model_dirs import save_weights
from engine.predictors.filternet.config import FilterNetConfig
from engine.predictors.filternet.head import FilterNetHead
from engine.predictors.filternet.sliders import OutputSlider

__all__ = ["WEIGHTS_NAME", "FilterNet"]

WEIGHTS_NAME = "model.safetensors"


class FilterNet(nn.Module):
    """Predict develop sliders from a thumbnail.

    Args:
        config: the architecture; default = ResNet-50 backbone, 9 sliders.  Keyword
            arguments override config fields (``FilterNet(depths=[1, 1], ...)``).

    Input: (B, 3, S, S) linear RGB, ImageNet-normalised (`engine.predictors.filternet.
    preprocess.to_model_input`), S = ``config.image_size``.
    Output: (B, len(config.outputs)) in (−1, 1), mapped to sliders by `sliders`.
    Weights are randomly initialised; nothing is ever downloaded.
    """

    def __init__(self, config: FilterNetConfig | None = None, **overrides: Any) -> None:
        super().__init__()
        if overrides:
            base = (config or FilterNetConfig()).to_dict()
            base.pop("model_type")
            config = FilterNetConfig(**{**base, **overrides})
        self.config = config or FilterNetConfig()
        from transformers import ResNetConfig, ResNetModel

        c = self.config
        self.backbone = ResNetModel(
            ResNetConfig(
                embedding_size=c.embedding_size, hidden_sizes=list(c.hidden_sizes),
                depths=list(c.depths), layer_type=c.layer_type,
            )
        )
        self.head = FilterNetHead(
            c.hidden_sizes[-1], len(c.outputs), c.head_hidden_size, c.dropout, c.maskout,
            c.init_std,
        )

    @property
    def sliders(self) -> tuple[OutputSlider, ...]:
        """The output → slider mapping, in output order."""
        return tuple(OutputSlider(*o) for o in self.config.outputs)

    def forward(self, pixels: Tensor) -> Tensor:
        features = self.backbone(pixels).last_hidden_state
        return self.head(features)

    def save_pretrained(self, directory: str | Path) -> Path:
        """Write ``config.json`` and ``model.safetensors`` into ``directory`` (created)."""
        out = save_weights(self, directory, WEIGHTS_NAME, "filternet")
        self.config.save(out)
        return out

    @classmethod
    def from_pretrained(
        cls, directory: str | Path, *, map_location: str | torch.device = "cpu"
    ) -> FilterNet:
        """Load a model written by `save_pretrained` from a local directory (eval mode).

        Raises:
            FileNotFoundError: the directory, its config.json or its weights are missing.
            ValueError: the weights do not match the config.
        """
        from safetensors.torch import load_file

        path = Path(directory)
        if not path.is_dir():
            raise FileNotFoundError(f"FilterNet directory {path} does not exist")
        weights = path / WEIGHTS_NAME
        if not weights.is_file():
            raise FileNotFoundError(f"no {WEIGHTS_NAME} in {path} (not a FilterNet directory)")
        model = cls(FilterNetConfig.load(path))
        state = load_file(str(weights), device=str(map_location))
        missing, unexpected = model.load_state_dict(state, strict=False)
        if missing or unexpected:
            raise ValueError(
                f"weights in {weights} do not match its config: "
                f"{len(missing)} missing, {len(unexpected)} unexpected tensors "
                f"(first: {(missing or unexpected)[0]})"
            )
        return model.eval()

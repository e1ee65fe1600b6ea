"""`FilterNetConfig`: everything needed to rebuild a FilterNet (stored as config.json)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from engine.predictors.filternet.sliders import OUTPUT_SLIDERS

__all__ = ["CONFIG_NAME", "FilterNetConfig"]

CONFIG_NAME = "config.json"


def _default_outputs() -> list[tuple[str, float, float]]:
    return [(s.name, s.low, s.high) for s in OUTPUT_SLIDERS]


@dataclass
class FilterNetConfig:
    """Architecture and I/O of a FilterNet.

    Backbone fields are passed to `transformers.ResNetConfig` (defaults = ResNet-50).

    Attributes:
        embedding_size: channels of the ResNet stem.
        hidden_sizes: output channels of each ResNet stage.
        depths: residual blocks per stage.
        layer_type: ``"bottleneck"`` (ResNet-50) or ``"basic"`` (ResNet-18 style).
        head_hidden_size: hidden width of the head (512).
        dropout: head dropout probability (0.25).
        maskout: head maskout probability (0.1), training only, no rescaling.
        init_std: std of the head's N(0, σ²) weight initialisation (0.01).
        image_size: square thumbnail side the model sees, px (299).
        outputs: ``(crs name, value at −1, value at +1)`` per output, in order.
    """

    embedding_size: int = 64
    hidden_sizes: list[int] = field(default_factory=lambda: [256, 512, 1024, 2048])
    depths: list[int] = field(default_factory=lambda: [3, 4, 6, 3])
    layer_type: str = "bottleneck"
    head_hidden_size: int = 512
    dropout: float = 0.25
    maskout: float = 0.1
    init_std: float = 0.01
    image_size: int = 299
    outputs: list[tuple[str, float, float]] = field(default_factory=_default_outputs)

    def __post_init__(self) -> None:
        if len(self.hidden_sizes) != len(self.depths):
            raise ValueError(
                f"hidden_sizes has {len(self.hidden_sizes)} stages "
                f"but depths has {len(self.depths)}"
            )
        if self.layer_type not in ("basic", "bottleneck"):
            raise ValueError(f"layer_type={self.layer_type!r} must be 'basic' or 'bottleneck'")
        if self.image_size < 32:
            raise ValueError(f"image_size={self.image_size} is below the minimum of 32 px")
        self.outputs = [(str(n), float(lo), float(hi)) for n, lo, hi in self.outputs]

    @classmethod
    def small(cls, **overrides: Any) -> FilterNetConfig:
        """A compact ResNet (basic blocks, 4 stages of 32→256 channels, ≈ 1.3 M parameters)."""
        base: dict[str, Any] = dict(
            embedding_size=32, hidden_sizes=[32, 64, 128, 256], depths=[1, 1, 1, 1],
            layer_type="basic", head_hidden_size=512,
        )
        return cls(**{**base, **overrides})

    def to_dict(self) -> dict[str, Any]:
        return {"model_type": "filternet", **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FilterNetConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known - {"model_type"})
        if unknown:
            raise ValueError(f"unknown FilterNet config keys: {', '.join(unknown)}")
        return cls(**{k: v for k, v in data.items() if k in known})

    def save(self, directory: str | Path) -> Path:
        path = Path(directory) / CONFIG_NAME
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n")
        return path

    @classmethod
    def load(cls, directory: str | Path) -> FilterNetConfig:
        path = Path(directory) / CONFIG_NAME
        if not path.is_file():
            raise FileNotFoundError(f"no {CONFIG_NAME} in {directory} (not a FilterNet directory)")
        return cls.from_dict(json.loads(path.read_text()))

"""VGG-16 feature extractor (Simonyan & Zisserman 2015) for perceptual losses.

Written in plain torch with torchvision's ``features.N`` parameter names, so a local
``vgg16`` ImageNet state dict (``.pth`` or ``.safetensors``, e.g. torchvision's
``vgg16-397923af.pth``) loads as is.  Nothing is downloaded: without a weights file there
is no perceptual loss (see `engine.training.losses`).
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import Tensor, nn

__all__ = ["VGG16_LAYERS", "VGG16Features", "find_vgg16_weights"]

# Conv widths of VGG-16's 13 conv layers; "M" = 2× max-pool.
_CFG: tuple[int | str, ...] = (64, 64, "M", 128, 128, "M", 256, 256, 256, "M",
                               512, 512, 512, "M", 512, 512, 512)
#: Name → index (in ``features``) of the ReLU whose output the loss uses.
VGG16_LAYERS = {"relu3_3": 15, "relu4_3": 22, "relu5_3": 29}

_WEIGHT_NAMES = ("vgg16.safetensors", "vgg16.pth", "vgg16-397923af.pth")


def find_vgg16_weights(explicit: str | Path | None = None) -> Path | None:
    """A local VGG-16 weights file: ``explicit``, else one of ``vgg16.safetensors`` /
    ``vgg16.pth`` / ``vgg16-397923af.pth`` in ``$ATELIER_MODELS`` or the torch hub cache."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise FileNotFoundError(f"VGG-16 weights {path} not found")
        return path
    roots = [os.environ.get("ATELIER_MODELS"), os.path.expanduser("~/.cache/torch/hub/checkpoints")]
    for root in filter(None, roots):
        for name in _WEIGHT_NAMES:
            if (Path(root) / name).is_file():
                return Path(root) / name
    return None


class VGG16Features(nn.Module):
    """Frozen VGG-16 ``features`` up to relu5_3.

    Input: (B, 3, H, W) sRGB-encoded in [0, 1] (ImageNet normalisation is applied here).
    Output: ``{layer name: (B, C, h, w)}`` for ``layers``.
    """

    mean: Tensor
    std: Tensor

    def __init__(self, layers: tuple[str, ...] = tuple(VGG16_LAYERS)) -> None:
        super().__init__()
        modules: list[nn.Module] = []
        channels = 3
        for item in _CFG:
            if item == "M":
                modules.append(nn.MaxPool2d(2, 2))
            else:
                modules += [nn.Conv2d(channels, int(item), 3, padding=1), nn.ReLU(inplace=False)]
                channels = int(item)
        self.features = nn.Sequential(*modules)
        self.layers = {VGG16_LAYERS[name]: name for name in layers}
        self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))
        self.requires_grad_(False)
        self.eval()

    def load_weights(self, path: str | Path) -> VGG16Features:
        """Load torchvision-named VGG-16 weights (``features.*``; classifier keys ignored)."""
        p = Path(path)
        if p.suffix == ".safetensors":
            from safetensors.torch import load_file

            state = load_file(str(p))
        else:
            state = torch.load(p, map_location="cpu", weights_only=True)
        state = {k: v for k, v in state.items() if k.startswith("features.")}
        missing, _ = self.load_state_dict(state, strict=False)
        missing = [k for k in missing if k not in ("mean", "std")]
        if missing:
            raise ValueError(f"{p} is not a VGG-16 state dict: missing {missing[0]} and others")
        return self

    def train(self, mode: bool = True) -> VGG16Features:
        return super().train(False)  # always frozen, BN-free: eval mode only

    def forward(self, srgb: Tensor) -> dict[str, Tensor]:
        x = (srgb - self.mean) / self.std
        out: dict[str, Tensor] = {}
        last = max(self.layers)
        for index, module in enumerate(self.features):
            x = module(x)
            if index in self.layers:
                out[self.layers[index]] = x
            if index == last:
                break
        return out

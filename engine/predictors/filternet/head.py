"""The FilterNet head (thesis Table 3.1) and its "maskout" regulariser."""

from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["FilterNetHead", "Maskout"]


class Maskout(nn.Module):
    """Zero whole outputs with probability ``p`` during training, *without* rescaling.

    Unlike dropout, the survivors are not divided by ``1 − p``: a zeroed output means
    "leave this slider alone" (0 is the neutral value of every slider), so the network
    learns that any single filter may be missing and the others must cope.
    Identity in eval mode.

    Shapes: (B, N) → (B, N).
    """

    def __init__(self, p: float = 0.1) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"maskout p={p!r} must be in [0, 1)")
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = torch.rand_like(x) >= self.p
        return x * keep.to(x.dtype)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class FilterNetHead(nn.Module):
    """avg+max pool concat → BN → Dropout → Linear(512) → ReLU → BN → Dropout → Linear →
    sigmoid scaled to (−1, 1) → maskout.

    Args:
        in_channels: channels of the backbone's last feature map (2048 for ResNet-50).
        num_outputs: number of develop sliders predicted.
        hidden_size: width of the hidden layer (512 in the thesis).
        dropout: dropout probability of both dropout layers (0.25).
        maskout: maskout probability (0.1).
        init_std: std of the N(0, σ²) initialisation of the linear weights (0.01).

    Shapes: (B, C, h, w) features → (B, num_outputs) in (−1, 1).
    """

    def __init__(
        self,
        in_channels: int,
        num_outputs: int,
        hidden_size: int = 512,
        dropout: float = 0.25,
        maskout: float = 0.1,
        init_std: float = 0.01,
    ) -> None:
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.max_pool = nn.AdaptiveMaxPool2d(1)
        self.mlp = nn.Sequential(
            nn.BatchNorm1d(2 * in_channels),
            nn.Dropout(dropout),
            nn.Linear(2 * in_channels, hidden_size),
            nn.ReLU(inplace=True),
            nn.BatchNorm1d(hidden_size),
            nn.Dropout(dropout),
            nn.Linear(hidden_size, num_outputs),
        )
        self.maskout = Maskout(maskout)
        for module in self.mlp:
            if isinstance(module, nn.Linear):
                nn.init.normal_(module.weight, 0.0, init_std)
                nn.init.zeros_(module.bias)

    def forward(self, features: Tensor) -> Tensor:
        pooled = torch.cat([self.avg_pool(features), self.max_pool(features)], dim=1).flatten(1)
        y = 2.0 * torch.sigmoid(self.mlp(pooled)) - 1.0
        return self.maskout(y)

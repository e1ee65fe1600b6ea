"""`Develop`: the renderer as an ``nn.Module`` for training graphs (e.g. FilterNet)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from torch import Tensor, nn

from engine.develop.params import WhiteXY
from engine.develop.render import LocalAdjustment, render

__all__ = ["Develop"]


class Develop(nn.Module):
    """Apply Lightroom PV2012 settings to scene-linear sRGB images, differentiably.

    Args:
        tile_rows: render in strips of this many rows (None = one piece, for training).

    Example::

        dev = Develop()
        out = dev(img, {"Exposure2012": ev, "Contrast2012": c})  # ev, c: (B,) tensors
    """

    def __init__(self, tile_rows: int | None = None) -> None:
        super().__init__()
        self.tile_rows = tile_rows

    def forward(
        self,
        image: Tensor,
        settings: Mapping[str, float | Tensor] | Sequence[Mapping[str, float | Tensor]],
        local: Sequence[LocalAdjustment] = (),
        as_shot_xy: WhiteXY | None = None,
    ) -> Tensor:
        """(B, 3, H, W) linear sRGB → developed (B, 3, H, W); see `engine.develop.render`."""
        return render(image, settings, local=local, as_shot_xy=as_shot_xy,
                      tile_rows=self.tile_rows)

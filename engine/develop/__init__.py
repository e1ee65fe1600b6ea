"""The develop model: one differentiable renderer for Lightroom PV2012 settings.

Scene-linear sRGB (D65) in, developed linear sRGB out; `encode_image` writes files.
Pure functions live in `tone`, `detail`, `dehaze`, `chroma`, `white_balance`, `masks`;
`render` chains them (tiled when asked) and `Develop` wraps it as an ``nn.Module``.
"""

from engine.develop.encode import encode_image
from engine.develop.masks import MaskError, render_brush
from engine.develop.module import Develop
from engine.develop.render import (
    CONTEXT_LONG_SIDE,
    LocalAdjustment,
    local_adjustments_from_pb,
    render,
)

__all__ = [
    "CONTEXT_LONG_SIDE",
    "Develop",
    "LocalAdjustment",
    "MaskError",
    "encode_image",
    "local_adjustments_from_pb",
    "render",
    "render_brush",
]

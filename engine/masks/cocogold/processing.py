"""CocoGold's pixel work around the diffusion model (no torch here).

CocoGold does not predict a mask directly: it redraws the photo with the named region
painted white (thesis ch. 4).  Hence the thesis's guards:

* before inference, near-white input pixels are desaturated and darkened to a light grey
  (`guard_near_white`), so a white wall or a bright sky copied through by the model is
  never mistaken for "painted";
* after inference, the mask is the near-white part of the output (`near_white`), cleaned
  by a 3×3 morphological opening and optionally feathered (`postprocess`).

The model sees a square; photos of any aspect ratio are letterboxed into it
(`letterbox` / `unletterbox`), and the working-resolution mask is brought back to the
photo's size with a fast guided filter steered by the photo itself (`guided_upsample`),
so mask edges follow the image's edges instead of the model's coarse grid.

All images here are sRGB-encoded float32 in 0..1, shape (H, W, 3); masks are (H, W).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image
from scipy import ndimage

from engine.color.channels import REC709_LUMA

__all__ = [
    "GUARD_LEVEL",
    "INPUT_WHITE",
    "OUTPUT_WHITE",
    "Letterbox",
    "feather",
    "guard_near_white",
    "guided_upsample",
    "harden",
    "letterbox",
    "near_white",
    "open3x3",
    "postprocess",
    "resize_mask",
    "unletterbox",
    "whiteness",
]

FloatImage = NDArray[np.float32]

#: Input pixels whose every channel is at least this bright count as near-white, 0..1.
INPUT_WHITE = 0.8
#: …and are pulled down so their brightest channel is this level (below `OUTPUT_WHITE`).
GUARD_LEVEL = 0.7
#: Output pixels whose every channel is at least this bright are "painted": the mask.
OUTPUT_WHITE = 0.85
#: Letterbox fill: mid grey, far from white so the bars never become mask.
LETTERBOX_FILL = 0.5


def guard_near_white(
    rgb: FloatImage, *, white: float = INPUT_WHITE, level: float = GUARD_LEVEL,
    desaturate: float = 0.5,
) -> FloatImage:
    """Near-white pixels → light grey, so the model's white "paint" stays unambiguous.

    Args:
        rgb: (H, W, 3) sRGB 0..1.
        white: a pixel is near-white when its darkest channel is ≥ this (0..1).
        level: its brightest channel afterwards, 0..1 (< the output threshold).
        desaturate: how far its colour moves toward grey, 0 (keep) .. 1 (grey).

    Returns:
        A copy; pixels that are not near-white are unchanged.
    """
    out = np.array(rgb, dtype=np.float32, copy=True)
    hit = out.min(axis=2) >= white
    if hit.any():
        px = out[hit]
        grey = px.mean(axis=1, keepdims=True)
        px = px + desaturate * (grey - px)
        out[hit] = px * (level / np.maximum(px.max(axis=1, keepdims=True), 1e-6))
    return out


def whiteness(rgb: FloatImage, *, white: float = OUTPUT_WHITE) -> FloatImage:
    """How "painted" each output pixel is: 0 at ``white`` or darker, 1 at pure white.

    Args:
        rgb: (H, W, 3) sRGB 0..1 (the model's decoded output).
        white: the near-white threshold on the darkest channel, 0..1.
    """
    low = rgb.min(axis=2)
    return np.clip((low - white) / max(1.0 - white, 1e-6), 0.0, 1.0).astype(np.float32)


def near_white(rgb: FloatImage, *, white: float = OUTPUT_WHITE) -> NDArray[np.bool_]:
    """Pixels whose darkest channel is ≥ ``white`` (the painted region, before cleaning)."""
    return np.asarray(rgb.min(axis=2) >= white)


def open3x3(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """3×3 morphological opening: drops specks and 1–2 px lines, keeps larger shapes
    exactly (regions touching the frame edge are not eaten from outside)."""
    square = np.ones((3, 3), dtype=bool)
    eroded = ndimage.binary_erosion(mask, structure=square, border_value=1)
    return np.asarray(ndimage.binary_dilation(eroded, structure=square, border_value=0))


def feather(mask: NDArray[np.floating], radius_px: float) -> FloatImage:
    """Soften a mask's edge with a Gaussian of σ = ``radius_px`` / 2 (0 = unchanged)."""
    out = np.asarray(mask, dtype=np.float32)
    if radius_px <= 0:
        return out.copy()
    return np.clip(ndimage.gaussian_filter(out, sigma=radius_px / 2, mode="nearest"), 0, 1)


def postprocess(
    rgb: FloatImage, *, white: float = OUTPUT_WHITE, opening: bool = True,
    feather_px: float = 0.0,
) -> FloatImage:
    """The model's output image → mask 0..1: threshold near-white, open, feather.

    Args:
        rgb: (H, W, 3) sRGB 0..1.
        white: near-white threshold on the darkest channel, 0..1.
        opening: apply the 3×3 opening.
        feather_px: Gaussian feathering radius in px (0 = a hard 0/1 mask).
    """
    mask = near_white(rgb, white=white)
    if opening:
        mask = open3x3(mask)
    return feather(mask.astype(np.float32), feather_px)


@dataclass(frozen=True)
class Letterbox:
    """Where the photo sits inside the model's square: rows/cols of the square, px."""

    size: int
    top: int
    left: int
    height: int
    width: int


def letterbox(rgb: FloatImage, size: int, *, fill: float = LETTERBOX_FILL) -> tuple[
        FloatImage, Letterbox]:
    """Fit ``rgb`` (any aspect) into a ``size``×``size`` square, centred, grey bars.

    Returns:
        The square image (size, size, 3) and where the photo is inside it.
    """
    h, w = rgb.shape[:2]
    scale = size / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    small = _resize_rgb(rgb, nw, nh)
    square = np.full((size, size, 3), fill, dtype=np.float32)
    top, left = (size - nh) // 2, (size - nw) // 2
    square[top : top + nh, left : left + nw] = small
    return square, Letterbox(size, top, left, nh, nw)


def unletterbox(square: NDArray[np.generic], box: Letterbox) -> NDArray[np.generic]:
    """The photo's part of a square (mask or image) made by `letterbox`."""
    return square[box.top : box.top + box.height, box.left : box.left + box.width]


def _resize_rgb(rgb: FloatImage, width: int, height: int) -> FloatImage:
    if rgb.shape[1] == width and rgb.shape[0] == height:
        return np.asarray(rgb, dtype=np.float32)
    channels = [
        np.asarray(Image.fromarray(np.ascontiguousarray(rgb[..., c], dtype=np.float32), mode="F")
                   .resize((width, height), Image.Resampling.BOX if width < rgb.shape[1]
                           else Image.Resampling.BILINEAR))
        for c in range(3)
    ]
    return np.clip(np.stack(channels, axis=2), 0, 1).astype(np.float32)


def resize_mask(mask: NDArray[np.floating], width: int, height: int) -> FloatImage:
    """A mask resized to ``width``×``height`` (area average down, bilinear up), 0..1."""
    if mask.shape == (height, width):
        return np.asarray(mask, dtype=np.float32)
    img = Image.fromarray(np.ascontiguousarray(mask, dtype=np.float32), mode="F")
    down = width < mask.shape[1] and height < mask.shape[0]
    out = img.resize((width, height), Image.Resampling.BOX if down else Image.Resampling.BILINEAR)
    return np.clip(np.asarray(out), 0, 1).astype(np.float32)


def harden(mask: NDArray[np.floating], width: float = 0.2) -> FloatImage:
    """Re-sharpen an upsampled mask around its 0.5 contour (a linear ramp of ``width``
    in mask value becomes 0..1), so a guided-filtered hard mask stays hard."""
    m = np.asarray(mask, dtype=np.float32)
    return np.clip((m - 0.5) / max(width, 1e-6) + 0.5, 0.0, 1.0).astype(np.float32)


def _box(x: FloatImage, radius: int) -> FloatImage:
    return np.asarray(ndimage.uniform_filter(x, size=2 * radius + 1, mode="reflect"),
                      dtype=np.float32)


def guided_upsample(
    mask: NDArray[np.floating], guide: FloatImage, *, radius: int | None = None,
    eps: float = 1e-4,
) -> FloatImage:
    """Edge-aware upsampling of a low-resolution mask to the guide's size.

    The fast guided filter (He & Sun 2015): the local linear model ``q = a·I + b`` of the
    mask against the guide's luminance ``I`` is fitted at the mask's resolution, its
    coefficients are upsampled bilinearly, and applied to the full-resolution guide — so
    the mask's edges snap to the photo's edges at a cost linear in the output's pixels.

    Args:
        mask: (h, w) 0..1 at working resolution, same aspect as the guide.
        guide: (H, W, 3) sRGB 0..1 image, H ≥ h and W ≥ w.
        radius: window radius at the working resolution, px (≥ 1); None = 1 px per
            200 px of the mask's long side (3 px for a 512 px model).
        eps: regularisation (larger = smoother, closer to plain bilinear), > 0.

    Returns:
        (H, W) float32 mask 0..1.
    """
    h, w = mask.shape
    H, W = guide.shape[:2]
    radius = radius or max(1, round(max(h, w) / 200))
    lum = (guide @ REC709_LUMA).astype(np.float32)
    small = resize_mask(lum, w, h)
    p = np.asarray(mask, dtype=np.float32)
    mean_i, mean_p = _box(small, radius), _box(p, radius)
    cov_ip = _box(small * p, radius) - mean_i * mean_p
    var_i = _box(small * small, radius) - mean_i * mean_i
    a = (cov_ip / (var_i + eps)).astype(np.float32)
    b = (mean_p - a * mean_i).astype(np.float32)
    a, b = _box(a, radius), _box(b, radius)
    a_up = _resize_plane(a, W, H)
    b_up = _resize_plane(b, W, H)
    return np.clip(a_up * lum + b_up, 0.0, 1.0).astype(np.float32)


def _resize_plane(x: FloatImage, width: int, height: int) -> FloatImage:
    """A float plane (any range) resized bilinearly."""
    img = Image.fromarray(np.ascontiguousarray(x, dtype=np.float32), mode="F")
    return np.asarray(img.resize((width, height), Image.Resampling.BILINEAR), dtype=np.float32)

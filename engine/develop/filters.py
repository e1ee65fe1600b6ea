"""Spatial filters on (B, C, H, W) tensors: box, guided, min, area resampling.

Every filter is differentiable and handles any radius (windows are clipped at the
borders and normalised by the number of pixels they cover), so the same code serves a
4 × 4 test image and a 1024-pixel context layer.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 (the PyTorch convention)
from torch import Tensor

__all__ = [
    "area_downsample",
    "area_downsample_strips",
    "box_filter",
    "guided_filter_coefficients",
    "min_filter",
    "resample_window",
]


def _box_1d(x: Tensor, r: int, dim: int) -> Tensor:
    """Windowed sum along ``dim`` with radius ``r`` (window clipped at the borders)."""
    n = x.shape[dim]
    c = torch.cumsum(x, dim=dim)  # c[k] = sum x[:k + 1]
    if r + 1 >= n:
        c = torch.cat([torch.zeros_like(c.narrow(dim, 0, 1)), c], dim=dim)
        idx = torch.arange(n, device=x.device)
        hi = (idx + r + 1).clamp(max=n)
        lo = (idx - r).clamp(min=0)
        return c.index_select(dim, hi) - c.index_select(dim, lo)
    # sum x[i − r .. i + r] = c[min(i + r, n − 1)] − (c[i − r − 1] if i > r else 0), written
    # into slices of one output (no gathers, no concatenated copies)
    out = torch.empty_like(c)
    out.narrow(dim, 0, n - r).copy_(c.narrow(dim, r, n - r))
    out.narrow(dim, n - r, r).copy_(c.narrow(dim, n - 1, 1).expand_as(c.narrow(dim, 0, r)))
    out.narrow(dim, r + 1, n - r - 1).sub_(c.narrow(dim, 0, n - r - 1))
    return out


def box_filter(x: Tensor, r: int) -> Tensor:
    """Mean over a (2r+1)² window, clipped at the borders.

    Args:
        x: (B, C, H, W).
        r: radius in pixels, ≥ 0.

    Returns:
        (B, C, H, W) local means.
    """
    if r <= 0:
        return x
    H, W = x.shape[-2:]
    count = _window_count(H, r, x)[:, None] * _window_count(W, r, x)[None, :]
    return _box_1d(_box_1d(x, r, -2), r, -1) / count


def _window_count(n: int, r: int, like: Tensor) -> Tensor:
    """Samples in each clipped window ``[i − r, i + r]`` of an axis of length ``n``, (n,)."""
    i = torch.arange(n, device=like.device)
    return ((i + r).clamp(max=n - 1) - (i - r).clamp(min=0) + 1).to(like.dtype)


def guided_filter_coefficients(
    guide: Tensor, src: Tensor, r: int, eps: float
) -> tuple[Tensor, Tensor]:
    """Smoothed linear coefficients of the guided filter (He, Sun & Tang 2013).

    The filtered output is ``a * guide + b``.  Returning the coefficients instead of
    the output lets callers upsample them and apply them to a full-resolution guide
    (the "fast guided filter", He & Sun 2015), which keeps edges of the large image.

    Args:
        guide: (B, 1, H, W) guide image.
        src: (B, C, H, W) image to smooth.
        r: window radius in pixels.
        eps: regularisation in guide units²; edges with a variance well above ``eps``
            are kept, flatter areas are smoothed.

    Returns:
        (a, b), each (B, C, H, W).
    """
    c = src.shape[1]
    # the four local means in one pass over a stacked tensor
    means = box_filter(torch.cat([guide, guide * guide, src, guide * src], dim=1), r)
    mean_i, mean_ii, mean_p, mean_ip = means.split([1, 1, c, c], dim=1)
    cov_ip = mean_ip - mean_i * mean_p
    var_i = mean_ii - mean_i * mean_i
    a = cov_ip / (var_i.clamp(min=0) + eps)
    b = mean_p - a * mean_i
    smooth = box_filter(torch.cat([a, b], dim=1), r)
    return smooth[:, :c], smooth[:, c:]


def _min_1d(x: Tensor, r: int, dim: int) -> Tensor:
    """Minimum over ``[i − r, i + r]`` along ``dim`` (borders ignored), in O(log r) passes.

    Minima over windows of 1, 2, 4, … samples are built by doubling; the window of
    ``2r + 1`` is the minimum of two overlapping power-of-two windows.
    """
    n = x.shape[dim]
    k = 2 * r + 1
    pad = [0, 0] * (x.dim() - 1 - dim % x.dim()) + [r, r]
    big = torch.finfo(x.dtype).max
    m = F.pad(x, pad, value=big) if x.dim() >= 2 else x  # (…, n + 2r, …)
    span = 1
    while 2 * span <= k:
        n_m = m.shape[dim] - span
        m = torch.minimum(m.narrow(dim, 0, n_m), m.narrow(dim, span, n_m))
        span *= 2
    # m[j] = min of the padded samples j .. j + span − 1; cover j .. j + k − 1 with two spans
    return torch.minimum(m.narrow(dim, 0, n), m.narrow(dim, k - span, n))


def min_filter(x: Tensor, r: int) -> Tensor:
    """Minimum over a (2r+1)² window (separable), borders ignored.  x: (B, C, H, W)."""
    if r <= 0:
        return x
    return _min_1d(_min_1d(x, r, -1), r, -2)


def area_downsample(x: Tensor, factor: int) -> Tensor:
    """Mean over ``factor`` × ``factor`` blocks; a partial last block averages what it has.

    Args:
        x: (B, C, H, W).
        factor: integer ≥ 1.

    Returns:
        (B, C, ceil(H / factor), ceil(W / factor)).
    """
    if factor == 1:
        return x
    H, W = x.shape[-2:]
    if H % factor == 0 and W % factor == 0:  # whole blocks: two strided sums, 2-3× faster
        blocks = x.unflatten(-2, (H // factor, factor)).sum(-2)
        return blocks.unflatten(-1, (W // factor, factor)).sum(-1) / (factor * factor)
    return F.avg_pool2d(x, factor, stride=factor, ceil_mode=True, count_include_pad=False)


def area_downsample_strips(x: Tensor, factor: int, strip_pixels: int) -> Tensor:
    """`area_downsample` of a large image, read in strips of about ``strip_pixels``.

    Same values (the strips hold whole blocks), but a strided input, e.g. an (H, W, 3)
    array seen as (3, H, W), is read a strip at a time (only a partial last block of
    columns or rows needs a contiguous copy, for ``avg_pool2d``).
    """
    H, W = x.shape[-2:]
    rows = max(1, strip_pixels // (W * factor)) * factor
    if factor == 1 or rows >= H or torch.is_grad_enabled():
        return area_downsample(x, factor)
    out = torch.empty((*x.shape[:-2], -(-H // factor), -(-W // factor)), dtype=x.dtype,
                      device=x.device)
    for top in range(0, H, rows):
        piece = x[..., top : top + rows, :]
        if W % factor or piece.shape[-2] % factor:
            piece = piece.contiguous()
        piece = area_downsample(piece, factor)
        out[..., top // factor : top // factor + piece.shape[-2], :] = piece
    return out


def _axis_weights(
    n_out: int, n_low: int, start: int, count: int, device: torch.device, dtype: torch.dtype
) -> tuple[Tensor, Tensor, Tensor]:
    """Indices and weights to linearly sample ``count`` full-res positions from ``n_low``."""
    pos = (torch.arange(start, start + count, device=device, dtype=torch.float64) + 0.5)
    pos = (pos * (n_low / n_out) - 0.5).clamp(0, n_low - 1)
    i0 = pos.floor().long().clamp(max=max(n_low - 2, 0))
    i1 = (i0 + 1).clamp(max=n_low - 1)
    w = (pos - i0.to(torch.float64)).clamp(0, 1).to(dtype)
    return i0, i1, w


def resample_window(
    low: Tensor, full_size: tuple[int, int], window: tuple[int, int, int, int]
) -> Tensor:
    """Bilinearly sample a low-resolution layer on a window of the full-resolution grid.

    The low layer covers the whole frame (pixel centres aligned as with
    ``align_corners=False``), so sampling any window gives exactly the pixels that
    sampling the whole frame would: this is what makes tiled rendering equal untiled.

    Args:
        low: (B, C, h, w) layer covering the frame.
        full_size: (H, W) of the full-resolution frame.
        window: (top, left, height, width) in full-resolution pixels.

    Returns:
        (B, C, height, width).
    """
    H, W = full_size
    top, left, th, tw = window
    h, w = low.shape[-2:]
    if (h, w) == (H, W):
        return low[..., top : top + th, left : left + tw]
    y0, y1, wy = _axis_weights(H, h, top, th, low.device, low.dtype)
    x0, x1, wx = _axis_weights(W, w, left, tw, low.device, low.dtype)
    # columns first, on the few low rows the window reads ...
    r0, r1 = int(y0.min()), int(y1.max()) + 1
    sub = low[..., r0:r1, :]
    if torch.is_grad_enabled() and (low.requires_grad or wx.requires_grad):
        cols = torch.lerp(sub.index_select(-1, x0), sub.index_select(-1, x1), wx)
    else:  # gathering whole rows of a columns-first copy is ~3× faster than along the last dim
        t = sub.movedim(-1, 0).contiguous()  # (w, …, rows)
        wt = wx.view(-1, *[1] * (t.dim() - 1))
        cols = torch.lerp(t.index_select(0, x0), t.index_select(0, x1), wt).movedim(0, -1)
        cols = cols.contiguous()
    # ... then rows: full rows sharing a pair of low rows are one broadcast lerp each
    runs: list[tuple[int, int, int, int]] = []  # (first row, end row, low row 0, low row 1)
    for r, (a, b) in enumerate(zip((y0 - r0).tolist(), (y1 - r0).tolist(), strict=True)):
        if runs and runs[-1][2:] == (a, b):
            runs[-1] = (runs[-1][0], r + 1, a, b)
        else:
            runs.append((r, r + 1, a, b))
    wy = wy[:, None]
    if torch.is_grad_enabled() and (low.requires_grad or wy.requires_grad):
        return torch.cat([torch.lerp(cols[..., a : a + 1, :], cols[..., b : b + 1, :], wy[s:e])
                          for s, e, a, b in runs], dim=-2)
    out = torch.empty((*cols.shape[:-2], th, tw), dtype=cols.dtype, device=cols.device)
    for s, e, a, b in runs:
        torch.lerp(cols[..., a : a + 1, :], cols[..., b : b + 1, :], wy[s:e], out=out[..., s:e, :])
    return out

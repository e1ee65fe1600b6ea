"""White balance as a differentiable chromatic adaptation in linear sRGB.

The colour helper (`engine.color.white_balance`) defines Lightroom's units: raw
``Temperature`` K / ``Tint`` = CCT / 3000·Duv of the light to neutralise, and rendered
``IncrementalTemperature`` / ``IncrementalTint`` as mired / Duv shifts around the
file's white.  Here those definitions become torch functions so gradients reach the
sliders: the Planckian locus and its Duv normal are tabulated once from the colour
helper's Ohno (2013) ``cct_duv_to_xy`` on a mired grid and linearly interpolated
(linearly extrapolated beyond 1..1000 mired, i.e. past 1000 K / 1 000 000 K).

A light ``xy_src`` is neutralised with a von Kries adaptation in Bradford cone space
from ``xy_src`` to the image's current white ``xy_cur``: pixels are first taken back to
what the camera saw under ``xy_cur`` and then balanced for ``xy_src``.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 (the PyTorch convention)
from torch import Tensor

from engine.color._colour import colour
from engine.color.white_balance import MIRED_PER_UNIT, TINT_PER_DUV, d65_cct_duv

__all__ = [
    "D65_XY",
    "adaptation_gains",
    "apply_cone_gains",
    "cone_gain_matrix",
    "incremental_cone_gains",
    "incremental_to_uv",
    "kelvin_tint_to_uv",
    "lms_to_rgb",
    "locus_uv",
    "rgb_to_lms",
    "uv_to_xy",
    "xy_to_uv",
]

_MIRED_STEP = 5.0
_MIRED = np.arange(1.0, 1001.0, _MIRED_STEP)
_DUV_PROBE = 0.02

#: CIE 1931 xy of D65, the white of linear sRGB.
D65_XY = (0.3127, 0.3290)

# linear sRGB → XYZ (IEC 61966-2-1) and XYZ → Bradford cone responses.
_RGB_TO_XYZ = np.array(
    [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
)
_BRADFORD = np.array(
    [[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]]
)
_RGB_TO_LMS = _BRADFORD @ _RGB_TO_XYZ


@cache
def _locus_table() -> tuple[np.ndarray, np.ndarray]:
    """(uv on the locus, unit-Duv normal in uv), each (N, 2), on the ``_MIRED`` grid."""
    # `cct_duv_to_xy` for every node at once (colour-science vectorises Ohno 2013; a
    # Python loop over the nodes took 0.4 s of every process's first render)
    cct = 1e6 / _MIRED
    uv0 = colour.CCT_to_uv(np.stack([cct, np.zeros_like(cct)], axis=-1), method="Ohno 2013")
    uv1 = colour.CCT_to_uv(np.stack([cct, np.full_like(cct, _DUV_PROBE)], axis=-1),
                           method="Ohno 2013")
    # the same round trip through xy as `cct_duv_to_xy` (identical to 1e-15)
    uv0 = _xy_to_uv_np(np.asarray(colour.UCS_uv_to_xy(uv0)))
    uv1 = _xy_to_uv_np(np.asarray(colour.UCS_uv_to_xy(uv1)))
    return uv0, (uv1 - uv0) / _DUV_PROBE


def _xy_to_uv_np(xy: np.ndarray) -> np.ndarray:
    x, y = xy[..., 0], xy[..., 1]
    d = -2 * x + 12 * y + 3
    return np.stack([4 * x / d, 6 * y / d], axis=-1)


def xy_to_uv(xy: Tensor) -> Tensor:
    """CIE 1931 xy (..., 2) → CIE 1960 uv (..., 2)."""
    x, y = xy[..., 0], xy[..., 1]
    d = -2 * x + 12 * y + 3
    return torch.stack([4 * x / d, 6 * y / d], dim=-1)


def uv_to_xy(uv: Tensor) -> Tensor:
    """CIE 1960 uv (..., 2) → CIE 1931 xy (..., 2)."""
    u, v = uv[..., 0], uv[..., 1]
    d = 2 * u - 8 * v + 4
    return torch.stack([3 * u / d, 2 * v / d], dim=-1)


def locus_uv(mired: Tensor, duv: Tensor) -> Tensor:
    """uv of the light at ``mired`` (10⁶/K, any real) and ``duv``; shape (..., 2)."""
    uv0_np, n_np = _locus_table()
    uv0 = torch.as_tensor(uv0_np, dtype=mired.dtype, device=mired.device)
    nrm = torch.as_tensor(n_np, dtype=mired.dtype, device=mired.device)
    f = (mired - float(_MIRED[0])) / _MIRED_STEP
    i = f.detach().floor().long().clamp(0, len(_MIRED) - 2)
    w = (f - i.to(f.dtype))[..., None]  # unclamped: linear extrapolation off the grid
    base = torch.lerp(uv0[i], uv0[i + 1], w)
    normal = torch.lerp(nrm[i], nrm[i + 1], w)
    return base + duv[..., None] * normal


def kelvin_tint_to_uv(temperature: Tensor, tint: Tensor) -> Tensor:
    """Raw ``Temperature`` (K) and ``Tint`` (Lightroom units) → uv of the light, (..., 2)."""
    return locus_uv(1e6 / temperature, tint / TINT_PER_DUV)


def incremental_to_uv(
    incremental_temperature: Tensor,
    incremental_tint: Tensor,
    reference: tuple[float, float] | None = None,
) -> Tensor:
    """Rendered ``IncrementalTemperature`` / ``IncrementalTint`` → uv of the light to neutralise.

    Same mapping as `engine.color.incremental_from_shift` (mired and Duv shifts around
    ``reference`` = (CCT K, Duv), D65 by default), but defined for every slider value:
    mired values at or below zero extrapolate the locus past infinite Kelvin.
    """
    ref_cct, ref_duv = reference or d65_cct_duv()
    mired = 1e6 / ref_cct - incremental_temperature * MIRED_PER_UNIT
    return locus_uv(mired, ref_duv + incremental_tint / TINT_PER_DUV)


def incremental_cone_gains(temperature: Tensor, tint: Tensor, bound: float) -> Tensor:
    """Cone gains of per-pixel incremental white balance, as `adaptation_gains` gives them.

    Equals ``adaptation_gains(incremental_to_uv(t, n), uv_to_xy(incremental_to_uv(0, 0)))``
    (the local ``LocalTemperature`` / ``LocalTint`` of a rendered photo) at a fraction of
    its cost: the locus and its normal are piecewise linear in mired, so one bilinear
    lookup (``grid_sample``) on a table with the same nodes reads them exactly; the
    gains then follow in closed form from uv
    (``XYZ ∝ (3u, 2v, 4 − u − 10v) / 2v``).

    Args:
        temperature: (B, 1, H, W) incremental temperature, |t| ≤ ``bound``.
        tint: incremental tint (any value), broadcastable to ``temperature``; one value
            per image (the usual case) is folded into the table.
        bound: the largest |temperature| the maps can hold (sizes the table).

    Returns:
        (B, 3, H, W) gains on the Bradford cone responses.
    """
    dtype, device = temperature.dtype, temperature.device
    tab = _gain_tables(bound, dtype, device)
    duv = torch.as_tensor(tint, dtype=dtype, device=device) * (1 / TINT_PER_DUV) + tab.ref_duv
    if duv.dim() == 4 and duv.shape[0] > temperature.shape[0]:  # per-image tint, shared t
        temperature = temperature.expand(duv.shape[0], -1, -1, -1)
    B, _, H, W = temperature.shape
    per_pixel = duv.dim() == 4 and duv.shape[-2:] != (1, 1)
    if per_pixel:  # u, v and the Duv normal, combined after the lookup
        table = torch.cat([tab.base, tab.normal], dim=1).expand(B, -1, -1, -1)
    else:  # uv of the light itself: the lookup gives u, v (2 channels instead of 4)
        table = (tab.base + duv.reshape(-1, 1, 1, 1) * tab.normal).expand(B, -1, -1, -1)
    grid = torch.zeros((B, H, W, 2), dtype=dtype, device=device)
    grid[..., 0] = temperature[:, 0] * tab.grid_scale + tab.grid_shift
    uv = F.grid_sample(table, grid, mode="bilinear", padding_mode="border",
                       align_corners=True)  # (B, 2 or 4, H, W)
    if per_pixel:
        uv = torch.addcmul(uv[:, :2], duv, uv[:, 2:])
    den = torch.baddbmm(tab.den_shift, tab.den_coef.expand(B, -1, -1),
                        uv.reshape(B, 2, H * W)).view(B, 3, H, W)
    return uv[:, 1:2] * tab.ref2 / den


class _GainTables(NamedTuple):
    """The constants of `incremental_cone_gains` for one bound, dtype and device."""

    ref_duv: float
    base: Tensor  # (1, 2, 1, N) uv of the locus at the table's mired nodes
    normal: Tensor  # (1, 2, 1, N) uv per unit Duv there
    grid_scale: float  # temperature → grid_sample's x in −1..1: t · scale + shift
    grid_shift: float
    den_coef: Tensor  # (3, 2) and (3, 1): α u + β v + γ per cone
    den_shift: Tensor
    ref2: Tensor  # (1, 3, 1, 1) twice the reference white's cone response


@lru_cache(maxsize=64)  # a few KB each; the bound changes with the local settings
def _gain_tables(bound: float, dtype: torch.dtype, device: torch.device) -> _GainTables:
    """`_GainTables` (cached: every strip of a render asks for the same)."""
    ref_cct, ref_duv = d65_cct_duv()
    m0 = 1e6 / ref_cct
    # table nodes on the mired grid of `locus_uv`, extended (linearly, as it extrapolates)
    # to cover m0 ± bound · MIRED_PER_UNIT
    k0 = math.floor((m0 - bound * MIRED_PER_UNIT - float(_MIRED[0])) / _MIRED_STEP) - 1
    k1 = math.ceil((m0 + bound * MIRED_PER_UNIT - float(_MIRED[0])) / _MIRED_STEP) + 1
    nodes = float(_MIRED[0]) + _MIRED_STEP * torch.arange(k0, k1 + 1, dtype=torch.float64)
    base = locus_uv(nodes, torch.zeros_like(nodes)).T.reshape(1, 2, 1, -1)
    normal = locus_uv(nodes, torch.ones_like(nodes)).T.reshape(1, 2, 1, -1)
    base, normal = (v.to(dtype=dtype, device=device) for v in (base, normal))
    # mired = m0 − t · MIRED_PER_UNIT → table position, then grid_sample's −1..1
    pos = (m0 - float(_MIRED[0]) - _MIRED_STEP * k0) / _MIRED_STEP
    scale = 2 / (k1 - k0)
    ref = _xy_to_lms(uv_to_xy(incremental_to_uv(torch.zeros((), dtype=torch.float64),
                                                 torch.zeros((), dtype=torch.float64))))
    # the light's cone response times 2v is affine in (u, v): lms_c · 2v = α u + β v + γ
    # (XYZ ∝ (3u, 2v, 4 − u − 10v) / 2v), so its gains are ref_c · 2v / (α u + β v + γ)
    b = _BRADFORD
    coef = np.stack([3 * b[:, 0] - b[:, 2], 2 * b[:, 1] - 10 * b[:, 2]], axis=1)
    return _GainTables(
        ref_duv=ref_duv, base=base, normal=normal - base,
        grid_scale=-MIRED_PER_UNIT / _MIRED_STEP * scale, grid_shift=pos * scale - 1,
        den_coef=torch.tensor(coef, dtype=dtype, device=device),
        den_shift=torch.tensor(4 * b[:, 2:3], dtype=dtype, device=device),
        ref2=(2 * ref).to(dtype=dtype, device=device).view(1, 3, 1, 1),
    )


def _xy_to_lms(xy: Tensor) -> Tensor:
    """xy (..., 2) → Bradford cone response of that white at Y = 1, (..., 3)."""
    x, y = xy[..., 0], xy[..., 1]
    xyz = torch.stack([x / y, torch.ones_like(x), (1 - x - y) / y], dim=-1)
    m = torch.as_tensor(_BRADFORD, dtype=xy.dtype, device=xy.device)
    return xyz @ m.T


def adaptation_gains(uv_light: Tensor, xy_current: Tensor | None = None) -> Tensor:
    """Bradford cone gains that neutralise ``uv_light`` in an image balanced for ``xy_current``.

    Args:
        uv_light: (..., 2) uv of the light to neutralise.
        xy_current: (..., 2) xy the image is balanced for now (default D65).

    Returns:
        (..., 3) gains on the Bradford cone responses of linear sRGB pixels.
    """
    if xy_current is None:
        xy_current = torch.tensor(D65_XY, dtype=uv_light.dtype, device=uv_light.device)
    return _xy_to_lms(xy_current) / _xy_to_lms(uv_to_xy(uv_light))


def rgb_to_lms(dtype: torch.dtype, device: torch.device | str = "cpu") -> Tensor:
    """The 3 × 3 matrix from linear sRGB to Bradford cone responses (a shared constant:
    do not modify it in place)."""
    return _lms_matrices(dtype, torch.device(device))[0]


def lms_to_rgb(dtype: torch.dtype, device: torch.device | str = "cpu") -> Tensor:
    """The inverse of `rgb_to_lms` (a shared constant: do not modify it in place)."""
    return _lms_matrices(dtype, torch.device(device))[1]


@lru_cache(maxsize=16)
def _lms_matrices(dtype: torch.dtype, device: torch.device) -> tuple[Tensor, Tensor]:
    """(`rgb_to_lms`, its inverse), cached: every strip of a render uses them."""
    to_lms = torch.as_tensor(_RGB_TO_LMS, dtype=dtype, device=device)
    return to_lms, torch.linalg.inv(to_lms)


def cone_gain_matrix(gains: Tensor) -> Tensor:
    """(B, 3) cone gains → (B, 3, 3) linear-sRGB matrices ``M⁻¹ diag(g) M``."""
    to_lms = rgb_to_lms(gains.dtype, gains.device)
    return lms_to_rgb(gains.dtype, gains.device) @ (gains[:, :, None] * to_lms)


def apply_cone_gains(image: Tensor, gains: Tensor) -> Tensor:
    """Apply cone gains to linear sRGB pixels.

    Args:
        image: (B, 3, H, W) linear sRGB.
        gains: (B, 3) global gains, or (B, 3, H, W) per-pixel gains.

    Returns:
        (B, 3, H, W) adapted linear sRGB.
    """
    if gains.dim() == 2:  # one matrix per image: fold the three steps into one 3 × 3
        return torch.einsum("bij,bjhw->bihw", cone_gain_matrix(gains), image)
    to_lms = rgb_to_lms(image.dtype, image.device)
    lms = torch.einsum("ij,bjhw->bihw", to_lms, image) * gains
    return torch.einsum("ij,bjhw->bihw", lms_to_rgb(image.dtype, image.device), lms)

"""Wavelet denoising: à trous B3-spline transform with noise-adaptive soft thresholds.

Method: the stationary "à trous" wavelet transform (Starck, Murtagh & Fadili, *Sparse
Image and Signal Processing*, ch. 6) splits the image into `SCALES` detail planes; white
noise of σ = 1 has a known standard deviation in each plane (`_NOISE_PER_SCALE`).  Each
coefficient is soft-thresholded with a spatially adaptive BayesShrink threshold
(Chang, Yu & Vetterli 2000): T = σ_n² / σ_x, with σ_x the signal deviation left in a 7×7
neighbourhood once the noise variance is removed — textured areas keep their detail,
flat areas lose their noise.  σ is estimated from the finest plane by the median
absolute deviation (Donoho 1995) over the flattest fifth of 16×16 blocks, so texture is
not mistaken for noise.
Works on sRGB-encoded YCbCr, where camera and JPEG noise are closest to uniform,
denoising chroma harder than luma (colour noise is uglier and carries less detail).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812

__all__ = ["SCALES", "atrous_decompose", "denoise", "estimate_noise_sigma"]

SCALES = 5
_B3 = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0
# σ of each à trous plane for unit white noise (B3 spline, scales 1..5).
_NOISE_PER_SCALE = (0.889, 0.200, 0.086, 0.041, 0.020)
_RGB_TO_YCC = torch.tensor(
    [[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]]
)


def _smooth(x: torch.Tensor, step: int) -> torch.Tensor:
    """Separable B3 smoothing with holes of ``step`` px; x is (N, 1, H, W)."""
    k = _B3.to(x)
    pad = 2 * step
    y = F.pad(x, (pad, pad, 0, 0), mode="replicate")
    y = F.conv2d(y, k.view(1, 1, 1, 5), dilation=(1, step))
    y = F.pad(y, (0, 0, pad, pad), mode="replicate")
    return F.conv2d(y, k.view(1, 1, 5, 1), dilation=(step, 1))


def atrous_decompose(x: torch.Tensor, scales: int = SCALES) -> list[torch.Tensor]:
    """Detail planes (finest first) and the residual; they sum back to ``x`` (N, 1, H, W)."""
    planes, current = [], x
    for j in range(scales):
        smooth = _smooth(current, 2**j)
        planes.append(current - smooth)
        current = smooth
    planes.append(current)
    return planes


def estimate_noise_sigma(channel: torch.Tensor, block: int = 16) -> float:
    """Noise σ of one channel (N, 1, H, W): MAD of the finest plane in its flattest blocks."""
    fine = atrous_decompose(channel, 1)[0][0, 0]
    h, w = (fine.shape[0] // block) * block, (fine.shape[1] // block) * block
    if h == 0 or w == 0:
        blocks = fine.reshape(1, -1)
    else:
        blocks = fine[:h, :w].reshape(h // block, block, w // block, block)
        blocks = blocks.permute(0, 2, 1, 3).reshape(-1, block * block)
    mads = torch.median(torch.abs(blocks - blocks.median(dim=1, keepdim=True).values), dim=1)
    flattest = torch.sort(mads.values).values[: max(1, len(mads.values) // 5)]
    return float(flattest.median()) / 0.6745 / _NOISE_PER_SCALE[0]


def _bayes_shrink(plane: torch.Tensor, noise: float) -> torch.Tensor:
    """Soft threshold T = σ_n² / σ_x with σ_x from the local (7×7) variance."""
    local_var = F.avg_pool2d(F.pad(plane * plane, (3, 3, 3, 3), mode="replicate"), 7, stride=1)
    signal = torch.sqrt(torch.clamp(local_var - noise**2, min=0)).clamp_min(1e-6)
    threshold = noise**2 / signal
    return torch.sign(plane) * torch.clamp(torch.abs(plane) - threshold, min=0)


def denoise(
    encoded: torch.Tensor, *, strength: float = 1.0, sigma: float | None = None
) -> tuple[torch.Tensor, float]:
    """Denoise an sRGB-encoded image.

    Args:
        encoded: (3, H, W) or (N, 3, H, W) float tensor, sRGB-encoded 0..1.
        strength: noise-level multiplier, 0..3 (1 = the estimated noise).
        sigma: noise σ of luma in encoded units (estimated when None).

    Returns:
        (denoised image of the same shape, the luma σ used).
    """
    if not 0 <= strength <= 3:
        raise ValueError(f"strength={strength} is outside 0..3")
    x = encoded.unsqueeze(0) if encoded.dim() == 3 else encoded
    m = _RGB_TO_YCC.to(x)
    ycc = torch.einsum("ij,njhw->nihw", m, x)
    out = []
    for c in range(3):
        ch = ycc[:, c : c + 1]
        s = estimate_noise_sigma(ch) if (sigma is None or c > 0) else sigma
        if c == 0 and sigma is None:
            sigma = s
        k = strength * (0.6 if c == 0 else 1.5)  # chroma noise is uglier, detail sparser
        planes = atrous_decompose(ch)
        restored = planes[-1]
        for j, p in enumerate(planes[:-1]):
            restored = restored + _bayes_shrink(p, k * s * _NOISE_PER_SCALE[j])
        out.append(restored)
    result = torch.einsum("ij,njhw->nihw", torch.linalg.inv(m), torch.cat(out, dim=1))
    result = result.clamp(0, 1)
    return (result[0] if encoded.dim() == 3 else result), float(sigma or 0.0)

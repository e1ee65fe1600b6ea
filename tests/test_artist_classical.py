"""The classical Artist improves noisy and blurred photos (PSNR and SSIM)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812
from PIL import Image

from engine.artist.classical import restore
from engine.artist.classical.denoise import atrous_decompose
from engine.artist.classical.sharpen import estimate_blur_sigma, gaussian_kernel
from engine.metrics import psnr, ssim

PHOTOS = ["kodim03.png", "kodim05.png", "kodim13.png", "kodim19.png", "kodim23.png"]


def _load(path: Path) -> torch.Tensor:
    with Image.open(path) as im:
        a = np.asarray(im.convert("RGB").resize((384, 256)), np.float32) / 255
    return torch.from_numpy(a).permute(2, 0, 1)


def _blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    k = gaussian_kernel(sigma)
    return F.conv2d(F.pad(x[:, None], (k.shape[-1] // 2,) * 4, mode="replicate"), k)[:, 0]


def _np(x: torch.Tensor) -> np.ndarray:
    return x.permute(1, 2, 0).numpy()


@pytest.mark.parametrize("name", PHOTOS)
def test_denoise_and_sharpen_beat_the_degraded_input(shared_photos: Path, name: str) -> None:
    clean = _load(shared_photos / "kodak" / name)
    noisy = (clean + torch.randn(clean.shape, generator=torch.Generator().manual_seed(1)) * 0.04)
    noisy = noisy.clamp(0, 1)
    blurred = _blur(clean, 1.5)
    for degraded, ops in ((noisy, ["denoise"]), (blurred, ["sharpen"])):
        restored, log = restore(degraded, ops)
        assert [r.operation for r in log] == ops
        ref, bad, good = _np(clean), _np(degraded), _np(restored)
        assert psnr(ref, good) > psnr(ref, bad), (name, ops)
        assert ssim(ref, good) > ssim(ref, bad), (name, ops)


def test_blur_sigma_is_measured(shared_photos: Path) -> None:
    clean = _load(shared_photos / "kodak" / "kodim13.png")
    luma = lambda x: (0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2])  # noqa: E731
    assert estimate_blur_sigma(luma(_blur(clean, 2.0))) == pytest.approx(2.0, abs=0.5)
    assert estimate_blur_sigma(luma(clean)) < 0.8


def test_atrous_planes_sum_back_to_the_image() -> None:
    x = torch.rand(1, 1, 40, 50)
    total = torch.stack(atrous_decompose(x)).sum(dim=0)
    assert torch.allclose(total, x, atol=1e-5)


def test_lowlight_brightens_a_dark_photo(shared_photos: Path) -> None:
    dark = _load(shared_photos / "kodak" / "kodim13.png") * 0.25
    out, log = restore(dark, ["lowlight"])
    assert out.mean() > 1.8 * dark.mean()
    assert "EV" in log[0].detail


def test_unknown_operation_is_named() -> None:
    with pytest.raises(ValueError, match="inpaint"):
        restore(torch.rand(3, 8, 8), ["inpaint"])

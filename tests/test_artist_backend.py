"""The classical Artist backend: restores noise, blur, darkness and haze; strips; cancel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812

import engine.artist.base as artist_base
from engine.artist import get_artist
from engine.artist.base import GenerationCancelled, Job
from engine.artist.classical.sharpen import gaussian_kernel
from engine.artist.classical_artist import apply_operation
from engine.artist.plan import Operation, plan_from_instruction
from engine.decode import decode_photo
from engine.metrics import psnr, ssim
from tests import artist_images as images


def _blurred(a: np.ndarray, sigma: float) -> np.ndarray:
    x = torch.from_numpy(a).permute(2, 0, 1)[:, None]
    k = gaussian_kernel(sigma)
    y = F.conv2d(F.pad(x, (k.shape[-1] // 2,) * 4, mode="replicate"), k)
    return y[:, 0].permute(1, 2, 0).numpy()


@pytest.fixture(scope="module")
def clean(shared_photos: Path) -> np.ndarray:
    return images.encoded(shared_photos / "kodak" / "kodim05.png")


def _generate(path: Path, plan_words: str) -> np.ndarray:
    """The classical Artist on a saved 8-bit photo with no develop change (sRGB 0..1)."""
    photo = decode_photo(path, long_side=4096)
    job = Job(photo=photo, settings={}, plan=plan_from_instruction(plan_words))
    out = get_artist("classical").generate(job)
    return (artist_base.srgb_encode(out.linear)).permute(1, 2, 0).numpy()


@pytest.mark.parametrize(("degrade", "words"), [
    ("noise", "reduce the noise"), ("blur", "sharpen"), ("dark", "brighten the shadows"),
])
def test_classical_artist_improves_psnr_and_ssim(
    clean: np.ndarray, tmp_path: Path, degrade: str, words: str
) -> None:
    if degrade == "noise":
        bad = images.noisy(clean)
    elif degrade == "blur":
        bad = _blurred(clean, 1.5)
    else:  # −2 EV in linear light, with the sensor noise a dark exposure brings
        lin = np.where(clean <= 0.04045, clean / 12.92, ((clean + 0.055) / 1.055) ** 2.4) / 4
        bad = images.noisy(np.where(lin <= 0.0031308, lin * 12.92,
                              1.055 * np.maximum(lin, 0.0031308) ** (1 / 2.4) - 0.055), 0.01)
    path = images.save(bad, tmp_path / f"{degrade}.png")
    bad8 = images.encoded(path)
    good = _generate(path, words)
    assert psnr(clean, good) > psnr(clean, bad8) + 0.5, degrade
    assert ssim(clean, good) > ssim(clean, bad8), degrade


def test_dehaze_lifts_a_grey_veil(clean: np.ndarray) -> None:
    lin = torch.from_numpy(clean).permute(2, 0, 1)
    lin = artist_base.srgb_decode(lin)
    veiled = artist_base.srgb_encode(lin * 0.65 + 0.35 * 0.8)
    out, detail = apply_operation(veiled, Operation("dehaze", 0.5, ""))
    ref = clean
    assert psnr(ref, out.permute(1, 2, 0).numpy()) > psnr(ref, veiled.permute(1, 2, 0).numpy()) + 2
    assert "removing 90% of the veil" in detail


def test_strips_give_the_whole_image_result(
    clean: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    blurred = torch.from_numpy(_blurred(clean, 1.0)).permute(2, 0, 1)
    noisy = torch.from_numpy(images.noisy(clean).astype(np.float32)).permute(2, 0, 1)
    whole_sharp, _ = apply_operation(blurred, Operation("sharpen", 0.5, ""))
    whole_clean, _ = apply_operation(noisy, Operation("denoise", 0.5, ""))
    monkeypatch.setattr(artist_base, "STRIP_PIXELS", 1000)
    monkeypatch.setattr(artist_base, "STRIP_ROWS", 64)
    fractions: list[float] = []
    strip_sharp, _ = apply_operation(blurred, Operation("sharpen", 0.5, ""),
                                     on_strip=fractions.append)
    strip_clean, _ = apply_operation(noisy, Operation("denoise", 0.5, ""))
    assert fractions == [1 / 3, 2 / 3, 1.0]  # 170 rows in strips of 64
    assert float((strip_sharp - whole_sharp).abs().max()) < 0.01 / 255
    # denoise re-estimates the colour noise σ per strip (from its flattest blocks; a real
    # strip is 512 rows × the full width of a > 4 MP photo, here 64 × 256): close, not equal
    assert float((strip_clean - whole_clean).abs().mean()) < 0.05 / 255
    assert float((strip_clean - whole_clean).abs().max()) < 3 / 255


def test_cancel_between_strips(clean: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(artist_base, "STRIP_PIXELS", 1000)
    monkeypatch.setattr(artist_base, "STRIP_ROWS", 48)
    x = torch.from_numpy(images.noisy(clean).astype(np.float32)).permute(2, 0, 1)
    done: list[float] = []
    with pytest.raises(GenerationCancelled):
        apply_operation(x, Operation("denoise", 0.5, ""), on_strip=done.append,
                        cancelled=lambda: len(done) >= 2)
    assert done == [0.25, 0.5]  # 170 rows: 4 strips of 48, stopped after two

"""Weight-free subject finding: spectral-residual saliency (Hou & Zhang, CVPR 2007).

The log-amplitude spectrum of a natural image is smooth; what sticks out of it (the
spectral residual) is what the eye goes to.  The saliency map is thresholded at
`SALIENT_FACTOR` × its mean, the largest blob is the subject, and its bounding box
(padded) gives a radial gradient a host can edit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from engine.color.channels import REC709_LUMA

__all__ = ["SALIENT_FACTOR", "SubjectDetection", "detect_subject", "spectral_residual"]

SALIENT_FACTOR = 2.0


@dataclass(frozen=True)
class SubjectDetection:
    """The main subject.

    Attributes:
        mask: (H, W) float32 soft saliency mask 0..1 at the analysis size.
        bbox: (left, top, right, bottom), normalised 0..1.
        confidence: 0..1 (how much the subject stands out from the rest).
    """

    mask: NDArray[np.float32]
    bbox: tuple[float, float, float, float]
    confidence: float


def spectral_residual(linear: NDArray[np.float32], size: int = 64) -> NDArray[np.float32]:
    """Saliency map (H, W) in 0..1 of a linear RGB image (H, W, 3)."""
    h, w = linear.shape[:2]
    y = np.sqrt(np.clip(linear @ REC709_LUMA, 0, None))  # perceptual-ish lightness
    small = ndimage.zoom(y, (size / h, size / w), order=1)
    spectrum = np.fft.fft2(small)
    log_amp = np.log(np.abs(spectrum) + 1e-8)
    residual = log_amp - ndimage.uniform_filter(log_amp, 3, mode="nearest")
    sal = np.abs(np.fft.ifft2(np.exp(residual + 1j * np.angle(spectrum)))) ** 2
    sal = ndimage.gaussian_filter(sal, 2.5)
    sal = ndimage.zoom(sal, (h / sal.shape[0], w / sal.shape[1]), order=1)[:h, :w]
    sal -= sal.min()
    return np.asarray(sal / max(float(sal.max()), 1e-12), dtype=np.float32)


def detect_subject(linear: NDArray[np.float32]) -> SubjectDetection | None:
    """The most salient region of a linear sRGB image, or None when nothing stands out."""
    sal = spectral_residual(np.asarray(linear, dtype=np.float32))
    mean = float(sal.mean())
    blobs, n = ndimage.label(sal > SALIENT_FACTOR * mean)
    if n == 0:
        return None
    sizes = ndimage.sum_labels(np.ones_like(sal), blobs, index=np.arange(1, n + 1))
    blob = blobs == (int(np.argmax(sizes)) + 1)
    if blob.mean() < 0.005:
        return None
    rows, cols = np.nonzero(blob)
    h, w = sal.shape
    pad_y, pad_x = 0.1 * (rows.max() - rows.min() + 1), 0.1 * (cols.max() - cols.min() + 1)
    bbox = (
        max(0.0, (cols.min() - pad_x) / w), max(0.0, (rows.min() - pad_y) / h),
        min(1.0, (cols.max() + 1 + pad_x) / w), min(1.0, (rows.max() + 1 + pad_y) / h),
    )
    contrast = float(sal[blob].mean() / max(float(sal[~blob].mean()), 1e-6))
    confidence = float(np.clip((contrast - 2.0) / 6.0, 0, 1))
    soft = ndimage.gaussian_filter(blob.astype(np.float32), sigma=max(1.0, w / 128))
    return SubjectDetection(soft.astype(np.float32), bbox, confidence)

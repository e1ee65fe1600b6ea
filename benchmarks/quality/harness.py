"""The quality harness: degrade good photos with the develop model, restore, score.

Test set (fixed seed): every photo of the shared corpus, downscaled, degraded

- globally in the FilterNet thesis's *moderate* regime: each slider of `AMPLITUDES`
  gets ``u · a · m`` with u ~ U(−1, 1), a its amplitude and m ~ N(0.7, 0.3²); white
  balance as the cast of a light of 4000–10000 K (mapped to ``IncrementalTemperature``);
- locally: only the sky or only the subject region (found on the original with the
  weight-free masks) darkened or brightened by 0.8–1.5 EV.

A *restorer* maps a degraded linear image to a restored one (`restore_with_predictor`
runs any predictor and renders its settings with the develop model; the baselines are
`identity` and `auto_levels_grey_world`).  Scores compare restored to original in sRGB:
PSNR, SSIM, mean ΔE2000, plus the exposure recovery error where it applies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from zlib import crc32

import numpy as np
import torch
from numpy.typing import NDArray

from engine.color.transfer import linear_to_srgb
from engine.color.white_balance import d65_cct_duv, shift_to_incremental
from engine.decode import decode_photo
from engine.decode.types import DecodedPhoto
from engine.develop import LocalAdjustment, local_adjustments_from_pb, render
from engine.masks import detect_sky, detect_subject, propose_local_adjustments
from engine.metrics import delta_e_2000, psnr, ssim
from engine.predictors import get_predictor

__all__ = [
    "AMPLITUDES",
    "Case",
    "Linear",
    "Score",
    "auto_levels_grey_world",
    "build_test_set",
    "evaluate",
    "identity",
    "region_exposed",
    "restore_with_predictor",
    "score_case",
    "summarise",
]

Linear = NDArray[np.float32]
#: A restored image and the global settings that made it (None for baselines).
Restored = tuple[Linear, dict[str, float] | None]
Restorer = Callable[["Case"], Restored]

#: Slider → amplitude of the moderate regime (slider units).
AMPLITUDES = {
    "Exposure2012": 1.5, "Contrast2012": 40.0, "Highlights2012": 50.0, "Shadows2012": 50.0,
    "Whites2012": 30.0, "Blacks2012": 30.0, "Vibrance": 40.0,
}


@dataclass
class Case:
    """One degraded photo.

    Attributes:
        name: ``photo#k`` of the source photo and the degradation index.
        kind: ``"global"``, ``"sky"`` or ``"subject"``.
        original: (H, W, 3) linear sRGB of the source photo.
        degraded: (H, W, 3) linear sRGB after the degradation.
        degradation: the global settings (or, for local cases, the local ones) applied.
        photo: the degraded image as a `DecodedPhoto` (what a predictor sees).
    """

    name: str
    kind: str
    original: Linear
    degraded: Linear
    degradation: dict[str, float]
    photo: DecodedPhoto = field(repr=False)


@dataclass
class Score:
    """Scores of one restored case against its original."""

    name: str
    kind: str
    psnr: float
    ssim: float
    delta_e: float
    exposure_error: float | None = None


def _to_tensor(image: Linear) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)


def _to_numpy(image: torch.Tensor) -> Linear:
    return np.ascontiguousarray(image.permute(1, 2, 0).clamp_min(0).numpy().astype(np.float32))


def _develop(
    image: Linear, settings: dict[str, float], local: Sequence[LocalAdjustment] = ()
) -> Linear:
    with torch.no_grad():
        return _to_numpy(render(_to_tensor(image), settings, local=local))


def region_exposed(image: Linear, mask: NDArray[np.float32], ev: float) -> Linear:
    """``image`` (H, W, 3) with only the region of the soft ``mask`` (H, W, 0..1) exposed by
    ``ev`` EV, as the develop model renders ``LocalExposure2012``: the harness's local damage."""
    adjustment = LocalAdjustment(torch.from_numpy(mask)[None, None], {"LocalExposure2012": ev})
    return _develop(image, {}, [adjustment])


def _moderate(rng: np.random.Generator) -> dict[str, float]:
    settings = {}
    for name, amp in AMPLITUDES.items():
        value = rng.uniform(-1, 1) * amp * rng.normal(0.7, 0.3)
        settings[name] = float(np.clip(value, -amp * 1.5, amp * 1.5))
    kelvin = rng.uniform(4000, 10000)
    # The cast of light at `kelvin` is the opposite of the correction that removes it.
    correction, _ = shift_to_incremental(kelvin, d65_cct_duv()[1])
    settings["IncrementalTemperature"] = float(np.clip(-correction, -100, 100))
    settings["IncrementalTint"] = float(rng.normal(0, 8))
    return settings


#: Degradation category → its code in the seed of its random stream.
_STREAMS = {"global": 0, "sky": 1, "subject": 2}


def _stream(seed: int, photo: str, kind: str) -> np.random.Generator:
    """The random stream of one photo's ``kind`` cases.

    Keyed by the seed, the photo's name and the category, so a case never depends on
    another category's draws (nor on whether a detector found a region), on which
    other photos are in the set, or on their order.
    """
    return np.random.default_rng(
        np.random.SeedSequence([seed, crc32(photo.encode()), _STREAMS[kind]]))


def _photos(root: Path) -> list[Path]:
    keep = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in keep)


def build_test_set(
    photos: Sequence[Path] | Path,
    *,
    long_side: int = 768,
    per_photo: int = 3,
    local: bool = True,
    seed: int = 0,
) -> list[Case]:
    """Degraded cases of every photo (see the module docstring).

    Each photo's global cases and each of its local cases draw from their own stream
    (`_stream`): the same ``seed`` gives the same case of a photo whatever the other
    photos, ``per_photo`` (its first cases) or the detectors' verdicts elsewhere.
    """
    paths = _photos(photos) if isinstance(photos, Path) else list(photos)
    cases: list[Case] = []
    for path in paths:
        source = decode_photo(path, long_side=long_side)
        original = source.linear
        rng = _stream(seed, path.stem, "global")
        for k in range(per_photo):
            settings = _moderate(rng)
            degraded = _develop(original, settings)
            cases.append(Case(f"{path.stem}#{k}", "global", original, degraded, settings,
                              replace(source, linear=degraded)))
        if not local:
            continue
        for kind, found in (("sky", detect_sky(original)), ("subject", detect_subject(original))):
            if found is None:
                continue
            rng = _stream(seed, path.stem, kind)
            ev = float(rng.uniform(0.8, 1.5) * rng.choice([-1.0, 1.0]))
            degraded = region_exposed(original, found.mask, ev)
            cases.append(Case(f"{path.stem}#{kind}", kind, original, degraded,
                              {"LocalExposure2012": ev}, replace(source, linear=degraded)))
    return cases


def identity(case: Case) -> Restored:
    """Baseline: no edit."""
    return case.degraded, None


def auto_levels_grey_world(case: Case) -> Restored:
    """Baseline: grey-world white balance in linear light, then a 0.5–99.5 % levels stretch."""
    lin = case.degraded.astype(np.float64)
    means = lin.reshape(-1, 3).mean(axis=0)
    balanced = lin * (means.mean() / np.maximum(means, 1e-6))
    enc = linear_to_srgb(np.clip(balanced, 0, 1))
    lo, hi = np.percentile(enc, [0.5, 99.5])
    stretched = np.clip((enc - lo) / max(hi - lo, 1e-3), 0, 1)
    # back to linear so every restorer returns the same kind of image
    linear = np.where(stretched <= 0.04045, stretched / 12.92,
                      ((stretched + 0.055) / 1.055) ** 2.4).astype(np.float32)
    return linear, None


def restore_with_predictor(
    name: str = "analytic", *, masks: bool = False, **options: object
) -> Restorer:
    """A restorer that renders the predictor's settings (and local edits with ``masks``)."""
    predictor = get_predictor(name, **options)

    def restore(case: Case) -> Restored:
        prediction = predictor.predict(case.photo)
        local: list[LocalAdjustment] = []
        if masks:
            edit = propose_local_adjustments(case.photo, prediction, predictor)
            prediction, local = edit.prediction, local_adjustments_from_pb(edit.masks)
        return _develop(case.degraded, prediction.settings, local), prediction.settings

    return restore


def score_case(case: Case, restored: Linear, predicted: dict[str, float] | None = None) -> Score:
    """Score ``restored`` against ``case.original`` in sRGB."""
    ref = np.clip(linear_to_srgb(np.clip(case.original, 0, 1)), 0, 1)
    out = np.clip(linear_to_srgb(np.clip(restored, 0, 1)), 0, 1)
    exposure_error = None
    if predicted is not None and case.kind == "global":
        exposure_error = abs(predicted.get("Exposure2012", 0.0) + case.degradation["Exposure2012"])
    return Score(case.name, case.kind, psnr(ref, out), ssim(ref, out), delta_e_2000(ref, out),
                 exposure_error)


def summarise(scores: Sequence[Score]) -> dict[str, dict[str, float]]:
    """Per kind (and ``"all"``): mean PSNR, SSIM, ΔE2000; median exposure error."""
    table: dict[str, dict[str, float]] = {}
    for kind in ["all", *sorted({s.kind for s in scores})]:
        sel = [s for s in scores if kind in ("all", s.kind)]
        finite = [min(s.psnr, 60.0) for s in sel]
        row = {
            "cases": float(len(sel)),
            "psnr": float(np.mean(finite)),
            "ssim": float(np.mean([s.ssim for s in sel])),
            "delta_e": float(np.mean([s.delta_e for s in sel])),
        }
        errors = [s.exposure_error for s in sel if s.exposure_error is not None]
        if errors:
            row["exposure_error_median"] = float(np.median(errors))
        table[kind] = row
    return table


def evaluate(cases: Sequence[Case], restorer: Restorer) -> tuple[list[Score], list[Linear]]:
    """Run ``restorer`` on every case; returns the scores and the restored images."""
    scores, images = [], []
    for case in cases:
        image, predicted = restorer(case)
        scores.append(score_case(case, image, predicted))
        images.append(image)
    return scores, images

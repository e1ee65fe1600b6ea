"""Simulated photographers: known style functions to evaluate style learning.

A *scene* is a shared photo, randomly cropped (60–100 % of each side) and degraded by the
develop model (exposure ±1.2 EV, light 4000–10000 K, tint ±10, contrast and saturation
±30), so scenes range from dark to bright, cold to warm, flat to punchy and dull to
colourful, and one photo yields several distinct scenes.

A `Photographer` looks at a scene as a person would and sets sliders from that plus their
taste, plus Gaussian noise (their hand is not perfectly steady).  The *looks* are
deliberately not the style model's features nor the analytic predictor's measurements:
arithmetic mean luminance (the model sees log-luminance percentiles), grey-world
temperature cast and the tint of the least colourful third of the pixels (the model
sees grey-world and shades-of-grey log-ratios, the analytic predictor shades-of-grey on
neutral pixels), the 75th percentile of HSV
saturation of non-dark pixels (the model sees the mean chroma), the fraction of sRGB luma
below 0.2 / above 0.85 (the model sees an 8-bin histogram) and the 10–90 % range of
sRGB luma (the model sees its standard deviation and percentiles 5/25/50/75/95).

`evaluate` learns a profile from ``n`` scenes and scores leave-one-out predictions
against the "apply my average settings" baseline; examples made from the same source
photo as the held-out one are left out too, so nothing is learned from a near-copy.
`evaluate_head` does the same for profiles of ≥ 200 examples, which fine-tune a FilterNet
head (`engine.style.finetune`): leave-one-out would retrain it hundreds of times, so a
fifth of the source photos is held out instead and every scene made from them is scored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from engine.color.transfer import linear_to_srgb
from engine.color.white_balance import rgb_to_xy, shift_to_incremental, xy_to_cct_duv
from engine.decode import decode_photo
from engine.decode.types import DecodedPhoto
from engine.predictors.base import Predictor
from engine.style.finetune import (
    TARGET_RANGES,
    Backbone,
    fit_profile_head,
    merge,
    split_held_out,
)
from engine.style.profile import TARGET_NAMES, StyleExample, StyleProfile, make_example
from engine.style.targets import targets_from_settings
from xmp.vocabulary import global_slider

__all__ = [
    "PHOTOGRAPHERS",
    "Photographer",
    "Scene",
    "evaluate",
    "evaluate_head",
    "looks_of",
    "make_scenes",
    "target_key",
]


@dataclass
class Scene:
    """A degraded photo and the looks a photographer reacts to.

    Attributes:
        name: unique scene name; ``source`` is the stem of the photo it was made from.
        photo: the unedited (degraded) photo, rendered (not raw).
        looks: see `looks_of`.
    """

    name: str
    source: str
    photo: DecodedPhoto
    looks: dict[str, float]


Style = Callable[[dict[str, float]], dict[str, float]]


@dataclass(frozen=True)
class Photographer:
    """A known style function of the looks, and the noise of its hand (std per slider)."""

    name: str
    description: str
    style: Style
    noise: dict[str, float]

    def edit(self, scene: Scene, rng: np.random.Generator) -> dict[str, float]:
        """Their settings for ``scene``: style + noise, within each slider's range."""
        clean = self.style(scene.looks)
        return {k: global_slider(k).clamp(v + float(rng.normal(0, self.noise.get(k, 3.0))))
                for k, v in clean.items()}


def _bright_warm(lk: dict[str, float]) -> dict[str, float]:
    return {"Exposure2012": 0.8 * lk["key_ev"] + 0.4,
            "IncrementalTemperature": 0.8 * lk["cast"] + 15,
            "Vibrance": 60 - 120 * lk["saturation"],
            "Highlights2012": -10 - 250 * lk["bright"]}


def _moody(lk: dict[str, float]) -> dict[str, float]:
    return {"Exposure2012": 0.8 * lk["key_ev"] - 0.3,
            "IncrementalTemperature": 0.8 * lk["cast"] - 10,
            "Blacks2012": -20 - 100 * lk["dark"],
            "Contrast2012": 60 - 80 * lk["spread"]}


def _punchy(lk: dict[str, float]) -> dict[str, float]:
    return {"Exposure2012": 0.8 * lk["key_ev"] + 0.1,
            "IncrementalTemperature": 0.8 * lk["cast"],
            "Vibrance": 80 - 160 * lk["saturation"],
            "Shadows2012": 10 + 120 * lk["dark"],
            "Clarity2012": 45 - 60 * lk["spread"]}


def _airy(lk: dict[str, float]) -> dict[str, float]:
    return {"Exposure2012": 0.9 * lk["key_ev"] + 0.7,
            "IncrementalTemperature": 0.6 * lk["cast"] - 5,
            "IncrementalTint": 0.5 * lk["tint_cast"] + 5,
            "Contrast2012": -10 - 40 * lk["spread"],
            "Saturation": -40 * lk["saturation"]}


_NOISE = {"Exposure2012": 0.1, "IncrementalTemperature": 3.0, "IncrementalTint": 2.0}
#: The simulated photographers (several tastes, each with a steady-but-human hand).
PHOTOGRAPHERS: tuple[Photographer, ...] = (
    Photographer("bright-warm", "+0.4 EV over a mid-grey key, warmer than neutral, "
                 "vibrance for dull scenes, highlights pulled in bright ones",
                 _bright_warm, _NOISE),
    Photographer("moody", "−0.3 EV, cooler, crushed blacks (more in dark scenes), "
                 "contrast for flat scenes", _moody, _NOISE),
    Photographer("punchy", "+0.1 EV, neutral, high vibrance, opened shadows, clarity for "
                 "flat scenes", _punchy, _NOISE),
    Photographer("airy", "+0.7 EV, cool-magenta, low contrast, muted colour", _airy, _NOISE),
)

_LUMA = np.array([0.2126, 0.7152, 0.0722])


def looks_of(linear: np.ndarray) -> dict[str, float]:
    """How a photo looks to a person, from its linear RGB (H, W, 3).

    Returns:
        ``key_ev``: EV bringing the mean linear luminance to 0.18 (−3..3);
        ``cast``: the ``IncrementalTemperature`` that neutralises the grey-world mean
        (−60..60); ``tint_cast``: the ``IncrementalTint`` that neutralises the mean of
        the least colourful third of the pixels (−40..40);
        ``saturation``: 75th percentile of HSV saturation of pixels with sRGB luma > 0.1
        (0..1); ``dark`` / ``bright``: fraction of sRGB luma < 0.2 / > 0.85;
        ``spread``: 90th minus 10th percentile of sRGB luma (0..1).
    """
    rgb = np.clip(np.asarray(linear, dtype=np.float64), 0, None)
    flat = rgb.reshape(-1, 3)
    mean_rgb = flat.mean(0)
    y = float(mean_rgb @ _LUMA)
    inc_temp = shift_to_incremental(*xy_to_cct_duv(rgb_to_xy(mean_rgb)))[0]
    # A green or magenta cast is judged on what should be grey: the least colourful
    # third of the visible pixels (a red door is not a magenta cast).
    visible = flat[flat @ _LUMA > 0.02]
    visible = visible if len(visible) >= 16 else flat
    peak = np.maximum(visible.max(1), 1e-6)
    greyish = visible[(peak - visible.min(1)) / peak <= np.percentile(
        (peak - visible.min(1)) / peak, 33)]
    inc_tint = shift_to_incremental(*xy_to_cct_duv(rgb_to_xy(greyish.mean(0) + 1e-9)))[1]
    srgb = linear_to_srgb(np.clip(rgb, 0, 1)).astype(np.float64)
    luma = srgb @ _LUMA
    hi, lo = srgb.max(-1), srgb.min(-1)
    sat = ((hi - lo) / np.maximum(hi, 1e-3))[luma > 0.1]
    p10, p90 = np.percentile(luma, (10, 90))
    return {"key_ev": float(np.clip(np.log2(0.18 / max(y, 1e-4)), -3, 3)),
            "cast": float(np.clip(inc_temp, -60, 60)),
            "tint_cast": float(np.clip(inc_tint, -40, 40)),
            "saturation": float(np.percentile(sat, 75)) if sat.size else 0.0,
            "dark": float((luma < 0.2).mean()), "bright": float((luma > 0.85).mean()),
            "spread": float(p90 - p10)}


def make_scenes(
    paths: Sequence[Path], per_photo: int, long_side: int = 256, seed: int = 0
) -> list[Scene]:
    """``per_photo`` cropped, degraded scenes from each photo (see the module docstring).

    Photos the decoder refuses are skipped.  The scenes are rendered files (their white
    balance is the incremental kind) that keep the source's camera and EXIF.
    """
    from engine.develop import render
    from engine.errors import PhotoError
    from engine.training.degrade import sample_moderate

    g = torch.Generator().manual_seed(seed)
    scenes = []
    for path in paths:
        try:
            photo = decode_photo(path, long_side=long_side)
        except PhotoError:
            continue
        full = torch.from_numpy(np.ascontiguousarray(photo.linear)).permute(2, 0, 1).clamp(0, 1)
        h, w = full.shape[1:]
        for i in range(per_photo):
            u = torch.rand(7, generator=g).tolist()
            ch, cw = max(16, int(h * (0.6 + 0.4 * u[0]))), max(16, int(w * (0.6 + 0.4 * u[1])))
            top, left = int((h - ch) * u[2]), int((w - cw) * u[3])
            x = full[:, top:top + ch, left:left + cw]
            settings = {
                "Exposure2012": 2.4 * u[4] - 1.2,
                "IncrementalTemperature": float(sample_moderate(1, g)["IncrementalTemperature"][0]),
                "IncrementalTint": 20 * u[5] - 10,
                "Contrast2012": 60 * u[6] - 30,
                "Saturation": float(60 * torch.rand((), generator=g) - 30),
            }
            with torch.no_grad():
                y = render(x, settings).clamp(0, 1)
            linear = y.permute(1, 2, 0).numpy().astype(np.float32)
            info = dataclasses.replace(
                photo.info, width=linear.shape[1], height=linear.shape[0], is_raw=False,
                format="PNG", as_shot_temperature=None, as_shot_tint=None)
            scenes.append(Scene(name=f"{path.stem}-{i}", source=path.stem,
                                photo=DecodedPhoto(linear=linear, info=info),
                                looks=looks_of(linear)))
    return scenes


def target_key(slider: str) -> str:
    """The style target a rendered photo's slider is learned as."""
    return {"IncrementalTemperature": "rendered.temperature_shift",
            "IncrementalTint": "rendered.tint_shift"}.get(slider, slider)


def _choose(scenes: Sequence[Scene], n: int, rng: np.random.Generator) -> list[int]:
    """``n`` scene indices, one per source photo first (a user edits varied photos)."""
    order = [int(i) for i in rng.permutation(len(scenes))]
    first, seen = [], set()
    for i in order:
        if scenes[i].source not in seen:
            seen.add(scenes[i].source)
            first.append(i)
    taken = set(first)
    return (first + [i for i in order if i not in taken])[:n]


def evaluate(
    scenes: Sequence[Scene],
    photographer: Photographer,
    n: int,
    base: Predictor,
    *,
    seed: int = 0,
    repeats: int = 1,
    examples: Sequence[StyleExample] | None = None,
) -> dict[str, dict[str, float]]:
    """Leave-one-out MAE per edited slider, style model vs "average settings" baseline.

    Args:
        scenes: candidate scenes; ``n`` are drawn per repeat (distinct sources first).
        photographer: whose edits are simulated.
        n: profile size (≥ 2).
        base: the analytic predictor the style blends with.
        seed: seeds the draws and the photographer's noise.
        repeats: independent draws of ``n`` scenes; errors are pooled over them.
        examples: pre-measured `StyleExample` per scene (only features, camera and
            analytic values are used), to avoid re-measuring across photographers.

    Returns:
        ``{slider: {"model": MAE, "baseline": MAE, "oracle": MAE, "count": predictions}}``
        in slider units, for every slider the photographer sets; ``oracle`` knows the
        style function exactly and errs only by the photographer's noise (the floor).
    """
    if n > len(scenes):
        raise ValueError(f"{n} examples asked for, only {len(scenes)} scenes")
    errors: dict[str, dict[str, list[float]]] = {}
    for r in range(repeats):
        rng = np.random.default_rng([seed, r])
        chosen = _choose(scenes, n, rng)
        profile = StyleProfile()
        sliders: list[str] = []
        for i in chosen:
            scene = scenes[i]
            settings = photographer.edit(scene, rng)
            sliders = sorted(settings)
            ex = examples[i] if examples is not None else make_example(
                scene.name, scene.photo, settings, base)
            profile.examples.append(StyleExample(
                ex.name, ex.features, ex.camera, ex.is_raw,
                targets_from_settings(settings, scene.photo.info), ex.analytic))
        for j, i in enumerate(chosen):
            out = [k for k, c in enumerate(chosen) if scenes[c].source == scenes[i].source]
            if len(out) > n - 3:
                continue  # too few examples left to fit
            ex = profile.examples[j]
            values, _ = profile.model(exclude=out).predict(
                np.asarray(ex.features, dtype=np.float64),
                np.array([ex.analytic.get(t, 0.0) for t in TARGET_NAMES]), ex.camera)
            clean = photographer.style(scenes[i].looks)
            for s in sliders:
                key = target_key(s)
                truth = ex.targets[key]
                others = [profile.examples[k].targets[key] for k in range(n) if k not in out]
                e = errors.setdefault(s, {"model": [], "baseline": [], "oracle": []})
                e["model"].append(abs(values[key] - truth))
                e["baseline"].append(abs(float(np.mean(others)) - truth))
                e["oracle"].append(abs(global_slider(s).clamp(clean[s]) - truth))
    return {s: {**{k: float(np.mean(v)) for k, v in e.items()}, "count": float(len(e["model"]))}
            for s, e in errors.items()}


def evaluate_head(
    scenes: Sequence[Scene],
    photographer: Photographer,
    n: int,
    backbone: Backbone,
    features: torch.Tensor,
    examples: Sequence[StyleExample],
    *,
    seed: int = 0,
    repeats: int = 1,
) -> dict[str, dict[str, float]]:
    """Held-out MAE per slider of a ≥ 200-example profile: with its head, few-shot only,
    the head alone, "average settings", and the oracle.

    Each repeat holds out a fifth of the source photos; the profile is learned from ``n``
    scenes of the others (distinct photos first) and fine-tunes its head with its own
    held-out split made of whole source photos (`engine.style.finetune.fit_profile_head`).

    Args:
        scenes: candidate scenes; ``features``: their (N, C, h, w) backbone features;
            ``examples``: their pre-measured `StyleExample` (features, analytic values).
        photographer, n, seed, repeats: as in `evaluate`.
        backbone: the frozen backbone ``features`` came from.

    Returns:
        ``{slider: {"model", "few_shot", "head", "baseline", "oracle": MAE, "kept": share of
        repeats whose head answered for the slider, "count": predictions}}``.

    Raises:
        ValueError: fewer than ``n`` scenes outside the held-out photos.
    """
    errors: dict[str, dict[str, list[float]]] = {}
    for r in range(repeats):
        rng = np.random.default_rng([seed, r, 1])
        pool, test = (ix.tolist() for ix in split_held_out(
            len(scenes), [s.source for s in scenes], rng))  # whole source photos held out
        if n > len(pool):
            raise ValueError(f"{n} examples asked for, {len(pool)} scenes outside the held-out "
                             "photos (raise --per-photo)")
        chosen = [pool[i] for i in _choose([scenes[i] for i in pool], n, rng)]
        edits = {i: photographer.edit(scenes[i], rng) for i in (*chosen, *test)}
        profile = StyleProfile()
        for i in chosen:
            ex = examples[i]
            profile.examples.append(StyleExample(
                ex.name, ex.features, ex.camera, ex.is_raw,
                targets_from_settings(edits[i], scenes[i].photo.info), ex.analytic))
        report = fit_profile_head(profile, features[chosen], backbone,
                                  groups=[scenes[i].source for i in chosen], seed=seed + r)
        model = profile.model()
        head_all = report.head.predict(features[test], list(TARGET_NAMES))
        mean = {t: float(np.mean([e.targets[t] for e in profile.examples if t in e.targets]))
                for t in TARGET_NAMES if any(t in e.targets for e in profile.examples)}
        for j, i in enumerate(test):
            ex = examples[i]
            few, _ = model.predict(np.asarray(ex.features, dtype=np.float64),
                                   np.array([ex.analytic.get(t, 0.0) for t in TARGET_NAMES]),
                                   ex.camera)
            uses = set(report.head.config.uses)
            final = merge(few, {t: v for t, v in head_all[j].items() if t in uses}, model)
            clean = photographer.style(scenes[i].looks)
            for s, value in edits[i].items():
                key = target_key(s)
                lo, hi = TARGET_RANGES[key]
                e = errors.setdefault(s, {k: [] for k in
                                          ("model", "few_shot", "head", "baseline", "oracle",
                                           "kept")})
                e["model"].append(abs(final[key] - value))
                e["few_shot"].append(abs(few[key] - value))
                e["head"].append(abs(float(np.clip(head_all[j][key], lo, hi)) - value))
                e["baseline"].append(abs(mean[key] - value))
                e["oracle"].append(abs(global_slider(s).clamp(clean[s]) - value))
                e["kept"].append(float(key in uses))
    return {s: {**{k: float(np.mean(v)) for k, v in e.items()}, "count": float(len(e["model"]))}
            for s, e in errors.items()}

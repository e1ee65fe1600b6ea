"""Measure the technical critic on degraded copies of the shared photos.

    .venv/bin/python benchmarks/critic_eval.py [--size 512] [--limit N] [--critic technical]
        [--only NAMES] [--exclude NAMES] [--check] [--harness] [--examples] [--stars]

For every photo and every degradation (darken 1.5 EV, brighten 1 EV, warm and cool casts
of about ±35 mired, the quality harness's extreme lights of 4000 K and 10000 K, contrast
and saturation ∓40 — the harness's amplitudes —, Gaussian blur σ = 2 px, added noise
σ = 8 levels, rotation by 4°) it reports:

- **detected**: the critic raises an issue of the degraded attribute (severity ≥ minor);
  **on original**: how often it raises that issue on the undamaged photo;
- **ranked**: the original scores higher than the degraded copy; the mean drop of the
  attribute's sub-score and of the overall score;
- **direction**: the critic's suggestion for that attribute points the right way
  (Exposure2012 > 0 after darkening, IncrementalTemperature < 0 after warming,
  Contrast2012 > 0 after flattening, Saturation + Vibrance > 0 after muting, Texture > 0
  after blurring, a straighten angle within ±1.5° of −4° after rotating, …);
- **improved**: applying the critic's suggestions for that attribute with the develop
  model (`engine.develop.render`; rotations with scipy) brings the photo closer to the
  original: PSNR / mean ΔE2000 before → after, and the share of photos improved.

``--harness`` instead scores the quality harness's own set (`benchmarks.quality`: three
global draws per photo with every slider degraded at once, and its local cases — only the
sky or only the subject darkened or brightened by 0.8–1.5 EV —, ``--seed``, default 0):
the share of (original, degraded) pairs whose original scores higher, overall, global and
local, and by how visible the damage is (mean ΔE2000 between the two, in quartiles); then
each pair the original does not win, with the sub-scores that moved and the degradation.
``--examples`` prints each original's critique; ``--stars`` how many photos get each star
rating, as published and after `STAR_DEGRADATIONS`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from atelier.settings import settings_from_adjustments  # noqa: E402
from atelier.v1 import engine_pb2 as pb  # noqa: E402
from engine.color.transfer import linear_to_srgb, srgb_to_linear  # noqa: E402
from engine.color.white_balance import d65_cct_duv, shift_to_incremental  # noqa: E402
from engine.decode import DecodedPhoto, decode_photo  # noqa: E402

__all__ = [
    "DEGRADATIONS",
    "STAR_DEGRADATIONS",
    "Degradation",
    "apply_suggestions",
    "degrade",
    "displayed",
    "examples",
    "main",
    "merged",
    "photo_paths",
    "rotate_crop",
    "stars",
]

PHOTOS = REPO.parent / "shared" / "data" / "photos"
Linear = NDArray[np.float32]
ROTATION = 4.0  # degrees, counter-clockwise as displayed
CROP = 0.8  # share of each side kept around a rotation (no empty corners up to ~8°)
#: Channel gains of the warm and cool casts: lights of about 5300 K and 8300 K (+35 and
#: −33 mired from D65), inside the quality harness's 4000–10000 K.
WARM = np.array([1.15, 1.0, 0.8], dtype=np.float32)
COOL = np.array([0.85, 1.0, 1.2], dtype=np.float32)
#: The harness's contrast and saturation amplitude (benchmarks.quality.harness.AMPLITUDES).
TONE = 40.0


def _light(kelvin: float) -> float:
    """``IncrementalTemperature`` that casts a light of ``kelvin`` on a D65 photo (the
    harness's white-balance degradation)."""
    return -shift_to_incremental(kelvin, d65_cct_duv()[1])[0]


def _developed(settings: dict[str, float]) -> Callable[[Linear, int], tuple[Linear, Linear]]:
    """A degradation rendered with the develop model."""
    return lambda x, s: (x, apply_suggestions(x, settings))


def _chroma(st: dict[str, float]) -> float:
    return st.get("Saturation", 0.0) + st.get("Vibrance", 0.0)


def rotate_crop(rgb: Linear, degrees: float, keep: float = CROP) -> Linear:
    """Rotate linear pixels ``degrees`` counter-clockwise (as displayed), keep the centre."""
    h, w = rgb.shape[:2]
    out = rgb if degrees == 0 else ndimage.rotate(
        rgb, degrees, axes=(1, 0), reshape=False, order=1, mode="nearest")
    ch, cw = int(h * keep), int(w * keep)
    top, left = (h - ch) // 2, (w - cw) // 2
    return np.ascontiguousarray(out[top : top + ch, left : left + cw], dtype=np.float32)


def _noise(rgb: Linear, seed: int) -> Linear:
    enc = linear_to_srgb(np.clip(rgb, 0, 1))
    enc = enc + np.random.default_rng(seed).normal(0, 0.03, rgb.shape).astype(np.float32)
    return srgb_to_linear(np.clip(enc, 0, 1))


@dataclass(frozen=True)
class Degradation:
    """A known damage: what it does, the attribute it hurts, the right answer's sign.

    ``apply(rgb, seed)`` returns (reference, degraded) linear pixels; ``right(settings,
    geometry)`` says whether the critic's merged suggestion points back toward the
    reference (None: the vocabulary has no slider for it, the answer is in words).
    """

    attribute: str
    apply: Callable[[Linear, int], tuple[Linear, Linear]]
    right: Callable[[dict[str, float], float | None], bool] | None
    issue: str = ""  # the issue/suggestion attribute when more specific than the sub-score

    @property
    def named(self) -> str:
        """The issue attribute the critic must raise."""
        return self.issue or self.attribute


DEGRADATIONS: dict[str, Degradation] = {
    "darken 1.5 EV": Degradation(
        "exposure", lambda x, s: (x, x * np.float32(2**-1.5)),
        lambda st, g: st.get("Exposure2012", 0.0) > 0),
    "brighten 1 EV": Degradation(
        "exposure", lambda x, s: (x, x * np.float32(2.0)),
        lambda st, g: st.get("Exposure2012", 0.0) < 0 or st.get("Highlights2012", 0.0) < 0),
    "warm cast": Degradation(
        "colour", lambda x, s: (x, x * WARM),
        lambda st, g: st.get("IncrementalTemperature", 0.0) < 0),
    "cool cast": Degradation(
        "colour", lambda x, s: (x, x * COOL),
        lambda st, g: st.get("IncrementalTemperature", 0.0) > 0),
    "warm 4000 K light": Degradation(
        "colour", _developed({"IncrementalTemperature": _light(4000.0)}),
        lambda st, g: st.get("IncrementalTemperature", 0.0) < 0),
    "cool 10000 K light": Degradation(
        "colour", _developed({"IncrementalTemperature": _light(10000.0)}),
        lambda st, g: st.get("IncrementalTemperature", 0.0) > 0),
    "flatten Contrast −40": Degradation(
        "exposure", _developed({"Contrast2012": -TONE}),
        lambda st, g: st.get("Contrast2012", 0.0) > 0, "contrast"),
    "harsh Contrast +40": Degradation(
        "exposure", _developed({"Contrast2012": TONE}),
        lambda st, g: st.get("Contrast2012", 0.0) < 0, "contrast"),
    "mute Saturation −40": Degradation(
        "colour", _developed({"Saturation": -TONE}), lambda st, g: _chroma(st) > 0,
        "saturation"),
    "boost Saturation +40": Degradation(
        "colour", _developed({"Saturation": TONE}), lambda st, g: _chroma(st) < 0,
        "saturation"),
    "blur σ 2 px": Degradation(
        "sharpness", lambda x, s: (x, ndimage.gaussian_filter(x, (2.0, 2.0, 0))),
        lambda st, g: st.get("Texture", 0.0) > 0),
    "noise σ 8 levels": Degradation(  # no develop slider denoises: the answer is words
        "noise", lambda x, s: (x, _noise(x, s)), None),
    "rotate 4°": Degradation(
        "composition", lambda x, s: (rotate_crop(x, 0.0), rotate_crop(x, ROTATION)),
        lambda st, g: g is not None and abs(g + ROTATION) <= 1.5, "horizon"),
}


def degrade(kind: str, photo: DecodedPhoto, seed: int = 0) -> tuple[DecodedPhoto, DecodedPhoto]:
    """(reference, degraded) copies of ``photo`` for a `DEGRADATIONS` key."""
    reference, degraded = DEGRADATIONS[kind].apply(photo.linear, seed)
    return (replace(photo, linear=np.asarray(reference, np.float32)),
            replace(photo, linear=np.asarray(degraded, np.float32)))


def merged(suggestions: Iterable[pb.Suggestion], attribute: str) -> tuple[dict[str, float],
                                                                          float | None]:
    """The settings and straighten angle of a critique's suggestions for ``attribute``
    (worst issue first: an earlier suggestion's value wins)."""
    settings: dict[str, float] = {}
    angle: float | None = None
    for s in suggestions:
        if s.attribute != attribute:
            continue
        for k, v in settings_from_adjustments(s.adjustments).items():
            settings.setdefault(k, v)
        if s.HasField("geometry") and s.geometry.straighten_angle and angle is None:
            angle = s.geometry.straighten_angle
    return settings, angle


def apply_suggestions(
    rgb: Linear, settings: dict[str, float], angle: float | None = None
) -> Linear:
    """Develop ``rgb`` with ``settings`` (engine.develop.render), then straighten."""
    out = rgb
    if settings:
        import torch

        from engine.develop import render

        x = torch.from_numpy(np.ascontiguousarray(rgb.transpose(2, 0, 1)))
        with torch.no_grad():
            out = render(x, settings).numpy().transpose(1, 2, 0)
    if angle:
        out = ndimage.rotate(out, angle, axes=(1, 0), reshape=False, order=1, mode="nearest")
    return np.asarray(out, dtype=np.float32)


def _centre(rgb: Linear, keep: float = 0.8) -> Linear:
    return rotate_crop(rgb, 0.0, keep)


def displayed(rgb: Linear) -> NDArray[np.float32]:
    """Linear pixels as displayed: clipped to 0..1 and sRGB-encoded."""
    return np.clip(linear_to_srgb(np.clip(rgb, 0, 1)), 0, 1)


@dataclass
class Tally:
    """Per-degradation counts and sums."""

    n: int = 0
    detected: int = 0
    on_original: int = 0
    ranked: int = 0
    direction: int = 0
    relative: int = 0  # rotation: straighten within ±1.5° of −(4° + the original's own tilt)
    level: int = 0  # rotation: originals measured level (|tilt| < 1°, confidence ≥ 0.3)
    level_right: int = 0  # … of which the straighten angle is within ±1.5° of −4°
    tracked: int = 0  # rotation: measured tilt changes by 4° ± 1.5° (suggestion or not)
    improved: int = 0
    sub_drop: list[float] = field(default_factory=list)
    drop: list[float] = field(default_factory=list)
    psnr: list[tuple[float, float]] = field(default_factory=list)
    de: list[tuple[float, float]] = field(default_factory=list)


def photo_paths(root: Path = PHOTOS) -> list[Path]:
    """The shared corpus' rendered photos (Kodak set and the photos folder), sorted."""
    return sorted(p for p in root.rglob("*")
                  if p.suffix.lower() in {".png", ".jpg", ".tif"} and "raw" not in p.parts)


def _has_issue(c: pb.Critique, attribute: str) -> bool:
    return any(i.attribute == attribute and i.severity >= 1 for i in c.issues)


def examples(paths: list[Path], size: int, name: str) -> None:
    """Print each photo's critique (score, reasoning, issues, suggestions) as markdown."""
    from engine.critic import get_critic

    critic = get_critic(name)
    for path in paths:
        c = critic.critique(decode_photo(path, long_side=size))
        subs = ", ".join(f"{k} {v:.0f}" for k, v in sorted(c.sub_scores.items()))
        print(f"### {path.name} — {c.score:.0f}/100\n\n*{subs}*\n")
        print("\n\n".join(f"> {p}" for p in c.reasoning.split("\n\n")) + "\n")
        for issue in c.issues:
            print(f"- **{pb.Severity.Name(issue.severity)[9:].lower()}** "
                  f"{issue.attribute}: {issue.description}")
        for s in c.suggestions:
            print(f"- *suggests* {s.text}")
        print()


#: The degradations `stars` counts ratings after (docs/critic.md's star table).
STAR_DEGRADATIONS = ("darken 1.5 EV", "brighten 1 EV", "blur σ 2 px", "noise σ 8 levels",
                     "warm 4000 K light")


def stars(paths: list[Path], size: int, name: str) -> None:
    """Print how many photos get each star rating (`xmp.critique.rating_for_score`), as
    published and after each of `STAR_DEGRADATIONS`, as a markdown table."""
    from collections import Counter

    from engine.critic import get_critic
    from xmp.critique import rating_for_score

    start = time.perf_counter()
    critic = get_critic(name)
    rows: dict[str, Counter[int]] = {k: Counter() for k in ("as published", *STAR_DEGRADATIONS)}
    for i, path in enumerate(paths):
        print(f"[{i + 1}/{len(paths)}] {path.name} ({time.perf_counter() - start:.0f} s)",
              file=sys.stderr, flush=True)
        photo = decode_photo(path, long_side=size)
        rows["as published"][rating_for_score(critic.critique(photo).score)] += 1
        for kind in STAR_DEGRADATIONS:
            damaged = degrade(kind, photo)[1]
            rows[kind][rating_for_score(critic.critique(damaged).score)] += 1
    print("| photos | ★★★★★ | ★★★★ | ★★★ | ★★ | ★ |\n|---|---|---|---|---|---|")
    for kind, count in rows.items():
        print(f"| {kind} | " + " | ".join(str(count[n]) for n in range(5, 0, -1)) + " |")


def _settings_text(settings: dict[str, float]) -> str:
    """A harness case's degradation, short: "Exposure2012 +0.34, Contrast2012 +12, …"."""
    return ", ".join(f"{k} {v:+.2f}" if abs(v) < 2 else f"{k} {v:+.0f}"
                     for k, v in settings.items())


def harness_ranking(paths: list[Path], size: int, name: str, seed: int = 0) -> None:
    """Print how often the original outscores its degraded copy on the harness's set
    (global and local cases), then every pair it does not, with the sub-scores that moved."""
    from benchmarks.quality import build_test_set
    from engine.critic import get_critic
    from engine.metrics import delta_e_2000

    start = time.perf_counter()
    critic = get_critic(name)
    cases = build_test_set(paths, long_side=size, seed=seed)
    originals: dict[str, pb.Critique] = {}
    rows: list[tuple[float, float, float]] = []  # (ΔE2000 of the damage, original, degraded)
    misses: list[str] = []
    local = np.array([case.kind != "global" for case in cases])
    for i, case in enumerate(cases):
        photo = case.name.split("#")[0]
        if photo not in originals:
            originals[photo] = critic.critique(replace(case.photo, linear=case.original))
        before, worse = originals[photo], critic.critique(case.photo)
        de = delta_e_2000(displayed(case.original), displayed(case.degraded))
        rows.append((de, before.score, worse.score))
        if before.score <= worse.score:
            # sorted: a protobuf map's order differs from run to run
            moved = ", ".join(f"{k} {worse.sub_scores[k] - v:+.1f}"
                              for k, v in sorted(before.sub_scores.items())
                              if abs(worse.sub_scores[k] - v) >= 0.05)
            misses.append(f"| {case.name} | {case.kind} | {de:.2f} | {before.score:.1f} | "
                          f"{worse.score:.1f} | {moved or '—'} | "
                          f"{_settings_text(case.degradation)} |")
        print(f"[{i + 1}/{len(cases)}] {case.name} ({time.perf_counter() - start:.0f} s)",
              file=sys.stderr)
    damage = np.array([r[0] for r in rows])
    ranked = np.array([r[1] > r[2] for r in rows])
    print(f"{len(rows)} cases of {len(originals)} photos at {size} px (seed {seed}), "
          f"critic {name}: "
          f"original ranked higher in {ranked.sum()}/{len(rows)} ({ranked.mean():.0%}) — "
          f"global {ranked[~local].sum()}/{(~local).sum()} ({ranked[~local].mean():.0%}), "
          f"local {ranked[local].sum()}/{local.sum()} ({ranked[local].mean():.0%}); "
          f"mean score drop {np.mean([r[1] - r[2] for r in rows]):+.1f}\n")
    print("| damage (mean ΔE2000 to the original) | pairs | original ranked higher |")
    print("|---|---|---|")
    edges = np.quantile(damage, [0, 0.25, 0.5, 0.75, 1])
    for lo, hi in pairwise(edges):
        sel = (damage >= lo) & (damage <= hi)
        print(f"| {lo:.1f}–{hi:.1f} | {sel.sum()} | {ranked[sel].sum()}/{sel.sum()} "
              f"({ranked[sel].mean():.0%}) |")
    if misses:
        print("\nPairs the original does not win (sub-scores: degraded minus original):\n")
        print("| case | kind | ΔE2000 | original | degraded | sub-scores that moved | "
              "degradation |\n|---|---|---|---|---|---|---|")
        print("\n".join(misses))


#: The attributes #8's bar is set on ("exposure, contrast, saturation, colour
#: temperature, blur, noise"), by the issue each degradation must raise.
ISSUE_ATTRIBUTES = ("exposure", "contrast", "saturation", "colour", "sharpness", "noise")


def _summed(tallies: dict[str, Tally], kinds: Iterable[str]) -> tuple[Tally, int]:
    """The counts of ``kinds`` added up, and how many of their pairs have a develop answer."""
    total, answered = Tally(), 0
    for kind in kinds:
        t = tallies[kind]
        for name in ("n", "detected", "on_original", "ranked", "direction", "improved"):
            setattr(total, name, getattr(total, name) + getattr(t, name))
        answered += t.n if DEGRADATIONS[kind].right is not None else 0
    return total, answered


def _by_attribute(tallies: dict[str, Tally]) -> None:
    """Print detected / direction / ranked per issue attribute and over `ISSUE_ATTRIBUTES`."""
    print("\n| issue | pairs | detected | direction (of those with a develop answer) | "
          "ranked |\n|---|---|---|---|---|")
    groups: dict[str, list[str]] = {}
    for kind in tallies:
        groups.setdefault(DEGRADATIONS[kind].named, []).append(kind)
    rows = [(name, *_summed(tallies, kinds)) for name, kinds in groups.items()]
    bar = [kind for name, kinds in groups.items() if name in ISSUE_ATTRIBUTES for kind in kinds]
    if bar:
        rows.append((f"**{', '.join(ISSUE_ATTRIBUTES)}**", *_summed(tallies, bar)))
    for name, t, answered in rows:
        way = f"{t.direction}/{answered} ({t.direction / answered:.1%})" if answered else "n/a"
        print(f"| {name} | {t.n} | {t.detected}/{t.n} ({t.detected / t.n:.1%}) | {way} | "
              f"{t.ranked}/{t.n} ({t.ranked / t.n:.1%}) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=PHOTOS)
    parser.add_argument("--size", type=int, default=512, help="long side, px (default 512)")
    parser.add_argument("--limit", type=int, default=0, help="first N photos only")
    parser.add_argument("--critic", default="technical")
    parser.add_argument("--only", default="", help="comma-separated degradation names")
    parser.add_argument("--check", action="store_true",
                        help="critique with check=True (suggestions rendered and kept only "
                        "if the score rises), as the engine does")
    parser.add_argument("--examples", action="store_true",
                        help="print each original's critique as markdown instead")
    parser.add_argument("--stars", action="store_true",
                        help="count the star ratings of the originals and damaged copies")
    parser.add_argument("--harness", action="store_true",
                        help="rank originals against the quality harness's set")
    parser.add_argument("--seed", type=int, default=0,
                        help="the harness set's seed (with --harness; default 0)")
    parser.add_argument("--exclude", default="",
                        help="comma-separated parts of file names to leave out (e.g. "
                        "_16base_,emulated_base: the scan and HDR bases)")
    args = parser.parse_args()
    excluded = [x.strip() for x in args.exclude.split(",") if x.strip()]
    paths = [p for p in photo_paths(args.photos)
             if not any(x in p.name for x in excluded)][: args.limit or None]
    if args.harness:
        harness_ranking(paths, args.size, args.critic, args.seed)
        return
    if args.examples:
        examples(paths, args.size, args.critic)
        return
    if args.stars:
        stars(paths, args.size, args.critic)
        return

    from engine.critic import get_critic
    from engine.metrics import delta_e_2000, psnr

    critic = get_critic(args.critic, check=True) if args.check else get_critic(args.critic)
    kinds = [k for k in DEGRADATIONS if not args.only or any(
        o.strip() in k for o in args.only.split(","))]
    tallies = {k: Tally() for k in kinds}
    originals: list[float] = []
    start = time.perf_counter()
    for i, path in enumerate(paths):
        photo = decode_photo(path, long_side=args.size)
        base_cache: dict[int, pb.Critique] = {}
        for j, kind in enumerate(kinds):
            d = DEGRADATIONS[kind]
            ref, bad = degrade(kind, photo, seed=1000 * i + j)
            key = ref.linear.shape[0]
            if key not in base_cache:
                base_cache[key] = critic.critique(ref)
            base = base_cache[key]
            worse = critic.critique(bad)
            t = tallies[kind]
            t.n += 1
            t.detected += _has_issue(worse, d.named)
            t.on_original += _has_issue(base, d.named)
            t.ranked += base.score > worse.score
            t.sub_drop.append(base.sub_scores[d.attribute] - worse.sub_scores[d.attribute])
            t.drop.append(base.score - worse.score)
            settings, angle = merged(worse.suggestions, d.named)
            t.direction += d.right(settings, angle) if d.right is not None else 0
            if kind.startswith("rotate"):
                from engine.critic._image import prepare
                from engine.critic.horizon import measure_horizon

                own = measure_horizon(prepare(ref.linear))
                turned = measure_horizon(prepare(bad.linear))
                t.tracked += abs(turned.tilt - own.tilt - ROTATION) <= 1.5
                t.relative += angle is not None and abs(angle + ROTATION + own.tilt) <= 1.5
                if abs(own.tilt) < 1.0 and own.confidence >= 0.3:
                    t.level += 1
                    t.level_right += d.right is not None and d.right(settings, angle)
            fixed = apply_suggestions(bad.linear, settings, angle)
            crop = 0.75 if angle else 1.0
            r, b, f = (displayed(_centre(x, crop)) for x in (ref.linear, bad.linear, fixed))
            before, after = (psnr(r, b), delta_e_2000(r, b)), (psnr(r, f), delta_e_2000(r, f))
            t.psnr.append((before[0], after[0]))
            t.de.append((before[1], after[1]))
            t.improved += after[1] < before[1]
        whole = base_cache.get(photo.linear.shape[0]) or critic.critique(photo)
        originals.append(whole.score)
        print(f"[{i + 1}/{len(paths)}] {path.name} ({time.perf_counter() - start:.0f} s)",
              file=sys.stderr)

    print(f"{len(paths)} photos at {args.size} px, critic {args.critic}; "
          f"original scores: median {np.median(originals):.1f}, "
          f"range {min(originals):.1f}–{max(originals):.1f}\n")
    print("| degradation | issue | detected | on original | ranked | sub-score drop | "
          "score drop | direction | PSNR dB before → after | ΔE2000 before → after | "
          "improved |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for kind, t in tallies.items():
        pb_, pa = np.median([p[0] for p in t.psnr]), np.median([p[1] for p in t.psnr])
        db, da = np.mean([p[0] for p in t.de]), np.mean([p[1] for p in t.de])
        print(f"| {kind} | {DEGRADATIONS[kind].named} | {t.detected}/{t.n} | "
              f"{t.on_original}/{t.n} | {t.ranked}/{t.n} | {np.mean(t.sub_drop):+.1f} | "
              f"{np.mean(t.drop):+.1f} | "
              f"{f'{t.direction}/{t.n}' if DEGRADATIONS[kind].right else 'n/a'} | "
              f"{pb_:.1f} → {pa:.1f} | "
              f"{db:.2f} → {da:.2f} | {t.improved}/{t.n} |")
    for kind, t in tallies.items():
        if kind.startswith("rotate"):
            print(f"\n{kind}: measured tilt changes by 4° ± 1.5° in {t.tracked}/{t.n} photos; "
                  f"straighten angle within ±1.5° of −(4° + the original's own "
                  f"measured tilt) in {t.relative}/{t.n} photos; on the {t.level} photos "
                  f"whose original measures level (|tilt| < 1°, confidence ≥ 0.3), within "
                  f"±1.5° of −4° in {t.level_right}/{t.level}")
    _by_attribute(tallies)
    total, answered = _summed(tallies, tallies)
    n = max(total.n, 1)
    answered = max(answered, 1)
    print(f"\nAll pairs: detected {total.detected / n:.0%}, false alarms on originals "
          f"{total.on_original / n:.0%}, original ranked higher {total.ranked / n:.0%}, "
          f"suggestion direction right {total.direction / answered:.0%} (of the "
          f"{answered} with a develop answer), suggestions improve ΔE "
          f"{total.improved / answered:.0%}  "
          f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()

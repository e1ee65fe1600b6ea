"""A picture of the technical critic at work: each photo as the critic saw it, and after
the suggestions it kept.

    .venv/bin/python benchmarks/critic_sheet.py [--size 512] [--sheet docs/img/critic_sheet.jpg]

Seven cases of the shared photos: damaged in known ways (the benchmark's own degradations,
the quality harness's local damage) and one original the critic faults.  Each is critiqued
with ``check=True`` (every develop suggestion rendered with the develop model and kept only
if the re-measured score rises); the kept develop suggestions — global sliders, the first
value of each slider winning, and masked local adjustments — are then applied together
with the develop model (`engine.critic.check.developed_with`, as the critic's own
combined check does), straightened by the suggested angle, and critiqued again.  Each strip
is "as the critic saw it | after its suggestions", captioned with the two scores and the
suggestions; the script prints the same as a table, with the undamaged photo's score and —
a measure that is not the critic's own — the mean ΔE2000 to the undamaged photo before and
after the develop suggestions (without the straightening, which moves every pixel).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy import ndimage

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from atelier.v1 import engine_pb2 as pb  # noqa: E402
from benchmarks.critic_eval import (  # noqa: E402
    PHOTOS,
    WARM,
    Linear,
    apply_suggestions,
    degrade,
    displayed,
)
from engine.decode import DecodedPhoto, decode_photo  # noqa: E402

__all__ = ["CASES", "apply_kept", "main", "three_ways"]


def _sky_darkened(photo: DecodedPhoto) -> Linear:
    """Only the sky 1.5 EV darker, as the quality harness's local cases do."""
    from benchmarks.quality import region_exposed
    from engine.masks import detect_sky

    sky = detect_sky(photo.linear)
    if sky is None:
        raise ValueError("no sky found to darken")
    return region_exposed(photo.linear, sky.mask, -1.5)


def three_ways(photo: DecodedPhoto) -> Linear:
    """Darkened 1.5 EV, blurred σ 2 px and warmed (docs/critic.md's worked example)."""
    dark = photo.linear * np.float32(2**-1.5)
    return np.asarray(ndimage.gaussian_filter(dark, (2, 2, 0)) * WARM, dtype=np.float32)


def _degradation(kind: str) -> Callable[[DecodedPhoto], Linear]:
    return lambda photo: degrade(kind, photo)[1].linear


#: (photo, what was done to it, the damage) per strip of the sheet.
CASES: tuple[tuple[str, str, Callable[[DecodedPhoto], Linear]], ...] = (
    ("kodak/kodim23.png", "darkened, blurred, warmed", three_ways),
    ("kodak/kodim19.png", "only the sky −1.5 EV", _sky_darkened),
    ("kodak/kodim08.png", "Contrast +40", _degradation("harsh Contrast +40")),
    ("kodak/kodim01.png", "Contrast −40", _degradation("flatten Contrast −40")),
    ("kodak/kodim05.png", "a 10000 K light", _degradation("cool 10000 K light")),
    ("kodak/kodim06.png", "Saturation −40", _degradation("mute Saturation −40")),
    ("photos/uhdr09_emulated_base_backlit_trees_flare_darkened.jpg", "as published",
     lambda photo: photo.linear),
)


def apply_kept(photo: DecodedPhoto, critique: pb.Critique, *, geometry: bool = True) -> Linear:
    """``photo`` developed with every develop suggestion of ``critique`` at once
    (`engine.critic.check.developed_with`), then straightened (with ``geometry``)."""
    from engine.critic.check import developed_with

    out = developed_with(photo, critique.suggestions).linear
    angle = next((s.geometry.straighten_angle for s in critique.suggestions
                  if s.HasField("geometry") and s.geometry.straighten_angle), None)
    return apply_suggestions(out, {}, angle) if geometry and angle else out


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;") + "…"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=PHOTOS)
    parser.add_argument("--size", type=int, default=512, help="analysis long side, px")
    parser.add_argument("--sheet", type=Path, default=REPO / "docs/img/critic_sheet.jpg")
    parser.add_argument("--tile", type=int, default=300, help="thumbnail long side, px")
    args = parser.parse_args()

    from benchmarks.quality import strip_sheet
    from engine.critic import get_critic

    critic = get_critic("technical", check=True)
    strips: list[tuple[str, tuple[Linear, Linear]]] = []
    from engine.metrics import delta_e_2000

    print("| photo | damage | score undamaged | damaged | after its suggestions | "
          "ΔE2000 to the undamaged: damaged → after | suggestions kept |")
    print("|---|---|---|---|---|---|---|")
    for name, damage, make in CASES:
        photo = decode_photo(args.photos / name, long_side=args.size)
        seen = replace(photo, linear=np.asarray(make(photo), dtype=np.float32))
        before = critic.critique(seen)
        after_linear = apply_kept(seen, before)
        after = critic.critique(replace(seen, linear=after_linear))
        kept = "; ".join(s.text.split(" (")[0] for s in before.suggestions) or "none"
        stem = Path(name).stem.split("_emulated")[0]
        undamaged = critic.critique(photo).score
        developed = apply_kept(seen, before, geometry=False)
        de = " → ".join(f"{delta_e_2000(displayed(photo.linear), displayed(x)):.2f}"
                        for x in (seen.linear, developed))
        print(f"| {stem} | {damage} | {undamaged:.0f} | {before.score:.0f} | "
              f"{after.score:.0f} | {de} | {kept} |")
        caption = (f"{stem}, {damage}: {before.score:.0f} -> {after.score:.0f}\n"
                   f"{_shorten(kept, 2 * args.tile // 6)}")
        caption = caption.replace("−", "-")  # Pillow's built-in font has no U+2212
        strips.append((caption, (seen.linear, after_linear)))
    strip_sheet(strips, args.sheet, tile=args.tile, columns=2)
    print(f"\nsheet: {args.sheet}")


if __name__ == "__main__":
    main()

"""Measure the classical Artist on degraded copies of the shared photos.

    .venv/bin/python benchmarks/artist_eval.py [--size 384] [--limit N] [--timing]
        [--sheet docs/img/artist_contact_sheet.png]

Every photo of the shared corpus (``photos/kodak`` and ``photos/photos``) is shrunk to
``--size`` px and damaged, with a fixed seed, in sRGB-encoded values:

- **noise**: Gaussian σ = 10/255; **heavy noise**: σ = 20/255;
- **blur**: Gaussian σ = 1.5 px;
- **blur + noise**: σ = 1 px, then noise σ = 5/255;
- **dark**: −2 EV in linear light, then sensor noise σ = 3/255;
- **haze**: a 35 % veil of grey (0.8 linear) airlight.

Each damaged copy is restored twice by the classical Artist (`ClassicalArtist.generate`,
with no develop change so the scores measure the restoration alone):

- **asked**: with the instruction naming the operation (strengths from the critic's
  measurements, as `engine.server.generate` does);
- **Critic**: with no instruction: the technical Critic's issues, and the measured haze,
  decide what to do (the plan may be empty — then the copy is left as it is).  An
  exposure issue the Critic already raises on the undamaged photo is left out (in use,
  the develop step fixes a photo's own exposure before the Critic looks).

Scores against the undamaged photo: PSNR (dB) and SSIM, before → after; **win** is the
share of photos where both rose.  ``--timing`` adds seconds per 12 MP photo for each
operation (a 4000 × 3000 upscale of a shared photo, noise added).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from numpy.typing import NDArray
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from atelier.v1 import engine_pb2 as pb  # noqa: E402
from engine.artist import get_artist  # noqa: E402
from engine.artist.base import Job, srgb_decode, srgb_encode  # noqa: E402
from engine.artist.classical.sharpen import gaussian_kernel  # noqa: E402
from engine.artist.haze import measure_haze  # noqa: E402
from engine.artist.plan import Plan, make_plan  # noqa: E402
from engine.critic import get_critic  # noqa: E402
from engine.critic.review import measure  # noqa: E402
from engine.decode import decode_photo  # noqa: E402
from engine.decode.types import DecodedPhoto  # noqa: E402
from engine.metrics import psnr, ssim  # noqa: E402
from engine.predictors.base import Prediction  # noqa: E402

Encoded = NDArray[np.float32]  # (H, W, 3) sRGB-encoded 0..1


def _t(a: Encoded) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32)).permute(2, 0, 1)


def _np(t: torch.Tensor) -> Encoded:
    return np.ascontiguousarray(t.permute(1, 2, 0).numpy(), dtype=np.float32)


def add_noise(a: Encoded, sigma: float, rng: np.random.Generator) -> Encoded:
    """Gaussian noise of σ (encoded units), clipped."""
    return np.clip(a + rng.normal(0, sigma, a.shape), 0, 1).astype(np.float32)


def blur(a: Encoded, sigma: float) -> Encoded:
    """Gaussian blur of σ px (replicated edges)."""
    k = gaussian_kernel(sigma)
    x = F.pad(_t(a)[:, None], (k.shape[-1] // 2,) * 4, mode="replicate")
    return _np(F.conv2d(x, k)[:, 0])


def darken(a: Encoded, ev: float) -> Encoded:
    """Exposure change in linear light, EV."""
    return _np(srgb_encode(srgb_decode(_t(a)) * 2.0**ev))


def haze(a: Encoded, veil: float, air: float = 0.8) -> Encoded:
    """I = J (1 − veil) + A veil in linear light."""
    return _np(srgb_encode(srgb_decode(_t(a)) * (1 - veil) + air * veil))


#: name → (instruction, damage(image, rng)).
DEGRADATIONS: dict[str, tuple[str, Callable[[Encoded, np.random.Generator], Encoded]]] = {
    "noise σ 10": ("reduce the noise", lambda a, r: add_noise(a, 10 / 255, r)),
    "noise σ 20": ("reduce the noise", lambda a, r: add_noise(a, 20 / 255, r)),
    "blur σ 1.5": ("sharpen", lambda a, r: blur(a, 1.5)),
    "blur 1 + noise 5": ("sharpen and reduce the noise",
                         lambda a, r: add_noise(blur(a, 1.0), 5 / 255, r)),
    "dark −2 EV": ("brighten the shadows", lambda a, r: add_noise(darken(a, -2.0), 3 / 255, r)),
    "haze 35 %": ("remove the haze", lambda a, r: haze(a, 0.35)),
}


@dataclass
class Row:
    """Scores of one degradation × mode over all photos."""

    degradation: str
    mode: str
    psnr_before: list[float] = field(default_factory=list)
    psnr_after: list[float] = field(default_factory=list)
    ssim_before: list[float] = field(default_factory=list)
    ssim_after: list[float] = field(default_factory=list)
    plans: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def add(self, ref: Encoded, bad: Encoded, good: Encoded, plan: str) -> None:
        self.psnr_before.append(psnr(ref, bad))
        self.psnr_after.append(psnr(ref, good))
        self.ssim_before.append(ssim(ref, bad))
        self.ssim_after.append(ssim(ref, good))
        self.plans[plan or "(nothing)"] += 1

    @property
    def win(self) -> float:
        wins = [pa > pb and sa > sb for pa, pb, sa, sb in zip(
            self.psnr_after, self.psnr_before, self.ssim_after, self.ssim_before, strict=True)]
        return float(np.mean(wins))

    def record(self) -> dict[str, object]:
        return {
            "degradation": self.degradation, "mode": self.mode, "n": len(self.psnr_before),
            "psnr_before": float(np.mean(self.psnr_before)),
            "psnr_after": float(np.mean(self.psnr_after)),
            "ssim_before": float(np.mean(self.ssim_before)),
            "ssim_after": float(np.mean(self.ssim_after)),
            "win": self.win, "plans": dict(self.plans), "seconds": self.seconds,
        }


def _photos(root: Path) -> list[Path]:
    keep = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
    return sorted(p for sub in ("kodak", "photos") for p in (root / sub).glob("*")
                  if p.suffix.lower() in keep)


def _as_photo(template: DecodedPhoto, encoded: Encoded) -> DecodedPhoto:
    from dataclasses import replace

    return replace(template, linear=_np(srgb_decode(_t(encoded))), raw=None)


def _critique(photo: DecodedPhoto) -> pb.Critique:
    return get_critic().critique(photo, Prediction(backend="none"))


def _plan(photo: DecodedPhoto, instruction: str, original: pb.Critique | None = None) -> Plan:
    """The plan `engine.server.generate` would make (no develop change).

    With no instruction, an exposure issue the Critic also raises on the undamaged
    ``original`` is left out: in use the develop step has fixed the photo's own exposure
    before the Critic looks (here there is no develop step, so scores measure the
    restoration alone).
    """
    measurements = measure(photo.linear)
    haze_m = measure_haze(photo.linear)
    critique = None
    if not instruction:
        critique = _critique(photo)
        own = {i.attribute for i in (original.issues if original else [])} & {"exposure"}
        fresh = [i for i in critique.issues if i.attribute not in own]
        del critique.issues[:]
        critique.issues.extend(fresh)
    return make_plan(instruction, critique, measurements, haze_m)


def evaluate(photos: list[Path], size: int, seed: int,
             keep: Callable[[str, str, Encoded, Encoded, Encoded], None] | None = None,
             ) -> list[Row]:
    """Every photo × degradation × mode; rows in `DEGRADATIONS` order."""
    artist = get_artist("classical")
    rows = {(d, m): Row(d, m) for d in DEGRADATIONS for m in ("asked", "Critic")}
    rng = np.random.default_rng(seed)
    for i, path in enumerate(photos, 1):
        source = decode_photo(path, long_side=size)
        ref = _np(srgb_encode(torch.from_numpy(source.linear).permute(2, 0, 1)))
        original = _critique(source)
        for name, (instruction, damage) in DEGRADATIONS.items():
            bad = damage(ref, rng)
            bad = (np.round(bad * 255) / 255).astype(np.float32)  # as a saved 8-bit file
            photo = _as_photo(source, bad)
            for mode, words in (("asked", instruction), ("Critic", "")):
                start = time.perf_counter()
                plan = _plan(photo, words, original)
                if plan.operations:
                    out = artist.generate(Job(photo=photo, settings={}, plan=plan))
                    good = _np(srgb_encode(out.linear))
                else:
                    good = bad
                rows[name, mode].seconds += time.perf_counter() - start
                rows[name, mode].add(ref, bad, good, "+".join(plan.names))
                if keep is not None and mode == "asked":
                    keep(path.stem, name, ref, bad, good)
        print(f"  {i}/{len(photos)} {path.name}", file=sys.stderr, flush=True)
    return list(rows.values())


def timing(path: Path, reps: int = 1) -> dict[str, float]:
    """Seconds per 12 MP (4000 × 3000) photo for each operation (develop included, with
    no settings), and for the develop step with three settings alone."""
    from engine.artist.plan import Operation

    source = decode_photo(path, long_side=1024)
    small = torch.from_numpy(source.linear).permute(2, 0, 1)[None]
    big = F.interpolate(small, size=(3000, 4000), mode="bilinear")[0]
    enc = add_noise(_np(srgb_encode(big)), 8 / 255, np.random.default_rng(0))
    artist = get_artist("classical")
    out = {}
    for op in ("denoise", "sharpen", "lowlight", "dehaze"):
        # low light is timed on a −2 EV copy (a normal one is left as it is)
        photo = _as_photo(source, darken(enc, -2.0) if op == "lowlight" else enc)
        plan = Plan((Operation(op, 0.5, "timing"),), op, "instruction")
        best = float("inf")
        for _ in range(reps):
            start = time.perf_counter()
            artist.generate(Job(photo=photo, settings={}, plan=plan))
            best = min(best, time.perf_counter() - start)
        out[op] = best
        print(f"  {op}: {best:.1f} s", file=sys.stderr, flush=True)
    start = time.perf_counter()
    from engine.artist.base import develop

    develop(photo, {"Exposure2012": 0.5, "Contrast2012": 20.0, "Shadows2012": 30.0})
    out["develop (3 settings), included above"] = time.perf_counter() - start
    return out


def table(rows: list[Row]) -> str:
    lines = [
        "| damage | mode | plan (photos) | PSNR before → after (dB) | SSIM before → after "
        "| win | s/photo |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        rec = r.record()
        plans = ", ".join(f"{k} ({v})" for k, v in r.plans.most_common())
        lines.append(
            f"| {r.degradation} | {r.mode} | {plans} | {rec['psnr_before']:.2f} → "
            f"{rec['psnr_after']:.2f} | {rec['ssim_before']:.3f} → {rec['ssim_after']:.3f} "
            f"| {100 * r.win:.0f} % | {r.seconds / max(1, len(r.psnr_before)):.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=Path, default=REPO.parent / "shared/data/photos")
    parser.add_argument("--size", type=int, default=384, help="long side, px")
    parser.add_argument("--limit", type=int, default=0, help="first N photos only")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timing", action="store_true", help="seconds per 12 MP photo")
    parser.add_argument("--reps", type=int, default=1, help="timing: best of N runs")
    parser.add_argument("--no-quality", action="store_true", help="timing only")
    parser.add_argument("--sheet", type=Path, help="write a contact sheet PNG here")
    parser.add_argument("--json", type=Path, help="write the rows as JSON here")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads for the quality part (the machine is shared)")
    args = parser.parse_args(argv)
    default_threads = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    photos = _photos(args.photos)[: args.limit or None]
    crops: list[list[Encoded]] = []

    def keep(stem: str, name: str, ref: Encoded, bad: Encoded, good: Encoded) -> None:
        if args.sheet is not None and stem == photos[0].stem:
            h, w = ref.shape[:2]
            y, x = h // 2 - 64, w // 2 - 64  # a 128 px centre crop, shown at 100 %
            crops.append([im[y:y + 128, x:x + 128] for im in (ref, bad, good)])

    rows: list[Row] = []
    if not args.no_quality:
        print(f"{len(photos)} photos at {args.size} px, {len(DEGRADATIONS)} damages",
              file=sys.stderr)
        start = time.perf_counter()
        rows = evaluate(photos, args.size, args.seed, keep)
        print(table(rows))
        print(f"\n{len(photos)} photos, {time.perf_counter() - start:.0f} s in all")
    if args.sheet is not None and crops:
        sheet = np.concatenate([np.concatenate(r, axis=1) for r in crops], axis=0)
        args.sheet.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray((np.clip(sheet, 0, 1) * 255 + 0.5).astype(np.uint8)).save(args.sheet)
        print(f"contact sheet (original | damaged | restored): {args.sheet}")
    if args.json is not None:
        args.json.write_text(json.dumps([r.record() for r in rows], indent=1))
    if args.timing:
        torch.set_num_threads(default_threads)  # the timing is of the whole CPU
        times = timing(photos[0], args.reps)
        print("\n| operation | s per 12 MP photo |\n|---|---|")
        for op, s in times.items():
            print(f"| {op} | {s:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

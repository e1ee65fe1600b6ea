"""Personal style with simulated photographers: leave-one-out MAE vs "your average settings".

    .venv/bin/python benchmarks/style_eval.py [--sizes 5 20 100] [--per-photo 4]
        [--markdown docs/style.md] [--no-cache]
    .venv/bin/python benchmarks/style_eval.py --sizes 240 --per-photo 12 --repeats 3 \
        --markdown docs/style.md          # ≥ 200 examples: the fine-tuned FilterNet head

Scenes: every shared photo (Kodak, the others and the raw DNGs) cropped and degraded
``--per-photo`` times (`engine.style.simulate.make_scenes`).  For each simulated
photographer and profile size n, n scenes are drawn (distinct photos first), edited by
the photographer with noise, and each is predicted by a profile learned from the others
(minus scenes of the same photo).  Errors are pooled over ``--repeats`` draws.  The
baseline predicts the average of the other examples' settings.

Sizes from `engine.style.finetune.HEAD_MIN_EXAMPLES` on fine-tune a FilterNet head, so
they are scored on held-out photos instead (`engine.style.simulate.evaluate_head`: a
fifth of the source photos never seen), in a second table: the profile as used (head
where it won, few-shot elsewhere), the few-shot model alone, the head alone, the
average settings; ``--per-photo`` must give enough scenes outside the held-out photos.

Decoded scenes and their features are cached under ``~/.cache/atelier/style-eval``.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine.predictors import get_predictor  # noqa: E402
from engine.style.finetune import HEAD_MIN_EXAMPLES, Backbone  # noqa: E402
from engine.style.profile import StyleExample, make_example  # noqa: E402
from engine.style.simulate import (  # noqa: E402
    PHOTOGRAPHERS,
    Scene,
    evaluate,
    evaluate_head,
    make_scenes,
)

PHOTOS = REPO.parent / "shared" / "data" / "photos"
CACHE = Path.home() / ".cache" / "atelier" / "style-eval"
_EXTENSIONS = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".dng"}
_START = "<!-- style-eval:begin -->"
_END = "<!-- style-eval:end -->"
_HEAD_START = "<!-- style-head-eval:begin -->"
_HEAD_END = "<!-- style-head-eval:end -->"


def _photos(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in _EXTENSIONS
                  and "exiftool_stubs" not in p.parts and "licenses" not in p.parts)


def _scenes(paths: list[Path], per_photo: int, size: int, use_cache: bool
            ) -> tuple[list[Scene], list[StyleExample]]:
    """Scenes and their measured examples (features + analytic), cached on disk."""
    key = hashlib.sha256(repr((
        [(str(p), p.stat().st_mtime_ns) for p in paths], per_photo, size,
        (REPO / "engine" / "style" / "simulate.py").read_bytes(),
        (REPO / "engine" / "style" / "features.py").read_bytes(),
        (REPO / "engine" / "predictors" / "analytic.py").read_bytes(),
    )).encode()).hexdigest()[:16]
    cache = CACHE / f"scenes-{key}.pickle"
    if use_cache and cache.is_file():
        with cache.open("rb") as f:
            data: tuple[list[Scene], list[StyleExample]] = pickle.load(f)
        return data
    scenes = make_scenes(paths, per_photo, long_side=size)
    base = get_predictor("analytic")
    examples = [make_example(s.name, s.photo, {}, base) for s in scenes]
    if use_cache:
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        with tmp.open("wb") as f:
            pickle.dump((scenes, examples), f)
        tmp.replace(cache)
    return scenes, examples


Row = tuple[str, int, str, float, float, float]


def _markdown(rows: list[Row], command: str, seconds: float, n_scenes: int,
              n_photos: int) -> str:
    lines = [
        _START,
        f"Measured with `{command}` ({n_scenes} scenes from {n_photos} photos; "
        f"{seconds / 60:.1f} min wall clock, {time.process_time() / 60:.1f} min of CPU).",
        "",
        "| photographer | examples | slider | style MAE | average-settings MAE | ratio "
        "| noise floor (ratio) |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for who, n, slider, model, baseline, oracle in rows:
        digits = 2 if slider == "Exposure2012" else 1
        ratio = model / baseline if baseline > 0 else float("nan")
        lines.append(f"| {who} | {n} | {slider} | {model:.{digits}f} | {baseline:.{digits}f} "
                     f"| **{ratio:.2f}** | {oracle:.{digits}f} ({oracle / baseline:.2f}) |")
    lines.append(_END)
    return "\n".join(lines)


HeadRow = tuple[str, int, str, dict[str, float]]


def _head_markdown(rows: list[HeadRow], command: str, seconds: float, n_scenes: int,
                   n_photos: int) -> str:
    lines = [
        _HEAD_START,
        f"Measured with `{command}` ({n_scenes} scenes from {n_photos} photos; "
        f"{seconds / 60:.1f} min wall clock, {time.process_time() / 60:.1f} min of CPU). "
        "MAE on the scenes of held-out photos; ratio = to the average settings.",
        "",
        "| photographer | examples | slider | average-settings MAE | few-shot (ratio) "
        "| head alone (ratio) | profile as used (ratio) | head kept | noise floor (ratio) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for who, n, slider, r in rows:
        d = 2 if slider == "Exposure2012" else 1
        b = r["baseline"]
        cells = " | ".join(f"{r[k]:.{d}f} ({r[k] / b:.2f})" for k in ("few_shot", "head", "model"))
        lines.append(f"| {who} | {n} | {slider} | {b:.{d}f} | {cells} | {r['kept']:.0%} "
                     f"| {r['oracle']:.{d}f} ({r['oracle'] / b:.2f}) |")
    lines.append(_HEAD_END)
    return "\n".join(lines)


def _write(doc: Path, table: str, start: str = _START, end: str = _END) -> None:
    text = doc.read_text() if doc.is_file() else ""
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + table + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + ("\n\n" if text else "") + table + "\n"
    doc.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=PHOTOS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 20, 100])
    parser.add_argument("--per-photo", type=int, default=4, help="scenes per photo")
    parser.add_argument("--size", type=int, default=256, help="thumbnail long side, px")
    parser.add_argument("--repeats", type=int, nargs="+", default=[100, 20, 3],
                        help="draws per profile size (pooled), one per --sizes entry")
    parser.add_argument("--markdown", type=Path, help="write the table into this file")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--seed", type=int, default=0,
                        help="seeds the draws, the held-out photos and the head's training")
    args = parser.parse_args()
    padded = args.repeats + [args.repeats[-1]] * (len(args.sizes) - len(args.repeats))
    repeats = dict(zip(args.sizes, padded[:len(args.sizes)], strict=True))

    start = time.perf_counter()
    paths = _photos(args.photos)
    scenes, examples = _scenes(paths, args.per_photo, args.size, not args.no_cache)
    print(f"{len(scenes)} scenes from {len(paths)} photos "
          f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    base = get_predictor("analytic")
    rows: list[Row] = []
    head_rows: list[HeadRow] = []
    worst: dict[int, float] = {}
    head_sizes = [n for n in args.sizes if n >= HEAD_MIN_EXAMPLES]
    if head_sizes:
        backbone = Backbone()
        features = backbone.features([s.photo.linear for s in scenes])
    for who in PHOTOGRAPHERS:
        for n in head_sizes:
            t = time.perf_counter()
            result = evaluate_head(scenes, who, n, backbone, features, examples,
                                   seed=args.seed, repeats=repeats[n])
            for slider, r in sorted(result.items()):
                head_rows.append((who.name, n, slider, r))
                b = r["baseline"]
                print(f"{who.name:12s} n={n:3d} {slider:24s} average {b:7.3f}  few-shot "
                      f"{r['few_shot'] / b:.2f}  head {r['head'] / b:.2f}  as used "
                      f"{r['model'] / b:.2f}  (head kept {r['kept']:.0%}, floor "
                      f"{r['oracle'] / b:.2f})", flush=True)
            print(f"  ({time.perf_counter() - t:.0f} s)", file=sys.stderr, flush=True)
        for n in (n for n in args.sizes if n < HEAD_MIN_EXAMPLES):
            t = time.perf_counter()
            result = evaluate(scenes, who, n, base, seed=args.seed, repeats=repeats[n],
                              examples=examples)
            for slider, r in sorted(result.items()):
                rows.append((who.name, n, slider, r["model"], r["baseline"], r["oracle"]))
                worst[n] = max(worst.get(n, 0.0), r["model"] / max(r["baseline"], 1e-9))
                print(f"{who.name:12s} n={n:3d} {slider:24s} style {r['model']:7.3f}  "
                      f"average {r['baseline']:7.3f}  ratio {r['model'] / r['baseline']:.2f}  "
                      f"(floor {r['oracle'] / r['baseline']:.2f})",
                      flush=True)
            print(f"  ({time.perf_counter() - t:.0f} s)", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - start
    if worst:
        print("worst ratio per profile size: "
              + ", ".join(f"{n}: {w:.2f}" for n, w in sorted(worst.items())))
    print(f"{seconds:.0f} s")
    if args.markdown:
        command = ("python benchmarks/style_eval.py " + " ".join(sys.argv[1:])).strip()
        if rows:
            _write(args.markdown, _markdown(rows, command, seconds, len(scenes), len(paths)))
        if head_rows:
            _write(args.markdown, _head_markdown(head_rows, command, seconds, len(scenes),
                                                 len(paths)), _HEAD_START, _HEAD_END)
    return 0


if __name__ == "__main__":
    sys.exit(main())

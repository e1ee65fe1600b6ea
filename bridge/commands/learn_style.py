"""``atelier learn-style PATH... --out PROFILE``: learn how you edit from your edited photos."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["register", "run"]

#: How style targets are shown: white balance in Lightroom's names (raw: the shift from
#: the camera's as-shot white, in IncrementalTemperature-like units).
_LABELS = {"rendered.temperature_shift": "IncrementalTemperature",
           "rendered.tint_shift": "IncrementalTint",
           "raw.temperature_shift": "Temperature (raw, shift)",
           "raw.tint_shift": "Tint (raw, shift)"}

_EPILOG = """\
examples:
  atelier learn-style ~/Pictures/edited --out ~/.atelier/my-style
  atelier enhance ~/Pictures/new --style ~/.atelier/my-style

Photos edited in Lightroom or Camera Raw: raw files with their <name>.xmp sidecar, or
JPEG/TIFF/PNG/DNG with the settings saved into the file (Lightroom: Metadata › Save
Metadata to File).  Their slider values are what is learned; the pixels are read
unedited.  At least 5 edited photos; 20 or more give a much closer match.
exit status: 0 profile written, 1 too few usable photos or a read error, 2 bad usage."""


def register(sub: Any) -> None:
    """Add ``learn-style`` to the CLI's subparsers."""
    parser = sub.add_parser(
        "learn-style", help="learn your editing style from photos you have edited",
        description="Learn a personal style profile from photos already edited in Lightroom "
        "or Camera Raw; `atelier enhance --style PROFILE` then edits like you.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="edited photos or folders (searched recursively)")
    parser.add_argument("--out", required=True, type=Path, metavar="PROFILE",
                        help="profile directory to write (created)")
    parser.add_argument("--predictor", default="analytic",
                        help="base predictor the style is learned relative to "
                             "(default %(default)s)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document on stdout (see docs/json.md)")
    parser.set_defaults(func=run)


def _progress(record: Any, done: int, total: int) -> None:
    what = record.status if record.status == "ok" else f"{record.status}: {record.reason}"
    print(f"atelier: {done}/{total} {record.path.name}: {what}", file=sys.stderr, flush=True)


def _lightroom_number(name: str, value: float) -> float | int:
    """A value rounded as Lightroom stores it (exposure 2 dp, the rest integers)."""
    from xmp.vocabulary import format_xmp_value

    text = format_xmp_value(name, value)
    return float(text) if "." in text else int(text)


def _photo(record: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"path": str(record.path), "status": record.status}
    if record.status == "ok":
        out["settings"] = {k: _lightroom_number(k, v) for k, v in sorted(record.settings.items())}
        out["xmp"] = {"mode": record.source}
    elif record.status == "skipped":
        out["reason"] = record.reason
    else:
        out["error"] = record.reason
    return out


def run(args: argparse.Namespace) -> int:
    """Learn and save the profile; 0 written, 1 too few photos or unreadable input."""
    from bridge.output import write_json
    from engine import __version__
    from engine.style.learn import NotEnoughExamples, learn_profile

    document: dict[str, Any] = {"atelier": __version__, "command": "learn-style"}
    try:
        profile, records = learn_profile(args.paths, predictor=args.predictor,
                                         progress=_progress)
    except NotEnoughExamples as exc:
        print(f"atelier learn-style: {exc}", file=sys.stderr)
        if args.json:
            write_json({**document, "error": str(exc), "summary": _summary(exc.records),
                        "photos": [_photo(r) for r in exc.records]})
        return 1
    except (FileNotFoundError, ValueError) as exc:
        print(f"atelier learn-style: {exc}", file=sys.stderr)
        return 1
    path = profile.save(args.out)
    quality = profile.quality()
    kept = profile.head.config.uses if profile.head is not None else []
    if args.json:
        head: dict[str, Any] = {"held_out": [
            {"target": t, **{k if k == "gain_z" else f"{k}_mae": round(v, 3)
                             for k, v in m.items()}}
            for t, m in profile.head_held_out.items()]}
        if kept:
            head["kept_for"] = kept
        write_json({
            **document, "profile": str(path.parent), "base": profile.base,
            "summary": _summary(records), "photos": [_photo(r) for r in records],
            "quality": [{"target": q.target, "examples": q.examples,
                         "style_mae": round(q.style_mae, 3),
                         "average_mae": round(q.average_mae, 3)} for q in quality],
            **({"head": head} if profile.head_held_out else {}),
        })
    else:
        summary = _summary(records)
        print(f"learned a style from {summary['learned']} edited photos → {path.parent}"
              + (f" ({summary['skipped']} skipped, {summary['failed']} unreadable)"
                 if summary["skipped"] or summary["failed"] else ""))
        if quality:
            print("leave-one-out error per slider (style vs your average settings):")
            for q in quality:
                print(f"  {_LABELS.get(q.target, q.target):26s} {q.style_mae:7.2f}  "
                      f"vs {q.average_mae:7.2f}")
        if profile.head_held_out:
            print("FilterNet head fine-tuned; held-out error per slider (head vs few-shot), "
                  f"{'kept for ' + ', '.join(kept) if kept else 'not kept: it won no slider'}:")
            for t, m in profile.head_held_out.items():
                print(f"  {_LABELS.get(t, t):26s} {m['head']:7.2f}  vs {m['few_shot']:7.2f}")
    return 0


def _summary(records: list[Any]) -> dict[str, int]:
    return {"total": len(records),
            "learned": sum(r.status == "ok" for r in records),
            "skipped": sum(r.status == "skipped" for r in records),
            "failed": sum(r.status == "failed" for r in records)}

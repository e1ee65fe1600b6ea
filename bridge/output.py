"""What the user sees: progress on stderr, the summary table, the ``--json`` document."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from atelier.settings import local_settings_from_adjustments, settings_from_adjustments
from atelier.v1 import engine_pb2 as pb
from xmp.critique import rating_for_score
from xmp.vocabulary import RAW_WB, RENDERED_WB, format_xmp_value

__all__ = [
    "Progress",
    "critique_record",
    "lightroom_settings",
    "mask_records",
    "print_critiques",
    "print_summary",
    "suggestion_line",
    "write_json",
]


def lightroom_settings(adjustments: pb.AdjustmentSet) -> dict[str, float | str]:
    """Settings rounded exactly as Lightroom stores them, plus ``WhiteBalance``."""
    out: dict[str, float | str] = {}
    for name, value in settings_from_adjustments(adjustments).items():
        text = format_xmp_value(name, value)
        out[name] = float(text) if "." in text else int(text)
    if any(k in out for k in (*RAW_WB, *RENDERED_WB)):
        out["WhiteBalance"] = "Custom"
    return out


def mask_records(
    masks: Sequence[pb.MaskedAdjustment], *, orientation: int = 1,
) -> list[dict[str, Any]]:
    """Local adjustments for ``--json``: name, kind of the form Lightroom is given (the
    first form when none qualifies), Local* settings, reason, and ``lightroom``: the
    correction exactly as the XMP stores it (`xmp.lightroom_table.correction_table`,
    ``orientation`` EXIF 1..8), left out when Lightroom cannot be given the mask."""
    from xmp.lightroom_masks import MaskWriteError, writable_form
    from xmp.lightroom_table import correction_table
    from xmp.vocabulary import SliderRangeError

    records = []
    for index, m in enumerate(masks):
        record: dict[str, Any] = {"name": m.name}
        try:
            form: pb.MaskForm | None = writable_form(m)
            lightroom: dict[str, Any] | None = correction_table(m, index,
                                                                 orientation=orientation)
        except (MaskWriteError, SliderRangeError):
            form, lightroom = (m.forms[0] if m.forms else None), None
        first = form.components[0] if form is not None and form.components else None
        if first is not None:
            kind = first.WhichOneof("kind") or ""
            record["kind"] = kind
            if kind == "semantic":
                label = pb.SemanticClass.Name(first.semantic.semantic_class)
                record["semantic_class"] = label.removeprefix("SEMANTIC_CLASS_").lower()
        local = local_settings_from_adjustments(m.adjustments)
        settings = {k: round(v, 2) for k, v in local.items()}
        if settings:
            record["settings"] = settings
        if m.reason:
            record["reason"] = m.reason
        if lightroom is not None:
            record["lightroom"] = lightroom
        records.append(record)
    return records


def critique_record(critique: pb.Critique, *, orientation: int = 1) -> dict[str, Any]:
    """A critique for ``--json``: score, its star rating (`rating_for_score`, whether or
    not ``--write-rating`` writes it), a one-paragraph summary, the full reasoning,
    sub-scores, issues and suggestions (each suggestion's settings Lightroom-keyed; a
    masked one's local adjustment as `mask_records` gives it, ``orientation`` EXIF 1..8)."""
    paragraphs = [p for p in critique.reasoning.split("\n\n") if p.strip()]
    return {
        "score": round(critique.score, 1),
        "rating": rating_for_score(critique.score),
        "summary": paragraphs[-1] if paragraphs else "",
        "reasoning": critique.reasoning,
        "backend": critique.backend,
        "sub_scores": {k: round(v, 1) for k, v in critique.sub_scores.items()},
        "issues": [{"attribute": i.attribute,
                    "severity": pb.Severity.Name(i.severity).removeprefix("SEVERITY_").lower(),
                    "description": i.description} for i in critique.issues],
        "suggestions": [_suggestion_record(s, orientation) for s in critique.suggestions],
    }


def _suggestion_record(s: pb.Suggestion, orientation: int) -> dict[str, Any]:
    record: dict[str, Any] = {"text": s.text, "attribute": s.attribute,
                              "settings": lightroom_settings(s.adjustments)}
    if s.expected_gain > 0:  # measured by rendering it: score points gained
        record["expected_gain"] = round(s.expected_gain, 1)
    if s.HasField("masked"):
        record["mask"] = mask_records([s.masked], orientation=orientation)[0]
    return record


def _prune(value: Any) -> Any:
    """Drop None, empty lists and empty dicts (Lua cannot carry them)."""
    if isinstance(value, Mapping):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        return [_prune(v) for v in value if v is not None]
    return value


def write_json(document: Mapping[str, Any], stream: TextIO | None = None) -> None:
    """Print the ``--json`` document (see docs/json.md) on ``stream`` (default stdout)."""
    stream = stream or sys.stdout
    json.dump(_prune(document), stream, ensure_ascii=False, indent=1)
    stream.write("\n")


class Progress:
    """A progress line on stderr: redrawn in place on a terminal, sparse lines otherwise."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total, self.done, self.stream = total, 0, stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last_pct = -1

    def step(self, label: str, status: str) -> None:
        self.done += 1
        pct = 100 * self.done // max(self.total, 1)
        if self.tty:
            width = max(10, min(40, shutil.get_terminal_size().columns - 50))
            bar = "#" * (width * self.done // max(self.total, 1))
            self.stream.write(f"\r[{bar:<{width}}] {self.done}/{self.total} {label[:30]:<30}")
            if self.done == self.total:
                self.stream.write("\n")
        elif status != "ok" or pct // 10 != self._last_pct // 10 or self.done == self.total:
            self.stream.write(f"atelier: {self.done}/{self.total} {label}: {status}\n")
        self._last_pct = pct
        self.stream.flush()


_COLUMNS = (("Exposure2012", "Exp"), ("Contrast2012", "Con"), ("Highlights2012", "Hi"),
            ("Shadows2012", "Sh"), ("Whites2012", "Wh"), ("Blacks2012", "Bl"),
            ("Vibrance", "Vib"))


def print_summary(records: Sequence[Mapping[str, Any]], stream: TextIO | None = None) -> None:
    """A table: photo, key values, white balance, status and the main reason (on stdout)."""
    stream = stream or sys.stdout
    width = min(32, max([len(str(r["path"]).rsplit("/", 1)[-1]) for r in records] + [5]))
    head = f"{'photo':<{width}} " + " ".join(f"{c:>5}" for _, c in _COLUMNS) + "  WB         why"
    stream.write(head + "\n" + "-" * len(head) + "\n")
    for r in records:
        name = str(r["path"]).rsplit("/", 1)[-1][:width]
        if r["status"] != "ok":
            why = r.get("error") or r.get("reason")
            stream.write(f"{name:<{width}} {r['status'].upper()}: {why}\n")
            continue
        s = r.get("settings", {})
        cells = " ".join(f"{_cell(s.get(k)):>5}" for k, _ in _COLUMNS)
        if "Temperature" in s:
            wb = f"{s['Temperature']}K {s.get('Tint', 0):+d}"
        else:
            wb = f"{s.get('IncrementalTemperature', 0):+d}/{s.get('IncrementalTint', 0):+d}"
        why = str(r.get("reasons", {}).get("Exposure2012", ""))[:60]
        masks = f" +{len(r['masks'])} mask(s)" if r.get("masks") else ""
        score = f" [{r['critique']['score']:.0f}/100]" if r.get("critique") else ""
        stream.write(f"{name:<{width}} {cells}  {wb:<10} {why}{masks}{score}\n")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:+.2f}"
    return f"{int(value):+d}" if isinstance(value, (int, float)) else str(value)


def print_critiques(records: Sequence[Mapping[str, Any]], stream: TextIO | None = None) -> None:
    """Each photo's critique: score, reasoning and suggestions (a skipped photo's from the
    run that made it); failures in one line."""
    stream = stream or sys.stdout
    for r in records:
        name = str(r["path"]).rsplit("/", 1)[-1]
        critique = r.get("critique")
        if not critique:
            stream.write(f"\n== {name}: {r['status'].upper()}: "
                         f"{r.get('error') or r.get('reason') or 'no critique'}\n")
            continue
        earlier = (" (the earlier critique: the file is unchanged; --force measures again)"
                   if r["status"] == "skipped" else "")
        stream.write(f"\n== {name}: {critique['score']:.0f}/100{earlier} ==\n"
                     f"{critique['reasoning']}\n")
        for suggestion in critique.get("suggestions", []):
            line = suggestion_line(suggestion["text"], suggestion.get("expected_gain", 0.0))
            stream.write(f"  → {line}\n")


def suggestion_line(text: str, expected_gain: float) -> str:
    """A critique's suggestion as the user reads it, with the score rise measured by
    rendering it (``expected_gain``, points; 0 = not measured or no rise)."""
    return f"{text} (measured: score {expected_gain:+.1f})" if expected_gain > 0 else text

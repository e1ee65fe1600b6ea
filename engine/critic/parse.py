"""Free-text critic answers → the develop vocabulary (Lightroom PV2012 names and units).

A language-model critic answers in the form
``<think>reasoning</think><edit_start>suggestions<edit_end><answer>score</answer>``, but
models drop, misspell or never close tags, and write suggestions the way photographers
talk: "lift the shadows a little", "warm it up by about 300 K", "−0.5 EV", "Highlights
-30, Whites +10".  `parse_answer` is tolerant of all of that:

- **Sections**: tags are matched case-insensitively with optional spaces and with or
  without closing tags; without any tags the whole text is the reasoning, and lines that
  parse as edits are taken as suggestions.
- **Clauses**: suggestions are split on new lines, bullets, ";" and ", and"/", then";
  each clause names one slider (by Lightroom name or a synonym) or implies one ("EV" →
  exposure, "K" or "warm"/"cool" → temperature, "magenta"/"green" → tint).
- **Direction**: an explicit sign wins; otherwise the verb decides ("lift", "open",
  "boost", "warm" → +; "lower", "recover", "tame", "deepen", "cool" → −; "remove the blue
  cast" → warm).  "to +15" is absolute, "by 15" relative (the same for a suggestion).
- **Size**: an explicit number with its unit; else a hedge word ("a touch", "slightly" →
  small; "a lot", "strongly" → large; otherwise medium) picks a default per slider.
- **Units**: EV for exposure.  Kelvin follows Lightroom (a higher Temperature setting =
  a warmer picture): on raw "to 5600 K" sets ``Temperature``, "+300 K" adds to the as-shot
  value; on rendered files both become ``IncrementalTemperature`` units around D65
  (`MIRED_PER_UNIT`).  Everything is clamped to the slider's range.
- **Score**: "82", "8.2/10", "4/5", "82/100", "82 %" → 0..100; None if absent.

Clauses that name nothing the vocabulary has are kept in ``unparsed`` (not guessed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.color.white_balance import MIRED_PER_UNIT
from xmp.vocabulary import global_slider

__all__ = ["ParsedAnswer", "parse_answer", "parse_edits", "parse_score"]

#: Reference white for turning Kelvin shifts into incremental units on rendered files.
REFERENCE_K = 6504.0

# Synonyms → Lightroom name; longest phrases are tried first.
_SLIDERS: dict[str, str] = {
    "exposure": "Exposure2012", "brightness": "Exposure2012", "brighter": "Exposure2012",
    "darker": "Exposure2012", "brighten": "Exposure2012", "darken": "Exposure2012",
    "contrast": "Contrast2012", "highlights": "Highlights2012", "highlight": "Highlights2012",
    "shadows": "Shadows2012", "shadow": "Shadows2012", "whites": "Whites2012",
    "white point": "Whites2012", "blacks": "Blacks2012", "black point": "Blacks2012",
    "black level": "Blacks2012", "texture": "Texture", "clarity": "Clarity2012",
    "dehaze": "Dehaze", "haze": "Dehaze", "vibrance": "Vibrance", "saturation": "Saturation",
    "saturate": "Saturation", "desaturate": "Saturation",
    "white balance": "temperature", "temperature": "temperature", "temp": "temperature",
    "kelvin": "temperature", "warm": "temperature", "warmer": "temperature",
    "cool": "temperature", "cooler": "temperature", "warmth": "temperature",
    "blue": "temperature", "yellow": "temperature", "orange": "temperature",
    "amber": "temperature", "cold": "temperature",
    "tint": "tint", "magenta": "tint", "green": "tint",
}
_LR_NAMES = {s: s for s in ("Exposure2012", "Contrast2012", "Highlights2012", "Shadows2012",
                            "Whites2012", "Blacks2012", "Clarity2012", "Texture", "Dehaze",
                            "Vibrance", "Saturation", "Temperature", "Tint",
                            "IncrementalTemperature", "IncrementalTint")}
_UP = ("lift", "raise", "increase", "boost", "brighten", "open", "add", "more", "push up",
       "bump", "warm", "enhance", "strengthen", "saturate", "up")
_DOWN = ("lower", "reduce", "decrease", "darken", "pull", "recover", "tame", "deepen",
         "crush", "less", "cool", "drop", "soften", "desaturate", "cut", "bring down",
         "tone down", "down", "remove", "dial back", "minus")
_SMALL = ("a touch", "a tad", "a little", "a bit", "slightly", "slight", "subtle", "gently",
          "a hair", "barely")
_LARGE = ("a lot", "strongly", "significantly", "substantially", "considerably",
          "heavily", "much more", "dramatically", "way")
#: Default sizes (small, medium, large) in slider units.
_DEFAULT = {"Exposure2012": (0.3, 0.6, 1.0), "temperature": (5.0, 12.0, 25.0),
            "tint": (4.0, 10.0, 20.0)}
_DEFAULT_SLIDER = (10.0, 25.0, 45.0)

_NUMBER = r"[+\-−–]?\s?\d+(?:[.,]\d+)?"
_TAG = r"<\s*/?\s*{}\s*>"


@dataclass
class ParsedAnswer:
    """What a free-text critic said.

    Attributes:
        reasoning: the ``<think>`` text (or the whole answer without tags), stripped.
        edits: the suggestion clauses, in order.
        settings: Lightroom name → value in slider units, clamped to range.
        score: 0..100, or None when the answer gives none.
        unparsed: clauses naming nothing in the develop vocabulary.
    """

    reasoning: str = ""
    edits: list[str] = field(default_factory=list)
    settings: dict[str, float] = field(default_factory=dict)
    score: float | None = None
    unparsed: list[str] = field(default_factory=list)


def _section(text: str, open_tag: str, close_tags: tuple[str, ...]) -> str | None:
    start = re.search(_TAG.format(open_tag), text, re.I)
    if start is None:
        return None
    rest = text[start.end():]
    ends = [m.start() for t in close_tags if (m := re.search(_TAG.format(t), rest, re.I))]
    return rest[: min(ends)] if ends else rest


def parse_score(text: str) -> float | None:
    """A score in 0..100 from "82", "8.2/10", "4/5", "82/100", "82 %"; None if none.

    A bare number up to 10 is read on a 0..10 scale (models often answer "7").
    """
    m = re.search(rf"({_NUMBER})\s*(?:/\s*(\d+(?:\.\d+)?)|(%))?", text)
    if m is None:
        return None
    value = float(re.sub(r"\s", "", m.group(1)).replace("−", "-").replace("–", "-")
                  .replace(",", "."))
    if m.group(2):
        scale = float(m.group(2))
        value = 100.0 * value / scale if scale > 0 else value
    elif not m.group(3) and value <= 10.0:
        value *= 10.0
    return round(float(min(100.0, max(0.0, value))), 1)


def _find_slider(clause: str) -> tuple[str | None, int]:
    """(Lightroom name or "temperature"/"tint", position) of the slider a clause names."""
    best: tuple[int, int, str] | None = None  # (position, −length, name)
    for phrase, name in list(_SLIDERS.items()) + list(_LR_NAMES.items()):
        m = re.search(rf"\b{re.escape(phrase.lower())}\w*", clause)
        if m and (best is None or (m.start(), -len(phrase)) < best[:2]):
            best = (m.start(), -len(phrase), name)
    if best is None:
        if re.search(rf"{_NUMBER}\s*(?:ev|stops?)\b", clause):
            return "Exposure2012", 0
        if re.search(rf"{_NUMBER}\s*k\b", clause):
            return "temperature", 0
        return None, -1
    return best[2], best[0]


def _direction(clause: str, name: str) -> int:
    """+1, −1 from the verbs and cast words of a clause (0 when it gives none)."""
    if name == "temperature":
        if re.search(r"(remove|neutrali[sz]e|fix|correct|reduce|kill)\w*.*?"
                     r"(blue|cool|cold|cyan)", clause):
            return 1
        if re.search(r"(remove|neutrali[sz]e|fix|correct|reduce|kill)\w*.*?"
                     r"(yellow|orange|warm|amber|red)", clause):
            return -1
        if re.search(r"\bwarm", clause):
            return 1
        if re.search(r"\bcool|\bcold", clause):
            return -1
    if name == "tint":
        if re.search(r"(remove|neutrali[sz]e|fix|correct|reduce)\w*.*?green", clause):
            return 1
        if re.search(r"(remove|neutrali[sz]e|fix|correct|reduce)\w*.*?magenta", clause):
            return -1
        if re.search(r"toward\w* (the )?green|more green|greener", clause):
            return -1
        if re.search(r"toward\w* (the )?magenta|more magenta", clause):
            return 1
    if name == "Exposure2012":
        if re.search(r"\bbright(en|er)", clause):
            return 1
        if re.search(r"\bdark(en|er)", clause):
            return -1
    if name == "Saturation" and "desaturat" in clause:
        return -1
    downs = [m.start() for w in _DOWN if (m := re.search(rf"\b{re.escape(w)}\b", clause))]
    ups = [m.start() for w in _UP if (m := re.search(rf"\b{re.escape(w)}\w*", clause))]
    if downs and (not ups or min(downs) <= min(ups)):
        return -1
    return 1 if ups else 0


def _size(clause: str, name: str) -> float:
    small, medium, large = _DEFAULT.get(name, _DEFAULT_SLIDER)
    if any(w in clause for w in _SMALL):
        return small
    if any(w in clause for w in _LARGE):
        return large
    return medium


def _clause_setting(
    clause: str, is_raw: bool, as_shot_temperature: float | None
) -> tuple[str, float] | None:
    text = clause.lower().replace("−", "-").replace("–", "-")
    # "1/3 EV", "2/3 stop" → decimals.
    text = re.sub(r"(\d+)\s*/\s*(\d+)(?=\s*(?:ev|stop))",
                  lambda m: f"{int(m.group(1)) / max(int(m.group(2)), 1):.3f}", text)
    name, _ = _find_slider(text)
    if name is None:
        return None
    # Not a number glued to a word: "Exposure2012", "PV2012" name sliders, not amounts.
    numbers = list(re.finditer(rf"(?<![a-z\d.])({_NUMBER})\s*(ev|stops?|k\b|kelvin|%|points?)?",
                               text))
    sign = _direction(text, name)
    absolute = re.search(r"\bto\s+[+\-]?\s?\d", text) is not None
    value: float
    kelvin = False
    if numbers:
        m = numbers[0]
        raw = m.group(1).replace(" ", "").replace(",", ".")
        value = float(raw)
        unit = (m.group(2) or "").strip()
        kelvin = unit.startswith("k")
        if kelvin:
            name = "temperature"
        explicit = raw[0] in "+-"
        if not explicit:
            value = abs(value) * (sign if sign else 1)
        elif sign == -1 and value > 0 and not absolute and re.search(r"\bby\b", text):
            value = -value  # "reduce by +0.3": the verb wins over a stray sign
    else:
        if sign == 0:
            return None
        value = sign * _size(text, name)
    if name in ("temperature", "Temperature", "IncrementalTemperature"):
        return _temperature(value, kelvin or name == "Temperature", absolute, is_raw,
                            as_shot_temperature)
    if name in ("tint", "Tint", "IncrementalTint"):
        tint = "Tint" if is_raw else "IncrementalTint"
        return tint, global_slider(tint).clamp(value)
    return name, global_slider(name).clamp(value)


def _temperature(
    value: float, kelvin: bool, absolute: bool, is_raw: bool, as_shot: float | None
) -> tuple[str, float]:
    """A temperature clause → raw ``Temperature`` (K) or ``IncrementalTemperature``.

    ``value`` is an absolute Kelvin setting (> 1000 K with "to"/no sign), a Kelvin shift
    (+ = warmer picture = a higher Lightroom Temperature), or slider units.
    """
    base = as_shot or REFERENCE_K
    kelvin = kelvin or abs(value) > 100  # no slider unit goes past 100: this is Kelvin
    if kelvin and (absolute or value > 1000):
        target = value
    elif kelvin:
        target = base + value
    else:  # slider units: one unit moves the neutral by MIRED_PER_UNIT mired
        target = 1e6 / max(1e6 / base - value * MIRED_PER_UNIT, 20.0)
    if is_raw:
        return "Temperature", global_slider("Temperature").clamp(target)
    units = (1e6 / REFERENCE_K - 1e6 / max(target, 1000.0)) / MIRED_PER_UNIT
    return "IncrementalTemperature", global_slider("IncrementalTemperature").clamp(units)


def _clauses(text: str) -> list[str]:
    text = re.sub(r"\n[ \t]*(?=[a-z])", " ", text)  # a sentence wrapped onto the next line
    verbs = (r"(?:lift|raise|lower|reduce|increase|decrease|boost|add|warm|cool|open|pull|"
             r"recover|deepen|darken|brighten|bring|push|drop|tame|remove|give|set|apply|crop|"
             r"straighten|rotate|level|sharpen|denoise|clone|retouch)\b")
    parts = re.split(rf"\n|;|•|(?:^|\s)[-*]\s|\b\d+[.)]\s|,\s*(?:and|then)\s|\band then\b|"
                     rf",\s*(?=[A-Za-z]+\s*[+\-−]?\d)|\.\s+(?=[A-Z])|,\s*(?={verbs})|"
                     rf"\s(?:and|&|plus)\s+(?={verbs})|"
                     rf"\s(?:and|&|plus)\s+(?=[A-Za-z]+\s*[+\-−]?\d)", text, flags=re.I)
    return [p.strip(" .,:") for p in parts if p and p.strip(" .,:")]


def parse_edits(
    text: str, *, is_raw: bool = False, as_shot_temperature: float | None = None
) -> tuple[dict[str, float], list[str], list[str]]:
    """Suggestion text → (settings, clauses, unparsed clauses).

    Args:
        text: the edit section (or any free text).
        is_raw: raw photos get ``Temperature``/``Tint``, rendered ones the incremental pair.
        as_shot_temperature: raw only, K; relative Kelvin shifts are added to it.
    """
    settings: dict[str, float] = {}
    clauses = _clauses(text)
    unparsed = []
    for clause in clauses:
        found = _clause_setting(clause, is_raw, as_shot_temperature)
        if found is None:
            unparsed.append(clause)
            continue
        name, value = found
        slider = global_slider(name)
        value = round(value, slider.decimals) if slider.decimals else float(round(value))
        settings[name] = value
    return settings, clauses, unparsed


def parse_answer(
    text: str, *, is_raw: bool = False, as_shot_temperature: float | None = None
) -> ParsedAnswer:
    """Parse a whole critic answer (tags optional; see the module docstring)."""
    text = text or ""
    think = _section(text, "think", ("think", "edit_start", "answer"))
    edit = _section(text, "edit_start", ("edit_end", "answer", "think"))
    answer = _section(text, "answer", ("answer",))
    out = ParsedAnswer()
    if think is None and edit is None and answer is None:
        # No tags at all: lines that parse as edits are edits, the rest is reasoning.
        lines = [line for line in text.splitlines() if line.strip()]
        edit_lines: list[str] = []
        prose: list[str] = []
        for line in lines:
            settings, _, unparsed = parse_edits(line, is_raw=is_raw,
                                                as_shot_temperature=as_shot_temperature)
            (edit_lines if settings and not unparsed else prose).append(line)
        out.reasoning = "\n".join(prose).strip()
        edit = "\n".join(edit_lines)
        score = re.search(r"score\s*[:=]?\s*(.+)", text, re.I)
        out.score = parse_score(score.group(1)) if score else None
    else:
        out.reasoning = (think or "").strip()
        out.score = parse_score(answer) if answer is not None else None
    if edit:
        out.settings, out.edits, out.unparsed = parse_edits(
            edit, is_raw=is_raw, as_shot_temperature=as_shot_temperature)
    return out

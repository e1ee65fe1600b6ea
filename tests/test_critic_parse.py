"""The free-text parser turns critic answers into the develop vocabulary.

Answers are written the way Qwen2.5-VL-class models answer the photographer's rubric:
well-formed, with tags missing or unclosed, as bullet lists, as prose, with Kelvin, EV,
fractions and hedges ("a touch", "a lot").
"""

from __future__ import annotations

import pytest

from engine.critic.parse import parse_answer, parse_edits, parse_score
from xmp.vocabulary import validate_settings

WELL_FORMED = """<think>The subject is underexposed: the face sits in shadow while the sky
behind is bright. There is a slight blue cast in the shadows. The horizon is level.</think>
<edit_start>
- Increase exposure by +0.7 EV
- Lower the highlights by 40 to keep the sky
- Lift the shadows a little
- Warm it up by about 300 K
<edit_end>
<answer>62</answer>"""

UNCLOSED = """<THINK> Flat, hazy landscape; colours muted.
< edit_start >Add contrast +20; Dehaze +15, and boost vibrance a lot
<answer> 5.5/10"""

NO_TAGS = """The image is slightly too bright and the whites clip on the shirt.
Exposure -0.3 EV
Whites -25
Score: 7"""

PROSE_EDITS = """<think>Colour is off.</think><edit_start>Remove the yellow cast, then add a
touch of magenta. Bring the blacks down to -15 and crop tighter on the subject.<edit_end>
<answer>score: 71/100</answer>"""


def test_well_formed_answer() -> None:
    a = parse_answer(WELL_FORMED)
    assert a.reasoning.startswith("The subject is underexposed")
    assert a.score == 62.0
    s = a.settings
    assert s["Exposure2012"] == 0.7
    assert s["Highlights2012"] == -40.0
    assert 0 < s["Shadows2012"] <= 15  # "a little"
    assert 0 < s["IncrementalTemperature"] < 10  # 300 K warmer ≈ +3 units at D65
    assert a.unparsed == []
    validate_settings(s, is_raw=False)


def test_unclosed_and_shouting_tags() -> None:
    a = parse_answer(UNCLOSED)
    assert a.reasoning.startswith("Flat, hazy")
    assert a.score == 55.0
    assert a.settings["Contrast2012"] == 20.0
    assert a.settings["Dehaze"] == 15.0
    assert a.settings["Vibrance"] >= 40  # "a lot"


def test_answer_without_tags_finds_edit_lines_and_score() -> None:
    a = parse_answer(NO_TAGS)
    assert a.settings == {"Exposure2012": -0.3, "Whites2012": -25.0}
    assert "whites clip" in a.reasoning
    assert a.score == 70.0


def test_prose_edits_and_unparseable_clauses_are_kept() -> None:
    a = parse_answer(PROSE_EDITS)
    assert a.settings["IncrementalTemperature"] < 0  # remove yellow = cool
    assert a.settings["IncrementalTint"] > 0  # magenta
    assert a.settings["Blacks2012"] == -15.0
    assert any("crop" in u for u in a.unparsed)
    assert a.score == 71.0


@pytest.mark.parametrize(("text", "expected"), [
    ("lift the shadows a little", {"Shadows2012": 10.0}),
    ("−0.5 EV", {"Exposure2012": -0.5}),
    ("exposure -1/3 EV", {"Exposure2012": -0.33}),
    ("Highlights -30, Whites +10", {"Highlights2012": -30.0, "Whites2012": 10.0}),
    ("recover the highlights", {"Highlights2012": -25.0}),
    ("reduce exposure by 0.3 EV and add some contrast",
     {"Exposure2012": -0.3, "Contrast2012": 25.0}),
    ("remove the blue cast", {"IncrementalTemperature": 12.0}),
    ("cool it down slightly", {"IncrementalTemperature": -5.0}),
    ("slightly desaturate", {"Saturation": -10.0}),
    ("Exposure2012: +0.45", {"Exposure2012": 0.45}),
    ("Clarity +15 and Dehaze +10", {"Clarity2012": 15.0, "Dehaze": 10.0}),
    ("1. Exposure +0.3 EV 2. Contrast +10", {"Exposure2012": 0.3, "Contrast2012": 10.0}),
    ("push exposure up 9 stops", {"Exposure2012": 5.0}),  # clamped to the slider range
    ("set temperature to 5600 K", {"IncrementalTemperature": -12.0}),  # cooler than D65
])
def test_clauses_on_rendered_files(text: str, expected: dict[str, float]) -> None:
    settings, _, unparsed = parse_edits(text)
    assert settings == expected
    assert unparsed == []


def test_raw_files_get_kelvin_relative_to_as_shot() -> None:
    warm, _, _ = parse_edits("warm it up by about 300 K", is_raw=True, as_shot_temperature=5200)
    assert warm == {"Temperature": 5500.0}
    absolute, _, _ = parse_edits("set temperature to 5600 K", is_raw=True)
    assert absolute == {"Temperature": 5600.0}
    tint, _, _ = parse_edits("add a touch of magenta", is_raw=True)
    assert set(tint) == {"Tint"} and tint["Tint"] > 0


@pytest.mark.parametrize(("text", "score"), [
    ("82", 82.0), ("8.2/10", 82.0), ("4/5", 80.0), ("82/100", 82.0), ("82 %", 82.0),
    ("7", 70.0), ("score: 140", 100.0), ("no idea", None), ("", None),
])
def test_scores(text: str, score: float | None) -> None:
    assert parse_score(text) == score


@pytest.mark.parametrize("garbage", ["", "<think>", "<answer></answer>", "<edit_start><edit_end>",
                                     "🙂🙂🙂", "<think>a</think><answer>n/a</answer>",
                                     "Exposure", "make it pop", "x" * 10000])
def test_malformed_answers_never_raise(garbage: str) -> None:
    a = parse_answer(garbage)
    validate_settings(a.settings, is_raw=False)
    assert a.score is None or 0 <= a.score <= 100

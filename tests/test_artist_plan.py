"""The Artist's registry and plan: words or the Critic's issues → operations and strengths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from atelier.v1 import engine_pb2 as pb
from engine.artist import available_artists, get_artist
from engine.artist.haze import HAZE_VISIBLE, HazeMeasurement, measure_haze
from engine.artist.plan import (
    ORDER,
    UnknownInstruction,
    make_plan,
    plan_from_critique,
    plan_from_instruction,
)
from engine.critic.review import measure
from engine.decode import decode_photo


def test_registry_lists_backends_and_defaults_to_classical(tmp_path: Path) -> None:
    assert {"classical", "diffusion"} <= set(available_artists())
    assert get_artist("").name == "classical"
    with pytest.raises(ValueError, match="available: classical, diffusion"):
        get_artist("oil-paint")
    with pytest.raises(ValueError, match="--model"):
        get_artist("diffusion")
    with pytest.raises(ValueError, match=r"no model_index\.json"):
        get_artist("diffusion", model=str(tmp_path))


@pytest.mark.parametrize(("words", "expected"), [
    ("reduce the noise", ["denoise"]),
    ("Sharpen it", ["sharpen"]),
    ("brighten the shadows", ["lowlight"]),
    ("low light", ["lowlight"]),
    ("remove haze", ["dehaze"]),
    ("sharpen and denoise, it was shot at night", ["lowlight", "denoise", "sharpen"]),
])
def test_instruction_words_name_operations_in_a_fixed_order(
    words: str, expected: list[str]
) -> None:
    plan = plan_from_instruction(words)
    assert plan.names == expected
    assert plan.source == "instruction" and plan.instruction == words
    strengths = {op.name: op.strength for op in plan.operations}
    if {"denoise", "sharpen"} <= set(strengths):  # RL amplifies what noise is left
        assert strengths.pop("denoise") == 0.9 and strengths.pop("sharpen") == 0.25
    assert all(s == 0.5 for s in strengths.values())  # no measurements: the default


def test_unknown_instruction_says_what_is_understood() -> None:
    with pytest.raises(UnknownInstruction, match=r"noise.*blur.*darkness.*haze"):
        plan_from_instruction("make it look like a Vermeer")


def _critique(*issues: tuple[str, str]) -> pb.Critique:
    c = pb.Critique()
    for attribute, text in issues:
        c.issues.add(attribute=attribute, severity=pb.SEVERITY_MAJOR, description=text)
    return c


def test_critic_issues_drive_the_plan_and_become_the_edit_text() -> None:
    critique = _critique(
        ("sharpness", "soft: edges spread over σ = 2.1 px"),
        ("colour", "a blue cast"),
        ("noise", "visible luminance noise: σ 7.0 levels"),
        ("exposure", "under-exposed by about 1.6 EV"),
    )
    plan = plan_from_critique(critique)
    assert plan.names == ["lowlight", "denoise", "sharpen"]
    assert plan.source == "critique"
    assert plan.instruction == "brighten the dark photo and remove the noise and make it sharper"
    # the critic's own words are the reasons
    assert plan.operations[1].reason == "visible luminance noise: σ 7.0 levels"
    # over-exposure needs sliders, not new pixels
    assert plan_from_critique(_critique(("exposure", "over-exposed by about 1.2 EV"))).names == []
    flat = "flat tones: only 48 % of the tonal range is used between the darkest and brightest"
    assert plan_from_critique(_critique(("exposure", flat))).names == []


def test_measured_haze_adds_dehaze_only_when_visible() -> None:
    clear = HazeMeasurement(HAZE_VISIBLE - 0.1, (0.9, 0.9, 0.9))
    hazy = HazeMeasurement(0.55, (0.9, 0.9, 0.9))
    assert plan_from_critique(_critique(), haze=clear).names == []
    plan = plan_from_critique(_critique(), haze=hazy)
    assert plan.names == ["dehaze"] and "0.55" in plan.operations[0].reason
    assert plan.operations[0].strength > 0.5  # a thick veil: harder than the default


def test_strength_override_and_no_source() -> None:
    plan = make_plan("sharpen", None, strength=0.9)
    assert [op.strength for op in plan.operations] == [0.9]
    assert make_plan("", _critique(("noise", "grainy")), strength=0).names == ["denoise"]
    with pytest.raises(ValueError, match="nothing to plan"):
        make_plan("", None)
    assert ORDER == ("lowlight", "dehaze", "denoise", "sharpen")


def test_measurements_set_the_strengths(shared_photos: Path) -> None:
    photo = decode_photo(shared_photos / "kodak" / "kodim05.png", long_side=256)
    normal = measure(photo.linear)
    dark = measure(photo.linear * 2.0**-2.5)
    lift_normal = plan_from_instruction("brighten", normal).operations[0]
    lift_dark = plan_from_instruction("brighten", dark).operations[0]
    assert lift_dark.strength > lift_normal.strength
    assert "EV" in lift_dark.reason
    # a clean photo measures clear of haze; a grey veil over it does not
    veiled = photo.linear * 0.6 + 0.4 * 0.8
    assert measure_haze(photo.linear).dark_channel < HAZE_VISIBLE
    assert measure_haze(np.asarray(veiled, np.float32)).visible

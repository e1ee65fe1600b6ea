"""The VLM critic: recorded answers through the parser and the check, and a tiny random
Qwen2.5-VL built here through the prompt, the generation call and the engine.

Nothing is downloaded: the model, its tokenizer and chat template are made in the test.
What a tiny random model cannot show — that a real Qwen2.5-VL critiques well — is left
to docs/critic.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import grpc
import pytest
import torch

from atelier.settings import settings_from_adjustments
from atelier.v1 import engine_pb2 as pb
from atelier.v1 import engine_pb2_grpc
from benchmarks.critic_eval import rotate_crop
from engine.critic import get_critic
from engine.critic.parse import parse_answer
from engine.critic.review import Review, review
from engine.critic.technical import issues
from engine.critic.vlm import VLMCritic, critique_from_answer, photo_image
from engine.critic.vlm.answer import MAX_EDITS, straighten_angle, suggestions_from
from engine.critic.vlm.model import IMAGE_TOKEN, ModelError
from engine.critic.vlm.prompt import RUBRIC, SYSTEM, user_prompt
from engine.decode import DecodedPhoto, decode_photo
from engine.errors import PhotoError
from engine.server import build_server
from engine.server.analysis import critic_for
from tests.vlm_tiny import teach, tiny_vlm

REPO = Path(__file__).resolve().parents[1]
SIZE = 256

# Recorded answers, written as a photographer answers the rubric.  DARK is about kodim03
# (the hats) darkened 1.5 EV; TILTED about kodim11 (harbour) rotated 3° counter-clockwise.
DARK = """<think>Degradations: nothing is soft — the hat brims hold crisp edges and there is no
visible grain, but the shadows under the brims are blocking up.
Colour and light: the whole frame sits about a stop and a half too dark; the brightest
tones never reach white, so the reds and yellows look muddy instead of rich.
Composition: the cluster of hats fills the frame, the red one anchoring the left third.
Overall impression: a lively still life let down by its exposure; fix that first.</think>
<edit_start>
Exposure +1.5 EV
Darken the photo by 1 EV
Crop a little off the right edge
<edit_end>
<answer>58</answer>"""

TILTED = """<think>The harbour's horizon runs downhill to the right by about three degrees, which
the eye reads as a mistake, not a choice. Exposure and colour are sound.</think>
<edit_start>
- Rotate 3° clockwise to level the horizon
- Straighten by 2 degrees counter-clockwise
<edit_end>
<answer>7/10</answer>"""

#: Malformed answers: (text, score it should give, or None = the measured one).
MALFORMED = [
    ("", None),
    ("<think>Nice light on the hats", None),
    ("<answer>140</answer>", 100.0),
    ("<think>too dark</think><answer>-5</answer>", 0.0),
    ("r\ufffd</\ufffdr\ufffd</ <edit_start> <<<>>> \x00\x01", None),
    ("<edit_start>make it pop!!!<edit_end><answer>7/10</answer>", 70.0),
    ("<think><think>dark</think></think><answer>80</answer><answer>20</answer>", 80.0),
    ("<THINK>Flat.</THINK><EDIT_START>Exposure +0.5 EV; Crop tighter<answer>score: 6.5", 65.0),
]


@pytest.fixture(scope="module")
def dark(shared_photos: Path) -> DecodedPhoto:
    photo = decode_photo(shared_photos / "kodak/kodim03.png", long_side=SIZE)
    return replace(photo, linear=photo.linear * 2.0 ** -1.5)


@pytest.fixture(scope="module")
def dark_review(dark: DecodedPhoto) -> Review:
    return review(dark)


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory, dark_review: Review) -> Path:
    torch.set_num_threads(1)
    corpus = [DARK, TILTED, SYSTEM, RUBRIC, user_prompt(dark_review)]
    return tiny_vlm(tmp_path_factory.mktemp("vlm") / "tiny-qwen2.5-vl", corpus)


def _by_text(c: pb.Critique) -> dict[str, pb.Suggestion]:
    return {s.text: s for s in c.suggestions}


# --- recorded answers: parser and check ------------------------------------------------


def test_recorded_answer_keeps_what_measurably_helps(dark: DecodedPhoto,
                                                     dark_review: Review) -> None:
    c = critique_from_answer(dark, dark_review, DARK, None, backend="vlm/1:recorded")
    kept = _by_text(c)
    brighten = kept["Exposure +1.5 EV"]
    assert settings_from_adjustments(brighten.adjustments) == {"Exposure2012": 1.5}
    assert brighten.attribute == "exposure" and brighten.expected_gain > 5
    assert "Darken the photo by 1 EV" not in kept  # the wrong way: rendered, worse, dropped
    assert ("“Darken the photo by 1 EV” would neither mend the exposure it targets nor raise "
            "the score") in c.reasoning
    assert "left to you: “Crop a little off the right edge”" in c.reasoning
    assert c.reasoning.startswith("Degradations: nothing is soft")
    assert c.score == 58.0 and c.backend == "vlm/1:recorded"
    assert f"Measured: {dark_review.score:.0f}/100" in c.reasoning
    assert dict(c.sub_scores) == pytest.approx(dark_review.sub_scores, abs=0.05)
    assert list(c.issues) == issues(dark_review)  # the measured issues, exposure first
    assert c.issues[0].attribute == "exposure"


def test_recorded_rotation_is_kept_only_in_the_levelling_direction(shared_photos: Path) -> None:
    photo = decode_photo(shared_photos / "kodak/kodim11.png", long_side=384)
    tilted = replace(photo, linear=rotate_crop(photo.linear, 3.0))
    measured = review(tilted)
    assert measured.measurements.horizon.tilt == pytest.approx(3.0, abs=0.7)
    c = critique_from_answer(tilted, measured, TILTED, None, backend="vlm/1:recorded")
    assert [(s.text, s.geometry.straighten_angle) for s in c.suggestions] == [
        ("Rotate 3° clockwise to level the horizon", -3.0)]
    assert "“Straighten by 2 degrees counter-clockwise” is not suggested" in c.reasoning
    assert c.score == 70.0


@pytest.mark.parametrize(("text", "score"), MALFORMED)
def test_malformed_answers_give_a_valid_critique(
    dark: DecodedPhoto, dark_review: Review, text: str, score: float | None
) -> None:
    c = critique_from_answer(dark, dark_review, text, None, backend="vlm/1:recorded")
    assert c.score == (score if score is not None else round(dark_review.score, 1))
    if score is None:
        assert "The model gave no score; the measured" in c.reasoning
    assert c.reasoning.strip() and len(c.issues) == len(issues(dark_review))
    for s in c.suggestions:  # only what the vocabulary has, and only what helped
        assert s.expected_gain > 0 and settings_from_adjustments(s.adjustments)


def test_junk_edits_are_named_not_guessed(dark: DecodedPhoto, dark_review: Review) -> None:
    c = critique_from_answer(dark, dark_review, MALFORMED[5][0], None, backend="b")
    assert not c.suggestions and "left to you: “make it pop!!!”" in c.reasoning


def test_a_runaway_edit_list_is_deduplicated_and_capped() -> None:
    repeated = "<edit_start>" + "Exposure +1 EV\n" * 50 + "".join(
        f"Shadows +{n}\n" for n in range(1, 12)) + "<edit_end><answer>50</answer>"
    advice = suggestions_from(parse_answer(repeated))
    assert [s.text for s in advice.suggestions] == ["Exposure +1 EV"] + [
        f"Shadows +{n}" for n in range(1, MAX_EDITS)]
    assert advice.notes == [f"The answer listed 12 edits; only the first {MAX_EDITS} are "
                            "considered."]


@pytest.mark.parametrize(("clause", "angle"), [
    ("Rotate 3° clockwise", -3.0), ("straighten by 2 degrees counter-clockwise", 2.0),
    ("level the horizon: rotate 1.5 deg to the left", 1.5), ("Straighten −0.8°", -0.8),
    ("tilt 2° anticlockwise", 2.0), ("rotate 3°", None), ("rotate 60° clockwise", None),
    ("Exposure +0.3 EV", None), ("straighten the horizon", None),
])
def test_straighten_clauses(clause: str, angle: float | None) -> None:
    assert straighten_angle(clause) == angle


def test_prompt_gives_rubric_measurements_and_answer_form(dark_review: Review) -> None:
    text = user_prompt(dark_review)
    for part in ("1. Degradations", "2. Colour and light", "3. Composition",
                 "4. Overall impression", "<think>", "<edit_start>", "<edit_end>", "<answer>"):
        assert part in text
    for paragraph in dark_review.paragraphs:  # the measured numbers, verbatim
        assert paragraph in text
    assert f"measured overall {dark_review.score:.0f}/100" in text
    assert "EV" in text and "under-exposed" in text


# --- selection and errors ---------------------------------------------------------------


def test_vlm_without_a_model_directory_says_what_is_needed(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="needs a local model directory"):
        get_critic("vlm")
    with pytest.raises(ModelError, match=r"no config\.json"):
        get_critic("vlm", model=str(tmp_path))
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llama"}))
    with pytest.raises(ModelError, match=r"holds a llama model.*qwen2_5_vl"):
        get_critic("vlm", model=str(tmp_path))
    with pytest.raises(PhotoError, match="needs a local model directory"):
        critic_for(pb.AnalyzeOptions(critique=True, critic="vlm"))
    with pytest.raises(PhotoError, match="technical critic uses no model"):
        critic_for(pb.AnalyzeOptions(critique=True, critic_model=str(tmp_path)))


@pytest.mark.parametrize("command", ["critique", "enhance"])
@pytest.mark.parametrize(("flags", "message"), [
    (["--critic", "vlm"], "--critic vlm needs --critic-model DIR"),
    (["--critic-model", "."], "--critic-model is only for --critic vlm"),
    (["--critic", "vlm", "--critic-model", "no/such/dir"],
     "--critic-model no/such/dir: no such directory"),
])
def test_cli_names_what_is_wrong_with_the_critic(command: str, flags: list[str], message: str,
                                                 tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", command, str(REPO / "samples" / "pond_sky.jpg"),
         *flags], cwd=REPO, capture_output=True, text=True, timeout=120,
        env={"ATELIER_STATE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert f"atelier {command}: {message}" in result.stderr


# --- a tiny random model: prompt, generation, engine --------------------------------------


def test_tiny_model_sees_the_image_and_the_prompt(tiny_dir: Path, dark: DecodedPhoto,
                                                  dark_review: Review) -> None:
    critic = get_critic("vlm", model=str(tiny_dir), max_new_tokens=24)
    assert isinstance(critic, VLMCritic)
    chat = critic.chat
    inputs = chat.encode(photo_image(dark.linear, critic.image_size), SYSTEM,
                         user_prompt(dark_review))
    text = chat.tokenizer.decode(inputs["input_ids"][0])
    assert text.startswith("<|im_start|>system\n" + SYSTEM)
    assert "4. Overall impression" in text and dark_review.paragraphs[0] in text
    assert text.endswith("<|im_start|>assistant\n")
    image_id = chat.tokenizer.convert_tokens_to_ids(IMAGE_TOKEN)
    vision_tokens = int((inputs["input_ids"] == image_id).sum())
    assert vision_tokens == int(inputs["image_grid_thw"].prod()) // 4 > 0
    assert int(inputs["mm_token_type_ids"].sum()) == vision_tokens

    c = critic.critique(dark)
    assert c.backend == "vlm/1:tiny-qwen2.5-vl"
    assert 0 <= c.score <= 100 and c.reasoning
    assert list(c.issues) == issues(dark_review)


@pytest.mark.slow
def test_taught_model_answer_runs_end_to_end(tmp_path: Path, dark: DecodedPhoto,
                                              dark_review: Review) -> None:
    """A tiny model overfitted to answer DARK: generation → parser → check → Critique."""
    torch.set_num_threads(1)
    model_dir = tiny_vlm(tmp_path / "taught", [DARK, SYSTEM, RUBRIC, user_prompt(dark_review)])
    critic = VLMCritic(model=str(model_dir))
    inputs = critic.chat.encode(photo_image(dark.linear, critic.image_size), SYSTEM,
                                user_prompt(dark_review))
    answer = critic.chat.tokenizer(DARK + "<|im_end|>", return_tensors="pt")["input_ids"][0]
    assert teach(critic.chat.model, inputs, answer) < 0.05
    assert critic.answer(dark, dark_review) == DARK
    c = critic.critique(dark)
    assert c.score == 58.0 and c.backend == "vlm/1:taught"
    assert [s.text for s in c.suggestions] == ["Exposure +1.5 EV"]
    assert c.suggestions[0].expected_gain > 5


@pytest.fixture(scope="module")
def engine() -> Iterator[engine_pb2_grpc.EngineStub]:
    server, port, servicer = build_server("127.0.0.1:0", workers=1)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield engine_pb2_grpc.EngineStub(channel)
    finally:
        channel.close()
        server.stop(None).wait()
        servicer.close()


def test_engine_reports_the_critic_backend_that_answered(
    engine: engine_pb2_grpc.EngineStub, tiny_dir: Path, shared_photos: Path
) -> None:
    photo = pb.PhotoRef(path=str(shared_photos / "kodak/kodim03.png"))
    options = pb.AnalyzeOptions(analysis_size=SIZE, critic="vlm", critic_model=str(tiny_dir))
    reply = engine.Critique(pb.AnalyzeRequest(photo=photo, options=options), timeout=300)
    assert reply.analysis.critique.backend == "vlm/1:tiny-qwen2.5-vl"
    plain = engine.Critique(pb.AnalyzeRequest(photo=photo), timeout=300)
    assert plain.analysis.critique.backend == "technical/1"
    with pytest.raises(grpc.RpcError) as err:
        engine.Critique(pb.AnalyzeRequest(photo=photo, options=pb.AnalyzeOptions(critic="vlm")),
                        timeout=60)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "needs a local model directory" in (err.value.details() or "")
    critics = {b.name: b for b in engine.GetInfo(pb.GetInfoRequest(), timeout=30).backends
               if b.kind == "critic"}
    assert critics["technical"].is_default and "model directory" in critics["vlm"].detail


@pytest.mark.slow
@pytest.mark.parametrize("command", ["critique", "enhance"])
def test_cli_critiques_with_the_vlm(command: str, tiny_dir: Path, tmp_path: Path) -> None:
    """``enhance --critic vlm`` implies ``--critique``: the summary carries the VLM's critique."""
    photo = tmp_path / "pond_sky.jpg"
    photo.write_bytes((REPO / "samples" / "pond_sky.jpg").read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", command, str(photo), "--json", "--dry-run",
         "--critic", "vlm", "--critic-model", str(tiny_dir)], cwd=REPO, capture_output=True,
        text=True, timeout=300, env={"ATELIER_STATE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    critique = json.loads(result.stdout)["photos"][0]["critique"]
    assert critique["backend"] == "vlm/1:tiny-qwen2.5-vl"
    assert 0 <= critique["score"] <= 100


def test_a_model_edit_that_mends_its_target_is_kept_and_said_so(shared_photos: Path) -> None:
    # kodim07 muted (Saturation −40), the model answering "Saturation +60": rendered, it
    # mends the muted colour while the score barely moves (−0.3) — kept, with that in the
    # notes.
    from benchmarks.critic_eval import degrade

    photo = decode_photo(shared_photos / "kodak/kodim07.png", long_side=384)
    muted = degrade("mute Saturation −40", photo)[1]
    measured = review(muted)
    answer = "<think>The colour is washed out.</think><edit_start>\nSaturation +60\n<edit_end>"
    c = critique_from_answer(muted, measured, answer + "<answer>80</answer>", None,
                             backend="vlm/1:recorded")
    (kept,) = c.suggestions
    assert settings_from_adjustments(kept.adjustments) == {"Saturation": 60.0}
    assert "“Saturation +60” mends the saturation it targets" in c.reasoning, c.reasoning
    assert "the overall score barely moves" in c.reasoning


def test_a_model_edit_that_costs_another_measurement_is_joined_by_its_answer(
    shared_photos: Path,
) -> None:
    # The painted-face scan brightened 1 EV, the model answering its green lean with
    # "Tint +29": alone it costs the contrast more than it gains and the score falls;
    # joined by the contrast's tone sliders it is kept, as the technical critic's own
    # answer is, and the notes say what it did alone.
    from benchmarks.critic_eval import degrade

    photo = decode_photo(
        shared_photos / "photos/kodak_pcd0992_img0015_16base_portrait_painted_face.jpg",
        long_side=512)
    brighter = degrade("brighten 1 EV", photo)[1]
    answer = "<think>A green cast.</think><edit_start>\nTint +29\n<edit_end>"
    c = critique_from_answer(brighter, review(brighter), answer + "<answer>70</answer>", None,
                             backend="vlm/1:recorded")
    (kept,) = c.suggestions
    settings = settings_from_adjustments(kept.adjustments)
    assert settings["IncrementalTint"] == 29 and settings["Highlights2012"] < 0, settings
    assert kept.expected_gain > 0 and "to keep the contrast right" in kept.text, kept
    assert "“Tint +29” alone mends the colour it targets" in c.reasoning, c.reasoning


@pytest.mark.parametrize("answer", [DARK, MALFORMED[5][0]])
def test_the_measured_score_is_stated_as_the_critique_carries_it(
    dark: DecodedPhoto, dark_review: Review, answer: str
) -> None:
    # 89.45 is carried as 89.5, shown "90/100"; the sentence once formatted 89.45 as 89.
    edge = replace(dark_review, score=89.45)
    c = critique_from_answer(dark, edge, answer, None, backend="b", check_suggestions=False)
    assert "measured 90/100" in c.reasoning or "Measured: 90/100" in c.reasoning
    assert "measured overall 90/100" in user_prompt(edge)


def test_a_recorded_rotation_of_converging_lines_is_refused(shared_photos: Path) -> None:
    # kodim08: its window rows lean 4.6° over walls within 1.2° of level — perspective.
    photo = decode_photo(shared_photos / "kodak/kodim08.png", long_side=512)
    answer = ("<think>The rooflines run uphill to the right.</think><edit_start>Rotate 4.6° "
              "clockwise to level the rooflines<edit_end><answer>80</answer>")
    c = critique_from_answer(photo, review(photo), answer, None, backend="vlm/1:recorded")
    assert not [s for s in c.suggestions if s.HasField("geometry")]
    assert "perspective, which a rotation would not level" in c.reasoning


def test_a_recorded_rotation_of_verticals_seen_looking_up_is_refused(shared_photos: Path) -> None:
    # uhdr05: the sun among clouds, 91 % sky, one pole right of centre leaning 4.7° CCW.
    photo = decode_photo(shared_photos / "photos/uhdr05_pixel6pro_backlit_sun_clouds.jpg",
                         long_side=512)
    answer = ("<think>The pole leans left.</think><edit_start>Rotate 4.7° clockwise to stand "
              "the pole up<edit_end><answer>80</answer>")
    c = critique_from_answer(photo, review(photo), answer, None, backend="vlm/1:recorded")
    assert not [s for s in c.suggestions if s.HasField("geometry")]
    assert "verticals converging as the camera looks up" in c.reasoning

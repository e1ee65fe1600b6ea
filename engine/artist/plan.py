"""What the Artist should do: operations with strengths, from words or from the Critic.

Two sources, one result (`Plan`):

- an **instruction** ("reduce the noise", "sharpen", "brighten the shadows", "remove the
  haze") is matched against the words of each operation (`plan_from_instruction`);
- with **no instruction**, the Critic's issues drive it (`plan_from_critique`): a
  ``noise`` issue → ``denoise``, ``sharpness`` → ``sharpen``, an under-exposed
  ``exposure`` issue → ``lowlight``, ``haze`` (or a measured veil) → ``dehaze``.

Strengths are 0..1, relative to each backend's calibrated amount (0.5 = as calibrated),
and, when the critic's measurements are given, derived from them: the exposure error in
EV, the edge blur σ (and whether it looks like motion), the dark channel, and the ratio
of colour to luma noise.  The noise σ itself is measured again by the backend at the
size it works at: a thumbnail's σ is not the full-size photo's (downscaling by k divides
white noise by k), so it cannot set the thresholds — it is quoted as the reason.

Operations always run in `ORDER`: brightening first (it reveals noise), dehazing next
(it amplifies noise), then denoising, and sharpening last on clean data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from atelier.v1 import engine_pb2 as pb
from engine.typography import signed

if TYPE_CHECKING:  # heavy imports only for type checking
    from engine.artist.haze import HazeMeasurement
    from engine.critic.review import Measurements

__all__ = [
    "DARK_KEY_EV",
    "DEFAULT_STRENGTH",
    "ORDER",
    "WORDS",
    "Operation",
    "Plan",
    "UnknownInstruction",
    "make_plan",
    "plan_from_critique",
    "plan_from_instruction",
]

#: Operations in the order they are applied.
ORDER = ("lowlight", "dehaze", "denoise", "sharpen")
DEFAULT_STRENGTH = 0.5
#: Mid-tones this far below a normal key (EV) make an under-exposure a low-light case.
DARK_KEY_EV = -0.5

#: operation → pattern of the words that ask for it.
WORDS: dict[str, re.Pattern[str]] = {
    "lowlight": re.compile(
        r"\b(bright\w*|lighten\w*|dark\w*|shadows?|low[- ]?light|dim|under[- ]?expos\w*|"
        r"night|lift\w*|exposure)\b", re.I),
    "dehaze": re.compile(r"\b(de-?haz\w*|haz\w*|fog\w*|mist\w*|smog|veil\w*)\b", re.I),
    "denoise": re.compile(r"\b(de-?nois\w*|nois\w*|grain\w*|speckl\w*|iso)\b", re.I),
    "sharpen": re.compile(
        r"\b(sharp\w*|de-?blur\w*|blur\w*|unblur\w*|soft|focus\w*|crisp\w*|detail\w*)\b", re.I),
}
_EDIT_TEXT = {
    "lowlight": "brighten the dark photo",
    "dehaze": "remove the haze",
    "denoise": "remove the noise",
    "sharpen": "make it sharper",
}


class UnknownInstruction(ValueError):
    """An instruction that names none of the operations a backend knows."""


@dataclass(frozen=True)
class Operation:
    """One step.

    Attributes:
        name: one of `ORDER`.
        strength: 0..1, 0.5 = the calibrated default.
        reason: why, in words with the measured numbers.
    """

    name: str
    strength: float
    reason: str


@dataclass(frozen=True)
class Plan:
    """Operations in `ORDER`, the edit in words, and where they came from.

    Attributes:
        operations: what to do, in order.
        instruction: the edit as a sentence (the user's words, or one built from the
            critic's issues) — what instruction-driven backends are conditioned on.
        source: ``"instruction"`` or ``"critique"``.
    """

    operations: tuple[Operation, ...]
    instruction: str
    source: str

    @property
    def names(self) -> list[str]:
        return [op.name for op in self.operations]

    def with_strength(self, strength: float) -> Plan:
        """Every operation at ``strength`` 0..1 (a user's override); 0 keeps the plan's."""
        if not strength:
            return self
        ops = tuple(replace(op, strength=float(strength)) for op in self.operations)
        return replace(self, operations=ops)


def _clip(v: float) -> float:
    return float(np.clip(v, 0.05, 1.0))


def _strengths(
    m: Measurements | None, haze: HazeMeasurement | None
) -> dict[str, tuple[float, str]]:
    """Measured strength and reason of each operation (defaults without measurements)."""
    out = {name: (DEFAULT_STRENGTH, "asked for") for name in ORDER}
    if m is not None:
        n = m.noise
        # Colour noise well above luma noise is blotchy and detail-free: a bit harder.
        ratio = n.sigma_chroma / max(n.sigma_luma, 0.1)
        out["denoise"] = (_clip(0.5 + 0.1 * min(2.0, max(0.0, ratio - 1.0))),
                          f"noise σ {n.sigma_luma:.1f} levels (luma), "
                          f"{n.sigma_chroma:.1f} (colour)")
        sh = m.sharpness
        # Richardson–Lucy assumes a round (Gaussian) blur: go gently on motion blur,
        # whose streaks it would ring on; harder on wider round blur.
        motion = sh.motion_ratio >= 1.6 and sh.edge_sigma > 0.8
        s = 0.3 if motion else 0.45 + 0.1 * min(3.0, max(0.0, sh.edge_sigma - 0.7))
        out["sharpen"] = (_clip(s), f"edges spread over σ {sh.edge_sigma:.1f} px at "
                          f"{sh.long_side} px" + (" (directional: motion blur)" if motion else ""))
        e = m.exposure
        out["lowlight"] = (_clip(0.5 - 0.15 * e.error_ev),
                           f"exposure {signed(e.error_ev, ' EV', 1)} from a normal key "
                           f"(median luminance {e.median_luminance:.3f})")
    if haze is not None:
        out["dehaze"] = (_clip(0.5 + 0.8 * (haze.dark_channel - 0.45)),
                         f"dark channel {haze.dark_channel:.2f} (clear < 0.3)")
    return out


def _plan(names: Iterable[str], instruction: str, source: str,
          m: Measurements | None, haze: HazeMeasurement | None,
          reasons: dict[str, str] | None = None) -> Plan:
    strengths = _strengths(m, haze)
    wanted = set(names)
    if {"denoise", "sharpen"} <= wanted:
        # Richardson–Lucy amplifies whatever noise is left: denoise harder and sharpen
        # gently (on 8 shared photos blurred σ 1 px + noise 5/255, this pair won PSNR and
        # SSIM on all, where the defaults won on 3 of 8).
        s, why = strengths["denoise"]
        strengths["denoise"] = (_clip(s + 0.4), why + "; harder, as sharpening follows")
        s, why = strengths["sharpen"]
        strengths["sharpen"] = (min(s, 0.25), why + "; gentle, on denoised pixels")
    ops = []
    for name in ORDER:
        if name in wanted:
            s, why = strengths[name]
            ops.append(Operation(name, s, (reasons or {}).get(name) or why))
    return Plan(tuple(ops), instruction, source)


def plan_from_instruction(
    instruction: str,
    measurements: Measurements | None = None,
    haze: HazeMeasurement | None = None,
) -> Plan:
    """The operations an instruction asks for (strengths from the measurements).

    Raises:
        UnknownInstruction: no operation's words occur in it (the message lists them).
    """
    names = [name for name, pattern in WORDS.items() if pattern.search(instruction)]
    if not names:
        raise UnknownInstruction(
            f"the instruction {instruction!r} names nothing the classical Artist does; say "
            "what to fix: noise (“reduce the noise”), blur (“sharpen”), darkness (“brighten "
            "the shadows”) or haze (“remove the haze”)")
    return _plan(names, instruction.strip(), "instruction", measurements, haze)


def plan_from_critique(
    critique: pb.Critique,
    measurements: Measurements | None = None,
    haze: HazeMeasurement | None = None,
) -> Plan:
    """The operations the critic's issues call for (see the module docstring).

    An ``exposure`` issue counts only when it says under-exposed and (when measured) the
    mid-tones sit at least `DARK_KEY_EV` below a normal key: over-exposure, clipped,
    crushed or flat tones and dull highlights need sliders, not new pixels.  A veil the
    critic did not report but ``haze`` measures as visible is planned too.
    """
    reasons: dict[str, str] = {}
    for issue in critique.issues:
        attribute, text = issue.attribute.lower(), issue.description
        if attribute == "noise":
            reasons.setdefault("denoise", text)
        elif attribute == "sharpness":
            reasons.setdefault("sharpen", text)
        elif attribute == "exposure" and re.search(r"\bunder-?exposed\b", text, re.I):
            # Only dark mid-tones want low-light recovery; highlights that stop short of
            # white (also "under-exposed" to the critic) want the Whites slider.
            if measurements is None or measurements.exposure.key_ev <= DARK_KEY_EV:
                reasons.setdefault("lowlight", text)
        elif attribute == "haze":
            reasons.setdefault("dehaze", text)
    if "dehaze" not in reasons and haze is not None and haze.visible:
        reasons["dehaze"] = f"a veil of haze: dark channel {haze.dark_channel:.2f} (clear < 0.3)"
    names = [n for n in ORDER if n in reasons]
    return _plan(names, " and ".join(_EDIT_TEXT[n] for n in names), "critique",
                 measurements, haze, reasons)


def make_plan(
    instruction: str,
    critique: pb.Critique | None,
    measurements: Measurements | None = None,
    haze: HazeMeasurement | None = None,
    *,
    strength: float = 0.0,
) -> Plan:
    """`plan_from_instruction` when there are words, else `plan_from_critique`.

    Args:
        strength: 0..1 overrides every measured strength; 0 keeps them.

    Raises:
        UnknownInstruction: see `plan_from_instruction`.
        ValueError: no instruction and no critique.
    """
    if instruction.strip():
        plan = plan_from_instruction(instruction, measurements, haze)
    elif critique is not None:
        plan = plan_from_critique(critique, measurements, haze)
    else:
        raise ValueError("no instruction and no critique: nothing to plan from")
    return plan.with_strength(strength)

"""The technical critic: measurements → reasoning, issues, develop suggestions, score.

Weight-free and deterministic.  Each measurement family (`exposure`, `contrast`, `colour`,
`saturation`, `sharpness`, `noise`, `horizon`, `composition`, `halo`) is a pure function
of the analysis thumbnail; each area's judgement (`engine.critic.judge`) turns the
measurements into a paragraph of reasoning and findings, whose penalty points (`scoring`)
decide both the sub-score and the severity of the issue.  Suggestions are expressed in the
develop vocabulary: tonal and white-balance values come from the predictor (the analytic one
unless the caller passes a prediction), so the critic and the auto-adjust agree where
they agree in sign (a measurement overrules a prediction pointing the other way); tonal
spread is answered with ``Contrast2012``, softness with ``Texture``, colourfulness with
``Saturation``, noise in words (the vocabulary has no noise reduction); a tilt becomes
``Geometry.straighten_angle``, a badly placed subject a ``Geometry.crop``.  The photo is
measured and judged in `engine.critic.review`; with ``check=True`` every develop
suggestion is rendered and judged again before it is kept (`engine.critic.check`); here
the review becomes an ``atelier.v1.Critique``.
"""

from __future__ import annotations

from atelier.v1 import engine_pb2 as pb
from engine.critic import scoring
from engine.critic.check import check_all
from engine.critic.review import Review, prepared_review
from engine.decode.types import DecodedPhoto
from engine.predictors.base import Prediction

__all__ = ["TechnicalCritic", "critique", "issues"]

VERSION = "1"


def issues(r: Review) -> list[pb.CritiqueIssue]:
    """The findings worth reporting (severity ≥ minor), worst first, as messages."""
    return [pb.CritiqueIssue(attribute=f.name, severity=f.severity,  # type: ignore[arg-type]
                             description=f.description) for f in r.findings if f.severity > 0]


def critique(
    photo: DecodedPhoto, prediction: Prediction | None = None, *, check: bool = False
) -> pb.Critique:
    """Critique a decoded photo (its analysis thumbnail) as an ``atelier.v1.Critique``.

    Args:
        photo: the decoded analysis thumbnail (linear sRGB, EXIF-oriented); measured at
            `engine.critic._image.MEASURING_SIZE` px (shrunk first when larger).
        prediction: the develop settings already predicted for it, whose tonal and
            white-balance values the suggestions reuse; None runs the analytic predictor.
        check: render every develop suggestion with the develop model and keep it only if
            it measurably helps (`engine.critic.check.check_all`), with
            ``expected_gain`` set (about 0.6 s more a photo at 512 px).

    Returns:
        reasoning (one paragraph per area, with the numbers), issues (severity ≥ minor,
        worst first), suggestions (one per issue that has an answer), the 0..100 score,
        sub-scores ``exposure``, ``colour``, ``sharpness``, ``noise``, ``composition``,
        and ``backend`` = ``technical/<version>``.

    Raises:
        engine.critic._image.UncritiquablePhoto: non-finite pixels, a side < 32 px.
    """
    photo, prediction, r = prepared_review(photo, prediction)
    if check:
        check_all(photo, r, prediction)
    msg = pb.Critique(reasoning="\n\n".join(r.paragraphs), score=scoring.reported(r.score),
                      backend=f"{TechnicalCritic.name}/{VERSION}")
    msg.issues.extend(issues(r))
    msg.suggestions.extend(f.suggestion for f in r.findings
                           if f.severity > 0 and f.suggestion is not None)
    for k, v in r.sub_scores.items():
        msg.sub_scores[k] = scoring.reported(v)
    return msg


class TechnicalCritic:
    """Registry wrapper: ``critique(photo, prediction=None) -> atelier.v1.Critique``."""

    name = "technical"
    version = VERSION

    def __init__(self, *, check: bool = False) -> None:
        self.check = check

    def critique(self, photo: DecodedPhoto, prediction: Prediction | None = None) -> pb.Critique:
        """See `critique` (``check`` as given to the constructor)."""
        return critique(photo, prediction, check=self.check)


"""`Finding`: one fault a judgement found, with its penalty and its answer."""

from __future__ import annotations

from dataclasses import dataclass

from atelier.v1 import engine_pb2 as pb
from engine.critic import scoring

__all__ = ["Finding"]


@dataclass
class Finding:
    """One fault: the sub-score it counts against, its penalty (points) and the answer.

    ``issue`` names the fault more precisely than the sub-score when it has its own
    measurement ("contrast" under exposure, "horizon" under composition, "saturation"
    under colour); it is the ``attribute`` of the reported issue and suggestion.
    """

    attribute: str
    penalty: float
    description: str
    suggestion: pb.Suggestion | None = None
    issue: str = ""

    @property
    def name(self) -> str:
        """The issue's attribute as reported."""
        return self.issue or self.attribute

    @property
    def severity(self) -> int:
        """`atelier.v1.Severity` value (0 = below the reporting threshold)."""
        return scoring.severity_of(self.penalty)

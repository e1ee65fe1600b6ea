"""Photo critics: a registry and ``get_critic(name)`` dispatch.

A critic turns a decoded photo (and optionally the develop prediction already made for
it) into an ``atelier.v1.Critique``: reasoning, issues, develop suggestions, a 0..100
score and sub-scores.  ``technical`` (weight-free, measured, the default) is always
available; ``vlm`` (an image-text-to-text model from a local directory, see
`engine.critic.vlm`) needs ``model=DIR``.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from atelier.v1 import engine_pb2 as pb
from engine.decode.types import DecodedPhoto
from engine.predictors.base import Prediction
from engine.registry import Registry

__all__ = [
    "CRITICS",
    "DEFAULT_CRITIC",
    "Critic",
    "available_critics",
    "get_critic",
    "register_critic",
]

DEFAULT_CRITIC = "technical"


@runtime_checkable
class Critic(Protocol):
    """A photo critic: ``critique(photo, prediction=None) -> atelier.v1.Critique``."""

    name: str
    version: str

    def critique(self, photo: DecodedPhoto, prediction: Prediction | None = None) -> pb.Critique:
        """Critique ``photo`` (its analysis thumbnail in linear light)."""
        ...


#: name → factory(**options) returning a Critic.
CRITICS: Registry[Critic] = Registry("critic", DEFAULT_CRITIC)
register_critic = CRITICS.register
available_critics = CRITICS.available


def get_critic(name: str = DEFAULT_CRITIC, **options: Any) -> Critic:
    """The critic called ``name`` ("" = default), built with ``options``.

    Raises:
        ValueError: unknown name (the message lists the known ones), or options the
            critic rejects (``vlm`` without a loadable ``model`` directory).
    """
    return CRITICS.get(name, **options)


def _technical(**options: Any) -> Critic:
    from engine.critic.technical import TechnicalCritic

    return TechnicalCritic(**options)


register_critic("technical", _technical)


def _vlm(**options: Any) -> Critic:
    from engine.critic.vlm import VLMCritic  # transformers is imported only here

    return VLMCritic(**options)


register_critic("vlm", _vlm)

"""The Artist: new pixels for what sliders cannot fix, only ever as derived files.

A registry like the critics': ``get_artist(name)`` builds a backend, each with
``generate(job, progress, cancelled) -> Generated`` (see `engine.artist.base`).
``classical`` (weight-free: denoise, sharpen, low light, dehaze; the default) is always
available; ``diffusion`` (an instruction-driven image-editing pipeline loaded from a local
directory) needs ``model=DIR``.  `engine.artist.plan` turns an instruction or the
Critic's issues into the operations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from engine.registry import Registry

if TYPE_CHECKING:  # the backends need torch; listing them (GetInfo) must not
    from engine.artist.base import Cancelled, Generated, Job, Progress

__all__ = [
    "ARTISTS",
    "DEFAULT_ARTIST",
    "Artist",
    "available_artists",
    "get_artist",
    "register_artist",
]

DEFAULT_ARTIST = "classical"


@runtime_checkable
class Artist(Protocol):
    """An Artist backend."""

    name: str
    version: str

    def generate(
        self, job: Job, progress: Progress = ..., cancelled: Cancelled = ...
    ) -> Generated:
        """Develop ``job.photo`` with ``job.settings`` and apply ``job.plan``.

        ``progress`` and ``cancelled`` default to no reporting and never cancelled.
        """
        ...


#: name → factory(**options) returning an Artist.
ARTISTS: Registry[Artist] = Registry("artist backend", DEFAULT_ARTIST)
register_artist = ARTISTS.register
available_artists = ARTISTS.available


def get_artist(name: str = DEFAULT_ARTIST, **options: Any) -> Artist:
    """The artist called ``name`` ("" = default), built with ``options``.

    Raises:
        ValueError: unknown name (the message lists the known ones), or options the
            backend rejects (e.g. a diffusion model directory that is not one).
    """
    return ARTISTS.get(name, **options)


def _classical(**options: Any) -> Artist:
    from engine.artist.classical_artist import ClassicalArtist

    return ClassicalArtist(**options)


def _diffusion(**options: Any) -> Artist:
    from engine.artist.diffusion import DiffusionArtist  # diffusers is imported only here

    return DiffusionArtist(**options)


register_artist("classical", _classical)
register_artist("diffusion", _diffusion)

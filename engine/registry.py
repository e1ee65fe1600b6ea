"""A named registry of backend factories with a default: predictors, critics, artists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """``name → factory(**options)``; ``get("")`` builds the default.

    Args:
        kind: what the backends are, for messages ("predictor", "critic", …).
        default: the name ``get("")`` builds.
    """

    def __init__(self, kind: str, default: str) -> None:
        self.kind = kind
        self.default = default
        self.factories: dict[str, Callable[..., T]] = {}

    def register(self, name: str, factory: Callable[..., T]) -> None:
        """Make ``factory`` available as ``get(name)`` (replacing an earlier one)."""
        self.factories[name] = factory

    def available(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self.factories)

    def get(self, name: str = "", **options: Any) -> T:
        """The backend called ``name`` ("" = the default), built with ``options``.

        Raises:
            ValueError: unknown name (the message lists the known ones), or options the
                backend rejects.
        """
        name = name or self.default
        if name not in self.factories:
            raise ValueError(f"unknown {self.kind} {name!r}; available: "
                             f"{', '.join(self.available())}")
        return self.factories[name](**options)

"""Develop-settings predictors: a registry and ``get_predictor(name)`` dispatch.

``analytic`` (weight-free, the default) is always available; learned predictors register
themselves with `register_predictor` and load their weights from a local directory.
"""

from __future__ import annotations

from typing import Any

from engine.predictors.base import Prediction, Predictor
from engine.registry import Registry

__all__ = [
    "DEFAULT_PREDICTOR",
    "PREDICTORS",
    "Prediction",
    "Predictor",
    "available_predictors",
    "get_predictor",
    "register_predictor",
]

DEFAULT_PREDICTOR = "analytic"

#: name → factory(**options) returning a Predictor.
PREDICTORS: Registry[Predictor] = Registry("predictor", DEFAULT_PREDICTOR)
register_predictor = PREDICTORS.register
available_predictors = PREDICTORS.available


def get_predictor(name: str = DEFAULT_PREDICTOR, **options: Any) -> Predictor:
    """The predictor called ``name`` ("" = default), built with ``options``.

    Raises:
        ValueError: unknown name (the message lists the known ones).
    """
    return PREDICTORS.get(name, **options)


def _register_builtin() -> None:
    from engine.predictors.analytic import AnalyticPredictor

    register_predictor("analytic", AnalyticPredictor)
    register_predictor("filternet", _filternet)


def _filternet(**options: Any) -> Predictor:
    from engine.predictors.filternet.predictor import FilterNetPredictor  # torch: load lazily

    return FilterNetPredictor(**options)


_register_builtin()

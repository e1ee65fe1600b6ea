"""GetInfo: versions, backends and models."""

from __future__ import annotations

import importlib.metadata
import platform

from atelier.v1 import engine_pb2 as pb
from engine import __version__
from engine.predictors import DEFAULT_PREDICTOR, available_predictors

__all__ = ["engine_info"]

_LIBRARIES = ("grpcio", "protobuf", "numpy", "pillow", "rawpy", "colour-science", "torch",
              "transformers", "diffusers")


def engine_info(workers: int, max_message_bytes: int) -> pb.EngineInfo:
    """What this engine can do and with which library versions."""
    info = pb.EngineInfo(version=__version__, workers=workers,
                         max_message_bytes=max_message_bytes)
    info.libraries["python"] = platform.python_version()
    for lib in _LIBRARIES:
        try:
            info.libraries[lib] = importlib.metadata.version(lib)
        except importlib.metadata.PackageNotFoundError:
            continue
    for name in available_predictors():
        info.backends.add(kind="predictor", name=name, available=True,
                          is_default=name == DEFAULT_PREDICTOR)
    info.backends.add(kind="masks", name="classical", version="1", available=True,
                      is_default=True, detail="sky, subject (spectral residual)")
    info.backends.add(kind="decoder", name="pillow+rawpy", available=True, is_default=True)
    return info

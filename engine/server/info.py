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
    from engine.artist import DEFAULT_ARTIST, available_artists
    from engine.critic import DEFAULT_CRITIC, available_critics
    from engine.server.segment import configured_model_dir

    for name in available_critics():
        info.backends.add(kind="critic", name=name, available=True,
                          is_default=name == DEFAULT_CRITIC,
                          detail="needs a local model directory (AnalyzeOptions.critic_model)"
                          if name != DEFAULT_CRITIC else "measured, weight-free")
    for name in available_artists():
        info.backends.add(kind="artist", name=name, available=True,
                          is_default=name == DEFAULT_ARTIST,
                          detail="needs a local model directory" if name != DEFAULT_ARTIST
                          else "denoise, sharpen, low light, dehaze")
    cocogold = configured_model_dir()
    info.backends.add(kind="masks", name="cocogold", available=cocogold is not None,
                      detail=str(cocogold) if cocogold else "no model directory configured "
                      "($ATELIER_COCOGOLD); prompts map to the weight-free masks")
    return info

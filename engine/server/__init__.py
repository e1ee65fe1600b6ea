"""The engine's gRPC server (``atelier engine serve``)."""

from engine.server.app import MAX_MESSAGE_BYTES, build_server, serve
from engine.server.servicer import EngineServicer

__all__ = ["MAX_MESSAGE_BYTES", "EngineServicer", "build_server", "serve"]

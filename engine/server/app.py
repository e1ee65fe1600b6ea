"""Run the engine as a gRPC server: health, reflection, limits, graceful shutdown."""

from __future__ import annotations

import ipaddress
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from atelier.v1 import engine_pb2, engine_pb2_grpc
from engine.server.analysis import PhotoAccess
from engine.server.servicer import EngineServicer

__all__ = ["MAX_MESSAGE_BYTES", "TokenInterceptor", "build_server", "is_loopback", "serve"]

#: Largest request or response, bytes (a 24 MP 16-bit TIFF is ~150 MB).
MAX_MESSAGE_BYTES = 256 * 1024 * 1024
TOKEN_HEADER = "x-atelier-token"


def is_loopback(host: str) -> bool:
    """Whether ``host`` (name or address) only listens on this machine."""
    host = host.strip("[]")
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class TokenInterceptor(grpc.ServerInterceptor):
    """Reject calls without the shared token (health checks stay open)."""

    def __init__(self, token: str) -> None:
        self._token = token

        def deny(request: Any, context: grpc.ServicerContext) -> None:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, f"missing or wrong {TOKEN_HEADER}")

        self._deny = grpc.unary_unary_rpc_method_handler(deny)

    def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        if handler_call_details.method.startswith("/grpc.health."):
            return continuation(handler_call_details)
        metadata = dict(handler_call_details.invocation_metadata or ())
        if metadata.get(TOKEN_HEADER) == self._token:
            return continuation(handler_call_details)
        return self._deny


def build_server(
    listen: str, *, workers: int | None = None, token: str | None = None,
    allow_roots: Sequence[Path] = (),
) -> tuple[grpc.Server, int, EngineServicer]:
    """A started-ready (not yet started) server bound to ``listen``; returns its port.

    Raises:
        ValueError: a non-loopback address without a token.
        RuntimeError: the address cannot be bound.
    """
    host, _, port_text = listen.rpartition(":")
    if not host or not port_text.isdigit():
        raise ValueError(f"--listen {listen!r} is not HOST:PORT")
    if not is_loopback(host) and not token:
        raise ValueError(f"listening on {host} (not loopback) needs --token")
    servicer = EngineServicer(workers=workers, access=PhotoAccess(list(allow_roots)),
                              max_message_bytes=MAX_MESSAGE_BYTES)
    threads = 4 * servicer.workers + 8
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=threads),
        # beyond this, calls get RESOURCE_EXHAUSTED at once instead of queueing unseen
        maximum_concurrent_rpcs=threads,
        interceptors=[TokenInterceptor(token)] if token else [],
        options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                 ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                 ("grpc.so_reuseport", 0)],
    )
    engine_pb2_grpc.add_EngineServicer_to_server(servicer, server)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ("", "atelier.v1.Engine"):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection(
        (engine_pb2.DESCRIPTOR.services_by_name["Engine"].full_name,
         health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
         reflection.SERVICE_NAME), server)
    port = server.add_insecure_port(listen)
    if port == 0:
        raise RuntimeError(f"cannot listen on {listen}")
    return server, port, servicer


def serve(
    listen: str = "127.0.0.1:50051", *, workers: int | None = None, token: str | None = None,
    allow_roots: Sequence[Path] = (), grace: float = 5.0,
) -> None:
    """Serve until SIGINT/SIGTERM, then finish in-flight calls for ``grace`` seconds."""
    server, port, servicer = build_server(listen, workers=workers, token=token,
                                          allow_roots=allow_roots)
    server.start()
    host = listen.rpartition(":")[0]
    print(f"atelier engine listening on {host}:{port}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    print("atelier engine: shutting down", file=sys.stderr, flush=True)
    server.stop(grace).wait()
    servicer.close()

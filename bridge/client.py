"""Talk to the engine: stream photos through AnalyzeStream with bounded in-flight work."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import grpc

from atelier.v1 import engine_pb2 as pb
from atelier.v1 import engine_pb2_grpc

__all__ = ["MAX_MESSAGE_BYTES", "EngineClient"]

MAX_MESSAGE_BYTES = 256 * 1024 * 1024


class EngineClient:
    """A channel and stub to one engine (``HOST:PORT``), with an optional token."""

    def __init__(self, address: str, *, token: str | None = None) -> None:
        self.address = address
        self.channel = grpc.insecure_channel(address, options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ])
        self.stub = engine_pb2_grpc.EngineStub(self.channel)
        self.metadata = (("x-atelier-token", token),) if token else ()

    def close(self) -> None:
        self.channel.close()

    def info(self, timeout: float = 30) -> pb.EngineInfo:
        return self.stub.GetInfo(pb.GetInfoRequest(), timeout=timeout, metadata=self.metadata)

    def render(self, request: pb.RenderRequest, timeout: float = 300) -> pb.RenderResponse:
        return self.stub.Render(request, timeout=timeout, metadata=self.metadata)

    def analyze_stream(
        self,
        paths: Sequence[Path],
        options: pb.AnalyzeOptions,
        *,
        in_flight: int = 8,
        on_sent: Callable[[int], None] | None = None,
    ) -> Iterator[tuple[Path, pb.AnalyzeResponse]]:
        """Analyse ``paths``; yields ``(path, response)`` as answers arrive (any order).

        At most ``in_flight`` photos are outstanding: the request generator waits for
        answers, so memory stays flat however long the batch.
        """
        by_id = {str(i): p for i, p in enumerate(paths)}
        slots = threading.Semaphore(in_flight)
        stop = threading.Event()

        def requests() -> Iterator[pb.AnalyzeRequest]:
            for i, path in enumerate(paths):
                while not slots.acquire(timeout=0.2):
                    if stop.is_set():
                        return
                if stop.is_set():
                    return
                if on_sent:
                    on_sent(i)
                yield pb.AnalyzeRequest(request_id=str(i), photo=pb.PhotoRef(path=str(path)),
                                        options=options)

        responses = self.stub.AnalyzeStream(requests(), metadata=self.metadata)
        try:
            for response in responses:
                slots.release()
                yield by_id[response.request_id], response
        finally:
            stop.set()
            responses.cancel()



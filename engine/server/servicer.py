"""The typed ``atelier.v1.Engine`` servicer."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import grpc

from atelier.v1 import engine_pb2 as pb
from atelier.v1 import engine_pb2_grpc
from engine.errors import PhotoError
from engine.server.analysis import PhotoAccess, analyze
from engine.server.info import engine_info

__all__ = ["EngineServicer", "default_workers"]


def default_workers() -> int:
    """Analysis threads: one per core (decoding and numpy release the GIL)."""
    return max(1, os.cpu_count() or 1)


class EngineServicer(engine_pb2_grpc.EngineServicer):
    """Analyze, AnalyzeStream, Render and GetInfo over one shared worker pool.

    Args:
        workers: analysis threads.
        access: which photo paths may be read.
        max_message_bytes: the server's message limit (reported by GetInfo).
    """

    def __init__(
        self, *, workers: int | None = None, access: PhotoAccess | None = None,
        max_message_bytes: int = 256 * 1024 * 1024,
    ) -> None:
        self.workers = workers or default_workers()
        self.access = access or PhotoAccess()
        self.max_message_bytes = max_message_bytes
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="atelier-analyze")
        self._outstanding = 0  # photos submitted to the pool and not yet finished
        self._count_lock = threading.Lock()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def busy(self) -> bool:
        """Whether any photo is being analysed or waits for a worker."""
        with self._count_lock:
            return self._outstanding > 0

    def _submit(self, request: pb.AnalyzeRequest) -> Future[pb.AnalyzeResponse]:
        """Queue one photo's analysis (counted until it finishes or is cancelled)."""
        with self._count_lock:
            self._outstanding += 1
        future = self._pool.submit(_safe_analyze, request, self.access)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _: Future[pb.AnalyzeResponse]) -> None:
        with self._count_lock:
            self._outstanding -= 1

    # -- unary ----------------------------------------------------------------------------

    def Analyze(
        self, request: pb.AnalyzeRequest, context: grpc.ServicerContext
    ) -> pb.AnalyzeResponse:
        _check_request(request, context)
        response = self._submit(request).result()
        if response.WhichOneof("result") == "error":
            code = next(c for c in grpc.StatusCode if c.value[0] == response.error.code)
            context.abort(code, response.error.message)
        return response

    def Critique(
        self, request: pb.AnalyzeRequest, context: grpc.ServicerContext
    ) -> pb.AnalyzeResponse:
        forced = pb.AnalyzeRequest()
        forced.CopyFrom(request)
        forced.options.critique = True
        return self.Analyze(forced, context)

    def Render(self, request: pb.RenderRequest, context: grpc.ServicerContext) -> pb.RenderResponse:
        from engine.server.render import render_photo

        if request.photo.WhichOneof("source") is None:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "RenderRequest.photo names no photo")
        try:
            return render_photo(request, self.access)
        except PhotoError as exc:
            context.abort(exc.code, str(exc))
        raise AssertionError("unreachable")  # context.abort raises

    def Segment(
        self, request: pb.SegmentRequest, context: grpc.ServicerContext
    ) -> pb.SegmentResponse:
        from engine.server.segment import segment  # CocoGold pulls in diffusers

        try:
            return self._pool.submit(segment, request, self.access).result()
        except PhotoError as exc:
            context.abort(exc.code, str(exc))
        raise AssertionError("unreachable")  # context.abort raises

    def Generate(
        self, request: pb.GenerateRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.GenerateEvent]:
        from engine.server.generate import generate_events

        try:
            yield from generate_events(request, self.access, lambda: not context.is_active())
        except PhotoError as exc:
            context.abort(exc.code, str(exc))

    def GetInfo(self, request: pb.GetInfoRequest, context: grpc.ServicerContext) -> pb.EngineInfo:
        return engine_info(self.workers, self.max_message_bytes)

    # -- streaming ------------------------------------------------------------------------

    def AnalyzeStream(
        self, request_iterator: Iterator[pb.AnalyzeRequest], context: grpc.ServicerContext
    ) -> Iterator[pb.AnalyzeResponse]:
        """Analyse requests concurrently; answer each as it finishes (any order).

        At most ``2 × workers`` photos are in flight: reading the stream waits when the
        pool is full, so a client sending faster than we analyse is held back by gRPC
        flow control instead of filling our memory.  When the client cancels, photos not
        yet started are dropped.
        """
        results: queue.Queue[pb.AnalyzeResponse | _End] = queue.Queue()
        slots = threading.BoundedSemaphore(2 * self.workers)
        in_flight: set[Future[pb.AnalyzeResponse]] = set()  # only the unfinished: bounded
        lock = threading.Lock()
        cancelled = 0

        def cancel_all() -> None:
            with lock:
                pending = list(in_flight)
            for future in pending:
                future.cancel()

        context.add_callback(cancel_all)

        def finished(future: Future[pb.AnalyzeResponse]) -> None:
            nonlocal cancelled
            with lock:
                in_flight.discard(future)
                cancelled += future.cancelled()
            slots.release()
            if not future.cancelled():
                results.put(future.result())

        def feed() -> None:
            submitted = 0
            try:
                for request in request_iterator:
                    if not context.is_active():
                        break
                    slots.acquire()
                    future = self._submit(request)
                    with lock:
                        in_flight.add(future)
                    future.add_done_callback(finished)
                    submitted += 1
            except grpc.RpcError:
                pass  # the client went away
            finally:
                results.put(_End(submitted))

        threading.Thread(target=feed, name="atelier-stream-feed", daemon=True).start()
        answered, submitted = 0, None
        while submitted is None or answered < submitted - cancelled:
            try:
                item = results.get(timeout=0.5)
            except queue.Empty:
                if not context.is_active():
                    return  # cancelled or past its deadline: nobody is listening
                continue
            if isinstance(item, _End):
                submitted = item.submitted
                continue
            answered += 1
            yield item


class _End:
    """Sentinel: the request stream ended after ``submitted`` photos."""

    def __init__(self, submitted: int) -> None:
        self.submitted = submitted


def _safe_analyze(request: pb.AnalyzeRequest, access: PhotoAccess) -> pb.AnalyzeResponse:
    """`analyze`, with unexpected failures turned into a per-photo INTERNAL error."""
    try:
        return analyze(request, access)
    except Exception as exc:  # a bug must not end the whole stream
        return pb.AnalyzeResponse(
            request_id=request.request_id,
            error=pb.PhotoError(code=grpc.StatusCode.INTERNAL.value[0],
                                message=f"internal error: {type(exc).__name__}: {exc}"),
        )


def _check_request(request: pb.AnalyzeRequest, context: grpc.ServicerContext) -> None:
    if request.photo.WhichOneof("source") is None:
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "AnalyzeRequest.photo names no photo")
    remaining = context.time_remaining()
    if remaining is not None and remaining <= 0:
        context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline passed before work began")

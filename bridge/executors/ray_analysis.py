"""Run the engine's analysis on a Ray cluster (or a private local Ray instance).

Why Ray Data (and not hand-made actors): analysis is a stateless map over a list of
paths with one expensive piece of state per worker, the predictor. ``map_batches`` with
a callable class gives exactly that — an actor pool that builds the predictor once per
actor — plus what hand-made actors would have to re-implement: streaming execution
with back-pressure (the driver pulls results as it consumes them, so memory stays
bounded in batch size), retries of tasks whose actor died, and placement across nodes.

Contract (that of ``EngineClient.analyze_stream``): every path is yielded exactly once,
in any order, as ``(path, AnalyzeResponse)``; a photo that cannot be read or analysed
gives a response whose ``error`` is set (same codes as the gRPC engine), never an
exception. Infrastructure failures (cluster lost, Ray Data gives up) raise.

Assumptions:

- **Shared storage.** Workers read photos *by path* (the path is made absolute on the
  driver): every Ray node must see the photos at the same absolute path (NFS, SMB,
  a bind mount…). Only the small serialised responses (``SerializeToString`` bytes,
  a few KB each) cross Ray; sidecars are written by the bridge afterwards.
- **Same code everywhere.** Every node runs the same Atelier version in the same
  Python (``pip install .[ray]``); the actors import ``engine.server.analysis``.

``address=None`` starts a private local Ray instance (``address="local"``: never joins
a cluster found through ``RAY_ADDRESS``), bound to 127.0.0.1 with no dashboard and
usage statistics off — no network beyond loopback — and shuts it down afterwards.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import Any

from atelier.v1 import engine_pb2 as pb

__all__ = ["AnalyzeActor", "analyze_with_ray", "connect_ray"]

#: object store of a private local instance, bytes: only paths and responses live there.
LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024
_INTERNAL = 13  # grpc.StatusCode.INTERNAL, as the gRPC engine reports unexpected failures


class AnalyzeActor:
    """One Ray actor: holds the engine's predictor and analyses batches of paths.

    Batches are ``{"i": int64[n], "path": str[n]}``; the answer is
    ``{"i": int64[n], "response": object[n]}`` of serialised ``AnalyzeResponse`` bytes.
    """

    def __init__(self, options: bytes) -> None:
        from engine.server.analysis import PhotoAccess, predictor_for

        self.options = pb.AnalyzeOptions.FromString(options)
        self.access = PhotoAccess()  # shared storage: the cluster may read what it sees
        predictor_for(self.options)  # build (and cache) the predictor once per actor

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        blobs = [self.analyze_one(int(i), str(path))
                 for i, path in zip(batch["i"], batch["path"], strict=True)]
        return {"i": np.asarray(batch["i"], dtype=np.int64),
                "response": np.array(blobs, dtype=object)}

    def analyze_one(self, index: int, path: str) -> bytes:
        """The serialised response for one photo; a bug becomes a per-photo INTERNAL error."""
        from engine.server.analysis import analyze

        request = pb.AnalyzeRequest(request_id=str(index), photo=pb.PhotoRef(path=path),
                                    options=self.options)
        try:
            response = analyze(request, self.access)
        except Exception as exc:  # one bad photo must not fail the whole dataset
            response = _error(index, _INTERNAL, f"internal error: {type(exc).__name__}: {exc}")
        return response.SerializeToString()


def analyze_with_ray(
    paths: Sequence[Path],
    options: pb.AnalyzeOptions,
    *,
    address: str | None = None,
    workers: int | None = None,
    batch_size: int = 8,
) -> Generator[tuple[Path, pb.AnalyzeResponse], None, None]:
    """Analyse ``paths`` with Ray Data; yields ``(path, response)`` as batches finish.

    Args:
        paths: photos, readable at the same absolute path on every Ray node.
        options: as for the gRPC engine (predictor, masks, analysis size…).
        address: Ray cluster (``"ray://HOST:10001"``, ``"HOST:6379"`` or ``"auto"``);
            ``None`` starts a private local instance for this call only.
        workers: analysis actors (each takes 1 CPU); ``None`` = every CPU Ray has
            (the machine's cores for a local instance).
        batch_size: photos per actor call, >= 1; larger amortises Ray overhead,
            smaller spreads short batches more evenly over the workers.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size} must be >= 1")
    if workers is not None and workers < 1:
        raise ValueError(f"workers={workers} must be >= 1")
    if not paths:
        return
    import ray

    started = connect_ray(address, workers)
    try:
        yield from _run(paths, options, workers, batch_size)
    finally:
        if started:
            ray.shutdown()


#: What Ray's errors say when a local start-up only missed its window (worth one retry).
_START_UP_TIMEOUTS = ("timed out during startup", "Timed out waiting for file")


def connect_ray(address: str | None = None, workers: int | None = None) -> bool:
    """Join ``address`` or start a private local instance; True if this call started Ray.

    A local instance gets ``max(cores, workers)`` CPUs, listens on 127.0.0.1 only, has
    no dashboard and a 256 MiB object store. Nothing happens if Ray is already running
    in this process (the caller then owns it and its shutdown).
    """
    import ray

    if ray.is_initialized():
        return False  # the caller manages Ray (e.g. a test fixture, a notebook)
    if address is not None:
        ray.init(address=address, logging_level=logging.WARNING)
        return True  # only disconnects the driver: the cluster keeps running
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no reporting home
    # Ray waits 30 s for its GCS server to publish its port; on a loaded 2-core machine
    # a fresh start took longer (CI under load 4): give the private instance two minutes.
    os.environ.setdefault("RAY_gcs_server_port_wait_time_s", "120")
    cores = os.cpu_count() or 1
    for attempt in (1, 2):
        try:
            ray.init(address="local", num_cpus=max(cores, workers or 1),
                     include_dashboard=False, _node_ip_address="127.0.0.1",
                     object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                     logging_level=logging.WARNING, log_to_driver=False)
            return True
        except Exception as exc:
            # on a busy machine the local raylet can miss its start-up window once
            if attempt == 2 or not any(s in str(exc) for s in _START_UP_TIMEOUTS):
                raise
            ray.shutdown()
    raise AssertionError("unreachable")


def _run(
    paths: Sequence[Path], options: pb.AnalyzeOptions, workers: int | None, batch_size: int,
) -> Iterator[tuple[Path, pb.AnalyzeResponse]]:
    import ray
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.execution_options.preserve_order = False  # yield as soon as any batch ends
    size = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    # Absolute paths: a worker's current directory is not the driver's.
    items = [{"i": i, "path": str(Path(p).absolute())} for i, p in enumerate(paths)]
    dataset = ray.data.from_items(items).map_batches(
        AnalyzeActor,
        fn_constructor_kwargs={"options": options.SerializeToString()},
        batch_size=batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=size),
        num_cpus=1,
    )
    seen: set[int] = set()
    rows = iter(dataset.iter_rows())
    try:
        for row in rows:
            index = int(row["i"])
            if index in seen:  # a retried block may repeat rows: exactly once still
                continue
            seen.add(index)
            yield paths[index], pb.AnalyzeResponse.FromString(bytes(row["response"]))
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()  # stop the streaming execution when the caller stops early
    for index in range(len(paths)):
        if index not in seen:  # cannot happen unless Ray lost rows silently
            yield paths[index], _error(index, _INTERNAL, "Ray returned no answer for this photo")


def _error(index: int, code: int, message: str) -> pb.AnalyzeResponse:
    return pb.AnalyzeResponse(request_id=str(index),
                              error=pb.PhotoError(code=code, message=message))

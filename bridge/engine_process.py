"""Start a private local engine for one command and stop it afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from types import TracebackType

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

__all__ = ["EngineStartError", "LocalEngine", "wait_until_serving"]


class EngineStartError(RuntimeError):
    """The local engine did not come up (the message includes its own error output)."""


def wait_until_serving(address: str, timeout: float = 60.0) -> None:
    """Block until the engine at ``address`` reports SERVING via grpc.health.v1."""
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while True:
            try:
                reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=2)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            if time.monotonic() > deadline:
                raise EngineStartError(f"engine at {address} not serving after {timeout:.0f} s")
            time.sleep(0.05)


class LocalEngine:
    """``with LocalEngine() as address:`` — an engine on a free loopback port.

    The engine runs as ``python -m engine serve --listen 127.0.0.1:0`` and prints the
    port it bound; it is terminated (SIGTERM, then SIGKILL) when the block exits.
    """

    def __init__(self, *, workers: int | None = None, startup_timeout: float = 120.0) -> None:
        self.workers = workers
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[str] | None = None
        self.address = ""

    def launch(self) -> None:
        """Start the engine process without waiting for it (`start` waits).

        The engine spends a few seconds importing; a command launches it first and
        does its own setting up (finding photos, starting ExifTool) meanwhile.
        """
        if self.alive():
            return
        cmd = [sys.executable, "-m", "engine", "serve", "--listen", "127.0.0.1:0"]
        if self.workers:
            cmd += ["--workers", str(self.workers)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=env)

    def start(self) -> str:
        """Launch the engine (unless `launch` did) and wait until it serves; its address."""
        self.launch()
        assert self.process is not None and self.process.stdout is not None
        line = self.process.stdout.readline()
        if "listening on" not in line:
            self.stop()
            err = self.process.stderr.read() if self.process.stderr else ""
            raise EngineStartError(f"local engine failed to start: {line}{err}".strip())
        self.address = line.rsplit(" ", 1)[-1].strip()
        wait_until_serving(self.address, self.startup_timeout)
        return self.address

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

"""Other ways to run the engine's analysis than one gRPC engine (e.g. a Ray cluster).

Each executor has the contract of ``EngineClient.analyze_stream``: given paths and
``AnalyzeOptions`` it yields ``(path, AnalyzeResponse)`` for every path exactly once, in
any order, with per-photo failures as error responses. Writing sidecars stays in the
bridge. Executors import their optional dependencies lazily (``pip install .[ray]``).
"""

from __future__ import annotations

from bridge.executors.ray_analysis import analyze_with_ray

__all__ = ["analyze_with_ray"]

"""The few-shot style model: ridge + nearest neighbours + analytic offset, blended by LOO.

For each target (`engine.style.targets`) learned from ``n`` examples, five candidates:

- **ridge** on the photo features (standardised with fixed typical scales, see
  `engine.style.features.FEATURE_SCALES`) plus the analytic predictor's value for that
  slider (so "what the photo needs" is an input), α chosen by closed-form leave-one-out;
- **sparse**: the same inputs, but only the (up to) three that forward selection by
  leave-one-out error picks — a photographer usually reacts to one or two things
  (only from `_MIN_SPARSE` examples: fewer cannot tell a cue from a coincidence; and one
  input per `_EXAMPLES_PER_INPUT` examples: the best of ~50 candidate inputs also
  improves the leave-one-out error by chance, more so the fewer the examples);
- **neighbours**: the analytic value plus the distance-weighted mean of the k = 5 nearest
  examples' residuals (target − analytic) — "like your photo X";
- **offset**: the analytic value plus the mean residual (your bias over the auto-adjust);
- **mean**: your average setting.

Their blend weights (a simplex grid: 0.25 steps, 0.5 steps below `_MIN_SPARSE`
examples) minimise the leave-one-out mean absolute error on the examples themselves, so
the model trusts the analytic predictor more when examples are few or noisy.

Guardrails: a photo far from every example (nearest distance beyond `FAR` times the
examples' typical nearest-neighbour distance) is shrunk toward the offset candidate —
the analytic predictor plus your average bias, the part of a style that transfers to
anything — fully so at twice that distance; predictions stay within the range of your
examples widened by a quarter of it (and, in `engine.style.targets`, within the slider).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["FAR", "MIN_EXAMPLES", "StyleModel", "TargetFit"]

#: Fewest examples a style profile is learned from (``learn-style`` refuses fewer).
MIN_EXAMPLES = 5
#: Fewest the model itself fits (leave-one-out evaluation of a 5-example profile fits 4).
_MIN_FIT = 3
#: Ridge penalties, times the number of inputs (inputs are in typical-spread units).
_ALPHAS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
_K = 5
_CAMERA_PENALTY = 0.5
_MAX_SPARSE = 3
_MIN_SPARSE = 8
_EXAMPLES_PER_INPUT = 15
#: Distance (× the typical nearest-example distance) beyond which predictions shrink.
FAR = 2.0
_N_CANDIDATES = 6


def _simplex(step: float) -> list[tuple[float, ...]]:
    ticks = np.arange(0, 1 + 1e-9, step)
    return [tuple(float(v) for v in w) for w in itertools.product(ticks, repeat=_N_CANDIDATES)
            if abs(sum(w) - 1) < 1e-9]


_GRID_FINE = _simplex(0.25)
_GRID_COARSE = [(0.5, 0.0, 0.0, 0.0, 0.0, 0.5)]

F64 = NDArray[np.float64]


@dataclass
class TargetFit:
    """The fitted model of one target (internal arrays, see `StyleModel`)."""

    rows: NDArray[np.int64]  # example indices used
    y: F64  # (n,) targets
    a: F64  # (n,) analytic values
    a_scale: float  # typical spread of the target (its analytic input is divided by it)
    coef: F64  # (D + 1,) ridge weights on [z, a / a_scale]
    intercept: float
    resid_coef: F64  # (D + 1,) ridge weights for target − analytic
    resid_intercept: float
    sparse: NDArray[np.int64]  # columns of [z, a / a_scale] the sparse fit uses
    sparse_coef: F64
    sparse_intercept: float
    weights: tuple[float, ...]  # blend of (ridge, sparse, neighbours, offset, mean,
    #                             analytic + residual ridge)
    lo: float  # guardrail range
    hi: float
    typical_distance: float  # median nearest-example distance among the examples
    loo_mae: float  # leave-one-out MAE of the blend (target units)


def _ridge(x: F64, y: F64, alphas: Sequence[float]) -> tuple[F64, float, F64]:
    """Ridge with intercept, α (× inputs) by exact LOO: (coef, intercept, LOO predictions)."""
    xm, ym = x.mean(0), float(y.mean())
    xc, yc = x - xm, y - ym
    n, d = xc.shape
    best: tuple[float, F64, F64] | None = None
    if d < n:  # primal: (d, d) systems
        gram = xc.T @ xc
        for alpha in alphas:
            inv = np.linalg.inv(gram + alpha * d * np.eye(d))
            lev = np.einsum("ij,jk,ik->i", xc, inv, xc) + 1.0 / n
            coef = inv @ (xc.T @ yc)
            resid = yc - xc @ coef
            loo = y - resid / (1 - np.clip(lev, 0, 0.999))
            err = float(np.abs(loo - y).mean())
            if best is None or err < best[0]:
                best = (err, coef, loo)
    else:  # dual (kernel) form: (n, n) systems, cheap when examples are few
        kernel = xc @ xc.T
        for alpha in alphas:
            inv = np.linalg.inv(kernel + alpha * d * np.eye(n))
            hat = kernel @ inv
            resid = yc - hat @ yc
            lev = np.clip(np.diag(hat) + 1.0 / n, 0, 0.999)
            loo = y - resid / (1 - lev)
            err = float(np.abs(loo - y).mean())
            if best is None or err < best[0]:
                best = (err, xc.T @ (inv @ yc), loo)
    assert best is not None
    coef = best[1]
    return coef, ym - float(xm @ coef), best[2]


def _loo_mean(y: F64) -> F64:
    return np.asarray((y.sum() - y) / (len(y) - 1))


def _sparse(x: F64, y: F64) -> tuple[NDArray[np.int64], F64, float, F64]:
    """Forward selection of up to `_MAX_SPARSE` columns (one per `_EXAMPLES_PER_INPUT`
    examples) by LOO MAE (light ridge)."""
    chosen: list[int] = []
    loo_mean = _loo_mean(y)
    best_err = float(np.abs(y - loo_mean).mean())
    best: tuple[F64, float, F64] = (np.zeros(0), float(y.mean()), loo_mean)
    steps = min(_MAX_SPARSE, max(1, len(y) // _EXAMPLES_PER_INPUT)) if len(y) >= _MIN_SPARSE else 0
    for _ in range(steps):
        trials = []
        for c in range(x.shape[1]):
            if c not in chosen and np.ptp(x[:, c]) > 0:
                coef, icpt, loo = _ridge(x[:, [*chosen, c]], y, (0.01,))
                trials.append((float(np.abs(loo - y).mean()), c, coef, icpt, loo))
        if not trials:
            break
        err, c, coef, icpt, loo = min(trials, key=lambda t: t[0])
        if err >= best_err * 0.95:  # keep only inputs that clearly help
            break
        chosen.append(c)
        best_err, best = err, (coef, icpt, loo)
    return np.asarray(chosen, dtype=np.int64), *best


def _neighbours(dist: F64, resid: F64, k: int) -> F64:
    """Distance-weighted mean residual of the k nearest (rows of ``dist``)."""
    k = min(k, dist.shape[1])
    idx = np.argsort(dist, axis=1)[:, :k]
    d = np.take_along_axis(dist, idx, 1)
    w = 1.0 / (d + 0.1)
    return np.asarray((w * resid[idx]).sum(1) / w.sum(1))


class StyleModel:
    """A photographer's style learned from (photo features, analytic settings, their settings).

    Args:
        features: (n, D) photo features (NaN = unknown, imputed with the examples' mean).
        analytic: (n, T) the analytic predictor's values per target (0 where it is silent).
        targets: (n, T) the photographer's values, NaN where a target does not apply
            (raw white balance of a rendered photo, …).
        target_names: the T target names.
        cameras: n camera names ("" = unknown).
        names: n example names (for reasons).
        scales: (D,) typical spread of each feature (default 1).
        target_scales: (T,) typical spread of each target (default 1).

    Raises:
        ValueError: fewer than three examples or mismatched shapes.
    """

    def __init__(
        self,
        features: F64,
        analytic: F64,
        targets: F64,
        target_names: Sequence[str],
        cameras: Sequence[str],
        names: Sequence[str],
        scales: F64 | None = None,
        target_scales: F64 | None = None,
    ) -> None:
        n = features.shape[0]
        if n < _MIN_FIT:
            raise ValueError(f"a style model needs at least {_MIN_FIT} examples, got {n}")
        if analytic.shape != targets.shape or targets.shape != (n, len(target_names)):
            raise ValueError(
                f"shape mismatch: features {features.shape}, analytic {analytic.shape}, "
                f"targets {targets.shape}, {len(target_names)} target names"
            )
        self.target_names = list(target_names)
        self.cameras = list(cameras)
        self.names = list(names)
        finite = np.isfinite(features)
        counts = finite.sum(0)
        self.centre = np.where(counts > 0, np.where(finite, features, 0).sum(0)
                               / np.maximum(counts, 1), 0.0)
        self.scales = np.ones(features.shape[1]) if scales is None else np.asarray(scales)
        t_scales = np.ones(len(target_names)) if target_scales is None else target_scales
        self.z = self._standardise(features)
        self.fits: dict[str, TargetFit] = {}
        for t, name in enumerate(self.target_names):
            rows = np.flatnonzero(np.isfinite(targets[:, t]))
            if len(rows) >= _MIN_FIT:
                self.fits[name] = self._fit(rows, analytic[rows, t], targets[rows, t],
                                            float(t_scales[t]))

    def _standardise(self, x: F64) -> F64:
        return np.asarray(np.where(np.isfinite(x), (x - self.centre) / self.scales, 0.0))

    def _dist(self, z: F64, cams: Sequence[str], rows: NDArray[np.int64]) -> F64:
        """(m, len(rows)) RMS feature distances, plus a penalty across known cameras."""
        d = np.sqrt(((z[:, None, :] - self.z[rows][None]) ** 2).mean(-1))
        own = np.array([self.cameras[r] for r in rows])
        cam = np.array(cams)[:, None]
        return np.asarray(d + _CAMERA_PENALTY * ((cam != own[None]) & (cam != "") & (own != "")))

    def _fit(self, rows: NDArray[np.int64], a: F64, y: F64, a_scale: float) -> TargetFit:
        n = len(rows)
        x = np.column_stack([self.z[rows], a / a_scale])
        dist = self._dist(self.z[rows], [self.cameras[r] for r in rows], rows)
        np.fill_diagonal(dist, np.inf)  # leave self out
        typical = float(np.median(dist.min(1)))
        span = float(y.max() - y.min())
        lo, hi = float(y.min() - 0.25 * span), float(y.max() + 0.25 * span)
        empty = np.zeros(0, dtype=np.int64)
        if span < 1e-9:  # always the same value (often: a slider you never touch)
            zeros = np.zeros(x.shape[1])
            return TargetFit(rows, y, a, a_scale, zeros, float(y[0]), zeros, 0.0, empty,
                             np.zeros(0), float(y[0]), (0, 0, 0, 0, 1, 0), lo, hi, typical, 0.0)
        coef, intercept, loo_ridge = _ridge(x, y, _ALPHAS)
        r_coef, r_intercept, loo_resid = _ridge(x, y - a, _ALPHAS)
        cols, s_coef, s_icpt, loo_sparse = _sparse(x, y)
        resid = y - a
        loo_nn = a + _neighbours(dist, resid, _K)
        loo_off = a + _loo_mean(resid)
        cands = np.column_stack([loo_ridge, loo_sparse, loo_nn, loo_off, _loo_mean(y),
                                 a + loo_resid])
        grid = _GRID_FINE if n >= _MIN_SPARSE else _GRID_COARSE
        errs = [float(np.abs(cands @ np.array(w) - y).mean()) for w in grid]
        best = int(np.argmin(errs))
        return TargetFit(rows, y, a, a_scale, coef, intercept, r_coef, r_intercept,
                         cols, s_coef, s_icpt,
                         grid[best], lo, hi, typical, errs[best])

    def predict(
        self, features: F64, analytic: F64, camera: str = ""
    ) -> tuple[dict[str, float], dict[str, tuple[str, float]]]:
        """Predict every fitted target for one photo.

        Args:
            features: (D,) photo features.
            analytic: (T,) analytic values in `target_names` order.
            camera: the photo's camera ("" = unknown).

        Returns:
            ``({target: value}, {target: (nearest example name, its value)})``.
        """
        z = self._standardise(np.asarray(features, dtype=np.float64)[None])
        out: dict[str, float] = {}
        nearest: dict[str, tuple[str, float]] = {}
        for t, name in enumerate(self.target_names):
            fit = self.fits.get(name)
            if fit is None:
                continue
            a = float(analytic[t])
            x = np.append(z[0], a / fit.a_scale)
            dist = self._dist(z, [camera], fit.rows)
            resid = fit.y - fit.a
            offset = a + float(resid.mean())
            cands = np.array([
                float(x @ fit.coef + fit.intercept),
                float(x[fit.sparse] @ fit.sparse_coef + fit.sparse_intercept),
                a + float(_neighbours(dist, resid, _K)[0]),
                offset,
                float(fit.y.mean()),
                a + float(x @ fit.resid_coef + fit.resid_intercept),
            ])
            value = float(cands @ np.array(fit.weights))
            far = float(dist.min()) / max(fit.typical_distance, 1e-6)
            shrink = float(np.clip((far - FAR) / FAR, 0.0, 1.0))
            value = (1 - shrink) * value + shrink * offset
            out[name] = float(np.clip(value, fit.lo, fit.hi))
            j = int(np.argmin(dist[0]))
            nearest[name] = (self.names[int(fit.rows[j])], float(fit.y[j]))
        return out, nearest

    def distance_ratio(self, features: F64, camera: str = "") -> float:
        """Nearest-example distance of a photo over the examples' typical one (≥ 0)."""
        z = self._standardise(np.asarray(features, dtype=np.float64)[None])
        rows = np.arange(len(self.names), dtype=np.int64)
        dist = self._dist(z, [camera], rows)
        inner = self._dist(self.z, self.cameras, rows)
        np.fill_diagonal(inner, np.inf)
        return float(dist.min() / max(float(np.median(inner.min(1))), 1e-6))

"""The few-shot style model: ridge + nearest neighbours + analytic offset, blended by LOO.

For each target (`engine.style.targets`) learned from ``n`` examples, five candidates:

- **ridge** on standardised photo features plus the analytic predictor's value for that
  slider (so "what the photo needs" is an input), α chosen by closed-form leave-one-out;
- **sparse**: the same inputs, but only the (up to) three that forward selection by
  leave-one-out error picks — a photographer usually reacts to one or two things;
- **neighbours**: the analytic value plus the distance-weighted mean of the k = 5 nearest
  examples' residuals (target − analytic) — "like your photo X";
- **offset**: the analytic value plus the mean residual (your bias over the auto-adjust);
- **mean**: your average setting.

Their blend weights (a 0.25-step simplex grid) minimise the leave-one-out mean absolute
error on the examples themselves, so the model trusts the analytic predictor more when
examples are few or noisy.  Predictions are kept within the range of your examples
widened by a quarter of it (guardrail against extrapolation).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["MIN_EXAMPLES", "StyleModel", "TargetFit"]

#: Fewest examples a style profile is learned from (``learn-style`` refuses fewer).
MIN_EXAMPLES = 5
#: Fewest the model itself fits (leave-one-out evaluation of a 5-example profile fits 4).
_MIN_FIT = 3
_ALPHAS = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
_K = 5
_CAMERA_PENALTY = 0.5
_MAX_SPARSE = 3
_MIN_SPARSE = 8  # fewer examples cannot tell a real cue from a coincidence
_GRID = [w for w in itertools.product(np.arange(0, 1.01, 0.25), repeat=5)
         if abs(sum(w) - 1) < 1e-9]

F64 = NDArray[np.float64]


@dataclass
class TargetFit:
    """The fitted model of one target (internal arrays, see `StyleModel`)."""

    rows: NDArray[np.int64]  # example indices used
    y: F64  # (n,) targets
    a: F64  # (n,) analytic values
    coef: F64  # (D + 1,) ridge weights on [z, a_std]
    a_mean: float
    a_std: float
    intercept: float
    sparse: NDArray[np.int64]  # columns of [z, a_std] the sparse fit uses
    sparse_coef: F64
    sparse_intercept: float
    weights: tuple[float, ...]  # blend of (ridge, sparse, neighbours, offset, mean)
    lo: float  # guardrail
    hi: float
    loo_mae: float


def _standardise(x: F64, mean: F64, std: F64) -> F64:
    return np.nan_to_num((x - mean) / std, nan=0.0)


def _ridge(x: F64, y: F64, alphas: Sequence[float] = _ALPHAS) -> tuple[F64, float, F64]:
    """Ridge with intercept, α by LOO: (coef, intercept, LOO predictions)."""
    xm, ym = x.mean(0), y.mean()
    xc, yc = x - xm, y - ym
    n = len(y)
    best: tuple[float, F64, F64] | None = None
    gram = xc @ xc.T  # kernel form: cheap when n ≪ D or n ~ D
    for alpha in alphas:
        inv = np.linalg.solve(gram + alpha * np.eye(n), np.eye(n))
        hat = gram @ inv
        resid = yc - hat @ yc
        lev = np.clip(np.diag(hat) + 1.0 / n, 0, 0.999)
        loo = y - resid / (1 - lev)
        err = float(np.abs(loo - y).mean())
        if best is None or err < best[0]:
            best = (err, xc.T @ (inv @ yc), loo)
    assert best is not None
    coef = best[1]
    return coef, float(ym - xm @ coef), best[2]


def _sparse(x: F64, y: F64) -> tuple[NDArray[np.int64], F64, float, F64]:
    """Forward selection of up to `_MAX_SPARSE` columns by LOO MAE (light ridge)."""
    chosen: list[int] = []
    best_err = float(np.abs(y - (y.sum() - y) / (len(y) - 1)).mean())
    best: tuple[F64, float, F64] = (np.zeros(0), float(y.mean()), (y.sum() - y) / (len(y) - 1))
    for _ in range(_MAX_SPARSE if len(y) >= _MIN_SPARSE else 0):
        trials = []
        for c in range(x.shape[1]):
            if c not in chosen:
                coef, icpt, loo = _ridge(x[:, [*chosen, c]], y, (0.1,))
                trials.append((float(np.abs(loo - y).mean()), c, coef, icpt, loo))
        err, c, coef, icpt, loo = min(trials, key=lambda t: t[0])
        if err >= best_err * 0.97:  # keep only features that clearly help
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
        features: (n, D) photo features (NaN = unknown).
        analytic: (n, T) the analytic predictor's values per target (0 where it is silent).
        targets: (n, T) the photographer's values, NaN where a target does not apply
            (raw white balance of a rendered photo, …).
        target_names: the T target names.
        cameras: n camera names ("" = unknown).
        names: n example names (for reasons).

    Raises:
        ValueError: fewer than `MIN_EXAMPLES` examples or mismatched shapes.
    """

    def __init__(
        self,
        features: F64,
        analytic: F64,
        targets: F64,
        target_names: Sequence[str],
        cameras: Sequence[str],
        names: Sequence[str],
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
        self.mean = np.nanmean(np.where(np.isfinite(features), features, np.nan), axis=0)
        self.mean = np.nan_to_num(self.mean)
        std = np.nanstd(np.where(np.isfinite(features), features, np.nan), axis=0)
        self.std = np.where(np.nan_to_num(std) > 1e-9, np.nan_to_num(std), 1.0)
        self.z = _standardise(features, self.mean, self.std)
        self.fits: dict[str, TargetFit] = {}
        for t, name in enumerate(self.target_names):
            rows = np.flatnonzero(np.isfinite(targets[:, t]))
            if len(rows) >= _MIN_FIT:
                self.fits[name] = self._fit(rows, analytic[rows, t], targets[rows, t])

    def _dist(self, z: F64, cams: Sequence[str], rows: NDArray[np.int64]) -> F64:
        """(m, len(rows)) feature distances, plus a penalty across known cameras."""
        d = np.sqrt(((z[:, None, :] - self.z[rows][None]) ** 2).mean(-1))
        own = np.array([self.cameras[r] for r in rows])
        cam = np.array(cams)[:, None]
        return np.asarray(d + _CAMERA_PENALTY * ((cam != own[None]) & (cam != "") & (own != "")))

    def _fit(self, rows: NDArray[np.int64], a: F64, y: F64) -> TargetFit:
        n = len(rows)
        a_mean, a_std = float(a.mean()), float(a.std()) or 1.0
        x = np.column_stack([self.z[rows], (a - a_mean) / a_std])
        coef, intercept, loo_ridge = _ridge(x, y)
        cols, s_coef, s_icpt, loo_sparse = _sparse(x, y)
        dist = self._dist(self.z[rows], [self.cameras[r] for r in rows], rows)
        np.fill_diagonal(dist, np.inf)  # leave self out
        resid = y - a
        loo_nn = a + _neighbours(dist, resid, _K)
        total = resid.sum()
        loo_off = a + (total - resid) / (n - 1)
        loo_mean = (y.sum() - y) / (n - 1)
        cands = np.column_stack([loo_ridge, loo_sparse, loo_nn, loo_off, loo_mean])
        errs = [float(np.abs(cands @ np.array(w) - y).mean()) for w in _GRID]
        best = int(np.argmin(errs))
        span = float(y.max() - y.min())
        return TargetFit(rows, y, a, coef, a_mean, a_std, intercept, cols, s_coef, s_icpt,
                         tuple(_GRID[best]),
                         float(y.min() - 0.25 * span), float(y.max() + 0.25 * span), errs[best])

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
        z = _standardise(features[None], self.mean, self.std)
        out: dict[str, float] = {}
        nearest: dict[str, tuple[str, float]] = {}
        for t, name in enumerate(self.target_names):
            fit = self.fits.get(name)
            if fit is None:
                continue
            a = float(analytic[t])
            x = np.append(z[0], (a - fit.a_mean) / fit.a_std)
            dist = self._dist(z, [camera], fit.rows)
            resid = fit.y - fit.a
            cands = np.array([
                float(x @ fit.coef + fit.intercept),
                float(x[fit.sparse] @ fit.sparse_coef + fit.sparse_intercept),
                a + float(_neighbours(dist, resid, _K)[0]),
                a + float(resid.mean()),
                float(fit.y.mean()),
            ])
            out[name] = float(np.clip(cands @ np.array(fit.weights), fit.lo, fit.hi))
            j = int(np.argmin(dist[0]))
            nearest[name] = (self.names[int(fit.rows[j])], float(fit.y[j]))
        return out, nearest

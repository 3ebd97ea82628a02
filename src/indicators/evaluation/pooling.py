"""Partial pooling (empirical Bayes): a short series' trend shrunk toward its indicator's pooled trend.

Each indicator has about 31 provincial series. One region's drift (its average yearly change) from
a handful of points is noisy; the average of all regions' drifts is steadier but ignores the region.
Empirical Bayes weighs the two by their variances (Efron & Morris 1975):

    slope_i = B_i * mu + (1 - B_i) * b_i,   B_i = v_i / (v_i + tau^2)

with ``b_i`` the region's own drift and ``v_i = sigma_i^2 / span_i`` its sampling variance, ``mu``
the mean drift of the pool and ``tau^2`` the spread of the true drifts (method of moments: the
variance of the ``b_j`` less the mean ``v_j``, at least 0). Slopes are taken on the model scale:
logit for shares, log for positive money, counts and ratios, so regions of different size pool.

This is an experiment of the backtest (the ``pooled`` rows of ``indicators backtest``): each
origin's pool uses only data up to that origin's year. The ladder does not use it.
"""

from __future__ import annotations

import numpy as np

from ..units import unit_of

__all__ = ["drift_stats", "shrunk_slope", "model_scale"]


def model_scale(unit: str, y: np.ndarray) -> str | None:
    """The scale drifts are pooled on: logit for shares, log for positive quantities, else None
    (an index or a count of years has no common scale across regions: not pooled)."""
    u = unit_of(unit)
    if u.model_scale == "logit":
        return "logit"
    if (u.relative or u.model_scale == "log") and np.all(y > 0):
        return "log"
    return None


def drift_stats(t: np.ndarray, z: np.ndarray) -> tuple[float, float]:
    """(own drift b, its sampling variance v) of a series on the model scale (two points or more)."""
    span = t[-1] - t[0]
    b = (z[-1] - z[0]) / span
    d, dt = np.diff(z), np.diff(t)
    sigma2 = np.sum((d - b * dt) ** 2 / dt) / (len(d) - 1) if len(d) >= 2 else d[0] ** 2 / dt[0]
    return float(b), float(sigma2 / span)


def shrunk_slope(own: tuple[float, float], pool: list[tuple[float, float]]) -> float:
    """The region's drift shrunk toward the pool's mean; its own drift when the pool has < 3 series."""
    b, v = own
    if len(pool) < 3:
        return b
    bs, vs = np.array([p[0] for p in pool]), np.array([p[1] for p in pool])
    mu = float(np.mean(bs))
    tau2 = max(float(np.var(bs, ddof=1) - np.mean(vs)), 0.0)
    if v + tau2 <= 0:
        return mu
    weight = v / (v + tau2)
    return weight * mu + (1 - weight) * b


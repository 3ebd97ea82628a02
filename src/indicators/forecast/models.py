"""The model registry: each forecast model is one ``Model`` entry in ``MODELS``.

An entry carries everything the ladder asks of a model: its name, the fewest points it is fitted
to, the fact of ``units.Unit`` a unit must have for it, whether it needs positive values or
consecutive years, the scale it forces (log-linear growth is fitted on logs), whether its interval
is floored at the random walk's, its place in the ladder's preference (``rank``) and its fit.

A fit takes many series of one length at once: years ``t`` (S, n), values on the model scale
``z`` (S, n) and forecast steps ``h`` (S, m) (years after each series' last), and returns
``(loc, scale, df)``: a location-scale Student-t (``df`` finite) or normal (``df`` inf) per series
and step, ``loc`` and ``scale`` (S, m). The ladder (``ladder.fit_many``) calls it for a group of
thousands of series; ``ladder.fit_forecast`` is the same path with one series. The tests pin the
numbers against an independent per-series implementation (statsmodels and plain numpy,
``tests/forecast_reference.py``). Why the intervals look as they do is explained in ``ladder``.

References: Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), 5.5
(naive and drift intervals); Hyndman & Billah (2003) (theta as SES with drift).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["Model", "MODELS", "naive", "drift", "shrunk_drift", "linear", "weighted", "theta", "random_walk_sd",
           "recency_weights", "ses_alpha", "theta_many", "WEIGHT_DECAY", "SHRINK"]

WEIGHT_DECAY = 0.7  # recency weight per year back: the latest point weighs 1, one year earlier 0.7, ...
# drift shrunk toward no change: slope x t^2 / (t^2 + SHRINK), t the slope over its standard error;
# chosen on the bundled real series and M3 yearly (see ``shrunk_drift``)
SHRINK = 2.0


@dataclass(frozen=True)
class Model:
    """One model of the ladder: what it needs, how the ladder treats it, and its fit for many series."""

    name: str
    min_n: int                         # fewest points it is fitted to
    fit: Callable                      # (t, z, h) arrays (S, n), (S, n), (S, m) -> (loc, scale, df)
    needs: str | None = None           # the fact of ``units.Unit`` a unit must have (None: any unit)
    positive: bool = False             # needs strictly positive values
    consecutive: bool = False          # needs consecutive years
    log_scale: bool = False            # fitted on log values whatever the unit's own scale
    floored: bool = False              # interval never narrower than the random walk's
    rank: int | None = None            # the ladder's preference (0 first); None: fitted only when asked for


# --- the fits: many series of one length at once ----------------------------------------------------

def random_walk_sd(t: np.ndarray, z: np.ndarray, h: np.ndarray) -> np.ndarray:
    """The random walk's sd h steps ahead, sigma sqrt(h), sigma^2 the mean squared yearly change
    (a change over a gap of several years divided by its span)."""
    d, dt = np.diff(z, axis=1), np.diff(t, axis=1)
    return np.sqrt(np.mean(d * d / dt, axis=1, keepdims=True) * h)


def naive(t, z, h):
    """Random walk (last value): sd_h = sigma sqrt(h) (FPP 5.5), Student-t with len(d) df."""
    return np.repeat(z[:, -1:], h.shape[1], axis=1), random_walk_sd(t, z, h), float(z.shape[1] - 1)


def _slope(t, z):
    """Average yearly change, its residual variance per year and the span of years."""
    n = z.shape[1]
    d, dt = np.diff(z, axis=1), np.diff(t, axis=1)
    span = (t[:, -1] - t[:, 0])[:, None]
    slope = (z[:, -1:] - z[:, :1]) / span
    if n - 1 >= 2:
        sigma2 = np.sum((d - slope * dt) ** 2 / dt, axis=1, keepdims=True) / (n - 2)
    else:  # one change seen: its size is the only scale there is
        sigma2 = d[:, :1] ** 2 / dt[:, :1]
    return slope, sigma2, span


def drift(t, z, h):
    """Average annual change: sd_h = sigma sqrt(h (1 + h/span)) (FPP 5.5), never narrower than the
    random walk's, Student-t with len(d) degrees of freedom.

    The scale is the larger of two estimates, the drift's residual sd (len(d) - 1 df) and the random
    walk's (len(d) df); the t quantile takes len(d). With len(d) - 1 a 3-point interval was a t with
    1 df (0.9-quantile 3.08) and covered 0.93 (M3 yearly, 3 points) and 0.96 (bundled series) where
    0.80 is meant; with len(d) 0.82 and 0.87."""
    slope, sigma2, span = _slope(t, z)
    sd = np.sqrt(sigma2 * h * (1 + h / span))
    return z[:, -1:] + slope * h, np.maximum(sd, random_walk_sd(t, z, h)), float(z.shape[1] - 1)


def shrunk_drift(t, z, h):
    """Drift whose slope is shrunk toward no change by the evidence for it: slope x w,
    w = t^2 / (t^2 + SHRINK), t = slope / se(slope), se^2 = sigma^2 / span (the drift's own residual
    variance; a random walk with drift estimates its slope with that variance). A steady trend
    (large t) keeps almost all of its slope; a trend no larger than the noise around it is mostly
    not carried forward. The interval is the drift's.

    Why: the bundled real series turn (enrolment waves, policy changes) and reward less trend (naive
    0.918 x drift's MASE), M1's macro series reward all of it (naive 1.40 x). Shrinking by the
    series' own evidence keeps the trend where it is clear. SHRINK = 2 was chosen on the bundled
    series and M3 yearly only; M1 and Tourism are out-of-sample checks (README, Backtest)."""
    loc, scale, df = drift(t, z, h)
    slope, sigma2, span = _slope(t, z)
    se2 = sigma2 / span
    with np.errstate(divide="ignore", invalid="ignore"):
        t2 = slope * slope / se2
        w = np.where(se2 > 0, t2 / (t2 + SHRINK), 1.0)
    return z[:, -1:] + w * slope * h, scale, df


def _ols(t, z, h, w):
    """Weighted least-squares trend on x = t - t_last; observation variance sigma^2 (1 + x0'(X'WX)^-1 x0)
    with the newest point's weight 1 (statsmodels' WLS prediction interval ignores the weights)."""
    x = t - t[:, -1:]
    sw, sx, sxx = w.sum(1, keepdims=True), (w * x).sum(1, keepdims=True), (w * x * x).sum(1, keepdims=True)
    sy, sxy = (w * z).sum(1, keepdims=True), (w * x * z).sum(1, keepdims=True)
    det = sw * sxx - sx * sx
    b = (sw * sxy - sx * sy) / det
    a = (sy - b * sx) / sw
    sigma2 = (w * (z - a - b * x) ** 2).sum(1, keepdims=True) / (z.shape[1] - 2)
    q = (sxx - 2 * h * sx + h * h * sw) / det
    return a + b * h, np.sqrt(sigma2 * (1 + q)), float(z.shape[1] - 2)


def linear(t, z, h):
    """Ordinary least-squares trend with its observation interval (t with n - 2 df)."""
    return _ols(t, z, h, np.ones_like(t))


def recency_weights(t: np.ndarray, decay: float = WEIGHT_DECAY) -> np.ndarray:
    """Weights of a recency-weighted trend: 1 for the newest year, ``decay`` per year back."""
    return decay ** (t[..., -1:] - t)


def weighted(t, z, h):
    """Recency-weighted least-squares trend (``WEIGHT_DECAY`` per year back)."""
    return _ols(t, z, h, recency_weights(t))


def theta(t, z, h):
    """The theta method as SES with drift (``theta_many``), normal, for consecutive years."""
    return (*theta_many(z, h), np.inf)


# --- theta as SES with drift ---------------------------------------------------------------------
#
# Theta has no closed form in statsmodels: its ThetaModel fits simple exponential smoothing (SES) by
# numerical optimisation and its interval by an ARIMA(0,1,1) maximum likelihood fit. Here it is what it
# is, SES with drift (Hyndman & Billah 2003): the smoothing weight by a grid search refined by golden
# section (the least-squares criterion of statsmodels, whose optimiser stops in a local minimum for about
# 5% of M3 series), the interval from the one-step errors. benchmarks/theta.py measures the agreement.

_GRID = np.linspace(0.0, 1.0, 101)
_GOLDEN = (np.sqrt(5) - 1) / 2
_GOLDEN_STEPS = 40


def _ses(z: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum of squared one-step errors and final level of SES started at the first value.
    ``z`` is (S, n), ``alpha`` (S, K): K smoothing weights per series at once."""
    level = np.repeat(z[:, :1], alpha.shape[1], axis=1)
    sse = np.zeros_like(level)
    for j in range(1, z.shape[1]):
        e = z[:, j:j + 1] - level
        sse += e * e
        level = level + alpha * e
    return sse, level


def ses_alpha(z: np.ndarray) -> np.ndarray:
    """The least-squares SES weight in [0, 1] per series: the best of a 0.01 grid, refined by golden
    section inside its neighbouring grid cells."""
    s = len(z)
    sse, _ = _ses(z, np.broadcast_to(_GRID, (s, len(_GRID))))
    i = np.argmin(sse, axis=1)
    lo, hi = _GRID[np.maximum(i - 1, 0)], _GRID[np.minimum(i + 1, len(_GRID) - 1)]
    for _ in range(_GOLDEN_STEPS):
        c, d = hi - _GOLDEN * (hi - lo), lo + _GOLDEN * (hi - lo)
        f, _ = _ses(z, np.stack([c, d], axis=1))
        left = f[:, 0] < f[:, 1]
        hi, lo = np.where(left, d, hi), np.where(left, lo, c)
    best = (lo + hi) / 2
    f_best, _ = _ses(z, best[:, None])
    grid_best = _GRID[i]
    return np.where(f_best[:, 0] <= sse[np.arange(s), i], best, grid_best)


def theta_many(z: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Theta forecasts (theta = 2) of consecutive yearly series ``z`` (S, n) at steps ``h`` (S, m).

    Point: the SES level plus half the linear trend's slope, as statsmodels' ThetaModel computes it.
    Scale: sd_h = sigma sqrt(1 + (h - 1)(1 + (alpha - 1)^2)) (statsmodels' formula), with sigma^2 the
    mean squared one-step error of SES with drift instead of an ARIMA(0,1,1) likelihood fit."""
    n = z.shape[1]
    tt = np.arange(n, dtype=float) - (n - 1) / 2
    b0 = (z * tt).sum(axis=1) / (tt * tt).sum()
    alpha = ses_alpha(z)
    a = alpha[:, None]
    _, level = _ses(z, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        lead = np.where(a > 0, 1 / a - (1 - a) ** n / a, 0.0)
    loc = level + 0.5 * b0[:, None] * (h - 1 + lead)
    # one-step errors of SES with drift, the drift being the mean yearly change (the constant of the
    # ARIMA(0,1,1) whose likelihood statsmodels maximises); divided by n as a likelihood estimate is
    c = (z[:, -1] - z[:, 0]) / (n - 1)
    lvl, sse = z[:, 0].copy(), np.zeros(len(z))
    for j in range(1, n):
        e = z[:, j] - (lvl + c)
        sse += e * e
        lvl = lvl + c + alpha * e
    sigma2 = sse / n
    scale = np.sqrt(sigma2[:, None] * (1 + (h - 1) * (1 + (a - 1) ** 2)))
    return loc, scale


# --- the registry ----------------------------------------------------------------------------------
#
# The ladder uses the ranked models: the first (rank 0) unless, from ``ladder.MIN_N_SELECT`` points,
# another ranked model's rolling-origin error is lower. The others are fitted when asked for by name
# (the backtest and the benchmarks compare them).

MODELS: dict[str, Model] = {m.name: m for m in (
    Model("naive", 2, naive),
    Model("drift", 2, drift, rank=1),
    Model("shrunk_drift", 2, shrunk_drift, rank=0),
    Model("linear", 3, linear, floored=True),
    Model("weighted", 3, weighted, floored=True),
    Model("loglinear", 5, linear, needs="relative", positive=True, log_scale=True, floored=True),
    Model("theta", 8, theta, consecutive=True, floored=True),
)}

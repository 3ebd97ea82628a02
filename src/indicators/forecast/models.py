"""The candidate models of the forecast ladder, one series at a time (the reference path).

Each fit takes the years ``t``, the values ``z`` on the model scale and the forecast years, and
returns ``(loc, scale, df)`` per forecast year: a location-scale Student-t (``df`` finite) or
normal (``df`` inf). ``batch`` computes the same numbers for many series at once; a test holds
the two paths equal. Why each interval looks as it does is explained in ``forecast``.
"""

from __future__ import annotations

import numpy as np

WEIGHT_DECAY = 0.7  # recency weight per year back: the latest point weighs 1, one year earlier 0.7, ...


def naive(t, z, years):
    """Random walk: sd_h = sigma sqrt(h) (FPP 5.5), Student-t with len(d) degrees of freedom."""
    dt = np.diff(t)
    d = np.diff(z)
    sigma2 = np.mean(d**2 / dt)  # per-year variance of a random walk, gaps allowed
    h = years - t[-1]
    return np.full(len(years), z[-1]), np.sqrt(sigma2 * h), float(len(d))


def drift(t, z, years):
    """Average annual change: sd_h = sigma sqrt(h (1 + h/span)) (FPP 5.5), Student-t with
    len(d) - 1 degrees of freedom (at least 1), never narrower than the random walk's interval."""
    dt = np.diff(t)
    d = np.diff(z)
    slope = (z[-1] - z[0]) / (t[-1] - t[0])
    h = years - t[-1]
    if len(d) >= 2:
        sigma2 = np.sum((d - slope * dt) ** 2 / dt) / (len(d) - 1)
    else:  # one change seen: its size is the only scale we have (as the naive model would use)
        sigma2 = d[0] ** 2 / dt[0]
    span = t[-1] - t[0]
    sd = np.sqrt(sigma2 * h * (1 + h / span))
    sd_naive = np.sqrt(np.mean(d**2 / dt) * h)
    return z[-1] + slope * h, np.maximum(sd, sd_naive), float(max(len(d) - 1, 1))


def ols(t, z, years, weights=None):
    """Linear trend. Unweighted: statsmodels OLS get_prediction (observation interval).
    Weighted: WLS point forecast; prediction variance sigma^2 (1/w0 + x0' (X'WX)^-1 x0) with w0 = 1,
    the weight of the newest point, because statsmodels' WLS prediction ignores weights."""
    import statsmodels.api as sm

    x = sm.add_constant(t - t[-1])
    x0 = sm.add_constant(years - t[-1], has_constant="add")
    n = len(t)
    if weights is None:
        res = sm.OLS(z, x).fit()
        pred = res.get_prediction(x0)
        se_obs = np.sqrt(pred.se_mean**2 + res.scale)
        return pred.predicted_mean, se_obs, n - 2
    res = sm.WLS(z, x, weights=weights).fit()
    xtwx_inv = np.linalg.inv(x.T @ (weights[:, None] * x))
    sigma2 = float(np.sum(weights * res.resid**2) / (n - 2))
    var = sigma2 * (1.0 + np.einsum("ij,jk,ik->i", x0, xtwx_inv, x0))
    return x0 @ res.params, np.sqrt(var), n - 2


def linear(t, z, years):
    return ols(t, z, years)


def recency_weights(t: np.ndarray, decay: float = WEIGHT_DECAY) -> np.ndarray:
    return decay ** (t[-1] - t)


def weighted(t, z, years):
    return ols(t, z, years, weights=recency_weights(t))


def theta(t, z, years):
    """The theta method as SES with drift (Hyndman & Billah 2003), in closed form (``theta_many``);
    statsmodels' ThetaModel is its reference in the tests."""
    if np.any(np.diff(t) != 1):
        raise ValueError("theta needs consecutive years")
    loc, scale = theta_many(np.asarray(z, float)[None, :], (np.asarray(years, float) - t[-1])[None, :])
    return loc[0], scale[0], np.inf



# --- theta as SES with drift, for many series at once (the per-series ``theta`` calls it) ----------
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

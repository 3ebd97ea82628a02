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
    """The theta method as SES with drift (Hyndman & Billah 2003), in closed form (see
    ``batch.theta``); statsmodels' ThetaModel is its reference in the tests."""
    from .batch import theta as theta_many

    if np.any(np.diff(t) != 1):
        raise ValueError("theta needs consecutive years")
    loc, scale = theta_many(np.asarray(z, float)[None, :], (np.asarray(years, float) - t[-1])[None, :])
    return loc[0], scale[0], np.inf


FITS = {"naive": naive, "drift": drift, "linear": linear, "weighted": weighted, "loglinear": linear, "theta": theta}

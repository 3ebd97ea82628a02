"""An independent reference for the forecast models, one series at a time (tests only).

The tool fits many series at once (``indicators.forecast.models``, arrays of shape (S, n)); this
module computes the same quantities for one series with statsmodels and plain numpy, written from
the textbook formulas (FPP 5.5, OLS/WLS prediction), so the tests pin the numbers of the registry
against something that does not share its code. Each fit takes years ``t``, values on the model
scale ``z`` and forecast years, and returns (loc, scale, df).
"""

from __future__ import annotations

import numpy as np

SHRINK = 2.0
WEIGHT_DECAY = 0.7


def naive(t, z, years):
    h = years - t[-1]
    sigma2 = np.mean(np.diff(z) ** 2 / np.diff(t))
    return np.full(len(years), z[-1]), np.sqrt(sigma2 * h), float(len(z) - 1)


def drift(t, z, years):
    d, dt = np.diff(z), np.diff(t)
    slope = (z[-1] - z[0]) / (t[-1] - t[0])
    h = years - t[-1]
    sigma2 = np.sum((d - slope * dt) ** 2 / dt) / (len(d) - 1) if len(d) >= 2 else d[0] ** 2 / dt[0]
    sd = np.sqrt(sigma2 * h * (1 + h / (t[-1] - t[0])))
    return z[-1] + slope * h, np.maximum(sd, naive(t, z, years)[1]), float(len(d))


def shrunk_drift(t, z, years):
    d, dt = np.diff(z), np.diff(t)
    span = t[-1] - t[0]
    slope = (z[-1] - z[0]) / span
    sigma2 = np.sum((d - slope * dt) ** 2 / dt) / (len(d) - 1) if len(d) >= 2 else d[0] ** 2 / dt[0]
    se2 = sigma2 / span
    w = 1.0 if se2 == 0 else (slope**2 / se2) / (slope**2 / se2 + SHRINK)
    _, scale, df = drift(t, z, years)
    return z[-1] + w * slope * (years - t[-1]), scale, df


def _ols(t, z, years, weights=None):
    """statsmodels OLS with its observation interval; WLS with the variance of a new observation of
    weight 1 (statsmodels' WLS prediction ignores the weights)."""
    import statsmodels.api as sm

    x = sm.add_constant(t - t[-1])
    x0 = sm.add_constant(years - t[-1], has_constant="add")
    if weights is None:
        res = sm.OLS(z, x).fit()
        pred = res.get_prediction(x0)
        return pred.predicted_mean, np.sqrt(pred.se_mean**2 + res.scale), float(len(t) - 2)
    res = sm.WLS(z, x, weights=weights).fit()
    inv = np.linalg.inv(x.T @ (weights[:, None] * x))
    sigma2 = np.sum(weights * res.resid**2) / (len(t) - 2)
    return x0 @ res.params, np.sqrt(sigma2 * (1 + np.einsum("ij,jk,ik->i", x0, inv, x0))), float(len(t) - 2)


def linear(t, z, years):
    return _ols(t, z, years)


def weighted(t, z, years):
    return _ols(t, z, years, WEIGHT_DECAY ** (t[-1] - t))


FITS = {"naive": naive, "drift": drift, "shrunk_drift": shrunk_drift, "linear": linear, "weighted": weighted,
        "loglinear": linear}

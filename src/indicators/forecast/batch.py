"""Every series of a table forecast at once: the ladder of ``ladder`` vectorised with numpy.

A province or the nation has on the order of 100,000 series; fitting them one by one costs
milliseconds each (statsmodels objects, a Python loop per rolling origin). Here the series are
grouped by history length and every candidate model, every rolling origin and every interval is
computed for the whole group with array arithmetic. ``ladder.fit_forecast`` is the per-series
reference: ``tests/test_forecast.py`` holds both paths equal to 1e-9.

Theta's closed form (SES with drift) lives in ``models.theta_many``, already vectorised.
"""

from __future__ import annotations

import numpy as np

from . import calibration as calib  # calibration seam
from . import ladder as F
from .models import WEIGHT_DECAY, theta_many
from ..units import unit_of

__all__ = ["fit_many"]


# --- the short-series models for a group of equal length --------------------------------------

def _naive(t, z, h):
    d, dt = np.diff(z, axis=1), np.diff(t, axis=1)
    sigma2 = np.mean(d * d / dt, axis=1, keepdims=True)
    return np.repeat(z[:, -1:], h.shape[1], axis=1), np.sqrt(sigma2 * h), float(z.shape[1] - 1)


def _drift(t, z, h):
    n = z.shape[1]
    d, dt = np.diff(z, axis=1), np.diff(t, axis=1)
    span = (t[:, -1] - t[:, 0])[:, None]
    slope = (z[:, -1:] - z[:, :1]) / span
    if n - 1 >= 2:
        sigma2 = np.sum((d - slope * dt) ** 2 / dt, axis=1, keepdims=True) / (n - 2)
    else:
        sigma2 = d[:, :1] ** 2 / dt[:, :1]
    sd = np.sqrt(sigma2 * h * (1 + h / span))
    return z[:, -1:] + slope * h, np.maximum(sd, _naive(t, z, h)[1]), float(max(n - 2, 1))


def _ols(t, z, h, w):
    """Weighted least-squares trend on x = t - t_last; observation variance sigma^2 (1 + x0'(X'WX)^-1 x0)."""
    x = t - t[:, -1:]
    sw, sx, sxx = w.sum(1, keepdims=True), (w * x).sum(1, keepdims=True), (w * x * x).sum(1, keepdims=True)
    sy, sxy = (w * z).sum(1, keepdims=True), (w * x * z).sum(1, keepdims=True)
    det = sw * sxx - sx * sx
    b = (sw * sxy - sx * sy) / det
    a = (sy - b * sx) / sw
    sigma2 = (w * (z - a - b * x) ** 2).sum(1, keepdims=True) / (z.shape[1] - 2)
    q = (sxx - 2 * h * sx + h * h * sw) / det
    return a + b * h, np.sqrt(sigma2 * (1 + q)), float(z.shape[1] - 2)


def _linear(t, z, h):
    return _ols(t, z, h, np.ones_like(t))


def _weighted(t, z, h):
    return _ols(t, z, h, WEIGHT_DECAY ** (t[:, -1:] - t))


def _theta(t, z, h):
    return (*theta_many(z, h), np.inf)


_FITS = {"naive": _naive, "drift": _drift, "linear": _linear, "weighted": _weighted, "loglinear": _linear,
         "theta": _theta}


# --- transforms per row ---------------------------------------------------------------------------

def _facts(units: np.ndarray, fact: str) -> np.ndarray:
    """One fact of each row's ``units.Unit`` (asked once per distinct unit)."""
    names, rows = np.unique(np.asarray(units, dtype=str), return_inverse=True)
    return np.array([getattr(unit_of(str(n)), fact) for n in names], dtype=object)[rows.reshape(-1)]


def _codes(units: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per row: 0 original scale, 1 logit (shares), 2 log (positive ratios), as ``transform_for``."""
    pos = np.all(y > 0, axis=1)
    scale = _facts(units, "model_scale")
    return np.where(scale == "logit", 1, np.where((scale == "log") & pos, 2, 0))


_NAMES = {0: None, 1: "logit", 2: "log"}


def _forward(y: np.ndarray, code: np.ndarray) -> np.ndarray:
    c = code[:, None]
    p = np.clip(y, F.EPS_SHARE, 100 - F.EPS_SHARE) / 100
    safe = np.where(y > 0, y, 1.0)
    return np.where(c == 1, np.log(p / (1 - p)), np.where(c == 2, np.log(safe), y))


def _inverse(z: np.ndarray, code: np.ndarray) -> np.ndarray:
    c = code[:, None]
    with np.errstate(over="ignore"):
        return np.where(c == 1, 100 / (1 + np.exp(-np.where(c == 1, z, 0))), np.where(c == 2, np.exp(
            np.where(c == 2, z, 0)), z))


# --- the ladder -------------------------------------------------------------------------------------

class _Group:
    """Series of one history length: years t, values y, units, forecast steps h (NaN-padded)."""

    def __init__(self, t, y, units, fy):
        self.t, self.y, self.units, self.fy = t, y, units, fy
        self.h = fy - t[:, -1:]
        self.n = t.shape[1]
        self.base = _codes(units, y)
        self.positive = np.all(y > 0, axis=1)
        self.consecutive = np.all(np.diff(t, axis=1) == 1, axis=1)

    def code(self, model: str) -> np.ndarray:
        return np.where(self.positive, 2, 0) if model == "loglinear" else self.base

    def candidates(self) -> np.ndarray:
        """(S, len(CANDIDATES)) booleans: ``forecast.candidates_for`` per row."""
        n, s = self.n, len(self.t)
        out = np.zeros((s, len(F.CANDIDATES)), bool)
        for j, m in enumerate(F.CANDIDATES):
            spec = F.MODELS[m]
            ok = np.full(s, n >= spec.min_n)
            if spec.unit_needs is not None:
                ok &= _facts(self.units, spec.unit_needs).astype(bool)
            if spec.positive:
                ok &= self.positive
            out[:, j] = ok
        return out


def _cv(g: _Group, cands: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rolling-origin MAE per row and candidate (``forecast.rolling_origin_mae``), inf where not scored;
    and which candidates are scored (those with at least two origins)."""
    min_n = np.array([F.MODELS[m].min_n for m in F.CANDIDATES])
    scored = cands & (min_n <= g.n - 2)
    start = np.maximum(3, np.max(np.where(scored, min_n, 0), axis=1))
    sums, counts = np.zeros(cands.shape), np.zeros(cands.shape)
    failed = np.zeros(cands.shape, bool)
    for k in range(3, g.n):
        fut_t, fut_y = g.t[:, k:k + F.MAX_H], g.y[:, k:k + F.MAX_H]
        hk = fut_t - g.t[:, k - 1:k]
        use = (hk <= F.MAX_H) & (k >= start)[:, None]
        any_future = use.any(axis=1)
        code = _codes(g.units, g.y[:, :k])
        for j, m in enumerate(F.CANDIDATES):
            rows = scored[:, j] & any_future
            if not rows.any():
                continue
            c = np.where(g.positive, 2, 0) if m == "loglinear" else code
            z = _forward(g.y[rows, :k], c[rows])
            loc = _FITS[m](g.t[rows, :k], z, hk[rows])[0]
            err = np.abs(_inverse(loc, c[rows]) - fut_y[rows])
            u = use[rows]
            sums[rows, j] += np.where(u, err, 0).sum(axis=1)
            counts[rows, j] += u.sum(axis=1)
            if m == "theta":
                failed[rows, j] |= ~np.all(np.diff(g.t[rows, :k], axis=1) == 1, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = sums / counts
    return np.where(scored & (counts > 0) & ~failed, cv, np.inf), scored


def _order(g: _Group, cands: np.ndarray, model: str | None) -> tuple[np.ndarray, np.ndarray | None,
                                                                     np.ndarray | None]:
    """Rank of each candidate per row (0 is tried first; inf: not a candidate), and the CV table."""
    idx = np.arange(len(F.CANDIDATES), dtype=float)
    if model is not None:  # one model forced (the backtest): no choice, no CV
        return np.where(cands & (np.array(F.CANDIDATES) == model), 0.0, np.inf), None, None
    if g.n >= F.MIN_N_SELECT:
        cv, scored = _cv(g, cands)
        key = F.rank_key(cv)
        order = np.lexsort((np.broadcast_to(idx, key.shape), key), axis=1) if len(key) else key
        rank = np.empty_like(key)
        np.put_along_axis(rank, order, np.broadcast_to(idx, key.shape), axis=1)
        return np.where(scored, rank, np.inf), cv, scored
    rank = np.where(np.array(F.CANDIDATES) == "drift", -1.0, idx)
    return np.where(cands, rank, np.inf), None, None


def _fit_all(g: _Group, cands: np.ndarray, guard: bool = True) -> dict:
    """Full fits of every candidate at the forecast years: (loc, scale, df, code, ok) per model."""
    out = {}
    valid = np.isfinite(g.h)
    hh = np.where(valid, g.h, 1.0)
    move = np.max(np.abs(np.diff(g.y, axis=1)) / np.diff(g.t, axis=1), axis=1, keepdims=True)
    lo_env, hi_env = g.y.min(1, keepdims=True) - 3 * move * hh, g.y.max(1, keepdims=True) + 3 * move * hh
    for j, m in enumerate(F.CANDIDATES):
        rows = cands[:, j] & (g.consecutive if m == "theta" else True)
        if not rows.any():
            continue
        c = g.code(m)
        z = _forward(g.y[rows], c[rows])
        loc, scale, df = _FITS[m](g.t[rows], z, hh[rows])
        if F.MODELS[m].floored:
            scale = np.maximum(scale, _naive(g.t[rows], z, hh[rows])[1])
        scale = np.maximum(scale, 1e-9)
        scale = np.maximum(scale, _floor(g, c)[rows])
        fin = np.isfinite(loc) & np.isfinite(scale) | ~valid[rows]
        point = _inverse(loc, c[rows])
        inside = (point >= lo_env[rows]) & (point <= hi_env[rows]) & np.isfinite(point) | ~valid[rows]
        ok = np.zeros(len(g.t), bool)
        ok[rows] = fin.all(1) & ((c[rows] == 1) | inside.all(1) | (not guard))
        full = lambda a: _scatter(a, rows, len(g.t))  # noqa: E731
        out[m] = (full(loc), full(scale), df, c, ok)
    return out


def _scatter(a: np.ndarray, rows: np.ndarray, s: int) -> np.ndarray:
    out = np.full((s, a.shape[1]), np.nan)
    out[rows] = a
    return out


def _floor(g: _Group, code: np.ndarray) -> np.ndarray:
    """``forecast._floor_scale`` per row."""
    last = g.y[:, -1:]
    p = np.clip(last, F.EPS_SHARE, 100 - F.EPS_SHARE) / 100
    pct = np.where(code[:, None] == 1, F.SCALE_FLOOR["share"] / (100 * p * (1 - p)), F.SCALE_FLOOR["share"])
    sd = np.maximum(F.SCALE_FLOOR["relative"] * np.abs(last), F.SCALE_FLOOR["absolute_min"])
    other = np.where(code[:, None] == 2, sd / np.maximum(np.abs(last), 1e-9), sd)
    share = _facts(g.units, "is_share").astype(bool)
    return np.where(share[:, None], pct, other) * np.sqrt(np.where(np.isfinite(g.h), g.h, 1.0))


def _group_forecasts(g: _Group, model: str | None) -> list:
    cands = g.candidates()
    if model is not None:
        cands &= np.array(F.CANDIDATES) == model
    rank, cv, scored = _order(g, cands, model)
    fits = _fit_all(g, cands, guard=model is None)
    tried = np.full(rank.shape, np.inf)
    for j, m in enumerate(F.CANDIDATES):
        if m in fits:
            tried[:, j] = np.where(fits[m][4], rank[:, j], np.inf)
    best = np.argmin(tried, axis=1)
    out = []
    for i in range(len(g.t)):
        if not np.isfinite(tried[i, best[i]]):
            out.append(None)
            continue
        m = F.CANDIDATES[best[i]]
        loc, scale, df, code, _ = fits[m]
        keep = np.isfinite(g.h[i])
        transform = _NAMES[int(code[i])]
        cv_i = {} if cv is None else {F.CANDIDATES[j]: float(cv[i, j]) for j in range(len(F.CANDIDATES))
                                      if scored[i, j]}
        out.append(F.Forecast(model=m, years=g.fy[i, keep].astype(int), loc=loc[i, keep],
                              scale=scale[i, keep], df=df, transform=transform,
                              last_year=int(g.t[i, -1]), last_value=float(g.y[i, -1]), n=g.n, cv_error=cv_i,
                              lower=F.lower_for(str(g.units[i]), transform)))
    return out


def fit_many(series, units, horizons, model: str | None = None, calibrated: bool = True) -> list:
    """``ladder.fit_forecast`` for many series at once: ``series`` is a list of (years, values),
    ``units`` and ``horizons`` (the years to forecast) one per series; ``model`` forces one candidate
    as ``fit_forecast(model=...)`` does. Returns a Forecast or None per series, in input order.
    ``calibrated=False``: the ladder's raw distributions (what ``evaluation.calibrate`` fits on)."""
    prepared, out = {}, [None] * len(series)
    for i, ((years, values), unit, hor) in enumerate(zip(series, units, horizons)):
        t, y = F.clean_series(years, values)
        if len(t) < 2:
            continue
        fy = sorted({int(v) for v in hor if v > t[-1]})
        if fy:
            prepared.setdefault(len(t), []).append((i, t, y, unit, fy))
    for n, items in sorted(prepared.items()):
        m = max(len(it[4]) for it in items)
        fy = np.full((len(items), m), np.nan)
        for r, it in enumerate(items):
            fy[r, :len(it[4])] = it[4]
        g = _Group(np.array([it[1] for it in items]), np.array([it[2] for it in items]),
                   np.array([it[3] for it in items], dtype=object), fy)
        for it, fc in zip(items, _group_forecasts(g, model)):
            out[it[0]] = fc if model is not None or not calibrated else calib.apply(fc, it[3])  # calibration seam
    return out

"""The forecast ladder: every series of a table forecast at once, and one series the same way.

Planning series are short (2-15 points) and often irregular (2014, 2017, 2020); a province or the
nation has on the order of 100,000 of them. ``fit_many`` groups the series by history length and
fits every model, every rolling origin and every interval for a whole group with array
arithmetic; ``fit_forecast`` is ``fit_many`` called with one series. The models are the entries of
``models.MODELS`` (name, minimum history, unit facts, floor, rank, fit for many series); nothing
here knows a model by its name.

Which model: the ranked models of the registry, ``shrunk_drift`` first, then ``drift``. From
``MIN_N_SELECT`` (10) points their rolling-origin mean absolute errors (1-3 years ahead, origins
with at least 3 points) are compared and the lower is used; with fewer points ``shrunk_drift``. A
forecast that is not finite or leaves a plausible envelope falls back to the next; the unranked
models (naive, linear, weighted, loglinear, theta) are the last resort, in registry order, and are
otherwise fitted when asked for by name (``model=``), as the backtest and
``benchmarks/forecast_peers.py`` do to compare them.

Why (decided on the bundled real series and M3 yearly only; M1 and Tourism are out-of-sample
checks, README "Backtest"): choosing by rolling-origin error among six models (the ladder until
2026-12) was worse than always using drift in 5 of 6 cells from 8 points (M3 8 points 1.047 x
drift, Tourism 8 1.102 x): with a handful of origins the lowest past error is mostly noise. Drift
shrunk by its own evidence beat drift on both decision sets at every length (real 0.930 x, M3 cut
to 3/5/8/full points 0.929/0.921/0.965/0.984 x). Letting the series' own past errors choose plain
drift instead changed the real set by less than 0.01 from 10 points (0.933 x) and helped M3 at full
length (0.981 x); from 6 points it cost the real set (0.938 x) and M3 at 8 points (0.975 x).

Intervals (``models`` says why each looks as it does): Student-t with the degrees of freedom of
the variance estimate, the trend models never narrower than the random walk's.

Bounds and floors (what the quantity can be):

* **Shares** stay inside 0-100% through the logit scale. **Ratios** (students per teacher) are
  modelled on the log scale, so every quantile is a positive ratio.
* **Never below zero.** Counts, persons, money and areas (``units.Unit.nonnegative``) are censored
  at zero (``distribution.Forecast``), and a falling trend stops there: the location is never
  below zero, so the interval of a count falling to 0 is [0, something], never [0, 0].
* **A flat past is not certainty.** The per-year sd is floored (``SCALE_FLOOR``), growing with
  sqrt(h). For shares the floor is on the share scale: the 80% interval reaches at least
  0.5 x 1.28 x sqrt(h) points to the open side (the side away from 0 or 100), whatever the level;
  the logit-scale floor it replaced made a share at 99.5% an interval of 0-100%. Otherwise 1% of
  the level (at least 0.5 unit). No forecast probability is closer to 0 or 1 than ``distribution.P_LIMIT``.
* **The logit scale invents no spread.** A share's logit-scale sd is at most the sd of the same
  model fitted to the share in points, carried onto the logit scale at the forecast's level: a
  share that moved from 99 to 100 gets an 80% interval of 95.6-100 next year, not 8-100 (the logit
  makes a 1-point move near 100 look like a move from 50 to 90).
* **A bad series is refused, not fitted**: two values for one year, an infinite value, a negative
  count or money value, a share above 100 (``series_problem``, with a stable code). In a batch that
  series gets no forecast and the others go on; one series alone raises ``SeriesError``. A missing
  value (NaN) is a gap: the year is left out.

References: Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), 5.5 and
5.10 (time series cross-validation).
"""

from __future__ import annotations

import functools

import numpy as np

from . import calibration as calib  # calibration seam
from .distribution import Forecast, _ppf, forward, inverse
from .models import MODELS, random_walk_sd
from ..errors import SeriesError
from ..units import unit_of

__all__ = ["fit_many", "fit_forecast", "series_problem", "rank_key", "MIN_N_SELECT", "MAX_H", "SCALE_FLOOR",
           "SERIES_PROBLEMS"]

MIN_N_SELECT = 10  # the ranked models are compared on their own past errors from this many points
MAX_H = 3           # rolling-origin errors are scored 1..MAX_H years ahead
# per-year sd floor in the indicator's own unit: shares in points, the rest relative to the level
SCALE_FLOOR = {"share": 0.5, "relative": 0.01, "absolute_min": 0.5}
# what makes a series unfit to forecast (``series_problem``); the words are in ``words.explain``
SERIES_PROBLEMS = ("duplicate_year", "infinite", "negative", "above_100")


def rank_key(cv: np.ndarray) -> np.ndarray:
    """Rolling-origin errors rounded to 40 mantissa bits (about 12 digits), so that two models equal
    up to floating-point noise tie, and the tie goes to the one ranked first."""
    mant, exp = np.frexp(np.asarray(cv, dtype=float))
    return np.ldexp(np.round(mant * 2.0**40) / 2.0**40, exp)


# --- input ------------------------------------------------------------------------------------------

def series_problem(years, values, unit: str) -> tuple[str, str] | None:
    """(code, detail) of what makes a series unfit to forecast, or None. Codes: ``SERIES_PROBLEMS``;
    NaN is a gap, not a problem."""
    return _prepare(years, values, unit)[0]


def _prepare(years, values, unit: str):
    """(problem, t, y): the ``series_problem`` and the series sorted by year with gaps left out, in
    one pass (a national batch checks 100,000 series)."""
    t = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    fin = np.isfinite(t) & np.isfinite(y)
    if not fin.all():
        inf = np.isinf(t) | np.isinf(y)
        if inf.any():
            return ("infinite", f"an infinite value at position {np.flatnonzero(inf)[0] + 1}"), t, y
        t, y = t[fin], y[fin]
    order = np.argsort(t, kind="stable")
    t, y = t[order], y[order]
    if not len(t):
        return None, t, y
    same = np.diff(t) == 0
    if same.any():
        return ("duplicate_year", f"more than one value for year {int(t[1:][same][0])}"), t, y
    nonnegative, share, kind = _unit_checks(unit)
    if nonnegative and y.min() < 0:
        return ("negative", f"{y[y < 0][0]:g} in {int(t[y < 0][0])}, a {kind} cannot be negative"), t, y
    if share and y.max() > 100:
        return ("above_100", f"{y[y > 100][0]:g} in {int(t[y > 100][0])}, a share is at most 100"), t, y
    return None, t, y


@functools.lru_cache(maxsize=256)
def _unit_checks(unit: str) -> tuple[bool, bool, str]:
    """The facts of a unit the input check asks, once per unit."""
    u = unit_of(unit)
    return u.nonnegative, u.is_share, u.kind


# --- facts and scales per row -------------------------------------------------------------------------

def _facts(units: np.ndarray, fact: str) -> np.ndarray:
    """One fact of each row's ``units.Unit`` (asked once per distinct unit)."""
    names, rows = np.unique(np.asarray(units, dtype=str), return_inverse=True)
    return np.array([getattr(unit_of(str(n)), fact) for n in names], dtype=object)[rows.reshape(-1)]


_LOGIT, _LOG = 1, 2
_NAMES = {0: None, _LOGIT: "logit", _LOG: "log"}


def _codes(units: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per row: 0 original scale, 1 logit (shares), 2 log (positive values of a log-scale unit)."""
    pos = np.all(y > 0, axis=1)
    scale = _facts(units, "model_scale")
    return np.where(scale == "logit", _LOGIT, np.where((scale == "log") & pos, _LOG, 0))


def _forward(y: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Each row onto its model scale (``_codes``), by the one definition of the scales
    (``distribution.forward``)."""
    c = code[:, None]
    safe = np.where(y > 0, y, 1.0)
    return np.where(c == _LOGIT, forward(y, "logit"), np.where(c == _LOG, forward(safe, "log"), y))


def _inverse(z: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Each row back into its unit (``distribution.inverse``)."""
    c = code[:, None]
    return np.where(c == _LOGIT, inverse(np.where(c == _LOGIT, z, 0), "logit"),
                    np.where(c == _LOG, inverse(np.where(c == _LOG, z, 0), "log"), z))


class _Group:
    """Series of one history length: years t, values y, units, forecast years fy (NaN-padded)."""

    def __init__(self, t, y, units, fy):
        self.t, self.y, self.units, self.fy = t, y, units, fy
        self.h = fy - t[:, -1:]
        self.n = t.shape[1]
        self.base = _codes(units, y)
        self.positive = np.all(y > 0, axis=1)
        self.consecutive = np.all(np.diff(t, axis=1) == 1, axis=1)

    def code(self, model) -> np.ndarray:
        return np.where(self.positive, _LOG, 0) if model.log_scale else self.base

    def allowed(self, names: list[str]) -> np.ndarray:
        """(S, len(names)) booleans: which rows each model may be fitted to."""
        s = len(self.t)
        out = np.zeros((s, len(names)), bool)
        for j, name in enumerate(names):
            m = MODELS[name]
            ok = np.full(s, self.n >= m.min_n)
            if m.needs is not None:
                ok &= _facts(self.units, m.needs).astype(bool)
            if m.positive:
                ok &= self.positive
            if m.consecutive:
                ok &= self.consecutive
            out[:, j] = ok
        return out


# --- choice -------------------------------------------------------------------------------------------

def _cv(g: _Group, names: list[str], allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rolling-origin MAE per row and model, inf where not scored; and which models are scored (those
    with at least two origins), all on the same origins."""
    min_n = np.array([MODELS[m].min_n for m in names])
    scored = allowed & (min_n <= g.n - 2)
    start = np.maximum(3, np.max(np.where(scored, min_n, 0), axis=1))
    sums, counts = np.zeros(allowed.shape), np.zeros(allowed.shape)
    for k in range(3, g.n):
        fut_t, fut_y = g.t[:, k:k + MAX_H], g.y[:, k:k + MAX_H]
        hk = fut_t - g.t[:, k - 1:k]
        use = (hk <= MAX_H) & (k >= start)[:, None]
        any_future = use.any(axis=1)
        code = _codes(g.units, g.y[:, :k])
        for j, name in enumerate(names):
            rows = scored[:, j] & any_future
            if not rows.any():
                continue
            m = MODELS[name]
            c = np.where(g.positive, _LOG, 0) if m.log_scale else code
            z = _forward(g.y[rows, :k], c[rows])
            loc = m.fit(g.t[rows, :k], z, hk[rows])[0]
            err = np.abs(_inverse(loc, c[rows]) - fut_y[rows])
            u = use[rows]
            sums[rows, j] += np.where(u, err, 0).sum(axis=1)
            counts[rows, j] += u.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = sums / counts
    return np.where(scored & (counts > 0) & np.isfinite(cv), cv, np.inf), scored


def _order(g: _Group, names: list[str], allowed: np.ndarray, forced: bool):
    """Place of each model per row (0 is tried first; inf: not tried), the CV table and which were scored."""
    if forced:
        return np.where(allowed, 0.0, np.inf), None, None
    rank = np.array([MODELS[m].rank if MODELS[m].rank is not None else np.inf for m in names], dtype=float)
    ranked = allowed & np.isfinite(rank)
    k = len(names)
    # the last resort when every ranked model fails or leaves the envelope: the others, in registry order
    rest = np.where(allowed & ~ranked, 2 * k + np.arange(k), np.inf)
    if g.n >= MIN_N_SELECT:
        cv, scored = _cv(g, names, ranked)
        key = rank_key(cv)
        order = np.lexsort((np.broadcast_to(rank, key.shape), key), axis=1)
        place = np.empty_like(key)
        np.put_along_axis(place, order, np.broadcast_to(np.arange(k, dtype=float), key.shape), axis=1)
        return np.where(scored, place, np.where(ranked, k + rank, rest)), cv, scored
    return np.where(ranked, rank, rest), None, None


# --- fits ---------------------------------------------------------------------------------------------

def _logit_sd(loc: np.ndarray, points: np.ndarray, q: float) -> np.ndarray:
    """The logit-scale sd whose interval loc +- q sd reaches ``points`` x q percentage points from the
    share at ``loc`` toward the farther bound (down from a share above 50%, up from one below): a
    spread stated in points, carried onto the logit scale at the forecast's own level. inf where the
    farther bound is nearer than that."""
    p = 1 / (1 + np.exp(-loc))
    step = q * points / 100
    with np.errstate(divide="ignore", invalid="ignore"):
        down = np.where(p - step > 0, loc - np.log((p - step) / (1 - p + step)), np.inf)
        up = np.where(p + step < 1, np.log((p + step) / (1 - p - step)) - loc, np.inf)
    return np.where(p >= 0.5, down, up) / q


def _floor(h: np.ndarray, last: np.ndarray, share: np.ndarray, code: np.ndarray, loc: np.ndarray,
           q: float) -> np.ndarray:
    """The smallest per-year sd on the model scale (``SCALE_FLOOR``, see the module docstring).
    Shares on the logit scale: ``SCALE_FLOOR["share"]`` x sqrt(h) points at the forecast's level
    (``_logit_sd``), so the floor means the same number of points at 50% and at 99.5%."""
    points = SCALE_FLOOR["share"] * np.sqrt(h)
    logit = code[:, None] == _LOGIT
    share_logit = _logit_sd(np.where(logit, loc, 0.0), np.minimum(points, 45 / q), q)
    sd = np.maximum(SCALE_FLOOR["relative"] * np.abs(last), SCALE_FLOOR["absolute_min"])
    other = np.where(code[:, None] == _LOG, sd / np.maximum(np.abs(last), 1e-9), sd) * np.sqrt(h)
    return np.where(share[:, None], np.where(logit, share_logit, points), other)


def _fit_all(g: _Group, names: list[str], allowed: np.ndarray, guard: bool) -> dict:
    """Full fits of every allowed model at the forecast years: (loc, scale, df, code, ok) per model.
    ``ok`` is False where a fit is not finite or (``guard``) leaves the plausible envelope: within the
    history's range widened by 3x its largest yearly move per year (shares are bounded already)."""
    out = {}
    valid = np.isfinite(g.h)
    hh = np.where(valid, g.h, 1.0)
    move = np.max(np.abs(np.diff(g.y, axis=1)) / np.diff(g.t, axis=1), axis=1, keepdims=True)
    slack = 1e-9 * np.maximum(np.abs(g.y).max(1, keepdims=True), 1.0)  # a flat past's exp(log(y)) is y
    lo_env = g.y.min(1, keepdims=True) - 3 * move * hh - slack
    hi_env = g.y.max(1, keepdims=True) + 3 * move * hh + slack
    # the censoring point on the model scale: zero for quantities that cannot be negative (NaN: none)
    lower = np.where(_facts(g.units, "nonnegative").astype(bool) & (g.base == 0), 0.0, np.nan)
    share = _facts(g.units, "is_share").astype(bool)
    for j, name in enumerate(names):
        rows = allowed[:, j]
        if not rows.any():
            continue
        m = MODELS[name]
        c = g.code(m)
        z = _forward(g.y[rows], c[rows])
        with np.errstate(all="ignore"):
            loc, scale, df = m.fit(g.t[rows], z, hh[rows])
            loc, scale = np.array(loc, dtype=float), np.array(scale, dtype=float)
            if m.floored:
                scale = np.maximum(scale, random_walk_sd(g.t[rows], z, hh[rows]))
            # censored at zero: a falling trend stops there (only where the censoring scale is the model's)
            floor_at = np.where(c[rows] == g.base[rows], lower[rows], np.nan)[:, None]
            loc = np.where(np.isfinite(floor_at), np.maximum(loc, floor_at), loc)
            q = float(_ppf(0.9, df))
            logit = c[rows] == _LOGIT
            if logit.any():  # the logit scale keeps a share inside 0-100%, but invents no spread in points
                _, points, _ = m.fit(g.t[rows], g.y[rows], hh[rows])
                if m.floored:
                    points = np.maximum(points, random_walk_sd(g.t[rows], g.y[rows], hh[rows]))
                scale = np.where(logit[:, None], np.minimum(scale, _logit_sd(loc, points, q)), scale)
            scale = np.maximum(np.maximum(scale, 1e-9), _floor(hh[rows], g.y[rows, -1:], share[rows], c[rows], loc, q))
        fin = np.isfinite(loc) & np.isfinite(scale) | ~valid[rows]
        point = _inverse(loc, c[rows])
        inside = (point >= lo_env[rows]) & (point <= hi_env[rows]) & np.isfinite(point) | ~valid[rows]
        ok = np.zeros(len(g.t), bool)
        ok[rows] = fin.all(1) & ((c[rows] == _LOGIT) | inside.all(1) | (not guard))
        out[name] = (_scatter(loc, rows, len(g.t)), _scatter(scale, rows, len(g.t)), float(df), c, ok)
    return out


def _scatter(a: np.ndarray, rows: np.ndarray, s: int) -> np.ndarray:
    out = np.full((s, a.shape[1]), np.nan)
    out[rows] = a
    return out


def _group_forecasts(g: _Group, model: str | None) -> list:
    """Each row's forecast from the first model in its order whose fit is finite and plausible. A
    model is fitted only to the rows that reach it (the unranked last resorts to almost none)."""
    names = [model] if model is not None else list(MODELS)
    allowed = g.allowed(names)
    place, cv, scored = _order(g, names, allowed, forced=model is not None)
    s, rows = len(g.t), np.arange(len(g.t))
    order = np.argsort(place, axis=1, kind="stable")
    chosen = np.full(s, -1)
    loc, scale = np.full(g.h.shape, np.nan), np.full(g.h.shape, np.nan)
    df, code = np.zeros(s), np.zeros(s, int)
    for step in range(len(names)):
        j_at = order[:, step]
        todo = (chosen < 0) & np.isfinite(place[rows, j_at])
        if not todo.any():
            break
        need = np.zeros(allowed.shape, bool)
        need[rows[todo], j_at[todo]] = True
        for name, (f_loc, f_scale, f_df, f_code, ok) in _fit_all(g, names, need, guard=model is None).items():
            take = ok & need[:, names.index(name)]
            chosen[take] = names.index(name)
            loc[take], scale[take], df[take], code[take] = f_loc[take], f_scale[take], f_df, f_code[take]
    censored = _facts(g.units, "nonnegative").astype(bool) & (code == 0)
    keep = np.isfinite(g.h)
    out = []
    for i in range(s):
        if chosen[i] < 0:
            out.append(None)
            continue
        k = keep[i]
        cv_i = {} if cv is None else {names[j]: float(cv[i, j]) for j in range(len(names)) if scored[i, j]}
        out.append(Forecast(model=names[chosen[i]], years=g.fy[i, k].astype(int), loc=loc[i, k], scale=scale[i, k],
                            df=float(df[i]), transform=_NAMES[int(code[i])], last_year=int(g.t[i, -1]),
                            last_value=float(g.y[i, -1]), n=g.n, cv_error=cv_i, lower=0.0 if censored[i] else None))
    return out


# --- entry points -------------------------------------------------------------------------------------

def fit_many(series, units, horizons, model: str | None = None, calibrated: bool = True) -> list:
    """Forecasts of many series at once: ``series`` a list of (years, values), ``units`` and
    ``horizons`` (the years to forecast) one per series. ``model`` forces one registered model (no
    choice, no plausibility guard: the backtest scores it as it is). Returns a ``Forecast`` or None per
    series, in input order: None for fewer than two points, no year to forecast, a model that cannot
    be fitted to it, or a ``series_problem`` (the other series go on). The ladder's choice is
    calibrated (``calibration.apply``); ``calibrated=False`` gives the raw model, which is what the
    calibration is fitted on."""
    if model is not None and model not in MODELS:
        raise KeyError(f"no forecast model {model!r}; registered: {', '.join(MODELS)}")
    prepared, out = {}, [None] * len(series)
    for i, ((years, values), unit, hor) in enumerate(zip(series, units, horizons)):
        problem, t, y = _prepare(years, values, unit)
        if problem is not None or len(t) < 2:
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


def fit_forecast(years, values, horizon_years, unit: str = "count", model: str | None = None) -> Forecast | None:
    """Forecast ``horizon_years`` from one yearly series: ``fit_many`` with one series.

    None when there are fewer than two points or no year after the last; ``model`` forces one
    registered model. A series that cannot be forecast as given (``series_problem``: two values for
    one year, an infinite value, a negative count) raises ``SeriesError`` with its code.
    """
    problem = series_problem(years, values, unit)
    if problem is not None:
        raise SeriesError(f"series: {problem[1]}; expected one finite, possible value per year", code=problem[0])
    return fit_many([(years, values)], [unit], [horizon_years], model=model)[0]

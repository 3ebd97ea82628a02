"""Pace measures: how fast an indicator must move to reach its target, against how fast it moved.

All per year, from the series up to ``as_of``:

* ``historical_change``: the average annual change over the last ``PACE_WINDOW`` (5) years of data,
  as Eurostat's short-term SDG assessment does: absolute (points, students per teacher) for shares
  and ratios, compound annual growth in percent for counts and money.
* ``required_change``: the same measure from the latest actual to the target.
* ``pace_ratio`` = historical / required, the Eurostat / open-sdg CAGR ratio, with categories
  ``sufficient`` (>= 0.95), ``moderate`` (0.6-0.95), ``insufficient`` (0-0.6) and
  ``wrong_direction`` (< 0).
* ``anticipated_progress``: UN ESCAP-style anticipated progress: the share of the remaining gap
  (latest actual to target) that the recency-weighted linear trend closes by the target year.
* ``reach_year`` / ``years_late``: the year the recency-weighted trend reaches the target and how
  many years after the target year that is (<= 0: on time; empty: not at the current pace).
* ``fastest_changes``: the fastest annual change seen for an indicator in any region's series,
  the yardstick of the plausibility note.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..actuals.table import SERIES_KEY
from ..forecast.models import recency_weights
from ..units import unit_of

__all__ = ["PACE_WINDOW", "PACE_CUTOFFS", "annual_change", "weighted_trend", "pace", "fastest_changes",
           "is_relative"]

PACE_WINDOW = 5
PACE_CUTOFFS = (0.95, 0.60, 0.0)


def is_relative(unit: str) -> bool:
    """Money and counts move by percentages; shares and ratios by absolute steps."""
    return unit_of(unit).relative


def annual_change(y0: float, y1: float, years: float, relative: bool) -> float:
    """Average change per year: absolute, or compound growth in percent for counts and money."""
    if years <= 0:
        return math.nan
    if relative:
        if y0 <= 0 or y1 < 0:
            return math.nan
        return ((y1 / y0) ** (1 / years) - 1) * 100
    return (y1 - y0) / years


def weighted_trend(t: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Recency-weighted least-squares line: (value at the last year, slope per year)."""
    w = recency_weights(t)
    x = t - t[-1]
    xm, ym = np.average(x, weights=w), np.average(y, weights=w)
    sxx = np.sum(w * (x - xm) ** 2)
    slope = float(np.sum(w * (x - xm) * (y - ym)) / sxx) if sxx > 0 else 0.0
    return float(ym - slope * xm), slope


def pace(t: np.ndarray, y: np.ndarray, target: float, target_year: int, relative: bool) -> dict:
    """Pace measures for one target from a series (see the module docstring)."""
    out = dict(required_change=math.nan, historical_change=math.nan, pace_ratio=math.nan, pace_category=None,
               anticipated_progress=math.nan, reach_year=None, years_late=None)
    if len(t) == 0:
        return out
    ly, lv = float(t[-1]), float(y[-1])
    out["required_change"] = annual_change(lv, target, target_year - ly, relative)
    if len(t) < 2:
        return out
    window = t >= ly - PACE_WINDOW
    if window.sum() < 2:
        window = np.ones_like(t, dtype=bool)
    t0, y0 = float(t[window][0]), float(y[window][0])
    out.update(ratio_and_category(annual_change(y0, lv, ly - t0, relative), out["required_change"]))
    level, slope = weighted_trend(t, y)
    gap = target - lv
    if abs(gap) > 1e-12:
        proj = level + slope * (target_year - ly)
        out["anticipated_progress"] = (proj - lv) / gap
        if slope * gap > 0:
            reach = int(ly + math.ceil(gap / slope - 1e-9))
            out["reach_year"] = reach
            out["years_late"] = reach - target_year
    return out


def ratio_and_category(historical: float, required: float) -> dict:
    """The pace ratio and its Eurostat category; used for a region's own and a parent's pace."""
    out = dict(historical_change=historical, pace_ratio=math.nan, pace_category=None)
    if historical is not None and np.isfinite(required) and np.isfinite(historical) and abs(required) > 1e-12:
        ratio = historical / required
        hi, mid, lo = PACE_CUTOFFS
        out["pace_ratio"] = ratio
        out["pace_category"] = ("sufficient" if ratio >= hi else "moderate" if ratio >= mid
                                else "insufficient" if ratio >= lo else "wrong_direction")
    return out


def fastest_changes(actuals: pd.DataFrame, units: dict[str, str]) -> dict[str, float]:
    """Fastest annual change seen per indicator in any region's series (plausibility yardstick):
    ``annual_change`` between consecutive points of every series, computed for all rows at once."""
    keys = SERIES_KEY
    a = actuals[actuals["indicator"].isin(list(units))]
    a = a[keys + ["year", "value"]].sort_values(keys + ["year"], kind="stable")
    if len(a) < 2:
        return {}
    same = np.ones(len(a) - 1, bool)
    for k in keys:
        c = a[k].astype(str).to_numpy()
        same &= c[1:] == c[:-1]
    t, y = a["year"].to_numpy(float), a["value"].to_numpy(float)
    rel = a["indicator"].map(lambda k: is_relative(units[k])).to_numpy(bool)[1:]
    dt, y0, y1 = np.diff(t), y[:-1], y[1:]
    # a growth too fast to represent (a tiny first value) is infinite and dropped below, like a zero start
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        growth = ((y1 / y0) ** (1 / dt) - 1) * 100
        change = np.where(rel, np.where((y0 > 0) & (y1 >= 0), growth, np.nan), (y1 - y0) / dt)
    change = np.abs(np.where(same & (dt > 0), change, np.nan))
    ok = np.isfinite(change)
    found = pd.Series(change[ok]).groupby(a["indicator"].to_numpy()[1:][ok]).max()
    return {k: float(v) for k, v in found.items()}

"""Calibrated probabilities: the map from the ladder's own probabilities to the frequencies it earned.

The ladder's Student-t intervals were too sure in the tails: on the bundled series, cases given
p < 0.1 two or three years ahead happened 17-25% of the time. This module holds the correction
and applies it; ``evaluation.calibrate`` measures and fits it.

**What is calibrated.** For every forecast the backtest could check, the model's probability of a
value at or below the outcome, ``u = F(actual)`` (the probability integral transform, PIT), is
recorded. A calibrated forecast has PIT values spread evenly over 0-1; the ladder's are not (too
many near 0 and 1). The empirical distribution G of the PIT values, per *cell*, is the map:
the calibrated probability of "at most x" is ``G(F(x))`` and the calibrated q-quantile is the
model's ``G^-1(q)``-quantile (quantile recalibration, Kuleshov, Fenner & Ermon 2018, ICML; the
conformal idea of Vovk et al. that past errors give the spread). It keeps the order of
everything: a higher target is never more likely to be met.

**Cells.** A map per path (``ladder``; ``proxy_trend``: a parent's forecast carried onto one local
value; ``proxy_actual``: a parent's published value carried), years ahead ``h`` (1-5; further
ahead uses the largest h fitted), history length (2, 3, 4-5, 6-9, 10+ points) and unit kind (share,
ratio, count, money). A cell with too few cases is not stored; the lookup then falls back to the
cell pooled over kinds, then to the nearest length that has a map, then to the map pooled over
lengths (``Calibration.map_for``).

**Never surer than the evidence.** With errors from N independent series, no probability can be
shown closer to 0 or 1 than 1 / (N + 1) (the rank of a new case among N is uniform): that is each
map's ``floor``. A proxy's maps come from 31 provinces, so a verdict from one local value never
says less than about 3%.

**The seam.** ``apply`` attaches the maps to a ``ladder.Forecast`` (``Forecast.calibration``, one
map per forecast year); the forecast's ``cdf``, ``prob``, ``quantile`` and ``interval`` read them
through ``levels``, ``probability`` and ``floor``. ``ladder.fit_many`` (and ``fit_forecast``, which is it with one series)
call ``apply`` on the ladder's choice, so the verdicts and the public ``fit_forecast`` give the same
calibrated numbers; ``raw`` takes the maps off again (the backtest scores the raw ladder too).

The maps ship as ``calibration.json`` next to this module, with their provenance; one command
rebuilds it: ``python benchmarks/calibrate.py`` (README, "Calibration").

Re-applying the seam on another ladder (every line is marked ``# calibration seam``):

1. ``Forecast`` has the field ``calibration: tuple = ()``; ``quantile`` reads the model at
   ``levels(self.calibration, q, len(self.loc))`` instead of ``q``; ``cdf`` returns
   ``probability(self.calibration, i, u)`` of the model's ``u``; ``prob`` keeps ``P_LIMIT`` for a
   range below what the quantity can be and otherwise limits to ``max(P_LIMIT, floor(...))``.
2. The ladder's choice leaves ``fit_forecast`` and ``fit_many`` through ``apply(fc, unit)``;
   a forced model does not, nor ``fit_many(..., calibrated=False)`` (what the fitting reads).
3. ``make calibration`` refits the maps on the new ladder's errors.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

from ..units import unit_of

__all__ = ["PitMap", "Calibration", "apply", "apply_proxy", "raw", "levels", "probability", "floor",
           "shipped", "n_bucket", "unit_kind", "direction", "FILE", "H_MAX", "N_BUCKETS", "PATHS"]

FILE = "calibration.json"
H_MAX = 5                                  # cells are fitted 1..H_MAX years ahead
N_BUCKETS = ((2, 2, "2"), (3, 3, "3"), (4, 5, "4-5"), (6, 9, "6-9"), (10, 10**6, "10+"))
PATHS = ("ladder", "proxy_trend", "proxy_actual")
ANY = "*"
_EDGE = 1e-12                              # probabilities are kept inside (0, 1) before the logit


def _logit(p):
    p = np.clip(np.asarray(p, dtype=float), _EDGE, 1 - _EDGE)
    return np.log(p / (1 - p))


def _expit(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def _piecewise(x, xs: np.ndarray, ys: np.ndarray):
    """Linear interpolation through increasing knots, extended linearly beyond both ends (slope of
    the outermost segment), so the map is strictly increasing everywhere."""
    x = np.asarray(x, dtype=float)
    y = np.interp(x, xs, ys)
    lo = ys[0] + (x - xs[0]) * (ys[1] - ys[0]) / (xs[1] - xs[0])
    hi = ys[-1] + (x - xs[-1]) * (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
    return np.where(x < xs[0], lo, np.where(x > xs[-1], hi, y))


@dataclass(frozen=True)
class PitMap:
    """One cell's map: knots on the logit scale, the model's probability (``raw``) against the share
    of outcomes at or below it (``calibrated``); both strictly increasing."""

    raw: tuple[float, ...]
    calibrated: tuple[float, ...]
    floor: float                            # 1 / (series + 1): no probability closer to 0 or 1
    cases: int                              # PIT values it was fitted on
    series: int                             # independent series (or provinces) they came from

    def forward(self, u):
        """The model's probability of 'at most x' -> the calibrated one (0 and 1 stay 0 and 1)."""
        u = np.asarray(u, dtype=float)
        out = _expit(_piecewise(_logit(u), np.asarray(self.raw), np.asarray(self.calibrated)))
        out = np.clip(out, self.floor, 1 - self.floor)
        return np.where(u <= 0, 0.0, np.where(u >= 1, 1.0, out))

    def inverse(self, q):
        """The model's level whose calibrated probability is ``q`` (the quantile's level)."""
        return _expit(_piecewise(_logit(q), np.asarray(self.calibrated), np.asarray(self.raw)))

    @classmethod
    def fit(cls, u, series: int, direction=None, grid=None) -> "PitMap":
        """The empirical quantiles of the PIT values at the probability grid (only levels with at least
        5 cases beyond them, so a tail knot rests on data), made strictly increasing.

        The PIT values are *oriented* by the forecast's ``direction`` (+1: the median above the last
        value, -1: below; ``direction``): a falling forecast's ``u`` counts as ``1 - u``, so the map
        learns "the extrapolated change went too far" (or not far enough) whichever way the series
        moves; a flat forecast (0) counts twice, as ``u`` and ``1 - u``, so it is widened but never
        moved. Without orientation, a shift learned from 2005-2019 (when most forecasts were too high:
        enrolment fell faster than its trend) would push rising and falling series alike downwards.
        """
        u = np.asarray(u, dtype=float)
        d = np.zeros(len(u)) if direction is None else np.asarray(direction, dtype=float)
        oriented = np.where(d < 0, 1 - u, u)
        flat = d == 0
        both = np.sort(np.concatenate([oriented, 1 - oriented[flat]]))
        grid = np.asarray(GRID if grid is None else grid, dtype=float)
        grid = grid[np.minimum(grid, 1 - grid) * len(u) >= 5]
        x = _logit(np.quantile(both, grid))
        y = _logit(grid)
        for i in range(1, len(x)):  # ties (many equal PIT values): a small step keeps the map invertible
            x[i] = max(x[i], x[i - 1] + 1e-6)
        r = lambda a: tuple(round(float(v), 6) for v in a)  # noqa: E731
        return cls(r(x), r(y), round(1.0 / (series + 1), 6), int(len(u)), int(series))


GRID = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.975, 0.99)


def n_bucket(n: int | str) -> str:
    """History length -> the cell's length class (``N_BUCKETS``)."""
    if n == ANY:
        return ANY
    for lo, hi, name in N_BUCKETS:
        if lo <= int(n) <= hi:
            return name
    return N_BUCKETS[0][2]


def unit_kind(unit: str) -> str:
    """share, ratio, count or money (``units.Unit.kind``): how a quantity's errors behave."""
    return unit_of(unit).kind


def _nearest(nb: str) -> list[str]:
    """Length classes by distance from ``nb`` (the shorter first on a tie); none for ``*``."""
    names = [b[2] for b in N_BUCKETS]
    if nb not in names:
        return []
    i = names.index(nb)
    return sorted(names, key=lambda b: (abs(names.index(b) - i), names.index(b)))


@dataclass(frozen=True)
class Calibration:
    """The fitted maps of every cell, and where they come from (``provenance``)."""

    cells: dict                              # (path, h, n bucket or "*", kind or "*") -> PitMap
    provenance: dict = dataclasses.field(default_factory=dict)

    def map_for(self, path: str, h: int, n, kind: str) -> PitMap | None:
        """The most specific fitted map: (h, length, kind), else pooled over kinds; a length without
        a map borrows the nearest length that has one (errors depend strongly on the history's length:
        2-3 points give wide intervals, 6-9 narrow ones), and only then the map pooled over lengths;
        h beyond the fitted ones uses the largest fitted h. None: no map (the raw model)."""
        hs = sorted({c[1] for c in self.cells if c[0] == path})
        if not hs:
            return None
        h = min(int(h), hs[-1])
        for nb in _nearest(n_bucket(n)):
            for key in ((path, h, nb, kind), (path, h, nb, ANY)):
                if key in self.cells:
                    return self.cells[key]
        for key in ((path, h, ANY, kind), (path, h, ANY, ANY)):
            if key in self.cells:
                return self.cells[key]
        return None

    def to_json(self) -> str:
        """Sorted, rounded, one cell a line: the same maps always give the same bytes."""
        cells = [dict(path=k[0], h=k[1], n=k[2], kind=k[3], cases=m.cases, series=m.series, floor=m.floor,
                      raw=list(m.raw), calibrated=list(m.calibrated))
                 for k, m in sorted(self.cells.items(), key=lambda kv: (PATHS.index(kv[0][0]), *kv[0][1:]))]
        head = json.dumps({"about": ABOUT, "provenance": self.provenance}, ensure_ascii=False, indent=1,
                          sort_keys=True)
        body = ",\n".join("  " + json.dumps(c, ensure_ascii=False, sort_keys=True) for c in cells)
        return head[:-2] + ',\n "cells": [\n' + body + "\n ]\n}\n"

    @classmethod
    def from_json(cls, text: str) -> "Calibration":
        doc = json.loads(text)
        cells = {(c["path"], int(c["h"]), c["n"], c["kind"]): PitMap(tuple(c["raw"]), tuple(c["calibrated"]),
                                                                      float(c["floor"]), int(c["cases"]),
                                                                      int(c["series"]))
                 for c in doc["cells"]}
        return cls(cells, doc.get("provenance", {}))


ABOUT = ("Quantile recalibration of the forecast ladder (indicators.forecast.calibration): per cell, knots "
         "on the logit scale of the model's probability (raw) and of the share of outcomes at or below it "
         "(calibrated). Rebuild with: python benchmarks/calibrate.py")


@functools.lru_cache(maxsize=1)
def shipped() -> Calibration:
    """The calibration bundled with the package (``calibration.json``)."""
    from ..errors import IndicatorsError

    try:
        text = (resources.files(__package__) / FILE).read_text(encoding="utf-8")
        return Calibration.from_json(text)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndicatorsError(f"{FILE}: the bundled forecast calibration cannot be read ({exc}); "
                              "rebuild it with `python benchmarks/calibrate.py`") from exc


def raw(fc):
    """The forecast as the model made it (no calibration)."""
    return dataclasses.replace(fc, calibration=()) if fc is not None and fc.calibration else fc


def direction(fc) -> np.ndarray:
    """Per forecast year: +1 when the model's median is above the last value, -1 below, 0 level."""
    med = np.asarray(raw(fc).median, dtype=float)
    last = float(fc.last_value)
    level = np.isclose(med, last, rtol=1e-9, atol=1e-12)
    return np.where(level, 0, np.sign(med - last)).astype(int)


def apply(fc, unit: str, table: Calibration | None = None):
    """``fc`` (a ladder forecast, raw) with the ladder's map of each forecast year attached."""
    if fc is None:
        return None
    table = shipped() if table is None else table
    kind = unit_kind(unit)
    maps = tuple((table.map_for("ladder", int(y) - fc.last_year, fc.n, kind), int(d))
                 for y, d in zip(fc.years, direction(fc)))
    return dataclasses.replace(fc, calibration=maps)


def apply_proxy(fc, path: str, y0_year: float, unit: str, table: Calibration | None = None):
    """A parent's forecast carried onto one local value (``verdicts.proxy``), with the proxy's map:
    the spread measured on provinces judged through the nation's trend, ``h`` counted from the local
    value's year."""
    table = shipped() if table is None else table
    kind = unit_kind(unit)
    maps = tuple((table.map_for(path, max(1, int(round(y - y0_year))), ANY, kind), int(d))
                 for y, d in zip(fc.years, direction(fc)))
    return dataclasses.replace(fc, calibration=maps)


# --- what ladder.Forecast asks (the seam) -------------------------------------------------------

def levels(maps: tuple, q: float, size: int) -> np.ndarray:
    """Per forecast year, the model's level to read for the calibrated q-quantile."""
    if not maps:
        return np.full(size, float(q))
    out = []
    for m, d in maps:
        if m is None:
            out.append(float(q))
        elif d < 0:  # oriented: a falling forecast's map is read mirrored
            out.append(1.0 - float(m.inverse(1.0 - q)))
        else:
            out.append(float(m.inverse(q)))
    return np.array(out)


def probability(maps: tuple, i: int, u: float) -> float:
    """The calibrated probability of 'at most x' in year ``i`` from the model's ``u``."""
    m, d = maps[i] if maps else (None, 0)
    if m is None:
        return u
    return float(1.0 - m.forward(1.0 - u)) if d < 0 else float(m.forward(u))


def floor(maps: tuple, i: int) -> float:
    """The smallest probability year ``i`` may show (0 without a map)."""
    m = maps[i][0] if maps else None
    return 0.0 if m is None else m.floor

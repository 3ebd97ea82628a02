"""Fitting the forecast calibration (``forecast.calibration``) on the errors the ladder really made.

Three steps, each pure and deterministic:

1. **PIT values** (``ladder_pits``): every bundled series is cut at every earlier year (the rolling
   origins of the backtest, at least 2 points), the ladder forecasts 1-5 years ahead with what was
   known then, and the model's probability of a value at or below the published one is recorded.
   ``proxy_pits`` does the same for the proxy path: each province's value of one year is carried
   along the nation's trend (``verdicts.proxy.carry``, the code the verdicts use) to a later year
   of that province.
2. **Fit** (``fit_calibration``): per cell, the empirical quantiles of the PIT values
   (``calibration.PitMap.fit``). ``known_by`` keeps only the errors whose outcome year had been
   published by a given year: the calibration used for an origin year never sees a later outcome.
3. **Judge** (the folds, used by ``backtest``): ``TemporalFold`` fits on the errors known by 2014
   and calibrates the forecasts made from 2015 on; ``LopoFold`` calibrates each province's (and
   the nation's) forecasts with maps fitted on every other region. The backtest scores them as
   the datasets ``real_holdout`` and ``real_lopo``; neither is judged on data it was fitted on.

``build`` fits the maps shipped with the package on every error known today, with their
provenance (which series, which years, the hashes of the code and data that made them).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..forecast import calibration as C
from ..forecast.ladder import fit_many
from ..verdicts.proxy import can_anchor, carry, parent_year, too_small

__all__ = ["ladder_pits", "proxy_pits", "fit_calibration", "known_by", "TemporalFold", "LopoFold", "build",
           "proxy_holdout",
           "provenance", "PIT_COLUMNS", "MIN_CASES", "MIN_SERIES", "HOLDOUT_CUT", "NATION", "COMMAND"]

PIT_COLUMNS = ["path", "series", "group", "origin", "year", "h", "n", "kind", "direction", "u"]
MIN_CASES = 100        # a cell is fitted on at least this many errors ...
MIN_SERIES = 10        # ... from at least this many series (provinces for a proxy)
HOLDOUT_CUT = 2014     # temporal hold-out: fitted on errors known by 2014, judged on origins from 2015
NATION = "全国"
COMMAND = "python benchmarks/calibrate.py"
CODE_FILES = ("forecast/ladder.py", "forecast/models.py", "forecast/distribution.py", "forecast/calibration.py",
              "evaluation/calibrate.py", "verdicts/proxy.py")


def region_of(series) -> str:
    """The region of a backtest series (its key starts with the region): the LOPO group."""
    return series.key.split("|", 1)[0]


def ladder_pits(series: list, max_h: int = C.H_MAX) -> pd.DataFrame:
    """One row per series, origin and later year up to ``max_h`` ahead: the raw ladder's PIT."""
    cases = []
    for s in series:
        t = s.t
        for k in range(2, len(t)):
            future = [j for j in range(k, len(t)) if t[j] - t[k - 1] <= max_h]
            if future:
                cases.append((s, k, future))
    fcs = fit_many([(s.t[:k], s.y[:k]) for s, k, _ in cases], [s.unit for s, _, _ in cases],
                   [s.t[f] for s, _, f in cases], calibrated=False)
    rows = []
    for (s, k, future), fc in zip(cases, fcs):
        if fc is None:
            continue
        kind = C.unit_kind(s.unit)
        way = dict(zip(fc.years.tolist(), C.direction(fc).tolist()))
        for j in future:
            year = int(s.t[j])
            rows.append(("ladder", s.key, region_of(s), int(s.t[k - 1]), year, year - int(s.t[k - 1]), k, kind,
                         way[year], fc.cdf(year, float(s.y[j]))))
    return pd.DataFrame(rows, columns=PIT_COLUMNS)


def proxy_pits(series: list, max_h: int = C.H_MAX) -> pd.DataFrame:
    """A province's value of year y0, carried along the nation's series (same indicator, breakdown
    and definition) to a later year Y of the province, as ``verdicts.proxy`` carries a district's one
    actual; the PIT of the province's published value of Y.

    ``proxy_trend``: the nation known up to y0 (its forecast to Y); ``proxy_actual``: the nation
    known to its last year, which covers Y (centred on the nation's value of Y). Each province is
    its own group: the shift between a province and the nation is shared by its indicators, so
    the provinces, not the series, are the independent cases (the maps' floor is 1 / 32).
    """
    nation = {s.key.split("|", 1)[1]: s for s in series if region_of(s) == NATION}
    todo, fits = [], {}
    for s in series:
        parent = nation.get(s.key.split("|", 1)[1])
        if region_of(s) == NATION or parent is None:
            continue
        for i in range(len(s.t)):
            y0, v0 = float(s.t[i]), float(s.y[i])
            if too_small(v0, s.unit):
                continue
            for j in range(i + 1, len(s.t)):
                year = int(s.t[j])
                if year - y0 > max_h:
                    break
                for path, cut in (("proxy_trend", y0), ("proxy_actual", float(parent.t[-1]))):
                    known = parent.t <= cut
                    t, y = parent.t[known], parent.y[known]
                    if not can_anchor(t, y, y0, s.unit) or (path == "proxy_actual") != (year <= t[-1]):
                        continue
                    fkey = (parent.key, cut)
                    fits.setdefault(fkey, (t, y, s.unit, set()))[3].add(parent_year(t, y0, year))
                    todo.append((path, s, i, j, fkey))
    keys = sorted(fits)
    found = fit_many([fits[k][:2] for k in keys], [fits[k][2] for k in keys], [sorted(fits[k][3]) for k in keys],
                     calibrated=False)
    parent_fc = dict(zip(keys, found))
    rows = []
    for path, s, i, j, fkey in todo:
        fc = parent_fc[fkey]
        if fc is None:
            continue
        t, y = fits[fkey][:2]
        y0, year = float(s.t[i]), int(s.t[j])
        out = carry(fc, t, y, y0, float(s.y[i]), s.unit, year, NATION, calibrated=False)
        rows.append((path, s.key, region_of(s), int(y0), year, year - int(y0), 1, C.unit_kind(s.unit),
                     int(C.direction(out)[0]), out.cdf(year, float(s.y[j]))))
    return pd.DataFrame(rows, columns=PIT_COLUMNS)


def known_by(pits: pd.DataFrame, year: int) -> pd.DataFrame:
    """The errors whose outcome year is at most ``year``: what was observable then."""
    return pits[pits["year"] <= year]


def fit_calibration(pits: pd.DataFrame, provenance: dict | None = None) -> C.Calibration:
    """Maps per cell (``calibration.Calibration.map_for``): for the ladder per years ahead, history
    length and unit kind, and pooled over kinds, lengths or both; for the proxies per years ahead
    and kind, and pooled over kinds. A cell needs ``MIN_CASES`` errors from ``MIN_SERIES`` series."""
    cells = {}
    if not len(pits):
        return C.Calibration(cells, provenance or {})
    p = pits.assign(nb=[C.n_bucket(n) for n in pits["n"]])
    for path, d in p.groupby("path", sort=True):
        units = "group" if path.startswith("proxy") else "series"
        levels = ((["h", "nb", "kind"], (0, 1, 2)), (["h", "nb"], (0, 1)), (["h", "kind"], (0, 2)), (["h"], (0,)))
        if path.startswith("proxy"):
            levels = ((["h", "kind"], (0, 2)), (["h"], (0,)))
        for by, slots in levels:
            for key, g in d.groupby(by, sort=True):
                key = key if isinstance(key, tuple) else (key,)
                n_units = g[units].nunique()
                if len(g) < MIN_CASES or n_units < MIN_SERIES:
                    continue
                full = [int(key[0]), C.ANY, C.ANY]
                for v, slot in zip(key, slots):
                    full[slot] = int(v) if slot == 0 else str(v)
                cells[(path, *full)] = C.PitMap.fit(g["u"].to_numpy(), n_units, g["direction"].to_numpy())
    return C.Calibration(cells, provenance or {})


# --- honest evaluation: folds ---------------------------------------------------------------------

@dataclass
class TemporalFold:
    """Maps fitted on the errors known by ``cut``; judges the forecasts made after it."""

    pits: pd.DataFrame
    cut: int = HOLDOUT_CUT
    table: C.Calibration = field(init=False)

    def __post_init__(self):
        self.table = fit_calibration(known_by(self.pits, self.cut))

    def keeps(self, series, origin: int) -> bool:
        return origin > self.cut

    def forecast(self, series, fc):
        return C.apply(C.raw(fc), series.unit, self.table)


@dataclass
class LopoFold:
    """Leave one region out: a region's forecasts get the maps fitted on every other region."""

    pits: pd.DataFrame
    tables: dict = field(init=False, default_factory=dict)

    def table_for(self, group: str) -> C.Calibration:
        if group not in self.tables:
            self.tables[group] = fit_calibration(self.pits[self.pits["group"] != group])
        return self.tables[group]

    def keeps(self, series, origin: int) -> bool:
        return True

    def forecast(self, series, fc):
        return C.apply(C.raw(fc), series.unit, self.table_for(region_of(series)))


def proxy_holdout(pits: pd.DataFrame) -> pd.DataFrame:
    """The proxy maps judged leaving one province out: per path and years ahead, how often the
    province's value fell inside the 80% interval, raw and calibrated with the maps of the other
    provinces, and the share below the calibrated 10% quantile."""
    rows = []
    proxy = pits[pits["path"].str.startswith("proxy")]
    calibrated = pd.Series(np.nan, index=proxy.index)
    for group in sorted(set(proxy["group"])):
        table = fit_calibration(proxy[proxy["group"] != group])
        own = proxy[proxy["group"] == group]
        calibrated[own.index] = [C.probability(((table.map_for(r.path, r.h, C.ANY, r.kind), r.direction),), 0, r.u)
                                 for r in own.itertuples()]
    for (path, h), d in proxy.assign(cal=calibrated).groupby(["path", "h"], sort=True):
        inside = lambda u: float(((u > 0.1) & (u < 0.9)).mean())  # noqa: E731
        rows.append((path, int(h), len(d), inside(d["u"]), inside(d["cal"]), float((d["cal"] < 0.1).mean())))
    return pd.DataFrame(rows, columns=["path", "h", "cases", "coverage80_raw", "coverage80_lopo", "below_q10_lopo"])


# --- the shipped file -----------------------------------------------------------------------------

def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def provenance(series: list, pits: pd.DataFrame, data_dir: Path) -> dict:
    """Which series and years the maps come from, and the hashes of the code and data that made them
    (a git revision would change with the very commit that stores the file; the hashes do not)."""
    package = Path(__file__).resolve().parents[1]
    by_path = {p: {"cases": int(len(d)), "series": int(d["series"].nunique()), "regions": int(d["group"].nunique()),
                   "outcome_years": [int(d["year"].min()), int(d["year"].max())],
                   "origin_years": [int(d["origin"].min()), int(d["origin"].max())]}
               for p, d in pits.groupby("path", sort=True)}
    return {
        "command": COMMAND,
        "series": f"{len(series)} bundled published and derived series with at least 4 points "
                  "(evaluation.backtest.real_series): the national series, the yearbook tables and the NBS "
                  "provincial series; proxies: each province's series carried along the nation's",
        "paths": by_path,
        "horizons": [1, C.H_MAX],
        "min_cases": MIN_CASES, "min_series": MIN_SERIES,
        "data_sha256": {p.name: _sha(p) for p in sorted(data_dir.glob("*.csv"))},
        "code_sha256": {f: _sha(package / f) for f in CODE_FILES},
    }


def build(series: list, data_dir: Path) -> tuple[C.Calibration, pd.DataFrame]:
    """The calibration shipped with the package: fitted on every error known today."""
    pits = pd.concat([ladder_pits(series), proxy_pits(series)], ignore_index=True)
    return fit_calibration(pits, provenance(series, pits, data_dir)), pits

"""One verdict per target year: met, missed, on track, at risk, off track, or without data.

For each dated target of the catalogue, given the actuals known up to ``as_of``:

* repeats are one verdict: the same value for the same region, indicator, breakdown, year and
  comparator, written in the body and again in a task list, is judged once and cites every clause.
  Different values for the same year are conflicts and keep their own rows (``variants`` > 1);
* the series judged is the target's own region, indicator and breakdown (a total never decides a
  target with a breakdown) in the definition ``definitions.choose_definition`` picks;
* an actual for the target year decides ``met`` / ``missed``;
* otherwise ``p_meet`` is the forecast probability that the target-year value meets the target,
  and the status follows ``Thresholds``; with no forecast possible the status is
  ``insufficient_data``.

How a target is read (``rules.meets_interval``): ``>=`` / ``<=`` are a floor / ceiling; a plain number
(``==``) is read through the indicator's direction (a floor for higher_is_better, a ceiling for
lower_is_better), and is a band for ``planned`` indicators; ``~`` (左右, 大体相当) is a band. A band
is the target's own tolerance, else ``rules.DEFAULT_SHARE_TOLERANCE`` (2 points) for shares and
``rules.DEFAULT_RELATIVE_TOLERANCE`` (5%) otherwise; the sentence states it wherever it decides.

Thin data: with one local actual, the region's latest value is carried along the trend of the
nearest parent region (district -> city -> province -> nation) that has the indicator in the
target's definition (``proxy.parent_forecast``). Such rows name the parent and its series.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from ..actuals.load import Actuals
from ..actuals.table import SERIES_KEY, as_actuals_table
from ..actuals.definitions import choose_definition, definition_in_force, issued_year
from ..words.explain import explain
from ..forecast.ladder import fit_forecast, fit_many, series_problem
from ..parallel import map_ordered, scheduler_from_env
from .pace import fastest_changes, is_relative, pace, ratio_and_category
from .proxy import parent_change, parent_fits, parent_forecast, prefit
from ..plans.catalog import Catalog
from ..rules import Thresholds, desired_direction, inside, meets_band

__all__ = ["assess", "assess_with_paths", "forecast_path", "SeriesStore", "ASSESS_COLUMNS", "PATH_COLUMNS",
           "dated_targets", "paths_by_indicator"]


ASSESS_COLUMNS = [
    "plan", "region", "region_en", "domain", "indicator", "indicator_zh", "breakdown", "year", "clause", "target",
    "target_high", "comparator", "unit", "direction", "meet_low", "meet_high", "tolerance_used", "variants",
    "as_of", "latest_year", "latest_value", "n_points", "definition", "forecast", "lo80", "hi80", "lo95", "hi95",
    "p_meet", "status", "status_detail", "required_change", "historical_change", "change_unit", "pace_ratio",
    "pace_category", "anticipated_progress", "reach_year", "years_late", "plausibility", "model", "proxy_region",
    "explanation", "explanation_zh", "explanation_en", "target_id", "quote",
]


class Rows:
    """One series' years and values as numpy arrays (sorted by year). ``rows["year"]`` gives a pandas
    Series too, for readers that chart it."""

    __slots__ = ("year", "value")

    def __init__(self, year: np.ndarray, value: np.ndarray):
        self.year, self.value = year, value

    def __len__(self) -> int:
        return len(self.year)

    def __getitem__(self, column: str) -> pd.Series:
        return pd.Series(getattr(self, column), name=column)


_NO_ROWS = Rows(np.zeros(0), np.zeros(0))


class SeriesStore:
    """The actuals grouped once by (region, indicator, breakdown), each split by definition.

    Built with one sort and numpy slices, not a pandas group per series: a national run has
    about 100,000 series."""

    def __init__(self, act: pd.DataFrame):
        self.groups: dict[tuple, dict[str, Rows]] = {}
        keys = SERIES_KEY
        a = act[keys + ["year", "value"]].sort_values(keys + ["year"], kind="stable")
        cols = [a[k].to_numpy() for k in keys]
        years, values = a["year"].to_numpy(float), a["value"].to_numpy(float)
        if not len(a):
            return
        new = np.zeros(len(a), bool)
        new[0] = True
        for c in cols:
            new[1:] |= c[1:] != c[:-1]
        starts = np.flatnonzero(new).tolist() + [len(a)]
        for i, j in zip(starts[:-1], starts[1:]):
            region, indicator, breakdown, definition = (c[i] for c in cols)
            self.groups.setdefault((region, indicator, breakdown), {})[definition] = Rows(years[i:j], values[i:j])

    def get(self, region: str, indicator: str, breakdown: str = "", declared: str | None = None,
            in_force: str | None = None) -> tuple[Rows, str | None]:
        by_def = self.groups.get((region, indicator, breakdown), {})
        d = choose_definition(by_def, declared, in_force)
        return (by_def[d], d) if d is not None else (_NO_ROWS, None)


_MERGE_KEY = ["region", "indicator", "breakdown", "year", "comparator", "value", "value_high", "tolerance",
              "definition"]


def dated_targets(catalog: Catalog, region: str | None = None, plan: str | None = None,
                  domain: str | None = "vocational") -> pd.DataFrame:
    """The dated targets to judge, one row per verdict: a value repeated for the same region,
    indicator, breakdown, year and comparator (body and task list) is one row citing every clause
    and target id; ``variants`` counts the different values stated for the same target year."""
    t = catalog.select(plan=plan, region=region, domain=domain, kind="target")
    t = t[t["year"].notna()].copy()
    t["breakdown"] = t["breakdown"].fillna("").astype(str)
    if "definition" not in t:
        t["definition"] = None
    t["definition"] = t["definition"].fillna("").astype(str)
    levels = {name: r.level for name, r in catalog.regions.regions.items()}
    issued = {p.id: issued_year(p.issued, p.period) for p in catalog.plans.values()}
    t["in_force"] = [definition_in_force(k, levels.get(reg), issued.get(pl)) or ""
                     for k, reg, pl in zip(t["indicator"], t["region"], t["plan"])]
    t["year"] = t["year"].astype(int)
    key = _MERGE_KEY
    filled = t[key].astype(object).where(t[key].notna(), "∅")  # NaN never equals NaN in a group key

    def join(values, sep):
        return sep.join(dict.fromkeys(str(v) for v in values if v is not None and not pd.isna(v)))

    rows = []
    t["_pos"] = np.arange(len(t))  # groups keep the order of their first statement
    repeated = filled.duplicated(keep=False).to_numpy()  # most targets are stated once: no merge needed
    for _, g in t[repeated].groupby([filled.loc[repeated, c] for c in key], sort=False):
        first = g.iloc[0].to_dict()
        first.update(plan=join(g["plan"], ", "), clause=join(g["clause"], " / "), quote=join(g["quote"], " / "),
                     target_id=join(g["target_id"], ", "))
        rows.append(first)
    merged = pd.DataFrame(rows, columns=t.columns) if rows else t.iloc[0:0]
    single = t[~repeated]
    out = pd.concat([single, merged]).sort_values("_pos", kind="stable").drop(columns="_pos")
    out["variants"] = out.groupby(["region", "indicator", "breakdown", "year"])["value"].transform("size")
    return out.reset_index(drop=True)


def _window(frame: pd.DataFrame, as_of: int | None) -> pd.DataFrame:
    frame = as_actuals_table(frame)
    return frame[frame["year"] <= as_of] if as_of is not None else frame


def _as_of(frame: pd.DataFrame, as_of: int | None) -> int | None:
    return as_of if as_of is not None else (int(frame["year"].max()) if len(frame) else None)


def assess(catalog: Catalog, actuals: Actuals | pd.DataFrame, as_of: int | None = None, *, region: str | None = None,
           plan: str | None = None, domain: str | None = "vocational", lang: str = "zh",
           thresholds: Thresholds = Thresholds(), jobs: int = 1, scheduler: str | None = None) -> pd.DataFrame:
    """A tidy table: one row per target year and value (repeats merged, conflicts kept apart), with
    status, probability, pace, the series used and a plain explanation in both languages.

    ``jobs`` > 1 or a Dask ``scheduler`` (see ``parallel``) partitions the regions across worker
    processes; the table is the same, in the same order, however it was computed."""
    return _assess(catalog, actuals, as_of, region, plan, domain, lang, thresholds, jobs, scheduler, False)[0]


def assess_with_paths(catalog: Catalog, actuals: Actuals | pd.DataFrame, as_of: int | None = None, *,
                      region: str | None = None, plan: str | None = None, domain: str | None = "vocational",
                      lang: str = "zh", thresholds: Thresholds = Thresholds(), jobs: int = 1,
                      scheduler: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``assess`` and the forecast path drawn in each chart, from the same fits: the verdicts' own
    forecasts (one ``fit_many`` over every series, to every year up to the last target year) give
    the path, so a chart and its verdict agree by construction and no series is fitted twice.

    The paths are one table (``PATH_COLUMNS``), a path per (region, indicator) of the targets
    without a breakdown; ``paths_by_indicator`` cuts it into the charts' frames."""
    return _assess(catalog, actuals, as_of, region, plan, domain, lang, thresholds, jobs, scheduler, True)


def _assess(catalog, actuals, as_of, region, plan, domain, lang, thresholds, jobs, scheduler, with_paths):
    frame = actuals.frame if isinstance(actuals, Actuals) else actuals
    as_of = _as_of(frame, as_of)
    act = _window(frame, as_of)
    targets = dated_targets(catalog, region=region, plan=plan, domain=domain)
    regions = sorted(set(targets["region"]))
    n_parts = max(1, min(len(regions), 4 * jobs)) if (jobs > 1 or scheduler_from_env(scheduler)) else 1
    parts = [targets[targets["region"].isin(regions[i::n_parts])] for i in range(n_parts)] if regions else [targets]
    shared = (catalog, act, as_of, thresholds, lang, with_paths)
    done = map_ordered(_assess_part, parts, shared, jobs=jobs, scheduler=scheduler)
    _INDEXED.clear()
    out = pd.DataFrame([r for rows, _ in done for r in rows], columns=ASSESS_COLUMNS)
    for c in ("latest_year", "reach_year", "years_late", "as_of", "n_points", "year", "variants"):
        out[c] = out[c].astype("Int64")
    out = out.sort_values(["region", "indicator", "breakdown", "year", "clause", "target_id"],
                          kind="stable").reset_index(drop=True)
    if not with_paths:
        return out, None
    found = [p for _, p in done if p is not None and len(p)]
    paths = pd.concat(found, ignore_index=True) if found else _path_frame({})
    return out, paths.sort_values(["region", "indicator", "year"], kind="stable").reset_index(drop=True)


def _assess_part(shared: tuple, targets: pd.DataFrame) -> tuple[list[dict], pd.DataFrame | None]:
    """The verdicts of some regions' targets, read against all the actuals (parents included), and
    (``with_paths``) their charts' forecast paths from the same fits."""
    catalog, act, as_of, thresholds, lang, with_paths = shared
    store, fastest = _indexed(act, catalog.vocabulary)
    vocab = catalog.vocabulary
    horizons = targets.groupby(["region", "indicator", "breakdown"])["year"].agg(
        lambda s: sorted(int(x) for x in s)).to_dict()
    fits = _fit_all(targets, store, horizons, vocab)
    _prefit_parents(targets, catalog, store)
    rows = [_judge(tr, catalog, store, fastest, horizons, fits, as_of, thresholds, lang)
            for tr in targets.itertuples()]
    return rows, (_paths(rows, catalog, store, fits) if with_paths else None)


_INDEXED: list = []  # [(weakref to the actuals frame, store, fastest)]: one per worker, not one per part


def _indexed(act: pd.DataFrame, vocab) -> tuple[SeriesStore, dict]:
    """The series store and fastest changes of ``act``, built once per process for the same frame
    (a worker judges several parts against the same actuals)."""
    import weakref

    if _INDEXED and _INDEXED[0][0]() is act:
        return _INDEXED[0][1], _INDEXED[0][2]
    store = SeriesStore(act)
    fastest = fastest_changes(act[act["layer"] != "baseline"], {k: i.unit for k, i in vocab.indicators.items()})
    _INDEXED[:] = [(weakref.ref(act), store, fastest)]
    return store, fastest


def _fit_all(targets: pd.DataFrame, store: SeriesStore, horizons: dict, vocab) -> dict:
    """Every series a verdict forecasts, fitted at once (``ladder.fit_many``): keyed like ``fits``."""
    todo: dict = {}
    for tr in targets[["region", "indicator", "breakdown", "definition", "in_force", "year"]].itertuples(index=False):
        s, definition = store.get(tr.region, tr.indicator, tr.breakdown, tr.definition or None, tr.in_force or None)
        key = (tr.region, tr.indicator, tr.breakdown, definition)
        if len(s) >= 2 and tr.year > s.year[-1] and key not in todo:
            todo[key] = s
    keys = list(todo)
    # every year from the latest actual to the last target year: the verdicts read their target years
    # and the chart draws the whole path, from one fit
    found = fit_many([(todo[k].year, todo[k].value) for k in keys], [vocab[k[1]].unit for k in keys],
                     [range(int(todo[k].year[-1]) + 1, max(horizons[k[:3]]) + 1) for k in keys])
    return dict(zip(keys, found))


def _prefit_parents(targets: pd.DataFrame, catalog: Catalog, store: SeriesStore) -> None:
    """The parents' trends that thin series (one local actual) are carried along, fitted at once."""
    keys = []
    cols = ["region", "indicator", "breakdown", "definition", "in_force", "year"]
    for tr in targets[cols].itertuples(index=False):
        s, _ = store.get(tr.region, tr.indicator, tr.breakdown, tr.definition or None, tr.in_force or None)
        if len(s) == 1 and tr.year > s.year[-1]:
            keys += parent_fits(store, catalog.regions, tr.region, tr.indicator, tr.breakdown,
                                tr.definition or tr.in_force or None, float(s.year[-1]), float(s.value[-1]),
                                catalog.vocabulary[tr.indicator].unit, [int(tr.year)])
    prefit(keys)


def _judge(tr, catalog, store, fastest, horizons, fits, as_of, thresholds, lang) -> dict:
    """The verdict of one target row (see the module docstring)."""
    ind = catalog.vocabulary[tr.indicator]
    rel = is_relative(ind.unit)
    year = int(tr.year)
    low, high, tol = meets_band(tr.value, tr.comparator, ind.direction, ind.unit, tr.value_high, tr.tolerance)
    s, definition = store.get(tr.region, tr.indicator, tr.breakdown, tr.definition or None, tr.in_force or None)
    t, y = s.year, s.value
    r = {c: None for c in ASSESS_COLUMNS}
    r.update(plan=tr.plan, region=tr.region, region_en=tr.region_en, domain=tr.domain, indicator=tr.indicator,
             indicator_zh=tr.indicator_zh, breakdown=tr.breakdown, year=year, clause=tr.clause, target=tr.value,
             target_high=tr.value_high, comparator=tr.comparator, unit=ind.unit, direction=ind.direction,
             meet_low=low, meet_high=high, tolerance_used=tol, variants=tr.variants, as_of=as_of,
             n_points=int(len(s)), definition=definition, change_unit="percent_per_year" if rel else "per_year",
             target_id=tr.target_id, quote=tr.quote, proxy_region_en=None)
    if len(s):
        r.update(latest_year=int(t[-1]), latest_value=float(y[-1]))
        r["latest_meets"] = inside(float(y[-1]), low, high)
    r.update(pace(t, y, tr.value, year, rel))
    req = r["required_change"]
    want = desired_direction(ind.direction, tr.comparator)
    if (np.isfinite(req) and tr.indicator in fastest and not r.get("latest_meets")
            and (want == 0 or np.sign(req) == want) and abs(req) > fastest[tr.indicator] * 1.0001):
        r["plausibility"] = (f"required {abs(req):.3g}/yr exceeds the fastest annual change seen "
                             f"in the bundled data ({fastest[tr.indicator]:.3g}/yr)")
    hit = np.flatnonzero(t == year)
    if len(hit):
        v = float(y[hit[-1]])
        ok = inside(v, low, high)
        r.update(status="met" if ok else "missed", status_detail="actual", latest_year=year, latest_value=v,
                 p_meet=1.0 if ok else 0.0)
    else:
        _forecast_verdict(r, tr, ind, s, t, y, year, low, high, catalog, store, horizons, fits, thresholds)
    r["explanation_zh"], r["explanation_en"] = explain(r, "zh", thresholds), explain(r, "en", thresholds)
    r["explanation"] = r[f"explanation_{lang}"]
    return r


def _forecast_verdict(r, tr, ind, s, t, y, year, low, high, catalog, store, horizons, fits, thresholds) -> None:
    fc, detail = None, None
    problem = series_problem(t, y, ind.unit) if len(s) >= 2 and year > t[-1] else None
    if problem is not None:  # a series that cannot be forecast as given: no verdict from it, and why
        r.update(status="insufficient_data", status_detail=f"bad series: {problem[0]}", series_problem=problem[0])
        return
    if len(s) >= 2 and year > t[-1]:
        key = (tr.region, tr.indicator, tr.breakdown, r["definition"])
        if key not in fits:
            fits[key] = fit_forecast(t, y, horizons[(tr.region, tr.indicator, tr.breakdown)], ind.unit)
        fc, detail = fits[key], "forecast"
    elif len(s) == 1 and year > t[-1]:
        found = parent_forecast(store, catalog.regions, tr.region, tr.indicator, tr.breakdown,
                                tr.definition or tr.in_force or None, float(t[-1]), float(y[-1]), ind.unit, year)
        if found is not None:
            fc, parent, pdef = found
            detail = f"proxy: trend of {parent}"
            r.update(proxy_region=parent, proxy_region_en=catalog.regions.en(parent), definition=pdef)
            r.update(ratio_and_category(parent_change(store, parent, tr.indicator, tr.breakdown, pdef,
                                                      is_relative(ind.unit)), r["required_change"]))
    if fc is None:
        r.update(status="insufficient_data", status_detail="no actual" if not len(s) else
                 ("no actual for that year" if year <= t[-1] else "one actual, no parent trend"))
        return
    r.update(fc.at(year))
    p = fc.prob(year, low, high)
    r.update(p_meet=p, status=thresholds.status(p), status_detail=detail, model=fc.model,
             forecast_meets=inside(r["forecast"], low, high))


PATH_COLUMNS = ["region", "indicator", "year", "forecast", "lo80", "hi80", "lo95", "hi95", "model", "proxy"]
_PATH_ONLY = PATH_COLUMNS[2:]  # one chart's frame: the path without its key


def _paths(rows: list[dict], catalog: Catalog, store: SeriesStore, fits: dict) -> pd.DataFrame:
    """The chart path of each (region, indicator) judged without a breakdown: the series and the
    last year ``forecast_path`` takes (the first definition the verdicts name, the last target year),
    drawn from the verdicts' own fit of that series."""
    first: dict = {}
    for r in sorted((r for r in rows if r["breakdown"] == ""),
                    key=lambda r: (r["region"], r["indicator"], r["year"], str(r["clause"]), str(r["target_id"]))):
        k = (r["region"], r["indicator"])
        definition, until = first.get(k, (None, r["year"]))
        first[k] = (definition if definition is not None else r["definition"], max(until, r["year"]))
    keys = []  # the thin series' paths follow their parents' trends: fitted at once
    for (region, indicator), (definition, until) in first.items():
        s, _ = store.get(region, indicator, "", definition)
        if not len(s):
            s, _ = store.get(region, indicator, "")
        if len(s) == 1 and until > s.year[-1]:
            keys += parent_fits(store, catalog.regions, region, indicator, "", definition, float(s.year[-1]),
                                float(s.value[-1]), catalog.vocabulary[indicator].unit,
                                range(int(s.year[-1]) + 1, int(until) + 1))
    prefit(keys)
    cols: dict = {c: [] for c in PATH_COLUMNS}
    for (region, indicator), (definition, until) in first.items():
        _path_into(cols, catalog, store, fits, region, indicator, int(until), definition)
    return _path_frame(cols)


def _path_frame(cols: dict) -> pd.DataFrame:
    f = pd.DataFrame({c: cols.get(c, []) for c in PATH_COLUMNS})
    return f.astype({"year": "int64", "forecast": "float64", "lo80": "float64", "hi80": "float64",
                     "lo95": "float64", "hi95": "float64", "model": "object", "proxy": "bool"})


def _path_into(cols: dict, catalog: Catalog, store: SeriesStore, fits: dict | None, region: str, indicator: str,
               until: int, definition: str | None, breakdown: str = "") -> None:
    """Append one chart's path to ``cols``: the latest actual, then each year to ``until`` with the
    80% and 95% bands; from ``fits`` (the verdicts' forecasts) when they hold the series, else
    fitted here (the same ladder). One local point: along the nearest parent's trend, year by year,
    as the verdicts read it (``proxy.parent_forecast``). Nothing when no path can be drawn."""
    ind = catalog.vocabulary[indicator]
    s, found_def = store.get(region, indicator, breakdown, definition)
    if not len(s):  # a proxy verdict names the parent's definition; the region's own series is its default
        s, found_def = store.get(region, indicator, breakdown)
    if not len(s) or until <= s.year.max():
        return
    t, y = s.year, s.value
    years = np.arange(int(t[-1]) + 1, until + 1)
    if len(s) >= 2:
        fc = (fits or {}).get((region, indicator, breakdown, found_def))
        if fc is None or int(fc.years[-1]) < until:
            # a series that cannot be forecast as given (two values for a year ...) draws no path
            fc = fit_many([(t, y)], [ind.unit], [years])[0]
        if fc is None:
            return
        keep = fc.years <= until
        lo80, hi80 = fc.interval(0.8)
        lo95, hi95 = fc.interval(0.95)
        found = dict(forecast=fc.median[keep], lo80=lo80[keep], hi80=hi80[keep], lo95=lo95[keep], hi95=hi95[keep])
        models = [fc.model] * len(years)
    else:
        found, models = {k: [] for k in ("forecast", "lo80", "hi80", "lo95", "hi95")}, []
        for yr in years.tolist():
            got = parent_forecast(store, catalog.regions, region, indicator, breakdown, definition, float(t[-1]),
                                  float(y[-1]), ind.unit, yr)
            if got is None:
                return
            for k, v in got[0].at(yr).items():
                found[k].append(v)
            models.append(got[0].model)
    n = len(years) + 1
    cols["region"] += [region] * n
    cols["indicator"] += [indicator] * n
    cols["year"] += [int(t[-1])] + years.tolist()
    for k in ("forecast", "lo80", "hi80", "lo95", "hi95"):
        cols[k] += [float(y[-1])] + [float(v) for v in found[k]]
    cols["model"] += [models[0]] + models
    cols["proxy"] += [len(s) < 2] * n


def paths_by_indicator(paths: pd.DataFrame, region: str, indicators) -> dict:
    """The charts' frames of one region: {(region, indicator): path}, an empty frame for an indicator
    without a path (so the chart draws none and does not fit one itself)."""
    own = paths[paths["region"] == region]
    out = {(region, k): g[_PATH_ONLY].reset_index(drop=True) for k, g in own.groupby("indicator", sort=False)}
    empty = _path_frame({})[_PATH_ONLY]
    return {**{(region, k): empty for k in indicators}, **out}


def forecast_path(catalog: Catalog, actuals: Actuals | pd.DataFrame, region: str, indicator: str, until: int,
                  as_of: int | None = None, breakdown: str = "", definition: str | None = None) -> pd.DataFrame:
    """The forecast drawn in a chart: every year from the latest actual to ``until`` with the 80% and
    95% bands, from the series the verdicts used, or (one local point) along the nearest parent's
    trend. For one chart drawn without a run's paths; ``assess_with_paths`` gives them all at once."""
    frame = actuals.frame if isinstance(actuals, Actuals) else actuals
    store = SeriesStore(_window(frame, _as_of(frame, as_of)))
    cols: dict = {c: [] for c in PATH_COLUMNS}
    _path_into(cols, catalog, store, None, region, indicator, until, definition, breakdown)
    return _path_frame(cols)[_PATH_ONLY]

"""Risk per target year: met, missed, on track, at risk, off track, or without data.

For each dated target of the catalogue (each conflicting variant separately, labelled by clause),
given the actuals known up to ``as_of``:

* an actual for the target year decides ``met`` / ``missed``;
* otherwise ``p_meet`` is the forecast probability that the target-year value satisfies the
  target, and the status follows the thresholds (``on_track`` p >= 0.7, ``at_risk`` 0.3 <= p < 0.7,
  ``off_track`` p < 0.3); with no forecast possible the status is ``insufficient_data``.

How a target is read (``meets_interval``):

* ``>=`` / ``<=``: at least / at most the value.
* ``==`` (a plain planned number) is read through the indicator's direction: at least for
  higher_is_better, at most for lower_is_better (a plan's rising 17:1, 19:1, 20:1 are ceilings),
  and within a tolerance for ``planned`` indicators.
* ``~`` (左右, 大体相当): within the target's tolerance, or the default tolerance: 2 percentage
  points for shares, 5% of the value otherwise (a project convention, stated in every explanation).

Pace measures (all per year, from the series up to ``as_of``):

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
* ``plausibility``: a note when the required annual change exceeds the fastest annual change seen
  for the indicator in any region of the bundled data.

Thin data: when a region has fewer than two actuals for an indicator, its latest actual (often the
plan's own baseline) is carried forward along the trend of the nearest parent region with data
(district -> city -> province -> nation): as an absolute change for shares and ratios, a relative
change for counts and money (only from 10 units up: one school or zero students does not follow a
national growth rate). Such rows say ``proxy`` in ``status_detail`` and in the explanation.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .actuals import ACTUAL_COLUMNS, UNIT_LABELS, UNIT_LABELS_EN, Actuals
from .forecast import Forecast, fit_forecast, recency_weights
from .targets import Catalog
from .vocabulary import Indicator

__all__ = ["Thresholds", "assess", "meets_interval", "pace", "ASSESS_COLUMNS", "STATUSES", "PACE_WINDOW",
           "DEFAULT_SHARE_TOLERANCE", "DEFAULT_RELATIVE_TOLERANCE"]

STATUSES = ("met", "missed", "on_track", "at_risk", "off_track", "insufficient_data")
PACE_WINDOW = 5
DEFAULT_SHARE_TOLERANCE = 2.0      # percentage points
DEFAULT_RELATIVE_TOLERANCE = 0.05  # 5% of the target value
PACE_CUTOFFS = (0.95, 0.60, 0.0)
MIN_RELATIVE_PROXY = 10  # counts and money below this change in steps, not by a parent's growth rate

ASSESS_COLUMNS = [
    "plan", "region", "region_en", "domain", "indicator", "indicator_zh", "year", "clause", "target", "target_high",
    "comparator", "unit", "direction", "meet_low", "meet_high", "as_of", "latest_year", "latest_value",
    "n_points", "definition", "forecast", "lo80", "hi80", "lo95", "hi95", "p_meet", "status", "status_detail",
    "required_change", "historical_change", "change_unit", "pace_ratio", "pace_category", "anticipated_progress",
    "reach_year", "years_late", "plausibility", "model", "proxy_region", "explanation", "explanation_zh",
    "explanation_en", "target_id", "quote",
]


@dataclass(frozen=True)
class Thresholds:
    on_track: float = 0.7
    at_risk: float = 0.3

    def status(self, p: float) -> str:
        if p >= self.on_track:
            return "on_track"
        if p >= self.at_risk:
            return "at_risk"
        return "off_track"


def meets_interval(value: float, comparator: str, direction: str, unit: str, value_high: float | None = None,
                   tolerance: float | None = None) -> tuple[float | None, float | None]:
    """The interval [low, high] of outcomes that meet a target (None: unbounded)."""
    high_v = value if value_high is None or pd.isna(value_high) else value_high
    if tolerance is None or pd.isna(tolerance):
        tolerance = DEFAULT_SHARE_TOLERANCE if unit == "percent" else abs(value) * DEFAULT_RELATIVE_TOLERANCE
    if comparator == ">=":
        return value, None
    if comparator == "<=":
        return None, high_v
    if comparator == "==" and direction == "higher_is_better":
        return value, None
    if comparator == "==" and direction == "lower_is_better":
        return None, high_v
    return value - tolerance, high_v + tolerance


def _inside(x: float, low, high) -> bool:
    return (low is None or x >= low - 1e-9) and (high is None or x <= high + 1e-9)


# --- pace -------------------------------------------------------------------------------------

def _relative(ind: Indicator) -> bool:
    return ind.is_money_or_count


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
    hist = annual_change(y0, lv, ly - t0, relative)
    out["historical_change"] = hist
    req = out["required_change"]
    if np.isfinite(req) and np.isfinite(hist) and abs(req) > 1e-12:
        ratio = hist / req
        out["pace_ratio"] = ratio
        hi, mid, lo = PACE_CUTOFFS
        out["pace_category"] = ("sufficient" if ratio >= hi else "moderate" if ratio >= mid
                                else "insufficient" if ratio >= lo else "wrong_direction")
    level, slope = weighted_trend(t, y)
    gap = target - lv
    if abs(gap) > 1e-12:
        proj = level + slope * (target_year - ly)
        out["anticipated_progress"] = (proj - lv) / gap
        if slope * gap > 0:
            needed = gap / slope
            reach = int(ly + math.ceil(needed - 1e-9))
            out["reach_year"] = reach
            out["years_late"] = reach - target_year
    return out


def fastest_changes(actuals: pd.DataFrame, vocab) -> dict[str, float]:
    """Fastest annual change seen per indicator in any region's series (plausibility yardstick)."""
    out: dict[str, float] = {}
    for (_, indicator, _), g in actuals.groupby(["region", "indicator", "definition"], sort=False):
        if len(g) < 2 or indicator not in vocab:
            continue
        g = g.sort_values("year")
        rel = _relative(vocab[indicator])
        t, y = g["year"].to_numpy(float), g["value"].to_numpy(float)
        ch = [abs(annual_change(y[i], y[i + 1], t[i + 1] - t[i], rel)) for i in range(len(t) - 1)]
        ch = [c for c in ch if np.isfinite(c)]
        if ch:
            out[indicator] = max(out.get(indicator, 0.0), max(ch))
    return out


# --- series and proxies -----------------------------------------------------------------------

def _pick_series(act: pd.DataFrame, region: str, indicator: str) -> pd.DataFrame:
    """The series to judge by: the definition with the most recent data (then the longest).
    Definitions are never mixed; the plan's own baseline is a series of its own."""
    return _choose(act[(act["region"] == region) & (act["indicator"] == indicator)])


def _choose(g: pd.DataFrame) -> pd.DataFrame:
    if g.empty:
        return g
    stats_ = g.groupby("definition")["year"].agg(["max", "size"]).sort_values(["max", "size"], ascending=False)
    return g[g["definition"] == stats_.index[0]].sort_values("year")


class _Series:
    """Series lookup by (region, indicator), grouped once: the batch path stays O(rows)."""

    def __init__(self, act: pd.DataFrame):
        self.groups = {k: g for k, g in act.groupby(["region", "indicator"], sort=False)}
        self.cache: dict = {}

    def __call__(self, region: str, indicator: str) -> pd.DataFrame:
        key = (region, indicator)
        if key not in self.cache:
            g = self.groups.get(key)
            self.cache[key] = _choose(g) if g is not None else pd.DataFrame(columns=ACTUAL_COLUMNS)
        return self.cache[key]


class _Proxy:
    """A parent's forecast carried onto a child: shifted (absolute) or scaled (relative)."""

    def __init__(self, parent: Forecast, parent_at_start: float, child_start: float, relative: bool):
        self.parent, self.p0, self.c0, self.relative = parent, parent_at_start, child_start, relative
        self.model = f"proxy:{parent.model}"

    def _to_parent(self, v):
        return v * self.p0 / self.c0 if self.relative else v - self.c0 + self.p0

    def _to_child(self, v):
        return np.asarray(v) * self.c0 / self.p0 if self.relative else np.asarray(v) - self.p0 + self.c0

    def prob(self, year, low=None, high=None):
        return self.parent.prob(year, None if low is None else self._to_parent(low),
                                None if high is None else self._to_parent(high))

    def at(self, year):
        i = self.parent._index(year)
        lo80, hi80 = self.parent.interval(0.8)
        lo95, hi95 = self.parent.interval(0.95)
        return {k: float(self._to_child(v[i])) for k, v in
                dict(forecast=self.parent.mean, lo80=lo80, hi80=hi80, lo95=lo95, hi95=hi95).items()}


def _forecast_at(fc, year: int) -> dict:
    if isinstance(fc, _Proxy):
        return fc.at(year)
    i = fc._index(year)
    lo80, hi80 = fc.interval(0.8)
    lo95, hi95 = fc.interval(0.95)
    return dict(forecast=float(fc.mean[i]), lo80=float(lo80[i]), hi80=float(hi80[i]), lo95=float(lo95[i]),
                hi95=float(hi95[i]))


# --- explanations ----------------------------------------------------------------------------

_CMP_ZH = {">=": "≥", "<=": "≤", "==": "", "~": "约"}
_CMP_EN = {">=": "≥", "<=": "≤", "==": "", "~": "about "}
_STATUS_ZH = {"met": "已达标", "missed": "未达标", "on_track": "有望达标", "at_risk": "存在风险", "off_track": "难以达标",
              "insufficient_data": "数据不足"}
_STATUS_EN = {"met": "met", "missed": "missed", "on_track": "on track", "at_risk": "at risk",
              "off_track": "off track", "insufficient_data": "not enough data"}


def _num(v: float, unit: str) -> str:
    if v is None or not np.isfinite(v):
        return "—"
    if unit == "percent":
        return f"{v:.1f}%"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}".rstrip("0").rstrip(".")


def _change(v: float, relative: bool, unit: str, lang: str) -> str:
    if v is None or not np.isfinite(v):
        return "—"
    sign = "+" if v >= 0 else "−"
    a = abs(v)
    if relative:
        return f"{sign}{a:.1f}%"
    if unit == "percent":
        return f"{sign}{a:.1f} " + ("个百分点" if lang == "zh" else "points")
    return f"{sign}{_num(a, unit)}"


_PHRASES = {
    "zh": dict(
        head="{year} 目标 {cmp}{target}", sep="：", end="。",
        actual="{year} 年实际 {latest}，{status}",
        thin="只有 {n} 个实际值（{latest_year} 年 {latest}），上级地区也无可参照的趋势，无法估计达标概率；需每年 {required}",
        none="尚无实际值，无法估计达标概率。请补充实际数据",
        past="该年未报实际值，",
        forecast="按当前趋势预计 {forecast}（80% 区间 {lo}–{hi}），达标概率 {p}%（{status}）",
        proxy="，参照{proxy}的趋势推算（本地只有 {n} 个实际值）",
        required="；需每年 {required}", history="，过去每年 {history}",
        implausible="；所需速度超过数据中任何地区的最快年变化"),
    "en": dict(
        head="{year} target {cmp}{target}", sep=": ", end=".",
        actual="actual {latest} in {year}, {status}",
        thin="only {n} actual value ({latest} in {latest_year}) and no parent region with a trend, so no probability; "
             "needs {required} a year",
        none="no actual values yet, so no probability. Add actuals to assess it",
        past="no actual reported for that year; ",
        forecast="on the current trend {forecast} expected (80% interval {lo}–{hi}), {p}% chance of meeting it ({status})",
        proxy=", projected along the trend of {proxy} (only {n} local actual)",
        required="; needs {required} a year", history=", past pace {history}",
        implausible="; the required pace exceeds the fastest annual change seen in any region"),
}


def explain(r: dict, lang: str = "zh") -> str:
    """One plain sentence per flag, in Chinese or English (the phrases above)."""
    ph = _PHRASES[lang]
    unit, rel = r["unit"], r["change_unit"] == "percent_per_year"
    hist = r["historical_change"]
    v = dict(year=r["year"], cmp=(_CMP_ZH if lang == "zh" else _CMP_EN).get(r["comparator"], ""),
             target=_num(r["target"], unit) + ("" if unit == "percent" else
                                               (UNIT_LABELS if lang == "zh" else UNIT_LABELS_EN).get(unit, "")),
             latest=_num(r["latest_value"], unit), latest_year=r["latest_year"], n=r["n_points"],
             status=(_STATUS_ZH if lang == "zh" else _STATUS_EN)[r["status"]],
             required=_change(r["required_change"], rel, unit, lang), history=_change(hist, rel, unit, lang),
             forecast=_num(r["forecast"], unit), lo=_num(r["lo80"], unit), hi=_num(r["hi80"], unit),
             p=f"{r['p_meet'] * 100:.0f}" if r["p_meet"] is not None else "",
             proxy=r["proxy_region"] if lang == "zh" else r.get("proxy_region_en"))
    head = ph["head"].format(**v) + ph["sep"]
    if r["status"] in ("met", "missed"):
        return head + ph["actual"].format(**v) + ph["end"]
    if r["status"] == "insufficient_data":
        return head + (ph["thin"] if r["n_points"] else ph["none"]).format(**v) + ph["end"]
    s = head + (ph["past"] if r["as_of"] is not None and r["year"] <= r["as_of"] else "") + ph["forecast"].format(**v)
    if r["proxy_region"]:
        s += ph["proxy"].format(**v)
    s += ph["required"].format(**v)
    if hist is not None and np.isfinite(hist):
        s += ph["history"].format(**v)
    if r.get("plausibility"):
        s += ph["implausible"]
    return s + ph["end"]


# --- assess -----------------------------------------------------------------------------------

def assess(catalog: Catalog, actuals: Actuals | pd.DataFrame, as_of: int | None = None, *, region: str | None = None,
           plan: str | None = None, domain: str | None = "vocational", lang: str = "zh",
           thresholds: Thresholds = Thresholds()) -> pd.DataFrame:
    """A tidy table: one row per dated target (conflicting variants separately), with status,
    probability, pace measures and a plain explanation. See the module docstring for the formulas."""
    frame = actuals.frame if isinstance(actuals, Actuals) else actuals
    if as_of is None:
        as_of = int(frame["year"].max()) if len(frame) else None
    act = frame[frame["year"] <= as_of] if as_of is not None else frame
    targets = catalog.select(plan=plan, region=region, domain=domain, kind="target")
    targets = targets[targets["year"].notna()].reset_index(drop=True)
    vocab, regions = catalog.vocabulary, catalog.regions
    bundled = act["origin"].notna() & (act["definition"] != "plan")  # published data and its derivations
    fastest = fastest_changes(act[bundled], vocab)
    horizons = targets.groupby(["region", "indicator"])["year"].agg(lambda s: sorted(int(x) for x in s)).to_dict()

    series = _Series(act)

    fc_cache: dict = {}

    def forecast_for(reg, ind, years):
        key = (reg, ind, tuple(years))
        if key not in fc_cache:
            s = series(reg, ind)
            fc_cache[key] = fit_forecast(s["year"], s["value"], years, vocab[ind].unit) if len(s) >= 2 else None
        return fc_cache[key]

    rows = []
    for tr in targets.itertuples():
        ind = vocab[tr.indicator]
        rel = _relative(ind)
        year = int(tr.year)
        low, high = meets_interval(tr.value, tr.comparator, ind.direction, ind.unit, tr.value_high, tr.tolerance)
        s = series(tr.region, tr.indicator)
        t, y = s["year"].to_numpy(float), s["value"].to_numpy(float)
        r = {c: None for c in ASSESS_COLUMNS}
        r.update(plan=tr.plan, region=tr.region, region_en=tr.region_en, domain=tr.domain, indicator=tr.indicator,
                 indicator_zh=tr.indicator_zh, year=year, clause=tr.clause, target=tr.value,
                 target_high=tr.value_high, comparator=tr.comparator, unit=ind.unit, direction=ind.direction,
                 meet_low=low, meet_high=high, as_of=as_of, n_points=int(len(s)),
                 definition=s["definition"].iloc[0] if len(s) else None,
                 change_unit="percent_per_year" if rel else "per_year", target_id=tr.target_id, quote=tr.quote,
                 proxy_region_en=None)
        if len(s):
            r.update(latest_year=int(t[-1]), latest_value=float(y[-1]))
        r.update(pace(t, y, tr.value, year, rel))
        if np.isfinite(r["required_change"]) and tr.indicator in fastest and abs(r["required_change"]) > fastest[tr.indicator] * 1.0001:
            r["plausibility"] = (f"required {abs(r['required_change']):.3g}/yr exceeds the fastest annual change seen "
                                 f"in the bundled data ({fastest[tr.indicator]:.3g}/yr)")
        hit = s[s["year"] == year]
        if len(hit):
            v = float(hit["value"].iloc[-1])
            r.update(status="met" if _inside(v, low, high) else "missed", status_detail="actual",
                     latest_year=year, latest_value=v, p_meet=1.0 if _inside(v, low, high) else 0.0)
        else:
            fc = None
            if len(s) >= 2 and year > t[-1]:
                fc = forecast_for(tr.region, tr.indicator, horizons[(tr.region, tr.indicator)])
                detail = "forecast"
            elif len(s) == 1 and year > t[-1]:
                fc, parent = _proxy(series, regions, tr.region, tr.indicator, float(t[-1]), float(y[-1]), rel, year,
                                    ind.unit)
                if fc is not None:
                    detail = f"proxy: trend of {parent}"
                    r.update(proxy_region=parent, proxy_region_en=regions.en(parent))
                    r["historical_change"] = _parent_change(series, parent, tr.indicator, rel)
                    if np.isfinite(r["required_change"]) and r["historical_change"] is not None \
                            and np.isfinite(r["historical_change"]) and abs(r["required_change"]) > 1e-12:
                        r["pace_ratio"] = r["historical_change"] / r["required_change"]
            if fc is None:
                r.update(status="insufficient_data",
                         status_detail="no actual" if not len(s) else "one actual, no parent trend")
            else:
                r.update(_forecast_at(fc, year))
                p = fc.prob(year, low, high)
                r.update(p_meet=p, status=thresholds.status(p), status_detail=detail, model=fc.model)
        r["explanation_zh"], r["explanation_en"] = explain(r, "zh"), explain(r, "en")
        r["explanation"] = r[f"explanation_{lang}"]
        rows.append(r)
    out = pd.DataFrame(rows, columns=ASSESS_COLUMNS)
    for c in ("latest_year", "reach_year", "years_late", "as_of", "n_points", "year"):
        out[c] = out[c].astype("Int64")
    return out.sort_values(["region", "indicator", "year", "clause", "target_id"], kind="stable").reset_index(drop=True)


def _parent_change(series, parent, indicator, relative):
    s = series(parent, indicator)
    if len(s) < 2:
        return None
    t, y = s["year"].to_numpy(float), s["value"].to_numpy(float)
    return pace(t, y, y[-1], int(t[-1]) + 1, relative)["historical_change"]


@functools.lru_cache(maxsize=4096)
def _fit_cached(t: tuple, y: tuple, year: int, unit: str):
    return fit_forecast(np.asarray(t), np.asarray(y), [year], unit)


def _proxy(series, regions, region, indicator, y0_year, y0_value, relative, year, unit):
    """The nearest parent with two or more points, its trend carried onto the child.

    The parent's value at the child's latest year is read from its series (interpolated between
    published years). For a target year beyond the parent's data, the parent's own forecast is
    used. For a target year inside it, the distribution is centred on the parent's (interpolated)
    value that year, with the spread of a forecast over the same number of years: what a trend
    tells about one district is no surer than a forecast that far ahead.
    """
    import dataclasses

    from .forecast import _forward

    for parent in regions.ancestors(region):
        s = series(parent, indicator)
        if len(s) < 2:
            continue
        t, y = s["year"].to_numpy(float), s["value"].to_numpy(float)
        if not t[0] <= y0_year <= t[-1]:
            continue  # no parent value to anchor the child's latest actual on
        p0 = float(np.interp(y0_year, t, y))
        if relative and (p0 <= 0 or y0_value < MIN_RELATIVE_PROXY):
            # a district's 1 school or 0 students does not follow a national percentage change
            return None, None
        if year > t[-1]:
            fc = _fit_cached(tuple(t), tuple(y), int(year), unit)
        else:
            horizon = int(year - y0_year)
            fc = _fit_cached(tuple(t), tuple(y), int(t[-1]) + horizon, unit)
            if fc is not None:
                centre = _forward(np.asarray([np.interp(year, t, y)]), fc.transform)
                fc = dataclasses.replace(fc, years=np.asarray([year]), loc=centre,
                                         model=f"{fc.model}, centred on {parent}'s actual")
        if fc is None:
            continue
        return _Proxy(fc, p0, y0_value, relative), parent
    return None, None


def forecast_path(catalog: Catalog, actuals: Actuals | pd.DataFrame, region: str, indicator: str, until: int,
                  as_of: int | None = None) -> pd.DataFrame:
    """The forecast drawn in a chart: every year from the latest actual to ``until``, with the 80%
    band; from the region's own series, or (one local point) along the nearest parent's trend."""
    frame = actuals.frame if isinstance(actuals, Actuals) else actuals
    act = frame[frame["year"] <= as_of] if as_of is not None else frame
    ind = catalog.vocabulary[indicator]
    s = _pick_series(act, region, indicator)
    cols = ["year", "forecast", "lo80", "hi80", "proxy"]
    if not len(s) or until <= s["year"].max():
        return pd.DataFrame(columns=cols)
    t, y = s["year"].to_numpy(float), s["value"].to_numpy(float)
    years = list(range(int(t[-1]) + 1, until + 1))
    rows = [{"year": int(t[-1]), "forecast": y[-1], "lo80": y[-1], "hi80": y[-1], "proxy": len(s) < 2}]
    if len(s) >= 2:
        fc = fit_forecast(t, y, years, ind.unit)
        if fc is None:
            return pd.DataFrame(columns=cols)
        rows += [dict(year=yr, proxy=False, **{k: v for k, v in _forecast_at(fc, yr).items() if k in cols})
                 for yr in years]
    else:
        for yr in years:
            fc, _ = _proxy(_Series(act), catalog.regions, region, indicator, float(t[-1]), float(y[-1]),
                           _relative(ind), yr, ind.unit)
            if fc is None:
                return pd.DataFrame(columns=cols)
            rows.append(dict(year=yr, proxy=True, **{k: v for k, v in fc.at(yr).items() if k in cols}))
    return pd.DataFrame(rows, columns=cols)

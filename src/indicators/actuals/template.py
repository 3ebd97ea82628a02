"""An input table for a planner to fill: one row per indicator (and breakdown) a region's plans
date a target for, one column per year, pre-filled with the actuals already known."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .table import ACTUAL_COLUMNS
from ..errors import IndicatorsError
from .layouts import label_unit
from ..writing import to_csv_text, to_xlsx_bytes, write_atomic
from ..parse import clean_float
from ..plans.catalog import Catalog
from ..safe_text import sheet_title
from ..units import unit_of

if TYPE_CHECKING:
    from .load import Actuals

__all__ = ["template", "write_template", "TREND_YEARS"]


def template(catalog: Catalog, actuals: Actuals, region: str, layout: str = "wide") -> pd.DataFrame:
    """An input table for a region: one row per indicator and breakdown its plans date a target for,
    every year from five years before the baseline (or the first known actual, if earlier) to the
    last target year, so that a filled template gives a trend; pre-filled with known actuals.
    Breakdowns (per-major counts, ...) get a row each, named in the 分项 column."""
    t = _dated_targets(catalog, region)
    region = t["region"].iloc[0]
    series = list(dict.fromkeys(zip(t["indicator"], t["breakdown"])))
    known = actuals.select(region=region)
    known = known[known["indicator"].isin([k for k, _ in series])]
    first = _baseline_year(catalog, t) - TREND_YEARS
    if len(known):
        first = min(first, int(known["year"].min()))
    years = list(range(first, int(t["year"].max()) + 1))
    long = _long_template(catalog, region, series, years, known)
    with_breakdown = bool((long["breakdown"] != "").any())
    if layout == "long":  # the actuals table's columns a planner fills, in its order
        return long[[c for c in ACTUAL_COLUMNS if c in long and (c != "breakdown" or with_breakdown)]]
    return _wide(catalog, long, series, with_breakdown)


TREND_YEARS = 5  # years before the baseline a template asks for


def _baseline_year(catalog: Catalog, t: pd.DataFrame) -> int:
    """The plans' baseline year: their earliest baseline; else the year before the earliest plan
    period (a plan for 2020-2022 starts from 2019); else the year before the first target."""
    baselines = t.loc[t["kind"] == "baseline", "year"]
    if len(baselines):
        return int(baselines.min())
    starts = [p.period[0] for k, p in catalog.plans.items() if k in set(t["plan"]) and p.period and p.period[0]]
    return int(min(starts) if starts else t["year"].min()) - 1


def _dated_targets(catalog: Catalog, region: str) -> pd.DataFrame:
    """The region's dated targets and baselines in catalogue order, breakdown "" for a total."""
    t = catalog.select(region=region)
    t = t[t["year"].notna() & t["kind"].isin(["target", "baseline"])]
    if t.empty:
        raise IndicatorsError(f"no dated targets for region {region!r}; known regions with plans: "
                              f"{', '.join(sorted(catalog.targets['region'].unique()))}")
    t = t.assign(breakdown=t["breakdown"].fillna("").astype(str))
    return t.sort_values("target_id", key=lambda s: s.str.split("#").str[1].astype(int), kind="stable")


def _long_template(catalog: Catalog, region: str, series: list[tuple[str, str]], years: list[int],
                   known: pd.DataFrame) -> pd.DataFrame:
    values = known.drop_duplicates(["indicator", "breakdown", "year"], keep="last").set_index(
        ["indicator", "breakdown", "year"])["value"]
    rows = []
    for k, b in series:
        ind = catalog.vocabulary[k]
        for y in years:
            v = values.get((k, b, y))
            rows.append({"region": region, "indicator": k, "indicator_zh": ind.zh, "breakdown": b, "year": y,
                         "value": None if v is None else clean_float(float(v)),
                         "unit": unit_of(ind.unit).name_in("zh")})
    return pd.DataFrame(rows)


def _wide(catalog: Catalog, long: pd.DataFrame, series: list[tuple[str, str]], with_breakdown: bool) -> pd.DataFrame:
    """The plan annex's shape: 指标 (with its unit), 分项 when any row has a breakdown, one column per year."""
    long["label"] = long["indicator"].map(lambda k: _row_label(catalog.vocabulary[k]))
    index = ["label", "breakdown"]
    wide = long.pivot(index=index, columns="year", values="value")
    wide = wide.reindex(pd.MultiIndex.from_tuples([(_row_label(catalog.vocabulary[k]), b) for k, b in series],
                                                  names=index))
    wide.columns = [f"{y}年" for y in wide.columns]
    wide = wide.reset_index().rename(columns={"label": "指标", "breakdown": "分项"})
    return wide if with_breakdown else wide.drop(columns="分项")


def _row_label(ind) -> str:
    """Indicator name with its unit in brackets, as plan annexes write rows: 培训规模（人日）."""
    name, unit = label_unit(ind.zh)
    return f"{name}（{unit or unit_of(ind.unit).name_in('zh')}）"


def write_template(frame: pd.DataFrame, fmt: str, layout: str, region: str, output: Path) -> bool:
    """Write the template; True when a reader finds its region without --input-region (the long
    layout's region column, or the sheet's name). A wide sheet is named after its region; a region
    Excel cannot take as a title (``[]:*?/\\``, over 31 characters) names a safe title instead and
    stands in a title row above the table (readers skip it), so the region is still in the file,
    and validating needs --input-region. A CSV has no sheet name: --input-region too."""
    if fmt != "xlsx":
        write_atomic(output, to_csv_text(frame).encode("utf-8"))
        return False
    if layout == "long":
        write_atomic(output, to_xlsx_bytes(frame, "actuals"))
        return True
    title = sheet_title(region)
    write_atomic(output, to_xlsx_bytes(frame, title, None if title == region else region))
    return title == region

"""Actual values, layered: the bundled real statistics, the plans' own baselines, planners' files.

Everything becomes one long table (``table``) in canonical units, one row per region,
indicator, breakdown, definition and year, each row keeping its source. The layers, lowest first:

1. bundled published statistics (``data/actuals/*.csv``, the file with the lower prefix wins);
2. a plan's own baseline, only where no published value exists for that cell;
3. planners' files (CSV/XLSX, ``files``), later files overriding earlier ones cell by cell, each
   override listed;

then series derived from published parts (``derive``). Definitions: a series is identified by
region, indicator, breakdown and ``definition`` (national secondary-vocational counts include
technician schools up to 2020, ``incl_technician``, and not from 2021, ``excl_technician``);
forecasts never fit across two definitions.

Where else to look: ``files`` (CSV and Excel files; their encoding is ``indicators.encodings``), ``layouts`` (long and wide sheets), ``cells``
(the checks of one value), ``derive``, ``template`` (an input file to fill).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .table import CELL_KEY, SERIES_KEY, table, typed
from .derive import derive
from ..errors import IndicatorsError, Problem, Severity, ValidationError
from .files import read_actuals_file
from ..plans.catalog import Catalog, reading_digest
from ..plans.regions import Regions, remember_by_answers
from ..provenance import PACKAGE, file_stamps

__all__ = ["Actuals", "load_actuals", "bundled_data_dir", "baselines_as_actuals"]


def bundled_data_dir() -> Path:
    """Bundled actuals: $INDICATORS_DATA, the repo's data/actuals, or the copy inside a wheel."""
    env = os.environ.get("INDICATORS_DATA")
    if env:
        return Path(env)
    repo = PACKAGE.parents[1] / "data" / "actuals"
    if repo.is_dir():
        return repo
    return PACKAGE / "_data" / "actuals"


@dataclass
class Actuals:
    """The long table the tool uses, with what was overridden and derived."""

    frame: pd.DataFrame
    overrides: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def select(self, region: str | None = None, indicator: str | None = None, as_of: int | None = None) -> pd.DataFrame:
        f = self.frame
        if region is not None:
            f = f[f["region"] == region]
        if indicator is not None:
            f = f[f["indicator"] == indicator]
        if as_of is not None:
            f = f[f["year"] <= as_of]
        return f.reset_index(drop=True)


# --- the combined table -----------------------------------------------------------------------

def load_actuals(files: list[str | Path] | None = None, catalog: Catalog | None = None, *, bundled: bool = True,
                 region: str | None = None, with_baselines: bool = True, include_drafts: bool = False) -> Actuals:
    """Bundled data + plan baselines + planner files (later files override earlier ones per cell).
    A drafted file's unconfirmed rows are refused, or used with a warning when ``include_drafts``.

    Raises ValidationError listing every error in every file; warnings (unknown region) and missing
    cells are kept in ``Actuals.warnings``.
    """
    from ..plans.catalog import load_catalog

    catalog = catalog or load_catalog()
    vocab, regions = catalog.vocabulary, catalog.regions
    problems: list[Problem] = []
    layers: list[tuple[str, pd.DataFrame]] = []
    used_files: list[str] = []
    if bundled:
        layers.append(("bundled", _bundled(catalog, problems, used_files)))
    if with_baselines:
        layers.append(("baselines", baselines_as_actuals(catalog)))
    for p in files or []:
        frame, probs = read_actuals_file(p, vocab, regions, region=region, include_drafts=include_drafts)
        problems.extend(probs)
        layers.append((str(p), frame))
        used_files.append(str(p))
    if any(p.severity is Severity.ERROR for p in problems):
        raise ValidationError(problems, title="actuals failed validation")
    combined, overrides = _overlay(layers)
    derived = derive(combined, {k: ind.unit for k, ind in vocab.indicators.items()})
    combined = pd.concat([combined, derived], ignore_index=True) if len(derived) else combined
    combined = combined.sort_values(CELL_KEY, kind="stable").reset_index(drop=True)
    return Actuals(frame=typed(combined), overrides=overrides,
                   warnings=[p for p in problems if p.severity is not Severity.ERROR], files=used_files)


def _bundled(catalog: Catalog, problems: list[Problem], used_files: list[str]) -> pd.DataFrame:
    """Every bundled file; files are ranked by name (10_, 20_, ...): where two give the same cell,
    the first file's value is used. Read once per process for the same files (size and modification
    time), the same vocabulary and the same answers to the region questions the reading asked (is
    this name a region?): a notebook, a JupyterLab session or a test suite that loads the actuals
    again, or with a planner's regions.yaml that adds places of its own, gets the same table without
    parsing 20,000 cells again."""
    d = bundled_data_dir()
    bundled_files = sorted(d.glob("*.csv"))
    if not bundled_files:
        raise IndicatorsError(f"no bundled actuals found in {d}; set INDICATORS_DATA or reinstall")
    base = (file_stamps(*bundled_files), reading_digest(catalog.vocabulary))

    def read(regions: Regions) -> tuple[pd.DataFrame, list[Problem]]:
        parts, errors = [], []
        for p in bundled_files:
            frame, probs = read_actuals_file(p, catalog.vocabulary, regions, layer="bundled")
            errors.extend(x for x in probs if x.severity is Severity.ERROR)
            parts.append(frame)
        allrows = pd.concat(parts, ignore_index=True)
        return allrows[~allrows.duplicated(CELL_KEY, keep="first")].reset_index(drop=True), errors

    frame, errors = remember_by_answers(_BUNDLED, base, catalog.regions, read, 2)
    problems.extend(errors)
    used_files.extend(str(p) for p in bundled_files)
    return frame.copy()


# the bundled table read in this process, by what it was read with (keeping the last two: the bundled
# regions' answers and a planner's, so that alternating between the two reads neither again; see
# ``regions.remember_by_answers``)
_BUNDLED: OrderedDict = OrderedDict()


def baselines_as_actuals(catalog: Catalog) -> pd.DataFrame:
    """A plan's baseline column (kind baseline) is an actual for its year, in the definition the
    plan states or had in force (``definitions``), else ``standard``; its layer says it is the
    plan's own claim."""
    from .definitions import definition_in_force, issued_year

    b = catalog.targets[(catalog.targets["kind"] == "baseline") & catalog.targets["year"].notna()]
    b = b[b["value"].notna()]

    def definition(r) -> str:
        declared = getattr(r, "definition", None)
        if isinstance(declared, str) and declared:
            return declared
        p = catalog.plans.get(r.plan)
        level = catalog.regions[r.region].level if r.region in catalog.regions else None
        return definition_in_force(r.indicator, level, issued_year(p.issued, p.period) if p else None) or "standard"

    return table([{
        "region": r.region, "indicator": r.indicator, "breakdown": r.breakdown if isinstance(r.breakdown, str) else "",
        "definition": definition(r), "year": int(r.year), "value": r.value,
        "unit": r.unit, "value_as_published": r.written, "unit_as_published": r.unit_written,
        "source_title": f"《{catalog.plans[r.plan].title_zh}》{r.clause}", "source_url": None, "quote": r.quote,
        "note": r.note, "origin": r.target_id, "file": r.file, "row": r.line, "derivation": None, "layer": "baseline",
    } for r in b.itertuples()])


def _overlay(layers: list[tuple[str, pd.DataFrame]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Later layers override earlier ones cell by cell (region, indicator, definition, year); each
    override is listed. A planner row that names no definition takes the definition of the cell it
    replaces; where that cell holds several definitions, only the one the tool judges by (the most
    recent series) is replaced, so the other definitions are never lost.
    """
    combined = table([])
    overrides = []
    for name, frame in layers:
        if frame.empty:
            continue
        if combined.empty:
            combined = frame.copy()
            continue
        if name == "baselines":
            # a plan baseline never overrides published data: it only fills empty cells
            cell = ["region", "indicator", "breakdown", "year"]
            frame = frame[~pd.MultiIndex.from_frame(frame[cell]).isin(pd.MultiIndex.from_frame(combined[cell]))]
            combined = pd.concat([combined, frame], ignore_index=True)
            continue
        frame = frame.copy()
        frame["definition"] = _inherit_definitions(combined, frame)
        old = combined.merge(frame[CELL_KEY + ["value", "file", "row"]], on=CELL_KEY, suffixes=("", "_new"))
        overrides += [{"region": r.region, "indicator": r.indicator, "breakdown": r.breakdown,
                       "definition": r.definition, "year": r.year, "old_value": r.value, "old_source": r.file,
                       "new_value": r.value_new, "new_source": f"{r.file_new} row {r.row_new}"}
                      for r in old.itertuples()]
        drop = pd.MultiIndex.from_frame(combined[CELL_KEY]).isin(pd.MultiIndex.from_frame(frame[CELL_KEY]))
        combined = pd.concat([combined[~drop], frame], ignore_index=True)
    cols = CELL_KEY[:4] + ["year", "old_value", "old_source", "new_value", "new_source"]
    return combined, pd.DataFrame(overrides, columns=cols)


def _inherit_definitions(combined: pd.DataFrame, frame: pd.DataFrame) -> np.ndarray:
    from .definitions import choose_definition

    # only the series the new layer writes to are asked about (a planner's file touches a few of thousands)
    series = ["region", "indicator", "breakdown"]
    combined = combined[pd.MultiIndex.from_frame(combined[series]).isin(pd.MultiIndex.from_frame(frame[series]))]
    by_series: dict = {}
    for (region, indicator, breakdown, definition), g in combined.groupby(SERIES_KEY, sort=True):
        by_series.setdefault((region, indicator, breakdown), {})[definition] = g
    current = {k: choose_definition(v) for k, v in by_series.items()}
    in_cell = combined.groupby(["region", "indicator", "breakdown", "year"])["definition"].agg(
        lambda d: sorted(set(d))).to_dict()
    out = []
    for r in frame.itertuples():
        if r.definition != "standard":
            out.append(r.definition)
            continue
        cur = current.get((r.region, r.indicator, r.breakdown))
        there = in_cell.get((r.region, r.indicator, r.breakdown, r.year), [])
        if len(there) == 1:
            out.append(there[0])
        elif there:
            out.append(cur if cur in there else there[0])
        else:
            out.append(cur or "standard")
    return np.asarray(out, dtype=object)


"""The actuals table, declared once: its columns, their dtypes and the value a missing cell takes.

Every actual the tool uses (bundled, derived, a plan's baseline or a planner's file) is one row of
this table, in canonical units, keeping where it came from. The readers, the derived series, the
plan baselines, the combined table and the template all build it through ``table`` / ``typed``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["Column", "COLUMNS", "ACTUAL_COLUMNS", "SERIES_KEY", "CELL_KEY", "LAYERS", "NOT_DRAFTED_SHEET", "table",
           "typed", "as_actuals_table"]


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str            # the dtype of the loaded table ("object": text or None)
    fill: object = None   # what a missing cell means when a table is completed (None: stays missing)
    meaning: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("region", "object", meaning="a region of regions.yaml (or as the planner wrote it)"),
    Column("indicator", "object", meaning="a key of indicators.yaml"),
    Column("breakdown", "object", "", 'a sub-group (a major, an industry, a phase); "" for the total, never NaN, '
                                      "which would drop out of every group"),
    Column("definition", "object", "standard", "what a figure covers: incl_technician, excl_technician ..."),
    Column("year", "int64", meaning="the year the figure is for"),
    Column("value", "float64", meaning="the value in the indicator's canonical unit"),
    Column("unit", "object", meaning="the canonical unit"),
    Column("value_as_published", "object", meaning="the value as written in the source or the planner's cell"),
    Column("unit_as_published", "object", meaning="the unit as written"),
    Column("source_title", "object", meaning="where the figure was published"),
    Column("source_url", "object"),
    Column("quote", "object", meaning="the source's words for the figure"),
    Column("note", "object"),
    Column("origin", "object", meaning="the row of the shared data, or the catalogue target id of a baseline"),
    Column("file", "object", meaning="the file the row was read from"),
    Column("row", "object", meaning="the row in that file (sheet!row in a workbook)"),
    Column("derivation", "object", meaning="how a derived row was computed from published parts"),
    # where a row comes from: bundled (published), derived (computed from published parts),
    # baseline (a plan's own starting value) or planner (a planner's file); unknown: a planner's
    Column("layer", "object", "planner", "bundled, derived, baseline or planner"),
)
ACTUAL_COLUMNS = [c.name for c in COLUMNS]
SERIES_KEY = ["region", "indicator", "breakdown", "definition"]
CELL_KEY = SERIES_KEY + ["year"]
LAYERS = ("bundled", "derived", "baseline", "planner")
# the sheet of a drafted workbook (indicators draft-actuals) that lists the numbers not drafted, with the
# reason: a list for the planner to read, never values; the readers pass over it
NOT_DRAFTED_SHEET = "not_drafted"


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every declared column in its declared dtype."""
    frame = frame.copy()
    for c in COLUMNS:
        frame[c.name] = frame[c.name].astype(c.dtype)
    return frame


def table(rows: list[dict]) -> pd.DataFrame:
    """Rows (dicts keyed by column name) as a typed actuals table; no rows: an empty typed table."""
    return typed(pd.DataFrame(rows, columns=ACTUAL_COLUMNS))


def as_actuals_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Any long frame completed to the actuals table: every declared column, missing cells of columns
    with a ``fill`` filled (breakdown "", definition standard, layer planner). Dtypes are left as given."""
    frame = frame.reindex(columns=ACTUAL_COLUMNS)
    for c in COLUMNS:
        if c.fill is not None:
            frame[c.name] = frame[c.name].fillna(c.fill)
    frame["breakdown"] = frame["breakdown"].astype(str)  # a number typed as a breakdown is its name
    return frame

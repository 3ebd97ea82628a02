"""The two layouts of an actuals sheet, turned into cells.

- long: columns ``region, indicator, year, value`` (+ optional ``unit, source, note, definition``);
- wide: the plan annex's shape, indicator names down the first column and one column per year
  (``2019`` or ``2019年``), an optional 分项 column naming a breakdown; one sheet per region, or a
  region given by the caller.
"""

from __future__ import annotations

import re

import pandas as pd

from .cells import Cell, is_blank
from .errors import Problem
from .parse import normalise_text
from .units import UnitError

__all__ = ["long_cells", "wide_cells", "is_long", "header_year", "label_unit", "LONG_REQUIRED", "LONG_OPTIONAL",
           "BREAKDOWN_HEADERS"]

LONG_REQUIRED = ("region", "indicator", "year", "value")
LONG_OPTIONAL = ("unit", "source", "source_title", "source_url", "quote", "note", "definition", "origin", "breakdown")
BREAKDOWN_HEADERS = ("分项", "breakdown", "细分", "类别")

_YEAR_HEADER = re.compile(r"(19|20)\d{2}")


def header_year(cell) -> int | None:
    """'2019', '2019年', '现有基础 (2019年)', 2019.0 -> 2019."""
    if is_blank(cell):
        return None
    s = normalise_text(str(cell))
    if re.fullmatch(r"\d{4}(\.0)?年?", s):
        return int(s[:4])
    m = _YEAR_HEADER.search(s)
    return int(m.group(0)) if m and ("年" in s or "(" in s) else None


def label_unit(label: str) -> tuple[str, str | None]:
    """'财政性职业教育经费总投入（万元）' -> (name, '万元') when the bracket holds a known unit."""
    from .units import lookup_unit

    s = str(label).strip()
    m = re.search(r"[（(]([^（）()]{1,8})[）)]\s*$", s)
    if m:
        try:
            lookup_unit(m.group(1))
            return s[: m.start()].strip(), m.group(1)
        except UnitError:
            pass
    return s, None


def is_long(df: pd.DataFrame) -> bool:
    header = {normalise_text(str(c)).lower() for c in df.iloc[0].tolist()}
    return bool({"indicator", "year", "value"} & header)


def long_cells(f: str, sheet, df: pd.DataFrame, problems: list[Problem], region: str | None) -> list[Cell]:
    header = [normalise_text(str(c)).lower() for c in df.iloc[0].tolist()]
    missing = [c for c in LONG_REQUIRED if c not in header and not (c == "region" and region)]
    if missing:
        problems.append(Problem(f, "layout.missing_columns", f"columns {', '.join(LONG_REQUIRED)} "
                                f"(optional: {', '.join(LONG_OPTIONAL)})", sheet=sheet, row=1,
                                column=", ".join(missing), value=", ".join(str(c) for c in df.iloc[0].tolist())))
        return []
    col = {name: header.index(name) for name in header if name in LONG_REQUIRED + LONG_OPTIONAL}
    cells = []
    for i in range(1, len(df)):
        r = df.iloc[i].tolist()

        def get(name, r=r):
            j = col.get(name)
            v = r[j] if j is not None and j < len(r) else None
            return None if is_blank(v) else str(v).strip()

        if all(is_blank(v) for v in r):
            continue
        cells.append(Cell(f, sheet, i + 1, "value", get("region") or region or "", get("indicator") or "",
                          get("year") if get("year") is not None else r[col["year"]], r[col["value"]],
                          get("unit"), get("source") or get("source_title"), get("note"), get("definition"),
                          get("source_url"), get("quote"), get("origin"), get("breakdown")))
    return cells


def wide_cells(f: str, sheet, df: pd.DataFrame, problems: list[Problem], region: str | None) -> list[Cell]:
    header = df.iloc[0].tolist()
    # an optional second column names the breakdown (分项): one row per sub-group
    bcol = 1 if len(header) > 1 and normalise_text(str(header[1])).lower() in BREAKDOWN_HEADERS else None
    years = {j: header_year(c) for j, c in enumerate(header) if j > 0 and j != bcol}
    if not any(years.values()):
        problems.append(Problem(f, "layout.no_year_columns", "a header row with years (2019 or 2019年) after the "
                                "indicator column, or long columns region, indicator, year, value", sheet=sheet, row=1))
        return []
    reg = region or (sheet if sheet else None)
    if not reg:
        problems.append(Problem(f, "region.missing", "a region: one sheet per region (sheet name = region) or "
                                "--input-region on the command line", sheet=sheet))
        return []
    cells = []
    for i in range(1, len(df)):
        r = df.iloc[i].tolist()
        if is_blank(r[0]):
            continue
        name, unit = label_unit(str(r[0]))
        breakdown = None if bcol is None or is_blank(r[bcol]) else str(r[bcol]).strip()
        for j, y in years.items():
            if y is None or j >= len(r):
                continue
            cells.append(Cell(f, sheet, i + 1, str(df.iloc[0, j]).strip(), reg, name, y, r[j], unit,
                              breakdown=breakdown))
    return cells

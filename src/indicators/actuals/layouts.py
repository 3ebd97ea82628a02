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
from ..errors import Problem, UnitError
from ..text import normalise_text

__all__ = ["long_cells", "wide_cells", "is_long", "value_positions", "header_year", "label_unit", "LONG_REQUIRED", "LONG_OPTIONAL",
           "BREAKDOWN_HEADERS"]

LONG_REQUIRED = ("region", "indicator", "year", "value")
LONG_OPTIONAL = ("unit", "source", "source_title", "source_url", "quote", "note", "definition", "origin", "breakdown",
                 "confirmed")
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
    from ..units import lookup_unit

    s = str(label).strip()
    m = re.search(r"[（(]([^（）()]{1,8})[）)]\s*$", s)
    if m:
        try:
            lookup_unit(m.group(1))
            return s[: m.start()].strip(), m.group(1)
        except UnitError:
            pass
    return s, None


def is_long(header: list) -> bool:
    names = {normalise_text(str(c)).lower() for c in header}
    return bool({"indicator", "year", "value"} & names)


def value_positions(header: list) -> list[int]:
    """Positions of the columns that hold values: ``value`` in the long layout, the years in the wide."""
    if is_long(header):
        return [j for j, c in enumerate(header) if normalise_text(str(c)).lower() == "value"]
    return [j for j, c in enumerate(header) if j > 0 and header_year(c)]


def long_cells(f: str, sheet, header: list, header_row: int, body: pd.DataFrame, problems: list[Problem],
               region: str | None) -> list[Cell]:
    """``header`` is the header's cells, ``header_row`` its row number; ``body`` is indexed by 0-based row."""
    names = [normalise_text(str(c)).lower() for c in header]
    missing = [c for c in LONG_REQUIRED if c not in names and not (c == "region" and region)]
    if missing:
        problems.append(Problem(f, "layout.missing_columns", f"columns {', '.join(LONG_REQUIRED)} "
                                f"(optional: {', '.join(LONG_OPTIONAL)})", sheet=sheet, row=header_row,
                                column=", ".join(missing), value=", ".join(str(c) for c in header),
                                facts=(("required", "、".join(LONG_REQUIRED)), ("optional", "、".join(LONG_OPTIONAL)))))
        return []
    if _named_twice(f, sheet, header_row, body, [n if n in LONG_REQUIRED + LONG_OPTIONAL else None for n in names],
                    header, problems):
        return []
    col = {name: names.index(name) for name in names if name in LONG_REQUIRED + LONG_OPTIONAL}
    cells = []
    for i, r in zip(body.index, body.values.tolist()):

        def get(name, r=r):
            j = col.get(name)
            v = r[j] if j is not None and j < len(r) else None
            return None if is_blank(v) else str(v).strip()

        if all(is_blank(v) for v in r):
            continue
        cells.append(Cell(f, sheet, int(i) + 1, "value", get("region") or region or "", get("indicator") or "",
                          get("year") if get("year") is not None else r[col["year"]], r[col["value"]],
                          get("unit"), get("source") or get("source_title"), get("note"), get("definition"),
                          get("source_url"), get("quote"), get("origin"), get("breakdown"),
                          # a drafted file (indicators draft-actuals) has the column: blank is not confirmed
                          (get("confirmed") or "") if "confirmed" in col else None))
    return cells


def wide_cells(f: str, sheet, header: list, header_row: int, body: pd.DataFrame, problems: list[Problem],
               region: str | None) -> list[Cell]:
    # an optional second column names the breakdown (分项): one row per sub-group
    bcol = 1 if len(header) > 1 and normalise_text(str(header[1])).lower() in BREAKDOWN_HEADERS else None
    years = {j: header_year(c) for j, c in enumerate(header) if j > 0 and j != bcol}
    if not any(years.values()):
        problems.append(Problem(f, "layout.no_year_columns", "a header row with years (2019 or 2019年) after the "
                                "indicator column, or long columns region, indicator, year, value", sheet=sheet,
                                row=header_row, facts=(("case", "table"),)))
        return []
    if _named_twice(f, sheet, header_row, body, [years.get(j) for j in range(len(header))], header, problems):
        return []
    reg = region or (sheet if sheet else None)
    if not reg:
        problems.append(Problem(f, "region.missing", "a region: one sheet per region (sheet name = region) or "
                                "--input-region on the command line", sheet=sheet, facts=(("case", "sheet"),)))
        return []
    cells = []
    for i, r in zip(body.index, body.values.tolist()):
        if is_blank(r[0]):
            _unlabelled(f, sheet, int(i) + 1, header, r, list(years), problems)
            continue
        name, unit = label_unit(str(r[0]))
        breakdown = None if bcol is None or is_blank(r[bcol]) else str(r[bcol]).strip()
        for j, y in years.items():
            if y is None or j >= len(r):
                continue
            cells.append(Cell(f, sheet, int(i) + 1, str(header[j]).strip(), reg, name, y, r[j], unit,
                              breakdown=breakdown))
    return cells


def _named_twice(f: str, sheet, header_row: int, body: pd.DataFrame, keys: list, header: list,
                 problems: list[Problem]) -> bool:
    """Two columns with one meaning (a second ``value``; 2019 and 2019年): which one holds the data
    is a guess, so each such pair is an error naming both columns by letter and as written.
    ``keys[j]`` is what header position j means (None: a column not read)."""
    from openpyxl.utils import get_column_letter

    first: dict = {}
    found = False
    for j, key in enumerate(keys):
        if key is None:
            continue
        if key not in first:
            first[key] = j
            continue
        a, b = first[key], j
        letters = [get_column_letter(int(body.columns[k]) + 1) if k < len(body.columns) else str(k + 1) for k in (a, b)]
        meaning = f"the year {key}" if isinstance(key, int) else repr(key)
        problems.append(Problem(f, "layout.duplicate_column", f"each column named once: columns {letters[0]} "
                                f"({str(header[a]).strip()}) and {letters[1]} ({str(header[b]).strip()}) of the header "
                                f"(row {header_row}) both mean {meaning}; delete or rename one of them", sheet=sheet,
                                row=header_row, column=f"{letters[0]}, {letters[1]}", value=str(key),
                                facts=(("a", letters[0]), ("a_name", str(header[a]).strip()), ("b", letters[1]),
                                       ("b_name", str(header[b]).strip()), ("header_row", header_row),
                                       ("meaning", f"{key} 年" if isinstance(key, int) else str(key)))))
        found = True
    return found


def _unlabelled(f: str, sheet, row: int, header: list, r: list, value_cols: list[int], problems: list[Problem]):
    """A row with values but no indicator name: which indicator is meant is a guess (the one above?)."""
    filled = [j for j in value_cols if j < len(r) and not is_blank(r[j])]
    if filled:
        problems.append(Problem(f, "layout.no_label", "the indicator's name in the first column of every row with "
                                "values (a name merged down over several rows is read for each of them)",
                                sheet=sheet, row=row, column="indicator" if is_blank(header[0]) else str(header[0]),
                                value=r[filled[0]], facts=(("case", "table"),)))

"""A sheet as planners fill it, reduced to a header and a body the layouts read.

Read where the meaning is unambiguous:

- title rows above the header (one cell each, often merged across the table) are skipped;
- a two-row header (指标 merged down over two rows, 年度 merged across with the years below) is
  joined into one row;
- a label merged down over several rows (an indicator name over its breakdown rows) is read on
  each of them.

Otherwise a problem says exactly what to change: a row above the header that holds several cells
(``layout.rows_above_header``), a value merged over several years or rows (``layout.merged_values``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .cells import Cell, is_blank
from ..errors import Problem
from .layouts import header_year, is_long, long_cells, value_positions, wide_cells

__all__ = ["Grid", "sheet_cells"]


@dataclass
class Grid:
    """One sheet (or a CSV file) as read: every cell as text (NaN where empty), indexed by its 0-based
    row and column in the file, and the merged ranges (first row, first column, last row, last column)."""

    sheet: str | None
    cells: pd.DataFrame
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


_SCAN = 20  # the header is looked for in the first rows only


def sheet_cells(f: str, grid: Grid, problems: list[Problem], region: str | None) -> list[Cell]:
    """The cells of one sheet: header found and joined, merged labels filled, read long or wide."""
    sheet = grid.sheet
    df = grid.cells.dropna(how="all").dropna(axis=1, how="all")
    if df.empty or len(df) < 2:
        problems.append(Problem(f, "file.empty", "a header row and at least one data row", sheet=sheet,
                                facts=(("case", "table"),)))
        return []
    k = _header_position(df)
    if k is None:  # no header anywhere: the first row's layout says what it expected there
        k, header = 0, df.iloc[0].tolist()
    else:
        two_rows = _two_row_header(df, k, grid.merged)
        if not _only_titles_above(f, sheet, df, k - 1 if two_rows else k, k, problems):
            return []
        header = _joined(df, k) if two_rows else df.iloc[k].tolist()
    header_row = int(df.index[k]) + 1
    body = df.iloc[k + 1:]
    if body.empty:
        problems.append(Problem(f, "file.empty", "a header row and at least one data row", sheet=sheet,
                                row=header_row, facts=(("case", "table"),)))
        return []
    body = _fill_merged(f, sheet, header, body, grid.merged, problems)
    if body is None:
        return []
    reader = long_cells if is_long(header) else wide_cells
    return reader(f, sheet, header, header_row, body, problems, region)


def _header_position(df: pd.DataFrame) -> int | None:
    """Position of the first row that is a long header (indicator, year, value) or has years after
    the first column; None if none of the first ``_SCAN`` rows is. Below the first row, a header
    must look like one: several years, or a year written as a heading (2019年), so that the year
    column of a long table whose header is not understood is not taken for a header."""
    for k in range(min(len(df) - 1, _SCAN)):
        row = df.iloc[k].tolist()
        if is_long(row):
            return k
        years = [(c, header_year(c)) for c in row[1:] if header_year(c)]
        if years and (k == 0 or len({y for _, y in years}) > 1 or any("年" in str(c) for c, _ in years)):
            return k
    return None


def _two_row_header(df: pd.DataFrame, k: int, merged: list[tuple[int, int, int, int]]) -> bool:
    """Row k-1 is the header's upper row: a cell is merged down from it into the year row (指标 over
    two rows), or the year row's first cell is empty under a label (a merged 指标 saved as CSV)."""
    if k == 0:
        return False
    upper, lower = int(df.index[k - 1]), int(df.index[k])
    if any(r0 <= upper and r1 >= lower for r0, _, r1, _ in merged):
        return True
    return is_blank(df.iloc[k, 0]) and not is_blank(df.iloc[k - 1, 0])


def _joined(df: pd.DataFrame, k: int) -> list:
    """The year row, each empty cell taking the one above (指标 and 分项 merged down; 年度 across
    the years is replaced by the years under it)."""
    return [u if is_blank(v) else v for u, v in zip(df.iloc[k - 1].tolist(), df.iloc[k].tolist())]


def _only_titles_above(f: str, sheet, df: pd.DataFrame, first_header: int, k: int, problems: list[Problem]) -> bool:
    """Rows above the header may only be titles: one filled cell each. Anything else is reported
    with the row to change and where the header is."""
    header_row = int(df.index[k]) + 1
    what = ("region, indicator, year, value" if is_long(df.iloc[k].tolist()) else "years")
    ok = True
    for i in range(first_header):
        filled = [str(c) for c in df.iloc[i].tolist() if not is_blank(c)]
        if len(filled) <= 1:
            continue
        row = int(df.index[i]) + 1
        problems.append(Problem(f, "layout.rows_above_header",
                                f"row {row} is above the header and holds {len(filled)} cells; the header with "
                                f"{what} is row {header_row}: delete row {row} or merge its cells into one title "
                                f"(a title row of one cell is skipped)", sheet=sheet, row=row,
                                value=" | ".join(filled)[:80],
                                facts=(("row", row), ("n", len(filled)), ("header_row", header_row),
                                       ("what", "region、indicator、year、value" if what != "years" else "年份"))))
        ok = False
    return ok


def _fill_merged(f: str, sheet, header: list, body: pd.DataFrame, merged: list[tuple[int, int, int, int]],
                 problems: list[Problem]) -> pd.DataFrame | None:
    """A label merged over several rows is read on each row (only in the range's first column: a name
    merged across the 分项 column is a total); a merged value is a problem (which year or row does it
    belong to?). Ranges are (first row, first column, last row, last column), 0-based."""
    from openpyxl.utils import get_column_letter

    values = {body.columns[j] for j in value_positions(header) if j < len(body.columns)}
    body = body.copy()
    ok = True
    for r0, c0, r1, c1 in merged:
        if r0 not in body.index or c0 not in body.columns or is_blank(body.at[r0, c0]):
            continue  # the header's own merges (or above), or an empty merged block
        where = f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1 + 1)}{r1 + 1}"
        if c0 in values:
            column = str(header[list(body.columns).index(c0)]).strip()
            problems.append(Problem(f, "layout.merged_values",
                                    f"one value per cell: {where} is merged over "
                                    f"{'several years' if c1 > c0 else 'several rows'}; unmerge it and write the "
                                    f"value of each cell (blank where not known)", sheet=sheet, row=r0 + 1,
                                    column=column, value=body.at[r0, c0],
                                    facts=(("where", where), ("span", "多个年份" if c1 > c0 else "多行"))))
            ok = False
            continue
        rows = [i for i in body.index if r0 <= i <= r1]
        body.loc[rows, c0] = body.at[r0, c0]
    return body if ok else None

"""An Excel workbook read as the planner sees it: visible sheets, rows and columns, each cell as shown.

- The workbook is measured first (``xlsx_limits``): a huge or hostile one is refused before openpyxl.
- A hidden sheet, hidden rows and hidden columns are skipped with a note (``layout.hidden_*``): the
  planner does not see them, so reading them would use numbers nobody checked.
- A number formatted as percent reads as the percentage shown (stored 0.913, shown 91.3%).
- An error value (#DIV/0!), a formula without a saved result and a date or time are passed on as
  their text, marked ``Unreadable``: as a label or header they are text, as a value they are refused.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Problem, Severity
from ..parse import clean_float
from .sheets import Grid
from .xlsx_limits import measure_workbook

__all__ = ["read_workbook", "Unreadable"]

_BAD = "a valid .xlsx workbook (saved by Excel, WPS or LibreOffice)"


class Unreadable(str):
    """The text of a cell that holds no number whatever it shows; ``why`` is error, formula or date."""

    why: str

    def __new__(cls, text: str, why: str):
        self = super().__new__(cls, text)
        self.why = why
        return self

    def __getnewargs__(self):  # copy and pickle (a Problem's value is deep-copied by asdict) rebuild it whole
        return str(self), self.why

    def problem(self, where: dict, column: str) -> Problem:
        """The refusal of this text in a value cell, with what to change in Excel."""
        if self.why == "date":
            return Problem(**where, column=column, value=str(self), code="value.date_or_time",
                           expected="a number, not a date or time: the cell is formatted as a date or time; "
                                    "format it as General or Number and type the value", facts=(("case", "excel"),))
        how = ("the cell shows an Excel error: correct the formula or type the value (blank if unknown)"
               if self.why == "error" else "the formula has no saved result (the file was not saved by Excel): "
               "open and save it in Excel, or type the value")
        return Problem(**where, column=column, value=str(self), code="value.not_a_number", expected=f"a number; {how}",
                       facts=(("case", "excel_error" if self.why == "error" else "no_result"),))


def read_workbook(path: Path) -> tuple[list[Grid], list[Problem]]:
    """The visible sheets as grids of text, with notes for what was skipped; nothing raises."""
    f = str(path)
    measured = measure_workbook(path)
    if measured.problems:
        return [], measured.problems
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():  # openpyxl warns of what it cannot model; dates it cannot read become errors
            warnings.simplefilter("ignore")
            book = load_workbook(path, data_only=True)  # not read-only: merged ranges need the full model
            formulas = _formulas(path) if measured.formulas else {}
            return _grids(f, book, formulas)
    except Exception as exc:  # openpyxl raises many types for broken files; none may reach the planner
        return [], [Problem(f, "file.bad_excel", _BAD, value=type(exc).__name__, facts=(("case", "xlsx"),))]


def _grids(f: str, book, formulas: dict) -> tuple[list[Grid], list[Problem]]:
    grids, problems = [], []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            problems.append(Problem(f, "layout.hidden_sheet", f"sheet {ws.title} is hidden and was not read: unhide "
                                    "it (right-click a sheet tab, Unhide) to read it, or delete it",
                                    sheet=ws.title, severity=Severity.WARNING, facts=(("sheet", ws.title),)))
            continue
        shown = formulas.get(ws.title, {})
        rows = [[_cell_text(c, shown) for c in row] for row in ws.iter_rows()]
        cells = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame()
        _skip_hidden(f, ws, cells, problems)
        merged = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
        grids.append(Grid(ws.title, cells, merged))
    if not grids:
        problems.append(Problem(f, "file.empty", "a visible sheet with a header row and at least one data row",
                                facts=(("case", "workbook"),)))
    return grids, problems


def _formulas(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet -> (row, column) -> formula text, for the cells that hold one (a second, streaming read:
    openpyxl gives either the saved results or the formulas)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=False)
    out = {}
    for ws in book.worksheets:
        found = {}
        for row in ws.iter_rows():
            for c in row:
                if getattr(c, "data_type", None) == "f":
                    found[(c.row, c.column)] = str(getattr(c.value, "text", None) or c.value)
        out[ws.title] = found
    book.close()
    return out


def _skip_hidden(f: str, ws, cells: pd.DataFrame, problems: list[Problem]) -> None:
    """Hidden rows and columns that hold something are emptied (they are not data) and named in a note."""
    if cells.empty:
        return
    rows = [r for r, d in ws.row_dimensions.items() if d.hidden and 0 <= r - 1 < len(cells)]
    rows = [r for r in sorted(rows) if cells.iloc[r - 1].notna().any()]
    cols = sorted({c for d in ws.column_dimensions.values() if d.hidden and d.min
                   for c in range(d.min, min(d.max or d.min, cells.shape[1]) + 1)})
    cols = [c for c in cols if cells.iloc[:, c - 1].notna().any()]
    from openpyxl.utils import get_column_letter

    for kind, items, name in (("rows", rows, str), ("columns", cols, get_column_letter)):
        if not items:
            continue
        listed = _ranges(items, name)
        problems.append(Problem(f, f"layout.hidden_{kind}", f"hidden {kind} {listed} were not read: unhide them "
                                f"(select the {kind} around them, right-click, Unhide) to read them, or delete them",
                                sheet=ws.title, row=listed if kind == "rows" else None,
                                column=listed if kind == "columns" else None, severity=Severity.WARNING,
                                facts=(("case", "hidden"), ("listed", listed),
                                       ("kind", "行" if kind == "rows" else "列"))))
    if rows:
        cells.iloc[[r - 1 for r in rows], :] = None
    if cols:
        cells.iloc[:, [c - 1 for c in cols]] = None


def _ranges(items: list[int], name) -> str:
    """[3, 4, 5, 9] -> "3-5, 9" (columns by letter: "C-E, I")."""
    out, start = [], items[0]
    for prev, cur in zip(items, items[1:] + [None]):
        if cur != prev + 1:
            out.append(name(start) if start == prev else f"{name(start)}-{name(prev)}")
            start = cur
    return ", ".join(out)


def _cell_text(cell, formulas: dict) -> object:
    """What the cell shows, as text: NaN where empty (pandas' NA words too, as pandas' reader did)."""
    from openpyxl.cell.cell import TYPE_ERROR, TYPE_NUMERIC

    v = cell.value
    if v is None:
        formula = formulas.get((cell.row, cell.column))
        return Unreadable(formula if formula.startswith("=") else "=" + formula, "formula") if formula else np.nan
    if cell.data_type == TYPE_ERROR:
        return Unreadable(str(v), "error")
    if isinstance(v, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return Unreadable(_shown_date(v), "date")
    if cell.data_type == TYPE_NUMERIC and not isinstance(v, bool):
        return _number_text(float(v), cell.number_format or "")
    text = str(v)
    return np.nan if text in _NA_TEXT else text


def _number_text(v: float, number_format: str) -> str:
    """A stored number as text that reads back to it exactly; a percent format shows it times 100."""
    if not math.isfinite(v):  # not writable by Excel; only a hand-made file holds one
        return Unreadable(str(v), "error")
    if "%" in number_format and math.isfinite(v * 100):
        shown = clean_float(v * 100)
        return f"{int(shown) if shown.is_integer() else shown}%"
    if v.is_integer() and abs(v) < 2 ** 53:
        return str(int(v))
    return repr(v)  # shortest text that reads back to the same float, 1.79e+308 in scientific notation


def _shown_date(v) -> str:
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date().isoformat()
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


# what pandas reads as empty in an Excel cell (its default NA strings), kept so reading is unchanged;
# an Excel error value (#N/A, #DIV/0!) is not one of them: it is an error, not a blank
_NA_TEXT = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                      "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"})

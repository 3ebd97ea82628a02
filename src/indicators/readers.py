"""Reading one actuals file: CSV (UTF-8 with or without BOM, GBK/GB18030) or an Excel workbook,
in the long or wide layout (``layouts``), every cell checked (``cells``).

Reading never stops at the first problem: every problem is collected with file, sheet, row and
column, and the caller gets them all at once. Blank cells (—, 空, empty) mean missing and are
listed as such, not treated as errors.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .actuals_table import CELL_KEY, table
from .cells import Cell, cell_to_row
from .sheets import Grid, sheet_cells
from .errors import Problem
from .parse import clean_float
from .regions import Regions
from .vocabulary import Vocabulary

__all__ = ["read_actuals_file", "read_tables"]


def read_actuals_file(path: str | Path, vocabulary: Vocabulary, regions: Regions, region: str | None = None,
                      layer: str = "planner") -> tuple[pd.DataFrame, list[Problem]]:
    """Read one planner or bundled file into the long canonical table, with every problem found."""
    path = Path(path)
    tables, problems = read_tables(path)
    cells: list[Cell] = []
    for grid in tables:
        cells.extend(sheet_cells(str(path), grid, problems, region))
    rows = []
    for c in cells:
        row = cell_to_row(c, vocabulary, regions, problems)
        if row is not None:
            rows.append({**row, "layer": layer})
    frame = table(rows)
    problems.extend(_duplicates(frame))
    return frame, _once_per_row(problems)


def _once_per_row(problems: list[Problem]) -> list[Problem]:
    """One report per row for row-level problems (an unknown indicator spans every year column)."""
    seen, unique = set(), []
    for p in problems:
        k = (p.file, p.sheet, p.row, p.code, str(p.value)) if p.column == "indicator" else id(p)
        if k not in seen:
            seen.add(k)
            unique.append(p)
    return unique


def _duplicates(frame: pd.DataFrame) -> list[Problem]:
    """Two rows for the same series and year are an error, even with the same value: the file is
    ambiguous (which row is meant?), and a series never holds two values for one year."""
    out = []
    if frame.empty:
        return out
    for _, g in frame[frame.duplicated(CELL_KEY, keep=False)].groupby(CELL_KEY, sort=True):
        first = g.iloc[0]
        rows = ", ".join(str(r) for r in g["row"])
        what = first["indicator"] + (f" ({first['breakdown']})" if first["breakdown"] else "")
        out.append(Problem(first["file"], "value.duplicate",
                           f"a single row for {first['region']} {what} {first['year']} "
                           f"(rows {rows} give {', '.join(g['value_as_published'].astype(str))})",
                           row=rows, column="value", value=" / ".join(g["value_as_published"].astype(str))))
    return out


# --- files --------------------------------------------------------------------------------------

def _decode(path: Path, data: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 (with or without BOM), then GBK/GB18030 as Chinese Excel exports them."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "gb18030" and not re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[\x80-\xff]", data.decode("latin-1")):
            break  # decodes, but holds no Chinese: some other encoding
        return text, None
    return None, Problem(str(path), "file.unknown_encoding", "UTF-8 (with or without BOM) or GBK/GB18030 text")


def read_tables(path: Path) -> tuple[list[Grid], list[Problem]]:
    """The file's sheets; every cell read as text so nothing is coerced silently."""
    f = str(path)
    if not path.exists():
        return [], [Problem(f, "file.missing", "an existing CSV or XLSX file")]
    if path.stat().st_size == 0:
        return [], [Problem(f, "file.empty", "a header row and at least one data row")]
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    return [], [Problem(f, "file.unknown_type", ".csv, .tsv or .xlsx", value=path.suffix)]


def _read_xlsx(path: Path) -> tuple[list[Grid], list[Problem]]:
    """Cells as Excel shows them: a number formatted as percent (stored 0.913, shown 91.3%) reads as
    "91.3%"; otherwise the text pandas' Excel reader gives (2020.0 -> "2020", errors and "NA" empty)."""
    from openpyxl import load_workbook

    try:  # not read-only: merged ranges are only known to the full workbook model
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        return [], [Problem(str(path), "file.bad_excel", "a valid .xlsx workbook", value=type(exc).__name__)]
    grids = []
    for ws in book.worksheets:
        rows = [[_cell_text(c) for c in row] for row in ws.iter_rows()]
        cells = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame()
        merged = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
        grids.append(Grid(ws.title, cells, merged))
    return grids, []


def _cell_text(cell) -> object:
    from openpyxl.cell.cell import TYPE_ERROR, TYPE_NUMERIC

    v = cell.value
    if v is None or cell.data_type == TYPE_ERROR:
        return np.nan
    if cell.data_type == TYPE_NUMERIC and not isinstance(v, bool):
        if "%" in (cell.number_format or ""):
            shown = clean_float(float(v) * 100)
            return f"{int(shown) if shown.is_integer() else shown}%"
        v = int(v) if int(v) == v else float(v)
    text = str(v)
    return np.nan if text in _NA_TEXT else text


# what pandas reads as empty in an Excel cell (its default NA strings), kept so reading is unchanged
_NA_TEXT = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                      "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"})


def _read_csv(path: Path) -> tuple[list[Grid], list[Problem]]:
    f = str(path)
    text, prob = _decode(path, path.read_bytes())
    if prob:
        return [], [prob]
    if not text.strip():
        return [], [Problem(f, "file.empty", "a header row and at least one data row")]
    sep = "\t" if path.suffix.lower() == ".tsv" or (text.count("\t") > text.count(",")) else ","
    try:
        df = pd.read_csv(io.StringIO(text), header=None, dtype=str, sep=sep, keep_default_na=False,
                         skip_blank_lines=True)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        r = re.search(r"starting at row (\d+)", str(exc))  # an unclosed quote: pandas counts from 0
        return [], [Problem(f, "file.malformed_csv", "the same number of fields on every line and every quote "
                            "closed", row=int(m.group(1)) if m else int(r.group(1)) + 1 if r else None,
                            value=str(exc).strip().splitlines()[-1][:80])]
    return [Grid(None, df)], []

"""Reading one actuals file: CSV (UTF-8, GBK/GB18030, Big5 or UTF-16: ``indicators.encodings``) or an Excel
workbook (``workbook``), in the long or wide layout (``layouts``), every cell checked (``cells``).

Reading never stops at the first problem: every problem is collected with file, sheet, row and
column, and the caller gets them all at once. Blank cells (—, 空, empty) mean missing and are
listed as such, not treated as errors.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from .table import CELL_KEY, NOT_DRAFTED_SHEET, table
from .cells import Cell, cell_to_row
from ..encodings import decode
from ..errors import DecodeRefusal, Problem
from ..plans.regions import Regions
from .sheets import Grid, sheet_cells
from .workbook import Unreadable, read_workbook
from ..plans.vocabulary import Vocabulary

__all__ = ["read_actuals_file", "read_tables"]


def read_actuals_file(path: str | Path, vocabulary: Vocabulary, regions: Regions, region: str | None = None,
                      layer: str = "planner", include_drafts: bool = False) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one planner or bundled file into the long canonical table, with every problem found; rows of a
    draft not yet confirmed are refused, or read with a warning when ``include_drafts``."""
    path = Path(path)
    tables, problems = read_tables(path)
    cells: list[Cell] = []
    for grid in tables:
        if grid.sheet == NOT_DRAFTED_SHEET:  # a draft's list of numbers it left out, not values
            continue
        cells.extend(sheet_cells(str(path), grid, problems, region))
    rows = []
    for c in cells:
        if isinstance(c.value_raw, Unreadable):  # an Excel error, date or formula where a number belongs
            problems.append(c.value_raw.problem(c.where, c.column))
            continue
        row = cell_to_row(c, vocabulary, regions, problems, include_drafts)
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
                           row=rows, column="value", value=" / ".join(g["value_as_published"].astype(str)),
                           facts=(("region", first["region"]), ("indicator", what), ("year", first["year"]),
                                  ("rows", "、".join(str(r) for r in g["row"])),
                                  ("values", "、".join(g["value_as_published"].astype(str))))))
    return out


# --- files --------------------------------------------------------------------------------------

def read_tables(path: Path) -> tuple[list[Grid], list[Problem]]:
    """The file's sheets; every cell read as text so nothing is coerced silently."""
    f = str(path)
    if not path.exists():
        return [], [Problem(f, "file.missing", "an existing CSV or XLSX file", facts=(("case", "actuals"),))]
    if not path.is_file():
        return [], [Problem(f, "file.unknown_type", "a CSV or XLSX file, not a folder or device",
                            facts=(("case", "not_a_file"),))]
    if path.stat().st_size == 0:
        return [], [Problem(f, "file.empty", "a header row and at least one data row", facts=(("case", "table"),))]
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_workbook(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    return [], [Problem(f, "file.unknown_type", ".csv, .tsv or .xlsx", value=path.suffix,
                        facts=(("case", "suffix"),))]


def _read_csv(path: Path) -> tuple[list[Grid], list[Problem]]:
    f = str(path)
    try:
        text, _ = decode(path.read_bytes())
    except DecodeRefusal as refusal:
        return [], [_encoding_problem(f, refusal.looks_like)]
    if not text.strip():
        return [], [Problem(f, "file.empty", "a header row and at least one data row", facts=(("case", "table"),))]
    sep = "\t" if path.suffix.lower() == ".tsv" or (text.count("\t") > text.count(",")) else ","
    try:
        df = pd.read_csv(io.StringIO(text), header=None, dtype=str, sep=sep, keep_default_na=False,
                         skip_blank_lines=True)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        r = re.search(r"starting at row (\d+)", str(exc))  # an unclosed quote: pandas counts from 0
        return [], [Problem(f, "file.malformed_csv", "the same number of fields on every line and every quote "
                            "closed", row=int(m.group(1)) if m else int(r.group(1)) + 1 if r else None,
                            value=str(exc).strip().splitlines()[-1][:80], facts=(("case", "csv"),))]
    return [Grid(None, df)], []


def _encoding_problem(f: str, looks_like: str | None) -> Problem:
    said = f"the file looks like {looks_like}" if looks_like else "the file is not text in any encoding we know"
    return Problem(f, "file.unknown_encoding", f"UTF-8, GBK/GB18030, Big5 or UTF-16 text; {said}: save it as "
                   "UTF-8 (Excel: Save As, \"CSV UTF-8\")", value=looks_like,
                   facts=(("case", "actuals"), ("looks_like", looks_like or "")))

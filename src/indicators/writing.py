"""Tables written to files: atomically (temp file, then rename), so a failed command never leaves a
half-written file behind; as CSV, JSON or XLSX whose cells are safe to open (``safe_text``)."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from dataclasses import dataclass, field

from .safe_text import cell_text, csv_cell, sheet_title, utf8_text
from .text import text_width

__all__ = ["write_atomic", "to_csv_text", "to_json_text", "to_xlsx_bytes", "XLSX_TEXT_MAX", "XlsxSheet",
           "to_workbook_bytes", "fixed_zip_times"]


def write_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file ordinary permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def to_csv_text(frame: pd.DataFrame) -> str:
    """CSV a spreadsheet opens safely: text cells (and the header) cleaned of control characters and
    quoted out of formulas (``safe_text.csv_cell``); numbers as they are."""
    safe = frame.set_axis(range(frame.shape[1]), axis=1)  # by position: column names may repeat
    for j, t in enumerate(frame.dtypes):
        if not (pd.api.types.is_numeric_dtype(t) or pd.api.types.is_datetime64_any_dtype(t)):
            safe[j] = safe[j].map(csv_cell, na_action="ignore")  # text, mixed and categorical columns
    safe.columns = [csv_cell(str(c)) for c in frame.columns]
    return safe.to_csv(index=False, lineterminator="\n", float_format="%.10g")


def _jsonable(v):
    """A JSON value: numpy scalars as Python ones, missing and non-finite numbers as null (JSON has
    no NaN or Infinity), text without lone surrogates (UTF-8 cannot hold them)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v) if math.isfinite(v) else None
    if isinstance(v, str):
        return utf8_text(v)  # control characters stay: the encoder escapes them (\u0000)
    return v


def to_json_text(frame: pd.DataFrame) -> str:
    """Valid JSON only (``allow_nan=False``): NaN and ±inf are null; control characters are
    escaped by the encoder; anything else without a JSON form is written as its text."""
    records = [{str(k): _jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    return json.dumps(records, ensure_ascii=False, indent=1, allow_nan=False, default=str) + "\n"


XLSX_TEXT_MAX = 32767  # characters Excel keeps in a cell


def _xlsx_value(v):
    """(value, is_text) for one cell: missing and non-finite numbers empty, numbers and dates as
    themselves, anything else as text (a timezone-aware time is written as its ISO text: Excel has
    no time zones)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None, False
    if isinstance(v, (bool, np.bool_)):
        return bool(v), False
    if isinstance(v, (int, np.integer)):
        return int(v), False
    if isinstance(v, (float, np.floating)):
        return (float(v) if math.isfinite(v) else None), False
    if isinstance(v, (dt.datetime, dt.date)) and getattr(v, "tzinfo", None) is None:
        return v, False
    return str(v), True


def _xlsx_cell(ws, row: int, col: int, v, bold=None) -> None:
    """One cell; text is always a text cell (data type "s", never a formula), cleaned of control
    characters, with CR as Excel's line break (LF), marked "quote prefix" when a spreadsheet would
    otherwise read it as a formula, and cut at Excel's cell limit."""
    value, is_text = _xlsx_value(v)
    cell = ws.cell(row=row, column=col)
    if not is_text:
        cell.value = value
    else:
        text, prefix = cell_text(value)
        if len(text) > XLSX_TEXT_MAX:
            text = text[:XLSX_TEXT_MAX - 1] + "…"
        cell.value = text
        cell.data_type = "s"  # openpyxl makes any text starting with "=" a live formula
        if prefix:
            cell.quotePrefix = True
    if bold is not None:
        cell.font = bold


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "Sheet1", title: str | None = None) -> bytes:
    """A workbook of one sheet (its title made safe by ``safe_text.sheet_title``): an optional
    title row of one cell (readers skip it), the bold header, the rows. No cell is a formula, and the
    same frame gives the same bytes (fixed document and zip times). Several sheets for people:
    ``to_workbook_bytes``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = sheet_title(sheet)
    top = 1
    if title is not None:
        _xlsx_cell(ws, 1, 1, title)
        top = 2
    for j, c in enumerate(frame.columns, start=1):
        _xlsx_cell(ws, top, j, str(c), bold)
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=top + 1):
        for j, v in enumerate(row, start=1):
            _xlsx_cell(ws, i, j, v)
    return _saved(wb)


@dataclass
class XlsxSheet:
    """One sheet of a workbook a person reads: ``frame``'s columns are the headers as shown (already
    in the reader's language); ``formats`` maps a column to Excel number formats, one for the whole
    column or one per row (None: the default), e.g. ``0.0%`` for a share held as a fraction and
    ``#,##0`` for a count; ``wrap`` lists the long text columns that wrap within ``max_width``."""

    title: str
    frame: pd.DataFrame
    formats: dict = field(default_factory=dict)
    wrap: tuple = ()
    max_width: int = 30


def _shown_width(v, number_format: str | None) -> int:
    """About how many character cells a value takes in Excel (a CJK character counts two)."""
    value, is_text = _xlsx_value(v)
    if value is None:
        return 0
    if is_text:
        return max((text_width(line) for line in str(value).split("\n")), default=0)
    if isinstance(value, float) and number_format and "%" in number_format:
        return len(f"{value * 100:,.2f}%")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return len(f"{value:,.2f}") if isinstance(value, float) and not float(value).is_integer() else len(f"{value:,}")
    return len(str(value))


def to_workbook_bytes(sheets: list[XlsxSheet]) -> bytes:
    """A workbook of several sheets for people: a bold header row, frozen; each column as wide as
    its longest cell (CJK characters count double; ``wrap`` columns capped and wrapped); number
    formats per column or cell; printed on A4 landscape pages as wide as the page, the header row
    repeated. Cells are written as ``to_xlsx_bytes`` writes them (never a formula,
    control characters removed) and the same sheets give the same bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold, wrap, top = Font(bold=True), Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    for sheet in sheets:
        ws = wb.create_sheet(sheet_title(sheet.title))
        frame = sheet.frame
        for j, c in enumerate(frame.columns, start=1):
            _xlsx_cell(ws, 1, j, str(c), bold)
            ws.cell(row=1, column=j).alignment = wrap
        n = len(frame)
        lines = [1] * (n + 2)  # text lines per row: wrapped cells need their rows' heights set
        for j, c in enumerate(frame.columns, start=1):
            fmt = sheet.formats.get(c)
            per_row = fmt if isinstance(fmt, (list, tuple, pd.Series, np.ndarray)) else [fmt] * n
            widths = [min(text_width(str(c)), 12)]  # a long header wraps: its column fits its cells
            for i, (v, f) in enumerate(zip(frame[c].tolist(), list(per_row)), start=2):
                _xlsx_cell(ws, i, j, v)
                cell = ws.cell(row=i, column=j)
                if f:
                    cell.number_format = f
                cell.alignment = wrap if c in sheet.wrap else top
                widths.append(_shown_width(v, f))
            width = min(max(widths), sheet.max_width if c in sheet.wrap else 2 * sheet.max_width)
            ws.column_dimensions[get_column_letter(j)].width = width + 2
            if c in sheet.wrap:
                for i, v in enumerate(frame[c].tolist(), start=2):
                    if isinstance(v, str):
                        need = sum(-(-max(text_width(part), 1) // max(width, 1)) for part in v.split("\n"))
                        lines[i] = max(lines[i], need)
            lines[1] = max(lines[1], -(-text_width(str(c)) // width))
        for i in range(1, n + 2):
            if lines[i] > 1:
                ws.row_dimensions[i].height = 15 * min(lines[i], 20)  # points; Excel keeps at most 409
        ws.freeze_panes = "A2"
        # printed: A4 landscape, as wide as the page, the header on every page
        ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.print_title_rows = "1:1"
    return _saved(wb)


def _saved(wb) -> bytes:
    """A workbook's bytes, the same from run to run (fixed document and zip times)."""
    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_zip_times(buf.getvalue())


_EPOCH = (1980, 1, 1, 0, 0, 0)


def fixed_zip_times(data: bytes) -> bytes:
    """The same archive with every member dated 1980-01-01 and the document's own times fixed
    (openpyxl and python-docx stamp the saving time), so that an export is byte-identical from run
    to run. Any Office file is such a zip: workbooks and Word documents alike."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", body)
            dst.writestr(zipfile.ZipInfo(info.filename, _EPOCH), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()

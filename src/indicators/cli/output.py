"""Writing tables: screen, CSV, JSON, Excel. Files are written atomically (temp file, then rename),
so a failed command never leaves a half-written file behind."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import re
import shutil
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IndicatorsError
from ..safe_text import cell_text, clean_text, csv_cell, sheet_title, utf8_text

__all__ = ["FORMATS", "emit", "write_atomic", "to_csv_text", "to_json_text", "to_xlsx_bytes", "text_width", "wrap_text",
           "fit_table", "screen_width"]

FORMATS = ("table", "csv", "json", "xlsx")


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
    title row of one cell (readers skip it), the bold header, the rows. No cell is a formula, and
    the same frame gives the same bytes (fixed document and zip times)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(sheet)
    top = 1
    if title is not None:
        _xlsx_cell(ws, 1, 1, title)
        top = 2
    bold = Font(bold=True)
    for j, c in enumerate(frame.columns, start=1):
        _xlsx_cell(ws, top, j, str(c), bold)
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=top + 1):
        for j, v in enumerate(row, start=1):
            _xlsx_cell(ws, i, j, v)
    fixed = dt.datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip_times(buf.getvalue())


_EPOCH = (1980, 1, 1, 0, 0, 0)


def _fixed_zip_times(data: bytes) -> bytes:
    """The same archive with every member dated 1980-01-01 and the document's own times fixed
    (openpyxl stamps the saving time), so that an export is byte-identical from run to run."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", body)
            dst.writestr(zipfile.ZipInfo(info.filename, _EPOCH), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def text_width(s: str) -> int:
    """Columns a string takes on a terminal: 2 for each Chinese or full-width character."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)


def _tokens(text: str) -> list[str]:
    """Words with their leading space; each Chinese character on its own (a line may end after it)."""
    out, word = [], ""
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in ("W", "F")
        if wide or ch == " ":
            if word:
                out.append(word)
            word = "" if wide else ch
            if wide:
                out.append(ch)
        else:
            word += ch
    return out + ([word] if word else [])


def wrap_text(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` terminal columns: English breaks between words, Chinese anywhere,
    a word longer than a line is cut."""
    lines, line = [], ""
    for tok in _tokens(str(text)):
        if line and text_width(line + tok) > width:
            lines.append(line.rstrip())
            line = tok.lstrip()
        else:
            line += tok
        while text_width(line) > width:  # one word longer than the line
            cut = next(i for i in range(len(line), 0, -1) if text_width(line[:i]) <= width)
            lines.append(line[:cut])
            line = line[cut:]
    return lines + [line.rstrip()] if line.strip() or not lines else lines


def screen_width() -> int:
    """The terminal's width ($COLUMNS when set; 100 when it cannot be known)."""
    return shutil.get_terminal_size((100, 24)).columns


def _cell(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def fit_table(frame: pd.DataFrame, width: int, drop: tuple[str, ...] = (), wrap: tuple[str, ...] = ()) -> str:
    """A table that fits ``width`` columns: the columns in ``drop`` go first (in that order) while
    the rest cannot fit, then the columns in ``wrap`` wrap their cells over several lines (rows
    are separated by a blank line then); any other cell still too wide is cut with "…"."""
    cells = {c: [_cell(v) for v in frame[c]] for c in frame.columns}
    natural = {c: max([text_width(str(c))] + [text_width(v) for v in cells[c]]) for c in frame.columns}
    cols = list(frame.columns)

    def need(cs) -> int:  # wrap columns count at a readable minimum
        return sum(min(natural[c], 24) if c in wrap else natural[c] for c in cs) + 2 * (len(cs) - 1)

    for c in drop:
        if sum(natural[x] for x in cols) + 2 * (len(cols) - 1) <= width or need(cols) <= width:
            break
        if c in cols and len(cols) > 1:
            cols.remove(c)
    widths = dict(natural)
    spare = width - need([c for c in cols if c not in wrap]) - 2 * sum(1 for c in cols if c in wrap)
    flex = [c for c in cols if c in wrap]
    if sum(natural[c] for c in cols) + 2 * (len(cols) - 1) > width and flex:
        total = sum(natural[c] for c in flex)
        for c in flex:
            widths[c] = max(min(natural[c], 16), min(natural[c], spare * natural[c] // total))
    while sum(widths[c] for c in cols) + 2 * (len(cols) - 1) > width:  # still too wide: narrow the widest
        c = max((c for c in cols), key=lambda c: widths[c])
        if widths[c] <= 6:
            break
        widths[c] -= 1
    return _render(cols, cells, widths, wrap)


def _render(cols, cells, widths, wrap) -> str:
    def fit(v: str, c: str) -> list[str]:
        if c in wrap:
            return wrap_text(v, widths[c]) or [""]
        if text_width(v) <= widths[c]:
            return [v]
        cut = next(i for i in range(len(v), -1, -1) if text_width(v[:i]) <= widths[c] - 1)
        return [v[:cut] + "…"]

    def line(parts) -> str:
        return "  ".join(p + " " * (widths[c] - text_width(p)) for c, p in zip(cols, parts)).rstrip()

    rows = [[fit(cells[c][i], c) for c in cols] for i in range(len(cells[cols[0]]))]
    multi = any(len(part) > 1 for r in rows for part in r)
    out = [line([fit(str(c), c)[0] for c in cols])]
    for r in rows:
        if multi:
            out.append("")
        for k in range(max(len(p) for p in r)):
            out.append(line([p[k] if k < len(p) else "" for p in r]))
    return "\n".join(out) + "\n"


def emit(frame: pd.DataFrame, fmt: str, output: Path | None = None, fit: dict | None = None) -> None:
    """Print or save a table in one of FORMATS. ``fit``: on the screen, a table narrowed to the
    terminal with ``fit_table`` (``drop``, ``wrap``: column names)."""
    if fmt == "xlsx":
        if output is None:
            raise IndicatorsError("--format xlsx needs -o FILE.xlsx")
        write_atomic(output, to_xlsx_bytes(frame))
        return
    if fmt == "csv":
        text = to_csv_text(frame)
    elif fmt == "json":
        text = to_json_text(frame)
    elif not len(frame):
        text = "(no rows)\n"
    elif fit is not None and output is None:
        text = fit_table(frame, screen_width(), **fit)
    else:
        text = frame.to_string(index=False) + "\n"
    if fmt == "table":  # a terminal obeys control characters (an ESC sequence rewrites the screen)
        text = clean_text(text, keep="\n")
    if output is not None:
        write_atomic(output, text.encode("utf-8"))
    else:
        sys.stdout.write(text)

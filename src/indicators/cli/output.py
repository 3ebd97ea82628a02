"""Tables on the screen (fitted to the terminal) or in a file in one of ``FORMATS`` (``writing``)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IndicatorsError
from ..safe_text import clean_text
from ..text import text_width, wrap_text
from ..writing import to_csv_text, to_json_text, to_xlsx_bytes, write_atomic

__all__ = ["FORMATS", "SUFFIX_FORMATS", "emit", "fit_table", "screen_width", "resolve_format"]

FORMATS = ("table", "csv", "json", "xlsx")

# what a file name says it holds: `-o 结果.xlsx` is a workbook without `--format xlsx`
SUFFIX_FORMATS = {".xlsx": "xlsx", ".csv": "csv", ".json": "json", ".docx": "docx"}


def resolve_format(fmt: str | None, output: Path | None, allowed: tuple[str, ...], lang: str = "zh") -> str:
    """The format to write: ``--format`` as given; else what ``-o``'s extension says (.xlsx, .csv,
    .json, .docx); else a screen table. An explicit ``--format`` that contradicts the extension
    (``--format csv -o 结果.xlsx``) is an error, never a guess: nothing is written."""
    from ..words.explain import CLI_WORDS

    w = CLI_WORDS[lang]
    implied = SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if fmt is None and implied is not None and implied not in allowed:  # screen text into a file named .docx
        raise IndicatorsError(w["format_not_here"].format(output=output, implied=implied, allowed=", ".join(allowed)))
    if fmt is None:
        fmt = implied or "table"
    elif implied is not None and implied != fmt:  # --format table|csv -o 结果.xlsx
        raise IndicatorsError(w["format_mismatch"].format(fmt=fmt, output=output, implied=implied))
    if fmt in ("xlsx", "docx") and output is None:
        raise IndicatorsError(w["needs_output"].format(fmt=fmt))
    return fmt


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

"""An .xlsx workbook measured before openpyxl loads it, so that a huge or hostile one is refused fast.

openpyxl builds every cell of a sheet's used range in memory: one cell typed at XFD1048576 asks
for 17 billion cells (a traceback after 47 s and 2.8 GB), and a zip bomb is inflated in full. Here
the zip's directory gives every part's uncompressed size without inflating anything; then each
worksheet part is streamed in small chunks and its ``<dimension ref=...>`` and cell references are
read with a regular expression (no XML parser: nothing is expanded), so the used range, the number
of cells and whether any cell holds a formula are known in one pass over bounded memory.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem

__all__ = ["Measured", "measure_workbook", "MAX_CELLS", "MAX_UNCOMPRESSED", "MAX_SHARED_STRINGS", "MAX_PARTS"]

MAX_CELLS = 2_000_000              # cells in the used ranges of all sheets together (1M rows x 2 columns)
MAX_UNCOMPRESSED = 300 * 2 ** 20   # bytes of all parts inflated: a 2-million-cell workbook is ~100 MB
MAX_SHARED_STRINGS = 100 * 2 ** 20  # bytes of the shared text table, held whole in memory by openpyxl
MAX_PARTS = 10_000                 # files inside the zip
_CHUNK = 2 ** 20

_HOW = ("delete the rows and columns beyond the table (Ctrl+End in Excel shows the last used cell) and "
        "save again, split the workbook, or save the table as CSV")

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([A-Za-z$]*\d*)(?::([A-Za-z$]*\d*))?\"")
# a row's r is its number (r="7"), a cell's its reference (r="B7"); nothing else in a sheet has an r
_ROW = re.compile(rb" r=\"[A-Z]{0,3}(\d{1,7})\"")
_COLUMN = re.compile(rb" r=\"([A-Z]{1,3})\d")
_ANY_ROW = re.compile(rb"\sr=\"[A-Z]{0,3}(\d{1,7})\"")
_ANY_COLUMN = re.compile(rb"\sr=\"([A-Z]{1,3})\d")
_ANY_CELL = re.compile(rb"<\w+:c[\s/>]")
_FORMULA = re.compile(rb"<\w+:f[\s/>]")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


@dataclass
class Measured:
    """What the scan found: ``formulas`` says whether any sheet has a formula cell (then the reader
    also looks at the formulas, to refuse one without a saved result)."""

    problems: list[Problem] = field(default_factory=list)
    formulas: bool = False


def measure_workbook(path: Path) -> Measured:
    """Refuse (``file.too_large``, ``file.bad_excel``) what openpyxl could not load in bounded time and memory."""
    f, out = str(path), Measured()
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            problem = _sizes(f, infos)
            if problem is None:
                problem = _sheets(f, z, infos, _sheet_names(z), out)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        problem = Problem(f, "file.bad_excel", "a valid .xlsx workbook (saved by Excel, WPS or LibreOffice)",
                          value=type(exc).__name__, facts=(("case", "xlsx"),))
    if problem is not None:
        out.problems.append(problem)
    return out


def _sizes(f: str, infos: list[zipfile.ZipInfo]) -> Problem | None:
    """The sizes the zip's directory declares; zipfile never inflates a part beyond its declared size."""
    if len(infos) > MAX_PARTS:
        return _too_large(f, f"at most {MAX_PARTS:,} parts inside the workbook (it has {len(infos):,}); {_HOW}",
                          value=f"{len(infos):,} parts")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        return _too_large(f, f"at most {MAX_UNCOMPRESSED // 2 ** 20} MB uncompressed (this workbook inflates to "
                          f"{total / 2 ** 20:,.0f} MB); {_HOW}", value=f"{total:,} bytes")
    strings = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
    if strings > MAX_SHARED_STRINGS:
        return _too_large(f, f"at most {MAX_SHARED_STRINGS // 2 ** 20} MB of text in the workbook's shared "
                          f"strings (it has {strings / 2 ** 20:,.0f} MB); {_HOW}", value=f"{strings:,} bytes")
    return None


def _sheets(f: str, z: zipfile.ZipFile, infos, names: dict[str, str], out: Measured) -> Problem | None:
    """Each worksheet part streamed once; the used ranges of all sheets together are bounded."""
    total = 0
    for info in infos:
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        sheet = names.get(info.filename, info.filename)
        rows, cols, count = _scan(z, info, out, MAX_CELLS - total)
        if max(rows * cols, count) > MAX_CELLS - total:
            last = f"{_letters(cols)}{rows}"
            return _too_large(f, f"at most {MAX_CELLS:,} cells in the used range of all sheets together (sheet "
                              f"{sheet} alone reaches {last}: {rows * cols:,} cells); {_HOW}", value=last,
                              sheet=sheet)
        total += max(rows * cols, count)
    return None


def _scan(z: zipfile.ZipFile, info: zipfile.ZipInfo, out: Measured, budget: int) -> tuple[int, int, int]:
    """(last row, last column, number of cells) of one sheet; stops as soon as the budget is exceeded.
    The dimension element comes first in a sheet, so a declared A1:XFD1048576 is refused unread."""
    rows = cols = count = 0
    tail, first = b"", True
    with z.open(info) as part:
        while chunk := part.read(_CHUNK):
            data = tail + chunk
            cut = data.rfind(b"<")  # an element cut by the chunk boundary is read with the next chunk
            data, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            if first and (d := _DIMENSION.search(data)):
                rows, cols = _corner(d.group(2) or d.group(1))
            first = False
            r, c = _extent(data)
            rows, cols, count = max(rows, r), max(cols, c), count + _cells(data)
            out.formulas = out.formulas or _has_formula(data)
            if max(rows * cols, count) > budget:
                break
    return rows, cols, count


def _extent(data: bytes) -> tuple[int, int]:
    """The last row and column referenced in a chunk (map and set: no Python loop per cell). Cells are
    written ``<c r="B7"``; a reference after another blank (tab, newline) is read by a slower expression."""
    general = b"\tr=" in data or b"\nr=" in data or b"\rr=" in data
    rows = max(map(int, (_ANY_ROW if general else _ROW).findall(data)), default=0)
    letters = set((_ANY_COLUMN if general else _COLUMN).findall(data))
    return rows, max(map(_column, letters), default=1 if rows else 0)


def _has_formula(data: bytes) -> bool:
    return any(b"<f" + end in data for end in (b">", b" ", b"/")) or (b":f" in data and bool(_FORMULA.search(data)))


def _cells(data: bytes) -> int:
    """Cell elements in a chunk, counted in C (bytes.count); a namespace prefix (<x:c>) by regex."""
    n = sum(data.count(b"<c" + end) for end in (b" ", b"/", b">", b"\n", b"\t", b"\r"))
    return n + (len(_ANY_CELL.findall(data)) if b":c" in data else 0)


def _corner(ref: bytes) -> tuple[int, int]:
    m = _REF.fullmatch(ref.decode("ascii", "replace"))
    return (int(m.group(2)), _column(m.group(1).upper().encode())) if m else (0, 0)


def _column(letters: bytes) -> int:
    n = 0
    for b in letters:
        n = n * 26 + (b - 64)
    return n


def _letters(n: int) -> str:
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s or "A"


def _sheet_names(z: zipfile.ZipFile) -> dict[str, str]:
    """Part name -> sheet name as the planner sees it, from workbook.xml and its relationships (both
    small; read only when their declared size is small, and with regular expressions)."""
    def text(name: str) -> str:
        try:
            info = z.getinfo(name)
        except KeyError:
            return ""
        return z.read(info).decode("utf-8", "replace") if info.file_size < 4 * 2 ** 20 else ""

    targets = {}
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", text("xl/_rels/workbook.xml.rels")):
        rid, target = re.search(r"\bId=\"([^\"]*)\"", tag), re.search(r"\bTarget=\"([^\"]*)\"", tag)
        if rid and target:
            targets[rid.group(1)] = target.group(1)
    names = {}
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", text("xl/workbook.xml")):
        name, rid = re.search(r"\bname=\"([^\"]*)\"", tag), re.search(r"\br:id=\"([^\"]*)\"", tag)
        if name and rid and rid.group(1) in targets:
            target = targets[rid.group(1)].lstrip("/")
            names[target if target.startswith("xl/") else "xl/" + target] = html.unescape(name.group(1))
    return names


def _too_large(f: str, expected: str, value: str, sheet: str | None = None) -> Problem:
    return Problem(f, "file.too_large", expected, sheet=sheet, value=value)

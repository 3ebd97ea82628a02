"""How fast and how cheaply a hostile workbook is refused (issue 20: under a second and 100 MB).

Builds, in a temporary folder, the workbooks that used to cost minutes and gigabytes, and reads each
one in a fresh child process, printing the code returned, the wall time of the reading (after the
imports) and the peak resident memory it adds to the imports' own:

- far: one cell typed at XFD1048576 (before: a traceback after 47 s and 2.8 GB);
- bomb: a sheet padded with 300 MB of spaces, 0.3 MB on disk (before: refused after 20 s and 1 GB);
- lying: a far cell (ZZ900000) under a dimension element that claims A1:B2;
- many: 2,000,001 cells without references in one row (the count, not the range, refuses it);
- cells: 2,000,007 cells with references (the whole sheet is scanned before the count exceeds the limit);
- fine: a 50,000-row two-column sheet that is read (for scale).

    PYTHONPATH=src python benchmarks/xlsx_bounds.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from openpyxl import Workbook

# the reading alone: time after the imports, and the peak memory it adds to what the imports took
# (the peak is VmHWM of /proc: getrusage's maxrss of a child includes its parent's before exec; Linux only)
CHILD = """
import json, re, sys, time
from pathlib import Path
from indicators.actuals.files import read_tables
import openpyxl
def hwm():
    return int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024
base = hwm()
t = time.perf_counter()
grids, problems = read_tables(Path(sys.argv[1]))
print(json.dumps({"codes": sorted({p.code for p in problems}), "seconds": time.perf_counter() - t,
                  "peak_mb": hwm() - base, "base_mb": base}))
"""


def _book(path: Path, rows, **cells) -> Path:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for ref, v in cells.items():
        ws[ref] = v
    wb.save(path)
    return path


def _rezip(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info)))
    return dst


def _bomb(src: Path, dst: Path) -> Path:
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            if info.filename != sheet:
                zout.writestr(info.filename, zin.read(info))
        head, tail = zin.read(sheet).split(b"</worksheet>")
        with zout.open(sheet, "w") as part:
            part.write(head)
            for _ in range(301):
                part.write(b" " * 2 ** 20)
            part.write(b"</worksheet>" + tail)
    return dst


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        small = _book(d / "small.xlsx", [["指标", "2019年"], ["中职学校数量", 3]])
        books = {
            "far": _book(d / "far.xlsx", [["指标", "2019年"], ["中职学校数量", 3]], XFD1048576=1),
            "bomb": _bomb(small, d / "bomb.xlsx"),
            "lying": _rezip(_book(d / "l.xlsx", [["a", 1]], ZZ900000=1), d / "lying.xlsx",
                            lambda n, b: b.replace(b"A1:ZZ900000", b"A1:B2")),
            "many": _rezip(small, d / "many.xlsx", lambda n, b: b.replace(
                b"</sheetData>", b"<row>" + b"<c/>" * 2_000_001 + b"</row></sheetData>") if "worksheets" in n else b),
            "cells": _rezip(small, d / "cells.xlsx", lambda n, b: b.replace(b"</sheetData>", b'<row r="3">' + b"".join(
                b'<c r="A%d"/>' % k for k in range(3, 2_000_010)) + b"</row></sheetData>") if "worksheets" in n else b),
            "fine": _book(d / "fine.xlsx", [["region", "indicator", "year", "value"]]
                          + [["茌平区", "中职学校数量", 2000 + k % 20, k] for k in range(50_000)]),
        }
        for name, path in books.items():
            out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
            r = json.loads(out.stdout)
            print(f"{name:6s} {path.stat().st_size / 2 ** 20:7.2f} MB on disk  {r['seconds']:6.2f} s  "
                  f"+{r['peak_mb']:5.0f} MB over the imports' {r['base_mb']:.0f} MB  {', '.join(r['codes']) or 'read'}")


if __name__ == "__main__":
    main()

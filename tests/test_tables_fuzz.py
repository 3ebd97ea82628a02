"""Random workbooks and CSV files never make the reader raise (issue 20: 5 of 150 random workbooks gave
OverflowError). Whatever the file holds, ``read_actuals_file`` returns rows or problems with a known
code, and ``indicators validate`` exits 0 or 1 without a traceback.

Hypothesis writes the files (derandomized: the same examples on every run); each failure it once found
has a fast deterministic test in test_tables.py. Every value is generated, none comes from a source.
"""

import datetime as dt
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from indicators.actuals.load import read_actuals_file
from indicators.cli.main import main
from indicators.errors import CHECKS

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("one_catalog")]

FUZZ = settings(derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

WORDS = ["指标", "2019年", "2020", "2021年", "region", "indicator", "year", "value", "unit", "分项", "茌平区",
         "东阿县", "中职学校数量", "培训规模", "中职学校“双师型”教师比例", "万元", "91.3%", "—", "空", "NA"]
ERRORS = ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]
FORMULAS = ["=1+1", "=A1*2", "=SUM(B2:B3)", "=1/0", '=HYPERLINK("x")', "=B2"]
FORMATS = ["General", "0.0%", "0%", "yyyy-mm-dd", "h:mm", "hh:mm:ss", "@", "0.00E+00", "#,##0", "[$-F800]dddd"]
HEADERS = [["指标", "2019年", "2020年", "2021年"], ["region", "indicator", "year", "value", "unit"],
           ["指标", "分项", "2019", "2020"], []]

_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
_float = st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                   st.sampled_from([1.79e308, -1.79e308, 5e-324, -5e-324, 2.2250738585072014e-308, 0.0, -0.0, 1e16]))
_cell = st.one_of(
    st.none(), _text, st.sampled_from(WORDS + ERRORS + FORMULAS), st.integers(-10 ** 20, 10 ** 20), _float,
    st.booleans(), st.dates(), st.datetimes(), st.times(), st.timedeltas(max_value=dt.timedelta(days=10 ** 5)))


@st.composite
def sheets(draw):
    title = draw(st.text(st.characters(blacklist_characters="[]:*?/\\'", blacklist_categories=("Cs", "Cc")),
                         min_size=1, max_size=31).filter(str.strip))
    header = draw(st.sampled_from(HEADERS))
    rows = draw(st.lists(st.lists(_cell, max_size=6), max_size=7))
    formats = draw(st.lists(st.tuples(st.integers(1, 8), st.integers(1, 6), st.sampled_from(FORMATS)), max_size=6))
    merges = draw(st.lists(st.tuples(st.integers(1, 8), st.integers(1, 6), st.integers(0, 3), st.integers(0, 3)),
                           max_size=3))
    hidden_rows = draw(st.lists(st.integers(1, 9), max_size=3))
    hidden_cols = draw(st.lists(st.sampled_from("ABCDEFG"), max_size=2))
    state = draw(st.sampled_from(["visible", "visible", "hidden", "veryHidden"]))
    return title, ([header] if header else []) + rows, formats, merges, hidden_rows, hidden_cols, state


def _write_book(path: Path, specs) -> bool:
    """The workbook, or False where openpyxl itself refuses what was drawn (a value it cannot store)."""
    wb = Workbook()
    wb.remove(wb.active)
    seen = set()
    for title, rows, formats, merges, hidden_rows, hidden_cols, state in specs:
        if title.lower() in seen:
            continue
        seen.add(title.lower())
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
        for row, col, fmt in formats:
            ws.cell(row, col).number_format = fmt
        for row, col, down, across in merges:
            if down or across:
                ws.merge_cells(start_row=row, start_column=col, end_row=row + down, end_column=col + across)
        for r in hidden_rows:
            ws.row_dimensions[r].hidden = True
        for c in hidden_cols:
            ws.column_dimensions[c].hidden = True
        ws.sheet_state = state
    if not any(ws.sheet_state == "visible" for ws in wb.worksheets):
        wb.worksheets[0].sheet_state = "visible"  # Excel (and openpyxl) keep one sheet visible
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb.save(path)
    except (ValueError, TypeError, OverflowError, KeyError, IndexError):
        return False
    return True


def _never_raises(path: Path, catalog, capsys) -> None:
    frame, probs = read_actuals_file(path, catalog.vocabulary, catalog.regions)
    assert isinstance(frame, pd.DataFrame)
    assert all(p.code in CHECKS for p in probs)
    rc = main(["validate", str(path)])  # raises nothing: a traceback would fail the test here
    capsys.readouterr()
    assert rc in (0, 1)
    if any(p.severity == "error" for p in probs):
        assert rc == 1


@settings(FUZZ, max_examples=150)
@given(st.lists(sheets(), min_size=1, max_size=3))
def test_random_workbooks_never_raise(catalog, capsys, specs):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "random.xlsx"
        assume(_write_book(path, specs))
        _never_raises(path, catalog, capsys)


ENCODINGS = ["utf-8", "utf-8-sig", "gbk", "gb18030", "big5", "shift_jis", "latin-1", "cp1252", "utf-16", "euc_kr"]
_field = st.one_of(_text, st.sampled_from(WORDS + ERRORS + FORMULAS + ['"', '""', '"a,b"', "1e2", "4.12E+3",
                                                                       "16030 1582", "\t", " "]))


@st.composite
def csv_bytes(draw):
    if draw(st.booleans()):
        return draw(st.binary(max_size=400))
    sep = draw(st.sampled_from([",", "\t", ";", "|"]))
    header = draw(st.sampled_from(HEADERS))
    rows = draw(st.lists(st.lists(_field, max_size=6), max_size=8))
    text = "\n".join(sep.join(r) for r in ([header] if header else []) + rows)
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="ignore")


@settings(FUZZ, max_examples=150)
@given(csv_bytes(), st.sampled_from([".csv", ".tsv", ".txt"]))
def test_random_csv_files_never_raise(catalog, capsys, data, suffix):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"random{suffix}"
        path.write_bytes(data)
        _never_raises(path, catalog, capsys)

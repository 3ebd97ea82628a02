"""Tables read whole (issue 20): a duplicate column, a foreign encoding, a hidden sheet, row or column,
an Excel error, date or formula without a result, and an oversized workbook are each reported with a
code, never read silently, and never raise.

Every file here is written inside the test (tmp_path); every number is made up for the test.
"""

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from indicators.actuals.load import read_actuals_file
from indicators.cli.main import main
from indicators.actuals.files import read_tables
from indicators.actuals.xlsx_limits import MAX_CELLS, MAX_SHARED_STRINGS, MAX_UNCOMPRESSED

REGION = "茌平区"
SCHOOLS = "中职学校数量"          # a count: sec_voc_schools
SHARE_ZH = "中职学校“双师型”教师比例"

pytestmark = pytest.mark.usefixtures("one_catalog")  # the CLI reuses the session's catalogue


def _read(path, catalog, **kw):
    return read_actuals_file(path, catalog.vocabulary, catalog.regions, **kw)


def _codes(probs) -> list[str]:
    return [p.code for p in probs]


def _validate(capsys, *args) -> tuple[int, pd.DataFrame, str]:
    rc = main(["validate", *map(str, args), "--format", "csv"])
    cap = capsys.readouterr()
    out = pd.read_csv(io.StringIO(cap.out), dtype=str, keep_default_na=False) if cap.out.strip() else pd.DataFrame()
    return rc, out, cap.err


def _book(path: Path, rows: list[list], title: str = REGION, **cells) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)
    return path


# --- duplicate columns ------------------------------------------------------------------------------

@pytest.mark.parametrize("twice", ["value", "region", "year", "indicator", "unit"])
def test_a_second_long_column_is_an_error_naming_both(tmp_path, catalog, capsys, twice):
    # before: the first column won and the second was ignored without a word
    header = ["region", "indicator", "year", "value", "unit"]
    row = {"region": REGION, "indicator": SCHOOLS, "year": "2020", "value": "45", "unit": "个"}
    other = {"region": "东阿县", "indicator": "培训规模", "year": "2021", "value": "46", "unit": "所"}
    f = tmp_path / "twice.csv"
    f.write_text(",".join(header + [twice]) + "\n" + ",".join([row[c] for c in header] + [other[twice]]) + "\n",
                 encoding="utf-8")
    frame, probs = _read(f, catalog)
    assert frame.empty
    (p,) = probs
    where = "ABCDE"[header.index(twice)]
    assert (p.code, p.row, p.column, p.value) == ("layout.duplicate_column", 1, f"{where}, F", twice)
    assert f"columns {where} ({twice}) and F ({twice})" in p.expected and "row 1" in p.expected
    rc, out, err = _validate(capsys, f)
    assert rc == 1 and list(out["code"]) == ["layout.duplicate_column"] and "Traceback" not in err


def test_a_year_given_twice_in_a_wide_table_is_an_error(tmp_path, catalog):
    f = _book(tmp_path / "years.xlsx", [["指标", "2019", "2020年", "2019年"], [SCHOOLS, 3, 4, 5]])
    frame, probs = _read(f, catalog)
    assert frame.empty
    (p,) = probs
    assert (p.code, p.sheet, p.row, p.column) == ("layout.duplicate_column", REGION, 1, "B, D")
    assert "B (2019) and D (2019年)" in p.expected and "the year 2019" in p.expected


def test_distinct_columns_are_still_read(tmp_path, catalog):
    f = tmp_path / "ok.csv"
    f.write_text(f"region,indicator,year,value,note,comment,comment\n{REGION},{SCHOOLS},2020,45,,a,b\n",
                 encoding="utf-8")
    frame, probs = _read(f, catalog)
    assert list(frame["value"]) == [45.0] and probs == []  # columns not read may repeat


# --- encodings ------------------------------------------------------------------------------------

def _csv(path: Path, regions: list[str], encoding: str, indicator: str = SCHOOLS) -> Path:
    text = "region,indicator,year,value\n" + "".join(f"{r},{indicator},2020,{k}\n" for k, r in enumerate(regions))
    path.write_bytes(text.encode(encoding))
    return path


def _regions_read(path: Path) -> list[str]:
    (grid,), probs = read_tables(path)
    assert probs == []
    return list(grid.cells[0][1:])


def test_big5_is_read_as_the_traditional_names_written(tmp_path):
    # before: decoded as GB18030 into mojibake (衵キ跋) reported only as region.unknown
    names = ["茌平區", "東阿縣", "臺北市"]
    f = _csv(tmp_path / "big5.csv", names, "big5", indicator="中職學校數量")
    with pytest.raises(UnicodeDecodeError):
        f.read_bytes().decode("utf-8")
    assert _regions_read(f) == names


def test_traditional_region_names_are_the_simplified_regions(tmp_path, catalog):
    # a Big5 file's 茌平區 and 廣東省 are 茌平区 and 广东省 (as 萬 in a number is 万), not unknown regions;
    # a name that is no region in either form stays as written, with its warning
    f = _csv(tmp_path / "big5.csv", ["茌平區", "廣東省", "臺北市"], "big5", indicator="中職學校數量")
    frame, probs = _read(f, catalog)
    assert list(frame["region"]) == ["茌平区", "广东省", "臺北市"] and list(frame["value"]) == [0.0, 1.0, 2.0]
    assert [(p.code, p.value) for p in probs] == [("region.unknown", "臺北市")]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_is_read_as_before_even_when_short(tmp_path, encoding):
    assert _regions_read(_csv(tmp_path / "gb.csv", [REGION], encoding)) == [REGION]
    assert _regions_read(_csv(tmp_path / "gb2.csv", [REGION, "东阿县", "聊城市"], encoding)) == [REGION, "东阿县", "聊城市"]


def test_every_bundled_region_in_a_short_gbk_file_is_read_as_gbk(tmp_path, catalog):
    # charset-normalizer alone takes most of these one-row GBK files for Big5 (上海市 -> 奻漆庈)
    names = sorted({r.name for r in catalog.regions})
    assert len(names) > 50
    for k, name in enumerate(names):
        assert _regions_read(_csv(tmp_path / f"{k}.csv", [name], "gbk")) == [name]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_unicode_text_with_a_bom_is_read(tmp_path, encoding):
    f = tmp_path / "u.csv"
    f.write_bytes(("\ufeff" if encoding == "utf-16-be" else "").encode(encoding)
                  + _csv(tmp_path / "plain.csv", [REGION, "东阿县"], encoding).read_bytes())
    assert _regions_read(f) == [REGION, "东阿县"]


@pytest.mark.parametrize("encoding, names, said", [
    ("shift_jis", ["東京都", "大阪府", "千代田区"], "Shift-JIS"),
    ("latin-1", ["Zürich", "Genève", "São Paulo"], "Latin-1"),
    ("cp1252", ["Zürich", "Genève", "Köln"], "Latin-1"),
])
def test_other_encodings_are_refused_by_name(tmp_path, catalog, capsys, encoding, names, said):
    # before: Shift-JIS and Latin-1 were read as GB18030 mojibake (Z黵ich)
    f = _csv(tmp_path / "other.csv", names, encoding, indicator="学校数" if encoding == "shift_jis" else "schools")
    frame, probs = _read(f, catalog)
    assert frame.empty
    (p,) = probs
    assert p.code == "file.unknown_encoding" and said in p.expected and "save it as UTF-8" in p.expected
    rc, out, err = _validate(capsys, f)
    assert rc == 1 and list(out["code"]) == ["file.unknown_encoding"] and "Traceback" not in err


def test_binary_junk_is_refused_not_read(tmp_path, catalog):
    f = tmp_path / "junk.csv"
    f.write_bytes(bytes(range(256)) * 8)
    frame, probs = _read(f, catalog)
    assert frame.empty and _codes(probs) == ["file.unknown_encoding"]


# --- hidden sheets, rows and columns --------------------------------------------------------------

def test_hidden_sheet_rows_and_columns_are_skipped_with_a_note(tmp_path, catalog, capsys):
    # before: all of them were read as data without a word
    wb = Workbook()
    ws = wb.active
    ws.title = REGION
    for r in [["指标", "2019年", "2020年", "2021年"], [SCHOOLS, 3, 4, 5], ["培训规模", 100, 200, 300],
              ["中职在校生数", 10, 20, 30], ["中等职业教育专任教师数", 1, 2, 3]]:
        ws.append(r)
    ws.row_dimensions[3].hidden = True
    ws.row_dimensions[4].hidden = True
    ws.column_dimensions["C"].hidden = True
    old = wb.create_sheet("东阿县")
    old.append(["指标", "2019年"])
    old.append([SCHOOLS, 99])
    old.sheet_state = "hidden"
    f = tmp_path / "hidden.xlsx"
    wb.save(f)
    frame, probs = _read(f, catalog)
    assert {(r.region, r.year): r.value for r in frame.itertuples() if r.indicator == "sec_voc_schools"} == {
        (REGION, 2019): 3.0, (REGION, 2021): 5.0}
    assert set(frame["region"]) == {REGION} and 100.0 not in set(frame["value"])
    notes = {p.code: p for p in probs}
    assert all(p.severity == "warning" for p in notes.values())
    assert (notes["layout.hidden_rows"].sheet, notes["layout.hidden_rows"].row) == (REGION, "3-4")
    assert (notes["layout.hidden_columns"].sheet, notes["layout.hidden_columns"].column) == (REGION, "C")
    assert notes["layout.hidden_sheet"].sheet == "东阿县" and "Unhide" in notes["layout.hidden_sheet"].expected
    rc, out, _ = _validate(capsys, f)
    assert rc == 0 and {"layout.hidden_rows", "layout.hidden_columns", "layout.hidden_sheet"} <= set(out["code"])


def test_empty_hidden_rows_and_columns_need_no_note(tmp_path, catalog):
    wb = Workbook()
    ws = wb.active
    ws.title = REGION
    ws.append(["指标", "2019年"])
    ws.append([SCHOOLS, 3])
    ws.row_dimensions[9].hidden = True
    ws.column_dimensions["F"].hidden = True
    f = tmp_path / "quiet.xlsx"
    wb.save(f)
    frame, probs = _read(f, catalog)
    assert list(frame["value"]) == [3.0] and probs == []


# --- cells that hold no number --------------------------------------------------------------------

def test_error_cells_are_refused_not_read_as_blank(tmp_path, catalog):
    # before: #DIV/0! and #N/A were read as empty (value.missing), a gap instead of an error
    f = _book(tmp_path / "err.xlsx", [["指标", "2019年", "2020年", "2021年"], [SCHOOLS, "#DIV/0!", "#N/A", 4]])
    frame, probs = _read(f, catalog)
    assert list(frame["year"]) == [2021]
    assert [(p.code, p.column, p.value, p.severity) for p in probs] == [
        ("value.not_a_number", "2019年", "#DIV/0!", "error"), ("value.not_a_number", "2020年", "#N/A", "error")]


def test_formula_without_a_saved_result_is_refused(tmp_path, catalog):
    # openpyxl writes formulas without results, as any program but Excel does; before: read as blank
    f = _book(tmp_path / "formula.xlsx", [["指标", "2019年", "2020年"], [SCHOOLS, None, 4]], B2="=1+1")
    frame, probs = _read(f, catalog)
    assert list(frame["year"]) == [2020]
    (p,) = probs
    assert (p.code, p.sheet, p.row, p.column, p.value) == ("value.not_a_number", REGION, 2, "2019年", "=1+1")
    assert "saved result" in p.expected


@pytest.mark.parametrize("fmt, stored", [("h:mm", 0.5), ("yyyy-mm-dd", 43831), ("hh:mm:ss", 1.25)])
def test_a_value_formatted_as_a_date_or_time_is_refused(tmp_path, catalog, fmt, stored):
    # before: a time cell (12:00 stored as 0.5) was accepted
    wb = Workbook()
    ws = wb.active
    ws.title = REGION
    ws.append(["指标", "2019年", "2020年"])
    ws.append([SCHOOLS, stored, 4])
    ws["B2"].number_format = fmt
    f = tmp_path / "time.xlsx"
    wb.save(f)
    frame, probs = _read(f, catalog)
    assert list(frame["year"]) == [2020]
    (p,) = probs
    assert (p.code, p.row, p.column) == ("value.date_or_time", 2, "2019年") and "General" in p.expected


def test_huge_floats_and_out_of_range_dates_never_raise(tmp_path, catalog, capsys):
    # before: OverflowError for ±1.79e308 in a percent cell and for dates outside Excel's range
    wb = Workbook()
    ws = wb.active
    ws.title = REGION
    ws.append(["指标", "2019年", "2020年", "2021年", "2022年"])
    ws.append([SHARE_ZH, 1.79e308, -1.79e308, 5e-324, 3e300])
    ws.append([SCHOOLS, 1.79e308, -1.79e308, 1e16, 3])
    ws.append(["培训规模", 1234.5678, -1234.5678, None, 7])  # becomes ±1E999 below: ±inf to a reader
    for ref in ("B2", "C2", "D2"):
        ws[ref].number_format = "0.0%"
    ws["E2"].number_format = "yyyy-mm-dd"
    wb.save(tmp_path / "finite.xlsx")
    f = _rezip(tmp_path / "finite.xlsx", tmp_path / "huge.xlsx",  # only a program writes these, not Excel
               lambda n, d: d.replace(b">-1234.5678<", b">-1E999<").replace(b">1234.5678<", b">1E999<"))
    frame, probs = _read(f, catalog)
    assert all(p.code.startswith("value.") for p in probs)
    # numbers beyond the reader's bounds (10^15 in size, 10^-9 above zero), the date Excel cannot
    # show and the infinities: each refused with its cell, none read as a number
    assert [p.value for p in probs if p.code == "value.not_a_number"] == [
        "1.79e+308", "-1.79e+308", "4.94e-322%", "#VALUE!", "1.79e+308", "-1.79e+308", "1e+16", "inf", "-inf"]
    # each stored number is passed on as text that reads back to it exactly (the number reader decides)
    (grid,), _ = read_tables(f)
    assert [float(grid.cells.iat[2, j]) for j in (1, 2, 3)] == [1.79e308, -1.79e308, 1e16]
    kept = {(r.indicator, r.year): r.value for r in frame.itertuples()}
    assert kept[("sec_voc_schools", 2022)] == 3.0 and kept[("training_person_days", 2022)] == 7.0
    rc, _, err = _validate(capsys, f)
    assert rc == 1 and "Traceback" not in err


# --- workbooks bounded before openpyxl loads them -------------------------------------------------

def test_a_cell_at_xfd1048576_is_refused_before_loading(tmp_path, catalog, capsys):
    # before: a traceback after 47 s and 2.8 GB (openpyxl builds every cell of the used range)
    f = _book(tmp_path / "far.xlsx", [["指标", "2019年"], [SCHOOLS, 3]], XFD1048576=1)
    frame, probs = _read(f, catalog)
    (p,) = probs
    assert (p.code, p.sheet, p.value) == ("file.too_large", REGION, "XFD1048576")
    assert f"{MAX_CELLS:,}" in p.expected and "Ctrl+End" in p.expected
    rc, out, err = _validate(capsys, f)
    assert rc == 1 and list(out["code"]) == ["file.too_large"] and "Traceback" not in err


def _rezip(src: Path, dst: Path, change) -> Path:
    """A copy of a workbook with some parts changed: ``change(name, data) -> data``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info)))
    return dst


def test_a_sheet_without_dimension_is_bounded_by_its_cells(tmp_path, catalog):
    small = _book(tmp_path / "small.xlsx", [["指标", "2019年"], [SCHOOLS, 3]], C1048576=1)
    f = _rezip(small, tmp_path / "nodim.xlsx",
               # openpyxl writes `<dimension ... />` with its own writer and `.../>` with lxml (python-docx brings it)
               lambda n, d: re.sub(rb'<dimension ref="A1:C1048576" ?/>', b"", d) if "worksheets" in n else d)
    assert b"<dimension" not in zipfile.ZipFile(f).read("xl/worksheets/sheet1.xml")
    _, probs = _read(f, catalog)
    assert [(p.code, p.value) for p in probs] == [("file.too_large", "C1048576")]


def test_a_lying_dimension_does_not_hide_a_far_cell(tmp_path, catalog):
    far = _book(tmp_path / "far.xlsx", [["指标", "2019年"], [SCHOOLS, 3]], ZZ900000=1)
    f = _rezip(far, tmp_path / "lie.xlsx", lambda n, d: d.replace(b"A1:ZZ900000", b"A1:B2"))
    _, probs = _read(f, catalog)
    assert [(p.code, p.value) for p in probs] == [("file.too_large", "ZZ900000")]


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path, catalog):
    # before: refused, but after 20 s and 1 GB; the directory's declared sizes suffice
    ok = _book(tmp_path / "ok.xlsx", [["指标", "2019年"], [SCHOOLS, 3]])
    f = tmp_path / "bomb.xlsx"
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(ok) as zin, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            if info.filename != sheet:
                zout.writestr(info.filename, zin.read(info))
        head, tail = zin.read(sheet).split(b"</worksheet>")
        with zout.open(sheet, "w") as part:  # spaces between elements: 300 MB inflated, 0.3 MB in the file
            part.write(head)
            for _ in range(MAX_UNCOMPRESSED // 2 ** 20 + 1):
                part.write(b" " * 2 ** 20)
            part.write(b"</worksheet>" + tail)
    assert f.stat().st_size < 2 * 2 ** 20
    _, probs = _read(f, catalog)
    (p,) = probs
    assert p.code == "file.too_large" and "MB uncompressed" in p.expected


def test_a_huge_shared_strings_table_is_refused(tmp_path, catalog):
    ok = _book(tmp_path / "ok.xlsx", [["指标", "2019年"], [SCHOOLS, 3]])
    f = tmp_path / "strings.xlsx"
    with zipfile.ZipFile(ok) as zin, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            if info.filename != "xl/sharedStrings.xml":
                zout.writestr(info.filename, zin.read(info))
        with zout.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for _ in range(MAX_SHARED_STRINGS // 2 ** 20 + 1):
                part.write(b" " * 2 ** 20)
            part.write(b"</sst>")
    _, probs = _read(f, catalog)
    (p,) = probs
    assert p.code == "file.too_large" and "shared strings" in p.expected


@pytest.mark.slow  # builds a 2-million-cell sheet (a few seconds)
def test_many_small_cells_are_counted(tmp_path, catalog):
    # cells without a reference (allowed by the format) in one row: the count bounds them
    ok = _book(tmp_path / "ok.xlsx", [["指标", "2019年"], [SCHOOLS, 3]])
    many = b"<row>" + b"<c/>" * (MAX_CELLS + 1) + b"</row>"
    f = _rezip(ok, tmp_path / "many.xlsx",
               lambda n, d: d.replace(b"</sheetData>", many + b"</sheetData>") if "worksheets" in n else d)
    _, probs = _read(f, catalog)
    assert _codes(probs) == ["file.too_large"]


@pytest.mark.parametrize("data", [b"not a zip", b"PK\x03\x04" + bytes(100)])
def test_a_file_that_is_no_workbook_is_refused(tmp_path, catalog, data):
    f = tmp_path / "broken.xlsx"
    f.write_bytes(data)
    _, probs = _read(f, catalog)
    assert _codes(probs) == ["file.bad_excel"]


def test_a_folder_named_like_a_table_is_refused(tmp_path, catalog, capsys):
    (tmp_path / "dir.csv").mkdir()
    _, probs = _read(tmp_path / "dir.csv", catalog)
    assert _codes(probs) == ["file.unknown_type"]


def test_an_error_label_is_reported_and_rendered(tmp_path, catalog, capsys):
    # found by the fuzz test: an error value in a row without a name reached the problems table, whose
    # rendering copies every value, and the copy raised TypeError
    f = _book(tmp_path / "label.xlsx", [["指标", "2019年"], ["#REF!", 3], [None, "#DIV/0!"]])
    _, probs = _read(f, catalog)
    assert [(p.code, p.value) for p in probs] == [("layout.no_label", "#DIV/0!"), ("indicator.unknown", "#REF!")]
    rc, out, err = _validate(capsys, f)
    assert rc == 1 and sorted(out["code"]) == ["indicator.unknown", "layout.no_label"] and "Traceback" not in err

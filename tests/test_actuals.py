"""Actuals: reading planners' files (long and wide), every problem reported with file, row and column,
the bundled published statistics, overrides, templates and their round trip.

Every planner file here is generated inside the test (tmp_path): no real source has these values, they
exist only to exercise the reader. The bundled data under data/ is only read, never written.
"""

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from indicators.actuals.files import read_actuals_file
from indicators.actuals.load import bundled_data_dir, load_actuals
from indicators.cli.main import main
from indicators.errors import ValidationError

REGION = "茌平区"
LONG_HEADER = "region,indicator,year,value,unit\n"


pytestmark = pytest.mark.usefixtures("one_catalog")  # the CLI reuses the session's catalogue


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _long(path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    """A long planner file; rows are 'region,indicator,year,value,unit' lines made up for the test."""
    return _write(path, LONG_HEADER + "".join(r + "\n" for r in rows), encoding)


def _validate(capsys, *args) -> tuple[int, pd.DataFrame, str]:
    """Run `indicators validate ... --format csv`: exit code, the problems table, stderr."""
    rc = main(["validate", *map(str, args), "--format", "csv"])
    cap = capsys.readouterr()
    probs = (pd.read_csv(io.StringIO(cap.out), dtype=str, keep_default_na=False) if cap.out.strip()
             else pd.DataFrame(columns=["severity", "file", "row", "column", "value", "code", "check", "expected"]))
    return rc, probs, cap.err


def _errors(probs: pd.DataFrame) -> pd.DataFrame:
    return probs[probs["severity"] == "error"].reset_index(drop=True)


def _one(frame: pd.DataFrame, **where) -> pd.Series:
    sel = frame
    for k, v in where.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, f"expected one row for {where}, got {len(sel)}"
    return sel.iloc[0]


def _actuals_csv(capsys, *args) -> pd.DataFrame:
    assert main(["actuals", *map(str, args), "--format", "csv"]) == 0
    return pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"row": str})


# --- 1. text where a number belongs; blanks are missing, not errors --------------------------------

def test_text_in_value_is_an_error_blanks_are_missing(tmp_path, capsys):
    # made-up planner rows: one unreadable value and the four recognised kinds of blank
    f = _long(tmp_path / "text.csv", [
        f"{REGION},sec_voc_dual_qualified_teacher_share,2020,abc,",
        f"{REGION},sec_voc_dual_qualified_teacher_share,2021,—,",
        f"{REGION},sec_voc_dual_qualified_teacher_share,2022,－,",
        f"{REGION},sec_voc_schools,2021,空,",
        f"{REGION},sec_voc_schools,2022,,",
    ])
    rc, probs, err = _validate(capsys, f)
    assert rc == 1
    errors = _errors(probs)
    assert len(errors) == 1
    e = errors.iloc[0]
    assert (e["file"], e["row"], e["column"], e["value"]) == (str(f), "2", "value", "abc")
    assert e["code"] == "value.not_a_number" and "a number in percent" in e["expected"]
    missing = probs[probs["severity"] == "missing"]
    assert sorted(missing["row"].astype(int)) == [3, 4, 5, 6]
    assert set(missing["value"]) == {"—", "－", "空", ""}
    assert "1 个错误，0 个警告，4 个空值（4 行）" in err

    # the human-readable table says the same: the error first, then a line per row with blanks
    assert main(["validate", str(f), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "text.csv" in out and "abc" in out and "a number in percent" in out
    assert out.index("Errors") < out.index("Blank values") and "1 blank value(s) in 2021" in out

    # blanks alone are no error
    ok = _long(tmp_path / "blanks.csv", [f"{REGION},sec_voc_schools,2021,空,", f"{REGION},sec_voc_schools,2022,—,"])
    rc, probs, _ = _validate(capsys, ok)
    assert rc == 0 and set(probs["severity"]) == {"missing"}


# --- 2. duplicate cells ---------------------------------------------------------------------------

def test_duplicate_cell_with_different_values_lists_both_rows(tmp_path, capsys):
    # made-up values: rows 2 and 4 disagree about the same cell
    f = _long(tmp_path / "dup.csv", [
        f"{REGION},sec_voc_schools,2021,2,",
        f"{REGION},sec_voc_schools,2020,1,",
        f"{REGION},中职学校数量,2021,3,",
    ])
    rc, probs, _ = _validate(capsys, f)
    assert rc == 1
    e = _one(_errors(probs), code="value.duplicate")
    assert e["file"] == str(f) and e["row"] == "2, 4" and e["column"] == "value"
    assert "2" in e["value"] and "3" in e["value"]
    assert "rows 2, 4" in e["expected"] and "sec_voc_schools 2021" in e["expected"]


# --- 3. shares outside 0-100% ---------------------------------------------------------------------

def test_share_outside_0_100_is_an_error(tmp_path, capsys):
    # made-up shares: 120 is above 100%, -5% below 0
    f = _long(tmp_path / "share.csv", [
        f"{REGION},sec_voc_dual_qualified_teacher_share,2020,120,",
        f"{REGION},sec_voc_dual_qualified_teacher_share,2021,-5%,",
        f"{REGION},sec_voc_dual_qualified_teacher_share,2022,100,",
    ])
    rc, probs, err = _validate(capsys, f)
    assert rc == 1
    errors = _errors(probs)
    assert list(errors["row"]) == ["2", "3"] and set(errors["column"]) == {"value"}
    assert list(errors["value"]) == ["120", "-5%"]
    assert set(errors["code"]) == {"value.share_out_of_range"}
    assert all("sec_voc_dual_qualified_teacher_share is a percentage between 0 and 100" in x
               for x in errors["expected"])
    assert "读取 1 个值" in err  # 100 is fine


# --- 4. negative counts and amounts ---------------------------------------------------------------

def test_negative_count_or_amount_is_an_error(tmp_path, capsys, catalog):
    # made-up negatives: a school count and a funding amount in 万元
    f = _long(tmp_path / "neg.csv", [
        f"{REGION},sec_voc_schools,2020,-3,",
        f"{REGION},voc_fiscal_funding_total,2020,-5387.35,万元",
        f"{REGION},sec_voc_schools,2021,3,",
    ])
    rc, probs, err = _validate(capsys, f)
    assert rc == 1
    errors = _errors(probs)
    assert list(errors["row"]) == ["2", "3"] and list(errors["value"]) == ["-3", "-5387.35"]
    assert set(errors["code"]) == {"value.negative"} and set(errors["column"]) == {"value"}
    assert "sec_voc_schools is a count or amount and cannot be negative" in errors["expected"][0]
    assert "voc_fiscal_funding_total" in errors["expected"][1]
    # the sign is never dropped: nothing negative becomes a positive value
    frame, _ = read_actuals_file(f, catalog.vocabulary, catalog.regions)
    assert list(frame["value"]) == [3.0]


# --- 5. years -------------------------------------------------------------------------------------

def test_year_must_be_a_whole_plausible_number(tmp_path, capsys):
    # made-up rows with bad years, and one good one (2020年) as a control
    f = _long(tmp_path / "years.csv", [
        f"{REGION},sec_voc_schools,2019.5,1,",
        f"{REGION},sec_voc_schools,1800,1,",
        f"{REGION},sec_voc_schools,二〇一九,1,",
        f"{REGION},sec_voc_schools,2020年,1,",
    ])
    rc, probs, err = _validate(capsys, f)
    assert rc == 1
    errors = _errors(probs)
    assert list(errors["row"]) == ["2", "3", "4"]
    assert set(errors["column"]) == {"year"} and list(errors["value"]) == ["2019.5", "1800", "二〇一九"]
    assert all(x == "a whole year between 1949 and 2100" for x in errors["expected"])
    assert all(x == str(f) for x in errors["file"])
    assert "读取 1 个值" in err


# --- 6. unknown indicator with suggestions --------------------------------------------------------

def test_unknown_indicator_suggests_closest_names(tmp_path, capsys):
    # made-up misspelling: 比列 for 比例
    f = _long(tmp_path / "unknown.csv", [f"{REGION},双师型教师比列,2020,90,"])
    rc, probs, _ = _validate(capsys, f)
    assert rc == 1
    e = _one(_errors(probs), column="indicator")
    assert (e["file"], e["row"], e["value"], e["code"]) == (str(f), "2", "双师型教师比列", "indicator.unknown")
    closest = e["expected"].split("closest:")[1]
    assert "sec_voc_dual_qualified_teacher_share" in closest or "voc_dual_qualified_teacher_share" in closest

    # in a wide file an unknown row is reported once, not once per year column
    w = _write(tmp_path / "wide_unknown.csv", "指标,2019年,2020年,2021年\n双师型教师比列,80,85,90\n")
    rc, probs, _ = _validate(capsys, w, "--input-region", REGION)
    assert rc == 1 and len(_errors(probs)) == 1 and _errors(probs)["row"][0] == "2"


# --- 7. unknown region ----------------------------------------------------------------------------

def test_unknown_region_is_accepted_with_a_warning(tmp_path, capsys, catalog):
    place = "某某新区"  # not a real region in regions.yaml
    assert place not in catalog.regions
    # made-up value for a place the catalogue does not know
    f = _long(tmp_path / "region.csv", [f"{place},sec_voc_schools,2021,4,"])
    rc, probs, err = _validate(capsys, f)
    assert rc == 0
    w = _one(probs, column="region")
    assert (w["severity"], w["row"], w["value"], w["file"]) == ("warning", "2", place, str(f))
    assert "regions.yaml" in w["expected"]
    assert "0 个错误，1 个警告" in err

    act = load_actuals([f], catalog=catalog, bundled=False, with_baselines=False)
    assert _one(act.frame, region=place, indicator="sec_voc_schools", year=2021)["value"] == 4
    assert any(p.severity == "warning" and p.value == place for p in act.warnings)


# --- 8. units that contradict the vocabulary ------------------------------------------------------

def test_fraction_for_a_percentage_suggests_times_100(tmp_path, capsys):
    # made-up: 91.3% typed as a fraction
    f = _long(tmp_path / "fraction.csv", [f"{REGION},sec_voc_dual_qualified_teacher_share,2020,0.913,"])
    rc, probs, _ = _validate(capsys, f)
    assert rc == 1
    e = _one(_errors(probs), row="2")
    assert (e["file"], e["column"], e["value"], e["code"]) == (str(f), "value", "0.913", "value.share_as_fraction")
    assert "multiply by 100" in e["expected"] and "(91.3)" in e["expected"]


def test_unit_of_another_dimension_is_an_error(tmp_path, capsys):
    # made-up: person-times given for a person-days indicator, in the unit column and inside the value
    f = _long(tmp_path / "unit.csv", [
        f"{REGION},training_person_days,2020,500,人次",
        f"{REGION},培训规模,2021,500人次,",
    ])
    rc, probs, _ = _validate(capsys, f)
    assert rc == 1
    errors = _errors(probs)
    assert list(errors["row"]) == ["2", "3"] and list(errors["column"]) == ["unit", "value"]
    assert set(errors["value"]) == {"人次"} and set(errors["code"]) == {"unit.mismatch"}
    assert all("person_times" in x and "person_days" in x for x in errors["expected"])


# --- 9. files that cannot be read -----------------------------------------------------------------

@pytest.mark.parametrize("case,content,code,row", [
    ("missing_column", "region,indicator,year\n茌平区,sec_voc_schools,2020\n", "layout.missing_columns", "1"),
    ("empty", "", "file.empty", ""),
    ("header_only", "region,indicator,year,value\n", "file.empty", ""),
    ("missing_file", None, "file.missing", ""),
    ("open_quote", 'region,indicator,year,value\n茌平区,sec_voc_schools,2020,1\n茌平区,sec_voc_schools,2021,"2\n'
                   "茌平区,sec_voc_schools,2022,3\n", "file.malformed_csv", "3"),
    ("too_many_fields", "region,indicator,year,value\n茌平区,sec_voc_schools,2020,1\n茌平区,sec_voc_schools,2021,2,9\n",
     "file.malformed_csv", "3"),
])
def test_unreadable_file_is_a_clear_error(tmp_path, capsys, case, content, code, row):
    # made-up broken files (or none at all)
    f = tmp_path / f"{case}.csv"
    if content is not None:
        _write(f, content)
    rc, probs, err = _validate(capsys, f)
    assert rc == 1
    e = _one(_errors(probs), code=code)
    assert e["file"] == str(f) and e["row"] == row
    if case == "missing_column":
        assert e["column"] == "value" and "columns region, indicator, year, value" in e["expected"]
    if case == "too_many_fields":
        assert "Expected 4 fields in line 3, saw 5" in e["value"]
    if case == "open_quote":
        assert "EOF inside string" in e["value"] and "quote closed" in e["expected"]
    assert "1 个错误" in err


# --- 10. encodings --------------------------------------------------------------------------------

def test_bom_gbk_and_utf16_load_the_same(tmp_path, capsys, catalog):
    # made-up long file with Chinese names, as Excel exports it in each encoding (UTF-16: "Unicode text")
    text = LONG_HEADER + "".join(f"{REGION},{name},{y + k},{v},{u}\n" for k in range(4) for name, y, v, u in [
        ("中职学校生师比", 2020, "17:1（3456/202）", ""), ("中职学校“双师型”教师比例", 2020, "91.3%", ""),
        ("财政性职业教育经费总投入", 2020, "5387.35", "万元"), ("中职学校数量", 2021, "空", "个"),
        ("培训规模", 2021, "13500", "人日")])
    bom = _write(tmp_path / "bom.csv", text, "utf-8-sig")
    gbk = _write(tmp_path / "gbk.csv", text, "gbk")
    u16 = _write(tmp_path / "utf16.csv", text, "utf-16")
    assert bom.read_bytes()[:3] == b"\xef\xbb\xbf" and u16.read_bytes()[:2] == b"\xff\xfe"
    with pytest.raises(UnicodeDecodeError):
        gbk.read_bytes().decode("utf-8")
    frames = []
    for f in (bom, gbk, u16):
        frame, probs = read_actuals_file(f, catalog.vocabulary, catalog.regions)
        assert not [p for p in probs if p.severity == "error"]
        frames.append(frame[["region", "indicator", "year", "value", "value_as_published", "unit_as_published"]])
        assert _validate(capsys, f)[0] == 0
    pd.testing.assert_frame_equal(frames[0], frames[1])
    pd.testing.assert_frame_equal(frames[0], frames[2])
    assert len(frames[0]) == 16 and set(frames[0]["region"]) == {REGION}
    assert set(frames[0]["value"]) == {17.0, 91.3, 5387.35, 13500.0}


# --- 11. values as the plans write them -----------------------------------------------------------

def test_written_forms_names_and_aliases(tmp_path, catalog):
    # made-up values written the way the plans write them; indicators by key, Chinese name and alias
    f = _long(tmp_path / "forms.csv", [
        f"{REGION},生师比,2020,11:1,",                                      # alias
        f"{REGION},中职学校生师比,2021,17:1（3456/202）,",                    # Chinese name
        f"{REGION},sec_voc_dual_qualified_teacher_share,2020,91.3%,",       # key
        f"{REGION},高中阶段招生职普比,2020,4.5:5.5,",                          # alias, vocational:general
        f"{REGION},财政性职业教育经费总投入,2020,5387.35,万元",                 # 万元 for a 10k_yuan indicator
        f"{REGION},sec_voc_per_student_allocation,2020,0.33,万元",          # 万元 for a yuan indicator
    ])
    frame, probs = read_actuals_file(f, catalog.vocabulary, catalog.regions)
    assert probs == []
    got = {(r.indicator, r.year): r.value for r in frame.itertuples()}
    assert got == {
        ("sec_voc_student_teacher_ratio", 2020): 11.0,
        ("sec_voc_student_teacher_ratio", 2021): 17.0,
        ("sec_voc_dual_qualified_teacher_share", 2020): 91.3,
        ("voc_share_of_senior_secondary_enrollment", 2020): 45.0,   # 4.5 / (4.5 + 5.5) x 100
        ("voc_fiscal_funding_total", 2020): 5387.35,               # already in 10k yuan
        ("sec_voc_per_student_allocation", 2020): 3300.0,          # 0.33 x 10,000 yuan
    }
    assert list(frame["value_as_published"]) == ["11:1", "17:1（3456/202）", "91.3%", "4.5:5.5", "5387.35", "0.33"]
    assert _one(frame, indicator="sec_voc_per_student_allocation")["unit"] == "yuan"


# --- 12. the planner's wide layout ----------------------------------------------------------------

def test_wide_xlsx_one_sheet_per_region(tmp_path, capsys, catalog):
    # made-up workbook in the plan annex's shape; sheet names are regions
    wb = Workbook()
    ws = wb.active
    ws.title = REGION
    ws.append(["指标", "2019年", 2020])
    ws.append(["中职学校生师比（在校生数/专任教师数）", "11:1（2193/202）", "17:1（3456/202）"])
    ws.append(["中职学校“双师型”教师比例", "91.3%（126/138）", "—"])
    ws.append(["财政性职业教育经费总投入（万元）", 5387.35, 20000.5])
    other = wb.create_sheet("聊城市")
    other.append(["指标", "2019年", 2020])
    other.append(["中职学校生师比", "15:1", 16])
    f = tmp_path / "wide.xlsx"
    wb.save(f)

    rc, probs, _ = _validate(capsys, f)
    assert rc == 0
    m = _one(probs, severity="missing")
    assert (m["sheet"], m["row"], m["column"], m["value"]) == (REGION, "3", "2020", "—")

    frame, _ = read_actuals_file(f, catalog.vocabulary, catalog.regions)
    got = {(r.region, r.indicator, r.year): r.value for r in frame.itertuples()}
    assert got == {
        (REGION, "sec_voc_student_teacher_ratio", 2019): 11.0,
        (REGION, "sec_voc_student_teacher_ratio", 2020): 17.0,
        (REGION, "sec_voc_dual_qualified_teacher_share", 2019): 91.3,
        (REGION, "voc_fiscal_funding_total", 2019): 5387.35,
        (REGION, "voc_fiscal_funding_total", 2020): 20000.5,
        ("聊城市", "sec_voc_student_teacher_ratio", 2019): 15.0,
        ("聊城市", "sec_voc_student_teacher_ratio", 2020): 16.0,
    }
    assert _one(frame, region=REGION, indicator="voc_fiscal_funding_total", year=2019)["unit_as_published"] == "万元"
    assert _one(frame, region="聊城市", year=2020)["row"] == "聊城市!2"


@pytest.mark.slow
def test_wide_csv_with_region_from_the_caller(tmp_path, capsys, catalog):
    # made-up wide CSV without region sheets
    f = _write(tmp_path / "wide.csv", "指标,2019年,2020\n中职学校生师比（在校生数/专任教师数）,\"17:1（3456/202）\",18:1\n"
                                      "财政性职业教育经费总投入（万元）,5387.35,空\n")
    rc, probs, _ = _validate(capsys, f)  # no region: a clear error naming the option to use
    assert rc == 1
    e = _one(_errors(probs), code="region.missing")
    assert e["file"] == str(f) and "--input-region" in e["expected"]

    rc, probs, err = _validate(capsys, f, "--input-region", REGION)
    assert rc == 0 and "读取 3 个值" in err and list(probs["severity"]) == ["missing"]

    act = load_actuals([f], catalog=catalog, region=REGION, bundled=False, with_baselines=False)
    got = {(r.region, r.indicator, r.year): r.value for r in act.frame.itertuples()}
    assert got == {(REGION, "sec_voc_student_teacher_ratio", 2019): 17.0,
                   (REGION, "sec_voc_student_teacher_ratio", 2020): 18.0,
                   (REGION, "voc_fiscal_funding_total", 2019): 5387.35}

    out = _actuals_csv(capsys, "--actuals", f, "--input-region", REGION, "--region", REGION)
    assert _one(out, indicator="sec_voc_student_teacher_ratio", year=2020)["value"] == 18.0


# --- 13. template round trip ----------------------------------------------------------------------

# made-up values a planner would type into blank template cells: (indicator, year, as typed, canonical value)
FILL = [
    ("sec_voc_schools", 2021, "2", 2.0),
    ("sec_voc_dual_qualified_teacher_share", 2020, "92.5%", 92.5),
    ("sec_voc_student_teacher_ratio", 2021, "18:1（4500/250）", 18.0),
    ("voc_fiscal_funding_total", 2020, "21000.5", 21000.5),
    ("training_person_days", 2022, "13800", 13800.0),
]


def _plan_baselines_2019(catalog) -> dict[tuple[str, str], float]:
    """(indicator, breakdown) -> the plan's 2019 baseline; breakdown "" for a total."""
    t = catalog.targets
    b = t[(t["region"] == REGION) & (t["kind"] == "baseline") & (t["year"] == 2019)]
    return dict(zip(zip(b["indicator"], b["breakdown"].fillna("")), b["value"].astype(float)))


def _key_of_label(catalog, label: str) -> str:
    key = catalog.vocabulary.resolve(re.sub(r"（[^（）]*）$", "", label))
    assert key, label
    return key


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["wide_xlsx", "long_csv"])
def test_template_round_trip(tmp_path, capsys, catalog, layout):
    baselines = _plan_baselines_2019(catalog)
    assert baselines[("sec_voc_student_teacher_ratio", "")] == 11
    assert baselines[("voc_fiscal_funding_total", "")] == 5387.35
    assert any(b for _, b in baselines)  # breakdown baselines (一期 ...) get template rows of their own
    path = tmp_path / ("t.xlsx" if layout == "wide_xlsx" else "t.csv")
    args = ["template", "--region", REGION, "-o", str(path)] + (["--layout", "long"] if layout == "long_csv" else [])
    assert main(args) == 0
    assert "indicators validate" in capsys.readouterr().err

    prefilled: dict[tuple[str, str, int], float] = {}
    todo = {(k, "", y): typed for k, y, typed, _ in FILL}
    if layout == "wide_xlsx":
        wb = load_workbook(path)
        ws = wb[REGION]
        header = [c.value for c in ws[1]]
        assert header[:2] == ["指标", "分项"] and "2019年" in header
        for row in ws.iter_rows(min_row=2):
            key, breakdown = _key_of_label(catalog, row[0].value), row[1].value or ""
            for cell, head in zip(row[2:], header[2:]):
                year = int(head.rstrip("年"))
                if (key, breakdown, year) in todo:
                    assert cell.value is None, (key, year)
                    cell.value = todo.pop((key, breakdown, year))
                elif cell.value is not None:
                    prefilled[(key, breakdown, year)] = float(cell.value)
        wb.save(path)
    else:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for r in rows:
            k = (r["indicator"], r.get("breakdown", ""), int(r["year"]))
            if k in todo:
                assert r["value"] == "", k
                r["value"] = todo.pop(k)
            elif r["value"] != "":
                prefilled[k] = float(r["value"])
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    assert todo == {}  # every test value found a blank cell

    # the template pre-fills the plan's 2019 baselines, and nothing else of its own
    assert prefilled == pytest.approx({(k, b, 2019): v for (k, b), v in baselines.items()})

    rc, probs, err = _validate(capsys, path)
    assert rc == 0 and "0 个错误" in err and set(probs["severity"]) <= {"missing"}

    out = _actuals_csv(capsys, "--actuals", path, "--region", REGION)
    assert set(out["region"]) == {REGION}
    out["breakdown"] = out["breakdown"].fillna("")
    for key, year, _, value in FILL:
        assert _one(out, indicator=key, breakdown="", year=year)["value"] == pytest.approx(value)
    for (key, breakdown, year), value in prefilled.items():
        assert _one(out, indicator=key, breakdown=breakdown, year=year)["value"] == pytest.approx(value)


# --- 14. overrides --------------------------------------------------------------------------------

@pytest.mark.slow
def test_later_files_override_earlier_ones_and_are_listed(tmp_path, capsys, catalog):
    # the bundled national 2020 secondary-vocational students, read straight from the bundled file
    # (2020, because 2005-2019 also hold the NBS provincial export's published excl_technician value)
    nbs = pd.read_csv(bundled_data_dir() / "10_nbs_annual.csv", dtype=str)
    pub = _one(nbs, region="全国", indicator="sec_voc_students", year="2020")
    assert pub["unit"] == "万人"
    published = float(pub["value"]) * 10_000

    # made-up planner values: one replaces the bundled figure, two files disagree about one cell
    a = _long(tmp_path / "a.csv", ["全国,sec_voc_students,2020,1600,万人", f"{REGION},sec_voc_schools,2021,2,"])
    b = _long(tmp_path / "b.csv", [f"{REGION},sec_voc_schools,2021,3,"])
    act = load_actuals([a, b], catalog=catalog)

    assert pub["definition"] == "incl_technician"
    nat = _one(act.frame, region="全国", indicator="sec_voc_students", year=2020, definition="incl_technician")
    assert nat["value"] == 16_000_000 and nat["file"] == str(a)  # the planner row took the replaced definition
    # series rebuilt from it use the planner's value: excl. technician = total - technician-school students
    tech = _one(act.frame, region="全国", indicator="technician_school_students", year=2020)["value"]
    rebuilt = _one(act.frame, region="全国", indicator="sec_voc_students", year=2020, definition="excl_technician")
    assert rebuilt["origin"] == "derived" and rebuilt["value"] == pytest.approx(16_000_000 - tech)
    assert _one(act.frame, region=REGION, indicator="sec_voc_schools", year=2021)["value"] == 3

    ov = act.overrides
    assert len(ov) == 2
    o = _one(ov, region="全国", indicator="sec_voc_students", year=2020)
    assert o["old_value"] == pytest.approx(published) and o["new_value"] == 16_000_000
    assert o["old_source"].endswith("10_nbs_annual.csv") and o["new_source"] == f"{a} row 2"
    o = _one(ov, region=REGION, indicator="sec_voc_schools", year=2021)
    assert (o["old_value"], o["new_value"]) == (2, 3)
    assert o["old_source"] == str(a) and o["new_source"] == f"{b} row 2"

    # the same through the command line
    out = _actuals_csv(capsys, "--actuals", a, "--actuals", b, "--region", REGION)
    assert _one(out, indicator="sec_voc_schools", year=2021)["value"] == 3


@pytest.mark.slow
def test_command_line_lists_overrides(tmp_path, capsys):
    # made-up planner value that replaces a bundled national figure
    a = _long(tmp_path / "a.csv", ["全国,sec_voc_students,2019,1600,万人"])
    assert main(["actuals", "--actuals", str(a), "--region", "全国", "--indicator", "sec_voc_students",
                 "--format", "csv"]) == 0
    err = capsys.readouterr().err
    assert "你的文件覆盖了 1 个内置数值" in err and "a.csv row 2" in err


# --- 15. bundled data -----------------------------------------------------------------------------

@pytest.mark.slow
def test_bundled_series_sources_definitions_and_derivations(capsys):
    out = _actuals_csv(capsys)
    bundled = out[out["origin"].astype(str).str.startswith("shared/data/")]
    assert len(bundled) > 500
    assert {Path(f).name for f in bundled["file"]} == {"10_nbs_annual.csv", "15_nbs_provincial.csv",
                                                       "20_moe_bulletins.csv", "30_yearbooks.csv"}
    for col in ("source_url", "quote"):
        assert bundled[col].notna().all() and (bundled[col].astype(str).str.strip() != "").all(), col

    nat = bundled[(bundled["region"] == "全国")
                  & bundled["indicator"].isin(["sec_voc_new_enrollment", "sec_voc_students"])]
    for ind, g in nat.groupby("indicator"):
        assert {"incl_technician", "excl_technician"} <= set(g["definition"]), ind
        nbs = g[g["file"].str.endswith("10_nbs_annual.csv")]
        assert nbs[nbs["definition"] == "incl_technician"]["year"].max() == 2020
        assert nbs[nbs["definition"] == "excl_technician"]["year"].min() == 2021

    derived = out[out["origin"] == "derived"]
    assert len(derived) and derived["derivation"].notna().all()
    assert (derived["derivation"].astype(str).str.strip() != "").all()

    # the national vocational share of new enrollment, from the two published counts (incl. technician schools)
    shares = derived[(derived["region"] == "全国") & (derived["indicator"] == "voc_share_of_senior_secondary_enrollment")
                     & (derived["definition"] == "incl_technician")]
    assert len(shares) >= 5
    for r in shares.itertuples():
        voc = _one(bundled, region="全国", indicator="sec_voc_new_enrollment", definition="incl_technician", year=r.year)
        gen = _one(bundled, region="全国", indicator="general_hs_new_enrollment", definition="standard", year=r.year)
        # the counts are published in 万人: check the conversion too
        for c in (voc, gen):
            factor = 10_000 if c["unit_as_published"] == "万人" else 1
            assert c["value"] == pytest.approx(float(c["value_as_published"]) * factor)
        assert r.value == pytest.approx(voc["value"] / (voc["value"] + gen["value"]) * 100, rel=1e-9)
    v2011 = _one(shares, year=2011)["value"]
    assert v2011 == pytest.approx(813.9 / (813.9 + 850.8) * 100, rel=1e-9)  # the NBS 2011 figures in 万人


# --- 16. nothing written on failure ---------------------------------------------------------------

def test_failed_template_leaves_existing_output_untouched(tmp_path, capsys):
    out = tmp_path / "filled.xlsx"
    out.write_bytes(b"a planner's earlier work")  # stands in for an existing file
    before = out.read_bytes()
    # made-up bad input
    bad = _long(tmp_path / "bad.csv", [f"{REGION},sec_voc_schools,2021,abc,"])
    listing = sorted(p.name for p in tmp_path.iterdir())
    rc = main(["template", "--region", REGION, "-o", str(out), "--actuals", str(bad)])
    assert rc == 1
    err = capsys.readouterr().err
    assert "bad.csv" in err and "abc" in err
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no temporary file left behind


def test_validation_error_from_load_actuals_lists_every_file(tmp_path, catalog):
    # made-up: two bad files, both reported at once
    a = _long(tmp_path / "a.csv", [f"{REGION},sec_voc_schools,2021,abc,"])
    b = _long(tmp_path / "b.csv", [f"{REGION},sec_voc_schools,1800,1,"])
    with pytest.raises(ValidationError) as exc:
        load_actuals([a, b], catalog=catalog, bundled=False)
    assert {(p.file, p.row, p.column) for p in exc.value.errors} == {(str(a), 2, "value"), (str(b), 2, "year")}


@pytest.mark.slow
def test_planner_value_replaces_only_the_current_definition(tmp_path, catalog):
    base = load_actuals(catalog=catalog).frame
    cell = base[(base["region"] == "全国") & (base["indicator"] == "sec_voc_new_enrollment") & (base["year"] == 2022)
                & (base["derivation"].isna())]
    assert cell["definition"].nunique() >= 2  # the bundled cell holds several definitions
    # a made-up planner value without a definition
    f = _long(tmp_path / "n.csv", ["全国,sec_voc_new_enrollment,2022,500,万人"])
    act = load_actuals([f], catalog=catalog)
    now = act.frame[(act.frame["region"] == "全国") & (act.frame["indicator"] == "sec_voc_new_enrollment")
                    & (act.frame["year"] == 2022) & act.frame["derivation"].isna()]
    replaced = now[now["value"] == 5_000_000]
    assert replaced["definition"].tolist() == ["excl_technician"]  # the series judged by (latest data)
    kept = set(cell["definition"]) - {"excl_technician"}
    assert kept and kept <= set(now["definition"])  # other definitions are not lost
    assert act.overrides["definition"].tolist() == ["excl_technician"]


def test_every_problem_code_is_declared_and_stable():
    # a code that is not in errors.CHECKS cannot be raised; severity is the enum, compared as text too
    from indicators.errors import CHECKS, Problem, Severity
    p = Problem("f.csv", "value.not_a_number", "a number", severity="warning")
    assert p.severity is Severity.WARNING and p.severity == "warning" and p.check == CHECKS["value.not_a_number"]
    with pytest.raises(ValueError, match="unknown problem code"):
        Problem("f.csv", "a number", "a number")
    assert all(re.fullmatch(r"[a-z]+\.[a-z0-9_]+", c) for c in CHECKS)


def test_the_bundled_table_is_read_again_only_when_an_answer_about_its_regions_changes(catalog, monkeypatch):
    """A planner's regions.yaml that adds places of its own asks nothing new of the bundled files: their
    table is not parsed again. Regions without a place the files name are another reading."""
    from dataclasses import replace

    from indicators.actuals import load as L
    from indicators.plans.regions import Region, Regions

    bundled = load_actuals(catalog=catalog).frame
    read = []
    real = L.read_actuals_file
    monkeypatch.setattr(L, "read_actuals_file", lambda path, *a, **k: read.append(path) or real(path, *a, **k))
    more = replace(catalog, regions=Regions({**catalog.regions.regions,
                                             "某新区": Region("某新区", "Some New District", "district", "聊城市")}))
    assert load_actuals(catalog=more).frame.equals(bundled) and read == []
    fewer = replace(catalog, regions=Regions({k: v for k, v in catalog.regions.regions.items() if k != "山东省"}))
    load_actuals(catalog=fewer)
    assert len(read) == len(list(bundled_data_dir().glob("*.csv")))


def test_the_bundled_table_read_once_is_never_changed_by_a_caller(catalog):
    """The bundled files are parsed once per process (same files, same vocabulary and region answers); a
    caller that edits its table does not edit the next caller's, and a file changed on disk is read
    anew."""
    from indicators.actuals import load as L
    from indicators.plans.catalog import reading_digest

    first = load_actuals(catalog=catalog)
    first.frame.loc[:, "value"] = -1.0
    again = load_actuals(catalog=catalog)
    assert (again.frame["value"] >= 0).all() and len(again.frame) == len(first.frame)
    key = next(k for k in reversed(L._BUNDLED) if k[1] == reading_digest(catalog.vocabulary))
    stale = (tuple((f, t - 1, n) for f, t, n in key[0]),) + key[1:]
    L._BUNDLED[stale] = L._BUNDLED.pop(key)  # as if a file had changed since it was read
    assert load_actuals(catalog=catalog).frame.equals(again.frame) and key in L._BUNDLED

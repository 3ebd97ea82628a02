"""One strict number reader (issue 20): every example of "Numbers silently misread" through the whole
door (`indicators validate` on a real CSV), the reader's grammar case by case, years, the plan-file
and draft doors, and fast property tests (the long fuzz runs are in test_numbers_fuzz.py, slow).

Every planner file here is made up inside the test (tmp_path) to exercise the reader.
"""

import csv
import io
import math
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import indicators
from indicators.actuals.cells import Cell, cell_to_row
from indicators.cli.main import main
from indicators.errors import CatalogError
from indicators.numerals import chinese
from indicators.errors import ParseError
from indicators.parse import parse_quantity, read_value, read_year
from examples import examples

pytestmark = pytest.mark.usefixtures("one_catalog")  # the CLI reuses the session's catalogue

REGION, COUNT = "茌平区", "sec_voc_schools"  # a count: any non-negative number is plausible

# The issue's "Numbers silently misread" bullet, every example, with what each must give now:
# a number (read exactly) or None (refused as value.not_a_number).
MISREAD = [
    ("1e2", 100.0),  # was 1
    ("4.12E+3", 4120.0),  # was 4.12 (Excel writes large numbers so into CSV)
    ("16030 1582", None),  # was 160301582
    ("9.61 1", None),  # was 9.611
    ("#DIV/0!", None),  # was 0
    ("=1+1", None),  # was 1
    ("=1+6047.40", None),  # was 1
    ("+cmd|' /C calc'!A616", None),  # was 616
    ("1abc", None),  # was 1
    ("64.18‰", None),  # was 64.18
    ("2740‱", None),  # was 2740
    ("1" + "0" * 39, None),  # a 40-digit number, was inf
    ("9" * 309, None),  # 309 digits, was inf (and Infinity in JSON)
    ("四千二万千四万三", None),  # was 50060003
    ("万六四零", None),  # was 10000
]


def _csv(path: Path, values: list[str], years=None) -> Path:
    """A long planner file, one row per value (data rows start at row 2)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["region", "indicator", "year", "value"])
        for i, v in enumerate(values):
            w.writerow([REGION, COUNT, years[i] if years else 1990 + i, v])
    return path


def _validate(capsys, f: Path) -> tuple[int, pd.DataFrame]:
    rc = main(["validate", str(f), "--format", "csv"])
    out = capsys.readouterr().out
    probs = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False) if out.strip() else pd.DataFrame(
        columns=["severity", "file", "row", "column", "value", "code", "expected"])
    return rc, probs


def _values(capsys, f: Path) -> list[float]:
    assert main(["actuals", "--actuals", str(f), "--region", REGION, "--indicator", COUNT, "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"row": str})
    mine = table[table["file"] == str(f)].sort_values("year")
    return list(mine["value"])


def test_every_misread_example_of_the_issue_is_read_exactly_or_refused_by_validate(tmp_path, capsys):
    refused = [t for t, v in MISREAD if v is None]
    rc, probs = _validate(capsys, _csv(tmp_path / "bad.csv", refused))
    assert rc == 1
    errors = probs[probs["severity"] == "error"]
    assert list(errors["row"]) == [str(i + 2) for i in range(len(refused))]  # every one, at its row
    assert set(errors["column"]) == {"value"} and set(errors["code"]) == {"value.not_a_number"}
    assert [v.removeprefix("'") for v in errors["value"]] == refused  # the text as typed (a CSV export may neutralise =)

    read = [(t, v) for t, v in MISREAD if v is not None]
    good = _csv(tmp_path / "good.csv", [t for t, _ in read])
    assert _validate(capsys, good)[0] == 0
    assert _values(capsys, good) == [v for _, v in read]


@pytest.mark.parametrize("text,value,unit", [
    ("1e2", 100, ""), ("4.12E+3", 4120, ""), ("1.5e-3", 0.0015, ""), ("-2.5E2", -250, ""),
    ("1,234", 1234, ""), ("1,234,567.5", 1234567.5, ""), ("1 234 567", 1234567, ""),
    ("1\u2009234", 1234, ""), ("1\u00a0234", 1234, ""), ("1\u202f234", 1234, ""),  # thin, no-break spaces
    ("１２３４", 1234, ""), ("４５％", 45, "%"), ("+5", 5, ""), ("\u22125", -5, ""), (".5", 0.5, ""),
    ("45%", 45, "%"), ("91.3%", 91.3, "%"), ("2.26万", 22600, ""), ("8.3亿", 830_000_000, ""),
    ("2.26万个", 22600, "个"), ("5387.35", 5387.35, ""), ("0", 0, ""), (" 12 ", 12, ""),
    ("一千五百", 1500, ""), ("两万三千", 23000, ""), ("三百零五人", 305, "人"), ("十二", 12, ""),
])
def test_a_cell_that_is_one_number_is_read_exactly(text, value, unit):
    q = read_value(text)
    assert (q.value, q.unit) == (value, unit)


def test_a_ratio_cell_stays_readable():
    assert read_value("17:1").ratio == (17, 1) and read_value("１：２０").ratio == (1, 20)
    assert read_value("91.3%（126/138）").parts == (126, 138)


@pytest.mark.parametrize("text", [
    # formulas and Excel error values
    "=1+1", "=SUM(A1:A3)", "@SUM(A1)", "+cmd|' /C calc'!A616", "-1+2",
    "#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#N/A N/A", "-1.#IND",
    # trailing text, two numbers, wrong grouping, signs that are no percent
    "1abc", "12 apples", "16030 1582", "9.61 1", "1,2", "12,34", "1, 234", "0,100", "0 100", "1,234 567", "1  234", "64.18‰", "2740‱",
    # comparator words and ranges are plan text, not a cell
    "约45%", "达到70%以上", "1-2", "5.", "1e", "e5",
    # overflow and non-finite numbers and words
    "1" + "0" * 39, "9" * 309, "1e400", "1e-400", "1e99999", "inf", "-inf", "Infinity", "1e15",
    # malformed Chinese numerals and ambiguous short forms
    "四千二万千四万三", "万六四零", "一千五", "两万三", "二〇二〇", "三点五", "十十", "十两", "两十",
])
def test_anything_else_in_a_cell_is_refused(text):
    with pytest.raises(ParseError):
        read_value(text)


@pytest.mark.parametrize("text,value", [("1e2个", 100), ("4.12E+3", 4120), ("1,234所", 1234), ("1 234所", 1234),
                                        ("两万三千人", 23000)])
def test_written_numbers_of_plans_use_the_same_core(text, value):
    assert parse_quantity(text).value == value


@pytest.mark.parametrize("text", ["16030 1582", "16030 1582人", "9.61 1", "1abc", "四千二万千四万三", "万六四零",
                                  "一千五人", "64.18‰", "+cmd|' /C calc'!A616", "2020年50%", "1" + "0" * 40])
def test_written_numbers_of_plans_are_read_whole_or_refused(text):
    with pytest.raises(ParseError):
        parse_quantity(text)


PLAN = """\
plan:
  id: testtown_2024
  title_zh: 测试规划
  title_en: Test plan
  region: 茌平区
  level: district
  issuer: 测试
  document_number: null
  issued: null
  source: source.txt
  period: [2024, 2026]
  domain: vocational
targets:
  - indicator: sec_voc_schools
    year: 2026
    written: "{written}"
    kind: target
    clause: 一
    quote: "到2026年中职学校{written}"
"""


def _plan_dir(tmp_path: Path, written: str) -> Path:
    d = tmp_path / "plans"
    d.mkdir()
    (d / "testtown_2024.yaml").write_text(PLAN.format(written=written), encoding="utf-8")
    (d / "source.txt").write_text(f"到2026年中职学校{written}。", encoding="utf-8")
    return d


@pytest.mark.parametrize("written", ["16030 1582所", "1abc", "四千二万千四万三所"])
def test_a_plan_written_number_that_is_not_one_is_refused_with_its_field(tmp_path, written):
    with pytest.raises(CatalogError) as err:
        indicators.load_catalog([_plan_dir(tmp_path, written)], env=False)
    (p,) = [p for p in err.value.problems if p.column == "written"]
    assert p.code == "target.unreadable_number" and p.file.endswith("testtown_2024.yaml")


def test_a_plan_written_in_scientific_notation_is_read_exactly(tmp_path):
    cat = indicators.load_catalog([_plan_dir(tmp_path, "4.12E+3所")], env=False)
    assert cat.select(plan="testtown_2024").iloc[0]["value"] == 4120


def test_the_draft_skips_two_numbers_instead_of_reading_the_second():
    from indicators.drafting.find import draft_text
    from indicators.plans.vocabulary import load_vocabulary

    d = draft_text("到2025年,新增学位16030 1582个,新增学位4.12E+3个。", load_vocabulary(), "x", REGION)
    assert [e.written for e in d.entries] == ["4.12E+3个"]
    assert d.skipped[0][0] == "16030 1582个" and "not one number" in d.skipped[0][1]


def _xlsx(path: Path, values: list) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["region", "indicator", "year", "value"])
    for i, v in enumerate(values):
        ws.append([REGION, COUNT, 1990 + i, v])
    wb.save(path)
    return path


def test_excel_cells_go_through_the_same_reader(tmp_path, capsys):
    # text cells as a planner may type them into Excel, and real numbers (4120.0 is shown as 4120)
    f = _xlsx(tmp_path / "in.xlsx", ["16030 1582", "1abc", "64.18‰", "万六四零", 4120.0, "4.12E+3", 12])
    rc, probs = _validate(capsys, f)
    errors = probs[probs["severity"] == "error"]
    assert rc == 1 and list(errors["row"]) == ["2", "3", "4", "5"]
    assert set(errors["code"]) == {"value.not_a_number"}


def test_an_excel_error_value_is_an_error_not_a_blank(tmp_path, capsys):
    f = _xlsx(tmp_path / "err.xlsx", ["#DIV/0!", "#N/A", 5])  # openpyxl stores these as error cells
    rc, probs = _validate(capsys, f)
    errors = probs[probs["severity"] == "error"]
    assert rc == 1 and list(errors["row"]) == ["2", "3"]


# --- years: the same grammar -------------------------------------------------------------------------

@pytest.mark.parametrize("raw,year", [(2019, 2019), ("2019", 2019), ("2019年", 2019), ("2019.0", 2019),
                                      (2019.0, 2019), ("２０１９", 2019), (" 2019 ", 2019)])
def test_a_year_is_read_by_the_same_grammar(raw, year):
    assert read_year(raw) == year


@pytest.mark.parametrize("raw", ["2019.5", 2019.5, "二〇一九", "2019abc", "20 19", True, math.nan, math.inf])
def test_a_year_that_is_not_whole_is_refused(raw):
    with pytest.raises(ParseError):
        read_year(raw)


def test_years_through_validate_a_5000_digit_year_is_out_of_range(tmp_path, capsys):
    f = _csv(tmp_path / "years.csv", ["1", "2", "3", "4"], years=["2019年", "2020.0", "2019.5", "9" * 5000])
    rc, probs = _validate(capsys, f)
    errors = probs[probs["severity"] == "error"]
    assert rc == 1 and list(errors["row"]) == ["4", "5"] and set(errors["code"]) == {"year.out_of_range"}


def test_a_huge_int_year_or_value_is_a_problem_not_a_value_error():
    from indicators.plans.regions import load_regions
    from indicators.plans.vocabulary import load_vocabulary

    vocab, regions, problems = load_vocabulary(), load_regions(), []
    for year, value in ((10**5000, 5), (2020, 10**5000)):
        cell = Cell("f.csv", None, 2, "value", REGION, COUNT, year, value, None)
        assert cell_to_row(cell, vocab, regions, problems) is None
    assert [p.code for p in problems] == ["year.out_of_range", "value.not_a_number"]


# --- properties (fast; the long runs are in test_numbers_fuzz.py) ------------------------------------

FAST = settings(max_examples=examples(150), derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
amounts = st.decimals(min_value=Decimal("-999999999999"), max_value=Decimal("999999999999"), places=3,
                      allow_nan=False, allow_infinity=False)


def formats(d: Decimal) -> list[str]:
    """Every accepted way of writing ``d``: plain, grouped by , or a (thin, no-break) space, scientific,
    full-width, with an explicit + sign."""
    sign, body = ("-" if d < 0 else ""), f"{abs(d):f}"
    whole, _, frac = body.partition(".")
    tail = "." + frac if frac else ""
    out = [f"{d:f}", f"{sign}{int(whole):,}{tail}", f"{d:E}", f"{d:e}"]
    out += [f"{sign}{int(whole):,}".replace(",", sep) + tail for sep in (" ", "\u2009", "\u00a0")]
    out.append(f"{d:f}".translate(str.maketrans("0123456789.-", "０１２３４５６７８９．－")))
    if d >= 0:
        out.append(f"+{d:f}")
    return out


@FAST
@given(d=amounts)
def test_generated_numbers_in_every_accepted_format_read_back_exactly(d):
    for text in formats(d):
        assert read_value(text).value == float(d), text


@FAST
@given(d=st.decimals(min_value=0, max_value=Decimal("100"), places=2, allow_nan=False, allow_infinity=False),
       mag=st.sampled_from(["", "万", "亿", "%", "％"]))
def test_magnitude_and_percent_are_exact(d, mag):
    factor = {"万": Decimal(10**4), "亿": Decimal(10**8)}.get(mag, Decimal(1))
    assert read_value(f"{d}{mag}").value == float(d * factor)


def formal_chinese(n: int) -> str:
    """The formal numeral of n < 10^12 (一亿零五千, 三百零五), as a reference to read back."""
    if n == 0:
        return "零"
    digits, out, gap = "零一二三四五六七八九", "", False
    for group, big in ((n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")):
        if not group:
            gap = bool(out)
            continue
        if out and (gap or group < 1000):
            out += "零"
        section, zero = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            dgt = group // unit % 10
            if dgt:
                section += ("零" if zero else "") + digits[dgt] + name
                zero = False
            elif section:
                zero = True
        out, gap = out + section + big, False
    return out


@FAST
@given(n=st.integers(0, 10**12 - 1))
def test_chinese_numerals_read_back_exactly(n):
    assert chinese(formal_chinese(n)) == n


@FAST
@given(junk=st.sampled_from(["abc", "元x", "‰", "‱", " 1582", "#", "!", "=1", " 12 34"]),
       d=st.decimals(min_value=0, max_value=Decimal("99999"), places=2, allow_nan=False, allow_infinity=False),
       lead=st.sampled_from(["", "=", "@", "#", "=1+", "+cmd|' /C calc'!A"]))
def test_a_number_inside_other_text_is_refused(junk, d, lead):
    for text in (f"{lead}{d}{junk}", f"{lead}{junk}{d}") if lead else (f"{d}{junk}",):
        with pytest.raises(ParseError):
            read_value(text)


@FAST
@given(d=st.decimals(min_value=Decimal("-999999999999"), max_value=Decimal("999999999999"), allow_nan=False,
                     allow_infinity=False, places=4))
def test_the_fast_path_for_plain_cells_reads_what_the_grammar_reads(d):
    from indicators.numerals import prepare
    from indicators.parse import _cell_number

    text = f"{d:f}"
    assert read_value(text) == _cell_number(prepare(text), None)

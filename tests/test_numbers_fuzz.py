"""Fuzzing the number reader (issue 20), slow: thousands of generated cells, plan texts and numerals,
and generated CSV files through `indicators validate`. Derandomized, so every run tries the same input.

Properties: every string the reader accepts is the number Python's own Decimal reads from its
normalised form (NFKC, separators and the unit word removed); nothing raises but ParseError (or
UnitError); every accepted value is finite and below 10^15; a number inside other text is refused.
"""

import csv
import io
import math
import unicodedata
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_numbers import COUNT, REGION, formal_chinese, formats

from indicators.cli.main import main
from indicators.numerals import CHINESE_CHARS, chinese
from indicators.errors import ParseError, UnitError
from indicators.parse import parse_quantity, read_value

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("one_catalog")]

LONG = settings(max_examples=1000, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
DOOR = settings(max_examples=50, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))

NUMBERISH = st.text(alphabet=st.sampled_from(list("0123456789012345.,+-−eE %万亿个 ") + ["０", "５", "\u2009", "\u00a0",
                                                                                          "．", "％"]), max_size=14)
MAGNITUDE = {"万": Decimal(10**4), "亿": Decimal(10**8)}


def python_reading(text: str, unit: str) -> Decimal:
    """What Python's Decimal reads from the text once normalised: NFKC, whitespace and separators
    removed, U+2212 as -, the unit word and a magnitude word taken off the end."""
    s = "".join(unicodedata.normalize("NFKC", text).split()).replace(",", "").replace("\u2212", "-")
    s = s[: len(s) - len(unit)] if unit and s.endswith(unit) else s
    factor = MAGNITUDE.get(s[-1:], Decimal(1))
    return Decimal(s[:-1] if s[-1:] in MAGNITUDE else s) * factor


@LONG
@given(text=NUMBERISH)
def test_every_accepted_cell_is_pythons_reading_of_its_normalised_form(text):
    try:
        q = read_value(text)
    except ParseError:
        return
    assert q.ratio is None and math.isfinite(q.value) and abs(q.value) < 1e15
    if any(c.isdigit() for c in text):  # else a numeral (万 alone is 10000): tested with the numerals
        assert q.value == float(python_reading(text, q.unit)), text


@LONG
@given(text=st.text(max_size=24))
def test_no_cell_text_raises_anything_but_a_parse_error(text):
    try:
        q = read_value(text)
    except ParseError:
        return
    assert math.isfinite(q.value) and abs(q.value) < 1e15


@LONG
@given(text=st.text(alphabet=st.sampled_from(list("0123456789.,:：%％-~至到万萬亿億千百十一二两半分之翻番倍人次元个所以上不低于约"
                                                   "左右（）()/ 　５eE‰#=@+")), max_size=16) | st.text(max_size=24))
def test_no_plan_text_raises_anything_else_and_every_value_is_finite(text):
    try:
        q = parse_quantity(text)
    except (ParseError, UnitError):
        return
    for v in (q.value, q.value_high, *(q.ratio or ()), *(q.parts or ())):
        assert v is None or (math.isfinite(v) and abs(v) < 1e15)


@LONG
@given(d=st.decimals(min_value=Decimal("-999999999999"), max_value=Decimal("999999999999"), places=4,
                     allow_nan=False, allow_infinity=False))
def test_every_accepted_format_of_a_generated_number_reads_back_exactly(d):
    for text in formats(d):
        assert read_value(text).value == float(d), text
        assert parse_quantity(text).value == float(d), text


JUNK = st.text(alphabet=st.sampled_from(list("abcxyzABC#=@!?$&*()[]{}<>|\\/;'\"‰‱_~^")), min_size=1, max_size=6)


@LONG
@given(d=st.decimals(min_value=0, max_value=Decimal("99999999"), places=2, allow_nan=False, allow_infinity=False),
       before=JUNK, after=JUNK, where=st.sampled_from(["before", "after", "both"]))
def test_a_number_inside_text_is_refused(d, before, after, where):
    text = {"before": f"{before}{d}", "after": f"{d}{after}", "both": f"{before}{d}{after}"}[where]
    with pytest.raises(ParseError):
        read_value(text)
    with pytest.raises((ParseError, UnitError)):
        parse_quantity(text)


@LONG
@given(a=st.integers(0, 10**6), b=st.integers(0, 10**6), sep=st.sampled_from([" ", "  ", "\t", " , "]))
def test_two_numbers_are_refused_unless_they_are_one_grouped_by_three(a, b, sep):
    text = f"{a}{sep}{b}"
    if sep == " " and 1 <= a <= 999 and 100 <= b <= 999:  # 1 234: one number grouped by three
        assert read_value(text).value == float(f"{a}{b}")
    else:
        with pytest.raises(ParseError):
            read_value(text)


@LONG
@given(n=st.integers(0, 10**12 - 1))
def test_every_formal_chinese_numeral_reads_back(n):
    assert chinese(formal_chinese(n)) == n


@LONG
@given(text=st.text(alphabet=st.sampled_from(list(CHINESE_CHARS)), min_size=1, max_size=10))
def test_an_accepted_chinese_numeral_has_one_reading(text):
    try:
        n = chinese(text)
    except ParseError:
        return
    assert 0 <= n < 10**12 and chinese(formal_chinese(n)) == n
    # malformed shapes never pass: a unit twice outside 亿, two bare digits in a row
    assert text.count("亿") <= 1 and text.replace("亿", "|").split("|")[-1].count("万") <= 1


CELLS = st.one_of(
    st.decimals(min_value=0, max_value=Decimal("9999999"), places=2, allow_nan=False, allow_infinity=False)
    .flatmap(lambda d: st.sampled_from(formats(d)).map(lambda t: (t, float(d)))),
    st.sampled_from(["=1+1", "#DIV/0!", "#N/A", "#VALUE!", "1abc", "16030 1582", "9.61 1", "64.18‰", "2740‱",
                     "@SUM(A1)", "+cmd|' /C calc'!A616", "1" + "0" * 40, "9" * 309, "四千二万千四万三", "万六四零",
                     "inf", "1e400", "约5", "1-2"]).map(lambda t: (t, None)),
)


@DOOR
@given(cells=st.lists(CELLS, min_size=1, max_size=12))
def test_generated_csv_files_through_validate(tmp_path_factory, cells):
    f = tmp_path_factory.mktemp("fuzz") / "in.csv"
    with f.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(["region", "indicator", "year", "value"])
        w.writerows([REGION, COUNT, 1990 + i, text] for i, (text, _) in enumerate(cells))
    rc, problems = _validate(f)
    refused = {str(i + 2) for i, (_, v) in enumerate(cells) if v is None or v < 0}
    assert rc == (1 if refused else 0)
    assert set(problems["row"]) == refused
    assert set(problems["code"]) <= {"value.not_a_number", "value.negative"}


def _validate(f) -> tuple[int, pd.DataFrame]:
    """Exit code and error rows of `indicators validate --format csv -o ...` on one file."""
    out = f.with_suffix(".problems.csv")
    rc = main(["validate", str(f), "--format", "csv", "-o", str(out)])
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False) if text.strip() else pd.DataFrame(
        columns=["severity", "row", "code"])
    return rc, frame[frame["severity"] == "error"]

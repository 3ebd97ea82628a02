"""Parsers for numbers as the plans write them; property-based where a rule is general."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.errors import ParseError, UnitError
from indicators.parse import comparator_from_words, parse_chinese_numeral, parse_quantity
from indicators.units import MAGNITUDES, conversion_factor, lookup_unit
from examples import examples

decimals = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("999"), places=1, allow_nan=False,
                       allow_infinity=False)
spaces = st.sampled_from(["", " ", "  ", "\u3000", "\t"])


@given(a=decimals, b=decimals, s1=spaces, s2=spaces, colon=st.sampled_from([":", "：", "∶"]))
def test_ratio_any_spacing_and_colon(a, b, s1, s2, colon):
    q = parse_quantity(f"{a}{s1}{colon}{s2}{b}")
    assert q.ratio == (float(a), float(b))


@given(a=st.integers(1, 60), n=st.integers(1, 9999), d=st.integers(1, 999),
       paren=st.sampled_from([("（", "）"), ("(", ")")]))
def test_ratio_with_stated_parts(a, n, d, paren):
    q = parse_quantity(f"{a}:1{paren[0]}{n}/{d}{paren[1]}")
    assert q.ratio == (a, 1) and q.parts == (n, d)


@given(n=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2, allow_nan=False,
                     allow_infinity=False),
       mag=st.sampled_from(sorted(MAGNITUDES)), unit=st.sampled_from(["人次", "元", "个", "人", "人日", "所"]))
def test_magnitude_is_exact(n, mag, unit):
    q = parse_quantity(f"{n}{mag}{unit}")
    assert q.value == float(n * Decimal(repr(MAGNITUDES[mag])))
    assert q.unit == unit


@given(n=st.integers(0, 10**7))
def test_thousands_separators(n):
    assert parse_quantity(f"{n:,}").value == n


@pytest.mark.parametrize("text,value,unit,comp", [
    ("4. 5: 5. 5", 4.5, "", "=="),
    ("达到70%以上", 70, "%", ">="),
    ("5千人次以上", 5000, "人次", ">="),
    ("8.3亿元", 830_000_000, "元", "=="),
    ("2.26万个", 22_600, "个", "=="),
    ("不低于30%", 30, "%", ">="),
    ("至少1个", 1, "个", ">="),
    ("不超过20%", 20, "%", "<="),
    ("10所左右", 10, "所", "~"),
    ("一个月", 1, "个月", "=="),
    ("近千亩", 1000, "亩", "~"),
    ("两次", 2, "次", "=="),
])
def test_written_forms_from_the_plans(text, value, unit, comp):
    q = parse_quantity(text)
    assert (q.value, q.unit, q.comparator) == (value, unit, comp)


def test_range():
    q = parse_quantity("1-2个")
    assert (q.value, q.value_high, q.unit) == (1, 2, "个")
    with pytest.raises(ParseError, match="below its lower bound"):
        parse_quantity("5-2个")


def test_percentage_with_parts_keeps_decimals():
    q = parse_quantity("91.3%（126/138）")
    assert (q.value, q.unit, q.parts, q.decimals) == (91.3, "%", (126, 138), 1)


@pytest.mark.parametrize("word,comp", [("以上", ">="), ("不低于", ">="), ("至少", ">="), ("达到", ">="),
                                       ("以内", "<="), ("不超过", "<="), ("大体相当", "~"), ("左右", "~")])
def test_comparator_words(word, comp):
    assert comparator_from_words(f"{word}12") == comp
    assert comparator_from_words(f"12{word}") == comp


def test_plain_number_is_planned_value():
    assert comparator_from_words("5387.35") == "=="


@pytest.mark.parametrize("text,n", [("一", 1), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("三百零五", 305),
                                    ("一千五百", 1500), ("万", 10000), ("三万二千", 32000), ("千", 1000)])
def test_chinese_numerals(text, n):
    assert parse_chinese_numeral(text) == n


@pytest.mark.parametrize("text", ["", "—", "－", "空", "abc", "高职院校"])
def test_unreadable_text_is_refused_with_the_forms_expected(text):
    with pytest.raises(ParseError):
        parse_quantity(text)


def test_unit_table_conversions():
    assert conversion_factor("亿元", "10k_yuan") == 1e4
    assert conversion_factor("万元", "yuan") == 1e4
    assert conversion_factor("万人", "persons") == 1e4
    assert conversion_factor("%", "percent") == 1
    assert lookup_unit("千人次").factor == 1000
    with pytest.raises(UnitError, match="measures person_times"):
        conversion_factor("人次", "person_days")
    with pytest.raises(UnitError, match="unknown unit"):
        lookup_unit("furlongs")


# --- forms real plans print (issue 9) -------------------------------------------------------

@pytest.mark.parametrize("text,value,unit,comp", [
    ("360萬人以上", 3_600_000, "人", ">="),  # traditional 萬 was read as 360 persons
    ("達90萬人", 900_000, "人", ">="),
    ("8.3億元", 830_000_000, "元", "=="),
    ("達到６０％以上", 60, "%", ">="),
    ("１５００萬人次", 15_000_000, "人次", "=="),
    ("1500万人次", 15_000_000, "人次", "=="),
    ("162亿元", 16_200_000_000, "元", "=="),
    ("3千人", 3000, "人", "=="),
    ("一半", 50, "%", ">="),
    ("过半", 50, "%", ">="),
    ("一半以上", 50, "%", ">="),
    ("超过一半", 50, "%", ">="),
    ("三分之一", 33.3, "%", "=="),
    ("大体相当", 50, "%", "~"),
    ("翻一番", 2, "倍", ">="),
    ("由5万人翻一番", 100_000, "人", ">="),
    ("10万平方米", 100_000, "平方米", "=="),
])
def test_forms_of_real_plans(text, value, unit, comp):
    q = parse_quantity(text)
    assert (q.value, q.unit, q.comparator) == (value, unit, comp)


def test_full_width_ratio_is_read():
    assert parse_quantity("１：２０").ratio == (1, 20)


def test_ratio_to_value_single_home():
    from indicators.units import ratio_reading, ratio_to_value

    assert ratio_to_value(1, 20, "students_per_teacher") == 20  # 师生比 1:20
    assert ratio_to_value(20, 1, "students_per_teacher") == 20  # 生师比 20:1
    assert ratio_to_value(4.5, 5.5, "percent") == 45
    assert ratio_reading(1, 20, "students_per_teacher").startswith("1:20 read as 20 students per teacher")
    assert ratio_reading(20, 1, "students_per_teacher") is None
    for a, b, unit in [(5, 0, "students_per_teacher"), (0, 0, "percent"), (0, 5, "ratio"), (-1, 2, "percent")]:
        with pytest.raises(UnitError, match="ratio"):
            ratio_to_value(a, b, unit)


def test_errors_are_the_projects_own():
    from indicators.errors import IndicatorsError

    assert issubclass(ParseError, IndicatorsError) and issubclass(ParseError, ValueError)
    assert issubclass(UnitError, IndicatorsError) and issubclass(UnitError, ValueError)


@settings(max_examples=examples(400))
@given(st.text(alphabet=st.sampled_from(list("0123456789.,:：%％-~至到万萬亿億千百十一二两半分之翻番倍人次元个所以上不低于约左右（）()/ 　５２")),
               max_size=14) | st.text(max_size=20))
def test_no_string_makes_the_parser_raise_anything_else(text):
    try:
        q = parse_quantity(text)
    except (ParseError, UnitError):
        return
    assert isinstance(q.value, float)


@settings(max_examples=examples(200))
@given(a=st.floats(allow_nan=True, allow_infinity=True), b=st.floats(allow_nan=True, allow_infinity=True),
       unit=st.sampled_from(["percent", "students_per_teacher", "ratio"]))
def test_ratio_to_value_raises_only_unit_error(a, b, unit):
    import math

    from indicators.units import ratio_to_value

    try:
        v = ratio_to_value(a, b, unit)
    except UnitError:
        return
    assert math.isfinite(v)


def test_quote_mismatch_names_closest_passage_and_character():
    from indicators.parse import quote_mismatch

    msg = quote_mismatch("到2020年，全省高技能人才", "山东:到2020年,全省高技能人才总量达到300万人。")
    assert "'到2020年,全省高技能人才'" in msg
    assert "character 7" in msg and "FULLWIDTH COMMA" in msg and "full-width vs half-width" in msg


# --- one home for the unit rules (issue 10) --------------------------------------------------------


@pytest.mark.parametrize("value, written, canonical, expected", [
    (5387.35, "万元", "yuan", 53_873_500.0), (8.3, "亿元", "10k_yuan", 83_000.0), (5.0, "千人次", "person_times", 5000.0),
    (45.0, "%", "percent", 45.0), (12.0, None, "count", 12.0), (12.0, "", "persons", 12.0)])
def test_to_canonical_converts_a_written_number(value, written, canonical, expected):
    from indicators.units import to_canonical

    assert to_canonical(value, written, canonical) == pytest.approx(expected, rel=1e-12)


def test_to_canonical_reads_a_ratio_through_ratio_to_value_and_refuses_other_dimensions():
    from indicators.units import to_canonical

    assert to_canonical(None, None, "percent", ratio=(4.5, 5.5)) == pytest.approx(45.0)
    assert to_canonical(None, None, "students_per_teacher", ratio=(1, 20)) == 20.0
    with pytest.raises(UnitError, match="measures person_times"):
        to_canonical(5.0, "人次", "person_days")

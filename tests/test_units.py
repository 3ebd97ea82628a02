"""The unit table (src/indicators/units.py): lookup, conversion factors, written ratios, UnitError.

Values here are arithmetic on units (1万人 = 10,000 persons), not statistics.
"""

import math

import pytest

from indicators.errors import IndicatorsError, UnitError
from indicators.units import (
    CANONICAL_UNITS, MAGNITUDES, UNIT_WORDS, Unit, conversion_factor, lookup_unit, ratio_reading,
    ratio_to_value,
)

# --- lookup ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, dimension, factor", [
    ("万人", "number", 1e4),
    ("人", "number", 1.0),
    ("万元", "money", 1e4),
    ("亿元", "money", 1e8),
    ("千万元", "money", 1e7),      # the two-character prefix, not 千 + 万元
    ("十万人", "number", 1e5),
    ("百万人次", "person_times", 1e6),
    ("万人次", "person_times", 1e4),
    ("人日", "person_days", 1.0),
    ("%", "share", 1.0),
    ("百分点", "share", 1.0),       # percentage points: a share, not 百 x 分点
    ("ratio_per_teacher", "students_per_teacher", 1.0),  # the shared files' unit for 生师比
    ("生/师", "students_per_teacher", 1.0),
    ("美元", "money_usd", 1.0),     # not money in yuan
    ("个月", "months", 1.0),
])
def test_written_units_resolve_to_dimension_and_factor(text, dimension, factor):
    unit = lookup_unit(text)
    assert (unit.name, unit.dimension, unit.factor) == (text, dimension, factor)


@pytest.mark.parametrize("name", sorted(CANONICAL_UNITS))
def test_every_canonical_unit_is_itself_and_converts_to_itself_by_one(name):
    assert lookup_unit(name) is CANONICAL_UNITS[name]
    assert conversion_factor(name, name) == 1.0


@pytest.mark.parametrize("text", [" 万 元 ", "万元\u3000", "(万元)", "（万元）", "\t万元\n"])
def test_whitespace_and_one_pair_of_brackets_are_ignored(text):
    assert lookup_unit(text) == Unit("万元", "money", 1e4)


def test_every_unit_word_takes_every_magnitude_prefix():
    for word in UNIT_WORDS:
        base = lookup_unit(word)
        for prefix, magnitude in MAGNITUDES.items():
            unit = lookup_unit(prefix + word)
            assert (unit.dimension, unit.factor) == (base.dimension, base.factor * magnitude), prefix + word


@pytest.mark.parametrize("text", ["", "万", "亿", "千", "furlongs", "万万元", "元万", "((万元))", "万 元 整"])
def test_unknown_units_raise_unit_error_naming_the_text(text):
    with pytest.raises(UnitError, match="unknown unit") as exc:
        lookup_unit(text)
    assert repr(text) in str(exc.value) and "known units include" in str(exc.value)


# a planner's unit column 萬人 or ％ reads as the value 600.37萬人 does (it was refused before)
@pytest.mark.parametrize("text, same_as", [("萬人", "万人"), ("％", "%"), ("億元", "亿元")])
def test_full_width_and_traditional_unit_words_resolve_like_their_plain_forms(text, same_as):
    assert (lookup_unit(text).dimension, lookup_unit(text).factor) == (lookup_unit(same_as).dimension,
                                                                       lookup_unit(same_as).factor)


# --- conversion ----------------------------------------------------------------------------------


@pytest.mark.parametrize("written, canonical, factor", [
    ("万人", "persons", 1e4),
    ("人", "persons", 1.0),
    ("persons", "persons", 1.0),
    ("万人", "count", 1e4),          # persons and counts share the dimension "number"
    ("亿元", "10k_yuan", 1e4),
    ("万元", "10k_yuan", 1.0),
    ("万元", "yuan", 1e4),
    ("元", "10k_yuan", 1e-4),
    ("亿元", "yuan", 1e8),
    ("10k_yuan", "yuan", 1e4),
    ("%", "percent", 1.0),
    ("percent", "percent", 1.0),
    ("万人次", "person_times", 1e4),
    ("ratio_per_teacher", "students_per_teacher", 1.0),
])
def test_conversion_factors(written, canonical, factor):
    assert conversion_factor(written, canonical) == factor


def test_converting_a_value_goes_through_the_factor_both_ways():
    # 8.3亿元 is 83,000 万元 and 830,000,000 元; back again to 8.3亿元
    in_10k = 8.3 * conversion_factor("亿元", "10k_yuan")
    assert in_10k == pytest.approx(83_000)
    assert in_10k * conversion_factor("10k_yuan", "yuan") == pytest.approx(830_000_000)
    assert 830_000_000 * conversion_factor("元", "10k_yuan") / 1e4 == pytest.approx(8.3)


@pytest.mark.parametrize("written, canonical, measures", [
    ("人次", "person_days", "person_times"),   # training volume in 人次 is not 人日
    ("人日", "person_times", "person_days"),
    ("万元", "percent", "money"),
    ("%", "10k_yuan", "share"),
    ("美元", "yuan", "money_usd"),
    ("万人", "10k_yuan", "number"),
    ("ratio_per_teacher", "percent", "students_per_teacher"),
    ("比", "students_per_teacher", "ratio"),
])
def test_units_of_different_dimensions_do_not_convert(written, canonical, measures):
    with pytest.raises(UnitError) as exc:
        conversion_factor(written, canonical)
    assert f"unit {written!r} measures {measures}, but the indicator is in {canonical}" in str(exc.value)


@pytest.mark.parametrize("canonical", ["万元", "万人", "%", "亿元", "Percent", ""])
def test_the_target_must_be_a_canonical_unit(canonical):
    # written units are for the source side only; an indicator declares a canonical unit
    with pytest.raises(UnitError, match="is not a canonical unit"):
        conversion_factor("万元", canonical)


def test_an_unknown_written_unit_is_reported_before_the_target():
    with pytest.raises(UnitError, match="unknown unit 'furlongs'"):
        conversion_factor("furlongs", "no_such_canonical")


def test_unit_error_is_the_projects_error_and_a_value_error():
    assert issubclass(UnitError, IndicatorsError) and issubclass(UnitError, ValueError)
    with pytest.raises(IndicatorsError):
        lookup_unit("furlongs")


# --- written ratios ----------------------------------------------------------------------------


@pytest.mark.parametrize("a, b, unit, value", [
    (4.5, 5.5, "percent", 45.0),                  # 职普比 4.5:5.5 -> the vocational share
    (5.5, 4.5, "percent", 55.0),                  # the first part is the share: order matters
    (5, 5, "percent", 50.0),                      # 职普比大体相当 written 5:5
    (1, 1, "percent", 50.0),
    (0, 5, "percent", 0.0),                       # a share may be 0 ...
    (5, 0, "percent", 100.0),                     # ... or 100
    (17, 1, "students_per_teacher", 17.0),        # 生师比 17:1
    (1, 17, "students_per_teacher", 17.0),        # 师生比 1:17, the same reading
    (20, 1, "students_per_teacher", 20.0),
    (1, 1, "students_per_teacher", 1.0),
    (18.5, 1, "students_per_teacher", 18.5),
    (3, 2, "ratio", 1.5),                         # any non-percent unit: larger over smaller
    ("4.5", "5.5", "percent", 45.0),              # parts given as text are read as numbers
])
def test_ratio_to_value(a, b, unit, value):
    assert ratio_to_value(a, b, unit) == pytest.approx(value)


@pytest.mark.parametrize("a, b, unit, message", [
    (0, 0, "percent", "has no share"),
    (0, 0, "students_per_teacher", "is degenerate"),
    (17, 0, "students_per_teacher", "is degenerate"),
    (0, 17, "students_per_teacher", "is degenerate"),
    (-4.5, 5.5, "percent", "negative or non-finite"),
    (17, -1, "students_per_teacher", "negative or non-finite"),
    (math.inf, 1, "students_per_teacher", "negative or non-finite"),
    (math.nan, 1, "percent", "negative or non-finite"),
    (1e308, 1e-308, "students_per_teacher", "has no finite value"),  # overflow of the quotient
])
def test_ratio_without_a_value_raises_unit_error(a, b, unit, message):
    with pytest.raises(UnitError, match=message):
        ratio_to_value(a, b, unit)


def test_ratio_error_names_the_ratio_as_written():
    with pytest.raises(UnitError, match=r"ratio 17:0 is degenerate; expected two positive parts such as 1:20 or 17:1"):
        ratio_to_value(17, 0, "students_per_teacher")


@pytest.mark.parametrize("a, b, unit, reading", [
    (1, 20, "students_per_teacher", "1:20 read as 20 students per teacher (teachers written first)"),
    (1, 17.5, "students_per_teacher", "1:17.5 read as 17.5 students per teacher (teachers written first)"),
    (1.5, 30, "ratio", "1.5:30 read as 20 students per teacher (teachers written first)"),
    (20, 1, "students_per_teacher", None),        # written as read: nothing to say
    (1, 1, "students_per_teacher", None),
    (0, 5, "students_per_teacher", None),         # no value at all (ratio_to_value refuses it)
    (4.5, 5.5, "percent", None),                  # a share is never turned round
    (1, 20, "percent", None),
])
def test_ratio_reading_says_when_the_ratio_was_turned_round(a, b, unit, reading):
    assert ratio_reading(a, b, unit) == reading


def test_reading_and_value_agree():
    # the note states exactly the value ratio_to_value gives
    for a, b in [(1, 20), (1, 17.5), (2, 35), (0.5, 9)]:
        value = ratio_to_value(a, b, "students_per_teacher")
        assert ratio_reading(a, b, "students_per_teacher").startswith(f"{a:g}:{b:g} read as {value:g} students")

"""The unit table (src/indicators/units.py): lookup, conversion factors, written ratios, UnitError.

Values here are arithmetic on units (1万人 = 10,000 persons), not statistics.
"""

import math
import re

import pytest

from indicators.errors import IndicatorsError, UnitError
from indicators.units import (
    CANONICAL_UNITS, MAGNITUDES, UNIT_WORDS, Unit, WrittenUnit, conversion_factor, lookup_unit,
    ratio_reading, ratio_to_value, unit_of,
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
    assert lookup_unit(text) == WrittenUnit("万元", "money", 1e4)


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


# --- the Unit record: one per canonical unit ----------------------------------------------------

def _vocabulary_units() -> set[str]:
    """Every unit the bundled vocabulary (catalog/indicators.yaml) declares, read from the file."""
    import yaml

    from indicators.plans.catalog import CATALOG_DIR

    entries = yaml.safe_load((CATALOG_DIR / "indicators.yaml").read_text(encoding="utf-8"))
    return {e["unit"] for e in entries.values()}


@pytest.mark.parametrize("name", sorted(_vocabulary_units() | set(CANONICAL_UNITS)))
def test_every_unit_has_a_record_with_words_a_kind_and_a_format_in_both_languages(name):
    from indicators.words.explain import fmt_num, fmt_target

    u = CANONICAL_UNITS[name]            # a vocabulary unit without a record fails here
    assert u is unit_of(name) and u.name == name
    assert u.kind in {"share", "ratio", "count", "money", "area", "duration", "multiple"}
    assert u.model_scale in (None, "logit", "log") and u.decimals in (None, 0, 1, 2, 3)
    for lang in ("zh", "en"):
        # declared words, not the name shown for want of them (square_metres printed "12,000square_metres")
        assert u.words is not None and u.names is not None and u.names[lang].strip(), lang
        word = u.word(lang)
        assert word == "" or (word.startswith(" ") if lang == "en" else not re.search("[A-Za-z_]", word)), word
        shown = fmt_target(">=", 12000, name, lang)
        assert shown == "≥" + fmt_num(12000, name) + word and "_" not in shown, shown
    if u.step_words:
        assert u.decimals is not None and set(u.step_words) == {"zh", "en"}


def test_what_the_records_say_about_quantities():
    kinds = {name: u.kind for name, u in CANONICAL_UNITS.items()}
    assert [n for n, k in kinds.items() if k == "share"] == ["percent"]
    # money and counts move by relative growth; shares, ratios and durations by absolute steps
    assert {n for n, u in CANONICAL_UNITS.items() if u.relative} >= {n for n, k in kinds.items()
                                                                      if k in ("money", "count")}
    assert not any(CANONICAL_UNITS[n].relative for n in ("percent", "students_per_teacher", "ratio", "years"))
    # the scale a forecast is modelled on: logit keeps a share in 0-100, log keeps a ratio above 0
    assert {n: u.model_scale for n, u in CANONICAL_UNITS.items() if u.model_scale} == {
        "percent": "logit", "students_per_teacher": "log", "ratio": "log"}
    assert all(u.nonnegative for u in CANONICAL_UNITS.values())
    # a unit outside the table claims nothing: any sign, its own scale, its name as its word
    other = unit_of("index")
    assert (other.kind, other.nonnegative, other.relative, other.model_scale, other.word("en")) == (
        "other", False, False, None, "index")


def test_square_metres_reads_as_an_area_that_cannot_be_negative():
    # the regression: voc_school_floor_area's unit had no words and no floor at zero
    from indicators.forecast import ladder
    from indicators.words.explain import fmt_target

    assert fmt_target(">=", 12000, "square_metres", "zh") == "≥12,000平方米"
    assert fmt_target(">=", 12000, "square_metres", "en") == "≥12,000 square metres"
    years, falling = [2018, 2019, 2020, 2021], [4000.0, 3000.0, 2000.0, 1000.0]
    f = ladder.fit_forecast(years, falling, [2023], unit="square_metres")
    assert f.lower == 0.0 and f.interval(0.95)[0][0] == 0.0       # censored: the band stops at zero
    (g,) = ladder.fit_many([(years, falling)], ["square_metres"], [[2023]])
    assert g.lower == 0.0
    free = ladder.fit_forecast(years, falling, [2023], unit="index")  # a unit that may be negative
    assert free.lower is None and free.interval(0.95)[0][0] < 0


# --- adding a unit is one record -----------------------------------------------------------------

@pytest.fixture
def hectares(monkeypatch, tmp_path):
    """A test-only unit (one record) and a planner's vocabulary entry and plan that use it; the
    monkeypatch takes the record out again. The numbers are made up for the test."""
    import indicators
    from conftest import write_plan

    monkeypatch.setitem(CANONICAL_UNITS, "hectares", Unit(
        "hectares", "area_ha", 1.0, "area", nonnegative=True, words={"zh": "公顷", "en": " hectares"},
        names={"zh": "公顷", "en": "hectares"}))
    (tmp_path / "indicators.yaml").write_text(
        "test_green_area:\n  zh: 测试绿地面积\n  en: Test green area\n  unit: hectares\n"
        "  direction: higher_is_better\n", encoding="utf-8")
    write_plan(tmp_path, "green_2020", "测试区", "2023年测试绿地面积达到12。",
               [("test_green_area", 2023, "达到12", "2023年测试绿地面积达到12")],
               regions_yaml="测试区:\n  en: Test District\n  level: district\n  parent: 聊城市\n")
    return indicators.load_catalog([tmp_path], env=False)


def test_a_unit_added_as_one_record_is_worded_and_censored_everywhere(hectares):
    import pandas as pd

    from indicators.actuals.table import ACTUAL_COLUMNS
    from indicators.verdicts.assess import assess

    act = pd.DataFrame([dict.fromkeys(ACTUAL_COLUMNS) | {
        "region": "测试区", "indicator": "test_green_area", "definition": "standard", "year": y, "value": v,
        "unit": "hectares", "origin": "test", "file": "test"} for y, v in [(2019, 9.0), (2020, 6.0), (2021, 3.0)]],
        columns=ACTUAL_COLUMNS)
    act["year"] = act["year"].astype("int64")
    zh = assess(hectares, act, plan="green_2020", domain=None, lang="zh").iloc[0]
    en = assess(hectares, act, plan="green_2020", domain=None, lang="en").iloc[0]
    assert zh["explanation"].startswith("2023 目标 ≥12公顷"), zh["explanation"]
    assert en["explanation"].startswith("2023 target ≥12 hectares"), en["explanation"]
    # falling 3 a year from 3: the straight line is below zero by 2023, the band stops at zero
    assert zh["status"] == "off_track" and zh["lo95"] == 0.0 and zh["forecast"] >= 0
    # and to the report's chart: its title names the unit in the reader's language
    import matplotlib.pyplot as plt

    from indicators.reports.plots import plot_indicator

    for lang, word in (("zh", "公顷"), ("en", "hectares")):
        ax = plot_indicator(act.assign(definition="standard"), pd.DataFrame(columns=["year", "target", "status"]),
                            pd.DataFrame({"year": [2023], "value": [12.0], "clause": ["一"]}), pd.DataFrame(),
                            "测试绿地面积", "hectares", lang)
        assert word in ax.get_title(loc="left"), ax.get_title(loc="left")
        plt.close(ax.figure)

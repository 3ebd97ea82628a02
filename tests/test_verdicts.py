"""Verdicts a planner can trust: one test per thing a planner saw go wrong (issue "Verdicts").

Every series and plan here is made up by the test (synthetic), unless it says it reads the bundled
catalogue or the bundled published data.
"""

import math
import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import indicators
from indicators.forecast import ladder as fc
from indicators.forecast.distribution import P_LIMIT
from indicators.actuals.files import read_actuals_file
from indicators.actuals.load import load_actuals
from indicators.actuals.table import ACTUAL_COLUMNS
from indicators.verdicts.assess import assess
from indicators.rules import Thresholds
from indicators.cli.main import main
from indicators.words.explain import fmt_num, fmt_prob
from indicators.errors import SeriesError
from indicators.units import CANONICAL_UNITS, unit_of

from conftest import write_plan
from examples import examples

ALL_MODELS = ("naive", "drift", "linear", "weighted", "loglinear", "theta")


def _rows(region, indicator, pairs, unit, breakdown="", layer="planner"):
    return [dict.fromkeys(ACTUAL_COLUMNS) | {"region": region, "indicator": indicator, "definition": "standard",
                                              "breakdown": breakdown, "year": y, "value": v, "unit": unit,
                                              "origin": "test", "file": "test", "layer": layer} for y, v in pairs]


def _frame(*rows):
    f = pd.DataFrame([r for rs in rows for r in rs], columns=ACTUAL_COLUMNS)
    f["year"] = f["year"].astype("int64")
    f["value"] = f["value"].astype("float64")
    return f


# --- 1. intervals that respect what the quantity is ---------------------------------------------

def test_counts_never_go_negative():
    # a falling count with large moves: the old drift interval reached -86
    f = fc.fit_forecast([2019, 2020, 2021], [900.0, 300.0, 100.0], [2022, 2025], unit="count")
    lo, hi = f.interval(0.8)
    assert (lo >= 0).all() and (f.median >= 0).all() and (hi > lo).all()
    assert f.prob(2025, None, -1.0) == pytest.approx(P_LIMIT)  # nothing below zero
    assert f.cdf(2025, -1.0) == 0.0


def test_a_flat_past_is_not_certainty():
    f = fc.fit_forecast([2019, 2020, 2021], [0.0, 0.0, 0.0], [2023], unit="count")
    lo, hi = f.interval(0.8)
    assert hi[0] - lo[0] > 0.5  # the documented floor, not 3e-09
    p = f.prob(2023, 1.0, None)
    assert 0 < p < 1 and fmt_num(lo[0], "count") == "0"
    share = fc.fit_forecast([2019, 2020, 2021], [50.0, 50.0, 50.0], [2022], unit="percent")
    assert share.interval(0.8)[1][0] - share.interval(0.8)[0][0] > 0.5
    assert 0.001 <= share.prob(2022, 55.0, None) < 0.5


def test_missing_values_are_gaps_and_duplicate_years_are_errors():
    gap = fc.fit_forecast([2018, 2019, 2020, 2021], [10.0, np.nan, 12.0, 13.0], [2022], unit="count")
    same = fc.fit_forecast([2018, 2020, 2021], [10.0, 12.0, 13.0], [2022], unit="count")
    assert gap is not None and np.allclose(gap.median, same.median) and np.allclose(gap.scale, same.scale)
    assert gap.prob(2022, 100.0, None) < 0.01  # no NaN that reads as certainty
    with pytest.raises(SeriesError, match="year 2020"):
        fc.fit_forecast([2019, 2020, 2020], [1.0, 2.0, 2.0], [2022])


def test_a_planner_file_with_the_same_year_twice_is_an_error(tmp_path, catalog):
    f = tmp_path / "dup.csv"
    f.write_text("region,indicator,year,value\n茌平区,sec_voc_schools,2021,2\n茌平区,sec_voc_schools,2021,2\n",
                 encoding="utf-8")
    _, probs = read_actuals_file(f, catalog.vocabulary, catalog.regions)
    err = [p for p in probs if p.severity == "error"]
    assert len(err) == 1 and err[0].row == "2, 3" and err[0].column == "value"


histories = st.lists(st.floats(0, 5000, allow_nan=False), min_size=2, max_size=9)
shares = st.lists(st.floats(0, 100, allow_nan=False), min_size=2, max_size=9)


@pytest.mark.slow
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=histories,
       unit=st.sampled_from(sorted(n for n, u in CANONICAL_UNITS.items() if u.nonnegative and not u.is_share)), model=st.sampled_from(ALL_MODELS + (None,)))
def test_property_nonnegative_quantities_stay_nonnegative(values, unit, model):
    years = list(range(2025 - len(values), 2025))
    f = fc.fit_forecast(years, values, [2025, 2027], unit=unit, model=model)
    if f is None:
        return
    lo, hi = f.interval(0.8)
    assert np.all(lo >= 0) and np.all(hi >= lo) and np.all(hi - lo > 0)
    assert np.all(np.isfinite(f.median)) and np.all(f.median >= 0)
    p = f.prob(2027, max(values) * 1.5 + 1, None)
    assert P_LIMIT <= p <= 1 - P_LIMIT


@pytest.mark.slow
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=shares, model=st.sampled_from(ALL_MODELS + (None,)))
def test_property_shares_stay_within_0_100(values, model):
    years = list(range(2025 - len(values), 2025))
    f = fc.fit_forecast(years, values, [2025, 2028], unit="percent", model=model)
    if f is None:
        return
    lo, hi = f.interval(0.95)
    assert np.all(lo >= 0) and np.all(hi <= 100) and np.all(hi - lo > 0)
    assert P_LIMIT <= f.prob(2028, 50.0, None) <= 1 - P_LIMIT


def _proxy_plan(tmp_path, indicator, written, quote, year=2022):
    write_plan(tmp_path, "proxy_2020", "代理区", quote, [(indicator, year, written, quote)],
               regions_yaml="代理区:\n  en: Proxy District\n  level: district\n  parent: 聊城市\n")
    return indicators.load_catalog([tmp_path], env=False)


@pytest.mark.slow
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(child=st.floats(0, 100), parent=st.lists(st.floats(1, 99), min_size=2, max_size=6))
def test_property_the_proxy_path_keeps_shares_within_0_100(tmp_path_factory, child, parent):
    cat = _proxy_plan(tmp_path_factory.mktemp("p"), "sec_voc_dual_qualified_teacher_share", "达到95.4%",
                      "2022年双师型教师比例达到95.4%")
    years = list(range(2020 - len(parent) + 1, 2021))
    act = _frame(_rows("代理区", "sec_voc_dual_qualified_teacher_share", [(2020, child)], "percent"),
                 _rows("聊城市", "sec_voc_dual_qualified_teacher_share", list(zip(years, parent)), "percent"))
    r = assess(cat, act, plan="proxy_2020", as_of=2020).iloc[0]
    if r["status_detail"].startswith("proxy"):
        assert 0 <= r["lo95"] <= r["forecast"] <= r["hi95"] <= 100 and r["hi80"] > r["lo80"]


def test_the_proxy_share_seen_by_planners_stays_below_100(tmp_path):
    # the 茌平区 case: a 91.3% baseline carried along a rising parent share used to reach 120%
    cat = _proxy_plan(tmp_path, "sec_voc_dual_qualified_teacher_share", "达到95.4%", "2022年双师型教师比例达到95.4%")
    act = _frame(_rows("代理区", "sec_voc_dual_qualified_teacher_share", [(2019, 91.3)], "percent"),
                 _rows("聊城市", "sec_voc_dual_qualified_teacher_share", [(2017, 30.0), (2018, 38.0), (2019, 46.0)],
                       "percent"))
    r = assess(cat, act, plan="proxy_2020", as_of=2019).iloc[0]
    assert r["proxy_region"] == "聊城市" and r["hi80"] < 100 and r["hi95"] < 100


def test_ratios_stay_above_zero_on_the_proxy_path(tmp_path):
    cat = _proxy_plan(tmp_path, "sec_voc_student_teacher_ratio", "20:1", "2022年生师比20:1")
    act = _frame(_rows("代理区", "sec_voc_student_teacher_ratio", [(2019, 3.0)], "students_per_teacher"),
                 _rows("聊城市", "sec_voc_student_teacher_ratio", [(2017, 30.0), (2018, 20.0), (2019, 11.0)],
                       "students_per_teacher"))
    r = assess(cat, act, plan="proxy_2020", as_of=2019).iloc[0]
    assert r["proxy_region"] == "聊城市" and r["lo95"] > 0


# --- 2. the plan's definition -----------------------------------------------------------------

def _national_plan(tmp_path, issued="2010-07-29", definition=None):
    # a synthetic source that states the 纲要's 2015 figure; the text is written by the test
    text = "到2015年，中等职业教育在校生达到2250万人。"
    (tmp_path / "src.txt").write_text(text, encoding="utf-8")
    extra = f"\n          definition: {definition}" if definition else ""
    (tmp_path / "nat_2010.yaml").write_text(textwrap.dedent(f"""
        plan:
          id: nat_2010
          title_zh: 测试纲要
          title_en: Test outline
          region: 全国
          level: national
          issuer: null
          document_number: null
          issued: {issued}
          source: src.txt
          period: [2010, 2020]
          domain: vocational{extra}
        targets:
          - indicator: sec_voc_students
            year: 2015
            written: 达到2250万人
            kind: target
            clause: 一
            quote: 中等职业教育在校生达到2250万人
        """), encoding="utf-8")
    return indicators.load_catalog([tmp_path], env=False)


@pytest.mark.slow
def test_a_pre_2021_national_target_is_judged_on_the_series_with_technician_schools(tmp_path):
    cat = _national_plan(tmp_path)
    act = load_actuals([], catalog=cat)  # the bundled published data
    r = assess(cat, act, plan="nat_2010", as_of=2014).iloc[0]
    incl = act.frame[(act.frame["region"] == "全国") & (act.frame["indicator"] == "sec_voc_students")
                     & (act.frame["definition"] == "incl_technician") & (act.frame["year"] == 2014)]
    assert r["definition"] == "incl_technician"
    assert r["latest_year"] == 2014 and r["latest_value"] == pytest.approx(float(incl["value"].iloc[0]))
    assert "including technician schools" in r["explanation_en"] and "含技工学校口径" in r["explanation_zh"]
    # a plan issued after the break is judged without them; a declared definition wins over both
    later = assess(_national_plan(tmp_path, issued="2022-01-01"), act, plan="nat_2010", as_of=2014).iloc[0]
    assert later["definition"] == "excl_technician"
    declared = assess(_national_plan(tmp_path, definition="excl_technician"), act, plan="nat_2010", as_of=2014)
    assert declared.iloc[0]["definition"] == "excl_technician"


# --- 3. breakdowns ----------------------------------------------------------------------------

@pytest.mark.slow
def test_a_total_never_decides_a_breakdown_target(tmp_path, catalog, capsys):
    # made-up planner values: the district's total number of majors, no breakdown
    total = tmp_path / "total.csv"
    total.write_text("region,indicator,year,value\n" + "".join(f"茌平区,sec_voc_major_points,{y},7\n"
                                                                for y in (2019, 2020, 2021, 2022)), encoding="utf-8")
    act = load_actuals([total], catalog=catalog)
    a = assess(catalog, act, region="茌平区")
    majors = a[a["indicator"] == "sec_voc_major_points"]
    assert len(majors) and (majors["breakdown"] != "").all()
    assert not majors["status"].isin(["met", "missed"]).any()
    # a value for the breakdown itself decides it (long layout, breakdown column)
    one = tmp_path / "one.csv"
    one.write_text("region,indicator,breakdown,year,value\n茌平区,sec_voc_major_points,新一代信息技术,2020,1\n",
                   encoding="utf-8")
    b = assess(catalog, load_actuals([one], catalog=catalog), region="茌平区")
    hit = b[(b["indicator"] == "sec_voc_major_points") & (b["breakdown"] == "新一代信息技术") & (b["year"] == 2020)]
    assert hit["status"].tolist() == ["met"]
    assert "新一代信息技术" in hit["explanation_zh"].iloc[0]


@pytest.mark.slow
def test_the_report_shows_the_breakdown(catalog):
    from indicators.reports.region import RegionReport

    act = load_actuals([], catalog=catalog)
    a = assess(catalog, act, region="茌平区")
    html = RegionReport("茌平区", catalog, act, a, None, "zh", "vocational").risk_table_html()
    assert "（新一代信息技术）" in html and "（高端装备）" in html


# --- 4. repeats -------------------------------------------------------------------------------

@pytest.mark.slow
def test_repeats_count_once_and_cite_every_clause(catalog):
    from indicators.reports.region import RegionReport

    act = load_actuals([], catalog=catalog)
    a = assess(catalog, act, region="环翠区")
    assert len(a) == 5  # 9 catalogue rows: 4 targets written in the body and again in the task list
    rep = RegionReport("环翠区", catalog, act, a, None, "zh", "vocational")
    assert rep.target_years() == 5 and "5 个目标年份" in rep.headline_html()
    row = a[a["indicator"] == "city_level_model_apprenticeship_bases"].iloc[0]
    assert "（三）" in row["clause"] and "第6项" in row["clause"] and row["variants"] == 1


@pytest.mark.slow
def test_conflicting_values_keep_their_own_rows(catalog):
    act = load_actuals([], catalog=catalog)
    a = assess(catalog, act, region="茌平区")
    dual = a[(a["indicator"] == "voc_dual_qualified_teacher_share") & (a["year"] == 2022)]
    assert len(dual) >= 2 and (dual["variants"] == len(dual)).all() and dual["target"].nunique() == len(dual)


# --- 5. sentences that agree with their verdict -------------------------------------------------

def test_probability_rounding_keeps_the_side_of_the_threshold():
    assert fmt_prob(0.6956) == "69.6%" and Thresholds().status(0.6956) == "at_risk"
    assert fmt_prob(0.7) == "70%" and fmt_prob(0.2996) == "29.96%"
    assert fmt_prob(0.004) == "<1%" and fmt_prob(0.9999) == ">99%" and fmt_prob(0.5) == "50%"
    for p in np.linspace(0.005, 0.995, 991):
        shown = fmt_prob(p)
        if shown[0] not in "<>":
            assert Thresholds().status(float(shown.rstrip("%")) / 100) == Thresholds().status(p), (p, shown)
    # other thresholds keep their own sides; None: a probability that decides no status
    assert fmt_prob(0.6956, Thresholds(0.8, 0.5)) == "70%" and fmt_prob(0.7996, Thresholds(0.8, 0.5)) == "79.96%"
    assert fmt_prob(0.6956, None) == "70%"
    assert Thresholds().between(0.6956, 0.70) == 0.7 and Thresholds().between(0.65, 0.66) is None


def _assess_one(tmp_path, indicator, written, quote, pairs, unit, year=2023, as_of=2021):
    write_plan(tmp_path, "one_2020", "测试区", quote, [(indicator, year, written, quote)],
               regions_yaml="测试区:\n  en: Test District\n  level: district\n  parent: 聊城市\n")
    cat = indicators.load_catalog([tmp_path], env=False)
    return assess(cat, _frame(_rows("测试区", indicator, pairs, unit)), plan="one_2020", as_of=as_of).iloc[0]


def test_a_target_already_met_gets_no_plausibility_note(tmp_path):
    # made-up: the share is already far above the 45% floor and falling fast
    r = _assess_one(tmp_path, "voc_share_of_senior_secondary_enrollment", "达到45%以上", "2023年职普比达到45%以上",
                    [(2019, 80.0), (2020, 70.0), (2021, 60.0)], "percent")
    assert not r["plausibility"] and "所需速度超过" not in r["explanation_zh"]
    assert "已达到目标水平" in r["explanation_zh"] and "需每年 −" not in r["explanation_zh"]


def test_pace_and_forecast_disagreeing_say_why(tmp_path):
    # made-up: compound growth of 300% a year over the window, but the linear drift is far slower
    r = _assess_one(tmp_path, "training_person_days", "16000人日", "2023年培训规模16000人日",
                    [(2017, 10.0), (2018, 10.0), (2019, 10.0), (2020, 10.0), (2021, 2560.0)], "person_days")
    assert r["pace_category"] == "sufficient" and r["status"] in ("at_risk", "off_track")
    assert "forecast model" in r["explanation_en"] and "预测" in r["explanation_zh"].split("过去每年")[1]


def test_the_tolerance_band_is_stated_where_it_decides(tmp_path):
    r = _assess_one(tmp_path, "voc_share_of_senior_secondary_enrollment", "45%", "2023年职普比45%",
                    [(2019, 44.0), (2020, 44.1), (2021, 44.1)], "percent")
    assert r["comparator"] == "==" and r["tolerance_used"] == 2.0
    assert "±2.0" in r["explanation_zh"] and "43.0%–47.0%" in r["explanation_zh"]
    assert "met within ±2.0 points: 43.0%–47.0%" in r["explanation_en"]


def test_a_planned_ratio_judged_as_a_ceiling_says_so(tmp_path):
    # made-up: a plan's table plans the ratio up to 17 while the actuals stay near 11; lower is better,
    # so 11 meets it, and the sentence must say why a forecast far below the number is "met"
    r = _assess_one(tmp_path, "sec_voc_student_teacher_ratio", "17:1", "2023年中职学校生师比17:1",
                    [(2019, 11.0), (2020, 11.2), (2021, 10.9)], "students_per_teacher")
    assert r["comparator"] == "==" and r["meet_high"] == 17.0 and pd.isna(r["meet_low"])
    assert "17生/师（计划值；不高于即视为达标）：" in r["explanation_zh"]
    assert "(a planned value; at or below it counts as met)" in r["explanation_en"]
    # the same indicator with the comparator written out, and a planned count judged as a floor, read as
    # meant and are not glossed
    for sub in ("le", "ge"):
        (tmp_path / sub).mkdir()
    r = _assess_one(tmp_path / "le", "sec_voc_student_teacher_ratio", "不高于17:1", "2023年中职学校生师比不高于17:1",
                    [(2019, 11.0), (2020, 11.2), (2021, 10.9)], "students_per_teacher")
    assert r["comparator"] == "<=" and "≤17生/师：" in r["explanation_zh"] and "计划值" not in r["explanation_zh"]
    r = _assess_one(tmp_path / "ge", "onsite_training_bases", "10个", "2023年校内实训基地10个",
                    [(2019, 4.0), (2020, 5.0), (2021, 6.0)], "count")
    assert r["comparator"] == "==" and "计划值" not in r["explanation_zh"]


def test_no_scientific_notation_in_any_sentence(tmp_path):
    r = _assess_one(tmp_path, "onsite_training_bases", "10个", "2023年校内实训基地10个",
                    [(2019, 0.0), (2020, 0.0), (2021, 0.0)], "count")
    assert 0 < r["p_meet"] < 1
    for s in (r["explanation_zh"], r["explanation_en"]):
        assert "e-0" not in s and "e+" not in s and "nan" not in s.lower()


# --- 6. nothing silently dropped --------------------------------------------------------------

@pytest.mark.slow
def test_region_arguments_are_trimmed_and_resolved(capsys):
    for typed in ("环翠", "环翠区 ", "威海市环翠区", "Huancui District"):
        assert main(["assess", "--region", typed, "--format", "csv"]) == 0
        out = capsys.readouterr()
        assert out.out.count("\n") == 6, typed  # header + 5 verdicts
    assert main(["assess", "--region", "环翠县"]) == 1
    assert "环翠区" in capsys.readouterr().err  # the closest name is suggested
    assert main(["targets", "--region", "Nowhere"]) == 1


@pytest.mark.slow
def test_unmatched_planner_rows_are_named(tmp_path, capsys):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"  # Excel's default: not a region
    ws.append(["指标", "2020年"])
    ws.append(["中职学校数量（个）", 3])  # made-up value
    wb.save(tmp_path / "f.xlsx")
    long = tmp_path / "g.csv"
    long.write_text("region,indicator,year,value\n茌平,sec_voc_schools,2021,2\n", encoding="utf-8")
    assert main(["assess", "--region", "茌平区", "--actuals", str(tmp_path / "f.xlsx"), "--actuals", str(long),
                 "--format", "csv"]) == 0
    err = capsys.readouterr().err
    assert "Sheet1" in err and "--input-region" in err
    assert "'茌平'" in err and "did you mean 茌平区" in err
    assert main(["validate", str(long)]) == 0
    assert "是否为 茌平区？" in capsys.readouterr().out
    assert main(["validate", str(long), "--lang", "en"]) == 0
    assert "did you mean 茌平区" in capsys.readouterr().out


@pytest.mark.slow
def test_notebook_parameters_win_over_a_precomputed_context(tmp_path):
    from indicators.reports.context import build_context, region_report, save_context

    ctx = build_context()
    save_context(ctx, tmp_path / "ctx.pickle")
    strict = region_report("茌平区", on_track=0.99, at_risk=0.98, context=str(tmp_path / "ctx.pickle"))
    loose = region_report("茌平区", context=str(tmp_path / "ctx.pickle"))
    judged = loose.assessment["status"].isin(["on_track", "at_risk", "off_track"])
    th = Thresholds(0.99, 0.98)
    expected = [th.status(p) for p in strict.assessment.loc[judged, "p_meet"]]
    assert strict.assessment.loc[judged, "status"].tolist() == expected
    assert (strict.assessment.loc[judged, "status"] != loose.assessment.loc[judged, "status"]).any()


# --- 7. headline date -------------------------------------------------------------------------

@pytest.mark.slow
def test_the_headline_gives_the_regions_own_data_year(catalog):
    from indicators.reports.region import RegionReport

    act = load_actuals([], catalog=catalog)
    a = assess(catalog, act, region="茌平区")
    rep = RegionReport("茌平区", catalog, act, a, 2025, "zh", "vocational")
    assert rep.data_year() == 2019 and "本地实际数据截至 2019 年" in rep.headline_html()
    assert "2025" not in rep.headline_html()


# --- 8. one home for the rules behind these -----------------------------------------------------

def test_a_ratio_with_a_zero_side_is_a_clear_error(tmp_path, catalog):
    write_plan(tmp_path, "zero_2020", "茌平区", "2022年生师比5:0", [("sec_voc_student_teacher_ratio", 2022, "5:0",
                                                                     "2022年生师比5:0")])
    with pytest.raises(indicators.CatalogError, match="5:0"):
        indicators.load_catalog([tmp_path], env=False)
    f = tmp_path / "a.csv"
    f.write_text("region,indicator,year,value\n茌平区,sec_voc_student_teacher_ratio,2020,5:0\n", encoding="utf-8")
    frame, probs = read_actuals_file(f, catalog.vocabulary, catalog.regions)
    assert frame.empty and [p.row for p in probs if p.severity == "error"] == [2]


@pytest.mark.slow
def test_provenance_has_its_own_column(tmp_path, catalog):
    f = tmp_path / "a.csv"
    f.write_text("region,indicator,year,value\n茌平区,sec_voc_schools,2021,2\n", encoding="utf-8")
    act = load_actuals([f], catalog=catalog).frame
    mine = act[(act["region"] == "茌平区") & (act["indicator"] == "sec_voc_schools")]
    assert set(mine["layer"]) == {"baseline", "planner"} and "plan" not in set(act["definition"])
    assert set(act["layer"]) <= {"bundled", "derived", "baseline", "planner"}


# --- done when: nothing impossible in the bundled assessment ------------------------------------

@pytest.mark.slow
def test_the_bundled_assessment_has_no_impossible_number(catalog, tmp_path):
    f = tmp_path / "p.csv"  # made-up planner values for two districts, as in the tests of the template
    f.write_text("region,indicator,year,value\n" + "".join(
        f"{r},{k},{y},{v}\n" for r in ("茌平区", "环翠区") for k, y, v in [
            ("sec_voc_schools", 2020, 2), ("sec_voc_schools", 2021, 1), ("training_person_days", 2020, 900),
            ("training_person_days", 2021, 200), ("voc_dual_qualified_teacher_share", 2020, 40),
            ("voc_dual_qualified_teacher_share", 2021, 99)]), encoding="utf-8")
    for files in ([], [f]):
        act = load_actuals(files, catalog=catalog)
        a = assess(catalog, act, domain=None)
        fcst = a[a["forecast"].notna()]
        assert len(fcst)
        nonneg = fcst["unit"].map(lambda u: unit_of(u).nonnegative).astype(bool)
        assert (fcst.loc[nonneg, "lo95"] >= 0).all()
        share = fcst["unit"].map(lambda u: unit_of(u).is_share).astype(bool)
        assert ((fcst.loc[share, "lo95"] >= 0) & (fcst.loc[share, "hi95"] <= 100)).all()
        assert (fcst["hi80"] > fcst["lo80"]).all()
        assert ((fcst["p_meet"] > 0) & (fcst["p_meet"] < 1)).all()
        for s in pd.concat([a["explanation_zh"], a["explanation_en"]]):
            assert not any(bad in s for bad in ("e-0", "e+", "nan", "inf")), s
        assert not math.isnan(a["variants"].astype(float).min())


@pytest.mark.slow
def test_undated_targets_and_rules_are_in_the_report(catalog):
    from indicators.reports.region import RegionReport

    act = load_actuals([], catalog=catalog)
    rep = RegionReport("环翠区", catalog, act, assess(catalog, act, region="环翠区"), None, "zh", "vocational")
    html = rep.risk_table_html()
    assert "没有年份的目标和常设规则" in html and "规模以上企业按职工总数安排学生实习岗位的比例" in html
    assert "nan" not in html


def test_an_override_of_a_bundled_key_is_listed_by_check_plans(tmp_path):
    from indicators.plans.checks import check_plans

    (tmp_path / "indicators.yaml").write_text(
        "sec_voc_schools:\n  zh: 中职学校数量\n  en: Secondary vocational schools\n  unit: count\n"
        "  direction: lower_is_better\n  override: true\n", encoding="utf-8")
    write_plan(tmp_path, "ov_2020", "茌平区", "2022年中职学校2所", [("sec_voc_schools", 2022, "2所", "2022年中职学校2所")])
    found = check_plans(indicators.load_catalog([tmp_path], env=False))
    row = found[found["check"] == "override"]
    assert row["indicator"].tolist() == ["sec_voc_schools"] and "direction" in row["detail"].iloc[0]

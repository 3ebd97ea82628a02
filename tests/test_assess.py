"""Risk formulas pinned to hand-worked numbers, on synthetic series built in the tests."""

import math

import numpy as np
import pandas as pd
import pytest

from indicators.forecast import calibration

import indicators
from indicators.forecast import ladder as fc
from indicators.forecast.distribution import P_LIMIT
from indicators.forecast import models
from indicators.actuals.table import ACTUAL_COLUMNS
from indicators.verdicts.assess import assess, pace
from indicators.rules import meets_interval
from indicators.rules import Thresholds

from conftest import write_plan


# --- how a target is read --------------------------------------------------------------------

def test_meets_interval_reads_comparator_through_direction():
    assert meets_interval(45, ">=", "planned", "percent") == (45, None)
    assert meets_interval(20, "<=", "higher_is_better", "students_per_teacher") == (None, 20)
    # a plain 20:1 for a student-teacher ratio is a ceiling; 70% dual-qualified is a floor
    assert meets_interval(20, "==", "lower_is_better", "students_per_teacher") == (None, 20)
    assert meets_interval(70, "==", "higher_is_better", "percent") == (70, None)
    # planned and approximate values: within the stated tolerance, else the documented default
    assert meets_interval(50, "~", "planned", "percent", tolerance=5) == (45, 55)
    assert meets_interval(50, "==", "planned", "percent") == (48, 52)          # 2 points for shares
    assert meets_interval(1000, "~", "higher_is_better", "count") == (950, 1050)  # 5% otherwise
    assert meets_interval(1, "==", "planned", "count", value_high=2, tolerance=0) == (1, 2)


def test_status_thresholds():
    th = Thresholds()
    assert [th.status(p) for p in (0.7, 0.69, 0.3, 0.29)] == ["on_track", "at_risk", "at_risk", "off_track"]
    assert Thresholds(0.9, 0.5).status(0.8) == "at_risk"


# --- pace -------------------------------------------------------------------------------------

def test_pace_absolute_hand_worked():
    t, y = np.array([2018.0, 2019, 2020]), np.array([40.0, 42, 44])
    p = pace(t, y, target=50, target_year=2023, relative=False)
    assert p["required_change"] == pytest.approx((50 - 44) / 3)      # 2.0 points a year
    assert p["historical_change"] == pytest.approx((44 - 40) / 2)    # 2.0 points a year
    assert p["pace_ratio"] == pytest.approx(1.0) and p["pace_category"] == "sufficient"
    assert p["anticipated_progress"] == pytest.approx(1.0)           # the trend closes the whole gap
    assert (p["reach_year"], p["years_late"]) == (2023, 0)


def test_pace_relative_uses_compound_growth():
    t, y = np.array([2018.0, 2019, 2020]), np.array([100.0, 110, 121])
    p = pace(t, y, target=200, target_year=2025, relative=True)
    assert p["historical_change"] == pytest.approx(10.0)                             # 10% a year
    assert p["required_change"] == pytest.approx(((200 / 121) ** (1 / 5) - 1) * 100)  # 10.58% a year
    assert p["pace_ratio"] == pytest.approx(10.0 / (((200 / 121) ** 0.2 - 1) * 100))
    assert p["pace_category"] == "moderate"                                          # 0.945


def test_pace_wrong_direction_and_late():
    t, y = np.array([2018.0, 2019, 2020]), np.array([44.0, 42, 40])
    p = pace(t, y, target=50, target_year=2022, relative=False)
    assert p["pace_category"] == "wrong_direction" and p["pace_ratio"] < 0
    assert p["reach_year"] is None and p["years_late"] is None
    slow = pace(t, np.array([40.0, 41, 42]), target=50, target_year=2022, relative=False)
    assert slow["reach_year"] == 2020 + 8 and slow["years_late"] == 6              # +1 a year, 8 to go


def test_pace_uses_last_five_years_only():
    t = np.arange(2010.0, 2021)
    y = np.r_[np.full(5, 0.0), np.linspace(10, 20, 6)]  # flat, then +2 a year from 2015
    p = pace(t, y, target=30, target_year=2025, relative=False)
    assert p["historical_change"] == pytest.approx(2.0)


# --- forecasts --------------------------------------------------------------------------------

def test_drift_interval_closed_form():
    f = fc.fit_forecast([2019, 2020, 2021], [10.0, 12, 15], [2022], unit="count", model="drift")
    # slope (15-10)/2 = 2.5; residual variance ((2-2.5)^2 + (3-2.5)^2)/1 = 0.5; sd = sqrt(0.5 * 1 * (1 + 1/2)),
    # floored at the random walk's sd sqrt(mean(2^2, 3^2) * 1) = sqrt(6.5); Student-t with 2 df (two changes)
    sd = max(math.sqrt(0.5 * 1.5), math.sqrt(6.5))
    lo, hi = f.interval(0.8)
    assert f.median[0] == pytest.approx(17.5) and f.df == 2
    assert (lo[0], hi[0]) == pytest.approx((17.5 - 1.885618 * sd, 17.5 + 1.885618 * sd), rel=1e-5)


def test_naive_interval_grows_with_sqrt_h():
    f = fc.fit_forecast([2019, 2020, 2021], [10.0, 12, 10], [2022, 2025], unit="count", model="naive")
    assert f.median.tolist() == [10.0, 10.0]
    assert f.scale[1] / f.scale[0] == pytest.approx(2.0)   # sqrt(4) / sqrt(1)
    assert f.scale[0] == pytest.approx(2.0)                # sqrt(mean(2^2, 2^2))


def test_recency_weights_change_the_trend_and_its_interval():
    t = np.arange(2015.0, 2022)[None, :]
    z = np.array([[3.0, 3.4, 3.9, 4.1, 4.8, 5.0, 5.7]])
    h = np.array([[2.0, 4.0]])
    loc_o, sc_o, _ = models.MODELS["linear"].fit(t, z, h)
    # recency weights pull the line towards the last points and change the interval
    loc_r, sc_r, _ = models.MODELS["weighted"].fit(t, z, h)
    assert not np.allclose(sc_r, sc_o) and not np.allclose(loc_r, loc_o)


def test_shares_stay_inside_bounds():
    f = fc.fit_forecast(range(2015, 2022), [90, 93, 95, 96.5, 97.8, 98.6, 99.1], [2025, 2030], unit="percent")
    lo, hi = f.interval(0.95)
    assert f.transform == "logit"
    assert (lo > 0).all() and (hi < 100).all() and (f.median < 100).all()


def test_one_point_gives_no_forecast():
    assert fc.fit_forecast([2019], [11.0], [2022]) is None


def test_probability_from_the_distribution():
    f = fc.fit_forecast([2019, 2020, 2021], [10.0, 12, 15], [2022], unit="count", model="drift")
    assert f.prob(2022, 17.5, None) == pytest.approx(0.5)
    assert f.prob(2022, None, 17.5) == pytest.approx(0.5)
    # Student-t with 2 df (two changes seen): heavy tails, so 10 is not certain; a count is >= 0 for sure
    assert 0.9 < f.prob(2022, 10, None) < f.prob(2022, 0, None) == 1 - P_LIMIT


# --- assess end to end, on a synthetic plan and synthetic actuals -----------------------------

def _synthetic(tmp_path):
    """A plan for a made-up district under 聊城市, written by the test (no real source has it)."""
    text = ("到2022年职普比达到45%以上；2022年双师型教师比例达到70%；2021年生师比20:1；"
            "2022年培训规模10000人日；2022年校内实训基地10个。")
    items = [("voc_share_of_senior_secondary_enrollment", 2022, "达到45%以上", "到2022年职普比达到45%以上"),
             ("sec_voc_dual_qualified_teacher_share", 2022, "达到70%", "2022年双师型教师比例达到70%"),
             ("sec_voc_student_teacher_ratio", 2021, "20:1", "2021年生师比20:1"),
             ("training_person_days", 2022, "10000人日", "2022年培训规模10000人日"),
             ("onsite_training_bases", 2022, "10个", "2022年校内实训基地10个")]
    write_plan(tmp_path, "test_2020", "测试区", text, items,
               regions_yaml="测试区:\n  en: Test District\n  level: district\n  parent: 聊城市\n")
    cat = indicators.load_catalog([tmp_path], env=False)

    def rows(region, indicator, pairs, unit):
        return [dict.fromkeys(ACTUAL_COLUMNS) | {"region": region, "indicator": indicator, "definition": "standard",
                                                  "year": y, "value": v, "unit": unit, "origin": "test",
                                                  "file": "test"} for y, v in pairs]

    act = pd.DataFrame(
        rows("测试区", "voc_share_of_senior_secondary_enrollment", [(2019, 40.0), (2020, 42.0), (2021, 44.0)], "percent")
        + rows("测试区", "sec_voc_dual_qualified_teacher_share", [(2020, 50.0), (2021, 52.0)], "percent")
        + rows("测试区", "sec_voc_student_teacher_ratio", [(2019, 17.0), (2020, 18.0), (2021, 19.0)],
               "students_per_teacher")
        + rows("测试区", "training_person_days", [(2021, 5000.0)], "person_days")
        + rows("聊城市", "training_person_days", [(2019, 100.0), (2020, 110.0), (2021, 121.0)], "person_days"),
        columns=ACTUAL_COLUMNS)
    act["year"] = act["year"].astype("int64")
    return cat, act


def test_assess_statuses_on_synthetic_data(tmp_path):
    cat, act = _synthetic(tmp_path)
    r = assess(cat, act, plan="test_2020").set_index("indicator")
    # an actual for the target year decides; 19 <= 20:1 ceiling
    assert r.loc["sec_voc_student_teacher_ratio", "status"] == "met"
    # +2 points a year from 44 gives 46 in 2022, above 45: more likely than not
    share = r.loc["voc_share_of_senior_secondary_enrollment"]
    # (the calibrated median: the drift's 46, moved toward 44 as far as past trends fell short of theirs)
    assert share["status_detail"] == "forecast" and share["p_meet"] > 0.5 and 44 < share["forecast"] <= 46
    # 52% rising 2 a year cannot reach 70% next year
    dual = r.loc["sec_voc_dual_qualified_teacher_share"]
    assert dual["status"] == "off_track" and dual["pace_category"] == "insufficient"
    # one local point: carried along the parent's +10% a year: 5000 * 1.1 = 5500, far below 10000
    prox = r.loc["training_person_days"]
    assert prox["status_detail"].startswith("proxy") and prox["proxy_region"] == "聊城市"
    # (calibrated: provinces followed the nation's trend only in part, so below 5500)
    assert 5000 < prox["forecast"] <= 5500 and prox["status"] == "off_track"
    assert "聊城市" in prox["explanation"]
    assert r.loc["onsite_training_bases", "status"] == "insufficient_data"


def test_as_of_replays_what_was_knowable(tmp_path):
    cat, act = _synthetic(tmp_path)
    r = assess(cat, act, plan="test_2020", as_of=2020).set_index("indicator")
    # in 2020 the 2021 ratio was not yet known: it is forecast, not met
    assert r.loc["sec_voc_student_teacher_ratio", "status_detail"] == "forecast"
    assert r.loc["sec_voc_student_teacher_ratio", "latest_year"] == 2020


def test_explanations_in_both_languages_and_determinism(tmp_path):
    cat, act = _synthetic(tmp_path)
    zh = assess(cat, act, plan="test_2020", lang="zh")
    en = assess(cat, act, plan="test_2020", lang="en")
    share_zh = zh[zh["indicator"] == "voc_share_of_senior_secondary_enrollment"]["explanation"].iloc[0]
    share_en = en[en["indicator"] == "voc_share_of_senior_secondary_enrollment"]["explanation"].iloc[0]
    assert share_zh.startswith("2022 目标 ≥45.0%") and "达标概率" in share_zh and "+2.0 个百分点" in share_zh
    assert share_en.startswith("2022 target ≥45.0%") and "chance of meeting it" in share_en
    assert zh.drop(columns="explanation").to_csv() == en.drop(columns="explanation").to_csv()
    assert assess(cat, act, plan="test_2020").to_csv() == zh.to_csv()


def test_trend_intervals_are_never_narrower_than_the_random_walk():
    # a near-perfect line: OLS alone would give a needle-thin interval (synthetic series)
    t = np.arange(2015, 2022)
    y = 10 + 2.0 * (t - 2015) + np.array([0, 0.01, -0.01, 0, 0.01, 0, -0.01])
    years = [2023, 2025]
    rw = fc.fit_forecast(t, y, years, unit="count", model="naive")
    for model in ("linear", "weighted"):
        f = fc.fit_forecast(t, y, years, unit="count", model=model)
        assert np.all(f.scale >= rw.scale - 1e-12)
        assert f.median[0] == pytest.approx(10 + 2.0 * 8, abs=0.05)  # point forecast unchanged by the floor


def test_proxy_interpolates_the_parent_and_skips_small_counts(tmp_path):
    # made-up plan and series: the district has one point (2019), its parent none in 2019 itself
    text = "到2022年双师型教师比例达到55%；2022年学校2所。"
    write_plan(tmp_path, "p_2020", "测试区", text,
               [("sec_voc_dual_qualified_teacher_share", 2022, "达到55%", "到2022年双师型教师比例达到55%"),
                ("sec_voc_schools", 2022, "2所", "2022年学校2所")],
               regions_yaml="测试区:\n  en: Test District\n  level: district\n  parent: 聊城市\n")
    cat = indicators.load_catalog([tmp_path], env=False)

    def row(region, indicator, year, value):
        return dict.fromkeys(ACTUAL_COLUMNS) | {"region": region, "indicator": indicator, "definition": "standard",
                                                "year": year, "value": value, "origin": "test", "file": "test"}

    act = pd.DataFrame([row("测试区", "sec_voc_dual_qualified_teacher_share", 2019, 50.0),
                        row("聊城市", "sec_voc_dual_qualified_teacher_share", 2017, 40.0),
                        row("聊城市", "sec_voc_dual_qualified_teacher_share", 2021, 48.0),
                        row("测试区", "sec_voc_schools", 2019, 1.0),
                        row("聊城市", "sec_voc_schools", 2017, 100.0),
                        row("聊城市", "sec_voc_schools", 2021, 110.0)], columns=ACTUAL_COLUMNS)
    act["year"] = act["year"].astype("int64")
    r = assess(cat, act, plan="p_2020", as_of=2021).set_index("indicator")
    share = r.loc["sec_voc_dual_qualified_teacher_share"]
    # parent 44 in 2019 (interpolated), its own forecast for 2022 from 48 in 2021; the district is moved
    # in parallel on the logit scale: 50 in 2019 plus the parent's rise from 44
    parent = calibration.raw(fc.fit_forecast([2017, 2021], [40.0, 48.0], [2022], unit="percent"))
    logit = lambda p: math.log(p / (100 - p))  # noqa: E731
    expected = 100 / (1 + math.exp(-(parent.loc[0] + logit(50.0) - logit(44.0))))  # the raw carried median
    assert share["status_detail"] == "proxy: trend of 聊城市"
    # (calibrated on provinces carried along the nation's trend: they followed it only in part)
    assert 50 < share["forecast"] <= expected + 0.5 and (share["p_meet"] > 0.5) == (share["forecast"] > 55.0)
    # one school does not follow the city's growth rate
    assert r.loc["sec_voc_schools", "status"] == "insufficient_data"


def test_assess_in_worker_processes_gives_the_same_table():
    # the regions are partitioned across two processes; parents are read from all the actuals
    import indicators as I

    cat = I.load_catalog()
    act = I.load_actuals([], catalog=cat)
    one = I.assess(cat, act)
    two = I.assess(cat, act, jobs=2)
    assert len(one) > 100 and one["region"].nunique() > 3
    pd.testing.assert_frame_equal(one, two)


def test_assess_without_targets_gives_an_empty_table_in_any_mode():
    import indicators as I

    cat = I.load_catalog()
    act = I.load_actuals([], catalog=cat)
    for jobs in (1, 2):
        out = I.assess(cat, act, region="全国", domain="intellectual_property", jobs=jobs)
        assert len(out) == 0 and "status" in out.columns

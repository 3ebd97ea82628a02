"""The mid-term review table (verdicts.review): each edge case in its own test, with values worked
by hand in the test's docstring. Numbers passed to ``judge`` are made up for the test (synthetic);
the catalogue's baselines are the bundled 茌平区 plan's own."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.verdicts.review import REVIEW_TOLERANCE, baseline_of, judge, review


def j(baseline, baseline_year, target, year, latest, latest_year, comparator="==", direction="higher_is_better",
      unit="count", target_high=None, tolerance_used=None, tolerance=REVIEW_TOLERANCE):
    return judge(baseline, baseline_year, target, target_high, year, comparator, direction, unit, tolerance_used,
                 latest, latest_year, tolerance)


def close(a, b):
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-12)


def test_ordinary_floor_behind_half_time_a_third_done():
    """Baseline 100 (2019), target 400 (2022), latest 211 (2021): completion (211-100)/(400-100) =
    111/300 = 0.37; time (2021-2019)/(2022-2019) = 2/3; gap -0.2967 < -0.10: behind (the issue's
    "37% done against 67% of the time")."""
    r = j(100, 2019, 400, 2022, 211, 2021)
    assert close(r["completion"], 0.37) and close(r["time_elapsed"], 2 / 3)
    assert close(r["gap"], 0.37 - 2 / 3)
    assert r["judgement"] == "behind" and r["cases"] == []


def test_on_pace_within_the_tolerance_inclusive_and_ahead_beyond_it():
    """Baseline 0 (2020), target 100 (2024), latest in 2022: time 2/4 = 0.5. Latest 40: completion
    0.40, gap -0.10 exactly: on pace (inclusive). Latest 61: 0.61, gap +0.11: ahead. Latest 39:
    gap -0.11: behind."""
    assert j(0, 2020, 100, 2024, 40, 2022)["judgement"] == "on_pace"
    assert j(0, 2020, 100, 2024, 60, 2022)["judgement"] == "on_pace"
    assert j(0, 2020, 100, 2024, 61, 2022)["judgement"] == "ahead"
    assert j(0, 2020, 100, 2024, 39, 2022)["judgement"] == "behind"
    # a tighter tolerance turns 0.45 against 0.5 into behind
    assert j(0, 2020, 100, 2024, 45, 2022, tolerance=0.02)["judgement"] == "behind"


def test_lower_is_better_falls_toward_its_ceiling():
    """生师比 ceiling 17 from a baseline of 20 (2019) by 2022; latest 18.5 in 2021: completion
    (18.5-20)/(17-20) = 0.5; time 2/3; gap -0.1667: behind. Latest 17.9 in 2021: (17.9-20)/(-3) =
    0.7, gap +0.0333: on pace."""
    r = j(20, 2019, 17, 2022, 18.5, 2021, direction="lower_is_better", unit="students_per_teacher")
    assert close(r["completion"], 0.5) and close(r["end"], 17.0)
    assert r["judgement"] == "behind"
    r = j(20, 2019, 17, 2022, 17.9, 2021, direction="lower_is_better", unit="students_per_teacher")
    assert close(r["completion"], 0.7) and r["judgement"] == "on_pace"


def test_ratio_target_already_met_at_baseline_is_held_not_measured():
    """茌平区's 生师比: baseline 11:1 (2019), ceiling 17:1 (2020), lower is better. 11 already meets
    ≤17: completion is empty (moving toward 17 would be getting worse); latest 12 in 2020 still
    meets: target reached (held). Latest 18 in 2020: no longer meets: behind."""
    r = j(11, 2019, 17, 2020, 12, 2020, direction="lower_is_better", unit="students_per_teacher")
    assert r["cases"] == ["met_at_baseline"] and math.isnan(r["completion"])
    assert close(r["time_elapsed"], 1.0) and r["judgement"] == "done"
    r = j(11, 2019, 17, 2020, 18, 2020, direction="lower_is_better", unit="students_per_teacher")
    assert r["judgement"] == "behind" and math.isnan(r["completion"])


def test_baseline_equal_to_target_has_no_way_to_cover():
    """1 school (2019), 1 planned for 2022: end - baseline = 0, no division; latest 1 in 2021
    holds it (done, time 2/3 reported); latest 0 in 2021: behind."""
    r = j(1, 2019, 1, 2022, 1, 2021)
    assert r["cases"] == ["baseline_equals_target"] and math.isnan(r["completion"])
    assert close(r["time_elapsed"], 2 / 3) and r["judgement"] == "done"
    assert j(1, 2019, 1, 2022, 0, 2021)["judgement"] == "behind"


def test_no_baseline_is_said_and_never_invented():
    """A target whose plan states no baseline: nothing computed, not judged."""
    r = j(None, None, 70, 2022, 65, 2021)
    assert r["cases"] == ["no_baseline"] and r["judgement"] == "not_judged"
    assert all(math.isnan(r[k]) for k in ("completion", "time_elapsed", "gap"))


def test_ratio_share_target_the_vocational_share_as_a_band():
    """职普比 written 4.5:5.5 is a 45% vocational share, planned (a band of ±2 points: 43-47%).
    Baseline 2:8 = 20% (2019), target 2022; latest 30% in 2020: completion (30-20)/(45-20) = 0.4,
    time 1/3, gap +0.0667: on pace. The way ends at the stated 45%, not at the band's 43%."""
    r = j(20, 2019, 45, 2022, 30, 2020, direction="planned", unit="percent", tolerance_used=2.0)
    assert close(r["end"], 45.0) and close(r["completion"], 0.4) and close(r["time_elapsed"], 1 / 3)
    assert r["judgement"] == "on_pace"
    # 44% in 2021 lies inside the band (43-47): target reached although 44 < 45
    r = j(20, 2019, 45, 2022, 44, 2021, direction="planned", unit="percent", tolerance_used=2.0)
    assert close(r["completion"], 24 / 25) and r["judgement"] == "done"


def test_range_target_is_measured_to_its_nearer_end():
    """A range 15-20% (comparator ~, value 15, value_high 20, tolerance 0: the range itself) from
    10% (2020) by 2025; latest 12.5% in 2023: completion (12.5-10)/(15-10) = 0.5, time 3/5 = 0.6,
    gap -0.1: on pace. From 30% above it: the end is 20; latest 26 in 2023: (26-30)/(20-30) = 0.4,
    gap -0.2: behind."""
    r = j(10, 2020, 15, 2025, 12.5, 2023, comparator="~", unit="percent", target_high=20, tolerance_used=0.0)
    assert close(r["end"], 15.0) and close(r["completion"], 0.5) and close(r["time_elapsed"], 0.6)
    assert r["judgement"] == "on_pace"
    r = j(30, 2020, 15, 2025, 26, 2023, comparator="~", unit="percent", target_high=20, tolerance_used=0.0)
    assert close(r["end"], 20.0) and close(r["completion"], 0.4) and r["judgement"] == "behind"


def test_progress_below_zero_is_reported_as_computed():
    """Baseline 100 (2019), target 200 (2023), latest 75 in 2021: completion (75-100)/100 = -0.25
    (reported, not cut to 0); time 0.5: behind, and the note says it moved away."""
    r = j(100, 2019, 200, 2023, 75, 2021)
    assert close(r["completion"], -0.25) and "regressed" in r["cases"] and r["judgement"] == "behind"


def test_progress_above_hundred_percent_is_reported_as_computed():
    """Baseline 100 (2019), floor 200 (2023), latest 240 in 2021: completion 140/100 = 1.4 (not cut
    to 100%); it meets the floor: target reached."""
    r = j(100, 2019, 200, 2023, 240, 2021)
    assert close(r["completion"], 1.4) and r["cases"] == ["beyond_target"] and r["judgement"] == "done"


def test_a_band_crossed_to_the_other_side_is_not_ahead():
    """职普比 45% ± 2 from 20% (2019) by 2022; latest 50% in 2021: completion 30/25 = 1.2 but above
    the band (43-47): off the plan on the other side, not judged."""
    r = j(20, 2019, 45, 2022, 50, 2021, direction="planned", unit="percent", tolerance_used=2.0)
    assert close(r["completion"], 1.2) and r["cases"] == ["overshot_band"] and r["judgement"] == "not_judged"
    assert close(r["meet_low"], 43.0) and close(r["meet_high"], 47.0)


def test_latest_actual_past_the_target_year():
    """Target 300 for 2021 from 100 (2019); no 2021 actual but 260 in 2022: time (2022-2019)/
    (2021-2019) = 1.5 (reported, not cut), completion 160/200 = 0.8; the year has passed and 260 does
    not meet 300: behind. 310 in 2022 meets it: target reached."""
    r = j(100, 2019, 300, 2021, 260, 2022)
    assert close(r["time_elapsed"], 1.5) and close(r["completion"], 0.8)
    assert r["cases"] == ["past_target_year"] and r["judgement"] == "behind"
    r = j(100, 2019, 300, 2021, 310, 2022)
    assert close(r["time_elapsed"], 1.5) and r["judgement"] == "done"


def test_target_year_reached_short_of_the_target_is_behind_whatever_the_gap():
    """From 0 (2019) to a floor of 100 (2021); 95 in 2021: completion 0.95, time 1.0, the gap of
    -0.05 would be on pace, but the year has come and 95 misses the floor: behind (the verdict says
    missed)."""
    r = j(0, 2019, 100, 2021, 95, 2021)
    assert close(r["completion"], 0.95) and close(r["time_elapsed"], 1.0)
    assert r["judgement"] == "behind" and r["cases"] == ["target_year_reached"]


def test_no_actual_since_the_baseline():
    """Only the baseline (2019) is known: time 0/3 = 0, completion 0: nothing to judge."""
    r = j(100, 2019, 400, 2022, 100, 2019)
    assert close(r["time_elapsed"], 0.0) and close(r["completion"], 0.0)
    assert r["cases"] == ["no_new_actual"] and r["judgement"] == "not_judged"
    r = j(100, 2019, 400, 2022, None, None)
    assert r["cases"] == ["no_actual"] and r["judgement"] == "not_judged"


def test_target_year_not_after_the_baseline():
    r = j(100, 2022, 400, 2022, 200, 2022)
    assert r["cases"] == ["target_not_after_baseline"] and r["judgement"] == "not_judged"


def test_the_baseline_is_the_targets_own_plans_latest_before_the_target_year():
    """Baselines stated by plan "a" for 2018 (90) and 2019 (100), by plan "b" for 2019 (50): a target of
    plan "a" for 2022 reads 100 (2019); for 2019, 90 (2018: the latest *before* the target year); a
    target of plan "c" reads none (another plan's baseline is never borrowed)."""
    found = {("a", "R", "k", ""): [(2018, 90.0, "c1", "q1"), (2019, 100.0, "c2", "q2")],
             ("b", "R", "k", ""): [(2019, 50.0, "c3", "q3")]}
    assert baseline_of(found, "a", "R", "k", "", 2022) == (2019, 100.0, "c2", "q2")
    assert baseline_of(found, "a", "R", "k", "", 2019) == (2018, 90.0, "c1", "q1")
    assert baseline_of(found, "c", "R", "k", "", 2022) is None
    assert baseline_of(found, "a", "R", "k", "其他", 2022) is None  # a breakdown has its own baseline
    # a repeated target citing both plans ("a, b"): two different values for 2019 are a conflict
    assert baseline_of(found, "a, b", "R", "k", "", 2022) == ("conflict", 2019)


# --- the table, from the bundled catalogue's own baselines ----------------------------------------

@pytest.fixture(scope="module")
def chiping():
    import indicators

    cat = indicators.load_catalog()
    return cat


def _assess_with(tmp_path, cat, rows: str):
    """Assessment of 茌平区 with a planner file of made-up (synthetic) actuals for the test."""
    import indicators

    f = tmp_path / "chiping_synthetic.csv"
    f.write_text("region,indicator,year,value,unit\n" + rows, encoding="utf-8")
    act = indicators.load_actuals([f], catalog=cat)
    return indicators.assess(cat, act, region="茌平区")


def test_review_reads_the_plans_baselines_and_the_verdicts_latest(tmp_path, chiping):
    """Synthetic actuals: 双师型 (baseline 91.3% in 2019) 91.5% in 2020, 91.6% in 2021. The 2022
    target 95.4%: completion (91.6-91.3)/(95.4-91.3) = 0.3/4.1 = 0.07317; time 2/3: behind. The
    2021 target 92.2% has its actual (91.6, missed): time 1, behind. 生师比 (baseline 11:1, ceilings
    17, 19, 20) 12 in 2020: met at baseline, held. 2022 training days with no baseline in another
    plan: the plan's own 0 (2019) baseline is used; 培训 2020 target 13,500 from 0, no new actual."""
    a = _assess_with(tmp_path, chiping, "茌平区,sec_voc_dual_qualified_teacher_share,2020,91.5,%\n"
                                        "茌平区,sec_voc_dual_qualified_teacher_share,2021,91.6,%\n"
                                        "茌平区,sec_voc_student_teacher_ratio,2020,12,生/师\n")
    r = review(chiping, a, lang="zh")
    assert len(r) == len(a) and list(r["year"]) == list(a["year"])  # one row per verdict, same order
    dual = r[r["indicator"] == "sec_voc_dual_qualified_teacher_share"].set_index("year")
    assert dual.loc[2022, "baseline"] == 91.3 and dual.loc[2022, "baseline_year"] == 2019
    assert dual.loc[2022, "latest_value"] == 91.6 and dual.loc[2022, "latest_year"] == 2021
    assert close(dual.loc[2022, "completion"], 0.3 / 4.1) and close(dual.loc[2022, "time_elapsed"], 2 / 3)
    assert dual.loc[2022, "judgement"] == "behind"
    assert dual.loc[2021, "judgement"] == "behind" and dual.loc[2021, "status"] == "missed"
    assert "baseline_equals_target" in dual.loc[2020, "cases"]  # 2020 target 91.3 = the baseline
    ratio = r[r["indicator"] == "sec_voc_student_teacher_ratio"].set_index("year")
    assert set(ratio["cases"]) == {"met_at_baseline"} and set(ratio["judgement"]) == {"done"}
    assert ratio["completion"].isna().all()
    # targets of plans with no baseline: said, never invented
    none = r[r["indicator"] == "city_brand_voc_majors"]
    assert (none["cases"] == "no_baseline").all() and none["baseline"].isna().all()
    assert none["note"].str.contains("规划未写明基期值").all()


def test_review_notes_in_both_languages_state_the_gap_and_the_tolerance(tmp_path, chiping):
    a = _assess_with(tmp_path, chiping, "茌平区,sec_voc_dual_qualified_teacher_share,2021,91.6,%\n")
    r = review(chiping, a, lang="en").set_index(["indicator", "year"])
    row = r.loc[("sec_voc_dual_qualified_teacher_share", 2022)]
    # (91.6-91.3)/(95.4-91.3) = 0.073171; time 0.666667; gap 0.593496: 59.3 points (the true gap, rounded once)
    assert row["note_en"] == "Completion is 59.3 points behind the time elapsed (tolerance ±10 points)."
    assert row["note_zh"] == "完成进度比时间进度低 59.3 个百分点（容差 ±10 个百分点）。"
    assert row["note"] == row["note_en"]


def test_review_is_deterministic_and_keeps_every_assessment_row(tmp_path, chiping):
    a = _assess_with(tmp_path, chiping, "茌平区,sec_voc_schools,2021,1,所\n")
    r1, r2 = review(chiping, a), review(chiping, a)
    pd.testing.assert_frame_equal(r1, r2)
    assert len(r1) == len(a)

"""What changed between two runs (``verdicts.changes``): every reason read from what differs.

The assessment rows here are made up by the tests (synthetic: one target year each, the fields a
verdict has), except the last tests, which judge synthetic actuals with the real ``assess``."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.verdicts.changes import CHANGE_COLUMNS, REASONS, changes, read_assessment, status_changes
from indicators.writing import to_csv_text


def _row(**kw) -> dict:
    """One synthetic verdict: 双师型 2022 in a made-up region, forecast on track, unless told."""
    r = dict(region="甲区", region_en="Jia", domain="vocational", indicator="voc_dual_qualified_teacher_share",
             indicator_zh="双师型", breakdown="", year=2022, target=70.0, target_high=None, comparator=">=",
             unit="percent", meet_low=70.0, meet_high=None, as_of=2020, latest_year=2020, latest_value=66.0,
             n_points=4, definition="standard", p_meet=0.8, status="on_track", proxy_region=None, target_id="p#1")
    r.update(kw)
    return r


def _one(old: dict | None, new: dict | None, **kw) -> pd.Series:
    o = pd.DataFrame([old] if old else [], columns=list(_row()))
    n = pd.DataFrame([new] if new else [], columns=list(_row()))
    if new is None:  # only the regions of the new run are compared: keep the region in the new table
        n = pd.DataFrame([_row(year=1999, target_id="other")])
        o = pd.concat([o, n], ignore_index=True)
    ch = changes(o, n, **kw)
    assert len(ch) == 1, ch
    return ch.iloc[0]


def test_a_new_actual_for_the_target_year():
    c = _one(_row(), _row(status="met", latest_year=2022, latest_value=71.0, n_points=6, p_meet=1.0, as_of=2022))
    assert (c.old_status, c.new_status, c.reasons, c.change) == ("on_track", "met", "new_actual", "status")
    assert c.reason == "新增 2022 年实际值 71.0%。"
    assert c.old_p_meet == 0.8 and c.new_p_meet == 1.0


def test_a_revised_actual_of_the_target_year():
    c = _one(_row(status="met", latest_year=2022, latest_value=71.0, p_meet=1.0),
             _row(status="missed", latest_year=2022, latest_value=69.0, p_meet=0.0))
    assert c.reasons == "actual_revised" and c.reason == "2022 年实际值由 71.0% 修订为 69.0%。"


def test_a_past_target_year_without_an_actual_says_so_and_not_the_number_of_actuals():
    old = _row(year=2020, as_of=2019, latest_year=2019, n_points=4)
    new = _row(year=2020, as_of=2021, latest_year=2021, latest_value=68.0, n_points=5, status="insufficient_data",
               p_meet=None)
    c = _one(old, new)
    assert c.reasons == "past_no_actual"
    assert c.reason_zh == "目标年已过，2020 年没有实际值（已有 2021 年的实际值），不再按趋势预测，无法判断是否达标。"
    assert c.reason_en.startswith("The target year is past and 2020 has no actual (actuals up to 2021 exist)")
    assert "4" not in c.reason_zh


def test_a_changed_plan_value():
    c = _one(_row(), _row(target=75.0, meet_low=75.0, p_meet=0.5, status="at_risk"))
    assert c.reasons == "plan_value" and c.reason == "规划目标由 70.0% 改为 75.0%。"


def test_more_history_and_less_history():
    c = _one(_row(), _row(n_points=6, latest_year=2021, p_meet=0.5, status="at_risk"), lang="en")
    assert c.reasons == "more_history"
    assert c.reason == "6 actual values instead of 4 (latest year 2020 → 2021)."
    c = _one(_row(), _row(n_points=3, latest_year=2019, p_meet=0.5, status="at_risk"))
    assert c.reasons == "less_history"
    c = _one(_row(), _row(n_points=6, p_meet=0.5, status="at_risk"))  # earlier years filled in: same latest year
    assert c.reason == "实际值由 4 个增至 6 个。"


def test_a_revised_earlier_actual():
    c = _one(_row(), _row(latest_value=60.0, p_meet=0.5, status="at_risk"))
    assert c.reasons == "revised_history" and c.reason == "已有实际值被修订（2020 年：66.0% → 60.0%）。"


def test_another_definition():
    c = _one(_row(definition="incl_technician"), _row(definition="excl_technician", p_meet=0.5, status="at_risk"))
    assert c.reasons == "definition"
    assert c.reason == "改按不含技工学校口径数据判断（此前为含技工学校口径）。"


def test_other_thresholds_explain_a_status_with_the_same_probability():
    old_run = {"run_id": "2020-a", "parameters": {"on_track": 0.7, "at_risk": 0.3}}
    new_run = {"run_id": "2020-b", "parameters": {"on_track": 0.9, "at_risk": 0.3}}
    c = _one(_row(), _row(status="at_risk"), old_run=old_run, new_run=new_run)
    assert c.reasons == "thresholds" and (c.old_run, c.new_run) == ("2020-a", "2020-b")
    assert c.reason == "判断阈值不同：有望达标 ≥70%、存在风险 ≥30% 改为 ≥90%、≥30%。"


def test_a_parent_trend_or_else_the_forecast():
    c = _one(_row(proxy_region="乙市"), _row(proxy_region="乙市", p_meet=0.5, status="at_risk"))
    assert c.reasons == "parent_trend"
    c = _one(_row(), _row(p_meet=0.5, status="at_risk"))
    assert c.reasons == "forecast" and c.reason == "该目标年的数据与目标未变，预测有变化。"


def test_added_and_removed_target_years():
    c = _one(None, _row())
    assert (c.change, c.reasons, c.old_status, c.new_status) == ("added", "added", None, "on_track")
    c = _one(_row(), None)
    assert (c.change, c.reasons, c.new_status) == ("removed", "removed", None)


def test_a_renumbered_target_is_matched_by_its_year():
    c = _one(_row(target_id="p#1"), _row(target_id="p#7", target=72.0, meet_low=72.0, p_meet=0.5, status="at_risk"))
    assert c.change == "status" and c.reasons == "plan_value"


def test_nothing_changed_gives_no_row_and_every_lists_probability_moves():
    old = pd.DataFrame([_row(), _row(year=2021, target_id="p#2")])
    new = pd.DataFrame([_row(), _row(year=2021, target_id="p#2", p_meet=0.75)])
    assert changes(old, new).empty and list(changes(old, new).columns) == CHANGE_COLUMNS
    ch = changes(old, new, every=True)
    assert list(ch["change"]) == ["probability"] and list(ch["year"]) == [2021]
    assert status_changes(ch) == 0
    # a probability that prints the same is no move
    assert changes(old, pd.DataFrame([_row(), _row(year=2021, target_id="p#2", p_meet=0.8000001)]), every=True).empty


def test_only_the_regions_of_the_new_run_are_compared():
    old = pd.DataFrame([_row(), _row(region="乙区", status="at_risk", p_meet=0.5)])
    new = pd.DataFrame([_row(status="met", latest_year=2022, p_meet=1.0)])
    ch = changes(old, new)
    assert list(ch["region"]) == ["甲区"]  # 乙区 was not in this run: not "removed"


def test_every_reason_has_words_in_both_languages():
    from indicators.words.explain import CHANGE_PHRASES

    for lang in ("zh", "en"):
        assert set(REASONS) <= set(CHANGE_PHRASES[lang])


def test_the_csv_a_run_keeps_reads_back_as_written():
    frame = pd.DataFrame([_row(comparator="==", breakdown="-5 专业"), _row(year=2021, p_meet=None)])
    text = to_csv_text(frame)
    assert "'==" in text  # written out of a spreadsheet formula
    from io import StringIO

    back = read_assessment(StringIO(text))
    assert list(back["comparator"]) == ["==", ">="] and back.loc[0, "breakdown"] == "-5 专业"
    assert back["year"].tolist() == [2022, 2021] and pd.isna(back.loc[1, "p_meet"])


def _actuals(values: dict[int, float]):
    """Synthetic actuals of 茌平区's 中职生均拨款 (made up by this test; no source has them)."""
    from indicators.actuals.load import load_actuals
    from indicators.plans.catalog import load_catalog

    catalog = load_catalog()
    act = load_actuals(catalog=catalog)
    frame = act.frame
    rows = frame[(frame["region"] == "茌平区") & (frame["indicator"] == "sec_voc_per_student_allocation")]
    assert len(rows), "the bundled 茌平区 baseline of 中职生均拨款"
    template = rows.iloc[0]
    extra = pd.DataFrame([{**template.to_dict(), "year": y, "value": v, "layer": "planner"} for y, v in values.items()])
    keep = frame[~((frame["region"] == "茌平区") & (frame["indicator"] == "sec_voc_per_student_allocation"))]
    return catalog, pd.concat([keep, extra], ignore_index=True).astype(frame.dtypes.to_dict())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_verdict_of_a_past_year_without_an_actual_names_that_reason(lang):
    from indicators.verdicts.assess import assess

    catalog, year1 = _actuals({2016: 2800, 2017: 2950, 2018: 3100, 2019: 3300})
    _, year2 = _actuals({2016: 2800, 2017: 2950, 2018: 3100, 2019: 3300, 2021: 3600})
    pick = {"region": "茌平区", "lang": lang}
    a1 = assess(catalog, year1, **pick)
    a2 = assess(catalog, year2, **pick)

    def one(a):
        return a[(a["indicator"] == "sec_voc_per_student_allocation") & (a["year"] == 2020)].iloc[0]

    assert one(a1)["status"] in ("on_track", "at_risk", "off_track")
    r = one(a2)
    assert r["status"] == "insufficient_data"
    if lang == "zh":
        assert "目标年已过，该年没有实际值（最新实际值为 2021 年 3,600）" in r["explanation"]
        assert "只有" not in r["explanation"]
    else:
        assert "the target year is past and has no actual (the latest is 3,600 in 2021)" in r["explanation"]
        assert "only" not in r["explanation"]
    ch = changes(a1, a2, lang=lang)
    row = ch[(ch["indicator"] == "sec_voc_per_student_allocation") & (ch["year"] == 2020)].iloc[0]
    assert row["reasons"] == "past_no_actual"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_region_page_section_shows_status_changes_only_and_nothing_when_none(tmp_path, lang):
    """The section of the page, against an earlier run made up here from the page's own rows (one
    status and one probability changed: synthetic)."""
    import json

    from indicators.reports.context import region_report
    from indicators.words.explain import SECTIONS, STATUS_LABELS
    from indicators.writing import to_json_text

    rep = region_report("茌平区", lang=lang)
    old = rep.assessment.copy()
    judged = old.index[old["status"].isin(["on_track", "at_risk", "off_track"])]
    first, second = judged[0], judged[1]
    old.loc[first, "status"], old.loc[first, "p_meet"] = "insufficient_data", float("nan")
    old.loc[second, "p_meet"] = old.loc[second, "p_meet"] * 0.5 + 0.01  # a probability alone moved
    run = {"run_id": "2019-20250101T000000Z", "time": "2025-01-01 00:00:00 UTC",
           "parameters": {"on_track": 0.7, "at_risk": 0.3}}
    path = tmp_path / "previous.json"
    path.write_text('{"run": ' + json.dumps(run) + ', "rows": ' + to_json_text(old) + "}", encoding="utf-8")
    html = rep.changes_html(str(path))
    assert f'<h2 id="changes">{SECTIONS[lang]["changes"][0]}</h2>' in html
    assert html.count('<tr class="change-status">') == 1 and "change-probability" not in html
    assert STATUS_LABELS[lang]["insufficient_data"] in html and "2025-01-01 00:00:00 UTC" in html
    assert len(rep.changes(str(path))) == 2  # the table has both; the page shows the status change
    same = tmp_path / "same.json"
    same.write_text('{"run": ' + json.dumps(run) + ', "rows": ' + to_json_text(rep.assessment) + "}", encoding="utf-8")
    assert rep.changes_html(str(same)) == "" and rep.changes_html("") == ""

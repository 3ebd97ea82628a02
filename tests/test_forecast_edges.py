"""Edges of the forecast: shares at 0 or 100, counts at zero, no zero-width interval, bad series.

Property tests (hypothesis) run every rule through both public entry points, ``fit_forecast``
(one series) and ``ladder.fit_many`` (a batch), which is the same path. Every series here is made
up (synthetic) to exercise one rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import indicators
from indicators.forecast.calibration import raw
from indicators.errors import SeriesError
from indicators.forecast import ladder
from indicators.forecast.distribution import P_LIMIT
from examples import examples

YEARS = 3  # forecast 1..3 years after the last actual


def _both(years, values, unit):
    """The forecast of one series by each entry point: alone, and inside a batch of other series."""
    one = indicators.fit_forecast(years, values, range(int(years[-1]) + 1, int(years[-1]) + 1 + YEARS), unit)
    others = [([2000, 2001, 2002], [1.0, 2.0, 4.0]), ([2010, 2012, 2013, 2014, 2015], [50.0, 50, 51, 49, 52])]
    batch = ladder.fit_many(others[:1] + [(years, values)] + others[1:], ["count", unit, "percent"],
                            [[2003], range(int(years[-1]) + 1, int(years[-1]) + 1 + YEARS), [2017]])
    return one, batch[1]


def _series(values):
    return list(range(2020 - len(values), 2020)), [float(v) for v in values]


near_100 = st.lists(st.floats(99.0, 100.0), min_size=2, max_size=10)
near_0 = st.lists(st.floats(0.0, 1.0), min_size=2, max_size=10)


@settings(max_examples=examples(60), deadline=None)
@given(values=st.one_of(near_100, near_0))
def test_property_shares_near_the_bounds_keep_sensible_intervals(values):
    years, values = _series(values)
    for fc in _both(years, values, "percent"):
        lo, hi = fc.interval(0.8)
        assert np.all((lo >= 0) & (hi <= 100)) and np.all(hi > lo)  # calibrated: possible, never a point
        assert np.all(hi - lo < 60)
        assert abs(fc.median[0] - values[-1]) <= 3.0  # moves of at most 1 point a year stay small
        # the model's floor is on the share scale: at least 0.5 x 1.28 points toward the open side
        # (the calibration may narrow it where the backtest found the model's intervals too wide)
        lo, hi = raw(fc).interval(0.8)
        assert np.all(hi - lo >= 0.6)


def test_a_share_at_100_for_three_years_is_likely_to_stay_high():
    for fc in _both([2019, 2020, 2021], [100.0, 100.0, 100.0], "percent"):
        lo, hi = fc.interval(0.8)
        assert fc.prob(2024, 95.0, None) > 0.85 and lo[0] > 97  # the logit floor gave 0.64 and about 0-100
    for fc in _both([2019, 2020, 2021], [99.5, 99.8, 100.0], "percent"):
        assert fc.interval(0.8)[0][0] > 95


counts = st.lists(st.one_of(st.just(0.0), st.floats(0.0, 1e6)), min_size=2, max_size=12)


@settings(max_examples=examples(80), deadline=None)
@given(values=counts, unit=st.sampled_from(["count", "10k_yuan", "square_metres"]))
def test_property_censored_counts_keep_their_mass_at_zero(values, unit):
    years, values = _series(values)
    for fc in _both(years, values, unit):
        for y in fc.years:
            assert fc.prob(int(y), 0.0, None) == 1 - P_LIMIT        # a count is >= 0, surely
            assert fc.prob(int(y), None, 0.0) == pytest.approx(max(P_LIMIT, fc.cdf(int(y), 0.0)))
            assert fc.prob(int(y), None, -1.0) == P_LIMIT            # and never below


def test_an_eight_point_count_falling_to_zero_keeps_a_real_interval():
    years, values = _series([70, 60, 50, 40, 30, 20, 10, 0])
    for fc in _both(years, values, "count"):
        lo, hi = fc.interval(0.8)
        assert np.all(lo == 0) and np.all(hi > 1)     # [0, something]: it may come back, it cannot go below
        assert fc.prob(2022, 1.0, None) > 0.05


any_unit = st.sampled_from(["count", "percent", "students_per_teacher", "10k_yuan", "index", "ratio"])


@settings(max_examples=examples(120), deadline=None)
@given(values=st.lists(st.floats(0.0, 1e7), min_size=2, max_size=12), unit=any_unit,
       flat=st.booleans(), gaps=st.booleans())
def test_property_no_interval_has_zero_width(values, unit, flat, gaps):
    if unit == "percent":
        values = [min(v, 100.0) for v in values]
    if flat:
        values = [values[0]] * len(values)
    years = list(range(2000, 2000 + 2 * len(values), 2 if gaps else 1))[:len(values)]
    for fc in _both(years, values, unit):
        for level in (0.5, 0.8, 0.95):
            lo, hi = fc.interval(level)
            assert np.all(hi > lo), (level, lo, hi)


def _bad(kind: str):
    years, values = [2016, 2017, 2018, 2019], [10.0, 12.0, 13.0, 15.0]
    if kind == "duplicate_year":
        return [2016, 2017, 2017, 2019], values, "count"
    if kind == "infinite":
        return years, [10.0, np.inf, 13.0, 15.0], "count"
    if kind == "negative":
        return years, [10.0, -2.0, 13.0, 15.0], "10k_yuan"
    return years, [90.0, 101.0, 99.0, 99.5], "percent"


good = st.lists(st.tuples(st.integers(2, 9), st.floats(1.0, 1e4), st.floats(-50.0, 50.0)), min_size=1, max_size=6)


@settings(max_examples=examples(40), deadline=None)
@given(specs=good, kind=st.sampled_from(ladder.SERIES_PROBLEMS), where=st.integers(0, 6))
def test_property_a_bad_series_is_refused_and_the_batch_goes_on(specs, kind, where):
    series = [(list(range(2010, 2010 + n)), [max(a + b * i, 0.0) for i in range(n)]) for n, a, b in specs]
    units, horizons = ["count"] * len(series), [[2025]] * len(series)
    years, values, unit = _bad(kind)
    at = min(where, len(series))
    got = ladder.fit_many(series[:at] + [(years, values)] + series[at:], units[:at] + [unit] + units[at:],
                          horizons[:at] + [[2025]] + horizons[at:])
    assert got[at] is None
    rest = got[:at] + got[at + 1:]
    alone = [indicators.fit_forecast(s[0], s[1], [2025], "count") for s in series]
    assert all(a.model == b.model and np.allclose(a.loc, b.loc) and np.allclose(a.scale, b.scale)
               for a, b in zip(alone, rest))
    assert ladder.series_problem(years, values, unit)[0] == kind
    with pytest.raises(SeriesError) as err:
        indicators.fit_forecast(years, values, [2025], unit)
    assert err.value.code == kind


def test_a_bad_series_is_judged_insufficient_data_with_the_reason(tmp_path):
    from conftest import write_plan
    from indicators.actuals.table import ACTUAL_COLUMNS

    text = "2024年在校生12000人；2024年学校5所。"
    write_plan(tmp_path, "p_2020", "测试区", text,
               [("sec_voc_students", 2024, "12000人", "2024年在校生12000人"),
                ("sec_voc_schools", 2024, "5所", "2024年学校5所")],
               regions_yaml="测试区:\n  en: Test District\n  level: district\n  parent: 聊城市\n")
    cat = indicators.load_catalog([tmp_path], env=False)

    def row(indicator, year, value):
        return dict.fromkeys(ACTUAL_COLUMNS) | {"region": "测试区", "indicator": indicator, "definition": "standard",
                                                "year": year, "value": value, "origin": "test", "file": "test"}

    act = pd.DataFrame([row("sec_voc_students", y, v) for y, v in ((2019, 10000.0), (2020, 10500.0),
                                                                    (2020, 10600.0), (2021, 11000.0))]
                       + [row("sec_voc_schools", y, v) for y, v in ((2019, 4.0), (2020, 4.0), (2021, 5.0))],
                       columns=ACTUAL_COLUMNS)
    act["year"] = act["year"].astype("int64")
    r = indicators.assess(cat, act, plan="p_2020", as_of=2021).set_index("indicator")
    bad = r.loc["sec_voc_students"]
    assert bad["status"] == "insufficient_data" and bad["status_detail"] == "bad series: duplicate_year"
    assert "同一年份有两个数值" in bad["explanation_zh"] and "two values for one year" in bad["explanation_en"]
    assert r.loc["sec_voc_schools", "status"] in {"on_track", "at_risk", "off_track"}  # the other goes on
    from indicators.verdicts.assess import forecast_path

    assert forecast_path(cat, act, "测试区", "sec_voc_students", 2024).empty  # no chart line from it either
    assert len(forecast_path(cat, act, "测试区", "sec_voc_schools", 2024)) == 4

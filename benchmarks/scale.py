"""How fast is `assess` for a whole province or the nation? A synthetic scale test.

China has about 2,850 county-level regions; with their plans that is on the order of 100,000
indicator series. No such data is published, so this script MAKES IT UP, in memory only (never
written to data/): synthetic regions 合成县00001 ... under the real provinces, each with plans and
actuals drawn like the bundled real data:

* history lengths are drawn from the lengths of the bundled series (1 to 21 points);
* each series starts at the level of a randomly chosen real bundled series of the same indicator and
  moves by its real year-on-year changes, resampled (a bootstrap), with years left out as gaps at the
  rate the real series have them;
* each series has one to three target years after its latest year.

    python benchmarks/scale.py --series 100000 [--jobs 2] [--scheduler local]

The last line reads ``assess: N series in S s, R series/s``. With ``--scheduler local`` it also times
assess on a Dask LocalCluster, and runs ``dask_reports.py``: the report notebooks of the bundled
regions on the process pool and on the LocalCluster, seconds per report for each and their ratio.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

import indicators as I
from indicators.plans.regions import Region, Regions
from indicators.units import unit_of

SEED = 20261201


def _templates(cat, act: pd.DataFrame):
    """Real bundled series (>= 2 points) per indicator: their levels and year-on-year changes."""
    real = act[act["layer"] == "bundled"]
    lengths, gaps, out = [], [], {}
    for (ind, _r, _b, _d), g in real.groupby(["indicator", "region", "breakdown", "definition"], sort=True):
        y = g.sort_values("year")
        lengths.append(len(y))
        if len(y) < 2:
            continue
        t, v = y["year"].to_numpy(), y["value"].to_numpy(float)
        gaps.append((np.diff(t) - 1).sum() / max(t[-1] - t[0], 1))
        rel = np.all(v > 0) and not unit_of(cat.vocabulary[ind].unit).is_share
        steps = np.diff(np.log(v)) / np.diff(t) if rel else np.diff(v) / np.diff(t)
        out.setdefault(ind, []).append((v[0], steps, rel))
    return np.array(lengths), float(np.mean(gaps)), out


def synthetic(n_series: int, per_region: int = 35, seed: int = SEED):
    """(catalog, actuals frame) with ``n_series`` synthetic series; nothing here is a real statistic."""
    rng = np.random.default_rng(seed)
    cat = I.load_catalog()
    act = I.load_actuals([], catalog=cat).frame
    lengths, gap_rate, templates = _templates(cat, act)
    indicators = sorted(templates)
    provinces = sorted(r.name for r in cat.regions if r.level == "province")
    n_regions = -(-n_series // per_region)
    regions = dict(cat.regions.regions)
    target_rows, actual_rows = [], []
    for i in range(n_regions):
        name = f"合成县{i + 1:05d}"
        regions[name] = Region(name=name, en=f"Synthetic county {i + 1}", level="county",
                               parent=provinces[i % len(provinces)])
        k = min(per_region, n_series - i * per_region)
        for ind in rng.choice(indicators, size=k, replace=k > len(indicators)):
            _one_series(rng, cat, name, str(ind), templates[ind], lengths, gap_rate, target_rows, actual_rows)
    # the same indicator twice in a region becomes a breakdown, so every series is distinct
    a = pd.DataFrame(actual_rows)
    t = pd.DataFrame(target_rows)
    cols = cat.targets.columns
    t = t.reindex(columns=cols)
    t["year"] = t["year"].astype("Int64")
    catalog = replace(cat, targets=t, regions=Regions(regions), plans={})
    a = a.reindex(columns=act.columns)
    for c, v in (("breakdown", ""), ("definition", ""), ("layer", "planner")):
        a[c] = a[c].astype(object).where(a[c].notna(), v)
    return catalog, pd.concat([act, a], ignore_index=True)


def _one_series(rng, cat, region, ind, temps, lengths, gap_rate, target_rows, actual_rows):
    level, steps, rel = temps[rng.integers(len(temps))]
    unit, direction = cat.vocabulary[ind].unit, cat.vocabulary[ind].direction
    n = int(rng.choice(lengths))
    last = int(rng.integers(2019, 2025))
    years = [last]
    while len(years) < n:  # walk back, skipping years at the real gap rate
        years.append(years[-1] - 1 - int(rng.random() < gap_rate))
    years = np.array(years[::-1])
    moves = rng.choice(steps, size=n - 1) * np.diff(years)
    path = np.concatenate([[0.0], np.cumsum(moves)])
    values = level * np.exp(path) if rel else level + path
    if unit_of(unit).is_share:
        values = np.clip(values, 0.5, 99.5)
    values = np.maximum(values, 0.0)
    breakdown = f"合成{len(target_rows)}"
    for y, v in zip(years, values):
        actual_rows.append(dict(region=region, indicator=ind, breakdown=breakdown, year=int(y), value=float(v),
                                unit=unit, source_title="synthetic (benchmarks/scale.py)", layer="planner"))
    for h in sorted(rng.choice(np.arange(1, 7), size=int(rng.integers(1, 4)), replace=False)):
        growth = rng.choice(steps) * h
        target = float(values[-1] * np.exp(growth) if rel else values[-1] + growth)
        target = min(max(target, 0.0), 100.0) if unit_of(unit).is_share else max(target, 0.0)
        target_rows.append(dict(plan="synthetic", region=region, region_en=region, indicator=ind,
                                indicator_zh=ind, indicator_en=ind, year=last + int(h), value=round(target, 2),
                                comparator=">=" if direction == "higher_is_better" else "<=", unit=unit,
                                kind="target", domain="vocational", direction=direction, breakdown=breakdown,
                                clause="synthetic", quote="synthetic", target_id=f"synthetic#{len(target_rows)}"))


def _peak_mb() -> float:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kb, child_kb) / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=10000, help="number of synthetic series")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes for assess")
    ap.add_argument("--scheduler", default=None,
                    help="'local' or tcp://HOST:8786: also time assess and the report notebooks on Dask")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    cat, act = synthetic(args.series)
    n = act[act["layer"] == "planner"].groupby(["region", "indicator", "breakdown"]).ngroups
    print(f"made {n} synthetic series in {len(cat.targets)} target years, "
          f"{len(act)} actual rows ({time.perf_counter() - t0:.1f} s)", flush=True)
    t0 = time.perf_counter()
    out = I.assess(cat, act, domain=None, jobs=args.jobs)
    secs = time.perf_counter() - t0
    print(f"statuses: {out['status'].value_counts().to_dict()}")
    print(f"peak memory: {_peak_mb():.0f} MB (this process or its largest worker)")
    if args.scheduler:
        t0 = time.perf_counter()
        other = I.assess(cat, act, domain=None, jobs=args.jobs, scheduler=args.scheduler)
        dask_secs = time.perf_counter() - t0
        print(f"assess on Dask ({args.scheduler}, {args.jobs} workers): {dask_secs:.1f} s, "
              f"ratio to the pool {dask_secs / secs:.2f}; same table: {other.equals(out)}")
        # report notebooks: the bundled regions (synthetic regions have no plan files to render)
        subprocess.run([sys.executable, str(Path(__file__).with_name("dask_reports.py")), "--jobs", str(args.jobs)],
                       check=True)
    print(f"assess: {n} series in {secs:.1f} s, {n / secs:.0f} series/s ({args.jobs} worker processes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

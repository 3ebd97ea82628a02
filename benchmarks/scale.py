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

    python benchmarks/scale.py --series 100000 [--jobs 2] [--scheduler local] [--reports 800]

It prints ``assess: N series in S s, R series/s`` for series with breakdowns (several series per
region and indicator), then, for planner-like series (one per region and indicator, no breakdown,
as planners' files have them, so each has a chart path), ``context: N paths in S s``: the run's
context, the verdicts and every chart's path from one fit. With ``--scheduler local`` it also times
assess on a Dask LocalCluster, and runs ``dask_reports.py``: the report notebooks of the bundled
regions on the process pool and on the LocalCluster, seconds per report for each and their ratio.

``--reports N`` renders report pages of synthetic regions with ``indicators run``, for 50, 200 and
800 regions (the sizes up to N), on the process pool and on a Dask LocalCluster, one line each:
``reports: N pages in S s, X s/page, peak M MB per worker``. S is the whole run (context, notebooks,
publishing); the peak is the largest memory of one worker process plus its kernel, sampled every
0.2 s, as unique set size (USS: what they alone hold; a pool worker is forked from this process,
whose synthetic tables it shares but does not use), and as proportional set size (PSS: a page shared
by n processes counts 1/n, so a forked worker's PSS rises as the client writes its own copies). The regions' plan files, regions.yaml and actuals CSV are SYNTHETIC, written
to a temporary folder (never to data/) and removed after the run.
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


def synthetic(n_series: int, per_region: int = 35, seed: int = SEED, planner: bool = False):
    """(catalog, actuals frame) with ``n_series`` synthetic series; nothing here is a real statistic.

    ``planner``: one series per region and indicator without a breakdown, as a planner's file has
    them (each region draws distinct indicators, of the units a plan file can state: ``WRITTEN``)."""
    rng = np.random.default_rng(seed)
    cat = I.load_catalog()
    act = I.load_actuals([], catalog=cat).frame
    lengths, gap_rate, templates = _templates(cat, act)
    indicators = sorted(k for k in templates if not planner or cat.vocabulary[k].unit in WRITTEN)
    if planner:
        per_region = min(per_region, len(indicators))
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
            _one_series(rng, cat, name, str(ind), templates[ind], lengths, gap_rate, target_rows, actual_rows,
                        planner)
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


def _one_series(rng, cat, region, ind, temps, lengths, gap_rate, target_rows, actual_rows, planner=False):
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
    breakdown = "" if planner else f"合成{len(target_rows)}"
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


# how a plan file states a number of each unit (the synthetic plans of --reports); a count is a plain number
WRITTEN = {"percent": "%", "count": "", "persons": "人", "10k_yuan": "万元", "yuan": "元", "person_times": "人次",
           "person_days": "人日", "students_per_teacher": ":1"}


def write_plans(cat, act: pd.DataFrame, regions: list[str], folder: Path, per_page: int = 0) -> tuple[Path, Path]:
    """SYNTHETIC plan files for ``regions`` of a planner-like ``synthetic`` catalogue, written to
    ``folder`` (a temporary one, never data/): one plan per region with its targets (each number
    written as a plan states it, its quote in the plan's source text), regions.yaml, and an actuals
    CSV with the regions' series. ``per_page``: at most this many indicators per region (0: all).
    Returns (plans folder, actuals file)."""
    plans = folder / "plans"
    (plans / "sources").mkdir(parents=True)
    entries = ["# SYNTHETIC regions written by benchmarks/scale.py --reports: not real places\n"]
    t = cat.targets[cat.targets["region"].isin(regions)]
    if per_page:
        kept = t.drop_duplicates(["region", "indicator"]).groupby("region").head(per_page)[["region", "indicator"]]
        t = t.merge(kept, on=["region", "indicator"])
        act = act.merge(kept, on=["region", "indicator"])
    for i, (region, g) in enumerate(t.groupby("region", sort=True)):
        r = cat.regions[region]
        entries.append(f"{region}:\n  en: {r.en}\n  level: district\n  parent: {r.parent}\n")
        lines, text = [], []
        for tr in g.itertuples():
            unit = cat.vocabulary[tr.indicator].unit
            word = "不高于" if tr.comparator == "<=" else "不低于"
            value = max(tr.value, 1.0) if unit == "students_per_teacher" else tr.value  # 0:1 is no ratio
            written = f"{word}{value:.2f}{WRITTEN[unit]}"
            quote = f"到{int(tr.year)}年{tr.indicator}{written}"
            text.append(quote)
            lines.append(f"  - {{indicator: {tr.indicator}, year: {int(tr.year)}, written: '{written}', kind: target,"
                         f" clause: 合成, quote: '{quote}'}}\n")
        (plans / "sources" / f"{i:05d}.txt").write_text("。".join(text) + "。\n", encoding="utf-8")
        (plans / f"synthetic_{i:05d}.yaml").write_text(
            f"# SYNTHETIC plan (benchmarks/scale.py --reports): made-up numbers\n"
            f"plan:\n  id: synthetic_{i:05d}\n  title_zh: 合成规划{i:05d}\n  region: {region}\n"
            f"  document_number: null\n  issued: null\n  source: sources/{i:05d}.txt\n  period: [2024, 2030]\n"
            f"  domain: vocational\ntargets:\n" + "".join(lines), encoding="utf-8")
    (plans / "regions.yaml").write_text("".join(entries), encoding="utf-8")
    mine = act[act["region"].isin(regions)]
    actuals = folder / "synthetic_actuals.csv"
    mine[["region", "indicator", "year", "value", "unit"]].to_csv(actuals, index=False, float_format="%.6g")
    return plans, actuals


class _WorkerPeak:
    """The largest memory (USS, and PSS) of one worker (a process that runs kernels) plus its
    kernels, sampled every 0.2 s while a run goes on (psutil)."""

    def __init__(self):
        import threading

        self.peak, self.pss, self.stop = 0.0, 0.0, threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        while not self.stop.wait(0.2):
            workers: dict = {}
            try:
                for p in me.children(recursive=True):
                    if "ipykernel" in " ".join(p.cmdline()):
                        parent = p.parent()
                        workers.setdefault(parent.pid, [parent]).append(p)
                for procs in workers.values():
                    full = [q.memory_full_info() for q in procs]
                    self.peak = max(self.peak, sum(m.uss for m in full) / 2**20)
                    self.pss = max(self.pss, sum(m.pss for m in full) / 2**20)
            except psutil.Error:
                continue


def reports(cat, act: pd.DataFrame, sizes: list[int], jobs: int, schedulers, per_page: int = 0) -> None:
    """Render synthetic region pages with ``indicators run`` for each size, on each scheduler (None:
    the process pool); one line each."""
    import tempfile

    from indicators.run.runner import run

    names = sorted(set(cat.targets["region"]))
    for n, scheduler in ((n, s) for n in sizes for s in schedulers):
        with tempfile.TemporaryDirectory(prefix="scale-reports-") as d:
            plans, actuals = write_plans(cat, act, names[:n], Path(d), per_page)
            t0, c0 = time.perf_counter(), _cpu()
            with _WorkerPeak() as peak:
                result = run(regions=names[:n], actuals=[actuals], plans=[plans], jobs=jobs, out=Path(d) / "out",
                             progress=False, scheduler=scheduler)
            secs = time.perf_counter() - t0
            pages = len(result.reports)
            if result.failed:
                print(f"  {len(result.failed)} failed: {result.failed[0]['error']}")
            cpu = _cpu() - c0
            print(f"reports: {pages} pages in {secs:.1f} s, {secs / max(pages, 1):.2f} s/page, peak {peak.peak:.0f} MB "
                  f"per worker ({scheduler or 'process pool'}, {jobs} workers; {cpu / max(pages, 1):.2f} CPU s/page; "
                  f"PSS {peak.pss:.0f} MB; load average {_load()})", flush=True)


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (workers, kernels, Dask):
    a figure the machine's other load does not stretch as much as the wall time."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _peak_mb() -> float:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kb, child_kb) / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=10000, help="number of synthetic series")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes for assess")
    ap.add_argument("--reports", type=int, default=0, help="also render 50, 200, 800 (up to N) synthetic region pages")
    ap.add_argument("--per-page", type=int, default=0,
                    help="indicators (charts) per synthetic region page (0: all of the region's, up to 35)")
    ap.add_argument("--no-assess", action="store_true", help="skip the series with breakdowns (the assess line)")
    ap.add_argument("--pool-only", action="store_true", help="--reports on the process pool only, not on Dask")
    ap.add_argument("--scheduler", default=None,
                    help="'local' or tcp://HOST:8786: also time assess and the report notebooks on Dask")
    args = ap.parse_args(argv)
    if not args.no_assess:
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
        print(f"assess: {n} series in {secs:.1f} s, {n / secs:.0f} series/s ({args.jobs} worker processes; "
              f"load average {_load()})", flush=True)
        del cat, act, out
    # planner-like series: no breakdown, so every series has a chart path in the run's context
    from indicators.actuals.load import Actuals
    from indicators.reports.context import build_context

    pcat, pact = synthetic(args.series, planner=True)
    n = pact[pact["layer"] == "planner"].groupby(["region", "indicator", "breakdown"]).ngroups
    t0, c0 = time.perf_counter(), _cpu()
    ctx = build_context(catalog=pcat, act=Actuals(pact), jobs=args.jobs)
    secs, cpu = time.perf_counter() - t0, _cpu() - c0
    paths = ctx.paths.groupby(["region", "indicator"]).ngroups
    print(f"context: {paths} paths in {secs:.1f} s ({n} planner-like series, {len(ctx.assessment)} verdicts, "
          f"{args.jobs} worker processes; {cpu:.1f} CPU s; load average {_load()})", flush=True)
    del ctx
    if args.reports:
        sizes = sorted({s for s in (50, 200, 800) if s <= args.reports} | {args.reports})
        reports(pcat, pact, sizes, args.jobs, (None,) if args.pool_only else (None, "local"), args.per_page)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Seconds per report: the local process pool against a Dask LocalCluster, same jobs, same regions.

Runs the report notebooks for every bundled region (and the overview) with `indicators.run`, once
on the default process pool and once with `scheduler="local"` (a LocalCluster of `--jobs` worker
processes, started and stopped inside the timed run, as `indicators run --scheduler local` does).
Prints the figures and their ratio; the goal is Dask <= 1.1x the pool. Nothing is asserted. The
region pages of the two runs are compared byte for byte.

    python benchmarks/dask_reports.py [--jobs 2] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def _timed(out: Path, jobs: int, scheduler: str | None) -> tuple[float, int, dict]:
    from indicators.run.runner import run

    t = time.perf_counter()
    result = run(out=out, jobs=jobs, progress=False, scheduler=scheduler)
    seconds = time.perf_counter() - t
    if not result.ok:
        raise SystemExit(f"failed: {result.failed}")
    return seconds, len(result.reports), {Path(r["html"]).name: Path(r["html"]).read_bytes() for r in result.reports}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2, help="worker processes for both (2)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each, alternating; the best is kept (1)")
    args = ap.parse_args()
    os.environ.pop("INDICATORS_SCHEDULER", None)
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as d:
        for i in range(args.repeat):
            for name, scheduler in (("pool", None), ("dask", "local")):
                s, n, pages = _timed(Path(d) / f"{name}{i}", args.jobs, scheduler)
                best[name] = min(best.get(name, s), s)
                if name == "pool":
                    pool_pages = pages
                else:
                    same = pages == pool_pages
    pool, dask = best["pool"] / n, best["dask"] / n
    print(f"{n} reports, {args.jobs} jobs, {os.cpu_count()} cores (wall time of the whole run / reports, "
          f"best of {args.repeat}; includes context, cluster start and publishing)")
    print(f"pool: {pool:.2f} s per report ({best['pool']:.1f} s)")
    print(f"dask: {dask:.2f} s per report ({best['dask']:.1f} s, LocalCluster started and stopped in the run)")
    print(f"ratio dask/pool: {dask / pool:.2f} (goal <= 1.10); region pages byte-identical: {same}")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

"""Time the whole default report suite against its floor.

The floor is what papermill costs anyway: executing an empty notebook (one trivial cell) the same
number of times, with the same number of parallel workers (a fresh kernel each). The goal is suite <=
2x floor on 2 cores. The suite's notebooks are real papermill runs too, in warm kernels (a worker keeps
its kernel between notebooks, reset before each; ``run/execute.py``). The load average is printed
beside the figures: the machine is shared, and a loaded machine stretches both.

    python benchmarks/suite.py [--jobs 2] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook


def _empty(path: str) -> float:
    import papermill as pm

    t = time.perf_counter()
    pm.execute_notebook(path, path + ".out.ipynb", kernel_name="python3", progress_bar=False, parameters={})
    return time.perf_counter() - t


def floor(n: int, jobs: int) -> float:
    with tempfile.TemporaryDirectory() as d:
        nb = new_notebook(cells=[new_code_cell("1 + 1")])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        paths = []
        for i in range(n):
            p = Path(d) / f"empty{i}.ipynb"
            nbformat.write(nb, p)
            paths.append(str(p))
        t = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(_empty, paths))
        return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    from indicators.run.runner import run

    out = args.out or Path(tempfile.mkdtemp()) / "reports"
    t = time.perf_counter()
    result = run(out=out, jobs=args.jobs, progress=False)
    suite = time.perf_counter() - t
    n = len(result.reports) + len(result.failed)
    fl = floor(n, args.jobs)
    print(f"notebooks executed : {n} ({len(result.failed)} failed), jobs={args.jobs}")
    print(f"suite              : {suite:7.1f} s")
    print(f"floor (empty nb x{n}): {fl:7.1f} s")
    print(f"ratio suite/floor  : {suite / fl:7.2f}  (goal <= 2.0)")
    print(f"load average       : {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())

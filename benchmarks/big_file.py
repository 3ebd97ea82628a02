"""How long does a planner's very large file take to validate? A synthetic load test.

No planner file of a million rows exists, so this script MAKES ONE UP in a temporary directory
(never in data/): a long CSV ``region, indicator, breakdown, year, value, unit`` with real region
names and indicator keys of the bundled catalogue and made-up values (a share between 0 and 100,
a count otherwise), one row per (region, indicator, breakdown, year). It then times
``indicators validate`` on it in a fresh process and reports its peak memory.

    python benchmarks/big_file.py [--rows 1000000] [--keep DIR]

The last line reads ``validate: N rows in S s, peak M MB``. The goal (issue "Nothing misread,
nothing lost"): a 1,000,000-row file validates in well under a minute and under 2 GB, as before
the strict number reader (36 s, 1.3 GB for the whole run).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import indicators as I
from indicators.units import unit_of

SEED = 20261202


def write_file(path: Path, rows: int) -> int:
    """Write ``rows`` synthetic rows (fewer if the catalogue's cells run out); return how many."""
    import random

    rng = random.Random(SEED)
    cat = I.load_catalog()
    regions = sorted(r.name for r in cat.regions)
    indicators = sorted(cat.vocabulary.indicators.values(), key=lambda i: i.key)
    years = range(1990, 2031)
    cells = itertools.product(regions, indicators, (f"分项{k}" for k in range(1, 6)), years)
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["region", "indicator", "breakdown", "year", "value"])
        for region, ind, breakdown, year in cells:
            if n >= rows:
                break
            value = round(rng.uniform(1, 99), 1) if unit_of(ind.unit).is_share else rng.randint(0, 500_000)
            w.writerow([region, ind.key, breakdown, year, value])
            n += 1
    return n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--keep", type=Path, help="write the file here instead of a temporary directory")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="indicators-big-") as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        path = where / "synthetic_big.csv"
        t0 = time.perf_counter()
        n = write_file(path, args.rows)
        print(f"wrote {n} synthetic rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")
        exe = Path(sys.executable).with_name("indicators")
        t0 = time.perf_counter()
        proc = subprocess.run([str(exe), "validate", str(path)], capture_output=True, text=True,
                              env={**os.environ, "COLUMNS": "200"})
        seconds = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "(no summary line)")
        print(f"validate: {n} rows in {seconds:.1f} s, peak {peak:.0f} MB, exit {proc.returncode}")
        return 0 if proc.returncode in (0, 1) else proc.returncode


if __name__ == "__main__":
    sys.exit(main())

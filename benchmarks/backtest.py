"""Backtest of the forecasts and risk flags on outcomes already known.

    python benchmarks/backtest.py            # full run: bundled series + 645 M3 yearly series
    python benchmarks/backtest.py --quick    # a deterministic sample, seconds (smoke test)

A thin wrapper over ``indicators.evaluation.backtest`` (the same as ``indicators backtest``): prints the
summary tables and the wall time, and writes reports/backtest.csv (or --out DIR). The ``real`` rows
score the raw ladder; ``real_holdout`` and ``real_lopo`` the calibrated one, judged on errors its maps
were not fitted on (``benchmarks/calibrate.py`` rebuilds the shipped maps).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "reports")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    import indicators
    from indicators.evaluation.backtest import write_backtest

    report, summary = write_backtest(indicators.load_catalog(), args.out, quick=args.quick)
    print(report)
    print(summary + " (one process; every series and origin fitted at once)")


if __name__ == "__main__":
    main()

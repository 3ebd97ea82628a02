"""Backtest of the forecasts and risk flags on outcomes already known.

    python benchmarks/backtest.py            # full run: bundled series + 645 M3 yearly series
    python benchmarks/backtest.py --quick    # a deterministic sample, seconds (smoke test)

A thin wrapper over ``indicators.backtest`` (the same as ``indicators backtest``): prints the
summary tables and the wall time, and writes reports/backtest.csv (or --out DIR).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "reports")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    import indicators
    from indicators.backtest import format_report, load_inputs, run_backtest
    from indicators.output import to_csv_text, write_atomic

    start = time.perf_counter()
    real, m3, last = load_inputs(indicators.load_catalog(), quick=args.quick)
    result = run_backtest(real, m3, m3_last_origins=last)
    write_atomic(args.out / "backtest.csv", to_csv_text(result["tidy"]).encode("utf-8"))
    print(format_report(result["tidy"]))
    print(f"{len(real)} bundled series, {len(m3)} M3 yearly series"
          f"{' (quick sample)' if args.quick else ''}; wrote {args.out / 'backtest.csv'}")
    print(f"wall time: {time.perf_counter() - start:.1f} s (one process; every series and origin fitted at once)")


if __name__ == "__main__":
    main()

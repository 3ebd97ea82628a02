"""Rebuild the forecast calibration shipped with the package, and print its honest figures.

    python benchmarks/calibrate.py           # refit src/indicators/forecast/calibration.json (about 40 s)
    python benchmarks/calibrate.py --check   # refit in memory; exit 1 if the shipped file differs
    make calibration                         # the same as the first line

The maps are fitted on the PIT values of the raw ladder at every rolling origin of the bundled
series (``evaluation.calibrate``), so the file must be rebuilt whenever the ladder, its models or
the bundled actuals change (``tests/test_calibration.py`` says so when the recorded hashes differ).
Deterministic: rebuilding from the same code and data gives a byte-identical file. After writing,
it prints the goal figures of the calibration judged on errors it was not fitted on: the temporal
hold-out (fitted on outcomes up to 2014, judged on origins from 2015) and leave-one-region-out.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file, write nothing")
    parser.add_argument("--no-report", action="store_true", help="skip the hold-out and LOPO figures")
    args = parser.parse_args()

    import indicators
    from indicators.actuals.load import bundled_data_dir, load_actuals
    from indicators.evaluation.backtest import calibration_report, real_series
    from indicators.evaluation.calibrate import build, proxy_holdout
    from indicators.forecast import calibration
    from indicators.writing import write_atomic

    start = time.perf_counter()
    catalog = indicators.load_catalog()
    real = real_series(load_actuals(catalog=catalog).frame, catalog.vocabulary)
    table, pits = build(real, bundled_data_dir())
    text = table.to_json().encode("utf-8")
    path = Path(calibration.__file__).with_name(calibration.FILE)
    counts = pits.groupby("path").size().to_dict()
    print(f"{len(table.cells)} cells fitted on {len(pits)} errors {counts} from {len(real)} series "
          f"({time.perf_counter() - start:.0f} s)")
    if args.check:
        same = path.exists() and path.read_bytes() == text
        print(f"{path}: {'up to date' if same else 'DIFFERS from a rebuild: run python benchmarks/calibrate.py'}")
        return 0 if same else 1
    changed = not path.exists() or path.read_bytes() != text
    write_atomic(path, text)
    calibration.shipped.cache_clear()
    print(f"wrote {path} ({'changed' if changed else 'unchanged, byte-identical'})")
    if not args.no_report:
        _, report = calibration_report(real)
        print(report)
        print("== the proxy maps, each province judged with the maps of the other 30 ==")
        print(proxy_holdout(pits).round(3).to_string(index=False))
        print(f"total {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

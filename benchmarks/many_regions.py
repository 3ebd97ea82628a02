"""Does `indicators run --region ONE` still work with plans for 10,000 regions? A synthetic load test.

No planner has 10,000 regions' plans in one folder; this script MAKES THEM UP, in a temporary
folder (never in data/): 100 synthetic cities 合成市001... under 山东省, each with 100 synthetic
districts 合成00001区..., every district with one small plan file (two targets, quoted from its own
small source text in a subfolder) and three years of made-up actuals. The numbers mean nothing.

    python benchmarks/many_regions.py [--regions 10000] [--keep DIR] [--profile] [--no-run]
    python benchmarks/many_regions.py --scaling


It prints the seconds to write the files, to load the catalogue (``load_catalog``, which checks every
plan file and quote), and to run ``indicators run --region <one synthetic district>`` end to end
(one notebook plus the overview). ``--profile`` prints the top of a cProfile of the catalogue load and
of ``build_context`` for the one region.

``--scaling`` prints instead how the catalogue load grows (500 and 2,000 plan files: about 4x the time
for 4x the files, never 16x), how long resolving a region's name among 10,000 takes, and how long the
YAML alias bomb of tests/test_plan_files.py takes to be refused. These were timed asserts in the tests;
a time is a figure to print, not a test to pass on a busy machine.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PER_CITY = 100


def district(i: int) -> str:
    return f"合成{i:05d}区"


def write_files(folder: Path, n: int) -> tuple[Path, Path]:
    """The plans folder (regions.yaml, one plan per district, sources/) and an actuals CSV."""
    plans = folder / "plans"
    (plans / "sources").mkdir(parents=True)
    regions = ["# SYNTHETIC regions written by benchmarks/many_regions.py: not real places\n"]
    for c in range((n + PER_CITY - 1) // PER_CITY):
        regions.append(f"合成市{c:03d}:\n  en: Synthetic City {c:03d}\n  level: city\n  parent: 山东省\n")
    rows = ["region,indicator,year,value,unit\n"]
    for i in range(n):
        name = district(i)
        share, ratio = 60 + i % 30, 18 + i % 5
        regions.append(f"{name}:\n  en: Synthetic District {i:05d}\n  level: district\n"
                       f"  parent: 合成市{i // PER_CITY:03d}\n")
        text = f"到2026年双师型教师比例达到{share}%以上，生师比不高于{ratio}:1。"
        (plans / "sources" / f"{i:05d}.txt").write_text(text, encoding="utf-8")
        (plans / f"synthetic_{i:05d}_2024.yaml").write_text(
            f"# SYNTHETIC plan (benchmarks/many_regions.py): made-up numbers\n"
            f"plan:\n  id: synthetic_{i:05d}_2024\n  title_zh: 合成规划{i:05d}\n  region: {name}\n"
            f"  document_number: null\n  issued: null\n  source: sources/{i:05d}.txt\n  period: [2024, 2026]\n"
            f"  domain: vocational\ntargets:\n"
            f"  - {{indicator: sec_voc_dual_qualified_teacher_share, year: 2026, written: 达到{share}%以上,"
            f" kind: target, clause: 一, quote: 到2026年双师型教师比例达到{share}%以上}}\n"
            f"  - {{indicator: sec_voc_student_teacher_ratio, year: 2026, written: '不高于{ratio}:1',"
            f" kind: target, clause: 一, quote: '生师比不高于{ratio}:1'}}\n", encoding="utf-8")
        for k, year in enumerate((2021, 2022, 2023)):
            rows.append(f"{name},sec_voc_dual_qualified_teacher_share,{year},{share - 6 + 2 * k},percent\n")
    (plans / "regions.yaml").write_text("".join(regions), encoding="utf-8")
    actuals = folder / "synthetic_actuals.csv"
    actuals.write_text("".join(rows), encoding="utf-8")
    return plans, actuals


def _profiled(fn, label: str, profile: bool):
    prof = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    result = prof.runcall(fn) if prof else fn()
    seconds = time.perf_counter() - t0
    if prof:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(18)
        print(f"--- profile: {label}\n{out.getvalue()}")
    return result, seconds


def scaling() -> None:
    """The catalogue load at 500 and 2,000 plan files, a name resolved among 10,000 regions, an alias bomb refused."""
    import yaml

    from indicators.errors import CatalogError
    from indicators.plans.catalog import load_catalog
    from indicators.plans.regions import Region, Regions

    with tempfile.TemporaryDirectory(prefix="many-regions-") as tmp:
        seconds = {}
        for n in (500, 2000):
            plans, _ = write_files(Path(tmp) / str(n), n)
            t0 = time.perf_counter()
            load_catalog([plans], env=False, bundled=False)
            seconds[n] = time.perf_counter() - t0
        print(f"load_catalog: 500 files {seconds[500]:.2f} s, 2000 files {seconds[2000]:.2f} s "
              f"({seconds[2000] / seconds[500]:.1f}x for 4x the files)")
        regions = Regions({district(i): Region(district(i), f"Synthetic District {i:05d}", "district", "聊城市")
                           for i in range(10_000)})
        names = list(regions.regions)
        t0 = time.perf_counter()
        regions.resolve("合成01234区", among=names)
        regions.resolve("Synthetic District 01234", among=names)
        print(f"resolve a name among 10,000 regions (Chinese and English): {time.perf_counter() - t0:.3f} s")
        bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
        folder = Path(tmp) / "bomb"
        folder.mkdir()
        (folder / "p.yaml").write_text(bomb + yaml.safe_dump({"plan": {"id": "p"}}), encoding="utf-8")
        t0 = time.perf_counter()
        try:
            load_catalog([folder], env=False, bundled=False)
        except CatalogError as exc:
            codes = sorted({p.code for p in exc.problems})
        print(f"alias bomb (10^9 nodes) refused as {', '.join(codes)} in {time.perf_counter() - t0:.3f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, help="write the files here (kept) instead of a temporary folder")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--no-run", action="store_true", help="only load the catalogue")
    ap.add_argument("--scaling", action="store_true", help="print how the load grows, and two refusals' times")
    args = ap.parse_args(argv)
    if args.scaling:
        scaling()
        return 0
    from indicators.plans.catalog import load_catalog
    from indicators.actuals.load import load_actuals
    from indicators.reports.context import build_context

    with tempfile.TemporaryDirectory(prefix="many-regions-") as tmp:
        folder = args.keep or Path(tmp)
        t0 = time.perf_counter()
        plans, actuals = write_files(folder, args.regions)
        print(f"wrote {args.regions} synthetic plan files in {time.perf_counter() - t0:.1f} s ({folder})")
        cat, s_load = _profiled(lambda: load_catalog([plans], env=False), "load_catalog", args.profile)
        print(f"load_catalog: {len(cat.plans)} plans, {len(cat.targets)} targets in {s_load:.1f} s")
        one = district(args.regions // 2)
        act = load_actuals([actuals], catalog=cat)
        _, s_ctx = _profiled(lambda: build_context(catalog=cat, act=act, regions=[one]), "build_context", args.profile)
        print(f"build_context for one region: {s_ctx:.1f} s")
        if not args.no_run:
            env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
            cmd = [sys.executable, "-m", "indicators.cli.main", "run", "--region", one, "--plans", str(plans),
                   "--actuals", str(actuals), "--out", str(folder / "reports"), "--jobs", "2"]
            t0 = time.perf_counter()
            done = subprocess.run(cmd, env=env, capture_output=True, text=True)
            s_run = time.perf_counter() - t0
            print(done.stdout[-2000:], done.stderr[-2000:], sep="\n")
            print(f"run --region {one}: exit {done.returncode} in {s_run:.1f} s")
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())

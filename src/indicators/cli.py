"""Command line: ``indicators <command>``. Every command takes ``--plans DIR`` for planner plans.

Errors in inputs are printed as a table (file, row, column, value, what was expected) on stderr
with exit status 1; nothing is written when a command fails.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from . import __version__
from .errors import IndicatorsError, ValidationError
from .output import emit

__all__ = ["main", "build_parser"]


def _catalog(args):
    from .catalog import load_catalog

    cat = load_catalog(args.plans or None, include_drafts=getattr(args, "include_drafts", False))
    if getattr(args, "region", None) and isinstance(args.region, str):
        args.region = _region(cat, args.region)
    return cat


def _region(catalog, name: str) -> str:
    """A region argument as the planner typed it (环翠, "环翠区 ", 威海市环翠区): resolved, or a
    RegionError listing the closest names (exit 1)."""
    region, note = catalog.regions.resolve(name)
    if note:
        print(f"note: {note}", file=sys.stderr)
    return region


def _warn(act) -> None:
    """Every planner row that will not be used, named on stderr (a run never ignores rows silently)."""
    for w in act.warnings:
        if w.severity == "warning":
            print(w.line(), file=sys.stderr)


def _filter_args(p: argparse.ArgumentParser, plan=True, domain=True) -> None:
    if plan:
        p.add_argument("--plan", help="plan id, e.g. chiping_2020")
    p.add_argument("--region", help="region in Chinese (茌平区) or English (Chiping District)")
    if domain:
        p.add_argument("--domain", help="vocational, basic_education, intellectual_property, ...")


def _out_args(p: argparse.ArgumentParser, formats=("table", "csv", "json")) -> None:
    p.add_argument("--format", choices=formats, default="table")
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of the screen")


# --- commands -------------------------------------------------------------------------------

def cmd_plans(args) -> int:
    cat = _catalog(args)
    frame = cat.plans_frame()
    if args.format == "table":
        frame = frame.drop(columns=["title_zh", "source"])
    emit(frame, args.format, args.output)
    return 0


def cmd_targets(args) -> int:
    cat = _catalog(args)
    frame = cat.select(plan=args.plan, region=args.region, domain=args.domain, kind=args.kind)
    cols = ["plan", "region", "region_en", "indicator", "indicator_zh", "year", "value", "value_high", "comparator",
            "unit", "kind", "domain", "clause", "quote", "written", "unit_written", "tolerance", "year_note",
            "breakdown", "direction", "note", "target_id"]
    if args.format == "table":
        cols = ["plan", "region", "indicator", "year", "comparator", "value", "unit", "kind", "clause", "written"]
    emit(frame[cols], args.format, args.output)
    return 0


def cmd_check_plans(args) -> int:
    from .checks import check_plans

    cat = _catalog(args)
    frame = check_plans(cat, plan=args.plan, region=args.region)
    if args.format == "table":
        counts = frame["check"].value_counts().to_dict()
        print(f"{len(frame)} finding(s): " + ", ".join(f"{k} {v}" for k, v in counts.items()) +
              " (information about the plans, not errors)", file=sys.stderr)
        frame = frame[["check", "plan", "region", "year", "indicator", "stated", "computed", "difference", "detail"]]
    emit(frame, args.format, args.output)
    return 0


def cmd_draft(args) -> int:
    from .draft_file import check_draft, draft_plan

    if args.check:
        rows = check_draft(args.source)
        emit(pd.DataFrame(rows, columns=["file", "row", "indicator", "year", "written", "quote"]), args.format, None)
        print(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'} still to confirm in {args.source}", file=sys.stderr)
        return 0
    if not args.region:
        raise IndicatorsError("indicators draft: --region is required (the region in Chinese, e.g. 镇江市)")
    out, d = draft_plan(args.source, args.region, args.output, args.plan_id)
    print(f"wrote {out}: {len(d.entries)} drafted entr{'y' if len(d.entries) == 1 else 'ies'}, all confirmed: false; "
          f"{len(d.new_keys)} proposed new indicator key(s); {len(d.skipped)} number(s) not drafted (listed at the "
          f"end). Check them, then `indicators targets --plans {out.parent} --include-drafts`", file=sys.stderr)
    return 0


def _actuals(args, catalog, files=None):
    from .actuals import load_actuals

    input_region = getattr(args, "input_region", None)
    return load_actuals(files if files is not None else (args.actuals or []), catalog=catalog,
                        region=_region(catalog, input_region) if input_region else None)


def cmd_validate(args) -> int:
    """Only the checks: every problem in every file, as one table; exit 1 if any is an error."""
    from .actuals import read_actuals_file
    from .errors import problems_frame

    cat = _catalog(args)
    problems, rows = [], 0
    for f in args.files:
        frame, probs = read_actuals_file(f, cat.vocabulary, cat.regions, region=args.input_region)
        problems.extend(probs)
        rows += len(frame)
    errors = [p for p in problems if p.severity == "error"]
    if problems:
        emit(problems_frame(problems), args.format, args.output)
    print(f"{len(args.files)} file(s), {rows} value(s) read, {len(errors)} error(s), "
          f"{len(problems) - len(errors)} warning(s) or missing value(s)", file=sys.stderr)
    return 1 if errors else 0


def cmd_actuals(args) -> int:
    cat = _catalog(args)
    act = _actuals(args, cat)
    frame = act.select(region=args.region) if args.region else act.frame
    if args.indicator:
        frame = frame[frame["indicator"] == args.indicator]
    if args.format == "table":
        frame = frame[["region", "indicator", "definition", "year", "value", "unit", "value_as_published",
                       "unit_as_published", "source_title"]]
    emit(frame, args.format, args.output)
    if len(act.overrides):
        print(f"{len(act.overrides)} bundled value(s) overridden by your files:", file=sys.stderr)
        print(act.overrides.to_string(index=False), file=sys.stderr)
    _warn(act)
    return 0


def cmd_template(args) -> int:
    from .actuals import template
    from .output import write_atomic

    cat = _catalog(args)
    act = _actuals(args, cat)
    frame = template(cat, act, args.region, layout=args.layout)
    fmt = args.format or ("xlsx" if args.output.suffix.lower() == ".xlsx" else "csv")
    if fmt == "xlsx":
        import io

        buf = io.BytesIO()
        sheet = str(frame["region"].iloc[0]) if "region" in frame else args.region
        with pd.ExcelWriter(buf, engine="openpyxl") as xl:
            frame.to_excel(xl, index=False, sheet_name="actuals" if args.layout == "long" else sheet)
        write_atomic(args.output, buf.getvalue())
    else:
        emit(frame, "csv", args.output)
    print(f"wrote {args.output}: {len(frame)} row(s); fill in the blanks and run "
          f"`indicators validate {args.output}`", file=sys.stderr)
    return 0


def cmd_assess(args) -> int:
    from .assess import Thresholds, assess

    cat = _catalog(args)
    act = _actuals(args, cat)
    _warn(act)
    frame = assess(cat, act, as_of=args.as_of, region=args.region, plan=args.plan,
                   domain=None if args.domain == "all" else args.domain, lang=args.lang,
                   thresholds=Thresholds(args.on_track, args.at_risk))
    if args.format == "table":
        frame = frame[["region", "indicator", "year", "clause", "comparator", "target", "latest_year",
                       "latest_value", "forecast", "p_meet", "status", "explanation"]]
    emit(frame, args.format, args.output)
    return 0


def cmd_backtest(args) -> int:
    """Replay history: forecast accuracy, 80% interval coverage and flag quality on known outcomes
    (bundled series and M3 yearly); prints the tables and writes <out>/backtest.csv (tidy)."""
    import time

    from .backtest import format_report, load_inputs, run_backtest
    from .output import to_csv_text, write_atomic

    start = time.perf_counter()
    real, m3, last = load_inputs(_catalog(args), quick=args.quick)
    result = run_backtest(real, m3, m3_last_origins=last)
    path = args.out / "backtest.csv"
    write_atomic(path, to_csv_text(result["tidy"]).encode("utf-8"))
    print(format_report(result["tidy"]))
    note = " (quick: a deterministic sample, not the backtest's figures)" if args.quick else ""
    print(f"{len(real)} bundled and {len(m3)} M3 series, {time.perf_counter() - start:.0f} s{note}; wrote {path}",
          file=sys.stderr)
    return 0


def _backtest_args(p):
    p.add_argument("--out", type=Path, default=Path("reports"), help="directory for backtest.csv (reports)")
    p.add_argument("--quick", action="store_true", help="a small deterministic sample of the series (smoke test)")


def cmd_run(args) -> int:
    from .runner import run

    result = run(regions=args.region, actuals=args.actuals, as_of=args.as_of, lang=args.lang, jobs=args.jobs,
                 out=args.out, plans=args.plans, domain=args.domain, timeout=args.timeout,
                 input_region=args.input_region, on_track=args.on_track, at_risk=args.at_risk,
                 scheduler=args.scheduler, pdf=args.pdf)
    print(f"{len(result.reports)} report(s) in {result.out} ({result.seconds:.0f} s); open "
          f"{result.out / 'index.html'}", file=sys.stderr)
    for note in result.notes:
        print(note, file=sys.stderr)
    for f in result.failed:
        print(f"FAILED {f['region'] or f['key']}: {f['error']} (executed notebook kept in {f['notebook']})",
              file=sys.stderr)
    return 0 if result.ok else 1


def _run_args(p):
    p.add_argument("--region", action="append", help="region(s) to report on (default: every region with a plan)")
    _actuals_args(p)
    _judgement_args(p)
    p.add_argument("--jobs", type=int, default=2, help="notebooks executed in parallel (2)")
    p.add_argument("--out", type=Path, default=Path("reports"))
    p.add_argument("--domain", default="vocational", help="plan domain for the overview and reports ('all' for every)")
    p.add_argument("--timeout", type=int, default=600, help="seconds allowed per notebook cell (600)")
    p.add_argument("--pdf", action="store_true", help="also write an A4 PDF per report (needs Chromium)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run the notebooks on Dask: 'local' (a LocalCluster of "
                   "--jobs workers) or tcp://HOST:8786 (default: $INDICATORS_SCHEDULER, else local processes)")


def _actuals_args(p):
    p.add_argument("--actuals", action="append", type=Path, metavar="FILE",
                   help="planner file(s), CSV or XLSX, long or wide; later files override earlier ones")
    p.add_argument("--input-region", help="region of a wide file whose sheets are not named by region")


def _judgement_args(p):
    """Shared by assess and run: the same inputs give the same verdicts."""
    p.add_argument("--as-of", type=int, help="use only actuals up to this year (default: latest actual year)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--on-track", type=float, default=0.7, help="p_meet at or above this: on_track (0.7)")
    p.add_argument("--at-risk", type=float, default=0.3, help="p_meet at or above this: at_risk (0.3)")


def _assess_args(p):
    _filter_args(p)
    _actuals_args(p)
    _judgement_args(p)
    p.set_defaults(domain="vocational")
    _out_args(p, ("table", "csv", "json", "xlsx"))


COMMANDS = {
    "plans": (cmd_plans, "list the plans in the catalogue", lambda p: _out_args(p)),
    "targets": (cmd_targets, "one row per target, baseline and rule, with its source quote",
                lambda p: (_filter_args(p), p.add_argument("--kind", choices=["target", "baseline", "rule"]),
                           _out_args(p))),
    "check-plans": (cmd_check_plans, "conflicts and inconsistencies inside the plans (exit 0: information)",
                    lambda p: (_filter_args(p, domain=False), _out_args(p))),
    "validate": (cmd_validate, "check actuals files and print every problem (exit 1 on errors)",
                 lambda p: (p.add_argument("files", nargs="+", type=Path),
                            p.add_argument("--input-region", help="region for a wide file without region sheets"),
                            _out_args(p))),
    "actuals": (cmd_actuals, "the actuals the tool will use: bundled data, plan baselines and your files",
                lambda p: (p.add_argument("--region"), p.add_argument("--indicator"), _actuals_args(p),
                           _out_args(p))),
    "template": (cmd_template, "write an input file for a region, pre-filled with known actuals",
                 lambda p: (p.add_argument("--region", required=True),
                            p.add_argument("--layout", choices=["wide", "long"], default="wide"),
                            p.add_argument("--format", choices=["xlsx", "csv"]),
                            p.add_argument("-o", "--output", type=Path, required=True), _actuals_args(p))),
    "draft": (cmd_draft, "draft a plan YAML from a plan's text (every entry confirmed: false)",
              lambda p: (p.add_argument("source", type=Path, help="the plan's text (UTF-8), or with --check a plan YAML"),
                         p.add_argument("--region"), p.add_argument("--plan-id"),
                         p.add_argument("-o", "--output", type=Path, help="plan YAML (default: beside the source)"),
                         p.add_argument("--check", action="store_true", help="list the entries still to confirm"),
                         p.add_argument("--format", choices=["table", "csv", "json"], default="table"))),
    "run": (cmd_run, "execute the report notebooks and publish HTML reports", _run_args),
    "assess": (cmd_assess, "status, probability and explanation for every dated target", _assess_args),
    "backtest": (cmd_backtest, "accuracy, interval coverage and flag quality on outcomes already known",
                 _backtest_args),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="indicators",
        description="Targets of vocational-education plans, actuals, forecasts and risk flags.",
    )
    parser.add_argument("--version", action="version", version=f"indicators {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="command")
    sub.required = True
    for name, (func, help_text, add_arguments) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--plans", action="append", type=Path, metavar="DIR",
                       help="directory of extra plan YAML files (repeatable; also $INDICATORS_PLANS)")
        p.add_argument("--include-drafts", action="store_true",
                       help="load drafted entries (confirmed: false) as they are")
        add_arguments(p)
        p.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    pd.set_option("display.unicode.east_asian_width", True)
    pd.set_option("display.width", 250)
    pd.set_option("display.max_colwidth", 60)
    pd.set_option("display.max_rows", None)
    try:
        return int(args.func(args) or 0)
    except ValidationError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    except IndicatorsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `indicators targets | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


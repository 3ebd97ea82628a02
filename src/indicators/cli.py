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
    from .targets import load_catalog

    return load_catalog(args.plans or None)


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


COMMANDS = {
    "plans": (cmd_plans, "list the plans in the catalogue", lambda p: _out_args(p)),
    "targets": (cmd_targets, "one row per target, baseline and rule, with its source quote",
                lambda p: (_filter_args(p), p.add_argument("--kind", choices=["target", "baseline", "rule"]),
                           _out_args(p))),
    "check-plans": (cmd_check_plans, "conflicts and inconsistencies inside the plans (exit 0: information)",
                    lambda p: (_filter_args(p, domain=False), _out_args(p))),
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


"""Command line: ``indicators <command>``. Every command takes ``--plans DIR`` for planner plans
and ``--lang zh|en``: tables and explanations in Chinese by default, help in the user's locale
(``cli.help``). The commands that print a table (``_out_args``: plans, targets, check-plans,
actuals, validate, assess) take ``--format`` and ``-o``; screen tables fit the terminal
(``cli.tables``); ``--wide``, CSV and JSON give every column. ``template`` and ``draft`` have their
own ``--format``/``-o``, ``draft-actuals`` its ``-o`` (.csv or .xlsx); ``run`` and ``backtest`` write into
``--out DIR``.

Errors in inputs are printed as a table (file, row, column, value, what was expected) on stderr
with exit status 1; nothing is written when a command fails.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

import pandas as pd

from ..version import __version__
from .help import COMMAND_HELP, HELP, help_lang
from ..rules import DEFAULT_AT_RISK, DEFAULT_ON_TRACK
from ..errors import IndicatorsError, ValidationError
from ..writing import write_atomic
from .output import emit, resolve_format
from ..words.explain import CHECK_LABELS, CLI_WORDS, WORDS

__all__ = ["main", "build_parser"]


def _catalog(args):
    from ..plans.catalog import load_catalog

    cat = load_catalog(args.plans or None, include_drafts=getattr(args, "include_drafts", False))
    if getattr(args, "region", None) and isinstance(args.region, str):
        args.region = _region(cat, args.region, args)
    elif getattr(args, "region", None):  # repeatable (assess, run): each resolved
        args.region = [_region(cat, r, args) for r in args.region]
    return cat


def _lang(args) -> str:
    """The language of tables and explanations: --lang, else the project's default, Chinese."""
    return getattr(args, "lang", None) or "zh"


def _say(args, key: str, **values) -> str:
    """One of the command line's own messages (``words.explain.CLI_WORDS``) in the user's language."""
    return CLI_WORDS[_lang(args)][key].format(**values)


def _screen(args, screen, frame, cat, *extra):
    """The frame to emit and how it fits: the screen table (names, fitted) unless --wide or a file format."""
    if args.format != "table" or getattr(args, "wide", False):
        return frame, None
    return screen(frame, cat, _lang(args), *extra)


def _region(catalog, name: str, args=None) -> str:
    """A region argument as the planner typed it (环翠, "环翠区 ", 威海市环翠区): resolved, or a
    RegionError listing the closest names (exit 1)."""
    region, note = catalog.regions.resolve(name)
    if note:
        print(_say(args, "region_read_as", raw=name, region=region), file=sys.stderr)
    return region


def _warn(act) -> None:
    """Every planner row that will not be used, named on stderr (a run never ignores rows silently)."""
    for w in act.warnings:
        if w.severity == "warning":
            print(w.line(), file=sys.stderr)


def _filter_args(p, h: dict, plan=True, domain=True, many=False) -> None:
    if plan:
        p.add_argument("--plan", help=h["plan"])
    if many:
        p.add_argument("--region", action="append", help=h["regions"])
    else:
        p.add_argument("--region", help=h["region"])
    if domain:
        p.add_argument("--domain", help=h["domain"])


def _out_args(p, h: dict, formats=("table", "csv", "json", "xlsx"), wide=True, help_key="format") -> None:
    """--format (default: what -o's extension says, else a screen table; ``output.resolve_format``)
    and -o FILE."""
    p.add_argument("--format", choices=formats, default=None, help=h[help_key])
    p.add_argument("-o", "--output", type=Path, help=h["output"])
    p.set_defaults(formats=formats)
    if wide:
        p.add_argument("--wide", action="store_true", help=h["wide"])


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
        if not args.wide:
            cols += ["value_high", "breakdown"]
    from .tables import targets_screen

    shown, fit = _screen(args, targets_screen, frame[cols], cat)
    emit(shown, args.format, args.output, fit)
    return 0


def cmd_check_plans(args) -> int:
    from ..plans.checks import check_plans

    cat = _catalog(args)
    frame = check_plans(cat, plan=args.plan, region=args.region)
    if args.format == "table":
        counts = frame["check"].value_counts().to_dict()
        sep = WORDS[_lang(args)]["list_sep"]
        print(_say(args, "findings", n=len(frame), counts=sep.join(
            f"{CHECK_LABELS[_lang(args)].get(k, k)} {v}" for k, v in counts.items())), file=sys.stderr)
        if args.wide:
            frame = frame[["check", "plan", "region", "year", "indicator", "stated", "computed", "difference",
                           "detail"]]
    from .tables import checks_screen

    shown, fit = _screen(args, checks_screen, frame, cat)
    emit(shown, args.format, args.output, fit)
    return 0


def cmd_draft(args) -> int:
    from ..drafting.write import check_draft, draft_plan

    if args.check:
        rows = check_draft(args.source)
        emit(pd.DataFrame(rows, columns=["file", "row", "indicator", "year", "written", "quote"]), args.format, None)
        print(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'} still to confirm in {args.source}", file=sys.stderr)
        return 0
    if not args.region:
        raise IndicatorsError("indicators draft: --region is required (the region in Chinese, e.g. 镇江市)")
    out, d = draft_plan(args.source, args.region, args.output, args.plan_id)
    for note in d.notes:  # a scanned page of a PDF: said, never silently skipped
        print(f"note: {args.source}: {note}", file=sys.stderr)
    print(f"wrote {out}: {len(d.entries)} drafted entr{'y' if len(d.entries) == 1 else 'ies'}, all confirmed: false; "
          f"{len(d.new_keys)} proposed new indicator key(s); {len(d.skipped)} number(s) not drafted (listed at the "
          f"end). Check them, then `indicators targets --plans {out.parent} --include-drafts`", file=sys.stderr)
    return 0


def cmd_draft_actuals(args) -> int:
    """Actuals drafted from a statistical bulletin: every value with its quote, confirmed: false; the
    numbers not drafted printed with the reason (and in the file's not_drafted sheet or side file)."""
    from ..drafting.bulletin import draft_bulletin
    from ..drafting.bulletin_file import draft_frames, read_bulletin, write_draft
    from ..words.explain import DRAFT_ACTUALS_WORDS, NOT_DRAFTED

    cat = _catalog(args)
    lang = _lang(args)
    w = DRAFT_ACTUALS_WORDS[lang]
    text, name = read_bulletin(args.source)
    d = draft_bulletin(text, cat.vocabulary, args.region, year=args.year, regions=cat.regions)
    drafted, skipped = draft_frames(d, cat.vocabulary, args.source_title or d.title or name, args.source_url, lang)
    print(w["year"].format(year=d.year, source=w["title" if d.year_from == "title" else "given"]) if d.year
          else w["no_year"], file=sys.stderr)
    for c in d.conflicts:
        print(w["conflict"].format(detail=c), file=sys.stderr)
    if args.output:
        where = write_draft(drafted, skipped, args.output)
        print(w["wrote"].format(out=args.output, n=len(drafted), skipped=len(skipped), where=where), file=sys.stderr)
    else:
        emit(drafted, "csv", None)
        print(w["drafted"].format(n=len(drafted), skipped=len(skipped)), file=sys.stderr)
    for n in d.not_drafted:
        print(f"  {n.written}: {NOT_DRAFTED[lang][n.reason].format(detail=n.detail)}", file=sys.stderr)
    return 0


def _actuals(args, catalog, files=None):
    from ..actuals.load import load_actuals

    input_region = getattr(args, "input_region", None)
    return load_actuals(files if files is not None else (args.actuals or []), catalog=catalog,
                        region=_region(catalog, input_region, args) if input_region else None,
                        include_drafts=getattr(args, "include_drafts", False))


def cmd_validate(args) -> int:
    """Only the checks, errors first: on the screen the errors, then the warnings, then one line per
    row with blank cells ("中职生均拨款：2014–2018 年 5 个空值"; ``--all``: every blank cell); CSV and
    JSON keep one row per problem with the internal keys, in that order. Exit 1 if any is an error."""
    from ..actuals.files import read_actuals_file
    from ..errors import problems_frame
    from ..words.explain import VALIDATE_WORDS
    from .tables import blank_lines, problems_screen

    cat = _catalog(args)
    lang = _lang(args)
    problems, rows = [], 0
    for f in args.files:
        frame, probs = read_actuals_file(f, cat.vocabulary, cat.regions, region=args.input_region,
                                         include_drafts=args.include_drafts)
        problems.extend(probs)
        rows += len(frame)
    rank = {"error": 0, "warning": 1, "missing": 2}
    problems = sorted(problems, key=lambda p: rank.get(str(p.severity), 3))  # stable: file order kept within
    errors = [p for p in problems if str(p.severity) == "error"]
    warnings = [p for p in problems if str(p.severity) == "warning"]
    missing = [p for p in problems if str(p.severity) == "missing"]
    w = VALIDATE_WORDS[lang]
    lines = blank_lines(missing, lang, several_files=len(args.files) > 1)
    if args.format != "table":
        if problems:
            emit(problems_frame(problems), args.format, args.output)
    else:
        parts = []
        for title, group in ((w["errors"], errors), (w["warnings"], warnings)):
            if group:
                shown, fit = problems_screen(group, lang)
                parts.append((title, shown, fit))
        if args.all and missing:
            shown, fit = problems_screen(missing, lang)
            parts.append((w["blanks_all"], shown, fit))
        text = ""
        from .output import fit_table, screen_width

        for title, shown, fit in parts:
            table = fit_table(shown, screen_width(), **fit) if args.output is None else shown.to_string(index=False)
            text += f"{title}\n{table.rstrip()}\n\n"
        if lines and not args.all:
            text += w["blanks"] + "\n" + "\n".join(lines) + "\n"
        if text:
            from ..safe_text import clean_text

            text = clean_text(text, keep="\n")
            if args.output is not None:
                write_atomic(args.output, text.encode("utf-8"))
            else:
                sys.stdout.write(text)
    print(w["summary"].format(files=len(args.files), values=rows, errors=len(errors), warnings=len(warnings),
                              missing=len(missing), rows=len(lines)), file=sys.stderr)
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
        print(_say(args, "overridden", n=len(act.overrides)), file=sys.stderr)
        print(act.overrides.to_string(index=False), file=sys.stderr)
    _warn(act)
    return 0


def cmd_template(args) -> int:
    from ..actuals.template import template
    from ..actuals.template import write_template

    cat = _catalog(args)
    act = _actuals(args, cat)
    frame = template(cat, act, args.region, layout=args.layout)
    fmt = args.format or ("xlsx" if args.output.suffix.lower() == ".xlsx" else "csv")
    region = str(frame["region"].iloc[0]) if "region" in frame else args.region
    by_sheet = write_template(frame, fmt, args.layout, region, args.output)
    hint = "" if args.layout == "long" or by_sheet else f" --input-region {shlex.quote(region)}"
    print(_say(args, "template_written", file=args.output, n=len(frame),
               command=f"indicators validate {shlex.quote(str(args.output))}{hint}"), file=sys.stderr)
    return 0


def _assessment(args, cat, act, th) -> pd.DataFrame:
    """assess and review: the verdicts of the regions asked for (every region when none is)."""
    from ..verdicts.assess import assess

    frames = [assess(cat, act, as_of=args.as_of, region=r, plan=args.plan,
                     domain=None if args.domain == "all" else args.domain, lang=_lang(args), thresholds=th,
                     jobs=args.jobs, scheduler=args.scheduler)
              for r in (args.region or [None])]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _wrote(args, path, n: int | None = None) -> None:
    print(_say(args, "wrote", path=path) if n is None else _say(args, "wrote_n", n=n, path=path), file=sys.stderr)


def cmd_assess(args) -> int:
    """The verdicts; as xlsx the bureau's workbook (``reports.workbook``): verdicts, the review table
    and the data needed, headed in the chosen language."""
    from ..rules import Thresholds

    cat = _catalog(args)
    act = _actuals(args, cat)
    _warn(act)
    th = Thresholds(args.on_track, args.at_risk)
    frame = _assessment(args, cat, act, th)
    if args.format == "xlsx":
        from ..reports.workbook import workbook_bytes

        write_atomic(args.output, workbook_bytes(frame, cat, _lang(args), th))
        _wrote(args, args.output)
        return 0
    if args.format == "table" and args.wide:
        frame = frame[["region", "indicator", "year", "clause", "comparator", "target", "latest_year",
                       "latest_value", "forecast", "p_meet", "status", "explanation"]]
    from .tables import assess_screen

    shown, fit = _screen(args, assess_screen, frame, cat, th)
    emit(shown, args.format, args.output, fit)
    return 0


def cmd_review(args) -> int:
    """The mid-term review table (``verdicts.review``): on the screen, as CSV/JSON (internal keys),
    as the bureau's workbook (xlsx) or as one Word document per region (docx)."""
    from ..rules import Thresholds
    from ..verdicts.review import review

    cat = _catalog(args)
    act = _actuals(args, cat)
    _warn(act)
    th = Thresholds(args.on_track, args.at_risk)
    lang = _lang(args)
    frame = _assessment(args, cat, act, th)
    table = review(cat, frame, lang, args.tolerance)
    if args.format == "xlsx":
        from ..reports.workbook import workbook_bytes

        write_atomic(args.output, workbook_bytes(frame, cat, lang, th, review_table=table))
        _wrote(args, args.output)
        return 0
    if args.format == "docx":
        return _documents(args, cat, act, frame, th, lang)
    from .tables import review_screen

    shown, fit = review_screen(table, cat, lang, th) if args.format == "table" else (table, None)
    emit(shown, args.format, args.output, None if args.wide else fit)
    return 0


def _documents(args, cat, act, frame, th, lang) -> int:
    """One Word document per region: -o FILE.docx for one region, -o DIR for each (<slug>.docx)."""
    from ..reports.context import report_domain
    from ..reports.document import region_document
    from ..verdicts.assess import assess
    from ..reports.region import RegionReport
    from ..run.runner import slug

    regions = list(dict.fromkeys(args.region or frame["region"]))  # a region asked for gets its document
    one_file = args.output.suffix.lower() == ".docx"
    if one_file and len(regions) != 1:
        raise IndicatorsError(_say(args, "docx_one_region"))
    as_of = args.as_of if args.as_of is not None else (int(act.frame["year"].max()) if len(act.frame) else None)
    for region in regions:
        # the domain `run` shows the region's page in: Suzhou's plan is about intellectual property
        domain = report_domain(cat, region, args.domain)
        domain = None if domain == "all" else domain
        a = assess(cat, act, as_of=args.as_of, region=region, plan=args.plan, domain=domain, lang=lang, thresholds=th)
        rep = RegionReport(region, cat, act, a, as_of, lang, domain, None, th, args.tolerance)
        path = args.output if one_file else args.output / f"{slug(region, cat.regions.en(region))}.docx"
        write_atomic(path, region_document(rep))
    _wrote(args, args.output, None if one_file else len(regions))
    return 0


def cmd_backtest(args) -> int:
    """Replay history: forecast accuracy, 80% interval coverage and flag quality on known outcomes
    (bundled series and M3 yearly); prints the tables and writes <out>/backtest.csv (tidy)."""
    from ..evaluation.backtest import write_backtest

    report, summary = write_backtest(_catalog(args), args.out, quick=args.quick)
    print(report)
    print(summary, file=sys.stderr)
    return 0


def _backtest_args(p, h):
    p.add_argument("--out", type=Path, default=Path("reports"), help=h["backtest_out"])
    p.add_argument("--quick", action="store_true", help=h["quick"])


def cmd_run(args) -> int:
    from ..run.runner import run

    result = run(regions=args.region, actuals=args.actuals, as_of=args.as_of, lang=_lang(args), jobs=args.jobs,
                 out=args.out, plans=args.plans, domain=args.domain, timeout=args.timeout,
                 input_region=args.input_region, on_track=args.on_track, at_risk=args.at_risk,
                 scheduler=args.scheduler, pdf=args.pdf, docx=args.docx, keep=args.keep, since=args.since)
    print(f"{len(result.reports)} report(s) in {result.out} ({result.seconds:.0f} s); open "
          f"{result.out / 'index.html'}", file=sys.stderr)
    for note in result.notes:
        print(note, file=sys.stderr)
    for f in result.failed:
        print(f"FAILED {f['region'] or f['key']}: {f['error']}"
              + (f" (executed notebook kept in {f['notebook']})" if f["notebook"] else "")
              + (f"; its previous page is kept: {f['kept']}" if f.get("kept") else ""), file=sys.stderr)
    return 0 if result.ok else 1


def _run_args(p, h):
    """run and assess take the same options for the same things (_judgement_args)."""
    _judgement_args(p, h)
    _parallel_args(p, h)
    p.add_argument("--out", type=Path, default=Path("reports"), help=h["out"])
    p.add_argument("--timeout", type=int, default=600, help=h["timeout"])
    p.add_argument("--pdf", action="store_true", help=h["pdf"])
    p.add_argument("--docx", action="store_true", help=h["docx"])
    p.add_argument("--keep", type=int, metavar="N", help=h["keep"])
    p.add_argument("--since", metavar="RUN_ID", help=h["since"])


def cmd_changes(args) -> int:
    """What changed: the published set's changes (each page's since its previous run), or the
    current pages against an archived run (--since); exit 1 when there is nothing to compare."""
    from ..run.archive import published_changes
    from .tables import changes_screen

    cat = _catalog(args)  # resolves --region as every command does
    frame = published_changes(args.out, since=args.since, region=args.region, lang=_lang(args), every=args.every)
    if args.format == "xlsx":  # the bureau's sheet, as assess -o FILE.xlsx writes the bureau's workbook
        from ..reports.workbook import changes_sheet
        from ..writing import to_workbook_bytes

        write_atomic(args.output, to_workbook_bytes([changes_sheet(frame, cat, _lang(args))]))
        _wrote(args, args.output)
        return 0
    shown, fit = _screen(args, changes_screen, frame, cat)
    emit(shown, args.format, args.output, fit)
    return 0


def _changes_args(p, h):
    p.add_argument("--out", type=Path, default=Path("reports"), help=h["changes_out"])
    p.add_argument("--since", metavar="RUN_ID", help=h["since"])
    p.add_argument("--region", help=h["changes_region"])
    p.add_argument("--every", action="store_true", help=h["every"])
    _out_args(p, h, ("table", "csv", "json", "xlsx"))


def _parallel_args(p, h):
    """run and assess: worker processes of this machine, or a Dask cluster (``parallel``)."""
    p.add_argument("--jobs", type=int, default=2, help=h["jobs"])
    p.add_argument("--scheduler", metavar="ADDRESS", help=h["scheduler"])


def _actuals_args(p, h):
    p.add_argument("--actuals", action="append", type=Path, metavar="FILE", help=h["actuals"])
    p.add_argument("--input-region", help=h["input_region"])


def _judgement_args(p, h):
    """Shared by assess and run: the same inputs give the same verdicts, with the same options:
    regions (repeatable), domain, actuals files, --input-region, --as-of, thresholds."""
    p.add_argument("--region", action="append", help=h["regions"])
    p.add_argument("--domain", default="vocational", help=h["run_domain"])
    _actuals_args(p, h)
    p.add_argument("--as-of", type=int, help=h["as_of"])
    p.add_argument("--on-track", type=float, default=DEFAULT_ON_TRACK, help=h["on_track"])
    p.add_argument("--at-risk", type=float, default=DEFAULT_AT_RISK, help=h["at_risk"])


def _assess_args(p, h):
    p.add_argument("--plan", help=h["plan"])
    _judgement_args(p, h)
    _parallel_args(p, h)
    _out_args(p, h, ("table", "csv", "json", "xlsx"), help_key="assess_format")


def _review_args(p, h):
    """The options of assess, the review's tolerance, and docx among the formats."""
    from ..verdicts.review import REVIEW_TOLERANCE

    p.add_argument("--plan", help=h["plan"])
    _judgement_args(p, h)
    _parallel_args(p, h)
    p.add_argument("--tolerance", type=float, default=REVIEW_TOLERANCE, help=h["tolerance"])
    _out_args(p, h, ("table", "csv", "json", "xlsx", "docx"), help_key="review_format")


def _template_args(p, h):
    p.add_argument("--region", required=True, help=h["template_region"])
    p.add_argument("--layout", choices=["wide", "long"], default="wide", help=h["layout"])
    p.add_argument("--format", choices=["xlsx", "csv"], help=h["template_format"])
    p.add_argument("-o", "--output", type=Path, required=True, help=h["template_output"])
    _actuals_args(p, h)


def _draft_args(p, h):
    p.add_argument("source", type=Path, help=h["source"])
    p.add_argument("--region", help=h["draft_region"])
    p.add_argument("--plan-id", help=h["plan_id"])
    p.add_argument("-o", "--output", type=Path, help=h["draft_output"])
    p.add_argument("--check", action="store_true", help=h["check"])
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help=h["check_format"])


def _draft_actuals_args(p, h):
    p.add_argument("source", help=h["bulletin"])
    p.add_argument("--region", required=True, help=h["bulletin_region"])
    p.add_argument("--year", type=int, help=h["bulletin_year"])
    p.add_argument("--source-title", help=h["source_title"])
    p.add_argument("--source-url", help=h["source_url"])
    p.add_argument("-o", "--output", type=Path, help=h["draft_actuals_output"])


def _validate_args(p, h):
    p.add_argument("files", nargs="+", type=Path, help=h["files"])
    p.add_argument("--input-region", help=h["input_region"])
    p.add_argument("--all", action="store_true", help=h["all_blanks"])
    _out_args(p, h, wide=False)


def _actuals_cmd_args(p, h):
    p.add_argument("--region", help=h["region"])
    p.add_argument("--indicator", help=h["indicator"])
    _actuals_args(p, h)
    _out_args(p, h, wide=False)


COMMANDS = {
    "plans": (cmd_plans, lambda p, h: _out_args(p, h, wide=False)),
    "targets": (cmd_targets, lambda p, h: (_filter_args(p, h), p.add_argument(
        "--kind", choices=["target", "baseline", "rule"], help=h["kind"]), _out_args(p, h))),
    "check-plans": (cmd_check_plans, lambda p, h: (_filter_args(p, h, domain=False), _out_args(p, h))),
    "validate": (cmd_validate, _validate_args),
    "actuals": (cmd_actuals, _actuals_cmd_args),
    "template": (cmd_template, _template_args),
    "draft": (cmd_draft, _draft_args),
    "draft-actuals": (cmd_draft_actuals, _draft_actuals_args),
    "run": (cmd_run, _run_args),
    "assess": (cmd_assess, _assess_args),
    "review": (cmd_review, _review_args),
    "backtest": (cmd_backtest, _backtest_args),
    "changes": (cmd_changes, _changes_args),
}


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The parser with every help text in ``lang`` (``cli.help``)."""
    h, words = HELP[lang], COMMAND_HELP[lang]
    parser = argparse.ArgumentParser(prog="indicators", description=words["_description"], add_help=False)
    parser.add_argument("-h", "--help", action="help", help=h["help"])
    parser.add_argument("--version", action="version", version=f"indicators {__version__}", help=h["version"])
    sub = parser.add_subparsers(dest="command", metavar="command")
    sub.required = True
    for name, (func, add_arguments) in COMMANDS.items():
        p = sub.add_parser(name, help=words[name], description=words[name], add_help=False)
        p.add_argument("-h", "--help", action="help", help=h["help"])
        p.add_argument("--plans", action="append", type=Path, metavar="DIR", help=h["plans"])
        p.add_argument("--include-drafts", action="store_true", help=h["include_drafts"])
        p.add_argument("--lang", choices=["zh", "en"], help=h["lang"])
        add_arguments(p, h)
        p.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(help_lang(argv))
    args = parser.parse_args(argv)
    pd.set_option("display.unicode.east_asian_width", True)
    pd.set_option("display.width", 250)
    pd.set_option("display.max_colwidth", 60)
    pd.set_option("display.max_rows", None)
    try:
        if getattr(args, "formats", None):  # the commands of _out_args: --format, else -o's extension
            args.format = resolve_format(args.format, args.output, args.formats, _lang(args))
        return int(args.func(args) or 0)
    except ValidationError as exc:
        from .tables import error_text

        print(error_text(exc, _lang(args)), file=sys.stderr)
        return 1
    except IndicatorsError as exc:
        print(_say(args, "error", message=exc), file=sys.stderr)
        return 1
    except BrokenPipeError:  # `indicators targets | head`
        return 0
    except KeyboardInterrupt:  # Ctrl-C before a run set its own handlers (sets.interruptible): no traceback
        print(_say(args, "interrupted"), file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


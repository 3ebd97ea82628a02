"""One plan file: read a plan YAML, check every field, and turn each target into a catalogue row.

``read_plan_file`` is the whole job in named steps: the YAML (with line numbers), the ``plan:``
block, the source text the quotes come from, one row per entry of ``targets:`` (fields, year,
quote, value in the canonical unit, comparator, tolerance), and last the plan-level rules (an
undated aim beside a dated series stays undated; unconfirmed drafts are refused). Every problem is
collected, none stops the reading, so the planner sees them all at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ParseError, Problem, UnitError
from .schema import BAD, PLAN, TARGET, as_year, check, shown, unit_range
from ..parse import Quantity, clean_float, comparator_from_words, parse_quantity, quote_mismatch
from ..text import squash
from .regions import Regions
from .safe_yaml import LineLoader, load_yaml, read_text
from ..units import ratio_reading, to_canonical, unit_of
from ..words.explain import PERIOD_END_NOTE
from .vocabulary import Indicator, Vocabulary

__all__ = ["Plan", "read_plan_file", "plan_files", "COMPARATORS", "KINDS"]

COMPARATORS = (">=", "<=", "==", "~")
KINDS = ("target", "baseline", "rule")
# the fields, their types, ranges and which are required: schema.PLAN and schema.TARGET
# a year_note that says only this is a target for the plan period (in either language): dated at
# the period's end
_PERIOD_ONLY_NOTE = re.compile(r"^(?:no year stated; plan period (\d{4})-(\d{4})|未写明年份；规划期 (\d{4})—(\d{4}) 年)$")


@dataclass(frozen=True)
class Plan:
    id: str
    title_zh: str
    title_en: str
    region: str
    region_as_written: str | None
    level: str
    issuer: str | None
    document_number: str | None
    issued: str | None
    source: str | None
    period: tuple[int | None, int] | None  # first year null when the text gives none
    domain: str
    note: str | None
    file: str


def plan_files(directory: Path) -> list[Path]:
    """The plan YAMLs of a directory (its indicators.yaml, regions.yaml and relations.yaml are not plans)."""
    return sorted(p for p in directory.glob("*.yaml") if p.name not in ("indicators.yaml", "regions.yaml",
                                                                         "relations.yaml"))


@dataclass
class _Reading:
    """What the steps share while one file is read: where it is, what it is checked against, and
    the problems found so far."""

    file: str
    path: Path
    vocab: Vocabulary
    regions: Regions
    problems: list[Problem] = field(default_factory=list)
    bundled_texts: dict[str, str] = field(default_factory=dict)
    source_cache: dict[Path, tuple] = field(default_factory=dict)
    plan: Plan | None = None
    block: dict = field(default_factory=dict)  # the raw plan: mapping
    text: str | None = None  # the source text, when there is one
    squashed: str | None = None


def read_plan_file(path: Path, vocab: Vocabulary, regions: Regions, bundled_texts: dict[str, str],
                   source_cache: dict[Path, tuple], include_drafts: bool = False,
                   ) -> tuple[Plan | None, list[dict], list[Problem]]:
    """(plan, one row per target, problems) of one plan YAML; plan is None when the file is unusable."""
    r = _Reading(file=str(path), path=path, vocab=vocab, regions=regions, bundled_texts=bundled_texts,
                 source_cache=source_cache)
    doc = _read_yaml(r)
    if doc is None:
        return None, [], r.problems
    row = f"plan (line {doc['plan'].get('__line__')})"
    r.block = check(doc["plan"], PLAN, "plan", lambda column, code, expected, value, facts=(): r.problems.append(
        Problem(r.file, code, expected, row=row, column=column, value=value, facts=facts)))
    r.plan = _read_plan_block(r)
    targets = doc.get("targets")
    if not isinstance(targets, list) or not targets:
        r.problems.append(Problem(r.file, "plan.no_targets", "a non-empty `targets:` list", facts=(("case", "plan"),)))
        targets = []
    rows = [row for i, t in enumerate(targets, start=1) if (row := _target_row(r, t, i)) is not None]
    _undate_general_aims(rows)
    if not include_drafts:
        _refuse_unconfirmed(r, targets)
    return r.plan, rows, r.problems


def _read_yaml(r: _Reading) -> dict | None:
    doc, problems = load_yaml(r.path, "a YAML plan file", LineLoader, "YAML 规划文件")
    r.problems.extend(problems)
    if problems:
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("plan"), dict):
        r.problems.append(Problem(r.file, "plan.no_plan_block", "a top-level `plan:` mapping and a `targets:` list",
                                  facts=(("case", "plan"),)))
        return None
    return doc


def _read_plan_block(r: _Reading) -> Plan:
    """The ``plan:`` mapping: required fields, the region and its level, the source text, the period."""
    p, f = r.block, r.file
    row = f"plan (line {p.get('__line__')})"
    _fold_region(r, p)
    region, level = p.get("region"), p.get("level")
    if region and region not in r.regions:
        r.problems.append(Problem(f, "region.unknown", "a key of regions.yaml (or of a regions.yaml beside the plan)",
                                  row=row, column="region", value=region, facts=(("case", "plan"),)))
    elif region:
        # the level is the region's, from regions.yaml; a plan may repeat it but not contradict it
        known_level = r.regions[region].level
        if level not in (None, "") and level != known_level:
            r.problems.append(Problem(f, "region.level_mismatch", f"{known_level} (the level of {region})",
                                      row=row, column="level", value=level,
                                      facts=(("case", "plan"), ("level", known_level), ("region", region))))
        level = known_level
    r.text, r.squashed = _source_text(r)
    period = _read_period(r, row)
    src_name = p.get("source")
    return Plan(
        id=str(p.get("id")), title_zh=str(p.get("title_zh")), title_en=str(p.get("title_en") or ""),
        region=str(region), region_as_written=p.get("region_as_written"), level=str(level), issuer=p.get("issuer"),
        document_number=p.get("document_number"), issued=None if p.get("issued") is None else str(p.get("issued")),
        source=None if src_name is None else str(src_name), period=period,
        domain=str(p.get("domain")), note=p.get("note"), file=f,
    )


def _read_period(r: _Reading, row: str) -> tuple[int | None, int] | None:
    period = r.block.get("period")
    if period is None:
        return None
    if not (isinstance(period, list) and len(period) == 2 and as_year(period[1])
            and (period[0] is None or as_year(period[0]))):
        r.problems.append(Problem(r.file, "plan.bad_period", "two years, e.g. [2020, 2022] (the first may be null)",
                                  row=row, column="period", value=shown(period), facts=(("case", "plan"),)))
        return None
    return as_year(period[0]), as_year(period[1])


def _source_text(r: _Reading) -> tuple[str | None, str | None]:
    """(text, squashed text) the quotes must occur in: a bundled source, or a file in the plan's own
    folder. A path that leaves the folder (``/etc/shadow``, ``../../x``, a symlink out) is refused
    before anything is opened, so no file outside it is ever read or quoted."""
    src_name = r.block.get("source")
    if not src_name:
        return None, None
    if src_name in r.bundled_texts:
        return _cached(r, Path("<bundled>") / src_name, lambda: r.bundled_texts[src_name])
    where = dict(row=f"plan (line {r.block.get('__line__')})", column="source", value=shown(src_name))
    try:
        folder = r.path.parent.resolve()
        sp = (folder / src_name).resolve()
        outside, found = not sp.is_relative_to(folder), sp.exists()
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a name too long
        r.problems.append(Problem(r.file, "file.unreadable", "a readable source path", **{**where, "value": type(exc).__name__}))
        return None, None
    if outside:
        r.problems.append(Problem(r.file, "source.outside_plan_dir", f"a file inside the plan's folder {folder}",
                                  **where, facts=(("case", "plan"), ("folder", folder))))
        return None, None
    if not found:
        r.problems.append(Problem(r.file, "source.not_found", "a file in sources/ or a path relative to the plan",
                                  **where, facts=(("case", "plan"),)))
        return None, None
    return _cached(r, sp, lambda: _read_source(r, sp))


def _read_source(r: _Reading, sp: Path) -> str | None:
    text, problems = read_text(sp, "the source text of " + r.file, f"{r.file} 的原文文本")
    r.problems.extend(problems)
    return text


def _cached(r: _Reading, key: Path, read) -> tuple[str | None, str | None]:
    """A source read and squashed once per catalogue, however many plans quote it."""
    if key not in r.source_cache:
        text = read()
        r.source_cache[key] = (text, None if text is None else squash(text))
    return r.source_cache[key]


def _target_row(r: _Reading, t, i: int) -> dict | None:
    """One entry of ``targets:`` as a catalogue row (None when it is not even a mapping)."""
    pos = f"targets[{i}]"
    if not isinstance(t, dict):
        r.problems.append(Problem(r.file, "target.not_mapping", "indicator, year, written, kind, clause, quote", row=pos,
                                  facts=(("case", "plan"),)))
        return None
    line = t.get("__line__")
    where = dict(file=r.file, row=f"{pos} (line {line})")
    found: list[Problem] = []

    def bad(column, code, expected, value=None, facts=()):
        found.append(Problem(**where, column=column, code=code, expected=expected, value=value, facts=facts))

    order = {k: n for n, k in enumerate(t)}
    t = check(t, TARGET, "target", bad)  # from here on every field has its declared type
    row = _target_fields(r, t, i, line, bad)
    # the problems in the order of the fields in the file, the way a planner reads it
    r.problems.extend(sorted(found, key=lambda p: order.get(p.column, len(order))))
    return row


def _target_fields(r: _Reading, t: dict, i: int, line, bad) -> dict:
    ind = _check_fields(r, t, bad)
    year, year_note, period_dated = _read_year(r, t, bad)
    _check_kind_comparator_region(r, t, bad)
    _check_quote(r, t, bad)
    v = _read_value(t, ind, bad)
    comparator = t.get("comparator")
    if comparator is None:
        # the words around the number set it, also when the number itself is given as `value`
        comparator = v["q"].comparator if v["q"] is not None else comparator_from_words(str(t.get("written") or ""))
    return _row(r, t, i, ind, year, year_note, comparator, _read_tolerance(t), v, line, period_dated)


def _check_fields(r: _Reading, t: dict, bad) -> Indicator | None:
    """The indicator key (with the closest keys when unknown); required and known fields are
    ``schema.check``'s."""
    key = t.get("indicator")
    ind = r.vocab.indicators.get(key) if key else None
    if key and ind is None:
        sugg = r.vocab.suggest(str(key))
        bad("indicator", "indicator.unknown",
            "a key of indicators.yaml" + (f"; did you mean {', '.join(sugg)}?" if sugg else ""), value=key,
            facts=(("case", "plan"), ("closest", "、".join(sugg))))
    return ind


def _read_year(r: _Reading, t: dict, bad) -> tuple[int | None, dict | None, bool]:
    """(year, year_note as {zh, en}, dated at the period's end): a target for the plan period is
    judged at the period's end, not left out of the reports."""
    if "year" in t[BAD]:  # the schema said why
        return None, t.get("year_note"), False
    if "year" not in t:
        bad("year", "target.no_year", "a year, or null with a year_note", facts=(("case", "plan"),))
    year = t.get("year")  # a whole year in range, or None: schema.TARGET
    year_note = t.get("year_note")  # {"zh": ..., "en": ...}: schema.TARGET's words
    if year is None and not year_note:
        bad("year_note", "target.no_year_note", "a year_note saying why the year is null", facts=(("case", "plan"),))
    period = r.plan.period
    if year is None and t.get("kind") == "target" and year_note and period:
        ends = {int(m.group(2) or m.group(4)) for m in map(_PERIOD_ONLY_NOTE.match, year_note.values()) if m}
        if ends == {period[1]}:
            return period[1], {k: v + PERIOD_END_NOTE[k].format(year=period[1]) for k, v in year_note.items()}, True
    return year, year_note, False


def _check_kind_comparator_region(r: _Reading, t: dict, bad) -> None:
    kind, comparator = t.get("kind"), t.get("comparator")
    if kind and kind not in KINDS:
        bad("kind", "target.unknown_kind", f"one of {', '.join(KINDS)}", kind,
            (("case", "one_of"), ("choices", "、".join(KINDS))))
    if comparator is not None and comparator not in COMPARATORS:
        bad("comparator", "target.unknown_comparator", f"one of {', '.join(COMPARATORS)}", comparator,
            (("case", "one_of"), ("choices", "、".join(COMPARATORS))))
    _fold_region(r, t)
    if t.get("region") and t["region"] not in r.regions:
        bad("region", "region.unknown", "a key of regions.yaml", t["region"], (("case", "plan"),))


def _fold_region(r: _Reading, entry: dict) -> None:
    """A region written in traditional characters (茌平區) is the region of its simplified name
    (``Regions.written``, as an actuals file reads it)."""
    name = entry.get("region")
    found = r.regions.written(name) if isinstance(name, str) else None
    if found is not None:
        entry["region"] = found


def _check_quote(r: _Reading, t: dict, bad) -> None:
    """The quote occurs verbatim in the source (whitespace ignored), the number in the quote."""
    quote, written = t.get("quote"), t.get("written")
    if quote and r.squashed is not None and squash(quote) not in r.squashed:
        msg, where = quote_mismatch(str(quote), r.text, facts=True)
        bad("quote", "target.quote_not_in_source",
            f"text that occurs verbatim in {r.block.get('source')} (whitespace ignored); " + msg, str(quote)[:60],
            (("case", "plan"), ("source", r.block.get("source")), *where))
    if quote and written is not None and squash(str(written)) not in squash(quote):
        bad("written", "target.written_not_in_quote", "the number exactly as it stands in the quote", written,
            (("case", "plan"),))


def _read_value(t: dict, ind: Indicator | None, bad) -> dict:
    """The value in the indicator's canonical unit, computed from the written text; a ``value``
    typed in the file must agree with it (or, with no readable text, say how it was read)."""
    written = t.get("written")
    v = dict(q=None, value=None, value_high=None, numerator=None, denominator=None, reading=None,
             unit_written=t.get("unit") or "", decimals=0)
    if written is not None:
        try:
            v["q"] = parse_quantity(str(written))
        except (ParseError, ValueError, ArithmeticError) as exc:  # any text: read exactly or refused
            if t.get("value") is None:
                bad("written", "target.unreadable_number", str(exc)[:200], shown(written), (("case", "plan"),))
    if ind is None or (v["q"] is None and t.get("value") is None):
        return v
    try:
        if v["q"] is not None:
            _value_from_text(v, v["q"], ind)
        if t.get("value") is not None:
            _value_from_file(v, t, bad)
    except UnitError as exc:
        bad("unit", "unit.mismatch", str(exc), v["unit_written"],
            (("case", "plan"), ("unit", unit_of(ind.unit).name_in("zh")), ("given", v["unit_written"])))
    except (TypeError, ValueError, ArithmeticError) as exc:
        bad("value", "target.bad_value", str(exc), t.get("value"))
    _check_range(v, t, ind, bad)
    return v


def _check_range(v: dict, t: dict, ind: Indicator, bad) -> None:
    """Values in the canonical unit within its range (a share of 145, a count of -5 or an infinite
    target is refused): checked after conversion, so 145% and 1.45 as a share are both caught."""
    for col in ("value", "value_high"):
        found = unit_range(v[col], ind.unit)
        if found is not None:
            bad(col if t.get(col) is not None else "written", *found[:2], v[col], found[2])
            v[col] = None


def _value_from_text(v: dict, q: Quantity, ind: Indicator) -> None:
    v["unit_written"] = q.unit or v["unit_written"]
    v["decimals"] = q.decimals
    if q.parts:
        v["numerator"], v["denominator"] = q.parts
    if q.ratio:
        v["value"] = clean_float(to_canonical(None, None, ind.unit, ratio=q.ratio))
        v["reading"] = ratio_reading(*q.ratio, ind.unit)
        v["unit_written"] = v["unit_written"] or ("a:b" if unit_of(ind.unit).is_share else "ratio")
    else:
        v["value"] = clean_float(to_canonical(q.value, v["unit_written"], ind.unit))
        if q.value_high is not None:
            v["value_high"] = clean_float(to_canonical(q.value_high, v["unit_written"], ind.unit))


def _value_from_file(v: dict, t: dict, bad) -> None:
    explicit = float(t["value"])
    value = v["value"]
    if value is not None and abs(explicit - value) > 1e-9 * max(1.0, abs(value)):
        bad("value", "target.value_disagrees", f"{value:g} as read from {t.get('written')!r}", explicit,
            (("case", "plan"), ("value", f"{value:g}"), ("written", t.get("written"))))
    v["value"] = explicit
    if t.get("value_high") is not None:
        v["value_high"] = float(t["value_high"])
    if v["q"] is None and not t.get("value_note"):
        bad("value_note", "target.no_value_note", "a note saying how the value was read from the text",
            facts=(("case", "plan"),))


def _read_tolerance(t: dict) -> float | None:
    """The band's half-width: schema.TARGET has refused a negative (it would invert the band),
    infinite or NaN one."""
    tol = t.get("tolerance")
    return None if tol is None else float(tol)


def _row(r: _Reading, t: dict, i: int, ind: Indicator | None, year, year_note, comparator, tol, v: dict, line,
         period_dated: bool) -> dict:
    plan, written = r.plan, t.get("written")
    tregion = t.get("region", r.block.get("region"))
    return {
        "plan": plan.id, "region": tregion, "region_en": r.regions.en(tregion) if tregion else None,
        "indicator": t.get("indicator"), "indicator_zh": ind.zh if ind else None,
        "indicator_en": ind.en if ind else None,
        "year": year, "year_note": (year_note or {}).get("zh"), "year_note_en": (year_note or {}).get("en"),
        "value": v["value"], "value_high": v["value_high"],
        "comparator": comparator, "tolerance": tol, "unit": ind.unit if ind else None,
        "unit_written": v["unit_written"] or None, "written": None if written is None else str(written),
        "kind": t.get("kind"), "domain": t.get("domain", plan.domain),
        "direction": ind.direction if ind else None, "breakdown": t.get("breakdown"),
        # what the numbers cover (see definitions.py): the target's own, else the plan's
        "definition": t.get("definition") or r.block.get("definition"),
        "clause": t.get("clause"), "quote": t.get("quote"), "numerator": v["numerator"],
        "denominator": v["denominator"], "decimals": v["decimals"],
        "note": "; ".join(n for n in (t.get("note") or t.get("value_note"), v["reading"]) if n) or None,
        "target_id": f"{plan.id}#{i}", "file": r.file, "line": line, "_period_dated": period_dated,
        "_period_end": year if period_dated else None,
    }


def _undate_general_aims(rows: list[dict]) -> None:
    """An undated statement on an indicator the plan also dates year by year is a general aim, not a
    period target: leave it undated rather than invent a conflict with the plan's own series."""
    dated = {row["indicator"] for row in rows if row["year"] is not None and not row["_period_dated"]}
    for row in rows:
        end = row.pop("_period_end")
        if row.pop("_period_dated") and row["indicator"] in dated:
            row["year"] = None
            for col, lang in (("year_note", "zh"), ("year_note_en", "en")):
                row[col] = row[col].removesuffix(PERIOD_END_NOTE[lang].format(year=end))


def _refuse_unconfirmed(r: _Reading, targets: list) -> None:
    unconfirmed = [f"targets[{i}] (line {t.get('__line__')})" for i, t in enumerate(targets, start=1)
                   if isinstance(t, dict) and t.get("confirmed") is False]
    if unconfirmed:
        r.problems.append(Problem(
            r.file, "plan.unconfirmed", "check each drafted entry against the source and set `confirmed: true` "
            "(or load the draft as it is with --include-drafts); `indicators draft --check` lists them",
            row=f"{len(unconfirmed)} of {len(targets)} entries unconfirmed, first at {unconfirmed[0]}",
            column="confirmed", value=False, facts=(("case", "plan"),)))

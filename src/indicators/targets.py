"""The target catalogue: every yearly target of every plan, exactly as published, with its source.

Plans live as one YAML file per source document (see ``catalog/README.md``). Loading checks each
file completely and reports every problem at once: unknown indicator keys, bad comparators,
numbers that cannot be read, and quotes that cannot be found in the source text. The value in
the canonical unit is always computed from the written text, never typed by hand.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from .errors import CatalogError, Problem
from .parse import ParseError, clean_float, comparator_from_words, parse_quantity, quote_mismatch, squash
from .regions import BUNDLED as BUNDLED_REGIONS
from .regions import Regions, load_regions
from .units import UnitError, conversion_factor, ratio_reading, ratio_to_value
from .vocabulary import BUNDLED as BUNDLED_VOCABULARY
from .vocabulary import Vocabulary, load_vocabulary

__all__ = ["Plan", "Catalog", "load_catalog", "plan_dirs_from_env", "TARGET_COLUMNS",
           "COMPARATORS", "KINDS", "CATALOG_DIR", "SOURCES_DIR"]

CATALOG_DIR = Path(__file__).parent / "catalog"
SOURCES_DIR = Path(__file__).parent / "sources"
COMPARATORS = (">=", "<=", "==", "~")
KINDS = ("target", "baseline", "rule")
PLAN_FIELDS = ("id", "title_zh", "region", "domain")
PLAN_NULLABLE = ("document_number", "issued", "period")  # keys present, null when the text gives none
# optional: title_en, issuer, region_as_written; level (taken from regions.yaml, checked when given)
# `source` names the text the quotes come from; bundled plans must have one, a planner's plan may
# leave it out (its quotes are then not checked)
TARGET_REQUIRED = ("indicator", "written", "kind", "clause", "quote")
TARGET_FIELDS = set(TARGET_REQUIRED) | {"year", "year_note", "unit", "comparator", "tolerance", "tolerance_note",
                                        "value", "value_high", "value_note", "breakdown", "region", "domain", "note",
                                        "definition", "confirmed"}
# a year_note that says only this is a target for the plan period: dated at the period's end
_PERIOD_ONLY_NOTE = re.compile(r"^no year stated; plan period (\d{4})-(\d{4})$")

TARGET_COLUMNS = [
    "plan", "region", "region_en", "indicator", "indicator_zh", "indicator_en", "year", "year_note",
    "value", "value_high", "comparator", "tolerance", "unit", "unit_written", "written", "kind", "domain",
    "direction", "breakdown", "definition", "clause", "quote", "numerator", "denominator", "decimals", "note",
    "target_id", "file", "line",
]


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


@dataclass
class Catalog:
    """Plans, the tidy targets table (one row per published number), vocabulary and regions."""

    plans: dict[str, Plan]
    targets: pd.DataFrame
    vocabulary: Vocabulary
    regions: Regions
    files: list[str] = field(default_factory=list)

    def select(self, plan: str | None = None, region: str | None = None, domain: str | None = None,
               kind: str | None = None, indicator: str | None = None) -> pd.DataFrame:
        t = self.targets
        for col, val in (("plan", plan), ("domain", domain), ("kind", kind), ("indicator", indicator)):
            if val is not None:
                t = t[t[col] == val]
        if region is not None:
            t = t[(t["region"] == region) | (t["region_en"].str.lower() == str(region).lower())]
        return t.reset_index(drop=True)

    def plans_frame(self) -> pd.DataFrame:
        rows = []
        for p in self.plans.values():
            t = self.targets[self.targets["plan"] == p.id]
            rows.append({
                "plan": p.id, "region": p.region, "region_en": self.regions.en(p.region), "level": p.level,
                "title_zh": p.title_zh, "title_en": p.title_en, "document_number": p.document_number,
                "issued": p.issued, "period": f"{p.period[0] or '?'}-{p.period[1]}" if p.period else None,
                "domain": p.domain, "targets": int((t["kind"] == "target").sum()),
                "baselines": int((t["kind"] == "baseline").sum()), "rules": int((t["kind"] == "rule").sum()),
                "source": p.source,
            })
        return pd.DataFrame(rows)


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader that remembers the line of every mapping, so errors can point at it."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        # `written` and `quote` are text whatever their shape: unquoted 1:20 stays "1:20"
        # (YAML 1.1 would read it as the base-60 integer 80) and 2025 stays "2025"
        for key_node, value_node in node.value:
            if (isinstance(key_node, yaml.ScalarNode) and key_node.value in ("written", "quote")
                    and isinstance(value_node, yaml.ScalarNode) and value_node.tag != "tag:yaml.org,2002:null"
                    and not (value_node.style is None and value_node.value in ("", "~", "null", "Null", "NULL"))):
                mapping[key_node.value] = value_node.value
        return mapping


def plan_dirs_from_env() -> list[Path]:
    raw = os.environ.get("INDICATORS_PLANS", "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _bundled_sources() -> tuple[dict[str, str], list[Problem]]:
    """Bundled source texts, refusing any whose bytes differ from the recorded sha256."""
    meta_path = SOURCES_DIR / "sources.yaml"
    meta = (yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}).get("sources", {})
    texts, problems = {}, []
    for name, m in meta.items():
        p = SOURCES_DIR / name
        if not p.exists():
            problems.append(Problem(str(meta_path), "source.missing", f"{p}", row=name))
            continue
        digest = _sha256(p)
        if digest != m.get("sha256"):
            problems.append(Problem(str(p), "source.sha256_mismatch", str(m.get("sha256")), value=digest))
            continue
        texts[name] = p.read_text(encoding="utf-8")
    return texts, problems


def _as_int(v) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return None


def _load_plan_file(path: Path, vocab: Vocabulary, regions: Regions, bundled_texts: dict[str, str],
                    source_cache: dict[Path, str], include_drafts: bool = False,
                    ) -> tuple[Plan | None, list[dict], list[Problem]]:
    problems: list[Problem] = []
    f = str(path)
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        return None, [], [Problem(f, "file.bad_yaml", "a YAML plan file", value=str(exc).splitlines()[0])]
    except UnicodeDecodeError:
        return None, [], [Problem(f, "file.not_utf8", "a UTF-8 encoded YAML file")]
    if not isinstance(doc, dict) or not isinstance(doc.get("plan"), dict):
        return None, [], [Problem(f, "plan.no_plan_block", "a top-level `plan:` mapping and a `targets:` list")]
    p = doc["plan"]
    pline = p.get("__line__")
    for k in PLAN_FIELDS:
        if p.get(k) in (None, ""):
            problems.append(Problem(f, "plan.field_missing", f"a value for plan.{k}", row=f"plan (line {pline})",
                                    column=k))
    for k in PLAN_NULLABLE:
        if k not in p:
            problems.append(Problem(f, "plan.field_missing", f"plan.{k} (null when the source gives none)",
                                    row=f"plan (line {pline})", column=k))
    region = p.get("region")
    level = p.get("level")
    if region and region not in regions:
        problems.append(Problem(f, "region.unknown", "a key of regions.yaml (or of a regions.yaml beside the plan)",
                                row=f"plan (line {pline})", column="region", value=region))
    elif region:
        # the level is the region's, from regions.yaml; a plan may repeat it but not contradict it
        known_level = regions[region].level
        if level not in (None, "") and level != known_level:
            problems.append(Problem(f, "region.level_mismatch", f"{known_level} (the level of {region})",
                                    row=f"plan (line {pline})", column="level", value=level))
        level = known_level
    # source text
    src_name = p.get("source")
    text = None
    if src_name:
        if src_name in bundled_texts:
            text = bundled_texts[src_name]
        else:
            sp = (path.parent / src_name).resolve()
            if sp in source_cache:
                text = source_cache[sp]
            elif sp.exists():
                text = source_cache[sp] = sp.read_text(encoding="utf-8")
            else:
                problems.append(Problem(f, "source.not_found", "a file in sources/ or a path relative to the plan",
                                        row=f"plan (line {pline})", column="source", value=src_name))
    period = p.get("period")
    if period is not None and not (isinstance(period, list) and len(period) == 2 and _as_int(period[1])
                                   and (period[0] is None or _as_int(period[0]))):
        problems.append(Problem(f, "plan.bad_period", "two years, e.g. [2020, 2022] (the first may be null)",
                                row=f"plan (line {pline})", column="period", value=period))
        period = None
    plan = Plan(
        id=str(p.get("id")), title_zh=str(p.get("title_zh")), title_en=str(p.get("title_en") or ""),
        region=str(region), region_as_written=p.get("region_as_written"), level=str(level), issuer=p.get("issuer"),
        document_number=p.get("document_number"), issued=None if p.get("issued") is None else str(p.get("issued")),
        source=None if src_name is None else str(src_name), period=(_as_int(period[0]), _as_int(period[1])) if period else None,
        domain=str(p.get("domain")), note=p.get("note"), file=f,
    )
    squashed_source = squash(text) if text is not None else None

    rows: list[dict] = []
    targets = doc.get("targets")
    if not isinstance(targets, list) or not targets:
        problems.append(Problem(f, "plan.no_targets", "a non-empty `targets:` list"))
        targets = []
    unconfirmed: list[str] = []
    for i, t in enumerate(targets, start=1):
        pos = f"targets[{i}]"
        if isinstance(t, dict) and t.get("confirmed") is False:
            unconfirmed.append(f"{pos} (line {t.get('__line__')})")
        if not isinstance(t, dict):
            problems.append(Problem(f, "target.not_mapping", "indicator, year, written, kind, clause, quote", row=pos))
            continue
        line = t.get("__line__")
        where = dict(file=f, row=f"{pos} (line {line})")

        def bad(column, code, expected, value=None, where=where):
            problems.append(Problem(**where, column=column, code=code, expected=expected, value=value))

        for k in TARGET_REQUIRED:
            if t.get(k) in (None, ""):
                bad(k, "target.field_missing", f"a value for {k}")
        for k in t:
            if k != "__line__" and k not in TARGET_FIELDS:
                bad(k, "known field", f"one of {', '.join(sorted(TARGET_FIELDS))}", value=k)
        key = t.get("indicator")
        ind = vocab.indicators.get(key) if key else None
        if key and ind is None:
            sugg = vocab.suggest(str(key))
            bad("indicator", "indicator.unknown", "a key of indicators.yaml" + (f"; did you mean {', '.join(sugg)}?" if sugg else ""),
                value=key)
        if "year" not in t:
            bad("year", "target.no_year", "a year, or null with a year_note")
        year = t.get("year")
        if year is not None:
            y = _as_int(year)
            if y is None or not 1990 <= y <= 2100:
                bad("year", "target.bad_year", "a whole year between 1990 and 2100, or null with a year_note", year)
                year = None
            else:
                year = y
        elif not t.get("year_note"):
            bad("year_note", "target.no_year_note", "a year_note saying why the year is null")
        year_note = t.get("year_note")
        kind = t.get("kind")
        pm = _PERIOD_ONLY_NOTE.match(str(year_note or "")) if year is None and kind == "target" else None
        period_dated = bool(pm and plan.period and plan.period[1] == int(pm.group(2)))
        if period_dated:
            # a target for the plan period is judged at the period's end, not left out of the reports
            year = plan.period[1]
            year_note = f"{year_note}; dated at the period's end ({year})"
        if kind and kind not in KINDS:
            bad("kind", "target.unknown_kind", f"one of {', '.join(KINDS)}", kind)
        comparator = t.get("comparator")
        if comparator is not None and comparator not in COMPARATORS:
            bad("comparator", "target.unknown_comparator", f"one of {', '.join(COMPARATORS)}", comparator)
        tregion = t.get("region", region)
        if t.get("region") and t["region"] not in regions:
            bad("region", "region.unknown", "a key of regions.yaml", t["region"])
        quote, written = t.get("quote"), t.get("written")
        if quote and squashed_source is not None and squash(quote) not in squashed_source:
            bad("quote", "target.quote_not_in_source", f"text that occurs verbatim in {src_name} (whitespace ignored); "
                + quote_mismatch(str(quote), text), str(quote)[:60])
        if quote and written is not None and squash(str(written)) not in squash(quote):
            bad("written", "target.written_not_in_quote", "the number exactly as it stands in the quote", written)

        # value in canonical units, computed from the written text
        value = value_high = numerator = denominator = reading = None
        unit_written, decimals, q = t.get("unit") or "", 0, None
        if written is not None:
            try:
                q = parse_quantity(str(written))
            except ParseError as exc:
                if t.get("value") is None:
                    bad("written", "target.unreadable_number", str(exc), written)
        if ind is not None and (q is not None or t.get("value") is not None):
            try:
                if q is not None:
                    unit_written = q.unit or unit_written
                    decimals = q.decimals
                    if q.parts:
                        numerator, denominator = q.parts
                    if q.ratio:
                        a, b = q.ratio
                        value = clean_float(ratio_to_value(a, b, ind.unit))
                        reading = ratio_reading(a, b, ind.unit)
                        unit_written = unit_written or ("ratio" if ind.unit != "percent" else "a:b")
                    else:
                        factor = conversion_factor(unit_written, ind.unit) if unit_written else 1.0
                        value = clean_float(q.value * factor)
                        value_high = clean_float(q.value_high * factor) if q.value_high is not None else None
                if t.get("value") is not None:
                    explicit = float(t["value"])
                    if value is not None and abs(explicit - value) > 1e-9 * max(1.0, abs(value)):
                        bad("value", "target.value_disagrees", f"{value:g} as read from {written!r}", explicit)
                    value = explicit
                    if t.get("value_high") is not None:
                        value_high = float(t["value_high"])
                    if q is None and not t.get("value_note"):
                        bad("value_note", "target.no_value_note", "a note saying how the value was read from the text")
            except UnitError as exc:
                bad("unit", "unit.mismatch", str(exc), unit_written)
            except (TypeError, ValueError) as exc:
                bad("value", "target.bad_value", str(exc), t.get("value"))
        if comparator is None:
            # the words around the number set it, also when the number itself is given as `value`
            comparator = q.comparator if q is not None else comparator_from_words(str(written or ""))
        tol = t.get("tolerance")
        if tol is not None:
            try:
                tol = float(tol)
            except (TypeError, ValueError):
                bad("tolerance", "target.bad_tolerance", "a number in the indicator's unit", tol)
                tol = None
        rows.append({
            "plan": plan.id, "region": tregion, "region_en": regions.en(tregion) if tregion else None,
            "indicator": key, "indicator_zh": ind.zh if ind else None, "indicator_en": ind.en if ind else None,
            "year": year, "year_note": year_note, "value": value, "value_high": value_high,
            "comparator": comparator, "tolerance": tol, "unit": ind.unit if ind else None,
            "unit_written": unit_written or None, "written": None if written is None else str(written),
            "kind": kind, "domain": t.get("domain", plan.domain),
            "direction": ind.direction if ind else None, "breakdown": t.get("breakdown"),
            # what the numbers cover (see definitions.py): the target's own, else the plan's
            "definition": t.get("definition") or p.get("definition"),
            "clause": t.get("clause"), "quote": t.get("quote"), "numerator": numerator, "denominator": denominator,
            "decimals": decimals,
            "note": "; ".join(n for n in (t.get("note") or t.get("value_note"), reading) if n) or None,
            "target_id": f"{plan.id}#{i}", "file": f, "line": line, "_period_dated": period_dated,
        })
    # an undated statement on an indicator the plan also dates year by year is a general aim, not a
    # period target: leave it undated rather than invent a conflict with the plan's own series
    dated = {r["indicator"] for r in rows if r["year"] is not None and not r["_period_dated"]}
    for r in rows:
        if r.pop("_period_dated") and r["indicator"] in dated:
            r["year"], r["year_note"] = None, r["year_note"].rsplit("; dated at", 1)[0]
    if unconfirmed and not include_drafts:
        problems.append(Problem(
            f, "plan.unconfirmed", "check each drafted entry against the source and set `confirmed: true` "
            "(or load the draft as it is with --include-drafts); `indicators draft --check` lists them",
            row=f"{len(unconfirmed)} of {len(targets)} entries unconfirmed, first at {unconfirmed[0]}",
            column="confirmed", value=False))
    return plan, rows, problems


def _plan_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.name not in ("indicators.yaml", "regions.yaml"))


def load_catalog(plans: list[str | Path] | str | Path | None = None, *, bundled: bool = True,
                 env: bool = True, include_drafts: bool = False) -> Catalog:
    """Load the bundled plans plus any planner directories (``plans`` or $INDICATORS_PLANS).

    A planner directory may hold its own ``indicators.yaml`` and ``regions.yaml`` for indicators and
    places the bundled vocabulary does not know. Entries marked ``confirmed: false`` (drafts) are
    refused unless ``include_drafts``. Raises CatalogError listing every problem found.
    """
    if isinstance(plans, (str, Path)):
        plans = [plans]
    dirs = [Path(d) for d in (plans or [])] + (plan_dirs_from_env() if env else [])
    problems: list[Problem] = []
    vocab = load_vocabulary(BUNDLED_VOCABULARY)
    regions = load_regions(BUNDLED_REGIONS)
    files: list[Path] = list(_plan_files(CATALOG_DIR)) if bundled else []
    for d in dirs:
        if not d.exists():
            problems.append(Problem(str(d), "file.no_plans_dir", "a directory of plan YAML files"))
            continue
        if d.is_file():
            files.append(d)
            continue
        if (d / "indicators.yaml").exists():
            vocab = vocab.merged(load_vocabulary(d / "indicators.yaml"))
        if (d / "regions.yaml").exists():
            regions = regions.merged(load_regions(d / "regions.yaml", known_parents=frozenset(regions.regions)))
        files.extend(_plan_files(d))
    texts, src_problems = _bundled_sources()
    problems.extend(src_problems)
    plans_out: dict[str, Plan] = {}
    rows: list[dict] = []
    cache: dict[Path, str] = {}
    for path in files:
        plan, prow, pprob = _load_plan_file(path, vocab, regions, texts, cache, include_drafts)
        problems.extend(pprob)
        if plan is None:
            continue
        if plan.id in plans_out:
            problems.append(Problem(str(path), "plan.duplicate_id", f"an id not already used by {plans_out[plan.id].file}",
                                    column="id", value=plan.id))
            continue
        plans_out[plan.id] = plan
        rows.extend(prow)
    if problems:
        raise CatalogError(problems)
    frame = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    frame["year"] = frame["year"].astype("Int64")
    frame["line"] = frame["line"].astype("Int64")
    for c in ("value", "value_high", "tolerance", "numerator", "denominator"):
        frame[c] = frame[c].astype("float64")
    return Catalog(plans=plans_out, targets=frame, vocabulary=vocab, regions=regions, files=[str(p) for p in files])

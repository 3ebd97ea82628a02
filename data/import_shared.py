#!/usr/bin/env python3
"""Bring the shared published statistics into the project's long format.

Usage (from the repository root):

    python data/import_shared.py /work/shared/data

What is imported, and how, is data: ``data/import_shared.yaml`` beside this script holds the
inputs (with the sha256 and access date of the version the mapping was made for), the definition
labels and rules, the mapping of each shared indicator_key to a project indicator, the rows
superseded by another row, extra notes for single rows, the keys left out with their reasons and
the accepted unit strings. This script holds only the mechanics.

It reads the four shared files (nbs_annual.csv, provincial/provincial_actuals.csv,
national_bulletins.csv, regional_yearbooks.csv) and writes one long-format file per shared file
into data/actuals/ (10_nbs_annual.csv, 15_nbs_provincial.csv, 20_moe_bulletins.csv,
30_yearbooks.csv: the prefix is the priority when the same region+indicator+year+definition
appears in several files).

Columns: region,indicator,year,value,unit,definition,source_title,source_url,quote,origin,note

Rules
- Every input must have the sha256 recorded in the YAML; the script stops before reading anything
  else when one differs (a changed file may move the rows the YAML names by line).
- Every output row is one row of a shared file. value and unit are copied as text, exactly as
  published (no conversion, no rounding, no correction).
- A shared row is kept only when its (file, indicator_key) is in the mapping; every other key must
  be left out with a reason (the script stops otherwise); skipped counts are printed per key.
- The definition label comes from the mapping: one label or a rule (by year, by indicator_name_zh,
  by region level or region); every year, name and value that occurs must be covered.
- Rows that restate another row of the same file for the same region, indicator, year and
  definition are listed under `superseded` with the row kept and why; the kept row's note records
  the other figure and where it is. The script stops if any other duplicate remains.
- Output is sorted by region, indicator, definition, year (then origin line), written as UTF-8
  without BOM with "\\n" line ends, so reruns are byte-identical. Nothing is written unless every
  file passed every check.
- If data/README.md exists, the generated sections between the
  <!-- generated:NAME:start --> / <!-- generated:NAME:end --> markers are
  rewritten (mapping, definitions, coverage, units, superseded rows, left out).
"""

import argparse
import csv
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the same result, faster when libyaml is there
CONFIG = HERE / "import_shared.yaml"
OUTPUT_COLUMNS = [
    "region", "indicator", "year", "value", "unit", "definition",
    "source_title", "source_url", "quote", "origin", "note",
]
REQUIRED = ("region", "indicator_key", "year", "value", "unit", "source_url", "quote")
LEVEL_TABLE_INPUT = "provincial/provincial_actuals.csv"  # the README's table by region level
LEVELS = ("national", "province", "city")


def fail(message: str):
    raise SystemExit(message)


# --------------------------------------------------------------------------------------
# Definition rules
# --------------------------------------------------------------------------------------
class ByYear:
    """Definition by year: steps of (first year, label, row note); the last step whose first year <= year applies."""

    def __init__(self, *steps: tuple[int, str | None, str]):
        self.steps = steps

    def __call__(self, row: dict) -> tuple[str, str]:
        year = int(row["year"])
        label, note = None, ""
        for first, step_label, step_note in self.steps:
            if year >= first:
                label, note = step_label, step_note
        if label is None:  # before the first step, or a closing step (label None)
            fail(f"no definition step for year {year}: {row['_origin']}")
        return label, note

    def labels(self) -> set[str]:
        return {label for _, label, _ in self.steps if label is not None}

    def describe(self) -> str:
        parts = []
        for i, (first, label, _note) in enumerate(self.steps):
            if label is None:
                continue
            last = self.steps[i + 1][0] - 1 if i + 1 < len(self.steps) else None
            if last is not None and first > 0:
                span = str(first) if first == last else f"{first}-{last}"
            else:
                span = f"<= {last}" if last is not None else f">= {first}"
            parts.append(f"{span}: `{label}`")
        return "; ".join(parts)


class ByName:
    """Definition by indicator_name_zh; every name that occurs must be listed."""

    def __init__(self, names: dict[str, str]):
        self.names = names

    def __call__(self, row: dict) -> tuple[str, str]:
        name = row["indicator_name_zh"]
        if name not in self.names:
            fail(f"indicator_name_zh not in mapping: {name!r} ({row['_origin']})")
        return self.names[name], ""

    def labels(self) -> set[str]:
        return set(self.names.values())

    def describe(self) -> str:
        return "by name: " + "; ".join(f"{name} -> `{label}`" for name, label in self.names.items())


class ByField:
    """Definition by the value of one shared column (region_level, region); every value that occurs
    must be listed. A value may map to a label or to another rule."""

    def __init__(self, column: str, values: dict):
        self.column, self.values = column, values

    def __call__(self, row: dict) -> tuple[str, str]:
        value = row[self.column]
        if value not in self.values:
            fail(f"{self.column} {value!r} not in mapping: {row['_origin']}")
        return apply_rule(self.values[value], row)

    def labels(self) -> set[str]:
        return set().union(*({r} if isinstance(r, str) else r.labels() for r in self.values.values()))

    def describe(self) -> str:
        return f"by {self.column}: " + "; ".join(
            f"{value} -> " + (f"`{rule}`" if isinstance(rule, str) else f"({rule.describe()})")
            for value, rule in self.values.items())


def apply_rule(rule, row: dict) -> tuple[str, str]:
    """(definition label, note for the row) of a label or a rule."""
    return (rule, "") if isinstance(rule, str) else rule(row)


def describe_rule(rule) -> str:
    return f"`{rule}`" if isinstance(rule, str) else rule.describe()


# --------------------------------------------------------------------------------------
# The YAML
# --------------------------------------------------------------------------------------
@dataclass
class Config:
    path: Path
    inputs: dict[str, dict]                     # shared file -> output, sha256, accessed, columns
    labels: dict[str, str]                      # definition label -> meaning
    mapping: dict[tuple[str, str], tuple]       # (file, indicator_key) -> (indicator, label or rule)
    superseded: dict[tuple[str, int], dict]     # (file, line) -> entry with kept_line and reason
    row_notes: dict[tuple[str, int], dict]      # (file, line) -> entry with text
    left_out: dict[tuple[str, str], str]        # (file, indicator_key) -> reason
    left_out_prefixes: dict[tuple[str, str], str]
    unit_families: dict[str, set[str]]          # canonical unit -> accepted published units
    cumulative_note: str

    @property
    def files(self) -> list[str]:
        return list(self.inputs)

    def output_name(self, file: str) -> str:
        return self.inputs[file]["output"]


def _fields(entry, allowed: set[str], required: set[str], where: str) -> dict:
    if not isinstance(entry, dict):
        fail(f"{where}: expected a mapping, got {entry!r}")
    unknown, missing = set(entry) - allowed, required - set(entry)
    if unknown or missing:
        fail(f"{where}: " + "; ".join(filter(None, [
            unknown and f"unknown field(s) {sorted(unknown)}", missing and f"missing field(s) {sorted(missing)}"]))
             + f" (allowed: {', '.join(sorted(allowed))})")
    return entry


def build_rule(spec, rules: dict, where: str, seen: tuple = ()):
    """A label (str) or a rule object from a `definition` value of the YAML."""
    if isinstance(spec, str):
        return spec
    if isinstance(spec, dict) and "rule" in spec:
        name = _fields(spec, {"rule"}, {"rule"}, where)["rule"]
        if name not in rules or name in seen:
            fail(f"{where}: rule {name!r} is " + ("circular" if name in seen else "not in the rules section"))
        return build_rule(rules[name], rules, f"rules: {name}", seen + (name,))
    if isinstance(spec, dict) and "by_year" in spec:
        _fields(spec, {"by_year", "note"}, {"by_year"}, where)
        steps = [_fields(s, {"from", "definition", "row_note", "note"}, {"definition"}, f"{where}: by_year")
                 for s in spec["by_year"]]
        return ByYear(*((s.get("from", 0), s["definition"], s.get("row_note", "")) for s in steps))
    if isinstance(spec, dict) and "by_name" in spec:
        _fields(spec, {"by_name", "note"}, {"by_name"}, where)
        return ByName({name: value if isinstance(value, str) else
                       _fields(value, {"definition", "note"}, {"definition"}, f"{where}: {name}")["definition"]
                       for name, value in spec["by_name"].items()})
    if isinstance(spec, dict) and "by_field" in spec:
        _fields(spec, {"by_field", "values", "note"}, {"by_field", "values"}, where)
        return ByField(spec["by_field"], {value: build_rule(sub, rules, f"{where}: {value}", seen)
                                          for value, sub in spec["values"].items()})
    fail(f"{where}: a definition is a label or one of rule, by_year, by_name, by_field; got {spec!r}")


def _mapping(raw: dict, labels: dict, files: list[str]) -> dict:
    mapping = {}
    for file, entries in raw["mapping"].items():
        if file not in files:
            fail(f"mapping: {file} is not among the inputs ({', '.join(files)})")
        for entry in entries:
            where = f"mapping: {file}: {entry.get('key') if isinstance(entry, dict) else entry}"
            _fields(entry, {"key", "indicator", "definition", "note"}, {"key", "indicator", "definition"}, where)
            if (file, entry["key"]) in mapping:
                fail(f"{where}: mapped twice")
            rule = build_rule(entry["definition"], raw.get("rules") or {}, where)
            unknown = ({rule} if isinstance(rule, str) else rule.labels()) - set(labels)
            if unknown:
                fail(f"{where}: unknown definition label(s) {sorted(unknown)}; defined: {', '.join(labels)}")
            mapping[(file, entry["key"])] = (entry["indicator"], rule)
    return mapping


def _left_out(raw: dict) -> tuple[dict, dict]:
    reasons, by_key, by_prefix = raw.get("left_out_reasons") or {}, {}, {}
    for file, entries in raw["left_out"].items():
        for entry in entries:
            where = f"left_out: {file}: {entry}"
            _fields(entry, {"key", "prefix", "reason", "because", "detail", "note"}, set(), where)
            if ("key" in entry) == ("prefix" in entry) or ("reason" in entry) == ("because" in entry):
                fail(f"{where}: give one of key/prefix and one of reason/because")
            if "because" in entry and entry["because"] not in reasons:
                fail(f"{where}: {entry['because']!r} is not in left_out_reasons")
            reason = entry.get("reason") or reasons[entry["because"]]
            if entry.get("detail"):
                reason = f"{reason} ({entry['detail']})"
            target = by_key if "key" in entry else by_prefix
            target[(file, entry.get("key") or entry["prefix"])] = reason
    return by_key, by_prefix


def _by_line(raw: dict, section: str, allowed: set[str], required: set[str]) -> dict:
    out = {}
    for file, entries in (raw.get(section) or {}).items():
        for entry in entries:
            _fields(entry, allowed, required, f"{section}: {file}: {entry}")
            out[(file, entry["line"])] = entry
    return out


ROW_FIELDS = {"line", "region", "indicator_key", "year", "value"}


def load_config(path: Path) -> Config:
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
    for file, spec in raw["inputs"].items():
        _fields(spec, {"output", "sha256", "accessed", "columns", "note"}, {"output", "sha256", "accessed", "columns"},
                f"inputs: {file}")
    labels = raw["definitions"]
    left_out, prefixes = _left_out(raw)
    families = raw["unit_families"]["accepted"]
    return Config(
        path=path, inputs=raw["inputs"], labels=labels,
        mapping=_mapping(raw, labels, list(raw["inputs"])),
        superseded=_by_line(raw, "superseded", ROW_FIELDS | {"kept_line", "kept_value", "reason"},
                            ROW_FIELDS | {"kept_line", "kept_value", "reason"}),
        row_notes=_by_line(raw, "row_notes", ROW_FIELDS | {"text"}, ROW_FIELDS | {"text"}),
        left_out=left_out, left_out_prefixes=prefixes,
        unit_families={unit: set(accepted) for unit, accepted in families.items()},
        cumulative_note=raw["cumulative_note"]["text"],
    )


# --------------------------------------------------------------------------------------
# Reading and checking the inputs
# --------------------------------------------------------------------------------------
def sha256(path: Path) -> str:
    from indicators.provenance import sha256_file  # the project's one sha256

    return sha256_file(path)


def check_inputs(shared: Path, config: Config) -> None:
    """Every input exists and has the sha256 recorded in the YAML (all differences reported at once)."""
    changed = []
    for file, spec in config.inputs.items():
        path = shared / file
        if not path.is_file():
            fail(f"{path}: file not found (expected the shared data directory, e.g. /work/shared/data)")
        actual = sha256(path)
        if actual != spec["sha256"]:
            changed.append(f"{path}: the input differs from the version the mapping was made for\n"
                           f"  expected sha256 {spec['sha256']} (recorded in {config.path.name}, "
                           f"accessed {spec['accessed']})\n  actual sha256   {actual}")
    if changed:
        fail("\n".join(changed) + "\nReview the mapping, superseded and row_notes entries (they name rows by line) "
             f"against the new file(s), then record the new sha256 and access date in {config.path}.")


def read_shared(shared: Path, file: str, columns: list[str]) -> list[dict]:
    """Read one shared CSV as text, keeping the physical line number of each record."""
    rows = []
    with (shared / file).open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != columns:
            fail(f"{file}: unexpected columns {header}, expected {columns}")
        start = reader.line_num + 1
        for record in reader:
            if len(record) != len(header):
                fail(f"{file}:{start}: {len(record)} fields, expected {len(header)} ({', '.join(header)})")
            row = dict(zip(header, record), _line=start, _origin=f"shared/data/{file}:{start}")
            for column in REQUIRED:
                if not row[column].strip():
                    fail(f"{file}:{start}: column {column} is empty")
            if not row["year"].isdigit():
                fail(f"{file}:{start}: column year is {row['year']!r}, expected a whole year")
            rows.append(row)
            start = reader.line_num + 1
    return rows


def check_line_entries(file: str, rows: list[dict], config: Config) -> None:
    """The rows that superseded and row_notes name by line still hold what the YAML says they hold."""
    by_line = {row["_line"]: row for row in rows}
    entries = [("superseded", e) for (f, _), e in config.superseded.items() if f == file]
    entries += [("superseded (kept row)", {"line": e["kept_line"], "value": e["kept_value"]})
                for (f, _), e in config.superseded.items() if f == file]
    entries += [("row_notes", e) for (f, _), e in config.row_notes.items() if f == file]
    for section, entry in entries:
        row = by_line.get(entry["line"])
        if row is None:
            fail(f"{section}: {file}:{entry['line']}: no such row")
        for field in ("region", "indicator_key", "year", "value"):
            if field in entry and str(entry[field]) != row[field]:
                fail(f"{section}: {file}:{entry['line']}: {field} is {row[field]!r} in the file, "
                     f"{entry[field]!r} in {config.path.name}")


# --------------------------------------------------------------------------------------
# Converting
# --------------------------------------------------------------------------------------
def left_out_reason(config: Config, file: str, key: str) -> str | None:
    if (file, key) in config.left_out:
        return config.left_out[(file, key)]
    for (f, prefix), reason in config.left_out_prefixes.items():
        if f == file and key.startswith(prefix):
            return reason
    return None


def has_qualifier(name: str) -> bool:
    return "(" in name or "（" in name


def row_note(config: Config, file: str, row: dict, indicator: str, rule_note: str) -> str:
    notes = []
    if has_qualifier(row["indicator_name_zh"]):
        notes.append(row["indicator_name_zh"])
    if row.get("definition_note", "").strip():  # provincial file: what the figure covers
        notes.append(row["definition_note"].strip())
    if rule_note:
        notes.append(rule_note)
    if (file, row["_line"]) in config.row_notes:
        notes.append(config.row_notes[(file, row["_line"])]["text"])
    if indicator.endswith("_cumulative"):
        notes.append(config.cumulative_note)
    return "; ".join(notes)


def output_row(config: Config, file: str, row: dict, indicator: str, rule) -> dict:
    if row.get("kind", "actual") != "actual":  # the provincial file has no kind: all actuals
        fail(f"{row['_origin']}: column kind is {row['kind']!r}, not an actual")
    definition, rule_note = apply_rule(rule, row)
    if definition not in config.labels:
        fail(f"unknown definition label {definition!r}")
    return {
        "region": row["region"], "indicator": indicator, "year": row["year"], "value": row["value"],
        "unit": row["unit"], "definition": definition, "source_title": row["source_title"],
        "source_url": row["source_url"], "quote": row["quote"], "origin": row["_origin"],
        "note": row_note(config, file, row, indicator, rule_note), "_line": row["_line"],
    }


def convert(config: Config, file: str, rows: list[dict]) -> tuple[pd.DataFrame, Counter, set]:
    """The mapped rows of one file; the counts of skipped rows per key; the mapping entries used."""
    kept, skipped, used = [], Counter(), set()
    for row in rows:
        target = config.mapping.get((file, row["indicator_key"]))
        if target is None:
            if left_out_reason(config, file, row["indicator_key"]) is None:
                fail(f"{file}: key {row['indicator_key']!r} neither mapped nor in left_out ({config.path.name})")
            skipped[row["indicator_key"]] += 1
            continue
        used.add((file, row["indicator_key"]))
        kept.append(output_row(config, file, row, *target))
    return pd.DataFrame(kept, columns=OUTPUT_COLUMNS + ["_line"]), skipped, used


def apply_superseded(config: Config, file: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Drop the superseded rows, after checking each one against the row kept."""
    dropped = []
    by_line = frame.set_index("_line")
    for (f, line), entry in sorted(config.superseded.items()):
        if f != file:
            continue
        kept_line = entry["kept_line"]
        if line not in by_line.index or kept_line not in by_line.index:
            fail(f"superseded {f}:{line} -> {kept_line}: row not among the mapped rows")
        gone, kept = by_line.loc[line], by_line.loc[kept_line]
        for column in ("region", "indicator", "year", "definition"):
            if gone[column] != kept[column]:
                fail(f"superseded {f}:{line} differs from {kept_line} in {column}")
        extra = f"also published as {gone['value']} {gone['unit']} ({gone['origin']})"
        old = by_line.at[kept_line, "note"]
        by_line.at[kept_line, "note"] = f"{old}; {extra}" if old else extra
        dropped.append({"origin": gone["origin"], "region": gone["region"], "indicator": gone["indicator"],
                        "year": gone["year"], "value": gone["value"], "unit": gone["unit"],
                        "kept": kept["origin"], "kept_value": kept["value"], "reason": entry["reason"]})
        by_line = by_line.drop(index=line)
    return by_line.reset_index(), dropped


def check_duplicates(name: str, frame: pd.DataFrame) -> None:
    key = ["region", "indicator", "year", "definition"]
    groups = frame.groupby(key).filter(lambda g: len(g) > 1)
    if len(groups):
        fail(f"{name}: duplicate region/indicator/year/definition rows:\n"
             + groups[key + ["value", "origin"]].to_string())


def check_catalog(config: Config, catalog: Path, outputs: dict[str, pd.DataFrame]) -> dict:
    """Every indicator must be in indicators.yaml with a matching canonical unit; every region in
    regions.yaml. Returns the regions (for the README's rows per level)."""
    indicators = yaml.load((catalog / "indicators.yaml").read_text(encoding="utf-8"), Loader=LOADER)
    regions = yaml.load((catalog / "regions.yaml").read_text(encoding="utf-8"), Loader=LOADER)
    problems = []
    for file, frame in outputs.items():
        name = config.output_name(file)
        for (indicator, unit), _ in frame.groupby(["indicator", "unit"]):
            entry = indicators.get(indicator)
            if entry is None:
                problems.append(f"{name}: indicator {indicator} not in indicators.yaml")
            elif unit not in config.unit_families.get(entry["unit"], set()):
                problems.append(f"{name}: {indicator} has unit {unit}, vocabulary says {entry['unit']}")
        for region in sorted(set(frame["region"]) - set(regions)):
            problems.append(f"{name}: region {region} not in regions.yaml")
    if problems:
        fail("catalog check failed:\n  " + "\n  ".join(problems))
    return regions


@dataclass
class Result:
    outputs: dict[str, pd.DataFrame]
    skipped: dict[str, Counter]
    dropped: dict[str, list[dict]]
    read: dict[str, int]


def import_all(config: Config, shared: Path) -> Result:
    """Read, convert and check every input; nothing is written here."""
    check_inputs(shared, config)
    result, used = Result({}, {}, {}, {}), set()
    for file in config.files:
        rows = read_shared(shared, file, config.inputs[file]["columns"])
        check_line_entries(file, rows, config)
        frame, result.skipped[file], used_here = convert(config, file, rows)
        frame, result.dropped[file] = apply_superseded(config, file, frame)
        check_duplicates(config.output_name(file), frame)
        frame = frame.sort_values(["region", "indicator", "definition", "year", "_line"], kind="mergesort")
        result.outputs[file] = frame[OUTPUT_COLUMNS].reset_index(drop=True)
        result.read[file] = len(rows)
        used |= used_here
    unused = sorted(set(config.mapping) - used)
    if unused:
        fail(f"mapping entries that matched no row: {unused}")
    return result


# --------------------------------------------------------------------------------------
# README sections
# --------------------------------------------------------------------------------------
def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines)


def region_summary(regions: list[str]) -> str:
    regions = sorted(set(regions))
    if len(regions) <= 4:
        return ", ".join(regions)
    return f"{len(regions)} regions"


def year_summary(years: list[str]) -> str:
    ys = sorted({int(y) for y in years})
    if len(ys) == 1:
        return str(ys[0])
    span = ys[-1] - ys[0] + 1
    gaps = "" if span == len(ys) else f" ({len(ys)} years)"
    return f"{ys[0]}-{ys[-1]}{gaps}"


def level_section(frame: pd.DataFrame, regions: dict) -> str:
    """Rows of the provincial file by indicator and region level."""
    frame = frame.assign(level=frame["region"].map(lambda r: regions[r]["level"]))
    rows = []
    for (indicator, definition), group in frame.groupby(["indicator", "definition"], sort=True):
        cells = []
        for level in LEVELS:
            g = group[group["level"] == level]
            cells.append("" if g.empty else f"{len(g)} ({region_summary(g['region'].tolist())}; "
                                             f"{year_summary(g['year'].tolist())})")
        rows.append([indicator, definition, len(group), *cells])
    return md_table(["indicator", "definition", "rows", *LEVELS], rows)


def definitions_section(config: Config, outputs: dict[str, pd.DataFrame]) -> str:
    prefixes = " / ".join(config.output_name(f).split("_", 1)[0] for f in config.files)
    return md_table(
        ["definition", "meaning", f"rows ({prefixes})"],
        [[f"`{label}`", text, " / ".join(str(int((outputs[f]["definition"] == label).sum()))
                                         for f in config.files)] for label, text in config.labels.items()],
    )


def coverage_section(config: Config, outputs: dict[str, pd.DataFrame]) -> str:
    rows = []
    for file in config.files:
        for (indicator, definition), group in outputs[file].groupby(["indicator", "definition"], sort=True):
            rows.append([config.output_name(file), indicator, definition, ", ".join(sorted(group["unit"].unique())),
                         len(group), region_summary(group["region"].tolist()), year_summary(group["year"].tolist())])
    return md_table(["file", "indicator", "definition", "unit", "rows", "regions", "years"], rows)


def regions_and_units_sections(config: Config, outputs: dict[str, pd.DataFrame]) -> tuple[str, str]:
    combined = pd.concat([outputs[f].assign(file=config.output_name(f)) for f in config.files])
    region_rows = [[region, len(group), group["indicator"].nunique(), ", ".join(sorted(group["file"].unique())),
                    year_summary(group["year"].tolist())] for region, group in combined.groupby("region", sort=True)]
    unit_rows = [[f"`{unit}`", len(group), ", ".join(sorted(group["indicator"].unique()))]
                 for unit, group in combined.groupby("unit", sort=True)]
    return (md_table(["region", "rows", "indicators", "files", "years"], region_rows),
            md_table(["unit (as published)", "rows", "indicators"], unit_rows))


def readme_sections(config: Config, result: Result, regions: dict) -> dict[str, str]:
    outputs, sections = result.outputs, {}
    if LEVEL_TABLE_INPUT in outputs:
        sections["provincial"] = level_section(outputs[LEVEL_TABLE_INPUT], regions)
    sections["mapping"] = md_table(
        ["shared file", "shared indicator_key", "project indicator", "definition"],
        [[f, k, p, describe_rule(r)] for (f, k), (p, r) in config.mapping.items()],
    )
    sections["definitions"] = definitions_section(config, outputs)
    sections["coverage"] = coverage_section(config, outputs)
    sections["regions"], sections["units"] = regions_and_units_sections(config, outputs)
    sections["superseded"] = md_table(
        ["row left out", "indicator", "year", "value", "row kept (value)", "why"],
        [[d["origin"], d["indicator"], d["year"], f"{d['value']} {d['unit']}", f"{d['kept']} ({d['kept_value']})",
          d["reason"]] for f in config.files for d in result.dropped[f]],
    )
    sections["left_out"] = md_table(
        ["shared file", "indicator_key", "rows", "why left out"],
        [[file, key, count, left_out_reason(config, file, key)]
         for file in config.files for key, count in sorted(result.skipped[file].items())],
    )
    return sections


def update_readme(path: Path, sections: dict[str, str]) -> None:
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    for name, body in sections.items():
        start, end = f"<!-- generated:{name}:start -->", f"<!-- generated:{name}:end -->"
        if start not in text or end not in text:
            continue
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{start}\n{body}\n{end}{tail}"
    path.write_text(text, encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------------------
def write_outputs(config: Config, result: Result, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for file in config.files:
        target = out_dir / config.output_name(file)
        result.outputs[file].to_csv(target, index=False, encoding="utf-8", lineterminator="\n")
        print(f"{file}: {result.read[file]} rows read, {len(result.outputs[file])} written to {target}, "
              f"{sum(result.skipped[file].values())} skipped, {len(result.dropped[file])} superseded")
        for key, count in sorted(result.skipped[file].items()):
            print(f"  skipped {count:4d}  {key}")
        for d in result.dropped[file]:
            print(f"  superseded {d['origin']} ({d['value']}) by {d['kept']} ({d['kept_value']}): {d['reason']}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python data/import_shared.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("shared", type=Path, help="the shared data directory, e.g. /work/shared/data")
    parser.add_argument("--config", type=Path, default=CONFIG, help="the mapping (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=HERE / "actuals", help="output directory (default: %(default)s)")
    parser.add_argument("--readme", type=Path, default=HERE / "README.md",
                        help="README whose generated sections are rewritten, if it exists (default: %(default)s)")
    parser.add_argument("--catalog", type=Path, default=HERE.parent / "src" / "indicators" / "catalog",
                        help="catalogue with indicators.yaml and regions.yaml (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    config = load_config(args.config)
    result = import_all(config, args.shared)
    regions = check_catalog(config, args.catalog, result.outputs)
    write_outputs(config, result, args.out)  # only when every file passed every check
    update_readme(args.readme, readme_sections(config, result, regions))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

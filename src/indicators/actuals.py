"""Actual values: the bundled real statistics, the plans' own baselines, and planners' files.

Everything becomes one long table in canonical units, one row per region, indicator, definition
and year, each row keeping its source. Planner files come in two layouts:

- long: columns ``region, indicator, year, value`` (+ optional ``unit, source, note, definition``);
- wide: the plan annex's shape, indicator names down the first column and one column per year
  (``2019`` or ``2019年``); one sheet per region, or a region given by the caller.

Reading never stops at the first problem: every problem is collected with file, sheet, row and
column, and the caller gets them all at once (``ValidationError``). Blank cells (—, 空, empty)
mean missing and are listed as such, not treated as errors.

Definitions: a series is identified by region, indicator and ``definition`` (e.g. national
secondary-vocational counts include technician schools up to 2020, ``incl_technician``, and not
from 2021, ``excl_technician``). Forecasts never fit across two definitions; ``derive`` rebuilds a
consistent series from published parts where it can, and records how.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import IndicatorsError, Problem, ValidationError
from .parse import BLANKS, ParseError, clean_float, normalise_text, parse_quantity
from .regions import Regions
from .targets import Catalog
from .units import UnitError, conversion_factor, ratio_to_value
from .vocabulary import Vocabulary

__all__ = ["Actuals", "load_actuals", "read_actuals_file", "bundled_data_dir", "ACTUAL_COLUMNS",
           "derive", "template", "as_actuals_table", "SERIES_KEY", "LAYERS"]

# ``definition`` is what a figure covers (incl./excl. technician schools ...); ``layer`` is where it
# comes from: bundled (published), derived (computed from published parts), baseline (a plan's own
# starting value) or planner (a planner's file). ``breakdown`` is a sub-group ("" for the total).
ACTUAL_COLUMNS = ["region", "indicator", "breakdown", "definition", "year", "value", "unit", "value_as_published",
                  "unit_as_published", "source_title", "source_url", "quote", "note", "origin", "file",
                  "row", "derivation", "layer"]
SERIES_KEY = ["region", "indicator", "breakdown", "definition"]
LAYERS = ("bundled", "derived", "baseline", "planner")
LONG_REQUIRED = ("region", "indicator", "year", "value")
LONG_OPTIONAL = ("unit", "source", "source_title", "source_url", "quote", "note", "definition", "origin", "breakdown")
BREAKDOWN_HEADERS = ("分项", "breakdown", "细分", "类别")
YEAR_RANGE = (1949, 2100)


def as_actuals_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A long table with every column of ``ACTUAL_COLUMNS``: a total has breakdown "" (never NaN,
    which would drop out of every group) and rows of unknown provenance count as a planner's."""
    frame = frame.reindex(columns=ACTUAL_COLUMNS)
    frame["breakdown"] = frame["breakdown"].fillna("").astype(str)
    frame["definition"] = frame["definition"].fillna("standard")
    frame["layer"] = frame["layer"].fillna("planner")
    return frame


def bundled_data_dir() -> Path:
    """Bundled actuals: $INDICATORS_DATA, the repo's data/actuals, or the copy inside a wheel."""
    env = os.environ.get("INDICATORS_DATA")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2] / "data" / "actuals"
    if repo.is_dir():
        return repo
    return Path(__file__).parent / "_data" / "actuals"


@dataclass
class Actuals:
    """The long table the tool uses, with what was overridden, cross-checked and derived."""

    frame: pd.DataFrame
    overrides: pd.DataFrame = field(default_factory=pd.DataFrame)
    crosschecks: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def select(self, region: str | None = None, indicator: str | None = None, as_of: int | None = None) -> pd.DataFrame:
        f = self.frame
        if region is not None:
            f = f[f["region"] == region]
        if indicator is not None:
            f = f[f["indicator"] == indicator]
        if as_of is not None:
            f = f[f["year"] <= as_of]
        return f.reset_index(drop=True)


# --- reading files ----------------------------------------------------------------------------

def _decode(path: Path, data: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 (with or without BOM), then GBK/GB18030 as Chinese Excel exports them."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "gb18030" and not re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[\x80-\xff]", data.decode("latin-1")):
            break  # decodes, but holds no Chinese: some other encoding
        return text, None
    return None, Problem(str(path), "readable encoding", "UTF-8 (with or without BOM) or GBK/GB18030 text")


def _read_tables(path: Path) -> tuple[list[tuple[str | None, pd.DataFrame]], list[Problem]]:
    """(sheet, raw string table) pairs; every cell read as text so nothing is coerced silently."""
    f = str(path)
    if not path.exists():
        return [], [Problem(f, "file exists", "an existing CSV or XLSX file")]
    if path.stat().st_size == 0:
        return [], [Problem(f, "file is not empty", "a header row and at least one data row")]
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for broken files
            return [], [Problem(f, "readable Excel file", "a valid .xlsx workbook", value=type(exc).__name__)]
        return [(name, df) for name, df in sheets.items()], []
    if suffix in (".csv", ".txt", ".tsv"):
        text, prob = _decode(path, path.read_bytes())
        if prob:
            return [], [prob]
        if not text.strip():
            return [], [Problem(f, "file is not empty", "a header row and at least one data row")]
        sep = "\t" if suffix == ".tsv" or (text.count("\t") > text.count(",")) else ","
        try:
            df = pd.read_csv(io.StringIO(text), header=None, dtype=str, sep=sep, keep_default_na=False,
                             skip_blank_lines=True)
        except pd.errors.ParserError as exc:
            m = re.search(r"line (\d+)", str(exc))
            r = re.search(r"starting at row (\d+)", str(exc))  # an unclosed quote: pandas counts from 0
            return [], [Problem(f, "well-formed CSV", "the same number of fields on every line and every quote "
                                "closed", row=int(m.group(1)) if m else int(r.group(1)) + 1 if r else None,
                                value=str(exc).strip().splitlines()[-1][:80])]
        return [(None, df)], []
    return [], [Problem(f, "known file type", ".csv, .tsv or .xlsx", value=path.suffix)]


def _is_blank(cell) -> bool:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return True
    return normalise_text(str(cell)) in BLANKS


_YEAR_HEADER = re.compile(r"(19|20)\d{2}")


def _header_year(cell) -> int | None:
    """'2019', '2019年', '现有基础 (2019年)', 2019.0 -> 2019."""
    if _is_blank(cell):
        return None
    s = normalise_text(str(cell))
    if re.fullmatch(r"\d{4}(\.0)?年?", s):
        return int(s[:4])
    m = _YEAR_HEADER.search(s)
    return int(m.group(0)) if m and ("年" in s or "(" in s) else None


def _label_unit(label: str) -> tuple[str, str | None]:
    """'财政性职业教育经费总投入（万元）' -> (name, '万元') when the bracket holds a known unit."""
    from .units import lookup_unit

    s = str(label).strip()
    m = re.search(r"[（(]([^（）()]{1,8})[）)]\s*$", s)
    if m:
        try:
            lookup_unit(m.group(1))
            return s[: m.start()].strip(), m.group(1)
        except UnitError:
            pass
    return s, None


@dataclass
class _Cell:
    file: str
    sheet: str | None
    row: int
    column: str
    region: str
    indicator_name: str
    year_raw: object
    value_raw: object
    unit: str | None
    source: str | None = None
    note: str | None = None
    definition: str | None = None
    source_url: str | None = None
    quote: str | None = None
    origin: str | None = None
    breakdown: str | None = None


def _long_cells(f: str, sheet, df: pd.DataFrame, problems: list[Problem], region: str | None) -> list[_Cell]:
    header = [normalise_text(str(c)).lower() for c in df.iloc[0].tolist()]
    missing = [c for c in LONG_REQUIRED if c not in header and not (c == "region" and region)]
    if missing:
        problems.append(Problem(f, "required columns present", f"columns {', '.join(LONG_REQUIRED)} "
                                f"(optional: {', '.join(LONG_OPTIONAL)})", sheet=sheet, row=1,
                                column=", ".join(missing), value=", ".join(str(c) for c in df.iloc[0].tolist())))
        return []
    col = {name: header.index(name) for name in header if name in LONG_REQUIRED + LONG_OPTIONAL}
    cells = []
    for i in range(1, len(df)):
        r = df.iloc[i].tolist()

        def get(name, r=r):
            j = col.get(name)
            v = r[j] if j is not None and j < len(r) else None
            return None if _is_blank(v) else str(v).strip()

        if all(_is_blank(v) for v in r):
            continue
        cells.append(_Cell(f, sheet, i + 1, "value", get("region") or region or "", get("indicator") or "",
                           get("year") if get("year") is not None else r[col["year"]], r[col["value"]],
                           get("unit"), get("source") or get("source_title"), get("note"), get("definition"),
                           get("source_url"), get("quote"), get("origin"), get("breakdown")))
    return cells


def _wide_cells(f: str, sheet, df: pd.DataFrame, problems: list[Problem], region: str | None) -> list[_Cell]:
    header = df.iloc[0].tolist()
    # an optional second column names the breakdown (分项): one row per sub-group
    bcol = 1 if len(header) > 1 and normalise_text(str(header[1])).lower() in BREAKDOWN_HEADERS else None
    years = {j: _header_year(c) for j, c in enumerate(header) if j > 0 and j != bcol}
    if not any(years.values()):
        problems.append(Problem(f, "year columns present", "a header row with years (2019 or 2019年) after the "
                                "indicator column, or long columns region, indicator, year, value", sheet=sheet, row=1))
        return []
    reg = region or (sheet if sheet else None)
    if not reg:
        problems.append(Problem(f, "region given", "a region: one sheet per region (sheet name = region) or "
                                "--input-region on the command line", sheet=sheet))
        return []
    cells = []
    for i in range(1, len(df)):
        r = df.iloc[i].tolist()
        if _is_blank(r[0]):
            continue
        name, unit = _label_unit(str(r[0]))
        breakdown = None if bcol is None or _is_blank(r[bcol]) else str(r[bcol]).strip()
        for j, y in years.items():
            if y is None or j >= len(r):
                continue
            cells.append(_Cell(f, sheet, i + 1, str(df.iloc[0, j]).strip(), reg, name, y, r[j], unit,
                               breakdown=breakdown))
    return cells


def _is_long(df: pd.DataFrame) -> bool:
    header = {normalise_text(str(c)).lower() for c in df.iloc[0].tolist()}
    return bool({"indicator", "year", "value"} & header)


def read_actuals_file(path: str | Path, vocabulary: Vocabulary, regions: Regions, region: str | None = None,
                      layer: str = "planner") -> tuple[pd.DataFrame, list[Problem]]:
    """Read one planner or bundled file into the long canonical table, with every problem found."""
    path = Path(path)
    tables, problems = _read_tables(path)
    cells: list[_Cell] = []
    for sheet, df in tables:
        df = df.dropna(how="all").dropna(axis=1, how="all").reset_index(drop=True)
        if df.empty or len(df) < 2:
            problems.append(Problem(str(path), "file is not empty", "a header row and at least one data row",
                                    sheet=sheet))
            continue
        reader = _long_cells if _is_long(df) else _wide_cells
        cells.extend(reader(str(path), sheet, df, problems, region))
    rows = []
    for c in cells:
        row = _cell_to_row(c, vocabulary, regions, problems)
        if row is not None:
            rows.append({**row, "layer": layer})
    frame = pd.DataFrame(rows, columns=ACTUAL_COLUMNS)
    problems.extend(_duplicates(frame))
    # one report per row for row-level problems (an unknown indicator spans every year column)
    seen, unique = set(), []
    for p in problems:
        k = (p.file, p.sheet, p.row, p.check, str(p.value)) if p.column == "indicator" else id(p)
        if k not in seen:
            seen.add(k)
            unique.append(p)
    return _typed(frame), unique


def _cell_to_row(c: _Cell, vocab: Vocabulary, regions: Regions, problems: list[Problem]) -> dict | None:
    where = dict(file=c.file, sheet=c.sheet, row=c.row)
    # indicator
    key = vocab.resolve(c.indicator_name) if c.indicator_name else None
    if key is None:
        sugg = vocab.suggest(c.indicator_name or "")
        problems.append(Problem(**where, column="indicator", value=c.indicator_name, check="known indicator",
                                expected="a key, Chinese name or alias from indicators.yaml"
                                + (f"; closest: {', '.join(sugg)}" if sugg else "")))
        return None
    ind = vocab[key]
    # region
    if not c.region:
        problems.append(Problem(**where, column="region", check="region present", expected="a region name"))
        return None
    if c.region not in regions:
        sugg = regions.suggest(c.region)
        hint = f"did you mean {', '.join(sugg)}? " if sugg else ""
        if c.sheet is not None and not sugg:
            hint += f"the sheet name {c.sheet!r} is taken as the region: rename the sheet or pass --input-region; "
        problems.append(Problem(**where, column="region", value=c.region, check="known region", severity="warning",
                                expected=f"{hint}a region of regions.yaml; its values match no plan region and are "
                                         f"not used for any target"))
    # year
    year = None
    y = c.year_raw
    try:
        yf = float(normalise_text(str(y)).rstrip("年"))
        if yf.is_integer() and YEAR_RANGE[0] <= yf <= YEAR_RANGE[1]:
            year = int(yf)
    except (TypeError, ValueError):
        pass
    if year is None:
        problems.append(Problem(**where, column="year", value=y, check="whole year in range",
                                expected=f"a whole year between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}"))
        return None
    # value
    raw = c.value_raw
    if _is_blank(raw):
        problems.append(Problem(**where, column=c.column, value=raw, check="value present", severity="missing",
                                expected=f"a number for {c.indicator_name} {year} (blank: treated as missing)"))
        return None
    try:
        q = parse_quantity(str(raw))
    except ParseError:
        problems.append(Problem(**where, column=c.column, value=raw, check="number",
                                expected=f"a number in {ind.unit} such as 45, 45%, 17:1, 5387.35 (or blank: —, 空)"))
        return None
    unit = q.unit or c.unit or ""
    try:
        if q.ratio:
            value = ratio_to_value(*q.ratio, ind.unit)
        else:
            value = q.value * (conversion_factor(unit, ind.unit) if unit else 1.0)
    except UnitError as exc:
        problems.append(Problem(**where, column="unit" if c.unit and not q.unit else c.column, value=unit,
                                check="unit fits the indicator", expected=str(exc)))
        return None
    value = clean_float(value)
    if ind.unit == "percent":
        if not 0 <= value <= 100:
            problems.append(Problem(**where, column=c.column, value=raw, check="share within 0-100%",
                                    expected=f"{c.indicator_name} is a percentage between 0 and 100"))
            return None
        # only a % typed in the cell itself proves a percentage: Excel stores 91.3% as 0.913
        if 0 < value <= 1 and not q.ratio and "%" not in str(raw):
            problems.append(Problem(**where, column=c.column, value=raw, check="share in percent",
                                    expected=f"{c.indicator_name} is in percent: {raw} looks like a fraction; "
                                    f"multiply by 100 ({clean_float(value * 100):g})"))
            return None
    if value < 0 and ind.unit != "percent":
        problems.append(Problem(**where, column=c.column, value=raw, check="not negative",
                                expected=f"{c.indicator_name} is a count or amount and cannot be negative"))
        return None
    return {
        "region": c.region, "indicator": key, "breakdown": c.breakdown or "", "definition": c.definition or "standard",
        "year": year,
        "value": value, "unit": ind.unit, "value_as_published": str(raw).strip(),
        "unit_as_published": unit or ind.unit, "source_title": c.source, "source_url": c.source_url,
        "quote": c.quote, "note": c.note, "origin": c.origin, "file": c.file,
        "row": f"{c.sheet}!{c.row}" if c.sheet else c.row, "derivation": None,
    }


def _duplicates(frame: pd.DataFrame) -> list[Problem]:
    """Two rows for the same series and year are an error, even with the same value: the file is
    ambiguous (which row is meant?), and a series never holds two values for one year."""
    out = []
    if frame.empty:
        return out
    key = SERIES_KEY + ["year"]
    for _, g in frame[frame.duplicated(key, keep=False)].groupby(key, sort=True):
        first = g.iloc[0]
        rows = ", ".join(str(r) for r in g["row"])
        what = first["indicator"] + (f" ({first['breakdown']})" if first["breakdown"] else "")
        out.append(Problem(first["file"], "one value per region, indicator and year",
                           f"a single row for {first['region']} {what} {first['year']} "
                           f"(rows {rows} give {', '.join(g['value_as_published'].astype(str))})",
                           row=rows, column="value", value=" / ".join(g["value_as_published"].astype(str))))
    return out


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    for c in ACTUAL_COLUMNS:
        if c not in ("year", "value"):
            frame[c] = frame[c].astype("object")
    return frame


# --- derived series ---------------------------------------------------------------------------

# (result indicator, numerator, denominator or parts, how): shares from enrollment, ratios from counts.
_DERIVED_SHARES = [
    ("voc_share_of_senior_secondary_enrollment", "sec_voc_new_enrollment", "general_hs_new_enrollment"),
    ("voc_share_of_senior_secondary_students", "sec_voc_students", "general_hs_students"),
]
_DERIVED_RATIOS = [("sec_voc_student_teacher_ratio", "sec_voc_students", "sec_voc_fulltime_teachers")]
# Rebuild excl_technician national series before 2021: total incl. technician schools minus technician schools.
_REBUILD = [("sec_voc_new_enrollment", "technician_school_new_enrollment"),
            ("sec_voc_students", "technician_school_students")]


def derive(frame: pd.DataFrame, units: dict[str, str] | None = None) -> pd.DataFrame:
    """Rows computed from published parts, each with a ``derivation`` saying how.

    Only computed where no published value exists for the same series and year, so a published
    figure always wins; derived rows are kept beside published ones otherwise discarded.
    """
    out = []
    frame = frame[frame["breakdown"] == ""]  # parts and totals are whole-region figures
    base = frame.set_index(["region", "indicator", "definition", "year"])["value"]
    base = base[~base.index.duplicated()]

    def get(region, ind, dfn, year):
        return base.get((region, ind, dfn, year))

    # 1. consistent excl_technician series from incl_technician totals minus technician schools
    for total, tech in _REBUILD:
        t = frame[(frame["indicator"] == total) & (frame["definition"] == "incl_technician")]
        for r in t.itertuples():
            tv = get(r.region, tech, "standard", r.year)
            if tv is None or get(r.region, total, "excl_technician", r.year) is not None:
                continue
            out.append({**_derived_row(r.region, total, "excl_technician", r.year, r.value - tv),
                        "derivation": f"{total}[incl_technician] {r.value:g} - {tech} {tv:g} (rebuilt without "
                                      f"technician schools to continue the post-2021 definition)"})
    rebuilt = pd.concat([frame, pd.DataFrame(out, columns=ACTUAL_COLUMNS)], ignore_index=True) if out else frame
    idx = rebuilt.set_index(["region", "indicator", "definition", "year"])["value"]
    idx = idx[~idx.index.duplicated()]

    for result, num, den in _DERIVED_SHARES + _DERIVED_RATIOS:
        share = (result, num, den) in _DERIVED_SHARES
        n = rebuilt[rebuilt["indicator"] == num]
        for r in n.itertuples():
            d = idx.get((r.region, den, "standard", r.year))
            if d is None:
                d = idx.get((r.region, den, r.definition, r.year))
            if d is None or d == 0 or (r.region, result, r.definition, r.year) in idx.index:
                continue
            value = r.value / (r.value + d) * 100 if share else r.value / d
            how = (f"{num} {r.value:g} / ({num} + {den} {d:g}) x 100" if share else f"{num} {r.value:g} / {den} {d:g}")
            out.append({**_derived_row(r.region, result, r.definition, r.year, value), "derivation": how})
    result = pd.DataFrame(out, columns=ACTUAL_COLUMNS)
    if units and len(result):
        result["unit"] = result["indicator"].map(units)
    return _typed(result) if out else pd.DataFrame(columns=ACTUAL_COLUMNS)


def _derived_row(region, indicator, definition, year, value) -> dict:
    return {"region": region, "indicator": indicator, "breakdown": "", "definition": definition, "year": int(year),
            "value": clean_float(float(value)), "unit": None, "value_as_published": None,
            "unit_as_published": None, "source_title": "derived from published parts", "source_url": None,
            "quote": None, "note": None, "origin": "derived", "file": "derived", "row": None, "layer": "derived"}


def baselines_as_actuals(catalog: Catalog) -> pd.DataFrame:
    """A plan's baseline column (kind baseline) is an actual for its year, in the definition the
    plan states or had in force (``definitions``), else ``standard``; its layer says it is the
    plan's own claim."""
    from .definitions import definition_in_force, issued_year

    b = catalog.targets[(catalog.targets["kind"] == "baseline") & catalog.targets["year"].notna()]
    b = b[b["value"].notna()]

    def definition(r) -> str:
        declared = getattr(r, "definition", None)
        if isinstance(declared, str) and declared:
            return declared
        p = catalog.plans.get(r.plan)
        level = catalog.regions[r.region].level if r.region in catalog.regions else None
        return definition_in_force(r.indicator, level, issued_year(p.issued, p.period) if p else None) or "standard"

    rows = [{
        "region": r.region, "indicator": r.indicator, "breakdown": r.breakdown if isinstance(r.breakdown, str) else "",
        "definition": definition(r), "year": int(r.year), "value": r.value,
        "unit": r.unit, "value_as_published": r.written, "unit_as_published": r.unit_written,
        "source_title": f"plan {r.plan} baseline, {r.clause}", "source_url": None, "quote": r.quote,
        "note": r.note, "origin": r.target_id, "file": r.file, "row": r.line, "derivation": None, "layer": "baseline",
    } for r in b.itertuples()]
    return _typed(pd.DataFrame(rows, columns=ACTUAL_COLUMNS))


# --- the combined table -----------------------------------------------------------------------

def load_actuals(files: list[str | Path] | None = None, catalog: Catalog | None = None, *, bundled: bool = True,
                 region: str | None = None, with_baselines: bool = True) -> Actuals:
    """Bundled data + plan baselines + planner files (later files override earlier ones per cell).

    Raises ValidationError listing every error in every file; warnings (unknown region) and missing
    cells are kept in ``Actuals.warnings``.
    """
    from .targets import load_catalog

    catalog = catalog or load_catalog()
    vocab, regions = catalog.vocabulary, catalog.regions
    problems: list[Problem] = []
    layers: list[tuple[str, pd.DataFrame]] = []
    used_files: list[str] = []
    if bundled:
        d = bundled_data_dir()
        bundled_files = sorted(d.glob("*.csv"))
        if not bundled_files:
            raise IndicatorsError(f"no bundled actuals found in {d}; set INDICATORS_DATA or reinstall")
        parts, crosschecks = [], []
        for p in bundled_files:
            frame, probs = read_actuals_file(p, vocab, regions, layer="bundled")
            problems.extend(x for x in probs if x.severity == "error")
            parts.append(frame)
            used_files.append(str(p))
        frame, crosschecks = _prefer_lower_prefix(parts)
        layers.append(("bundled", frame))
    else:
        crosschecks = pd.DataFrame()
    if with_baselines:
        layers.append(("baselines", baselines_as_actuals(catalog)))
    for p in files or []:
        frame, probs = read_actuals_file(p, vocab, regions, region=region)
        problems.extend(probs)
        layers.append((str(p), frame))
        used_files.append(str(p))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationError(problems, title="actuals failed validation")
    combined, overrides = _overlay(layers)
    derived = derive(combined, {k: ind.unit for k, ind in vocab.indicators.items()})
    combined = pd.concat([combined, derived], ignore_index=True) if len(derived) else combined
    combined = combined.sort_values(SERIES_KEY + ["year"], kind="stable").reset_index(drop=True)
    return Actuals(frame=_typed(combined), overrides=overrides, crosschecks=crosschecks,
                   warnings=[p for p in problems if p.severity != "error"], files=used_files)


def _prefer_lower_prefix(parts: list[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bundled files are ranked by name (10_, 20_, ...): the first file's value wins, the others are
    kept as cross-checks with their difference."""
    key = SERIES_KEY + ["year"]
    allrows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ACTUAL_COLUMNS)
    keep = ~allrows.duplicated(key, keep="first")
    winners, losers = allrows[keep], allrows[~keep]
    cross = losers.merge(winners[key + ["value", "file"]], on=key, suffixes=("", "_preferred"))
    cross = cross.assign(difference=cross["value"] - cross["value_preferred"])
    return winners.reset_index(drop=True), cross[key + ["value", "file", "value_preferred", "file_preferred",
                                                        "difference"]]


def _overlay(layers: list[tuple[str, pd.DataFrame]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Later layers override earlier ones cell by cell (region, indicator, definition, year); each
    override is listed. A planner row that names no definition takes the definition of the cell it
    replaces; where that cell holds several definitions, only the one the tool judges by (the most
    recent series) is replaced, so the other definitions are never lost.
    """
    key = SERIES_KEY + ["year"]
    combined = pd.DataFrame(columns=ACTUAL_COLUMNS)
    overrides = []
    for name, frame in layers:
        if frame.empty:
            continue
        if combined.empty:
            combined = frame.copy()
            continue
        if name == "baselines":
            # a plan baseline never overrides published data: it only fills empty cells
            cell = ["region", "indicator", "breakdown", "year"]
            frame = frame[~pd.MultiIndex.from_frame(frame[cell]).isin(pd.MultiIndex.from_frame(combined[cell]))]
            combined = pd.concat([combined, frame], ignore_index=True)
            continue
        frame = frame.copy()
        frame["definition"] = _inherit_definitions(combined, frame)
        old = combined.merge(frame[key + ["value", "file", "row"]], on=key, suffixes=("", "_new"))
        for r in old.itertuples():
            overrides.append({"region": r.region, "indicator": r.indicator, "breakdown": r.breakdown,
                              "definition": r.definition,
                              "year": r.year, "old_value": r.value, "old_source": r.file, "new_value": r.value_new,
                              "new_source": f"{r.file_new} row {r.row_new}"})
        drop = pd.MultiIndex.from_frame(combined[key]).isin(pd.MultiIndex.from_frame(frame[key]))
        combined = pd.concat([combined[~drop], frame], ignore_index=True)
    cols = ["region", "indicator", "breakdown", "definition", "year", "old_value", "old_source", "new_value",
            "new_source"]
    return combined, pd.DataFrame(overrides, columns=cols)


def _inherit_definitions(combined: pd.DataFrame, frame: pd.DataFrame) -> np.ndarray:
    from .definitions import choose_definition

    by_series: dict = {}
    for (region, indicator, breakdown, definition), g in combined.groupby(SERIES_KEY, sort=True):
        by_series.setdefault((region, indicator, breakdown), {})[definition] = g
    current = {k: choose_definition(v) for k, v in by_series.items()}
    in_cell = combined.groupby(["region", "indicator", "breakdown", "year"])["definition"].agg(
        lambda d: sorted(set(d))).to_dict()
    out = []
    for r in frame.itertuples():
        if r.definition != "standard":
            out.append(r.definition)
            continue
        cur = current.get((r.region, r.indicator, r.breakdown))
        there = in_cell.get((r.region, r.indicator, r.breakdown, r.year), [])
        if len(there) == 1:
            out.append(there[0])
        elif there:
            out.append(cur if cur in there else there[0])
        else:
            out.append(cur or "standard")
    return np.asarray(out, dtype=object)


# --- templates ----------------------------------------------------------------------------------

def template(catalog: Catalog, actuals: Actuals, region: str, layout: str = "wide") -> pd.DataFrame:
    """An input table for a region: one row per indicator and breakdown its plans date a target for,
    every year from the earliest baseline (or actual) to the last target year, pre-filled with known
    actuals. Breakdowns (per-major counts, ...) get a row each, named in the 分项 column."""
    from .explain import unit_name

    t = catalog.select(region=region)
    t = t[t["year"].notna() & t["kind"].isin(["target", "baseline"])]
    if t.empty:
        raise IndicatorsError(f"no dated targets for region {region!r}; known regions with plans: "
                              f"{', '.join(sorted(catalog.targets['region'].unique()))}")
    region = t["region"].iloc[0]
    t = t.assign(breakdown=t["breakdown"].fillna("").astype(str))
    t = t.sort_values("target_id", key=lambda s: s.str.split("#").str[1].astype(int), kind="stable")
    series = list(dict.fromkeys(zip(t["indicator"], t["breakdown"])))
    keys = [k for k, _ in series]
    known = actuals.select(region=region)
    known = known[known["indicator"].isin(keys)]
    first = int(min(t["year"].min(), known["year"].min() if len(known) else t["year"].min()))
    years = list(range(first, int(t["year"].max()) + 1))
    values = known.drop_duplicates(["indicator", "breakdown", "year"], keep="last").set_index(
        ["indicator", "breakdown", "year"])["value"]
    rows = []
    for k, b in series:
        ind = catalog.vocabulary[k]
        for y in years:
            v = values.get((k, b, y))
            rows.append({"region": region, "indicator": k, "indicator_zh": ind.zh, "breakdown": b, "year": y,
                         "value": None if v is None else clean_float(float(v)), "unit": unit_name(ind.unit, "zh")})
    long = pd.DataFrame(rows)
    with_breakdown = bool((long["breakdown"] != "").any())
    if layout == "long":
        return long[["region", "indicator"] + (["breakdown"] if with_breakdown else []) + ["year", "value", "unit"]]
    long["label"] = long["indicator"].map(lambda k: _row_label(catalog.vocabulary[k]))
    index = ["label", "breakdown"]
    wide = long.pivot(index=index, columns="year", values="value")
    wide = wide.reindex(pd.MultiIndex.from_tuples([(_row_label(catalog.vocabulary[k]), b) for k, b in series],
                                                  names=index))
    wide.columns = [f"{y}年" for y in wide.columns]
    wide = wide.reset_index().rename(columns={"label": "指标", "breakdown": "分项"})
    return wide if with_breakdown else wide.drop(columns="分项")


def _row_label(ind) -> str:
    """Indicator name with its unit in brackets, as plan annexes write rows: 培训规模（人日）."""
    from .explain import unit_name

    name, unit = _label_unit(ind.zh)
    return f"{name}（{unit or unit_name(ind.unit, 'zh')}）"

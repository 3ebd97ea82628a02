"""Plan checks: conflicts between a plan's own numbers and arithmetic that does not add up.

Findings are information for the planner, never corrections: the published number stays in the
catalogue as published. Each finding names the clauses involved and the size of the gap.

Checks
- ``conflict``: the same region, indicator (or indicator family) and year with different values.
- ``stated_ratio``: a cell such as ``17:1（3456/202）`` whose numerator/denominator do not round to
  the stated ratio (tolerance: half of the last written digit).
- ``school_size``, ``per_student``, ``components`` (parts that add to a total, a sub-volume within
  its total): the relations of ``catalog/relations.yaml`` (``plans.relations``), which says which
  indicators each ties together; average school size x number of schools vs the students stated in
  the student-teacher row, totals divided by those students vs the plan's own per-student rows,
  funding components vs the stated total, sub-volumes vs the total volume.
"""

from __future__ import annotations

import math

import pandas as pd

from ..errors import ParseError
from ..parse import parse_quantity
from .catalog import Catalog
from ..units import unit_of
from .relations import load_relations

__all__ = ["check_plans", "FINDING_COLUMNS"]

FINDING_COLUMNS = ["check", "plan", "region", "year", "indicator", "stated", "computed", "difference",
                   "relative", "unit", "clauses", "detail"]


def _resolution(row) -> float:
    """Half of the last written digit, in canonical units: 17:1 -> 0.5, 91.3% -> 0.05."""
    base = 0.5 * 10 ** (-int(row.get("decimals") or 0))
    written_value = row.get("_written_value")
    if written_value and row["value"] and not pd.isna(written_value):
        return base * abs(row["value"] / written_value)
    return base


def _fmt(v: float) -> str:
    return f"{v:,.4g}" if abs(v) < 1e4 else f"{v:,.0f}"


def _finding(check, r, stated, computed, clauses, detail, indicator=None, tol=0.0):
    diff = stated - computed
    if abs(diff) <= tol + 1e-9:
        return None
    return {
        "check": check, "plan": r["plan"], "region": r["region"], "year": r["year"],
        "indicator": indicator or r["indicator"], "stated": stated, "computed": computed,
        "difference": diff, "relative": diff / computed if computed else math.nan, "unit": r["unit"],
        "clauses": clauses, "detail": detail,
    }


def _conflicts(t: pd.DataFrame, catalog: Catalog) -> list[dict]:
    d = t[t["year"].notna() & t["kind"].isin(["target", "baseline"]) & t["value"].notna()].copy()
    d["group"] = d["indicator"].map(lambda k: catalog.vocabulary[k].conflict_group)
    d["breakdown"] = d["breakdown"].fillna("")
    out = []
    for (region, group, year, bd), g in d.groupby(["region", "group", "year", "breakdown"], sort=True):
        if g["value"].round(9).nunique() < 2:
            continue
        parts = [f"{r.written} ({r.indicator}, {r.plan} {r.clause})" for r in g.itertuples()]
        first = g.iloc[0]
        out.append({
            "check": "conflict", "plan": ", ".join(sorted(g["plan"].unique())), "region": region, "year": year,
            "indicator": ", ".join(sorted(g["indicator"].unique())), "stated": g["value"].max(),
            "computed": g["value"].min(), "difference": g["value"].max() - g["value"].min(),
            "relative": math.nan, "unit": first["unit"], "clauses": "; ".join(g["clause"].astype(str)),
            "detail": f"{len(g)} different values for {year}{' ' + bd if bd else ''}: " + " vs ".join(parts),
        })
    return out


def _stated_ratios(t: pd.DataFrame) -> list[dict]:
    out = []
    for _, r in t[t["numerator"].notna() & t["denominator"].notna()].iterrows():
        n, dnm = r["numerator"], r["denominator"]
        if not dnm:
            continue
        computed = n / dnm * (100 if unit_of(r["unit"]).is_share else 1)
        f = _finding("stated_ratio", r, r["value"], computed, r["clause"],
                     f"{r['written']}: {_fmt(n)}/{_fmt(dnm)} = {computed:.4g}, stated {r['value']:g}",
                     tol=0.5 * 10 ** (-int(r["decimals"] or 0)))
        if f:
            out.append(f)
    return out


def _by_year(t: pd.DataFrame) -> dict:
    """(plan, region, year) -> {indicator: row} for dated targets and baselines without breakdown."""
    d = t[t["year"].notna() & t["kind"].isin(["target", "baseline"]) & t["breakdown"].isna() & t["value"].notna()]
    out: dict = {}
    for _, r in d.iterrows():
        out.setdefault((r["plan"], r["region"], int(r["year"])), {}).setdefault(r["indicator"], r)
    return out


def _derived(t: pd.DataFrame) -> list[dict]:
    """The arithmetic of ``catalog/relations.yaml`` checked on each plan, region and year."""
    rel = load_relations()
    out = []
    for (_plan, _region, _year), rows in sorted(_by_year(t).items()):
        for r in rel["school_size"]:
            students, s_row = _students(rows, r["students"])
            size, schools = rows.get(r["size"]), rows.get(r["schools"])
            if students and size is not None and schools is not None and schools["value"]:
                computed = students / schools["value"]
                out.append(_finding("school_size", size, size["value"], computed, f"{size['clause']}; {s_row['clause']}",
                                    f"average school size {size['written']} x {schools['written']} school(s) vs "
                                    f"{_fmt(students)} students stated in the student-teacher ratio {s_row['written']}",
                                    tol=0.5))

        for r in rel["per_student"]:
            students, s_row = _students(rows, r["students"])
            pr, tr = rows.get(r["per_student"]), rows.get(r["total"])
            if students and pr is not None and tr is not None:
                # per-student rows are in their own canonical unit: money per student in yuan
                factor = 1e4 if tr["unit"] == "10k_yuan" and pr["unit"] == "yuan" else 1.0
                computed = tr["value"] * factor / students
                out.append(_finding("per_student", pr, pr["value"], computed, f"{pr['clause']}; {s_row['clause']}",
                                    f"{tr['indicator']} {tr['written']} / {_fmt(students)} students = "
                                    f"{computed:.3g} vs stated {pr['written']}",
                                    tol=_resolution(pr)))

        for r in rel["components"]:
            total = rows.get(r["total"])
            present = [rows[p] for p in r["parts"] if p in rows]
            if total is not None and present:
                computed = sum(p["value"] for p in present)
                names = " + ".join(f"{p['indicator']} {p['written']}" for p in present)
                out.append(_finding("components", total, total["value"], computed, total["clause"],
                                    f"total {total['written']} vs {names} = {_fmt(computed)}", tol=0.005))

        for r in rel["within_total"]:
            total, pr = rows.get(r["total"]), rows.get(r["part"])
            if total is not None and pr is not None and pr["value"] > total["value"]:
                out.append(_finding("components", pr, pr["value"], total["value"], pr["clause"],
                                    f"{r['part']} {pr['written']} exceeds the total {r['label']} {total['written']}"))
    return [f for f in out if f]


def _students(rows: dict, key: str) -> tuple[float | None, pd.Series | None]:
    """The students a plan states as the numerator of a written ratio (17:1（3456/202）), with its row."""
    row = rows.get(key)
    if row is None or pd.isna(row["numerator"]):
        return None, row
    return row["numerator"], row


def check_plans(catalog: Catalog, plan: str | None = None, region: str | None = None) -> pd.DataFrame:
    """All findings, one row each: conflicts first, then inconsistencies, ordered by plan and year."""
    t = catalog.select(plan=plan, region=region)
    t = t.assign(_written_value=[_written_number(w) for w in t["written"]])
    findings = _overrides(catalog) + _conflicts(t, catalog) + _stated_ratios(t) + _derived(t)
    frame = pd.DataFrame(findings, columns=FINDING_COLUMNS)
    order = {"override": -1, "conflict": 0, "stated_ratio": 1, "school_size": 2, "per_student": 3, "components": 4}
    frame = frame.assign(_o=frame["check"].map(order)).sort_values(
        ["_o", "plan", "region", "year", "indicator"], kind="stable").drop(columns="_o")
    frame["year"] = frame["year"].astype("Int64")
    return frame.reset_index(drop=True)


def _overrides(catalog: Catalog) -> list[dict]:
    """A local indicators.yaml that redefines a bundled key (``override: true``): it changes how
    every plan using the key is read, so it is always listed."""
    out = []
    for key, (source, old, new) in sorted(catalog.vocabulary.overridden.items()):
        changed = [f"{f}: {getattr(old, f)!r} -> {getattr(new, f)!r}" for f in ("unit", "direction", "zh", "en")
                   if getattr(old, f) != getattr(new, f)]
        out.append({"check": "override", "plan": None, "region": None, "year": None, "indicator": key,
                    "stated": math.nan, "computed": math.nan, "difference": math.nan, "relative": math.nan,
                    "unit": new.unit, "clauses": str(source),
                    "detail": f"bundled key {key} redefined by {source}" + (f" ({'; '.join(changed)})" if changed else "")})
    return out


def _written_number(written) -> float | None:
    try:
        q = parse_quantity(written)
    except (ParseError, TypeError):
        return None
    return q.ratio[0] / q.ratio[1] if q.ratio and q.ratio[1] else q.value

"""Series computed from published parts, each row saying how (``derivation``).

A derived value is only computed where no published value exists for the same series and year,
so a published figure always wins. Definitions are never mixed: a share or ratio is computed
within one definition (or with a ``standard`` denominator). Which indicators are computed from
which is data, in ``catalog/relations.yaml`` (``shares``, ``ratios``, ``rebuild``).
"""

from __future__ import annotations

import pandas as pd

from .table import table
from ..parse import clean_float
from ..plans.relations import load_relations

__all__ = ["derive"]


def derive(frame: pd.DataFrame, units: dict[str, str] | None = None) -> pd.DataFrame:
    """Rows computed from published parts, each with a ``derivation`` saying how.

    Only computed where no published value exists for the same series and year, so a published
    figure always wins; derived rows are kept beside published ones otherwise discarded.
    """
    frame = frame[frame["breakdown"] == ""]  # parts and totals are whole-region figures
    out = _rebuilt_in_newer_definition(frame)
    rebuilt = pd.concat([frame, table(out)], ignore_index=True) if out else frame
    out += _shares_and_ratios(rebuilt)
    result = table(out)
    if units and len(result):
        result["unit"] = result["indicator"].map(units).astype(object)
    return result


def _by_cell(frame: pd.DataFrame) -> dict:
    """(region, indicator, definition, year) -> value, the first of repeated cells: looked up once
    per derived row, so a plain dict rather than a MultiIndex."""
    keys = zip(*(frame[c].tolist() for c in ("region", "indicator", "definition", "year")))
    out: dict = {}
    for k, v in zip(keys, frame["value"].tolist()):
        out.setdefault(k, v)
    return out


def _rebuilt_in_newer_definition(frame: pd.DataFrame) -> list[dict]:
    """Series continued in their newer definition (``rebuild`` of ``catalog/relations.yaml``): the
    total in the older definition minus the part it no longer counts (technician schools)."""
    base = _by_cell(frame)
    out = []
    for rel in load_relations()["rebuild"]:
        total, tech, old, new = rel["total"], rel["minus"], rel["from"], rel["to"]
        t = frame[(frame["indicator"] == total) & (frame["definition"] == old)]
        for r in t.itertuples():
            tv = base.get((r.region, tech, "standard", r.year))
            if tv is None or base.get((r.region, total, new, r.year)) is not None:
                continue
            out.append({**_derived_row(r.region, total, new, r.year, r.value - tv),
                        "derivation": f"{total}[{old}] {r.value:g} - {tech} {tv:g} ({rel['why']})"})
    return out


def _shares_and_ratios(rebuilt: pd.DataFrame) -> list[dict]:
    """Shares (vocational of senior-secondary enrollment and students) and ratios (students per
    teacher) of ``catalog/relations.yaml``."""
    idx = _by_cell(rebuilt)
    rel = load_relations()
    out = []
    for share, result, num, den in ([(True, r["result"], r["part"], r["rest"]) for r in rel["shares"]]
                                    + [(False, r["result"], r["numerator"], r["denominator"]) for r in rel["ratios"]]):
        n = rebuilt[rebuilt["indicator"] == num]
        for r in n.itertuples():
            d = idx.get((r.region, den, "standard", r.year))
            if d is None:
                d = idx.get((r.region, den, r.definition, r.year))
            if d is None or d == 0 or (r.region, result, r.definition, r.year) in idx:
                continue
            value = r.value / (r.value + d) * 100 if share else r.value / d
            how = (f"{num} {r.value:g} / ({num} + {den} {d:g}) x 100" if share else f"{num} {r.value:g} / {den} {d:g}")
            out.append({**_derived_row(r.region, result, r.definition, r.year, value), "derivation": how})
    return out


def _derived_row(region, indicator, definition, year, value) -> dict:
    return {"region": region, "indicator": indicator, "breakdown": "", "definition": definition, "year": int(year),
            "value": clean_float(float(value)), "unit": None, "value_as_published": None,
            "unit_as_published": None, "source_title": "derived from published parts", "source_url": None,
            "quote": None, "note": None, "origin": "derived", "file": "derived", "row": None, "layer": "derived"}

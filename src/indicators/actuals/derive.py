"""Series computed from published parts, each row saying how (``derivation``).

A derived value is only computed where no published value exists for the same series and year,
so a published figure always wins. Definitions are never mixed: a share or ratio is computed
within one definition (or with a ``standard`` denominator).
"""

from __future__ import annotations

import pandas as pd

from .table import table
from ..parse import clean_float

__all__ = ["derive", "DERIVED_SHARES", "DERIVED_RATIOS", "REBUILD"]

# (result indicator, numerator, denominator): shares from enrollment, ratios from counts.
DERIVED_SHARES = [
    ("voc_share_of_senior_secondary_enrollment", "sec_voc_new_enrollment", "general_hs_new_enrollment"),
    ("voc_share_of_senior_secondary_students", "sec_voc_students", "general_hs_students"),
]
DERIVED_RATIOS = [("sec_voc_student_teacher_ratio", "sec_voc_students", "sec_voc_fulltime_teachers")]
# Rebuild excl_technician national series before 2021: total incl. technician schools minus technician schools.
REBUILD = [("sec_voc_new_enrollment", "technician_school_new_enrollment"),
           ("sec_voc_students", "technician_school_students")]


def derive(frame: pd.DataFrame, units: dict[str, str] | None = None) -> pd.DataFrame:
    """Rows computed from published parts, each with a ``derivation`` saying how.

    Only computed where no published value exists for the same series and year, so a published
    figure always wins; derived rows are kept beside published ones otherwise discarded.
    """
    frame = frame[frame["breakdown"] == ""]  # parts and totals are whole-region figures
    out = _rebuilt_without_technician(frame)
    rebuilt = pd.concat([frame, table(out)], ignore_index=True) if out else frame
    out += _shares_and_ratios(rebuilt)
    result = table(out)
    if units and len(result):
        result["unit"] = result["indicator"].map(units).astype(object)
    return result


def _rebuilt_without_technician(frame: pd.DataFrame) -> list[dict]:
    """Consistent excl_technician series from incl_technician totals minus technician schools."""
    base = frame.set_index(["region", "indicator", "definition", "year"])["value"]
    base = base[~base.index.duplicated()]
    out = []
    for total, tech in REBUILD:
        t = frame[(frame["indicator"] == total) & (frame["definition"] == "incl_technician")]
        for r in t.itertuples():
            tv = base.get((r.region, tech, "standard", r.year))
            if tv is None or base.get((r.region, total, "excl_technician", r.year)) is not None:
                continue
            out.append({**_derived_row(r.region, total, "excl_technician", r.year, r.value - tv),
                        "derivation": f"{total}[incl_technician] {r.value:g} - {tech} {tv:g} (rebuilt without "
                                      f"technician schools to continue the post-2021 definition)"})
    return out


def _shares_and_ratios(rebuilt: pd.DataFrame) -> list[dict]:
    """Vocational shares of senior-secondary enrollment and students, student-teacher ratios."""
    idx = rebuilt.set_index(["region", "indicator", "definition", "year"])["value"]
    idx = idx[~idx.index.duplicated()]
    out = []
    for result, num, den in DERIVED_SHARES + DERIVED_RATIOS:
        share = (result, num, den) in DERIVED_SHARES
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
    return out


def _derived_row(region, indicator, definition, year, value) -> dict:
    return {"region": region, "indicator": indicator, "breakdown": "", "definition": definition, "year": int(year),
            "value": clean_float(float(value)), "unit": None, "value_as_published": None,
            "unit_as_published": None, "source_title": "derived from published parts", "source_url": None,
            "quote": None, "note": None, "origin": "derived", "file": "derived", "row": None, "layer": "derived"}

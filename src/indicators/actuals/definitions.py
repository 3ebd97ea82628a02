"""Which series a target is judged on, when a region has the same indicator in several definitions.

A series is (region, indicator, breakdown, definition); definitions are never mixed. The choice:

1. the definition the target (or its plan) declares (``definition:`` in the plan YAML); a region
   without data in it has no series for that target;
2. otherwise the definition in force when the plan was issued, where the statistics changed
   definition: national secondary-vocational counts include technician schools up to 2020 and
   exclude them from 2021 (``TECHNICIAN_BREAK``), so a national plan issued in 2010 is judged on
   the inclusive series even though the rebuilt exclusive one is longer;
3. otherwise ``standard`` if present, else the series with the latest data, then the most points,
   then the fixed ``DEFINITION_ORDER`` (never the alphabetical order of the labels).

The chosen definition is named in the explanation whenever it is not ``standard``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["TECHNICIAN_BREAK", "TECHNICIAN_INDICATORS", "DEFINITION_ORDER", "definition_in_force",
           "choose_definition", "issued_year"]

TECHNICIAN_BREAK = 2021  # first statistical year without technician schools in national 中职 totals
# indicators whose national figures changed definition at the break
TECHNICIAN_INDICATORS = frozenset({
    "sec_voc_new_enrollment", "sec_voc_students", "sec_voc_graduates", "sec_voc_student_teacher_ratio",
    "voc_share_of_senior_secondary_enrollment", "voc_share_of_senior_secondary_students",
    "senior_secondary_new_enrollment", "senior_secondary_students",
})
DEFINITION_ORDER = ("standard", "incl_technician", "excl_technician", "school_only", "excl_ou", "excl_shanghai",
                    "subsidised_only", "unspecified")


def issued_year(issued: str | None, period: tuple | None) -> int | None:
    """The year a plan was issued: its date, else the first year of its period."""
    m = re.match(r"\s*((?:19|20)\d{2})", str(issued or ""))
    if m:
        return int(m.group(1))
    if period and period[0]:
        return int(period[0])
    return None


def definition_in_force(indicator: str, level: str | None, year: int | None) -> str | None:
    """The definition a plan issued in ``year`` used, where the statistics changed definition."""
    if indicator in TECHNICIAN_INDICATORS and level == "national" and year is not None:
        return "incl_technician" if year < TECHNICIAN_BREAK else "excl_technician"
    return None


def _rank(definition: str) -> int:
    return DEFINITION_ORDER.index(definition) if definition in DEFINITION_ORDER else len(DEFINITION_ORDER)


def choose_definition(series: dict[str, pd.DataFrame], declared: str | None = None,
                      in_force: str | None = None) -> str | None:
    """The definition to judge by among ``series`` (definition -> its rows), per the module rules."""
    if not series:
        return None
    if declared:
        return declared if declared in series else None
    if in_force and in_force in series:
        return in_force
    if "standard" in series:
        return "standard"
    if len(series) == 1:
        return next(iter(series))
    return min(series, key=lambda d: (-int(np.max(_years(series[d]))), -len(series[d]), _rank(d), d))


def _years(rows) -> np.ndarray:
    """The years of a series given as a DataFrame or as ``assess.Rows``."""
    return rows.year if hasattr(rows, "year") and not isinstance(rows, pd.DataFrame) else rows["year"].to_numpy()

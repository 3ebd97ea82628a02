"""HTML pieces shared by the region report and the overview: escaping, status badges, tables
readable under any nbconvert template, and the urgency order of statuses.

Every piece of text that came from an input file (region names, clauses, quotes, notes, sources,
URLs) is HTML-escaped before it reaches a report.
"""

from __future__ import annotations

import html

import pandas as pd

from .explain import status_label
from .plots import STATUS_COLORS

__all__ = ["esc", "badge", "by_urgency", "URGENCY", "TABLE"]


def esc(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return ""
    return html.escape(str(v), quote=True)


URGENCY = ["off_track", "at_risk", "missed", "on_track", "met", "insufficient_data"]


def by_urgency(a: pd.DataFrame) -> pd.DataFrame:
    """Most urgent first: off track, at risk, missed, on track, met, then rows without data."""
    order = {s: i for i, s in enumerate(URGENCY)}
    return a.assign(_u=a["status"].map(order)).sort_values(["_u", "year", "region", "indicator"],
                                                           kind="stable").drop(columns="_u")



def badge(status: str, lang: str) -> str:
    # inline style: readable under any nbconvert template or in JupyterLab, not only with our stylesheet
    color = STATUS_COLORS.get(status, "#999")
    return (f'<span class="badge" style="background:{color};color:#fff;border-radius:3px;padding:1px 6px;'
            f'white-space:nowrap">{esc(status_label(status, lang))}</span>')


# tables left-aligned under any template (JupyterLab's right-aligns every cell): a rule scoped to
# our tables (!important: JupyterLab's rule is the more specific), before each table
TABLE = ('<style>table.ind th,table.ind td{text-align:left!important;vertical-align:top;border:1px solid #d0d7de;'
          'padding:4px 6px}</style><table class="ind %s" style="border-collapse:collapse;width:100%%;margin:.6em 0">')


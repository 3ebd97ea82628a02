"""HTML pieces shared by the region report and the overview: escaping, status badges, tables
readable under any nbconvert template, and the urgency order of statuses.

Every piece of text that came from an input file (region names, clauses, quotes, notes, sources,
URLs) is HTML-escaped, and cleaned of control characters, before it reaches a report (``esc``).
"""

from __future__ import annotations

import html
import re

import pandas as pd

from ..words.explain import SECTIONS, status_label
from .plots import STATUS_COLORS
from ..safe_text import clean_text

__all__ = ["esc", "src", "badge", "section", "by_urgency", "URGENCY", "TABLE", "CJK"]

# Chinese characters, CJK punctuation and full-width forms
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# a run of them, with the digits, spaces and ASCII punctuation between two of them: 不超过 100 万元
_CJK_RUN = re.compile(r"{0}(?:[\s\d.,:%()/~+\-]*{0})*".format(CJK.pattern))
# a run of Latin letters, with the spaces, digits and punctuation between two of them: Chiping District
_LATIN_RUN = re.compile(r"[A-Za-z]+(?:[\s\d.,'’&/-]*[A-Za-z]+)*")


def esc(v) -> str:
    """Text safe in an HTML element or a quoted attribute: ``& < > " '`` escaped, control
    characters removed (an HTML page may not hold them: a NUL in a name reached the zh pages),
    a lone surrogate made U+FFFD (``safe_text.clean_text``). The index page's text goes through it
    too."""
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return ""
    return html.escape(clean_text(str(v)), quote=True)


def src(v, lang: str) -> str:
    """Text from an input (a region or plan name, a clause, a quote, a breakdown), escaped, with
    each run in the other language marked: Chinese in an English report ``lang="zh-CN"``, Latin
    letters in a Chinese one (an English region name, 1+X) ``lang="en"``. Those are the only words
    of the other language a report may hold, and what a screen reader or a font picker needs."""
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return ""
    text, run, mark = clean_text(str(v)), *((_LATIN_RUN, "en") if lang == "zh" else (_CJK_RUN, "zh-CN"))
    out, at = [], 0
    for m in run.finditer(text):
        out += [esc(text[at:m.start()]), f'<span lang="{mark}">{esc(m.group(0))}</span>']
        at = m.end()
    return "".join(out) + esc(text[at:])


# the product's own name where a sentence gives it: a name, shown as code in either language
TOOL = "<code>indicators</code>"


def section(name: str, lang: str, level: int = 2, **values) -> str:
    """A section's heading (with ``id=name``) and the sentence under it, in the report's language."""
    head, lead = SECTIONS[lang][name]
    out = f'<h{level} id="{name}">{esc(head)}</h{level}>' if head else ""
    if not lead:
        return out
    return out + f'<p class="lead">{esc(lead.format(tool="{tool}", **values)).replace("{tool}", TOOL)}</p>'


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


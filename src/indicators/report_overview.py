"""The overview of all regions: status heatmap, urgent target years and coverage per region."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .assess import STATUSES, Thresholds
from .explain import WORDS, fmt_prob, status_label
from .plots import status_heatmap
from .report_html import TABLE, badge, by_urgency, esc
from .targets import Catalog

__all__ = ["Overview"]


@dataclass
class Overview:
    assessment: pd.DataFrame
    catalog: Catalog
    lang: str
    thresholds: Thresholds = Thresholds()

    def nearest(self) -> pd.DataFrame:
        """Per region and indicator, the nearest target year still open (else the last one)."""
        a = self.assessment
        if a.empty:
            return a
        a = a.assign(_open=~a["status"].isin(["met", "missed"]))
        a = a.sort_values(["region", "indicator", "_open", "year"], ascending=[True, True, False, True])
        return a.drop_duplicates(["region", "indicator"]).drop(columns="_open")

    def _names(self, keys) -> dict[str, str]:
        v = self.catalog.vocabulary
        return {k: v[k].zh if self.lang == "zh" else v[k].en for k in keys}

    def heatmap_table(self) -> tuple[pd.DataFrame, list[str]]:
        """(indicator x region statuses of the nearest judged target year, indicators left out
        because no region has a judged year for them). Cells without data stay empty ("no data")."""
        a = self.assessment
        judged = a[a["status"] != "insufficient_data"]
        keep = list(dict.fromkeys(judged["indicator"]))
        dropped = [k for k in dict.fromkeys(a["indicator"]) if k not in keep]
        if not keep:
            return pd.DataFrame(), dropped
        n = Overview(judged, self.catalog, self.lang, self.thresholds).nearest()
        names = self._names(keep)
        table = n.assign(name=n["indicator"].map(names)).pivot_table(
            index="name", columns="region", values="status", aggfunc="first")
        return table.reindex(columns=sorted({*a["region"]})), dropped

    def heatmap(self, ax=None):
        table, _ = self.heatmap_table()
        return status_heatmap(table, self.lang, ax=ax)

    def collapsed_html(self) -> str:
        """The indicators with no judged year anywhere: a count and their names, below the chart."""
        _, dropped = self.heatmap_table()
        if not dropped:
            return ""
        names = "、".join(self._names(dropped).values()) if self.lang == "zh" else \
            "; ".join(self._names(dropped).values())
        return f'<p class="meta">{esc(WORDS[self.lang]["collapsed"].format(n=len(dropped), names=names))}</p>'

    def coverage(self) -> pd.DataFrame:
        """Per region: target years, how many can be judged, how many need data, and the statuses
        (in the spirit of open-sdg's reporting-status page)."""
        t = WORDS[self.lang]
        a = self.assessment
        years = a.drop_duplicates(["region", "indicator", "breakdown", "year"])
        rows = []
        for region, g in years.groupby("region", sort=True):
            judged = int((g["status"] != "insufficient_data").sum())
            counts = a[a["region"] == region]["status"].value_counts()
            rows.append({t["region"]: region, t["coverage_years"]: len(g), t["coverage_judged"]: judged,
                         t["coverage_need"]: len(g) - judged,
                         **{status_label(s, self.lang): int(counts.get(s, 0)) for s in STATUSES
                            if s != "insufficient_data"}})
        return pd.DataFrame(rows).set_index(t["region"]) if rows else pd.DataFrame()

    def urgent_html(self) -> str:
        t = WORDS[self.lang]
        a = self.assessment[self.assessment["status"].isin(["off_track", "at_risk"])]
        a = by_urgency(a).sort_values(["year", "p_meet", "region"], kind="stable")
        if a.empty:
            return f"<p>{esc(t['none'])}</p>"
        th = tuple(self.thresholds)
        rows = "".join(f'<tr><td class="nowrap">{esc(r.region)}</td><td>{esc(r.year)}</td><td>{esc(r.indicator_zh)}'
                       f'{esc("（" + r.breakdown + "）" if r.breakdown else "")}</td>'
                       f"<td>{badge(r.status, self.lang)}</td><td>{esc(fmt_prob(r.p_meet, th))}</td>"
                       f"<td>{esc(r.explanation)}</td></tr>" for r in a.itertuples())
        return f'{TABLE % "risk"}<tbody>{rows}</tbody></table>'

    def summary(self) -> pd.DataFrame:
        """The coverage table (kept under its old name for notebooks that call it)."""
        return self.coverage()


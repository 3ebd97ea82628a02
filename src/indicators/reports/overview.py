"""The overview of all regions: status heatmap, urgent target years and coverage per region."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..rules import STATUSES, Thresholds
from ..words.explain import WORDS, fmt_prob, status_label
from .plots import heatmap_alt, png_image, status_heatmap
from .html import TABLE, badge, by_urgency, esc, section, src
from ..plans.catalog import Catalog

__all__ = ["Overview"]


@dataclass
class Overview:
    assessment: pd.DataFrame
    catalog: Catalog
    lang: str
    thresholds: Thresholds = Thresholds()
    kept_runs: dict | None = None  # region -> the earlier run whose page is kept ({"time", "as_of", ...})

    def with_kept(self, path, domain: str | None = None) -> "Overview":
        """The overview over every page published: this run's regions and the regions whose pages
        are kept from earlier runs (their rows as those runs judged them, read from the runner's
        file), each kept region named with its run in the coverage table and the note at the top."""
        import json

        data = json.loads(Path(path).read_text(encoding="utf-8"))
        rows = pd.DataFrame(data["rows"])
        if rows.empty:
            return self
        if domain not in (None, "", "all") and "domain" in rows:
            rows = rows[rows["domain"] == domain]
        for c in ("year", "p_meet", "latest_year", "latest_value", "target", "n_points"):
            if c in rows:
                rows[c] = pd.to_numeric(rows[c], errors="coerce")
        rows["year"] = rows["year"].astype(int)
        rows["breakdown"] = rows["breakdown"].fillna("")
        mine = set(self.assessment["region"])
        rows = rows[~rows["region"].isin(mine)]
        a = pd.concat([self.assessment, rows[[c for c in self.assessment.columns if c in rows]]], ignore_index=True)
        runs = {r: v for r, v in data.get("runs", {}).items() if r in set(rows["region"])}
        return Overview(a, self.catalog, self.lang, self.thresholds, runs)

    def kept_html(self) -> str:
        """The note that says which regions' numbers come from earlier runs (nothing when none do)."""
        if not self.kept_runs:
            return ""
        made = len(set(self.assessment["region"]) - set(self.kept_runs))
        return section("kept", self.lang, made=made, n=len(self.kept_runs))

    def nearest(self) -> pd.DataFrame:
        """Per region and indicator, the nearest target year still open (else the last one)."""
        a = self.assessment
        if a.empty:
            return a
        a = a.assign(_open=~a["status"].isin(["met", "missed"]))
        a = a.sort_values(["region", "indicator", "_open", "year"], ascending=[True, True, False, True])
        return a.drop_duplicates(["region", "indicator"]).drop(columns="_open")

    def section_html(self, name: str) -> str:
        """A section's heading and the sentence under it (overview, heatmap, urgent, coverage)."""
        return section(name, self.lang)

    def header_html(self) -> str:
        """The page's title and what it shows (and, after a run for some regions, which pages are
        kept from earlier runs)."""
        return section("overview", self.lang, level=1) + self.kept_html()

    def region_name(self, region: str) -> str:
        """茌平区, or in English Chiping District (茌平区)."""
        return region if self.lang == "zh" else f"{self.catalog.regions.en(region)} ({region})"

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
        table = table.reindex(columns=sorted({*a["region"]}))
        if self.lang != "zh":  # the columns read in the report's language too
            table.columns = [self.catalog.regions.en(r) for r in table.columns]
        return table, dropped

    def heatmap(self, ax=None):
        table, _ = self.heatmap_table()
        return status_heatmap(table, self.lang, ax=ax)

    def heatmap_image(self):
        """The heatmap as an embedded PNG with its alternative text (the published page's <img alt>)."""
        table, _ = self.heatmap_table()
        return png_image(status_heatmap(table, self.lang).figure, heatmap_alt(table, self.lang), bbox_inches="tight")

    def collapsed_html(self) -> str:
        """The indicators with no judged year anywhere: a count and their names, below the chart."""
        _, dropped = self.heatmap_table()
        if not dropped:
            return ""
        names = ("、" if self.lang == "zh" else "; ").join(self._names(dropped).values())
        return f'<p class="meta">{src(WORDS[self.lang]["collapsed"].format(n=len(dropped), names=names), self.lang)}</p>'

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
            rows.append({t["region"]: self.region_name(region), t["coverage_years"]: len(g), t["coverage_judged"]: judged,
                         t["coverage_need"]: len(g) - judged,
                         **{status_label(s, self.lang): int(counts.get(s, 0)) for s in STATUSES
                            if s != "insufficient_data"}})
            if self.kept_runs:  # a run for some regions: which run each region's numbers come from
                run = self.kept_runs.get(region)
                rows[-1][t["report_run"]] = (t["run_of"].format(time=run.get("time") or "?", as_of=run.get("as_of") or "—")
                                             if run else t["this_run"])
        return pd.DataFrame(rows).set_index(t["region"]) if rows else pd.DataFrame()

    def coverage_html(self) -> str:
        """The coverage table as HTML: left-aligned, region names marked as names."""
        c = self.coverage()
        if c.empty:
            return f"<p>{esc(WORDS[self.lang]['none'])}</p>"
        head = "".join(f"<th>{esc(h)}</th>" for h in [c.index.name, *c.columns])
        rows = "".join(f"<tr><td>{src(region, self.lang)}</td>" + "".join(f"<td>{esc(v)}</td>" for v in r) + "</tr>"
                       for region, r in zip(c.index, c.itertuples(index=False)))
        return f'{TABLE % "coverage"}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'

    def urgent_html(self) -> str:
        """Every target year at risk or off track, the nearest year and lowest probability first."""
        t = WORDS[self.lang]
        a = self.assessment[self.assessment["status"].isin(["off_track", "at_risk"])]
        a = by_urgency(a).sort_values(["year", "p_meet", "region"], kind="stable")
        if a.empty:
            return f"<p>{esc(t['none'])}</p>"
        head = "".join(f"<th>{esc(t[k])}</th>" for k in ("region", "year", "indicator", "status", "p", "explanation"))
        rows = "".join(f'<tr><td class="nowrap">{src(self.region_name(r.region), self.lang)}</td><td>{esc(r.year)}</td>'
                       f"<td>{src(self._label(r.indicator, r.breakdown), self.lang)}</td>"
                       f"<td>{badge(r.status, self.lang)}</td><td>{esc(fmt_prob(r.p_meet, self.thresholds))}</td>"
                       f"<td>{src(r.explanation, self.lang)}</td></tr>" for r in a.itertuples())
        return f'{TABLE % "risk"}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'

    def _label(self, indicator: str, breakdown: str) -> str:
        name = self._names([indicator])[indicator]
        if not breakdown:
            return name
        return name + (f"（{breakdown}）" if self.lang == "zh" else f" ({breakdown})")

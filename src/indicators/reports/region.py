"""The region report: headline, risk table, data-needed list, undated targets, charts, plan checks
and sources of one region, in the report's language."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..actuals.load import Actuals
from ..verdicts.assess import SeriesStore, forecast_path
from ..rules import STATUSES, Thresholds
from ..plans.checks import check_plans
from ..verdicts.review import REVIEW_TOLERANCE, review
from ..words.explain import (CHECK_LABELS, JUDGEMENT_LABELS, REVIEW_WORDS, WORDS, check_sentence, definition_label,
                             fmt_prob, fmt_share, fmt_target, report_title)
from .plots import chart_alt, plot_indicator, png_image
from .html import TABLE, badge, by_urgency, esc, section, src
from ..plans.catalog import Catalog

__all__ = ["RegionReport", "headline_counts"]


def headline_counts(assessment: pd.DataFrame) -> dict:
    """What a region page's headline counts, the one source of the index's numbers too: target years
    (indicator, breakdown, year, whatever the clauses), how many can be judged and how many need
    data, the extra conflicting values (another value stated for the same year) and the verdicts
    per status (a conflicting value is a verdict of its own)."""
    years = int(len(assessment.drop_duplicates(["indicator", "breakdown", "year"])))
    judged_rows = assessment[assessment["status"] != "insufficient_data"]
    judged = int(len(judged_rows.drop_duplicates(["indicator", "breakdown", "year"])))
    c = assessment["status"].value_counts().to_dict()
    return {"target_years": years, "judged": judged, "need_data": years - judged,
            "conflicts": int(len(assessment) - years), "statuses": {s: int(c.get(s, 0)) for s in STATUSES}}


@dataclass
class RegionReport:
    region: str
    catalog: Catalog
    actuals: Actuals
    assessment: pd.DataFrame
    as_of: int | None
    lang: str
    domain: str | None
    paths: dict | None = None

    @property
    def region_en(self) -> str:
        return self.catalog.regions.en(self.region)

    def plans(self) -> list:
        """The region's plans in the report's domain (all of them when the domain is 'all')."""
        return [p for p in self.catalog.plans.values()
                if p.region == self.region and self.domain in (None, p.domain)]

    def plan_domain(self) -> str | None:
        """The domain the report is about: the one asked for, else the one its plans share."""
        domains = {p.domain for p in self.plans()}
        return self.domain or (domains.pop() if len(domains) == 1 else None)

    def title(self) -> str:
        """Titled for the plans' domain: 苏州市（Suzhou）知识产权规划指标进展."""
        return report_title(self.region, self.region_en, self.plan_domain(), self.lang)

    def header_html(self) -> str:
        """Title, the plans (English title first in an English report) and what the report shows."""
        def plan(p) -> str:
            extra = "; ".join(esc(x) for x in (p.document_number, p.issued) if x)
            if self.lang == "zh" or not p.title_en:
                # what the plan states: its 文号 and issue date, each only when known (no empty brackets)
                number = f" {src(p.document_number, self.lang)}" if p.document_number else ""
                issued = f" ({esc(p.issued)})" if p.issued else ""
                return f"<li>{src(p.title_zh, self.lang)}{number}{issued}</li>"
            return f"<li>{esc(p.title_en)} ({src(p.title_zh, self.lang)}{'; ' + src(extra, self.lang) if extra else ''})</li>"

        items = "".join(plan(p) for p in self.plans())
        return f"<h1>{src(self.title(), self.lang)}</h1><ul class='plans'>{items}</ul>" + section("intro", self.lang)

    def section_html(self, name: str) -> str:
        """A section's heading and the sentence under it (headline, risk, charts, checks, sources)."""
        return section(name, self.lang, on=fmt_prob(self.thresholds.on_track, None),
                       at=fmt_prob(self.thresholds.at_risk, None))

    thresholds: Thresholds = Thresholds()
    review_tolerance: float = REVIEW_TOLERANCE

    def counts(self) -> dict[str, int]:
        """Verdicts per status (repeats already merged; conflicting values count once each)."""
        return headline_counts(self.assessment)["statuses"]

    def target_years(self) -> int:
        """Distinct target years: (indicator, breakdown, year), whatever the number of clauses."""
        return headline_counts(self.assessment)["target_years"]

    def data_year(self) -> int | None:
        """The region's own latest actual (not the nation's), within ``as_of``."""
        f = self.actuals.frame
        f = f[(f["region"] == self.region) & f["indicator"].isin(self.indicators())]
        if self.as_of is not None:
            f = f[f["year"] <= self.as_of]
        return int(f["year"].max()) if len(f) else None

    def judged(self) -> pd.DataFrame:
        return self.assessment[self.assessment["status"] != "insufficient_data"]

    def needing_data(self) -> pd.DataFrame:
        return self.assessment[self.assessment["status"] == "insufficient_data"]

    def headline_words(self) -> tuple[str, str]:
        """(lead, data year) of the headline: target years, how many can be judged and how many need
        data (and conflicting values), and the region's own data year; the page and the Word
        document both say it."""
        t = WORDS[self.lang]
        h = headline_counts(self.assessment)
        years, judged, need = h["target_years"], h["judged"], h["need_data"]
        dy = self.data_year()
        asof = t["data_as_of"].format(year=dy) if dy is not None else t["no_local_data"]
        sep = "，" if self.lang == "zh" else ", "
        lead = f"{years} {t['target_years']}{sep}{t['judged'].format(n=judged)}{sep}{t['need_data'].format(n=need)}"
        if h["conflicts"]:
            lead += sep + t["conflicts"].format(n=h["conflicts"])
        return lead, asof

    def headline_html(self) -> str:
        """Target years, how many can be judged and how many need data, and the region's own data year;
        the counts are ``headline_counts``, which the index asks too."""
        c = self.counts()
        parts = " ".join(f'{badge(s, self.lang)} <b>{c[s]}</b>' for s in STATUSES if s != "insufficient_data")
        lead, asof = self.headline_words()
        lp, rp = ("（", "）") if self.lang == "zh" else (" (", ")")
        return f'<p class="headline">{esc(lead)}{lp}{esc(asof)}{rp}: {parts}</p>'

    def changes(self, previous) -> pd.DataFrame:
        """What changed for this page since an earlier run (``verdicts.changes``): ``previous`` is
        what the runner hands the notebook (a JSON file) or a run's folder. Rows of the page's
        region and domain only; every probability move is in the table, the page shows status
        changes."""
        return self._changes_since(previous)[0]

    def _changes_since(self, previous) -> tuple[pd.DataFrame, dict]:
        """(the changes, the earlier run's run.json): the earlier run read once for the table and its words."""
        from ..verdicts.changes import changes, load_run

        old, run = load_run(previous)
        old = old[old["region"] == self.region]
        if self.domain is not None and "domain" in old:
            old = old[old["domain"] == self.domain]
        now = {"parameters": {"on_track": self.thresholds.on_track, "at_risk": self.thresholds.at_risk}}
        return changes(old, self.assessment, old_run=run, new_run=now, lang=self.lang, every=True), run

    def changes_html(self, previous=None) -> str:
        """The section "Changes since the last report": each target year whose status changed, old and
        new status and probability, and why. Nothing when there is no earlier run, and nothing when
        no status changed (the page is then the one a first run gives, byte for byte)."""
        if not previous:
            return ""
        ch, run = self._changes_since(previous)
        ch = ch[ch["change"] != "probability"]
        if ch.empty:
            return ""
        t = WORDS[self.lang]

        def verdict(status, p) -> str:
            if status is None or (isinstance(status, float) and pd.isna(status)):
                return "—"
            shown = "" if pd.isna(p) or status in ("met", "missed", "insufficient_data") else fmt_prob(p, None)
            return badge(status, self.lang) + (f" {esc(shown)}" if shown else "")

        head = "".join(f"<th>{esc(t[k])}</th>" for k in ("indicator", "year", "old_status", "new_status", "reason"))
        rows = "".join(f'<tr class="change-{esc(r.change)}"><td>{self.indicator_html(r.indicator, r.breakdown)}</td>'
                       f"<td>{esc(r.year)}</td><td>{verdict(r.old_status, r.old_p_meet)}</td>"
                       f"<td>{verdict(r.new_status, r.new_p_meet)}</td><td>{src(r.reason, self.lang)}</td></tr>"
                       for r in ch.itertuples())
        lead = section("changes", self.lang, time=run.get("time", "?"), as_of=run.get("as_of") or "—", n=len(ch))
        return (f'<div class="changes">{lead}{TABLE % "changes"}<thead><tr>{head}</tr></thead>'
                f"<tbody>{rows}</tbody></table></div>")

    def undated_html(self) -> str:
        """Targets without a year and standing rules of the region's plans: in the report, not nowhere."""
        t = self.catalog.select(region=self.region, domain=self.domain)
        t = t[(t["kind"] == "rule") | ((t["kind"] == "target") & t["year"].isna())]
        if t.empty:
            return ""
        w = WORDS[self.lang]
        rows = "".join(f"<tr><td>{self.indicator_html(r.indicator, r.breakdown if isinstance(r.breakdown, str) else '')}"
                       f"</td><td>{self._written(r)}</td><td>{src(r.clause, self.lang)}</td>"
                       f"<td>{src(r.year_note if self.lang == 'zh' else r.year_note_en, self.lang)}</td></tr>"
                       for r in t.itertuples())
        head = "".join(f"<th>{esc(w[k])}</th>" for k in ("indicator", "target", "clause", "year_note"))
        return (f'<h3>{esc(w["undated"])}</h3>{TABLE % "undated"}<thead><tr>{head}</tr></thead>'
                f"<tbody>{rows}</tbody></table>")

    def _written(self, r) -> str:
        """A target as the plan wrote it (zh), or as a number in English words (en; the plan's words
        when it has no number)."""
        if self.lang == "zh" or pd.isna(r.value):
            return src(r.written, self.lang)
        high = None if pd.isna(r.value_high) else r.value_high
        return esc(fmt_target(r.comparator, r.value, r.unit, self.lang, high))

    def data_needed_html(self) -> str:
        """One line per indicator (and breakdown) whose target years need data, with the command
        that writes the pre-filled template: what a planner should collect, at a glance."""
        t = WORDS[self.lang]
        need = self.needing_data()
        if need.empty:
            return ""
        items = []
        for (k, b), g in need.groupby(["indicator", "breakdown"], sort=False):
            years = t["list_sep"].join(str(y) for y in sorted(set(g["year"])))
            items.append(f"<li>{self.indicator_html(k, b)}: {esc(t['data_needed_years'].format(years=years))}</li>")
        cmd = f"indicators template --region {self.region} -o {self.region}.xlsx"
        return (f'<h3>{esc(t["data_needed"])}</h3><p>{esc(t["data_needed_lead"])} <code>{src(cmd, self.lang)}</code></p>'
                f'<ul class="data-needed">{"".join(items)}</ul>')

    def indicator_label(self, indicator: str, breakdown: str = "") -> str:
        ind = self.catalog.vocabulary[indicator]
        name = ind.zh if self.lang == "zh" else ind.en
        if breakdown:
            name += f"（{breakdown}）" if self.lang == "zh" else f" ({breakdown})"
        return name

    def indicator_html(self, indicator: str, breakdown: str = "") -> str:
        """The indicator's name in the report's language; the breakdown as the plan wrote it."""
        return src(self.indicator_label(indicator, breakdown), self.lang)

    def risk_table_html(self, rows: pd.DataFrame | None = None) -> str:
        """The judged target years, most urgent first; those needing data follow as a short list."""
        t = WORDS[self.lang]
        if self.assessment.empty:
            return f"<p>{esc(t['no_targets'])}</p>"
        a = self.judged() if rows is None else rows
        if a.empty:
            return f"<p>{esc(t['no_judged'])}</p>" + (self.data_needed_html() + self.undated_html()
                                                      if rows is None else "")
        head = "".join(f"<th>{esc(t[k])}</th>" for k in ("indicator", "year", "target", "clause", "status", "p",
                                                          "explanation"))
        body = []
        for r in by_urgency(a).itertuples():
            p = "" if pd.isna(r.p_meet) or r.status in ("met", "missed") else fmt_prob(r.p_meet, self.thresholds)
            proxy = f" <small>{esc(t['proxy'])}</small>" if pd.notna(r.proxy_region) else ""
            body.append(f'<tr class="status-{esc(r.status)}"><td>{self.indicator_html(r.indicator, r.breakdown)}'
                        f"</td><td>{esc(r.year)}</td>"
                        f"<td>{esc(fmt_target(r.comparator, r.target, r.unit, self.lang, r.target_high))}</td>"
                        f"<td>{src(r.clause, self.lang)}</td><td>{badge(r.status, self.lang)}{proxy}</td>"
                        f"<td>{esc(p)}</td><td>{src(r.explanation, self.lang)}</td></tr>")
        table = f'{TABLE % "risk"}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        return table + (self.data_needed_html() + self.undated_html() if rows is None else "")

    def review(self) -> pd.DataFrame:
        """The mid-term review table of the region's target years (``verdicts.review``): one row per
        verdict, in the report's language."""
        return review(self.catalog, self.assessment, self.lang, self.review_tolerance)

    def review_cells(self, r) -> dict:
        """One review row as a planner reads it: values with their years, shares of the way and of
        the time in percent (never cut), the judgement and the forecast verdict in words."""
        w = REVIEW_WORDS[self.lang]

        def at(value, year) -> str:
            if pd.isna(value) or year is None or pd.isna(year):
                return ""
            return w["at_year"].format(value=fmt_target("==", value, r.unit, self.lang), year=int(year))

        p = "" if pd.isna(r.p_meet) or r.status in ("met", "missed") else fmt_prob(r.p_meet, self.thresholds)
        return dict(indicator=self.indicator_label(r.indicator, r.breakdown), baseline=at(r.baseline, r.baseline_year),
                    target=w["at_year"].format(value=fmt_target(r.comparator, r.target, r.unit, self.lang,
                                                                None if pd.isna(r.target_high) else r.target_high),
                                               year=int(r.year)),
                    latest=at(r.latest_value, r.latest_year), completion=fmt_share(r.completion),
                    time_elapsed=fmt_share(r.time_elapsed), judgement=JUDGEMENT_LABELS[self.lang][r.judgement],
                    status=r.status, p=p, note=r.note)

    def review_section_html(self) -> str:
        """The section's heading and the sentence that defines the columns and states the tolerance."""
        tol = REVIEW_WORDS[self.lang]["tol_points"].format(n=f"{self.review_tolerance * 100:g}")
        return section("review", self.lang, tol=tol)

    def review_html(self, table: pd.DataFrame | None = None) -> str:
        """The review table: the target years that have a baseline and an actual since; below it one
        line each for those with no actual since the baseline and those whose plan states no baseline
        (none is assumed), so the judged rows are not lost among rows with nothing to judge."""
        w = REVIEW_WORDS[self.lang]
        r = self.review() if table is None else table
        if r.empty:
            return f"<p>{esc(w['no_rows'])}</p>"
        waiting = r["cases"].str.contains(r"\bno_new_actual\b|\bno_actual\b", regex=True)
        missing = r["cases"] == "no_baseline"  # a baseline conflict stays in the table, with its note
        if missing.all():
            return f"<p>{esc(w['no_baseline_rows'])}</p>"
        shown = r[~waiting & ~missing]
        out = ""
        if len(shown):
            keys = ("indicator", "baseline", "target", "latest", "completion", "time_elapsed", "judgement",
                    "forecast", "note")
            head = "".join(f"<th>{esc(w[k])}</th>" for k in keys)
            body = []
            nowrap = ' style="white-space:nowrap"'
            for row in shown.itertuples():
                c = self.review_cells(row)
                body.append(f'<tr class="judgement-{esc(row.judgement)}"><td>{src(c["indicator"], self.lang)}</td>'
                            f'<td>{esc(c["baseline"])}</td><td>{esc(c["target"])}</td><td>{esc(c["latest"])}</td>'
                            f'<td{nowrap}>{esc(c["completion"])}</td><td{nowrap}>{esc(c["time_elapsed"])}</td>'
                            f'<td{nowrap}><b>{esc(c["judgement"])}</b></td>'
                            f'<td{nowrap}>{badge(row.status, self.lang)} {esc(c["p"])}</td>'
                            f'<td>{esc(c["note"])}</td></tr>')
            out = f'{TABLE % "review"}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        for rows, key in ((r[waiting & ~missing], "without_new_actual"), (r[missing], "without_baseline")):
            if len(rows):
                out += f'<p class="review-{key}">{src(w[key].format(items=self._years_by_indicator(rows)), self.lang)}</p>'
        return out

    def _years_by_indicator(self, rows: pd.DataFrame) -> str:
        """指标A（2020、2021）、指标B（2022）: the indicators of ``rows`` with their target years."""
        t = WORDS[self.lang]
        items = []
        for (k, b), g in rows.groupby(["indicator", "breakdown"], sort=False):
            years = t["list_sep"].join(str(y) for y in sorted(set(g["year"])))
            items.append(f"{self.indicator_label(k, b)}（{years}）" if self.lang == "zh"
                         else f"{self.indicator_label(k, b)} ({years})")
        return t["list_sep"].join(items)

    def indicators(self) -> list[str]:
        return list(dict.fromkeys(self.assessment["indicator"]))

    def _in_window(self) -> pd.DataFrame:
        """The actuals the report may show: up to ``as_of``."""
        frame = self.actuals.frame
        return frame[frame["year"] <= self.as_of] if self.as_of is not None else frame

    def chart_parts(self, indicator: str) -> dict:
        """What the chart of ``indicator`` draws, and its alternative text says: the region's own
        series (every breakdown and definition), the verdicts and targets of the breakdowns that
        have data or a forecast (a breakdown without any stays in the data-needed list), the
        forecast path of each breakdown with a forecast verdict, and the parent's series."""
        a = self.assessment[self.assessment["indicator"] == indicator]
        frame = self._in_window()
        series = frame[(frame["region"] == self.region) & (frame["indicator"] == indicator)]
        drawn = set(series["breakdown"])
        paths = []
        for b, g in a.groupby("breakdown", sort=True):
            path = self._path(indicator, b, g)
            if len(path):
                paths.append(path.assign(breakdown=b))
                drawn.add(b)
        a = a[a["breakdown"].isin(drawn)]
        targets = a.rename(columns={"target": "value", "target_high": "value_high"})[
            ["year", "value", "value_high", "clause", "breakdown", "status"]]
        forecasts = pd.concat(paths, ignore_index=True) if paths else pd.DataFrame(
            columns=["year", "forecast", "lo80", "hi80", "proxy", "breakdown"])
        ind = self.catalog.vocabulary[indicator]
        return dict(actuals=series, assessment=a, targets=targets, forecasts=forecasts,
                    indicator_name=self.indicator_label(indicator), unit=ind.unit, lang=self.lang,
                    parent=self.parent_context(indicator))

    def _path(self, indicator: str, breakdown: str, verdicts: pd.DataFrame) -> pd.DataFrame:
        """The forecast path of one breakdown: the context's for the total (computed once per run),
        computed here for a breakdown with a forecast verdict; none for a breakdown only measured."""
        if breakdown == "" and (self.region, indicator) in (self.paths or {}):
            return self.paths[(self.region, indicator)]
        if breakdown != "" and not verdicts["status"].isin(["on_track", "at_risk", "off_track"]).any():
            return pd.DataFrame()
        definition = verdicts["definition"].dropna().iloc[0] if verdicts["definition"].notna().any() else None
        return forecast_path(self.catalog, self.actuals, self.region, indicator, int(verdicts["year"].max()),
                             self.as_of, breakdown=breakdown, definition=definition)

    def chart(self, indicator: str, ax=None):
        """The chart of ``indicator`` (``plots.plot_indicator``): its axes."""
        return plot_indicator(**self.chart_parts(indicator), ax=ax)

    def parent_context(self, indicator: str) -> tuple[str, pd.DataFrame, str, str] | None:
        """The nearest parent region's own series of the indicator (a district sees how its
        province moves): (label naming the parent and the definition it is published in, its rows,
        the parent's name, the definition in words) for the chart's panel beside."""
        store = SeriesStore(self._in_window().pipe(lambda f: f[f["indicator"] == indicator]))
        for parent in self.catalog.regions.ancestors(self.region):
            rows, definition = store.get(parent, indicator, "")
            if len(rows) >= 2:
                name = parent if self.lang == "zh" else self.catalog.regions.en(parent)
                words = WORDS[self.lang]
                said = definition_label(definition, self.lang) or words["same_definition"]
                label = words["parent_series"].format(parent=name, definition=said)
                return label, pd.DataFrame({"year": rows.year, "value": rows.value}), name, \
                    label[len(name):].strip() if label.startswith(name) else said
        return None

    def charted(self) -> list[str]:
        """Indicators with a series to draw: a verdict judged from data (the region's own or its
        parent's trend), or a series of the region's own (two years or more of one breakdown and
        definition). A target year without any of these stays in the data-needed list only: a
        chart of target markers and one baseline point says nothing the list does not."""
        frame = self._in_window()
        local = frame[frame["region"] == self.region]
        years = local.groupby(["indicator", "breakdown", "definition"], dropna=False)["year"].nunique()
        series = {k for (k, _, _), n in years.items() if n >= 2}
        judged = set(self.judged()["indicator"])
        return [k for k in self.indicators() if k in judged or k in series]

    def chart_image(self, indicator: str, dpi: int = 110):
        """The chart as an embedded PNG with its alternative text (the published page's <img alt>)."""
        parts = self.chart_parts(indicator)
        alt = chart_alt(parts["indicator_name"], parts["unit"], self.lang, parts["actuals"], parts["assessment"],
                        parts["parent"])
        return png_image(plot_indicator(**parts).figure, alt, dpi=dpi)

    def checks_html(self) -> str:
        """The findings of check_plans about the region's plans, each said from its numbers."""
        t = WORDS[self.lang]
        f = check_plans(self.catalog, region=self.region)
        if f.empty:
            return f"<p>{esc(t['none'])}</p>"
        head = "".join(f"<th>{esc(t[k])}</th>" for k in ("check", "year", "indicator", "detail", "clauses"))
        rows = "".join(f"<tr><td>{esc(CHECK_LABELS[self.lang].get(r.check, r.check))}</td><td>{esc(r.year)}</td>"
                       f"<td>{self._check_indicators(r.indicator)}</td><td>{esc(self._check_sentence(r))}</td>"
                       f"<td>{src(r.clauses, self.lang)}</td></tr>" for r in f.itertuples())
        return f'{TABLE % "checks"}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'

    def _check_indicators(self, keys: str) -> str:
        vocab = self.catalog.vocabulary
        names = [self.indicator_label(k) if k in vocab else k for k in str(keys).split(", ")]
        return src(WORDS[self.lang]["list_sep"].join(names), self.lang)

    def _check_sentence(self, r) -> str:
        return check_sentence(r.check, r.indicator, r.stated, r.computed, r.difference, r.unit, r.clauses, self.lang)

    def plan_name(self, plan_id: str) -> str:
        """A plan as a reader knows it: its title (the English title in an English report, when the
        plan file gives one), never the catalogue's id (shown only for a plan the catalogue lacks)."""
        p = self.catalog.plans.get(plan_id)
        if p is None:
            return plan_id
        return p.title_en if self.lang != "zh" and p.title_en else f"《{p.title_zh}》"

    def actual_sources(self) -> list[tuple[str, str | None]]:
        """(label, URL) of each source of the region's actuals: the published source's title (or the
        planner's file); a plan's baseline or a series computed from published parts says so in the
        report's language. The page and the Word document both list these."""
        t = WORDS[self.lang]
        f = self.actuals.frame
        used = f[(f["region"] == self.region) & f["indicator"].isin(self.indicators())]
        used = used.assign(label=used["source_title"].fillna(used["file"].map(lambda x: Path(str(x)).name)))
        out = []
        for r in used.drop_duplicates(["label", "source_url", "layer"]).itertuples():
            label = (t["derived_source"] if r.layer == "derived"
                     else r.label + t["baseline_source"] if r.layer == "baseline" else r.label)
            out.append((label, None if pd.isna(r.source_url) else r.source_url))
        return out

    def sources_html(self) -> str:
        t = WORDS[self.lang]
        items = []
        for i, r in enumerate(self.assessment.itertuples(), start=1):
            plan = (src(self.plan_name(r.plan), self.lang) if r.plan in self.catalog.plans
                    else f"<code>{esc(r.plan)}</code>")
            items.append(f"<li id='fn{i}'>{esc(r.year)} {self.indicator_html(r.indicator)}: {plan}"
                         f"{t['list_sep']}{src(r.clause, self.lang)} — “{src(r.quote, self.lang)}”</li>")
        out = f"<h4>{esc(t['plan'])}</h4><ol class='sources'>{''.join(items)}</ol>"
        srcs = self.actual_sources()
        if srcs:
            li = "".join(f"<li>{src(label, self.lang)} {esc(url)}</li>" for label, url in srcs)
            out += f"<h4>{esc(t['actual_sources'])}</h4><ul class='sources'>{li}</ul>"
        return out


"""What the report notebooks show, as a few calls: the notebooks stay thin and all logic lives here.

Every piece of text that came from an input file (region names, clauses, quotes, notes, sources,
URLs) is HTML-escaped before it reaches a report.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .actuals import Actuals, load_actuals
from .checks import check_plans
from .assess import STATUSES, SeriesStore, Thresholds, assess, forecast_path
from .explain import WORDS, fmt_prob, fmt_target, status_label
from .plots import STATUS_COLORS, plot_indicator, status_heatmap, use_cjk_font
from .catalog import Catalog, load_catalog

__all__ = ["RegionReport", "Overview", "Context", "region_report", "overview", "build_context", "save_context", "esc"]

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


def _badge(status: str, lang: str) -> str:
    # inline style: readable under any nbconvert template or in JupyterLab, not only with our stylesheet
    color = STATUS_COLORS.get(status, "#999")
    return (f'<span class="badge" style="background:{color};color:#fff;border-radius:3px;padding:1px 6px;'
            f'white-space:nowrap">{esc(status_label(status, lang))}</span>')


# tables left-aligned under any template (JupyterLab's right-aligns every cell): a rule scoped to
# our tables (!important: JupyterLab's rule is the more specific), before each table
_TABLE = ('<style>table.ind th,table.ind td{text-align:left!important;vertical-align:top;border:1px solid #d0d7de;'
          'padding:4px 6px}</style><table class="ind %s" style="border-collapse:collapse;width:100%%;margin:.6em 0">')


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

    def title(self) -> str:
        if self.lang == "zh":
            return f"{self.region}（{self.region_en}）职业教育规划指标进展"
        return f"{self.region_en} ({self.region}): progress on plan targets"

    def header_html(self) -> str:
        plans = [p for p in self.catalog.plans.values() if p.region == self.region]
        items = "".join(f"<li>{esc(p.title_zh)} {esc(p.document_number or '')} ({esc(p.issued or '')})</li>"
                        for p in plans)
        return f"<h1>{esc(self.title())}</h1><ul class='plans'>{items}</ul>"

    thresholds: Thresholds = Thresholds()

    def counts(self) -> dict[str, int]:
        """Verdicts per status (repeats already merged; conflicting values count once each)."""
        c = self.assessment["status"].value_counts().to_dict()
        return {s: int(c.get(s, 0)) for s in STATUSES}

    def target_years(self) -> int:
        """Distinct target years: (indicator, breakdown, year), whatever the number of clauses."""
        return int(len(self.assessment.drop_duplicates(["indicator", "breakdown", "year"])))

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

    def headline_html(self) -> str:
        """Target years, how many can be judged and how many need data, and the region's own data year."""
        t = WORDS[self.lang]
        c = self.counts()
        years = self.target_years()
        judged = int(len(self.judged().drop_duplicates(["indicator", "breakdown", "year"])))
        need = years - judged
        parts = " ".join(f'{_badge(s, self.lang)} <b>{c[s]}</b>' for s in STATUSES if s != "insufficient_data")
        dy = self.data_year()
        asof = t["data_as_of"].format(year=dy) if dy is not None else t["no_local_data"]
        sep, lp, rp = ("，", "（", "）") if self.lang == "zh" else (", ", " (", ")")
        lead = f"{years} {t['target_years']}{sep}{t['judged'].format(n=judged)}{sep}{t['need_data'].format(n=need)}"
        if len(self.assessment) > years:
            lead += sep + t["conflicts"].format(n=len(self.assessment) - years)
        return f'<p class="headline">{esc(lead)}{lp}{esc(asof)}{rp}: {parts}</p>'

    def undated_html(self) -> str:
        """Targets without a year and standing rules of the region's plans: in the report, not nowhere."""
        t = self.catalog.select(region=self.region, domain=self.domain)
        t = t[(t["kind"] == "rule") | ((t["kind"] == "target") & t["year"].isna())]
        if t.empty:
            return ""
        w = WORDS[self.lang]
        rows = "".join(f"<tr><td>{esc(self.indicator_label(r.indicator, r.breakdown if isinstance(r.breakdown, str) else ''))}</td><td>{esc(r.written)}"
                       f"</td><td>{esc(r.clause)}</td><td>{esc(r.year_note)}</td></tr>" for r in t.itertuples())
        head = "".join(f"<th>{esc(w[k])}</th>" for k in ("indicator", "target", "clause", "year_note"))
        return (f'<h3>{esc(w["undated"])}</h3>{_TABLE % "undated"}<thead><tr>{head}</tr></thead>'
                f"<tbody>{rows}</tbody></table>")

    def data_needed_html(self) -> str:
        """One line per indicator (and breakdown) whose target years need data, with the command
        that writes the pre-filled template: what a planner should collect, at a glance."""
        t = WORDS[self.lang]
        need = self.needing_data()
        if need.empty:
            return ""
        items = []
        for (k, b), g in need.groupby(["indicator", "breakdown"], sort=False):
            years = "、".join(str(y) for y in sorted(set(g["year"]))) if self.lang == "zh" else \
                ", ".join(str(y) for y in sorted(set(g["year"])))
            items.append(f"<li>{esc(self.indicator_label(k, b))}: {esc(t['data_needed_years'].format(years=years))}"
                         "</li>")
        cmd = f"indicators template --region {self.region} -o {self.region}.xlsx"
        return (f'<h3>{esc(t["data_needed"])}</h3><p>{esc(t["data_needed_lead"])} <code>{esc(cmd)}</code></p>'
                f'<ul class="data-needed">{"".join(items)}</ul>')

    def indicator_label(self, indicator: str, breakdown: str = "") -> str:
        ind = self.catalog.vocabulary[indicator]
        name = ind.zh if self.lang == "zh" else ind.en
        if breakdown:
            name += f"（{breakdown}）" if self.lang == "zh" else f" ({breakdown})"
        return name

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
            p = "" if pd.isna(r.p_meet) or r.status in ("met", "missed") else fmt_prob(r.p_meet, tuple(self.thresholds))
            proxy = f" <small>{esc(t['proxy'])}</small>" if pd.notna(r.proxy_region) else ""
            body.append(f'<tr class="status-{esc(r.status)}"><td>{esc(self.indicator_label(r.indicator, r.breakdown))}'
                        f"</td><td>{esc(r.year)}</td>"
                        f"<td>{esc(fmt_target(r.comparator, r.target, r.unit, self.lang, r.target_high))}</td>"
                        f"<td>{esc(r.clause)}</td><td>{_badge(r.status, self.lang)}{proxy}</td><td>{esc(p)}</td>"
                        f"<td>{esc(r.explanation)}</td></tr>")
        table = f'{_TABLE % "risk"}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        return table + (self.data_needed_html() + self.undated_html() if rows is None else "")

    def indicators(self) -> list[str]:
        return list(dict.fromkeys(self.assessment["indicator"]))

    def chart(self, indicator: str, ax=None):
        a = self.assessment[self.assessment["indicator"] == indicator]
        ind = self.catalog.vocabulary[indicator]
        targets = self.catalog.select(region=self.region, indicator=indicator, domain=self.domain)
        targets = targets[targets["year"].notna() & targets["kind"].isin(["target", "baseline"])]
        frame = self.actuals.frame
        if self.as_of is not None:
            frame = frame[frame["year"] <= self.as_of]
        series = frame[(frame["region"] == self.region) & (frame["indicator"] == indicator)]
        total = a[a["breakdown"] == ""]
        definition = total["definition"].dropna().iloc[0] if total["definition"].notna().any() else None
        path = (self.paths or {}).get((self.region, indicator))
        if path is None:
            path = pd.DataFrame(columns=["year", "forecast", "lo80", "hi80", "proxy"])
            if len(total) and len(SeriesStore(series).get(self.region, indicator, "", definition)[0]):
                path = forecast_path(self.catalog, self.actuals, self.region, indicator, int(total["year"].max()),
                                     self.as_of, definition=definition)
        return plot_indicator(series, a, targets, path, self.indicator_label(indicator), ind.unit, self.lang, ax=ax,
                              parent=self.parent_context(indicator))

    def parent_context(self, indicator: str) -> tuple[str, pd.DataFrame] | None:
        """The nearest parent region's own series of the indicator (a district sees how its
        province moves), labelled with the parent and the definition it is published in."""
        from .explain import definition_label

        frame = self.actuals.frame
        if self.as_of is not None:
            frame = frame[frame["year"] <= self.as_of]
        store = SeriesStore(frame[frame["indicator"] == indicator])
        for parent in self.catalog.regions.ancestors(self.region):
            rows, definition = store.get(parent, indicator, "")
            if len(rows) >= 2:
                name = parent if self.lang == "zh" else self.catalog.regions.en(parent)
                label = WORDS[self.lang]["parent_series"].format(
                    parent=name, definition=definition_label(definition, self.lang) or
                    ("口径同上" if self.lang == "zh" else "same definition"))
                return label, rows
        return None

    def charted(self) -> list[str]:
        """Indicators worth a chart: with a local actual, a verdict or a parent's series. The rest
        are in the data-needed list, not drawn as empty axes."""
        frame = self.actuals.frame
        local = set(frame.loc[frame["region"] == self.region, "indicator"])
        judged = set(self.judged()["indicator"])
        return [k for k in self.indicators() if k in local or k in judged or self.parent_context(k) is not None]

    def chart_image(self, indicator: str, dpi: int = 90):
        """The chart as an embedded PNG (drawn once, no second 'tight' layout pass)."""
        import io

        import matplotlib.pyplot as plt
        from IPython.display import Image

        ax = self.chart(indicator)
        ax.figure.subplots_adjust(left=0.1, right=0.98, top=0.9, bottom=0.12)
        buf = io.BytesIO()
        ax.figure.savefig(buf, format="png", dpi=dpi)
        plt.close(ax.figure)
        return Image(data=buf.getvalue(), format="png")

    def checks_html(self) -> str:
        t = WORDS[self.lang]
        f = check_plans(self.catalog, region=self.region)
        if f.empty:
            return f"<p>{esc(t['none'])}</p>"
        rows = "".join(f"<tr><td>{esc(r.check)}</td><td>{esc(r.year)}</td><td>{esc(r.indicator)}</td>"
                       f"<td>{esc(r.detail)}</td><td>{esc(r.clauses)}</td></tr>" for r in f.itertuples())
        return f'{_TABLE % "checks"}<tbody>{rows}</tbody></table>'

    def sources_html(self) -> str:
        t = WORDS[self.lang]
        items = []
        for i, r in enumerate(self.assessment.itertuples(), start=1):
            items.append(f"<li id='fn{i}'>{esc(r.year)} {esc(r.indicator_zh)}: {esc(r.plan)}, {esc(r.clause)} — "
                         f"“{esc(r.quote)}”</li>")
        out = f"<h4>{esc(t['plan'])}</h4><ol class='sources'>{''.join(items)}</ol>"
        used = self.actuals.frame[(self.actuals.frame["region"] == self.region)
                                  & self.actuals.frame["indicator"].isin(self.indicators())]
        used = used.assign(label=used["source_title"].fillna(used["file"].map(lambda f: Path(str(f)).name)))
        srcs = used.drop_duplicates(["label", "source_url"])
        if len(srcs):
            li = "".join(f"<li>{esc(r.label)} {esc(r.source_url)}</li>" for r in srcs.itertuples())
            out += f"<h4>{esc(t['actual_sources'])}</h4><ul class='sources'>{li}</ul>"
        return out


@dataclass
class Context:
    """Everything the report notebooks share, computed once per run: the catalogue, actuals, the
    assessment of every dated target (all domains) and the forecast path drawn in each chart.

    The runner pickles one Context and passes its path to every notebook; a notebook opened by
    hand computes its own (same function, same numbers). ``thresholds`` are those the assessment
    was made with: a notebook asked for others recomputes the verdicts (``_context``)."""

    catalog: Catalog
    actuals: Actuals
    assessment: pd.DataFrame
    paths: dict
    as_of: int | None
    lang: str
    thresholds: Thresholds = Thresholds()


def as_paths(value) -> list[Path]:
    """``actuals``/``plans`` as given: a list of paths, or one path as a plain string (what
    ``papermill -p actuals data.xlsx`` passes), or nothing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, (str, Path)):
        return [Path(value)]
    return [Path(v) for v in value]


def build_context(plans=None, actuals=None, as_of=None, lang="zh", on_track=Thresholds.on_track,
                  at_risk=Thresholds.at_risk, regions: list[str] | None = None, catalog: Catalog | None = None,
                  act: Actuals | None = None, input_region: str | None = None) -> Context:
    catalog = catalog or load_catalog(as_paths(plans) or None)
    act = act or load_actuals(as_paths(actuals), catalog=catalog, region=input_region)
    th = Thresholds(on_track, at_risk)
    a = assess(catalog, act, as_of=as_of, domain=None, lang=lang, thresholds=th)
    if regions is not None:
        a = a[a["region"].isin(regions)].reset_index(drop=True)
    if as_of is None and len(act.frame):
        as_of = int(act.frame["year"].max())
    paths = {}
    for (region, indicator), g in a[a["breakdown"] == ""].groupby(["region", "indicator"], sort=True):
        definition = g["definition"].dropna().iloc[0] if g["definition"].notna().any() else None
        paths[(region, indicator)] = forecast_path(catalog, act, region, indicator, int(g["year"].max()), as_of,
                                                   definition=definition)
    return Context(catalog, act, a, paths, as_of, lang, th)


def save_context(ctx: Context, path: Path) -> None:
    import pickle

    Path(path).write_bytes(pickle.dumps(ctx, protocol=pickle.HIGHEST_PROTOCOL))


def _context(context, plans, actuals, as_of, lang, on_track, at_risk, regions=None) -> Context:
    use_cjk_font()
    if not context:
        return build_context(plans, actuals, as_of, lang, on_track, at_risk, regions=regions)
    import pickle

    ctx = pickle.loads(Path(context).read_bytes())  # written by this run's runner
    th = Thresholds(on_track, at_risk)
    if th != ctx.thresholds or lang != ctx.lang:
        # the notebook's own parameters win: the same inputs never give two answers
        ctx.assessment = assess(ctx.catalog, ctx.actuals, as_of=ctx.as_of, domain=None, lang=lang, thresholds=th)
        ctx.thresholds, ctx.lang = th, lang
    return ctx


def _in_domain(a: pd.DataFrame, domain: str | None) -> pd.DataFrame:
    return a if domain in (None, "", "all") else a[a["domain"] == domain]


def region_report(region: str, actuals: list[str] | str | None = None, as_of: int | None = None, lang: str = "zh",
                  on_track: float = Thresholds.on_track, at_risk: float = Thresholds.at_risk,
                  domain: str | None = "vocational", plans: list[str] | str | None = None,
                  context: str | None = None) -> RegionReport:
    """Everything a region report shows. ``context``: a file written by the runner (else computed)."""
    ctx = _context(context, plans, actuals, as_of, lang, on_track, at_risk)
    with_plans = sorted({p.region for p in ctx.catalog.plans.values()})
    region, _ = ctx.catalog.regions.resolve(region, among=with_plans)
    dom = None if domain in (None, "", "all") else domain
    a = _in_domain(ctx.assessment[ctx.assessment["region"] == region], dom).reset_index(drop=True)
    return RegionReport(region, ctx.catalog, ctx.actuals, a, ctx.as_of, lang, dom, ctx.paths, ctx.thresholds)


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
                       f"<td>{_badge(r.status, self.lang)}</td><td>{esc(fmt_prob(r.p_meet, th))}</td>"
                       f"<td>{esc(r.explanation)}</td></tr>" for r in a.itertuples())
        return f'{_TABLE % "risk"}<tbody>{rows}</tbody></table>'

    def summary(self) -> pd.DataFrame:
        """The coverage table (kept under its old name for notebooks that call it)."""
        return self.coverage()


def overview(actuals: list[str] | str | None = None, as_of: int | None = None, lang: str = "zh",
             on_track: float = Thresholds.on_track, at_risk: float = Thresholds.at_risk,
             domain: str | None = "vocational", plans: list[str] | str | None = None,
             context: str | None = None) -> Overview:
    ctx = _context(context, plans, actuals, as_of, lang, on_track, at_risk)
    return Overview(_in_domain(ctx.assessment, domain).reset_index(drop=True), ctx.catalog, lang, ctx.thresholds)

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
from .plots import STATUS_COLORS, plot_indicator, status_heatmap, use_cjk_font
from .risk import STATUSES, Thresholds, _pick_series, assess, forecast_path
from .targets import Catalog, load_catalog

__all__ = ["RegionReport", "Overview", "Context", "region_report", "overview", "build_context", "save_context", "esc"]

_T = {
    "zh": dict(met="已达标", on_track="有望达标", at_risk="存在风险", off_track="难以达标", missed="未达标",
               insufficient_data="数据不足", year="年份", indicator="指标", target="目标", clause="条款",
               status="状态", p="达标概率", explanation="说明", total="目标年份", none="（无）",
               checks="规划自身的核对结果", sources="来源", plan="规划", quote="原文", actual_sources="实际数据来源",
               no_targets="该地区在所选领域没有带年份的目标。"),
    "en": dict(met="met", on_track="on track", at_risk="at risk", off_track="off track", missed="missed",
               insufficient_data="no data", year="Year", indicator="Indicator", target="Target", clause="Clause",
               status="Status", p="P(meet)", explanation="Explanation", total="target years",
               none="(none)", checks="Checks of the plan itself", sources="Sources", plan="Plan", quote="Quote",
               actual_sources="Sources of actuals", no_targets="No dated targets for this region in this domain."),
}


def esc(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return ""
    return html.escape(str(v), quote=True)


def _fmt_target(r) -> str:
    from .actuals import UNIT_LABELS
    from .risk import _CMP_EN, _num

    unit = "" if r.unit == "percent" else UNIT_LABELS.get(r.unit, "")
    return f"{_CMP_EN.get(r.comparator, '').strip()}{_num(r.target, r.unit)}{unit}"


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
            f'white-space:nowrap">{esc(_T[lang].get(status, status))}</span>')


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

    def counts(self) -> dict[str, int]:
        c = self.assessment["status"].value_counts().to_dict()
        return {s: int(c.get(s, 0)) for s in STATUSES}

    def headline_html(self) -> str:
        t = _T[self.lang]
        c = self.counts()
        n = len(self.assessment)
        parts = " ".join(f'{_badge(s, self.lang)} <b>{c[s]}</b>' for s in STATUSES)
        asof = f"（数据截至 {self.as_of} 年）" if self.lang == "zh" else f"(actuals up to {self.as_of})"
        return f'<p class="headline">{n} {esc(t["total"])} {esc(asof)}: {parts}</p>'

    def risk_table_html(self) -> str:
        t = _T[self.lang]
        if self.assessment.empty:
            return f"<p>{esc(t['no_targets'])}</p>"
        head = "".join(f"<th>{esc(t[k])}</th>" for k in ("indicator", "year", "target", "clause", "status", "p",
                                                          "explanation"))
        rows = []
        for r in by_urgency(self.assessment).itertuples():
            name = r.indicator_zh if self.lang == "zh" else self.catalog.vocabulary[r.indicator].en
            p = "" if pd.isna(r.p_meet) else f"{r.p_meet * 100:.0f}%"
            rows.append(f'<tr class="status-{esc(r.status)}"><td>{esc(name)}</td><td>{esc(r.year)}</td>'
                        f"<td>{esc(_fmt_target(r))}</td><td>{esc(r.clause)}</td><td>{_badge(r.status, self.lang)}"
                        f"{' <small>proxy</small>' if pd.notna(r.proxy_region) else ''}</td><td>{esc(p)}</td>"
                        f"<td>{esc(r.explanation)}</td></tr>")
        return f'{_TABLE % "risk"}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'

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
        path = (self.paths or {}).get((self.region, indicator))
        if path is None:
            until = int(a["year"].max()) if len(a) else None
            chosen = _pick_series(frame, self.region, indicator)
            path = forecast_path(self.catalog, self.actuals, self.region, indicator, until, self.as_of) \
                if until is not None and len(chosen) else pd.DataFrame(columns=["year", "forecast", "lo80", "hi80",
                                                                                "proxy"])
        name = ind.zh if self.lang == "zh" else ind.en
        return plot_indicator(series, a, targets, path, name, ind.unit, self.lang, ax=ax)

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
        t = _T[self.lang]
        f = check_plans(self.catalog, region=self.region)
        if f.empty:
            return f"<p>{esc(t['none'])}</p>"
        rows = "".join(f"<tr><td>{esc(r.check)}</td><td>{esc(r.year)}</td><td>{esc(r.indicator)}</td>"
                       f"<td>{esc(r.detail)}</td><td>{esc(r.clauses)}</td></tr>" for r in f.itertuples())
        return f'{_TABLE % "checks"}<tbody>{rows}</tbody></table>'

    def sources_html(self) -> str:
        t = _T[self.lang]
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
    hand computes its own (same function, same numbers)."""

    catalog: Catalog
    actuals: Actuals
    assessment: pd.DataFrame
    paths: dict
    as_of: int | None
    lang: str


def as_paths(value) -> list[Path]:
    """``actuals``/``plans`` as given: a list of paths, or one path as a plain string (what
    ``papermill -p actuals data.xlsx`` passes), or nothing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, (str, Path)):
        return [Path(value)]
    return [Path(v) for v in value]


def build_context(plans=None, actuals=None, as_of=None, lang="zh", on_track=0.7, at_risk=0.3,
                  regions: list[str] | None = None, catalog: Catalog | None = None,
                  act: Actuals | None = None) -> Context:
    catalog = catalog or load_catalog(as_paths(plans) or None)
    act = act or load_actuals(as_paths(actuals), catalog=catalog)
    a = assess(catalog, act, as_of=as_of, domain=None, lang=lang, thresholds=Thresholds(on_track, at_risk))
    if regions is not None:
        a = a[a["region"].isin(regions)].reset_index(drop=True)
    if as_of is None and len(act.frame):
        as_of = int(act.frame["year"].max())
    paths = {}
    for (region, indicator), g in a.groupby(["region", "indicator"], sort=True):
        paths[(region, indicator)] = forecast_path(catalog, act, region, indicator, int(g["year"].max()), as_of)
    return Context(catalog, act, a, paths, as_of, lang)


def save_context(ctx: Context, path: Path) -> None:
    import pickle

    Path(path).write_bytes(pickle.dumps(ctx, protocol=pickle.HIGHEST_PROTOCOL))


def _context(context, plans, actuals, as_of, lang, on_track, at_risk, regions=None) -> Context:
    use_cjk_font()
    if context:
        import pickle

        return pickle.loads(Path(context).read_bytes())  # written by this run's runner
    return build_context(plans, actuals, as_of, lang, on_track, at_risk, regions=regions)


def _in_domain(a: pd.DataFrame, domain: str | None) -> pd.DataFrame:
    return a if domain in (None, "", "all") else a[a["domain"] == domain]


def region_report(region: str, actuals: list[str] | None = None, as_of: int | None = None, lang: str = "zh",
                  on_track: float = 0.7, at_risk: float = 0.3, domain: str | None = "vocational",
                  plans: list[str] | None = None, context: str | None = None) -> RegionReport:
    """Everything a region report shows. ``context``: a file written by the runner (else computed)."""
    ctx = _context(context, plans, actuals, as_of, lang, on_track, at_risk, regions=None if context else [region])
    dom = None if domain in (None, "", "all") else domain
    names = [r for r in ctx.catalog.regions.regions if region in (r, ctx.catalog.regions.en(r))]
    region = names[0] if names else region
    a = _in_domain(ctx.assessment[ctx.assessment["region"] == region], dom).reset_index(drop=True)
    return RegionReport(region, ctx.catalog, ctx.actuals, a, ctx.as_of, lang, dom, ctx.paths)


@dataclass
class Overview:
    assessment: pd.DataFrame
    catalog: Catalog
    lang: str

    def nearest(self) -> pd.DataFrame:
        """Per region and indicator, the nearest target year still open (else the last one)."""
        a = self.assessment
        if a.empty:
            return a
        a = a.assign(_open=~a["status"].isin(["met", "missed"]))
        a = a.sort_values(["region", "indicator", "_open", "year"], ascending=[True, True, False, True])
        return a.drop_duplicates(["region", "indicator"]).drop(columns="_open")

    def heatmap(self, ax=None):
        n = self.nearest()
        names = {k: (self.catalog.vocabulary[k].zh if self.lang == "zh" else self.catalog.vocabulary[k].en)[:18]
                 for k in n["indicator"].unique()}
        table = n.assign(name=n["indicator"].map(names)).pivot_table(
            index="name", columns="region", values="status", aggfunc="first")
        return status_heatmap(table, self.lang, ax=ax)

    def urgent_html(self) -> str:
        t = _T[self.lang]
        a = self.assessment[self.assessment["status"].isin(["off_track", "at_risk"])]
        a = by_urgency(a).sort_values(["year", "p_meet", "region"], kind="stable")
        if a.empty:
            return f"<p>{esc(t['none'])}</p>"
        rows = "".join(f'<tr><td class="nowrap">{esc(r.region)}</td><td>{esc(r.year)}</td><td>{esc(r.indicator_zh)}</td>'
                       f"<td>{_badge(r.status, self.lang)}</td><td>{esc(f'{r.p_meet * 100:.0f}%')}</td>"
                       f"<td>{esc(r.explanation)}</td></tr>" for r in a.itertuples())
        return f'{_TABLE % "risk"}<tbody>{rows}</tbody></table>'

    def summary(self) -> pd.DataFrame:
        """Status counts per region, with status names in the report's language."""
        c = self.assessment.groupby(["region", "status"]).size().unstack(fill_value=0)
        c = c.reindex(columns=list(STATUSES), fill_value=0)
        c.columns = [_T[self.lang][s] for s in c.columns]
        c.index.name = "地区" if self.lang == "zh" else "region"
        return c


def overview(actuals: list[str] | None = None, as_of: int | None = None, lang: str = "zh", on_track: float = 0.7,
             at_risk: float = 0.3, domain: str | None = "vocational", plans: list[str] | None = None,
             context: str | None = None) -> Overview:
    ctx = _context(context, plans, actuals, as_of, lang, on_track, at_risk)
    return Overview(_in_domain(ctx.assessment, domain).reset_index(drop=True), ctx.catalog, lang)


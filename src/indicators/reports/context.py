"""What the report notebooks show, as a few calls: the notebooks stay thin and all logic lives here.

``region_report`` and ``overview`` are what the notebooks call; the pages themselves are built in
``reports.region`` (one region) and ``reports.overview`` (all regions), from HTML pieces in
``reports.html``. ``Context`` is what the runner computes once for every notebook of a run: the
verdicts and the charts' forecast paths from one vectorised fit (``assess_with_paths``). The runner
then writes one small context per region (``region_context``: its targets, its actuals and its
parents' series, its rows of the assessment, its paths) and one for the overview
(``overview_context``), so a notebook reads only its own file and its memory does not grow with
the number of regions (``save_contexts``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from ..actuals.load import Actuals, load_actuals
from ..verdicts.assess import assess, assess_with_paths, paths_by_indicator
from ..rules import Thresholds
from .plots import use_cjk_font
from .overview import Overview
from .region import RegionReport
from ..plans.catalog import Catalog, load_catalog
from ..plans.regions import Regions

__all__ = ["Context", "region_report", "overview", "build_context", "save_context", "as_paths", "only_regions",
           "report_domain",
           "region_context", "overview_context", "save_contexts"]

# a run with more target rows than this judges them on ``jobs`` processes; fewer are faster in one
_PARALLEL_TARGETS = 20_000


@dataclass
class Context:
    """Everything the report notebooks share, computed once per run: the catalogue, actuals, the
    assessment of every dated target of the regions asked for (all domains) and the forecast path
    drawn in each chart.

    The runner pickles one Context and passes its path to every notebook; a notebook opened by
    hand computes its own (same function, same numbers). ``thresholds``, ``plans``, ``actual_files``
    and ``as_of_asked`` are what the context was made from (``as_of`` is the year it resolved to): a
    notebook given other parameters recomputes what they change (``_context``), never shows the
    context's numbers under its own parameters."""

    catalog: Catalog
    actuals: Actuals
    assessment: pd.DataFrame
    paths: pd.DataFrame  # every chart's forecast path (``verdicts.assess.PATH_COLUMNS``)
    as_of: int | None
    lang: str
    thresholds: Thresholds = Thresholds()
    regions: list[str] | None = None  # the regions asked for (None: every region with a plan)
    plans: tuple[str, ...] = ()      # plan directories as given (``as_paths``), bundled ones aside
    actual_files: tuple[str, ...] = ()  # planner files as given, bundled data aside
    as_of_asked: int | None = None   # the parameter; None: the latest year of the actuals
    part: str | None = None          # None: the whole run's; "region" or "overview": one notebook's share


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
                  act: Actuals | None = None, input_region: str | None = None, jobs: int = 1) -> Context:
    """The verdicts of the regions asked for (all domains) and their charts' paths, from one fit of
    every series (``assess_with_paths``). ``jobs``: worker processes when there are many targets."""
    asked = as_of
    catalog = catalog or load_catalog(as_paths(plans) or None)
    act = act or load_actuals(as_paths(actuals), catalog=catalog, region=input_region)
    th = Thresholds(on_track, at_risk)
    judged = only_regions(catalog, regions)
    a, paths = assess_with_paths(judged, act, as_of=as_of, domain=None, lang=lang, thresholds=th,
                                 jobs=jobs if len(judged.targets) > _PARALLEL_TARGETS else 1)
    a = _typed(a)
    if as_of is None and len(act.frame):
        as_of = int(act.frame["year"].max())
    return Context(catalog, act, a, paths, as_of, lang, th, None if regions is None else list(regions),
                   _given(plans), _given(actuals), asked)


# the assessment's float columns: in a few regions' rows one may hold nothing but None
_FLOAT_COLUMNS = {"target", "target_high", "meet_low", "meet_high", "tolerance_used", "latest_value", "forecast", "lo80",
                  "hi80", "lo95", "hi95", "p_meet", "required_change", "historical_change", "pace_ratio",
                  "anticipated_progress"}


def _typed(a: pd.DataFrame) -> pd.DataFrame:
    """The column types the whole catalogue's assessment has: a column that is all None in the rows
    of the regions asked for is NaN (float or text), as it is when every region is judged, so a page
    reads the same whichever regions the run was asked for."""
    for c in a.columns:
        if a[c].dtype == object and a[c].isna().all():
            a[c] = a[c].astype("float64" if c in _FLOAT_COLUMNS else "str")
    return a


def only_regions(catalog: Catalog, regions: list[str] | None) -> Catalog:
    """The catalogue with the targets of ``regions`` only, so a run for one region of 10,000 judges
    and charts one region's targets (the verdicts are per region: the same rows as filtering the
    whole assessment). Plans, regions and vocabulary stay whole, and so do the actuals: a thin
    region's verdict still reads its parents' series."""
    if regions is None:
        return catalog
    asked = set(regions)
    # a target an asked region's plan states for another place stays: the overview lists it as before
    plans = {p.id for p in catalog.plans.values() if p.region in asked}
    t = catalog.targets
    return replace(catalog, targets=t[t["region"].isin(asked) | t["plan"].isin(plans)].reset_index(drop=True))


def _given(value) -> tuple[str, ...]:
    """Paths as a notebook parameter gives them, in one comparable form."""
    return tuple(str(p) for p in as_paths(value))


def save_context(ctx: Context, path: Path) -> None:
    import pickle

    Path(path).write_bytes(pickle.dumps(ctx, protocol=pickle.HIGHEST_PROTOCOL))


def region_context(ctx: Context, region: str, rows: dict | None = None) -> Context:
    """What one region's notebook needs of the run's context: its targets and plans, its actuals and
    its parents' series, its rows of the assessment, its charts' paths, the vocabulary, and the
    region with its parents; its size does not depend on the number of regions of the run.
    ``rows``: ``_rows_by_region`` of the actuals, the assessment and the paths, when the caller
    cuts many regions (one pass over each table instead of one per region)."""
    rows = rows or _rows_by_region(ctx)
    cat = ctx.catalog
    family = [region] + cat.regions.ancestors(region)
    t = cat.targets.iloc[rows["targets"].get(region, [])].reset_index(drop=True)
    plans = {k: p for k, p in cat.plans.items() if p.region == region or k in set(t["plan"])}
    catalog = replace(cat, plans=plans, targets=t, files=[],
                      regions=Regions({r: cat.regions[r] for r in family if r in cat.regions}))
    frame = ctx.actuals.frame
    own = sorted(i for r in family for i in rows["actuals"].get(r, []))
    act = replace(ctx.actuals, frame=frame.iloc[own].reset_index(drop=True), overrides=pd.DataFrame(), warnings=[],
                  files=[])
    a = ctx.assessment.iloc[rows["assessment"].get(region, [])].reset_index(drop=True)
    paths = ctx.paths.iloc[rows["paths"].get(region, [])].reset_index(drop=True)
    return replace(ctx, catalog=catalog, actuals=act, assessment=a, paths=paths, regions=[region], part="region")


def overview_context(ctx: Context) -> Context:
    """What the overview notebook needs: the assessment of every region of the run, the vocabulary
    and the regions' names; no actuals, plans, targets or paths."""
    cat = ctx.catalog
    shown = set(ctx.assessment["region"])
    catalog = replace(cat, plans={}, targets=cat.targets.iloc[0:0], files=[],
                      regions=Regions({r: cat.regions[r] for r in sorted(shown) if r in cat.regions}))
    act = replace(ctx.actuals, frame=ctx.actuals.frame.iloc[0:0], overrides=pd.DataFrame(), warnings=[], files=[])
    return replace(ctx, catalog=catalog, actuals=act, paths=ctx.paths.iloc[0:0], part="overview")


def _rows_by_region(ctx: Context) -> dict:
    """Row positions per region of the targets, actuals, assessment and paths: one pass each."""
    def by(frame: pd.DataFrame) -> dict:
        return {k: v.tolist() for k, v in frame.groupby("region", sort=False).indices.items()} if len(frame) else {}

    return {"targets": by(ctx.catalog.targets), "actuals": by(ctx.actuals.frame), "assessment": by(ctx.assessment),
            "paths": by(ctx.paths)}


def save_contexts(ctx: Context, folder: Path, regions: dict[str, str]) -> dict[str | None, Path]:
    """One context file per region (``regions``: region -> file stem) and ``overview.pickle``, in
    ``folder``; {region (None: the overview): its file}."""
    import pickle

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = _rows_by_region(ctx)
    out = {None: folder / "overview.pickle"}
    out[None].write_bytes(pickle.dumps(overview_context(ctx), protocol=pickle.HIGHEST_PROTOCOL))
    for region, stem in regions.items():
        out[region] = folder / f"{stem}.pickle"
        out[region].write_bytes(pickle.dumps(region_context(ctx, region, rows), protocol=pickle.HIGHEST_PROTOCOL))
    return out


_FONT: list = []


def _font_once() -> None:
    """The charts' CJK font, registered once per process: a warm kernel runs many notebooks, and each
    registration adds the font to matplotlib's list again and empties its font cache."""
    if not _FONT:
        _FONT.append(use_cjk_font())


def _context(context, plans, actuals, as_of, lang, on_track, at_risk, regions=None) -> Context:
    """The context a notebook shows: the runner's file when it was made from the notebook's own
    ``plans``, ``actuals`` and ``as_of`` (thresholds and language are reapplied cheaply to a whole
    context), else one computed from the notebook's parameters, so a parameter is never silently
    ignored. A region's or the overview's own file holds too little to recompute from: any other
    parameter recomputes it from the inputs, for the same regions."""
    _font_once()
    if not context:
        return build_context(plans, actuals, as_of, lang, on_track, at_risk, regions=regions)
    import pickle

    ctx = pickle.loads(Path(context).read_bytes())  # written by this run's runner
    th = Thresholds(on_track, at_risk)
    same_plans = _given(plans) == ctx.plans
    same_inputs = same_plans and _given(actuals) == ctx.actual_files and as_of == ctx.as_of_asked
    if ctx.part is not None:
        if same_inputs and th == ctx.thresholds and lang == ctx.lang:
            return ctx
        return build_context(plans, actuals, as_of, lang, on_track, at_risk,
                             regions=ctx.regions if regions is None else regions)
    if not same_inputs:
        # other inputs than the context's: recompute from them, reusing what they leave unchanged
        # (the catalogue when the plans are the same, the actuals when plans and files are)
        same_act = same_plans and _given(actuals) == ctx.actual_files
        return build_context(plans, actuals, as_of, lang, on_track, at_risk,
                             regions=ctx.regions if regions is None else regions,
                             catalog=ctx.catalog if same_plans else None, act=ctx.actuals if same_act else None)
    if th != ctx.thresholds or lang != ctx.lang:
        # the notebook's own parameters win: the same inputs never give two answers
        ctx.assessment = _typed(assess(only_regions(ctx.catalog, ctx.regions), ctx.actuals, as_of=ctx.as_of,
                                       domain=None, lang=lang, thresholds=th))
        ctx.thresholds, ctx.lang = th, lang
    return ctx


def _in_domain(a: pd.DataFrame, domain: str | None) -> pd.DataFrame:
    return a if domain in (None, "", "all") else a[a["domain"] == domain]


def report_domain(catalog: Catalog, region: str, domain: str) -> str:
    """The domain a region's report shows: the one asked for ("all" included) when the region has a
    plan in it; a region whose plans are all in another domain gets a report in its own (Suzhou's
    intellectual-property plan), never an empty one."""
    doms = {p.domain for p in catalog.plans.values() if p.region == region}
    return domain if domain in doms or domain == "all" or not doms else sorted(doms)[0]


def region_report(region: str, actuals: list[str] | str | None = None, as_of: int | None = None, lang: str = "zh",
                  on_track: float = Thresholds.on_track, at_risk: float = Thresholds.at_risk,
                  domain: str | None = "vocational", plans: list[str] | str | None = None,
                  context: str | None = None) -> RegionReport:
    """Everything a region report shows. ``context``: a file written by the runner (else computed)."""
    ctx = _context(context, plans, actuals, as_of, lang, on_track, at_risk)
    with_plans = sorted({p.region for p in ctx.catalog.plans.values()})
    region, _ = ctx.catalog.regions.resolve(region, among=with_plans)
    dom = None if domain in (None, "", "all") else domain
    own = ctx.assessment[ctx.assessment["region"] == region]
    a = _in_domain(own, dom).reset_index(drop=True)
    paths = paths_by_indicator(ctx.paths, region, own.loc[own["breakdown"] == "", "indicator"].unique())
    return RegionReport(region, ctx.catalog, ctx.actuals, a, ctx.as_of, lang, dom, paths, ctx.thresholds)


def overview(actuals: list[str] | str | None = None, as_of: int | None = None, lang: str = "zh",
             on_track: float = Thresholds.on_track, at_risk: float = Thresholds.at_risk,
             domain: str | None = "vocational", plans: list[str] | str | None = None,
             context: str | None = None, kept: str | None = None) -> Overview:
    """The overview. ``kept``: a file written by the runner with the rows of the region pages kept
    from earlier runs (a run for some regions): the overview then covers every page published."""
    ctx = _context(context, plans, actuals, as_of, lang, on_track, at_risk)
    ov = Overview(_in_domain(ctx.assessment, domain).reset_index(drop=True), ctx.catalog, lang, ctx.thresholds)
    return ov.with_kept(kept, domain) if kept else ov

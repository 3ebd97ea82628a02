"""What the report notebooks show, as a few calls: the notebooks stay thin and all logic lives here.

``region_report`` and ``overview`` are what the notebooks call; the pages themselves are built in
``reports.region`` (one region) and ``reports.overview`` (all regions), from HTML pieces in
``reports.html``. ``Context`` is what the runner computes once for every notebook of a run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from ..actuals.load import Actuals, load_actuals
from ..verdicts.assess import assess, forecast_path
from ..rules import Thresholds
from .plots import use_cjk_font
from .overview import Overview
from .region import RegionReport
from ..plans.catalog import Catalog, load_catalog

__all__ = ["Context", "region_report", "overview", "build_context", "save_context", "as_paths", "only_regions"]


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
    paths: dict
    as_of: int | None
    lang: str
    thresholds: Thresholds = Thresholds()
    regions: list[str] | None = None  # the regions asked for (None: every region with a plan)
    plans: tuple[str, ...] = ()      # plan directories as given (``as_paths``), bundled ones aside
    actual_files: tuple[str, ...] = ()  # planner files as given, bundled data aside
    as_of_asked: int | None = None   # the parameter; None: the latest year of the actuals


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
    asked = as_of
    catalog = catalog or load_catalog(as_paths(plans) or None)
    act = act or load_actuals(as_paths(actuals), catalog=catalog, region=input_region)
    th = Thresholds(on_track, at_risk)
    a = _typed(assess(only_regions(catalog, regions), act, as_of=as_of, domain=None, lang=lang, thresholds=th))
    if as_of is None and len(act.frame):
        as_of = int(act.frame["year"].max())
    paths = {}
    for (region, indicator), g in a[a["breakdown"] == ""].groupby(["region", "indicator"], sort=True):
        definition = g["definition"].dropna().iloc[0] if g["definition"].notna().any() else None
        paths[(region, indicator)] = forecast_path(catalog, act, region, indicator, int(g["year"].max()), as_of,
                                                   definition=definition)
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


def _context(context, plans, actuals, as_of, lang, on_track, at_risk, regions=None) -> Context:
    """The context a notebook shows: the runner's file when it was made from the notebook's own
    ``plans``, ``actuals`` and ``as_of`` (thresholds and language are reapplied cheaply), else one
    computed from the notebook's parameters, so a parameter is never silently ignored."""
    use_cjk_font()
    if not context:
        return build_context(plans, actuals, as_of, lang, on_track, at_risk, regions=regions)
    import pickle

    ctx = pickle.loads(Path(context).read_bytes())  # written by this run's runner
    same_plans = _given(plans) == ctx.plans
    if not same_plans or _given(actuals) != ctx.actual_files or as_of != ctx.as_of_asked:
        # other inputs than the context's: recompute from them, reusing what they leave unchanged
        # (the catalogue when the plans are the same, the actuals when plans and files are)
        same_act = same_plans and _given(actuals) == ctx.actual_files
        return build_context(plans, actuals, as_of, lang, on_track, at_risk,
                             regions=ctx.regions if regions is None else regions,
                             catalog=ctx.catalog if same_plans else None, act=ctx.actuals if same_act else None)
    th = Thresholds(on_track, at_risk)
    if th != ctx.thresholds or lang != ctx.lang:
        # the notebook's own parameters win: the same inputs never give two answers
        ctx.assessment = _typed(assess(only_regions(ctx.catalog, ctx.regions), ctx.actuals, as_of=ctx.as_of,
                                       domain=None, lang=lang, thresholds=th))
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


def overview(actuals: list[str] | str | None = None, as_of: int | None = None, lang: str = "zh",
             on_track: float = Thresholds.on_track, at_risk: float = Thresholds.at_risk,
             domain: str | None = "vocational", plans: list[str] | str | None = None,
             context: str | None = None, kept: str | None = None) -> Overview:
    """The overview. ``kept``: a file written by the runner with the rows of the region pages kept
    from earlier runs (a run for some regions): the overview then covers every page published."""
    ctx = _context(context, plans, actuals, as_of, lang, on_track, at_risk)
    ov = Overview(_in_domain(ctx.assessment, domain).reset_index(drop=True), ctx.catalog, lang, ctx.thresholds)
    return ov.with_kept(kept, domain) if kept else ov

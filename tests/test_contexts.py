"""The run's context: chart paths from the verdicts' own fit, and one small context file per notebook.

The synthetic plans of ``benchmarks/many_regions.py`` (made up, written to a temporary folder, never to
``data/``) give series the bundled catalogue lacks: a district's own three years, fitted by the ladder.
"""

import importlib.util
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

import indicators
from indicators.rules import Thresholds
from indicators.actuals.load import load_actuals
from indicators.forecast.ladder import fit_forecast
from indicators.reports import context as report
from indicators.reports.context import build_context, region_context, region_report, save_context, save_contexts

_spec = importlib.util.spec_from_file_location("many_regions", Path(__file__).parents[1] / "benchmarks" / "many_regions.py")
many_regions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(many_regions)

BANDS = ["forecast", "lo80", "hi80", "lo95", "hi95"]


@pytest.fixture(scope="module")
def bundled(catalog):
    act = load_actuals([], catalog=catalog)
    return catalog, act, build_context(catalog=catalog, act=act)


def _compared(ctx) -> int:
    """Every forecast verdict without a breakdown against its chart's path in its target year: equal,
    not close (one fit serves both). Returns how many were compared."""
    a = ctx.assessment
    judged = a[(a["breakdown"] == "") & a["status_detail"].fillna("").str.match("forecast|proxy")]
    n = 0
    for r in judged.itertuples():
        path = ctx.paths[(ctx.paths["region"] == r.region) & (ctx.paths["indicator"] == r.indicator)]
        at = path[path["year"] == r.year]
        assert len(at) == 1, (r.region, r.indicator, r.year)
        for band in BANDS:
            assert at[band].iloc[0] == getattr(r, band), (r.region, r.indicator, r.year, band)
        assert at["model"].iloc[0] == r.model
        n += 1
    return n


def test_chart_paths_are_the_verdicts_forecasts_for_the_bundled_data(bundled):
    catalog, act, ctx = bundled
    assert _compared(ctx) >= 9  # the bundled forecasts are thin districts along a parent's trend
    assert set(ctx.paths["proxy"]) == {True}
    earlier = build_context(catalog=catalog, act=act, as_of=2019)
    assert _compared(earlier) >= 6


def test_chart_paths_of_own_series_come_from_the_batch_fit(tmp_path):
    plans, actuals = many_regions.write_files(tmp_path, 4)
    cat = indicators.load_catalog([plans], env=False, bundled=False)
    act = load_actuals([actuals], catalog=cat)
    ctx = build_context(catalog=cat, act=act)
    assert _compared(ctx) == 4  # each district's share: three own years, forecast to 2026
    assert not ctx.paths["proxy"].any() and len(ctx.paths) == 4 * 4  # 2023 (the last actual), 2024-2026
    for region, path in ctx.paths.groupby("region"):
        own = act.frame[(act.frame["region"] == region)]
        ref = fit_forecast(own["year"], own["value"], [2024, 2025, 2026], "percent").frame()  # one series alone
        assert np.allclose(path[BANDS].to_numpy()[1:], ref[BANDS].to_numpy(), rtol=1e-9, atol=1e-9)
        assert path["year"].tolist() == [2023, 2024, 2025, 2026] and path["forecast"].iloc[0] == own["value"].iloc[-1]


def test_a_region_context_holds_its_region_and_draws_the_same_page(bundled, tmp_path):
    catalog, act, ctx = bundled
    region = "茌平区"
    part = region_context(ctx, region)
    family = {region, *catalog.regions.ancestors(region)}
    assert set(part.assessment["region"]) == {region} and set(part.catalog.targets["region"]) == {region}
    assert set(part.actuals.frame["region"]) <= family and set(part.paths["region"]) == {region}
    assert set(part.catalog.regions.regions) == family and {p.region for p in part.catalog.plans.values()} == {region}
    assert len(pickle.dumps(part)) < len(pickle.dumps(ctx)) / 4  # the bundled data are mostly national and provincial
    # the page drawn from the region's own file is the page drawn from the whole context
    files = save_contexts(ctx, tmp_path, {region: "one"})
    save_context(ctx, tmp_path / "whole.pickle")
    a = region_report(region, context=str(tmp_path / "whole.pickle"))
    b = region_report(region, context=str(files[region]))
    for name in ("header_html", "headline_html", "risk_table_html", "undated_html", "checks_html", "sources_html"):
        assert getattr(a, name)() == getattr(b, name)(), name
    assert a.charted() == b.charted() and len(a.charted())
    for key in a.charted():
        assert a.chart_image(key).data == b.chart_image(key).data, key


def test_a_region_notebook_opens_only_its_own_context_file(bundled, tmp_path, monkeypatch):
    catalog, act, ctx = bundled
    regions = sorted(set(ctx.assessment["region"]))
    files = save_contexts(ctx, tmp_path / "contexts", {r: f"r{i}" for i, r in enumerate(regions)})
    assert set(files) == {None, *regions} and all(f.parent == tmp_path / "contexts" for f in files.values())
    for loader in ("load_catalog", "load_actuals", "build_context"):  # nothing is read or computed again
        monkeypatch.setattr(report, loader, lambda *a, **k: pytest.fail("the notebook recomputed its context"))
    opened = []
    _AUDIT.append(opened)
    try:
        rep = region_report("茌平区", context=str(files["茌平区"]))
        pages = [rep.header_html(), rep.headline_html(), rep.risk_table_html(), rep.checks_html(),
                 rep.sources_html()] + [rep.chart_image(k) for k in rep.charted()]
    finally:
        _AUDIT.remove(opened)
    assert len(pages) > 6
    read = {Path(p) for p in opened if str(p).startswith(str(tmp_path))}
    assert read == {files["茌平区"]}
    data = [p for p in opened if Path(str(p)).suffix in (".csv", ".xlsx", ".yaml", ".yml", ".pickle", ".parquet")
            and Path(str(p)) != files["茌平区"]]
    assert not data, data  # no catalogue, no actuals, no other region's context


_AUDIT: list = []


def _audit(event, args):
    if _AUDIT and event == "open" and isinstance(args[0], (str, bytes, Path)):
        for seen in _AUDIT:
            seen.append(args[0] if not isinstance(args[0], bytes) else args[0].decode(errors="replace"))


sys.addaudithook(_audit)


def test_a_region_context_does_not_grow_with_the_number_of_regions(tmp_path):
    sizes = []
    for n in (20, 400):
        plans, actuals = many_regions.write_files(tmp_path / str(n), n)
        cat = indicators.load_catalog([plans], env=False, bundled=False)
        ctx = build_context(catalog=cat, act=load_actuals([actuals], catalog=cat))
        assert len(set(ctx.assessment["region"])) == n
        sizes.append(len(pickle.dumps(region_context(ctx, many_regions.district(7)))))
    assert sizes[1] <= sizes[0] * 1.01, sizes


@pytest.mark.slow  # assesses the bundled data again
def test_a_region_context_given_other_parameters_recomputes(bundled, tmp_path):
    catalog, act, ctx = bundled
    files = save_contexts(ctx, tmp_path, {"茌平区": "chiping"})
    earlier = region_report("茌平区", context=str(files["茌平区"]), as_of=2018)
    assert set(earlier.assessment["as_of"]) == {2018}
    strict = region_report("茌平区", context=str(files["茌平区"]), on_track=0.99, at_risk=0.98)
    loose = region_report("茌平区", context=str(files["茌平区"]))
    judged = strict.assessment["status_detail"].fillna("").str.match("proxy")
    th = Thresholds(0.99, 0.98)
    assert strict.assessment.loc[judged, "status"].tolist() == [th.status(p) for p in strict.assessment.loc[judged, "p_meet"]]
    assert (strict.assessment.loc[judged, "status"] != loose.assessment.loc[judged, "status"]).any()

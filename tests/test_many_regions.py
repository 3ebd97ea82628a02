"""Load: a run for one region of many judges and charts that region only. The plans are synthetic
(benchmarks/many_regions.py writes them into a temporary folder); how the catalogue load grows with
the number of plan files is a figure that script prints (``--scaling``), not a timed test."""

import importlib.util
from pathlib import Path


import indicators
from indicators.actuals.load import load_actuals
from indicators.verdicts import assess as assess_module
from indicators.verdicts.assess import assess
from indicators.reports import context as report
from indicators.plans.regions import Region, Regions
from indicators.reports.context import build_context

_spec = importlib.util.spec_from_file_location("many_regions", Path(__file__).parents[1] / "benchmarks" / "many_regions.py")
many_regions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(many_regions)


def test_context_for_asked_regions_is_the_whole_assessment_filtered(catalog):
    act = load_actuals([], catalog=catalog)
    ctx = build_context(catalog=catalog, act=act, regions=["环翠区"])
    whole = assess(catalog, act, domain=None)
    assert len(ctx.assessment) and ctx.assessment.equals(whole[whole["region"] == "环翠区"].reset_index(drop=True))
    assert set(ctx.paths["region"]) <= {"环翠区"}
    every = build_context(catalog=catalog, act=act)  # the same region's paths in a run of every region
    for region in ("环翠区", "茌平区"):
        one = build_context(catalog=catalog, act=act, regions=[region]).paths
        assert one.to_dict("list") == every.paths[every.paths["region"] == region].to_dict("list")
    assert len(every.paths) and set(every.paths["region"]) == {"茌平区"}
    assert ctx.catalog is catalog and len(ctx.catalog.plans) > 2  # the catalogue itself stays whole


def test_one_region_of_many_is_judged_alone(tmp_path, monkeypatch):
    plans, actuals = many_regions.write_files(tmp_path, 300)
    cat = indicators.load_catalog([plans], env=False, bundled=False)
    assert len(cat.plans) == 300 and len(cat.targets) == 600
    act = load_actuals([actuals], catalog=cat)
    one = many_regions.district(150)
    fitted = []
    real_fit = assess_module.fit_many
    monkeypatch.setattr(assess_module, "fit_many", lambda series, *args, **kw: fitted.append(len(series))
                        or real_fit(series, *args, **kw))
    assessed = []
    real_assess = report.assess_with_paths
    monkeypatch.setattr(report, "assess_with_paths", lambda c, *args, **kw: assessed.append(set(c.targets["region"]))
                        or real_assess(c, *args, **kw))
    ctx = build_context(catalog=cat, act=act, regions=[one])
    assert set(ctx.assessment["region"]) == {one} and len(ctx.assessment) == 2
    assert set(ctx.paths["region"]) == {one} and ctx.paths["year"].max() == 2026
    # one fit for verdicts and charts, of the asked region's series only: the other 299 cost nothing
    assert assessed == [{one}] and fitted == [1]  # its share (three synthetic years; no ratio series)
    # the asked region's verdict reads its own series (three synthetic years)
    share = ctx.assessment[ctx.assessment["indicator"] == "sec_voc_dual_qualified_teacher_share"].iloc[0]
    assert share["latest_year"] == 2023 and share["n_points"] == 3


def test_region_resolution_among_many():
    # how the load and this resolution scale is printed by `benchmarks/many_regions.py --scaling`
    regions = Regions({many_regions.district(i): Region(many_regions.district(i), f"Synthetic District {i:05d}",
                                                        "district", "聊城市") for i in range(10_000)})
    names = list(regions.regions)
    assert regions.resolve("合成01234区", among=names) == ("合成01234区", None)
    assert regions.resolve("Synthetic District 01234", among=names)[0] == "合成01234区"
    assert regions.resolve(" 合成01234 ", among=names)[0] == "合成01234区"
    assert regions.merged(Regions({})).ancestors("合成01234区") == ["聊城市"]  # merging checks for cycles


def test_a_target_an_asked_plan_states_for_another_region_is_kept(tmp_path):
    plans, actuals = many_regions.write_files(tmp_path, 3)
    f = plans / "synthetic_00000_2024.yaml"
    other = many_regions.district(1)
    f.write_text(f.read_text(encoding="utf-8").replace(
        "kind: target, clause: 一, quote: 到2026年双师型教师比例达到60%以上}",
        f"kind: target, clause: 一, quote: 到2026年双师型教师比例达到60%以上, region: {other}}}"), encoding="utf-8")
    cat = indicators.load_catalog([plans], env=False, bundled=False)
    ctx = build_context(catalog=cat, act=load_actuals([actuals], catalog=cat), regions=[many_regions.district(0)])
    assert set(ctx.assessment["region"]) == {many_regions.district(0), other}
    assert set(ctx.assessment["plan"]) == {"synthetic_00000_2024"}  # not the other region's own plan

"""An English report is English: every word the product writes is in the chosen language; only
names (regions, plans, clauses, breakdowns) and quotes keep their original Chinese, each marked
``lang="zh-CN"``.

The rule, made precise: in the text of an English region report before its sources section
(``id="sources"``), every CJK character (Chinese, CJK punctuation, full-width forms) sits inside an
element with ``lang="zh-CN"``, and the text of every such element occurs verbatim in an input: a
region name, a plan's title or document number, a clause, a breakdown, a quote, a written value, a
note of the catalogue, an English indicator name of the vocabulary (双师型 is quoted inside one) or
the title of an actuals source. Product words ("数据不足", "目标") are in none of those places as a
whole marked run, so marking them would fail the test as surely as leaving them unmarked.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest
from page_text import page_text

matplotlib.use("Agg")

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
REGIONS = ["茌平区", "苏州市"]
_SITE: dict = {}


def english_site(tmp_path_factory):
    """English reports for 茌平区 and 苏州市 (an intellectual-property plan) and the overview, built
    once per test process with the real runner."""
    if "result" not in _SITE:
        from indicators.run.runner import run

        out = tmp_path_factory.mktemp("site_en") / "reports"
        result = run(regions=REGIONS, out=out, jobs=2, progress=False, lang="en")
        assert result.ok, result.failed
        _SITE["result"] = result
    return _SITE["result"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return english_site(tmp_path_factory)


def before_sources(page: str) -> tuple[str, list[str]]:
    """The page's text up to its sources: (unmarked, runs marked lang="zh-CN")."""
    return page_text(page, "zh", stop_id="sources")


def input_texts(catalog, actuals_frame) -> list[str]:
    """Every text that came from an input and may therefore be Chinese in an English report."""
    t = catalog.targets
    out = [str(r) for r in catalog.regions]
    out += [str(p.region) for p in catalog.plans.values()]
    for p in catalog.plans.values():
        out += [p.title_zh or "", p.document_number or "", str(p.issued or "")]
    for col in ("clause", "quote", "written", "breakdown", "year_note", "year_note_en", "note", "region"):
        out += [str(v) for v in t[col].dropna()]
    out += [i.en for i in catalog.vocabulary.indicators.values()]
    out += [str(v) for v in actuals_frame["source_title"].dropna().unique()]
    return out


def unexplained(plain: str, marked: list[str], inputs: list[str]) -> tuple[list[str], list[str]]:
    """(Chinese outside any marked element, marked runs found in no input)."""
    joined = "\n".join(inputs)
    # several clauses of one verdict are listed with " / " between them
    parts = [p for m in marked for p in m.split(" / ")]
    return CJK.findall(plain), [p for p in parts if p not in joined]


def _page(site, region: str) -> str:
    r = next(r for r in site.reports if r["region"] == region)
    return Path(r["html"]).read_text(encoding="utf-8")


@pytest.mark.slow  # runs the whole catalogue through assess or a report
@pytest.mark.parametrize("region", REGIONS)
def test_english_report_has_no_chinese_but_names_and_quotes(site, catalog, region):
    from indicators.actuals.load import load_actuals

    plain, marked = before_sources(_page(site, region))
    assert len(plain) > 500, "the report has text before its sources"
    stray, invented = unexplained(plain, marked, input_texts(catalog, load_actuals(catalog=catalog).frame))
    assert stray == [], f"Chinese outside names and quotes: {''.join(stray)[:200]}"
    assert invented == [], f"marked as a name or quote but found in no input: {invented[:10]}"
    # the product's own words are English
    for word in ("Headline", "Risk table", "Charts", "Checks of the plan itself", "Sources"):
        assert word in _page(site, region)


def test_the_rule_can_fail(catalog):
    """Unmarked Chinese, and a product word dressed up as a name, are both caught."""
    from indicators.actuals.load import load_actuals

    inputs = input_texts(catalog, load_actuals(catalog=catalog).frame)
    plain, marked = before_sources('<h2>Headline</h2><p>目标年份按状态计数</p><span lang="zh-CN">数据不足啦</span>'
                                   '<span lang="zh-CN">茌平区</span><h2 id="sources">来源</h2><p>原文</p>')
    stray, invented = unexplained(plain, marked, inputs)
    assert "".join(stray) == "目标年份按状态计数" and invented == ["数据不足啦"]


@pytest.mark.slow  # builds the English site
def test_overview_in_english_names_regions_in_english(site):
    page = _page(site, None)
    plain, _ = before_sources(page)
    assert CJK.findall(plain) == [] and "Overview of all regions" in page
    assert "Chiping District" in page


@pytest.mark.slow  # builds the English site
def test_reports_are_titled_for_their_domain(site, catalog):
    from indicators.actuals.load import load_actuals
    from indicators.verdicts.assess import assess
    from indicators.reports.region import RegionReport

    act = load_actuals(catalog=catalog)
    for lang, ip, voc in (("zh", "苏州市（Suzhou）知识产权规划指标进展", "茌平区（Chiping District）职业教育规划指标进展"),
                          ("en", "Suzhou (苏州市): progress on intellectual-property plan targets",
                           "Chiping District (茌平区): progress on vocational-education plan targets")):
        su = RegionReport("苏州市", catalog, act, assess(catalog, act, region="苏州市", domain=None), None, lang, None)
        ch = RegionReport("茌平区", catalog, act, assess(catalog, act, region="茌平区"), None, lang, "vocational")
        assert (su.title(), ch.title()) == (ip, voc)
    assert "intellectual-property plan targets" in _page(site, "苏州市")


def _texts(fig) -> list[str]:
    out = []
    for ax in fig.axes:
        out += [ax.get_title(loc="left").replace("\n", " "), ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        if ax.get_legend():
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    for legend in fig.legends:  # a report chart's legend sits below its axes, on the figure
        out += [t.get_text() for t in legend.get_texts()]
    return out


@pytest.mark.slow  # runs the whole catalogue through assess or a report
def test_english_charts_are_english(catalog):
    """Titles, legends and ticks of every chart of an English report: English, except clauses and
    the Chinese term quoted inside an English indicator name ("双师型")."""
    import matplotlib.pyplot as plt

    from indicators.reports.context import region_report

    rep = region_report("茌平区", lang="en")
    names = {str(c) for c in catalog.targets["clause"].dropna()} | {i.en for i in catalog.vocabulary.indicators.values()}
    names = sorted(names, key=len, reverse=True)
    keys = rep.charted()
    assert keys
    for key in keys:
        ax = rep.chart(key)
        text = "\n".join(_texts(ax.figure))
        for name in names:
            text = text.replace(name, "")
        assert not CJK.findall(text), f"{key}: {text}"
        plt.close(ax.figure)
    # and the Chinese report's charts are Chinese
    ax = region_report("茌平区", lang="zh").chart(keys[0])
    assert "实际" in "\n".join(_texts(ax.figure))
    plt.close(ax.figure)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_long_chart_titles_wrap_within_the_axes(lang):
    import matplotlib.pyplot as plt
    import pandas as pd

    from indicators.reports.plots import plot_indicator, use_cjk_font

    use_cjk_font()
    name = ("Share of graduates of secondary vocational schools who continue to higher vocational education "
            "through the school-to-school transition (industry / specialty)") if lang == "en" else \
        "中等职业学校毕业生通过中高职贯通培养升入高等职业教育的比例（按产业、专业分列，含五年一贯制和三二分段）"
    actuals = pd.DataFrame({"year": [2019, 2020], "value": [40.0, 45.0], "definition": ["standard"] * 2})
    targets = pd.DataFrame({"year": [2022], "value": [50.0], "clause": ["一"]})
    ax = plot_indicator(actuals, pd.DataFrame(columns=["year", "target", "status"]), targets, pd.DataFrame(),
                        name, "percent", lang)
    fig = ax.figure
    title = ax.get_title(loc="left")
    assert title.count("\n") >= 1
    assert title.replace("\n", "" if lang == "zh" else " ").startswith(name)  # nothing cut
    renderer = fig.canvas.get_renderer()
    box = ax.title if ax.title.get_text() else ax._left_title
    assert box.get_window_extent(renderer).x1 <= fig.bbox.x1, "the title runs off the figure"
    plt.close(fig)

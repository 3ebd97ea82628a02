"""The report's charts tell what the verdicts used, checked on the figure objects: one line per
breakdown, the 80% band to each target year in the verdict's colour, nothing outside the image,
whole-number ticks for counts, the unit once in the title, and alternative text in words.

Series marked "synthetic" below are made up in the test to exercise a shape the bundled data do not
have (several years of breakdowns); they are never written into ``data/``."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection, PolyCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from indicators.reports.plots import STATUS_COLORS, chart_title, plot_indicator, use_cjk_font  # noqa: E402

REGION = "茌平区"
MAJORS = ("高端装备", "现代金融服务", "新一代信息技术")


@pytest.fixture(autouse=True)
def _font_and_close():
    use_cjk_font()
    yield
    plt.close("all")


def _outside(fig) -> list[str]:
    """Every axes (its drawn ticks, labels and titles: the tight bbox), legend and figure text of
    ``fig`` that reaches outside the image."""
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    box = fig.bbox
    out = []

    def check(name, ext):
        if ext.width and (ext.x0 < box.x0 - 1 or ext.y0 < box.y0 - 1 or ext.x1 > box.x1 + 1 or ext.y1 > box.y1 + 1):
            out.append(f"{name}: {ext.bounds} outside {box.bounds}")

    for ax in fig.axes:
        check(f"axes {ax.get_title(loc='left')!r}", ax.get_tightbbox(renderer))
    for legend in fig.legends + [a.get_legend() for a in fig.axes if a.get_legend()]:
        check("legend", legend.get_window_extent(renderer))
    for text in fig.texts:
        check(f"text {text.get_text()!r}", text.get_window_extent(renderer))
    return out


def _bands(ax) -> list[PolyCollection]:
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def _data_lines(ax) -> list:
    """The lines of actual values: drawn with round markers and a label."""
    return [ln for ln in ax.get_lines() if ln.get_marker() == "o" and not ln.get_label().startswith("_")]


# --- the bundled 茌平区 report ------------------------------------------------------------------

@pytest.fixture(scope="module")
def chiping():
    from indicators.reports.context import region_report

    return {lang: region_report(REGION, lang=lang) for lang in ("zh", "en")}


def test_the_bundled_report_charts_only_what_has_a_series(chiping):
    rep = chiping["zh"]
    judged = set(rep.judged()["indicator"])
    keys = rep.charted()
    # the three indicators judged along a parent's trend; the 27 with a baseline point and target
    # markers only are in the data-needed list, not drawn
    assert set(keys) == judged and len(keys) == 3
    assert "training_person_days" not in keys and "sec_voc_major_students" not in keys
    need = rep.data_needed_html()
    assert rep.indicator_label("training_person_days") in need
    assert rep.indicator_label("sec_voc_major_students", "高端装备") in need


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bundled_charts_draw_the_band_of_each_verdict_and_stay_inside(chiping, lang):
    rep = chiping[lang]
    for key in rep.charted():
        ax = rep.chart(key)
        fig = ax.figure
        verdicts = rep.assessment[rep.assessment["indicator"] == key]
        assert _outside(fig) == [], key
        # one stretch of band per target year, coloured by that year's verdict
        bands = _bands(ax)
        years = sorted(verdicts["year"].unique())
        assert len(bands) == len(years), (key, len(bands), years)
        for band, year in zip(bands, years):
            status = verdicts.loc[verdicts["year"] == year, "status"].iloc[0]
            assert to_hex(band.get_facecolor()[0]) == STATUS_COLORS[status]
            # the band reaches the target year, at the interval the verdict was decided on
            xs, ys = band.get_paths()[0].vertices.T
            row = verdicts[verdicts["year"] == year].iloc[0]
            assert xs.max() == year
            assert np.isclose(ys[xs == year].min(), row["lo80"]) and np.isclose(ys[xs == year].max(), row["hi80"])
        # the parent's series beside, on axes of its own, titled with the parent
        assert len(fig.axes) == 2 and fig.axes[1].get_title(loc="left")
        title = ax.get_title(loc="left").replace("\n", "" if lang == "zh" else " ")
        unit = rep.catalog.vocabulary[key].unit
        assert title == chart_title(rep.indicator_label(key), unit, lang)
        plt.close(fig)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bundled_chart_images_carry_alt_text_in_the_reports_language(chiping, lang):
    from indicators.words.explain import STATUS_LABELS

    rep = chiping[lang]
    for key in rep.charted():
        image = rep.chart_image(key)
        _, meta = image._repr_png_()  # what the notebook's output holds: the png and its alt text
        assert image.data.startswith(b"\x89PNG")
        alt = meta["alt"]
        verdicts = rep.assessment[rep.assessment["indicator"] == key]
        assert rep.indicator_label(key) in alt
        assert ("最新实际值" if lang == "zh" else "latest actual") in alt
        for r in verdicts.itertuples():
            assert str(r.year) in alt and STATUS_LABELS[lang][r.status] in alt
        if lang == "en":
            assert "最新" not in alt and "目标" not in alt


# --- breakdowns (synthetic series) --------------------------------------------------------------

@pytest.fixture(scope="module")
def breakdown_report(tmp_path_factory):
    """茌平区 with a synthetic planner file: 2016-2018 students of three majors (made up here, beside
    the plan's real 2019 baselines), so each major has a series and forecast verdicts."""
    from indicators.reports.context import region_report

    path = tmp_path_factory.mktemp("charts") / "synthetic_majors.csv"
    rows = ["region,indicator,breakdown,year,value"]
    for i, major in enumerate(MAJORS):
        for year, value in ((2016, 300 + 40 * i), (2017, 340 + 45 * i), (2018, 390 + 50 * i)):
            rows.append(f"{REGION},sec_voc_major_students,{major},{year},{value}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return region_report(REGION, [str(path)])


def test_one_line_and_one_legend_entry_per_breakdown(breakdown_report):
    rep = breakdown_report
    assert "sec_voc_major_students" in rep.charted()
    ax = rep.chart("sec_voc_major_students")
    fig = ax.figure
    series = rep.chart_parts("sec_voc_major_students")["actuals"]
    lines = _data_lines(ax)
    assert sorted(ln.get_label() for ln in lines) == sorted(set(series["breakdown"]))
    for ln in lines:
        x = np.asarray(ln.get_xdata(), float)
        assert (np.diff(x) > 0).all(), f"{ln.get_label()}: a line goes back or straight up at one year"
        own = series[series["breakdown"] == ln.get_label()]
        assert sorted(x) == sorted(own["year"].astype(float))
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    for major in set(series["breakdown"]):
        assert legend.count(major) == 1
    # a band for each major with a forecast verdict, never a line from one major to another
    judged = rep.judged()
    judged = judged[judged["indicator"] == "sec_voc_major_students"]
    assert set(judged["breakdown"]) == set(MAJORS)
    assert len(_bands(ax)) == len(judged.drop_duplicates(["breakdown", "year"]))
    assert _outside(fig) == []


def test_a_major_without_any_data_is_not_drawn(breakdown_report):
    parts = breakdown_report.chart_parts("sec_voc_major_students")
    assert "医养健康" not in set(parts["targets"]["breakdown"])  # no actual, no verdict: the list only
    assert "医养健康" in breakdown_report.data_needed_html()


# --- ticks, titles, axes ------------------------------------------------------------------------

def _chart(values, unit, targets=(), name="测试指标", forecasts=None, assessment=None, parent=None, lang="zh"):
    years = list(range(2015, 2015 + len(values)))
    actuals = pd.DataFrame({"year": years, "value": values, "definition": "standard"})
    t = pd.DataFrame(list(targets), columns=["year", "value", "clause"])
    a = assessment if assessment is not None else pd.DataFrame(columns=["year", "target", "status"])
    return plot_indicator(actuals, a, t, forecasts if forecasts is not None else pd.DataFrame(), name, unit, lang,
                          parent=parent)


@pytest.mark.parametrize("unit", ["count", "persons", "person_days"])
def test_counts_tick_whole_numbers(unit):
    # a school count of 1, 1, 1: once ticked 0.0, 0.25, ... 1.0
    ax = _chart([1.0, 1.0, 1.0], unit, [(2020, 2.0, "一")])
    locator = ax.yaxis.get_major_locator()
    assert isinstance(locator, MaxNLocator) and locator._integer
    lo, hi = ax.get_ylim()
    ticks = [t for t in ax.get_yticks() if lo <= t <= hi]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks
    assert [t.get_text() for t in ax.get_yticklabels() if "." in t.get_text()] == []


def test_shares_keep_fractional_ticks_and_stay_at_or_below_100():
    ax = _chart([91.0, 92.0, 93.5], "percent", [(2020, 95.4, "一")])
    assert not getattr(ax.yaxis.get_major_locator(), "_integer", False)
    assert ax.get_ylim()[1] <= 100


def test_the_axis_starts_where_the_data_make_sense():
    near = _chart([0.0, 800.0, 1500.0], "persons", [(2020, 2000.0, "一")])
    assert near.get_ylim()[0] == 0  # zero is part of the story
    far = _chart([15.2, 15.8, 16.1], "students_per_teacher", [(2020, 17.0, "一")])
    assert far.get_ylim()[0] > 10  # a ratio of 15-17 is not drawn from 0
    zero = _chart([0.0, 0.0, 0.0], "count", [(2020, 0.0, "一")])
    assert zero.get_ylim() == (0.0, 1.0)


@pytest.mark.parametrize("lang, name, unit, expected", [
    ("zh", "培训规模（人日）", "person_days", "培训规模（人日）"),
    ("en", "Training volume (person-days)", "person_days", "Training volume (person-days)"),
    ("zh", "中职学校数量", "count", "中职学校数量（个）"),
    ("en", "Secondary vocational schools", "count", "Secondary vocational schools (count)"),
    ("zh", "中职学校“双师型”教师比例", "percent", "中职学校“双师型”教师比例（%）"),
])
def test_the_unit_is_named_once_in_the_title(lang, name, unit, expected):
    assert chart_title(name, unit, lang) == expected
    ax = _chart([10.0, 12.0], unit, [(2020, 15.0, "一")], name=name, lang=lang)
    title = ax.get_title(loc="left").replace("\n", "" if lang == "zh" else " ")
    assert title == expected


def test_a_parent_series_of_another_scale_is_beside_and_inside_the_image():
    # synthetic: a district's 1-2 schools beside a province's hundreds, on axes of its own
    parent = ("山东省（口径同上）", pd.DataFrame({"year": range(2005, 2020), "value": np.linspace(420, 380, 15)}),
              "山东省", "（口径同上）")
    ax = _chart([1.0, 2.0, 2.0], "count", [(2020, 3.0, "一")], parent=parent)
    fig = ax.figure
    assert len(fig.axes) == 2
    panel = fig.axes[1]
    assert "山东省" in panel.get_title(loc="left")
    assert ax.get_ylim()[1] < 10  # the district's axis is not stretched to the province's values
    assert panel.get_ylim()[1] >= 420
    assert _outside(fig) == []


def test_given_axes_get_the_parent_on_a_labelled_right_axis():
    fig, ax = plt.subplots(figsize=(6, 3))
    parent = ("全国（口径同上）", pd.DataFrame({"year": [2010, 2015, 2019], "value": [1300.0, 1350.0, 1420.0]}), "全国")
    actuals = pd.DataFrame({"year": [2017, 2018, 2019], "value": [1.0, 2.0, 2.0], "definition": "standard"})
    plot_indicator(actuals, pd.DataFrame(columns=["year", "target", "status"]),
                   pd.DataFrame({"year": [2020], "value": [3.0], "clause": ["一"]}), pd.DataFrame(), "高职院校数量",
                   "count", "zh", ax=ax, parent=parent)
    right = [a for a in fig.axes if a is not ax]
    assert len(right) == 1 and right[0].get_ylabel() == "全国"
    assert any("右轴" in t.get_text() for t in ax.get_legend().get_texts())


def test_a_long_legend_stays_inside_the_image():
    # synthetic: eight breakdowns with long names and two clauses
    rows = [{"year": y, "value": 10.0 + i + y % 3, "definition": "standard",
             "breakdown": f"第{i}类重点产业（含新一代信息技术和高端装备制造）"}
            for i in range(8) for y in (2017, 2018, 2019)]
    targets = pd.DataFrame([{"year": 2022, "value": 20.0 + i, "clause": c, "breakdown": r}
                            for i, (c, r) in enumerate([("附件2 二、专业布局", "第0类重点产业（含新一代信息技术和高端装备制造）"),
                                                        ("第三部分（五）关于加强职业教育的实施意见", "")])])
    ax = plot_indicator(pd.DataFrame(rows), pd.DataFrame(columns=["year", "target", "status"]), targets,
                        pd.DataFrame(), "中职专业学生数", "persons", "zh")
    assert len(_data_lines(ax)) == 8
    assert _outside(ax.figure) == []


def test_a_band_without_a_verdict_is_grey_and_a_verdict_colours_its_stretch():
    f = pd.DataFrame({"year": [2019, 2020, 2021, 2022], "forecast": [50.0, 52, 54, 56], "lo80": [50.0, 49, 48, 47],
                      "hi80": [50.0, 55, 60, 65], "proxy": False})
    a = pd.DataFrame({"year": [2020, 2022], "target": [51.0, 70.0], "status": ["on_track", "off_track"],
                      "lo80": [49.0, 47.0], "hi80": [55.0, 65.0]})
    ax = _chart([44.0, 46.0, 48.0, 50.0], "percent", [(2020, 51.0, "一"), (2022, 70.0, "一")], forecasts=f,
                assessment=a)
    colours = [to_hex(b.get_facecolor()[0]) for b in _bands(ax)]
    # 2019-2020 leads to the on-track year, 2020-2022 to the off-track one
    assert colours == [STATUS_COLORS["on_track"], STATUS_COLORS["off_track"]]
    ax = _chart([44.0, 46.0, 48.0, 50.0], "percent", [(2022, 70.0, "一")], forecasts=f)
    assert [to_hex(b.get_facecolor()[0]) for b in _bands(ax)] == [STATUS_COLORS["insufficient_data"]]
    # the target marker carries its verdict's colour
    ax = _chart([44.0, 46.0, 48.0, 50.0], "percent", [(2020, 51.0, "一"), (2022, 70.0, "一")], forecasts=f,
                assessment=a)
    faces = {to_hex(c.get_facecolor()[0]) for c in ax.collections if isinstance(c, PathCollection)}
    assert {STATUS_COLORS["on_track"], STATUS_COLORS["off_track"]} <= faces


def test_heatmap_alt_text_counts_the_cells():
    from indicators.reports.plots import heatmap_alt

    table = pd.DataFrame({"甲区": ["met", "at_risk"], "乙区": ["at_risk", None]}, index=["指标一", "指标二"])
    zh = heatmap_alt(table, "zh")
    assert "2 个地区" in zh and "存在风险 2" in zh and "已达标 1" in zh and "数据不足 1" in zh
    en = heatmap_alt(table, "en")
    assert "2 regions by 2 indicators" in en and "at risk 2" in en


def test_two_definitions_are_two_lines_and_a_met_target_is_explained():
    # synthetic: a series published in two definitions, a target met in 2018
    actuals = pd.DataFrame({"year": [2015, 2016, 2017, 2017, 2018], "value": [30.0, 31.0, 32.0, 36.0, 37.0],
                            "definition": ["excl_technician"] * 3 + ["incl_technician"] * 2})
    a = pd.DataFrame({"year": [2018], "target": [35.0], "status": ["met"]})
    ax = plot_indicator(actuals, a, pd.DataFrame({"year": [2018], "value": [35.0], "clause": ["一"]}), pd.DataFrame(),
                        "中职招生占比", "percent", "zh")
    lines = _data_lines(ax)
    assert len(lines) == 2
    assert [list(ln.get_xdata()) for ln in lines] == [[2015, 2016, 2017], [2017, 2018]]
    legend = [t.get_text() for t in ax.figure.legends[0].get_texts()]
    assert "已达标" in legend
    faces = {to_hex(c.get_facecolor()[0]) for c in ax.collections if isinstance(c, PathCollection)}
    assert STATUS_COLORS["met"] in faces


def test_the_published_page_keeps_each_charts_alt_text():
    """A chart displayed in a notebook reaches the offline page (the ``indicators`` nbconvert
    template) as <img alt="...">, escaped, never nbconvert's placeholder."""
    import io

    import nbformat
    from IPython.display import Image

    from indicators.run.page import export_html

    ax = _chart([1.0, 2.0, 2.0], "count", [(2020, 3.0, "一")])
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png")
    alt = '图表：中职学校数量（个）。最新实际值 2个（2017 年）；"<quoted>" & more。'
    data, meta = Image(data=buf.getvalue(), format="png", alt=alt)._repr_png_()  # base64 text and {"alt": ...}
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("display(img)", outputs=[nbformat.v4.new_output(
        "display_data", data={"image/png": data}, metadata={"image/png": meta})]))
    from html.parser import HTMLParser

    class Images(HTMLParser):
        alts: list = []

        def handle_starttag(self, tag, attrs):
            if tag == "img":
                self.alts.append(dict(attrs).get("alt"))

    page = export_html(nb, title="t", lang="zh")
    reader = Images()
    reader.feed(page)
    assert reader.alts == [alt]  # read back as the browser reads it: escaped in the page, whole
    assert "<quoted>" not in page and "No description" not in page

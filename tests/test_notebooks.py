"""Notebooks are committed clean, expose their documented parameters, and charts render Chinese."""

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib
import nbformat
import papermill as pm
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _documented() -> dict[str, set[str]]:
    """The README's parameter table: | `name` | region_report, overview | meaning |"""
    out: dict[str, set[str]] = {}
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\|\s*`(\w+)`\s*\|\s*([\w, ]+)\s*\|", line)
        if m:
            for nb in (x.strip() for x in m.group(2).split(",")):
                out.setdefault(nb, set()).add(m.group(1))
    return out


def test_three_notebooks_exist():
    assert {p.stem for p in NOTEBOOKS} == {"region_report", "overview", "explore"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_and_with_a_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name} cell {i} carries outputs"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert any(c.cell_type == "markdown" for c in nb.cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_sees_every_documented_parameter(path):
    documented = _documented().get(path.stem)
    assert documented, f"README documents no parameters for {path.stem}"
    assert set(pm.inspect_notebook(str(path))) == documented


def test_chinese_chart_renders_without_missing_glyphs(tmp_path):
    import matplotlib.pyplot as plt

    from indicators.reports.plots import use_cjk_font

    assert use_cjk_font() is not None
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*Glyph.*missing.*")
        fig, ax = plt.subplots()
        ax.plot([2019, 2020], [11, 17], label="中职学校生师比")
        ax.set_title("茌平区 职业教育 “双师型” 教师比例 95.4%")
        ax.legend()
        fig.savefig(tmp_path / "zh.png")
        plt.close(fig)
    assert (tmp_path / "zh.png").stat().st_size > 1000


def test_missing_glyphs_would_be_caught(tmp_path):
    """The guard above can fail: DejaVu alone has no CJK glyphs."""
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(), matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        warnings.filterwarnings("error", message=".*Glyph.*missing.*")
        fig, ax = plt.subplots()
        ax.set_title("茌平区")
        with pytest.raises(UserWarning, match="Glyph"):
            fig.savefig(tmp_path / "x.png")
        plt.close(fig)


@pytest.fixture(scope="module")
def planner_run(tmp_path_factory):
    """What a planner does by hand: `papermill notebooks/region_report.ipynb out.ipynb -p region 测试区
    -p actuals data.xlsx -p plans DIR`, on real files: a made-up plan and workbook for a made-up district."""
    import pandas as pd

    from conftest import write_plan

    tmp = tmp_path_factory.mktemp("planner")
    plans = tmp / "plans"
    plans.mkdir()
    write_plan(plans, "test_2020", "测试区", "到2022年双师型教师比例达到70%以上。",
               [("sec_voc_dual_qualified_teacher_share", 2022, "达到70%以上", "到2022年双师型教师比例达到70%以上")],
               regions_yaml="测试区:\n  en: Test District\n  level: district\n  parent: 聊城市\n")
    data = tmp / "data.xlsx"
    with pd.ExcelWriter(data, engine="openpyxl") as xl:
        pd.DataFrame({"指标": ["双师型教师比例"], "2020": [52.5], "2021": [61.5]}).to_excel(
            xl, index=False, sheet_name="测试区")
    out = tmp / "out.ipynb"
    subprocess.run([sys.executable, "-m", "papermill", str(ROOT / "notebooks" / "region_report.ipynb"), str(out),
                    "-p", "region", "测试区", "-p", "actuals", str(data), "-p", "plans", str(plans),
                    "--cwd", str(tmp)], check=True, capture_output=True)
    return out


@pytest.mark.slow
def test_papermill_used_directly_takes_one_path_as_a_string(planner_run):
    """`-p actuals data.xlsx -p plans DIR` pass plain strings: each is one path, not a list of letters."""
    text = "".join(o.get("data", {}).get("text/html", "") for c in nbformat.read(planner_run, as_version=4).cells
                   if c.cell_type == "code" for o in c.outputs)
    # the trend comes from the workbook (52.5 -> 61.5), which is listed among the sources
    assert "过去每年 +9.0 个百分点" in text and "data.xlsx" in text


def _nbconvert(notebook: Path, *args: str) -> str:
    """`jupyter nbconvert --to html ...` in a subprocess; the template from this source tree, as
    `pip install` puts it on Jupyter's path (share/jupyter/nbconvert/templates/indicators)."""
    env = {**os.environ, "JUPYTER_PATH": str(ROOT / "src" / "indicators" / "jupyter")}
    out = notebook.with_name(notebook.stem + "-" + "-".join(a.strip("-") for a in args) + ".html")
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", *args, str(notebook),
                    "--output", out.name], check=True, capture_output=True, env=env)
    return out.read_text(encoding="utf-8")


@pytest.mark.slow
def test_nbconvert_template_gives_the_page_indicators_run_gives(planner_run):
    from indicators.run.page import export_html

    page = _nbconvert(planner_run, "--template", "indicators")
    assert page == export_html(nbformat.read(planner_run, as_version=4))  # one look, one home
    # offline: no script, stylesheet, font or image from any host; no MathJax, no require.js
    assert "<script" not in page and "<link" not in page and not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "mathjax" not in page.lower() and "require" not in page.lower()
    assert "from indicators.reports.context import" not in page and "In&nbsp;[" not in page  # inputs, prompts hidden
    assert "测试区" in page.split("</title>")[0]
    # printing: A4, charts never split, the risk table's header on every page
    for rule in ("@page{size:A4", "img,figure,svg,.output_png{break-inside:avoid", "thead{display:table-header-group}"):
        assert rule in page


def test_pip_install_puts_the_template_on_jupyters_path():
    import tomllib

    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shared = cfg["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    src = "src/indicators/jupyter/nbconvert/templates/indicators"
    assert shared[src] == "share/jupyter/nbconvert/templates/indicators"
    assert {p.name for p in (ROOT / src).iterdir()} >= {"conf.json", "index.html.j2", "indicators.css"}


def test_library_takes_one_path_as_a_string():
    from indicators.reports.context import as_paths

    assert as_paths("data.xlsx") == [Path("data.xlsx")] and as_paths(Path("d")) == [Path("d")]
    assert as_paths(["a.csv", "b.xlsx"]) == [Path("a.csv"), Path("b.xlsx")]
    assert as_paths(None) == as_paths("") == as_paths([]) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_open_with_the_project_kernel(path):
    """JupyterLab picks the kernel named in the metadata; the Makefile installs that kernel."""
    spec = nbformat.read(path, as_version=4).metadata.kernelspec
    assert (spec.name, spec.display_name) == ("indicators", "indicators (project)")
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert '--name indicators --display-name "indicators (project)"' in make


@pytest.mark.slow
def test_notebook_output_is_readable_under_nbconvert_default_template(planner_run, tmp_path):
    """`jupyter nbconvert --to html out.ipynb` (JupyterLab's look, none of our CSS): badges keep white
    text on their colour, and the risk table is left-aligned, from the output's own inline styles."""
    from test_browser import BROWSER, CHROMEDRIVER, FLAGS

    if not (BROWSER and CHROMEDRIVER):
        pytest.skip("needs chromium and chromedriver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    page = _nbconvert(planner_run)
    assert "jp-RenderedHTMLCommon" in page and "indicators.css" not in page  # really the default template
    path = planner_run.with_name(planner_run.stem + "-.html")
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for flag in FLAGS + [f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    drv = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        drv.set_page_load_timeout(60)
        drv.get(path.as_uri())
        style = "return getComputedStyle(arguments[0])[arguments[1]]"
        badges = drv.find_elements(By.CSS_SELECTOR, "span.badge")
        assert badges and all(drv.execute_script(style, b, "color") == "rgb(255, 255, 255)" for b in badges)
        cells = drv.find_elements(By.CSS_SELECTOR, "table.risk td, table.risk th")
        assert cells and {drv.execute_script(style, c, "textAlign") for c in cells} <= {"left", "start"}
        # the guard can fail: a plain table in the same page is right-aligned by this template
        drv.execute_script("document.body.insertAdjacentHTML('beforeend', '<div class=\"jp-RenderedHTMLCommon\">"
                           "<table><tr><td id=probe>x</td></tr></table></div>')")
        assert drv.execute_script(style, drv.find_element(By.ID, "probe"), "textAlign") == "right"
    finally:
        drv.quit()


# --- a notebook given the runner's context honours its own plans, actuals and as_of

@pytest.fixture(scope="module")
def saved_context(tmp_path_factory, catalog):
    """The context the runner would write, for the bundled inputs (as_of: the latest year)."""
    from indicators.reports.context import build_context, save_context

    ctx = build_context(as_of=None, lang="zh")
    path = tmp_path_factory.mktemp("ctx") / "context.pickle"
    save_context(ctx, path)
    return ctx, path


@pytest.mark.slow  # assesses the bundled data three times
def test_a_context_is_used_as_is_for_its_own_parameters(saved_context):
    from indicators.reports.context import region_report

    ctx, path = saved_context
    rep = region_report("茌平区", context=str(path))
    assert rep.as_of == ctx.as_of
    want = ctx.assessment[ctx.assessment["region"] == "茌平区"]
    assert len(rep.assessment) and set(rep.assessment["target_id"]) <= set(want["target_id"])


@pytest.mark.slow
def test_a_notebook_with_another_as_of_than_its_context_recomputes(saved_context):
    from indicators.reports.context import overview

    ctx, path = saved_context
    assert ctx.as_of_asked is None and ctx.as_of > 2018
    assert (ctx.assessment["latest_year"].dropna() > 2018).any()
    ov = overview(context=str(path), as_of=2018, domain="all")
    assert len(ov.assessment) == len(ctx.assessment)
    assert set(ov.assessment["as_of"]) == {2018}
    assert (ov.assessment["latest_year"].dropna() <= 2018).all()  # no actual after as_of judged


@pytest.mark.slow
def test_a_notebook_with_other_actuals_than_its_context_reads_them(saved_context, tmp_path):
    from indicators.reports.context import region_report

    ctx, path = saved_context
    mine = tmp_path / "mine.csv"
    mine.write_text("region,indicator,year,value,unit\n茌平区,sec_voc_schools,2031,7,count\n", encoding="utf-8")
    rep = region_report("茌平区", context=str(path), actuals=str(mine))
    f = rep.actuals.frame
    assert ((f["year"] == 2031) & (f["indicator"] == "sec_voc_schools") & (f["value"] == 7)).any()
    assert not (ctx.actuals.frame["year"] == 2031).any()

"""Notebooks are committed clean, expose their documented parameters, and charts render Chinese."""

import re
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

    from indicators.plots import use_cjk_font

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


def test_papermill_used_directly_takes_one_path_as_a_string(tmp_path):
    """`papermill ... -p actuals data.xlsx -p plans DIR` passes plain strings: each is one path."""
    import pandas as pd

    from conftest import write_plan

    plans = tmp_path / "plans"
    plans.mkdir()
    # a made-up plan and a made-up planner workbook for a made-up district
    write_plan(plans, "test_2020", "测试区", "到2022年双师型教师比例达到70%以上。",
               [("sec_voc_dual_qualified_teacher_share", 2022, "达到70%以上", "到2022年双师型教师比例达到70%以上")],
               regions_yaml="测试区:\n  en: Test District\n  level: district\n  parent: 聊城市\n")
    data = tmp_path / "data.xlsx"
    with pd.ExcelWriter(data, engine="openpyxl") as xl:
        pd.DataFrame({"指标": ["双师型教师比例"], "2020": [52.5], "2021": [61.5]}).to_excel(
            xl, index=False, sheet_name="测试区")
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "region_report.ipynb"), str(out), kernel_name="indicators",
                        parameters={"region": "测试区", "actuals": str(data), "plans": str(plans)},
                        progress_bar=False, cwd=str(ROOT / "notebooks"))
    text = "".join(o.get("data", {}).get("text/html", "") for c in nbformat.read(out, as_version=4).cells
                   if c.cell_type == "code" for o in c.outputs)
    # the trend comes from the workbook (52.5 -> 61.5), which is listed among the sources
    assert "过去每年 +9.0 个百分点" in text and "data.xlsx" in text


def test_library_takes_one_path_as_a_string():
    from indicators.report import as_paths

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

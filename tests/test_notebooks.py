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

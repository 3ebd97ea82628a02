"""Project files agree with each other: the two dependency lists, CI and the README commands."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pip_names = {_name(r) for r in project["dependencies"]} | {_name(r) for r in project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip_section = set(), set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section |= {_name(r) for r in dep["pip"]}
        else:
            conda.add(_name(dep))
    conda -= {"python", "pip"}
    assert conda | pip_section == pip_names
    assert not conda & pip_section


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make reports" in readme
    assert re.search(r"^make test$", ci, re.M)


def _sizes():
    import importlib.util

    spec = importlib.util.spec_from_file_location("sizes", ROOT / "tools" / "sizes.py")
    sizes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sizes)
    return sizes


def test_size_check_finds_long_modules_and_functions(tmp_path):
    sizes = _sizes()
    body = "\n".join(f"    x{i} = {i}" for i in range(60))
    (tmp_path / "big.py").write_text("def long():\n" + body + "\n" + "\n" * 340 + "\n", encoding="utf-8")
    (tmp_path / "small.py").write_text("class A:\n    def short(self):\n        return 1\n", encoding="utf-8")
    assert sizes.oversized(tmp_path) == ([("big.py", 402)], [("big.py", "long", 1, 61)])
    assert sizes.oversized(tmp_path, modules=402, functions=61) == ([], [])


# other branches are still splitting (issue 10): actuals.py, backtest.py, forecast.py, report.py and
# the functions actuals._cell_to_row and plots.plot_indicator
def test_no_module_over_400_lines_and_no_function_over_60():
    big_modules, big_functions = _sizes().oversized()
    assert (big_modules, big_functions) == ([], [])


def _layout_modules() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    layout = layout[:layout.index("\n## ")] if "\n## " in layout else layout
    return set(re.findall(r"`([a-z_]+\.py)`", layout))


def test_readme_layout_names_every_module():
    modules = {p.name for p in (ROOT / "src" / "indicators").glob("*.py")} - {"__init__.py"}
    assert modules - _layout_modules() == set()


def test_every_module_the_readme_layout_names_exists():
    modules = {p.name for p in (ROOT / "src" / "indicators").glob("*.py")}
    tools = {p.name for p in (ROOT / "tools").glob("*.py")}
    assert _layout_modules() - modules - tools == set()


def test_notebook_threshold_parameters_are_the_library_defaults():
    # papermill parameters must be literals; this keeps them equal to the one stated default
    import ast

    import nbformat

    from indicators.rules import DEFAULT_AT_RISK, DEFAULT_ON_TRACK

    for name in ("overview", "region_report"):
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        values = {t.id: ast.literal_eval(node.value) for node in ast.parse(cell.source).body
                  if isinstance(node, ast.Assign) for t in node.targets}
        assert (values["on_track"], values["at_risk"]) == (DEFAULT_ON_TRACK, DEFAULT_AT_RISK), name

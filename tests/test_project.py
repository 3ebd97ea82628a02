"""Project files agree with each other: the two dependency lists, CI and the README commands."""

import re
import tomllib
from pathlib import Path

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

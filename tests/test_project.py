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


def test_readme_says_which_commands_take_format_and_output():
    """The README names the commands that take ``--format table|csv|json`` and ``-o FILE``, and those
    that write into ``--out DIR``: both sets as the parser has them."""
    from indicators.cli.main import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command").choices
    opts = {name: {o for a in p._actions for o in a.option_strings} for name, p in sub.items()}
    choices = {name: next((a.choices for a in p._actions if "--format" in a.option_strings), None)
               for name, p in sub.items()}
    tables = {n for n, c in choices.items() if c and {"table", "csv", "json"} <= set(c) and "-o" in opts[n]} - {"draft"}
    out_dir = {n for n, o in opts.items() if "--out" in o and "--format" not in o}
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    said = re.search(r"and `--lang zh\|en`\. ((?:`[a-z-]+`, )+`[a-z-]+`) and `([a-z-]+)` take `--format table\|csv\|json`", readme)
    assert said, "the README sentence about --format is gone"
    assert set(re.findall(r"`([a-z-]+)`", said.group(1))) | {said.group(2)} == tables
    said_out = re.search(r"`([a-z-]+)` and `([a-z-]+)` write into `--out DIR`", readme)
    assert said_out and set(said_out.groups()) == out_dir == {"run", "backtest"}


def test_reading_a_notebook_does_not_build_the_iri_grammar():
    """The jsonschema pin holds: nbformat's import leaves rfc3987-syntax (1.7 s of grammar building in
    every process that reads a notebook: the runner, each test worker) unimported."""
    import subprocess
    import sys

    code = "import sys, nbformat; nbformat.validate(nbformat.v4.new_notebook()); print('rfc3987_syntax' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"

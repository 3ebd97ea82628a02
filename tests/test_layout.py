"""The package's layout holds: no import circle, no import that runs back up a floor, and every
module listed in the README's layout table under its package.

Floors, lowest first: a module may import from its own floor (no circles) and from the floors
below it, never from a floor above. The ground floor imports nothing of the package's above it.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "indicators"

# package (or ground-floor module) -> floor
FLOORS = {
    "": 0,            # ground floor: errors, units, numbers, text, rules, parallel, provenance, ...
    "words": 1,
    "plans": 2,
    "actuals": 3, "drafting": 3, "forecast": 3,
    "verdicts": 4,
    "evaluation": 5, "reports": 5,
    "run": 6,
    "cli": 7,
}


def modules() -> dict[str, Path]:
    """Dotted module name (below ``indicators``) -> file; a package's __init__ is the package."""
    out = {}
    for p in sorted(PACKAGE.rglob("*.py")):
        parts = p.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _targets(name: str, path: Path, node: ast.AST, known: dict) -> list[str]:
    parts = name.split(".") if name else []
    package = parts if path.name == "__init__.py" else parts[:-1]
    if isinstance(node, ast.Import):
        return [a.name[len("indicators."):] for a in node.names if a.name.startswith("indicators.")]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = package[: len(package) - node.level + 1]
    elif node.module and (node.module == "indicators" or node.module.startswith("indicators.")):
        base = []
        node = ast.ImportFrom(module=node.module[len("indicators"):].lstrip(".") or None, names=node.names)
    else:
        return []
    mod = ".".join(base + (node.module.split(".") if node.module else []))
    found = []
    for alias in node.names:
        full = f"{mod}.{alias.name}" if mod else alias.name
        found.append(full if full in known else mod)
    return found


@functools.lru_cache(maxsize=None)
def _tree(path: Path) -> ast.AST:
    """A module's syntax tree, parsed once for every test of this file (the trees are only read)."""
    return ast.parse(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def import_graph() -> dict[str, set[str]]:
    """Every import inside the package, late imports in functions included (TYPE_CHECKING too);
    computed once for the tests that ask it (none changes it)."""
    known = modules()
    graph: dict[str, set[str]] = {m: set() for m in known}
    for name, path in known.items():
        for node in ast.walk(_tree(path)):
            for t in _targets(name, path, node, known):
                if t in known and t != name:
                    graph[name].add(t)
    return graph


def floor(module: str) -> int:
    """The floor of a module: its package's, or the ground floor's for a top-level module."""
    return FLOORS.get(module.split(".")[0], 0)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def upward(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports from a lower floor to a higher one (the public API, ``indicators/__init__``, aside)."""
    return sorted((a, b) for a, bs in graph.items() if a for b in bs if floor(b) > floor(a))


def test_the_graph_sees_late_imports_and_both_import_forms():
    graph = import_graph()
    assert "run.runner" in graph and "reports.context" in graph["run.runner"]  # a late import
    assert "errors" in graph["plans.catalog"]


def test_the_checks_can_fail():
    graph = {"a": {"b"}, "b": {"a"}, "words.x": {"cli.y"}, "cli.y": set()}
    assert cycles(graph) == [["a", "b"]]
    assert upward(graph) == [("words.x", "cli.y")]


def test_no_import_circle():
    assert cycles(import_graph()) == []


def test_no_import_runs_back_up_a_floor():
    assert upward(import_graph()) == []


def test_every_package_has_a_floor():
    tops = {m.split(".")[0] for m in modules() if "." in m} | {m for m in modules() if (PACKAGE / m).is_dir()}
    assert tops - set(FLOORS) == set()


def _readme_layout() -> dict[str, set[str]]:
    """The README's module table: package ('' for the ground floor) -> module files listed under it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    layout = layout[:layout.index("\n## ", 3)] if "\n## " in layout[3:] else layout
    listed: dict[str, set[str]] = {}
    package = None
    for line in layout.splitlines():
        head = re.match(r"\|\s*\*\*`?([a-z_]+/|ground floor)`?\*\*", line)
        if head:
            package = "" if head.group(1) == "ground floor" else head.group(1).rstrip("/")
            continue
        if package is not None and line.startswith("| `"):
            cell = line.split("|")[1]
            listed.setdefault(package, set()).update(re.findall(r"`([a-z_]+\.py)`", cell))
    return listed


def test_readme_lists_every_module_under_its_package():
    listed = _readme_layout()
    actual: dict[str, set[str]] = {}
    for m, p in modules().items():
        if p.name == "__init__.py":
            continue
        actual.setdefault(".".join(m.split(".")[:-1]), set()).add(p.name)
    assert listed == actual


def re_exports(path: Path) -> list[str]:
    """Names a module imports and does not use, or lists in ``__all__``: kept for importers that should
    import them from where they are defined (the shims left by a split)."""
    tree = _tree(path)
    imported = {a.asname or a.name for node in tree.body if isinstance(node, ast.ImportFrom) and node.module != "__future__"
                for a in node.names}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    exported = {e.value for node in tree.body if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets) for e in node.value.elts}
    return sorted((imported - used) | (imported & exported))


def test_re_exports_are_found():
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        shim = Path(d) / "shim.py"
        shim.write_text('from .table import ACTUAL_COLUMNS, LAYERS, typed\n\n__all__ = ["LAYERS", "f"]\n\n'
                        'def f(x):\n    return typed(x, LAYERS)\n', encoding="utf-8")
        assert re_exports(shim) == ["ACTUAL_COLUMNS", "LAYERS"]


def test_no_module_re_exports_a_name_it_does_not_use():
    """Importers import a name from the module that defines it; only ``indicators/__init__.py``, the
    public API, gathers names from elsewhere."""
    found = {name: re_exports(path) for name, path in modules().items() if path != PACKAGE / "__init__.py"}
    assert {name: names for name, names in found.items() if names} == {}

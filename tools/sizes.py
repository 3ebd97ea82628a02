"""A report of the longest modules and functions, found with ``ast``: a hint where a module may hold
more than one idea, never a reason to split one (the house is split by concept, not by size).

    python tools/sizes.py [--modules 400] [--functions 60] [DIR]

Prints one line per module over the module limit (its line count) and per function over the
function limit (its first line and length, decorators included). Always exits 0: it is a report.
Defaults: ``src/indicators``, 400 lines per module, 60 per function.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULE_LIMIT = 400
FUNCTION_LIMIT = 60


def module_lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def function_lengths(path: Path) -> list[tuple[str, int, int]]:
    """(qualified name, first line, lines) of every function and method, nested ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[tuple[str, int, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                out.append((prefix + child.name, first, child.end_lineno - first + 1))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return out


def oversized(directory: Path = ROOT / "src" / "indicators", modules: int = MODULE_LIMIT,
              functions: int = FUNCTION_LIMIT) -> tuple[list[tuple[str, int]], list[tuple[str, str, int, int]]]:
    """([(module, lines)], [(module, function, first line, lines)]) over the limits, paths relative
    to ``directory``."""
    big_modules, big_functions = [], []
    for path in sorted(directory.rglob("*.py")):
        rel = path.relative_to(directory).as_posix()
        n = module_lines(path)
        if n > modules:
            big_modules.append((rel, n))
        big_functions += [(rel, name, first, length) for name, first, length in function_lengths(path)
                          if length > functions]
    return big_modules, big_functions


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", nargs="?", type=Path, default=ROOT / "src" / "indicators")
    ap.add_argument("--modules", type=int, default=MODULE_LIMIT, help="most lines a module may have")
    ap.add_argument("--functions", type=int, default=FUNCTION_LIMIT, help="most lines a function may have")
    args = ap.parse_args(argv)
    big_modules, big_functions = oversized(args.directory, args.modules, args.functions)
    for rel, n in big_modules:
        print(f"module   {rel}: {n} lines (> {args.modules})")
    for rel, name, first, length in big_functions:
        print(f"function {rel}:{first} {name}: {length} lines (> {args.functions})")
    if not big_modules and not big_functions:
        print(f"no module over {args.modules} lines, no function over {args.functions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

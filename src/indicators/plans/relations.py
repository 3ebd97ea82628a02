"""Relations between indicators, as data (``catalog/relations.yaml``), the way owid/etl keeps them.

The plan checks (``plans.checks``) and the derived actuals (``actuals.derive``) read the same file,
so the arithmetic that ties indicators together (school size = students / schools, parts that add
to a total, a share from two counts) is written once, keyed by indicator, and no indicator key
stays in their code. The file's header says what each kind of relation means.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import CatalogError, Problem
from ..provenance import PACKAGE
from .safe_yaml import BoundedLoader, load_yaml

__all__ = ["BUNDLED", "FIELDS", "load_relations", "relation_keys"]

BUNDLED = PACKAGE / "catalog" / "relations.yaml"

# kind -> (fields holding indicator keys, other fields); every field is required
FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "school_size": (("size", "schools", "students"), ()),
    "per_student": (("per_student", "total", "students"), ()),
    "components": (("total", "parts"), ()),
    "within_total": (("part", "total"), ("label",)),
    "shares": (("result", "part", "rest"), ()),
    "ratios": (("result", "numerator", "denominator"), ()),
    "rebuild": (("total", "minus"), ("from", "to", "why")),
}


@lru_cache(maxsize=None)
def _load(path: Path) -> dict[str, tuple[dict, ...]]:
    raw, problems = load_yaml(path, "a relations.yaml file", BoundedLoader, "relations.yaml 文件")
    if raw is not None and not isinstance(raw, dict):
        problems.append(Problem(str(path), "relations.not_mapping", "a mapping of relation kinds",
                                value=type(raw).__name__, facts=(("case", "relations"),)))
    out: dict[str, tuple[dict, ...]] = {kind: () for kind in FIELDS}
    for kind, entries in (raw if isinstance(raw, dict) else {}).items():
        if kind not in FIELDS:
            problems.append(Problem(str(path), "relations.unknown_kind", f"one of {', '.join(FIELDS)}", row=kind,
                                    value=kind, facts=(("case", "one_of"), ("choices", "、".join(FIELDS)))))
            continue
        keys, other = FIELDS[kind]
        for i, e in enumerate(entries or []):
            missing = [f for f in keys + other if not isinstance(e, dict) or f not in e]
            if missing:
                problems.append(Problem(str(path), "relations.field_missing", f"{kind} entry with {', '.join(missing)}",
                                        row=f"{kind}[{i}]", value=e,
                                        facts=(("case", "relations"), ("kind", kind), ("fields", "、".join(missing)))))
        out[kind] = tuple(dict(e) for e in entries or [] if isinstance(e, dict))
    if problems:
        raise CatalogError(problems)
    return out


def load_relations(path: Path | None = None) -> dict[str, tuple[dict, ...]]:
    """Kind -> its relations in the order written, each a mapping of field -> indicator key (``parts``:
    a list of keys). Read once per file; a malformed file is a CatalogError listing every problem."""
    return _load(Path(path or BUNDLED))


def relation_keys(relations: dict[str, tuple[dict, ...]]) -> set[str]:
    """Every indicator key a relation names (for the test that each is in the vocabulary)."""
    found: set[str] = set()
    for kind, entries in relations.items():
        for e in entries:
            for f in FIELDS[kind][0]:
                found.update(e[f] if isinstance(e[f], list) else [e[f]])
    return found

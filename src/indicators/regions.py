"""Regions and their parents (茌平区 -> 聊城市 -> 山东省 -> 全国).

A district rarely publishes yearly statistics; its parents often do. The chain of parents lets the
risk module borrow a parent's trend, and tells a chart where context data comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import CatalogError, Problem

__all__ = ["Region", "Regions", "load_regions", "LEVELS"]

LEVELS = ("national", "province", "city", "district")
BUNDLED = Path(__file__).parent / "catalog" / "regions.yaml"


@dataclass(frozen=True)
class Region:
    name: str  # Chinese, as written in sources
    en: str
    level: str
    parent: str | None


@dataclass
class Regions:
    regions: dict[str, Region] = field(default_factory=dict)

    def __contains__(self, name: str) -> bool:
        return name in self.regions

    def __getitem__(self, name: str) -> Region:
        return self.regions[name]

    def __iter__(self):
        return iter(self.regions.values())

    def en(self, name: str) -> str:
        r = self.regions.get(name)
        return r.en if r else name

    def ancestors(self, name: str) -> list[str]:
        """Parents from nearest to farthest, e.g. 茌平区 -> [聊城市, 山东省, 全国]."""
        out: list[str] = []
        cur = self.regions.get(name)
        while cur is not None and cur.parent and cur.parent not in out:
            out.append(cur.parent)
            cur = self.regions.get(cur.parent)
        return out

    def merged(self, other: "Regions") -> "Regions":
        return Regions({**self.regions, **other.regions})


def load_regions(path: Path | str = BUNDLED, known_parents: frozenset[str] = frozenset()) -> Regions:
    """Load a regions.yaml; parents must be listed in it or in ``known_parents`` (the bundled file)."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise CatalogError([Problem(str(path), "file exists", "a regions.yaml file")]) from None
    except yaml.YAMLError as exc:
        raise CatalogError([Problem(str(path), "valid YAML", str(exc).splitlines()[0])]) from None
    problems: list[Problem] = []
    out: dict[str, Region] = {}
    for name, entry in (raw or {}).items():
        entry = entry or {}
        if entry.get("level") not in LEVELS:
            problems.append(Problem(str(path), "known level", f"one of {', '.join(LEVELS)}",
                                    row=str(name), column="level", value=entry.get("level")))
        if not entry.get("en"):
            problems.append(Problem(str(path), "English name present", "an English name", row=str(name), column="en"))
        out[str(name)] = Region(str(name), str(entry.get("en", name)), str(entry.get("level")), entry.get("parent"))
    for r in out.values():
        if r.parent is not None and r.parent not in out and r.parent not in known_parents:
            problems.append(Problem(str(path), "parent is a known region", "a region listed in regions.yaml",
                                    row=r.name, column="parent", value=r.parent))
    if problems:
        raise CatalogError(problems)
    return Regions(out)


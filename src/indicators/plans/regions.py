"""Regions and their parents (茌平区 -> 聊城市 -> 山东省 -> 全国).

A district rarely publishes yearly statistics; its parents often do. The chain of parents lets the
risk module borrow a parent's trend, and tells a chart where context data comes from. A regions.yaml
is checked against ``schema.REGION``; parents must not form a cycle, and a planner's file may
not redefine a bundled region unless the entry says ``override: true`` (as the vocabulary does).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CatalogError, Problem, RegionError
from .schema import REGION, check, control_character, shown
from .safe_yaml import BoundedLoader, load_yaml
from ..provenance import PACKAGE, remember
from ..text import fold_variants

__all__ = ["Region", "Regions", "AskingRegions", "remember_by_answers", "load_regions", "LEVELS"]


LEVELS = ("national", "province", "city", "district")
BUNDLED = PACKAGE / "catalog" / "regions.yaml"


@dataclass(frozen=True)
class Region:
    name: str  # Chinese, as written in sources
    en: str
    level: str
    parent: str | None
    override: bool = field(default=False, compare=False)  # a planner's entry that redefines a bundled one
    source: str | None = field(default=None, compare=False)  # the regions.yaml it came from


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

    def resolve(self, name: str, among: list[str] | None = None) -> tuple[str, str | None]:
        """The region a planner means: (name, note). Trimmed; Chinese or English name (any case);
        a name written with its parents (威海市环翠区); or a unique part of a name (环翠 -> 环翠区),
        accepted with a note. ``among`` limits the candidates (e.g. regions with a plan).
        Raises RegionError with the closest names otherwise."""
        raw = str(name)
        s = "".join(raw.split())
        pool = list(among) if among is not None else list(self.regions)
        exact = self.named(s, among=pool)
        if exact is not None:
            return exact, None
        # written with its parents in front: 山东省威海市环翠区, 威海市环翠区
        suffix = [r for r in pool if s.endswith(r) and s != r and self._only_parents(s[: -len(r)], r)]
        if len(suffix) == 1:
            return suffix[0], f"region {raw!r} read as {suffix[0]}"
        part = [r for r in pool if s and (s in r or s.lower() in self.en(r).lower())]
        if len(part) == 1:
            return part[0], f"region {raw!r} read as {part[0]}"
        sugg = part or self.suggest(s, among=pool)
        what = "matches several regions" if len(part) > 1 else "is not a known region"
        raise RegionError(f"region {raw!r} {what}" + (f"; did you mean {', '.join(sugg)}?" if sugg else "")
                          + (f" Known: {', '.join(sorted(pool))}" if len(pool) <= 40 else ""))

    def written(self, name: str) -> str | None:
        """The region a file means by ``name``: itself, or the region of its simplified form when it is
        written in traditional characters (茌平區 from a Big5 file is 茌平区, as 萬 in its numbers is 万);
        None when neither is a region. Plans, actuals files and the command line all read names so."""
        if name in self:
            return name
        folded = fold_variants(name)
        return folded if folded in self else None

    def named(self, name: str, among: list[str] | None = None) -> str | None:
        """The region called exactly ``name``: its Chinese name (in simplified or traditional characters,
        茌平區 is 茌平区), or the one region whose English name it is (case and spaces ignored); None
        otherwise. No guessing: ``resolve`` does that."""
        s = "".join(str(name).split())
        pool = list(among) if among is not None else list(self.regions)
        found = self.written(s)
        if found is not None and found in pool:
            return found
        by_en = [r for r in pool if self.en(r).replace(" ", "").lower() == s.lower()]
        return by_en[0] if len(by_en) == 1 else None

    def _only_parents(self, prefix: str, region: str) -> bool:
        for parent in sorted(self.ancestors(region), key=len, reverse=True):
            prefix = prefix.replace(parent, "")
        return prefix == ""

    def suggest(self, name: str, n: int = 3, among: list[str] | None = None) -> list[str]:
        """Closest known names, for 'did you mean' messages (环翠 -> 环翠区)."""
        s = "".join(str(name).split())
        pool = list(among) if among is not None else list(self.regions)
        contains = [r for r in pool if s and (s in r or r in s)]
        close = difflib.get_close_matches(s, pool, n=n, cutoff=0.5)
        return list(dict.fromkeys(contains + close))[:n]

    def ancestors(self, name: str) -> list[str]:
        """Parents from nearest to farthest, e.g. 茌平区 -> [聊城市, 山东省, 全国]."""
        out: list[str] = []
        cur = self.regions.get(name)
        while cur is not None and cur.parent and cur.parent not in out:
            out.append(cur.parent)
            cur = self.regions.get(cur.parent)
        return out

    def merged(self, other: "Regions") -> "Regions":
        """These regions plus ``other``'s. Redefining one already here (another English name, level or
        parent) is refused unless the entry says ``override: true``; the result has no parent cycle."""
        problems = [Problem(new.source or "regions.yaml", "region.redefined",
                            f"a new region, or `override: true` to redefine {name} ({old.en}, {old.level}, "
                            f"parent {old.parent}) for every plan loaded", row=name, column="override",
                            facts=(("case", "regions"), ("region", name), ("en", old.en), ("level", old.level),
                                   ("parent", old.parent)))
                    for name, new in other.regions.items()
                    if (old := self.regions.get(name)) is not None and old != new and not new.override]
        out = {**self.regions, **other.regions}
        problems += _cycle_problems(out)
        if problems:
            raise CatalogError(problems)
        return Regions(out)


def _cycle_problems(regions: dict[str, Region]) -> list[Problem]:
    """One problem per parent cycle (A -> B -> A): each region is walked once, so this is linear."""
    state: dict[str, int] = {}  # 1: on the walk under way, 2: done
    problems = []
    for start in regions:
        walk, cur = [], start
        while cur in regions and cur not in state:
            state[cur] = 1
            walk.append(cur)
            cur = regions[cur].parent
        if cur in state and state[cur] == 1:  # came back to a region of this walk
            cycle = walk[walk.index(cur):]
            problems.append(Problem(regions[cur].source or "regions.yaml", "region.parent_cycle",
                                    "parents that lead up to the nation", row=cur, column="parent",
                                    value=" -> ".join(shown(c, 20) for c in [*cycle, cur]),
                                    facts=(("case", "regions"),)))
        for name in walk:
            state[name] = 2
    return problems


class AskingRegions(Regions):
    """Regions that note what a reading asks of them: whether a name is a region, and its English name,
    level and parent. A reading that asks only that gives the same result with any regions that answer
    the same; one that asks more (a pool of names, a suggestion) depends on every region."""

    def __init__(self, regions: Regions) -> None:
        super().__init__(regions.regions)
        self.asked: set[str] = set()
        self.everything = False

    def __contains__(self, name: str) -> bool:
        self.asked.add(name)
        return name in self.regions

    def __getitem__(self, name: str) -> Region:
        self.asked.add(name)
        return self.regions[name]

    def en(self, name: str) -> str:
        self.asked.add(name)
        return super().en(name)

    def _all(self, method, *args, **kwargs):
        self.everything = True
        return method(*args, **kwargs)

    def __iter__(self):
        return self._all(super().__iter__)

    def resolve(self, *args, **kwargs):
        return self._all(super().resolve, *args, **kwargs)

    def named(self, *args, **kwargs):
        return self._all(super().named, *args, **kwargs)

    def suggest(self, *args, **kwargs):
        return self._all(super().suggest, *args, **kwargs)

    def ancestors(self, *args, **kwargs):
        return self._all(super().ancestors, *args, **kwargs)

    def merged(self, *args, **kwargs):
        return self._all(super().merged, *args, **kwargs)


_EVERYTHING = "*"


def _answers(regions: Regions, names) -> tuple:
    names = sorted(regions.regions) if names == _EVERYTHING else names
    return tuple((n, (r.en, r.level, r.parent) if (r := regions.regions.get(n)) else None) for n in names)


def remember_by_answers(cache, base: tuple, regions: Regions, build, keep: int):
    """``build(asking)`` once per process for ``base`` and the same answers to what it asks of
    ``regions`` (``asking`` is an ``AskingRegions``): a bundled file read with a planner's regions.yaml
    that only adds places of its own is not read again. Each entry is kept under the names its own
    reading asked about and their answers, and found for any regions that answer them the same; the
    ``keep`` entries used last are kept."""
    n = len(base)
    hit = next((k for k in reversed(cache) if k[:n] == base and _answers(regions, k[n]) == k[n + 1]), None)
    if hit is not None:
        return remember(cache, hit, None, keep)
    asking = AskingRegions(regions)
    value = build(asking)
    names = _EVERYTHING if asking.everything else tuple(sorted(asking.asked))
    return remember(cache, base + (names, _answers(regions, names)), lambda: value, keep)


def load_regions(path: Path | str = BUNDLED, known_parents: frozenset[str] = frozenset()) -> Regions:
    """Load a regions.yaml; parents must be listed in it or in ``known_parents`` (the bundled file)."""
    path = Path(path)
    raw, problems = load_yaml(path, "a regions.yaml file", BoundedLoader, "regions.yaml 文件")
    if problems:
        raise CatalogError(problems)
    if not isinstance(raw, dict):
        if raw is None:
            return Regions({})
        raise CatalogError([Problem(str(path), "region.not_mapping", "region name: {en, level, parent}",
                                    facts=(("case", "regions"),))])
    out: dict[str, Region] = {}
    for name, entry in raw.items():
        region = _read_region(path, name, entry, problems)
        if region is not None:
            out[region.name] = region
    for r in out.values():
        if r.parent is not None and r.parent not in out and r.parent not in known_parents:
            problems.append(Problem(str(path), "region.unknown_parent", "a region listed in regions.yaml",
                                    row=r.name, column="parent", value=r.parent, facts=(("case", "regions"),)))
    problems += _cycle_problems(out)
    if problems:
        raise CatalogError(problems)
    return Regions(out)


def _read_region(path: Path, name, entry, problems: list[Problem]) -> Region | None:
    """One entry of a regions.yaml, checked against ``schema.REGION`` (None when unusable)."""
    f = str(path)
    if not isinstance(name, str) or not name.strip() or control_character(name, prose=False):
        problems.append(Problem(f, "field.wrong_type", "a region name: text without control characters",
                                row=repr(shown(name, 30)), value=shown(name), facts=(("case", "region_name"),)))
        return None
    entry = entry or {}
    if not isinstance(entry, dict):
        problems.append(Problem(f, "region.not_mapping", "en, level and parent", row=name, value=shown(entry),
                                facts=(("case", "entry"),)))
        return None
    entry = check(entry, REGION, "region", lambda column, code, expected, value, facts=(): problems.append(
        Problem(f, code, expected, row=name, column=column, value=value, facts=facts)))
    if entry.get("level") not in LEVELS and "level" not in entry["__bad__"]:
        problems.append(Problem(f, "region.unknown_level", f"one of {', '.join(LEVELS)}",
                                row=name, column="level", value=entry.get("level"),
                                facts=(("case", "one_of"), ("choices", "、".join(LEVELS)))))
    if not entry.get("en") and "en" not in entry["__bad__"]:
        problems.append(Problem(f, "region.no_english_name", "an English name", row=name, column="en",
                                facts=(("case", "regions"),)))
    return Region(name, str(entry.get("en") or name), str(entry.get("level")), entry.get("parent"),
                  override=entry.get("override") is True, source=f)

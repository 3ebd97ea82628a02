"""The controlled vocabulary of indicators (``catalog/indicators.yaml``).

Each indicator fixes its canonical unit and its direction, so a target of 20:1 is read as a
ceiling for a student-teacher ratio and 70% as a floor for a dual-qualified share. Direction is
mandatory: a missing one is an error, never a default.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import CatalogError, Problem
from ..text import normalise_text
from .schema import INDICATOR, check, control_character, shown
from .safe_yaml import BoundedLoader, load_yaml
from ..units import CANONICAL_UNITS
from ..provenance import PACKAGE

__all__ = ["Indicator", "Vocabulary", "DIRECTIONS", "load_vocabulary"]

DIRECTIONS = ("higher_is_better", "lower_is_better", "planned")
BUNDLED = PACKAGE / "catalog" / "indicators.yaml"


@dataclass(frozen=True)
class Indicator:
    key: str
    zh: str
    en: str
    unit: str
    direction: str
    aliases: tuple[str, ...] = ()
    family: str | None = None  # indicators that measure the same thing at different scopes
    note: str | None = None
    override: bool = False  # a local entry that deliberately redefines a bundled key
    source: str | None = None  # the indicators.yaml it came from

    @property
    def conflict_group(self) -> str:
        return self.family or self.key


@dataclass
class Vocabulary:
    indicators: dict[str, Indicator] = field(default_factory=dict)
    # bundled keys redefined by a local indicators.yaml with `override: true`: key -> (file, old, new)
    overridden: dict[str, tuple[str, Indicator, Indicator]] = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key in self.indicators

    def __getitem__(self, key: str) -> Indicator:
        return self.indicators[key]

    def __iter__(self):
        return iter(self.indicators.values())

    def _names(self) -> dict[str, str]:
        if getattr(self, "_name_cache", None) is not None and self._name_cache[0] == len(self.indicators):
            return self._name_cache[1]
        names: dict[str, str] = {}
        for ind in self.indicators.values():
            for name in (ind.key, ind.zh, ind.en, *ind.aliases):
                names.setdefault(normalise_text(name).lower(), ind.key)
                # also without a trailing bracket: 培训规模（人日） is matched by 培训规模
                bare = re.sub(r"[（(][^（）()]*[）)]$", "", normalise_text(name))
                if bare:
                    names.setdefault(bare.lower(), ind.key)
        self._name_cache = (len(self.indicators), names)
        return names

    def resolve(self, name: str) -> str | None:
        """The key for a key, Chinese name, English name or listed alias (spaces ignored)."""
        if name in self.indicators:
            return name
        return self._names().get(normalise_text(name).lower())

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Closest known names, for 'did you mean' messages."""
        names = self._names()
        close = difflib.get_close_matches(normalise_text(name).lower(), list(names), n=n * 3, cutoff=0.4)
        out: list[str] = []
        for c in close:
            ind = self.indicators[names[c]]
            label = f"{ind.key} ({ind.zh})"
            if label not in out:
                out.append(label)
        return out[:n]

    def merged(self, other: "Vocabulary") -> "Vocabulary":
        """This vocabulary plus ``other``'s keys. Redefining a key already here is refused unless the
        entry says ``override: true``; overrides are kept in ``overridden`` so checks can list them."""
        problems, overridden = [], dict(self.overridden)
        for key, ind in other.indicators.items():
            old = self.indicators.get(key)
            if old is None or replace(old, source=None, override=False) == replace(ind, source=None, override=False):
                continue
            if not ind.override:
                problems.append(Problem(ind.source or "indicators.yaml", "vocabulary.redefined",
                                        f"a new key, or `override: true` to redefine {key} (defined in "
                                        f"{old.source or 'the bundled vocabulary'}) for every plan loaded",
                                        row=key, column="override",
                                        facts=(("case", "vocabulary"), ("key", key),
                                               ("source", old.source or "内置指标表"))))
            else:
                overridden[key] = (ind.source or "indicators.yaml", old, ind)
        if problems:
            raise CatalogError(problems)
        return Vocabulary({**self.indicators, **other.indicators}, overridden)


def load_vocabulary(path: Path | str = BUNDLED) -> Vocabulary:
    """Load and check an indicators.yaml; every problem is reported at once."""
    path = Path(path)
    raw, problems = load_yaml(path, "an indicators.yaml file", BoundedLoader, "indicators.yaml 文件")
    if problems:
        raise CatalogError(problems)
    raw = {} if raw is None else raw
    out: dict[str, Indicator] = {}
    if not isinstance(raw, dict):
        raise CatalogError([Problem(str(path), "vocabulary.not_mapping", "key: {zh, en, unit, direction}",
                                    facts=(("case", "vocabulary"),))])
    for key, entry in raw.items():
        where = dict(file=str(path), row=str(shown(key)))
        if not isinstance(key, str) or control_character(key, prose=False):
            problems.append(Problem(**where, code="field.wrong_type", expected="a key: text without control characters",
                                    facts=(("case", "key"),)))
            continue
        if not isinstance(entry, dict):
            problems.append(Problem(**where, code="vocabulary.entry_not_mapping", expected="zh, en, unit, direction",
                                    facts=(("case", "vocabulary"),)))
            continue
        entry = check(entry, INDICATOR, "indicator", lambda column, code, expected, value, facts=(), where=where:
                      problems.append(Problem(**where, column=column, code=code, expected=expected, value=value,
                                              facts=facts)))
        for f in ("zh", "en", "unit", "direction"):
            if not entry.get(f) and f not in entry["__bad__"]:
                problems.append(Problem(**where, column=f, code="vocabulary.field_missing",
                                        expected=f"a {f}" + (f": one of {', '.join(DIRECTIONS)}" if f == "direction" else ""),
                                        facts=(("case", "value_for"), ("field", f))))
        unit, direction = entry.get("unit"), entry.get("direction")
        if unit and unit not in CANONICAL_UNITS:
            problems.append(Problem(**where, column="unit", value=unit, code="vocabulary.unknown_unit",
                                    expected=f"one of {', '.join(CANONICAL_UNITS)}",
                                    facts=(("case", "one_of"), ("choices", "、".join(CANONICAL_UNITS)))))
        if direction and direction not in DIRECTIONS:
            problems.append(Problem(**where, column="direction", value=direction, code="vocabulary.unknown_direction",
                                    expected=f"one of {', '.join(DIRECTIONS)}",
                                    facts=(("case", "one_of"), ("choices", "、".join(DIRECTIONS)))))
        aliases = entry.get("aliases") or []
        if not all(isinstance(a, str) and control_character(a, prose=False) is None for a in aliases):
            problems.append(Problem(**where, column="aliases", value=shown(aliases), code="field.wrong_type",
                                    expected="a YAML list of names (text without control characters)",
                                    facts=(("case", "names"),)))
            aliases = []
        out[str(key)] = Indicator(
            key=str(key), zh=str(entry.get("zh", "")), en=str(entry.get("en", "")), unit=str(unit),
            direction=str(direction), aliases=tuple(str(a) for a in aliases),
            family=entry.get("family"), note=entry.get("note"), override=entry.get("override") is True,
            source=str(path),
        )
    if problems:
        raise CatalogError(problems)
    return Vocabulary(out)

"""The project's units: one ``Unit`` record per canonical unit (what it measures, its kind, whether
it can be negative, the scale it is forecast on, how it moves, its words in zh and en and its
format), and every unit string a plan or a statistics table writes, mapped to a dimension and a
factor, so conversions happen in code and never by hand.

A value written in unit ``u`` converts to canonical unit ``c`` as
``value * factor(u) / factor(c)``, provided both share a dimension.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .errors import UnitError
from .text import normalise_text

__all__ = ["CANONICAL_UNITS", "UNIT_WORDS", "Unit", "WrittenUnit", "unit_of", "lookup_unit",
           "conversion_factor", "MAGNITUDES", "ratio_to_value", "ratio_reading", "to_canonical"]


@dataclass(frozen=True)
class Unit:
    """Everything the code knows about one canonical unit, declared once in ``CANONICAL_UNITS``.

    The modules that read, check, forecast, judge and print a quantity ask this record (``is_share``,
    ``nonnegative``, ``relative``, ``model_scale``, the words and the format) instead of testing the
    unit's name, so a unit added here is read, censored and worded everywhere at once.
    """

    name: str
    dimension: str                     # units of one dimension convert into each other
    factor: float                      # value in this unit * factor = value in the dimension's base
    kind: str = "other"                # share, ratio, count, money, area, duration, multiple
    nonnegative: bool = False          # cannot be negative: forecasts censored at zero, targets checked
    model_scale: str | None = None     # forecast on "logit" (shares) or "log" (positive ratios), else as is
    relative: bool = False             # moves by relative growth (pace in %/year, log-linear, proxies scale)
    # per language, written right after a number ("" for none); None: the unit's name is shown
    words: dict | None = field(default=None, compare=False)
    # per language, the unit standing alone (chart titles, templates)
    names: dict | None = field(default=None, compare=False)
    decimals: int | None = None        # fixed decimals; None: about three significant digits
    sign: str = ""                     # written onto every number of the unit (the % of a share)
    # per language, how a difference is said when not like a value (shares: points)
    step_words: dict | None = field(default=None, compare=False)

    @property
    def is_share(self) -> bool:
        """A share in percent: 0-100, a ratio a:b is its first part's share, differences in points."""
        return self.kind == "share"

    def word(self, lang: str) -> str:
        """What follows a number in ``lang`` (a unit without words shows its name)."""
        return self.name if self.words is None else self.words[lang]

    def name_in(self, lang: str) -> str:
        """The unit on its own in ``lang`` (a unit without words shows its name)."""
        return self.name if self.names is None else self.names[lang]


def _unit(name, dimension, kind, zh, en, en_name=None, zh_name=None, factor=1.0, **facts) -> Unit:
    """A record with its words: ``zh`` and ``en`` after a number, the names standing alone default to
    them without the leading space."""
    return Unit(name, dimension, factor, kind, words={"zh": zh, "en": en},
                names={"zh": zh if zh_name is None else zh_name, "en": en.strip() if en_name is None else en_name},
                **facts)


_GROWS = dict(nonnegative=True, relative=True)  # counts, money and mu: never negative, grow by percentages

# Canonical units an indicator may declare in indicators.yaml: one record each.
CANONICAL_UNITS: dict[str, Unit] = {
    u.name: u
    for u in [
        _unit("percent", "share", "share", "", "", zh_name="%", en_name="%", nonnegative=True, model_scale="logit",
              decimals=1, sign="%", step_words={"zh": " 个百分点", "en": " points"}),
        _unit("students_per_teacher", "students_per_teacher", "ratio", "生/师", " students per teacher",
              nonnegative=True, model_scale="log"),
        _unit("ratio", "ratio", "ratio", "", "", zh_name="比", en_name="ratio", nonnegative=True,
              model_scale="log"),
        _unit("persons", "number", "count", "人", " persons", **_GROWS),
        _unit("count", "number", "count", "个", "", en_name="count", **_GROWS),
        _unit("person_days", "person_days", "count", "人日", " person-days", **_GROWS),
        _unit("person_times", "person_times", "count", "人次", " person-times", **_GROWS),
        _unit("yuan", "money", "money", "元", " yuan", **_GROWS),
        _unit("10k_yuan", "money", "money", "万元", " x 10,000 yuan", en_name="10,000 yuan", factor=1e4, **_GROWS),
        _unit("usd", "money_usd", "money", "美元", " USD", **_GROWS),
        _unit("mu", "area_mu", "area", "亩", " mu", **_GROWS),
        _unit("square_metres", "area_m2", "area", "平方米", " square metres", nonnegative=True),
        _unit("multiple", "multiple", "multiple", "倍", " times", nonnegative=True),
        _unit("years", "years", "duration", "年", " years", nonnegative=True),
        _unit("months", "months", "duration", "个月", " months", nonnegative=True),
        _unit("days", "days", "duration", "天", " days", nonnegative=True),
    ]
}


def unit_of(name: str) -> Unit:
    """The record of a canonical unit; a name outside the table (a planner's series in its own unit)
    gets a record that claims nothing: any sign, original scale, absolute steps, its name as word."""
    u = CANONICAL_UNITS.get(name)
    return u if u is not None else Unit(name, name, 1.0)


@dataclass(frozen=True)
class WrittenUnit:
    """A unit as a plan or a table writes it (万元, 千人次, %): what it measures and its factor."""

    name: str
    dimension: str
    factor: float


# Magnitude prefixes as the documents write them (5千人次, 8.3亿元, 2.26万个).
MAGNITUDES: dict[str, float] = {"百": 1e2, "千": 1e3, "万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8}

# Base unit words as written in plans and statistics (after any magnitude prefix).
_WORDS: dict[str, tuple[str, float]] = {
    "%": ("share", 1.0),
    "percent": ("share", 1.0),
    "百分点": ("share", 1.0),
    "ratio_per_teacher": ("students_per_teacher", 1.0),
    "生/师": ("students_per_teacher", 1.0),
    "比": ("ratio", 1.0),
    "students_per_teacher": ("students_per_teacher", 1.0),
    "ratio": ("ratio", 1.0),
    "persons": ("number", 1.0),
    "count": ("number", 1.0),
    "人": ("number", 1.0),
    "名": ("number", 1.0),
    "个": ("number", 1.0),
    "所": ("number", 1.0),
    "家": ("number", 1.0),
    "项": ("number", 1.0),
    "门": ("number", 1.0),
    "座": ("number", 1.0),
    "处": ("number", 1.0),
    "条": ("number", 1.0),
    "支": ("number", 1.0),
    "件": ("number", 1.0),
    "批": ("number", 1.0),
    "种": ("number", 1.0),
    "本": ("number", 1.0),
    "间": ("number", 1.0),
    "套": ("number", 1.0),
    "台": ("number", 1.0),
    "位": ("number", 1.0),
    "户": ("number", 1.0),
    "次": ("number", 1.0),
    "场": ("number", 1.0),
    "期": ("number", 1.0),
    "节": ("number", 1.0),
    "节次": ("number", 1.0),
    "篇": ("number", 1.0),
    "栋": ("number", 1.0),
    "单": ("number", 1.0),
    "学时": ("number", 1.0),
    "课时": ("number", 1.0),
    "美元": ("money_usd", 1.0),
    "usd": ("money_usd", 1.0),
    "人日": ("person_days", 1.0),
    "person_days": ("person_days", 1.0),
    "人次": ("person_times", 1.0),
    "person_times": ("person_times", 1.0),
    "元": ("money", 1.0),
    "yuan": ("money", 1.0),
    "10k_yuan": ("money", 1e4),
    "亩": ("area_mu", 1.0),
    "mu": ("area_mu", 1.0),
    "平方米": ("area_m2", 1.0),
    "m2": ("area_m2", 1.0),  # m², ㎡ and ｍ２ all fold to m2 under NFKC
    "square_metres": ("area_m2", 1.0),
    "倍": ("multiple", 1.0),
    "multiple": ("multiple", 1.0),
    "年": ("years", 1.0),
    "years": ("years", 1.0),
    "个月": ("months", 1.0),
    "月": ("months", 1.0),
    "months": ("months", 1.0),
    "天": ("days", 1.0),
    "日": ("days", 1.0),
    "days": ("days", 1.0),
}


UNIT_WORDS = frozenset(_WORDS)


def lookup_unit(text: str) -> Unit | WrittenUnit:
    """Resolve a unit string such as ``万元``, ``万人``, ``人次``, ``%`` or ``10k_yuan``; full-width and
    traditional forms read as the number parser reads them (％ is %, 萬人 is 万人)."""

    s = normalise_text(text)
    if s.startswith("(") and s.endswith(")") or s.startswith("（") and s.endswith("）"):
        s = s[1:-1]
    if s in CANONICAL_UNITS:
        return CANONICAL_UNITS[s]
    if s in _WORDS:
        dim, f = _WORDS[s]
        return WrittenUnit(s, dim, f)
    # magnitude prefix, longest first (千万 before 千)
    for prefix in sorted(MAGNITUDES, key=len, reverse=True):
        rest = s[len(prefix):]
        if s.startswith(prefix) and rest in _WORDS:
            dim, f = _WORDS[rest]
            return WrittenUnit(s, dim, f * MAGNITUDES[prefix])
    known = ", ".join(sorted(set(CANONICAL_UNITS) | {"万元", "亿元", "万人", "人日", "人次", "%"}))
    raise UnitError(f"unknown unit {text!r}; known units include {known}")


def conversion_factor(written: str, canonical: str) -> float:
    """Factor that turns a value in ``written`` units into ``canonical`` units.

    Raises UnitError when the two measure different things (人次 vs 人日, 元 vs %).
    """
    w = lookup_unit(written)
    c = CANONICAL_UNITS.get(canonical)
    if c is None:
        raise UnitError(f"{canonical!r} is not a canonical unit; expected one of {', '.join(CANONICAL_UNITS)}")
    if w.dimension != c.dimension:
        raise UnitError(
            f"unit {written!r} measures {w.dimension}, but the indicator is in {canonical} ({c.dimension})"
        )
    return w.factor / c.factor


def to_canonical(value: float | None, written: str | None, canonical: str,
                 ratio: tuple[float, float] | None = None) -> float:
    """The one place a written number becomes a value in an indicator's canonical unit: a ratio a:b
    through ``ratio_to_value``, else ``value`` times ``conversion_factor(written, canonical)`` (no
    unit written: the value is taken as already canonical). Raises UnitError."""
    if ratio is not None:
        return ratio_to_value(*ratio, canonical)
    return value * (conversion_factor(written, canonical) if written else 1.0)


def ratio_to_value(a: float, b: float, unit: str) -> float:
    """The one place a written ratio a:b becomes a value in an indicator's canonical unit.

    - a share (``percent``): the share of the first part, a/(a+b)*100 (职普比 4.5:5.5 -> 45).
    - any other unit (``students_per_teacher``, ``ratio``, ...): students per teacher, whichever way
      round it is written: 师生比 1:20 and 生师比 20:1 both give 20 (the larger part over the smaller).
      A ratio of equal parts gives 1.

    Raises UnitError for a ratio with no value (0:0, 5:0, 0:5, negative or non-finite parts).
    """
    a, b = float(a), float(b)
    if not (math.isfinite(a) and math.isfinite(b)) or a < 0 or b < 0:
        raise UnitError(f"ratio {a:g}:{b:g} has a negative or non-finite part; expected two positive numbers")
    if unit_of(unit).is_share:
        if a + b == 0:
            raise UnitError(f"ratio {a:g}:{b:g} has no share; expected parts that are not both 0")
        value = a / (a + b) * 100
    elif a == 0 or b == 0:
        raise UnitError(f"ratio {a:g}:{b:g} is degenerate; expected two positive parts such as 1:20 or 17:1")
    else:
        value = max(a, b) / min(a, b)
    if not math.isfinite(value):
        raise UnitError(f"ratio {a:g}:{b:g} has no finite value")
    return value


def ratio_reading(a: float, b: float, unit: str) -> str | None:
    """A note saying how ratio_to_value read a:b when the written order alone is ambiguous, else None.

    1:20 is read as 20 students per teacher; the note makes that reading visible to the planner.
    """
    if not unit_of(unit).is_share and 0 < a < b:
        return f"{a:g}:{b:g} read as {b / a:g} students per teacher (teachers written first)"
    return None

"""What a plan file may hold, declared in one place (in the style of a pandera schema).

``PLAN`` is the ``plan:`` block, ``TARGET`` one entry of ``targets:``, ``REGION`` one entry of a
regions.yaml and ``INDICATOR`` one of an indicators.yaml: each field with its kind (what YAML type
it must have), whether it is required, its range and the problem code a bad value gets. ``check``
applies a schema to one mapping: it reports every field of the wrong type, out of range, holding
a control character (NUL included) or unknown, and returns the mapping with those fields taken out,
so the rest of the reading only ever sees values of the declared type (never a list where a string
is expected). The ranges that depend on the indicator's unit (shares 0-100, counts and money not
negative) are ``unit_range``, applied once the value is in its canonical unit.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from ..safe_text import CONTROLS
from ..units import unit_of

__all__ = ["Field", "PLAN", "TARGET", "REGION", "INDICATOR", "YEARS", "check", "unit_range", "shown", "as_year", "BAD"]

YEARS = (1949, 2100)  # the People's Republic's plans; nothing later than this century
BAD = "__bad__"  # the key under which ``check`` lists the fields it took out


@dataclass(frozen=True)
class Field:
    """One field: ``kind`` is name (text without any control character), text (prose: tab and
    newline allowed), words (a text, or the same text in both languages as ``{zh: ..., en: ...}``,
    read as that mapping), date, year, number, bool, list or any; ``required`` is "value" (present and not
    empty) or "key" (present, may be null); ``low`` is a lower bound for numbers."""

    kind: str
    required: str | None = None
    code: str = "field.wrong_type"
    low: float | None = None


_T = "target.field_missing"
PLAN = {
    "id": Field("name", "value"), "title_zh": Field("text", "value"), "title_en": Field("text"),
    "region": Field("name", "value"), "region_as_written": Field("text"), "level": Field("name"),
    "issuer": Field("text"), "document_number": Field("text", "key"), "issued": Field("date", "key"),
    "source": Field("text"), "period": Field("list", "key"), "domain": Field("name", "value"),
    "note": Field("text"), "definition": Field("name"),
}
TARGET = {
    "indicator": Field("name", "value"), "written": Field("text", "value"), "kind": Field("name", "value"),
    "clause": Field("text", "value"), "quote": Field("text", "value"),
    "year": Field("year", code="target.bad_year"), "year_note": Field("words"), "unit": Field("text"),
    "comparator": Field("text"), "tolerance": Field("number", code="target.bad_tolerance", low=0.0),
    "tolerance_note": Field("text"), "value": Field("number", code="target.bad_value"),
    "value_high": Field("number", code="target.bad_value"), "value_note": Field("text"),
    "breakdown": Field("text"), "region": Field("name"), "domain": Field("name"), "note": Field("text"),
    "definition": Field("name"), "confirmed": Field("bool"),
}
REGION = {"en": Field("name"), "level": Field("name"), "parent": Field("name"),
          "override": Field("bool"), "note": Field("text")}
INDICATOR = {"zh": Field("name"), "en": Field("name"), "unit": Field("name"), "direction": Field("name"),
             "aliases": Field("list"), "family": Field("name"), "note": Field("text"), "override": Field("bool")}

_MISSING_CODE = {"plan": "plan.field_missing", "target": _T,}
_UNKNOWN_CODE = {"target": "target.unknown_field", "region": "region.unknown_field"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")  # a number typed in quotes: "75"


def shown(value, n: int = 60):
    """A value as a problem quotes it: long text cut, so a hostile field never floods the terminal."""
    if isinstance(value, (str, list, dict, tuple, set, bytes)) and len(repr(value)) > n:
        return repr(value)[:n] + "…"
    if isinstance(value, str) and control_character(value, prose=False):
        return repr(value)  # a NUL or an escape is shown as \x00, never sent raw to a terminal
    return value


# control characters (Unicode Cc), bidi embeddings and overrides, lone surrogates; prose may keep \t \n \r
_CONTROL = re.compile(f"[{CONTROLS}\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_CONTROL_IN_NAME = re.compile("[\t\n\r]|" + _CONTROL.pattern)


def control_character(s: str, prose: bool) -> str | None:
    """The first control character in ``s`` (NUL, escape, a bidi override...), as U+XXXX; prose may
    hold tabs and newlines."""
    m = (_CONTROL if prose else _CONTROL_IN_NAME).search(s)
    return None if m is None else f"U+{ord(m.group()):04X}"


def as_year(v) -> int | None:
    """A year written as 2025, 2025.0 or "2025", within YEARS; None for anything else (True, a
    5,000-digit number, an infinite float)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, str) and v.strip().isdigit() and len(v.strip()) <= 4:
        v = int(v.strip())
    if isinstance(v, float) and math.isfinite(v) and v.is_integer():
        v = int(v)
    return v if isinstance(v, int) and YEARS[0] <= v <= YEARS[1] else None


def _number(v) -> float | None:
    if isinstance(v, str) and _NUMBER.match(v.strip()):
        v = float(v)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    try:
        v = float(v)
    except OverflowError:  # an integer too large for a float
        return None
    return v if math.isfinite(v) else None


_LANGS = ("zh", "en")


def _words(v):
    """A note for both report languages: a plain text serves both (the planner's own words); a
    mapping gives each language its own, one standing in for a missing other."""
    if isinstance(v, dict):
        v = {k: x for k, x in v.items() if k != "__line__"}  # the reader's note of where it stands
        if not v or set(v) - set(_LANGS):
            return v, "a text, or a mapping with the keys zh and en", (("case", "words"),)
        texts = {}
        for k in _LANGS:
            if v.get(k) is not None:
                text, expected, facts = _conform(Field("text"), v[k])
                if expected is not None:
                    return v, f"{k}: {expected}", facts
                texts[k] = text
        if not texts:
            return v, "a text, or a mapping with the keys zh and en", (("case", "words"),)
        return {k: texts.get(k, next(iter(texts.values()))) for k in _LANGS}, None, ()
    text, expected, facts = _conform(Field("text"), v)
    return ({k: text for k in _LANGS} if expected is None else v), expected, facts


def _conform(f: Field, v):
    """(value as the reading uses it, what was expected, the facts that word it in Chinese:
    ``words.explain.EXPECTED_ZH``) — the expectation is None when it fits."""
    if f.kind == "words":
        return _words(v)
    if f.kind in ("name", "text"):
        if isinstance(v, (int, float)) and not isinstance(v, bool) and f.kind == "text":
            v = str(v)  # `clause: 3` is the text "3"
        if not isinstance(v, str):
            return v, "text" if f.kind == "text" else "a name (text)", (("case", f.kind),)
        bad = control_character(v, prose=f.kind == "text")
        return v, None if bad is None else f"text without control characters (found {bad})", (
            ("case", "control"), ("found", bad))
    if f.kind == "date":
        ok = isinstance(v, (str, dt.date)) and (not isinstance(v, str) or control_character(v, False) is None)
        return v, None if ok else "a date such as 2020-07-02", (("case", "date"),)
    if f.kind == "year":
        y = as_year(v)
        return y, (None if y is not None else f"a whole year between {YEARS[0]} and {YEARS[1]}, or null with a "
                   f"year_note"), (("case", "year"), ("low", YEARS[0]), ("high", YEARS[1]))
    if f.kind == "number":
        x = _number(v)
        if x is None:
            return v, "a finite number (not inf, NaN or true)", (("case", "number"),)
        if f.low is not None and x < f.low:
            return x, f"a number of at least {f.low:g}", (("case", "at_least"), ("low", f"{f.low:g}"))
        return (v if isinstance(v, int) else x), None, ()
    kinds = {"bool": bool, "list": list}
    if f.kind in kinds and not isinstance(v, kinds[f.kind]):
        return v, f"a YAML {'true/false' if f.kind == 'bool' else 'list'}", (("case", f.kind),)
    return v, None, ()


def check(mapping: dict, schema: dict[str, Field], what: str, bad) -> dict:
    """``mapping`` checked against ``schema`` (``what``: plan, target, region or indicator); each
    problem goes to ``bad(column, code, expected, value, facts)``. Returns a copy without the bad fields,
    their names listed under ``BAD``."""
    out = {BAD: set()}
    for k, v in mapping.items():
        if k == "__line__":
            out[k] = v
            continue
        f = schema.get(k) if isinstance(k, str) else None
        if f is None:
            if what in _UNKNOWN_CODE:
                bad(shown(k), _UNKNOWN_CODE[what], f"one of {', '.join(sorted(schema))}", shown(k),
                    (("case", "one_of"), ("choices", "、".join(sorted(schema)))))
            continue
        if v is None:
            out[k] = None
            continue
        value, expected, facts = _conform(f, v)
        if expected is None:
            out[k] = value
        else:
            code = "field.control_character" if expected.startswith("text without") else f.code
            bad(k, code, expected, shown(v), facts)
            out[BAD].add(k)
    for k, f in schema.items():
        if f.required == "value" and k not in out[BAD] and out.get(k) in (None, ""):
            bad(k, _MISSING_CODE[what], f"a value for {k}", None, (("case", "value_for"), ("field", k)))
        elif f.required == "key" and k not in mapping:
            bad(k, _MISSING_CODE[what], f"{k} (null when the source gives none)", None,
                (("case", "key_or_null"), ("field", k)))
    return out


def unit_range(value: float | None, unit: str | None) -> tuple[str, str, tuple] | None:
    """(code, expected, facts) when a value in the canonical ``unit`` is out of its range: a share is 0-100,
    a count or a sum of money is not negative, no value is infinite or NaN."""
    if value is None:
        return None
    if not math.isfinite(value):
        return "target.bad_value", "a finite number", (("case", "number"),)
    u = unit_of(unit)
    if u.is_share and not 0 <= value <= 100:
        return "value.share_out_of_range", "a share between 0 and 100 (percent)", (("case", "share"),)
    if u.nonnegative and value < 0:
        return "value.negative", f"a value of at least 0 ({unit})", (("case", "at_least"), ("low", "0"))
    return None

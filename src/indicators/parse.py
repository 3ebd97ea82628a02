"""Parsers for numbers as Chinese plans and planners write them.

``parse_quantity`` reads one written number with its unit and comparator words:

    >>> parse_quantity("4. 5: 5. 5").ratio
    (4.5, 5.5)
    >>> q = parse_quantity("5千人次以上"); (q.value, q.unit, q.comparator)
    (5000.0, '人次', '>=')
    >>> parse_quantity("17:1（3456/202）").parts
    (3456.0, 202.0)

``read_value`` reads a table cell, strictly: the whole cell is one number (with a magnitude word and
a unit word or %), a ratio, or a Chinese numeral; ``read_year`` reads a year. All three use the number
core of ``numerals`` (one reading of digits, separators, exponents and numerals for every door).

The parser never guesses a number: text it cannot read raises ``ParseError`` saying what it expected.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from dataclasses import dataclass

from .errors import ParseError
from .numerals import CHINESE_CHARS, NUMBER_TOKEN, arabic, checked, chinese, decimals, prepare, shown
from .text import normalise_text, squash
from .units import MAGNITUDES, UNIT_WORDS

__all__ = ["Quantity", "parse_quantity", "read_value", "read_year", "comparator_from_words",
           "parse_chinese_numeral", "clean_float", "BLANKS",
           "closest_passage", "quote_mismatch"]


# Words that set the comparator, checked in this order (以内 beats 达到 in 达到...以内).
_AT_MOST = ("不超过", "不高于", "不多于", "以内", "以下", "之内", "控制在")
_ABOUT = ("大体相当", "基本相当", "左右", "大约", "约", "近")
_AT_LEAST = ("不低于", "不少于", "至少", "以上", "达到", "达", "超过", "超", "逾", "突破", "力争")
_ALL_WORDS = sorted(_AT_MOST + _ABOUT + _AT_LEAST + ("争取", "每年", "累计", "新增", "生均", "年均", "全部", "总数"),
                    key=len, reverse=True)

# Cells that mean "no value" in planners' tables.
BLANKS = frozenset({"", "—", "－", "-", "--", "——", "空", "/", "无", "nan", "NaN", "None", "NA", "N/A", "…", "...", "．"})

_NUM = NUMBER_TOKEN  # a candidate, read strictly by numerals.arabic (1,2 or 16030 1582 are refused)
_RATIO_RE = re.compile(rf"^(?P<a>{_NUM}):(?P<b>{_NUM})$")
_PARTS_RE = re.compile(rf"\((?P<n>{_NUM})/(?P<d>{_NUM})\)")
_RANGE_RE = re.compile(rf"^(?P<lo>{_NUM})(?P<mag1>[千万亿百]*)(?P<u1>[^\d.]*?)[-~—–至到](?P<hi>{_NUM})(?P<rest>.*)$")
_NUMBER_RE = re.compile(rf"(?P<num>{_NUM})(?P<rest>.*)$")
_CELL_RE = re.compile(rf"(?P<sign>[+\-\u2212]?)(?P<num>{_NUM})(?P<rest>[^0-9]*)")
_RANGE_SIGNS = "-~—–至到"
_PLAIN = re.compile(r"-?[0-9]{1,15}(?:\.([0-9]{1,15}))?")  # float() of it is Decimal's reading, below 10^15
_HALF_WORDS = ("一半", "过半", "半数")
_PARITY_WORDS = ("大体相当", "基本相当")
_FRACTION_RE = re.compile(r"(?P<d>[0-9]+|[一二两三四五六七八九十]+)分之(?P<n>[0-9]+|[一二两三四五六七八九十]+)")
_DOUBLING_RE = re.compile(r"翻(?P<n>[一两二三四])番")
_MAG_RE = re.compile("^(" + "|".join(sorted(MAGNITUDES, key=len, reverse=True)) + ")")


@dataclass(frozen=True)
class Quantity:
    """One written number: value (magnitude applied), optional upper bound, unit word as written."""

    value: float
    value_high: float | None = None
    unit: str = ""
    comparator: str = "=="
    ratio: tuple[float, float] | None = None
    parts: tuple[float, float] | None = None
    decimals: int = 0  # digits after the point as written: 91.3% -> 1, used for rounding checks


def comparator_from_words(text: str) -> str:
    """The comparator set by the words around a number; a plain number is a planned value (==)."""
    s = squash(text)
    if any(w in s for w in _AT_MOST):
        return "<="
    if any(w in s for w in _ABOUT):
        return "~"
    if any(w in s for w in _AT_LEAST):
        return ">="
    return "=="


def parse_chinese_numeral(text: str) -> float:
    """Read a Chinese numeral such as 一, 两, 十二, 三百零五, 一千五百, 两万三千, 万 (alone: 10000), 千 (1000);
    malformed ones (四千二万千四万三, 万六四零) and ambiguous short forms (一千五) raise ParseError."""
    return float(chinese(squash(text)))


def _to_float(s: str, magnitude: float = 1.0) -> float:
    """Exact decimal arithmetic, so 8.3亿 is 830000000, not 830000000.0000001."""
    return float(checked(arabic(s) * Decimal(repr(magnitude)), s))


def clean_float(v: float) -> float:
    """Round away binary noise (0.33 * 1e4 -> 3300.0) while keeping every written digit."""
    return float(f"{v:.12g}")


def _decimals(s: str) -> int:
    return decimals(arabic(s))


def _strip_words(s: str) -> str:
    for w in _ALL_WORDS:
        s = s.replace(w, "")
    return s


def _magnitude(rest: str) -> tuple[float, str]:
    """Split a magnitude prefix off the text after a number, then keep only the unit word:
    '千人次以上' -> (1000, '人次'); '%编制员额内' -> (1, '%')."""
    mag, unit, _ = _tail(rest)
    return mag, unit


def _tail(rest: str) -> tuple[float, str, str]:
    """(magnitude, unit word, what follows the unit word) of the text after a number."""
    m = _MAG_RE.match(rest)
    mag = 1.0
    if m:
        mag, rest = MAGNITUDES[m.group(1)], rest[m.end():]
    unit = _unit_word(rest)
    return mag, unit, rest[len(unit):]


def _words_before(raw: str, before: str) -> None:
    """Before a number only a sign or Chinese words (各 150所): not a formula, an error value or a
    cell reference (+cmd|' /C calc'!A616 is not 616)."""
    if before not in ("", "-", "−", "+") and not re.fullmatch(r"[\u3400-\u9fff]+", before):
        raise ParseError(f"cannot read {shown(raw)} as one number: {shown(before)} comes before the number")


def _words_after(raw: str, rest: str) -> None:
    """Text after a number must begin with its unit word (or be nothing): 1abc, 64.18‰ and
    2020年50% (two numbers) are refused rather than read as 1, 64.18 and 2020."""
    mag, unit, after = _tail(rest)
    if re.search(r"[0-9]", rest) or (rest and not unit and after):
        raise ParseError(f"cannot read {shown(raw)} as one number: {shown(rest)} follows the number, "
                         f"expected a unit word such as %, 个, 人次, 万元 (or nothing)")


def _unit_word(rest: str) -> str:
    for n in range(min(len(rest), 6), 0, -1):
        if rest[:n] in UNIT_WORDS:
            return rest[:n]
    return ""


def _word_share(s: str, comparator: str) -> Quantity | None:
    """Shares written in words: 一半 / 过半 / 一半以上 -> >= 50%; 三分之一 -> 33.3%; 大体相当 -> ~50%."""
    if any(w in s for w in _HALF_WORDS):
        return Quantity(value=50.0, unit="%", comparator=comparator if comparator != "==" else ">=")
    fm = _FRACTION_RE.search(s)
    if fm:
        d, n = (float(x) if x.isdigit() else parse_chinese_numeral(x) for x in (fm.group("d"), fm.group("n")))
        if d == 0 or n > d:
            raise ParseError(f"{s!r}: {fm.group(0)} is not a share between 0 and 1")
        return Quantity(value=round(n / d * 100, 1), unit="%", comparator=comparator, decimals=1)
    if any(w in s for w in _PARITY_WORDS):
        return Quantity(value=50.0, unit="%", comparator="~")
    return None


def _doubling(s: str, dm: re.Match, comparator: str) -> Quantity:
    """翻一番 (x2), 翻两番 (x4): a multiple, or the stated base times it (由5万人翻一番 -> 100000 人)."""
    factor = 2.0 ** parse_chinese_numeral(dm.group("n"))
    comparator = comparator if comparator != "==" else ">="
    rest = s[: dm.start()]
    base = None
    if re.search(r"[0-9]", rest):
        try:
            base = parse_quantity(rest)
        except ParseError:
            base = None
    if base is None or base.unit in ("年", "") or base.ratio:
        return Quantity(value=factor, unit="倍", comparator=comparator)
    return Quantity(value=clean_float(base.value * factor), unit=base.unit, comparator=comparator,
                    decimals=base.decimals)


def parse_quantity(text: str) -> Quantity:
    """Parse one written number: ratio, percentage, range, magnitude, unit and comparator words.

    Raises ParseError naming what was expected when the text holds no readable number, or holds a
    malformed one (16030 1582, 1abc, 四千二万千四万三): each number in it is read whole or not at all.
    """
    raw = "" if text is None else str(text)
    if normalise_text(raw) in BLANKS:
        raise ParseError(f"{shown(raw)} is blank; expected a number")
    s = prepare(raw)
    comparator = comparator_from_words(s)
    if not re.search(r"[0-9]", s):
        q = _word_share(s, comparator)
        if q is not None:
            return q
    dm = _DOUBLING_RE.search(s)
    if dm:
        return _doubling(s, dm, comparator)

    parts = None
    pm = _PARTS_RE.search(s)
    if pm:
        parts = (_to_float(pm.group("n")), _to_float(pm.group("d")))
        s = s[: pm.start()] + s[pm.end():]
    body = _strip_words(s)
    q = (_ratio(raw, body, comparator, parts) or _number(raw, body, comparator, parts)
         or _range(raw, body, comparator, parts) or _chinese_number(raw, body, comparator, parts))
    if q is not None:
        return q
    raise ParseError(
        f"cannot read a number in {shown(raw)}; expected forms such as 45%, 17:1, 4.5:5.5, 5387.35, "
        f"5千人次以上, 8.3亿元, 1-2个"
    )


def _ratio(raw: str, body: str, comparator: str, parts) -> Quantity | None:
    rm = _RATIO_RE.match(body)
    if not rm:
        return None
    a, b = _to_float(rm.group("a")), _to_float(rm.group("b"))
    if b == 0 and a == 0:
        raise ParseError(f"{shown(raw)}: a ratio of 0:0 has no value")
    return Quantity(value=a, unit="", comparator=comparator, ratio=(a, b), parts=parts,
                    decimals=_decimals(rm.group("a")))


def _range(raw: str, body: str, comparator: str, parts) -> Quantity | None:
    gm = _RANGE_RE.match(body)
    if not gm:
        return None
    _words_after(raw, gm.group("rest"))
    mag_hi, unit = _magnitude(gm.group("rest"))
    mag_lo = MAGNITUDES.get(gm.group("mag1"), mag_hi) if gm.group("mag1") else mag_hi
    lo, hi = _to_float(gm.group("lo"), mag_lo), _to_float(gm.group("hi"), mag_hi)
    if hi < lo:
        raise ParseError(f"{shown(raw)}: range upper bound {hi:g} is below its lower bound {lo:g}")
    return Quantity(value=lo, value_high=hi, unit=unit or gm.group("u1"), comparator=comparator,
                    parts=parts, decimals=_decimals(gm.group("lo")))


def _number(raw: str, body: str, comparator: str, parts) -> Quantity | None:
    """A number and its unit word; None for the start of a range (1-2个), read by ``_range``."""
    nm = _NUMBER_RE.search(body)
    if not nm:
        return None
    rest = nm.group("rest")
    if re.match(rf"[^0-9]*?[{_RANGE_SIGNS}][0-9]", rest) and _RANGE_RE.match(body):
        return None
    _words_before(raw, body[: nm.start()])
    _words_after(raw, rest)
    mag, unit = _magnitude(rest)
    sign = -1 if body[: nm.start()] in ("-", "−") else 1  # a leading minus is part of the number
    return Quantity(value=sign * _to_float(nm.group("num"), mag), unit=unit, comparator=comparator,
                    parts=parts, decimals=_decimals(nm.group("num")))


def _chinese_number(raw: str, body: str, comparator: str, parts) -> Quantity | None:
    """Chinese numerals: 一个月, 两所, 近千亩, 万人 (a trailing 万/亿 before a unit word is a magnitude
    only when digits precede it); a malformed numeral raises ParseError."""
    cm = re.search(f"[{CHINESE_CHARS}]+", body)
    if not cm:
        return None
    _words_before(raw, body[: cm.start()])
    value = parse_chinese_numeral(cm.group(0))
    _words_after(raw, body[cm.end():])
    return Quantity(value=value, unit=body[cm.end():], comparator=comparator, parts=parts)


def read_value(raw: object) -> Quantity:
    """One table cell read strictly: the WHOLE cell is a ratio (17:1), a number with an optional
    magnitude and unit word (45%, 2.26万, 4.12E+3, 1,234), or a Chinese numeral (一千五百人). Comparator
    words, ranges, formulas (=1+1), Excel error values (#DIV/0!) and anything else raise ParseError."""
    text = _as_text(raw).strip()
    plain = _PLAIN.fullmatch(text)
    if plain and (text.strip("-0.") == "" or abs(float(text)) >= 1e-9):  # the common cell, same value
        return Quantity(value=float(text), decimals=len(plain.group(1) or ""))
    s = prepare(text)
    parts, pm = None, _PARTS_RE.search(s)
    if pm and pm.end() == len(s):  # 91.3%(126/138): the stated parts close the cell
        parts, s = (_to_float(pm.group("n")), _to_float(pm.group("d"))), s[: pm.start()]
    if _RATIO_RE.fullmatch(s):
        return _ratio(s, s, "==", parts)
    q = _cell_number(s, parts) or _cell_numeral(s, parts)
    if q is None:
        raise ParseError(f"{shown(str(raw))} is not one number (with at most a unit word after it)")
    return q


def _cell_number(s: str, parts) -> Quantity | None:
    m = _CELL_RE.fullmatch(s)
    if not m:
        return None
    mag, unit, after = _tail(m.group("rest"))
    if after:
        return None
    sign = -1 if m.group("sign") in ("-", "\u2212") else 1
    return Quantity(value=sign * _to_float(m.group("num"), mag), unit=unit, parts=parts,
                    decimals=_decimals(m.group("num")))


def _cell_numeral(s: str, parts) -> Quantity | None:
    m = re.fullmatch(f"(?P<num>[{CHINESE_CHARS}]+)(?P<unit>[^0-9]*)", s)
    if not m or (m.group("unit") and m.group("unit") not in UNIT_WORDS):
        return None
    return Quantity(value=parse_chinese_numeral(m.group("num")), unit=m.group("unit"), parts=parts)


def _as_text(raw: object) -> str:
    """A cell's text; a huge int (Python refuses to print one of 4,300+ digits) or a non-finite
    float is refused here."""
    if isinstance(raw, bool):
        raise ParseError(f"{raw!r} is not a number")
    if isinstance(raw, int) and abs(raw) >= 10**15:
        raise ParseError("an integer of more than 15 digits is not a finite number below 10^15")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise ParseError(f"{raw!r} is not a finite number")
    return str(raw)


def read_year(raw: object) -> int:
    """A year as a whole number: 2019, 2019年, "2019.0" or 2019.0 (Excel), ２０１９; not 2019.5. A huge
    int is returned as it is (the caller's range check refuses it), never printed."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    s = prepare(_as_text(raw))
    s = s[:-1] if s.endswith("年") else s
    value = arabic(s) if re.fullmatch(r"[+\-]?[0-9.eE+\-]+", s) else Decimal(chinese(s))
    if value != value.to_integral_value():
        raise ParseError(f"{shown(str(raw))} is not a whole year")
    return int(value)


def closest_passage(quote: str, source: str) -> tuple[str, int, str | None, str | None]:
    """Where a quote that is not in its source goes wrong: (passage, position, quote char, source char).

    Whitespace is ignored. ``passage`` is the stretch of the source that matches the longest
    prefix of the quote, extended to the quote's length; ``position`` (1-based, in the quote
    without whitespace) is the first character that differs there.
    """
    q, src = squash(quote), squash(source)
    if not q or not src:
        return "", 1, q[:1] or None, None
    # longest prefix of the quote that occurs in the source (binary search: prefixes nest)
    lo, hi = 0, len(q)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if q[:mid] in src:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        # no first character in common: fall back on the best-matching window
        import difflib
        m = difflib.SequenceMatcher(None, src, q, autojunk=False).find_longest_match(0, len(src), 0, len(q))
        start = max(0, m.a - m.b)
        return src[start:start + len(q)], 1, q[0], src[start:start + 1] or None
    start = src.index(q[:lo])
    passage = src[start:start + len(q)]
    s_char = src[start + lo] if start + lo < len(src) else None
    return passage, lo + 1, q[lo] if lo < len(q) else None, s_char


def _describe(c: str | None) -> str:
    if c is None:
        return "the end of the text"
    return f"{c!r} ({unicodedata.name(c, f'U+{ord(c):04X}')})"


def quote_mismatch(quote: str, source: str, facts: bool = False):
    """A message for a quote not found in its source: closest passage and first differing character
    (with ``facts``: the message and those facts, for ``Problem.facts``)."""
    passage, pos, qc, sc = closest_passage(quote, source)
    width = bool(qc and sc and unicodedata.normalize("NFKC", qc) == unicodedata.normalize("NFKC", sc))
    msg = (f"closest passage of the source: {passage[:60]!r}; first difference at character {pos} of the "
           f"quote: {_describe(qc)} in the quote, {_describe(sc)} in the source")
    if width:
        msg += " (full-width vs half-width form: copy the character from the source)"
    if facts:
        return msg, (("passage", passage[:60]), ("pos", pos), ("in_quote", _describe(qc)),
                     ("in_source", _describe(sc)), ("width", width))
    return msg

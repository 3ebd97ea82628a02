"""Parsers for numbers as Chinese plans and planners write them.

``parse_quantity`` reads one written number with its unit and comparator words:

    >>> parse_quantity("4. 5: 5. 5").ratio
    (4.5, 5.5)
    >>> q = parse_quantity("5千人次以上"); (q.value, q.unit, q.comparator)
    (5000.0, '人次', '>=')
    >>> parse_quantity("17:1（3456/202）").parts
    (3456.0, 202.0)

The parser never guesses a number: text it cannot read raises ``ParseError`` saying what it expected.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from dataclasses import dataclass

from .errors import IndicatorsError
from .units import MAGNITUDES, UNIT_WORDS

__all__ = [
    "ParseError",
    "Quantity",
    "parse_quantity",
    "comparator_from_words",
    "parse_chinese_numeral",
    "normalise_text",
    "squash",
    "clean_float",
    "BLANKS",
    "closest_passage",
    "quote_mismatch",
]


class ParseError(IndicatorsError, ValueError):
    """Text that does not hold a number in any form the parser knows."""


# Words that set the comparator, checked in this order (以内 beats 达到 in 达到...以内).
_AT_MOST = ("不超过", "不高于", "不多于", "以内", "以下", "之内", "控制在")
_ABOUT = ("大体相当", "基本相当", "左右", "大约", "约", "近")
_AT_LEAST = ("不低于", "不少于", "至少", "以上", "达到", "达", "超过", "超", "逾", "突破", "力争")
_ALL_WORDS = sorted(_AT_MOST + _ABOUT + _AT_LEAST + ("争取", "每年", "累计", "新增", "生均", "年均", "全部", "总数"),
                    key=len, reverse=True)

# Cells that mean "no value" in planners' tables.
BLANKS = frozenset({"", "—", "－", "-", "--", "——", "空", "/", "无", "nan", "NaN", "None", "NA", "N/A", "…", "...", "．"})

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS) + "".join(_CN_BIG)

_NUM = r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?|[0-9]*\.[0-9]+"
_RATIO_RE = re.compile(rf"^(?P<a>{_NUM}):(?P<b>{_NUM})$")
_PARTS_RE = re.compile(rf"\((?P<n>{_NUM})/(?P<d>{_NUM})\)")
_RANGE_RE = re.compile(rf"^(?P<lo>{_NUM})(?P<mag1>[千万亿百]*)(?P<u1>[^\d.]*?)[-~—–至到](?P<hi>{_NUM})(?P<rest>.*)$")
_NUMBER_RE = re.compile(rf"(?P<num>{_NUM})(?P<rest>.*)$")
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


# Traditional and variant forms that change how a number or its comparator reads (萬 is 万).
_VARIANTS = str.maketrans(
    "萬億與達個於內門項場臺間種條處單員數總額級點並過為費兩幾約將專層業職參學輸實訓證書師當體規劃畫長發現經驗佔貼補產階畢養術設區縣範辦團對應務勞動從開護",
    "万亿与达个于内门项场台间种条处单员数总额级点并过为费两几约将专层业职参学输实训证书师当体规划画长发现经验占贴补产阶毕养术设区县范办团对应务劳动从开护",
)


def fold_variants(text: str) -> str:
    """Traditional and variant characters as their simplified forms (萬 -> 万, 與 -> 与), same length."""
    return str(text).translate(_VARIANTS)


def squash(text: str) -> str:
    """Remove all whitespace: how quotes are compared with their source."""
    return re.sub(r"\s+", "", str(text))


def normalise_text(text: str) -> str:
    """Whitespace removed and full-width forms folded (：→:, （→(, ％→%, ２→2)."""
    s = fold_variants(unicodedata.normalize("NFKC", squash(text)))
    return s.replace("∶", ":").replace("—", "-").replace("～", "~").replace("〜", "~")


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
    """Read a Chinese numeral such as 一, 两, 十二, 三百, 一千五百, 万 (alone: 10000), 千 (1000)."""
    s = squash(text)
    if not s or any(c not in _CN_CHARS for c in s):
        raise ParseError(f"{text!r} is not a Chinese numeral")
    total, section, digit = 0, 0, None
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
        else:  # 万, 亿
            section += digit or 0
            total += (section or 1) * _CN_BIG[c]
            section, digit = 0, None
    return float(total + section + (digit or 0))


def _to_float(s: str, magnitude: float = 1.0) -> float:
    """Exact decimal arithmetic, so 8.3亿 is 830000000, not 830000000.0000001."""
    return float(Decimal(s.replace(",", "")) * Decimal(repr(magnitude)))


def clean_float(v: float) -> float:
    """Round away binary noise (0.33 * 1e4 -> 3300.0) while keeping every written digit."""
    return float(f"{v:.12g}")


def _decimals(s: str) -> int:
    return len(s.split(".")[1]) if "." in s else 0


def _strip_words(s: str) -> str:
    for w in _ALL_WORDS:
        s = s.replace(w, "")
    return s


def _magnitude(rest: str) -> tuple[float, str]:
    """Split a magnitude prefix off the text after a number, then keep only the unit word:
    '千人次以上' -> (1000, '人次'); '%编制员额内' -> (1, '%')."""
    m = _MAG_RE.match(rest)
    mag = 1.0
    if m:
        mag, rest = MAGNITUDES[m.group(1)], rest[m.end():]
    return mag, _unit_word(rest)


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

    Raises ParseError naming what was expected when the text holds no readable number.
    """
    raw = "" if text is None else str(text)
    s = normalise_text(raw)
    if s in BLANKS:
        raise ParseError(f"{raw!r} is blank; expected a number")
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
    q = (_ratio(raw, body, comparator, parts) or _range(raw, body, comparator, parts)
         or _number(body, comparator, parts) or _chinese_number(body, comparator, parts))
    if q is not None:
        return q
    raise ParseError(
        f"cannot read a number in {raw!r}; expected forms such as 45%, 17:1, 4.5:5.5, 5387.35, "
        f"5千人次以上, 8.3亿元, 1-2个"
    )


def _ratio(raw: str, body: str, comparator: str, parts) -> Quantity | None:
    rm = _RATIO_RE.match(body)
    if not rm:
        return None
    a, b = _to_float(rm.group("a")), _to_float(rm.group("b"))
    if b == 0 and a == 0:
        raise ParseError(f"{raw!r}: a ratio of 0:0 has no value")
    return Quantity(value=a, unit="", comparator=comparator, ratio=(a, b), parts=parts,
                    decimals=_decimals(rm.group("a")))


def _range(raw: str, body: str, comparator: str, parts) -> Quantity | None:
    gm = _RANGE_RE.match(body)
    if not gm:
        return None
    mag_hi, unit = _magnitude(gm.group("rest"))
    mag_lo = MAGNITUDES.get(gm.group("mag1"), mag_hi) if gm.group("mag1") else mag_hi
    lo, hi = _to_float(gm.group("lo"), mag_lo), _to_float(gm.group("hi"), mag_hi)
    if hi < lo:
        raise ParseError(f"{raw!r}: range upper bound {hi:g} is below its lower bound {lo:g}")
    return Quantity(value=lo, value_high=hi, unit=unit or gm.group("u1"), comparator=comparator,
                    parts=parts, decimals=_decimals(gm.group("lo")))


def _number(body: str, comparator: str, parts) -> Quantity | None:
    nm = _NUMBER_RE.search(body)
    if not nm:
        return None
    mag, unit = _magnitude(nm.group("rest"))
    sign = -1 if body[: nm.start()] in ("-", "−") else 1  # a leading minus is part of the number
    return Quantity(value=sign * _to_float(nm.group("num"), mag), unit=unit, comparator=comparator,
                    parts=parts, decimals=_decimals(nm.group("num")))


def _chinese_number(body: str, comparator: str, parts) -> Quantity | None:
    """Chinese numerals: 一个月, 两所, 近千亩, 万人 (a trailing 万/亿 before a unit word is a magnitude
    only when digits precede it)."""
    cm = re.search(f"[{_CN_CHARS}]+", body)
    if not cm:
        return None
    try:
        value = parse_chinese_numeral(cm.group(0))
    except ParseError:
        return None
    return Quantity(value=value, unit=body[cm.end():], comparator=comparator, parts=parts)


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


def quote_mismatch(quote: str, source: str) -> str:
    """A message for a quote not found in its source: closest passage and first differing character."""
    passage, pos, qc, sc = closest_passage(quote, source)
    msg = (f"closest passage of the source: {passage[:60]!r}; first difference at character {pos} of the "
           f"quote: {_describe(qc)} in the quote, {_describe(sc)} in the source")
    if qc and sc and unicodedata.normalize("NFKC", qc) == unicodedata.normalize("NFKC", sc):
        msg += " (full-width vs half-width form: copy the character from the source)"
    return msg

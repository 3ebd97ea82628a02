"""The number core: one strict reading of a written number, shared by every door (CSV and XLSX
cells, years, plan files, the draft).

A number is read exactly or refused, never guessed. The grammar:

- Arabic: optional sign (+, -, U+2212), digits with optional thousands separators (``,`` or one
  space: thin, normal and no-break spaces all fold to it under NFKC), only in groups of three and
  one kind per number; optional decimals; optional exponent (``4.12E+3`` is 4120, as Excel writes
  large numbers into CSV). Full-width digits read as digits (NFKC).
- Chinese: a numeral by the grammar ``[S亿][S万][S]`` where each ``S`` is a section below 10,000
  (``[d千][d百][d十][d]``, units descending, ``零`` only where a place is skipped), so up to
  9999亿9999万9999 (万亿 is not read). A leading unit may drop its 一 (十二, 千, 万); 两 stands only
  before 百, 千, 万, 亿 (两万, not 十两). Refused: units out of order or repeated (四千二万千四万三),
  bare digit strings (万六四零, 二〇二〇), and the colloquial short forms whose reading is
  ambiguous (一千五, 两万三: 1500 or 1005?). Decimals in words (三点五) are refused: the plans write
  decimals in Arabic digits.
- Magnitudes and finiteness: a value must be finite, below 10^15 in size (national education
  spending is about 6 x 10^12 yuan) and, if not zero, at least 10^-9: a 40-digit number, a run of
  309 digits (float inf) or 1e-400 (float 0) is refused instead of becoming inf or 0.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .errors import ParseError
from .text import fold

__all__ = ["MAX_ABS", "MIN_ABS", "NUMBER_TOKEN", "arabic", "chinese", "checked", "decimals",
           "prepare", "shown", "spaces"]


MAX_ABS = Decimal(10) ** 15
MIN_ABS = Decimal(10) ** -9

# A candidate number in running text: loose on purpose (1,2 and 16030 1582 are candidates), so that
# ``arabic`` can refuse a malformed one instead of the text being read as a shorter number.
NUMBER_TOKEN = r"(?:[0-9]+(?:[, ][0-9]+)*(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"

# grouped by three, one separator, no leading 0 (0,100 may be a European 0.1): else plain digits
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+|[1-9][0-9]{0,2}(?: [0-9]{3})+|[0-9]+")
_ARABIC = re.compile(r"(?P<sign>[+\-\u2212]?)(?P<int>[0-9][0-9, ]*)?(?:\.(?P<frac>[0-9]+))?"
                     r"(?:[eE](?P<exp>[+-]?[0-9]+))?")


def prepare(text: str) -> str:
    """Text as the number reader sees it: NFKC (full-width digits, ％, ：), simplified characters,
    whitespace dropped except between digits (see ``spaces``)."""
    s = fold(text)
    s = s.replace("∶", ":").replace("—", "-").replace("～", "~").replace("〜", "~")
    return spaces(s.strip())


_KEEP = frozenset("0123456789,")


def spaces(text: str) -> str:
    """Whitespace dropped, except between two digits (or a digit and a comma), where it stays for
    ``arabic`` to read as a thousands separator or refuse (16030 1582 and 1, 234 are two numbers)."""
    def keep(m: re.Match) -> str:
        s, a, b = m.string, m.start(), m.end()
        between = a > 0 and b < len(s) and s[a - 1] in _KEEP and s[b] in _KEEP  # 1 234, or 1, 234 (refused)
        return m.group(0) if between else ""
    return re.sub(r"\s+", keep, text)


def decimals(value: Decimal) -> int:
    """Digits after the point as written: 91.30 -> 2, 4.12E+3 -> 0 (it is 4120)."""
    return max(0, -value.as_tuple().exponent)


def shown(text: str) -> str:
    """The text for a message, cut so that a 5,000-digit cell does not fill the screen."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def checked(value: Decimal, text: str) -> Decimal:
    """The value if it is finite and of a plausible size, else ParseError naming the text."""
    if not value.is_finite() or abs(value) >= MAX_ABS:
        raise ParseError(f"{shown(text)} is not a finite number below 10^15")
    if value and abs(value) < MIN_ABS:
        raise ParseError(f"{shown(text)} is a number too small to be a measure (below 10^-9)")
    return value


def arabic(token: str) -> Decimal:
    """The exact value of one Arabic number, the WHOLE token (sign, grouped digits, decimals,
    exponent); ParseError for anything else. ``token`` has had ``spaces`` applied."""
    m = _ARABIC.fullmatch(token)
    if not m or not (m.group("int") or m.group("frac")):
        raise ParseError(f"{shown(token)} is not a number")
    whole = m.group("int") or "0"
    if not _GROUPED.fullmatch(whole):
        raise ParseError(f"{shown(token)} is not one number: a thousands separator (, or a space) stands "
                         f"between groups of three digits, one kind per number (1,234,567 or 1 234 567)")
    exp = m.group("exp") or "0"
    if len(exp.lstrip("+-0")) > 4:  # 1e99999: refused before Decimal builds it
        raise ParseError(f"{shown(token)} is not a finite number below 10^15")
    digits = whole.replace(",", "").replace(" ", "") + ("." + m.group("frac") if m.group("frac") else "")
    try:
        value = Decimal(digits).scaleb(int(exp))
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        raise ParseError(f"{shown(token)} is not a number")
    return checked(-value if m.group("sign") in ("-", "\u2212") else value, token)


_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
CHINESE_CHARS = "".join(_DIGITS) + "〇" + "".join(_UNITS) + "".join(_BIG)


def _grammar() -> re.Pattern:
    """The numeral grammar as one regular expression, built from its parts so each rule is visible."""
    d, d2 = "[一二三四五六七八九]", "[一二两三四五六七八九]"  # 两 only before 百, 千, 万, 亿 (十两 is ten taels)
    tens = f"(?:{d}十{d}?|零{d})"  # what may follow 百: 五十, 五十五, 零五
    hundreds = f"(?:{d2}百{tens}?|零{d}十{d}?|零{d})"  # what may follow 千
    head = f"(?:{d2}?千{hundreds}?|{d2}?百{tens}?|{d}?十{d}?|{d2})"  # 一 may be dropped: 十二, 千, 百
    # after 万 or 亿: every unit written; a lone last digit needs 零 (两万三 may mean 23000 or 20003)
    low = f"(?:{d2}千{hundreds}?|{d2}百{tens}?|{d}十{d}?|零(?:{d2}百{tens}?|{d}十{d}?|{d}))"
    # after 亿: a 万 part (一亿五千万, 一亿零五万), or a low part with 零 for the empty 万 place (一亿零五千)
    low_wan = f"(?:零?(?:{d2}千{hundreds}?|{d2}百{tens}?|{d}十{d}?|{d2})万{low}?|零{d2}千{hundreds}?|{low})"
    wan = f"(?:{head}?万{low}?|{head})"
    return re.compile(f"{head}?亿{low_wan}?|{wan}|零")


_NUMERAL = _grammar()


def chinese(text: str) -> int:
    """The value of a Chinese numeral by the grammar in the module docstring; ParseError otherwise."""
    s = str(text).replace("〇", "零")
    if not s or any(c not in CHINESE_CHARS for c in s):
        raise ParseError(f"{shown(text)} is not a Chinese numeral")
    if not _NUMERAL.fullmatch(s):
        raise ParseError(f"{shown(text)} is not a well-formed Chinese numeral: units descend (一千五百, 两万三千), "
                         f"零 marks a skipped place (三百零五), and short forms such as 一千五 or 两万三 are "
                         f"ambiguous: write 一千五百")
    total, section, digit = 0, 0, None
    for c in s:  # the grammar is checked: a plain left-to-right sum is now exact
        if c in _DIGITS:
            digit = _DIGITS[c]
        elif c in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[c]
            digit = None
        else:
            section += digit or 0
            total += (section or 1) * _BIG[c]
            section, digit = 0, None
    return total + section + (digit or 0)

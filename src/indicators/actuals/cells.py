"""One cell of a planner's or bundled file checked and turned into a row of the actuals table.

A cell is what a layout (long or wide) found: the region, indicator name, year and value as
written, and where (file, sheet, row, column). ``cell_to_row`` checks it in named steps
(indicator, region, year, value, unit, plausibility); each refusal is one ``Problem`` with a
stable code, and an empty cell is listed as missing, never read as zero.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import numpy as np

from ..errors import ParseError, Problem, Severity, UnitError
from ..parse import BLANKS, clean_float, read_value, read_year
from ..text import normalise_text
from ..plans.regions import Regions
from ..units import to_canonical, unit_of
from ..plans.vocabulary import Indicator, Vocabulary

__all__ = ["Cell", "cell_to_row", "is_blank", "YEAR_RANGE"]

YEAR_RANGE = (1949, 2100)


def is_blank(cell) -> bool:
    """None, NaN and the blank words of ``BLANKS`` (—, 空, empty); a number is never blank."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return True
    if isinstance(cell, (int, float)):  # str() of a 5,000-digit int raises: it is not blank anyway
        return False
    return _blank_text(str(cell))


@functools.lru_cache(maxsize=1 << 16)
def _blank_text(text: str) -> bool:
    # a long table repeats its regions, indicators, units and sources on every row: each is folded once
    return normalise_text(text) in BLANKS


@dataclass
class Cell:
    file: str
    sheet: str | None
    row: int
    column: str
    region: str
    indicator_name: str
    year_raw: object
    value_raw: object
    unit: str | None
    source: str | None = None
    note: str | None = None
    definition: str | None = None
    source_url: str | None = None
    quote: str | None = None
    origin: str | None = None
    breakdown: str | None = None
    confirmed: str | None = None  # None: the file has no confirmed column (every file a planner typed)

    @property
    def where(self) -> dict:
        return dict(file=self.file, sheet=self.sheet, row=self.row)


class _Refused(Exception):
    """A cell that cannot be used; carries the one problem that says why."""

    def __init__(self, problem: Problem):
        self.problem = problem


def cell_to_row(c: Cell, vocab: Vocabulary, regions: Regions, problems: list[Problem],
                include_drafts: bool = False) -> dict | None:
    """The row for one cell, or None with the reason appended to ``problems`` (an unknown region is
    only a warning: the row is kept; so is an unconfirmed drafted row with ``include_drafts``)."""
    unconfirmed = _unconfirmed(c)
    if unconfirmed is not None and include_drafts and unconfirmed.code == "value.unconfirmed":
        problems.append(replace(unconfirmed, severity=Severity.WARNING))
        unconfirmed = None
    if unconfirmed is not None:
        problems.append(unconfirmed)
    try:
        ind = _indicator(c, vocab)
        region = _region(c, regions, problems)
        year = _year(c)
        value, unit = _value(c, ind, year)
    except _Refused as refused:
        problems.append(refused.problem)
        return None
    if unconfirmed is not None:
        return None
    return {
        "region": region, "indicator": ind.key, "breakdown": c.breakdown or "", "definition": c.definition or "standard",
        "year": year,
        "value": value, "unit": ind.unit, "value_as_published": str(c.value_raw).strip(),
        "unit_as_published": unit or ind.unit, "source_title": c.source, "source_url": c.source_url,
        "quote": c.quote, "note": c.note, "origin": c.origin, "file": c.file,
        "row": f"{c.sheet}!{c.row}" if c.sheet else c.row, "derivation": None,
    }


_YES = frozenset({"true", "yes", "y", "1", "是", "确认", "已确认"})
_NO = frozenset({"false", "no", "n", "0", "否", "未确认", ""})


def _unconfirmed(c: Cell) -> Problem | None:
    """A row of a drafted file (``indicators draft-actuals``) that the planner has not confirmed: the draft
    is a proposal, read against its quote before it is used. A file without the column is not a draft."""
    if c.confirmed is None:
        return None
    said = normalise_text(c.confirmed).lower()
    if said in _YES:
        return None
    if said in _NO:
        return Problem(**c.where, column="confirmed", value=c.confirmed, code="value.unconfirmed",
                       expected=f"confirmed: true once {c.indicator_name} {c.year_raw} = {c.value_raw} is checked "
                                f"against its quote (a drafted row is a proposal, not a value)",
                       facts=(("indicator", c.indicator_name), ("year", c.year_raw), ("value", c.value_raw)))
    return Problem(**c.where, column="confirmed", value=c.confirmed, code="value.bad_confirmed",
                   expected="true (checked against the quote) or false", facts=(("confirmed", c.confirmed),))


def _indicator(c: Cell, vocab: Vocabulary) -> Indicator:
    key = vocab.resolve(c.indicator_name) if c.indicator_name else None
    if key is None:
        sugg = vocab.suggest(c.indicator_name or "")
        raise _Refused(Problem(**c.where, column="indicator", value=c.indicator_name, code="indicator.unknown",
                               expected="a key, Chinese name or alias from indicators.yaml"
                               + (f"; closest: {', '.join(sugg)}" if sugg else ""),
                               facts=(("closest", "、".join(sugg)),)))
    return vocab[key]


def _region(c: Cell, regions: Regions, problems: list[Problem]) -> str:
    """The region's name as regions.yaml has it (``Regions.written``: as written, or in simplified
    characters when written in traditional ones). An unknown one is kept as written, with a warning."""
    if not c.region:
        raise _Refused(Problem(**c.where, column="region", code="region.missing", expected="a region name",
                               facts=(("region", ""),)))
    found = regions.written(c.region)
    if found is not None:
        return found
    sugg = regions.suggest(c.region)
    hint = f"did you mean {', '.join(sugg)}? " if sugg else ""
    if c.sheet is not None and not sugg:
        hint += f"the sheet name {c.sheet!r} is taken as the region: rename the sheet or pass --input-region; "
    problems.append(Problem(**c.where, column="region", value=c.region, code="region.unknown",
                            severity=Severity.WARNING,
                            expected=f"{hint}a region of regions.yaml; its values match no plan region and are "
                                     f"not used for any target",
                            facts=(("meant", "、".join(sugg)), ("sheet", c.sheet if c.sheet is not None and not sugg
                                                                  else ""))))
    return c.region


def _year(c: Cell) -> int:
    """The year by the number reader's grammar (2019, 2019年, 2019.0 from Excel); 2019.5, text and a
    5,000-digit number are all year.out_of_range."""
    try:
        year = read_year(c.year_raw)
        if YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            return year
    except ParseError:
        pass
    raise _Refused(Problem(**c.where, column="year", value=_shown(c.year_raw), code="year.out_of_range",
                           expected=f"a whole year between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}",
                           facts=(("low", YEAR_RANGE[0]), ("high", YEAR_RANGE[1]))))


def _shown(raw: object) -> object:
    """A raw value as a problem shows it: a huge int cut, since Python refuses to print it whole."""
    if isinstance(raw, int) and abs(raw) >= 10**15:
        return f"an integer of about {int(raw.bit_length() * 0.30103) + 1} digits"
    return raw


def _value(c: Cell, ind: Indicator, year: int) -> tuple[float, str]:
    """The value in the indicator's canonical unit, and the unit it was given in ("" if none)."""
    raw = c.value_raw
    if is_blank(raw):
        raise _Refused(Problem(**c.where, column=c.column, value=raw, code="value.missing", severity=Severity.MISSING,
                               expected=f"a number for {c.indicator_name} {year} (blank: treated as missing)",
                               facts=(("indicator", c.indicator_name), ("year", year)),
                               subject=(c.indicator_name, year)))
    try:
        q = read_value(raw)
    except ParseError as exc:  # the whole cell must be one number: =1+1, #DIV/0!, 1abc, 16030 1582 are not
        raise _Refused(Problem(**c.where, column=c.column, value=_shown(raw), code="value.not_a_number",
                               expected=f"a number in {ind.unit} such as 45, 45%, 17:1, 5387.35, 4.12E+3, "
                                        f"2.26万 (or blank: —, 空); {exc}",
                               facts=(("unit", unit_of(ind.unit).name_in("zh")),)))
    unit = q.unit or c.unit or ""
    try:
        value = to_canonical(q.value, unit, ind.unit, ratio=q.ratio)
    except UnitError as exc:
        raise _Refused(Problem(**c.where, column="unit" if c.unit and not q.unit else c.column, value=unit,
                               code="unit.mismatch", expected=str(exc),
                               facts=(("indicator", c.indicator_name), ("unit", unit_of(ind.unit).name_in("zh")),
                                      ("given", unit))))
    value = clean_float(value)
    _plausible(c, ind, value, from_ratio=bool(q.ratio))
    return value, unit


def _plausible(c: Cell, ind: Indicator, value: float, from_ratio: bool) -> None:
    """Shares within 0-100% and in percent, counts and amounts not negative."""
    raw, key = c.value_raw, c.indicator_name  # the label the planner typed, not the internal key
    unit = unit_of(ind.unit)
    if unit.is_share:
        if not 0 <= value <= 100:
            raise _Refused(Problem(**c.where, column=c.column, value=raw, code="value.share_out_of_range",
                                   expected=f"{key} is a percentage between 0 and 100", facts=(("indicator", key),)))
        # only a % typed in the cell itself proves a percentage: Excel stores 91.3% as 0.913
        if 0 < value <= 1 and not from_ratio and "%" not in str(raw):
            raise _Refused(Problem(**c.where, column=c.column, value=raw, code="value.share_as_fraction",
                                   expected=f"{key} is in percent: {raw} looks like a fraction; "
                                   f"multiply by 100 ({clean_float(value * 100):g})"
                                   + (" or format the cell as percent" if c.sheet is not None else ""),
                                   facts=(("indicator", key), ("value", raw),
                                          ("times100", f"{clean_float(value * 100):g}"), ("excel", c.sheet is not None))))
    if value < 0 and unit.nonnegative:
        raise _Refused(Problem(**c.where, column=c.column, value=raw, code="value.negative",
                               expected=f"{key} is a count or amount and cannot be negative",
                               facts=(("indicator", key),)))

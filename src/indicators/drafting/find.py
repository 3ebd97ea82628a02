"""Draft a plan from a plan's text: every number with its unit, sentence, clause and year.

``draft_text`` reads a text, or a ``documents.Document`` (a Word file, PDF, page or text in any
encoding, read by ``documents.read_document``), into a ``Draft``; ``write.draft_plan`` writes it as
a plan YAML that loads with ``--include-drafts``; ``guesses`` holds the year and indicator guesses.
Every entry is ``confirmed: false``: a draft is a proposal for the planner to check against the
source, never a transcription to trust. The planner confirms an entry by setting
``confirmed: true`` (or deleting the line) after checking indicator, year and comparator.

What it drafts for each number:
- ``written`` and ``quote`` are cut from the source text as it stands (verbatim, traditional
  characters and full-width forms included); matching runs on a folded copy (NFKC, 萬 -> 万, spaces
  beside a non-digit and official page numbers (— 3 —) dropped).
- ``year``: a year phrase in the number's clause (2017年达, 到2025年, 2025年底前), else a deadline
  (到/至 YYYY年) stated earlier in the sentence or opening the paragraph, 十三五/十四五 in the
  sentence, else the plan period's end (of the document in a compilation the number stands in) with
  a ``year_note``; X年至Y年 ... 每年 N or 达到 N 以上 gives one entry per year, and 每年 / 年完成
  without a range, or a standing rule (每项给予, 按...比例, 原则上), gives an undated ``rule``.
- a table (tab-separated lines under a header naming years) gives one entry per value cell: the
  year from its column, the unit from the cell or the row label's brackets, 现有基础 as a baseline.
- ``indicator``: the vocabulary key whose name or alias occurs nearest the number and fits its
  unit, with the alternatives and the three closest keys by name (with a score) in comments; when
  none fits, a readable proposed key in a local ``indicators.yaml`` beside the plan.
- ``place``: where the number stands in the original (page, paragraph, table cell), when drafted
  from a ``Document``.
Numbers in sentences about the past (已, 截至), ordinals and counts of the plan's own measures are
listed in a comment at the end of the file, not drafted; bare numbers without a unit are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .documents import Document, Place
from .guesses import (BARE_YEAR, DEADLINE, YEAR_RANGE, closest_keys, indicator_names, plan_period, rank_indicators, readable_key,
                      subject_of, year_for)
from ..errors import ParseError, UnitError
from ..units import UNIT_WORDS, lookup_unit
from ..numerals import NUMBER_TOKEN
from ..parse import comparator_from_words, parse_quantity
from ..text import fold
from ..plans.vocabulary import Vocabulary
from ..words.explain import draft_note
from .bulletin_words import SUBJECTS, joint_subjects, plain

__all__ = ["draft_text", "DraftEntry", "Draft"]

# folded text: numbers, magnitudes and unit words
# the unit words units.py knows (one list), less those that date rather than count (2025年, 9月, 1日) or
# are the project's own names (persons, count); 个百分点 is a share's change in points
_UNITS = sorted({w for w in UNIT_WORDS if not w.isascii() and w not in ("年", "月", "日", "比", "生/师")}
                | {"%", "m2", "个百分点"}, key=len, reverse=True)
_NUMBER = re.compile(
    r"(?<![0-9.])(?P<num>" + NUMBER_TOKEN + ")"  # the loose candidate: parse_quantity refuses 16030 1582
    r"(?:(?P<u0>所|个|家|名)(?=[-~—–至到][0-9]+(?:\.[0-9]+)?(?P=u0)))?"  # 1所至2所: the unit written twice
    r"(?:(?P<range>[-~—–至到])(?P<hi>[0-9]+(?:\.[0-9]+)?))?"
    r"(?P<mag>十万|百万|千万|万|亿|千|百)?"
    r"(?P<unit>" + "|".join(re.escape(u) for u in _UNITS) + r")"
)
# schools counted in characters after a verb of building (新建两所, 办好一所); 一个 too often names no count
_ZH_SCHOOLS = re.compile(r"(?<=新建|建设|建成|办好|创建|打造|筹建|组建)[一两二三四五六七八九十]{1,3}所")
# a span of years a standing rule asks for (3年以上企业工作经历, 5年一周期); 2025年 dates, this counts
_YEARS_RULE = r"以上[^,，。；;]{0,12}?(?:经历|经验)|一(?:个)?周期|一轮"
_YEARS_SPAN = re.compile(r"(?<![0-9.])[0-9]{1,2}年(?=" + _YEARS_RULE + ")")
_RATIO = re.compile(r"(?<![0-9.])[0-9]+(?:\.[0-9]+)?:[0-9]+(?:\.[0-9]+)?(?![0-9])")
_WORD_SHARE = re.compile(r"(超过|过)?一半(以上)?|过半|大体相当|基本相当|[一二三四五六七八九十]分之[一二三四五六七八九]|翻[一两]番")
_BEFORE = ("不低于", "不少于", "不超过", "不高于", "不多于", "至少", "超过", "达到", "达", "约", "近", "逾", "突破")
_AFTER = ("以上", "以下", "以内", "左右", "上下")
_CLAUSE_END = "。；;！？!?\n,，、"
_SENTENCE_END = "。；;！？!?\n"
_PAST = ("已经", "已", "截至", "截止", "现有", "目前", "此前", "去年", "提高到", "以来")
# 由目前近800所调整到700所左右: the level after the change verb is the plan's, the one before it today's
_CHANGE = r"(?:调整|提高|提升|增加|减少|降低|压缩|扩大)(?:到|至|为)"
_FROM_NOW_TO = re.compile(r"(?:由|从)(?:目前|现在|现有)[^。；;]{0,30}?" + _CHANGE + r"[^。；;]*$")
_ANNUAL = ("每年", "年完成", "每年度")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|[0-9]+[.、](?![0-9])|--|——)")

_UNIT_FOR_NEW = {"share": "percent", "number": "count", "person_times": "person_times", "person_days": "person_days",
                 "money": "yuan", "money_usd": "usd", "area_mu": "mu", "area_m2": "square_metres",
                 "multiple": "multiple", "students_per_teacher": "students_per_teacher", "ratio": "ratio"}


@dataclass
class DraftEntry:
    start: int  # position of the number in the source text
    written: str
    quote: str
    clause: str
    year: int | None
    year_note: dict | None                 # {zh, en}: why this year (``words.explain.draft_note``)
    kind: str
    indicator: str
    alternatives: list[str] = field(default_factory=list)
    comparator: str | None = None
    new_key: dict | None = None
    closest: list[tuple[str, float]] = field(default_factory=list)  # three keys whose names are most alike, 0-1
    unit: str | None = None  # a table cell's unit, from its row label (中职学校数量 (所)) when the cell has none
    place: Place | None = None  # where the number stands in the original (page, paragraph, table cell)


@dataclass
class Draft:
    plan: dict
    entries: list[DraftEntry]
    skipped: list[tuple[str, str]]  # (text, reason)
    new_keys: dict[str, dict]
    notes: tuple[str, ...] = ()  # what the reader left unread (a scanned page of a PDF)


_SPACE = " \u00a0\u3000\u2002\u2003\u2009"
# an official document's page number (— 3 —) that a web copy left in the text, with the line breaks
# around it: the sentence it cut goes on
_PAGE_NUMBER = re.compile(r"[ \t\u3000]*\n?[\s]*[—–]\s*[0-9]{1,3}\s*[—–][ \t\u3000]*\n?\s*")


def _fold(text: str) -> tuple[str, list[int]]:
    """Folded copy of the text (NFKC, traditional -> simplified, spaces dropped unless between two
    ASCII letters or digits: 建成 40 所, 4. 5: 5. 5) and, per folded character, the position of the
    source character it came from, so matches map back to verbatim slices. A space between two digits
    stays (16030 1582 is two numbers, never one)."""
    skip = [False] * len(text)
    for m in _PAGE_NUMBER.finditer(text):
        if m.group(0).count("\n") and text[max(0, m.start() - 1):m.start()] in tuple("。；;！？!?:："):
            continue  # a page number between two paragraphs: the line break stays
        for k in range(m.start(), m.end()):
            skip[k] = True
    out, pos = [], []
    for i, c in enumerate(text):
        if skip[i]:
            continue
        if c in _SPACE:
            a = out[-1][-1:] if out else ""
            b = text[i + 1:i + 2]
            if not (a.isascii() and a.isalnum() and b.isascii() and b.isalnum()):
                continue
        f = fold(c).replace("∶", ":")
        out.append(f)
        pos.extend([i] * len(f))
    pos.append(len(text))
    return "".join(out), pos


def _source(text: str, pos: list[int], a: int, b: int) -> str:
    """The source text of the folded stretch a:b, verbatim, ending at its last character (not at the
    page number or line break dropped after it)."""
    return text[pos[a]:pos[b - 1] + 1] if b > a else ""


def _span(text: str, i: int, stops: str) -> tuple[int, int]:
    a = i
    while a > 0 and text[a - 1] not in stops:
        a -= 1
    b = i
    while b < len(text) and text[b] not in stops:
        b += 1
    return a, b


def _clause_label(text: str, i: int, paragraph_no: int) -> str:
    """The nearest heading or list item before position i, else the paragraph number."""
    lines = text[:i].split("\n")
    for line in reversed(lines):
        if _HEADING.match(line):
            label = re.split(r"[。；;]", line.strip())[0]
            return label[:30]
    return f"第{paragraph_no}段"


@dataclass
class _Doc:
    """The text being drafted, its folded copy (and the map back), and what every number needs."""

    text: str
    folded: str
    pos: list[int]
    vocab: Vocabulary
    plan_id: str
    period: tuple
    deadlines: list[tuple[int, int]]
    names: list[tuple[str, str]]
    paragraphs: list[int]
    new_keys: dict[str, dict] = field(default_factory=dict)
    sections: list[tuple[int, tuple]] = field(default_factory=list)  # (start, period) of later documents


@dataclass
class _Number:
    """One number found in the folded text: the number (s:e), with its comparator words (ws:we),
    its clause (ca:cb) and sentence (sa:sb)."""

    s: int
    e: int
    ws: int
    we: int
    ca: int
    cb: int
    sa: int
    sb: int
    is_ratio: bool
    is_word: bool


def draft_text(source: str | Document, vocab: Vocabulary, plan_id: str, region: str) -> Draft:
    """Every number with a unit in the text (a str, or a ``Document`` from ``documents.read_document``,
    whose places the entries then carry) as a draft entry (or a skipped number with the reason)."""
    document = source if isinstance(source, Document) else None
    text = document.text if document is not None else source
    folded, pos = _fold(text)
    doc = _Doc(text=text, folded=folded, pos=pos, vocab=vocab, plan_id=plan_id, period=plan_period(folded),
               deadlines=[(m.start(), int(m.group("y") or m.group("y2"))) for m in DEADLINE.finditer(folded)],
               names=indicator_names(vocab), paragraphs=[m.start() for m in re.finditer(r"(?:^|\n)\s*\S", folded)])
    doc.sections = _sections(folded)
    entries: list[DraftEntry] = []
    skipped: list[tuple[str, str]] = []
    rows = _table_rows(folded)
    for row in rows:
        entries += _table_entries(doc, row, skipped)
    in_table = [False] * (len(folded) + 1)
    for row in rows:
        for k in range(row.a, row.b):
            in_table[k] = True
    for hit in _find_numbers(folded):
        if in_table[hit[0]]:
            continue
        n = _locate(folded, *hit)
        if re.search(r"[\n—–]", text[pos[n.ws]:pos[n.s]]):  # a page number between the comparator word and the number
            n.ws = n.s
        written = _source(text, pos, n.ws, n.we)
        reason = _skip_reason(doc, n)
        q = None
        if reason is None:
            try:
                q = parse_quantity(folded[n.ws:n.we])
            except ParseError as exc:
                reason = f"not read: {exc}"
            else:
                reason = _OVER_WHOLE if q.unit == "%" and _over_whole(q) else None
        if reason is not None:
            skipped.append((written, reason))
            continue
        entries += _entries(doc, n, q, written)
    entries.sort(key=lambda e: e.start)
    if document is not None:
        for e in entries:
            e.place = document.locate(e.start)
    return Draft(plan=_plan_block(text, plan_id, region, doc.period, folded, document.title if document else None),
                 entries=entries, skipped=skipped,
                 new_keys=doc.new_keys, notes=document.notes if document is not None else ())


_YEAR_CELL = re.compile(r"(?<![0-9])(?P<y>(?:19|20)[0-9]{2})(?:年|年度|年底|年末)?(?![0-9])")
_BASE_WORDS = ("基础", "现状", "基期", "基数", "现有", "基准")
_CELL_VALUE = re.compile(r"^\s*(?P<v>(?:" + NUMBER_TOKEN + r")(?:\s*:\s*(?:" + NUMBER_TOKEN + r"))?\s*(?:%|‰)?)")
_LABEL_UNIT = re.compile(r"[(（]\s*(?P<u>[^()（）]{1,6}?)\s*[)）]")


@dataclass
class _Row:
    """One row of a table under a header with year columns: the row's span (a:b) in the folded text,
    its cells with their positions, and the header's year (and baseline flag) per column."""

    a: int
    b: int
    cells: list[tuple[int, str]]
    years: dict[int, tuple[int, bool]]
    sub: dict[int, str] = field(default_factory=dict)  # a second header row's names (专业点数, 学生数)


def _table_rows(folded: str) -> list[_Row]:
    """Rows of tab-separated tables (a text copy's tables, and the tables of a Word file, PDF or page as
    ``documents`` writes them) whose header names a year in at least two columns."""
    rows: list[_Row] = []
    years: dict[int, tuple[int, bool]] | None = None
    sub: dict[int, str] = {}
    start = 0
    for line in folded.split("\n"):
        a, b = start, start + len(line)
        start = b + 1
        if "\t" not in line:
            years = None
            continue
        cells, k = [], a
        for c in line.split("\t"):
            cells.append((k, c))
            k += len(c) + 1
        header = _header_years(cells)
        if header:
            years, sub = _spread(header, len(cells)), {}
            continue
        if years is not None and not sub and not _rows_since(rows, years) and all(
                not _CELL_VALUE.match(c) for _, c in cells[1:]) and sum(1 for _, c in cells[1:] if c.strip()) >= 2:
            sub = {j: c.strip() for j, (_, c) in enumerate(cells) if j and c.strip()}
            continue
        if years is not None and len(cells) >= 2:
            rows.append(_Row(a, b, cells, years, sub))
    return rows


def _rows_since(rows: list[_Row], years) -> bool:
    """Whether a row was already read under this header (a second header row comes right after it)."""
    return bool(rows) and rows[-1].years is years


def _spread(header: dict[int, tuple[int, bool]], width: int) -> dict[int, tuple[int, bool]]:
    """A year heading several columns (2020年 over 开设专业, 专业点数, 学生数) covers the columns up to the
    next year; consecutive year columns stay one each."""
    cols = sorted(header)
    if all(b - a == 1 for a, b in zip(cols, cols[1:])):
        return header
    out = {}
    for k, c in enumerate(cols):
        end = cols[k + 1] if k + 1 < len(cols) else width
        for j in range(c, end):
            out[j] = header[c]
    return out


def _header_years(cells: list[tuple[int, str]]) -> dict[int, tuple[int, bool]]:
    """{column: (year, is_baseline)} when the row is a header naming at least two years: cells such as
    2020年, 现有基础（2019年）, or bare 2021, 2022 when no other cell holds a number."""
    found = {}
    for j, (_, c) in enumerate(cells):
        m = _YEAR_CELL.search(c)
        if j and m and len(c.strip()) <= 16 and (m.group(0).endswith(("年", "年度", "年底", "年末"))
                                                  or _YEAR_CELL.fullmatch(c.strip())):
            found[j] = (int(m.group("y")), any(w in c for w in _BASE_WORDS))
    if len(found) < 2:
        return {}
    bare = all(_YEAR_CELL.fullmatch(cells[j][1].strip()) for j in found)
    others = [c for j, (_, c) in enumerate(cells) if j and j not in found and c.strip()]
    if bare and any(_CELL_VALUE.match(c) for c in others):
        return {}  # a row of values of which two look like years (2000, 2010 万元)
    return found


def _table_entries(doc: _Doc, row: _Row, skipped: list) -> list[DraftEntry]:
    """One entry per value cell under a year column: the year from the header, the indicator from the
    row label, the unit from the cell or the label's parentheses, the whole row as the quote; a cell
    under 现有基础/现状 is a baseline."""
    text, pos, folded = doc.text, doc.pos, doc.folded
    label = row.cells[0][1].strip()
    label_unit = None
    for lm in _LABEL_UNIT.finditer(label):  # 共享性的大型智能（仿真）实习实训基地（个）: the unit, not （仿真）
        try:
            lookup_unit(lm.group("u"))
            label_unit = lm.group("u")
        except UnitError:
            continue
    quote = _source(text, pos, row.a, row.b).strip()
    clause = _clause_label(folded, row.a, sum(1 for p in doc.paragraphs if p <= row.a))
    out = []
    for j, (k, cell) in enumerate(row.cells):
        if j == 0 or j not in row.years or not cell.strip():
            continue
        m = _CELL_VALUE.match(cell)
        if not m:
            continue
        vs, ve = k + m.start("v"), k + m.end("v")
        written = _source(text, pos, vs, ve).strip()
        value_text = folded[vs:ve].strip()
        is_ratio = ":" in value_text
        is_share = value_text.endswith("%") or label_unit == "%"
        unit = None if is_ratio or value_text.endswith(("%", "‰")) else label_unit
        try:
            q = parse_quantity(value_text + (unit or ""))
        except ParseError as exc:
            skipped.append((written, f"not read: {exc}"))
            continue
        if is_share and _over_whole(q):
            skipped.append((written, _OVER_WHOLE))
            continue
        unit_written = "" if is_ratio else ("%" if is_share else (unit or ""))
        ctx = (label + row.sub.get(j, "")).replace("师生比", "生师比")
        ranked = rank_indicators(ctx, len(ctx), doc.names, doc.vocab, unit_written, is_share, is_ratio)
        year, is_base = row.years[j]
        n = _Number(vs, ve, vs, ve, row.a, row.b, row.a, row.b, is_ratio, False)
        if ranked:
            key, alts, new_key = ranked[0], ranked[1:], None
        else:
            key, alts, new_key = _propose_key(doc, n, q, unit_written, is_share, written, subject=label)
        out.append(DraftEntry(start=pos[vs], written=written, quote=quote, clause=clause, year=year,
                              year_note=draft_note("table_column", year=year), kind="baseline" if is_base else "target",
                              indicator=key, alternatives=alts, new_key=new_key, unit=unit,
                              closest=_closest(doc, n, q, subject=label)))
    return out


def _sections(folded: str) -> list[tuple[int, tuple]]:
    """(start, period) of every title line after the opening that states a period of its own
    (亳州市...三年行动计划（2022—2024年）, 东莞市...“十四五”规划): the numbers below it take that period."""
    out = []
    start = 0
    for line in folded.split("\n"):
        a, start = start, start + len(line) + 1
        if a < 600 or not _SECTION_TITLE.match(line.strip()):
            continue
        p = plan_period(line)
        if p[1]:
            out.append((a, p))
    return out


_OVER_WHOLE = "a percentage above 100 (a growth or a multiple, not a share of a whole)"


def _over_whole(q) -> bool:
    """A percentage no share can be (111.8%): drafted as a share it would not load."""
    return q.value > 100 or (q.value_high is not None and q.value_high > 100)


def _find_numbers(folded: str) -> list[tuple[int, int, bool, bool]]:
    """(start, end, is_ratio, is_word_share) of every ratio, number with a unit and share in words,
    in text order; a ratio's digits are not read again as numbers."""
    hits: list[tuple[int, int, bool, bool]] = []
    taken = [False] * (len(folded) + 1)
    for rx, is_ratio, is_word in ((_RATIO, True, False), (_NUMBER, False, False), (_YEARS_SPAN, False, False),
                                  (_ZH_SCHOOLS, False, False),
                                  (_WORD_SHARE, False, True)):
        for m in rx.finditer(folded):
            if any(taken[m.start():m.end()]):
                continue
            hits.append((m.start(), m.end(), is_ratio, is_word))
            for k in range(m.start(), m.end()):
                taken[k] = True
    return sorted(hits)


def _locate(folded: str, s: int, e: int, is_ratio: bool, is_word: bool) -> _Number:
    """The number extended over comparator words right before and after it, its clause and sentence."""
    ws, we = s, e
    for w in _BEFORE:
        if folded[max(0, s - len(w)):s] == w:
            ws = s - len(w)
            break
    for w in _AFTER:
        if folded[e:e + len(w)] == w:
            we = e + len(w)
            break
    ca, cb = _span(folded, s, _CLAUSE_END)
    sa, sb = _span(folded, s, _SENTENCE_END)
    return _Number(s, e, ws, we, ca, cb, sa, sb, is_ratio, is_word)


def _skip_reason(doc: _Doc, n: _Number) -> str | None:
    """Why a number is not a target (a time of day, a count of measures, the past), else None."""
    folded, s, e = doc.folded, n.s, n.e
    m_unit = _NUMBER.match(folded, s) if not (n.is_ratio or n.is_word) else None
    if n.is_ratio and "比" not in folded[max(0, s - 10):s]:
        return "a:b without 比 before it (a time of day?)"
    if re.search(r"第$", folded[max(0, s - 1):s]):
        return "an ordinal (第N次, 第N届), not a quantity"
    if m_unit and m_unit.group("unit") == "单" and folded[e:e + 1] == "位":
        return "a count of units (单位), not a quantity"
    if m_unit and re.match(r"(?:个方面|条|项)?(?:具体)?(?:措施|举措|负面清单|任务|条款)", folded[e - 1:e + 6]) and \
            m_unit.group("unit") in ("条", "个", "项"):
        return "a count of the plan's own measures (N条措施, N个方面)"
    if m_unit and m_unit.group("unit") == "篇" and re.search(r"(?:计划|方案|规划|意见)$", folded[max(0, s - 4):s]):
        return "a count of documents in a compilation's title (行动计划4篇)"
    if m_unit and m_unit.group("unit") == "项" and re.match(r"(举措|措施|任务|重点|工程|行动|制度|改革)", folded[e:e + 2]):
        return "a count of the plan's own measures (N项举措)"
    if re.search(r"(?:由|从)(?:目前|现在|现有)[^。；;,，]{0,12}$", folded[n.sa:n.ws]) and \
            re.match(r"[^。；;,，]{0,12}?" + _CHANGE, folded[n.we:n.sb]):
        return "today's level, which the plan changes (由目前近800所调整到700所)"
    before = list(_NUMBER.finditer(folded, n.ca, n.ws))
    if m_unit and before and folded[n.we:n.we + 1] == "的" and before[-1].group("unit") != m_unit.group("unit"):
        return "a trait of the things counted before it (100所在校生规模3500人以上的学校)"
    if any(w in folded[n.sa:n.sb] for w in _PAST) and not DEADLINE.search(folded[n.sa:s]) \
            and not _FROM_NOW_TO.search(folded[n.sa:s]):
        return "a sentence about the past (已, 截至, 现有)"
    return None


def _indicator(doc: _Doc, n: _Number, q, written: str) -> tuple[str, list[str], dict | None]:
    """(key, alternatives, proposed new key): the number's own clause first (20所左右高水平高等职业学校:
    the name follows the number), then with 40 characters before it, then the whole sentence (the
    subject may be named once for several numbers); 师生比 1:20 and 生师比 20:1 name the same indicator."""
    folded, s = doc.folded, n.s
    unit_written = "" if n.is_ratio else q.unit
    is_share = unit_written == "%"
    c0 = max(n.sa, n.ca - 40)
    args = (doc.names, doc.vocab, unit_written, is_share, n.is_ratio)
    ranked = (rank_indicators(folded[n.ca:n.cb].replace("师生比", "生师比"), s - n.ca, *args)
              or rank_indicators(folded[c0:n.cb].replace("师生比", "生师比"), s - c0, *args, (n.ca - c0, n.cb - c0))
              or rank_indicators(folded[n.sa:n.sb], s - n.sa, *args))
    if ranked:
        return ranked[0], ranked[1:], None
    return _propose_key(doc, n, q, unit_written, is_share, written)


def _closest(doc: _Doc, n: _Number, q, subject: str | None = None) -> list[tuple[str, float]]:
    """The three keys whose names are most like the words naming the number (the clause before it, or
    after it when the clause starts with the number), with their similarity."""
    folded = doc.folded
    if subject is None:
        subject = subject_of(folded[max(n.ca, n.s - 30):n.s].strip()) + folded[n.we:n.cb].strip()[:16]
    unit_written = "" if n.is_ratio else (q.unit or "")
    return closest_keys(subject, doc.vocab, unit_written, unit_written == "%", n.is_ratio, names=doc.names)


def _propose_key(doc: _Doc, n: _Number, q, unit_written: str, is_share: bool, written: str, subject: str | None = None):
    """A new key for a concept the vocabulary lacks, named after the words before (or after) the number."""
    try:
        dim = "share" if is_share else ("ratio" if n.is_ratio else lookup_unit(unit_written or "count").dimension)
    except UnitError:
        dim = "number"
    unit = _UNIT_FOR_NEW.get(dim, "count")
    if unit == "count" and unit_written in ("人", "名"):
        unit = "persons"
    folded = doc.folded
    subj = subject or subject_of(folded[n.ca:n.s].strip())
    if len(subj) < 4 and subject is None:  # 创建2-3所国家...示范学校: the name follows the number
        subj = folded[n.we:n.cb].strip()[:24] or subj or written
    subj = re.sub(r"\s+", "", subj)
    taken = {ind.key for ind in doc.vocab} | set(doc.new_keys)
    key = readable_key(subj, unit, taken) or f"new_{doc.plan_id}_{len(doc.new_keys) + 1}"
    new_key = {"zh": subj, "en": f"TODO: English name of {subj}", "unit": unit,
               "direction": "lower_is_better" if q.comparator == "<=" else "higher_is_better"}
    doc.new_keys[key] = new_key
    return key, [], new_key


# a clause that states a standing rule (a rate per unit, a subsidy, a conversion), not a dated target:
# 每项给予不超过 100 万元, 按 60%的比例提取, 原则上, 最高可达, 每季度督查一次
_RULE_WORDS = re.compile(r"每(?:项|家|人|案|个|所|名|位|次|生|学年|学期|季度|月|周|天|两个月|半年|[两三四五]年)|给予|"
                         r"%(?:以上)?用于|"
                         r"按[^,，。；]{0,12}(?:比例|标准|规定|总数的|总额的)|原则上|最高可|可提取|抵免|折算|"
                         r"(?:落实|执行)[^,，。；;]{0,40}(?:政策|制度)")
# a title line further down the text that states its own period: a compilation of several documents
_SECTION_TITLE = re.compile(r"^[^。；;,，]{4,60}?(?:方案|规划|计划|意见|措施|纲要)[^。；;,，]{0,16}$")


def _entries(doc: _Doc, n: _Number, q, written: str) -> list[DraftEntry]:
    """The entries of one number, for each indicator it is a target of (``_joint``)."""
    return [e for choice in _joint(doc, n, q, written) for e in _dated_entries(doc, n, q, written, choice)]


def _joint(doc: _Doc, n: _Number, q, written: str) -> list[tuple[str, list[str], dict | None]]:
    """(key, alternatives, proposed new key) of each indicator the number is a target of: one, except after
    school types named side by side (``joint_subjects``). 中职和高职双师型教师比例均达到60%: a target of each
    (with 均 or 都); 中职和高职在校生总数达到1.2万人: of both together, so of no existing key: a new one is proposed."""
    label = plain(doc.folded[n.ca:n.s])
    joint = joint_subjects(label)
    if not joint:
        return [_indicator(doc, n, q, written)]
    unit_written = "" if n.is_ratio else q.unit
    if not re.search("均|都", label[joint[-1][2]:]):
        return [_propose_key(doc, n, q, unit_written, unit_written == "%", written, subject_of(label))]
    a, b = joint[0][2], joint[-1][2] + len(joint[-1][1])
    after = plain(doc.folded[n.s:n.cb])
    out = []
    for group, _, _ in joint:  # the label with this school type alone, in each of its forms; a key that names it
        forms = SUBJECTS[group]
        for form in forms:
            one = (label[:a] + form + label[b:]).replace("师生比", "生师比")
            ranked = rank_indicators(one + after, len(one), doc.names, doc.vocab, unit_written, unit_written == "%",
                                     n.is_ratio)
            key = next((k for k in ranked if any(f in name for name, kk in doc.names if kk == k for f in forms)), None)
            if key is not None:
                if key not in [k for k, _, _ in out]:
                    out.append((key, [k for k in ranked if k != key], None))
                break
    return out if len(out) == len(joint) else [
        _propose_key(doc, n, q, unit_written, unit_written == "%", written, subject_of(label))]


def _dated_entries(doc: _Doc, n: _Number, q, written: str, choice) -> list[DraftEntry]:
    """The entries of one number under one indicator: one per year of X年至Y年 ... 每年, a rule for 每年
    alone, else one target dated by ``year_for``."""
    folded, s = doc.folded, n.s
    key, alts, new_key = choice
    # 每年 / 年完成 in the number's clause or an earlier part joined by 、 (年完成培训120万人次、90万人取得证书);
    # 全年完成 is the plan year's total, not a rule
    scope = folded[max(folded.rfind(c, 0, s) for c in ",，;；。\n") + 1:s].replace("全年", "")
    annual = any(w in scope for w in _ANNUAL)
    dated = BARE_YEAR.search(folded[n.sa:s]) or DEADLINE.search(folded[n.sa:s])
    if not annual and not dated and re.search(r"每年", folded[n.sa:s]):
        annual = True  # 每年度组织政治理论学习不少于 12 次, 学习研究党的教育方针不少于 6 次: both yearly
    yearly = [t for t in (scope, folded[n.sa:s]) if t.startswith("年") and not t.startswith(("年均", "年底", "年末", "年内"))]
    if not annual and yearly:
        # 年质押融资额 35 亿元, 年培训2万人次以上,1.7万人取得证书: the yearly level in the year the sentence or
        # paragraph names, else a yearly rule (a deadline of an earlier paragraph, 到2035年, dates nothing here)
        para_a = folded.rfind("\n", 0, s) + 1
        annual = year_for(folded, s, n.sa, n.ca, n.cb, (None, None, None),
                          [d for d in doc.deadlines if d[0] >= para_a])[0] is None
    rng = YEAR_RANGE.search(folded[n.sa:s])
    clause = _clause_label(folded, s, sum(1 for p in doc.paragraphs if p <= s))
    comparator = None
    if q.comparator == "==":
        cw = comparator_from_words(folded[n.ca:s])
        if cw != "==" and not n.is_word:
            comparator = cw
    base = dict(start=doc.pos[s], written=written, quote=_source(doc.text, doc.pos, n.ca, n.cb).strip(), clause=clause,
                indicator=key, alternatives=alts, comparator=comparator, new_key=new_key, closest=_closest(doc, n, q))
    if annual and rng and "每年" in scope:
        a_, b_ = int(rng.group("a")), int(rng.group("b"))
        return [DraftEntry(year=y, year_note=draft_note("each_year", a=a_, b=b_), kind="target", **base)
                for y in range(a_, b_ + 1)]
    if annual:
        return [DraftEntry(year=None, year_note=draft_note("every_year"), kind="rule", **base)]
    if q.unit == "年":  # 自2019年起 ... 3年以上企业工作经历: the year says since when the rule holds
        words = re.match(r"[0-9]{1,2}年(?:" + _YEARS_RULE + ")", folded[n.s:n.cb])
        return [DraftEntry(year=None, year_note=draft_note("standing_rule", words=words.group(0) if words else written),
                           kind="rule", **base)]
    rule = _RULE_WORDS.search(folded[n.ca:n.cb])
    if rule and not BARE_YEAR.search(folded[n.sa:s]) and not DEADLINE.search(folded[n.sa:s]):
        return [DraftEntry(year=None, year_note=draft_note("standing_rule", words=rule.group(0)), kind="rule",
                           **base)]
    # 2011年至2019年, ... 达到 N 以上: a level to hold in each year of the range (not a total: 共, 累计)
    span = re.search(r"(?<![0-9(（-])(?P<a>(?:19|20)[0-9]{2})年(?:至|到|—|-|－)(?P<b>(?:19|20)[0-9]{2})年(?![^,，。；;]*努力)",
                     folded[n.sa:s])
    level = re.search(r"达到|保持|稳定在|不低于|以上|均", folded[n.ca:n.we]) and not re.search(
        r"共|累计|总计|合计|新增|建成|新建|培育|创建|打造|完成|其中|[0-9]{4}年", folded[n.ca:n.s])
    if span and level and 0 < int(span.group("b")) - int(span.group("a")) <= 10:
        a_, b_ = int(span.group("a")), int(span.group("b"))
        return [DraftEntry(year=y, year_note=draft_note("range_level", a=a_, b=b_), kind="target",
                           **base) for y in range(a_, b_ + 1)]
    period = next((p for at, p in reversed(doc.sections) if at <= s), doc.period)
    year, note = year_for(folded, s, n.sa, n.ca, n.cb, period, doc.deadlines)
    return [DraftEntry(year=year, year_note=note, kind="target", **base)]


_PLAN_WORDS = "方案|规划|意见|计划|通知|办法|纲要|决定|措施|要点|规定|细则|目标任务"
_TITLE_LINE = re.compile(r"^[^。；;,，:：!！?？]{4,60}?(?:" + _PLAN_WORDS + r")(?:\s*[(（][^()（）]{2,20}[)）])?$")
_QUOTED_TITLE = re.compile(r"(?:印发|出台|发布|制定|公布|颁布)(?:了|的)?《(?P<t>[^《》]{4,60})》")
_DOC_NO = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（]\s*(?:19|20)[0-9]{2}\s*[〕\]］)）]\s*[0-9]{1,4}\s*[号號]")
_DATE = re.compile(r"(?<![0-9])(?P<y>(?:19|20)[0-9]{2})\s*(?:年|\.|-|/)\s*(?P<m>1[0-2]|0?[1-9])\s*(?:月|\.|-|/)\s*"
                   r"(?P<d>3[01]|[12][0-9]|0?[1-9])(?:日|号)?(?![0-9])")
_ZH_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_DATE = re.compile(r"(?P<y>[〇○零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})日")


def _zh_number(s: str) -> int:
    """一 .. 三十一 as a number (the month and day of a date written in characters)."""
    if "十" not in s:
        return _ZH_DIGITS[s]
    a, _, b = s.partition("十")
    return (_ZH_DIGITS[a] if a else 1) * 10 + (_ZH_DIGITS[b] if b else 0)


def _issued(folded: str) -> str | None:
    """The issue date the text prints: a dated line of its own (the signature under the issuer), a
    date labelled 印发/成文/发布, a date written in characters (二○一一年四月十四日), or the first date
    in the opening lines (2024.02.23); None when the text gives none."""
    lines = folded.split("\n")
    found = []
    for i, line in enumerate(lines[:60]):
        for m in _DATE.finditer(line):
            y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
            alone = len(line.strip()) <= len(m.group(0)) + 16 and not re.search(r"[。；,，]", line)
            labelled = re.search(r"(印发|成文|发布|公布)(日期|时间)", line[:m.start()])
            found.append((0 if alone else 1 if labelled else 2 + i, f"{y:04d}-{mo:02d}-{d:02d}"))
        for m in _ZH_DATE.finditer(line):
            try:
                y = int("".join(str(_ZH_DIGITS[c]) for c in m.group("y")))
                found.append((0, f"{y:04d}-{_zh_number(m.group('m')):02d}-{_zh_number(m.group('d')):02d}"))
            except KeyError:
                continue
    return min(found)[1] if found else None


def _title(text: str, folded: str) -> str | None:
    """The title the text prints: a line of its own that ends in 方案, 规划, 意见... (the line after a
    covering notice's 关于印发...的通知 when there is one), else the 《title》 a news lead says was issued."""
    lines = [ln.strip() for ln in text.split("\n")]
    flines = [ln.strip() for ln in folded.split("\n")]
    for ln in flines[:20]:  # a covering notice: ...关于印发《title》的通知
        m = re.search(r"关于印发《?(?P<t>[^《》]{4,60}?)》?的通知", ln)
        if m:
            return m.group("t")
    cands = [(i, ln) for i, ln in enumerate(flines[:80])
             if _TITLE_LINE.match(ln) and not _DATE.search(ln) and not _HEADING.match(ln)
             and not ln.startswith("关于印发") and not ln.endswith("的通知")]
    if cands:
        return lines[cands[0][0]]
    m = _QUOTED_TITLE.search(folded[:3000])
    return m.group("t") if m else None


def _doc_number(text: str):
    """The document's own 文号: on a line of its own, or in brackets right after the title a news lead
    names (印发《...》(济政字〔2020〕59号)); a 文号 cited in a sentence belongs to another document."""
    for m in _DOC_NO.finditer(text):
        a = text.rfind("\n", 0, m.start()) + 1
        b = text.find("\n", m.end())
        line = text[a:b if b >= 0 else len(text)].strip()
        if len(line) <= len(m.group(0)) + 4 or re.search(r"》\s*[(（]\s*$", text[max(0, m.start() - 3):m.start()]):
            return m
    return None


def _plan_block(text: str, plan_id: str, region: str, period: tuple, folded: str | None = None,
                hint: str | None = None) -> dict:
    """The plan block from the text itself: title, 文号, issue date and period (None where the text
    gives none; ``hint`` is the title the file declares, used when the text prints none)."""
    folded = folded if folded is not None else _fold(text)[0]
    doc_no = _doc_number(text[:5000])
    first_line = next((ln.strip() for ln in text.splitlines() if ln.strip()), plan_id)
    title = _title(text, folded) or hint or first_line[:80]
    return {"id": plan_id, "title_zh": title[:80], "region": region,
            "document_number": re.sub(r"\s+", "", doc_no.group(0)) if doc_no else None, "issued": _issued(folded),
            "period": [period[0], period[1]] if period[1] else None, "domain": "vocational"}

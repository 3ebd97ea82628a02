"""Actuals drafted from a statistical bulletin (统计公报, 教育事业发展统计公报, 统计主要结果, 经费统计快报).

``draft_bulletin`` reads a bulletin's text and returns every number it can attach to an indicator of
the vocabulary, a region and a year, with the number as printed and the verbatim sentence it stands
in; every other number with a unit is returned as not drafted, with the reason. It never makes a
number up: a value whose indicator, year or region the text does not state is not drafted.

How a number is read (on a folded copy of the text: NFKC, traditional -> simplified, the pinyin a
mirror page inserts after a character, 目(mu)前, dropped; quotes are cut from the text as it stands):

- **indicator**: a bulletin names a school type (the subject: 中等职业教育, 高职(专科)院校, 普通高中 ...)
  and a measure (招生, 在校生, 专任教师, 生师比, 所 ...) once and lets later clauses inherit them
  ("全省中等职业教育招生 26.72 万人，在校生 75.48 万人"). The subject and measure of each number are
  composed into names (中职 + 在校生数, 中等职业教育 + 生师比, 中职 + 招生 + 占 + 高中阶段 + 招生 + 比例)
  and looked up exactly among the vocabulary's names and aliases; a school type the vocabulary does
  not measure (普通本科, 技师学院) is named in the reason, never replaced by a near one. A label that names
  its own quantity (就业学生数, 专业教师) never takes the inherited measure; one that is a vocabulary name by
  itself (技能人才 -> 技能人才总量) is drafted under it.
- **region**: the draft is for one region. A number whose scope is another (全国 in a province's draft,
  全省 under a title naming another province, a province named in the clause) is not drafted.
- **year**: a year stated in the number's clause (2021年129万, 2010年的26.6:1), else in its sentence
  (2020年,全国高中阶段...), else the last one stated earlier in the paragraph, else the bulletin's
  year (its title, or ``--year``). 比上年的 N is the previous year's level. Years of comparisons
  (比2015年), ranges and titles in 《》 date nothing.
- **bounds**: a level printed as a bound (3.5万余人, 20多所, 超过1.2万人, 近2000人, 不足18:1) is drafted as the
  number printed, with "lower bound" or "upper bound" and its words in the row's note, as data/ keeps 55%以上:
  the planner decides whether it may stand for the actual.
- **not a level**: a change (比上年增长 x%, 增加 N 人, 提高 x 个百分点, 增幅), a norm, limit or trait (不低于,
  至少, 以内, 3000人以上的学校), a norm or target (标准, 目标, 要求 before it in the sentence; a number after a
  deadline, 到2025年, in its paragraph), one figure for several school types together (中职和高职毕业生共计
  900万人; with 均 it is drafted for each) and a number about another region are listed, not drafted.
- **tables**: a header of measures (毕业生数 | 招生数 | 在校生数, or Graduates | Entrants | Enrolment)
  with rows of a school type and one number per column, or a header of years with rows named by an
  indicator: each cell is one value.

The value is read by the strict number reader (``parse.parse_quantity``: 26.72万 is exactly 267200)
and converted to the indicator's canonical unit (``units.to_canonical``). The words of bulletins and their
names in the vocabulary are in ``bulletin_words``; reading the file and writing the draft in ``bulletin_file``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .bulletin_words import (SUBJECTS, MEASURES, MEASURE_FORMS, MEASURE_BY_FORM, MEASURE_RE, EN_MEASURES, EN_LABELS,
                             BASES, YEAR, VocabularyNames, fold_text, plain, strip_brackets, bulletin_year,
                             last_form, subjects_named, joint_subjects, subject_in, measure_in, leftover, direct_keys,
                             definition_in, years_in, deadline_in, short_name)
from ..errors import ParseError, UnitError
from ..parse import clean_float, parse_quantity, read_value
from ..plans.regions import Regions
from ..plans.vocabulary import Vocabulary
from ..units import UNIT_WORDS, to_canonical, unit_of

__all__ = ["DraftedValue", "NotDrafted", "BulletinDraft", "draft_bulletin", "REASONS"]

# why a number was not drafted: a stable code each (the words are in words.explain.NOT_DRAFTED)
REASONS = ("title", "change", "bound", "not_actual", "other_region", "bracket", "coverage", "joint", "no_indicator",
           "unclear_indicator", "ambiguous_indicator", "no_year", "year_conflict", "unit_mismatch", "not_read",
           "repeat",
           "table_shape", "sub_row")


@dataclass(frozen=True)
class DraftedValue:
    """One number of the bulletin as a row of the planner's long actuals table."""

    indicator: str
    year: int
    value: float           # in the indicator's canonical unit
    unit: str              # the indicator's canonical unit
    written: str           # the number as printed (verbatim)
    quote: str             # the sentence or table row it stands in (verbatim)
    start: int             # its position in the text
    definition: str | None = None  # incl_technician / excl_technician when the text says so
    # how the year was found and what else the planner should know: (code, detail) pairs, worded by
    # words.explain.DRAFT_NOTES (title_year, given_year, paragraph_year, later_year, previous_year, column,
    # approximate, also)
    notes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class NotDrafted:
    """A number the draft left out, and why (a code of ``REASONS`` and the words it concerns)."""

    written: str
    quote: str
    reason: str
    detail: str
    start: int


@dataclass
class BulletinDraft:
    region: str
    year: int | None                 # the bulletin's year
    year_from: str | None            # "title" or "--year"
    values: list[DraftedValue]
    not_drafted: list[NotDrafted]
    title: str | None = None
    conflicts: list[str] = field(default_factory=list)


_SCOPE = ("全国", "全省", "全市", "全区", "全县", "全自治区", "我国", "我省", "我市", "全州", "全盟")
_CHANGE = re.compile(r"(增长|增加|减少|下降|提高|降低|增幅|增速|扩大|缩小|上升|回落|减幅|降幅|增长率|增量|增减|多出)"
                     r"(?:了|为|分别为|达|约)?:?$"
                     r"|(?:比|较|同比|环比|相比)(?:上年|上一年|去年|同期|上年度|上一年度|[0-9]{4}年)(?!的$)[^,;。]{0,8}$")
# a bound stated as the level (1.2万余人, 超过55%, 不足100所, 近70万人) is drafted with the bound in its note, as
# data/ keeps 55%以上: the planner decides whether it may stand for the actual. Words of norms, limits and
# traits (不低于, 至少, 控制在…以内, 3000人以上的学校) are not a level
_LOWER_BEFORE = ("超过", "突破", "逾")
_UPPER_BEFORE = ("不足", "不到", "近")
_LOWER_AFTER = ("以上", "余", "多")  # 余 and 多 before a unit word are read with the number (1.2万余人)
_BOUND_BEFORE = ("不低于", "不少于", "不超过", "至少", "最高为", "最低为")
_BOUND_AFTER = ("以上的", "以下", "以内")
_APPROX_BEFORE = ("约", "大约")
_APPROX_AFTER = ("左右",)
_NORM = ("标准", "目标", "规定", "要求", "计划", "预计", "力争", "争取", "确保")
# the unit words units.py knows (one list, as drafting.find reads plans), less those that date rather
# than count (2025年, 9月, 1日) or name a ratio; 个百分点 is a share's change in points, 校 a bulletin's
# word for schools
_UNITS = sorted({w for w in UNIT_WORDS if not w.isascii() and w not in ("年", "月", "日", "比", "生/师")}
                | {"%", "个百分点", "校"}, key=len, reverse=True)
_NUMBER = re.compile(
    r"(?<![0-9.])(?P<num>[0-9]+(?:,[0-9]{3}(?![0-9]))*(?:\.[0-9]+)?)"
    r"(?:\s*:\s*(?P<den>[0-9]+(?:\.[0-9]+)?)(?![0-9]))?"
    r"(?P<more_mag>(?:余|多)(?=万|亿|千))?"
    r"(?P<mag>\s*(?:万|亿|千))?"
    r"(?P<more>(?:余|多)(?=\s*(?:" + "|".join(re.escape(u) for u in _UNITS) + ")))?"
    r"(?P<unit>\s*(?:" + "|".join(re.escape(u) for u in _UNITS) + "))?")
_SENTENCE_END = "。;!?\n"


# --- the document ----------------------------------------------------------------------------------------

@dataclass
class _Context:
    """What a sentence leaves for the next: the school type, the measure, their definition, the year."""

    subject: str | None = None
    subject_form: str = ""         # the subject as written (中职, 高职(专科)院校), for the reasons
    measure: str | None = None
    definition: str | None = None
    year: int | None = None
    coverage: str | None = None  # a bracket that widened the subject (高职(含职业本科)): its numbers are not drafted
    scope: str | None = None     # the last scope word of the paragraph (全国, 全省)
    deadline: str | None = None  # a plan's deadline (到2025年) stated earlier in the paragraph: its numbers are targets


@dataclass
class _Doc:
    text: str
    folded: str
    pos: list[int]
    names: VocabularyNames
    region: str
    regions: Regions | None
    year: int | None
    year_from: str | None
    year_conflict: str | None
    title: str | None = None
    region_names: tuple[str, ...] = ()  # the region's name and its short form (山东省, 山东), stripped from labels
    scope: str | None = None  # the region the title names (全国, 山东省), if any
    values: list[DraftedValue] = field(default_factory=list)
    skipped: list[NotDrafted] = field(default_factory=list)

    def original(self, a: int, b: int) -> str:
        return self.text[self.pos[a]:self.pos[b]].strip()

    def skip(self, a: int, b: int, qa: int, qb: int, reason: str, detail: str = "") -> None:
        self.skipped.append(NotDrafted(self.original(a, b), self.original(qa, qb), reason, detail, self.pos[a]))


def draft_bulletin(text: str, vocab: Vocabulary, region: str, year: int | None = None,
                   regions: Regions | None = None) -> BulletinDraft:
    """Every number of ``text`` drafted as an actual of ``region`` (or listed as not drafted)."""
    folded, pos = fold_text(text)
    lines = folded.split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    more = first is not None and any(ln.strip() for ln in lines[first + 1:])
    title = lines[first].strip() if more and "。" not in lines[first] and len(lines[first]) <= 160 else None
    title_year = bulletin_year(title) if title else None
    conflict = None
    if year is not None and title_year is not None and year != title_year:
        conflict = f"{title_year} ({title}) / --year {year}"
    year_from = "--year" if year is not None else ("title" if title_year else None)
    doc = _Doc(text, folded, pos, VocabularyNames(vocab), region, regions,
               year if year is not None else title_year, year_from, conflict, title, _region_names(region))
    doc.scope = _named_region(doc, title or "")
    offset = 0
    header: tuple = ([], [])  # the columns of the table being read (a header line above its rows)
    for i, line in enumerate(lines):
        if i == first and title is not None:
            for m in _NUMBER.finditer(line):
                if _is_value_token(line, m):
                    doc.skip(offset + m.start(), offset + m.end(), offset, offset + len(line), "title")
        elif _is_table(line):
            header = _table(doc, line, offset, header)
        else:
            header = ([], [])
            _paragraph(doc, line, offset)
        offset += len(line) + 1
    values = _repeats(doc)
    if title is not None:  # the title as printed (traditional characters stay), for the source column
        start = sum(len(ln) + 1 for ln in lines[:first])
        title = doc.original(start, start + len(lines[first]))
    return BulletinDraft(region, doc.year, doc.year_from, values, sorted(doc.skipped, key=lambda s: s.start),
                         title=title, conflicts=[conflict] if conflict else [])


def _repeats(doc: _Doc) -> list[DraftedValue]:
    """The same indicator, year and value twice (a headline and its paragraph, a sentence and its table) is
    one row, with the coverage either states; the second is listed. Different values for one year stay,
    each noting the other."""
    seen: dict = {}
    out: list[DraftedValue] = []
    for v in sorted(doc.values, key=lambda v: v.start):
        k = (v.indicator, v.year, v.value)
        if k in seen:
            doc.skipped.append(NotDrafted(v.written, v.quote, "repeat", f"{v.indicator} {v.year}", v.start))
            if v.definition and not seen[k].definition:  # the coverage one of them states holds for both
                i = out.index(seen[k])
                out[i] = seen[k] = replace(seen[k], definition=v.definition)
            continue
        seen[k] = v
        out.append(v)
    by_cell: dict = {}
    for v in out:
        by_cell.setdefault((v.indicator, v.year, v.definition), []).append(v)
    final = []
    for v in out:
        others = [o.written for o in by_cell[(v.indicator, v.year, v.definition)] if o is not v]
        final.append(v if not others else _with_note(v, ("also", " / ".join(others))))
    return final


def _with_note(v: DraftedValue, note: tuple[str, str]) -> DraftedValue:
    return replace(v, notes=v.notes + (note,))


def _is_value_token(s: str, m: re.Match) -> bool:
    """A number with a unit, a magnitude or a ratio; not a year, a date, a list marker or a bare number."""
    if not (m.group("unit") or m.group("mag") or m.group("den")):
        return False
    after = s[m.end():m.end() + 2]
    if m.group("den") is None and re.match(r"\s*(年|月|日|号|期|页|届)", s[m.end("num"):m.end("num") + 2]):
        return False
    return not after.startswith("-")


def _is_table(line: str) -> bool:
    """A line of table cells: several cells separated by | or tabs, or runs of bare whole numbers."""
    if line.count("|") >= 3 or line.count("\t") >= 2:
        return True
    bare = re.findall(r"(?<![0-9.,:])[0-9]{3,}(?![0-9.,%:年月日万亿])(?!\s*(?:万|亿|人|所|元|年|%))", line)
    return len(bare) >= 3


# --- sentences -------------------------------------------------------------------------------------------

def _spans(s: str, ends: str) -> list[tuple[int, int]]:
    """(start, end) of the pieces of ``s`` between the characters of ``ends`` (a : between digits is a ratio)."""
    out, a, depth = [], 0, 0
    for i, c in enumerate(s):
        depth += (c == "(") - (c == ")" and depth > 0)
        ratio = c == ":" and 0 < i < len(s) - 1 and s[i - 1].isdigit() and s[i + 1].isdigit()
        if c in ends and not ratio and (depth == 0 or c in "。\n"):
            out.append((a, i))
            a = i + 1
    out.append((a, len(s)))
    return [(x, y) for x, y in out if y > x]


def _title_subject(title: str | None) -> tuple[str | None, str]:
    """(school type, form) of a title that names one school type only (2023年中等职业教育“双师型”教师比例):
    a paragraph of its page that names none speaks of that one."""
    named = {}
    for group, form, _ in subjects_named(plain(title or "")):
        named.setdefault(group, form)
    return next(iter(named.items())) if len(named) == 1 else (None, "")


def _paragraph(doc: _Doc, line: str, offset: int) -> None:
    ctx = _Context(year=None)
    ctx.subject, ctx.subject_form = _title_subject(doc.title)
    for sa, sb in _spans(line, _SENTENCE_END):
        _sentence(doc, line, offset, sa, sb, ctx)


def _sentence(doc: _Doc, line: str, offset: int, sa: int, sb: int, ctx: _Context) -> None:
    s = line[sa:sb]
    stated = [y for y in years_in(s) if not y[3]]
    deadlines = [(m.start(), d) for m in YEAR.finditer(s) for d in [deadline_in(s, m)] if d is not None
                 and (doc.year is None or int(m.group("y")) > doc.year)]
    if stated and not deadlines:
        ctx.deadline = None
    sentence_year = None
    clauses = _spans(s, ",、:")
    # a sentence that begins with its scope (全国…) and names no school type speaks of all of them
    head = plain(strip_brackets(s[:clauses[0][1]])) if clauses else ""
    if head.lstrip("0123456789年,").startswith(_SCOPE) and subject_in(plain(strip_brackets(s))) is None:
        ctx.subject, ctx.subject_form, ctx.definition = None, "", None
    distribute = _distribution(s)
    whole = None  # the school type before 其中: its parts (其中本科…,专科…) are no context for the next sentence
    for ca, cb in clauses:
        clause = s[ca:cb]
        if whole is None and plain(clause).startswith("其中"):
            whole = (ctx.subject, ctx.subject_form, ctx.definition, ctx.coverage)
        label_start = 0
        for m in _NUMBER.finditer(clause):
            if not _is_value_token(clause, m):
                continue
            a, b = ca + m.start(), ca + m.end()
            label = clause[label_start:m.start()]
            label_start = m.end()
            target = next((d for at, d in reversed(deadlines) if at < a), None) or ctx.deadline
            if target is not None:  # a number of a plan's target sentence is no actual
                doc.skip(offset + sa + a, offset + sa + b, offset + sa, offset + sb, "not_actual", target)
                continue
            _number(doc, offset, s, sa, (a, b), m, clause, label, ctx, stated, distribute)
            if not _inside_brackets(clause, m.start()):  # a part in brackets is no context for what follows
                _remember(ctx, clause[:m.start()])  # 从111万增加到2021年129万: the next number's label is this one's
        _remember(ctx, clause)  # what the clause names is left for the next ones (a lead: …支出情况是:)
        for y0, _, y, _ in stated:
            if ca <= y0 < cb:
                sentence_year = y
        if sentence_year is not None:
            ctx.year = sentence_year
    if whole is not None:
        ctx.subject, ctx.subject_form, ctx.definition, ctx.coverage = whole
    if deadlines:
        ctx.deadline = deadlines[-1][1]


def _remember(ctx: _Context, text: str) -> None:
    """The school type, measure and coverage ``text`` names become the context of what follows."""
    words = plain(strip_brackets(text)).partition("占")[0]
    subj, meas = subject_in(words), measure_in(words)
    if subj and (subj != ctx.subject or last_form(words, SUBJECTS)[1] != ctx.subject_form):
        ctx.subject, ctx.subject_form = subj, last_form(words, SUBJECTS)[1]
        ctx.definition = definition_in(text)
        ctx.coverage = _other_coverage(text, subj)
    if meas:
        ctx.measure = meas
    d = definition_in(text)
    if d:
        ctx.definition = d


def _distribution(s: str) -> dict[int, tuple[str, str]]:
    """招生和在校生分别占…的41.37%、39.47%: the n-th number after 分别 takes the n-th item before it
    (a measure or a school type); {position of the number in s: (item, the words from the items to the
    first number)}."""
    m = re.search(r"([^,;:]*?)分别(?:为|占|是|达到|达)?", s)
    if not m:
        return {}
    items = [x for x in re.split(r"[、和与及]", m.group(1)) if x.strip()]
    nums = [n for n in _NUMBER.finditer(s, m.end()) if _is_value_token(s, n)]
    if len(items) < 2 or len(items) != len(nums):
        return {}
    lead = s[m.start():nums[0].start()]
    return {n.start(): (item, lead) for n, item in zip(nums, items)}


def _number(doc: _Doc, offset: int, s: str, sa: int, span: tuple[int, int], m: re.Match, clause: str,
            label: str, ctx: _Context, stated, distribute) -> None:
    a, b = span
    ga, gb = offset + sa + a, offset + sa + b          # the number in the folded text
    qa, qb = offset + sa, offset + sa + len(s)         # its sentence
    plain_label = plain(label)
    after = plain(s[b:b + 4])
    unit = plain(m.group("unit") or "")

    def skip(reason: str, detail: str = "") -> None:
        doc.skip(ga, gb, qa, qb, reason, detail)

    # not a level: a change, a bound, a norm
    if unit in ("个百分点", "百分点") or _CHANGE.search(plain_label) or re.search(r"增长最快|增幅", plain(clause)):
        return skip("change", plain_label[-12:])
    if unit == "倍":
        return skip("change", "倍")
    if any(plain_label.endswith(w) for w in _BOUND_BEFORE) or any(after.startswith(w) for w in _BOUND_AFTER):
        return skip("bound", (plain_label[-4:] + m.group(0).strip() + after[:2]))
    bound = _bound(plain_label, m, after)
    norm = next((w for w in _NORM if w in plain(re.sub(r"《[^》]*》", "", s[:b]))), None)
    if norm is not None:  # 要求…2017年达90万人, 接近…规定的20:1的标准: a norm or target, not an actual
        return skip("not_actual", norm)
    other = _other_region(doc, plain(clause)) or _other_scope(doc, plain(s[:a]), ctx)
    if other:
        return skip("other_region", other)

    # the indicator
    item, lead = distribute.get(a, (None, None))
    share_text = plain(lead if lead is not None else label)
    share = "%" in unit and re.search("占(?!比)", share_text) is not None
    in_brackets = _inside_brackets(clause, m.start())
    own = plain(strip_brackets(item if item is not None else (share_text.rpartition("占")[0] if share else label)))
    part = in_brackets and _listed_part(clause[in_brackets[0]:in_brackets[1]], own)
    if in_brackets and not part:
        return skip("bracket", plain(clause[in_brackets[0]:in_brackets[1]]))
    if part:  # (其中,学前教育33054人、…、中职2026人): the part's own school type, the measure of the whole
        own = re.sub(r"^\(?其中[,:]?", "", own)
    subject, measure = subject_in(own), measure_in(own)
    own_words = leftover(own, doc.region_names)
    if own_words and not share:  # the label names its own quantity (就业学生数, 技能人才)
        keys = direct_keys(doc.names, own_words) if subject is None and measure is None else []
        key = next((k for k in keys if _unit_fits(unit, m, doc.names.vocab[k].unit)), None)
        if key is None:
            return skip("unclear_indicator", own_words)
        _append(doc, key, m, span, (ga, gb, qa, qb), label, stated, ctx, None, after, skip, bound)
        return
    if measure is None and not share:  # 71.83万名专任教师: the measure after the number
        measure = _measure_after(plain(clause[m.end():]))
    base = None
    if share:
        after_zhan = share_text.rpartition("占")[2]
        base = next((k for k, _ in BASES if after_zhan.startswith(k)), None)
    if subject is None:
        subject = ctx.subject
    if measure is None:
        measure = "schools" if unit in ("所", "校") else ctx.measure
    if measure == "schools" and unit not in ("所", "校", "个", ""):
        measure = ctx.measure if ctx.measure != "schools" else None
    coverage = _other_coverage(clause, subject) or (ctx.coverage if subject == ctx.subject and subject_in(own) is None
                                                    else None)
    if coverage:
        return skip("coverage", coverage)
    if subject is None or measure is None or (share and base is None):
        return skip("unclear_indicator", _what(own, ctx, subject, None, measure, share, base))
    form = last_form(own, SUBJECTS)[1] if subject_in(own) else ctx.subject_form
    if form == "高中" and measure != "gross_enrollment_rate":
        # 高中招生人数: 普通高中 in a list of school levels, 高中阶段 elsewhere; only 高中毛入学率 is clear
        return skip("ambiguous_indicator", "高中: 普通高中 / 高中阶段教育")
    joint = joint_subjects(own) if item is None else []
    if joint and not re.search("均|都", own[joint[-1][2]:]):
        # 中职和高职毕业生共计900万人: one figure for both types together, an indicator of neither
        return skip("joint", "、".join(form for _, form, _ in joint))
    written = []
    for subj, form, _ in joint or [(subject, None, 0)]:  # 中职与高职生师比均为19:1: each of them
        what = _what(own, ctx, subj, form, measure, share, base)
        keys = doc.names.keys(subj, measure, base if share else None)
        fitting = [k for k in keys if _unit_fits(unit, m, doc.names.vocab[k].unit)]
        if not keys:
            skip("no_indicator", what)
        elif not fitting:
            skip("unit_mismatch", f"{what}: {', '.join(keys)} in {doc.names.vocab[keys[0]].unit}")
        elif len(fitting) > 1:
            skip("ambiguous_indicator", ", ".join(fitting))
        if not keys or len(fitting) != 1:
            written.append("skipped")
            continue
        definition = definition_in(clause) or (ctx.definition if subj == ctx.subject else None)
        written.append(_append(doc, fitting[0], m, span, (ga, gb, qa, qb), label, stated, ctx, definition, after,
                               skip, bound))
    if joint or part or written[0] is not None:
        return
    if not share:
        if subject != ctx.subject:
            ctx.subject_form = last_form(own, SUBJECTS)[1] or SUBJECTS[subject][0]
        ctx.subject, ctx.measure = subject, measure


def _bound(label: str, m: re.Match, after: str) -> tuple[str, str] | None:
    """("lower_bound" or "upper_bound", the words as written) of a number the text gives as a bound."""
    number = plain(m.group(0).strip())
    for words, code in ((_LOWER_BEFORE, "lower_bound"), (_UPPER_BEFORE, "upper_bound")):
        w = next((w for w in words if label.endswith(w)), None)
        if w:
            return code, w + number
    if m.group("more") or m.group("more_mag"):
        return "lower_bound", number
    w = next((w for w in _LOWER_AFTER if after.startswith(w)), None)
    return ("lower_bound", number + w) if w else None


def _what(own: str, ctx: _Context, subject: str | None, form: str | None, measure: str | None, share: bool,
          base: str | None) -> str:
    """The school type and measure a number was read as, in the bulletin's words, for the reason of a skip."""
    what = ((form or last_form(own, SUBJECTS)[1] or ctx.subject_form or SUBJECTS[subject][0]) if subject else "?") + \
        ((last_form(own, MEASURE_FORMS)[1] or MEASURES[measure][0][0]) if measure else "?")
    return what + (f"占{base or '?'}" if share else "")


def _append(doc: _Doc, key: str, m: re.Match, span, where, label: str, stated, ctx: _Context,
            definition: str | None, after: str, skip, bound: tuple[str, str] | None = None):
    """The number's year and value, drafted under ``key``; the result of ``skip`` (not None) when it cannot be."""
    a = span[0]
    ga, gb, qa, qb = where
    year, note = _year(doc, a, label, stated, ctx)
    if year is None:
        skip("year_conflict" if note == "conflict" else "no_year", doc.year_conflict or "")
        return "skipped"
    ind = doc.names.vocab[key]
    try:
        q = parse_quantity(_as_read(m))
        if m.group("den"):
            value = to_canonical(None, None, ind.unit, ratio=q.ratio)
        else:
            value = to_canonical(q.value, q.unit or None, ind.unit)
    except (ParseError, UnitError) as exc:
        skip("unit_mismatch" if isinstance(exc, UnitError) else "not_read", f"{key}: {exc}")
        return "skipped"
    if unit_of(ind.unit).is_share and not 0 <= value <= 100:
        skip("unit_mismatch", f"{key}: {value:g}%")
        return "skipped"
    approx = any(plain(label).endswith(w) for w in _APPROX_BEFORE) or any(after.startswith(w) for w in _APPROX_AFTER)
    doc.values.append(DraftedValue(
        indicator=key, year=year, value=clean_float(value), unit=ind.unit, written=doc.original(ga, gb),
        quote=doc.original(qa, qb), start=doc.pos[ga], definition=definition,
        notes=tuple(x for x in (note, ("approximate", "") if approx else None, bound) if x)))
    return None


def _listed_part(bracket: str, own: str) -> bool:
    """A number in a bracket that lists the parts of the number before it by school type
    (共有在校学生205582人(其中,学前教育33054人、…、中职2026人)): each part is its type's value, unlike a
    qualifier (含独立学院265所, 不含五年制高职转入专科招生54.29万人)."""
    return plain(bracket).lstrip("(").startswith("其中") and subject_in(own.partition("其中")[2] or own) is not None


def _as_read(m: re.Match) -> str:
    """The number of a match without the 余 or 多 of a bound (1.2万余人 is read as 1.2万人, 100多万人 as 100万人)."""
    text = m.group(0)
    for g in ("more", "more_mag"):  # the later one first, so the earlier one's offsets still hold
        if m.group(g):
            text = text[:m.start(g) - m.start()] + text[m.end(g) - m.start():]
    return text.strip()


def _inside_brackets(clause: str, i: int) -> tuple[int, int] | None:
    """The bracket around position i (含独立学院265所, 不含五年制高职转入专科招生54.29万人): a part or a
    qualifier of the number before it, not a value of its own."""
    depth, a = 0, None
    for j, c in enumerate(clause[:i]):
        if c == "(":
            depth, a = depth + 1, j if depth == 0 else a
        elif c == ")" and depth:
            depth -= 1
    if depth and a is not None:
        b = clause.find(")", i)
        return a, (b + 1 if b >= 0 else len(clause))
    return None


def _measure_after(rest: str) -> str | None:
    """A measure written right after the number and its unit: 71.83万名专任教师."""
    for group, (forms, _) in MEASURES.items():
        if any(rest.startswith(f) for f in forms):
            return group
    return None


def _other_coverage(clause: str, subject: str | None) -> str | None:
    """A bracket that widens the school type to another one (高职(含职业本科)学校): the figure covers
    more than any indicator of the subject, so it is not drafted."""
    for m in re.finditer(r"\((?:含|包括)([^()]*)\)", clause):
        inner = plain(m.group(1))
        other = subject_in(inner)
        if other is not None and other != subject and "技工" not in inner:
            return m.group(0)
    return None


def _unit_fits(unit: str, m: re.Match, canonical: str) -> bool:
    u = unit_of(canonical)
    if m.group("den"):
        return u.kind == "ratio"
    if unit == "%":
        return u.is_share
    if unit in ("元",):
        return u.kind == "money"
    if unit in ("人", "名", "所", "个", "校", ""):
        return u.kind == "count" and u.name in ("persons", "count")
    return True


def _region_names(region: str) -> tuple[str, ...]:
    return tuple(n for n in (region, short_name(region)) if len(n) >= 2)


# the levels a scope word may speak of: 全市 is a city's or a municipality's (北京市), 全区 a district's or an
# autonomous region's
_SCOPE_LEVELS = {"全国": ("national",), "我国": ("national",), "全省": ("province",), "我省": ("province",),
                 "全自治区": ("province",), "全市": ("city", "province"), "我市": ("city", "province"),
                 "全区": ("district", "province"), "全县": ("district",)}


def _named_region(doc: _Doc, text: str) -> str | None:
    """The region a title names: the draft's own if named, else 全国 or the longest name (or short name) of a
    region of regions.yaml found in it; None when it names none."""
    if doc.regions is None:
        return None
    f = plain(text)
    if any(n in f for n in doc.region_names):
        return doc.region
    if "全国" in f:
        return _national(doc)
    names = [(len(n), r.name) for r in doc.regions for n in {r.name, short_name(r.name)} if len(n) >= 2 and n in f]
    return max(names)[1] if names else None


def _national(doc: _Doc) -> str | None:
    return next((r.name for r in doc.regions if r.level == "national"), None) if doc.regions is not None else None


def _other_scope(doc: _Doc, before: str, ctx: _Context) -> str | None:
    """The scope of the number when it cannot be the draft's region: the last scope word before it in its
    sentence or paragraph (全国 is the nation; 全省, 全市 the bulletin's own region, or a region of that level),
    else the region the title names. A national bulletin's figures are not 山东省's, nor a 山东省 bulletin's
    北京市's."""
    if doc.regions is None or doc.region not in doc.regions:
        return None
    found = [(before.rfind(w), w) for w in _SCOPE_LEVELS if w in before]
    if found:
        ctx.scope = max(found)[1]
    word = ctx.scope
    if word in ("全国", "我国"):
        speaks_of = _national(doc)
    elif word is not None and doc.scope in (None, _national(doc)):
        r = doc.regions[doc.region]
        fits = r.level in _SCOPE_LEVELS[word] and not (word in ("全市", "我市") and r.level == "province"
                                                       and not r.name.endswith("市"))
        return None if fits else f"{word} / {doc.region}"
    else:
        speaks_of = doc.scope
    return None if speaks_of in (None, doc.region) else f"{word or speaks_of} / {doc.region}"


def _other_region(doc: _Doc, clause: str) -> str | None:
    """A region other than the draft's (or its parents) named in the clause: 增长最快的是宁夏回族自治区."""
    if doc.regions is None:
        return None
    own = {doc.region, *(doc.regions.ancestors(doc.region) if doc.region in doc.regions else [])}
    for r in doc.regions:
        if r.name in own or r.level == "national":
            continue
        for n in {r.name, short_name(r.name)}:
            if len(n) >= 2 and n in clause:
                return r.name
    return None


def _bulletin_year_note(doc: _Doc) -> tuple[str, str]:
    return ("title_year" if doc.year_from == "title" else "given_year"), str(doc.year)


def _year(doc: _Doc, a: int, label: str, stated, ctx: _Context):
    """(year, note) of the number at ``a`` of its sentence, whose stated years are ``stated``: the last
    year stated before it in the sentence (note None), the paragraph's, the one year stated later in the
    sentence, the bulletin's year; (None, "conflict") when only the bulletin's year would date it and the
    title and --year disagree."""
    earlier = [y for y in stated if y[1] <= a]
    later = {y[2] for y in stated}
    if earlier:
        year, note = earlier[-1][2], None
    elif ctx.year is not None:
        year, note = ctx.year, ("paragraph_year", str(ctx.year))
    elif len(later) == 1:
        year = later.pop()
        note = ("later_year", str(year))
    elif doc.year_conflict:
        return None, "conflict"
    elif doc.year is None:
        return None, None
    else:
        year, note = doc.year, _bulletin_year_note(doc)
    if re.search(r"(比|较)?上(一)?年(度)?的$", plain(label)):  # 比上年的4778.79元: the year before's level
        return year - 1, ("previous_year", str(year))
    return year, note


# --- tables ----------------------------------------------------------------------------------------------

_CELL_NUMBER = re.compile(r"(?<![0-9.,:])[0-9]+(?:\.[0-9]+)?(?![0-9.,:%])")


def _table(doc: _Doc, line: str, offset: int, above: tuple) -> tuple:
    """A line of a table: the header's measures (or years), then rows of a label and one number per column.
    A line that is only a header gives the columns of the rows below it (returned for the next line)."""
    line = line.replace("\t", "|")  # a table row as read_document writes it: cells joined by tabs
    if doc.scope not in (None, doc.region):  # a table of the region the title names, not the draft's
        for n in _CELL_NUMBER.finditer(line):
            doc.skip(offset + n.start(), offset + n.end(), offset, offset + len(line), "other_region",
                     f"{doc.scope} / {doc.region}")
        return above
    if not re.search(r"[0-9]", re.sub(r"(?:19|20)[0-9]{2}\s*年?|\([^()]*\)", "", line)):  # a header line
        return _column_measures(line, doc.title or ""), [y for _, _, y, _ in years_in(line.replace("|", " | "))] or \
            [int(y) for y in re.findall(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])", line)]
    head_end = 0 if any(above[0]) or above[1] else _header_end(line, doc.title or "")
    header = line[:head_end]
    columns = _column_measures(header, doc.title or "")
    year_columns = [y for _, _, y, _ in years_in(header)] if not any(columns) else []
    if not any(columns) and not year_columns:
        head_end, (columns, year_columns) = 0, above
        columns = columns if any(columns) else []
    body = line[head_end:]
    k = len(columns) or len(year_columns)
    tokens = _row_tokens(body)
    parent = None
    taken: set = set()  # (key, year) already drafted from an earlier row of this table
    for label, numbers in tokens:
        lab = _row_label(label)
        if not numbers:
            continue
        row_a, row_b = head_end + label[1], head_end + numbers[-1][1]
        qa, qb = offset + row_a, offset + row_b
        if k == 0 or len(numbers) != k:
            for n in numbers:
                doc.skip(offset + head_end + n[0], offset + head_end + n[1], qa, qb, "table_shape",
                         f"{len(numbers)} numbers, {k} columns")
            continue
        subject = subject_in(lab) if lab else None
        if lab in ("本科",) and parent == "职业本专科":
            subject = "voc_bachelor"
        if lab in ("普通本专科", "职业本专科"):
            parent = lab
        for j, (na, nb, written) in enumerate(numbers):
            ga, gb = offset + head_end + na, offset + head_end + nb
            if columns:
                measure, year, note = columns[j], doc.year, _bulletin_year_note(doc)
                if measure is None:
                    doc.skip(ga, gb, qa, qb, "unclear_indicator", f"{lab}: column {j + 1}")
                    continue
                if doc.year_conflict:
                    doc.skip(ga, gb, qa, qb, "year_conflict", doc.year_conflict)
                    continue
                keys = doc.names.keys(subject, measure) if subject else []
                what = (SUBJECTS[subject][0] if subject else lab or "?") + MEASURES[measure][0][0]
            else:
                year, note = year_columns[j], None
                key = doc.names.get(re.sub(r"\([^()]*\)$", "", lab))
                keys = [key] if key else (doc.names.keys(subject_in(lab), measure_in(lab)) if subject_in(lab) else [])
                what = lab
            if year is None:
                doc.skip(ga, gb, qa, qb, "no_year", what)
                continue
            if not keys:
                doc.skip(ga, gb, qa, qb, "no_indicator" if subject or not columns else "unclear_indicator", what)
                continue
            if len(keys) > 1:
                doc.skip(ga, gb, qa, qb, "ambiguous_indicator", ", ".join(keys))
                continue
            ind = doc.names.vocab[keys[0]]
            if (ind.key, year) in taken:  # 中等职业学校 under 中等职业教育: a part of the row above
                doc.skip(ga, gb, qa, qb, "sub_row", f"{lab}: {ind.key} {year}")
                continue
            taken.add((ind.key, year))
            try:
                q = read_value(written + (_label_unit(lab) or ""))
                value = to_canonical(q.value, q.unit or None, ind.unit)
            except (ParseError, UnitError) as exc:
                doc.skip(ga, gb, qa, qb, "not_read", str(exc))
                continue
            doc.values.append(DraftedValue(
                indicator=ind.key, year=year, value=clean_float(value), unit=ind.unit, written=doc.original(ga, gb),
                quote=doc.original(qa, qb), start=doc.pos[ga], definition=None,
                notes=tuple(x for x in (note, ("column", str(j + 1))) if x)))
    return above if head_end == 0 else (columns, year_columns)


def _label_unit(label: str) -> str | None:
    m = re.search(r"\(([^()]{1,4})\)$", label)
    return m.group(1) if m else None


def _header_end(line: str, title: str) -> int:
    """Where the header ends: at the ``...`` after it, or at the cell before the first number (0: no header)."""
    k = line.find("...")
    if k >= 0 and any(_column_measures(line[:k], title)):
        return k + 3
    first_number = _CELL_NUMBER.search(line)
    cells = line[:first_number.start()].split("|") if first_number else []
    return len("|".join(cells[:-1])) + 1 if len(cells) > 1 else 0


def _column_measures(header: str, title: str) -> list[str | None]:
    """The measures of the header's columns, in order: one per | cell (None: a column that names no measure,
    男 or 占…比重), else every measure word of the header, Chinese or else English (Graduates, Entrants)."""
    cells = [c for c in header.split("|") if c.strip(" .")]
    if len(cells) >= 2:
        out = [(_found_measures(c, title) or [None])[0] for c in cells]
        if any(out):
            return out
    return _found_measures(header, title)


def _found_measures(text: str, title: str) -> list[str]:
    """The measures named in ``text``; 总计 (a total) takes the one of the table's title (学生情况: 在校生)."""
    if re.match(r"\s*(总计|合计)", text):
        return [m for m in [measure_in(plain(title).replace("学生情况", "在校生"))] if m]
    zh = [MEASURE_BY_FORM[m.group(0)] for m in MEASURE_RE.finditer(plain(text))]
    return zh or [EN_MEASURES[w.lower()] for w in re.findall(r"[A-Za-z]+", text) if w.lower() in EN_MEASURES]


def _row_tokens(body: str) -> list[tuple[tuple[str, int], list[tuple[int, int, str]]]]:
    """[((label, start), [(start, end, number), ...]), ...]: each label with the numbers after it."""
    out = []
    pos = 0
    for m in re.finditer(r"((?:[|\s]*[0-9]+(?:\.[0-9]+)?%?(?![0-9.]))+)", body):
        nums = [(n.start(), n.end(), n.group(0)) for n in re.finditer(r"[0-9]+(?:\.[0-9]+)?%?", m.group(0))]
        label = body[pos:m.start()]
        # a list marker (2. or (二)) inside a label is not a number of the row
        if not label.strip(" |") and out:
            out[-1][1].extend((m.start() + a, m.start() + b, w) for a, b, w in nums)
        else:
            out.append(((label, pos), [(m.start() + a, m.start() + b, w) for a, b, w in nums]))
        pos = m.end()
    return _merge_markers(out, body)


def _merge_markers(tokens, body: str):
    """A row label that begins with a list marker (1.普通高中, 2. 中等职业教育) was cut at the marker's
    digit: the digit joins the label again."""
    out = []
    for (label, start), nums in tokens:
        rest = body[nums[-1][1]:nums[-1][1] + 2] if nums else ""
        if nums and len(nums) == 1 and re.match(r"\.\s*\D", rest) and len(nums[0][2]) <= 2:
            out.append(((label, start), []))
            continue
        out.append(((label, start), nums))
    # labels that ended in a marker: join each empty-number label with the next label
    merged = []
    for (label, start), nums in out:
        if merged and not merged[-1][1]:
            (_, pstart), _ = merged.pop()
            label, start = body[pstart:start] + label, pstart
        merged.append(((label, start), nums))
    return [((lab, s), n) for (lab, s), n in merged]


def _row_label(label: tuple[str, int]) -> str:
    """A row's school type: list markers, English and spaces dropped; English only: the MOE's own terms."""
    text = label[0]
    zh = re.sub(r"[^\u3400-\u9fff()]", "", re.sub(r"^[\s|.]*(?:[0-9]+\s*\.|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、)", "",
                                                   text.strip()))
    zh = re.sub(r"^\([一二三四五六七八九十]+\)", "", zh)
    if zh:
        return zh
    key = re.sub(r"[^a-z]", "", text.lower())
    return EN_LABELS.get(key, "")

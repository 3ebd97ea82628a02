"""The drafting guesses: the year a number is for, and the indicator it measures.

``year_for`` reads the year from the number's clause, its sentence, the paragraph's deadline or the
plan period (``plan_period``); ``rank_indicators`` ranks vocabulary keys by how much of their name
occurs near the number and whether their unit fits. Both work on the folded text (NFKC, 萬 -> 万)
that ``draft.draft_text`` builds.
"""

from __future__ import annotations

import functools
import re

from ..errors import UnitError
from ..text import fold
from ..units import conversion_factor, unit_of
from ..plans.vocabulary import Vocabulary
from ..words.explain import draft_note

__all__ = ["plan_period", "year_for", "indicator_names", "rank_indicators", "subject_of", "closest_keys", "canon", "readable_key", "DEADLINE", "YEAR_RANGE",
           "FIVE_YEAR"]

FIVE_YEAR = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}
DEADLINE = re.compile(r"(?<!截)(?:到|至|力争到|争取到|计划到)(?P<y>(?:19|20)[0-9]{2})年(?:底|末)?|(?P<y2>(?:19|20)[0-9]{2})年(?:年)?底前")
_PLANNED_YEAR = re.compile(r"(?<![0-9])(?P<y>(?:19|20)[0-9]{2})年(?:将|要|计划|力争|预计|争取)")
_OPENING_YEAR = re.compile(r"\s*(?:[^,，。；;0-9]{0,6}[,，])?(?P<y>(?:19|20)[0-9]{2})年(?![0-9月底末以前后])")
_PERIOD_OPENING = re.compile(r"\s*[“\"]?(?P<name>" + "|".join(FIVE_YEAR) + r")[”\"]?(?:期间|时期|期末|末|内)")
# a period in brackets without 年 (《...三年行动计划(2022—2024)》)
_BARE_PERIOD = re.compile(r"[(（](?P<a>(?:19|20)[0-9]{2})(?:[-~—–至到])(?P<b>(?:19|20)[0-9]{2})[)）]")
BARE_YEAR = re.compile(r"(?<![0-9])(?P<y>(?:19|20)[0-9]{2})年(?![0-9月])")
YEAR_RANGE = re.compile(r"(?<![0-9])(?P<a>(?:19|20)[0-9]{2})年?(?:[-~—–至到])(?P<b>(?:19|20)[0-9]{2})年")


def plan_period(folded: str) -> tuple[int | None, int | None, dict | None]:
    """The plan period stated in the title or text: (first, last, how it was found in {zh, en})."""
    head = folded[:600]
    m = YEAR_RANGE.search(head) or _BARE_PERIOD.search(head)
    if m and 0 <= int(m.group("b")) - int(m.group("a")) <= 10:
        return int(m.group("a")), int(m.group("b")), draft_note("period_stated", a=m.group("a"), b=m.group("b"))
    for name, end in FIVE_YEAR.items():
        if name in head and not re.search("十[一二三四五]五", head.replace(name, "")):
            return end - 4, end, draft_note("period_five_year", name=name, a=end - 4, b=end)
    m = re.search(r"(?P<n>[二三四五])年行动(?:计划|方案)[^。；]{0,40}?(?<![0-9])(?P<y>20[0-9]{2})年", head)
    if m:  # 三年行动计划 ... 2024年 (the period's first year garbled or left out)
        n, y = "二三四五".index(m.group("n")) + 2, int(m.group("y"))
        return y - n + 1, y, draft_note("period_action_plan", n=m.group("n"), y=y)
    m = re.search(r"(?P<y>20[0-9]{2})年[^。；\n]{0,40}?(?:方案|规划|计划)", head) or \
        re.search(r"\b(?P<y>20[0-9]{2})\b[^\n]{0,80}?\bplan\b", head, flags=re.I)
    if m:
        y = int(m.group("y"))
        return y, y, draft_note("period_title_year", y=y)
    return None, None, None


def year_for(folded: str, i: int, sent_a: int, clause_a: int, clause_b: int, period, deadlines):
    """(year, year_note) for a number at i whose clause starts at clause_a: a year in the clause, a
    deadline in the sentence, the pairing of 2017年达X,2020年达Y, a five-year plan named in the
    sentence, a later deadline in the paragraph, the plan period's end, any deadline before."""
    para_a = folded.rfind("\n", 0, i) + 1
    before = folded[clause_a:i]
    ys = [m for m in BARE_YEAR.finditer(before)]
    if ys:
        return int(ys[-1].group("y")), None
    sentence_before = folded[sent_a:i]
    dl = [m for m in DEADLINE.finditer(sentence_before)]
    if dl:
        return int(dl[-1].group("y") or dl[-1].group("y2")), None
    # 2024年将新增30万人,其中…12万人: a year the sentence plans for; 2025年开展验收,建成40所: a year opening it
    sy = list(_PLANNED_YEAR.finditer(sentence_before)) or [m for m in [_OPENING_YEAR.match(sentence_before)] if m]
    if sy:
        return int(sy[-1].group("y")), draft_note("sentence_year", year=sy[-1].group("y"))
    # 参与率达85%,2020年达100%: an undated value followed by a later year's is the earlier year's
    after = folded[clause_b:clause_b + 8]
    nm = re.match(r"[,，]?(?P<y>(?:19|20)[0-9]{2})年", after)
    if nm:
        years = sorted({int(m.group("y")) for m in BARE_YEAR.finditer(folded[para_a:clause_b + 8])})
        earlier = [y for y in years if y < int(nm.group("y"))]
        if earlier:
            return earlier[-1], draft_note("next_clause", next=nm.group("y"), year=earlier[-1])
    for name, end in FIVE_YEAR.items():
        if name in folded[sent_a:i]:
            return end, draft_note("five_year", name=name, year=end)
    # “十三五”期间,贵州将…。全省建成40所…: a plan period opening the paragraph
    pm = _PERIOD_OPENING.match(folded, para_a)
    if pm and pm.end() <= i:
        end = FIVE_YEAR[pm.group("name")]
        return end, draft_note("five_year", name=pm.group("name"), year=end)
    # a deadline earlier in the paragraph that reaches beyond the plan period (至2020年 in a 2015-2019 plan),
    # or that opens the paragraph (到2021年底, A; B; C)
    near = [(pos, y) for pos, y in deadlines
            if para_a <= pos < i and (not period[1] or y >= period[1] or pos - para_a <= 6)]
    if near:
        return near[-1][1], draft_note("paragraph_deadline", year=near[-1][1])
    if period[1]:
        return period[1], draft_note("period_end", period=period[2], year=period[1])
    prior = [(pos, y) for pos, y in deadlines if pos < i]
    if prior:
        return prior[-1][1], draft_note("prior_deadline", year=prior[-1][1])
    return None, draft_note("no_year")


# one spelling per school type, on both sides of the comparison (中等职业学校在校生 finds 中职学校在校生,
# 高职学校 finds 高职院校): longest first
_SYNONYMS = (("中等职业教育", "中职"), ("中等职业学校", "中职学校"), ("中等职业院校", "中职学校"),
             ("中等职业", "中职"), ("高等职业教育", "高职"), ("高等职业学校", "高职院校"), ("高等职业院校", "高职院校"),
             ("高职学校", "高职院校"), ("高等职业", "高职"), ("职业技术学院", "高职院校"), ("中职院校", "中职学校"))


def canon(s: str) -> str:
    """A name or context with one spelling per school type (see ``_SYNONYMS``)."""
    for a, b in _SYNONYMS:
        s = s.replace(a, b)
    return s


def indicator_names(vocab: Vocabulary) -> list[tuple[str, str]]:
    names = []
    for ind in vocab:
        for n in (ind.zh, *ind.aliases):
            f = _folded_name(str(n))
            if len(f) >= 2:
                names.append((f, ind.key))
    names.sort(key=lambda x: -len(x[0]))
    return names


@functools.lru_cache(maxsize=1 << 14)  # a name folds the same every time; every draft folds them all
def _folded_name(n: str) -> str:
    f = fold(re.sub(r"[（(][^（）()]*[）)]$", "", n))
    return canon(re.sub(r"\s+", "", f))


@functools.lru_cache(maxsize=1 << 14)
def _name_bigrams(name: str) -> frozenset[str]:
    return frozenset(_bigrams(name))


@functools.lru_cache(maxsize=1 << 12)  # the units are fixed records; a draft asks this ~10^5 times
def _fits(unit_written: str, canonical: str, is_share: bool) -> bool:
    if is_share:
        return unit_of(canonical).is_share
    if not unit_written:
        return unit_of(canonical).dimension == "number"  # a bare number counts things or persons
    try:
        conversion_factor(unit_written, canonical)
        return True
    except UnitError:
        return False


def _bigrams(s: str) -> set[str]:
    return {s[k:k + 2] for k in range(len(s) - 1)}


def rank_indicators(context: str, at: int, names, vocab: Vocabulary, unit_written: str, is_share: bool, is_ratio: bool,
            own: tuple[int, int] = (0, 10**9)):
    """Keys ranked by how much of their name occurs in the context and how close to the number
    (at ``at`` in the context): a whole name scores by its length, else the share of its character
    pairs found (at least 60% and two pairs: 高水平中等职业学校 finds 高水平中职学校)."""
    scores: dict[str, float] = {}
    own = (len(canon(context[:own[0]])), len(canon(context[:own[1]]))) if own[1] < 10**9 else own
    context, at = canon(context[:at]) + canon(context[at:]), len(canon(context[:at]))
    ctx_bigrams = _bigrams(context)
    for name, key in names:
        ind = vocab[key]
        if is_ratio and unit_of(ind.unit).kind not in ("share", "ratio"):
            continue
        if not is_ratio and not _fits(unit_written, ind.unit, is_share):
            continue
        j = context.rfind(name, 0, at) if name in context[:at] else context.find(name, at)
        if j >= 0:
            distance = at - (j + len(name)) if j < at else j - at
            score = len(name) * 10 - distance + (50 if own[0] <= j < own[1] else 0)
        else:
            nb = _name_bigrams(name)
            hit = nb & ctx_bigrams
            if len(nb) < 2 or len(hit) < 2 or len(hit) / len(nb) < 0.6:
                continue
            pos = [context.find(h) for h in hit]
            distance = min(abs(p - at) for p in pos)
            score = len(name) * 6 * len(hit) / len(nb) - distance + (30 if any(own[0] <= p < own[1] for p in pos) else 0)
        scores[key] = max(scores.get(key, -1e9), score)
    ranked = sorted(scores, key=lambda k: (-scores[k], k))
    return ranked[:3]


def closest_keys(subject: str, vocab: Vocabulary, unit_written: str, is_share: bool, is_ratio: bool,
                 n: int = 3, names: list[tuple[str, str]] | None = None) -> list[tuple[str, float]]:
    """The ``n`` vocabulary keys whose name or alias is most like ``subject`` (the words that name the
    number, before and after it), with a score 0-1: the share of the name's characters found in the
    subject in order (difflib's matching blocks on the folded names), among keys whose unit fits."""
    from difflib import SequenceMatcher

    subj = canon(fold(re.sub(r"\s+", "", subject)))
    pairs = _bigrams(subj)
    best: dict[str, float] = {}
    for name, key in names if names is not None else indicator_names(vocab):
        ind = vocab[key]
        if is_ratio and unit_of(ind.unit).kind not in ("share", "ratio"):
            continue
        if not is_ratio and not _fits(unit_written, ind.unit, is_share):
            continue
        # a block of two characters or more holds a pair of the subject: without one the score is 0
        if pairs.isdisjoint(_name_bigrams(name)):
            r = 0.0
        else:
            blocks = SequenceMatcher(None, subj, name, autojunk=False).get_matching_blocks()
            r = sum(b.size for b in blocks if b.size >= 2) / len(name)
        best[key] = max(best.get(key, 0.0), r)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(k, round(v, 2)) for k, v in ranked[:n]]


def subject_of(clause_text: str) -> str:
    """The words before a number, as a name for a proposed key: 建成5个... -> the clause, trimmed."""
    s = re.sub(r"^(其中|同时|与此同时|并|和|及|以及|重点|进一步|全省|全市|全国|全年|推动|培育认定|建成|创建|建设|完成|评选|遴选|"
               r"选树|培育|打造|开发|新建|新增|组织|开展|举办)+", "",
               clause_text)
    s = re.sub(r"(达到|达|超过|不低于|不少于|至少|约|占)$", "", s)
    return s[:24]


# words of a concept -> parts of a readable key, longest first (a proposed key reads like the bundled ones)
_KEY_WORDS = (("高技能人才", "high_skilled_workers"), ("技能人才", "skilled_workers"), ("产教融合", "integration"),
              ("双师型", "dual_qualified"), ("实训基地", "training_bases"), ("在校生", "students"),
              ("毕业生", "graduates"), ("专业群", "major_groups"), ("教师", "teachers"), ("中职", "sec_voc"),
              ("高职", "higher_voc"), ("职业院校", "voc_schools"), ("职业学校", "voc_schools"), ("技工院校", "technician_schools"),
              ("技师学院", "technician_colleges"), ("本科", "undergrad"), ("国家级", "national"), ("省级", "provincial"),
              ("市级", "city_level"), ("示范", "demo"), ("高水平", "high_level"), ("特色", "distinctive"),
              ("重点", "key"), ("新建", "new"), ("新增", "new"), ("培训", "training"), ("企业", "enterprises"),
              ("专业", "majors"), ("学校", "schools"), ("院校", "schools"), ("基地", "bases"), ("团队", "teams"),
              ("集团", "groups"), ("课程", "courses"), ("教材", "textbooks"), ("证书", "certificates"),
              ("就业", "employment"), ("招生", "enrolment"), ("覆盖率", "coverage"), ("比例", "share"),
              ("经费", "funding"), ("投入", "funding"), ("农民工", "migrant_workers"), ("职工", "workers"),
              ("竞赛", "competitions"), ("大赛", "competitions"), ("工匠", "craftsmen"), ("平台", "platforms"))


_MODIFIERS = {"national", "provincial", "city_level", "demo", "high_level", "distinctive", "key", "new"}


def readable_key(subject: str, unit: str, taken) -> str | None:
    """A key built from the concept's words (新建6所高职学校 -> new_higher_voc_schools; 人次 adds
    _person_times), or None when no word is known; a number is appended when the key is taken."""
    s = canon(fold(subject))
    parts: list[str] = []
    i = 0
    while i < len(s):
        for zh, en in _KEY_WORDS:
            if s.startswith(zh, i):
                if en not in parts:
                    parts.append(en)
                i += len(zh)
                break
        else:
            i += 1
    if not set(parts) - _MODIFIERS:
        return None  # 特色, 重点, 省级 alone name no concept
    extra = {"percent": "share", "yuan": "funding", "person_times": "person_times", "person_days": "person_days"}.get(unit)
    if extra and extra not in parts:
        parts.append(extra)
    key = "_".join(parts)[:60]
    base, k = key, 2
    while key in taken:
        key, k = f"{base}_{k}", k + 1
    return key

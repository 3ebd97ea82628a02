"""The words of statistical bulletins, and how they meet the vocabulary: school types (the subjects:
中等职业教育, 高职(专科)院校 ...) and measures (招生, 在校生, 生师比 ...) as bulletins write them, composed into
names looked up exactly among the vocabulary's names and aliases (``VocabularyNames``); the folded text a
bulletin is read on (``fold_text``: NFKC, traditional -> simplified, inserted pinyin dropped, with the map
back to the text as printed); years (``years_in``: comparisons, ranges and deadlines date nothing) and the
bulletin's year in its title (``bulletin_year``). ``drafting.bulletin`` reads a text with them.
"""

from __future__ import annotations

import re

from .documents import PINYIN
from .guesses import canon, indicator_names
from ..plans.vocabulary import Vocabulary
from ..text import fold

__all__ = ["SUBJECTS", "MEASURES", "MEASURE_FORMS", "MEASURE_BY_FORM", "MEASURE_RE", "EN_MEASURES", "EN_LABELS",
           "BASES", "YEAR", "VocabularyNames", "fold_text", "plain", "strip_brackets", "bulletin_year", "last_form",
           "subjects_named", "joint_subjects", "subject_in", "measure_in", "leftover", "direct_keys", "definition_in",
           "years_in", "deadline_in", "short_name"]

# school types as bulletins write them (folded), grouped: every form of a group may begin a
# vocabulary name (中职在校生数, 中等职业教育在校生数). Groups without any vocabulary key still matter:
# they stop a measure from being read for the wrong school type (普通本科招生 is not 高职招生).
SUBJECTS: dict[str, tuple[str, ...]] = {
    "sec_voc": ("中等职业教育", "中等职业学校", "中职学校", "中职"),
    "higher_voc": ("高职(专科)学校", "高职(专科)院校", "高职(专科)", "高等职业院校", "高等职业学校", "高等职业教育",
                   "高职院校", "高职学校", "普通高职高专", "高职高专", "高职", "普通专科", "职业专科", "专科"),
    "general_hs": ("普通高中",),
    "senior_secondary": ("高中阶段教育", "高中阶段", "高中"),
    "technician": ("技工院校", "技工学校", "技工教育", "技工"),
    "technician_college": ("技师学院",),
    "voc_bachelor": ("本科层次职业学校", "职业本科"),
    "undergraduate": ("普通本科", "本科院校", "本科"),
    "higher_total": ("普通本专科", "职业本专科", "本专科", "普通高等学校", "普通高校", "高等学校", "高等教育"),
    "voc_all": ("职业院校", "职业学校"),
    "other_levels": ("学前教育", "幼儿园", "义务教育", "普通小学", "小学", "普通初中", "初中", "特殊教育",
                     "独立学院", "成人", "民办", "附设中职班", "研究生教育", "在学研究生", "研究生招生", "毕业研究生"),
}

# measures: (forms in a bulletin's text, forms in vocabulary names)
MEASURES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "enrollment": (("招生数", "招生人数", "招生规模", "招生", "新生"), ("招生数", "招生", "招生规模")),
    "students": (("在校生数", "在校生人数", "在校生规模", "在校学生", "在校生"), ("在校生数", "在校生规模", "在校学生数", "在校生")),
    "graduates": (("毕业生数", "毕业生"), ("毕业生数",)),
    "teachers": (("专任教师数", "专任教师", "专职教师"), ("专任教师数",)),
    "schools": (("学校数", "院校数", "共有学校", "有学校"), ("数量", "数", "学校数", "院校数")),
    "student_teacher_ratio": (("生师比",), ("生师比",)),
    "gross_enrollment_rate": (("毛入学率",), ("毛入学率",)),
    "dual_qualified_share": (("双师型教师比例", "双师型教师的比例", "双师型教师占比", "双师型教师占专业课教师比例",
                              "双师型教师在专业课教师中的比例"), ("双师型教师比例",)),
    "total_funding": (("教育经费总投入", "经费总投入"), ("教育经费总投入", "经费总投入")),
    "per_student_budget": (("生均一般公共预算教育经费", "按在校学生人数平均的一般公共预算教育经费",
                            "生均公共财政预算教育经费"), ("生均一般公共预算教育经费",)),
    "per_student_nonpersonnel": (("生均一般公共预算公用经费支出", "生均公共财政预算公用经费支出"),
                                 ("生均一般公共预算公用经费支出",)),
    "per_student_recurrent": (("生均一般公共预算教育事业费支出", "生均公共财政预算教育事业费支出"),
                              ("生均一般公共预算教育事业费支出",)),
    "per_student_total": (("生均教育经费支出", "生均教育经费"), ("生均教育经费支出",)),
    "equipment_per_student": (("生均仪器设备值", "生均教学科研仪器设备值"), ("生均教学科研仪器设备值",)),
    "expansion": (("三年扩招", "扩招"), ("扩招累计人数",)),
    "qualification_rate": (("专任教师学历合格率", "学历合格率"), ("学历合格率",)),
    "employment_rate": (("毕业生就业率", "就业率"), ("毕业生就业率",)),
    "building_area": (("生均校舍建筑面积", "校舍建筑面积"), ("生均校舍建筑面积",)),
    "school_size": (("校均在校生规模", "校均规模"), ("校均规模", "校均在校生规模")),
    "general_to_voc_ratio": (("普职比",), ("普职比",)),  # 普通:职业, the reverse of 职普比: named, not read
}
EN_MEASURES = {"graduates": "graduates", "entrants": "enrollment", "enrolment": "students", "enrollment": "students"}
# the MOE's bilingual tables, where a mirror dropped the Chinese label
EN_LABELS = {"shortcyclecourses": "专科", "normalcourses": "本科", "regularseniorsecondaryschools": "普通高中",
              "secondaryvocationaleducation": "中等职业教育", "secondaryvocationalschools": "中等职业学校",
              "skilledworkersschools": "技工学校", "vocationalundergraduate": "职业本专科",
              "undergraduateinregularheis": "普通本专科"}
# the whole a share is taken of (占高中阶段教育招生的 40.71%): written forms -> forms in names
BASES = (("高中阶段", ("高中阶段", "高中阶段教育")), ("普通本专科", ("普通本专科",)), ("高等教育", ("高等教育",)),
          ("专业课教师", ("专业课教师",)))


YEAR = re.compile(r"(?<![0-9])(?P<y>(?:19|20)[0-9]{2})\s*年(?![0-9])")


_BULLETIN_WORDS = ("统计公报", "公报", "统计公告", "统计快报", "统计主要结果", "主要结果", "基本情况", "统计数据",
                   "教育统计", "教育事业", "教育经费", "学生情况", "发展情况", "毛入学率", "质量报告", "年度报告")

_QUOTES = "“”\"'‘’「」『』"
# a school year's start (学年初, 学年度初): the statistical year is its autumn, as the national bulletins date theirs
_SCHOOL_YEAR = re.compile(r"((?:19|20)[0-9]{2})年?[-~～/—至]((?:19|20)[0-9]{2})年?学年(?:度)?初")

def fold_text(text: str) -> tuple[str, list[int]]:
    """The folded copy (pinyin annotations dropped, NFKC, traditional -> simplified, ∶ -> :) and,
    per folded character, the position of the source character it came from."""
    dropped = set()
    for m in PINYIN.finditer(text):
        dropped.update(range(m.start(), m.end()))
    out, pos = [], []
    for i, c in enumerate(text):
        if i in dropped:
            continue
        f = fold(c).replace("∶", ":").replace("—", "-")
        out.append(f)
        pos.extend([i] * len(f))
    pos.append(len(text))
    return "".join(out), pos


def plain(s: str) -> str:
    """Words as looked up: no whitespace, no quote marks (“双师型”教师 is 双师型教师), no footnote marks
    (毛入学率[14] is 毛入学率)."""
    return _FOOTNOTE.sub("", re.sub(r"\s+", "", s)).translate({ord(c): None for c in _QUOTES})


_FOOTNOTE = re.compile(r"(?<=[\u4e00-\u9fff])\[[0-9]{1,3}\]")


def strip_brackets(s: str) -> str:
    """A label without its parenthetical qualifiers, except the (专科) that belongs to 高职(专科)."""
    return re.sub(r"\((?!专科\))[^()]*\)", "", s)


def bulletin_year(title: str) -> int | None:
    """The year of a bulletin from its title: a school year's start (2021~2022学年初 is 2021), else the first
    2020年 followed by the words of a statistics release (统计公报, 统计主要结果, 教育经费 ...), not 2024年3期
    or a date."""
    f = plain(fold(title))
    school = _SCHOOL_YEAR.search(f)
    if school and int(school.group(2)) == int(school.group(1)) + 1:  # 2021~2022学年初: counted in autumn 2021
        return int(school.group(1))
    for m in YEAR.finditer(f):
        after = f[m.end():m.end() + 40]
        if re.match(r"[0-9]|月|以来|至|-", after) or re.search(r"[0-9]年?[-~至到]$", f[:m.start()]):
            continue
        if any(w in after for w in _BULLETIN_WORDS):
            return int(m.group("y"))
    return None


# --- the vocabulary's names ---------------------------------------------------------------------------

class VocabularyNames:
    """Exact lookups of composed names among the vocabulary's names and aliases (folded, no quotes)."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        self.index: dict[str, str] = {}
        for name, key in indicator_names(vocab):
            self.index.setdefault(plain(name), key)

    def get(self, name: str) -> str | None:
        """The key of ``name`` as a bulletin writes it: the index holds the names with one spelling per
        school type (``guesses.canon``: 中等职业学校 as 中职学校), so the name is looked up the same way."""
        return self.index.get(canon(plain(name)))

    def keys(self, subject: str | None, measure: str | None, base: str | None = None) -> list[str]:
        """The keys whose name is one form of the subject followed by one form of the measure (and, for
        a share, 占 + the base + the measure + 比例), in the order of the forms."""
        if subject is None or measure is None:
            return []
        names = MEASURES[measure][1]
        found: list[str] = []
        for s in SUBJECTS[subject]:
            for m in names:
                if base is None:
                    candidates = [s + m]
                else:
                    b_forms = dict(BASES)[base]
                    candidates = [s + m1 + "占" + b + m2 + "比例" for b in b_forms for m1 in (m, _bare(m))
                                  for m2 in (m, _bare(m), "")]
                for c in candidates:
                    k = self.get(c)
                    if k is not None and k not in found:
                        found.append(k)
        return found


def _bare(measure_form: str) -> str:
    return measure_form[:-1] if measure_form.endswith("数") else measure_form


def last_form(text: str, groups: dict[str, tuple[str, ...]]) -> tuple[str | None, str]:
    """(group, form) of the form that ends last in ``text``; of forms ending at the same place the longest
    (职业本专科 over 专科, 高中阶段 over 高中); (None, "") when none occurs."""
    best, form, end = None, "", -1
    for group, forms in groups.items():
        for f in forms:
            j = text.rfind(f)
            if j >= 0 and (j + len(f) > end or (j + len(f) == end and len(f) > len(form))):
                best, form, end = group, f, j + len(f)
    return best, form


MEASURE_FORMS = {group: forms for group, (forms, _) in MEASURES.items()}


def subjects_named(text: str) -> list[tuple[str, str, int]]:
    """Every school type ``text`` names, as (group, form, position) in the order written; the longest form is
    read first, so 中等职业学校 is not also a 职业学校 and 高职(专科)院校 not also a 专科."""
    found, rest = [], text
    for group, form in sorted(((g, f) for g, forms in SUBJECTS.items() for f in forms), key=lambda x: -len(x[1])):
        for m in re.finditer(re.escape(form), rest):
            found.append((group, form, m.start()))
        rest = rest.replace(form, "|" * len(form))
    return sorted(found, key=lambda x: x[2])


def joint_subjects(text: str) -> list[tuple[str, str, int]]:
    """中等职业学校和高等职业学校…: the school types ``text`` names side by side (和, 与, 及, 、, 以及) last, as
    (group, form, position); one number after them is for them together (for each only with 均 or 都), so it
    is no indicator of one of them. [] when the text names one. Both drafters ask it."""
    named = subjects_named(text)
    chain = named[-1:]
    for prev in reversed(named[:-1]):
        between = text[prev[2] + len(prev[1]):chain[0][2]]
        if not re.fullmatch(r"[和与及、]|以及", between):
            break
        chain.insert(0, prev)
    return chain if len({g for g, _, _ in chain}) > 1 else []


def subject_in(text: str) -> str | None:
    return last_form(text, SUBJECTS)[0]


def measure_in(text: str) -> str | None:
    return last_form(text, MEASURE_FORMS)[0]


# words around a school type and a measure that name nothing else: what is left of a label without them is a
# quantity the bulletin names in its own words (就业学生数, 专业教师, 巩固率), which no inherited measure may stand for
_FILLER = re.compile(r"(?:19|20)[0-9]{2}年(?:底|末)?|[0-9.]+|(?:增加|提高|增长|下降|减少|上升|降低|扩大)到|"
                     r"全国|全省|全市|全区|全县|全州|我国|我省|我市|本省|本市|其中|此外|"
                     r"另有|目前|现有|截至|截止|共有|共计|合计|总计|总数|人数|总量|数量|规模|学校|院校|达到了|达到|已达|"
                     r"比上年的|上年的|比上年|去年|当年|分别|方面|时候|师资|超过|突破|不足|不到|也|了|已|的|时|年|该|为|是|有|共|计|约|近|"
                     r"逾|达|在|和|及|与|"
                     r"[,、:;()…—\-\s“”\"'.]")


def leftover(text: str, region_names: tuple[str, ...]) -> str:
    """The words of ``text`` after its last school type or measure, without filler words and the region's
    own name; the whole text without them when it names neither."""
    ends = [j + len(f) for groups in (SUBJECTS, MEASURE_FORMS) for forms in groups.values() for f in forms
            for j in [text.rfind(f)] if j >= 0]
    rest = text[max(ends):] if ends else text
    for name in region_names:
        rest = rest.replace(name, "")
    rest = _FILLER.sub("", rest)
    return rest if len(rest) >= 2 else ""  # one character (从, 共) names nothing


def direct_keys(names: "VocabularyNames", words: str) -> list[str]:
    """The keys whose name is the label's own words (技能人才 -> 技能人才总量), when the label names no school type."""
    keys = [names.get(words + suffix) for suffix in ("", "总量", "数", "总数", "数量", "规模")]
    return list(dict.fromkeys(k for k in keys if k is not None))


def definition_in(text: str) -> str | None:
    if re.search(r"不(?:含|包括)[^()]{0,20}技工学校", text):
        return "excl_technician"
    if re.search(r"(?:含|包括)技工学校", text):
        return "incl_technician"
    return None



def years_in(s: str) -> list[tuple[int, int, int, bool]]:
    """(start, end, year, is_comparison) of the year phrases of ``s`` outside 《》 and brackets; a
    comparison (比2015年, 较2010年), a range (2010-2020年), 以来 or a deadline (到2025年) dates nothing."""
    hidden = [False] * (len(s) + 1)
    for m in re.finditer(r"《[^》]*》|\([^()]*\)", s):
        for k in range(m.start(), m.end()):
            hidden[k] = True
    out = []
    for m in YEAR.finditer(s):
        if hidden[m.start()]:
            continue
        before, after = s[max(0, m.start() - 2):m.start()], s[m.end():m.end() + 8]
        comparison = bool(re.search(r"(比|较|同|相比)\s*$", before) or re.match(r"以来|至|到|-", after)
                          or re.search(r"[0-9]\s*[-~至到]\s*$", before)
                          or (re.search(r"(与|和|同)\s*$", before) and re.match(r"[^,;。]{0,6}(相比|比较|持平|相当)", after))
                          or deadline_in(s, m) is not None)
        out.append((m.start(), m.end(), int(m.group("y")), comparison))
    return out


def deadline_in(s: str, m: re.Match) -> str | None:
    """到2025年 (a plan's deadline, whose numbers are targets): the words, or None. Not 截至2020年, not a
    past path (增加到2021年129万), not a point in a narrative (到2017年时)."""
    d = re.search(r"(?<!截)(?<!增加)(?<!提高)(?<!增长)(?<!下降)(?<!减少)(?<!上升)(?<!扩大)(?<!降低)"
                  r"(?:力争到|争取到|计划到|到|至)\s*$", s[max(0, m.start() - 4):m.start()])
    if d is None or s[m.end():m.end() + 1] == "时":
        return None
    return d.group(0).strip() + m.group(0)



def short_name(name: str) -> str:
    return re.sub(r"(壮族|回族|维吾尔)?(自治区|特别行政区|省|市|区|县)$", "", name)



MEASURE_BY_FORM = {f: group for group, (forms, _) in MEASURES.items() for f in forms}
MEASURE_RE = re.compile("|".join(sorted(MEASURE_BY_FORM, key=len, reverse=True)))

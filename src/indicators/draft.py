"""Draft a plan file from a plan's text: every number with its unit, sentence, clause and year.

``draft_plan`` reads a UTF-8 text and writes a plan YAML that loads with ``--include-drafts``.
Every entry is ``confirmed: false``: a draft is a proposal for the planner to check against the
source, never a transcription to trust. The planner confirms an entry by setting
``confirmed: true`` (or deleting the line) after checking indicator, year and comparator.

What it drafts for each number:
- ``written`` and ``quote`` are cut from the source text as it stands (verbatim, traditional
  characters and full-width forms included); matching runs on a folded copy (NFKC, 萬 -> 万).
- ``year``: a year phrase in the number's clause (2017年达, 到2025年, 2025年底前), else a deadline
  (到/至 YYYY年) stated earlier in the text, else the plan period's end (十四五 -> 2025,
  (2022-2024年) -> 2024) with a ``year_note``; X年至Y年 ... 每年 N gives one entry per year, and
  每年 / 年完成 without a range gives a ``rule``.
- ``indicator``: the vocabulary key whose name or alias occurs nearest before the number and fits
  its unit, with up to two alternatives in a comment; when none fits, a proposed key in a local
  ``indicators.yaml`` beside the plan.
Numbers in sentences about the past (已, 截至) and bare counts without a unit are listed in a
comment at the end of the file, not drafted.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import IndicatorsError
from .parse import ParseError, comparator_from_words, fold_variants, parse_quantity
from .units import UnitError, conversion_factor, lookup_unit
from .vocabulary import Vocabulary

__all__ = ["draft_plan", "draft_text", "check_draft", "DraftEntry", "Draft"]

# folded text: numbers, magnitudes and unit words
_UNITS = sorted(["%", "人次", "人日", "万人", "人", "名", "个", "所", "家", "项", "门", "座", "处", "条", "支", "件",
                 "批", "种", "本", "间", "套", "台", "户", "场", "期", "篇", "栋", "元", "美元", "亩", "倍", "平方米",
                 "m2", "学时", "课时", "节"], key=len, reverse=True)
_NUMBER = re.compile(
    r"(?<![0-9.])(?P<num>[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)"
    r"(?:(?P<range>[-~—–至到])(?P<hi>[0-9]+(?:\.[0-9]+)?))?"
    r"(?P<mag>十万|百万|千万|万|亿|千|百)?"
    r"(?P<unit>" + "|".join(re.escape(u) for u in _UNITS) + r")"
)
_RATIO = re.compile(r"(?<![0-9.])[0-9]+(?:\.[0-9]+)?:[0-9]+(?:\.[0-9]+)?(?![0-9])")
_WORD_SHARE = re.compile(r"(超过|过)?一半(以上)?|过半|大体相当|基本相当|[一二三四五六七八九十]分之[一二三四五六七八九]|翻[一两]番")
_BEFORE = ("不低于", "不少于", "不超过", "不高于", "不多于", "至少", "超过", "达到", "达", "约", "近", "逾", "突破")
_AFTER = ("以上", "以下", "以内", "左右", "上下")
_CLAUSE_END = "。；;！？!?\n,，、"
_SENTENCE_END = "。；;！？!?\n"
_PAST = ("已经", "已", "截至", "截止", "现有", "目前", "此前", "去年", "提高到")
_ANNUAL = ("每年", "年完成", "每年度")
_FIVE_YEAR = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}
_DEADLINE = re.compile(r"(?<!截)(?:到|至|力争到|争取到|计划到)(?P<y>(?:19|20)[0-9]{2})年(?:底|末)?|(?P<y2>(?:19|20)[0-9]{2})年(?:年)?底前")
_BARE_YEAR = re.compile(r"(?<![0-9])(?P<y>(?:19|20)[0-9]{2})年(?![0-9月])")
_YEAR_RANGE = re.compile(r"(?<![0-9])(?P<a>(?:19|20)[0-9]{2})年?(?:[-~—–至到])(?P<b>(?:19|20)[0-9]{2})年")
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
    year_note: str | None
    kind: str
    indicator: str
    alternatives: list[str] = field(default_factory=list)
    comparator: str | None = None
    new_key: dict | None = None


@dataclass
class Draft:
    plan: dict
    entries: list[DraftEntry]
    skipped: list[tuple[str, str]]  # (text, reason)
    new_keys: dict[str, dict]


def _fold(text: str) -> tuple[str, list[int]]:
    """Folded copy of the text (NFKC, traditional -> simplified) and, per folded character, the
    position of the source character it came from, so matches map back to verbatim slices."""
    out, pos = [], []
    for i, c in enumerate(text):
        f = fold_variants(unicodedata.normalize("NFKC", c)).replace("∶", ":")
        out.append(f)
        pos.extend([i] * len(f))
    pos.append(len(text))
    return "".join(out), pos


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


def _plan_period(folded: str) -> tuple[int | None, int | None, str | None]:
    """The plan period stated in the title or text: (first, last, how it was found)."""
    head = folded[:600]
    m = _YEAR_RANGE.search(head)
    if m and 0 <= int(m.group("b")) - int(m.group("a")) <= 10:
        return int(m.group("a")), int(m.group("b")), f"plan period {m.group('a')}-{m.group('b')} stated in the text"
    for name, end in _FIVE_YEAR.items():
        if name in head and not re.search("十[一二三四五]五", head.replace(name, "")):
            return end - 4, end, f"“{name}” plan period ({end - 4}-{end})"
    m = re.search(r"(?P<y>20[0-9]{2})年[^。；\n]{0,40}?(?:方案|规划|计划)", head) or \
        re.search(r"\b(?P<y>20[0-9]{2})\b[^\n]{0,80}?\bplan\b", head, flags=re.I)
    if m:
        y = int(m.group("y"))
        return y, y, f"plan year {y} in the title"
    return None, None, None


def _year_for(folded: str, a: int, i: int, sent_a: int, clause_a: int, clause_b: int, period, deadlines):
    """(year, year_note) for a number at i whose clause starts at clause_a: a year in the clause, a
    deadline in the sentence, the pairing of 2017年达X,2020年达Y, a five-year plan named in the
    sentence, a later deadline in the paragraph, the plan period's end, any deadline before."""
    para_a = folded.rfind("\n", 0, i) + 1
    before = folded[clause_a:i]
    ys = [m for m in _BARE_YEAR.finditer(before)]
    if ys:
        return int(ys[-1].group("y")), None
    sentence_before = folded[sent_a:i]
    dl = [m for m in _DEADLINE.finditer(sentence_before)]
    if dl:
        return int(dl[-1].group("y") or dl[-1].group("y2")), None
    # 参与率达85%,2020年达100%: an undated value followed by a later year's is the earlier year's
    after = folded[clause_b:clause_b + 8]
    nm = re.match(r"[,，]?(?P<y>(?:19|20)[0-9]{2})年", after)
    if nm:
        years = sorted({int(m.group("y")) for m in _BARE_YEAR.finditer(folded[para_a:clause_b + 8])})
        earlier = [y for y in years if y < int(nm.group("y"))]
        if earlier:
            return earlier[-1], f"no year in the clause; the next clause gives {nm.group('y')}, so read as {earlier[-1]}"
    for name, end in _FIVE_YEAR.items():
        if name in folded[sent_a:i]:
            return end, f"“{name}”期间 -> {end}"
    # a deadline earlier in the paragraph that reaches beyond the plan period (至2020年 in a 2015-2019 plan)
    near = [(pos, y) for pos, y in deadlines if para_a <= pos < a and (not period[1] or y >= period[1])]
    if near:
        return near[-1][1], f"no year in the sentence; the paragraph's deadline is {near[-1][1]}"
    if period[1]:
        return period[1], f"no year stated; {period[2]}; dated at the period's end ({period[1]})"
    prior = [(pos, y) for pos, y in deadlines if pos < a]
    if prior:
        return prior[-1][1], f"no year in the sentence; the last deadline stated before is {prior[-1][1]}"
    return None, "no year stated in the text"


def _matcher(vocab: Vocabulary) -> list[tuple[str, str]]:
    names = []
    for ind in vocab:
        for n in (ind.zh, *ind.aliases):
            f = fold_variants(unicodedata.normalize("NFKC", re.sub(r"[（(][^（）()]*[）)]$", "", str(n))))
            f = re.sub(r"\s+", "", f)
            if len(f) >= 2:
                names.append((f, ind.key))
    names.sort(key=lambda x: -len(x[0]))
    return names


def _fits(unit_written: str, canonical: str, is_share: bool) -> bool:
    if is_share:
        return canonical == "percent"
    if not unit_written:
        return canonical in ("count", "persons")
    try:
        conversion_factor(unit_written, canonical)
        return True
    except UnitError:
        return False


def _bigrams(s: str) -> set[str]:
    return {s[k:k + 2] for k in range(len(s) - 1)}


def _choose(context: str, at: int, names, vocab: Vocabulary, unit_written: str, is_share: bool, is_ratio: bool,
            own: tuple[int, int] = (0, 10**9)):
    """Keys ranked by how much of their name occurs in the context and how close to the number
    (at ``at`` in the context): a whole name scores by its length, else the share of its character
    pairs found (at least 60% and two pairs: 高水平中等职业学校 finds 高水平中职学校)."""
    scores: dict[str, float] = {}
    ctx_bigrams = _bigrams(context)
    for name, key in names:
        ind = vocab[key]
        if is_ratio and ind.unit not in ("percent", "students_per_teacher", "ratio"):
            continue
        if not is_ratio and not _fits(unit_written, ind.unit, is_share):
            continue
        j = context.rfind(name, 0, at) if name in context[:at] else context.find(name, at)
        if j >= 0:
            distance = at - (j + len(name)) if j < at else j - at
            score = len(name) * 10 - distance + (50 if own[0] <= j < own[1] else 0)
        else:
            nb = _bigrams(name)
            hit = nb & ctx_bigrams
            if len(nb) < 2 or len(hit) < 2 or len(hit) / len(nb) < 0.6:
                continue
            pos = [context.find(h) for h in hit]
            distance = min(abs(p - at) for p in pos)
            score = len(name) * 6 * len(hit) / len(nb) - distance + (30 if any(own[0] <= p < own[1] for p in pos) else 0)
        scores[key] = max(scores.get(key, -1e9), score)
    ranked = sorted(scores, key=lambda k: -scores[k])
    return ranked[:3]


def _subject(clause_text: str) -> str:
    """The words before a number, as a name for a proposed key: 建成5个... -> the clause, trimmed."""
    s = re.sub(r"^(其中|同时|与此同时|并|和|及|以及|重点|进一步|全省|全市|全国|全年|推动|培育认定|建成|创建|建设|完成)+", "",
               clause_text)
    s = re.sub(r"(达到|达|超过|不低于|不少于|至少|约|占)$", "", s)
    return s[:24]


def draft_text(text: str, vocab: Vocabulary, plan_id: str, region: str) -> Draft:
    folded, pos = _fold(text)
    period = _plan_period(folded)
    deadlines = [(m.start(), int(m.group("y") or m.group("y2"))) for m in _DEADLINE.finditer(folded)]
    names = _matcher(vocab)
    paragraphs = [m.start() for m in re.finditer(r"(?:^|\n)\s*\S", folded)]

    hits: list[tuple[int, int, bool, bool]] = []  # (start, end, is_ratio, is_word_share) in folded text
    taken = [False] * (len(folded) + 1)
    for rx, is_ratio, is_word in ((_RATIO, True, False), (_NUMBER, False, False), (_WORD_SHARE, False, True)):
        for m in rx.finditer(folded):
            if any(taken[m.start():m.end()]):
                continue
            hits.append((m.start(), m.end(), is_ratio, is_word))
            for k in range(m.start(), m.end()):
                taken[k] = True
    hits.sort()

    entries: list[DraftEntry] = []
    skipped: list[tuple[str, str]] = []
    new_keys: dict[str, dict] = {}
    for s, e, is_ratio, is_word in hits:
        m_unit = _NUMBER.match(folded, s) if not (is_ratio or is_word) else None
        # extend over comparator words right before and after the number
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
        written = text[pos[ws]:pos[we]]
        quote = text[pos[ca]:pos[cb]].strip()
        sentence = folded[sa:sb]
        if is_ratio and "比" not in folded[max(0, s - 10):s]:
            skipped.append((written, "a:b without 比 before it (a time of day?)"))
            continue
        if m_unit and m_unit.group("unit") == "项" and re.match(r"(举措|措施|任务|重点|工程|行动|制度|改革)", folded[e:e + 2]):
            skipped.append((written, "a count of the plan's own measures (N项举措)"))
            continue
        if any(w in sentence for w in _PAST) and not _DEADLINE.search(folded[sa:s]):
            skipped.append((written, "a sentence about the past (已, 截至, 现有)"))
            continue
        try:
            q = parse_quantity(folded[ws:we])
        except ParseError as exc:
            skipped.append((written, f"not read: {exc}"))
            continue
        unit_written = "" if is_ratio else q.unit
        is_share = unit_written == "%"
        c0 = max(sa, ca - 40)
        # 师生比 1:20 and 生师比 20:1 name the same indicator
        # the number's own clause first (20所左右高水平高等职业学校: the name follows the number)
        ranked = _choose(folded[ca:cb].replace("师生比", "生师比"), s - ca, names, vocab, unit_written, is_share,
                         is_ratio)
        if not ranked:
            ranked = _choose(folded[c0:cb].replace("师生比", "生师比"), s - c0, names, vocab, unit_written, is_share,
                             is_ratio, (ca - c0, cb - c0))
        if not ranked:
            # widen to the whole sentence (the subject may be named once for several numbers)
            ranked = _choose(sentence, s - sa, names, vocab, unit_written, is_share, is_ratio)
        new_key = None
        if ranked:
            key, alts = ranked[0], ranked[1:]
        else:
            try:
                dim = "share" if is_share else ("ratio" if is_ratio else lookup_unit(unit_written or "count").dimension)
            except UnitError:
                dim = "number"
            unit = _UNIT_FOR_NEW.get(dim, "count")
            if unit == "count" and unit_written in ("人", "名"):
                unit = "persons"
            key = f"new_{plan_id}_{len(new_keys) + 1}"
            subj = _subject(fold_variants(text[pos[ca]:pos[s]]).strip())
            if len(subj) < 4:  # 创建2-3所国家...示范学校: the name follows the number
                subj = fold_variants(text[pos[we]:pos[cb]]).strip()[:24] or subj or written
            new_key = {"zh": subj, "en": f"TODO: English name of {subj}", "unit": unit,
                       "direction": "lower_is_better" if q.comparator == "<=" else "higher_is_better"}
            new_keys[key] = new_key
            alts = []
        # year and kind
        # 每年 / 年完成 in the number's clause or an earlier part joined by 、 (年完成培训120万人次、90万人取得证书);
        # 全年完成 is the plan year's total, not a rule
        scope = folded[max(folded.rfind(c, 0, s) for c in ",，;；。\n") + 1:s].replace("全年", "")
        annual = any(w in scope for w in _ANNUAL) or (scope.startswith("年") and not scope.startswith("年均"))
        rng = _YEAR_RANGE.search(folded[sa:s])
        para_no = sum(1 for p in paragraphs if p <= s)
        clause = _clause_label(folded, s, para_no)
        comparator = None
        if q.comparator == "==":
            cw = comparator_from_words(folded[ca:s])
            if cw != "==" and not is_word:
                comparator = cw
        base = dict(start=pos[s], written=written, quote=quote, clause=clause, indicator=key, alternatives=alts,
                    comparator=comparator, new_key=new_key)
        if annual and rng and "每年" in scope:
            a_, b_ = int(rng.group("a")), int(rng.group("b"))
            for y in range(a_, b_ + 1):
                entries.append(DraftEntry(year=y, year_note=f"每年, {a_}-{b_}: one target per year",
                                          kind="target", **base))
            continue
        if annual:
            entries.append(DraftEntry(year=None, year_note="every year (每年 / 年完成); no range stated",
                                      kind="rule", **base))
            continue
        year, note = _year_for(folded, s, s, sa, ca, cb, period, deadlines)
        entries.append(DraftEntry(year=year, year_note=note, kind="target", **base))

    doc_no = re.search(r"[\u4e00-\u9fff]{1,8}〔[0-9]{4}〕[0-9]+号", text)
    first_line = next((ln.strip() for ln in text.splitlines() if ln.strip()), plan_id)
    plan = {"id": plan_id, "title_zh": first_line[:80], "region": region,
            "document_number": doc_no.group(0) if doc_no else None, "issued": None,
            "period": [period[0], period[1]] if period[1] else None, "domain": "vocational"}
    return Draft(plan=plan, entries=entries, skipped=skipped, new_keys=new_keys)


def _q(v) -> str:
    """A YAML scalar: strings double-quoted (JSON is valid YAML), so 1:20 can never turn into 80."""
    if v is None:
        return "null"
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return json.dumps(str(v), ensure_ascii=False)


def render_draft(d: Draft, source_rel: str) -> str:
    p = d.plan
    lines = [
        f"# Draft of {source_rel}, written by `indicators draft`. Every entry is confirmed: false:",
        "# check indicator, year, comparator and clause against the source, then set confirmed: true.",
        "# `indicators draft --check` lists what is left; `--include-drafts` loads the draft as it is.",
        "plan:",
        f"  id: {_q(p['id'])}",
        f"  title_zh: {_q(p['title_zh'])}",
        f"  region: {_q(p['region'])}",
        f"  document_number: {_q(p['document_number'])}",
        f"  issued: {_q(p['issued'])}",
        f"  source: {_q(source_rel)}",
        f"  period: {'null' if p['period'] is None else '[' + ', '.join(_q(x) for x in p['period']) + ']'}",
        f"  domain: {_q(p['domain'])}",
        "targets:",
    ]
    for e in d.entries:
        if e.alternatives:
            lines.append(f"  # alternatives: {', '.join(e.alternatives)}")
        if e.new_key:
            lines.append(f"  # {e.indicator} is a proposed new key (see indicators.yaml beside this file)")
        lines += [
            f"  - indicator: {e.indicator}",
            f"    year: {_q(e.year)}",
        ]
        if e.year_note:
            lines.append(f"    year_note: {_q(e.year_note)}")
        lines += [f"    written: {_q(e.written)}", f"    kind: {e.kind}"]
        if e.comparator:
            lines.append(f"    comparator: {_q(e.comparator)}")
        lines += [f"    clause: {_q(e.clause)}", f"    quote: {_q(e.quote)}", "    confirmed: false"]
    if not d.entries:
        lines[-1] = "targets: []  # no number with a unit found"
    if d.skipped:
        lines.append("# Numbers not drafted (add them by hand if they are targets):")
        lines += [f"#   {w!s}: {why}" for w, why in d.skipped]
    return "\n".join(lines) + "\n"


def _merge_local_vocabulary(path: Path, new_keys: dict[str, dict]) -> None:
    """Add proposed keys to the local indicators.yaml, keeping what a planner already wrote there."""
    if not new_keys:
        return
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    known = set((yaml.safe_load(existing) or {}).keys()) if existing else set()
    chunks = [existing.rstrip("\n") + "\n" if existing else
              "# Local vocabulary: keys proposed by `indicators draft`. Rename them, give each an English\n"
              "# name, and check the unit and the direction (guessed from the comparator).\n"]
    for key, entry in new_keys.items():
        if key in known:
            continue
        chunks.append(f"{key}:\n" + "".join(f"  {k}: {_q(v)}\n" for k, v in entry.items()))
    path.write_text("\n".join(chunks), encoding="utf-8")


def _add_local_region(path: Path, region: str) -> None:
    """A place the bundled regions.yaml lacks gets a local entry to complete (English name, parent)."""
    from .regions import BUNDLED, load_regions

    known = load_regions(BUNDLED)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if region in known or (existing and region in (yaml.safe_load(existing) or {})):
        return
    level = {"省": "province", "市": "city", "区": "district", "县": "district"}.get(region[-1:], "city")
    head = "" if existing else "# Local regions added by `indicators draft`: give the English name and the parent.\n"
    path.write_text(existing + head + f"{region}:\n  en: {_q('TODO: English name of ' + region)}\n"
                    f"  level: {level}\n  parent: null\n", encoding="utf-8")


def draft_plan(source: Path | str, region: str, out: Path | str | None = None, plan_id: str | None = None,
               vocab: Vocabulary | None = None) -> tuple[Path, Draft]:
    """Draft ``out`` (default: beside the source, same stem) from ``source``; returns the path and draft."""
    from .vocabulary import BUNDLED, load_vocabulary

    source = Path(source)
    out = Path(out) if out else source.with_suffix(".yaml")
    if out.resolve() == source.resolve():
        raise IndicatorsError(f"{out}: the draft would overwrite its source; choose another -o")
    plan_id = plan_id or re.sub(r"[^0-9a-zA-Z_]+", "_", out.stem).strip("_").lower() or "draft"
    vocab = vocab or load_vocabulary(BUNDLED)
    local = out.parent / "indicators.yaml"
    if local.exists():
        vocab = vocab.merged(load_vocabulary(local))
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IndicatorsError(f"{source}: cannot read the source as UTF-8 text ({exc})") from None
    d = draft_text(text, vocab, plan_id, region)
    rel = os.path.relpath(source.resolve(), out.parent.resolve())
    out.parent.mkdir(parents=True, exist_ok=True)
    _merge_local_vocabulary(local, d.new_keys)
    _add_local_region(out.parent / "regions.yaml", region)
    out.write_text(render_draft(d, rel), encoding="utf-8")
    return out, d


def check_draft(path: Path | str) -> list[dict]:
    """Entries of a plan file still marked ``confirmed: false``: position, line, indicator, written."""
    from .plan_file import LineLoader

    path = Path(path)
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)  # noqa: S506 - SafeLoader subclass
    out = []
    for i, t in enumerate((doc or {}).get("targets") or [], start=1):
        if isinstance(t, dict) and t.get("confirmed") is False:
            out.append({"file": str(path), "row": f"targets[{i}] (line {t.get('__line__')})",
                        "indicator": t.get("indicator"), "year": t.get("year"), "written": t.get("written"),
                        "quote": t.get("quote")})
    return out

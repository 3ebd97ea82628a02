"""A Chinese report is Chinese: every word the product writes is in the word tables' Chinese; Latin
letters appear only in names that came from an input (an English region name, 1+X in an indicator
name, a quote), each marked ``lang="en"``, and in codes (``<code>``: the tool's name, a command).

The rule mirrors tests/test_english.py: in the visible text of a Chinese report, every Latin letter
sits inside an element with ``lang="en"`` or inside ``<code>``, and the text of every ``lang="en"``
element occurs verbatim in an input (a region's English name, a plan's title, a clause, a quote, a
breakdown, a written value, a note, an indicator's Chinese name, an actuals source). Product words in
English ("standing rule", "proxy:drift") are in none of those places, so marking them would fail the
test as surely as leaving them unmarked. The whole page is checked, sources included.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from page_text import page_text

LATIN = re.compile(r"[A-Za-z]")
CJK_WORD = re.compile(r"[\u4e00-\u9fff]")
# 茌平区 has the most targets and a breakdown per major; 聊城市 and 沧州市 the most notes and rules
REGIONS = ["茌平区", "聊城市", "沧州市"]
_SITE: dict = {}


def zh_page_text(page: str) -> tuple[str, list[str]]:
    """The whole page's text, codes left out: (unmarked, runs marked lang="en")."""
    return page_text(page, "en", skip=("style", "script", "title", "code"))


def input_texts(catalog, actuals_frame) -> list[str]:
    """Every text that came from an input and may therefore hold Latin letters in a Chinese report."""
    t = catalog.targets
    out = [str(r) for r in catalog.regions] + [str(catalog.regions.en(r) or "") for r in catalog.regions]
    for p in catalog.plans.values():
        out += [p.title_zh or "", p.document_number or "", str(p.issued or "")]
    for col in ("clause", "quote", "written", "breakdown", "year_note", "note", "region", "indicator_zh"):
        out += [str(v) for v in t[col].dropna()]
    out += [i.zh for i in catalog.vocabulary.indicators.values()]
    out += [str(v) for v in actuals_frame["source_title"].dropna().unique()]
    out += [str(v) for v in actuals_frame["source_url"].dropna().unique()]
    return out


def unexplained(plain: str, marked: list[str], inputs: list[str]) -> tuple[list[str], list[str]]:
    """(Latin letters outside any marked element, marked runs found in no input)."""
    joined = "\n".join(inputs)
    return LATIN.findall(plain), [m for m in marked if m not in joined]


def test_the_rule_can_fail(catalog):
    """Unmarked English, and a product word dressed up as a name, are both caught; a code is not."""
    from indicators.actuals.load import load_actuals

    inputs = input_texts(catalog, load_actuals(catalog=catalog).frame)
    plain, marked = zh_page_text('<h2>概况</h2><p>standing rule</p><span lang="en">proxy:drift</span>'
                              '<span lang="en">Chiping District</span><code>indicators template</code>')
    stray, invented = unexplained(plain, marked, inputs)
    assert "".join(stray) == "standingrule" and invented == ["proxy:drift"]


def test_notes_and_sources_of_a_chinese_report_hold_no_english(catalog):
    """The undated targets' notes, the sources and the plan names, without running a notebook."""
    from indicators.actuals.load import load_actuals
    from indicators.reports.region import RegionReport
    from indicators.verdicts.assess import assess

    act = load_actuals(catalog=catalog)
    inputs = input_texts(catalog, act.frame)
    for region in ("茌平区", "聊城市"):
        rep = RegionReport(region, catalog, act, assess(catalog, act, region=region), None, "zh", "vocational")
        html = rep.header_html() + rep.undated_html() + rep.sources_html() + rep.data_needed_html()
        stray, invented = unexplained(*zh_page_text(html), inputs)
        assert stray == [] and invented == [], (region, "".join(stray)[:200], invented[:5])


def test_a_plan_line_states_its_number_and_date_only_when_known(catalog):
    """茌平区's plan prints its 文号 and date; 沧州市's states neither and gets no empty brackets."""
    from indicators.actuals.load import load_actuals
    from indicators.reports.region import RegionReport
    from indicators.verdicts.assess import assess

    act = load_actuals(catalog=catalog)
    lines = {}
    for region in ("茌平区", "沧州市"):
        rep = RegionReport(region, catalog, act, assess(catalog, act, region=region), None, "zh", "vocational")
        lines[region] = re.sub(r"<[^>]+>", "", re.search(r"<ul class='plans'>(.*?)</ul>", rep.header_html()).group(1))
    assert lines["茌平区"].endswith("聊茌政发〔2020〕19号 (2020-07-02)")
    assert "(" not in lines["沧州市"] and lines["沧州市"] == catalog.plans["cangzhou_2019"].title_zh


def test_every_forecast_model_has_words_in_both_languages():
    """A sentence names the model that moved a probability: every model of the ladder's registry
    has a name in the word tables, and a proxy's model reads as its parent's, in Chinese words."""
    from indicators.forecast.models import MODELS
    from indicators.words.explain import MODEL_LABELS, model_label

    for lang in ("zh", "en"):
        assert set(MODELS) <= set(MODEL_LABELS[lang]), (lang, set(MODELS) - set(MODEL_LABELS[lang]))
    for name in MODELS:
        assert not LATIN.search(model_label(name, "zh")) and not LATIN.search(model_label(f"proxy:{name}", "zh"))
        assert model_label(f"proxy:{name}", "en") == model_label(name, "en") != name


def chinese_site(tmp_path_factory):
    if "result" not in _SITE:
        from indicators.run.runner import run

        out = tmp_path_factory.mktemp("site_zh") / "reports"
        result = run(regions=REGIONS, out=out, jobs=2, progress=False, lang="zh")
        assert result.ok, result.failed
        _SITE["result"] = result
    return _SITE["result"]


@pytest.mark.slow  # runs the reports through papermill
def test_chinese_reports_have_latin_only_in_names_and_codes(tmp_path_factory, catalog):
    from indicators.actuals.load import load_actuals

    site = chinese_site(tmp_path_factory)
    inputs = input_texts(catalog, load_actuals(catalog=catalog).frame)
    pages = [Path(r["html"]) for r in site.reports]
    assert len(pages) == len(REGIONS) + 1  # the regions and the overview
    for page in pages:
        plain, marked = zh_page_text(page.read_text(encoding="utf-8"))
        assert len(plain) > 300, page.name
        stray, invented = unexplained(plain, marked, inputs)
        assert stray == [], f"{page.name}: Latin outside names and codes: {''.join(stray)[:200]}"
        assert invented == [], f"{page.name}: marked as a name but found in no input: {invented[:10]}"


def test_the_command_line_speaks_the_chosen_language(tmp_path, capsys):
    """The command line's own messages (a region read from part of its name, the plan checks'
    summary, the template written) come from the word tables: Chinese by default, English on ask."""
    from indicators.cli.main import main

    assert main(["template", "--region", "茌平", "-o", str(tmp_path / "in.xlsx")]) == 0
    err = capsys.readouterr().err
    assert "地区 '茌平' 按 茌平区 理解" in err and "已写入" in err and "fill in" not in err
    assert main(["check-plans", "--region", "茌平区"]) == 0
    err = capsys.readouterr().err
    assert "条核对结果" in err and "冲突" in err and not re.search(r"[A-Za-z]", err)
    assert main(["check-plans", "--region", "茌平区", "--lang", "en"]) == 0
    assert "finding(s)" in capsys.readouterr().err


def test_every_check_has_words_in_both_languages():
    """A problem's check is named in the user's language: every stable code of ``errors.CHECKS``
    (English) has its Chinese words, and no Chinese entry names a code that does not exist."""
    from indicators.errors import CHECKS
    from indicators.words.explain import CHECKS_ZH

    assert sorted(set(CHECKS) - set(CHECKS_ZH)) == [] and sorted(set(CHECKS_ZH) - set(CHECKS)) == []
    assert all(CJK_WORD.search(w) for w in CHECKS_ZH.values())  # worded in Chinese (names such as YAML may stay)

"""The region report as a Word document a bureau edits and files (python-docx): title, the plans,
the headline, the mid-term review table, the verdict table with its sentences, the charts, the data
needed and the sources, in the report's language.

Made to open alike in Word, WPS and LibreOffice: A4 pages (the two wide tables on landscape pages),
every run's East Asian font declared (``w:eastAsia``: SimSun, 宋体, which Word and WPS have; on
Linux fontconfig gives LibreOffice a CJK serif for it, Noto Serif CJK SC with fonts-noto-cjk) with the text marked zh-CN, tables in the
built-in "Table Grid" style whose header row repeats on every page (``w:tblHeader``), charts as PNG
images. The same report gives the same bytes (fixed document times, ``writing.fixed_zip_times``).
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from ..safe_text import clean_text
from ..words.explain import REVIEW_WORDS, SECTIONS, STATUS_LABELS, WORDS, fmt_prob, fmt_target
from ..writing import fixed_zip_times
from .html import by_urgency
from .region import RegionReport

__all__ = ["region_document", "EAST_ASIAN_FONT", "LATIN_FONT"]

EAST_ASIAN_FONT = "SimSun"  # 宋体 in Word and WPS; fontconfig gives LibreOffice Noto Serif CJK SC for zh-CN
LATIN_FONT = "Times New Roman"
_BODY_PT, _TABLE_PT = 10.5, 8.5  # 五号 body, small table text


def _fonts(run, size: float | None = None, bold: bool | None = None) -> None:
    """Declare the fonts of one run: Latin, and East Asian (w:eastAsia) for Chinese text."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = LATIN_FONT
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def _text(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return ""
    return clean_text(str(v), keep="\n")  # an XML document cannot hold control characters


def _para(doc_or_cell, text: str, size: float = _BODY_PT, bold: bool = False, style: str | None = None):
    p = doc_or_cell.add_paragraph(style=style) if style else doc_or_cell.add_paragraph()
    _fonts(p.add_run(_text(text)), size, bold)
    return p


def _heading(doc, text: str, level: int):
    h = doc.add_heading(level=level)
    _fonts(h.add_run(_text(text)))
    return h


def _styles(doc, lang: str) -> None:
    """Normal and heading styles with both fonts and the document's languages (zh-CN for East
    Asian text), so text typed later by the bureau keeps them."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Number", "List Bullet"):
        style = doc.styles[name]
        style.font.name = LATIN_FONT
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)  # a theme font would override the declared ones
        lang_el = rpr.find(qn("w:lang"))
        if lang_el is None:
            lang_el = OxmlElement("w:lang")
            rpr.append(lang_el)
        lang_el.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")
        lang_el.set(qn("w:eastAsia"), "zh-CN")
    doc.styles["Normal"].font.size = Pt(_BODY_PT)
    # the template's defaults say East Asian text is Japanese (ja-JP): a reader would pick Japanese glyphs
    for el in doc.styles.element.iter(qn("w:lang")):
        el.set(qn("w:eastAsia"), "zh-CN")


def _page(section, landscape: bool) -> None:
    """A4 (210 x 297 mm), 20 mm margins, portrait or landscape."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    long, short = Mm(297), Mm(210)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))


def _new_section(doc, landscape: bool) -> None:
    from docx.enum.section import WD_SECTION

    _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape)


def _table(doc, head: list[str], rows: list[list[str]], widths_mm: list[float]) -> None:
    """A grid table whose header row repeats on every page and is never split across pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table = doc.add_table(rows=1, cols=len(head))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    hdr = table.rows[0]
    trpr = hdr._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        trpr.append(el)
    for cell, text in zip(hdr.cells, head):
        cell.paragraphs[0].text = ""
        _fonts(cell.paragraphs[0].add_run(_text(text)), _TABLE_PT, True)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            _fonts(cell.paragraphs[0].add_run(_text(text)), _TABLE_PT)
    for col, w in zip(table.columns, widths_mm):  # the grid (LibreOffice, WPS) and every cell (Word)
        col.width = Mm(w)
        for cell in col.cells:
            cell.width = Mm(w)
    doc.add_paragraph()  # a line of space before the text that follows


def _review(doc, rep: RegionReport) -> None:
    w = REVIEW_WORDS[rep.lang]
    head, lead = SECTIONS[rep.lang]["review"]
    _heading(doc, head, 1)
    _para(doc, lead.format(tol=w["tol_points"].format(n=f"{rep.review_tolerance * 100:g}")))
    table = rep.review()
    if table.empty:
        _para(doc, w["no_rows"])
        return
    waiting = table["cases"].str.contains(r"\bno_new_actual\b|\bno_actual\b", regex=True)
    missing = table["cases"] == "no_baseline"
    shown = table[~waiting & ~missing]
    if shown.empty:
        _para(doc, w["no_baseline_rows"] if missing.all() else w["without_new_actual"].format(
            items=rep._years_by_indicator(table[waiting & ~missing])))
    else:
        rows = []
        for r in shown.itertuples():
            c = rep.review_cells(r)
            rows.append([c["indicator"], c["baseline"], c["target"], c["latest"], c["completion"], c["time_elapsed"],
                         c["judgement"], (STATUS_LABELS[rep.lang][r.status] + " " + c["p"]).strip(), c["note"]])
        _table(doc, [w[k] for k in ("indicator", "baseline", "target", "latest", "completion", "time_elapsed",
                                    "judgement", "forecast", "note")],
               rows, [34, 27, 28, 28, 16, 16, 19, 22, 67])
        if (waiting & ~missing).any():
            _para(doc, w["without_new_actual"].format(items=rep._years_by_indicator(table[waiting & ~missing])))
    if missing.any() and not missing.all():
        _para(doc, w["without_baseline"].format(items=rep._years_by_indicator(table[missing])))


def _verdicts(doc, rep: RegionReport) -> None:
    t = WORDS[rep.lang]
    head, lead = SECTIONS[rep.lang]["risk"]
    _heading(doc, head, 1)
    _para(doc, lead)
    a = rep.judged()
    if rep.assessment.empty:
        _para(doc, t["no_targets"])
        return
    if a.empty:
        _para(doc, t["no_judged"])
        return
    rows = []
    for r in by_urgency(a).itertuples():
        p = "" if pd.isna(r.p_meet) or r.status in ("met", "missed") else fmt_prob(r.p_meet, rep.thresholds)
        proxy = f" ({t['proxy']})" if pd.notna(r.proxy_region) else ""
        rows.append([rep.indicator_label(r.indicator, r.breakdown), str(r.year),
                     fmt_target(r.comparator, r.target, r.unit, rep.lang, r.target_high), r.clause,
                     STATUS_LABELS[rep.lang][r.status] + proxy, p, r.explanation])
    _table(doc, [t[k] for k in ("indicator", "year", "target", "clause", "status", "p", "explanation")], rows,
           [42, 13, 22, 40, 20, 16, 104])


def _charts(doc, rep: RegionReport) -> None:
    from docx.shared import Mm

    head, lead = SECTIONS[rep.lang]["charts"]
    _heading(doc, head, 1)
    _para(doc, lead)
    for key in rep.charted():
        png = rep.chart_image(key, dpi=150).data
        doc.add_picture(io.BytesIO(png), width=Mm(165))


def _needed(doc, rep: RegionReport) -> None:
    t = WORDS[rep.lang]
    need = rep.needing_data()
    if need.empty:
        return
    _heading(doc, t["data_needed"], 1)
    _para(doc, t["data_needed_lead"] + f" indicators template --region {rep.region} -o {rep.region}.xlsx")
    for (k, b), g in need.groupby(["indicator", "breakdown"], sort=False):
        years = t["list_sep"].join(str(y) for y in sorted(set(g["year"])))
        _para(doc, f"{rep.indicator_label(k, b)}: {t['data_needed_years'].format(years=years)}",
              style="List Bullet")


def _sources(doc, rep: RegionReport) -> None:
    """The page's sources: each target's plan (its title), clause and quote; the actuals' sources."""
    t = WORDS[rep.lang]
    head, _ = SECTIONS[rep.lang]["sources"]
    _heading(doc, head, 1)
    _heading(doc, t["plan"], 2)
    for r in rep.assessment.itertuples():
        _para(doc, f"{r.year} {rep.indicator_label(r.indicator)}: {rep.plan_name(r.plan)}{t['list_sep']}{r.clause}"
                   f" — “{r.quote}”", size=9, style="List Number")
    srcs = rep.actual_sources()
    if srcs:
        _heading(doc, t["actual_sources"], 2)
        for label, url in srcs:
            _para(doc, f"{label} {_text(url)}".strip(), size=9, style="List Bullet")


def region_document(rep: RegionReport) -> bytes:
    """The Word document of one region report (see the module docstring), as bytes."""
    from docx import Document

    from .plots import use_cjk_font

    use_cjk_font()  # the charts' Chinese labels, as in the notebooks
    doc = Document()
    _styles(doc, rep.lang)
    _page(doc.sections[0], landscape=False)
    _heading(doc, rep.title(), 0)
    for p in rep.plans():
        extra = "；".join(x for x in (p.document_number, p.issued) if x) if rep.lang == "zh" else \
            "; ".join(x for x in (p.document_number, p.issued) if x)
        name = p.title_zh if rep.lang == "zh" or not p.title_en else f"{p.title_en} ({p.title_zh})"
        _para(doc, f"{name}（{extra}）" if rep.lang == "zh" and extra else (f"{name}; {extra}" if extra else name))
    _para(doc, SECTIONS[rep.lang]["intro"][1])
    lead, asof = rep.headline_words()
    counts = rep.counts()
    sep = "，" if rep.lang == "zh" else ", "
    tally = sep.join(f"{STATUS_LABELS[rep.lang][s]} {n}" for s, n in counts.items() if s != "insufficient_data")
    _para(doc, f"{lead}（{asof}）：{tally}" if rep.lang == "zh" else f"{lead} ({asof}): {tally}", bold=True)
    _new_section(doc, landscape=True)
    _review(doc, rep)
    _verdicts(doc, rep)
    _new_section(doc, landscape=False)
    _charts(doc, rep)
    _needed(doc, rep)
    _sources(doc, rep)
    props = doc.core_properties
    props.title = rep.title()
    props.author = props.last_modified_by = "indicators"
    props.created = props.modified = dt.datetime(2000, 1, 1)
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return fixed_zip_times(buf.getvalue())

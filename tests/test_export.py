"""Files a bureau can file: the workbook (reports.workbook) and the Word document (reports.document),
read back as a planner's office software would, for the bundled 茌平区 in Chinese and English.

Where a test needs actuals after the plan's baseline (so that the review table has judged rows), it
writes a planner file of made-up values (synthetic, labelled ``SYNTHETIC``) in its temporary folder."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import indicators
from indicators.cli.main import main
from indicators.reports.region import RegionReport
from indicators.reports.workbook import prob_format, value_cell, workbook_bytes
from indicators.rules import Thresholds

# made-up actuals for 茌平区 after its plan's 2019 baseline, for the tests only
SYNTHETIC = ("region,indicator,year,value,unit\n"
             "茌平区,sec_voc_dual_qualified_teacher_share,2020,91.5,%\n"
             "茌平区,sec_voc_dual_qualified_teacher_share,2021,91.6,%\n"
             "茌平区,sec_voc_student_teacher_ratio,2020,12,生/师\n"
             "茌平区,training_person_days,2020,9000,人日\n"
             "茌平区,training_person_days,2021,10000,人日\n")


@pytest.fixture(scope="module")
def catalog():
    return indicators.load_catalog()


@pytest.fixture(scope="module")
def bundled(catalog):
    return indicators.load_actuals([], catalog=catalog)


@pytest.fixture(scope="module")
def synthetic(catalog, tmp_path_factory):
    f = tmp_path_factory.mktemp("synthetic") / "chiping_synthetic.csv"
    f.write_text(SYNTHETIC, encoding="utf-8")
    return indicators.load_actuals([f], catalog=catalog), f


# --- the workbook -----------------------------------------------------------------------------------

def test_value_cells_and_probability_formats():
    assert value_cell(91.3, "percent") == (0.913, "0.0%")       # a share is a percent cell
    assert value_cell(13500.0, "person_days") == (13500, "#,##0")  # thousands separators
    assert value_cell(1387.35, "10k_yuan") == (1387.35, "#,##0.0#")
    assert value_cell(float("nan"), "count") == (None, None)
    th = Thresholds(0.7, 0.3)
    assert prob_format(0.6956, th) == "0.0%"    # 69.6%: stays below 0.7
    assert prob_format(0.69996, th) == "0.000%"  # 70.0% would cross the threshold; 69.996% does not
    assert prob_format(0.5, th) == "0.0%"


@pytest.mark.parametrize("lang, sheets, heads", [
    ("zh", ["达标判断", "中期评估", "需要补充的数据"], {"达标判断": ["地区", "指标", "目标值", "达标概率", "状态", "条款", "原文"],
                                              "中期评估": ["基期值", "完成进度", "时间进度", "判断（容差 ±10 个百分点）"]}),
    ("en", ["Verdicts", "Mid-term review", "Data needed"], {"Verdicts": ["Region", "Indicator", "P(meet)", "Quote"],
                                                           "Mid-term review": ["Baseline", "Completion",
                                                                               "Judgement (tolerance ±10 points)"]}),
])
def test_bundled_chiping_workbook_reads_back_in_openpyxl_and_pandas(catalog, bundled, tmp_path, lang, sheets, heads):
    a = indicators.assess(catalog, bundled, region="茌平区", lang=lang)
    data = workbook_bytes(a, catalog, lang)
    assert data == workbook_bytes(a, catalog, lang)  # the same bytes from the same inputs
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == sheets
    for name, wanted in heads.items():
        header = [c.value for c in wb[name][1]]
        assert set(wanted) <= set(header)
        assert not {"p_meet", "explanation", "comparator", "target_id"} & set(header)  # no internal keys
        assert wb[name].freeze_panes == "A2"
    ws = wb[sheets[0]]
    header = [c.value for c in ws[1]]
    col = header.index("目标值" if lang == "zh" else "Target value") + 1
    ind = header.index("指标" if lang == "zh" else "Indicator") + 1
    shares = [r for r in range(2, ws.max_row + 1) if ws.cell(r, ind).value in ("高中阶段招生职普比（中职招生占比）",
                                                                              "Vocational share of senior-secondary new enrollment")]
    assert shares, "the 职普比 targets are in the sheet"
    cell = ws.cell(shares[-1], col)  # 2022: 4.5:5.5, a 45% vocational share
    assert cell.number_format == "0.0%" and cell.value == pytest.approx(0.45)
    money = [ws.cell(r, col) for r in range(2, ws.max_row + 1) if ws.cell(r, col).number_format == "#,##0"]
    assert money and all(isinstance(c.value, int) for c in money)
    # columns as wide as their longest cell, a CJK character counting two; long text capped and wrapped
    def shown(v) -> int:
        return sum(2 if "\u3000" <= ch <= "\uffef" else 1 for ch in str(v or ""))

    status = header.index("状态" if lang == "zh" else "Status") + 1
    widest = max(shown(ws.cell(r, status).value) for r in range(1, ws.max_row + 1))
    assert ws.column_dimensions[ws.cell(1, status).column_letter].width == widest + 2
    widest = max(shown(ws.cell(r, ind).value) for r in range(1, ws.max_row + 1))
    assert ws.column_dimensions[ws.cell(1, ind).column_letter].width == min(widest, 30) + 2
    long_rows = [r for r in range(2, ws.max_row + 1) if shown(ws.cell(r, ind).value) > 30]
    assert long_rows and all(ws.row_dimensions[r].height >= 30 for r in long_rows)  # two lines at least
    assert ws.cell(long_rows[0], ind).alignment.wrap_text
    frames = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert list(frames) == sheets
    assert len(frames[sheets[0]]) == len(a) == len(frames[sheets[1]])
    review = frames[sheets[1]]
    completion = "完成进度" if lang == "zh" else "Completion"
    assert review[completion].dropna().between(-10, 10).all()  # fractions (0.37), shown as percent in Excel
    needed = frames[sheets[2]]
    assert len(needed) and needed.iloc[:, -1].str.startswith("indicators template --region 茌平区").all()


def test_review_sheet_percent_cells_hold_the_true_fractions(catalog, synthetic):
    """SYNTHETIC 91.6% in 2021 against 95.4% for 2022 from 91.3% (2019): completion 0.3/4.1, time 2/3."""
    act, _ = synthetic
    a = indicators.assess(catalog, act, region="茌平区")
    wb = load_workbook(io.BytesIO(workbook_bytes(a, catalog, "zh")))
    ws = wb["中期评估"]
    header = [c.value for c in ws[1]]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True)
            if r[header.index("指标")] == "中职学校“双师型”教师比例" and r[header.index("目标年")] == 2022]
    assert len(rows) == 1
    row = rows[0]
    assert row[header.index("完成进度")] == pytest.approx(0.3 / 4.1)
    assert row[header.index("时间进度")] == pytest.approx(2 / 3)
    assert row[header.index("判断（容差 ±10 个百分点）")] == "滞后"
    assert row[header.index("基期值")] == pytest.approx(0.913) and row[header.index("基期年")] == 2019
    cell = next(c for c in ws[1] if c.value == "完成进度")
    assert ws.cell(2, cell.column).number_format == "0.0%"


def test_the_changes_sheet_is_added_only_when_there_are_changes(catalog, bundled):
    a = indicators.assess(catalog, bundled, region="茌平区")
    assert "变化" not in load_workbook(io.BytesIO(workbook_bytes(a, catalog, "zh", changes=pd.DataFrame()))).sheetnames
    # made-up changes of one region: a probability that moved, and a year now met (its probability not shown)
    changes = pd.DataFrame({"region": ["茌平区", "茌平区"], "indicator": ["sec_voc_dual_qualified_teacher_share"] * 2,
                            "breakdown": [None, None], "year": [2021, 2022], "old_status": ["at_risk", "on_track"],
                            "new_status": ["on_track", "met"], "old_p_meet": [0.35, 0.8], "new_p_meet": [0.915, 1.0],
                            "reason": ["新的实际值", "2022 年已达标"]})
    wb = load_workbook(io.BytesIO(workbook_bytes(a, catalog, "zh", changes=changes)))
    assert wb.sheetnames[-1] == "变化"
    ws = wb["变化"]
    assert [c.value for c in ws[1]] == ["地区", "指标", "分项", "目标年份", "上次", "上次达标概率", "本次", "本次达标概率",
                                        "原因"]
    assert [c.value for c in ws[2]][:4] == ["茌平区", catalog.vocabulary["sec_voc_dual_qualified_teacher_share"].zh,
                                            None, 2021]
    assert ws["F2"].value == 0.35 and ws["H2"].value == 0.915
    assert ws["F2"].number_format == ws["H2"].number_format == "0.0%"
    assert ws["G3"].value == "已达标" and ws["H3"].value is None


def test_o_xlsx_writes_a_real_workbook_and_a_contradicting_format_is_refused(tmp_path, capsys):
    out = tmp_path / "结果.xlsx"
    assert main(["assess", "--region", "茌平区", "-o", str(out)]) == 0  # no --format: the extension decides
    assert zipfile.is_zipfile(out) and load_workbook(out).sheetnames == ["达标判断", "中期评估", "需要补充的数据"]
    other = tmp_path / "别的.xlsx"
    assert main(["assess", "--region", "茌平区", "--format", "csv", "-o", str(other)]) == 1
    err = capsys.readouterr().err
    assert "--format csv" in err and "未写出任何文件" in err and not other.exists()
    assert main(["assess", "--region", "茌平区", "--format", "table", "-o", str(other), "--lang", "en"]) == 1
    assert "nothing was written" in capsys.readouterr().err and not other.exists()
    assert main(["targets", "-o", str(tmp_path / "t.docx")]) == 1  # no screen text in a file named .docx
    assert main(["targets", "--region", "茌平区", "-o", str(tmp_path / "t.csv")]) == 0
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").startswith("plan,region,")


def test_the_help_names_xlsx_and_docx(capsys):
    with pytest.raises(SystemExit):
        main(["assess", "-h", "--lang", "en"])
    assert "xlsx (the workbook to file" in " ".join(capsys.readouterr().out.split())
    with pytest.raises(SystemExit):
        main(["review", "-h", "--lang", "zh"])
    out = capsys.readouterr().out
    assert "docx" in out and "--tolerance" in out


def test_review_command_prints_the_table_and_writes_csv_with_keys(tmp_path, capsys, synthetic):
    _, f = synthetic
    assert main(["review", "--region", "茌平区", "--actuals", str(f), "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert {"baseline", "completion", "time_elapsed", "judgement", "cases", "note_zh", "note_en"} <= set(frame.columns)
    row = frame[(frame["indicator"] == "training_person_days") & (frame["year"] == 2022)].iloc[0]
    # SYNTHETIC 10,000 person-days in 2021 from 0 (2019) toward 17,000 (2022): 0.588, time 2/3: on pace
    assert row["completion"] == pytest.approx(10000 / 17000) and row["judgement"] == "on_pace"
    assert main(["review", "--region", "茌平区", "--actuals", str(f), "--lang", "en", "--wide"]) == 0
    out = capsys.readouterr().out
    assert "Completion" in out and "on pace" in out and "58.8%" in out


# --- the Word document ------------------------------------------------------------------------------

def _report(catalog, act, lang, region="茌平区") -> RegionReport:
    """The region report as a notebook computes it (``reports.context.region_report``: the shared
    context, then the region's rows and paths)."""
    from indicators.reports.context import region_report

    return region_report(region, lang=lang, domain="vocational")


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _check_document(data: bytes, rep: RegionReport, lang: str) -> None:
    import docx
    from docx.oxml.ns import qn

    d = docx.Document(io.BytesIO(data))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    want = (["茌平区（Chiping District）职业教育规划指标进展", "中期评估表", "风险表", "指标图", "需要补充的数据", "来源"]
            if lang == "zh" else ["Chiping District (茌平区): progress on vocational-education plan targets",
                                  "Mid-term review", "Risk table", "Charts", "Data needed", "Sources"])
    assert [h for h in headings if h in want] == want
    assert len(d.tables) >= 1
    for t in d.tables:  # every table repeats its header row on each page
        trpr = t.rows[0]._tr.trPr
        assert trpr is not None and trpr.find(qn("w:tblHeader")) is not None
    assert len(d.inline_shapes) == len(rep.charted()) > 0  # the charts as images
    runs = [r for p in d.paragraphs for r in p.runs] + [r for t in d.tables for row in t.rows for c in row.cells
                                                        for p in c.paragraphs for r in p.runs]
    east = [r for r in runs if _cjk(r.text)]
    assert east, "Chinese text in the document"
    assert all(r._element.rPr.rFonts.get(qn("w:eastAsia")) == "SimSun" for r in east)
    for s in d.sections:  # A4 portrait or landscape
        assert {round(s.page_width.mm), round(s.page_height.mm)} == {210, 297}
    assert round(d.sections[1].page_width.mm) == 297  # the wide tables on landscape pages
    assert rep.title() in d.core_properties.title


@pytest.mark.slow  # draws every chart of the region twice (zh, en)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bundled_chiping_document_reads_back_in_python_docx(catalog, bundled, lang):
    from indicators.reports.document import region_document

    rep = _report(catalog, bundled, lang)
    data = region_document(rep)
    _check_document(data, rep, lang)
    assert data == region_document(rep)  # the same bytes from the same inputs


@pytest.mark.slow
def test_document_review_table_from_synthetic_actuals(catalog, synthetic, tmp_path, capsys):
    import docx

    _, f = synthetic
    out = tmp_path / "茌平区.docx"
    assert main(["review", "--region", "茌平区", "--actuals", str(f), "--format", "docx", "-o", str(out)]) == 0
    d = docx.Document(str(out))
    review = d.tables[0]
    assert [c.text for c in review.rows[0].cells][:7] == ["指标", "基期值", "目标值", "最新实际", "完成进度", "时间进度", "判断"]
    rows = [[c.text for c in r.cells] for r in review.rows[1:]]
    dual_2022 = [r for r in rows if r[0] == "中职学校“双师型”教师比例" and "2022" in r[2]]
    assert dual_2022 and dual_2022[0][4:7] == ["7.3%", "66.7%", "滞后"]
    # one region per .docx file: several regions need a directory
    assert main(["review", "--region", "茌平区", "--region", "环翠区", "--format", "docx", "-o", str(out)]) == 1
    assert "每个地区一份" in capsys.readouterr().err
    folder = tmp_path / "docs"
    assert main(["review", "--region", "茌平区", "--region", "环翠区", "--format", "docx", "-o", str(folder)]) == 0
    assert len(list(folder.glob("*.docx"))) == 2


OFFICE = shutil.which("libreoffice") or shutil.which("soffice")


def _office_pdf(path, outdir) -> subprocess.CompletedProcess:
    """LibreOffice headless converts ``path`` to PDF in ``outdir`` (its own profile folder, so a
    LibreOffice the user has open does not interfere)."""
    return subprocess.run([OFFICE, "--headless", f"-env:UserInstallation=file://{outdir}/profile", "--convert-to",
                           "pdf", "--outdir", str(outdir), str(path)], capture_output=True, text=True, timeout=300)


def _pages(pdf) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))), info


NO_OFFICE = pytest.mark.skipif(OFFICE is None, reason="LibreOffice is not installed (Debian: apt-get install "
                                                      "libreoffice-writer libreoffice-calc)")
NO_POPPLER = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils (pdfinfo, pdftotext) is not "
                                                                         "installed")


@pytest.mark.slow
@NO_OFFICE
@NO_POPPLER
def test_libreoffice_opens_the_document(catalog, synthetic, tmp_path):
    """LibreOffice converts the Word document to PDF (as WPS and Word open it): A4 pages, the Chinese
    text in a CJK font, the review table's words on the page."""
    from indicators.reports.document import region_document

    act, _ = synthetic
    rep = _report(catalog, act, "zh")
    (tmp_path / "chiping.docx").write_bytes(region_document(rep))
    proc = _office_pdf(tmp_path / "chiping.docx", tmp_path)
    assert proc.returncode == 0 and (tmp_path / "chiping.pdf").exists(), proc.stderr
    pages, info = _pages(tmp_path / "chiping.pdf")
    assert pages >= 4 and "(A4)" in info
    text = subprocess.run(["pdftotext", str(tmp_path / "chiping.pdf"), "-"], capture_output=True, text=True).stdout
    assert "中期评估表" in text and "滞后" in text and "符合进度" in text
    fonts = subprocess.run(["pdffonts", str(tmp_path / "chiping.pdf")], capture_output=True, text=True).stdout
    assert "CJK" in fonts  # the East Asian text was set in a CJK font, not in boxes


@pytest.mark.slow
@NO_OFFICE
@NO_POPPLER
def test_libreoffice_opens_the_workbook(catalog, synthetic, tmp_path):
    act, _ = synthetic
    a = indicators.assess(catalog, act, region="茌平区", lang="en")
    (tmp_path / "chiping.xlsx").write_bytes(workbook_bytes(a, catalog, "en"))
    proc = _office_pdf(tmp_path / "chiping.xlsx", tmp_path)
    if not (tmp_path / "chiping.pdf").exists() and "no export filter" in proc.stderr + proc.stdout:
        pytest.skip("LibreOffice without its spreadsheet (Debian: apt-get install libreoffice-calc)")
    assert proc.returncode == 0 and (tmp_path / "chiping.pdf").exists(), proc.stderr
    pages, _ = _pages(tmp_path / "chiping.pdf")
    assert pages >= 1
    text = subprocess.run(["pdftotext", str(tmp_path / "chiping.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Completion" in text and "behind" in text


@pytest.mark.slow  # runs the report notebooks of one region
def test_run_docx_writes_a_document_beside_each_region_page(tmp_path, synthetic):
    """`indicators run --docx`: <slug>.docx beside the region's page in the published set, with the
    page's numbers (the review row of the SYNTHETIC 双师型 2022 target: 7.3% against 66.7%)."""
    import docx

    from indicators.run.runner import run

    _, f = synthetic
    result = run(regions=["茌平区"], actuals=[f], out=tmp_path / "reports", progress=False, docx=True)
    assert result.ok
    page = next(r for r in result.reports if r["region"] == "茌平区")
    path = Path(page["docx"])
    assert path == Path(page["html"]).with_suffix(".docx") and path.parent == tmp_path / "reports" / "current"
    d = docx.Document(str(path))
    rows = [[c.text for c in r.cells] for r in d.tables[0].rows]
    assert any(r[0] == "中职学校“双师型”教师比例" and r[4:7] == ["7.3%", "66.7%", "滞后"] for r in rows)
    overview = next(r for r in result.reports if r["region"] is None)
    assert not overview.get("docx")  # the overview is a page, not a region's document


def test_a_region_planned_in_another_domain_gets_its_document_in_that_domain(tmp_path):
    """review --format docx shows a region as `run` shows its page: 苏州市's plan is about intellectual
    property, so its document is titled and filled for that domain, not empty under the default."""
    from docx import Document

    from indicators.cli.main import main

    out = tmp_path / "suzhou.docx"
    assert main(["review", "--region", "苏州市", "--format", "docx", "-o", str(out)]) == 0
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "苏州市（Suzhou）知识产权规划指标进展" in text
    assert "万人高价值发明专利拥有量" in text  # its targets are in it (all still waiting for data)

"""Plans as bureaus receive them: `read_document` and `indicators draft` on a Word file, a text PDF,
an HTML page and a GBK text, each made here from the same real excerpt (the Chiping plan, bundled
seed 002: its covering notice, a sentence target and three annex tables), drafting the same entries
as the UTF-8 text, with quotes that point to page, paragraph and table cell; and every bad input
refused with its code."""

from __future__ import annotations

import functools
import html as html_lib
import os
import shutil
from pathlib import Path

import pytest
import yaml

import indicators
from wording import assert_worded_in_chinese
from indicators.cli.main import main
from indicators.drafting.documents import Place, read_document
from indicators.drafting.find import draft_text
from indicators.errors import DocumentError
from indicators.plans.catalog import SOURCES_DIR
from indicators.plans.vocabulary import load_vocabulary

SEED = SOURCES_DIR / "002_4305ea7b79186ddc.txt"


def _excerpt() -> list[str]:
    """Lines of the real Chiping plan: the notice's head (文号, title), a sentence with a dated target,
    and the annex's tables (规模与布局, 师资队伍, 实训基地), tab-separated as the web copy prints them."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    keep = lines[:6] + [lines[65]] + lines[133:149] + lines[176:197]
    return [ln.replace("**", "") for ln in keep]


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The excerpt as UTF-8 text, GBK text, .docx, PDF and an HTML page (with navigation and scripts)."""
    import docx  # python-docx is a dependency and reportlab a dev one: a missing one is a failure, not a skip
    import reportlab  # noqa: F401
    folder = tmp_path_factory.mktemp("formats")
    lines = _excerpt()
    text = "\n".join(lines) + "\n"
    out = {"utf8": folder / "plan.txt", "gbk": folder / "plan_gbk.txt", "docx": folder / "plan.docx",
           "pdf": folder / "plan.pdf", "html": folder / "plan.html"}
    out["utf8"].write_text(text, encoding="utf-8")
    out["gbk"].write_bytes(text.encode("gb18030"))
    blocks = _blocks(lines)
    _write_docx(docx, blocks, out["docx"])
    _write_pdf(blocks, out["pdf"])
    _write_html(blocks, out["html"])
    return out


def _blocks(lines: list[str]) -> list[tuple[str, object]]:
    """("p", text) for a paragraph, ("table", rows of cells) for consecutive tab-separated lines."""
    blocks: list[tuple[str, object]] = []
    for ln in lines:
        if "\t" in ln:
            if not blocks or blocks[-1][0] != "table":
                blocks.append(("table", []))
            blocks[-1][1].append(ln.split("\t"))
        elif ln.strip():
            blocks.append(("p", ln.strip()))
    return blocks


def _write_docx(docx, blocks, path: Path, grid: bool = False) -> None:
    d = docx.Document()
    for kind, item in blocks:
        if kind == "p":
            d.add_paragraph(item)
            continue
        width = max(len(r) for r in item)
        t = d.add_table(rows=len(item), cols=width)
        if grid:
            t.style = "Table Grid"  # ruled, as government documents print their annex tables
        for r, row in enumerate(item):
            for c, cell in enumerate(row):
                t.cell(r, c).text = cell
    d.save(path)


def _write_pdf(blocks, path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10.5, leading=15, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")
    story = []
    for kind, item in blocks:
        if kind == "p":
            story.append(Paragraph(html_lib.escape(item), body))
            continue
        width = max(len(r) for r in item)
        rows = [[Paragraph(html_lib.escape(c), cell) for c in r] + [""] * (width - len(r)) for r in item]
        story.append(Table(rows, colWidths=[150] + [(A4[0] - 220) / (width - 1)] * (width - 1),
                           style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)])))
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def _write_html(blocks, path: Path) -> None:
    parts = []
    for kind, item in blocks:
        if kind == "p":
            parts.append(f"<p>{html_lib.escape(item)}</p>")
        else:
            rows = "".join("<tr>" + "".join(f"<td>{html_lib.escape(c)}</td>" for c in r) + "</tr>" for r in item)
            parts.append(f"<table>{rows}</table>")
    page = ("<!doctype html><html><head><meta charset=\"gbk\"><title>茌平区人民政府 政务公开</title>"
            "<script>var stat = '到2030年达到99%';</script><style>p { margin: 0 }</style></head><body>"
            "<nav><ul><li><a href='/'>首页</a></li><li><a href='/zwgk'>政务公开</a></li>"
            "<li><a href='/bsfw'>办事服务</a></li></ul></nav>"
            "<div id='content'><article>" + "\n".join(parts) + "</article></div>"
            "<footer>主办：聊城市茌平区人民政府办公室 网站标识码 3715230001</footer>"
            "<script>document.write('访问量 100万次');</script></body></html>")
    path.write_bytes(page.encode("gb18030"))


@functools.lru_cache(maxsize=None)
def _read(path):
    """A format's file read once for the tests that only read it (a PDF takes pdfplumber ~0.2 s)."""
    return read_document(path)


@pytest.fixture(scope="module")
def drafted(vocab):
    """Each format's file drafted once for the tests that only read the draft."""
    memo = {}

    def get(path):
        if path not in memo:
            memo[path] = draft_text(_read(path), vocab, "chiping", "茌平区")
        return memo[path]
    return get


def _entries(drafted, path):
    d = drafted(path)
    return d, [(e.year, e.written, e.unit, e.indicator, e.kind) for e in d.entries]


@pytest.mark.parametrize("fmt", ["gbk", "docx", "pdf", "html"])
def test_every_format_drafts_the_same_entries_as_the_utf8_text(files, drafted, fmt):
    ref, want = _entries(drafted, files["utf8"])
    got_draft, got = _entries(drafted, files[fmt])
    assert len(want) > 40  # the sentence target and the annex tables' cells
    assert got == want
    assert got_draft.plan["document_number"] == ref.plan["document_number"] == "聊茌政发〔2020〕19号"
    # the table entries: year from the header, unit from the label, 现有基础 as baseline
    assert any(g[:3] == (2022, "6000", "人") and g[4] == "target" for g in got)
    assert any(g[:3] == (2019, "2182", "人") and g[4] == "baseline" for g in got)
    assert any(g[0] == 2022 and g[1] == "达到70%以上" and g[3] == "voc_dual_qualified_teacher_share" for g in got)


def test_quotes_point_to_page_paragraph_and_cell(files, drafted):
    places = {fmt: [e.place for e in drafted(files[fmt]).entries
                    if e.written == "6000"][0] for fmt in ("utf8", "docx", "pdf", "html")}
    assert places["docx"].table == 1 and places["docx"].column == 5 and places["docx"].row >= 2
    assert places["pdf"].page >= 1 and places["pdf"].table is not None
    assert places["html"].table == 1 and places["html"].column == 5
    assert places["utf8"] == Place(paragraph=_excerpt().index(next(l for l in _excerpt() if "6000" in l)) + 1)
    assert places["docx"].label("zh").startswith("表1第") and places["pdf"].label("en").startswith("page ")


@pytest.mark.parametrize("fmt", ["gbk", "docx", "pdf", "html"])
def test_draft_command_writes_a_plan_that_loads_and_records_where(files, tmp_path, fmt, capsys):
    out = tmp_path / f"chiping_{fmt}.yaml"
    assert main(["draft", str(files[fmt]), "--region", "茌平区", "-o", str(out)]) == 0
    plan = yaml.safe_load(out.read_text(encoding="utf-8"))
    # the quote check reads UTF-8 text: the normalised text is written beside the draft and quoted
    assert plan["plan"]["source"] == f"chiping_{fmt}.source.txt" and fmt in plan["plan"]["note"] or fmt == "gbk"
    assert (tmp_path / plan["plan"]["source"]).read_text(encoding="utf-8") == _read(files[fmt]).text
    assert all(t["note"].startswith("原文位置：") for t in plan["targets"])
    cat = indicators.load_catalog([tmp_path], env=False, include_drafts=True)
    rows = cat.select(plan=plan["plan"]["id"])
    assert len(rows) == len(plan["targets"]) and rows["value"].notna().all()


def test_html_page_keeps_the_main_text_without_navigation_scripts_or_footer(files):
    doc = _read(files["html"])
    assert "首页" not in doc.text and "document.write" not in doc.text and "99%" not in doc.text
    assert "网站标识码" not in doc.text and not doc.text.lstrip().startswith("<")
    assert doc.encoding is None and doc.kind == "html" and doc.title == "茌平区人民政府 政务公开"


def test_pdf_wrapped_lines_are_joined_into_their_paragraph(files):
    doc = _read(files["pdf"])
    sentence = _excerpt()[6].strip()
    assert sentence in doc.text.split("\n")


def test_read_document_takes_text_and_gbk_bytes_alike(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    given = read_document(text)
    (tmp_path / "seed.txt").write_bytes(text.encode("gb18030"))
    gbk = read_document(tmp_path / "seed.txt")
    assert given.kind == "given" and gbk.kind == "text" and gbk.encoding == "gb18030"
    assert gbk.text == given.text and gbk.locate(gbk.text.index("聊茌政发")).paragraph == 3
    (tmp_path / "seed16.txt").write_bytes(text.encode("utf-16"))  # Excel's "Unicode text", with its BOM
    assert read_document(tmp_path / "seed16.txt").text == given.text
    hk = "到2020年，全省技工院校在校生達到36萬人。\n"
    (tmp_path / "big5.txt").write_bytes(hk.encode("big5"))
    assert read_document(tmp_path / "big5.txt").text == hk


def test_pinyin_a_mirror_page_inserts_is_removed(tmp_path):
    page = "預計(jì)到2025年,全省高技能人才總量將達(dá)到530萬(wàn)人,每萬(wàn)名勞動(dòng)者中高技能人才數(shù)將達(dá)到1000人。\n"
    (tmp_path / "p.txt").write_text(page, encoding="utf-8")
    doc = read_document(tmp_path / "p.txt")
    assert doc.text == "預計到2025年,全省高技能人才總量將達到530萬人,每萬名勞動者中高技能人才數將達到1000人。\n"
    assert read_document("目前 (app) 一个").text == "目前 (app) 一个\n"  # one bracket is not a pinyin page


def _refused(path) -> str:
    with pytest.raises(DocumentError) as err:
        read_document(path)
    (problem,) = err.value.problems
    assert problem.file == str(path)
    assert_worded_in_chinese([problem])
    return problem.code


def test_bad_inputs_get_a_code_and_exit_1(tmp_path, capsys):
    from PIL import Image
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    cases = {}
    (tmp_path / "empty.txt").write_bytes(b"")
    cases["empty.txt"] = "file.empty"
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    cases["old.doc"] = "document.old_word"
    Image.new("RGB", (300, 200), "white").save(tmp_path / "scan.png")
    c = canvas.Canvas(str(tmp_path / "scan.pdf"))
    c.drawImage(str(tmp_path / "scan.png"), 50, 400, 400, 260)
    c.showPage()
    c.save()
    cases["scan.pdf"] = "document.scanned_pdf"
    c = canvas.Canvas(str(tmp_path / "locked.pdf"), encrypt=pdfencrypt.StandardEncryption("secret"))
    c.drawString(100, 700, "2025: 60%")
    c.showPage()
    c.save()
    cases["locked.pdf"] = "document.encrypted_pdf"
    (tmp_path / "nav.html").write_text("<html><head><script>var a = 1;</script></head><body><nav><a href='/'>首页</a>"
                                       "</nav></body></html>", encoding="utf-8")
    cases["nav.html"] = "document.no_text"
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    cases["broken.docx"] = "document.corrupt"
    (tmp_path / "latin.txt").write_bytes("café crème brûlée, déjà vu à la carte".encode("latin-1"))
    cases["latin.txt"] = "file.unknown_encoding"
    cases["missing.pdf"] = "file.missing"
    for name, code in cases.items():
        assert _refused(tmp_path / name) == code, name
        capsys.readouterr()
        assert main(["draft", str(tmp_path / name), "--region", "茌平区", "-o", str(tmp_path / "out.yaml")]) == 1
        err = capsys.readouterr().err
        assert f"[{code}]" in err and "文档无法读取" in err and name in err and "Traceback" not in err
    assert not (tmp_path / "out.yaml").exists()
    # a PDF whose only password is the owner's opens like any other
    c = canvas.Canvas(str(tmp_path / "owner.pdf"), encrypt=pdfencrypt.StandardEncryption("", ownerPassword="o"))
    c.drawString(100, 700, "2025: 60%")
    c.showPage()
    c.save()
    assert read_document(tmp_path / "owner.pdf").text == "2025: 60%\n"


def test_a_scanned_page_in_a_text_pdf_is_named_not_skipped_silently(tmp_path, capsys):
    from PIL import Image
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    Image.new("RGB", (300, 200), "white").save(tmp_path / "scan.png")
    c = canvas.Canvas(str(tmp_path / "mixed.pdf"))
    c.setFont("STSong-Light", 11)
    c.drawString(72, 700, _excerpt()[6][-60:])
    c.showPage()
    c.drawImage(str(tmp_path / "scan.png"), 50, 400, 400, 260)
    c.showPage()
    c.save()
    doc = read_document(tmp_path / "mixed.pdf")
    assert doc.notes and "page 2" in doc.notes[0] and "OCR" in doc.notes[0]
    assert main(["draft", str(tmp_path / "mixed.pdf"), "--region", "茌平区", "-o", str(tmp_path / "m.yaml")]) == 0
    assert "page 2 has no text layer" in capsys.readouterr().err
    assert "# NOT READ: page 2" in (tmp_path / "m.yaml").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_pdf_saved_from_word_by_libreoffice_drafts_like_the_word_file(tmp_path, vocab, drafted):
    """The PDF a planner gets is usually Word's own export: LibreOffice headless makes one from the
    excerpt's .docx, with ruled tables and without lines (cut into cells from the words' positions,
    a table that runs on to the next page included)."""
    import subprocess

    import docx

    for grid in (True, False):
        folder = tmp_path / ("ruled" if grid else "plain")
        folder.mkdir()
        _write_docx(docx, _blocks(_excerpt()), folder / "plan.docx", grid=grid)
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(folder / "plan.docx")],
                       check=True, capture_output=True, timeout=240, env={**os.environ, "HOME": str(tmp_path)})
        word = _entries(drafted, folder / "plan.docx")[1]
        pdf_doc = read_document(folder / "plan.pdf")
        pdf = [(e.year, e.written, e.unit, e.indicator, e.kind) for e in draft_text(pdf_doc, vocab, "c", "茌平区").entries]
        assert not pdf_doc.notes
        if grid:
            assert pdf == word
        else:  # a row cut by the page break keeps its values, its label's unit (（人）) stays on the next page
            assert [(y, w, i, k) for y, w, _, i, k in pdf] == [(y, w, i, k) for y, w, _, i, k in word]


def test_the_bytes_decide_a_misnamed_file(files, tmp_path):
    """A web page saved as .txt is read as a page (not its markup), a .docx named .doc as Word."""
    (tmp_path / "page.txt").write_bytes(files["html"].read_bytes())
    (tmp_path / "plan.doc").write_bytes(files["docx"].read_bytes())
    page = read_document(tmp_path / "page.txt")
    assert page.kind == "html" and not page.text.lstrip().startswith("<") and "<!doctype" not in page.text
    assert read_document(tmp_path / "plan.doc").text == read_document(files["docx"]).text


def test_a_word_zip_bomb_is_refused_from_its_directory(tmp_path, files):
    """A .docx whose parts inflate beyond MAX_INFLATED is refused before python-docx opens it."""
    import zipfile

    from indicators.drafting.documents import MAX_INFLATED

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(files["docx"]) as src, \
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        out.writestr("word/media/padding.bin", bytes(MAX_INFLATED + 1))  # zeros: a few hundred kB packed
    assert _refused(bomb) == "file.too_large"  # python-docx itself would open it: the padding is never parsed


def test_a_pdf_paragraph_naming_years_is_not_taken_for_a_table(tmp_path, vocab):
    """Justified Chinese text puts numbers in the same columns line after line; a sentence naming two
    years above it is still a paragraph, not a table header."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10.5, leading=15, wordWrap="CJK")
    text = ["2019年至2021年，2020年和2021年持续开展职业技能提升行动。",
            "到2021年，全市建成10所高水平中职学校，20个高水平专业群，30个实训基地，40个产教融合型企业。",
            "到2021年，全市培训10万人次，新增20万人，建成30个基地，认定40家企业，完成50项改革任务。"]
    SimpleDocTemplate(str(tmp_path / "p.pdf"), pagesize=A4).build([Paragraph(t, style) for t in text])
    doc = read_document(tmp_path / "p.pdf")
    assert doc.text.split("\n")[:3] == text and "\t" not in doc.text


def test_a_page_declaring_its_charset_is_read_with_the_codec_the_project_reads_it_with():
    """<meta charset="gb2312"> is read as GB18030 (a superset), big5 as cp950, as encodings.decode
    reads such files; an unknown name is left for decode to refuse."""
    from indicators.encodings import declared

    assert [declared(c) for c in ("gb2312", "GBK", "cp936", "Big5", "UTF8", "x-nonsense")] == \
        ["gb18030", "gb18030", "gb18030", "cp950", "utf-8", "x-nonsense"]

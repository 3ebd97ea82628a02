"""The runner as a planner meets it: offline HTML, failures kept apart, nothing lost on a bad run."""

import hashlib
import html
import json
import re
import shutil
import textwrap
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import indicators
from indicators.cli.main import main
from indicators.errors import ValidationError
from indicators.run.runner import run, slug
from indicators.run.page import export_html

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_site_has_index_every_report_and_no_network_references(built_reports):
    out = built_reports.out
    assert out.name == "current" and out.is_symlink() and out.resolve().parent.name == "sets"
    # reports/index.html, the page the README says to open, leads to the current set
    assert 'href="current/index.html"' in (out.parent / "index.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    pages = sorted(p.name for p in out.glob("*.html"))
    assert "index.html" in pages and "overview.html" in pages and len(pages) == 4
    for r in built_reports.reports:
        assert f'href="{Path(r["html"]).name}"' in index
    assert "sha256" in index and indicators.__version__ in index
    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        # one file that opens offline: no script, stylesheet or image from any host
        assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//', text), page.name
    chiping = next(Path(r["html"]) for r in built_reports.reports if r["region"] == "茌平区")
    html = chiping.read_text(encoding="utf-8")
    assert "data:image/png;base64" in html and 'class="ind risk"' in html
    assert "import " not in html  # input cells hidden


def test_slug_is_safe():
    for region, en in [("../../etc/passwd", "../../etc/passwd"), ("茌平区", "Chiping District"), ("区", ""),
                       ("a b", "<script>x</script>")]:
        s = slug(region, en)
        assert re.fullmatch(r"[a-z0-9-]+", s) and ".." not in s
    assert slug("茌平区", "Chiping District") != slug("茌平区2", "Chiping District")


@pytest.mark.slow
def test_input_text_is_escaped(tmp_path):
    # a planner's files, written by the test, with markup where text belongs
    text = "到2022年双师型教师比例达到70%以上。"
    (tmp_path / "src.txt").write_text(text, encoding="utf-8")
    (tmp_path / "regions.yaml").write_text(
        '"测试<b>区":\n  en: "Evil <script>alert(1)</script>"\n  level: district\n  parent: 聊城市\n', encoding="utf-8")
    (tmp_path / "x_2020.yaml").write_text(textwrap.dedent("""
        plan: {id: x_2020, title_zh: "<img src=x onerror=alert(1)>", title_en: X, region: "测试<b>区", level: district,
               issuer: null, document_number: null, issued: null, source: src.txt, period: [2020, 2022],
               domain: vocational}
        targets:
          - indicator: sec_voc_dual_qualified_teacher_share
            year: 2022
            written: 达到70%以上
            kind: target
            clause: "<i>一</i>"
            quote: 到2022年双师型教师比例达到70%以上
        """), encoding="utf-8")
    from indicators.reports.context import region_report

    rep = region_report("测试<b>区", plans=[str(tmp_path)])
    page = export_html(nbformat.v4.new_notebook(cells=[]), rep.title(), "en")
    html = rep.header_html() + rep.risk_table_html() + rep.sources_html() + page
    assert "<script>alert" not in html and "<img src=x" not in html and "<i>一</i>" not in html
    # (Latin letters of input text are marked lang="en" in a Chinese page: read the text without the marks)
    text = re.sub(r'<span lang="en">(.*?)</span>', r"\1", html)
    assert "&lt;b&gt;" in text and "&lt;i&gt;一&lt;/i&gt;" in text


@pytest.mark.slow
def test_bad_actuals_stop_the_run_and_keep_the_old_reports(tmp_path, capsys):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "index.html").write_text("previous good reports", encoding="utf-8")
    bad = tmp_path / "bad.csv"  # a planner file with text where a number belongs (made up by the test)
    bad.write_text("region,indicator,year,value\n茌平区,生师比,2020,seventeen\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        run(actuals=[bad], out=out, progress=False)
    assert main(["run", "--actuals", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "bad.csv" in err and "seventeen" in err
    assert [p.name for p in out.iterdir()] == ["index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "previous good reports"
    assert not list(tmp_path.glob(".reports.*"))  # no staging directory left behind
    assert not (out / "sets").exists() and not (out / "current").exists()  # nothing written at all


@pytest.mark.slow
def test_a_failing_region_is_kept_apart_and_the_others_publish(tmp_path, monkeypatch):
    nbdir = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", nbdir)
    nb = nbformat.read(nbdir / "region_report.ipynb", as_version=4)
    # make the notebook fail for one region only (a broken notebook, made up by the test)
    broken = nbformat.v4.new_code_cell("\nif region == '环翠区':\n    raise RuntimeError('boom for this region')",
                                       metadata={"tags": ["boom-cell"]})
    nb.cells.insert(3, broken)
    nbformat.write(nb, nbdir / "region_report.ipynb")
    # papermill counts the cell it injects after the parameters cell; code cells before it run first
    params_at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    index_run = 3 + (params_at < 3)
    exec_count = sum(c.cell_type == "code" for c in nb.cells[:3]) + (params_at < 3) + 1
    monkeypatch.setenv("INDICATORS_NOTEBOOKS", str(nbdir))
    out = tmp_path / "reports"
    out.mkdir()
    (out / "backtest.csv").write_text("kept\n", encoding="utf-8")
    result = run(regions=["环翠区", "沧州市"], out=out, progress=False)
    assert not result.ok and [f["region"] for f in result.failed] == ["环翠区"]
    assert result.failed[0]["error"] == "RuntimeError: boom for this region"
    # the failing cell is named as papermill names it: index, execution count, first line, tags
    cell = result.failed[0]["cell"]
    assert cell == {"index": index_run, "exec_count": exec_count, "first_line": "if region == '环翠区':",
                    "tags": ["boom-cell"]}
    named = f"cell {index_run} (In [{exec_count}], tag boom-cell): if region == '环翠区':"
    assert any(named in note and note.startswith("环翠区") for note in result.notes)
    assert json.loads((out / "current" / "run.json").read_text(encoding="utf-8"))["failed"] == [
        {"region": "环翠区", "error": "RuntimeError: boom for this region", "cell": cell}]
    failed = list((out / "current" / "failed").glob("*.ipynb"))
    assert len(failed) == 1 and "boom for this region" in failed[0].read_text(encoding="utf-8")
    index = (out / "current" / "index.html").read_text(encoding="utf-8")
    assert "环翠区" in index and "boom for this region" in index
    assert html.escape(named) in index
    assert any("沧州市" == r["region"] for r in result.reports)
    assert (out / "backtest.csv").read_text(encoding="utf-8") == "kept\n"  # files the run does not make survive


@pytest.mark.slow
def test_planner_template_to_report_end_to_end(tmp_path, built_reports):
    """template -> fill in -> run --actuals: the region's report shows the new values and statuses."""
    before = next(Path(r["html"]) for r in built_reports.reports if r["region"] == "茌平区").read_text(encoding="utf-8")
    filled = tmp_path / "chiping.csv"
    assert main(["template", "--region", "茌平区", "--layout", "long", "-o", str(filled)]) == 0
    t = pd.read_csv(filled, dtype={"value": object})
    # values a planner would type in; made up by the test, not real statistics
    share = (t["indicator"] == "voc_share_of_senior_secondary_enrollment")
    t.loc[share & (t["year"] == 2020), "value"] = "31"
    t.loc[share & (t["year"] == 2021), "value"] = "36"
    t.to_csv(filled, index=False)
    out = tmp_path / "reports"
    assert main(["run", "--region", "茌平区", "--actuals", str(filled), "--out", str(out)]) == 0
    after = next((out / "current").glob("chiping-district-*.html")).read_text(encoding="utf-8")
    assert "2020 年实际 31.0%，已达标" in after and "2020 年实际 31.0%" not in before
    assert "2021 年实际 36.0%，未达标" in after
    # the 2022 target is now forecast from the district's own series, not along the nation's trend
    sentence = re.compile(r"2022 目标 45\.0%[^：]*：[^<]*")
    # before: along a parent's trend (the nearest parent with a series: 山东省 since the NBS provincial data)
    assert "参照山东省" in sentence.search(before).group(0)
    assert "参照" not in sentence.search(after).group(0) and "达标概率" in sentence.search(after).group(0)
    assert "chiping.csv" in after  # the planner's file is listed among the sources


def test_parameters_stay_strings():
    """A region code such as "0635" reaches the notebook as a string, not the number 635."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(ROOT / "notebooks" / "region_report.ipynb"))  # as execute_notebook reads it
    out = parameterize_notebook(nb, {"region": "0635", "as_of": 2021, "actuals": ["a.xlsx"]})
    injected = next(c for c in out.cells if "injected-parameters" in c.metadata.tags)
    ns: dict = {}
    exec(injected.source, ns)  # the injected cell is plain Python assignments
    assert ns["region"] == "0635" and isinstance(ns["region"], str)
    assert ns["as_of"] == 2021 and ns["actuals"] == ["a.xlsx"]


@pytest.mark.slow
def test_run_takes_the_options_assess_takes(tmp_path):
    """--input-region, --on-track and --at-risk reach the loader and the notebooks; run.json hashes
    every file of a planner's plan directory."""
    import json

    from conftest import write_plan
    from indicators.actuals.load import load_actuals
    from indicators.verdicts.assess import assess
    from indicators.rules import Thresholds
    from indicators.plans.catalog import load_catalog

    plans = tmp_path / "plans"
    plans.mkdir()
    # a made-up plan for a made-up district, with its own regions.yaml and source text
    write_plan(plans, "test_2020", "测试区", "到2022年双师型教师比例达到70%以上。",
               [("sec_voc_dual_qualified_teacher_share", 2022, "达到70%以上", "到2022年双师型教师比例达到70%以上")],
               regions_yaml="测试区:\n  en: Test District\n  level: district\n  parent: 聊城市\n")
    wide = tmp_path / "wide.csv"  # a wide file without region sheets; values made up by the test
    wide.write_text("指标,2020,2021\n高中阶段招生职普比,31,36\n", encoding="utf-8")
    out = tmp_path / "reports"
    args = ["run", "--region", "茌平区", "--actuals", str(wide), "--input-region", "茌平区", "--on-track", "0.95",
            "--at-risk", "0.9", "--plans", str(plans), "--out", str(out)]
    assert main(args) == 0
    html = next((out / "current").glob("chiping-district-*.html")).read_text(encoding="utf-8")
    assert "2020 年实际 31.0%" in html  # the wide file was read for the region given
    catalog = load_catalog([plans])
    act = load_actuals([wide], catalog=catalog, region="茌平区")
    counts = {}
    for th in [(0.95, 0.9), (0.7, 0.3)]:
        a = assess(catalog, act, region="茌平区", domain="vocational", thresholds=Thresholds(*th))
        counts[th] = a["status"].value_counts().to_dict()
    assert counts[(0.95, 0.9)] != counts[(0.7, 0.3)]  # the thresholds matter for this region
    shown = {s: int(n) for s, n in re.findall(r'class="badge"[^>]*>([^<]+)</span> <b>(\d+)</b>', html)}
    from indicators.words.explain import STATUS_LABELS
    # the headline badges count the judged statuses (target years needing data are listed apart)
    expected = {STATUS_LABELS["zh"][s]: counts[(0.95, 0.9)].get(s, 0) for s in STATUS_LABELS["zh"]
                if s != "insufficient_data" and (s in counts[(0.7, 0.3)] or s in counts[(0.95, 0.9)])}
    assert {k: v for k, v in shown.items() if k in expected} == expected
    meta = json.loads((out / "current" / "run.json").read_text(encoding="utf-8"))
    assert meta["parameters"]["on_track"] == 0.95 and meta["parameters"]["input_region"] == "茌平区"
    [d] = meta["plan_dirs"]
    assert d["path"] == str(plans.resolve())
    assert set(d["files"]) == {"regions.yaml", "src.txt", "test_2020.yaml"}
    assert d["files"]["src.txt"] == hashlib.sha256((plans / "src.txt").read_bytes()).hexdigest()


def test_cells_papermill_adds_get_stable_ids():
    """Papermill's injected cell has a random id, which nbconvert writes into the page."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from indicators.run.execute import stable_cell_ids

    ids = []
    for _ in range(2):
        nb = parameterize_notebook(load_notebook_node(str(ROOT / "notebooks" / "region_report.ipynb")),
                                   {"region": "茌平区"})
        stable_cell_ids(nb)
        ids.append([c.id for c in nb.cells])
    assert ids[0] == ids[1] and "injected-parameters" in ids[0] and len(set(ids[0])) == len(ids[0])
    page = export_html(nb, "t", "zh")
    assert 'id="cell-id=injected-parameters"' in page


def _one_page(built_reports, tmp_path):
    page = next(Path(r["html"]) for r in built_reports.reports if r["region"] == "环翠区")
    shutil.copy(page, tmp_path / page.name)
    from indicators.run.runner import RunResult

    return RunResult(out=tmp_path, reports=[{"html": str(tmp_path / page.name)}])


@pytest.mark.slow
def test_pdf_without_chromium_says_so_and_keeps_the_html(built_reports, tmp_path, monkeypatch):
    from indicators.run import publish

    monkeypatch.setattr(publish.shutil, "which", lambda name: None)
    result = _one_page(built_reports, tmp_path)
    publish.pdfs(result)
    assert len(result.notes) == 1 and "no Chromium found" in result.notes[0] and "apt-get install chromium" in result.notes[0]
    assert not list(tmp_path.glob("*.pdf")) and list(tmp_path.glob("*.html"))


@pytest.mark.slow
@pytest.mark.skipif(not any(map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))),
                    reason="--pdf needs Chromium: apt-get install chromium")
def test_pdf_is_a4_and_printed_from_the_page(built_reports, tmp_path):
    from indicators.run import publish

    result = _one_page(built_reports, tmp_path)
    publish.pdfs(result)
    assert not result.notes
    pdf = Path(result.reports[0]["pdf"]).read_bytes()
    assert pdf.startswith(b"%PDF")
    sizes = {tuple(round(float(x)) for x in m) for m in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
    assert sizes == {(595, 842)}  # A4 in points, every page

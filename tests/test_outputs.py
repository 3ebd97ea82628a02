"""Outputs safe to open (issue 20): no export is a live formula, no page or cell holds a control
character, no sheet title or chart label makes a command fail. The hostile names are made up by
the tests; the regions and plans they are put into are synthetic too."""

import csv
import io
import json
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from conftest import write_plan
from indicators.cli.main import main
from indicators.cli.output import emit
from indicators.writing import to_csv_text, to_json_text, to_xlsx_bytes
from indicators.safe_text import cell_text, chart_text, clean_text, sheet_title

pytestmark = pytest.mark.usefixtures("one_catalog")  # the CLI reuses the session's catalogue

# names a planner's file may hold: each would be a formula, a DDE command or a link in a spreadsheet
HOSTILE = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "\t=1", "\r=1", "-2+3"]


def _neutralised_csv(text: str) -> str:
    """What a CSV cell holds for ``text`` (the documented rule): a CR made LF, a formula prefixed with '."""
    body, formula = cell_text(text)
    return "'" + body if formula else body


def _csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _xlsx_cells(data: bytes) -> list:
    """Every cell of every sheet (the bureau's workbook has several)."""
    return [c for ws in load_workbook(io.BytesIO(data)) for row in ws.iter_rows() for c in row]


def _no_formula(cells) -> None:
    live = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert live == [], f"live formulas: {live[:5]}"


# --- the rule, cell by cell -------------------------------------------------------------------------

def test_csv_text_cells_are_quoted_out_of_formulas_and_numbers_stay_numbers():
    plain = ["-5", "-5%", "+3.5", "-1,234.5", "-4.12E+3", "-.5", "-5", "-0"]  # numbers written as text
    frame = pd.DataFrame({"region": HOSTILE, "value": [-5.0] * len(HOSTILE), "n": range(len(HOSTILE)),
                          "written": plain[:len(HOSTILE)]})
    rows = _csv_rows(to_csv_text(frame))
    assert [r["region"] for r in rows] == [_neutralised_csv(h) for h in HOSTILE]
    assert rows[0]["region"] == "'=HYPERLINK(\"http://x\",\"y\")" and rows[5]["region"] == "'\n=1"
    assert rows[6]["region"] == "'-2+3"  # a sign then a formula
    assert {r["value"] for r in rows} == {"-5"}  # a negative number is a number, never quoted
    assert [r["written"] for r in rows] == plain[:len(HOSTILE)]  # a plain number as text: read as a number
    assert len(rows) == len(HOSTILE)  # a CR inside a name never breaks a row


def test_xlsx_text_is_a_text_cell_never_a_formula():
    frame = pd.DataFrame({"region": HOSTILE + ["=="], "value": [-5.0] * (len(HOSTILE) + 1)})
    cells = _xlsx_cells(to_xlsx_bytes(frame))
    _no_formula(cells)
    text = {c.value: c for c in cells if c.column == 1 and c.row > 1}
    for name in HOSTILE + ["=="]:
        kept = name.replace("\r", "\n")  # Excel's line break; XML reads a CR back as LF anyway
        assert kept in text and text[kept].data_type == "s" and text[kept].quotePrefix
    assert {c.value for c in cells if c.column == 2 and c.row > 1} == {-5}
    assert all(c.data_type == "n" for c in cells if c.column == 2 and c.row > 1)


def test_xlsx_with_a_nul_in_a_name_is_written_without_it():
    # openpyxl raised IllegalCharacterError: `assess --format xlsx` crashed on a NUL in a name
    frame = pd.DataFrame({"region": ["数学\x00区", "a\x1bb\x85c"], "value": [1.0, float("inf")]})
    cells = _xlsx_cells(to_xlsx_bytes(frame))
    assert [c.value for c in cells if c.column == 1] == ["region", "数学区", "abc"]
    assert [c.value for c in cells if c.column == 2][2] is None  # no INF a spreadsheet calls corrupt


def test_xlsx_is_byte_identical_from_run_to_run():
    frame = pd.DataFrame({"region": ["茌平区", "=1"], "value": [1.5, -2.0]})
    assert to_xlsx_bytes(frame) == to_xlsx_bytes(frame)


def test_json_is_valid_json_only():
    # a run of 309 digits became inf, written as `Infinity`: not JSON
    frame = pd.DataFrame({"value": [float("inf"), float("-inf"), float("nan"), 1.5], "name": ["a\x00", "b", "c",
                                                                                               "\udc80"]})
    text = to_json_text(frame)

    def refuse(constant):
        raise AssertionError(f"{constant} in JSON output")

    rows = json.loads(text, parse_constant=refuse)
    assert [r["value"] for r in rows] == [None, None, None, 1.5]
    assert [r["name"] for r in rows] == ["a\x00", "b", "c", "\ufffd"]  # controls escaped by JSON, kept
    text.encode("utf-8")  # a lone surrogate would not encode


def test_screen_tables_never_send_control_characters_to_the_terminal(capsys):
    emit(pd.DataFrame({"region": ["a\x1b[2Jb", "c\x07"]}), "table")
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "a[2Jb" in out


@pytest.mark.parametrize("name, title", [("威海市:环翠区", "威海市_环翠区"), ("a[1]*?/\\b", "a_1_____b"),
                                         ("'quoted'", "quoted"), ("x" * 40, "x" * 31), ("\x00", "Sheet1"),
                                         ("History", "History_"), ("😀" * 20, "😀" * 15)])
def test_sheet_titles_are_ones_excel_accepts(name, title):
    assert sheet_title(name) == title


def test_clean_text_keeps_printable_text_and_rtl_marks():
    assert clean_text("\u200f阿拉伯\u202e区\t\n") == "\u200f阿拉伯\u202e区\t\n"
    assert clean_text("a\x00\x7f\x9f\ufffeb") == "ab"


# --- the commands -----------------------------------------------------------------------------------

@pytest.mark.slow  # assesses a bundled region (6 s); the fast test of the rule is the "==" above
def test_bundled_assess_xlsx_has_no_live_formula(tmp_path, capsys):
    # every `==` comparator was written as a live `=` formula, even on the bundled data
    out = tmp_path / "a.xlsx"
    assert main(["assess", "--region", "茌平区", "--format", "xlsx", "-o", str(out)]) == 0
    cells = _xlsx_cells(out.read_bytes())
    _no_formula(cells)
    # the bureau's workbook: the plan's clauses and quotes are text cells (a quote may start with "=")
    assert {"达标判断", "中期评估"} <= {c.parent.title for c in cells}
    assert any(isinstance(c.value, str) and "双师型" in c.value for c in cells)


PLAN_REGION = "=cmd|' /C calc'!A0"  # a made-up region name: a DDE command to Excel


def _hostile_plan(tmp_path):
    text = "2022年双师型教师比例达到70%。"
    items = [("sec_voc_dual_qualified_teacher_share", 2022, "达到70%", "2022年双师型教师比例达到70%")]
    tmp_path.mkdir()
    regions = f"\"{PLAN_REGION}\":\n  en: \"@SUM(A1)\"\n  level: district\n  parent: 聊城市\n"
    write_plan(tmp_path, "hostile_2020", f'"{PLAN_REGION}"', text, items, regions_yaml=regions)
    return tmp_path


def test_a_hostile_region_in_a_plan_is_text_in_targets_and_assess(tmp_path, capsys):
    plans = str(_hostile_plan(tmp_path / "plans"))
    assert main(["targets", "--plans", plans, "--plan", "hostile_2020", "--format", "csv"]) == 0
    rows = _csv_rows(capsys.readouterr().out)
    assert rows and {(r["region"], r["region_en"]) for r in rows} == {("'" + PLAN_REGION, "'@SUM(A1)")}
    out = tmp_path / "a.xlsx"
    assert main(["assess", "--plans", plans, "--plan", "hostile_2020", "--format", "xlsx", "-o", str(out),
                 "--lang", "en"]) == 0
    cells = _xlsx_cells(out.read_bytes())
    _no_formula(cells)
    assert "@SUM(A1)" in {c.value for c in cells}  # the bureau's workbook names the region in English
    assert main(["assess", "--plans", plans, "--plan", "hostile_2020", "-o", str(out)]) == 0  # zh, by extension
    cells = _xlsx_cells(out.read_bytes())
    _no_formula(cells)
    assert PLAN_REGION in {c.value for c in cells}


def _planner_file(path, names):
    """A long planner file, made up for the test: hostile names in region, indicator and source."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["region", "indicator", "year", "value", "unit", "source"])
        for i, name in enumerate(names):
            w.writerow(["茌平区", "sec_voc_schools", 2000 + i, i + 1, "", name])  # a hostile source
            w.writerow([name, "sec_voc_schools", 2000 + i, i + 1, "", "x"])  # an unknown region: a warning
            w.writerow(["茌平区", name, 2000 + i, i + 1, "", "x"])  # an unknown indicator: an error
    return path


NAMES = [h for h in HOSTILE if not h.startswith(("\t", "\r"))]  # readers strip a name's leading whitespace


def _unsafe(rows) -> list:
    return [v for r in rows for v in r.values() if v and v.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_hostile_names_in_a_planner_file_are_text_in_validate(tmp_path, capsys):
    f = _planner_file(tmp_path / "p.csv", NAMES)
    assert main(["validate", str(f), "--format", "csv"]) == 1
    problems = _csv_rows(capsys.readouterr().out)
    assert {"'" + n for n in NAMES} <= {r["value"] for r in problems}  # unknown regions and indicators
    assert _unsafe(problems) == []


@pytest.mark.slow  # loads every bundled actuals file (4 s)
def test_hostile_names_in_a_planner_file_are_text_in_actuals(tmp_path, capsys):
    f = _planner_file(tmp_path / "p.csv", NAMES)
    f.write_text("\n".join(line for line in f.read_text(encoding="utf-8").splitlines()
                           if ",sec_voc_schools," in line or line.startswith("region")) + "\n", encoding="utf-8")
    assert main(["actuals", "--actuals", str(f), "--format", "csv"]) == 0
    rows = _csv_rows(capsys.readouterr().out)
    assert {"'" + n for n in NAMES} <= {r["region"] for r in rows}
    assert {"'" + n for n in NAMES} <= {r["source_title"] for r in rows}
    assert _unsafe(rows) == []


def test_template_for_a_region_with_a_colon_writes_a_safe_sheet_title(tmp_path, capsys):
    # `template --format xlsx` crashed on a ":" in a region name (a sheet title cannot hold it)
    region = "测试:区"
    text = "2022年双师型教师比例达到70%。"
    items = [("sec_voc_dual_qualified_teacher_share", 2022, "达到70%", "2022年双师型教师比例达到70%")]
    plans = tmp_path / "plans"
    plans.mkdir()
    write_plan(plans, "colon_2020", f'"{region}"', text, items,
               regions_yaml=f'"{region}":\n  en: Test District\n  level: district\n  parent: 聊城市\n')
    out = tmp_path / "t.xlsx"
    assert main(["template", "--plans", str(plans), "--region", region, "-o", str(out)]) == 0
    err = capsys.readouterr().err
    wb = load_workbook(out)
    assert wb.sheetnames == ["测试_区"]
    assert wb.active["A1"].value == region  # the region is kept in the cells, above the table
    assert "--input-region" in err
    assert main(["validate", "--plans", str(plans), str(out), "--input-region", region]) == 0


# --- charts ------------------------------------------------------------------------------------------

MATH = "数学$\\frac$区"  # made `run` fail: matplotlib parsed the name as mathtext


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def test_a_chart_with_dollar_names_renders():
    from indicators.reports.plots import plot_indicator, use_cjk_font

    use_cjk_font()
    actuals = pd.DataFrame({"year": [2019, 2020], "value": [40.0, 45.0], "definition": ["standard"] * 2})
    targets = pd.DataFrame({"year": [2022], "value": [50.0], "clause": ["$\\alpha$"]})
    parent = (MATH, pd.DataFrame({"year": [2019, 2020], "value": [41.0, 43.0]}))
    ax = plot_indicator(actuals, pd.DataFrame(columns=["year", "target", "status"]), targets, pd.DataFrame(),
                        MATH, "percent", "zh", parent=parent)
    assert ax.get_title(loc="left").replace("\\$", "$").replace("\n", "").startswith(MATH)
    assert _png(ax.figure).startswith(b"\x89PNG")


def test_a_heatmap_with_dollar_names_renders():
    from indicators.reports.plots import status_heatmap, use_cjk_font

    use_cjk_font()
    table = pd.DataFrame({MATH: ["met"], "$x^$": ["at_risk"]}, index=["$\\sqrt$\x00"])
    ax = status_heatmap(table, "en")
    labels = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    assert all("\x00" not in t for t in labels)
    assert _png(ax.figure).startswith(b"\x89PNG")


def test_chart_text_escapes_every_dollar_and_drops_controls():
    assert chart_text("a$b$\x00c\nd") == "a\\$b\\$c\nd"


# --- pages -------------------------------------------------------------------------------------------

def test_html_escape_removes_control_characters():
    from indicators.reports.html import esc, src

    assert esc("<b>数学\x00区</b>\x1b") == "&lt;b&gt;数学区&lt;/b&gt;"
    assert src("环翠区\x00 District\x85", "en") == '<span lang="zh-CN">环翠区</span> District'


# --- fuzz: random names through every export, the HTML escape and the chart labels --------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# written out independently of safe_text: what the documented rule leaves of a name
_GONE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _clean(name: str) -> str:
    """A name without control characters, each lone surrogate U+FFFD (pages, cells)."""
    return _GONE.sub("", "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in name))


def _kept(name: str) -> str:
    """A name as a CSV or XLSX cell keeps it: cleaned, CR made LF."""
    return _clean(name).replace("\r\n", "\n").replace("\r", "\n")


_ANY_CHAR = st.characters(blacklist_categories=())  # surrogates and controls included
FUZZ_NAMES = st.one_of(
    st.text(_ANY_CHAR, max_size=30),
    st.tuples(st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\x00=", " =", "'"]), st.text(_ANY_CHAR, max_size=20))
    .map("".join),
    st.text(st.sampled_from("$\\{}^_数学区\u200f\u202e\u0000\r\n\t =+-@\"',;"), max_size=30),
    st.tuples(st.text(st.sampled_from("a区\r\x00="), min_size=1, max_size=5), st.integers(32700, 32800))
    .map(lambda t: (t[0] * 32800)[:t[1]]),  # around Excel's cell limit
)
FUZZ = settings(derandomize=True, max_examples=120, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?([0-9][0-9,]*(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?%?")


def _formula(name: str) -> bool:
    """A spreadsheet would run the cleaned name: a formula start, and not a plain number."""
    return _clean(name).startswith(_FORMULA) and not _NUMBER.fullmatch(_clean(name))


@pytest.mark.slow
@FUZZ
@given(names=st.lists(FUZZ_NAMES, min_size=1, max_size=4),
       values=st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=3))
def test_fuzz_every_export_keeps_names_as_text(tmp_path_factory, names, values):
    out = tmp_path_factory.mktemp("fuzz")
    n = len(names)
    frame = pd.DataFrame({"region": names, "indicator": names[::-1], "source": names, "value": (values * n)[:n],
                          "year": range(2000, 2000 + n)})
    for fmt in ("csv", "json", "xlsx", "table"):
        emit(frame, fmt, out / f"t.{fmt}")
    rows = _csv_rows((out / "t.csv").read_text(encoding="utf-8"))
    assert len(rows) == n
    for r, name in zip(rows, names):
        assert r["region"] == ("'" if _formula(name) else "") + _kept(name) == r["source"]
    ws = load_workbook(out / "t.xlsx").active
    _no_formula([c for row in ws.iter_rows() for c in row])
    for i, name in enumerate(names, start=2):
        k = _kept(name)
        want = k if len(k) <= 32767 else k[:32766] + "…"
        assert (ws.cell(i, 1).value or "") == want == (ws.cell(i, 3).value or "")
        assert ws.cell(i, 1).quotePrefix == _formula(name)
    records = json.loads((out / "t.json").read_text(encoding="utf-8"), parse_constant=pytest.fail)
    assert [r["region"] for r in records] == ["".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in name)
                                              for name in names]
    screen = (out / "t.table").read_text(encoding="utf-8")
    assert not _GONE.search(screen) and "\t" not in screen and "\r" not in screen


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Glyph")  # random code points the fonts do not have
@settings(FUZZ, max_examples=60)  # drawing is the slow part: 60 labels, about 15 s
@given(name=FUZZ_NAMES)
def test_fuzz_html_and_chart_labels(name):
    import html

    import matplotlib.pyplot as plt
    from matplotlib import cbook

    from indicators.reports.html import esc

    page = esc(name)
    assert not _GONE.search(page) and html.unescape(page) == _clean(name)
    page.encode("utf-8")  # no lone surrogate
    label = chart_text(name[:200])
    assert not cbook.is_math_text(label)
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title(label)
    ax.set_xticks([0], [label])
    fig.canvas.draw()  # mathtext raised here on `$\frac$`
    plt.close(fig)


@pytest.mark.slow  # assesses every bundled region (the overview's heatmap shows them all)
def test_a_region_named_like_mathtext_gets_its_report_and_overview_charts(tmp_path):
    # `数学$\frac$区` made `run` fail: the heatmap's region labels and the charts went to mathtext
    from indicators.reports.context import overview, region_report

    plans = tmp_path / "plans"
    plans.mkdir()
    write_plan(plans, "math_2020", f"'{MATH}'", "到2022年双师型教师比例达到70%以上。",
               [("sec_voc_dual_qualified_teacher_share", 2022, "达到70%以上", "到2022年双师型教师比例达到70%以上")],
               regions_yaml=f"'{MATH}':\n  en: Math $x$ District\n  level: district\n  parent: 聊城市\n")
    data = tmp_path / "data.csv"  # made-up values for the made-up district
    data.write_text(f"region,indicator,year,value\n{MATH},sec_voc_dual_qualified_teacher_share,2020,52.5\n"
                    f"{MATH},sec_voc_dual_qualified_teacher_share,2021,61.5\n", encoding="utf-8")
    for lang in ("zh", "en"):
        rep = region_report(MATH, [str(data)], lang=lang, plans=[str(plans)])
        assert rep.charted() and all(rep.chart_image(k).data.startswith(b"\x89PNG") for k in rep.charted())
        # (Latin letters of a name are marked lang="en" in a Chinese page: read it without the marks)
        assert MATH in re.sub(r'<span lang="en">(.*?)</span>', r"\1", rep.header_html()) or lang == "en"
        ax = overview([str(data)], lang=lang, plans=[str(plans)]).heatmap()
        assert _png(ax.figure).startswith(b"\x89PNG")

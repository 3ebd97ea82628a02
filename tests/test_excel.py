"""Excel as planners fill it: percent-formatted cells, title rows, two-row headers, merged cells.

Every workbook here is written by openpyxl inside the test (tmp_path); every number in it is made up
for the test, no real source has these values.
"""

import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from indicators.actuals.files import read_actuals_file
from indicators.actuals.load import load_actuals
from indicators.cli.main import main
from indicators.actuals.files import read_tables

REGION = "茌平区"
SHARE = "sec_voc_dual_qualified_teacher_share"   # a percentage indicator
SHARE_ZH = "中职学校“双师型”教师比例"


pytestmark = pytest.mark.usefixtures("one_catalog")  # the CLI reuses the session's catalogue


def _book(path: Path, rows: list[list], merges: tuple[str, ...] = (), formats: dict[str, str] | None = None,
          title: str = REGION) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    wb.save(path)
    return path


def _read(path, catalog, **kw):
    frame, probs = read_actuals_file(path, catalog.vocabulary, catalog.regions, **kw)
    return frame, probs


def _values(frame) -> dict:
    return {(r.indicator, r.breakdown, r.year): r.value for r in frame.itertuples()}


def _validate(capsys, *args) -> tuple[int, pd.DataFrame]:
    rc = main(["validate", *map(str, args), "--format", "csv"])
    out = capsys.readouterr().out
    return rc, (pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False) if out.strip() else pd.DataFrame())


# --- percent formats -------------------------------------------------------------------------------

def test_percent_formatted_cell_is_read_as_the_percentage_shown(tmp_path, catalog, capsys):
    # made-up shares: Excel shows 91.3% and 100%, stores 0.913 and 1; 0.5 in a cell without a % format
    f = _book(tmp_path / "pct.xlsx", [["指标", "2019年", "2020年", "2021年"],
                                       [SHARE_ZH, 0.913, 1, 0.5]],
              formats={"B2": "0.0%", "C2": "0%"})
    assert load_workbook(f).active["B2"].value == 0.913  # what the file really stores
    frame, probs = _read(f, catalog)
    assert _values(frame) == {(SHARE, "", 2019): 91.3, (SHARE, "", 2020): 100.0}
    assert list(frame["value_as_published"]) == ["91.3%", "100%"]
    # the plain 0.5 keeps today's refusal, which names sheet, row and column
    (p,) = probs
    assert (p.code, p.sheet, p.row, p.column, p.value) == ("value.share_as_fraction", REGION, 2, "2021年", "0.5")
    assert "multiply by 100" in p.expected and "or format the cell as percent" in p.expected

    rc, out = _validate(capsys, f)
    assert rc == 1 and list(out["code"]) == ["value.share_as_fraction"] and list(out["sheet"]) == [REGION]


def test_percent_format_reads_full_precision_and_long_layout(tmp_path, catalog):
    # made-up: a share stored with more digits than the 0.0% format shows; a long sheet
    f = _book(tmp_path / "long.xlsx", [["region", "indicator", "year", "value"],
                                        [REGION, SHARE, 2020, 0.91234],
                                        [REGION, SHARE, 2021, 0.9]],
              formats={"D2": "0.0%"}, title="actuals")
    frame, probs = _read(f, catalog)
    assert _values(frame) == {(SHARE, "", 2020): 91.234}
    assert [(p.code, p.row) for p in probs] == [("value.share_as_fraction", 3)]


def test_other_cells_read_as_pandas_reads_them(tmp_path):
    # made-up cells of every kind: the openpyxl reader keeps pandas' text for everything but % formats,
    # Excel error values (pandas made #N/A a blank: it is passed on as its text, to be refused as a value)
    # and whole numbers beyond 2**53 (written in scientific notation: their last digits are binary noise)
    rows = [["指标", "2019年", 2020, 2021.0, "NA"], ["a", 5387.35, 20000.5, 1e20, "None"],
            [None] * 5, ["b", True, 17, "  x ", "—"], ["c", 1 / 3, -0.0, 123456789012345, "#N/A"]]
    f = _book(tmp_path / "kinds.xlsx", rows)
    (grid,), probs = read_tables(f)
    old = pd.read_excel(f, sheet_name=REGION, header=None, dtype=str, engine="openpyxl")

    def text(df):
        df = df.dropna(how="all").dropna(axis=1, how="all")
        return [[c if isinstance(c, str) else None for c in r] for r in df.values.tolist()]

    expected = text(old)
    assert expected[1][3] == "100000000000000000000" and expected[3][4] is None
    expected[1][3], expected[3][4] = "1e+20", "#N/A"
    assert probs == [] and text(grid.cells) == expected
    assert float(grid.cells.iat[1, 3]) == 1e20


# --- title rows and two-row headers ---------------------------------------------------------------

def test_title_row_above_the_header_is_skipped_rows_keep_their_numbers(tmp_path, catalog):
    # made-up values under a title merged across the table, with a blank row inside the body
    f = _book(tmp_path / "title.xlsx", [["茌平区职业教育指标（测试）"], ["指标", "2019年", "2020年"],
                                         ["中职学校数量（个）", 3, 4], [None], ["培训规模（人日）", 100, "—"]],
              merges=("A1:C1",))
    frame, probs = _read(f, catalog)
    assert _values(frame) == {("sec_voc_schools", "", 2019): 3.0, ("sec_voc_schools", "", 2020): 4.0,
                              ("training_person_days", "", 2019): 100.0}
    assert list(frame["row"]) == [f"{REGION}!3", f"{REGION}!3", f"{REGION}!5"]
    assert [(p.code, p.row, p.column) for p in probs] == [("value.missing", 5, "2020年")]


def test_title_row_in_a_csv_is_skipped(tmp_path, catalog):
    # made-up long CSV with a one-cell title line
    f = tmp_path / "title.csv"
    f.write_text("茌平区 测试数据,,,\nregion,indicator,year,value\n茌平区,sec_voc_schools,2020,5\n", encoding="utf-8")
    frame, probs = _read(f, catalog)
    assert probs == [] and _values(frame) == {("sec_voc_schools", "", 2020): 5.0}
    assert list(frame["row"]) == [3]


def test_several_cells_above_the_header_say_what_to_change(tmp_path, catalog, capsys):
    # made-up form fields above the header: not a title, so nothing is guessed
    f = _book(tmp_path / "above.xlsx", [["填报单位：测试", None, "填报日期：测试"], ["指标", "2019年", "2020年"],
                                         ["中职学校数量（个）", 3, 4]])
    frame, probs = _read(f, catalog)
    assert frame.empty
    (p,) = probs
    assert (p.code, p.sheet, p.row, p.severity) == ("layout.rows_above_header", REGION, 1, "error")
    assert "row 1 is above the header" in p.expected and "the header with years is row 2" in p.expected
    assert "delete row 1 or merge its cells into one title" in p.expected
    rc, out = _validate(capsys, f)
    assert rc == 1 and list(out["row"]) == ["1"] and list(out["sheet"]) == [REGION]


def test_two_row_header_indicator_merged_down_years_under_a_merged_label(tmp_path, catalog):
    # made-up values; 指标 and 分项 merged over rows 2-3, 年度 merged across the three years, a title above
    f = _book(tmp_path / "two.xlsx", [["测试表"], ["指标", "分项", "年度", None, None],
                                       [None, None, "2019年", "2020年", 2021],
                                       ["中职学校数量（个）", "公办", 3, 3, 4]],
              merges=("A1:E1", "A2:A3", "B2:B3", "C2:E2"))
    frame, probs = _read(f, catalog)
    assert probs == []
    assert _values(frame) == {("sec_voc_schools", "公办", y): v for y, v in [(2019, 3.0), (2020, 3.0), (2021, 4.0)]}
    assert set(frame["row"]) == {f"{REGION}!4"}


def test_two_row_header_saved_as_csv(tmp_path, catalog):
    # made-up: the same shape exported to CSV keeps 指标 in the upper row only
    f = tmp_path / "two.csv"
    f.write_text("指标,年度,\n,2019年,2020年\n中职学校数量（个）,3,4\n", encoding="utf-8")
    frame, probs = _read(f, catalog, region=REGION)
    assert probs == [] and _values(frame) == {("sec_voc_schools", "", 2019): 3.0, ("sec_voc_schools", "", 2020): 4.0}


# --- merged body cells ----------------------------------------------------------------------------

def test_indicator_merged_down_over_breakdown_rows_is_read_on_each(tmp_path, catalog):
    # made-up counts per breakdown; the indicator name is merged over rows 2-4
    f = _book(tmp_path / "merged.xlsx", [["指标", "分项", "2019年", "2020年"],
                                          ["中职学校数量（个）", "公办", 3, 4],
                                          [None, "民办", 1, 2],
                                          [None, "合计", 4, 6]],
              merges=("A2:A4",))
    frame, probs = _read(f, catalog)
    assert probs == []
    assert _values(frame) == {("sec_voc_schools", b, y): v for b, y, v in [
        ("公办", 2019, 3.0), ("公办", 2020, 4.0), ("民办", 2019, 1.0), ("民办", 2020, 2.0),
        ("合计", 2019, 4.0), ("合计", 2020, 6.0)]}
    assert _values(frame) == _values(load_actuals([f], catalog=catalog, bundled=False,
                                                  with_baselines=False).frame)


def test_merged_value_is_an_error_naming_the_range(tmp_path, catalog, capsys):
    # made-up: one value merged across two years (which year is it?)
    f = _book(tmp_path / "mv.xlsx", [["指标", "2019年", "2020年", "2021年"],
                                      ["中职学校数量（个）", 3, None, 5]],
              merges=("B2:C2",))
    frame, probs = _read(f, catalog)
    assert frame.empty
    (p,) = probs
    assert (p.code, p.sheet, p.row, p.column, p.value) == ("layout.merged_values", REGION, 2, "2019年", "3")
    assert "B2:C2 is merged over several years" in p.expected and "unmerge it" in p.expected
    assert _validate(capsys, f)[0] == 1


def test_values_without_an_indicator_name_are_an_error_not_skipped(tmp_path, catalog):
    # made-up CSV where the name is left blank under the row above (no merge to say what is meant)
    f = tmp_path / "blank.csv"
    f.write_text("指标,分项,2019年\n中职学校数量（个）,公办,3\n,民办,1\n", encoding="utf-8")
    frame, probs = _read(f, catalog, region=REGION)
    assert len(frame) == 1
    (p,) = probs
    assert (p.code, p.row, p.column, p.value) == ("layout.no_label", 3, "指标", "1")


def test_long_table_with_unknown_header_names_keeps_the_layout_message(tmp_path, catalog):
    # made-up long CSV with Chinese column names: its year column is not taken for a header of years
    f = tmp_path / "zh.csv"
    f.write_text("地区,指标名称,年份,数值\n茌平区,sec_voc_schools,2020,5\n茌平区,sec_voc_schools,2021,6\n", encoding="utf-8")
    frame, probs = _read(f, catalog, region=REGION)
    assert frame.empty
    (p,) = probs
    assert (p.code, p.row) == ("layout.no_year_columns", 1)
    assert "long columns region, indicator, year, value" in p.expected

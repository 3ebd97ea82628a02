"""`indicators validate` puts the error first: errors, then warnings, then one line per row that has
blanks; `--all` lists every blank cell; words in the language of --lang. The filled template is made
in the test: the bundled 茌平区 template with values typed in (synthetic, for the test only)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from indicators.cli.main import main


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """The 茌平区 template, filled as a planner might on a first try: 中职生均拨款 for 2020-2022 and
    双师型 for 2020 with one value typed in words (the one error). SYNTHETIC values."""
    d = tmp_path_factory.mktemp("template")
    blank = d / "茌平区.xlsx"
    assert main(["template", "--region", "茌平区", "-o", str(blank)]) == 0
    wb = load_workbook(blank)
    ws = wb.active
    header = [c.value for c in ws[1]]
    col = {y: header.index(f"{y}年") + 1 for y in (2020, 2021, 2022)}
    for r in range(2, ws.max_row + 1):
        name = str(ws.cell(r, 1).value or "")
        if name.startswith("中职生均拨款"):
            for y, v in ((2020, 3400), (2021, 3500), (2022, 3600)):
                ws.cell(r, col[y]).value = v
        if name.startswith("中职学校“双师型”教师比例"):
            ws.cell(r, col[2020]).value = "92.1%"
            ws.cell(r, col[2021]).value = "九十二点五"  # not one number: the error
    out = d / "filled.xlsx"
    wb.save(out)
    return out


def test_the_error_comes_first_then_one_line_per_row_with_blanks(filled, capsys):
    assert main(["validate", str(filled)]) == 1
    cap = capsys.readouterr()
    out = cap.out
    assert out.startswith("错误\n")
    assert out.index("九十二点五") < out.index("空值（每行一行")
    lines = out[out.index("空值（每行一行"):].splitlines()[1:]
    assert "中职生均拨款：2014–2018 年 5 个空值" in lines
    assert not any("value.missing" in line for line in out.splitlines())  # no line per blank cell
    # one line per row that has blanks, never one per cell
    wb = load_workbook(filled)
    rows_with_blanks = sum(1 for row in wb.active.iter_rows(min_row=2, values_only=True)
                           if row[0] and any(v is None for v in row[2:]))
    assert len(lines) == rows_with_blanks
    assert "1 个错误，0 个警告" in cap.err and f"（{rows_with_blanks} 行）" in cap.err


def test_all_lists_every_blank_cell(filled, capsys):
    assert main(["validate", str(filled), "--format", "csv"]) == 1
    probs = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    assert list(probs["severity"])[:1] == ["error"]
    order = {"error": 0, "warning": 1, "missing": 2}
    assert list(probs["severity"].map(order)) == sorted(probs["severity"].map(order))  # errors first
    n_blank = int((probs["severity"] == "missing").sum())
    assert main(["validate", str(filled), "--all"]) == 1
    out = capsys.readouterr().out
    every = out[out.index("空值（逐格）"):]
    assert sum(1 for line in every.splitlines() if "有数值" in line) == n_blank


def test_validate_speaks_english_with_lang_en(filled, capsys):
    assert main(["validate", str(filled), "--lang", "en"]) == 1
    cap = capsys.readouterr()
    assert cap.out.startswith("Errors\n") and "severity" in cap.out and "级别" not in cap.out
    assert "中职生均拨款: 5 blank value(s) in 2014–2018" in cap.out
    assert "1 error(s), 0 warning(s)" in cap.err


def test_rows_of_one_indicator_with_breakdowns_say_their_row(filled, capsys):
    assert main(["validate", str(filled)]) == 1
    out = capsys.readouterr().out
    points = [line for line in out.splitlines() if line.startswith("中职专业点数")]
    assert len(points) > 1 and all("（第 " in line for line in points)
    assert len(set(points)) == len(points)

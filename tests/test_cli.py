"""The command line as a planner uses it."""

import io
import json
import re

import pandas as pd
import pytest

from indicators.cli.main import main
from wording import assert_worded_in_chinese


def test_targets_csv_lists_every_target_with_source(capsys, catalog):
    assert main(["targets", "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    for col in ["plan", "region", "region_en", "indicator", "indicator_zh", "year", "value", "value_high",
                "comparator", "unit", "kind", "domain", "clause", "quote"]:
        assert col in frame.columns
    assert len(frame) == len(catalog.targets)
    assert set(frame["plan"]) == set(catalog.plans)


def test_targets_filters_and_json(capsys):
    assert main(["targets", "--region", "Chiping District", "--kind", "baseline", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["region"] for r in rows} == {"茌平区"} and {r["year"] for r in rows} <= {2019, None}


def test_check_plans_reports_and_exits_zero(capsys):
    assert main(["check-plans", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "conflict" in out and "stated_ratio" in out and "school_size" in out


def test_bad_plans_dir_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "x.yaml").write_text("plan: [", encoding="utf-8")
    assert main(["targets", "--plans", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "规划目录无法加载" in err and "x.yaml" in err and "有效的 YAML" in err and "[file.bad_yaml]" in err
    assert main(["targets", "--plans", str(tmp_path), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "catalogue failed to load" in err and "x.yaml" in err and "valid YAML" in err


def test_output_file_is_written(tmp_path, capsys):
    out = tmp_path / "t.json"
    assert main(["plans", "--format", "json", "-o", str(out)]) == 0
    assert {r["plan"] for r in json.loads(out.read_text(encoding="utf-8"))} >= {"chiping_2020"}


@pytest.mark.slow
def test_assess_csv_has_both_languages_and_is_deterministic(capsys):
    assert main(["assess", "--format", "csv"]) == 0
    first = capsys.readouterr().out
    assert main(["assess", "--format", "csv"]) == 0
    assert capsys.readouterr().out == first  # byte-identical tables from the same inputs
    frame = pd.read_csv(io.StringIO(first))
    for col in ["plan", "region", "indicator", "year", "clause", "target", "comparator", "unit", "latest_year",
                "latest_value", "forecast", "lo80", "hi80", "p_meet", "status", "required_change",
                "historical_change", "pace_ratio", "years_late", "model", "explanation"]:
        assert col in frame.columns
    assert frame["status"].notna().all()
    assert frame["explanation_zh"].str.contains("目标").all() and frame["explanation_en"].str.contains("target").all()
    assert (frame["explanation"] == frame["explanation_zh"]).all()


@pytest.mark.slow
def test_assess_xlsx_needs_an_output_file(tmp_path, capsys):
    assert main(["assess", "--format", "xlsx"]) == 1
    assert "--format xlsx 需要 -o 文件名" in capsys.readouterr().err  # said in the language of --lang (zh)
    assert main(["assess", "--format", "xlsx", "--lang", "en"]) == 1
    assert "--format xlsx needs -o FILE" in capsys.readouterr().err
    out = tmp_path / "a.xlsx"
    assert main(["assess", "--region", "茌平区", "--format", "xlsx", "-o", str(out), "--lang", "en"]) == 0
    frame = pd.read_excel(out, sheet_name="Verdicts")  # the bureau's workbook, headed in English
    assert len(frame) and frame["Explanation"].str.contains("target").all()


# --- fits the screen, speaks the user's language ---------------------------------------------

import argparse  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


from indicators.text import text_width  # noqa: E402

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _cli(*args: str, columns: int = 100, lang_env: str = "C.UTF-8") -> subprocess.CompletedProcess:
    """The real command in a subprocess, as in a terminal of ``columns`` columns."""
    env = {**os.environ, "COLUMNS": str(columns), "LANG": lang_env, "LC_ALL": "", "LC_MESSAGES": "",
           "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("INDICATORS_PLANS", None)
    return subprocess.run([sys.executable, "-m", "indicators.cli.main", *args], capture_output=True, text=True, env=env,
                          check=True)


@pytest.mark.parametrize("command", [["targets"], ["check-plans"], ["assess"], ["assess", "--lang", "en"],
                                     ["targets", "--region", "茌平区", "--lang", "en"]])
@pytest.mark.slow  # runs the whole catalogue through assess or a report
def test_tables_fit_100_columns(command):
    out = _cli(*command).stdout
    widths = [text_width(line) for line in out.splitlines()]
    assert len(widths) > 10 and max(widths) <= 100, max(widths)
    wide = _cli(*command, "--wide").stdout  # --wide: the full table, as before
    assert max(text_width(line) for line in wide.splitlines()) > 100


@pytest.mark.slow  # runs the whole catalogue through assess or a report
def test_narrower_terminal_narrower_table():
    out = _cli("assess", "--region", "茌平区", columns=80).stdout
    assert max(text_width(line) for line in out.splitlines()) <= 80


def test_csv_keeps_every_column_and_the_keys(capsys):
    assert main(["targets", "--region", "茌平区", "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert {"quote", "unit_written", "target_id", "comparator"} <= set(frame.columns)
    assert "sec_voc_dual_qualified_teacher_share" in set(frame["indicator"])


@pytest.mark.slow  # runs the whole catalogue through assess or a report
def test_chinese_names_and_statuses_by_default_english_with_lang_en():
    zh = _cli("assess", "--region", "茌平区").stdout
    assert "双师型" in zh and "存在风险" in zh and "有望达标" in zh
    assert "sec_voc_dual_qualified_teacher_share" not in zh and "at_risk" not in zh
    en = _cli("assess", "--region", "茌平区", "--lang", "en").stdout
    assert "dual-qualified" in en and "at risk" in en and "存在风险" not in en
    assert "_share" not in en and "at_risk" not in en
    targets = _cli("targets", "--region", "茌平区").stdout
    assert "双师型" in targets and "_ratio" not in targets
    checks = _cli("check-plans").stdout
    assert "同年数值冲突" in checks and "stated_ratio" not in checks


def test_validate_names_the_row_label_the_planner_typed(tmp_path, capsys):
    f = tmp_path / "bad.csv"
    f.write_text("指标,2020,2021\n生师比,17,-3\n", encoding="utf-8")
    assert main(["validate", str(f), "--input-region", "茌平区"]) == 1
    out = capsys.readouterr().out
    assert "生师比 是人数或金额" in out and "sec_voc_student_teacher_ratio" not in out
    assert main(["validate", str(f), "--input-region", "茌平区", "--lang", "en"]) == 1
    assert "生师比 is a count" in capsys.readouterr().out


def test_validate_says_what_was_expected_in_the_planners_language(tmp_path, capsys):
    """Made-up planner rows, one per refusal a hand-filled file meets: under zh (the default) the 应为 column
    is Chinese, naming the row's own facts; under --lang en it is the English of Problem.expected."""
    f = tmp_path / "hand.csv"
    f.write_text("region,indicator,year,value,unit\n茌平区,sec_voc_students,2021,16030 1582,人\n"
                 "茌平区,sec_voc_students,1800,5,人\n茌平区,sec_voc_dual_qualified_teacher_share,2019,0.5,\n"
                 "茌平区,sec_voc_students,2017,5,元\n茌平县城,sec_voc_students,2020,5,人\n", encoding="utf-8")
    assert main(["validate", str(f), "--output", str(tmp_path / "zh.txt")]) == 1
    zh = (tmp_path / "zh.txt").read_text(encoding="utf-8")
    for words in ("以人计的一个数字", "1949 至 2100 之间的整数年份", "请乘以 100（50）", "“元”不能换算为人",
                  "此地区的数值不对应任何规划地区"):
        assert words in zh, words
    assert "a number in" not in zh and "a whole year" not in zh
    assert main(["validate", str(f), "--lang", "en", "--output", str(tmp_path / "en.txt")]) == 1
    en = (tmp_path / "en.txt").read_text(encoding="utf-8")
    assert "a number in persons" in en and "multiply by 100 (50)" in en and "以人计" not in en


def _actions(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from ((name, a) for a in sub._actions)
        else:
            yield "indicators", action


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_option_has_help_in_the_language(lang):
    from indicators.cli.main import build_parser

    cjk = re.compile(r"[\u4e00-\u9fff]")
    seen = 0
    for command, action in _actions(build_parser(lang)):
        if isinstance(action, argparse._SubParsersAction):
            continue
        assert action.help, f"{command} {action.option_strings or action.dest} has no help"
        if lang == "zh" and action.option_strings != ["--version"]:
            assert cjk.search(action.help), f"{command} {action.option_strings}: {action.help}"
        if lang == "en":
            assert not cjk.search(action.help.replace("茌平区", "").replace("镇江市", "")), action.help
        seen += 1
    assert seen > 60


@pytest.mark.slow  # runs the whole catalogue through assess or a report
def test_help_follows_lang_or_the_locale():
    assert "只用截至此年份的实际数据" in _cli("assess", "-h", lang_env="zh_CN.UTF-8").stdout
    assert "use only actuals up to this year" in _cli("assess", "-h").stdout
    assert "use only actuals up to this year" in _cli("assess", "-h", "--lang", "en", lang_env="zh_CN.UTF-8").stdout
    assert "模板所属地区" in _cli("template", "--lang", "zh", "-h").stdout


def test_run_and_assess_take_the_same_options():
    from indicators.cli.main import build_parser

    subs = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    opts = {name: {s for a in subs[name]._actions for s in a.option_strings} for name in ("run", "assess")}
    shared = {"--region", "--domain", "--actuals", "--input-region", "--as-of", "--lang", "--on-track", "--at-risk",
              "--plans"}
    assert shared <= opts["run"] and shared <= opts["assess"]
    for name in ("run", "assess"):  # the region filter is repeatable in both
        act = next(a for a in subs[name]._actions if "--region" in a.option_strings)
        assert isinstance(act, argparse._AppendAction)


@pytest.mark.slow  # runs the whole catalogue through assess or a report
def test_assess_takes_several_regions(capsys):
    assert main(["assess", "--region", "茌平区", "--region", "环翠", "--format", "csv"]) == 0
    assert set(pd.read_csv(io.StringIO(capsys.readouterr().out))["region"]) == {"茌平区", "环翠区"}


def test_every_refusal_of_a_hand_filled_file_is_worded_in_chinese(tmp_path):
    """Made-up hand-filled files with one fault each of the kinds planners made through the year (issue 18's
    trial): every problem's 应为 is the Chinese template filled from the problem's own facts, never the English
    fallback that a missing fact would leave."""
    import openpyxl

    from indicators.actuals.files import read_actuals_file
    from indicators.plans.catalog import load_catalog

    def book(name, rows, merge=None, hide_row=None, hidden_sheet=False):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "茌平区"
        for r in rows:
            ws.append(r)
        if merge:
            ws.merge_cells(merge)
        if hide_row:
            ws.row_dimensions[hide_row].hidden = True
        if hidden_sheet:
            wb.create_sheet("旧表").sheet_state = "hidden"
        wb.save(tmp_path / name)

    book("above.xlsx", [["茌平区中职统计表", None, "填表人：张"], ["指标", 2019, 2020], ["中职在校生数", 5000, 5100]])
    book("twice.xlsx", [["指标", 2019, 2020, 2020], ["中职在校生数", 1, 2, 3]])
    book("nolabel.xlsx", [["指标", 2019, 2020], ["中职在校生数", 1, 2], [None, 3, 4]])
    book("merged.xlsx", [["指标", 2019, 2020], ["中职学校数量", 7, None]], merge="B2:C2")
    book("hidden.xlsx", [["指标", 2019, 2020], ["中职在校生数", 1, "#DIV/0!"], ["中职学校数量", 7, 8]], hide_row=3,
         hidden_sheet=True)
    (tmp_path / "dup.csv").write_text("region,indicator,year,value\n茌平区,sec_voc_students,2021,5100\n"
                                      "茌平区,sec_voc_students,2021,5200\n", encoding="utf-8")
    (tmp_path / "cols.csv").write_text("region,indicator,value\n茌平区,sec_voc_students,5100\n", encoding="utf-8")
    (tmp_path / "bad.csv").write_text('region,indicator,year,value\n茌平区,"sec_voc_students,2021,5100\n',
                                      encoding="utf-8")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    (tmp_path / "latin.csv").write_bytes("région,indicateur\ncafé crème,brûlée\n".encode("cp1252"))
    cat = load_catalog()
    seen = set()
    for name in ("above.xlsx", "twice.xlsx", "nolabel.xlsx", "merged.xlsx", "hidden.xlsx",
                 "dup.csv", "cols.csv", "bad.csv", "empty.csv", "notes.docx", "latin.csv", "gone.csv"):
        _, problems = read_actuals_file(tmp_path / name, cat.vocabulary, cat.regions)
        assert_worded_in_chinese(problems)
        seen.update(p.code for p in problems)
    assert {"layout.rows_above_header", "layout.duplicate_column", "layout.no_label", "layout.merged_values",
            "layout.hidden_sheet", "layout.hidden_rows", "value.not_a_number",
            "value.duplicate", "layout.missing_columns",
            "file.malformed_csv", "file.empty", "file.unknown_type", "file.unknown_encoding", "file.missing"} <= seen


def test_a_command_that_cannot_go_on_says_why_in_chinese(tmp_path, capsys):
    """No published reports, an unknown archived run, a draft to a file type it cannot write: each stops
    with the problem worded in Chinese, the code kept for a script."""
    assert main(["changes", "--out", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert "没有这样的报告" in err and "请先运行 `indicators run --out" in err and "[archive.no_reports]" in err
    text = tmp_path / "b.txt"
    text.write_text("2023年全国教育事业发展基本情况\n全国中等职业教育共有学校7085所。\n", encoding="utf-8")  # real: the README's example
    assert main(["draft-actuals", str(text), "--region", "全国", "-o", str(tmp_path / "x.docx")]) == 1
    err = capsys.readouterr().err
    assert "草稿无法写出" in err and "以 .csv 或 .xlsx 结尾的输出文件" in err and "[file.unknown_type]" in err

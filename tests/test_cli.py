"""The command line as a planner uses it."""

import io
import json

import pandas as pd
import pytest

from indicators.cli import main


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
    assert "x.yaml" in err and "valid YAML" in err


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
    assert "-o FILE.xlsx" in capsys.readouterr().err
    out = tmp_path / "a.xlsx"
    assert main(["assess", "--region", "茌平区", "--format", "xlsx", "-o", str(out), "--lang", "en"]) == 0
    frame = pd.read_excel(out)
    assert len(frame) and frame["explanation"].str.contains("target").all()

"""The planner's year, end to end: template -> fill year 1 -> run -> add year 2 -> run one region.

Every actual value here is SYNTHETIC: made up by this test and written into a filled copy of the
template in a temporary folder (never into ``data/``). Year 1 gives 茌平区 three years of history
before its plan's 2019 baseline for three indicators; year 2 adds 2020 for two of them and 2021
(but not 2020) for 中职生均拨款, whose 2020 target year then flips with no new data for that year.

What must hold: both runs are in the archive; the other region's page is untouched, byte for
byte; the changes section of the 茌平区 page lists exactly the transitions that the two inputs
imply (computed here independently, with ``assess`` on each file), each with the right reason;
the flip without data for its year says that the year is past and has no actual.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from indicators.cli.main import main

pytestmark = pytest.mark.slow

# synthetic values: indicator row label prefix in the template -> {year: value}
YEAR1 = {"中职学校“双师型”教师比例": {2016: 85, 2017: 87, 2018: 89},
         "中职生均拨款": {2016: 2800, 2017: 2950, 2018: 3100},
         "中职学校生师比": {2016: 14, 2017: 13, 2018: 12}}
YEAR2 = {"中职学校“双师型”教师比例": {2020: 90.0}, "中职生均拨款": {2021: 3600}, "中职学校生师比": {2020: 12}}
REGION, OTHER = "茌平区", "环翠区"


def _fill(template: Path, target: Path, *years: dict) -> None:
    """The planner fills the template's blanks (with this test's synthetic values)."""
    wb = load_workbook(template)
    ws = wb[REGION]
    header = [c.value for c in ws[1]]
    col = {int(str(h)[:4]): j + 1 for j, h in enumerate(header) if h and str(h)[:4].isdigit()}
    for values in years:
        for prefix, by_year in values.items():
            row = next(r for r in range(2, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith(prefix))
            for year, v in by_year.items():
                ws.cell(row, col[year]).value = v
    wb.save(target)


def _changes_rows(html: str) -> list[tuple[str, int, str, str, str]]:
    """(indicator, year, last, this, why) of each row of the page's changes table."""
    table = re.search(r'<table class="ind changes".*?</table>', html, re.S)
    assert table, "the page has no changes section"
    rows = []
    for tr in re.findall(r"<tr class=\"change-[a-z]+\">(.*?)</tr>", table.group(0), re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", tr, re.S)]
        rows.append((cells[0], int(cells[1]), cells[2], cells[3], cells[4]))
    return rows


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("year")
    out = tmp / "reports"
    assert main(["template", "--region", REGION, "-o", str(tmp / "in.xlsx")]) == 0
    _fill(tmp / "in.xlsx", tmp / "year1.xlsx", YEAR1)
    _fill(tmp / "in.xlsx", tmp / "year2.xlsx", YEAR1, YEAR2)
    assert main(["validate", str(tmp / "year1.xlsx")]) == 0
    assert main(["run", "--out", str(out), "--region", REGION, "--region", OTHER,
                 "--actuals", str(tmp / "year1.xlsx")]) == 0
    first = {p.name: p.read_bytes() for p in (out / "current").iterdir() if p.is_file()}
    first_run = json.loads(first["run.json"])["run_id"]
    assert main(["run", "--out", str(out), "--region", REGION, "--actuals", str(tmp / "year2.xlsx")]) == 0
    return tmp, out, first, first_run


def _expected(tmp: Path) -> pd.DataFrame:
    """The transitions the two inputs imply, judged here with the library on each file."""
    from indicators.actuals.load import load_actuals
    from indicators.plans.catalog import load_catalog
    from indicators.verdicts.assess import assess

    catalog = load_catalog()
    a = [assess(catalog, load_actuals([tmp / f"year{n}.xlsx"], catalog=catalog), region=REGION) for n in (1, 2)]
    key = ["indicator", "breakdown", "year", "target_id"]
    both = a[0][key + ["status"]].merge(a[1][key + ["status", "latest_year"]], on=key, suffixes=("_1", "_2"))
    assert len(both) == len(a[0]) == len(a[1])
    return both[both["status_1"] != both["status_2"]]


def test_both_runs_are_archived_and_the_other_region_is_untouched(year):
    tmp, out, first, first_run = year
    runs = sorted(p.name for p in (out / "runs").iterdir())
    assert len(runs) == 2 and runs[0] == first_run
    for rid in runs:
        names = {p.name for p in (out / "runs" / rid).iterdir()}
        assert {"run.json", "assessment.csv", "changes.csv", "index.html", "overview.html"} <= names
    pages = {r["key"]: r for r in json.loads((out / "current" / "run.json").read_text(encoding="utf-8"))["reports"]}
    other = next(k for k, r in pages.items() if r.get("region") == OTHER)
    chiping = next(k for k, r in pages.items() if r.get("region") == REGION)
    assert pages[other]["carried"] and pages[other]["run_id"] == first_run
    assert (out / "current" / f"{other}.html").read_bytes() == first[f"{other}.html"]  # byte for byte
    assert (out / "current" / f"{chiping}.html").read_bytes() != first[f"{chiping}.html"]
    assert {p.name for p in (out / "runs" / runs[1]).iterdir() if p.suffix == ".html"} == {
        f"{chiping}.html", "overview.html", "index.html"}
    # the overview covers both pages, and says which one is kept from the first run
    overview = (out / "current" / "overview.html").read_text(encoding="utf-8")
    assert OTHER in overview and "保留自更早的运行" in overview
    index = (out / "current" / "index.html").read_text(encoding="utf-8")
    assert f'href="../runs/{first_run}/index.html"' in index


def test_the_changes_section_lists_exactly_the_transitions_the_inputs_imply(year):
    from indicators.plans.catalog import load_catalog
    from indicators.words.explain import STATUS_LABELS

    tmp, out, _, first_run = year
    expected = _expected(tmp)
    assert len(expected) >= 4  # the synthetic inputs are made to move several target years
    vocab = load_catalog().vocabulary
    pages = json.loads((out / "current" / "run.json").read_text(encoding="utf-8"))["reports"]
    page = next(r for r in pages if r.get("region") == REGION)
    html = (out / "current" / page["html"]).read_text(encoding="utf-8")
    rows = _changes_rows(html)
    want = sorted((vocab[r.indicator].zh, int(r.year), STATUS_LABELS["zh"][r.status_1], STATUS_LABELS["zh"][r.status_2])
                  for r in expected.itertuples())
    got = sorted((ind, y, old.split()[0], new.split()[0]) for ind, y, old, new, _ in rows)
    assert got == want
    # the reason of each, from what differs between the two files
    added = {(k, y) for k, by in YEAR2.items() for y in by}
    for ind, y, old, new, why in rows:
        prefix = next(k for k in YEAR2 if ind.startswith(k))
        if (prefix, y) in added:
            assert why.startswith(f"新增 {y} 年实际值"), why
        elif new == "数据不足":
            assert why.startswith(f"目标年已过，{y} 年没有实际值"), why
        else:
            assert why.startswith("实际值由 4 个增至 5 个"), why
    # the index counts them, and indicators changes prints the same
    assert page["changes"] == len(rows) and page["since"] == first_run
    assert f'#changes">{len(rows)}</a>' in (out / "current" / "index.html").read_text(encoding="utf-8")
    assert main(["changes", "--out", str(out), "--format", "csv", "-o", str(tmp / "changes.csv")]) == 0
    table = pd.read_csv(tmp / "changes.csv")
    assert len(table) == len(rows) and set(table["region"]) == {REGION}


def test_the_flip_with_no_new_data_for_its_year_is_explained(year):
    tmp, out, _, _ = year
    pages = json.loads((out / "current" / "run.json").read_text(encoding="utf-8"))["reports"]
    html = (out / "current" / next(r for r in pages if r.get("region") == REGION)["html"]).read_text(encoding="utf-8")
    row = next(r for r in _changes_rows(html) if r[0].startswith("中职生均拨款") and r[1] == 2020)
    assert row[2].startswith("有望达标") and row[3] == "数据不足"
    assert row[4] == "目标年已过，2020 年没有实际值（已有 2021 年的实际值），不再按趋势预测，无法判断是否达标。"
    # and the verdict's own sentence gives that reason, not "only 4 actual values"
    from indicators.verdicts.changes import read_assessment

    a = read_assessment(out / "current" / "assessment.csv")
    verdict = a[(a["region"] == REGION) & (a["indicator_zh"] == "中职生均拨款") & (a["year"] == 2020)].iloc[0]
    assert "目标年已过，该年没有实际值" in verdict["explanation_zh"] and "只有" not in verdict["explanation_zh"]
    assert "the target year is past and has no actual" in verdict["explanation_en"]

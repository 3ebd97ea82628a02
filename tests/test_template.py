"""The template a planner fills: it asks for the years before the baseline, so that a filled template
gives a trend. Values typed into it here are made up for the test."""

import pytest
from openpyxl import load_workbook

from indicators.actuals.load import load_actuals
from indicators.actuals.template import template
from indicators.cli.main import main

REGION = "茌平区"


pytestmark = pytest.mark.usefixtures("one_catalog")  # the CLI reuses the session's catalogue


# --- the template asks for a trend ----------------------------------------------------------------

def test_template_starts_five_years_before_the_baseline(tmp_path, catalog, capsys):
    t = catalog.targets
    t = t[(t["region"] == REGION) & t["year"].notna()]
    baseline, last = int(t.loc[t["kind"] == "baseline", "year"].min()), int(t["year"].max())
    assert (baseline, last) == (2019, 2022)
    out = tmp_path / "t.xlsx"
    assert main(["template", "--region", REGION, "-o", str(out)]) == 0
    capsys.readouterr()
    ws = load_workbook(out)[REGION]
    header = [c.value for c in ws[1]]
    assert header[2:] == [f"{y}年" for y in range(baseline - 5, last + 1)]

    # fill a trend for one indicator before the baseline: it reads back as six points to fit
    made_up = {2014: 40, 2015: 42, 2016: 44, 2017: 46, 2018: 48}
    for row in ws.iter_rows(min_row=2):
        if row[0].value.startswith("中职学校数量") and not row[1].value:
            for cell, head in zip(row[2:], header[2:]):
                if int(head[:4]) in made_up:
                    cell.value = made_up[int(head[:4])]
            break
    else:
        pytest.fail("no total row for sec_voc_schools in the template")
    ws.parent.save(out)
    act = load_actuals([out], catalog=catalog)
    s = act.select(region=REGION, indicator="sec_voc_schools")
    s = s[s["breakdown"] == ""]
    assert set(made_up) < set(s["year"]) and len(s) >= 6
    assert s.set_index("year")["value"][2016] == 44.0


def test_template_without_a_baseline_starts_before_the_plan_period(catalog):
    act = load_actuals([], catalog=catalog, with_baselines=False)
    wide = template(catalog, act, "环翠区")  # plan period 2020-2023, no baseline column: 2019 - 5
    assert [c for c in wide.columns if c.endswith("年")][0] == "2014年"

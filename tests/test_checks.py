"""Plan checks report discrepancies with their size and clauses, and never edit a number."""

import pytest

import indicators
from indicators.plans.checks import check_plans

from conftest import write_plan


def test_chiping_findings(catalog):
    f = check_plans(catalog, plan="chiping_2020")
    conflict = f[(f["check"] == "conflict") & (f["year"] == 2022)]
    assert len(conflict) == 1 and "95.4%" in conflict.iloc[0]["detail"] and "附件3 第29项" in conflict.iloc[0]["clauses"]
    ratio = f[f["check"] == "stated_ratio"]
    assert ratio["stated"].tolist() == [95.4]  # 210/220 = 95.45 does not round to 95.4
    size = f[f["check"] == "school_size"].set_index("year")
    assert size.loc[2020, "difference"] == 3400 - 3456
    funding = f[(f["check"] == "components") & (f["indicator"] == "voc_fiscal_funding_total")]
    assert set(funding["difference"].round(2)) == {4000.0}
    # the published numbers are untouched
    t = catalog.select(plan="chiping_2020")
    assert 95.4 in t["value"].tolist() and 3400 in t["value"].tolist()


def test_a_consistent_plan_has_no_findings(tmp_path):
    # synthetic plan written by the test: 3400 students / 200 teachers = 17:1, 13600 person-days = 4:1
    text = "2020年：生师比17:1（3400/200）；校均规模3400人，学校1所；培训规模13600人日，培训与在校生比例4:1。"
    rows = [("sec_voc_student_teacher_ratio", "17:1（3400/200）"), ("sec_voc_avg_students_per_school", "3400人"),
            ("sec_voc_schools", "1所"), ("training_person_days", "13600人日"), ("training_to_students_ratio", "4:1")]
    write_plan(tmp_path, "t_2020", "茌平区", text, [(k, 2020, w, text) for k, w in rows])
    cat = indicators.load_catalog([tmp_path], env=False)
    assert check_plans(cat, plan="t_2020").empty
    # and the same plan with a wrong ratio is caught
    (tmp_path / "t_2020.yaml").write_text((tmp_path / "t_2020.yaml").read_text(encoding="utf-8")
                                          .replace('"4:1"', '"3:1"'), encoding="utf-8")
    (tmp_path / "src.txt").write_text(text.replace("4:1", "3:1"), encoding="utf-8")
    (tmp_path / "t_2020.yaml").write_text((tmp_path / "t_2020.yaml").read_text(encoding="utf-8")
                                          .replace("比例4:1", "比例3:1"), encoding="utf-8")
    f = check_plans(indicators.load_catalog([tmp_path], env=False), plan="t_2020")
    assert f["check"].tolist() == ["per_student"]


# --- relations as data (catalog/relations.yaml, read by the checks and by the derived actuals)

def _relations_without(tmp_path, monkeypatch, *kinds):
    """A copy of the bundled relations.yaml with some kinds emptied, put in its place."""
    import yaml

    from indicators.plans import relations

    raw = yaml.safe_load(relations.BUNDLED.read_text(encoding="utf-8"))
    for kind in kinds:
        raw[kind] = []
    path = tmp_path / "relations.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(relations, "BUNDLED", path)


def test_every_indicator_of_a_relation_is_in_the_vocabulary(catalog):
    from indicators.plans.relations import load_relations, relation_keys

    keys = relation_keys(load_relations())
    assert "sec_voc_students" in keys and "voc_fiscal_funding_total" in keys
    assert sorted(k for k in keys if k not in catalog.vocabulary) == []


def test_the_checks_follow_relations_yaml(catalog, tmp_path, monkeypatch):
    before = check_plans(catalog)
    assert {"school_size", "per_student", "components"} <= set(before["check"])
    _relations_without(tmp_path, monkeypatch, "school_size", "components")
    after = check_plans(catalog)
    assert "school_size" not in set(after["check"]) and "components" not in set(after["check"])
    kept = ["conflict", "stated_ratio", "per_student"]
    assert after["detail"].tolist() == before[before["check"].isin(kept)]["detail"].tolist()


@pytest.mark.slow  # loads the whole bundled data twice
def test_the_derived_actuals_follow_relations_yaml(tmp_path, monkeypatch):
    from indicators.actuals.load import load_actuals

    def derived(actuals):
        return actuals.frame[actuals.frame["origin"] == "derived"]

    before = derived(load_actuals([]))
    assert {"sec_voc_student_teacher_ratio", "voc_share_of_senior_secondary_students"} <= set(before["indicator"])
    _relations_without(tmp_path, monkeypatch, "ratios")
    after = derived(load_actuals([]))
    assert "sec_voc_student_teacher_ratio" not in set(after["indicator"])
    assert set(after["indicator"]) == set(before["indicator"]) - {"sec_voc_student_teacher_ratio"}


def test_a_malformed_relations_file_lists_every_problem(tmp_path):
    from indicators.errors import CatalogError
    from indicators.plans.relations import load_relations

    path = tmp_path / "relations.yaml"
    path.write_text("shares:\n  - {result: a, part: b}\nsums:\n  - {total: c}\n", encoding="utf-8")
    with pytest.raises(CatalogError) as exc:
        load_relations(path)
    assert sorted(p.code for p in exc.value.problems) == ["relations.field_missing", "relations.unknown_kind"]

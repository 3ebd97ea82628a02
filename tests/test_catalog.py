"""The bundled catalogue: coverage of the five source documents, provenance, and clear errors."""

import hashlib
import re
import shutil
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import yaml

import indicators
from indicators.errors import CatalogError
from indicators.text import squash
from indicators.plans.catalog import CATALOG_DIR, SOURCES_DIR

SEEDS = ["000_7649a304b59ffd58.txt", "001_6c78920ece41fbe4.txt", "002_4305ea7b79186ddc.txt",
         "003_db311ed8d80989bf.txt", "004_632708f8700fbb5a.txt"]


def test_every_source_is_used_and_its_checksum_recorded(catalog):
    meta = yaml.safe_load((SOURCES_DIR / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    assert sorted(meta) == SEEDS
    for name, m in meta.items():
        assert hashlib.sha256((SOURCES_DIR / name).read_bytes()).hexdigest() == m["sha256"]
    assert {p.source for p in catalog.plans.values()} == set(SEEDS)


def test_every_quote_and_written_number_is_in_its_source(catalog):
    # independent of the loader: read the source files here
    texts = {n: squash((SOURCES_DIR / n).read_text(encoding="utf-8")) for n in SEEDS}
    for row in catalog.targets.itertuples():
        src = texts[catalog.plans[row.plan].source]
        assert squash(row.quote) in src, (row.target_id, row.quote)
        assert squash(row.written) in squash(row.quote), (row.target_id, row.written)


def test_every_target_has_value_unit_comparator_and_direction(catalog):
    t = catalog.targets
    assert t["value"].notna().all()
    assert t["comparator"].isin([">=", "<=", "==", "~"]).all()
    assert t["direction"].isin(["higher_is_better", "lower_is_better", "planned"]).all()
    assert t["kind"].isin(["target", "baseline", "rule"]).all()
    assert (t["year"].notna() | t["year_note"].notna()).all()
    assert t["target_id"].is_unique


def _annex2_rows(text: str):
    """Table rows of Chiping annex 2 as (line, number of non-blank numeric cells), read from the text."""
    body = text[text.index("聊城市茌平区职业教育提质培优高质量发展三年行动计划 (2020—2022年)"):text.index("附件3:")]
    for line in body.splitlines():
        cells = line.split("\t")
        if len(cells) < 3 or cells[0].strip() in ("指 标", "产业", ""):
            if not (len(cells) > 3 and cells[0].strip() == "" and any(re.search(r"\d", c) for c in cells)):
                continue
        numeric = [c for c in cells[1:] if re.search(r"\d", c)]
        if numeric:
            yield line, len(numeric)


def test_chiping_annex2_every_cell_is_catalogued(catalog):
    text = (SOURCES_DIR / "002_4305ea7b79186ddc.txt").read_text(encoding="utf-8")
    t = catalog.select(plan="chiping_2020")
    annex = t[t["clause"].str.startswith("附件2")]
    seen = 0
    for line, n_cells in _annex2_rows(text):
        if line.split("\t")[0].strip() == "":  # the year header line of table 二
            continue
        rows = annex[annex["quote"].map(squash) == squash(line)]
        # table 二 repeats two rows verbatim, each printed row has its own entries
        assert len(rows) % n_cells == 0 and len(rows) >= n_cells, (line, n_cells, len(rows))
        seen += 1
    assert seen >= 30
    years = annex[annex["kind"] == "baseline"]["year"].unique().tolist()
    assert years == [2019]
    assert set(annex[annex["kind"] == "target"]["year"]) == {2020, 2021, 2022}


def test_chiping_values_in_canonical_units(catalog):
    t = catalog.select(plan="chiping_2020")

    def one(indicator, year, **kw):
        r = t[(t["indicator"] == indicator) & (t["year"] == year)]
        for k, v in kw.items():
            r = r[r[k] == v]
        assert len(r) == 1, (indicator, year, len(r))
        return r.iloc[0]

    assert one("voc_share_of_senior_secondary_enrollment", 2022)["value"] == 45.0  # 4. 5: 5. 5
    assert one("voc_share_of_senior_secondary_enrollment", 2019)["value"] == 20.0  # 2: 8
    r = one("sec_voc_student_teacher_ratio", 2020)
    assert (r["value"], r["numerator"], r["denominator"]) == (17.0, 3456.0, 202.0)
    assert one("sec_voc_per_student_allocation", 2020)["value"] == 3300.0  # 0.33 万元
    assert one("voc_fiscal_funding_total", 2019)["value"] == 5387.35
    assert one("training_person_days", 2022)["value"] == 17000
    assert one("training_to_students_ratio", 2020)["value"] == 4.0


def test_conflicting_2022_dual_qualified_shares_are_all_kept(catalog):
    t = catalog.select(region="茌平区")
    d = t[t["indicator"].str.endswith("dual_qualified_teacher_share") & (t["year"] == 2022)]
    assert sorted(d["value"]) == [70.0, 80.0, 95.4]
    assert d["clause"].nunique() == 3


def test_off_domain_documents_are_held_and_tagged(catalog):
    domains = {p.id: p.domain for p in catalog.plans.values()}
    assert "basic_education" in domains.values() and "intellectual_property" in domains.values()
    assert len(catalog.select(domain="vocational")) < len(catalog.targets)


def test_every_region_has_a_chain_to_the_nation(catalog):
    for plan in catalog.plans.values():
        chain = catalog.regions.ancestors(plan.region)
        assert chain and chain[-1] == "全国", (plan.id, chain)
    assert catalog.regions.ancestors("茌平区") == ["聊城市", "山东省", "全国"]


# --- planner plans and malformed files ---------------------------------------------------------

GOOD_PLAN = """
plan:
  id: testtown_2024
  title_zh: 测试规划
  title_en: Test plan
  region: 茌平区
  level: district
  issuer: 测试
  document_number: null
  issued: null
  source: source.txt
  period: [2024, 2026]
  domain: vocational
targets:
  - indicator: sec_voc_dual_qualified_teacher_share
    year: 2026
    written: 达到75%以上
    kind: target
    clause: 一
    quote: 到2026年双师型教师比例达到75%以上
"""


def _planner_dir(tmp_path: Path, plan: str = GOOD_PLAN, source: str = "到2026年双师型教师比例达到75%以上。") -> Path:
    # synthetic planner files, written by the test
    d = tmp_path / "plans"
    d.mkdir()
    (d / "testtown_2024.yaml").write_text(textwrap.dedent(plan), encoding="utf-8")
    (d / "source.txt").write_text(source, encoding="utf-8")
    return d


def test_planner_plan_loads_beside_the_bundled_ones(tmp_path, monkeypatch):
    d = _planner_dir(tmp_path)
    cat = indicators.load_catalog([d], env=False)
    row = cat.select(plan="testtown_2024").iloc[0]
    assert (row["value"], row["comparator"], row["year"]) == (75.0, ">=", 2026)
    assert "chiping_2020" in cat.plans
    monkeypatch.setenv("INDICATORS_PLANS", str(d))
    assert "testtown_2024" in indicators.load_catalog().plans


@pytest.mark.parametrize("change,column,expected", [
    (("sec_voc_dual_qualified_teacher_share", "sec_voc_dual_qualified_share"), "indicator", "did you mean"),
    (("    kind: target", "    kind: target\n    comparator: '=>'"), "comparator", "one of >=, <=, ==, ~"),
    (("quote: 到2026年双师型教师比例达到75%以上", "quote: 到2026年双师型教师比例达到85%以上"), "quote", "verbatim in source.txt"),
    (("written: 达到75%以上", "written: 很多"), "written", "cannot read a number"),
    (("    year: 2026", "    year: 20266"), "year", "between 1949 and 2100"),
    (("    kind: target", "    kind: goal"), "kind", "one of target, baseline, rule"),
])
def test_malformed_plan_names_file_position_and_field(tmp_path, change, column, expected):
    d = _planner_dir(tmp_path, GOOD_PLAN.replace(*change))
    with pytest.raises(CatalogError) as err:
        indicators.load_catalog([d], env=False)
    problems = [p for p in err.value.problems if p.column == column and expected in p.expected]
    assert problems, err.value.render()
    assert problems[0].file.endswith("testtown_2024.yaml")
    assert problems[0].row.startswith("targets[1] (line ")
    assert column in str(err.value) and "testtown_2024.yaml" in str(err.value)


def test_missing_direction_in_planner_vocabulary(tmp_path):
    d = _planner_dir(tmp_path)
    (d / "indicators.yaml").write_text("new_thing:\n  zh: 新指标\n  en: New\n  unit: count\n", encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        indicators.load_catalog([d], env=False)
    (p,) = err.value.problems
    assert (p.row, p.column) == ("new_thing", "direction")
    assert "higher_is_better" in p.expected


def test_changed_source_text_is_refused(tmp_path, monkeypatch):
    import indicators.plans.catalog as targets

    copy = tmp_path / "sources"
    shutil.copytree(SOURCES_DIR, copy)
    f = copy / SEEDS[2]
    f.write_text(f.read_text(encoding="utf-8").replace("70%", "75%"), encoding="utf-8")
    monkeypatch.setattr(targets, "SOURCES_DIR", copy)
    with pytest.raises(CatalogError, match="sha256"):
        indicators.load_catalog(env=False)


def test_bundled_plans_are_read_once_and_again_when_a_file_changes(tmp_path, monkeypatch):
    import indicators.plans.catalog as targets

    copy = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, copy)
    monkeypatch.setattr(targets, "CATALOG_DIR", copy)
    reads = []
    real = targets.read_plan_file
    monkeypatch.setattr(targets, "read_plan_file", lambda path, *a: reads.append(path.name) or real(path, *a))
    first = indicators.load_catalog(env=False)
    assert len(reads) == len(first.plans)
    again = indicators.load_catalog(env=False)
    assert len(reads) == len(first.plans)  # nothing read a second time, and the same catalogue
    pd.testing.assert_frame_equal(first.targets, again.targets)
    assert again.targets is not first.targets and again.vocabulary.indicators is not first.vocabulary.indicators
    # a planner who edits a bundled plan (here: drops its last target) gets the file as it now is; any
    # change in the folder reads its plans again (a plan may quote a file beside it)
    f = copy / "chiping_2020.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text[:text.rindex("  - indicator:")], encoding="utf-8")
    edited = indicators.load_catalog(env=False)
    assert sorted(reads[len(first.plans):]) == sorted(reads[:len(first.plans)])
    assert len(edited.targets) == len(first.targets) - 1


def test_a_planners_regions_read_the_bundled_plans_again_only_when_they_answer_a_plan_differently(tmp_path,
                                                                                                  monkeypatch):
    import indicators.plans.catalog as targets

    copy = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, copy)
    monkeypatch.setattr(targets, "CATALOG_DIR", copy)  # a folder of its own: no reading of other tests shared
    reads = []
    real = targets.read_plan_file
    monkeypatch.setattr(targets, "read_plan_file", lambda path, *a: reads.append(path.name) or real(path, *a))
    bundled = indicators.load_catalog(env=False)
    n = len(reads)
    # a place of the planner's own asks nothing new of the bundled plans: none is read again
    own = tmp_path / "own"
    own.mkdir()
    (own / "regions.yaml").write_text("某新区:\n  en: Some New District\n  level: district\n  parent: 聊城市\n",
                                      encoding="utf-8")
    added = indicators.load_catalog([own], env=False)
    assert len(reads) == n and "某新区" in added.regions
    pd.testing.assert_frame_equal(added.targets, bundled.targets)
    # a region a plan names, redefined: the plans that ask about it are read again, and say the new name
    (own / "regions.yaml").write_text("茌平区:\n  en: Chiping County\n  level: district\n  parent: 聊城市\n"
                                      "  override: true\n", encoding="utf-8")
    renamed = indicators.load_catalog([own], env=False)
    assert 0 < len(reads) - n < len(bundled.plans) and "chiping_2020.yaml" in reads[n:]
    assert set(renamed.targets.loc[renamed.targets["region"] == "茌平区", "region_en"]) == {"Chiping County"}
    assert set(bundled.targets.loc[bundled.targets["region"] == "茌平区", "region_en"]) == {"Chiping District"}


def test_a_reading_that_asks_about_every_region_is_kept_for_those_regions_only():
    from collections import OrderedDict

    from indicators.plans.regions import Region, Regions, remember_by_answers

    a = Regions({"甲区": Region("甲区", "A", "district", None)})
    b = Regions({**a.regions, "乙区": Region("乙区", "B", "district", None)})
    cache, built = OrderedDict(), []
    one = lambda asking: built.append(1) or ("甲区" in asking)  # noqa: E731 - asks one name
    pool = lambda asking: built.append(1) or asking.suggest("甲")  # noqa: E731 - asks the whole pool
    assert remember_by_answers(cache, ("one",), a, one, 8) and remember_by_answers(cache, ("one",), b, one, 8)
    assert len(built) == 1  # 乙区 changes no answer 甲区's reading asked for
    assert remember_by_answers(cache, ("pool",), a, pool, 8) == ["甲区"]
    remember_by_answers(cache, ("pool",), b, pool, 8)
    assert len(built) == 3  # a suggestion depends on every region
    remember_by_answers(cache, ("pool",), a, pool, 8)
    assert len(built) == 3  # both readings are kept


def test_missing_plans_directory(tmp_path):
    with pytest.raises(CatalogError, match="plans directory exists"):
        indicators.load_catalog([tmp_path / "nope"], env=False)


def test_bundled_plan_files_follow_the_naming_rule():
    from indicators.plans.plan_file import plan_files

    found = plan_files(CATALOG_DIR)
    assert len(found) >= 8 and "relations.yaml" not in {p.name for p in found}
    for p in found:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
        assert doc["plan"]["id"] == p.stem


def test_planner_plan_without_source_text_loads_unchecked(tmp_path):
    d = _planner_dir(tmp_path, GOOD_PLAN.replace("  source: source.txt\n", ""))
    cat = indicators.load_catalog([d], env=False)
    assert cat.plans["testtown_2024"].source is None
    assert cat.select(plan="testtown_2024")["value"].tolist() == [75.0]


def test_bundled_plans_all_name_their_source(catalog):
    assert all(p.source for p in catalog.plans.values())


# --- issue 9: YAML shapes, ratios, levels, local vocabulary, drafts --------------------------

RATIO_PLAN = GOOD_PLAN.replace("""  - indicator: sec_voc_dual_qualified_teacher_share
    year: 2026
    written: 达到75%以上
    kind: target
    clause: 一
    quote: 到2026年双师型教师比例达到75%以上""", """  - indicator: sec_voc_student_teacher_ratio
    year: 2026
    written: 1:20
    kind: target
    clause: 一
    quote: 师生比1:20""")


def test_unquoted_ratio_in_yaml_is_read_as_written_not_base_60(tmp_path):
    # YAML 1.1 reads a plain 1:20 as the sexagesimal integer 80
    assert yaml.safe_load("written: 1:20")["written"] == 80
    d = _planner_dir(tmp_path, RATIO_PLAN, source="到2026年,中职学校师生比1:20。")
    row = indicators.load_catalog([d], env=False).select(plan="testtown_2024").iloc[0]
    assert (row["written"], row["value"], row["unit"]) == ("1:20", 20.0, "students_per_teacher")
    assert "read as 20 students per teacher" in row["note"]  # the reading is never silent


def test_degenerate_ratio_is_a_clear_error_not_a_crash(tmp_path):
    d = _planner_dir(tmp_path, RATIO_PLAN.replace("1:20", "5:0"), source="师生比5:0")
    with pytest.raises(CatalogError) as err:
        indicators.load_catalog([d], env=False)
    (p,) = err.value.problems
    assert p.column == "unit" and "degenerate" in p.expected and p.row.startswith("targets[1] (line ")


def test_quote_with_full_width_comma_names_the_differing_character(tmp_path):
    plan = GOOD_PLAN.replace("quote: 到2026年双师型教师比例达到75%以上", "quote: 到2026年，双师型教师比例达到75%以上")
    d = _planner_dir(tmp_path, plan, source="到2026年,双师型教师比例达到75%以上。")
    with pytest.raises(CatalogError) as err:
        indicators.load_catalog([d], env=False)
    (p,) = err.value.problems
    assert p.column == "quote" and "'到2026年,双师型教师比例达到75%以上'" in p.expected
    assert "character 7" in p.expected and "FULLWIDTH COMMA" in p.expected


def test_level_comes_from_regions_and_a_contradiction_is_an_error(tmp_path):
    d = _planner_dir(tmp_path, GOOD_PLAN.replace("  level: district\n", "").replace("  title_en: Test plan\n", "")
                     .replace("  issuer: 测试\n", ""))
    plan = indicators.load_catalog([d], env=False).plans["testtown_2024"]
    assert (plan.level, plan.title_en, plan.issuer) == ("district", "", None)
    (tmp_path / "b").mkdir()
    d2 = _planner_dir(tmp_path / "b", GOOD_PLAN.replace("level: district", "level: city"))
    with pytest.raises(CatalogError) as err:
        indicators.load_catalog([d2], env=False)
    (p,) = err.value.problems
    assert (p.column, p.value) == ("level", "city") and "district" in p.expected


def test_local_vocabulary_may_not_silently_redefine_a_bundled_key(tmp_path):
    d = _planner_dir(tmp_path)
    entry = ("sec_voc_dual_qualified_teacher_share:\n  zh: 双师型\n  en: Dual\n  unit: percent\n"
             "  direction: higher_is_better\n")
    (d / "indicators.yaml").write_text(entry, encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        indicators.load_catalog([d], env=False)
    assert "override: true" in err.value.problems[0].expected
    (d / "indicators.yaml").write_text(entry + "  override: true\n", encoding="utf-8")
    cat = indicators.load_catalog([d], env=False)
    assert list(cat.vocabulary.overridden) == ["sec_voc_dual_qualified_teacher_share"]
    (d / "indicators.yaml").write_text("new_thing:\n  zh: 新\n  en: New\n  unit: count\n  direction: planned\n",
                                       encoding="utf-8")
    assert "new_thing" in indicators.load_catalog([d], env=False).vocabulary


def test_unconfirmed_entries_are_refused_unless_drafts_are_included(tmp_path):
    d = _planner_dir(tmp_path, GOOD_PLAN + "    confirmed: false\n")
    with pytest.raises(CatalogError) as err:
        indicators.load_catalog([d], env=False)
    (p,) = err.value.problems
    assert p.row.startswith("1 of 1 entries unconfirmed, first at targets[1] (line ")
    assert "--include-drafts" in p.expected and p.file.endswith("testtown_2024.yaml")
    cat = indicators.load_catalog([d], env=False, include_drafts=True)
    assert cat.select(plan="testtown_2024")["value"].tolist() == [75.0]


def test_period_targets_are_dated_at_the_period_end(catalog):
    t = catalog.select(plan="bozhou_2022", indicator="basic_edu_new_school_places")
    row = t[t["written"].str.contains("2.26")].iloc[0]
    assert row["year"] == 2024 and "dated at the period's end (2024)" in row["year_note_en"]
    assert row["year_note"].endswith("按规划期末（2024 年）判断")


def test_a_year_note_is_one_text_or_both_languages(tmp_path):
    """A planner's note in their own words serves both reports; {zh, en} gives each its own; a note
    that is neither is refused with the field named. A period-only note in either language dates the
    target at the period's end."""
    from indicators.errors import CatalogError

    def plan(note: str) -> Path:
        d = tmp_path / f"p{abs(hash(note))}"
        d.mkdir()
        (d / "testtown_2024.yaml").write_text(
            "plan:\n  id: testtown_2024\n  title_zh: 测试镇规划\n  region: 茌平区\n  document_number: null\n"
            "  issued: null\n  period: [2022, 2024]\n  domain: vocational\ntargets:\n"
            "  - indicator: voc_dual_qualified_teacher_share\n    year: null\n"
            f"    year_note: {note}\n    written: 75%\n    kind: target\n    clause: 一\n    quote: 75%\n",
            encoding="utf-8")
        return d

    cat = indicators.load_catalog([plan("每年检查")], env=False)
    row = cat.select(plan="testtown_2024").iloc[0]
    assert (row["year_note"], row["year_note_en"]) == ("每年检查", "每年检查")
    cat = indicators.load_catalog([plan("{zh: 未写明年份；规划期 2022—2024 年, en: 'no year stated; plan period 2022-2024'}")],
                                  env=False)
    row = cat.select(plan="testtown_2024").iloc[0]
    assert row["year"] == 2024 and row["year_note_en"].endswith("dated at the period's end (2024)")
    cat = indicators.load_catalog([plan("{zh: 未写明年份；规划期 2022—2024 年}")], env=False)
    assert cat.select(plan="testtown_2024").iloc[0]["year"] == 2024  # the Chinese note alone dates it too
    with pytest.raises(CatalogError) as err:
        indicators.load_catalog([plan("{zh: 每年, fr: chaque année}")], env=False)
    assert any(p.column == "year_note" and p.code == "field.wrong_type" for p in err.value.problems)


def test_select_reads_a_region_as_regions_named_does(catalog):
    chiping = catalog.select(region="茌平区")
    assert len(chiping) > 0
    for name in ("Chiping District", "chiping district", " Chiping  District ", "茌平區"):  # 區: traditional
        assert catalog.regions.named(name) == "茌平区"
        assert catalog.select(region=name).equals(chiping)
    # no guessing in select: a part of a name is resolve's job (with a note), not select's
    assert catalog.regions.named("茌平") is None and catalog.select(region="茌平").empty
    assert catalog.regions.resolve("茌平")[0] == "茌平区"


def test_plan_file_reports_problems_in_reading_order(tmp_path):
    d = tmp_path / "plans"
    d.mkdir()
    (d / "bad.yaml").write_text(textwrap.dedent("""\
        plan: {id: bad_2024, title_zh: 坏规划, region: 茌平区, domain: vocational, document_number: null,
               issued: null, period: [2024], source: missing.txt}
        targets:
          - {indicator: nope, year: 3000, written: "5个", kind: wish, clause: 一, quote: 建成5个}
        """), encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        indicators.load_catalog([d], env=False)
    codes = [p.code for p in err.value.problems if p.file.endswith("bad.yaml")]
    assert codes == ["source.not_found", "plan.bad_period", "indicator.unknown", "target.bad_year",
                     "target.unknown_kind"]

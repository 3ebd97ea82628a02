"""Plan files that fail cleanly: each hostile case of issue 20 is a Problem with a code, the file and
the field, never a crash, a hang or a file outside the plan folder read. All files are synthetic,
written by the tests."""

import os
import textwrap
from pathlib import Path

import pytest

import indicators
from indicators.cli.main import main
from indicators.errors import CatalogError
from wording import assert_worded_in_chinese

PLAN = """\
plan:
  id: testtown_2024
  title_zh: 测试规划
  region: 茌平区
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
SOURCE = "到2026年双师型教师比例达到75%以上。"


def _dir(tmp_path: Path, plan: str = PLAN, source: str = SOURCE) -> Path:
    d = tmp_path / "plans"
    d.mkdir(exist_ok=True)
    (d / "testtown_2024.yaml").write_text(plan, encoding="utf-8")
    (d / "source.txt").write_text(source, encoding="utf-8")
    return d


def _problems(d: Path) -> list:
    """The problems of loading ``d`` (the bundled plan files left out: the tests are about d)."""
    with pytest.raises(CatalogError) as err:
        indicators.load_catalog([d], env=False, bundled=False)
    err.value.render()  # rendering never fails either
    return err.value.problems


def _one(d: Path, code: str, column: str | None = None):
    found = [p for p in _problems(d) if p.code == code and (column is None or p.column == column)]
    assert found, [(p.code, p.column) for p in _problems(d)]
    assert found[0].file.startswith(str(d))
    return found[0]


def test_the_good_plan_loads(tmp_path):
    cat = indicators.load_catalog([_dir(tmp_path)], env=False, bundled=False)
    assert cat.targets["value"].tolist() == [75.0]


def test_a_region_in_traditional_characters_is_the_simplified_region(tmp_path):
    plan = PLAN.replace("  region: 茌平区", "  region: 茌平區").replace("    kind: target", "    kind: target\n    region: 茌平區")
    cat = indicators.load_catalog([_dir(tmp_path, plan)], env=False, bundled=False)
    assert cat.plans["testtown_2024"].region == "茌平区"
    assert cat.targets[["region", "region_en"]].values.tolist() == [["茌平区", "Chiping District"]]
    # a name that is no region in either script is still refused
    assert _one(_dir(tmp_path, PLAN.replace("  region: 茌平区", "  region: 無此區")), "region.unknown").value == "無此區"


def test_unknown_target_field_has_its_own_code(tmp_path):
    p = _one(_dir(tmp_path, PLAN + "    colour: red\n"), "target.unknown_field", "colour")
    assert "indicator" in p.expected and p.row.startswith("targets[1]")


def test_an_alias_bomb_is_refused(tmp_path):  # its time: benchmarks/many_regions.py --scaling
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
    d = _dir(tmp_path, bomb + PLAN)
    p = _one(d, "file.yaml_aliases")
    assert "nodes" in p.value


def test_a_few_aliases_are_fine(tmp_path):
    plan = PLAN.replace("    clause: 一", "    clause: &c 一") + PLAN[PLAN.index("  - indicator"):].replace(
        "    clause: 一", "    clause: *c").replace("year: 2026", "year: 2025")
    cat = indicators.load_catalog([_dir(tmp_path, plan)], env=False, bundled=False)
    assert cat.targets["clause"].tolist() == ["一", "一"]


@pytest.mark.parametrize("source", ["/dev/zero", "/etc/shadow", "/etc/passwd", "../../outside.txt", "../outside.txt"])
def test_a_source_outside_the_plan_folder_is_never_opened(tmp_path, source):
    (tmp_path / "outside.txt").write_text("SECRET 到2026年双师型教师比例达到85%以上", encoding="utf-8")
    d = _dir(tmp_path, PLAN.replace("source: source.txt", f"source: {source}"))
    p = _one(d, "source.outside_plan_dir", "source")
    rendered = str(CatalogError([p]))
    assert "SECRET" not in rendered and "root:" not in rendered


def test_a_symlink_out_of_the_plan_folder_is_refused(tmp_path):
    (tmp_path / "outside.txt").write_text("SECRET", encoding="utf-8")
    d = _dir(tmp_path)
    (d / "source.txt").unlink()
    (d / "source.txt").symlink_to(tmp_path / "outside.txt")
    _one(d, "source.outside_plan_dir", "source")


def test_a_source_in_a_subfolder_is_inside(tmp_path):
    d = _dir(tmp_path, PLAN.replace("source: source.txt", "source: texts/source.txt"))
    (d / "texts").mkdir()
    (d / "texts" / "source.txt").write_text(SOURCE, encoding="utf-8")
    assert len(indicators.load_catalog([d], env=False, bundled=False).targets) == 1


def test_a_5000_digit_year_is_a_field_problem(tmp_path):
    p = _one(_dir(tmp_path, PLAN.replace("year: 2026", "year: " + "9" * 5000)), "target.bad_year", "year")
    assert len(repr(p.value)) < 80  # quoted, not printed whole


@pytest.mark.parametrize("year", ["1948", "2101", "true", "2026.5", ".inf", "[2026]"])
def test_years_outside_1949_2100_or_not_whole_are_refused(tmp_path, year):
    _one(_dir(tmp_path, PLAN.replace("year: 2026", f"year: {year}")), "target.bad_year", "year")


def test_a_plan_file_that_is_a_directory(tmp_path):
    d = _dir(tmp_path)
    (d / "folder.yaml").mkdir()
    assert _one(d, "file.not_regular").file.endswith("folder.yaml")


def test_a_source_that_is_a_directory(tmp_path):
    d = _dir(tmp_path)
    (d / "source.txt").unlink()
    (d / "source.txt").mkdir()
    _one(d, "file.not_regular")


@pytest.mark.parametrize("name", ["regions.yaml", "indicators.yaml"])
def test_a_regions_or_indicators_file_that_is_a_directory(tmp_path, name):
    d = _dir(tmp_path)
    (d / name).mkdir()
    assert _one(d, "file.not_regular").file.endswith(name)


@pytest.mark.parametrize("name,encoding,text", [
    ("source.txt", "gbk", SOURCE * 20),
    ("regions.yaml", "big5", "測試區:\n  en: Test\n  level: district\n  parent: 聊城市\n" * 3),
    ("indicators.yaml", "shift_jis", "new_thing:\n  zh: 新しい指標です\n  en: New\n  unit: count\n"
                                     "  direction: higher_is_better\n  note: これは日本語のテキストです\n"),
    ("testtown_2024.yaml", "gb18030", PLAN),
])
def test_a_file_not_in_utf8_is_refused_naming_its_encoding(tmp_path, name, encoding, text):
    d = _dir(tmp_path)
    (d / name).write_bytes(text.encode(encoding))
    p = _one(d, "file.not_utf8")
    assert p.file.endswith(name) and "looks like" in p.value and "UTF-8" in p.expected


@pytest.mark.parametrize("change,column", [
    (("indicator: sec_voc_dual_qualified_teacher_share", "indicator: [a, b]"), "indicator"),
    (("    clause: 一", "    clause: [一, 二]"), "clause"),
    (("    quote: 到2026年双师型教师比例达到75%以上", "    quote: {a: 1}"), "quote"),
    (("    kind: target", "    kind: [target]\n    region: {茌平区: 1}"), "region"),
    (("  title_zh: 测试规划", "  title_zh: [测试, 规划]"), "title_zh"),
    (("  region: 茌平区", "  region: [茌平区]"), "region"),
    (("source: source.txt", "source: [source.txt]"), "source"),
    (("  domain: vocational", "  domain: {a: b}"), "domain"),
])
def test_a_list_or_mapping_where_text_is_expected(tmp_path, change, column):
    assert _one(_dir(tmp_path, PLAN.replace(*change)), "field.wrong_type", column).value is not None


@pytest.mark.parametrize("extra,code,column", [
    ("    value: .inf\n    value_note: n", "target.bad_value", "value"),
    ("    value: .nan\n    value_note: n", "target.bad_value", "value"),
    ("    value: true\n    value_note: n", "target.bad_value", "value"),
    ("    value: 1e400\n    value_note: n", "target.bad_value", "value"),
    ("    tolerance: -1", "target.bad_tolerance", "tolerance"),
    ("    tolerance: .nan", "target.bad_tolerance", "tolerance"),
    ("    tolerance: .inf", "target.bad_tolerance", "tolerance"),
    ("    value: 75\n    value_high: .inf", "target.bad_value", "value_high"),
])
def test_non_finite_values_and_negative_tolerances_are_refused(tmp_path, extra, code, column):
    _one(_dir(tmp_path, PLAN + extra + "\n"), code, column)


@pytest.mark.parametrize("written,code", [("达到145%以上", "value.share_out_of_range"),
                                          ("达到-5%以上", "value.share_out_of_range")])
def test_shares_outside_0_100_are_refused(tmp_path, written, code):
    plan = PLAN.replace("达到75%以上", written)
    _one(_dir(tmp_path, plan, SOURCE.replace("达到75%以上", written)), code, "written")


def test_a_negative_count_is_refused(tmp_path):
    plan = PLAN.replace("sec_voc_dual_qualified_teacher_share", "new_voc_school_investment").replace(
        "达到75%以上", "8.3亿元") + "    value: -5\n    value_note: typed\n"
    _one(_dir(tmp_path, plan, SOURCE.replace("达到75%以上", "8.3亿元")), "value.negative", "value")


@pytest.mark.parametrize("where", ["  title_zh: 测试规划", "    clause: 一", "  id: testtown_2024"])
def test_nul_and_other_control_characters_in_names_are_refused(tmp_path, where):
    key, val = where.split(": ")
    p = _one(_dir(tmp_path, PLAN.replace(where, f'{key}: "{val}\\0x"')), "field.control_character", key.strip())
    assert "U+0000" in p.expected and "\x00" not in str(CatalogError([p]))


def test_region_parent_cycles_are_refused(tmp_path):
    d = _dir(tmp_path)
    (d / "regions.yaml").write_text("甲区:\n  en: A\n  level: district\n  parent: 乙区\n"
                                    "乙区:\n  en: B\n  level: district\n  parent: 甲区\n", encoding="utf-8")
    p = _one(d, "region.parent_cycle", "parent")
    assert "甲区" in p.value and "乙区" in p.value


def test_a_bundled_region_redefined_silently_is_refused(tmp_path):
    d = _dir(tmp_path)
    (d / "regions.yaml").write_text("茌平区:\n  en: Elsewhere\n  level: city\n  parent: 全国\n", encoding="utf-8")
    p = _one(d, "region.redefined", "override")
    assert p.file.endswith("regions.yaml") and p.row == "茌平区"


def test_a_bundled_region_redefined_with_override_is_accepted(tmp_path):
    d = _dir(tmp_path)
    (d / "regions.yaml").write_text("茌平区:\n  en: Chiping\n  level: district\n  parent: 聊城市\n  override: true\n"
                                    "聊城市:\n  en: Liaocheng City\n  level: city\n  parent: 山东省\n", encoding="utf-8")
    _one(d, "region.redefined")  # 聊城市 has no override: still refused
    (d / "regions.yaml").write_text("茌平区:\n  en: Chiping\n  level: district\n  parent: 聊城市\n  override: true\n",
                                    encoding="utf-8")
    assert indicators.load_catalog([d], env=False, bundled=False).regions.en("茌平区") == "Chiping"


def test_a_nul_in_a_region_name_is_refused(tmp_path):
    d = _dir(tmp_path)
    (d / "regions.yaml").write_text('"测试\\0区":\n  en: T\n  level: district\n  parent: 聊城市\n', encoding="utf-8")
    _one(d, "field.wrong_type")


def test_an_override_in_a_cycle_is_still_a_cycle(tmp_path):
    d = _dir(tmp_path)
    (d / "regions.yaml").write_text("聊城市:\n  en: Liaocheng\n  level: city\n  parent: 茌平区\n  override: true\n",
                                    encoding="utf-8")
    _one(d, "region.parent_cycle")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_fifo_or_device_named_like_a_plan_is_not_read(tmp_path):
    d = _dir(tmp_path)
    os.symlink("/dev/zero", d / "zero.yaml")
    _one(d, "file.not_regular")


@pytest.mark.parametrize("text", ["plan: [", "- 1\n- 2\n", "plan: {id: x}\ntargets: 5\n", "plan: 3\n",
                                  "plan:\n  id: x\ntargets:\n  - 5\n  - [a]\n", "!!python/object:os.system ls\n",
                                  "[" * 5000 + "]" * 5000])
def test_the_command_line_exits_1_without_a_traceback(tmp_path, capsys, text):
    d = _dir(tmp_path, textwrap.dedent(text))
    assert main(["targets", "--plans", str(d)]) == 1
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("text,code,column", [
    ("new_thing:\n  zh: [新, 指标]\n  en: New\n  unit: count\n  direction: higher_is_better\n", "field.wrong_type", "zh"),
    ('new_thing:\n  zh: "新\\0指标"\n  en: New\n  unit: count\n  direction: higher_is_better\n',
     "field.control_character", "zh"),
    ("new_thing:\n  zh: 新\n  en: New\n  unit: {a: 1}\n  direction: higher_is_better\n", "field.wrong_type", "unit"),
    ("new_thing:\n  zh: 新\n  en: New\n  unit: count\n  direction: higher_is_better\n  aliases: [[a]]\n",
     "field.wrong_type", "aliases"),
])
def test_a_planner_vocabulary_with_wrong_types(tmp_path, text, code, column):
    d = _dir(tmp_path)
    (d / "indicators.yaml").write_text(text, encoding="utf-8")
    assert _one(d, code, column).file.endswith("indicators.yaml")


@pytest.mark.parametrize("text,code", [
    ("测试区: [district]\n", "region.not_mapping"),
    ("测试区:\n  en: T\n  level: district\n  parent: 聊城市\n  colour: red\n", "region.unknown_field"),
    ("测试区:\n  en: [T]\n  level: district\n  parent: 聊城市\n", "field.wrong_type"),
    ("测试区:\n  en: T\n  level: district\n  parent: {聊城市: 1}\n", "field.wrong_type"),
    ("- 测试区\n", "region.not_mapping"),
    ("测试区:\n  en: T\n  level: district\n  parent: 测试区\n", "region.parent_cycle"),
])
def test_a_planner_regions_file_with_wrong_shapes(tmp_path, text, code):
    d = _dir(tmp_path)
    (d / "regions.yaml").write_text(text, encoding="utf-8")
    assert _one(d, code).file.endswith("regions.yaml")


@pytest.mark.parametrize("change", [
    ("year: 2026", "year: 二〇二六"),                                  # schema: a year
    ("year: 2026", "year: null"),                                     # a null year without its note
    ("    kind: target\n", "    kind: goal\n"),                        # one of the kinds
    ("indicator: sec_voc_dual_qualified_teacher_share", "indicator: 双师型比例"),  # closest keys
    ("到2026年双师型教师比例达到75%以上\n", "到2026年双师型教师比例达到８0%以上\n"),  # a quote not in the source
    ("written: 达到75%以上", "written: 达到80%以上"),                  # written not in the quote
    ("written: 达到75%以上", "written: 达到175%以上"),                 # a share above 100
    ("    clause: 一\n", "    clause: 一\n    colour: red\n"),         # an unknown field
    ("  period: [2024, 2026]", "  period: [2024]"),                     # a period
    ("    clause: 一\n", "    clause: 一\n    confirmed: false\n"),    # a drafted entry not confirmed
    ("  source: source.txt", "  source: other.txt"),                   # a source not found
    ("  region: 茌平区", "  region: 茌平区\n  level: city"),             # the region's level contradicted
    ("written: 达到75%以上", "written: 达到七五成"),                      # a number not read
    ("    clause: 一\n", "    clause: [一]\n"),                        # a text
])
def test_a_plan_files_problems_are_worded_in_chinese_from_their_facts(tmp_path, change):
    """Made-up faults of a planner's plan file: under zh the 应为 is the Chinese template filled from the
    problem's own facts (never the English fallback that a missing fact would leave)."""
    old, new = change
    assert old in PLAN
    assert_worded_in_chinese(_problems(_dir(tmp_path, PLAN.replace(old, new))))


def test_a_plan_file_that_cannot_be_read_is_worded_in_chinese(tmp_path):
    """Made-up unreadable plan files: broken YAML, a file saved as GBK, an alias bomb."""
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
    for name, data, code in (("broken", "plan: [".encode("utf-8"), "file.bad_yaml"),
                             ("gbk", PLAN.encode("gbk"), "file.not_utf8"),
                             ("bomb", (bomb + PLAN).encode("utf-8"), "file.yaml_aliases")):
        d = tmp_path / name
        d.mkdir()
        (d / "p.yaml").write_bytes(data)
        assert_worded_in_chinese([p for p in _problems(d) if p.code == code])


@pytest.mark.parametrize("name, content", [
    ("regions.yaml", "茌平区:\n  en: Elsewhere\n  level: city\n  parent: 全国\n"),                     # a bundled region redefined
    ("regions.yaml", "甲区:\n  en: A\n  level: district\n  parent: 乙区\n乙区:\n  en: B\n  level: district\n  parent: 甲区\n"),  # a cycle
    ("regions.yaml", "甲区:\n  en: A\n  level: town\n  parent: 聊城市\n"),                             # an unknown level
    ("regions.yaml", "甲区:\n  level: district\n  parent: 聊城市\n"),                                  # no English name
    ("regions.yaml", "甲区:\n  en: A\n  level: district\n  parent: 无此市\n"),                          # an unknown parent
    ("regions.yaml", "甲区: [A, district]\n"),                                                        # not a mapping
    ("indicators.yaml", "sec_voc_schools:\n  zh: 别的\n  en: Other\n  unit: count\n  direction: higher_is_better\n"),  # redefined
    ("indicators.yaml", "town_libraries:\n  zh: 乡镇图书馆\n  en: Town libraries\n  unit: books\n  direction: up\n"),   # unit, direction
    ("indicators.yaml", "town_libraries:\n  zh: 乡镇图书馆\n  unit: count\n  direction: higher_is_better\n"),          # no en
    ("indicators.yaml", "town_libraries: [乡镇图书馆]\n"),                                                            # not a mapping
    ("indicators.yaml", "town_libraries:\n  zh: 乡镇图书馆\n  en: T\n  unit: count\n  direction: planned\n  aliases: 图书馆\n"),  # aliases
])
def test_a_planners_regions_and_indicators_files_are_worded_in_chinese(tmp_path, name, content):
    """Made-up faults of a regions.yaml or indicators.yaml beside the plans: every problem worded in Chinese."""
    d = _dir(tmp_path)
    (d / name).write_text(content, encoding="utf-8")
    assert_worded_in_chinese(_problems(d))

"""`indicators draft-actuals`: actuals drafted from a statistical bulletin.

The sentences are real: quotes of the national bulletins in the shared data (Ministry of Education
bulletins, statistics results and tables, funding announcements), with their titles, and the example
sentences of issue 19. Sentences marked synthetic are made up here to test one rule (another region, a
year conflict); they are never written into data/.
"""

from __future__ import annotations

import csv

import openpyxl
import pytest

from indicators.actuals.files import read_actuals_file
from indicators.actuals.load import load_actuals
from indicators.cli.main import main
from indicators.drafting.bulletin import REASONS, draft_bulletin
from indicators.drafting.bulletin_file import draft_frames, read_bulletin
from indicators.drafting.bulletin_words import bulletin_year
from indicators.plans.catalog import load_catalog
from indicators.words.explain import NOT_DRAFTED


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def draft(cat, text, region="全国", year=None):
    return draft_bulletin(text, cat.vocabulary, region, year=year, regions=cat.regions)


def values(d):
    return {(v.indicator, v.year): v.value for v in d.values}


def reasons(d):
    return {n.written: n.reason for n in d.not_drafted}


# --- sentences, checked by hand -----------------------------------------------------------------------------

NATIONAL_2023 = ("中国教育新闻网：教育部:2023年中等职业教育“双师型”教师比例56.71%（教育部2024-03-01新闻发布会介绍2023年全国教育事业发展基本情况）\n"
                 "全国中等职业教育(不含人社部门管理的技工学校)共有学校7085所,招生454.04万人,在校生1298.46万人。\n"
                 "中等职业教育专任教师73.48万人,比上年增加1.65万人;生师比17.67:1,比上年进一步改善;专任教师学历合格率95.69%...;"
                 "“双师型”教师比例56.71%,比上年增长0.53个百分点。")


def test_a_national_bulletin_paragraph_gives_its_values_with_year_unit_and_quote(cat):
    d = draft(cat, NATIONAL_2023)
    assert d.year == 2023 and d.year_from == "title"
    assert values(d) == {
        ("sec_voc_schools", 2023): 7085, ("sec_voc_new_enrollment", 2023): 4540400,
        ("sec_voc_students", 2023): 12984600, ("sec_voc_fulltime_teachers", 2023): 734800,
        ("sec_voc_student_teacher_ratio", 2023): 17.67, ("sec_voc_dual_qualified_teacher_share", 2023): 56.71}
    enrol = next(v for v in d.values if v.indicator == "sec_voc_new_enrollment")
    assert enrol.written == "454.04万人" and enrol.unit == "persons" and enrol.definition == "excl_technician"
    assert enrol.quote == "全国中等职业教育(不含人社部门管理的技工学校)共有学校7085所,招生454.04万人,在校生1298.46万人"
    assert enrol.quote in NATIONAL_2023  # verbatim
    # changes are never values; a measure the vocabulary lacks (学历合格率) is named, not replaced
    r = reasons(d)
    assert r["1.65万人"] == r["0.53个百分点"] == "change"
    assert r["95.69%"] == "no_indicator"
    assert 16500 not in values(d).values() and 0.53 not in values(d).values()


def test_the_issue_sentences_two_values_one_subject_and_wan_read_exactly(cat):
    d = draft(cat, "全省中等职业教育招生 26.72 万人，在校生 75.48 万人", region="山东省", year=2020)
    assert values(d) == {("sec_voc_new_enrollment", 2020): 267200.0, ("sec_voc_students", 2020): 754800.0}
    assert d.values[0].written == "26.72 万人"
    d = draft(cat, "截至2020年，全省共有技工院校181所，其中技师学院45所", region="山东省")
    assert values(d) == {("technician_schools", 2020): 181}
    assert reasons(d) == {"45所": "no_indicator"}  # 技师学院 is not 技工院校: named, never guessed


def test_traditional_characters_and_inserted_pinyin_read_as_the_simplified_text(cat):
    simplified = draft(cat, "2020年全国教育事业统计主要结果\n全国共有普通高中1.42万所。招生876.44万人,在校生2494.45万人。")
    mirror = "2020年全國教育事業統計主要結果\n全國共(gòng)有普通高中1.42萬所。招(zhao)生876.44萬人,在校生2494.45萬人。"
    traditional = draft(cat, mirror)
    assert values(traditional) == values(simplified) == {
        ("general_hs_new_enrollment", 2020): 8764400, ("general_hs_students", 2020): 24944500}
    assert traditional.values[0].written == "876.44萬人" and traditional.values[0].quote in mirror


def test_the_previous_years_level_and_the_measure_of_a_lead_sentence(cat):
    text = ("2017年全国教育经费执行情况统计公告\n2017年全國普通小學、普通初中、普通高中、中等職業學校、普通高等學校生均一般公共預算"
            "公用經費支出情況是: ... (4)全國中等職業學校為4908.30元,比上年的4778.79元增長2.71 %")
    d = draft(cat, text)
    assert values(d) == {("sec_voc_per_student_budget_nonpersonnel_expenditure", 2017): 4908.30,
                         ("sec_voc_per_student_budget_nonpersonnel_expenditure", 2016): 4778.79}
    assert reasons(d) == {"2.71 %": "change"}


def test_a_page_whose_title_names_one_school_type_speaks_of_it_where_a_sentence_names_none(cat):
    body = "生均校舍建筑面积23.28平方米,比上年增长13.31%;生均仪器设备值9471.91元,比上年增长11.38%。"
    d = draft(cat, "教育部:2023年中等职业教育“双师型”教师比例56.71%\n" + body, year=2023)
    assert values(d)[("sec_voc_equipment_value_per_student", 2023)] == 9471.91
    # a title naming two school types, or none, lends none: the value stays not drafted, with its reason
    for title in ("2023年中等职业教育和高等职业教育发展情况", "2023年全国教育事业发展统计公报"):
        d = draft(cat, title + "\n" + body, year=2023)
        assert values(d) == {} and reasons(d)["9471.91元"] == "unclear_indicator"


def test_shares_of_a_whole_and_the_year_of_each_clause(cat):
    text = ("2022年中等职业学校招生650.69万人 占高中阶段教育招生40.71%\n高中阶段,全国目前有中等职业学校9752所(含技工学校),"
            "2022年招生650.69万人,占高中阶段教育招生的40.71%;在校生1784.61万人,占高中阶段教育的39.67%")
    d = draft(cat, text)
    assert values(d) == {("sec_voc_schools", 2022): 9752, ("sec_voc_new_enrollment", 2022): 6506900,
                         ("voc_share_of_senior_secondary_enrollment", 2022): 40.71,
                         ("sec_voc_students", 2022): 17846100,
                         ("voc_share_of_senior_secondary_students", 2022): 39.67}
    assert {v.definition for v in d.values} == {"incl_technician"}
    assert set(reasons(d).values()) == {"title"}  # the headline's numbers are read from the body
    d = draft(cat, "2012年全国职业学校专职教师规模从111万增加到2021年129万,增长17%...2023年中等职业教育“双师型”教师占比也达到了57%,"
                   "2012年的时候是22%")
    assert values(d) == {("sec_voc_dual_qualified_teacher_share", 2023): 57,
                         ("sec_voc_dual_qualified_teacher_share", 2012): 22}


def test_a_statistics_table_row_gives_one_value_per_column(cat):
    text = ("2019年各级各类学历教育学生情况（教育部教育统计数据表，转载）\n毕业生数 Graduates | 招生数 Entrants | 在校生数 Enrolment | ... "
            "2. 中等职业教育 Secondary Vocational Education | 4934674 | 6003657 | 15764713 | ... 技工学校 Skilled Workers "
            "Schools | 984247 | 1429536 | 3603050")
    d = draft(cat, text)
    assert values(d) == {("sec_voc_graduates", 2019): 4934674, ("sec_voc_new_enrollment", 2019): 6003657,
                         ("sec_voc_students", 2019): 15764713, ("technician_school_new_enrollment", 2019): 1429536,
                         ("technician_school_students", 2019): 3603050}
    assert reasons(d) == {"984247": "no_indicator"}  # 技工学校 graduates: the vocabulary has no such key
    assert d.values[0].quote.startswith("2. 中等职业教育 Secondary Vocational Education | 4934674")


def test_a_table_with_a_year_header(cat):
    """Synthetic figures in the layout of a bulletin's annex table (tab-separated, as read_document writes it)."""
    text = "山东省教育事业发展统计公报\n指标\t2019年\t2020年\n中职招生数（万人）\t25.1\t26.72\n高中阶段毛入学率\t95.2%\t96.1%"
    d = draft(cat, text, region="山东省")
    assert values(d) == {("sec_voc_new_enrollment", 2019): 251000, ("sec_voc_new_enrollment", 2020): 267200,
                         ("senior_secondary_gross_enrollment_rate", 2019): 95.2,
                         ("senior_secondary_gross_enrollment_rate", 2020): 96.1}


def test_what_is_not_a_level_is_listed_with_its_reason(cat):
    d = draft(cat, "2022年全国教育事业发展统计公报\n本科层次职业学校32所;高职(含职业本科)学校1521所,2022年招生546.61万人"
                   "(不含五年制高职转入专科招生54.29万人)。中等职业学校和高等职业学校“双师型”教师比例55%以上。")
    assert values(d) == {}
    r = reasons(d)
    assert r["1521所"] == r["546.61万人"] == "coverage"       # 高职 including 职业本科: not higher_voc
    assert r["54.29万人"] == "bracket"
    assert r["55%"] == "joint"  # one figure for 中职 and 高职 together: an indicator of neither
    assert r["32所"] == "no_indicator"
    # synthetic: a number about another region, in a national bulletin
    d = draft(cat, "2021年全国教育事业发展统计公报\n其中,宁夏回族自治区中等职业学校在校生12.5万人。")
    assert reasons(d) == {"12.5万人": "other_region"}


def test_a_bound_is_drafted_with_the_bound_in_its_note_and_a_norm_or_trait_is_not(cat):
    """Synthetic sentences in a city bulletin's wording: 余, 多, 以上, 超过 give a lower bound, 不足 and 近 an
    upper one, drafted as the number printed with the bound in the row's note (as data/ keeps 55%以上)."""
    d = draft(cat, "2021年济宁市教育事业发展统计公报\n全市共有中等职业学校20多所,在校生3.5万余人,专任教师近2000人,"
                   "生师比不足18:1。高职院校毕业生超过1.2万人。在校生3000人以上的学校8所。", region="济宁市")
    assert values(d) == {("sec_voc_schools", 2021): 20, ("sec_voc_students", 2021): 35000,
                         ("sec_voc_fulltime_teachers", 2021): 2000, ("sec_voc_student_teacher_ratio", 2021): 18,
                         ("higher_voc_graduates", 2021): 12000}
    bounds = {v.written: dict(v.notes).get("lower_bound") or ("upper", dict(v.notes).get("upper_bound"))
              for v in d.values}
    assert bounds == {"20多所": "20多所", "3.5万余人": "3.5万余人", "2000人": ("upper", "近2000人"),
                      "18:1": ("upper", "不足18:1"), "1.2万人": "超过1.2万人"}
    assert reasons(d)["3000人"] == "bound"  # 3000人以上的学校: a trait of the schools counted, not a level
    rows, _ = draft_frames(d, cat.vocabulary, None, None, lang="en")
    note = dict(zip(rows["written"], rows["note"]))
    assert "at least" in note["3.5万余人"] and "below" in note["2000人"]
    d = draft(cat, "2021年全国教育事业发展统计公报\n全国中职在校生1300多万人,毕业生400余万,专任教师60万多。")
    assert values(d) == {("sec_voc_students", 2021): 13_000_000, ("sec_voc_graduates", 2021): 4_000_000,
                         ("sec_voc_fulltime_teachers", 2021): 600_000}
    assert {v.written: dict(v.notes).get("lower_bound") for v in d.values} == {
        "1300多万人": "1300多万人", "400余万": "400余万", "60万": "60万多"}


def test_a_figure_for_school_types_together_is_not_drafted_unless_it_holds_for_each(cat):
    # synthetic: 合计 for two types is neither's value; 均为 states it for each
    d = draft(cat, "2021年全国教育事业发展统计公报\n全国中职和高职毕业生共计900万人。中职与高职生师比均为19:1。")
    assert reasons(d) == {"900万人": "joint"}
    assert values(d) == {("sec_voc_student_teacher_ratio", 2021): 19, ("higher_voc_student_teacher_ratio", 2021): 19}


def test_a_local_bulletins_school_year_parts_and_footnotes(cat):
    """Real local texts (benchmarks/draft_actuals_heldout_e/, first measured there 3 of 30 found): a title's school
    year (2021~2022学年初 is autumn 2021, as the national bulletins date theirs), 技工 for technician schools,
    the parts after 其中 (no context for the next sentence), bare 高中 (普通高中 or 高中阶段?) refused,
    the parts listed in a bracket, a footnote mark (毛入学率[14])."""
    d = draft(cat, "2021~2022学年初惠州市教育统计基本情况\n"
                   "4、高中招生人数40458人,比去年增加2757人;在校生人数112554人,比去年增加9667人。\n"
                   "6、技工招生人数11673人,比去年增加115人。技工在校生人数33868人,比去年增加1059人。\n"
                   "8、普通高校招生人数21282人,其中本科4784人,专科16498人。在校生人数69906人,其中本科19973人,专科49933人。",
              region="惠州市")
    assert values(d) == {("technician_school_new_enrollment", 2021): 11673, ("technician_school_students", 2021): 33868,
                         ("higher_voc_new_enrollment", 2021): 16498, ("higher_voc_students", 2021): 49933}
    assert d.year == 2021 and reasons(d)["40458人"] == "ambiguous_indicator" and "69906人" in reasons(d)
    d = draft(cat, "【教育基本情况】 2022年,全县共有各级各类学校486所。共有在校学生205582人(其中,学前教育33054人、"
                   "普通高中21212人、中职2026人、特殊教育162人)。共有专任教师9689人(其中,幼儿园4529人、中等职业教育134人)。",
              region="织金县")
    assert values(d) == {("general_hs_students", 2022): 21212, ("sec_voc_students", 2022): 2026,
                         ("sec_voc_fulltime_teachers", 2022): 134}
    assert reasons(d)["9689人"] == "unclear_indicator"  # the total: no school type, not the last part's
    d = draft(cat, "教育和科学技术\n2023年末全省有普通高校123所。小学适龄儿童入学率[13]100%,高中阶段教育毛入学率[14] 94.77%。",
              region="湖南省")
    assert values(d)[("senior_secondary_gross_enrollment_rate", 2023)] == 94.77


def test_the_year_comes_from_the_text_or_year_and_a_conflict_drafts_nothing_undated(cat):
    assert bulletin_year("2023年全国教育事业发展统计公报") == 2023
    assert bulletin_year("在线学习2024年3期：2023年高等教育毛入学率达60.2%（教育部2024-03-01新闻发布会介绍2023年全国教育事业发展基本情况）") == 2023
    assert bulletin_year("职教“十四五”:全国教育事业发展基本情况的视角（汇编2021-2023年教育部统计主要结果及统计公报职教数据，2024-03）") is None
    body = "全国共有中等职业学校7294所。招生488.99万人,在校生1311.81万人。"
    assert reasons(draft(cat, "教育事业统计主要结果\n" + body)) == {"7294所": "no_year", "488.99万人": "no_year",
                                                                  "1311.81万人": "no_year"}
    assert values(draft(cat, body, year=2021))[("sec_voc_schools", 2021)] == 7294
    # synthetic conflict: the title says 2021, --year 2020
    d = draft(cat, "2021年全国教育事业统计主要结果\n" + body, year=2020)
    assert d.conflicts and values(d) == {}
    assert set(reasons(d).values()) == {"year_conflict", "title"} or set(reasons(d).values()) == {"year_conflict"}
    # a year stated in the sentence still dates its numbers
    d = draft(cat, "2021年全国教育事业统计主要结果\n2020年,全国高中阶段毛入学率91.2%。", year=2020)
    assert values(d) == {("senior_secondary_gross_enrollment_rate", 2020): 91.2}


def test_every_reason_has_words_in_both_languages():
    for lang in ("zh", "en"):
        assert set(NOT_DRAFTED[lang]) == set(REASONS)
        for code in REASONS:
            assert NOT_DRAFTED[lang][code].format(detail="x")


# --- files: draft, refuse until confirmed, then read -------------------------------------------------------

def _confirm(path):
    wb = openpyxl.load_workbook(path)
    ws = wb["actuals"]
    header = [c.value for c in ws[1]]
    col = header.index("confirmed") + 1
    for r in range(2, ws.max_row + 1):
        ws.cell(r, col).value = "true"
    wb.save(path)


def test_draft_validate_refuses_until_confirmed_then_actuals_and_assess_read_it(tmp_path, capsys):
    src = tmp_path / "bulletin.txt"
    src.write_text(NATIONAL_2023, encoding="utf-8")
    out = tmp_path / "draft.xlsx"
    assert main(["draft-actuals", str(src), "--region", "全国", "-o", str(out),
                 "--source-url", "https://edu.hsw.cn/system/2024/0304/149996.shtml"]) == 0
    err = capsys.readouterr().err
    assert "6 个数值" in err and "1.65万人" in err
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["actuals", "not_drafted"]
    # unconfirmed rows are refused with the file and row named
    assert main(["validate", str(out), "--format", "csv"]) == 1
    shown = capsys.readouterr()
    assert "value.unconfirmed" in shown.out and "draft.xlsx" in shown.out and "6 个错误" in shown.err
    frame, problems = read_actuals_file(out, load_catalog().vocabulary, load_catalog().regions)
    assert {p.code for p in problems} == {"value.unconfirmed"} and len(problems) == 6
    assert sorted(p.row for p in problems) == [2, 3, 4, 5, 6, 7] and frame.empty
    with pytest.raises(Exception, match="value.unconfirmed"):
        load_actuals([out])
    # run checks its inputs before any notebook: nothing is written
    assert main(["run", "--actuals", str(out), "--out", str(tmp_path / "reports"), "--region", "全国"]) == 1
    assert "value.unconfirmed" in capsys.readouterr().err and not (tmp_path / "reports").exists()
    _confirm(out)
    assert main(["validate", str(out)]) == 0
    act = load_actuals([out])
    mine = act.frame[act.frame["file"] == str(out)]
    assert len(mine) == 6 and set(mine["layer"]) == {"planner"}
    row = mine[mine["indicator"] == "sec_voc_new_enrollment"].iloc[0]
    assert row["value"] == 4540400 and row["year"] == 2023 and row["definition"] == "excl_technician"
    assert row["quote"].startswith("全国中等职业教育(不含人社部门管理的技工学校)")
    assert row["source_url"] == "https://edu.hsw.cn/system/2024/0304/149996.shtml"
    report = tmp_path / "assess.csv"
    assert main(["assess", "--region", "全国", "--actuals", str(out), "--format", "csv", "-o", str(report)]) == 0


def test_a_csv_draft_with_its_side_file_and_the_confirmed_column(tmp_path, capsys):
    out = tmp_path / "d.csv"
    text = "2021年全国教育事业统计主要结果\n全国共有中等职业学校7294所。招生488.99万人,同口径比上年增加4.38万人。"
    assert main(["draft-actuals", text, "--region", "全国", "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["indicator"], r["year"], r["value"], r["confirmed"]) for r in rows] == [
        ("sec_voc_schools", "2021", "7294", "false"), ("sec_voc_new_enrollment", "2021", "4889900", "false")]
    side = list(csv.DictReader((tmp_path / "d.not_drafted.csv").open(encoding="utf-8")))
    assert [(r["原文数字"], r["code"]) for r in side] == [("4.38万人", "change")]
    assert main(["validate", str(out)]) == 1
    capsys.readouterr()
    # --include-drafts reads them as they are, each with a warning (as a drafted plan loads with it)
    assert main(["validate", str(out), "--include-drafts"]) == 0
    assert "读取 2 个值：0 个错误，2 个警告" in capsys.readouterr().err
    act = load_actuals([out], include_drafts=True)
    assert len(act.frame[act.frame["file"] == str(out)]) == 2
    assert [w.code for w in act.warnings if w.file == str(out)] == ["value.unconfirmed"] * 2
    for said, code in (("maybe", "value.bad_confirmed"), ("", "value.unconfirmed"), ("是", None), ("TRUE", None)):
        body = out.read_text(encoding="utf-8").replace(",false\n", f",{said}\n")
        f = tmp_path / f"c{len(said)}{code}.csv"
        f.write_text(body, encoding="utf-8")
        _, problems = read_actuals_file(f, load_catalog().vocabulary, load_catalog().regions)
        assert {p.code for p in problems} == ({code} if code else set())
    # a planner's file without the column is read as before
    plain = tmp_path / "plain.csv"
    plain.write_text("region,indicator,year,value\n全国,sec_voc_schools,2021,7294\n", encoding="utf-8")
    frame, problems = read_actuals_file(plain, load_catalog().vocabulary, load_catalog().regions)
    assert problems == [] and len(frame) == 1


def test_a_gbk_file_drafts_as_the_utf8_text_and_the_draft_is_byte_identical(tmp_path, capsys):
    (tmp_path / "u.txt").write_text(NATIONAL_2023, encoding="utf-8")
    (tmp_path / "g.txt").write_bytes(NATIONAL_2023.replace("“", "").replace("”", "").encode("gbk"))
    (tmp_path / "u2.txt").write_text(NATIONAL_2023.replace("“", "").replace("”", ""), encoding="utf-8")
    assert values(draft(cat_once(), read_bulletin(str(tmp_path / "g.txt"))[0])) == \
        values(draft(cat_once(), read_bulletin(str(tmp_path / "u2.txt"))[0]))
    for name in ("a.xlsx", "b.xlsx"):
        assert main(["draft-actuals", str(tmp_path / "u.txt"), "--region", "全国", "-o", str(tmp_path / name)]) == 0
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def cat_once():
    return load_catalog()


@pytest.mark.parametrize("content, code", [(None, "file.missing"), (b"", "file.empty"), (b"   \n", "file.empty"),
                                           ("\u00e9t\u00e9 caf\u00e9 na\u00efve r\u00e9sum\u00e9".encode("latin-1"),
                                            "file.unknown_encoding")])
def test_an_unreadable_bulletin_is_an_error_with_a_code(tmp_path, capsys, content, code):
    f = tmp_path / "b.txt"
    if content is not None:
        f.write_bytes(content)
    assert main(["draft-actuals", str(f), "--region", "全国"]) == 1
    assert code in capsys.readouterr().err


def test_a_word_file_drafts_as_its_text(tmp_path):
    """Word, PDF and web pages come through drafting.documents.read_document (the plan drafter's reader),
    where that module is part of the build; skipped otherwise."""
    pytest.importorskip("indicators.drafting.documents")
    docx = pytest.importorskip("docx")
    lines = NATIONAL_2023.split("\n")
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    table = d.add_table(rows=2, cols=3)
    for i, row in enumerate([["指标", "2022年", "2023年"], ["中职招生数（万人）", "484.78", "454.04"]]):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    path = tmp_path / "b.docx"
    d.save(path)
    cat = load_catalog()
    got = values(draft(cat, read_bulletin(str(path))[0]))
    assert got == {**values(draft(cat, NATIONAL_2023)), ("sec_voc_new_enrollment", 2022): 4847800}


def test_a_label_naming_its_own_quantity_is_never_the_inherited_measure(cat):
    """Guangdong's quality report for 2018 (Guangzhou Daily, 2019-04-10; quotes of the shared data)."""
    text = ("2018年,全省中等职业学校毕业生总数28.53万人,就业学生数27.94万人,就业率为97.91%,与2017年基本持平并继续保持高位"
            "(2017年就业率为98.00%)。\n2018年,广东省中等职业学校教职工数为56695人,其中专任教师44054人,专业教师29649人。")
    d = draft(cat, text, region="广东省")
    assert values(d) == {("sec_voc_graduates", 2018): 285300, ("sec_voc_fulltime_teachers", 2018): 44054}
    r = reasons(d)
    assert r["27.94万人"] == r["29649人"] == r["56695人"] == "unclear_indicator"
    assert r["98.00%"] == "bracket"
    # a comparison year dates nothing; a bracket does not cut the clause
    text = ("2020年度广东省中等职业教育质量报告\n广东共有独立设置的中职学校(不含技工学校,下同)396 所,校均规模2189人。"
            "与2019年相比,中职学校总数减少30所,校均规模增加171人。")
    d = draft(cat, text, region="广东省")
    assert values(d) == {("sec_voc_schools", 2020): 396, ("sec_voc_avg_students_per_school", 2020): 2189}
    assert {v.definition for v in d.values} == {"excl_technician"}
    assert reasons(d) == {"30所": "change", "171人": "change"}


def test_a_label_that_is_a_vocabulary_name_by_itself(cat):
    """Shandong's news release of 2021-03 (a mirror with inserted pinyin; a quote of the shared data)."""
    d = draft(cat, "目前,山東技能人才達(dá)1341萬(wàn)人,其中高技能人才330萬(wàn)人;2020年,全省新增技能人才106萬(wàn)人",
              region="山东省", year=2020)
    assert values(d) == {("skilled_workers_total", 2020): 13410000, ("high_skilled_workers_total", 2020): 3300000,
                         ("new_skilled_talents", 2020): 1060000}


def test_any_mix_of_bulletin_words_drafts_without_error_and_every_row_quotes_its_text(cat):
    """Generated text (fixed seed): pieces of bulletins in random order. Nothing raises; every drafted value
    stands verbatim in its quote and the quote in the text; shares lie within 0-100, counts are not negative;
    every number with a unit is drafted or listed, never both."""
    import random

    pieces = ["全国", "全省", "中等职业教育", "中职学校", "高职(专科)", "普通高中", "招生", "在校生", "专任教师", "生师比", "共有",
              "所", "万人", "人", "%", "元", "亿元", "比上年增长", "增加", "2020年", "截至", "(", "不含技工学校", ")", "。", ",",
              "、", ";", ":", "|", "\t", "\n", "...", "占", "高中阶段", "的", "分别", "和", "1.5", "26.72", "17:1", "0", "100",
              "萬", "億", "目(mu)前", "“双师型”教师比例", "其中", "技师学院", "以上", "约", "左右", "毕业生数", "招生数", "Entrants",
              "Short-cycle Courses", "1234567", "   ", "-", "二〇二〇年"]
    rng = random.Random(20261206)
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        d = draft_bulletin(text, cat.vocabulary, rng.choice(["全国", "山东省"]), year=rng.choice([None, 2020]),
                           regions=cat.regions)
        for v in d.values:
            assert v.written in v.quote and v.quote in text
            unit = cat.vocabulary[v.indicator].unit
            assert v.value >= 0 and (unit != "percent" or v.value <= 100)
        drafted = {v.start for v in d.values}
        assert all(n.reason == "repeat" or n.start not in drafted for n in d.not_drafted)


def test_a_bulletin_of_another_region_drafts_nothing_for_this_one(cat):
    """全国 is the nation, 全省 the province of the bulletin's title (or any province when the title names
    none): a national bulletin gives no 山东省 value, a 山东省 bulletin no 北京市 one, 全省 no district's."""
    d = draft(cat, NATIONAL_2023, region="山东省")
    assert values(d) == {} and {"other_region", "change"} == set(reasons(d).values())
    shandong = "2020年山东省教育事业发展统计公报\n全省中等职业教育招生 26.72 万人，在校生 75.48 万人"
    assert values(draft(cat, shandong, region="北京市")) == {}
    assert values(draft(cat, shandong, region="山东省")) == {("sec_voc_new_enrollment", 2020): 267200,
                                                               ("sec_voc_students", 2020): 754800}
    assert values(draft(cat, "全省中等职业教育招生 2.1 万人", region="茌平区", year=2020)) == {}
    assert values(draft(cat, "全区中等职业教育招生 2.1 万人", region="茌平区", year=2020)) == {
        ("sec_voc_new_enrollment", 2020): 21000}


def test_a_plans_targets_are_not_actuals(cat):
    """A plan's numbers (Guangdong's 2015-2020 plan as reported, a quote of more_plans/) are targets; a
    deadline (到2025年, synthetic) makes its paragraph's numbers targets too; a past path is not a deadline."""
    d = draft(cat, "《規劃》對廣東省現代職業教育體系建設設定了量化指標,要求專科層次職業教育在校生2017年達90萬人、2020年達100萬人",
              region="广东省")
    assert values(d) == {} and set(reasons(d).values()) == {"not_actual"}
    d = draft(cat, "2020年山东省教育事业发展统计公报\n到2025年,全省中等职业学校在校生达到85万人。在校生总数中,技工院校占30万人。"
                   "\n2020年,全省中等职业学校在校生75.48万人。", region="山东省")
    assert values(d) == {("sec_voc_students", 2020): 754800}
    assert reasons(d)["85万人"] == reasons(d)["30万人"] == "not_actual"
    d = draft(cat, "2012年全国职业学校专职教师规模从111万增加到2021年129万,增长17%...到2017年时,中职生师比为19.59:1")
    assert reasons(d)["111万"] == reasons(d)["129万"] == "no_indicator"  # 职业学校: 中职 and 高职 together
    assert values(d) == {("sec_voc_student_teacher_ratio", 2017): 19.59}


def test_a_name_is_found_however_the_bulletin_spells_the_school_type(catalog):
    """The vocabulary's names are indexed with one spelling per school type; a bulletin's long form
    (中等职业学校) finds the same key as the short one (中职学校)."""
    from indicators.drafting.bulletin_words import VocabularyNames

    names = VocabularyNames(catalog.vocabulary)
    assert names.get("中等职业学校在校生数") == names.get("中职学校在校生数") == "sec_voc_students"

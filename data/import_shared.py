#!/usr/bin/env python3
"""Bring the shared published statistics into the project's long format.

Usage (from the repository root):

    python data/import_shared.py /work/shared/data

Reads the four shared files (nbs_annual.csv, provincial/provincial_actuals.csv,
national_bulletins.csv, regional_yearbooks.csv) and writes one long-format file per
shared file into data/actuals/:

    10_nbs_annual.csv      <- nbs_annual.csv                      (preferred when the same
    15_nbs_provincial.csv  <- provincial/provincial_actuals.csv    region+indicator+year+
    20_moe_bulletins.csv   <- national_bulletins.csv               definition appears in
    30_yearbooks.csv       <- regional_yearbooks.csv               several files)

Columns: region,indicator,year,value,unit,definition,source_title,source_url,quote,origin,note

Rules
- Every output row is one row of a shared file.  value and unit are copied as
  text, exactly as published (no conversion, no rounding, no correction).
- A shared row is kept only when its (file, indicator_key) is in MAPPING.
  Everything else is skipped; the skipped counts are printed per key, and every
  skipped key must have a reason in LEFT_OUT (the script stops otherwise).
- The definition label comes from MAPPING: one label, a split by year (the
  2020/2021 break of the national series), a label per indicator_name_zh, or a
  label per region level / region (every name, level and region that occurs must
  be listed; the script stops on an unknown one).
- A few rows restate another row of the same file for the same region,
  indicator, year and definition (rounded press figures, the same table quoted
  twice).  They are listed in SUPERSEDED with the row that is kept and why; the
  kept row's note records the other figure and where it is.  Nothing else is
  dropped, and the script stops if any other duplicate remains.
- Output is sorted by region, indicator, definition, year (then origin line),
  written as UTF-8 without BOM with "\\n" line ends, so reruns are byte-identical.
- If data/README.md exists, the generated sections between the
  <!-- generated:NAME:start --> / <!-- generated:NAME:end --> markers are
  rewritten (mapping, definitions, coverage, units, superseded rows, left out).
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

NBS = "nbs_annual.csv"
PROV = "provincial/provincial_actuals.csv"
MOE = "national_bulletins.csv"
YB = "regional_yearbooks.csv"
FILES = (NBS, PROV, MOE, YB)  # in order of priority (output prefix)

# PROV is an NBS export like NBS, so it ranks before the MOE and yearbook files (shared README:
# prefer the NBS export); it shares no region+indicator+definition+year with 10_nbs_annual.csv.
OUTPUT_NAMES = {NBS: "10_nbs_annual.csv", PROV: "15_nbs_provincial.csv", MOE: "20_moe_bulletins.csv",
                YB: "30_yearbooks.csv"}

SHARED_COLUMNS = [
    "region", "region_level", "indicator_key", "indicator_name_zh", "year", "value",
    "unit", "kind", "source_title", "source_url", "quote",
]
# the provincial file has no `kind` (every row is an actual) and adds `definition_note`
PROV_COLUMNS = [
    "region", "region_level", "indicator_key", "indicator_name_zh", "year", "value",
    "unit", "definition_note", "source_title", "source_url", "quote",
]
COLUMNS = {NBS: SHARED_COLUMNS, PROV: PROV_COLUMNS, MOE: SHARED_COLUMNS, YB: SHARED_COLUMNS}
OUTPUT_COLUMNS = [
    "region", "indicator", "year", "value", "unit", "definition",
    "source_title", "source_url", "quote", "origin", "note",
]

# --------------------------------------------------------------------------------------
# Definition labels (column `definition`)
# --------------------------------------------------------------------------------------
LABELS = {
    "standard": "No definition issue: the series keeps one coverage as published.",
    "incl_technician": (
        "中等职业教育 including 技工学校 (technician schools): the national NBS/MOE totals up to "
        "2020, and later figures the source states as 含技工学校. For senior-secondary totals: the "
        "total whose vocational part includes 技工学校 (national, up to 2020)."
    ),
    "excl_technician": (
        "Excluding 技工学校: the national NBS/MOE totals from 2021 (中等职业教育 = 中等职业学校 + "
        "附设中职班), the NBS provincial export and the China Statistical Yearbook and provincial/city "
        "yearbook 中等职业学校(机构) series (which leave technician schools out in every year), and sources "
        "stating 不含技工学校. Senior-secondary totals 2021-2022."
    ),
    "school_only": (
        "中等职业学校 only: without attached classes (附设中职班) and without 技工学校; includes the "
        "Guangdong quality-report figures for 独立设置的中职学校 (stand-alone schools)."
    ),
    "excl_ou": (
        "Senior-secondary totals from 2023, which leave out the Open University's secondary "
        "vocational section (国家开放大学中职部) and, as since 2021, 技工学校."
    ),
    "excl_shanghai": ("A national total that leaves out Shanghai (China Statistical Yearbook 2011 technician-school "
                      "table, 2010, and the NBS 2010 national 技工学校 figures that equal it)."),
    "subsidised_only": "Only subsidised (补贴性) training, not all vocational-skill training.",
    "unspecified": (
        "The source does not state the coverage and the figure does not equal a table value of known "
        "coverage (press conferences, the 2014 supervision report, the 2020 主要结果, city yearbooks "
        "with their own 口径, reports that do not say whether 技工学校 are in). A cross-check only: "
        "never splice it into a series of another label."
    ),
}


class ByYear:
    """Definition by year: steps of (first year, label, note); the last step whose first year <= year applies."""

    def __init__(self, *steps: tuple[int, str, str]):
        self.steps = steps

    def __call__(self, row: dict) -> tuple[str, str]:
        year = int(row["year"])
        label, note = None, ""
        for first, step_label, step_note in self.steps:
            if year >= first:
                label, note = step_label, step_note
        if label is None:  # before the first step, or a closing step (label None)
            raise SystemExit(f"no definition step for year {year}: {row['_origin']}")
        return label, note

    def describe(self) -> str:
        parts = []
        for i, (first, label, _note) in enumerate(self.steps):
            if label is None:
                continue
            last = self.steps[i + 1][0] - 1 if i + 1 < len(self.steps) else None
            if last is not None and first > 0:
                span = str(first) if first == last else f"{first}-{last}"
            else:
                span = f"<= {last}" if last is not None else f">= {first}"
            parts.append(f"{span}: `{label}`")
        return "; ".join(parts)


class ByName:
    """Definition by indicator_name_zh; every name that occurs must be listed."""

    def __init__(self, labels: dict[str, str]):
        self.labels = labels

    def __call__(self, row: dict) -> tuple[str, str]:
        name = row["indicator_name_zh"]
        if name not in self.labels:
            raise SystemExit(f"indicator_name_zh not in mapping: {name!r} ({row['_origin']})")
        return self.labels[name], ""

    def describe(self) -> str:
        return "by name: " + "; ".join(f"{name} -> `{label}`" for name, label in self.labels.items())


class ByField:
    """Definition by the value of one shared column (region_level, region); every value that occurs
    must be listed. A value may map to a label or to another rule."""

    def __init__(self, column: str, labels: dict):
        self.column, self.labels = column, labels

    def __call__(self, row: dict) -> tuple[str, str]:
        value = row[self.column]
        if value not in self.labels:
            raise SystemExit(f"{self.column} {value!r} not in mapping: {row['_origin']}")
        rule = self.labels[value]
        return (rule, "") if isinstance(rule, str) else rule(row)

    def describe(self) -> str:
        return f"by {self.column}: " + "; ".join(
            f"{value} -> " + (f"`{rule}`" if isinstance(rule, str) else f"({rule.describe()})")
            for value, rule in self.labels.items())


# National NBS series of 中等职业教育: the 2020/2021 break (shared README, caveat 1).
SEC_VOC_BREAK = ByYear(
    (0, "incl_technician", ""),
    (2021, "excl_technician", ""),
)
# National NBS senior-secondary totals: the same break, then the 2023 exclusion of
# 国家开放大学中职部 (shared README, caveat 2).  In the export the totals equal general
# senior high + 中等职业教育 up to 2020 and again from 2023, and exceed that sum in 2021-2022.
SENIOR_SECONDARY_BREAKS = ByYear(
    (0, "incl_technician", ""),
    (2021, "excl_technician", ""),
    (2023, "excl_ou", "from 2023 excludes 国家开放大学中职部 (shared README)"),
)

# NBS provincial file: 中等职业学校(机构) excludes 技工学校 in every year (provincial README,
# definition 1; yearbook note U2020e).  Provinces and the nation carry the same series; of the two
# city rows, Hefei says "except technical schools" and Zhongshan does not say.
PROV_SEC_VOC = "excl_technician"
PROV_CITY = ByField("region", {"合肥市": "excl_technician", "中山市": "unspecified"})
PROV_SEC_VOC_BY_LEVEL = ByField("region_level", {"national": PROV_SEC_VOC, "province": PROV_SEC_VOC,
                                                 "city": PROV_CITY})
# National 技工学校 2005-2010: the 2010 values equal the China Statistical Yearbook 2011 table
# (students 421.0万, schools 2998), which leaves out Shanghai: labelled as the yearbook rows are.
PROV_TECHNICIAN = ByYear(
    (0, "standard", ""),
    (2010, "excl_shanghai", "2010 figures equal 中国统计年鉴2011 表20-25 (技工学校, students 421.0万, schools "
                            "2998), a table that leaves out Shanghai"),
    (2011, None, ""),  # 2011 on: nbs_annual.csv
)

# --------------------------------------------------------------------------------------
# Mapping: (shared file, shared indicator_key) -> (project indicator key, definition)
# --------------------------------------------------------------------------------------
MAPPING = {
    # ---------------- nbs_annual.csv (NBS annual-data exports, 万人 / 万元) ----------------
    (NBS, "sec_voc_new_enrollment"): ("sec_voc_new_enrollment", SEC_VOC_BREAK),
    (NBS, "sec_voc_students"): ("sec_voc_students", SEC_VOC_BREAK),
    (NBS, "sec_voc_graduates"): ("sec_voc_graduates", SEC_VOC_BREAK),
    # national parts of 中等职业教育 up to 2020 (with 技工学校 they add up to the incl_technician total)
    (NBS, "sec_voc_specialized_new_enrollment"): ("sec_voc_regular_specialized_new_enrollment", "standard"),  # 普通中专
    (NBS, "sec_voc_specialized_students"): ("sec_voc_regular_specialized_students", "standard"),
    (NBS, "sec_voc_adult_new_enrollment"): ("sec_voc_adult_specialized_new_enrollment", "standard"),  # 成人中专
    (NBS, "sec_voc_adult_students"): ("sec_voc_adult_specialized_students", "standard"),
    (NBS, "sec_voc_vocational_high_new_enrollment"): ("sec_voc_vocational_high_new_enrollment", "standard"),  # 职业高中
    (NBS, "sec_voc_vocational_high_students"): ("sec_voc_vocational_high_students", "standard"),
    (NBS, "technician_school_new_enrollment"): ("technician_school_new_enrollment", "standard"),
    (NBS, "technician_school_students"): ("technician_school_students", "standard"),
    # 技工学校毕业生数 = the vocabulary's 技工院校年输送毕业生数 (graduates per year)
    (NBS, "technician_school_graduates"): ("technician_school_graduates_per_year", "standard"),
    (NBS, "general_hs_new_enrollment"): ("general_hs_new_enrollment", "standard"),
    (NBS, "general_hs_students"): ("general_hs_students", "standard"),
    (NBS, "senior_secondary_new_enrollment"): ("senior_secondary_new_enrollment", SENIOR_SECONDARY_BREAKS),
    (NBS, "senior_secondary_students"): ("senior_secondary_students", SENIOR_SECONDARY_BREAKS),
    # 专科 = higher vocational (普通专科 up to 2020, 职业专科 from 2021: same short-cycle count)
    (NBS, "higher_voc_new_enrollment"): ("higher_voc_new_enrollment", "standard"),
    (NBS, "higher_voc_students"): ("higher_voc_students", "standard"),
    (NBS, "higher_voc_graduates"): ("higher_voc_graduates", "standard"),
    # 教育经费 (万元) by province: all levels of education, not vocational only
    (NBS, "education_funding_total"): ("education_funding_total", "standard"),

    # ---------------- provincial/provincial_actuals.csv (NBS 分省年度数据, 2005-2019) ----------------
    (PROV, "sec_voc_new_enrollment"): ("sec_voc_new_enrollment", PROV_SEC_VOC_BY_LEVEL),
    (PROV, "sec_voc_students"): ("sec_voc_students", PROV_SEC_VOC_BY_LEVEL),
    (PROV, "sec_voc_graduates"): ("sec_voc_graduates", PROV_SEC_VOC_BY_LEVEL),
    (PROV, "sec_voc_fulltime_teachers"): ("sec_voc_fulltime_teachers", PROV_SEC_VOC_BY_LEVEL),
    (PROV, "sec_voc_staff"): ("sec_voc_staff", PROV_SEC_VOC_BY_LEVEL),
    # 聘请校外教师 (hired from outside, not counted as staff): NOT 双师型
    (PROV, "sec_voc_external_teachers"): ("sec_voc_external_teachers", PROV_SEC_VOC_BY_LEVEL),
    (PROV, "sec_voc_graduates_with_vocational_certificate"): (
        "sec_voc_graduates_with_vocational_certificate", PROV_SEC_VOC_BY_LEVEL),
    # parts of 中职 (2005-2011): no technician issue, like the other part series
    (PROV, "regular_specialized_secondary_student_teacher_ratio"): (
        "sec_voc_regular_specialized_student_teacher_ratio", "standard"),  # 普通中专
    (PROV, "voc_high_student_teacher_ratio"): ("sec_voc_vocational_high_student_teacher_ratio", "standard"),  # 职业高中
    (PROV, "general_hs_new_enrollment"): ("general_hs_new_enrollment", "standard"),
    (PROV, "general_hs_students"): ("general_hs_students", "standard"),
    # 普通高等学校专科 (incl. 专科 taught in universities), as nbs_annual.csv's national series
    (PROV, "higher_voc_new_enrollment"): ("higher_voc_new_enrollment", "standard"),
    (PROV, "higher_voc_students"): ("higher_voc_students", "standard"),
    (PROV, "higher_voc_graduates"): ("higher_voc_graduates", "standard"),
    (PROV, "technician_school_new_enrollment"): ("technician_school_new_enrollment", PROV_TECHNICIAN),
    (PROV, "technician_school_students"): ("technician_school_students", PROV_TECHNICIAN),
    (PROV, "technician_school_graduates"): ("technician_school_graduates_per_year", PROV_TECHNICIAN),
    (PROV, "technician_schools"): ("technician_schools", PROV_TECHNICIAN),

    # ---------------- national_bulletins.csv (MOE tables, bulletins, press releases) ----------------
    (MOE, "sec_voc_new_enrollment"): ("sec_voc_new_enrollment", ByName({
        "中等职业教育招生数(含技工学校)": "incl_technician",
        "中职招生数(页面写作“2020年”，但600.37万/483.61万与教育部2019年统计表(中职招生6003657、专科招生4836146)一致，按2019年记录)": "incl_technician",
        "中等职业教育招生数(不含技工学校;含附设中职班)": "excl_technician",
        "中等职业教育招生数(2021统计公报,不含技工学校)": "excl_technician",
        "中等职业学校招生数(不含技工学校)": "excl_technician",  # 484.78万 = the table's 中等职业教育 total incl. 附设中职班
        "中等职业教育招生数(不含人社部门管理的技工学校)": "excl_technician",
        "中等职业学校招生数(督导报告口径)": "unspecified",  # 628.85万 > table total incl. 技工学校 (619.76万)
        "中职学校招生数(职成司发布会口径)": "unspecified",  # 559.41万 != table 557.05万
        "中等职业学校招生数(2020主要结果口径)": "unspecified",  # 627.56万 != table 644.66万
    })),
    (MOE, "sec_voc_students"): ("sec_voc_students", ByName({
        "中等职业教育在校生数(含技工学校)": "incl_technician",
        "中等职业教育在校生数(统计公报口径,含技工学校)": "incl_technician",
        "中等职业教育在校生数(不含技工学校;含附设中职班)": "excl_technician",
        "中等职业学校在校生数(不含技工学校)": "excl_technician",  # 1339.29万 = table 中等职业教育 total
        "中等职业教育在校生数(不含人社部门管理的技工学校)": "excl_technician",
        "中职学校在校生数(职成司发布会口径)": "unspecified",
        "中等职业学校在校生数(2020主要结果口径)": "unspecified",
    })),
    (MOE, "sec_voc_fulltime_teachers"): ("sec_voc_fulltime_teachers", ByName({
        "中等职业教育专任教师数(不含技工学校)": "excl_technician",
        "中等职业学校专任教师数(不含技工学校,二手研究引教育部数据)": "excl_technician",
        "中等职业教育专任教师数": "unspecified",  # 2014 mid-term evaluation; coverage not stated
        "中等职业学校专任教师数(2020主要结果口径)": "unspecified",
    })),
    (MOE, "sec_voc_student_teacher_ratio"): ("sec_voc_student_teacher_ratio", ByName({
        "中等职业教育生师比(不含技工学校)": "excl_technician",
        "中等职业学校生师比(不含技工学校,二手研究引教育部数据)": "excl_technician",
        "中等职业教育生师比": "unspecified",  # 2010 and 2014, mid-term evaluation
    })),
    (MOE, "higher_voc_student_teacher_ratio"): ("higher_voc_student_teacher_ratio", "standard"),
    (MOE, "sec_voc_dual_qualified_teacher_share"): ("sec_voc_dual_qualified_teacher_share", "standard"),
    (MOE, "higher_voc_dual_qualified_teacher_share"): ("higher_voc_dual_qualified_teacher_share", "standard"),
    (MOE, "voc_share_of_senior_secondary_enrollment"): ("voc_share_of_senior_secondary_enrollment", ByName({
        "中职招生占高中阶段教育招生比例(含技工学校)": "incl_technician",
        "中职招生占高中阶段教育招生比例(页面写作“2020年”，但600.37万/483.61万与教育部2019年统计表(中职招生6003657、专科招生4836146)一致，按2019年记录)": "incl_technician",
        "中职招生占高中阶段招生比例(督导报告)": "unspecified",
        "中职招生占高中阶段教育招生比例": "unspecified",  # 2018 press conference (职成司)
        "中职招生占高中阶段教育招生比例(2010-2014五年“保持在45%左右”)": "unspecified",
    })),
    (MOE, "voc_share_of_senior_secondary_students"): ("voc_share_of_senior_secondary_students", ByName({
        "中职在校生占高中阶段教育在校生比例(含技工学校)": "incl_technician",
        # the sentence's 1555.26万 is the MOE table total incl. 技工学校
        "中职在校生占高中阶段教育在校生总数比例(统计公报)": "incl_technician",
        "中职在校生占高中阶段教育在校生比例": "unspecified",  # 2018 press conference (职成司)
    })),
    (MOE, "general_hs_new_enrollment"): ("general_hs_new_enrollment", "standard"),
    (MOE, "general_hs_students"): ("general_hs_students", "standard"),
    (MOE, "senior_secondary_new_enrollment_total"): ("senior_secondary_new_enrollment", ByName({
        "高中阶段教育招生总数(统计公报)": "incl_technician",  # equal to the NBS totals (2015, 2019)
        "高中阶段教育招生总数(2020主要结果口径)": "unspecified",  # 1504.00万 != NBS 1521.10万
    })),
    (MOE, "senior_secondary_students_total"): ("senior_secondary_students", ByName({
        "高中阶段教育在校生总数(统计公报)": "incl_technician",
        "高中阶段教育在校生总数(2020统计公报)": "incl_technician",
    })),
    (MOE, "senior_secondary_gross_enrollment_rate"): ("senior_secondary_gross_enrollment_rate", "standard"),
    (MOE, "higher_voc_new_enrollment"): ("higher_voc_new_enrollment", "standard"),
    (MOE, "higher_voc_students"): ("higher_voc_students", "standard"),
    (MOE, "higher_voc_institutions"): ("higher_voc_institutions", "standard"),
    (MOE, "higher_voc_fulltime_teachers"): ("higher_voc_fulltime_teachers", "standard"),
    (MOE, "higher_voc_share_of_undergrad_enrollment"): ("higher_voc_share_of_undergrad_enrollment", "standard"),
    (MOE, "higher_voc_expansion_3yr_cumulative"): ("higher_voc_expansion_cumulative", "standard"),  # 2019-2021 total
    (MOE, "voc_bachelor_new_enrollment"): ("voc_bachelor_new_enrollment", "standard"),
    (MOE, "voc_bachelor_students"): ("voc_bachelor_students", "standard"),
    # funding (快报 = flash report, later revised in the 统计公告)
    (MOE, "sec_voc_total_education_funding"): ("sec_voc_total_funding", "standard"),
    (MOE, "higher_voc_total_education_funding"): ("higher_voc_total_funding", "standard"),
    (MOE, "sec_voc_per_student_public_budget_expenditure"): ("sec_voc_per_student_budget_funding", "standard"),
    # 公用经费 (non-personnel) spending; 公共财政预算 (to 2014) = 一般公共预算 (renamed 2015)
    (MOE, "sec_voc_per_student_public_budget_public_expenditure"): ("sec_voc_per_student_budget_nonpersonnel_expenditure", "standard"),
    (MOE, "sec_voc_per_student_total_education_expenditure"): ("sec_voc_per_student_total_expenditure", "standard"),
    # 生均仪器设备值 covers all teaching and research equipment, not only training equipment,
    # so it is NOT training_equipment_value_per_student (校内生均实习实训设备仪器值)
    (MOE, "sec_voc_equipment_value_per_student"): ("sec_voc_equipment_value_per_student", "standard"),

    # ---------------- regional_yearbooks.csv (yearbooks, MOE tables, local releases) ----------------
    (YB, "sec_voc_new_enrollment"): ("sec_voc_new_enrollment", ByName({
        "中等职业学校招生数(不含技工学校)": "excl_technician",
        "中等职业教育(不含技工学校,含附设中职班)招生数": "excl_technician",
        "中等职业学校招生数(独立设置中职)": "school_only",
        "中等职业技术学校招生数(成都年鉴口径)": "unspecified",
    })),
    (YB, "sec_voc_incl_technician_new_enrollment"): ("sec_voc_new_enrollment", "incl_technician"),
    (YB, "sec_voc_school_only_new_enrollment"): ("sec_voc_new_enrollment", "school_only"),
    # Guangdong 2018: the 48.78万 used for the 普职比 ("口径含技工学校等")
    (YB, "sec_voc_education_new_enrollment_all_types"): ("sec_voc_new_enrollment", "incl_technician"),
    (YB, "sec_voc_students"): ("sec_voc_students", ByName({
        "中等职业学校在校生数(不含技工学校)": "excl_technician",
        "中等职业教育(不含技工学校,含附设中职班)在校生数": "excl_technician",
        "中等职业学校在校生数(含技工学校)": "incl_technician",
        "中等职业学校在校生数(独立设置中职)": "school_only",
        "中职学校在校生数(不含技工学校)": "school_only",  # Guangdong 2020: the report's 中职学校 = 独立设置的中职学校
        "中等职业学校在校生数": "unspecified",
        "中等职业学校在校生数(含与技工合署学校)": "unspecified",
        "中等职业技术学校在校生数(成都年鉴口径)": "unspecified",
    })),
    (YB, "sec_voc_incl_technician_students"): ("sec_voc_students", "incl_technician"),
    (YB, "sec_voc_school_only_students"): ("sec_voc_students", "school_only"),
    (YB, "sec_voc_graduates"): ("sec_voc_graduates", ByName({
        "中等职业学校毕业生数(不含技工学校)": "excl_technician",
        "中等职业教育(不含技工学校,含附设中职班)毕业生数": "excl_technician",
        "中等职业学校毕业生数": "unspecified",
        "中等职业技术学校毕业生数(成都年鉴口径)": "unspecified",
        "中职毕业生数(2013届)": "unspecified",
    })),
    (YB, "sec_voc_incl_technician_graduates"): ("sec_voc_graduates", "incl_technician"),
    (YB, "sec_voc_school_only_graduates"): ("sec_voc_graduates", "school_only"),
    (YB, "sec_voc_fulltime_teachers"): ("sec_voc_fulltime_teachers", ByName({
        "中等职业学校(机构)专任教师数(不含技工学校)": "excl_technician",
        "中等职业学校专任教师数(不含技工学校)": "excl_technician",
        "中等职业学校专任教师数(不含技工学校,技工学校另列)": "excl_technician",
        "中等职业教育(不含技工学校,含其他中职机构人员)专任教师数": "excl_technician",
        "中等职业学校专任教师数": "unspecified",  # Guangdong 2018 quality report
        "中等职业教育专任教师数(合计)": "unspecified",  # Fujian yearbook, categories not listed
    })),
    (YB, "sec_voc_school_only_fulltime_teachers"): ("sec_voc_fulltime_teachers", "school_only"),
    # China Statistical Yearbook regional tables (2006, 2009, 2010), Shandong and MOE tables: the
    # same 中等职业学校(机构) series as the NBS provincial export (a cross-check of it)
    (YB, "sec_voc_staff"): ("sec_voc_staff", ByName({
        "中等职业学校(机构)教职工数(不含技工学校)": "excl_technician",
        "中等职业教育(不含技工学校,含其他中职机构人员)教职工数": "excl_technician",
        "中等职业学校教职工人数(不含技工学校,技工学校另列)": "excl_technician",
    })),
    (YB, "sec_voc_external_teachers"): ("sec_voc_external_teachers", ByName({
        "中等职业学校(机构)聘请校外教师数(不计入教职工)": "excl_technician",
        "中等职业学校(机构)聘请校外教师数": "excl_technician",
    })),
    (YB, "sec_voc_schools"): ("sec_voc_schools", ByName({
        "中等职业学校数(不含技工学校)": "excl_technician",
        "中等职业学校数(不含技工学校,技工学校另列)": "excl_technician",
        "中等职业教育(不含技工学校,含其他中职机构人员)学校数": "excl_technician",
        "中等职业学校数(总计)": "excl_technician",  # Jilin yearbook 中等职业学校(机构) table
        "中等职业学校数(含135所技工学校)": "incl_technician",
        "中职学校数(含7所技工院校)": "incl_technician",
        "中职学校数(含技工学校3所)": "incl_technician",
        "独立设置的中等职业学校数(不含技工学校)": "school_only",
        "独立设置的中职学校数(不含技工学校)": "school_only",
        "中等职业学校数": "unspecified",
        "中等职业学校数(含与技工合署学校)": "unspecified",
        "中等职业学校数(环翠区含开发区,含与技工合署学校)": "unspecified",
        "中职学校数(括注被截断,可能含技工学校)": "unspecified",
    })),
    (YB, "sec_voc_school_only_schools"): ("sec_voc_schools", "school_only"),
    (YB, "sec_voc_avg_students_per_school"): ("sec_voc_avg_students_per_school", "school_only"),  # Guangdong, 独立设置
    (YB, "sec_voc_student_teacher_ratio"): ("sec_voc_student_teacher_ratio", "unspecified"),  # Guangdong 2018 report
    # parts of 中等职业教育 (national MOE tables 2014-2020; Chongqing 2006-2007; Wenzhou 2017)
    (YB, "sec_voc_regular_specialized_new_enrollment"): ("sec_voc_regular_specialized_new_enrollment", "standard"),
    (YB, "sec_voc_regular_specialized_students"): ("sec_voc_regular_specialized_students", "standard"),
    (YB, "regular_specialized_secondary_new_enrollment"): ("sec_voc_regular_specialized_new_enrollment", "standard"),  # 普通中等专业学校
    (YB, "regular_specialized_secondary_students"): ("sec_voc_regular_specialized_students", "standard"),
    (YB, "sec_voc_adult_specialized_new_enrollment"): ("sec_voc_adult_specialized_new_enrollment", "standard"),
    (YB, "sec_voc_adult_specialized_students"): ("sec_voc_adult_specialized_students", "standard"),
    (YB, "sec_voc_vocational_high_new_enrollment"): ("sec_voc_vocational_high_new_enrollment", "standard"),
    (YB, "sec_voc_vocational_high_students"): ("sec_voc_vocational_high_students", "standard"),
    (YB, "voc_high_new_enrollment"): ("sec_voc_vocational_high_new_enrollment", "standard"),  # Wenzhou 职业高中
    (YB, "voc_high_students"): ("sec_voc_vocational_high_students", "standard"),
    (YB, "technician_school_new_enrollment"): ("technician_school_new_enrollment", "standard"),
    (YB, "technician_school_students"): ("technician_school_students", ByName({
        "技工学校在校生数": "standard",
        "技工院校在校生数": "standard",  # 技工院校 = 技工学校 incl. 高级技工学校 and 技师学院
        "技工院校在校生数(英文摘要)": "standard",
        "技工学校在校学生数(不含上海;原表单位万人,421.0万)": "excl_shanghai",
    })),
    (YB, "technician_school_graduates"): ("technician_school_graduates_per_year", "standard"),
    (YB, "technician_schools"): ("technician_schools", ByName({
        "技工学校数": "standard",
        "技工院校数": "standard",
        "技工院校数(英文摘要:vocational schools)": "standard",
        "技工学校数(不含上海)": "excl_shanghai",
    })),
    (YB, "technician_graduate_employment_rate"): ("technician_school_graduate_employment_rate", "standard"),  # vocabulary key exists
    (YB, "general_hs_new_enrollment"): ("general_hs_new_enrollment", "standard"),
    (YB, "general_hs_students"): ("general_hs_students", "standard"),
    (YB, "voc_share_of_senior_secondary_enrollment"): ("voc_share_of_senior_secondary_enrollment", ByName({
        "高中阶段教育招生普职比(职业占比)": "incl_technician",  # Guangdong 2018, from 48.78万 "口径含技工学校等"
        "高中阶段实际招生职普比(职业占比)": "unspecified",  # Weihai 2017, 48:52
    })),
    # funding: Guangdong 2020 quality report, scope 独立设置的中职学校(不含技工学校)
    (YB, "sec_voc_total_funding"): ("sec_voc_total_funding", "school_only"),
    (YB, "sec_voc_per_student_public_expenditure"): ("sec_voc_per_student_budget_recurrent_expenditure", "school_only"),
    # Dongguan city government spending on vocational education
    (YB, "voc_edu_gov_investment"): ("city_gov_voc_investment", "standard"),
    (YB, "voc_edu_gov_investment_cumulative_2009_2013"): ("city_gov_voc_investment_cumulative", "standard"),
    (YB, "skilled_workers_total"): ("skilled_workers_total", "standard"),
    (YB, "high_skilled_workers_total"): ("high_skilled_workers_total", "standard"),
    (YB, "vocational_training_person_times_cumulative"): ("vocational_training_person_times_cumulative", ByName({
        "各类职业技能培训累计人次(2019年以来累计,截至2023年6月)": "standard",
        "各类补贴性培训累计人次(截至2024年5月,起算时间未说明)": "subsidised_only",
    })),
    (YB, "vocational_training_persons_cumulative"): ("vocational_training_persons_cumulative", "standard"),
}

# --------------------------------------------------------------------------------------
# Rows that restate another row of the same file (same region, indicator, year, definition).
# (file, line of the restating row) -> (line of the row kept, reason)
# --------------------------------------------------------------------------------------
SUPERSEDED = {
    (MOE, 92): (93, "rounded (600.37万, page dated 2020) restatement of the MOE 2019 table figure"),
    (MOE, 96): (97, "rounded (488.99万) restatement of the MOE 2021 table figure"),
    (MOE, 99): (98, "rounded (484.78万) restatement of the MOE 2022 table figure"),
    (MOE, 130): (129, "rounded (1555.26万) restatement of the MOE 2018 table figure"),
    (MOE, 136): (135, "rounded (1339.29万) restatement of the MOE 2022 table figure"),
    (MOE, 35): (36, "rounded (337.98万, supervision report) restatement of the MOE 2014 table figure"),
    (MOE, 40): (41, "rounded (3.6883 million, MOE English page) restatement of the MOE 2018 table figure"),
    (MOE, 44): (45, "rounded (552.58万) restatement of the MOE 2021 table figure"),
    (MOE, 53): (55, "rounded (1006.6万, supervision report) restatement of the MOE 2014 table figure"),
    (MOE, 54): (55, "rounded (1006.63万, mid-term evaluation) restatement of the MOE 2014 table figure"),
    (MOE, 59): (58, "the same MOE 2017 table figure quoted from a second mirror (identical value)"),
    (MOE, 60): (61, "rounded (11.337 million, MOE English page) restatement of the MOE 2018 table figure"),
    (MOE, 64): (65, "rounded (1590.10万) restatement of the MOE 2021 table figure"),
    (MOE, 168): (167, "'五年来...保持在45%左右' characterises 2010-2014 as a whole, it is not a 2014 value; "
                      "the 2014 figure 44.12 (supervision report) is kept"),
}

# Extra notes for single rows: (file, line) -> note
NOTES = {
    (MOE, 26): "cumulative over 2019-2021",
    (MOE, 25): "lower bound (55%以上), given jointly for 中职 and 高职",
    (MOE, 75): "lower bound (55%以上), given jointly for 中职 and 高职",
    (MOE, 174): "the sentence's 1555.26万 equals the MOE table total incl. 技工学校",
    (MOE, 78): "MOE figure quoted in English (China Daily); all teaching and research equipment",
    (MOE, 82): "suspect: the same source's 2017 ratio 19.59 fits the NBS excl.-技工学校 figures (1254.29万 "
               "students / 64.04万 teachers = 19.59), not 83.92万 teachers; see data/README.md",
    (YB, 23): "source: 2.1万余人 (more than 21,000)",
    (YB, 64): "source does not say whether 技工学校 are included (2024: 763 incl. 135 技工学校)",
    (YB, 79): "the report's 中职学校 are 独立设置的中职学校(不含技工学校,下同)",
    (YB, 82): "the report's 中职学校 are 独立设置的中职学校(不含技工学校)",
    (YB, 83): "the report's 中职学校 are 独立设置的中职学校(不含技工学校)",
    (YB, 92): "published as 连续5年保持在97%以上 (lower bound)",
    (YB, 98): "single source: English summary (Reportify) of a 齐鲁晚报 article",
    (YB, 99): "single source: English summary (Reportify) of a 齐鲁晚报 article; same 45万 as 2023",
    (YB, 350): "year inferred by the data preparer from the yearbook edition (表题无年份)",
}

# --------------------------------------------------------------------------------------
# Shared keys deliberately left out, with the reason (documentation; checked for completeness)
# --------------------------------------------------------------------------------------
_STAFF = "staff, teacher or school breakdown not needed by the product"
_PRIVATE = "private-school (民办) / public-school series, not needed by the product"
_UNDERGRAD = "higher-education undergraduate or all-higher-education series, not vocational"
_PART_GRADUATES = "graduates by part (普通中专, 成人中专, 职业高中): the totals and 技工学校 graduates suffice to bridge the 2020/2021 break"
LEFT_OUT = {
    (PROV, "general_hs_graduates"): "graduates of general senior high: not needed",
    (PROV, "general_hs_schools"): _STAFF,
    (PROV, "general_hs_fulltime_teachers"): _STAFF,
    (NBS, "general_hs_graduates"): "graduates of general senior high: not needed",
    (NBS, "senior_secondary_graduates"): "senior-secondary graduates: not needed",
    (NBS, "sec_voc_specialized_graduates"): _PART_GRADUATES,
    (NBS, "sec_voc_adult_graduates"): _PART_GRADUATES,
    (NBS, "sec_voc_vocational_high_graduates"): _PART_GRADUATES,
    (NBS, "higher_ed_regular_and_voc_graduates"): _UNDERGRAD,
    (NBS, "higher_ed_regular_and_voc_new_enrollment"): _UNDERGRAD + " (provincial 普通、职业本专科 totals include 本科)",
    (NBS, "higher_ed_regular_and_voc_students"): _UNDERGRAD + " (provincial 普通、职业本专科 totals include 本科)",
    (NBS, "undergrad_regular_graduates"): _UNDERGRAD,
    (NBS, "undergrad_regular_new_enrollment"): _UNDERGRAD,
    (NBS, "undergrad_regular_students"): _UNDERGRAD,
    (MOE, "general_hs_fulltime_teachers"): _STAFF,
    (MOE, "general_hs_per_student_public_budget_expenditure"): "general senior high funding: not needed",
    (MOE, "higher_ed_per_student_public_budget_expenditure"): "all regular HEIs, not higher vocational only: mapping it to higher_voc would be wrong",
    (MOE, "higher_ed_per_student_public_budget_public_expenditure"): "all regular HEIs, not higher vocational only",
    (MOE, "higher_voc_graduate_employment_rate_6m"): "employment rates: no vocabulary key and mixed definitions (就业率, 就业升学率, 半年后)",
    (MOE, "sec_voc_graduate_employment_rate"): "employment rates: no vocabulary key and mixed definitions",
    (MOE, "higher_voc_new_enrollment_incl_voc_bachelor"): "a single 2022 aggregate (职业本专科, without 五年制 transfers); its parts are kept",
    (MOE, "provinces_with_higher_voc_per_student_funding_system"): "policy-coverage count, not a statistic the product compares",
    (MOE, "sec_voc_per_student_public_budget_expenditure_growth_5yr"): "growth rate derived from levels; the package computes growth itself",
    (MOE, "sec_voc_per_student_public_budget_operating_expenditure_growth"): "growth rate derived from levels",
    (MOE, "sec_voc_per_student_public_budget_public_expenditure_growth"): "growth rate derived from levels",
    (MOE, "sec_voc_teacher_qualification_rate"): "学历合格率: not requested, no vocabulary key",
    (MOE, "voc_institutions_students_total"): "中职+高职 aggregate; the parts are kept",
    (MOE, "voc_schools_fulltime_teachers"): "中职+高职 aggregate (round numbers from a press conference); the parts are kept",
    (YB, "general_hs_fulltime_teachers"): _STAFF,
    (YB, "general_hs_graduates"): "graduates of general senior high: not needed",
    (YB, "general_hs_schools"): _STAFF,
    (YB, "general_hs_staff"): _STAFF,
    (YB, "senior_secondary_fulltime_teachers"): _STAFF,
    (YB, "senior_secondary_fulltime_teachers_bachelor_plus"): _STAFF,
    (YB, "graduate_employment_rate"): "employment rates: no vocabulary key and mixed definitions",
    (YB, "high_skill_training_bases"): "count of training-base projects, not requested",
    (YB, "public_sec_voc_free_tuition_spending"): "one programme's approximate spending (约1.3亿), not a funding total",
    (YB, "regular_specialized_secondary_fulltime_teachers"): _STAFF,
    (YB, "regular_specialized_secondary_graduates"): _PART_GRADUATES,
    (YB, "regular_specialized_secondary_schools"): _STAFF,
    (YB, "sec_voc_admin_staff"): _STAFF,
    (YB, "sec_voc_adult_specialized_graduates"): _PART_GRADUATES,
    (YB, "sec_voc_other_affiliated_staff"): _STAFF,
    (YB, "sec_voc_other_institutions"): "其他中职机构(教学点), not counted as schools",
    (YB, "sec_voc_public_schools"): _PRIVATE,
    (YB, "sec_voc_regular_specialized_graduates"): _PART_GRADUATES,
    (YB, "sec_voc_school_enterprise_staff"): _STAFF,
    (YB, "sec_voc_school_only_staff"): _STAFF,
    (YB, "sec_voc_schools_adult_specialized"): _STAFF + " (school counts by part)",
    (YB, "sec_voc_schools_private"): _PRIVATE,
    (YB, "sec_voc_schools_regular_specialized"): _STAFF + " (school counts by part)",
    (YB, "sec_voc_schools_vocational_high"): _STAFF + " (school counts by part)",
    (YB, "sec_voc_staff_hq"): _STAFF,
    (YB, "sec_voc_teachers"): "teacher counts not stated to be 专任 (full-time); not comparable with sec_voc_fulltime_teachers",
    (YB, "sec_voc_teaching_support_staff"): _STAFF,
    (YB, "sec_voc_vocational_high_graduates"): _PART_GRADUATES,
    (YB, "sec_voc_workers"): _STAFF,
    (YB, "skill_self_evaluation_person_times"): "skill evaluations, not training (and cumulative since 2023 although the key does not say so)",
    (YB, "technician_school_fulltime_teachers"): _STAFF,
    (YB, "technician_school_staff"): _STAFF,
    (YB, "voc_high_fulltime_teachers"): _STAFF,
    (YB, "voc_high_graduates"): _PART_GRADUATES,
    (YB, "voc_high_schools"): _STAFF + " (school counts by part)",
    (YB, "voc_institutions_count_all_levels"): "中职+高职+职业本科 aggregate",
    (YB, "voc_institutions_students_all_levels"): "中职+高职+职业本科 aggregate",
    (YB, "voc_junior_fulltime_teachers"): "职业初中 (vocational junior secondary): not needed",
    (YB, "voc_junior_graduates"): "职业初中: not needed",
    (YB, "voc_junior_new_enrollment"): "职业初中: not needed",
    (YB, "voc_junior_schools"): "职业初中: not needed",
    (YB, "voc_junior_staff"): "职业初中: not needed",
    (YB, "voc_junior_students"): "职业初中: not needed",
    (YB, "voc_secondary_fulltime_teachers_zhiye_zhongxue"): "职业中学 (may include 职业初中): not the 职业高中 part",
    (YB, "voc_secondary_graduates_zhiye_zhongxue"): "职业中学 (may include 职业初中): not the 职业高中 part",
    (YB, "voc_secondary_schools_zhiye_zhongxue"): "职业中学 (may include 职业初中): not the 职业高中 part",
    (YB, "voc_secondary_students_zhiye_zhongxue"): "职业中学 (may include 职业初中): not the 职业高中 part",
    (YB, "voc_skilled_graduates_per_year_avg"): "an average over 2021-2025, not an annual value",
    (YB, "zhongkao_candidates"): "中考 candidates: not requested",
}
# private_* keys of the yearbooks are left out as a family
LEFT_OUT_PREFIXES = {(YB, "private_"): _PRIVATE}

# canonical unit of the vocabulary -> unit strings of the shared files that convert to it
# (a check only: values are never converted here)
UNIT_FAMILIES = {
    "persons": {"万人", "persons"},
    "count": {"count"},
    "percent": {"percent"},
    "yuan": {"yuan"},
    "10k_yuan": {"万元", "10k_yuan"},
    "students_per_teacher": {"ratio_per_teacher"},
    "person_times": {"person_times"},
}
CUMULATIVE_NOTE = "cumulative count, not an annual value"


# --------------------------------------------------------------------------------------
def read_shared(shared: Path, file: str) -> list[dict]:
    """Read one shared CSV as text, keeping the physical line number of each record."""
    path = shared / file
    if not path.is_file():
        raise SystemExit(f"{path}: file not found (expected the shared data directory, e.g. /work/shared/data)")
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != COLUMNS[file]:
            raise SystemExit(f"{file}: unexpected columns {header}, expected {COLUMNS[file]}")
        start = reader.line_num + 1
        for record in reader:
            if len(record) != len(header):
                raise SystemExit(f"{file}:{start}: {len(record)} fields, expected {len(header)} ({', '.join(header)})")
            row = dict(zip(header, record))
            row["_line"] = start
            row["_origin"] = f"shared/data/{file}:{start}"
            for column in ("region", "indicator_key", "year", "value", "unit", "source_url", "quote"):
                if not row[column].strip():
                    raise SystemExit(f"{file}:{start}: column {column} is empty")
            if not row["year"].isdigit():
                raise SystemExit(f"{file}:{start}: column year is {row['year']!r}, expected a whole year")
            rows.append(row)
            start = reader.line_num + 1
    return rows


def left_out_reason(file: str, key: str) -> str | None:
    if (file, key) in LEFT_OUT:
        return LEFT_OUT[(file, key)]
    for (f, prefix), reason in LEFT_OUT_PREFIXES.items():
        if f == file and key.startswith(prefix):
            return reason
    return None


def has_qualifier(name: str) -> bool:
    return "(" in name or "（" in name


USED: set[tuple[str, str]] = set()


def convert(file: str, rows: list[dict]) -> tuple[pd.DataFrame, Counter]:
    kept, skipped = [], Counter()
    for row in rows:
        target = MAPPING.get((file, row["indicator_key"]))
        if target is None:
            if left_out_reason(file, row["indicator_key"]) is None:
                raise SystemExit(f"{file}: key {row['indicator_key']!r} neither mapped nor in LEFT_OUT")
            skipped[row["indicator_key"]] += 1
            continue
        if row.get("kind", "actual") != "actual":  # the provincial file has no kind: all actuals
            raise SystemExit(f"{row['_origin']}: column kind is {row['kind']!r}, not an actual")
        USED.add((file, row["indicator_key"]))
        indicator, rule = target
        if isinstance(rule, str):
            definition, rule_note = rule, ""
        else:
            definition, rule_note = rule(row)
        if definition not in LABELS:
            raise SystemExit(f"unknown definition label {definition!r}")
        notes = []
        if has_qualifier(row["indicator_name_zh"]):
            notes.append(row["indicator_name_zh"])
        if row.get("definition_note", "").strip():  # provincial file: what the figure covers
            notes.append(row["definition_note"].strip())
        if rule_note:
            notes.append(rule_note)
        if (file, row["_line"]) in NOTES:
            notes.append(NOTES[(file, row["_line"])])
        if indicator.endswith("_cumulative"):
            notes.append(CUMULATIVE_NOTE)
        kept.append({
            "region": row["region"],
            "indicator": indicator,
            "year": row["year"],
            "value": row["value"],
            "unit": row["unit"],
            "definition": definition,
            "source_title": row["source_title"],
            "source_url": row["source_url"],
            "quote": row["quote"],
            "origin": row["_origin"],
            "note": "; ".join(notes),
            "_line": row["_line"],
        })
    return pd.DataFrame(kept), skipped


def apply_superseded(file: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Drop the rows listed in SUPERSEDED, after checking each one against the row kept."""
    dropped = []
    by_line = frame.set_index("_line")
    for (f, line), (kept_line, reason) in sorted(SUPERSEDED.items()):
        if f != file:
            continue
        if line not in by_line.index or kept_line not in by_line.index:
            raise SystemExit(f"SUPERSEDED {f}:{line} -> {kept_line}: row not among the mapped rows")
        gone, kept = by_line.loc[line], by_line.loc[kept_line]
        for column in ("region", "indicator", "year", "definition"):
            if gone[column] != kept[column]:
                raise SystemExit(f"SUPERSEDED {f}:{line} differs from {kept_line} in {column}")
        extra = f"also published as {gone['value']} {gone['unit']} ({gone['origin']})"
        old = by_line.at[kept_line, "note"]
        by_line.at[kept_line, "note"] = f"{old}; {extra}" if old else extra
        dropped.append({"origin": gone["origin"], "region": gone["region"], "indicator": gone["indicator"],
                        "year": gone["year"], "value": gone["value"], "unit": gone["unit"],
                        "kept": kept["origin"], "kept_value": kept["value"], "reason": reason})
        by_line = by_line.drop(index=line)
    return by_line.reset_index(), dropped


def check_duplicates(name: str, frame: pd.DataFrame) -> None:
    key = ["region", "indicator", "year", "definition"]
    groups = frame.groupby(key).filter(lambda g: len(g) > 1)
    if len(groups):
        raise SystemExit(f"{name}: duplicate region/indicator/year/definition rows:\n"
                         + groups[key + ["value", "origin"]].to_string())


def check_catalog(catalog: Path, outputs: dict[str, pd.DataFrame]) -> dict:
    """Every indicator must be in indicators.yaml with a matching canonical unit; every region in
    regions.yaml. Returns the regions (for the README's rows per level)."""
    import yaml

    indicators = yaml.safe_load((catalog / "indicators.yaml").read_text(encoding="utf-8"))
    regions = yaml.safe_load((catalog / "regions.yaml").read_text(encoding="utf-8"))
    problems = []
    for file, frame in outputs.items():
        for (indicator, unit), _ in frame.groupby(["indicator", "unit"]):
            entry = indicators.get(indicator)
            if entry is None:
                problems.append(f"{OUTPUT_NAMES[file]}: indicator {indicator} not in indicators.yaml")
            elif unit not in UNIT_FAMILIES.get(entry["unit"], set()):
                problems.append(f"{OUTPUT_NAMES[file]}: {indicator} has unit {unit}, vocabulary says {entry['unit']}")
        for region in sorted(set(frame["region"]) - set(regions)):
            problems.append(f"{OUTPUT_NAMES[file]}: region {region} not in regions.yaml")
    if problems:
        raise SystemExit("catalog check failed:\n  " + "\n  ".join(problems))
    return regions


# --------------------------------------------------------------------------------------
# README sections
# --------------------------------------------------------------------------------------
def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines)


def describe_rule(rule) -> str:
    return f"`{rule}`" if isinstance(rule, str) else rule.describe()


def region_summary(regions: list[str]) -> str:
    regions = sorted(set(regions))
    if len(regions) <= 4:
        return ", ".join(regions)
    return f"{len(regions)} regions"


def year_summary(years: list[str]) -> str:
    ys = sorted({int(y) for y in years})
    if len(ys) == 1:
        return str(ys[0])
    span = ys[-1] - ys[0] + 1
    gaps = "" if span == len(ys) else f" ({len(ys)} years)"
    return f"{ys[0]}-{ys[-1]}{gaps}"


def readme_sections(outputs: dict[str, pd.DataFrame], skipped: dict[str, Counter],
                    dropped: dict[str, list[dict]], regions: dict) -> dict[str, str]:
    sections = {}
    # the provincial file by indicator and region level
    prov = outputs[PROV].assign(level=outputs[PROV]["region"].map(lambda r: regions[r]["level"]))
    level_rows = []
    for (indicator, definition), group in prov.groupby(["indicator", "definition"], sort=True):
        cells = []
        for level in ("national", "province", "city"):
            g = group[group["level"] == level]
            cells.append("" if g.empty else f"{len(g)} ({region_summary(g['region'].tolist())}; "
                                             f"{year_summary(g['year'].tolist())})")
        level_rows.append([indicator, definition, len(group), *cells])
    sections["provincial"] = md_table(["indicator", "definition", "rows", "national", "province", "city"], level_rows)
    sections["mapping"] = md_table(
        ["shared file", "shared indicator_key", "project indicator", "definition"],
        [[f, k, p, describe_rule(r)] for (f, k), (p, r) in MAPPING.items()],
    )
    sections["definitions"] = md_table(
        ["definition", "meaning", "rows (10 / 15 / 20 / 30)"],
        [[f"`{label}`", text, " / ".join(str(int((outputs[f]["definition"] == label).sum()))
                                         for f in FILES)] for label, text in LABELS.items()],
    )
    coverage_rows = []
    for file in FILES:
        frame = outputs[file]
        for (indicator, definition), group in frame.groupby(["indicator", "definition"], sort=True):
            coverage_rows.append([OUTPUT_NAMES[file], indicator, definition, ", ".join(sorted(group["unit"].unique())),
                                  len(group), region_summary(group["region"].tolist()),
                                  year_summary(group["year"].tolist())])
    sections["coverage"] = md_table(
        ["file", "indicator", "definition", "unit", "rows", "regions", "years"], coverage_rows)
    region_rows = []
    combined = pd.concat([outputs[f].assign(file=OUTPUT_NAMES[f]) for f in FILES])
    for region, group in combined.groupby("region", sort=True):
        region_rows.append([region, len(group), group["indicator"].nunique(),
                            ", ".join(sorted(group["file"].unique())), year_summary(group["year"].tolist())])
    sections["regions"] = md_table(["region", "rows", "indicators", "files", "years"], region_rows)
    unit_rows = []
    for unit, group in combined.groupby("unit", sort=True):
        unit_rows.append([f"`{unit}`", len(group), ", ".join(sorted(group["indicator"].unique()))])
    sections["units"] = md_table(["unit (as published)", "rows", "indicators"], unit_rows)
    sections["superseded"] = md_table(
        ["row left out", "indicator", "year", "value", "row kept (value)", "why"],
        [[d["origin"], d["indicator"], d["year"], f"{d['value']} {d['unit']}", f"{d['kept']} ({d['kept_value']})",
          d["reason"]] for f in FILES for d in dropped[f]],
    )
    left_rows = []
    for file in FILES:
        for key, count in sorted(skipped[file].items()):
            left_rows.append([file, key, count, left_out_reason(file, key)])
    sections["left_out"] = md_table(["shared file", "indicator_key", "rows", "why left out"], left_rows)
    return sections


def update_readme(path: Path, sections: dict[str, str]) -> None:
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    for name, body in sections.items():
        start, end = f"<!-- generated:{name}:start -->", f"<!-- generated:{name}:end -->"
        if start not in text or end not in text:
            continue
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{start}\n{body}\n{end}{tail}"
    path.write_text(text, encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------------------
def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python data/import_shared.py SHARED_DATA_DIR   (e.g. /work/shared/data)")
        return 2
    shared = Path(argv[1])
    here = Path(__file__).resolve().parent
    out_dir = here / "actuals"
    out_dir.mkdir(parents=True, exist_ok=True)

    outputs, skipped, dropped, read = {}, {}, {}, {}
    for file in FILES:
        rows = read_shared(shared, file)
        frame, skipped[file] = convert(file, rows)
        frame, dropped[file] = apply_superseded(file, frame)
        check_duplicates(OUTPUT_NAMES[file], frame)
        frame = frame.sort_values(["region", "indicator", "definition", "year", "_line"], kind="mergesort")
        outputs[file] = frame[OUTPUT_COLUMNS].reset_index(drop=True)
        read[file] = len(rows)

    unused = sorted(set(MAPPING) - USED)
    if unused:
        raise SystemExit(f"MAPPING entries that matched no row: {unused}")
    regions = check_catalog(here.parent / "src" / "indicators" / "catalog", outputs)
    # write only when every file passed every check
    for file in FILES:
        target = out_dir / OUTPUT_NAMES[file]
        outputs[file].to_csv(target, index=False, encoding="utf-8", lineterminator="\n")
        print(f"{file}: {read[file]} rows read, {len(outputs[file])} written to {target.relative_to(here.parent)}, "
              f"{sum(skipped[file].values())} skipped, {len(dropped[file])} superseded")
        for key, count in sorted(skipped[file].items()):
            print(f"  skipped {count:4d}  {key}")
        for d in dropped[file]:
            print(f"  superseded {d['origin']} ({d['value']}) by {d['kept']} ({d['kept_value']}): {d['reason']}")
    update_readme(here / "README.md", readme_sections(outputs, skipped, dropped, regions))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

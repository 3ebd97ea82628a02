"""Every word the product prints, in Chinese and English, and the sentence per target year.

This module is the one home of status names, comparators, definition labels, report
captions and the phrase tables of the explanation (a unit's words live in its record,
``units.Unit``). A number a planner reads is formatted here too:
no scientific notation, probabilities as "<1%" / ">99%" at the ends, and rounding that never moves
a probability across the threshold that decided its status.
"""

from __future__ import annotations

import math

from ..rules import Thresholds
from ..units import unit_of

__all__ = ["STATUS_LABELS", "DEFINITION_LABELS", "WORDS", "SECTIONS", "CHECK_LABELS",
           "CHECK_SENTENCES", "DOMAIN_NAMES", "KIND_LABELS", "check_sentence", "CMP", "fmt_num", "fmt_change", "fmt_prob", "fmt_target", "status_label",
           "definition_label", "report_title", "explain", "CHANGE_PHRASES", "change_sentence"]

STATUS_LABELS = {
    "zh": {"met": "已达标", "missed": "未达标", "on_track": "有望达标", "at_risk": "存在风险", "off_track": "难以达标",
           "insufficient_data": "数据不足"},
    "en": {"met": "met", "missed": "missed", "on_track": "on track", "at_risk": "at risk", "off_track": "off track",
           "insufficient_data": "no data"},
}

CMP = {"zh": {">=": "≥", "<=": "≤", "==": "", "~": "约"}, "en": {">=": "≥", "<=": "≤", "==": "", "~": "about "}}

# what a series covers; "standard" needs no words
DEFINITION_LABELS = {
    "zh": {"incl_technician": "含技工学校口径", "excl_technician": "不含技工学校口径", "school_only": "仅中等职业学校口径",
           "excl_ou": "不含国家开放大学中职部口径", "excl_shanghai": "不含上海口径", "subsidised_only": "仅补贴性培训口径",
           "unspecified": "口径未说明"},
    "en": {"incl_technician": "series including technician schools",
           "excl_technician": "series excluding technician schools",
           "school_only": "series of secondary vocational schools only",
           "excl_ou": "series excluding the Open University's secondary section",
           "excl_shanghai": "series excluding Shanghai", "subsidised_only": "series of subsidised training only",
           "unspecified": "series of unstated coverage"},
}

# captions of the reports and the command line
# the index page of a run (publish.index_html)
INDEX_WORDS = {
    "zh": dict(title="职业教育规划指标报告", report="报告", run="运行信息", overview="总览 Overview",
               no_dated="无带年份的目标", failed="失败", failed_cell="出错的单元格", kept="保留 {time} 运行生成的页面",
               lead="当前发布 {n} 个地区的报告和总览；每个地区的数字与其报告页开头的概况一致。",
               target_years="目标年份", conflicts="冲突数值", need_data="需补充数据", changes="状态变化",
               files="文件", made_by="生成于", this_run="本次运行", no_changes_known="（无上次运行）",
               data_as_of="数据截至", data_as_of_value="{year} 年（实际值的最新年份）", latest="最新",
               run_time="运行时间", run_id="运行编号", version="版本", thresholds="判断阈值",
               thresholds_value="有望达标：达标概率 ≥ {on}；存在风险：≥ {at}；低于 {at} 为难以达标",
               regions="本次运行的地区", all_regions="全部地区", domain="领域", lang="语言",
               lang_names={"zh": "中文", "en": "英文"}, all_domains="全部领域",
               actuals="实际数据文件", plans="规划目录", bundled="仅内置数据", inputs="输入文件及其 sha256（{n} 个）",
               parameters="全部参数（JSON）", earlier="以往运行（存档）",
               earlier_lead="每次运行都保存在 runs/ 目录中（页面、判断表 assessment.csv、变化表 changes.csv、run.json）。",
               no_earlier="尚无更早的运行。", run_item="{time}，数据截至 {as_of} 年，{n} 个地区",
               run_changes="，{n} 个状态变化", since="与 {since} 相比",
               archive_of="存档：{rid} 运行生成的页面", archive_lead="本页是存档中的一次运行；当前发布的报告见 ../../index.html。"),
    "en": dict(title="Vocational-education plan targets: reports", report="Report", run="Run", overview="Overview",
               no_dated="no dated targets", failed="failed", failed_cell="in", kept="kept from the run of {time}",
               lead="{n} region reports and the overview are published; each region's numbers are its page's "
                    "headline.",
               target_years="Target years", conflicts="Conflicting values", need_data="Need data",
               changes="Status changes", files="Files", made_by="Made by", this_run="this run",
               no_changes_known="(no earlier run)", data_as_of="Data as of",
               data_as_of_value="{year} (the latest year of the actuals)", latest="latest",
               run_time="Run time", run_id="Run id", version="Version", thresholds="Thresholds",
               thresholds_value="on track: probability of meeting ≥ {on}; at risk: ≥ {at}; below {at}: off track",
               regions="Regions of this run", all_regions="all regions", domain="Domain", lang="Language",
               lang_names={"zh": "Chinese", "en": "English"}, all_domains="all domains",
               actuals="Actuals files", plans="Plan folders", bundled="bundled data only",
               inputs="Input files with their sha256 ({n})", parameters="All parameters (JSON)",
               earlier="Earlier runs (archive)",
               earlier_lead="Every run is kept in the folder runs/ (its pages, assessment.csv, changes.csv, "
                            "run.json).",
               no_earlier="No earlier run yet.", run_item="{time}, data as of {as_of}, {n} region(s)",
               run_changes=", {n} status change(s)", since="since {since}",
               archive_of="Archive: the pages of run {rid}",
               archive_lead="This page is one run in the archive; the published reports are at ../../index.html."),
}

WORDS = {
    "zh": dict(title="职业教育规划指标报告", report="报告", run="运行信息", overview="总览 Overview",
               no_dated="无带年份的目标", failed="失败", failed_cell="出错的单元格", kept="保留 {time} 运行生成的页面"),
    "en": dict(title="Vocational-education plan targets: reports", report="Report", run="Run", overview="Overview",
               no_dated="no dated targets", failed="failed", failed_cell="in", kept="kept from the run of {time}"),
}

WORDS = {
    "zh": dict(year="年份", indicator="指标", target="目标", clause="条款", status="状态", p="达标概率", explanation="说明",
               target_years="个目标年份", verdicts="条判断", conflicts="另有 {n} 个与同年目标相冲突的数值", none="（无）",
               checks="规划自身的核对结果", sources="来源", plan="规划", quote="原文", actual_sources="实际数据来源",
               no_targets="该地区在所选领域没有带年份的目标。", data_as_of="本地实际数据截至 {year} 年",
               no_local_data="本地尚无实际数据", proxy="参照上级", region="地区", overview="总览",
               judged="可判断 {n} 个", need_data="需补充数据 {n} 个", data_needed="需要补充的数据",
               data_needed_lead="以下目标年份还没有可用的实际数据，也无法参照上级地区的趋势。生成预填的数据模板：",
               data_needed_years="{years} 年", no_judged="暂无可判断的目标年份（见下方“需要补充的数据”）。",
               coverage_years="目标年份", coverage_judged="可判断", coverage_need="需补充数据",
               collapsed="另有 {n} 个指标在所有地区都缺少数据，未画入热力图：{names}",
               parent_series="{parent}（{definition}）", undated="没有年份的目标和常设规则", year_note="说明",
               same_definition="口径同上", list_sep="、", check="核对", detail="内容", clauses="条款", kind="类型",
               written="原文写法", latest="最新实际", forecast="预测", old_status="上次", new_status="本次",
               reason="原因", report_run="报告", run_of="{time} 运行，数据截至 {as_of} 年", this_run="本次运行"),
    "en": dict(year="Year", indicator="Indicator", target="Target", clause="Clause", status="Status", p="P(meet)",
               explanation="Explanation", target_years="target years", verdicts="verdicts",
               conflicts="plus {n} conflicting values for the same years", none="(none)", checks="Checks of the plan itself",
               sources="Sources", plan="Plan", quote="Quote", actual_sources="Sources of actuals",
               no_targets="No dated targets for this region in this domain.",
               data_as_of="local actuals up to {year}", no_local_data="no local actuals yet", proxy="proxy",
               region="Region", overview="Overview", judged="{n} can be judged", need_data="{n} need data",
               data_needed="Data needed",
               data_needed_lead="These target years have no usable actuals and no parent region's trend to go by. "
                                "Write a pre-filled template to complete:",
               data_needed_years="{years}", no_judged="No target year can be judged yet (see \"Data needed\").",
               coverage_years="target years", coverage_judged="judged", coverage_need="need data",
               collapsed="{n} more indicators have no data in any region and are left out of the heatmap: {names}",
               parent_series="{parent} ({definition})", undated="Targets without a year and standing rules",
               year_note="Note", same_definition="same definition", list_sep=", ", check="Check", detail="Finding",
               clauses="Clauses", kind="Kind", written="As written", latest="Latest", forecast="Forecast",
               old_status="Last report", new_status="This report", reason="Why", report_run="Report",
               run_of="run of {time}, data as of {as_of}", this_run="this run"),
}

# sections of the reports: (heading, the sentence under it); {on}/{at} are the report's thresholds
SECTIONS = {
    "zh": dict(
        intro=("", "本报告由 indicators 生成：每个规划目标年份的达标状态、达标概率和说明。"),
        headline=("概况", "目标年份按状态计数：已达标、有望达标（概率 ≥ {on}）、存在风险、难以达标（概率 < {at}）、未达标、数据不足。"),
        risk=("风险表", "每行一个目标年份；同一年份的不同数值（规划正文、任务清单和附表不一致时）分别列出，并注明条款。"),
        charts=("指标图", "圆点为实际值（不同统计口径分开画，不跨口径连线），空心标记为规划目标（不同条款不同形状），实线为预测及其 "
                          "80% 区间（虚线表示按上级地区趋势推算），彩色圆圈为各目标年份的状态。"),
        checks=("规划核对", "规划内部的冲突和不一致（只报告，不修改公布的数字）。"),
        sources=("来源", ""),
        overview=("总览", "各地区、各指标最近一个目标年份的状态，以及所有存在风险或难以达标的目标年份（最紧迫的在前）。"),
        heatmap=("状态热力图", "行：指标；列：地区；颜色：最近一个可判断的目标年份的状态。"),
        urgent=("需要关注的目标年份", "存在风险或难以达标的目标年份，最紧迫的在前。"),
        coverage=("各地区状态计数", ""),
        changes=("自上次报告以来的变化", "与 {time} 的运行相比，{n} 个目标年份的状态有变化；原因按两次运行的输入实际不同之处说明。"),
        kept=("", "本总览汇总当前发布的全部地区报告：本次运行更新了 {made} 个地区；另外 {n} 个地区的报告保留自更早的运行，其数字是那次运行的结果（见下表“报告”一列）。")),
    "en": dict(
        intro=("", "Generated by indicators: for every target year of the region's plans, whether it is met, on "
                   "track, at risk or off track, with a probability and a plain explanation."),
        headline=("Headline", "Target years counted by status: met, on track (probability ≥ {on}), at risk, off track "
                              "(probability < {at}), missed, no data."),
        risk=("Risk table", "One row per target year; different values for the same year (where the plan's text, "
                            "task list and annex disagree) are listed apart, each with its clause."),
        charts=("Charts", "Dots: actual values (one marker per statistical definition, never joined across "
                          "definitions); open markers: the plan's targets (one shape per clause); solid line: the "
                          "forecast with its 80% interval (dashed: projected along a parent region's trend); coloured "
                          "circles: the status of each target year."),
        checks=("Checks of the plan itself", "Conflicts and inconsistencies inside the plans (reported only; the "
                                             "published numbers are never changed)."),
        sources=("Sources", ""),
        overview=("Overview of all regions", "The status of the nearest target year of every indicator in every "
                                             "region, and every target year at risk or off track, most urgent first."),
        heatmap=("Status heatmap", "Rows: indicators; columns: regions; colour: the status of the nearest target "
                                   "year that can be judged."),
        urgent=("Target years at risk", "Target years at risk or off track, most urgent first."),
        coverage=("Status counts by region", ""),
        changes=("Changes since the last report", "Against the run of {time}, {n} target "
                                                  "years changed status; each reason is what differs between the "
                                                  "two runs' inputs."),
        kept=("", "This overview covers every region page now published: this run updated {made} region(s); "
                  "the pages of {n} other region(s) are kept from earlier runs and their numbers are those runs' "
                  "(see the column \"Report\" below).")),
}

# the domain of a plan, in a report's title: 知识产权规划指标进展, progress on intellectual-property plan targets
DOMAIN_NAMES = {
    "zh": {"vocational": "职业教育", "basic_education": "基础教育", "intellectual_property": "知识产权"},
    "en": {"vocational": "vocational-education", "basic_education": "basic-education",
           "intellectual_property": "intellectual-property"},
}

# plan checks (checks.py): what each kind of finding is, and one sentence from its numbers
CHECK_LABELS = {
    "zh": {"conflict": "同年数值冲突", "stated_ratio": "比值与分子分母不符", "school_size": "校均规模与在校生数不符",
           "per_student": "生均值与总量不符", "components": "分项与总数不符", "override": "本地改写内置指标"},
    "en": {"conflict": "conflicting values", "stated_ratio": "ratio vs its fraction", "school_size": "school size",
           "per_student": "per-student value", "components": "parts vs total", "override": "vocabulary override"},
}
CHECK_SENTENCES = {
    "zh": {"conflict": "同一年份写有不同数值：最高 {stated}，最低 {computed}",
           "components_part": "分项 {stated} 超过总数 {computed}",
           "override": "本地指标定义文件改写了内置指标：{clauses}",
           "other": "规划所写 {stated}，按规划其他数字算得 {computed}（相差 {difference}）"},
    "en": {"conflict": "different values for the same year: highest {stated}, lowest {computed}",
           "components_part": "a part, {stated}, exceeds the total, {computed}",
           "override": "a local indicator file redefines a bundled indicator: {clauses}",
           "other": "stated {stated}; computed from the plan's other numbers {computed} (difference {difference})"},
}

KIND_LABELS = {"zh": {"target": "目标", "baseline": "基线", "rule": "规则"},
               "en": {"target": "target", "baseline": "baseline", "rule": "rule"}}


def check_sentence(check: str, indicator: str, stated, computed, difference, unit: str, clauses: str,
                   lang: str) -> str:
    """One finding of check_plans said from its numbers, in ``lang``."""
    ph = CHECK_SENTENCES[lang]
    v = dict(stated=fmt_target("==", stated, unit, lang), computed=fmt_target("==", computed, unit, lang),
             difference=fmt_change(abs(difference), False, unit, lang).lstrip("+") if unit_of(unit).step_words
             else fmt_target("==", abs(difference) if _finite(difference) else difference, unit, lang),
             clauses=clauses)
    if check in ("conflict", "override"):
        return ph[check].format(**v)
    if check == "components" and indicator != "voc_fiscal_funding_total":
        return ph["components_part"].format(**v)
    return ph["other"].format(**v)


# words inside charts
CHART_WORDS = {
    "zh": dict(actual="实际", forecast="预测", parent_trend="按上级地区趋势推算", interval="80% 区间", target="目标 {clause}",
               title="{name}（{unit}）", definition="（{definition}）", no_data="数据不足"),
    "en": dict(actual="actual", forecast="forecast", parent_trend="parent region's trend", interval="80% interval",
               target="target {clause}", title="{name} ({unit})", definition=" ({definition})", no_data="no data"),
}


def report_title(region: str, region_en: str, domain: str | None, lang: str) -> str:
    """职业教育 / 知识产权 … 规划指标进展 by the plan's domain; no domain word when it is mixed or unknown."""
    d = DOMAIN_NAMES[lang].get(domain or "", "")
    if lang == "zh":
        return f"{region}（{region_en}）{d}规划指标进展"
    return f"{region_en} ({region}): progress on {d + ' ' if d else ''}plan targets"


_PHRASES = {
    "zh": dict(
        head="{year} 目标{breakdown} {cmp}{target}{band}", sep="：", end="。",
        band="（按 ±{tol} 容差，{lo}–{hi} 视为达标）",
        actual="{year} 年实际 {latest}，{status}",
        thin="只有 {n} 个实际值（{latest_year} 年 {latest}），上级地区也无可参照的趋势，无法估计达标概率；需每年 {required}",
        thin_met="只有 {n} 个实际值（{latest_year} 年 {latest}，已达到目标水平），上级地区也无可参照的趋势，无法估计达标概率",
        none="尚无实际值，无法估计达标概率。请补充实际数据",
        past_none="目标年已过，该年没有实际值（最新实际值为 {latest_year} 年 {latest}），无法判断是否达标；请补充 {year} 年实际值",
        past="该年未报实际值，",
        forecast="按当前趋势预计 {forecast}（80% 区间 {lo}–{hi}），达标概率 {p}（{status}）",
        proxy="，参照{proxy}的趋势推算（本地只有 {n} 个实际值）",
        series="；依据{definition}数据",
        already="；最新实际值（{latest_year} 年 {latest}）已达到目标水平，需保持",
        required="；需每年 {required}", history="，过去每年 {history}",
        implausible="；所需速度超过数据中任何地区的最快年变化",
        pace_fast_point="；按过去的速度可以达标，但概率不高：预测中值达标，但过去波动大、区间宽",
        pace_fast_model="；按过去五年的速度可以达标，但预测模型（{model}）外推的变化较慢，概率因此较低",
        pace_slow_model="；过去五年的速度不够，但预测模型（{model}）外推的变化较快，概率因此较高",
        pace_slow_spread="；过去五年的速度不够，但过去波动大、区间宽，达标仍有较大可能"),
    "en": dict(
        head="{year} target{breakdown} {cmp}{target}{band}", sep=": ", end=".",
        band=" (met within ±{tol}: {lo}–{hi})",
        actual="actual {latest} in {year}, {status}",
        thin="only {n} actual value ({latest} in {latest_year}) and no parent region with a trend, so no probability; "
             "needs {required} a year",
        thin_met="only {n} actual value ({latest} in {latest_year}, already at the target) and no parent region with "
                 "a trend, so no probability",
        none="no actual values yet, so no probability. Add actuals to assess it",
        past_none="the target year is past and has no actual (the latest is {latest} in {latest_year}), so it cannot "
                  "be judged; add the actual for {year}",
        past="no actual reported for that year; ",
        forecast="on the current trend {forecast} expected (80% interval {lo}–{hi}), {p} chance of meeting it ({status})",
        proxy=", projected along the trend of {proxy} (only {n} local actual)",
        series="; judged on the {definition}",
        already="; the latest actual ({latest} in {latest_year}) already meets it and must be held",
        required="; needs {required} a year", history=", past pace {history}",
        implausible="; the required pace exceeds the fastest annual change seen in any region",
        pace_fast_point="; the past pace would reach it, but the probability is modest: the median forecast meets it, "
                        "but the past was volatile and the interval is wide",
        pace_fast_model="; the past five years' pace would reach it, but the forecast model ({model}) projects slower "
                        "change, hence the lower probability",
        pace_slow_model="; the past five years' pace falls short, but the forecast model ({model}) projects faster "
                        "change, hence the higher probability",
        pace_slow_spread="; the past five years' pace falls short, but the past was volatile and the interval is "
                         "wide, so meeting it remains plausible"),
}


# why a target year's verdict moved between two runs (``verdicts.changes``), one phrase per reason
CHANGE_PHRASES = {
    "zh": dict(
        added="规划中新增的目标年", removed="该目标年已不在规划中",
        plan_value="规划目标由 {old_target} 改为 {new_target}",
        new_actual="新增 {year} 年实际值 {new_latest}",
        actual_revised="{year} 年实际值由 {old_latest} 修订为 {new_latest}",
        past_no_actual="目标年已过，{year} 年没有实际值（已有 {new_latest_year} 年的实际值），不再按趋势预测，无法判断是否达标",
        definition="改按{new_definition}数据判断（此前为{old_definition}）",
        more_history="实际值由 {old_n} 个增至 {new_n} 个{years}",
        less_history="实际值由 {old_n} 个减至 {new_n} 个{years}",
        years="（最新年份 {old_latest_year} → {new_latest_year}）", years_new="（最新年份 {new_latest_year}）",
        revised_history="已有实际值被修订（{new_latest_year} 年：{old_latest} → {new_latest}）",
        thresholds="判断阈值不同：有望达标 ≥{old_on}、存在风险 ≥{old_at} 改为 ≥{new_on}、≥{new_at}",
        parent_trend="本地数据与目标未变，参照的上级地区趋势有变化",
        forecast="该目标年的数据与目标未变，预测有变化",
        sep="；", end="。", standard="标准口径"),
    "en": dict(
        added="a target year new in the plans", removed="the target year is no longer in the plans",
        plan_value="the plan's target changed from {old_target} to {new_target}",
        new_actual="a new actual for {year}: {new_latest}",
        actual_revised="the actual for {year} was revised from {old_latest} to {new_latest}",
        past_no_actual="the target year is past and {year} has no actual (actuals up to {new_latest_year} exist), "
                       "so it is no longer forecast and cannot be judged",
        definition="judged on the {new_definition} (before: the {old_definition})",
        more_history="{new_n} actual values instead of {old_n}{years}",
        less_history="{new_n} actual values instead of {old_n}{years}",
        years=" (latest year {old_latest_year} → {new_latest_year})", years_new=" (latest year {new_latest_year})",
        revised_history="an earlier actual was revised ({new_latest_year}: {old_latest} → {new_latest})",
        thresholds="other thresholds: on track ≥{old_on} and at risk ≥{old_at} became ≥{new_on} and ≥{new_at}",
        parent_trend="the region's own data and target did not change; the parent region's trend did",
        forecast="the data and target for that year did not change; the forecast did",
        sep="; ", end=".", standard="standard series"),
}


def change_sentence(r: dict, lang: str, old: Thresholds = Thresholds(), new: Thresholds = Thresholds()) -> str:
    """Why one target year's verdict moved, from the reason codes of a ``verdicts.changes`` row."""
    ph = CHANGE_PHRASES[lang]
    unit = r.get("unit") or ""

    def year(v):
        return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else str(int(v))

    def n(v):
        return "0" if v is None or (isinstance(v, float) and math.isnan(v)) else str(int(v))

    v = dict(year=r["year"], old_target=fmt_num(r.get("old_target"), unit), new_target=fmt_num(r.get("new_target"), unit),
             old_latest=fmt_num(r.get("old_latest_value"), unit), new_latest=fmt_num(r.get("new_latest_value"), unit),
             old_latest_year=year(r.get("old_latest_year")), new_latest_year=year(r.get("new_latest_year")),
             old_n=n(r.get("old_n_points")), new_n=n(r.get("new_n_points")),
             old_definition=definition_label(r.get("old_definition"), lang) or ph["standard"],
             new_definition=definition_label(r.get("new_definition"), lang) or ph["standard"],
             old_on=fmt_prob(old.on_track, None), old_at=fmt_prob(old.at_risk, None),
             new_on=fmt_prob(new.on_track, None), new_at=fmt_prob(new.at_risk, None))
    v["years"] = ("" if v["new_latest_year"] in ("—", v["old_latest_year"]) else
                  (ph["years"] if v["old_latest_year"] != "—" else ph["years_new"]).format(**v))
    parts = [ph[code].format(**v) for code in str(r["reasons"]).split(",") if code]
    text = ph["sep"].join(parts)
    return (text[:1].upper() + text[1:] if lang == "en" else text) + ph["end"]


def status_label(status: str, lang: str) -> str:
    return STATUS_LABELS[lang].get(status, status)


def definition_label(definition: str | None, lang: str) -> str | None:
    if definition in (None, "", "standard"):
        return None
    return DEFINITION_LABELS[lang].get(definition, definition)


def _finite(v) -> bool:
    try:
        return v is not None and math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def fmt_num(v, unit: str) -> str:
    """A number as a planner reads it: fixed point, thousands separators, never 3.08e-09."""
    if not _finite(v):
        return "—"
    v = float(v)
    u = unit_of(unit)
    if u.decimals is not None:
        s = f"{v:.{u.decimals}f}"
        return (s[1:] if s.startswith("-") and float(s) == 0 else s) + u.sign
    a = abs(v)
    if a >= 1000:
        s = f"{v:,.0f}"
    elif a < 0.0005:
        s = "0"
    else:
        digits = min(3, max(0, 2 - math.floor(math.log10(a))))
        s = f"{v:.{digits}f}"
        if "." in s:
            s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def fmt_change(v, relative: bool, unit: str, lang: str) -> str:
    if not _finite(v):
        return "—"
    sign = "+" if v >= 0 else "−"
    a = abs(float(v))
    if relative:
        return f"{sign}{a:.1f}%"
    u = unit_of(unit)
    if u.step_words:
        return f"{sign}{a:.{u.decimals}f}{u.step_words[lang]}"
    return f"{sign}{fmt_num(a, unit)}"


def fmt_prob(p, thresholds: Thresholds | None = Thresholds()) -> str:
    """A probability in percent that stays on the same side of every status threshold as ``p``
    (``Thresholds.between``); the ends read <1% and >99%. ``thresholds`` None: a probability that
    decides no status (a threshold itself, printed in a sentence)."""
    if not _finite(p):
        return ""
    p = float(p)
    if p < 0.01:
        return "<1%"
    if p > 0.99:
        return ">99%"
    for decimals in (0, 1, 2):
        shown = round(p * 100, decimals)
        if thresholds is None or thresholds.between(p, shown / 100) is None:
            return f"{shown:.{decimals}f}%"
    th = thresholds.between(p, round(p * 100, 2) / 100)
    return f"{math.floor(p * 10000) / 100:.2f}%" if p < th else f"{math.ceil(p * 10000) / 100:.2f}%"


def fmt_target(comparator: str, value, unit: str, lang: str, value_high=None) -> str:
    """≥70.0%, ≤20 生/师, about 45.0%, 1–2 个."""
    word = unit_of(unit).word(lang)
    num = fmt_num(value, unit)
    if _finite(value_high) and value_high != value:
        num = f"{num}–{fmt_num(value_high, unit)}"
    return f"{CMP[lang].get(comparator, '')}{num}{word}"


def _tolerance_text(r: dict, unit: str, lang: str) -> str:
    """The band that decides a planned or approximate target, stated wherever it decides."""
    low, high = r.get("meet_low"), r.get("meet_high")
    if not (_finite(low) and _finite(high)) or not _finite(r.get("tolerance_used")) or not r["tolerance_used"]:
        return ""
    tol = r["tolerance_used"]
    u = unit_of(unit)
    tol_s = f"{tol:.{u.decimals}f}{u.step_words[lang]}" if u.step_words else fmt_num(tol, unit) + u.word(lang)
    return _PHRASES[lang]["band"].format(tol=tol_s, lo=fmt_num(low, unit), hi=fmt_num(high, unit))


def _pace_clause(r: dict, ph: dict, v: dict) -> str:
    """Why the pace and the forecast disagree, when they do."""
    cat, status = r.get("pace_category"), r["status"]
    point_meets = r.get("forecast_meets")
    if cat == "sufficient" and status in ("at_risk", "off_track"):
        return (ph["pace_fast_point"] if point_meets else ph["pace_fast_model"]).format(**v)
    if cat in ("insufficient", "wrong_direction") and status == "on_track":
        return (ph["pace_slow_model"] if point_meets else ph["pace_slow_spread"]).format(**v)
    return ""


def explain(r: dict, lang: str = "zh", thresholds: Thresholds = Thresholds()) -> str:
    """One plain sentence per verdict, built from the phrase table of ``lang`` only."""
    ph = _PHRASES[lang]
    unit, rel = r["unit"], r["change_unit"] == "percent_per_year"
    hist = r["historical_change"]
    breakdown = r.get("breakdown") or ""
    v = dict(year=r["year"], cmp=CMP[lang].get(r["comparator"], ""),
             target=fmt_target("==", r["target"], unit, lang, r.get("target_high")),
             breakdown=(f"（{breakdown}）" if lang == "zh" else f" ({breakdown})") if breakdown else "",
             band=_tolerance_text(r, unit, lang),
             latest=fmt_num(r["latest_value"], unit), latest_year=r["latest_year"], n=r["n_points"],
             status=status_label(r["status"], lang),
             required=fmt_change(r["required_change"], rel, unit, lang), history=fmt_change(hist, rel, unit, lang),
             forecast=fmt_num(r["forecast"], unit), lo=fmt_num(r["lo80"], unit), hi=fmt_num(r["hi80"], unit),
             p=fmt_prob(r["p_meet"], thresholds), model=r.get("model") or "",
             proxy=r["proxy_region"] if lang == "zh" else r.get("proxy_region_en"),
             definition=definition_label(r.get("definition"), lang))
    head = ph["head"].format(**v) + ph["sep"]
    if r["status"] in ("met", "missed"):
        return head + ph["actual"].format(**v) + ph["end"]
    if r["status"] == "insufficient_data":
        if not r["n_points"]:
            return head + ph["none"].format(**v) + ph["end"]
        if r["latest_year"] is not None and r["year"] <= r["latest_year"]:
            # later actuals exist but none for the target year: a forecast of a past year is not made
            return head + ph["past_none"].format(**v) + ph["end"]
        return head + (ph["thin_met"] if r.get("latest_meets") else ph["thin"]).format(**v) + ph["end"]
    s = head + (ph["past"] if r["as_of"] is not None and r["year"] <= r["as_of"] else "") + ph["forecast"].format(**v)
    if r["proxy_region"]:
        s += ph["proxy"].format(**v)
    if v["definition"]:
        s += ph["series"].format(**v)
    if r.get("latest_meets"):
        return s + ph["already"].format(**v) + ph["end"]
    s += ph["required"].format(**v)
    if _finite(hist):
        s += ph["history"].format(**v)
    if r.get("plausibility"):
        s += ph["implausible"]
    return s + _pace_clause(r, ph, v) + ph["end"]

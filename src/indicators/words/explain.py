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
           "CHECK_SENTENCES", "DOMAIN_NAMES", "PERIOD_END_NOTE", "CLI_WORDS", "SERIES_PROBLEM_WORDS", "PLACE_WORDS",
           "KIND_LABELS", "JUDGEMENT_LABELS", "REVIEW_WORDS", "fmt_share", "review_note", "WORKBOOK_WORDS",
           "VALIDATE_WORDS", "CHECKS_ZH",
           "EXPECTED_ZH", "expected_words", "check_words", "ERROR_TITLES", "ERROR_HEAD", "year_spans", "check_sentence", "CMP", "fmt_num", "fmt_change", "fmt_prob",
           "fmt_target", "status_label", "definition_label", "report_title", "explain", "MODEL_LABELS", "model_label",
           "DRAFT_YEAR_NOTES", "draft_note", "NOT_DRAFTED", "DRAFT_NOTES", "DRAFT_ACTUALS_WORDS", "CHANGE_PHRASES",
           "change_sentence"]

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

# the note of a target the plan dates only by its period, judged at the period's end (plans.plan_file)
PERIOD_END_NOTE = {"zh": "；按规划期末（{year} 年）判断", "en": "; dated at the period's end ({year})"}

# where a quote stands in the original document (drafting.documents.Place)
PLACE_WORDS = {
    "zh": dict(page="第{n}页", paragraph="第{n}段", cell="表{table}第{row}行第{column}列", sep="",
               where="原文位置："),
    "en": dict(page="page {n}", paragraph="paragraph {n}", cell="table {table} row {row} column {column}", sep=", ",
               where="in the original: "),
}

# the index page of a run (publish.index_html)
INDEX_WORDS = {
    "zh": dict(title="职业教育规划指标报告", report="报告", run="运行信息", overview="总览",
               no_dated="无带年份的目标", failed="失败", failed_cell="出错的单元格", kept="保留 {time} 运行生成的页面",
               lead="当前发布 {n} 个地区的报告和总览；每个地区的数字与其报告页开头的概况一致。",
               target_years="目标年份", conflicts="冲突数值", need_data="需补充数据", changes="状态变化",
               files="文件", made_by="生成于", this_run="本次运行", no_changes_known="（无上次运行）",
               data_as_of="数据截至", data_as_of_value="{year} 年（所有实际值中最新的年份；各地区本地数据的年份见其页面）", latest="最新",
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
               data_as_of_value="{year} (the latest year of any actual; each page gives its own region's)", latest="latest",
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

# why a drafted target has the year it has (drafting.guesses, drafting.find): a plan file's
# year_note in both languages, for the planner who checks the draft and for both reports
DRAFT_YEAR_NOTES = {
    "zh": dict(period_stated="原文写明规划期 {a}—{b} 年", period_five_year="“{name}”规划期（{a}—{b} 年）",
               period_action_plan="{n}年行动计划，止于 {y} 年", period_title_year="标题中的规划年份 {y} 年",
               next_clause="本分句未写年份；下一分句为 {next} 年，按 {year} 年理解",
               five_year="“{name}”期间，按 {year} 年", sentence_year="本句写明 {year} 年", paragraph_deadline="本句未写年份；按本段的期限 {year} 年",
               period_end="未写明年份；{period}；按规划期末（{year} 年）判断",
               prior_deadline="本句未写年份；按此前写明的最后期限 {year} 年", no_year="原文未写明年份",
               table_column="表格中 {year} 年一栏", each_year="每年，{a}—{b} 年：每年一个目标",
               every_year="每年（每年 / 年完成）；未写明年限", standing_rule="常设规则（{words}），不是带年份的目标",
               range_level="{a}年至{b}年：该水平在范围内每一年都应保持"),
    "en": dict(period_stated="plan period {a}-{b} stated in the text", period_five_year="“{name}” plan period ({a}-{b})",
               period_action_plan="{n}年行动计划 ending {y}", period_title_year="plan year {y} in the title",
               next_clause="no year in the clause; the next clause gives {next}, so read as {year}",
               five_year="“{name}”期间 -> {year}", sentence_year="the sentence names {year}", paragraph_deadline="no year in the sentence; the paragraph's deadline is {year}",
               period_end="no year stated; {period}; dated at the period's end ({year})",
               prior_deadline="no year in the sentence; the last deadline stated before is {year}",
               no_year="no year stated in the text", table_column="table column {year}",
               each_year="每年, {a}-{b}: one target per year", every_year="every year (每年 / 年完成); no range stated",
               standing_rule="a standing rule ({words}), not a dated target",
               range_level="{a}年至{b}年: the level holds in each year of the range"),
}


def draft_note(key: str, **values) -> dict[str, str]:
    """A drafted year_note in both languages ({zh, en}, as a plan file holds it); a value that is
    itself such a note (the period) is put in each language's own words."""
    return {lang: DRAFT_YEAR_NOTES[lang][key].format(**{k: v[lang] if isinstance(v, dict) else v
                                                  for k, v in values.items()}) for lang in ("zh", "en")}


# the command line's own messages on stderr (its tables use WORDS)
CLI_WORDS = {
    "zh": dict(region_read_as="提示：地区 {raw!r} 按 {region} 理解",
               findings="{n} 条核对结果：{counts}（这是关于规划本身的信息，不是错误）",
               overridden="你的文件覆盖了 {n} 个内置数值：",
               template_written="已写入 {file}：{n} 行；请填写空白，然后运行 `{command}`",
               error="错误：{message}", interrupted="已中断",
               format_mismatch="--format {fmt} 与 -o {output} 的扩展名（{implied}）不符：去掉 --format"
                               "（按扩展名写出），或改用与格式相符的文件名；未写出任何文件",
               needs_output="--format {fmt} 需要 -o 文件名（如 -o 结果.{fmt}）",
               format_not_here="此命令不能写出 {implied} 文件（-o {output}）；可用的格式：{allowed}",
               docx_one_region="Word 文档每个地区一份：用 --region 指定一个地区并写 -o 文件.docx，"
                               "或用 -o 目录 为每个地区各写一份",
               wrote="已写出 {path}",
               wrote_n="已写出 {n} 份文档到 {path}"),
    "en": dict(region_read_as="note: region {raw!r} read as {region}",
               findings="{n} finding(s): {counts} (information about the plans, not errors)",
               overridden="{n} bundled value(s) overridden by your files:",
               template_written="wrote {file}: {n} row(s); fill in the blanks and run `{command}`",
               error="error: {message}", interrupted="interrupted",
               format_mismatch="--format {fmt} does not match the extension of -o {output} ({implied}): leave "
                               "out --format (the extension decides) or name a file of that format; nothing was "
                               "written",
               needs_output="--format {fmt} needs -o FILE (e.g. -o results.{fmt})",
               format_not_here="this command cannot write a {implied} file (-o {output}); its formats: {allowed}",
               docx_one_region="a Word document is per region: give one --region and -o FILE.docx, or -o DIR for one "
                               "document per region",
               wrote="wrote {path}",
               wrote_n="wrote {n} document(s) into {path}"),
}

WORDS = {
    "zh": dict(year="年份", indicator="指标", target="目标", clause="条款", status="状态", p="达标概率", explanation="说明",
               target_years="个目标年份", verdicts="条判断", conflicts="另有 {n} 个与同年目标相冲突的数值", none="（无）",
               checks="规划自身的核对结果", sources="来源", plan="规划", quote="原文", actual_sources="实际数据来源",
               baseline_source="（规划所载基期值）", derived_source="由已发布的分项数据计算",
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
               baseline_source=" (the plan's own baseline)", derived_source="computed from published parts",
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
        intro=("", "本报告由 {tool} 生成：每个规划目标年份的达标状态、达标概率和说明。"),
        headline=("概况", "目标年份按状态计数：已达标、有望达标（概率 ≥ {on}）、存在风险、难以达标（概率 < {at}）、未达标、数据不足。"),
        risk=("风险表", "每行一个目标年份；同一年份的不同数值（规划正文、任务清单和附表不一致时）分别列出，并注明条款。"),
        charts=("指标图", "每条实线为一个分项的实际值（不同分项、不同统计口径分开画，互不连线）；虚线为预测，色带为到各目标年份的 "
                          "80% 区间，颜色为该目标年份的状态；标记为规划目标（不同条款不同形状），填充色为其状态；右侧小图为上级地区"
                          "的同一指标。只为有数据序列或可判断的指标画图，其余见“需要补充的数据”。"),
        checks=("规划核对", "规划内部的冲突和不一致（只报告，不修改公布的数字）。"),
        sources=("来源", ""),
        overview=("总览", "各地区、各指标最近一个目标年份的状态，以及所有存在风险或难以达标的目标年份（最紧迫的在前）。"),
        heatmap=("状态热力图", "行：指标；列：地区；颜色：最近一个可判断的目标年份的状态。"),
        urgent=("需要关注的目标年份", "存在风险或难以达标的目标年份，最紧迫的在前。"),
        coverage=("各地区状态计数", ""),
        review=("中期评估表",
                "按“时间过半、任务过半”比较完成进度和时间进度。完成进度 =（最新实际 − 基期值）/（目标值 − 基期值）；"
                "时间进度 =（最新实际年份 − 基期年）/（目标年 − 基期年）。两者相差不超过 ±{tol} 为符合进度，完成进度高出更多为超前，"
                "低于更多为滞后；最新实际已达到目标为“已达到目标”。基期值只取规划本身写明的数值，规划未写的不作推算。"
                "数值按计算结果列出，不截断：负数表示比基期离目标更远，超过 100% 表示已越过目标值或目标年份。"),
        changes=("自上次报告以来的变化", "与 {time} 的运行相比，{n} 个目标年份的状态有变化；原因按两次运行的输入实际不同之处说明。"),
        kept=("", "本总览汇总当前发布的全部地区报告：本次运行更新了 {made} 个地区；另外 {n} 个地区的报告保留自更早的运行，其数字是那次运行的结果（见下表“报告”一列）。")),
    "en": dict(
        intro=("", "Generated by {tool}: for every target year of the region's plans, whether it is met, on "
                   "track, at risk or off track, with a probability and a plain explanation."),
        headline=("Headline", "Target years counted by status: met, on track (probability ≥ {on}), at risk, off track "
                              "(probability < {at}), missed, no data."),
        risk=("Risk table", "One row per target year; different values for the same year (where the plan's text, "
                            "task list and annex disagree) are listed apart, each with its clause."),
        charts=("Charts", "Solid lines: actual values, one line per breakdown (breakdowns and statistical "
                          "definitions are never joined); dashed line: the forecast; shaded band: its 80% interval "
                          "up to each target year, coloured by that year's status; markers: the plan's targets (one "
                          "shape per clause), filled with their status; small panel beside: the parent region's "
                          "series. Only indicators with a series or a verdict are drawn; the rest are under "
                          "\"Data needed\"."),
        checks=("Checks of the plan itself", "Conflicts and inconsistencies inside the plans (reported only; the "
                                             "published numbers are never changed)."),
        sources=("Sources", ""),
        overview=("Overview of all regions", "The status of the nearest target year of every indicator in every "
                                             "region, and every target year at risk or off track, most urgent first."),
        heatmap=("Status heatmap", "Rows: indicators; columns: regions; colour: the status of the nearest target "
                                   "year that can be judged."),
        urgent=("Target years at risk", "Target years at risk or off track, most urgent first."),
        coverage=("Status counts by region", ""),
        review=("Mid-term review",
                "Progress against time (\"half the time, half the task\"). Completion = (latest actual − baseline) / "
                "(target − baseline); time elapsed = (year of the latest actual − baseline year) / (target year − "
                "baseline year). Within ±{tol} of each other: on pace; completion further ahead: ahead; further behind: "
                "behind; a latest actual that already meets the target: target reached. Baselines are only those the "
                "plan itself states; none is assumed where it states none. Numbers are shown as computed, never cut: "
                "below 0 means further from the target than at the baseline, above 100% past the target or its year."),
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
               title="{name}（{unit}）", definition="（{definition}）", no_data="数据不足",
               interval_status="80% 区间：{status}", right_axis="{label}（右轴）", parent_panel="对照：{label}",
               # the image's alternative text: what the chart shows, said in words
               alt_lead="图表：{title}。", alt_latest="{series}最新实际值 {value}（{year} 年）", alt_no_actual="尚无实际值",
               alt_target="{year} 年{breakdown}目标 {target}：{status}", alt_interval="（80% 区间 {lo}–{hi}）",
               alt_parent="右侧小图为对照：{parent}", alt_sep="；", alt_end="。",
               heatmap_alt="热力图：{regions} 个地区 × {indicators} 个指标，每格为最近一个目标年份的状态（{counts}）。"),
    "en": dict(actual="actual", forecast="forecast", parent_trend="parent region's trend", interval="80% interval",
               target="target {clause}", title="{name} ({unit})", definition=" ({definition})", no_data="no data",
               interval_status="80% interval: {status}", right_axis="{label} (right axis)",
               parent_panel="For comparison: {label}",
               alt_lead="Chart: {title}. ", alt_latest="{series}latest actual {value} ({year})",
               alt_no_actual="no actual yet", alt_target="{year} target{breakdown} {target}: {status}",
               alt_interval=" (80% interval {lo}–{hi})", alt_parent="beside it, for comparison: {parent}",
               alt_sep="; ", alt_end=".",
               heatmap_alt="Heatmap: {regions} regions by {indicators} indicators, each cell the status of the "
                           "nearest target year ({counts})."),
}


def report_title(region: str, region_en: str, domain: str | None, lang: str) -> str:
    """职业教育 / 知识产权 … 规划指标进展 by the plan's domain; no domain word when it is mixed or unknown."""
    d = DOMAIN_NAMES[lang].get(domain or "", "")
    if lang == "zh":
        return f"{region}（{region_en}）{d}规划指标进展"
    return f"{region_en} ({region}): progress on {d + ' ' if d else ''}plan targets"


# why a series cannot be forecast (``forecast.ladder.SERIES_PROBLEMS``), in the sentence of its verdict
SERIES_PROBLEM_WORDS = {
    "zh": {"duplicate_year": "同一年份有两个数值", "infinite": "有无穷大的数值", "negative": "有不可能为负的负值",
           "above_100": "有超过 100% 的比例"},
    "en": {"duplicate_year": "two values for one year", "infinite": "an infinite value",
           "negative": "a negative value where none is possible", "above_100": "a share above 100%"},
}

_PHRASES = {
    "zh": dict(
        head="{year} 目标{breakdown} {cmp}{target}{band}", sep="：", end="。",
        band="（按 ±{tol} 容差，{lo}–{hi} 视为达标）",
        at_most="（计划值；不高于即视为达标）",
        actual="{year} 年实际 {latest}，{status}",
        thin="只有 {n} 个实际值（{latest_year} 年 {latest}），上级地区也无可参照的趋势，无法估计达标概率；需每年 {required}",
        thin_met="只有 {n} 个实际值（{latest_year} 年 {latest}，已达到目标水平），上级地区也无可参照的趋势，无法估计达标概率",
        none="尚无实际值，无法估计达标概率。请补充实际数据",
        bad_series="实际数据无法直接使用（{reason}），无法估计达标概率；请核对数据",
        past_none="目标年已过，该年没有实际值（最新实际值为 {latest_year} 年 {latest}），无法判断是否达标；请补充 {year} 年实际值",
        past="该年未报实际值，",
        forecast="按当前趋势预计 {forecast}（80% 区间 {lo}–{hi}），达标概率 {p}（{status}）",
        proxy="，参照{proxy}的趋势推算（本地只有 {n} 个实际值；概率已计入借用上级趋势的额外不确定性，"
              "按各省对照全国趋势的实测偏差估计）",
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
        at_most=" (a planned value; at or below it counts as met)",
        actual="actual {latest} in {year}, {status}",
        thin="only {n} actual value ({latest} in {latest_year}) and no parent region with a trend, so no probability; "
             "needs {required} a year",
        thin_met="only {n} actual value ({latest} in {latest_year}, already at the target) and no parent region with "
                 "a trend, so no probability",
        none="no actual values yet, so no probability. Add actuals to assess it",
        bad_series="the actuals cannot be used as they are ({reason}), so no probability; check the data",
        past_none="the target year is past and has no actual (the latest is {latest} in {latest_year}), so it cannot "
                  "be judged; add the actual for {year}",
        past="no actual reported for that year; ",
        forecast="on the current trend {forecast} expected (80% interval {lo}–{hi}), {p} chance of meeting it ({status})",
        proxy=", projected along the trend of {proxy} (only {n} local actual; the probability includes the extra "
              "uncertainty of borrowing that trend, measured on how far provinces strayed from the national trend)",
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


# the forecast models of ``forecast.models.MODELS`` as a sentence names them (a proxy's model is the
# parent's: the sentence says "along the trend of" the parent already)
MODEL_LABELS = {
    "zh": {"naive": "保持最新值", "drift": "平均年变化", "shrunk_drift": "按波动收缩的平均年变化", "linear": "线性趋势",
           "weighted": "近年加权趋势", "loglinear": "按比例增长趋势", "theta": "指数平滑加趋势"},
    "en": {"naive": "last value held", "drift": "average yearly change",
           "shrunk_drift": "average yearly change shrunk by its noise", "linear": "linear trend",
           "weighted": "recency-weighted trend", "loglinear": "proportional growth trend",
           "theta": "exponential smoothing with drift"},
}


def model_label(model: str | None, lang: str) -> str:
    name = str(model or "").removeprefix("proxy:").split(",")[0]  # "drift, centred on ..." is drift
    return MODEL_LABELS[lang].get(name, name)


# why `indicators draft-actuals` left a number of a bulletin out (drafting.bulletin.REASONS); {detail}
# names the words concerned
NOT_DRAFTED = {
    "zh": {"title": "标题中的数字（正文中的同一数字另行起草）",
           "change": "变化量，不是当年数值（{detail}）",
           "bound": "规定或限度，不是实际水平（{detail}）",
           "joint": "几类学校合计的一个数，不是其中任一类的指标（{detail}）",
           "not_actual": "标准或目标，不是实际数值（{detail}）",
           "other_region": "说的是另一个地区：{detail}",
           "bracket": "括号内的组成部分或说明：{detail}",
           "coverage": "统计范围与指标不同：{detail}",
           "no_indicator": "指标库中没有此指标：{detail}",
           "unclear_indicator": "文中没有说清是哪类学校的哪项指标：{detail}",
           "ambiguous_indicator": "指标库中有多个指标都符合：{detail}",
           "no_year": "文中没有说明年份（可用 --year 指定公报年份）",
           "year_conflict": "标题年份与 --year 不一致：{detail}",
           "unit_mismatch": "单位与指标不符：{detail}",
           "not_read": "数字无法读取：{detail}",
           "repeat": "与前文同一指标、年份和数值重复：{detail}",
           "table_shape": "表格行的数字个数与表头列数不符：{detail}",
           "sub_row": "表中上一行的组成部分（同一指标已取上一行）：{detail}"},
    "en": {"title": "a number in the title (the same number in the body is drafted from there)",
           "change": "a change, not the year's level ({detail})",
           "bound": "a norm or limit, not a level ({detail})",
           "joint": "one figure for several school types together, an indicator of none of them ({detail})",
           "not_actual": "a norm or target, not an actual ({detail})",
           "other_region": "about another region: {detail}",
           "bracket": "a part or qualifier in brackets: {detail}",
           "coverage": "covers more than the indicator: {detail}",
           "no_indicator": "no indicator of the vocabulary measures it: {detail}",
           "unclear_indicator": "the text does not say which school type and measure: {detail}",
           "ambiguous_indicator": "several indicators of the vocabulary fit: {detail}",
           "no_year": "the text states no year (give the bulletin's year with --year)",
           "year_conflict": "the title's year and --year differ: {detail}",
           "unit_mismatch": "the unit does not fit the indicator: {detail}",
           "not_read": "the number cannot be read: {detail}",
           "repeat": "the same indicator, year and value as earlier: {detail}",
           "table_shape": "a table row with another number of values than the header's columns: {detail}",
           "sub_row": "a part of the row above in the table (the indicator is taken from that row): {detail}"},
}

# the note of a drafted actual value (draft-actuals): how its year was found and what else to check ({detail}: a year, a column ...)
DRAFT_NOTES = {
    "zh": {"title_year": "年份取标题中的公报年份 {detail}", "given_year": "年份取 --year 给出的公报年份 {detail}",
           "paragraph_year": "年份取本段前文所述的 {detail} 年",
           "later_year": "年份取本句后文所述的 {detail} 年", "previous_year": "上年：{detail} 年的前一年",
           "column": "表格第 {detail} 列", "approximate": "约数（约、左右）", "also": "文中同一年另有数值：{detail}",
           "lower_bound": "下限：原文为“{detail}”，实际值不低于此数；作实际值确认时请保留此说明",
           "upper_bound": "上限：原文为“{detail}”，实际值低于此数；作实际值确认时请保留此说明"},
    "en": {"title_year": "the bulletin's year in its title ({detail})",
           "given_year": "the bulletin's year given with --year ({detail})", "paragraph_year": "the year stated earlier in the "
           "paragraph ({detail})", "later_year": "the year stated later in the sentence ({detail})",
           "previous_year": "上年: the year before {detail}", "column": "table column {detail}",
           "approximate": "approximate (约, 左右)", "also": "the text gives another value for this year: {detail}",
           "lower_bound": "a lower bound: the text says “{detail}”, so the value is at least this; keep this note if "
                          "you confirm it as the actual",
           "upper_bound": "an upper bound: the text says “{detail}”, so the value is below this; keep this note if "
                          "you confirm it as the actual"},
}

# what `indicators draft-actuals` prints and the header of its list of numbers not drafted
DRAFT_ACTUALS_WORDS = {
    "zh": dict(wrote="已写出 {out}：起草 {n} 个数值，均为 confirmed: false；{skipped} 个数字未起草（见 {where}）。"
                     "逐行对照原文核对指标、年份和数值后改为 true，然后运行 `indicators validate {out}`",
               drafted="起草 {n} 个数值（均为 confirmed: false），{skipped} 个数字未起草：",
               year="公报年份：{year}（来自{source}）", no_year="公报年份：文中未找到（可用 --year 指定）",
               conflict="注意：标题年份与 --year 不一致（{detail}），仅由公报年份定年的数字未起草",
               title="标题", given="--year",
               written="原文数字", reason="原因", quote="原文"),
    "en": dict(wrote="wrote {out}: {n} value(s) drafted, all confirmed: false; {skipped} number(s) not drafted (see "
                     "{where}). Check indicator, year and value of each row against its quote, set confirmed to "
                     "true, then run `indicators validate {out}`",
               drafted="{n} value(s) drafted (all confirmed: false), {skipped} number(s) not drafted:",
               year="bulletin year: {year} (from the {source})", no_year="bulletin year: not found (give --year)",
               conflict="note: the title's year and --year differ ({detail}); numbers dated only by the "
                        "bulletin's year were not drafted",
               title="title", given="--year",
               written="written", reason="reason", quote="quote"),
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
    """What decides a planned or approximate target, stated wherever it decides: the band, or for a
    planned value judged as a ceiling (生师比 17:1 in a plan's table, lower is better) that side, which
    the bare number does not say: "目标 17、预计 10.7、有望达标" reads as a contradiction without it.
    A planned value judged as a floor reads as meant and is not glossed."""
    low, high = r.get("meet_low"), r.get("meet_high")
    if r.get("comparator") == "==" and _finite(high) and not _finite(low):
        return _PHRASES[lang]["at_most"]
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
             p=fmt_prob(r["p_meet"], thresholds), model=model_label(r.get("model"), lang),
             proxy=r["proxy_region"] if lang == "zh" else r.get("proxy_region_en"),
             definition=definition_label(r.get("definition"), lang))
    head = ph["head"].format(**v) + ph["sep"]
    if r["status"] in ("met", "missed"):
        return head + ph["actual"].format(**v) + ph["end"]
    if r["status"] == "insufficient_data":
        if not r["n_points"]:
            return head + ph["none"].format(**v) + ph["end"]
        if r.get("series_problem"):
            return head + ph["bad_series"].format(reason=SERIES_PROBLEM_WORDS[lang][r["series_problem"]]) + ph["end"]
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


# --- the mid-term review table (verdicts.review) -------------------------------------------------

JUDGEMENT_LABELS = {
    "zh": {"done": "已达到目标", "ahead": "超前", "on_pace": "符合进度", "behind": "滞后", "not_judged": "—"},
    "en": {"done": "target reached", "ahead": "ahead", "on_pace": "on pace", "behind": "behind", "not_judged": "—"},
}

REVIEW_WORDS = {
    "zh": dict(
        indicator="指标", baseline="基期值", baseline_year="基期年", target="目标值", year="目标年",
        latest="最新实际", latest_year="实际年份", completion="完成进度", time_elapsed="时间进度",
        judgement="判断", forecast="预测判断", p="达标概率", note="说明", clause="条款", quote="原文",
        baseline_clause="基期值条款", baseline_quote="基期值原文", region="地区", breakdown="分项", unit="单位",
        at_year="{value}（{year} 年）", tol_points="{n} 个百分点", no_rows="没有带年份的目标。",
        without_baseline="规划未写明基期值、无法计算完成进度的目标（不作推算）：{items}",
        without_new_actual="基期以来尚无新的实际值、无法判断进度的目标：{items}",
        no_baseline_rows="本地区的规划都未写明基期值，无法计算完成进度（不作推算）。",
        gap_ahead="完成进度比时间进度高 {gap} 个百分点（容差 ±{tol}）",
        gap_behind="完成进度比时间进度低 {gap} 个百分点（容差 ±{tol}）",
        gap_even="完成进度与时间进度相差 {gap} 个百分点，在容差 ±{tol} 以内",
        sep="；", end="。",
        no_baseline="规划未写明基期值，无法计算完成进度（不作推算）",
        baseline_conflict="规划对 {baseline_year} 年的基期写有不同数值，无法确定基期值",
        target_not_after_baseline="目标年份不晚于基期年份，无法计算时间进度",
        no_actual="尚无实际值",
        no_new_actual="基期（{baseline_year} 年）以来尚无新的实际值，无法判断进度",
        met_at_baseline="基期值已达到目标，无需推进，只需保持",
        baseline_equals_target="基期值已等于目标值，无需推进，只需保持",
        held="最新实际仍达到目标", lost="最新实际已不再达到目标",
        regressed="完成进度为负：最新实际比基期离目标更远",
        beyond_target="完成进度超过 100%：最新实际已越过目标值",
        overshot_band="最新实际越过了整个达标区间（{lo}–{hi}），落在另一侧，不按进度判断",
        past_target_year="目标年份 {year} 年无实际值，按 {latest_year} 年实际计算；时间进度超过 100%，表示目标年份已过",
        target_year_reached="目标年份已到，最新实际未达到目标",
        done="最新实际已达到目标"),
    "en": dict(
        indicator="Indicator", baseline="Baseline", baseline_year="Baseline year", target="Target", year="Target year",
        latest="Latest actual", latest_year="Year of actual", completion="Completion", time_elapsed="Time elapsed",
        judgement="Judgement", forecast="Forecast verdict", p="P(meet)", note="Note", clause="Clause", quote="Quote",
        baseline_clause="Baseline clause", baseline_quote="Baseline quote", region="Region", breakdown="Breakdown",
        unit="Unit", at_year="{value} ({year})", tol_points="{n} points", no_rows="No dated targets.",
        without_baseline="Targets whose plan states no baseline, so completion cannot be measured (none is assumed): "
                         "{items}",
        without_new_actual="Targets with no actual since the baseline year, so progress cannot be judged yet: "
                           "{items}",
        no_baseline_rows="No plan of this region states a baseline, so completion cannot be measured (none is "
                         "assumed).",
        gap_ahead="completion is {gap} points ahead of the time elapsed (tolerance ±{tol})",
        gap_behind="completion is {gap} points behind the time elapsed (tolerance ±{tol})",
        gap_even="completion and time elapsed differ by {gap} points, within ±{tol}",
        sep="; ", end=".",
        no_baseline="the plan states no baseline, so completion cannot be measured (none is assumed)",
        baseline_conflict="the plan states different baselines for {baseline_year}, so there is no baseline",
        target_not_after_baseline="the target year is not after the baseline year, so time elapsed has no span",
        no_actual="no actual value yet",
        no_new_actual="no actual since the baseline year ({baseline_year}), so progress cannot be judged",
        met_at_baseline="the baseline already meets the target: nothing to cover, only to hold",
        baseline_equals_target="the baseline already equals the target: nothing to cover, only to hold",
        held="the latest actual still meets it", lost="the latest actual no longer meets it",
        regressed="completion below 0: the latest actual is further from the target than the baseline",
        beyond_target="completion above 100%: the latest actual has passed the target",
        overshot_band="the latest actual crossed the whole band that meets the target ({lo}–{hi}) to the other "
                      "side, so it is not judged by pace",
        past_target_year="no actual for the target year {year}, so the {latest_year} actual is used; time elapsed "
                         "above 100% means the target year has passed",
        target_year_reached="the target year has come and the latest actual does not meet the target",
        done="the latest actual already meets the target"),
}


def fmt_share(x, signed: bool = False) -> str:
    """A fraction of the way or of the time as a percentage, one decimal, never cut: 0.368 -> 36.8%,
    -0.25 -> −25.0%, 1.333 -> 133.3%; "" when there is none."""
    if not _finite(x):
        return ""
    v = float(x) * 100
    s = f"{abs(v):.1f}%"
    if v < 0 and s != "0.0%":
        return "−" + s
    return ("+" + s) if signed and v > 0 else s


def review_note(r: dict, lang: str) -> str:
    """The note of one review row: how completion and time compare, then each edge case that holds."""
    w = REVIEW_WORDS[lang]
    unit = r["unit"]
    cases = [c for c in str(r.get("cases") or "").split(", ") if c]
    tol = w["tol_points"].format(n=f"{float(r['tolerance']) * 100:g}")
    v = dict(baseline_year=r.get("baseline_year"), year=r.get("year"), latest_year=r.get("latest_year"), tol=tol)
    parts = []
    if r["judgement"] in ("ahead", "on_pace", "behind") and _finite(r.get("gap")) and not (
            {"met_at_baseline", "baseline_equals_target", "target_year_reached", "past_target_year"} & set(cases)):
        g = float(r["gap"])
        key = "gap_ahead" if r["judgement"] == "ahead" else ("gap_behind" if r["judgement"] == "behind" else "gap_even")
        parts.append(w[key].format(gap=f"{abs(g) * 100:.1f}", tol=tol))
    for c in cases:
        if c in ("met_at_baseline", "baseline_equals_target"):
            text = w[c]
            if r["judgement"] in ("done", "behind"):
                text += w["sep"] + (w["held"] if r["judgement"] == "done" else w["lost"])
            parts.append(text)
        elif c == "overshot_band":
            parts.append(w[c].format(lo=fmt_num(r.get("meet_low"), unit), hi=fmt_num(r.get("meet_high"), unit)))
        else:
            parts.append(w[c].format(**v))
    if r["judgement"] == "done" and not ({"met_at_baseline", "baseline_equals_target"} & set(cases)):
        parts.insert(0, w["done"])
    if not parts:
        return ""
    text = w["sep"].join(parts) + w["end"]
    return text[0].upper() + text[1:] if lang == "en" else text


# --- files for the bureau (reports.workbook, reports.document): sheet names and column headers ---

WORKBOOK_WORDS = {
    "zh": dict(
        verdicts_sheet="达标判断", review_sheet="中期评估", needed_sheet="需要补充的数据", changes_sheet="变化",
        old_p="上次达标概率", new_p="本次达标概率",
        region="地区", indicator="指标", breakdown="分项", year="目标年份", target_text="目标", target="目标值",
        target_high="目标上限", unit="单位", latest_year="最新实际年份", latest_value="最新实际值",
        forecast="预测值（目标年）", lo80="80% 区间下限", hi80="80% 区间上限", p_meet="达标概率", status="状态",
        explanation="说明", plan="规划", clause="条款", quote="原文", baseline="基期值", baseline_year="基期年",
        completion="完成进度", time_elapsed="时间进度", judgement="判断（容差 ±{tol}）", forecast_status="预测判断",
        note="说明", baseline_clause="基期值条款", baseline_quote="基期值原文", target_year="目标年",
        years="缺少实际值的目标年份", reason="原因", command="生成预填数据模板的命令",
        reason_none="尚无实际值", reason_thin="只有一个实际值，且无上级地区趋势可参照",
        reason_past="目标年份已过，该年无实际值"),
    "en": dict(
        verdicts_sheet="Verdicts", review_sheet="Mid-term review", needed_sheet="Data needed", changes_sheet="Changes",
        old_p="Last P(meet)", new_p="This P(meet)",
        region="Region", indicator="Indicator", breakdown="Breakdown", year="Target year", target_text="Target",
        target="Target value", target_high="Target upper value", unit="Unit", latest_year="Year of latest actual",
        latest_value="Latest actual", forecast="Forecast (target year)", lo80="80% interval low",
        hi80="80% interval high", p_meet="P(meet)", status="Status", explanation="Explanation", plan="Plan",
        clause="Clause", quote="Quote", baseline="Baseline", baseline_year="Baseline year", completion="Completion",
        time_elapsed="Time elapsed", judgement="Judgement (tolerance ±{tol})", forecast_status="Forecast verdict",
        note="Note", baseline_clause="Baseline clause", baseline_quote="Baseline quote", target_year="Target year",
        years="Target years without actuals", reason="Why", command="Command that writes a pre-filled template",
        reason_none="no actual value yet", reason_thin="one actual value and no parent region's trend",
        reason_past="the target year has passed without an actual"),
}


# --- the command line's own messages (cli) --------------------------------------------------------



# --- indicators validate: the problems of a planner's file, errors first ----------------------------

VALIDATE_WORDS = {
    "zh": dict(
        errors="错误", warnings="警告", blanks="空值（每行一行；加 --all 逐格列出）", blanks_all="空值（逐格）",
        blank_line="{label}：{years} 年 {n} 个空值", row="第 {row} 行", which_row="（第 {row} 行）", years_sep="、",
        summary="{files} 个文件，读取 {values} 个值：{errors} 个错误，{warnings} 个警告，{missing} 个空值（{rows} 行）",
        severity={"error": "错误", "warning": "警告", "missing": "空值"},
        headers=dict(severity="级别", file="文件", sheet="工作表", row="行", column="列", value="值", code="代码",
                     check="检查", expected="应为")),
    "en": dict(
        errors="Errors", warnings="Warnings", blanks="Blank values (a line per row; --all lists every cell)",
        blanks_all="Blank values (every cell)",
        blank_line="{label}: {n} blank value(s) in {years}", row="row {row}", which_row=" (row {row})",
        years_sep=", ",
        summary="{files} file(s), {values} value(s) read: {errors} error(s), {warnings} warning(s), {missing} blank "
                "value(s) in {rows} row(s)",
        severity={"error": "error", "warning": "warning", "missing": "blank"},
        headers=dict(severity="severity", file="file", sheet="sheet", row="row", column="column", value="value",
                     code="code", check="check", expected="expected")),
}

# the head of the problems a command stopped on (``ValidationError.title`` is the English one)
ERROR_TITLES = {
    "zh": {"validation failed": "检查未通过", "actuals failed validation": "实际值文件检查未通过",
           "notebook unreadable": "笔记本文件无法读取", "catalogue failed to load": "规划目录无法加载",
           "the document could not be read": "文档无法读取",
           "publishing failed (the previous reports are still in place)": "发布失败（上一版报告仍在原处）",
           "no such reports": "没有这样的报告", "the draft could not be written": "草稿无法写出"},
    "en": {},
}
ERROR_HEAD = {"zh": dict(head="{title}：{n} 个错误", other="（另列出 {other} 个警告或空值）", sheet=" 工作表 {sheet}",
                        row=" 第 {row} 行", column=" {column} 列", value="：{value}", expected="{check}；应为：{expected}"),
              "en": dict(head="{title}: {n} error(s)", other=" ({other} warning(s) or blank values listed too)",
                         sheet=" sheet {sheet}", row=" row {row}", column=" column {column}", value=": {value}",
                         expected="{check}; expected: {expected}")}


# what was expected, in Chinese, for the problems of a planner's actuals file (``Problem.expected`` is the English
# one): a template of the problem's facts, and the optional parts ({closest_part}), each shown when its fact is
# given. A code raised for several causes has a template per cause (``case`` among the facts)
EXPECTED_ZH = {
    "value.unconfirmed": "对照原文核对 {indicator} {year} = {value} 后填 true（起草的行只是建议，不是数值）",
    "value.bad_confirmed": "true（已对照原文核对）或 false",
    "indicator.unknown": "indicators.yaml 中的指标键、中文名或别名{closest_part}",
    "region.missing": "地区名称",
    "region.unknown": "{meant_part}{sheet_part}regions.yaml 中的地区；此地区的数值不对应任何规划地区，不用于任何目标",
    "year.out_of_range": "{low} 至 {high} 之间的整数年份",
    "value.missing": "{indicator} {year} 的数值（空白按缺失处理）",
    "value.not_a_number": "以{unit}计的一个数字，如 45、45%、17:1、5387.35、4.12E+3、2.26万（空白：—、空）；"
                          "一格只写一个数字，其后最多一个单位词",
    "unit.mismatch": "{indicator} 以{unit}计：“{given}”不能换算为{unit}",
    "value.share_out_of_range": "{indicator} 是 0 到 100 之间的百分数",
    "value.share_as_fraction": "{indicator} 以百分数表示：{value} 像是小数，请乘以 100（{times100}）{excel_part}",
    "value.negative": "{indicator} 是人数或金额，不能为负",
    "value.date_or_time:excel": "数字，而不是日期或时间：单元格设成了日期或时间格式；请改为“常规”或“数值”格式后填入数值",
    "value.not_a_number:excel_error": "数字；单元格显示 Excel 错误：请改正公式或直接填数值（不知道就留空）",
    "value.not_a_number:no_result": "数字；公式没有保存的结果（文件不是由 Excel 保存的）：请在 Excel 中打开并保存，或直接填数值",
    "value.duplicate": "{region} {indicator} {year} 只写一行（第 {rows} 行分别为 {values}）",
    "file.missing:actuals": "已存在的 CSV 或 XLSX 文件",
    "file.unknown_type:not_a_file": "CSV 或 XLSX 文件，而不是文件夹或设备",
    "file.unknown_type:suffix": ".csv、.tsv 或 .xlsx 文件",
    "file.empty:table": "一行表头和至少一行数据",
    "file.empty:workbook": "一个可见的工作表，含一行表头和至少一行数据",
    "file.malformed_csv:csv": "每行字段数相同，每个引号都闭合",
    "file.unknown_encoding:actuals": "UTF-8、GBK/GB18030、Big5 或 UTF-16 文本{looks_like_part}：请另存为 UTF-8"
                                     "（Excel：另存为“CSV UTF-8”）",
    "file.bad_excel:xlsx": "有效的 .xlsx 工作簿（由 Excel、WPS 或 LibreOffice 保存）",
    "layout.missing_columns": "列 {required}（可选：{optional}）",
    "layout.no_year_columns:table": "指标列之后有一行年份表头（2019 或 2019年），或长表的列 region、indicator、year、value",
    "region.missing:sheet": "地区：每个地区一个工作表（工作表名即地区名），或在命令行用 --input-region",
    "layout.duplicate_column": "每列只出现一次：表头（第 {header_row} 行）的 {a} 列（{a_name}）和 {b} 列（{b_name}）"
                               "都表示 {meaning}；请删除或改名其中一列",
    "layout.no_label:table": "每个有数值的行在第一列写明指标名（向下合并的名称对所合并的每一行都有效）",
    "layout.rows_above_header": "第 {row} 行在表头上方，有 {n} 个单元格；含 {what} 的表头是第 {header_row} 行："
                                "请删除第 {row} 行，或把它合并为一个标题单元格（只有一个单元格的标题行会被跳过）",
    "layout.merged_values": "每格一个值：{where} 跨{span}合并；请取消合并，逐格填写数值（不知道就留空）",
    "layout.hidden_sheet": "工作表 {sheet} 被隐藏，未读取：取消隐藏（右键工作表标签，取消隐藏）后即可读取，或删除它",
    "*:hidden": "隐藏的{kind} {listed} 未读取：取消隐藏（选中两侧的{kind}，右键，取消隐藏）后即可读取，或删除它们",
    # a plan file's targets (plans/plan_file.py)
    "indicator.unknown:plan": "indicators.yaml 中的指标键{closest_part}",
    "region.unknown:plan": "regions.yaml 中的地区键",
    "target.no_year:plan": "年份；没有年份时写 null 并写明 year_note",
    "target.no_year_note:plan": "year_note：说明年份为何为 null",
    "target.quote_not_in_source:plan": "在 {source} 中逐字出现的原文（不计空白）；原文中最接近的一段：“{passage}”；"
                                       "引文第 {pos} 个字符起不同：引文为 {in_quote}，原文为 {in_source}{width_part}",
    "target.written_not_in_quote:plan": "与原文中完全一致的数字写法",
    "target.value_disagrees:plan": "{value}（由 written “{written}” 读出）",
    "target.no_value_note:plan": "value_note：说明数值是如何从原文读出的",
    "plan.no_targets:plan": "非空的 `targets:` 列表", "plan.no_plan_block:plan": "顶层的 `plan:` 映射和 `targets:` 列表",
    "region.level_mismatch:plan": "{level}（{region} 的级别）",
    "plan.bad_period:plan": "两个年份，如 [2020, 2022]（第一个可为 null）",
    "source.outside_plan_dir:plan": "规划文件夹 {folder} 内的文件",
    "source.not_found:plan": "sources/ 中的文件，或相对于规划文件的路径",
    "target.not_mapping:plan": "含 indicator、year、written、kind、clause、quote 的条目",
    "target.unreadable_number:plan": "一个可读的数字写法（如 75%、17:1、2.26万、4.5:5.5、2至3所）",
    "unit.mismatch:plan": "能换算为{unit}的单位；“{given}”不能",
    "plan.unconfirmed:plan": "逐条对照原文核对起草的条目后写 `confirmed: true`（或用 --include-drafts 按原样加载）；"
                             "`indicators draft --check` 会列出它们",
    # a plan or bulletin document that cannot be read (drafting/documents.py)
    "document.old_word:document": ".docx、PDF、HTML 或文本文件：请把旧版 Word（.doc）另存为 .docx（Word：另存为；"
                                  "或 `soffice --headless --convert-to docx FILE.doc`）",
    "file.unknown_type:document_suffix": ".txt、.docx、.pdf 或 .html 文件",
    "file.not_regular:document": "规划或公报文件（普通文件）", "file.too_large:document": "不超过 {mb} MB 的文件",
    "file.too_large:docx": "解压后不超过 {mb} MB 的 Word 文件", "file.missing:document": "已存在的文件",
    "file.unreadable:document": "可读取的文件", "file.empty:document": "有文字的文件",
    "file.unknown_encoding:document": "以 UTF-8、GBK/GB18030、Big5 或 UTF-16 保存的文本",
    "file.unknown_encoding:html": "以 UTF-8、GBK/GB18030、Big5 或 UTF-16 保存的网页",
    "document.no_text:document": "有文字的文档", "document.no_text:docx": "有文字的 Word 文件",
    "document.no_text:pdf": "有文字的 PDF", "document.no_text:html": "正文部分有文字的网页",
    "document.corrupt:docx": "能打开的 Word（.docx）文件", "document.corrupt:pdf": "能打开的 PDF",
    "document.encrypted_pdf:document": "无需密码即可打开的 PDF：请先去掉密码（打印为 PDF，或 `qpdf --decrypt`）再试",
    "document.scanned_pdf:document": "有文字层的 PDF：此文件是扫描图像（{pages} 页）；请先做文字识别（如 "
                                     "`ocrmypdf --language chi_sim in.pdf out.pdf`）",
    # a planner's regions.yaml (plans/regions.py)
    "region.redefined:regions": "新的地区；或写 `override: true`，让所有规划都改用此处对 {region} 的定义（原为 {en}、"
                                "{level}、上级 {parent}）",
    "region.parent_cycle:regions": "逐级通向全国的上级地区（不能循环）",
    "region.not_mapping:regions": "地区名: {{en, level, parent}}", "region.not_mapping:entry": "含 en、level 和 parent 的映射",
    "region.unknown_parent:regions": "regions.yaml 中列出的地区", "region.no_english_name:regions": "英文名称",
    "field.wrong_type:region_name": "地区名称：不含控制字符的文字",
    # indicators.yaml (plans/vocabulary.py)
    "vocabulary.not_mapping:vocabulary": "指标键: {{zh, en, unit, direction}}",
    "vocabulary.entry_not_mapping:vocabulary": "含 zh、en、unit、direction 的映射", "field.wrong_type:key": "键：不含控制字符的文字",
    "field.wrong_type:names": "名称的 YAML 列表（不含控制字符的文字）",
    "vocabulary.redefined:vocabulary": "新的指标键；或写 `override: true`，让所有规划都改用此处对 {key} 的定义（原定义于 {source}）",
    # the plan folder (plans/catalog.py) and relations.yaml (plans/relations.py)
    "plan.duplicate_id:plans": "未被 {other} 用过的规划编号", "file.no_plans_dir:plans": "存放 YAML 规划文件的文件夹",
    "relations.not_mapping:relations": "按关系类型组织的映射", "relations.field_missing:relations": "含 {fields} 的 {kind} 条目",
    # publishing the reports and reading the archive (run/sets.py, run/archive.py, run/runner.py)
    "publish.disk_full:publish": "写报告所需的磁盘空间（磁盘已满）",
    "publish.read_only:publish": "可写的输出文件夹（它是只读的，或无权写入）",
    "publish.busy:publish": "没有被其他进程占用的输出路径", "publish.io_error:publish": "能写入报告的输出文件夹",
    "publish.locked:publish": "没有其他运行在发布（已等待 {seconds} 秒）",
    "archive.unknown_run:archive": "存档（reports/runs/<运行编号>）中已有的运行；存档中的运行：{runs}",
    "archive.no_reports:archive": "已发布的报告及其判断表：请先运行 `indicators run --out {out}`",
    "file.bad_notebook:notebook": "Jupyter 笔记本（nbformat 4 JSON）",
    "document.no_targets:document": "含有可起草数字的规划文本",
    "file.unknown_type:draft_output": "以 .csv 或 .xlsx 结尾的输出文件",
    # reading a YAML file or a plan's source text (plans/safe_yaml.py)
    "file.not_regular:yaml": "{what}（普通文件）", "file.too_large:yaml": "不超过 {mb} MB 的{what}",
    "file.missing:yaml": "已存在的{what}", "file.unreadable:yaml": "可读取的{what}",
    "file.not_utf8:yaml": "以 UTF-8 保存的{what}", "file.bad_yaml:yaml": "有效的 YAML（{what}）",
    "file.yaml_aliases:yaml": "别名不超过 {aliases} 个、展开后不超过 {nodes} 个节点的 YAML",
    # any field of a plan, regions or indicators file, by what the schema asked of it (plans/schema.py)
    "*:words": "文字，或含 zh、en 两个键的映射",
    "*:text": "文字", "*:name": "名称（文字）", "*:control": "不含控制字符的文字（发现 {found}）",
    "*:date": "日期，如 2020-07-02", "*:year": "{low} 至 {high} 之间的整数年份，或写 null 并写明 year_note",
    "*:number": "有限的数字（不是 inf、NaN 或 true）", "*:at_least": "不小于 {low} 的数字",
    "*:share": "0 到 100 之间的百分数", "*:bool": "YAML 的 true 或 false", "*:list": "YAML 列表",
    "*:one_of": "以下之一：{choices}", "*:value_for": "{field} 的值", "*:key_or_null": "{field}（原文没有时写 null）",
}
EXPECTED_ZH_PARTS = {"closest": "；最接近的：{closest}", "meant": "是否为 {meant}？",
                     "sheet": "工作表名“{sheet}”被当作地区：请改工作表名或用 --input-region；",
                     "excel": "，或把单元格设为百分数格式", "looks_like": "；此文件看似 {looks_like}",
                     "width": "（全角与半角之别：请从原文复制该字符）"}


def expected_words(problem, lang: str) -> str:
    """What ``problem`` expected, in ``lang``: the English ``expected``, or its Chinese wording when the
    problem gives the facts its template needs."""
    facts = dict(problem.facts)
    key = problem.code + (f":{facts['case']}" if "case" in facts else "")  # a code raised for several causes
    # a wording shared by several codes (``*:case``): a field's check in a plan, regions or indicators file
    template = (EXPECTED_ZH.get(key) or EXPECTED_ZH.get(f"*:{facts.get('case')}")) if lang == "zh" else None
    if template is None or not facts:
        return problem.expected
    parts = {f"{k}_part": (part.format(**facts) if facts.get(k) else "") for k, part in EXPECTED_ZH_PARTS.items()}
    try:
        return template.format(**{**facts, **parts})
    except (KeyError, IndexError):  # a fact the template needs is missing: the English words are complete
        return problem.expected


def check_words(problem, lang: str) -> str:
    """What ``problem`` checked, in ``lang`` (``Problem.check`` is the English of ``errors.CHECKS``)."""
    return CHECKS_ZH.get(problem.code, problem.check) if lang == "zh" else problem.check


# what each check is, in Chinese (errors.CHECKS holds the English wording; every code has both)
CHECKS_ZH = {
    "file.bad_excel": "可读的 Excel 文件", "file.empty": "文件不为空", "file.malformed_csv": "格式正确的 CSV",
    "file.missing": "文件存在", "file.not_regular": "普通文件", "file.not_utf8": "UTF-8 文本",
    "file.too_large": "文件大小在限制内", "file.unknown_encoding": "可识别的编码", "file.unknown_type": "已知的文件类型",
    "file.unreadable": "文件可读", "indicator.unknown": "已知指标", "layout.duplicate_column": "每列只出现一次",
    "layout.hidden_columns": "列可见（隐藏列已跳过）", "layout.hidden_rows": "行可见（隐藏行已跳过）",
    "layout.hidden_sheet": "工作表可见（隐藏表已跳过）", "layout.merged_values": "每格一个值",
    "layout.missing_columns": "必需的列齐全", "layout.no_label": "有数值的行写明指标",
    "layout.no_year_columns": "有年份列", "layout.rows_above_header": "表头上方只有标题",
    "region.missing": "写明地区", "region.unknown": "已知地区", "unit.mismatch": "单位与指标相符",
    "value.date_or_time": "是数字而不是日期或时间", "value.duplicate": "同一地区、指标、年份只有一个值",
    "value.missing": "有数值", "value.negative": "不为负数", "value.not_a_number": "是数字",
    "value.share_as_fraction": "比例以百分数表示", "value.share_out_of_range": "比例在 0–100% 之间",
    "year.out_of_range": "年份为合理的整数年",
    "archive.no_reports": "已发布的报告", "archive.unknown_run": "存档中已有的运行",
    "document.corrupt": "能打开的文档", "document.encrypted_pdf": "没有密码的 PDF", "document.no_targets": "有可起草数字的规划文本", "document.no_text": "有文字的文档",
    "document.old_word": ".docx 文件（不是旧版 Word .doc）", "document.scanned_pdf": "有文字层的 PDF（不是扫描件）",
    "field.control_character": "文字中没有控制字符", "field.wrong_type": "字段类型正确",
    "file.bad_notebook": "可读的笔记本文件", "file.bad_yaml": "有效的 YAML", "file.no_plans_dir": "规划文件夹存在",
    "file.yaml_aliases": "YAML 别名在限制内", "plan.bad_period": "规划期写作 [起始年, 结束年]",
    "plan.duplicate_id": "规划编号唯一", "plan.field_missing": "规划字段齐全", "plan.no_plan_block": "有 plan 部分",
    "plan.no_targets": "有 targets 列表", "plan.unconfirmed": "各条目已核对确认", "publish.busy": "输出位置未被占用",
    "publish.disk_full": "磁盘空间足够", "publish.io_error": "输出位置可写", "publish.locked": "没有其他运行在发布",
    "publish.read_only": "输出位置可写", "relations.field_missing": "关系字段齐全",
    "relations.not_mapping": "按关系类型组织的映射", "relations.unknown_kind": "已知的关系类型",
    "region.level_mismatch": "级别与 regions.yaml 一致", "region.no_english_name": "有英文名称",
    "region.not_mapping": "地区条目是映射", "region.parent_cycle": "上级地区逐级通向全国且不循环",
    "region.redefined": "内置地区未被悄悄重新定义", "region.unknown_field": "已知的地区字段",
    "region.unknown_level": "已知的级别", "region.unknown_parent": "上级是已知地区", "source.missing": "原文文件存在",
    "source.not_found": "找到原文", "source.outside_plan_dir": "原文在规划文件夹内",
    "source.sha256_mismatch": "sha256 与 sources.yaml 一致", "target.bad_tolerance": "容差是数字",
    "target.bad_value": "数值是数字", "target.bad_year": "年份合理", "target.field_missing": "目标字段齐全",
    "target.no_value_note": "有 value_note", "target.no_year": "有年份", "target.no_year_note": "有 year_note",
    "target.not_mapping": "目标是映射", "target.quote_not_in_source": "原文中能找到引文",
    "target.unknown_comparator": "已知的比较方式", "target.unknown_field": "已知字段", "target.unknown_kind": "已知类型",
    "target.unreadable_number": "数字可读", "target.value_disagrees": "数值与原文写法一致",
    "target.written_not_in_quote": "原文写法出现在引文中", "value.bad_confirmed": "confirmed 为 true 或 false",
    "value.unconfirmed": "起草的数值已由规划人员核对确认", "vocabulary.entry_not_mapping": "条目是映射",
    "vocabulary.field_missing": "指标字段齐全", "vocabulary.not_list": "列表", "vocabulary.not_mapping": "按指标键组织的映射",
    "vocabulary.redefined": "指标键未重复定义", "vocabulary.unknown_direction": "已知的方向",
    "vocabulary.unknown_unit": "标准单位",
}


def year_spans(years, sep: str) -> str:
    """2014, 2015, 2016, 2018 -> 2014–2016、2018: runs of consecutive years joined by an en dash."""
    ys = sorted(set(int(y) for y in years))
    spans, start = [], None
    for i, y in enumerate(ys):
        if start is None:
            start = y
        if i + 1 == len(ys) or ys[i + 1] != y + 1:
            spans.append(str(start) if start == y else f"{start}–{y}")
            start = None
    return sep.join(spans)

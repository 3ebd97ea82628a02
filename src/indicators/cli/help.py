"""Every help text of the command line, in Chinese and English: one home, beside ``cli``.

The language of the help is ``--lang`` when given, else the user's locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``: zh… gives Chinese, anything else English). Tables and reports keep the
project's default, Chinese, unless ``--lang en`` is given.
"""

from __future__ import annotations

import os

from ..rules import DEFAULT_AT_RISK, DEFAULT_ON_TRACK

__all__ = ["HELP", "COMMAND_HELP", "help_lang"]

COMMAND_HELP = {
    "zh": {
        "_description": "职业教育等规划的年度目标、实际数据、预测与风险提示。",
        "plans": "列出目录中的规划",
        "targets": "每个目标、基线和规则一行，附原文",
        "check-plans": "规划内部的冲突和不一致（退出码 0：仅供参考）",
        "validate": "检查实际数据文件并列出每个问题（有错误时退出码 1）",
        "actuals": "本工具将使用的实际数据：内置数据、规划基线和你的文件",
        "template": "为某地区写出预填已知实际值的数据模板",
        "draft": "从规划文本起草规划 YAML（每条 confirmed: false）",
        "draft-actuals": "从统计公报起草实际数据文件（每行附原文，confirmed: false）",
        "run": "执行报告笔记本并发布 HTML 报告",
        "assess": "每个有年份目标的状态、达标概率和说明",
        "review": "中期评估表：完成进度对时间进度（超前、符合进度、滞后），附预测判断",
        "backtest": "在已知结果上检验预测准确度、区间覆盖率和提示质量",
        "changes": "自上次报告以来状态有变化的目标年份及其原因",
    },
    "en": {
        "_description": "Yearly targets of vocational-education (and other) plans, actuals, forecasts and risk flags.",
        "plans": "list the plans in the catalogue",
        "targets": "one row per target, baseline and rule, with its source quote",
        "check-plans": "conflicts and inconsistencies inside the plans (exit 0: information)",
        "validate": "check actuals files and print every problem (exit 1 on errors)",
        "actuals": "the actuals the tool will use: bundled data, plan baselines and your files",
        "template": "write an input file for a region, pre-filled with known actuals",
        "draft": "draft a plan YAML from a plan's text (every entry confirmed: false)",
        "draft-actuals": "draft an actuals file from a statistical bulletin (each row with its quote, confirmed: false)",
        "run": "execute the report notebooks and publish HTML reports",
        "assess": "status, probability and explanation for every dated target",
        "review": "the mid-term review table: completion against time elapsed (ahead, on pace, behind), with the "
                  "forecast verdict",
        "backtest": "accuracy, interval coverage and flag quality on outcomes already known",
        "changes": "target years whose status changed since the last report, and why",
    },
}

HELP = {
    "zh": {
        "help": "显示此帮助并退出",
        "version": "显示版本并退出",
        "plans": "补充规划 YAML 文件所在目录（可重复；也可用 $INDICATORS_PLANS）",
        "include_drafts": "按原样载入起草的条目（confirmed: false）：规划的条目和起草的实际数据行（后者附警告）",
        "lang": "表格、说明和帮助的语言：zh 或 en（默认：表格 zh，帮助按 LANG 环境变量）",
        "plan": "规划编号，如 chiping_2020",
        "region": "地区，中文（茌平区）或英文（Chiping District）",
        "regions": "地区，中文（茌平区）或英文（Chiping District）；可重复（默认：每个有规划的地区）",
        "domain": "规划领域：vocational、basic_education、intellectual_property……（all 表示全部）",
        "format": "输出格式：table（屏幕表格）、csv、json、xlsx（csv 和 json 含全部列和内部键名）；不写时按 -o 的扩展名"
                  "（.xlsx、.csv、.json），再否则为屏幕表格；与扩展名矛盾时报错",
        "assess_format": "输出格式：table（屏幕表格）、csv、json（全部列和内部键名）或 xlsx（供报送的工作簿：达标判断、中期评估、"
                         "需要补充的数据，表头为中文或英文）；不写时按 -o 的扩展名，与扩展名矛盾时报错",
        "review_format": "输出格式：table、csv、json（内部键名）、xlsx（供报送的工作簿）或 docx（每个地区一份 Word 文档；"
                         "-o 文件.docx 或 -o 目录）；不写时按 -o 的扩展名，与扩展名矛盾时报错",
        "check_format": "输出格式：table（屏幕表格）、csv 或 json",
        "all_blanks": "逐格列出每个空值（默认每行一行汇总）",
        "tolerance": "完成进度与时间进度相差在此范围内为“符合进度”（0.10 即 ±10 个百分点）",
        "docx": "同时为每份地区报告写出 Word 文档（<地区>.docx，与页面放在一起）",
        "output": "写入此文件而不是屏幕",
        "wide": "屏幕表格显示全部列，不按终端宽度收窄",
        "kind": "只列此类：target（目标）、baseline（基线）或 rule（规则）",
        "files": "要检查的实际数据文件（CSV 或 XLSX）",
        "bulletin": "统计公报：文本文件（UTF-8、GBK、Big5、UTF-16），或直接给出公报文字",
        "bulletin_region": "公报所属地区（全省、全市所指的地区），如 山东省",
        "bulletin_year": "公报年份（默认取标题中的年份；与标题不一致时会提示）",
        "source_title": "来源标题（默认：公报标题行或文件名）",
        "source_url": "来源网址，写入每一行",
        "draft_actuals_output": "写入此 CSV 或 XLSX（未起草的数字另列：XLSX 的 not_drafted 工作表，或 CSV 旁的 .not_drafted.csv）；不给时输出到屏幕",
        "input_region": "宽表文件的地区（工作表名不是地区名时）",
        "indicator": "只列此指标（键名，如 sec_voc_student_teacher_ratio）",
        "actuals": "规划人员的数据文件（CSV 或 XLSX，长表或宽表；可重复，后者覆盖前者）",
        "template_region": "模板所属地区（中文或英文名）",
        "layout": "模板版式：wide（每年一列）或 long（每值一行）",
        "template_format": "模板格式：xlsx 或 csv（默认按 -o 的扩展名）",
        "template_output": "模板文件路径（.xlsx 或 .csv）",
        "source": "规划文件：文本（UTF-8、GBK、Big5、UTF-16）、Word（.docx）、PDF（文字版）或网页（.html）；配合 --check 时为规划 YAML",
        "draft_region": "规划所属地区（中文，如 镇江市）",
        "plan_id": "新规划的编号（默认由地区和年份生成）",
        "draft_output": "规划 YAML 的路径（默认：与文本同目录）",
        "check": "列出仍需确认的条目",
        "as_of": "只用截至此年份的实际数据（默认：最新年份）",
        "on_track": f"达标概率不低于此值为“有望达标”（{DEFAULT_ON_TRACK}）",
        "at_risk": f"达标概率不低于此值为“存在风险”，低于则为“难以达标”（{DEFAULT_AT_RISK}）",
        "jobs": "并行的工作进程数：run 执行笔记本，assess 按地区分工（2）",
        "out": "报告输出目录（reports）",
        "run_domain": "要判断和报告的规划领域（默认 vocational；all 表示全部）",
        "timeout": "每个笔记本单元格允许的秒数（600）",
        "pdf": "同时为每份报告写出 A4 PDF（需要 Chromium）",
        "keep": "存档（OUT/runs/）只保留最近 N 次运行（默认全部保留）",
        "since": "与存档中的这次运行（运行编号，见索引页或 OUT/runs/）比较，而不是与上次报告比较",
        "changes_out": "已发布报告的目录，与 run --out 相同（reports）",
        "changes_region": "只列出这个地区",
        "every": "也列出状态未变但达标概率有变化的目标年份",
        "scheduler": "在 Dask 上运行：local（--jobs 个进程的本地集群）或 tcp://主机:8786（默认 $INDICATORS_SCHEDULER，否则本机进程）"
                     "（默认：$INDICATORS_SCHEDULER，否则本地进程）",
        "backtest_out": "backtest.csv 的输出目录（reports）",
        "quick": "只用一小部分确定的序列（冒烟测试）",
    },
    "en": {
        "help": "show this help message and exit",
        "version": "show the version and exit",
        "plans": "directory of extra plan YAML files (repeatable; also $INDICATORS_PLANS)",
        "include_drafts": "load drafted entries (confirmed: false) as they are: plan entries, and drafted actuals rows (with a warning)",
        "lang": "language of tables, explanations and help: zh or en (default: zh for tables, help by $LANG)",
        "plan": "plan id, e.g. chiping_2020",
        "region": "region in Chinese (茌平区) or English (Chiping District)",
        "regions": "region in Chinese (茌平区) or English (Chiping District); repeatable (default: every region "
                   "with a plan)",
        "domain": "plan domain: vocational, basic_education, intellectual_property, ... ('all' for every)",
        "format": "table (on the screen), csv, json or xlsx (csv and json have every column, with internal keys); "
                  "default: what the extension of -o says (.xlsx, .csv, .json), else table; a contradiction is an "
                  "error",
        "assess_format": "table (on the screen), csv or json (every column, internal keys) or xlsx (the workbook to "
                         "file: verdicts, mid-term review, data needed, headed in words); default: the extension of "
                         "-o; a contradiction is an error",
        "review_format": "table, csv, json (internal keys), xlsx (the workbook to file) or docx (one Word document "
                         "per region: -o FILE.docx or -o DIR); default: the extension of -o; a contradiction is an "
                         "error",
        "check_format": "table (on the screen), csv or json",
        "all_blanks": "list every blank cell (default: one line per row that has blanks)",
        "tolerance": "completion within this of the time elapsed is on pace (0.10: ±10 percentage points)",
        "docx": "also write a Word document per region report (<region>.docx beside its page)",
        "output": "write to this file instead of the screen",
        "wide": "show every column on the screen instead of fitting the terminal",
        "kind": "only this kind: target, baseline or rule",
        "files": "actuals files (CSV or XLSX) to check",
        "bulletin": "the statistical bulletin: a text file (UTF-8, GBK, Big5, UTF-16), or the bulletin's text itself",
        "bulletin_region": "the region the bulletin is about (whose province or city its totals are), in Chinese or English, e.g. Shandong",
        "bulletin_year": "the bulletin's year (default: the year in its title; a disagreement is reported)",
        "source_title": "the source's title (default: the bulletin's title line or the file name)",
        "source_url": "the source's URL, written on every row",
        "draft_actuals_output": "write this CSV or XLSX (numbers not drafted listed apart: the XLSX's not_drafted sheet, or .not_drafted.csv beside the CSV); default: the screen",
        "input_region": "region of a wide file whose sheets are not named by region",
        "indicator": "only this indicator (its key, e.g. sec_voc_student_teacher_ratio)",
        "actuals": "planner file(s), CSV or XLSX, long or wide; later files override earlier ones",
        "template_region": "region the template is for (Chinese or English name)",
        "layout": "wide (a column per year) or long (a row per value)",
        "template_format": "xlsx or csv (default: from the extension of -o)",
        "template_output": "the template file to write (.xlsx or .csv)",
        "source": "the plan: a text (UTF-8, GBK, Big5, UTF-16), a Word file (.docx), a text PDF or a web page (.html); with --check a plan YAML",
        "draft_region": "the plan's region in Chinese (e.g. 镇江市)",
        "plan_id": "id of the new plan (default: from the region and year)",
        "draft_output": "plan YAML to write (default: beside the source)",
        "check": "list the entries still to confirm",
        "as_of": "use only actuals up to this year (default: the latest actual year)",
        "on_track": f"p_meet at or above this: on track ({DEFAULT_ON_TRACK})",
        "at_risk": f"p_meet at or above this: at risk, below: off track ({DEFAULT_AT_RISK})",
        "jobs": "worker processes: notebooks in parallel for run, regions split between them for assess (2)",
        "out": "directory for the reports (reports)",
        "run_domain": "plan domain to assess and report on (default vocational; 'all' for every)",
        "timeout": "seconds allowed per notebook cell (600)",
        "pdf": "also write an A4 PDF per report (needs Chromium)",
        "keep": "keep only the newest N runs in the archive (OUT/runs/; default: keep all)",
        "since": "compare with this archived run (its run id, in the index or OUT/runs/) instead of the last report",
        "changes_out": "the published reports, as run --out (reports)",
        "changes_region": "only this region",
        "every": "also list target years whose status stayed but whose probability moved",
        "scheduler": "run on Dask: 'local' (a LocalCluster of --jobs workers) or tcp://HOST:8786 "
                     "(default: $INDICATORS_SCHEDULER, else local processes)",
        "backtest_out": "directory for backtest.csv (reports)",
        "quick": "a small deterministic sample of the series (smoke test)",
    },
}


def help_lang(argv: list[str] | None, environ=None) -> str:
    """``--lang zh|en`` (or ``--lang=…``) on the command line, else the locale: zh… -> zh, else en."""
    argv = list(argv or [])
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv) and argv[i + 1] in HELP:
            return argv[i + 1]
        if a.startswith("--lang=") and a.split("=", 1)[1] in HELP:
            return a.split("=", 1)[1]
    env = os.environ if environ is None else environ
    locale = next((env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), "")
    return "zh" if locale.lower().startswith("zh") else "en"

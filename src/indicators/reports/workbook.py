"""The workbook a bureau files: 达标判断 (the verdicts), 中期评估 (the review table), 需要补充的数据 (what
to collect) and 变化 (the changes since the last run, when there are any), for people.

Headers are in the reader's language (``words.explain.WORKBOOK_WORDS``), never internal keys (those
stay in CSV and JSON); names are the vocabulary's, statuses and judgements in words; shares,
probabilities and progress are percent cells (a share of 45.0 in the catalogue's percent unit is the
cell value 0.45 shown as 45.0%), counts and money have thousands separators, years none; the clause
and the verbatim quote of every target are columns. ``writing.to_workbook_bytes`` writes it: header
frozen, columns as wide as their cells, no formula, the same bytes for the same inputs.
"""

from __future__ import annotations

import pandas as pd

from ..plans.catalog import Catalog
from ..rules import Thresholds
from ..units import unit_of
from ..verdicts.review import REVIEW_TOLERANCE, review
from ..words.explain import JUDGEMENT_LABELS, REVIEW_WORDS, WORDS, WORKBOOK_WORDS, fmt_target, status_label
from ..writing import XlsxSheet, to_workbook_bytes

__all__ = ["workbook_bytes", "verdict_sheet", "review_sheet", "needed_sheet", "changes_sheet", "needed_rows",
           "value_cell", "prob_format"]

PERCENT = "0.0%"
YEAR = "0"


def value_cell(v, unit: str) -> tuple[object, str | None]:
    """(cell value, number format) of a value in ``unit``: a share in percent as a fraction shown as
    a percentage, a whole number with thousands separators, any other with up to two decimals."""
    if v is None or pd.isna(v):
        return None, None
    v = float(v)
    if unit_of(unit).is_share:
        return round(v / 100.0, 12), PERCENT  # 91.3 -> 0.913, not 0.9129999999999999
    if v.is_integer():
        return int(v), "#,##0"
    return v, "#,##0.0#"


def prob_format(p, thresholds: Thresholds) -> str | None:
    """The percent format with the fewest decimals (one at least) at which ``p`` shown never crosses a
    status threshold (``Thresholds.between``): 0.6996 is 69.96%, never 70.0%."""
    if p is None or pd.isna(p):
        return None
    for d in (1, 2, 3, 4):
        if thresholds.between(float(p), round(float(p) * 100, d) / 100) is None:
            return "0." + "0" * d + "%"
    return "0.0000%"


def _name(catalog: Catalog, key: str, lang: str) -> str:
    vocab = catalog.vocabulary
    if key not in vocab:
        return key
    return vocab[key].zh if lang == "zh" else vocab[key].en


def _region(r, lang: str) -> str:
    return r.region if lang == "zh" or not isinstance(getattr(r, "region_en", None), str) else r.region_en


def _values(frame: pd.DataFrame, column: str) -> tuple[list, list]:
    cells = [value_cell(v, u) for v, u in zip(frame[column], frame["unit"])]
    return [c[0] for c in cells], [c[1] for c in cells]


def verdict_sheet(assessment: pd.DataFrame, catalog: Catalog, lang: str,
                  thresholds: Thresholds = Thresholds()) -> XlsxSheet:
    """One row per verdict: the target as written and as numbers, the latest actual, the forecast
    with its 80% interval, the probability, the status and its sentence, the plan, clause and quote."""
    w = WORKBOOK_WORDS[lang]
    a = assessment
    decided = a["status"].isin(["met", "missed"])
    cols, formats = {}, {}
    cols[w["region"]] = [_region(r, lang) for r in a.itertuples()]
    cols[w["indicator"]] = [_name(catalog, k, lang) for k in a["indicator"]]
    cols[w["breakdown"]] = a["breakdown"].fillna("").tolist()
    cols[w["year"]] = a["year"].astype("Int64").tolist()
    formats[w["year"]] = YEAR
    cols[w["target_text"]] = [fmt_target(r.comparator, r.target, r.unit, lang,
                                         None if pd.isna(r.target_high) else r.target_high) for r in a.itertuples()]
    for key in ("target", "target_high", "latest_value", "forecast", "lo80", "hi80"):
        if key == "latest_value":
            cols[w["latest_year"]] = a["latest_year"].astype("Int64").tolist()
            formats[w["latest_year"]] = YEAR
        cols[w[key]], formats[w[key]] = _values(a, key)
        if key == "target_high":
            cols[w["unit"]] = [unit_of(u).name_in(lang) for u in a["unit"]]
    cols[w["p_meet"]] = [None if d else p for p, d in zip(a["p_meet"], decided)]
    formats[w["p_meet"]] = [None if d else prob_format(p, thresholds) for p, d in zip(a["p_meet"], decided)]
    cols[w["status"]] = [status_label(s, lang) for s in a["status"]]
    cols[w["explanation"]] = a["explanation"].tolist()
    cols[w["plan"]] = a["plan"].tolist()
    cols[w["clause"]] = a["clause"].tolist()
    cols[w["quote"]] = a["quote"].tolist()
    return XlsxSheet(w["verdicts_sheet"], pd.DataFrame(cols), formats,
                     wrap=(w["explanation"], w["quote"], w["clause"], w["indicator"]))


def review_sheet(table: pd.DataFrame, catalog: Catalog, lang: str,
                 thresholds: Thresholds = Thresholds()) -> XlsxSheet:
    """The review table (``verdicts.review``): every target year, with a baseline or saying why not;
    completion and time elapsed as percent cells, never cut; the judgement's header states the
    tolerance."""
    w = WORKBOOK_WORDS[lang]
    t = table
    tol = float(t["tolerance"].iloc[0]) if len(t) else REVIEW_TOLERANCE
    judgement = w["judgement"].format(tol=REVIEW_WORDS[lang]["tol_points"].format(n=f"{tol * 100:g}"))
    decided = t["status"].isin(["met", "missed"])
    cols, formats = {}, {}
    cols[w["region"]] = [_region(r, lang) for r in t.itertuples()]
    cols[w["indicator"]] = [_name(catalog, k, lang) for k in t["indicator"]]
    cols[w["breakdown"]] = t["breakdown"].fillna("").tolist()
    cols[w["unit"]] = [unit_of(u).name_in(lang) for u in t["unit"]]
    cols[w["baseline"]], formats[w["baseline"]] = _values(t, "baseline")
    cols[w["baseline_year"]] = t["baseline_year"].astype("Int64").tolist()
    cols[w["target"]], formats[w["target"]] = _values(t, "target")
    cols[w["target_year"]] = t["year"].astype("Int64").tolist()
    cols[w["latest_value"]], formats[w["latest_value"]] = _values(t, "latest_value")
    cols[w["latest_year"]] = t["latest_year"].astype("Int64").tolist()
    for k in ("baseline_year", "target_year", "latest_year"):
        formats[w[k]] = YEAR
    cols[w["completion"]] = t["completion"].tolist()
    cols[w["time_elapsed"]] = t["time_elapsed"].tolist()
    formats[w["completion"]] = formats[w["time_elapsed"]] = PERCENT
    cols[judgement] = [JUDGEMENT_LABELS[lang][j] for j in t["judgement"]]
    cols[w["forecast_status"]] = [status_label(s, lang) for s in t["status"]]
    cols[w["p_meet"]] = [None if d else p for p, d in zip(t["p_meet"], decided)]
    formats[w["p_meet"]] = [None if d else prob_format(p, thresholds) for p, d in zip(t["p_meet"], decided)]
    cols[w["note"]] = t["note"].tolist()
    cols[w["clause"]] = t["clause"].tolist()
    cols[w["quote"]] = t["quote"].tolist()
    cols[w["baseline_clause"]] = t["baseline_clause"].tolist()
    cols[w["baseline_quote"]] = t["baseline_quote"].tolist()
    return XlsxSheet(w["review_sheet"], pd.DataFrame(cols), formats,
                     wrap=(w["note"], w["quote"], w["clause"], w["baseline_quote"], w["indicator"]))


def needed_rows(assessment: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    """One row per region, indicator and breakdown whose target years cannot be judged: the years,
    why, and the command that writes the pre-filled template to fill."""
    w = WORKBOOK_WORDS[lang]
    need = assessment[assessment["status"] == "insufficient_data"]
    reasons = {"no actual": w["reason_none"], "one actual, no parent trend": w["reason_thin"],
               "no actual for that year": w["reason_past"]}
    rows = []
    for (region, k, b), g in need.groupby(["region", "indicator", "breakdown"], sort=False):
        first = g.iloc[0]
        rows.append({w["region"]: _region(first, lang), w["indicator"]: _name(catalog, k, lang), w["breakdown"]: b,
                     w["years"]: WORDS[lang]["list_sep"].join(str(y) for y in sorted(set(g["year"]))),
                     w["reason"]: WORDS[lang]["list_sep"].join(dict.fromkeys(
                         reasons.get(d, d) for d in g["status_detail"].fillna(""))),
                     w["command"]: f"indicators template --region {region} -o {region}.xlsx"})
    return pd.DataFrame(rows, columns=[w[k] for k in ("region", "indicator", "breakdown", "years", "reason",
                                                      "command")])


def needed_sheet(assessment: pd.DataFrame, catalog: Catalog, lang: str) -> XlsxSheet:
    w = WORKBOOK_WORDS[lang]
    return XlsxSheet(w["needed_sheet"], needed_rows(assessment, catalog, lang), wrap=(w["indicator"],))


def changes_sheet(changes: pd.DataFrame, catalog: Catalog, lang: str) -> XlsxSheet:
    """What changed since an earlier run (``verdicts.changes``) as the bureau reads it: region, indicator,
    target year, the last and this report's status and probability (percent cells; none for a year met,
    missed or without data, as the pages show it) and why, in the report's language."""
    w, t = WORKBOOK_WORDS[lang], WORDS[lang]

    def p(status, value):
        return None if status in ("met", "missed", "insufficient_data") or pd.isna(value) else float(value)

    def said(status):
        return status_label(status, lang) if isinstance(status, str) and status else "—"

    rows = list(changes.itertuples(index=False))
    frame = pd.DataFrame({
        w["region"]: [_region(r, lang) for r in rows],
        w["indicator"]: [_name(catalog, r.indicator, lang) for r in rows],
        w["breakdown"]: [r.breakdown if isinstance(r.breakdown, str) else "" for r in rows],
        w["year"]: [int(r.year) for r in rows],
        t["old_status"]: [said(r.old_status) for r in rows], w["old_p"]: [p(r.old_status, r.old_p_meet) for r in rows],
        t["new_status"]: [said(r.new_status) for r in rows], w["new_p"]: [p(r.new_status, r.new_p_meet) for r in rows],
        t["reason"]: [r.reason for r in rows]})
    return XlsxSheet(w["changes_sheet"], frame, {w["old_p"]: PERCENT, w["new_p"]: PERCENT},
                     wrap=(w["indicator"], t["reason"]))


def workbook_bytes(assessment: pd.DataFrame, catalog: Catalog, lang: str = "zh",
                   thresholds: Thresholds = Thresholds(), review_table: pd.DataFrame | None = None,
                   changes: pd.DataFrame | None = None, tolerance: float = REVIEW_TOLERANCE) -> bytes:
    """The bureau's workbook of ``assessment`` (one region or many): 达标判断, 中期评估, 需要补充的数据, and
    变化 when ``changes`` (a tidy changes table) has rows. ``review_table``: the review already
    computed (else computed here with ``tolerance``)."""
    table = review(catalog, assessment, lang, tolerance) if review_table is None else review_table
    sheets = [verdict_sheet(assessment, catalog, lang, thresholds), review_sheet(table, catalog, lang, thresholds),
              needed_sheet(assessment, catalog, lang)]
    if changes is not None and len(changes):
        sheets.append(changes_sheet(changes, catalog, lang))
    return to_workbook_bytes(sheets)

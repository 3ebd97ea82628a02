"""The command line's tables on the screen: names and statuses in the user's language, one
``target`` column instead of comparator/value/unit, and which columns go first or wrap when the
terminal is narrow. CSV and JSON keep every column with its key (for programs); ``--wide`` shows the
full screen table."""

from __future__ import annotations

import pandas as pd

from ..rules import Thresholds

from ..words.explain import CHECK_LABELS, KIND_LABELS, WORDS, check_sentence, fmt_num, fmt_prob, fmt_target, status_label

__all__ = ["targets_screen", "assess_screen", "checks_screen", "changes_screen"]


def _names(keys: pd.Series, catalog, lang: str, breakdowns: pd.Series | None = None) -> list[str]:
    vocab = catalog.vocabulary
    out = []
    for i, k in enumerate(keys):
        names = [(vocab[x].zh if lang == "zh" else vocab[x].en) if x in vocab else x for x in str(k).split(", ")]
        name = WORDS[lang]["list_sep"].join(names)
        b = breakdowns.iloc[i] if breakdowns is not None else None
        if isinstance(b, str) and b:
            name += f"（{b}）" if lang == "zh" else f" ({b})"
        out.append(name)
    return out


def _headed(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.rename(columns={c: WORDS[lang].get(c, c) for c in frame.columns})


def targets_screen(frame: pd.DataFrame, catalog, lang: str) -> tuple[pd.DataFrame, dict]:
    """Region, indicator name, year, target as a planner reads it, kind, clause, as written, plan."""
    target = [fmt_target(r.comparator, r.value, r.unit, lang, r.value_high) if pd.notna(r.value) else ""
              for r in frame.itertuples()]
    out = pd.DataFrame({
        "region": frame["region"], "indicator": _names(frame["indicator"], catalog, lang, frame["breakdown"]),
        "year": frame["year"].astype("Int64"), "target": target,
        "kind": frame["kind"].map(lambda k: KIND_LABELS[lang].get(k, k)), "clause": frame["clause"],
        "written": frame["written"], "plan": frame["plan"]})
    fit = dict(drop=tuple(WORDS[lang][c] for c in ("plan", "written", "kind")),
               wrap=tuple(WORDS[lang][c] for c in ("indicator", "clause")))
    return _headed(out, lang), fit


def assess_screen(frame: pd.DataFrame, catalog, lang: str, thresholds: Thresholds = Thresholds()
                  ) -> tuple[pd.DataFrame, dict]:
    """Region, indicator name, year, target, latest actual, forecast, probability, status label,
    explanation, clause; on a narrow terminal the clause, latest and forecast go first (the
    explanation says them) and the explanation wraps."""
    latest = [f"{int(r.latest_year)}: {fmt_num(r.latest_value, r.unit)}" if pd.notna(r.latest_year) else ""
              for r in frame.itertuples()]
    out = pd.DataFrame({
        "region": frame["region"], "indicator": _names(frame["indicator"], catalog, lang, frame["breakdown"]),
        "year": frame["year"].astype("Int64"),
        "target": [fmt_target(r.comparator, r.target, r.unit, lang, r.target_high) for r in frame.itertuples()],
        "latest": latest,
        "forecast": [fmt_num(v, u) if pd.notna(v) else "" for v, u in zip(frame["forecast"], frame["unit"])],
        "p": [fmt_prob(p, thresholds) for p in frame["p_meet"]],
        "status": frame["status"].map(lambda s: status_label(s, lang)),
        "explanation": frame["explanation"], "clause": frame["clause"]})
    fit = dict(drop=tuple(WORDS[lang][c] for c in ("clause", "latest", "forecast", "region")),
               wrap=tuple(WORDS[lang][c] for c in ("explanation", "indicator")))
    return _headed(out, lang), fit


def checks_screen(frame: pd.DataFrame, catalog, lang: str) -> tuple[pd.DataFrame, dict]:
    """Check, region, year, indicator names, the finding as a sentence, clauses."""
    out = pd.DataFrame({
        "check": frame["check"].map(lambda c: CHECK_LABELS[lang].get(c, c)), "region": frame["region"],
        "year": frame["year"], "indicator": _names(frame["indicator"], catalog, lang),
        "detail": [check_sentence(r.check, r.indicator, r.stated, r.computed, r.difference, r.unit, r.clauses, lang)
                   for r in frame.itertuples()],
        "clauses": frame["clauses"]})
    fit = dict(drop=tuple(WORDS[lang][c] for c in ("clauses", "region")),
               wrap=tuple(WORDS[lang][c] for c in ("detail", "indicator")))
    return _headed(out, lang), fit


def changes_screen(frame: pd.DataFrame, catalog, lang: str) -> tuple[pd.DataFrame, dict]:
    """Region, indicator name, year, the last and this report's status and probability, and why."""
    def verdict(status, p) -> str:
        if not isinstance(status, str) or not status:
            return "—"
        shown = "" if status in ("met", "missed", "insufficient_data") else fmt_prob(p, None)
        return status_label(status, lang) + (f" {shown}" if shown else "")

    out = pd.DataFrame({
        "region": frame["region"], "indicator": _names(frame["indicator"], catalog, lang, frame["breakdown"]),
        "year": frame["year"].astype("Int64"),
        "old_status": [verdict(s, p) for s, p in zip(frame["old_status"], frame["old_p_meet"])],
        "new_status": [verdict(s, p) for s, p in zip(frame["new_status"], frame["new_p_meet"])],
        "reason": frame["reason"]})
    fit = dict(drop=(WORDS[lang]["region"],), wrap=tuple(WORDS[lang][c] for c in ("reason", "indicator")))
    return _headed(out, lang), fit

"""The command line's tables on the screen: names and statuses in the user's language, one
``target`` column instead of comparator/value/unit, and which columns go first or wrap when the
terminal is narrow. CSV and JSON keep every column with its key (for programs); ``--wide`` shows the
full screen table."""

from __future__ import annotations

import pandas as pd

from ..rules import Thresholds

from ..words.explain import (ERROR_HEAD, ERROR_TITLES, VALIDATE_WORDS, check_words, expected_words, year_spans)
from ..words.explain import (CHECK_LABELS, JUDGEMENT_LABELS, KIND_LABELS, REVIEW_WORDS, WORDS, check_sentence, fmt_num,
                             fmt_prob, fmt_share, fmt_target, status_label)

__all__ = ["targets_screen", "assess_screen", "checks_screen", "review_screen", "problems_screen", "error_text",
           "blank_lines", "changes_screen"]


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


def review_screen(table: pd.DataFrame, catalog, lang: str, thresholds: Thresholds = Thresholds()
                  ) -> tuple[pd.DataFrame, dict]:
    """The review table as a planner reads it: values with their years, completion and time elapsed
    in percent (as computed, never cut), the judgement, the forecast verdict and the note; on a
    narrow terminal the region and the forecast go first and the note wraps."""
    w = REVIEW_WORDS[lang]

    def at(values, years, units, cmps=None):
        out = []
        for i, (v, y, u) in enumerate(zip(values, years, units)):
            if pd.isna(v) or pd.isna(y):
                out.append("")
                continue
            text = fmt_target(cmps[i] if cmps is not None else "==", v, u, lang)
            out.append(w["at_year"].format(value=text, year=int(y)))
        return out

    t = table
    decided = t["status"].isin(["met", "missed"])
    out = pd.DataFrame({
        "region": t["region"], "indicator": _names(t["indicator"], catalog, lang, t["breakdown"]),
        "baseline": at(t["baseline"], t["baseline_year"], t["unit"]),
        "target": at(t["target"], t["year"], t["unit"], list(t["comparator"])),
        "latest": at(t["latest_value"], t["latest_year"], t["unit"]),
        "completion": [fmt_share(x) for x in t["completion"]],
        "time_elapsed": [fmt_share(x) for x in t["time_elapsed"]],
        "judgement": [JUDGEMENT_LABELS[lang][j] for j in t["judgement"]],
        "forecast": [status_label(s, lang) + ("" if d or pd.isna(p) else " " + fmt_prob(p, thresholds))
                     for s, p, d in zip(t["status"], t["p_meet"], decided)],
        "note": t["note"]})
    out = out.rename(columns={c: w[c] for c in out.columns})
    fit = dict(drop=(w["region"], w["forecast"], w["baseline"]), wrap=(w["note"], w["indicator"]))
    return out, fit


def problems_screen(problems: list, lang: str) -> tuple[pd.DataFrame, dict]:
    """Problems of planner files as a screen table headed in ``lang``: severity and check in words
    (the check in Chinese from ``CHECKS_ZH``), where (file, sheet, row, column), the value, what was
    expected and the stable code; the sheet column only when a problem has one."""
    from ..errors import problems_frame

    w = VALIDATE_WORDS[lang]
    f = problems_frame(problems)
    f["severity"] = f["severity"].map(lambda s: w["severity"].get(s, s))
    f["check"] = [check_words(p, lang) for p in problems]
    f["expected"] = [expected_words(p, lang) for p in problems]
    f["file"] = f["file"].map(lambda p: str(p).replace("\\", "/").rsplit("/", 1)[-1])
    order = [c for c in ("severity", "file", "sheet", "row", "column", "value", "check", "expected", "code") if c in f]
    f = f[order].rename(columns=w["headers"])
    h = w["headers"]
    return f, dict(drop=(h["code"], h["check"], h["file"]), wrap=(h["expected"], h["value"]))


def error_text(exc, lang: str) -> str:
    """The problems a command stopped on (a ``ValidationError``), for stderr, in ``lang``: a head, then each
    problem whole on two lines (where and the value; what was checked, what was expected and the code), so
    that nothing is cut however narrow the screen."""
    w, sev = ERROR_HEAD[lang], VALIDATE_WORDS[lang]["severity"]
    n = len(exc.errors)
    lines = [w["head"].format(title=ERROR_TITLES[lang].get(exc.title, exc.title), n=n)
             + (w["other"].format(other=len(exc.problems) - n) if len(exc.problems) > n else "")]
    for p in exc.problems:
        where = str(p.file) + "".join(w[k].format(**{k: getattr(p, k)}) for k in ("sheet", "row", "column")
                                      if getattr(p, k) not in (None, ""))
        value = w["value"].format(value=p.value) if p.value not in (None, "") else ""
        said = w["expected"].format(check=check_words(p, lang), expected=expected_words(p, lang))
        lines += [f"{sev.get(str(p.severity), str(p.severity))}  {where}{value}", f"    {said}  [{p.code}]"]
    return "\n".join(lines)


def blank_lines(missing: list, lang: str, several_files: bool = False) -> list[str]:
    """One line per row that has blank cells: its label as the planner typed it and the years
    ("中职生均拨款：2014–2018 年 5 个空值"), in the order of the file. The label and year are the
    problem's ``subject`` (``actuals.cells``); a problem without one is shown by its row."""
    w = VALIDATE_WORDS[lang]
    groups: dict = {}
    for p in missing:
        key = (p.file, p.sheet, p.row)
        label, year = p.subject if p.subject else (None, None)
        g = groups.setdefault(key, {"label": label, "years": [], "n": 0})
        g["n"] += 1
        if year is not None:
            g["years"].append(year)
    lines = []
    seen: dict = {}
    for g in groups.values():
        seen[g["label"]] = seen.get(g["label"], 0) + 1
    for (file, sheet, row), g in groups.items():
        label = g["label"] or w["row"].format(row=row)
        if g["label"] and seen[g["label"]] > 1:  # one indicator on several rows (breakdowns): say which row
            label += w["which_row"].format(row=row)
        if several_files:
            label = f"{str(file).replace(chr(92), '/').rsplit('/', 1)[-1]}{'/' + sheet if sheet else ''} {label}"
        years = year_spans(g["years"], w["years_sep"]) if g["years"] else w["row"].format(row=row)
        lines.append(w["blank_line"].format(label=label, years=years, n=g["n"]))
    return lines


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

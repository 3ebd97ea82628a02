"""The mid-term review table (中期评估表): how far each target has come against how much of its time
has passed ("时间过半、任务过半").

For every dated target year of an assessment (``assess``), beside its forecast verdict:

* **基期值 (baseline)**: the baseline the target's own plan states for the same region, indicator
  and breakdown (catalogue rows of ``kind: baseline``), the latest such year before the target year.
  Never another plan's, never a published value standing in for it, never an estimate: a target whose
  plan states none says so (``no_baseline``); two different values for that year are a conflict
  (``baseline_conflict``), and no baseline is chosen between them.
* **最新实际 (latest actual)**: the assessment's own ``latest_year``/``latest_value`` (the series
  and definition the verdict used, within ``as_of``): the target year's actual when there is one.
* **完成进度 (completion)** = (latest − baseline) / (end − baseline), where ``end`` is the plan's
  number: the floor of a higher-is-better target, the ceiling of a lower-is-better one, the stated
  value of a band (职普比 45% ± 2 is measured to 45%), and the nearer end of a range (15%–20% from
  10% is measured to 15%). Lower-is-better targets need no special case: both differences are
  negative when the value falls toward the target. Which side is progress is ``rules``'
  ``desired_direction``; what meets the target is ``rules.meets_interval`` (the verdict's reading).
* **时间进度 (time elapsed)** = (latest year − baseline year) / (target year − baseline year).
* **判断 (judgement)**: ``done`` (已达到目标) when the latest actual already meets the target;
  else ``ahead`` / ``on_pace`` / ``behind`` (超前 / 符合进度 / 滞后) by completion − time against
  ``tolerance`` (``REVIEW_TOLERANCE``, 10 percentage points, inclusive: a gap of exactly 10 points
  is on pace); ``not_judged`` with the reason otherwise.

Edge cases (``cases``, several may hold; the note sentence says each, ``words.explain.review_note``):

* ``met_at_baseline`` / ``baseline_equals_target``: the baseline already meets the target (生师比 11:1
  against a ceiling of 17:1; 1 school planned, 1 there). There is no way to cover: completion is
  empty (not 0, not 100%); the judgement is whether it is held: ``done`` while the latest actual
  still meets it, ``behind`` once it does not.
* ``no_new_actual``: no actual after the baseline year (often the baseline itself is the only value):
  time elapsed is 0 (or below), nothing to judge.
* ``regressed``: completion below 0, the value moved away from the target; reported as computed
  (−25%), judged ``behind`` like any shortfall.
* ``beyond_target``: completion above 100%, the target passed (judged ``done``); for a band or range
  target a value that crossed the whole band is ``overshot_band`` and not judged (above a planned
  share is not "ahead").
* ``past_target_year``: the target year has no actual but a later year has; time elapsed is above
  100% (reported as computed). With the target year reached or past (time ≥ 100%) the question is no
  longer pace: ``done`` if the latest actual meets the target, else ``behind``
  (``target_year_reached``), in line with the verdict's met / missed.
* ``target_not_after_baseline``: a target year not after its baseline year (time has no span).

Numbers are never clipped: a completion of −25% or 140% and a time elapsed of 133% are reported as
computed; the note says what they mean.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..plans.catalog import Catalog
from ..rules import desired_direction, inside, meets_interval
from ..words.explain import review_note

__all__ = ["review", "judge", "REVIEW_COLUMNS", "REVIEW_TOLERANCE", "JUDGEMENTS", "REVIEW_CASES", "baselines",
           "baseline_of"]

REVIEW_TOLERANCE = 0.10  # completion within ±10 percentage points of the time elapsed: on pace

JUDGEMENTS = ("done", "ahead", "on_pace", "behind", "not_judged")

REVIEW_CASES = ("no_baseline", "baseline_conflict", "target_not_after_baseline", "no_actual", "no_new_actual",
                "met_at_baseline", "baseline_equals_target", "regressed", "beyond_target", "overshot_band",
                "past_target_year", "target_year_reached")

REVIEW_COLUMNS = [
    "region", "region_en", "plan", "domain", "indicator", "indicator_zh", "breakdown", "unit", "direction",
    "comparator", "baseline", "baseline_year", "target", "target_high", "year", "meet_low", "meet_high", "end",
    "latest_value",
    "latest_year", "completion", "time_elapsed", "gap", "tolerance", "judgement", "cases", "note", "note_zh",
    "note_en", "status", "p_meet", "clause", "quote", "baseline_clause", "baseline_quote", "target_id",
]

_EPS = 1e-9


def baselines(catalog: Catalog) -> dict[tuple, list[tuple]]:
    """The catalogue's stated baselines: (plan, region, indicator, breakdown) -> [(year, value,
    clause, quote)], from the rows of ``kind: baseline`` with a year and a value."""
    b = catalog.select(kind="baseline")
    b = b[b["year"].notna() & b["value"].notna()]  # as actuals.load.baselines_as_actuals reads them
    out: dict[tuple, list[tuple]] = {}
    for r in b.itertuples():
        key = (r.plan, r.region, r.indicator, r.breakdown if isinstance(r.breakdown, str) else "")
        out.setdefault(key, []).append((int(r.year), float(r.value), r.clause, r.quote))
    return out


def baseline_of(found: dict, plans: str, region: str, indicator: str, breakdown: str, year: int):
    """(year, value, clause, quote) of the target's own plan(s), the latest year before ``year``;
    ("conflict", year) when that year has two values; None when the plan states none."""
    rows = [x for p in str(plans).split(", ") for x in found.get((p, region, indicator, breakdown), [])
            if x[0] < year]
    if not rows:
        return None
    last = max(x[0] for x in rows)
    at = [x for x in rows if x[0] == last]
    if len({x[1] for x in at}) > 1:
        return ("conflict", last)
    return at[0]


def _finite(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and v is not pd.NA


def _end(target: float, target_high, side: int, low, high, baseline: float) -> float:
    """The plan's number the way leads to: a floor's value, a ceiling's upper value, a band's stated
    value, a range's nearer end (``rules.meets_interval`` gives the bounds; ``desired_direction``
    the side)."""
    if side == 1:
        return float(low)
    if side == -1:
        return float(high if high is not None else target)
    if _finite(target_high) and float(target_high) != float(target):
        return float(target) if baseline < float(target) else float(target_high)
    return float(target)


def judge(baseline: float | None, baseline_year: int | None, target: float, target_high, year: int,
          comparator: str, direction: str, unit: str, tolerance_used, latest_value, latest_year,
          tolerance: float = REVIEW_TOLERANCE) -> dict:
    """The review of one target year from its numbers: completion, time elapsed, gap, judgement and
    the edge cases that hold (see the module docstring). No number is clipped."""
    out = dict(meet_low=np.nan, meet_high=np.nan, end=np.nan, completion=np.nan, time_elapsed=np.nan, gap=np.nan, judgement="not_judged", cases=[])
    cases = out["cases"]
    if baseline is None:
        cases.append("no_baseline")
        return out
    if baseline_year >= year:
        cases.append("target_not_after_baseline")
        return out
    tol_used = tolerance_used if _finite(tolerance_used) else None
    low, high = meets_interval(target, comparator, direction, unit, target_high if _finite(target_high) else None,
                               tol_used)
    out.update(meet_low=np.nan if low is None else float(low), meet_high=np.nan if high is None else float(high))
    side = desired_direction(direction, comparator)
    end = _end(target, target_high, side, low, high, baseline)
    out["end"] = end
    met_base = inside(baseline, low, high)
    if abs(end - baseline) <= _EPS:
        cases.append("baseline_equals_target")
    elif met_base:
        cases.append("met_at_baseline")
    if not _finite(latest_value) or not _finite(latest_year):
        cases.append("no_actual")
        return out
    latest_value, latest_year = float(latest_value), int(latest_year)
    time = (latest_year - baseline_year) / (year - baseline_year)
    out["time_elapsed"] = time
    if not met_base and abs(end - baseline) > _EPS:
        out["completion"] = (latest_value - baseline) / (end - baseline)
        out["gap"] = out["completion"] - time
    if latest_year > year:
        cases.append("past_target_year")
    if latest_year <= baseline_year:
        cases.append("no_new_actual")
        return out
    meets = inside(latest_value, low, high)
    if met_base or abs(end - baseline) <= _EPS:
        out["judgement"] = "done" if meets else "behind"
        return out
    c = out["completion"]
    if c < -_EPS:
        cases.append("regressed")
    if meets:
        if c > 1 + _EPS:
            cases.append("beyond_target")
        out["judgement"] = "done"
        return out
    if c > 1 + _EPS:
        if side == 0:  # across the whole band: off the plan on the other side, not ahead of it
            cases.append("overshot_band")
            return out
        cases.append("beyond_target")
    if time >= 1 - _EPS:
        if latest_year == year:
            cases.append("target_year_reached")
        out["judgement"] = "behind"
        return out
    gap = out["gap"]
    out["judgement"] = "ahead" if gap > tolerance + _EPS else ("behind" if gap < -tolerance - _EPS else "on_pace")
    return out


def review(catalog: Catalog, assessment: pd.DataFrame, lang: str = "zh",
           tolerance: float = REVIEW_TOLERANCE) -> pd.DataFrame:
    """The review table, one row per row of ``assessment`` (its order kept): baseline, target,
    latest actual, completion, time elapsed, judgement, the edge cases and a sentence in both
    languages, with the forecast verdict (status, p_meet) beside it. Shares of the way and of the
    time are fractions (0.37 is 37%)."""
    found = baselines(catalog)
    rows = []
    for r in assessment.itertuples():
        b = baseline_of(found, r.plan, r.region, r.indicator, r.breakdown or "", int(r.year))
        row = {c: None for c in REVIEW_COLUMNS}
        row.update(region=r.region, region_en=r.region_en, plan=r.plan, domain=r.domain, indicator=r.indicator,
                   indicator_zh=r.indicator_zh, breakdown=r.breakdown, unit=r.unit, direction=r.direction,
                   comparator=r.comparator, target=r.target, target_high=r.target_high, year=int(r.year),
                   latest_value=r.latest_value if _finite(r.latest_value) else np.nan,
                   latest_year=r.latest_year if _finite(r.latest_year) else None, tolerance=tolerance,
                   status=r.status, p_meet=r.p_meet, clause=r.clause, quote=r.quote, target_id=r.target_id)
        if b is not None and b[0] == "conflict":
            row.update(baseline_year=b[1])
            found_b = None
        else:
            found_b = b
        if found_b is not None:
            row.update(baseline=found_b[1], baseline_year=found_b[0], baseline_clause=found_b[2],
                       baseline_quote=found_b[3])
        j = judge(found_b[1] if found_b else None, found_b[0] if found_b else None, float(r.target), r.target_high,
                  int(r.year), r.comparator, r.direction, r.unit, r.tolerance_used, row["latest_value"],
                  row["latest_year"], tolerance)
        if b is not None and b[0] == "conflict":
            j["cases"] = ["baseline_conflict"]
        j["cases"] = ", ".join(j["cases"])
        row.update(j)
        row["note_zh"], row["note_en"] = review_note(row, "zh"), review_note(row, "en")
        row["note"] = row[f"note_{lang}"]
        rows.append(row)
    out = pd.DataFrame(rows, columns=REVIEW_COLUMNS)
    for c in ("baseline", "meet_low", "meet_high", "end", "completion", "time_elapsed", "gap", "latest_value", "target", "target_high",
              "p_meet"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
    for c in ("baseline_year", "latest_year", "year"):
        out[c] = out[c].astype("Int64")
    return out

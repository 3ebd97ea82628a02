"""What changed between two runs: per target year, the old and new verdict and why it moved.

A planner reruns the reports every year with new statistics. ``changes(old, new)`` compares two
assessment tables (``verdicts.assess.assess``, or the ``assessment.csv`` a run keeps in its set and
in the archive) and returns one tidy row per target year whose status changed, or that was added
to or removed from the plans, with the reasons read from what actually differs between the two
rows, never guessed from the statuses alone:

- ``plan_value``: the plan states another number (or comparator, or band) for that year;
- ``new_actual``: an actual for the target year arrived (the year is now met or missed);
- ``actual_revised``: the target year's actual is another number than before;
- ``past_no_actual``: the target year is past (later actuals exist) but has no actual of its own,
  so it is no longer forecast and cannot be judged;
- ``definition``: the series is judged in another statistical definition;
- ``more_history`` / ``less_history``: more (or fewer) actuals of other years;
- ``revised_history``: as many actuals as before, but the latest one differs;
- ``thresholds``: the probability thresholds differ and explain the new status;
- ``parent_trend``: the region's own data did not change; the parent region whose trend it is
  carried along did;
- ``forecast``: none of the above: the same data for that target year, another forecast.

Rows are matched by region, indicator, breakdown, year and the target's catalogue id; a target
whose id moved (the plan file was edited) is matched by its year when that is unambiguous.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..rules import Thresholds
from ..provenance import run_record
from ..words.explain import change_sentence

__all__ = ["changes", "read_assessment", "load_run", "CHANGE_COLUMNS", "REASONS", "status_changes"]

REASONS = ("added", "removed", "plan_value", "new_actual", "actual_revised", "past_no_actual", "definition",
           "more_history", "less_history", "revised_history", "thresholds", "parent_trend", "forecast")

CHANGE_COLUMNS = ["region", "region_en", "domain", "indicator", "indicator_zh", "breakdown", "year", "change",
                  "old_status", "new_status", "old_p_meet", "new_p_meet", "old_target", "new_target",
                  "old_latest_year", "new_latest_year", "old_latest_value", "new_latest_value", "old_n_points",
                  "new_n_points", "old_definition", "new_definition", "unit", "reasons", "reason", "reason_zh", "reason_en", "old_run", "new_run", "target_id"]

_KEY = ["region", "indicator", "breakdown", "year"]
_JUDGED = ("met", "missed")
_FORECAST = ("on_track", "at_risk", "off_track")
_NUMERIC = ("year", "target", "target_high", "meet_low", "meet_high", "tolerance_used", "variants", "as_of",
            "latest_year", "latest_value", "n_points", "forecast", "lo80", "hi80", "lo95", "hi95", "p_meet")


def read_assessment(path: str | Path) -> pd.DataFrame:
    """An assessment table written as CSV by a run (``writing.to_csv_text``): text cells that the
    writer quoted out of a spreadsheet formula (a leading ``'``) are read back as they were."""
    from ..safe_text import FORMULA_START

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for c in frame.columns:
        if c in _NUMERIC:
            frame[c] = pd.to_numeric(frame[c].replace("", None), errors="coerce")
        else:
            frame[c] = frame[c].map(lambda v: v[1:] if v[:1] == "'" and v[1:2] in FORMULA_START else v)
    return frame


def load_run(where: str | Path) -> tuple[pd.DataFrame, dict]:
    """(assessment, run.json) of an earlier run: a folder a run wrote (a published set or
    ``runs/<run id>/``: ``assessment.csv`` and ``run.json``), or the JSON file the runner hands a
    notebook (``{"run": ..., "rows": [...]}``)."""
    import json

    where = Path(where)
    if where.is_dir():
        return read_assessment(where / "assessment.csv"), run_record(where, strict=True)
    data = json.loads(where.read_text(encoding="utf-8"))
    frame = pd.DataFrame(data["rows"])
    for c in _NUMERIC:
        if c in frame:
            frame[c] = pd.to_numeric(frame[c], errors="coerce")
    return frame, data.get("run") or {}


def _num(v) -> float | None:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _same(a, b, tol: float = 1e-9) -> bool:
    a, b = _num(a), _num(b)
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def _thresholds(run: dict | None) -> Thresholds | None:
    p = (run or {}).get("parameters", run or {})
    try:
        return Thresholds(float(p["on_track"]), float(p["at_risk"]))
    except (KeyError, TypeError, ValueError):
        return None


def _reasons(o: dict | None, n: dict | None, old_th: Thresholds | None, new_th: Thresholds | None) -> list[str]:
    """The reasons one target year moved, from the fields that differ (module docstring)."""
    if o is None:
        return ["added"]
    if n is None:
        return ["removed"]
    out = []
    if not (_same(o["target"], n["target"]) and _same(o.get("target_high"), n.get("target_high"))
            and _text(o["comparator"]) == _text(n["comparator"]) and _same(o.get("meet_low"), n.get("meet_low"))
            and _same(o.get("meet_high"), n.get("meet_high"))):
        out.append("plan_value")
    year = int(n["year"])
    if n["status"] in _JUDGED and o["status"] not in _JUDGED:
        out.append("new_actual")
    elif n["status"] in _JUDGED and o["status"] in _JUDGED and not _same(o["latest_value"], n["latest_value"]):
        out.append("actual_revised")
    new_past = n["status"] == "insufficient_data" and (_num(n["latest_year"]) or 0) >= year
    old_past = o["status"] == "insufficient_data" and (_num(o["latest_year"]) or 0) >= year
    if new_past and not old_past:
        out.append("past_no_actual")
    if _text(o.get("definition")) != _text(n.get("definition")) and _text(o.get("definition")) \
            and _text(n.get("definition")):
        out.append("definition")
    # an actual of the target year decides alone; a past year without one names the later actual itself
    if n["status"] not in _JUDGED and "past_no_actual" not in out:
        on, nn = _num(o["n_points"]) or 0, _num(n["n_points"]) or 0
        oy, ny = _num(o["latest_year"]) or 0, _num(n["latest_year"]) or 0
        if nn > on or ny > oy:
            out.append("more_history")
        elif nn < on or ny < oy:
            out.append("less_history")
        elif nn and not _same(o["latest_value"], n["latest_value"]):
            out.append("revised_history")
    if (old_th is not None and new_th is not None and old_th != new_th and o["status"] in _FORECAST
            and n["status"] in _FORECAST and old_th.status(_num(n["p_meet"]) or 0.0) != n["status"]):
        out.append("thresholds")  # under the old thresholds the new probability would read otherwise
    if not out and _text(n.get("proxy_region")):
        out.append("parent_trend")
    return out or ["forecast"]


def _record(o: dict | None, n: dict | None, reasons: list[str], old_run, new_run) -> dict:
    base = n if n is not None else o
    return {"region": base["region"], "region_en": _text(base.get("region_en")), "domain": _text(base.get("domain")),
            "indicator": base["indicator"], "indicator_zh": _text(base.get("indicator_zh")),
            "breakdown": _text(base.get("breakdown")), "year": int(base["year"]),
            "change": "added" if o is None else "removed" if n is None else "status",
            "old_status": None if o is None else o["status"], "new_status": None if n is None else n["status"],
            "old_p_meet": None if o is None else _num(o["p_meet"]), "new_p_meet": None if n is None else _num(n["p_meet"]),
            "old_target": None if o is None else _num(o["target"]), "new_target": None if n is None else _num(n["target"]),
            "old_latest_year": None if o is None else _num(o["latest_year"]),
            "new_latest_year": None if n is None else _num(n["latest_year"]),
            "old_latest_value": None if o is None else _num(o["latest_value"]),
            "new_latest_value": None if n is None else _num(n["latest_value"]),
            "old_n_points": None if o is None else _num(o["n_points"]),
            "new_n_points": None if n is None else _num(n["n_points"]),
            "old_definition": None if o is None else _text(o.get("definition")),
            "new_definition": None if n is None else _text(n.get("definition")),
            "unit": _text(base.get("unit")), "reasons": ",".join(reasons), "reason": "", "reason_zh": "", "reason_en": "",
            "old_run": old_run, "new_run": new_run, "target_id": _text(base.get("target_id"))}


def _rows(frame: pd.DataFrame) -> list[dict]:
    f = frame.copy()
    f["breakdown"] = f["breakdown"].map(_text)
    f["year"] = f["year"].astype(int)
    f["target_id"] = f["target_id"].map(_text) if "target_id" in f else ""
    return f.to_dict(orient="records")


def _pairs(old: pd.DataFrame, new: pd.DataFrame) -> list[tuple[dict | None, dict | None]]:
    """Rows matched by target year and catalogue id; leftovers of one target year by the year alone
    when exactly one is left on each side (an edited plan file renumbers its targets)."""
    olds, news = _rows(old), _rows(new)
    by_id = {(*(r[k] for k in _KEY), r["target_id"]): r for r in olds}
    pairs, left_new = [], []
    for n in news:
        o = by_id.pop((*(n[k] for k in _KEY), n["target_id"]), None)
        (pairs.append((o, n)) if o is not None else left_new.append(n))
    left_old: dict[tuple, list] = {}
    for o in by_id.values():
        left_old.setdefault(tuple(o[k] for k in _KEY), []).append(o)
    news_by_year: dict[tuple, list] = {}
    for n in left_new:
        news_by_year.setdefault(tuple(n[k] for k in _KEY), []).append(n)
    for key, ns in news_by_year.items():
        os_ = left_old.pop(key, [])
        if len(ns) == 1 and len(os_) == 1:
            pairs.append((os_[0], ns[0]))
        else:
            pairs += [(None, n) for n in ns] + [(o, None) for o in os_]
    pairs += [(o, None) for os_ in left_old.values() for o in os_]
    return pairs


def changes(old: pd.DataFrame, new: pd.DataFrame, *, old_run: dict | None = None, new_run: dict | None = None,
            lang: str = "zh", every: bool = False) -> pd.DataFrame:
    """One row per target year whose status changed (or that was added or removed) between the
    assessment ``old`` and ``new``; with ``every``, also those whose printed probability moved.

    ``old_run``/``new_run``: the runs' ``run.json`` (or any dict with ``run_id`` and the
    ``parameters`` ``on_track``/``at_risk``), for the run ids and the thresholds. Only the regions of
    ``new`` are compared: a run for one region says nothing about the others. ``reason`` is the
    sentence in ``lang`` (``reason_zh``, ``reason_en``: both); ``reasons`` the codes (``REASONS``), comma-separated."""
    from ..words.explain import fmt_prob

    old_th, new_th = _thresholds(old_run), _thresholds(new_run)
    old_id, new_id = (old_run or {}).get("run_id"), (new_run or {}).get("run_id")
    if len(new):
        old = old[old["region"].isin(set(new["region"]))]
    records = []
    for o, n in _pairs(old, new):
        if o is not None and n is not None and o["status"] == n["status"]:
            if not every or fmt_prob(_num(o["p_meet"]), old_th) == fmt_prob(_num(n["p_meet"]), new_th):
                continue
            rec = _record(o, n, _reasons(o, n, old_th, new_th), old_id, new_id)
            rec["change"] = "probability"
        else:
            rec = _record(o, n, _reasons(o, n, old_th, new_th), old_id, new_id)
        for lg in ("zh", "en"):
            rec[f"reason_{lg}"] = change_sentence(rec, lg, old_th or Thresholds(), new_th or Thresholds())
        rec["reason"] = rec[f"reason_{lang}"]
        records.append(rec)
    out = pd.DataFrame(records, columns=CHANGE_COLUMNS)
    return out.sort_values(["region", "indicator", "breakdown", "year", "target_id"], kind="stable").reset_index(
        drop=True)


def status_changes(frame: pd.DataFrame) -> int:
    """How many target years a changes table lists as changed in status, added or removed (what
    the index and a page's section count)."""
    return int((frame["change"] != "probability").sum()) if len(frame) else 0

"""The archive of runs: every published run also kept under ``<out>/runs/<run id>/``.

A planner reruns the reports every year; the published set (``current``, ``sets``) shows the latest
page of each region, and the archive keeps what each run made: its pages (HTML, PDF, DOCX), its
assessment table (``assessment.csv``), the changes it found (``changes.csv``), its ``run.json`` and
an index of its own. A run's folder is built as ``runs/.staging-<pid>-<random>/`` and renamed to its
id only after the set it belongs to is current, so the archive never holds a run that was not
published (a kill in between leaves a staging folder, which the next run removes).

The files are hard links of the set's files (a copy across devices), never symlinks: deleting the
archive, or any run in it, never touches the published pages. ``--keep N`` keeps the newest N runs.

A run id is the data's as-of year and the run's time in UTC, ``2024-20261206T011500Z``: readable,
stable (written once, in ``run.json`` too) and in time order within one as-of year; the archive is
listed by the time part, newest first.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..errors import CHECKS, ArchiveError, Problem
from ..provenance import run_record

__all__ = ["published_changes", "RUNS", "run_id", "list_runs", "find_run", "staged", "fill", "commit_run", "prune", "link_or_copy"]

RUNS = "runs"
_ID = re.compile(r"^(?P<as_of>\d{4}|none)-(?P<time>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?$")


def run_id(out: Path, as_of: int | None, time_text: str) -> str:
    """``<as-of year>-<YYYYmmddTHHMMSSZ>`` from the run's time (``run.json``'s "time"); a second run
    in the same second gets ``-2``, ``-3``."""
    when = datetime.strptime(time_text, "%Y-%m-%d %H:%M:%S UTC").strftime("%Y%m%dT%H%M%SZ")
    base = f"{as_of if as_of is not None else 'none'}-{when}"
    rid, n = base, 1
    while (out / RUNS / rid).exists():
        n += 1
        rid = f"{base}-{n}"
    return rid


def _order(name: str) -> tuple:
    m = _ID.match(name)
    return (m.group("time"), int(m.group("n") or 1), name) if m else ("", 0, name)


def list_runs(out: Path) -> list[dict]:
    """The archived runs, newest first: each run.json's id, time, as-of year and regions (a folder
    whose run.json cannot be read is listed by its id alone)."""
    folder = Path(out) / RUNS
    found = []
    for p in folder.iterdir() if folder.is_dir() else ():
        if p.name.startswith(".") or not p.is_dir() or not _ID.match(p.name):
            continue
        meta = run_record(p)
        found.append({"run_id": p.name, "time": meta.get("time"), "as_of": meta.get("as_of"),
                      "regions": (meta.get("parameters") or {}).get("regions") or [],
                      "changes": meta.get("changes_count")})
    return sorted(found, key=lambda r: _order(r["run_id"]), reverse=True)


def find_run(out: Path, rid: str) -> Path:
    """The folder of run ``rid`` in the archive; an ArchiveError naming the runs there if none."""
    folder = Path(out) / RUNS / rid
    if _ID.match(rid or "") and (folder / "assessment.csv").is_file() and (folder / "run.json").is_file():
        return folder
    have = [r["run_id"] for r in list_runs(out)]
    raise ArchiveError([Problem(file=str(Path(out) / RUNS), code="archive.unknown_run", value=rid,
                                expected=f"{CHECKS['archive.unknown_run']}; runs kept there: "
                                         + (", ".join(have) if have else "none"),
                                facts=(("case", "archive"), ("runs", "、".join(have) if have else "无")))])


def link_or_copy(src: Path, dst: Path) -> None:
    """A hard link (the same bytes, no space), or a copy across devices: never a symlink."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


@contextlib.contextmanager
def staged(out: Path):
    """A fresh ``runs/.staging-<pid>-<random>/`` for a run's archive folder; removed when the block
    ends by an error or a signal (SIGTERM/SIGINT become SystemExit), left to :func:`commit_run` else.
    After a kill -9 the next run removes it (``sets.clean_stale``)."""
    (out / RUNS).mkdir(exist_ok=True)
    folder = out / RUNS / f".staging-{os.getpid()}-{secrets.token_hex(4)}"
    folder.mkdir()
    try:
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def fill(folder: Path, files: list[Path], texts: dict[str, str]) -> None:
    """The run's pages (``files``, linked; missing ones skipped) and ``texts`` (name -> text)."""
    for f in files:
        if f.is_file():
            link_or_copy(f, folder / f.name)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")


def commit_run(staged: Path, out: Path, rid: str) -> Path:
    """The staged run renamed to ``runs/<run id>`` (one rename: the run is in the archive whole or not)."""
    final = out / RUNS / rid
    os.rename(staged, final)
    return final


def prune(out: Path, keep: int | None, notes: list[str]) -> None:
    """Keep the newest ``keep`` runs (None: all); say which went."""
    if keep is None:
        return
    runs = list_runs(out)
    gone = [r["run_id"] for r in runs[max(keep, 0):]]
    for rid in gone:
        shutil.rmtree(out / RUNS / rid, ignore_errors=True)
    if gone:
        notes.append(f"--keep {keep}: removed {len(gone)} older run(s) from {out / RUNS}: {', '.join(gone)}")


def published_changes(out: str | Path, since: str | None = None, region: str | None = None, lang: str = "zh",
                      every: bool = False):
    """``indicators changes``: the changes the published pages show (each region's since the run
    before the one that made its page: the set's ``changes.csv``), or, with ``since``, the published
    pages' verdicts against that archived run, for the regions both judged. ``region``: one region
    (Chinese or English name); ``every``: also the target years whose probability alone moved."""
    from ..verdicts.changes import changes, load_run, read_assessment

    out = Path(out)
    current = out / "current"
    if not (current / "run.json").is_file() or not (current / "assessment.csv").is_file():
        raise ArchiveError([Problem(file=str(current), code="archive.no_reports",
                                    expected=f"{CHECKS['archive.no_reports']}: run `indicators run --out {out}` first",
                                    facts=(("case", "archive"), ("out", out)))])
    if since:
        old, old_meta = load_run(find_run(out, since))
        new, new_meta = load_run(current)
        new = new[new["region"].isin(set(old["region"]))]
        frame = changes(old, new, old_run=old_meta, new_run=new_meta, lang=lang, every=True)
    else:
        frame = read_assessment(current / "changes.csv")
        for c in ("old_p_meet", "new_p_meet", "old_target", "new_target", "old_latest_year", "new_latest_year",
                  "old_latest_value", "new_latest_value", "old_n_points", "new_n_points"):
            frame[c] = pd.to_numeric(frame[c].replace("", None), errors="coerce")
        frame["year"] = frame["year"].astype(int)
        frame["reason"] = frame[f"reason_{lang}"]
    if region:
        frame = frame[(frame["region"] == region.strip()) | (frame["region_en"].str.lower() == region.strip().lower())]
    if not every:
        frame = frame[frame["change"] != "probability"]
    return frame.reset_index(drop=True)

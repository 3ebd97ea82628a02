"""The published set without notebooks: the switch, the lock, the cleanup, the kept pages, the errors.

Fast: every test builds its sets by hand in a temporary folder. Killing a real run is in
test_publish_faults.py (slow)."""

import errno
import re
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from indicators.run import sets
from indicators.errors import CHECKS, PublishError, ValidationError
from indicators.run.runner import RunResult, _notebook_texts, _publish


def _staged(out: Path, text: str) -> Path:
    """A complete set in a staging folder: an index and one page (contents made up by the test)."""
    staging = sets.staging_dir(out)
    (staging / "index.html").write_text(f"index {text}", encoding="utf-8")
    (staging / "a.html").write_text(f"page {text}", encoding="utf-8")
    return staging


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_switch_points_current_at_a_complete_set_and_keeps_the_one_before(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "README.md").write_text("tracked by git", encoding="utf-8")
    ids = []
    for n in range(3):
        ids.append(f"2026010{n}T000000Z-1-abc")
        sets.switch(_staged(out, str(n)), out, ids[-1], [])
        assert os.readlink(out / "current") == f"sets/{ids[-1]}"  # relative: the folder can move
        assert (out / "current" / "index.html").read_text(encoding="utf-8") == f"index {n}"
    # the new set and the one before it (a reader mid-page is not cut off); older ones go
    assert sorted(p.name for p in (out / "sets").iterdir()) == ids[1:]
    assert (out / "index.html").read_text(encoding="utf-8") == sets.REDIRECT
    assert 'url=current/index.html' in sets.REDIRECT and 'href="current/index.html"' in sets.REDIRECT
    assert (out / "README.md").read_text(encoding="utf-8") == "tracked by git"
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "current", "index.html", "sets"]


def test_the_redirect_page_is_written_only_when_it_changes(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    sets.switch(_staged(out, "1"), out, "s1", [])
    before = (out / "index.html").stat().st_ino
    sets.switch(_staged(out, "2"), out, "s2", [])
    assert (out / "index.html").stat().st_ino == before  # the same file: not rewritten


@pytest.mark.parametrize("step", ["staged", "renamed", "switched", "removing"])
def test_a_fault_at_any_step_leaves_a_complete_current_set_and_the_next_switch_cleans_up(tmp_path, monkeypatch,
                                                                                           step):
    out = tmp_path / "reports"
    out.mkdir()
    sets.switch(_staged(out, "old-1"), out, "s1", [])
    sets.switch(_staged(out, "old-2"), out, "s2", [])  # s1 is there to be removed at "removing"
    monkeypatch.setenv(sets.FAULT_ENV, f"raise:{step}")
    staging = _staged(out, "new")
    with pytest.raises(RuntimeError, match=step):
        sets.switch(staging, out, "s3", [])
    text = (out / "current" / "index.html").read_text(encoding="utf-8")
    # before the symlink moves the old set is current; after it the new one: never neither
    assert text == ("index new" if step in ("switched", "removing") else "index old-2")
    assert (out / "current" / "a.html").read_text(encoding="utf-8") == text.replace("index", "page")
    monkeypatch.delenv(sets.FAULT_ENV)
    sets.clean_stale(out, None, [])  # as the next run does under the lock (this pid's old staging is stale)
    sets.switch(_staged(out, "next"), out, "s4", [])
    left = sorted(p.name for p in (out / "sets").iterdir())
    assert left == ["s3" if step in ("switched", "removing") else "s2", "s4"]


def test_an_old_layout_out_is_migrated_and_files_the_tool_does_not_make_stay(tmp_path):
    out = tmp_path / "reports"
    (out / "failed").mkdir(parents=True)
    for name in ("index.html", "overview.html", "x-1.html", "x-1.pdf", "run.json", "failed/x-1.ipynb"):
        (out / name).write_text(f"old {name}", encoding="utf-8")
    (out / "README.md").write_text("tracked", encoding="utf-8")
    (out / "backtest.csv").write_text("kept\n", encoding="utf-8")
    assert sets.previous_set(out) == out  # an earlier version's pages: the set failed regions keep from
    notes = []
    sets.switch(_staged(out, "new"), out, "s1", notes)
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "backtest.csv", "current", "index.html", "sets"]
    assert (out / "backtest.csv").read_text(encoding="utf-8") == "kept\n"
    assert any("earlier version" in n for n in notes)
    assert sets.previous_set(out) == (out / "sets" / "s1").resolve()


def test_an_earlier_versions_kill_between_its_renames_is_undone(tmp_path):
    """The old swap, killed between its two renames, left no reports/ but .reports.old-PID."""
    old = tmp_path / f".reports.old-{_dead_pid()}"
    old.mkdir()
    (old / "index.html").write_text("the last good reports", encoding="utf-8")
    (old / "run.json").write_text("{}", encoding="utf-8")
    stale = tmp_path / f".reports.staging-{_dead_pid()}"
    stale.mkdir()
    out, notes = tmp_path / "reports", []
    sets.restore_old_layout(out, notes)
    assert (out / "index.html").read_text(encoding="utf-8") == "the last good reports"
    sets.clean_stale(out, None, notes)
    assert not stale.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["reports"]
    assert len(notes) == 2


def test_stale_staging_of_dead_runs_is_removed_and_a_live_runs_is_left(tmp_path):
    out = tmp_path / "reports"
    (out / "sets").mkdir(parents=True)
    dead = out / "sets" / f".staging-{_dead_pid()}-00aa"
    live = out / "sets" / f".staging-{os.getppid()}-00bb"  # the parent of this test: alive
    link = out / f".current-{_dead_pid()}-00cc"
    for d in (dead, live):
        (d / "failed").mkdir(parents=True)
    os.symlink("sets/x", link)
    mine = sets.staging_dir(out)
    notes = []
    sets.clean_stale(out, mine, notes)
    assert not dead.exists() and not os.path.lexists(link) and live.exists() and mine.exists()
    assert len(notes) == 1 and dead.name in notes[0] and link.name in notes[0]


def test_a_second_run_waits_for_the_lock_then_names_the_holder(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    said = []
    with sets.lock(out):
        with pytest.raises(PublishError) as exc:
            with sets.lock(out, timeout=0.3, say=said.append):
                pass
    [p] = exc.value.problems
    assert p.code == "publish.locked" and p.file == str(out / ".lock")
    assert f"pid {os.getpid()}" in p.value and f"pid {os.getpid()}" in said[0] and "waiting" in said[0]


def test_the_lock_is_taken_when_the_holder_lets_go(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    order = []

    def hold():
        with sets.lock(out):
            order.append("first")
            time.sleep(0.5)
        order.append("released")

    t = threading.Thread(target=hold)
    t.start()
    time.sleep(0.1)
    with sets.lock(out, timeout=10, say=lambda m: None):
        order.append("second")
    t.join()
    assert order == ["first", "released", "second"]


@pytest.mark.parametrize("err, code", [(errno.ENOSPC, "publish.disk_full"), (errno.EROFS, "publish.read_only"),
                                       (errno.EACCES, "publish.read_only"), (errno.EBUSY, "publish.busy"),
                                       (errno.EIO, "publish.io_error")])
def test_os_errors_become_problems_with_a_code_and_the_path(tmp_path, err, code):
    with pytest.raises(PublishError) as exc:
        with sets.os_errors(tmp_path):
            raise OSError(err, os.strerror(err), str(tmp_path / "x.html"))
    [p] = exc.value.problems
    assert p.code == code and code in CHECKS and p.file == str(tmp_path / "x.html")
    assert "previous reports are still in place" in exc.value.render()


def test_the_fault_hook_raises_the_error_asked_for(monkeypatch):
    monkeypatch.setenv(sets.FAULT_ENV, "enospc:staged, raise:renamed")
    with pytest.raises(OSError) as exc:
        sets.fault("staged")
    assert exc.value.errno == errno.ENOSPC
    with pytest.raises(RuntimeError):
        sets.fault("renamed")
    sets.fault("switched")  # not named: nothing happens


def _mount(args: list[str], target: Path) -> None:
    proc = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount here ({proc.stderr.strip() or proc.returncode}): needs root in a privileged container")


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True)


def test_an_out_that_is_a_mount_point_publishes(tmp_path):
    """A Docker volume: the old swap renamed --out itself and always ended in EBUSY."""
    out = tmp_path / "reports"
    out.mkdir()
    _mount(["-t", "tmpfs", "-o", "size=4m", "tmpfs"], out)
    try:
        assert os.path.ismount(out)
        sets.switch(_staged(out, "1"), out, "s1", [])
        sets.switch(_staged(out, "2"), out, "s2", [])
        assert (out / "current" / "index.html").read_text(encoding="utf-8") == "index 2"
    finally:
        _umount(out)


def test_a_full_disk_is_a_problem_and_the_previous_set_stays(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    _mount(["-t", "tmpfs", "-o", "size=1m", "tmpfs"], out)
    try:
        sets.switch(_staged(out, "good"), out, "s1", [])
        with pytest.raises(PublishError) as exc:
            with sets.os_errors(out):
                staging = sets.staging_dir(out)
                (staging / "a.html").write_bytes(b"x" * 2_000_000)  # more than the disk holds
        assert exc.value.problems[0].code == "publish.disk_full"
        assert (out / "current" / "index.html").read_text(encoding="utf-8") == "index good"
    finally:
        _umount(out)


def test_a_read_only_out_is_a_problem_and_the_previous_set_stays(tmp_path):
    """Root ignores chmod, so a read-only bind mount makes the target read-only."""
    out = tmp_path / "reports"
    out.mkdir()
    sets.switch(_staged(out, "good"), out, "s1", [])
    _mount(["--bind", "-o", "ro", str(out)], out)
    try:
        with pytest.raises(PublishError) as exc:
            with sets.os_errors(out):
                sets.staging_dir(out)
        assert exc.value.problems[0].code == "publish.read_only"
        assert (out / "current" / "index.html").read_text(encoding="utf-8") == "index good"
    finally:
        _umount(out)


def _result(out: Path, staging: Path, ok: list[str], failed: list[str]) -> RunResult:
    """What _execute_all leaves: pages written into staging for ``ok``, failures for ``failed``."""
    result = RunResult(out=out / "current")
    for key in ok:
        (staging / f"{key}.html").write_text(f"new {key}", encoding="utf-8")
        result.reports.append({"key": key, "region": None if key == "overview" else key, "region_en": key,
                               "html": str(staging / f"{key}.html"), "notebook": None})
    for key in failed:
        result.failed.append({"key": key, "region": key, "region_en": key, "error": "DeadKernelError: died",
                              "cell": None, "notebook": None, "html": None})
    return result


def _meta():
    return {"time": "2026-12-02 06:00:00 UTC", "version": "0", "parameters": {}, "inputs": []}


@pytest.mark.parametrize("lang, words", [("zh", "保留 2026-01-01 00:00:00 UTC 运行生成的页面"),
                                         ("en", "kept from the run of 2026-01-01 00:00:00 UTC")])
def test_a_failed_region_keeps_its_previous_page_marked_in_the_index(tmp_path, lang, words):
    out = tmp_path / "reports"
    out.mkdir()
    first = sets.staging_dir(out)
    for key in ("overview", "a", "b"):
        (first / f"{key}.html").write_text(f"old {key}", encoding="utf-8")
    (first / "index.html").write_text("old index", encoding="utf-8")
    (first / "run.json").write_text(json.dumps({"time": "2026-01-01 00:00:00 UTC"}), encoding="utf-8")
    sets.switch(first, out, "s1", [])
    staging = sets.staging_dir(out)
    result = _result(out, staging, ["overview", "a"], ["b"])
    _publish(staging, out, result, _meta, {"a": {}, "b": {}}, lang)
    assert result.published and (out / "current" / "b.html").read_text(encoding="utf-8") == "old b"
    assert result.failed[0]["kept"] == str(out / "current" / "b.html")
    index = (out / "current" / "index.html").read_text(encoding="utf-8")
    assert f'<a class="kept" href="b.html">{words}</a>' in index and "DeadKernelError" in index
    pages = json.loads((out / "current" / "run.json").read_text(encoding="utf-8"))["pages"]
    assert pages == {"a.html": "2026-12-02 06:00:00 UTC", "b.html": "2026-01-01 00:00:00 UTC",
                     "overview.html": "2026-12-02 06:00:00 UTC"}
    # failing again, the page keeps the time of the run that made it
    staging = sets.staging_dir(out)
    result = _result(out, staging, ["overview", "a"], ["b"])
    _publish(staging, out, result, _meta, {"a": {}, "b": {}}, lang)
    assert result.failed[0]["kept_time"] == "2026-01-01 00:00:00 UTC"


def test_when_every_notebook_fails_nothing_is_switched(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    sets.switch(_staged(out, "good"), out, "s1", [])
    staging = sets.staging_dir(out)
    result = _result(out, staging, [], ["overview", "a"])
    _publish(staging, out, result, _meta, {}, "zh")
    assert not result.published and not result.ok and "nothing was published" in result.notes[-1]
    assert result.failed[1]["kept"] == str(out / "current" / "a.html")  # still there: the set stays current
    assert os.readlink(out / "current") == "sets/s1"
    assert (out / "current" / "index.html").read_text(encoding="utf-8") == "index good"


def test_a_corrupt_notebook_stops_the_run_before_any_work(tmp_path, monkeypatch, capsys):
    from indicators.cli.main import main

    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    (nbdir / "overview.ipynb").write_text('{"cells": [', encoding="utf-8")  # cut short: not JSON
    (nbdir / "region_report.ipynb").write_text("{}", encoding="utf-8")  # JSON, but not a notebook
    with pytest.raises(ValidationError) as exc:
        _notebook_texts(nbdir)
    assert [p.code for p in exc.value.problems] == ["file.bad_notebook"] * 2
    monkeypatch.setenv("INDICATORS_NOTEBOOKS", str(nbdir))
    out = tmp_path / "reports"
    assert main(["run", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "overview.ipynb" in err and "file.bad_notebook" in err and "Traceback" not in err
    assert not out.exists()  # nothing was made


def test_the_index_holds_no_control_character_from_a_name():
    from types import SimpleNamespace

    from indicators.run.publish import index_html

    result = SimpleNamespace(reports=[{"key": "x", "region": "茌平\x00区", "region_en": "Chi\x07ping", "html": "x.html"}],
                             failed=[{"key": "y", "region": "环\x1b翠区", "error": "boom\x00", "cell": None,
                                      "notebook": None}])
    meta = {"inputs": [{"path": "a\x00.csv", "sha256": "0" * 64}], "parameters": {"region": "茌平\x00区"},
            "time": "2026-12-02 06:00:00 UTC", "version": "0.1.0"}
    page = index_html(result, meta, {}, "zh")
    assert "茌平区" in page and "环翠区" in page
    assert not any(ord(c) < 32 and c not in "\n\t" for c in page)


# --- a set that grows, the archive, the index for people (synthetic verdicts made up by the tests) ---

def _verdict(region: str, year: int, status: str, p: float | None, **kw) -> dict:
    """One made-up verdict row of a region named by the test (synthetic; no real data)."""
    r = dict(region=region, region_en=region.upper(), domain="vocational", indicator="voc_dual_qualified_teacher_share",
             indicator_zh="双师型", breakdown="", year=year, clause="一", target=70.0, target_high=None,
             comparator=">=", unit="percent", meet_low=70.0, meet_high=None, variants=1, as_of=2020,
             latest_year=2020, latest_value=66.0, n_points=4, definition="standard", p_meet=p, status=status,
             proxy_region=None, target_id=f"{region}#{year}", explanation="x", explanation_zh="x", explanation_en="x")
    r.update(kw)
    return r


def _publish_run(out: Path, made: list[str], rows: list[dict], time_text: str, keep=None, since=None) -> RunResult:
    """What ``run`` does after the notebooks: pages for ``made`` (and the overview) in a staging set,
    the earlier run read first, then ``_publish`` with the run's assessment ``rows``."""
    import pandas as pd

    from indicators.run.runner import _Publication, _previous, _summary

    staging = sets.staging_dir(out)
    result = _result(out, staging, ["overview", *made], [])
    for r in result.reports:  # pages made by this run: their text names the run
        Path(r["html"]).write_text(f"{r['key']} of {time_text}", encoding="utf-8")
    a = pd.DataFrame(rows)
    domains = {k: "vocational" for k in made}
    prev = _previous(out, since, made)
    meta = lambda: {"time": time_text, "version": "0", "inputs": [{"path": "in.csv", "sha256": "ab" * 32}],  # noqa: E731
                    "parameters": {"regions": made, "on_track": 0.7, "at_risk": 0.3, "actuals": ["in.csv"]}}
    _publish(staging, out, result, meta, _summary(a, made, domains), "zh", _Publication(a, 2020, domains, prev, keep))
    return result


def test_run_json_lists_the_pages_in_one_order_whatever_order_they_finished_in(tmp_path):
    rows = [_verdict("a", 2022, "on_track", 0.8), _verdict("b", 2022, "at_risk", 0.5)]
    keys = []
    for made in (["b", "a"], ["a", "b"]):  # a pool finishes its pages in any order
        out = tmp_path / "-".join(made)
        out.mkdir()
        _publish_run(out, made, rows, "2026-01-01 00:00:00 UTC")
        keys.append([r["key"] for r in json.loads((out / "current" / "run.json").read_text(encoding="utf-8"))["reports"]])
    assert keys[0] == keys[1] == ["overview", "a", "b"]


def test_a_run_for_some_regions_keeps_the_other_pages_and_every_run_is_archived(tmp_path):
    import shutil

    out = tmp_path / "reports"
    out.mkdir()
    _publish_run(out, ["a", "b"], [_verdict("a", 2022, "on_track", 0.8), _verdict("b", 2022, "at_risk", 0.5)],
                 "2026-01-01 00:00:00 UTC")
    b_before = (out / "current" / "b.html").stat()
    second = _publish_run(out, ["a"], [_verdict("a", 2022, "met", 1.0, latest_year=2022, latest_value=71.0)],
                          "2027-01-01 00:00:00 UTC")
    cur = out / "current"
    # b's page is the first run's, the same bytes (the same file: a hard link); a's is new
    assert (cur / "b.html").read_text(encoding="utf-8") == "b of 2026-01-01 00:00:00 UTC"
    assert (cur / "b.html").stat().st_ino == b_before.st_ino
    assert (cur / "a.html").read_text(encoding="utf-8") == "a of 2027-01-01 00:00:00 UTC"
    meta = json.loads((cur / "run.json").read_text(encoding="utf-8"))
    assert meta["run_id"] == "2020-20270101T000000Z" and second.set_id
    assert {r["key"]: r.get("carried", False) for r in meta["reports"]} == {"overview": False, "a": False, "b": True}
    assert meta["pages"] == {"a.html": "2027-01-01 00:00:00 UTC", "b.html": "2026-01-01 00:00:00 UTC",
                             "overview.html": "2027-01-01 00:00:00 UTC"}
    # the set's tables describe the pages present: a's new rows, b's kept ones
    from indicators.verdicts.changes import read_assessment

    a = read_assessment(cur / "assessment.csv")
    assert sorted(zip(a["region"], a["status"])) == [("a", "met"), ("b", "at_risk")]
    ch = read_assessment(cur / "changes.csv")
    assert list(zip(ch["region"], ch["old_status"], ch["new_status"], ch["reasons"])) == [
        ("a", "on_track", "met", "new_actual")]
    # both runs in the archive, each with its pages, assessment, changes, run.json and an index
    runs = sorted(p.name for p in (out / "runs").iterdir())
    assert runs == ["2020-20260101T000000Z", "2020-20270101T000000Z"]
    assert sorted(p.name for p in (out / "runs" / runs[1]).iterdir()) == [
        "a.html", "assessment.csv", "changes.csv", "index.html", "overview.html", "run.json"]
    assert (out / "runs" / runs[0] / "b.html").read_text(encoding="utf-8") == "b of 2026-01-01 00:00:00 UTC"
    index = (cur / "index.html").read_text(encoding="utf-8")
    assert f'href="../runs/{runs[0]}/index.html"' in index  # earlier runs, each linked
    assert f'href="../runs/{runs[1]}/index.html"' not in index  # this run is the published one
    assert 'href="a.html#changes">1</a>' in index and "与 2020-20260101T000000Z 相比" in index
    archived = (out / "runs" / runs[1] / "index.html").read_text(encoding="utf-8")
    assert f'href="../{runs[0]}/index.html"' in archived and 'href="b.html"' not in archived
    # the archive can go: the published pages never depend on it
    shutil.rmtree(out / "runs")
    assert all(p.read_bytes() for p in cur.iterdir() if p.is_file())
    assert not any(p.is_symlink() for p in cur.iterdir())


def test_keep_limits_the_archive_and_a_second_run_in_the_same_second_gets_its_own_id(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    rows = [_verdict("a", 2022, "on_track", 0.8)]
    for t in ("2026-01-01 00:00:00 UTC", "2026-01-01 00:00:00 UTC", "2026-02-01 00:00:00 UTC"):
        _publish_run(out, ["a"], rows, t)
    assert sorted(p.name for p in (out / "runs").iterdir()) == [
        "2020-20260101T000000Z", "2020-20260101T000000Z-2", "2020-20260201T000000Z"]
    result = _publish_run(out, ["a"], rows, "2026-03-01 00:00:00 UTC", keep=2)
    assert sorted(p.name for p in (out / "runs").iterdir()) == ["2020-20260201T000000Z", "2020-20260301T000000Z"]
    assert any("--keep 2: removed 2 older run(s)" in n for n in result.notes)


def test_since_compares_with_a_named_run_and_an_unknown_one_stops_the_run(tmp_path):
    from indicators.errors import ArchiveError
    from indicators.run.runner import _previous

    out = tmp_path / "reports"
    out.mkdir()
    _publish_run(out, ["a"], [_verdict("a", 2022, "off_track", 0.2)], "2026-01-01 00:00:00 UTC")
    _publish_run(out, ["a"], [_verdict("a", 2022, "at_risk", 0.5)], "2027-01-01 00:00:00 UTC")
    _publish_run(out, ["a"], [_verdict("a", 2022, "on_track", 0.8)], "2028-01-01 00:00:00 UTC",
                 since="2020-20260101T000000Z")
    ch = json.loads((out / "current" / "run.json").read_text(encoding="utf-8"))["reports"]
    assert {r["key"]: (r["changes"], r["since"]) for r in ch}["a"] == (1, "2020-20260101T000000Z")
    with pytest.raises(ArchiveError, match="archive.unknown_run(.|\n)*2020-20270101T000000Z"):
        _previous(out, "2020-20990101T000000Z", ["a"])


def test_a_killed_runs_archive_folder_is_removed_by_the_next_run(tmp_path):
    out = tmp_path / "reports"
    (out / "runs" / f".staging-{_dead_pid()}-abcd1234").mkdir(parents=True)
    notes = []
    sets.clean_stale(out, None, notes)
    assert list((out / "runs").iterdir()) == [] and "removed what interrupted runs left" in notes[0]


def test_the_index_counts_are_the_headline_counts_and_the_run_is_described_for_people(tmp_path):
    import pandas as pd

    from indicators.reports.region import headline_counts

    out = tmp_path / "reports"
    out.mkdir()
    rows = [_verdict("a", 2021, "met", 1.0), _verdict("a", 2022, "on_track", 0.8),
            _verdict("a", 2022, "off_track", 0.1, target=90.0, target_id="a#9"),  # a conflicting value
            _verdict("a", 2023, "insufficient_data", None)]
    _publish_run(out, ["a"], rows, "2026-01-01 00:00:00 UTC")
    h = headline_counts(pd.DataFrame(rows))
    assert (h["target_years"], h["judged"], h["need_data"], h["conflicts"]) == (3, 2, 1, 1)
    index = (out / "current" / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr><td><a href="a.html">.*?</tr>', index).group(0)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    # target years; met, missed, on track, at risk, off track; need data; conflicting values
    assert cells[:8] == ["3", "1", "", "1", "", "1", "1", "1"]
    assert "<details" in index and "sha256 <code>" + "ab" * 32 in index
    assert "数据截至</th><td>2020 年" in index and "有望达标：达标概率 ≥ 70%" in index
    assert "尚无更早的运行" in index


def test_indicators_changes_reads_the_published_set_and_the_archive(tmp_path, capsys, monkeypatch):
    from openpyxl import load_workbook

    from indicators.cli.main import main

    out = tmp_path / "reports"
    out.mkdir()
    _publish_run(out, ["a", "b"], [_verdict("a", 2022, "on_track", 0.8), _verdict("b", 2022, "at_risk", 0.5)],
                 "2026-01-01 00:00:00 UTC")
    _publish_run(out, ["a"], [_verdict("a", 2022, "met", 1.0, latest_year=2022, latest_value=71.0)],
                 "2027-01-01 00:00:00 UTC")
    capsys.readouterr()
    assert main(["changes", "--out", str(out), "--format", "json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert [(r["region"], r["old_status"], r["new_status"], r["reasons"]) for r in got] == [
        ("a", "on_track", "met", "new_actual")]
    monkeypatch.setenv("COLUMNS", "250")
    assert main(["changes", "--out", str(out), "--since", "2020-20260101T000000Z", "--lang", "en"]) == 0
    screen = capsys.readouterr().out
    assert "on track 80%" in screen and "met" in screen and "A new actual for 2022: 71.0%." in screen
    assert main(["changes", "--out", str(out), "--format", "xlsx", "-o", str(tmp_path / "c.xlsx")]) == 0
    ws = load_workbook(tmp_path / "c.xlsx").active  # the bureau's sheet, headed in the language
    head = [c.value for c in ws[1]]
    assert ws.title == "变化" and head[:4] == ["地区", "指标", "分项", "目标年份"]
    assert ws.cell(2, head.index("本次") + 1).value == "已达标" and ws.cell(2, head.index("上次达标概率") + 1).value == 0.8
    assert main(["changes", "--out", str(tmp_path / "none")]) == 1
    assert "archive.no_reports" in capsys.readouterr().err


@pytest.mark.slow
def test_a_worker_gets_the_earlier_runs_rows_as_a_file_of_its_own(tmp_path):
    """No shared disk: the rows travel in the job (``attachments``) and the worker writes them into
    its own temporary folder, whose path the notebook gets as its parameter (a notebook made up here)."""
    import nbformat

    from indicators.run.execute import execute

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                           "display_name": "Python 3"},
                                            "language_info": {"name": "python"}})
    nb.cells = [nbformat.v4.new_code_cell('previous = ""\ncontext = ""', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(previous, open(previous, encoding='utf-8').read())")]
    job = {"key": "x", "region": "x", "notebook_text": nbformat.writes(nb), "parameters": {}, "title": "x",
           "kernel": None, "timeout": 120, "attachments": {"previous": ("previous.json", '{"rows": ["甲"]}')}}
    r = execute(job, b"context bytes")
    assert r["error"] is None, r
    printed = "".join(o.get("text", "") for c in nbformat.reads(r["notebook_text"], as_version=4).cells
                      for o in c.get("outputs", []))
    path, text = printed.split(" ", 1)
    assert path.endswith("/previous.json") and str(tmp_path) not in path and text.strip() == '{"rows": ["甲"]}'
    assert not Path(path).exists()  # the worker's folder is gone with the job


def test_the_pages_of_a_set_of_an_earlier_version_are_kept_with_unknown_counts(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    first = sets.staging_dir(out)  # as an earlier version wrote it: pages and run.json, no records or tables
    for key in ("overview", "a", "b"):
        (first / f"{key}.html").write_text(f"old {key}", encoding="utf-8")
    (first / "run.json").write_text(json.dumps({"time": "2026-01-01 00:00:00 UTC", "pages": {
        "a.html": "2026-01-01 00:00:00 UTC", "b.html": "2026-01-01 00:00:00 UTC"}}), encoding="utf-8")
    (first / "index.html").write_text("old index", encoding="utf-8")
    sets.switch(first, out, "s1", [])
    result = _publish_run(out, ["a"], [_verdict("a", 2022, "on_track", 0.8)], "2027-01-01 00:00:00 UTC")
    assert (out / "current" / "b.html").read_text(encoding="utf-8") == "old b"
    index = (out / "current" / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr><td><a href="b.html">.*?</tr>', index).group(0)
    assert "—" in row and "2026-01-01 00:00:00 UTC" in row
    assert any("kept from a set of an earlier version" in n and "b.html" in n for n in result.notes)

"""The published set without notebooks: the switch, the lock, the cleanup, the kept pages, the errors.

Fast: every test builds its sets by hand in a temporary folder. Killing a real run is in
test_publish_faults.py (slow)."""

import errno
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

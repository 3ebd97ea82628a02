"""The published set: where a run's pages live and how they replace the previous ones without a gap.

``--out`` (``reports/``) is a real directory the tool never renames or deletes: it may be a mount
point (a Docker volume) and it holds files the tool does not make (``README.md``, ``backtest.csv``).
Inside it:

- ``sets/<set id>/``: complete sets (index, pages, PDFs, ``run.json``, ``failed/``), each built in
  ``sets/.staging-<pid>-<random>/`` and renamed to its final name only when complete;
- ``current``: a relative symlink to ``sets/<set id>``, switched by one ``os.replace`` of a new
  symlink, so at every instant it names a complete set;
- ``index.html``: a static page that redirects to ``current/index.html``;
- ``.lock``: held (``fcntl.flock``) by the run that builds a set from the previous one and switches.

A kill at any instant leaves ``current`` on a complete set; what it leaves behind (a staging folder,
an unswitched set, a temporary symlink) is removed by the next run. ``INDICATORS_FAULT`` makes a run
stop at a named step, for the tests that prove it (:func:`fault`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import shutil
import socket
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from ..errors import Problem, PublishError

__all__ = ["fault", "os_errors", "lock", "interruptible", "staging_dir", "new_set_id",
           "previous_set", "switch", "clean_stale", "restore_old_layout", "REDIRECT", "FAULT_ENV", "LOCK_TIMEOUT"]

FAULT_ENV = "INDICATORS_FAULT"
LOCK_TIMEOUT = 600.0  # seconds a run waits for another run's switch ($INDICATORS_LOCK_TIMEOUT)
# files an earlier version wrote directly into --out (the pages, their PDFs, run.json, failed/)
_OLD_LAYOUT = re.compile(r"^(?!index\.html$).+\.(html|pdf)$|^run\.json$|^failed$")
_STALE = re.compile(r"^\.(staging|current)-(\d+)-[0-9a-f]+$")
_OLD_SIBLING = r"^\.{name}\.(staging|old)-(\d+)$"

# the page at the top of --out: the same bytes on every run, opens offline and on a web server
REDIRECT = ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta http-equiv="refresh" content="0; url=current/index.html">\n'
            '<title>职业教育规划指标报告 · reports</title>\n</head>\n<body>\n'
            '<p><a href="current/index.html">打开最新报告 · open the latest reports</a></p>\n</body>\n</html>\n')

# an OSError's errno -> the problem code a planner sees (no traceback reaches the user)
_CODES = {errno.ENOSPC: "publish.disk_full", errno.EDQUOT: "publish.disk_full", errno.EROFS: "publish.read_only",
          errno.EACCES: "publish.read_only", errno.EPERM: "publish.read_only", errno.EBUSY: "publish.busy"}
_EXPECTED = {"publish.disk_full": "free space to write the reports (the disk is full)",
             "publish.read_only": "a writable output directory (it is read-only or not ours to write)",
             "publish.busy": "an output path no other process holds (it is busy)",
             "publish.io_error": "an output directory the reports can be written to"}


def fault(step: str) -> None:
    """Test hook: ``INDICATORS_FAULT=<step>`` (or ``kill:<step>``) ends the process here like kill -9;
    ``raise:<step>`` raises RuntimeError; ``enospc:<step>``, ``erofs:<step>``, ``ebusy:<step>`` raise
    that OSError. Several, comma-separated. Steps: staged, renamed, switched, removing."""
    for item in filter(None, os.environ.get(FAULT_ENV, "").split(",")):
        action, _, name = item.strip().rpartition(":")
        if name != step:
            continue
        if action in ("", "kill"):
            os._exit(137)
        if action == "raise":
            raise RuntimeError(f"fault injected at {step}")
        code = getattr(errno, action.upper())
        raise OSError(code, os.strerror(code), f"<{FAULT_ENV} {step}>")


@contextlib.contextmanager
def os_errors(out: Path):
    """A full disk, a read-only or a busy target becomes a PublishError naming the path and a code."""
    try:
        yield
    except OSError as exc:
        code = _CODES.get(exc.errno, "publish.io_error")
        path = exc.filename or out
        raise PublishError([Problem(file=str(path), code=code, expected=_EXPECTED[code],
                                    value=f"{exc.strerror or exc}", facts=(("case", "publish"),))]) from exc


@contextlib.contextmanager
def lock(out: Path, timeout: float | None = None, say=None):
    """Hold ``out/.lock`` (flock); a second run waits, saying who holds it, then fails with
    ``publish.locked``. The file stays (removing it would race); the lock goes with the descriptor."""
    say = say or (lambda msg: print(msg, file=sys.stderr))
    timeout = float(os.environ.get("INDICATORS_LOCK_TIMEOUT", LOCK_TIMEOUT)) if timeout is None else timeout
    path = out / ".lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline, told = time.monotonic() + timeout, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(path)
                if time.monotonic() >= deadline:
                    raise PublishError([Problem(file=str(path), code="publish.locked", value=holder,
                                                expected=f"no other run publishing (waited {timeout:g} s)",
                                                facts=(("case", "publish"), ("seconds", f"{timeout:g}")))])
                if not told:
                    say(f"note: another run is publishing into {out} ({holder}); waiting up to {timeout:g} s")
                    told = True
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()} since {_now()}\n".encode())
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def interruptible():
    """SIGTERM and SIGINT become SystemExit(128 + signal) while a run works, so its ``finally``
    blocks remove the staging folder and end the worker processes (a plain SIGTERM would not run
    them). Only the main thread can set handlers; elsewhere the caller's own handling stays."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    saved = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    except SystemExit as exc:
        if isinstance(exc.code, int) and exc.code > 128:
            print(f"interrupted ({signal.Signals(exc.code - 128).name}): staging removed, workers ended; "
                  "current/ still names a complete set of reports", file=sys.stderr)
        raise
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


def _holder(path: Path) -> str:
    with contextlib.suppress(OSError):
        return path.read_text(encoding="utf-8", errors="replace").strip() or "a run starting"
    return "unknown"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def new_set_id() -> str:
    """Sortable by time, unique across runs: 20260102T030405Z-<pid>-<random>."""
    return f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}-{os.getpid()}-{secrets.token_hex(3)}"


def staging_dir(out: Path) -> Path:
    """A fresh ``sets/.staging-<pid>-<random>/``; ``out`` and ``sets/`` are made when missing."""
    (out / "sets").mkdir(parents=True, exist_ok=True)
    staging = out / "sets" / f".staging-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()
    return staging


def previous_set(out: Path) -> Path | None:
    """The set a failed region's page is taken from: what ``current`` points to, or, for an ``--out``
    of an earlier version (pages directly inside it), ``out`` itself; None on a first run."""
    current = out / "current"
    if current.is_symlink() and (current / "index.html").is_file():
        return current.resolve()
    if (out / "run.json").is_file() and (out / "index.html").is_file() and not _is_redirect(out / "index.html"):
        return out
    return None


def _is_redirect(path: Path) -> bool:
    with contextlib.suppress(OSError):
        return path.read_text(encoding="utf-8") == REDIRECT
    return False


def switch(staging: Path, out: Path, set_id: str, notes: list[str]) -> Path:
    """Rename the complete staging folder to ``sets/<set id>`` and point ``current`` at it (one
    rename); then the redirect page, the old layout's pages and sets older than the previous one go."""
    before = previous_set(out)
    final = out / "sets" / set_id
    fault("staged")
    os.rename(staging, final)
    fault("renamed")
    link = out / f".current-{os.getpid()}-{secrets.token_hex(4)}"
    os.symlink(f"sets/{set_id}", link)
    os.replace(link, out / "current")
    fault("switched")
    _write_if_changed(out / "index.html", REDIRECT)
    if before == out:
        _remove_old_layout(out, notes)
    keep = {set_id} | ({before.name} if before is not None and before.parent == out / "sets" else set())
    for old in sorted(p for p in (out / "sets").iterdir() if not p.name.startswith(".") and p.name not in keep):
        fault("removing")
        shutil.rmtree(old, ignore_errors=True)
    return final


def _write_if_changed(path: Path, text: str) -> None:
    """Atomically (a temporary file renamed over it), and only when the content differs."""
    with contextlib.suppress(OSError):
        if path.read_text(encoding="utf-8") == text:
            return
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _remove_old_layout(out: Path, notes: list[str]) -> None:
    """Pages an earlier version wrote directly into ``out``: now in ``current/``, so they go."""
    gone = sorted(p for p in out.iterdir() if _OLD_LAYOUT.match(p.name) and not p.is_symlink())
    for p in gone:
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    if gone:
        notes.append(f"moved to the new layout: {len(gone)} page(s) of an earlier version removed from {out} "
                     f"(the reports are now in {out / 'current'}, {out / 'index.html'} leads there)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(out: Path, mine: Path | None, notes: list[str]) -> None:
    """Remove what killed runs left: staging folders and temporary symlinks of dead processes, and an
    earlier version's ``.reports.staging-PID``/``.reports.old-PID`` beside ``out``."""
    found = []
    for folder in (out / "sets", out, out / "runs"):  # runs/: a run's archive folder staged, never renamed
        for p in (folder.iterdir() if folder.is_dir() else ()):
            m = _STALE.match(p.name)
            if m and p != mine and (not _alive(int(m.group(2))) or int(m.group(2)) == os.getpid()):
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() and not p.is_symlink() else p.unlink()
                found.append(p.name)
    sibling = re.compile(_OLD_SIBLING.format(name=re.escape(out.name)))
    for p in out.parent.iterdir():
        m = sibling.match(p.name)
        if m and not _alive(int(m.group(2))):
            shutil.rmtree(p, ignore_errors=True)
            found.append(p.name)
    if found:
        notes.append(f"removed what interrupted runs left in {out}: {', '.join(sorted(found))}")


def restore_old_layout(out: Path, notes: list[str]) -> None:
    """An earlier version killed between its two renames left no ``out`` but ``.reports.old-PID``:
    that was the last good set, so it becomes ``out`` again before anything else."""
    if out.exists() or not out.parent.is_dir():
        return
    sibling = re.compile(_OLD_SIBLING.format(name=re.escape(out.name)))
    olds = sorted((p for p in out.parent.iterdir() if sibling.match(p.name) and ".old-" in p.name),
                  key=lambda p: p.stat().st_mtime)
    if olds and not _alive(int(sibling.match(olds[-1].name).group(2))):
        os.rename(olds[-1], out)
        notes.append(f"restored {out} from {olds[-1].name}, left by an interrupted run of an earlier version")

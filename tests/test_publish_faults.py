"""Kill `indicators run` at every step of publishing and at random moments: the previous set stays
intact and complete each time, and the next run cleans up what the killed one left (staging
folders, unswitched sets, processes). Broken notebooks (a dead kernel, a hung kernel, every
notebook raising) keep the previous pages.

Slow: each run executes two notebooks (`--region 茌平区`: the region and the overview).
"""

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
MARKER = "INDICATORS_TEST_RUN"  # set in the environment of each run: its workers and kernels inherit it


def _env(**extra) -> tuple[dict, str]:
    marker = uuid.uuid4().hex
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
           MARKER: marker, **extra}
    return env, marker


def _start(out: Path, *args: str, **extra) -> tuple[subprocess.Popen, str]:
    env, marker = _env(**extra)
    proc = subprocess.Popen([sys.executable, "-m", "indicators.cli.main", "run", "--region", "茌平区", "--out", str(out),
                             *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, marker


def _run(out: Path, *args: str, **extra) -> tuple[int, str, str]:
    proc, marker = _start(out, *args, **extra)
    _, err = proc.communicate(timeout=900)
    return proc.returncode, err, marker


def _marked(marker: str) -> list[int]:
    """Processes whose environment holds this run's marker (workers, kernels), still alive."""
    found = []
    for p in psutil.process_iter(["pid"]):
        try:
            if p.environ().get(MARKER) == marker and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p.pid)
        except psutil.Error:
            continue
    return found


def _no_orphans(marker: str, wait: float = 15.0) -> None:
    """Workers die with the client (PDEATHSIG), kernels within a second or two of their worker."""
    deadline = time.monotonic() + wait
    while _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _marked(marker) == [], "processes of a killed run are still alive"


def _snapshot(out: Path) -> dict:
    """The current set: where it points, and every file in it by name."""
    target = (out / "current").resolve(strict=True)
    return {"target": target, "files": {p.relative_to(target).as_posix(): p.read_bytes()
                                        for p in sorted(target.rglob("*")) if p.is_file()}}


def _assert_complete(out: Path, good: dict) -> None:
    """``current`` resolves to a set whose index links only pages that exist; every page is the good
    run's page byte for byte (same inputs); when the set did not change, every file is."""
    now = _snapshot(out)
    index = now["files"]["index.html"].decode("utf-8")
    links = set(re.findall(r'href="([^"#:]+\.html)"', index))
    inside = {link for link in links if not link.startswith("../")}  # ../runs/<id>/: the archive, beside sets/
    assert inside and all(link in now["files"] for link in inside)
    assert all(os.path.isfile(os.path.normpath(out / "current" / link)) for link in links - inside)
    pages = {k for k in good["files"] if k.endswith(".html") and k != "index.html"}
    assert {k: now["files"].get(k) for k in pages} == {k: good["files"][k] for k in pages}
    if now["target"] == good["target"]:
        assert now["files"] == good["files"]
    assert (out / "index.html").read_text(encoding="utf-8").count("current/index.html") == 2
    assert (out / "README.md").read_text(encoding="utf-8") == "tracked\n"


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "sets").iterdir() if p.name.startswith(".")) + sorted(
        p.name for p in out.iterdir() if p.name.startswith(".current-"))


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    out = tmp_path_factory.mktemp("faults") / "reports"
    out.mkdir()
    (out / "README.md").write_text("tracked\n", encoding="utf-8")
    t0 = time.monotonic()
    code, err, marker = _run(out)
    assert code == 0, err
    _no_orphans(marker)
    return out, _snapshot(out), time.monotonic() - t0


def test_kills_at_every_step_and_at_random_moments_leave_a_complete_set(good):
    out, first, seconds = good
    # a kill at each step of the switch (the test hook: like kill -9 there)
    for step in ("staged", "renamed", "switched", "removing"):
        code, err, marker = _run(out, INDICATORS_FAULT=step)
        assert code == 137, err
        _assert_complete(out, first)
        _no_orphans(marker)
        if step == "staged":
            assert _leftovers(out)  # its staging folder: the next run removes it
        if step == "renamed":
            assert _leftovers(out) == []  # the kill at "staged" left one: this run removed it first
    # real signals at random moments of a run (seeded: the same moments every time)
    rnd = random.Random(20)
    for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT):
        proc, marker = _start(out)
        time.sleep(rnd.uniform(0.5, seconds))
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
        _assert_complete(out, first)
        _no_orphans(marker)
        if sig != signal.SIGKILL and proc.returncode != 0:  # ended by the signal, not finished first
            # during the run the program cleans up and exits 128 + signal; once Python is shutting
            # down (the set already published) the signal's default action ends it, which a shell
            # reports as the same 128 + signal
            assert proc.returncode in (128 + sig, -sig) and "Traceback" not in err, err
    # the next run cleans up everything the killed ones left (a run's archive folder staged in runs/
    # too), and publishes; whether a random kill left anything depends on the moment it hit
    left = _leftovers(out) + sorted(p.name for p in (out / "runs").iterdir() if p.name.startswith("."))
    code, err, marker = _run(out)
    assert code == 0 and ("removed what interrupted runs left" in err) == bool(left), (left, err)
    assert _leftovers(out) == [] and not [p for p in (out / "runs").iterdir() if p.name.startswith(".")]
    assert len([p for p in (out / "sets").iterdir()]) == 2  # the current set and the one before it
    _assert_complete(out, first)
    _no_orphans(marker)


def _broken_notebooks(tmp_path: Path, region_cell: str | None, overview_cell: str | None) -> Path:
    """The project's notebooks with a cell added after the parameters (made up by the test)."""
    nbdir = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", nbdir)
    for name, source in (("region_report", region_cell), ("overview", overview_cell)):
        if source:
            nb = nbformat.read(nbdir / f"{name}.ipynb", as_version=4)
            at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])) + 1
            nb.cells.insert(at, nbformat.v4.new_code_cell(source))
            nbformat.write(nb, nbdir / f"{name}.ipynb")
    return nbdir


@pytest.mark.parametrize("cell, args, error", [
    ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", [], "DeadKernel"),  # a dead kernel
    ("import time\ntime.sleep(600)", ["--timeout", "5"], "Timeout"),  # a hung kernel
])
def test_a_region_whose_kernel_dies_or_hangs_keeps_its_previous_page(good, tmp_path, cell, args, error):
    out, first, _ = good
    before = _snapshot(out)
    nbdir = _broken_notebooks(tmp_path, cell, None)
    code, err, marker = _run(out, *args, INDICATORS_NOTEBOOKS=str(nbdir))
    assert code == 1 and "FAILED 茌平区" in err and error in err and "previous page is kept" in err, err
    now = _snapshot(out)
    assert now["target"] != before["target"]  # the overview was new: a new set was switched in
    page = next(k for k in first["files"] if k.startswith("chiping-district-"))
    assert now["files"][page] == first["files"][page]  # the region's page of the good run, byte for byte
    index = now["files"]["index.html"].decode("utf-8")
    made = re.search(r"保留 (.+?) 运行生成的页面", index)
    assert made and f'<a class="kept" href="{page}">' in index
    # the time of the run that made the page, not of the one that kept it (kept twice: still the first)
    made_by = json.loads(before["files"]["run.json"])["pages"][page]
    meta = json.loads(now["files"]["run.json"])
    assert made.group(1) == made_by != meta["time"] and meta["failed"][0]["kept_from"] == made_by
    _no_orphans(marker)


def test_when_every_notebook_fails_the_previous_set_stays_current(good, tmp_path):
    out, first, _ = good
    before = _snapshot(out)
    boom = "raise RuntimeError('every notebook fails')"
    code, err, marker = _run(out, INDICATORS_NOTEBOOKS=str(_broken_notebooks(tmp_path, boom, boom)))
    assert code == 1 and "nothing was published" in err and "Traceback" not in err, err
    assert _snapshot(out) == before
    assert _leftovers(out) == []
    _no_orphans(marker)


def test_a_read_only_out_fails_cleanly_and_keeps_the_set(good):
    out, first, _ = good
    before = _snapshot(out)
    proc = subprocess.run(["mount", "--bind", "-o", "ro", str(out), str(out)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount read-only here: {proc.stderr.strip()}")
    try:
        code, err, marker = _run(out)
    finally:
        subprocess.run(["umount", "-l", str(out)], capture_output=True)
    assert code == 1 and "publish.read_only" in err and str(out) in err and "Traceback" not in err, err
    assert _snapshot(out) == before
    _no_orphans(marker)


def test_a_full_disk_fails_cleanly_and_keeps_the_set(good):
    out, first, _ = good
    before = _snapshot(out)
    code, err, marker = _run(out, INDICATORS_FAULT="enospc:staged")
    assert code == 1 and "publish.disk_full" in err and "Traceback" not in err, err
    assert _snapshot(out) == before and _leftovers(out) == []
    _no_orphans(marker)


def test_two_runs_racing_both_publish(good):
    """The old swap crashed the second run with `OSError: Directory not empty`; now the second waits
    for the lock (only around the switch: both execute their notebooks at the same time)."""
    out, first, _ = good
    runs = [_start(out) for _ in range(2)]
    results = [(proc.communicate(timeout=900)[1], proc.returncode, marker) for proc, marker in runs]
    for err, code, marker in results:
        assert code == 0 and "Traceback" not in err, err
        _no_orphans(marker)
    _assert_complete(out, first)
    assert _leftovers(out) == [] and len(list((out / "sets").iterdir())) == 2

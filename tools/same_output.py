"""Same output before and after a change: the assessment table and the reports of two revisions.

    python tools/same_output.py [--base 2c5929a] [--head WORKTREE] [--twice] [--keep DIR]

For each revision (a commit, or ``WORKTREE`` for this checkout as it is on disk) it builds, with
the project's venv Python and ``PYTHONPATH`` pointing at that revision's ``src``:

- ``indicators assess --format csv`` (every region, zh and en): ``assess-zh.csv``, ``assess-en.csv``;
- ``indicators run --out reports``: every page, ``run.json`` and anything under ``failed/``.

A commit is checked out with ``git worktree add --detach`` into a temporary directory (removed at the
end). The files of the two builds are compared byte for byte and every differing file is listed.
``index.html`` and ``run.json`` state the run's time, so they are compared twice: as written, and
with the time masked (``--twice`` builds the head a second time, to show what differs between two
runs of one revision). Exit status 0 when everything but the run time is identical.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = os.environ.get("INDICATORS_PYTHON") or sys.executable
# the run's time, the only thing two runs of one revision may state differently
TIME = re.compile(rb"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC|(?:\d{4}|none)-\d{8}T\d{6}Z(?:-\d+)?")  # and the run id
TIMED = ("index.html", "run.json")


def _checkout(rev: str, tmp: Path) -> Path:
    if rev.upper() == "WORKTREE":
        return ROOT
    where = tmp / f"rev-{re.sub(r'[^0-9A-Za-z]+', '-', rev)}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(where), rev], check=True)
    return where


def _indicators(src: Path, args: list[str], cwd: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("INDICATORS_PLANS", "INDICATORS_SCHEDULER",
                                                            "INDICATORS_NOTEBOOKS")}
    env["PYTHONPATH"] = str(src.resolve())  # absolute: the notebook kernels inherit it and run elsewhere
    code = "import sys; from indicators.cli.main import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.run([PYTHON, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"indicators {' '.join(args)} failed in {src}:\n{proc.stderr[-3000:]}")


def build(checkout: Path, out: Path) -> Path:
    """The assessment CSVs and the reports of one checkout, written under ``out``."""
    out.mkdir(parents=True)
    src = checkout / "src"
    for lang in ("zh", "en"):
        _indicators(src, ["assess", "--format", "csv", "--lang", lang, "-o", str(out / f"assess-{lang}.csv")], checkout)
    _indicators(src, ["run", "--out", str(out / "reports")], checkout)
    return out


def _files(d: Path) -> dict[str, bytes]:
    """Every file under ``d``; reports of the published-set layout (reports/current -> sets/<id>) are
    read through ``current``, so they compare with an earlier layout's reports/ page by page (the
    archive, reports/runs/<run id>/, holds the same pages under a name that is the run's time)."""
    files = {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}
    current = d / "reports" / "current"
    if current.is_dir():
        files = {k: v for k, v in files.items() if not k.startswith(("reports/sets/", "reports/current/", "reports/runs/"))
                 and k not in ("reports/index.html", "reports/.lock")}
        files.update({f"reports/{k}": v for k, v in _files(current.resolve()).items()})
    return files


def compare(a: Path, b: Path) -> tuple[list[str], list[str]]:
    """(files that differ as written, files that differ even with the run time masked)."""
    fa, fb = _files(a), _files(b)
    differ, differ_masked = [], []
    for name in sorted(set(fa) | set(fb)):
        x, y = fa.get(name), fb.get(name)
        if x == y:
            continue
        differ.append(name if x is not None and y is not None else f"{name} (only in {'base' if y is None else 'head'})")
        masked = x is not None and y is not None and Path(name).name in TIMED and TIME.sub(b"<time>", x) == TIME.sub(b"<time>", y)
        if not masked:
            differ_masked.append(differ[-1])
    return differ, differ_masked


def _report(title: str, a: Path, b: Path) -> bool:
    differ, differ_masked = compare(a, b)
    n = len(_files(a))
    print(f"{title}: {n} files; {len(differ)} differ as written, {len(differ_masked)} with the run time masked")
    for name in differ:
        print(f"  {'DIFFERS' if name in differ_masked else 'time only'}: {name}")
    return not differ_masked


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="2c5929a", help="revision before the change (2c5929a)")
    ap.add_argument("--head", default="WORKTREE", help="revision after the change (WORKTREE: this checkout)")
    ap.add_argument("--twice", action="store_true", help="also build the head twice and compare the two")
    ap.add_argument("--keep", type=Path, help="keep the builds in this directory")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="same-output-"))
    builds = args.keep or tmp / "builds"
    checkouts = []
    try:
        same = True
        heads = [_checkout(args.head, tmp)]
        checkouts.append(heads[0])
        base = _checkout(args.base, tmp)
        checkouts.append(base)
        out_base = build(base, builds / "base")
        out_head = build(heads[0], builds / "head")
        same &= _report(f"{args.base} vs {args.head}", out_base, out_head)
        if args.twice:
            out_again = build(heads[0], builds / "head-again")
            same &= _report(f"{args.head} twice", out_head, out_again)
        print("SAME OUTPUT" if same else "OUTPUT DIFFERS")
        return 0 if same else 1
    finally:
        for c in checkouts:
            if c != ROOT:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(c)], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

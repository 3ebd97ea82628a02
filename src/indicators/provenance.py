"""Where a run's inputs come from: the sha256 of a file, and the input records of ``run.json``.

The one home of the sha256 helper: the catalogue checks its bundled source texts with it, the
runner records every input file with it.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from pathlib import Path

__all__ = ["PACKAGE", "sha256_file", "file_stamps", "remember", "shown_path", "plan_dir_record", "input_records",
           "run_record"]

# where the package's own files are (catalogue, sources, templates), and the project checkout around it
PACKAGE = Path(__file__).resolve().parent
_HOME = PACKAGE.parents[1]  # the project checkout (or site-packages' parent)


def run_record(folder: str | Path, strict: bool = False) -> dict:
    """The ``run.json`` a run wrote into ``folder`` (a published set or ``runs/<run id>/``): the one reader
    of it. A missing or unreadable one is {} (a set of an earlier version, a folder being cleared), or the
    OSError / ValueError with ``strict``, for a caller that was asked for that run."""
    import json

    try:
        meta = json.loads((Path(folder) / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        if strict:
            raise
        return {}
    return meta if isinstance(meta, dict) else {}


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def shown_path(path: str | Path) -> str:
    """A path as published in the index: relative to the package's home or the working directory,
    never the planner's absolute local path."""
    p = Path(path).resolve()
    for base in (_HOME, PACKAGE, Path.cwd()):
        try:
            return str(p.relative_to(base))
        except ValueError:
            continue
    return p.name


def input_records(files: list[str]) -> list[dict]:
    """{path, sha256} of every input file that exists, paths as ``shown_path`` gives them."""
    return [{"path": shown_path(f), "sha256": sha256_file(f)} for f in files if Path(f).exists()]


def plan_dir_record(d: Path) -> dict:
    """A planner's plan directory as run.json records it: its absolute path and the hash of every
    file in it (plans, local indicators.yaml and regions.yaml, source texts), hidden files aside."""
    files = [d] if d.is_file() else sorted(f for f in d.rglob("*") if f.is_file()
                                           and not any(x.startswith(".") for x in f.relative_to(d).parts))
    return {"path": str(d), "files": {(f.name if f == d else f.relative_to(d).as_posix()): sha256_file(f)
                                      for f in files}}


def file_stamps(*paths: Path) -> tuple:
    """(path, modification time, size) of each file: the key under which a file read once per
    process is read again only when it has changed."""
    return tuple((str(p), st.st_mtime_ns, st.st_size) for p in paths for st in [Path(p).stat()])


def remember(cache: OrderedDict, key, build, keep: int):
    """``cache[key]``, built by ``build()`` the first time: what is read once per process (the bundled
    vocabulary, regions and source texts; the bundled plans and actuals through
    ``plans.regions.remember_by_answers``), keeping the ``keep`` entries used last."""
    if key in cache:
        cache.move_to_end(key)
    else:
        cache[key] = build()
        while len(cache) > keep:
            cache.popitem(last=False)
    return cache[key]

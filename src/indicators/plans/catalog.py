"""The target catalogue: every yearly target of every plan, exactly as published, with its source.

Plans live as one YAML file per source document (see ``catalog/README.md``). Loading checks each
file completely and reports every problem at once: unknown indicator keys, bad comparators,
numbers that cannot be read, and quotes that cannot be found in the source text. The value in
the canonical unit is always computed from the written text, never typed by hand. Reading one
plan file is ``plan_file.py``; this module gathers the files, the vocabulary and regions (bundled
and a planner's own) and the bundled source texts into a ``Catalog``.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ..errors import CatalogError, Problem
from .plan_file import Plan, plan_files, read_plan_file
from ..provenance import file_stamps, remember, sha256_file
from .regions import BUNDLED as BUNDLED_REGIONS
from .regions import Regions, load_regions, remember_by_answers
from .vocabulary import BUNDLED as BUNDLED_VOCABULARY
from .vocabulary import Vocabulary, load_vocabulary
from ..provenance import PACKAGE

__all__ = ["Catalog", "load_catalog", "plan_dirs_from_env", "reading_digest", "TARGET_COLUMNS", "CATALOG_DIR", "SOURCES_DIR"]

CATALOG_DIR = PACKAGE / "catalog"
SOURCES_DIR = PACKAGE / "sources"

TARGET_COLUMNS = [
    "plan", "region", "region_en", "indicator", "indicator_zh", "indicator_en", "year", "year_note",
    "year_note_en", "value", "value_high", "comparator", "tolerance", "unit", "unit_written", "written", "kind", "domain",
    "direction", "breakdown", "definition", "clause", "quote", "numerator", "denominator", "decimals", "note",
    "target_id", "file", "line",
]


@dataclass
class Catalog:
    """Plans, the tidy targets table (one row per published number), vocabulary and regions."""

    plans: dict[str, Plan]
    targets: pd.DataFrame
    vocabulary: Vocabulary
    regions: Regions
    files: list[str] = field(default_factory=list)

    def select(self, plan: str | None = None, region: str | None = None, domain: str | None = None,
               kind: str | None = None, indicator: str | None = None) -> pd.DataFrame:
        t = self.targets
        for col, val in (("plan", plan), ("domain", domain), ("kind", kind), ("indicator", indicator)):
            if val is not None:
                t = t[t[col] == val]
        if region is not None:
            t = t[t["region"] == (self.regions.named(region) or region)]
        return t.reset_index(drop=True)

    def plans_frame(self) -> pd.DataFrame:
        rows = []
        # counted once for every plan: one pass over the targets, not one per plan (10,000 plans)
        kinds = self.targets.groupby(["plan", "kind"]).size().to_dict()
        for p in self.plans.values():
            rows.append({
                "plan": p.id, "region": p.region, "region_en": self.regions.en(p.region), "level": p.level,
                "title_zh": p.title_zh, "title_en": p.title_en, "document_number": p.document_number,
                "issued": p.issued, "period": f"{p.period[0] or '?'}-{p.period[1]}" if p.period else None,
                "domain": p.domain, "targets": int(kinds.get((p.id, "target"), 0)),
                "baselines": int(kinds.get((p.id, "baseline"), 0)), "rules": int(kinds.get((p.id, "rule"), 0)),
                "source": p.source,
            })
        return pd.DataFrame(rows)


def plan_dirs_from_env() -> list[Path]:
    raw = os.environ.get("INDICATORS_PLANS", "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]


def _bundled_sources() -> tuple[dict[str, str], list[Problem]]:
    """Bundled source texts, refusing any whose bytes differ from the recorded sha256; read and hashed
    once per process while no file of the folder changes."""
    stamps = file_stamps(*sorted(p for p in SOURCES_DIR.iterdir() if p.is_file()))
    texts, problems = remember(_BUNDLED, ("sources", stamps), _read_sources, _KEEP)
    return dict(texts), list(problems)


def _read_sources() -> tuple[dict[str, str], list[Problem]]:
    meta_path = SOURCES_DIR / "sources.yaml"
    meta = (yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}).get("sources", {})
    texts, problems = {}, []
    for name, m in meta.items():
        p = SOURCES_DIR / name
        if not p.exists():
            problems.append(Problem(str(meta_path), "source.missing", f"{p}", row=name))
            continue
        digest = sha256_file(p)
        if digest != m.get("sha256"):
            problems.append(Problem(str(p), "source.sha256_mismatch", str(m.get("sha256")), value=digest))
            continue
        texts[name] = p.read_text(encoding="utf-8")
    return texts, problems


def load_catalog(plans: list[str | Path] | str | Path | None = None, *, bundled: bool = True,
                 env: bool = True, include_drafts: bool = False) -> Catalog:
    """Load the bundled plans plus any planner directories (``plans`` or $INDICATORS_PLANS).

    A planner directory may hold its own ``indicators.yaml`` and ``regions.yaml`` for indicators and
    places the bundled vocabulary does not know. Entries marked ``confirmed: false`` (drafts) are
    refused unless ``include_drafts``. Raises CatalogError listing every problem found.
    """
    if isinstance(plans, (str, Path)):
        plans = [plans]
    dirs = [Path(d) for d in (plans or [])] + (plan_dirs_from_env() if env else [])
    problems: list[Problem] = []
    files: list[Path] = list(plan_files(CATALOG_DIR)) if bundled else []
    vocab, regions = _with_planner_dirs(dirs, files, problems)
    texts, src_problems = _bundled_sources()
    problems.extend(src_problems)
    plans_out: dict[str, Plan] = {}
    rows: list[dict] = []
    cache: dict[Path, str] = {}
    # what a bundled plan is read with: the vocabulary and source texts, and every file of its folder (a
    # plan may quote a file beside it); of the regions, only the answers to what its reading asks
    reading = (reading_digest(vocab, texts), file_stamps(*sorted(p for p in CATALOG_DIR.iterdir() if p.is_file())))
    for path in files:
        if path.parent == CATALOG_DIR:
            plan, prow, pprob = _bundled_plan(path, vocab, regions, texts, include_drafts, reading)
        else:
            plan, prow, pprob = read_plan_file(path, vocab, regions, texts, cache, include_drafts)
        problems.extend(pprob)
        if plan is None:
            continue
        if plan.id in plans_out:
            problems.append(Problem(str(path), "plan.duplicate_id", f"an id not already used by {plans_out[plan.id].file}",
                                    column="id", value=plan.id, facts=(("case", "plans"), ("other", plans_out[plan.id].file))))
            continue
        plans_out[plan.id] = plan
        rows.extend(prow)
    if problems:
        raise CatalogError(problems)
    return Catalog(plans=plans_out, targets=_targets_frame(rows), vocabulary=vocab, regions=regions,
                   files=[str(p) for p in files])


# The bundled files as read in this process: every command, notebook and JupyterLab cell loads the
# catalogue, and the bundled part is the same each time. An entry is keyed by the files' stat and by
# what they are read with, so an edited file, a planner's vocabulary or a region the reading asked
# about read them anew (``regions.remember_by_answers``); the readings of the last few vocabularies are kept.
_BUNDLED: OrderedDict = OrderedDict()
_KEEP = 64  # entries: one per bundled plan file and reading, a few readings


def reading_digest(vocab: Vocabulary, texts: dict[str, str] | None = None) -> str:
    """What files are read with (the vocabulary, a planner's included, and the source texts quotes are
    checked against), as a digest: part of the key of the per-process readings; what a reading asks
    of the regions is the other part (``regions.remember_by_answers``)."""
    import hashlib
    import pickle

    return hashlib.sha256(pickle.dumps((sorted(vocab.indicators.items()), sorted((texts or {}).items())))).hexdigest()


def _bundled_plan(path: Path, vocab: Vocabulary, regions: Regions, texts: dict[str, str], include_drafts: bool,
                  reading: tuple) -> tuple[Plan | None, list[dict], list[Problem]]:
    """``read_plan_file`` of a bundled plan, once per process for what it is read with; the caller
    gets its own rows."""
    plan, rows, problems = remember_by_answers(
        _BUNDLED, ("plan", str(path), reading, include_drafts), regions,
        lambda asking: read_plan_file(path, vocab, asking, texts, {}, include_drafts), _KEEP)
    return plan, [dict(r) for r in rows], list(problems)


def _bundled_vocabulary_and_regions() -> tuple[Vocabulary, Regions]:
    """The bundled indicators.yaml and regions.yaml, read once per process; each caller gets its own
    mappings."""
    vocab, regions = remember(_BUNDLED, ("base", file_stamps(BUNDLED_VOCABULARY, BUNDLED_REGIONS)),
                              lambda: (load_vocabulary(BUNDLED_VOCABULARY), load_regions(BUNDLED_REGIONS)), _KEEP)
    return Vocabulary(dict(vocab.indicators), dict(vocab.overridden)), Regions(dict(regions.regions))


def _with_planner_dirs(dirs: list[Path], files: list[Path], problems: list[Problem]) -> tuple[Vocabulary, Regions]:
    """The bundled vocabulary and regions plus each planner directory's own; its plan files (or a
    plan file given directly) are appended to ``files``."""
    vocab, regions = _bundled_vocabulary_and_regions()
    for d in dirs:
        if not d.exists():
            problems.append(Problem(str(d), "file.no_plans_dir", "a directory of plan YAML files",
                                    facts=(("case", "plans"),)))
            continue
        if d.is_file():
            files.append(d)
            continue
        if (d / "indicators.yaml").exists():
            vocab = vocab.merged(load_vocabulary(d / "indicators.yaml"))
        if (d / "regions.yaml").exists():
            regions = regions.merged(load_regions(d / "regions.yaml", known_parents=frozenset(regions.regions)))
        files.extend(plan_files(d))
    return vocab, regions


def _targets_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    frame["year"] = frame["year"].astype("Int64")
    frame["line"] = frame["line"].astype("Int64")
    for c in ("value", "value_high", "tolerance", "numerator", "denominator"):
        frame[c] = frame[c].astype("float64")
    return frame

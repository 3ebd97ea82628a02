"""Run the report notebooks with papermill and publish them as offline HTML.

``run`` validates the inputs first (a bad actuals file or a corrupt notebook stops everything before
a single notebook runs), executes ``region_report`` once per region and ``overview`` once in worker
processes, exports each executed notebook to a single self-contained HTML file (inputs hidden,
images embedded, no script or stylesheet from any other host), writes ``index.html`` with run
metadata into a new set and then switches ``<out>/current`` to it (``sets``). A failed run leaves the
previous reports untouched; a region whose notebook fails keeps its executed notebook under
``failed/``, is listed as failed with the cell that raised, and keeps its previous page.

The steps live in four modules: this one (inputs, jobs, collecting results, run.json), ``execute``
(papermill on a process pool or a Dask cluster), ``publish`` (pages, index, PDFs, kept pages) and
``sets`` (the published sets, the lock, the switch, the cleanup after a kill).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..version import __version__
from ..rules import Thresholds
from ..errors import IndicatorsError, Problem, ValidationError
from ..parallel import scheduler_from_env
from ..words.explain import INDEX_WORDS
from .execute import describe_cell, kernel_name, local_workers, on_dask, on_pool
from ..provenance import input_records, plan_dir_record, shown_path
from . import sets
from .publish import index_html, keep, keep_previous, page_times, pdfs
from ..provenance import PACKAGE

__all__ = ["run", "RunResult", "notebooks_dir", "slug"]

DEFAULT_TIMEOUT = 600  # seconds per cell


def notebooks_dir() -> Path:
    env = os.environ.get("INDICATORS_NOTEBOOKS")
    if env:
        return Path(env)
    repo = PACKAGE.parents[1] / "notebooks"
    if (repo / "region_report.ipynb").exists():
        return repo
    return PACKAGE / "_notebooks"


def slug(region: str, region_en: str | None = None) -> str:
    """A safe file name for a region: ASCII letters, digits and dashes only (no path traversal)."""
    base = re.sub(r"[^a-z0-9]+", "-", (region_en or "").lower()).strip("-")[:40]
    digest = hashlib.sha1(region.encode("utf-8")).hexdigest()[:6]
    return f"{base}-{digest}" if base else f"region-{digest}"


@dataclass
class RunResult:
    out: Path
    reports: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    published: bool = True  # False when no notebook succeeded: the previous set stays current
    set_id: str | None = None  # the folder under <out>/sets/ that ``out`` (<out>/current) points to

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass
class _Inputs:
    """What a run reads before anything executes: validated, so a bad input stops it first."""

    catalog: object
    act: object
    actual_files: list[Path]
    plan_dirs: list[Path]
    regions: list[str]
    nbdir: Path
    texts: dict[str, str]  # notebook name -> its text, read and checked once


def run(regions: list[str] | None = None, actuals: list[str | Path] | None = None, as_of: int | None = None,
        lang: str = "zh", jobs: int = 2, out: str | Path = "reports", plans: list[str | Path] | None = None,
        domain: str = "vocational", timeout: int = DEFAULT_TIMEOUT, progress: bool = True,
        input_region: str | None = None, on_track: float = Thresholds.on_track, at_risk: float = Thresholds.at_risk,
        scheduler: str | None = None, pdf: bool = False) -> RunResult:
    """Execute and publish the whole suite. Raises on invalid inputs before writing anything.

    ``scheduler``: None runs the notebooks in ``jobs`` local processes; ``"local"`` in a Dask
    LocalCluster of ``jobs`` worker processes; ``"tcp://host:8786"`` on a running Dask cluster
    ($INDICATORS_SCHEDULER when not given). The pages are the same whichever way.
    ``pdf``: also print each page to an A4 PDF with headless Chromium, if one is installed
    (``RunResult.notes`` says when none is; the HTML is written anyway).

    ``input_region``: region of a wide planner file whose sheets are not named by region;
    ``on_track``/``at_risk``: the p_meet thresholds, as in ``indicators assess``."""
    from ..reports.context import build_context

    t0 = time.perf_counter()
    out = Path(out).resolve()
    inp = _read_inputs(regions, actuals, plans, input_region, progress)
    scheduler = scheduler_from_env(scheduler)
    base = {"actuals": [str(a) for a in inp.actual_files], "as_of": as_of, "lang": lang,
            "plans": [str(p) for p in inp.plan_dirs], "on_track": on_track, "at_risk": at_risk}
    result = RunResult(out=out / "current")
    # the local workers start (and warm their kernels) while the context is computed
    with sets.os_errors(out), sets.interruptible(), local_workers(scheduler, jobs) as pool:
        # computed once (verdicts and chart paths from one fit), then cut into one small file per notebook;
        # it records the parameters the notebooks get, so that a notebook given others recomputes
        ctx = build_context(base["plans"], base["actuals"], as_of=as_of, lang=lang, on_track=on_track,
                            at_risk=at_risk, catalog=inp.catalog, act=inp.act, jobs=jobs,
                            regions=inp.regions)  # only the regions asked for are judged and charted
        # planner rows that match no region are named, never silently left out
        result.notes += [w.line() for w in inp.act.warnings if w.severity == "warning"]
        sets.restore_old_layout(out, result.notes)
        staging = sets.staging_dir(out)
        try:
            jobs_list, region_domains = _jobs(inp, base, domain, timeout, ctx,
                                              kernel=None if scheduler else kernel_name())
            _execute_all(jobs_list, ctx, staging, result, scheduler, jobs, progress, pool)
            if pdf:
                pdfs(result)
            shutil.rmtree(staging / "_executed", ignore_errors=True)
            summary = _summary(ctx.assessment, inp.regions, region_domains)
            with sets.lock(out, say=(lambda m: print(m, file=sys.stderr)) if progress else (lambda m: None)):
                _publish(staging, out, result, lambda: _meta(inp, base, domain, jobs, input_region, scheduler,
                                                             result), summary, lang)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # gone already when the set was switched in
    result.seconds = round(time.perf_counter() - t0, 1)
    return result


def _publish(staging: Path, out: Path, result: RunResult, meta, summary: dict, lang: str) -> None:
    """Under the lock: the previous set's page for each failed region, the index, run.json, the
    switch. When no notebook succeeded nothing is switched: the previous set stays current."""
    sets.clean_stale(out, staging, result.notes)
    before = sets.previous_set(out)
    if not result.reports:
        result.published = False
        shown = out / "current" if before is not None and before != out else out
        for r in result.failed:
            r["notebook"] = None  # the staging folder goes: nothing of this run is published
            if before is not None and (before / f"{r['key']}.html").is_file():
                r["kept"] = str(shown / f"{r['key']}.html")  # still published: the previous set stays
        result.notes.append(f"nothing was published: no notebook succeeded; {out / 'current'} still shows "
                            + ("the previous reports" if before else "no reports yet"))
        return
    keep_previous(result, before, staging)
    m = meta()
    m["pages"] = page_times(result, m["time"])
    (staging / "index.html").write_text(index_html(result, m, summary, lang), encoding="utf-8")
    (staging / "run.json").write_text(json.dumps(m, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    set_id = sets.new_set_id()
    result.set_id = set_id
    sets.switch(staging, out, set_id, result.notes)
    _repoint(result, staging, out / "current")


def _read_inputs(regions, actuals, plans, input_region, progress) -> _Inputs:
    """Catalogue, actuals and the regions asked for, resolved (a region argument is trimmed and read
    as a known name, with a note), and the notebooks: every failure here raises before any output."""
    from ..actuals.load import load_actuals
    from ..plans.catalog import load_catalog
    from ..reports.context import as_paths

    nbdir = notebooks_dir()
    texts = _notebook_texts(nbdir)  # a corrupt notebook is found first, before the catalogue loads
    actual_files = [a.resolve() for a in as_paths(actuals)]
    plan_dirs = [p.resolve() for p in as_paths(plans)]
    catalog = load_catalog(plan_dirs or None)
    act = load_actuals(actual_files, catalog=catalog, region=input_region)  # raises ValidationError: nothing is written
    known = sorted({p.region for p in catalog.plans.values()})
    if regions:
        chosen = []
        for r in regions:
            name, note = catalog.regions.resolve(r, among=known)  # RegionError names the closest
            if note and progress:
                print(f"note: {note}", file=sys.stderr)
            chosen.append(name)
        regions = list(dict.fromkeys(chosen))
    else:
        regions = known
    return _Inputs(catalog, act, actual_files, plan_dirs, regions, nbdir, texts)


def _notebook_texts(nbdir: Path) -> dict[str, str]:
    """The two notebooks as text, each read as JSON first: a missing, corrupt or unreadable one stops
    the run before any work, with the file named. (json, not nbformat: importing nbformat's schema
    validator alone takes seconds, and papermill validates the notebook anyway.)"""
    texts, problems = {}, []
    for name in ("overview", "region_report"):
        path = nbdir / f"{name}.ipynb"
        if not path.exists():
            raise IndicatorsError(f"notebook {path.name} not found in {nbdir}; set INDICATORS_NOTEBOOKS")
        try:
            texts[name] = path.read_text(encoding="utf-8")
            nb = json.loads(texts[name])
            if not (isinstance(nb, dict) and isinstance(nb.get("cells"), list) and nb.get("nbformat") == 4):
                raise ValueError("JSON, but not a notebook of nbformat 4 (no list of cells)")
        except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            problems.append(Problem(file=str(path), code="file.bad_notebook", value=str(exc).strip()[:200],
                                    expected="a Jupyter notebook (nbformat 4 JSON)"))
    if problems:
        raise ValidationError(problems, title="notebook unreadable")
    return texts


def _jobs(inp: _Inputs, base: dict, domain: str, timeout: int, ctx, kernel: str | None) -> tuple[list[dict], dict]:
    """One job per notebook (the overview, then each region), longest first; and each region's domain.

    The kernel is chosen where the notebook runs when ``kernel`` is None (a Dask worker may lack the
    project's kernel)."""
    catalog = inp.catalog
    texts = inp.texts
    jobs_list = [{"key": "overview", "region": None, "notebook_text": texts["overview"],
                  "parameters": {**base, "domain": domain}, "title": INDEX_WORDS["zh"]["overview"], "kernel": kernel,
                  "timeout": timeout}]
    region_domains = {}
    for region in inp.regions:
        doms = {p.domain for p in catalog.plans.values() if p.region == region}
        # a region whose plans are all off-domain gets a report in its own domain
        region_domains[region] = domain if domain in doms or domain == "all" else sorted(doms)[0]
        jobs_list.append({"key": slug(region, catalog.regions.en(region)), "region": region,
                          "region_en": catalog.regions.en(region), "notebook_text": texts["region_report"],
                          "parameters": {**base, "region": region, "domain": region_domains[region]},
                          "title": f"{region} {catalog.regions.en(region)}", "kernel": kernel,
                          "timeout": timeout})
    # longest first (charts dominate: one per indicator), so two workers finish together
    cost = ctx.assessment.groupby("region")["indicator"].nunique().to_dict()
    jobs_list.sort(key=lambda j: -cost.get(j["region"], len(cost)))
    return jobs_list, region_domains


def _execute_all(jobs_list: list[dict], ctx, staging: Path, result: RunResult, scheduler: str | None, jobs: int,
                 progress: bool, pool=None) -> None:
    """Run every job on the pool or the cluster; keep each result in staging as it arrives. Each
    notebook gets its own context file (a region's: its targets, actuals, parents' series, verdicts
    and paths; the overview's: the verdicts), read by the worker (pool) or sent with the job (Dask)."""
    from tqdm import tqdm

    from ..reports.context import save_contexts

    (staging / "_executed").mkdir()
    files = save_contexts(ctx, staging / "_executed" / "contexts", {j["region"]: j["key"] for j in jobs_list
                                                                   if j["region"] is not None})
    for j in jobs_list:
        j["context"] = str(files[j["region"]])
    done = on_dask(jobs_list, scheduler, jobs) if scheduler else on_pool(jobs_list, jobs, pool)
    try:
        for job, fut in tqdm(done, total=len(jobs_list), desc="notebooks", unit="nb", disable=not progress,
                             file=sys.stderr):
            try:
                r = fut.result()
            except Exception as exc:  # the worker itself failed (died, lost): this region failed
                r = {"key": job["key"], "region": job.get("region"), "error": f"{type(exc).__name__}: {exc}",
                     "cell": None, "html_text": None, "notebook_text": None, "log_text": "", "seconds": None}
            r["region_en"] = job.get("region_en")
            keep(r, job, staging)
            (result.failed if r["error"] else result.reports).append(r)
    finally:
        done.close()  # now, not when the garbage collector gets to it: the workers are ended at once
    result.failed.sort(key=lambda r: r["key"])
    for r in result.failed:
        if r.get("cell"):
            result.notes.append(f"{r['region'] or r['key']}: the notebook failed in {describe_cell(r['cell'])}")


def _summary(assessment, regions: list[str], region_domains: dict) -> dict:
    """Status counts per region, in the domain its report shows."""
    summary = {}
    for region in regions:
        a = assessment[assessment["region"] == region]
        if region_domains[region] != "all":
            a = a[a["domain"] == region_domains[region]]
        summary[region] = a["status"].value_counts().to_dict()
    return summary


def _meta(inp: _Inputs, base: dict, domain: str, jobs: int, input_region, scheduler, result: RunResult) -> dict:
    """run.json: time, version, parameters (paths as published), every input file with its sha256."""
    files = list(dict.fromkeys(inp.act.files + [str(a) for a in inp.actual_files] + inp.catalog.files))
    shown = {k: v for k, v in base.items() if k != "context"}
    shown["actuals"] = [shown_path(a) for a in shown["actuals"]]
    shown["plans"] = [shown_path(p) for p in shown["plans"]]
    return {"time": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"), "version": __version__,
            "parameters": {**shown, "domain": domain, "regions": inp.regions, "jobs": jobs,
                           "input_region": input_region, "scheduler": scheduler}, "inputs": input_records(files),
            "plan_dirs": [plan_dir_record(d) for d in inp.plan_dirs],
            "failed": [{"region": r["region"], "error": r["error"], **({"cell": r["cell"]} if r.get("cell") else {}),
                        **({"kept_from": r["kept_time"]} if r.get("kept") else {})} for r in result.failed]}


def _repoint(result: RunResult, staging: Path, out: Path) -> None:
    """Paths in the result point into ``out`` (``<out>/current``) once the set has been switched in."""
    for r in result.reports + result.failed:
        for k in ("html", "notebook", "pdf", "kept"):
            if r.get(k):
                r[k] = str(out / Path(r[k]).relative_to(staging)) if str(r[k]).startswith(str(staging)) else r[k]

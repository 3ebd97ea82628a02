"""Run the report notebooks with papermill and publish them as offline HTML.

``run`` validates the inputs first (a bad actuals file or a corrupt notebook stops everything before
a single notebook runs), executes ``region_report`` once per region and ``overview`` once in worker
processes, exports each executed notebook to a single self-contained HTML file (inputs hidden,
images embedded, no script or stylesheet from any other host), writes ``index.html`` with run
metadata into a new set and then switches ``<out>/current`` to it (``sets``). A failed run leaves the
previous reports untouched; a region whose notebook fails keeps its executed notebook under
``failed/``, is listed as failed with the cell that raised, and keeps its previous page.

The steps live in five modules: this one (inputs, jobs, collecting results, run.json, the earlier
run each page is compared with), ``execute`` (papermill on a process pool or a Dask cluster),
``publish`` (pages, index, PDFs, kept pages and the pages of regions not asked for), ``sets`` (the
published sets, the lock, the switch, the cleanup after a kill) and ``archive`` (every run kept
under ``runs/<run id>/``).
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
from .publish import (carry_pages, index_html, keep, keep_previous, page_record, page_times, pdfs,
                      previous_records)
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
        scheduler: str | None = None, pdf: bool = False, docx: bool = False, keep: int | None = None,
        since: str | None = None) -> RunResult:
    """Execute and publish the whole suite. Raises on invalid inputs before writing anything.

    ``scheduler``: None runs the notebooks in ``jobs`` local processes; ``"local"`` in a Dask
    LocalCluster of ``jobs`` worker processes; ``"tcp://host:8786"`` on a running Dask cluster
    ($INDICATORS_SCHEDULER when not given). The pages are the same whichever way.
    ``pdf``: also print each page to an A4 PDF with headless Chromium, if one is installed
    (``RunResult.notes`` says when none is; the HTML is written anyway). ``docx``: also a Word document
    per region page, ``<slug>.docx`` beside it (``reports.document``), from the same context.

    ``input_region``: region of a wide planner file whose sheets are not named by region;
    ``on_track``/``at_risk``: the p_meet thresholds, as in ``indicators assess``.

    The published set grows: the pages of regions not asked for stay as they are, and the run is
    also kept in the archive ``<out>/runs/<run id>/`` (``keep``: the newest N runs; None: all).
    Each region page shows what changed since the previous run of that region (``since``: since
    that archived run instead)."""
    from ..reports.context import build_context

    t0 = time.perf_counter()
    if keep is not None and keep < 1:
        raise IndicatorsError(f"--keep {keep}: keep at least the run itself (1 or more; leave it out to keep all)")
    out = Path(out).resolve()
    inp = _read_inputs(regions, actuals, plans, input_region, progress)
    scheduler = scheduler_from_env(scheduler)
    base = {"actuals": [str(a) for a in inp.actual_files], "as_of": as_of, "lang": lang,
            "plans": [str(p) for p in inp.plan_dirs], "on_track": on_track, "at_risk": at_risk}
    result = RunResult(out=out / "current")
    prev = _previous(out, since, inp.regions)  # an unknown --since stops the run before any work
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
            _attach_previous(jobs_list, prev, lang)
            _execute_all(jobs_list, ctx, staging, result, scheduler, jobs, progress, pool)
            if docx:
                _documents(result, jobs_list, base, region_domains)
            if pdf:
                pdfs(result)
            shutil.rmtree(staging / "_executed", ignore_errors=True)
            summary = _summary(ctx.assessment, inp.regions, region_domains)
            with sets.lock(out, say=(lambda m: print(m, file=sys.stderr)) if progress else (lambda m: None)):
                _publish(staging, out, result, lambda: _meta(inp, base, domain, jobs, input_region, scheduler,
                                                             result), summary, lang,
                         _Publication(ctx.assessment, ctx.as_of, region_domains, prev, keep))
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # gone already when the set was switched in
    result.seconds = round(time.perf_counter() - t0, 1)
    return result


@dataclass
class _Previous:
    """What the run compares with and keeps, read before any notebook runs: the assessment of the
    run compared with (the current set's, or the archived run ``--since``) and its run.json; the
    current set's rows and page records of the regions this run does not make (kept as they are)."""

    frame: object            # assessment (DataFrame) of the run compared with
    run: dict                # its run.json
    kept: object             # assessment rows of the pages kept from earlier runs
    kept_runs: dict          # region -> {"run_id", "time", "as_of"} of the run that made its kept page


@dataclass
class _Publication:
    """What ``_publish`` needs of the run beyond its pages: the assessment, the as-of year, each
    region's domain, what it compares with, and how many archived runs to keep."""

    assessment: object
    as_of: int | None
    domains: dict
    previous: _Previous | None
    keep: int | None = None


_PREVIOUS_COLUMNS = ["region", "region_en", "domain", "indicator", "indicator_zh", "breakdown", "year", "target",
                     "target_high", "comparator", "unit", "meet_low", "meet_high", "as_of", "latest_year",
                     "latest_value", "n_points", "definition", "p_meet", "status", "proxy_region", "target_id"]


def _previous(out: Path, since: str | None, regions: list[str]) -> _Previous | None:
    """The run a new one compares with: the current set (each region's latest page), or the archived
    run ``since``; None on a first run or for a set of an earlier version (no assessment.csv)."""
    from ..verdicts.changes import load_run
    from .archive import find_run

    current = sets.previous_set(out)
    cur = None
    if current is not None and (current / "assessment.csv").is_file():
        try:
            cur = load_run(current)
        except (OSError, ValueError, KeyError):
            cur = None
    base = load_run(find_run(out, since)) if since else cur
    if base is None:
        return None
    frame, meta = base
    kept, kept_runs = frame.iloc[0:0], {}
    if cur is not None:
        asked = set(regions)
        records = [r for r in cur[1].get("reports") or [] if r.get("region") and r["region"] not in asked]
        kept_runs = {r["region"]: {"run_id": r.get("run_id"), "time": r.get("time"), "as_of": r.get("as_of")}
                     for r in records}
        kept = cur[0][cur[0]["region"].isin(set(kept_runs))]
    return _Previous(frame, meta, kept, kept_runs)


def _run_brief(meta: dict) -> dict:
    """The part of a run.json a page states and compares by: id, time, as-of year, thresholds."""
    p = meta.get("parameters") or {}
    return {"run_id": meta.get("run_id"), "time": meta.get("time"), "as_of": meta.get("as_of"),
            "parameters": {k: p.get(k) for k in ("on_track", "at_risk", "lang")}}


def _in_domain(frame, region: str, domain: str):
    f = frame[frame["region"] == region]
    return f if domain == "all" or "domain" not in f else f[f["domain"] == domain]


def _attach_previous(jobs_list: list[dict], prev: _Previous | None, lang: str) -> None:
    """Hand each notebook the earlier run it shows against, as a file the worker writes (no shared
    disk needed): a region page its region's rows of the run compared with (``previous``), the
    overview the rows and runs of the pages kept from earlier runs (``kept``)."""
    from ..writing import to_json_text

    if prev is None:
        return
    brief = _run_brief(prev.run)
    for job in jobs_list:
        if job["region"] is not None:
            rows = prev.frame[prev.frame["region"] == job["region"]]
            if rows.empty:  # a region the earlier run did not judge: nothing to compare with
                continue
            rows = rows[[c for c in _PREVIOUS_COLUMNS if c in rows]]
            text = '{"run": ' + json.dumps(brief, ensure_ascii=False) + ', "rows": ' + to_json_text(rows) + "}\n"
            job.setdefault("attachments", {})["previous"] = ("previous.json", text)
        elif len(prev.kept):
            kept = prev.kept.copy()
            if f"explanation_{lang}" in kept:  # the kept page's sentence in this run's language
                kept["explanation"] = kept[f"explanation_{lang}"]
            text = ('{"runs": ' + json.dumps(prev.kept_runs, ensure_ascii=False) + ', "rows": ' + to_json_text(kept)
                    + "}\n")
            job.setdefault("attachments", {})["kept"] = ("kept.json", text)


def _changes(pub: _Publication, regions: list[str], lang: str, now: dict) -> tuple[object, dict]:
    """This run's changes (every region it made, in its page's domain) against the run compared
    with, and the count of status changes per region: the numbers the pages' sections show."""
    import pandas as pd

    from ..verdicts.changes import CHANGE_COLUMNS, changes, status_changes

    if pub.previous is None:
        return pd.DataFrame(columns=CHANGE_COLUMNS), {}
    frames, counts = [], {}
    for region in regions:
        if not (pub.previous.frame["region"] == region).any():
            continue  # the earlier run did not judge it: no changes to count (its page has no section)
        old = _in_domain(pub.previous.frame, region, pub.domains[region])
        new = _in_domain(pub.assessment, region, pub.domains[region])
        ch = changes(old, new, old_run=pub.previous.run, new_run=now, lang=lang, every=True)
        counts[region] = status_changes(ch)
        frames.append(ch)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CHANGE_COLUMNS), counts


def _publish(staging: Path, out: Path, result: RunResult, meta, summary: dict, lang: str,
             pub: _Publication | None = None) -> None:
    """Under the lock: the previous set's page for each failed region and for each region this run
    was not asked for (the set grows), the index, run.json, assessment.csv and changes.csv, the
    switch, then the run's folder in the archive. When no notebook succeeded nothing is switched:
    the previous set stays current."""
    from . import archive

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
    asked = {r["key"] for r in result.reports + result.failed}
    carried = carry_pages(before, staging, asked)
    olds = previous_records(before)  # a failed region's kept page keeps its record (and its run's time)
    carried += [{**olds[r["key"]], "carried": True} for r in result.failed if r.get("kept") and r["key"] in olds]
    m = meta()
    m["as_of"] = pub.as_of if pub is not None else None
    m["run_id"] = rid = archive.run_id(out, m["as_of"], m["time"])
    m["pages"] = page_times(result, m["time"])
    m["pages"].update({c["html"]: c.get("time") or "?" for c in carried})
    m["pages"] = dict(sorted(m["pages"].items()))
    texts = _tables(pub, result, before, carried, m, lang) if pub is not None else {}
    counts = m.pop("_change_counts", {})
    since = (pub.previous.run.get("run_id") if pub is not None and pub.previous is not None else None)
    records = [page_record(r, summary.get(r["region"]), counts.get(r["region"]), since if r["region"] in counts
                           else None, rid, m["time"], m["as_of"], staging) for r in result.reports]
    # in a fixed order, not the order the pages finished in: the same run writes the same run.json
    m["reports"] = sorted(records, key=_page_order) + sorted(carried, key=_page_order)
    m["changes_count"] = sum(counts.values()) if counts else None
    runs = archive.list_runs(out)
    (staging / "index.html").write_text(index_html(result, m, summary, lang, m["reports"], runs), encoding="utf-8")
    (staging / "run.json").write_text(json.dumps(m, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name, text in texts.items():
        if name != "assessment-run.csv":
            (staging / name).write_text(text, encoding="utf-8")
    own = [staging / f"{r['key']}{s}" for r in result.reports for s in (".html", ".pdf", ".docx")]
    run_meta = {**m, "reports": records}
    alone = RunResult(out=result.out, reports=result.reports,  # the run's own index: no page of another run
                      failed=[{**f, "kept": None} for f in result.failed])
    run_texts = {"index.html": index_html(alone, run_meta, summary, lang, records, runs, "../", archived=rid),
                 "run.json": json.dumps(run_meta, ensure_ascii=False, indent=1) + "\n",
                 **({"assessment.csv": texts["assessment-run.csv"], "changes.csv": texts["changes.csv"]}
                    if texts else {})}
    set_id = sets.new_set_id()
    result.set_id = set_id
    with archive.staged(out) as staged_run:  # removed on any error or signal before it is renamed in
        archive.fill(staged_run, own, run_texts)
        sets.switch(staging, out, set_id, result.notes)
        archive.commit_run(staged_run, out, rid)
    archive.prune(out, pub.keep if pub is not None else None, result.notes)
    _repoint(result, staging, out / "current")


def _tables(pub: _Publication, result: RunResult, before: Path | None, carried: list[dict], m: dict,
            lang: str) -> dict[str, str]:
    """The set's ``assessment.csv`` (this run's rows and the kept pages' rows: what the pages show)
    and ``changes.csv`` (this run's changes and the kept pages' own), and this run's own assessment
    for the archive. Sets ``m["_change_counts"]``: status changes per region of this run."""
    import pandas as pd

    from ..verdicts.assess import ASSESS_COLUMNS
    from ..verdicts.changes import read_assessment
    from ..writing import to_csv_text

    made = [r["region"] for r in result.reports if r["region"] is not None]
    ch, m["_change_counts"] = _changes(pub, made, lang, _run_brief(m))
    own = pub.assessment[[c for c in ASSESS_COLUMNS if c in pub.assessment]]
    kept_regions = {c.get("region") for c in carried} - {None}
    legacy = sorted(c["html"] for c in carried if "counts" not in c)
    if legacy:
        result.notes.append(f"kept from a set of an earlier version, so not in assessment.csv and without counts in "
                            f"the index until their regions are run again: {', '.join(legacy)}")
    union, union_changes = own, ch
    for name in ("assessment.csv", "changes.csv") if before is not None and kept_regions else ():
        try:  # the kept pages' rows; a table of the previous set that cannot be read is left out, said
            old = read_assessment(before / name)
        except (OSError, ValueError, KeyError) as exc:
            result.notes.append(f"{name} of the previous set not read ({exc}); the new {name} holds this run's rows")
            continue
        kept = old[old["region"].isin(kept_regions)]
        if name == "assessment.csv":
            union = pd.concat([own, kept], ignore_index=True)
        else:
            union_changes = pd.concat([ch, kept], ignore_index=True)
    key = ["region", "indicator", "breakdown", "year"]
    union = union.sort_values(key, kind="stable")
    return {"assessment.csv": to_csv_text(union), "changes.csv": to_csv_text(union_changes),
            "assessment-run.csv": to_csv_text(own)}


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
                                    expected="a Jupyter notebook (nbformat 4 JSON)", facts=(("case", "notebook"),)))
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
    from ..reports.context import report_domain

    region_domains = {}
    for region in inp.regions:
        region_domains[region] = report_domain(catalog, region, domain)
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


def _documents(result: RunResult, jobs_list: list[dict], base: dict, region_domains: dict) -> None:
    """``run --docx``: a Word document beside each region page that was written, made from the
    region's own context file with the notebook's parameters (``reports.context.region_report``), so
    its numbers are the page's."""
    from ..reports.context import region_report
    from ..reports.document import region_document

    contexts = {j["region"]: j["context"] for j in jobs_list if j["region"] is not None}
    for r in result.reports:
        if r.get("region") is None or not r.get("html"):
            continue
        rep = region_report(r["region"], base["actuals"], base["as_of"], base["lang"], base["on_track"],
                            base["at_risk"], region_domains[r["region"]], base["plans"], contexts[r["region"]])
        r["docx"] = str(Path(r["html"]).with_suffix(".docx"))
        Path(r["docx"]).write_bytes(region_document(rep))


def _summary(assessment, regions: list[str], region_domains: dict) -> dict:
    """Per region, the counts of its page's headline (``reports.region.headline_counts``, the one
    function both use), in the domain its report shows; None for a region without dated targets."""
    from ..reports.region import headline_counts

    summary = {}
    for region in regions:
        a = _in_domain(assessment, region, region_domains[region])
        summary[region] = headline_counts(a) if len(a) else None
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
        for k in ("html", "notebook", "pdf", "docx", "kept"):
            if r.get(k):
                r[k] = str(out / Path(r[k]).relative_to(staging)) if str(r[k]).startswith(str(staging)) else r[k]


def _page_order(record: dict) -> tuple:
    return record["key"] != "overview", record["key"]

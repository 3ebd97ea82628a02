"""Run the report notebooks with papermill and publish them as offline HTML.

``run`` validates the inputs first (a bad actuals file stops everything before a single notebook
runs), executes ``region_report`` once per region and ``overview`` once in worker processes, exports
each executed notebook to a single self-contained HTML file (inputs hidden, images embedded, no
script or stylesheet from any other host), writes ``index.html`` with run metadata, and then swaps
the new directory in place of the old one. A failed run leaves the previous reports untouched; a
region whose notebook fails keeps its executed notebook under ``failed/`` and is listed as failed.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .assess import Thresholds
from .errors import IndicatorsError

__all__ = ["run", "RunResult", "notebooks_dir", "slug", "export_html", "PAGE_CSS"]

DEFAULT_TIMEOUT = 600  # seconds per cell


def notebooks_dir() -> Path:
    env = os.environ.get("INDICATORS_NOTEBOOKS")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2] / "notebooks"
    if (repo / "region_report.ipynb").exists():
        return repo
    return Path(__file__).parent / "_notebooks"


def slug(region: str, region_en: str | None = None) -> str:
    """A safe file name for a region: ASCII letters, digits and dashes only (no path traversal)."""
    base = re.sub(r"[^a-z0-9]+", "-", (region_en or "").lower()).strip("-")[:40]
    digest = hashlib.sha1(region.encode("utf-8")).hexdigest()[:6]
    return f"{base}-{digest}" if base else f"region-{digest}"


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# the nbconvert template that gives the reports their look (installed as share/jupyter/nbconvert/templates/
# indicators, so `jupyter nbconvert --to html --template indicators` gives the same page)
TEMPLATES = Path(__file__).parent / "jupyter" / "nbconvert" / "templates"
PAGE_CSS = (TEMPLATES / "indicators" / "indicators.css").read_text(encoding="utf-8")


def _page(title: str, body: str, lang: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{html.escape(title)}</title>\n'
            f"<style>\n{PAGE_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def export_html(nb, title: str | None = None, lang: str | None = None) -> str:
    """One self-contained page with the ``indicators`` nbconvert template: inputs, prompts and stderr
    hidden, images embedded, our stylesheet inlined, no script from any host. ``title`` is stored in
    the notebook's metadata (so nbconvert on the executed notebook gives the same page); ``lang`` is
    taken from the papermill parameters unless given."""
    from nbconvert import HTMLExporter

    if title:
        nb.metadata["title"] = title
    if lang:
        nb.metadata.setdefault("papermill", {}).setdefault("parameters", {}).setdefault("lang", lang)
    exporter = HTMLExporter(template_name="indicators", extra_template_basedirs=[str(TEMPLATES)])
    body, _ = exporter.from_notebook_node(nb)
    return body


@dataclass
class RunResult:
    out: Path
    reports: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def _kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return "indicators" if "indicators" in specs else "python3"


_STDERR_LOCK = threading.Lock()


def _execute(job: dict, context: bytes | str) -> dict:
    """Worker (a pool process or a Dask worker): execute one notebook with papermill, export it.

    Reads nothing from the client's disk and writes nothing the client reads: the notebook comes as
    text, the context as bytes (or, in the local pool, the path of the client's file), and the
    executed notebook and its HTML go back as text. The client writes and publishes them."""
    import nbformat

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="indicators-") as tmp:
        tmp = Path(tmp)
        params = dict(job["parameters"])
        if isinstance(context, bytes):
            (tmp / "context.pickle").write_bytes(context)
            context = str(tmp / "context.pickle")
        params["context"] = context
        (tmp / "input.ipynb").write_text(job["notebook_text"], encoding="utf-8")
        out_nb, log = tmp / "executed.ipynb", tmp / "kernel.log"
        # the kernel's own chatter (transport warnings, shutdown notices) goes to a log, not the
        # terminal; fd 2 is process-wide, so only one thread of a worker redirects it at a time
        redirect = _STDERR_LOCK.acquire(blocking=False)
        if redirect:
            saved_stderr = os.dup(2)
            with open(log, "ab") as f:
                os.dup2(f.fileno(), 2)
        try:
            error = _papermill(job, params, tmp / "input.ipynb", out_nb, cwd=tmp)
        finally:
            if redirect:
                os.dup2(saved_stderr, 2)
                os.close(saved_stderr)
                _STDERR_LOCK.release()
        nb_text = html_text = None
        if out_nb.exists():
            nb = nbformat.read(out_nb, as_version=4)
            stable_cell_ids(nb)
            nb.metadata["title"] = job["title"]
            if error is None:
                html_text = export_html(nb)
            nb_text = nbformat.writes(nb)
        log_text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return {"key": job["key"], "region": job.get("region"), "error": error, "html_text": html_text,
            "notebook_text": nb_text, "log_text": log_text, "seconds": round(time.perf_counter() - started, 2)}


def stable_cell_ids(nb) -> None:
    """Papermill gives the cells it adds (injected parameters, error markers) random ids, which
    nbconvert writes into the page (id="cell-id=..."): name them by tag and position instead, so two
    runs give byte-identical pages. The notebook's own cells keep their committed ids."""
    seen = set()
    for i, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
        elif "papermill-error-cell-tag" in tags:
            cell["id"] = f"papermill-error-{i}"
        if cell.get("id") in seen:  # never two cells with one id
            cell["id"] = f"cell-{i}"
        seen.add(cell.get("id"))


def _papermill(job: dict, params: dict, notebook: Path, out_nb: Path, cwd: Path) -> str | None:
    """Execute with papermill; a cell error is final, a kernel that fails to start gets one retry."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    error = None
    for _attempt in range(2):
        try:
            pm.execute_notebook(str(notebook), str(out_nb), parameters=params,
                                kernel_name=job.get("kernel") or _kernel_name(), progress_bar=False, cwd=str(cwd),
                                execution_timeout=job["timeout"], start_timeout=120)
            error = None
            break
        except PapermillExecutionError as exc:  # a cell failed: no retry, keep the executed notebook
            error = f"{exc.ename}: {exc.evalue}"
            break
        except Exception as exc:  # kernel did not start or died: try once more
            error = f"{type(exc).__name__}: {exc}"
    return error


def _on_pool(jobs_list: list[dict], context_file: Path, jobs: int):
    """The default: worker processes of this machine, reading the context from the staging file."""
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(_execute, j, str(context_file)): j for j in jobs_list}
        for fut in as_completed(futures):
            yield futures[fut], fut


def _on_dask(jobs_list: list[dict], context_bytes: bytes, scheduler: str, jobs: int):
    """A Dask cluster: ``local`` starts a LocalCluster of ``jobs`` worker processes, else the address
    of a running scheduler. The context is scattered once to every worker; no shared disk."""
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError as exc:
        raise IndicatorsError("--scheduler needs Dask: pip install dask distributed") from exc
    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                               dashboard_address=None)
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            context = client.scatter(context_bytes, broadcast=True)
            futures = {client.submit(_execute, j, context, pure=False, key=f"indicators-{j['key']}-{uuid.uuid4().hex}"): j
                       for j in jobs_list}
            for fut in dask_completed(list(futures)):
                yield futures[fut], fut
    finally:
        if cluster is not None:
            cluster.close()


BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _pdfs(result: RunResult, staging: Path) -> None:
    """An A4 PDF next to each page, printed by headless Chromium with the print stylesheet."""
    import subprocess

    browser = next((b for b in map(shutil.which, BROWSERS) if b), None)
    if browser is None:
        result.notes.append(f"--pdf: no Chromium found ({', '.join(BROWSERS)}), so no PDF was written; the HTML "
                            "reports are complete. Install one (Debian: apt-get install chromium) and run again.")
        return
    for r in result.reports:
        page = Path(r["html"])
        target = page.with_suffix(".pdf")
        with tempfile.TemporaryDirectory(prefix="indicators-chromium-") as profile:
            proc = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                   "--no-pdf-header-footer", f"--user-data-dir={profile}",
                                   f"--print-to-pdf={target}", page.as_uri()],
                                  capture_output=True, text=True, timeout=300)
        if proc.returncode != 0 or not target.exists():
            result.notes.append(f"--pdf: Chromium could not print {page.name}: {proc.stderr.strip()[-300:]}")
        else:
            r["pdf"] = str(target)


def _keep(r: dict, job: dict, staging: Path) -> None:
    """Client side: write what a worker sent back into the staging directory (published by the
    swap); a failed region's executed notebook and kernel log go to failed/."""
    if r["error"] is None:
        r["html"] = str(staging / f"{job['key']}.html")
        Path(r["html"]).write_text(r.pop("html_text"), encoding="utf-8")
        r["notebook"] = None
    else:
        r["parameters"] = job["parameters"]
        failed_dir = staging / "failed"
        failed_dir.mkdir(exist_ok=True)
        r["notebook"] = None  # no notebook when the worker itself was lost
        if r.get("notebook_text"):
            r["notebook"] = str(failed_dir / f"{job['key']}.ipynb")
            Path(r["notebook"]).write_text(r["notebook_text"], encoding="utf-8")
        if r.get("log_text"):
            (failed_dir / f"{job['key']}.log").write_text(r["log_text"], encoding="utf-8")
        r["html"] = None
    for k in ("html_text", "notebook_text", "log_text"):
        r.pop(k, None)


def _index_html(result: RunResult, meta: dict, summary: dict, lang: str) -> str:
    zh = lang == "zh"
    from .plots import STATUS_COLORS, STATUS_LABELS
    from .assess import STATUSES

    head = "".join(f'<th><span class="badge" style="background:{STATUS_COLORS[s]}">'
                   f"{html.escape(STATUS_LABELS[lang][s])}</span></th>" for s in STATUSES)
    rows = []
    for r in sorted(result.reports, key=lambda r: (r["key"] != "overview", r["region"] or "")):
        name = ("总览 Overview" if zh else "Overview") if r["key"] == "overview" else f"{r['region']} {r['region_en']}"
        counts = summary.get(r["region"], {})
        if r["key"] == "overview":
            cells = f'<td colspan="{len(STATUSES)}"></td>'
        elif not counts:  # e.g. a plan that states no dated number
            cells = f'<td colspan="{len(STATUSES)}">{"无带年份的目标" if zh else "no dated targets"}</td>'
        else:
            cells = "".join(f"<td>{counts.get(s, '')}</td>" for s in STATUSES)
        rows.append(f'<tr><td><a href="{html.escape(Path(r["html"]).name)}">{html.escape(name)}</a></td>{cells}</tr>')
    for r in result.failed:
        rows.append(f'<tr class="failed"><td>{html.escape(r["region"] or r["key"])} — '
                    f'{"失败" if zh else "failed"}: {html.escape(r["error"] or "")} '
                    + (f'(<code>failed/{html.escape(Path(r["notebook"]).name)}</code>)' if r["notebook"] else "") + '</td>'
                    f'<td colspan="{len(STATUSES)}"></td></tr>')
    files = "".join(f"<li><code>{html.escape(f['path'])}</code> sha256 {f['sha256']}</li>" for f in meta["inputs"])
    params = html.escape(json.dumps(meta["parameters"], ensure_ascii=False))
    title = "职业教育规划指标报告" if zh else "Vocational-education plan targets: reports"
    body = (f"<h1>{html.escape(title)}</h1>"
            f'<table class="index"><thead><tr><th>{"报告" if zh else "Report"}</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            f'<h2>{"运行信息" if zh else "Run"}</h2><p class="meta">{html.escape(meta["time"])} · indicators '
            f'{html.escape(meta["version"])} · {params}</p><ul class="meta">{files}</ul>')
    return _page(title, body, lang)


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
    from tqdm import tqdm

    from .actuals import load_actuals
    from .report import as_paths, build_context, save_context
    from .catalog import load_catalog

    t0 = time.perf_counter()
    out = Path(out).resolve()
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
    nbdir = notebooks_dir()
    for name in ("region_report.ipynb", "overview.ipynb"):
        if not (nbdir / name).exists():
            raise IndicatorsError(f"notebook {name} not found in {nbdir}; set INDICATORS_NOTEBOOKS")

    scheduler = scheduler or os.environ.get("INDICATORS_SCHEDULER") or None
    # computed once, shared by every notebook (a file for the pool, scattered bytes for Dask)
    ctx = build_context(as_of=as_of, lang=lang, on_track=on_track, at_risk=at_risk, catalog=catalog, act=act)
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    result = RunResult(out=out)
    # planner rows that match no region are named, never silently left out
    result.notes += [w.line() for w in act.warnings if w.severity == "warning"]
    try:
        (staging / "_executed").mkdir()
        context_file = staging / "_executed" / "context.pickle"
        save_context(ctx, context_file)
        base = {"actuals": [str(a) for a in actual_files], "as_of": as_of, "lang": lang,
                "plans": [str(p) for p in plan_dirs], "on_track": on_track, "at_risk": at_risk}
        # the kernel is chosen where the notebook runs (a Dask worker may lack the project's kernel)
        kernel = None if scheduler else _kernel_name()
        texts = {n: (nbdir / f"{n}.ipynb").read_text(encoding="utf-8") for n in ("overview", "region_report")}
        jobs_list = [{"key": "overview", "region": None, "notebook_text": texts["overview"],
                      "parameters": {**base, "domain": domain}, "title": "总览 Overview", "kernel": kernel,
                      "timeout": timeout}]
        region_domains = {}
        for region in regions:
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
        done = (_on_dask(jobs_list, context_file.read_bytes(), scheduler, jobs) if scheduler
                else _on_pool(jobs_list, context_file, jobs))
        for job, fut in tqdm(done, total=len(jobs_list), desc="notebooks", unit="nb", disable=not progress,
                             file=sys.stderr):
            try:
                r = fut.result()
            except Exception as exc:  # the worker itself failed (died, lost): this region failed
                r = {"key": job["key"], "region": job.get("region"), "error": f"{type(exc).__name__}: {exc}",
                     "html_text": None, "notebook_text": None, "log_text": "", "seconds": None}
            r["region_en"] = job.get("region_en")
            _keep(r, job, staging)
            (result.failed if r["error"] else result.reports).append(r)
        result.failed.sort(key=lambda r: r["key"])
        if pdf:
            _pdfs(result, staging)
        shutil.rmtree(staging / "_executed", ignore_errors=True)
        summary = {}
        for region in regions:
            a = ctx.assessment[ctx.assessment["region"] == region]
            if region_domains[region] != "all":
                a = a[a["domain"] == region_domains[region]]
            summary[region] = a["status"].value_counts().to_dict()
        files = list(dict.fromkeys(act.files + [str(a) for a in actual_files] + catalog.files))
        inputs = [{"path": _shown(f), "sha256": _sha256(Path(f))} for f in files if Path(f).exists()]
        shown = {k: v for k, v in base.items() if k != "context"}
        shown["actuals"] = [_shown(a) for a in shown["actuals"]]
        shown["plans"] = [_shown(p) for p in shown["plans"]]
        meta = {"time": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"), "version": __version__,
                "parameters": {**shown, "domain": domain, "regions": regions, "jobs": jobs,
                               "input_region": input_region, "scheduler": scheduler}, "inputs": inputs,
                "plan_dirs": [_plan_dir_files(d) for d in plan_dirs],
                "failed": [{"region": r["region"], "error": r["error"]} for r in result.failed]}
        (staging / "index.html").write_text(_index_html(result, meta, summary, lang), encoding="utf-8")
        (staging / "run.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.seconds = round(time.perf_counter() - t0, 1)
    for r in result.reports + result.failed:
        for k in ("html", "notebook", "pdf"):
            if r.get(k):
                r[k] = str(out / Path(r[k]).relative_to(staging)) if str(r[k]).startswith(str(staging)) else r[k]
    return result


def _plan_dir_files(d: Path) -> dict:
    """A planner's plan directory as run.json records it: its absolute path and the hash of every
    file in it (plans, local indicators.yaml and regions.yaml, source texts), hidden files aside."""
    files = [d] if d.is_file() else sorted(f for f in d.rglob("*") if f.is_file()
                                           and not any(x.startswith(".") for x in f.relative_to(d).parts))
    return {"path": str(d), "files": {(f.name if f == d else f.relative_to(d).as_posix()): _sha256(f) for f in files}}


def _shown(path: str | Path) -> str:
    """A path as published in the index: relative to the package's home or the working directory,
    never the planner's absolute local path."""
    p = Path(path).resolve()
    for base in (Path(__file__).resolve().parents[2], Path(__file__).resolve().parent, Path.cwd()):
        try:
            return str(p.relative_to(base))
        except ValueError:
            continue
    return p.name


def _swap(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with two renames; files the run does not make (README.md,
    backtest.csv, ...) are carried over, so nothing of the old directory is lost."""
    if out.exists():
        for item in out.iterdir():
            if item.name in ("failed",) or item.suffix in (".html", ".pdf") or item.name == "run.json":
                continue
            target = staging / item.name
            if not target.exists():
                if item.is_dir():
                    shutil.copytree(item, target)
                else:
                    shutil.copy2(item, target)
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.replace(out, old)
        os.replace(staging, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, out)

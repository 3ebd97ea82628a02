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
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
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


PAGE_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
max-width:1100px;margin:2em auto;padding:0 1em;color:#1f2328;line-height:1.5}
h1{font-size:1.6em}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;font-size:.88em;margin:.6em 0}
th,td{border:1px solid #d0d7de;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f6f8fa}.badge{color:#fff;border-radius:3px;padding:1px 6px;white-space:nowrap;font-size:.9em}
img{max-width:100%;height:auto}.sources{font-size:.85em;color:#57606a}
.failed{color:#d1242f}.meta{font-size:.85em;color:#57606a}td.nowrap{white-space:nowrap}
tr.status-off_track td:first-child{border-left:4px solid #d1242f}tr.status-at_risk td:first-child{border-left:4px solid #e3a008}
"""


def _page(title: str, body: str, lang: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{html.escape(title)}</title>\n'
            f"<style>{PAGE_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def export_html(nb, title: str, lang: str) -> str:
    """One self-contained page: nbconvert's ``basic`` template (cells only, no CDN scripts), inputs
    and prompts hidden, warnings on stderr dropped, wrapped in our own head and stylesheet."""
    from nbconvert import HTMLExporter

    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, anchor_link_text="")
    body, _ = exporter.from_notebook_node(nb)
    body = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", body)
    return _page(title, body, lang)


@dataclass
class RunResult:
    out: Path
    reports: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def _kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return "indicators" if "indicators" in specs else "python3"


def _execute(job: dict) -> dict:
    """Worker: execute one notebook with papermill, then export it to HTML."""
    import nbformat

    started = time.perf_counter()
    out_nb = Path(job["out_nb"])
    out_nb.parent.mkdir(parents=True, exist_ok=True)
    error = None
    # the kernel's own chatter (transport warnings, shutdown notices) goes to a log, not the terminal
    log = open(out_nb.with_suffix(".log"), "ab")  # noqa: SIM115 - closed below
    saved_stderr = os.dup(2)
    os.dup2(log.fileno(), 2)
    try:
        error = _papermill(job, out_nb)
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        log.close()
    result = {"key": job["key"], "region": job.get("region"), "html": job["html"], "error": error,
              "seconds": round(time.perf_counter() - started, 2), "notebook": str(out_nb)}
    if error is None:
        nb = nbformat.read(out_nb, as_version=4)
        Path(job["html"]).write_text(export_html(nb, job["title"], job["parameters"]["lang"]), encoding="utf-8")
        out_nb.unlink()
    return result


def _papermill(job: dict, out_nb: Path) -> str | None:
    """Execute with papermill; a cell error is final, a kernel that fails to start gets one retry."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    error = None
    for _attempt in range(2):
        try:
            pm.execute_notebook(job["notebook"], str(out_nb), parameters=job["parameters"],
                                kernel_name=job["kernel"], progress_bar=False, cwd=job["cwd"],
                                execution_timeout=job["timeout"], start_timeout=120)
            error = None
            break
        except PapermillExecutionError as exc:  # a cell failed: no retry, keep the executed notebook
            error = f"{exc.ename}: {exc.evalue}"
            break
        except Exception as exc:  # kernel did not start or died: try once more
            error = f"{type(exc).__name__}: {exc}"
    return error


def _index_html(result: RunResult, meta: dict, summary: dict, lang: str) -> str:
    zh = lang == "zh"
    from .plots import STATUS_COLORS, STATUS_LABELS
    from .risk import STATUSES

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
                    f'(<code>failed/{html.escape(Path(r["notebook"]).name)}</code>)</td>'
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
        input_region: str | None = None, on_track: float = 0.7, at_risk: float = 0.3) -> RunResult:
    """Execute and publish the whole suite. Raises on invalid inputs before writing anything.

    ``input_region``: region of a wide planner file whose sheets are not named by region;
    ``on_track``/``at_risk``: the p_meet thresholds, as in ``indicators assess``."""
    from tqdm import tqdm

    from .actuals import load_actuals
    from .report import as_paths, build_context, save_context
    from .targets import load_catalog

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
            match = [k for k in known if r in (k, catalog.regions.en(k)) or r.lower() == catalog.regions.en(k).lower()]
            if not match:
                raise IndicatorsError(f"region {r!r} has no plan in the catalogue; known: {', '.join(known)}")
            chosen.append(match[0])
        regions = list(dict.fromkeys(chosen))
    else:
        regions = known
    nbdir = notebooks_dir()
    for name in ("region_report.ipynb", "overview.ipynb"):
        if not (nbdir / name).exists():
            raise IndicatorsError(f"notebook {name} not found in {nbdir}; set INDICATORS_NOTEBOOKS")

    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    # computed once, shared by every notebook through a file
    ctx = build_context(as_of=as_of, lang=lang, on_track=on_track, at_risk=at_risk, catalog=catalog, act=act)
    (staging / "_executed").mkdir()
    context_file = staging / "_executed" / "context.pickle"
    save_context(ctx, context_file)
    base = {"actuals": [str(a) for a in actual_files], "as_of": as_of, "lang": lang,
            "plans": [str(p) for p in plan_dirs], "on_track": on_track, "at_risk": at_risk, "context": str(context_file)}
    kernel = _kernel_name()
    jobs_list = [{"key": "overview", "region": None, "notebook": str(nbdir / "overview.ipynb"),
                  "out_nb": str(staging / "_executed" / "overview.ipynb"), "html": str(staging / "overview.html"),
                  "parameters": {**base, "domain": domain}, "title": "总览 Overview", "kernel": kernel,
                  "cwd": str(nbdir), "timeout": timeout}]
    region_domains = {}
    for region in regions:
        doms = {p.domain for p in catalog.plans.values() if p.region == region}
        # a region whose plans are all off-domain gets a report in its own domain
        region_domains[region] = domain if domain in doms or domain == "all" else sorted(doms)[0]
        s = slug(region, catalog.regions.en(region))
        jobs_list.append({"key": s, "region": region, "region_en": catalog.regions.en(region),
                          "notebook": str(nbdir / "region_report.ipynb"),
                          "out_nb": str(staging / "_executed" / f"{s}.ipynb"), "html": str(staging / f"{s}.html"),
                          "parameters": {**base, "region": region, "domain": region_domains[region]},
                          "title": f"{region} {catalog.regions.en(region)}", "kernel": kernel, "cwd": str(nbdir),
                          "timeout": timeout})
    # longest first (charts dominate: one per indicator), so two workers finish together
    cost = ctx.assessment.groupby("region")["indicator"].nunique().to_dict()
    jobs_list.sort(key=lambda j: -cost.get(j["region"], len(cost)))
    result = RunResult(out=out)
    try:
        with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [pool.submit(_execute, j) for j in jobs_list]
            by_key = {j["key"]: j for j in jobs_list}
            for fut in tqdm(as_completed(futures), total=len(futures), desc="notebooks", unit="nb",
                            disable=not progress, file=sys.stderr):
                r = fut.result()
                r["region_en"] = by_key[r["key"]].get("region_en")
                (result.failed if r["error"] else result.reports).append(r)
        for r in result.failed:
            r["parameters"] = {k: v for k, v in by_key[r["key"]]["parameters"].items() if k != "context"}
            failed_dir = staging / "failed"
            failed_dir.mkdir(exist_ok=True)
            log = Path(r["notebook"]).with_suffix(".log")
            if log.exists():  # the kernel's messages, next to the notebook that failed
                shutil.move(str(log), failed_dir / log.name)
            if Path(r["notebook"]).exists():
                shutil.move(r["notebook"], failed_dir / Path(r["notebook"]).name)
                r["notebook"] = str(failed_dir / Path(r["notebook"]).name)
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
                               "input_region": input_region}, "inputs": inputs,
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
        for k in ("html", "notebook"):
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
            if item.name in ("failed",) or item.suffix == ".html" or item.name == "run.json":
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

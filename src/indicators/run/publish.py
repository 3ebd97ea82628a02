"""Publishing a run: the index, PDFs and the pages kept.

Everything here happens on the client after the workers are done: a worker's result is written
into the staging directory (a failed region's executed notebook and kernel log under ``failed/``),
a failed region gets its page from the previous set, so do the regions this run was not asked for
(the published set grows; their pages are linked byte for byte with their records), and
``index.html`` lists every page with the counts of its headline, its status changes, its files and
the run that made it, every failure with the cell that raised and the page kept, the run's
information and the earlier runs. ``sets`` then switches the complete staging directory in.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from ..provenance import run_record
from ..reports.html import esc
from .execute import describe_cell
from .archive import link_or_copy as _link_or_copy
from .page import page

__all__ = ["keep", "keep_previous", "page_times", "index_html", "pdfs", "page_record", "carry_pages",
           "previous_records",
           "BROWSERS"]

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def pdfs(result) -> None:
    """An A4 PDF next to each page of ``result`` (a RunResult), printed by headless Chromium with the
    print stylesheet; ``result.notes`` says why when there is none."""
    import subprocess

    browser = next((b for b in map(shutil.which, BROWSERS) if b), None)
    if browser is None:
        result.notes.append(f"--pdf: no Chromium found ({', '.join(BROWSERS)}), so no PDF was written; the HTML "
                            "reports are complete. Install one (Debian: apt-get install chromium) and run again.")
        return
    for r in result.reports:
        html_page = Path(r["html"])
        target = html_page.with_suffix(".pdf")
        with tempfile.TemporaryDirectory(prefix="indicators-chromium-") as profile:
            proc = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                   "--no-pdf-header-footer", f"--user-data-dir={profile}",
                                   f"--print-to-pdf={target}", html_page.as_uri()],
                                  capture_output=True, text=True, timeout=300)
        if proc.returncode != 0 or not target.exists():
            result.notes.append(f"--pdf: Chromium could not print {html_page.name}: {proc.stderr.strip()[-300:]}")
        else:
            r["pdf"] = str(target)


def keep(r: dict, job: dict, staging: Path) -> None:
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


def page_record(r: dict, counts: dict | None, changes: int | None, since: str | None, run_id: str | None,
                time: str | None, as_of, folder: Path) -> dict:
    """What the index (and the next run, which may keep the page) says about one page: its region,
    files, the run that made it, the counts of its headline (``reports.region.headline_counts``) and
    how many target years changed status since ``since``."""
    key = r["key"]
    files = {s.lstrip("."): f"{key}{s}" for s in (".pdf", ".docx") if (folder / f"{key}{s}").is_file()}
    return {"key": key, "region": r.get("region"), "region_en": r.get("region_en"), "html": f"{key}.html",
            **files, "run_id": run_id, "time": time, "as_of": as_of, "counts": counts or None, "changes": changes,
            "since": since}


def carry_pages(before: Path | None, staging: Path, asked: set[str]) -> list[dict]:
    """The pages of the previous set that this run was not asked to make (another region, from an
    earlier run): linked into the new set unchanged, byte for byte, with their records from the
    previous ``run.json`` (a set of an earlier version, without records, gives plain ones)."""
    carried = []
    for rec in previous_records(before).values():
        key = rec.get("key")
        if not key or key in asked or key == "overview" or not (before / f"{key}.html").is_file():
            continue
        for suffix in (".html", ".pdf", ".docx"):
            if (before / f"{key}{suffix}").is_file():
                _link_or_copy(before / f"{key}{suffix}", staging / f"{key}{suffix}")
        carried.append({**rec, "carried": True})
    return carried


def previous_records(before: Path | None) -> dict[str, dict]:
    """Page key -> its record in the previous set's run.json (plain ones, from "pages", for a set of
    an earlier version)."""
    if before is None:
        return {}
    meta = run_record(before)
    records = meta.get("reports")
    if not isinstance(records, list):
        records = [{"key": name[:-5], "region": None, "region_en": None, "html": name, "time": t}
                   for name, t in (meta.get("pages") or {}).items() if name.endswith(".html")]
    return {r["key"]: r for r in records if isinstance(r, dict) and r.get("key")}


def index_html(result, meta: dict, summary: dict, lang: str, records: list[dict] | None = None,
               runs: list[dict] | None = None, runs_href: str = "../runs/", archived: str | None = None) -> str:
    """The index page: one row per page with the counts of its headline, its status changes, its
    files and the run that made it; failures; the run's information (data as of, thresholds, inputs
    with sha256 behind a details element); the earlier runs in the archive, each linked.

    ``records``: ``page_record``s (None: made from ``result`` and ``summary``, counts per region);
    ``runs``: ``archive.list_runs``; ``runs_href``: where the archive is seen from this page;
    ``archived``: the run id when the page is that run's own index in the archive."""
    from ..rules import STATUSES
    from ..words.explain import INDEX_WORDS, STATUS_LABELS
    from ..reports.plots import STATUS_COLORS

    w = INDEX_WORDS[lang]
    if records is None:
        records = [{"key": r["key"], "region": r.get("region"), "region_en": r.get("region_en"),
                    "html": Path(r["html"]).name, "counts": summary.get(r.get("region")) or None}
                   for r in result.reports]
    shown = [s for s in STATUSES if s != "insufficient_data"]
    head = "".join(f'<th><span class="badge" style="background:{STATUS_COLORS[s]}">'
                   f"{esc(STATUS_LABELS[lang][s])}</span></th>" for s in shown)
    heads = (f'<th>{esc(w["report"])}</th><th>{esc(w["target_years"])}</th>{head}<th>{esc(w["need_data"])}</th>'
             f'<th>{esc(w["conflicts"])}</th><th>{esc(w["changes"])}</th><th>{esc(w["files"])}</th>'
             f'<th>{esc(w["made_by"])}</th>')
    failed = {r["key"] for r in result.failed}  # a failed region's kept page is in its failure row
    ordered = sorted((r for r in records if r["key"] not in failed), key=lambda r: (r["key"] != "overview", r.get("region") or r["key"]))
    rows = [_report_row(r, meta, lang, len(shown)) for r in ordered]
    rows += [_failed_row(r, lang == "zh", 6 + len(shown)) for r in result.failed]
    regions = sum(1 for r in records if r["key"] != "overview")
    title = w["title"] if archived is None else f'{w["title"]} · {w["archive_of"].format(rid=archived)}'
    lead = w["lead"].format(n=regions) if archived is None else w["archive_lead"]
    body = (f"<h1>{esc(title)}</h1><p class=\"lead\">{esc(lead)}</p>"
            f'<table class="index"><thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            + _run_info(meta, lang) + _runs_list(runs, runs_href, lang, archived))
    return page(title, body, lang)


def _report_row(r: dict, meta: dict, lang: str, n_statuses: int) -> str:
    """One page: its link, the numbers of its headline, its status changes, its PDF and DOCX, and
    the run that made it (this run, or the time of an earlier one for a page kept from it)."""
    from ..rules import STATUSES
    from ..words.explain import INDEX_WORDS

    w = INDEX_WORDS[lang]
    name = w["overview"] if r["key"] == "overview" else f"{r.get('region') or r['key']} {r.get('region_en') or ''}"
    counts = r.get("counts")
    if r["key"] == "overview":
        cells = f'<td colspan="{n_statuses + 3}"></td>'
    elif "counts" not in r:  # a page kept from a set of an earlier version: its counts were not recorded
        cells = f'<td colspan="{n_statuses + 3}">—</td>'
    elif not counts:  # e.g. a plan that states no dated number
        cells = f'<td colspan="{n_statuses + 3}">{esc(w["no_dated"])}</td>'
    else:
        st = counts.get("statuses", {})
        cells = (f"<td>{counts['target_years']}</td>"
                 + "".join(f"<td>{st.get(s, 0) or ''}</td>" for s in STATUSES if s != "insufficient_data")
                 + f"<td>{counts['need_data'] or ''}</td><td>{counts['conflicts'] or ''}</td>")
    if r["key"] == "overview" or not counts:
        change = ""
    elif r.get("changes") is None:
        change = f'<span class="meta">{esc(w["no_changes_known"])}</span>'
    else:
        change = (f'<a href="{esc(r["html"])}#changes">{r["changes"]}</a>' if r["changes"] else "0") + (
            f' <span class="meta">{esc(w["since"].format(since=r["since"]))}</span>' if r.get("since") else "")
    cells += f"<td>{change}</td>"
    files = " ".join(f'<a href="{esc(r[k])}">{k.upper()}</a>' for k in ("pdf", "docx") if r.get(k))
    made = w["this_run"] if not r.get("carried") else f'{r.get("time") or "?"}'
    return (f'<tr><td><a href="{esc(r["html"])}">{esc(name)}</a></td>{cells}<td>{files}</td>'
            f'<td class="meta">{esc(made)}</td></tr>')


def _run_info(meta: dict, lang: str) -> str:
    """The run's information for people: data as of, time, id, thresholds, regions, inputs with
    their sha256 behind a details element, every parameter (JSON) behind another."""
    from ..words.explain import DOMAIN_NAMES, INDEX_WORDS, fmt_prob

    w = INDEX_WORDS[lang]
    p = meta.get("parameters") or {}
    rows = []
    if meta.get("as_of") is not None:
        rows.append((w["data_as_of"], w["data_as_of_value"].format(year=meta["as_of"])))
    rows += [(w["run_time"], meta.get("time", "")), (w["run_id"], meta.get("run_id") or ""),
             (w["version"], f"indicators {meta.get('version', '')}")]
    if "on_track" in p and "at_risk" in p:
        rows.append((w["thresholds"], w["thresholds_value"].format(on=fmt_prob(p["on_track"], None),
                                                                   at=fmt_prob(p["at_risk"], None))))
    sep = "、" if lang == "zh" else ", "
    if "regions" in p:
        rows.append((w["regions"], sep.join(p["regions"] or []) or w["all_regions"]))
    if p.get("domain"):
        rows.append((w["domain"], w["all_domains"] if p["domain"] == "all" else
                     DOMAIN_NAMES[lang].get(p["domain"], p["domain"])))
    if p.get("lang"):
        rows.append((w["lang"], w["lang_names"].get(p["lang"], p["lang"])))
    if "actuals" in p:
        rows.append((w["actuals"], sep.join(p["actuals"]) or w["bundled"]))
    if p.get("plans"):
        rows.append((w["plans"], sep.join(p["plans"])))
    info = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows if v != "")
    files = "".join(f"<li><code>{esc(f['path'])}</code> sha256 <code>{esc(f['sha256'])}</code></li>"
                    for f in meta.get("inputs", []))
    params = esc(json.dumps(p, ensure_ascii=False, indent=1))
    return (f'<h2 id="run">{esc(w["run"])}</h2><table class="run-info">{info}</table>'
            f'<details class="meta"><summary>{esc(w["inputs"].format(n=len(meta.get("inputs", []))))}</summary>'
            f'<ul>{files}</ul></details>'
            f'<details class="meta"><summary>{esc(w["parameters"])}</summary><pre>{params}</pre></details>')


def _runs_list(runs: list[dict] | None, href: str, lang: str, this: str | None) -> str:
    """The earlier runs in the archive, newest first, each linked to its own index."""
    from ..words.explain import INDEX_WORDS

    if runs is None:
        return ""
    w = INDEX_WORDS[lang]
    items = []
    for r in runs:
        if r["run_id"] == this:
            continue
        text = w["run_item"].format(time=r.get("time") or "?", as_of=r.get("as_of") or "—", n=len(r.get("regions") or []))
        if r.get("changes"):
            text += w["run_changes"].format(n=r["changes"])
        items.append(f'<li><a href="{esc(href + r["run_id"])}/index.html"><code>{esc(r["run_id"])}</code></a> '
                     f"{esc(text)}</li>")
    body = f'<ul class="runs">{"".join(items)}</ul>' if items else f'<p>{esc(w["no_earlier"])}</p>'
    return f'<h2 id="runs">{esc(w["earlier"])}</h2><p class="meta">{esc(w["earlier_lead"])}</p>{body}'


def _failed_row(r: dict, zh: bool, span: int | None = None) -> str:
    """A failed region: the error, the cell that raised it (as papermill names it) and the kept notebook."""
    from ..rules import STATUSES
    from ..words.explain import INDEX_WORDS

    cell = describe_cell(r.get("cell"))
    w = INDEX_WORDS["zh" if zh else "en"]
    return (f'<tr class="failed"><td>{esc(r["region"] or r["key"])} — '
            f'{w["failed"]}: {esc(r["error"] or "")} '
            + (f'({w["failed_cell"]} <code>{esc(cell)}</code>) ' if cell else "")
            + (f'(<code>failed/{esc(Path(r["notebook"]).name)}</code>)' if r["notebook"] else "")
            + (f' · <a class="kept" href="{esc(Path(r["kept"]).name)}">'
               f'{esc(w["kept"].format(time=r["kept_time"]))}</a>' if r.get("kept") else "") + '</td>'
            f'<td colspan="{span or len(STATUSES)}"></td></tr>')


def keep_previous(result, before: Path | None, staging: Path) -> None:
    """A failed region keeps its page from the previous set (a hard link, or a copy across devices),
    with the time of the run that made it (``run.json``'s "pages"), so a fault never loses it."""
    if before is None:
        return
    made = _page_times_of(before)
    for r in result.failed:
        name = f"{r['key']}.html"
        if not (before / name).is_file():
            continue  # a region new in this run, or one that failed before too without a page
        for suffix in (".html", ".pdf", ".docx"):
            src = (before / name).with_suffix(suffix)
            if src.is_file():
                _link_or_copy(src, staging / src.name)
        r["kept"] = str(staging / name)
        r["kept_time"] = made.get(name) or made.get("") or "?"


def _page_times_of(folder: Path) -> dict:
    """Page name -> the time of the run that made it; "" -> the previous run's own time."""
    meta = run_record(folder)
    pages = meta.get("pages")
    return {**(pages if isinstance(pages, dict) else {}), "": meta.get("time")} if meta else {}


def page_times(result, now: str) -> dict:
    """For run.json: each published page and the time of the run that made it (kept pages keep theirs)."""
    times = {Path(r["html"]).name: now for r in result.reports}
    times.update({Path(r["kept"]).name: r["kept_time"] for r in result.failed if r.get("kept")})
    return dict(sorted(times.items()))

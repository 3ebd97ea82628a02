"""Publishing a run: the index, PDFs and the pages kept.

Everything here happens on the client after the workers are done: a worker's result is written
into the staging directory (a failed region's executed notebook and kernel log under ``failed/``),
a failed region gets its page from the previous set, and ``index.html`` lists every report with its
status counts and every failure with the cell that raised and the page kept. ``sets`` then switches
the complete staging directory in.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import tempfile
from pathlib import Path

from .execute import describe_cell
from .page import page

__all__ = ["keep", "keep_previous", "page_times", "index_html", "pdfs",
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


def index_html(result, meta: dict, summary: dict, lang: str) -> str:
    """The index page: one row per report with its status counts, one per failure, the run's metadata."""
    from ..rules import STATUSES
    from ..words.explain import INDEX_WORDS, STATUS_LABELS
    from ..reports.plots import STATUS_COLORS

    zh = lang == "zh"
    head = "".join(f'<th><span class="badge" style="background:{STATUS_COLORS[s]}">'
                   f"{html.escape(STATUS_LABELS[lang][s])}</span></th>" for s in STATUSES)
    rows = [_report_row(r, summary.get(r["region"], {}), zh) for r in
            sorted(result.reports, key=lambda r: (r["key"] != "overview", r["region"] or ""))]
    rows += [_failed_row(r, zh) for r in result.failed]
    files = "".join(f"<li><code>{html.escape(f['path'])}</code> sha256 {f['sha256']}</li>" for f in meta["inputs"])
    params = html.escape(json.dumps(meta["parameters"], ensure_ascii=False))
    w = INDEX_WORDS[lang]
    title = w["title"]
    body = (f"<h1>{html.escape(title)}</h1>"
            f'<table class="index"><thead><tr><th>{w["report"]}</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            f'<h2>{w["run"]}</h2><p class="meta">{html.escape(meta["time"])} · indicators '
            f'{html.escape(meta["version"])} · {params}</p><ul class="meta">{files}</ul>')
    return page(title, body, lang)


def _report_row(r: dict, counts: dict, zh: bool) -> str:
    from ..rules import STATUSES
    from ..words.explain import INDEX_WORDS

    w = INDEX_WORDS["zh" if zh else "en"]
    name = w["overview"] if r["key"] == "overview" else f"{r['region']} {r['region_en']}"
    if r["key"] == "overview":
        cells = f'<td colspan="{len(STATUSES)}"></td>'
    elif not counts:  # e.g. a plan that states no dated number
        cells = f'<td colspan="{len(STATUSES)}">{w["no_dated"]}</td>'
    else:
        cells = "".join(f"<td>{counts.get(s, '')}</td>" for s in STATUSES)
    return f'<tr><td><a href="{html.escape(Path(r["html"]).name)}">{html.escape(name)}</a></td>{cells}</tr>'


def _failed_row(r: dict, zh: bool) -> str:
    """A failed region: the error, the cell that raised it (as papermill names it) and the kept notebook."""
    from ..rules import STATUSES
    from ..words.explain import INDEX_WORDS

    cell = describe_cell(r.get("cell"))
    w = INDEX_WORDS["zh" if zh else "en"]
    return (f'<tr class="failed"><td>{html.escape(r["region"] or r["key"])} — '
            f'{w["failed"]}: {html.escape(r["error"] or "")} '
            + (f'({w["failed_cell"]} <code>{html.escape(cell)}</code>) ' if cell else "")
            + (f'(<code>failed/{html.escape(Path(r["notebook"]).name)}</code>)' if r["notebook"] else "")
            + (f' · <a class="kept" href="{html.escape(Path(r["kept"]).name)}">'
               f'{html.escape(w["kept"].format(time=r["kept_time"]))}</a>' if r.get("kept") else "") + '</td>'
            f'<td colspan="{len(STATUSES)}"></td></tr>')


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
        for suffix in (".html", ".pdf"):
            src = (before / name).with_suffix(suffix)
            if src.is_file():
                _link_or_copy(src, staging / src.name)
        r["kept"] = str(staging / name)
        r["kept_time"] = made.get(name) or made.get("") or "?"


def _page_times_of(folder: Path) -> dict:
    """Page name -> the time of the run that made it; "" -> the previous run's own time."""
    try:
        meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        return {**meta.get("pages", {}), "": meta.get("time")}
    except (OSError, ValueError, AttributeError):
        return {}


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def page_times(result, now: str) -> dict:
    """For run.json: each published page and the time of the run that made it (kept pages keep theirs)."""
    times = {Path(r["html"]).name: now for r in result.reports}
    times.update({Path(r["kept"]).name: r["kept_time"] for r in result.failed if r.get("kept")})
    return dict(sorted(times.items()))

"""The offline page of an executed notebook: the ``indicators`` nbconvert template (inputs, prompts
and stderr hidden, images embedded, the reports' stylesheet inlined, no script from any host), and
the plain page the index is written in. A worker makes report pages with it; the client the index.
"""

from __future__ import annotations

from ..provenance import PACKAGE
from ..reports.html import esc

__all__ = ["export_html", "PAGE_CSS", "TEMPLATES", "page"]

# the nbconvert template that gives the reports their look (installed as share/jupyter/nbconvert/templates/
# indicators, so `jupyter nbconvert --to html --template indicators` gives the same page)
TEMPLATES = PACKAGE / "jupyter" / "nbconvert" / "templates"


PAGE_CSS = (TEMPLATES / "indicators" / "indicators.css").read_text(encoding="utf-8")


def page(title: str, body: str, lang: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{esc(title)}</title>\n'
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

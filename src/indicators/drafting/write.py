"""Writing a draft as a plan file, and listing what is left to confirm.

``draft_plan`` reads a UTF-8 text, drafts it (``draft.draft_text``) and writes the plan YAML beside
it, adding proposed keys to a local ``indicators.yaml`` and an unknown place to a local
``regions.yaml``; ``check_draft`` lists the entries still marked ``confirmed: false``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import yaml

from .documents import Document, read_document
from .find import Draft, draft_text
from ..errors import DocumentError, IndicatorsError, Problem
from ..text import squash
from ..words.explain import PLACE_WORDS
from ..plans.vocabulary import Vocabulary

__all__ = ["draft_plan", "check_draft", "render_draft"]


def _q(v) -> str:
    """A YAML scalar: strings double-quoted (JSON is valid YAML), so 1:20 can never turn into 80."""
    if v is None:
        return "null"
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return json.dumps(str(v), ensure_ascii=False)


def render_draft(d: Draft, source_rel: str, original: str | None = None) -> str:
    p = d.plan
    lines = [
        f"# Draft of {original or source_rel}, written by `indicators draft`. Every entry is confirmed: false:",
        "# check indicator, year, comparator and clause against the source, then set confirmed: true.",
        "# `indicators draft --check` lists what is left; `--include-drafts` loads the draft as it is.",
        *[f"# NOT READ: {note}" for note in d.notes],
        "plan:",
        f"  id: {_q(p['id'])}",
        f"  title_zh: {_q(p['title_zh'])}",
        f"  region: {_q(p['region'])}",
        f"  document_number: {_q(p['document_number'])}",
        f"  issued: {_q(p['issued'])}",
        f"  source: {_q(source_rel)}",
        f"  period: {'null' if p['period'] is None else '[' + ', '.join(_q(x) for x in p['period']) + ']'}",
        f"  domain: {_q(p['domain'])}",
        *([f"  note: {_q(p['note'])}"] if p.get("note") else []),
        "targets:",
    ]
    for e in d.entries:
        if e.alternatives:
            lines.append(f"  # alternatives: {', '.join(e.alternatives)}")
        if e.closest:
            lines.append(f"  # closest keys by name: {', '.join(f'{k} {v:.2f}' for k, v in e.closest)}")
        if e.new_key:
            lines.append(f"  # {e.indicator} is a proposed new key (see indicators.yaml beside this file)")
        lines += [
            f"  - indicator: {e.indicator}",
            f"    year: {_q(e.year)}",
        ]
        if e.year_note:
            lines.append(f"    year_note: {{zh: {_q(e.year_note['zh'])}, en: {_q(e.year_note['en'])}}}")
        lines += [f"    written: {_q(e.written)}", *([f"    unit: {_q(e.unit)}"] if e.unit else []), f"    kind: {e.kind}"]
        if e.comparator:
            lines.append(f"    comparator: {_q(e.comparator)}")
        lines += [f"    clause: {_q(e.clause)}", f"    quote: {_q(e.quote)}"]
        if e.place is not None and e.place.label():
            lines.append(f"    note: {_q(PLACE_WORDS['zh']['where'] + e.place.label('zh'))}")
        lines.append("    confirmed: false")
    if not d.entries:
        lines[-1] = "targets: []  # no number with a unit found"
    if d.skipped:
        lines.append("# Numbers not drafted (add them by hand if they are targets):")
        lines += [f"#   {w!s}: {why}" for w, why in d.skipped]
    return "\n".join(lines) + "\n"


def _merge_local_vocabulary(path: Path, new_keys: dict[str, dict]) -> None:
    """Add proposed keys to the local indicators.yaml, keeping what a planner already wrote there."""
    if not new_keys:
        return
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    known = set((yaml.safe_load(existing) or {}).keys()) if existing else set()
    chunks = [existing.rstrip("\n") + "\n" if existing else
              "# Local vocabulary: keys proposed by `indicators draft`. Rename them, give each an English\n"
              "# name, and check the unit and the direction (guessed from the comparator).\n"]
    for key, entry in new_keys.items():
        if key in known:
            continue
        chunks.append(f"{key}:\n" + "".join(f"  {k}: {_q(v)}\n" for k, v in entry.items()))
    path.write_text("\n".join(chunks), encoding="utf-8")


def _add_local_region(path: Path, region: str) -> None:
    """A place the bundled regions.yaml lacks gets a local entry to complete (English name, parent)."""
    from ..plans.regions import BUNDLED, load_regions

    known = load_regions(BUNDLED)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if region in known or (existing and region in (yaml.safe_load(existing) or {})):
        return
    level = {"省": "province", "市": "city", "区": "district", "县": "district"}.get(region[-1:], "city")
    head = "" if existing else "# Local regions added by `indicators draft`: give the English name and the parent.\n"
    path.write_text(existing + head + f"{region}:\n  en: {_q('TODO: English name of ' + region)}\n"
                    f"  level: {level}\n  parent: null\n", encoding="utf-8")


def _quotable(source: Path, doc: Document) -> bool:
    """Whether the catalogue can check quotes against the source file itself: UTF-8 text whose
    normalised text is the file's text."""
    if doc.kind != "text" or doc.encoding not in ("utf-8", "utf-8-sig"):
        return False
    return squash(source.read_text(encoding=doc.encoding)) == squash(doc.text)


def draft_plan(source: Path | str, region: str, out: Path | str | None = None, plan_id: str | None = None,
               vocab: Vocabulary | None = None) -> tuple[Path, Draft]:
    """Draft ``out`` (default: beside the source, same stem) from ``source``; returns the path and draft."""
    from ..plans.vocabulary import BUNDLED, load_vocabulary

    source = Path(source)
    out = Path(out) if out else source.with_suffix(".yaml")
    if out.resolve() == source.resolve():
        raise IndicatorsError(f"{out}: the draft would overwrite its source; choose another -o")
    plan_id = plan_id or re.sub(r"[^0-9a-zA-Z_]+", "_", out.stem).strip("_").lower() or "draft"
    vocab = vocab or load_vocabulary(BUNDLED)
    local = out.parent / "indicators.yaml"
    if local.exists():
        vocab = vocab.merged(load_vocabulary(local))
    doc = read_document(source)
    d = draft_text(doc, vocab, plan_id, region)
    if not d.entries:  # a plan file without targets would not load: say so instead of writing one
        raise DocumentError([Problem(str(source), "document.no_targets", "a plan text with a number to draft",
                                     value="; ".join(f"{w}: {why}" for w, why in d.skipped[:3])
                                     or "no number with a unit", facts=(("case", "document"),))])
    out.parent.mkdir(parents=True, exist_ok=True)
    rel = original = os.path.relpath(source.resolve(), out.parent.resolve())
    if not _quotable(source, doc):
        # the quote check reads UTF-8 text: the normalised text is written beside the draft and quoted
        text_path = out.with_name(out.stem + ".source.txt")
        text_path.write_text(doc.text, encoding="utf-8")
        d.plan["note"] = (f"source: the text of {rel} ({doc.kind}{', ' + doc.encoding if doc.encoding else ''}, "
                          f"sha256 {hashlib.sha256(source.read_bytes()).hexdigest()[:16]}) as read by indicators draft")
        rel = os.path.relpath(text_path.resolve(), out.parent.resolve())
    _merge_local_vocabulary(local, d.new_keys)
    _add_local_region(out.parent / "regions.yaml", region)
    out.write_text(render_draft(d, rel, original), encoding="utf-8")
    return out, d


def check_draft(path: Path | str) -> list[dict]:
    """Entries of a plan file still marked ``confirmed: false``: position, line, indicator, written."""
    from ..plans.safe_yaml import LineLoader

    path = Path(path)
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)  # noqa: S506 - SafeLoader subclass
    out = []
    for i, t in enumerate((doc or {}).get("targets") or [], start=1):
        if isinstance(t, dict) and t.get("confirmed") is False:
            out.append({"file": str(path), "row": f"targets[{i}] (line {t.get('__line__')})",
                        "indicator": t.get("indicator"), "year": t.get("year"), "written": t.get("written"),
                        "quote": t.get("quote")})
    return out

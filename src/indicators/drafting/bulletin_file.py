"""A bulletin's file in, the draft's file out: ``read_bulletin`` (a file in any format
``drafting.documents`` reads: text in the encodings ``encodings`` reads, Word, PDF, web pages; or the
text itself), ``draft_frames`` (the drafted values in the planner's long actuals layout, every row
``confirmed`` false, and the numbers not drafted with the reason in words) and ``write_draft`` (CSV or XLSX,
atomically). ``indicators draft-actuals`` is these three around ``drafting.bulletin.draft_bulletin``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .bulletin import BulletinDraft
from .documents import read_document
from ..errors import Problem, ValidationError
from ..plans.vocabulary import Vocabulary
from ..units import unit_of
from ..writing import XlsxSheet, to_csv_text, to_workbook_bytes, write_atomic

__all__ = ["read_bulletin", "draft_frames", "write_draft", "DRAFT_COLUMNS"]


def read_bulletin(source: str) -> tuple[str, str]:
    """(text, name) of a bulletin given as a file path or as the text itself, read by the one
    document reader (``drafting.documents.read_document``: Word, PDF, web pages and text in any
    encoding ``encodings`` reads; a file it cannot read is refused with a code); the name of a text
    handed in as it is, is "text"."""
    doc = read_document(source)
    return doc.text, "text" if doc.kind == "given" else doc.source


DRAFT_COLUMNS = ("region", "indicator", "indicator_zh", "year", "value", "unit", "written", "quote", "source_title",
                 "source_url", "definition", "note", "confirmed")


def draft_frames(d: BulletinDraft, vocab: Vocabulary, source_title: str | None, source_url: str | None,
                 lang: str = "zh") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The drafted values in the planner's long layout (every row ``confirmed`` false; the unit as the
    template writes it, 人, %, 万元, which every reader takes), and the numbers not drafted with the reason
    in words."""
    from ..words.explain import DRAFT_ACTUALS_WORDS, DRAFT_NOTES, NOT_DRAFTED

    rows = [{"region": d.region, "indicator": v.indicator, "indicator_zh": vocab[v.indicator].zh, "year": v.year,
             "value": v.value, "unit": unit_of(v.unit).name_in("zh"), "written": v.written, "quote": v.quote,
             "source_title": source_title,
             "source_url": source_url, "definition": v.definition,
             "note": "; ".join(DRAFT_NOTES[lang][code].format(detail=detail) for code, detail in v.notes) or None,
             "confirmed": "false"}
            for v in d.values]
    w = DRAFT_ACTUALS_WORDS[lang]
    skipped = [{w["written"]: n.written, w["reason"]: NOT_DRAFTED[lang][n.reason].format(detail=n.detail),
                "code": n.reason, w["quote"]: n.quote} for n in d.not_drafted]
    return (pd.DataFrame(rows, columns=list(DRAFT_COLUMNS)),
            pd.DataFrame(skipped, columns=[w["written"], w["reason"], "code", w["quote"]]))


def write_draft(drafted: pd.DataFrame, skipped: pd.DataFrame, out: Path) -> Path:
    """The draft as the file ``--actuals`` reads: an XLSX with the values on the first sheet and the numbers not
    drafted on the sheet ``not_drafted`` (which the readers pass over), or a CSV with those numbers in
    ``<name>.not_drafted.csv`` beside it. Returns where the numbers not drafted are. Written atomically."""
    from ..actuals.table import NOT_DRAFTED_SHEET

    out = Path(out)
    if out.suffix.lower() == ".xlsx":
        sheets = [XlsxSheet("actuals", drafted, wrap=("quote",)), XlsxSheet(NOT_DRAFTED_SHEET, skipped)]
        write_atomic(out, to_workbook_bytes(sheets))
        return out
    if out.suffix.lower() != ".csv":
        raise ValidationError([Problem(str(out), "file.unknown_type", "an output file ending in .csv or .xlsx",
                                       value=out.suffix, facts=(("case", "draft_output"),))],
                              title="the draft could not be written")
    side = out.with_name(out.stem + f".{NOT_DRAFTED_SHEET}.csv")
    write_atomic(out, to_csv_text(drafted).encode("utf-8"))
    write_atomic(side, to_csv_text(skipped).encode("utf-8"))
    return side

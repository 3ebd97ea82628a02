"""What text may hold once it leaves the tool: an exported cell, a page, a sheet title, a chart label.

Names, clauses, quotes and sources come from planners' files, so every output treats them as
hostile text (issue 20):

- **control characters** (C0 except tab, line feed and carriage return; DEL; C1; the XML
  non-characters U+FFFE and U+FFFF) are removed: openpyxl refuses them in a cell, an HTML page may
  not hold them, a terminal obeys them (an ESC sequence can rewrite the screen); a lone surrogate
  (which UTF-8 cannot encode) becomes U+FFFD;
- **formula prefixes**: a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
  return is a formula (or a DDE command) to Excel and LibreOffice; CSV exports prefix it with a
  single quote ``'`` (the OWASP CSV-injection rule), XLSX exports write it as a text cell marked
  "quote prefix" (what Excel itself does when a user types ``'=1``). Only text is neutralised:
  a number stays a number (-5 is written -5), and so does a text that is a plain number ("-5%"
  as the planner wrote it: a spreadsheet reads a number, not a formula); in both, a carriage
  return becomes a line feed (a bare CR breaks a CSV row for most readers, and XML reads it back
  as LF anyway);
- **sheet titles** cannot hold ``[]:*?/\\`` and have at most 31 characters;
- **chart labels** never reach matplotlib's mathtext: every ``$`` is escaped (``数学$\\frac$区``
  is drawn as written instead of failing the report).
"""

from __future__ import annotations

import re

__all__ = ["clean_text", "utf8_text", "cell_text", "csv_cell", "needs_quote_prefix", "sheet_title", "chart_text",
           "FORMULA_START", "SHEET_TITLE_MAX", "CONTROLS"]

# removed everywhere; tab, LF and CR are kept unless the caller says otherwise
# control characters (Unicode Cc but tab, LF, CR): one class, also what a plan file may not hold (plans.schema)
CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_CONTROL = re.compile(f"[{CONTROLS}\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP: what makes a spreadsheet cell a formula


def utf8_text(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD: what UTF-8 (and JSON read back) can hold."""
    return _SURROGATE.sub("\ufffd", text)


def clean_text(text: str, keep: str = "\t\n\r") -> str:
    """``text`` without control characters (those of ``\\t\\n\\r`` not in ``keep`` are removed too),
    each lone surrogate replaced by U+FFFD. Printable text, RTL marks included, is left as it is."""
    text = utf8_text(text)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    for ch in "\t\n\r":
        if ch not in keep and ch in text:
            text = text.replace(ch, "")
    return text


# a plain number written as text (-5, +3.5, -1,234.5, -5%, -4.12E+3): a spreadsheet reads it as the
# number, never as a formula, so it is left as the planner wrote it (a validate table quotes "-5%")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9][0-9,]*(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?%?")


def needs_quote_prefix(text: str) -> bool:
    """A spreadsheet would read this text as a formula: it starts with ``= + - @``, a tab or a CR
    and is not a plain number."""
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def cell_text(text: str) -> tuple[str, bool]:
    """(the text a spreadsheet cell holds, whether a spreadsheet would take it for a formula):
    control characters removed, a carriage return (alone or before a line feed) made the line
    feed spreadsheets use (a bare CR in a CSV field is an unquoted row break to most readers)."""
    text = clean_text(text)
    formula = needs_quote_prefix(text)
    return text.replace("\r\n", "\n").replace("\r", "\n"), formula


def csv_cell(value):
    """A CSV cell: text as ``cell_text`` makes it, prefixed with ``'`` if a spreadsheet would take it
    for a formula; anything that is not text (numbers, negative ones included) is left as it is."""
    if not isinstance(value, str):
        return value
    text, formula = cell_text(value)
    return "'" + text if formula else text


SHEET_TITLE_MAX = 31  # Excel's limit, in UTF-16 code units
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, default: str = "Sheet1") -> str:
    """A title Excel accepts for ``name``: forbidden characters ``[]:*?/\\`` become ``_``, no
    control characters, no apostrophe at either end, at most 31 characters, never the reserved
    "History"; ``default`` when nothing is left."""
    title = _TITLE_FORBIDDEN.sub("_", clean_text(str(name), keep="")).strip().strip("'")
    while len(title.encode("utf-16-le")) > 2 * SHEET_TITLE_MAX:
        title = title[:-1]
    if not title:
        return default
    return title + "_" if title.lower() == "history" else title


def chart_text(text) -> str:
    """Text matplotlib draws as written: no control characters (line breaks kept), every ``$``
    escaped so that no name is parsed as mathtext. Apply it to the final string (after wrapping:
    a line break between ``\\`` and ``$`` would undo the escape)."""
    return clean_text(str(text), keep="\n").replace("$", r"\$")

"""A plan or a bulletin as planners receive it (text in any encoding we read, Word, PDF, a web page),
read into the one normalised text the draft and the quote check use, with a map back to where each
stretch stands in the original (page, paragraph, table cell).

    from indicators.drafting.documents import read_document
    doc = read_document("plan.docx")        # a path (str or Path), or the text itself
    doc.text                                # the normalised text: one line per paragraph or table row
    doc.locate(doc.text.index("2025年"))    # Place(page=None, paragraph=3, table=None, row=None, column=None)
    doc.locate(i).label("zh")               # "第3段", "第2页第4段", "表1第3行第2列"

The normalised text: line feeds only; one paragraph per line (a PDF's wrapped lines joined again); a
table row per line, its cells joined by a tab, a table's rows one after another; page furniture, scripts
and navigation left out; the pinyin some mirror pages insert after characters (萬(wàn)人) removed;
characters otherwise as printed (traditional, full-width), because quotes are cut from it verbatim.
Control characters are removed (a plan file may not hold them).

Every failure is a ``DocumentError`` (a ``ValidationError``) with one ``Problem`` and a stable code:
``file.missing``, ``file.empty``, ``file.unreadable``, ``file.too_large``, ``file.unknown_encoding``,
``file.unknown_type``, ``document.old_word`` (.doc), ``document.scanned_pdf`` (needs OCR),
``document.encrypted_pdf``, ``document.corrupt``, ``document.no_text``. The command line prints the
table and exits 1.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..encodings import decode, declared
from ..errors import DecodeRefusal, DocumentError, Problem
from ..safe_text import CONTROLS
from ..words.explain import PLACE_WORDS

__all__ = ["read_document", "Document", "Place", "MAX_BYTES", "MAX_INFLATED", "SUFFIXES", "PINYIN"]

MAX_BYTES = 64 * 2**20  # a plan's PDF with its annexes is a few MB; past this the file is refused unread
MAX_INFLATED = 256 * 2**20  # a .docx unpacked (its zip directory says how big, before anything is inflated)

# suffix -> kind; a file without one of these is sniffed by its first bytes
SUFFIXES = {".txt": "text", ".text": "text", ".md": "text", ".csv": "text", ".docx": "docx", ".pdf": "pdf",
            ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html", ".doc": "doc"}

_CONTROL = re.compile(f"[{CONTROLS}\ufeff\ufffe\uffff]")
# pinyin that some mirror pages insert after characters: 萬(wàn)人, 達(dá)到, 目(mu)前 (a syllable is
# at most six lowercase letters, so an acronym such as (GDP) is never taken for one)
PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,6}[)）]")


def _pinyin_page(text: str) -> bool:
    """A page whose characters carry inserted pinyin: at least three annotations, one with a tone
    mark (a single "(app)" after a word is left alone)."""
    found = PINYIN.findall(text)
    return len(found) >= 3 and any(not f[1:-1].isascii() for f in found)


@dataclass(frozen=True)
class Place:
    """Where a stretch of the normalised text stands in the original: the PDF page (1-based), the
    paragraph (counted in the whole document, or on its page for a PDF), or the table, row and column
    of a cell (all 1-based). A text file's paragraph is its line."""

    page: int | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None

    def label(self, lang: str = "zh") -> str:
        w = PLACE_WORDS[lang]
        parts = []
        if self.page is not None:
            parts.append(w["page"].format(n=self.page))
        if self.table is not None:
            parts.append(w["cell"].format(table=self.table, row=self.row, column=self.column))
        elif self.paragraph is not None:
            parts.append(w["paragraph"].format(n=self.paragraph))
        return w["sep"].join(parts)


@dataclass(frozen=True)
class Document:
    """The normalised ``text`` of one source and where each of its stretches came from.

    ``spans`` are (start, end, Place), sorted and not overlapping; ``kind`` is text, docx, pdf, html
    or given (a text handed in as a string); ``encoding`` the codec a text or page was read with;
    ``title`` the title the file itself declares (a page's <title>, a Word file's properties), a hint only."""

    text: str
    source: str
    kind: str
    spans: tuple[tuple[int, int, Place], ...] = ()
    encoding: str | None = None
    title: str | None = None
    notes: tuple[str, ...] = ()  # what was left unread and why (a scanned page of a PDF)
    _starts: list[int] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_starts", [s for s, _, _ in self.spans])

    def locate(self, offset: int) -> Place:
        """The place of the character at ``offset`` in ``text`` (the nearest stretch before it when the
        offset falls on a line break between two)."""
        k = bisect.bisect_right(self._starts, offset) - 1
        return self.spans[max(k, 0)][2] if self.spans else Place()


class _Builder:
    """Collects lines of normalised text with their places."""

    def __init__(self, strip_pinyin: bool = False):
        self.strip_pinyin = strip_pinyin
        self.parts: list[str] = []
        self.spans: list[tuple[int, int, Place]] = []
        self.n = 0

    def add(self, text: str, place: Place, end_line: bool = True) -> None:
        text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
        if self.strip_pinyin:
            text = PINYIN.sub("", text)
        self.spans.append((self.n, self.n + len(text), place))
        self.parts.append(text)
        self.n += len(text)
        if end_line:
            self.parts.append("\n")
            self.n += 1

    def cells(self, cells: list[tuple[str, Place]]) -> None:
        """One table row: cells joined by a tab, each cell a span of its own."""
        for k, (text, place) in enumerate(cells):
            text = re.sub(r"\s*\n\s*", "", _CONTROL.sub("", text)).replace("\t", " ").strip()
            if self.strip_pinyin:
                text = PINYIN.sub("", text)
            self.spans.append((self.n, self.n + len(text), place))
            self.parts.append(text)
            self.n += len(text)
            self.parts.append("\t" if k < len(cells) - 1 else "\n")
            self.n += 1

    def text(self) -> str:
        return "".join(self.parts)


def _problem(path: str, code: str, expected: str, value=None, case: str = "document", **facts) -> DocumentError:
    """The refusal of a document; ``case`` and ``facts`` word it in Chinese (``words.explain.EXPECTED_ZH``)."""
    return DocumentError([Problem(path, code, expected, value=value, facts=(("case", case), *facts.items()))])


def _is_path(source) -> bool:
    """A Path is a file; a str is a file when it names one, or looks like a file name (a missing one
    is then refused as missing rather than drafted as text)."""
    if isinstance(source, os.PathLike):
        return True
    if not isinstance(source, str) or "\n" in source or len(source) > 1024:
        return False
    try:
        if os.path.exists(source):
            return True
    except (OSError, ValueError):
        return False
    return Path(source).suffix.lower() in SUFFIXES


def read_document(source: str | os.PathLike) -> Document:
    """The normalised text of ``source`` (a path to a .txt in any encoding ``encodings.decode`` reads,
    a .docx, a text PDF, an HTML page; or the text itself as a str) with its map back to the original.
    Raises ``DocumentError`` (one problem with a stable code) for anything it cannot read."""
    if not _is_path(source):
        return _from_text(str(source), "<text>", "given", None)
    path = Path(source)
    name = str(path)
    data = _read_bytes(path)
    kind = SUFFIXES.get(path.suffix.lower()) or _sniff(data)
    sniffed = _sniff(data)
    if sniffed in ("docx", "pdf", "html") and kind in ("doc", "text", "html"):
        kind = sniffed  # a page saved as .txt, a .docx named .doc: the bytes say what the file is
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or kind == "doc":  # OLE2: Word 97-2003 (.doc), old Excel
        raise _problem(name, "document.old_word", "a .docx, PDF, HTML or text file: save the old Word (.doc) file as "
                       ".docx (Word: Save As; or `soffice --headless --convert-to docx FILE.doc`)", value="OLE2 (.doc)")
    if kind == "text":
        return _read_text(name, data)
    if kind == "docx":
        return _read_docx(name, data)
    if kind == "pdf":
        return _read_pdf(name, data)
    if kind == "html":
        return _read_html(name, data)
    raise _problem(name, "file.unknown_type", "a .txt, .docx, .pdf or .html file", value=path.suffix or "no suffix",
                   case="document_suffix")


def _read_bytes(path: Path) -> bytes:
    name = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise _problem(name, "file.not_regular", "a plan or bulletin file", value="not a regular file")
        if size > MAX_BYTES:
            raise _problem(name, "file.too_large", f"a file of at most {MAX_BYTES // 2**20} MB", value=f"{size} bytes",
                           mb=MAX_BYTES // 2**20)
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _problem(name, "file.missing", "an existing file") from None
    except OSError as exc:
        raise _problem(name, "file.unreadable", "a file that can be read", value=type(exc).__name__) from None
    if len(data) > MAX_BYTES:
        raise _problem(name, "file.too_large", f"a file of at most {MAX_BYTES // 2**20} MB", mb=MAX_BYTES // 2**20)
    if not data.strip():
        raise _problem(name, "file.empty", "a file with text", value=f"{len(data)} bytes")
    return data


def _sniff(data: bytes) -> str | None:
    """The kind of a file without a known suffix, from its first bytes."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return "docx"
    if re.match(rb"(?i)(<!doctype html|<html|<\?xml[^>]*>\s*<html)", head):
        return "html"
    if head.startswith(b"PK\x03\x04") or b"\x00" in data[:4096] and not data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    return "text"


def _read_text(name: str, data: bytes) -> Document:
    try:
        text, codec = decode(data)
    except DecodeRefusal as refusal:
        raise _problem(name, "file.unknown_encoding", "text saved as UTF-8, GBK/GB18030, Big5 or UTF-16",
                       value=f"looks like {refusal.looks_like}" if refusal.looks_like else "unknown encoding") from None
    return _from_text(text, name, "text", codec)


def _from_text(text: str, name: str, kind: str, codec: str | None) -> Document:
    """A plain text: one span per line, its place the line number (the paragraph of a web copy);
    pinyin a mirror page inserted after its characters is removed."""
    b = _Builder(strip_pinyin=_pinyin_page(text))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for i, line in enumerate(lines, start=1):
        b.add(line, Place(paragraph=i))
    doc = Document(b.text(), name, kind, tuple(b.spans), codec)
    if not doc.text.strip():
        raise _problem(name, "document.no_text", "a document with text", value="only white space")
    return doc


# ---- Word (.docx): python-docx, paragraphs and tables in the order of the body ----

def _read_docx(name: str, data: bytes) -> Document:
    """Body paragraphs and tables in order; a table's cells keep their grid (a cell merged across
    columns is written once, the others left empty, so year columns stay aligned; a cell merged down
    rows repeats its text, so each row keeps its label)."""
    import io
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
        inflated = sum(i.file_size for i in infos)
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _problem(name, "document.corrupt", "a Word (.docx) file that opens", value=type(exc).__name__,
                       case="docx") from None
    if inflated > MAX_INFLATED or len(infos) > 10_000:  # a zip bomb is refused from the zip's directory
        raise _problem(name, "file.too_large", f"a Word file of at most {MAX_INFLATED // 2**20} MB unpacked",
                       value=f"{inflated} bytes in {len(infos)} parts", case="docx", mb=MAX_INFLATED // 2**20)
    try:
        d = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        raise _problem(name, "document.corrupt", "a Word (.docx) file that opens", value=type(exc).__name__,
                       case="docx") from None
    b = _Builder()
    paragraph = table = 0
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, d).text.strip()
            if text:
                paragraph += 1
                b.add(text, Place(paragraph=paragraph))
        elif tag == "tbl":
            table += 1
            for r, row in enumerate(Table(child, d).rows, start=1):
                cells, previous = [], None
                for c, cell in enumerate(row.cells, start=1):
                    text = "" if cell._tc is previous else cell.text
                    previous = cell._tc
                    cells.append((text, Place(table=table, row=r, column=c)))
                if any(t.strip() for t, _ in cells):
                    b.cells(cells)
    text = b.text()
    if not text.strip():
        raise _problem(name, "document.no_text", "a Word file with text", value="no paragraph or table cell with text",
                       case="docx")
    title = (d.core_properties.title or "").strip() or None
    return Document(text, name, "docx", tuple(b.spans), None, title)


# ---- PDF: pdfplumber (pdfminer.six), lines joined into paragraphs, ruled tables as cells ----

_PAGE_NUMBER = re.compile(r"^[\s\-－—–·]*(?:第\s*)?[0-9]+(?:\s*页)?(?:\s*/\s*(?:共\s*)?[0-9]+\s*页?)?[\s\-－—–·]*$")
_ENDS_PARAGRAPH = tuple("。！？!?")


def _read_pdf(name: str, data: bytes) -> Document:
    """Each page's text lines outside its tables, joined into paragraphs where a line runs to the
    right margin (a wrapped line), and each table as rows of cells (ruled tables as pdfplumber finds
    them, tables without lines laid out from their words), in the order they stand on the page. Page numbers alone on a line are left out. A page without a text layer is a scan: the
    whole file is refused when no page has text, else the page is listed in ``notes``."""
    import io

    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = list(pdf.pages)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds; the cause is named below
        if _is_password_error(exc):
            raise _problem(name, "document.encrypted_pdf", "a PDF that opens without a password: remove the "
                           "password (print to PDF, or `qpdf --decrypt`) and try again", value="password") from None
        raise _problem(name, "document.corrupt", "a PDF that opens", value=type(exc).__name__, case="pdf") from None
    b = _Builder()
    table_no = 0
    scanned: list[int] = []
    unruled: list[int] = []
    carry = None  # the columns of a table without lines that ran to the foot of the last page
    try:
        for p_no, page in enumerate(pages, start=1):
            if not page.chars:
                if page.images:
                    scanned.append(p_no)
                continue
            found = page.find_tables()
            if not found:
                found, carry = _unruled_tables(page, carry)
            else:
                carry = None
            boxes = [t.bbox for t in found]
            outside = page.filter(lambda o, boxes=boxes: not any(_inside(o, bx) for bx in boxes))
            blocks: list[tuple[float, str, object]] = [(t.bbox[1], "table", t) for t in found]
            blocks += [(top, "para", text) for top, text in _paragraphs(outside.extract_text_lines(), page)]
            blocks.sort(key=lambda x: x[0])
            if not found and _unruled_table([t for _, w, t in blocks if w == "para"]):
                unruled.append(p_no)
            paragraph = 0
            for _, what, item in blocks:
                if what == "para":
                    paragraph += 1
                    b.add(item, Place(page=p_no, paragraph=paragraph))
                    continue
                table_no += 1
                for r, row in enumerate(item.extract(), start=1):
                    cells = [(c or "", Place(page=p_no, table=table_no, row=r, column=k))
                             for k, c in enumerate(row, start=1)]
                    if any(t.strip() for t, _ in cells):
                        b.cells(cells)
    finally:
        pdf.close()
    text = b.text()
    if not text.strip():
        if scanned:
            raise _problem(name, "document.scanned_pdf", "a PDF with a text layer: this one is scanned images "
                           f"({len(scanned)} page(s)); run OCR first (e.g. `ocrmypdf --language chi_sim in.pdf out.pdf`)",
                           value="no text layer", pages=len(scanned))
        raise _problem(name, "document.no_text", "a PDF with text", value="no text on any page", case="pdf")
    notes = [f"page {p} has no text layer (a scanned page?): not read; OCR it to draft its numbers" for p in scanned]
    notes += [f"page {p} seems to hold a table without ruling lines: its cells are read as lines of text and not "
              "drafted; draft the Word file it was made from, or add the rows by hand" for p in unruled]
    return Document(text, name, "pdf", tuple(b.spans), None, None, notes=tuple(notes))


_YEAR_WORD = re.compile(r"(?:19|20)[0-9]{2}\s*年")
_BARE_NUMBERS = re.compile(r"(?:^|\s)[0-9]+(?:\.[0-9]+)?(?=\s)(?:.*?\s[0-9]+(?:\.[0-9]+)?(?:\s|$)){2,}")


def _unruled_table(lines: list[str]) -> bool:
    """A header naming two or more years followed by lines of three or more bare numbers: a table the
    PDF draws without lines, which pdfplumber cannot cut into cells."""
    for k, line in enumerate(lines):
        if len(_YEAR_WORD.findall(line)) >= 2 and any(_BARE_NUMBERS.search(ln + " ") for ln in lines[k + 1:k + 8]):
            return True
    return False


@dataclass
class _LaidTable:
    """A table the PDF draws without ruling lines, cut into cells from the words' positions: ``bbox``
    and ``extract()`` as pdfplumber's own tables have them."""

    bbox: tuple[float, float, float, float]
    rows: list[list[str]]
    anchors: list[float] = field(default_factory=list)
    height: float = 10.0

    def extract(self) -> list[list[str]]:
        return self.rows


_NUMBER_WORD = re.compile(r"^[0-9]+(?:[.,:：][0-9]*)*%?")


def _unruled_tables(page, carry=None) -> tuple[list[_LaidTable], object]:
    """Tables without ruling lines: a header line naming two or more years, then rows whose numbers
    stand in columns. Columns are the left edges shared by the rows' numbers; a row is the run of
    lines without a wider gap than a line's own (a wrapped label or value stays in its row); the table
    ends at a heading, a 备注 line or a gap of three lines."""
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2)
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) < 2:
            lines[-1].append(w)
        else:
            lines.append([w])
    for ln in lines:
        ln.sort(key=lambda w: w["x0"])
    out: list[_LaidTable] = []
    k = 0
    if carry is not None and lines:  # the rows of last page's table that go on at the top of this one
        table, k = _lay_rows(lines, 0, *carry)
        if table is not None:
            out.append(table)
    carry = None
    while k < len(lines):
        text = " ".join(w["text"] for w in lines[k])
        if len(_YEAR_WORD.findall(text)) < 2 and not (len(_YEAR_WORD.findall(text)) == 1 and k + 1 < len(lines)
                                                       and _YEAR_WORD.search(" ".join(w["text"] for w in lines[k + 1]))):
            k += 1
            continue
        table, k = _lay_table(lines, k)
        if table is not None:
            out.append(table)
            carry = (table.anchors, table.height) if k >= len(lines) else None
    return out, carry


def _lay_table(lines: list[list[dict]], h: int):
    """(the table whose header starts at line h, the line after it), or (None, h + 1)."""
    height = max(w["bottom"] - w["top"] for w in lines[h])
    # the header: line h and the lines right under it without a number in them
    end = h + 1
    while end < len(lines) and lines[end][0]["top"] - lines[end - 1][0]["bottom"] < 0.6 * height and not any(
            _NUMBER_WORD.match(w["text"]) for w in lines[end]):
        end += 1
    if sum(1 for ln in lines[h:end] for w in ln if len(w["text"]) <= 12 and re.search(r"(?:19|20)[0-9]{2}", w["text"])) < 2:
        return None, h + 1  # a sentence naming two years (2019年至2021年, ...) is not a header of cells
    body, _ = _body(lines, end, height)
    if sum(1 for ln in body if sum(1 for w in ln if _NUMBER_WORD.match(w["text"])) >= 2) < 2:
        return None, h + 1  # fewer than two rows of numbers: not a table
    starts = sorted(w["x0"] for ln in body for w in ln[1:] if _NUMBER_WORD.match(w["text"]))
    anchors: list[float] = []
    for x in starts:
        if not anchors or x - anchors[-1] > 3:
            anchors.append(x)
    anchors = [a for a in anchors if sum(1 for x in starts if abs(x - a) <= 3) >= 2]
    if len(anchors) < 2 or not body:
        return None, h + 1

    header = _cells(lines[h:end], anchors)
    if sum(1 for c in header[1:] if _YEAR_WORD.search(c)) < 2:
        return None, h + 1
    table, k = _lay_rows(lines, end, anchors, height)
    if table is None:
        return None, h + 1
    table.rows.insert(0, header)
    table.bbox = (0, min(w["top"] for w in lines[h]) - 1, table.bbox[2], table.bbox[3])
    return table, k


def _body(lines: list[list[dict]], start: int, height: float) -> tuple[list[list[dict]], int]:
    """The lines of a table's body from ``start``: up to a heading, a 备注 line or a gap of three lines."""
    k = start
    while k < len(lines):
        gap = lines[k][0]["top"] - lines[k - 1][0]["bottom"] if k > start else 0
        if gap > 3 * height or re.match(r"(?:[一二三四五六七八九十]+、|备注|注[:：])", lines[k][0]["text"]):
            break
        k += 1
    return lines[start:k], k


def _cells(group: list[list[dict]], anchors: list[float]) -> list[str]:
    """The words of a row's lines by column: left of the first anchor is the label; within a line,
    words keep a space between ASCII ends (4. 5: 5. 5), lines join without one (a wrapped cell)."""
    out = [""] * (len(anchors) + 1)
    for ln in group:
        last: dict[int, str] = {}
        for w in ln:
            col = sum(1 for a in anchors if w["x0"] >= a - 3)
            if col in last and last[col][-1:].isascii() and w["text"][:1].isascii():
                out[col] += " "
            out[col] += w["text"]
            last[col] = w["text"]
    return out


def _lay_rows(lines: list[list[dict]], start: int, anchors: list[float], height: float):
    """(the rows from line ``start`` on, cut at ``anchors``; the line after them), or (None, start)."""
    body, k = _body(lines, start, height)
    if not body or not any(_NUMBER_WORD.match(w["text"]) and w["x0"] >= anchors[0] - 3 for ln in body for w in ln):
        return None, start
    rows, group = [], [body[0]]
    for prev, ln in zip(body, body[1:]):
        if ln[0]["top"] - prev[0]["bottom"] > 0.6 * height:
            rows.append(_cells(group, anchors))
            group = []
        group.append(ln)
    rows.append(_cells(group, anchors))
    top = min(w["top"] for w in body[0]) - 1
    bottom = max(w["bottom"] for w in body[-1]) + 1
    return _LaidTable((0, top, 10**6, bottom), rows, anchors, height), k


def _is_password_error(exc: BaseException) -> bool:
    while exc is not None:
        if "Password" in type(exc).__name__ or "Encrypt" in type(exc).__name__:
            return True
        exc = exc.__cause__ or exc.__context__ or (exc.args[0] if exc.args and isinstance(exc.args[0], BaseException)
                                                   else None)
    return False


def _inside(obj, bbox) -> bool:
    x0, top, x1, bottom = bbox
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _paragraphs(lines: list[dict], page) -> list[tuple[float, str]]:
    """Lines joined into paragraphs: a line that reaches the right margin (within two characters) goes
    on in the next line, unless a gap wider than a line lies between, or it ends a sentence and the
    next line is indented (a new paragraph's first line)."""
    lines = [ln for ln in lines if ln["text"].strip() and not _PAGE_NUMBER.match(ln["text"])]
    if not lines:
        return []
    right = max(ln["x1"] for ln in lines)
    left = min(ln["x0"] for ln in lines)
    out: list[tuple[float, str]] = []
    top, text, prev = None, "", None
    for ln in lines:
        size = max((c.get("size", 10) for c in ln.get("chars", [])), default=10)
        indented = ln["x0"] > left + size
        joins = (prev is not None and prev["x1"] >= right - 2 * size and ln["top"] - prev["bottom"] < 1.2 * size
                 and not (text.rstrip().endswith(_ENDS_PARAGRAPH) and indented))
        if joins:
            sep = " " if text[-1:].isascii() and text[-1:].isalnum() and ln["text"][:1].isascii() else ""
            text = text + sep + ln["text"].strip()
        else:
            if prev is not None:
                out.append((top, text))
            top, text = ln["top"], ln["text"].strip()
        prev = ln
    out.append((top, text))
    return out


# ---- HTML: the page's main text (trafilatura), without navigation, scripts and furniture ----

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def _read_html(name: str, data: bytes) -> Document:
    """The main text of a web page, as trafilatura finds it (paragraphs, headings, list items, tables
    as rows of cells), without navigation, scripts, footers and comments. The bytes are decoded with
    the charset the page declares, else by ``encodings.decode``, the project's one detector."""
    import trafilatura
    from lxml import etree

    html = _decode_html(name, data)
    xml = trafilatura.extract(html, output_format="xml", include_tables=True, include_comments=False,
                              include_formatting=False, include_links=False, include_images=False,
                              favor_recall=True, with_metadata=True, deduplicate=False)
    b = _Builder(strip_pinyin=_pinyin_page(html))
    title = None
    if xml:
        root = etree.fromstring(xml.encode("utf-8"))
        title = (root.get("title") or "").strip() or None
        main = root.find("main")
        _html_blocks(main if main is not None else root, b, [0, 0])
    if not b.text().strip():
        raise _problem(name, "document.no_text", "a web page with text in its main part",
                       value="no main text (navigation, scripts or images only)", case="html")
    return Document(b.text(), name, "html", tuple(b.spans), None, title)


def _decode_html(name: str, data: bytes) -> str:
    m = _META_CHARSET.search(data[:4096])
    if m:
        codec = declared(m.group(1).decode("ascii"))
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return decode(data)[0]
    except DecodeRefusal as refusal:
        raise _problem(name, "file.unknown_encoding", "a page saved as UTF-8, GBK/GB18030, Big5 or UTF-16", case="html",
                       value=f"looks like {refusal.looks_like}" if refusal.looks_like else "unknown encoding") from None


def _html_blocks(node, b: _Builder, count: list[int]) -> None:
    """Walk trafilatura's XML: every head, p, item, quote is a paragraph; a table a run of rows."""
    for el in node:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table":
            count[1] += 1
            for r, row in enumerate(el.iter("row"), start=1):
                cells = [("".join(c.itertext()), Place(table=count[1], row=r, column=k))
                         for k, c in enumerate(row.iter("cell"), start=1)]
                if any(t.strip() for t, _ in cells):
                    b.cells(cells)
        elif tag in ("p", "head", "item", "quote", "code") and not len(el.findall(".//p")):
            text = "".join(_with_breaks(el)).strip()
            for line in (t.strip() for t in text.split("\n")):
                if line:
                    count[0] += 1
                    b.add(line, Place(paragraph=count[0]))
        else:
            _html_blocks(el, b, count)


def _with_breaks(el):
    """The text of an element with <lb/> as a line break."""
    if el.text:
        yield el.text
    for child in el:
        if child.tag == "lb":
            yield "\n"
        else:
            yield from _with_breaks(child)
        if child.tail:
            yield child.tail

"""The visible text of a report page, split by language marks: what the language tests
(tests/test_english.py, tests/test_chinese.py) read, written once."""

from __future__ import annotations

from html.parser import HTMLParser


class PageText(HTMLParser):
    """Visible text as (unmarked runs, runs inside an element whose ``lang`` starts with ``marked``).
    Text in ``skip`` elements is left out (styles, scripts, codes); reading stops at the element with
    ``id=stop_id`` when one is given."""

    VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"}

    def __init__(self, marked: str, skip=("style", "script", "title"), stop_id: str | None = None):
        super().__init__()
        self.marked_lang, self.skip_tags, self.stop_id = marked, set(skip), stop_id
        self.stack: list[tuple[str, str | None]] = []
        self.plain: list[str] = []
        self.marked: list[str] = []
        self.skip = 0
        self.stop = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.stop_id is not None and a.get("id") == self.stop_id:
            self.stop = True
        if tag in self.VOID:
            return
        self.skip += tag in self.skip_tags
        self.stack.append((tag, a.get("lang")))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        self.skip -= tag in self.skip_tags
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.skip or self.stop:
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang), None)
        (self.marked if lang and lang.startswith(self.marked_lang) else self.plain).append(data)


def page_text(page: str, marked: str, skip=("style", "script", "title"), stop_id: str | None = None
              ) -> tuple[str, list[str]]:
    """(the unmarked text joined, the marked runs) of ``page``."""
    p = PageText(marked, skip, stop_id)
    p.feed(page)
    return "".join(p.plain), p.marked

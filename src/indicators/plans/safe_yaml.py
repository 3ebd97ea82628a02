"""Reading a planner's text files without trusting them: plan YAMLs, their sources, regions and indicators.

A plan file comes from outside, so reading it must fail as a ``Problem``, never as a crash or an
exhausted machine: only a regular file is opened (a directory, ``/dev/zero`` or a FIFO is refused
before it is read), at most ``MAX_BYTES`` are read, the text must be UTF-8 (else the encoding
charset-normalizer detects is named), and YAML aliases are bounded before anything is built, so a
"billion laughs" file is refused in milliseconds. The loader is PyYAML's safe one (libyaml when
present); an integer of more digits than any real figure stays text, so a 5,000-digit year is a
field problem rather than Python's ``ValueError`` on long integers.
"""

from __future__ import annotations

import stat
from pathlib import Path

import yaml

from ..errors import Problem
from ..encodings import looks_like

__all__ = ["MAX_BYTES", "MAX_ALIASES", "MAX_EXPANDED_NODES", "BoundedLoader", "LineLoader", "read_text", "load_yaml"]

MAX_BYTES = 16 * 1024 * 1024  # far above any plan, source or regions file: a bound, not a budget
MAX_ALIASES = 100  # plan files need none; a few anchors for shared notes are fine
MAX_EXPANDED_NODES = 1_000_000  # nodes the document would have with every alias expanded
_MAX_INT_DIGITS = 30  # no year, count or sum of money has more

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BoundedLoader(_Base):
    """The safe loader, with integers too long to be a figure kept as text (checked as a field)."""


def _int_or_text(loader, node):
    if sum(c.isdigit() for c in node.value) > _MAX_INT_DIGITS:
        return node.value
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


BoundedLoader.add_constructor("tag:yaml.org,2002:int", _int_or_text)


class LineLoader(BoundedLoader):
    """SafeLoader that remembers the line of every mapping, so errors can point at it."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        # `written` and `quote` are text whatever their shape: unquoted 1:20 stays "1:20"
        # (YAML 1.1 would read it as the base-60 integer 80) and 2025 stays "2025"
        for key_node, value_node in node.value:
            if (isinstance(key_node, yaml.ScalarNode) and key_node.value in ("written", "quote")
                    and isinstance(value_node, yaml.ScalarNode) and value_node.tag != "tag:yaml.org,2002:null"
                    and not (value_node.style is None and value_node.value in ("", "~", "null", "Null", "NULL"))):
                mapping[key_node.value] = value_node.value
        return mapping


def read_text(path: Path, expected: str, what_zh: str | None = None) -> tuple[str | None, list[Problem]]:
    """The text of ``path``, or None with the problem: not a regular file, too large, not UTF-8.
    ``expected`` names the file in English, ``what_zh`` in Chinese (``words.explain.EXPECTED_ZH``)."""
    f = str(path)
    facts = (("case", "yaml"), ("what", what_zh), ("mb", MAX_BYTES // 2**20)) if what_zh else ()
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            return None, [Problem(f, "file.not_regular", expected, value=kind, facts=facts)]
        if st.st_size > MAX_BYTES:
            return None, [Problem(f, "file.too_large", f"{expected} of at most {MAX_BYTES // 2**20} MB",
                                  value=f"{st.st_size} bytes", facts=facts)]
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # a file that grows (or lies about its size) is still bounded
    except FileNotFoundError:
        return None, [Problem(f, "file.missing", expected, facts=facts)]
    except (OSError, ValueError) as exc:  # permission, a name with NUL, a path too long
        return None, [Problem(f, "file.unreadable", expected, value=type(exc).__name__, facts=facts)]
    if len(data) > MAX_BYTES:
        return None, [Problem(f, "file.too_large", f"{expected} of at most {MAX_BYTES // 2**20} MB", facts=facts)]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [Problem(f, "file.not_utf8", f"{expected}, saved as UTF-8",
                              row=f"byte {exc.start}", value=_detected_encoding(data), facts=facts)]


def _detected_encoding(data: bytes) -> str:
    """The encoding the bytes look like (``encodings.looks_like``), to tell the planner what to convert from."""
    name = looks_like(data)
    return f"looks like {name}" if name else "unknown encoding"


def load_yaml(path: Path, expected: str, loader=BoundedLoader, what_zh: str | None = None
              ) -> tuple[object, list[Problem]]:
    """The YAML document of ``path`` (None when it cannot be read), with aliases bounded."""
    text, problems = read_text(path, expected, what_zh)
    if text is None:
        return None, problems
    f = str(path)
    facts = (("case", "yaml"), ("what", what_zh), ("aliases", MAX_ALIASES), ("nodes", MAX_EXPANDED_NODES)) \
        if what_zh else ()
    try:
        if "*" in text:  # no `*`, no alias: the common case needs no extra pass
            _check_aliases(text, loader)
        return yaml.load(text, Loader=loader), []  # noqa: S506 - a SafeLoader subclass
    except _TooManyAliases as exc:
        return None, [Problem(f, "file.yaml_aliases", f"YAML with at most {MAX_ALIASES} aliases expanding to at "
                              f"most {MAX_EXPANDED_NODES} nodes", value=str(exc), facts=facts)]
    except yaml.YAMLError as exc:
        return None, [Problem(f, "file.bad_yaml", expected, value=str(exc).splitlines()[0], facts=facts)]
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:  # nesting too deep, a bad timestamp
        return None, [Problem(f, "file.bad_yaml", expected, value=f"{type(exc).__name__}: {str(exc)[:80]}",
                              facts=facts)]


class _TooManyAliases(Exception):
    pass


def _check_aliases(text: str, loader) -> None:
    """Walk the parser's events and count what the aliases would expand to, without building it."""
    sizes: dict[str, int] = {}  # anchor -> nodes under it, aliases expanded
    stack: list[list] = [[None, 0]]  # [anchor, nodes so far] per open collection
    aliases = 0
    for ev in yaml.parse(text, Loader=loader):
        if isinstance(ev, yaml.AliasEvent):
            aliases += 1
            stack[-1][1] += sizes.get(ev.anchor, 1)
        elif isinstance(ev, yaml.ScalarEvent):
            stack[-1][1] += 1
            if ev.anchor:
                sizes[ev.anchor] = 1
        elif isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            stack.append([ev.anchor, 0])
        elif isinstance(ev, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, n = stack.pop()
            if anchor:
                sizes[anchor] = n + 1
            stack[-1][1] += n + 1
        if aliases > MAX_ALIASES or stack[-1][1] > MAX_EXPANDED_NODES:
            raise _TooManyAliases(f"{aliases} aliases, {stack[-1][1]} nodes expanded")

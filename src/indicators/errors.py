"""Errors that say what failed, where, and what was expected (in the style of pandera).

Every check collects all its problems before raising, so a planner fixes a file in one pass.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import Enum

import pandas as pd

__all__ = ["Problem", "Severity", "CHECKS", "IndicatorsError", "ValidationError", "CatalogError", "PublishError",
           "ParseError", "UnitError", "SeriesError", "RegionError", "DecodeRefusal", "DocumentError",
           "problems_frame"]


class Severity(str, Enum):
    """How bad a problem is. A ``str`` enum, so ``severity == "error"`` and CSV output keep working."""

    ERROR = "error"        # the run stops: the input cannot be read as intended
    WARNING = "warning"    # the row is used or left out, and the planner is told
    MISSING = "missing"    # an empty cell: a gap in the series, never a zero

    def __str__(self) -> str:
        return self.value


# Stable code -> what was checked, in words. Tests and tools select problems by code; the words may change.
CHECKS: dict[str, str] = {
    "document.corrupt": "a document that opens",
    "document.encrypted_pdf": "a PDF without a password",
    "document.no_targets": "a plan text with a number to draft",
    "document.no_text": "a document with text",
    "document.old_word": "a .docx, not an old Word .doc",
    "document.scanned_pdf": "a PDF with a text layer (not a scan)",
    "field.control_character": "no control characters in text",
    "field.wrong_type": "field of the declared type",
    "file.bad_excel": "readable Excel file",
    "file.bad_notebook": "readable notebook",
    "file.bad_yaml": "valid YAML",
    "file.empty": "file is not empty",
    "file.malformed_csv": "well-formed CSV",
    "file.missing": "file exists",
    "file.no_plans_dir": "plans directory exists",
    "file.not_regular": "a regular file",
    "file.not_utf8": "UTF-8 text",
    "file.too_large": "file within the size limits",
    "file.unknown_encoding": "readable encoding",
    "file.unknown_type": "known file type",
    "file.unreadable": "file can be read",
    "file.yaml_aliases": "YAML aliases within the limit",
    "indicator.unknown": "known indicator",
    "layout.duplicate_column": "each column named once",
    "layout.hidden_columns": "columns visible (hidden ones skipped)",
    "layout.hidden_rows": "rows visible (hidden ones skipped)",
    "layout.hidden_sheet": "sheet visible (a hidden one is skipped)",
    "layout.merged_values": "one value per cell",
    "layout.missing_columns": "required columns present",
    "layout.no_label": "indicator named on every row with values",
    "layout.no_year_columns": "year columns present",
    "layout.rows_above_header": "only a title above the header",
    "plan.bad_period": "period is [first, last]",
    "plan.duplicate_id": "unique plan id",
    "plan.field_missing": "plan field present",
    "plan.no_plan_block": "plan block present",
    "plan.no_targets": "targets list present",
    "plan.unconfirmed": "entries confirmed",
    "archive.no_reports": "published reports with their assessment (a run of this version)",
    "archive.unknown_run": "a run kept in the archive (reports/runs/<run id>)",
    "publish.busy": "output not busy",
    "publish.disk_full": "free disk space",
    "publish.io_error": "writable output",
    "publish.locked": "no other run publishing",
    "publish.read_only": "writable output",
    "relations.field_missing": "relation fields present",
    "relations.not_mapping": "mapping of relation kinds",
    "relations.unknown_kind": "known kind of relation",
    "region.level_mismatch": "level agrees with regions.yaml",
    "region.missing": "region given",
    "region.no_english_name": "English name present",
    "region.not_mapping": "region entry is a mapping",
    "region.parent_cycle": "parents lead to the nation without a cycle",
    "region.redefined": "bundled region not redefined silently",
    "region.unknown": "known region",
    "region.unknown_field": "known region field",
    "region.unknown_level": "known level",
    "region.unknown_parent": "parent is a known region",
    "source.missing": "source file exists",
    "source.not_found": "source text found",
    "source.outside_plan_dir": "source inside the plan's folder",
    "source.sha256_mismatch": "sha256 matches sources.yaml",
    "target.bad_tolerance": "numeric tolerance",
    "target.bad_value": "numeric value",
    "target.bad_year": "plausible year",
    "target.field_missing": "target field present",
    "target.no_value_note": "value_note present",
    "target.no_year": "year present",
    "target.no_year_note": "year_note present",
    "target.not_mapping": "target is a mapping",
    "target.quote_not_in_source": "quote found in source",
    "target.unknown_comparator": "known comparator",
    "target.unknown_field": "known field",
    "target.unknown_kind": "known kind",
    "target.unreadable_number": "readable number",
    "target.value_disagrees": "value agrees with written",
    "target.written_not_in_quote": "written occurs in quote",
    "unit.mismatch": "unit fits the indicator",
    "value.bad_confirmed": "confirmed is true or false",
    "value.date_or_time": "a number, not a date or time",
    "value.duplicate": "one value per region, indicator and year",
    "value.missing": "value present",
    "value.negative": "not negative",
    "value.not_a_number": "number",
    "value.share_as_fraction": "share in percent",
    "value.share_out_of_range": "share within 0-100%",
    "value.unconfirmed": "drafted value confirmed by the planner",
    "vocabulary.entry_not_mapping": "entry is a mapping",
    "vocabulary.field_missing": "vocabulary field present",
    "vocabulary.not_list": "list",
    "vocabulary.not_mapping": "mapping of indicator keys",
    "vocabulary.redefined": "key not already defined",
    "vocabulary.unknown_direction": "known direction",
    "vocabulary.unknown_unit": "canonical unit",
    "year.out_of_range": "whole year in range",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what it holds, and what was expected.

    ``code`` is stable (``value.not_a_number``, ``region.unknown``); ``check`` is its wording."""

    file: str
    code: str
    expected: str
    sheet: str | None = None
    row: int | str | None = None  # row number as the planner sees it (header is row 1), or a YAML path
    column: str | None = None
    value: object = None
    severity: Severity = Severity.ERROR
    # what the cell stands for, as the planner typed it: (indicator label, year) of a value cell, so
    # that a summary groups blanks by row without reading them back out of ``expected``
    subject: tuple | None = field(default=None, compare=False)
    # what ``expected`` says, as (name, value) pairs, so that it can be worded in another language
    # (``words.explain.expected_words``); a problem without them is shown with ``expected`` as it is
    facts: tuple[tuple[str, object], ...] = field(default=(), compare=False)

    def __post_init__(self):
        if self.code not in CHECKS:
            raise ValueError(f"unknown problem code {self.code!r}: add it to indicators.errors.CHECKS")
        object.__setattr__(self, "severity", Severity(self.severity))

    @property
    def check(self) -> str:
        return CHECKS[self.code]

    def line(self) -> str:
        """One line for a terminal: where, what it holds, what was expected."""
        where = self.file + (f" sheet {self.sheet}" if self.sheet else "") + (f" row {self.row}" if self.row else "")
        return f"{self.severity}: {where}: {self.column} {self.value!r}: {self.expected} [{self.code}]"


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    cols = [f.name for f in fields(Problem)] + ["check"]
    records = [{**asdict(p), "severity": str(p.severity), "check": p.check} for p in problems]
    frame = pd.DataFrame(records, columns=cols)
    order = ["severity", "file", "sheet", "row", "column", "value", "code", "check", "expected"]
    frame = frame[order]
    if frame["sheet"].isna().all():
        frame = frame.drop(columns="sheet")
    return frame


class IndicatorsError(Exception):
    """Base class: anything the command line reports as a clear error and a non-zero exit.

    Every error of the package is declared in this module, so one look shows them all and the
    round-trip test (tests/test_errors.py) can pickle each: a worker process that raises one reports
    it to the client intact. A subclass whose ``__init__`` takes other arguments than the message
    says how to rebuild itself in ``__reduce__``."""


class ParseError(IndicatorsError, ValueError):
    """Text that does not hold a number in any form the parser knows (``numerals``, ``parse``)."""


class UnitError(IndicatorsError, ValueError):
    """A unit the table does not know, or one that cannot convert to the wanted unit (``units``)."""


class SeriesError(IndicatorsError, ValueError):
    """A series that cannot be forecast as given (``forecast.ladder.series_problem``): ``code`` is
    one of ``forecast.ladder.SERIES_PROBLEMS`` (duplicate_year, infinite, negative, above_100)."""

    def __init__(self, message: str, code: str = "duplicate_year"):
        self.code = code
        super().__init__(message)

    def __reduce__(self):
        return (type(self), (self.args[0], self.code))


class RegionError(IndicatorsError):
    """A region name that matches no known region (or several); the message lists the closest
    (``plans.regions``)."""


class DecodeRefusal(IndicatorsError):
    """A file that is not text in an encoding we read; ``looks_like`` names the encoding detected
    (``encodings``). The actuals loader turns it into a ``file.unknown_encoding`` problem."""

    def __init__(self, looks_like: str | None):
        self.looks_like = looks_like
        super().__init__(looks_like or "no known encoding")

    def __reduce__(self):
        return (type(self), (self.looks_like,))


class ValidationError(IndicatorsError):
    """One or more problems found in an input; ``problems`` holds them all."""

    title = "validation failed"

    def __init__(self, problems: list[Problem], title: str | None = None):
        self.problems = list(problems)
        if title:
            self.title = title
        super().__init__(self.render())

    def __reduce__(self):
        # picklable (as pandera's errors are): a worker process that raises one reports it intact
        return (type(self), (self.problems, self.title))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    def frame(self) -> pd.DataFrame:
        return problems_frame(self.problems)

    def render(self) -> str:
        n = len(self.errors)
        head = f"{self.title}: {n} error{'s' if n != 1 else ''}"
        other = len(self.problems) - n
        if other:
            head += f" ({other} warning{'s' if other != 1 else ''} or missing values listed too)"
        with pd.option_context("display.max_colwidth", 80, "display.width", 250):
            return head + "\n" + self.frame().to_string(index=False)


class CatalogError(ValidationError):
    """A malformed catalogue file: unknown indicator, missing direction, bad comparator, lost quote."""

    title = "catalogue failed to load"


class DocumentError(ValidationError):
    """A plan or bulletin that cannot be read as text: empty, an old Word file, a scanned or encrypted
    PDF, a page without text (``drafting.documents``)."""

    title = "the document could not be read"


class PublishError(ValidationError):
    """The reports could not be published; the previous set is still current (``run.sets``)."""

    title = "publishing failed (the previous reports are still in place)"


class ArchiveError(ValidationError):
    """A run asked for is not in the archive, or there are no published reports to compare with
    (``run.archive``): nothing is written."""

    title = "no such reports"

"""Errors that say what failed, where, and what was expected (in the style of pandera).

Every check collects all its problems before raising, so a planner fixes a file in one pass.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import pandas as pd

__all__ = ["Problem", "IndicatorsError", "ValidationError", "CatalogError", "problems_frame"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what it holds, and what was expected."""

    file: str
    check: str
    expected: str
    sheet: str | None = None
    row: int | str | None = None  # row number as the planner sees it (header is row 1), or a YAML path
    column: str | None = None
    value: object = None
    severity: str = "error"  # error | warning | missing

    def line(self) -> str:
        """One line for a terminal: where, what it holds, what was expected."""
        where = self.file + (f" sheet {self.sheet}" if self.sheet else "") + (f" row {self.row}" if self.row else "")
        return f"{self.severity}: {where}: {self.column} {self.value!r}: {self.expected}"


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    cols = [f.name for f in fields(Problem)]
    frame = pd.DataFrame([asdict(p) for p in problems], columns=cols)
    order = ["severity", "file", "sheet", "row", "column", "value", "check", "expected"]
    frame = frame[order]
    if frame["sheet"].isna().all():
        frame = frame.drop(columns="sheet")
    return frame


class IndicatorsError(Exception):
    """Base class: anything the command line reports as a clear error and a non-zero exit."""


class ValidationError(IndicatorsError):
    """One or more problems found in an input; ``problems`` holds them all."""

    title = "validation failed"

    def __init__(self, problems: list[Problem], title: str | None = None):
        self.problems = list(problems)
        if title:
            self.title = title
        super().__init__(self.render())

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

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

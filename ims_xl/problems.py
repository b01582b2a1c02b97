"""Problems found in input: what, where, and what to do about it.

Every loader returns its records together with a list of :class:`Problem`; nothing that a
portal file or a spreadsheet can really contain crashes a loader.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Severity

__all__ = ["Problem", "InputError"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one place of one input file.

    ``row`` is the 1-based row as the user sees it in the file (a spreadsheet's row number,
    a CSV's line number), or for JSON the path to the entry (``docdata.impg[3]``); ``None``
    for a whole-file problem. ``column`` is the header text
    (or JSON key) as it stands in the file.
    """

    file: str
    message: str
    fix: str = ""
    row: int | str | None = None
    column: str | None = None
    value: str | None = None
    severity: Severity = Severity.ERROR
    code: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (value {self.value!r})"
        if self.fix:
            text += f". {self.fix}"
        return text


class InputError(Exception):
    """Bad input that stops a command: the CLI prints it and exits with status 2."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []

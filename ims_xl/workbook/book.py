"""The small interface through which every workbook operation reads and writes a workbook.

The operations in :mod:`ims_xl.workbook.ops` are written once against this interface, and
four classes implement it:

* :class:`~ims_xl.workbook.stream_book.StreamBook`: a file on disk, rewriting only what
  changes (the command line);
* :class:`~ims_xl.workbook.openpyxl_book.OpenpyxlBook`: a file on disk through openpyxl
  (the tests, ``IMS_XL_WRITER=openpyxl``, and StreamBook's fallback);
* :class:`~ims_xl.workbook.xlwings_book.XlwingsBook`: the live workbook in Excel (the ribbon);
* :class:`~ims_xl.lite.book.LiteBook`: the same in xlwings Lite.

The read-only :class:`~ims_xl.workbook.fast_book.FastBook` serves the commands that change
nothing (summary, export), and :class:`~ims_xl.workbook.ops.TrialRun` keeps a recompute's
writes to itself (Validate). :func:`~ims_xl.workbook.opening.open_book` picks the file
writer; this module imports none of them, so they can all import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ..problems import InputError
from .layout import TableSpec

Row = dict[str, Any]

# How each surface tells the accountant to start again: the command line or the ribbon.
CLI_REMEDY = "start a new workbook with 'ims-xl template' and load your data again"
RIBBON_REMEDY = "make a new workbook with the ribbon's New workbook button and load your data again"


class TableMissing(InputError):
    """A table of ours is not in the workbook (a workbook made before the table existed may
    lack it: see ``state.read_optional_table``)."""


def table_missing(label: str, spec: TableSpec, remedy: str = CLI_REMEDY) -> InputError:
    return TableMissing(
        f"{label}: the table {spec.name!r} (sheet {spec.sheet!r}) is missing. It may have been "
        f"renamed or deleted: rename it back (Table Design > Table Name), or {remedy}.")


def check_columns(label: str, spec: TableSpec, present, remedy: str = CLI_REMEDY) -> None:
    """Refuse a table that lacks one of our columns, naming each missing header. An optional
    column (one that workbooks made before it existed lack) may be missing."""
    missing = [c.header for c in spec.columns if c.header not in present and not c.optional]
    if missing:
        raise InputError(
            f"{label}: table {spec.name!r} lacks the column(s) "
            + ", ".join(repr(m) for m in missing)
            + f". Put the column back with exactly that header, or {remedy}.")


class Book(Protocol):
    label: str  # how messages name the workbook (its file name)

    def read_table(self, spec: TableSpec) -> list[Row]:
        """The table's body rows as header -> value (blank rows dropped).

        Raises :class:`~ims_xl.problems.InputError` when the table or a column is missing.
        """

    def write_table(self, spec: TableSpec, rows: Sequence[Row]) -> None:
        """Replace the table's body with ``rows`` (values by header; Formula objects as formulas)."""

    def read_names(self, names: Sequence[str]) -> dict[str, Any]:
        """The values of single-cell defined names (missing names are absent)."""

    def write_name(self, name: str, value: Any) -> None: ...

    def set_list(self, name: str, values: Sequence[str]) -> None:
        """Fill the hidden list behind a dropdown (such as the periods of IMS_PERIOD)."""

    def progress(self, text: str, done: int = 0, total: int = 0) -> None: ...

    def confirm(self, question: str) -> bool: ...

    def alert(self, text: str) -> None: ...

    def save(self) -> None: ...

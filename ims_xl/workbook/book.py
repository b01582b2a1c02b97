"""The small interface through which every workbook operation reads and writes a workbook.

Two implementations: :class:`~ims_xl.workbook.openpyxl_book.OpenpyxlBook` (a file on disk,
headless: the command line and CI) and :class:`~ims_xl.workbook.xlwings_book.XlwingsBook`
(the live workbook in Excel: the ribbon). The operations in :mod:`ims_xl.workbook.ops` are
written once against this interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from .layout import TableSpec

Row = dict[str, Any]


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

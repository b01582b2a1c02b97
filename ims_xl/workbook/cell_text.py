"""What a cell can hold as text, for every writer (openpyxl, the streaming writer, xlwings).

Its own module so that the live-workbook writers (the ribbon's and xlwings Lite's) need
openpyxl's character table only, not the file writers and their locks.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

__all__ = ["EXCEL_TEXT_LIMIT", "ILLEGAL_CHARACTERS_RE", "cell_value"]

EXCEL_TEXT_LIMIT = 32767


def cell_value(value: Any) -> Any:
    """What openpyxl can store: illegal control characters removed, text within Excel's limit."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > EXCEL_TEXT_LIMIT:
            value = value[: EXCEL_TEXT_LIMIT - 1] + "…"
    return value

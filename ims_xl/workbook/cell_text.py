"""What a cell can hold as text, for every writer (openpyxl, the streaming writer, xlwings).

Its own module so that the live-workbook writers (the ribbon's and xlwings Lite's) need
neither the file writers and their locks nor openpyxl (whose import is a third of xlwings
Lite's cold start). The characters are openpyxl's (the control characters XML 1.0 forbids);
tests/test_lite.py checks that the two stay the same.
"""

from __future__ import annotations

import re
from typing import Any

ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

__all__ = ["EXCEL_TEXT_LIMIT", "ILLEGAL_CHARACTERS_RE", "cell_value"]

EXCEL_TEXT_LIMIT = 32767


def cell_value(value: Any) -> Any:
    """What openpyxl can store: illegal control characters removed, text within Excel's limit."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > EXCEL_TEXT_LIMIT:
            value = value[: EXCEL_TEXT_LIMIT - 1] + "…"
    return value

"""Keep imported text from ever becoming a formula in a spreadsheet.

Text from data that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return,
which some spreadsheet programs strip first) is neutralised before it is written to a CSV
file, by prefixing an apostrophe. In workbooks we write such text as a string cell instead
(see the workbook writer), so it shows exactly as typed and never runs.

>>> neutralise("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> neutralise("-2+3"), neutralise("INNSA1"), neutralise(12)
("'-2+3", 'INNSA1', 12)
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "looks_like_formula", "neutralise"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: object) -> bool:
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if looks_like_formula(value):
        return "'" + value
    return value

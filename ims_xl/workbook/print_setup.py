"""How each sheet prints, and how tall a row of wrapped text must be (issue 14).

Pure data and arithmetic: no openpyxl, no xlwings. The template turns :data:`PAGES` into
each sheet's page set-up; the writers that rewrite the workbook later keep it as it is
(the command line's stream writer copies every part it does not write; openpyxl and Excel
keep a sheet's page set-up and its print titles). Every writer sizes a row whose wrapped
text needs more than one line with :func:`wrapped_row_height`, so the text shows on screen
and on paper.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from .layout import SETTINGS_FIRST_ROW, SHEETS, TABLES, Column, TableSpec

__all__ = ["Page", "PAGES", "FOOTER", "LINE_HEIGHT", "WRAP_FROM_WIDTH", "wraps",
           "wrapping_columns", "wrapped_lines", "wrapped_row_height", "row_height_attrs",
           "print_title_row"]

# The footer of every printed page: the workbook's file name, the sheet, the page.
# (&F, &A, &P and &N are Excel's and LibreOffice's codes for them.)
FOOTER = {"left": "&F", "center": "&A", "right": "Page &P of &N"}
PAPER_A4 = 9        # Excel's paperSize code for A4
LINE_HEIGHT = 15.0  # points: one line of 11-point body text
# Characters of body text a column holds per unit of width, a little under the average, so
# a wrapped cell is never cut off (a column's width counts the digit "0", wider than most
# lower-case letters).
CHARS_PER_WIDTH = 1.15


@dataclass(frozen=True)
class Page:
    """One sheet's page set-up: always landscape A4, one page wide."""

    sheet: str
    tall: int = 0               # pages tall: 0 = as many as it takes, 1 = the sheet on one page
    title_row: int | None = None   # the header row printed at the top of every page


def print_title_row(sheet: str) -> int | None:
    """The row repeated on every page: the header of the sheet's (first) table, or of the
    Settings block; None for a sheet without a table."""
    if sheet == "Settings":
        return SETTINGS_FIRST_ROW - 1
    specs = [t for t in TABLES.values() if t.sheet == sheet]
    if not specs:
        return None
    return min(_origin_row(t) for t in specs)


def _origin_row(spec: TableSpec) -> int:
    return int("".join(ch for ch in spec.origin if ch.isdigit()))


ONE_PAGE = ("Start", "GSTR-2B", "GSTR-3B")   # short summaries: each fits on one page
# A sheet on one page repeats nothing; every other sheet repeats its header row.
PAGES: dict[str, Page] = {
    sheet: Page(sheet, tall=1) if sheet in ONE_PAGE else Page(sheet, 0, print_title_row(sheet))
    for sheet in SHEETS}
assert all(p.title_row for p in PAGES.values() if not p.tall), "a long sheet without a header"


@lru_cache(maxsize=1 << 16)  # a recompute sizes up to 100,000 rows; most notes repeat
def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes when wrapped in a column ``width`` characters wide."""
    per_line = max(int(width * CHARS_PER_WIDTH), 1)
    lines = 0
    for part in text.split("\n"):
        # the cheap case first
        lines += 1 if len(part) <= per_line else _greedy_lines(part, per_line)
    return lines


def _greedy_lines(part: str, per_line: int) -> int:
    """Lines of ``part`` filled word by word, as a spreadsheet wraps them (a word longer
    than a line is broken); textwrap counts the same, several times slower."""
    lines, used = 1, 0
    for word in part.split():
        n = len(word)
        if used and used + 1 + n <= per_line:
            used += 1 + n
            continue
        if used:
            lines += 1
        lines += (n - 1) // per_line   # a long word takes lines of its own
        used = n - (n - 1) // per_line * per_line
    return lines


def wrapped_row_height(cells: Iterable[tuple[object, float]]) -> float | None:
    """The height (points) a row needs so each of its wrapped ``(value, column width)``
    cells shows whole; None when one line is enough (the row keeps the usual height)."""
    most = 1
    for value, width in cells:
        if type(value) is str and value:
            most = max(most, wrapped_lines(value, width))
    return LINE_HEIGHT * most if most > 1 else None


# A text column this wide or wider holds sentences or long names (Messages, Note,
# Differences, Supplier Name, Remark, BoE Identity, Source...): its cells wrap, and the row
# grows, instead of spilling over the next column or being cut off.
WRAP_FROM_WIDTH = 22


def wraps(column: Column) -> bool:
    return column.kind == "text" and column.width >= WRAP_FROM_WIDTH


def wrapping_columns(spec: TableSpec, first_column: int, widths: Mapping[int, float]
                     ) -> list[tuple[str, float, int]]:
    """(header, width, characters on one line) of the table's wrapped columns; ``widths``
    are the sheet's column widths by column number (the layout's width where it has none)."""
    out = []
    for j, column in enumerate(spec.columns):
        if wraps(column):
            width = widths.get(first_column + j) or column.width
            out.append((column.header, width, max(int(width * CHARS_PER_WIDTH), 1)))
    return out


HEIGHT_ATTRS_RE = re.compile(r'\s*\b(?:ht|customHeight)="[^"]*"')
HT_RE = re.compile(r'\bht="([^"]*)"')


def row_height_attrs(attrs: str, height: float | None) -> str:
    """A row's XML attributes with ``height`` set (``ht`` and ``customHeight``). With None
    (one line is enough) a height ims-xl set for text that has since shrunk goes (a whole
    number of lines above one); any other height (the accountant's) stays."""
    if height is None and not is_wrapped_height(_height_of(attrs)):
        return attrs
    kept = HEIGHT_ATTRS_RE.sub("", attrs).strip()
    if height is None:
        return kept
    return f'{kept} ht="{height:g}" customHeight="1"'.strip()


def is_wrapped_height(height: float | None) -> bool:
    """Whether a row height is one :func:`wrapped_row_height` gives (2 lines or more)."""
    return height is not None and height > LINE_HEIGHT and height % LINE_HEIGHT == 0


def _height_of(attrs: str) -> float | None:
    m = HT_RE.search(attrs)
    try:
        return float(m.group(1)) if m else None
    except ValueError:
        return None

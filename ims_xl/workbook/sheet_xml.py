"""The sheet XML writer of :class:`~ims_xl.workbook.stream_book.StreamBook`: one worksheet
part rewritten as text, its written tables' body rows and single cells new, every other byte
as it was.

Given what to change (a :class:`SheetEdit`) and a function that says what a cell held when
the workbook was read (so an accountant's formula whose shown value is unchanged stays a
formula), :class:`SheetWriter` streams the new part. Text is always an inline string: data
text can never become a formula.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape, unescape

from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.datetime import WINDOWS_EPOCH, to_excel

from .cell_text import EXCEL_TEXT_LIMIT, ILLEGAL_CHARACTERS_RE, cell_value
from .growth import Move
from .layout import DATE as DATE_FORMAT
from .layout import TABLES, Formula
from .print_setup import row_height_attrs, wrapped_row_height, wrapping_columns

__all__ = ["SheetWriter", "SheetEdit", "TablePart", "Unstreamable", "DateStyles", "UNREAD",
           "cell_xml", "row_cells", "sheet_data_span", "xml_text", "forget_date_styles",
           "ROW_RE", "CELL_RE", "CELL_REF_RE"]

Row = dict[str, Any]
UNREAD = object()   # what ValueRead gives for a cell whose sheet was not read
# (sheet, row, column) -> the cell's value when the workbook was read ("" read as None), or UNREAD
ValueRead = Callable[[str, int, int], Any]


class Unstreamable(Exception):
    """The file has a shape the streaming writer does not handle: use openpyxl instead."""


@dataclass
class TablePart:
    name: str
    sheet: str
    part: str                   # the table part, e.g. xl/tables/table1.xml
    ref: str
    columns: list[str]          # header of each column, left to right
    totals: int = 0             # rows of Excel's Total Row at its foot (not data)

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        return range_boundaries(self.ref)

    def new_last(self, rows: Sequence[Row]) -> int:
        """The table's last row (its Total Row's, if any) once ``rows`` are written."""
        return self.bounds[1] + max(len(rows), 1) + self.totals


@dataclass
class SheetEdit:
    """What :meth:`StreamBook.save` changes in one sheet part."""
    tables: list[tuple[TablePart, list[Row]]] = field(default_factory=list)
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)   # (row, col) -> value
    clear_below: dict[int, int] = field(default_factory=dict)         # col -> first row cleared
    style_like: dict[int, int] = field(default_factory=dict)   # col -> row new cells copy style
    # the cells below a growing table that move down, with their old cell XML
    moves: list[tuple[Move, list[tuple[int, int, bytes]]]] = field(default_factory=list)
    xml: bytes | None = None    # the sheet part, when planning had to read it


ROW_RE = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*?(/?)>')
CELL_RE = re.compile(rb'<c\b[^>]*?(?:/>|>.*?</c>)', re.S)
CELL_REF_RE = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"')
STYLE_RE = re.compile(rb'\ss="(\d+)"')
# The usual cell start, as Excel, LibreOffice and openpyxl write it: reference, then style.
QUICK_CELL_RE = re.compile(rb'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?')
ROW_ATTRS_DROP_RE = re.compile(rb'\s(?:spans|r)="[^"]*"')
DIMENSION_RE = re.compile(rb'<dimension\b[^>]*?\bref="([^"]*)"[^>]*?/>')
EXCEL_ORDINAL = date(1899, 12, 30).toordinal()
_COLUMN_INDEX: dict[bytes, int] = {}


REREF_RE = re.compile(rb'(<c\b[^>]*?\br=")[A-Z]{1,3}\d+(")')


def sheet_data_span(xml: bytes, part: str) -> tuple[int, int]:
    """Where the rows of the sheet data start and where they end (``</sheetData>``, or
    the end of an empty ``<sheetData/>``)."""
    start = xml.find(b"<sheetData")
    if start < 0 or xml.find(b"<sheetData", start + 10) >= 0:
        raise Unstreamable(f"{part} has no single <sheetData>")
    open_end = xml.index(b">", start) + 1
    if xml[open_end - 2:open_end] == b"/>":
        return open_end, open_end
    close = xml.find(b"</sheetData>", open_end)
    if close < 0:
        raise Unstreamable(f"{part}: <sheetData> is not closed")
    return open_end, close


def xml_text(text: bytes) -> str:
    return unescape(text.decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"})


def _reref(cell: bytes, letters: str, row: int) -> str:
    """A cell's XML with its reference moved to another row."""
    return REREF_RE.sub(lambda m: m.group(1) + f"{letters}{row}".encode() + m.group(2), cell,
                        count=1).decode("utf-8")


def _col_index(letters: bytes) -> int:
    n = _COLUMN_INDEX.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + ch - 64
        _COLUMN_INDEX[letters] = n
    return n


# One column's cell as a row of a table writes it: (header, letters, '<c r="LETTERS',
# ' s="N"' or "", style). The row number goes between the two strings.
_CellStart = tuple[str, str, str, str, int]


def _cell_starts(columns: list[tuple[str, int, str]], styles: list[int]) -> list[_CellStart]:
    """Each column's cell start with its style, made once per shape of row: a big save writes
    the same few shapes a hundred thousand times."""
    return [(header, letters, f'<c r="{letters}', f' s="{style}"' if style else "", style)
            for (header, _c, letters), style in zip(columns, styles)]


@dataclass
class _Block:
    """One written table in its sheet: old and new body rows, columns, the rows to write."""
    table: TablePart
    rows: list[Row]
    min_col: int
    max_col: int
    first: int          # first body row
    old_last: int       # the table's last row (its Total Row's, if any), before and after
    new_last: int
    columns: list[tuple[str, int, str]]   # (header, column, letters)
    totals: int = 0     # rows of Excel's Total Row: moved with the table's foot, kept as is
    body_last: int = 0  # the last body row once written (above the Total Row)
    styles: dict[int, int] = field(default_factory=dict)   # column -> usual style
    usual: list[int] = field(default_factory=list)         # the same, in column order
    usual_cells: list[_CellStart] = field(default_factory=list)   # the same, as cell starts
    # the cell starts of each shape of old row (its cells' columns and styles)
    shapes: dict[tuple, list[_CellStart]] = field(default_factory=dict)
    # (header, column width, characters on one line) of the columns whose text wraps
    wrapping: list[tuple[str, float, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.body_last = self.new_last - self.totals

    def covers(self, r: int) -> bool:
        return self.first <= r <= max(self.old_last, self.new_last)


class SheetWriter:
    """Rewrites one sheet part: the written tables' body rows, the single cells, the
    dimension; every other byte as it was."""

    def __init__(self, part: str, edit: SheetEdit, epoch: datetime, value_read: ValueRead):
        self.value_read = value_read
        self.part = part
        self.edit = edit
        self.epoch = epoch
        self.new_refs: dict[str, str] = {}
        self.blocks: list[_Block] = []
        self.update_styles: dict[int, int] = {}
        self.incoming: dict[int, list[tuple[int, str]]] = {}
        for table, rows in edit.tables:
            min_col, min_row, max_col, max_row = range_boundaries(table.ref)
            new_last = table.new_last(rows)
            columns = [(h, min_col + j, get_column_letter(min_col + j))
                       for j, h in enumerate(table.columns) if h]
            self.blocks.append(_Block(table, rows, min_col, max_col, min_row + 1, max_row,
                                      new_last, columns, table.totals))
            self.new_refs[table.name] = (f"{get_column_letter(min_col)}{min_row}:"
                                         f"{get_column_letter(max_col)}{new_last}")

    def write(self, xml: bytes, out) -> None:
        open_end, close = sheet_data_span(xml, self.part)
        if open_end == close and xml[open_end - 2:open_end] == b"/>":  # an empty sheet
            start = xml.rfind(b"<sheetData", 0, open_end)
            head = xml[:start] + b"<sheetData>"
            tail = b"</sheetData>" + xml[open_end:]
        else:
            head, tail = xml[:open_end], xml[close:]
        old_rows = {r: (attrs, s, e) for r, attrs, s, e in self._old_rows(xml, open_end, close)}
        widths = _column_widths(head)
        for b in self.blocks:
            spec = TABLES.get(b.table.name)
            if spec is not None:
                b.wrapping = wrapping_columns(spec, b.min_col, widths)
        leaving, self.incoming = self._moving(xml, old_rows)
        if leaving:  # the rows whose cells move away: as if those cells were not there
            xml, old_rows, tail = self._without(xml, old_rows, leaving, tail)
        self._learn_styles(xml, old_rows)
        self.update_styles = {}
        for c, r in self.edit.style_like.items():
            old = old_rows.get(r)
            for col, style, _x in (row_cells(xml[old[1]:old[2]]) if old else ()):
                if col == c:
                    self.update_styles[c] = style

        updates: dict[int, dict[int, Any]] = {}
        for (r, c), value in self.edit.cells.items():
            updates.setdefault(r, {})[c] = value
        for c, first in self.edit.clear_below.items():  # the old period list's leftovers
            for r in old_rows:
                if r >= first:
                    updates.setdefault(r, {}).setdefault(c, None)
        wanted = set(updates)
        wanted.update(self.incoming)
        wanted.update(leaving)
        for b in self.blocks:
            wanted.update(range(b.first, b.new_last + 1))
            wanted.update(r for r in old_rows if b.first <= r <= b.old_last)

        order = sorted(wanted.union(old_rows))
        # The dimension sits before <sheetData>: every row that will be written is known now
        # (rows the tables leave are written only when they keep other cells).
        kept = [r for r in order if r not in wanted or self._has_content(r, xml, old_rows,
                                                                           updates)]
        head = self._dimension(head, kept)
        out.write(head)
        parts: list[str] = []
        size = 0
        for r in order:
            old = old_rows.get(r)
            if r not in wanted:
                if parts:
                    out.write("".join(parts).encode("utf-8"))
                    parts, size = [], 0
                out.write(xml[old[1]:old[2]])
                continue
            text = self._row(r, xml[old[1]:old[2]] if old else b"", old[0] if old else b"",
                             updates.get(r))
            if text:
                parts.append(text)
                size += len(text)
                if size > 1 << 20:
                    out.write("".join(parts).encode("utf-8"))
                    parts, size = [], 0
        out.write("".join(parts).encode("utf-8"))
        out.write(tail)

    def _moving(self, xml: bytes, old_rows: dict
                ) -> tuple[dict[int, list[tuple[int, int]]], dict[int, list[tuple[int, str]]]]:
        """The cells that change rows: those below a growing table (``edit.moves``) and the
        cells of a Total Row, which stays the table's last row. Returns the rows they
        leave (with the column spans that leave) and the cells each row receives."""
        leaving: dict[int, list[tuple[int, int]]] = {}
        incoming: dict[int, list[tuple[int, str]]] = {}
        for move, cells in self.edit.moves:
            span = (move.min_col, move.max_col)
            for r, c, cell in cells:
                if span not in leaving.setdefault(r, []):
                    leaving[r].append(span)
                incoming.setdefault(r + move.by, []).append(
                    (c, _reref(cell, get_column_letter(c), r + move.by)))
        for b in self.blocks:
            if not b.totals:
                continue
            old = old_rows.get(b.old_last)
            leaving.setdefault(b.old_last, []).append((b.min_col, b.max_col))
            for c, _s, cell in (row_cells(xml[old[1]:old[2]]) if old else ()):
                if b.min_col <= c <= b.max_col:
                    incoming.setdefault(b.new_last, []).append(
                        (c, _reref(cell, get_column_letter(c), b.new_last)))
        return leaving, incoming

    def _without(self, xml: bytes, old_rows: dict, leaving: dict, tail: bytes
                 ) -> tuple[bytes, dict, bytes]:
        """The sheet data with the leaving cells taken out of their old rows (the few rows
        concerned are rebuilt after the rest, so positions stay valid), and the merged
        ranges that move shifted."""
        extra = []
        base = len(xml)
        old_rows = dict(old_rows)
        for r, spans in leaving.items():
            old = old_rows.get(r)
            if old is None:
                continue
            kept = b"".join(cell for c, _s, cell in row_cells(xml[old[1]:old[2]])
                            if not any(lo <= c <= hi for lo, hi in spans))
            old_rows[r] = (old[0], base, base + len(kept))
            base += len(kept)
            extra.append(kept)
        moved = {m: move.by for move, _cells_ in self.edit.moves for m in move.merged}
        if moved:
            def shift(m: re.Match) -> bytes:
                b = range_boundaries(m.group(2).decode())
                if b not in moved:
                    return m.group(0)
                c1, r1, c2, r2 = b
                by = moved[b]
                ref = f"{get_column_letter(c1)}{r1 + by}:{get_column_letter(c2)}{r2 + by}"
                return m.group(1) + ref.encode() + m.group(3)
            tail = re.sub(rb'(<mergeCell\b[^>]*?\bref=")([^"]+)(")', shift, tail)
        return xml + b"".join(extra), old_rows, tail

    def _old_rows(self, xml: bytes, start: int, end: int) -> Iterator[tuple[int, bytes, int, int]]:
        """(row number, its other attributes, start, end) of every <row> in the sheet data."""
        pos, last = start, 0
        while True:
            m = ROW_RE.search(xml, pos, end)
            if m is None:
                if xml.find(b"<row", pos, end) >= 0:
                    raise Unstreamable(f"{self.part}: a row without its number")
                return
            if xml.find(b"<row", pos, m.start()) >= 0:
                raise Unstreamable(f"{self.part}: a row without its number")
            r = int(m.group(1))
            if r <= last:
                raise Unstreamable(f"{self.part}: rows out of order")
            last = r
            if m.group(2):  # <row .../>
                row_end = m.end()
                attrs = m.group(0)[4:-2]
            else:
                row_end = xml.find(b"</row>", m.end(), end)
                if row_end < 0:
                    raise Unstreamable(f"{self.part}: a row is not closed")
                row_end += 6
                attrs = m.group(0)[4:-1]
            yield r, ROW_ATTRS_DROP_RE.sub(b"", attrs).strip(), m.start(), row_end
            pos = row_end

    def _learn_styles(self, xml: bytes, old_rows: dict) -> None:
        """Each table column's usual style: the most common among its first old body rows
        (a new row takes it; a row the accountant coloured does not set it)."""
        for b in self.blocks:
            counts: dict[int, Counter] = {}
            seen = 0
            for r in range(b.first, b.old_last - b.totals + 1):
                old = old_rows.get(r)
                if old is None:
                    continue
                for c, style, _x in row_cells(xml[old[1]:old[2]]):
                    if b.min_col <= c <= b.max_col:
                        counts.setdefault(c, Counter())[style] += 1
                seen += 1
                if seen >= 200:
                    break
            b.styles = {c: cnt.most_common(1)[0][0] for c, cnt in counts.items()}
            b.usual = [b.styles.get(c, 0) for _h, c, _l in b.columns]
            b.usual_cells = _cell_starts(b.columns, b.usual)

    def _has_content(self, r: int, xml: bytes, old_rows: dict, updates: dict) -> bool:
        if any(b.first <= r <= b.new_last for b in self.blocks):
            return True
        old = old_rows.get(r)
        return bool(self._row(r, xml[old[1]:old[2]] if old else b"", old[0] if old else b"",
                              updates.get(r)))

    def _dimension(self, head: bytes, rows: list[int]) -> bytes:
        m = DIMENSION_RE.search(head)
        if m is None:
            return head
        try:
            min_col, _r, max_col, _R = range_boundaries(m.group(1).decode())
        except (TypeError, ValueError):
            min_col, max_col = 1, 1
        min_col = min([min_col or 1] + [b.min_col for b in self.blocks])
        max_col = max([max_col or 1] + [b.max_col for b in self.blocks]
                      + [c for (_r, c) in self.edit.cells])
        first, last = (rows[0], rows[-1]) if rows else (1, 1)
        ref = f"{get_column_letter(min_col)}{first}:{get_column_letter(max_col)}{last}"
        return head[:m.start()] + f'<dimension ref="{ref}"/>'.encode() + head[m.end():]

    def _row(self, r: int, old: bytes, attrs: bytes, updates: dict[int, Any] | None) -> str:
        """One <row>: the tables' cells for row r, the single-cell updates, and every other
        old cell as it was; "" when nothing is left."""
        cover = [b for b in self.blocks if b.covers(r)]
        incoming = self.incoming.get(r)
        if len(cover) == 1 and not updates and not incoming:
            b = cover[0]
            cells = _quick_cells(old, b) if old else b.usual_cells
            if cells is not None:  # the common case: a plain row of one table
                if r > b.new_last:  # the table shrank past this row
                    return f'<row r="{r}" {attrs.decode("utf-8")}/>' if attrs else ""
                if r <= b.body_last:
                    return self._table_row(b, r, cells, attrs)
        writing = [b for b in cover if r <= b.body_last]
        result: dict[int, str] = {}
        old_styles, formulas = {}, {}
        for c, style, old_cell in (row_cells(old) if old else ()):
            old_styles[c] = style
            if any(b.min_col <= c <= b.max_col for b in cover):
                if b"<f" in old_cell:
                    if b't="shared"' in old_cell or b't="array"' in old_cell:
                        # a formula filled down shares its text with others: rewriting one
                        # cell could orphan the rest; openpyxl expands them one by one
                        raise Unstreamable("a shared or array formula in a table")
                    formulas[c] = old_cell
            elif not updates or c not in updates:
                result[c] = old_cell.decode("utf-8")
        epoch = self.epoch
        rs = str(r)
        for b in writing:
            i = r - b.first
            row = b.rows[i] if i < len(b.rows) else {}
            for header, c, letters in b.columns:
                value = row.get(header)
                if c in formulas and self._unchanged(b, r, c, value):
                    result[c] = formulas[c].decode("utf-8")  # a formula we did not change
                    continue
                style = old_styles.get(c)
                text = cell_xml(letters + rs, value,
                                 b.styles.get(c, 0) if style is None else style, epoch)
                if text:
                    result[c] = text
        for c, cell in incoming or ():  # moved here: a Total Row, or a cell from above
            result[c] = cell
        for c, value in (updates or {}).items():
            style = old_styles.get(c, self.update_styles.get(c, 0))
            text = cell_xml(get_column_letter(c) + rs, value, style, epoch)
            if text:
                result[c] = text
            else:
                result.pop(c, None)
        for b in writing:
            i = r - b.first
            attrs = _sized(attrs, b, b.rows[i] if i < len(b.rows) else {})
        if not result and not attrs:
            return ""
        attr_text = " " + attrs.decode("utf-8") if attrs else ""
        return f'<row r="{rs}"{attr_text}>' + "".join(result[c] for c in sorted(result)) \
            + "</row>"

    def _table_row(self, b: _Block, r: int, cells: list[_CellStart], attrs: bytes) -> str:
        """A row that holds nothing but the table's cells (the hot loop of a big save), with
        each column's style (the old cell's, or the column's usual one for a new cell)."""
        i = r - b.first
        row = b.rows[i] if i < len(b.rows) else {}
        rs = str(r)
        if b.wrapping:
            attrs = _sized(attrs, b, row)
        out = [f'<row r="{rs}" {attrs.decode("utf-8")}>' if attrs else f'<row r="{rs}">']
        for header, letters, start, style_attr, style in cells:
            value = row.get(header)
            kind = type(value)
            if kind is str and value:
                out.append(f'{start}{rs}"{style_attr} t="inlineStr"><is>{_text_xml(value)}'
                           '</is></c>')
            elif value is None or kind is str:
                if style_attr:
                    out.append(f'{start}{rs}"{style_attr}/>')
            elif kind is Decimal and value.is_finite():
                out.append(f'{start}{rs}"{style_attr}><v>{value:f}</v></c>')
            else:
                out.append(cell_xml(letters + rs, value, style, self.epoch))
        out.append("</row>")
        return "".join(out)

    def _unchanged(self, b: _Block, r: int, c: int, value: Any) -> bool:
        """Whether the value written is the value the formula showed when read: then the
        formula stays (an accountant's formula in an input column is not flattened)."""
        if isinstance(value, Formula):
            return False
        old = self.value_read(b.table.sheet, r, c)
        return old is not UNREAD and old == value


def _sized(attrs: bytes, b: _Block, row: Row) -> bytes:
    """The row's attributes with the height its wrapped text needs (print_setup)."""
    long = False
    for header, _width, per_line in b.wrapping:
        value = row.get(header)
        if type(value) is str and (len(value) > per_line or "\n" in value):
            long = True
            break
    if not long and b"customHeight" not in attrs:
        return attrs  # the common case: one line everywhere, the usual height
    height = wrapped_row_height((row.get(h), w) for h, w, _p in b.wrapping) if long else None
    return _height_attrs(attrs, height)


@lru_cache(maxsize=1024)  # a few heights and old attributes, on up to 100,000 rows
def _height_attrs(attrs: bytes, height: float | None) -> bytes:
    return row_height_attrs(attrs.decode("utf-8"), height).encode("utf-8")


COL_RE = re.compile(rb'<col\b[^>]*?/>')
COL_ATTR_RE = re.compile(rb'\b(min|max|width)="([^"]*)"')


def _column_widths(head: bytes) -> dict[int, float]:
    """Each column's width as the sheet's <cols> sets it (the accountant may have widened
    one): column number -> width in characters."""
    widths: dict[int, float] = {}
    start = head.find(b"<cols>")
    if start < 0:
        return widths
    for col in COL_RE.findall(head, start, head.find(b"</cols>", start)):
        attrs = {k.decode(): v for k, v in COL_ATTR_RE.findall(col)}
        try:
            lo, hi, width = int(attrs["min"]), int(attrs["max"]), float(attrs["width"])
        except (KeyError, ValueError):
            continue
        for c in range(lo, min(hi, lo + 200) + 1):
            widths[c] = width
    return widths


def _quick_cells(old: bytes, b: _Block) -> list[_CellStart] | None:
    """The cell start of each of the table's columns with its style in this old row (the
    column's usual style where the row lacks the cell), when the row holds nothing but plain
    cells of the table ``b`` (the common case: no formula, nothing beside the table); else
    None."""
    if b"<f" in old:
        return None
    found = QUICK_CELL_RE.findall(old)
    # Every cell must have been seen, with its style: else take the careful path.
    if len(found) != old.count(b"<c ") or old.count(b' s="') != len(found) - \
            sum(1 for _c, s in found if not s):
        return None
    shape = tuple(found)
    cells = b.shapes.get(shape)
    if cells is None:
        by_column = dict(zip((c for _h, c, _l in b.columns), b.usual))
        for letters, s in found:
            c = _col_index(letters)
            if not b.min_col <= c <= b.max_col:
                return None
            by_column[c] = int(s) if s else 0
        cells = _cell_starts(b.columns, [by_column[c] for _h, c, _l in b.columns])
        if len(b.shapes) < 10000:
            b.shapes[shape] = cells
    return cells


def _text_xml(value: str) -> str:
    """<t> of an inline string: control characters XML cannot hold removed, Excel's length
    limit kept, &, < and > escaped, edge spaces preserved."""
    if not value.isprintable():  # \n and \t too: then the careful regex decides
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) > EXCEL_TEXT_LIMIT:
        value = cell_value(value)
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    if value and (value[0].isspace() or value[-1].isspace()):
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


def cell_xml(ref: str, value: Any, style: int, epoch: datetime) -> str:
    """One cell; "" for an empty cell without a style. Text is always an inline string."""
    s = f' s="{style}"' if style else ""
    kind = type(value)
    if value is None or (kind is str and not value):
        return f'<c r="{ref}"{s}/>' if style else ""
    if kind is str:
        return f'<c r="{ref}"{s} t="inlineStr"><is>{_text_xml(value)}</is></c>'
    if kind is Decimal:
        if not value.is_finite():
            return f'<c r="{ref}"{s} t="e"><v>#NUM!</v></c>'
        return f'<c r="{ref}"{s}><v>{value:f}</v></c>'
    if kind is bool:
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if kind is int:
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if kind is float:  # a number read from a cell, written back as it was (money is Decimal)
        if not math.isfinite(value):
            return f'<c r="{ref}"{s} t="e"><v>#NUM!</v></c>'
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if (kind is date or kind is datetime) and style in _DATED:
        style = _DATED[style]
        if style < 0:
            style = _DATE_STYLES[0].dated(-style - 1)
        s = f' s="{style}"' if style else ""
    if kind is date:
        if value.year > 1900 and epoch is WINDOWS_EPOCH:
            return f'<c r="{ref}"{s}><v>{value.toordinal() - EXCEL_ORDINAL}</v></c>'
        return f'<c r="{ref}"{s}><v>{to_excel(value, epoch)!r}</v></c>'
    if isinstance(value, (datetime, date, time, timedelta)):
        return f'<c r="{ref}"{s}><v>{to_excel(value, epoch)!r}</v></c>'
    if isinstance(value, Formula):
        return f'<c r="{ref}"{s}><f>{escape(value.text)}</f></c>'
    if isinstance(value, bool):
        return cell_xml(ref, bool(value), style, epoch)
    if isinstance(value, int):
        return cell_xml(ref, int(value), style, epoch)
    if isinstance(value, float):  # a subclass (numpy's, say) as the plain float it is
        return cell_xml(ref, float(value), style, epoch)  # float ok
    if isinstance(value, Decimal):
        return cell_xml(ref, Decimal(value), style, epoch)
    return cell_xml(ref, str(value), style, epoch)


# The style a date is written with, for each style that does not show a date (filled by
# DateStyles.prepare before a save streams its sheets).
_DATED: dict[int, int] = {}   # -1 - style: not made yet
_DATE_STYLES: list[DateStyles] = []   # the save under way's
XF_RE = re.compile(rb'<xf\b[^>]*?(?:/>|>.*?</xf>)', re.S)
NUMFMT_RE = re.compile(rb'<numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"[^>]*/>')
BUILTIN_DATES = frozenset(range(14, 23)) | {45, 46, 47}


class DateStyles:
    """A date ims-xl writes is a date cell the accountant reads as DD-MM-YYYY. A cell keeps
    its style, but a style that shows no date (an Action Date typed as text: Calc stores
    ``12-12-2025`` as text in an English locale, in a text-formatted cell) would show the
    date as its serial number, 46003. Such a cell takes a copy of its style with the
    DD-MM-YYYY number format, added to ``styles.xml``; every other part of its look stays."""

    def __init__(self, xml: bytes | None):
        self._xml = xml
        _DATED.clear()
        _DATE_STYLES[:] = [self]
        if xml is None:
            return
        self._formats = {int(i): xml_text(code) for i, code in NUMFMT_RE.findall(xml)}
        start = xml.find(b"<cellXfs")
        end = xml.find(b"</cellXfs>", start)
        if start < 0 or end < 0:
            self._xml = None
            return
        self._xfs_end = end
        self._xfs = XF_RE.findall(xml, xml.index(b">", start) + 1, end)
        self._added: list[bytes] = []
        self._fmt_id: int | None = next((i for i, c in self._formats.items() if c == DATE_FORMAT),
                                        None)
        self._new_fmt = self._fmt_id is None
        for style, xf in enumerate(self._xfs):
            if not self._shows_date(xf):
                _DATED[style] = -1 - style  # made on first use (see dated)

    def _shows_date(self, xf: bytes) -> bool:
        m = re.search(rb'numFmtId="(\d+)"', xf)
        number = int(m.group(1)) if m else 0
        if number in BUILTIN_DATES:
            return True
        from openpyxl.styles.numbers import is_date_format
        code = self._formats.get(number)
        return code is not None and is_date_format(code)

    def dated(self, style: int) -> int:
        """The style to write a date with, in place of ``style``."""
        if self._xml is None or style >= len(self._xfs):
            return style
        if self._fmt_id is None:
            self._fmt_id = max([163, *self._formats]) + 1
        xf = self._xfs[style]
        xf = re.sub(rb'\snumFmtId="\d+"', b"", xf, count=1)
        xf = re.sub(rb'\sapplyNumberFormat="[^"]*"', b"", xf, count=1)
        xf = xf.replace(b"<xf", f'<xf numFmtId="{self._fmt_id}" applyNumberFormat="1"'.encode(),
                        1)
        self._added.append(xf)
        new = len(self._xfs) + len(self._added) - 1
        _DATED[style] = new
        return new

    def xml(self) -> bytes:
        """styles.xml with the styles added (as it was when none were)."""
        xml = self._xml
        if xml is None or not self._added:
            return xml if xml is not None else b""
        xml = xml[:self._xfs_end] + b"".join(self._added) + xml[self._xfs_end:]
        total = len(self._xfs) + len(self._added)
        xml = re.sub(rb'(<cellXfs\b[^>]*?\bcount=")\d+(")',
                     lambda m: m.group(1) + str(total).encode() + m.group(2), xml, count=1)
        if self._new_fmt:
            fmt = (f'<numFmt numFmtId="{self._fmt_id}" formatCode="{DATE_FORMAT}"/>').encode()
            if b"<numFmts" in xml and b"</numFmts>" in xml:
                xml = xml.replace(b"</numFmts>", fmt + b"</numFmts>", 1)
                xml = re.sub(rb'(<numFmts\b[^>]*?\bcount=")(\d+)(")',
                             lambda m: m.group(1) + str(int(m.group(2)) + 1).encode()
                             + m.group(3), xml, count=1)
            else:
                at = xml.index(b">", xml.index(b"<styleSheet")) + 1
                xml = xml[:at] + b'<numFmts count="1">' + fmt + b"</numFmts>" + xml[at:]
        return xml


def row_cells(row_xml: bytes) -> list[tuple[int, int, bytes]]:
    """(column, style, cell XML) of each cell of a row; Unstreamable without references."""
    out = []
    for m in CELL_RE.finditer(row_xml):
        cell = m.group(0)
        ref = CELL_REF_RE.match(cell)
        if ref is None:
            raise Unstreamable("a cell without its reference")
        style = STYLE_RE.search(cell, 0, cell.find(b">"))
        out.append((_col_index(ref.group(1)), int(style.group(1)) if style else 0, cell))
    return out


def forget_date_styles() -> None:
    """The date styles belong to one save: forget them when it ends."""
    _DATED.clear()
    _DATE_STYLES.clear()

"""How far a worksheet part's cells reach, read from its XML before any reader sees it.

A reader builds a grid from A1 to the furthest cell (calamine allocates it in one piece, and
aborts the whole process when it cannot), so two cells at A1 and XFD1048576 cost 17 billion
cells. The furthest cell is where the readers would put it, and they are lenient:

* calamine takes a cell's ``r`` attribute in either quoting, with spaces around ``=``, in
  lower case, with leading zeros, from any tag whose local name is ``c`` (``<x:c>``), and when
  ``r`` is repeated in a tag the last one wins;
* a cell or row without ``r`` goes one column (row) past the previous one, in both readers;
* openpyxl also reads rows outside ``<sheetData>`` and turns ``&#88;`` into ``X``.

:class:`FastReach` reads an ordinary sheet (the way Excel, LibreOffice, openpyxl and ims-xl
write them) at the speed of three regular-expression passes: every ``<c`` tag must open with
a double-quoted ``r="A1"``-style reference, no other ``r`` attribute may appear, no tag may be
prefixed. References in columns A-Z below row 100,000 need no reading (their box, 2.6 million
cells, is under the limit); the others are read one by one. Anything else makes it give up,
and :class:`ExactReach` reads the part token by token as both readers would, taking the larger
position wherever they differ. A reference Excel never writes (``$A$1``, ``xfd1``, ``A01``,
``&#88;FD1``) or broken markup is refused rather than guessed at.
"""

from __future__ import annotations

import re

__all__ = ["BOX", "ExactReach", "FastReach", "OddSheet", "cell_ref", "encoding_problem"]

BOX = (26, 99_999)             # columns A-Z, rows 1-99,999: the references FastReach skips
_CTX = 64                       # bytes kept either side of a match for look-behind and look-ahead
_MAX_MARKUP = 4 * 1024 * 1024   # one tag, comment or CDATA section longer than this is refused

# A <c tag that does not open with a small canonical reference, or a <dimension tag.
_ODD_TAG = re.compile(rb'<(?:c(?! r="[A-Z][1-9][0-9]{0,4}"[\s/>])(?![\w.:-])|dimension[\s/>])')
# An r attribute anywhere but first in <c or <row (a repeated r: calamine takes the last).
_LATE_R = re.compile(rb'r\s*=(?<![^\s"\']r=)(?<!<c r=)(?<!<row r=)')
# A prefixed cell or dimension tag (<x:c ...>): calamine reads it by its local name.
_PREFIXED = re.compile(rb':(?:c|dimension)[\s/>]')
_CANON_CELL_TAG = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"[\s/>]')
_CANON_DIMENSION = re.compile(
    rb'<dimension ref="([A-Z]{1,3}[1-9][0-9]{0,6})(?::([A-Z]{1,3}[1-9][0-9]{0,6}))?"\s*/?>')
_CELL = re.compile(rb'([A-Z]{1,3})([1-9][0-9]{0,6})')
_ROW = re.compile(rb'[1-9][0-9]{0,6}')
_MARKUP = re.compile(
    rb'<(?:!--.*?-->|!\[CDATA\[.*?\]\]>|\?.*?\?>|![^<>]*>|/([^\s<>]*)\s*>'
    rb'|([^\s/<>!?"\'=]+)((?:[^<>"\']|"[^"]*"|\'[^\']*\')*)>)', re.S)
_ENCODING = re.compile(rb'\s*<\?xml[^>]*?encoding\s*=\s*["\']([^"\']*)["\']')
_ASCII_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1",
                    "windows-1252", "cp1252"}
_XML_SPACE = b" \t\n\r\x0c"    # what calamine skips between attributes


class OddSheet(Exception):
    """A sheet part that cannot be read safely: ``str(exc)`` ends the sentence "The sheet
    ... " and ``value`` is the offending text."""

    def __init__(self, what: str, value: str = ""):
        super().__init__(what)
        self.value = value


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def cell_ref(col: int, row: int) -> str:
    """A cell's A1-style reference.

    >>> cell_ref(16384, 1048576)
    'XFD1048576'
    """
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def encoding_problem(head: bytes) -> str | None:
    """Why a sheet part's first bytes are not UTF-8 (or another ASCII-compatible encoding),
    which the scanners need to see its tags; None when they are."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        return "is written in UTF-16 or UTF-32, which Excel never uses for a sheet"
    m = _ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    if m and m.group(1).decode("latin-1").strip().lower() not in _ASCII_ENCODINGS:
        return (f"declares the encoding '{m.group(1).decode('latin-1')[:40]}', which Excel "
                "never uses for a sheet")
    return None


class _Stream:
    """Feeds a part's bytes to ``_scan(data, start, stop)`` so that every byte is scanned
    once and each match has ``_CTX`` bytes of context on both sides."""

    def __init__(self) -> None:
        self._buf = b""
        self._base = 0   # stream offset of _buf[0]
        self._done = 0   # stream offset up to which the bytes are scanned
        self.gave_up = False

    def feed(self, chunk: bytes, last: bool = False) -> bool:
        data = self._buf + chunk
        start = self._done - self._base
        stop = len(data) if last else len(data) - _CTX
        if stop > start:
            if not self._scan(data, start, stop):
                self.gave_up = True
                return False
            self._done = self._base + stop
        keep = max(0, self._done - self._base - _CTX)
        self._buf = data[keep:]
        self._base += keep
        return True

    def _scan(self, data: bytes, start: int, stop: int) -> bool:  # pragma: no cover
        raise NotImplementedError


class FastReach(_Stream):
    """The furthest cell of an ordinary sheet; :meth:`feed` returns False when the part is not
    ordinary (then use :class:`ExactReach`). :attr:`col` and :attr:`row` are the furthest
    column and row among the references read (those outside :data:`BOX`, and the dimension);
    :meth:`bound` adds the box, since cells inside it are not read."""

    def __init__(self) -> None:
        super().__init__()
        self.col = self.row = 0

    def bound(self) -> tuple[int, int]:
        """The furthest column and row any cell can have: at least the box's corner."""
        return max(self.col, BOX[0]), max(self.row, BOX[1])

    def _scan(self, data: bytes, start: int, stop: int) -> bool:
        for rx in (_PREFIXED, _LATE_R):
            m = rx.search(data, start)
            if m is not None and m.start() < stop:
                return False
        for m in _ODD_TAG.finditer(data, start):
            at = m.start()
            if at >= stop:
                break
            cell = _CANON_CELL_TAG.match(data, at)
            if cell is not None:
                self._reach(_column(cell.group(1)), int(cell.group(2)))
                continue
            dim = _CANON_DIMENSION.match(data, at)
            if dim is None:
                return False
            for ref in dim.groups():
                if ref:
                    letters, digits = _CELL.fullmatch(ref).groups()
                    self._reach(_column(letters), int(digits))
        return True

    def _reach(self, col: int, row: int) -> None:
        if col > self.col:
            self.col = col
        if row > self.row:
            self.row = row


class ExactReach:
    """The furthest cell, read token by token as calamine and openpyxl would place each cell
    (the larger of the two where they differ). Raises :class:`OddSheet` for a reference
    Excel never writes or markup no reader could take apart the same way."""

    gave_up = False   # it never does: it reads everything or raises OddSheet

    def __init__(self) -> None:
        self.col = self.row = 0
        self._carry = b""
        self._offset = 0          # stream offset of _carry[0]
        self._row_calamine = 1    # the row calamine gives a cell without r (1-based)
        self._row_openpyxl = 0    # the row openpyxl gives one (set at each <row>)
        self._next_col = 1
        self._in_row = self._in_cell = False

    def bound(self) -> tuple[int, int]:
        return self.col, self.row

    def feed(self, chunk: bytes, last: bool = False) -> bool:
        data = self._carry + chunk
        pos, n = 0, len(data)
        while True:
            lt = data.find(b"<", pos)
            if lt < 0:
                pos = n
                break
            m = _MARKUP.match(data, lt)
            if m is None:
                if not last and n - lt < _MAX_MARKUP:
                    pos = lt
                    break
                raise OddSheet(f"has broken XML at byte {self._offset + lt:,}",
                               data[lt:lt + 40].decode("latin-1"))
            if m.group(2) is not None:
                self._start_tag(m.group(2), m.group(3), self._offset + lt)
            elif m.group(1) is not None:
                self._end_tag(m.group(1))
            pos = m.end()
        self._carry = data[pos:]
        self._offset += pos
        return True

    def _start_tag(self, name: bytes, raw: bytes, offset: int) -> None:
        local = name.rpartition(b":")[2]
        if local not in (b"c", b"row", b"dimension"):
            return
        raw = raw.rstrip(_XML_SPACE)
        empty = raw.endswith(b"/")
        attrs = _attributes(raw[:-1] if empty else raw, offset)
        values = [v for k, v in attrs if k == (b"ref" if local == b"dimension" else b"r")]
        if local == b"dimension":
            for value in values:
                for ref in value.split(b":", 1):
                    self._reach(*_parse_cell(ref))
        elif local == b"row":
            if self._in_row:
                raise OddSheet(f"has a row inside a row at byte {offset:,}")
            if values:
                row = max(_parse_row(v) for v in values)
                self._row_calamine = self._row_openpyxl = row
            else:
                self._row_openpyxl += 1
            self._next_col = 1
            self._in_row = not empty
            if empty:
                self._end_row()
        else:
            if self._in_cell:
                raise OddSheet(f"has a cell inside a cell at byte {offset:,}")
            if values:
                places = [_parse_cell(v) for v in values]
                col, row = max(p[0] for p in places), max(p[1] for p in places)
            else:
                col, row = self._next_col, max(self._row_calamine, self._row_openpyxl)
            self._reach(col, row)
            self._next_col = col + 1
            self._in_cell = not empty

    def _end_tag(self, name: bytes) -> None:
        local = name.rpartition(b":")[2]
        if local == b"row":
            self._in_row = False
            self._end_row()
        elif local == b"c":
            self._in_cell = False

    def _end_row(self) -> None:
        self._row_calamine += 1   # calamine moves to the next row at </row>
        self._next_col = 1

    def _reach(self, col: int, row: int) -> None:
        if col > self.col:
            self.col = col
        if row > self.row:
            self.row = row


def _attributes(raw: bytes, offset: int) -> list[tuple[bytes, bytes]]:
    """A tag's attributes as calamine splits them: a key runs to ``=`` (trailing spaces
    dropped), the value must be quoted. Anything else is refused (lxml refuses it too)."""
    out = []
    pos, n = 0, len(raw)
    while True:
        while pos < n and raw[pos] in _XML_SPACE:
            pos += 1
        if pos >= n:
            return out
        eq = raw.find(b"=", pos)
        if eq < 0:
            raise OddSheet(f"has a tag with a broken attribute at byte {offset:,}",
                           raw[pos:pos + 40].decode("latin-1"))
        key = raw[pos:eq].rstrip(_XML_SPACE)
        pos = eq + 1
        while pos < n and raw[pos] in _XML_SPACE:
            pos += 1
        quote = raw[pos:pos + 1]
        end = raw.find(quote, pos + 1) if quote in (b'"', b"'") else -1
        if end < 0:
            raise OddSheet(f"has a tag with a broken attribute at byte {offset:,}",
                           raw[eq - len(key) - 1:eq + 40].decode("latin-1"))
        out.append((key, raw[pos + 1:end]))
        pos = end + 1


def _parse_cell(value: bytes) -> tuple[int, int]:
    m = _CELL.fullmatch(value)
    if m is None:
        raise OddSheet("gives a cell a reference Excel never writes",
                       value[:40].decode("latin-1"))
    return _column(m.group(1)), int(m.group(2))


def _parse_row(value: bytes) -> int:
    if _ROW.fullmatch(value) is None:
        raise OddSheet("gives a row a number Excel never writes", value[:40].decode("latin-1"))
    return int(value)

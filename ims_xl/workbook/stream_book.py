"""A :class:`~ims_xl.workbook.book.Book` for the command line that rewrites only what changed.

openpyxl turns every cell of a workbook into a Python object to load it and back to XML to
save it: a 100,000-BoE workbook (six million cells) takes about 150 s and 2.8 GB for that
alone. A recompute changes a few tables. So this Book reads values with python-calamine
(as :class:`~ims_xl.workbook.fast_book.FastBook` does) and, on :meth:`StreamBook.save`, copies
every part of the file as it is except:

- the ``<sheetData>`` rows of the tables written, streamed as text; every other row, every
  cell outside the tables and every cell whose value did not change keeps its XML, and each
  cell keeps its style (new rows take the column's usual style);
- below a table that grows, the cells in its columns (and merged ranges wholly in them)
  move down by the rows it gains, their XML as it was, as Excel's Insert Table Rows moves
  them; or the save is refused before anything is written
  (:mod:`~ims_xl.workbook.growth`); a table's Total Row stays its last row;
- single cells written through a defined name (``IMS_PERIOD``) and the period list;
- the table parts' ``ref`` and the sheets' ``dimension``;
- ``workbook.xml``: the ``IMS_PERIODS`` name, and ``fullCalcOnLoad`` so Excel recalculates the
  GSTR-2B and 3B sheets on opening; ``calcChain.xml`` is dropped (Excel rebuilds it; a stale
  one makes Excel "repair" the file);
- on the Start, GSTR-2B and GSTR-3B sheets (``layout.FORMULA_SHEETS``), the results cached in
  formula cells, which LibreOffice would show unrecalculated in a file it saved.

Text is written as inline strings: data text can never become a formula. Where a file is
built in a way this writer does not handle (cells without references, a sheet without
``<sheetData>``, a missing period list) it says so and :meth:`save` hands the same writes to
:class:`~ims_xl.workbook.openpyxl_book.OpenpyxlBook`: slower, never wrong.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, unescape

from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

from ..problems import InputError
from ..safety.replace import FileSnapshot, replacing_workbook
from .book import check_columns, table_missing
from .fast_book import FastBook
from .growth import (Reference, check_move, formula_references, plan_growth, sheet_ref,
                     sqref_bounds)
from .layout import FORMULA_SHEETS, LISTS_SHEET, TableSpec
from .package import NS, relationships, sheet_parts, table_parts, total_rows
from .sheet_xml import (CELL_RE, CELL_REF_RE, ROW_RE, UNREAD, DateStyles, SheetEdit,
                        SheetWriter, TablePart, Unstreamable, forget_date_styles, row_cells,
                        sheet_data_span, xml_text)
from .terminal import TerminalTalk

__all__ = ["StreamBook", "Unstreamable"]

Row = dict[str, Any]
MAIN_NS = NS["m"]
CALC_CHAIN_TYPE = "/calcChain"
# Deflate level 3: a 120 MB sheet packs in 0.9 s to 13 MB (level 6: 1.9 s, 11 MB). Excel
# repacks the file its own way when the accountant saves it.
ZIP_LEVEL = 3


class StreamBook(TerminalTalk, FastBook):
    def __init__(self, path: str | Path, *, confirm: Callable[[str], bool] | None = None,
                 quiet: bool = False):
        path = Path(path)
        if not path.exists():
            raise InputError(f"{path}: no such workbook. Create one with: ims-xl template {path}")
        self._snapshot = FileSnapshot.take(path)   # what save() checks is still on disk
        super().__init__(path)
        self._confirm = confirm
        self._quiet = quiet
        try:
            with zipfile.ZipFile(self.path) as zf:
                self._sheet_parts, self._table_parts = _layout(zf)
        except Exception as exc:
            raise InputError(f"{self.label}: cannot be read as an Excel workbook ({exc})") \
                from None
        self._writes: list[tuple[str, Any, Any]] = []   # in order, for the openpyxl fallback
        self._written: dict[str, list[Row]] = {}
        self._names_written: dict[str, Any] = {}
        self._lists: dict[str, list[str]] = {}
        self.fell_back: str | None = None   # why the last save went through openpyxl

    # --- reading what was written -----------------------------------------------------------
    def read_table(self, spec: TableSpec) -> list[Row]:
        if spec.name in self._written:
            return [dict(r) for r in self._written[spec.name]]
        return super().read_table(spec)

    def read_names(self, names: Sequence[str]) -> dict[str, Any]:
        out = super().read_names(names)
        out.update((n, self._names_written[n]) for n in names if n in self._names_written)
        return out

    # --- writing (remembered; done by save) ---------------------------------------------------
    def write_table(self, spec: TableSpec, rows: Sequence[Row]) -> None:
        table = self._table_parts.get(spec.name)
        if table is None:
            raise table_missing(self.label, spec)
        check_columns(self.label, spec, set(table.columns))
        rows = list(rows)
        self._written[spec.name] = rows
        self._writes.append(("table", spec, rows))

    def write_name(self, name: str, value: Any) -> None:
        if name not in self._names:
            raise InputError(f"{self.label}: the defined name {name} is missing. Start a new "
                             "workbook with 'ims-xl template'.")
        self._names_written[name] = value
        self._writes.append(("name", name, value))

    def set_list(self, name: str, values: Sequence[str]) -> None:
        self._lists[name] = list(values)
        self._writes.append(("list", name, list(values)))

    # --- saving -------------------------------------------------------------------------------
    def _value_read(self, sheet: str, row: int, column: int) -> Any:
        """What a cell held when this book read it (a sheet read in the background is waited
        for); :data:`~.sheet_xml.UNREAD` for a sheet never read. The sheet writer keeps an
        accountant's formula whose shown value is unchanged."""
        grid = self._sheets.get(sheet)
        if grid is None and sheet in self._reading:
            grid = self._grid(sheet)
        if grid is None or row - 1 >= len(grid):
            return UNREAD
        line = grid[row - 1]
        value = line[column - 1] if column - 1 < len(line) else None
        return None if value == "" else value

    def save(self) -> None:
        try:
            plan = self._plan()
        except Unstreamable as why:
            self._save_with_openpyxl(str(why))
            return
        try:
            with replacing_workbook(self.path, self._snapshot) as tmp:
                self._write(tmp, plan)
        except Unstreamable as why:  # found while streaming: the file was not replaced
            self._save_with_openpyxl(str(why))
            return
        self._snapshot = FileSnapshot.take(self.path)
        self.fell_back = None

    def _save_with_openpyxl(self, why: str) -> None:
        from .openpyxl_book import OpenpyxlBook

        self.fell_back = why
        book = OpenpyxlBook(self.path, confirm=self._confirm, quiet=self._quiet,
                            snapshot=self._snapshot)   # the file as this book read it
        for kind, a, b in self._writes:
            {"table": book.write_table, "name": book.write_name, "list": book.set_list}[kind](a, b)
        book.save()
        self._snapshot = book._snapshot

    def _plan(self) -> dict[str, SheetEdit]:
        """Which sheet parts change, and how; Unstreamable when this writer cannot do it."""
        edits: dict[str, SheetEdit] = {}

        def edit(sheet: str) -> SheetEdit:
            part = self._sheet_parts.get(sheet)
            if part is None:
                raise Unstreamable(f"sheet {sheet!r} not found")
            return edits.setdefault(part, SheetEdit())

        for name, rows in self._written.items():
            table = self._table_parts[name]
            edit(table.sheet).tables.append((table, rows))
        for name, value in self._names_written.items():
            sheet, col, row = self._names[name]
            edit(sheet).cells[(row, col)] = value
        for name, values in self._lists.items():
            if LISTS_SHEET not in self._sheet_parts:
                raise Unstreamable(f"no {LISTS_SHEET} sheet for the list {name}")
            e = edit(LISTS_SHEET)
            for r, value in enumerate(values, start=2):
                e.cells[(r, 1)] = value
            e.clear_below[1] = len(values) + 2
            e.style_like[1] = 2  # the list's first cell carries its text format
        growing = {part: e for part, e in edits.items()
                   if any(t.new_last(rows) > t.bounds[3] for t, rows in e.tables)}
        if growing:
            with zipfile.ZipFile(self.path) as zf:
                for part, e in growing.items():
                    self._plan_moves(zf, part, e)
                if any(e.moves for e in growing.values()):
                    refs = list(self._references(zf, growing))
                    for e in growing.values():
                        for move, cells in e.moves:
                            check_move(move, [(r, c) for r, c, x in cells if b"<f" in x], refs)
        return edits

    def _plan_moves(self, zf: zipfile.ZipFile, part: str, edit: SheetEdit) -> None:
        """The cells below each growing table of this sheet that must move down (read
        from the end of the sheet data: at most the rows below the tables)."""
        sheet = _sheet_of(self._sheet_parts, part)
        xml = zf.read(part)
        if sheet in FORMULA_SHEETS:  # the cells that move down carry no stale result either
            xml = _without_cached_results(xml, part)
        edit.xml = xml
        start, close = sheet_data_span(xml, part)
        tail = xml[close:]
        merged = [range_boundaries(m.decode()) for m in MERGE_RE.findall(tail)]
        others = [(t.name, t.bounds) for t in self._table_parts.values() if t.sheet == sheet]
        for table, rows in edit.tables:
            min_col, _r, max_col, old_last = table.bounds
            by = table.new_last(rows) - old_last
            if by <= 0:
                continue
            cells = _cells_below(xml, start, close, old_last, min_col, max_col, part)
            move = plan_growth(self.label, sheet, table.name, (min_col, max_col), old_last, by,
                               [(r, c) for r, c, _x in cells], merged, others)
            if move is not None:
                edit.moves.append((move, cells))

    def _references(self, zf: zipfile.ZipFile, edits: dict[str, SheetEdit]
                    ) -> Iterator[Reference]:
        """Everything in the workbook that points at cells (formulas of every sheet, charts,
        defined names; validations, formats, filters, hyperlinks and comments of the sheets
        whose cells move), for :func:`check_move`."""
        for sheet, part in self._sheet_parts.items():
            e = edits.get(part)
            xml = e.xml if e is not None and e.xml is not None else zf.read(part)
            for ref, attrs, text in _formulas(xml):
                spread = (0, 0)
                if b't="shared"' in attrs:
                    m = re.search(rb'\bref="([^"]+)"', attrs)
                    if m is None:
                        continue  # a cell sharing another's formula: that one is read
                    c1, r1, c2, r2 = range_boundaries(m.group(1).decode())
                    spread = (r2 - r1, c2 - c1)
                here = range_boundaries(ref)
                for target, bounds in formula_references(text, sheet, spread):
                    yield Reference(f"the formula in {sheet_ref(sheet, here)} refers to "
                                    f"{sheet_ref(target or sheet, bounds)}", target, bounds)
            if e is None or not e.moves:
                continue
            _start, close = sheet_data_span(xml, part)
            for what, whole_ok, sqref in _sheet_ranges(xml[close:]):
                for b in sqref_bounds(sqref):
                    yield Reference(f"{what} covers {sheet_ref(sheet, b)}", sheet, b, whole_ok)
            for what, ref in _comments(zf, part):
                for b in sqref_bounds(ref):
                    yield Reference(f"{sheet_ref(sheet, b)} has {what}", sheet, b)
        for part in zf.namelist():  # a chart's series point at cells too
            if part.startswith("xl/charts/chart") and part.endswith(".xml"):
                for text in CHART_REF_RE.findall(zf.read(part)):
                    for target, bounds in formula_references(xml_text(text), None):
                        yield Reference(f"a chart ({part}) shows "
                                        f"{sheet_ref(target or '?', bounds)}", target, bounds)
        wb = zf.read("xl/workbook.xml")
        for name, text in DEFINED_NAME_RE.findall(wb):
            name = unescape(name.decode("utf-8"))
            if name in ("_xlnm.Print_Area", "_xlnm.Print_Titles"):
                continue  # where the page breaks, not what a cell holds
            for target, bounds in formula_references(xml_text(text), None):
                yield Reference(f"the defined name {name} points at "
                                f"{sheet_ref(target or '?', bounds)}", target, bounds)

    def _write(self, tmp: Path, edits: dict[str, SheetEdit]) -> None:
        try:
            self._write_parts(tmp, edits)
        finally:   # the date styles belong to this save only
            forget_date_styles()

    def _write_parts(self, tmp: Path, edits: dict[str, SheetEdit]) -> None:  # noqa: C901
        with zipfile.ZipFile(self.path) as zin:
            workbook_xml = zin.read("xl/workbook.xml")
            epoch = MAC_EPOCH if re.search(rb'date1904="(1|true)"', workbook_xml) else WINDOWS_EPOCH
            calc_chains = {p for p in relationships(zin, "xl/_rels/workbook.xml.rels", "xl",
                                            CALC_CHAIN_TYPE).values()}
            table_refs: dict[str, str] = {}
            # the parts of the tables written: their ref is known once their sheet is written
            written_tables = {self._table_parts[n].part: n for n in self._written}
            figure_parts = {self._sheet_parts[s] for s in FORMULA_SHEETS
                            if s in self._sheet_parts}
            styles_part = "xl/styles.xml" if "xl/styles.xml" in zin.namelist() else None
            self._date_styles = DateStyles(zin.read(styles_part) if styles_part else None)
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as zout:
                for info in zin.infolist():
                    name = info.filename
                    if name in calc_chains:
                        continue
                    figures = name in figure_parts
                    if name in edits:
                        self.progress(f"Writing {_sheet_of(self._sheet_parts, name)}")
                        writer = SheetWriter(name, edits[name], epoch, self._value_read)
                        xml = edits[name].xml
                        xml = zin.read(name) if xml is None else xml
                        with zout.open(_info_like(info), "w", force_zip64=True) as out:
                            writer.write(_without_cached_results(xml, name) if figures else xml,
                                         out)
                        table_refs.update(writer.new_refs)
                        continue
                    if name in written_tables or name == styles_part:
                        continue  # written after the sheets: their new ref, new date styles
                    if name == "xl/workbook.xml":
                        data = self._workbook_xml(workbook_xml)
                    elif figures:
                        data = _without_cached_results(zin.read(name), name)
                    elif name == "xl/_rels/workbook.xml.rels" and calc_chains:
                        data = _drop_relationships(zin.read(name), CALC_CHAIN_TYPE)
                    elif name == "[Content_Types].xml" and calc_chains:
                        data = _drop_overrides(zin.read(name), calc_chains)
                    else:
                        with zin.open(info) as src, zout.open(_info_like(info), "w",
                                                              force_zip64=True) as dst:
                            shutil.copyfileobj(src, dst, 1 << 20)
                        continue
                    zout.writestr(_info_like(info), data)
                if styles_part:
                    zout.writestr(_info_like(zin.getinfo(styles_part)), self._date_styles.xml())
                for part, name in written_tables.items():
                    zout.writestr(_info_like(zin.getinfo(part)),
                                  _set_table_ref(zin.read(part), table_refs[name],
                                                 self._table_parts[name].totals))

    def _workbook_xml(self, xml: bytes) -> bytes:
        for name, values in self._lists.items():
            ref = f"'{LISTS_SHEET}'!$A$2:$A${max(len(values), 1) + 1}"
            pattern = re.compile(rb'(<definedName\b(?![^>]*localSheetId)[^>]*\bname="'
                                 + re.escape(name.encode()) + rb'"[^>]*>)(.*?)(</definedName>)',
                                 re.S)
            xml, n = pattern.subn(lambda m: m.group(1) + escape(ref).encode() + m.group(3), xml,
                                  count=1)
            if not n:
                raise Unstreamable(f"the defined name {name} is missing")
        return _full_calc_on_load(xml)


# --- the sheet writer ---------------------------------------------------------------------------


MERGE_RE = re.compile(rb'<mergeCell\b[^>]*?\bref="([^"]+)"')
FORMULA_RE = re.compile(rb'<f\b([^>]*?)(?:/>|>(.*?)</f>)', re.S)
DEFINED_NAME_RE = re.compile(rb'<definedName\b[^>]*?\bname="([^"]*)"[^>]*>(.*?)</definedName>',
                             re.S)
SHEET_RANGES = (  # (what, covering all the moved cells is harmless, pattern) after <sheetData>
    ("a data validation", True, re.compile(rb'<dataValidation\b[^>]*?\bsqref="([^"]*)"')),
    ("a conditional format", True,
     re.compile(rb'<conditionalFormatting\b[^>]*?\bsqref="([^"]*)"')),
    ("a data validation or conditional format", True,
     re.compile(rb'<xm:sqref>([^<]*)</xm:sqref>')),
    ("a protected range", True, re.compile(rb'<protectedRange\b[^>]*?\bsqref="([^"]*)"')),
    ("a hyperlink", False, re.compile(rb'<hyperlink\b[^>]*?\bref="([^"]*)"')),
    ("the sheet's filter", False, re.compile(rb'<autoFilter\b[^>]*?\bref="([^"]*)"')),
)
CHART_REF_RE = re.compile(rb'<(?:c:)?f>([^<]*)</(?:c:)?f>')  # Excel writes c:f, openpyxl f
COMMENT_REF_RE = re.compile(rb'<(?:comment|threadedComment)\b[^>]*?\bref="([^"]*)"')


CACHED_RESULT_RE = re.compile(rb"<v>[^<]+</v>")
CELL_TYPE_RE = re.compile(rb'\st="[^"]*"')


def _without_cached_results(xml: bytes, part: str) -> bytes:
    """The sheet with its formula cells' cached results (and result types) dropped, every
    other byte as it was: LibreOffice then calculates them on opening, as Excel does. A
    sheet without cached results (as openpyxl writes them) comes back byte for byte."""
    start, close = sheet_data_span(xml, part)

    def drop(m: re.Match) -> bytes:
        cell = m.group(0)
        if b"<f" not in cell or CACHED_RESULT_RE.search(cell) is None:
            return cell
        head = cell.index(b">")
        return CELL_TYPE_RE.sub(b"", cell[:head]) + CACHED_RESULT_RE.sub(b"", cell[head:])

    return xml[:start] + CELL_RE.sub(drop, xml[start:close]) + xml[close:]


def _cells_below(xml: bytes, start: int, end: int, old_last: int, min_col: int, max_col: int,
                 part: str) -> list[tuple[int, int, bytes]]:
    """(row, column, cell XML) of the cells below row ``old_last`` in the columns given,
    read from the end of the sheet data back to that row (rows are in order)."""
    out = []
    pos = end
    while True:
        i = xml.rfind(b"<row", start, pos)
        if i < 0:
            return out
        m = ROW_RE.match(xml, i)
        if m is None:
            raise Unstreamable(f"{part}: a row without its number")
        r = int(m.group(1))
        if r <= old_last:
            return out
        if not m.group(2):
            out.extend((r, c, cell) for c, _s, cell in row_cells(xml[m.end():pos])
                       if min_col <= c <= max_col)
        pos = i


def _formulas(xml: bytes) -> Iterator[tuple[str, bytes, str]]:
    """(cell reference, the <f> element's attributes, its text) of every formula."""
    for m in FORMULA_RE.finditer(xml):
        cell = CELL_REF_RE.match(xml, xml.rfind(b"<c", 0, m.start()))
        ref = (cell.group(1) + cell.group(2)).decode() if cell else "A1"
        yield ref, m.group(1), xml_text(m.group(2) or b"")


def _sheet_ranges(tail: bytes) -> Iterator[tuple[str, bool, str]]:
    for what, whole_ok, pattern in SHEET_RANGES:
        for sqref in pattern.findall(tail):
            yield what, whole_ok, sqref.decode("utf-8", "replace")


def _comments(zf: zipfile.ZipFile, part: str) -> Iterator[tuple[str, str]]:
    """("a comment", cell) of each comment (note or threaded comment) on the sheet."""
    import posixpath

    rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels not in zf.namelist():
        return
    for kind in ("/comments", "/threadedComment"):
        for target in relationships(zf, rels, posixpath.dirname(part), kind).values():
            if target in zf.namelist():
                for ref in COMMENT_REF_RE.findall(zf.read(target)):
                    yield "a comment", ref.decode("utf-8", "replace")


# --- small XML edits ------------------------------------------------------------------------------

def _layout(zf: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, TablePart]]:
    """Sheet name -> sheet part, and table name -> its part, ref and column headers."""
    _wb, sheets = sheet_parts(zf)
    tables = {}
    for sheet_name, part, t in table_parts(zf, sheets):
        columns = [(c.get("name") or "").strip()
                   for c in t.iterfind("m:tableColumns/m:tableColumn", NS)]
        name = t.get("displayName") or t.get("name")
        tables[name] = TablePart(name, sheet_name, part, t.get("ref"), columns, total_rows(t))
    return sheets, tables


def _sheet_of(sheet_parts: dict[str, str], part: str) -> str:
    return next((n for n, p in sheet_parts.items() if p == part), part)


def _info_like(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    new.compress_type = zipfile.ZIP_DEFLATED
    try:  # a ZipInfo given to ZipFile.open ignores the ZipFile's own level
        new.compress_level = ZIP_LEVEL   # Python 3.13 on
    except AttributeError:
        new._compresslevel = ZIP_LEVEL   # Python 3.11, 3.12
    new.external_attr = info.external_attr
    return new


def _set_table_ref(xml: bytes, ref: str, totals: int = 0) -> bytes:
    """The table's ref and its autoFilter's ref (the filter covers the header and body, not
    a Total Row)."""
    new = ref.encode()
    xml, n = re.subn(rb'(<table\b[^>]*?\bref=")[^"]*(")', lambda m: m.group(1) + new + m.group(2),
                     xml, count=1)
    if not n:
        raise Unstreamable("a table part without a ref")
    if totals:
        c1, r1, c2, r2 = range_boundaries(ref)
        new = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2 - totals}".encode()
    return re.sub(rb'(<autoFilter\b[^>]*?\bref=")[^"]*(")', lambda m: m.group(1) + new + m.group(2),
                  xml, count=1)


def _full_calc_on_load(xml: bytes) -> bytes:
    m = re.search(rb"<calcPr\b([^>]*?)(/?)>", xml)
    if m is None:
        end = xml.find(b"</definedNames>")
        if end < 0:
            raise Unstreamable("workbook.xml has no calcPr and no definedNames")
        end += len(b"</definedNames>")
        return xml[:end] + b'<calcPr fullCalcOnLoad="1"/>' + xml[end:]
    attrs = re.sub(rb'\sfullCalcOnLoad="[^"]*"', b"", m.group(1))
    return xml[:m.start()] + b"<calcPr" + attrs + b' fullCalcOnLoad="1"' + m.group(2) + b">" \
        + xml[m.end():]


def _drop_relationships(xml: bytes, kind: str) -> bytes:
    return re.sub(rb'<Relationship\b[^>]*Type="[^"]*' + re.escape(kind.encode()) + rb'"[^>]*/>',
                  b"", xml)


def _drop_overrides(xml: bytes, parts: set[str]) -> bytes:
    for part in parts:
        xml = re.sub(rb'<Override\b[^>]*PartName="/' + re.escape(part.encode()) + rb'"[^>]*/>',
                     b"", xml)
    return xml

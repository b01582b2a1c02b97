"""XlwingsBook (the live workbook in Excel) tested without Excel, over a stand-in for xlwings.

Why a stand-in: xlwings' remote interpreter (``xw.Book(json=...)``) is xlwings PRO, licensed
PolyForm Noncommercial or commercially, and it refuses to run without a licence key
(``LicenseHandler.validate_license("pro")``); ims-xl is used by businesses, so we do not use
it. It also differs from desktop Excel exactly where it matters here (no ``status_bar``,
``alert`` returns nothing and calls back instead).

The stand-in (``FakeBook`` and friends) implements only the xlwings API that
``ims_xl.workbook.xlwings_book`` uses, with the same names and value shapes as desktop xlwings:
2-D lists with ``ndim=2``, ``None`` for blanks, ``datetime`` for date-formatted cells, floats
for every number. It is backed by an openpyxl workbook, so a result can be saved and compared
with what OpenpyxlBook writes. It models the Excel behaviours XlwingsBook must defend against
when it assigns ``Range.value``: text is parsed as if typed (``=...`` and ``+``/``-``/``@``
become formulas, ``00123`` a number, ``01-10-2025`` a date) unless the cell is
text-formatted or the text starts with an apostrophe (which is consumed); a General cell that
receives a date gets a date format; ``Decimal`` is refused (pywin32 would send it as
currency); the data must have the shape of the range. It does not calculate: a formula cell
reads as ``None``.

Tables and moving cells, as Excel does them: a table's ``data_body_range`` leaves out its
Total Row (``show_totals``); ``Range.insert(shift="down")`` and ``Range.delete(shift="up")``
move the cells below in the range's columns (values, styles) and the merged ranges wholly in
those columns, grow or shrink a table when the range spans its full width inside its body,
move a table wholly in those columns, and fail as Excel does (``ExcelRefused``) when a merged
range or another table would be cut. Excel also rewrites the references of formulas, names,
validations and formats to moved cells; the stand-in does not, and refuses to move a formula
with a cell reference in it (a structured reference such as ``SUBTOTAL(109,BoE[IGST])`` needs
no rewriting), so a test cannot pass on a reference Excel would have changed.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from copy import copy
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from ims_xl.problems import InputError
from ims_xl.workbook import layout as L
from ims_xl.demo import (DEMO_AS_OF, DEMO_GSTIN, DEMO_NOW, demo_data_dir,
                                  demo_portal_files)
from ims_xl.workbook.loading import load_data
from ims_xl.workbook.openpyxl_book import OpenpyxlBook
from ims_xl.workbook.ops import fetch, recompute
from ims_xl.workbook.xlwings_book import XlwingsBook, excel_text, to_excel
from workbook_template.template import build_template

# --- the stand-in ----------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")
_DATE = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")
BUTTONS = ("ok", "ok_cancel", "yes_no", "yes_no_cancel")


class FakeApp:
    """``xw.App``: status bar, screen updating, calculation mode, ``alert``."""

    def __init__(self, answers: list[str] | None = None):
        self.answers = list(answers or [])
        self.alerts: list[dict[str, Any]] = []
        self.status_history: list[Any] = []
        self._status_bar: Any = False
        self.screen_updating = True
        self.calculation = "automatic"
        self.calls: Counter[str] = Counter()

    @property
    def status_bar(self) -> Any:
        return self._status_bar

    @status_bar.setter
    def status_bar(self, value: Any) -> None:
        self._status_bar = value
        self.status_history.append(value)

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok",
              mode: str | None = None, callback: str | None = None) -> str:
        assert buttons in BUTTONS and mode in (None, "info", "critical") and callback is None
        assert isinstance(prompt, str)
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        if buttons == "ok":
            return "ok"
        assert self.answers, f"an unexpected question: {prompt[:200]}"
        return self.answers.pop(0)


class FakeBook:
    """``xw.Book`` over an openpyxl workbook loaded from ``path``."""

    def __init__(self, path: Path, app: FakeApp | None = None):
        self.path = Path(path)
        self.wb = openpyxl.load_workbook(self.path)
        self.app = app or FakeApp()
        self.name = self.path.name
        self.fullname = str(self.path.resolve())
        self.saved = 0

    @property
    def sheets(self) -> FakeSheets:
        return FakeSheets(self)

    @property
    def names(self) -> FakeNames:
        return FakeNames(self)

    def save(self, path: str | Path | None = None) -> None:
        self.wb.save(path or self.path)
        self.saved += 1


class FakeSheets:
    def __init__(self, book: FakeBook):
        self.book = book

    def __iter__(self):
        return (FakeSheet(self.book, ws) for ws in self.book.wb.worksheets)

    def __len__(self) -> int:
        return len(self.book.wb.worksheets)

    def __getitem__(self, key: int | str) -> FakeSheet:
        ws = self.book.wb.worksheets[key] if isinstance(key, int) else self.book.wb[key]
        return FakeSheet(self.book, ws)

    def add(self, name: str | None = None, before: Any = None, after: Any = None) -> FakeSheet:
        index = None
        if after is not None:
            index = self.book.wb.worksheets.index(after.ws) + 1
        return FakeSheet(self.book, self.book.wb.create_sheet(name, index))


class FakeSheet:
    def __init__(self, book: FakeBook, ws):
        self.book, self.ws = book, ws

    @property
    def name(self) -> str:
        return self.ws.title

    @property
    def tables(self) -> FakeTables:
        return FakeTables(self)

    @property
    def visible(self) -> bool:
        return self.ws.sheet_state == "visible"

    @visible.setter
    def visible(self, value: bool) -> None:
        self.ws.sheet_state = "visible" if value else "hidden"

    def range(self, cell1: tuple[int, int] | str, cell2: tuple[int, int] | str | None = None
              ) -> FakeRange:
        def at(cell):
            if isinstance(cell, tuple):
                return cell
            c1, r1, c2, r2 = range_boundaries(cell.replace("$", ""))
            return (r1, c1) if c2 is None else ((r1, c1), (r2, c2))

        a = at(cell1)
        if isinstance(a[0], tuple):  # "A1:B2"
            (r1, c1), (r2, c2) = a
        else:
            r1, c1 = a
            r2, c2 = at(cell2) if cell2 is not None else a
        return FakeRange(self, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FakeSheet) and other.ws is self.ws

    @property
    def used_range(self) -> FakeRange:
        ws = self.ws
        return FakeRange(self, ws.min_row, ws.min_column, ws.max_row, ws.max_column)


class ExcelRefused(Exception):
    """What Excel raises (a COM error) for an insert or delete it will not do."""


class FakeTables:
    def __init__(self, sheet: FakeSheet):
        self.sheet = sheet

    def __iter__(self):
        return (FakeTable(self.sheet, t) for t in self.sheet.ws.tables.values())

    def __len__(self) -> int:
        return len(self.sheet.ws.tables)

    def __contains__(self, name: str) -> bool:
        return name in self.sheet.ws.tables

    def __getitem__(self, name: str) -> FakeTable:
        return FakeTable(self.sheet, self.sheet.ws.tables[name])


class FakeTable:
    def __init__(self, sheet: FakeSheet, table):
        self.sheet, self.table = sheet, table

    @property
    def name(self) -> str:
        return self.table.displayName

    @property
    def range(self) -> FakeRange:
        return self.sheet.range(self.table.ref)

    @property
    def header_row_range(self) -> FakeRange:
        r = self.range
        return FakeRange(self.sheet, r.row, r.column, r.row, r.column + r.shape[1] - 1)

    @property
    def show_totals(self) -> bool:
        return bool(self.table.totalsRowCount)

    @property
    def data_body_range(self) -> FakeRange | None:
        """Without the header and the Total Row, as Excel's DataBodyRange."""
        r = self.range
        totals = 1 if self.show_totals else 0
        if r.shape[0] < 2 + totals:
            return None
        return FakeRange(self.sheet, r.row + 1, r.column, r.row + r.shape[0] - 1 - totals,
                         r.column + r.shape[1] - 1)

    @property
    def totals_row_range(self) -> FakeRange | None:
        r = self.range
        if not self.show_totals:
            return None
        last = r.row + r.shape[0] - 1
        return FakeRange(self.sheet, last, r.column, last, r.column + r.shape[1] - 1)

    def resize(self, rng: FakeRange) -> None:
        """Excel: the header stays in place, the new range must overlap the old one."""
        old = self.range
        assert rng.sheet == self.sheet
        assert (rng.row, rng.column) == (old.row, old.column), "the header row must stay"
        assert rng.shape[1] == old.shape[1], "this stand-in supports row changes only"
        assert rng.shape[0] >= 2
        assert not self.show_totals, "XlwingsBook resizes only tables without a Total Row"
        self.sheet.book.app.calls["resize"] += 1
        _set_ref(self.table, rng.row, rng.column, rng.row + rng.shape[0] - 1,
                 rng.column + rng.shape[1] - 1)


class FakeRange:
    def __init__(self, sheet: FakeSheet, r1: int, c1: int, r2: int, c2: int,
                 options: dict[str, Any] | None = None):
        self.sheet = sheet
        self.row, self.column, self._r2, self._c2 = r1, c1, r2, c2
        self._options = options or {}

    @property
    def shape(self) -> tuple[int, int]:
        return (self._r2 - self.row + 1, self._c2 - self.column + 1)

    @property
    def address(self) -> str:
        return (f"{get_column_letter(self.column)}{self.row}:"
                f"{get_column_letter(self._c2)}{self._r2}")

    @property
    def last_cell(self) -> FakeRange:
        return FakeRange(self.sheet, self._r2, self._c2, self._r2, self._c2)

    def resize(self, row_size: int | None = None, column_size: int | None = None) -> FakeRange:
        rows = row_size or self.shape[0]
        cols = column_size or self.shape[1]
        return FakeRange(self.sheet, self.row, self.column, self.row + rows - 1,
                         self.column + cols - 1, self._options)

    def options(self, convert: Any = None, **options: Any) -> FakeRange:
        assert convert is None and set(options) <= {"ndim", "err_to_str"}
        return FakeRange(self.sheet, self.row, self.column, self._r2, self._c2, options)

    def _cells(self):
        ws = self.sheet.ws
        return [[ws.cell(r, c) for c in range(self.column, self._c2 + 1)]
                for r in range(self.row, self._r2 + 1)]

    # values: as desktop xlwings gives them
    def _read(self, cell) -> Any:
        value = cell.value
        if cell.data_type == "f" or (isinstance(value, str) and cell.data_type == "f"):
            return None  # the stand-in does not calculate
        if cell.data_type == "e":
            return value if self._options.get("err_to_str") else None
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float, Decimal)):
            return float(value)
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        return value

    @property
    def value(self) -> Any:
        self.sheet.book.app.calls["read"] += 1
        grid = [[self._read(c) for c in row] for row in self._cells()]
        if self._options.get("ndim") == 2:
            return grid
        if self.shape == (1, 1):
            return grid[0][0]
        if self.shape[0] == 1:
            return grid[0]
        if self.shape[1] == 1:
            return [row[0] for row in grid]
        return grid

    @value.setter
    def value(self, data: Any) -> None:
        self.sheet.book.app.calls["write"] += 1
        assert isinstance(data, list) and all(isinstance(r, list) for r in data), \
            "XlwingsBook writes 2-D lists"
        assert (len(data), len(data[0]) if data else 0) == self.shape, \
            f"data of shape {(len(data), len(data[0]))} for a range of shape {self.shape}"
        for cells, values in zip(self._cells(), data):
            for cell, value in zip(cells, values):
                _assign(cell, value)

    @property
    def formula(self) -> list[list[str]]:
        return [["" if c.value is None else str(c.value) for c in row] for row in self._cells()]

    @property
    def number_format(self) -> str:
        return self.sheet.ws.cell(self.row, self.column).number_format

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        self.sheet.book.app.calls["format"] += 1
        for row in self._cells():
            for cell in row:
                cell.number_format = fmt

    @property
    def color(self):
        return None

    @color.setter
    def color(self, rgb: tuple[int, int, int]) -> None:
        self.sheet.book.app.calls["format"] += 1
        hex_ = "%02X%02X%02X" % rgb
        for row in self._cells():
            for cell in row:
                cell.fill = PatternFill("solid", fgColor=hex_)

    def clear_contents(self) -> None:
        for row in self._cells():
            for cell in row:
                cell.value = None

    def clear(self) -> None:
        cells = self.sheet.ws._cells
        for r in range(self.row, self._r2 + 1):
            for c in range(self.column, self._c2 + 1):
                cells.pop((r, c), None)

    # merged cells, as Excel's MergeCells and MergeArea
    @property
    def merge_cells(self) -> bool | None:
        """False: no merged cell in the range; True: all merged; None: some (Excel's Null)."""
        ranges = [m.bounds for m in self.sheet.ws.merged_cells.ranges]
        merged = [any(_inside(r, c, b) for b in ranges)
                  for r in range(self.row, self._r2 + 1) for c in range(self.column, self._c2 + 1)]
        return all(merged) if all(merged) or not any(merged) else None

    @property
    def merge_area(self) -> FakeRange:
        assert self.shape == (1, 1), "Excel's MergeArea is asked of one cell here"
        for m in self.sheet.ws.merged_cells.ranges:
            if _inside(self.row, self.column, m.bounds):
                return FakeRange(self.sheet, m.min_row, m.min_col, m.max_row, m.max_col)
        return self

    # moving cells, as Excel's Range.Insert and Range.Delete
    def insert(self, shift: str, copy_origin: str = "format_from_left_or_above") -> None:
        assert shift == "down"
        assert copy_origin in ("format_from_left_or_above", "format_from_right_or_below")
        self.sheet.book.app.calls["insert"] += 1
        _shift_cells(self.sheet, self.row, self._r2, self.column, self._c2, +1,
                     below=copy_origin == "format_from_right_or_below")

    def delete(self, shift: str | None = None) -> None:
        assert shift == "up"
        self.sheet.book.app.calls["delete"] += 1
        _shift_cells(self.sheet, self.row, self._r2, self.column, self._c2, -1)


def _inside(r: int, c: int, bounds: tuple[int, int, int, int]) -> bool:
    c1, r1, c2, r2 = bounds
    return c1 <= c <= c2 and r1 <= r <= r2


def _set_ref(table, r1: int, c1: int, r2: int, c2: int) -> None:
    """A table's ref, and its filter's without the Total Row (as Excel writes them)."""
    table.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
    if table.autoFilter is not None:
        last = r2 - (table.totalsRowCount or 0)
        table.autoFilter.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{last}"


def _shift_cells(sheet: FakeSheet, r1: int, r2: int, c1: int, c2: int, sign: int,
                 below: bool = False) -> None:
    """Insert (sign +1) or delete (-1) rows r1..r2 of columns c1..c2, shifting what is below
    in those columns down or up, as Excel does; ExcelRefused where Excel refuses."""
    from ims_xl.workbook.growth import formula_references

    ws = sheet.ws
    h = r2 - r1 + 1
    moved_from = r1 if sign > 0 else r2 + 1   # the first row whose cells move
    by = sign * h

    def meets_band(b1, b2, top, bottom):  # columns b1..b2, rows top..bottom
        return b1 <= c2 and c1 <= b2 and bottom >= r1

    new_refs = []
    for table in ws.tables.values():
        tc1, tr1, tc2, tr2 = range_boundaries(table.ref)
        if not meets_band(tc1, tc2, tr1, tr2):
            continue
        body_last = tr2 - (table.totalsRowCount or 0)
        if (tc1, tc2) == (c1, c2) and tr1 < r1 and (r1 <= body_last if sign > 0
                                                    else r2 <= body_last):
            new_refs.append((table, tr1, tc1, tr2 + by, tc2))  # table rows added or removed
        elif c1 <= tc1 and tc2 <= c2 and tr1 >= moved_from:
            new_refs.append((table, tr1 + by, tc1, tr2 + by, tc2))
        else:
            raise ExcelRefused("This operation is not allowed. The operation is attempting "
                               "to shift cells in a table on your worksheet.")
    merges = []
    for m in ws.merged_cells.ranges:
        if not meets_band(m.min_col, m.max_col, m.min_row, m.max_row):
            continue
        if c1 <= m.min_col and m.max_col <= c2 and m.min_row >= moved_from:
            merges.append(m)
        else:
            raise ExcelRefused("We can't do that to a merged cell.")
    cells = ws._cells
    keys = sorted((k for k in cells if c1 <= k[1] <= c2 and k[0] >= r1), reverse=sign > 0)
    for r, c in keys:
        cell = cells[(r, c)]
        if cell.data_type == "f" and any(True for _ in formula_references(str(cell.value),
                                                                          ws.title)):
            raise NotImplementedError("the stand-in does not rewrite a moved formula's "
                                      "references as Excel would")
        if sign < 0 and r <= r2:
            del cells[(r, c)]  # deleted
            continue
        if r + by > 1048576:
            raise ExcelRefused("Microsoft Excel can't insert new cells because it would push "
                               "non-empty cells off the end of the worksheet.")
        del cells[(r, c)]
        cell.row = r + by
        cells[(r + by, c)] = cell
    for table, *bounds in new_refs:
        _set_ref(table, *bounds)
    if merges:
        ranges = set(ws.merged_cells.ranges)
        for m in merges:
            ranges.discard(m)
            m.shift(row_shift=by)
            ranges.add(m)
        ws.merged_cells.ranges = ranges
    origin = r2 + 1 if below else r1 - 1
    if sign > 0 and origin >= 1:  # the new cells take the format of those above (or below)
        for c in range(c1, c2 + 1):
            model = cells.get((origin, c))
            if model is not None and model.has_style:
                for r in range(r1, r2 + 1):
                    ws.cell(r, c)._style = copy(model._style)


def _assign(cell, value: Any) -> None:
    """``Range.Value = value`` for one cell, as Excel does it."""
    if value is None or value == "":
        cell.value = None
        return
    if isinstance(value, Decimal):
        raise TypeError("a Decimal reaches Excel through pywin32 as currency: convert it")
    if isinstance(value, bool) or isinstance(value, (int, float)):
        cell.value = value
        return
    if isinstance(value, date):
        cell.value = value if isinstance(value, datetime) else datetime(value.year, value.month,
                                                                        value.day)
        if cell.number_format == "General":
            cell.number_format = "m/d/yyyy"
        return
    if not isinstance(value, str):
        raise TypeError(f"cannot write {type(value).__name__} to Excel")
    if value.startswith("'"):
        _text(cell, value[1:])
        cell.quotePrefix = True
        return
    if cell.number_format == "@":
        _text(cell, value)
        return
    if value.startswith("="):
        cell.value = value  # a formula
        return
    plain = value.replace(",", "")
    if _NUMBER.match(plain):
        number = float(plain.rstrip("%"))
        cell.value = number / 100 if plain.endswith("%") else number
        return
    if value.startswith(("+", "-", "@")):
        cell.value = "=" + value.lstrip("@")  # Excel makes it a formula
        return
    if value.upper() in ("TRUE", "FALSE"):
        cell.value = value.upper() == "TRUE"
        return
    m = _DATE.match(value)
    if m:
        cell.value = datetime(int(m[3]), int(m[2]), int(m[1]))
        if cell.number_format == "General":
            cell.number_format = "m/d/yyyy"
        return
    _text(cell, value)


def _text(cell, text: str) -> None:
    cell.value = text
    if cell.data_type == "f":
        cell.data_type = "s"


class FakeNames:
    def __init__(self, book: FakeBook):
        self.book = book

    def __contains__(self, name: str) -> bool:
        return name in self.book.wb.defined_names

    def __getitem__(self, name: str) -> FakeName:
        if name not in self.book.wb.defined_names:
            raise KeyError(name)
        return FakeName(self.book, name)

    def add(self, name: str, refers_to: str) -> FakeName:
        self.book.wb.defined_names[name] = DefinedName(name, attr_text=refers_to.lstrip("="))
        return FakeName(self.book, name)


class FakeName:
    def __init__(self, book: FakeBook, name: str):
        self.book, self.name = book, name

    @property
    def refers_to(self) -> str:
        return "=" + self.book.wb.defined_names[self.name].attr_text

    @refers_to.setter
    def refers_to(self, value: str) -> None:
        self.book.wb.defined_names[self.name].attr_text = value.lstrip("=")

    @property
    def refers_to_range(self) -> FakeRange:
        dn = self.book.wb.defined_names[self.name]
        sheet, ref = next(iter(dn.destinations))
        return FakeSheets(self.book)[sheet].range(ref)


# --- fixtures and helpers --------------------------------------------------------------------

@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A new workbook set up as the demo sets it up (GSTIN, as-of date)."""
    path = tmp_path_factory.mktemp("tpl") / "template.xlsx"
    build_template(path, gstin=DEMO_GSTIN)
    book = OpenpyxlBook(path, quiet=True)
    book.write_name("IMS_AS_OF", DEMO_AS_OF)
    book.save()
    return path


def copy_of(template: Path, tmp_path: Path, name: str) -> Path:
    out = tmp_path / name
    shutil.copy(template, out)
    return out


def demo_files() -> dict[str, Any]:
    data = demo_data_dir()
    return dict(gstr2b=demo_portal_files(),
                books=data / "books.csv", boe_list=data / "boe_list.csv",
                actions=data / "actions.csv", now=DEMO_NOW)


def xl(path: Path, answers: list[str] | None = None) -> tuple[XlwingsBook, FakeBook]:
    fake = FakeBook(path, FakeApp(answers))
    return XlwingsBook(fake), fake


def _norm(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def snapshot(path: Path) -> dict[str, Any]:
    """Every table's cells (values, formulas as text, number formats, fills), the review
    period and the period list, as openpyxl reads the saved file."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        for table in ws.tables.values():
            min_col, min_row, max_col, max_row = range_boundaries(table.ref)
            cells = [[(_norm(c.value), c.number_format,
                       c.fill.fgColor.rgb if c.fill and c.fill.fill_type else None)
                      for c in row]
                     for row in ws.iter_rows(min_row=min_row, max_row=max_row,
                                             min_col=min_col, max_col=max_col)]
            out[table.displayName] = (ws.title, table.ref, cells)
    dn = wb.defined_names["IMS_PERIODS"]
    sheet, ref = next(iter(dn.destinations))
    out["IMS_PERIODS"] = (ref, [c.value for row in wb[sheet][ref.replace("$", "")]
                                for c in row])
    sheet, ref = next(iter(wb.defined_names["IMS_PERIOD"].destinations))
    out["IMS_PERIOD"] = wb[sheet][ref.replace("$", "")].value
    return out


def assert_same(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], tuple) and len(a[key]) == 3:
            sheet_a, ref_a, cells_a = a[key]
            sheet_b, ref_b, cells_b = b[key]
            assert (sheet_a, ref_a) == (sheet_b, ref_b), key
            for i, (row_a, row_b) in enumerate(zip(cells_a, cells_b)):
                assert row_a == row_b, f"table {key}, row {i + 1}"
        else:
            assert a[key] == b[key], key


# --- the two implementations agree -----------------------------------------------------------

def test_demo_pipeline_gives_the_same_workbook_through_both_books(template, tmp_path):
    """The demo's main job, step by step, once through OpenpyxlBook and once through
    XlwingsBook over the stand-in (saved after each step, as the user would): every table,
    number format, fill and name comes out the same."""
    a = copy_of(template, tmp_path, "openpyxl.xlsx")
    b = copy_of(template, tmp_path, "xlwings.xlsx")
    for path in (a, b):   # the demo's Reject counts only under warn (rules 2.0 blocks it)
        book = OpenpyxlBook(path, quiet=True)
        book.write_name("IMS_REJECT_POLICY", "warn")
        book.save()
    steps = [
        ("load", lambda book: load_data(book, **demo_files())),
        ("recompute", lambda book: recompute(book, now=DEMO_NOW)),
        ("fetch", lambda book: fetch(book, today=DEMO_AS_OF)),
        ("recompute again", lambda book: recompute(book, now=DEMO_NOW)),
    ]
    for name, step in steps:
        report_a = step(OpenpyxlBook(a, quiet=True))
        book_b, fake = xl(b)
        report_b = step(book_b)
        fake.save()
        assert fake.app.alerts == [], name
        for attr in ("added", "books", "boe_list", "actions", "versions", "logged", "errors",
                     "by_status", "filled", "to_request", "review_period", "periods"):
            assert getattr(report_a, attr, None) == getattr(report_b, attr, None), (name, attr)
        assert_same(snapshot(a), snapshot(b))
    final = snapshot(b)
    assert len(final["BoE"][2]) == 1 + 40
    statuses = Counter(row[L.BOE.index("Status")][0] for row in final["BoE"][2][1:])
    assert statuses == {"Accepted": 25, "Deemed accepted": 1, "Open": 12, "Pending": 2}
    assert final["IMS_PERIOD"] == "112025"


def test_reject_confirmation_is_shown_as_a_yes_no_alert_and_no_reverts(template, tmp_path):
    path = copy_of(template, tmp_path, "reject.xlsx")
    load_data(OpenpyxlBook(path, quiet=True), **demo_files())
    recompute(OpenpyxlBook(path, quiet=True), now=DEMO_NOW)
    book, fake = xl(path, answers=["no"])
    rows = book.read_table(L.BOE)
    target = next(i for i, r in enumerate(rows) if not r.get("Action"))
    rows[target]["Action"] = "r"
    rows[target]["Remark"] = "goods short-shipped"
    book.write_table(L.BOE, rows)
    log_before = book.read_table(L.ACTION_LOG)

    report = recompute(book, now=DEMO_NOW)

    questions = [a for a in fake.app.alerts if a["buttons"] == "yes_no"]
    assert len(questions) == 1 and questions[0]["title"] == "ims_xl"
    assert "Keep 1 new Reject(s)?" in questions[0]["prompt"]
    assert "goods short-shipped" in questions[0]["prompt"]
    assert report.rejects_refused == 1
    after = book.read_table(L.BOE)
    assert after[target]["Action"] in (None, "")
    log_after = book.read_table(L.ACTION_LOG)
    assert len(log_after) == len(log_before)
    assert not any(e["New Action"] == "Reject" and e["Remark"] == "goods short-shipped"
                   for e in log_after)


def test_reject_kept_when_the_user_says_yes(template, tmp_path):
    path = copy_of(template, tmp_path, "reject-yes.xlsx")
    load_data(OpenpyxlBook(path, quiet=True), **demo_files())
    book, fake = xl(path, answers=["yes"])
    rows = book.read_table(L.BOE)
    target = next(i for i, r in enumerate(rows) if not r.get("Action"))
    rows[target]["Action"] = "Reject"
    book.write_table(L.BOE, rows)
    report = recompute(book, now=DEMO_NOW)
    assert report.rejects_refused == 0
    assert book.read_table(L.BOE)[target]["Action"] == "Reject"
    assert any(e["New Action"] == "Reject" for e in book.read_table(L.ACTION_LOG))


# --- whole-range reads and writes ------------------------------------------------------------

def test_large_tables_are_read_and_written_in_whole_ranges(template, tmp_path):
    path = copy_of(template, tmp_path, "big.xlsx")
    book, fake = xl(path)
    rows = [{"Port Code": "INNSA1", "BoE No": f"{1000000 + i}", "BoE Date": date(2025, 10, 1),
             "Taxable Value": Decimal("100.5"), "IGST": Decimal("18.09"), "Cess": None,
             "Voucher No": f"V{i}", "Source": "books.csv"} for i in range(3000)]
    fake.app.calls.clear()
    book.write_table(L.BOOKS, rows)
    assert fake.app.calls["write"] == 1
    assert fake.app.calls["insert"] == 1  # one Range.Insert grows the table, not a row each
    assert fake.app.calls["resize"] == 0
    assert fake.app.calls["format"] <= 2 * len(L.BOOKS.columns)
    fake.app.calls.clear()
    back = book.read_table(L.BOOKS)
    assert fake.app.calls["read"] == 2  # the header row and the body
    assert len(back) == 3000
    assert back[0]["BoE Date"] == datetime(2025, 10, 1)
    assert back[0]["IGST"] == 18.09 and back[0]["Cess"] is None
    assert back[2999]["BoE No"] == "1002999"
    # shrinking: the rows that leave the table are cleared
    book.write_table(L.BOOKS, rows[:2])
    assert fake.app.calls["resize"] == 1
    assert fake.wb["Books"].tables["Books"].ref == "A1:J3"
    assert fake.wb["Books"].cell(4, 1).value is None
    assert fake.wb["Books"].cell(3001, 2).value is None
    assert len(book.read_table(L.BOOKS)) == 2


def test_empty_table_keeps_one_blank_body_row(template, tmp_path):
    book, fake = xl(copy_of(template, tmp_path, "empty.xlsx"))
    book.write_table(L.BOOKS, [{"Port Code": "INNSA1", "BoE No": "1"}] * 3)
    book.write_table(L.BOOKS, [])
    assert fake.wb["Books"].tables["Books"].ref == "A1:J2"
    assert book.read_table(L.BOOKS) == []


@pytest.mark.parametrize("text", [
    "=HYPERLINK(\"http://evil\",\"x\")", "+91 22 1234", "-ABC Traders", "@SUM(A1)",
    "=1+1", "'quoted", "00123", "1,23,456.78", "01-10-2025", "TRUE", "12%", "Acme & Sons",
])
def test_data_text_is_written_as_text_in_every_column(template, tmp_path, text):
    """Text the accountant or a portal file gave us comes back exactly, never a formula,
    number or date, whether the column is a text column or not."""
    book, fake = xl(copy_of(template, tmp_path, "text.xlsx"))
    row = {"Port Code": "INNSA1", "BoE No": text, "Remark": text, "Taxable Value": text,
           "BoE Date": text, "Supplier Name": text}
    book.write_table(L.BOE, [row])
    back = book.read_table(L.BOE)[0]
    ws = fake.wb["BoE"]
    for header in ("BoE No", "Remark", "Taxable Value", "BoE Date", "Supplier Name"):
        assert back[header] == text, header
        cell = ws.cell(2, L.BOE.index(header) + 1)
        assert cell.data_type != "f", header


def test_the_stand_in_is_strict_enough_to_catch_raw_writes(template, tmp_path):
    """Without XlwingsBook's care Excel would turn text into formulas, numbers and dates."""
    fake = FakeBook(copy_of(template, tmp_path, "raw.xlsx"))
    rng = fake.sheets["Start"].range((40, 7), (40, 10))  # General cells
    rng.value = [["=1+1", "00123", "01-10-2025", "-ABC"]]
    ws = fake.wb["Start"]
    assert ws.cell(40, 7).data_type == "f"
    assert ws.cell(40, 8).value == 123
    assert ws.cell(40, 9).value == datetime(2025, 10, 1)
    assert ws.cell(40, 10).data_type == "f"
    text = fake.sheets["Books"].range((2, 7))  # Voucher No: a text-formatted cell
    text.value = [["00123"]]
    assert fake.wb["Books"].cell(2, 7).value == "00123"
    with pytest.raises(TypeError):
        rng.value = [[Decimal("1.00"), None, None, None]]


def test_values_cross_the_edge_as_excel_wants_them():
    assert to_excel(Decimal("1.005"), text_cell=False) == 1.01  # paise, half up
    assert to_excel(Decimal("-2.345"), text_cell=False) == -2.35
    assert isinstance(to_excel(Decimal("5"), text_cell=False), float)
    assert to_excel(date(2025, 10, 1), text_cell=False) == datetime(2025, 10, 1)
    assert to_excel(datetime(2025, 12, 13, 23, 0, 0, 123456), text_cell=False) == \
        datetime(2025, 12, 13, 23, 0, 0, 123000)
    assert to_excel(L.Formula("SUM(A1:A3)"), text_cell=False) == "=SUM(A1:A3)"
    assert to_excel(True, text_cell=False) is True
    assert to_excel(7, text_cell=False) == 7
    assert to_excel(None, text_cell=True) is None
    assert excel_text("INNSA1", text_cell=True) == "INNSA1"
    assert excel_text("INNSA1", text_cell=False) == "'INNSA1"
    assert excel_text("-5", text_cell=True) == "'-5"
    assert excel_text("'x", text_cell=True) == "''x"
    assert excel_text("a\x00b", text_cell=True) == "ab"
    assert len(excel_text("x" * 40000, text_cell=True)) == 32767


def test_dates_and_money_read_back_as_excel_gives_them(template, tmp_path):
    book, fake = xl(copy_of(template, tmp_path, "types.xlsx"))
    book.write_table(L.BOE, [{"Section": "IMPG", "BoE Date": date(2025, 10, 6),
                              "Taxable Value": Decimal("1234567.891"), "IGST": Decimal("0"),
                              "Period": "012026", "BoE No": "0012345"}])
    row = book.read_table(L.BOE)[0]
    assert row["BoE Date"] == datetime(2025, 10, 6)
    assert row["Taxable Value"] == 1234567.89 and row["IGST"] == 0.0
    assert row["Period"] == "012026" and row["BoE No"] == "0012345"
    ws = fake.wb["BoE"]
    assert ws.cell(2, L.BOE.index("BoE Date") + 1).number_format == L.DATE
    assert ws.cell(2, L.BOE.index("Taxable Value") + 1).number_format == L.MONEY
    assert ws.cell(2, L.BOE.index("BoE No") + 1).number_format == L.TEXT


def test_formulas_of_ours_are_written_as_formulas(template, tmp_path):
    book, fake = xl(copy_of(template, tmp_path, "formulas.xlsx"))
    book.write_table(L.PERIODS_3B, [{"Period": "112025", "4A1 IGST": L.Formula("1+1")}])
    sheet = next(s for s in fake.sheets if "Periods3B" in s.tables)
    cells = sheet.tables["Periods3B"].data_body_range.formula[0]
    assert cells[0] == "112025" and cells[1] == "=1+1"


# --- names, lists, the user --------------------------------------------------------------------

def test_names_read_and_write(template, tmp_path):
    book, fake = xl(copy_of(template, tmp_path, "names.xlsx"))
    values = book.read_names(["IMS_GSTIN", "IMS_AS_OF", "IMS_NO_SUCH_NAME"])
    assert values == {"IMS_GSTIN": DEMO_GSTIN, "IMS_AS_OF": datetime(2025, 12, 13)}
    book.write_name("IMS_PERIOD", "012026")
    assert book.read_names(["IMS_PERIOD"]) == {"IMS_PERIOD": "012026"}
    book.write_name("IMS_AS_OF", date(2026, 1, 5))
    assert book.read_names(["IMS_AS_OF"])["IMS_AS_OF"] == datetime(2026, 1, 5)
    with pytest.raises(InputError, match="IMS_NOPE is missing"):
        book.write_name("IMS_NOPE", 1)


def test_set_list_grows_shrinks_and_redefines_the_name(template, tmp_path):
    book, fake = xl(copy_of(template, tmp_path, "lists.xlsx"))
    book.set_list("IMS_PERIODS", ["102025", "112025", "122025"])
    name = fake.names["IMS_PERIODS"]
    assert name.refers_to == f"='{L.LISTS_SHEET}'!$A$2:$A$4"
    assert name.refers_to_range.options(ndim=2).value == [["102025"], ["112025"], ["122025"]]
    book.set_list("IMS_PERIODS", ["012026"])
    assert fake.names["IMS_PERIODS"].refers_to == f"='{L.LISTS_SHEET}'!$A$2:$A$2"
    ws = fake.wb[L.LISTS_SHEET]
    assert [ws.cell(r, 1).value for r in range(2, 5)] == ["012026", None, None]
    assert ws.sheet_state == "hidden"


def test_set_list_creates_the_hidden_sheet_when_missing(template, tmp_path):
    path = copy_of(template, tmp_path, "nolists.xlsx")
    wb = openpyxl.load_workbook(path)
    del wb[L.LISTS_SHEET]
    del wb.defined_names["IMS_PERIODS"]
    wb.save(path)
    book, fake = xl(path)
    book.set_list("IMS_PERIODS", ["112025"])
    assert fake.wb[L.LISTS_SHEET].sheet_state == "hidden"
    assert fake.names["IMS_PERIODS"].refers_to_range.options(ndim=2).value == [["112025"]]


def test_missing_table_or_column_is_a_clear_input_error(template, tmp_path):
    path = copy_of(template, tmp_path, "broken.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Books"].cell(1, 2).value = "Bill No"
    wb.save(path)
    book, _ = xl(path)
    with pytest.raises(InputError, match="lacks the column.*'BoE No'"):
        book.read_table(L.BOOKS)
    other = L.TableSpec("NoSuchTable", "Nowhere", L.BOOKS.columns)
    with pytest.raises(InputError, match="'NoSuchTable'.*missing.*New workbook"):
        book.read_table(other)


def test_progress_alert_confirm_save_and_session(template, tmp_path):
    book, fake = xl(copy_of(template, tmp_path, "ui.xlsx"), answers=["yes", "no"])
    book.progress("Matching", 3, 10)
    assert fake.app.status_bar == "ims_xl: Matching 3/10"
    book.alert("Done")
    assert fake.app.alerts[-1] == {"prompt": "Done", "title": "ims_xl", "buttons": "ok",
                                   "mode": "info"}
    assert book.confirm("Keep?") is True and book.confirm("Keep?") is False
    book.save()
    assert fake.saved == 0  # the live workbook is the user's to save
    XlwingsBook(fake, autosave=True).save()
    assert fake.saved == 1
    assert book.path == Path(fake.fullname)

    with pytest.raises(RuntimeError):
        with book.session():
            assert fake.app.screen_updating is False and fake.app.calculation == "manual"
            raise RuntimeError("boom")
    assert fake.app.screen_updating is True and fake.app.calculation == "automatic"
    assert fake.app.status_bar is False


def test_a_long_message_is_shortened(template, tmp_path):
    book, fake = xl(copy_of(template, tmp_path, "long.xlsx"))
    book.alert("x" * 20000)
    assert len(fake.app.alerts[-1]["prompt"]) < 6100
    assert fake.app.alerts[-1]["prompt"].endswith("(message shortened)")

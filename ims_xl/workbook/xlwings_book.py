"""The live workbook in Excel, read and written through xlwings (the ribbon's Book).

Implements :class:`~ims_xl.workbook.book.Book` over an ``xlwings.Book``, using only this
part of the xlwings API (the stand-in in ``tests/test_xlwings_book.py`` implements exactly
this, so keep the two in step when you use more):

- ``book.name``, ``book.fullname``, ``book.app``, ``book.sheets`` (iterate, ``[name]``,
  ``add(name, after=)``), ``book.names`` (``in``, ``[name]``, ``add(name, refers_to)``),
  ``book.save()``
- ``sheet.name``, ``sheet.tables`` (iterate), ``sheet.range((row, col), (row, col))``,
  ``sheet.visible``, ``sheet.used_range``
- ``table.name``, ``table.range``, ``table.header_row_range``, ``table.data_body_range``
  (without the Total Row), ``table.show_totals``, ``table.resize(rng)``
- ``rng.options(ndim=2, err_to_str=True).value`` (read), ``rng.value = <2-D list>`` (write),
  ``rng.row``, ``rng.column``, ``rng.shape``, ``rng.last_cell``, ``rng.sheet``,
  ``rng.resize(rows, cols)``, ``rng.number_format``, ``rng.color``, ``rng.clear()``,
  ``rng.clear_contents()``, ``rng.insert(shift="down")``, ``rng.delete(shift="up")``,
  ``rng.merge_cells``, ``rng.merge_area``
- ``name.refers_to``, ``name.refers_to_range``
- ``app.status_bar``, ``app.screen_updating``, ``app.calculation``,
  ``app.alert(prompt, title=, buttons=, mode=)``

Values cross the edge here, once per table, in one range read or write (never per cell: a
BoE sheet may have 50,000 rows; xlwings itself chunks very large writes):

- read: what Excel gives (floats for numbers, ``datetime`` for date-formatted cells, ``None``
  for blanks, text; cell errors as their text, e.g. ``"#N/A"``), converted to domain types by
  :mod:`ims_xl.workbook.rows` (money through :func:`ims_xl.money.to_decimal`).
- write: ``Decimal`` -> ``float`` rounded to paise (Excel has no decimal type), ``date`` ->
  ``datetime``, our :class:`~ims_xl.workbook.layout.Formula` -> ``"=" + formula`` (the only
  formulas we ever write), data text -> text that Excel never turns into a formula, number or
  date (see :func:`excel_text`).

Saving: the live workbook is the user's. Operations end with ``book.save()``; here that does
nothing unless ``autosave=True``: the changes stay in the open workbook and the user saves
(Ctrl+S) when satisfied, as with any other edit. See docs/excel-acceptance.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..money import round2
from ..problems import InputError
from ..textsafety import looks_like_formula
from .book import RIBBON_REMEDY, check_columns, table_missing
from .growth import Bounds, plan_growth
from .layout import (ACCOUNTANT_COLUMNS, BOE, DATE, INT, LISTS_SHEET, MONEY, TEXT, Column,
                     Formula, TableSpec)
from .cell_text import cell_value as _cell_value
from .print_setup import wrapped_row_height, wrapping_columns

__all__ = ["XlwingsBook", "excel_text", "to_excel", "TITLE", "NUMBER_FORMATS"]

Row = dict[str, Any]
TITLE = "ims_xl"
NUMBER_FORMATS = {"money": MONEY, "date": DATE, "text": TEXT, "int": INT}
COMPUTED_COLOR = (0xED, 0xED, 0xED)   # the template's greyed computed columns
INPUT_COLOR = (0xFF, 0xF2, 0xCC)      # the accountant's columns on the BoE sheet
ALERT_LIMIT = 6000                    # characters in one message box
_INT_LIMIT = 2 ** 31


def excel_text(value: str, *, text_cell: bool) -> str | None:
    """Data text as it must be handed to Excel so that the cell shows exactly ``value``.

    Excel parses text assigned to ``Range.Value`` as if typed: ``=...`` (and ``+``, ``-``,
    ``@``) becomes a formula, ``00123`` the number 123, ``1/2`` a date. A leading apostrophe
    makes Excel store the rest as text (the apostrophe is not part of the value).

    - In a text-formatted cell (``@``, set by the writer before the values) Excel keeps text as
      text; an apostrophe is added only to formula-looking text (belt and braces) and to text
      that itself starts with an apostrophe (else Excel would eat it).
    - Anywhere else every text gets the apostrophe.

    >>> excel_text("=HYPERLINK(1)", text_cell=True), excel_text("INNSA1", text_cell=True)
    ("'=HYPERLINK(1)", 'INNSA1')
    >>> excel_text("1,23,456", text_cell=False), excel_text("", text_cell=False)
    ("'1,23,456", None)
    """
    value = _cell_value(value)  # illegal control characters removed, Excel's length limit
    if value == "":
        return None
    if not text_cell or looks_like_formula(value) or value.startswith("'"):
        return "'" + value
    return value


def to_excel(value: Any, *, text_cell: bool) -> Any:
    """One Python value as xlwings must write it into a cell (see the module docstring)."""
    if value is None:
        return None
    if isinstance(value, Formula):
        return "=" + value.text
    if isinstance(value, str):
        return excel_text(value, text_cell=text_cell)
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        try:
            return float(round2(value))  # float ok: Excel stores doubles; rounded to paise
        except (ValueError, ArithmeticError):
            return float(value)  # float ok: not a credible amount, written as it is
    if isinstance(value, int):
        return value if -_INT_LIMIT < value < _INT_LIMIT else float(value)  # float ok
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=(value.microsecond // 1000) * 1000)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, float):
        return value  # float ok: a number Excel gave us, written back unchanged
    return excel_text(str(value), text_cell=text_cell)


class XlwingsBook:
    """A :class:`~ims_xl.workbook.book.Book` over a live ``xlwings.Book``."""

    def __init__(self, xlbook: Any, *, autosave: bool = False):
        self.xlbook = xlbook
        self.app = xlbook.app
        self.label = xlbook.name
        self.autosave = autosave
        self._tables: dict[str, Any] | None = None

    @classmethod
    def caller(cls, **kwargs: Any) -> XlwingsBook:
        """The workbook that was active when the ribbon button was pressed."""
        import xlwings as xw

        return cls(xw.Book.caller(), **kwargs)

    @property
    def path(self) -> Path | None:
        """The workbook's file, or None when it was never saved (or lives at a URL)."""
        try:
            full = Path(self.xlbook.fullname)
        except Exception:  # noqa: BLE001 - any engine error: no usable path
            return None
        return full if full.is_absolute() and "://" not in str(self.xlbook.fullname) else None

    # --- tables ----------------------------------------------------------------------------
    def _table(self, spec: TableSpec) -> Any:
        if self._tables is None or spec.name not in self._tables:
            self._tables = {t.name: t for sheet in self.xlbook.sheets for t in sheet.tables}
        table = self._tables.get(spec.name)
        if table is None:
            raise table_missing(self.label, spec, RIBBON_REMEDY)
        return table

    def _headers(self, spec: TableSpec, table: Any) -> tuple[Any, list[str]]:
        header = table.header_row_range
        if header is None:
            raise InputError(f"{self.label}: table {spec.name!r} has no header row: turn it "
                             "back on (Table Design > Header Row).")
        names = ["" if v is None else str(v).strip()
                 for v in header.options(ndim=2).value[0]]
        check_columns(self.label, spec, names, RIBBON_REMEDY)
        return header, names

    def read_table(self, spec: TableSpec) -> list[Row]:
        table = self._table(spec)
        _, names = self._headers(spec, table)
        body = table.data_body_range
        if body is None:  # an empty table (only its insert row)
            return []
        rows: list[Row] = []
        for values in body.options(ndim=2, err_to_str=True).value:
            if all(v is None or v == "" for v in values):
                continue
            rows.append({h: values[j] for j, h in enumerate(names) if h})
        return rows

    def write_table(self, spec: TableSpec, rows: Sequence[Row]) -> None:
        """The table's body becomes ``rows``. More rows: Excel inserts table rows, which
        moves the cells below the table (in its columns) down, as Insert Table Rows does;
        fewer: the rows that leave are cleared and the cells below stay. Excel's Total
        Row stays the table's last row. Merged cells or a table below that Excel cannot
        move are refused first (Excel itself moves formulas, names, validations and
        formats with the cells)."""
        table = self._table(spec)
        header, names = self._headers(spec, table)
        sheet = header.sheet
        top, left = header.row, header.column
        width = len(names)
        right = left + width - 1
        totals = 1 if table.show_totals else 0
        old_n = table.range.shape[0] - 1 - totals  # an empty table's insert row counts
        n = max(len(rows), 1)  # a table keeps one (empty) body row
        if n > old_n:
            self._check_below(spec, sheet, (left, right), top + old_n + totals, n - old_n)
            # inside the table, above its last body row: Excel adds table rows there and
            # moves what is below (its Total Row, the accountant's notes) down; the new
            # rows are formatted as that body row (not as the header above the first one)
            sheet.range((top + old_n, left), (top + n - 1, right)).insert(
                shift="down", copy_origin="format_from_right_or_below")
        elif n < old_n and totals:
            self._check_below(spec, sheet, (left, right), top + old_n + totals, old_n - n,
                              shrinking=True)
            # Excel deletes the table rows (the Total Row and the cells below move up),
            # then the cells below go back down to where they were
            sheet.range((top + n + 1, left), (top + old_n, right)).delete(shift="up")
            below = top + n + totals + 1
            sheet.range((below, left), (below + old_n - n - 1, right)).insert(shift="down")
        elif n < old_n:
            table.resize(sheet.range((top, left), (top + n, right)))
            # the rows that left the table: values and formats go, as in openpyxl
            sheet.range((top + n + 1, left), (top + old_n, right)).clear()

        self._write_body(spec, sheet, names, top, left, n, rows)

    def _write_body(self, spec: TableSpec, sheet: Any, names: list[str], top: int, left: int,
                    n: int, rows: Sequence[Row]) -> None:
        """Number formats and fills column by column, then every value in one write."""
        columns = {c.header: c for c in spec.columns}
        text_cell = [self._is_text(columns.get(h), rows, h) for h in names]
        # Formats first: a text-formatted cell keeps assigned text as text.
        for j, h in enumerate(names):
            column = columns.get(h)
            if column is None:
                continue  # a column the user added: left as the user formatted it
            rng = sheet.range((top + 1, left + j), (top + n, left + j))
            fmt = NUMBER_FORMATS.get(column.kind)
            if fmt is not None and not (column.kind == "text" and not text_cell[j]):
                rng.number_format = fmt
            color = _fill(spec, column)
            if color is not None:
                rng.color = color
        matrix = [[to_excel(row.get(h) if h else None, text_cell=text_cell[j])
                   for j, h in enumerate(names)] for row in rows]
        if not matrix:
            matrix = [[None] * len(names)]
        sheet.range((top + 1, left), (top + n, left + len(names) - 1)).value = matrix
        self._size_rows(spec, sheet, top + 1, left, rows)

    def _size_rows(self, spec: TableSpec, sheet: Any, first: int, left: int,
                   rows: Sequence[Row]) -> None:
        """Rows whose wrapped text needs more than one line get the height print_setup
        works out (as the command line's writers give them), one call per run of rows of
        the same height. Excel sizes the other rows itself (their height is not fixed)."""
        wrapping = wrapping_columns(spec, 0, {})
        if not wrapping:
            return
        heights = [wrapped_row_height((row.get(h), w) for h, w, _p in wrapping) for row in rows]
        start = 0
        for i in range(1, len(heights) + 1):
            if i == len(heights) or heights[i] != heights[start]:
                if heights[start] is not None:
                    sheet.range((first + start, left), (first + i - 1, left)).row_height = \
                        heights[start]
                start = i

    def _check_below(self, spec: TableSpec, sheet: Any, cols: tuple[int, int], old_last: int,
                     by: int, *, shrinking: bool = False) -> None:
        """Refuse, before Excel moves anything, what Excel could not move: merged cells
        across the edge of the table's columns, another table below in them; and cells
        pushed off the sheet."""
        used = sheet.used_range
        bottom = used.row + used.shape[0] - 1
        if bottom <= old_last:
            return  # nothing below the table
        left, right = cols
        area = sheet.range((old_last + 1, left), (bottom, right))
        values = area.options(ndim=2).value
        cells = [(old_last + 1 + i, left + j) for i, line in enumerate(values)
                 for j, v in enumerate(line) if v is not None and v != ""]
        tables = [(t.name, _bounds(t.range)) for t in sheet.tables]
        plan_growth(self.label, sheet.name, spec.name, cols, old_last, by, cells,
                    self._merged_on_edges(sheet, area, cols), tables, shrinking=shrinking)

    @staticmethod
    def _merged_on_edges(sheet: Any, area: Any, cols: tuple[int, int]) -> set[Bounds]:
        """The merged ranges that hold a cell of the area's first or last column (the
        only ones that can reach outside it; those wholly inside, Excel moves). Excel's
        MergeCells is False for a range without merged cells, True or None (mixed) else."""
        if area.merge_cells is False:
            return set()
        first, last = area.row, area.row + area.shape[0] - 1
        found: set[Bounds] = set()
        for col in sorted(set(cols)):
            if sheet.range((first, col), (last, col)).merge_cells is False:
                continue
            for r in range(first, last + 1):
                merged = sheet.range((r, col)).merge_area
                if merged.shape != (1, 1):
                    found.add(_bounds(merged))
        return found

    @staticmethod
    def _is_text(column: Column | None, rows: Sequence[Row], header: str) -> bool:
        """Whether the column is written text-formatted (``@``): our text columns, unless a
        formula of ours goes into it (a text-formatted cell shows a formula as text)."""
        if column is None or column.kind != "text":
            return False
        return not any(isinstance(row.get(header), Formula) for row in rows)

    # --- names -----------------------------------------------------------------------------
    def _name_range(self, name: str) -> Any:
        names = self.xlbook.names
        if name not in names:
            return None
        try:
            rng = names[name].refers_to_range
        except Exception:  # noqa: BLE001 - a name that is a constant or a broken reference
            return None
        return rng.resize(1, 1) if rng is not None else None

    def read_names(self, names: Sequence[str]) -> dict[str, Any]:
        out = {}
        for name in names:
            cell = self._name_range(name)
            if cell is not None:
                out[name] = cell.options(ndim=2, err_to_str=True).value[0][0]
        return out

    def write_name(self, name: str, value: Any) -> None:
        cell = self._name_range(name)
        if cell is None:
            raise InputError(f"{self.label}: the defined name {name} is missing (Formulas > "
                             "Name Manager). Make a new workbook with the New workbook button.")
        text_cell = isinstance(value, str) and cell.number_format == TEXT
        cell.value = [[to_excel(value, text_cell=text_cell)]]

    def set_list(self, name: str, values: Sequence[str]) -> None:
        sheets = {s.name: s for s in self.xlbook.sheets}
        ws = sheets.get(LISTS_SHEET)
        if ws is None:
            last_sheet = list(sheets.values())[-1]
            ws = self.xlbook.sheets.add(LISTS_SHEET, after=last_sheet)
            ws.visible = False
        previous_last = 2
        if name in self.xlbook.names:
            try:
                previous_last = self.xlbook.names[name].refers_to_range.last_cell.row
            except Exception:  # noqa: BLE001 - a broken name: it is redefined below
                pass
        last = max(len(values), 1) + 1
        ws.range((2, 1), (max(last, previous_last), 1)).clear_contents()
        target = ws.range((2, 1), (last, 1))
        target.number_format = TEXT
        column = [[excel_text(str(v), text_cell=True)] for v in values] or [[None]]
        target.value = column
        refers_to = f"='{LISTS_SHEET}'!$A$2:$A${last}"
        if name in self.xlbook.names:
            self.xlbook.names[name].refers_to = refers_to
        else:
            self.xlbook.names.add(name, refers_to)

    # --- talking to the user ---------------------------------------------------------------
    def progress(self, text: str, done: int = 0, total: int = 0) -> None:
        tail = f" {done}/{total}" if total else ""
        with contextlib.suppress(Exception):  # the status bar is a courtesy, never a failure
            self.app.status_bar = f"{TITLE}: {text}{tail}"

    def confirm(self, question: str) -> bool:
        answer = self.app.alert(_limit(question), title=TITLE, buttons="yes_no",
                                mode="critical")
        return answer == "yes"

    def alert(self, text: str, *, error: bool = False) -> None:
        self.app.alert(_limit(text), title=TITLE, buttons="ok",
                       mode="critical" if error else "info")

    def save(self) -> None:
        """Nothing, unless ``autosave``: the user saves the live workbook (Ctrl+S)."""
        if self.autosave:
            self.xlbook.save()

    @contextlib.contextmanager
    def session(self) -> Iterator[XlwingsBook]:
        """Around one ribbon operation: no screen redraws and no recalculation while tables
        are rewritten (each write would recalculate every SUMIFS over the BoE table);
        both restored, and the status bar handed back to Excel, whatever happens."""
        app = self.app
        saved: dict[str, Any] = {}
        for attr, quiet in (("screen_updating", False), ("calculation", "manual")):
            try:
                saved[attr] = getattr(app, attr)
                setattr(app, attr, quiet)
            except Exception:  # noqa: BLE001 - e.g. calculation is read-only in some states
                saved.pop(attr, None)
        try:
            yield self
        finally:
            for attr, value in reversed(list(saved.items())):
                with contextlib.suppress(Exception):
                    setattr(app, attr, value)
            with contextlib.suppress(Exception):
                app.status_bar = False


def _bounds(rng: Any) -> Bounds:
    rows, cols = rng.shape
    return rng.column, rng.row, rng.column + cols - 1, rng.row + rows - 1


def _fill(spec: TableSpec, column: Column) -> tuple[int, int, int] | None:
    if column.computed:
        return COMPUTED_COLOR
    if spec is BOE and column.header in ACCOUNTANT_COLUMNS:
        return INPUT_COLOR
    return None


def _limit(text: str) -> str:
    text = str(text)
    if len(text) <= ALERT_LIMIT:
        return text
    return text[:ALERT_LIMIT - 40].rstrip() + "\n... (message shortened)"

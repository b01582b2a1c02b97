"""The open workbook in xlwings Lite, as a :class:`~ims_xl.workbook.book.Book`.

xlwings Lite hands a script a *synchronous* ``xlwings.Book`` with three differences from the
desktop one that the ribbon's :class:`~ims_xl.workbook.xlwings_book.XlwingsBook` meets:

1. **Reads are a snapshot.** Every cell value, table and name is loaded when the script
   starts; what the script writes is not read back until the next script. So this Book keeps
   what it wrote: a table or name read after this script wrote it gives what was written (as
   Excel gives it back), and a table's size is the one this script left it at.
2. **Writes are queued** and applied, in order, when the script ends: one batch, however many
   calls. Each write is still one action in that batch, so tables are written whole (one
   value write per table, one format per column), never cell by cell.
3. **Some of the object model is missing**: a cell's number format, colour and merged state
   cannot be read, there is no status bar, ``insert`` needs its ``copy_origin``, and a
   message box cannot ask a question (``alert`` is shown after the script). So: text cells
   are made text-formatted before text is written to them; merged cells below a growing
   table are not looked for (Excel refuses the insert, and Lite shows its error); progress
   goes to Lite's Output pane; and the one question Recompute asks (keep the new Rejects?)
   is answered by the script's ``keep_new_rejects`` box.

Saving: as in the ribbon, the changes stay in the open workbook until the accountant saves
it. There is no file to lock or back up (``path`` is None): Lite edits the workbook Excel has
open, and closing it without saving undoes a script.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..money import round2
from ..workbook.growth import plan_growth
from ..workbook.layout import TEXT, Formula, TableSpec
from ..workbook.xlwings_book import TITLE, XlwingsBook, _bounds, _limit, to_excel

__all__ = ["LiteBook", "read_back"]

Row = dict[str, Any]
GROW = "format_from_right_or_below"   # new table rows look like the table's last body row
REFILL = "format_from_left_or_above"


def read_back(value: Any) -> Any:
    """What Excel gives back for a value this Book wrote (as the desktop xlwings reads it):
    money as float rounded to paise, dates as datetime, blanks as None. A formula's result
    is not known until Excel calculates, after the script: None, as for any formula read
    in the same script."""
    if value is None or isinstance(value, (bool, Formula)):
        return None if isinstance(value, Formula) else value
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, Decimal):
        try:
            return float(round2(value))  # float ok: what the cell holds
        except (ValueError, ArithmeticError):
            return float(value)  # float ok
    if isinstance(value, (int, float)):
        return float(value)  # float ok: Excel holds every number as a double
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=(value.microsecond // 1000) * 1000)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return str(value)


class LiteBook(XlwingsBook):
    """A :class:`~ims_xl.workbook.book.Book` over the ``xlwings.Book`` a Lite script gets."""

    def __init__(self, xlbook: Any, *, keep_new_rejects: bool = False, say=print):
        super().__init__(xlbook, autosave=False)
        self.keep_new_rejects = keep_new_rejects
        self.say = say
        self.questions: list[str] = []
        self._written: dict[str, list[Row]] = {}   # read-back of the tables written
        self._names: dict[str, Any] = {}           # read-back of the names written
        self._body_rows: dict[str, int] = {}       # body rows after this script's writes

    @property
    def path(self) -> None:
        """No file: Lite works on the workbook Excel has open (nothing to lock or back up)."""
        return None

    # --- tables --------------------------------------------------------------------------
    def read_table(self, spec: TableSpec) -> list[Row]:
        if spec.name in self._written:
            return [dict(row) for row in self._written[spec.name]]
        return super().read_table(spec)

    def write_table(self, spec: TableSpec, rows: Sequence[Row]) -> None:
        """As :meth:`XlwingsBook.write_table` (the same geometry: more rows are inserted
        inside the table, fewer are cleared), with the table's size taken from what this
        script already did to it, and Lite's ``insert`` arguments."""
        table = self._table(spec)
        header, names = self._headers(spec, table)
        sheet = header.sheet
        top, left = header.row, header.column
        right = left + len(names) - 1
        totals = 1 if table.show_totals else 0
        old_n = self._body_rows.get(spec.name)
        if old_n is None:
            old_n = table.range.shape[0] - 1 - totals  # an empty table's insert row counts
        n = max(len(rows), 1)  # a table keeps one (empty) body row
        if n > old_n:
            self._check_below(spec, sheet, (left, right), top + old_n + totals, n - old_n)
            sheet.range((top + old_n, left), (top + n - 1, right)).insert(
                shift="down", copy_origin=GROW)
        elif n < old_n and totals:
            self._check_below(spec, sheet, (left, right), top + old_n + totals, old_n - n,
                              shrinking=True)
            sheet.range((top + n + 1, left), (top + old_n, right)).delete(shift="up")
            below = top + n + totals + 1
            sheet.range((below, left), (below + old_n - n - 1, right)).insert(
                shift="down", copy_origin=REFILL)
        elif n < old_n:
            table.resize(sheet.range((top, left), (top + n, right)))
            sheet.range((top + n + 1, left), (top + old_n, right)).clear()
        self._write_body(spec, sheet, names, top, left, n, rows)
        self._body_rows[spec.name] = n
        self._written[spec.name] = [
            {h: read_back(row.get(h)) for h in names if h} for row in rows]

    def _check_below(self, spec: TableSpec, sheet: Any, cols: tuple[int, int], old_last: int,
                     by: int, *, shrinking: bool = False) -> None:
        """XlwingsBook's check without merged cells (Lite cannot read them): another table
        below in the table's columns, or cells pushed off the sheet, are refused first."""
        used = sheet.used_range
        bottom = used.row + used.shape[0] - 1
        if bottom <= old_last:
            return
        left, right = cols
        values = sheet.range((old_last + 1, left), (bottom, right)).options(ndim=2).value
        cells = [(old_last + 1 + i, left + j) for i, line in enumerate(values)
                 for j, v in enumerate(line) if v is not None and v != ""]
        tables = [(t.name, _bounds(t.range)) for t in sheet.tables if t.name != spec.name]
        plan_growth(self.label, sheet.name, spec.name, cols, old_last, by, cells, set(),
                    tables, shrinking=shrinking)

    # --- names -----------------------------------------------------------------------------
    def read_names(self, names: Sequence[str]) -> dict[str, Any]:
        out = super().read_names([n for n in names if n not in self._names])
        out.update({n: self._names[n] for n in names if n in self._names})
        return out

    def write_name(self, name: str, value: Any) -> None:
        """Text goes into a text-formatted cell (Lite cannot read the cell's format to
        decide, as the desktop Book does), so Excel keeps it exactly as written."""
        cell = self._name_range(name)
        if cell is None:
            super().write_name(name, value)  # the desktop Book's message for a missing name
            return
        if isinstance(value, str):
            cell.number_format = TEXT
        cell.value = [[to_excel(value, text_cell=isinstance(value, str))]]
        self._names[name] = read_back(value)

    # --- talking to the accountant -----------------------------------------------------------
    def progress(self, text: str, done: int = 0, total: int = 0) -> None:
        tail = f" {done}/{total}" if total else ""
        self.say(f"{TITLE}: {text}{tail}")  # Lite's Output pane: it has no status bar

    def confirm(self, question: str) -> bool:
        """Lite cannot ask while a script runs: the answer is the script's
        ``keep_new_rejects`` box, and the question and answer are printed."""
        self.questions.append(question)
        answer = self.keep_new_rejects
        self.say(f"{question}\n-> {'Yes' if answer else 'No'} (the script's keep_new_rejects "
                 f"box is {'ticked' if answer else 'not ticked'})")
        return answer

    def alert(self, text: str, *, error: bool = False) -> None:
        self.say(text)
        with contextlib.suppress(Exception):  # a courtesy: the Output pane has it already
            self.app.alert(_limit(text), title=TITLE, buttons="ok",
                           mode="critical" if error else "info")

    @contextlib.contextmanager
    def session(self) -> Iterator[LiteBook]:
        """Lite suspends screen updating until its batch is applied (it cannot be read
        back); calculation is set to manual while tables are rewritten when Lite tells the
        current mode, and put back after."""
        app = self.app
        with contextlib.suppress(Exception):
            app.screen_updating = False
        calculation = None
        with contextlib.suppress(Exception):
            calculation = app.calculation
            app.calculation = "manual"
        try:
            yield self
        finally:
            if calculation is not None:
                with contextlib.suppress(Exception):
                    app.calculation = calculation

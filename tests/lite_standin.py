"""The strict xlwings stand-in of ``test_xlwings_book`` as xlwings Lite's script Book.

A Lite script gets a synchronous ``xlwings.Book`` (xlwings' remote engine) that differs from
the desktop one the stand-in models in ways a Lite Book must survive:

- **reads are a snapshot** taken when the script starts: a value, a table's size or a name
  read after the script changed it still shows the workbook as it was;
- **writes are queued** and applied when the script ends (here: at once, to the live
  workbook; nothing reads it until the script is over, so the order is all that matters);
- **missing API**: ``Range.number_format``, ``Range.color``, ``merge_cells`` and
  ``merge_area`` cannot be read, ``App.status_bar`` and ``App.screen_updating`` cannot be
  read or set the desktop way, ``insert`` needs its ``copy_origin``, and ``App.alert`` queues
  a message and returns nothing (so it cannot ask a question).

Two desktop stand-ins over the same file make this: ``snap`` answers every read, ``live``
takes every write; at the end ``live`` holds what Excel would show. ``calls`` counts the
actions Lite would send to Excel (one batch) and the reads (free: the snapshot).

No pytest here: this module also runs inside Pyodide (tests/lite_harness.py).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from test_xlwings_book import FakeApp, FakeBook

__all__ = ["LiteFakeBook", "LiteRefused"]


class LiteRefused(NotImplementedError):
    """What xlwings' remote engine raises for what Lite's object model cannot do."""


class LiteApp:
    def __init__(self, book: LiteFakeBook):
        self._book = book
        self.alerts: list[dict[str, Any]] = []
        self.calculation = "automatic"

    @property
    def status_bar(self):
        raise LiteRefused("App.status_bar is not supported on this engine")

    @status_bar.setter
    def status_bar(self, value):
        raise LiteRefused("App.status_bar is not supported on this engine")

    @property
    def screen_updating(self):
        raise LiteRefused("App.screen_updating can't be read on this engine")

    @screen_updating.setter
    def screen_updating(self, value):
        self._book.calls["action"] += 1   # setScreenUpdating, until the batch is applied

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok",
              mode: str | None = None, callback: str | None = None) -> None:
        assert buttons == "ok", "Lite shows a message after the script: it cannot ask"
        assert isinstance(prompt, str) and "Traceback" not in prompt
        self._book.calls["action"] += 1
        self.alerts.append({"prompt": prompt, "title": title, "mode": mode})
        return None


class LiteFakeBook:
    """``xlwings.Book`` as a Lite script sees it, over the workbook file at ``path``."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.live = FakeBook(self.path, FakeApp())
        self.snap = FakeBook(self.path, FakeApp())
        self.app = LiteApp(self)
        self.name = self.path.name
        self.fullname = self.name   # Lite has no file path for the workbook
        self.calls: Counter[str] = Counter()

    @property
    def sheets(self):
        return _Sheets(self)

    @property
    def names(self):
        return _Names(self)

    def save(self, path=None):
        raise LiteRefused("Book.save() is not supported in xlwings Lite")

    def finish(self, path: str | Path | None = None) -> Path:
        """The script is over: the live workbook saved (to ``path``), what Excel shows."""
        target = Path(path) if path else self.path
        self.live.wb.save(target)
        return target

    def actions(self) -> int:
        """Calls into Excel's object model the script queued (one batch in Lite)."""
        return self.calls["action"]


class _Sheets:
    def __init__(self, book: LiteFakeBook):
        self.book = book

    def __iter__(self):
        return (_Sheet(self.book, ws.title) for ws in self.book.snap.wb.worksheets)

    def __len__(self):
        return len(self.book.snap.wb.worksheets)

    def __getitem__(self, key):
        ws = self.book.snap.wb.worksheets[key] if isinstance(key, int) else self.book.snap.wb[key]
        return _Sheet(self.book, ws.title)

    def add(self, name=None, before=None, after=None):
        self.book.calls["action"] += 1
        live_after = self.book.live.sheets[after.name] if after is not None else None
        self.book.live.sheets.add(name, after=live_after)
        return _Sheet(self.book, name)


class _Sheet:
    def __init__(self, book: LiteFakeBook, name: str):
        self.book, self.name = book, name

    def _snap(self):
        return self.book.snap.sheets[self.name]

    def _live(self):
        return self.book.live.sheets[self.name]

    @property
    def tables(self):
        return [_Table(self, t.name) for t in self._snap().tables]

    @property
    def visible(self):
        return self._snap().visible

    @visible.setter
    def visible(self, value):
        self.book.calls["action"] += 1
        self._live().visible = value

    @property
    def used_range(self):
        r = self._snap().used_range
        return _Range(self, r.row, r.column, r.row + r.shape[0] - 1, r.column + r.shape[1] - 1)

    def range(self, cell1, cell2=None):
        r = self._snap().range(cell1, cell2) if self.name in self.book.snap.wb.sheetnames \
            else self._live().range(cell1, cell2)
        return _Range(self, r.row, r.column, r.row + r.shape[0] - 1,
                      r.column + r.shape[1] - 1)

    def __eq__(self, other):
        return isinstance(other, _Sheet) and other.name == self.name


class _Table:
    def __init__(self, sheet: _Sheet, name: str):
        self.sheet, self.name = sheet, name

    def _snap(self):
        return self.sheet._snap().tables[self.name]

    def _wrap(self, r):
        if r is None:
            return None
        return _Range(self.sheet, r.row, r.column, r.row + r.shape[0] - 1,
                      r.column + r.shape[1] - 1)

    @property
    def range(self):
        return self._wrap(self._snap().range)

    @property
    def header_row_range(self):
        return self._wrap(self._snap().header_row_range)

    @property
    def data_body_range(self):
        return self._wrap(self._snap().data_body_range)

    @property
    def show_totals(self):
        return self._snap().show_totals

    def resize(self, rng: _Range):
        self.sheet.book.calls["action"] += 1
        self.sheet._live().tables[self.name].resize(rng._live())


class _Range:
    def __init__(self, sheet: _Sheet, r1, c1, r2, c2, options=None):
        self.sheet = sheet
        self.row, self.column, self._r2, self._c2 = r1, c1, r2, c2
        self._options = options or {}

    def _on(self, book):
        return book.sheets[self.sheet.name].range(
            (self.row, self.column), (self._r2, self._c2)).options(**self._options) \
            if self._options else \
            book.sheets[self.sheet.name].range((self.row, self.column), (self._r2, self._c2))

    def _live(self):
        return self._on(self.sheet.book.live)

    def _act(self):
        self.sheet.book.calls["action"] += 1
        return self._live()

    @property
    def shape(self):
        return (self._r2 - self.row + 1, self._c2 - self.column + 1)

    @property
    def last_cell(self):
        return _Range(self.sheet, self._r2, self._c2, self._r2, self._c2)

    def resize(self, row_size=None, column_size=None):
        rows = row_size or self.shape[0]
        cols = column_size or self.shape[1]
        return _Range(self.sheet, self.row, self.column, self.row + rows - 1,
                      self.column + cols - 1, self._options)

    def options(self, convert=None, **options):
        assert convert is None and set(options) <= {"ndim", "err_to_str"}
        return _Range(self.sheet, self.row, self.column, self._r2, self._c2, options)

    @property
    def value(self):
        self.sheet.book.calls["read"] += 1
        if self.sheet.name not in self.sheet.book.snap.wb.sheetnames:
            raise LiteRefused(f"sheet {self.sheet.name!r} was added by this script: Lite "
                              "cannot read it before the script ends")
        return self._on(self.sheet.book.snap).value

    @value.setter
    def value(self, data):
        self._act().value = data

    @property
    def number_format(self):
        raise LiteRefused("Range.number_format can't be read synchronously in Lite")

    @number_format.setter
    def number_format(self, fmt):
        self._act().number_format = fmt

    @property
    def color(self):
        raise LiteRefused("Range.color can't be read synchronously in Lite")

    @color.setter
    def color(self, rgb):
        self._act().color = rgb

    @property
    def merge_cells(self):
        raise LiteRefused("Range.merge_cells can't be read synchronously in Lite")

    @property
    def merge_area(self):
        raise LiteRefused("Range.merge_area can't be read synchronously in Lite")

    def clear(self):
        self._act().clear()

    def clear_contents(self):
        self._act().clear_contents()

    def insert(self, shift=None, copy_origin=None):
        if shift not in ("down", "right") or copy_origin not in (
                "format_from_left_or_above", "format_from_right_or_below"):
            raise LiteRefused("range.insert() requires shift and copy_origin in Lite")
        self._act().insert(shift, copy_origin)

    def delete(self, shift=None):
        if shift not in ("up", "left"):
            raise LiteRefused("range.delete() requires 'up' or 'left' in Lite")
        self._act().delete(shift)


class _Name:
    def __init__(self, book: LiteFakeBook, name: str):
        self.book, self.name = book, name

    @property
    def refers_to_range(self):
        r = self.book.snap.names[self.name].refers_to_range
        return _Range(_Sheet(self.book, r.sheet.name), r.row, r.column,
                      r.row + r.shape[0] - 1, r.column + r.shape[1] - 1)

    @property
    def refers_to(self):
        return self.book.snap.names[self.name].refers_to

    @refers_to.setter
    def refers_to(self, value):
        self.book.calls["action"] += 1
        self.book.live.names[self.name].refers_to = value


class _Names:
    def __init__(self, book: LiteFakeBook):
        self.book = book

    def __contains__(self, name):
        return name in self.book.snap.names

    def __getitem__(self, name):
        if name not in self.book.snap.names:
            raise KeyError(name)
        return _Name(self.book, name)

    def add(self, name, refers_to):
        self.book.calls["action"] += 1
        self.book.live.names.add(name, refers_to)

"""A read-only :class:`~ims_xl.workbook.book.Book` over python-calamine: for the commands
that only read a workbook (summary, export), about ten times faster than openpyxl.

Calamine reads cell values; the table ranges and defined names come from the workbook's own
XML parts, parsed with defusedxml.
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Collection, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any


from ..problems import InputError
from .cellref import column_number, range_bounds
from .book import check_columns, table_missing
from .layout import TableSpec
from .package import NS, sheet_parts, table_parts, total_rows

__all__ = ["FastBook"]

Row = dict[str, Any]


class FastBook:
    def __init__(self, path: str | Path, *, sheets: Collection[str] | None = None):
        """``sheets``: the sheets the caller expects to read. The safety check then unpacks
        only their worksheet parts (see :func:`~ims_xl.io.xlsx.check_workbook`); any other
        sheet is checked before its first read. ``None`` checks every sheet up front."""
        self.path = Path(path)
        self.label = self.path.name
        if not self.path.exists():
            raise InputError(f"{path}: no such workbook")
        self._checked: set[str] | None = None if sheets is None else set(sheets)
        self._check(sheets)
        try:
            import python_calamine
            self._wb = python_calamine.CalamineWorkbook.from_path(str(self.path))
            self._tables, self._names = _structure(self.path)
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"{self.label}: cannot be read as an Excel workbook ({exc})") from None
        self._sheets: dict[str, list[list[Any]]] = {}
        self._reading: dict[str, tuple[threading.Thread, dict]] = {}

    def prefetch(self, sheets: Sequence[str]) -> None:
        """Start reading these sheets in background threads, each with its own calamine
        reader: calamine parses without holding Python's lock, so the BoE sheet and the
        Action Log are read side by side (at 100,000 BoEs, 2.6 s one after the other, 2.0 s
        together). :meth:`_grid` waits for a sheet it needs."""
        for sheet in dict.fromkeys(sheets):
            if sheet in self._sheets or sheet in self._reading:
                continue
            if self._checked is not None and sheet not in self._checked:
                continue  # checked, then read, when first needed
            box: dict = {}
            thread = threading.Thread(target=_read_grid, args=(self.path, sheet, box),
                                      name=f"read {sheet}", daemon=True)
            thread.start()
            self._reading[sheet] = (thread, box)

    def _check(self, sheets: Collection[str] | None) -> None:
        from ..io.xlsx import check_workbook

        problems = check_workbook(self.path, sheets=sheets)
        if problems:
            raise InputError(f"{self.label}: {problems[0].message} {problems[0].fix}", problems)

    def _grid(self, sheet: str) -> list[list[Any]]:
        if sheet not in self._sheets:
            if self._checked is not None and sheet not in self._checked:
                # a table or name on a sheet not announced: check it before calamine reads it
                self._check([sheet])
                self._checked.add(sheet)
            reading = self._reading.pop(sheet, None)
            if reading is not None:
                reading[0].join()
                if "grid" not in reading[1]:  # the thread failed: read it here, as below
                    reading = None
            self._sheets[sheet] = reading[1]["grid"] if reading is not None else \
                self._wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        return self._sheets[sheet]

    def _cell(self, sheet: str, row: int, col: int) -> Any:
        grid = self._grid(sheet)
        if row - 1 < len(grid) and col - 1 < len(grid[row - 1]):
            value = grid[row - 1][col - 1]
            return None if value == "" else value
        return None

    def _header(self, spec: TableSpec) -> tuple[str, int, int, dict[str, int]]:
        """The table's sheet, header row, last body row (above a Total Row) and header ->
        column (checked)."""
        found = self._tables.get(spec.name)
        if found is None:
            raise table_missing(self.label, spec)
        sheet, ref, totals = found
        min_col, min_row, max_col, max_row = range_bounds(ref)
        max_row -= totals  # Excel's Total Row is not data
        headers = {}
        for c in range(min_col, max_col + 1):
            value = self._cell(sheet, min_row, c)
            if value is not None:
                headers[str(value).strip()] = c
        check_columns(self.label, spec, headers)
        return sheet, min_row, max_row, headers

    def read_table(self, spec: TableSpec, *, columns: Sequence[str] | None = None) -> list[Row]:
        """The table's non-empty rows as dicts by header. ``columns``: only these keys in
        each dict (those the table has; the rest of the header is still checked, and a row
        still counts as empty only when all its cells are); ``None``, every column."""
        sheet, min_row, max_row, headers = self._header(spec)
        grid = self._grid(sheet)
        if columns is not None:
            return _some_columns(grid, min_row, max_row, headers, columns)
        rows = []
        for r in range(min_row + 1, min(max_row, len(grid)) + 1):
            line = grid[r - 1]
            row = {h: (line[c - 1] if c - 1 < len(line) and line[c - 1] != "" else None)
                   for h, c in headers.items()}
            if any(v is not None for v in row.values()):
                rows.append(row)
        return rows

    def read_columns(self, spec: TableSpec, columns: Sequence[str]
                     ) -> tuple[list[str], list[list[Any]]]:
        """The same cells as ``read_table(spec, columns=columns)``, as one list per column
        (the names of the columns the table has, and their values): for the read-only
        commands, which build BoE versions straight from columns."""
        sheet, min_row, max_row, headers = self._header(spec)
        return _column_values(self._grid(sheet), min_row, max_row, headers, columns)

    def read_names(self, names: Sequence[str]) -> dict[str, Any]:
        out = {}
        for name in names:
            target = self._names.get(name)
            if target:
                sheet, col, row = target
                out[name] = self._cell(sheet, row, col)
        return out

    def write_table(self, spec: TableSpec, rows) -> None:
        raise InputError("internal: this workbook was opened read-only")

    write_name = set_list = save = write_table  # type: ignore[assignment]

    def progress(self, text: str, done: int = 0, total: int = 0) -> None:
        pass

    def confirm(self, question: str) -> bool:
        return False

    def alert(self, text: str) -> None:
        pass


def _read_grid(path: Path, sheet: str, box: dict) -> None:
    """A sheet's cells, read by a background thread into ``box["grid"]`` (on any failure
    nothing: the sheet is then read again in the caller's thread, which reports it)."""
    try:
        import python_calamine
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        box["grid"] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 - reported by the caller's own read
        pass


def _some_columns(grid: list[list[Any]], min_row: int, max_row: int, headers: dict[str, int],
                  columns: Sequence[str]) -> list[Row]:
    """read_table's rows with only ``columns``, built column by column: at 100,000 rows a
    dict of every column per row was half a second of summary."""
    names, values = _column_values(grid, min_row, max_row, headers, columns)
    if not values:
        return [{} for _ in range(_count_kept(grid, min_row, max_row, headers))]
    return [dict(zip(names, row)) for row in zip(*values)]


def _count_kept(grid, min_row, max_row, headers) -> int:
    return len(_kept_lines(grid, min_row, max_row, headers)) if headers else 0


def _kept_lines(grid, min_row, max_row, headers) -> list[list[Any]]:
    lines = grid[min_row:min(max_row, len(grid))]
    cols = sorted(set(headers.values()))
    first, last = cols[0], cols[-1]
    if cols == list(range(first, last + 1)):
        # a row is empty when all the table's cells are "" (calamine's empty) or missing
        return [line for line in lines if len(cut := line[first - 1:last]) != cut.count("")]
    return [line for line in lines if any(c - 1 < len(line) and line[c - 1] != "" for c in cols)]


def _column_values(grid: list[list[Any]], min_row: int, max_row: int, headers: dict[str, int],
                   columns: Sequence[str]) -> tuple[list[str], list[list[Any]]]:
    """The non-empty rows' cells of ``columns`` (those the table has), one list per column
    (None for an empty cell)."""
    if not headers:
        return [], []
    keep = _kept_lines(grid, min_row, max_row, headers)
    last = max(headers.values())
    names = [h for h in columns if h in headers]
    full = not keep or min(map(len, keep)) >= last   # calamine's rows are all as wide
    values = []
    for h in names:
        i = headers[h] - 1
        if full:
            col = list(map(itemgetter(i), keep))
            if "" in col:   # most columns have no blank cell: no per-cell pass for them
                col = [None if v == "" else v for v in col]
        else:
            col = [None if (v := line[i] if i < len(line) else "") == "" else v
                   for line in keep]
        values.append(col)
    return names, values


def _structure(path: Path) -> tuple[dict[str, tuple[str, str, int]],
                                    dict[str, tuple[str, int, int]]]:
    """Table name -> (sheet, ref, rows of its Total Row) and defined name -> (sheet, column,
    row)."""
    with zipfile.ZipFile(path) as zf:
        wb_xml, sheets = sheet_parts(zf)
        tables = {}
        for sheet_name, _part, t in table_parts(zf, sheets):
            tables[t.get("displayName") or t.get("name")] = (sheet_name, t.get("ref"),
                                                             total_rows(t))
        names = {}
        for dn in wb_xml.iterfind("m:definedNames/m:definedName", NS):
            text = (dn.text or "").strip()
            if "!" not in text or dn.get("localSheetId") is not None:
                continue
            sheet, ref = text.rsplit("!", 1)
            sheet = sheet.strip("'").replace("''", "'")
            first = ref.replace("$", "").split(":")[0]
            letters = "".join(ch for ch in first if ch.isalpha())
            digits = "".join(ch for ch in first if ch.isdigit())
            if letters and digits:
                names[dn.get("name")] = (sheet, column_number(letters), int(digits))
    return tables, names

"""The workbook as a file, read and written with openpyxl (headless: CLI and CI).

Saving goes through :func:`~ims_xl.safety.replace.replacing_workbook`: atomic, checked
against the file that was read, backed up, refused while Excel or LibreOffice has it open.
"""

from __future__ import annotations

import sys
from datetime import date
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from ..problems import InputError
from ..safety.replace import FileSnapshot, replacing_workbook
from .book import check_columns, table_missing
from .cell_text import cell_value as _cell_value
from .growth import (Move, Reference, check_move, formula_references, plan_growth, sheet_ref,
                     sqref_bounds)
from .layout import AT_RECOMPUTE, BOE, DATE, LISTS_SHEET, Formula, TableSpec
from .print_setup import is_wrapped_height, wrapped_row_height, wrapping_columns
from .styles import apply_body_style
from .terminal import TerminalTalk

__all__ = ["OpenpyxlBook"]

Row = dict[str, Any]


def open_workbook(path: Path):
    """Open with openpyxl, turning every way a file can be wrong into a clear InputError."""
    from ..io.xlsx import check_workbook  # zip-bomb, entity-bomb and not-a-workbook checks

    if not path.exists():
        raise InputError(f"{path}: no such workbook. Create one with: ims-xl template {path}")
    problems = check_workbook(path)
    if problems:
        raise InputError(f"{path.name}: {problems[0].message} {problems[0].fix}", problems)
    try:
        return load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(f"{path.name}: cannot be opened as an Excel workbook ({exc}). "
                         "Open it in Excel and save it again as .xlsx.") from None


def _is_formula(cell, value: Any) -> bool:
    """Whether ``cell`` holds the accountant's formula ``value`` (as openpyxl reads it)."""
    return cell is not None and cell.data_type == "f" and isinstance(value, str) \
        and cell.value == value


class OpenpyxlBook(TerminalTalk):
    def __init__(self, path: str | Path, *, confirm: Callable[[str], bool] | None = None,
                 quiet: bool = False, snapshot: FileSnapshot | None = None):
        self.path = Path(path)
        self.label = self.path.name
        if snapshot is None and self.path.exists():
            snapshot = FileSnapshot.take(self.path)   # what save() checks is still on disk
        self._snapshot = snapshot
        self.wb = open_workbook(self.path)
        self._confirm = confirm
        self._quiet = quiet
        self._styles: dict[str, list] = {}

    # --- tables ----------------------------------------------------------------------------
    def _locate(self, spec: TableSpec):
        for ws in self.wb.worksheets:
            if spec.name in ws.tables:
                return ws, ws.tables[spec.name]
        raise table_missing(self.label, spec)

    def _header_map(self, spec: TableSpec, ws, table) -> tuple[dict[str, int], int, int, int]:
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        headers = {}
        for c in range(min_col, max_col + 1):
            value = ws.cell(min_row, c).value
            if value is not None:
                headers[str(value).strip()] = c
        check_columns(self.label, spec, headers)
        return headers, min_row, max_row, max_col

    def read_table(self, spec: TableSpec) -> list[Row]:
        ws, table = self._locate(spec)
        headers, min_row, max_row, _ = self._header_map(spec, ws, table)
        max_row -= total_rows(table)  # Excel's Total Row is not data
        cols = sorted(headers.items(), key=lambda kv: kv[1])
        first = cols[0][1]
        rows: list[Row] = []
        for values in ws.iter_rows(min_row=min_row + 1, max_row=max_row, min_col=first,
                                   max_col=cols[-1][1], values_only=True):
            if all(v is None or v == "" for v in values):
                continue
            rows.append({h: values[c - first] for h, c in cols})
        return rows

    def _column_styles(self, spec: TableSpec) -> dict[str, Any]:
        """One StyleArray per column, built once from the shared style rules."""
        if spec.name not in self._styles:
            from .layout import ACCOUNTANT_COLUMNS, BOE
            scratch = self.wb.create_sheet("_scratch")
            arrays = {}
            for j, col in enumerate(spec.columns, start=1):
                cell = scratch.cell(1, j)
                apply_body_style(cell, col,
                                 accountant=spec is BOE and col.header in ACCOUNTANT_COLUMNS)
                arrays[col.header] = cell._style
            self.wb.remove(scratch)
            self._styles[spec.name] = arrays
        return self._styles[spec.name]

    def write_table(self, spec: TableSpec, rows: Sequence[Row]) -> None:
        """The table's body becomes ``rows``. A table that grows moves the cells below it
        down first, as Excel does (or refuses, before changing anything: see
        :mod:`~ims_xl.workbook.growth`); one that shrinks leaves them where they are.
        Excel's Total Row stays the table's last row, its cells as they were."""
        ws, table = self._locate(spec)
        headers, min_row, old_max_row, max_col = self._header_map(spec, ws, table)
        min_col = range_boundaries(table.ref)[0]
        totals = total_rows(table)
        n = max(len(rows), 1)  # a table keeps one (empty) body row
        new_max_row = min_row + n + totals
        move = self._plan_move(spec, ws, (min_col, max_col), old_max_row,
                               new_max_row - old_max_row)
        cells = ws._cells
        total_row = [cells.pop((old_max_row, c)) for c in range(min_col, max_col + 1)
                     if totals and (old_max_row, c) in cells]
        if move is not None:
            _move_down(ws, move)
        self._write_body(spec, ws, headers, min_row, rows)
        if not rows:
            for c in headers.values():
                ws.cell(min_row + 1, c).value = None
        for r in range(min_row + n + 1, old_max_row + 1):  # the rows that left the table
            for c in range(min_col, max_col + 1):
                cells.pop((r, c), None)
        for cell in total_row:
            cell.row = new_max_row
            cells[(new_max_row, cell.column)] = cell
        ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{new_max_row}"
        table.ref = ref
        if table.autoFilter is not None:  # the filter covers the header and the body
            table.autoFilter.ref = (f"{get_column_letter(min_col)}{min_row}:"
                                    f"{get_column_letter(max_col)}{new_max_row - totals}")

    def _write_body(self, spec: TableSpec, ws, headers: dict[str, int], min_row: int,
                    rows: Sequence[Row]) -> None:
        styles = self._column_styles(spec)
        from copy import copy
        cells = ws._cells
        wrapping = _wrapping(spec, ws, headers)
        twins = {headers[t]: headers[h] for h, t in AT_RECOMPUTE.items()
                 if spec is BOE and t in headers and h in headers}
        for i, row in enumerate(self._rows_with_progress(rows, spec), start=min_row + 1):
            if wrapping:
                _size_row(ws, i, row, wrapping)
            for header, c in headers.items():
                value = _cell_value(row.get(header))
                cell = cells.get((i, c))
                if cell is None:
                    cell = ws.cell(i, c)
                unstyled = not cell.has_style  # before a date value gives it a date format
                shown_as = cell.number_format
                # A recompute rewrites a 100,000-row table: touch only what changed, and
                # style only cells that have no style yet (a user's formatting stays).
                if c in twins and _is_formula(cells.get((i, twins[c])), value):
                    # openpyxl reads the accountant's formula, not what it shows: its twin
                    # (layout.AT_RECOMPUTE) is the same formula, so it shows the same
                    cell.value = value
                elif isinstance(value, Formula):
                    text = "=" + value.text
                    if cell.value != text or cell.data_type != "f":
                        cell.value = text
                elif cell.value != value or cell.data_type == "f":
                    cell.value = value
                    if isinstance(value, str) and cell.data_type == "f":
                        cell.data_type = "s"  # data text is never a formula
                if unstyled:
                    style = styles.get(header)
                    if style is not None:
                        cell._style = copy(style)
                elif isinstance(value, date) and not is_date_format(shown_as):
                    # a date typed as text (or into a text cell) goes back as a date cell the
                    # accountant reads as DD-MM-YYYY, never as its serial number
                    cell.number_format = DATE

    def _plan_move(self, spec: TableSpec, ws, cols: tuple[int, int], old_last: int,
                   by: int) -> Move | None:
        """The cells below the table that must move down ``by`` rows (None: nothing);
        InputError when they cannot."""
        if by <= 0:
            return None
        below = [(r, c) for r, c in ws._cells if r > old_last and cols[0] <= c <= cols[1]]
        merged = [m.bounds for m in ws.merged_cells.ranges]
        tables = [(t.displayName, range_boundaries(t.ref)) for t in ws.tables.values()]
        move = plan_growth(self.label, ws.title, spec.name, cols, old_last, by, below, merged,
                           tables)
        if move is not None:
            formulas = [(r, c) for r, c in below if ws._cells[(r, c)].data_type == "f"]
            check_move(move, formulas, self._references(ws, move))
        return move

    def _references(self, moving, move: Move) -> Iterator[Reference]:
        """Everything in the workbook that points at cells, for :func:`check_move`."""
        for ws in self.wb.worksheets:
            for (r, c), cell in ws._cells.items():
                if cell.data_type != "f":
                    continue
                text = cell.value if isinstance(cell.value, str) else \
                    getattr(cell.value, "text", None) or ""
                for sheet, bounds in formula_references(text, ws.title):
                    yield Reference(f"the formula in {sheet_ref(ws.title, (c, r, c, r))} "
                                    f"refers to {sheet_ref(sheet or move.sheet, bounds)}",
                                    sheet, bounds)
        names = list(self.wb.defined_names.items())
        names += [(n, d) for ws in self.wb.worksheets for n, d in ws.defined_names.items()]
        for name, dn in names:
            if name in ("_xlnm.Print_Area", "_xlnm.Print_Titles"):
                continue  # where the page breaks, not what a cell holds
            for sheet, bounds in formula_references(dn.attr_text or "", None):
                yield Reference(f"the defined name {name} points at "
                                f"{sheet_ref(sheet or move.sheet, bounds)}", sheet, bounds)
        ws = moving
        for dv in ws.data_validations.dataValidation:
            for b in sqref_bounds(str(dv.sqref)):
                yield Reference(f"a data validation covers {sheet_ref(ws.title, b)} and not "
                                "all of them", ws.title, b, whole_ok=True)
        for cf in ws.conditional_formatting:
            for b in sqref_bounds(str(cf.sqref)):
                yield Reference(f"a conditional format covers {sheet_ref(ws.title, b)} and not "
                                "all of them", ws.title, b, whole_ok=True)
        if ws.auto_filter is not None and ws.auto_filter.ref:
            for b in sqref_bounds(ws.auto_filter.ref):
                yield Reference(f"the sheet's filter covers {sheet_ref(ws.title, b)}",
                                ws.title, b)
        c1, r1, c2, r2 = move.window
        for (r, c), cell in ws._cells.items():
            if r1 <= r <= r2 and c1 <= c <= c2:
                where = sheet_ref(ws.title, (c, r, c, r))
                if getattr(cell, "_comment", None) is not None:
                    yield Reference(f"{where} has a comment", ws.title, (c, r, c, r))
                if getattr(cell, "_hyperlink", None) is not None:
                    yield Reference(f"{where} has a hyperlink", ws.title, (c, r, c, r))

    def _rows_with_progress(self, rows: Sequence[Row], spec: TableSpec):
        """A progress bar on a terminal for long tables; nothing when piped or quiet."""
        if self._quiet or len(rows) < 5000 or not sys.stderr.isatty():
            return rows
        from tqdm import tqdm
        return tqdm(rows, desc=f"Writing {spec.sheet}", unit=" rows", leave=False,
                    file=sys.stderr)

    # --- names -----------------------------------------------------------------------------
    def _name_cell(self, name: str):
        dn = self.wb.defined_names.get(name)
        if dn is None:
            return None
        for sheet, coord in dn.destinations:
            if sheet in self.wb.sheetnames:
                return self.wb[sheet][coord.replace("$", "").split(":")[0]]
        return None

    def read_names(self, names: Sequence[str]) -> dict[str, Any]:
        out = {}
        for name in names:
            cell = self._name_cell(name)
            if cell is not None:
                out[name] = cell.value
        return out

    def write_name(self, name: str, value: Any) -> None:
        cell = self._name_cell(name)
        if cell is None:
            raise InputError(f"{self.label}: the defined name {name} is missing. Start a new "
                             "workbook with 'ims-xl template'.")
        cell.value = _cell_value(value)

    def set_list(self, name: str, values: Sequence[str]) -> None:
        if LISTS_SHEET not in self.wb.sheetnames:
            ws = self.wb.create_sheet(LISTS_SHEET)
            ws.sheet_state = "hidden"
        ws = self.wb[LISTS_SHEET]
        for r in range(2, ws.max_row + 1):
            ws.cell(r, 1).value = None
        for r, value in enumerate(values, start=2):
            cell = ws.cell(r, 1, value)
            cell.number_format = "@"
        last = max(len(values), 1) + 1
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"'{LISTS_SHEET}'!$A$2:$A${last}")

    def save(self) -> None:
        with replacing_workbook(self.path, self._snapshot) as tmp:
            self.wb.save(tmp)
        self._snapshot = FileSnapshot.take(self.path)
        if not self._quiet and sys.stderr.isatty():
            print("\r", end="", file=sys.stderr)


def _wrapping(spec: TableSpec, ws, headers: dict[str, int]) -> list[tuple[str, float, int]]:
    """The table's wrapped columns with their widths on this sheet (print_setup)."""
    widths = {}
    for j, column in enumerate(spec.columns):
        c = headers.get(column.header)
        dim = ws.column_dimensions.get(get_column_letter(c)) if c else None
        if dim is not None and dim.customWidth and dim.width:
            widths[j] = dim.width
    return wrapping_columns(spec, 0, widths)


def _size_row(ws, r: int, row: Row, wrapping: list[tuple[str, float, int]]) -> None:
    """Row ``r`` as tall as its wrapped text needs; back to the usual height when a height
    ims-xl set earlier is no longer needed (an accountant's own height stays)."""
    height = wrapped_row_height((row.get(h), w) for h, w, _p in wrapping)
    dims = ws.row_dimensions
    if height is not None:
        dims[r].height = height
    elif r in dims and is_wrapped_height(dims[r].height):
        dims[r].height = None


def total_rows(table) -> int:
    """Rows of Excel's Total Row at the table's foot (0 or 1): not data."""
    try:
        return max(0, int(table.totalsRowCount or 0))
    except (TypeError, ValueError):
        return 0


def _move_down(ws, move: Move) -> None:
    """The cells of ``move`` (values, styles, comments) and its merged ranges, ``by`` rows
    down: the lowest first, so none lands on one not yet moved."""
    cells = ws._cells
    for r, c in sorted((k for k in cells if move.holds(*k)), reverse=True):
        cell = cells.pop((r, c))
        cell.row = r + move.by
        cells[(r + move.by, c)] = cell
    if move.merged:
        ranges = set()
        for m in ws.merged_cells.ranges:
            if m.bounds in move.merged:
                m.shift(row_shift=move.by)
            ranges.add(m)
        ws.merged_cells.ranges = ranges

"""Rows of a CSV file or a workbook sheet, read under their headers.

What a file is decides how it is read, not its name: a zip is read as a workbook (see
:mod:`ims_xl.io.xlsx` for the safety checks), text as CSV (see :mod:`ims_xl.io.csvtext`). A file
named ``.xlsx``/``.xls``/``.xlsm``/``.xlsb`` that is not a workbook gets ``NOT_A_WORKBOOK``.

Headers
    Exports put titles, GSTINs and blank rows above the header, so the header row is found by
    searching the first 30 rows for the one whose cells match the most known column names.
    Matching ignores case, spaces and punctuation, and a trailing currency word:
    ``Bill of Entry No.``, ``BILL OF ENTRY NO`` and ``bill_of_entry_no`` are the same header,
    as are ``IGST (Rs.)``, ``IGST (INR)`` and ``Integrated Tax (₹)``.
    Two-row headers (a group cell such as ``Bill of Entry Details`` spanning ``Number``,
    ``Date``, ``Taxable Value``) are read as ``Bill of Entry Details - Number`` and so on: the
    group text is carried right over the merged cells. A user mapping ``{field: header}``
    overrides the built-in names for the fields it names.

Rows
    Data rows follow the header. Blank rows, rows that look like totals (first text
    ``Total``, ``Grand Total``, ``Sub Total``...) and repeats of the header row (a report
    printed page by page) are skipped silently. Row numbers are what the user sees: the
    spreadsheet row, or the CSV line where the record starts. In a workbook a problem's file
    is ``name.xlsx, sheet NAME``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..models import Severity
from ..problems import Problem
from . import csvtext, xlsx
from .cells import Codes, cell_text, is_blank

__all__ = ["Field", "Table", "Grid", "norm", "find_table", "read_grids", "read_table",
           "is_total_row", "where"]

_SEARCH_ROWS = 30
_CURRENCY_WORDS = {"inr", "rs", "rupees", "in", "r"}
_WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".xltx", ".xltm"}
_TOTAL_RE = re.compile(r"\s*(grand\s*|sub\s*)?totals?\b", re.I)


def norm(text: object) -> str:
    """A header's matching form: lower case letters and digits only, currency words dropped.

    >>> norm('Bill of Entry No.'), norm('IGST (in Rs.)'), norm('Integrated Tax(₹)')
    ('billofentryno', 'igst', 'integratedtax')
    """
    words = re.findall(r"[0-9a-z]+", cell_text(text).casefold())
    while len(words) > 1 and words[-1] in _CURRENCY_WORDS:
        words.pop()
    return "".join(words)


@dataclass(frozen=True, slots=True)
class Field:
    """A field the loader wants, the header names it is known by, and whether it must be
    there."""

    name: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False


@dataclass(slots=True)
class Grid:
    """The rows of one CSV file or one sheet: ``(row number, cells)``."""

    file: str
    sheet: str | None
    rows: list[tuple[int, list[Any]]]

    @property
    def where(self) -> str:
        return where(self.file, self.sheet)


def where(file: str, sheet: str | None) -> str:
    return f"{file}, sheet {sheet}" if sheet else file


@dataclass(slots=True)
class Table:
    """A grid read under its header: ``columns`` maps a field to its 0-based column,
    ``headers`` to the header text shown in messages."""

    file: str
    sheet: str | None
    header_row: int
    columns: dict[str, int]
    headers: dict[str, str]
    found: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return where(self.file, self.sheet)

    def get(self, cells: list[Any], name: str) -> Any:
        """The row's raw value for a field (None when the field has no column)."""
        col = self.columns.get(name)
        if col is None or col >= len(cells):
            return None
        return cells[col]

    def header(self, name: str) -> str:
        return self.headers.get(name, name)


def is_total_row(cells: list[Any], key_col: int | None = None) -> bool:
    """Whether the row is a totals line of a report: its first text starts with ``Total``,
    ``Grand Total`` or ``Sub Total`` and its key column (the BoE number) is blank or is that
    text. So a supplier named "Total Oil" on a line with a BoE number is data.

    >>> is_total_row(['', 'Grand Total', None, 1234.5], 2)
    True
    >>> is_total_row(['Total Oil', '2566282'], 1)
    False
    """
    for i, value in enumerate(cells):
        if is_blank(value):
            continue
        if not (isinstance(value, str) and _TOTAL_RE.match(value)):
            return False
        key = cells[key_col] if key_col is not None and key_col < len(cells) else None
        return key_col is None or key_col == i or is_blank(key)
    return False


def _texts(row: list[Any], width: int) -> list[str]:
    return [cell_text(row[c]) if c < len(row) else "" for c in range(width)]


@dataclass(slots=True)
class _Candidate:
    index: int
    columns: dict[str, int]
    headers: dict[str, str]
    repeated: list[tuple[str, str]]
    found: list[str]
    score: tuple[int, int]


def _match_row(rows: list[list[Any]], i: int, fields: list[Field],
               mapping: Mapping[str, str]) -> _Candidate:
    sub_row = rows[i]
    top_row = rows[i - 1] if i > 0 else []
    width = max(len(sub_row), len(top_row))
    subs = _texts(sub_row, width)
    tops = _texts(top_row, width)
    # A group cell spans the columns to its right (merged cells keep the text in the first).
    carried, current = [], ""
    for c in range(width):
        if tops[c]:
            current = tops[c]
        elif not subs[c]:
            current = ""
        carried.append(current)
    mapped = {norm(header): name for name, header in mapping.items() if norm(header)}
    # matching form -> (field, rank): a field's earlier names win when two columns match it
    aliases: dict[str, tuple[str, int]] = {}
    for f in fields:
        if f.name in mapping:
            continue
        for rank, alias in enumerate(f.aliases):
            aliases.setdefault(norm(alias), (f.name, rank))
    hits: dict[str, list[tuple[int, int, str]]] = {}  # field -> [(rank, column, shown)]
    found: list[str] = []
    for c in range(width):
        options: list[tuple[str, str]] = []  # (matching form, header text shown)
        if subs[c] and carried[c] and carried[c] != subs[c]:
            options.append((norm(carried[c] + " " + subs[c]), f"{carried[c]} - {subs[c]}"))
        if subs[c]:
            options.append((norm(subs[c]), subs[c]))
        elif tops[c]:
            options.append((norm(tops[c]), tops[c]))
        if not options:
            continue
        hit = None
        for key, shown in options:
            if key in mapped:
                hit = (mapped[key], -1, shown)
                break
        if hit is None:
            for key, shown in options:
                if key in aliases:
                    hit = (*aliases[key], shown)
                    break
        if hit is None:
            found.append(subs[c] or tops[c])
            continue
        name, rank, shown = hit
        found.append(shown)
        hits.setdefault(name, []).append((rank, c, shown))
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    repeated: list[tuple[str, str]] = []
    for name, options_ in hits.items():
        options_.sort()
        columns[name], headers[name] = options_[0][1], options_[0][2]
        repeated += [(name, shown) for _, _, shown in options_[1:]]
    required = sum(1 for f in fields if f.required and f.name in columns)
    return _Candidate(i, columns, headers, repeated, found, (required, len(columns)))


def find_table(grid: Grid, fields: list[Field], mapping: Mapping[str, str] | None = None,
               *, what: str = "data", search_rows: int = _SEARCH_ROWS, key: str = "boe_number",
               mappable: bool = False) -> tuple[Table | None, list[Problem]]:
    """The table under the best header row of the grid, or None with the problems.

    A header needs at least two known columns (or one mapped one); a missing required column
    gives ``COLUMN_MISSING`` (one problem per column, listing the headers found) and no table.
    Problems that leave nothing read have no ``row`` (the header row is named in the message):
    callers treat a row-less error as "this file could not be read". ``mappable``: the file
    may come with a column mapping (``--mapping``), so the advice may offer one.
    """
    mapping = dict(mapping or {})
    or_map = ", or give a column mapping" if mappable else ""
    best = _best_header(grid, fields, mapping, search_rows)
    if best is None or best.score[1] < 2 and not (best.score[1] == 1 and mapping):
        names = ", ".join(f"'{f.aliases[0]}'" for f in fields if f.required)
        return None, [Problem(
            grid.where, f"No header row found: none of the first {search_rows} rows names the "
            f"columns of {what} ({names}).",
            f"Check that this is the right file{or_map}.",
            code=Codes.HEADER_NOT_FOUND)]
    header_row = grid.rows[best.index][0]
    problems = _header_problems(grid, fields, mapping, best, header_row, mappable)
    if any(p.code == Codes.COLUMN_MISSING for p in problems):
        return None, problems
    table = Table(grid.file, grid.sheet, header_row, best.columns, best.headers, best.found)
    table.rows.extend(_body_rows(grid, best, key))
    return table, problems


def _best_header(grid: Grid, fields: list[Field], mapping: Mapping[str, str],
                 search_rows: int) -> _Candidate | None:
    """The row among the first ``search_rows`` that names the most required columns (then
    the most columns): the header row."""
    plain = [cells for _, cells in grid.rows]
    best: _Candidate | None = None
    for i in range(min(search_rows, len(plain))):
        if all(is_blank(v) for v in plain[i]):
            continue
        cand = _match_row(plain, i, fields, mapping)
        if best is None or cand.score > best.score:
            best = cand
    return best


def _header_problems(grid: Grid, fields: list[Field], mapping: Mapping[str, str],
                     best: _Candidate, header_row: int, mappable: bool) -> list[Problem]:
    """What is wrong with the header row: a field two columns claim (a warning), a mapped
    header that is not there, a required column that is missing (no table then)."""
    or_map = ", or give a column mapping" if mappable else ""
    problems: list[Problem] = []
    for name, shown in best.repeated:
        problems.append(Problem(
            grid.where, f"Two columns look like the {_label(fields, name)}: "
            f"'{best.headers[name]}' is used, '{shown}' is ignored.",
            f"Rename or delete the column that is not meant{or_map}.",
            row=header_row, column=shown, severity=Severity.WARNING, code=Codes.COLUMN_REPEATED))
    for name, header in mapping.items():
        if name in best.columns or name not in {f.name for f in fields}:
            continue
        problems.append(Problem(
            grid.where, f"The column mapping names '{header}' for the "
            f"{_label(fields, name)}, but no header in row {header_row} is '{header}'. "
            f"Headers found: {', '.join(best.found)}.",
            "Correct the header in the mapping file to one of those.",
            column=header, code=Codes.COLUMN_MISSING))
    missing = [f for f in fields if f.required and f.name not in best.columns
               and f.name not in mapping]
    for f in missing:
        looked = ", ".join(f"'{a}'" for a in f.aliases[:4])
        problems.append(Problem(
            grid.where, f"No column for the {f.label} (looked for {looked}). Headers found in "
            f"row {header_row}: {', '.join(best.found)}.",
            f"Rename that column to '{f.aliases[0]}'" + (
                f", or map it: {{\"{f.name}\": \"<your header>\"}} in the column mapping file."
                if mappable else "."),
            code=Codes.COLUMN_MISSING))
    return problems


def _body_rows(grid: Grid, best: _Candidate, key: str) -> list[tuple[int, list[Any]]]:
    """The rows under the header: blank rows, total rows and the header printed again (a
    report printed page by page) left out."""
    header_keys = {name: {norm(text), norm(text.split(" - ")[-1])}
                   for name, text in best.headers.items()}
    key_col = best.columns.get(key, min(best.columns.values()))
    key_name = next(name for name, col in best.columns.items() if col == key_col)
    body = []
    for number, cells in grid.rows[best.index + 1:]:
        if all(is_blank(v) for v in cells) or is_total_row(cells, best.columns.get(key)):
            continue
        probe = cells[key_col] if key_col < len(cells) else None
        if isinstance(probe, str) and norm(probe) in header_keys[key_name]:
            same = sum(1 for name, col in best.columns.items()
                       if col < len(cells) and norm(cells[col]) in header_keys[name])
            if same >= 2:
                continue  # the header again
        body.append((number, cells))
    return body


def _label(fields: list[Field], name: str) -> str:
    return next((f.label for f in fields if f.name == name), name)


def read_grids(path: Path, display: str | None = None, *,
               limits: xlsx.Limits = xlsx.DEFAULT_LIMITS, engine: str = "auto",
               sheets: Iterable[str] | None = None) -> tuple[list[Grid], list[Problem]]:
    """The grids of a CSV file (one) or a workbook (one per sheet, or the named sheets);
    never raises."""
    path = Path(path)
    display = display or path.name
    head = b""
    try:
        if path.is_file():
            with open(path, "rb") as fh:
                head = fh.read(4096)
    except OSError:
        pass  # the readers below report it
    kind = xlsx.sniff_kind(head) if head else "other"
    if kind in ("zip", "ole", "html", "xml2003") or path.suffix.lower() in _WORKBOOK_SUFFIXES:
        workbook, problems = xlsx.open_workbook(path, display, limits=limits, engine=engine)
        if workbook is None:
            return [], problems
        grids: list[Grid] = []
        with workbook:
            names = workbook.sheet_names if sheets is None else [
                n for n in workbook.sheet_names if n in set(sheets)]
            for name, rows, problem in xlsx.read_sheets(workbook, names):
                if problem:
                    problems.append(problem)
                    continue
                grids.append(Grid(display, name, [(i + 1, r) for i, r in enumerate(rows)]))
        return grids, problems
    rows, problems = csvtext.read_csv(path, display, max_bytes=limits.max_file)
    if not rows and not problems:
        problems.append(Problem(display, "The file is empty.", "Export the data again.",
                                code=Codes.FILE_EMPTY))
    if not rows:
        return [], problems
    return [Grid(display, None, rows)], problems


def read_table(path: Path, fields: list[Field], *, mapping: Mapping[str, str] | None = None,
               what: str = "data", display: str | None = None,
               limits: xlsx.Limits = xlsx.DEFAULT_LIMITS, engine: str = "auto",
               mappable: bool = False) -> tuple[Table | None, list[Problem]]:
    """The first sheet (or the CSV) with a header of the given fields; never raises.

    With several sheets, the first sheet whose header has every required column is used;
    when none has, the problems of the sheet that came closest are reported.
    """
    grids, problems = read_grids(Path(path), display, limits=limits, engine=engine)
    if not grids:
        if not problems:
            problems.append(Problem(display or Path(path).name, "The workbook has no sheets.",
                                    "Check that this is the right file.",
                                    code=Codes.FILE_EMPTY))
        return None, problems
    attempts: list[tuple[tuple[int, int], list[Problem]]] = []
    for grid in grids:
        table, found = find_table(grid, fields, mapping, what=what, mappable=mappable)
        if table is not None:
            return table, problems + found
        closeness = (sum(1 for p in found if p.code == Codes.HEADER_NOT_FOUND) * -1,
                     -sum(1 for p in found if p.code == Codes.COLUMN_MISSING))
        attempts.append((closeness, found))
    if all(not grid.rows for grid in grids):
        problems.append(Problem(grids[0].file, "The file has no rows.",
                                "Export the data again.", code=Codes.FILE_EMPTY))
        return None, problems
    best = max(attempts, key=lambda a: a[0])[1]
    return None, problems + best

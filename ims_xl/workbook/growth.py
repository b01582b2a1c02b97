"""When a table grows: the cells below it move down, as in Excel, or ims-xl refuses first.

Excel's Insert Table Rows shifts the cells below a table, in the table's columns only, down by
the rows inserted; ims-xl's writers do the same when a table gets more rows, so a note the
accountant typed under a table is never overwritten. What moves: every cell in the table's
columns below its last row (value and style), and the merged ranges wholly inside those
columns; nothing else changes (cells beside the table, row heights, the cells above).

Moving is refused, before anything is written, when the result would not be what the
accountant had (each writer gathers the facts of its file; this module decides):

- a merged range that reaches from the table's columns into others, or another table below
  in the table's columns (Excel refuses those too);
- a formula among the cells that move (its references would have to be rewritten);
- a formula, a defined name, a chart's series, a comment, a hyperlink or the sheet's filter
  that refers to a cell that moves or a cell a moved one lands on (it would point at other
  content);
- a data validation or conditional format that covers some of those cells and not the others
  (one that covers them all, such as the BoE sheet's rules down to row 1,048,576, is the same
  before and after);
- cells pushed past the sheet's last row.

The refusal names the cells (``BoE!A45:C46``) and what is in the way, and says what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..problems import InputError
from .cellref import column_number

__all__ = ["Bounds", "Move", "Reference", "plan_growth", "check_move", "refuse",
           "formula_references", "sqref_bounds", "cell_range", "sheet_ref", "SHEET_LAST_ROW"]

Bounds = tuple[int, int, int, int]   # first column, first row, last column, last row
SHEET_LAST_ROW = 1048576
SHEET_LAST_COL = 16384
SHOWN = 3   # obstacles named in one message


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_range(bounds: Bounds) -> str:
    """``A45:C46`` (``A45`` for one cell)."""
    c1, r1, c2, r2 = bounds
    first = f"{_letters(c1)}{r1}"
    return first if (c1, r1) == (c2, r2) else f"{first}:{_letters(c2)}{r2}"


def sheet_ref(sheet: str, bounds: Bounds) -> str:
    """``BoE!A45:C46``, or ``'Action Log'!A5`` for a sheet name that needs quotes."""
    name = sheet if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet) else \
        "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{cell_range(bounds)}"


def _meets(a: Bounds, b: Bounds) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


@dataclass(frozen=True)
class Reference:
    """Something in the workbook that points at cells: what it is (for the message), the
    sheet (None: it may be any sheet), the cells, and whether covering every cell of the
    move is harmless (a validation or a format rule: the same rule before and after)."""
    what: str
    sheet: str | None
    bounds: Bounds
    whole_ok: bool = False


@dataclass(frozen=True)
class Move:
    """The cells below a growing table that move down ``by`` rows."""
    label: str
    sheet: str
    table: str
    min_col: int
    max_col: int
    first_row: int      # the first row below the table as it was
    last_row: int       # the last row holding anything in the table's columns
    by: int
    merged: tuple[Bounds, ...] = ()   # merged ranges that move with the cells
    content: Bounds | None = None     # the smallest range holding them (for messages)

    @property
    def bounds(self) -> Bounds:
        return (self.min_col, self.first_row, self.max_col, self.last_row)

    @property
    def window(self) -> Bounds:
        """The cells that move and the cells they land on."""
        return (self.min_col, self.first_row, self.max_col, self.last_row + self.by)

    @property
    def cells(self) -> str:
        return sheet_ref(self.sheet, self.content or self.bounds)

    def holds(self, row: int, col: int) -> bool:
        return self.first_row <= row <= self.last_row and self.min_col <= col <= self.max_col

    def disturbed_by(self, ref: Reference) -> bool:
        if ref.sheet is not None and ref.sheet != self.sheet:
            return False
        window = self.window
        if not _meets(ref.bounds, window):
            return False
        if ref.whole_ok:
            c1, r1, c2, r2 = ref.bounds
            return not (r1 <= window[1] and r2 >= window[3])
        return True

    def blockers(self, refs: Iterable[Reference]) -> list[str]:
        out = []
        for ref in refs:
            if self.disturbed_by(ref):
                out.append(ref.what)
                if len(out) > SHOWN:
                    break
        return out


def refuse(label: str, sheet: str, table: str, bounds: Bounds, by: int, why: list[str],
           cols: tuple[int, int], shrinking: bool = False) -> InputError:
    shown = "; ".join(why[:SHOWN]) + ("; and more" if len(why) > SHOWN else "")
    first, last = _letters(cols[0]), _letters(cols[1])
    where = sheet_ref(sheet, bounds)
    if shrinking:
        what = (f"gets {by} fewer row(s) and keeps its Total Row as its last row, so the cells "
                f"below it, {where}, must move up and back down {by} row(s) in Excel")
    else:
        what = (f"gets {by} more row(s), so the cells below it, {where}, must move down {by} "
                f"row(s) as in Excel")
    return InputError(
        f"{label}: the table {table!r} (sheet {sheet!r}) {what}, but "
        f"ims-xl cannot move them: {shown}. Nothing was changed. Move what is below the table "
        f"to another sheet (or to the right of column {last}, outside the table's columns "
        f"{first}:{last}) and run the command again.")


def plan_growth(label: str, sheet: str, table: str, cols: tuple[int, int], old_last: int,
                by: int, cells: Iterable[tuple[int, int]], merged: Iterable[Bounds],
                tables: Iterable[tuple[str, Bounds]], *, shrinking: bool = False
                ) -> Move | None:
    """What moves when ``table`` (columns ``cols``, last row ``old_last``) grows ``by`` rows;
    None when nothing lies below it. ``cells``: (row, column) of the cells below the table
    in its columns; ``merged``: the sheet's merged ranges; ``tables``: its other tables.
    Raises :class:`InputError` when the move is impossible (see the module docstring).
    ``shrinking``: the cells move up ``by`` rows and back (Excel, a table with a Total Row
    that gets fewer rows): the same obstacles, said so."""
    if by <= 0:
        return None
    min_col, max_col = cols
    below: Bounds = (min_col, old_last + 1, max_col, SHEET_LAST_ROW)
    cells = [(r, c) for r, c in cells if r > old_last and min_col <= c <= max_col]
    last = max((r for r, _c in cells), default=0)
    why: list[str] = []
    moving_merges, met = [], []
    for m in merged:
        if not _meets(m, below):
            continue
        met.append(m)
        if m[0] >= min_col and m[2] <= max_col and m[1] > old_last:
            moving_merges.append(m)
            last = max(last, m[3])
        else:
            why.append(f"{sheet_ref(sheet, m)} are merged cells that reach outside the "
                       f"table's columns (unmerge them)")
    for name, b in tables:
        if name != table and _meets(b, below):
            why.append(f"the table {name!r} at {sheet_ref(sheet, b)} is in the way")
            last = max(last, min(b[3], SHEET_LAST_ROW))
    if not last and not why:
        return None
    last = last or old_last + 1
    if last + by > SHEET_LAST_ROW and not shrinking:
        why.append(f"they would be pushed past the sheet's last row ({SHEET_LAST_ROW:,})")
    content = _content(cells, met, (min_col, old_last + 1, max_col, last))
    if why:
        raise refuse(label, sheet, table, content, by, why, cols, shrinking)
    return Move(label, sheet, table, min_col, max_col, old_last + 1, last, by,
                tuple(moving_merges), content)


def _content(cells: Iterable[tuple[int, int]], merges: list[Bounds], limit: Bounds) -> Bounds:
    """The smallest range holding the cells below the table (for the message), within
    ``limit`` (the table's columns, below it)."""
    c1, r1, c2, r2 = limit
    points = [(c, r) for r, c in cells if r1 <= r <= r2 and c1 <= c <= c2]
    for m in merges:  # the part of each merged range in the table's columns
        points += [(max(m[0], c1), max(m[1], r1)), (min(m[2], c2), m[3])]
    if not points:
        return limit
    cols = [c for c, _r in points]
    rows = [r for _c, r in points]
    return min(cols), min(rows), max(cols), max(rows)


def check_move(move: Move, formula_cells: Iterable[tuple[int, int]],
               refs: Iterable[Reference]) -> None:
    """Refuse the move when a formula is among its cells or something points into it."""
    why = [f"{sheet_ref(move.sheet, (c, r, c, r))} holds a formula (ims-xl does not move "
           f"formulas)" for r, c in formula_cells if move.holds(r, c)][:SHOWN + 1]
    why += move.blockers(refs)
    if why:
        raise refuse(move.label, move.sheet, move.table, move.content or move.bounds, move.by,
                     why, (move.min_col, move.max_col))


# --- references in formulas and ranges --------------------------------------------------------

_REF = re.compile(
    r"(?:(?P<sheet>'(?:[^']|'')+'|[^'!\[\]()]+)!)?"
    r"(?P<ref>\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?"
    r"|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?\d+:\$?\d+)")
_CELL = re.compile(r"\$?([A-Za-z]{1,3})?\$?(\d+)?")


def _bounds(ref: str) -> Bounds | None:
    """``A1``, ``A1:B2``, ``A:C``, ``3:5`` (with or without ``$``) as bounds."""
    parts = ref.split(":")
    points = []
    for part in parts:
        m = _CELL.fullmatch(part)
        if m is None or not (m.group(1) or m.group(2)):
            return None
        col = column_number(m.group(1)) if m.group(1) else None
        row = int(m.group(2)) if m.group(2) else None
        points.append((col, row))
    (c1, r1), (c2, r2) = points[0], points[-1]
    c1, c2 = (c1, c2) if c1 is not None else (1, SHEET_LAST_COL)
    r1, r2 = (r1, r2) if r1 is not None else (1, SHEET_LAST_ROW)
    if c2 is None or r2 is None:
        return None
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


def _unquote(sheet: str) -> str:
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet


def formula_references(text: str, own_sheet: str | None, spread: tuple[int, int] = (0, 0)
                       ) -> list[tuple[str | None, Bounds]]:
    """The A1 references of a formula (or a defined name's text): (sheet, bounds); sheet None
    when it may be any sheet (a 3-D reference, or an unqualified one with no sheet of its
    own). ``spread``: a shared formula's extent (rows, columns) beyond its first cell: each
    reference is widened by it, as the formula is filled over its range. Structured
    references (``BoE[IGST]``), names and references to other workbooks are not cells here."""
    from openpyxl.formula.tokenizer import Tokenizer

    body = text if text.startswith("=") else "=" + text
    try:
        tokens = Tokenizer(body).items
    except Exception:  # noqa: BLE001 - a formula we cannot read: it may refer anywhere
        return [(None, (1, 1, SHEET_LAST_COL, SHEET_LAST_ROW))]
    out = []
    for token in tokens:
        if token.type != "OPERAND" or token.subtype != "RANGE":
            continue
        m = _REF.fullmatch(token.value)
        if m is None:
            continue
        bounds = _bounds(m.group("ref"))
        if bounds is None:
            continue
        sheet = m.group("sheet")
        if sheet is not None:
            sheet = _unquote(sheet)
            if ":" in sheet:  # Sheet1:Sheet3!A1
                sheet = None
        else:
            sheet = own_sheet
        c1, r1, c2, r2 = bounds
        bounds = (c1, r1, min(c2 + spread[1], SHEET_LAST_COL), min(r2 + spread[0],
                                                                   SHEET_LAST_ROW))
        out.append((sheet, bounds))
    return out


def sqref_bounds(sqref: str) -> list[Bounds]:
    """The ranges of a space-separated ``sqref`` (``A2:A10 C3``)."""
    out = []
    for part in sqref.split():
        b = _bounds(part.replace("$", ""))
        if b is not None:
            out.append(b)
    return out

"""Cell styles of the ims-xl workbook, shared by the template and the openpyxl writer."""

from __future__ import annotations

from openpyxl.formatting.rule import Rule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import NumberFormat

from .layout import DATE, INT, LAKH_CRORE_BANDS, MONEY, TEXT, Column
# Long text columns wrap: the rule lives with the row heights it needs (print_setup).
from .print_setup import wraps

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
COMPUTED_HEADER_FILL = PatternFill("solid", fgColor="595959")
COMPUTED_FILL = PatternFill("solid", fgColor="EDEDED")   # greyed: written by Recompute
COMPUTED_FONT = Font(color="404040", italic=True)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")      # the accountant types here
TITLE_FONT = Font(bold=True, size=14, color="1F4E78")
LABEL_FONT = Font(bold=True)
NOTE_FONT = Font(italic=True, color="595959")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP_LEFT = Alignment(horizontal="left", vertical="top")
TOP = Alignment(vertical="top")   # a row grown by a wrapped cell reads from its top

ERROR_FILL = PatternFill("solid", fgColor="F8CBAD", bgColor="F8CBAD")
PENDING_FILL = PatternFill("solid", fgColor="FFE699", bgColor="FFE699")
CUTOFF_FILL = PatternFill("solid", fgColor="FFFF00", bgColor="FFFF00")

FORMATS = {"money": MONEY, "date": DATE, "text": TEXT, "int": INT, "bool": "General"}


def number_format(column: Column) -> str:
    return FORMATS[column.kind]


# The band formats' own ids in styles.xml: far above the 164, 165... openpyxl numbers the
# cells' formats with, so a band never shares an id with a cell format.
BAND_FORMAT_ID = 400


def add_lakh_crore_formats(ws, sqref: str) -> None:
    """Lakhs and crores on any system: over the money cells in ``sqref`` (space-separated
    ranges), one conditional format per band of LAKH_CRORE_BANDS, largest first, for amounts
    of either sign (``notBetween -limit and limit``); the first band that holds stops."""
    for i, (limit, code) in enumerate(LAKH_CRORE_BANDS):
        band = DifferentialStyle(numFmt=NumberFormat(numFmtId=BAND_FORMAT_ID + i,
                                                     formatCode=code))
        ws.conditional_formatting.add(sqref, Rule(
            type="cellIs", operator="notBetween", formula=["-" + limit, limit], dxf=band,
            stopIfTrue=True))


def apply_body_style(cell, column: Column, *, accountant: bool = False) -> None:
    """Style one body cell of a table column (the writer copies this style to every row)."""
    cell.number_format = number_format(column)
    if column.computed:
        cell.fill = COMPUTED_FILL
        cell.font = COMPUTED_FONT
        cell.protection = LOCKED
    else:
        cell.protection = UNLOCKED
        if accountant:
            cell.fill = INPUT_FILL
    cell.alignment = WRAP if wraps(column) else TOP


def apply_header_style(cell, column: Column) -> None:
    cell.font = HEADER_FONT
    cell.fill = COMPUTED_HEADER_FILL if column.computed else HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    cell.protection = LOCKED

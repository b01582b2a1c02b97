"""Reading one value (a cell, a CSV field, a JSON value) into the domain's types.

Every reader here returns the value and, when the value is unusable, a plain sentence for a
:class:`~ims_xl.problems.Problem`; none of them raises on bad data.

* Text: surrounding spaces go; a number cell becomes its digits (``2566282.0`` -> ``2566282``);
  text that looks like a formula (``=HYPERLINK(...)``) is kept exactly as typed: nothing is
  ever evaluated.
* BoE numbers: :func:`ims_xl.identifiers.boe_number.compact` (``2566282.0``, ``' 2566282'``,
  ``2.566282E6`` are recovered exactly). ``2.57E+06`` cannot be recovered: the raw text is
  kept, so the rules report ``BOE_NUMBER_INVALID``, and the loader adds a ``BOE_NUMBER_MANGLED``
  problem that says where it is.
* Amounts: :func:`ims_xl.money.to_decimal` (Indian grouping, ``Rs``/``₹``, ``(1,234)``),
  after undoing what Windows-1252 does to a rupee sign (``?1,234`` or ``â‚¹1,234``).
  A blank amount is 0 with no problem (the portal leaves nil cess empty).
* Dates: :func:`ims_xl.dates.parse_date` (day first; Excel serials; ``DD-Mon-YYYY``; ISO).

>>> read_boe_number(2566282.0), read_boe_number('2.57E+06')[0]
(('2566282', None), '2.57E+06')
>>> read_amount('?1,23,456.78'), read_amount(None)
((Decimal('123456.78'), None), (Decimal('0'), None))
>>> cell_text(' =1+2 '), cell_text(12.0), cell_text(None)
('=1+2', '12', '')
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from .. import money
from ..dates import format_date, parse_date
from ..identifiers import boe_number as _boe
from ..identifiers import port_code as _port
from ..models import Severity
from ..problems import Problem

__all__ = [
    "Codes", "cell_text", "is_blank", "raw_text", "read_boe_number", "read_port_code",
    "read_date", "read_amount", "read_yes_no", "IdMaker", "record_id", "tidy",
    "EXCEL_TEXT_LIMIT", "fit_cell_texts",
]


class Codes:
    """Stable codes of the problems the loaders report (``Problem.code``)."""

    FILE_NOT_FOUND = "FILE_NOT_FOUND"        # no such file (or a folder)
    FILE_UNREADABLE = "FILE_UNREADABLE"      # permission, I/O error
    FILE_EMPTY = "FILE_EMPTY"                # zero bytes, or nothing but blank lines
    FILE_TOO_BIG = "FILE_TOO_BIG"            # over the size limit (200 MB by default)
    FILE_REPEATED = "FILE_REPEATED"          # the same file given twice: read once
    NOT_TEXT = "NOT_TEXT"                    # a binary file where text (CSV) was expected
    ENCODING_GUESSED = "ENCODING_GUESSED"    # not UTF-8: read as Windows-1252
    CSV_BROKEN = "CSV_BROKEN"                # the CSV cannot be split into fields from here on
    NOT_A_WORKBOOK = "NOT_A_WORKBOOK"        # not an .xlsx (old .xls, web page, other zip...)
    WORKBOOK_DAMAGED = "WORKBOOK_DAMAGED"    # a broken zip or XML
    PART_REPEATED = "PART_REPEATED"          # a zip holding two parts of one name
    ZIP_BOMB = "ZIP_BOMB"                    # unpacks to too much, or too suspiciously
    XML_ENTITIES = "XML_ENTITIES"            # XML declaring entities (billion laughs, XXE)
    SHEET_TOO_BIG = "SHEET_TOO_BIG"          # a sheet spanning too many cells
    SHEET_MISSING = "SHEET_MISSING"          # no sheet of the kind expected
    NOT_JSON = "NOT_JSON"                    # not JSON at all (or cut off)
    JSON_SHAPE = "JSON_SHAPE"                # JSON, but not shaped as expected there
    KEY_REPEATED = "KEY_REPEATED"            # a JSON object giving one key twice
    HEADER_NOT_FOUND = "HEADER_NOT_FOUND"    # no row looks like the expected headers
    COLUMN_MISSING = "COLUMN_MISSING"        # a required column is not there
    COLUMN_REPEATED = "COLUMN_REPEATED"      # two columns for one field: the first is used
    MAPPING_INVALID = "MAPPING_INVALID"      # the user's column mapping file is wrong
    ROW_SKIPPED = "ROW_SKIPPED"              # a row that cannot be keyed at all
    ROW_REPEATED = "ROW_REPEATED"            # a books line that repeats another exactly
    BOE_NUMBER_MANGLED = "BOE_NUMBER_MANGLED"  # Excel's scientific notation lost digits
    BOE_NUMBER_INVALID = "BOE_NUMBER_INVALID"  # books/actions only (records: the rules report)
    PORT_CODE_INVALID = "PORT_CODE_INVALID"    # books/actions only (records: the rules report)
    DATE_INVALID = "DATE_INVALID"
    AMOUNT_INVALID = "AMOUNT_INVALID"
    VALUE_INVALID = "VALUE_INVALID"          # a flag, section or period that is not understood
    GSTIN_INVALID = "GSTIN_INVALID"          # a file's GSTIN fails its check (a warning)
    GSTIN_MIXED = "GSTIN_MIXED"              # files of different GSTINs read together
    PERIOD_MISSING = "PERIOD_MISSING"        # no return period: the rules use the reference date
    PARTS_MISSING = "PARTS_MISSING"          # a multi-part download with parts missing
    ACTION_DATE_MISSING = "ACTION_DATE_MISSING"
    TEXT_TOO_LONG = "TEXT_TOO_LONG"          # over Excel's 32,767 characters: shortened


_SCIENTIFIC_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+")
# What Windows-1252 makes of a rupee sign: '?' when the file was saved as ANSI, 'â‚¹' when
# UTF-8 bytes were read as 1252. Either stands before the digits.
_LOST_RUPEE_RE = re.compile(r"^\s*(?:\?|â‚¹)\s*(?=[-+(0-9.])")


def is_blank(value: object) -> bool:
    """None, empty text or only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def raw_text(value: object) -> str:
    """The value as the user would recognise it, for a Problem's ``value``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return format_date(value)
    if isinstance(value, (list, dict)):
        try:
            return json.dumps(value, ensure_ascii=False, default=str)[:200]
        except (TypeError, ValueError, RecursionError):  # pragma: no cover - defensive
            return repr(value)[:200]
    return str(value)


def cell_text(value: object) -> str:
    """The value as text, stripped; a whole number cell without its ``.0``.

    Text that starts with ``=`` stays exactly as it is (it is data, never a formula).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (time, timedelta)):
        return str(value)
    return raw_text(value).strip()


EXCEL_TEXT_LIMIT = 32767   # the characters one Excel cell holds
_CUT_MARK = "…"


def fit_cell_texts(raw: Mapping[str, object], problems: list[Problem], *, file: str, row: object,
                   columns: Mapping[str, str]) -> Mapping[str, object]:
    """The row's raw values with every text longer than an Excel cell holds shortened to
    :data:`EXCEL_TEXT_LIMIT` characters, the last one ``…`` so the cut shows in the cell; each
    gets a ``TEXT_TOO_LONG`` warning naming the file, row, column and length.

    Shortened rather than refused: refusing the row would drop a BoE from the portal's data or
    an accountant's action for the sake of a name or a remark, and the workbook could not hold
    the whole text anyway. ``columns`` maps a field to the header (or JSON key) it came from.

    >>> found = []
    >>> fitted = fit_cell_texts({"remark": "x" * 40000, "boe_number": "1"}, found,
    ...                         file="a.csv", row=2, columns={"remark": "Remark"})
    >>> len(fitted["remark"]), fitted["remark"][-1], fitted["boe_number"], found[0].column
    (32767, '…', '1', 'Remark')
    """
    fitted = None
    for name, value in raw.items():
        if not (isinstance(value, str) and len(value) > EXCEL_TEXT_LIMIT):
            continue
        text = value.strip()
        if len(text) <= EXCEL_TEXT_LIMIT:
            continue  # the spaces around it go anyway (cell_text)
        fitted = dict(raw) if fitted is None else fitted
        fitted[name] = text[:EXCEL_TEXT_LIMIT - 1] + _CUT_MARK
        problems.append(Problem(
            file, f"The text is {len(text):,} characters long, more than the "
            f"{EXCEL_TEXT_LIMIT:,} an Excel cell holds: it was shortened to "
            f"{EXCEL_TEXT_LIMIT:,} characters (the last one '{_CUT_MARK}')",
            "Shorten it in the file and load it again if its end matters.", row=row,
            column=columns.get(name, name), value=text[:40] + _CUT_MARK,
            severity=Severity.WARNING, code=Codes.TEXT_TOO_LONG))
    return raw if fitted is None else fitted


def read_boe_number(value: object) -> tuple[str, str | None]:
    """``(number, problem)``: the compact BoE number; a problem only when Excel's scientific
    notation has lost digits (any other invalid number is kept for the rules to report)."""
    if is_blank(value):
        return "", None
    try:
        number = _boe.compact(value)
    except (ValueError, TypeError):  # stdnum's ValidationError is a ValueError
        number = cell_text(value)
    if _SCIENTIFIC_RE.fullmatch(number):
        return number, _boe.problem(number) or (
            f"BoE number '{number}' is in scientific notation. Type the number from the Bill "
            "of Entry as text.")
    return number, None


def read_port_code(value: object) -> str:
    """The compact, upper-cased port code (kept even when invalid: the rules report it)."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = str(int(value))
    try:
        return _port.compact(value)
    except (ValueError, TypeError):
        return "".join(cell_text(value).split()).upper()


def read_date(value: object) -> tuple[date | None, str | None]:
    """``(date, problem)``; a blank is ``(None, None)``."""
    if is_blank(value):
        return None, None
    try:
        return parse_date(value), None
    except (ValueError, TypeError, OverflowError) as exc:
        return None, str(exc)


def read_amount(value: object) -> tuple[Decimal, str | None]:
    """``(amount, problem)``: 0 with a problem for a value that is not an amount, 0 with
    none for a blank. A whole-number float is read as the integer it shows."""
    if is_blank(value):
        return Decimal(0), None
    if isinstance(value, str):
        value = _LOST_RUPEE_RE.sub("", value)
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    try:
        return money.to_decimal(value), None
    except Exception as exc:  # noqa: BLE001 - a loader never raises on a value
        return Decimal(0), str(exc) or f"{raw_text(value)!r} is not an amount"


_YES = {"y", "yes", "true", "1", "amended", "amendment"}
_NO = {"", "n", "no", "false", "0", "original"}


def read_yes_no(value: object) -> tuple[bool, str | None]:
    """``Y``/``Yes``/``true`` -> True; ``N``/``No``/blank -> False; else False and a problem."""
    if isinstance(value, bool):
        return value, None
    text = cell_text(value).lower()
    if text in _YES:
        return True, None
    if text in _NO:
        return False, None
    return False, f"{raw_text(value)!r} is not Y or N; read as N (not amended)."


def record_id(section: str, port: str, number: str, boe_date: date | None,
              ref_date: date | None) -> str:
    """The id base of a version: ``IMPG:INNSA1:2566282:03-10-2025:06-10-2025``.

    >>> record_id('IMPGA', 'INNSA1', '2566282', date(2025, 10, 3), None)
    'IMPGA:INNSA1:2566282:03-10-2025:'
    """
    return ":".join([section, port, number, format_date(boe_date) if boe_date else "",
                     format_date(ref_date) if ref_date else ""])


class IdMaker:
    """Deterministic ids, unique within one load: a repeat gets ``#2``, ``#3``...

    >>> ids = IdMaker()
    >>> ids.make('IMPG:A'), ids.make('IMPG:A'), ids.make('IMPG:A#2'), ids.make('IMPG:A')
    ('IMPG:A', 'IMPG:A#2', 'IMPG:A#2#2', 'IMPG:A#3')
    """

    def __init__(self) -> None:
        self._count: dict[str, int] = {}
        self._used: set[str] = set()

    def make(self, base: str) -> str:
        n = self._count.get(base, 0)
        while True:
            n += 1
            candidate = base if n == 1 else f"{base}#{n}"
            if candidate not in self._used:
                break
        self._count[base] = n
        self._used.add(candidate)
        return candidate


def internal_problem(display: str, exc: BaseException, what: str = "file") -> Problem:
    """The loaders' last line of defence: an unforeseen failure becomes a Problem naming the
    file, never a traceback (the fuzz tests assert it never happens)."""
    return Problem(display, f"The {what} could not be read ({type(exc).__name__}: {exc}).",
                   "Please report this with the file.", code="INTERNAL")


def tidy(problems: list[Problem]) -> list[Problem]:
    """The problems with messages that do not end in a full stop (``str(Problem)`` adds
    ``". "`` before the fix), in place; returns the list."""
    for i, p in enumerate(problems):
        message = p.message.rstrip()
        if message.endswith(".") and not message.endswith(".."):
            problems[i] = replace(p, message=message[:-1])
    return problems

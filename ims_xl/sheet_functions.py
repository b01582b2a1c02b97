"""Worksheet functions as plain Python: what Excel passes in, plain values and sentences out.

The Excel add-in's functions (``udfs.boe_functions``) are thin xlwings wrappers over these;
nothing here imports xlwings or openpyxl, so every answer can be tested without Excel.

What Excel passes (see ``addin-notes.md``): numbers as float (int, or Decimal for currency
cells), empty cells as None, dates as datetime, as serial numbers or as DD-MM-YYYY text, a
1x1 range as a scalar, one row or column as a flat list, a block as nested lists, and cell
errors as text such as ``'#N/A'`` (the wrappers ask xlwings for that with ``err_to_str``).

Conventions:

* A bad argument never raises: the answer is a short sentence starting ``#IMS: ``.
* Money is Decimal here; the wrappers turn it into float (rounded half up to paise) at the
  very edge, because Excel has no decimal type.
* Every status and figure comes from :func:`ims_xl.rules.evaluate`, on a scenario built from
  the arguments. Settings: the last argument ``settings``, the workbook's Settings sheet
  (its name ``IMS_SETTINGS``), read by :func:`read_settings` exactly as Recompute reads the
  sheet (``rows.settings_from_names``): GSTIN, filing, reject policy, IMS start, pending limit,
  cutoff days, and the Filed3B, Generated2B and AnnualReturns tables. Without it, the
  defaults of rules 2.0 (monthly filer, no GSTIN, reject policy ``block``, no pending limit,
  IMS from October 2025). The single-row functions treat the row's Action (and Action Date,
  where there is one) as the version's whole history: the Action Log is not read. A function
  without an action-date argument counts the action as taken on ``as_of``.
* A blank ``as_of`` is the settings' as-of date when the settings give one, else today.

>>> from datetime import date
>>> T = date(2025, 12, 10)
>>> boe_status("Accept", "06-11-2025", T)
'Accepted'
>>> boe_status(None, "06-11-2025", T)
'Open - deemed accepted on 14-12-2025'
>>> boe_itc(18000.0, None, "Keep Pending", "06-11-2025", T)
Decimal('0')
>>> boe_2b_period("06-10-2025", "Accept", "05-11-2025", T)
'102025'
>>> boe_status("Accept", "31-02-2025", T)
"#IMS: Reference date: '31-02-2025' is not a real date: February 2025 has 28 days."
>>> boe_cutoff(12026.0), boe_days_left("102025", T)
(datetime.date(2026, 2, 14), -26)
>>> boe_number_text(2566282.0), port_code_check("18272A")[:32]
('2566282', "Warning: Port code '18272A' does")
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import wraps
from typing import Any, TypeVar

from . import gst_calendar
from .actions import parse_action
from .dates import format_date, parse_date
from .gcpause import gc_paused
from .identifiers import boe_number as boe_number_id
from .identifiers import gstin as gstin_id
from .identifiers import port_code as port_code_id
from .messages import message
from .models import (
    ZERO,
    Action,
    ActionCode,
    BoeVersion,
    Evaluation,
    Section,
    Settings,
    Status,
    VersionResult,
)
from .money import to_decimal
from .periods import Period
from .problems import Problem
from .rules import evaluate
from .workbook import rows
from .workbook.layout import (ACCOUNTANT_COLUMNS, ANNUAL_RETURNS, BOE, FILED_3B, GENERATED_2B,
                              SETTINGS_NAMES, SETTINGS_RANGE_NAME)
from .workbook.ops import messages_text

__all__ = [
    "PREFIX", "OK", "WARNING", "TABLE_COLUMNS", "EXCEL_ERRORS", "GST_START", "BadArgument",
    "boe_status", "boe_itc", "boe_2b_period", "boe_check", "boe_cutoff", "boe_days_left",
    "gstin_check", "port_code_check", "boe_number_text", "boe_table", "gstr3b_4a1",
    "unexpected_error", "read_settings", "SheetSettings",
]

PREFIX = "#IMS: "
OK = "OK"
WARNING = "Warning: "
# The computed columns BOE_TABLE returns, in this order (the BoE table's own headers).
TABLE_COLUMNS = ("Status", "2B Period", "ITC IGST", "ITC Cess", "Messages")

# Excel's error values as xlwings passes them with err_to_str (and a few newer ones).
EXCEL_ERRORS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    "#PYTHON!", "#TIMEOUT!",
})
# The same errors as raw COM codes (what Windows hands over before xlwings cleans a value).
_COM_ERRORS = {-2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?",
               -2146826288: "#NULL!", -2146826252: "#NUM!", -2146826265: "#REF!",
               -2146826273: "#VALUE!"}

GST_START = date(2017, 7, 1)    # no BoE date, reference date or as-of date is earlier
_LAST_YEAR = 2100               # nor is one this late (a period such as 102025 read as a date)
_SETTINGS = Settings()          # the rules 2.0 defaults: reject policy block, IMS from 102025
_ROW = "row"                    # the id of the one version of a single-row scenario
_HEADS = {"igst": "igst", "cess": "cess", "": None, "both": None, "total": None, "all": None}
_PERIOD_DIGITS = re.compile(r"[0-9]{5,6}")
# Periods are read from numbers only for these years, so that a 5-digit Excel serial date
# (45933 is 03-10-2025) is never taken for a period (April 5933).
_PERIOD_YEARS = range(2000, 2100)

F = TypeVar("F", bound=Callable[..., Any])


class BadArgument(ValueError):
    """An argument the function cannot use; its text follows ``#IMS: `` in the cell."""


def _answers(fn: F) -> F:
    """A bad argument becomes the answer ``#IMS: <why>`` instead of an exception."""
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BadArgument as exc:
            return PREFIX + str(exc)
    return wrapper  # type: ignore[return-value]


def unexpected_error(exc: BaseException) -> str:
    """What a wrapper shows for an exception nobody foresaw: one short line, no traceback.

    >>> unexpected_error(KeyError("Status"))
    "#IMS: unexpected error: KeyError: 'Status'"
    """
    try:
        lines = str(exc).strip().splitlines()
    except Exception:  # noqa: BLE001 - an exception whose text itself fails
        lines = []
    text = lines[0] if lines else ""
    short = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    if len(short) > 100:
        short = short[:97] + "..."
    return f"{PREFIX}unexpected error: {short}"


def _today() -> date:
    return date.today()


# ---------------------------------------------------------------------------------------------
# Reading arguments


def _flatten(value: Any) -> Iterator[Any]:
    for item in value:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        else:
            yield item


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _error_text(value: Any) -> str | None:
    """The Excel error a value stands for (``'#N/A'``...), or an earlier ``#IMS:`` answer."""
    if isinstance(value, str):
        text = value.strip()
        if text.upper() in EXCEL_ERRORS or text.startswith(("#N/A", PREFIX)):
            return text
    elif type(value) is int and value in _COM_ERRORS:
        return _COM_ERRORS[value]
    return None


def _one(value: Any, label: str) -> Any:
    """One cell's value: a 1x1 range may come as ``[x]`` or ``[[x]]``; errors are refused."""
    if isinstance(value, (list, tuple)):
        cells = list(_flatten(value))
        if len(cells) > 1:
            raise BadArgument(f"{label} must be one cell, not a range of {len(cells)} cells")
        value = cells[0] if cells else None
    error = _error_text(value)
    if error is not None:
        if error.startswith(PREFIX):
            raise BadArgument(f"{label} comes from a cell with an error ({error[len(PREFIX):]})")
        raise BadArgument(f"{label} is the Excel error {error}")
    return value


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return rows.text(value)


def _date(value: Any, label: str) -> date:
    """A date argument of a BoE; one before GST began is a wrong cell (an amount or a small
    number read as an Excel serial date), not a date."""
    value = _one(value, label)
    if _blank(value):
        raise BadArgument(f"{label} missing")
    try:
        day = parse_date(value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise BadArgument(f"{label}: {exc}") from None
    if day < GST_START:
        raise BadArgument(f"{label} {format_date(day)} is before GST began "
                          f"({format_date(GST_START)}): check the cell")
    if day.year >= _LAST_YEAR:
        raise BadArgument(f"{label} {format_date(day)} is too far ahead to be a BoE's date: "
                          "check the cell")
    return day


def _as_of(value: Any, today: date | None, sheet: SheetSettings | None = None) -> date:
    """The as-of argument; blank: the settings' as-of date, else today."""
    if _blank(_one(value, "As-of date")):
        if sheet is not None and sheet.as_of is not None:
            return sheet.as_of
        return today or _today()
    return _date(value, "As-of date")


def _optional_date(value: Any, label: str, default: date) -> date:
    return default if _blank(_one(value, label)) else _date(value, label)


def _amount(value: Any, label: str) -> Decimal:
    value = _one(value, label)
    if _blank(value):
        return ZERO  # the portal leaves a nil amount empty
    if isinstance(value, bool):
        raise BadArgument(f"{label}: {_shown(value)} is not an amount")
    try:
        amount = to_decimal(value)
    except (ValueError, TypeError) as exc:
        raise BadArgument(f"{label}: {exc}") from None
    if amount < ZERO:
        raise BadArgument(f"{label} is negative ({amount}): an amount on a Bill of Entry "
                          "never is")
    return amount


def _action(value: Any) -> tuple[ActionCode, str]:
    value = _one(value, "Action")
    raw = _shown(value)
    code = parse_action(raw)
    if code is None:
        raise BadArgument(f"Action {raw!r} is not Accept, Keep Pending, Reject or blank "
                          "(no action)")
    return code, raw


def _remark(value: Any) -> str:
    return _shown(_one(value, "Remark"))


def _head(value: Any) -> str | None:
    value = _one(value, "Head")
    key = _shown(value).lower()
    if key not in _HEADS:
        raise BadArgument(f"Head {_shown(value)!r} is not IGST or Cess (or blank for both)")
    return _HEADS[key]


def _period_code(text: str) -> Period | None:
    try:
        period = Period.parse(text)
    except ValueError:
        return None
    return period if period.year in _PERIOD_YEARS else None


def _period(value: Any, label: str) -> Period:
    """A return period from ``MMYYYY`` (text or number; Excel may drop the leading zero of
    012026) or from any date in it."""
    value = _one(value, label)
    if _blank(value):
        raise BadArgument(f"{label} missing")
    if isinstance(value, datetime):
        return Period.containing(value.date())
    if isinstance(value, date):
        return Period.containing(value)
    digits = None
    if isinstance(value, str):
        text = value.strip().lstrip("'")
        digits = text if _PERIOD_DIGITS.fullmatch(text) else None
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        whole = (isinstance(value, int)
                 or isinstance(value, float) and value.is_integer()
                 or isinstance(value, Decimal) and value.is_finite()
                 and value == value.to_integral_value())
        if whole and 10_000 <= value < 1_000_000:
            digits = str(int(value))
    if digits is not None:
        period = _period_code(digits)
        if period is not None:
            return period
        if len(digits) == 6:  # no date for 6 digits: a serial that large is after 2170
            raise BadArgument(f"{label}: {digits!r} is not a period (MMYYYY, such as 102025)")
    try:
        return Period.containing(parse_date(value))
    except (ValueError, TypeError, OverflowError):
        raise BadArgument(f"{label}: {_shown(value)!r} is neither a period (MMYYYY, such as "
                          "102025) nor a date (DD-MM-YYYY)") from None


# ---------------------------------------------------------------------------------------------
# The workbook's settings (the ``settings`` argument)


@dataclass(frozen=True)
class SheetSettings:
    """What the ``settings`` argument gave: the rules' settings and the sheet's as-of date."""

    rules: Settings
    as_of: date | None = None


_DEFAULTS = SheetSettings(_SETTINGS)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


# The words a settings range may name a setting by: the Settings sheet's label, the defined
# name, or the JSON engine's key.
_ENGINE_KEYS = {"IMS_GSTIN": "gstin", "IMS_FILING": "filing", "IMS_AS_OF": "as_of",
                "IMS_REJECT_POLICY": "reject_policy", "IMS_START": "ims_start",
                "IMS_PENDING_LIMIT": "pending_limit", "IMS_CUTOFF_DAYS": "cutoff_warning_days",
                "IMS_TOLERANCE": "tolerance"}
_SETTING_WORDS = {_key(word): s.name for s in SETTINGS_NAMES
                  for word in (s.label, s.name, _ENGINE_KEYS[s.name])}
# The header pairs of the Settings sheet's tables, and the row keys settings_from_names reads.
_TABLE_HEADERS = {
    (_key(FILED_3B.headers[0]), _key(FILED_3B.headers[1])): FILED_3B,
    (_key(GENERATED_2B.headers[0]), _key(GENERATED_2B.headers[1])): GENERATED_2B,
    (_key(ANNUAL_RETURNS.headers[0]), _key(ANNUAL_RETURNS.headers[1])): ANNUAL_RETURNS,
}
_SETTINGS_HINT = (f"give the name {SETTINGS_RANGE_NAME} (the Settings sheet from its header "
                  "row), or leave it blank for the defaults")


def _grid(value: Any) -> list[list[Any]]:
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if not any(isinstance(row, (list, tuple)) for row in value):
        return [list(value)]
    return [list(row) if isinstance(row, (list, tuple)) else [row] for row in value]


def read_settings(value: Any) -> SheetSettings:
    """The ``settings`` argument: a range holding the Settings sheet (``IMS_SETTINGS``), or
    any range of rows "setting, value" (a label such as ``Reject policy``, a defined name
    such as ``IMS_REJECT_POLICY``, or the engine's key ``reject_policy``) with, anywhere in
    it, the Filed3B, Generated2B and AnnualReturns tables by their header rows. Blank: the
    defaults of rules 2.0. Values are read as Recompute reads the sheet; a bad one is a bad
    argument, never a silent default.

    >>> read_settings([["Reject policy", "warn"], ["IMS start (MMYYYY)", "092025"]]).rules.reject_policy
    <RejectPolicy.WARN: 'warn'>
    >>> read_settings([["Pending limit", "two_periods"]])
    Traceback (most recent call last):
    ...
    ims_xl.sheet_functions.BadArgument: Settings: Pending limit: 'two_periods' is not a choice. Choose one from the dropdown: none, one_period, section_16_4.
    """
    grid = _grid(value)
    if all(_blank(cell) for row in grid for cell in row):
        return _DEFAULTS
    names: dict[str, Any] = {}
    tables: dict[str, list[dict[str, Any]]] = {}
    for r, row in enumerate(grid):
        c = 0
        while c < len(row):
            cell = row[c]
            right = row[c + 1] if c + 1 < len(row) else None
            if not isinstance(cell, str) or not cell.strip():
                c += 1
                continue
            spec = _TABLE_HEADERS.get((_key(cell), _key(right))) if isinstance(right, str) \
                else None
            if spec is not None:
                tables[spec.name] = _table_below(grid, r, c, spec)
                c += 2
                continue
            name = _SETTING_WORDS.get(_key(cell))
            if name is not None:
                if name in names:
                    raise BadArgument(f"Settings: {cell.strip()!r} is there twice: "
                                      + _SETTINGS_HINT)
                names[name] = _setting_value(right, cell.strip())
                c += 2
                continue
            c += 1
    if not names and not tables:
        raise BadArgument("Settings: no setting found in the range: " + _SETTINGS_HINT)
    rules, as_of, _, problems = rows.settings_from_names(
        names, tables.get(FILED_3B.name, []), tables.get(GENERATED_2B.name, []),
        tables.get(ANNUAL_RETURNS.name, []))
    if problems:
        first = problems[0]
        shown = f" ({first.value!r})" if first.value and first.value not in first.message \
            else ""
        raise BadArgument(f"Settings: {first.message}{shown}. {first.fix}")
    return SheetSettings(rules, as_of)


def _setting_value(value: Any, label: str) -> Any:
    error = _error_text(value)
    if error is not None:
        raise BadArgument(f"Settings: {label} is the Excel error {error}")
    return value


def _table_below(grid: list[list[Any]], r: int, c: int, spec) -> list[dict[str, Any]]:
    """The rows under a table's header cells (at row ``r``, columns ``c`` and ``c + 1``),
    keyed by the table's own headers, to the end of the range (blank rows are skipped by
    the reader)."""
    rows = []
    first, second = spec.headers
    for row in grid[r + 1:]:
        a = row[c] if c < len(row) else None
        b = row[c + 1] if c + 1 < len(row) else None
        for cell, header in ((a, first), (b, second)):
            error = _error_text(cell)
            if error is not None:
                raise BadArgument(f"Settings: table {spec.name}, column {header}: the Excel "
                                  f"error {error}")
        rows.append({first: a, second: b})
    return rows


# ---------------------------------------------------------------------------------------------
# One BoE, one action


def _single(ref_date: date, code: ActionCode, raw: str, action_date: date, remark: str,
            as_of: date, settings: Settings, igst: Decimal = ZERO, cess: Decimal = ZERO
            ) -> VersionResult:
    """Evaluate one original BoE whose whole history is one action (none for no action),
    of the settings' GSTIN, in the period of its reference date."""
    version = BoeVersion(id=_ROW, section=Section.IMPG, amendment=False, port_code="",
                         boe_number="", boe_date=ref_date, ref_date=ref_date, igst=igst,
                         cess=cess)
    actions = [] if code is ActionCode.NO_ACTION else [
        Action(record_id=_ROW, code=code, date=action_date, remark=remark, raw=raw)]
    result = evaluate([version], actions, settings, as_of).records[0]
    if ref_date > as_of:  # the rules' own sentence for it
        order = next(m for m in result.messages if m.code == "DATE_ORDER")
        raise BadArgument(order.text)
    return result


def _status_text(result: VersionResult) -> str:
    if result.status is Status.OPEN and result.deemed_on is not None:
        return f"Open - deemed accepted on {format_date(result.deemed_on)}"
    return result.status.label


@_answers
def boe_status(action: Any, ref_date: Any, as_of: Any = None, remark: Any = None,
               settings: Any = None, *, today: date | None = None) -> str:
    """``Accepted``, ``Deemed accepted``, ``Pending``, ``Rejected``, or
    ``Open - deemed accepted on DD-MM-YYYY``.

    The action is the BoE's whole history and counts as taken on ``as_of`` (there is no
    action-date argument). The rules apply as everywhere, with the workbook's ``settings``
    (:func:`read_settings`): under the default reject policy ``block`` a Reject is ignored
    (the portal offers none for a BoE), under ``warn`` one with a remark is honoured; an
    action after the period closed, or on a BoE from before IMS, is ignored.

    >>> T = date(2025, 12, 10)
    >>> boe_status("Keep Pending", "06-11-2025", T), boe_status("a", "06-10-2025", T)
    ('Pending', 'Deemed accepted')
    >>> boe_status("Reject", "06-11-2025", T, "not ours"), boe_status("Reject", "06-11-2025", T)
    ('Open - deemed accepted on 14-12-2025', 'Open - deemed accepted on 14-12-2025')
    >>> boe_status("Reject", "06-11-2025", T, "not ours", [["Reject policy", "warn"]])
    'Rejected'
    >>> boe_status("approve", "06-11-2025", T)
    "#IMS: Action 'approve' is not Accept, Keep Pending, Reject or blank (no action)"
    """
    code, raw = _action(action)
    ref = _date(ref_date, "Reference date")
    sheet = read_settings(settings)
    when = _as_of(as_of, today, sheet)
    note = _remark(remark)
    return _status_text(_single(ref, code, raw, when, note, when, sheet.rules))


@_answers
def boe_itc(igst: Any, cess: Any, action: Any, ref_date: Any, as_of: Any = None,
            head: Any = None, remark: Any = None, settings: Any = None, *,
            today: date | None = None) -> Decimal:
    """The credit this BoE gives on ``as_of``: IGST plus cess, or one head (``head`` is
    ``IGST`` or ``Cess``); 0 while it gives none (pending, open, rejected).

    The action counts as taken on ``as_of``, as in :func:`boe_status`. A Reject needs the
    optional ``remark``, else it is ignored (the rules: an unconfirmed Reject never removes
    credit).

    >>> T = date(2025, 12, 10)
    >>> boe_itc(18000.0, 1800, "Accept", "06-11-2025", T), boe_itc("18000", 0, None, "06-10-2025", T, "igst")
    (Decimal('19800.0'), Decimal('18000'))
    >>> boe_itc("abc", 0, "Accept", "06-11-2025", T)
    "#IMS: IGST: 'abc' is not an amount. Type a number such as 1,23,456.78."
    """
    igst_d = _amount(igst, "IGST")
    cess_d = _amount(cess, "Cess")
    code, raw = _action(action)
    ref = _date(ref_date, "Reference date")
    sheet = read_settings(settings)
    when = _as_of(as_of, today, sheet)
    which = _head(head)
    note = _remark(remark)
    result = _single(ref, code, raw, when, note, when, sheet.rules, igst_d, cess_d)
    if result.itc is None:
        return ZERO
    if which is None:
        return result.itc.igst + result.itc.cess
    return getattr(result.itc, which)


@_answers
def boe_2b_period(ref_date: Any, action: Any, action_date: Any = None, as_of: Any = None,
                  remark: Any = None, settings: Any = None, *,
                  today: date | None = None) -> str:
    """The period (``MMYYYY`` text) whose GSTR-2B shows this BoE: as ITC available
    (accepted or deemed accepted) or as ITC rejected. While it is in no GSTR-2B yet:
    ``Pending``, or ``Open until DD-MM-YYYY`` (the day it will be deemed accepted into the
    GSTR-2B of its period unless you act).

    A blank ``action_date`` is ``as_of``; an action dated after ``as_of`` is not taken yet.

    >>> T = date(2025, 12, 10)
    >>> boe_2b_period("06-10-2025", "Keep Pending", "10-11-2025", T)
    'Pending'
    >>> boe_2b_period("06-10-2025", "Accept", "08-12-2025", T)
    '102025'
    >>> boe_2b_period("06-11-2025", None, None, T)
    'Open until 14-12-2025'
    """
    ref = _date(ref_date, "Reference date")
    code, raw = _action(action)
    sheet = read_settings(settings)
    when = _as_of(as_of, today, sheet)
    acted = _optional_date(action_date, "Action date", when)
    note = _remark(remark)
    result = _single(ref, code, raw, acted, note, when, sheet.rules)
    period = result.itc_period or result.rejected_period
    if period is not None:
        return str(period)
    if result.status is Status.OPEN and result.deemed_on is not None:
        return f"Open until {format_date(result.deemed_on)}"
    return result.status.label


# Which of the rules' messages BOE_CHECK reports, in the order of its arguments.
_CHECK_ERRORS = ("PORT_CODE_INVALID", "BOE_NUMBER_INVALID")
_CHECK_ACTION_ERRORS = ("ACTION_UNKNOWN", "REJECT_NEEDS_REMARK", "REJECT_BLOCKED")
_CHECK_WARNINGS = ("PORT_CODE_UNUSUAL", "ACTION_BEFORE_IMS", "REJECT_NOT_ON_PORTAL")
_MISSING_BOE_DATE = "The BoE date is missing"


@_answers
def boe_check(port_code: Any, boe_no: Any, boe_date: Any, ref_date: Any, action: Any = None,
              remark: Any = None, settings: Any = None, *, today: date | None = None) -> str:
    """``OK``, or the first problem with a BoE row's data and action, in the rules' own
    words: port code, BoE number, BoE date, reference date, their order (the reference date
    may not be after today), the action word, a Reject's remark. When there is no error,
    the first warning (an unusual port code, an action on a BoE from before IMS, a Reject
    the portal may refuse) prefixed ``Warning: ``. The ``settings`` decide which Reject
    message applies (reject policy) and where IMS starts.

    Timing is not checked here (cutoffs, actions after a period closed): use BOE_STATUS.

    >>> T = date(2025, 12, 10)
    >>> boe_check("INNSA1", 2566282.0, "03-10-2025", "06-10-2025", "Accept", None, today=T)
    'OK'
    >>> boe_check("INNSA1", "2.57E+06", "03-10-2025", "06-10-2025", today=T)[:47]
    "BoE number '2.57E+06' is in scientific notation"
    >>> boe_check("INNSA1", "2566282", "07-10-2025", "06-10-2025", today=T)[:52]
    'The BoE date 07-10-2025 is after the reference date '
    """
    cells = {"Section": "IMPG",
             "Port Code": _one(port_code, "Port code"), "BoE No": _one(boe_no, "BoE number"),
             "BoE Date": _one(boe_date, "BoE date"), "Reference Date": _one(ref_date,
                                                                           "Reference date")}
    raw = _shown(_one(action, "Action"))
    note = _remark(remark)
    rules = read_settings(settings).rules
    when = today or _today()
    problems: list[Problem] = []
    version = rows.version_from_row(cells, vid=_ROW, sheet=BOE.sheet, line=1, problems=problems)
    actions = [Action(record_id=_ROW, code=parse_action(raw), date=when, remark=note, raw=raw)
               ] if raw else []
    found = evaluate([version], actions, rules, when).records[0].messages

    def texts(*codes: str) -> list[str]:
        return [m.text for m in found if m.code in codes]

    bad_date = {p.column: p.message for p in problems if p.column in ("BoE Date",
                                                                      "Reference Date")}
    errors = texts(*_CHECK_ERRORS)
    if "BoE Date" in bad_date:
        errors.append(f"BoE date: {bad_date['BoE Date']}")
    if "Reference Date" in bad_date:
        errors.append(f"Reference date: {bad_date['Reference Date']}")
    elif version.ref_date is None:
        errors.append("The reference date is missing: type it from the Bill of Entry.")
    errors += [t for t in texts("DATE_ORDER")
               if not ("BoE Date" in bad_date and t.startswith(_MISSING_BOE_DATE))]
    errors += texts(*_CHECK_ACTION_ERRORS)
    if errors:
        return errors[0]
    warnings = texts(*_CHECK_WARNINGS)
    return WARNING + warnings[0] if warnings else OK


# ---------------------------------------------------------------------------------------------
# Calendar and identifiers


@_answers
def boe_cutoff(period_or_date: Any, settings: Any = None) -> date:
    """The day GSTR-2B of the period is generated (the 14th of the next month): the last day
    to act before a BoE with no action is deemed accepted. Takes a period ``MMYYYY`` (text or
    number; ``12026`` is read as 012026) or any date in the period.

    >>> boe_cutoff("102025"), boe_cutoff(102025.0), boe_cutoff(45933.0), boe_cutoff("03-10-2025")
    (datetime.date(2025, 11, 14), datetime.date(2025, 11, 14), datetime.date(2025, 11, 14), datetime.date(2025, 11, 14))
    >>> boe_cutoff("132025")
    "#IMS: Period or date: '132025' is not a period (MMYYYY, such as 102025)"
    """
    rules = read_settings(settings).rules
    period = _period(period_or_date, "Period or date").for_filing(rules.filing)
    return gst_calendar.gstr2b_date(period, rules)


@_answers
def boe_days_left(period_or_date: Any, as_of: Any = None, settings: Any = None, *,
                  today: date | None = None) -> int:
    """Days from ``as_of`` to :func:`boe_cutoff` (0 on the day, negative after it).

    >>> boe_days_left("112025", date(2025, 12, 10)), boe_days_left("112025", "14-12-2025")
    (4, 0)
    """
    period = _period(period_or_date, "Period or date")
    sheet = read_settings(settings)
    return gst_calendar.days_to_cutoff(period.for_filing(sheet.rules.filing), sheet.rules,
                                       _as_of(as_of, today, sheet))


@_answers
def gstin_check(gstin: Any) -> str:
    """``OK`` or the sentence saying what is wrong with the GSTIN.

    >>> gstin_check(" 27aapfu0939f1zv "), gstin_check("27AAPFU0939F1Z")[:40]
    ('OK', "GSTIN '27AAPFU0939F1Z' has 14 characters")
    """
    problem = gstin_id.problem(_one(gstin, "GSTIN"))
    return problem or OK


@_answers
def port_code_check(code: Any) -> str:
    """``OK``; or the sentence saying what is wrong; or, for a valid code that is not
    ``IN`` + 3 letters + 1 letter or digit, the rules' warning prefixed ``Warning: ``.

    >>> port_code_check("innsa1"), port_code_check("INNSA")[:38]
    ('OK', "Port code 'INNSA' has 5 characters; a ")
    """
    value = _one(code, "Port code")
    if isinstance(value, float) and value.is_integer():
        value = str(int(value))  # a code of digits typed into a number cell
    problem = port_code_id.problem(value)
    if problem:
        return problem
    if not port_code_id.is_usual(value):
        return WARNING + message("PORT_CODE_UNUSUAL", value=port_code_id.compact(value)).text
    return OK


@_answers
def boe_number_text(value: Any) -> str:
    """The BoE number as text (4 to 7 digits), undoing what Excel did to it where that can
    be done exactly (``2566282.0``, spaces); else ``#IMS:`` and why.

    >>> boe_number_text(" 0012345"), boe_number_text("2.566282E6"), boe_number_text(123)[:40]
    ('0012345', '2566282', "#IMS: BoE number '123' has 3 digits; a B")
    """
    try:
        return boe_number_id.validate(_one(value, "BoE number"))
    except (ValueError, TypeError) as exc:  # stdnum's ValidationError is a ValueError
        if isinstance(exc, BadArgument):
            raise
        raise BadArgument(str(exc)) from None


# ---------------------------------------------------------------------------------------------
# The whole BoE table


_HEADER_NAMES = {h.casefold(): h for h in BOE.headers}
# The columns a row is read from: the portal's and the accountant's (not the computed ones).
_READ_HEADERS = tuple(c.header for c in BOE.columns if not c.computed)
_NEEDED = ("Port Code", "BoE No", "BoE Date", "Reference Date")
_MIN_COLUMNS = BOE.index("Reference Date") + 1


def _table_rows(table: Any) -> list[list[Any]]:
    if not isinstance(table, (list, tuple)) or not table:
        raise BadArgument("BoE table must be a range: select the BoE table (with its "
                          "header row, or its columns in the BoE sheet's order)")
    if not any(isinstance(row, (list, tuple)) for row in table):
        return [list(table)]  # one row, passed flat
    return [list(row) if isinstance(row, (list, tuple)) else [row] for row in table]


def _header_map(row: list[Any]) -> dict[str, int] | None:
    """Column positions by header, when the row is the BoE table's header row."""
    found: dict[str, int] = {}
    nonblank = 0
    for i, cell in enumerate(row):
        if _blank(cell):
            continue
        nonblank += 1
        name = _HEADER_NAMES.get(cell.strip().casefold()) if isinstance(cell, str) else None
        if name is not None:
            found.setdefault(name, i)
    if len(found) >= 2 and 2 * len(found) >= nonblank:
        return found
    return None


class _TableRun:
    """A BoE table read and evaluated once: one version and at most one action per row."""

    def __init__(self, table: Any, as_of: date, settings: Settings = _SETTINGS):
        grid = _table_rows(table)
        columns = _header_map(grid[0])
        self.header = columns is not None
        data = grid[1:] if self.header else grid
        if columns is not None:
            missing = [h for h in _NEEDED if h not in columns]
            if missing:
                raise BadArgument(f"the table's header row has no {missing[0]!r} column: "
                                  "select the whole BoE table")
            positions = [(h, columns[h]) for h in _READ_HEADERS if h in columns]
        else:
            width = max(len(r) for r in data)
            if width < _MIN_COLUMNS:
                raise BadArgument(
                    f"the table has {width} column(s); without a header row it needs the BoE "
                    f"table's columns in order ({', '.join(BOE.headers[:_MIN_COLUMNS])}, "
                    "...): select the whole BoE table")
            positions = [(h, BOE.index(h)) for h in _READ_HEADERS]
        self.as_of = as_of
        self.used: list[int] = []             # data row index of each version
        self.problems: list[list[Problem]] = []
        versions: list[BoeVersion] = []
        actions: list[Action] = []
        sheet = BOE.sheet
        first_line = 2 if self.header else 1
        action_col, date_col, remark_col = ACCOUNTANT_COLUMNS
        with gc_paused():
            for n, row in enumerate(data):
                size = len(row)
                cells = {h: row[i] for h, i in positions if i < size}
                if all(cell is None or cell.__class__ is str and not cell.strip()
                       for cell in cells.values()):
                    continue  # an empty row of the range: a blank result row
                found: list[Problem] = []
                vid = str(len(versions))
                line = first_line + n
                version = rows.version_from_row(cells, vid=vid, sheet=sheet, line=line,
                                             problems=found)
                versions.append(version)
                raw = cells.get(action_col)
                if raw is not None:
                    raw = raw.strip() if raw.__class__ is str else rows.text(raw)
                    if raw:
                        actions.append(Action(record_id=vid, code=parse_action(raw),
                                              date=self._action_date(cells.get(date_col),
                                                                     line, found),
                                              remark=rows.text(cells.get(remark_col)), raw=raw,
                                              seq=len(actions)))
                self.used.append(n)
                self.problems.append(found)
            self.rows = len(data)
            self.versions = versions
            self.evaluation: Evaluation = evaluate(versions, actions, settings, as_of)

    def _action_date(self, value: Any, line: int, found: list[Problem]) -> date:
        if value.__class__ is datetime:
            return value.date()
        try:
            when = rows.as_date(value)
        except (ValueError, TypeError, OverflowError) as exc:
            found.append(Problem(BOE.sheet, f"{exc} The as-of date is used.",
                                 "Type the date as DD-MM-YYYY.", row=line,
                                 column="Action Date", value=rows.text(value)))
            return self.as_of
        return self.as_of if when is None else when

    def result_rows(self) -> list[list[Any]]:
        out: list[list[Any]] = [["", "", None, None, ""] for _ in range(self.rows)]
        labels = {s: s.label for s in Status}
        codes: dict[Period, str] = {}
        with gc_paused():
            for n, result, found in zip(self.used, self.evaluation.records, self.problems):
                period = result.itc_period or result.rejected_period
                if period is None:
                    code = ""
                else:
                    code = codes.get(period) or codes.setdefault(period, str(period))
                itc = result.itc
                out[n] = [labels[result.status], code,
                          itc.igst if itc is not None else None,
                          itc.cess if itc is not None else None,
                          messages_text(result.messages, found)
                          if result.messages or found else ""]
        if self.header:
            out.insert(0, list(TABLE_COLUMNS))
        return out


@_answers
def boe_table(table: Any, as_of: Any = None, settings: Any = None, *,
              today: date | None = None) -> list[list[Any]]:
    """The computed columns of a whole BoE table in one call, as rows of Status, 2B Period,
    ITC IGST, ITC Cess and Messages: one row per input row, in the same order, with a header
    row when the input had one. ITC is None (a blank cell) when the row gives no credit;
    an empty input row gives an empty result row.

    The input is the BoE table as Excel passes it: with its header row (columns found by
    name, in any order) or without (columns in the BoE sheet's order). Each row's Action,
    Action Date (blank: ``as_of``) and Remark are its version's whole history, and the rows
    are evaluated together, so amendments of one BoE chain as in Recompute. The Messages
    column is written as Recompute writes it.

    >>> T = date(2025, 12, 10)
    >>> head = ["Section", "Port Code", "BoE No", "BoE Date", "Reference Date", "IGST",
    ...         "Action", "Action Date"]
    >>> rows = boe_table([head, ["IMPG", "INNSA1", 2566282.0, "03-10-2025", "06-10-2025",
    ...                          18000.0, "Accept", "05-11-2025"]], T)
    >>> rows[0], rows[1][:4]
    (['Status', '2B Period', 'ITC IGST', 'ITC Cess', 'Messages'], ['Accepted', '102025', Decimal('18000.0'), Decimal('0')])
    """
    sheet = read_settings(settings)
    when = _as_of(as_of, today, sheet)
    return _TableRun(table, when, sheet.rules).result_rows()


@_answers
def gstr3b_4a1(table: Any, period: Any, head: Any = None, as_of: Any = None,
               settings: Any = None, *, today: date | None = None) -> Decimal:
    """GSTR-3B Table 4(A)(1) for ``period`` from the BoE table (read as :func:`boe_table`
    reads it): IGST plus cess, or one head. 0 for a period before the table's first.

    >>> T = date(2025, 12, 10)
    >>> row = ["IMPG", "No", "INNSA1", "2566282", "03-10-2025", "06-10-2025", "", 100000,
    ...        18000, 1800, "", "", "", "Accept", "05-11-2025", ""]
    >>> gstr3b_4a1([row], "102025", None, T), gstr3b_4a1([row], 102025, "Cess", T)
    (Decimal('19800'), Decimal('1800'))
    """
    wanted = _period(period, "Period")
    which = _head(head)
    sheet = read_settings(settings)
    filing = sheet.rules.filing
    wanted = wanted.for_filing(filing)   # a quarterly filer's month: its quarter
    when = _as_of(as_of, today, sheet)
    run = _TableRun(table, when, sheet.rules)
    figures = run.evaluation.periods.get(wanted)
    if figures is None:
        if wanted > Period.containing(when, filing):
            raise BadArgument(f"period {wanted} has not started on the as-of date "
                              f"{format_date(when)}")
        return ZERO
    table_4a1 = figures.table_4a1
    if which is None:
        return table_4a1.igst + table_4a1.cess
    return getattr(table_4a1, which)

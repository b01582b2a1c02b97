"""Excel worksheet functions for Bills of Entry (xlwings UDFs).

The add-in's ``UDF Modules`` setting names this module, ``udfs.boe_functions``; Excel
imports the functions below with xlwings' ``Import Functions``. Each one is a thin wrapper
over :mod:`ims_xl.sheet_functions`, where the work and its tests live:

* xlwings is asked to pass cell errors as text (``err_to_str``), so ``#N/A`` in an argument
  gives ``#IMS: ... is the Excel error #N/A`` rather than being read as an empty cell;
* nothing ever raises into Excel: a bad argument answers ``#IMS: <why>``, and anything
  unforeseen ``#IMS: unexpected error: <short>`` (never a traceback);
* money leaves as float here and only here (Excel has no decimal type), rounded half up to
  paise first; dates leave as datetime.

A function's docstring is its help in Excel's function wizard, word for word: one line of at
most 255 characters (Excel's limit), saying first what the function returns, in the
accountant's words. The add-in registers it when it opens (``Application.MacroOptions``, see
docs/addin-build.md), and xlwings' Import functions registers the same text. Details for the
reader of this file are comments in the function. Python names are the Excel names, because
xlwings names the Excel function after the Python one.

The functions whose ``as_of`` defaults to today are volatile (``volatile=True``): like
``TODAY()``, Excel recalculates them at every recalculation and when the workbook opens, so a
blank as-of date is right the morning after. The others depend on their arguments only (except
BOE_CHECK's "reference date after today" check, which clears at the next edit of its row).
On Linux and macOS without Excel, xlwings' decorators do nothing: the functions can be
called directly.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal

import xlwings as xw

from ims_xl import sheet_functions as sf

CATEGORY = "IMS Bills of Entry"

_AS_OF = ("The as-of date (blank: the settings' as-of date, else today). Like TODAY(), the "
          "function recalculates whenever Excel does, so a blank as-of date moves on at "
          "midnight.")
_ACTION = "Accept, Keep Pending, Reject, or blank for no action (A, P, R also work)."
_REF_DATE = "The BoE's ICEGATE reference date (DD-MM-YYYY or a date cell)."
_HEAD = "IGST or Cess for one head; blank for both added together."
_REMARK = ("Why. A Reject counts only with a remark, and only under reject policy warn or "
           "allow.")
_TABLE = ("The BoE table: with its header row (columns found by name), or without it "
          "(columns in the BoE sheet's order).")
_PERIOD = "A return period MMYYYY (102025, or 12026 for 012026), or a date in the period."
_SETTINGS = ("The workbook's settings: give the name IMS_SETTINGS. Blank: the defaults "
             "(reject policy block, IMS from 102025, no pending limit, monthly filer, no "
             "GSTIN).")


def _never_raise(fn):
    """The wrapper's own last line of defence: an exception becomes a one-line answer."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - Excel must never see a traceback
            return sf.unexpected_error(exc)
    return wrapper


def _arg(name, doc, **options):
    """An xlwings argument that receives cell errors as text (``'#N/A'``), with its help."""
    return xw.arg(name, err_to_str=True, doc=doc, **options)


_PAISE = Decimal("0.01")
_CONTEXT = Context(prec=28)   # as ims_xl.money.round2: any credible amount with its paise


def _money(value):
    """Decimal to Excel's float, rounded half up to paise first (ims_xl.money.round2's
    rounding, without its checks: BOE_TABLE rounds 100,000 amounts); anything else as is."""
    if value.__class__ is Decimal:
        return float(value.quantize(_PAISE, rounding=ROUND_HALF_UP, context=_CONTEXT))  # float ok
    return value


def _excel_date(value):
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


@xw.func(category=CATEGORY, volatile=True)
@_arg("action", _ACTION)
@_arg("ref_date", _REF_DATE)
@_arg("as_of", _AS_OF)
@_arg("remark", _REMARK)
@_arg("settings", _SETTINGS, ndim=2)
@_never_raise
def BOE_STATUS(action, ref_date, as_of=None, remark=None, settings=None):
    """Status of one BoE on the as-of date: Accepted, Deemed accepted, Pending, Rejected or "Open - deemed accepted on DD-MM-YYYY". The row's Action is its whole history (no action date). Rules as in Recompute, with the settings IMS_SETTINGS."""
    # Single-row: the Action is taken on the as-of date. Recompute's rules with the workbook's
    # settings (blank: the defaults of rules 2.0, where a Reject is refused), and an action
    # after the BoE's period was closed (GSTR-3B filed) cannot change it. BOE_2B_PERIOD takes
    # an action date.
    return sf.boe_status(action, ref_date, as_of, remark, settings)


@xw.func(category=CATEGORY, volatile=True)
@_arg("igst", "The BoE's IGST (blank: 0).")
@_arg("cess", "The BoE's cess (blank: 0).")
@_arg("action", _ACTION)
@_arg("ref_date", _REF_DATE)
@_arg("as_of", _AS_OF)
@_arg("head", _HEAD)
@_arg("remark", _REMARK)
@_arg("settings", _SETTINGS, ndim=2)
@_never_raise
def BOE_ITC(igst, cess, action, ref_date, as_of=None, head=None, remark=None, settings=None):
    """Input tax credit this BoE gives on the as-of date: IGST + cess, or one head; 0 while pending, open or rejected. The row's Action is its whole history. Rules as in Recompute, with the settings IMS_SETTINGS."""
    # The rules: an unconfirmed Reject (no remark) never removes credit, and under the
    # default reject policy block no Reject does.
    return _money(sf.boe_itc(igst, cess, action, ref_date, as_of, head, remark, settings))


@xw.func(category=CATEGORY, volatile=True)
@_arg("ref_date", _REF_DATE)
@_arg("action", _ACTION)
@_arg("action_date", "When the action was taken (blank: the as-of date).")
@_arg("as_of", _AS_OF)
@_arg("remark", _REMARK)
@_arg("settings", _SETTINGS, ndim=2)
@_never_raise
def BOE_2B_PERIOD(ref_date, action, action_date=None, as_of=None, remark=None, settings=None):
    """Period (MMYYYY) whose GSTR-2B shows this BoE as accepted or rejected; "Pending"; or "Open until DD-MM-YYYY", the day it is deemed accepted unless you act. The row's Action and Action Date are its whole history."""
    # The period comes back as text. An action dated after the as-of date is not taken yet.
    # "Open until" is the day the BoE is deemed accepted into its period's GSTR-2B.
    return sf.boe_2b_period(ref_date, action, action_date, as_of, remark, settings)


@xw.func(category=CATEGORY)
@_arg("port_code", "The port code (such as INNSA1).")
@_arg("boe_no", "The BoE number (4 to 7 digits).")
@_arg("boe_date", "The BoE date.")
@_arg("ref_date", _REF_DATE)
@_arg("action", _ACTION)
@_arg("remark", _REMARK)
@_arg("settings", _SETTINGS, ndim=2)
@_never_raise
def BOE_CHECK(port_code, boe_no, boe_date, ref_date, action=None, remark=None, settings=None):
    """"OK", or the first problem with a BoE row: port code, BoE number, dates and their order, action word, a Reject the settings refuse; else the first warning, as "Warning: ...". The row's Action is its whole history. Timing: see BOE_STATUS."""
    # In the rules' words, with the workbook's settings (reject policy, IMS start). The
    # reference date may not be after today (not volatile: that check clears at the next edit
    # of the row). Cutoffs and late actions: BOE_STATUS.
    return sf.boe_check(port_code, boe_no, boe_date, ref_date, action, remark, settings)


@xw.func(category=CATEGORY)
@_arg("period_or_date", _PERIOD)
@_arg("settings", _SETTINGS, ndim=2)
@_never_raise
def BOE_CUTOFF(period_or_date, settings=None):
    """The day GSTR-2B of the period is generated (the 14th of the next month): act on a BoE of that period before then, or it is deemed accepted. Format the cell as a date if Excel shows a number."""
    # The settings: a quarterly filer's month belongs to its quarter; Generated2B overrides.
    return _excel_date(sf.boe_cutoff(period_or_date, settings))


@xw.func(category=CATEGORY, volatile=True)
@_arg("period_or_date", _PERIOD)
@_arg("as_of", _AS_OF)
@_arg("settings", _SETTINGS, ndim=2)
@_never_raise
def BOE_DAYS_LEFT(period_or_date, as_of=None, settings=None):
    """Days from the as-of date to the period's GSTR-2B date (BOE_CUTOFF): 0 on the day, negative after it."""
    return sf.boe_days_left(period_or_date, as_of, settings)


@xw.func(category=CATEGORY)
@_arg("gstin", "The GSTIN to check.")
@_never_raise
def GSTIN_CHECK(gstin):
    """"OK", or the sentence saying what is wrong with the GSTIN (length, state code, PAN part, check character)."""
    return sf.gstin_check(gstin)


@xw.func(category=CATEGORY)
@_arg("code", "The port code to check.")
@_never_raise
def PORT_CODE_CHECK(code):
    """"OK"; or the sentence saying what is wrong with the port code; or, for a valid code that is not IN + 3 letters + 1 letter or digit, a warning starting "Warning: "."""
    return sf.port_code_check(code)


@xw.func(category=CATEGORY)
@_arg("value", "A BoE number as typed, pasted or turned into a number by Excel.")
@_never_raise
def BOE_NUMBER(value):
    """The BoE number as text (4 to 7 digits), undoing what Excel did to it where that is exact (2566282.0, spaces); else "#IMS: " and why (2.57E+06 has lost digits)."""
    return sf.boe_number_text(value)


@xw.func(category=CATEGORY, volatile=True)
@_arg("table", _TABLE, ndim=2)
@_arg("as_of", _AS_OF)
@_arg("settings", _SETTINGS, ndim=2)
@_never_raise
def BOE_TABLE(table, as_of=None, settings=None):
    """Status, 2B Period, ITC IGST, ITC Cess and Messages for every row of the BoE table, in one formula that spills. Amendments chain as in Recompute. Each row's Action and Action Date are its whole history; the Action Log is not read."""
    # A header row comes back only if the input has one; a blank Action Date is the as-of
    # date. All rows are evaluated together, so amendments chain as in Recompute, with the
    # workbook's settings: with its GSTIN, a BoE of another GSTIN is left out and one customs
    # moved away is reversed. Empty rows give empty result rows; ITC is blank when the row
    # gives no credit. One call for the whole table: much cheaper at each recalculation than
    # one BOE_STATUS per row.
    result = sf.boe_table(table, as_of, settings)
    if isinstance(result, str):
        return result
    return [[row[0], row[1], _money(row[2]), _money(row[3]), row[4]] for row in result]


@xw.func(category=CATEGORY, volatile=True)
@_arg("table", _TABLE, ndim=2)
@_arg("period", _PERIOD)
@_arg("head", _HEAD)
@_arg("as_of", _AS_OF)
@_arg("settings", _SETTINGS, ndim=2)
@_never_raise
def GSTR3B_4A1(table, period, head=None, as_of=None, settings=None):
    """GSTR-3B Table 4(A)(1), import of goods, for the period from the BoE table: IGST + cess, or one head; 0 before the table's first period. Each row's Action and Action Date are its whole history; the Action Log is not read."""
    # Reads the table as BOE_TABLE does (a blank Action Date is the as-of date). A BoE moved
    # to another GSTIN lowers the net credit: what it reverses is in 4(B)(2), not here.
    return _money(sf.gstr3b_4a1(table, period, head, as_of, settings))

"""The worksheet functions (udfs.boe_functions over ims_xl.sheet_functions), called with
what Excel really passes: floats, ints, Decimals (currency cells), None (empty cells),
datetimes, serial numbers, DD-MM-YYYY text, text numbers, Excel error text, 1x1 ranges as
scalars or nested lists, flat and nested ranges, tables with and without their header row.

The decorated functions are called directly (xlwings' decorators do nothing on Linux), and
every figure is checked against the rules engine (:func:`ims_xl.rules.evaluate`).
"""

from __future__ import annotations

from unittest import mock

import io
import re
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import udfs.boe_functions as U
from ims_xl import sheet_functions as sf
from ims_xl.actions import parse_action
from ims_xl.dates import format_date, from_excel_serial, to_excel_serial
from ims_xl.identifiers import boe_number as boe_number_id
from ims_xl.identifiers import gstin as gstin_id
from ims_xl.identifiers import port_code as port_code_id
from ims_xl.messages import message
from ims_xl.gst_calendar import gstr2b_date
from ims_xl.models import (Action, ActionCode, BoeVersion, PendingLimit, RejectPolicy, Section,
                           Settings, Status)
from ims_xl.periods import Filing, Period
from ims_xl.rules import evaluate
from ims_xl.workbook import rows as R
from ims_xl.workbook.layout import BOE
from ims_xl.workbook.ops import messages_text

ROOT = Path(__file__).resolve().parent.parent
T = date(2025, 12, 10)          # October closed (3B due 20-11), November open (2B on 14-12)
EXCEL_ERROR_TEXTS = ["#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!",
                     "#SPILL!", "#CALC!", " #N/A "]
FUNCTIONS = ["BOE_STATUS", "BOE_ITC", "BOE_2B_PERIOD", "BOE_CHECK", "BOE_CUTOFF",
             "BOE_DAYS_LEFT", "GSTIN_CHECK", "PORT_CODE_CHECK", "BOE_NUMBER", "BOE_TABLE",
             "GSTR3B_4A1"]


def dt(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def shapes(d: date) -> list:
    """Every way Excel may hand a date to a UDF."""
    serial = to_excel_serial(d)
    return [dt(d), d, float(serial), serial, serial + 0.75, format_date(d),
            d.strftime("%d/%m/%Y"), [[dt(d)]], [dt(d)], Decimal(serial)]


def d(text: str) -> date:
    return datetime.strptime(text, "%d-%m-%Y").date()


def engine_one(word, ref: date, acted: date, remark: str, as_of: date, igst="0", cess="0",
               rules: Settings | None = None):
    """The rules engine on one BoE built here, independently of sheet_functions."""
    version = BoeVersion(id="x", section=Section.IMPG, amendment=False, port_code="INNSA1",
                         boe_number="2566282", boe_date=ref, ref_date=ref,
                         igst=Decimal(igst), cess=Decimal(cess))
    code = parse_action(word)
    actions = [] if code is ActionCode.NO_ACTION else [
        Action("x", code, acted, remark, raw=word or "")]
    return evaluate([version], actions, rules or Settings(), as_of).records[0]


def engine_status_text(result) -> str:
    if result.status is Status.OPEN:
        return f"Open - deemed accepted on {format_date(result.deemed_on)}"
    return result.status.label


@pytest.fixture
def today(monkeypatch):
    """Fix 'today' (a blank as-of date) at T."""
    monkeypatch.setattr(sf, "_today", lambda: T)
    return T


# ---------------------------------------------------------------------------------------------
# BOE_STATUS

STATUS_CASES = [
    # action, reference date, as-of, remark, expected
    ("Accept", "06-11-2025", T, None, "Accepted"),
    ("Accept", "06-10-2025", T, None, "Deemed accepted"),  # taken on T: after October closed
    ("Keep Pending", "06-11-2025", T, None, "Pending"),
    ("Keep Pending", "06-10-2025", T, None, "Deemed accepted"),
    (None, "06-11-2025", T, None, "Open - deemed accepted on 14-12-2025"),
    (None, "06-10-2025", T, None, "Deemed accepted"),
    # rules 2.0: reject policy 'block' by default, so a Reject is ignored, remark or not
    ("Reject", "06-11-2025", T, "not ours", "Open - deemed accepted on 14-12-2025"),
    ("Reject", "06-11-2025", date(2025, 12, 15), "not ours", "Deemed accepted"),
    ("Reject", "06-11-2025", T, None, "Open - deemed accepted on 14-12-2025"),  # no remark
    ("Reject", "06-11-2025", T, "   ", "Open - deemed accepted on 14-12-2025"),
    (None, "06-11-2025", date(2025, 12, 13), None, "Open - deemed accepted on 14-12-2025"),
    (None, "06-11-2025", date(2025, 12, 14), None, "Deemed accepted"),
    (None, "10-12-2025", T, None, "Open - deemed accepted on 14-01-2026"),
    ("Keep Pending", "06-10-2025", date(2025, 11, 15), None, "Pending"),
    ("Accept", "06-10-2025", date(2025, 11, 20), None, "Accepted"),  # 3B due today: open
    ("Accept", "06-10-2025", date(2025, 11, 21), None, "Deemed accepted"),
]


@pytest.mark.parametrize("action, ref, as_of, remark, expected", STATUS_CASES)
def test_boe_status_values_agree_with_the_engine(action, ref, as_of, remark, expected):
    assert U.BOE_STATUS(action, ref, as_of, remark) == expected
    result = engine_one(action, d(ref), as_of, (remark or "").strip(), as_of)
    assert engine_status_text(result) == expected


@pytest.mark.parametrize("ref", shapes(date(2025, 11, 6)))
@pytest.mark.parametrize("as_of", shapes(T))
def test_boe_status_takes_every_date_shape(ref, as_of):
    assert U.BOE_STATUS("Accept", ref, as_of) == "Accepted"
    assert U.BOE_STATUS(None, ref, as_of) == "Open - deemed accepted on 14-12-2025"


@pytest.mark.parametrize("word", ["a", "A", " ACCEPT ", "Accepted", [["Accept"]], ["accept"]])
def test_boe_status_action_words(word):
    assert U.BOE_STATUS(word, "06-11-2025", T) == "Accepted"


@pytest.mark.parametrize("word", ["P", "pending", "keep  pending", "Kept Pending"])
def test_boe_status_pending_words(word):
    assert U.BOE_STATUS(word, "06-11-2025", T) == "Pending"


@pytest.mark.parametrize("word", [None, "", "  ", "N", "No Action", [[None]]])
def test_boe_status_no_action(word):
    assert U.BOE_STATUS(word, "06-11-2025", T) == "Open - deemed accepted on 14-12-2025"


@pytest.mark.parametrize("word, shown", [("approve", "approve"), (1.0, "1"), (True, "TRUE"),
                                         (18000, "18000")])
def test_boe_status_unknown_action_is_a_bad_argument(word, shown):
    assert U.BOE_STATUS(word, "06-11-2025", T) == (
        f"#IMS: Action '{shown}' is not Accept, Keep Pending, Reject or blank (no action)")


def test_boe_status_blank_as_of_is_today(today):
    assert U.BOE_STATUS("Accept", "06-11-2025") == "Accepted"
    assert U.BOE_STATUS(None, "06-11-2025", None) == "Open - deemed accepted on 14-12-2025"
    assert U.BOE_STATUS(None, "06-11-2025", "") == "Open - deemed accepted on 14-12-2025"
    assert U.BOE_STATUS(None, "06-11-2025", [[None]]) == "Open - deemed accepted on 14-12-2025"


def test_boe_status_bad_dates():
    assert U.BOE_STATUS("Accept", None, T) == "#IMS: Reference date missing"
    assert U.BOE_STATUS("Accept", "  ", T) == "#IMS: Reference date missing"
    assert U.BOE_STATUS("Accept", "31-02-2025", T) == (
        "#IMS: Reference date: '31-02-2025' is not a real date: February 2025 has 28 days.")
    assert U.BOE_STATUS("Accept", "March", T) == (
        "#IMS: Reference date: 'March' is not a date. Type the date as DD-MM-YYYY.")
    assert U.BOE_STATUS("Accept", 60.0, T).startswith(
        "#IMS: Reference date: Excel serial number 60.0 stands for 29-02-1900")
    # An amount in the date's place, read as a serial number: 18000 is 12-04-1949.
    assert U.BOE_STATUS("Accept", 18000.0, T) == (
        "#IMS: Reference date 12-04-1949 is before GST began (01-07-2017): check the cell")
    # A period in the date's place, read as a serial number.
    assert U.BOE_STATUS("Accept", "06-11-2025", 102025.0) == (
        f"#IMS: As-of date {format_date(from_excel_serial(102025))} is too far ahead to be a "
        "BoE's date: check the cell")
    assert U.BOE_STATUS("Accept", True, T) == (
        "#IMS: Reference date: True is not a date. Type the date as DD-MM-YYYY.")
    assert U.BOE_STATUS("Accept", "06-11-2025", "2025-13-01") == (
        "#IMS: As-of date: '2025-13-01' is not a real date: there is no month 13 "
        "(the day comes first). Type the date as DD-MM-YYYY.")


def test_boe_status_reference_date_after_as_of_uses_the_rules_sentence():
    assert U.BOE_STATUS("Accept", "11-12-2025", T) == (
        "#IMS: The reference date 11-12-2025 is after the as-of date 10-12-2025: this BoE "
        "cannot be acted on yet.")


@pytest.mark.parametrize("error", EXCEL_ERROR_TEXTS)
def test_boe_status_excel_errors(error):
    shown = error.strip()
    assert U.BOE_STATUS(error, "06-11-2025", T) == f"#IMS: Action is the Excel error {shown}"
    assert U.BOE_STATUS("Accept", error, T) == f"#IMS: Reference date is the Excel error {shown}"
    assert U.BOE_STATUS("Accept", "06-11-2025", error) == (
        f"#IMS: As-of date is the Excel error {shown}")
    assert U.BOE_STATUS("Reject", "06-11-2025", T, error) == (
        f"#IMS: Remark is the Excel error {shown}")


def test_boe_status_error_codes_and_chained_answers():
    # A raw COM error code (what arrives if err_to_str were off and xlwings did not clean it).
    assert U.BOE_STATUS("Accept", -2146826246, T) == "#IMS: Reference date is the Excel error #N/A"
    # An #IMS answer of another cell used as an argument.
    assert U.BOE_STATUS("Accept", "#IMS: BoE date missing", T) == (
        "#IMS: Reference date comes from a cell with an error (BoE date missing)")


def test_boe_status_ranges_where_one_cell_is_expected():
    assert U.BOE_STATUS("Accept", [dt(d("06-11-2025")), dt(d("07-11-2025"))], T) == (
        "#IMS: Reference date must be one cell, not a range of 2 cells")
    assert U.BOE_STATUS([["Accept", "Reject"], ["P", None]], "06-11-2025", T) == (
        "#IMS: Action must be one cell, not a range of 4 cells")


# ---------------------------------------------------------------------------------------------
# BOE_ITC

@pytest.mark.parametrize("igst, cess", [
    (18000.0, 1800.0), (18000, 1800), (Decimal("18000"), Decimal("1800.00")),
    ("18000", "1800"), ("18,000.00", "Rs. 1,800"), ([[18000.0]], [1800.0]),
])
def test_boe_itc_amount_shapes(igst, cess):
    assert U.BOE_ITC(igst, cess, "Accept", "06-11-2025", T) == 19800.0
    assert U.BOE_ITC(igst, cess, "Accept", "06-11-2025", T, "IGST") == 18000.0
    assert U.BOE_ITC(igst, cess, "Accept", "06-11-2025", T, " cess ") == 1800.0
    assert U.BOE_ITC(igst, cess, "Accept", "06-11-2025", T, "both") == 19800.0


@pytest.mark.parametrize("action, ref, as_of, remark", [
    ("Accept", "06-11-2025", T, None), ("Keep Pending", "06-11-2025", T, None),
    (None, "06-11-2025", T, None), (None, "06-11-2025", date(2025, 12, 14), None),
    ("Reject", "06-11-2025", T, "not ours"), ("Reject", "06-11-2025", date(2025, 12, 15), ""),
    ("Keep Pending", "06-10-2025", T, None), ("Accept", "06-10-2025", T, None),
])
def test_boe_itc_agrees_with_the_engine(action, ref, as_of, remark):
    got = U.BOE_ITC(18000.0, 1800.0, action, ref, as_of, None, remark)
    result = engine_one(action, d(ref), as_of, remark or "", as_of, "18000", "1800")
    expected = float(result.itc.igst + result.itc.cess) if result.itc else 0.0
    assert got == expected
    assert type(got) is float


def test_boe_itc_nothing_while_not_credited():
    assert U.BOE_ITC(18000.0, None, "Keep Pending", "06-11-2025", T) == 0.0
    assert U.BOE_ITC(18000.0, None, None, "06-11-2025", T) == 0.0        # open
    assert U.BOE_ITC(18000.0, None, "Reject", "06-11-2025", T, None, "not ours") == 0.0
    # An unconfirmed Reject never removes credit: deemed accepted once GSTR-2B is out.
    assert U.BOE_ITC(18000.0, None, "Reject", "06-11-2025", date(2025, 12, 15)) == 18000.0


def test_boe_itc_rounds_half_up_to_paise_only_at_the_edge():
    assert U.BOE_ITC(1.005, 0, "Accept", "06-11-2025", T) == 1.01      # float round() gives 1.0
    assert U.BOE_ITC(0.125, 0, "Accept", "06-11-2025", T) == 0.13      # round(0.125, 2) is 0.12
    # Summed exactly, rounded once: 0.25 (rounding each head first would give 0.26).
    assert U.BOE_ITC(0.125, 0.125, "Accept", "06-11-2025", T) == 0.25
    assert sf.boe_itc(0.1, 0.2, "Accept", "06-11-2025", T) == Decimal("0.3")  # exact inside
    assert U.BOE_ITC(0.1, 0.2, "Accept", "06-11-2025", T) == 0.3


@settings(max_examples=300, deadline=None)
@given(amount=st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**15 + 1,
                          max_value=10**15 - 1))
def test_money_edge_rounds_exactly_as_round2(amount):
    from ims_xl.money import round2
    assert U._money(amount) == float(round2(amount))
    assert U._money(None) is None and U._money("x") == "x"


def test_boe_itc_bad_arguments():
    assert U.BOE_ITC("abc", 0, "Accept", "06-11-2025", T) == (
        "#IMS: IGST: 'abc' is not an amount. Type a number such as 1,23,456.78.")
    assert U.BOE_ITC(18000.0, "#N/A", "Accept", "06-11-2025", T) == (
        "#IMS: Cess is the Excel error #N/A")
    assert U.BOE_ITC(-5.0, 0, "Accept", "06-11-2025", T) == (
        "#IMS: IGST is negative (-5.0): an amount on a Bill of Entry never is")
    assert U.BOE_ITC(True, 0, "Accept", "06-11-2025", T) == "#IMS: IGST: TRUE is not an amount"
    assert U.BOE_ITC(18000.0, 0, "Accept", "06-11-2025", T, "sgst") == (
        "#IMS: Head 'sgst' is not IGST or Cess (or blank for both)")
    assert U.BOE_ITC(18000.0, 0, "Accept", None, T) == "#IMS: Reference date missing"


def test_boe_itc_blank_amounts_are_zero(today):
    assert U.BOE_ITC(None, None, "Accept", "06-11-2025") == 0.0
    assert U.BOE_ITC(18000.0, "", "Accept", "06-11-2025") == 18000.0


# ---------------------------------------------------------------------------------------------
# BOE_2B_PERIOD

PERIOD_CASES = [
    # reference date, action, action date, as-of, remark, expected
    ("06-10-2025", "Accept", "05-11-2025", T, None, "102025"),
    ("06-10-2025", "Accept", "08-12-2025", T, None, "102025"),       # after close: deemed
    ("06-10-2025", "Keep Pending", "10-11-2025", T, None, "Pending"),
    ("06-10-2025", "Keep Pending", "10-11-2025", date(2025, 12, 21), None, "Pending"),
    ("06-10-2025", "Keep Pending", "25-11-2025", T, None, "102025"),  # too late to hold it
    ("06-11-2025", "Accept", None, T, None, "112025"),
    ("06-11-2025", "Accept", "11-12-2025", T, None, "Open until 14-12-2025"),  # not yet taken
    ("06-11-2025", None, None, T, None, "Open until 14-12-2025"),
    ("06-11-2025", None, None, date(2025, 12, 14), None, "112025"),
    ("06-11-2025", "Reject", "09-12-2025", T, "not ours", "Open until 14-12-2025"),  # blocked
    ("06-11-2025", "Reject", "09-12-2025", date(2025, 12, 15), "not ours", "112025"),
    ("06-11-2025", "Reject", "09-12-2025", T, None, "Open until 14-12-2025"),
]


@pytest.mark.parametrize("ref, action, acted, as_of, remark, expected", PERIOD_CASES)
def test_boe_2b_period_values_agree_with_the_engine(ref, action, acted, as_of, remark,
                                                     expected):
    assert U.BOE_2B_PERIOD(ref, action, acted, as_of, remark) == expected
    result = engine_one(action, d(ref), d(acted) if acted else as_of, remark or "", as_of)
    period = result.itc_period or result.rejected_period
    if period is not None:
        assert str(period) == expected
    elif result.status is Status.OPEN:
        assert expected == f"Open until {format_date(result.deemed_on)}"
    else:
        assert expected == result.status.label


@pytest.mark.parametrize("acted", shapes(date(2025, 11, 5)) + [None])
def test_boe_2b_period_action_date_shapes(acted):
    # A blank action date is the as-of date (10-12-2025: after October closed).
    expected = "102025"
    assert U.BOE_2B_PERIOD("06-10-2025", "Accept", acted, T) == expected
    # Keep Pending on 05-11 holds it at October's close; taken on 10-12 it comes too late.
    assert U.BOE_2B_PERIOD("06-10-2025", "Keep Pending", acted, T) == (
        "102025" if acted is None else "Pending")


def test_boe_2b_period_bad_arguments():
    assert U.BOE_2B_PERIOD("06-10-2025", "Accept", "31-11-2025", T) == (
        "#IMS: Action date: '31-11-2025' is not a real date: November 2025 has 30 days.")
    assert U.BOE_2B_PERIOD("06-10-2025", "Accept", "#VALUE!", T) == (
        "#IMS: Action date is the Excel error #VALUE!")
    assert U.BOE_2B_PERIOD(None, "Accept") == "#IMS: Reference date missing"


def test_boe_2b_period_keeps_the_leading_zero(today):
    assert U.BOE_2B_PERIOD("06-01-2025", "Accept", "05-02-2025") == "012025"


# ---------------------------------------------------------------------------------------------
# BOE_CHECK

def test_boe_check_ok(today):
    assert U.BOE_CHECK("INNSA1", "2566282", "03-10-2025", "06-10-2025", "Accept", None) == "OK"
    assert U.BOE_CHECK(" innsa1 ", 2566282.0, dt(d("03-10-2025")), 45936.0, None, None) == "OK"
    assert U.BOE_CHECK([["INNSA1"]], Decimal("2566282"), "03-10-2025", "06-10-2025") == "OK"
    assert U.BOE_CHECK("INNSA1", 12345, "03-10-2025", "03-10-2025", "Keep Pending",
                       "in warehouse") == "OK"


def test_boe_check_uses_the_rules_sentences(today):
    ok = ("INNSA1", "2566282", "03-10-2025", "06-10-2025")
    assert U.BOE_CHECK("INNSA", *ok[1:]) == message("PORT_CODE_INVALID", value="INNSA").text
    assert U.BOE_CHECK("18272A", *ok[1:]) == (
        "Warning: " + message("PORT_CODE_UNUSUAL", value="18272A").text)
    assert U.BOE_CHECK(ok[0], "123", *ok[2:]) == boe_number_id.problem("123")
    assert U.BOE_CHECK(ok[0], "2.57E+06", *ok[2:]) == boe_number_id.problem("2.57E+06")
    assert U.BOE_CHECK(*ok, "approve") == message("ACTION_UNKNOWN", action="approve").text
    # rules 2.0: the default reject policy 'block' refuses every Reject, remark or not
    assert U.BOE_CHECK(*ok, "Reject") == message("REJECT_BLOCKED").text
    assert U.BOE_CHECK(*ok, "Reject", "") == message("REJECT_BLOCKED").text
    assert U.BOE_CHECK(*ok, "Reject", "belongs to another GSTIN") == (
        message("REJECT_BLOCKED").text)


def test_boe_check_dates(today):
    assert U.BOE_CHECK("INNSA1", "2566282", "07-10-2025", "06-10-2025") == (
        "The BoE date 07-10-2025 is after the reference date 06-10-2025: check both dates "
        "against the Bill of Entry.")
    assert U.BOE_CHECK("INNSA1", "2566282", "03-12-2025", "11-12-2025") == (
        "The reference date 11-12-2025 is after the as-of date 10-12-2025: this BoE cannot be "
        "acted on yet.")
    assert U.BOE_CHECK("INNSA1", "2566282", None, "06-10-2025") == (
        "The BoE date is missing: type it from the Bill of Entry.")
    assert U.BOE_CHECK("INNSA1", "2566282", "03-10-2025", None) == (
        "The reference date is missing: type it from the Bill of Entry.")
    assert U.BOE_CHECK("INNSA1", "2566282", "31-02-2025", "06-10-2025") == (
        "BoE date: '31-02-2025' is not a real date: February 2025 has 28 days.")
    assert U.BOE_CHECK("INNSA1", "2566282", "03-10-2025", "soon") == (
        "Reference date: 'soon' is not a date. Type the date as DD-MM-YYYY.")


def test_boe_check_reports_the_first_problem_in_argument_order(today):
    port_first = U.BOE_CHECK("INN", "12", "31-02-2025", None, "approve")
    assert port_first == message("PORT_CODE_INVALID", value="INN").text
    number_next = U.BOE_CHECK("INNSA1", "12", "31-02-2025", None, "approve")
    assert number_next == boe_number_id.problem("12")
    # An error beats a warning that comes earlier.
    assert U.BOE_CHECK("18272A", "2566282", "03-10-2025", "06-10-2025", "Reject") == (
        message("REJECT_BLOCKED").text)


def test_boe_check_excel_errors(today):
    assert U.BOE_CHECK("#N/A", "2566282", "03-10-2025", "06-10-2025") == (
        "#IMS: Port code is the Excel error #N/A")
    assert U.BOE_CHECK("INNSA1", "2566282", "#REF!", "06-10-2025") == (
        "#IMS: BoE date is the Excel error #REF!")


# ---------------------------------------------------------------------------------------------
# BOE_CUTOFF and BOE_DAYS_LEFT

@pytest.mark.parametrize("value", [
    "102025", " 102025 ", "'102025", 102025.0, 102025, Decimal("102025"), [[102025.0]],
    dt(date(2025, 10, 3)), date(2025, 10, 31), 45933.0, 45933, "03-10-2025", "45933",
    "2025-10-01",
])
def test_boe_cutoff_period_or_date_shapes(value):
    assert U.BOE_CUTOFF(value) == datetime(2025, 11, 14)
    assert sf.boe_cutoff(value) == date(2025, 11, 14)


@pytest.mark.parametrize("value", [12026.0, 12026, "12026", "012026", Decimal("12026")])
def test_boe_cutoff_period_whose_leading_zero_excel_dropped(value):
    assert U.BOE_CUTOFF(value) == datetime(2026, 2, 14)


def test_boe_cutoff_is_a_datetime_for_excel():
    assert type(U.BOE_CUTOFF("122025")) is datetime
    assert U.BOE_CUTOFF("122025") == datetime(2026, 1, 14)


@pytest.mark.parametrize("value, expected", [
    ("132025", "#IMS: Period or date: '132025' is not a period (MMYYYY, such as 102025)"),
    (132025.0, "#IMS: Period or date: '132025' is not a period (MMYYYY, such as 102025)"),
    ("Oct", "#IMS: Period or date: 'Oct' is neither a period (MMYYYY, such as 102025) nor a "
            "date (DD-MM-YYYY)"),
    (None, "#IMS: Period or date missing"),
    ("", "#IMS: Period or date missing"),
    ("#N/A", "#IMS: Period or date is the Excel error #N/A"),
    (True, "#IMS: Period or date: 'TRUE' is neither a period (MMYYYY, such as 102025) nor a "
           "date (DD-MM-YYYY)"),
    ([102025.0, 112025.0], "#IMS: Period or date must be one cell, not a range of 2 cells"),
])
def test_boe_cutoff_bad_arguments(value, expected):
    assert U.BOE_CUTOFF(value) == expected


def test_boe_cutoff_agrees_with_the_calendar():
    from ims_xl.gst_calendar import gstr2b_date
    for code in ("042025", "092025", "102025", "122025", "032026"):
        assert U.BOE_CUTOFF(code) == dt(gstr2b_date(Period.parse(code), Settings()))


@pytest.mark.parametrize("as_of, expected", [
    (date(2025, 12, 10), 4), (date(2025, 12, 14), 0), (date(2025, 12, 20), -6),
    ("10-12-2025", 4), (46001.0, 4), (dt(date(2025, 12, 13)), 1),
])
def test_boe_days_left(as_of, expected):
    assert U.BOE_DAYS_LEFT("112025", as_of) == expected
    assert U.BOE_DAYS_LEFT(dt(date(2025, 11, 6)), as_of) == expected


def test_boe_days_left_blank_as_of_is_today(today):
    assert U.BOE_DAYS_LEFT(112025.0) == 4
    assert U.BOE_DAYS_LEFT("112025", "#N/A") == "#IMS: As-of date is the Excel error #N/A"


# ---------------------------------------------------------------------------------------------
# GSTIN_CHECK, PORT_CODE_CHECK, BOE_NUMBER

@pytest.mark.parametrize("value", ["27AAPFU0939F1ZV", " 27aapfu0939f1zv ", "27-AAPFU-0939F-1ZV",
                                   [["27AAPFU0939F1ZV"]], "38AAPFU0939F1ZS", "9917USA29001OSH"])
def test_gstin_check_ok(value):
    assert U.GSTIN_CHECK(value) == "OK"


@pytest.mark.parametrize("value", ["01AABCE2207R1Z5", "27AAPFU0939F1Z", "45AAPFU0939F1ZV",
                                   None, "", 27.0])
def test_gstin_check_problems_are_the_identifier_sentences(value):
    assert U.GSTIN_CHECK(value) == gstin_id.problem(value)
    assert not U.GSTIN_CHECK(value).startswith("#IMS")


def test_gstin_check_excel_error():
    assert U.GSTIN_CHECK("#NAME?") == "#IMS: GSTIN is the Excel error #NAME?"


@pytest.mark.parametrize("value, expected", [
    ("INNSA1", "OK"), ("innsa 1", "OK"), ("INPTPB", "OK"), ([["INDEL4"]], "OK"),
    ("INNSA", port_code_id.problem("INNSA")), ("INNS/1", port_code_id.problem("INNS/1")),
    (None, port_code_id.problem(None)),
    ("18272A", "Warning: " + message("PORT_CODE_UNUSUAL", value="18272A").text),
    (123456.0, "Warning: " + message("PORT_CODE_UNUSUAL", value="123456").text),
    ("#REF!", "#IMS: Port code is the Excel error #REF!"),
])
def test_port_code_check(value, expected):
    assert U.PORT_CODE_CHECK(value) == expected


@pytest.mark.parametrize("value, expected", [
    (2566282.0, "2566282"), (2566282, "2566282"), (Decimal("2566282.00"), "2566282"),
    ("2566282.0", "2566282"), (" 25 66 282 ", "2566282"), ("0012345", "0012345"),
    ("2.566282E6", "2566282"), ([[2566282.0]], "2566282"), ("'0012345", "0012345"),
])
def test_boe_number_normalised(value, expected):
    assert U.BOE_NUMBER(value) == expected


@pytest.mark.parametrize("value", ["2.57E+06", 123, "12345678", 2566282.5, "25A6282", None,
                                   True])
def test_boe_number_problems(value):
    assert U.BOE_NUMBER(value) == "#IMS: " + boe_number_id.problem(value)


def test_boe_number_excel_error():
    assert U.BOE_NUMBER("#N/A") == "#IMS: BoE number is the Excel error #N/A"


# ---------------------------------------------------------------------------------------------
# BOE_TABLE and GSTR3B_4A1

AS_OF = date(2025, 12, 15)   # November's GSTR-2B is out, its 3B not filed yet
SEZ = "29ABACS0877M1ZS"


def portal_row(section, amendment, port, number, boe_date, ref_date, period, taxable, igst,
               cess, action=None, action_date=None, remark=None, supplier=None):
    """A BoE sheet row in layout order, as xlwings passes it (floats, datetimes, None)."""
    cells = {"Section": section, "Amendment": amendment, "Port Code": port, "BoE No": number,
             "BoE Date": dt(d(boe_date)), "Reference Date": dt(d(ref_date)), "Period": period,
             "Taxable Value": taxable, "IGST": igst, "Cess": cess, "Supplier GSTIN": supplier,
             "Supplier Name": "Coastal SEZ Unit" if supplier else None,
             "Importer GSTIN": "27AAPFU0939F1ZV", "Action": action,
             "Action Date": dt(d(action_date)) if action_date else None, "Remark": remark}
    return [cells.get(h) for h in BOE.headers]


def sample_rows(amended_igst=12000.0):
    return [
        portal_row("IMPG", "No", "INNSA1", "2566282", "03-10-2025", "06-10-2025", "102025",
                   100000.0, 10000.0, 0.0, "Accept", "05-11-2025"),
        portal_row("IMPG", "Yes", "INNSA1", "2566282", "03-10-2025", "05-12-2025", "122025",
                   120000.0, amended_igst, 0.0, "Accept", "10-12-2025"),
        portal_row("IMPG", "No", "INMAA1", "1234567", "01-11-2025", "03-11-2025", "112025",
                   50000.0, 9000.0, 500.0),
        portal_row("IMPGSEZ", "No", "INMUN1", "7100101", "06-11-2025", "09-11-2025", "112025",
                   20000.0, 3600.0, None, "Keep Pending", "10-12-2025", "quality check",
                   supplier=SEZ),
        [None] * len(BOE.headers),
        portal_row("IMPG", "No", "INDEL4", "7654321", "10-11-2025", "12-11-2025", "112025",
                   1000.0, 180.0, 0.0, "Reject", "12-12-2025", "not ours"),
    ]


REJECT_BLOCKED = "ERROR REJECT_BLOCKED: " + message("REJECT_BLOCKED").text
EXPECTED = [
    ["Accepted", "102025", 10000.0, 0.0, ""],
    ["Accepted", "122025", 2000.0, 0.0, ""],        # the amendment carries the differential
    ["Deemed accepted", "112025", 9000.0, 500.0, ""],
    ["Pending", "", None, None, ""],
    ["", "", None, None, ""],                       # an empty row of the range
    # rules 2.0: the Reject is blocked (default policy), so November's 2B deems it accepted
    ["Deemed accepted", "112025", 180.0, 0.0, REJECT_BLOCKED],
]


def test_boe_table_values_without_header():
    assert U.BOE_TABLE(sample_rows(), AS_OF) == EXPECTED


def test_boe_table_values_with_header():
    out = U.BOE_TABLE([list(BOE.headers)] + sample_rows(), AS_OF)
    assert out == [list(sf.TABLE_COLUMNS)] + EXPECTED


def test_boe_table_header_in_any_order_with_only_some_columns():
    names = ["Reference Date", "boe date", "BoE No", "PORT CODE", "Section", "Amendment",
             "IGST", "Cess", "Action", "Action Date", "Remark", "Period", "Supplier GSTIN"]
    rows = [[row[BOE.index(next(h for h in BOE.headers if h.lower() == n.lower()))]
             for n in names] for row in sample_rows()]
    out = U.BOE_TABLE([names] + rows, AS_OF)
    assert out == [list(sf.TABLE_COLUMNS)] + EXPECTED


def _excel_variants(rows, kind):
    """The same rows with cells as other Excel settings and formats pass them."""
    out = []
    for row in rows:
        row = list(row)
        for h in ("BoE Date", "Reference Date", "Action Date"):
            v = row[BOE.index(h)]
            if isinstance(v, datetime):
                row[BOE.index(h)] = {"serial": float(to_excel_serial(v)),
                                     "text": format_date(v.date()),
                                     "decimal": float(to_excel_serial(v))}[kind]
        for h in ("Taxable Value", "IGST", "Cess"):
            v = row[BOE.index(h)]
            if isinstance(v, float):
                row[BOE.index(h)] = {"serial": int(v) if v.is_integer() else v,
                                     "text": f"{v:,.2f}",
                                     "decimal": Decimal(repr(v))}[kind]
        if row[BOE.index("BoE No")] is not None:
            row[BOE.index("BoE No")] = {"serial": float(row[BOE.index("BoE No")]),
                                        "text": " " + row[BOE.index("BoE No")],
                                        "decimal": Decimal(row[BOE.index("BoE No")])}[kind]
        if row[BOE.index("Period")] is not None:
            row[BOE.index("Period")] = float(row[BOE.index("Period")])
        out.append(row)
    return out


@pytest.mark.parametrize("kind", ["serial", "text", "decimal"])
def test_boe_table_cell_shapes(kind):
    assert U.BOE_TABLE(_excel_variants(sample_rows(), kind), AS_OF) == EXPECTED


def test_boe_table_accepts_tuples_and_a_flat_single_row():
    assert U.BOE_TABLE(tuple(tuple(r) for r in sample_rows()), AS_OF) == EXPECTED
    assert U.BOE_TABLE(sample_rows()[0], AS_OF) == [EXPECTED[0]]


def test_boe_table_agrees_with_evaluate_on_the_same_rows():
    rows = sample_rows(amended_igst=7000.0)
    out = sf.boe_table(rows, AS_OF)
    versions, actions, used = [], [], []
    for i, row in enumerate(rows):
        cells = dict(zip(BOE.headers, row))
        if all(v is None for v in cells.values()):
            continue
        v = R.version_from_row(cells, vid=f"v{i}", sheet="BoE", line=i + 1, problems=[])
        versions.append(v)
        used.append(i)
        if cells["Action"]:
            actions.append(Action(v.id, parse_action(cells["Action"]),
                                  cells["Action Date"].date(), cells["Remark"] or "",
                                  raw=cells["Action"], seq=i))
    evaluation = evaluate(versions, actions, Settings(), AS_OF)
    for i, result in zip(used, evaluation.records):
        period = result.itc_period or result.rejected_period
        assert out[i] == [result.status.label, str(period) if period else "",
                          result.itc.igst if result.itc else None,
                          result.itc.cess if result.itc else None,
                          messages_text(result.messages)]
    # The amendment reduces credit: -3000 IGST, with the rules' warning.
    assert out[1][:3] == ["Accepted", "122025", Decimal("-3000.0")]
    assert out[1][4].startswith("WARNING NEGATIVE_DIFFERENTIAL: ")


def test_boe_table_row_problems_are_in_messages():
    rows = sample_rows()[:1]
    rows[0][BOE.index("BoE Date")] = "31-02-2025"
    rows[0][BOE.index("Action Date")] = "someday"
    rows[0][BOE.index("IGST")] = "#N/A"
    out = U.BOE_TABLE(rows, AS_OF)
    status, period, igst, cess, messages = out[0]
    lines = messages.split("\n")
    assert lines[0] == ("ERROR INPUT: BoE Date: '31-02-2025' is not a real date: "
                        "February 2025 has 28 days.")
    assert lines[1] == ("ERROR INPUT: Action Date: 'someday' is not a date. Type the date as "
                        "DD-MM-YYYY. The as-of date is used.")
    assert any(line.startswith("ERROR AMOUNT_INVALID: IGST '#N/A' is not an amount")
               for line in lines)
    # Accept dated the as-of date (15-12), after October closed: deemed accepted, IGST as 0.
    assert (status, period, igst, cess) == ("Deemed accepted", "102025", 0.0, 0.0)


def test_boe_table_unknown_action_and_duplicates():
    rows = [sample_rows()[2], sample_rows()[2]]
    rows[0][BOE.index("Action")] = "approve"
    rows[0][BOE.index("Action Date")] = dt(d("10-12-2025"))
    out = U.BOE_TABLE(rows, AS_OF)
    assert out[0][:4] == ["Deemed accepted", "112025", 9000.0, 500.0]
    assert out[0][4] == "ERROR ACTION_UNKNOWN: " + message("ACTION_UNKNOWN", action="approve").text
    assert out[1] == ["Duplicate", "", None, None,
                      "ERROR DUPLICATE_RECORD: " + message("DUPLICATE_RECORD").text]


def test_boe_table_blank_as_of_is_today(today):
    assert U.BOE_TABLE(sample_rows()[2:3]) == [["Open", "", None, None, ""]]
    assert U.BOE_TABLE(sample_rows()[2:3], "12-12-2025") == [["Open", "", None, None, (
        "WARNING CUTOFF_NEAR: " + message("CUTOFF_NEAR", days=2, deadline="14-12-2025").text)]]


def test_boe_table_header_only():
    assert U.BOE_TABLE([list(BOE.headers)], AS_OF) == [list(sf.TABLE_COLUMNS)]


@pytest.mark.parametrize("table, expected", [
    ("INNSA1", "#IMS: BoE table must be a range: select the BoE table (with its header row, "
               "or its columns in the BoE sheet's order)"),
    (None, "#IMS: BoE table must be a range: select the BoE table (with its header row, or "
           "its columns in the BoE sheet's order)"),
    ([["IMPG", "No", "INNSA1"]], "#IMS: the table has 3 column(s); without a header row it "
     "needs the BoE table's columns in order (Section, Amendment, Port Code, BoE No, BoE Date, "
     "Reference Date, ...): select the whole BoE table"),
    ([["Section", "Port Code", "BoE No", "BoE Date"], ["IMPG", "INNSA1", "2566282", None]],
     "#IMS: the table's header row has no 'Reference Date' column: select the whole BoE table"),
])
def test_boe_table_bad_tables(table, expected):
    assert U.BOE_TABLE(table, AS_OF) == expected


def test_boe_table_bad_as_of():
    assert U.BOE_TABLE(sample_rows(), "#N/A") == "#IMS: As-of date is the Excel error #N/A"


def test_boe_table_money_leaves_as_rounded_floats():
    rows = sample_rows()[:1]
    rows[0][BOE.index("IGST")] = Decimal("1000.005")
    out = U.BOE_TABLE(rows, AS_OF)
    assert out[0][2] == 1000.01 and type(out[0][2]) is float
    assert sf.boe_table(rows, AS_OF)[0][2] == Decimal("1000.005")   # exact until the edge


@pytest.mark.parametrize("period, head, expected", [
    # November: 9000 + 500 cess, and the 180 of the BoE whose Reject is blocked (rules 2.0)
    ("102025", None, 10000.0), (102025.0, "IGST", 10000.0), ("112025", None, 9680.0),
    ("112025", "igst", 9180.0), ("112025", "Cess", 500.0), (112025, "", 9680.0),
    ("122025", None, 2000.0), (dt(date(2025, 12, 1)), None, 2000.0),
    ("092025", None, 0.0), (92025.0, None, 0.0),
])
def test_gstr3b_4a1(period, head, expected):
    assert U.GSTR3B_4A1(sample_rows(), period, head, AS_OF) == expected
    assert U.GSTR3B_4A1([list(BOE.headers)] + sample_rows(), period, head, AS_OF) == expected


def test_gstr3b_4a1_agrees_with_evaluate_figures():
    rows = sample_rows(amended_igst=7000.0)
    run = sf._TableRun(rows, AS_OF)
    for period, figures in run.evaluation.periods.items():
        table = figures.table_4a1
        assert U.GSTR3B_4A1(rows, str(period), "IGST", AS_OF) == float(table.igst)
        assert U.GSTR3B_4A1(rows, str(period), "Cess", AS_OF) == float(table.cess)
    # December: the amendment reduces IGST by 3000, so 4(A)(1) has none of it.
    assert U.GSTR3B_4A1(rows, "122025", None, AS_OF) == 0.0


def test_gstr3b_4a1_bad_arguments():
    assert U.GSTR3B_4A1(sample_rows(), "012026", None, AS_OF) == (
        "#IMS: period 012026 has not started on the as-of date 15-12-2025")
    assert U.GSTR3B_4A1(sample_rows(), "#N/A", None, AS_OF) == (
        "#IMS: Period is the Excel error #N/A")
    assert U.GSTR3B_4A1(sample_rows(), "102025", "vat", AS_OF) == (
        "#IMS: Head 'vat' is not IGST or Cess (or blank for both)")
    assert U.GSTR3B_4A1(sample_rows(), None, None, AS_OF) == "#IMS: Period missing"


# ---------------------------------------------------------------------------------------------
# BOE_TABLE's fast row reader against the workbook's reader (rows.version_from_row)

def _reference_version(cells):
    """The full path of the workbook's reader (the fast path switched off)."""
    problems = []
    with mock.patch.object(R, "plain_version", lambda cells, vid: None):
        version = R.version_from_row(cells, vid="v", sheet="BoE", line=2, problems=problems)
    return version, problems


column_cells = {
    "Section": st.sampled_from(["IMPG", "IMPGA", "IMPGSEZ", "IMPGSEZA", "impg", " IMPG",
                                "SEZ", "", None, 1.0]),
    "Amendment": st.sampled_from(["Yes", "No", "", None, "yes", "Y", True, 1.0]),
    "Port Code": st.one_of(st.none(), st.sampled_from(["INNSA1", " innsa1 ", "18272A", ""]),
                           st.text(max_size=8), st.floats()),
    "BoE No": st.one_of(st.none(), st.sampled_from(["2566282", "0012345", " 2566282",
                                                    "2.57E+06", "12", "٢٥٦٦٢٨٢"]),
                        st.floats(), st.integers(-10**8, 10**8), st.text(max_size=9)),
    "BoE Date": st.one_of(st.none(), st.datetimes(min_value=datetime(2017, 7, 1),
                                                  max_value=datetime(2027, 1, 1)),
                          st.sampled_from(["03-10-2025", "31-02-2025", 45933.0, ""])),
    "Reference Date": st.one_of(st.none(), st.datetimes(min_value=datetime(2017, 7, 1),
                                                        max_value=datetime(2027, 1, 1)),
                                st.sampled_from(["06-10-2025", 45936.0, "soon"])),
    "Period": st.one_of(st.none(), st.sampled_from(["102025", " 102025", "12026", "132025",
                                                    "", "  ", 102025.0, "012026"])),
    "Taxable Value": st.one_of(st.none(), st.floats(), st.integers(-10**16, 10**16),
                               st.decimals(), st.sampled_from(["1,000.50", "", "abc"])),
    "IGST": st.one_of(st.none(), st.floats(), st.integers(-10**16, 10**16), st.decimals(),
                      st.sampled_from(["18000", "#N/A"])),
    "Cess": st.one_of(st.none(), st.floats(), st.decimals(allow_nan=True), st.just(True)),
    "Supplier GSTIN": st.one_of(st.none(), st.sampled_from([SEZ, " " + SEZ + " ", ""]),
                                st.floats()),
    "Supplier Name": st.one_of(st.none(), st.text(max_size=6)),
    "Importer GSTIN": st.one_of(st.none(), st.sampled_from(["27AAPFU0939F1ZV", "x", 27.0])),
}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.fixed_dictionaries(column_cells))
def test_fast_row_reader_agrees_with_version_from_row(cells):
    fast = R.plain_version(cells, "v")
    if fast is not None:
        reference, problems = _reference_version(cells)
        assert problems == []
        assert fast == reference


plain_cells = {
    "Section": st.sampled_from(["IMPG", "IMPGA", "IMPGSEZ", "IMPGSEZA"]),
    "Amendment": st.sampled_from(["Yes", "No", "", None]),
    "Port Code": st.one_of(st.none(), st.text(max_size=8)),
    "BoE No": st.one_of(st.text(alphabet="0123456789", min_size=1, max_size=9),
                        st.integers(-10**9, 10**9).map(float), st.floats(),
                        st.text(alphabet="0123456789 ٢", max_size=8)),
    "BoE Date": st.one_of(st.none(), st.datetimes(min_value=datetime(2017, 7, 1),
                                                  max_value=datetime(2030, 1, 1))),
    "Reference Date": st.one_of(st.none(), st.datetimes(min_value=datetime(2017, 7, 1),
                                                        max_value=datetime(2030, 1, 1))),
    "Period": st.one_of(st.none(), st.just(""), st.sampled_from(["102025", " 012026 ",
                                                                 "12026", "132025", " "]),
                        st.text(alphabet="0123456789 ", max_size=7)),
    "Taxable Value": st.one_of(st.none(), st.floats(), st.integers(-10**15, 10**15),
                               st.decimals(), st.just(1e14), st.just(-99999999999999.99)),
    "IGST": st.one_of(st.none(), st.floats(), st.integers(-10**15, 10**15), st.decimals()),
    "Cess": st.one_of(st.none(), st.floats(), st.just(-0.0), st.decimals(places=3)),
    "Supplier GSTIN": st.one_of(st.none(), st.text(max_size=16)),
    "Supplier Name": st.one_of(st.none(), st.text(max_size=8)),
    "Importer GSTIN": st.one_of(st.none(), st.text(max_size=16)),
}


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.fixed_dictionaries(plain_cells))
def test_fast_row_reader_agrees_on_plain_looking_rows(cells):
    fast = R.plain_version(cells, "v")
    if fast is not None:
        reference, problems = _reference_version(cells)
        assert problems == []
        assert fast == reference
        assert [str(x) for x in (fast.taxable_value, fast.igst, fast.cess)] == [
            str(x) for x in (reference.taxable_value, reference.igst, reference.cess)]


def test_fast_row_reader_takes_the_plain_rows():
    plain = [dict(zip(BOE.headers, row)) for row in sample_rows() if any(row)]
    for cells in plain:
        fast = R.plain_version(cells, "v")
        assert fast is not None and fast == _reference_version(cells)[0]
    # Rows with other shapes go to version_from_row (and give the same results: see
    # test_boe_table_cell_shapes).
    for kind in ("serial", "text", "decimal"):
        rows = [r for r in _excel_variants(sample_rows(), kind) if any(r)]
        assert all(R.plain_version(dict(zip(BOE.headers, r)), "v") is None for r in rows)


# ---------------------------------------------------------------------------------------------
# The workbook's settings: the last argument, IMS_SETTINGS


@pytest.fixture(scope="module")
def template_book(tmp_path_factory):
    from workbook_template.template import build_template
    path = tmp_path_factory.mktemp("settings") / "book.xlsx"
    build_template(path, gstin="27AAPFU0939F1ZV")
    return path


def settings_range(path: Path) -> list[list]:
    """The range IMS_SETTINGS of a workbook as xlwings passes it to a function: rows of cells,
    numbers as float, dates as datetime, blanks as None."""
    import openpyxl
    wb = openpyxl.load_workbook(path, data_only=True)
    ref = wb.defined_names["IMS_SETTINGS"].attr_text.split("!")[1].replace("$", "")
    return [[float(c.value) if type(c.value) is int else c.value for c in row]
            for row in wb["Settings"][ref]]


def test_settings_range_of_a_new_workbook_is_what_recompute_reads(template_book):
    from ims_xl.workbook.fast_book import FastBook
    from ims_xl.workbook.state import read_settings
    rules, as_of, _, _ = read_settings(FastBook(template_book))
    got = sf.read_settings(settings_range(template_book))
    assert got.rules == rules == Settings(gstin="27AAPFU0939F1ZV") and got.as_of is as_of is None


def test_settings_range_with_every_setting_changed_is_what_recompute_reads(template_book,
                                                                           tmp_path):
    """Every value and table of the sheet, changed: the functions and Recompute agree."""
    from ims_xl.workbook.fast_book import FastBook
    from ims_xl.workbook.layout import ANNUAL_RETURNS, FILED_3B, GENERATED_2B
    from ims_xl.workbook.openpyxl_book import OpenpyxlBook
    from ims_xl.workbook.state import read_settings
    path = tmp_path / "changed.xlsx"
    path.write_bytes(template_book.read_bytes())
    book = OpenpyxlBook(path, quiet=True)
    for name, value in {"IMS_FILING": "quarterly", "IMS_AS_OF": date(2026, 1, 5),
                        "IMS_REJECT_POLICY": "warn", "IMS_START": "112025",
                        "IMS_PENDING_LIMIT": "section_16_4", "IMS_CUTOFF_DAYS": 5}.items():
        book.write_name(name, value)
    book.write_table(FILED_3B, [{"Period": "122025", "Filed on": date(2026, 1, 19)}])
    book.write_table(GENERATED_2B, [{"Period": "122025", "Generated on": date(2026, 1, 16)}])
    book.write_table(ANNUAL_RETURNS, [{"Financial Year": "2025-26",
                                       "Filed on": date(2026, 10, 1)}])
    book.save()
    rules, as_of, _, problems = read_settings(FastBook(path))
    assert problems == []
    got = sf.read_settings(settings_range(path))
    assert got.rules == rules and got.as_of == as_of == date(2026, 1, 5)
    assert (rules.reject_policy, rules.ims_start, rules.pending_limit, rules.cutoff_warning_days,
            rules.generated_2b, rules.annual_return_filed) == (
        RejectPolicy.WARN, Period(2025, 11), PendingLimit.SECTION_16_4, 5,
        {Period(2025, 12): date(2026, 1, 16)}, {2025: date(2026, 10, 1)})
    # and the functions use them: the quarter's GSTR-2B date from Generated2B
    assert U.BOE_CUTOFF("112025", settings_range(path)) == datetime(2026, 1, 16)


def test_settings_rows_by_label_name_or_engine_key():
    by_label = sf.read_settings([["Reject policy", "warn"], ["Pending limit", "one_period"]])
    by_name = sf.read_settings([["IMS_REJECT_POLICY", "warn"], ["ims_pending_limit", "one_period"]])
    by_key = sf.read_settings([["reject_policy", " WARN "], ["pending_limit", "one_period"]])
    assert by_label == by_name == by_key
    assert by_key.rules == Settings(reject_policy=RejectPolicy.WARN,
                                    pending_limit=PendingLimit.ONE_PERIOD)
    # a column pair anywhere in the range, and one row passed flat
    assert sf.read_settings([[None, None, "IMS start (MMYYYY)", 92025.0]]).rules.ims_start == \
        Period(2025, 9)   # Excel dropped the leading zero of 092025
    assert sf.read_settings(["Filing frequency", "quarterly"]).rules.filing.value == "quarterly"


@pytest.mark.parametrize("blank", [None, "", [[None]], [[None, ""], ["  ", None]], []])
def test_blank_settings_are_the_defaults_of_rules_2_0(blank):
    assert sf.read_settings(blank) == sf.SheetSettings(Settings())
    assert U.BOE_STATUS("Reject", "06-11-2025", T, "not ours", blank) == \
        "Open - deemed accepted on 14-12-2025"


@pytest.mark.parametrize("settings_value, expected", [
    ([["Reject policy", "blok"]],
     "#IMS: Settings: Reject policy: 'blok' is not a choice. Choose one from the "
     "dropdown: block, warn, allow."),
    ([["IMS start (MMYYYY)", "13-2025"]],
     "#IMS: Settings: IMS start: period '13-2025' is not MMYYYY (month 01-12, then a four-digit "
     "year). Write the first period IMS handles as MMYYYY, such as 102025, or leave "
     "it blank."),
    ([["GSTIN", "27AAPFU0939F1ZX"]], None),
    ([["Reject policy", "#N/A"]], "#IMS: Settings: Reject policy is the Excel error #N/A"),
    ([["Reject policy", "warn"], ["reject_policy", "block"]],
     "#IMS: Settings: 'reject_policy' is there twice: give the name IMS_SETTINGS (the Settings "
     "sheet from its header row), or leave it blank for the defaults"),
    ("warn", "#IMS: Settings: no setting found in the range: give the name IMS_SETTINGS (the "
             "Settings sheet from its header row), or leave it blank for the defaults"),
    ([["Financial Year", "Filed on"], ["2025-27", dt(date(2026, 10, 1))]],
     "#IMS: Settings: AnnualReturns row 1: '2025-27' is not a financial year: write it as "
     "YYYY-YY (2025-26). Write the financial year as YYYY-YY, such as 2025-26."),
    ([["Period", "Filed on"], ["112025", "#VALUE!"]],
     "#IMS: Settings: table Filed3B, column Filed on: the Excel error #VALUE!"),
])
def test_bad_settings_are_a_sentence_not_a_silent_default(settings_value, expected):
    answer = U.BOE_STATUS("Accept", "06-11-2025", T, None, settings_value)
    if expected is None:   # the GSTIN's own sentence
        assert answer.startswith("#IMS: Settings: GSTIN '27AAPFU0939F1ZX' fails its check")
    else:
        assert answer == expected
    for fn in (lambda: U.BOE_CUTOFF("112025", settings_value),
               lambda: U.BOE_TABLE(sample_rows(), AS_OF, settings_value),
               lambda: U.GSTR3B_4A1(sample_rows(), "112025", None, AS_OF, settings_value),
               lambda: U.BOE_CHECK("INNSA1", "2566282", "03-10-2025", "06-10-2025", None, None,
                                   settings_value)):
        assert fn().startswith("#IMS: Settings: ")


WARN = [["Reject policy", "warn"]]
SETTING_CASES = [
    # settings rows, rules as the engine takes them, action, ref, acted, as-of, remark
    (WARN, Settings(reject_policy=RejectPolicy.WARN),
     "Reject", "06-11-2025", "09-12-2025", T, "not ours"),
    ([["Reject policy", "allow"]], Settings(reject_policy=RejectPolicy.ALLOW),
     "Reject", "06-11-2025", "09-12-2025", date(2025, 12, 15), "not ours"),
    (WARN, Settings(reject_policy=RejectPolicy.WARN),
     "Reject", "06-11-2025", "09-12-2025", T, None),                 # no remark: ignored
    ([["IMS start (MMYYYY)", "092025"]], Settings(ims_start=Period(2025, 9)),
     "Keep Pending", "20-09-2025", "05-10-2025", date(2025, 10, 20), None),
    ([], Settings(), "Keep Pending", "20-09-2025", "05-10-2025", date(2025, 10, 20), None),
    ([["Pending limit", "one_period"]], Settings(pending_limit=PendingLimit.ONE_PERIOD),
     "Keep Pending", "06-10-2025", "05-11-2025", date(2025, 12, 21), None),
    ([["Pending limit", "one_period"]], Settings(pending_limit=PendingLimit.ONE_PERIOD),
     "Keep Pending", "06-10-2025", "05-11-2025", date(2025, 12, 18), None),
    ([["Filing frequency", "quarterly"], ["GSTIN", "27AAPFU0939F1ZV"]],
     Settings(filing=Filing.QUARTERLY, gstin="27AAPFU0939F1ZV"),
     None, "06-10-2025", None, date(2026, 1, 10), None),
    ([["Period", "Filed on"], ["102025", dt(date(2025, 11, 12))]],
     Settings(filed_3b={Period(2025, 10): date(2025, 11, 12)}),
     "Accept", "06-10-2025", "15-11-2025", T, None),                 # after the real filing
    ([["Period", "Generated on"], ["112025", dt(date(2025, 12, 16))]],
     Settings(generated_2b={Period(2025, 11): date(2025, 12, 16)}),
     None, "06-11-2025", None, date(2025, 12, 15), None),
]


@pytest.mark.parametrize("rows, rules, action, ref, acted, as_of, remark", SETTING_CASES)
def test_single_row_functions_follow_the_settings_as_the_engine(rows, rules, action, ref, acted,
                                                                as_of, remark):
    result = engine_one(action, d(ref), d(acted) if acted else as_of, remark or "", as_of,
                        "18000", "0", rules)
    default = engine_one(action, d(ref), d(acted) if acted else as_of, remark or "", as_of,
                         "18000", "0")
    period = result.itc_period or result.rejected_period
    if acted is None:
        assert U.BOE_STATUS(action, ref, as_of, remark, rows) == engine_status_text(result)
    if period is not None:
        assert U.BOE_2B_PERIOD(ref, action, acted, as_of, remark, rows) == str(period)
    else:
        assert U.BOE_2B_PERIOD(ref, action, acted, as_of, remark, rows) == (
            f"Open until {format_date(result.deemed_on)}" if result.status is Status.OPEN
            else result.status.label)
    if acted is None or acted == format_date(as_of):
        itc = float(result.itc.igst) if result.itc else 0.0
        assert U.BOE_ITC(18000.0, 0.0, action, ref, as_of, None, remark, rows) == itc
    # each case is one where the setting changes the engine's result (else it tests nothing):
    # the answer, or the message on it (warn without a remark: REJECT_NEEDS_REMARK, not
    # REJECT_BLOCKED; one_period while the next period is open: PENDING_LIMIT)
    def outcome(r):
        return r.status, r.itc_period, r.rejected_period, [m.code for m in r.messages]
    if rows:
        assert outcome(result) != outcome(default)


def test_the_settings_as_of_date_is_used_when_the_argument_is_blank(today):
    ims = [["As-of date (blank = today)", dt(date(2025, 12, 15))]]
    assert U.BOE_STATUS(None, "06-11-2025", None, None, ims) == "Deemed accepted"
    assert U.BOE_STATUS(None, "06-11-2025", None, None) == "Open - deemed accepted on 14-12-2025"
    assert U.BOE_STATUS(None, "06-11-2025", T, None, ims) == "Open - deemed accepted on 14-12-2025"
    assert U.BOE_DAYS_LEFT("112025", None, ims) == -1
    assert U.BOE_TABLE(sample_rows(), None, ims) == U.BOE_TABLE(sample_rows(), AS_OF)


def test_boe_check_follows_the_reject_policy_and_the_ims_start(today):
    args = ("INNSA1", "2566282", "03-11-2025", "06-11-2025")
    blocked = U.BOE_CHECK(*args, "Reject", "not ours")
    assert blocked == message("REJECT_BLOCKED").text
    assert U.BOE_CHECK(*args, "Reject", None, WARN) == message("REJECT_NEEDS_REMARK").text
    assert U.BOE_CHECK(*args, "Reject", "not ours", WARN) == (
        sf.WARNING + message("REJECT_NOT_ON_PORTAL").text)
    assert U.BOE_CHECK(*args, "Reject", "not ours", [["Reject policy", "allow"]]) == "OK"
    before = U.BOE_CHECK("INNSA1", "2566282", "03-09-2025", "06-09-2025", "Keep Pending")
    assert before.startswith(sf.WARNING) and "straight to GSTR-2B" in before
    assert U.BOE_CHECK("INNSA1", "2566282", "03-09-2025", "06-09-2025", "Keep Pending", None,
                       [["IMS start (MMYYYY)", "092025"]]) == "OK"


def test_boe_cutoff_and_days_left_of_a_quarterly_filer():
    quarterly = [["Filing frequency", "quarterly"]]
    assert U.BOE_CUTOFF("112025") == datetime(2025, 12, 14)
    assert U.BOE_CUTOFF("112025", quarterly) == datetime(2026, 1, 14)   # the Oct-Dec quarter
    assert U.BOE_CUTOFF("03-11-2025", quarterly) == datetime(2026, 1, 14)
    assert U.BOE_DAYS_LEFT("102025", T, quarterly) == 35
    assert gstr2b_date(Period(2025, 12), Settings(filing=Filing.QUARTERLY)) \
        == date(2026, 1, 14)


OURS, THEIRS = "27AAPFU0939F1ZV", "24AAUPV7468F1ZW"


def gstin_rows():
    """An original credited in October, moved to another GSTIN by a December amendment (no
    action: deemed accepted in December), and another GSTIN's BoE in November."""
    rows = [
        portal_row("IMPG", "No", "INNSA1", "2566282", "03-10-2025", "06-10-2025", "102025",
                   100000.0, 10000.0, 500.0),
        portal_row("IMPG", "Yes", "INNSA1", "2566282", "03-10-2025", "05-12-2025", "122025",
                   100000.0, 10000.0, 500.0),
        portal_row("IMPG", "No", "INMAA1", "1234567", "01-11-2025", "03-11-2025", "112025",
                   50000.0, 9000.0, 0.0, "Accept", "10-11-2025"),
    ]
    importer = BOE.index("Importer GSTIN")
    rows[1][importer] = THEIRS
    rows[2][importer] = "33ABBFR2298H1Z5"
    return rows


def test_boe_table_with_the_gstin_follows_the_engine_for_moved_and_other_gstin():
    ours = [["GSTIN", OURS]]
    as_of = date(2026, 1, 15)
    out = U.BOE_TABLE(gstin_rows(), as_of, ours)
    versions = [R.version_from_row(dict(zip(BOE.headers, r)), vid=f"v{i}", sheet="BoE", line=i,
                                   problems=[]) for i, r in enumerate(gstin_rows())]
    actions = [Action("v2", ActionCode.ACCEPT, date(2025, 11, 10), raw="Accept")]
    evaluation = evaluate(versions, actions, Settings(gstin=OURS), as_of)
    for got, result in zip(out, evaluation.records):
        assert got[:4] == [result.status.label,
                           str(result.itc_period) if result.itc_period else "",
                           float(result.itc.igst) if result.itc else None,
                           float(result.itc.cess) if result.itc else None]
        assert got[4] == messages_text(result.messages)
    assert out[1][:4] == ["Deemed accepted", "122025", -10000.0, -500.0]   # reversed
    assert "WARNING GSTIN_MOVED" in out[1][4]
    assert out[2][0] == "Other GSTIN" and out[2][4].startswith("ERROR GSTIN_OTHER")
    # Without the GSTIN there is no move and no other GSTIN: the settings matter here.
    assert U.BOE_TABLE(gstin_rows(), as_of)[2][:2] == ["Accepted", "112025"]
    # 4(A)(1): November leaves the other GSTIN's BoE out; December nets the reversal to 0
    assert U.GSTR3B_4A1(gstin_rows(), "112025", None, as_of, ours) == 0.0
    assert U.GSTR3B_4A1(gstin_rows(), "112025", None, as_of) == 9000.0
    assert U.GSTR3B_4A1(gstin_rows(), "122025", None, as_of, ours) == 0.0
    assert evaluation.periods[Period(2025, 12)].table_4b2.igst == Decimal("10000")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(st.one_of(
    st.sampled_from(["Reject policy", "IMS start (MMYYYY)", "Pending limit", "GSTIN",
                     "Filing frequency", "Period", "Filed on", "Financial Year",
                     "Generated on", "warn", "block", "092025", "2025-26", "#N/A"]),
    st.none(), st.text(max_size=8), st.floats(allow_nan=False), st.integers(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1))),
    max_size=6), max_size=6))
def test_any_settings_range_gives_settings_or_a_sentence(rows):
    answer = U.BOE_STATUS("Keep Pending", "06-11-2025", T, None, rows)
    assert isinstance(answer, str) and "unexpected" not in answer, answer


# ---------------------------------------------------------------------------------------------
# The bundled demo: BOE_TABLE against Recompute's own columns


@pytest.fixture(scope="module")
def demo_sheet(tmp_path_factory):
    import openpyxl

    from ims_xl.demo import DEMO_AS_OF, run_demo
    out, _ = run_demo(tmp_path_factory.mktemp("demo"), say=lambda *a: None)
    wb = openpyxl.load_workbook(out, read_only=True)
    values = [list(r) for r in wb["BoE"].iter_rows(values_only=True)]
    log = [list(r) for r in wb["Action Log"].iter_rows(values_only=True)]
    wb.close()
    return values, log, DEMO_AS_OF, out


def test_boe_table_on_the_demo_workbook_agrees_with_recompute(demo_sheet):
    values, log, as_of, path = demo_sheet
    header, rows = values[0], values[1:]
    # with the demo's own Settings sheet, as the accountant would pass IMS_SETTINGS
    out = U.BOE_TABLE(values, as_of, settings_range(path))
    assert out[0] == list(sf.TABLE_COLUMNS) and len(out) == len(values)
    col = {h: header.index(h) for h in header}
    entries: dict[str, int] = {}
    for entry in log[1:]:
        entries[entry[1]] = entries.get(entry[1], 0) + 1
    # BOE_TABLE reads the demo rows with its fast reader: the same versions as the workbook's.
    read = [{h: v for h, v in zip(header, row) if h in sf._READ_HEADERS} for row in rows]
    fast = [R.plain_version(cells, "v") for cells in read]
    assert all(v is not None for v in fast)
    for cells, version in zip(read, fast):
        if version is not None:
            assert version == _reference_version(cells)[0]
    compared = 0
    for row, got in zip(rows, out[1:]):
        key = R.version_key(R.version_from_row(dict(zip(header, row)), vid="x", sheet="BoE",
                                               line=0, problems=[]))
        expected = [row[col["Status"]], row[col["2B Period"]] or "", row[col["ITC IGST"]],
                    row[col["ITC Cess"]], row[col["Messages"]] or ""]
        if entries.get(key, 0) > 1:
            # A history the row cannot show: Keep Pending on 10-11, then Accept on 08-12.
            # The row keeps only the Accept of 08-12, after October closed: deemed accepted
            # in October, where Recompute (reading the Action Log) has it accepted in November.
            assert row[col["BoE No"]] == "2566175"
            assert expected[:3] == ["Accepted", "112025", 58911.33]
            assert got[:3] == ["Deemed accepted", "102025", 58911.33]
            assert got[4] == "ERROR ACTION_AFTER_CLOSE: " + message(
                "ACTION_AFTER_CLOSE", action_date="08-12-2025", period="102025",
                closed="20-11-2025", status="deemed accepted").text
            continue
        compared += 1
        assert got == expected, key
    assert compared == len(rows) - 1


def test_gstr3b_4a1_on_the_demo_workbook_agrees_with_recompute(demo_sheet):
    from ims_xl.workbook.openpyxl_book import OpenpyxlBook
    from ims_xl.workbook.state import evaluate_book
    from ims_xl.workbook.state import read_state
    values, _, as_of, path = demo_sheet
    state = read_state(OpenpyxlBook(path, quiet=True), as_of=as_of)
    assert sf.read_settings(settings_range(path)).rules == state.settings
    figures = evaluate_book(state)[0].periods
    # Recompute credits 2566175 (IGST 58,911.33) in November, after its Keep Pending; the
    # row alone has only its Accept of 08-12, so BOE_TABLE's figures have it in October.
    # The workbook's settings (its GSTIN) make the BoE customs moved to Gujarat a moved
    # version, whose reversal lowers November's net credit, as in Recompute.
    settings = settings_range(path)
    moved = {"102025": Decimal("58911.33"), "112025": Decimal("-58911.33")}
    for code, shift in moved.items():
        table = figures[Period.parse(code)].table_4a1
        assert U.GSTR3B_4A1(values, code, "IGST", as_of, settings) == float(table.igst + shift)
        assert U.GSTR3B_4A1(values, code, "Cess", as_of, settings) == float(table.cess)
        assert U.GSTR3B_4A1(values, code, None, as_of, settings) == \
            float(table.igst + shift + table.cess)
    assert U.GSTR3B_4A1(values, "122025", None, as_of, settings) == 0.0
    # without the settings no version is a moved one (rules.md section 1): more credit
    assert U.GSTR3B_4A1(values, "112025", "IGST", as_of) > \
        U.GSTR3B_4A1(values, "112025", "IGST", as_of, settings)


def test_single_row_functions_agree_with_boe_table_on_the_demo(demo_sheet):
    values, _, as_of, _ = demo_sheet
    header, rows = values[0], values[1:]
    col = {h: header.index(h) for h in header}
    boes = {}
    for row in rows:
        boes.setdefault((row[col["Port Code"]], row[col["BoE No"]]), []).append(row)
    checked = 0
    for row in rows:
        if len(boes[(row[col["Port Code"]], row[col["BoE No"]])]) > 1:
            continue  # an amendment chain: one row alone is not the BoE's story
        ref = row[col["Reference Date"]]
        if row[col["Period"]] and row[col["Period"]] != str(Period.containing(ref.date())):
            continue
        table = U.BOE_TABLE([header, row], as_of)[1]
        action, acted, remark = (row[col["Action"]], row[col["Action Date"]],
                                 row[col["Remark"]])
        period = U.BOE_2B_PERIOD(ref, action, acted, as_of, remark)
        if table[1]:
            assert period == table[1]
        else:
            assert period in ("Pending", "Open until 14-12-2025")
            assert table[0] == period.split(" ")[0]
        checked += 1
    assert checked >= 30


# ---------------------------------------------------------------------------------------------
# Never raising into Excel

EXCEL_VALUES = [None, "", " ", 0.0, -1.0, 1e300, 45933.0, 102025.0, 2566282.0, 7, True, False,
                "text", "#N/A", "#VALUE!", "#IMS: x", Decimal("0.10"), dt(T), [], [[None]],
                [[1.0, 2.0]], [None, "a"], float("nan"), float("inf"), 10**400,
                Decimal("NaN"), datetime.min, -2146826246]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_function_answers_for_every_excel_value(name):
    fn = getattr(U, name)
    arity = fn.__code__.co_argcount if not hasattr(fn, "__wrapped__") else (
        fn.__wrapped__.__code__.co_argcount)
    for value in EXCEL_VALUES:
        for i in range(arity):
            args = [value if j == i else None for j in range(arity)]
            answer = fn(*args)
            assert answer is not None or name == "BOE_TABLE"
            if isinstance(answer, str):
                assert "Traceback" not in answer and "\n" not in answer or name == "BOE_TABLE"
                assert "unexpected error" not in answer, (name, i, value, answer)


excel_cell = st.one_of(
    st.none(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-10**6, 10**8), st.text(max_size=12),
    st.sampled_from(["#N/A", "#VALUE!", "Accept", "Reject", "Keep Pending", "102025",
                     "06-11-2025", "31-02-2025", "INNSA1", "2566282"]),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.decimals(allow_nan=False, allow_infinity=False, places=2,
                min_value=-10**9, max_value=10**9),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(args=st.lists(excel_cell, min_size=7, max_size=7))
def test_single_cell_functions_never_fail_unexpectedly(args):
    calls = [
        sf.boe_status(*args[:4], today=T), sf.boe_itc(*args[:7], today=T),
        sf.boe_2b_period(*args[:5], today=T), sf.boe_check(*args[:6], today=T),
        sf.boe_cutoff(args[0]), sf.boe_days_left(args[0], args[1], today=T),
        sf.gstin_check(args[0]), sf.port_code_check(args[0]), sf.boe_number_text(args[0]),
    ]
    for answer in calls:
        assert isinstance(answer, (str, Decimal, date, int))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(excel_cell, min_size=0, max_size=26), min_size=1, max_size=4))
def test_boe_table_never_fails_unexpectedly(rows):
    answer = sf.boe_table(rows, T)
    if isinstance(answer, str):
        assert answer.startswith("#IMS: ") and "unexpected" not in answer
    else:
        header = 1 if answer and answer[0] == list(sf.TABLE_COLUMNS) else 0
        assert len(answer) == len(rows) and all(len(r) == 5 for r in answer)
        assert header == (1 if sf._header_map(list(rows[0])) is not None else 0)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_unexpected_exceptions_become_one_line(monkeypatch, name):
    def boom(*args, **kwargs):
        raise RuntimeError("engine exploded\nsecond line of detail")
    for attr in ("boe_status", "boe_itc", "boe_2b_period", "boe_check", "boe_cutoff",
                 "boe_days_left", "gstin_check", "port_code_check", "boe_number_text",
                 "boe_table", "gstr3b_4a1"):
        monkeypatch.setattr(sf, attr, boom)
    fn = getattr(U, name)
    arity = fn.__wrapped__.__code__.co_argcount
    assert fn(*([None] * arity)) == "#IMS: unexpected error: RuntimeError: engine exploded"


def test_unexpected_error_text_is_short():
    assert sf.unexpected_error(ValueError("x" * 500)) == (
        "#IMS: unexpected error: ValueError: " + "x" * 85 + "...")
    assert sf.unexpected_error(ZeroDivisionError()) == "#IMS: unexpected error: ZeroDivisionError"


# ---------------------------------------------------------------------------------------------
# The xlwings side: decorators, names, help, and the module's boundaries

@pytest.fixture
def real_xlwings_udfs(monkeypatch):
    """xlwings' own decorators (``xlwings.udfs``), as Excel on Windows runs them.

    On Linux, ``xw.func``/``xw.arg``/``xw.ret`` are no-ops, so this imports the Windows
    implementation with stand-ins for the COM modules it imports (none of which the
    decorators use), and loads a fresh copy of ``udfs/boe_functions.py`` under them.
    """
    from xlwings_under_excel import load_under_windows_xlwings
    real, module, cleanup = load_under_windows_xlwings(monkeypatch, "boe_functions_under_excel")
    yield real, module
    cleanup()


def test_decorators_attach_xlwings_metadata(real_xlwings_udfs):
    _, module = real_xlwings_udfs
    registered = sorted(n for n in dir(module) if hasattr(getattr(module, n), "__xlfunc__"))
    assert registered == sorted(FUNCTIONS)
    expected_args = {
        "BOE_STATUS": (["action", "ref_date", "as_of", "remark", "settings"], 2),
        "BOE_ITC": (["igst", "cess", "action", "ref_date", "as_of", "head", "remark",
                     "settings"], 4),
        "BOE_2B_PERIOD": (["ref_date", "action", "action_date", "as_of", "remark",
                           "settings"], 2),
        "BOE_CHECK": (["port_code", "boe_no", "boe_date", "ref_date", "action", "remark",
                       "settings"], 4),
        "BOE_CUTOFF": (["period_or_date", "settings"], 1),
        "BOE_DAYS_LEFT": (["period_or_date", "as_of", "settings"], 1),
        "GSTIN_CHECK": (["gstin"], 1), "PORT_CODE_CHECK": (["code"], 1),
        "BOE_NUMBER": (["value"], 1), "BOE_TABLE": (["table", "as_of", "settings"], 1),
        "GSTR3B_4A1": (["table", "period", "head", "as_of", "settings"], 2),
    }
    for name, (args, required) in expected_args.items():
        info = getattr(module, name).__xlfunc__
        assert info["name"] == name and info["sub"] is False
        assert info["category"] == U.CATEGORY
        assert [a["name"] for a in info["args"]] == args
        assert [("optional" in a) for a in info["args"]] == [i >= required
                                                              for i in range(len(args))]
        for a in info["args"]:
            assert a["options"].get("err_to_str") is True, (name, a["name"])
            assert a["doc"] and not a["doc"].startswith("Positional argument")
            assert len(a["doc"]) <= 255
            assert "convert" not in a["options"]   # no type hints turned into converters
        assert info["ret"]["doc"] == getattr(U, name).__doc__
    for name in ("BOE_TABLE", "GSTR3B_4A1"):
        table = getattr(module, name).__xlfunc__["argmap"]["table"]
        assert table["options"]["ndim"] == 2
    for name, (args, _) in expected_args.items():
        if "settings" in args:   # a one-row settings range still arrives as rows
            assert getattr(module, name).__xlfunc__["argmap"]["settings"]["options"]["ndim"] == 2


def test_excel_help_says_what_the_function_returns_within_255_characters():
    single_row = {"BOE_STATUS", "BOE_ITC", "BOE_2B_PERIOD", "BOE_CHECK", "BOE_TABLE",
                  "GSTR3B_4A1"}
    for name in FUNCTIONS:
        help_text = getattr(U, name).__doc__[:255]   # what Excel's function wizard shows
        first = getattr(U, name).__doc__.split("\n\n")[0]
        assert len(first) <= 255, name
        if name in single_row:
            assert "whole history" in help_text, name


def test_vba_wrappers_xlwings_would_import(real_xlwings_udfs):
    real, module = real_xlwings_udfs

    class AddIn:
        Name = "ims_xl.xlam"

    out = io.StringIO()
    real.generate_vba_wrapper("udfs.boe_functions", module, out, AddIn())
    vba = out.getvalue()
    signatures = re.findall(r"^Function (.+)$", vba, flags=re.MULTILINE)
    assert signatures == [
        "BOE_2B_PERIOD(ref_date, action, Optional action_date, Optional as_of, Optional remark, "
        "Optional settings)",
        "BOE_CHECK(port_code, boe_no, boe_date, ref_date, Optional action, Optional remark, "
        "Optional settings)",
        "BOE_CUTOFF(period_or_date, Optional settings)",
        "BOE_DAYS_LEFT(period_or_date, Optional as_of, Optional settings)",
        "BOE_ITC(igst, cess, action, ref_date, Optional as_of, Optional head, Optional remark, "
        "Optional settings)",
        "BOE_NUMBER(value)",
        "BOE_STATUS(action, ref_date, Optional as_of, Optional remark, Optional settings)",
        "BOE_TABLE(table, Optional as_of, Optional settings)",
        "GSTIN_CHECK(gstin)",
        "GSTR3B_4A1(table, period, Optional head, Optional as_of, Optional settings)",
        "PORT_CODE_CHECK(code)",
    ]
    assert 'XLPy.CallUDF("udfs.boe_functions", "BOE_TABLE", Array(table, as_of, settings), ' \
           "ActiveWorkbook, Application.Caller)" in vba
    # The decorated copy still computes.
    assert module.BOE_STATUS("Accept", "06-11-2025", T) == "Accepted"


@pytest.mark.skipif(sys.platform == "win32", reason="xlwings' decorators are real on Windows")
def test_on_linux_the_decorators_leave_plain_functions():
    assert not hasattr(U.BOE_STATUS, "__xlfunc__")
    assert U.BOE_STATUS.__name__ == "BOE_STATUS"


def test_sheet_functions_import_neither_xlwings_nor_openpyxl():
    code = ("import sys, ims_xl.sheet_functions; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'xlwings', 'openpyxl'}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_floats_only_at_the_edge():
    pure = (ROOT / "ims_xl" / "sheet_functions.py").read_text(encoding="utf-8")
    assert not re.search(r"\bfloat\(", pure)
    for line in (ROOT / "udfs" / "boe_functions.py").read_text(encoding="utf-8").splitlines():
        if re.search(r"\bfloat\(", line):
            assert line.rstrip().endswith("# float ok"), line

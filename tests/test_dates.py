"""Dates: every accepted form, strictness, leap years and Excel serial numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ims_xl.dates import (
    EXCEL_SERIAL_MAX,
    format_date,
    from_excel_serial,
    parse_date,
    parse_optional_date,
    to_excel_serial,
)

OCT3 = date(2025, 10, 3)


@pytest.mark.parametrize(
    "value",
    [
        OCT3,
        datetime(2025, 10, 3, 14, 30),
        "2025-10-03",
        "2025-10-03T00:00:00",
        "2025-10-03 00:00:00",
        "2025-10-03T14:30:05.123",
        " 2025-10-03 ",
        "03-10-2025",
        "3-10-2025",
        "03/10/2025",
        "3/10/2025",
        "03.10.2025",
        "3.10.2025",
        "03-10-25",
        "03/10/25",
        "03-10-2025 00:00:00",
        "03-Oct-2025",
        "3-oct-2025",
        "03 Oct 2025",
        "03 OCT 2025",
        "03-October-2025",
        "3 october 2025",
        "03-Oct-25",
        45933,
        45933.0,
        45933.99,
        Decimal("45933"),
        Decimal("45933.5"),
        "45933",
    ],
)
def test_every_form_of_3_october_2025(value):
    assert parse_date(value) == OCT3


@pytest.mark.parametrize("value, expected", [
    ("03-Sep-2025", date(2025, 9, 3)),
    ("03-Sept-2025", date(2025, 9, 3)),
    ("1-1-2025", date(2025, 1, 1)),
    ("31-12-2025", date(2025, 12, 31)),
    ("01-02-2025", date(2025, 2, 1)),  # day first, never 2 January
    ("12/01/2025", date(2025, 1, 12)),
])
def test_day_first_and_month_names(value, expected):
    assert parse_date(value) == expected


def test_datetime_gives_its_date_not_a_datetime():
    result = parse_date(datetime(2025, 10, 3, 23, 59))
    assert type(result) is date and result == OCT3


@pytest.mark.parametrize(
    "value", ["29-02-2024", "2024-02-29", "29-Feb-2024", "29/02/24", "29-02-2000"]
)
def test_leap_day_in_leap_year(value):
    assert parse_date(value).day == 29


@pytest.mark.parametrize(
    "value, message",
    [
        ("29-02-2025", "'29-02-2025' is not a real date: February 2025 has 28 days."),
        ("29-02-1900", "'29-02-1900' is not a real date: February 1900 has 28 days."),
        ("31-02-2025", "'31-02-2025' is not a real date: February 2025 has 28 days."),
        ("31-04-2025", "'31-04-2025' is not a real date: April 2025 has 30 days."),
        ("2025-02-30", "'2025-02-30' is not a real date: February 2025 has 28 days."),
        ("32-Jan-2025", "'32-Jan-2025' is not a real date: January 2025 has 31 days."),
    ],
)
def test_impossible_dates(value, message):
    with pytest.raises(ValueError) as exc:
        parse_date(value)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    "value, match",
    [
        ("03-13-2025", "no month 13"),
        ("10-25-2025", "no month 25"),
        ("00-10-2025", "no day 0"),
        ("03-00-2025", "no month 0"),
        ("0000-10-03", "no year 0"),
        ("03-Foo-2025", "'Foo' is not a month"),
    ],
)
def test_impossible_parts(value, match):
    with pytest.raises(ValueError, match=match):
        parse_date(value)


@pytest.mark.parametrize(
    "value",
    [
        "5", "2025", "March", "abc", "Oct 2025", "03-10", "2025-10", "03-10-2025 abc",
        "03-10/2025", "03-Oct 2025", "2025/10/03", "20251003", "3rd October 2025",
        "October 3, 2025", "459330", "4593", "03-10-025", "1e5", "45933.0",
    ],
)
def test_strict_no_guessing(value):
    with pytest.raises(ValueError) as exc:
        parse_date(value)
    assert value.strip()[:20] in str(exc.value)


@pytest.mark.parametrize("value", [None, "", "   ", "\t\n", "\xa0"])
def test_blank_is_missing(value):
    with pytest.raises(ValueError, match="^date missing$"):
        parse_date(value)
    assert parse_optional_date(value) is None


def test_optional_date_parses_the_rest():
    assert parse_optional_date("03-10-2025") == OCT3
    with pytest.raises(ValueError, match="not a real date"):
        parse_optional_date("31-09-2025")


@pytest.mark.parametrize(
    "value", [True, False, [45933], object(), float("nan"), float("inf"), Decimal("NaN")]
)
def test_non_dates_refused(value):
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(value)


# --- Excel serial numbers ------------------------------------------------------------------

@pytest.mark.parametrize(
    "serial, expected",
    [
        (1, date(1900, 1, 1)),
        (31, date(1900, 1, 31)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (367, date(1901, 1, 1)),
        (36526, date(2000, 1, 1)),
        (45658, date(2025, 1, 1)),
        (45933, OCT3),
        (EXCEL_SERIAL_MAX, date(9999, 12, 31)),
    ],
)
def test_serial_known_values(serial, expected):
    assert from_excel_serial(serial) == expected
    assert parse_date(serial) == expected
    assert to_excel_serial(expected) == serial


@pytest.mark.parametrize("value", [60, 60.0, 60.99, Decimal("60.5"), "00060"])
def test_serial_60_is_excels_fake_leap_day(value):
    with pytest.raises(ValueError, match="29-02-1900"):
        parse_date(value)


@pytest.mark.parametrize(
    "value", [0, 0.5, -1, -45933, EXCEL_SERIAL_MAX + 1, 10**12, 1e300, Decimal("1E+999999999")]
)
def test_serial_out_of_range(value):
    with pytest.raises(ValueError, match="run from 1 .* to 2958465"):
        from_excel_serial(value)


def test_monstrous_integer_gets_a_message_not_a_crash():
    with pytest.raises(ValueError, match="^A huge number is not a date"):
        parse_date(10**5000)


def test_serial_five_digit_text_only():
    assert parse_date("00061") == date(1900, 3, 1)
    assert parse_date("99999") == date(2173, 10, 13)  # Excel: 100000 is 14-10-2173


def test_to_excel_serial_refuses_dates_before_1900():
    with pytest.raises(ValueError, match="before 01-01-1900"):
        to_excel_serial(date(1899, 12, 31))
    assert to_excel_serial(datetime(2025, 10, 3, 12)) == 45933


# --- formatting ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "d, text",
    [(OCT3, "03-10-2025"), (date(2024, 2, 29), "29-02-2024"), (date(1, 1, 1), "01-01-0001"),
     (date(999, 12, 31), "31-12-0999"), (datetime(2025, 10, 3, 9), "03-10-2025")],
)
def test_format_date(d, text):
    assert format_date(d) == text


def test_format_date_refuses_text():
    with pytest.raises(TypeError):
        format_date("03-10-2025")


# --- properties ----------------------------------------------------------------------------

@given(d=st.dates())
def test_format_then_parse_round_trip(d):
    assert parse_date(format_date(d)) == d
    assert parse_date(d.isoformat()) == d


@given(d=st.dates(min_value=date(1900, 1, 1)))
def test_serial_round_trip(d):
    serial = to_excel_serial(d)
    assert serial != 60
    assert from_excel_serial(serial) == d
    assert parse_date(serial + 0.999) == d


@given(serial=st.integers(1, EXCEL_SERIAL_MAX).filter(lambda n: n != 60))
def test_serials_are_consecutive_days(serial):
    d = from_excel_serial(serial)
    assert to_excel_serial(d) == serial
    if serial + 1 != 60 and serial + 1 <= EXCEL_SERIAL_MAX:
        assert (from_excel_serial(serial + 1) - d).days == 1

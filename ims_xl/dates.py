"""Dates as Indian accountants, the GST portal and Excel write them.

Day first, always. Parsing is strict: no part of a date is ever filled in by default, so
``"March"`` or ``"2025"`` are errors, not the 1st of something.

>>> parse_date('03-10-2025'), parse_date('3/10/2025'), parse_date('03.10.2025')
(datetime.date(2025, 10, 3), datetime.date(2025, 10, 3), datetime.date(2025, 10, 3))
>>> parse_date('2025-10-03T00:00:00'), parse_date('3-Oct-2025'), parse_date('03 OCTOBER 2025')
(datetime.date(2025, 10, 3), datetime.date(2025, 10, 3), datetime.date(2025, 10, 3))
>>> parse_date(45933), parse_date(45933.75), parse_date('45933')
(datetime.date(2025, 10, 3), datetime.date(2025, 10, 3), datetime.date(2025, 10, 3))
>>> parse_date('03-10-25'), parse_date('3-Oct-25')
(datetime.date(2025, 10, 3), datetime.date(2025, 10, 3))
>>> parse_date('31-02-2025')
Traceback (most recent call last):
    ...
ValueError: '31-02-2025' is not a real date: February 2025 has 28 days.
>>> parse_date(60)
Traceback (most recent call last):
    ...
ValueError: Excel serial number 60 stands for 29-02-1900, a day that never existed ...
>>> format_date(parse_date('29-02-2024')), to_excel_serial(parse_date('1900-03-01'))
('29-02-2024', 61)
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from dateutil.parser import parserinfo

__all__ = [
    "EXCEL_SERIAL_MAX",
    "EXCEL_SERIAL_MIN",
    "format_date",
    "from_excel_serial",
    "parse_date",
    "parse_optional_date",
    "to_excel_serial",
]

EXCEL_SERIAL_MIN = 1  # 01-01-1900
EXCEL_SERIAL_MAX = 2958465  # 31-12-9999
# Excel's 1900 date system counts a 29-02-1900 that never existed (Lotus 1-2-3's bug):
# serial 60 is that day, so serials after it are one day ahead of a plain count.
_FAKE_LEAP_DAY = 60
_EPOCH_BEFORE_FAKE = date(1899, 12, 31)
_EPOCH_AFTER_FAKE = date(1899, 12, 30)

_HINT = "Type the date as DD-MM-YYYY."
# An optional time of day after the date, as Excel and JSON exports add it ("T00:00:00").
_TIME = r"(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_ISO_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})" + _TIME)
# The same separator on both sides, so "03-10/2025" is refused.
_NUMERIC_RE = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})" + _TIME)
_NAMED_RE = re.compile(r"([0-9]{1,2})([- ])([A-Za-z]{3,9})\2([0-9]{4}|[0-9]{2})" + _TIME)
_SERIAL_TEXT_RE = re.compile(r"[0-9]{5}")
_MONTHS = parserinfo()  # dateutil's English month names: Jan, Sep, Sept, September...


def _shown(value: object) -> str:
    if isinstance(value, int) and not -(10**30) < value < 10**30:
        return "A huge number"  # Python refuses str() of a many-thousand-digit integer
    # str, not repr, for a Decimal: the user typed 45933.5, not Decimal('45933.5').
    text = str(value) if isinstance(value, (str, Decimal)) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def from_excel_serial(n: object) -> date:
    """The date of an Excel serial number (1900 date system); a time of day (the fraction)
    is dropped.

    >>> from_excel_serial(1), from_excel_serial(59), from_excel_serial(61)
    (datetime.date(1900, 1, 1), datetime.date(1900, 2, 28), datetime.date(1900, 3, 1))
    >>> from_excel_serial(2958465)
    datetime.date(9999, 12, 31)
    """
    if isinstance(n, bool) or not isinstance(n, (int, float, Decimal)):
        raise ValueError(f"{_shown(n)} is not an Excel serial number. {_HINT}")
    if not (n.is_finite() if isinstance(n, Decimal) else isinstance(n, int) or math.isfinite(n)):
        raise ValueError(f"{_shown(n)} is not a date. {_HINT}")
    # Compare before flooring: flooring Decimal('1E+999999999') would build a huge integer.
    if not EXCEL_SERIAL_MIN <= n < EXCEL_SERIAL_MAX + 1:
        raise ValueError(
            f"{_shown(n)} is not a date: Excel serial numbers for dates run from "
            f"{EXCEL_SERIAL_MIN} (01-01-1900) to {EXCEL_SERIAL_MAX} (31-12-9999). {_HINT}"
        )
    day = math.floor(n)
    if day == _FAKE_LEAP_DAY:
        raise ValueError(
            f"Excel serial number {_shown(n)} stands for 29-02-1900, a day that never existed "
            f"(an old Excel quirk). {_HINT}"
        )
    epoch = _EPOCH_BEFORE_FAKE if day < _FAKE_LEAP_DAY else _EPOCH_AFTER_FAKE
    return epoch + timedelta(days=day)


def to_excel_serial(d: date) -> int:
    """The Excel serial number of a date (1900 date system).

    >>> to_excel_serial(date(2025, 10, 3)), to_excel_serial(date(1900, 1, 1))
    (45933, 1)
    """
    if isinstance(d, datetime):
        d = d.date()
    if not isinstance(d, date):
        raise TypeError(f"{_shown(d)} is not a date")
    if d < date(1900, 1, 1):
        raise ValueError(f"{format_date(d)} is before 01-01-1900, the first date Excel can hold.")
    epoch = _EPOCH_BEFORE_FAKE if d < date(1900, 3, 1) else _EPOCH_AFTER_FAKE
    return (d - epoch).days


def format_date(d: date) -> str:
    """``DD-MM-YYYY``, as the GST portal writes dates.

    >>> format_date(date(2025, 3, 5))
    '05-03-2025'
    """
    if not isinstance(d, date):
        raise TypeError(f"{_shown(d)} is not a date")
    # Not strftime: it does not pad years before 1000 on every platform.
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def _make(text: str, year: int, month: int, day: int) -> date:
    """The date, or a ValueError that says why these numbers are not a real date."""
    if not 1 <= year <= 9999:
        raise ValueError(f"'{text}' is not a real date: there is no year {year}. {_HINT}")
    if not 1 <= month <= 12:
        raise ValueError(
            f"'{text}' is not a real date: there is no month {month} (the day comes first). {_HINT}"
        )
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        if day == 0:
            raise ValueError(f"'{text}' is not a real date: there is no day 0. {_HINT}")
        raise ValueError(
            f"'{text}' is not a real date: {calendar.month_name[month]} {year} has {days} days."
        )
    return date(year, month, day)


def _parse_text(value: str) -> date:
    text = value.strip()
    match = _ISO_RE.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _make(text, year, month, day)
    match = _NUMERIC_RE.fullmatch(text)
    if match:
        day, _, month, year = match.groups()
        # Two-digit years are this century's: BoEs are recent documents.
        return _make(text, int(year) + (2000 if len(year) == 2 else 0), int(month), int(day))
    match = _NAMED_RE.fullmatch(text)
    if match:
        day, _, name, year = match.groups()
        month = _MONTHS.month(name)
        if month is None:
            raise ValueError(f"'{text}' is not a date: '{name}' is not a month. {_HINT}")
        return _make(text, int(year) + (2000 if len(year) == 2 else 0), month, int(day))
    if _SERIAL_TEXT_RE.fullmatch(text):
        return from_excel_serial(int(text))
    raise ValueError(f"'{_shown(text)}' is not a date. {_HINT}")


def parse_date(value: object) -> date:
    """The date a cell, a JSON field or a typed text stands for; ValueError names the
    value and says what is wrong.

    >>> parse_date('March')
    Traceback (most recent call last):
        ...
    ValueError: 'March' is not a date. Type the date as DD-MM-YYYY.
    >>> parse_date('  ')
    Traceback (most recent call last):
        ...
    ValueError: date missing
    """
    if _is_blank(value):
        raise ValueError("date missing")
    if isinstance(value, datetime):  # before date: a datetime is also a date
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date. {_HINT}")
    if isinstance(value, (int, float, Decimal)):
        return from_excel_serial(value)
    if isinstance(value, str):
        return _parse_text(value)
    raise ValueError(f"{_shown(value)} is not a date. {_HINT}")


def parse_optional_date(value: object) -> date | None:
    """None for a blank (None, empty or spaces), else :func:`parse_date`.

    >>> parse_optional_date(''), parse_optional_date('06-10-2025')
    (None, datetime.date(2025, 10, 6))
    """
    if _is_blank(value):
        return None
    return parse_date(value)

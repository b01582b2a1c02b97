"""Periods and the GST calendar (rules.md section 2)."""

from __future__ import annotations

from datetime import date

import pytest

from ims_xl.gst_calendar import (close_of, days_to_cutoff, filed_on, financial_year,
                                 gstr2b_date, gstr3b_due, section_16_4_deadline)
from ims_xl.models import Settings
from ims_xl.periods import Filing, Period

Q = Filing.QUARTERLY


@pytest.mark.parametrize("code,last", [("012024", 31), ("022024", 29), ("022025", 28),
                                       ("022100", 28), ("022000", 29), ("042025", 30),
                                       ("122025", 31)])
def test_month_ends_and_leap_years(code, last):
    assert Period.parse(code).last_day().day == last


def test_year_rollover_and_quarters():
    assert Period.parse("122025").next() == Period.parse("012026")
    assert Period.parse("122025").next(Q) == Period.parse("032026")
    assert Period.parse("032026").next(Q) == Period.parse("062026")
    assert Period.parse("032026").first_day(Q) == date(2026, 1, 1)
    for month, quarter in [(1, "032026"), (3, "032026"), (4, "062026"), (6, "062026"),
                           (7, "092026"), (10, "122026"), (12, "122026")]:
        assert str(Period.containing(date(2026, month, 15), Q)) == quarter


@pytest.mark.parametrize("bad", ["132025", "002025", "12025x", "1-2025", "", "2025-10"])
def test_bad_periods_are_refused(bad):
    with pytest.raises(ValueError, match="MMYYYY"):
        Period.parse(bad)


def test_excel_dropped_leading_zero_is_recovered():
    assert Period.parse("12026") == Period.parse("012026")
    assert Period.parse(92025) == Period.parse("092025")


def test_gstr2b_generation_and_override():
    s = Settings()
    assert gstr2b_date(Period.parse("122025"), s) == date(2026, 1, 14)
    assert gstr2b_date(Period.parse("122025"), Settings(filing=Q)) == date(2026, 1, 14)
    s = Settings(generated_2b={Period.parse("102025"): date(2025, 11, 16)})
    assert gstr2b_date(Period.parse("102025"), s) == date(2025, 11, 16)


@pytest.mark.parametrize("gstin,day", [("27AAPFU0939F1ZV", 22), ("24AAUPV7468F1ZW", 22),
                                       ("33ABBFR2298H1Z5", 22), ("29ABACS0877M1ZS", 22),
                                       ("07AAPFU0939F1ZV", 24), ("09AAPFU0939F1ZV", 24),
                                       (None, 24)])
def test_qrmp_due_date_groups(gstin, day):
    assert gstr3b_due(Period.parse("062026"), Settings(gstin=gstin, filing=Q)) == date(
        2026, 7, day)


def test_monthly_due_date_is_the_20th():
    assert gstr3b_due(Period.parse("122025"), Settings(gstin="07AAPFU0939F1ZV")) == date(
        2026, 1, 20)


def test_filed_dates():
    p = Period.parse("102025")
    rec = Settings(filed_3b={p: date(2025, 11, 18)})
    assert filed_on(p, rec, date(2025, 11, 17)) is None      # recorded, not reached yet
    assert filed_on(p, rec, date(2025, 11, 18)) == date(2025, 11, 18)
    late = Settings(filed_3b={p: date(2025, 12, 5)})
    assert filed_on(p, late, date(2025, 11, 25)) is None     # late filer: still open
    assert close_of(p, Settings(), date(2025, 11, 20)) is None
    assert close_of(p, Settings(), date(2025, 11, 21)) == date(2025, 11, 20)


def test_financial_year_and_section_16_4():
    assert financial_year(date(2026, 3, 31)) == (date(2025, 4, 1), date(2026, 3, 31))
    assert financial_year(date(2026, 4, 1)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert section_16_4_deadline(date(2025, 4, 1)) == date(2026, 11, 30)
    assert section_16_4_deadline(date(2024, 2, 29)) == date(2024, 11, 30)


def test_days_to_cutoff():
    p = Period.parse("102025")
    assert days_to_cutoff(p, Settings(), date(2025, 11, 12)) == 2
    assert days_to_cutoff(p, Settings(), date(2025, 11, 15)) == -1


def test_period_is_an_ordered_frozen_value():
    import dataclasses
    import pickle

    a, b = Period(2025, 12), Period(2026, 1)
    assert a < b and a <= b and b > a and b >= a and a != b and not a < a
    assert a == Period(2025, 12) and hash(a) == hash(Period(2025, 12)) and a != (2025, 12)
    assert sorted([b, a]) == [a, b] and len({a, Period(2025, 12), b}) == 2
    assert [f.name for f in dataclasses.fields(Period)] == ["year", "month"]
    assert dataclasses.replace(a, month=3) == Period(2025, 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.month = 1  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(a)) == a
    # a pickle of the frozen slotted dataclass Period was: state [year, month]
    old = Period.__new__(Period)
    old.__setstate__([2025, 12])
    assert old == a and hash(old) == hash(a) and old < b

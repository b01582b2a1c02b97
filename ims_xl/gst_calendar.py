"""The GST return calendar for Bills of Entry (rules.md section 2).

``G(P)`` GSTR-2B generation, ``D(P)`` GSTR-3B due date, ``F(P)`` 3B filed, ``C(P)`` close of P,
the financial year, and the section 16(4) time limit. All pure functions of the period, the
settings and the as-of date ``T``.

>>> from ims_xl.models import Settings
>>> oct25 = Period.parse("102025")
>>> gstr2b_date(oct25, Settings())
datetime.date(2025, 11, 14)
>>> gstr3b_due(oct25, Settings()), gstr3b_due(Period.parse("122025"), Settings(
...     gstin="27AAPFU0939F1ZV", filing=Filing.QUARTERLY))
(datetime.date(2025, 11, 20), datetime.date(2026, 1, 22))
>>> filed_on(oct25, Settings(), as_of=date(2025, 11, 20)) is None   # due today: not yet filed
True
>>> filed_on(oct25, Settings(), as_of=date(2025, 11, 21))           # assumed filed on the due date
datetime.date(2025, 11, 20)
>>> section_16_4_deadline(date(2026, 3, 31)), section_16_4_deadline(date(2026, 4, 1))
(datetime.date(2026, 11, 30), datetime.date(2027, 11, 30))
"""

from __future__ import annotations

from datetime import date

from .models import Settings
from .periods import Filing, Period

__all__ = [
    "GSTR2B_DAY", "QRMP_22ND_STATES", "gstr2b_date", "gstr3b_due", "filed_on", "close_of",
    "financial_year", "section_16_4_deadline", "days_to_cutoff",
]

GSTR2B_DAY = 14  # GSTR-2B is generated on the 14th of the month after the period
MONTHLY_3B_DAY = 20
# QRMP filers of these states file GSTR-3B by the 22nd; all others by the 24th (Rule 61).
QRMP_22ND_STATES = frozenset(
    {"22", "23", "24", "25", "26", "27", "29", "30", "31", "32", "33", "34", "35", "36", "37"})


def gstr2b_date(period: Period, settings: Settings) -> date:
    """``G(P)``: the day GSTR-2B of P is generated (a recorded override wins)."""
    override = settings.generated_2b.get(period)
    return override if override is not None else period.following_month(GSTR2B_DAY)


def gstr3b_due(period: Period, settings: Settings) -> date:
    """``D(P)``: the GSTR-3B due date. QRMP: the 22nd or 24th by the GSTIN's state code."""
    if settings.filing is Filing.QUARTERLY:
        day = 22 if settings.state_code in QRMP_22ND_STATES else 24
        return period.following_month(day)
    return period.following_month(MONTHLY_3B_DAY)


def filed_on(period: Period, settings: Settings, as_of: date) -> date | None:
    """``F(P)``: when GSTR-3B of P was filed, as known on ``as_of``; ``None`` if not yet.

    A recorded date counts once ``as_of`` has reached it. Without one, P is taken as filed
    on its due date once ``as_of`` is past that date.
    """
    recorded = settings.filed_3b.get(period)
    if recorded is not None:
        return recorded if recorded <= as_of else None
    due = gstr3b_due(period, settings)
    return due if as_of > due else None


def close_of(period: Period, settings: Settings, as_of: date) -> date | None:
    """``C(P)``: the close of P (its 3B filing), or ``None`` while P is still open."""
    return filed_on(period, settings, as_of)


def financial_year(day: date) -> tuple[date, date]:
    """The April-March financial year containing ``day``, as (first day, last day)."""
    start = day.year if day.month >= 4 else day.year - 1
    return date(start, 4, 1), date(start + 1, 3, 31)


def section_16_4_deadline(boe_date: date) -> date:
    """30 November after the end of the financial year of the BoE date (section 16(4))."""
    return date(financial_year(boe_date)[1].year, 11, 30)


def days_to_cutoff(period: Period, settings: Settings, as_of: date) -> int:
    """Days from ``as_of`` to ``G(P)`` (0 on the day GSTR-2B is generated, negative after)."""
    return (gstr2b_date(period, settings) - as_of).days

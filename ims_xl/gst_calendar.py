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

The annual return for the financial year, when filed before 30 November, ends the time
earlier (section 16(4): "or furnishing of the relevant annual return, whichever is earlier"):

>>> section_16_4_deadline(date(2025, 10, 3), {2025: date(2026, 10, 28)})
datetime.date(2026, 10, 28)
>>> financial_year_label(2025), parse_financial_year(" 2025-26 ")
('2025-26', 2025)
>>> ims_start(Settings(filing=Filing.QUARTERLY))   # the quarter containing October 2025
Period('122025')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from .models import Settings
from .periods import Filing, Period

__all__ = [
    "GSTR2B_DAY", "QRMP_22ND_STATES", "gstr2b_date", "gstr3b_due", "filed_on", "close_of",
    "financial_year", "financial_year_start", "financial_year_label", "parse_financial_year",
    "section_16_4_deadline", "days_to_cutoff", "ims_start",
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


def financial_year_start(day: date) -> int:
    """The first calendar year of the financial year containing ``day`` (2025 for 2025-26)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start: int) -> str:
    """A financial year as the portal writes it: ``2025-26``."""
    return f"{start}-{(start + 1) % 100:02d}"


_FY_RE = re.compile(r"([0-9]{4})-([0-9]{2})")


def parse_financial_year(text: str) -> int:
    """``2025-26`` read as 2025; anything else (``2025-27``, ``2025``) is a ValueError."""
    m = _FY_RE.fullmatch(str(text).strip())
    if not m or int(m.group(2)) != (int(m.group(1)) + 1) % 100 or int(m.group(1)) < 1900:
        raise ValueError(f"{text!r} is not a financial year: write it as YYYY-YY (2025-26)")
    return int(m.group(1))


def section_16_4_deadline(clock: date, annual_return_filed: Mapping[int, date] | None = None
                          ) -> date:
    """Section 16(4): 30 November after the end of the financial year of ``clock`` (the BoE
    date of an original, the reference date of an amendment), or the day the annual return
    of that financial year was filed, if recorded and earlier."""
    start = financial_year_start(clock)
    deadline = date(start + 1, 11, 30)
    filed = annual_return_filed.get(start) if annual_return_filed else None
    return filed if filed is not None and filed < deadline else deadline


def ims_start(settings: Settings) -> Period:
    """``S``: the first period whose BoEs IMS handles (a quarterly filer: its quarter)."""
    return settings.ims_start.for_filing(settings.filing)


def days_to_cutoff(period: Period, settings: Settings, as_of: date) -> int:
    """Days from ``as_of`` to ``G(P)`` (0 on the day GSTR-2B is generated, negative after)."""
    return (gstr2b_date(period, settings) - as_of).days

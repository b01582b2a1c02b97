"""The calendar as seen from one as-of date, with per-period answers cached.

An evaluation asks for ``G(P)`` and ``C(P)`` of the same few periods hundreds of thousands
of times; computing them once per period keeps the engine fast.
"""

from __future__ import annotations

from datetime import date

from .. import gst_calendar
from ..models import Settings
from ..periods import Period

__all__ = ["Context"]


class Context:
    __slots__ = ("settings", "as_of", "filing", "current", "_g", "_c")

    def __init__(self, settings: Settings, as_of: date):
        self.settings = settings
        self.as_of = as_of
        self.filing = settings.filing
        self.current = Period.containing(as_of, settings.filing)  # the period containing T
        self._g: dict[Period, date] = {}
        self._c: dict[Period, date | None] = {}

    def g(self, period: Period) -> date:
        """``G(P)``: GSTR-2B generation day."""
        try:
            return self._g[period]
        except KeyError:
            value = self._g[period] = gst_calendar.gstr2b_date(period, self.settings)
            return value

    def close(self, period: Period) -> date | None:
        """``C(P)``: the close of P, or ``None`` while P is open at ``T``."""
        try:
            return self._c[period]
        except KeyError:
            value = self._c[period] = gst_calendar.close_of(period, self.settings, self.as_of)
            return value

    def next(self, period: Period) -> Period:
        return period.next(self.filing)

    def origin(self, period: Period | None, ref_date: date | None, fallback: date | None) -> Period:
        """A version's origin period: its own period, else the one containing its reference date."""
        if period is not None:
            return period.for_filing(self.filing)
        day = ref_date or fallback or self.as_of
        return Period.containing(day, self.filing)

    def periods(self, first: Period, last: Period) -> list[Period]:
        out = []
        p = first.for_filing(self.filing)
        while p <= last:
            out.append(p)
            p = self.next(p)
        return out

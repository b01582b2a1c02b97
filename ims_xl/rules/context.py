"""The calendar as seen from one as-of date, with per-period answers cached.

An evaluation asks for ``G(P)`` and ``C(P)`` of the same few periods hundreds of thousands
of times; computing them once per period keeps the engine fast. The caches are keyed by the
period's ``(year, month)`` tuple (``Period._key``), which hashes without a Python call.
"""

from __future__ import annotations

from datetime import date

from .. import gst_calendar
from ..models import PeriodStep, Settings, Status
from ..periods import Filing, Period

__all__ = ["Context", "PeriodFacts"]


class PeriodFacts:
    """What a walk asks about one period P, computed once per evaluation.

    ``key`` orders periods (``Period._key``); ``close`` is ``C(P)`` (``None`` while P is open)
    and ``moment`` the date its action is read at (``C(P)``, or ``T`` while P is open).
    ``gstr2b_date`` is ``G(P)``, computed on first use. ``steps[status]`` is a shared
    :class:`PeriodStep` (immutable, so one per period and status is enough).
    """

    __slots__ = ("period", "key", "close", "moment", "steps", "_gstr2b_date", "_next", "_ctx")

    def __init__(self, period: Period, ctx: Context):
        self.period = period
        self.key = period._key
        self.close = gst_calendar.close_of(period, ctx.settings, ctx.as_of)
        self.moment = self.close if self.close is not None else ctx.as_of
        self.steps = {status: PeriodStep(period, status) for status in Status}
        self._gstr2b_date: date | None = None
        self._next: PeriodFacts | None = None
        self._ctx = ctx

    @property
    def gstr2b_date(self) -> date:
        """``G(P)``: the day GSTR-2B of P is generated."""
        if self._gstr2b_date is None:
            self._gstr2b_date = gst_calendar.gstr2b_date(self.period, self._ctx.settings)
        return self._gstr2b_date

    @property
    def next(self) -> PeriodFacts:
        if self._next is None:
            self._next = self._ctx.facts(self._ctx.next(self.period))
        return self._next


class Context:
    __slots__ = ("settings", "as_of", "filing", "current", "current_key", "ims_start",
                 "ims_start_key", "_facts", "_quarterly", "_time_limits", "walks")

    def __init__(self, settings: Settings, as_of: date):
        self.settings = settings
        self.as_of = as_of
        self.filing = settings.filing
        self._quarterly = settings.filing is Filing.QUARTERLY
        self.current = Period.containing(as_of, settings.filing)  # the period containing T
        self.current_key = self.current._key
        self.ims_start = gst_calendar.ims_start(settings)        # S
        self.ims_start_key = self.ims_start._key
        self._facts: dict[tuple[int, int], PeriodFacts] = {}
        self._time_limits: dict[int, date] = {}
        # the walks of this evaluation that versions share (ims_xl.rules.walk.shared_walk)
        self.walks: dict[tuple, object] = {}

    def time_limit(self, clock: date) -> date:
        """The section 16(4) deadline L for a version whose clock starts on ``clock``
        (one per financial year, so cached by the year)."""
        year = gst_calendar.financial_year_start(clock)
        found = self._time_limits.get(year)
        if found is None:
            found = self._time_limits[year] = gst_calendar.section_16_4_deadline(
                clock, self.settings.annual_return_filed)
        return found

    def facts(self, period: Period) -> PeriodFacts:
        """The cached :class:`PeriodFacts` of ``period``."""
        found = self._facts.get(period._key)
        if found is None:
            found = self._facts[period._key] = PeriodFacts(period, self)
        return found

    def gstr2b_date(self, period: Period) -> date:
        """``G(P)``: the day GSTR-2B of P is generated."""
        return self.facts(period).gstr2b_date

    def close(self, period: Period) -> date | None:
        """``C(P)``: the close of P, or ``None`` while P is open at ``T``."""
        return self.facts(period).close

    def next(self, period: Period) -> Period:
        return period.next(self.filing)

    def origin(self, period: Period | None, ref_date: date | None, fallback: date | None) -> Period:
        """A version's origin period: its own period, else the one containing its reference date."""
        if period is not None:
            # for_filing returns a monthly filer's period unchanged
            return period.for_filing(self.filing) if self._quarterly else period
        day = ref_date or fallback or self.as_of
        return Period.containing(day, self.filing)

    def periods(self, first: Period, last: Period) -> list[Period]:
        out = []
        p = first.for_filing(self.filing)
        while p <= last:
            out.append(p)
            p = self.next(p)
        return out

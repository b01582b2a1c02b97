"""Return periods written ``MMYYYY``.

A monthly filer's period is a calendar month. A quarterly (QRMP) filer's period is a quarter,
written as its last month (``122025`` is October-December 2025).

>>> p = Period.parse("102025")
>>> str(p), p.next(Filing.MONTHLY), p.next(Filing.QUARTERLY)
('102025', Period('112025'), Period('012026'))
>>> Period.containing(date(2025, 11, 3), Filing.QUARTERLY)
Period('122025')
>>> Period.parse("112025").for_filing(Filing.QUARTERLY)
Period('122025')
>>> Period.parse("132025")
Traceback (most recent call last):
...
ValueError: period '132025' is not MMYYYY (month 01-12, then a four-digit year)
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = ["Filing", "Period"]


class Filing(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


_PERIOD_RE = re.compile(r"(0[1-9]|1[0-2])(\d{4})")
_FRIENDLY_RE = re.compile(r"([a-z]+|\d{1,4})\s*[-/ .,]\s*([a-z]+|\d{1,4})")
_MONTHS = {name: n for n, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


@dataclass(frozen=True, eq=False)
class Period:
    """A return period. Ordered by time; ``month`` is the last month for a quarter.

    Immutable, hashable and ordered like the ``(year, month)`` tuple. An evaluation hashes and
    compares periods hundreds of thousands of times, so that tuple is built once, in
    ``_key`` (also what the rules key their per-period caches by), instead of on every call.
    """

    __slots__ = ("year", "month", "_key")
    year: int
    month: int

    def __init__(self, year: int, month: int) -> None:
        object.__setattr__(self, "year", year)   # frozen: no normal assignment
        object.__setattr__(self, "month", month)
        object.__setattr__(self, "_key", (year, month))

    # Pickled as [year, month], as the frozen slotted dataclass this was: old pickles load.
    def __getstate__(self) -> list[int]:
        return [self.year, self.month]

    def __setstate__(self, state: list[int]) -> None:
        Period.__init__(self, *state)

    def __hash__(self) -> int:
        return hash(self._key)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is Period:
            return self._key == other._key  # type: ignore[attr-defined]
        return NotImplemented

    def __lt__(self, other: Period) -> bool:
        if other.__class__ is Period:
            return self._key < other._key
        return NotImplemented

    def __le__(self, other: Period) -> bool:
        if other.__class__ is Period:
            return self._key <= other._key
        return NotImplemented

    def __gt__(self, other: Period) -> bool:
        if other.__class__ is Period:
            return self._key > other._key
        return NotImplemented

    def __ge__(self, other: Period) -> bool:
        if other.__class__ is Period:
            return self._key >= other._key
        return NotImplemented

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``MMYYYY`` (surrounding spaces ignored; an int such as 102025 is accepted)."""
        raw = str(text).strip()
        if len(raw) == 5 and raw.isdigit():  # Excel dropped the leading zero of 012026
            raw = "0" + raw
        m = _PERIOD_RE.fullmatch(raw)
        if not m or not 1900 <= int(m.group(2)) <= 9999:
            raise ValueError(
                f"period {text!r} is not MMYYYY (month 01-12, then a four-digit year)")
        return cls(int(m.group(2)), int(m.group(1)))

    @classmethod
    def from_user(cls, text: str) -> Period:
        """A period as an accountant types it: ``MMYYYY`` or the month and the year in the
        usual ways (the month by number, short or full name; the year first or last).

        >>> [str(Period.from_user(t)) for t in ("112025", "Nov-2025", "November 2025",
        ...                                      "11-2025", "11/2025", "2025-11", "nov 25")]
        ['112025', '112025', '112025', '112025', '112025', '112025', '112025']
        >>> Period.from_user("13/2025")
        Traceback (most recent call last):
        ValueError: period '13/2025' is not a month and year: type it as 112025, Nov-2025, November 2025, 11-2025, 11/2025 or 2025-11
        """
        raw = str(text).strip()
        try:
            return cls.parse(raw)
        except ValueError:
            pass
        m = _FRIENDLY_RE.fullmatch(raw.lower())
        if m:
            first, second = m.group(1), m.group(2)
            if first.isdigit() and len(first) == 4:        # 2025-11
                year, month = first, second
            else:                                           # 11-2025, Nov-2025, nov 25
                month, year = first, second
            number = int(month) if month.isdigit() else _MONTHS.get(month[:3])
            if len(year) == 2 and year.isdigit():
                year = "20" + year
            if number and 1 <= number <= 12 and year.isdigit() and 1900 <= int(year) <= 9999:
                return cls(int(year), number)
        raise ValueError(f"period {text!r} is not a month and year: type it as 112025, "
                         "Nov-2025, November 2025, 11-2025, 11/2025 or 2025-11")

    @classmethod
    def containing(cls, day: date, filing: Filing = Filing.MONTHLY) -> Period:
        """The period a date falls in."""
        return cls(day.year, day.month).for_filing(filing)

    def for_filing(self, filing: Filing) -> Period:
        """A quarterly filer's month belongs to the quarter that contains it."""
        if filing is Filing.QUARTERLY:
            return Period(self.year, ((self.month - 1) // 3 + 1) * 3)
        return self

    def next(self, filing: Filing = Filing.MONTHLY) -> Period:
        step = 3 if filing is Filing.QUARTERLY else 1
        index = self.year * 12 + self.month - 1 + step
        return Period(index // 12, index % 12 + 1)

    def first_day(self, filing: Filing = Filing.MONTHLY) -> date:
        first_month = self.month - 2 if filing is Filing.QUARTERLY else self.month
        return date(self.year, first_month, 1)

    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def following_month(self, day: int) -> date:
        """The given day of the month after the period ends (2B and 3B dates hang on it)."""
        nxt = self.next(Filing.MONTHLY)
        return date(nxt.year, nxt.month, day)

    def is_quarter_end(self) -> bool:
        return self.month % 3 == 0

    @property
    def code(self) -> str:
        return f"{self.month:02d}{self.year:04d}"

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return f"Period({self.code!r})"

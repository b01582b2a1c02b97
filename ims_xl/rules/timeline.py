"""Which action is in force at a moment (rules.md section 3)."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from operator import attrgetter

from ..models import Action, ActionCode

__all__ = ["Timeline"]

_ORDER = attrgetter("date", "seq")  # date order; ties in input order


class Timeline:
    """The valid actions on one version, in date order (ties: input order).

    The action in force at a moment is the latest one dated on or before it.
    """

    __slots__ = ("actions", "_dates")

    def __init__(self, actions: list[Action]):
        if len(actions) == 1:  # most versions with an action have one: nothing to sort
            self.actions = list(actions)
            self._dates = [actions[0].date]
        else:
            self.actions = sorted(actions, key=_ORDER)
            self._dates = [a.date for a in self.actions]

    def in_force(self, moment: date) -> ActionCode:
        i = bisect_right(self._dates, moment)
        return self.actions[i - 1].code if i else ActionCode.NO_ACTION  # type: ignore[return-value]

    def after(self, moment: date) -> list[Action]:
        return self.actions[bisect_right(self._dates, moment):]

    def __bool__(self) -> bool:
        return bool(self.actions)

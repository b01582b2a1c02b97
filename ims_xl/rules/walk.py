"""Walking one BoE version through return periods (rules.md section 4).

This is where a version becomes accepted, rejected, deemed accepted, pending, superseded or
time-barred. For each period P from the version's origin period O up to the period containing
the as-of date T:

0. carried in as pending while a later version of the same BoE has already appeared
   (origin on or before P): **superseded**;
1. the action in force at the close of P (or at T while P is open) decides:
   Accept -> **accepted**; Reject -> **rejected**;
   no action -> **deemed accepted** once GSTR-2B of P is generated (``T >= G(P)``), else **open**;
   Keep Pending -> **pending**, carried to the next period once P is closed.

The pending limits (``one_period``, ``section_16_4``) are applied here too, so the whole life
of a version is in this one function. A version from before IMS (origin before ``S``) is
walked with no actions and no limit: the engine gives it an empty timeline and no time bar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..models import ActionCode, PendingLimit, PeriodStep, Status
from ..periods import Period
from .context import Context, PeriodFacts
from .timeline import Timeline

__all__ = ["Walk", "walk_version", "shared_walk"]


@dataclass(slots=True)
class Walk:
    """How a version's walk ended."""

    status: Status
    period: Period | None                   # the period the walk ended in
    history: list[PeriodStep] = field(default_factory=list)
    deemed_on: date | None = None           # open: when it will be deemed accepted
    superseded_at: date | None = None       # superseded: the close after which it was
    # one_period: the period O+1 into which a Pending was carried (status pending: it will be
    # deemed accepted at the close of O+1; deemed accepted: it was, at that close)
    pending_limit_period: Period | None = None
    time_bar: date | None = None            # time_barred: the section 16(4) deadline


def walk_version(origin: PeriodFacts, timeline: Timeline, ctx: Context, *,
                 later_origin: Period | None, time_bar: date | None) -> Walk:
    """Walk one version from its origin period (given as its :class:`PeriodFacts`).

    ``later_origin`` is the earliest origin period of a later version of the same BoE
    (``None`` when there is none); ``timeline`` holds only the version's valid actions dated
    on or before T. ``time_bar`` is the section 16(4) deadline L when the version is to be
    barred (``T`` on or after L with a Pending in force on L), else ``None``. The loop
    compares the periods' keys (``Period._key``), which order like the periods.
    """
    current = ctx.current_key
    if origin.key > current:
        return Walk(Status.OPEN, None)  # appears after T: nothing to walk yet

    one_period = ctx.settings.pending_limit is PendingLimit.ONE_PERIOD
    history: list[PeriodStep] = []
    facts = origin
    carried = False
    while facts.key <= current:
        period = facts.period
        if carried and later_origin is not None and later_origin <= facts.period:
            history.append(facts.steps[Status.SUPERSEDED])
            previous_close = ctx.close(_previous(history))
            return Walk(Status.SUPERSEDED, period, history, superseded_at=previous_close)

        closed_on = facts.close
        moment = facts.moment  # the close, or T while the period is open
        if time_bar is not None and moment >= time_bar:
            history.append(facts.steps[Status.TIME_BARRED])
            return Walk(Status.TIME_BARRED, period, history, time_bar=time_bar)

        action = timeline.in_force(moment)
        if action is ActionCode.ACCEPT:
            history.append(facts.steps[Status.ACCEPTED])
            return Walk(Status.ACCEPTED, period, history)
        if action is ActionCode.REJECT:
            history.append(facts.steps[Status.REJECTED])
            return Walk(Status.REJECTED, period, history)
        if action is ActionCode.NO_ACTION:
            generated = facts.gstr2b_date
            if ctx.as_of >= generated:
                history.append(facts.steps[Status.DEEMED_ACCEPTED])
                return Walk(Status.DEEMED_ACCEPTED, period, history)
            history.append(facts.steps[Status.OPEN])
            return Walk(Status.OPEN, period, history, deemed_on=generated)

        if carried and one_period:
            # A Pending carried into O+1 is honoured while O+1 is open, not at its close:
            # then the version is deemed accepted in O+1 (as GSTN does for credit notes).
            if closed_on is None:
                history.append(facts.steps[Status.PENDING])
                return Walk(Status.PENDING, period, history, pending_limit_period=period)
            history.append(facts.steps[Status.DEEMED_ACCEPTED])
            return Walk(Status.DEEMED_ACCEPTED, period, history, pending_limit_period=period)

        history.append(facts.steps[Status.PENDING])
        if closed_on is None:
            break
        facts = facts.next
        carried = True
    return Walk(Status.PENDING, history[-1].period, history)


def shared_walk(origin: PeriodFacts, timeline: Timeline, ctx: Context, *,
                later_origin: Period | None, time_bar: date | None) -> Walk:
    """:func:`walk_version`, done once for the versions that walk alike.

    A walk reads nothing but its arguments: the origin period, the dates and codes of the
    actions, the later origin and the time bar, and ``ctx`` (one evaluation's, the same for
    every version). So versions with the same ones, and at most one action, share one walk
    (``ctx.walks``): most versions of a year are such, and walking them each is a tenth of
    the evaluation. A :class:`Walk` is never changed once made; each result takes a copy
    of its history.
    """
    actions = timeline.actions
    if len(actions) > 1:  # few: walked each
        return walk_version(origin, timeline, ctx, later_origin=later_origin,
                            time_bar=time_bar)
    action = (actions[0].date, actions[0].code) if actions else None
    key = (origin.key, None if later_origin is None else later_origin._key, time_bar, action)
    walk = ctx.walks.get(key)
    if walk is None:
        walk = ctx.walks[key] = walk_version(origin, timeline, ctx, later_origin=later_origin,
                                             time_bar=time_bar)
    return walk  # type: ignore[return-value]


def _previous(history: list[PeriodStep]) -> Period:
    return history[-2].period

"""What happens if nothing more is done (issue 14, item 7): the figures the portal will hold
on the day GSTR-2B of a period is generated, ``G(P)``, if the accountant takes no further
action.

No second set of rules: the same :func:`~ims_xl.rules.engine.evaluate`, run as of ``G(P)``
with only the actions already taken (dated on or before the as-of date ``T``). So every rule
applies as the walk applies it on that day: a version with no action is deemed accepted
(rules.md 4, step 4); an explicit Keep Pending stays pending (within its limit: ``one_period``
still honours it while P is open, ``section_16_4`` bars it if its deadline falls by ``G(P)``);
a Reject honoured under ``warn``/``allow`` stays rejected; an amendment carries its
differential against the versions accepted by then (rules.md 5); a pending original that an
amendment supersedes by then gives no credit.

A period whose GSTR-2B is already generated (``T >= G(P)``) is closed to deemed acceptance:
its figures are the ones as they stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..gst_calendar import gstr2b_date
from ..models import (GSTR2B_SECTIONS, Action, BoeVersion, Bucket, Evaluation, Heads,
                      PeriodFigures, SectionTotals, Settings, Status)
from ..periods import Period
from .engine import evaluate

__all__ = ["NothingMore", "if_nothing_more", "credit_if_nothing_more", "is_open", "in_play"]


@dataclass(frozen=True, slots=True)
class NothingMore:
    """A period's figures if nothing more is done.

    ``period_open``: GSTR-2B of the period is not generated yet on the as-of date.
    ``gstr2b_date``: ``G(P)``. ``as_of``: the day the figures hold on (``G(P)`` while the
    period is open, else the as-of date ``T``: the figures as they stand).
    """

    period: Period
    period_open: bool
    gstr2b_date: date
    as_of: date
    figures: PeriodFigures


def is_open(period: Period, settings: Settings, as_of: date) -> bool:
    """Whether GSTR-2B of ``period`` is still to be generated on ``as_of`` (deemed acceptance
    happens on ``G(P)`` itself, rules.md 4 step 4: ``T >= G(P)``)."""
    return as_of < gstr2b_date(period, settings)


def actions_taken(actions: list[Action], as_of: date) -> list[Action]:
    """The actions already taken on ``as_of``: "nothing more" means no later one counts."""
    return [a for a in actions if a.date <= as_of]


def if_nothing_more(records: list[BoeVersion], actions: list[Action], settings: Settings,
                    as_of: date, period: Period, now: Evaluation) -> NothingMore | None:
    """``period``'s figures on ``G(P)`` if nothing more is done (``None`` when the period is
    not among ``now``'s periods). ``now`` is the evaluation as of ``as_of``."""
    current = now.periods.get(period)
    if current is None:
        return None
    generated = gstr2b_date(period, settings)
    if not is_open(period, settings, as_of):
        return NothingMore(period, False, generated, as_of, current)
    live = in_play(records, now, _open_periods(now, settings, as_of))
    later = _evaluate_on(generated, records, live, actions, settings, as_of)
    return NothingMore(period, True, generated, generated,
                       later.periods.get(period) or _nothing_in(period))


def credit_if_nothing_more(records: list[BoeVersion], actions: list[Action],
                           settings: Settings, as_of: date, now: Evaluation
                           ) -> list[tuple[Period, Heads] | None]:
    """For each version (in input order): the period whose GSTR-3B takes its credit and its
    ITC effect there if nothing more is done, or ``None`` (no credit in any period's figures
    of :func:`if_nothing_more`).

    A version credited in a closed period keeps what it has now; for each open period P the
    versions credited in P by the evaluation as of ``G(P)`` take that evaluation's effect. So
    summing these per period gives exactly :func:`if_nothing_more`'s net credit N(P) for every
    period: the workbook's GSTR-3B sheet sums them with SUMIFS.
    """
    out: list[tuple[Period, Heads] | None] = [None] * len(records)
    open_periods = _open_periods(now, settings, as_of)
    for i, result in enumerate(now.records):
        if result.itc is not None and result.itc_period not in open_periods:
            out[i] = (result.itc_period, result.itc)
    live = in_play(records, now, open_periods)
    for period in sorted(open_periods):
        later = _evaluate_on(gstr2b_date(period, settings), records, live, actions, settings,
                             as_of)
        for i, result in zip(live, later.records):
            if result.itc is not None and result.itc_period == period:
                out[i] = (period, result.itc)
    return out


def _open_periods(now: Evaluation, settings: Settings, as_of: date) -> set[Period]:
    return {p for p in now.periods if is_open(p, settings, as_of)}


# A walk that ended in one of these stays so with no further action (its period's action is
# read at T or at the period's close, and no action after T counts).
_SETTLED = frozenset({Status.ACCEPTED, Status.DEEMED_ACCEPTED, Status.REJECTED,
                      Status.SUPERSEDED, Status.TIME_BARRED, Status.DUPLICATE,
                      Status.OTHER_GSTIN})


def in_play(records: list[BoeVersion], now: Evaluation, open_periods: set[Period]) -> list[int]:
    """The versions (indices, input order) of every BoE that can still count in an open
    period: one of its versions is open or pending, or accepted or rejected in an open period.

    Only these need the evaluation as of ``G(P)``: every other BoE is settled in a period whose
    GSTR-2B is generated, so it adds nothing to an open period's figures. A BoE is kept whole
    (all its versions) so that differentials, duplicates and supersession are as the engine
    finds them. Ten thousand BoEs in a year leave a few hundred in play.
    """
    live = {records[i].identity for i, result in enumerate(now.records)
            if result.status not in _SETTLED
            or (result.itc_period or result.rejected_period) in open_periods}
    # BoeVersion.identity normalises the BoE number: a cheap look at the date and port
    # first leaves it to be built for a few versions only
    near = {(boe_date, port) for _section, port, _number, boe_date in live}
    return [i for i, v in enumerate(records)
            if (v.boe_date, v.port_code.strip().upper()) in near and v.identity in live]


def _evaluate_on(day: date, records: list[BoeVersion], live: list[int], actions: list[Action],
                 settings: Settings, as_of: date) -> Evaluation:
    """The rules as of ``day`` over the versions in play, with only the actions taken by
    ``as_of``."""
    ids = {records[i].id for i in live}
    return evaluate([records[i] for i in live],
                    [a for a in actions_taken(actions, as_of) if a.record_id in ids],
                    settings, day)


def _nothing_in(period: Period) -> PeriodFigures:
    """The figures of a period in which no BoE is in play: all zero."""
    return PeriodFigures(period, "open", {s: SectionTotals() for s in GSTR2B_SECTIONS},
                         Heads(), Bucket(), Bucket())

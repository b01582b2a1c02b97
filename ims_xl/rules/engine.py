"""The evaluation: records and actions in, a status per version and figures per period out.

One pure function, :func:`evaluate`, that every surface calls (worksheet functions, ribbon
macros, the command line and the JSON engine).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from operator import attrgetter

from ..dates import format_date
from ..gcpause import without_gc
from ..messages import message
from ..models import (Action, ActionCode, BoeVersion, Evaluation, PendingLimit, RejectPolicy,
                      Settings, Status, VersionResult)
from .checks import version_messages
from .context import Context, PeriodFacts
from .credit import itc_effects, period_figures
from .timeline import Timeline
from .walk import Walk, walk_version

__all__ = ["evaluate"]


@without_gc  # see ims_xl.gcpause: half the time at 100,000 versions
def evaluate(records: list[BoeVersion], actions: list[Action], settings: Settings,
             as_of: date) -> Evaluation:
    """Evaluate every version on ``as_of`` (the date ``T`` of rules.md).

    Records keep their input order in the result. Actions naming no record are ignored
    (the JSON engine refuses them before this point).
    """
    ctx = Context(settings, as_of)
    own_gstin = settings.gstin
    current = ctx.current
    origins = [ctx.origin(v.period, v.ref_date, v.boe_date) for v in records]
    results = [VersionResult(v.id, Status.OPEN,
                             messages=version_messages(v, own_gstin=own_gstin, as_of=as_of,
                                                       origin=origin, current=current))
               for v, origin in zip(records, origins)]
    index = {v.id: i for i, v in enumerate(records)}

    # Duplicates: same identity, amendment flag and reference date; the later one is left out.
    # The identity is BoeVersion.key as a plain tuple (same fields, same normalisation):
    # building and hashing it is much cheaper than the named tuple, for every version.
    chains: dict[tuple, list[int]] = {}
    for i, v in enumerate(records):
        key = (v.section, v.port_code.strip().upper(), v.boe_number.strip().lstrip("0") or "0",
               v.boe_date)
        chain = chains.get(key)
        if chain is None:
            chains[key] = [i]
            continue
        for j in chain:  # the BoE's versions so far, duplicates left out
            if records[j].amendment == v.amendment and records[j].ref_date == v.ref_date:
                results[i].status = Status.DUPLICATE
                results[i].messages.append(message("DUPLICATE_RECORD"))
                break
        else:
            chain.append(i)

    by_record = _valid_actions(actions, records, index, results, settings, as_of)

    facts = ctx.facts
    # Versions with the same origin, later origin and at most one action (same date and
    # code) walk alike, and most versions are such: each such walk is done once.
    # (Under the section 16(4) limit the walk also hangs on the BoE date: no sharing then.)
    walks: dict[tuple, Walk] | None = (
        None if settings.pending_limit is PendingLimit.SECTION_16_4 else {})
    order: list[int] = []   # every walked version, each BoE's chain in version order
    for chain in chains.values():
        if len(chain) > 1:
            # The original first, then amendments by reference date, then input order.
            chain.sort(key=lambda i: (records[i].amendment, records[i].ref_date or date.min, i))
        # Latest version first, to know the earliest origin of the versions after each one
        # (a walk touches only its own result, so the order of the walks does not matter).
        later_origin: tuple[int, int] | None = None   # its Period._key
        for i in reversed(chain):
            origin = facts(origins[i])
            _walk_one(records[i], results[i], origin, by_record.get(i, _NO_ACTIONS),
                      later_origin, ctx, walks)
            if later_origin is None or origin.key < later_origin:
                later_origin = origin.key
        itc_effects(records, results, chain)
        for i in chain:
            if records[i].amendment:  # only an amendment carries a differential
                _differential_message(records[i], results[i])
        order += chain

    first = min(origins, key=_period_key, default=current)
    figures = period_figures(records, results, order, ctx, min(first, current))
    return Evaluation(results, figures)


_NO_ACTIONS: list[Action] = []
_NO_TIMELINE = Timeline([])  # shared: a timeline is never changed once built
_period_key = attrgetter("_key")


def _valid_actions(actions: list[Action], records: list[BoeVersion], index: dict[str, int],
                   results: list[VersionResult], settings: Settings,
                   as_of: date) -> dict[int, list[Action]]:
    """Drop actions with errors (reporting them) and actions dated after T (not yet taken)."""
    policy = settings.reject_policy
    out: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        i = index.get(action.record_id)
        if i is None or action.date > as_of:
            continue
        msgs = results[i].messages
        if action.code is None:
            msgs.append(message("ACTION_UNKNOWN", action=action.raw))
            continue
        if action.code is ActionCode.REJECT:
            if policy is RejectPolicy.BLOCK:
                msgs.append(message("REJECT_BLOCKED"))
                continue
            if not action.remark.strip():
                msgs.append(message("REJECT_NEEDS_REMARK"))
                continue
            if policy is RejectPolicy.WARN:
                msgs.append(message("REJECT_NOT_ON_PORTAL"))
        out[i].append(action)
    return out


def _walk_one(version: BoeVersion, result: VersionResult, origin: PeriodFacts,
              actions: list[Action], later_origin: tuple[int, int] | None,
              ctx: Context, walks: dict[tuple, Walk] | None) -> None:
    timeline = Timeline(actions) if actions else _NO_TIMELINE
    if walks is not None and len(actions) <= 1:
        same = ((origin.key, later_origin, actions[0].date, actions[0].code) if actions
                else (origin.key, later_origin))
        walk = walks.get(same)
        if walk is None:
            walk = walks[same] = walk_version(origin, timeline, ctx, later_origin=later_origin,
                                              boe_date=version.boe_date)
    else:
        walk = walk_version(origin, timeline, ctx, later_origin=later_origin,
                            boe_date=version.boe_date)
    status = result.status = walk.status
    result.history = list(walk.history)  # the result's own list: a walk may be shared
    result.deemed_on = walk.deemed_on
    msgs = result.messages

    if status is Status.ACCEPTED or status is Status.DEEMED_ACCEPTED:  # gives credit
        result.itc_period = walk.period
    elif status is Status.REJECTED:
        result.rejected_period = walk.period

    if status is Status.ACCEPTED or status is Status.DEEMED_ACCEPTED or \
            status is Status.REJECTED:
        closed = ctx.close(walk.period)  # type: ignore[arg-type]
        if closed is not None:
            for late in timeline.after(closed):
                msgs.append(message("ACTION_AFTER_CLOSE", action_date=format_date(late.date),
                                    period=walk.period, closed=format_date(closed),
                                    status=walk.status.label.lower()))
    elif walk.status is Status.SUPERSEDED and walk.superseded_at is not None:
        for late in timeline.after(walk.superseded_at):
            msgs.append(message("ACTION_ON_SUPERSEDED", action_date=format_date(late.date)))
    elif walk.status is Status.TIME_BARRED:
        msgs.append(message("TIME_BARRED", deadline=format_date(walk.time_bar),
                            boe_date=format_date(version.boe_date)))
    elif walk.status is Status.OPEN and walk.deemed_on is not None:
        days = (walk.deemed_on - ctx.as_of).days
        if days <= ctx.settings.cutoff_warning_days:
            msgs.append(message("CUTOFF_NEAR", days=days, deadline=format_date(walk.deemed_on)))

    if walk.pending_limit_period is not None:
        msgs.append(message("PENDING_LIMIT", period=walk.pending_limit_period,
                            deadline=format_date(ctx.g(walk.pending_limit_period))))


def _differential_message(version: BoeVersion, result: VersionResult) -> None:
    itc = result.itc
    if version.amendment and itc is not None and (itc.igst < 0 or itc.cess < 0):
        result.messages.append(message("NEGATIVE_DIFFERENTIAL", igst=itc.igst, cess=itc.cess,
                                       period=result.itc_period))



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
from ..gst_calendar import financial_year_label, financial_year_start, gstr3b_due
from ..identifiers import gstin as gstin_id
from ..messages import message
from ..models import (ZERO, Action, ActionCode, BoeVersion, Evaluation, Message, PendingLimit,
                      RejectPolicy, Settings, Status, VersionResult)
from ..money import format_inr
from ..periods import Period
from .checks import version_messages
from .context import Context, PeriodFacts
from .credit import figures_by_period, itc_effects
from .timeline import Timeline
from .walk import Walk, shared_walk

__all__ = ["evaluate"]


@without_gc  # see ims_xl.gcpause: half the time at 100,000 versions
def evaluate(records: list[BoeVersion], actions: list[Action], settings: Settings,
             as_of: date) -> Evaluation:
    """Evaluate every version on ``as_of`` (the date ``T`` of rules.md).

    Records keep their input order in the result. Actions naming no record are ignored
    (the JSON engine refuses them before this point).
    """
    ctx = Context(settings, as_of)
    current = ctx.current
    origins = [ctx.origin(v.period, v.ref_date, v.boe_date) for v in records]
    results = [VersionResult(v.id, Status.OPEN,
                             messages=version_messages(v, as_of=as_of, origin=origin,
                                                       current=current))
               for v, origin in zip(records, origins)]
    index = {v.id: i for i, v in enumerate(records)}
    chains = _boe_chains(records, results)
    before_ims = [o._key < ctx.ims_start_key for o in origins]
    by_record = _valid_actions(actions, index, results, settings, as_of, before_ims, origins,
                               ctx)
    gstins = _GstinKinds(settings.gstin)
    order: list[int] = []   # every walked version, each BoE's chain in version order
    for chain in chains.values():
        order += _walk_chain(chain, records, results, origins, by_record, before_ims, gstins,
                             ctx)
    first = min(origins, key=_period_key, default=current)
    figures = figures_by_period(records, results, order, ctx, min(first, current))
    return Evaluation(results, figures)


def _boe_chains(records: list[BoeVersion], results: list[VersionResult]
                ) -> dict[tuple, list[int]]:
    """The versions of each BoE (indices, in input order), duplicates left out and marked.

    A duplicate has the same identity (:attr:`BoeVersion.identity`), amendment flag and
    reference date as an earlier version."""
    chains: dict[tuple, list[int]] = {}
    for i, v in enumerate(records):
        key = v.identity
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
    return chains


def _walk_chain(chain: list[int], records: list[BoeVersion], results: list[VersionResult],
                origins: list[Period], by_record: dict[int, list[Action]],
                before_ims: list[bool], gstins: _GstinKinds, ctx: Context) -> list[int]:
    """Walk the versions of one BoE, set their ITC effects and amendment messages; returns
    the versions that count for this GSTIN, in version order."""
    if len(chain) > 1:
        # The original first, then amendments by reference date, then input order.
        chain.sort(key=lambda i: (records[i].amendment, records[i].ref_date or date.min, i))
    if gstins.own and (len(chain) > 1 or
                       gstins.kind(records[chain[0]].importer_gstin)[0] != _OWN):
        chain = _this_gstins_versions(chain, records, results, gstins)
    # Latest version first, to know the earliest origin of the versions after each one
    # (a walk touches only its own result, so the order of the walks does not matter).
    later_origin: Period | None = None
    for i in reversed(chain):
        origin = ctx.facts(origins[i])
        _walk_one(records[i], results[i], origin, by_record.get(i, _NO_ACTIONS),
                  later_origin, ctx, before_ims[i])
        if later_origin is None or origin.period < later_origin:
            later_origin = origin.period
    itc_effects(records, results, chain)
    for i in chain:
        if records[i].amendment:  # only an amendment carries a differential
            if results[i].moved_to:
                _moved_message(results[i])
            _differential_message(records[i], results[i])
    return chain


_NO_ACTIONS: list[Action] = []
_NO_TIMELINE = Timeline([])  # shared: a timeline is never changed once built
_period_key = attrgetter("_key")


def _valid_actions(actions: list[Action], index: dict[str, int],
                   results: list[VersionResult], settings: Settings, as_of: date,
                   before_ims: list[bool], origins: list[Period], ctx: Context
                   ) -> dict[int, list[Action]]:
    """Drop actions with errors (reporting them) and actions dated after T (not yet taken).

    An action on a version from before IMS gets only ``ACTION_BEFORE_IMS``: whatever it
    says, the BoE went straight to GSTR-2B."""
    policy = settings.reject_policy
    out: dict[int, list[Action]] = defaultdict(list)
    too_early: dict[tuple, Message] = {}  # one message per (period, date): messages are frozen
    for action in actions:
        i = index.get(action.record_id)
        if i is None or action.date > as_of:
            continue
        msgs = results[i].messages
        if before_ims[i]:
            key = (origins[i]._key, action.date)
            found = too_early.get(key)
            if found is None:
                found = too_early[key] = message(
                    "ACTION_BEFORE_IMS", period=origins[i], start=ctx.ims_start,
                    action_date=format_date(action.date))
            msgs.append(found)
            continue
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
              actions: list[Action], later_origin: Period | None,
              ctx: Context, before_ims: bool) -> None:
    # A version from before IMS has no actions here (_valid_actions left them out) and no
    # pending limit: walked as it is, it is deemed accepted in its origin period.
    timeline = Timeline(actions) if actions else _NO_TIMELINE
    bar = clock = None
    if actions and ctx.settings.pending_limit is PendingLimit.SECTION_16_4:
        clock = _clock_date(version)
        if clock is not None:
            deadline = ctx.time_limit(clock)
            # Only a version still pending on the deadline can be barred.
            if ctx.as_of >= deadline and timeline.in_force(deadline) is ActionCode.PENDING:
                bar = deadline
    walk = shared_walk(origin, timeline, ctx, later_origin=later_origin, time_bar=bar)
    status = result.status = walk.status
    result.history = list(walk.history)  # its own: a walk may be shared (shared_walk)
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
                            why=_time_limit_reason(version, clock, walk.time_bar, ctx)))
    elif walk.status is Status.OPEN and walk.deemed_on is not None and not before_ims:
        # (no CUTOFF_NEAR before IMS: no action can change what happens to such a BoE)
        days = (walk.deemed_on - ctx.as_of).days
        if days <= ctx.settings.cutoff_warning_days:
            msgs.append(message("CUTOFF_NEAR", days=days, deadline=format_date(walk.deemed_on)))

    if walk.pending_limit_period is not None:
        msgs.append(_pending_limit_message(walk, ctx))


def _clock_date(version: BoeVersion) -> date | None:
    """When the section 16(4) clock starts: the BoE date of an original, the reference date
    (re-assessment) of an amendment (its BoE date when the reference date is missing)."""
    if version.amendment and version.ref_date is not None:
        return version.ref_date
    return version.boe_date


def _time_limit_reason(version: BoeVersion, clock: date | None, deadline: date | None,
                       ctx: Context) -> str:
    if clock is None or deadline is None:  # not reached: a barred walk has both
        return "section 16(4)"
    year = financial_year_start(clock)
    fy = financial_year_label(year)
    if version.amendment and version.ref_date is not None:
        start = f"the re-assessment of this amendment on {format_date(clock)}"
    else:
        start = f"the BoE date {format_date(clock)}"
    if ctx.settings.annual_return_filed.get(year) == deadline:
        return f"the annual return for {fy}, the financial year of {start}, was filed that day"
    return f"30 November after {fy}, the financial year of {start}"


def _pending_limit_message(walk: Walk, ctx: Context):
    period = walk.pending_limit_period
    if walk.status is Status.PENDING:  # in O+1, which is still open
        recorded = ctx.settings.filed_3b.get(period)
        when = (f"recorded as filed on {format_date(recorded)}" if recorded is not None
                else f"due {format_date(gstr3b_due(period, ctx.settings))}")
        detail = (f"in {period} this BoE stays pending only until GSTR-3B of {period} is "
                  f"filed ({when}). If it is still pending then, it is deemed accepted in "
                  f"{period}.")
    else:
        closed = ctx.close(period)
        detail = (f"it was still pending when GSTR-3B of {period} was filed on "
                  f"{format_date(closed)}, so it is deemed accepted in {period}.")
    return message("PENDING_LIMIT", detail=detail)


def _rupees(amount) -> str:
    try:
        return format_inr(amount)
    except (ValueError, ArithmeticError):  # beyond any real amount: shown as it is
        return str(amount)


def _moved_message(result: VersionResult) -> None:
    """``GSTIN_MOVED``: the new GSTIN, and the credit this GSTIN reverses (its ITC effect)."""
    itc = result.itc
    if itc is None:
        detail = ("when it is accepted or deemed accepted, the credit taken on this BoE is "
                  "reversed: GSTR-3B Table 4 nets it against that period's import credit "
                  "(4(A)(1) falls by it; what the period's credit cannot absorb is 4(B)(2)).")
    elif itc.igst < ZERO or itc.cess < ZERO:
        detail = (f"reverse the credit taken on it, IGST {_rupees(-itc.igst)} and cess "
                  f"{_rupees(-itc.cess)}, in GSTR-3B Table 4 of {result.itc_period} (netted "
                  "against the period's import credit: 4(A)(1) falls by it, and what it cannot "
                  "absorb is 4(B)(2)), and declare the same amount when the portal asks for the "
                  "ITC to reverse.")
    else:
        detail = ("no credit on it is left to reverse for this GSTIN (none was taken, or it "
                  "was reversed on an earlier amendment).")
    result.messages.append(message("GSTIN_MOVED", new=result.moved_to, detail=detail))


_OWN, _OTHER, _OTHER_VALID = 0, 1, 2   # kinds of importer GSTIN


class _GstinKinds:
    """Whether an importer GSTIN is this GSTIN's, with each distinct text judged once."""

    __slots__ = ("own", "_seen")

    OWN, OTHER, OTHER_VALID = _OWN, _OTHER, _OTHER_VALID

    def __init__(self, own: str | None):
        self.own = own
        self._seen: dict[str, tuple[int, str]] = {"": (self.OWN, "")}

    def kind(self, value: str) -> tuple[int, str]:
        """(OWN, OTHER or OTHER_VALID, the GSTIN as written in messages)."""
        found = self._seen.get(value)
        if found is None:
            shown = _compact(value)
            if shown == self.own or not shown:  # (white space only is no GSTIN)
                found = (self.OWN, shown)
            else:
                found = (self.OTHER if gstin_id.problem(value) else self.OTHER_VALID, shown)
            self._seen[value] = found
        return found


def _compact(value: str) -> str:
    try:
        return gstin_id.compact(value)
    except Exception:  # noqa: BLE001 - a text compact cannot read is shown as given
        return value.strip()


def _this_gstins_versions(chain: list[int], records: list[BoeVersion],
                          results: list[VersionResult], gstins: _GstinKinds) -> list[int]:
    """The versions of one BoE (in version order) that count for this GSTIN.

    A version of another GSTIN gets ``GSTIN_OTHER`` and status ``other_gstin`` and is left
    out of the chain (no walk, no figure, no earlier version for a differential), unless it
    is a moved version: an amendment to a valid GSTIN after a version of this GSTIN (or of
    none). A moved version stays, with ``moved_to`` set: its own amounts count as zero.
    """
    kept: list[int] = []
    own_before = False
    for i in chain:
        kind, shown = gstins.kind(records[i].importer_gstin)
        if kind == _GstinKinds.OWN:
            own_before = True
            kept.append(i)
        elif kind == _GstinKinds.OTHER_VALID and own_before and records[i].amendment:
            results[i].moved_to = shown
            kept.append(i)
        else:
            results[i].status = Status.OTHER_GSTIN
            results[i].messages.append(message("GSTIN_OTHER", value=shown, own=gstins.own))
    return kept


def _differential_message(version: BoeVersion, result: VersionResult) -> None:
    itc = result.itc
    if version.amendment and itc is not None and (itc.igst < 0 or itc.cess < 0):
        # amounts as the accountant reads them (and the same from every reader of a cell)
        result.messages.append(message("NEGATIVE_DIFFERENTIAL", igst=_rupees(itc.igst),
                                       cess=_rupees(itc.cess), period=result.itc_period))



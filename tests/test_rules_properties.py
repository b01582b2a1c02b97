"""Property tests of the rules module (hypothesis), over every setting of rules.md 2.0."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st

from ims_xl.models import (ZERO, Action, ActionCode, BoeVersion, PendingLimit, RejectPolicy,
                           Section, Settings, Status)
from ims_xl.periods import Filing, Period
from ims_xl.rules import evaluate

START = date(2024, 1, 1)
days = st.integers(min_value=0, max_value=900)
money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)
codes = st.sampled_from([ActionCode.ACCEPT, ActionCode.REJECT, ActionCode.PENDING,
                         ActionCode.NO_ACTION, None])
OWN = "27AAPFU0939F1ZV"
# this GSTIN (or none) mostly; another valid GSTIN (a move, or another GSTIN's BoE); an
# invalid one (wrong check character)
importers = st.sampled_from(["", "", "", OWN, OWN.lower(), "24AAUPV7468F1ZW",
                             "24AAUPV7468F1ZX"])
ims_starts = st.sampled_from([Period(2024, 1), Period(2024, 7), Period(2025, 10),
                              Period(2026, 4)])


@st.composite
def boes(draw):
    """A BoE: an original and 0-2 amendments, with distinct reference dates (no ties)."""
    n = draw(st.integers(1, 3))
    boe_day = draw(days)
    offsets = sorted(draw(st.lists(st.integers(0, 200), min_size=n, max_size=n, unique=True)))
    section = draw(st.sampled_from(list(Section)))
    number = str(draw(st.integers(1000, 9999999)))
    port = draw(st.sampled_from(["INNSA1", "INMAA1", "18272A", "BAD"]))
    versions = []
    for k, off in enumerate(offsets):
        ref = START + timedelta(days=boe_day + off)
        versions.append(dict(section=section, amendment=k > 0, port_code=port,
                             boe_number=number, boe_date=START + timedelta(days=boe_day),
                             ref_date=ref, period=draw(st.sampled_from([None, "own"])),
                             igst=draw(money), cess=draw(money), taxable_value=draw(money),
                             importer_gstin=draw(importers)))
    return versions


@st.composite
def scenarios(draw):
    raw_boes = draw(st.lists(boes(), min_size=1, max_size=6))
    records = []
    for b, versions in enumerate(raw_boes):
        for k, v in enumerate(versions):
            period = Period.containing(v["ref_date"])
            v["period"] = period if v["period"] == "own" else None
            v["boe_number"] = str(1000 + b)  # distinct BoEs: no accidental duplicates
            records.append(BoeVersion(id=f"b{b}v{k}", **v))
    ids = [r.id for r in records]
    actions = []
    for seq in range(draw(st.integers(0, 12))):
        code = draw(codes)
        actions.append(Action(record_id=draw(st.sampled_from(ids)), code=code,
                              date=START + timedelta(days=draw(days)),
                              remark=draw(st.sampled_from(["", "why"])),
                              raw="x" if code is None else code.value, seq=seq))
    annual = draw(st.dictionaries(st.integers(2023, 2026),
                                  st.builds(lambda n: START + timedelta(days=n),
                                            st.integers(300, 1500)), max_size=2))
    s = Settings(gstin=draw(st.sampled_from([None, OWN, "07AAPFU0939F1ZV"])),
                 filing=draw(st.sampled_from(list(Filing))),
                 reject_policy=draw(st.sampled_from(list(RejectPolicy))),
                 pending_limit=draw(st.sampled_from(list(PendingLimit))),
                 cutoff_warning_days=draw(st.integers(0, 10)),
                 ims_start=draw(ims_starts), annual_return_filed=annual)
    as_of = START + timedelta(days=draw(st.integers(0, 1300)))
    return records, actions, s, as_of


def _snapshot(ev):
    recs = {r.id: (r.status, r.itc_period, None if r.itc is None else (r.itc.igst, r.itc.cess),
                   [(s.period, s.status) for s in r.history], [m.code for m in r.messages],
                   r.moved_to)
            for r in ev.records}
    periods = {p: (f.state, {k: (v.count, v.taxable_value, v.igst, v.cess)
                             for k, v in f.gstr2b.items()},
                   (f.net.igst, f.net.cess), (f.pending.count, f.pending.igst, f.pending.cess),
                   (f.rejected.count, f.rejected.igst))
               for p, f in ev.periods.items()}
    return recs, periods


COMMON = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@COMMON
@given(scenarios())
def test_itc_effects_telescope_to_the_latest_credited_version(sc):
    records, actions, s, as_of = sc
    ev = evaluate(records, actions, s, as_of)
    by_boe = defaultdict(list)
    for rec, res in zip(records, ev.records):
        by_boe[rec.key].append((rec, res))
    def own_amounts(rec, res):  # a moved version's own amounts count as zero (rules.md 1)
        return (ZERO, ZERO) if res.moved_to else (rec.igst, rec.cess)

    for chain in by_boe.values():
        chain = [(rec, res) for rec, res in chain if res.status is not Status.OTHER_GSTIN]
        credited = [(rec, res) for rec, res in chain if res.status.gives_credit]
        igst = sum((res.itc.igst for _, res in credited), Decimal(0))
        cess = sum((res.itc.cess for _, res in credited), Decimal(0))
        if not credited:
            assert igst == cess == 0
            continue
        latest = max(credited, key=lambda p: (p[0].amendment, p[0].ref_date))
        assert (igst, cess) == own_amounts(*latest)
        final = max(chain, key=lambda p: (p[0].amendment, p[0].ref_date))
        if len(credited) == len(chain):  # all versions accepted: exactly the final version
            assert (igst, cess) == own_amounts(*final)


@COMMON
@given(scenarios(), st.randoms(use_true_random=False))
def test_record_order_changes_nothing(sc, rnd):
    records, actions, s, as_of = sc
    shuffled = records[:]
    rnd.shuffle(shuffled)
    assert _snapshot(evaluate(records, actions, s, as_of)) == _snapshot(
        evaluate(shuffled, actions, s, as_of))


@COMMON
@given(scenarios(), st.integers(1, 400), codes)
def test_an_action_dated_after_as_of_changes_nothing(sc, later, code):
    records, actions, s, as_of = sc
    extra = Action(record_id=records[0].id, code=code, date=as_of + timedelta(days=later),
                   remark="late", raw="A", seq=len(actions))
    assert _snapshot(evaluate(records, actions, s, as_of)) == _snapshot(
        evaluate(records, actions + [extra], s, as_of))


@COMMON
@given(scenarios())
def test_pending_never_gives_credit_in_its_period(sc):
    records, actions, s, as_of = sc
    ev = evaluate(records, actions, s, as_of)
    for res in ev.records:
        pending_in = {st.period for st in res.history if st.status is Status.PENDING}
        assert res.itc_period not in pending_in
        if res.status is Status.PENDING:
            assert res.itc is None
    for p, fig in ev.periods.items():
        credited_here = sum(1 for r in ev.records if r.itc_period == p)
        assert sum(t.count for t in fig.gstr2b.values()) == credited_here


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_the_engine_never_raises(sc):
    records, actions, s, as_of = sc
    ev = evaluate(records, actions, s, as_of)
    assert len(ev.records) == len(records)
    assert all(p <= Period.containing(as_of, s.filing) for p in ev.periods)
    for fig in ev.periods.values():
        assert fig.table_4a1.igst >= 0 and fig.table_4b2.igst >= 0
        assert fig.table_4a1.igst - fig.table_4b2.igst == fig.net.igst


@COMMON
@given(scenarios())
def test_the_2_0_rules_hold_for_every_version(sc):
    records, actions, s, as_of = sc
    ev = evaluate(records, actions, s, as_of)
    start = s.ims_start.for_filing(s.filing)
    for rec, res in zip(records, ev.records):
        if s.reject_policy is RejectPolicy.BLOCK:   # the portal cannot reject a BoE
            assert res.status is not Status.REJECTED
        if res.status is Status.OTHER_GSTIN:        # left out of every figure
            assert res.history == [] and res.itc is None and "GSTIN_OTHER" in [
                m.code for m in res.messages]
        if res.moved_to:
            assert s.gstin and rec.amendment and res.moved_to != s.gstin
        if not s.gstin:
            assert res.status is not Status.OTHER_GSTIN and not res.moved_to
        codes_ = [m.code for m in res.messages]
        if res.history and res.history[0].period < start:   # before IMS: no action counts
            assert all(step.status is not Status.PENDING for step in res.history)
            assert "CUTOFF_NEAR" not in codes_ and "PENDING_LIMIT" not in codes_
            assert not {"ACTION_UNKNOWN", "REJECT_BLOCKED", "REJECT_NEEDS_REMARK",
                        "REJECT_NOT_ON_PORTAL", "ACTION_AFTER_CLOSE"} & set(codes_)
        if s.pending_limit is PendingLimit.ONE_PERIOD:   # never pending beyond O+1
            assert sum(1 for step in res.history if step.status is Status.PENDING) <= 2
    if s.reject_policy is RejectPolicy.BLOCK:
        assert not any(f.rejected.count for f in ev.periods.values())


@COMMON
@given(scenarios())
def test_other_gstin_versions_and_their_actions_change_no_figure(sc):
    records, actions, s, as_of = sc
    ev = evaluate(records, actions, s, as_of)
    others = {r.id for r in ev.records if r.status is Status.OTHER_GSTIN}
    kept = [v for v in records if v.id not in others]
    kept_actions = [a for a in actions if a.record_id not in others]
    without = evaluate(kept, kept_actions, s, as_of)
    full_recs, full_periods = _snapshot(ev)
    less_recs, less_periods = _snapshot(without)
    assert {k: v for k, v in full_recs.items() if k not in others} == less_recs
    for p, figures in less_periods.items():
        assert full_periods[p] == figures


@COMMON
@given(scenarios())
def test_actions_on_versions_before_ims_change_nothing_but_messages(sc):
    records, actions, s, as_of = sc
    start = s.ims_start.for_filing(s.filing)
    ev = evaluate(records, actions, s, as_of)
    before = {r.id for r, res in zip(records, ev.records)
              if res.history and res.history[0].period < start}
    fewer = evaluate(records, [a for a in actions if a.record_id not in before], s, as_of)
    recs, periods = _snapshot(ev)
    recs2, periods2 = _snapshot(fewer)
    assert periods == periods2
    assert {k: v[:4] for k, v in recs.items()} == {k: v[:4] for k, v in recs2.items()}


@COMMON
@given(scenarios())
def test_a_shared_walk_is_the_walk_each_version_would_have(sc):
    """ims_xl.rules.walk.shared_walk lets versions that walk alike share one walk: the
    evaluation is the same as walking every version on its own."""
    from ims_xl.rules import engine, walk

    records, actions, s, as_of = sc
    shared = _snapshot(evaluate(records, actions, s, as_of))
    original = engine.shared_walk
    engine.shared_walk = lambda origin, timeline, ctx, **kw: walk.walk_version(
        origin, timeline, ctx, **kw)
    try:
        alone = _snapshot(evaluate(records, actions, s, as_of))
    finally:
        engine.shared_walk = original
    assert shared == alone

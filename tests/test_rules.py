"""Unit tests of the rules module: each message code and each walk rule (rules.md 3-6)."""

from __future__ import annotations

from decimal import Decimal

from ims_xl.models import PendingLimit, RejectPolicy, Section, Severity, Status
from ims_xl.periods import Filing, Period

from rules_helpers import GSTIN, acts, codes, run, version


# --- actions -----------------------------------------------------------------------------

def test_action_unknown_is_ignored_and_reported():
    ev = run([version()], acts(("r1", "approve", "2025-11-01")), as_of="2025-11-15")
    r = ev.records[0]
    assert codes(r) == ["ACTION_UNKNOWN"]
    assert "'approve'" in r.messages[0].text
    assert r.status is Status.DEEMED_ACCEPTED  # as if no action


def test_unknown_action_does_not_displace_the_pending_in_force():
    ev = run([version()], acts(("r1", "P", "2025-11-01"), ("r1", "maybe", "2025-11-02")),
             as_of="2025-11-15")
    assert ev.records[0].status is Status.PENDING


def test_reject_blocked_under_block_even_with_remark():
    ev = run([version()], acts(("r1", "R", "2025-11-01", "dup")), as_of="2025-11-15",
             reject_policy=RejectPolicy.BLOCK)
    r = ev.records[0]
    assert codes(r) == ["REJECT_BLOCKED"]
    assert r.status is Status.DEEMED_ACCEPTED


def test_reject_allowed_silently_under_allow():
    ev = run([version()], acts(("r1", "Rejected", "2025-11-01", "other GSTIN")),
             as_of="2025-11-15", reject_policy=RejectPolicy.ALLOW)
    r = ev.records[0]
    assert r.status is Status.REJECTED and codes(r) == []
    assert r.rejected_period == Period.parse("102025")


def test_reject_needs_remark_under_allow_too():
    ev = run([version()], acts(("r1", "R", "2025-11-01", "  ")), as_of="2025-11-15",
             reject_policy=RejectPolicy.ALLOW)
    assert codes(ev.records[0]) == ["REJECT_NEEDS_REMARK"]


def test_same_day_actions_later_input_wins():
    ev = run([version()], acts(("r1", "A", "2025-11-05"), ("r1", "P", "2025-11-05")),
             as_of="2025-11-10")
    assert ev.records[0].status is Status.PENDING
    ev = run([version()], acts(("r1", "P", "2025-11-05"), ("r1", "A", "2025-11-05")),
             as_of="2025-11-10")
    assert ev.records[0].status is Status.ACCEPTED


def test_explicit_no_action_resets_a_pending():
    ev = run([version()], acts(("r1", "P", "2025-11-01"), ("r1", "No Action", "2025-11-03")),
             as_of="2025-11-15")
    assert ev.records[0].status is Status.DEEMED_ACCEPTED


def test_actions_dated_after_as_of_are_not_yet_taken():
    ev = run([version()], acts(("r1", "A", "2025-11-30")), as_of="2025-11-12")
    assert ev.records[0].status is Status.OPEN


# --- walk ----------------------------------------------------------------------------------

def test_accept_after_the_14th_still_counts_while_3b_not_filed():
    ev = run([version()], acts(("r1", "P", "2025-11-18")), as_of="2025-11-19")
    # deemed acceptance is not final: the Pending of the 18th counts for October until 3B
    assert ev.records[0].status is Status.PENDING


def test_pending_carries_forward_until_accepted():
    ev = run([version()], acts(("r1", "P", "2025-11-01"), ("r1", "A", "2026-01-05")),
             as_of="2026-01-10")
    r = ev.records[0]
    assert [(str(s.period), s.status.value) for s in r.history] == [
        ("102025", "pending"), ("112025", "pending"), ("122025", "accepted")]
    assert r.itc_period == Period.parse("122025")
    assert ev.periods[Period.parse("122025")].table_4a1.igst == Decimal("18000")


def test_pending_in_open_period_gives_no_credit():
    ev = run([version()], acts(("r1", "P", "2025-11-01")), as_of="2025-11-15")
    r = ev.records[0]
    assert r.status is Status.PENDING and r.itc is None
    fig = ev.periods[Period.parse("102025")]
    assert fig.pending.count == 1 and fig.net.igst == 0


def test_recorded_3b_date_closes_the_period():
    # 3B for October filed on 12-11: the Accept of 13-11 counts for November, not October.
    ev = run([version()], acts(("r1", "P", "2025-11-05"), ("r1", "A", "2025-11-13")),
             as_of="2025-11-16", filed_3b={"102025": "2025-11-12"})
    r = ev.records[0]
    assert [s.status for s in r.history] == [Status.PENDING, Status.ACCEPTED]
    assert r.itc_period == Period.parse("112025")


def test_recorded_3b_date_after_as_of_means_not_filed():
    ev = run([version()], acts(("r1", "P", "2025-11-05"), ("r1", "A", "2025-11-25")),
             as_of="2025-11-26", filed_3b={"102025": "2025-11-30"})
    assert ev.records[0].itc_period == Period.parse("102025")


def test_generated_2b_override_moves_deemed_acceptance():
    ev = run([version()], as_of="2025-11-15", generated_2b={"102025": "2025-11-16"})
    r = ev.records[0]
    assert r.status is Status.OPEN and r.deemed_on.isoformat() == "2025-11-16"
    assert codes(r) == ["CUTOFF_NEAR"]


def test_cutoff_near_boundary():
    assert codes(run([version()], as_of="2025-11-11").records[0]) == ["CUTOFF_NEAR"]  # 3 days
    assert codes(run([version()], as_of="2025-11-10").records[0]) == []               # 4 days
    assert codes(run([version()], as_of="2025-11-10", cutoff_warning_days=4)
                 .records[0]) == ["CUTOFF_NEAR"]


def test_action_after_close_is_ignored():
    ev = run([version()], acts(("r1", "A", "2025-11-05"), ("r1", "P", "2025-11-25")),
             as_of="2025-12-01")
    r = ev.records[0]
    assert r.status is Status.ACCEPTED and r.itc_period == Period.parse("102025")
    assert codes(r) == ["ACTION_AFTER_CLOSE"]
    assert "25-11-2025" in r.messages[0].text and "20-11-2025" in r.messages[0].text


def test_deemed_accepted_version_reports_later_action_after_close():
    late = acts(("r1", "R", "2025-12-01", "late"))
    ev = run([version()], late, as_of="2025-12-05", reject_policy=RejectPolicy.WARN)
    r = ev.records[0]
    assert r.status is Status.DEEMED_ACCEPTED
    assert codes(r) == ["REJECT_NOT_ON_PORTAL", "ACTION_AFTER_CLOSE"]
    # under the default 'block' the Reject is refused before it can be late
    r = run([version()], late, as_of="2025-12-05").records[0]
    assert r.status is Status.DEEMED_ACCEPTED and codes(r) == ["REJECT_BLOCKED"]


def test_version_from_a_future_period_is_open_with_date_order():
    ev = run([version(ref_date="2025-12-20", period="122025")], as_of="2025-11-15")
    r = ev.records[0]
    assert r.status is Status.OPEN and r.history == []
    assert codes(r) == ["DATE_ORDER"]


def test_period_given_after_as_of_with_early_ref_date_is_open():
    ev = run([version(period="122025")], as_of="2025-11-15")
    assert ev.records[0].status is Status.OPEN and codes(ev.records[0]) == ["DATE_ORDER"]


# --- pending limits ----------------------------------------------------------------------

def test_one_period_limit_deems_accepted_at_the_close_of_the_next_period():
    # November's 3B is assumed filed on its due date, 20-12-2025: on 21-12 November is closed
    ev = run([version()], acts(("r1", "P", "2025-11-01")), as_of="2025-12-21",
             pending_limit=PendingLimit.ONE_PERIOD)
    r = ev.records[0]
    assert [s.status for s in r.history] == [Status.PENDING, Status.DEEMED_ACCEPTED]
    assert r.itc_period == Period.parse("112025")
    assert codes(r) == ["PENDING_LIMIT"]
    assert r.messages[0].severity is Severity.WARNING
    assert "20-12-2025" in r.messages[0].text


def test_one_period_limit_keeps_pending_after_the_next_2b_until_the_close():
    # 1.1 deemed it accepted on 14-12 (G of November); 2.0 honours the Pending until the close
    for as_of in ("2025-12-01", "2025-12-15", "2025-12-20"):
        ev = run([version()], acts(("r1", "P", "2025-11-01")), as_of=as_of,
                 pending_limit=PendingLimit.ONE_PERIOD)
        r = ev.records[0]
        assert r.status is Status.PENDING and r.deemed_on is None and r.itc is None
        assert [s.status for s in r.history] == [Status.PENDING, Status.PENDING]
        assert codes(r) == ["PENDING_LIMIT"]
        assert ev.periods[Period.parse("112025")].pending.count == 1


def test_one_period_limit_respects_an_explicit_accept():
    ev = run([version()], acts(("r1", "P", "2025-11-01"), ("r1", "A", "2025-12-02")),
             as_of="2025-12-05", pending_limit=PendingLimit.ONE_PERIOD)
    r = ev.records[0]
    assert r.status is Status.ACCEPTED and codes(r) == []


def test_section_16_4_time_bar():
    # BoE of FY 2025-26: the deadline is 30-11-2026.
    v = version()
    pend = acts(("r1", "P", "2025-11-01", "QC"), ("r1", "A", "2026-12-05"))
    before = run([v], pend, as_of="2026-11-29", pending_limit=PendingLimit.SECTION_16_4)
    assert before.records[0].status is Status.PENDING
    after = run([v], pend, as_of="2026-12-10", pending_limit=PendingLimit.SECTION_16_4)
    r = after.records[0]
    assert r.status is Status.TIME_BARRED and r.itc is None
    assert codes(r) == ["TIME_BARRED"] and r.messages[0].severity is Severity.ERROR
    assert "30-11-2026" in r.messages[0].text and "03-10-2025" in r.messages[0].text
    assert r.history[-1].status is Status.TIME_BARRED
    assert r.history[-1].period == Period.parse("112026")
    assert all(f.net.igst == 0 for f in after.periods.values())
    # without the limit the same Accept gives credit in November 2026 (open until its 3B)
    free = run([v], pend, as_of="2026-12-10")
    assert free.records[0].status is Status.ACCEPTED
    assert free.records[0].itc_period == Period.parse("112026")


def test_section_16_4_does_not_bar_a_version_accepted_in_time():
    ev = run([version()], acts(("r1", "P", "2025-11-01"), ("r1", "A", "2026-06-01")),
             as_of="2026-12-10", pending_limit=PendingLimit.SECTION_16_4)
    assert ev.records[0].status is Status.ACCEPTED


# --- amendments ---------------------------------------------------------------------------

def test_three_version_chain_differentials():
    orig = version("v1", igst="10000")
    a1 = version("v2", amendment=True, igst="12000", ref_date="2025-11-03", period="112025")
    a2 = version("v3", amendment=True, igst="11500", cess="100", ref_date="2025-12-02",
                 period="122025")
    ev = run([a2, orig, a1], acts(("v1", "A", "2025-11-01"), ("v2", "A", "2025-12-01"),
                                  ("v3", "A", "2025-12-05")), as_of="2025-12-10")
    by = {r.id: r for r in ev.records}
    assert [r.id for r in ev.records] == ["v3", "v1", "v2"]  # input order kept
    assert by["v1"].itc.igst == 10000 and by["v2"].itc.igst == 2000
    assert (by["v3"].itc.igst, by["v3"].itc.cess) == (Decimal(-500), Decimal(100))
    assert codes(by["v3"]) == ["NEGATIVE_DIFFERENTIAL"]
    total = sum(r.itc.igst for r in ev.records)
    assert total == Decimal("11500")
    dec = ev.periods[Period.parse("122025")]
    assert dec.net.igst == Decimal(-500) and dec.table_4b2.igst == 500
    assert dec.table_4a1.cess == 100 and dec.table_4b2.cess == 0


def test_amendment_of_never_accepted_boe_carries_full_value():
    orig = version("v1", igst="10000")
    amd = version("v2", amendment=True, igst="9000", ref_date="2025-11-03", period="112025")
    ev = run([orig, amd], acts(("v1", "R", "2025-11-01", "wrong value"),
                               ("v2", "A", "2025-12-01")), as_of="2025-12-05",
             reject_policy=RejectPolicy.WARN)
    assert ev.records[0].status is Status.REJECTED
    assert ev.records[1].itc.igst == 9000 and codes(ev.records[1]) == []


def test_action_on_superseded_version_is_warned():
    orig = version("v1")
    amd = version("v2", amendment=True, igst="15000", ref_date="2025-11-03", period="112025")
    ev = run([orig, amd], acts(("v1", "P", "2025-11-10"), ("v1", "A", "2025-11-25")),
             as_of="2025-11-28")
    r = ev.records[0]
    assert r.status is Status.SUPERSEDED
    assert codes(r) == ["ACTION_ON_SUPERSEDED"]
    assert ev.records[1].status is Status.OPEN


def test_duplicate_record_left_out_of_figures():
    ev = run([version("a", number="566282"), version("b", port="innsa1", number="0566282")],
             as_of="2025-11-15")
    assert ev.records[0].status is Status.DEEMED_ACCEPTED
    assert ev.records[1].status is Status.DUPLICATE and codes(ev.records[1]) == [
        "DUPLICATE_RECORD"]
    assert ev.periods[Period.parse("102025")].gstr2b["IMPG"].count == 1


# --- data checks ----------------------------------------------------------------------------

def test_port_code_messages():
    ev = run([version("a", port="INNS1"), version("b", port="18272A", number="1234")],
             as_of="2025-11-15")
    assert codes(ev.records[0]) == ["PORT_CODE_INVALID"]
    assert codes(ev.records[1]) == ["PORT_CODE_UNUSUAL"]
    assert ev.records[0].status is Status.DEEMED_ACCEPTED  # data errors still count


def test_boe_number_invalid():
    ev = run([version(number="123")], as_of="2025-11-15")
    assert codes(ev.records[0]) == ["BOE_NUMBER_INVALID"]
    assert "123" in ev.records[0].messages[0].text


def test_gstin_invalid_and_other():
    ev = run([version("a", importer="01AABCE2207R1Z5"),
              version("b", number="1111111", importer="24AAUPV7468F1ZW"),
              version("c", number="2222222", importer=GSTIN),
              version("d", number="3333333", section=Section.IMPGSEZ, supplier="29ABACS0877M1ZX")],
             as_of="2025-11-15")
    assert [codes(r) for r in ev.records] == [["GSTIN_INVALID", "GSTIN_OTHER"],
                                              ["GSTIN_OTHER"], [], ["GSTIN_INVALID"]]
    # 2.0: another GSTIN's BoE is an error and left out; a bad supplier GSTIN still counts
    assert [r.status for r in ev.records] == [Status.OTHER_GSTIN, Status.OTHER_GSTIN,
                                              Status.DEEMED_ACCEPTED, Status.DEEMED_ACCEPTED]
    assert ev.records[1].messages[0].severity is Severity.ERROR


def test_no_gstin_other_without_settings_gstin():
    ev = run([version(importer="24AAUPV7468F1ZW")], as_of="2025-11-15", gstin=None)
    assert codes(ev.records[0]) == []


def test_date_order_boe_after_reference():
    ev = run([version(boe_date="2025-10-09", ref_date="2025-10-06")], as_of="2025-11-15")
    assert codes(ev.records[0]) == ["DATE_ORDER"]


def test_amount_invalid_counts_as_zero():
    ev = run([version(igst="0", problems=[("igst", "abc")]),
              version("b", number="7777777", cess="-5")], as_of="2025-11-15")
    assert codes(ev.records[0]) == ["AMOUNT_INVALID"] and "'abc'" in ev.records[0].messages[0].text
    assert codes(ev.records[1]) == ["AMOUNT_INVALID"] and "negative" in ev.records[1].messages[0].text
    negative_amendment = version("c", amendment=True, cess="-5", ref_date="2025-10-07")
    assert codes(run([negative_amendment], as_of="2025-11-15").records[0]) == [
        "NEGATIVE_DIFFERENTIAL"]  # no AMOUNT_INVALID: an amendment may reduce


# --- quarterly (QRMP) ------------------------------------------------------------------------

def test_qrmp_quarter_walk_and_due_dates():
    v = version(period="112025")  # November belongs to the Oct-Dec quarter
    open_ = run([v], as_of="2026-01-13", filing=Filing.QUARTERLY)
    assert open_.records[0].status is Status.OPEN
    assert open_.records[0].deemed_on.isoformat() == "2026-01-14"
    assert list(open_.periods) == [Period.parse("122025"), Period.parse("032026")]
    deemed = run([v], as_of="2026-01-14", filing=Filing.QUARTERLY)
    assert deemed.records[0].itc_period == Period.parse("122025")
    # Maharashtra (27) files by the 22nd: closed on 23-01, still open on 22-01.
    assert run([v], as_of="2026-01-22", filing=Filing.QUARTERLY).periods[
        Period.parse("122025")].state == "open"
    assert run([v], as_of="2026-01-23", filing=Filing.QUARTERLY).periods[
        Period.parse("122025")].state == "closed"


def test_qrmp_pending_carries_to_next_quarter():
    ev = run([version()], acts(("r1", "P", "2026-01-10"), ("r1", "A", "2026-02-01")),
             as_of="2026-02-10", filing=Filing.QUARTERLY)
    r = ev.records[0]
    assert [(str(s.period), s.status.value) for s in r.history] == [
        ("122025", "pending"), ("032026", "accepted")]


def test_empty_input_gives_the_current_period():
    ev = run([], as_of="2025-11-15")
    assert ev.records == [] and list(ev.periods) == [Period.parse("112025")]

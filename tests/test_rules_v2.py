"""What rules.md 2.0 changed from 1.1, rule by rule (its opening list, items 1-6), with the
details of sections 3-7 each change touches."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ims_xl.gst_calendar import ims_start, section_16_4_deadline
from ims_xl.models import (RULES_VERSION, PendingLimit, RejectPolicy, Settings, Severity,
                           Status)
from ims_xl.periods import Filing, Period

from rules_helpers import GSTIN, acts, codes, run, version

OTHER = "24AAUPV7468F1ZW"     # a valid GSTIN of another registration (domain.md)
THIRD = "33ABBFR2298H1Z5"
P = Period.parse


def by_id(ev):
    return {r.id: r for r in ev.records}


# --- 1. reject_policy defaults to block -----------------------------------------------------

def test_block_is_the_default_reject_policy():
    assert Settings().reject_policy is RejectPolicy.BLOCK
    ev = run([version()], acts(("r1", "Reject", "2025-11-05", "not ours")), as_of="2025-11-15")
    r = ev.records[0]
    assert codes(r) == ["REJECT_BLOCKED"]
    assert r.messages[0].severity is Severity.ERROR
    assert r.status is Status.DEEMED_ACCEPTED and r.itc.igst == Decimal("18000")
    fig = ev.periods[P("102025")]
    assert fig.rejected.count == 0 and fig.table_4a1.igst == Decimal("18000")


def test_a_blocked_reject_gets_only_reject_blocked_even_without_a_remark():
    r = run([version()], acts(("r1", "R", "2025-11-05")), as_of="2025-11-15").records[0]
    assert codes(r) == ["REJECT_BLOCKED"]  # not REJECT_NEEDS_REMARK as well


def test_a_blocked_reject_leaves_the_earlier_action_in_force():
    # "the action is ignored, so the version is walked as if it were not there"
    ev = run([version()], acts(("r1", "P", "2025-11-01", "QC"), ("r1", "R", "2025-11-05", "x")),
             as_of="2025-11-15")
    r = ev.records[0]
    assert r.status is Status.PENDING and codes(r) == ["REJECT_BLOCKED"]


def test_reject_blocked_says_to_keep_pending_and_ask_customs_for_a_gstin_amendment():
    text = run([version()], acts(("r1", "R", "2025-11-05", "x")),
               as_of="2025-11-15").records[0].messages[0].text
    assert "Keep Pending" in text and "GSTIN amendment" in text


def test_warn_and_allow_keep_the_old_reject():
    rej = acts(("r1", "R", "2025-11-05", "not ours"))
    warn = run([version()], rej, as_of="2025-11-15", reject_policy=RejectPolicy.WARN)
    allow = run([version()], rej, as_of="2025-11-15", reject_policy=RejectPolicy.ALLOW)
    assert warn.records[0].status is Status.REJECTED
    assert codes(warn.records[0]) == ["REJECT_NOT_ON_PORTAL"]
    assert allow.records[0].status is Status.REJECTED and codes(allow.records[0]) == []
    assert warn.periods[P("102025")].rejected.count == 1
    no_remark = acts(("r1", "R", "2025-11-05"))
    for policy in (RejectPolicy.WARN, RejectPolicy.ALLOW):
        r = run([version()], no_remark, as_of="2025-11-15", reject_policy=policy).records[0]
        assert codes(r) == ["REJECT_NEEDS_REMARK"] and r.status is Status.DEEMED_ACCEPTED


# --- 2. IMS handles BoEs from ims_start (default 102025) ------------------------------------

SEPTEMBER = dict(boe_date="2025-09-03", ref_date="2025-09-06", period="092025")


def test_ims_start_defaults_to_october_2025():
    assert Settings().ims_start == P("102025")
    assert ims_start(Settings(filing=Filing.QUARTERLY)) == P("122025")


def test_every_action_on_a_version_before_ims_is_ignored_with_action_before_ims():
    ev = run([version(**SEPTEMBER)],
             acts(("r1", "Keep Pending", "2025-10-05", "QC"), ("r1", "A", "2025-10-08")),
             as_of="2025-10-20")
    r = ev.records[0]
    assert codes(r) == ["ACTION_BEFORE_IMS", "ACTION_BEFORE_IMS"]  # one per action
    assert r.messages[0].severity is Severity.WARNING
    assert "05-10-2025" in r.messages[0].text and "08-10-2025" in r.messages[1].text
    assert r.status is Status.DEEMED_ACCEPTED and r.itc_period == P("092025")


def test_an_action_before_ims_gets_only_action_before_ims():
    ev = run([version(**SEPTEMBER)],
             acts(("r1", "approve", "2025-10-05"), ("r1", "R", "2025-10-06"),
                  ("r1", "R", "2025-10-07", "x")),
             as_of="2025-10-20")
    assert codes(ev.records[0]) == ["ACTION_BEFORE_IMS"] * 3  # no ACTION_UNKNOWN, no REJECT_*


def test_an_action_before_ims_dated_after_t_is_not_yet_taken():
    ev = run([version(**SEPTEMBER)], acts(("r1", "A", "2025-10-30")), as_of="2025-10-20")
    assert codes(ev.records[0]) == []


def test_a_version_before_ims_is_open_until_g_without_a_cutoff_warning():
    # no action can change what happens to it, so no "act before then" warning
    ev = run([version(**SEPTEMBER)], as_of="2025-10-12")
    r = ev.records[0]
    assert r.status is Status.OPEN and r.deemed_on == date(2025, 10, 14)
    assert codes(r) == []
    ims = run([version()], as_of="2025-11-12").records[0]   # the same in IMS: warned
    assert codes(ims) == ["CUTOFF_NEAR"]


def test_no_pending_limit_applies_before_ims():
    v = version(**SEPTEMBER)
    pend = acts(("r1", "P", "2025-10-05", "QC"))
    for limit in PendingLimit:
        ev = run([v], pend, as_of="2026-12-10", pending_limit=limit)
        assert ev.records[0].status is Status.DEEMED_ACCEPTED
        assert ev.records[0].itc_period == P("092025")


def test_an_amendment_inside_ims_carries_the_differential_against_a_version_before_ims():
    orig = version("v1", igst="10000", **SEPTEMBER)
    amd = version("v2", amendment=True, igst="12000", boe_date="2025-09-03",
                  ref_date="2025-11-04", period="112025")
    ev = run([orig, amd], acts(("v1", "P", "2025-10-02"), ("v2", "A", "2025-12-02")),
             as_of="2025-12-10")
    r = by_id(ev)
    assert r["v1"].status is Status.DEEMED_ACCEPTED and codes(r["v1"]) == ["ACTION_BEFORE_IMS"]
    assert r["v2"].status is Status.ACCEPTED and r["v2"].itc.igst == Decimal("2000")
    assert ev.periods[P("112025")].table_4a1.igst == Decimal("2000")


def test_ims_start_setting_moves_the_start():
    pend = acts(("r1", "P", "2025-11-05", "QC"))
    later = run([version()], pend, as_of="2025-11-15", ims_start=P("012026")).records[0]
    assert later.status is Status.DEEMED_ACCEPTED and codes(later) == ["ACTION_BEFORE_IMS"]
    assert "012026" in later.messages[0].text
    sept = run([version(**SEPTEMBER)], acts(("r1", "P", "2025-10-05", "QC")),
               as_of="2025-10-20", ims_start=P("092025")).records[0]
    assert sept.status is Status.PENDING and codes(sept) == []


def test_quarterly_filer_ims_starts_with_the_quarter_containing_ims_start():
    pend = acts(("r1", "P", "2026-01-10", "QC"))
    october = run([version()], pend, as_of="2026-01-12", filing=Filing.QUARTERLY)
    assert october.records[0].status is Status.PENDING
    # ims_start 112025 still starts with the October-December quarter
    same = run([version()], pend, as_of="2026-01-12", filing=Filing.QUARTERLY,
               ims_start=P("112025"))
    assert same.records[0].status is Status.PENDING
    july = run([version(boe_date="2025-08-03", ref_date="2025-08-06", period="082025")],
               acts(("r1", "P", "2025-10-05", "QC")), as_of="2025-10-20",
               filing=Filing.QUARTERLY)
    assert codes(july.records[0]) == ["ACTION_BEFORE_IMS"]
    assert july.records[0].itc_period == P("092025")


# --- 3. moved versions (GSTIN amendments) ---------------------------------------------------

def _moved(orig_importer=GSTIN, **moved):
    orig = version("orig", igst="10000", cess="500", taxable="50000", importer=orig_importer)
    amd = version("moved", amendment=True, igst=moved.pop("igst", "10000"), cess="500",
                  taxable="50000", ref_date="2025-12-04", period="122025",
                  importer=moved.pop("importer", OTHER))
    return orig, amd


def test_a_moved_version_reverses_the_credit_taken_on_the_boe():
    ev = run(_moved(), as_of="2026-01-15")
    r = by_id(ev)
    assert r["orig"].status is Status.DEEMED_ACCEPTED and r["orig"].moved_to == ""
    moved = r["moved"]
    assert moved.moved_to == OTHER
    assert moved.status is Status.DEEMED_ACCEPTED and moved.itc_period == P("122025")
    assert (moved.itc.igst, moved.itc.cess) == (Decimal(-10000), Decimal(-500))
    assert codes(moved) == ["GSTIN_MOVED", "NEGATIVE_DIFFERENTIAL"]
    assert moved.messages[0].severity is Severity.WARNING
    assert OTHER in moved.messages[0].text and "10,000.00" in moved.messages[0].text
    assert "500.00" in moved.messages[0].text
    dec = ev.periods[P("122025")]
    assert (dec.table_4b2.igst, dec.table_4b2.cess) == (Decimal(10000), Decimal(500))
    assert dec.table_4a1.igst == 0
    impga = dec.gstr2b["IMPGA"]
    assert (impga.count, impga.taxable_value, impga.igst, impga.cess) == (
        1, Decimal(0), Decimal(-10000), Decimal(-500))


def test_the_moved_amount_does_not_matter_only_the_credit_taken():
    # its own amounts count as zero: an amended value with the move changes nothing
    r = by_id(run(_moved(igst="99999"), as_of="2026-01-15"))["moved"]
    assert r.itc.igst == Decimal(-10000)


def test_an_original_with_no_importer_gstin_counts_as_this_gstins():
    r = by_id(run(_moved(orig_importer=""), as_of="2026-01-15"))["moved"]
    assert r.moved_to == OTHER and r.itc.igst == Decimal(-10000)


def test_a_pending_moved_version_counts_as_zero_and_says_what_will_happen():
    ev = run(_moved(), acts(("moved", "P", "2026-01-05", "checking with customs")),
             as_of="2026-01-15")
    moved = by_id(ev)["moved"]
    assert moved.status is Status.PENDING and moved.itc is None
    assert codes(moved) == ["GSTIN_MOVED"]
    assert "when it is accepted or deemed accepted" in moved.messages[0].text
    pending = ev.periods[P("122025")].pending
    assert (pending.count, pending.igst, pending.cess) == (1, Decimal(0), Decimal(0))


def test_a_moved_version_of_a_boe_never_credited_reverses_nothing():
    orig, amd = _moved()
    ev = run([orig, amd], acts(("orig", "P", "2025-11-05", "QC")), as_of="2026-01-15")
    r = by_id(ev)
    assert r["orig"].status is Status.SUPERSEDED
    assert r["moved"].itc.igst == 0 and r["moved"].itc.cess == 0
    assert codes(r["moved"]) == ["GSTIN_MOVED"]           # no NEGATIVE_DIFFERENTIAL
    assert "nothing" in r["moved"].messages[0].text or "no credit" in r["moved"].messages[0].text
    assert ev.periods[P("122025")].net.igst == 0


def test_a_boe_moved_back_carries_its_full_value_again():
    orig, amd = _moved()
    back = version("back", amendment=True, igst="11000", ref_date="2026-01-05",
                   period="012026", importer=GSTIN)
    ev = run([orig, amd, back], as_of="2026-02-15")
    r = by_id(ev)
    assert r["moved"].itc.igst == Decimal(-10000)
    assert r["back"].itc.igst == Decimal(11000) and r["back"].moved_to == ""
    assert codes(r["back"]) == []
    assert sum(x.itc.igst for x in ev.records) == Decimal(11000)


def test_without_a_settings_gstin_no_version_is_moved():
    ev = run(_moved(), as_of="2026-01-15", gstin=None)
    moved = by_id(ev)["moved"]
    assert moved.moved_to == "" and moved.itc.igst == 0 and codes(moved) == []


def test_an_amendment_of_another_gstin_without_an_earlier_version_of_this_one_is_other():
    only_amd = version("a", amendment=True, importer=OTHER, ref_date="2025-10-20")
    r = run([only_amd], as_of="2025-12-10").records[0]
    assert r.status is Status.OTHER_GSTIN and codes(r) == ["GSTIN_OTHER"]
    # a third GSTIN after another GSTIN's original: not this GSTIN's either
    orig, amd = _moved(orig_importer=THIRD)
    ev = by_id(run([orig, amd], as_of="2026-01-15"))
    assert ev["orig"].status is Status.OTHER_GSTIN and ev["moved"].status is Status.OTHER_GSTIN


def test_an_original_is_never_a_moved_version():
    r = run([version(importer=OTHER)], as_of="2025-12-10").records[0]
    assert r.status is Status.OTHER_GSTIN and r.moved_to == ""


def test_an_invalid_gstin_on_an_amendment_is_not_a_move():
    orig, amd = _moved(importer="24AAUPV7468F1ZX")   # wrong check character
    r = by_id(run([orig, amd], as_of="2026-01-15"))["moved"]
    assert codes(r) == ["GSTIN_INVALID", "GSTIN_OTHER"] and r.status is Status.OTHER_GSTIN


def test_duplicates_are_found_before_the_gstin_checks():
    ev = run([version("a", importer=OTHER), version("b", importer=OTHER),
              version("c", number="1111111"), version("d", number="1111111", importer=OTHER)],
             as_of="2025-12-10")
    r = by_id(ev)
    assert codes(r["a"]) == ["GSTIN_OTHER"] and r["a"].status is Status.OTHER_GSTIN
    assert codes(r["b"]) == ["DUPLICATE_RECORD"] and r["b"].status is Status.DUPLICATE
    assert r["c"].status is Status.DEEMED_ACCEPTED
    assert codes(r["d"]) == ["DUPLICATE_RECORD"] and r["d"].status is Status.DUPLICATE


# --- 6. another GSTIN's version is an error, left out of every figure -------------------------

def test_another_gstins_version_is_left_out_of_every_figure():
    own = version("own", number="1111111")
    other = version("other", importer=OTHER)
    pend_other = version("pend", number="2222222", importer=OTHER)
    rej_other = version("rej", number="3333333", importer=OTHER)
    ev = run([own, other, pend_other, rej_other],
             acts(("other", "A", "2025-11-01"), ("pend", "P", "2025-11-01", "x"),
                  ("rej", "R", "2025-11-01", "not ours")),
             as_of="2025-12-10", reject_policy=RejectPolicy.WARN)
    r = by_id(ev)
    for rid in ("other", "pend", "rej"):
        assert r[rid].status is Status.OTHER_GSTIN
        assert r[rid].itc is None and r[rid].itc_period is None and r[rid].history == []
        assert "GSTIN_OTHER" in codes(r[rid])
    oct_ = ev.periods[P("102025")]
    assert oct_.gstr2b["IMPG"].count == 1 and oct_.net.igst == Decimal(18000)
    assert oct_.pending.count == 0 and oct_.rejected.count == 0
    assert ev.periods[P("112025")].pending.count == 0
    other_msg = r["other"].messages[-1]
    assert other_msg.severity is Severity.ERROR
    assert OTHER in other_msg.text and GSTIN in other_msg.text


def test_a_reject_on_another_gstins_boe_is_blocked_with_the_customs_advice():
    r = run([version(importer=OTHER)], acts(("r1", "R", "2025-11-01", "not ours")),
            as_of="2025-12-10").records[0]
    assert codes(r) == ["REJECT_BLOCKED", "GSTIN_OTHER"]
    assert "GSTIN amendment" in r.messages[0].text


def test_another_gstins_version_is_no_earlier_version_for_a_differential():
    theirs = version("theirs", igst="10000", importer=OTHER)
    ours = version("ours", amendment=True, igst="12000", ref_date="2025-11-04",
                   period="112025", importer=GSTIN)
    ev = run([theirs, ours], as_of="2025-12-15")
    r = by_id(ev)
    assert r["theirs"].status is Status.OTHER_GSTIN
    assert r["ours"].itc.igst == Decimal(12000)  # its full value, not 2000


def test_the_settings_gstin_matches_whatever_its_case_and_spaces():
    r = run([version(importer=" " + GSTIN.lower() + " ")], as_of="2025-12-10").records[0]
    assert r.status is Status.DEEMED_ACCEPTED and codes(r) == []
    blank = run([version(importer="  ")], as_of="2025-12-10").records[0]  # no GSTIN at all
    assert blank.status is Status.DEEMED_ACCEPTED and "GSTIN_OTHER" not in codes(blank)


def test_other_gstin_label_for_the_workbook():
    assert Status.OTHER_GSTIN.label == "Other GSTIN"
    assert Status.OTHER_GSTIN.value == "other_gstin"


# --- 4. one_period: honoured until the close of the next period ------------------------------

def test_one_period_ends_at_a_recorded_3b_date_of_the_next_period():
    ev = run([version()], acts(("r1", "P", "2025-11-01")), as_of="2025-12-12",
             pending_limit=PendingLimit.ONE_PERIOD,
             filed_3b={"102025": "2025-11-20", "112025": "2025-12-11"})
    r = ev.records[0]
    assert r.status is Status.DEEMED_ACCEPTED and r.itc_period == P("112025")
    assert "11-12-2025" in r.messages[0].text


def test_one_period_pending_names_a_recorded_but_future_3b_date():
    r = run([version()], acts(("r1", "P", "2025-11-01")), as_of="2025-12-12",
            pending_limit=PendingLimit.ONE_PERIOD,
            filed_3b={"112025": "2025-12-18"}).records[0]
    assert r.status is Status.PENDING and "18-12-2025" in r.messages[0].text


def test_one_period_accept_or_no_action_in_the_next_period_needs_no_warning():
    accept = run([version()], acts(("r1", "P", "2025-11-01"), ("r1", "A", "2025-12-02")),
                 as_of="2025-12-05", pending_limit=PendingLimit.ONE_PERIOD).records[0]
    assert accept.status is Status.ACCEPTED and codes(accept) == []
    reset = run([version()], acts(("r1", "P", "2025-11-01"), ("r1", "N", "2025-12-02")),
                as_of="2025-12-12", pending_limit=PendingLimit.ONE_PERIOD).records[0]
    assert reset.status is Status.OPEN and reset.deemed_on == date(2025, 12, 14)
    assert codes(reset) == ["CUTOFF_NEAR"]


def test_one_period_an_action_after_the_next_close_is_too_late():
    r = run([version()], acts(("r1", "P", "2025-11-01"), ("r1", "A", "2025-12-22")),
            as_of="2026-01-05", pending_limit=PendingLimit.ONE_PERIOD).records[0]
    assert r.status is Status.DEEMED_ACCEPTED and r.itc_period == P("112025")
    assert codes(r) == ["ACTION_AFTER_CLOSE", "PENDING_LIMIT"]


def test_one_period_for_a_quarterly_filer_runs_to_the_next_quarters_close():
    pend = acts(("r1", "P", "2026-01-10", "QC"))
    held = run([version()], pend, as_of="2026-04-20", filing=Filing.QUARTERLY,
               pending_limit=PendingLimit.ONE_PERIOD).records[0]
    assert held.status is Status.PENDING and codes(held) == ["PENDING_LIMIT"]
    done = run([version()], pend, as_of="2026-04-23", filing=Filing.QUARTERLY,
               pending_limit=PendingLimit.ONE_PERIOD).records[0]  # state 27: the 22nd
    assert done.status is Status.DEEMED_ACCEPTED and done.itc_period == P("032026")


# --- 5. section_16_4: an amendment's own clock; the annual return ----------------------------

def test_an_amendments_time_limit_runs_from_its_reference_date():
    orig = version("v1", boe_date="2026-03-02", ref_date="2026-03-05", period="032026")
    amd = version("v2", amendment=True, igst="20000", boe_date="2026-03-02",
                  ref_date="2026-04-10", period="042026")
    pend = acts(("v1", "A", "2026-04-02"), ("v2", "P", "2026-05-05", "appeal"))
    ev = run([orig, amd], pend, as_of="2026-12-10", pending_limit=PendingLimit.SECTION_16_4)
    # the BoE date (FY 2025-26) would bar it on 30-11-2026; its re-assessment is in 2026-27
    assert by_id(ev)["v2"].status is Status.PENDING
    late = run([orig, amd], pend, as_of="2027-12-10", pending_limit=PendingLimit.SECTION_16_4)
    r = by_id(late)["v2"]
    assert r.status is Status.TIME_BARRED and "30-11-2027" in r.messages[0].text
    assert "10-04-2026" in r.messages[0].text


def test_an_amendment_without_a_reference_date_starts_its_clock_at_the_boe_date():
    amd = version("a", amendment=True, ref_date=None, period="112025")
    pend = acts(("a", "P", "2025-12-05", "appeal"))
    r = run([amd], pend, as_of="2026-12-10",
            pending_limit=PendingLimit.SECTION_16_4).records[0]
    assert r.status is Status.TIME_BARRED and "03-10-2025" in r.messages[-1].text


def test_an_annual_return_filed_before_30_november_ends_the_time_limit():
    pend = acts(("r1", "P", "2025-11-05", "QC"))
    filed = {2025: date(2026, 10, 28)}
    before = run([version()], pend, as_of="2026-10-27", annual_return_filed=filed,
                 pending_limit=PendingLimit.SECTION_16_4)
    assert before.records[0].status is Status.PENDING
    on = run([version()], pend, as_of="2026-10-28", annual_return_filed=filed,
             pending_limit=PendingLimit.SECTION_16_4).records[0]
    assert on.status is Status.TIME_BARRED
    assert "28-10-2026" in on.messages[0].text and "annual return" in on.messages[0].text


def test_an_annual_return_after_30_november_or_of_another_year_changes_nothing():
    assert section_16_4_deadline(date(2025, 10, 3), {2025: date(2026, 12, 15)}) == \
        date(2026, 11, 30)
    assert section_16_4_deadline(date(2025, 10, 3), {2024: date(2025, 10, 1)}) == \
        date(2026, 11, 30)
    r = run([version()], acts(("r1", "P", "2025-11-05")), as_of="2026-11-15",
            annual_return_filed={2024: date(2025, 10, 1)},
            pending_limit=PendingLimit.SECTION_16_4).records[0]
    assert r.status is Status.PENDING


def test_the_time_limit_is_the_same_walk_for_versions_of_one_year():
    # walks are shared between versions with the same origin, action and time bar
    a = version("a", number="1111111", boe_date="2025-10-03")
    b = version("b", number="2222222", boe_date="2025-10-04")
    pend = acts(("a", "P", "2025-11-05"), ("b", "P", "2025-11-05"))
    ev = run([a, b], pend, as_of="2026-12-10", pending_limit=PendingLimit.SECTION_16_4)
    assert [r.status for r in ev.records] == [Status.TIME_BARRED, Status.TIME_BARRED]
    assert ev.records[0].history is not ev.records[1].history


# --- 7. the JSON engine ------------------------------------------------------------------------

def test_rules_version_is_2_0():
    assert RULES_VERSION == "2.0"


def test_workbook_settings_read_the_2_0_defaults():
    from ims_xl.workbook.rows import settings_from_names
    settings, _, _, problems = settings_from_names({}, [], [])
    assert problems == []
    assert settings.reject_policy is RejectPolicy.BLOCK
    assert settings.ims_start == P("102025") and settings.annual_return_filed == {}

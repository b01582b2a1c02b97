"""The three-way match: IMS, the customs BoE list, the books."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ims_xl.match import (Difference, MatchStatus, match_boes, match_key,
                          results_by_version)
from ims_xl.models import ActionCode, BoeVersion, BookLine, RejectPolicy, Section, Settings
from ims_xl.periods import Period

GSTIN = "27AAPFU0939F1ZV"
OTHER = "24AAUPV7468F1ZW"
D = Decimal


def ims(rid="r1", *, port="INNSA1", number="2566282", boe_date=date(2025, 10, 3),
        ref_date=date(2025, 10, 6), igst="18000", cess="0", taxable="100000", amendment=False,
        section=Section.IMPG, importer="") -> BoeVersion:
    return BoeVersion(id=rid, section=section, amendment=amendment, port_code=port,
                      boe_number=number, boe_date=boe_date, ref_date=ref_date,
                      period=Period.parse("102025"), taxable_value=D(taxable), igst=D(igst),
                      cess=D(cess), importer_gstin=importer)


def book(*, port="INNSA1", number="2566282", boe_date=date(2025, 10, 3), igst="18000",
         cess="0", taxable="100000", voucher="PI-1", row=2, importer="") -> BookLine:
    return BookLine(port_code=port, boe_number=number, boe_date=boe_date,
                    taxable_value=D(taxable), igst=D(igst), cess=D(cess), voucher=voucher,
                    importer_gstin=importer, file="books.xlsx", row=row)


def one(results, status=None):
    assert len(results) == 1, results
    if status is not None:
        assert results[0].status is status, (results[0].status, results[0].note)
    return results[0]


# --- matched and value mismatches -------------------------------------------------------------


def test_exact_match_is_accepted():
    r = one(match_boes([ims()], [book()]), MatchStatus.MATCHED)
    assert r.suggested_action is ActionCode.ACCEPT
    assert r.version_ids == ["r1"] and r.latest_id == "r1"
    assert r.book_rows == [("books.xlsx", 2)]
    assert r.differences == []
    assert "Accept" in r.note


@pytest.mark.parametrize("head", ["igst", "cess"])
@pytest.mark.parametrize("delta, status", [
    ("1.00", MatchStatus.MATCHED), ("-1.00", MatchStatus.MATCHED),
    ("1.01", MatchStatus.VALUE_MISMATCH), ("-1.01", MatchStatus.VALUE_MISMATCH),
])
def test_tolerance_edges_per_head(head, delta, status):
    base = {"igst": D("18000"), "cess": D("500")}
    books_amounts = dict(base)
    books_amounts[head] += D(delta)
    r = one(match_boes([ims(igst="18000", cess="500")],
                       [book(igst=str(books_amounts["igst"]), cess=str(books_amounts["cess"]))]),
            status)
    if status is MatchStatus.VALUE_MISMATCH:
        assert [d.as_tuple() for d in r.differences] == [(head, base[head], books_amounts[head])]
        assert r.suggested_action is ActionCode.PENDING
        assert "Keep Pending" in r.note
    else:
        assert r.suggested_action is ActionCode.ACCEPT


def test_heads_are_not_netted():
    # IGST 0.80 over and cess 0.80 under: each within tolerance -> matched
    r = one(match_boes([ims(igst="100", cess="100")], [book(igst="100.80", cess="99.20")]))
    assert r.status is MatchStatus.MATCHED
    # IGST 1.50 over, cess 1.50 under: the sum agrees but each head is out -> mismatch
    r = one(match_boes([ims(igst="100", cess="100")], [book(igst="101.50", cess="98.50")]))
    assert r.status is MatchStatus.VALUE_MISMATCH
    assert {d.field for d in r.differences} == {"igst", "cess"}


def test_custom_tolerance():
    assert one(match_boes([ims()], [book(igst="18004")]),).status is MatchStatus.VALUE_MISMATCH
    r = one(match_boes([ims()], [book(igst="18004")], tolerance=D("5")))
    assert r.status is MatchStatus.MATCHED


def test_taxable_value_only_difference_still_matched_with_note():
    r = one(match_boes([ims(taxable="100000")], [book(taxable="82000")]), MatchStatus.MATCHED)
    assert r.suggested_action is ActionCode.ACCEPT
    assert len(r.differences) == 1
    diff = r.differences[0]
    assert diff.as_tuple() == ("taxable_value", D("100000"), D("82000"))
    assert diff.breaks_match is False
    assert "customs duty" in r.note and "does not affect the match" in r.note


def test_split_vouchers_are_summed():
    lines = [book(igst="10000", taxable="60000", voucher="PI-1", row=2),
             book(igst="5000", taxable="25000", voucher="PI-2", row=3),
             book(igst="3000.40", taxable="15000", voucher="PI-3", row=4)]
    r = one(match_boes([ims(igst="18000")], lines), MatchStatus.MATCHED)
    assert r.books.igst == D("18000.40")
    assert r.book_rows == [("books.xlsx", 2), ("books.xlsx", 3), ("books.xlsx", 4)]
    assert "3 book lines summed" in r.note


def test_split_in_two_equal_halves_is_not_a_duplicate():
    lines = [book(igst="9000", voucher="PI-1"), book(igst="9000", voucher="PI-2", row=3)]
    r = one(match_boes([ims(igst="18000")], lines))
    assert r.status is MatchStatus.MATCHED


def test_same_boe_booked_twice_is_duplicate_in_books():
    lines = [book(igst="18000", voucher="PI-1"), book(igst="18000", voucher="PI-9", row=7)]
    r = one(match_boes([ims(igst="18000")], lines), MatchStatus.DUPLICATE_IN_BOOKS)
    assert r.books.igst == D("36000")
    assert r.suggested_action is ActionCode.ACCEPT
    assert "PI-1 and PI-9" in r.note
    assert [d.field for d in r.differences] == ["igst"]


def test_one_split_line_booked_twice_is_duplicate_in_books():
    lines = [book(igst="10000", taxable="60000", voucher="PI-1"),
             book(igst="8000", taxable="40000", voucher="PI-2", row=3),
             book(igst="8000", taxable="40000", voucher="PI-3", row=4)]
    r = one(match_boes([ims(igst="18000")], lines), MatchStatus.DUPLICATE_IN_BOOKS)
    assert "PI-2 and PI-3" in r.note


def test_two_identical_lines_that_do_not_explain_the_gap_are_a_mismatch():
    lines = [book(igst="7000", voucher="PI-1"), book(igst="7000", voucher="PI-2", row=3)]
    r = one(match_boes([ims(igst="18000")], lines), MatchStatus.VALUE_MISMATCH)
    assert r.suggested_action is ActionCode.PENDING


# --- keys -------------------------------------------------------------------------------------


def test_leading_zero_numbers_and_port_case_match():
    r = one(match_boes([ims(number="0012345", port="INNSA1")],
                       [book(number="12345", port=" innsa1 ")]), MatchStatus.MATCHED)
    assert r.boe_number == "0012345"
    assert match_key("innsa1", "0012345", None) == match_key("INNSA1", "12345.0", None)


def test_excel_float_number_in_books_matches():
    one(match_boes([ims(number="2566282")], [book(number="2566282.0")]), MatchStatus.MATCHED)


def test_not_in_books():
    r = one(match_boes([ims()], []), MatchStatus.NOT_IN_BOOKS)
    assert r.suggested_action is ActionCode.PENDING
    assert "transit" in r.note and "bonded warehouse" in r.note
    assert r.books is None and r.book_rows == []


def test_not_in_ims_from_books_and_boe_list():
    listed = ims("L1", number="7654321", igst="500")
    results = match_boes([ims()], [book(), book(number="1111111", igst="90", row=9)], [ims("L0"), listed])
    by_status = {r.status: r for r in results}
    assert [r.status for r in results] == [MatchStatus.MATCHED, MatchStatus.NOT_IN_IMS,
                                           MatchStatus.NOT_IN_IMS]
    books_only = results[1]
    assert books_only.boe_number == "1111111" and books_only.sources == ("books",)
    assert books_only.books.igst == D("90") and books_only.suggested_action is None
    assert books_only.book_rows == [("books.xlsx", 9)]
    list_only = results[2]
    assert list_only.boe_number == "7654321" and list_only.sources == ("boe_list",)
    assert list_only.boe_list.igst == D("500") and list_only.ref_date == date(2025, 10, 6)
    assert "Fetch BoE" in list_only.note
    assert by_status[MatchStatus.MATCHED].boe_list is not None


def test_books_and_boe_list_both_having_it_give_one_not_in_ims():
    results = match_boes([], [book()], [ims("L1")])
    r = one(results, MatchStatus.NOT_IN_IMS)
    assert r.sources == ("books", "boe_list")
    assert "the books and the customs BoE list" in r.note


def test_not_in_boe_list_only_when_a_list_is_given():
    assert one(match_boes([ims()], [book()], None)).status is MatchStatus.MATCHED
    r = one(match_boes([ims()], [book()], []), MatchStatus.NOT_IN_BOE_LIST)
    assert r.suggested_action is ActionCode.PENDING
    assert "BoE list" in r.note


def test_boe_list_value_difference_is_a_mismatch():
    r = one(match_boes([ims()], [book()], [ims("L1", igst="17000")]), MatchStatus.VALUE_MISMATCH)
    assert [(d.field, d.against) for d in r.differences] == [("igst", "boe_list")]
    assert r.suggested_action is ActionCode.PENDING


# --- probable ---------------------------------------------------------------------------------


@pytest.mark.parametrize("days, status", [(1, MatchStatus.PROBABLE), (3, MatchStatus.PROBABLE),
                                          (-3, MatchStatus.PROBABLE), (4, None)])
def test_date_within_three_days_is_probable(days, status):
    books_date = date(2025, 10, 3) + timedelta(days=days)
    results = match_boes([ims(ref_date=date(2025, 10, 20))], [book(boe_date=books_date)])
    if status is None:
        assert [r.status for r in results] == [MatchStatus.NOT_IN_BOOKS, MatchStatus.NOT_IN_IMS]
        return
    r = one(results, status)
    assert r.suggested_action is ActionCode.PENDING
    assert r.differences[0].as_tuple() == ("boe_date", date(2025, 10, 3), books_date)
    assert f"{abs(days)} day" in r.note


def test_books_carrying_the_reference_date_is_probable():
    r = one(match_boes([ims(ref_date=date(2025, 10, 12))], [book(boe_date=date(2025, 10, 12))]),
            MatchStatus.PROBABLE)
    assert "reference date" in r.note


def test_swapped_day_and_month_is_probable():
    r = one(match_boes([ims(boe_date=date(2025, 10, 3), ref_date=date(2025, 10, 6))],
                       [book(boe_date=date(2025, 3, 10))]), MatchStatus.PROBABLE)
    assert r.differences[0].as_tuple() == ("boe_date", date(2025, 10, 3), date(2025, 3, 10))
    assert r.differences[0].note == "day and month swapped"
    assert "swapped" in r.note and "10-03-2025" in r.note


def test_same_number_and_date_at_another_port_is_probable():
    r = one(match_boes([ims(port="INNSA1")], [book(port="INMAA1")]), MatchStatus.PROBABLE)
    assert r.differences[0].as_tuple() == ("port_code", "INNSA1", "INMAA1")


def test_another_port_with_other_amounts_is_not_probable():
    results = match_boes([ims(port="INNSA1")], [book(port="INMAA1", igst="5000")])
    assert [r.status for r in results] == [MatchStatus.NOT_IN_BOOKS, MatchStatus.NOT_IN_IMS]


def test_probable_with_amount_difference_lists_it():
    r = one(match_boes([ims()], [book(boe_date=date(2025, 10, 4), igst="17000")]),
            MatchStatus.PROBABLE)
    assert [d.field for d in r.differences] == ["boe_date", "igst"]
    assert "IGST" in r.note


def test_exact_match_wins_over_probable():
    # IMS has two BoEs with the same number on consecutive days; books have both exactly.
    a, b = ims("a", boe_date=date(2025, 10, 3)), ims("b", boe_date=date(2025, 10, 4))
    results = match_boes([a, b], [book(boe_date=date(2025, 10, 4), row=3),
                                  book(boe_date=date(2025, 10, 3), row=2)])
    assert [(r.latest_id, r.status, r.book_rows) for r in results] == [
        ("a", MatchStatus.MATCHED, [("books.xlsx", 2)]),
        ("b", MatchStatus.MATCHED, [("books.xlsx", 3)])]


# --- amendments and IMS duplicates ------------------------------------------------------------


def test_amended_boe_compared_on_latest_version():
    original = ims("o", igst="10000")
    amend1 = ims("a1", amendment=True, ref_date=date(2025, 11, 5), igst="11000")
    amend2 = ims("a2", amendment=True, ref_date=date(2025, 12, 2), igst="12000")
    # input order deliberately not chronological
    results = match_boes([amend2, original, amend1], [book(igst="12000")])
    r = one(results, MatchStatus.MATCHED)
    assert r.latest_id == "a2"
    assert sorted(r.version_ids) == ["a1", "a2", "o"]
    assert set(results_by_version(results)) == {"o", "a1", "a2"}
    # the books still carry the original amount only: each amendment's differential is missing
    results = match_boes([original, amend1, amend2], [book(igst="10000")])
    r = one(results, MatchStatus.DIFFERENTIAL_MISSING)
    assert r.differences[0].as_tuple() == ("igst", D("12000"), D("10000"))
    by_version = results_by_version(results)
    assert [by_version[v].status for v in ("o", "a1", "a2")] == [
        MatchStatus.MATCHED, MatchStatus.DIFFERENTIAL_MISSING, MatchStatus.DIFFERENTIAL_MISSING]
    assert "lack the differential of the amendment of 05-11-2025 (IGST 1,000.00) and the " \
        "differential of the amendment of 02-12-2025 (IGST 1,000.00)" in r.note
    # books of no version's shape: compared on the latest version, as before
    r = one(match_boes([original, amend1, amend2], [book(igst="3000")]),
            MatchStatus.VALUE_MISMATCH)
    assert r.versions == {}


# --- each version of an amended BoE matched for what it adds (issue 14, item 12) ----------------

AMENDED_ON = date(2025, 11, 18)


def _amended(importer_after=""):
    original = ims("o", igst="3484585.61", taxable="19358808.94")
    amendment = ims("a", amendment=True, ref_date=AMENDED_ON, igst="3486085.61",
                    taxable="19367142.28", importer=importer_after)
    return [original, amendment]


def _by_version(books, importer_after="", **kw):
    results = match_boes(_amended(importer_after), books, **kw)
    assert len(results) == 1
    by_version = results_by_version(results)
    return by_version["o"], by_version["a"]


def test_original_booked_and_no_differential_booking():
    original, amendment = _by_version([book(igst="3484585.61", voucher="PI-7")])
    assert (original.status, original.suggested_action) == (MatchStatus.MATCHED, ActionCode.ACCEPT)
    assert original.note == "The books carry the original (IGST 34,84,585.61) in PI-7. Accept."
    assert original.books.igst == D("3484585.61") and original.version_ids == ["o"]
    assert amendment.status is MatchStatus.DIFFERENTIAL_MISSING
    assert amendment.status.label == "Differential missing"
    assert amendment.suggested_action is ActionCode.PENDING
    assert amendment.note == (
        "The books carry the original in PI-7 but lack the differential of the amendment of "
        "18-11-2025 (IGST 1,500.00). Accept the original; book the differential (a voucher for "
        "the difference), then Accept the amendment; until then Keep Pending on it.")
    assert [d.as_tuple() for d in amendment.differences if d.breaks_match] == [
        ("igst", D("3486085.61"), D("3484585.61"))]


def test_original_booked_with_a_differential_voucher():
    original, amendment = _by_version([book(igst="3484585.61", voucher="PI-7", row=2),
                                       book(igst="1500.00", voucher="DN-3", row=9)])
    assert original.status is MatchStatus.MATCHED and original.book_rows == [("books.xlsx", 2)]
    assert amendment.status is MatchStatus.MATCHED
    assert amendment.suggested_action is ActionCode.ACCEPT
    assert amendment.note == (
        "IMS agrees with the books version by version: the original (IGST 34,84,585.61) in "
        "PI-7; the differential of the amendment of 18-11-2025 (IGST 1,500.00) in DN-3. Accept.")


def test_one_line_rebooked_at_the_amended_total():
    original, amendment = _by_version([book(igst="3486085.61", voucher="PI-8")])
    assert amendment.status is MatchStatus.MATCHED
    assert (original.status, original.suggested_action) == (MatchStatus.SUPERSEDED,
                                                            ActionCode.ACCEPT)
    assert original.status.label == "Superseded by amendment"
    assert original.note == (
        "Superseded by the amendment of 18-11-2025: the books carry the BoE as amended "
        "(IGST 34,86,085.61) in PI-8, which includes this version. Accept.")


def test_a_gstin_amendment_with_the_same_amounts_adds_nothing_to_book():
    original = ims("o", igst="3484585.61", importer=GSTIN)
    amendment = ims("a", amendment=True, ref_date=AMENDED_ON, igst="3484585.61",
                    importer=GSTIN.lower())
    results = match_boes([original, amendment], [book(igst="3484585.61", voucher="PI-7")],
                         gstin=GSTIN)
    by_version = results_by_version(results)
    assert by_version["o"].status is MatchStatus.MATCHED
    assert by_version["a"].status is MatchStatus.MATCHED
    assert "the differential of the amendment of 18-11-2025 (IGST 0.00), nothing to book" \
        in by_version["a"].note


def test_a_boe_moved_to_another_gstin_is_one_result_for_every_version():
    original, amendment = _by_version([book(igst="3484585.61")], importer_after=OTHER,
                                      gstin=GSTIN)
    assert original is amendment and amendment.moved_to == OTHER
    assert amendment.suggested_action is ActionCode.ACCEPT


def test_amounts_within_tolerance_count_as_booked_and_stay_decimal():
    original, amendment = _by_version([book(igst="3484585.00"), book(igst="1500.99")])
    assert original.status is amendment.status is MatchStatus.MATCHED
    assert isinstance(original.books.igst, Decimal)


def test_the_version_steps_directly():
    from ims_xl.match import booked_version_by_version
    original, amendment = _amended()
    steps = booked_version_by_version([original, amendment], [book(igst="3484585.61")],
                                      D("1.00"))
    assert [(v.id, added.igst, taken is not None) for v, added, taken in steps] == [
        ("o", D("3484585.61"), True), ("a", D("1500.00"), False)]
    # a line no version explains: not the version-by-version shape
    assert booked_version_by_version([original, amendment],
                                     [book(igst="3484585.61"), book(igst="99")], D("1.00")) is None


def test_ims_duplicate_under_the_default_policy_is_keep_pending_never_reject():
    results = match_boes([ims("r1"), ims("r2")], [book()], gstin=GSTIN)
    assert [r.status for r in results] == [MatchStatus.MATCHED, MatchStatus.DUPLICATE_IN_IMS]
    main, dup = results
    assert main.version_ids == ["r1"] and main.suggested_action is ActionCode.ACCEPT
    assert dup.version_ids == ["r2"] and dup.duplicate_of == "r1"
    assert dup.suggested_action is ActionCode.PENDING      # rules 2.0: reject_policy block
    assert "Keep Pending on this one so it is not credited twice" in dup.note
    assert "'block'" in dup.note and "delete this row" in dup.note
    assert "Reject it" not in dup.note
    assert results_by_version(results)["r2"] is dup


def test_ims_duplicate_under_warn_suggests_reject_with_portal_warning():
    results = match_boes([ims("r1"), ims("r2")], [book()], reject_policy=RejectPolicy.WARN)
    assert results[1].suggested_action is ActionCode.REJECT
    assert "may refuse" in results[1].note


def test_ims_duplicate_under_allow_is_plain_reject():
    results = match_boes([ims("r1"), ims("r2")], [book()], reject_policy="allow")
    assert results[1].suggested_action is ActionCode.REJECT
    assert "may refuse" not in results[1].note


def test_the_policy_comes_from_the_settings_and_an_explicit_one_wins():
    pair = [ims("r1"), ims("r2")]
    warn = Settings(reject_policy=RejectPolicy.WARN)
    assert match_boes(pair, [], settings=warn)[1].suggested_action is ActionCode.REJECT
    assert match_boes(pair, [], settings=warn, reject_policy="block")[1].suggested_action \
        is ActionCode.PENDING
    # no settings at all: the Settings model's own default (block), not a second literal
    assert Settings().reject_policy is RejectPolicy.BLOCK
    assert match_boes(pair, [])[1].suggested_action is ActionCode.PENDING


def test_same_boe_with_other_ref_date_is_not_a_duplicate():
    results = match_boes([ims("r1"), ims("r2", ref_date=date(2025, 10, 9))], [book()])
    r = one(results, MatchStatus.MATCHED)
    assert r.latest_id == "r2"


# --- other GSTIN and reject policy ------------------------------------------------------------


@pytest.mark.parametrize("policy", list(RejectPolicy))
def test_other_gstin_is_keep_pending_and_says_ask_customs_under_every_policy(policy):
    r = one(match_boes([ims(importer=OTHER)], [], gstin=GSTIN, reject_policy=policy),
            MatchStatus.NOT_IN_BOOKS)
    assert r.suggested_action is ActionCode.PENDING
    assert r.other_gstin == OTHER and r.moved_to is None
    assert f"importer GSTIN {OTHER}, not yours ({GSTIN})" in r.note
    assert "ask customs (ICEGATE) for a GSTIN amendment of the BoE" in r.note
    assert "Keep Pending" in r.note and "Reject it" not in r.note
    assert "Your books carry it" not in r.note


def test_other_gstin_that_the_books_carry_says_check_the_registration():
    r = one(match_boes([ims(importer=OTHER)], [book()], settings=Settings(gstin=GSTIN)))
    assert r.suggested_action is ActionCode.PENDING and r.other_gstin == OTHER
    assert "Your books carry it: check which registration imported the goods" in r.note


def test_an_invalid_importer_gstin_says_check_the_file():
    r = one(match_boes([ims(importer="27AAPFU0939F1ZX")], [], gstin=GSTIN))
    assert r.suggested_action is ActionCode.PENDING and r.other_gstin == "27AAPFU0939F1ZX"
    assert "which is not a valid GSTIN: check the file you loaded" in r.note


def _moved_boe(importer_before=""):
    original = ims("r1", igst="10000", importer=importer_before)
    moved = ims("r2", amendment=True, ref_date=date(2025, 12, 2), igst="10000", importer=OTHER)
    return [original, moved]


@pytest.mark.parametrize("before", ["", GSTIN])
def test_a_moved_boe_suggests_accept_and_says_the_credit_is_reversed(before):
    r = one(match_boes(_moved_boe(before), [book(igst="10000")], gstin=GSTIN))
    assert r.latest_id == "r2" and r.moved_to == OTHER and r.other_gstin is None
    assert r.suggested_action is ActionCode.ACCEPT
    assert f"Customs moved this BoE to GSTIN {OTHER} (a GSTIN amendment)" in r.note
    assert "reverses the credit you took on it in GSTR-3B Table 4 (netted" in r.note
    assert "Your books still carry it" in r.note


def test_an_amendment_to_another_gstin_without_an_earlier_own_version_is_another_gstins():
    # only the amendment is loaded, or the original is another GSTIN's too (decision 29)
    alone = [ims("r2", amendment=True, importer=OTHER)]
    r = one(match_boes(alone, [], gstin=GSTIN))
    assert r.other_gstin == OTHER and r.moved_to is None
    assert r.suggested_action is ActionCode.PENDING
    r = one(match_boes(_moved_boe(OTHER), [], gstin=GSTIN))
    assert r.other_gstin == OTHER and r.moved_to is None


def test_a_boe_before_ims_gets_no_suggestion_and_says_why():
    before = BoeVersion(id="r1", section=Section.IMPG, amendment=False, port_code="INNSA1",
                        boe_number="2566282", boe_date=date(2025, 9, 3),
                        ref_date=date(2025, 9, 6), period=None, igst=D("18000"),
                        taxable_value=D("100000"))
    r = one(match_boes([before], [book(boe_date=date(2025, 9, 3), igst="17000")]),
            MatchStatus.VALUE_MISMATCH)
    assert r.suggested_action is None
    assert r.note.startswith("No IMS action applies: this BoE is from period 092025, before "
                             "IMS took up Bills of Entry (102025)")
    # the check of the books stays, without advice on an action
    assert "IGST in IMS is 18,000.00, in the books 17,000.00" in r.note
    assert "Keep Pending" not in r.note and "Accept" not in r.note
    # an IMS start moved back to September (the setting): now it is in IMS
    r = one(match_boes([before], [book(boe_date=date(2025, 9, 3))],
                       settings=Settings(ims_start=Period(2025, 9))))
    assert r.suggested_action is ActionCode.ACCEPT


def test_no_reject_is_ever_suggested_under_block():
    versions = [ims("a1"), ims("a2"), ims("b1", number="1111111", importer=OTHER),
                *[replace_id(v, f"m{i}", "2222222") for i, v in enumerate(_moved_boe(GSTIN))],
                ims("c1", number="3333333", igst="5")]
    for settings in (Settings(gstin=GSTIN), Settings(gstin=GSTIN, reject_policy="block")):
        results = match_boes(versions, [book(), book(number="1111111")], settings=settings)
        assert {r.status for r in results} >= {MatchStatus.DUPLICATE_IN_IMS,
                                                MatchStatus.NOT_IN_BOOKS}
        assert [r.suggested_action for r in results if r.key is not None].count(
            ActionCode.REJECT) == 0
        assert any(r.other_gstin == OTHER for r in results)
        assert any(r.moved_to == OTHER for r in results)
    warned = match_boes(versions, [book()], settings=Settings(gstin=GSTIN, reject_policy="warn"))
    assert [r.suggested_action for r in warned].count(ActionCode.REJECT) == 1  # the duplicate


def replace_id(v: BoeVersion, rid: str, number: str) -> BoeVersion:
    from dataclasses import replace
    return replace(v, id=rid, boe_number=number)


def test_own_gstin_or_no_settings_gstin_is_not_rejected():
    assert one(match_boes([ims(importer=GSTIN.lower())], [], gstin=GSTIN)).suggested_action \
        is ActionCode.PENDING
    assert one(match_boes([ims(importer=OTHER)], [])).suggested_action is ActionCode.PENDING


def test_book_lines_of_another_gstin_are_left_out():
    results = match_boes([ims()], [book(importer=OTHER), book(number="999999", importer=OTHER)],
                         gstin=GSTIN)
    assert [r.status for r in results] == [MatchStatus.NOT_IN_BOOKS]


# --- shapes and speed -------------------------------------------------------------------------


def test_difference_text():
    d = Difference("igst", D("18000"), D("17998.5"))
    assert str(d) == "IGST: IMS 18,000.00, books 17,998.50"


def test_status_labels():
    assert MatchStatus.NOT_IN_IMS.label == "Not in IMS"
    assert MatchStatus.VALUE_MISMATCH.label == "Value mismatch"


def test_hundred_thousand_boes_match_counts():
    # speed is measured in bench/, not asserted here
    n = 100_000
    start = date(2024, 1, 1)
    versions, lines = [], []
    for i in range(n):
        when = start + timedelta(days=i % 600)
        number = f"{1000000 + i}"
        versions.append(BoeVersion(id=f"r{i}", section=Section.IMPG, amendment=False,
                                   port_code="INNSA1", boe_number=number, boe_date=when,
                                   ref_date=when, igst=D(i % 9000), cess=D(0)))
        if i % 10:  # one in ten missing from the books
            lines.append(BookLine("INNSA1", number, when, igst=D(i % 9000) + (D("5") if i % 7 == 0 else 0)))
    results = match_boes(versions, lines)
    counts: dict[MatchStatus, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    assert len(results) == n
    assert counts[MatchStatus.NOT_IN_BOOKS] == n // 10
    assert counts[MatchStatus.VALUE_MISMATCH] == sum(1 for i in range(n) if i % 10 and i % 7 == 0)


def test_taxable_note_is_a_plain_sentence_and_the_amounts_are_in_the_differences():
    import dataclasses
    r = one(match_boes([ims(taxable="100000")], [book(taxable="82000")]), MatchStatus.MATCHED)
    text = ("IMS agrees with the books (IGST and cess within Rs 1.00). Accept. The taxable value "
            "differs from the books: normal for imports, as IGST is charged on assessable value "
            "plus customs duty; it does not affect the match.")
    assert r.note == text and dataclasses.replace(r).note == text and f"note={text!r}" in repr(r)
    assert [str(d) for d in r.differences] == [
        "Taxable value: IMS 1,00,000.00, books 82,000.00 (normal for imports: IGST is charged "
        "on assessable value plus customs duty; not a mismatch)"]
    # a BoE list that lacks it: the taxable sentence stays before the BoE-list sentence
    r = one(match_boes([ims(taxable="100000", igst="17000")],
                       [book(taxable="82000")], []), MatchStatus.VALUE_MISMATCH)
    assert r.note.index("taxable value differs") < r.note.index("BoE list you loaded lacks")


# --- the steps, one at a time -------------------------------------------------------------------


def test_ims_side_groups_versions_takes_the_latest_and_sets_duplicates_aside():
    from ims_xl.match import ims_boes
    original = ims("o", number="0012345")
    amended = ims("a", number="12345", amendment=True, ref_date=date(2025, 11, 5), igst="19000")
    repeat = ims("o2", number="12345")
    other = ims("x", number="54321")
    boes = ims_boes([amended, original, repeat, other])
    assert [[v.id for v in b.versions] for b in boes] == [["a", "o"], ["x"]]
    assert boes[0].latest.id == "a" and boes[0].match_key == ("INNSA1", "12345", date(2025, 10, 3))
    assert [(d.id, first.id) for d, first in boes[0].duplicates] == [("o2", "o")]


def test_books_side_groups_split_vouchers_and_leaves_out_another_gstin():
    from ims_xl.match import books_by_key
    groups = books_by_key([book(voucher="A"), book(number="02566282", voucher="B"),
                           book(voucher="C", importer=OTHER)], GSTIN)
    assert {k: [line.voucher for line in v] for k, v in groups.items()} == {
        ("INNSA1", "2566282", date(2025, 10, 3)): ["A", "B"]}


def test_boe_list_side_keeps_the_latest_version_of_each_boe():
    from ims_xl.match import boe_list_by_key
    listed = boe_list_by_key([ims("l1"), ims("l2", amendment=True, ref_date=date(2025, 11, 5)),
                              ims("l3", importer=OTHER, number="7777777")], GSTIN)
    assert {k: v.id for k, v in listed.items()} == {("INNSA1", "2566282", date(2025, 10, 3)): "l2"}


def test_exact_pass_takes_the_book_key_and_probable_pass_only_what_is_left():
    from ims_xl.match import books_by_key, exact_pass, ims_boes, probable_pass, _MatchTerms, _ImsStart
    boes = ims_boes([ims("a"), ims("b", number="7654321")])
    groups = books_by_key([book(), book(number="7654321", boe_date=date(2025, 10, 5))], "")
    used: set = set()
    exact_pass(boes, groups, used, D("1.00"))
    assert used == {("INNSA1", "2566282", date(2025, 10, 3))}
    assert boes[0].result.status is MatchStatus.MATCHED and boes[1].result is None
    terms = _MatchTerms(tolerance=D("1.00"), own_gstin="", policy=RejectPolicy.BLOCK,
                        probable_days=3, ims_start=_ImsStart(Settings()))
    probable_pass(boes, groups, used, terms)
    assert boes[1].result.status is MatchStatus.PROBABLE
    assert boes[1].result.differences[0].as_tuple() == (
        "boe_date", date(2025, 10, 3), date(2025, 10, 5))
    assert len(used) == 2


def test_exact_result_says_how_many_lines_were_summed():
    from ims_xl.match import exact_result, ims_boes
    boe = ims_boes([ims(igst="18000", taxable="100000")])[0]
    r = exact_result(boe, [book(igst="9000", taxable="50000", voucher="A"),
                           book(igst="9000", taxable="50000", voucher="B")], D("1.00"))
    assert r.status is MatchStatus.MATCHED
    assert r.note == ("IMS agrees with the books (IGST and cess within Rs 1.00), 2 book lines "
                      "summed. Accept.")
    assert r.books == (D("100000"), D("18000"), D("0"))


def test_not_in_ims_lists_books_first_then_the_boe_list():
    from ims_xl.match import books_by_key, not_in_ims
    groups = books_by_key([book(number="1111111"), book(number="2222222")], "")
    listed = {("INNSA1", "3333333", date(2025, 10, 3)): ims("l", number="3333333"),
              ("INNSA1", "2222222", date(2025, 10, 3)): ims("m", number="2222222")}
    got = not_in_ims(groups, listed, set())
    assert [(r.boe_number, r.sources) for r in got] == [
        ("1111111", ("books",)), ("2222222", ("books", "boe_list")),
        ("3333333", ("boe_list",))]
    assert got[1].note.startswith("Not in IMS, but the books and the customs BoE list have it.")


def test_the_demo_shows_each_version_of_the_amended_boe_as_the_books_carry_it(tmp_path):
    """Through the command line: BoE 2566212 was re-assessed (+2,340.00 IGST); the demo's
    books carry only the original, so the original is matched and the amendment's
    differential is what the books lack."""
    from conftest import cli_ok
    from workbook_helpers import table_rows
    cli_ok("demo", "--out", tmp_path)
    path = tmp_path / "ims-xl-demo.xlsx"
    rows = [r for r in table_rows(path, "BoE") if r["BoE No"] == "2566212"]
    original = next(r for r in rows if r["Amendment"] == "No")
    amendment = next(r for r in rows if r["Amendment"] == "Yes")
    assert original["Match"] == "Matched"
    assert (amendment["Match"], amendment["Suggested Action"]) == ("Differential missing",
                                                                   "Keep Pending")
    recon = next(r for r in table_rows(path, "Reconciliation") if r["BoE No"] == "2566212")
    assert recon["Match"] == "Differential missing"
    assert recon["Note"].startswith(
        "The books carry the original in IMP/004 but lack the differential of the amendment "
        "of 18-11-2025 (IGST 2,340.00).")

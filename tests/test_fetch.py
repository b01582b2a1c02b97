"""Search BoE ("Fetch BoE") rows: the portal's checks, batching, candidates and filling."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ims_xl.fetch import (FETCHED_SOURCE, FetchRow, batches, fetch_candidates,
                          fill_from_boe_list, validate_fetch_rows)
from ims_xl.match import MatchStatus, match_boes
from ims_xl.models import BoeVersion, BookLine, Section
from ims_xl.periods import Period

TODAY = date(2025, 11, 20)
BOE_DATE = date(2025, 10, 3)


REF_DATE = date(2025, 10, 6)


def row(port="INNSA1", number="2566282", boe_date=BOE_DATE, ref_date=REF_DATE, source="test"):
    return FetchRow(port, number, boe_date, ref_date, source)


def codes(check) -> list[str]:
    return [i.code for i in check.issues]


def check_one(r, today=TODAY):
    [c] = validate_fetch_rows([r], today=today)
    return c


def version(rid, number="2566282", *, amendment=False, ref_date=date(2025, 10, 6), igst="18000",
            port="INNSA1", boe_date=BOE_DATE):
    return BoeVersion(id=rid, section=Section.IMPG, amendment=amendment, port_code=port,
                      boe_number=number, boe_date=boe_date, ref_date=ref_date,
                      period=Period.parse("102025"), igst=Decimal(igst))


# --- per-row rules ----------------------------------------------------------------------------


def test_a_complete_row_is_valid():
    c = check_one(row())
    assert c.ok and c.issues == [] and c.text == ""


def test_the_reference_date_is_required_and_the_message_says_where_to_find_it():
    c = check_one(row(ref_date=None))
    assert codes(c) == ["REF_DATE_MISSING"]
    assert "printed on the Bill of Entry" in c.text and "BoE list" in c.text


@pytest.mark.parametrize("port, ok", [("INNSA1", True), ("innsa1", True), ("18272A", True),
                                      ("INNSA", False), ("INNSA12", False), ("INNS/1", False),
                                      ("", False)])
def test_port_code_exactly_six_letters_or_digits(port, ok):
    c = check_one(row(port=port))
    assert c.ok is ok
    if not ok:
        assert codes(c) == ["PORT_CODE_INVALID"]
        assert "port code" in c.text.lower()


@pytest.mark.parametrize("number, ok", [("1234", True), ("1234567", True), ("0012345", True),
                                        ("2566282.0", True), ("123", False),
                                        ("12345678", False), ("25662A2", False),
                                        ("2.57E+06", False)])
def test_boe_number_four_to_seven_digits(number, ok):
    c = check_one(row(number=number))
    assert c.ok is ok
    if not ok:
        assert codes(c) == ["BOE_NUMBER_INVALID"]


def test_boe_date_required_and_not_future():
    assert codes(check_one(row(boe_date=None))) == ["BOE_DATE_MISSING"]
    assert codes(check_one(row(boe_date=TODAY + timedelta(days=1)))) == [
        "BOE_DATE_FUTURE", "REF_DATE_BEFORE_BOE"]
    assert codes(check_one(row(boe_date=TODAY, ref_date=None))) == ["REF_DATE_MISSING"]


def test_reference_date_on_or_after_boe_date():
    assert check_one(row(ref_date=BOE_DATE)).ok
    c = check_one(row(ref_date=BOE_DATE - timedelta(days=1)))
    assert codes(c) == ["REF_DATE_BEFORE_BOE"]
    assert "02-10-2025" in c.text and "03-10-2025" in c.text


@pytest.mark.parametrize("days_before, ok", [(5, True), (6, True), (4, False), (0, False)])
def test_reference_date_at_least_five_days_before_today(days_before, ok):
    c = check_one(row(ref_date=TODAY - timedelta(days=days_before)))
    assert c.ok is ok
    if not ok:
        assert codes(c) == ["REF_DATE_TOO_RECENT"]
        assert "15-11-2025" in c.text  # the latest reference date the portal takes today


def test_several_problems_on_one_row_are_all_reported():
    c = check_one(row(port="INNSA", number="12", ref_date=BOE_DATE - timedelta(days=3)))
    assert codes(c) == ["PORT_CODE_INVALID", "BOE_NUMBER_INVALID", "REF_DATE_BEFORE_BOE"]


# --- request rules ----------------------------------------------------------------------------


def test_repeated_boe_number_in_one_request():
    rows = [row(port="INNSA1", number="2566282"), row(port="INMAA1", number="2566282"),
            row(port="INNSA1", number="0002566"), row(port="INDEL4", number="2566")]
    checks = validate_fetch_rows(rows, today=TODAY)
    assert [c.ok for c in checks] == [True, False, True, False]
    assert codes(checks[1]) == ["REPEATED_IN_BATCH"]
    assert "row 1" in checks[1].text
    assert "row 3" in checks[3].text  # 0002566 and 2566 are the same number


def test_at_most_ten_rows_per_request():
    rows = [row(number=str(1000000 + i)) for i in range(12)]
    checks = validate_fetch_rows(rows, today=TODAY)
    assert [c.ok for c in checks] == [True] * 10 + [False, False]
    assert codes(checks[10]) == ["TOO_MANY_ROWS"]
    assert [c.index for c in checks] == list(range(12))


def test_list_mode_allows_more_rows_and_repeated_numbers_but_not_identical_rows():
    rows = [row(number=str(1000000 + i)) for i in range(12)]
    rows += [row(port="INMAA1", number="1000000"), row(number="1000000")]
    checks = validate_fetch_rows(rows, today=TODAY, single_request=False)
    assert [c.ok for c in checks] == [True] * 13 + [False]
    assert codes(checks[13]) == ["DUPLICATE_ROW"]


# --- batches ----------------------------------------------------------------------------------


def test_batches_of_ten():
    rows = [row(number=str(1000000 + i)) for i in range(23)]
    out = batches(rows)
    assert [len(b) for b in out] == [10, 10, 3]
    assert [r for b in out for r in b] == rows  # order kept
    for b in out:
        assert all(c.ok for c in validate_fetch_rows(b, today=TODAY))


def test_batches_never_repeat_a_number():
    rows = [row(port=p, number="2566282") for p in ("INNSA1", "INMAA1", "INDEL4")]
    rows += [row(number=str(1000000 + i)) for i in range(12)]
    out = batches(rows)
    for b in out:
        numbers = [r.number_identity for r in b]
        assert len(numbers) == len(set(numbers))
        assert len(b) <= 10
        assert all(c.ok for c in validate_fetch_rows(b, today=TODAY))
    assert sum(len(b) for b in out) == 15
    assert len(out) == 3
    assert [r.port_code for b in out for r in b if r.boe_number == "2566282"] == [
        "INNSA1", "INMAA1", "INDEL4"]


def test_batches_drop_identical_rows():
    out = batches([row(), row(number="2566282.0"), row(number="1234567")])
    assert [[r.boe_number for r in b] for b in out] == [["2566282", "1234567"]]


# --- candidates and filling from a BoE list ---------------------------------------------------


def test_fetch_candidates_from_not_in_ims():
    books = [BookLine("INNSA1", "2566282", BOE_DATE, igst=Decimal("18000")),
             BookLine("INMAA1", "0045678", date(2025, 10, 9), igst=Decimal("900"))]
    listed = [version("L1", number="7777777", ref_date=date(2025, 10, 12))]
    results = match_boes([version("r1")], books, listed)
    assert [r.status for r in results] == [MatchStatus.NOT_IN_BOE_LIST, MatchStatus.NOT_IN_IMS,
                                           MatchStatus.NOT_IN_IMS]
    rows = fetch_candidates(results)
    assert rows == [FetchRow("INMAA1", "0045678", date(2025, 10, 9), None, "books"),
                    FetchRow("INNSA1", "7777777", BOE_DATE, date(2025, 10, 12), "boe_list")]
    # the books do not carry the reference date: that row cannot be requested as it is
    assert [codes(c) for c in validate_fetch_rows(rows, today=TODAY)] == [["REF_DATE_MISSING"],
                                                                          []]


def test_reference_dates_from_the_boe_list_prefer_the_original():
    from ims_xl.fetch import reference_dates
    from ims_xl.match import match_key
    listed = [version("A2", number="7777777", amendment=True, ref_date=date(2025, 11, 2)),
              version("A1", number="7777777", ref_date=date(2025, 10, 12)),
              version("B1", number="8888888", amendment=True, ref_date=date(2025, 11, 5)),
              version("C1", number="9999999", ref_date=None)]
    refs = reference_dates(listed)
    assert refs == {match_key("INNSA1", "7777777", BOE_DATE): date(2025, 10, 12),
                    match_key("INNSA1", "8888888", BOE_DATE): date(2025, 11, 5)}


def test_fill_from_boe_list():
    ims = [version("r1")]
    boe_list = [version("r1"),                                     # already in IMS
                version("L2", number="7777777"),
                version("L3", number="7777777", amendment=True, ref_date=date(2025, 11, 2),
                        igst="19000"),
                version("r1", number="5555555")]                  # id clashes with IMS
    requested = [row(number="7777777"), row(number="5555555"), row(number="2566282"),
                 row(number="9999999")]
    new, missing = fill_from_boe_list(ims, boe_list, requested)
    assert [(v.id, v.boe_number, v.amendment, v.igst) for v in new] == [
        ("L2", "7777777", False, Decimal("18000")),
        ("L3", "7777777", True, Decimal("19000")),
        ("r1-fetched", "5555555", False, Decimal("18000"))]
    assert all(v.source == FETCHED_SOURCE == "fetched:boe_list" for v in new)
    assert [r.boe_number for r in missing] == ["9999999"]
    # filled records now match: nothing left to fetch
    again_new, again_missing = fill_from_boe_list(ims + new, boe_list, requested)
    assert again_new == [] and [r.boe_number for r in again_missing] == ["9999999"]


def test_fill_matches_on_normalised_key():
    boe_list = [version("L1", number="0012345", port="INNSA1")]
    new, missing = fill_from_boe_list([], boe_list, [row(port="innsa1", number="12345")])
    assert [v.id for v in new] == ["L1"] and missing == []

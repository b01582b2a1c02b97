"""The portal's GSTR-2B Excel: four import sheets with two-row headers under title rows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from ims_xl.io import Codes, load_gstr2b_excel
from ims_xl.models import Section, Severity
from ims_xl.periods import Period

from test_io_support import GSTIN, codes, find, one, portal_workbook

IMPG = [
    ["06-10-2025", "INNSA1", "2566282", "03-10-2025", 100000, 18000, 0],
    [date(2025, 10, 7), "INDEL4", 2566283.0, datetime(2025, 10, 4), "1,00,000.50", 18000.09,
     None],
]
IMPGA = [["16-10-2025", "INNSA1", "2566282", "03-10-2025", 100000, 20000, 0]]
IMPGSEZ = [["24AAUPV7468F1ZW", "SEZ ONE", "06-10-2025", "INMAA1", "0012345", "01-10-2025",
            5000, 900, 10.5]]
IMPGSEZA = [["24AAUPV7468F1ZW", "SEZ ONE", "20-10-2025", "INMAA1", "0012345", "01-10-2025",
             5000, 950, 10.5]]


@pytest.fixture
def portal(tmp_path):
    return portal_workbook(tmp_path / "GSTR2B_102025.xlsx", {
        "IMPG": IMPG, "IMPGA": IMPGA, "IMPGSEZ": IMPGSEZ, "IMPGSEZA": IMPGSEZA})


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_portal_workbook(portal, engine):
    load = load_gstr2b_excel(portal, engine=engine)
    assert load.problems == []
    assert [(r.gstr2b_section, r.boe_number) for r in load.records] == [
        ("IMPG", "2566282"), ("IMPG", "2566283"), ("IMPGA", "2566282"),
        ("IMPGSEZ", "0012345"), ("IMPGSEZA", "0012345")]
    a, b, amd, sez, sez_amd = load.records
    assert a.id == "IMPG:INNSA1:2566282:03-10-2025:06-10-2025"
    assert (a.port_code, a.boe_date, a.ref_date) == ("INNSA1", date(2025, 10, 3),
                                                     date(2025, 10, 6))
    assert (a.taxable_value, a.igst, a.cess) == (Decimal("100000"), Decimal("18000"), 0)
    assert (b.boe_number, b.boe_date, b.ref_date) == ("2566283", date(2025, 10, 4),
                                                      date(2025, 10, 7))
    assert (b.taxable_value, b.igst, b.cess) == (Decimal("100000.50"), Decimal("18000.09"), 0)
    assert str(b.igst) == "18000.09"  # the float became the decimal it shows, exactly
    assert (amd.section, amd.amendment, amd.igst) == (Section.IMPG, True, Decimal("20000"))
    assert (sez.section, sez.amendment, sez.supplier_gstin, sez.supplier_name) == (
        Section.IMPGSEZ, False, "24AAUPV7468F1ZW", "SEZ ONE")
    assert sez.cess == Decimal("10.5")
    assert (sez_amd.section, sez_amd.amendment) == (Section.IMPGSEZ, True)
    assert all(r.period == Period(2025, 10) and r.importer_gstin == GSTIN
               and r.source == "gstr2b:GSTR2B_102025.xlsx" for r in load.records)
    assert load.rtnprd == Period(2025, 10) and load.gstin == GSTIN
    assert load.gendt == date(2025, 11, 14)


def test_period_argument_wins_and_mismatch_warns(portal):
    load = load_gstr2b_excel(portal, Period(2025, 11))
    assert all(r.period == Period(2025, 11) for r in load.records)
    p = one(load.problems, Codes.VALUE_INVALID)
    assert p.severity is Severity.WARNING and p.value == "October"


def test_no_period_anywhere_warns(tmp_path):
    path = portal_workbook(tmp_path / "2b.xlsx", {"IMPG": IMPG}, readme=[["nothing here"]])
    load = load_gstr2b_excel(path)
    assert one(load.problems, Codes.PERIOD_MISSING).severity is Severity.WARNING
    assert all(r.period is None for r in load.records)
    assert len(load.records) == 2


@pytest.mark.parametrize("readme, period", [
    ([["Tax Period", "102025"]], Period(2025, 10)),
    ([["Tax period: March"], ["Financial year: 2025-26"]], Period(2026, 3)),
    ([["Return Period", "Oct-2025"]], Period(2025, 10)),
    ([["Financial Year", "2025-26"], ["Tax Period", "Oct - Dec"]], Period(2025, 12)),
])
def test_period_found_in_read_me(tmp_path, readme, period):
    path = portal_workbook(tmp_path / "2b.xlsx", {"IMPG": IMPG}, readme=readme)
    load = load_gstr2b_excel(path)
    assert load.rtnprd == period and load.records[0].period == period


def test_only_some_sheets_and_empty_sheets(tmp_path):
    path = portal_workbook(tmp_path / "2b.xlsx", {"IMPG": [], "IMPGSEZ": IMPGSEZ})
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("IMPGA")  # blank: nothing in this section
    wb.create_sheet("B2B").append(["GSTIN of supplier", "Invoice number"])
    wb.save(path)
    load = load_gstr2b_excel(path)
    assert load.problems == []
    assert [r.gstr2b_section for r in load.records] == ["IMPGSEZ"]


def test_sheet_names_ignore_case_and_spaces(tmp_path):
    path = portal_workbook(tmp_path / "2b.xlsx", {"impg ": IMPG, "Impg Sez A": IMPGSEZA})
    load = load_gstr2b_excel(path)
    assert [r.gstr2b_section for r in load.records] == ["IMPG", "IMPG", "IMPGSEZA"]


def test_no_import_sheets(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "B2B"
    path = tmp_path / "other.xlsx"
    wb.save(path)
    p = one(load_gstr2b_excel(path).problems, Codes.SHEET_MISSING)
    assert "B2B" in p.message and p.file == "other.xlsx"


def test_missing_column_names_the_sheet_and_headers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "IMPG"
    ws.append(["ICEGATE Reference Date", "Bill of Entry Number", "Bill of Entry Date", "IGST"])
    ws.append(["06-10-2025", "2566282", "03-10-2025", 1])
    path = tmp_path / "2b.xlsx"
    wb.save(path)
    load = load_gstr2b_excel(path, Period(2025, 10))
    p = one(load.problems, Codes.COLUMN_MISSING)
    assert (p.file, p.row) == ("2b.xlsx, sheet IMPG", None)
    assert "port code" in p.message and "row 1: ICEGATE Reference Date, Bill of Entry " \
        "Number" in p.message
    assert load.records == []


def test_bad_cells_are_reported_where_they_stand(tmp_path):
    rows = [
        ["06-10-2025", "INNSA1", "2.57E+06", "03-10-2025", 1, 2, 3],
        ["06-10-2025", "INNSA1", "2566284", "31-02-2025", "abc", "(100)", 0],
        [None, None, None, None, 5, 5, 5],               # cannot be keyed
        ["Total", None, None, None, 6, 7, 8],             # a totals line: skipped silently
        ["06-10-2025", "INNSA1", "2566285", "03-10-2025", 1, 1, 1],
    ]
    path = portal_workbook(tmp_path / "2b.xlsx", {"IMPG": rows})
    load = load_gstr2b_excel(path)
    assert [r.boe_number for r in load.records] == ["2.57E+06", "2566284", "2566285"]
    where = "2b.xlsx, sheet IMPG"
    mangled = one(load.problems, Codes.BOE_NUMBER_MANGLED)
    assert (mangled.file, mangled.row, mangled.column, mangled.value) == (
        where, 6, "Bill of Entry Details - Number", "2.57E+06")
    date_p = one(load.problems, Codes.DATE_INVALID)
    assert (date_p.row, date_p.column, date_p.value) == (7, "Bill of Entry Details - Date",
                                                         "31-02-2025")
    amount = one(load.problems, Codes.AMOUNT_INVALID)
    assert (amount.row, amount.column, amount.value) == (
        7, "Bill of Entry Details - Taxable Value (₹)", "abc")
    assert load.records[1].amount_problems == (("taxable_value", "abc"),)
    assert load.records[1].igst == Decimal("-100")
    skipped = one(load.problems, Codes.ROW_SKIPPED)
    assert skipped.row == 8
    assert len(load.problems) == 4


def test_gstin_failing_its_check_is_a_warning(tmp_path):
    path = portal_workbook(tmp_path / "2b.xlsx", {"IMPG": IMPG},
                           readme=[["GSTIN", "01AABCE2207R1Z5"], ["Tax Period", "102025"]])
    load = load_gstr2b_excel(path)
    p = one(load.problems, Codes.GSTIN_INVALID)
    assert p.severity is Severity.WARNING and p.value == "01AABCE2207R1Z5"
    assert load.records[0].importer_gstin == "01AABCE2207R1Z5"


def test_duplicated_rows_get_distinct_ids(tmp_path):
    path = portal_workbook(tmp_path / "2b.xlsx", {"IMPG": [IMPG[0], IMPG[0]]})
    ids = [r.id for r in load_gstr2b_excel(path).records]
    assert ids == ["IMPG:INNSA1:2566282:03-10-2025:06-10-2025",
                   "IMPG:INNSA1:2566282:03-10-2025:06-10-2025#2"]


def test_amended_column_in_impg(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "IMPG"
    ws.append(["ICEGATE Reference Date", "Port Code", "BE No", "BE Date", "IGST",
               "Amended (Yes)"])
    ws.append(["06-10-2025", "INNSA1", "2566282", "03-10-2025", 1, "Yes"])
    ws.append(["06-10-2025", "INNSA1", "2566283", "03-10-2025", 1, "perhaps"])
    path = tmp_path / "2b.xlsx"
    wb.save(path)
    load = load_gstr2b_excel(path, Period(2025, 10))
    assert [r.gstr2b_section for r in load.records] == ["IMPGA", "IMPG"]
    p = one(load.problems, Codes.VALUE_INVALID)
    assert (p.row, p.column, p.value) == (3, "Amended (Yes)", "perhaps")


def test_not_a_workbook_and_missing_file(tmp_path):
    path = tmp_path / "2b.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    assert codes(load_gstr2b_excel(path).problems) == [Codes.NOT_A_WORKBOOK]
    assert codes(load_gstr2b_excel(tmp_path / "none.xlsx").problems) == [Codes.FILE_NOT_FOUND]
    assert find(load_gstr2b_excel(tmp_path / "none.xlsx").problems, "INTERNAL") == []

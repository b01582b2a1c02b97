"""ICEGATE / customs-broker BoE lists (CSV and XLSX)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ims_xl.io import Codes, load_boe_list
from ims_xl.models import Section, Severity
from ims_xl.periods import Period

from test_io_support import GSTIN, codes, find, one, simple_workbook, write_csv

HEADER = ["Sr No", "Port Code", "BE No", "BE Date", "OOC Date", "Assessable Value", "IGST",
          "Cess", "Section", "Supplier GSTIN", "Supplier Name"]


def rows():
    return [
        ["ICEGATE - Bill of Entry list"], ["IEC: AAPFU0939F"], [],
        HEADER,
        [1, "INNSA1", "2566282", "03-10-2025", "06-10-2025", "1,00,000.00", "18,000.00", "0",
         "", "", ""],
        [2, "indel4", "2566283.0", "4/10/2025", "07-Oct-2025", "Rs. 50,000", "₹9,000.50", "",
         "IMPGA", "", ""],
        [3, "INMAA1", "0012345", "2025-10-01", "", "5000", "900", "10", "",
         "24AAUPV7468F1ZW", "SEZ ONE"],
        [4, "INMAA1", "0012346", "01-10-2025", "", "5000", "900", "10", "SEZ", "", ""],
        [None, "", "", "", "", "", "", "", "", "", ""],
        ["Total", "", "", "", "", "160000", "28800.50", "20", "", "", ""],
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_boe_list(tmp_path, kind):
    if kind == "csv":
        path = write_csv(tmp_path / "boe_list.csv", rows())
    else:
        path = simple_workbook(tmp_path / "boe_list.xlsx", rows())
    load = load_boe_list(path, period=Period(2025, 10), importer_gstin=GSTIN)
    assert load.problems == []
    a, b, c, d = load.records
    assert a.id == "IMPG:INNSA1:2566282:03-10-2025:06-10-2025"
    assert (a.section, a.amendment, a.taxable_value, a.igst, a.cess) == (
        Section.IMPG, False, Decimal("100000.00"), Decimal("18000.00"), 0)
    assert (a.period, a.importer_gstin) == (Period(2025, 10), GSTIN)
    assert a.source == f"boe_list:boe_list.{kind}"
    assert (b.port_code, b.boe_number, b.boe_date, b.ref_date) == (
        "INDEL4", "2566283", date(2025, 10, 4), date(2025, 10, 7))
    assert (b.section, b.amendment, b.gstr2b_section) == (Section.IMPG, True, "IMPGA")
    assert (b.taxable_value, b.igst, b.cess) == (Decimal("50000"), Decimal("9000.50"), 0)
    assert (c.section, c.supplier_gstin, c.supplier_name, c.boe_number) == (
        Section.IMPGSEZ, "24AAUPV7468F1ZW", "SEZ ONE", "0012345")
    assert c.ref_date is None
    assert d.section is Section.IMPGSEZ and d.supplier_gstin == ""
    assert load.columns["ref_date"] == "OOC Date"


def test_reference_date_prefers_icegate_column(tmp_path):
    path = write_csv(tmp_path / "l.csv", [
        ["Port Code", "BoE No", "BoE Date", "OOC Date", "ICEGATE Reference Date", "IGST"],
        ["INNSA1", "2566282", "03-10-2025", "05-10-2025", "06-10-2025", "1"]])
    load = load_boe_list(path)
    assert load.records[0].ref_date == date(2025, 10, 6)
    p = one(load.problems, Codes.COLUMN_REPEATED)
    assert (p.severity, p.column, p.row) == (Severity.WARNING, "OOC Date", 1)


def test_period_column_and_bad_section(tmp_path):
    path = write_csv(tmp_path / "l.csv", [
        ["Port Code", "BE No", "BE Date", "IGST", "Return Period", "Section"],
        ["INNSA1", "2566282", "03-10-2025", "1", "112025", "IMPG"],
        ["INNSA1", "2566283", "03-10-2025", "1", "13/2025", "Domestic"]])
    load = load_boe_list(path, period=Period(2025, 10))
    assert [r.period for r in load.records] == [Period(2025, 11), Period(2025, 10)]
    found = find(load.problems, Codes.VALUE_INVALID)
    assert [(p.row, p.column, p.value, p.severity) for p in found] == [
        (3, "Section", "Domestic", Severity.WARNING),
        (3, "Return Period", "13/2025", Severity.ERROR)]


def test_missing_igst_column_warns(tmp_path):
    path = write_csv(tmp_path / "fetch.csv", [
        ["Port Code", "BE No", "BE Date", "Reference Date"],
        ["INNSA1", "2566282", "03-10-2025", "06-10-2025"]])
    load = load_boe_list(path)
    p = one(load.problems, Codes.COLUMN_MISSING)
    assert p.severity is Severity.WARNING and "IGST" in p.message and p.row == 1
    assert load.records[0].igst == 0


def test_missing_required_column_lists_headers(tmp_path):
    path = write_csv(tmp_path / "l.csv", [["Port Code", "BE No", "IGST", "Remarks"],
                                          ["INNSA1", "2566282", "1", ""]])
    load = load_boe_list(path)
    p = one(load.problems, Codes.COLUMN_MISSING)
    assert p.severity is Severity.ERROR and "BoE date" in p.message
    assert "Port Code, BE No, IGST, Remarks" in p.message
    assert load.records == []


def test_excel_mangled_numbers(tmp_path):
    path = simple_workbook(tmp_path / "l.xlsx", [
        ["Port Code", "BE No", "BE Date", "IGST"],
        ["INNSA1", 2566282, "03-10-2025", 1],
        ["INNSA1", " 2566283 ", "03-10-2025", 1],
        ["INNSA1", "2.566284E6", "03-10-2025", 1],
        ["INNSA1", "2.57E+06", "03-10-2025", 1],
        ["INNSA1", 2566285.0, 45933, 1]])
    load = load_boe_list(path)
    assert [r.boe_number for r in load.records] == [
        "2566282", "2566283", "2566284", "2.57E+06", "2566285"]
    assert load.records[4].boe_date == date(2025, 10, 3)  # an Excel serial
    p = one(load.problems, Codes.BOE_NUMBER_MANGLED)
    assert (p.file, p.row, p.column, p.value) == ("l.xlsx, sheet Sheet1", 5, "BE No",
                                                  "2.57E+06")
    assert "scientific notation" in p.message


def test_duplicated_rows_are_kept_with_distinct_ids(tmp_path):
    row = ["INNSA1", "2566282", "03-10-2025", "06-10-2025", "1"]
    path = write_csv(tmp_path / "l.csv", [["Port Code", "BE No", "BE Date", "Ref Date", "IGST"],
                                          row, row])
    load = load_boe_list(path)
    assert [r.id for r in load.records] == ["IMPG:INNSA1:2566282:03-10-2025:06-10-2025",
                                            "IMPG:INNSA1:2566282:03-10-2025:06-10-2025#2"]
    assert load.problems == []


def test_no_header_at_all(tmp_path):
    path = write_csv(tmp_path / "l.csv", [["a", "b"], ["1", "2"]])
    load = load_boe_list(path)
    p = one(load.problems, Codes.HEADER_NOT_FOUND)
    assert p.file == "l.csv" and "'Port Code'" in p.message
    assert codes(load.problems) == [Codes.HEADER_NOT_FOUND]


def test_header_found_on_a_later_sheet(tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active.title = "Cover"
    wb.active.append(["Report of imports"])
    ws = wb.create_sheet("Data")
    ws.append(["Port Code", "BE No", "BE Date", "IGST"])
    ws.append(["INNSA1", "2566282", "03-10-2025", 5])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    load = load_boe_list(path)
    assert load.problems == [] and load.records[0].igst == 5

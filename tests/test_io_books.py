"""The purchase register: header aliases, user mapping, totals, non-import lines, bad cells."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from ims_xl.io import Codes, load_books, load_mapping
from ims_xl.models import Severity

from test_io_support import codes, find, one, simple_workbook, write_csv

TALLY = [
    ["ACME Imports Pvt Ltd"], ["Purchase Register"], ["1-Oct-2025 to 31-Oct-2025"], [],
    ["Date", "Particulars", "Voucher No.", "Bill of Entry No.", "Bill of Entry Date",
     "Port Code", "Assessable Value", "IGST", "Cess", "Supplier GSTIN"],
    ["03-10-2025", "Total Oil Ltd", "PI/001", "2566282", "03-10-2025", "INNSA1",
     "1,00,000.00", "18,000.00", "", ""],
    ["05-10-2025", "SEZ Unit", "PI/002", "0012345", "01-10-2025", "INMAA1", "5000", "900",
     "10.50", "24AAUPV7468F1ZW"],
    ["06-10-2025", "Stationery", "PI/003", "", "", "", "1000", "180", "", ""],
    ["", "", "", "", "", "", "", "", "", ""],
    ["", "Grand Total", "", "", "", "", "106000", "19080", "10.50", ""],
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_tally_register(tmp_path, kind):
    path = (write_csv(tmp_path / "register.csv", TALLY) if kind == "csv"
            else simple_workbook(tmp_path / "register.xlsx", TALLY, title="Register"))
    load = load_books(path)
    where = "register.csv" if kind == "csv" else "register.xlsx, sheet Register"
    assert [(l.boe_number, l.row) for l in load.lines] == [("2566282", 6), ("0012345", 7)]
    a, b = load.lines
    assert (a.port_code, a.boe_date, a.taxable_value, a.igst, a.cess, a.voucher) == (
        "INNSA1", date(2025, 10, 3), Decimal("100000.00"), Decimal("18000.00"), 0, "PI/001")
    assert a.file == where and a.boe_number_key == "2566282"
    assert (b.supplier_gstin, b.cess, b.boe_number_key) == ("24AAUPV7468F1ZW",
                                                           Decimal("10.50"), "12345")
    # the stationery line is not an import: one warning for all such lines
    p = one(load.problems, Codes.ROW_SKIPPED)
    assert (p.file, p.row, p.severity) == (where, 8, Severity.WARNING)
    assert "1 row " in p.message and "rows 8" in p.message
    assert codes(load.problems) == [Codes.ROW_SKIPPED]
    assert load.columns == {"voucher": "Voucher No.", "boe_number": "Bill of Entry No.",
                            "boe_date": "Bill of Entry Date", "port_code": "Port Code",
                            "taxable_value": "Assessable Value", "igst": "IGST",
                            "cess": "Cess", "supplier_gstin": "Supplier GSTIN"}


@pytest.mark.parametrize("header", [
    ["BoE No", "BoE Date", "Port Code", "Integrated Tax"],
    ["BE No.", "BE Date", "PORT CODE", "IGST (Rs.)"],
    ["bill_of_entry_no", "bill-of-entry-date", "port_code", "igst_amount"],
    ["Bill of Entry Number", "Bill of Entry Date", "Port", "Integrated Tax (₹)"],
])
def test_header_aliases_ignore_case_space_punctuation(tmp_path, header):
    path = write_csv(tmp_path / "b.csv", [header, ["2566282", "03-10-2025", "INNSA1", "500"]])
    load = load_books(path)
    assert load.problems == []
    assert (load.lines[0].boe_number, load.lines[0].igst, load.lines[0].cess) == (
        "2566282", Decimal("500"), 0)


def test_missing_required_columns_are_named_with_the_headers_found(tmp_path):
    path = write_csv(tmp_path / "b.csv", [["Voucher No.", "BoE No", "Amount", "Cess"],
                                          ["PI/1", "2566282", "100", "0"]])
    load = load_books(path)
    assert load.lines == []
    missing = find(load.problems, Codes.COLUMN_MISSING)
    assert [p.message.split(" (")[0] for p in missing] == [
        "No column for the port code", "No column for the BoE date", "No column for the IGST"]
    for p in missing:
        assert p.file == "b.csv" and p.row is None and p.severity is Severity.ERROR
        assert "Headers found in row 1: Voucher No., BoE No, Amount, Cess" in p.message
        assert "mapping" in p.fix


def test_user_mapping_overrides_aliases(tmp_path):
    path = write_csv(tmp_path / "b.csv", [
        ["Doc", "B/E Ref", "B/E Dt", "Customs Station", "Tax Paid IGST", "IGST", "Cess"],
        ["PI/1", "2566282", "03-10-2025", "INNSA1", "18000", "999", ""]])
    mapping = {"boe_number": "B/E Ref", "boe_date": "b/e dt", "port_code": "Customs Station",
               "igst": "Tax Paid IGST", "voucher": "Doc"}
    load = load_books(path, mapping)
    assert load.problems == []
    line = load.lines[0]
    assert (line.boe_number, line.boe_date, line.port_code, line.igst, line.voucher) == (
        "2566282", date(2025, 10, 3), "INNSA1", Decimal("18000"), "PI/1")
    # the mapping file form gives the same
    mfile = tmp_path / "mapping.json"
    mfile.write_text(json.dumps(mapping), encoding="utf-8")
    assert load_mapping(mfile) == (mapping, [])
    assert load_books(path, mfile).lines == load.lines


def test_mapping_naming_an_absent_header(tmp_path):
    path = write_csv(tmp_path / "b.csv", [["BoE No", "BoE Date", "Port Code", "IGST"],
                                          ["2566282", "03-10-2025", "INNSA1", "1"]])
    load = load_books(path, {"igst": "Tax IGST"})
    p = one(load.problems, Codes.COLUMN_MISSING)
    assert (p.column, p.row) == ("Tax IGST", None)
    assert "BoE No, BoE Date, Port Code, IGST" in p.message
    assert load.lines == []


def test_bad_mapping_files(tmp_path):
    m = tmp_path / "m.json"
    m.write_text('{"boe_number": "X", "colour": "Y", "igst": 5}', encoding="utf-8")
    mapping, problems = load_mapping(m)
    assert mapping == {"boe_number": "X"}
    assert [(p.code, p.column) for p in problems] == [(Codes.MAPPING_INVALID, "colour"),
                                                      (Codes.MAPPING_INVALID, "igst")]
    m.write_text("[1, 2]", encoding="utf-8")
    assert codes(load_mapping(m)[1]) == [Codes.MAPPING_INVALID]
    m.write_text("{not json", encoding="utf-8")
    assert codes(load_mapping(m)[1]) == [Codes.MAPPING_INVALID]
    assert codes(load_mapping(tmp_path / "none.json")[1]) == [Codes.FILE_NOT_FOUND]


def test_bad_cells_in_books(tmp_path):
    path = write_csv(tmp_path / "b.csv", [
        ["Voucher No.", "BoE No", "BoE Date", "Port Code", "IGST", "Cess"],
        ["PI/1", "2.57E+06", "03-10-2025", "INNSA1", "abc", ""],
        ["PI/2", "12", "31-02-2025", "INNS", "(1,000)", "Rs 5"],
        ["PI/3", "2566283", "", "INNSA1", "1", ""],
        ["PI/4", "", "", "INNSA1", "1", ""],
    ])
    load = load_books(path)
    assert [l.boe_number for l in load.lines] == ["2.57E+06", "12", "2566283"]
    got = [(p.code, p.row, p.column, p.value, p.severity) for p in load.problems]
    assert got == [
        (Codes.BOE_NUMBER_MANGLED, 2, "BoE No", "2.57E+06", Severity.ERROR),
        (Codes.AMOUNT_INVALID, 2, "IGST", "abc", Severity.ERROR),
        (Codes.BOE_NUMBER_INVALID, 3, "BoE No", "12", Severity.WARNING),
        (Codes.PORT_CODE_INVALID, 3, "Port Code", "INNS", Severity.WARNING),
        (Codes.DATE_INVALID, 3, "BoE Date", "31-02-2025", Severity.ERROR),
        (Codes.DATE_INVALID, 4, "BoE Date", "", Severity.WARNING),
        (Codes.ROW_SKIPPED, 5, "BoE No", "", Severity.ERROR),
    ]
    assert load.lines[0].igst == 0
    assert (load.lines[1].igst, load.lines[1].cess) == (Decimal("-1000"), Decimal("5"))


def test_exactly_repeated_line_warns_but_is_kept(tmp_path):
    row = ["PI/1", "2566282", "03-10-2025", "INNSA1", "100"]
    path = write_csv(tmp_path / "b.csv", [["Voucher No.", "BoE No", "BoE Date", "Port Code",
                                           "IGST"], row, ["PI/2"] + row[1:], row])
    load = load_books(path)
    assert len(load.lines) == 3
    p = one(load.problems, Codes.ROW_REPEATED)
    assert (p.row, p.severity) == (4, Severity.WARNING) and "row 2" in p.message


def test_formula_looking_text_stays_text(tmp_path):
    path = write_csv(tmp_path / "b.csv", [
        ["Voucher No.", "BoE No", "BoE Date", "Port Code", "IGST", "Supplier GSTIN"],
        ['=HYPERLINK("http://x","y")', "2566282", "03-10-2025", "INNSA1", "1", "@SUM(1)"]])
    line = load_books(path).lines[0]
    assert line.voucher == '=HYPERLINK("http://x","y")'
    assert line.supplier_gstin == "@SUM(1)"


def test_repeated_header_rows_are_skipped(tmp_path):
    header = ["BoE No", "BoE Date", "Port Code", "IGST"]
    path = write_csv(tmp_path / "b.csv", [header, ["2566282", "03-10-2025", "INNSA1", "1"],
                                          [], header, ["2566283", "03-10-2025", "INNSA1", "2"]])
    load = load_books(path)
    assert [l.boe_number for l in load.lines] == ["2566282", "2566283"]
    assert load.problems == []


def test_many_non_import_lines_are_summarised(tmp_path):
    rows = [["BoE No", "BoE Date", "Port Code", "IGST"]] + [["", "", "", str(i)]
                                                             for i in range(15)]
    load = load_books(write_csv(tmp_path / "b.csv", rows))
    p = one(load.problems, Codes.ROW_SKIPPED)
    assert "15 rows" in p.message and "and 5 more" in p.message

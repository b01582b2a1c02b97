"""``ims-xl template``: the workbook's sheets, tables, names, validations and formats,
checked by opening the file again with openpyxl and by reading its XML parts."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import load_workbook

from conftest import GSTIN, run_cli
from ims_xl.workbook.layout import DATE, MONEY, SHEETS, TABLES

BOE_HEADERS = ["Section", "Amendment", "Port Code", "BoE No", "BoE Date", "Reference Date",
               "Period", "Taxable Value", "IGST", "Cess", "Supplier GSTIN", "Supplier Name",
               "Importer GSTIN", "Action", "Action Date", "Remark", "Match",
               "Suggested Action", "Status", "2B Period", "ITC IGST", "ITC Cess", "Messages",
               "Source"]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "book.xlsx"
    proc = run_cli("template", str(path), "--gstin", GSTIN, "--filing", "quarterly")
    assert proc.returncode == 0, proc.stderr
    return path


def test_sheets_and_tables(template):
    wb = load_workbook(template)
    for name in SHEETS:
        assert name in wb.sheetnames
    assert wb["_lists"].sheet_state == "hidden"
    tables = {t: ws.title for ws in wb.worksheets for t in ws.tables}
    for spec in TABLES.values():
        assert tables[spec.name] == spec.sheet
    ws = wb["BoE"]
    assert [c.value for c in ws[1]] == BOE_HEADERS  # exactly these headers, in this order
    assert ws.tables["BoE"].ref == "A1:X2"
    assert wb["Fetch BoE"].tables["FetchBoE"]
    fetch_headers = [c.value for c in wb["Fetch BoE"][1]][:6]
    assert fetch_headers == ["Port Code", "BoE No", "BoE Date", "Reference Date", "Status",
                             "Problem"]


def test_settings_names_and_dropdowns(template):
    wb = load_workbook(template)
    names = {n: wb.defined_names[n].attr_text for n in wb.defined_names}
    for name in ("IMS_GSTIN", "IMS_FILING", "IMS_AS_OF", "IMS_REJECT_POLICY",
                 "IMS_PENDING_LIMIT", "IMS_CUTOFF_DAYS", "IMS_TOLERANCE", "IMS_PERIOD",
                 "IMS_3B_4A1_IGST", "IMS_3B_4A1_CESS", "IMS_3B_4B2_IGST", "IMS_3B_4B2_CESS"):
        assert name in names, name
    ws = wb["Settings"]
    assert ws["B4"].value == GSTIN and names["IMS_GSTIN"] == "Settings!$B$4"
    assert ws["B5"].value == "quarterly"
    assert ws["B7"].value == "warn" and ws["B8"].value == "none" and ws["B9"].value == 3
    lists = {tuple(str(c) for c in dv.sqref.ranges): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[("B5",)] == '"monthly,quarterly"'
    assert lists[("B7",)] == '"warn,block,allow"'
    assert lists[("B8",)] == '"none,one_period,section_16_4"'
    assert names["IMS_3B_4A1_IGST"] == "'GSTR-3B'!$B$6"


def test_boe_sheet_formats_validation_and_locks(template):
    wb = load_workbook(template)
    ws = wb["BoE"]
    assert ws.freeze_panes == "E2"
    body = {h: ws.cell(2, i + 1) for i, h in enumerate(BOE_HEADERS)}
    assert body["IGST"].number_format == MONEY == "##,##,##0.00"
    assert body["BoE Date"].number_format == DATE == "DD-MM-YYYY"
    assert body["BoE No"].number_format == "@"
    for h in ("Match", "Suggested Action", "Status", "2B Period", "ITC IGST", "ITC Cess",
              "Messages", "Source"):
        assert body[h].protection.locked is True
        assert body[h].fill.fgColor.rgb.endswith("EDEDED")  # greyed
    for h in ("Action", "Action Date", "Remark"):
        assert body[h].protection.locked is False
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    action = dvs["N2:N1048576"]
    assert action.type == "list" and action.formula1 == '"Accept,Keep Pending,Reject"'
    assert action.allow_blank
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    formulas = [f for r in rules for f in r.formula]
    assert 'LEFT($W2,5)="ERROR"' in formulas
    assert 'ISNUMBER(SEARCH("CUTOFF_NEAR",$W2))' in formulas
    assert '$S2="Pending"' in formulas


def test_gstr_sheets_have_native_formulas(template):
    wb = load_workbook(template)
    f = wb["GSTR-3B"]["B9"].value
    assert f.startswith("=SUMIFS(BoE[ITC IGST],BoE[2B Period],IMS_PERIOD,BoE[Status],\"Accepted\")")
    assert wb["GSTR-3B"]["B6"].value == "=MAX(0,B9)"
    assert wb["GSTR-3B"]["B7"].value == "=MAX(0,-B9)"
    assert "History[Period]" in wb["GSTR-2B"]["B14"].value
    assert 'BoE[Amendment],"Yes"' in wb["GSTR-2B"]["B7"].value  # IMPGA row


def test_template_is_deterministic(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for p in (a, b):
        assert run_cli("template", str(p), "--gstin", GSTIN).returncode == 0
    wa, wb = load_workbook(a), load_workbook(b)
    assert wa.sheetnames == wb.sheetnames
    for ws in wa.worksheets:
        other = wb[ws.title]
        cells_a = [(c.coordinate, c.value, c.number_format) for row in ws.iter_rows() for c in row]
        cells_b = [(c.coordinate, c.value, c.number_format) for row in other.iter_rows() for c in row]
        assert cells_a == cells_b
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert sorted(za.namelist()) == sorted(zb.namelist())
        assert za.read("xl/workbook.xml") == zb.read("xl/workbook.xml")
        # openpyxl stamps the save time as "modified"; the creation date is ours and fixed
        assert b"<dcterms:created" in za.read("docProps/core.xml")
        assert b"2025-10-01T00:00:00Z</dcterms:created>" in za.read("docProps/core.xml")


def test_template_refuses_to_overwrite_and_bad_gstin(tmp_path):
    p = tmp_path / "x.xlsx"
    assert run_cli("template", str(p)).returncode == 0
    again = run_cli("template", str(p))
    assert again.returncode == 2 and "exists already" in again.stderr
    bad = run_cli("template", str(tmp_path / "y.xlsx"), "--gstin", "27AAPFU0939F1ZX")
    assert bad.returncode == 2 and "GSTIN" in bad.stderr
    assert not (tmp_path / "y.xlsx").exists()


def test_table_xml_parts(template):
    with zipfile.ZipFile(template) as z:
        tables = [n for n in z.namelist() if n.startswith("xl/tables/")]
        xml = b"".join(z.read(n) for n in tables)
    assert b'displayName="BoE"' in xml and b'displayName="ActionLog"' in xml
    assert b'name="2B Period"' in xml

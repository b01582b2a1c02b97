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
               "Source", "2B Period if nothing more", "ITC IGST if nothing more",
               "ITC Cess if nothing more", "Action at Recompute", "Action Date at Recompute",
               "Remark at Recompute"]


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
    assert ws.tables["BoE"].ref == "A1:AD2"
    # the last six are written by Recompute and read only by formulas: hidden
    assert [ws.column_dimensions[c].hidden for c in ("X", "Y", "Z", "AA", "AB", "AC", "AD")] == [
        False, True, True, True, True, True, True]
    assert wb["Fetch BoE"].tables["FetchBoE"]
    fetch_headers = [c.value for c in wb["Fetch BoE"][1]][:6]
    assert fetch_headers == ["Port Code", "BoE No", "BoE Date", "Reference Date", "Status",
                             "Problem"]


def test_settings_names_and_dropdowns(template):
    wb = load_workbook(template)
    names = {n: wb.defined_names[n].attr_text for n in wb.defined_names}
    for name in ("IMS_GSTIN", "IMS_FILING", "IMS_AS_OF", "IMS_REJECT_POLICY", "IMS_START",
                 "IMS_PENDING_LIMIT", "IMS_CUTOFF_DAYS", "IMS_TOLERANCE", "IMS_PERIOD",
                 "IMS_SETTINGS", "IMS_3B_4A1_IGST", "IMS_3B_4A1_CESS", "IMS_3B_4B2_IGST",
                 "IMS_3B_4B2_CESS"):
        assert name in names, name
    ws = wb["Settings"]
    assert [c.value for c in ws[3]][:4] == ["Setting", "Value", "Default", "What it means"]
    assert ws["B4"].value == GSTIN and names["IMS_GSTIN"] == "Settings!$B$4"
    assert ws["B5"].value == "quarterly"
    # rules 2.0: reject policy block, IMS from October 2025 (text, so 012026 keeps its 0)
    assert (names["IMS_REJECT_POLICY"], ws["B7"].value, ws["C7"].value) == (
        "Settings!$B$7", "block", "block")
    assert (names["IMS_START"], ws["B8"].value, ws["B8"].number_format) == (
        "Settings!$B$8", "102025", "@")
    assert ws["B9"].value == "none" and ws["B10"].value == 3
    assert names["IMS_SETTINGS"] == "Settings!$A$3:$M$200"
    checks = {tuple(str(c) for c in dv.sqref.ranges): dv for dv in ws.data_validations.dataValidation}
    assert checks[("B5",)].formula1 == '"monthly,quarterly"'
    assert checks[("B7",)].formula1 == '"block,warn,allow"'
    assert checks[("B9",)].formula1 == '"none,one_period,section_16_4"'
    ims_start = checks[("B8",)]
    assert ims_start.type == "custom" and "LEN(B8)=6" in ims_start.formula1
    assert ims_start.showErrorMessage and "MMYYYY" in ims_start.error
    assert len(checks[("B7",)].prompt) <= 255 and len(checks[("B9",)].prompt) <= 255
    assert names["IMS_3B_4A1_IGST"] == "'GSTR-3B'!$B$6"


def test_settings_notes_say_why(template):
    ws = load_workbook(template)["Settings"]
    notes = {ws.cell(r, 1).value: ws.cell(r, 4).value for r in range(4, 12)}
    reject = notes["Reject policy"]
    # why block is the default, and what to do about a BoE of the wrong importer instead
    assert "only Accept and Keep Pending" in reject and "GSTIN amendment at customs" in reject
    pending = notes["Pending limit"].split("\n")
    assert [line.split(":")[0] for line in pending] == [
        "none (default)", "one_period", "section_16_4"]
    assert "annual return" in pending[2] and "30 November" in pending[2]
    assert "October 2025" in notes["IMS start (MMYYYY)"]
    defaults = {ws.cell(r, 1).value: ws.cell(r, 3).value for r in range(4, 12)}
    assert defaults == {"GSTIN": "(none)", "Filing frequency": "monthly",
                        "As-of date (blank = today)": "today", "Reject policy": "block",
                        "IMS start (MMYYYY)": "102025", "Pending limit": "none",
                        "Cutoff warning days": "3", "Match tolerance (Rs per head)": "1.00"}


def test_annual_returns_table(template):
    ws = load_workbook(template)["Settings"]
    table = ws.tables["AnnualReturns"]
    assert table.ref == "L3:M4"
    assert [ws["L3"].value, ws["M3"].value] == ["Financial Year", "Filed on"]
    assert ws["L4"].number_format == "@" and ws["M4"].number_format == DATE
    checks = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    year = checks["L4:L400"]
    assert year.type == "custom" and "2025-26" in year.error
    assert checks["M4:M400"].type == "date"
    assert {ws.tables[t].ref for t in ("Filed3B", "Generated2B")} == {"F3:G4", "I3:J4"}


def test_every_setting_of_the_rules_has_a_place_on_the_sheet():
    """Each field of the rules' Settings is a named cell or a table of the Settings sheet:
    a setting added to the engine without a cell fails here."""
    from dataclasses import fields

    from ims_xl.models import Settings
    from ims_xl.workbook.layout import SETTINGS_NAMES
    places = {"gstin": "IMS_GSTIN", "filing": "IMS_FILING", "reject_policy": "IMS_REJECT_POLICY",
              "pending_limit": "IMS_PENDING_LIMIT", "cutoff_warning_days": "IMS_CUTOFF_DAYS",
              "ims_start": "IMS_START", "filed_3b": "Filed3B", "generated_2b": "Generated2B",
              "annual_return_filed": "AnnualReturns"}
    assert {f.name for f in fields(Settings)} == set(places)
    named = {s.name for s in SETTINGS_NAMES}
    for field_name, place in places.items():
        assert place in named or TABLES[place].sheet == "Settings", field_name


def test_a_new_workbook_reads_as_the_rules_defaults(template, tmp_path):
    """What the template writes is what the engine defaults to (besides GSTIN and filing)."""
    from ims_xl.models import Settings
    from ims_xl.periods import Filing
    from ims_xl.workbook.fast_book import FastBook
    from ims_xl.workbook.state import read_settings
    settings, as_of, tolerance, problems = read_settings(FastBook(template))
    assert problems == [] and as_of is None and tolerance == 1
    assert settings == Settings(gstin=GSTIN, filing=Filing.QUARTERLY)
    plain = tmp_path / "plain.xlsx"
    assert run_cli("template", str(plain)).returncode == 0
    assert read_settings(FastBook(plain))[0] == Settings()


def test_boe_sheet_formats_validation_and_locks(template):
    wb = load_workbook(template)
    ws = wb["BoE"]
    assert ws.freeze_panes == "E2"
    body = {h: ws.cell(2, i + 1) for i, h in enumerate(BOE_HEADERS)}
    assert body["IGST"].number_format == MONEY == "[$-4009]#,##0.00"
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


def test_the_start_sheet_names_each_button_and_command():
    from workbook_template.template import INSTRUCTIONS, PERIOD_IN_WORDS
    steps = [line for line in INSTRUCTIONS if line[:2] in ("1.", "2.", "4.", "5.")]
    assert len(steps) == 4 and all("(ims-xl " in line for line in steps)
    assert any(line.startswith("A wrong turn? Restore (ims-xl restore WB --list)")
               for line in INSTRUCTIONS)
    assert '"November"' in PERIOD_IN_WORDS and "IMS_PERIOD" in PERIOD_IN_WORDS

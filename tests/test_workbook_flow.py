"""The accountant's workbook end to end: load, type actions, recompute, reload, summary,
export, fetch; each written workbook opened again with openpyxl."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import GSTIN, cli_ok, run_cli
from ims_xl.demo import demo_data_dir
from ims_xl.safety.backups import list_backups
from workbook_helpers import demo_workbook, table_rows

DATA = demo_data_dir()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_workbook(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def demo_warn(tmp_path_factory):
    """The demo workbook with reject policy warn chosen in Settings and recomputed: the demo's
    accountant rejected a BoE with a remark, honoured only under warn or allow (rules 2.0)."""
    from ims_xl.workbook.openpyxl_book import OpenpyxlBook

    path = demo_workbook(tmp_path_factory.mktemp("demo-warn"))
    book = OpenpyxlBook(path, quiet=True)
    book.write_name("IMS_REJECT_POLICY", "warn")
    book.save()
    cli_ok("recompute", str(path))
    return path


def test_a_typed_reject_is_blocked_by_default_and_the_pending_stays(demo, tmp_path):
    book = tmp_path / "demo.xlsx"
    book.write_bytes(demo.read_bytes())
    before = json.loads(cli_ok("summary", str(book), "--period", "112025", "--json").stdout)
    _set_actions(book, {"2589445": ("Reject", None, "belongs to our Gujarat GSTIN")})
    cli_ok("recompute", str(book))
    refused = next(r for r in table_rows(book, "BoE") if r["BoE No"] == "2589445")
    # the Keep Pending of 09-12 stays in force: the portal offers no Reject on a BoE
    assert refused["Status"] == "Pending" and refused["Messages"].startswith("ERROR REJECT_BLOCKED")
    nov = json.loads(cli_ok("summary", str(book), "--period", "112025", "--json").stdout)
    assert nov["rejected"]["count"] == 0 and nov["gstr3b"] == before["gstr3b"]


def test_demo_workbook_values(demo_warn):
    demo = demo_warn
    rows = table_rows(demo, "BoE")
    assert len(rows) == 40
    status = {}
    for r in rows:
        status[r["Status"]] = status.get(r["Status"], 0) + 1
    # no Reject: the portal offers only Accept and Keep Pending for a BoE (rules 2.0)
    assert status == {"Accepted": 25, "Deemed accepted": 1, "Open": 12, "Pending": 2}
    by_number: dict[str, list[dict]] = {}
    for r in rows:
        by_number.setdefault(r["BoE No"], []).append(r)
    gujarat = by_number["2589445"][0]
    assert gujarat["Status"] == "Pending" and "GSTIN amendment asked" in gujarat["Remark"]
    # kept pending before October's 2B: not in that 2B, only in the 2A; accepted in December
    cleared = by_number["2566175"][0]
    assert cleared["Source"].startswith("gstr2a:gstr2a_102025.json")
    assert cleared["Status"] == "Accepted" and cleared["2B Period"] == "112025"
    value_amendment = next(r for r in by_number["2566212"] if r["Amendment"] == "Yes")
    assert value_amendment["ITC IGST"] == 2340 and value_amendment["2B Period"] == "112025"
    assert value_amendment["Section"] == "IMPG"
    moved = next(r for r in by_number["2566397"] if r["Amendment"] == "Yes")
    assert moved["Importer GSTIN"] == "24AAUPV7468F1ZW" and moved["Status"] == "Accepted"
    original = next(r for r in by_number["2566397"] if r["Amendment"] == "No")
    assert moved["ITC IGST"] == -original["ITC IGST"]       # the credit taken, reversed
    assert "GSTIN_MOVED" in moved["Messages"]
    fetched = [r for r in rows if r["Source"] == "fetched:boe_list"]
    assert len(fetched) == 1 and fetched[0]["BoE No"] == "2589999"
    assert isinstance(rows[0]["BoE No"], str)                       # stored as text
    matches = {r["Match"] for r in rows}
    assert {"Matched", "Value mismatch", "Probable", "Not in books"} <= matches
    recon = table_rows(demo, "Reconciliation")
    assert any(r["Match"] == "Value mismatch" and r["Suggested Action"] == "Keep Pending"
               for r in recon)
    log = table_rows(demo, "ActionLog")
    assert len(log) == 28 and all(r["Source"].startswith("actions.csv row") for r in log)
    fetch = table_rows(demo, "FetchBoE")
    assert fetch[0]["Status"] == "Filled from the BoE list"


def test_summary_json_matches_the_engine(demo_warn):
    demo = demo_warn
    proc = cli_ok("summary", str(demo), "--period", "112025", "--json")
    nov = json.loads(proc.stdout)
    assert nov["state"] == "open"
    # November's credit less the October credit reversed for the BoE moved to Gujarat
    assert nov["gstr3b"]["4A1"]["igst"] == pytest.approx(3371294.91 - 452692.97)
    assert nov["gstr2b"]["IMPGA"]["igst"] == pytest.approx(2340 - 452692.97)
    assert nov["rejected"]["count"] == 0 and nov["pending"]["count"] == 2
    text = cli_ok("summary", str(demo), "--period", "102025").stdout
    assert "Period 102025 (closed)" in text and "4(A)(1)" in text
    bad = run_cli("summary", str(demo), "--period", "072025")
    assert bad.returncode == 2 and "072025" in bad.stderr


def test_exports(demo, tmp_path):
    ims = tmp_path / "ims.json"
    cli_ok("export", str(demo), "--period", "112025", "--ims-json", str(ims))
    payload = json.loads(ims.read_text())
    assert payload["action"] == "SAVE" and payload["data"]["rtin"] == GSTIN
    impg = payload["data"]["invdata"]["impg"]
    assert {r["action"] for r in impg} == {"A", "P"}  # P: still pending from October
    assert len(payload["data"]["invdata"]["impga"]) == 2   # the value and the GSTIN amendment
    g3b = tmp_path / "3b.json"
    cli_ok("export", str(demo), "--period", "112025", "--gstr3b-json", str(g3b))
    text = g3b.read_text()
    frag = json.loads(text, parse_float=Decimal)
    avl = frag["itc_elg"]["itc_avl"][0]
    assert avl["ty"] == "IMPG" and avl["iamt"] == Decimal("2918601.94")
    recon = tmp_path / "recon.csv"
    cli_ok("export", str(demo), "--period", "112025", "--reconciliation", str(recon))
    assert recon.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "value_mismatch" in recon.read_text(encoding="utf-8-sig").lower() or \
        "Value mismatch" in recon.read_text(encoding="utf-8-sig")


def _set_actions(path: Path, changes: dict[str, tuple]) -> None:
    """Type actions into the BoE sheet as an accountant would (then save, as Excel does)."""
    wb = load_workbook(path)
    ws = wb["BoE"]
    headers = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(headers)}
    for r in range(2, ws.max_row + 1):
        number = ws.cell(r, col["BoE No"]).value
        if number in changes:
            action, when, remark = changes[number]
            ws.cell(r, col["Action"]).value = action
            ws.cell(r, col["Action Date"]).value = when
            ws.cell(r, col["Remark"]).value = remark
            if isinstance(remark, str) and remark.startswith("="):
                ws.cell(r, col["Remark"]).data_type = "s"  # typed as text ('=...), as in Excel
    wb.save(path)


def test_typed_actions_survive_reloading(tmp_path):
    book = tmp_path / "book.xlsx"
    cli_ok("template", str(book), "--gstin", GSTIN)
    oct_file = DATA / "gstr2b_102025.json"
    cli_ok("load", str(book), "--gstr2b", str(oct_file))
    cli_ok("recompute", str(book), "--as-of", "2025-11-12")
    rows = table_rows(book, "BoE")
    numbers = [r["BoE No"] for r in rows]
    typed = {numbers[0]: ("Accept", datetime(2025, 11, 10), ""),
             numbers[1]: ("keep pending", None, "goods in transit"),
             numbers[2]: ("Reject", datetime(2025, 11, 11), "duplicate of 2566101")}
    _set_actions(book, typed)
    proc = cli_ok("recompute", str(book), "--as-of", "2025-11-12")
    assert "3 action(s) logged" in proc.stdout
    log = table_rows(book, "ActionLog")
    assert [r["New Action"] for r in log] == ["Accept", "Keep Pending", "Reject"]
    assert log[1]["Action Date"].date() == date(2025, 11, 12)   # blank filled with as-of
    rows = {r["BoE No"]: r for r in table_rows(book, "BoE")}
    assert rows[numbers[1]]["Action"] == "Keep Pending"           # "keep pending" tidied
    assert rows[numbers[1]]["Status"] == "Pending"

    # A newer download of October: one BoE gone, one amount corrected, one amendment added.
    newer = json.loads(oct_file.read_text())
    impg = newer["data"]["docdata"]["impg"]
    gone = impg.pop(5)
    impg[0]["igst"] = impg[0]["igst"] + 100
    amendment = dict(impg[1], isamd="Y", refdt="30-10-2025", igst=impg[1]["igst"] + 50)
    impg.append(amendment)
    newer_file = tmp_path / "gstr2b_102025_v2.json"
    newer_file.write_text(json.dumps(newer))
    before = book.read_bytes()
    proc = cli_ok("load", str(book), "--gstr2b", str(oct_file), str(newer_file))
    newest = list_backups(book)[0]
    assert newest.path.parent.name == "ims-xl backups"
    assert newest.path.read_bytes() == before                     # the previous file kept
    cli_ok("load", str(book), "--gstr2b", str(newer_file))
    proc = cli_ok("recompute", str(book), "--as-of", "2025-11-12")
    assert "0 action(s) logged" in proc.stdout
    after = table_rows(book, "BoE")
    by_number: dict[str, list] = {}
    for r in after:
        by_number.setdefault(r["BoE No"], []).append(r)
    for number, (action, when, remark) in typed.items():
        original = next(r for r in by_number[number] if r["Amendment"] == "No")
        assert (original["Remark"] or "") == remark
        assert original["Action"] == ("Keep Pending" if action == "keep pending" else action)
    assert len(by_number[impg[1]["boenum"]]) == 2                 # the amendment was added
    kept = by_number[gone["boenum"]][0]
    # a GSTR-2B leaves out the BoEs kept pending (IMS): a BoE missing from it is not "gone"
    assert "not in the latest download" not in kept["Source"]
    assert by_number[impg[0]["boenum"]][0]["IGST"] == pytest.approx(impg[0]["igst"])
    assert [r["New Action"] for r in table_rows(book, "ActionLog")] == [
        "Accept", "Keep Pending", "Reject"]

    # a GSTR-2A lists every BoE customs sent: one missing from a newer 2A is kept and marked
    as_2a = json.loads(newer_file.read_text())
    data = as_2a["data"]
    data["fp"] = data.pop("rtnprd")
    del data["gendt"]
    gstr2a = tmp_path / "gstr2a_102025.json"
    gstr2a.write_text(json.dumps(as_2a))
    proc = cli_ok("load", str(book), "--gstr2b", str(gstr2a))
    assert "1 kept but not in the latest download" in proc.stdout
    kept = next(r for r in table_rows(book, "BoE") if r["BoE No"] == gone["boenum"])
    assert "not in the latest download (gstr2a_102025.json)" in kept["Source"]


def test_a_workbook_open_in_excel_is_refused(tmp_path):
    book = tmp_path / "book.xlsx"
    cli_ok("template", str(book))
    (tmp_path / "~$book.xlsx").write_bytes(b"owner")
    before = book.read_bytes()
    proc = run_cli("load", str(book), "--gstr2b", str(DATA / "gstr2b_102025.json"))
    assert proc.returncode == 2 and "open in Excel" in proc.stderr
    assert book.read_bytes() == before


def test_renamed_table_and_deleted_column_give_clear_errors(tmp_path):
    book = tmp_path / "book.xlsx"
    cli_ok("template", str(book))
    wb = load_workbook(book)
    table = wb["BoE"].tables["BoE"]
    table.displayName = table.name = "BoE2"
    wb["BoE"].tables["BoE2"] = wb["BoE"].tables.pop("BoE")
    wb.save(book)
    proc = run_cli("recompute", str(book))
    assert proc.returncode == 2 and "table 'BoE'" in proc.stderr and "renamed" in proc.stderr

    book2 = tmp_path / "book2.xlsx"
    cli_ok("template", str(book2))
    wb = load_workbook(book2)
    wb["BoE"]["I1"] = "Tax"
    wb.save(book2)
    proc = run_cli("recompute", str(book2))
    assert proc.returncode == 2 and "'IGST'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_not_a_workbook(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("hello")
    proc = run_cli("recompute", str(bad))
    assert proc.returncode == 2 and "not an Excel workbook" in proc.stderr


def test_injected_text_is_never_a_formula(tmp_path):
    data = json.loads((DATA / "gstr2b_102025.json").read_text())
    sez = data["data"]["docdata"]["impgsez"][0]
    sez["trdnm"] = '=HYPERLINK("http://evil","click")'
    data["data"]["docdata"]["impg"][0]["portcode"] = "@SUM(A1)"
    f = tmp_path / "evil.json"
    f.write_text(json.dumps(data))
    book = tmp_path / "book.xlsx"
    cli_ok("template", str(book))
    cli_ok("load", str(book), "--gstr2b", str(f))
    cli_ok("recompute", str(book), "--as-of", "2025-11-20")
    assert_text_cells_not_formulas(book, ('=HYPERLINK("http://evil","click")', "@SUM(A1)"))
    rows = table_rows(book, "BoE")
    assert any(r["Supplier Name"] == '=HYPERLINK("http://evil","click")' for r in rows)


def assert_text_cells_not_formulas(book: Path, texts) -> None:
    """Read the sheet XML itself: each text is in a string cell, and no cell holds it as a
    formula."""
    from defusedxml import ElementTree as ET
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    found = {t: 0 for t in texts}
    with zipfile.ZipFile(book) as z:
        for name in z.namelist():
            if not name.startswith("xl/worksheets/sheet"):
                continue
            for cell in ET.fromstring(z.read(name)).iter(f"{ns}c"):
                formula = cell.find(f"{ns}f")
                text = "".join(t.text or "" for t in cell.iter(f"{ns}t"))
                for wanted in texts:
                    if formula is not None:
                        assert wanted.lstrip("=") not in (formula.text or "")
                    if text == wanted:
                        assert cell.get("t") in ("inlineStr", "s")
                        found[wanted] += 1
    assert all(found.values()), found


def test_fetch_sheet_validation(tmp_path):
    book = tmp_path / "book.xlsx"
    cli_ok("template", str(book))
    cli_ok("load", str(book), "--gstr2b", str(DATA / "gstr2b_102025.json"),
           "--boe-list", str(DATA / "boe_list.csv"))
    wb = load_workbook(book)
    ws = wb["Fetch BoE"]
    for r, row in enumerate([["INNSA1", "2589999", datetime(2025, 11, 20)],
                             ["BAD", "12", datetime(2025, 11, 20), datetime(2025, 11, 21)],
                             ["INNSA1", "2599999", datetime(2025, 11, 20)],
                             ["INNSA1", "2599998", datetime(2025, 11, 20),
                              datetime(2025, 11, 24)]], start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    ws.tables["FetchBoE"].ref = "A1:F5"
    wb.save(book)
    proc = cli_ok("fetch", str(book), "--today", "2025-12-13")
    assert ("4 row(s) checked, 1 reference date(s) taken from the BoE list, 2 invalid, "
            "1 filled from the BoE list, 1 to request on the portal in 1 batch(es)") in proc.stdout
    rows = table_rows(book, "FetchBoE")
    assert rows[0]["Status"] == "Filled from the BoE list"
    listed = {r["BoE No"]: r for r in table_rows(book, "BoEList")}
    assert rows[0]["Reference Date"] == listed["2589999"]["Reference Date"]   # taken from it
    assert rows[1]["Status"].startswith("Invalid") and "port code" in rows[1]["Problem"].lower()
    # the portal needs the reference date: a row the BoE list cannot complete is not requested
    assert rows[2]["Status"].startswith("Invalid")
    assert "reference date is missing" in rows[2]["Problem"]
    assert rows[3]["Status"] == "Request on the portal (batch 1)"
    boe = table_rows(book, "BoE")
    assert any(r["BoE No"] == "2589999" and r["Source"] == "fetched:boe_list" for r in boe)

"""Exports carry only actions the rules honour, and suggestions tell the truth (issue 10,
item 3), through the real command line.

One workbook (reject policy ``block``, as-of 25-11-2025: October is closed, its GSTR-3B
assumed filed on 20-11-2025) holds, for 102025:

* b1 Accept (05-11) and b2 Keep Pending (05-11): honoured, so exported;
* b3 Reject with a remark: REJECT_BLOCKED (the portal offers no Reject for a BoE);
* b4 no action: nothing to export;
* b5 Accept dated 22-11, after October's close: ACTION_AFTER_CLOSE;
* b6 ``Approve``, typed in the BoE sheet after loading (no Recompute): ACTION_UNKNOWN;
* o1 Keep Pending on a BoE of another GSTIN (GSTIN_OTHER: ``load`` refuses another GSTIN's
  GSTR-2B, so its Importer GSTIN is changed in the sheet, as when rows are pasted from another
  client's workbook);

and for 092025, before IMS took up Bills of Entry, s1 Accept: ACTION_BEFORE_IMS.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from conftest import GSTIN, cli_ok
from ims_xl.exports import ACTIONS_JSON_IS_NOT_OFFLINE_TOOL
from workbook_helpers import table_rows

OTHER = "24AAUPV7468F1ZW"
AS_OF = "25-11-2025"
REJECT_WORDS = ("1 Reject (the portal offers only Accept and Keep Pending for a BoE; "
                "reject_policy is block)")


def _boe(number: str, day: int, month: int, igst: str) -> dict:
    return {"refdt": f"{day + 2:02d}-{month:02d}-2025", "portcode": "INNSA1", "boenum": number,
            "boedt": f"{day:02d}-{month:02d}-2025", "isamd": "N", "txval": 100000,
            "igst": float(igst), "cess": 0}


def _gstr2b(path: Path, gstin: str, period: str, boes: list[dict]) -> Path:
    path.write_text(json.dumps({"chksum": "test", "data": {
        "gstin": gstin, "rtnprd": period, "version": "GST3.1.6", "gendt": "14-11-2025",
        "docdata": {"impg": boes}}}), encoding="utf-8")
    return path


def _ok(*args) -> str:
    return cli_ok(*args).stdout


def _set_name(path: Path, name: str, value: str) -> None:
    wb = openpyxl.load_workbook(path)
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    wb[sheet][ref.replace("$", "").split(":")[0]].value = value
    wb.save(path)


def _type(path: Path, number: str, **cells) -> None:
    """Type into the BoE sheet's row of a BoE, as the accountant would in Excel (then save)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if "BoE" in ws.tables:
            min_col, min_row, max_col, max_row = range_boundaries(ws.tables["BoE"].ref)
            headers = [ws.cell(min_row, c).value for c in range(min_col, max_col + 1)]
            col = {h: min_col + i for i, h in enumerate(headers)}
            for r in range(min_row + 1, max_row + 1):
                if str(ws.cell(r, col["BoE No"]).value) == number:
                    for name, value in cells.items():
                        ws.cell(r, col[name.replace("_", " ")]).value = value
                    wb.save(path)
                    return
    raise AssertionError(f"BoE {number} is not in the BoE sheet")


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("honoured")
    book = folder / "ims.xlsx"
    _ok("template", str(book), "--gstin", GSTIN)
    _set_name(book, "IMS_REJECT_POLICY", "block")
    own_oct = _gstr2b(folder / "own_102025.json", GSTIN, "102025", [
        _boe("1000001", 3, 10, "18000"), _boe("1000002", 4, 10, "9000"),
        _boe("1000003", 5, 10, "5400"), _boe("1000004", 6, 10, "3600"),
        _boe("1000005", 7, 10, "7200"), _boe("1000006", 8, 10, "1800"),
        _boe("2000001", 9, 10, "2700")])
    own_sep = _gstr2b(folder / "own_092025.json", GSTIN, "092025",
                      [_boe("0900001", 3, 9, "4500")])
    books = folder / "books.csv"
    books.write_text(
        "Voucher No.,Port Code,Bill of Entry No.,Bill of Entry Date,Assessable Value,"
        "Integrated Tax,Cess\n"
        "V1,INNSA1,1000001,03-10-2025,100000,18000,0\n"
        "V2,INNSA1,1000002,04-10-2025,100000,8000,0\n"
        "V9,INNSA1,0900001,03-09-2025,100000,4500,0\n", encoding="utf-8")
    actions = folder / "actions.csv"
    actions.write_text(
        "Port Code,BoE No,BoE Date,Action,Date,Remark\n"
        "INNSA1,1000001,03-10-2025,Accept,05-11-2025,\n"
        "INNSA1,1000002,04-10-2025,Keep Pending,05-11-2025,IGST differs from the books\n"
        "INNSA1,1000003,05-10-2025,Reject,05-11-2025,not our goods\n"
        "INNSA1,1000005,07-10-2025,Accept,22-11-2025,\n"
        "INNSA1,2000001,09-10-2025,Keep Pending,05-11-2025,\n"
        "INNSA1,0900001,03-09-2025,Accept,05-10-2025,\n", encoding="utf-8")
    _ok("load", str(book), "--gstr2b", str(own_oct), str(own_sep),
        "--books", str(books), "--actions", str(actions))
    _type(book, "2000001", Importer_GSTIN=OTHER)
    # typed after loading, no Recompute yet
    _type(book, "1000006", Action="Approve", Action_Date=datetime(2025, 11, 6))
    return book


def _export(book: Path, period: str, option: str, target: Path) -> str:
    return _ok("export", str(book), "--period", period, "--as-of", AS_OF, option, str(target))


def test_ims_json_holds_exactly_the_honoured_actions_and_counts_the_rest(workbook, tmp_path):
    target = tmp_path / "ims.json"
    out = _export(workbook, "102025", "--ims-json", target)
    invdata = json.loads(target.read_text(encoding="utf-8"))["data"]["invdata"]
    assert {r["boenum"]: r["action"] for r in invdata["impg"]} == {"1000001": "A",
                                                                     "1000002": "P"}
    assert invdata["impga"] == invdata["impgsez"] == invdata["impgseza"] == []
    first, second = out.rstrip("\n").split("\n")
    assert first.startswith(f"Wrote 2 changed action(s) for 102025 to {target}; 4 left out, "
                            "as the rules ignore them: ")
    reasons = first.split("ignore them: ", 1)[1].split(". The BoE sheet's")[0]
    assert sorted(reasons.split(", 1 ")) == sorted([
        REJECT_WORDS, "dated after the BoE left IMS (its period's GSTR-3B was filed)",
        "not an action word (Accept, Keep Pending or Reject)",
        "on a BoE of another GSTIN (ask customs for a GSTIN amendment)"])
    # the SAVE-shape note is kept, on its own line
    assert second == ACTIONS_JSON_IS_NOT_OFFLINE_TOOL


def test_actions_csv_holds_the_same_actions_with_their_remarks(workbook, tmp_path):
    target = tmp_path / "worklist.csv"
    out = _export(workbook, "102025", "--actions-csv", target)
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["BoE Number"], r["Action"], r["Remark"]) for r in rows] == [
        ("1000001", "Accept", ""), ("1000002", "Keep Pending", "IGST differs from the books")]
    assert out.startswith(f"Wrote 2 changed action(s) for 102025 to {target}; 4 left out")
    assert REJECT_WORDS in out and "Offline Tool" not in out


def test_an_action_before_ims_is_left_out_and_said_so(workbook, tmp_path):
    target = tmp_path / "sep.json"
    out = _export(workbook, "092025", "--ims-json", target)
    invdata = json.loads(target.read_text(encoding="utf-8"))["data"]["invdata"]
    assert sum(len(v) for v in invdata.values()) == 0
    assert out.startswith(f"Wrote 0 changed action(s) for 092025 to {target}; 1 left out, as "
                          "the rules ignore them: 1 on a BoE from before IMS (it went "
                          "straight to GSTR-2B).")


def test_under_warn_the_reject_with_a_remark_is_exported(workbook, tmp_path):
    book = tmp_path / "warn.xlsx"
    book.write_bytes(workbook.read_bytes())
    _set_name(book, "IMS_REJECT_POLICY", "warn")
    target = tmp_path / "warn.json"
    out = _export(book, "102025", "--ims-json", target)
    invdata = json.loads(target.read_text(encoding="utf-8"))["data"]["invdata"]
    assert {r["boenum"]: r["action"] for r in invdata["impg"]} == {
        "1000001": "A", "1000002": "P", "1000003": "R"}
    assert "3 left out" in out and "1 Reject" not in out


def test_nothing_left_out_keeps_the_message_as_it_was(workbook, tmp_path):
    target = tmp_path / "nov.csv"
    out = _export(workbook, "112025", "--actions-csv", target)
    # November: only b2, carried in as pending, whose Keep Pending is honoured
    assert out.strip() == f"Wrote 1 changed action(s) for 112025 to {target}"


def test_recompute_suggests_no_reject_and_tells_the_truth(workbook, tmp_path):
    book = tmp_path / "recomputed.xlsx"
    book.write_bytes(workbook.read_bytes())
    _ok("recompute", str(book), "--as-of", AS_OF)
    rows = {r["BoE No"]: r for r in table_rows(book, "BoE")}
    suggested = {n: r["Suggested Action"] for n, r in rows.items()}
    assert "Reject" not in suggested.values()
    # matched, but accepted in 102025 whose GSTR-3B was filed on 20-11: it has left IMS, and
    # no action changes it (issue 14, item 12)
    assert rows["1000001"]["Match"] == "Matched" and suggested["1000001"] in (None, "")
    assert suggested["1000002"] == "Keep Pending"           # IGST differs from the books
    assert suggested["2000001"] == "Keep Pending"           # another GSTIN's BoE
    assert suggested["0900001"] in (None, "")               # before IMS: no action applies
    assert "REJECT_BLOCKED" in rows["1000003"]["Messages"]
    assert "ACTION_UNKNOWN" in rows["1000006"]["Messages"]
    notes = {r["BoE No"]: r["Note"] for r in table_rows(book, "Reconciliation")}
    assert (f"IMS shows importer GSTIN {OTHER}, not yours ({GSTIN})" in notes["2000001"]
            and "ask customs (ICEGATE) for a GSTIN amendment of the BoE" in notes["2000001"])
    assert notes["0900001"].startswith("No IMS action applies: this BoE is from period "
                                       "092025, before IMS took up Bills of Entry (102025)")
    # the exports agree with what Recompute logged (the typed 'Approve' included)
    target = tmp_path / "after.json"
    out = _export(book, "102025", "--ims-json", target)
    assert out.startswith(f"Wrote 2 changed action(s) for 102025 to {target}; 4 left out")


def test_an_action_whose_date_is_not_a_date_is_left_out(workbook, tmp_path):
    book = tmp_path / "bad-date.xlsx"
    book.write_bytes(workbook.read_bytes())
    _type(book, "1000004", Action="Accept", Action_Date="31-02-2025")
    target = tmp_path / "bad-date.json"
    out = _export(book, "102025", "--ims-json", target)
    invdata = json.loads(target.read_text(encoding="utf-8"))["data"]["invdata"]
    assert "1000004" not in {r["boenum"] for r in invdata["impg"]}
    assert "5 left out" in out and "1 whose Action Date is not a date" in out

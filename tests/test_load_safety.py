"""Loading never loses or misplaces the accountant's work (issue 11), through the real
command line: typed actions are logged before a bulk actions file changes them, an
impossible typed Action Date is kept and flagged, a GSTR-2B of another GSTIN is refused, and
text too long for an Excel cell is reported."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import GSTIN, ROOT, SAMPLES, cli_ok, run_cli
from ims_xl.demo import demo_data_dir
from test_io_support import portal_workbook
from test_workbook_flow import _set_actions
from workbook_helpers import table_rows

DATA = demo_data_dir()
OCT = DATA / "gstr2b_102025.json"
NOV = DATA / "gstr2a_112025.json"
# The shared samples sit beside the main checkout (conftest.SAMPLES), or further up for a
# git worktree: the nearest one is used.
GSTN_SAMPLE = next((folder / "gstr2b-gstn-sample.json" for folder in
                    [SAMPLES, *(p / "shared" / "samples" for p in ROOT.parents)]
                    if (folder / "gstr2b-gstn-sample.json").exists()), None)
needs_sample = pytest.mark.skipif(GSTN_SAMPLE is None, reason="GSTN's sample is not here")
SAMPLE_GSTIN = "01AABCE2207R1Z5"      # GSTN's own sample (fails its check character)
OTHER_GSTIN = "24AAUPV7468F1ZW"       # a valid GSTIN of another registration
EXCEL_LIMIT = 32767


def _write_csv(path: Path, rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def _gstin_in_settings(book: Path) -> str | None:
    wb = load_workbook(book)
    for sheet, ref in wb.defined_names["IMS_GSTIN"].destinations:
        return wb[sheet][ref.replace("$", "")].value
    return None


def _boe(book: Path) -> dict[str, dict]:
    return {r["BoE No"]: r for r in table_rows(book, "BoE") if r["Amendment"] == "No"}


@pytest.fixture
def october(tmp_path):
    """October loaded, one BoE accepted (typed, then logged by recompute)."""
    book = tmp_path / "book.xlsx"
    cli_ok("template", str(book), "--gstin", GSTIN)
    cli_ok("load", str(book), "--gstr2b", str(OCT))
    rows = table_rows(book, "BoE")
    first = rows[0]
    _set_actions(book, {first["BoE No"]: ("Accept", datetime(2025, 11, 5), "checked")})
    cli_ok("recompute", str(book), "--as-of", "2025-11-12")
    return book, rows


# --- 1. typed work is logged before a bulk actions file is applied -------------------------

def test_typed_actions_are_logged_before_an_actions_file_replaces_them(october, tmp_path):
    book, rows = october
    a, b = rows[1], rows[2]
    _set_actions(book, {a["BoE No"]: ("Keep Pending", datetime(2025, 11, 6), "typed remark A"),
                        b["BoE No"]: ("a", None, "typed remark B")})
    acts = _write_csv(tmp_path / "acts.csv", [
        ["Port Code", "BoE No", "BoE Date", "Action", "Date", "Remark"],
        [a["Port Code"], a["BoE No"], a["BoE Date"].strftime("%d-%m-%Y"), "Accept",
         "08-11-2025", "from the file"]])
    proc = cli_ok("load", str(book), "--actions", str(acts))
    assert "2 typed action(s) logged" in proc.stdout and "1 action(s) logged" in proc.stdout
    log = table_rows(book, "ActionLog")
    assert len(log) == 4                       # the earlier Accept, two typed, one from the file
    a_entries = [e for e in log if f"/{a['BoE No']}/" in e["BoE Identity"]]
    assert [(e["Old Action"], e["New Action"], e["Remark"], e["Source"]) for e in a_entries] == [
        (None, "Keep Pending", "typed remark A", "typed in workbook"),
        ("Keep Pending", "Accept", "from the file", "acts.csv row 2")]
    assert a_entries[0]["Action Date"].date() == date(2025, 11, 6)
    b_entry = next(e for e in log if f"/{b['BoE No']}/" in e["BoE Identity"])
    assert (b_entry["New Action"], b_entry["Remark"], b_entry["Source"]) == (
        "Accept", "typed remark B", "typed in workbook")
    assert isinstance(b_entry["Action Date"], datetime)   # a blank date: the as-of date
    now = _boe(book)
    assert (now[a["BoE No"]]["Action"], now[a["BoE No"]]["Remark"]) == ("Accept", "from the file")
    assert (now[b["BoE No"]]["Action"], now[b["BoE No"]]["Remark"]) == ("Accept", "typed remark B")
    # nothing is left unlogged: recompute finds no change to log
    assert "; 0 action(s) logged" in cli_ok("recompute", str(book), "--as-of",
                                            "2025-11-12").stdout


def test_a_typed_reject_is_asked_about_when_load_logs_it(october, tmp_path):
    book, rows = october
    c = rows[3]
    _set_actions(book, {c["BoE No"]: ("Reject", datetime(2025, 11, 7), "not ours")})
    acts = _write_csv(tmp_path / "acts.csv", [
        ["Port Code", "BoE No", "BoE Date", "Action", "Date", "Remark"],
        [c["Port Code"], c["BoE No"], c["BoE Date"].strftime("%d-%m-%Y"), "Accept",
         "09-11-2025", "re-checked"]])
    proc = cli_ok("load", str(book), "--actions", str(acts))
    assert "Keep 1 new Reject(s)?" in proc.stderr and "(not ours)" in proc.stderr
    log = [e for e in table_rows(book, "ActionLog") if f"/{c['BoE No']}/" in e["BoE Identity"]]
    assert [e["New Action"] for e in log] == ["Reject", "Accept"]


def test_a_refused_typed_reject_is_undone_as_recompute_does(october, tmp_path):
    """The ribbon says no: the typed Reject is not logged and the row goes back to what was
    logged, exactly as recompute does it (one function for both)."""
    from ims_xl.workbook.opening import open_book
    from ims_xl.workbook.loading import load_data

    book, rows = october
    first, c = rows[0], rows[3]
    _set_actions(book, {first["BoE No"]: ("Reject", datetime(2025, 11, 7), "not ours")})
    acts = _write_csv(tmp_path / "acts.csv", [
        ["Port Code", "BoE No", "BoE Date", "Action", "Date", "Remark"],
        [c["Port Code"], c["BoE No"], c["BoE Date"].strftime("%d-%m-%Y"), "Accept",
         "09-11-2025", ""]])
    asked = []
    report = load_data(open_book(book, confirm=lambda q: asked.append(q) or False),
                       actions=acts)
    assert len(asked) == 1 and report.rejects_refused == 1 and report.typed == 0
    assert "1 new Reject(s) not kept" in report.summary()
    row = _boe(book)[first["BoE No"]]
    assert (row["Action"], row["Remark"]) == ("Accept", "checked")
    assert [e["New Action"] for e in table_rows(book, "ActionLog")] == ["Accept", "Accept"]


# --- 2. an impossible typed Action Date is kept and flagged --------------------------------

@pytest.mark.parametrize("typed", ["31-02-2025", "tomorrow"])
def test_an_impossible_typed_action_date_is_kept_and_flagged(october, typed):
    book, rows = october
    first = rows[0]
    _set_actions(book, {first["BoE No"]: ("Keep Pending", typed, "wait for the duty")})
    proc = cli_ok("recompute", str(book), "--as-of", "2025-11-12")
    assert "0 action(s) logged" in proc.stdout and "1 row(s) with errors" in proc.stdout
    problem = next(line for line in proc.stderr.splitlines() if "Action Date" in line)
    assert "BoE, row 2" in problem and typed in problem and "DD-MM-YYYY" in problem
    row = _boe(book)[first["BoE No"]]
    assert row["Action Date"] == typed                    # kept as typed, not replaced
    assert row["Action"] == "Keep Pending" and row["Remark"] == "wait for the duty"
    assert row["Messages"].startswith("ERROR INPUT: Action Date:")
    assert typed in row["Messages"] and "DD-MM-YYYY" in row["Messages"]
    assert row["Status"] == "Accepted"                    # the logged Accept stays in force
    assert [e["New Action"] for e in table_rows(book, "ActionLog")] == ["Accept"]

    _set_actions(book, {first["BoE No"]: ("Keep Pending", "10-11-2025", "wait for the duty")})
    proc = cli_ok("recompute", str(book), "--as-of", "2025-11-12")
    assert "1 action(s) logged" in proc.stdout and "Action Date" not in proc.stderr
    log = table_rows(book, "ActionLog")
    assert [(e["New Action"], e["Action Date"].date()) for e in log] == [
        ("Accept", date(2025, 11, 5)), ("Keep Pending", date(2025, 11, 10))]
    row = _boe(book)[first["BoE No"]]
    assert "Action Date" not in (row["Messages"] or "") and row["Status"] == "Pending"


def test_load_keeps_a_typed_action_with_an_impossible_date(october, tmp_path):
    """Its action cannot be logged, so the file's action for that BoE is not applied over it:
    the typed cells stay, and both the typed row and the file's row are reported."""
    book, rows = october
    first = rows[0]
    _set_actions(book, {first["BoE No"]: ("Keep Pending", "31-02-2025", "typed, bad date")})
    acts = _write_csv(tmp_path / "acts.csv", [
        ["Port Code", "BoE No", "BoE Date", "Action", "Date", "Remark"],
        [first["Port Code"], first["BoE No"], first["BoE Date"].strftime("%d-%m-%Y"),
         "Reject", "09-11-2025", "from the file"]])
    proc = cli_ok("load", str(book), "--actions", str(acts))
    assert "0 action(s) logged" in proc.stdout or "action(s) logged" not in proc.stdout
    assert "'31-02-2025'" in proc.stderr and "DD-MM-YYYY" in proc.stderr
    assert "acts.csv, row 2" in proc.stderr and "not applied" in proc.stderr
    row = _boe(book)[first["BoE No"]]
    assert (row["Action"], row["Action Date"], row["Remark"]) == (
        "Keep Pending", "31-02-2025", "typed, bad date")
    assert row["Messages"].startswith("ERROR INPUT: Action Date:")
    assert [e["New Action"] for e in table_rows(book, "ActionLog")] == ["Accept"]


# --- 3. one file, one GSTIN ----------------------------------------------------------------

def _another_gstin(tmp_path: Path, gstin: str = OTHER_GSTIN) -> Path:
    doc = json.loads(NOV.read_text())
    doc["data"]["gstin"] = gstin
    path = tmp_path / "gstr2b_other.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("kind", [pytest.param("sample", marks=needs_sample), "json", "excel"])
def test_a_gstr2b_of_another_gstin_is_refused(october, tmp_path, kind):
    book, _ = october
    if kind == "sample":
        option, path, other = "--gstr2b", GSTN_SAMPLE, SAMPLE_GSTIN
    elif kind == "json":
        option, path, other = "--gstr2b", _another_gstin(tmp_path), OTHER_GSTIN
    else:
        option, other = "--gstr2b-excel", OTHER_GSTIN
        path = portal_workbook(tmp_path / "GSTR2B_102025.xlsx", {"IMPG": [
            ["06-10-2025", "INNSA1", "2566282", "03-10-2025", 100000, 18000, 0]]}, readme=[
            ["Financial Year", "2025-26"], ["Tax Period", "October"], ["GSTIN", other]])
    before = book.read_bytes()
    proc = run_cli("load", str(book), option, str(path))
    assert proc.returncode == 2, proc.stderr
    assert book.read_bytes() == before                            # nothing written
    assert path.name in proc.stderr and other in proc.stderr and GSTIN in proc.stderr
    assert "workbook per GSTIN" in proc.stderr and "Download" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


@needs_sample
def test_a_workbook_without_gstin_adopts_the_first_files(tmp_path):
    book = tmp_path / "book.xlsx"
    cli_ok("template", str(book))
    assert not _gstin_in_settings(book)
    proc = cli_ok("load", str(book), "--gstr2b", str(OCT))
    assert f"the workbook's GSTIN is now {GSTIN} (from {OCT.name})" in proc.stdout
    assert _gstin_in_settings(book) == GSTIN
    cli_ok("load", str(book), "--gstr2b", str(NOV))               # the same GSTIN: loads
    assert "GSTIN" not in cli_ok("load", str(book), "--gstr2b", str(NOV)).stdout
    before = book.read_bytes()
    proc = run_cli("load", str(book), "--gstr2b", str(GSTN_SAMPLE))
    assert proc.returncode == 2 and book.read_bytes() == before
    assert SAMPLE_GSTIN in proc.stderr and GSTIN in proc.stderr


@needs_sample
def test_a_workbook_without_gstin_adopts_the_gstn_sample(tmp_path):
    book = tmp_path / "book.xlsx"
    cli_ok("template", str(book))
    proc = cli_ok("load", str(book), "--gstr2b", str(GSTN_SAMPLE))
    assert f"the workbook's GSTIN is now {SAMPLE_GSTIN}" in proc.stdout
    assert _gstin_in_settings(book) == SAMPLE_GSTIN
    assert {r["Importer GSTIN"] for r in table_rows(book, "BoE")} == {SAMPLE_GSTIN}


@pytest.mark.parametrize("with_gstin", [False, True])
def test_two_files_of_different_gstins_in_one_load_are_refused(tmp_path, with_gstin):
    book = tmp_path / "book.xlsx"
    cli_ok("template", str(book), *(["--gstin", GSTIN] if with_gstin else []))
    other = _another_gstin(tmp_path)
    before = book.read_bytes()
    proc = run_cli("load", str(book), "--gstr2b", str(OCT), str(other))
    assert proc.returncode == 2 and book.read_bytes() == before
    assert OCT.name in proc.stderr and other.name in proc.stderr
    assert GSTIN in proc.stderr and OTHER_GSTIN in proc.stderr
    assert "workbook per GSTIN" in proc.stderr


def test_json_and_excel_of_different_gstins_are_refused(tmp_path):
    book = tmp_path / "book.xlsx"
    cli_ok("template", str(book))
    excel = portal_workbook(tmp_path / "GSTR2B_102025.xlsx", {"IMPG": [
        ["06-10-2025", "INNSA1", "2566282", "03-10-2025", 100000, 18000, 0]]}, readme=[
        ["Financial Year", "2025-26"], ["Tax Period", "October"], ["GSTIN", OTHER_GSTIN]])
    before = book.read_bytes()
    proc = run_cli("load", str(book), "--gstr2b", str(OCT), "--gstr2b-excel", str(excel))
    assert proc.returncode == 2 and book.read_bytes() == before
    assert excel.name in proc.stderr and OTHER_GSTIN in proc.stderr and GSTIN in proc.stderr


# --- 4. over-long text is reported ---------------------------------------------------------

LONG = "x" * 39_990 + "0123456789"   # 40,000 characters


def _shortened(problem_lines: str, file: str, row: str, column: str) -> str:
    line = next((x for x in problem_lines.splitlines()
                 if file in x and f"column {column!r}" in x), "")
    assert row in line and "40,000 characters" in line and "32,767" in line, problem_lines
    return line


def test_an_over_long_remark_in_an_actions_file_is_reported(october, tmp_path):
    book, rows = october
    a = rows[1]
    acts = _write_csv(tmp_path / "acts.csv", [
        ["Port Code", "BoE No", "BoE Date", "Action", "Date", "Remark"],
        [a["Port Code"], a["BoE No"], a["BoE Date"].strftime("%d-%m-%Y"), "Accept",
         "08-11-2025", LONG]])
    proc = cli_ok("load", str(book), "--actions", str(acts))
    _shortened(proc.stderr, "acts.csv", "row 2", "Remark")
    assert "1 action(s) logged" in proc.stdout and "1 warning(s)" in proc.stdout
    entry = table_rows(book, "ActionLog")[-1]
    assert len(entry["Remark"]) == EXCEL_LIMIT and entry["Remark"].endswith("…")
    assert entry["Remark"][:-1] == LONG[:EXCEL_LIMIT - 1]
    assert _boe(book)[a["BoE No"]]["Remark"] == entry["Remark"]
    # the shortened remark is what was logged: recompute sees no change to log
    assert "; 0 action(s) logged" in cli_ok("recompute", str(book), "--as-of",
                                            "2025-11-12").stdout


def test_an_over_long_supplier_name_in_a_gstr2b_is_reported(tmp_path):
    book = tmp_path / "book.xlsx"
    cli_ok("template", str(book), "--gstin", GSTIN)
    doc = json.loads(OCT.read_text())
    doc["data"]["docdata"]["impgsez"] = [{"ctin": OTHER_GSTIN, "trdnm": LONG, "boe": [
        {"refdt": "06-10-2025", "portcode": "INMAA1", "boenum": "0012345",
         "boedt": "01-10-2025", "isamd": "N", "txval": 5000, "igst": 900, "cess": 0}]}]
    path = tmp_path / "gstr2b_sez.json"
    path.write_text(json.dumps(doc))
    proc = cli_ok("load", str(book), "--gstr2b", str(path))
    _shortened(proc.stderr, "gstr2b_sez.json", "docdata.impgsez[0].boe[0]", "trdnm")
    sez = next(r for r in table_rows(book, "BoE") if r["Section"] == "IMPGSEZ")
    assert len(sez["Supplier Name"]) == EXCEL_LIMIT and sez["Supplier Name"].endswith("…")


def test_an_over_long_books_field_is_reported(tmp_path):
    book = tmp_path / "book.xlsx"
    cli_ok("template", str(book), "--gstin", GSTIN)
    books = _write_csv(tmp_path / "books.csv", [
        ["Voucher No", "Port Code", "BoE No", "BoE Date", "IGST"],
        ["PV-1", "INNSA1", "2566101", "18-10-2025", "627495.41"],
        [LONG, "INMAA1", "2566138", "01-10-2025", "100"]])
    proc = cli_ok("load", str(book), "--books", str(books))
    _shortened(proc.stderr, "books.csv", "row 3", "Voucher No")
    lines = table_rows(book, "Books")
    assert [len(r["Voucher No"]) for r in lines] == [4, EXCEL_LIMIT]


def test_a_portal_excel_that_does_not_name_its_gstin_is_loaded_with_a_warning(october,
                                                                              tmp_path):
    book, _ = october
    excel = portal_workbook(tmp_path / "GSTR2B_102025.xlsx", {"IMPG": [
        ["06-10-2025", "INNSA1", "2566282", "03-10-2025", 100000, 18000, 0]]}, readme=[
        ["Financial Year", "2025-26"], ["Tax Period", "October"]])
    proc = cli_ok("load", str(book), "--gstr2b-excel", str(excel))
    line = next(x for x in proc.stderr.splitlines() if "does not say which GSTIN" in x)
    assert excel.name in line and GSTIN in line
    assert "1 BoE version(s) added" in proc.stdout

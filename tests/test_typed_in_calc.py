"""Actions typed as an accountant types them, then recomputed (issue 14, items 3-5):

- messages follow the data: a mistake (``acept``, a Reject the rules ignore) shows an error
  until it is fixed, and after the fix nothing but the Action Log remembers it;
- the Action Log is honest: an ignored action is logged as ignored, with the reason;
- dates stay dates: an Action Date typed as text goes back as a DD-MM-YYYY date cell.

The first tests type with openpyxl (fast, no LibreOffice); the last types in LibreOffice Calc
itself through Python-UNO (tests/lo_type.py, run with the system python3 that has
python3-uno), saves as xlsx and recomputes, as a new user of the demo did.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles.numbers import is_date_format

from conftest import cli_ok
from workbook_helpers import demo_workbook, table_rows

HERE = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_workbook(tmp_path_factory.mktemp("demo"))


def _copy(demo: Path, tmp_path: Path) -> Path:
    book = tmp_path / "demo.xlsx"
    book.write_bytes(demo.read_bytes())
    return book


def _row_of(path: Path, number: str) -> int:
    ws = load_workbook(path, read_only=True)["BoE"]
    for r, row in enumerate(ws.iter_rows(min_row=2, max_col=4, values_only=True), start=2):
        if str(row[3]) == number:
            return r
    raise AssertionError(f"BoE {number} not in the demo")


def _type(path: Path, number: str, action=None, when=None, remark=None,
          text_format: bool = False) -> None:
    """Type into one BoE row with openpyxl, as Excel saves it (text cells stay text)."""
    wb = load_workbook(path)
    ws = wb["BoE"]
    col = {c.value: c.column for c in ws[1]}
    r = _row_of(path, number)
    for header, value in (("Action", action), ("Action Date", when), ("Remark", remark)):
        cell = ws.cell(r, col[header])
        cell.value = value
        if text_format:
            cell.number_format = "@"
    wb.save(path)


def _boe(path: Path, number: str) -> dict:
    return next(r for r in table_rows(path, "BoE") if r["BoE No"] == number)


def _log(path: Path) -> list[dict]:
    return table_rows(path, "ActionLog")


def _start_errors(path: Path) -> int:
    """The Start sheet's "Rows with errors", as its formula counts them."""
    rows = table_rows(path, "BoE")
    return sum(1 for r in rows if str(r["Messages"] or "").startswith("ERROR"))


# --- item 3: messages follow the data -----------------------------------------------------

def test_a_misspelt_action_errs_until_fixed_then_leaves_no_trace_but_the_log(demo, tmp_path):
    book = _copy(demo, tmp_path)
    _type(book, "7100575", "acept")
    out = cli_ok("recompute", str(book)).stdout
    assert "1 row(s) with errors" in out
    assert _boe(book, "7100575")["Messages"].startswith("ERROR ACTION_UNKNOWN")

    _type(book, "7100575", "Accept")
    out = cli_ok("recompute", str(book)).stdout
    assert "0 row(s) with errors" in out
    fixed = _boe(book, "7100575")
    assert fixed["Status"] == "Accepted" and "ACTION_UNKNOWN" not in (fixed["Messages"] or "")
    assert _start_errors(book) == 0
    # and a later recompute (nothing typed) brings nothing back
    cli_ok("recompute", str(book))
    assert "ACTION_UNKNOWN" not in (_boe(book, "7100575")["Messages"] or "")


def test_a_blocked_reject_fixed_to_keep_pending_clears_its_error(demo, tmp_path):
    book = _copy(demo, tmp_path)
    _type(book, "7100538", "Reject")           # no remark, and the policy blocks it anyway
    cli_ok("recompute", str(book))
    assert _boe(book, "7100538")["Messages"].startswith("ERROR REJECT_BLOCKED")
    _type(book, "7100538", "Keep Pending", None, "in transit")
    out = cli_ok("recompute", str(book)).stdout
    row = _boe(book, "7100538")
    assert row["Status"] == "Pending" and not (row["Messages"] or "").startswith("ERROR")
    assert "0 row(s) with errors" in out


def test_the_summary_and_export_agree_after_a_fixed_mistake(demo, tmp_path):
    """The read-only commands read the log as recompute does: the replaced mistake is gone."""
    book = _copy(demo, tmp_path)
    _type(book, "7100575", "acept")
    cli_ok("recompute", str(book))
    _type(book, "7100575", "Accept")
    cli_ok("recompute", str(book))
    nov = json.loads(cli_ok("summary", str(book), "--period", "112025", "--json").stdout)
    out = tmp_path / "actions.csv"
    message = cli_ok("export", str(book), "--period", "112025", "--actions-csv", str(out)).stdout
    assert "not an action word" not in message
    assert "7100575" in out.read_text()
    assert nov["gstr2b"]["IMPGSEZ"]["count"] >= 1


# --- item 4: an honest Action Log ---------------------------------------------------------

def test_the_log_says_an_ignored_action_is_ignored_and_why(demo, tmp_path):
    book = _copy(demo, tmp_path)
    _type(book, "7100575", "acept")
    _type(book, "7100538", "Reject")
    cli_ok("recompute", str(book))
    log = {e["BoE Identity"].split("/")[2]: e for e in _log(book)[-2:]}
    assert log["7100575"]["Source"] == ("typed in workbook: ignored, not an action word "
                                        "(Accept, Keep Pending or Reject)")
    assert log["7100538"]["Source"] == ("typed in workbook: ignored, the portal has no Reject "
                                        "for a BoE (reject policy block)")
    _type(book, "7100575", "Accept")
    cli_ok("recompute", str(book))
    last = _log(book)[-1]
    # the action in force before was none: the ignored word is not called the old action
    assert (last["New Action"], last["Old Action"], last["Source"]) == \
        ("Accept", None, "typed in workbook")


def test_an_action_on_a_bo_e_that_left_ims_is_logged_as_ignored(demo, tmp_path):
    book = _copy(demo, tmp_path)
    # 2566508 was deemed accepted in 102025 (its GSTR-3B filed): it has left IMS
    _type(book, "2566508", "Keep Pending", None, "quality check")
    cli_ok("recompute", str(book))
    last = _log(book)[-1]
    assert last["Source"] == "typed in workbook: ignored, the BoE had already left IMS"


# --- item 5: dates stay dates -------------------------------------------------------------

@pytest.mark.parametrize("typed", ["12-12-2025", "12/12/2025", "12.12.2025", "2025-12-12"])
def test_an_action_date_typed_as_text_goes_back_as_a_date_cell(demo, tmp_path, typed):
    book = _copy(demo, tmp_path)
    _type(book, "7100575", "Accept", typed, text_format=True)
    cli_ok("recompute", str(book))
    ws = load_workbook(book)["BoE"]
    col = {c.value: c.column for c in ws[1]}
    cell = ws.cell(_row_of(book, "7100575"), col["Action Date"])
    assert cell.value == datetime(2025, 12, 12)
    assert is_date_format(cell.number_format) and cell.number_format.lower().replace(
        "\\", "") == "dd-mm-yyyy"


def test_an_impossible_typed_date_is_kept_as_typed(demo, tmp_path):
    """decisions.md item 40: a date that cannot be is kept as typed and flagged."""
    book = _copy(demo, tmp_path)
    _type(book, "7100575", "Accept", "31-11-2025", text_format=True)
    cli_ok("recompute", str(book))
    row = _boe(book, "7100575")
    assert row["Action Date"] == "31-11-2025"
    assert row["Messages"].startswith("ERROR INPUT: Action Date")


# --- the same, typed in LibreOffice Calc itself --------------------------------------------

def _uno_ready() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


def _calc_types(libreoffice: str, book: Path, edits: list[dict]) -> None:
    proc = subprocess.run([SYSTEM_PYTHON, str(HERE / "lo_type.py"), libreoffice, str(book),
                           json.dumps(edits)], capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr


def test_typed_in_libreoffice_calc_then_recomputed(demo, tmp_path, libreoffice):
    if not _uno_ready():
        pytest.skip("Python-UNO (python3-uno) is not installed for the system python3")
    book = _copy(demo, tmp_path)
    shutil.copy(book, tmp_path / "before.xlsx")
    a, b = _row_of(book, "7100575"), _row_of(book, "7100538")
    # as typed in Calc with an English locale: 12-12-2025 stays text in the text cell
    _calc_types(libreoffice, book, [
        {"sheet": "BoE", "cell": f"N{a}", "input": "acept"},
        {"sheet": "BoE", "cell": f"O{a}", "input": "12-12-2025"},
        {"sheet": "BoE", "cell": f"N{b}", "input": "Reject"}])
    assert load_workbook(book)["BoE"][f"O{a}"].value == "12-12-2025"   # text, as Calc kept it
    out = cli_ok("recompute", str(book)).stdout
    assert "2 row(s) with errors" in out
    assert _boe(book, "7100575")["Messages"].startswith("ERROR ACTION_UNKNOWN")
    assert _boe(book, "7100538")["Messages"].startswith("ERROR REJECT_BLOCKED")

    _calc_types(libreoffice, book, [
        {"sheet": "BoE", "cell": f"N{a}", "input": "Accept"},
        {"sheet": "BoE", "cell": f"N{b}", "input": "Keep Pending"},
        {"sheet": "BoE", "cell": f"P{b}", "input": "in transit"}])
    out = cli_ok("recompute", str(book)).stdout
    assert "0 row(s) with errors" in out
    fixed_a, fixed_b = _boe(book, "7100575"), _boe(book, "7100538")
    assert (fixed_a["Status"], fixed_b["Status"]) == ("Accepted", "Pending")
    assert not any((r["Messages"] or "").startswith("ERROR") for r in table_rows(book, "BoE"))
    ws = load_workbook(book)["BoE"]
    cell = ws[f"O{a}"]
    assert cell.value == datetime(2025, 12, 12) and is_date_format(cell.number_format)
    sources = [(e["BoE Identity"].split("/")[2], e["New Action"], e["Source"])
               for e in _log(book)[-4:]]
    assert sorted(sources) == sorted([
        ("7100538", "Reject", "typed in workbook: ignored, the portal has no Reject for a BoE "
                              "(reject policy block)"),
        ("7100575", "acept", "typed in workbook: ignored, not an action word (Accept, Keep "
                             "Pending or Reject)"),
        ("7100538", "Keep Pending", "typed in workbook"),
        ("7100575", "Accept", "typed in workbook")])
    # Calc itself reads the written Action Date as a date: recalculated, it shows 12-12-2025
    from lo_recalc import recalculate
    again = recalculate(libreoffice, book, tmp_path / "lo")
    shown = load_workbook(again)["BoE"][f"O{a}"]
    assert shown.value == datetime(2025, 12, 12) and is_date_format(shown.number_format)

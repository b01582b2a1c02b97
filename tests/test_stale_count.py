"""Stale figures are visible (issue 14, item 6).

Recompute copies each BoE row's Action, Action Date and Remark into hidden twin columns of
the BoE table; a native formula on the Start sheet (the defined name
IMS_ACTIONS_SINCE_RECOMPUTE) counts the rows where they differ, and the Start, GSTR-2B and
GSTR-3B sheets say in a sentence what the count means. Checked here as openpyxl reads the
formulas, and as LibreOffice itself calculates them after actions typed in Calc, a sort in
Calc and a recompute on the command line. A workbook of template 2 (without the twins) still
loads and recomputes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from conftest import GSTIN, cli_ok, run_cli
from workbook_helpers import demo_workbook, table_rows
from ims_xl.workbook import layout as L
from ims_xl.demo import demo_data_dir

HERE = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"
NAME = L.ACTIONS_SINCE_RECOMPUTE_NAME
TWINS = tuple(L.AT_RECOMPUTE.values())
SENTENCES = (("Start", "A3"), ("GSTR-2B", "A4"), ("GSTR-3B", "A4"))
ALL_CLEAR = "0 actions typed since the last Recompute: every action typed is in the figures."


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_workbook(tmp_path_factory.mktemp("demo"))


def _copy(source: Path, tmp_path: Path, name: str = "demo.xlsx") -> Path:
    out = tmp_path / name
    shutil.copy(source, out)
    return out


def _twin_letters() -> list[str]:
    return [get_column_letter(L.BOE.index(h) + 1) for h in TWINS]


def _hidden_twins(path: Path) -> bool:
    dims = load_workbook(path)["BoE"].column_dimensions
    return all(dims[letter].hidden for letter in _twin_letters())


def _shown(path: Path) -> tuple[int, list[str]]:
    """The count and the three sentences, as calculated (by LibreOffice)."""
    wb = load_workbook(path, data_only=True)
    sheet, ref = next(iter(wb.defined_names[NAME].destinations))
    count = wb[sheet][ref.replace("$", "")].value
    return count, [wb[s][r].value for s, r in SENTENCES]


def _recalculated(libreoffice: str, path: Path, out: Path) -> tuple[int, list[str]]:
    from lo_recalc import recalculate
    return _shown(recalculate(libreoffice, path, out))


def _start_count(path: Path, label: str) -> int:
    """A count of the Start sheet's "BoEs by status" block, as calculated."""
    ws = load_workbook(path, data_only=True)["Start"]
    return next(ws.cell(r, 2).value for r in range(10, 30) if ws.cell(r, 1).value == label)


# --- the formulas, as openpyxl reads them ------------------------------------------------------

def test_a_new_workbook_counts_actions_since_recompute_with_a_native_formula(tmp_path):
    book = tmp_path / "new.xlsx"
    cli_ok("template", book, "--gstin", GSTIN)
    wb = load_workbook(book)
    assert wb.defined_names[NAME].attr_text == "Start!$B$9"
    count = wb["Start"]["B9"].value
    assert count.startswith("=SUMPRODUCT(1-")
    for header, twin in L.AT_RECOMPUTE.items():
        assert f'EXACT(BoE[{header}]&"",BoE[{twin}]&"")' in count
    assert wb["Start"]["A9"].value == "Actions typed since the last Recompute"
    for sheet, ref in SENTENCES:
        sentence = wb[sheet][ref].value
        assert sentence.startswith(f"=IF({NAME}=0,") and "ims-xl recompute" in sentence
    for formula in [count] + [wb[s][r].value for s, r in SENTENCES]:
        for newer in ("LET(", "FILTER(", "TEXTJOIN(", "XLOOKUP(", "IFS("):
            assert newer not in formula   # Excel 2016 and LibreOffice lack them
    ws = wb["BoE"]
    min_col, _, max_col, _ = range_boundaries(ws.tables["BoE"].ref)
    headers = [ws.cell(1, c).value for c in range(min_col, max_col + 1)]
    assert headers[-3:] == list(TWINS)   # at the table's right end: they sort with their row
    assert _hidden_twins(book)


# --- every writer fills the twins and keeps them hidden -----------------------------------------

def _loaded_with_actions(tmp_path: Path) -> Path:
    """A new workbook with October's and November's GSTR-2B and the demo's actions file."""
    book = tmp_path / "book.xlsx"
    data = demo_data_dir()
    cli_ok("template", book, "--gstin", GSTIN)
    cli_ok("load", book, "--gstr2b", data / "gstr2b_102025.json", "--actions",
           data / "actions.csv")
    return book


def _twins_match(path: Path) -> tuple[int, int]:
    """(rows with an action, rows whose twins differ from what they copy)."""
    rows = table_rows(path, "BoE")
    acted = sum(1 for r in rows if r["Action"])
    differ = sum(1 for r in rows for h, t in L.AT_RECOMPUTE.items() if r[h] != r[t])
    return acted, differ


@pytest.mark.parametrize("writer", ["stream", "openpyxl"])
def test_recompute_on_the_command_line_fills_the_hidden_twins(tmp_path, monkeypatch, writer):
    if writer == "openpyxl":
        monkeypatch.setenv("IMS_XL_WRITER", "openpyxl")
    book = _loaded_with_actions(tmp_path)
    acted, differ = _twins_match(book)
    assert acted > 0 and differ >= acted   # loaded actions are not in the figures yet
    cli_ok("recompute", book)
    acted_after, differ_after = _twins_match(book)
    assert (acted_after, differ_after) == (acted, 0)
    assert _hidden_twins(book)


def test_the_ribbon_fills_the_hidden_twins(tmp_path):
    from test_xlwings_book import xl
    from ims_xl.workbook.ops import recompute

    book = _loaded_with_actions(tmp_path)
    ribbon, fake = xl(book)
    recompute(ribbon)
    fake.save()
    acted, differ = _twins_match(book)
    assert acted > 0 and differ == 0
    assert _hidden_twins(book)


# --- LibreOffice calculates the count ---------------------------------------------------------

def _has_uno() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


@pytest.fixture
def calc(libreoffice):
    """Type (or sort) in LibreOffice Calc itself and save, as an accountant would."""
    from conftest import IN_CI
    if not _has_uno():
        if IN_CI:
            pytest.fail("python3-uno is required in CI")
        pytest.skip("python3-uno is not installed")

    def run(book: Path, edits: list[dict]) -> None:
        proc = subprocess.run([SYSTEM_PYTHON, str(HERE / "lo_type.py"), libreoffice, str(book),
                               json.dumps(edits)], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
    return run


def _cell(path: Path, number: str, header: str) -> str:
    """The BoE sheet's cell of ``header`` on the row of BoE ``number``."""
    ws = load_workbook(path, read_only=True)["BoE"]
    for r, row in enumerate(ws.iter_rows(min_row=2, max_col=4, values_only=True), start=2):
        if str(row[3]) == number:
            return f"{get_column_letter(L.BOE.index(header) + 1)}{r}"
    raise AssertionError(f"BoE {number} not in the demo")


def test_libreoffice_counts_the_actions_typed_in_calc_until_recompute(demo, tmp_path,
                                                                      libreoffice, calc):
    book = _copy(demo, tmp_path)
    assert _recalculated(libreoffice, book, tmp_path / "lo0") == (0, [ALL_CLEAR] * 3)

    rows = table_rows(book, "BoE")
    acted = next(r["BoE No"] for r in rows if r["Action"] == "Accept")
    blank = next(r["BoE No"] for r in rows if not r["Action"] and r["Status"] == "Open")
    calc(book, [
        {"sheet": "BoE", "cell": _cell(book, acted, "Action"), "input": "Keep Pending"},
        {"sheet": "BoE", "cell": _cell(book, blank, "Action"), "input": "Accept"},
        {"sheet": "BoE", "cell": _cell(book, blank, "Action Date"), "input": "12-12-2025"},
    ])
    count, sentences = _recalculated(libreoffice, book, tmp_path / "lo1")
    assert count == 2
    assert sentences == ["2 actions typed since the last Recompute: press Recompute 2B/3B (or "
                         "run ims-xl recompute WB). Until then the figures leave them out."] * 3

    cli_ok("recompute", book)
    assert _recalculated(libreoffice, book, tmp_path / "lo2") == (0, [ALL_CLEAR] * 3)
    after = {r["BoE No"]: r for r in table_rows(book, "BoE")}
    assert after[acted]["Status"] == "Pending" and after[blank]["Status"] == "Accepted"
    # the other figures too: the recompute left no result cached by Calc to be shown stale
    pending = sum(1 for r in after.values() if r["Status"] == "Pending")
    assert _start_count(tmp_path / "lo2" / book.name, "Pending") == pending
    assert pending == 1 + sum(1 for r in rows if r["Status"] == "Pending")


def test_a_remark_or_a_date_changed_alone_counts_and_one_action_reads_singular(
        demo, tmp_path, libreoffice, calc):
    book = _copy(demo, tmp_path)
    rows = table_rows(book, "BoE")
    acted = next(r["BoE No"] for r in rows if r["Action"] == "Accept")
    calc(book, [{"sheet": "BoE", "cell": _cell(book, acted, "Remark"), "text": "checked"}])
    count, sentences = _recalculated(libreoffice, book, tmp_path / "lo1")
    assert count == 1 and sentences[0].startswith("1 action typed since the last Recompute")
    cli_ok("recompute", book)
    calc(book, [{"sheet": "BoE", "cell": _cell(book, acted, "Action Date"),
                 "input": "01-12-2025"},
                {"sheet": "BoE", "cell": _cell(book, acted, "Remark"), "clear": True}])
    assert _recalculated(libreoffice, book, tmp_path / "lo2")[0] == 1   # one row, two cells


def test_a_sort_in_calc_gives_no_false_count(demo, tmp_path, libreoffice, calc):
    book = _copy(demo, tmp_path)
    before = [r["BoE No"] for r in table_rows(book, "BoE")]
    ref = load_workbook(book)["BoE"].tables["BoE"].ref
    calc(book, [{"sheet": "BoE", "sort": ref, "column": L.BOE.index("BoE No"),
                 "descending": True}])
    rows = table_rows(book, "BoE")
    assert [r["BoE No"] for r in rows] != before              # the rows did move
    assert sorted(r["BoE No"] for r in rows) == sorted(before)
    assert all(r[h] == r[t] for r in rows for h, t in L.AT_RECOMPUTE.items())
    assert _recalculated(libreoffice, book, tmp_path / "lo") == (0, [ALL_CLEAR] * 3)
    assert _hidden_twins(book)


def test_the_ribbon_written_workbook_counts_zero_in_libreoffice(tmp_path, libreoffice):
    from test_xlwings_book import xl
    from ims_xl.workbook.ops import recompute

    book = _loaded_with_actions(tmp_path)
    assert _recalculated(libreoffice, book, tmp_path / "lo0")[0] > 0   # loaded, not recomputed
    ribbon, fake = xl(book)
    recompute(ribbon)
    fake.save()
    assert _recalculated(libreoffice, book, tmp_path / "lo1") == (0, [ALL_CLEAR] * 3)


# --- a workbook of template 2 (without the twins) ------------------------------------------------

def _as_template_2(path: Path) -> None:
    """Take the columns added since template 2 (the twins, the "if nothing more" columns) and
    the count away, as the template of version 2 made the workbook; leave a note of the
    accountant's right of the BoE table, where those columns are now."""
    wb = load_workbook(path)
    ws = wb["BoE"]
    table = ws.tables["BoE"]
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    keep = max_col - sum(1 for c in L.BOE.columns if c.optional)
    for c in range(keep + 1, max_col + 1):
        for r in range(min_row, max_row + 1):
            ws.cell(r, c).value = None
        ws.column_dimensions[get_column_letter(c)].hidden = False
    table.ref = f"A{min_row}:{get_column_letter(keep)}{max_row}"
    table.autoFilter.ref = table.ref
    table.tableColumns = table.tableColumns[:keep - min_col + 1]
    ws.cell(3, keep + 1).value = "my note"
    del wb.defined_names[NAME]
    for sheet, ref in SENTENCES + (("Start", "A9"), ("Start", "B9")):
        wb[sheet][ref].value = None
    wb.save(path)


@pytest.mark.parametrize("writer", ["stream", "openpyxl"])
def test_a_template_2_workbook_loads_and_recomputes_without_the_twins(tmp_path, monkeypatch,
                                                                      writer):
    if writer == "openpyxl":
        monkeypatch.setenv("IMS_XL_WRITER", "openpyxl")
    book = tmp_path / "old.xlsx"
    data = demo_data_dir()
    cli_ok("template", book, "--gstin", GSTIN)
    _as_template_2(book)
    cli_ok("load", book, "--gstr2b", data / "gstr2b_102025.json", "--actions",
           data / "actions.csv")
    proc = run_cli("recompute", str(book))
    assert proc.returncode == 0, proc.stderr
    wb = load_workbook(book)
    ws = wb["BoE"]
    last = get_column_letter(L.BOE.index("Source") + 1)
    assert ws.tables["BoE"].ref.startswith("A1:" + last)   # no column added
    assert ws.cell(3, L.BOE.index("Source") + 2).value == "my note"
    rows = table_rows(book, "BoE")
    assert all(t not in rows[0] for t in TWINS)
    assert sum(1 for r in rows if r["Status"] == "Accepted") > 0
    assert cli_ok("summary", book, "--period", "102025").stdout


def test_the_readme_and_the_excel_checklist_quote_the_sentences():
    root = HERE.parent
    checklist = " ".join((root / "docs" / "excel-acceptance.md").read_text("utf-8").split())
    assert ALL_CLEAR in checklist
    assert ("1 action typed since the last Recompute: press Recompute 2B/3B (or run ims-xl "
            "recompute WB). Until then the figures leave them out.") in checklist
    assert NAME in (root / "README.md").read_text("utf-8")

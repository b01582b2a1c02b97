"""Cells outside ims-xl's tables are never overwritten, and Excel's Total Row is not data.

A table that gets more rows moves the cells below it (in its columns) down by exactly the
rows it gains, as Excel's Insert Table Rows does; where that cannot be done faithfully
(merged cells across the table's edge, another table, a formula, something pointing at the
cells) the command stops before writing, exit 2, naming the cells. A table that gets fewer
rows leaves the cells below where they are. A Total Row the accountant added is never read as
a BoE and stays the table's last row. Through the real command line, with the default
(streaming) writer and with IMS_XL_WRITER=openpyxl; and XlwingsBook (the ribbon) over the
xlwings stand-in of test_xlwings_book.py.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table

from conftest import run_cli
from ims_xl.problems import InputError
from ims_xl.workbook import layout as L
from ims_xl.demo import DEMO_GSTIN, DEMO_NOW, demo_data_dir
from ims_xl.workbook.loading import load_data
from ims_xl.workbook.openpyxl_book import OpenpyxlBook
from ims_xl.workbook.stream_book import StreamBook
from ims_xl.workbook.xlwings_book import XlwingsBook
from lo_recalc import recalculate
from test_xlwings_book import ExcelRefused, FakeApp, FakeBook
from workbook_helpers import table_rows

DATA = demo_data_dir()
OCTOBER = DATA / "gstr2a_102025.json"   # every October BoE (16)
NOVEMBER = DATA / "gstr2a_112025.json"
RED_BOLD = Font(bold=True, color="FFC00000")
BOE_LAST_COL = get_column_letter(len(L.BOE.columns))   # the table's last column
BESIDE = len(L.BOE.columns) + 2                         # a column beside the table
# a merged range from inside the table's columns to beyond them
ACROSS = (get_column_letter(len(L.BOE.columns) - 1), get_column_letter(BESIDE))


@pytest.fixture(params=[None, "openpyxl"], ids=["stream", "openpyxl"])
def writer(request, monkeypatch) -> str | None:
    """The command line's writer: the default (StreamBook) or IMS_XL_WRITER=openpyxl."""
    if request.param:
        monkeypatch.setenv("IMS_XL_WRITER", request.param)
    else:
        monkeypatch.delenv("IMS_XL_WRITER", raising=False)
    return request.param


@pytest.fixture(scope="module")
def october_master(tmp_path_factory) -> Path:
    """A new workbook with October's GSTR-2B loaded (16 BoEs: the table ends in row 17)."""
    path = tmp_path_factory.mktemp("october") / "october.xlsx"
    assert run_cli("template", str(path), "--gstin", DEMO_GSTIN).returncode == 0
    proc = run_cli("load", str(path), "--gstr2b", str(OCTOBER))
    assert proc.returncode == 0, proc.stderr
    return path


@pytest.fixture
def october(october_master, tmp_path) -> Path:
    path = tmp_path / "work.xlsx"
    shutil.copy(october_master, path)
    return path


def table_ref(path: Path, name: str) -> str:
    wb = openpyxl.load_workbook(path)
    return next(ws.tables[name].ref for ws in wb.worksheets if name in ws.tables)


def last_row(path: Path, name: str) -> int:
    return range_boundaries(table_ref(path, name))[3]


def edit(path: Path, change) -> None:
    """Change the workbook as the accountant would in Excel (here with openpyxl)."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


def type_notes(path: Path, first: int) -> None:
    """Notes under the BoE table: text in bold red, a number, a merged range inside the
    table's columns, and a note beside the table (outside its columns)."""
    def change(wb):
        ws = wb["BoE"]
        ws.cell(first, 1, "Ask the CHA about these").font = RED_BOLD
        ws.cell(first + 1, 2, 12345)
        ws.cell(first + 2, 1, "merged note")
        ws.merge_cells(start_row=first + 2, start_column=1, end_row=first + 3, end_column=3)
        ws.cell(first, BESIDE, "beside the table")
    edit(path, change)


def load(path: Path, *files: Path, option: str = "--gstr2b"):
    return run_cli("load", str(path), option, *map(str, files))


# --- a growing table moves the cells below it -------------------------------------------------

def test_notes_below_the_boe_table_move_down_by_what_a_load_adds(october, writer):
    assert last_row(october, "BoE") == 17
    type_notes(october, 20)

    proc = load(october, NOVEMBER)

    assert proc.returncode == 0, proc.stderr
    new_last = last_row(october, "BoE")
    assert new_last == 40  # 16 + 23 BoEs
    by = new_last - 17
    ws = openpyxl.load_workbook(october)["BoE"]
    note = ws.cell(20 + by, 1)
    assert note.value == "Ask the CHA about these"
    assert note.font.b and note.font.color.rgb == "FFC00000"
    assert ws.cell(21 + by, 2).value == 12345
    assert ws.cell(22 + by, 1).value == "merged note"
    assert {str(m) for m in ws.merged_cells.ranges} == {f"A{22 + by}:C{23 + by}"}
    assert ws.cell(20, BESIDE).value == "beside the table"  # outside the table's columns: stays
    for r in range(18, new_last + 1):  # the notes' old rows are the table's now
        assert ws.cell(r, 1).value in ("IMPG", "IMPGSEZ"), r
    assert len(table_rows(october, "BoE")) == 39


def test_a_merged_range_across_the_table_edge_stops_the_load_and_changes_nothing(
        october, writer):
    def change(wb):
        ws = wb["BoE"]
        ws[f"{ACROSS[0]}20"] = "merged across the edge"
        ws.merge_cells(f"{ACROSS[0]}20:{ACROSS[1]}21")
    edit(october, change)
    before = october.read_bytes()

    proc = load(october, NOVEMBER)

    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"BoE!{ACROSS[0]}20:{ACROSS[1]}21" in proc.stderr and "merged" in proc.stderr
    # the cells below the table that would move
    assert f"BoE!{ACROSS[0]}20:{BOE_LAST_COL}21" in proc.stderr
    assert "Nothing was changed" in proc.stderr and "another sheet" in proc.stderr
    assert october.read_bytes() == before


def _formula_among_notes(wb):
    wb["BoE"]["C20"] = "=1+1"


def _formula_pointing_at_a_note(wb):
    wb["BoE"]["A20"] = "note"
    wb["Start"]["F2"] = "=BoE!A20"


def _name_pointing_at_a_note(wb):
    wb["BoE"]["A20"] = "note"
    wb.defined_names["MY_NOTE"] = DefinedName("MY_NOTE", attr_text="BoE!$A$20")


def _validation_over_part_of_them(wb):
    ws = wb["BoE"]
    ws["A20"] = "note"
    dv = DataValidation(type="list", formula1='"x,y"')
    ws.add_data_validation(dv)
    dv.add("A20:A25")


def _comment_on_a_note(wb):
    wb["BoE"]["A20"] = "note"
    wb["BoE"]["A20"].comment = Comment("ask the broker", "accountant")


def _another_table_below(wb):
    ws = wb["BoE"]
    ws["B22"], ws["C22"] = "Mine", "Amount"
    ws["B23"], ws["C23"] = "x", 1
    ws.add_table(Table(displayName="MyList", ref="B22:C23"))


@pytest.mark.parametrize("change, named", [
    (_formula_among_notes, "BoE!C20 holds a formula"),
    (_formula_pointing_at_a_note, "the formula in Start!F2 refers to BoE!A20"),
    (_name_pointing_at_a_note, "the defined name MY_NOTE points at BoE!A20"),
    (_validation_over_part_of_them, "a data validation covers BoE!A20:A25"),
    (_comment_on_a_note, "BoE!A20 has a comment"),
    (_another_table_below, "the table 'MyList' at BoE!B22:C23 is in the way"),
], ids=["formula-among", "formula-pointing", "defined-name", "validation", "comment",
        "table"])
def test_cells_that_would_not_mean_the_same_once_moved_stop_the_load(october, writer, change,
                                                                      named):
    edit(october, change)
    before = october.read_bytes()

    proc = load(october, NOVEMBER)

    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert named in proc.stderr
    assert "Nothing was changed" in proc.stderr
    assert october.read_bytes() == before


def test_a_chart_of_the_notes_stops_the_streaming_writer(october, monkeypatch):
    """A chart's series pointing at the cells that would move (openpyxl cannot read charts:
    its writer drops them, as it always has; the default writer keeps them, so it checks)."""
    from openpyxl.chart import BarChart, Reference

    monkeypatch.delenv("IMS_XL_WRITER", raising=False)

    def change(wb):
        ws = wb["BoE"]
        ws["A20"], ws["A21"] = 1, 2
        chart = BarChart()
        chart.add_data(Reference(ws, min_col=1, min_row=20, max_row=21))
        wb["Start"].add_chart(chart, "F20")
    edit(october, change)
    before = october.read_bytes()

    proc = load(october, NOVEMBER)

    assert proc.returncode == 2, proc.stderr
    assert re.search(r"a chart \(xl/charts/chart\d+\.xml\) shows BoE!A20:A21", proc.stderr)
    assert october.read_bytes() == before


def test_the_templates_own_rules_down_the_whole_sheet_do_not_stop_a_move(october, writer):
    """The BoE sheet's validations and formats cover rows 2 to 1,048,576: the same rule
    before and after the move, so notes under the table move (the first test's workbook
    has them too; here the note is in the Action column, under its dropdown)."""
    action = get_column_letter(L.BOE.index("Action") + 1)
    edit(october, lambda wb: wb["BoE"].__setitem__(f"{action}19", "typed note"))

    proc = load(october, NOVEMBER)

    assert proc.returncode == 0, proc.stderr
    ws = openpyxl.load_workbook(october)["BoE"]
    assert ws[f"{action}{19 + 23}"].value == "typed note"


def test_a_shrinking_table_leaves_the_cells_below_where_they_are(october, writer, tmp_path):
    assert load(october, DATA / "books.csv", option="--books").returncode == 0
    books_last = last_row(october, "Books")
    assert books_last == 39  # 38 book lines
    edit(october, lambda wb: wb["Books"].__setitem__(f"A{books_last + 2}", "books note"))
    few = tmp_path / "few.csv"
    lines = (DATA / "books.csv").read_text(encoding="utf-8-sig").splitlines()
    few.write_text("\n".join(lines[:6]) + "\n", encoding="utf-8")

    proc = load(october, few, option="--books")

    assert proc.returncode == 0, proc.stderr
    assert table_ref(october, "Books") == "A1:J6"
    ws = openpyxl.load_workbook(october)["Books"]
    assert ws[f"A{books_last + 2}"].value == "books note"
    assert all(ws.cell(r, 2).value is None for r in range(7, books_last + 1))

    # growing again from 5 lines to 38: the note moves down by 33
    assert load(october, DATA / "books.csv", option="--books").returncode == 0
    ws = openpyxl.load_workbook(october)["Books"]
    assert ws[f"A{books_last + 2 + 33}"].value == "books note"
    assert ws[f"A{books_last + 2}"].value != "books note"


def test_the_streaming_writer_moves_the_cells_itself_and_as_openpyxl_does(october, tmp_path):
    """The command line's default writer falls back to openpyxl for files it cannot
    stream: here it must not need to, and both give the same sheet."""
    type_notes(october, 20)
    other = tmp_path / "openpyxl.xlsx"
    shutil.copy(october, other)
    stream = StreamBook(october, quiet=True)
    load_data(stream, gstr2b=[NOVEMBER], now=DEMO_NOW)
    assert stream.fell_back is None
    load_data(OpenpyxlBook(other, quiet=True), gstr2b=[NOVEMBER], now=DEMO_NOW)

    def cells(path):
        ws = openpyxl.load_workbook(path)["BoE"]
        return {c.coordinate: (c.value, c.font.b, c.font.color.rgb if c.font.color else None)
                for row in ws.iter_rows(min_row=40) for c in row if c.value is not None}
    assert cells(october) == cells(other)
    assert cells(october)["A43"][0] == "Ask the CHA about these"


# --- Excel's Total Row ---------------------------------------------------------------------------

def add_total_row(path: Path, note_below: bool = True, spec: L.TableSpec = L.BOE) -> int:
    """A Total Row as Excel's Table Design > Total Row makes it: the label in the first
    column, SUBTOTAL(109, ...) under IGST, the table's ref over it, its filter without it.
    Returns its row."""
    wb = openpyxl.load_workbook(path)
    ws = wb[spec.sheet]
    table = ws.tables[spec.name]
    c1, r1, c2, r2 = range_boundaries(table.ref)
    total = r2 + 1
    last_col = get_column_letter(c2)
    table.ref = f"A{r1}:{last_col}{total}"
    table.autoFilter.ref = f"A{r1}:{last_col}{r2}"
    table.totalsRowCount = 1
    table.tableColumns[0].totalsRowLabel = "Total"
    ws.cell(total, 1, "Total").font = Font(bold=True)
    igst = spec.index("IGST")
    table.tableColumns[igst].totalsRowFunction = "sum"
    ws.cell(total, igst + 1, f"=SUBTOTAL(109,{spec.name}[IGST])")
    if note_below:
        ws.cell(total + 2, 1, "under the total")
    wb.save(path)
    return total


def table_xml(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as zf:
        for part in zf.namelist():
            if part.startswith("xl/tables/"):
                text = zf.read(part).decode()
                if f'displayName="{name}"' in text:
                    return text
    raise KeyError(name)


def test_a_total_row_is_not_a_boe_and_stays_the_last_row_as_the_table_grows(october, writer):
    total = add_total_row(october)
    assert total == 18

    proc = run_cli("recompute", str(october))
    assert proc.returncode == 0, proc.stderr
    assert "16 BoE version(s)" in proc.stdout and "0 row(s) with errors" in proc.stdout
    ws = openpyxl.load_workbook(october)["BoE"]
    assert ws["A18"].value == "Total" and ws["I18"].value == "=SUBTOTAL(109,BoE[IGST])"
    assert ws[f"{get_column_letter(L.BOE.index('Status') + 1)}18"].value is None  # not a BoE

    proc = load(october, NOVEMBER)

    assert proc.returncode == 0, proc.stderr
    assert table_ref(october, "BoE") == f"A1:{BOE_LAST_COL}41"   # 39 BoEs and the Total Row
    xml = table_xml(october, "BoE")
    assert 'totalsRowCount="1"' in xml
    assert re.search(rf'<autoFilter ref="A1:{BOE_LAST_COL}40"', xml)
    ws = openpyxl.load_workbook(october)["BoE"]
    assert ws["A41"].value == "Total" and ws["A41"].font.b
    assert ws["I41"].value == "=SUBTOTAL(109,BoE[IGST])"
    assert ws["A43"].value == "under the total"     # moved by the 23 rows the table gained
    sections = [ws.cell(r, 1).value for r in range(2, 41)]
    assert set(sections) <= {"IMPG", "IMPGSEZ"} and len(sections) == 39
    proc = run_cli("recompute", str(october))
    assert proc.returncode == 0, proc.stderr
    assert "39 BoE version(s)" in proc.stdout and "0 row(s) with errors" in proc.stdout
    assert openpyxl.load_workbook(october)["BoE"]["A41"].value == "Total"


def test_a_total_row_moves_up_when_its_table_shrinks_and_the_note_below_stays(
        october, writer, tmp_path):
    assert load(october, DATA / "books.csv", option="--books").returncode == 0
    total = add_total_row(october, spec=L.BOOKS)
    assert total == 40  # 38 book lines
    few = tmp_path / "few.csv"
    lines = (DATA / "books.csv").read_text(encoding="utf-8-sig").splitlines()
    few.write_text("\n".join(lines[:6]) + "\n", encoding="utf-8")

    proc = load(october, few, option="--books")

    assert proc.returncode == 0, proc.stderr
    assert table_ref(october, "Books") == "A1:J7"   # 5 lines and the Total Row
    assert re.search(r'<autoFilter ref="A1:J6"', table_xml(october, "Books"))
    ws = openpyxl.load_workbook(october)["Books"]
    assert ws["A7"].value == "Total" and ws["E7"].value == "=SUBTOTAL(109,Books[IGST])"
    assert ws["A42"].value == "under the total"
    assert all(ws.cell(r, 1).value is None for r in range(8, 42))
    assert len(table_rows(october, "Books")) == 6  # openpyxl's plain reading: 5 + the total


def test_the_total_row_sums_the_grown_table_in_libreoffice(october, libreoffice, tmp_path):
    add_total_row(october, note_below=False)
    assert load(october, NOVEMBER).returncode == 0

    done = recalculate(libreoffice, october, tmp_path / "lo")

    wb = openpyxl.load_workbook(done, data_only=True)
    ws = wb["BoE"]
    igst = L.BOE.index("IGST") + 1
    body = [Decimal(str(ws.cell(r, igst).value)) for r in range(2, 41)]
    assert ws["A41"].value == "Total"
    assert Decimal(str(ws.cell(41, igst).value)).quantize(Decimal("0.01")) == sum(body)


# --- the ribbon: XlwingsBook over the xlwings stand-in ------------------------------------------

def xl(path: Path) -> tuple[XlwingsBook, FakeBook]:
    fake = FakeBook(path, FakeApp())
    return XlwingsBook(fake), fake


def test_ribbon_load_moves_the_notes_down_as_excel_inserts_table_rows(october):
    type_notes(october, 20)
    book, fake = xl(october)

    load_data(book, gstr2b=[NOVEMBER], now=DEMO_NOW)

    ws = fake.wb["BoE"]
    assert ws.tables["BoE"].ref == f"A1:{BOE_LAST_COL}40"
    assert fake.app.calls["insert"] >= 1 and fake.app.calls["resize"] == 0
    assert ws["A43"].value == "Ask the CHA about these" and ws["A43"].font.b
    assert ws["B44"].value == 12345
    assert {str(m) for m in ws.merged_cells.ranges} == {"A45:C46"}
    assert ws.cell(20, BESIDE).value == "beside the table"
    assert len(book.read_table(L.BOE)) == 39


def test_ribbon_refuses_merged_cells_across_the_edge_before_excel_moves_anything(october):
    def change(wb):
        wb["BoE"][f"{ACROSS[0]}20"] = "merged across the edge"
        wb["BoE"].merge_cells(f"{ACROSS[0]}20:{ACROSS[1]}21")
    edit(october, change)
    book, fake = xl(october)
    rows = book.read_table(L.BOE) + [dict(r, **{"BoE No": f"9{i}"}) for i, r in
                                     enumerate(book.read_table(L.BOE))]
    fake.app.calls.clear()

    with pytest.raises(InputError, match=f"BoE!{ACROSS[0]}20:{ACROSS[1]}21 are merged cells"):
        book.write_table(L.BOE, rows)

    assert fake.app.calls["insert"] == 0 and fake.app.calls["write"] == 0
    assert fake.wb["BoE"].tables["BoE"].ref == f"A1:{BOE_LAST_COL}17"
    with pytest.raises(ExcelRefused):  # what Excel would have said without the check
        fake.sheets["BoE"].range((17, 1), (20, len(L.BOE.columns))).insert(shift="down")


def test_ribbon_reads_around_the_total_row_and_keeps_it_last(october):
    add_total_row(october)
    book, fake = xl(october)
    ws = fake.wb["BoE"]
    rows = book.read_table(L.BOE)
    assert len(rows) == 16 and all(r["Section"] != "Total" for r in rows)

    more = rows + [dict(r, **{"BoE No": f"9{i}"}) for i, r in enumerate(rows)]
    book.write_table(L.BOE, more)          # 16 -> 32 rows: the Total Row and the note move
    assert ws.tables["BoE"].ref == f"A1:{BOE_LAST_COL}34"
    assert ws["A34"].value == "Total" and ws["I34"].value == "=SUBTOTAL(109,BoE[IGST])"
    assert ws["A36"].value == "under the total"
    assert len(book.read_table(L.BOE)) == 32

    book.write_table(L.BOE, rows[:4])      # 32 -> 4: the Total Row moves up, the note stays
    assert ws.tables["BoE"].ref == f"A1:{BOE_LAST_COL}6"
    assert ws.tables["BoE"].autoFilter.ref == f"A1:{BOE_LAST_COL}5"
    assert ws["A6"].value == "Total" and ws["I6"].value == "=SUBTOTAL(109,BoE[IGST])"
    assert ws["A36"].value == "under the total"
    assert all(ws.cell(r, 1).value is None for r in range(7, 36))
    assert [r["BoE No"] for r in book.read_table(L.BOE)] == [r["BoE No"] for r in rows[:4]]

"""StreamBook, the command line's writer: it must leave the same workbook OpenpyxlBook leaves
(values, styles, tables, names), keep every part it does not change byte for byte, keep what
the accountant did to the sheets (colours, formulas, notes beside a table), and fall back to
openpyxl where it cannot stream. Checked by reopening files with openpyxl and reading their
zip parts, and on a workbook LibreOffice saved (shared strings, its own XML)."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from conftest import GSTIN
from ims_xl.problems import InputError
from ims_xl.workbook import sheet_xml
from ims_xl.workbook.opening import open_book
from ims_xl.demo import (DEMO_AS_OF, DEMO_GSTIN, DEMO_NOW, demo_data_dir,
                                  demo_portal_files)
from ims_xl.workbook.layout import ACTION_LOG, AT_RECOMPUTE, BOE, BOOKS, HISTORY

BOE_LAST = get_column_letter(len(BOE.columns))       # the BoE table's last column
BESIDE = get_column_letter(len(BOE.columns) + 2)     # a column beside it
from ims_xl.workbook.loading import load_data
from ims_xl.workbook.openpyxl_book import OpenpyxlBook
from ims_xl.workbook.ops import fetch, recompute
from ims_xl.workbook.stream_book import StreamBook
from lo_recalc import recalculate
from workbook_helpers import table_rows
from workbook_template.template import build_template


def _demo_steps(cls, path: Path) -> None:
    """The demo's main job, each step through a fresh Book of class ``cls``."""
    build_template(path, gstin=DEMO_GSTIN)
    book = cls(path, quiet=True)
    book.write_name("IMS_AS_OF", DEMO_AS_OF)
    book.save()
    data = demo_data_dir()
    load_data(cls(path, quiet=True),
              gstr2b=demo_portal_files(),
              books=data / "books.csv", boe_list=data / "boe_list.csv",
              actions=data / "actions.csv", now=DEMO_NOW)
    recompute(cls(path, quiet=True), now=DEMO_NOW)
    fetch(cls(path, quiet=True), today=DEMO_AS_OF)
    recompute(cls(path, quiet=True), now=DEMO_NOW)


def _cells(path: Path) -> dict:
    """Every cell's value and visible style, by sheet and coordinate."""
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                out[(ws.title, c.coordinate)] = (
                    c.value, c.number_format, c.fill.fgColor.rgb, c.font.b, c.font.color.rgb
                    if c.font.color is not None else None, c.protection.locked,
                    c.alignment.wrap_text)
    return out


def _structure(path: Path) -> dict:
    wb = load_workbook(path)
    return {
        "tables": {(ws.title, n): ws.tables[n].ref for ws in wb.worksheets for n in ws.tables},
        "names": {n: wb.defined_names[n].attr_text for n in wb.defined_names},
        "validations": {ws.title: sorted((str(dv.sqref), dv.formula1)
                                         for dv in ws.data_validations.dataValidation)
                        for ws in wb.worksheets},
        "conditional": {ws.title: sorted(str(r.sqref) for r in ws.conditional_formatting)
                        for ws in wb.worksheets},
        "panes": {ws.title: ws.freeze_panes for ws in wb.worksheets},
        "states": {ws.title: ws.sheet_state for ws in wb.worksheets},
    }


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("both")
    a, b = folder / "openpyxl.xlsx", folder / "stream.xlsx"
    _demo_steps(OpenpyxlBook, a)
    _demo_steps(StreamBook, b)
    return a, b


def test_the_demo_job_leaves_the_same_workbook_as_openpyxl(both):
    a, b = both
    cells_a, cells_b = _cells(a), _cells(b)
    assert len(cells_b) > 1500  # the demo fills every sheet
    different = {k: (cells_a.get(k), cells_b.get(k)) for k in cells_a.keys() | cells_b.keys()
                 if cells_a.get(k) != cells_b.get(k)}
    assert different == {}
    assert _structure(a) == _structure(b)
    boe = table_rows(b, "BoE")
    assert {r["Status"] for r in boe} >= {"Accepted", "Pending", "Deemed accepted"}
    assert all(isinstance(r["ITC IGST"], (int, float)) or r["ITC IGST"] is None for r in boe)


def test_parts_it_does_not_change_are_byte_identical(both, tmp_path):
    _, b = both
    before = tmp_path / "before.xlsx"
    shutil.copy(b, before)
    book = StreamBook(b, quiet=True)
    recompute(book, now=DEMO_NOW)
    assert book.fell_back is None
    with zipfile.ZipFile(before) as old, zipfile.ZipFile(b) as new:
        names_old, names_new = set(old.namelist()), set(new.namelist())
        assert names_old == names_new
        changed = {n for n in names_old if old.read(n) != new.read(n)}
        parts = book._sheet_parts
        written = {parts[s] for s in ("BoE", "Action Log", "History", "Reconciliation",
                                      "GSTR-3B", "_lists")}
        assert changed <= written | {"xl/workbook.xml"} | {
            t.part for t in book._table_parts.values()}
        for name in ("xl/styles.xml", parts["Settings"], parts["GSTR-2B"], parts["Start"],
                     "[Content_Types].xml"):
            assert name not in changed
        wb_xml = new.read("xl/workbook.xml").decode()
        assert re.search(r'<calcPr[^>]*fullCalcOnLoad="1"', wb_xml)
        boe_xml = new.read(parts["BoE"]).decode()
        assert "<f>" not in boe_xml and 't="s"' not in boe_xml
        # the dimension covers exactly the rows written
        last = int(re.search(rf'<dimension ref="A1:{BOE_LAST}(\d+)"', boe_xml).group(1))
        assert last == len(table_rows(b, "BoE")) + 1
        assert re.findall(r'<row r="(\d+)"', boe_xml)[-1] == str(last)


def test_what_the_accountant_did_to_the_sheets_survives(both, tmp_path):
    _, b = both
    path = tmp_path / "edited.xlsx"
    shutil.copy(b, path)
    wb = load_workbook(path)
    ws = wb["BoE"]
    yellow = PatternFill("solid", fgColor="FFFFFF00")
    ws["L3"].fill = yellow                       # a supplier name coloured
    ws["P4"] = '=CONCATENATE("see ","file")'     # a formula typed as a remark
    ws[f"{BESIDE}5"] = "ask the CHA"             # a note beside the table
    ws["A200"] = "notes below the table"
    ws.row_dimensions[6].height = 40
    wb.save(path)
    book = StreamBook(path, quiet=True)
    recompute(book, now=DEMO_NOW)
    assert book.fell_back is None
    wb = load_workbook(path)
    ws = wb["BoE"]
    assert ws["L3"].fill.fgColor.rgb == "FFFFFF00"
    assert ws["L4"].fill.fgColor.rgb != "FFFFFF00"   # the colour did not spread
    assert ws["P4"].value == '=CONCATENATE("see ","file")' and ws["P4"].data_type == "f"
    assert ws[f"{BESIDE}5"].value == "ask the CHA"
    assert ws["A200"].value == "notes below the table"
    assert ws.row_dimensions[6].height == 40
    assert ws["S3"].value in ("Accepted", "Deemed accepted", "Pending", "Rejected",
                              "Superseded", "Open", "Time-barred")


def test_a_table_that_shrinks_loses_its_old_rows_only(both, tmp_path):
    _, b = both
    path = tmp_path / "shrink.xlsx"
    shutil.copy(b, path)
    history = table_rows(path, "History")
    assert len(history) > 10
    wb = load_workbook(path)
    wb["History"]["J3"] = "kept beside"
    wb.save(path)
    book = StreamBook(path, quiet=True)
    book.write_table(HISTORY, history[:3])
    book.save()
    assert table_rows(path, "History") == history[:3]
    wb = load_workbook(path)
    ws = wb["History"]
    assert ws.tables["History"].ref == "A1:F4"
    assert ws["J3"].value == "kept beside"
    assert ws.max_row == 4  # no cell below the shrunk table (reading cells would add them)


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    path = tmp_path / "inj.xlsx"
    build_template(path, gstin=GSTIN)
    texts = ['=HYPERLINK("http://x","y")', "+cmd", "-2+3", "@SUM(A1:A9)", " edge ",
             "a & b < c", "bell\x07char"]
    book = StreamBook(path, quiet=True)
    book.write_table(BOOKS, [{"Voucher No": t, "IGST": Decimal("10.50"), "BoE Date":
                              date(2025, 10, 3)} for t in texts])
    book.save()
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(book._sheet_parts["Books"]).decode()
    assert "<f>" not in xml
    assert xml.count('t="inlineStr"') >= len(texts) + len(BOOKS.headers)  # header + body
    rows = table_rows(path, "Books")
    assert [r["Voucher No"] for r in rows] == texts[:-1] + ["bellchar"]
    assert all(r["IGST"] == 10.5 and r["BoE Date"] == datetime(2025, 10, 3) for r in rows)
    assert load_workbook(path)["Books"]["G2"].data_type == "s"


def test_dates_in_a_1904_workbook(tmp_path):
    path = tmp_path / "mac.xlsx"
    build_template(path, gstin=GSTIN)
    _rewrite_part(path, "xl/workbook.xml",
                  lambda x: x.replace(b"<workbookPr/>", b'<workbookPr date1904="1"/>'))
    book = StreamBook(path, quiet=True)
    book.write_table(BOOKS, [{"BoE No": "1234567", "BoE Date": date(2025, 10, 3)}])
    book.save()
    wb = load_workbook(path)
    assert wb.epoch.year == 1904
    assert wb["Books"]["C2"].value == datetime(2025, 10, 3)


def test_a_file_it_cannot_stream_goes_through_openpyxl(both, tmp_path):
    _, b = both
    path = tmp_path / "odd.xlsx"
    shutil.copy(b, path)
    book = StreamBook(path, quiet=True)
    part = book._sheet_parts["History"]
    # Cells without their references are valid XML that only the careful writer takes.
    _rewrite_part(path, part, lambda x: re.sub(rb'(<c) r="[A-Z]+\d+"', rb"\1", x))
    book = StreamBook(path, quiet=True)
    report = recompute(book, now=DEMO_NOW)
    assert book.fell_back and "reference" in book.fell_back
    assert report.versions > 30
    assert len(table_rows(path, "History")) > 30
    assert table_rows(path, "BoE") == table_rows(b, "BoE")


def test_a_formula_filled_down_goes_through_openpyxl(both, tmp_path):
    """Excel stores a formula filled down a column once, shared by the cells below it;
    rewriting one of them alone could orphan the others."""
    _, b = both
    path = tmp_path / "shared.xlsx"
    shutil.copy(b, path)
    part = StreamBook(path, quiet=True)._sheet_parts["BoE"]

    def share(xml: bytes) -> bytes:
        for ref, formula in ((b"P2", b'<f t="shared" ref="P2:P3" si="0">"note"</f>'),
                             (b"P3", b'<f t="shared" si="0"/>')):
            xml = re.sub(rb'<c r="' + ref + rb'"(?: s="(\d+)")?[^>]*?(?:/>|>.*?</c>)',
                         lambda m: b'<c r="' + ref + b'" s="' + (m.group(1) or b"0")
                         + b'" t="str">' + formula + b"<v>note</v></c>", xml, count=1,
                         flags=re.S)
        return xml
    _rewrite_part(path, part, share)
    book = StreamBook(path, quiet=True)
    recompute(book, now=DEMO_NOW)
    assert book.fell_back and "shared" in book.fell_back
    ws = load_workbook(path)["BoE"]
    # the formula becomes the value it showed, as through the ribbon (docs/decisions.md,
    # items 23 and 25); the other rows are as the streaming writer leaves them
    assert ws["P2"].value == ws["P3"].value == "note"
    assert len(table_rows(path, "BoE")) == len(table_rows(b, "BoE"))


def test_a_failed_save_leaves_the_workbook_as_it_was(both, tmp_path, monkeypatch):
    _, b = both
    path = tmp_path / "fail.xlsx"
    shutil.copy(b, path)
    before = path.read_bytes()
    book = StreamBook(path, quiet=True)
    rows = book.read_table(BOE)

    def broken(self, xml, out):
        out.write(xml[:1000])
        raise OSError("disk full")
    monkeypatch.setattr(sheet_xml.SheetWriter, "write", broken)
    book.write_table(BOE, rows)
    with pytest.raises(OSError):
        book.save()
    assert path.read_bytes() == before
    # nothing left but the workbook and its ims-xl lock file (kept for the next writer)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ims-xl.fail.xlsx.lock", "fail.xlsx"]


def test_reads_what_it_wrote_and_checks_tables(tmp_path):
    path = tmp_path / "t.xlsx"
    build_template(path, gstin=GSTIN)
    book = StreamBook(path, quiet=True)
    book.write_table(ACTION_LOG, [{"BoE Identity": "X", "New Action": "Accept"}])
    assert book.read_table(ACTION_LOG)[0]["New Action"] == "Accept"
    book.write_name("IMS_PERIOD", "102025")
    assert book.read_names(["IMS_PERIOD"]) == {"IMS_PERIOD": "102025"}
    with pytest.raises(InputError, match="IMS_NOPE"):
        book.write_name("IMS_NOPE", 1)
    book.save()
    assert load_workbook(path)["GSTR-2B"]["B3"].value == "102025"
    with pytest.raises(InputError, match="no such workbook"):
        StreamBook(tmp_path / "missing.xlsx")


def test_the_environment_can_choose_openpyxl(tmp_path, monkeypatch):
    path = tmp_path / "t.xlsx"
    build_template(path, gstin=GSTIN)
    assert isinstance(open_book(path), StreamBook)
    monkeypatch.setenv("IMS_XL_WRITER", "openpyxl")
    assert isinstance(open_book(path), OpenpyxlBook)


def test_a_workbook_libreoffice_saved(libreoffice, both, tmp_path):
    """LibreOffice writes shared strings and its own attributes; an accountant's formula in
    Remark keeps its cached value there, which is what the Action Log records."""
    _, b = both
    typed = tmp_path / "typed.xlsx"
    shutil.copy(b, typed)
    wb = load_workbook(typed)
    ws = wb["BoE"]
    ws["N3"] = "Accept"
    ws["P3"] = '=CONCATENATE("chk ","ok")'
    wb.save(typed)
    saved = recalculate(libreoffice, typed, tmp_path / "lo")
    with zipfile.ZipFile(saved) as zf:
        assert b't="s"' in zf.read("xl/worksheets/sheet3.xml")  # shared strings indeed
    a_path, b_path = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    shutil.copy(saved, a_path)
    shutil.copy(saved, b_path)
    recompute(OpenpyxlBook(a_path, quiet=True), now=DEMO_NOW)
    book = StreamBook(b_path, quiet=True)
    recompute(book, now=DEMO_NOW)
    assert book.fell_back is None
    for table in ("BoE", "Reconciliation", "History", "Books", "BoEList", "FetchBoE"):
        assert _but_twins(table_rows(b_path, table)) == _but_twins(table_rows(a_path, table)), \
            table
    # the Remark's hidden twin shows what the Remark showed: its value here, the same formula
    # through openpyxl (which reads formulas, not what they show)
    twin = AT_RECOMPUTE["Remark"]
    assert table_rows(b_path, "BoE")[1][twin] == "chk ok"
    assert table_rows(a_path, "BoE")[1][twin] == '=CONCATENATE("chk ","ok")'
    ws = load_workbook(b_path)["BoE"]
    assert ws["P3"].data_type == "f" and "CONCATENATE" in ws["P3"].value
    log = table_rows(b_path, "ActionLog")
    identity = ws["D3"].value
    assert any(e["Remark"] == "chk ok" and identity in e["BoE Identity"] for e in log)
    # and LibreOffice opens the result and recalculates the same figures
    again = recalculate(libreoffice, b_path, tmp_path / "lo2")
    values = load_workbook(again, data_only=True)["GSTR-3B"]
    expected = load_workbook(recalculate(libreoffice, a_path, tmp_path / "lo3"),
                             data_only=True)["GSTR-3B"]
    assert [[c.value for c in r] for r in values.iter_rows(max_row=30)] == \
        [[c.value for c in r] for r in expected.iter_rows(max_row=30)]


def _but_twins(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in AT_RECOMPUTE.values()} for r in rows]


def _rewrite_part(path: Path, part: str, change) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, change(data) if info.filename == part else data)
    tmp.replace(path)


def test_what_excel_adds_to_a_file(both, tmp_path):
    """Excel writes row spans and its own namespaced attributes, and a calcChain.xml part
    listing every formula cell; the streamed file keeps the attributes (spans are recounted
    by Excel), drops calcChain.xml with its relationship and content type, and still opens."""
    _, b = both
    path = tmp_path / "excel.xlsx"
    shutil.copy(b, path)
    book = StreamBook(path, quiet=True)
    part = book._sheet_parts["BoE"]
    x14ac = (b' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
             b' mc:Ignorable="x14ac"'
             b' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"')
    chain_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data = data.replace(b"<worksheet ", b"<worksheet" + x14ac + b" ", 1)
                data = re.sub(rb'<row r="(\d+)"', rb'<row r="\1" spans="1:24" '
                              rb'x14ac:dyDescent="0.25"', data)
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/calcChain.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocument.'
                                    b'spreadsheetml.calcChain+xml"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="'
                                    + chain_type.encode() + b'" Target="calcChain.xml"/>'
                                    b"</Relationships>")
            zout.writestr(info, data)
        zout.writestr("xl/calcChain.xml", '<calcChain xmlns="http://schemas.openxmlformats.org/'
                      'spreadsheetml/2006/main"><c r="B6" i="10"/></calcChain>')
    tmp.replace(path)
    book = StreamBook(path, quiet=True)
    recompute(book, now=DEMO_NOW)
    assert book.fell_back is None
    with zipfile.ZipFile(path) as zf:
        assert "xl/calcChain.xml" not in zf.namelist()
        assert b"calcChain" not in zf.read("[Content_Types].xml")
        assert b"calcChain" not in zf.read("xl/_rels/workbook.xml.rels")
        xml = zf.read(part)
    rows = re.findall(rb"<row [^>]*>", xml)
    assert len(rows) == len(table_rows(b, "BoE")) + 1
    assert all(b'x14ac:dyDescent="0.25"' in r and b"spans=" not in r for r in rows[1:])
    assert table_rows(path, "BoE") == table_rows(b, "BoE")


def test_a_column_the_accountant_added_to_the_table_keeps_its_values(both, tmp_path):
    from openpyxl.worksheet.table import TableColumn

    _, b = both
    path = tmp_path / "extra.xlsx"
    shutil.copy(b, path)
    wb = load_workbook(path)
    ws = wb["BoE"]
    table = ws.tables["BoE"]
    last = ws.max_row
    added = get_column_letter(len(BOE.columns) + 1)   # right of the table's last column
    table.ref = f"A1:{added}{last}"
    table.autoFilter.ref = table.ref
    table.tableColumns.append(TableColumn(id=len(BOE.columns) + 1, name="My Note"))
    ws[f"{added}1"] = "My Note"
    ws[f"{added}3"] = "called the CHA"
    wb.save(path)
    book = StreamBook(path, quiet=True)
    recompute(book, now=DEMO_NOW)
    assert book.fell_back is None
    rows = table_rows(path, "BoE")
    assert rows[1]["My Note"] == "called the CHA"
    assert [r["Status"] for r in rows] == [r["Status"] for r in table_rows(b, "BoE")]
    assert load_workbook(path)["BoE"].tables["BoE"].ref == f"A1:{added}{last}"


def test_each_kind_of_value_as_cell_xml():
    from datetime import time as clock

    from ims_xl.workbook.layout import Formula
    from openpyxl.utils.datetime import WINDOWS_EPOCH
    cell = sheet_xml.cell_xml
    assert cell("A1", Decimal("1234.50"), 3, WINDOWS_EPOCH) == '<c r="A1" s="3"><v>1234.50</v></c>'
    assert cell("A1", Decimal("1E+2"), 0, WINDOWS_EPOCH) == '<c r="A1"><v>100</v></c>'
    assert cell("A1", 7, 0, WINDOWS_EPOCH) == '<c r="A1"><v>7</v></c>'
    assert cell("A1", True, 0, WINDOWS_EPOCH) == '<c r="A1" t="b"><v>1</v></c>'
    assert cell("A1", float("nan"), 0, WINDOWS_EPOCH) == '<c r="A1" t="e"><v>#NUM!</v></c>'
    assert cell("A1", float("inf"), 0, WINDOWS_EPOCH) == '<c r="A1" t="e"><v>#NUM!</v></c>'
    assert cell("A1", date(2025, 10, 3), 5, WINDOWS_EPOCH) == '<c r="A1" s="5"><v>45933</v></c>'
    assert cell("A1", datetime(2025, 10, 3, 12), 0, WINDOWS_EPOCH) == \
        '<c r="A1"><v>45933.5</v></c>'
    assert cell("A1", clock(6), 0, WINDOWS_EPOCH) == '<c r="A1"><v>0.25</v></c>'
    assert cell("A1", Formula("SUM(B1:B2)"), 0, WINDOWS_EPOCH) == \
        '<c r="A1"><f>SUM(B1:B2)</f></c>'
    assert cell("A1", "", 4, WINDOWS_EPOCH) == '<c r="A1" s="4"/>'
    assert cell("A1", None, 0, WINDOWS_EPOCH) == ""
    assert cell("A1", " a<b ", 0, WINDOWS_EPOCH) == \
        '<c r="A1" t="inlineStr"><is><t xml:space="preserve"> a&lt;b </t></is></c>'

"""FastBook, the read-only reader of summary and export: its safety check restricted to the
sheets it reads, and reading only some columns of a table."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from ims_xl.io import Codes, Limits
from ims_xl.io import xlsx
from ims_xl.problems import InputError
from ims_xl.workbook.fast_book import FastBook, _some_columns
from ims_xl.workbook.layout import ACTION_LOG, BOE
from ims_xl.workbook.rows import version_key
from ims_xl.workbook.state import (LOG_COLUMNS, VERSION_COLUMNS, actions_from_log, read_state,
                                   sheets_read)

from test_io_support import LAUGHS, codes, one, patch_declared_size, raw_xlsx, sheet_xml, sst_xml
from workbook_helpers import demo_workbook

CELLS = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>5</v></c></row>'
FAR = '<row r="1"><c r="A1"><v>1</v></c></row><row r="900000"><c r="ZZ900000"><v>1</v></c></row>'
SUMMARY_SHEETS = sheets_read(with_books=False)


# --- check_workbook(..., sheets=...) -----------------------------------------------------------

def test_restricted_check_refuses_an_entity_bomb_in_any_sheet(tmp_path):
    path = raw_xlsx(tmp_path / "laughs.xlsx",
                    sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'
                              '</row>', LAUGHS), sst_xml(["x"]))
    for sheets in (["Sheet1"], []):  # read or not, every part's prolog is looked at
        p = one(xlsx.check_workbook(path, sheets=sheets), Codes.XML_ENTITIES)
        assert p.value == "xl/worksheets/sheet1.xml" and "billion laughs" in p.message


def test_restricted_check_keeps_the_size_checks_of_every_member(tmp_path):
    path = raw_xlsx(tmp_path / "ratio.xlsx", sheet_xml(CELLS), sst_xml(["x"]),
                    extra={"xl/worksheets/sheet9.xml": b"\x00" * (3 * 1024 * 1024)})
    limits = Limits(ratio_min_size=1024 * 1024)
    for sheets in (["Sheet1"], []):
        p = one(xlsx.check_workbook(path, limits=limits, sheets=sheets), Codes.ZIP_BOMB)
        assert p.value == "xl/worksheets/sheet9.xml"
    total = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    assert codes(xlsx.check_workbook(path, limits=Limits(max_total=total - 1), sheets=[])) == [
        Codes.ZIP_BOMB]
    patch_declared_size(path, "xl/worksheets/sheet1.xml", 0xFFFFFFF0)
    assert "zip bomb" in one(xlsx.check_workbook(path, sheets=[]), Codes.ZIP_BOMB).message


def test_restricted_check_reads_through_the_sheets_it_is_given(tmp_path):
    liar = raw_xlsx(tmp_path / "liar.xlsx", sheet_xml(CELLS), sst_xml(["x"]))
    patch_declared_size(liar, "xl/worksheets/sheet1.xml", 10)
    assert one(xlsx.check_workbook(liar, sheets=["Sheet1"]),
               Codes.WORKBOOK_DAMAGED).value == "xl/worksheets/sheet1.xml"
    far = raw_xlsx(tmp_path / "far.xlsx", sheet_xml(FAR), sst_xml(["x"]))
    assert codes(xlsx.check_workbook(far, sheets=["Sheet1"])) == [Codes.SHEET_TOO_BIG]
    assert codes(xlsx.check_workbook(far)) == [Codes.SHEET_TOO_BIG]
    # a sheet the caller never reads is not unpacked: nothing reads its cells
    assert xlsx.check_workbook(far, sheets=[]) == []


# --- FastBook(path, sheets=...) on an ims-xl workbook -------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_workbook(tmp_path_factory.mktemp("demo"))


def _sheet_part(path: Path, sheet: str) -> str:
    with zipfile.ZipFile(path) as zf:
        rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(
            zf.read("xl/_rels/workbook.xml.rels"))}
        for s in ET.fromstring(zf.read("xl/workbook.xml")).iter(
                "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"):
            if s.get("name") == sheet:
                target = rels[s.get(
                    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]
                return posixpath.normpath(target[1:] if target.startswith("/")
                                          else posixpath.join("xl", target))
    raise KeyError(sheet)


def _replace_sheet(src: Path, dst: Path, sheet: str, xml: str) -> Path:
    part = _sheet_part(src, sheet)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, xml if info.filename == part else zin.read(info))
    return dst


@pytest.mark.parametrize("sheet", ["BoE", "Action Log", "Settings"])
def test_fast_book_refuses_an_entity_bomb_in_a_sheet_it_reads(demo, tmp_path, sheet):
    path = _replace_sheet(demo, tmp_path / "bomb.xlsx", sheet, sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>', LAUGHS))
    with pytest.raises(InputError, match="billion laughs") as caught:
        FastBook(path, sheets=SUMMARY_SHEETS)
    assert codes(caught.value.problems) == [Codes.XML_ENTITIES]


def test_fast_book_refuses_a_lying_size_in_a_sheet_it_reads(demo, tmp_path):
    path = tmp_path / "liar.xlsx"
    path.write_bytes(demo.read_bytes())
    patch_declared_size(path, _sheet_part(demo, "BoE"), 10)
    with pytest.raises(InputError) as caught:
        FastBook(path, sheets=SUMMARY_SHEETS)
    assert codes(caught.value.problems) == [Codes.WORKBOOK_DAMAGED]


def test_fast_book_checks_another_sheet_before_reading_it(demo, tmp_path):
    path = _replace_sheet(demo, tmp_path / "far.xlsx", "History", sheet_xml(FAR))
    with pytest.raises(InputError, match="reaches cell row"):
        FastBook(path)                                   # the full check, as before
    book = FastBook(path, sheets=SUMMARY_SHEETS)         # History is not among them
    assert read_state(book, with_books=False).versions
    with pytest.raises(InputError, match="reaches cell row") as caught:
        book._grid("History")                            # a read outside them: checked first
    assert codes(caught.value.problems) == [Codes.SHEET_TOO_BIG]


# --- read_table(spec, columns=...) and read_state(..., boe_columns=..., log_columns=...) -------

def test_some_columns_are_the_same_cells_as_all_columns(demo):
    book = FastBook(demo)
    for spec, columns in ((BOE, VERSION_COLUMNS + ("Action", "Remark")),
                          (ACTION_LOG, LOG_COLUMNS), (BOE, ("Remark", "No Such Column"))):
        full = book.read_table(spec)
        assert full
        assert book.read_table(spec, columns=columns) == [
            {c: r[c] for c in columns if c in r} for r in full]


def test_a_row_blank_only_in_the_chosen_columns_is_kept():
    grid = [["Port Code", "BoE No", "Remark"],
            ["INNSA1", 123.0, ""],
            ["", "", "typed a remark only"],     # not empty: the table has a value in it
            ["", "", ""],                        # empty: left out, as read_table does
            ["INMAA1"]]                          # a short line: the missing cells are blank
    headers = {"Port Code": 1, "BoE No": 2, "Remark": 3}
    assert _some_columns(grid, 1, 5, headers, ["BoE No", "Port Code"]) == [
        {"BoE No": 123.0, "Port Code": "INNSA1"}, {"BoE No": None, "Port Code": None},
        {"BoE No": None, "Port Code": "INMAA1"}]


def test_read_state_with_some_columns_reads_the_same_state(demo):
    full = read_state(FastBook(demo), with_books=False)
    lean = read_state(FastBook(demo, sheets=SUMMARY_SHEETS), with_books=False,
                      boe_columns=VERSION_COLUMNS, log_columns=LOG_COLUMNS)
    assert lean.versions == full.versions and lean.keys == full.keys
    assert lean.row_problems == full.row_problems and lean.problems == full.problems
    assert actions_from_log(lean) == actions_from_log(full)
    assert all(set(r) == set(VERSION_COLUMNS) for r in lean.boe_rows)
    # keys built with the date cache are the keys version_key gives one by one
    assert lean.keys == [version_key(v) for v in full.versions]


# --- reading side by side, and versions straight from the columns ------------------------------

def test_prefetched_sheets_are_the_sheets_read_in_turn(demo):
    plain = FastBook(demo)
    book = FastBook(demo)
    book.prefetch(["BoE", "Action Log", "No Such Sheet"])
    assert book._grid("BoE") == plain._grid("BoE")
    assert book._grid("Action Log") == plain._grid("Action Log")
    with pytest.raises(Exception):   # a failed background read is read (and reported) again
        book._grid("No Such Sheet")


def test_versions_from_columns_match_versions_from_rows_with_bad_cells(demo, tmp_path):
    from openpyxl import load_workbook

    from ims_xl.workbook.state import ColumnRows
    path = tmp_path / "bad.xlsx"
    wb = load_workbook(demo)
    ws = wb["BoE"]
    ws["E3"] = "31-02-2025"          # not a date: the careful path and its problem
    ws["I4"] = "12,000.50"           # an amount typed as text
    ws["A5"] = "IMPGA"               # a section word the plain path does not take
    wb.save(path)
    full = read_state(FastBook(path), with_books=False)
    lean = read_state(FastBook(path, sheets=SUMMARY_SHEETS), with_books=False,
                      boe_columns=VERSION_COLUMNS, log_columns=LOG_COLUMNS)
    assert isinstance(lean.boe_rows, ColumnRows) and len(lean.boe_rows) == len(full.boe_rows)
    assert lean.versions == full.versions and lean.keys == full.keys
    assert lean.row_problems == full.row_problems and 1 in lean.row_problems
    assert lean.boe_rows[1] == {c: full.boe_rows[1][c] for c in lean.boe_rows.names}
    assert list(lean.boe_rows)[2] == lean.boe_rows[2] == lean.boe_rows[:3][2]

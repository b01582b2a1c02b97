"""Opening untrusted workbooks: not-a-workbook files, zip bombs, XML entity bombs, huge sheets."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ims_xl.io import Codes, Limits, load_boe_list, load_books, load_gstr2b_excel
from ims_xl.io import xlsx
from ims_xl.io.tabular import read_grids

from test_io_support import (LAUGHS, codes, one, patch_declared_size, raw_xlsx, simple_workbook,
                             sheet_xml, sst_xml)

HEADER = ["Port Code", "BE No", "BE Date", "IGST"]
ROW = ["INNSA1", "2566282", "03-10-2025", 18000]


def good_workbook(path: Path) -> Path:
    return simple_workbook(path, [HEADER, ROW])


def test_defusedxml_is_active_in_openpyxl():
    """openpyxl parses worksheets and shared strings with defusedxml's iterparse."""
    from openpyxl.reader import strings
    from openpyxl.worksheet import _reader
    assert openpyxl.DEFUSEDXML is True
    assert _reader.iterparse.__module__.startswith("defusedxml")
    assert strings.iterparse.__module__.startswith("defusedxml")


def test_good_workbook_passes_the_checks(tmp_path):
    path = good_workbook(tmp_path / "ok.xlsx")
    assert xlsx.check_workbook(path) == []
    for engine in ("calamine", "openpyxl"):
        wb, problems = xlsx.open_workbook(path, engine=engine)
        assert problems == [] and wb.engine == engine
        with wb:
            assert wb.rows("Sheet1") == [HEADER, ["INNSA1", "2566282", "03-10-2025", 18000]]


# --- not a workbook ----------------------------------------------------------------------------

@pytest.mark.parametrize("content, words", [
    (b"Port Code,BE No\nINNSA1,2566282\n", "not an Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old Excel 97-2003 (.xls)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le"),
     "password"),
    (b"<html><body><table><tr><td>Port Code</td></tr></table></body></html>", "web page"),
    (b"\x00\x01\x02garbage", "not an Excel workbook"),
    (b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns='
     b'"urn:schemas-microsoft-com:office:spreadsheet"></Workbook>', "Excel 2003 XML"),
])
def test_not_a_workbook(tmp_path, content, words):
    path = tmp_path / "data.xlsx"
    path.write_bytes(content)
    p = one(xlsx.check_workbook(path), Codes.NOT_A_WORKBOOK)
    assert p.file == "data.xlsx" and words in p.message
    assert "Save As" in p.fix or "password" in p.fix
    # every loader turns it into the same problem, never an exception
    for load in (load_gstr2b_excel(path), load_boe_list(path), load_books(path)):
        assert codes(load.problems) == [Codes.NOT_A_WORKBOOK]


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "docs.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    assert one(xlsx.check_workbook(path), Codes.NOT_A_WORKBOOK).message.startswith(
        "This is a zip file")


def test_word_document_named_xlsx(tmp_path):
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types><Override ContentType='
                   '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
                   'main+xml"/></Types>')
        z.writestr("word/document.xml", "<w:document/>")
    assert "not an Excel workbook" in one(xlsx.check_workbook(path), Codes.NOT_A_WORKBOOK).message


def test_xlsb_is_refused_with_advice(tmp_path):
    path = tmp_path / "book.xlsb"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x00")
    assert ".xlsb" in one(xlsx.check_workbook(path), Codes.NOT_A_WORKBOOK).message


def test_damaged_zip(tmp_path):
    path = good_workbook(tmp_path / "ok.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert codes(xlsx.check_workbook(path)) == [Codes.WORKBOOK_DAMAGED]


def test_empty_and_missing_files(tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert codes(xlsx.check_workbook(tmp_path / "empty.xlsx")) == [Codes.FILE_EMPTY]
    assert codes(xlsx.check_workbook(tmp_path / "none.xlsx")) == [Codes.FILE_NOT_FOUND]
    assert codes(load_books(tmp_path / "none.xlsx").problems) == [Codes.FILE_NOT_FOUND]


# --- zip bombs ---------------------------------------------------------------------------------

def test_highly_compressed_member_is_a_zip_bomb(tmp_path):
    path = good_workbook(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/pad.bin", b"\x00" * (3 * 1024 * 1024))  # ~1000:1
    assert xlsx.check_workbook(path) == []  # under the default 10 MB threshold
    limits = Limits(ratio_min_size=1024 * 1024)
    p = one(xlsx.check_workbook(path, limits=limits), Codes.ZIP_BOMB)
    assert p.value == "xl/media/pad.bin" and "zip bomb" in p.message
    assert codes(load_boe_list(path, limits=limits).problems) == [Codes.ZIP_BOMB]


def test_total_unpacked_size_over_the_limit(tmp_path):
    path = good_workbook(tmp_path / "big.xlsx")
    total = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    p = one(xlsx.check_workbook(path, limits=Limits(max_total=total - 1)), Codes.ZIP_BOMB)
    assert p.value == f"{total} bytes"


def test_member_declaring_four_gigabytes_is_refused_before_reading(tmp_path):
    path = good_workbook(tmp_path / "declared.xlsx")
    patch_declared_size(path, "xl/worksheets/sheet1.xml", 0xFFFFFFF0)
    started = time.monotonic()
    p = one(xlsx.check_workbook(path), Codes.ZIP_BOMB)
    assert time.monotonic() - started < 5
    assert "unpacks to 4096 MB" in p.message


def test_member_lying_about_a_smaller_size_is_damaged(tmp_path):
    path = good_workbook(tmp_path / "liar.xlsx")
    patch_declared_size(path, "xl/worksheets/sheet1.xml", 10)
    p = one(xlsx.check_workbook(path), Codes.WORKBOOK_DAMAGED)
    assert p.value == "xl/worksheets/sheet1.xml"


# --- XML entity bombs --------------------------------------------------------------------------

CELLS = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>5</v></c></row>'


@pytest.mark.parametrize("where", ["sheet", "sharedStrings"])
def test_billion_laughs_is_refused(tmp_path, where):
    if where == "sheet":
        path = raw_xlsx(tmp_path / "laughs.xlsx",
                        sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is>'
                                  '</c></row>', LAUGHS), sst_xml(["x"]))
        member = "xl/worksheets/sheet1.xml"
    else:
        path = raw_xlsx(tmp_path / "laughs.xlsx", sheet_xml(CELLS),
                        sst_xml(["&lol9;"], LAUGHS))
        member = "xl/sharedStrings.xml"
    started = time.monotonic()
    p = one(xlsx.check_workbook(path), Codes.XML_ENTITIES)
    assert p.value == member and "billion laughs" in p.message
    for load in (load_boe_list(path), load_books(path), load_gstr2b_excel(path)):
        assert codes(load.problems) == [Codes.XML_ENTITIES]
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_readers_own_defences_against_entities(tmp_path, engine):
    """Even past our check, neither reader expands entities: a problem, not a hang."""
    path = raw_xlsx(tmp_path / "laughs.xlsx", sheet_xml(CELLS), sst_xml(["&lol9;"], LAUGHS))
    started = time.monotonic()
    wb, problems = xlsx.open_workbook(path, engine=engine, checked=False)
    if wb is not None:
        with wb:
            rows = list(xlsx.read_sheets(wb, wb.sheet_names))
        problems = [p for _, _, p in rows if p]
        assert all(r is None or "lol" * 100 not in str(r) for _, r, _ in rows)
    assert codes(problems) == [Codes.WORKBOOK_DAMAGED]
    assert time.monotonic() - started < 5


def test_external_entity_is_refused(tmp_path):
    xxe = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    path = raw_xlsx(tmp_path / "xxe.xlsx", sheet_xml(CELLS), sst_xml(["&e;"], xxe))
    assert codes(xlsx.check_workbook(path)) == [Codes.XML_ENTITIES]


def test_entity_check_reads_only_the_prolog():
    assert xlsx._declares_doctype(b'<?xml version="1.0"?>\n<!-- c --><worksheet>') is False
    assert xlsx._declares_doctype(b'\xef\xbb\xbf<?xml version="1.0"?><!DOCTYPE x><w/>') is True
    assert xlsx._declares_doctype('<?xml version="1.0"?><!DOCTYPE x><w/>'.encode("utf-16")) \
        is True
    # text that mentions <!DOCTYPE inside the data is not a declaration
    assert xlsx._declares_doctype(b"<sst><si><t>&lt;!DOCTYPE</t></si></sst>") is False


# --- sheet extent ------------------------------------------------------------------------------

def test_two_cells_far_apart_are_refused(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Port Code"
    wb.active["XFD1048576"] = "x"
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    assert path.stat().st_size < 20_000
    p = one(xlsx.check_workbook(path), Codes.SHEET_TOO_BIG)
    assert "1048576" in p.message
    assert codes(load_books(path).problems) == [Codes.SHEET_TOO_BIG]


def test_tall_narrow_sheet_within_limit_is_fine(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.active["C200000"] = "y"
    path = tmp_path / "tall.xlsx"
    wb.save(path)
    assert xlsx.check_workbook(path) == []
    assert codes(xlsx.check_workbook(path, limits=Limits(max_cells=500_000))) == [
        Codes.SHEET_TOO_BIG]


# --- values are data, never formulas ------------------------------------------------------------

def test_formula_looking_text_is_kept_as_text(tmp_path):
    path = simple_workbook(tmp_path / "f.xlsx", [HEADER + ["Supplier Name", "Supplier GSTIN"],
                                                 ROW + [None, "24AAUPV7468F1ZW"]],
                           text_cells={"E2": '=HYPERLINK("http://evil","click")'})
    for engine in ("calamine", "openpyxl"):
        load = load_boe_list(path, engine=engine)
        assert load.records[0].supplier_name == '=HYPERLINK("http://evil","click")'


def test_real_formula_gives_its_saved_value_only(tmp_path):
    """A formula without a saved value (never calculated) reads as empty: nothing is evaluated."""
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.active.append(["INNSA1", "2566282", "03-10-2025", "=1000+8000"])
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    for engine in ("calamine", "openpyxl"):
        load = load_boe_list(path, engine=engine)
        assert load.records[0].igst == 0 and load.records[0].amount_problems == ()


def test_read_grids_numbers_rows_as_the_spreadsheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["B3"] = "x"
    path = tmp_path / "g.xlsx"
    wb.save(path)
    grids, problems = read_grids(path)
    assert problems == [] and grids[0].rows[2] == (3, [None, "x"])

"""Hostile inputs cannot exhaust memory or pass silently (issue 11).

Every file here is built in the test and given to the real command line under a 3 GiB
address-space cap, so that a regression fails at once instead of eating the shared machine
(before these checks, calamine tried to allocate 512 GiB and aborted the process). Each case
must end in exit 2, one message naming the file and what is wrong, no traceback, and the
accountant's workbook byte for byte as it was.
"""

from __future__ import annotations

import copy
import json
import posixpath
import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import GSTIN, run_cli
from ims_xl.io import Codes, Limits, xlsx
from ims_xl.io.sheet_reach import BOX, ExactReach, FastReach
from ims_xl.demo import demo_data_dir
from test_io_support import raw_xlsx, sheet_xml, sst_xml
from test_worked_examples import BASE

CAP = 3 * 1024 ** 3
DATA = demo_data_dir()
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
FAR = "<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>"   # single quotes


def cli(*args: str, cap: int = CAP):
    proc = run_cli(*args, memory_cap=cap, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def refused(proc, file: str, *words: str) -> str:
    """The process said no, in one message naming the file and what is wrong."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    first = proc.stderr.strip().splitlines()[0]
    assert f"{file}:" in first, first
    for word in words:
        assert word in first, (word, first)
    return first


# --- building files -----------------------------------------------------------------------------

def books_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Voucher No", "Bill of Entry No.", "Bill of Entry Date", "Port Code", "IGST"])
    ws.append(["V1", "2566282", "03-10-2025", "INNSA1", 18000])
    wb.save(path)
    return path


def rezip(src: Path, dst: Path, edit) -> Path:
    """Copy a zip, passing each (name, bytes) through ``edit``, which returns the members to
    write in its place (none, one, or several: a repeated name is written as given)."""
    with zipfile.ZipFile(src) as zin:
        members = [(i.filename, zin.read(i)) for i in zin.infolist()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # zipfile warns about a repeated name: that is the point
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for name, data in members:
                for new_name, new_data in edit(name, data):
                    zout.writestr(new_name, new_data)
    return dst


def sheet_part(path: Path, sheet: str) -> str:
    """The zip member of a sheet, through workbook.xml and its relationships."""
    with zipfile.ZipFile(path) as z:
        rels = dict(re.findall(rb'Target="([^"]+)" Id="([^"]+)"',
                               z.read("xl/_rels/workbook.xml.rels")))
        rels = {rid.decode(): target.decode() for target, rid in rels.items()}
        for tag in re.findall(rb"<sheet [^>]*>", z.read("xl/workbook.xml")):
            if f'name="{sheet}"'.encode() in tag:
                rid = re.search(rb'r:id="([^"]+)"', tag).group(1).decode()
                target = rels[rid]
                return target[1:] if target.startswith("/") else posixpath.join("xl", target)
    raise KeyError(sheet)


def add_cells(part: str, xml: str):
    """An edit that appends rows to one sheet part's sheetData."""
    def edit(name, data):
        if name == part:
            assert b"</sheetData>" in data
            data = data.replace(b"</sheetData>", xml.encode() + b"</sheetData>", 1)
        return [(name, data)]
    return edit


def rename_part(part: str, new: str, xml: str = ""):
    """An edit that moves a sheet part to another name (relationships and content types
    follow), appending rows to it."""
    old_target, new_target = part.removeprefix("xl/"), new.removeprefix("xl/")
    def edit(name, data):
        if name == part:
            data = data.replace(b"</sheetData>", xml.encode() + b"</sheetData>", 1)
            return [(new, data)]
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(old_target.encode(), new_target.encode())
            assert new_target.encode() in data
        if name == "[Content_Types].xml":
            data = data.replace(f"/{part}".encode(), f"/{new}".encode())
        return [(name, data)]
    return edit


def repeat_part(part: str, old: bytes, new: bytes):
    """An edit that writes a sheet part twice: as it was, then with ``old`` replaced by
    ``new`` (which copy does a reader take?)."""
    def edit(name, data):
        if name == part:
            assert old in data
            return [(name, data), (name, data.replace(old, new, 1))]
        return [(name, data)]
    return edit


# --- input workbooks: load --books ---------------------------------------------------------------

REACHES = "reaches cell row 1048576, column 16384"
NEVER = "reference Excel never writes"
FAR_DQ = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'   # the old check saw this one
# Each is a trick calamine takes and the old check (double quotes, [A-Z]{1,3}[0-9]{1,7}, parts
# named *.xml) did not: the process aborted, or the file loaded as if nothing were wrong.
INPUTS = {
    "single-quoted reference": (FAR, REACHES),
    "reference repeated in a tag (the last one wins)": (
        """<row r="3"><c r="A3" r='XFD1048576'><v>1</v></c></row>""", REACHES),
    "spaces around the equals sign": (
        '<row r="3"><c r = "XFD1048576"><v>1</v></c></row>', REACHES),
    "reference after another attribute, no space": (
        '<row r="3"><c t="n"r="XFD1048576"><v>1</v></c></row>', REACHES),
    "cells without a reference in a far row": (
        '<row r="1048576"><c><v>1</v></c></row><row r="3"><c r="XFD3"><v>1</v></c></row>',
        REACHES),
    "prefixed cell tag without a reference": (
        f'<row r="1048576"><x:c xmlns:x="{MAIN_NS}"><x:v>1</x:v></x:c></row>'
        '<row r="3"><c r="XFD3"><v>1</v></c></row>', REACHES),
    "reference in lower case": ('<row r="3"><c r="xfd1048576"><v>1</v></c></row>', NEVER),
    "reference with leading zeros": (
        '<row r="3"><c r="XFD0001048576"><v>1</v></c></row>', NEVER),
    "reference spelled with a character reference": (
        '<row r="3"><c r="&#88;FD1048576"><v>1</v></c></row>', NEVER),
}


@pytest.fixture
def book(tmp_path) -> Path:
    """A fresh ims-xl workbook (with its GSTIN)."""
    path = tmp_path / "book.xlsx"
    assert run_cli("template", str(path), "--gstin", GSTIN).returncode == 0
    return path


def assert_load_refused(book: Path, option: str, hostile: Path, *words: str) -> None:
    before = book.read_bytes()
    refused(cli("load", str(book), option, str(hostile)), hostile.name, *words)
    assert book.read_bytes() == before


@pytest.mark.parametrize("case", list(INPUTS))
def test_load_refuses_an_input_workbook_reaching_too_far(book, tmp_path, case):
    xml, words = INPUTS[case]
    good = books_xlsx(tmp_path / "good.xlsx")
    hostile = rezip(good, tmp_path / "hostile.xlsx", add_cells("xl/worksheets/sheet1.xml", xml))
    assert hostile.stat().st_size < 20_000
    assert_load_refused(book, "--books", hostile, words)


@pytest.mark.parametrize("new", ["xl/worksheets/data", "xl/worksheets/sheet1.bin",
                                 "xl/elsewhere/part7"])
@pytest.mark.parametrize("option", ["--books", "--boe-list"])
def test_a_sheet_part_is_checked_whatever_its_name(book, tmp_path, new, option):
    good = books_xlsx(tmp_path / "good.xlsx")
    hostile = rezip(good, tmp_path / "hostile.xlsx",
                    rename_part("xl/worksheets/sheet1.xml", new, FAR_DQ))
    assert_load_refused(book, option, hostile, REACHES, new)


def test_a_far_dimension_is_refused(book, tmp_path):
    good = books_xlsx(tmp_path / "good.xlsx")
    def edit(name, data):
        if name == "xl/worksheets/sheet1.xml":
            data = re.sub(rb'<dimension ref="[^"]*"/>', b"<dimension ref='A1:XFD1048576'/>", data)
            assert b"XFD1048576" in data
        return [(name, data)]
    assert_load_refused(book, "--books", rezip(good, tmp_path / "dim.xlsx", edit), REACHES)


def test_a_part_given_twice_is_refused(book, tmp_path):
    good = books_xlsx(tmp_path / "good.xlsx")
    hostile = rezip(good, tmp_path / "twice.xlsx",
                    repeat_part("xl/worksheets/sheet1.xml", b"<v>18000</v>", b"<v>99999</v>"))
    with zipfile.ZipFile(hostile) as z:
        assert [i.filename for i in z.infolist()].count("xl/worksheets/sheet1.xml") == 2
    assert_load_refused(book, "--books", hostile,
                        "two parts named xl/worksheets/sheet1.xml")
    # the same name in another case is the same part to calamine
    def edit(name, data):
        return [(name, data)] + ([("XL/Worksheets/Sheet1.xml", data)]
                                 if name == "xl/worksheets/sheet1.xml" else [])
    assert_load_refused(book, "--books", rezip(good, tmp_path / "case.xlsx", edit),
                        "two parts named XL/Worksheets/Sheet1.xml")


def test_shared_strings_claiming_billions_of_texts_are_refused(book, tmp_path):
    header = ["Voucher No", "Bill of Entry No.", "Port Code", "IGST"]
    cells = "".join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate("ABCD"))
    sst = sst_xml(header).replace('uniqueCount="4"', 'uniqueCount="4000000000"')
    hostile = raw_xlsx(tmp_path / "strings.xlsx", sheet_xml(f'<row r="1">{cells}</row>'), sst)
    assert_load_refused(book, "--books", hostile, "says it holds 4,000,000,000 texts")


def test_a_sheet_not_in_utf8_is_refused(book, tmp_path):
    """The scan reads bytes: a sheet in UTF-16 would hide its references from it."""
    good = books_xlsx(tmp_path / "good.xlsx")
    def edit(name, data):
        if name == "xl/worksheets/sheet1.xml":
            text = data.decode().replace("</sheetData>", FAR_DQ + "</sheetData>")
            data = ('<?xml version="1.0" encoding="UTF-16"?>'
                    + text.split("?>", 1)[-1]).encode("utf-16")
        return [(name, data)]
    assert_load_refused(book, "--books", rezip(good, tmp_path / "utf16.xlsx", edit), "UTF-16")


def test_ordinary_input_workbooks_still_load(book, tmp_path):
    """The checks do not refuse what Excel and openpyxl write: the control for the above."""
    good = books_xlsx(tmp_path / "good.xlsx")
    proc = cli("load", str(book), "--books", str(good))
    assert proc.returncode == 0, proc.stderr
    assert "1 book line(s)" in proc.stdout


# --- the ims-xl workbook itself: summary and recompute --------------------------------------------

@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    """An ims-xl workbook with November's GSTR-2B loaded."""
    path = tmp_path_factory.mktemp("loaded") / "book.xlsx"
    for args in (("template", str(path), "--gstin", GSTIN),
                 ("load", str(path), "--gstr2b", str(DATA / "gstr2a_112025.json"))):
        proc = run_cli(*args)
        assert proc.returncode == 0, proc.stderr
    return path


def hostile_workbook(loaded: Path, tmp_path: Path, edit) -> Path:
    return rezip(loaded, tmp_path / "hostile_workbook.xlsx", edit)


COMMANDS = {"summary": ["summary", "--period", "112025"], "recompute": ["recompute"]}


def assert_workbook_refused(path: Path, command: str, *words: str) -> None:
    before = path.read_bytes()
    name, *rest = COMMANDS[command]
    refused(cli(name, str(path), *rest), path.name, *words)
    assert path.read_bytes() == before


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_far_cell_in_the_workbook_is_refused(loaded, tmp_path, command):
    path = hostile_workbook(loaded, tmp_path, add_cells(sheet_part(loaded, "BoE"), FAR))
    assert_workbook_refused(path, command, "The sheet 'BoE'", REACHES)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_workbook_sheet_part_not_named_xml_is_checked(loaded, tmp_path, command):
    """summary checks only the sheets it reads (FastBook's sheets=): a renamed BoE part
    is still one of them."""
    part = sheet_part(loaded, "BoE")
    path = hostile_workbook(loaded, tmp_path, rename_part(part, "xl/worksheets/data", FAR_DQ))
    assert_workbook_refused(path, command, "The sheet 'BoE' (xl/worksheets/data)", REACHES)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_workbook_part_given_twice_is_refused(loaded, tmp_path, command):
    part = sheet_part(loaded, "BoE")
    benign = b'<row r="5000"><c r="A5000" t="inlineStr"><is><t>x</t></is></c></row>'
    path = hostile_workbook(loaded, tmp_path, repeat_part(part, b"</sheetData>",
                                                          benign + b"</sheetData>"))
    assert_workbook_refused(path, command, f"two parts named {part}")


def test_a_sheet_summary_never_reads_is_checked_by_recompute(loaded, tmp_path):
    """The sheets= path unpacks only what summary reads: a far cell in Books does not stop
    summary (calamine never opens that part) but does stop recompute, which reads it."""
    path = hostile_workbook(loaded, tmp_path, add_cells(sheet_part(loaded, "Books"), FAR))
    proc = cli("summary", str(path), "--period", "112025")
    assert proc.returncode == 0, proc.stderr
    assert_workbook_refused(path, "recompute", "The sheet 'Books'", REACHES)


# --- duplicate JSON keys ---------------------------------------------------------------------------

def with_repeated_key(doc, obj: dict, key: str, value) -> str:
    """``doc`` as JSON text in which ``obj`` gives ``key`` a second time."""
    text, inner = json.dumps(doc), json.dumps(obj)
    assert text.count(inner) == 1
    return text.replace(inner, inner[:-1] + f", {json.dumps(key)}: {json.dumps(value)}}}", 1)


def test_a_gstr2b_repeating_a_key_is_refused(book, tmp_path):
    doc = json.loads((DATA / "gstr2b_102025.json").read_text(encoding="utf-8"))
    entry = doc["data"]["docdata"]["impg"][1]
    path = tmp_path / "gstr2b_dup.json"
    path.write_text(with_repeated_key(doc, entry, "igst", 0), encoding="utf-8")
    before = book.read_bytes()
    first = refused(cli("load", str(book), "--gstr2b", str(path)), path.name,
                    "'igst' twice in data.docdata.impg[1]", "Download")
    assert "cannot be known" in first
    assert book.read_bytes() == before


def test_a_gstr2b_repeating_a_top_level_key_is_refused(book, tmp_path):
    doc = json.loads((DATA / "gstr2b_102025.json").read_text(encoding="utf-8"))
    text = json.dumps(doc)
    path = tmp_path / "top.json"
    path.write_text(text[:-1] + ', "data": {}}', encoding="utf-8")
    refused(cli("load", str(book), "--gstr2b", str(path)), path.name,
            "'data' twice at the top level")


def test_a_scenario_repeating_a_key_is_refused(tmp_path):
    scenario = copy.deepcopy(BASE)
    path = tmp_path / "scenario.json"
    path.write_text(with_repeated_key(scenario, scenario["records"][0], "igst", "1"),
                    encoding="utf-8")
    proc = cli("evaluate", str(path))
    refused(proc, "scenario.json", "records[0]: the key 'igst' is given twice", "give each key once")
    assert proc.stdout == ""


def test_a_column_mapping_repeating_a_field_is_refused(book, tmp_path):
    books = tmp_path / "books.csv"
    books.write_text("Voucher No,BE No,Port Code,IGST\nV1,2566282,INNSA1,18000\n",
                     encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"boe_number": "BE No", "boe_number": "Voucher No"}', encoding="utf-8")
    before = book.read_bytes()
    refused(cli("load", str(book), "--books", str(books), "--mapping", str(mapping)),
            "mapping.json", "gives 'boe_number' twice")
    assert book.read_bytes() == before


# --- CSV: memory in proportion to the data ---------------------------------------------------------

CSV_HEADER = "Voucher No,Bill of Entry No.,Bill of Entry Date,Port Code,IGST\n"
CSV_ROW = "V1,2566282,03-10-2025,INNSA1,18000\n"


@pytest.mark.parametrize("body, words", [
    ("," * 1_100_000 + "\n", "line 2 is 1,100,001 characters long"),
    ("1," * 19_999 + "1\n", "line 2 has 20,000 fields, more than Excel's 16,384 columns"),
    ("x\n" * 1_048_600, "more than Excel's 1,048,576 rows"),
])
def test_a_csv_beyond_any_spreadsheet_is_refused(book, tmp_path, body, words):
    path = tmp_path / "books.csv"
    path.write_text(CSV_HEADER + body, encoding="utf-8")
    assert_load_refused(book, "--books", path, words)


def test_a_run_of_blank_lines_costs_no_memory(book, tmp_path):
    """Ten million blank lines between two book lines: each used to be a row (about 1.4 GB);
    now the run is one blank row, and the load fits in 1 GiB."""
    path = tmp_path / "books.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(CSV_HEADER + CSV_ROW)
        fh.write("\n" * 10_000_000)
        fh.write(CSV_ROW.replace("V1", "V2").replace("2566282", "2566283"))
    proc = cli("load", str(book), "--books", str(path), cap=1024 ** 3)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "2 book line(s)" in proc.stdout


# --- the scanners against the readers ---------------------------------------------------------------

def test_the_fast_reading_takes_an_ordinary_sheet_whole():
    """Ordinary sheets never fall back to the token-by-token reading (the speed of summary
    and recompute at 100,000 BoEs depends on it); references outside A-Z and rows below
    100,000 are read one by one."""
    rows = "".join(f'<row r="{r}" spans="1:3"><c r="A{r}" s="1" t="inlineStr"><is><t>x</t>'
                   f'</is></c><c r="C{r}"><v>{r}</v></c></row>' for r in range(99_990, 100_010))
    xml = sheet_xml(rows).replace("<sheetData>", '<dimension ref="A1:AB100009"/><sheetData>')
    fast = FastReach()
    data = xml.encode()
    for i in range(0, len(data), 500):
        assert fast.feed(data[i:i + 500])
    assert fast.feed(b"", last=True)
    assert (fast.col, fast.row) == (28, 100_009)   # the dimension's AB and the rows from 100,000
    assert fast.bound() == (28, 100_009)
    for odd in ("<c r='A1'>", '<c r="A1" r="B2">', "<c>", '<x:c r="A1">', '<c r ="A1">'):
        assert not FastReach().feed(sheet_xml(f'<row r="1">{odd}</c></row>').encode(), last=True)


def _random_sheet(draw) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        r = draw(st.one_of(st.none(), st.integers(1, 300)))
        cells = []
        for _ in range(draw(st.integers(0, 5))):
            kind = draw(st.sampled_from(["plain", "none", "single", "spaced", "twice", "prefixed"]))
            col = draw(st.integers(1, 60))
            row = draw(st.one_of(st.integers(1, 300), st.integers(99_990, 100_010)))
            ref = f"{xlsx_col(col)}{row}"
            attrs = {"plain": f' r="{ref}"', "none": "", "single": f" r='{ref}'",
                     "spaced": f' r = "{ref}"',
                     "twice": f' r="A1" r="{ref}"', "prefixed": f' r="{ref}"'}[kind]
            tag = "x:c" if kind == "prefixed" else "c"
            cells.append(f"<{tag}{attrs}><v>1</v></{tag}>")
        rows.append(f"<row{'' if r is None else f' r={chr(34)}{r}{chr(34)}'}>{''.join(cells)}"
                    "</row>")
    return "".join(rows)


def xlsx_col(n: int) -> str:
    s = ""
    while n:
        n, rest = divmod(n - 1, 26)
        s = chr(65 + rest) + s
    return s


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_the_exact_reading_reaches_at_least_as_far_as_calamine(tmp_path, data):
    """Random sheets with the tricks calamine accepts: the check's furthest cell is never
    short of the grid calamine builds (and the fast reading, when it does not give up, is
    never short of the exact one)."""
    import python_calamine

    rows = _random_sheet(data.draw)
    xml = sheet_xml(rows).replace("<worksheet ", f'<worksheet xmlns:x="{MAIN_NS}" ', 1)
    raw = xml.encode()
    cuts = sorted(data.draw(st.lists(st.integers(0, len(raw)), max_size=8)))
    pieces = [raw[a:b] for a, b in zip([0] + cuts, cuts + [len(raw)])]
    exact = ExactReach()
    for piece in pieces:   # read in pieces as from the zip: the same answer
        exact.feed(piece)
    exact.feed(b"", last=True)
    col, row = exact.bound()
    whole = ExactReach()
    whole.feed(raw, last=True)
    assert whole.bound() == (col, row)
    fast = FastReach()
    if all(fast.feed(piece) for piece in pieces) and fast.feed(b"", last=True):
        # every cell plain: the fast reading is exact outside the box it skips
        assert fast.bound() == (max(col, BOX[0]), max(row, BOX[1]))
    else:
        assert not FastReach().feed(raw, last=True)   # it gives up whatever the pieces
    if row > 1000:
        return   # a grid of 100,000 rows: calamine would take seconds for each example
    path = raw_xlsx(tmp_path / "random.xlsx", xml, sst_xml(["x"]))
    grid = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        "Sheet1").to_python(skip_empty_area=False)
    got_rows = len(grid) if any(any(v != "" for v in line) for line in grid) else 0
    got_cols = max((len(line) for line in grid), default=0) if got_rows else 0
    assert row >= got_rows and col >= got_cols, (rows, (col, row), (got_cols, got_rows))
    assert xlsx.check_workbook(path, limits=Limits(max_cells=max(col * row, 1))) == []
    if col * row > 1:
        assert [p.code for p in xlsx.check_workbook(
            path, limits=Limits(max_cells=col * row - 1))] == [Codes.SHEET_TOO_BIG]


def test_when_the_workbook_part_cannot_be_read_every_xml_part_is_scanned(tmp_path):
    """A workbook.xml defusedxml cannot parse (quick-xml, in calamine, is more lenient): the
    check cannot follow the relationships, so it scans every XML part as a sheet, and leaves
    binary parts (an image) alone."""
    good = books_xlsx(tmp_path / "good.xlsx")
    def edit(name, data):
        if name == "xl/workbook.xml":
            data = data.replace(b"</workbook>", b"</wrong></workbook>")
        if name == "xl/worksheets/sheet1.xml":
            return [("xl/hidden/part", data.replace(b"</sheetData>", FAR_DQ.encode()
                                                    + b"</sheetData>"))]
        return [(name, data)]
    hostile = rezip(good, tmp_path / "broken.xlsx", edit)
    assert [p.code for p in xlsx.check_workbook(hostile)] == [Codes.SHEET_TOO_BIG]
    def image(name, data):
        if name == "xl/workbook.xml":
            data = data.replace(b"</workbook>", b"</wrong></workbook>")
        extra = [("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)]
        return [(name, data)] + (extra if name == "[Content_Types].xml" else [])
    assert xlsx.check_workbook(rezip(good, tmp_path / "image.xlsx", image)) == []


def test_shared_strings_may_declare_a_few_more_texts_than_they_hold(tmp_path):
    """Some writers miscount: a little over is harmless (calamine sets aside 24 bytes a
    text), billions are not."""
    cells = '<c r="A1" t="s"><v>0</v></c>'
    for declared, codes in ((1000, []), (2_000_000, [Codes.WORKBOOK_DAMAGED])):
        sst = sst_xml(["x"]).replace('uniqueCount="1"', f'uniqueCount="{declared}"')
        path = raw_xlsx(tmp_path / f"s{declared}.xlsx", sheet_xml(f'<row r="1">{cells}</row>'), sst)
        assert [p.code for p in xlsx.check_workbook(path)] == codes


def test_a_sheet_that_is_also_the_shared_strings_gets_both_checks(tmp_path):
    """A relationship may point a sheet at the shared-strings part: reading only other sheets
    (summary's sheets=) must still check the texts it declares, since calamine reads that
    part whatever sheet is asked for."""
    cells = '<c r="A1" t="s"><v>0</v></c>'
    sst = sst_xml(["x"]).replace('uniqueCount="1"', 'uniqueCount="4000000000"')
    path = raw_xlsx(tmp_path / "both.xlsx", sheet_xml(f'<row r="1">{cells}</row>'), sst)
    def edit(name, data):
        if name == "xl/workbook.xml":
            data = data.replace(b"</sheets>", b'<sheet name="Other" sheetId="2" r:id="rId9"/>'
                                b"</sheets>")
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(b"</Relationships>", b'<Relationship Id="rId9" Type="http://'
                                b'schemas.openxmlformats.org/officeDocument/2006/relationships'
                                b'/worksheet" Target="sharedStrings.xml"/></Relationships>')
        return [(name, data)]
    both = rezip(path, tmp_path / "both2.xlsx", edit)
    for sheets in (None, ["Sheet1"], []):
        assert [p.code for p in xlsx.check_workbook(both, sheets=sheets)] == [
            Codes.WORKBOOK_DAMAGED], sheets

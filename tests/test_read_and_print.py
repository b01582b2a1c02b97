"""The workbook as an accountant reads it (issue 14): suggestions only where an action is
still possible, readable cells, lakhs and crores."""

from __future__ import annotations

import pytest

from workbook_helpers import demo_workbook, table_rows


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_workbook(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def boe_rows(demo):
    return table_rows(demo, "BoE")


# --- item 12: suggestions only where an action is still possible ---------------------------

def test_no_suggestion_for_a_version_that_left_ims(boe_rows):
    """Accepted in 102025, whose GSTR-3B is filed: the BoE has left IMS (on the demo's
    13-12-2025); the same BoE's amendment, still in IMS, keeps its suggestion."""
    original = next(r for r in boe_rows if r["BoE No"] == "2566212" and r["Amendment"] == "No")
    amendment = next(r for r in boe_rows if r["BoE No"] == "2566212" and r["Amendment"] == "Yes")
    assert (original["Status"], original["2B Period"]) == ("Accepted", "102025")
    assert original["Suggested Action"] is None
    assert amendment["Suggested Action"] == "Keep Pending"


def test_open_and_pending_versions_keep_their_suggestion(boe_rows):
    live = [r for r in boe_rows if r["Status"] in ("Open", "Pending")]
    assert len(live) == 14
    assert all(r["Suggested Action"] for r in live)
    closed = [r for r in boe_rows if r["2B Period"] == "102025"]
    assert closed and not any(r["Suggested Action"] for r in closed)


# --- item 1: readable cells ----------------------------------------------------------------

def test_long_text_columns_wrap_and_headers_have_two_lines(demo):
    from openpyxl import load_workbook
    wb = load_workbook(demo)
    ws = wb["BoE"]
    col = {c.value: c.column_letter for c in ws[1]}
    for header in ("Supplier Name", "Remark", "Messages", "Source"):
        assert ws[f"{col[header]}2"].alignment.wrap_text, header
    for header in ("BoE No", "IGST", "Action"):
        assert not ws[f"{col[header]}2"].alignment.wrap_text, header
    assert ws.column_dimensions[col["Supplier Name"]].width >= 30
    for sheet in ("BoE", "Reconciliation", "Action Log", "History", "Books"):
        assert wb[sheet].row_dimensions[1].height == 30, sheet
    rec = wb["Reconciliation"]
    rcol = {c.value: c.column_letter for c in rec[1]}
    assert rec[f"{rcol['Differences']}2"].alignment.wrap_text


def test_differences_read_as_sentences_in_lakhs(demo):
    rows = table_rows(demo, "Reconciliation")
    texts = [r["Differences"] for r in rows if r["Differences"]]
    assert texts
    assert not any("taxable_value" in t or " / books" in t for t in texts)
    mismatch = next(r for r in rows if r["BoE No"] == "2566212")
    assert mismatch["Differences"].startswith("IGST: IMS ")
    import re
    # Indian grouping: a lakh figure reads d,dd,ddd.dd
    assert re.search(r"IMS \d{1,2},\d\d,\d{3}\.\d\d, books \d{1,2},\d\d,\d{3}\.\d\d",
                     mismatch["Differences"]), mismatch["Differences"]


# --- item 2: print-ready -------------------------------------------------------------------
# Every visible sheet: landscape A4, one page wide, its header row on every page, a footer
# with the workbook, the sheet and the page. Start, GSTR-2B and GSTR-3B: one page each.

ONE_PAGE = {"Start", "GSTR-2B", "GSTR-3B"}
TITLE_ROWS = {"Settings": "$3:$3"}   # the settings block's header; tables: their row 1


def _check_page_setup(path) -> list[str]:
    """Every visible sheet's page set-up as openpyxl reads it; the sheets checked."""
    from openpyxl import load_workbook
    wb = load_workbook(path)
    checked = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        name = ws.title
        setup = ws.page_setup
        assert setup.orientation == "landscape", name
        assert str(setup.paperSize) == "9", name           # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert int(setup.fitToWidth) == 1, name
        assert int(setup.fitToHeight) == (1 if name in ONE_PAGE else 0), name
        if name in ONE_PAGE:
            assert ws.print_title_rows is None, name       # one page: nothing to repeat
        else:
            assert ws.print_title_rows == TITLE_ROWS.get(name, "$1:$1"), name
        footer = ws.oddFooter
        assert (footer.left.text, footer.center.text, footer.right.text) == \
            ("&F", "&A", "Page &P of &N"), name
        checked.append(name)
    return checked


def test_a_new_workbook_prints_landscape_one_page_wide(tmp_path):
    from conftest import cli_ok
    from ims_xl.workbook.layout import SHEETS
    path = tmp_path / "new.xlsx"
    cli_ok("template", path)
    assert _check_page_setup(path) == list(SHEETS)


def test_the_demo_keeps_the_page_setup(demo):
    from ims_xl.workbook.layout import SHEETS
    assert _check_page_setup(demo) == list(SHEETS)


@pytest.fixture(scope="module")
def busy_month(tmp_path_factory):
    """A workbook with a busy month (300 BoEs) loaded and recomputed through the command
    line: its BoE sheet prints on several pages."""
    import sys
    from pathlib import Path

    from conftest import cli_ok
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from generate import write_month

    folder = tmp_path_factory.mktemp("busy")
    files = write_month(folder / "data", 300)
    path = folder / "busy.xlsx"
    cli_ok("template", path, "--gstin", _busy_gstin(files))
    cli_ok("load", path, *[a for f in files.gstr2b for a in ("--gstr2b", f)],
           "--books", files.books)
    cli_ok("recompute", path)
    return path


def _busy_gstin(files) -> str:
    import json
    return json.loads(files.gstr2b[0].read_text(encoding="utf-8"))["data"]["gstin"]


def test_load_and_recompute_keep_the_page_setup(busy_month):
    from ims_xl.workbook.layout import SHEETS
    assert len(table_rows(busy_month, "BoE")) >= 300
    assert _check_page_setup(busy_month) == list(SHEETS)


def test_rows_grow_where_text_wraps(demo):
    """The rows whose Messages or Note need several lines are as tall as the text; a row of
    one line keeps the usual height."""
    from openpyxl import load_workbook

    from ims_xl.workbook.print_setup import wrapped_lines
    wb = load_workbook(demo)
    for sheet, header in (("BoE", "Messages"), ("Reconciliation", "Note")):
        ws = wb[sheet]
        col = {c.value: c.column_letter for c in ws[1]}[header]
        width = ws.column_dimensions[col].width
        tall = 0
        for r in range(2, ws.max_row + 1):
            text = ws[f"{col}{r}"].value
            if not text:
                continue
            height = ws.row_dimensions[r].height
            if wrapped_lines(text, width) > 1:
                assert height and height >= 15 * wrapped_lines(text, width), (sheet, r)
                tall += 1
            else:
                assert height is None, (sheet, r)   # one line: the usual height
        assert tall >= 3, sheet
    assert wb["BoE"].row_dimensions[1].height == 30   # the header row keeps its own height


def test_wrapped_row_height_counts_the_longest_cell():
    from ims_xl.workbook.print_setup import row_height_attrs, wrapped_row_height
    assert wrapped_row_height([("short", 60), (None, 30), (12, 10)]) is None
    assert wrapped_row_height([("a\nb\nc", 60), ("x " * 40, 30)]) == 45.0
    assert wrapped_row_height([("word " * 24, 60)]) == 30.0   # 24 words, 14 to a line of 69
    assert wrapped_row_height([("word " * 30, 60)]) == 45.0
    # a height ims-xl set goes when the text shrinks; the accountant's own stays
    assert row_height_attrs('ht="45" customHeight="1"', None) == ""
    assert row_height_attrs('ht="21.75" customHeight="1"', None) == 'ht="21.75" customHeight="1"'
    assert row_height_attrs('s="3" customFormat="1"', 30.0) == \
        's="3" customFormat="1" ht="30" customHeight="1"'


def test_stream_writer_shrinks_a_row_it_grew(tmp_path):
    """A message that needed three lines, then one: the row goes back to the usual height."""
    from openpyxl import load_workbook

    from ims_xl.workbook.layout import BOE
    from ims_xl.workbook.stream_book import StreamBook
    from workbook_template.template import build_template
    path = tmp_path / "b.xlsx"
    build_template(path)
    long = "The first sentence of a long message. " * 5
    row = {"Section": "IMPG", "Port Code": "INNSA1", "BoE No": "1234567", "Messages": long}
    book = StreamBook(path, quiet=True)
    book.write_table(BOE, [row, dict(row, **{"BoE No": "1234568", "Messages": "short"})])
    book.save()
    assert book.fell_back is None
    ws = load_workbook(path)["BoE"]
    assert ws.row_dimensions[2].height == 45 and ws.row_dimensions[3].height is None
    book = StreamBook(path, quiet=True)
    book.write_table(BOE, [dict(row, Messages="short now")])
    book.save()
    assert load_workbook(path)["BoE"].row_dimensions[2].height is None


# --- the PDF LibreOffice prints --------------------------------------------------------------

def _poppler() -> None:
    import shutil

    from conftest import IN_CI
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        if IN_CI:
            pytest.fail("poppler-utils (pdfinfo, pdftotext) is required in CI")
        pytest.skip("poppler-utils is not installed")


def _print_pdf(soffice: str, path, out_dir) -> list[tuple[str, str, tuple[float, float]]]:
    """LibreOffice prints the workbook to PDF: (sheet, text, (width, height)) of each page,
    the sheet read from the page's footer."""
    import re
    import subprocess
    proc = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{out_dir}/lo",
                           "--convert-to", "pdf", "--outdir", str(out_dir), str(path)],
                          capture_output=True, text=True, timeout=300)
    pdf = out_dir / (path.stem + ".pdf")
    assert pdf.exists(), proc.stderr
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True,
                          text=True, check=True).stdout
    sizes = [(float(w), float(h)) for w, h in
             re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    pages = []
    for i, size in enumerate(sizes, start=1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf),
                               "-"], capture_output=True, text=True, check=True).stdout
        footer = [line for line in text.splitlines() if line.strip()][-1]
        m = re.match(rf"\s*{re.escape(path.name)}\s+(.+?)\s+Page {i} of {len(sizes)}\s*$",
                     footer)
        assert m, f"page {i}: footer {footer!r}"
        pages.append((m.group(1), text, size))
    return pages


def test_libreoffice_prints_the_demo_landscape_with_footers(demo, libreoffice, tmp_path):
    """The demo printed 36 portrait pages before issue 14; now 13 landscape A4 pages."""
    from collections import Counter

    from ims_xl.workbook.layout import SHEETS
    _poppler()
    pages = _print_pdf(libreoffice, demo, tmp_path)
    per_sheet = Counter(sheet for sheet, _t, _s in pages)
    assert list(per_sheet) == list(SHEETS)          # every visible sheet, in order
    assert 11 <= len(pages) <= 16, per_sheet
    for sheet in ONE_PAGE:
        assert per_sheet[sheet] == 1, sheet
    for sheet, _text, (width, height) in pages:
        assert width > height, sheet                # landscape
        assert abs(width - 841.9) < 2 and abs(height - 595.3) < 2, sheet   # A4
    history = [text for sheet, text, _s in pages if sheet == "History"]
    assert len(history) >= 2
    assert "BoE Identity" in history[1].splitlines()[0] or \
        "BoE Identity" in "\n".join(history[1].splitlines()[:3])   # the header repeated
    start = next(text for sheet, text, _s in pages if sheet == "Start")
    assert "A wrong turn? Restore" in start                # the last step, on the one page
    settings = next(text for sheet, text, _s in pages if sheet == "Settings")
    assert "without it they use the defaults above." in " ".join(settings.split())


def test_libreoffice_repeats_the_boe_header_on_page_two(busy_month, libreoffice, tmp_path):
    _poppler()
    pages = _print_pdf(libreoffice, busy_month, tmp_path)
    boe = [text for sheet, text, _s in pages if sheet == "BoE"]
    assert len(boe) >= 2
    top = " ".join(" ".join(boe[1].splitlines()[:3]).split())
    assert "Section Amendment Port Code BoE No" in top, top


def test_excel_writer_sizes_runs_of_rows_with_the_same_helper():
    """XlwingsBook (Excel) sets one height per run of rows that need the same height, as
    print_setup works it out; rows of one line are left to Excel."""
    from ims_xl.workbook.layout import BOE
    from ims_xl.workbook.xlwings_book import XlwingsBook

    calls = []

    class Sheet:
        def range(self, first, last):
            class Rows:
                def __setattr__(self, name, value):
                    calls.append((first, last, name, value))
            return Rows()

    two = "A message long enough to need a second line in the Messages column of the sheet."
    rows = [{"Messages": "one line"}, {"Messages": two}, {"Messages": two},
            {"Messages": two + "\nand a third"}, {"Messages": None}]
    book = object.__new__(XlwingsBook)
    book._size_rows(BOE, Sheet(), 2, 1, rows)
    assert calls == [((3, 1), (4, 1), "row_height", 30.0), ((5, 1), (5, 1), "row_height", 45.0)]

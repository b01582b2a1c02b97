"""CSV text: encodings, delimiters, line numbers, broken files; fuzzing of the CSV loaders."""

from __future__ import annotations

import codecs
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ims_xl.io import Codes, load_actions, load_boe_list, load_books
from ims_xl.io.csvtext import decode, read_csv, sniff_delimiter, split_rows
from ims_xl.models import Severity

from test_io_support import codes, find, one

HEADER = "Port Code,Bill of Entry No.,Bill of Entry Date,Supplier Name,IGST,Cess\r\n"


def test_utf8_with_and_without_bom(tmp_path):
    text = HEADER + "INNSA1,2566282,03-10-2025,Café ₹ Traders,\"₹1,23,456.78\",\r\n"
    for name, data in (("plain.csv", text.encode("utf-8")),
                       ("bom.csv", codecs.BOM_UTF8 + text.encode("utf-8"))):
        path = tmp_path / name
        path.write_bytes(data)
        load = load_boe_list(path)
        assert load.problems == [], name
        r = load.records[0]
        assert r.supplier_name == "Café ₹ Traders" and r.igst == Decimal("123456.78")
        assert r.port_code == "INNSA1"  # the BOM did not stick to the first header


def test_windows_1252_with_rupee_lost_and_accents(tmp_path):
    # Excel's plain CSV on Windows: é is 0xE9, € is 0x80, and ₹ became '?'
    data = (HEADER + "INNSA1,2566282,03-10-2025,Café € Co,\"?1,23,456.78\",?0\r\n").encode(
        "cp1252")
    assert b"\xe9" in data and b"\x80" in data
    path = tmp_path / "ansi.csv"
    path.write_bytes(data)
    load = load_boe_list(path)
    r = load.records[0]
    assert r.supplier_name == "Café € Co"
    assert (r.igst, r.cess, r.amount_problems) == (Decimal("123456.78"), 0, ())
    p = one(load.problems, Codes.ENCODING_GUESSED)
    assert (p.file, p.row, p.severity) == ("ansi.csv", 2, Severity.WARNING)
    assert p.value.startswith("INNSA1,2566282")


def test_mixed_utf8_rupee_in_a_1252_file(tmp_path):
    data = HEADER.encode() + "INNSA1,2566282,03-10-2025,".encode() + "Café".encode("cp1252") + \
        b",\"" + "₹18,000".encode("utf-8") + b"\",\r\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    load = load_boe_list(path)
    assert load.records[0].supplier_name == "Café"
    assert load.records[0].igst == Decimal("18000")


def test_undefined_1252_bytes_do_not_break_decoding():
    text, encoding, line = decode(b"a\x81b\x8d\x8f\x90\x9dc\n")
    assert (text, encoding, line) == ("a\x81b\x8d\x8f\x90\x9dc\n", "windows-1252", 1)


def test_utf16_excel_unicode_text(tmp_path):
    text = HEADER.replace(",", "\t") + "INNSA1\t2566282\t03-10-2025\tX\t18000\t0\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))
    load = load_boe_list(path)
    assert load.problems == [] and load.records[0].igst == Decimal("18000")


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters(tmp_path, delimiter):
    text = HEADER.replace(",", delimiter) + delimiter.join(
        ["INNSA1", "2566282", "03-10-2025", "A, B & Co", "\"18,000.50\"", ""]) + "\r\n"
    path = tmp_path / "semi.csv"
    path.write_text(text, encoding="utf-8")
    load = load_boe_list(path)
    assert load.problems == []
    assert load.records[0].supplier_name == "A, B & Co"
    assert load.records[0].igst == Decimal("18000.50")


def test_excel_sep_hint_line(tmp_path):
    path = tmp_path / "hint.csv"
    path.write_text("sep=;\n" + HEADER.replace(",", ";") + "INNSA1;2566282;03-10-2025;X;1;0\n",
                    encoding="utf-8")
    rows, problems = read_csv(path)
    assert problems == [] and [n for n, _ in rows] == [2, 3]
    assert load_boe_list(path).records[0].igst == 1


def test_sniff_prefers_consistent_splits():
    assert sniff_delimiter('Name;Amount\n"Shah, R";"1,000"\nX;2\n') == ";"
    assert sniff_delimiter("a,b,c\n1,2,3\n") == ","
    assert sniff_delimiter("single column\nvalue\n") == ","


def test_line_numbers_follow_the_file_with_multiline_fields():
    rows = split_rows('a,b\n"line one\nline two",2\n3,4\n')
    assert rows == [(1, ["a", "b"]), (2, ["line one\nline two", "2"]), (4, ["3", "4"])]


def test_problem_rows_are_csv_line_numbers(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text("Purchase register\n\n" + HEADER + "INNSA1,2566282,03-10-2025,\"two\nlines\","
                    "abc,\nINNSA1,2566283,03-10-2025,X,1,zz\n", encoding="utf-8")
    load = load_boe_list(path)
    found = find(load.problems, Codes.AMOUNT_INVALID)
    assert [(p.row, p.column, p.value) for p in found] == [(4, "IGST", "abc"), (6, "Cess", "zz")]


def test_csv_broken_by_an_unclosed_quote_is_a_whole_file_error(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text(HEADER + "INNSA1,2566282,03-10-2025,X,1,0\n" + 'INNSA1,"' + "x" * 200_000,
                    encoding="utf-8")
    load = load_boe_list(path)
    assert [r.boe_number for r in load.records] == ["2566282"]
    p = one(load.problems, Codes.CSV_BROKEN)
    assert (p.row, p.file, p.severity) == (None, "broken.csv", Severity.ERROR)
    assert "from line 3 on" in p.message


def test_binary_file_named_csv(tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\x00\x01\x02\x03binary\x00stuff" * 10)
    assert codes(load_books(path).problems) == [Codes.NOT_TEXT]


def test_workbook_named_csv_is_read_as_a_workbook(tmp_path):
    from test_io_support import simple_workbook
    book = simple_workbook(tmp_path / "x.xlsx", [["Port Code", "BE No", "BE Date", "IGST"],
                                                 ["INNSA1", "2566282", "03-10-2025", 5]])
    path = tmp_path / "really.csv"
    path.write_bytes(book.read_bytes())
    load = load_boe_list(path)
    assert load.problems == [] and load.records[0].igst == 5


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n  \r\n", codecs.BOM_UTF8])
def test_empty_csv(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    for load in (load_books(path), load_boe_list(path), load_actions(path)):
        assert codes(load.problems) == [Codes.FILE_EMPTY]


def test_header_only_csv_gives_no_records_and_no_problems(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text(HEADER, encoding="utf-8")
    load = load_boe_list(path)
    assert load.records == [] and load.problems == []


def test_file_over_the_size_limit(tmp_path):
    from ims_xl.io import Limits
    path = tmp_path / "big.csv"
    path.write_text(HEADER * 100, encoding="utf-8")
    load = load_boe_list(path, limits=Limits(max_file=1000))
    assert codes(load.problems) == [Codes.FILE_TOO_BIG]


# --- fuzzing: never an unhandled exception ------------------------------------------------------

_cells = st.sampled_from([
    "", " ", "INNSA1", "innsa 1", "18272A", "INNS/1", "2566282", "2566282.0", "2.57E+06",
    "2.566282E6", "0012345", "03-10-2025", "31-02-2025", "45933", "3-Oct-2025", "2025-10-03",
    "1,23,456.78", "(1,234)", "Rs. 500", "₹-1", "?100", "abc", "=1+1", "@SUM(A1)", "Total",
    "Grand Total", "Accept", "Keep Pending", "approve", "R", '"', "a\nb", "Y", "IMPGSEZ",
    "24AAUPV7468F1ZW", "102025", "1e999999", "NaN", "-0",
]) | st.text(max_size=8)
_headers = st.sampled_from([
    "Port Code", "BE No", "Bill of Entry No.", "BoE Date", "BE Date", "IGST", "Cess",
    "Assessable Value", "Voucher No.", "Supplier GSTIN", "Action", "Date", "Remark",
    "Section", "Amended", "Return Period", "Reference Date", "Record ID", "Notes", "",
])


def _run_all(path):
    for load in (load_books(path), load_boe_list(path), load_actions(path)):
        assert not find(load.problems, "INTERNAL"), [str(p) for p in load.problems]
        for p in load.problems:
            assert p.file and p.message and p.code
    books = load_books(path)
    for line in books.lines:
        assert all(isinstance(v, Decimal) for v in (line.igst, line.cess, line.taxable_value))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_fuzz_arbitrary_text(tmp_path, text):
    path = tmp_path / "fuzz.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _run_all(path)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_fuzz_arbitrary_bytes(tmp_path, data):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    _run_all(path)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(_headers, min_size=1, max_size=9),
       rows=st.lists(st.lists(_cells, max_size=10), max_size=6),
       delimiter=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "cp1252"]))
def test_fuzz_header_shaped_csv(tmp_path, header, rows, delimiter, encoding):
    import csv
    import io
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / "fuzz.csv"
    path.write_bytes(buf.getvalue().encode(encoding, errors="replace"))
    _run_all(path)

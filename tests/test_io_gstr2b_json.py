"""GSTR-2B JSON loader: the GSTN-style sample, generated downloads and a corpus of broken files."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ims_xl.io import Codes, load_gstr2b_json
from ims_xl.models import Section, Severity
from ims_xl.periods import Period

from test_io_support import GSTIN, SAMPLE, codes, find, gstr2b_doc, impg_row, one, write_json


# --- the GSTN sample --------------------------------------------------------------------------

def test_sample_records_exactly():
    load = load_gstr2b_json([SAMPLE])
    assert len(load.records) == 2
    impg, sez = load.records
    assert impg.id == "IMPG:18272A:2566282:18-11-2019:28-11-2019"
    assert (impg.section, impg.amendment) == (Section.IMPG, False)
    assert (impg.port_code, impg.boe_number) == ("18272A", "2566282")
    assert (impg.boe_date, impg.ref_date) == (date(2019, 11, 18), date(2019, 11, 28))
    assert impg.period == Period.parse("032020")
    assert (impg.taxable_value, impg.igst, impg.cess) == (
        Decimal("123.02"), Decimal("123.02"), Decimal("0.5"))
    assert all(isinstance(v, Decimal) for v in (impg.taxable_value, impg.igst, impg.cess))
    assert impg.supplier_gstin == "" and impg.supplier_name == ""
    assert impg.importer_gstin == "01AABCE2207R1Z5"
    assert impg.source == "gstr2b:gstr2b-gstn-sample.json"
    assert impg.amount_problems == ()

    assert sez.id == "IMPGSEZ:18272A:2566282:18-11-2019:28-11-2019"
    assert (sez.section, sez.amendment) == (Section.IMPGSEZ, False)
    assert (sez.supplier_gstin, sez.supplier_name) == ("01AABCE2207R1Z5", "GSTN")
    assert sez.igst == Decimal("123.02") and sez.cess == Decimal("0.5")


def test_sample_meta_and_gstin_warning():
    load = load_gstr2b_json(SAMPLE)
    assert load.gstin == "01AABCE2207R1Z5"
    assert load.rtnprd == Period.parse("032020")
    assert load.gendt == date(2020, 4, 14)
    assert load.file_count == 1
    assert load.files[0].version == "1.0" and load.files[0].records == 2
    # GSTN's own sample GSTIN fails its check character: a warning, nothing more
    assert codes(load.problems) == [Codes.GSTIN_INVALID]
    p = load.problems[0]
    assert p.severity is Severity.WARNING
    assert (p.file, p.column, p.value) == ("gstr2b-gstn-sample.json", "gstin", "01AABCE2207R1Z5")
    assert "check character" in p.message
    assert load.errors == []


# --- generated downloads ----------------------------------------------------------------------

def test_amendments_in_all_their_spellings(tmp_path):
    doc = gstr2b_doc({
        "impg": [impg_row("1111111"), impg_row("1111111", isamd="Y", refdt="20-10-2025",
                                                igst=20000)],
        "impga": [impg_row("2222222", isamd=...)],
        "impgsez": [{"ctin": "24AAUPV7468F1ZW", "trdnm": "SEZ ONE",
                     "boe": [impg_row("3333333"), impg_row("3333334", isamd="Y")]}],
        "impgasez": [{"ctin": "33ABBFR2298H1Z5", "trdnm": "SEZ TWO",
                      "boe": [impg_row("4444444", isamd="N")]}],
        "impgseza": [{"ctin": "29ABACS0877M1ZS", "trdnm": "SEZ THREE",
                      "boe": [impg_row("5555555")]}],
        "b2b": [{"ctin": "x", "inv": []}],
    })
    load = load_gstr2b_json([write_json(tmp_path / "2b.json", doc)])
    got = [(r.boe_number, r.section, r.amendment, r.gstr2b_section, r.supplier_name)
           for r in load.records]
    assert got == [
        ("1111111", Section.IMPG, False, "IMPG", ""),
        ("1111111", Section.IMPG, True, "IMPGA", ""),
        ("2222222", Section.IMPG, True, "IMPGA", ""),
        ("3333333", Section.IMPGSEZ, False, "IMPGSEZ", "SEZ ONE"),
        ("3333334", Section.IMPGSEZ, True, "IMPGSEZA", "SEZ ONE"),
        # a separate amendment list makes every row an amendment, whatever isamd says
        ("4444444", Section.IMPGSEZ, True, "IMPGSEZA", "SEZ TWO"),
        ("5555555", Section.IMPGSEZ, True, "IMPGSEZA", "SEZ THREE"),
    ]
    assert load.records[1].id == "IMPGA:INNSA1:1111111:03-10-2025:20-10-2025"
    assert load.records[1].igst == Decimal("20000")
    assert load.records[6].supplier_gstin == "29ABACS0877M1ZS"
    assert load.problems == []
    assert all(r.period == Period(2025, 10) and r.importer_gstin == GSTIN
               for r in load.records)


def test_gstr2a_spellings_and_no_wrapper(tmp_path):
    doc = {"gstin": GSTIN, "fp": "112025", "impg": [
        {"refdt": "06-11-2025", "portcd": "INMAA1", "benum": "7654321", "bedt": "01-11-2025",
         "amd": "N", "txval": 5000, "iamt": 900.5, "csamt": 10}],
        "impgsez": [{"sgstin": "24AAUPV7468F1ZW", "tdname": "SEZ UNIT",
                     "boe": [{"refdt": "06-11-2025", "portcd": "INMAA1", "benum": "7654322",
                              "bedt": "02-11-2025", "amd": "Y", "txval": 1, "iamt": 2,
                              "csamt": 3}]}]}
    load = load_gstr2b_json(write_json(tmp_path / "2a.json", doc))
    assert load.problems == []
    a, b = load.records
    assert (a.port_code, a.boe_number, a.boe_date, a.igst, a.cess) == (
        "INMAA1", "7654321", date(2025, 11, 1), Decimal("900.5"), Decimal("10"))
    assert a.period == Period(2025, 11)
    assert (b.section, b.amendment, b.supplier_gstin, b.supplier_name) == (
        Section.IMPGSEZ, True, "24AAUPV7468F1ZW", "SEZ UNIT")


def test_amounts_are_exact_decimals_from_the_json_text(tmp_path):
    path = tmp_path / "2b.json"
    path.write_text('{"data": {"gstin": "%s", "rtnprd": "102025", "docdata": {"impg": ['
                    '{"portcode": "INNSA1", "boenum": "1234567", "boedt": "03-10-2025", '
                    '"refdt": "06-10-2025", "txval": 0.1, "igst": 18000.07, '
                    '"cess": "1,234.50"}]}}}' % GSTIN, encoding="utf-8")
    r = load_gstr2b_json(path).records[0]
    assert (r.taxable_value, r.igst, r.cess) == (
        Decimal("0.1"), Decimal("18000.07"), Decimal("1234.50"))
    assert str(r.igst) == "18000.07"


def test_missing_amounts_are_zero_without_problem(tmp_path):
    row = impg_row(txval=..., igst=..., cess=None)
    load = load_gstr2b_json(write_json(tmp_path / "a.json", gstr2b_doc({"impg": [row]})))
    r = load.records[0]
    assert (r.taxable_value, r.igst, r.cess, r.amount_problems) == (0, 0, 0, ())
    assert load.problems == []


def test_multi_part_download_is_merged(tmp_path):
    p1 = write_json(tmp_path / "part1.json", gstr2b_doc({"impg": [impg_row("1000001")]}, fc=2))
    p2 = write_json(tmp_path / "part2.json", gstr2b_doc({"impg": [impg_row("1000002")]}, fc=2))
    load = load_gstr2b_json([p1, p2])
    assert [r.boe_number for r in load.records] == ["1000001", "1000002"]
    assert [r.source for r in load.records] == ["gstr2b:part1.json", "gstr2b:part2.json"]
    assert load.file_count == 2 and load.rtnprd == Period(2025, 10)
    assert [f.file_count for f in load.files] == [2, 2]
    assert load.problems == []


def test_missing_part_is_reported(tmp_path):
    p1 = write_json(tmp_path / "part1.json", gstr2b_doc({"impg": [impg_row()]}, fc=3))
    load = load_gstr2b_json([p1])
    p = one(load.problems, Codes.PARTS_MISSING)
    assert p.severity is Severity.WARNING and p.file == "part1.json" and p.value == "3"
    assert len(load.records) == 1


def test_files_of_different_periods_keep_their_own_period(tmp_path):
    oct_ = write_json(tmp_path / "oct.json", gstr2b_doc({"impg": [impg_row("1000001")]}))
    nov = write_json(tmp_path / "nov.json", gstr2b_doc(
        {"impg": [impg_row("1000002", refdt="05-11-2025")]}, rtnprd="112025",
        gendt="14-12-2025"))
    load = load_gstr2b_json([oct_, nov])
    assert [r.period for r in load.records] == [Period(2025, 10), Period(2025, 11)]
    assert load.rtnprd is None and load.periods == [Period(2025, 10), Period(2025, 11)]
    assert load.gendt == date(2025, 12, 14)
    assert load.problems == []


def test_same_file_twice_is_read_once(tmp_path):
    p1 = write_json(tmp_path / "a.json", gstr2b_doc({"impg": [impg_row()]}))
    p2 = tmp_path / "copy.json"
    p2.write_bytes(p1.read_bytes())
    load = load_gstr2b_json([p1, p2])
    assert len(load.records) == 1
    p = one(load.problems, Codes.FILE_REPEATED)
    assert p.file == "copy.json" and "a.json" in p.message


def test_files_of_different_gstins_warn(tmp_path):
    p1 = write_json(tmp_path / "a.json", gstr2b_doc({"impg": [impg_row("1000001")]}))
    p2 = write_json(tmp_path / "b.json", gstr2b_doc({"impg": [impg_row("1000002")]},
                                                    gstin="24AAUPV7468F1ZW"))
    load = load_gstr2b_json([p1, p2])
    assert one(load.problems, Codes.GSTIN_MIXED).severity is Severity.WARNING
    assert [r.importer_gstin for r in load.records] == [GSTIN, "24AAUPV7468F1ZW"]


def test_duplicated_rows_get_distinct_ids(tmp_path):
    row = impg_row()
    load = load_gstr2b_json(write_json(tmp_path / "a.json", gstr2b_doc({"impg": [row, row, row]})))
    assert [r.id for r in load.records] == [
        "IMPG:INNSA1:2566282:03-10-2025:06-10-2025",
        "IMPG:INNSA1:2566282:03-10-2025:06-10-2025#2",
        "IMPG:INNSA1:2566282:03-10-2025:06-10-2025#3"]
    assert load.problems == []  # the rules report DUPLICATE_RECORD


def test_list_of_parts_in_one_file(tmp_path):
    doc = [gstr2b_doc({"impg": [impg_row("1000001")]}),
           gstr2b_doc({"impg": [impg_row("1000002")]})]
    load = load_gstr2b_json(write_json(tmp_path / "parts.json", doc))
    assert [r.boe_number for r in load.records] == ["1000001", "1000002"]


# --- broken files ------------------------------------------------------------------------------

@pytest.mark.parametrize("keep", [0.5, 0.9, 0.999])
def test_truncated_json(tmp_path, keep):
    text = json.dumps(gstr2b_doc({"impg": [impg_row()]}), indent=1)
    path = tmp_path / "cut.json"
    path.write_text(text[: int(len(text) * keep)], encoding="utf-8")
    load = load_gstr2b_json([path])
    assert load.records == []
    p = one(load.problems, Codes.NOT_JSON)
    assert p.file == "cut.json" and "cut off" in p.message
    assert p.row is None and p.severity is Severity.ERROR  # a whole-file problem
    assert "(line " in p.message  # the line where it stops


def test_bad_json_syntax_names_the_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n "data": {\n  "gstin": "x",,\n }\n}', encoding="utf-8")
    p = one(load_gstr2b_json(path).problems, Codes.NOT_JSON)
    assert p.row is None and "(line 3, column 16)" in p.message


@pytest.mark.parametrize("content", [b"", b"   \n\t"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.json"
    path.write_bytes(content)
    load = load_gstr2b_json(path)
    assert load.records == [] and codes(load.problems) == [Codes.FILE_EMPTY]


def test_missing_file_is_a_problem_not_an_exception(tmp_path):
    load = load_gstr2b_json([tmp_path / "nope.json", tmp_path])
    assert codes(load.problems) == [Codes.FILE_NOT_FOUND, Codes.FILE_NOT_FOUND]
    assert load.problems[0].file == "nope.json"


def test_non_utf8_json_is_read_as_1252_with_warning(tmp_path):
    doc = gstr2b_doc({"impgsez": [{"ctin": "24AAUPV7468F1ZW", "trdnm": "CAFÉ EXPORTS",
                                   "boe": [impg_row()]}]})
    path = tmp_path / "latin.json"
    path.write_bytes(json.dumps(doc, ensure_ascii=False).encode("cp1252"))
    load = load_gstr2b_json(path)
    assert load.records[0].supplier_name == "CAFÉ EXPORTS"
    p = one(load.problems, Codes.ENCODING_GUESSED)
    assert p.severity is Severity.WARNING and p.row == 1


@pytest.mark.parametrize("doc, message", [
    ([1, 2, 3], "a list"),
    ("just text", "text"),
    (None, "null"),
])
def test_top_level_not_an_object(tmp_path, doc, message):
    p = one(load_gstr2b_json(write_json(tmp_path / "x.json", doc)).problems, Codes.JSON_SHAPE)
    assert message in p.message


def test_not_a_gstr2b(tmp_path):
    load = load_gstr2b_json(write_json(tmp_path / "x.json", {"hello": "world"}))
    p = one(load.problems, Codes.JSON_SHAPE)
    assert "not a GSTR-2B" in p.message and p.value == "hello"


def test_section_that_is_an_object_of_one_row_is_read_with_warning(tmp_path):
    load = load_gstr2b_json(write_json(tmp_path / "x.json", gstr2b_doc({"impg": impg_row()})))
    assert len(load.records) == 1
    p = one(load.problems, Codes.JSON_SHAPE)
    assert (p.severity, p.row, p.column) == (Severity.WARNING, "docdata.impg", "impg")


@pytest.mark.parametrize("value", [{"a": 1}, 42, "impg", True])
def test_section_of_the_wrong_type_loses_only_that_section(tmp_path, value):
    doc = gstr2b_doc({"impg": value, "impgsez": [{"ctin": "24AAUPV7468F1ZW", "trdnm": "S",
                                                 "boe": [impg_row()]}]})
    load = load_gstr2b_json(write_json(tmp_path / "x.json", doc))
    assert [r.section for r in load.records] == [Section.IMPGSEZ]
    p = one(load.problems, Codes.JSON_SHAPE)
    assert (p.severity, p.row, p.column) == (Severity.ERROR, "docdata.impg", "impg")
    assert "not a list" in p.message


def test_rows_that_are_not_objects_are_skipped_one_by_one(tmp_path):
    doc = gstr2b_doc({"impg": [impg_row("1000001"), [1, 2], "x", impg_row("1000002")],
                      "impgsez": [{"ctin": "24AAUPV7468F1ZW", "boe": [7, impg_row("1000003")]},
                                  {"ctin": "24AAUPV7468F1ZW", "boe": {"oops": 1}}]})
    load = load_gstr2b_json(write_json(tmp_path / "x.json", doc))
    assert [r.boe_number for r in load.records] == ["1000001", "1000002", "1000003"]
    rows = [p.row for p in find(load.problems, Codes.JSON_SHAPE)]
    assert rows == ["docdata.impg[1]", "docdata.impg[2]", "docdata.impgsez[0].boe[0]",
                    "docdata.impgsez[1].boe"]


def test_amounts_that_are_lists_or_text_are_zero_and_reported(tmp_path):
    row = impg_row(txval=[1, 2], igst="18,000 rupees", cess={"x": 1})
    load = load_gstr2b_json(write_json(tmp_path / "x.json", gstr2b_doc({"impg": [row]})))
    r = load.records[0]
    assert (r.taxable_value, r.igst, r.cess) == (0, 0, 0)
    assert r.amount_problems == (("taxable_value", "[1, 2]"), ("igst", "18,000 rupees"),
                                 ("cess", '{"x": 1}'))
    found = find(load.problems, Codes.AMOUNT_INVALID)
    assert [(p.row, p.column, p.value) for p in found] == [
        ("docdata.impg[0]", "txval", "[1, 2]"), ("docdata.impg[0]", "igst", "18,000 rupees"),
        ("docdata.impg[0]", "cess", '{"x": 1}')]
    assert all(p.file == "x.json" and p.severity is Severity.ERROR for p in found)


def test_nan_and_huge_amounts_are_not_amounts(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"gstin": "%s", "rtnprd": "102025", "docdata": {"impg": [{"portcode": '
                    '"INNSA1", "boenum": "1234567", "boedt": "03-10-2025", "txval": NaN, '
                    '"igst": 1e999999, "cess": Infinity}]}}' % GSTIN, encoding="utf-8")
    load = load_gstr2b_json(path)
    r = load.records[0]
    assert (r.taxable_value, r.igst, r.cess) == (0, 0, 0)
    assert [f for f, _ in r.amount_problems] == ["taxable_value", "igst", "cess"]


def test_bad_dates_are_kept_as_missing_and_reported(tmp_path):
    row = impg_row(boedt="31-02-2025", refdt="2025/13/45")
    load = load_gstr2b_json(write_json(tmp_path / "x.json", gstr2b_doc({"impg": [row]})))
    r = load.records[0]
    assert (r.boe_date, r.ref_date) == (None, None)
    found = find(load.problems, Codes.DATE_INVALID)
    assert [(p.row, p.column, p.value) for p in found] == [
        ("docdata.impg[0]", "boedt", "31-02-2025"), ("docdata.impg[0]", "refdt", "2025/13/45")]
    assert "February 2025 has 28 days" in found[0].message


def test_row_without_number_and_date_is_skipped(tmp_path):
    rows = [impg_row(boenum="", boedt=""), impg_row(boenum=..., boedt=None),
            impg_row(boenum="", boedt="03-10-2025")]
    load = load_gstr2b_json(write_json(tmp_path / "x.json", gstr2b_doc({"impg": rows})))
    found = find(load.problems, Codes.ROW_SKIPPED)
    assert [p.row for p in found] == ["docdata.impg[0]", "docdata.impg[1]"]
    # a number-less row with a date is still keyed: the rules report BOE_NUMBER_INVALID
    assert [(r.boe_number, r.boe_date) for r in load.records] == [("", date(2025, 10, 3))]


def test_invalid_port_and_number_are_kept_for_the_rules(tmp_path):
    rows = [impg_row(portcode="INNS/1", boenum="12"), impg_row(boenum=2566282.0),
            impg_row(boenum="2.57E+06")]
    load = load_gstr2b_json(write_json(tmp_path / "x.json", gstr2b_doc({"impg": rows})))
    assert [(r.port_code, r.boe_number) for r in load.records] == [
        ("INNS/1", "12"), ("INNSA1", "2566282"), ("INNSA1", "2.57E+06")]
    p = one(load.problems, Codes.BOE_NUMBER_MANGLED)
    assert (p.row, p.column, p.value) == ("docdata.impg[2]", "boenum", "2.57E+06")


def test_key_field_of_wrong_type_is_reported(tmp_path):
    load = load_gstr2b_json(write_json(tmp_path / "x.json", gstr2b_doc(
        {"impg": [impg_row(portcode=["IN", "NSA1"])]})))
    p = one(load.problems, Codes.JSON_SHAPE)
    assert (p.row, p.column) == ("docdata.impg[0]", "portcode")
    assert len(load.records) == 1


def test_bad_isamd_is_a_warning(tmp_path):
    load = load_gstr2b_json(write_json(tmp_path / "x.json", gstr2b_doc(
        {"impg": [impg_row(isamd="maybe")]})))
    p = one(load.problems, Codes.VALUE_INVALID)
    assert (p.severity, p.column, p.value) == (Severity.WARNING, "isamd", "maybe")
    assert load.records[0].amendment is False


@pytest.mark.parametrize("docdata, code", [(..., Codes.JSON_SHAPE), ([1], Codes.JSON_SHAPE)])
def test_missing_or_wrong_docdata(tmp_path, docdata, code):
    load = load_gstr2b_json(write_json(tmp_path / "x.json", gstr2b_doc(docdata)))
    assert load.records == [] and one(load.problems, code).column == "docdata"


def test_docdata_without_import_sections_is_fine(tmp_path):
    load = load_gstr2b_json(write_json(tmp_path / "x.json", gstr2b_doc({"b2b": []})))
    assert load.records == [] and load.problems == []


def test_bad_or_missing_period(tmp_path):
    load = load_gstr2b_json(write_json(tmp_path / "x.json", gstr2b_doc(
        {"impg": [impg_row()]}, rtnprd="132025")))
    p = one(load.problems, Codes.PERIOD_MISSING)
    assert (p.severity, p.column, p.value) == (Severity.WARNING, "rtnprd", "132025")
    assert load.records[0].period is None
    load = load_gstr2b_json(write_json(tmp_path / "y.json", gstr2b_doc(
        {"impg": [impg_row()]}, rtnprd=...)))
    assert one(load.problems, Codes.PERIOD_MISSING).severity is Severity.WARNING


def test_deeply_nested_json_is_a_problem(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    load = load_gstr2b_json(path)
    assert codes(load.problems) in ([Codes.NOT_JSON], [Codes.JSON_SHAPE])


# --- fuzzing: never an unhandled exception -----------------------------------------------------

_KEYS = ["data", "docdata", "gstin", "rtnprd", "gendt", "fc", "version", "impg", "impga",
         "impgsez", "impgasez", "impgseza", "boe", "ctin", "trdnm", "refdt", "portcode",
         "portcd", "boenum", "benum", "boedt", "bedt", "isamd", "amd", "txval", "igst",
         "iamt", "cess", "csamt", "sgstin", "tdname"]
_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
            | st.text(max_size=12)
            | st.sampled_from(["03-10-2025", "31-02-2025", "2.57E+06", "2566282.0", "Y", "N",
                               "102025", "1,23,456.78", "(1,234)", "=1+1", "", GSTIN]))
_json = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=5), children, max_size=6),
    max_leaves=30)


def _check_load(load):
    assert not find(load.problems, "INTERNAL"), [str(p) for p in load.problems]
    ids = [r.id for r in load.records]
    assert len(ids) == len(set(ids))
    for r in load.records:
        assert all(isinstance(v, Decimal) for v in (r.taxable_value, r.igst, r.cess))
    for p in load.problems:
        assert p.file and p.message and p.code


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=_json)
def test_fuzz_arbitrary_json(tmp_path, doc):
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    _check_load(load_gstr2b_json([path]))


_row = st.fixed_dictionaries({}, optional={k: _json for k in [
    "refdt", "portcode", "boenum", "boedt", "isamd", "txval", "igst", "cess"]})


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(impg=st.lists(_row, max_size=4), sez=st.lists(
    st.fixed_dictionaries({"ctin": _scalars, "boe": st.lists(_row, max_size=3) | _json}),
    max_size=3), wrapped=st.booleans())
def test_fuzz_gstr2b_shaped_json(tmp_path, impg, sez, wrapped):
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(gstr2b_doc({"impg": impg, "impgsez": sez, "impga": impg},
                                          wrapped=wrapped)), encoding="utf-8")
    load = load_gstr2b_json(path)
    _check_load(load)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_fuzz_arbitrary_bytes(tmp_path, data):
    path = tmp_path / "fuzz.json"
    path.write_bytes(data)
    _check_load(load_gstr2b_json(path))

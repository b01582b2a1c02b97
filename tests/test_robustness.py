"""Hostile and broken inputs through the real command line: each gives the documented clear
error or warning, no traceback, no partial output, and the accountant's actions untouched."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import GSTIN, run_cli
from corpus.make_corpus import INJECTIONS, make_corpus
from ims_xl.engine_json import evaluate_scenario, read_scenario
from ims_xl.problems import InputError
from ims_xl.demo import demo_data_dir
from test_workbook_flow import _set_actions, assert_text_cells_not_formulas
from workbook_helpers import table_rows

DATA = demo_data_dir()
FATAL_JSON = {"truncated.json": "cut off", "empty.json": "empty",
              "deeply_nested.json": "not valid JSON", "not_json.json": "not valid JSON"}
ROW_LEVEL_JSON = {"wrong_types.json": "not a list", "wrong_row_types.json": "not an amount",
                  "nan_and_huge.json": "not a credible amount",
                  "impossible_date.json": "not a real date",
                  "excel_mangled_numbers.json": "scientific notation",
                  "duplicate_rows.json": None, "negative_amounts.json": None,
                  "injection.json": "not a date", "missing_sections.json": "no 'docdata'"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture
def worked_book(tmp_path):
    """A workbook with October loaded and two actions typed and logged."""
    book = tmp_path / "book.xlsx"
    for args in (("template", str(book), "--gstin", GSTIN),
                 ("load", str(book), "--gstr2b", str(DATA / "gstr2b_102025.json"))):
        assert run_cli(*args).returncode == 0
    numbers = [r["BoE No"] for r in table_rows(book, "BoE")][:2]
    _set_actions(book, {numbers[0]: ("Accept", None, "checked with books"),
                        numbers[1]: ("Keep Pending", None, "in bonded warehouse")})
    assert run_cli("recompute", str(book), "--as-of", "2025-11-10").returncode == 0
    return book, numbers


def _typed(book: Path) -> dict:
    return {r["BoE No"]: (r["Action"], r["Remark"]) for r in table_rows(book, "BoE")
            if r["Action"]}


@pytest.mark.parametrize("name", sorted(FATAL_JSON))
def test_unreadable_2b_file_changes_nothing(corpus, worked_book, name):
    book, _ = worked_book
    before = book.read_bytes()
    proc = run_cli("load", str(book), "--gstr2b", str(corpus[name]))
    assert proc.returncode == 2
    assert name in proc.stderr and FATAL_JSON[name] in proc.stderr
    assert "Download" in proc.stderr                      # what to do
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert book.read_bytes() == before                    # nothing half-written


@pytest.mark.parametrize("name", sorted(ROW_LEVEL_JSON))
def test_row_problems_are_reported_and_actions_kept(corpus, worked_book, name):
    book, numbers = worked_book
    typed = _typed(book)
    log = table_rows(book, "ActionLog")
    proc = run_cli("load", str(book), "--gstr2b", str(corpus[name]))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    if ROW_LEVEL_JSON[name]:
        assert f"{name}" in proc.stderr and ROW_LEVEL_JSON[name] in proc.stderr
    again = run_cli("recompute", str(book), "--as-of", "2025-11-10")
    assert again.returncode == 0, again.stderr
    assert _typed(book) == typed                          # the accountant's actions intact
    assert table_rows(book, "ActionLog") == log           # and the log
    assert len(typed) == 2 and all(n in typed for n in numbers)


def test_row_problems_become_messages(corpus, tmp_path):
    book = tmp_path / "b.xlsx"
    assert run_cli("template", str(book)).returncode == 0
    for name in ("negative_amounts.json", "excel_mangled_numbers.json", "duplicate_rows.json"):
        assert run_cli("load", str(book), "--gstr2b", str(corpus[name])).returncode == 0
    assert run_cli("recompute", str(book), "--as-of", "2025-11-10").returncode == 0
    messages = "\n".join(r["Messages"] or "" for r in table_rows(book, "BoE"))
    assert "AMOUNT_INVALID" in messages and "negative" in messages
    assert "BOE_NUMBER_INVALID" in messages


@pytest.mark.parametrize("name,expect", [
    ("books_cp1252.csv", None), ("books_bom.csv", None), ("books_semicolon.csv", None),
    ("books_no_boe_column.csv", "Bill of Entry No."), ("books_empty.csv", "empty")])
def test_books_files(corpus, worked_book, name, expect):
    book, _ = worked_book
    before = book.read_bytes()
    proc = run_cli("load", str(book), "--books", str(corpus[name]))
    assert "Traceback" not in proc.stderr
    if expect:
        assert proc.returncode == 2 and expect in proc.stderr and name in proc.stderr
        assert book.read_bytes() == before
    else:
        assert proc.returncode == 0, proc.stderr
        lines = table_rows(book, "Books")
        assert len(lines) == 1 and lines[0]["IGST"] == 18000
        if name == "books_cp1252.csv":
            assert lines[0]["Voucher No"] == "Caf\u00e9 \u2013 Rs"


@pytest.mark.parametrize("name,expect", [("not_a_workbook.xlsx", "not an Excel workbook"),
                                         ("entity_bomb.xlsx", "entit"),
                                         ("zip_bomb.xlsx", "MB")])
def test_hostile_workbooks(corpus, worked_book, tmp_path, name, expect):
    book, _ = worked_book
    before = book.read_bytes()
    for option in ("--gstr2b-excel", "--books", "--boe-list"):
        proc = run_cli("load", str(book), option, str(corpus[name]))
        assert proc.returncode == 2, (option, proc.stderr)
        assert expect in proc.stderr and "Traceback" not in proc.stderr
    assert book.read_bytes() == before
    copy = tmp_path / name                                # and as the workbook itself
    copy.write_bytes(corpus[name].read_bytes())
    for command in (("recompute", str(copy)), ("summary", str(copy), "--period", "102025")):
        proc = run_cli(*command)
        assert proc.returncode == 2 and expect in proc.stderr and "Traceback" not in proc.stderr
    assert copy.read_bytes() == corpus[name].read_bytes()


def test_injected_text_never_becomes_a_formula_anywhere(corpus, tmp_path):
    book = tmp_path / "b.xlsx"
    for args in (("template", str(book), "--gstin", GSTIN),
                 ("load", str(book), "--gstr2b", str(corpus["injection.json"]),
                  "--books", str(corpus["books_injection.csv"])),
                 ("recompute", str(book), "--as-of", "2025-11-20")):
        assert run_cli(*args).returncode == 0
    ports = [r["Port Code"] for r in table_rows(book, "BoE")]
    plus = next(p for p in ports if p.startswith("+"))  # the port code as compacted: still text
    assert_text_cells_not_formulas(book, (INJECTIONS[0], plus, INJECTIONS[3],
                                          '=HYPERLINK("http://x")'))
    recon, acts = tmp_path / "recon.csv", tmp_path / "acts.csv"
    _set_actions(book, {"3333333": ("Keep Pending", None, "=cmd|' /C calc'!A0")})
    assert run_cli("recompute", str(book), "--as-of", "2025-11-20").returncode == 0
    assert run_cli("export", str(book), "--period", "102025", "--reconciliation",
                   str(recon)).returncode == 0
    assert run_cli("export", str(book), "--period", "102025", "--actions-csv",
                   str(acts)).returncode == 0
    for path in (recon, acts):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            cells = [c for row in csv.reader(fh) for c in row]
        assert cells
        for c in cells:
            assert not c.startswith(("=", "+", "@")) and not (c.startswith("-") and not
                                                               c.lstrip("-").replace(".", "").isdigit())
    assert any(c == "'" + plus for c in csv_cells(recon))
    assert any(c == "'=cmd|' /C calc'!A0" for c in csv_cells(acts))


def csv_cells(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [c for row in csv.reader(fh) for c in row]


# --- fuzzing the JSON engine --------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.text(max_size=12)
    | st.sampled_from(["2025-10-06", "31-02-2025", "102025", "IMPG", "A", "P", "R", ""]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "section", "records", "actions", "settings", "as_of",
                         "record", "date", "action", "boe_date", "ref_date", "port_code",
                         "boe_number", "igst", "period", "filing", "gstin", "remark"]),
        children, max_size=6),
    max_leaves=25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=json_values)
def test_evaluate_never_raises_anything_but_input_error(doc):
    try:
        scenario = read_scenario(json.dumps(doc))
    except InputError as exc:
        assert str(exc)
        return
    evaluation = evaluate_scenario(scenario)
    assert len(evaluation.records) == len(scenario.records)


record_like = st.fixed_dictionaries({
    "id": st.text(min_size=1, max_size=4), "section": st.sampled_from(["IMPG", "IMPGSEZ"]),
    "port_code": st.text(max_size=8), "boe_number": st.one_of(st.text(max_size=9),
                                                              st.integers(0, 10**9)),
    "boe_date": st.sampled_from(["2025-10-03", "03-10-2025", "2024-02-29"]),
    "ref_date": st.sampled_from(["2025-10-06", "06-10-2025", "2025-12-31"]),
}, optional={"amendment": st.booleans(), "igst": st.one_of(st.integers(-10**6, 10**16),
                                                           st.text(max_size=6)),
             "period": st.sampled_from(["102025", "122025", "032026"])})


@settings(max_examples=200, deadline=None)
@given(records=st.lists(record_like, max_size=5), as_of=st.sampled_from(
    ["2025-10-01", "2025-11-15", "2026-12-31"]))
def test_evaluate_on_record_shaped_input(records, as_of):
    doc = {"as_of": as_of, "records": records}
    try:
        scenario = read_scenario(json.dumps(doc))
    except InputError:
        return
    evaluation = evaluate_scenario(scenario)
    assert [r.id for r in evaluation.records] == [r["id"] for r in records]


# --- the crash test -------------------------------------------------------------------------

KILLER = r"""
import importlib, sys
from ims_xl.workbook.layout import BOE
module, name, times = sys.argv[2], sys.argv[3], int(sys.argv[4])
book = getattr(importlib.import_module(module), name)(sys.argv[1], quiet=True)
rows = book.read_table(BOE)
book.write_table(BOE, rows * times)
print("saving", flush=True)
book.save()
"""


# Each writer gets enough rows that its save lasts long enough to be killed halfway.
@pytest.mark.parametrize("writer", [("ims_xl.workbook.openpyxl_book", "OpenpyxlBook", "40"),
                                    ("ims_xl.workbook.stream_book", "StreamBook", "3000")],
                         ids=["openpyxl", "stream"])
def test_killed_mid_save_leaves_the_previous_workbook_intact(tmp_path, writer):
    book = tmp_path / "book.xlsx"
    for args in (("template", str(book), "--gstin", GSTIN),
                 ("load", str(book), "--gstr2b", str(DATA / "gstr2b_102025.json"),
                  str(DATA / "gstr2a_112025.json"))):
        assert run_cli(*args).returncode == 0
    before = book.read_bytes()
    rows_before = len(table_rows(book, "BoE"))
    proc = subprocess.Popen([sys.executable, "-c", KILLER, str(book), *writer],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "saving"
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".book.xlsx.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert list(tmp_path.glob(".book.xlsx.*.tmp")), "the save never started"
    os.kill(proc.pid, signal.SIGKILL)                     # in the middle of writing
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert book.read_bytes() == before                    # the previous workbook, untouched
    # October's 2B (14: two BoEs were kept pending before its 14th) and November's 2A (23)
    assert len(table_rows(book, "BoE")) == rows_before == 37   # and loadable
    with zipfile.ZipFile(book) as z:
        assert z.testzip() is None
    proc = run_cli("recompute", str(book), "--as-of", "2025-12-13")   # work goes on
    assert proc.returncode == 0, proc.stderr

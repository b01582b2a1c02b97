"""The xlwings Lite edition in CPython: ``ims-xl lite build`` through the command line, the
worksheet functions on Excel-shaped arguments, and the scripts end to end on the demo month
over the strict stand-in with Lite's snapshot reads and queued writes (tests/lite_standin.py).

Inside real Pyodide: tests/test_lite_pyodide.py."""

from __future__ import annotations

import inspect
import shutil
import zipfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

import udfs.boe_functions as add_in
from conftest import run_cli
from ims_xl.lite import build as B
from ims_xl.lite import jobs
from ims_xl.lite.book import LiteBook
from ims_xl.workbook import layout as L
from ims_xl.demo import DEMO_AS_OF, DEMO_NOW
from ims_xl.workbook.ops import fetch, recompute
from ims_xl.workbook.xlwings_book import XlwingsBook
from lite_harness import FUNCTIONS, DEMO_FILES, function_cases, load_main, tables_of
from lite_standin import LiteFakeBook, LiteRefused
from lite_support import DEMO, build_lite, demo_template, run_harness_cpython
from test_xlwings_book import FakeBook

PURE = ("python-stdnum", "python-dateutil", "openpyxl", "defusedxml")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_lite(tmp_path_factory.mktemp("lite") / "lite")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return demo_template(tmp_path_factory.mktemp("tpl") / "template.xlsx")


@pytest.fixture(scope="module")
def harness(built, template, tmp_path_factory) -> dict:
    return run_harness_cpython(built / "main.py", template, tmp_path_factory.mktemp("h"))


# --- ims-xl lite build ---------------------------------------------------------------------------

def test_build_writes_main_requirements_and_a_pure_python_wheel(built):
    wheel = built / B.WHEEL_NAME
    names = zipfile.ZipFile(wheel).namelist()
    assert "ims_xl/sheet_functions.py" in names and "udfs/boe_functions.py" in names
    assert "ims_xl/lite/jobs.py" in names and "ims_xl/rules/engine.py" in names
    # what serves only the command line stays out: pydantic's JSON engine, the file streamer
    assert "ims_xl/engine_json.py" not in names and "ims_xl/cli.py" not in names
    assert not any(n.endswith((".so", ".pyd", ".dll")) for n in names)
    meta = zipfile.ZipFile(wheel).read("ims_xl_lite-0.1.0.dist-info/METADATA").decode()
    requires = [line.split(": ", 1)[1] for line in meta.splitlines()
                if line.startswith("Requires-Dist")]
    assert [r.split(">")[0] for r in requires] == list(PURE)
    assert "Tag: py3-none-any" in zipfile.ZipFile(wheel).read(
        "ims_xl_lite-0.1.0.dist-info/WHEEL").decode()

    requirements = (built / "requirements.txt").read_text().splitlines()
    packages = [line.split("#")[0].strip() for line in requirements
                if line.split("#")[0].strip()]
    assert packages[0] == f"xlwings=={B.XLWINGS}" and "ssl" in packages
    for name in ("pydantic", "python-calamine", "lxml", "filelock", "tqdm"):
        assert not any(p.startswith(name) for p in packages), name

    main = (built / "main.py").read_text()
    for name in FUNCTIONS:
        assert name in main
    for name in ("def load_data(book: xw.Book)", "def recompute(book: xw.Book, "
                 "keep_new_rejects: bool = False)", "def export(book: xw.Book, period: str"):
        assert name in main
    # the wheel inside main.py is the wheel beside it, byte for byte
    import base64
    embedded = main.split('_WHEEL = """', 1)[1].split('"""', 1)[0]
    assert base64.b64decode(embedded) == wheel.read_bytes()


def test_build_is_reproducible_and_replaces_only_with_force(built, tmp_path):
    again = tmp_path / "again"
    build_lite(again)
    assert (again / B.WHEEL_NAME).read_bytes() == (built / B.WHEEL_NAME).read_bytes()
    proc = run_cli("lite", "build", "--out", str(again))
    assert proc.returncode == 2
    assert "already has main.py, requirements.txt" in proc.stderr and "--force" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_cli("lite", "build", "--out", str(again), "--force")
    assert proc.returncode == 0, proc.stderr
    file = tmp_path / "a-file"
    file.write_text("x")
    proc = run_cli("lite", "build", "--out", str(file))
    assert proc.returncode == 2 and "is a file" in proc.stderr


# --- the worksheet functions ----------------------------------------------------------------------

def test_main_py_carries_the_add_ins_functions(built):
    main = load_main(built / "main.py")
    for name in FUNCTIONS:
        ours, theirs = getattr(main, name), getattr(add_in, name)
        assert ours is theirs, name   # the same function: same names, arguments, help, answers
        assert list(inspect.signature(ours).parameters) == \
            list(inspect.signature(theirs).parameters)


def _as_date(value):
    if isinstance(value, float) and 40000 < value < 60000:   # a serial date of the cases
        return date(1899, 12, 30) + timedelta(days=int(value))
    return value


DATED = [(name, args) for name, args in function_cases([["x"], ["y"]])
         if any(_as_date(a) is not a for a in args)]


@pytest.mark.parametrize("name, args", DATED)
def test_serial_dates_answer_as_typed_dates(name, args):
    """Lite passes a date cell as its serial number: every answer is the one for the date."""
    fn = getattr(add_in, name)
    assert fn(*args) == fn(*[_as_date(a) for a in args])


def test_every_function_answers_and_tables_spill(harness):
    answers = {}
    for entry in harness["functions"]:
        answers.setdefault(entry["function"], []).append(entry["answer"])
    assert set(answers) == set(FUNCTIONS)
    assert answers["BOE_STATUS"][:3] == ["Accepted", "Open - deemed accepted on 14-12-2025",
                                         "Pending"]
    # rules 2.0's default reject policy (block): a Reject is never honoured, remark or not
    assert answers["BOE_STATUS"][3] == answers["BOE_STATUS"][1]
    assert answers["BOE_STATUS"][5].startswith("#IMS: Reference date")   # #N/A in the cell
    assert answers["BOE_ITC"][0] == {"float": "18000.0"}
    assert answers["BOE_CUTOFF"][0] == {"datetime": "2025-12-14T00:00:00"}
    assert answers["BOE_NUMBER"] == ["2566282", "2570000", "0012345", "2566282"]
    with_header, body = answers["BOE_TABLE"][:2]
    assert with_header[0] == ["Status", "2B Period", "ITC IGST", "ITC Cess", "Messages"]
    assert with_header[1:] == body and len(body) == 40
    # the function reads each row's Action as its whole history (not the Action Log), with
    # the default settings: close to Recompute's 25/1/12/2, not the same by design
    statuses = Counter(row[0] for row in body)
    assert set(statuses) == {"Accepted", "Deemed accepted", "Open", "Pending"}
    assert statuses["Open"] == 12 and statuses["Pending"] == 2
    # 4(A)(1) for November is the November ITC of the table's rows
    november = sum(float(r[2]["float"]) + float(r[3]["float"]) for r in body
                   if r[1] == "112025")
    assert float(answers["GSTR3B_4A1"][0]["float"]) == pytest.approx(november, abs=0.005)


# --- the scripts ----------------------------------------------------------------------------------

def _desktop_month(template: Path, work: Path) -> Path:
    """The same month through the ribbon's desktop Book (XlwingsBook over the stand-in)."""
    from ims_xl import ribbon
    from ims_xl.workbook.exporting import export_book  # noqa: F401 - as the ribbon would

    path = work / "desktop.xlsx"
    shutil.copy(template, path)
    data = work / "data"
    data.mkdir()
    for name in DEMO_FILES:
        shutil.copy(DEMO / name, data / name)
    from ims_xl.workbook.loading import load_data
    fake = FakeBook(path)
    book = XlwingsBook(fake)
    load_data(book, gstr2b=[data / n for n in DEMO_FILES[:3]], books=data / "books.csv",
              boe_list=data / "boe_list.csv", actions=data / "actions.csv", now=DEMO_NOW)
    recompute(XlwingsBook(fake), now=DEMO_NOW)
    fetch(XlwingsBook(fake), today=DEMO_AS_OF)
    recompute(XlwingsBook(fake), now=DEMO_NOW)
    ribbon.dispatch("reconcile", book=XlwingsBook(fake), ui=jobs.LiteUI(
        LiteBook(fake), folder=data), now=DEMO_NOW, today=DEMO_AS_OF, log_file=work / "log")
    fake.save()
    return path


def test_scripts_run_the_month_as_the_desktop_ribbon_does(harness, template, tmp_path):
    steps = harness["steps"]["steps"]
    assert [s["script"] for s in steps] == ["load_data", "recompute", "fetch_boe", "recompute",
                                            "reconcile", "validate", "export"]
    assert steps[0]["message"].startswith("Loaded gstr2a_102025.json, gstr2a_112025.json, "
                                          "gstr2b_102025.json, books.csv, boe_list.csv, "
                                          "actions.csv")
    assert "39 BoE version(s) added" in steps[0]["message"]
    assert "1 filled from the BoE list" in steps[2]["message"]
    assert "40 BoE version(s) (25 accepted, 1 deemed accepted, 12 open, 2 pending)" in \
        steps[3]["message"]
    assert "Nothing was changed" in steps[5]["message"] and steps[5]["actions"] <= 2
    # what Excel shows at the end is what the desktop ribbon leaves, table for table
    lite = harness["steps"]["workbook"]
    desktop = tables_of(_desktop_month(template, tmp_path))
    assert lite.keys() == desktop.keys()
    for name in lite:
        assert lite[name] == desktop[name], name
    exports = harness["steps"]["exports"]
    assert {"ims-actions-112025.json", "ims-actions-112025.csv", "gstr3b-table4-112025.json",
            "reconciliation-112025.csv"} <= set(exports)
    assert '"ret_period": "112025"' in exports["gstr3b-table4-112025.json"]


def test_main_py_scripts_run_with_their_boxes(harness):
    runs = harness["scripts"]
    by = [(r["script"], r["alerts"][0]) for r in runs[:-1]]
    assert by[0][0] == "load_data" and "0 BoE version(s) added" in by[0][1]  # a reload merges
    assert by[1][1].startswith("Recomputed as of 13-12-2025: 40 BoE version(s)")
    assert by[5][1].startswith("Wrote 14 changed action(s) for 112025")   # period Nov-2025
    assert "tick replace_exports" in by[6][1]          # no silent replace of an export
    assert by[7][1].startswith("Wrote 14 changed action(s) for 112025")   # replace ticked
    assert all(r["returned"] is None for r in runs[:-1])


def test_a_recompute_is_a_few_whole_range_calls(harness):
    """Each write is one queued action (a whole table, or one column's format); reads come
    from the snapshot. A recompute of the month: about 120 actions in one batch."""
    recomputed = harness["steps"]["steps"][3]
    columns = sum(len(t.columns) for t in L.TABLES.values())
    assert recomputed["actions"] <= 2 * columns + 20
    assert recomputed["reads"] <= 40


# --- the Book over Lite's object model ------------------------------------------------------------

def test_lite_book_reads_back_what_the_script_wrote(template, tmp_path):
    path = tmp_path / "wb.xlsx"
    shutil.copy(template, path)
    book = LiteFakeBook(path)
    lite = LiteBook(book, say=lambda s: None)
    rows = [{"Port Code": "INNSA1", "BoE No": f"{1000 + i}", "BoE Date": date(2025, 10, 1),
             "IGST": 18.09, "Voucher No": "00123"} for i in range(5)]
    lite.write_table(L.BOOKS, rows)
    assert book.live.sheets["Books"].tables["Books"].range.shape[0] == 6
    # the snapshot still has the empty table; the Book answers what it wrote
    assert LiteBook(book).read_table(L.BOOKS) == []
    back = lite.read_table(L.BOOKS)
    assert len(back) == 5 and back[0]["Voucher No"] == "00123"
    assert back[0]["BoE Date"].year == 2025 and back[0]["IGST"] == 18.09
    lite.write_table(L.BOOKS, rows[:2] + rows)      # grows from 5, not from the snapshot's 1
    assert book.live.sheets["Books"].tables["Books"].range.shape[0] == 8
    lite.write_table(L.BOOKS, rows[:1])             # and shrinks
    assert book.live.sheets["Books"].tables["Books"].range.shape[0] == 2
    lite.write_name("IMS_PERIOD", "012026")
    assert lite.read_names(["IMS_PERIOD"]) == {"IMS_PERIOD": "012026"}
    saved = book.finish(tmp_path / "after.xlsx")
    assert tables_of(saved)["IMS_PERIOD"][1] == [["012026"]]


def test_the_stand_in_refuses_what_lite_cannot_do(template, tmp_path):
    path = tmp_path / "wb.xlsx"
    shutil.copy(template, path)
    book = LiteFakeBook(path)
    rng = book.sheets["Books"].range((2, 1))
    for attribute in ("number_format", "color", "merge_cells"):
        with pytest.raises(LiteRefused):
            getattr(rng, attribute)
    with pytest.raises(LiteRefused):
        rng.insert(shift="down")
    with pytest.raises(LiteRefused):
        book.app.status_bar = "x"
    # the desktop Book trips on them; the Lite Book does not
    with pytest.raises(LiteRefused):
        XlwingsBook(book).write_name("IMS_PERIOD", "112025")
    LiteBook(book, say=lambda s: None).write_name("IMS_PERIOD", "112025")


def _month(template: Path, work: Path) -> Path:
    """The demo month loaded and recomputed through the jobs, as Excel shows it after."""
    path = work / "month.xlsx"
    shutil.copy(template, path)
    data = work / "data"
    data.mkdir()
    for name in DEMO_FILES:
        shutil.copy(DEMO / name, data / name)
    for job in (jobs.load_data, jobs.recompute):
        book = LiteFakeBook(path)
        job(book, folder=data, now=DEMO_NOW, say=lambda s: None)
        book.finish()
    return path


def test_recompute_keeps_a_new_reject_only_when_the_box_is_ticked(template, tmp_path):
    month = _month(template, tmp_path)
    for keep, expected in ((False, None), (True, "Reject")):
        path = tmp_path / f"reject-{keep}.xlsx"
        shutil.copy(month, path)
        book = LiteFakeBook(path)
        lite = LiteBook(book, say=lambda s: None)
        rows = lite.read_table(L.BOE)
        target = next(i for i, r in enumerate(rows) if not r.get("Action"))
        rows[target]["Action"], rows[target]["Remark"] = "Reject", "goods short-shipped"
        lite.write_table(L.BOE, rows)
        book.finish()
        said: list[str] = []
        book = LiteFakeBook(path)
        message = jobs.recompute(book, keep_new_rejects=keep, now=DEMO_NOW, say=said.append)
        book.finish()
        assert ("new Reject(s) not kept" in message) is (not keep)
        assert any("Keep 1 new Reject(s)?" in s for s in said)
        after = LiteBook(LiteFakeBook(path)).read_table(L.BOE)
        assert (after[target]["Action"] or None) == expected


def test_data_files_by_folder_and_name(tmp_path):
    for name in ("gstr2b_112025.json", "IMS/nov.json", "books.csv", "Purchase Register.xlsx",
                 "boe_list.csv", "broker/nov.csv", "actions.csv", "GSTR2B Nov.xlsx",
                 "notes.txt", "exports/ims-actions-112025.json", ".hidden.csv", "random.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = jobs.data_files(tmp_path)
    kinds = {k: sorted(p.relative_to(tmp_path).as_posix() for p in v)
             for k, v in found.by_kind.items()}
    assert kinds == {"gstr2b": ["IMS/nov.json", "gstr2b_112025.json"],
                     "books": ["Purchase Register.xlsx", "books.csv"],
                     "boe_list": ["boe_list.csv", "broker/nov.csv"],
                     "actions": ["actions.csv"], "gstr2b_excel": ["GSTR2B Nov.xlsx"]}
    assert found.skipped == ["notes.txt", "random.csv"]


def test_load_with_nothing_recognised_says_so(template, tmp_path):
    path = tmp_path / "wb.xlsx"
    shutil.copy(template, path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "notes.txt").write_text("x")
    message = jobs.load_data(LiteFakeBook(path), folder=tmp_path / "data",
                             say=lambda s: None)
    assert message.startswith("Nothing was loaded.")
    assert "Not loaded" in message and "notes.txt" in message


def test_a_bad_portal_file_is_one_clear_message(template, tmp_path):
    path = tmp_path / "wb.xlsx"
    shutil.copy(template, path)
    data = tmp_path / "data"
    data.mkdir()
    (data / "gstr2b_112025.json").write_text("{not json")
    book = LiteFakeBook(path)
    message = jobs.load_data(book, folder=data, say=lambda s: None)
    assert message.startswith("Load data: ") and "gstr2b_112025.json" in message
    assert "Traceback" not in message
    assert book.app.alerts and book.app.alerts[-1]["mode"] == "critical"


# --- ims-xl template --lite ---------------------------------------------------------------------

def test_template_lite_carries_main_py_as_xlwings_lite_stores_it(tmp_path, built):
    import json
    import re
    from xml.etree import ElementTree as ET

    import openpyxl

    out = tmp_path / "review.xlsx"
    proc = run_cli("template", str(out), "--lite", "--gstin", "27AAPFU0939F1ZV")
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("_rels/.rels").decode()
        panes = z.read("xl/webextensions/taskpanes.xml").decode()
        ext = ET.fromstring(z.read("xl/webextensions/webextension1.xml"))
    assert 'PartName="/xl/webextensions/webextension1.xml"' in types
    assert 'Target="xl/webextensions/taskpanes.xml"' in rels
    assert 'visibility="1"' in panes          # the Lite pane opens with the workbook
    we = "{http://schemas.microsoft.com/office/webextensions/webextension/2010/11}"
    assert ext.find(f"{we}reference").get("id").upper() == "WA200008175"
    props = {p.get("name"): json.loads(p.get("value")) for p in ext.iter(f"{we}property")}
    assert props["requirements.txt"] == (built / "requirements.txt").read_text()
    assert props["main.py"] == (built / "main.py").read_text()
    assert re.search(r"^def recompute\(book: xw.Book", props["main.py"], re.M)
    # still an ims-xl workbook: openpyxl opens it, the settings are there
    wb = openpyxl.load_workbook(out)
    assert "BoE" in wb.sheetnames and wb.defined_names["IMS_GSTIN"] is not None


def test_the_lite_code_survives_load_and_recompute(tmp_path):
    out = tmp_path / "review.xlsx"
    assert run_cli("template", str(out), "--lite", "--gstin", "27AAPFU0939F1ZV").returncode == 0
    before = zipfile.ZipFile(out).read("xl/webextensions/webextension1.xml")
    proc = run_cli("load", str(out), "--gstr2b", str(DEMO / "gstr2a_102025.json"),
                   "--books", str(DEMO / "books.csv"))
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("recompute", str(out), "--as-of", "13-12-2025")
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(out) as z:
        assert z.read("xl/webextensions/webextension1.xml") == before
        assert "xl/webextensions/taskpanes.xml" in z.namelist()
        assert "/xl/webextensions/webextension1.xml" in z.read("[Content_Types].xml").decode()


def test_two_books_files_load_one_and_say_which(template, tmp_path):
    path = tmp_path / "wb.xlsx"
    shutil.copy(template, path)
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(DEMO / "books.csv", data / "books-october.csv")
    shutil.copy(DEMO / "books.csv", data / "books-november.csv")
    message = jobs.load_data(LiteFakeBook(path), folder=data, say=lambda s: None)
    assert "38 book line(s)" in message
    assert ("only books-october.csv was loaded (one file of this kind at a time); not "
            "loaded: books-november.csv") in message


def test_cell_text_forbids_what_openpyxl_forbids():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from ims_xl.workbook import cell_text
    assert cell_text.ILLEGAL_CHARACTERS_RE.pattern == ILLEGAL_CHARACTERS_RE.pattern
    assert cell_text.cell_value("a\x00b\x0bc\td") == "abc\td"
    assert len(cell_text.cell_value("x" * 40000)) == cell_text.EXCEL_TEXT_LIMIT

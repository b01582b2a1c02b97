"""Every ribbon button, end to end, on a real workbook (OpenpyxlBook and a scripted UI), plus
the dispatcher's promises: every tag handled, no traceback ever reaches the user."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from ims_xl import ribbon
from ims_xl.periods import Period
from ims_xl.workbook import layout as L
from ims_xl.demo import (DEMO_AS_OF, DEMO_GSTIN, DEMO_NOW, demo_data_dir,
                                  demo_portal_files, run_demo)
from ims_xl.workbook.exporting import export
from ims_xl.workbook.loading import load_data
from ims_xl.workbook.openpyxl_book import OpenpyxlBook
from ims_xl.workbook.ops import recompute
from ims_xl.workbook.xlwings_book import XlwingsBook
from test_xlwings_book import FakeApp, FakeBook, assert_same, snapshot
from workbook_template.addin import RIBBON_TAGS
from workbook_template.addin.build import CONF_SETTINGS
from workbook_template.template import INSTRUCTIONS, build_template

DATA = demo_data_dir()
DEFAULT = object()  # ask_text: accept the default the handler offers


class FakeUI:
    """A scripted user: answers are consumed in order; every question is recorded."""

    def __init__(self, *, texts=(), open_files=(), save_paths=(), confirms=()):
        self.texts = list(texts)
        self.open_files = list(open_files)
        self.save_paths = list(save_paths)
        self.confirms = list(confirms)
        self.alerts: list[tuple[str, bool]] = []
        self.questions: list[str] = []
        self.prompts: list[tuple[str, str]] = []
        self.open_calls: list[dict[str, Any]] = []
        self.save_calls: list[dict[str, Any]] = []
        self.opened: list[Path] = []
        self.shown: list[str] = []
        self.imported: list[str] = []
        self.closed = 0

    def alert(self, text: str, *, error: bool = False) -> None:
        assert isinstance(text, str) and "Traceback" not in text
        self.alerts.append((text, error))

    def confirm(self, question: str) -> bool:
        self.questions.append(question)
        return self.confirms.pop(0)

    def ask_text(self, prompt: str, default: str = "") -> str | None:
        assert len(prompt) <= 255, "Excel's InputBox shows 255 characters"
        self.prompts.append((prompt, default))
        answer = self.texts.pop(0)
        return default if answer is DEFAULT else answer

    def choose_open_files(self, title, filters, *, multi, folder) -> list[Path]:
        self.open_calls.append({"title": title, "filters": filters, "multi": multi,
                                "folder": folder})
        return self.open_files.pop(0)

    def choose_save_path(self, title, default_name, filters, *, folder) -> Path | None:
        self.save_calls.append({"title": title, "default_name": default_name,
                                "filters": filters, "folder": folder})
        return self.save_paths.pop(0)

    def open_workbook(self, path: Path) -> None:
        self.opened.append(Path(path))

    def close_workbook(self) -> None:
        self.closed += 1

    def show_sheet(self, name: str) -> None:
        self.shown.append(name)

    def import_functions(self, modules: str) -> str:
        self.imported.append(modules)
        return f"imported {modules}"

    def used_up(self) -> bool:
        return not (self.texts or self.open_files or self.save_paths or self.confirms)

    @property
    def message(self) -> str:
        assert len(self.alerts) == 1, self.alerts
        return self.alerts[0][0]

    @property
    def error(self) -> bool:
        return self.alerts[-1][1]


# --- workbooks -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fresh") / "fresh.xlsx"
    build_template(path, gstin=DEMO_GSTIN)
    book = OpenpyxlBook(path, quiet=True)
    book.write_name("IMS_AS_OF", DEMO_AS_OF)
    book.save()
    return path


@pytest.fixture(scope="module")
def loaded_template(tmp_path_factory, fresh_template) -> Path:
    """The demo's data loaded, nothing computed yet."""
    path = tmp_path_factory.mktemp("loaded") / "loaded.xlsx"
    shutil.copy(fresh_template, path)
    load_data(OpenpyxlBook(path, quiet=True), **demo_files())
    return path


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    """``ims-xl demo``'s workbook: loaded, recomputed, fetched, recomputed."""
    out, _ = run_demo(tmp_path_factory.mktemp("demo"), say=lambda *a: None)
    return out


def demo_files() -> dict[str, Any]:
    return dict(gstr2b=demo_portal_files(),
                books=DATA / "books.csv", boe_list=DATA / "boe_list.csv",
                actions=DATA / "actions.csv", now=DEMO_NOW)


def copy(src: Path, tmp_path: Path, name: str = "wb.xlsx") -> Path:
    out = tmp_path / name
    shutil.copy(src, out)
    return out


def reject_policy_warn(path: Path) -> Path:
    """Choose reject policy warn in Settings: the demo's accountant rejected a BoE with a
    remark, which under the default block of rules 2.0 is an error on its row."""
    book = OpenpyxlBook(path, quiet=True)
    book.write_name("IMS_REJECT_POLICY", "warn")
    book.save()
    return path


def run(tag: str, path: Path | None, ui: FakeUI, tmp_path: Path, **kw) -> str | None:
    book = OpenpyxlBook(path, confirm=ui.confirm, quiet=True) if path is not None else None
    return ribbon.dispatch(tag, book=book, ui=ui, log_file=tmp_path / "ribbon.log",
                           now=DEMO_NOW, today=DEMO_AS_OF, **kw)


def table(path: Path, spec: L.TableSpec) -> list[dict[str, Any]]:
    """A table's body rows as openpyxl reads the saved file (blank rows dropped)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if spec.name in ws.tables:
            min_col, min_row, max_col, max_row = range_boundaries(ws.tables[spec.name].ref)
            rows = list(ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col,
                                     max_col=max_col, values_only=True))
            headers = rows[0]
            return [dict(zip(headers, r)) for r in rows[1:] if any(v not in (None, "")
                                                                   for v in r)]
    raise AssertionError(f"no table {spec.name}")


def name_value(path: Path, name: str) -> Any:
    wb = openpyxl.load_workbook(path)
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return wb[sheet][ref.replace("$", "").split(":")[0]].value


def set_cells(path: Path, spec: L.TableSpec, index: int, **values: Any) -> None:
    """Type into a table's body row ``index`` (0-based), as the accountant would."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if spec.name in ws.tables:
            min_col, min_row, _, _ = range_boundaries(ws.tables[spec.name].ref)
            for header, value in values.items():
                cell = ws.cell(min_row + 1 + index,
                               min_col + spec.index(header.replace("_", " ")), value)
                if isinstance(value, str) and cell.data_type == "f":
                    cell.data_type = "s"  # typed as text ('=...), not a formula
    wb.save(path)


# --- the registry ------------------------------------------------------------------------------

def test_every_ribbon_tag_reaches_a_handler_and_there_are_no_strays():
    assert len(RIBBON_TAGS) == 11
    assert set(ribbon.HANDLERS) == set(RIBBON_TAGS)
    assert set(ribbon.BUTTON_HELP) == set(RIBBON_TAGS)
    for tag, entry in ribbon.HANDLERS.items():
        assert entry.tag == tag and callable(entry.run) and entry.title


def test_dispatch_routes_every_tag_to_its_handler(tmp_path, demo_template, monkeypatch):
    reached = []
    for tag, entry in list(ribbon.HANDLERS.items()):
        monkeypatch.setitem(ribbon.HANDLERS, tag, ribbon.Handler(
            tag, entry.title, lambda ctx, tag=tag: reached.append(tag) or f"ran {tag}"))
    path = copy(demo_template, tmp_path)
    for tag in RIBBON_TAGS:
        ui = FakeUI()
        assert run(tag, path, ui, tmp_path) == f"ran {tag}"
        assert ui.alerts == [(f"ran {tag}", False)]
    assert reached == list(RIBBON_TAGS)


def test_the_udf_modules_are_the_add_ins():
    assert ribbon.UDF_MODULES == CONF_SETTINGS["UDF Modules"]


# --- new_workbook ------------------------------------------------------------------------------

def test_new_workbook_writes_a_template_with_the_gstin_and_opens_it(tmp_path):
    ui = FakeUI(save_paths=[tmp_path / "March review"], texts=[" 27aapfu0939f1zv "])
    message = run("new_workbook", None, ui, tmp_path)
    out = tmp_path / "March review.xlsx"
    assert out.exists() and ui.opened == [out]
    wb = openpyxl.load_workbook(out)
    assert tuple(wb.sheetnames[:len(L.SHEETS)]) == L.SHEETS
    assert name_value(out, "IMS_GSTIN") == DEMO_GSTIN
    assert table(out, L.BOE) == []
    assert "Created March review.xlsx" in message and "Load data" in message
    assert not ui.error and ui.used_up()


def test_new_workbook_offers_the_active_workbooks_gstin(tmp_path, fresh_template):
    ui = FakeUI(save_paths=[tmp_path / "next.xlsx"], texts=[DEFAULT])
    run("new_workbook", copy(fresh_template, tmp_path), ui, tmp_path)
    assert ui.prompts[0][1] == DEMO_GSTIN
    assert ui.save_calls[0]["folder"] == tmp_path
    assert name_value(tmp_path / "next.xlsx", "IMS_GSTIN") == DEMO_GSTIN


def test_new_workbook_never_replaces_a_file_without_a_yes(tmp_path):
    existing = tmp_path / "mine.xlsx"
    existing.write_bytes(b"precious")
    ui = FakeUI(save_paths=[existing], confirms=[False])
    assert run("new_workbook", None, ui, tmp_path) == "No workbook was created."
    assert existing.read_bytes() == b"precious"
    assert "exists already" in ui.questions[0]


def test_new_workbook_refuses_a_bad_gstin(tmp_path):
    ui = FakeUI(save_paths=[tmp_path / "bad.xlsx"], texts=["27AAPFU0939F1ZX"])
    message = run("new_workbook", None, ui, tmp_path)
    assert ui.error and "GSTIN 27AAPFU0939F1ZX" in message and "Nothing was created" in message
    assert not (tmp_path / "bad.xlsx").exists()


def test_new_workbook_cancelled(tmp_path):
    ui = FakeUI(save_paths=[None])
    assert run("new_workbook", None, ui, tmp_path) == "No workbook was created."
    assert list(tmp_path.glob("*.xlsx")) == []


# --- load_data ---------------------------------------------------------------------------------

def test_load_data_asks_what_then_one_dialog_per_kind(tmp_path, fresh_template):
    path = copy(fresh_template, tmp_path)
    ui = FakeUI(texts=["1 3 4 5"],
                open_files=[demo_portal_files(),
                            [DATA / "books.csv"], [DATA / "boe_list.csv"],
                            [DATA / "actions.csv"]])
    message = run("load_data", path, ui, tmp_path)
    assert not ui.error and ui.used_up()
    assert [c["multi"] for c in ui.open_calls] == [True, False, False, False]
    assert "GSTR-2B JSON" in ui.open_calls[0]["title"]
    assert ui.prompts[0][1] == ribbon.LOAD_DEFAULT
    boe = table(path, L.BOE)
    assert len(boe) == 39
    assert {r["Period"] for r in boe} == {"102025", "112025"}
    assert len(table(path, L.BOOKS)) == 38
    assert len(table(path, L.BOE_LIST)) == 38
    log = table(path, L.ACTION_LOG)
    assert len(log) == 28 and all(e["Source"].startswith("actions.csv row") for e in log)
    assert "39 BoE version(s) added" in message and "28 action(s) logged" in message
    assert "Next: Recompute" in message


def test_load_data_cancelled_or_nothing_chosen_changes_nothing(tmp_path, fresh_template):
    path = copy(fresh_template, tmp_path)
    before = path.read_bytes()
    ui = FakeUI(texts=[None])
    assert run("load_data", path, ui, tmp_path) == "Nothing was loaded."
    ui = FakeUI(texts=["1 3"], open_files=[[], []])
    assert run("load_data", path, ui, tmp_path) == "Nothing was loaded."
    assert path.read_bytes() == before


def test_load_data_bad_choice_is_explained(tmp_path, fresh_template):
    ui = FakeUI(texts=["1 7"])
    message = run("load_data", copy(fresh_template, tmp_path), ui, tmp_path)
    assert ui.error and "'7' is not one of 1 to 5" in message


def test_load_data_unreadable_file_stops_before_anything_is_written(tmp_path, fresh_template):
    path = copy(fresh_template, tmp_path)
    before = path.read_bytes()
    broken = tmp_path / "gstr2b_broken.json"
    broken.write_text("{not json", encoding="utf-8")
    ui = FakeUI(texts=["1 3"], open_files=[[broken], [DATA / "books.csv"]])
    message = run("load_data", path, ui, tmp_path)
    assert ui.error and message.startswith("Load data: ") and "gstr2b_broken.json" in message
    assert path.read_bytes() == before
    assert "WARNING" in (tmp_path / "ribbon.log").read_text(encoding="utf-8")


# --- fetch_boe ---------------------------------------------------------------------------------

def test_fetch_boe_fills_the_missing_boe_from_the_boe_list(tmp_path, loaded_template):
    path = copy(loaded_template, tmp_path)
    recompute(OpenpyxlBook(path, quiet=True), now=DEMO_NOW)  # lists the candidates
    assert len(table(path, L.FETCH)) == 1
    ui = FakeUI()
    message = run("fetch_boe", path, ui, tmp_path)
    fetch_rows = table(path, L.FETCH)
    assert [r["Status"] for r in fetch_rows] == ["Filled from the BoE list"]
    assert len(table(path, L.BOE)) == 40
    assert "1 filled from the BoE list" in message and "Next: Recompute" in message
    assert ui.shown == ["Fetch BoE"]


# --- reconcile ---------------------------------------------------------------------------------

def test_reconcile_writes_the_match_only(tmp_path, loaded_template):
    path = copy(loaded_template, tmp_path)
    log_before = table(path, L.ACTION_LOG)
    ui = FakeUI()
    message = run("reconcile", path, ui, tmp_path)
    assert not ui.error
    rec = table(path, L.RECONCILIATION)
    assert len(rec) >= 38 and all(r["Match"] for r in rec)
    boe = table(path, L.BOE)
    assert all(r["Match"] for r in boe)
    assert any(r["Suggested Action"] for r in boe)
    # no status, no 2B/3B, no log, no period, no history: Recompute's job
    assert all(r["Status"] is None and r["ITC IGST"] is None for r in boe)
    assert table(path, L.ACTION_LOG) == log_before
    assert table(path, L.HISTORY) == []
    assert name_value(path, "IMS_PERIOD") in (None, "")
    assert len(table(path, L.FETCH)) == 1  # the BoE missing from IMS
    assert f"Reconciled {len(rec)} BoE(s)" in message and "Fetch BoE" in message
    assert ui.shown == ["Reconciliation"]


def test_reconcile_keeps_the_accountants_columns_exactly(tmp_path, demo_template):
    path = copy(demo_template, tmp_path)
    set_cells(path, L.BOE, 0, Action="r", Remark="=cmd|' /c calc'!A0")
    before = table(path, L.BOE)
    run("reconcile", path, FakeUI(), tmp_path)
    after = table(path, L.BOE)
    for b, a in zip(before, after):
        for header in L.BOE.headers:
            if header not in ("Match", "Suggested Action"):
                assert a[header] == b[header], header
    assert after[0]["Action"] == "r"  # not normalised, not logged: Recompute does that


# --- validate ----------------------------------------------------------------------------------

def test_validate_reports_and_changes_nothing(tmp_path, demo_template):
    path = reject_policy_warn(copy(demo_template, tmp_path))
    set_cells(path, L.BOE, 2, BoE_Date="31-02-2025")
    set_cells(path, L.BOE, 5, Action="Keep Pending", Remark="in the bonded warehouse")
    before = path.read_bytes()
    ui = FakeUI()
    message = run("validate", path, ui, tmp_path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.bak"))
    assert "Nothing was changed" in message
    assert "1 row(s) with errors" in message and "BoE sheet row 4" in message
    assert "not in the Action Log yet" in message
    assert ui.questions == []  # a Reject is never asked about when nothing is kept


def test_validate_clean_workbook(tmp_path, demo_template):
    ui = FakeUI()
    message = run("validate", reject_policy_warn(copy(demo_template, tmp_path)), ui, tmp_path)
    assert "No row has an error" in message and "Action Log yet" not in message


def test_validate_names_the_reject_the_default_policy_refuses(tmp_path, demo_template):
    path = copy(demo_template, tmp_path)
    set_cells(path, L.BOE, 5, Action="Reject", Remark="wrong importer")
    message = run("validate", path, FakeUI(), tmp_path)
    assert "1 row(s) with errors" in message and "BoE sheet row 7" in message
    assert "ERROR REJECT_BLOCKED" in message and "Nothing was changed" in message


# --- recompute ---------------------------------------------------------------------------------

def test_recompute_writes_statuses_log_and_figures(tmp_path, loaded_template):
    path = copy(loaded_template, tmp_path)
    ui = FakeUI()
    message = run("recompute", path, ui, tmp_path)
    assert not ui.error
    boe = table(path, L.BOE)
    assert all(r["Status"] for r in boe)
    assert {r["Status"] for r in boe} >= {"Accepted", "Open"}
    assert name_value(path, "IMS_PERIOD") == "112025"
    assert len(table(path, L.PERIODS_3B)) == 3
    assert "Recomputed as of 13-12-2025: 39 BoE version(s)" in message
    assert "Period under review: 112025" in message


def _accepted_row(path: Path) -> tuple[int, dict[str, Any]]:
    return next((i, r) for i, r in enumerate(table(path, L.BOE)) if r["Action"] == "Accept")


def test_recompute_declined_reject_is_not_logged_and_the_action_reverts(tmp_path,
                                                                       demo_template):
    path = copy(demo_template, tmp_path)
    i, row = _accepted_row(path)
    log_before = table(path, L.ACTION_LOG)
    set_cells(path, L.BOE, i, Action="Reject", Action_Date=date(2025, 12, 12),
              Remark="wrong importer")
    ui = FakeUI(confirms=[False])
    message = run("recompute", path, ui, tmp_path)
    assert len(ui.questions) == 1
    assert "Keep 1 new Reject(s)?" in ui.questions[0] and "wrong importer" in ui.questions[0]
    after = table(path, L.BOE)[i]
    assert after["Action"] == "Accept"
    assert after["Action Date"] == row["Action Date"]
    assert after["Remark"] == row["Remark"]                  # the whole change undone
    log_after = table(path, L.ACTION_LOG)
    assert not any(e["New Action"] == "Reject" and e["Remark"] == "wrong importer"
                   for e in log_after)
    assert log_after == log_before
    assert "1 new Reject(s) not kept" in message


def test_recompute_confirmed_reject_is_logged(tmp_path, demo_template):
    path = copy(demo_template, tmp_path)
    i, _ = _accepted_row(path)
    set_cells(path, L.BOE, i, Action="Reject", Action_Date=date(2025, 12, 12),
              Remark="wrong importer")
    ui = FakeUI(confirms=[True])
    run("recompute", path, ui, tmp_path)
    assert table(path, L.BOE)[i]["Action"] == "Reject"
    last = table(path, L.ACTION_LOG)[-1]
    assert (last["Old Action"], last["New Action"], last["Remark"]) == \
        ("Accept", "Reject", "wrong importer")


def test_recompute_through_xlwings_shows_the_reject_question_in_excel(tmp_path,
                                                                     demo_template):
    """The same through XlwingsBook over the xlwings stand-in and ExcelUI: the question is
    Excel's Yes/No box, the answer No reverts, then the summary is an info box."""
    path = copy(demo_template, tmp_path)
    i, _ = _accepted_row(path)
    set_cells(path, L.BOE, i, Action="Reject")
    fake = FakeBook(path, FakeApp(answers=["no"]))
    message = ribbon.dispatch("recompute", book=XlwingsBook(fake),
                              ui=ribbon.ExcelUI(fake), log_file=tmp_path / "log",
                              now=DEMO_NOW)
    boxes = fake.app.alerts
    assert [b["buttons"] for b in boxes] == ["yes_no", "ok"]
    assert "Keep 1 new Reject(s)?" in boxes[0]["prompt"] and boxes[0]["mode"] == "critical"
    assert boxes[1]["prompt"] == message and boxes[1]["mode"] == "info"
    assert fake.app.screen_updating is True and fake.app.calculation == "automatic"
    assert fake.app.status_bar is False
    assert XlwingsBook(fake).read_table(L.BOE)[i]["Action"] == "Accept"
    assert fake.saved == 0  # the user saves the live workbook


# --- every button through both books ----------------------------------------------------------

def _script(tag: str, folder: Path) -> dict[str, Any]:
    return {
        "load_data": dict(texts=["1 3 4 5"],
                          open_files=[demo_portal_files(),
                                      [DATA / "books.csv"], [DATA / "boe_list.csv"],
                                      [DATA / "actions.csv"]]),
        "export_actions": dict(texts=[DEFAULT], save_paths=[folder / "actions.json"]),
        "export_3b": dict(texts=[DEFAULT], save_paths=[folder / "3b.json"]),
        "new_workbook": dict(save_paths=[folder / "new.xlsx"], texts=[DEFAULT]),
    }.get(tag, {})


@pytest.mark.parametrize("tag", [t for t in RIBBON_TAGS if t != "import_functions"])
def test_every_button_gives_the_same_result_through_xlwings(tmp_path, demo_template, tag):
    """Each button on the demo workbook (with a few typed changes), once through
    OpenpyxlBook and once through XlwingsBook over the xlwings stand-in with ExcelUI's
    messages: the same message, the same workbook afterwards, the same files written."""
    results = []
    for side in ("a", "b"):
        folder = tmp_path / side
        folder.mkdir()
        path = copy(demo_template, folder)
        set_cells(path, L.BOE, 5, Action="p", Remark="=HYPERLINK(\"x\")")
        set_cells(path, L.BOE, 30, Action="Accept", Action_Date="14-12-2025")
        ui = FakeUI(**_script(tag, folder))
        if side == "a":
            message = run(tag, path, ui, tmp_path)
        else:
            fake = FakeBook(path, FakeApp())
            message = ribbon.dispatch(tag, book=XlwingsBook(fake), ui=ui,
                                      log_file=tmp_path / "ribbon.log", now=DEMO_NOW,
                                      today=DEMO_AS_OF)
            fake.save()  # the user presses Ctrl+S
            assert fake.app.alerts == []  # every message went through the UI
        assert ui.used_up() and not ui.error, message
        files = {p.name: p.read_bytes() for p in folder.iterdir()
                 if p.suffix in (".json", ".csv")}
        new = folder / "new.xlsx"
        results.append((message.replace(str(folder), "<dir>"), snapshot(path), files,
                        snapshot(new) if new.exists() else None))
    (msg_a, snap_a, files_a, new_a), (msg_b, snap_b, files_b, new_b) = results
    assert msg_a == msg_b
    assert_same(snap_a, snap_b)
    assert files_a == files_b
    assert (new_a is None) == (new_b is None)
    if new_a is not None:
        assert_same(new_a, new_b)


# --- exports -----------------------------------------------------------------------------------

def test_export_actions_json_matches_the_command_line(tmp_path, demo_template):
    path = copy(demo_template, tmp_path)
    target = tmp_path / "out" / "actions.json"
    target.parent.mkdir()
    ui = FakeUI(texts=[DEFAULT], save_paths=[target])
    message = run("export_actions", path, ui, tmp_path)
    assert ui.prompts[0][1] == "112025"
    assert ui.save_calls[0]["default_name"] == "ims-actions-112025.json"
    payload = json.loads(target.read_text(encoding="utf-8"))
    assert payload["data"]["rtin"] == DEMO_GSTIN
    assert message.startswith("Wrote ") and "for 112025" in message
    cli = tmp_path / "cli.json"
    export(path, Period.parse("112025"), ims_json=str(cli))
    assert json.loads(cli.read_text(encoding="utf-8")) == payload


def test_export_actions_csv(tmp_path, demo_template):
    path = copy(demo_template, tmp_path)
    target = tmp_path / "worklist.csv"
    ui = FakeUI(texts=["102025"], save_paths=[target])
    message = run("export_actions", path, ui, tmp_path)
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert rows[0][0] == "Record ID"
    assert f"Wrote {len(rows) - 1} changed action(s) for 102025" in message
    cli = tmp_path / "cli.csv"
    export(path, Period.parse("102025"), actions_csv=str(cli))
    assert cli.read_bytes() == target.read_bytes()


def test_export_asks_before_replacing_and_checks_the_name(tmp_path, demo_template):
    path = copy(demo_template, tmp_path)
    target = tmp_path / "actions.json"
    target.write_text("keep me", encoding="utf-8")
    ui = FakeUI(texts=[DEFAULT], save_paths=[target], confirms=[False])
    assert run("export_actions", path, ui, tmp_path) == "Nothing was exported."
    assert target.read_text(encoding="utf-8") == "keep me"
    ui = FakeUI(texts=[DEFAULT], save_paths=[tmp_path / "actions.txt"])
    message = run("export_actions", path, ui, tmp_path)
    assert ui.error and "ending in .csv or .json" in message
    ui = FakeUI(texts=["13-2025"])
    message = run("export_actions", path, ui, tmp_path)
    assert ui.error and "is not a month and year: type it as 112025, Nov-2025" in message
    ui = FakeUI(texts=[None])
    assert run("export_3b", path, ui, tmp_path) == "Nothing was exported."


def test_export_3b_matches_the_command_line(tmp_path, demo_template):
    path = copy(demo_template, tmp_path)
    target = tmp_path / "3b.json"
    ui = FakeUI(texts=[DEFAULT], save_paths=[target])
    message = run("export_3b", path, ui, tmp_path)
    fragment = json.loads(target.read_text(encoding="utf-8"))
    assert fragment["ret_period"] == "112025" and fragment["gstin"] == DEMO_GSTIN
    assert fragment["itc_elg"]["itc_avl"][0]["iamt"] == 2918601.94
    assert message == f"Wrote GSTR-3B Table 4 import lines for 112025 to {target}."
    cli = tmp_path / "cli-3b.json"
    export(path, Period.parse("112025"), gstr3b_json=str(cli))
    assert cli.read_bytes() == target.read_bytes()


def test_export_3b_for_a_period_not_in_the_workbook(tmp_path, demo_template):
    ui = FakeUI(texts=["012024"], save_paths=[tmp_path / "x.json"])
    message = run("export_3b", copy(demo_template, tmp_path), ui, tmp_path)
    assert ui.error and "period 012024 is not in wb.xlsx" in message
    assert not (tmp_path / "x.json").exists()


# --- import_functions, help --------------------------------------------------------------------

def test_import_functions_hands_the_modules_to_excel(tmp_path, demo_template, monkeypatch):
    monkeypatch.setattr(ribbon, "UDF_MODULES", "json;ims_xl.rules")
    ui = FakeUI()
    message = run("import_functions", copy(demo_template, tmp_path), ui, tmp_path)
    assert ui.imported == ["json;ims_xl.rules"] and message == "imported json;ims_xl.rules"


def test_import_functions_says_when_the_module_is_not_installed(tmp_path, demo_template,
                                                                monkeypatch):
    monkeypatch.setattr(ribbon, "UDF_MODULES", "udfs.no_such_functions")
    ui = FakeUI()
    message = run("import_functions", copy(demo_template, tmp_path), ui, tmp_path)
    assert ui.error and ui.imported == []
    assert "udfs.no_such_functions" in message and sys.executable in message


def test_help_lists_the_steps_and_every_button(tmp_path, demo_template):
    path = copy(demo_template, tmp_path)
    before = path.read_bytes()
    ui = FakeUI()
    message = run("help", path, ui, tmp_path)
    assert INSTRUCTIONS[0] in message
    for tag, text in ribbon.BUTTON_HELP.items():
        if tag != "help":
            assert text in message
    assert str(tmp_path / "ribbon.log") in message
    assert path.read_bytes() == before


# --- the dispatcher never raises ---------------------------------------------------------------

@pytest.mark.parametrize("tag", ["no_such_button", "", None, "RECOMPUTE"])
def test_unknown_tag_is_a_clear_alert(tmp_path, demo_template, tag):
    ui = FakeUI()
    message = run(tag, copy(demo_template, tmp_path), ui, tmp_path)
    assert ui.error and "not known to the ims_xl Python package" in message
    assert "ims-xl addin build" in message


def test_an_unexpected_failure_is_one_readable_alert_and_a_logged_traceback(
        tmp_path, demo_template, monkeypatch):
    def boom(ctx):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(ribbon.HANDLERS, "recompute",
                        ribbon.Handler("recompute", "Recompute 2B/3B", boom))
    ui = FakeUI()
    message = run("recompute", copy(demo_template, tmp_path), ui, tmp_path)
    assert ui.error
    assert message.startswith("Recompute 2B/3B failed unexpectedly: RuntimeError: disk on fire")
    assert "close it without saving" in message and str(tmp_path / "ribbon.log") in message
    logged = (tmp_path / "ribbon.log").read_text(encoding="utf-8")
    assert "Traceback" in logged and "disk on fire" in logged


def test_input_error_on_a_workbook_that_is_not_ours(tmp_path):
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "someone else's sheet"
    wb.save(path)
    for tag in ("recompute", "validate", "reconcile", "fetch_boe", "load_data",
                "export_actions", "export_3b"):
        ui = FakeUI()
        message = run(tag, path, ui, tmp_path)
        assert ui.error, tag
        assert "other.xlsx is not an ims-xl workbook" in message, (tag, message)
        assert "New workbook" in message
    assert openpyxl.load_workbook(path).active["A1"].value == "someone else's sheet"


def test_a_missing_table_is_named(tmp_path, demo_template):
    path = copy(demo_template, tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["Action Log"].tables["ActionLog"]
    wb.save(path)
    ui = FakeUI()
    message = run("recompute", path, ui, tmp_path)
    assert ui.error and "the table 'ActionLog' (sheet 'Action Log') is missing" in message


def test_a_failing_message_box_does_not_raise(tmp_path, demo_template):
    class Broken(FakeUI):
        def alert(self, text, *, error=False):
            raise OSError("no display")

    assert run("help", copy(demo_template, tmp_path), Broken(), tmp_path).startswith("ims_xl")
    assert "could not show" in (tmp_path / "ribbon.log").read_text(encoding="utf-8")


def test_without_excel_dispatch_logs_and_returns(tmp_path, capsys):
    assert ribbon.dispatch("help", log_file=tmp_path / "ribbon.log") is None
    assert "cannot reach" in (tmp_path / "ribbon.log").read_text(encoding="utf-8")
    assert "cannot reach Excel" in capsys.readouterr().err


def test_every_dispatch_is_logged(tmp_path, demo_template):
    run("validate", copy(demo_template, tmp_path), FakeUI(), tmp_path)
    logged = (tmp_path / "ribbon.log").read_text(encoding="utf-8")
    assert "ribbon validate on wb.xlsx: start" in logged
    assert "ribbon validate on wb.xlsx: Validated" in logged


# --- ExcelUI against a stand-in of Excel's Application -------------------------------------------

class FakeApi:
    """``app.api`` (Excel's Application object): the three dialogs ExcelUI uses."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def InputBox(self, *args):  # noqa: N802 - Excel's name
        self.calls.append(("InputBox", args))
        return self.answers.pop(0)

    def GetOpenFilename(self, *args):  # noqa: N802
        self.calls.append(("GetOpenFilename", args))
        return self.answers.pop(0)

    def GetSaveAsFilename(self, *args):  # noqa: N802
        self.calls.append(("GetSaveAsFilename", args))
        return self.answers.pop(0)


def test_excel_ui_maps_excels_dialogs(tmp_path, demo_template):
    fake = FakeBook(copy(demo_template, tmp_path), FakeApp(answers=["yes"]))
    fake.app.api = FakeApi([False, "112025", False, ("C:\\a.json", "C:\\b.json"),
                            "C:\\one.csv", False, "C:\\out\\x.json"])
    ui = ribbon.ExcelUI(fake)
    assert ui.ask_text("Period?", "112025") is None
    assert ui.ask_text("Period?", "112025") == "112025"
    assert fake.app.api.calls[0] == ("InputBox", ("Period?", "ims_xl", "112025"))
    filters = [("GSTR-2B JSON", "*.json")]
    assert ui.choose_open_files("t", filters, multi=True, folder=None) == []
    assert ui.choose_open_files("t", filters, multi=True, folder=None) == \
        [Path("C:\\a.json"), Path("C:\\b.json")]
    assert ui.choose_open_files("t", [("CSV or Excel", "*.csv;*.xlsx")], multi=False,
                                folder=None) == [Path("C:\\one.csv")]
    name, args = fake.app.api.calls[2]
    assert name == "GetOpenFilename"
    assert args == ("GSTR-2B JSON (*.json),*.json,All files (*.*),*.*", 1, "t", "", True)
    assert fake.app.api.calls[4][1][0] == \
        "CSV or Excel (*.csv;*.xlsx),*.csv;*.xlsx,All files (*.*),*.*"
    assert ui.choose_save_path("s", "x.json", filters, folder=tmp_path) is None
    assert fake.app.api.calls[5][1][0] == str(tmp_path / "x.json")
    assert ui.choose_save_path("s", "x.json", filters, folder=None) == Path("C:\\out\\x.json")
    assert ui.confirm("Keep?") is True
    ui.alert("done")
    assert fake.app.alerts[-1]["mode"] == "info"
    ui.alert("bad", error=True)
    assert fake.app.alerts[-1]["mode"] == "critical"
    assert len(ribbon.LOAD_PROMPT) <= ribbon.PROMPT_LIMIT


class _AddinApi:
    def __init__(self, fail_save=False):
        self.saved = 0
        self.fail_save = fail_save

    def Save(self):  # noqa: N802 - Excel's name
        if self.fail_save:
            raise OSError("read-only")
        self.saved += 1


class _Addin:
    def __init__(self, **kw):
        self.api = _AddinApi(**kw)


def test_excel_ui_imports_the_functions_into_the_add_in_and_saves_it(tmp_path, demo_template,
                                                                     monkeypatch):
    import xlwings

    fake = FakeBook(copy(demo_template, tmp_path), FakeApp())
    addin = _Addin()
    fake.app.books = {"ims_xl.xlam": addin}
    calls = []
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(xlwings, "import_udfs", lambda modules, wb: calls.append((modules, wb)),
                        raising=False)
    message = ribbon.ExcelUI(fake).import_functions("udfs.boe_functions")
    assert calls == [("udfs.boe_functions", addin.api)] and addin.api.saved == 1
    assert "saved it" in message

    def refuse(modules, wb):
        raise RuntimeError("Programmatic access to Visual Basic Project is not trusted")

    monkeypatch.setattr(xlwings, "import_udfs", refuse, raising=False)
    with pytest.raises(ribbon.InputError, match="Trust access to the VBA project object model"):
        ribbon.ExcelUI(fake).import_functions("udfs.boe_functions")
    fake.app.books = {}
    with pytest.raises(ribbon.InputError, match="add-in is not loaded"):
        ribbon.ExcelUI(fake).import_functions("udfs.boe_functions")


def test_excel_ui_import_functions_off_windows_is_a_clear_message(tmp_path, demo_template,
                                                                  monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    fake = FakeBook(copy(demo_template, tmp_path), FakeApp())
    message = ribbon.dispatch("import_functions", book=XlwingsBook(fake),
                              ui=ribbon.ExcelUI(fake), log_file=tmp_path / "log")
    assert "need Excel on Windows" in message
    assert fake.app.alerts[-1]["mode"] == "critical"


# --- restore, and the lock the changing buttons hold --------------------------------------------

def test_a_changing_button_is_refused_while_the_command_line_holds_the_workbook(
        tmp_path, demo_template):
    import subprocess
    import sys

    path = copy(demo_template, tmp_path)
    before = path.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import time; from ims_xl.safety.lock import workbook_lock\n"
        f"with workbook_lock({str(path)!r}, command='recompute'):\n"
        "    print('held', flush=True); time.sleep(600)")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        ui = FakeUI()
        message = run("recompute", path, ui, tmp_path)
    finally:
        holder.kill()
        holder.wait()
    assert "is being changed by another ims-xl (recompute" in message
    assert ui.alerts[-1][1] is True and path.read_bytes() == before


def test_restore_puts_back_the_version_from_before_a_button(tmp_path, demo_template):
    from ims_xl.safety.backups import list_backups

    path = copy(demo_template, tmp_path)
    set_cells(path, L.BOE, 5, Action="Keep Pending", Remark="before the recompute")
    before = path.read_bytes()
    assert run("recompute", path, FakeUI(confirms=[True] * 3), tmp_path).startswith("Recomputed")
    assert path.read_bytes() != before
    assert list_backups(path)[0].path.read_bytes() == before   # kept before the button

    ui = FakeUI(texts=["1"], confirms=[True])
    recomputed = path.read_bytes()
    message = run("restore", path, ui, tmp_path)
    assert message.startswith("Restored wb.xlsx as it was on"), message
    assert path.read_bytes() == before
    assert ui.closed == 1 and ui.opened == [path]
    assert "1: " in ui.prompts[0][0] and "Excel closes it without saving" in ui.questions[0]
    assert list_backups(path)[0].path.read_bytes() == recomputed  # the restore is undoable


def test_restore_refuses_a_number_not_listed_and_changes_nothing(tmp_path, demo_template):
    path = copy(demo_template, tmp_path)
    assert run("recompute", path, FakeUI(confirms=[True] * 3), tmp_path).startswith("Recomputed")
    current = path.read_bytes()
    ui = FakeUI(texts=["7"])
    message = run("restore", path, ui, tmp_path)
    assert "'7' is not one of the numbers 1 to 1" in message and ui.alerts[-1][1] is True
    assert path.read_bytes() == current and ui.closed == 0
    ui = FakeUI(texts=["1"], confirms=[False])
    assert run("restore", path, ui, tmp_path) == "Nothing was restored."
    assert path.read_bytes() == current and ui.closed == 0


def test_export_never_replaces_a_spreadsheet_even_when_told_to(tmp_path, demo_template):
    path = copy(demo_template, tmp_path)
    disguised = tmp_path / "actions.csv"
    disguised.write_bytes(path.read_bytes())          # a workbook saved under a .csv name
    ui = FakeUI(texts=[DEFAULT, "2"], save_paths=[disguised], confirms=[True])
    message = run("export_actions", path, ui, tmp_path)
    assert "is a spreadsheet, and an export never replaces one" in message, message
    assert disguised.read_bytes() == path.read_bytes()

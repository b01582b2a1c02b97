"""Every value docs/excel-acceptance.md quotes, computed the way each surface computes it.

Run from the repository root:

    PYTHONPATH=. .venv/bin/python scripts/acceptance_values.py

Each output line is ``check<TAB>value``. The value is text that the checklist quotes word for
word; only its line breaks may differ. tests/test_acceptance_doc.py runs this script and
fails for any value missing from the checklist. So after a change to the demo data, the rules
or a message, run the script and copy the new values into the checklist.

How each value is computed. None is typed in here.

- The ribbon buttons run through ``ims_xl.ribbon.dispatch`` on one live workbook, as Excel
  keeps it between presses: ``XlwingsBook`` over the xlwings stand-in of
  tests/test_xlwings_book.py, with the scripted user of tests/test_ribbon.py. Nothing is
  saved to disk until the checklist says Ctrl+S. Yes/No questions about Rejects are Excel's
  boxes (``app.alert``).
- The Start sheet's counts are counted from the BoE table, as its COUNTIF and SUMPRODUCT
  formulas count it. The GSTR-2B and GSTR-3B sheets' figures are the ones
  ``ims-xl summary --json`` prints; tests/test_libreoffice_recalc.py holds the sheets'
  formulas equal to those figures.
- The worksheet functions are ``udfs.boe_functions``, given the demo workbook's cells as
  xlwings passes them: numbers as float, dates as datetime, blanks as None. IMS_SETTINGS is
  passed as tests/test_udfs.py's ``settings_range`` reads it.
- The command line (demo, summary, export, recompute, addin build) runs in a subprocess.

Messages show the folder that stands for C:\\ims-demo as ``C:\\ims-demo``.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import openpyxl  # noqa: E402
from openpyxl.utils import get_column_letter, range_boundaries  # noqa: E402

import udfs.boe_functions as U  # noqa: E402
from ims_xl import __version__, ribbon  # noqa: E402
from ims_xl.dates import to_excel_serial  # noqa: E402
from ims_xl.gst_calendar import gstr2b_date  # noqa: E402
from ims_xl.models import Settings, Status  # noqa: E402
from ims_xl.money import format_inr  # noqa: E402
from ims_xl.periods import Period  # noqa: E402
from ims_xl.workbook import layout as L  # noqa: E402
from ims_xl.demo import DEMO_AS_OF, DEMO_GSTIN, DEMO_NOW, demo_data_dir  # noqa: E402
from ims_xl.workbook.xlwings_book import XlwingsBook  # noqa: E402
from test_ribbon import DEFAULT, FakeUI  # noqa: E402
from test_udfs import settings_range  # noqa: E402
from test_xlwings_book import FakeApp, FakeBook  # noqa: E402

DATA = demo_data_dir()
SHOWN_FOLDER = "C:\\ims-demo"
AS_OF = datetime(DEMO_AS_OF.year, DEMO_AS_OF.month, DEMO_AS_OF.day)   # as xlwings passes it
# The Settings sheet's value cells, by defined name: B4 IMS_GSTIN, B5 IMS_FILING, ...
SETTING_CELL = {s.name: f"B{L.SETTINGS_FIRST_ROW + i}" for i, s in enumerate(L.SETTINGS_NAMES)}

Value = tuple[str, str]


# --- helpers ---------------------------------------------------------------------------------

def cli(*args: str, expect: int = 0) -> str:
    """The command line in its own process; its standard output (or error, when it fails)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    proc = subprocess.run([sys.executable, "-m", "ims_xl", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=300)
    if proc.returncode != expect:
        raise SystemExit(f"ims-xl {' '.join(args)} exited {proc.returncode}, not {expect}:\n"
                         f"{proc.stdout}{proc.stderr}")
    return proc.stdout if expect == 0 else proc.stderr


def figures(workbook: Path, period: str) -> dict[str, Any]:
    """``ims-xl summary --json``: what the GSTR-2B and GSTR-3B sheets show for the period."""
    return json.loads(cli("summary", str(workbook), "--period", period, "--json"),
                      parse_float=Decimal)


def inr(amount: Any) -> str:
    """As the sheets show money: lakhs and crores (1,87,16,416.08)."""
    return format_inr(Decimal(str(amount)))


def general(value: Any) -> str:
    """A worksheet function's answer as Excel's General format shows it."""
    if isinstance(value, datetime):
        return f"{value:%d-%m-%Y}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def lines(message: str) -> list[str]:
    return [line.strip() for line in message.splitlines() if line.strip()]


class LiveWorkbook:
    """One workbook open in Excel: buttons pressed on it, cells typed into it, Ctrl+S."""

    def __init__(self, path: Path, folder: Path):
        self.path = path
        self.folder = folder
        self.fake = FakeBook(path, FakeApp())
        self.log = folder.parent / "ribbon.log"

    def press(self, tag: str, *, answers: tuple[str, ...] = (),
              **script: Any) -> tuple[str, FakeUI]:
        """Press a button. ``answers``: the Yes/No boxes Excel shows (Rejects); ``script``:
        the scripted user's answers (FakeUI)."""
        self.fake.app.answers = list(answers)
        self.fake.app.alerts.clear()
        ui = FakeUI(**script)
        message = ribbon.dispatch(tag, book=XlwingsBook(self.fake), ui=ui, log_file=self.log,
                                  now=DEMO_NOW, today=DEMO_AS_OF)
        assert message is not None and ui.used_up() and not self.fake.app.answers, tag
        return self.shown(message), ui

    def questions(self) -> list[str]:
        return [a["prompt"] for a in self.fake.app.alerts if a["buttons"] == "yes_no"]

    def shown(self, text: str) -> str:
        return (text.replace(str(self.folder) + os.sep, SHOWN_FOLDER + "\\")
                .replace(str(self.folder), SHOWN_FOLDER))

    def boe_row(self, sheet_row: int) -> dict[str, Any]:
        ws = self.fake.wb[L.BOE.sheet]
        return {h: ws.cell(sheet_row, j + 1).value for j, h in enumerate(L.BOE.headers)}

    def boe_rows(self) -> list[dict[str, Any]]:
        return XlwingsBook(self.fake).read_table(L.BOE)

    def type(self, sheet_row: int, **values: Any) -> None:
        ws = self.fake.wb[L.BOE.sheet]
        for header, value in values.items():
            ws.cell(sheet_row, L.BOE.index(header.replace("_", " ")) + 1, value)

    def table(self, spec: L.TableSpec) -> list[dict[str, Any]]:
        return XlwingsBook(self.fake).read_table(spec)

    def ctrl_s(self) -> None:
        self.fake.save()

    def saved_copy(self, name: str) -> Path:
        """The live workbook as it would be saved now, under another name (for summary)."""
        copy = self.folder.parent / name
        self.fake.wb.save(copy)
        return copy


def start_sheet(rows: list[dict[str, Any]], review: str | None = None,
                labels: tuple[str, ...] | None = None) -> str:
    """The Start sheet's counts, as its formulas count the BoE table: by status
    (COUNTIF(BoE[Status],...)), rows whose Messages start with ERROR, rows with CUTOFF_NEAR,
    and the days from the as-of date to the GSTR-2B date of the period under review."""
    statuses = Counter(r.get("Status") for r in rows)
    counts = {s.label: statuses.get(s.label, 0) for s in Status}
    counts["Rows with errors"] = sum(str(r.get("Messages") or "")[:5] == "ERROR" for r in rows)
    counts["Rows near the 2B cutoff"] = sum("CUTOFF_NEAR" in str(r.get("Messages") or "")
                                            for r in rows)
    if review:
        cutoff = gstr2b_date(Period.parse(review), Settings(gstin=DEMO_GSTIN))
        counts["Days left"] = (cutoff - DEMO_AS_OF).days
    return "Start sheet: " + ", ".join(f"{label} {n}" for label, n in counts.items()
                                       if labels is None or label in labels)


def gstr3b_sheet(f: dict[str, Any]) -> str:
    a, b = f["gstr3b"]["4A1"], f["gstr3b"]["4B2"]
    return (f"4(A)(1) IGST {inr(a['igst'])}, Cess {inr(a['cess'])}; 4(B)(2) IGST "
            f"{inr(b['igst'])}, Cess {inr(b['cess'])}; Net import credit "
            f"{inr(a['igst'] - b['igst'])}")


def gstr3b_if_nothing_more(f: dict[str, Any]) -> str:
    """The GSTR-3B sheet's block beside Table 4 (G3:H9), as ``summary --json`` computes it."""
    nm = f["if_nothing_more"]
    a, b = nm["gstr3b"]["4A1"], nm["gstr3b"]["4B2"]
    day = "-".join(reversed(nm["gstr2b_date"].split("-")))
    return (f"If nothing more is done by {day}: 4(A)(1) IGST {inr(a['igst'])}, Cess "
            f"{inr(a['cess'])}; 4(B)(2) IGST {inr(b['igst'])}, Cess {inr(b['cess'])}")


def all_periods_row(period: str, f: dict[str, Any]) -> str:
    a, b, p, r = f["gstr3b"]["4A1"], f["gstr3b"]["4B2"], f["pending"], f["rejected"]
    return (f"{period}: 4A1 {inr(a['igst'])} / {inr(a['cess'])}, 4B2 {inr(b['igst'])} / "
            f"{inr(b['cess'])}, pending {p['count']} ({inr(p['igst'])}), rejected "
            f"{r['count']} ({inr(r['igst'])})")


def gstr2b_line(section: str, f: dict[str, Any]) -> str:
    s = f["gstr2b"][section]
    return (f"{section} count {s['count']}, taxable value {inr(s['taxable_value'])}, IGST "
            f"{inr(s['igst'])}, cess {inr(s['cess'])}")


# --- section 0: the demo, section 1: the add-in ---------------------------------------------

def section_0(folder: Path) -> Iterator[Value]:
    out = cli("demo", "--out", str(folder))
    again = cli("demo", "--out", str(folder), expect=2)
    yield "0 demo again", again.split(" exists already")[1].split(". ")[0].join(
        ("exists already", "."))
    said = dict(line.split(". ", 1) for line in out.splitlines() if line[:2] in ("1.", "5."))
    yield "0 demo: the last step", said["5"]
    for line in out.splitlines():
        if line.startswith("GSTR-3B 4("):
            yield "0 demo: November's GSTR-3B", line


def section_1(folder: Path) -> Iterator[Value]:
    from workbook_template.addin.addin_file import read_addin
    from workbook_template.addin import CUSTOMUI_NS

    out = cli("addin", "build", "--out", str(folder / "dist"))
    built = read_addin(folder / "dist" / "ims_xl.xlam")
    yield "1 addin build", out[out.index("(ims-xl "):out.index(" inside:") + len(" inside:")]
    yield "1 VBA modules", ", ".join(built.modules)
    root = ET.parse(ROOT / "workbook_template" / "addin" / "customUI.xml").getroot()
    buttons = 0
    for group in root.iter(f"{{{CUSTOMUI_NS}}}group"):
        labels = [b.get("label") for b in group.iter(f"{{{CUSTOMUI_NS}}}button")]
        buttons += len(labels)
        yield f"1 ribbon group {group.get('label')}", f"{group.get('label')}: " + ", ".join(labels)
    yield "1 ribbon buttons", f"That is {buttons} large buttons"


# --- section 2: the buttons on demo-a ---------------------------------------------------------

def section_2_and_3(folder: Path, demo: Path) -> Iterator[Value]:
    here = folder / "ims-demo"
    here.mkdir()
    path = here / "demo-a.xlsx"
    shutil.copyfile(demo, path)
    book = LiveWorkbook(path, here)

    message, _ = book.press("help")
    yield "2.1 help", lines(message)[0]
    message, _ = book.press("validate")
    for n, line in enumerate(lines(message)):
        yield f"2.2 validate line {n + 1}", line
    message, _ = book.press("recompute")
    yield "2.3 recompute", message
    assert not book.questions()
    rows = book.boe_rows()
    review = XlwingsBook(book.fake).read_names([L.PERIOD_NAME])[L.PERIOD_NAME]
    yield "2.3 Start sheet", start_sheet(rows, review)
    recomputed = book.saved_copy("demo-a after recompute.xlsx")
    by_period = {p: figures(recomputed, p) for p in ("102025", "112025", "122025")}
    yield "2.3 GSTR-3B sheet", gstr3b_sheet(by_period["112025"])
    sheet = book.fake.wb["GSTR-3B"]
    yield "2.3 GSTR-3B if nothing more", gstr3b_if_nothing_more(by_period["112025"])
    yield "2.3 GSTR-3B note under 4(B)(2)", f"A8: `{sheet['A8'].value}`"
    yield "2.3 GSTR-3B note on 4(B)(2)", sheet["A10"].value.split(":")[0]
    n, moved = next((n, r) for n, r in enumerate(rows, start=2)
                    if "GSTIN_MOVED" in str(r.get("Messages")))
    yield "2.3 the moved BoE", (f"Row {n} ({moved['Port Code']} {moved['BoE No']}, amendment, "
                                f"Importer GSTIN {moved['Importer GSTIN']})")
    yield "2.3 the moved BoE's figures", (f"{moved['Status']} in {moved['2B Period']} with ITC "
                                          f"IGST {inr(moved['ITC IGST'])}")
    yield "2.3 the moved BoE's message", lines(moved["Messages"])[0].split(": reverse")[0]
    yield "2.3 the reversal", f"reverses {inr(-Decimal(str(moved['ITC IGST'])))}"
    n, amended = next((n, r) for n, r in enumerate(rows, start=2)
                      if r.get("Amendment") == "Yes" and r is not moved)
    yield "2.3 the re-assessed BoE", (f"row {n} ({amended['Port Code']} {amended['BoE No']}) "
                                      f"adds {inr(amended['ITC IGST'])}")
    yield "2.3 GSTR-2B sheet IMPGA", gstr2b_line("IMPGA", by_period["112025"])
    for period, f in by_period.items():
        yield f"2.3 All periods {period}", all_periods_row(period, f)

    message, ui = book.press("reconcile")
    yield "2.4 reconcile", lines(message)[0]
    message, ui = book.press("fetch_boe")
    yield "2.5 fetch", message
    fetch_rows = book.table(L.FETCH)
    yield "2.5 fetch row", (f"({fetch_rows[0]['Port Code']} {fetch_rows[0]['BoE No']}) now says "
                            f"`{fetch_rows[0]['Status']}`")
    yield from _fetch_needs_a_reference_date(book)

    message, ui = book.press("export_actions", texts=[DEFAULT],
                             save_paths=[here / "ims-actions-112025.json"])
    yield "2.6 export actions JSON", lines(message)[0]
    yield "2.6 the JSON is not for the Offline Tool", lines(message)[1].split(":")[0]
    assert (here / "ims-actions-112025.json.format.json").exists()
    payload = json.loads((here / "ims-actions-112025.json").read_text(encoding="utf-8"))
    records = {k: len(v) for k, v in payload["data"]["invdata"].items() if v}
    yield "2.6 JSON rtin", f'"rtin": "{payload["data"]["rtin"]}"'
    yield "2.6 JSON records", " and ".join(f"{n} {k}" for k, n in records.items()) + " records"
    message, ui = book.press("export_actions", texts=["102025"],
                             save_paths=[here / "actions-102025.csv"])
    yield "2.7 export actions CSV", message
    with open(here / "actions-102025.csv", encoding="utf-8-sig") as fh:
        yield "2.7 CSV rows", f"a header row plus {len(fh.readlines()) - 1} rows"
    before = (here / "ims-actions-112025.json").read_bytes()
    message, ui = book.press("export_actions", texts=[DEFAULT], confirms=[False],
                             save_paths=[here / "ims-actions-112025.json"])
    assert (here / "ims-actions-112025.json").read_bytes() == before
    yield "2.8 replace question", ui.questions[0]
    yield "2.8 answer No", message
    for period in ("112025", "102025"):
        message, ui = book.press("export_3b", texts=[period],
                                 save_paths=[here / f"gstr3b-table4-{period}.json"])
        text = (here / f"gstr3b-table4-{period}.json").read_text(encoding="utf-8")
        avl = json.loads(text, parse_float=Decimal)["itc_elg"]["itc_avl"][0]
        for key in ("iamt", "csamt"):
            assert f'"{key}": {avl[key]}' in text
        if period == "112025":
            yield "2.9 export 3B", message
            yield "2.9 3B JSON 112025", f'"iamt": {avl["iamt"]}` and `"csamt": {avl["csamt"]}'
        else:
            yield "2.9 3B JSON 102025", f"For 102025: `{avl['iamt']}` and `{avl['csamt']}`"
    message, ui = book.press("export_3b", texts=["13-2025"])
    yield "2.10 export 3B, a wrong period", message

    yield from section_3(book)


def _fetch_needs_a_reference_date(book: LiveWorkbook) -> Iterator[Value]:
    """A row typed below the Fetch BoE table (Excel grows the table): without its reference
    date, then with one."""
    rows = book.table(L.FETCH)
    typed = {"Port Code": "INNSA1", "BoE No": "2599001", "BoE Date": datetime(2025, 12, 1)}
    yield "2.5b typed row", "INNSA1, 2599001, 01-12-2025"
    XlwingsBook(book.fake).write_table(L.FETCH, rows + [typed])
    message, _ = book.press("fetch_boe")
    yield "2.5b no reference date", message
    row = book.table(L.FETCH)[-1]
    yield "2.5b its status", row["Status"]
    yield "2.5b its problem", row["Problem"].split(". ")[0] + "."
    rows = book.table(L.FETCH)
    rows[-1]["Reference Date"] = datetime(2025, 12, 2)
    XlwingsBook(book.fake).write_table(L.FETCH, rows)
    message, _ = book.press("fetch_boe")
    yield "2.5b with a reference date", message
    yield "2.5b its status then", book.table(L.FETCH)[-1]["Status"]


# --- section 3: a Reject, blocked and then allowed; Restore -------------------------------------

def section_3(book: LiveWorkbook) -> Iterator[Value]:
    row = 31
    target = book.boe_row(row)
    assert target["Status"] == "Open" and not target["Action"], target
    yield "3 the row", (f"row {row} ({target['Port Code']} {target['BoE No']}, Status "
                        f"{target['Status']})")
    remark = "duplicate of 2589445"
    book.type(row, Action="Reject", Remark=remark)
    message, _ = book.press("validate")
    for n, line in enumerate(lines(message)[1:], start=1):
        yield f"3 validate, a typed Reject, line {n + 1}", line

    message, _ = book.press("recompute", answers=("no",))
    question = lines(book.questions()[0])
    yield "3 the Reject question", question[0]
    yield "3 the Reject question lists", question[1]
    yield "3 answer No", message
    after = book.boe_row(row)
    assert not after["Action"] and not after["Remark"] and after["Status"] == "Open"
    log_rows = len(book.table(L.ACTION_LOG))
    yield "3 the Action Log", f"The Action Log still has {log_rows} rows"

    book.type(row, Action="Reject", Remark=remark)
    message, _ = book.press("recompute", answers=("yes",))
    yield "3 answer Yes", message
    after = book.boe_row(row)
    yield "3 the row after Yes", (f"Status {after['Status']}, Action Date "
                                  f"{after['Action Date']:%d-%m-%Y}")
    yield "3 its message", lines(after["Messages"])[0].split(":")[0]
    last = book.table(L.ACTION_LOG)[-1]
    yield "3 the Start sheet after Yes", start_sheet(
        book.boe_rows(), labels=("Open", "Rows with errors", "Rows near the 2B cutoff"))
    yield "3 the last Action Log row", (f"{last['New Action']}` / `{last['Remark']}` / "
                                        f"`{last['Source']}")
    message, _ = book.press("export_actions", texts=[DEFAULT],
                            save_paths=[book.folder / "worklist-112025.csv"])
    yield "3 export, the Reject left out", message

    cell = SETTING_CELL["IMS_REJECT_POLICY"]
    yield "3 the reject policy cell", f"Reject policy ({cell})"
    book.fake.wb["Settings"][cell] = "warn"
    message, _ = book.press("recompute")
    assert not book.questions()
    yield "3 warn: recompute", message
    after = book.boe_row(row)
    yield "3 warn: the row", f"Status {after['Status']}, 2B Period {after['2B Period']}"
    yield "3 warn: its message", lines(after["Messages"])[0].split(":")[0]
    yield "3 warn: the Start sheet", start_sheet(
        book.boe_rows(), labels=("Rejected", "Open", "Rows with errors", "Rows near the 2B cutoff"))
    warned = figures(book.saved_copy("demo-a warn.xlsx"), "112025")
    yield "3 warn: GSTR-2B sheet", (f"ITC rejected: {warned['rejected']['count']}, IGST "
                                    f"{inr(warned['rejected']['igst'])}")
    yield "3 warn: All periods 112025", all_periods_row("112025", warned)

    # Ctrl+S, an unsaved change, then Restore
    book.ctrl_s()
    book.fake.wb[L.BOE.sheet].cell(2, len(L.BOE.columns) + 2).value = "not saved"
    message, ui = book.press("restore", texts=["1"], confirms=[True])
    prompt = ui.prompts[0][0].splitlines()
    yield "3 restore prompt", prompt[0]
    yield "3 restore lists", f"lists {len(prompt) - 1} version"
    yield "3 restore question", ui.questions[0].split("? ", 1)[1]
    assert ui.closed == 1 and ui.opened == [book.path]
    yield "3 restored", message.split(" as it was on ")[0]
    yield "3 restored, the rest", message.split(". ", 1)[1]
    reopened = LiveWorkbook(book.path, book.folder)
    back = reopened.boe_row(row)
    assert not back["Action"] and back["Status"] == "Open"
    assert reopened.fake.wb[L.BOE.sheet].cell(2, len(L.BOE.columns) + 2).value is None
    assert reopened.fake.wb["Settings"][cell].value == "block"
    kept = [p for p in (book.folder / "ims-xl backups").iterdir() if p.suffix == ".xlsx"]
    yield "3 the backups", f"ims-xl backups` holds {len(kept)} files"
    message, ui = reopened.press("restore", texts=[None])
    yield "3 restore again lists", f"lists {len(ui.prompts[0][0].splitlines()) - 1} versions"
    yield "3 restore cancelled", message


# --- section 4: a new workbook from the ribbon --------------------------------------------------

def section_4(folder: Path) -> Iterator[Value]:
    here = folder / "fresh" / "ims-demo"
    here.mkdir(parents=True)
    ui = FakeUI(save_paths=[here / "fresh.xlsx"], texts=[DEMO_GSTIN])
    message = ribbon.dispatch("new_workbook", book=None, ui=ui, log_file=folder / "fresh.log",
                              now=DEMO_NOW, today=DEMO_AS_OF)
    book = LiveWorkbook(here / "fresh.xlsx", here)
    yield "4 new workbook", book.shown(message)
    cell = SETTING_CELL["IMS_AS_OF"]
    yield "4 the as-of cell", f"As-of date ({cell})"
    book.fake.wb["Settings"][cell] = AS_OF
    message, _ = book.press("load_data", texts=["7"])
    yield "4 load, a wrong number", message.split(":")[1].strip()
    portal = sorted(DATA.glob("gstr2*.json"))
    yield "4 the portal files", ", ".join(f"`{p.name}`" for p in portal)
    message, _ = book.press("load_data", texts=["1 3 4 5"],
                            open_files=[portal, [DATA / "books.csv"],
                                        [DATA / "boe_list.csv"], [DATA / "actions.csv"]])
    yield "4 load", "into " + lines(message)[0].split(" into ", 1)[1]
    message, _ = book.press("reconcile")
    yield "4 reconcile", lines(message)[0].split(". See")[0]
    yield "4 reconcile, Fetch BoE", lines(message)[1]
    candidate = book.table(L.FETCH)[0]
    yield "4 the Fetch BoE row", (f"already has its reference date, "
                                  f"{candidate['Reference Date']:%d-%m-%Y}, from the BoE list")
    message, _ = book.press("fetch_boe")
    yield "4 fetch", message.split(", ")[2]
    yield "4 the BoE sheet", f"The BoE sheet now has {len(book.boe_rows())} rows"
    message, _ = book.press("recompute")
    yield "4 recompute", message.split(": ", 1)[1].split(";")[0]

    other = folder / "Book1.xlsx"
    openpyxl.Workbook().save(other)
    blank = LiveWorkbook(other, folder)
    blank.fake.name = blank.fake.fullname = "Book1"    # never saved: no path
    message, _ = blank.press("recompute")
    yield "4 not an ims-xl workbook", message.split(": ", 1)[1].split(" (")[0]


# --- section 5: the worksheet functions ---------------------------------------------------------

def section_5(folder: Path, demo: Path) -> Iterator[Value]:
    yield from _function_wizard()
    path = folder / "demo-b.xlsx"
    shutil.copyfile(demo, path)
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[L.BOE.sheet]

    def c(ref: str) -> Any:
        """A cell as xlwings passes it to a function: numbers as float."""
        v = ws[ref].value
        return float(v) if type(v) is int else v

    settings = settings_range(path)
    warned = _with_reject_policy_warn(path)
    as_of = wb["Settings"][SETTING_CELL["IMS_AS_OF"]].value
    yield "5 IMS_AS_OF", f"`IMS_AS_OF` ({as_of:%d-%m-%Y})"

    def row(formula: str, value: Any, *, more: bool = False) -> Value:
        """A row of the checklist's table; ``more``: the checklist quotes only the answer's
        start, and goes on with "..."."""
        return f"5 {formula}", f"`{formula}` | `{general(value)}" + ("" if more else "`")

    yield row("=BOE_STATUS(BoE!N2,BoE!F2,IMS_AS_OF)", U.BOE_STATUS(c("N2"), c("F2"), AS_OF))
    yield row("=BOE_STATUS(BoE!N27,BoE!F27,IMS_AS_OF)", U.BOE_STATUS(c("N27"), c("F27"), AS_OF))
    yield row("=BOE_STATUS(BoE!N30,BoE!F30,IMS_AS_OF,BoE!P30)",
              U.BOE_STATUS(c("N30"), c("F30"), AS_OF, c("P30")))
    remark = "duplicate of 2589445"
    reject = (f'=BOE_STATUS("Reject",BoE!F31,IMS_AS_OF,"{remark}"', ("Reject", c("F31"), AS_OF,
                                                                      remark))
    yield row(reject[0] + ")", U.BOE_STATUS(*reject[1]))
    yield row(reject[0] + ",IMS_SETTINGS)", U.BOE_STATUS(*reject[1], settings))
    yield "5 warn: with IMS_SETTINGS", f"turns `{U.BOE_STATUS(*reject[1], warned)}`"
    yield ("5 warn: without IMS_SETTINGS",
           f"without IMS_SETTINGS stays `{U.BOE_STATUS(*reject[1])}`")
    itc = (c("I2"), c("J2"), c("N2"), c("F2"), AS_OF)
    yield row("=BOE_ITC(BoE!I2,BoE!J2,BoE!N2,BoE!F2,IMS_AS_OF)", U.BOE_ITC(*itc))
    for head in ("IGST", "Cess"):
        yield row(f'=BOE_ITC(BoE!I2,BoE!J2,BoE!N2,BoE!F2,IMS_AS_OF,"{head}")',
                  U.BOE_ITC(*itc, head))
    for r in (2, 27, 8):
        yield row(f"=BOE_2B_PERIOD(BoE!F{r},BoE!N{r},BoE!O{r},IMS_AS_OF)",
                  U.BOE_2B_PERIOD(c(f"F{r}"), c(f"N{r}"), c(f"O{r}"), AS_OF))
    yield row("=BOE_CHECK(BoE!C2,BoE!D2,BoE!E2,BoE!F2,BoE!N2)",
              U.BOE_CHECK(c("C2"), c("D2"), c("E2"), c("F2"), c("N2")))
    yield row("=BOE_CHECK(BoE!C2,BoE!D2,BoE!F2,BoE!E2)",
              U.BOE_CHECK(c("C2"), c("D2"), c("F2"), c("E2")))
    row31 = "=BOE_CHECK(BoE!C31,BoE!D31,BoE!E31,BoE!F31"
    check31 = (c("C31"), c("D31"), c("E31"), c("F31"))
    yield row(f'{row31},"Reject","{remark}")', U.BOE_CHECK(*check31, "Reject", remark))
    warning = U.BOE_CHECK(*check31, "Reject", remark, warned)
    yield ("5 warn: BOE_CHECK with the remark",
           f'`{row31},"Reject","{remark}",IMS_SETTINGS)` gives `'
           + warning.split(": the portal")[0])
    no_remark = U.BOE_CHECK(*check31, "Reject", None, warned)
    yield ("5 warn: BOE_CHECK without a remark",
           f'`{row31},"Reject",,IMS_SETTINGS)` gives `' + no_remark.split(" (")[0])
    yield row("=BOE_CHECK(BoE!C37,BoE!D37,BoE!E37,BoE!F37,BoE!N37,BoE!P37,IMS_SETTINGS)",
              U.BOE_CHECK(c("C37"), c("D37"), c("E37"), c("F37"), c("N37"), c("P37"), settings))
    cutoff = U.BOE_CUTOFF("112025")
    yield row('=BOE_CUTOFF("112025")', cutoff)
    yield "5 the cutoff as a number", f"if Excel shows {to_excel_serial(cutoff)}"
    yield row("=BOE_CUTOFF(BoE!E2)", U.BOE_CUTOFF(c("E2")))
    for period in ("112025", "102025"):
        yield row(f'=BOE_DAYS_LEFT("{period}",IMS_AS_OF)', U.BOE_DAYS_LEFT(period, AS_OF))
    gstin = wb["Settings"][SETTING_CELL["IMS_GSTIN"]].value
    yield row("=GSTIN_CHECK(IMS_GSTIN)", U.GSTIN_CHECK(gstin))
    yield row('=GSTIN_CHECK("27AAPFU0939F1ZX")',
              U.GSTIN_CHECK("27AAPFU0939F1ZX").split(":")[0] + ":", more=True)
    yield row("=PORT_CODE_CHECK(BoE!C2)", U.PORT_CODE_CHECK(c("C2")))
    yield row('=PORT_CODE_CHECK("INNSA")', U.PORT_CODE_CHECK("INNSA").split(" (")[0], more=True)
    yield row("=BOE_NUMBER(2566101)", U.BOE_NUMBER(2566101.0))
    yield row('=BOE_NUMBER("2.57E+06")', U.BOE_NUMBER("2.57E+06").split(": Excel")[0] + ":",
              more=True)
    yield "5 an Excel error", U.GSTIN_CHECK("#N/A")
    yield from _boe_table(ws, settings)


def _function_wizard() -> Iterator[Value]:
    """What Insert Function shows: the calls the add-in makes to register the help, as
    generated by xlwings' own Import functions."""
    from workbook_template.addin.udf_module import generate_udf_module

    udfs = generate_udf_module(ribbon.UDF_MODULES)
    help_ = {c.function: c for c in udfs.macro_options}
    yield "5 functions", ", ".join(sorted(help_))
    itc = help_["BOE_ITC"]
    yield "5 BOE_ITC description", itc.description
    names = list(inspect.signature(U.BOE_ITC).parameters)
    yield "5 BOE_ITC boxes", f"{len(names)} boxes, {names[0]} to {names[-1]}"
    for name in ("igst", "as_of", "settings"):
        yield f"5 {name} help", itc.argument_descriptions[names.index(name)]
    yield "5a volatile", ", ".join(udfs.volatile)


def _with_reject_policy_warn(path: Path) -> list[list]:
    """IMS_SETTINGS once the accountant has chosen reject policy warn."""
    warn = path.with_name(path.stem + " warn.xlsx")
    shutil.copyfile(path, warn)
    wb = openpyxl.load_workbook(warn)
    wb["Settings"][SETTING_CELL["IMS_REJECT_POLICY"]] = "warn"
    wb.save(warn)
    return settings_range(warn)


def _boe_table(ws: Any, settings: list[list]) -> Iterator[Value]:
    """BOE_TABLE and GSTR3B_4A1 over BoE[#All], against the BoE sheet's columns S:W."""
    c1, r1, c2, r2 = range_boundaries(ws.tables[L.BOE.name].ref)
    table = [[float(v) if type(v) is int else v for v in r]
             for r in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2,
                                   values_only=True)]
    header = table[0]
    first = L.BOE.index("Status")
    columns = f"{get_column_letter(c1 + first)}:{get_column_letter(c1 + first + 4)}"
    for formula, args in (("=BOE_TABLE(BoE[#All],IMS_AS_OF)", ()),
                          ("=BOE_TABLE(BoE[#All],IMS_AS_OF,IMS_SETTINGS)", (settings,))):
        out = U.BOE_TABLE(table, AS_OF, *args)
        assert all(len(r) == len(out[0]) for r in out)
        yield f"5 {formula}", (f"`{formula}` | Spills {len(out)} rows × {len(out[0])} columns: "
                               f"header `{', '.join(out[0])}`")
        differ = []
        for n, (cells, got) in enumerate(zip(table[1:], out[1:]), start=r1 + 1):
            sheet = [cells[first], cells[first + 1] or "", cells[first + 2], cells[first + 3],
                     cells[first + 4] or ""]
            boe = f"{cells[header.index('Port Code')]} {cells[header.index('BoE No')]}"
            if args and "GSTIN_MOVED" in sheet[4]:
                gstin = cells[header.index("Importer GSTIN")]
                yield (f"5 {formula} the moved row",
                       f"Row {n}, the BoE customs moved to {gstin}, is as on the BoE sheet: "
                       f"{got[0]}, {got[1]}, ITC IGST {general(got[2])}, "
                       f"`{got[4].split(':')[0]}`")
            if got != sheet:
                differ.append(n)
                yield (f"5 {formula} row {n} ({boe})",
                       f"row {n} ({boe}): `{got[0]}`, `{got[1]}`, ITC IGST `{general(got[2])}`"
                       + (f", `{got[4].split(':')[0]}`" if got[4] else ", no message"))
        yield f"5 {formula} equals", f"equals BoE columns {columns} except " + " and ".join(
            f"row {n}" for n in differ)
    for period, with_settings, head in (("112025", True, "IGST"), ("112025", False, "IGST"),
                                        ("102025", True, "Cess")):
        extra = [settings] if with_settings else []
        formula = (f'=GSTR3B_4A1(BoE[#All],"{period}",,IMS_AS_OF'
                   + (",IMS_SETTINGS)" if with_settings else ")"))
        value = U.GSTR3B_4A1(table, period, None, AS_OF, *extra)
        yield f"5 {formula}", f"`{formula}` | `{general(value)}`"
        yield (f"5 {formula} {head}",
               f'(`"{head}"`: `{general(U.GSTR3B_4A1(table, period, head, AS_OF, *extra))}`)')


# --- section 7: a workbook the command line wrote -----------------------------------------------

def section_7(folder: Path, demo: Path) -> Iterator[Value]:
    path = folder / "cli" / "ims-xl-demo.xlsx"
    path.parent.mkdir()
    shutil.copyfile(demo, path)
    shown = figures(path, "112025")["gstr3b"]["4A1"]
    yield "7 on opening", f"4(A)(1) IGST **{inr(shown['igst'])}**"
    owner = path.with_name("~$" + path.name)           # Excel has it open
    owner.write_bytes(b"")
    refused = cli("recompute", str(path), expect=2)
    yield "7 open in Excel", refused.split(": ", 1)[1].split(" (")[0] + " (its lock file"
    yield "7 open in Excel, the end", refused.split("): ", 1)[1].split(" (")[0]
    listed = cli("restore", str(path), "--list")
    yield "7 restore --list while open", listed.split(str(path))[0] + "..."
    owner.unlink()
    wb = openpyxl.load_workbook(path)        # what Excel saves: the formula's value, the typing
    ws = wb[L.BOE.sheet]
    ws.cell(5, L.BOE.index("Remark") + 1, "chk ok")
    ws.cell(5, L.BOE.index("Action") + 1, "Accept")
    ws["AC4"] = "ask the CHA"
    wb.save(path)
    cli("recompute", str(path))
    last = openpyxl.load_workbook(path)[L.ACTION_LOG.sheet]
    assert [c.value for c in last[last.max_row]][5] == "chk ok"
    out = cli("summary", str(path), "--period", "112025")
    for line in out.splitlines():
        if line.startswith("GSTR-3B 4("):
            yield "7 summary after recompute", line


def values(folder: Path) -> Iterator[Value]:
    yield from section_0(folder / "demo")
    demo = folder / "demo" / "ims-xl-demo.xlsx"
    yield from section_1(folder)
    yield from section_2_and_3(folder, demo)
    yield from section_4(folder)
    yield from section_5(folder, demo)
    yield from section_7(folder, demo)
    yield "version", f"ims_xl {__version__}"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ims-xl-acceptance-") as tmp:
        for label, value in values(Path(tmp)):
            assert "\t" not in label and "\n" not in value, (label, value)
            print(f"{label}\t{value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

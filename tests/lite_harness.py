"""Runs a built ``main.py`` as xlwings Lite would, in CPython or inside Pyodide, and returns
every answer as plain JSON, so that the two can be compared value for value.

- **Functions**: each of the 11 worksheet functions, with arguments shaped as Lite hands them
  over (Office.js custom functions): dates as Excel serial numbers, amounts as floats, empty
  cells as ``None``, text, a cell error as its text (``err_to_str``), whole tables as 2-D
  lists (the BoE table of the demo month, header included, as read from the workbook).
- **Scripts**: the demo month through the jobs (load, recompute, fetch, recompute,
  reconcile, validate, export), then each ``@script`` of main.py once, every one on
  :class:`lite_standin.LiteFakeBook` (the strict desktop stand-in of test_xlwings_book, with
  Lite's snapshot reads, queued writes and missing API). After each script the workbook is
  "saved" (what Excel shows) and reopened for the next, as the next script's snapshot.

Also :func:`forbidden_modules`: the modules of the CLI-only dependencies that main.py and the
scripts' modules load (beyond those loaded before: Pyodide's event loop imports asyncio,
which imports subprocess and concurrent.futures without starting anything).
No pytest import here (test_xlwings_book, imported by the stand-in, does import it).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

FUNCTIONS = ("BOE_STATUS", "BOE_ITC", "BOE_2B_PERIOD", "BOE_CHECK", "BOE_CUTOFF",
             "BOE_DAYS_LEFT", "GSTIN_CHECK", "PORT_CODE_CHECK", "BOE_NUMBER", "BOE_TABLE",
             "GSTR3B_4A1")
SCRIPTS = ("load_data", "recompute", "reconcile", "fetch_boe", "validate", "export")
# The dependencies of the command line and the Windows add-in that Lite must never load.
FORBIDDEN = ("pydantic", "pydantic_core", "python_calamine", "lxml", "filelock", "tqdm",
             "subprocess", "multiprocessing", "concurrent.futures")
DEMO_FILES = ("gstr2a_102025.json", "gstr2b_102025.json", "gstr2a_112025.json",
              "books.csv", "boe_list.csv", "actions.csv")
_EPOCH = date(1899, 12, 30)


def serial(day: date) -> float:
    """An Excel serial date, as Office.js passes a date cell to a custom function."""
    return float((day - _EPOCH).days)


def load_main(path: str | Path):
    spec = importlib.util.spec_from_file_location("main", str(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules["main"] = module
    spec.loader.exec_module(module)
    return module


def plain(value: Any) -> Any:
    """A JSON value that says exactly what was answered (type included where it matters)."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, float):
        return {"float": repr(value)}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return {"other": repr(value)}


def excel_cell(value: Any) -> Any:
    """A cell value as a custom function receives it: dates as serial numbers."""
    if isinstance(value, datetime):
        return serial(value.date()) + (value - datetime(value.year, value.month,
                                                        value.day)).total_seconds() / 86400
    if isinstance(value, date):
        return serial(value)
    if value == "":
        return None
    return value


# --- the functions ------------------------------------------------------------------------------

def function_cases(table: list[list[Any]]) -> list[tuple[str, tuple]]:
    """(function, Lite-shaped arguments) for every function: the demo's dates and amounts,
    blanks, Excel errors, bad input, a whole table with and without its header."""
    as_of = serial(date(2025, 12, 13))
    ref_nov, ref_oct = serial(date(2025, 11, 6)), serial(date(2025, 10, 6))
    acted = serial(date(2025, 11, 5))
    body = table[1:]
    return [
        ("BOE_STATUS", ("Accept", ref_nov, as_of, None)),
        ("BOE_STATUS", (None, ref_nov, as_of, None)),
        ("BOE_STATUS", ("Keep Pending", "06-11-2025", as_of, None)),
        ("BOE_STATUS", ("r", ref_nov, as_of, "goods short-shipped")),
        ("BOE_STATUS", ("Reject", ref_nov, as_of, None)),
        ("BOE_STATUS", ("Accept", "#N/A", as_of, None)),
        ("BOE_STATUS", ("Accept", "31-02-2025", as_of, None)),
        ("BOE_STATUS", ("Accept", 12.0, as_of, None)),
        ("BOE_ITC", (18000.0, None, "Accept", ref_nov, as_of, None, None)),
        ("BOE_ITC", (627495.41, 34860.86, "Accept", ref_oct, as_of, "igst", None)),
        ("BOE_ITC", (627495.41, 34860.86, None, ref_oct, as_of, "Cess", None)),
        ("BOE_ITC", (18000.0, None, "Keep Pending", ref_nov, as_of, None, None)),
        ("BOE_ITC", ("abc", None, "Accept", ref_nov, as_of, None, None)),
        ("BOE_2B_PERIOD", (ref_oct, "Accept", acted, as_of, None)),
        ("BOE_2B_PERIOD", (ref_nov, None, None, as_of, None)),
        ("BOE_2B_PERIOD", (ref_nov, "Keep Pending", None, as_of, None)),
        ("BOE_2B_PERIOD", (ref_nov, "Accept", serial(date(2025, 12, 20)), as_of, None)),
        ("BOE_CHECK", ("INNSA1", 2566101.0, serial(date(2025, 10, 18)),
                       serial(date(2025, 10, 21)), "Accept", None)),
        ("BOE_CHECK", ("INNSA1", "2566101", serial(date(2025, 10, 22)),
                       serial(date(2025, 10, 21)), None, None)),
        ("BOE_CHECK", ("18272A", 123.0, None, None, "x", None)),
        ("BOE_CUTOFF", (112025.0,)),
        ("BOE_CUTOFF", ("012026",)),
        ("BOE_CUTOFF", (ref_nov,)),
        ("BOE_CUTOFF", ("13-2025",)),
        ("BOE_DAYS_LEFT", (112025.0, as_of)),
        ("BOE_DAYS_LEFT", ("102025", as_of)),
        ("BOE_DAYS_LEFT", (ref_nov, serial(date(2025, 12, 14)))),
        ("GSTIN_CHECK", ("27AAPFU0939F1ZV",)),
        ("GSTIN_CHECK", ("27AAPFU0939F1ZX",)),
        ("GSTIN_CHECK", (None,)),
        ("PORT_CODE_CHECK", ("INNSA1",)),
        ("PORT_CODE_CHECK", ("18272A",)),
        ("PORT_CODE_CHECK", ("IN",)),
        ("BOE_NUMBER", (2566282.0,)),
        ("BOE_NUMBER", (2.57e6,)),
        ("BOE_NUMBER", (" 0012345 ",)),
        ("BOE_NUMBER", ([[2566282.0]],)),
        ("BOE_TABLE", (table, as_of)),
        ("BOE_TABLE", (body, as_of)),
        ("BOE_TABLE", ([["not", "a table"]], as_of)),
        ("GSTR3B_4A1", (table, 112025.0, None, as_of)),
        ("GSTR3B_4A1", (table, "102025", "igst", as_of)),
        ("GSTR3B_4A1", (body, "Nov-2025", "cess", as_of)),
    ]


def call_functions(main, table: list[list[Any]]) -> list[dict[str, Any]]:
    out = []
    for name, args in function_cases(table):
        answer = getattr(main, name)(*args)
        out.append({"function": name, "args": plain(list(args))[:6] if name not in (
            "BOE_TABLE", "GSTR3B_4A1") else plain(list(args[1:])), "answer": plain(answer)})
    return out


def boe_table_as_excel(path: Path) -> list[list[Any]]:
    """The BoE table of a saved workbook with its header, as a custom function gets it."""
    import openpyxl
    from openpyxl.utils import range_boundaries

    wb = openpyxl.load_workbook(path, data_only=False)
    ws = wb["BoE"]
    c1, r1, c2, r2 = range_boundaries(ws.tables["BoE"].ref)
    return [[excel_cell(c.value) for c in row]
            for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2)]


# --- the scripts -------------------------------------------------------------------------------

def tables_of(path: Path) -> dict[str, Any]:
    """Every table's values (formulas as their text), and the defined names' cells."""
    import openpyxl
    from openpyxl.utils import range_boundaries

    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        for table in ws.tables.values():
            c1, r1, c2, r2 = range_boundaries(table.ref)
            out[table.displayName] = [table.ref, [
                [plain(c.value) for c in row]
                for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2)]]
    for name in ("IMS_PERIOD", "IMS_PERIODS", "IMS_AS_OF", "IMS_GSTIN"):
        dn = wb.defined_names.get(name)
        if dn is not None:
            sheet, ref = next(iter(dn.destinations))
            cells = wb[sheet][ref.replace("$", "")]
            if not isinstance(cells, tuple):
                cells = ((cells,),)
            out[name] = [ref, [[plain(c.value) for c in row] for row in cells]]
    return out


def _exports(folder: Path) -> dict[str, str]:
    target = folder / "exports"
    if not target.is_dir():
        return {}
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(target.iterdir())}


def run_script_steps(main, template: Path, demo: Path, work: Path) -> dict[str, Any]:
    """The demo month through the jobs with the demo's clock, each step a script of its own
    (a new snapshot of the workbook saved by the step before)."""
    from lite_standin import LiteFakeBook

    from ims_xl.demo import DEMO_AS_OF, DEMO_NOW

    data = work / "data"
    data.mkdir(parents=True)
    for name in DEMO_FILES:
        shutil.copy(demo / name, data / name)
    book_path = work / "month.xlsx"
    shutil.copy(template, book_path)
    steps = []
    said: list[str] = []
    for tag in ("load_data", "recompute", "fetch_boe", "recompute", "reconcile", "validate",
                "export"):
        book = LiteFakeBook(book_path)
        started = time.perf_counter()
        message = main.jobs.JOBS[tag](book, folder=data, now=DEMO_NOW, today=DEMO_AS_OF,
                                      say=said.append)
        seconds = time.perf_counter() - started
        book.finish()
        steps.append({"script": tag, "message": message, "actions": book.actions(),
                      "reads": book.calls["read"], "alerts": [a["prompt"] for a in book.app.alerts],
                      "seconds": round(seconds, 3)})
    return {"steps": steps, "said": said, "workbook": tables_of(book_path),
            "exports": _exports(data), "book": str(book_path)}


def run_main_scripts(main, month: Path, demo: Path, work: Path) -> list[dict[str, Any]]:
    """Each @script of main.py as Lite calls it (the book only, or with its boxes), on the
    month's workbook, the data folder from IMS_XL_LITE_DATA."""
    from lite_standin import LiteFakeBook

    data = work / "data"
    data.mkdir(parents=True)
    for name in DEMO_FILES:
        shutil.copy(demo / name, data / name)
    os.environ["IMS_XL_LITE_DATA"] = str(data)
    book_path = work / "scripts.xlsx"
    shutil.copy(month, book_path)
    out = []
    calls = [("load_data", {}), ("recompute", {"keep_new_rejects": False}), ("reconcile", {}),
             ("fetch_boe", {}), ("validate", {}), ("export", {"period": "Nov-2025"}),
             ("export", {"period": "112025"}), ("export", {"replace_exports": True})]
    for name, boxes in calls:
        book = LiteFakeBook(book_path)
        result = getattr(main, name)(book, **boxes)
        book.finish()
        out.append({"script": name, "boxes": boxes, "returned": result,
                    "alerts": [(a["prompt"].splitlines() or [""])[0] for a in book.app.alerts]})
    out.append({"exports": sorted(_exports(data))})
    return out


def forbidden_modules() -> list[str]:
    return sorted(m for m in sys.modules
                  if any(m == f or m.startswith(f + ".") for f in FORBIDDEN))


def run_all(main_path: str, template: str, demo: str, work: str) -> dict[str, Any]:
    """Everything, in the order Lite would meet it; JSON-able."""
    work_dir = Path(work)
    before = set(forbidden_modules())   # Pyodide's own asyncio loop loads subprocess
    started = time.perf_counter()
    main = load_main(main_path)
    cold = time.perf_counter() - started
    import ims_xl.lite.book  # noqa: F401 - the modules the scripts use, before the stand-in
    import ims_xl.lite.jobs  # noqa: F401
    import ims_xl.workbook.exporting  # noqa: F401
    import ims_xl.workbook.loading  # noqa: F401
    loaded = sorted(set(forbidden_modules()) - before)
    steps = run_script_steps(main, Path(template), Path(demo), work_dir / "steps")
    table = boe_table_as_excel(Path(steps.pop("book")))
    functions = call_functions(main, table)
    scripts = run_main_scripts(main, work_dir / "steps" / "month.xlsx", Path(demo),
                               work_dir / "scripts")
    return {"forbidden_loaded": loaded, "functions": functions, "steps": steps,
            "scripts": scripts, "cold_start_s": round(cold, 3)}


if __name__ == "__main__":   # python lite_harness.py MAIN TEMPLATE DEMO WORK OUT.json
    result = run_all(*sys.argv[1:5])
    Path(sys.argv[5]).write_text(json.dumps(result, indent=1, sort_keys=True))

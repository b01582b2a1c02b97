"""xlwings Lite: the recompute of a busy month inside Pyodide under Node, the cold start of
main.py, and the calls into Excel's object model a recompute makes.

    .venv/bin/python bench/bench_lite.py [--n 5000] [--repeat 3]

What is timed is **the Python side** of a Lite script: Lite's JavaScript reads the whole
workbook (one round trip) and hands it to Python as JSON; the script runs; its writes go
back to Excel as one batch of actions (JSON). So a run here is: decode the workbook's JSON
(dates as ISO text, turned into datetime as xlwings does), recompute through
:class:`~ims_xl.lite.book.LiteBook` over :class:`MemoryBook` (the object model of xlwings'
remote engine over that JSON, the actions recorded as it records them), encode the actions
as JSON. Excel's own work applying the batch is not in it (there is no Excel here).

The workbook: bench/generate.py's busy month (March 2026) of ``n`` BoEs loaded into a new
workbook by the command line's writer, then read into the JSON Lite would send.
Results: bench/RESULTS.md, section "xlwings Lite".
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 4, 13, 23, 0)
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


# --- the workbook as Lite hands it over -------------------------------------------------------------

def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day).isoformat()
    if isinstance(value, str) and value.startswith("="):
        return None   # a formula: its value is Excel's, not in the file openpyxl wrote
    return value


def workbook_json(path: Path) -> str:
    """Every sheet's values from A1, its tables and the workbook's names, as JSON."""
    import openpyxl
    from openpyxl.utils import range_boundaries

    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        values = [[_cell(v) for v in row] for row in ws.iter_rows(
            min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column, values_only=True)]
        tables = []
        for t in ws.tables.values():
            c1, r1, c2, r2 = range_boundaries(t.ref)
            tables.append({"name": t.displayName, "bounds": [r1, c1, r2, c2],
                           "totals": bool(t.totalsRowCount)})
        sheets.append({"name": ws.title, "values": values, "tables": tables,
                       "visible": ws.sheet_state == "visible"})
    names = {}
    for name, dn in wb.defined_names.items():
        dests = list(dn.destinations)
        if len(dests) == 1:
            sheet, ref = dests[0]
            c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
            names[name] = [sheet, r1, c1, r2 or r1, c2 or c1]
    return json.dumps({"name": path.name, "sheets": sheets, "names": names})


# --- xlwings' remote engine, over that JSON ---------------------------------------------------------

class MemoryBook:
    """The synchronous ``xlwings.Book`` of a Lite script: reads from the JSON, writes
    recorded as actions (the batch Lite applies after the script)."""

    def __init__(self, data: dict):
        self.name = data["name"]
        self.fullname = self.name
        self.actions: list[dict] = []
        self._sheets = {s["name"]: _Sheet(self, s) for s in data["sheets"]}
        self._names = data["names"]
        self.app = _App(self)
        self.reads = 0

    @classmethod
    def from_json(cls, text: str) -> MemoryBook:
        data = json.loads(text)
        for sheet in data["sheets"]:   # ISO text to datetime, as xlwings does for Lite
            for row in sheet["values"]:
                for j, v in enumerate(row):
                    if isinstance(v, str) and _ISO.match(v):
                        row[j] = datetime.fromisoformat(v)
        return cls(data)

    def act(self, func: str, sheet: str, rng: tuple, **kwargs) -> None:
        self.actions.append({"func": func, "sheet": sheet, "range": rng, **kwargs})

    def actions_json(self) -> str:
        return json.dumps(self.actions, default=lambda v: v.isoformat())

    @property
    def sheets(self):
        return _Sheets(self)

    @property
    def names(self):
        return _Names(self)


class _App:
    def __init__(self, book):
        self.book = book
        self.calculation = "automatic"

    @property
    def screen_updating(self):
        raise NotImplementedError

    @screen_updating.setter
    def screen_updating(self, value):
        self.book.act("setScreenUpdating", "", (), args=[value])

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.book.act("alert", "", (), args=[prompt, title, buttons, mode])


class _Sheets:
    def __init__(self, book):
        self.book = book

    def __iter__(self):
        return iter(list(self.book._sheets.values()))

    def __getitem__(self, name):
        return self.book._sheets[name]

    def add(self, name=None, before=None, after=None):
        sheet = _Sheet(self.book, {"name": name, "values": [], "tables": [], "visible": True})
        self.book._sheets[name] = sheet
        self.book.act("addSheet", name, ())
        return sheet


class _Sheet:
    def __init__(self, book, data):
        self.book, self.name, self.values = book, data["name"], data["values"]
        self.tables = [_Table(self, t) for t in data["tables"]]
        self._visible = data["visible"]

    @property
    def visible(self):
        return self._visible

    @visible.setter
    def visible(self, value):
        self.book.act("setSheetVisible", self.name, (), args=[value])

    def range(self, a, b=None):
        b = b or a
        return _Range(self, min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))

    @property
    def used_range(self):
        return _Range(self, 1, 1, max(len(self.values), 1),
                      max((len(r) for r in self.values), default=1))


class _Table:
    def __init__(self, sheet, data):
        self.sheet, self.name = sheet, data["name"]
        self._b, self.show_totals = data["bounds"], data["totals"]

    @property
    def range(self):
        return _Range(self.sheet, *self._b)

    @property
    def header_row_range(self):
        r1, c1, _r2, c2 = self._b
        return _Range(self.sheet, r1, c1, r1, c2)

    @property
    def data_body_range(self):
        r1, c1, r2, c2 = self._b
        last = r2 - (1 if self.show_totals else 0)
        return _Range(self.sheet, r1 + 1, c1, last, c2) if last > r1 else None

    def resize(self, rng):
        self.sheet.book.act("resizeTable", self.sheet.name, rng.bounds, args=[self.name])


class _Range:
    def __init__(self, sheet, r1, c1, r2, c2):
        self.sheet, self.row, self.column, self._r2, self._c2 = sheet, r1, c1, r2, c2

    @property
    def bounds(self):
        return (self.row, self.column, self._r2, self._c2)

    @property
    def shape(self):
        return (self._r2 - self.row + 1, self._c2 - self.column + 1)

    @property
    def last_cell(self):
        return _Range(self.sheet, self._r2, self._c2, self._r2, self._c2)

    def resize(self, rows=None, cols=None):
        return _Range(self.sheet, self.row, self.column, self.row + (rows or self.shape[0]) - 1,
                      self.column + (cols or self.shape[1]) - 1)

    def options(self, **_options):
        return self

    @property
    def value(self):
        self.sheet.book.reads += 1
        out = []
        for r in range(self.row - 1, self._r2):
            line = self.sheet.values[r] if r < len(self.sheet.values) else []
            out.append([line[c] if c < len(line) else None
                        for c in range(self.column - 1, self._c2)])
        return out

    @value.setter
    def value(self, data):
        self.sheet.book.act("setValues", self.sheet.name, self.bounds, values=data)

    def _set(self, func, value):
        self.sheet.book.act(func, self.sheet.name, self.bounds, args=[value])

    number_format = property(None, lambda self, v: self._set("setNumberFormat", v))
    color = property(None, lambda self, v: self._set("setRangeColor", v))

    def clear(self):
        self._set("rangeClear", None)

    def clear_contents(self):
        self._set("rangeClearContents", None)

    def insert(self, shift, copy_origin):
        self._set("rangeInsert", [shift, copy_origin])

    def delete(self, shift):
        self._set("rangeDelete", shift)


class _Names:
    def __init__(self, book):
        self.book = book

    def __contains__(self, name):
        return name in self.book._names

    def __getitem__(self, name):
        return _Name(self.book, name)

    def add(self, name, refers_to):
        self.book.act("addName", "", (), args=[name, refers_to])


class _Name:
    def __init__(self, book, name):
        self.book, self.name = book, name

    @property
    def refers_to_range(self):
        sheet, r1, c1, r2, c2 = self.book._names[self.name]
        return _Range(self.book._sheets[sheet], r1, c1, r2, c2)

    @property
    def refers_to(self):
        return None

    @refers_to.setter
    def refers_to(self, value):
        self.book.act("setNameRefersTo", "", (), args=[self.name, value])


# --- the runs ---------------------------------------------------------------------------------------

def recompute_once(text: str) -> dict:
    """One Lite recompute, Python side: decode, recompute, encode the batch."""
    from ims_xl.lite import jobs

    started = time.perf_counter()
    book = MemoryBook.from_json(text)
    decoded = time.perf_counter()
    message = jobs.recompute(book, now=NOW, say=lambda s: None)
    done = time.perf_counter()
    batch = book.actions_json()
    ended = time.perf_counter()
    calls: dict[str, int] = {}
    for action in book.actions:
        calls[action["func"]] = calls.get(action["func"], 0) + 1
    return {"seconds": ended - started, "decode_s": decoded - started,
            "recompute_s": done - decoded, "encode_s": ended - done,
            "actions": len(book.actions), "by_call": calls, "reads": book.reads,
            "batch_mb": len(batch) / 1e6, "message": message.splitlines()[0]}


def run_all(main_path: str, workbook: str, repeat: int) -> dict:
    """Cold start (main.py imported in a fresh interpreter: unpack the wheel, import the
    rules, the worksheet functions and the jobs) and ``repeat`` recomputes."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    started = time.perf_counter()
    import importlib.util
    spec = importlib.util.spec_from_file_location("main", main_path)
    main = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(main)
    cold = time.perf_counter() - started
    text = Path(workbook).read_text()
    runs = [recompute_once(text) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    return {"cold_start_s": cold, "runs": [r["seconds"] for r in runs], "best": best,
            "median_s": statistics.median(r["seconds"] for r in runs),
            "workbook_mb": len(text) / 1e6}


def run_in_pyodide(job: dict) -> dict:   # called by tests/lite_pyodide.mjs (mode "bench")
    return run_all("/host/main.py", "/host/" + job["bench"]["workbook"], job["bench"]["repeat"])


def _month_workbook(n: int, folder: Path) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import AS_OF, GSTIN, write_month

    from ims_xl.workbook.opening import open_book
    from ims_xl.workbook.loading import load_data
    from workbook_template.template import build_template

    files = write_month(folder / "data", n)
    path = folder / f"month-{n}.xlsx"
    build_template(path, gstin=GSTIN)
    book = open_book(path, quiet=True)
    book.write_name("IMS_AS_OF", AS_OF)
    load_data(book, gstr2b=files.gstr2b, books=files.books, actions=files.actions, now=NOW)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="BoEs in the month (default 5000)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests"))
    from lite_support import build_lite, demo_template, run_in_pyodide as pyodide_run

    with tempfile.TemporaryDirectory(prefix="bench-lite-") as scratch:
        work = Path(scratch)
        t = time.perf_counter()
        month = _month_workbook(args.n, work)
        (work / "host").mkdir()
        (work / "host" / "month.json").write_text(workbook_json(month))
        print(f"month of {args.n} BoEs built in {time.perf_counter() - t:.1f} s", flush=True)
        built = build_lite(work / "lite")
        template = demo_template(work / "template.xlsx")
        cpython = _cpython(built / "main.py", work / "host" / "month.json", args.repeat, work)
        # the month's JSON must be in the folder Pyodide mounts: write it after the copy
        result, timings = pyodide_run(built, template, work / "py", mode="bench",
                                      extra={"bench": {"workbook": "month.json",
                                                       "repeat": args.repeat}},
                                      prepare=lambda host: (host / "month.json").write_bytes(
                                          (work / "host" / "month.json").read_bytes()))
    out = {"n": args.n, "pyodide": result, "cpython": cpython, "node": timings}
    print(json.dumps(out, indent=1, default=str))
    return 0


def _cpython(main_path: Path, workbook: Path, repeat: int, work: Path) -> dict:
    """The same in CPython, in a process of its own (the wheel's ims_xl first)."""
    import os
    import subprocess
    code = ("import json,sys; sys.path.insert(0, %r); import bench_lite; "
            "print(json.dumps(bench_lite.run_all(%r, %r, %d)))"
            % (str(ROOT / "bench"), str(main_path), str(workbook), repeat))
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(work))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=work, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())

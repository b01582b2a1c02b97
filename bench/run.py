"""ims-xl benchmarks: a large importer's year, stage by stage, against the floor of each stage.

Run:  make bench                                  (N = 10,000 and 100,000, about 15-20 minutes)
      .venv/bin/python bench/run.py --sizes 2000  (a quick look while developing)
      .venv/bin/python bench/run.py --sizes 10000 100000 --skip-libreoffice --keep --data-dir D

Every stage and every baseline runs in its own Python process, so its peak memory (the
process's ``ru_maxrss``) is its own: the figure includes the stage's inputs, read before the
clock starts (shown separately as "setup MB"). Times are wall-clock seconds of the timed part
only (best of ``--repeat`` for the quick stages); "cpu" is the process's user + system time
for the same part, which stays honest when other work shares the machine. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
# --snapshot: the stages import a frozen copy of the committed code, not the working tree
SNAPSHOT_ENV = "IMS_XL_BENCH_CODE"
if os.environ.get(SNAPSHOT_ENV):
    sys.path.insert(0, os.environ[SNAPSHOT_ENV])

NOW = datetime(2026, 4, 13, 23, 0)      # the Action Log's "When" for loaded actions
PERIOD = "032026"                        # the period under review on AS_OF
GB = 1024.0                              # MB in a GB
TARGETS = {"match_evaluate_s": 3.0, "match_evaluate_floor_x": 5.0, "summary_s": 5.0,
           "recompute_floor_x": 1.5, "peak_mb": 2048.0, "month_s": 5.0}


# =========================================================================================
# The child side: one stage in this process, timed, with its peak memory.
# =========================================================================================

def _cpu(who=resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def _maxrss_mb(who=resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB. For this process: VmHWM, the high-water mark of its own
    address space (``ru_maxrss`` would carry the parent's size over the fork and exec). For
    children (LibreOffice): their largest ``ru_maxrss``."""
    if who == resource.RUSAGE_SELF:
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
        except OSError:
            pass
    return resource.getrusage(who).ru_maxrss / 1024.0     # Linux: kilobytes


def _timed(fn, repeat: int = 1) -> tuple[float, float, object]:
    """Best wall time of ``repeat`` runs, its CPU time, and the last result."""
    best = (float("inf"), 0.0)
    out = None
    for _ in range(repeat):
        c0, t0 = _cpu(), time.perf_counter()
        out = fn()
        wall, cpu = time.perf_counter() - t0, _cpu() - c0
        if wall < best[0]:
            best = (wall, cpu)
    return best[0], best[1], out


def _files(p: dict) -> list[Path]:
    return [Path(f) for f in p["gstr2b"]]


def _load_2b(p):
    from ims_xl.io import load_gstr2b_json
    got = load_gstr2b_json(_files(p))
    assert not [x for x in got.problems if x.row is None], got.problems[:3]
    return got


def _load_books(p):
    from ims_xl.io import load_books
    got = load_books(Path(p["books"]))
    assert got.lines, got.problems[:3]
    return got


def _actions_for(records, path: Path):
    """The bulk actions file as the rules' actions: each row on the latest version of its BoE
    that existed on the action's date (as ``ims-xl load --actions`` applies them)."""
    from ims_xl.io import load_actions
    from ims_xl.identifiers.boe_number import same_boe
    from ims_xl.models import Action
    chains = defaultdict(list)
    for v in records:
        chains[(v.port_code, v.key.boe_number, v.boe_date)].append(v)
    for chain in chains.values():
        chain.sort(key=lambda v: (v.amendment, v.ref_date))
    out = []
    for seq, a in enumerate(load_actions(path).rows):
        chain = chains.get((a.port_code, same_boe(a.boe_number), a.boe_date))
        if not chain:
            continue
        existing = [v for v in chain if v.ref_date is None or v.ref_date <= a.date]
        v = existing[-1] if existing else chain[0]
        out.append(Action(v.id, a.code, a.date, a.remark, raw=a.raw, seq=seq))
    return out


def _match_floor(records, lines, tolerance=Decimal("1.00")):
    """The least pure Python can do for the match: sum the books per key, take each BoE's
    latest version, compare IGST and cess within the tolerance."""
    books = {}
    for line in lines:
        k = (line.port_code, line.boe_number, line.boe_date)
        acc = books.get(k)
        if acc is None:
            books[k] = [line.igst, line.cess]
        else:
            acc[0] += line.igst
            acc[1] += line.cess
    latest = {}
    for v in records:
        latest[(v.port_code, v.boe_number, v.boe_date)] = v
    out = {}
    for k, v in latest.items():
        b = books.get(k)
        out[k] = b is not None and abs(b[0] - v.igst) <= tolerance and \
            abs(b[1] - v.cess) <= tolerance
    return out


def _evaluate_floor(records, actions):
    """The least pure Python can do for the rules: the last action of each version, then
    IGST and cess summed per (period, section) for what is credited."""
    last = {}
    for a in actions:
        last[a.record_id] = a.code
    totals = defaultdict(lambda: [0, 0])
    for v in records:
        code = last.get(v.id)
        if code is None or code.value == "A":
            acc = totals[(v.period, v.section, v.amendment)]
            acc[0] += v.igst
            acc[1] += v.cess
    return totals


def _new_workbook(p, path: Path):
    from generate import AS_OF, GSTIN

    from ims_xl.workbook.loading import load_data
    from ims_xl.workbook.opening import open_book  # the command line's writer
    from workbook_template.template import build_template
    if path.exists():
        path.unlink()
    build_template(path, gstin=GSTIN)
    book = open_book(path, quiet=True)
    book.write_name("IMS_AS_OF", AS_OF)
    kwargs = {"gstr2b": _files(p), "books": Path(p["books"])}
    if p.get("actions"):
        kwargs["actions"] = Path(p["actions"])
    report = load_data(book, now=NOW, **kwargs)
    return report


def _recompute(path: Path):
    from ims_xl.workbook.opening import open_book  # the command line's writer
    from ims_xl.workbook.ops import recompute
    return recompute(open_book(path, quiet=True), now=NOW)


def _summary(path: Path) -> dict:
    from ims_xl.cli import main
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["summary", str(path), "--period", PERIOD, "--json"])
    assert code == 0, f"ims-xl summary exited {code}"
    return json.loads(buf.getvalue())


def _soffice_convert(soffice: str, profile: Path, src: Path, outdir: Path, timeout: float):
    outdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", "xlsx", "--outdir", str(outdir), str(src)],
        capture_output=True, text=True, timeout=timeout, check=False)
    result = outdir / (src.stem + ".xlsx")
    if proc.returncode != 0 or not result.exists():
        raise RuntimeError(f"LibreOffice failed ({proc.returncode}): {proc.stderr[-800:]}")
    return result


def stage(name: str, p: dict) -> dict:
    """Run one stage; returns wall and cpu seconds, peak MB, setup MB and details."""
    repeat = p.get("repeat", 1)
    info: dict = {}
    who = resource.RUSAGE_SELF

    if name == "load_2b":
        import ims_xl.io
        fn, rep = (lambda: _load_2b(p)), repeat
    elif name == "floor_json":
        def fn():
            for f in _files(p):
                with open(f, "rb") as fh:
                    json.load(fh)
        rep = repeat
    elif name == "load_books":
        import ims_xl.io
        fn, rep = (lambda: _load_books(p)), repeat
    elif name == "floor_csv":
        def fn():
            with open(p["books"], newline="", encoding="utf-8-sig") as fh:
                return list(csv.reader(fh))
        rep = repeat
    elif name == "generate":
        from generate import write_month, write_year

        import ims_xl
        t0 = time.perf_counter()
        made = (write_month if p.get("month") else write_year)(p["folder"], p["n"])
        return {"wall": time.perf_counter() - t0, "gstr2b": [str(f) for f in made.gstr2b],
                "books": str(made.books), "actions": str(made.actions), "boes": made.boes,
                "versions": made.versions, "action_rows": made.action_rows,
                "book_lines": made.book_lines, "slips": made.slips,
                "ims_xl": str(Path(ims_xl.__file__).parent)}
    elif name == "prepare":
        # the inputs of match and evaluate, read once and pickled for their stages
        import pickle
        records = _load_2b(p).records
        lines = _load_books(p).lines
        actions = _actions_for(records, Path(p["actions"]))
        with open(p["pickle"], "wb") as fh:
            pickle.dump((records, lines, actions), fh, protocol=pickle.HIGHEST_PROTOCOL)
        return {"wall": 0.0, "cpu": 0.0, "peak_mb": _maxrss_mb(), "setup_mb": 0.0}
    elif name in ("match", "evaluate", "floor_join_match", "floor_join_evaluate"):
        import pickle

        from generate import AS_OF, GSTIN

        from ims_xl.match import match_boes
        from ims_xl.models import Settings
        from ims_xl.rules import evaluate
        with open(p["pickle"], "rb") as fh:
            records, lines, actions = pickle.load(fh)
        info = {"versions": len(records), "book_lines": len(lines), "actions": len(actions)}
        settings = Settings(gstin=GSTIN)
        # the workbook's settings, as recompute passes them (reject policy, IMS start...)
        fn = {"match": lambda: match_boes(records, lines, settings=settings),
              "evaluate": lambda: evaluate(records, actions, settings, AS_OF),
              "floor_join_match": lambda: _match_floor(records, lines),
              "floor_join_evaluate": lambda: _evaluate_floor(records, actions)}[name]
        rep = repeat
    elif name == "write":
        path = Path(p["workbook"])
        fn, rep = (lambda: _new_workbook(p, path)), 1
    elif name == "floor_write":
        import python_calamine
        from openpyxl import Workbook
        book = python_calamine.CalamineWorkbook.from_path(p["workbook"])
        sheets = {s: book.get_sheet_by_name(s).to_python() for s in book.sheet_names}
        info = {"cells": sum(len(r) for g in sheets.values() for r in g)}
        out = Path(p["out"])

        def fn():
            wb = Workbook(write_only=True)
            for s, grid in sheets.items():
                ws = wb.create_sheet(s)
                for row in grid:
                    ws.append(row)
            wb.save(out)
        rep = 1
    elif name in ("recompute_first", "recompute"):
        src, path = Path(p["src"]), Path(p["workbook"])
        shutil.copyfile(src, path)
        from ims_xl.workbook.ops import recompute  # noqa: F401
        info = _allow_big(path)
        fn, rep = (lambda: _recompute(path)), 1
    elif name == "floor_recompute":
        from openpyxl import load_workbook
        src, out = Path(p["workbook"]), Path(p["out"])

        def fn():
            wb = load_workbook(src)
            wb.save(out)
        rep = 1
    elif name == "summary":
        info = _allow_big(Path(p["workbook"]))
        fn, rep = (lambda: _summary(Path(p["workbook"]))), 1
    elif name == "floor_calamine":
        import python_calamine

        def fn():
            book = python_calamine.CalamineWorkbook.from_path(p["workbook"])
            # the sheets summary reads: Settings, BoE, Action Log
            return [book.get_sheet_by_name(s).to_python(skip_empty_area=False)
                    for s in ("Settings", "BoE", "Action Log")]
        rep = 1
    elif name in ("lo_startup", "lo_recalc"):
        who = resource.RUSAGE_CHILDREN
        soffice, profile = p["soffice"], Path(p["profile"])
        src, outdir = Path(p["workbook"]), Path(p["outdir"])
        fn = lambda: _soffice_convert(soffice, profile, src, outdir, p.get("timeout", 1800))
        rep = 1
    elif name == "month":
        return _month(p)
    else:
        raise SystemExit(f"unknown stage {name}")

    setup_mb = _maxrss_mb()
    c0 = _cpu(who)
    wall, cpu, out = _timed(fn, rep)
    if who is resource.RUSAGE_CHILDREN:
        cpu = _cpu(who) - c0
    result = {"wall": wall, "cpu": cpu, "peak_mb": max(_maxrss_mb(), _maxrss_mb(who)),
              "setup_mb": setup_mb, "repeat": rep, **info}
    if name == "load_2b":
        result["versions"] = len(out.records)
    elif name == "load_books":
        result["book_lines"] = len(out.lines)
    elif name == "match":
        result["results"] = len(out)
    elif name == "write":
        result["load_report"] = out.summary()
    elif name in ("recompute_first", "recompute"):
        result.update(versions=out.versions, errors=out.errors, by_status=out.by_status,
                      logged=out.logged)
    elif name == "summary":
        result["figures"] = out.get("gstr3b", {})
    elif name == "lo_recalc":
        result["lo_figures"] = _lo_figures(out)
    return result


def _allow_big(path: Path) -> dict:
    """ims-xl refuses a workbook that unpacks to more than its safety limit (200 MB until
    commit 4219d58), also one it wrote itself. Record the refusal, then lift the limit in this process so that the
    stage can still be measured."""
    from ims_xl.io import xlsx
    problems = xlsx.check_workbook(path)
    if not problems:
        return {}
    refused = f"{problems[0].code}: {problems[0].message}"
    object.__setattr__(xlsx.DEFAULT_LIMITS, "max_total", 1 << 40)
    still = xlsx.check_workbook(path)
    if still:
        raise SystemExit(f"{path.name}: refused ({refused}), and still after raising the "
                         f"size limit: {still[0].message}")
    return {"refused": refused}


def _lo_figures(path: Path) -> dict:
    """The 3B cells LibreOffice computed (defined names IMS_3B_*) in its converted copy."""
    from ims_xl.workbook.fast_book import FastBook
    names = ["IMS_PERIOD", "IMS_3B_4A1_IGST", "IMS_3B_4A1_CESS", "IMS_3B_4B2_IGST",
             "IMS_3B_4B2_CESS"]
    try:
        _allow_big(path)
        got = FastBook(path).read_names(names)
    except Exception as exc:  # noqa: BLE001 - a report, not a failure of the stage
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}
    return {k: (str(v) if v is not None else None) for k, v in got.items()}


def _month(p: dict) -> dict:
    """A 5,000-BoE month end to end: template, load 2B + books, recompute, summary."""
    path = Path(p["workbook"])
    parts = {}
    c0, t0 = _cpu(), time.perf_counter()
    from generate import AS_OF, GSTIN

    from ims_xl.workbook.loading import load_data
    from ims_xl.workbook.opening import open_book  # the command line's writer
    from workbook_template.template import build_template
    parts["imports"] = time.perf_counter() - t0
    t = time.perf_counter()
    if path.exists():
        path.unlink()
    build_template(path, gstin=GSTIN)
    book = open_book(path, quiet=True)
    book.write_name("IMS_AS_OF", AS_OF)
    book.save()
    parts["template"] = time.perf_counter() - t
    t = time.perf_counter()
    load_data(open_book(path, quiet=True), gstr2b=_files(p), books=Path(p["books"]), now=NOW)
    parts["load"] = time.perf_counter() - t
    t = time.perf_counter()
    report = _recompute(path)
    parts["recompute"] = time.perf_counter() - t
    t = time.perf_counter()
    _summary(path)
    parts["summary"] = time.perf_counter() - t
    return {"wall": time.perf_counter() - t0, "cpu": _cpu() - c0, "peak_mb": _maxrss_mb(),
            "setup_mb": 0.0, "repeat": 1, "parts": parts, "versions": report.versions}


# =========================================================================================
# The parent side: generate, run each stage in a fresh process, print the tables.
# =========================================================================================

def run_stage(name: str, params: dict, timeout: float) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--stage", name, "--params",
           json.dumps(params)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("@@RESULT "):
            return json.loads(line[len("@@RESULT "):])
    return {"error": f"exit {proc.returncode}: {(proc.stderr or proc.stdout)[-1500:]}"}


def _say(text: str = "") -> None:
    print(text, flush=True)


def _fmt_s(r: dict | None, key: str = "wall") -> str:
    if not r:
        return "-"
    if "error" in r:
        return "ERROR"
    return f"{r[key]:.3f}" if r[key] < 10 else f"{r[key]:.1f}"


def _ratio(a: dict | None, b: dict | None, key: str = "wall") -> str:
    if not a or not b or "error" in a or "error" in b or not b.get(key):
        return "-"
    return f"{a[key] / b[key]:.2f}x"


def _sum(*rs: dict | None) -> dict | None:
    if any(not r or "error" in r for r in rs):
        return None
    return {"wall": sum(r["wall"] for r in rs), "cpu": sum(r["cpu"] for r in rs),
            "peak_mb": max(r["peak_mb"] for r in rs), "setup_mb": max(r["setup_mb"] for r in rs)}


def _minus(a: dict | None, b: dict | None) -> dict | None:
    if not a or not b or "error" in a or "error" in b:
        return None
    return {"wall": a["wall"] - b["wall"], "cpu": a["cpu"] - b["cpu"],
            "peak_mb": a["peak_mb"], "setup_mb": a["setup_mb"]}


# (row label, stage, baseline, baseline label)
ROWS = [
    ("load 2B JSON (load_gstr2b_json)", "load_2b", "floor_json", "json.load"),
    ("load books CSV (load_books)", "load_books", "floor_csv", "csv.reader"),
    ("match (match_boes)", "match", "floor_join_match", "dict join (match part)"),
    ("evaluate (rules.evaluate)", "evaluate", "floor_join_evaluate", "dict join (rules part)"),
    ("match + evaluate", "match+evaluate", "floor_join", "dict join"),
    ("write workbook (template + load_data)", "write", "floor_write",
     "openpyxl write-only, same cells"),
    ("recompute, first (after load)", "recompute_first", None, ""),
    ("recompute existing workbook", "recompute", "floor_recompute", "openpyxl load + save"),
    ("summary (FastBook + read_state + evaluate)", "summary", "floor_calamine",
     "calamine read of its sheets"),
    ("LibreOffice recalculation (convert - start-up)", "lo_net", "lo_startup",
     "LibreOffice start-up (tiny workbook)"),
    ("  LibreOffice convert, total", "lo_recalc", None, ""),
]


# the stages that are ims-xl's own work (the peak-memory target is about these)
IMS_STAGES = ("load_2b", "load_books", "match", "evaluate", "write", "recompute_first",
              "recompute", "summary")


def _derived(res: dict) -> dict:
    res["match+evaluate"] = _sum(res.get("match"), res.get("evaluate"))
    res["floor_join"] = _sum(res.get("floor_join_match"), res.get("floor_join_evaluate"))
    res["lo_net"] = _minus(res.get("lo_recalc"), res.get("lo_startup"))
    return res


def _table(res: dict) -> list[str]:
    out = [("| stage | time s | cpu s | peak MB | setup MB | baseline | baseline s | "
            "baseline peak MB | ratio (wall) | ratio (cpu) |"),
           "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
    for label, key, base, base_label in ROWS:
        r = res.get(key)
        if r is None and (not base or res.get(base) is None):
            continue    # not run (LibreOffice skipped, or an earlier stage failed)
        b = res.get(base) if base else None
        peak = f"{r['peak_mb']:.0f}" if r and "error" not in r else "-"
        setup = f"{r['setup_mb']:.0f}" if r and "error" not in r else "-"
        bpeak = f"{b['peak_mb']:.0f}" if b and "error" not in b else "-"
        out.append(f"| {label} | {_fmt_s(r)} | {_fmt_s(r, 'cpu')} | {peak} | {setup} | "
                   f"{base_label if base else ''} | {_fmt_s(b) if base else ''} | "
                   f"{bpeak if base else ''} | {_ratio(r, b) if base else ''} | "
                   f"{_ratio(r, b, 'cpu') if base else ''} |")
    return out


def _machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "memory": mem,
            "python": platform.python_version(), "platform": platform.platform(),
            "loadavg_start": os.getloadavg()}


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version
    out = {}
    for dist in ("openpyxl", "python-calamine", "lxml", "defusedxml"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


def _snapshot(into: Path) -> str:
    """A copy of the committed ims_xl/ and workbook_template/ (git archive HEAD), for the
    stages to import: others may commit while a 15-minute run goes on."""
    import tarfile
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE.parent,
                          capture_output=True, text=True, check=True).stdout.strip()
    tar = subprocess.run(["git", "archive", "--format=tar", "HEAD", "ims_xl",
                          "workbook_template"], cwd=HERE.parent, capture_output=True,
                         check=True).stdout
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(tar)) as tf:
        tf.extractall(into, filter="data")
    os.environ[SNAPSHOT_ENV] = str(into)
    return head


def _code_state() -> str:
    """The commit under test, and whether ims_xl/ or workbook_template/ differ from it."""
    if os.environ.get(SNAPSHOT_ENV):
        return f"{os.environ.get('IMS_XL_BENCH_COMMIT', '?')} (snapshot of HEAD)"
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE.parent,
                              capture_output=True, text=True, check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "ims_xl",
                                "workbook_template"], cwd=HERE.parent, capture_output=True,
                               text=True, check=False).stdout.strip()
    except OSError:
        return "unknown (no git)"
    return f"{head or 'unknown'}" + (" + uncommitted changes in ims_xl/workbook_template"
                                      if dirty else "")


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _tiny_workbook(path: Path) -> Path:
    from openpyxl import Workbook
    wb = Workbook()
    wb.active["A1"] = 1
    wb.active["A2"] = "=A1+1"
    wb.save(path)
    return path


def _boe_table_bench(timeout: float) -> str | None:
    """bench/bench_boe_table.py (someone else's), when it exists and can be run."""
    script = HERE / "bench_boe_table.py"
    if not script.exists():
        return None
    text = script.read_text(encoding="utf-8")
    if "__main__" not in text and "def main" not in text:
        return "bench/bench_boe_table.py has no entry point (no main): skipped"
    try:
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              timeout=timeout, cwd=HERE.parent, check=False)
    except subprocess.TimeoutExpired:
        return f"bench/bench_boe_table.py timed out after {timeout:.0f} s"
    tail = (proc.stdout.strip() or proc.stderr.strip())[-3000:]
    return tail if proc.returncode == 0 else f"exit {proc.returncode}:\n{tail}"


def _generate(folder: Path, n: int, timeout: float, month: bool = False) -> dict:
    """The files, written by a child process (the parent stays small: see _maxrss_mb)."""
    made = run_stage("generate", {"folder": str(folder), "n": n, "month": month}, timeout)
    if "error" in made:
        raise SystemExit(f"generating {n} BoEs failed: {made['error']}")
    return made


def bench_size(n: int, data: Path, args, soffice: str | None, profile: Path | None) -> dict:
    folder = data / f"year-{n}"
    files = _generate(folder, n, args.timeout)
    _say(f"\n## N = {n:,} BoEs: {files['versions']:,} versions, {files['action_rows']:,} "
         f"actions, {files['book_lines']:,} book lines, {len(files['gstr2b'])} GSTR-2B files "
         f"(generated in {files['wall']:.1f} s; ims_xl from {files['ims_xl']})")
    base = {"gstr2b": files["gstr2b"], "books": files["books"], "actions": files["actions"],
            "repeat": args.repeat, "pickle": str(folder / "inputs.pickle")}
    res: dict = {"n": n, "versions": files["versions"], "actions": files["action_rows"],
                 "book_lines": files["book_lines"], "slips": files["slips"],
                 "generate_s": files["wall"]}
    wb = folder / "workbook.xlsx"
    wb_r = folder / "recomputed.xlsx"
    plan = [("load_2b", {}), ("floor_json", {}), ("load_books", {}), ("floor_csv", {}),
            ("prepare", {}), ("match", {}), ("evaluate", {}), ("floor_join_match", {}),
            ("floor_join_evaluate", {}),
            ("write", {"workbook": str(wb)}),
            ("floor_write", {"workbook": str(wb), "out": str(folder / "floor-write.xlsx")}),
            ("recompute_first", {"src": str(wb), "workbook": str(wb_r)}),
            ("recompute", {"src": str(wb_r), "workbook": str(folder / "recomputed-2.xlsx")}),
            ("floor_recompute", {"workbook": str(wb_r),
                                 "out": str(folder / "floor-recompute.xlsx")}),
            ("summary", {"workbook": str(wb_r)}),
            ("floor_calamine", {"workbook": str(wb_r)})]
    if soffice and profile:
        lo = {"soffice": soffice, "profile": str(profile), "timeout": args.timeout}
        plan += [("lo_startup", {**lo, "workbook": str(data / "tiny.xlsx"),
                                 "outdir": str(folder / "lo-tiny")}),
                 ("lo_recalc", {**lo, "workbook": str(wb_r), "outdir": str(folder / "lo")})]
    for name, extra in plan:
        t = time.perf_counter()
        r = run_stage(name, {**base, **extra}, args.timeout)
        res[name] = r
        shown = r.get("error") or (f"{r['wall']:.3f} s, cpu {r['cpu']:.3f} s, "
                                   f"peak {r['peak_mb']:.0f} MB")
        _say(f"  {name:<20} {shown}   [{time.perf_counter() - t:.0f} s with set-up]")
        if r.get("refused"):
            _say(f"  {'':<20} NOTE ims-xl refuses this workbook: {r['refused']} "
                 "(measured with the limit raised)")
        if name == "write" and "error" in r:
            break   # nothing below has a workbook to work on
    _derived(res)
    return res


def _figures_check(res: dict) -> str:
    s, lo = res.get("summary") or {}, res.get("lo_recalc") or {}
    if "figures" not in s or "lo_figures" not in lo:
        return ""
    lof = lo["lo_figures"]
    if "error" in lof:
        return f"LibreOffice figures not read: {lof['error']}"
    ims = s["figures"].get("4A1", {})
    try:
        same = (Decimal(str(lof.get("IMS_3B_4A1_IGST"))).quantize(Decimal("0.01"))
                == Decimal(str(ims.get("igst"))).quantize(Decimal("0.01")))
    except Exception:  # noqa: BLE001
        same = False
    return (f"3B 4(A)(1) IGST for {PERIOD}: LibreOffice's SUMIFS {lof.get('IMS_3B_4A1_IGST')} "
            f"(IMS_PERIOD {lof.get('IMS_PERIOD')}), ims-xl summary {ims.get('igst')}: "
            + ("the same" if same else "DIFFERENT"))


def _targets(results: list[dict], month: dict | None) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for the brief's targets."""
    out = []
    big = next((r for r in results if r["n"] == 100_000), None) or \
        (max(results, key=lambda r: r["n"]) if results else None)
    if big:
        n = f"N={big['n']:,}"
        me, fj = big.get("match+evaluate"), big.get("floor_join")
        if me:
            out.append((f"match + evaluate {n} < {TARGETS['match_evaluate_s']:.0f} s",
                        f"{me['wall']:.2f} s (cpu {me['cpu']:.2f} s)",
                        "PASS" if me["wall"] < TARGETS["match_evaluate_s"] else "MISS"))
        if me and fj:
            x = me["wall"] / fj["wall"]
            out.append(((f"match + evaluate {n} <= {TARGETS['match_evaluate_floor_x']:.0f}x "
                         "dict-join floor"), f"{x:.1f}x (cpu {me['cpu'] / fj['cpu']:.1f}x)",
                        "PASS" if x <= TARGETS["match_evaluate_floor_x"] else "MISS"))
        s = big.get("summary")
        if s and "error" not in s:
            out.append((f"summary {n} < {TARGETS['summary_s']:.0f} s",
                        f"{s['wall']:.2f} s (cpu {s['cpu']:.2f} s)",
                        "PASS" if s["wall"] < TARGETS["summary_s"] else "MISS"))
        rc, fl = big.get("recompute"), big.get("floor_recompute")
        if rc and fl and "error" not in rc and "error" not in fl:
            x = rc["wall"] / fl["wall"]
            out.append((f"recompute {n} <= {TARGETS['recompute_floor_x']}x openpyxl load+save",
                        (f"{x:.2f}x ({rc['wall']:.1f} s vs {fl['wall']:.1f} s; cpu "
                         f"{rc['cpu'] / fl['cpu']:.2f}x)"),
                        "PASS" if x <= TARGETS["recompute_floor_x"] else "MISS"))
    peaks = [(f"N={r['n']:,} {k}", r[k]["peak_mb"]) for r in results for k in IMS_STAGES
             if isinstance(r.get(k), dict) and "peak_mb" in r[k]]
    if month and "error" not in month:
        peaks.append(("month", month["peak_mb"]))
    if peaks:
        where, top = max(peaks, key=lambda x: x[1])
        out.append((f"peak memory < {TARGETS['peak_mb'] / GB:.0f} GB (every ims-xl stage)",
                    f"{top:.0f} MB ({where})", "PASS" if top < TARGETS["peak_mb"] else "MISS"))
    if month:
        if "error" in month:
            out.append(("5,000-BoE month end to end < 5 s", month["error"][:80], "MISS"))
        else:
            parts = ", ".join(f"{k} {v:.2f}" for k, v in month["parts"].items())
            out.append((f"{month['n']:,}-BoE month end to end < {TARGETS['month_s']:.0f} s",
                        f"{month['wall']:.2f} s ({parts})",
                        "PASS" if month["wall"] < TARGETS["month_s"] else "MISS"))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                    help="numbers of BoEs in the year (default: 10000 100000)")
    ap.add_argument("--month", type=int, default=5_000,
                    help="BoEs in the end-to-end month (0: skip; default 5000)")
    ap.add_argument("--skip-libreoffice", action="store_true",
                    help="skip the LibreOffice recalculation baseline")
    ap.add_argument("--repeat", type=int, default=3,
                    help="best of this many runs for the quick stages (default 3)")
    ap.add_argument("--data-dir", help="keep the generated files and workbooks here "
                    "(default: a temporary folder, removed at the end)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--json", help="also write every number to this JSON file")
    ap.add_argument("--snapshot", action="store_true",
                    help="benchmark a frozen copy of the committed code (git archive HEAD), "
                    "not the working tree that others may change during the run")
    ap.add_argument("--timeout", type=float, default=1800,
                    help="seconds before a stage is given up (default 1800)")
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--params", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.stage:    # the child side
        result = stage(args.stage, json.loads(args.params))
        print("@@RESULT " + json.dumps(result, default=str), flush=True)
        return 0

    started = time.perf_counter()
    data = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="ims-xl-bench-"))
    data.mkdir(parents=True, exist_ok=True)
    machine = _machine()
    _say("# ims-xl benchmark")
    _say(f"machine: {machine['nproc']} cores, {machine['cpu']}, {machine['memory']}; Python "
         f"{machine['python']}; {', '.join(f'{k} {v}' for k, v in _versions().items())}")
    if args.snapshot:
        os.environ["IMS_XL_BENCH_COMMIT"] = _snapshot(data / "code")
    machine["code_start"] = _code_state()
    _say(f"code: {machine['code_start']}; load average at start: "
         f"{' '.join(f'{x:.2f}' for x in machine['loadavg_start'])}; data in {data}")

    soffice = None if args.skip_libreoffice else _soffice()
    profile = None
    if not args.skip_libreoffice and not soffice:
        _say("LibreOffice (soffice) not found: its baseline is skipped")
    if soffice:
        # one warm LibreOffice profile for every conversion: its first start (creating the
        # profile) is not what an accountant waits for each time
        profile = data / "lo-profile"
        _tiny_workbook(data / "tiny.xlsx")
        _soffice_convert(soffice, profile, data / "tiny.xlsx", data / "lo-warm", args.timeout)

    results = []
    try:
        for n in args.sizes:
            results.append(bench_size(n, data, args, soffice, profile))
        month = None
        if args.month:
            folder = data / f"month-{args.month}"
            files = _generate(folder, args.month, args.timeout, month=True)
            _say(f"\n## One month, end to end: {files['versions']:,} BoEs, "
                 f"{files['book_lines']:,} book lines")
            month = run_stage("month", {"gstr2b": files["gstr2b"], "books": files["books"],
                                        "workbook": str(folder / "month.xlsx")},
                              args.timeout)
            month["n"] = args.month
            _say("  " + (month.get("error") or f"{month['wall']:.2f} s, peak "
                         f"{month['peak_mb']:.0f} MB: " + ", ".join(
                             f"{k} {v:.2f} s" for k, v in month["parts"].items())))
        boe_table = _boe_table_bench(args.timeout)
    finally:
        if not args.data_dir and not args.keep:
            shutil.rmtree(data, ignore_errors=True)

    # --- the report ---
    for r in results:
        _say(f"\n### N = {r['n']:,} BoEs ({r['versions']:,} versions, {r['actions']:,} "
             f"actions, {r['book_lines']:,} book lines)\n")
        for line in _table(r):
            _say(line)
        check = _figures_check(r)
        if check:
            _say(f"\n{check}")
        for key in ("recompute_first", "recompute", "summary"):
            if (r.get(key) or {}).get("refused"):
                _say(f"\nROBUSTNESS: ims-xl refuses the {r['n']:,}-BoE workbook in {key}: "
                     f"{r[key]['refused']} The figures above were measured with the limit "
                     "raised in the benchmark process.")
                break
    if len(results) >= 2:
        small, big = min(results, key=lambda r: r["n"]), max(results, key=lambda r: r["n"])
        k = big["n"] / small["n"]
        _say(f"\n### Growth from N = {small['n']:,} to {big['n']:,} (x{k:g} BoEs; linear = "
             f"{k:g}x)\n")
        _say("| stage | time ratio | cpu ratio | peak MB ratio |")
        _say("|---|---:|---:|---:|")
        keys = []
        for _, key, base, _ in ROWS:
            keys.append(key)
            if base:
                keys.append(base)
        for key in dict.fromkeys(keys):
            a, b = small.get(key), big.get(key)
            if not a or not b or "error" in a or "error" in b or a["wall"] <= 0:
                continue
            _say(f"| {key} | {b['wall'] / a['wall']:.1f}x | "
                 f"{b['cpu'] / a['cpu'] if a['cpu'] else 0:.1f}x | "
                 f"{b['peak_mb'] / a['peak_mb']:.1f}x |")
    if boe_table:
        _say(f"\n### BOE_TABLE (bench/bench_boe_table.py)\n\n```\n{boe_table}\n```")
    targets = _targets(results, month)
    if targets:
        _say("\n### Targets\n")
        _say("| target | measured | verdict |")
        _say("|---|---|---|")
        for t in targets:
            _say(f"| {t[0]} | {t[1]} | {t[2]} |")
    machine["loadavg_end"] = os.getloadavg()
    machine["code_end"] = _code_state()
    if machine["code_end"] != machine["code_start"]:
        _say(f"\nWARNING: the code changed during the run ({machine['code_start']} -> "
             f"{machine['code_end']}): stages may have measured different versions")
    _say(f"\nload average at end: {' '.join(f'{x:.2f}' for x in machine['loadavg_end'])}; "
         f"whole run {time.perf_counter() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"machine": machine, "versions": _versions(), "results": results, "month": month,
             "targets": targets, "boe_table": boe_table}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

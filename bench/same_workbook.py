"""Two versions of the code on the same workbook: is a change slower where the work is the same?

``make bench`` compares runs, and each run builds its workbook with its own code. When a change
also changes the workbook (wider tables, new formulas), a stage that reads or writes it does
more work, and the run-to-run comparison mixes the two. This script takes one workbook, made
by the *before* code, and times both versions of the code on it, alternating, each run in its
own process:

- ``recompute``: a copy of the workbook recomputed;
- ``summary``: ``ims-xl summary --json`` of the period under review;
- ``month``: a 5,000-BoE month loaded into a copy of the before code's empty template, then
  recomputed and summarised (the bench's end-to-end month, on the same template);
- ``libreoffice``: LibreOffice converting each version's recomputed copy (its recalculation).

Usage (after ``make bench --keep`` or ``bench/run.py --snapshot --data-dir D`` with the before
code, so that D holds its workbooks)::

    .venv/bin/python bench/same_workbook.py --before OLD_TREE --after . --data D [--runs 3]

``OLD_TREE`` is a checkout of the before commit (``git worktree add /tmp/old COMMIT``).
Prints best-of-runs wall seconds per stage and the change. Nothing in D is modified: every run
works on a copy in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# One stage in a child process: the code root first on sys.path, the timed part only.
CHILD = r"""
import contextlib, io, json, shutil, sys, time
from datetime import datetime
code, stage, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
sys.path[:0] = [code, args["bench"]]
import ims_xl.io.xlsx as xlsx
object.__setattr__(xlsx.DEFAULT_LIMITS, "max_total", 1 << 40)  # a 100,000-BoE year is big
try:
    from ims_xl.workbook.opening import open_book
except ImportError:  # before issue 15 it lived in book.py
    from ims_xl.workbook.book import open_book
from ims_xl.workbook.ops import recompute
NOW = datetime(2026, 4, 13, 23, 0)

def summary(path):
    from ims_xl.cli import main
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["summary", str(path), "--period", "032026", "--json"]) == 0

t = time.perf_counter()
if stage == "recompute":
    recompute(open_book(args["workbook"], quiet=True), now=NOW)
elif stage == "summary":
    summary(args["workbook"])
elif stage == "month":
    from pathlib import Path
    from ims_xl.workbook.loading import load_data
    load_data(open_book(args["workbook"], quiet=True), gstr2b=[Path(args["gstr2b"])],
              books=Path(args["books"]), now=NOW)
    recompute(open_book(args["workbook"], quiet=True), now=NOW)
    summary(args["workbook"])
print(json.dumps({"wall": time.perf_counter() - t}))
"""

TEMPLATE = r"""
import sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from generate import AS_OF, GSTIN
try:
    from ims_xl.workbook.opening import open_book
except ImportError:
    from ims_xl.workbook.book import open_book
from workbook_template.template import build_template
build_template(sys.argv[3], gstin=GSTIN)
book = open_book(sys.argv[3], quiet=True)
book.write_name("IMS_AS_OF", AS_OF)
book.save()
"""


def _child(code: Path, stage: str, args: dict) -> float:
    out = subprocess.run([sys.executable, "-c", CHILD, str(code), stage,
                          json.dumps({**args, "bench": str(HERE)})],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{stage} with {code} failed:\n{out.stderr[-1500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])["wall"]


def _lo(workbook: Path, scratch: Path) -> float:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("libreoffice: not installed")
    profile = scratch / "lo-profile"
    t = time.perf_counter()
    subprocess.run([soffice, "--headless", "--norestore",
                    f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "xlsx",
                    "--outdir", str(scratch / "lo"), str(workbook)],
                   capture_output=True, check=True, timeout=1800)
    return time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--before", type=Path, required=True, help="the before code's tree")
    ap.add_argument("--after", type=Path, default=HERE.parent, help="the after code's tree")
    ap.add_argument("--data", type=Path, required=True,
                    help="bench data made by the before code (year-100000/, month-5000/)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--stages", nargs="+", default=["recompute", "summary", "month",
                                                    "libreoffice"])
    a = ap.parse_args(argv)
    year = a.data / "year-100000" / "recomputed.xlsx"
    month = a.data / "month-5000"
    codes = {"before": a.before.resolve(), "after": a.after.resolve()}
    best: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory(prefix="ims-xl-same-") as tmp:
        scratch = Path(tmp)
        template = scratch / "template.xlsx"
        subprocess.run([sys.executable, "-c", TEMPLATE, str(codes["before"]), str(HERE),
                        str(template)], check=True)
        for run in range(a.runs):
            for who, code in codes.items():
                for stage in a.stages:
                    work = scratch / f"{who}-{stage}.xlsx"
                    if stage == "month":
                        shutil.copyfile(template, work)
                        wall = _child(code, stage, {
                            "workbook": str(work), "books": str(month / "books.csv"),
                            "gstr2b": str(next(month.glob("gstr2b_*.json")))})
                    elif stage == "libreoffice":
                        shutil.copyfile(year, work)
                        _child(code, "recompute", {"workbook": str(work)})
                        wall = _lo(work, scratch)
                    else:
                        shutil.copyfile(year, work)
                        wall = _child(code, stage, {"workbook": str(work)})
                    key = (stage, who)
                    best[key] = min(best.get(key, wall), wall)
                    print(f"run {run + 1} {who:6} {stage:11} {wall:7.2f} s", flush=True)
    print("\n| stage, same workbook | before s | after s | change |")
    print("|---|---:|---:|---:|")
    for stage in a.stages:
        b, f = best[(stage, "before")], best[(stage, "after")]
        print(f"| {stage} | {b:.2f} | {f:.2f} | {100 * (f / b - 1):+.1f}% |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

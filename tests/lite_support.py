"""Shared by the Lite tests: build the Lite edition through the command line, make the demo
template, and run tests/lite_harness.py in CPython with the wheel's own ims_xl first on the
path (as Lite has it), in a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_cli

TESTS = ROOT / "tests"
DEMO = ROOT / "ims_xl" / "data" / "demo"


def build_lite(out: Path) -> Path:
    proc = run_cli("lite", "build", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def demo_template(path: Path) -> Path:
    """A new workbook as the demo sets it up (GSTIN, as-of date)."""
    from ims_xl.workbook.demo import DEMO_AS_OF, DEMO_GSTIN
    from ims_xl.workbook.openpyxl_book import OpenpyxlBook
    from workbook_template.template import build_template

    build_template(path, gstin=DEMO_GSTIN)
    book = OpenpyxlBook(path, quiet=True)
    book.write_name("IMS_AS_OF", DEMO_AS_OF)
    book.save()
    return path


def run_harness_cpython(main: Path, template: Path, work: Path) -> dict:
    """The harness in CPython: the tests folder and the repository after the wheel (main.py
    puts the unpacked wheel first), TMPDIR inside ``work`` so the wheel is unpacked anew."""
    out = work / "cpython.json"
    tmp = work / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), str(ROOT)]), TMPDIR=str(tmp))
    env.pop("IMS_XL_LITE_DATA", None)
    proc = subprocess.run([sys.executable, str(TESTS / "lite_harness.py"), str(main),
                           str(template), str(DEMO), str(work / "run"), str(out)],
                          capture_output=True, text=True, timeout=600, env=env, cwd=work)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return normalized(json.loads(out.read_text()), work / "run")


def normalized(result: dict, work: Path | str) -> dict:
    """The work folder's path (it differs between CPython and Pyodide) as <work>; timings
    apart."""
    text = json.dumps(result, sort_keys=True).replace(str(work), "<work>")
    out = json.loads(text)
    out.pop("cold_start_s", None)
    for step in out["steps"]["steps"]:
        step.pop("seconds", None)
    return out

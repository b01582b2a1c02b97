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
    from ims_xl.demo import DEMO_AS_OF, DEMO_GSTIN
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


# --- Pyodide under Node -------------------------------------------------------------------------

PYODIDE_VERSION = "0.29.5"   # Python 3.13, the Pyodide generation xlwings Lite runs on
CACHE = ROOT / ".cache"      # git-ignored; shared by the tests, the benchmark and CI
PYODIDE_DIR = CACHE / "pyodide" / "node_modules" / "pyodide"
WHEELS = CACHE / "lite-wheels"
# The test's own pure-Python wheels beside Lite's requirements: the stand-in imports pytest
# (test_xlwings_book) and the workbook modules it imports name filelock.
TEST_ONLY = ("pytest", "filelock")


class Unavailable(Exception):
    """Node, npm or the registries are not there: the caller skips (or fails in CI)."""


def node() -> str | None:
    import shutil
    return shutil.which("node")


def ensure_pyodide(timeout: float = 300) -> Path:
    """The npm package pyodide in .cache/pyodide (about 10 MB, installed once)."""
    import shutil
    marker = PYODIDE_DIR / "package.json"
    if marker.exists() and json.loads(marker.read_text())["version"] == PYODIDE_VERSION:
        return PYODIDE_DIR
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable("npm is not installed (apt-get install nodejs npm)")
    proc = subprocess.run([npm, "install", "--prefix", str(CACHE / "pyodide"), "--no-audit",
                           "--no-fund", "--loglevel=error", f"pyodide@{PYODIDE_VERSION}"],
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not marker.exists():
        raise Unavailable(f"npm install pyodide@{PYODIDE_VERSION} failed: {proc.stderr[-500:]}")
    return PYODIDE_DIR


def lite_requirements(built: Path) -> list[str]:
    """requirements.txt's packages that come from PyPI (not Lite's own lines, which only its
    editor uses, nor Pyodide's ssl)."""
    from ims_xl.lite.build import PYODIDE_PACKAGES
    out = []
    for line in (built / "requirements.txt").read_text().splitlines():
        spec = line.split("#")[0].strip()
        if not spec or spec in PYODIDE_PACKAGES or "# required" in line and \
                not spec.startswith("xlwings"):
            continue
        out.append(spec)
    return out


def ensure_wheels(built: Path, timeout: float = 300) -> list[Path]:
    """Every requirement as a pure-Python wheel (``--platform any``: pip refuses anything
    else, which is the check that the Lite path is pure Python), in .cache/lite-wheels."""
    specs = lite_requirements(built) + list(TEST_ONLY)
    stamp = WHEELS / ("." + hashlib_of(specs))
    if not stamp.exists():
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--only-binary=:all:", "--platform", "any", "--python-version", "3.13",
             "--implementation", "py", "--abi", "none", "-d", str(WHEELS), *specs],
            capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise Unavailable(f"pip download of the Lite wheels failed: {proc.stderr[-800:]}")
        stamp.write_text("\n".join(specs))
    wanted = {_dist(s) for s in specs}
    wheels = sorted(WHEELS.glob("*.whl"))
    assert all(w.name.endswith("-none-any.whl") for w in wheels)
    assert wanted <= {_dist(w.name.split("-")[0]) for w in wheels}
    return _newest(wheels)


def _dist(spec: str) -> str:
    import re
    return re.split(r"[<>=!~ \[]", spec, maxsplit=1)[0].lower().replace("-", "_")


def _newest(wheels: list[Path]) -> list[Path]:
    """One wheel per distribution (the cache may hold older ones)."""
    by: dict[str, Path] = {}
    for wheel in wheels:
        by[_dist(wheel.name.split("-")[0])] = wheel   # sorted: the last is the newest name
    return sorted(by.values())


def hashlib_of(items: list[str]) -> str:
    import hashlib
    return hashlib.sha256("\n".join(items).encode()).hexdigest()[:12]


def pyodide_host(built: Path, template: Path, host: Path) -> Path:
    """The folder mounted in Pyodide: main.py, the template, the demo data, the harness and
    the stand-ins, and workbook_template (the stand-in's template builder)."""
    import shutil
    host.mkdir(parents=True, exist_ok=True)
    shutil.copy(built / "main.py", host / "main.py")
    shutil.copy(template, host / "template.xlsx")
    shutil.copytree(DEMO, host / "demo")
    (host / "tests").mkdir()
    for name in ("lite_harness.py", "lite_standin.py", "test_xlwings_book.py"):
        shutil.copy(TESTS / name, host / "tests" / name)
    shutil.copytree(ROOT / "workbook_template", host / "extra" / "workbook_template",
                    ignore=shutil.ignore_patterns("__pycache__", "*.xlam", "*.xlsm"))
    bench = ROOT / "bench" / "bench_lite.py"
    if bench.exists():
        shutil.copy(bench, host / "tests" / "bench_lite.py")
    return host


def run_in_pyodide(built: Path, template: Path, work: Path, *, mode: str = "harness",
                   extra: dict | None = None, timeout: float = 900,
                   prepare=None) -> tuple[dict, dict]:
    """(result, timings) of the harness (or the benchmark) inside Pyodide under Node."""
    exe = node()
    if exe is None:
        raise Unavailable("node is not installed (apt-get install nodejs npm)")
    pyodide = ensure_pyodide()
    wheels = ensure_wheels(built)
    host = pyodide_host(built, template, work / "host")
    if prepare is not None:
        prepare(host)   # more files for Pyodide to see (the benchmark's workbook)
    out = work / f"pyodide-{mode}.json"
    job = {"wheels": [str(w) for w in wheels], "host": str(host), "out": str(out),
           "mode": mode, **(extra or {})}
    job_path = work / f"job-{mode}.json"
    job_path.write_text(json.dumps(job))
    proc = subprocess.run([exe, str(TESTS / "lite_pyodide.mjs"), str(pyodide), str(job_path)],
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-4000:]
    timings = json.loads(proc.stdout.strip().splitlines()[-1])
    return json.loads(out.read_text()), timings

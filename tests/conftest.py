"""Shared test helpers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLES = SHARED / "samples"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

GSTIN = "27AAPFU0939F1ZV"


def run_cli(*args: str, stdin: str | None = None, cwd: Path | None = None,
            timeout: float = 120, memory_cap: int | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess (as an accountant would).

    ``memory_cap``: the most address space in bytes the process may take (RLIMIT_AS), so that
    a reader allocating without bound fails at once instead of eating the shared machine."""
    limit = None
    if memory_cap is not None:
        import resource

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_cap, memory_cap))
    return subprocess.run([sys.executable, "-m", "ims_xl", *args], input=stdin,
                          capture_output=True, text=True, cwd=cwd, timeout=timeout,
                          preexec_fn=limit)


def cli_ok(*args) -> subprocess.CompletedProcess:
    """The real command line with these arguments (paths allowed); it must succeed."""
    proc = run_cli(*map(str, args))
    assert proc.returncode == 0, proc.stderr
    return proc


def evaluate_cli(scenario: dict, tmp_path: Path) -> dict:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    proc = run_cli("evaluate", str(path))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def libreoffice() -> str:
    """The soffice binary; skips locally when missing, fails in CI (CI=true)."""
    exe = soffice()
    if exe is None:
        if IN_CI:
            pytest.fail("LibreOffice (soffice) is required in CI: .ci/run installs it")
        pytest.skip("LibreOffice is not installed")
    return exe


@pytest.fixture
def october_book(tmp_path) -> Path:
    """A new workbook (the demo GSTIN) with October's GSTR-2B loaded, through the CLI."""
    from ims_xl.demo import demo_data_dir

    path = tmp_path / "book.xlsx"
    for args in (("template", str(path), "--gstin", GSTIN),
                 ("load", str(path), "--gstr2b", str(demo_data_dir() / "gstr2b_102025.json"))):
        proc = run_cli(*args)
        assert proc.returncode == 0, proc.stderr
    return path

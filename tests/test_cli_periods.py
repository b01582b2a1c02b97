"""--period as an accountant types it (issue 14: friendly periods)."""

from __future__ import annotations

import pytest

from conftest import cli_ok, run_cli
from ims_xl.demo import demo_data_dir

NOVEMBER = demo_data_dir() / "gstr2a_112025.json"


def _ok(*args) -> str:
    return cli_ok(*args).stdout


@pytest.mark.parametrize("typed", ["112025", "Nov-2025", "November 2025", "11-2025", "11/2025",
                                   "2025-11"])
def test_the_period_as_an_accountant_types_it(october_book, typed):
    # every spelling gives the same figures as 112025
    _ok("load", october_book, "--gstr2b", NOVEMBER)
    assert _ok("summary", october_book, "--period", typed, "--json") == \
        _ok("summary", october_book, "--period", "112025", "--json")


def test_a_period_that_is_no_month_is_refused_with_the_spellings_that_work(october_book):
    proc = run_cli("summary", str(october_book), "--period", "13/2025")
    assert proc.returncode == 2
    assert "Nov-2025, November 2025, 11-2025, 11/2025 or 2025-11" in proc.stderr


def test_a_month_outside_the_workbook_says_which_months_it_has(october_book):
    proc = run_cli("summary", str(october_book), "--period", "Jan-2024", "--as-of", "13-12-2025")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "period 012024 is not in the workbook as of 13-12-2025" in proc.stderr
    assert "Give --period one of those (or a later --as-of)." in proc.stderr
    assert proc.stderr.count("012024") == 1   # said once

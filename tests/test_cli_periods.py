"""--period as an accountant types it (issue 14: friendly periods)."""

from __future__ import annotations

import pytest

from test_data_safety import NOVEMBER, _cli, book, ok  # noqa: F401 - the book fixture


@pytest.mark.parametrize("typed", ["112025", "Nov-2025", "November 2025", "11-2025", "11/2025",
                                   "2025-11"])
def test_the_period_as_an_accountant_types_it(book, typed):
    # every spelling gives the same figures as 112025
    ok("load", book, "--gstr2b", NOVEMBER)
    assert ok("summary", book, "--period", typed, "--json").stdout == \
        ok("summary", book, "--period", "112025", "--json").stdout


def test_a_period_that_is_no_month_is_refused_with_the_spellings_that_work(book):
    proc = _cli("summary", book, "--period", "13/2025")
    assert proc.returncode == 2 and "Nov-2025, November 2025, 11-2025, 11/2025 or 2025-11" \
        in proc.stderr

"""The workbook as an accountant reads it (issue 14): suggestions only where an action is
still possible, readable cells, lakhs and crores."""

from __future__ import annotations

import pytest

from conftest import run_cli
from workbook_helpers import demo_workbook, table_rows


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_workbook(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def boe_rows(demo):
    return table_rows(demo, "BoE")


# --- item 12: suggestions only where an action is still possible ---------------------------

def test_no_suggestion_for_a_version_that_left_ims(boe_rows):
    """Accepted in 102025, whose GSTR-3B is filed: the BoE has left IMS (on the demo's
    13-12-2025); the same BoE's amendment, still in IMS, keeps its suggestion."""
    original = next(r for r in boe_rows if r["BoE No"] == "2566212" and r["Amendment"] == "No")
    amendment = next(r for r in boe_rows if r["BoE No"] == "2566212" and r["Amendment"] == "Yes")
    assert (original["Status"], original["2B Period"]) == ("Accepted", "102025")
    assert original["Suggested Action"] is None
    assert amendment["Suggested Action"] == "Keep Pending"


def test_open_and_pending_versions_keep_their_suggestion(boe_rows):
    live = [r for r in boe_rows if r["Status"] in ("Open", "Pending")]
    assert len(live) == 14
    assert all(r["Suggested Action"] for r in live)
    closed = [r for r in boe_rows if r["2B Period"] == "102025"]
    assert closed and not any(r["Suggested Action"] for r in closed)

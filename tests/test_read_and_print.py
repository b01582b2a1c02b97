"""The workbook as an accountant reads it (issue 14): suggestions only where an action is
still possible, readable cells, lakhs and crores."""

from __future__ import annotations

import pytest

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


# --- item 1: readable cells ----------------------------------------------------------------

def test_long_text_columns_wrap_and_headers_have_two_lines(demo):
    from openpyxl import load_workbook
    wb = load_workbook(demo)
    ws = wb["BoE"]
    col = {c.value: c.column_letter for c in ws[1]}
    for header in ("Supplier Name", "Remark", "Messages", "Source"):
        assert ws[f"{col[header]}2"].alignment.wrap_text, header
    for header in ("BoE No", "IGST", "Action"):
        assert not ws[f"{col[header]}2"].alignment.wrap_text, header
    assert ws.column_dimensions[col["Supplier Name"]].width >= 30
    for sheet in ("BoE", "Reconciliation", "Action Log", "History", "Books"):
        assert wb[sheet].row_dimensions[1].height == 30, sheet
    rec = wb["Reconciliation"]
    rcol = {c.value: c.column_letter for c in rec[1]}
    assert rec[f"{rcol['Differences']}2"].alignment.wrap_text


def test_differences_read_as_sentences_in_lakhs(demo):
    rows = table_rows(demo, "Reconciliation")
    texts = [r["Differences"] for r in rows if r["Differences"]]
    assert texts
    assert not any("taxable_value" in t or " / books" in t for t in texts)
    mismatch = next(r for r in rows if r["BoE No"] == "2566212")
    assert mismatch["Differences"].startswith("IGST: IMS ")
    import re
    # Indian grouping: a lakh figure reads d,dd,ddd.dd
    assert re.search(r"IMS \d{1,2},\d\d,\d{3}\.\d\d, books \d{1,2},\d\d,\d{3}\.\d\d",
                     mismatch["Differences"]), mismatch["Differences"]

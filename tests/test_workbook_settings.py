"""The Settings sheet of rules 2.0, end to end: what the accountant sets in the workbook
(reject policy, IMS start, pending limit, the AnnualReturns table) changes what
``ims-xl recompute`` writes and ``ims-xl summary`` reports; every Book (the command line's
StreamBook, FastBook and OpenpyxlBook, the ribbon's XlwingsBook) reads the same settings; and
a workbook made before rules 2.0, without the new name and table, still opens with the
defaults."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import GSTIN, run_cli
from ims_xl.models import PendingLimit, RejectPolicy, Settings
from ims_xl.periods import Period
from ims_xl.workbook.fast_book import FastBook
from ims_xl.workbook.layout import ANNUAL_RETURNS, BOE, FILED_3B
from ims_xl.workbook.openpyxl_book import OpenpyxlBook
from ims_xl.workbook.state import OLD_WARN_POLICY, read_settings
from ims_xl.workbook.stream_book import StreamBook
from workbook_helpers import table_rows


def boe_row(ref: date, period: str, igst: str, action: str | None = None,
            acted: date | None = None, remark: str | None = None, number: str = "2566282",
            boe_date: date | None = None) -> dict:
    return {"Section": "IMPG", "Amendment": "No", "Port Code": "INNSA1", "BoE No": number,
            "BoE Date": boe_date or ref, "Reference Date": ref, "Period": period,
            "Taxable Value": Decimal(igst) * 5, "IGST": Decimal(igst), "Cess": Decimal("0"),
            "Action": action, "Action Date": acted, "Remark": remark}


def workbook(tmp_path: Path, name: str, rows: list[dict], as_of: date,
             names: dict | None = None, annual: list[dict] | None = None) -> Path:
    """A new workbook (the real command line) with BoE rows and settings typed into it."""
    path = tmp_path / name
    proc = run_cli("template", str(path), "--gstin", GSTIN)
    assert proc.returncode == 0, proc.stderr
    book = OpenpyxlBook(path, quiet=True)
    book.write_table(BOE, rows)
    book.write_name("IMS_AS_OF", as_of)
    for key, value in (names or {}).items():
        book.write_name(key, value)
    if annual is not None:
        book.write_table(ANNUAL_RETURNS, annual)
    book.save()
    return path


def recompute(path: Path) -> str:
    proc = run_cli("recompute", str(path))
    assert proc.returncode == 0, proc.stderr
    return proc.stderr


def summary(path: Path, period: str) -> dict:
    proc = run_cli("summary", str(path), "--period", period, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def boe_results(path: Path) -> list[tuple]:
    return [(r["Status"], r["2B Period"] or "", r["Messages"] or "")
            for r in table_rows(path, "BoE")]


# --- the reject policy ------------------------------------------------------------------------

REJECTED_IN_NOVEMBER = [boe_row(date(2025, 11, 6), "112025", "18000", "Reject",
                                date(2025, 11, 20), "goods short-shipped")]


def test_reject_policy_block_by_default_a_reject_removes_no_credit(tmp_path):
    path = workbook(tmp_path, "block.xlsx", REJECTED_IN_NOVEMBER, date(2025, 12, 20))
    recompute(path)
    [(status, period, messages)] = boe_results(path)
    assert (status, period) == ("Deemed accepted", "112025")
    assert messages.startswith("ERROR REJECT_BLOCKED:")
    november = summary(path, "112025")
    assert november["rejected"]["count"] == 0
    assert november["gstr3b"]["4A1"]["igst"] == 18000


def test_reject_policy_warn_typed_in_settings_honours_the_reject(tmp_path):
    path = workbook(tmp_path, "warn.xlsx", REJECTED_IN_NOVEMBER, date(2025, 12, 20),
                    {"IMS_REJECT_POLICY": "warn"})
    recompute(path)
    [(status, period, messages)] = boe_results(path)
    assert (status, period) == ("Rejected", "112025")
    assert messages.startswith("WARNING REJECT_NOT_ON_PORTAL:")
    november = summary(path, "112025")
    assert november["rejected"] == {"count": 1, "igst": 18000.0, "cess": 0.0}
    assert november["gstr3b"]["4A1"]["igst"] == 0


def test_reject_policy_that_is_not_a_choice_is_reported_and_block_used(tmp_path):
    path = workbook(tmp_path, "typo.xlsx", REJECTED_IN_NOVEMBER, date(2025, 12, 20),
                    {"IMS_REJECT_POLICY": "Warning"})
    stderr = recompute(path)
    assert "Reject policy: 'warning' is not a choice" in stderr
    assert "Choose one from the dropdown: block, warn, allow" in stderr
    assert boe_results(path)[0][0] == "Deemed accepted"


# --- IMS start ----------------------------------------------------------------------------------

KEPT_PENDING_IN_SEPTEMBER = [boe_row(date(2025, 9, 20), "092025", "9000", "Keep Pending",
                                     date(2025, 10, 5), "in bonded warehouse")]


def test_ims_start_default_a_september_boe_went_straight_to_gstr2b(tmp_path):
    path = workbook(tmp_path, "start.xlsx", KEPT_PENDING_IN_SEPTEMBER, date(2025, 10, 20))
    recompute(path)
    [(status, period, messages)] = boe_results(path)
    assert (status, period) == ("Deemed accepted", "092025")
    assert messages.startswith("WARNING ACTION_BEFORE_IMS:")
    assert summary(path, "092025")["gstr3b"]["4A1"]["igst"] == 9000


def test_ims_start_typed_in_settings_moves_the_start(tmp_path):
    path = workbook(tmp_path, "start-sep.xlsx", KEPT_PENDING_IN_SEPTEMBER, date(2025, 10, 20),
                    {"IMS_START": "092025"})
    recompute(path)
    assert boe_results(path)[0][:2] == ("Pending", "")
    september = summary(path, "092025")
    assert september["pending"]["count"] == 1 and september["gstr3b"]["4A1"]["igst"] == 0


def test_ims_start_that_is_not_a_period_is_reported_and_the_default_used(tmp_path):
    path = workbook(tmp_path, "start-bad.xlsx", KEPT_PENDING_IN_SEPTEMBER, date(2025, 10, 20),
                    {"IMS_START": "13-2025"})
    stderr = recompute(path)
    assert "IMS start: period '13-2025' is not MMYYYY" in stderr
    assert "IMS_START" in stderr and "such as 102025" in stderr
    assert boe_results(path)[0][:2] == ("Deemed accepted", "092025")


# --- pending limit and annual returns -----------------------------------------------------------

# Kept pending since November 2025; on 20-10-2026 the 2025-26 deadline is 30-11-2026, unless
# the annual return of 2025-26 was filed earlier.
PENDING_FOR_A_YEAR = [boe_row(date(2025, 10, 6), "102025", "18000", "Keep Pending",
                              date(2025, 11, 10), "in bonded warehouse", boe_date=date(2025, 10, 3))]
AS_OF_OCTOBER_2026 = date(2026, 10, 20)


def test_section_16_4_without_an_annual_return_the_boe_stays_pending(tmp_path):
    path = workbook(tmp_path, "s164.xlsx", PENDING_FOR_A_YEAR, AS_OF_OCTOBER_2026,
                    {"IMS_PENDING_LIMIT": "section_16_4"})
    recompute(path)
    assert boe_results(path)[0][0] == "Pending"


def test_section_16_4_an_annual_return_filed_earlier_ends_the_pending(tmp_path):
    path = workbook(tmp_path, "s164-filed.xlsx", PENDING_FOR_A_YEAR, AS_OF_OCTOBER_2026,
                    {"IMS_PENDING_LIMIT": "section_16_4"},
                    annual=[{"Financial Year": "2025-26", "Filed on": date(2026, 10, 15)}])
    recompute(path)
    [(status, _, messages)] = boe_results(path)
    assert status == "Time barred"
    assert "ERROR TIME_BARRED:" in messages and "15-10-2026" in messages
    assert summary(path, "102026")["pending"]["count"] == 0


def test_annual_returns_rows_that_cannot_be_read_are_named(tmp_path):
    path = workbook(tmp_path, "annual-bad.xlsx", PENDING_FOR_A_YEAR, AS_OF_OCTOBER_2026,
                    {"IMS_PENDING_LIMIT": "section_16_4"},
                    annual=[{"Financial Year": "2025-27", "Filed on": date(2026, 10, 15)},
                            {"Financial Year": "2025-26", "Filed on": "31-02-2026"}])
    stderr = recompute(path)
    assert "AnnualReturns row 1: '2025-27' is not a financial year" in stderr
    assert "AnnualReturns row 2:" in stderr and "31-02-2026" in stderr
    assert boe_results(path)[0][0] == "Pending"   # neither row counts


def test_annual_returns_year_written_the_long_way_and_not_filed_yet(tmp_path):
    path = workbook(tmp_path, "annual-forms.xlsx", [], AS_OF_OCTOBER_2026,
                    annual=[{"Financial Year": "FY 2025-2026", "Filed on": date(2026, 10, 15)},
                            {"Financial Year": "2026-27", "Filed on": None}])
    settings, *_, problems = read_settings(FastBook(path))
    assert problems == [] and settings.annual_return_filed == {2025: date(2026, 10, 15)}


# --- every Book reads the same settings ---------------------------------------------------------

def test_every_book_reads_the_same_settings(tmp_path):
    from test_xlwings_book import xl   # the ribbon's Book over the xlwings stand-in

    path = workbook(tmp_path, "all.xlsx", [], date(2025, 12, 13),
                    {"IMS_REJECT_POLICY": "allow", "IMS_START": "112025",
                     "IMS_PENDING_LIMIT": "one_period", "IMS_FILING": "quarterly"},
                    annual=[{"Financial Year": "2025-26", "Filed on": date(2026, 9, 30)}])
    book = OpenpyxlBook(path, quiet=True)
    book.write_table(FILED_3B, [{"Period": "122025", "Filed on": date(2026, 1, 18)}])
    book.save()
    expected = Settings(gstin=GSTIN, filing=Settings().filing.QUARTERLY,
                        reject_policy=RejectPolicy.ALLOW, pending_limit=PendingLimit.ONE_PERIOD,
                        ims_start=Period(2025, 11), filed_3b={Period(2025, 12): date(2026, 1, 18)},
                        annual_return_filed={2025: date(2026, 9, 30)})
    for reader in (FastBook(path), StreamBook(path, quiet=True), OpenpyxlBook(path, quiet=True),
                   xl(path)[0]):
        settings, as_of, _, problems = read_settings(reader)
        assert (settings, as_of, problems) == (expected, date(2025, 12, 13), []), reader


# --- a workbook made before rules 2.0 -----------------------------------------------------------

def make_pre_2_0(path: Path) -> None:
    """What a workbook from the 1.x template lacks: the IMS start name, the AnnualReturns
    table and the IMS_SETTINGS name; its reject policy cell says 'warn' (that template's
    default)."""
    wb = load_workbook(path)
    for name in ("IMS_START", "IMS_SETTINGS"):
        del wb.defined_names[name]
    ws = wb["Settings"]
    del ws.tables["AnnualReturns"]
    for row in ws["L2:M4"]:
        for cell in row:
            cell.value = None
    ws["B7"] = "warn"
    wb.save(path)


def test_a_workbook_made_before_rules_2_0_opens_with_the_defaults(tmp_path):
    path = workbook(tmp_path, "old.xlsx", KEPT_PENDING_IN_SEPTEMBER, date(2025, 10, 20))
    make_pre_2_0(path)
    with pytest.raises(KeyError):
        load_workbook(path)["Settings"].tables["AnnualReturns"]
    stderr = recompute(path)
    # the IMS start of rules 2.0 applies; 'warn' is kept (the cell is the accountant's) and
    # questioned once
    assert boe_results(path)[0][:2] == ("Deemed accepted", "092025")
    assert str(OLD_WARN_POLICY) in stderr and stderr.count("made before rules 2.0") == 1
    assert summary(path, "092025")["gstr3b"]["4A1"]["igst"] == 9000
    settings, *_ = read_settings(FastBook(path))
    assert (settings.ims_start, settings.annual_return_filed, settings.reject_policy) == (
        Period(2025, 10), {}, RejectPolicy.WARN)


def test_a_pre_2_0_workbook_choosing_block_is_not_questioned(tmp_path):
    path = workbook(tmp_path, "old-block.xlsx", [], date(2025, 10, 20))
    make_pre_2_0(path)
    book = OpenpyxlBook(path, quiet=True)
    book.write_name("IMS_REJECT_POLICY", "block")
    book.save()
    assert "rules 2.0" not in recompute(path)


def test_a_renamed_annual_returns_column_is_still_an_error(tmp_path):
    """Only a missing table is read as "none recorded": a table that is there but lost a
    column is refused, as for every other table."""
    path = workbook(tmp_path, "renamed.xlsx", [], date(2025, 10, 20))
    wb = load_workbook(path)
    wb["Settings"]["M3"] = "Date"
    wb.save(path)
    proc = run_cli("recompute", str(path))
    assert proc.returncode == 2
    assert "table 'AnnualReturns' lacks the column(s) 'Filed on'" in proc.stderr

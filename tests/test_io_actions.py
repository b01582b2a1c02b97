"""Bulk actions file: action words, dates, remarks, rows that cannot be read."""

from __future__ import annotations

from datetime import date

import pytest

from ims_xl.io import ActionRow, Codes, load_actions
from ims_xl.models import ActionCode, Severity

from test_io_support import codes, find, one, simple_workbook, write_csv

HEADER = ["Port Code", "BoE No", "BoE Date", "Action", "Date", "Remark"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_actions_file(tmp_path, kind):
    data = [HEADER,
            ["INNSA1", "2566282", "03-10-2025", "Accept", "10-11-2025", ""],
            ["innsa1", "2566282", "03-10-2025", " keep pending ", "05-11-2025",
             "in bonded warehouse"],
            ["INNSA1", "2566283", "03-10-2025", "R", "06-11-2025", "=1+1"],
            ["INNSA1", "2566284", "03-10-2025", "approve", "07-11-2025", ""],
            ["INNSA1", "2566285", "03-10-2025", "", "", ""],          # not acted on
            ["INNSA1", "2566286", "03-10-2025", "No Action", "08-11-2025", ""]]
    path = (write_csv(tmp_path / "actions.csv", data) if kind == "csv"
            else simple_workbook(tmp_path / "actions.xlsx", data,
                                 text_cells={"F4": "=1+1"}))
    load = load_actions(path)
    assert load.problems == []
    where = "actions.csv" if kind == "csv" else "actions.xlsx, sheet Sheet1"
    assert load.rows[0] == ActionRow("INNSA1", "2566282", date(2025, 10, 3), ActionCode.ACCEPT,
                                     "Accept", date(2025, 11, 10), "", where, 2)
    assert [(r.code, r.raw, r.row) for r in load.rows] == [
        (ActionCode.ACCEPT, "Accept", 2), (ActionCode.PENDING, "keep pending", 3),
        (ActionCode.REJECT, "R", 4), (None, "approve", 5), (ActionCode.NO_ACTION, "No Action", 7)]
    assert load.rows[1].port_code == "INNSA1" and load.rows[1].remark == "in bonded warehouse"
    assert load.rows[2].remark == "=1+1"  # kept as typed, never evaluated
    assert load.rows[3].date == date(2025, 11, 7)  # unknown words are kept for the rules


def test_action_without_date_is_not_read(tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER,
                                          ["INNSA1", "2566282", "03-10-2025", "Accept", "", ""],
                                          ["INNSA1", "2566282", "03-10-2025", "P", "32-11-2025",
                                           ""]])
    load = load_actions(path)
    assert load.rows == []
    assert [(p.code, p.row, p.column, p.value) for p in load.problems] == [
        (Codes.ACTION_DATE_MISSING, 2, "Date", ""),
        (Codes.DATE_INVALID, 3, "Date", "32-11-2025")]


def test_row_naming_no_boe(tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER, ["INNSA1", "", "", "Accept", "10-11-2025", ""]])
    load = load_actions(path)
    p = one(load.problems, Codes.ROW_SKIPPED)
    assert (p.row, p.column) == (2, "BoE No") and load.rows == []


def test_record_id_column_names_a_version(tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER + ["Record ID"],
                                          ["", "", "", "A", "10-11-2025", "", "r1"]])
    load = load_actions(path)
    assert load.rows[0].record_id == "r1" and load.rows[0].code is ActionCode.ACCEPT


def test_invalid_identifiers_warn(tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER, ["INN", "12", "03-10-2025", "A", "10-11-2025",
                                                   ""],
                                          ["INNSA1", "2.57E+06", "03-10-2025", "A",
                                           "10-11-2025", ""]])
    load = load_actions(path)
    assert len(load.rows) == 2
    got = [(p.code, p.row, p.severity) for p in load.problems]
    assert got == [(Codes.BOE_NUMBER_INVALID, 2, Severity.WARNING),
                   (Codes.PORT_CODE_INVALID, 2, Severity.WARNING),
                   (Codes.BOE_NUMBER_MANGLED, 3, Severity.ERROR)]


def test_missing_action_column(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["Port Code", "BoE No", "BoE Date", "Date"],
                                          ["INNSA1", "2566282", "03-10-2025", "10-11-2025"]])
    load = load_actions(path)
    p = one(load.problems, Codes.COLUMN_MISSING)
    assert "action" in p.message and load.rows == []


def test_excel_dates_and_numbers(tmp_path):
    path = simple_workbook(tmp_path / "a.xlsx", [
        HEADER, ["INNSA1", 2566282, date(2025, 10, 3), "A", date(2025, 11, 10), None],
        ["INNSA1", 2566283.0, 45933, 1, 45971, 12.5]])
    load = load_actions(path)
    assert [(r.boe_number, r.boe_date, r.date) for r in load.rows] == [
        ("2566282", date(2025, 10, 3), date(2025, 11, 10)),
        ("2566283", date(2025, 10, 3), date(2025, 11, 10))]
    assert (load.rows[1].code, load.rows[1].raw, load.rows[1].remark) == (None, "1", "12.5")
    assert find(load.problems, Codes.DATE_INVALID) == [] and codes(load.problems) == []

"""The Books a recompute runs through when nothing or only the match may change
(ops.TrialRun for Validate, ops.ReconcileOnly for Reconcile), and the recompute's sentence."""

from __future__ import annotations

from datetime import date

import pytest

from ims_xl.problems import InputError
from ims_xl.workbook.layout import BOE, FETCH, HISTORY, RECONCILIATION
from ims_xl.workbook.ops import RecomputeReport, ReconcileOnly, TrialRun


class DictBook:
    """The workbook as tables and names in memory; counts its saves."""

    label = "memory"

    def __init__(self, tables, names=None):
        self.tables = {k: [dict(r) for r in v] for k, v in tables.items()}
        self.names = dict(names or {})
        self.saved = 0

    def read_table(self, spec):
        return [dict(r) for r in self.tables.get(spec.name, [])]

    def write_table(self, spec, rows):
        self.tables[spec.name] = [dict(r) for r in rows]

    def read_names(self, names):
        return {n: self.names[n] for n in names if n in self.names}

    def write_name(self, name, value):
        self.names[name] = value

    def progress(self, text, done=0, total=0):
        pass

    def save(self):
        self.saved += 1


def boe_rows():
    return [{"BoE No": "1", "Action": "Accept", "Match": "", "Suggested Action": ""},
            {"BoE No": "2", "Action": "", "Match": "", "Suggested Action": ""}]


def test_a_trial_run_reads_its_own_writes_and_changes_nothing_underneath():
    inner = DictBook({BOE.name: boe_rows()}, {"IMS_PERIOD": "112025"})
    trial = TrialRun(inner)
    trial.write_table(BOE, [{"BoE No": "1", "Action": "Reject"}])
    trial.write_name("IMS_PERIOD", "122025")
    trial.save()
    assert trial.read_table(BOE) == [{"BoE No": "1", "Action": "Reject"}]
    assert trial.read_names(["IMS_PERIOD"]) == {"IMS_PERIOD": "122025"}
    assert trial.confirm("Keep 1 new Reject(s)?") is True
    assert inner.tables[BOE.name] == boe_rows() and inner.names["IMS_PERIOD"] == "112025"
    assert inner.saved == 0


def test_reconcile_only_passes_the_match_and_nothing_else():
    inner = DictBook({BOE.name: boe_rows()})
    only = ReconcileOnly(inner)
    changed = [{"BoE No": "1", "Action": "Reject", "Match": "Matched",
                "Suggested Action": "Accept", "Status": "Rejected"},
               {"BoE No": "2", "Action": "", "Match": "Not in books",
                "Suggested Action": "Keep Pending", "Status": "Open"}]
    only.write_table(BOE, changed)
    only.write_table(RECONCILIATION, [{"Match": "Matched"}])
    only.write_table(FETCH, [{"BoE No": "3"}])
    only.write_table(HISTORY, [{"Period": "112025"}])
    only.save()
    assert inner.tables[BOE.name] == [
        {"BoE No": "1", "Action": "Accept", "Match": "Matched", "Suggested Action": "Accept"},
        {"BoE No": "2", "Action": "", "Match": "Not in books",
         "Suggested Action": "Keep Pending"}]
    assert inner.tables[RECONCILIATION.name] == [{"Match": "Matched"}]
    assert inner.tables[FETCH.name] == [{"BoE No": "3"}]
    assert HISTORY.name not in inner.tables
    assert inner.saved == 1


def test_reconcile_only_refuses_a_boe_sheet_that_changed_underneath():
    only = ReconcileOnly(DictBook({BOE.name: boe_rows()}))
    with pytest.raises(InputError, match="changed while reconciling"):
        only.write_table(BOE, boe_rows()[:1])


def test_the_recompute_sentence_counts_statuses_refusals_and_the_review_period():
    report = RecomputeReport(as_of=date(2025, 12, 13), versions=3, logged=2,
                             rejects_refused=1, errors=1, review_period="112025",
                             by_status={"Open": 2, "Accepted": 1})
    assert report.summary() == (
        "Recomputed as of 13-12-2025: 3 BoE version(s) (1 accepted, 2 open); 2 action(s) "
        "logged, 1 new Reject(s) not kept (their Action is back to what it was); 1 row(s) "
        "with errors. Period under review: 112025.")
    assert RecomputeReport(as_of=date(2025, 12, 13)).summary() == (
        "Recomputed as of 13-12-2025: 0 BoE version(s) (none); 0 action(s) logged; 0 row(s) "
        "with errors.")

"""Round trip: load a 2B file, export actions, load the actions back: the same result."""

from __future__ import annotations

from datetime import date

from ims_xl.exports import export_actions_json, load_actions_json
from ims_xl.io import load_gstr2b_json
from ims_xl.models import Action, ActionCode, RejectPolicy, Settings
from ims_xl.rules import evaluate
from ims_xl.demo import demo_data_dir

AS_OF = date(2025, 11, 12)
GSTIN = "27AAPFU0939F1ZV"


def test_load_export_reload_gives_the_same_evaluation(tmp_path):
    loaded = load_gstr2b_json([demo_data_dir() / "gstr2a_102025.json"])   # every BoE
    records = loaded.records
    assert len(records) == 16 and not loaded.errors
    words = [ActionCode.ACCEPT, ActionCode.PENDING, ActionCode.REJECT, ActionCode.NO_ACTION]
    current = {r.id: words[i % 4] for i, r in enumerate(records)}
    path = tmp_path / "ims-actions.json"
    export_actions_json(path, records, current, gstin=GSTIN)

    back = load_actions_json(path).for_records(records)
    changed = {rid: code for rid, code in current.items() if code is not ActionCode.NO_ACTION}
    assert back == changed

    def run(actions_by_id):
        actions = [Action(rid, code, date(2025, 11, 10), remark="from the workbook", seq=i)
                   for i, (rid, code) in enumerate(actions_by_id.items())]
        # reject policy 'warn': the exported Rejects must come back as Rejects (under the
        # default 'block' of rules 2.0 every Reject is ignored, exported or not)
        ev = evaluate(records, actions, Settings(gstin=GSTIN, reject_policy=RejectPolicy.WARN),
                      AS_OF)
        return [(r.id, r.status, r.itc_period, r.itc) for r in ev.records], ev.periods

    assert run(current) == run(back)
    statuses = {status for _, status, _, _ in run(back)[0]}
    assert {s.value for s in statuses} >= {"accepted", "pending", "rejected", "open"}

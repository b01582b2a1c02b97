"""rules.md (2.0) section 8: each worked example through the real ``ims-xl evaluate`` command.

``BASE`` is the input example of rules.md section 7, as printed there (every setting at its
2.0 default, written out)."""

from __future__ import annotations

import copy


from conftest import GSTIN, evaluate_cli

OTHER_GSTIN = "24AAUPV7468F1ZW"

BASE = {
    "settings": {"gstin": GSTIN, "filing": "monthly", "reject_policy": "block",
                 "pending_limit": "none", "cutoff_warning_days": 3, "ims_start": "102025",
                 "filed_3b": {"102025": "2025-11-20"}, "generated_2b": {},
                 "annual_return_filed": {"2025-26": "2026-10-28"}},
    "as_of": "2025-12-10",
    "records": [
        {"id": "r1", "section": "IMPG", "amendment": False, "port_code": "INNSA1",
         "boe_number": "2566282", "boe_date": "2025-10-03", "ref_date": "2025-10-06",
         "period": "102025", "taxable_value": 100000, "igst": 18000, "cess": 0}
    ],
    "actions": [
        {"record": "r1", "action": "P", "date": "2025-11-10", "remark": "in bonded warehouse"},
        {"record": "r1", "action": "A", "date": "2025-12-05"},
    ],
}


def scenario(**changes):
    s = copy.deepcopy(BASE)
    s.update(changes)
    return s


def record(rid, **fields):
    r = copy.deepcopy(BASE["records"][0])
    r["id"] = rid
    r.update(fields)
    return r


def codes(rec):
    return [m["code"] for m in rec["messages"]]


def test_example_1_pending_then_accepted_in_november(tmp_path):
    out = evaluate_cli(scenario(), tmp_path)
    assert out["rules_version"] == "2.0" and list(out)[0] == "rules_version"
    r1 = out["records"][0]
    assert r1["status"] == "accepted"
    assert r1["itc_period"] == "112025"
    assert r1["itc"] == {"igst": 18000, "cess": 0}
    assert r1["history"] == [{"period": "102025", "status": "pending"},
                             {"period": "112025", "status": "accepted"}]
    assert r1["messages"] == []
    assert list(out["periods"]) == ["102025", "112025", "122025"]
    oct_, nov, dec = (out["periods"][p] for p in ("102025", "112025", "122025"))
    assert oct_["state"] == "closed" and nov["state"] == "open" and dec["state"] == "open"
    assert oct_["pending"] == {"count": 1, "igst": 18000, "cess": 0}
    assert oct_["gstr3b"]["4A1"] == {"igst": 0, "cess": 0}
    assert nov["gstr3b"]["4A1"] == {"igst": 18000, "cess": 0}
    assert nov["gstr2b"]["IMPG"] == {"count": 1, "taxable_value": 100000, "igst": 18000,
                                     "cess": 0}
    assert nov["pending"]["count"] == 0
    assert dec["gstr3b"]["4A1"] == {"igst": 0, "cess": 0}


def test_example_1_amounts_are_written_with_two_decimals(tmp_path):
    from conftest import run_cli
    path = tmp_path / "s.json"
    import json
    path.write_text(json.dumps(scenario()))
    text = run_cli("evaluate", str(path)).stdout
    assert '"igst": 18000.00' in text and "18000.0," not in text


def test_example_2_no_action_deemed_accepted_after_the_14th(tmp_path):
    s = scenario(as_of="2025-11-15", actions=[])
    s["settings"]["filed_3b"] = {}
    r1 = evaluate_cli(s, tmp_path)["records"][0]
    assert r1["status"] == "deemed_accepted"
    assert r1["itc_period"] == "102025"
    assert r1["itc"] == {"igst": 18000, "cess": 0}
    assert r1["history"] == [{"period": "102025", "status": "deemed_accepted"}]


def test_example_2_open_before_the_14th_with_cutoff_warning(tmp_path):
    s = scenario(as_of="2025-11-12", actions=[])
    s["settings"]["filed_3b"] = {}
    out = evaluate_cli(s, tmp_path)
    r1 = out["records"][0]
    assert r1["status"] == "open"
    assert r1["itc"] is None and r1["itc_period"] is None
    assert codes(r1) == ["CUTOFF_NEAR"]
    assert "in 2 days" in r1["messages"][0]["text"]
    assert r1["messages"][0]["severity"] == "warning"
    assert out["periods"]["102025"]["gstr3b"]["4A1"]["igst"] == 0


def _reject_scenario(remark=None, **settings):
    action = {"record": "r1", "action": "Reject", "date": "2025-11-05"}
    if remark is not None:
        action["remark"] = remark
    s = scenario(as_of="2025-11-15", actions=[action])
    s["settings"]["filed_3b"] = {}
    s["settings"].update(settings)
    return s


def test_example_3_reject_is_blocked_by_default(tmp_path):
    s = _reject_scenario("not ours")
    del s["settings"]["reject_policy"]  # the default
    out = evaluate_cli(s, tmp_path)
    r1 = out["records"][0]
    assert codes(r1) == ["REJECT_BLOCKED"]
    assert r1["messages"][0]["severity"] == "error"
    assert "Keep Pending" in r1["messages"][0]["text"]
    assert "GSTIN amendment" in r1["messages"][0]["text"]
    # the Reject is ignored: no action, so deemed accepted once G (14-11-2025) has passed
    assert r1["status"] == "deemed_accepted"
    assert r1["history"] == [{"period": "102025", "status": "deemed_accepted"}]
    assert r1["itc"] == {"igst": 18000, "cess": 0}
    oct_ = out["periods"]["102025"]
    assert oct_["rejected"] == {"count": 0, "igst": 0, "cess": 0}
    assert oct_["gstr3b"]["4A1"]["igst"] == 18000


def test_example_3_reject_is_blocked_under_block_before_g(tmp_path):
    s = _reject_scenario("not ours", reject_policy="block")
    s["as_of"] = "2025-11-12"
    r1 = evaluate_cli(s, tmp_path)["records"][0]
    assert codes(r1) == ["REJECT_BLOCKED", "CUTOFF_NEAR"]
    assert r1["status"] == "open" and r1["itc"] is None


def test_example_3_reject_with_remark_under_warn(tmp_path):
    out = evaluate_cli(_reject_scenario("not ours", reject_policy="warn"), tmp_path)
    r1 = out["records"][0]
    assert r1["status"] == "rejected"
    assert r1["itc"] is None
    assert r1["history"] == [{"period": "102025", "status": "rejected"}]
    assert codes(r1) == ["REJECT_NOT_ON_PORTAL"]
    assert r1["messages"][0]["severity"] == "warning"
    assert out["periods"]["102025"]["rejected"] == {"count": 1, "igst": 18000, "cess": 0}
    assert out["periods"]["102025"]["gstr3b"]["4A1"]["igst"] == 0


def test_example_3_reject_without_remark_under_warn_is_ignored(tmp_path):
    r1 = evaluate_cli(_reject_scenario(reject_policy="warn"), tmp_path)["records"][0]
    assert codes(r1) == ["REJECT_NEEDS_REMARK"]
    assert r1["messages"][0]["severity"] == "error"
    assert r1["status"] == "deemed_accepted"
    assert r1["itc"] == {"igst": 18000, "cess": 0}


def _amendment_scenario(amended_igst):
    original = record("orig", igst=10000, taxable_value=50000)
    amendment = record("amd", amendment=True, igst=amended_igst, taxable_value=60000,
                       ref_date="2025-12-02", period="122025")
    return scenario(as_of="2025-12-10", records=[original, amendment], actions=[
        {"record": "orig", "action": "A", "date": "2025-11-01"},
        {"record": "amd", "action": "A", "date": "2025-12-05"}])


def test_example_4_amendment_carries_the_differential(tmp_path):
    out = evaluate_cli(_amendment_scenario(12000), tmp_path)
    orig, amd = out["records"]
    assert orig["status"] == "accepted" and orig["itc_period"] == "102025"
    assert orig["itc"]["igst"] == 10000
    assert amd["status"] == "accepted" and amd["itc"]["igst"] == 2000
    dec = out["periods"]["122025"]
    assert dec["gstr3b"]["4A1"]["igst"] == 2000 and dec["gstr3b"]["4B2"]["igst"] == 0
    assert dec["gstr2b"]["IMPGA"] == {"count": 1, "taxable_value": 60000, "igst": 2000,
                                      "cess": 0}
    assert out["periods"]["102025"]["gstr3b"]["4A1"]["igst"] == 10000
    assert codes(amd) == []


def test_example_4_negative_differential_goes_to_4b2(tmp_path):
    out = evaluate_cli(_amendment_scenario(7000), tmp_path)
    amd = out["records"][1]
    assert amd["itc"]["igst"] == -3000
    assert codes(amd) == ["NEGATIVE_DIFFERENTIAL"]
    dec = out["periods"]["122025"]
    assert dec["gstr3b"]["4B2"] == {"igst": 3000, "cess": 0}
    assert dec["gstr3b"]["4A1"] == {"igst": 0, "cess": 0}


def test_example_5_pending_original_superseded_by_amendment(tmp_path):
    original = record("orig", igst=10000)
    amendment = record("amd", amendment=True, igst=15000, ref_date="2025-12-03",
                       period="122025")
    s = scenario(as_of="2025-12-28", records=[original, amendment], actions=[
        {"record": "orig", "action": "P", "date": "2025-11-10", "remark": "QC"},
        {"record": "amd", "action": "A", "date": "2025-12-26"}])
    out = evaluate_cli(s, tmp_path)
    orig, amd = out["records"]
    assert orig["status"] == "superseded" and orig["itc"] is None
    assert orig["history"] == [{"period": "102025", "status": "pending"},
                               {"period": "112025", "status": "pending"},
                               {"period": "122025", "status": "superseded"}]
    assert amd["status"] == "accepted" and amd["itc"] == {"igst": 15000, "cess": 0}
    assert out["periods"]["122025"]["gstr3b"]["4A1"]["igst"] == 15000
    assert out["periods"]["102025"]["pending"]["count"] == 1
    assert out["periods"]["112025"]["pending"]["count"] == 1
    assert out["periods"]["122025"]["pending"]["count"] == 0


def test_example_6_gstin_move_reverses_the_credit(tmp_path):
    original = record("orig", igst=10000, taxable_value=50000, importer_gstin=GSTIN)
    moved = record("moved", amendment=True, igst=10000, taxable_value=50000,
                   ref_date="2025-12-04", period="122025", importer_gstin=OTHER_GSTIN)
    out = evaluate_cli(scenario(as_of="2026-01-15", records=[original, moved], actions=[]),
                       tmp_path)
    orig, amd = out["records"]
    assert orig["status"] == "deemed_accepted" and orig["itc_period"] == "102025"
    assert orig["itc"] == {"igst": 10000, "cess": 0} and codes(orig) == []
    assert amd["status"] == "deemed_accepted" and amd["itc_period"] == "122025"
    assert amd["history"] == [{"period": "122025", "status": "deemed_accepted"}]
    assert amd["itc"] == {"igst": -10000, "cess": 0}
    assert codes(amd) == ["GSTIN_MOVED", "NEGATIVE_DIFFERENTIAL"]
    moved_text = amd["messages"][0]["text"]
    assert amd["messages"][0]["severity"] == "warning"
    assert OTHER_GSTIN in moved_text and "10,000.00" in moved_text and "4(B)(2)" in moved_text
    dec = out["periods"]["122025"]
    assert dec["gstr3b"]["4B2"] == {"igst": 10000, "cess": 0}
    assert dec["gstr3b"]["4A1"] == {"igst": 0, "cess": 0}
    assert dec["gstr2b"]["IMPGA"] == {"count": 1, "taxable_value": 0, "igst": -10000, "cess": 0}
    assert out["periods"]["102025"]["gstr3b"]["4A1"]["igst"] == 10000


def test_example_7_before_ims_the_pending_is_ignored(tmp_path):
    september = record("r1", boe_date="2025-09-03", ref_date="2025-09-06", period="092025")
    out = evaluate_cli(scenario(as_of="2025-10-20", records=[september], actions=[
        {"record": "r1", "action": "Keep Pending", "date": "2025-10-05", "remark": "QC"}]),
        tmp_path)
    r1 = out["records"][0]
    assert codes(r1) == ["ACTION_BEFORE_IMS"]
    assert r1["messages"][0]["severity"] == "warning"
    assert "05-10-2025" in r1["messages"][0]["text"]
    assert r1["status"] == "deemed_accepted" and r1["itc_period"] == "092025"
    assert r1["history"] == [{"period": "092025", "status": "deemed_accepted"}]
    assert list(out["periods"]) == ["092025", "102025"]
    sep = out["periods"]["092025"]
    assert sep["gstr3b"]["4A1"] == {"igst": 18000, "cess": 0}
    assert sep["pending"]["count"] == 0


def test_example_7_an_earlier_ims_start_honours_the_same_pending(tmp_path):
    september = record("r1", boe_date="2025-09-03", ref_date="2025-09-06", period="092025")
    s = scenario(as_of="2025-10-20", records=[september], actions=[
        {"record": "r1", "action": "Keep Pending", "date": "2025-10-05", "remark": "QC"}])
    s["settings"]["ims_start"] = "092025"
    r1 = evaluate_cli(s, tmp_path)["records"][0]
    assert r1["status"] == "pending" and codes(r1) == []


def _one_period(as_of):
    s = scenario(as_of=as_of, actions=[
        {"record": "r1", "action": "Keep Pending", "date": "2025-11-05", "remark": "QC"}])
    s["settings"]["pending_limit"] = "one_period"
    return s


def test_example_8_one_period_pending_honoured_while_the_next_period_is_open(tmp_path):
    out = evaluate_cli(_one_period("2025-12-18"), tmp_path)
    r1 = out["records"][0]
    assert r1["status"] == "pending" and r1["itc"] is None
    assert r1["history"] == [{"period": "102025", "status": "pending"},
                             {"period": "112025", "status": "pending"}]
    assert codes(r1) == ["PENDING_LIMIT"]
    assert "20-12-2025" in r1["messages"][0]["text"]  # the 3B due date of November
    nov = out["periods"]["112025"]
    assert nov["state"] == "open"
    assert nov["gstr3b"]["4A1"] == {"igst": 0, "cess": 0}
    assert nov["pending"] == {"count": 1, "igst": 18000, "cess": 0}


def test_example_8_one_period_deemed_accepted_at_the_next_close(tmp_path):
    out = evaluate_cli(_one_period("2025-12-21"), tmp_path)
    r1 = out["records"][0]
    assert r1["status"] == "deemed_accepted" and r1["itc_period"] == "112025"
    assert r1["history"] == [{"period": "102025", "status": "pending"},
                             {"period": "112025", "status": "deemed_accepted"}]
    assert codes(r1) == ["PENDING_LIMIT"]
    assert "20-12-2025" in r1["messages"][0]["text"]  # November assumed filed on its due date
    nov = out["periods"]["112025"]
    assert nov["state"] == "closed"
    assert nov["gstr3b"]["4A1"] == {"igst": 18000, "cess": 0}
    assert nov["pending"]["count"] == 0

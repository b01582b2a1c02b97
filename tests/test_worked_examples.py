"""rules.md section 8: each worked example through the real ``ims-xl evaluate`` command."""

from __future__ import annotations

import copy


from conftest import GSTIN, evaluate_cli

BASE = {
    "settings": {"gstin": GSTIN, "filing": "monthly", "reject_policy": "warn",
                 "pending_limit": "none", "cutoff_warning_days": 3,
                 "filed_3b": {"102025": "2025-11-20"}, "generated_2b": {}},
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


def test_example_3_reject_with_remark_under_warn(tmp_path):
    s = scenario(as_of="2025-11-15", actions=[
        {"record": "r1", "action": "Reject", "date": "2025-11-05", "remark": "not ours"}])
    s["settings"]["filed_3b"] = {}
    out = evaluate_cli(s, tmp_path)
    r1 = out["records"][0]
    assert r1["status"] == "rejected"
    assert r1["itc"] is None
    assert r1["history"] == [{"period": "102025", "status": "rejected"}]
    assert codes(r1) == ["REJECT_NOT_ON_PORTAL"]
    assert out["periods"]["102025"]["rejected"] == {"count": 1, "igst": 18000, "cess": 0}
    assert out["periods"]["102025"]["gstr3b"]["4A1"]["igst"] == 0


def test_example_3_reject_without_remark_is_ignored(tmp_path):
    s = scenario(as_of="2025-11-15", actions=[
        {"record": "r1", "action": "R", "date": "2025-11-05"}])
    s["settings"]["filed_3b"] = {}
    r1 = evaluate_cli(s, tmp_path)["records"][0]
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

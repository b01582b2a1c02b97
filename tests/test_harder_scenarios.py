"""Harder scenarios than rules.md section 8, through the real ``ims-xl evaluate``."""

from __future__ import annotations

from conftest import evaluate_cli


def rec(rid, igst, ref, period, amendment=False, boe_date="2025-10-03", **extra):
    return {"id": rid, "section": "IMPG", "amendment": amendment, "port_code": "INNSA1",
            "boe_number": "2566282", "boe_date": boe_date, "ref_date": ref, "period": period,
            "taxable_value": igst * 5, "igst": igst, "cess": 0, **extra}


def act(rid, action, when, remark=""):
    return {"record": rid, "action": action, "date": when, "remark": remark}


def by_id(out):
    return {r["id"]: r for r in out["records"]}


def test_amendment_chain_of_three_versions(tmp_path):
    out = evaluate_cli({
        "settings": {"gstin": "27AAPFU0939F1ZV"}, "as_of": "2026-01-10",
        "records": [rec("v1", 10000, "2025-10-06", "102025"),
                    rec("v2", 12500, "2025-11-05", "112025", amendment=True),
                    rec("v3", 11000, "2025-12-04", "122025", amendment=True)],
        "actions": [act("v1", "Accept", "2025-11-03"), act("v2", "Accept", "2025-12-02"),
                    act("v3", "Accept", "2026-01-05")]}, tmp_path)
    r = by_id(out)
    assert [r[v]["itc"]["igst"] for v in ("v1", "v2", "v3")] == [10000, 2500, -1500]
    assert [r[v]["itc_period"] for v in ("v1", "v2", "v3")] == ["102025", "112025", "122025"]
    assert [m["code"] for m in r["v3"]["messages"]] == ["NEGATIVE_DIFFERENTIAL"]
    p = out["periods"]
    assert p["112025"]["gstr2b"]["IMPGA"]["igst"] == 2500
    assert p["122025"]["gstr3b"]["4B2"]["igst"] == 1500
    assert p["122025"]["gstr3b"]["4A1"]["igst"] == 0
    assert sum(r[v]["itc"]["igst"] for v in r) == 11000  # the final version's IGST


def test_pending_original_and_first_amendment_both_superseded(tmp_path):
    out = evaluate_cli({
        "as_of": "2026-01-25",
        "records": [rec("v1", 10000, "2025-10-06", "102025"),
                    rec("v2", 12000, "2025-11-05", "112025", amendment=True),
                    rec("v3", 13000, "2025-12-04", "122025", amendment=True)],
        "actions": [act("v1", "Keep Pending", "2025-11-01", "QC"),
                    act("v2", "P", "2025-12-01", "QC"), act("v3", "A", "2026-01-05")]},
        tmp_path)
    r = by_id(out)
    assert r["v1"]["status"] == "superseded" and r["v2"]["status"] == "superseded"
    assert r["v1"]["history"][-1] == {"period": "112025", "status": "superseded"}
    assert r["v3"]["itc"]["igst"] == 13000 and r["v3"]["itc_period"] == "122025"


def test_qrmp_quarterly_filer(tmp_path):
    out = evaluate_cli({
        "settings": {"gstin": "33ABBFR2298H1Z5", "filing": "quarterly"},
        "as_of": "2026-01-23",
        "records": [rec("q1", 9000, "2025-10-06", "102025"),
                    rec("q2", 4000, "2025-11-20", None, boe_date="2025-11-18")],
        "actions": [act("q2", "Keep Pending", "2026-01-10", "in transit")]}, tmp_path)
    r = by_id(out)
    assert r["q1"]["status"] == "deemed_accepted" and r["q1"]["itc_period"] == "122025"
    assert r["q2"]["status"] == "pending"
    assert list(out["periods"]) == ["122025", "032026"]
    q4 = out["periods"]["122025"]
    assert q4["state"] == "closed"              # Tamil Nadu (33) files by the 22nd
    assert q4["gstr3b"]["4A1"]["igst"] == 9000 and q4["pending"]["count"] == 1
    assert out["periods"]["032026"]["pending"]["count"] == 1


def test_time_barred_under_section_16_4(tmp_path):
    out = evaluate_cli({
        "settings": {"pending_limit": "section_16_4"}, "as_of": "2026-12-05",
        "records": [rec("old", 7000, "2025-10-10", "102025", boe_date="2025-10-07"),
                    rec("new", 5000, "2026-04-06", "042026", boe_date="2026-04-03")],
        "actions": [act("old", "P", "2025-11-05", "dispute"), act("old", "A", "2026-12-01"),
                    act("new", "P", "2026-05-05", "QC")]}, tmp_path)
    r = by_id(out)
    assert r["old"]["status"] == "time_barred" and r["old"]["itc"] is None
    assert [m["code"] for m in r["old"]["messages"]] == ["TIME_BARRED"]
    assert r["new"]["status"] == "pending"     # its deadline is 30-11-2027
    assert all(p["gstr3b"]["4A1"]["igst"] == 0 for p in out["periods"].values())


def test_one_period_pending_limit(tmp_path):
    def run(as_of):
        return evaluate_cli({
            "settings": {"pending_limit": "one_period"}, "as_of": as_of,
            "records": [rec("r1", 18000, "2025-10-06", "102025")],
            "actions": [act("r1", "Keep Pending", "2025-11-10", "in bonded warehouse")]},
            tmp_path)
    # 20-12-2025 is November's 3B due date: November is still open, the Pending holds
    on_due = run("2025-12-20")
    r1 = on_due["records"][0]
    assert r1["status"] == "pending" and r1["itc"] is None
    assert [m["code"] for m in r1["messages"]] == ["PENDING_LIMIT"]
    assert on_due["periods"]["112025"]["gstr3b"]["4A1"]["igst"] == 0
    out = run("2025-12-21")
    r1 = out["records"][0]
    assert r1["history"] == [{"period": "102025", "status": "pending"},
                             {"period": "112025", "status": "deemed_accepted"}]
    assert r1["itc_period"] == "112025"
    assert [m["code"] for m in r1["messages"]] == ["PENDING_LIMIT"]
    assert out["periods"]["112025"]["gstr3b"]["4A1"]["igst"] == 18000

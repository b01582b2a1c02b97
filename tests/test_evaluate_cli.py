"""``ims-xl evaluate``: bad input gives exit 2, a message naming the field, nothing on stdout."""

from __future__ import annotations

import copy
import json

import pytest

from conftest import GSTIN, run_cli
from test_worked_examples import BASE


def _run(tmp_path, data=None, text=None):
    path = tmp_path / "s.json"
    path.write_text(text if text is not None else json.dumps(data), encoding="utf-8")
    return run_cli("evaluate", str(path))


def _mutated(fn):
    s = copy.deepcopy(BASE)
    fn(s)
    return s


BAD = {
    "not json": (None, "{records: [", "not valid JSON"),
    "a list": ([], None, "expected a JSON object"),
    "no records": ({"settings": {}}, None, "records: required field is missing"),
    "no id": (_mutated(lambda s: s["records"][0].pop("id")), None, "records[0].id"),
    "repeated id": (_mutated(lambda s: s["records"].append(copy.deepcopy(s["records"][0]))),
                    None, "repeats"),
    "unknown section": (_mutated(lambda s: s["records"][0].update(section="B2B")), None,
                        "records[0].section"),
    "impossible date": (_mutated(lambda s: s["records"][0].update(boe_date="31-02-2025")),
                        None, "records[0].boe_date"),
    "missing ref date": (_mutated(lambda s: s["records"][0].pop("ref_date")), None,
                         "records[0].ref_date"),
    "bad period": (_mutated(lambda s: s["records"][0].update(period="2025-10")), None,
                   "records[0].period"),
    "bad filing": (_mutated(lambda s: s["settings"].update(filing="weekly")), None,
                   "settings.filing"),
    "bad pending limit": (_mutated(lambda s: s["settings"].update(pending_limit="forever")),
                          None, "settings.pending_limit"),
    "unknown setting": (_mutated(lambda s: s["settings"].update(pending_limt="none")), None,
                        "settings.pending_limt: unknown field"),
    "invalid gstin": (_mutated(lambda s: s["settings"].update(gstin="27AAPFU0939F1ZX")), None,
                      "settings.gstin"),
    "bad filed period": (_mutated(lambda s: s["settings"].update(filed_3b={"13-2025": "2025-11-20"})),
                         None, "settings.filed_3b"),
    "action on unknown record": (_mutated(lambda s: s["actions"][0].update(record="zz")), None,
                                 "actions[0].record"),
    "action without date": (_mutated(lambda s: s["actions"][0].pop("date")), None,
                            "actions[0].date"),
    "NaN": (None, '{"records": [], "as_of": NaN}', "NaN"),
    "bad reject policy": (_mutated(lambda s: s["settings"].update(reject_policy="refuse")),
                          None, "settings.reject_policy"),
    "bad ims start": (_mutated(lambda s: s["settings"].update(ims_start="2025-10")), None,
                      "settings.ims_start"),
    "ims start as a number": (_mutated(lambda s: s["settings"].update(ims_start=102025)), None,
                              "settings.ims_start"),
    "annual return year twice": (
        _mutated(lambda s: s["settings"].update(annual_return_filed={
            "2025-26": "2026-10-28", " 2025-26": "2026-10-29"})),
        None, "repeats"),
    "impossible ims start": (_mutated(lambda s: s["settings"].update(ims_start="132025")), None,
                             "settings.ims_start"),
    "annual return year not YYYY-YY": (
        _mutated(lambda s: s["settings"].update(annual_return_filed={"2025": "2026-10-28"})),
        None, "settings.annual_return_filed"),
    "annual return years not consecutive": (
        _mutated(lambda s: s["settings"].update(annual_return_filed={"2025-27": "2026-10-28"})),
        None, "'2025-27' is not a financial year"),
    "annual return impossible date": (
        _mutated(lambda s: s["settings"].update(annual_return_filed={"2025-26": "31-02-2026"})),
        None, "settings.annual_return_filed.2025-26"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_exits_2_with_a_named_field(tmp_path, name):
    data, text, expected = BAD[name]
    proc = _run(tmp_path, data, text)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_file_exits_2(tmp_path):
    proc = run_cli("evaluate", str(tmp_path / "nope.json"))
    assert proc.returncode == 2 and "no such file" in proc.stderr and proc.stdout == ""


def test_portal_problems_are_messages_not_bad_input(tmp_path):
    s = copy.deepcopy(BASE)
    s["records"][0].update(port_code="BAD", boe_number="2.57E+06", igst="abc",
                           importer_gstin="01AABCE2207R1Z5")
    proc = _run(tmp_path, s)
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(proc.stdout)["records"][0]
    # 2.0: an importer GSTIN other than the settings GSTIN is GSTIN_OTHER (an error; the
    # version is left out of every figure), valid or not
    assert [m["code"] for m in rec["messages"]] == [
        "PORT_CODE_INVALID", "BOE_NUMBER_INVALID", "GSTIN_INVALID", "AMOUNT_INVALID",
        "GSTIN_OTHER"]
    assert rec["status"] == "other_gstin" and rec["itc"] is None and rec["history"] == []


def test_output_file_and_stdin(tmp_path):
    out = tmp_path / "result.json"
    proc = run_cli("evaluate", "-", "-o", str(out), stdin=json.dumps(BASE))
    assert proc.returncode == 0 and proc.stdout == ""
    assert json.loads(out.read_text())["records"][0]["status"] == "accepted"


def test_dd_mm_yyyy_dates_and_defaults(tmp_path):
    s = {"as_of": "15-11-2025", "records": [{
        "id": 7, "section": "impg", "port_code": "INNSA1", "boe_number": 2566282.0,
        "boe_date": "03-10-2025", "ref_date": "06-10-2025", "igst": "1,23,456.78"}]}
    proc = _run(tmp_path, s)
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(proc.stdout)["records"][0]
    assert rec["id"] == "7" and rec["status"] == "deemed_accepted"
    assert rec["itc"]["igst"] == 123456.78 and rec["itc_period"] == "102025"


def test_decimal_amounts_are_exact(tmp_path):
    s = copy.deepcopy(BASE)
    s["records"][0]["igst"] = 0.1
    s["records"][0]["cess"] = 0.2
    s["records"].append(dict(copy.deepcopy(s["records"][0]), id="r2", boe_number="1234567",
                             igst=0.2, cess=0.1))
    s["actions"] += [{"record": "r2", "action": "P", "date": "2025-11-10", "remark": "QC"},
                     {"record": "r2", "action": "A", "date": "2025-12-05"}]
    text = _run(tmp_path, s).stdout
    nov = json.loads(text)["periods"]["112025"]
    assert '"igst": 0.30' in text
    assert nov["gstr3b"]["4A1"] == {"igst": 0.3, "cess": 0.3}


def test_settings_default_to_rules_2_0(tmp_path):
    # no settings at all: reject policy block, IMS from October 2025, no GSTIN
    s = {"as_of": "2025-11-15", "records": [
        dict(copy.deepcopy(BASE["records"][0]), id="oct"),
        dict(copy.deepcopy(BASE["records"][0]), id="sep", boe_number="1234567",
             boe_date="2025-09-03", ref_date="2025-09-06", period="092025")],
         "actions": [{"record": "oct", "action": "R", "date": "2025-11-05", "remark": "x"},
                     {"record": "sep", "action": "P", "date": "2025-10-05", "remark": "x"}]}
    proc = _run(tmp_path, s)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    oct_, sep = out["records"]
    assert [m["code"] for m in oct_["messages"]] == ["REJECT_BLOCKED"]
    assert oct_["status"] == "deemed_accepted"
    assert [m["code"] for m in sep["messages"]] == ["ACTION_BEFORE_IMS"]
    assert sep["status"] == "deemed_accepted" and sep["itc_period"] == "092025"
    assert out["rules_version"] == "2.0"


def test_gstin_lowercase_is_accepted(tmp_path):
    s = copy.deepcopy(BASE)
    s["settings"]["gstin"] = GSTIN.lower()
    assert _run(tmp_path, s).returncode == 0

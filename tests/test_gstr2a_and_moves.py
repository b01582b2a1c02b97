"""GSTR-2A beside GSTR-2B, and a GSTIN amendment read from a download (rules 2.0)."""

from __future__ import annotations

import json

from ims_xl.io.gstr2b_json import load_gstr2b_json

GSTIN = "27AAPFU0939F1ZV"
GUJARAT = "24AAUPV7468F1ZW"
ROW = {"refdt": "21-10-2025", "portcode": "INNSA1", "boenum": "2566101", "boedt": "18-10-2025",
       "isamd": "N", "txval": 1000.00, "igst": 180.00, "cess": 0}


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps({"data": data}), encoding="utf-8")
    return path


def test_a_gstr2b_is_not_a_complete_list_and_a_gstr2a_is(tmp_path):
    b = _write(tmp_path, "b.json", {"gstin": GSTIN, "rtnprd": "102025", "gendt": "14-11-2025",
                                     "docdata": {"impg": [ROW]}})
    a = _write(tmp_path, "a.json", {"gstin": GSTIN, "fp": "102025", "impg": [ROW]})
    got = load_gstr2b_json([b, a])
    assert [(f.file, f.complete) for f in got.files] == [("b.json", False), ("a.json", True)]
    assert [r.source for r in got.records] == ["gstr2b:b.json", "gstr2a:a.json"]


def test_a_rows_own_gstin_is_its_importer_gstin(tmp_path):
    moved = dict(ROW, isamd="Y", refdt="25-11-2025", gstin=GUJARAT)
    path = _write(tmp_path, "a.json", {"gstin": GSTIN, "fp": "112025",
                                       "impg": [ROW, moved]})
    got = load_gstr2b_json(path)
    assert [(r.amendment, r.importer_gstin) for r in got.records] == [(False, GSTIN),
                                                                      (True, GUJARAT)]

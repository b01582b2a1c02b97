"""Exports: IMS actions (JSON and CSV), the GSTR-3B Table 4 fragment, the reconciliation CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest

from ims_xl.exports import (ACTIONS_CSV_COLUMNS, ACTIONS_FORMAT, RECONCILIATION_COLUMNS,
                            actions_sidecar_path, actions_to_export, build_actions_payload,
                            changed_actions, left_out_summary,
                            dumps_exact, export_actions_csv, export_actions_json,
                            export_gstr3b_json, export_reconciliation_csv, gstr3b_table4,
                            load_actions_json)
from ims_xl.match import MatchStatus, match_boes
from ims_xl.models import (Action, ActionCode, BoeVersion, BookLine, Bucket, Heads,
                           PendingLimit, PeriodFigures, RejectPolicy, Section, Settings)
from ims_xl.periods import Period
from ims_xl.problems import InputError

GSTIN = "27AAPFU0939F1ZV"
SEZ = "24AAUPV7468F1ZW"
A, R, P, N = ActionCode.ACCEPT, ActionCode.REJECT, ActionCode.PENDING, ActionCode.NO_ACTION
FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3",
            "@SUM(A1:A9)"]


def version(rid, *, section=Section.IMPG, amendment=False, port="INNSA1", number="2566282",
            boe_date=date(2025, 10, 3), ref_date=date(2025, 10, 6), igst="18000", supplier=""):
    return BoeVersion(id=rid, section=section, amendment=amendment, port_code=port,
                      boe_number=number, boe_date=boe_date, ref_date=ref_date,
                      period=Period.parse("102025"), igst=Decimal(igst),
                      supplier_gstin=supplier)


RECORDS = [
    version("r1", number="0012345"),
    version("r2", amendment=True, ref_date=date(2025, 11, 4)),
    version("r3", section=Section.IMPGSEZ, port="INSEZ6", number="7654321", supplier=SEZ),
    version("r4", section=Section.IMPGSEZ, amendment=True, port="INSEZ6", number="7654321",
            ref_date=date(2025, 11, 9), supplier=SEZ),
    version("r5", number="1111111"),
    version("r6", number="2222222"),
]


def figures(igst, cess, period="112025"):
    return PeriodFigures(period=Period.parse(period), state="open", gstr2b={},
                         net=Heads(Decimal(igst), Decimal(cess)), pending=Bucket(),
                         rejected=Bucket())


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for Excel
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


# --- IMS actions JSON -------------------------------------------------------------------------


def test_actions_payload_shape_and_only_changed():
    current = {"r1": A, "r2": "P", "r3": R, "r4": A, "r5": A, "r6": N}
    baseline = {"r5": A, "r6": P}   # r5 unchanged; r6 reset to no action
    payload = build_actions_payload(RECORDS, current, baseline, gstin=GSTIN.lower())
    assert payload == {
        "action": "SAVE",
        "data": {"rtin": GSTIN, "reqtyp": "SAVE", "invdata": {
            "impg": [
                {"portcode": "INNSA1", "boenum": "0012345", "boedt": "03-10-2025",
                 "refdt": "06-10-2025", "isamd": "N", "action": "A"},
                {"portcode": "INNSA1", "boenum": "2222222", "boedt": "03-10-2025",
                 "refdt": "06-10-2025", "isamd": "N", "action": "N"}],
            "impga": [
                {"portcode": "INNSA1", "boenum": "2566282", "boedt": "03-10-2025",
                 "refdt": "04-11-2025", "isamd": "Y", "action": "P"}],
            "impgsez": [
                {"ctin": SEZ, "portcode": "INSEZ6", "boenum": "7654321", "boedt": "03-10-2025",
                 "refdt": "06-10-2025", "isamd": "N", "action": "R"}],
            "impgseza": [
                {"ctin": SEZ, "portcode": "INSEZ6", "boenum": "7654321", "boedt": "03-10-2025",
                 "refdt": "09-11-2025", "isamd": "Y", "action": "A"}],
        }}}


def test_default_baseline_is_no_action_and_missing_current_is_unchanged():
    changes = changed_actions(RECORDS, {"r1": N, "r2": A, "r3": None})
    assert [(c.record.id, c.action, c.previous) for c in changes] == [("r2", A, N)]
    payload = build_actions_payload(RECORDS, {}, None, gstin=GSTIN)
    assert all(rows == [] for rows in payload["data"]["invdata"].values())


def test_actions_json_round_trip(tmp_path):
    current = {"r1": A, "r2": P, "r3": R, "r4": A, "r5": P, "r6": N}
    baseline = {"r5": P, "r6": A}
    path = tmp_path / "actions.json"
    payload = export_actions_json(path, RECORDS, current, baseline, gstin=GSTIN)
    assert json.loads(path.read_text(encoding="utf-8")) == payload
    assert "format" not in payload  # the payload stays sendable as it is
    meta = json.loads(actions_sidecar_path(path).read_text(encoding="utf-8"))
    assert meta["format"] == ACTIONS_FORMAT == "ims-xl/ims-actions@1"
    assert meta["counts"] == {"impg": 2, "impga": 1, "impgsez": 1, "impgseza": 1}

    loaded = load_actions_json(path)
    assert loaded.gstin == GSTIN and loaded.format == ACTIONS_FORMAT
    expected = {rid: code for rid, code in current.items() if code != baseline.get(rid, N)}
    assert loaded.for_records(RECORDS) == expected
    assert loaded.unmatched(RECORDS) == []
    assert [r.action for r in loaded.rows] == [A, N, P, R, A]


def test_round_trip_with_duplicate_records_pairs_in_order(tmp_path):
    records = [version("a"), version("b")]  # same BoE, amendment flag and reference date
    path = tmp_path / "dup.json"
    export_actions_json(path, records, {"a": A, "b": R}, gstin=GSTIN)
    assert load_actions_json(path).for_records(records) == {"a": A, "b": R}


def test_load_rejects_unknown_format_version(tmp_path):
    path = tmp_path / "actions.json"
    export_actions_json(path, RECORDS, {"r1": A}, gstin=GSTIN)
    actions_sidecar_path(path).write_text('{"format": "ims-xl/ims-actions@2"}', encoding="utf-8")
    with pytest.raises(InputError, match="version"):
        load_actions_json(path)


def test_load_without_sidecar_and_bad_shapes(tmp_path):
    path = tmp_path / "a.json"
    export_actions_json(path, RECORDS, {"r1": A}, gstin=GSTIN, sidecar=False)
    assert not actions_sidecar_path(path).exists()
    assert load_actions_json(path).for_records(RECORDS) == {"r1": A}
    bad = tmp_path / "bad.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["data"]["invdata"]["impg"][0]["action"] = "X"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match=r"invdata\.impg\[0\]\.action"):
        load_actions_json(bad)
    bad.write_text("not json", encoding="utf-8")
    with pytest.raises(InputError, match="not JSON"):
        load_actions_json(bad)


# --- IMS actions CSV --------------------------------------------------------------------------


def test_actions_csv(tmp_path):
    path = tmp_path / "actions.csv"
    n = export_actions_csv(path, RECORDS, {"r1": A, "r3": R, "r5": P}, {"r5": P},
                           remarks={"r3": "belongs to another GSTIN"})
    assert n == 2
    rows = read_csv(path)
    assert rows[0] == list(ACTIONS_CSV_COLUMNS)
    assert rows[1] == ["r1", "IMPG", "INNSA1", "0012345", "03-10-2025", "06-10-2025", "N", "",
                       "Accept", "A", "N", ""]
    assert rows[2] == ["r3", "IMPGSEZ", "INSEZ6", "7654321", "03-10-2025", "06-10-2025", "N",
                       SEZ, "Reject", "R", "N", "belongs to another GSTIN"]


def test_actions_csv_neutralises_formulas(tmp_path):
    records = [version(text, number="1234567") for text in FORMULAS]
    path = tmp_path / "actions.csv"
    export_actions_csv(path, records, {t: A for t in FORMULAS},
                       remarks={t: t for t in FORMULAS})
    rows = read_csv(path)[1:]
    assert [row[0] for row in rows] == ["'" + t for t in FORMULAS]
    assert [row[-1] for row in rows] == ["'" + t for t in FORMULAS]


# --- GSTR-3B Table 4 --------------------------------------------------------------------------


def test_gstr3b_fragment_shape():
    frag = gstr3b_table4(figures("15000", "250.5"), gstin=GSTIN)
    assert frag == {"gstin": GSTIN, "ret_period": "112025", "itc_elg": {
        "itc_avl": [{"ty": "IMPG", "iamt": Decimal("15000.00"), "camt": Decimal("0.00"),
                     "samt": Decimal("0.00"), "csamt": Decimal("250.50")}],
        "itc_rev": [{"ty": "OTH", "iamt": Decimal("0.00"), "camt": Decimal("0.00"),
                     "samt": Decimal("0.00"), "csamt": Decimal("0.00")}]}}


def test_gstr3b_negative_net_goes_to_reversal_per_head():
    frag = gstr3b_table4(figures("-3000", "120"), gstin=GSTIN)
    assert frag["itc_elg"]["itc_avl"][0]["iamt"] == Decimal("0.00")
    assert frag["itc_elg"]["itc_avl"][0]["csamt"] == Decimal("120.00")
    assert frag["itc_elg"]["itc_rev"][0]["iamt"] == Decimal("3000.00")
    assert frag["itc_elg"]["itc_rev"][0]["csamt"] == Decimal("0.00")


def test_gstr3b_json_is_decimal_exact(tmp_path):
    path = tmp_path / "3b.json"
    # 0.1 + 0.2 as exact decimals; as floats it would be 0.30000000000000004
    igst = Decimal("0.1") + Decimal("0.2")
    export_gstr3b_json(path, figures(igst, Decimal("2.345")), gstin=GSTIN)
    text = path.read_text(encoding="utf-8")
    assert '"iamt": 0.30' in text
    assert '"csamt": 2.35' in text        # half up, not half even (2.34)
    assert "0.30000000000000004" not in text
    assert re.search(r"[0-9][eE][+-]?[0-9]", text) is None  # no exponent notation
    doc = json.loads(text, parse_float=Decimal)
    assert doc["itc_elg"]["itc_avl"][0]["iamt"] == Decimal("0.30")
    assert doc["ret_period"] == "112025"


def test_gstr3b_large_amounts_and_half_up():
    frag = gstr3b_table4(figures("98765432109.125", "0.005"), gstin=GSTIN)
    text = dumps_exact(frag, indent=None)
    assert '"iamt": 98765432109.13' in text
    assert '"csamt": 0.01' in text
    assert dumps_exact({"x": Decimal("-0.00")}, indent=None) == '{"x": 0.00}'
    assert dumps_exact({"x": Decimal("1E+3")}, indent=None) == '{"x": 1000}'
    with pytest.raises(TypeError):
        dumps_exact({"x": 0.1})


# --- reconciliation CSV -----------------------------------------------------------------------


def test_reconciliation_csv_content(tmp_path):
    ims = [version("r1", igst="18000"), version("r2", number="3333333", igst="500")]
    books = [BookLine("INNSA1", "2566282", date(2025, 10, 3), taxable_value=Decimal("90000"),
                      igst=Decimal("18000.40"), voucher="PI-1", file="books.xlsx", row=2),
             BookLine("INNSA1", "4444444", date(2025, 10, 5), igst=Decimal("0.1") + Decimal("0.2"),
                      file="books.xlsx", row=3)]
    results = match_boes(ims, books, gstin=GSTIN)
    path = tmp_path / "recon.csv"
    assert export_reconciliation_csv(path, results) == 3
    rows = read_csv(path)
    assert rows[0] == list(RECONCILIATION_COLUMNS)
    head = {name: i for i, name in enumerate(RECONCILIATION_COLUMNS)}
    first, second, third = rows[1:]
    assert first[head["Status"]] == "Matched"
    assert first[head["Suggested Action"]] == "Accept"
    assert first[head["IMS IGST"]] == "18000.00" and first[head["Books IGST"]] == "18000.40"
    assert first[head["BoE List IGST"]] == ""
    assert first[head["Books Taxable Value"]] == "90000.00"
    assert "Taxable value: IMS 0.00, books 90,000.00" in first[head["Differences"]]
    assert first[head["Book Rows"]] == "books.xlsx row 2"
    assert first[head["Record IDs"]] == "r1"
    assert second[head["Status"]] == "Not in books"
    assert second[head["Suggested Action"]] == "Keep Pending"
    assert third[head["Status"]] == "Not in IMS" and third[head["Suggested Action"]] == ""
    assert third[head["Books IGST"]] == "0.30" and third[head["IMS IGST"]] == ""
    assert third[head["BoE Date"]] == "05-10-2025"


def test_reconciliation_csv_neutralises_formulas(tmp_path):
    ims = [version(FORMULAS[0], port=FORMULAS[3])]
    books = [BookLine("INNSA1", FORMULAS[2], date(2025, 10, 3), voucher=FORMULAS[1],
                      file=FORMULAS[1], row=4)]
    results = match_boes(ims, books)
    assert [r.status for r in results] == [MatchStatus.NOT_IN_BOOKS, MatchStatus.NOT_IN_IMS]
    path = tmp_path / "recon.csv"
    export_reconciliation_csv(path, results)
    rows = read_csv(path)[1:]
    head = {name: i for i, name in enumerate(RECONCILIATION_COLUMNS)}
    assert rows[0][head["Record IDs"]] == "'" + FORMULAS[0]
    assert rows[0][head["Port Code"]] == "'" + FORMULAS[3].upper()
    assert rows[1][head["BoE Number"]] == "'" + FORMULAS[2]
    assert rows[1][head["Book Rows"]] == "'" + FORMULAS[1] + " row 4"
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell
            # a minus sign may start only our own numbers
            if cell.startswith("-"):
                Decimal(cell)


# --- atomic writes ----------------------------------------------------------------------------


def test_failed_reconciliation_export_leaves_old_file(tmp_path):
    path = tmp_path / "recon.csv"
    path.write_bytes(b"old report\n")
    good = match_boes([version("r1")], [])

    def results():
        yield from good
        raise RuntimeError("disk full")   # fails midway, after a row was written

    with pytest.raises(RuntimeError, match="disk full"):
        export_reconciliation_csv(path, results())
    assert path.read_bytes() == b"old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recon.csv"]  # no temp file left


def test_failed_actions_csv_export_leaves_old_file(tmp_path):
    path = tmp_path / "actions.csv"
    path.write_text("previous actions\n", encoding="utf-8")

    class Boom(dict):
        def get(self, key, default=None):
            raise RuntimeError("remark source failed")

    with pytest.raises(RuntimeError):
        export_actions_csv(path, RECORDS, {"r1": A, "r2": P}, remarks=Boom(x=1))
    assert path.read_text(encoding="utf-8") == "previous actions\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["actions.csv"]


def test_failed_json_exports_leave_old_files(tmp_path, monkeypatch):
    import ims_xl.atomic

    three_b, actions = tmp_path / "3b.json", tmp_path / "actions.json"
    three_b.write_text('{"old": true}', encoding="utf-8")
    actions.write_text('{"old": "actions"}', encoding="utf-8")

    def crash(fd):  # the new bytes are in the temporary file; the disk then fails
        raise OSError("device lost")

    monkeypatch.setattr(ims_xl.atomic.os, "fsync", crash)
    with pytest.raises(OSError, match="device lost"):
        export_gstr3b_json(three_b, figures("100", "0"), gstin=GSTIN)
    with pytest.raises(OSError, match="device lost"):
        export_actions_json(actions, RECORDS, {"r1": A}, gstin=GSTIN)
    assert three_b.read_text(encoding="utf-8") == '{"old": true}'
    assert actions.read_text(encoding="utf-8") == '{"old": "actions"}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["3b.json", "actions.json"]


def test_nan_amount_is_refused_before_writing(tmp_path):
    path = tmp_path / "3b.json"
    with pytest.raises(ArithmeticError):
        export_gstr3b_json(path, figures(Decimal("NaN"), "0"), gstin=GSTIN)
    assert not path.exists()


# --- only the actions the rules honour (issue 10, item 3) ------------------------------------


def _act(rid, code, day, remark="", seq=0):
    return Action(record_id=rid, code=code, date=day, remark=remark, raw=code.label if code
                  else "?", seq=seq)


def test_only_the_latest_action_is_judged_by_the_messages_it_brings():
    # an earlier Reject without a remark (REJECT_NEEDS_REMARK) does not taint the later one
    warn = Settings(gstin=GSTIN, reject_policy=RejectPolicy.WARN)
    r1 = [version("r1")]
    acts = [_act("r1", R, date(2025, 11, 5), seq=0),
            _act("r1", R, date(2025, 11, 6), "not our goods", seq=1)]
    chosen = actions_to_export(r1, acts, warn, date(2025, 11, 10), Period(2025, 10))
    assert chosen.current == {"r1": R} and chosen.remarks == {"r1": "not our goods"}
    assert chosen.left_out == []
    # ... and the other way round: the latest lacks the remark, so it is left out
    acts = [_act("r1", R, date(2025, 11, 5), "not our goods", seq=0),
            _act("r1", R, date(2025, 11, 6), seq=1)]
    chosen = actions_to_export(r1, acts, warn, date(2025, 11, 10), Period(2025, 10))
    assert chosen.current == {}
    [left] = chosen.left_out
    assert left.message.code == "REJECT_NEEDS_REMARK" and left.action.seq == 1
    assert left_out_summary(chosen.left_out) == ("1 left out, as the rules ignore them: "
                                                 "1 Reject without a remark")


def test_an_action_on_a_superseded_version_is_left_out():
    original = version("r1")
    amended = BoeVersion(id="r2", section=Section.IMPG, amendment=True, port_code="INNSA1",
                         boe_number="2566282", boe_date=date(2025, 10, 3),
                         ref_date=date(2025, 11, 4), period=Period(2025, 11),
                         igst=Decimal("20000"))
    acts = [_act("r1", P, date(2025, 11, 5), "bonded warehouse", seq=0),
            _act("r1", A, date(2025, 12, 1), seq=1), _act("r2", A, date(2025, 12, 2), seq=2)]
    settings = Settings(gstin=GSTIN)
    chosen = actions_to_export([original, amended], acts, settings, date(2025, 12, 5),
                               Period(2025, 11))
    assert [v.id for v in chosen.records] == ["r1", "r2"]
    assert chosen.current == {"r2": A}
    assert [(x.record.id, x.message.code) for x in chosen.left_out] == [
        ("r1", "ACTION_ON_SUPERSEDED")]
    assert "on a version amended since (act on the amendment)" in \
        left_out_summary(chosen.left_out)


def test_on_a_time_barred_boe_the_keep_pending_in_force_stays_and_a_later_accept_is_left_out():
    settings = Settings(gstin=GSTIN, pending_limit=PendingLimit.SECTION_16_4)
    barred_on = date(2026, 12, 5)  # after 30-11-2026, the limit for a BoE of 2025-26
    pending = [_act("r1", P, date(2025, 11, 5), "goods in bonded warehouse", seq=0)]
    chosen = actions_to_export([version("r1")], pending, settings, barred_on, Period(2025, 10))
    assert chosen.current == {"r1": P} and chosen.left_out == []
    late = pending + [_act("r1", A, date(2026, 12, 1), seq=1)]
    chosen = actions_to_export([version("r1")], late, settings, barred_on, Period(2025, 10))
    assert chosen.current == {}
    assert [x.reason for x in chosen.left_out] == ["on a time-barred BoE (section 16(4))"]


def test_reasons_are_grouped_and_counted_most_first():
    blocked = Settings(gstin=GSTIN)   # the default reject policy: block
    records = [version("r1"), version("r2", number="1111111"), version("r3", number="2222222"),
               version("r4", number="3333333")]
    acts = [_act("r1", R, date(2025, 11, 5), "x", seq=0), _act("r2", None, date(2025, 11, 5), seq=1),
            _act("r3", R, date(2025, 11, 5), "y", seq=2), _act("r4", A, date(2025, 11, 5), seq=3)]
    chosen = actions_to_export(records, acts, blocked, date(2025, 11, 10), Period(2025, 10))
    assert chosen.current == {"r4": A}
    assert left_out_summary(chosen.left_out) == (
        "3 left out, as the rules ignore them: 2 Rejects (the portal offers only Accept and "
        "Keep Pending for a BoE; reject_policy is block), 1 not an action word (Accept, Keep "
        "Pending or Reject)")

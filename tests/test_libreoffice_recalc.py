"""The GSTR-2B and GSTR-3B sheets' native formulas, recalculated by real LibreOffice, give
the same figures as ``ims-xl summary --json`` (the rules engine) for every period."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import GSTIN, run_cli
from lo_recalc import recalculate
from workbook_helpers import demo_workbook, table_rows

pytestmark = pytest.mark.libreoffice
SECTIONS = ("IMPG", "IMPGA", "IMPGSEZ", "IMPGSEZA")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo workbook under reject policy warn, chosen in its Settings: the demo's
    accountant rejected a BoE in November, and the sheets' Rejected figures must be compared
    with a real Reject (under the default block of rules 2.0 there is none)."""
    from ims_xl.workbook.openpyxl_book import OpenpyxlBook

    path = demo_workbook(tmp_path_factory.mktemp("lo-demo"))
    book = OpenpyxlBook(path, quiet=True)
    book.write_name("IMS_REJECT_POLICY", "warn")
    book.save()
    proc = run_cli("recompute", str(path))
    assert proc.returncode == 0, proc.stderr
    return path


def _summary(path, period):
    proc = run_cli("summary", str(path), "--period", period, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _close(a, b):
    return a == pytest.approx(float(b), abs=0.005)


def test_all_periods_table_equals_summary(demo, libreoffice, tmp_path):
    recalculated = recalculate(libreoffice, demo, tmp_path / "out")
    ws = load_workbook(recalculated, data_only=True)["GSTR-3B"]
    rows = [r for r in ws.iter_rows(min_row=15, max_col=11, values_only=True) if r[0]]
    assert [r[0] for r in rows] == ["102025", "112025", "122025"]
    for period, a_igst, a_cess, b_igst, b_cess, p_n, p_igst, p_cess, r_n, r_igst, r_cess in rows:
        s = _summary(demo, period)
        assert _close(a_igst, s["gstr3b"]["4A1"]["igst"]) and _close(a_cess, s["gstr3b"]["4A1"]["cess"])
        assert _close(b_igst, s["gstr3b"]["4B2"]["igst"]) and _close(b_cess, s["gstr3b"]["4B2"]["cess"])
        assert p_n == s["pending"]["count"] and _close(p_igst, s["pending"]["igst"])
        assert _close(p_cess, s["pending"]["cess"])
        assert r_n == s["rejected"]["count"] and _close(r_igst, s["rejected"]["igst"])
        assert _close(r_cess, s["rejected"]["cess"])
    # the demo has real figures to compare, not zeros everywhere
    # (no Rejected figure: the demo follows the portal, which offers no Reject on a BoE)
    assert rows[1][1] > 2_500_000 and rows[0][5] == 2 and rows[1][5] == 2


def _recalculated_for(book, period: str, libreoffice, tmp_path):
    """The workbook with ``period`` chosen on the GSTR-2B sheet, recalculated by LibreOffice,
    and ``ims-xl summary``'s figures for that period."""
    chosen = tmp_path / f"{book.stem}-{period}.xlsx"
    wb = load_workbook(book)
    wb["GSTR-2B"]["B3"].value = period
    wb.save(chosen)
    recalculated = load_workbook(recalculate(libreoffice, chosen, tmp_path / "out"),
                                 data_only=True)
    return recalculated, _summary(book, period)


def _assert_gstr2b_sections(g2b, s) -> None:
    for row, section in enumerate(SECTIONS, start=6):
        count, taxable, igst, cess = (g2b.cell(row, c).value for c in range(2, 6))
        expected = s["gstr2b"][section]
        assert count == expected["count"], section
        assert _close(taxable, expected["taxable_value"]), section
        assert _close(igst, expected["igst"]) and _close(cess, expected["cess"]), section


@pytest.mark.parametrize("period", ["102025", "112025"])
def test_period_selector_sheets_equal_summary(demo, libreoffice, tmp_path, period):
    wb, s = _recalculated_for(demo, period, libreoffice, tmp_path)
    g2b = wb["GSTR-2B"]
    _assert_gstr2b_sections(g2b, s)
    assert g2b["B13"].value == s["rejected"]["count"] and _close(g2b["D13"].value, s["rejected"]["igst"])
    assert g2b["B14"].value == s["pending"]["count"] and _close(g2b["D14"].value, s["pending"]["igst"])
    g3b = wb["GSTR-3B"]
    names = {n: wb.defined_names[n].attr_text for n in ("IMS_3B_4A1_IGST", "IMS_3B_4A1_CESS",
                                                        "IMS_3B_4B2_IGST", "IMS_3B_4B2_CESS")}
    cell = lambda name: g3b[names[name].split("!")[1].replace("$", "")].value  # noqa: E731
    assert _close(cell("IMS_3B_4A1_IGST"), s["gstr3b"]["4A1"]["igst"])
    assert _close(cell("IMS_3B_4A1_CESS"), s["gstr3b"]["4A1"]["cess"])
    assert _close(cell("IMS_3B_4B2_IGST"), s["gstr3b"]["4B2"]["igst"])
    assert _close(cell("IMS_3B_4B2_CESS"), s["gstr3b"]["4B2"]["cess"])
    start = wb["Start"]
    months = {"102025": "October 2025", "112025": "November 2025"}
    assert start["B4"].value == f"{months[period]} ({period})"   # the period in words


def test_negative_differential_reaches_4b2_in_libreoffice(libreoffice, tmp_path):
    from ims_xl.demo import demo_data_dir
    data = demo_data_dir()
    oct_ = json.loads((data / "gstr2b_102025.json").read_text())
    first = oct_["data"]["docdata"]["impg"][0]
    dec = {"data": {"gstin": oct_["data"]["gstin"], "rtnprd": "122025", "gendt": "14-01-2026",
                    "docdata": {"impga": [dict(first, isamd="Y", refdt="05-12-2025",
                                               igst=round(first["igst"] - 1000, 2))]}}}
    dec_file = tmp_path / "dec.json"
    dec_file.write_text(json.dumps(dec))
    book = tmp_path / "neg.xlsx"
    for args in (("template", str(book), "--gstin", oct_["data"]["gstin"]),
                 ("load", str(book), "--gstr2b", str(data / "gstr2b_102025.json"), str(dec_file)),
                 ("recompute", str(book), "--as-of", "2026-01-16")):
        proc = run_cli(*args)
        assert proc.returncode == 0, proc.stderr
    s = _summary(book, "122025")
    assert s["gstr3b"]["4B2"]["igst"] == 1000 and s["gstr3b"]["4A1"]["igst"] == 0
    ws = load_workbook(recalculate(libreoffice, book, tmp_path / "out"), data_only=True)["GSTR-3B"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=15, max_col=11, values_only=True) if r[0]}
    assert _close(rows["122025"][3], 1000) and rows["122025"][1] == 0
    assert _close(rows["102025"][1], _summary(book, "102025")["gstr3b"]["4A1"]["igst"])


# --- rules 2.0: a BoE customs moved to another GSTIN, and a BoE of another GSTIN ---------------

OTHER = "24AAUPV7468F1ZW"


def _moved_workbook(folder):
    """Typed rows of rules 2.0's hard cases, recomputed by the command line (as of 15-01-2026,
    December's GSTR-2B generated, its 3B not filed; reject policy warn so that a moved version
    can be rejected):

    - 2566282: credited in October, moved to another GSTIN in December (deemed accepted):
      IMPGA count 1, taxable value 0, IGST and cess reversed into 4(B)(2);
    - 2570001: another GSTIN's BoE: Other GSTIN, in no figure;
    - 2590001 (SEZ): moved in December and kept pending: pending count 1, amounts 0;
    - 2600001: moved in December and rejected: rejected count 1, amounts 0;
    - 2610001: an ordinary Reject in November: rejected with its IGST;
    - 2580001: an ordinary BoE credited in December.
    """
    from ims_xl.workbook.layout import BOE
    from ims_xl.workbook.openpyxl_book import OpenpyxlBook

    def row(section, amended, port, number, boe, ref, period, igst, cess, importer="",
            action=None, acted=None, remark=None):
        return {"Section": section, "Amendment": "Yes" if amended else "No", "Port Code": port,
                "BoE No": number, "BoE Date": boe, "Reference Date": ref, "Period": period,
                "Taxable Value": Decimal(igst) * 5 + 1, "IGST": Decimal(igst),
                "Cess": Decimal(cess), "Importer GSTIN": importer, "Action": action,
                "Action Date": acted, "Remark": remark}

    d = date
    rows = [
        row("IMPG", False, "INNSA1", "2566282", d(2025, 10, 3), d(2025, 10, 6), "102025", "18000", "1000"),
        row("IMPG", True, "INNSA1", "2566282", d(2025, 10, 3), d(2025, 12, 5), "122025", "18000", "1000", OTHER),
        row("IMPG", False, "INMAA1", "2570001", d(2025, 11, 10), d(2025, 11, 12), "112025", "9000", "0", "33ABBFR2298H1Z5"),
        row("IMPG", False, "INDEL4", "2580001", d(2025, 12, 8), d(2025, 12, 10), "122025", "5000", "250", GSTIN),
        row("IMPGSEZ", False, "INBOM4", "2590001", d(2025, 11, 3), d(2025, 11, 4), "112025", "3600", "0"),
        row("IMPGSEZ", True, "INBOM4", "2590001", d(2025, 11, 3), d(2025, 12, 9), "122025", "3600", "0", OTHER,
            "Keep Pending", d(2026, 1, 10), "waiting for customs"),
        row("IMPG", False, "INNSA1", "2600001", d(2025, 11, 5), d(2025, 11, 6), "112025", "7200", "100"),
        row("IMPG", True, "INNSA1", "2600001", d(2025, 11, 5), d(2025, 12, 12), "122025", "7200", "100", OTHER,
            "Reject", d(2026, 1, 10), "moved, not ours"),
        row("IMPG", False, "INCCU1", "2610001", d(2025, 11, 20), d(2025, 11, 21), "112025", "1800", "0", "",
            "Reject", d(2025, 12, 1), "damaged goods"),
    ]
    path = folder / "moved.xlsx"
    proc = run_cli("template", str(path), "--gstin", GSTIN)
    assert proc.returncode == 0, proc.stderr
    book = OpenpyxlBook(path, quiet=True)
    book.write_table(BOE, rows)
    book.write_name("IMS_AS_OF", date(2026, 1, 15))
    book.write_name("IMS_REJECT_POLICY", "warn")
    book.save()
    proc = run_cli("recompute", str(path))
    assert proc.returncode == 0, proc.stderr
    return path


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    return _moved_workbook(tmp_path_factory.mktemp("lo-moved"))


def test_moved_and_other_gstin_versions_as_the_engine_counts_them(moved):
    """The command line's own figures, which the sheets must equal (next test)."""
    statuses = {(r["BoE No"], r["Amendment"]): r["Status"] for r in table_rows(moved, "BoE")}
    assert statuses[("2570001", "No")] == "Other GSTIN"
    december = _summary(moved, "122025")
    assert december["gstr2b"]["IMPGA"] == {"count": 1, "taxable_value": 0.0, "igst": -18000.0,
                                           "cess": -1000.0}
    assert december["gstr3b"]["4B2"] == {"igst": 13000.0, "cess": 750.0}
    assert december["pending"] == {"count": 1, "igst": 0.0, "cess": 0.0}
    assert december["rejected"] == {"count": 1, "igst": 0.0, "cess": 0.0}
    november = _summary(moved, "112025")
    assert november["gstr2b"]["IMPG"]["count"] == 1   # 2600001 only: 2570001 is left out
    assert november["rejected"] == {"count": 1, "igst": 1800.0, "cess": 0.0}


@pytest.mark.parametrize("period", ["112025", "122025"])
def test_moved_and_other_gstin_sheets_equal_summary(moved, libreoffice, tmp_path, period):
    wb, s = _recalculated_for(moved, period, libreoffice, tmp_path)
    g2b = wb["GSTR-2B"]
    _assert_gstr2b_sections(g2b, s)
    for row, figure in ((13, "rejected"), (14, "pending")):
        assert g2b[f"B{row}"].value == s[figure]["count"], figure
        assert _close(g2b[f"D{row}"].value, s[figure]["igst"]), figure
        assert _close(g2b[f"E{row}"].value, s[figure]["cess"]), figure
    g3b = wb["GSTR-3B"]
    for ref, (table, head) in {"B6": ("4A1", "igst"), "E6": ("4A1", "cess"),
                               "B7": ("4B2", "igst"), "E7": ("4B2", "cess")}.items():
        assert _close(g3b[ref].value, s["gstr3b"][table][head]), ref
    rows = {r[0]: r for r in g3b.iter_rows(min_row=15, max_col=11, values_only=True) if r[0]}
    for code, row in rows.items():
        figures = _summary(moved, code)
        assert _close(row[3], figures["gstr3b"]["4B2"]["igst"]), code
        assert row[5] == figures["pending"]["count"] and _close(row[6], figures["pending"]["igst"])
        assert row[8] == figures["rejected"]["count"] and _close(row[9], figures["rejected"]["igst"])

"""What happens if nothing more is done (issue 14, item 7): the figures the portal will hold on
the period's GSTR-2B day (the 14th) if every BoE without an action is deemed accepted, beside
the figures as they stand. Worked examples computed by hand from rules.md (a monthly filer,
GSTIN state 27), through the real command line, and the GSTR-3B sheet's block recalculated by
LibreOffice against ``summary --json``."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import GSTIN, cli_ok
from lo_recalc import recalculate

HEADER = "Port Code,BoE No,BoE Date,Action,Date,Remark\n"


def _boe(number: str, boe_date: str, ref_date: str, igst: float, cess: float = 0.0,
         amended: bool = False) -> dict:
    return {"refdt": ref_date, "recdt": ref_date, "portcode": "INNSA1", "boenum": number,
            "boedt": boe_date, "isamd": "Y" if amended else "N", "txval": igst * 5,
            "igst": igst, "cess": cess}


def _gstr2b(tmp_path, period: str, impg: list[dict] = (), impga: list[dict] = ()):
    path = tmp_path / f"gstr2b_{period}.json"
    docs = {k: list(v) for k, v in (("impg", impg), ("impga", impga)) if v}
    path.write_text(json.dumps({"data": {"gstin": GSTIN, "rtnprd": period, "docdata": docs}}))
    return path


def _book(tmp_path, files: list, actions: str = "") -> object:
    book = tmp_path / "book.xlsx"
    cli_ok("template", book, "--gstin", GSTIN)
    args = ["load", book, "--gstr2b", *files]
    if actions:
        (tmp_path / "actions.csv").write_text(HEADER + actions)
        args += ["--actions", tmp_path / "actions.csv"]
    cli_ok(*args)
    return book


@pytest.fixture
def october(tmp_path):
    """October 2025: two BoEs without action (IGST 10,000 + cess 500, and IGST 20,000), one
    kept pending (IGST 40,000), one accepted (IGST 80,000 + cess 1,000); actions of 05-11-2025."""
    oct_ = _gstr2b(tmp_path, "102025", [
        _boe("2566001", "01-10-2025", "03-10-2025", 10000.0, 500.0),
        _boe("2566002", "02-10-2025", "04-10-2025", 20000.0),
        _boe("2566003", "03-10-2025", "05-10-2025", 40000.0),
        _boe("2566004", "04-10-2025", "06-10-2025", 80000.0, 1000.0)])
    return _book(tmp_path, [oct_], "INNSA1,2566003,03-10-2025,Keep Pending,05-11-2025,in transit\n"
                                   "INNSA1,2566004,04-10-2025,Accept,05-11-2025,\n")


def _summary(book, period: str, as_of: str) -> dict:
    return json.loads(cli_ok("summary", book, "--period", period, "--as-of", as_of,
                             "--json").stdout)


def _heads(figures: dict, table: str) -> tuple[Decimal, Decimal]:
    return (Decimal(str(figures["gstr3b"][table]["igst"])),
            Decimal(str(figures["gstr3b"][table]["cess"])))


def test_open_period_deems_only_the_boes_without_action(october):
    # 10-11-2025: October's GSTR-2B comes on 14-11-2025. As it stands only the Accept gives
    # credit; if nothing more is done the two BoEs without action are deemed accepted, the
    # Keep Pending stays pending: 80,000 + 10,000 + 20,000 IGST, 1,000 + 500 cess.
    s = _summary(october, "102025", "2025-11-10")
    assert _heads(s, "4A1") == (Decimal("80000"), Decimal("1000"))
    nm = s["if_nothing_more"]
    assert nm["period_open"] is True
    assert nm["gstr2b_date"] == nm["as_of"] == "2025-11-14"
    assert _heads(nm, "4A1") == (Decimal("110000"), Decimal("1500"))
    assert _heads(nm, "4B2") == (Decimal("0"), Decimal("0"))
    assert nm["gstr2b"]["IMPG"]["count"] == 3          # the Pending is not in GSTR-2B
    assert nm["pending"] == {"count": 1, "igst": 40000, "cess": 0}
    assert "state" not in nm


def test_open_period_text_stands_beside_the_figures_as_they_stand(october):
    out = cli_ok("summary", october, "--period", "102025", "--as-of", "2025-11-10").stdout
    lines = out.splitlines()
    assert "GSTR-3B 4(A)(1): IGST 80,000.00, cess 1,000.00" in lines
    start = lines.index("If nothing more is done by 14-11-2025 (GSTR-2B day: every BoE without "
                        "an action is deemed accepted; Keep Pending stays pending):")
    assert lines[start + 1:] == ["  GSTR-3B 4(A)(1): IGST 1,10,000.00, cess 1,500.00",
                                 "  GSTR-3B 4(B)(2): IGST 0.00, cess 0.00",
                                 "  Still pending: 1 (IGST 40,000.00, cess 0.00)"]


def test_closed_period_is_the_same_as_now(october):
    # 15-11-2025: GSTR-2B of October was generated on the 14th; nothing more to deem.
    s = _summary(october, "102025", "2025-11-15")
    nm = s["if_nothing_more"]
    assert nm["period_open"] is False
    assert nm["gstr2b_date"] == "2025-11-14" and nm["as_of"] == "2025-11-15"
    assert _heads(s, "4A1") == _heads(nm, "4A1") == (Decimal("110000"), Decimal("1500"))
    assert {k: nm[k] for k in ("gstr2b", "gstr3b", "pending", "rejected")} == \
        {k: s[k] for k in ("gstr2b", "gstr3b", "pending", "rejected")}
    out = cli_ok("summary", october, "--period", "102025", "--as-of", "2025-11-15").stdout
    assert out.splitlines()[-1] == ("GSTR-2B of 102025 was generated on 14-11-2025: nothing "
                                    "more is deemed accepted; the figures above are the ones "
                                    "it holds.")


def test_action_typed_after_the_as_of_date_is_not_assumed(tmp_path):
    # "Nothing more": an Accept dated 12-11-2025 is not yet taken on 10-11-2025, so on the 14th
    # the BoE is deemed accepted like any BoE without action; a Keep Pending dated 12-11-2025
    # likewise does not hold it back.
    oct_ = _gstr2b(tmp_path, "102025", [_boe("2566001", "01-10-2025", "03-10-2025", 10000.0)])
    book = _book(tmp_path, [oct_], "INNSA1,2566001,01-10-2025,Keep Pending,12-11-2025,later\n")
    nm = _summary(book, "102025", "2025-11-10")["if_nothing_more"]
    assert _heads(nm, "4A1") == (Decimal("10000"), Decimal("0"))
    assert nm["pending"]["count"] == 0


@pytest.mark.parametrize("amended_igst, table, expected", [
    (12000.0, "4A1", Decimal("2000")),    # rules.md 8.4: the differential
    (7000.0, "4B2", Decimal("3000")),     # a re-assessment that lowers credit: reversed
])
def test_amendment_carries_its_differential(tmp_path, amended_igst, table, expected):
    # Original IGST 10,000 accepted in October; its amendment appears in November with no
    # action. On 10-12-2025 November's GSTR-2B (14-12-2025) is still to come: as it stands
    # November has no credit; if nothing more is done the amendment is deemed accepted with
    # its difference from the accepted original.
    oct_ = _gstr2b(tmp_path, "102025", [_boe("2566001", "01-10-2025", "03-10-2025", 10000.0)])
    nov = _gstr2b(tmp_path, "112025", impga=[
        _boe("2566001", "01-10-2025", "05-11-2025", amended_igst, amended=True)])
    book = _book(tmp_path, [oct_, nov], "")
    s = _summary(book, "112025", "2025-12-10")
    assert _heads(s, "4A1") == _heads(s, "4B2") == (Decimal("0"), Decimal("0"))
    nm = s["if_nothing_more"]
    assert nm["period_open"] is True and nm["as_of"] == "2025-12-14"
    assert _heads(nm, table) == (expected, Decimal("0"))
    assert nm["gstr2b"]["IMPGA"]["count"] == 1
    assert Decimal(str(nm["gstr2b"]["IMPGA"]["igst"])) == Decimal(str(amended_igst)) - 10000


def test_rules_give_each_version_the_credit_the_periods_sum(october):
    """The hidden BoE columns Recompute writes sum, per period, to summary's figures."""
    from ims_xl.workbook.openpyxl_book import OpenpyxlBook
    from ims_xl.workbook.layout import BOE

    book = OpenpyxlBook(october, quiet=True)
    book.write_name("IMS_AS_OF", date(2025, 11, 10))
    book.save()
    cli_ok("recompute", october)
    rows = OpenpyxlBook(october, quiet=True).read_table(BOE)
    cells = {r["BoE No"]: (r["2B Period if nothing more"], r["ITC IGST if nothing more"])
             for r in rows}
    assert cells == {"2566001": ("102025", 10000), "2566002": ("102025", 20000),
                     "2566003": (None, None), "2566004": ("102025", 80000)}


def test_old_workbook_without_the_columns_still_works(october, tmp_path):
    """A workbook made before the hidden columns: recompute and summary work without them."""
    from openpyxl.utils import get_column_letter

    wb = load_workbook(october)
    ws = wb["BoE"]
    table = ws.tables["BoE"]
    headers = [c.value for c in ws[1]]
    first = headers.index("2B Period if nothing more") + 1
    ws.delete_cols(first, 3)
    table.ref = f"A1:{get_column_letter(first - 1)}{ws.max_row}"
    table.tableColumns = table.tableColumns[:first - 1]
    old = tmp_path / "old.xlsx"
    wb.save(old)
    cli_ok("recompute", old, "--as-of", "2025-11-10")
    s = _summary(old, "102025", "2025-11-10")
    assert _heads(s["if_nothing_more"], "4A1") == (Decimal("110000"), Decimal("1500"))


def test_the_columns_are_evaluated_only_where_the_table_has_them(october, monkeypatch):
    """Recompute writes the three columns only into a table that has them: for a workbook
    from before template 3 the rules are not run again as of G(P) for nothing."""
    from ims_xl.rules import nothing_more as rules
    from ims_xl.workbook.nothing_more import nothing_more_cells
    from ims_xl.workbook.openpyxl_book import OpenpyxlBook
    from ims_xl.workbook.state import evaluate_book, read_state

    state = read_state(OpenpyxlBook(october, quiet=True), as_of=date(2025, 11, 10))
    now, _, actions = evaluate_book(state)
    calls = []
    real = rules.credit_if_nothing_more
    monkeypatch.setattr("ims_xl.workbook.nothing_more.credit_if_nothing_more",
                        lambda *a: calls.append(1) or real(*a))
    cells = nothing_more_cells(state, actions, now)
    assert calls == [1] and ("102025", 10000) in {
        (c["2B Period if nothing more"], c["ITC IGST if nothing more"]) for c in cells}
    for row in state.boe_rows:   # as a template 2 table reads: no such keys
        for header in ("2B Period if nothing more", "ITC IGST if nothing more",
                       "ITC Cess if nothing more"):
            del row[header]
    assert nothing_more_cells(state, actions, now) == [{}] * len(state.versions)
    assert calls == [1]


@pytest.mark.libreoffice
@pytest.mark.parametrize("as_of, heading", [
    (date(2025, 11, 10), "If nothing more is done by 14-11-2025 (GSTR-2B day)"),
    (date(2025, 11, 15), "GSTR-2B generated on 14-11-2025: nothing more is deemed accepted"),
])
def test_gstr3b_block_in_libreoffice_equals_summary_json(october, libreoffice, tmp_path, as_of,
                                                         heading):
    from ims_xl.workbook.openpyxl_book import OpenpyxlBook

    book = OpenpyxlBook(october, quiet=True)
    book.write_name("IMS_AS_OF", as_of)
    book.save()
    cli_ok("recompute", october)
    wb = load_workbook(october)
    wb["GSTR-2B"]["B3"].value = "102025"
    chosen = tmp_path / "chosen.xlsx"
    wb.save(chosen)
    got = load_workbook(recalculate(libreoffice, chosen, tmp_path / "out"), data_only=True)
    ws = got["GSTR-3B"]

    def cell(name: str):
        sheet, ref = got.defined_names[name].attr_text.split("!")
        return Decimal(str(ws[ref.replace("$", "")].value)).quantize(Decimal("0.01"))

    nm = _summary(october, "102025", as_of.isoformat())["if_nothing_more"]
    for table in ("4A1", "4B2"):
        igst, cess = _heads(nm, table)
        assert cell(f"IMS_3B_IF_NOTHING_MORE_{table}_IGST") == igst
        assert cell(f"IMS_3B_IF_NOTHING_MORE_{table}_CESS") == cess
    assert cell("IMS_3B_IF_NOTHING_MORE_4A1_IGST") == Decimal("110000.00")
    assert ws["G3"].value.startswith(heading)
    assert ws["C3"].value == f"As they stand on {as_of:%d-%m-%Y}"
    # the figures as they stand, beside: 80,000 before the 14th, 1,10,000 after
    assert ws["B6"].value == (80000 if as_of.day == 10 else 110000)


# --- the rules module: the BoEs left out of the walk as of G(P) change nothing ----------------

from hypothesis import given  # noqa: E402

from test_rules_properties import COMMON, scenarios  # noqa: E402


_ZERO = ({k: (0, 0, 0, 0) for k in ("IMPG", "IMPGA", "IMPGSEZ", "IMPGSEZA")}, (0, 0),
         (0, 0, 0), (0, 0, 0))


def _figures(f):
    return ({k: (v.count, v.taxable_value, v.igst, v.cess) for k, v in f.gstr2b.items()},
            (f.net.igst, f.net.cess), (f.pending.count, f.pending.igst, f.pending.cess),
            (f.rejected.count, f.rejected.igst, f.rejected.cess))


@COMMON
@given(scenarios())
def test_only_the_boes_in_play_are_walked_again_and_nothing_changes(sc):
    """For every period, if_nothing_more equals the whole evaluation as of G(P) with the
    actions taken by T (or, for a closed period, the figures as they stand), and the
    per-version credits (the workbook's hidden columns) sum to its N(P)."""
    from ims_xl.gst_calendar import gstr2b_date
    from ims_xl.models import ZERO
    from ims_xl.rules import evaluate
    from ims_xl.rules.nothing_more import credit_if_nothing_more, if_nothing_more

    records, actions, settings, as_of = sc
    now = evaluate(records, actions, settings, as_of)
    credits = credit_if_nothing_more(records, actions, settings, as_of, now)
    for period, current in now.periods.items():
        nm = if_nothing_more(records, actions, settings, as_of, period, now)
        g = gstr2b_date(period, settings)
        assert nm.period_open == (as_of < g)
        if nm.period_open:
            whole = evaluate(records, [a for a in actions if a.date <= as_of], settings, g)
            # (a period before every version's origin is not among the periods: all zero)
            expected = whole.periods.get(period)
            assert _figures(nm.figures) == (_figures(expected) if expected else _ZERO)
        else:
            assert _figures(nm.figures) == _figures(current)
        igst = sum((c[1].igst for c in credits if c and c[0] == period), ZERO)
        cess = sum((c[1].cess for c in credits if c and c[0] == period), ZERO)
        assert (igst, cess) == (nm.figures.net.igst, nm.figures.net.cess)

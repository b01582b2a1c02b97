"""Direct tests of steps split out of long functions (issue 15), where the step's own rule
is clearer tested alone than through a whole load or recompute."""

from __future__ import annotations

from datetime import date

from ims_xl.io.books import FIELDS
from ims_xl.io.tabular import Grid, find_table
from ims_xl.models import BoeVersion, RejectPolicy, Section, Status, VersionResult
from ims_xl.periods import Filing, Period
from ims_xl.rules.engine import _boe_chains
from ims_xl.workbook import rows
from ims_xl.workbook.ops import TypedActions, _keep_rejects_asked


HEADER = ["Port Code", "BoE No", "BoE Date", "IGST"]


def test_a_report_printed_page_by_page_keeps_its_lines_and_drops_repeated_headers_and_totals():
    grid = Grid("books.csv", None, [
        (1, ["Purchase register", None, None, None]),
        (2, HEADER),
        (3, ["INNSA1", "1234567", "01-11-2025", 100]),
        (4, [None, None, None, None]),
        (5, HEADER),                                   # page 2 prints the header again
        (6, ["INNSA1", "7654321", "02-11-2025", 200]),
        (7, ["Total", None, None, 300]),
    ])
    table, problems = find_table(grid, FIELDS, what="a purchase register")
    assert problems == []
    assert table.header_row == 2
    assert [number for number, _ in table.rows] == [3, 6]


def test_a_missing_required_column_gives_no_table_and_names_the_headers_found():
    grid = Grid("books.csv", None, [(1, ["Port Code", "BoE No", "IGST"]),
                                    (2, ["INNSA1", "1234567", 100])])
    table, problems = find_table(grid, FIELDS, what="a purchase register")
    assert table is None
    assert [p.code for p in problems] == ["COLUMN_MISSING"]
    assert "BoE date" in problems[0].message and "Port Code, BoE No, IGST" in problems[0].message


def test_settings_problems_come_in_the_settings_sheets_order_and_fall_back_to_defaults():
    settings, as_of, tolerance, problems = rows.settings_from_names(
        {"IMS_GSTIN": "not a gstin", "IMS_AS_OF": "31-02-2025", "IMS_CUTOFF_DAYS": "-1",
         "IMS_TOLERANCE": "abc", "IMS_FILING": "quarterly"},
        [{"Period": "112025", "Filed on": date(2025, 12, 20)}], [])
    assert [p.column for p in problems] == ["IMS_GSTIN", "IMS_AS_OF", "IMS_CUTOFF_DAYS",
                                            "IMS_TOLERANCE"]
    assert (settings.gstin, as_of, settings.cutoff_warning_days) == (None, None, 3)
    assert str(tolerance) == "1.00"
    # a quarterly filer's month is read as its quarter
    assert settings.filing is Filing.QUARTERLY
    assert settings.filed_3b == {Period(2025, 12): date(2025, 12, 20)}


def test_the_careful_reader_and_the_plain_reader_give_the_same_version():
    row = {"Section": "IMPG", "Amendment": "No", "Port Code": "INNSA1", "BoE No": "1234567",
           "BoE Date": date(2025, 11, 3), "Reference Date": None, "Period": "112025",
           "Taxable Value": 1000, "IGST": 180, "Cess": None, "Supplier GSTIN": "",
           "Supplier Name": "", "Importer GSTIN": "", "Source": "gstr2b:x.json"}
    plain = rows.plain_version(row, "0")
    careful = rows._careful_version(row, "0", "BoE", 2, [])
    assert plain is not None and plain == careful
    odd = dict(row, **{"Port Code": 12345.0, "IGST": "abc"})   # not plain: careful only
    problems: list = []
    version = rows.version_from_row(odd, vid="0", sheet="BoE", line=2, problems=problems)
    assert version.port_code == "12345" and version.amount_problems == (("igst", "abc"),)


class Asks:
    def __init__(self, answer: bool):
        self.answer, self.questions = answer, []

    def confirm(self, question: str) -> bool:
        self.questions.append(question)
        return self.answer


def test_a_refused_reject_is_undone_on_its_row_as_last_logged():
    last = {"K": {"New Action": "Keep Pending", "Action Date": date(2025, 11, 20),
                  "Remark": "waiting"}}
    boe_rows = [{"Action": "Reject", "Action Date": date(2025, 12, 1), "Remark": "wrong"},
                {"Action": "Accept", "Action Date": date(2025, 12, 1), "Remark": ""}]
    entries = [(0, {"BoE Identity": "K", "Old Action": "Keep Pending", "New Action": "Reject",
                    "Remark": "wrong"}),
               (1, {"BoE Identity": "L", "Old Action": "", "New Action": "Accept",
                    "Remark": ""})]
    done = TypedActions()
    book = Asks(False)
    kept = _keep_rejects_asked(book, boe_rows, entries, last, RejectPolicy.ALLOW, done)
    assert [i for i, _ in kept] == [1] and done.rejects_refused == 1
    assert boe_rows[0] == {"Action": "Keep Pending", "Action Date": date(2025, 11, 20),
                           "Remark": "waiting"}
    assert book.questions[0].startswith("Keep 1 new Reject(s)?") and "K (wrong)" in \
        book.questions[0]
    assert _keep_rejects_asked(Asks(True), boe_rows, entries, last, None, TypedActions()) \
        == entries


def test_boe_chains_leave_out_duplicates_and_keep_amendments():
    def version(vid, amendment=False, ref=None, number="0012345"):
        return BoeVersion(id=vid, section=Section.IMPG, amendment=amendment,
                          port_code="innsa1 ", boe_number=number, boe_date=date(2025, 11, 3),
                          ref_date=ref, period=None)
    records = [version("a"), version("b", number="12345"), version("c", True, date(2025, 12, 1))]
    results = [VersionResult(v.id, Status.OPEN) for v in records]
    chains = _boe_chains(records, results)
    assert list(chains.values()) == [[0, 2]]
    assert results[1].status is Status.DUPLICATE
    assert [m.code for m in results[1].messages] == ["DUPLICATE_RECORD"]

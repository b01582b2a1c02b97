"""The workbook's layout: sheet names, tables, headers and defined names, in one place.

Every surface that touches the workbook (the template builder, the openpyxl and xlwings
adapters, the worksheet functions) reads its names from here, so they never drift apart.
Nothing here imports openpyxl or xlwings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = ["Column", "TableSpec", "TABLES", "BOE", "BOOKS", "BOE_LIST", "RECONCILIATION",
           "FETCH", "ACTION_LOG", "HISTORY", "FILED_3B", "GENERATED_2B", "ANNUAL_RETURNS",
           "Setting", "SETTINGS_NAMES", "SETTINGS_RANGE_NAME", "SETTINGS_RANGE", "SHEETS",
           "TEMPLATE_VERSION", "AT_RECOMPUTE", "ACTIONS_SINCE_RECOMPUTE_NAME", "FORMULA_SHEETS",
           "MONEY", "LAKH_CRORE_BANDS"]

TEMPLATE_VERSION = "3"   # 2: the Settings sheet of rules 2.0; 3: the BoE table's hidden twins

# Number formats. Dates: DD-MM-YYYY. Text: '@' keeps BoE numbers whole.
# Money in lakhs and crores (1,87,16,416.08) on any system, in two layers (docs/decisions.md):
# - MONEY, the cell's own format, tagged en-IN ([$-4009]): LibreOffice then groups 3;2 and
#   writes '.' for the decimals whatever its locale; Excel groups as the system does (lakhs
#   on an en-IN system, thousands elsewhere).
# - LAKH_CRORE_BANDS, one conditional format per size of number, written over every money
#   cell: the commas are literal text, so Excel too shows lakhs and crores on any system.
#   Each band is one section without conditions, so a negative number keeps its minus sign
#   (a format's conditional sections drop it). The limits end in .995 because the format
#   rounds to paise: 99,999.995 already shows as 1,00,000.00.
MONEY = "[$-4009]#,##0.00"
LAKH_CRORE_BANDS: tuple[tuple[str, str], ...] = (   # (|amount| from, format), largest first
    ("99999999999.995", '[$-4009]#","##","##","##","##","##0.00'),  # 1,00,000 crore
    ("999999999.995", '[$-4009]#","##","##","##","##0.00'),         # 100 crore
    ("9999999.995", '[$-4009]#","##","##","##0.00'),                # 1 crore
    ("99999.995", '[$-4009]#","##","##0.00'),                       # 1 lakh
)
DATE = "DD-MM-YYYY"
TEXT = "@"
INT = "0"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"          # text, money, date, int, bool
    computed: bool = False      # written by Recompute: greyed and locked
    width: float = 14
    hidden: bool = False        # a hidden column the template hides (formulas read it)
    optional: bool = False      # workbooks made before the column existed lack it


@dataclass(frozen=True)
class TableSpec:
    name: str                   # the Excel table's name
    sheet: str
    columns: tuple[Column, ...]
    origin: str = "A1"          # the header's top-left cell

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def index(self, header: str) -> int:
        return self.headers.index(header)


def _cols(*specs) -> tuple[Column, ...]:
    return tuple(s if isinstance(s, Column) else Column(*s) if isinstance(s, tuple)
                 else Column(s) for s in specs)


BOE = TableSpec("BoE", "BoE", _cols(
    ("Section", "text", False, 10), ("Amendment", "text", False, 11),
    ("Port Code", "text", False, 10), ("BoE No", "text", False, 11),
    ("BoE Date", "date", False, 12), ("Reference Date", "date", False, 14),
    ("Period", "text", False, 9), ("Taxable Value", "money", False, 16),
    ("IGST", "money", False, 14), ("Cess", "money", False, 12),
    ("Supplier GSTIN", "text", False, 17), ("Supplier Name", "text", False, 30),
    ("Importer GSTIN", "text", False, 17),
    ("Action", "text", False, 14), ("Action Date", "date", False, 12),
    ("Remark", "text", False, 24),
    ("Match", "text", True, 14), ("Suggested Action", "text", True, 16),
    ("Status", "text", True, 15), ("2B Period", "text", True, 10),
    ("ITC IGST", "money", True, 14), ("ITC Cess", "money", True, 12),
    ("Messages", "text", True, 60), ("Source", "text", True, 28),
    # hidden: what the GSTR-3B sheet's "If nothing more is done" block sums (issue 14, item 7)
    Column("2B Period if nothing more", "text", True, 12, hidden=True, optional=True),
    Column("ITC IGST if nothing more", "money", True, 14, hidden=True, optional=True),
    Column("ITC Cess if nothing more", "money", True, 12, hidden=True, optional=True),
    # What Action, Action Date and Remark held at the last Recompute (hidden; see below)
    Column("Action at Recompute", "text", True, 14, hidden=True, optional=True),
    Column("Action Date at Recompute", "date", True, 12, hidden=True, optional=True),
    Column("Remark at Recompute", "text", True, 14, hidden=True, optional=True),
))
# BoE columns added after template 2 (``optional``): a workbook made before them lacks them,
# and is read and written without them (its GSTR-3B sheet has no block that sums them).
NOTHING_MORE_COLUMNS = ("2B Period if nothing more", "ITC IGST if nothing more",
                        "ITC Cess if nothing more")
# The input columns of a BoE row that hold the accountant's decisions: never overwritten.
ACCOUNTANT_COLUMNS = ("Action", "Action Date", "Remark")
# Recompute copies each accountant's column into its hidden twin, value for value: a native
# formula (IMS_ACTIONS_SINCE_RECOMPUTE) counts the rows where a twin differs, so the workbook
# shows, without Python, how many actions its figures do not include yet. Being table
# columns, the twins move with their row when the accountant sorts or filters. Workbooks made
# by template 2 lack them (``optional``): they are read and written without them, and have
# no count.
AT_RECOMPUTE = {header: f"{header} at Recompute" for header in ACCOUNTANT_COLUMNS}
ACTIONS_SINCE_RECOMPUTE_NAME = "IMS_ACTIONS_SINCE_RECOMPUTE"
COMPUTED_COLUMNS = tuple(c.header for c in BOE.columns if c.computed)

BOOKS = TableSpec("Books", "Books", _cols(
    ("Port Code", "text", False, 10), ("BoE No", "text", False, 11),
    ("BoE Date", "date", False, 12), ("Taxable Value", "money", False, 16),
    ("IGST", "money", False, 14), ("Cess", "money", False, 12),
    ("Voucher No", "text", False, 14), ("Supplier GSTIN", "text", False, 17),
    ("Importer GSTIN", "text", False, 17), ("Source", "text", False, 30),
))

BOE_LIST = TableSpec("BoEList", "BoE List", _cols(
    ("Section", "text", False, 10), ("Amendment", "text", False, 11),
    ("Port Code", "text", False, 10), ("BoE No", "text", False, 11),
    ("BoE Date", "date", False, 12), ("Reference Date", "date", False, 14),
    ("Taxable Value", "money", False, 16), ("IGST", "money", False, 14),
    ("Cess", "money", False, 12), ("Supplier GSTIN", "text", False, 17),
    ("Supplier Name", "text", False, 30), ("Source", "text", False, 30),
))

RECONCILIATION = TableSpec("Reconciliation", "Reconciliation", _cols(
    ("Port Code", "text", True, 10), ("BoE No", "text", True, 11),
    ("BoE Date", "date", True, 12), ("Match", "text", True, 16),
    ("IMS IGST", "money", True, 14), ("Books IGST", "money", True, 14),
    ("IMS Cess", "money", True, 12), ("Books Cess", "money", True, 12),
    ("Differences", "text", True, 48), ("Suggested Action", "text", True, 16),
    ("Note", "text", True, 60), ("Book Rows", "text", True, 20),
))

FETCH = TableSpec("FetchBoE", "Fetch BoE", _cols(
    ("Port Code", "text", False, 10), ("BoE No", "text", False, 11),
    ("BoE Date", "date", False, 12), ("Reference Date", "date", False, 14),
    ("Status", "text", True, 28), ("Problem", "text", True, 60),
))

ACTION_LOG = TableSpec("ActionLog", "Action Log", _cols(
    ("When", "date", True, 12), ("BoE Identity", "text", True, 52),
    ("Old Action", "text", True, 13), ("New Action", "text", True, 13),
    ("Action Date", "date", True, 12), ("Remark", "text", True, 30),
    ("Source", "text", True, 40),
))

HISTORY = TableSpec("History", "History", _cols(
    ("BoE Identity", "text", True, 52), ("Section", "text", True, 10),
    ("Period", "text", True, 9), ("Status", "text", True, 15),
    ("IGST", "money", True, 14), ("Cess", "money", True, 12),
))

# The Settings sheet's tables, right of the settings block (old workbooks have the first two
# at D3 and G3: every surface finds a table by its name, never by its place).
FILED_3B = TableSpec("Filed3B", "Settings", _cols(
    ("Period", "text", False, 10), ("Filed on", "date", False, 12)), origin="F3")
GENERATED_2B = TableSpec("Generated2B", "Settings", _cols(
    ("Period", "text", False, 10), ("Generated on", "date", False, 13)), origin="I3")
# Rules 2.0: the day each financial year's annual return was filed (section_16_4's deadline).
# Workbooks made before 2.0 lack it: read as "none recorded".
ANNUAL_RETURNS = TableSpec("AnnualReturns", "Settings", _cols(
    ("Financial Year", "text", False, 14), ("Filed on", "date", False, 12)), origin="L3")

TABLES = {t.name: t for t in (BOE, BOOKS, BOE_LIST, RECONCILIATION, FETCH, ACTION_LOG, HISTORY,
                              FILED_3B, GENERATED_2B, ANNUAL_RETURNS)}


class Setting(NamedTuple):
    """One value of the Settings sheet: its defined name, label, default (what a blank cell
    means), dropdown choices, and the sentence beside it. ``shown_default`` is the Default
    column's text where it differs from the value written."""

    name: str
    label: str
    default: Any
    allowed: tuple[str, ...] | None
    note: str
    shown_default: str | None = None


REJECT_POLICY_NOTE = (
    "block (default): a Reject is refused and never removes credit, because the portal offers "
    "only Accept and Keep Pending for a Bill of Entry. A BoE of the wrong importer is fixed by "
    "a GSTIN amendment at customs, not by Reject: keep it pending and ask customs (ICEGATE) to "
    "amend the GSTIN.\n"
    "warn: a Reject with a remark is honoured, with a warning that the portal may not take it.\n"
    "allow: a Reject with a remark is honoured without a warning.")
PENDING_LIMIT_NOTE = (
    "none (default): Keep Pending holds a BoE until you act (whether the section 16(4) time "
    "limit binds BoEs is disputed).\n"
    "one_period: Keep Pending holds until the GSTR-3B of the next period is filed; then the BoE "
    "is deemed accepted (GSTN's rule for credit notes from October 2025; for BoEs GSTN is "
    "silent).\n"
    "section_16_4: a BoE still pending on 30 November after its financial year, or on the day "
    "that year's annual return was filed if earlier (table AnnualReturns), loses its credit for "
    "good. An amendment's year runs from its own reference date.")

# The settings, in the Settings sheet's order: the defaults of rules 2.0.
SETTINGS_NAMES: tuple[Setting, ...] = (
    Setting("IMS_GSTIN", "GSTIN", "", None,
            "Your GSTIN. A BoE of another GSTIN is left out of every figure; a BoE customs moved "
            "to another GSTIN (a GSTIN amendment) is reversed in GSTR-3B 4(B)(2).",
            shown_default="(none)"),
    Setting("IMS_FILING", "Filing frequency", "monthly", ("monthly", "quarterly"),
            "quarterly for QRMP: a period is a quarter, written as its last month (122025 is "
            "October-December 2025)."),
    Setting("IMS_AS_OF", "As-of date (blank = today)", None, None,
            "The day the figures are worked out for (DD-MM-YYYY).", shown_default="today"),
    Setting("IMS_REJECT_POLICY", "Reject policy", "block", ("block", "warn", "allow"),
            REJECT_POLICY_NOTE),
    Setting("IMS_START", "IMS start (MMYYYY)", "102025", None,
            "The first return period whose BoEs IMS handles: October 2025 (GSTN advisory of "
            "30-10-2025). A BoE of an earlier period went straight to GSTR-2B: an action on it "
            "changes nothing."),
    Setting("IMS_PENDING_LIMIT", "Pending limit", "none", ("none", "one_period", "section_16_4"),
            PENDING_LIMIT_NOTE),
    Setting("IMS_CUTOFF_DAYS", "Cutoff warning days", 3, None,
            "A BoE without action whose GSTR-2B date is this many days away or fewer is marked "
            "yellow (CUTOFF_NEAR)."),
    Setting("IMS_TOLERANCE", "Match tolerance (Rs per head)", "1.00", None,
            "The three-way match still calls IGST or cess equal when they differ by this much."),
)
SETTINGS_FIRST_ROW = 4  # B4 holds IMS_GSTIN, B5 IMS_FILING, ... (row 3: the block's header)
# The Settings sheet from its header row down (the tables' first 197 rows): the worksheet
# functions' settings argument.
SETTINGS_RANGE_NAME = "IMS_SETTINGS"
SETTINGS_RANGE = "Settings!$A$3:$M$200"

PERIOD_NAME = "IMS_PERIOD"
PERIOD_LIST_NAME = "IMS_PERIODS"
LISTS_SHEET = "_lists"

SHEETS = ("Start", "Settings", "BoE", "Books", "BoE List", "Reconciliation", "Fetch BoE",
          "Action Log", "History", "GSTR-2B", "GSTR-3B")
# The sheets whose native formulas show the figures (and the count of actions typed since the
# last Recompute). A writer that keeps their cells drops the results cached in them: Excel
# recalculates on opening (fullCalcOnLoad), but LibreOffice shows the results a file it saved
# carries, which a recompute has made stale.
FORMULA_SHEETS = ("Start", "GSTR-2B", "GSTR-3B")


@dataclass(frozen=True)
class Formula:
    """A cell formula we write ourselves (data text is never written as a formula)."""

    text: str

    def __str__(self) -> str:
        return self.text


CREDITED_STATUSES = ("Accepted", "Deemed accepted")

# The all-periods overview on the GSTR-3B sheet.
PERIODS_3B = TableSpec("Periods3B", "GSTR-3B", _cols(
    ("Period", "text", True, 10), ("4A1 IGST", "money", True, 15),
    ("4A1 Cess", "money", True, 13), ("4B2 IGST", "money", True, 15),
    ("4B2 Cess", "money", True, 13), ("Pending Count", "int", True, 10),
    ("Pending IGST", "money", True, 15), ("Pending Cess", "money", True, 13),
    ("Rejected Count", "int", True, 10), ("Rejected IGST", "money", True, 15),
    ("Rejected Cess", "money", True, 13),
), origin="A14")
TABLES[PERIODS_3B.name] = PERIODS_3B

"""The domain's typed data, as plain frozen dataclasses.

The readers at the edges convert into these: pydantic models for the JSON scenario
(:mod:`ims_xl.engine_json`), plain functions for the portal's files, books and BoE lists
(:mod:`ims_xl.io`) and for the workbook's sheets (:mod:`ims_xl.workbook.rows`). Inside, the
rules work on plain typed data. Money is always :class:`~decimal.Decimal`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from .periods import Filing, Period
from .identifiers.boe_number import same_boe

__all__ = [
    "Section", "GSTR2B_SECTIONS", "ActionCode", "Action", "BoeVersion", "BoeKey",
    "RejectPolicy", "PendingLimit", "Settings", "Severity", "Message", "Status",
    "PeriodStep", "VersionResult", "Heads", "SectionTotals", "Bucket", "PeriodFigures",
    "Evaluation", "BookLine", "ZERO", "RULES_VERSION", "IMS_START",
]

ZERO = Decimal("0")
RULES_VERSION = "2.0"   # the version of rules.md the engine implements (in the JSON output)
IMS_START = Period(2025, 10)   # IMS handles BoEs from the October 2025 period (GSTN, 30-10-2025)


class Section(StrEnum):
    """The section family of a BoE: amended versions keep the family, with ``amendment=True``."""

    IMPG = "IMPG"          # import of goods from outside India
    IMPGSEZ = "IMPGSEZ"    # import of goods from an SEZ unit or developer

    def gstr2b_section(self, amendment: bool) -> str:
        """``IMPG``, ``IMPGA``, ``IMPGSEZ`` or ``IMPGSEZA``: the GSTR-2B table of a version."""
        return {(Section.IMPG, False): "IMPG", (Section.IMPG, True): "IMPGA",
                (Section.IMPGSEZ, False): "IMPGSEZ", (Section.IMPGSEZ, True): "IMPGSEZA"}[
                    (self, amendment)]


GSTR2B_SECTIONS = ("IMPG", "IMPGA", "IMPGSEZ", "IMPGSEZA")


class ActionCode(StrEnum):
    """IMS action codes, with the words the accountant sees (:attr:`label`)."""

    ACCEPT = "A"
    REJECT = "R"
    PENDING = "P"
    NO_ACTION = "N"

    @property
    def label(self) -> str:
        return {"A": "Accept", "R": "Reject", "P": "Keep Pending", "N": ""}[self.value]


class RejectPolicy(StrEnum):
    BLOCK = "block"    # default: the portal offers only Accept and Keep Pending for a BoE
    WARN = "warn"      # honour a Reject that has a remark, with a warning
    ALLOW = "allow"    # honour a Reject that has a remark, silently


class PendingLimit(StrEnum):
    NONE = "none"
    ONE_PERIOD = "one_period"
    SECTION_16_4 = "section_16_4"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Status(StrEnum):
    ACCEPTED = "accepted"
    DEEMED_ACCEPTED = "deemed_accepted"
    REJECTED = "rejected"
    PENDING = "pending"
    OPEN = "open"
    SUPERSEDED = "superseded"
    TIME_BARRED = "time_barred"
    DUPLICATE = "duplicate"
    OTHER_GSTIN = "other_gstin"     # another GSTIN's BoE: left out of every figure

    @property
    def gives_credit(self) -> bool:
        return self in (Status.ACCEPTED, Status.DEEMED_ACCEPTED)

    @property
    def label(self) -> str:
        """The accountant's words for the status."""
        if self is Status.OTHER_GSTIN:
            return "Other GSTIN"
        return self.value.replace("_", " ").capitalize()


class BoeKey(NamedTuple):
    """A BoE's identity (rules.md section 1): all versions with the same key are one BoE.

    A named tuple rather than a dataclass: hundreds of thousands are built and hashed per run.
    """

    section: Section
    port_code: str          # upper-cased
    boe_number: str         # leading zeros removed
    boe_date: date | None

    def __str__(self) -> str:
        when = self.boe_date.strftime("%d-%m-%Y") if self.boe_date else "no date"
        return f"{self.section.value}/{self.port_code}/{self.boe_number}/{when}"


@dataclass(frozen=True, slots=True)
class BoeVersion:
    """One BoE version as IMS shows it (an original, or one amendment).

    ``amount_problems`` lists amounts that were not numbers, as ``(field, raw text)``; such an
    amount is held as 0 here and reported as ``AMOUNT_INVALID``.
    """

    id: str
    section: Section
    amendment: bool
    port_code: str
    boe_number: str
    boe_date: date | None
    ref_date: date | None
    period: Period | None = None
    taxable_value: Decimal = ZERO
    igst: Decimal = ZERO
    cess: Decimal = ZERO
    supplier_gstin: str = ""
    supplier_name: str = ""
    importer_gstin: str = ""
    source: str = ""
    amount_problems: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> BoeKey:
        return BoeKey._make(self.identity)

    @property
    def identity(self) -> tuple[Section, str, str, date | None]:
        """:attr:`key` as a plain tuple (the same fields, the same normalisation): the match
        and the rules group every version by it, and a plain tuple is built in a third of
        the time of the named one."""
        return (self.section, self.port_code.strip().upper(), same_boe(self.boe_number),
                self.boe_date)

    @property
    def gstr2b_section(self) -> str:
        return self.section.gstr2b_section(self.amendment)


@dataclass(frozen=True, slots=True)
class Action:
    """One action the accountant took (or typed) on one version.

    ``code`` is ``None`` when ``raw`` is not a recognised word (``ACTION_UNKNOWN``).
    ``seq`` is the input order, which breaks ties between actions of the same date.
    """

    record_id: str
    code: ActionCode | None
    date: date
    remark: str = ""
    raw: str = ""
    source: str = ""
    seq: int = 0


@dataclass(frozen=True, slots=True)
class Settings:
    """The settings of rules.md section 7, with its defaults.

    ``ims_start`` is the first period (a month) whose BoEs IMS handles; for a quarterly filer
    the quarter that contains it. ``annual_return_filed`` maps a financial year, by its first
    calendar year (2025 for 2025-26), to the day its annual return was filed.
    """

    gstin: str | None = None
    filing: Filing = Filing.MONTHLY
    reject_policy: RejectPolicy = RejectPolicy.BLOCK
    pending_limit: PendingLimit = PendingLimit.NONE
    cutoff_warning_days: int = 3
    filed_3b: dict[Period, date] = field(default_factory=dict)
    generated_2b: dict[Period, date] = field(default_factory=dict)
    ims_start: Period = IMS_START
    annual_return_filed: dict[int, date] = field(default_factory=dict)

    @property
    def state_code(self) -> str | None:
        return self.gstin[:2] if self.gstin else None


@dataclass(frozen=True, slots=True)
class Message:
    code: str
    severity: Severity
    text: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(frozen=True, slots=True)
class PeriodStep:
    period: Period
    status: Status


@dataclass(slots=True)
class Heads:
    """An amount per tax head. Imports carry IGST and cess only (no CGST/SGST)."""

    igst: Decimal = ZERO
    cess: Decimal = ZERO

    def add(self, igst: Decimal, cess: Decimal) -> None:
        self.igst += igst
        self.cess += cess


@dataclass(slots=True)
class SectionTotals:
    count: int = 0
    taxable_value: Decimal = ZERO
    igst: Decimal = ZERO
    cess: Decimal = ZERO


@dataclass(slots=True)
class Bucket:
    """A count with the (IGST, cess) of the versions in it: pending or rejected figures."""

    count: int = 0
    igst: Decimal = ZERO
    cess: Decimal = ZERO


@dataclass(slots=True)
class VersionResult:
    id: str
    status: Status
    itc_period: Period | None = None
    itc: Heads | None = None
    history: list[PeriodStep] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    # the period whose GSTR-2B shows the version as rejected (for the Rejected figures)
    rejected_period: Period | None = None
    # the date the version becomes deemed accepted, while it is open
    deemed_on: date | None = None
    # a moved version (a GSTIN amendment, rules.md section 1): the GSTIN customs moved it to;
    # its own taxable value, IGST and cess count as zero for this GSTIN
    moved_to: str = ""


@dataclass(slots=True)
class PeriodFigures:
    period: Period
    state: str                                   # "open" or "closed"
    gstr2b: dict[str, SectionTotals]
    net: Heads                                   # N(P): may be negative
    pending: Bucket
    rejected: Bucket

    @property
    def table_4a1(self) -> Heads:
        return Heads(max(self.net.igst, ZERO), max(self.net.cess, ZERO))

    @property
    def table_4b2(self) -> Heads:
        return Heads(max(-self.net.igst, ZERO), max(-self.net.cess, ZERO))


@dataclass(slots=True)
class Evaluation:
    records: list[VersionResult]
    periods: dict[Period, PeriodFigures]


@dataclass(frozen=True, slots=True)
class BookLine:
    """One line of the purchase register (books) that names a BoE.

    Several lines of one BoE (split vouchers) are summed by the match before comparing.
    ``row`` is where the line stands in its file, for messages.
    """

    port_code: str
    boe_number: str
    boe_date: date | None
    taxable_value: Decimal = ZERO
    igst: Decimal = ZERO
    cess: Decimal = ZERO
    voucher: str = ""
    supplier_gstin: str = ""
    importer_gstin: str = ""
    file: str = ""
    row: int | None = None

    @property
    def boe_number_key(self) -> str:
        return same_boe(self.boe_number)

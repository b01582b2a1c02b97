"""The three-way match: IMS records, the customs BoE list and the books.

Every BoE gets one :class:`MatchResult` with a :class:`MatchStatus`, the differences found,
the book rows involved, a suggested IMS action and a short note the accountant can act on.

How the match works (all joins are dictionary look-ups, so it is linear in the input):

* **Key**: (port code in capitals, BoE number without leading zeros, BoE date), after the
  identifier modules' normalisation (``'0012345'``, ``12345`` and ``'12345.0'`` are one number).
* **IMS side**: the versions of one BoE (same :attr:`~ims_xl.models.BoeVersion.key`) are one
  BoE, compared on its **latest** version (the amendment with the latest reference date, then
  the later in input order; the original when there is no amendment). The result lists every
  version id, so callers can show it against each version (:func:`results_by_version`).
* **Amended BoE**: when the books carry it version by version, each version is matched for
  what it adds: the original against the book line(s) of its own amounts, each amendment's
  differential (its IGST and cess minus the version it supersedes) against the lines left.
  A differential voucher matches; none gives ``differential_missing``; a differential of nil
  (a GSTIN amendment, a taxable-value change) has nothing to book. One line re-booked at the
  latest value matches the latest version and the earlier ones are ``superseded``. Each
  earlier version then has its own result (:attr:`MatchResult.versions`).
  A version with the same identity, amendment flag and reference date as an earlier one is an
  IMS duplicate: it gets its own result, ``duplicate_in_ims``, suggesting Reject.
* **Books side**: all book lines of one key are **summed** (split vouchers) before comparing.
* **Tolerance**: IGST and cess are compared per head; a difference of at most ``tolerance``
  (Rs 1.00) is a match, so exactly Rs 1.00 matches and Rs 1.01 does not. The taxable value is
  compared too, but only as a note: IGST on imports is charged on assessable value plus customs
  duty, so books (often CIF) rarely carry the BoE's taxable value.
* **Duplicate in books**: several lines of one BoE are normally split vouchers. They are called
  ``duplicate_in_books`` only when the sum does not match IMS, two (or more) of the lines are
  identical in taxable value, IGST and cess, and dropping one copy of that line makes the sum
  match IMS (within tolerance, per head). Then IMS is right and the books hold a repeated voucher.
* **Probable**: an IMS BoE without an exact book key is paired with a book key not used by an
  exact match, in this order: same port and number with a date at most ``probable_days`` away
  (the nearest; books often carry the reference or out-of-charge date); same port and number
  dated on the IMS reference date; same port and number with day and month swapped
  (03-10-2025 against 10-03-2025); same number and date at another port, when IGST and cess
  agree within tolerance.

Suggested actions tell the truth about what the rules (rules.md 2.0) will do with them:

* Accept when matched (and for ``duplicate_in_books``: the IMS record is right, the books need
  the repeated voucher reversed); Keep Pending when the books lack the BoE, values differ, the
  match is only probable, or a loaded BoE list lacks it. For an amended BoE: Accept on a
  version the books carry (or that a re-booked line includes), Keep Pending on an amendment
  whose differential the books lack.
* **Another GSTIN** (the latest version names an importer GSTIN other than the settings
  GSTIN, and it is not a moved version): Keep Pending, under every reject policy. Such a BoE
  is not this GSTIN's credit (``GSTIN_OTHER``); a wrong importer is put right by a GSTIN
  amendment at customs, not by a Reject, so the note says to ask customs for one.
* **Moved** (a GSTIN amendment: the latest version is an amendment naming another valid GSTIN
  after a version of this GSTIN): Accept, and the note says what it means: the credit taken
  on the BoE is reversed (GSTR-3B Table 4(B)(2), ``GSTIN_MOVED``).
* **Before IMS** (the latest version's origin period is before the settings' ``ims_start``):
  no suggestion, because every action on it is ignored (``ACTION_BEFORE_IMS``); the note
  says so and keeps the check of the books.
* **Duplicate in IMS**: under the default reject policy ``block`` Keep Pending (the portal
  offers no Reject for a BoE); under ``warn`` Reject with a note that the portal may refuse
  it; under ``allow`` Reject.

So under ``block`` (the default, from :class:`~ims_xl.models.Settings`) no Reject is ever
suggested. A BoE that IMS lacks (``not_in_ims``) has no IMS action: it is a Fetch BoE
candidate (:func:`ims_xl.fetch.fetch_candidates`).

When a settings GSTIN is known, book lines and BoE-list rows that name another importer GSTIN
are left out (they belong to another registration's return).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from stdnum.exceptions import ValidationError

from .dates import format_date
from .identifiers import boe_number as _boe_number
from .identifiers import gstin as _gstin
from .identifiers import port_code as _port_code
from .gcpause import gc_paused
from .models import (ZERO, ActionCode, BoeKey, BoeVersion, BookLine, RejectPolicy,
                     Settings)
from .money import format_inr
from .periods import Period
from .rules.context import Context

__all__ = [
    "MatchStatus", "Amounts", "Difference", "MatchResult", "match_boes", "match_key",
    "results_by_version", "DEFAULT_TOLERANCE",
]

DEFAULT_TOLERANCE = Decimal("1.00")

MatchKey = tuple[str, str, date | None]


class MatchStatus(StrEnum):
    """One status per BoE (and per duplicate IMS record)."""

    MATCHED = "matched"
    VALUE_MISMATCH = "value_mismatch"
    PROBABLE = "probable"
    NOT_IN_BOOKS = "not_in_books"
    NOT_IN_IMS = "not_in_ims"
    NOT_IN_BOE_LIST = "not_in_boe_list"
    DUPLICATE_IN_BOOKS = "duplicate_in_books"
    DUPLICATE_IN_IMS = "duplicate_in_ims"
    # one version of an amended BoE (see MatchResult.versions)
    DIFFERENTIAL_MISSING = "differential_missing"   # the books lack what the amendment adds
    SUPERSEDED = "superseded"                       # the books carry the BoE as amended

    @property
    def label(self) -> str:
        """The accountant's words: ``Not in books``, ``Value mismatch``..."""
        return {"not_in_ims": "Not in IMS", "not_in_boe_list": "Not in BoE list",
                "duplicate_in_ims": "Duplicate in IMS",
                "superseded": "Superseded by amendment"}.get(
                    self.value, self.value.replace("_", " ").capitalize())


class Amounts(NamedTuple):
    """Taxable value, IGST and cess of one side (books: the sum of the BoE's lines).

    A named tuple, like :class:`Difference`: as immutable as a frozen dataclass, and made
    in half the time (the match makes two per BoE).
    """

    taxable_value: Decimal = ZERO
    igst: Decimal = ZERO
    cess: Decimal = ZERO


class Difference(NamedTuple):
    """One difference: ``field`` with the IMS value and the other side's value.

    ``against`` is ``"books"`` or ``"boe_list"``. ``breaks_match`` is False for notes that never
    make a BoE a mismatch (the taxable value). ``note`` explains a date or port difference.
    """

    field: str                 # "igst", "cess", "taxable_value", "boe_date", "port_code"
    ims: object
    other: object
    against: str = "books"
    breaks_match: bool = True
    note: str = ""

    def as_tuple(self) -> tuple[str, object, object]:
        """``(field, ims value, other value)``."""
        return (self.field, self.ims, self.other)

    def __str__(self) -> str:
        name = _FIELD_WORDS.get(self.field, self.field)
        side = "BoE list" if self.against == "boe_list" else "books"
        text = f"{name}: IMS {_show(self.ims)}, {side} {_show(self.other)}"
        if self.note:
            text += f" ({self.note})"
        return text


@dataclass(slots=True)
class MatchResult:
    """The match of one BoE (or of one duplicate IMS record).

    ``key`` is the IMS identity (``None`` for a BoE that only the books have); ``version_ids``
    are the IMS versions it covers (``latest_id`` the one compared). ``ims``, ``books`` and
    ``boe_list`` hold each side's amounts when that side has the BoE. ``book_rows`` are
    ``(file, row)`` of the book lines involved. ``suggested_action`` is ``None`` when there is
    no IMS record to act on (``not_in_ims``).
    """

    status: MatchStatus
    port_code: str
    boe_number: str
    boe_date: date | None
    key: BoeKey | None = None
    version_ids: list[str] = field(default_factory=list)
    latest_id: str | None = None
    ref_date: date | None = None
    ims: Amounts | None = None
    books: Amounts | None = None
    boe_list: Amounts | None = None
    differences: list[Difference] = field(default_factory=list)
    book_rows: list[tuple[str, int | None]] = field(default_factory=list)
    suggested_action: ActionCode | None = None
    note: str = ""
    sources: tuple[str, ...] = ()          # where the BoE was found: "ims", "books", "boe_list"
    other_gstin: str | None = None         # the importer GSTIN, when it is not the user's
    duplicate_of: str | None = None        # for duplicate_in_ims: the id kept
    moved_to: str | None = None            # a GSTIN amendment: the GSTIN customs moved it to
    # An amended BoE whose books carry it version by version: the result of each earlier
    # version (the latest version's is this result itself); empty otherwise.
    versions: dict[str, MatchResult] = field(default_factory=dict)

    @property
    def match_key(self) -> MatchKey:
        return match_key(self.port_code, self.boe_number, self.boe_date)


_FIELD_WORDS = {"igst": "IGST", "cess": "Cess", "taxable_value": "Taxable value",
                "boe_date": "BoE date", "port_code": "Port code"}
_HEADS = ("igst", "cess")


def _show(value: object) -> str:
    if isinstance(value, Decimal):
        return format_inr(value)
    if isinstance(value, date):
        return format_date(value)
    if value is None:
        return "(none)"
    return str(value)


# ---------------------------------------------------------------------------------------------
# normalisation


def _norm_port(value: object) -> str:
    try:
        return _port_code.compact(value)
    except (ValidationError, ValueError, TypeError):
        return str(value).strip().upper()


def _display_number(value: object) -> str:
    """The number as the BoE shows it (leading zeros kept), for display and Fetch BoE."""
    if type(value) is str and value.isdigit() and value.isascii():
        return value  # digits only: compact() would give them back as they are
    try:
        return _boe_number.compact(value)
    except (ValidationError, ValueError, TypeError):
        return str(value).strip()


def _norm_number(value: object) -> str:
    return _boe_number.same_boe(_display_number(value))


@lru_cache(maxsize=4096)  # a few GSTINs, repeated on every BoE
def _norm_gstin(value: str | None) -> str:
    if not value:
        return ""
    try:
        return _gstin.compact(value)
    except (ValidationError, ValueError, TypeError):
        return str(value).strip().upper()


def match_key(port_code: object, boe_number: object, boe_date: date | None) -> MatchKey:
    """The match key: (port code in capitals, BoE number without leading zeros, BoE date).

    >>> match_key(' innsa1', '0012345', date(2025, 10, 3))
    ('INNSA1', '12345', datetime.date(2025, 10, 3))
    """
    if _plain(port_code, boe_number):
        return (port_code.upper(), _boe_number.same_boe(boe_number), boe_date)
    return (_norm_port(port_code), _norm_number(boe_number), boe_date)


def _plain(port_code: object, boe_number: object) -> bool:
    """The usual case, as the loaders give it: letters and digits only, which the identifier
    modules' clean-up leaves as they are. Then the match key is the BoE's identity without its
    section (the match's one fast path: a third of its time)."""
    return (type(port_code) is str and type(boe_number) is str and port_code.isalnum()
            and boe_number.isdigit() and port_code.isascii() and boe_number.isascii())


def _not_ours(importer_gstin: str | None, own: str) -> bool:
    """A line or row naming another importer GSTIN than the user's (when the user's is known)."""
    return bool(own and importer_gstin and _norm_gstin(importer_gstin) != own)


def results_by_version(results: list[MatchResult]) -> dict[str, MatchResult]:
    """Each IMS version id with its result: an earlier version of an amended BoE has its
    own (:attr:`MatchResult.versions`), every other version its BoE's."""
    return {vid: r.versions.get(vid, r) for r in results for vid in r.version_ids}


_new = object.__new__
_DEFAULTS = Settings()  # rules.md 2.0's defaults: reject policy block, IMS from 102025


def match_boes(ims: list[BoeVersion], books: list[BookLine],
               boe_list: list[BoeVersion] | None = None, *, settings: Settings | None = None,
               gstin: str | None = None, tolerance: Decimal = DEFAULT_TOLERANCE,
               reject_policy: RejectPolicy | str | None = None,
               probable_days: int = 3) -> list[MatchResult]:
    """Match IMS records with the books (and a customs BoE list, when given).

    ``settings`` are the workbook's settings: its GSTIN, reject policy, IMS start and filing
    frequency shape the suggestions. Without them, :class:`~ims_xl.models.Settings`' defaults
    (no GSTIN, reject policy ``block``, IMS from 102025). ``gstin`` and ``reject_policy``, when
    given, take the place of the settings' own.

    Returns one result per IMS BoE (in the order the BoEs first appear), each IMS duplicate
    right after the BoE it repeats, then one ``not_in_ims`` result per BoE that the books or
    the BoE list have and IMS lacks (books first, in their order).
    """
    settings = settings or _DEFAULTS
    terms = _MatchTerms(
        tolerance=Decimal(tolerance), own_gstin=_norm_gstin(settings.gstin if gstin is None else gstin),
        policy=RejectPolicy(settings.reject_policy if reject_policy is None else reject_policy),
        probable_days=probable_days, ims_start=_ImsStart(settings))
    with gc_paused():  # see ims_xl.gcpause: half the time at 100,000 BoEs
        return _match(ims, books, boe_list, terms)


class _ImsStart:
    """Whether a version is from before IMS: its origin period (as the rules find it) is
    before the settings' ``ims_start`` (rules.md section 4, ``ACTION_BEFORE_IMS``)."""

    __slots__ = ("ctx", "start", "_notes")

    def __init__(self, settings: Settings):
        # the as-of date only matters for a version without any date (then: the current
        # period, never before IMS)
        self.ctx = Context(settings, date.today())
        self.start = self.ctx.ims_start
        self._notes: dict[tuple, str] = {}

    def note(self, origin: Period, whose: str, check: str, same_for_many: bool) -> str:
        """The note of a BoE before IMS. Half of a year's BoEs can be before IMS, and most
        share one note (same origin, the books agree): those are made once and shared."""
        key = (origin._key, whose, check)
        found = self._notes.get(key) if same_for_many else None
        if found is None:
            found = " ".join(filter(None, (
                f"No IMS action applies: this BoE is from period {origin}, before IMS took up "
                f"Bills of Entry ({self.start}), so it went straight to GSTR-2B and an action "
                "on it is ignored.", whose, check)))
            if same_for_many:
                self._notes[key] = found
        return found

    def origin_before(self, v: BoeVersion) -> Period | None:
        """The version's origin period when it is before IMS, else ``None``."""
        origin = self.ctx.origin(v.period, v.ref_date, v.boe_date)
        return origin if origin._key < self.start._key else None


# ---------------------------------------------------------------------------------------------
# the match: the terms, then one function per step of the module docstring


@dataclass(frozen=True, slots=True)
class _MatchTerms:
    """What one match is held to: the settings as :func:`match_boes` resolved them."""

    tolerance: Decimal
    own_gstin: str           # normalised; "" when unknown
    policy: RejectPolicy
    probable_days: int
    ims_start: _ImsStart


def _match(ims: list[BoeVersion], books: list[BookLine], boe_list: list[BoeVersion] | None,
           terms: _MatchTerms) -> list[MatchResult]:
    boes = ims_boes(ims)
    book_groups = books_by_key(books, terms.own_gstin)
    listed = None if boe_list is None else boe_list_by_key(boe_list, terms.own_gstin)
    used: set[MatchKey] = set()   # book keys a BoE has taken
    exact_pass(boes, book_groups, used, terms.tolerance)
    left = probable_pass(boes, book_groups, used, terms)
    return results(boes, {key: book_groups[key] for key in left}, listed, terms)


# --- the IMS side ----------------------------------------------------------------------------


class _ImsBoe:
    """The versions of one IMS BoE while matching, compared on the latest.

    ``key`` is the BoE's identity (every version's :attr:`BoeVersion.key`), ``match_key`` the
    latest version's :func:`match_key`. ``duplicates`` pairs each IMS duplicate with the
    version it repeats.
    """

    __slots__ = ("key", "match_key", "versions", "latest", "result", "duplicates")

    def __init__(self, first: BoeVersion) -> None:
        self.versions: list[BoeVersion] = [first]   # in input order, duplicates left out
        self.duplicates: list[tuple[BoeVersion, BoeVersion]] = _NO_DUPLICATES
        self.result: MatchResult | None = None
        self.latest = first
        self.key: BoeKey = None  # type: ignore[assignment]  # set by settle()
        self.match_key: MatchKey = ()  # type: ignore[assignment]  # set by settle()

    def add(self, version: BoeVersion) -> None:
        """A further version, or a duplicate: it repeats an earlier version's amendment flag
        and reference date."""
        for first in self.versions:
            if first.amendment == version.amendment and first.ref_date == version.ref_date:
                if self.duplicates is _NO_DUPLICATES:
                    self.duplicates = []
                self.duplicates.append((version, first))
                return
        self.versions.append(version)

    def settle(self, identity: tuple) -> None:
        """Take the latest version, once every version is in; ``identity`` is every
        version's :attr:`BoeVersion.identity`."""
        latest = self.latest = latest_version(self.versions)
        self.key = BoeKey._make(identity)
        self.match_key = (identity[1:] if _plain(latest.port_code, latest.boe_number)
                          else match_key(latest.port_code, latest.boe_number, latest.boe_date))


_NO_DUPLICATES: list = []  # shared by the BoEs IMS does not repeat (nearly all): never changed


def ims_boes(ims: list[BoeVersion]) -> list[_ImsBoe]:
    """The IMS versions grouped into BoEs (same identity), in the order BoEs first appear."""
    boes: dict[tuple, _ImsBoe] = {}
    for v in ims:
        identity = v.identity
        boe = boes.get(identity)
        if boe is None:
            boes[identity] = _ImsBoe(v)
        else:
            boe.add(v)
    for identity, boe in boes.items():
        boe.settle(identity)
    return list(boes.values())


def latest_version(versions: list[BoeVersion]) -> BoeVersion:
    """Amendments supersede the original; among amendments the latest reference date, then
    the later in input order (``versions`` is in input order)."""
    if len(versions) == 1:
        return versions[0]
    return max(enumerate(versions),
               key=lambda iv: (iv[1].amendment, iv[1].ref_date or date.min, iv[0]))[1]


# --- the books side and the BoE list ---------------------------------------------------------


def books_by_key(books: list[BookLine], own_gstin: str) -> dict[MatchKey, list[BookLine]]:
    """The book lines of each match key (split vouchers together), in book order; lines of
    another importer GSTIN are left out."""
    groups: dict[MatchKey, list[BookLine]] = {}
    for line in books:
        if _not_ours(line.importer_gstin, own_gstin):
            continue
        key = match_key(line.port_code, line.boe_number, line.boe_date)
        group = groups.get(key)
        if group is None:
            groups[key] = [line]
        else:
            group.append(line)
    return groups


def boe_list_by_key(boe_list: list[BoeVersion], own_gstin: str) -> dict[MatchKey, BoeVersion]:
    """The latest version of each BoE in the customs BoE list; rows of another importer
    GSTIN are left out."""
    groups: dict[MatchKey, list[BoeVersion]] = {}
    for v in boe_list:
        if not _not_ours(v.importer_gstin, own_gstin):
            groups.setdefault(match_key(v.port_code, v.boe_number, v.boe_date), []).append(v)
    return {key: latest_version(versions) for key, versions in groups.items()}


# --- amounts and differences -----------------------------------------------------------------


def _sum(lines: list[BookLine]) -> Amounts:
    if len(lines) == 1:  # the usual case: one voucher, nothing to add
        return Amounts(lines[0].taxable_value, lines[0].igst, lines[0].cess)
    taxable = igst = cess = ZERO
    for line in lines:
        taxable += line.taxable_value
        igst += line.igst
        cess += line.cess
    return Amounts(taxable, igst, cess)


def _amounts(v: BoeVersion) -> Amounts:
    return Amounts(v.taxable_value, v.igst, v.cess)


def _head_diffs(ims: Amounts, other: Amounts, tolerance: Decimal, against: str) -> list[Difference]:
    out = []
    if abs(ims.igst - other.igst) > tolerance:
        out.append(Difference("igst", ims.igst, other.igst, against))
    if abs(ims.cess - other.cess) > tolerance:
        out.append(Difference("cess", ims.cess, other.cess, against))
    return out


_TAXABLE_WHY = ("normal for imports: IGST is charged on assessable value plus customs duty; "
                "not a mismatch")


def _taxable_note(ims: Amounts, books: Amounts, tolerance: Decimal) -> Difference | None:
    if abs(ims.taxable_value - books.taxable_value) > tolerance:
        # field, IMS, books, against, breaks_match, note (in field order: nearly every BoE
        # has one, and keywords cost twice the time)
        return Difference("taxable_value", ims.taxable_value, books.taxable_value, "books",
                          False, _TAXABLE_WHY)
    return None


# The amounts are under the result's differences (the Differences column beside the note):
# the note says only what the difference means, in words that are the same for every BoE.
_TAXABLE_SENTENCE = (" The taxable value differs from the books: normal for imports, as IGST is "
                     "charged on assessable value plus customs duty; it does not affect the match.")


def _repeated_line(lines: list[BookLine], ims: Amounts, tolerance: Decimal) -> list[BookLine]:
    """The copies of a line booked twice, when dropping one copy makes the sum match IMS."""
    if len(lines) < 2:
        return []
    groups: dict[tuple[Decimal, Decimal, Decimal], list[BookLine]] = defaultdict(list)
    for line in lines:
        groups[(line.taxable_value, line.igst, line.cess)].append(line)
    total = _sum(lines)
    for (taxable, igst, cess), same in groups.items():
        if len(same) < 2 or (igst == ZERO and cess == ZERO):
            continue
        rest = Amounts(taxable_value=total.taxable_value - taxable, igst=total.igst - igst,
                       cess=total.cess - cess)
        if not _head_diffs(ims, rest, tolerance, "books"):
            return same
    return []


def _swapped(d: date) -> date | None:
    if d.day > 12 or d.day == d.month:
        return None
    try:
        return date(d.year, d.day, d.month)
    except ValueError:  # pragma: no cover - day <= 12 is always a month
        return None


def _rows(lines: list[BookLine]) -> list[tuple[str, int | None]]:
    if len(lines) == 1:  # the usual case: a comprehension costs a third more
        return [(lines[0].file, lines[0].row)]
    return [(line.file, line.row) for line in lines]


def _vouchers(lines: list[BookLine]) -> str:
    names = [line.voucher or (f"row {line.row}" if line.row is not None else "(no voucher)")
             for line in lines]
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


def _diff_sentence(diffs: list[Difference]) -> str:
    parts = []
    for d in diffs:
        if not d.breaks_match or d.field not in _HEADS:
            continue
        side = "the BoE list" if d.against == "boe_list" else "the books"
        delta = d.ims - d.other  # type: ignore[operator]
        parts.append(f"{_FIELD_WORDS[d.field]} in IMS is {format_inr(d.ims)}, in {side} "
                     f"{format_inr(d.other)} (difference {format_inr(delta)})")
    return "; ".join(parts)


def _duplicate_advice(policy: RejectPolicy, reason: str) -> tuple[ActionCode, str]:
    """A duplicate IMS record: never a Reject under ``block`` (the portal offers none)."""
    if policy is RejectPolicy.BLOCK:
        return (ActionCode.PENDING,
                f"{reason} ims-xl counts it once. If the portal itself lists it twice, Keep "
                "Pending on this one so it is not credited twice (the portal offers only "
                "Accept and Keep Pending for a BoE; reject policy 'block'); if the same file "
                "was loaded twice, delete this row.")
    if policy is RejectPolicy.WARN:
        return (ActionCode.REJECT,
                f"{reason} Reject it, with a remark saying why. The portal may refuse the "
                "Reject: GSTN's advisory of 30-10-2025 offers only Accept or Keep Pending for "
                "BoEs; if it does, Keep Pending.")
    return ActionCode.REJECT, f"{reason} Reject it, with a remark saying why."


def _ims_result(boe: _ImsBoe, status: MatchStatus, note: str = "", *,
                ims: Amounts | None = None, lines: list[BookLine] | None = None,
                books: Amounts | None = None,
                differences: list[Difference] | None = None) -> MatchResult:
    """The result of an IMS BoE: its IMS side (the latest version's amounts, ``ims`` when
    already made), and the book lines matched with it when there are any."""
    latest = boe.latest
    # Keywords without the dict that calling the class builds for them (half the cost of a
    # result, and the match makes one per BoE): the dataclass's own __init__ sets every field.
    result = _new(MatchResult)
    MatchResult.__init__(
        result, status=status, port_code=boe.match_key[0],
        boe_number=_display_number(latest.boe_number), boe_date=latest.boe_date, key=boe.key,
        version_ids=[v.id for v in boe.versions] if len(boe.versions) > 1 else [latest.id],
        latest_id=latest.id, ref_date=latest.ref_date,
        ims=_amounts(latest) if ims is None else ims, books=books,
        differences=[] if differences is None else differences,
        book_rows=[] if lines is None else _rows(lines), note=note,
        sources=("ims",) if lines is None else ("ims", "books"))
    return result


# --- pass 1: exact keys ----------------------------------------------------------------------


@lru_cache(maxsize=16)  # one tolerance per match, on every BoE that agrees
def _agreement(tolerance: Decimal) -> str:
    return f"IMS agrees with the books (IGST and cess within Rs {format_inr(tolerance)})"


@lru_cache(maxsize=256)  # most BoEs agree, with one book line: their notes are one string
def _agreed_note(tolerance: Decimal, book_lines: int, taxable_differs: bool) -> str:
    summed = f", {book_lines} book lines summed" if book_lines > 1 else ""
    taxable = _TAXABLE_SENTENCE if taxable_differs else ""
    return f"{_agreement(tolerance)}{summed}. Accept.{taxable}"



def exact_pass(boes: list[_ImsBoe], book_groups: dict[MatchKey, list[BookLine]],
               used: set[MatchKey], tolerance: Decimal) -> None:
    """Match each BoE with the book lines of its own key (adds those keys to ``used``)."""
    for boe in boes:
        lines = book_groups.get(boe.match_key)
        if lines is not None:
            used.add(boe.match_key)
            boe.result = exact_result(boe, lines, tolerance)
            if len(boe.versions) > 1:
                match_versions(boe.result, boe, lines, tolerance)


def exact_result(boe: _ImsBoe, lines: list[BookLine], tolerance: Decimal) -> MatchResult:
    """A BoE against the book lines of its key: matched, booked twice, or a value mismatch."""
    books = _sum(lines)
    ims = _amounts(boe.latest)
    diffs = _head_diffs(ims, books, tolerance, "books")
    taxable = _taxable_note(ims, books, tolerance)
    if not diffs:
        status = MatchStatus.MATCHED
        note = _agreed_note(tolerance, len(lines), taxable is not None)
    elif repeated := _repeated_line(lines, ims, tolerance):
        status = MatchStatus.DUPLICATE_IN_BOOKS
        note = (f"Booked twice: {_vouchers(repeated)} carry the same amounts, and IMS agrees "
                "with the books once one copy is removed. Accept, and reverse the repeated "
                "voucher in the books.")
        taxable = None  # IMS is right: the books' taxable value is off by the copy too
    else:
        status = MatchStatus.VALUE_MISMATCH
        note = (f"{_diff_sentence(diffs)}. Check the physical BoE and the books; Keep Pending "
                "until they agree." + (_TAXABLE_SENTENCE if taxable else ""))
    if taxable:
        diffs.append(taxable)
    return _ims_result(boe, status, note, ims=ims, lines=lines, books=books,
                       differences=diffs)


# --- an amended BoE, version by version -------------------------------------------------------
#
# The books carry an amended BoE in one of two ways: the original as first booked plus a
# voucher for each amendment's differential (or none yet), or one line re-booked at the
# amended value. Each version is matched for what it adds: the original against the book
# line(s) of its amounts, each amendment's differential (its IGST and cess minus those of the
# version it supersedes) against the lines left; a re-booked line matches the latest version,
# and the earlier ones are superseded. Books of any other shape are compared on the latest
# version alone, as a BoE without amendments is.


def match_versions(result: MatchResult, boe: _ImsBoe, lines: list[BookLine],
                   tolerance: Decimal) -> None:
    """Give each version of an amended BoE its own match (``result.versions``), when the
    books carry it version by version or re-booked; ``result`` stays the latest version's."""
    chain = sorted(boe.versions, key=_version_order(boe.versions))
    steps = booked_version_by_version(chain, lines, tolerance)
    if steps is not None:
        missing = [(v, added) for v, added, taken in steps[1:] if taken is None]
        for v, added, taken in steps[:-1]:
            result.versions[v.id] = _version_result(boe, v, added, taken, chain, tolerance)
        if missing:
            result.status = MatchStatus.DIFFERENTIAL_MISSING
            result.note = _differential_missing_note(steps[0][2] or [], missing)
        elif steps[-1][2] is not None:
            result.note = _booked_with_differential_note(steps)
    elif not _head_diffs(_amounts(chain[-1]), _sum(lines), tolerance, "books"):
        for v in chain[:-1]:  # the books carry the BoE re-booked at its latest value
            result.versions[v.id] = _superseded_result(boe, v, chain[-1], lines)


def _version_order(versions: list[BoeVersion]):
    """The order in which versions supersede each other: the original, then amendments by
    reference date, then input order (as :func:`latest_version` takes the last)."""
    position = {id(v): i for i, v in enumerate(versions)}
    return lambda v: (v.amendment, v.ref_date or date.min, position[id(v)])


# one version's step: the version, what it adds (the original: all of it), the lines
# booked for it (None: none found; [] for an amendment that adds no IGST or cess)
_Step = tuple[BoeVersion, Amounts, "list[BookLine] | None"]


def booked_version_by_version(chain: list[BoeVersion], lines: list[BookLine],
                              tolerance: Decimal) -> list[_Step] | None:
    """Each version of ``chain`` (original first) with what it adds and the book lines that
    carry it, taking lines in book order; ``None`` when the books do not carry the original
    as first booked, or hold lines that no version explains."""
    left = list(lines)
    original = _amounts(chain[0])
    taken = _take_lines(original, left, tolerance)
    if taken is None:
        return None
    steps: list[_Step] = [(chain[0], original, taken)]
    for before, v in zip(chain, chain[1:]):
        added = _differential(v, before)
        if not _head_diffs(added, Amounts(), tolerance, "books"):
            steps.append((v, added, []))  # nothing to book: a GSTIN or taxable-only change
        else:
            steps.append((v, added, _take_lines(added, left, tolerance)))
    return None if left else steps


def _differential(version: BoeVersion, before: BoeVersion) -> Amounts:
    return Amounts(taxable_value=version.taxable_value - before.taxable_value,
                   igst=version.igst - before.igst, cess=version.cess - before.cess)


def _take_lines(amounts: Amounts, left: list[BookLine],
                tolerance: Decimal) -> list[BookLine] | None:
    """The first line of ``left`` that carries ``amounts`` (IGST and cess within tolerance),
    else all of ``left`` when together they do; taken out of ``left``. ``None``: neither."""
    for i, line in enumerate(left):
        if not _head_diffs(amounts, _sum([line]), tolerance, "books"):
            return [left.pop(i)]
    if left and not _head_diffs(amounts, _sum(left), tolerance, "books"):
        taken = left[:]
        left.clear()
        return taken
    return None


def _version_result(boe: _ImsBoe, v: BoeVersion, added: Amounts, taken: list[BookLine] | None,
                    chain: list[BoeVersion], tolerance: Decimal) -> MatchResult:
    """An earlier version's own result: matched, or its differential missing."""
    what = _what_it_adds(v, added)
    if taken is None:
        status = MatchStatus.DIFFERENTIAL_MISSING
        note = (f"The books lack {what}. Book it (a voucher for the difference), then "
                "Accept; until then Keep Pending.")
    elif not taken:
        status, note = MatchStatus.MATCHED, f"{_capital(what)}: nothing to book. Accept."
    else:
        status = MatchStatus.MATCHED
        note = f"The books carry {what} in {_vouchers(taken)}. Accept."
    return _one_version(boe, v, status, note, taken)


def _superseded_result(boe: _ImsBoe, v: BoeVersion, latest: BoeVersion,
                       lines: list[BookLine]) -> MatchResult:
    books = _sum(lines)
    note = (f"Superseded by the amendment of {_day(latest)}: the books carry the BoE as "
            f"amended (IGST {format_inr(books.igst)}"
            + (f", cess {format_inr(books.cess)}" if books.cess else "")
            + f") in {_vouchers(lines)}, which includes this version. Accept.")
    return _one_version(boe, v, MatchStatus.SUPERSEDED, note, lines)


def _one_version(boe: _ImsBoe, v: BoeVersion, status: MatchStatus, note: str,
                 lines: list[BookLine] | None) -> MatchResult:
    return MatchResult(
        status=status, port_code=boe.match_key[0], boe_number=_display_number(v.boe_number),
        boe_date=v.boe_date, key=boe.key, version_ids=[v.id], latest_id=v.id,
        ref_date=v.ref_date, ims=_amounts(v), books=_sum(lines) if lines else None,
        book_rows=_rows(lines) if lines else [], note=note,
        sources=("ims", "books") if lines else ("ims",))


def _what_it_adds(v: BoeVersion, added: Amounts) -> str:
    tax = f"IGST {format_inr(added.igst)}" + (f", cess {format_inr(added.cess)}"
                                              if added.cess else "")
    if not v.amendment:
        return f"the original ({tax})"
    return f"the differential of the amendment of {_day(v)} ({tax})"


def _day(v: BoeVersion) -> str:
    return format_date(v.ref_date) if v.ref_date else "(no reference date)"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _differential_missing_note(original_lines: list[BookLine],
                               missing: list[tuple[BoeVersion, Amounts]]) -> str:
    lacks = " and ".join(_what_it_adds(v, added) for v, added in missing)
    return (f"The books carry the original in {_vouchers(original_lines)} but lack {lacks}. "
            "Accept the original; book the differential (a voucher for the difference), then "
            "Accept the amendment; until then Keep Pending on it.")


def _booked_with_differential_note(steps: list[_Step]) -> str:
    parts = [f"{what} in {_vouchers(taken)}" if taken else f"{what}, nothing to book"
             for what, taken in ((_what_it_adds(v, added), taken) for v, added, taken in steps)]
    return f"IMS agrees with the books version by version: {'; '.join(parts)}. Accept."


# --- pass 2: probable matches among the book keys left ---------------------------------------


class _BooksLeft:
    """The book keys no exact match took, indexed for the probable pass."""

    __slots__ = ("groups", "used", "keys", "by_port_number", "by_number_date")

    def __init__(self, groups: dict[MatchKey, list[BookLine]], used: set[MatchKey]) -> None:
        self.groups, self.used = groups, used
        self.keys = [key for key in groups if key not in used]   # in book order
        self.by_port_number: dict[tuple[str, str], list[MatchKey]] = defaultdict(list)
        self.by_number_date: dict[tuple[str, date], list[MatchKey]] = defaultdict(list)
        for key in self.keys:
            port, number, when = key
            self.by_port_number[(port, number)].append(key)
            if when is not None:
                self.by_number_date[(number, when)].append(key)

    def dated(self, port: str, number: str) -> list[MatchKey]:
        """The unused dated keys of this port and number."""
        return [k for k in self.by_port_number.get((port, number), ())
                if k not in self.used and k[2] is not None]


def probable_pass(boes: list[_ImsBoe], book_groups: dict[MatchKey, list[BookLine]],
                  used: set[MatchKey], terms: _MatchTerms) -> list[MatchKey]:
    """Pair each BoE without an exact key with a book key left, as the module docstring
    orders the tries (adds the keys taken to ``used``). Returns the book keys that no pass
    took, in book order."""
    left = _BooksLeft(book_groups, used)
    for boe in boes:
        if boe.result is not None:
            continue
        found = probable_books(boe, left, terms)
        if found is not None:
            used.add(found[0])
            boe.result = probable_result(boe, book_groups[found[0]], found[1], found[2],
                                         terms.tolerance)
    return [key for key in left.keys if key not in used]


def probable_result(boe: _ImsBoe, lines: list[BookLine], why: str, difference: Difference,
                    tolerance: Decimal) -> MatchResult:
    books = _sum(lines)
    result = _ims_result(boe, MatchStatus.PROBABLE, lines=lines, books=books)
    ims = result.ims
    assert ims is not None
    result.differences = [difference] + _head_diffs(ims, books, tolerance, "books")
    amount_text = _diff_sentence(result.differences)
    result.note = (f"Probably in the books: {why}. Check it against the physical BoE and "
                   "correct the books, then Accept; until then Keep Pending."
                   + (f" Also: {amount_text}." if amount_text else ""))
    taxable = _taxable_note(ims, books, tolerance)
    if taxable:
        result.differences.append(taxable)
    return result


_Probable = tuple[MatchKey, str, Difference]   # the book key, why, the date or port difference


def probable_books(boe: _ImsBoe, left: _BooksLeft, terms: _MatchTerms) -> _Probable | None:
    """The book key that probably is this BoE, with why and the difference, or ``None``."""
    port, number, when = boe.match_key
    if when is None:
        return None
    found = _probable_by_date(boe, left.dated(port, number), when, terms.probable_days)
    if found is not None:
        return found
    undated = (port, number, None)
    if undated not in left.used and undated in left.groups:
        why = f"the books carry this port and number without a BoE date ({format_date(when)})"
        return undated, why, Difference(field="boe_date", ims=when, other=None,
                                        note="no date in the books")
    return _probable_at_another_port(boe, left, terms.tolerance)


def _probable_by_date(boe: _ImsBoe, candidates: list[MatchKey], when: date,
                      probable_days: int) -> _Probable | None:
    """Same port and number: the nearest date within ``probable_days``, the reference date,
    or the BoE date with day and month swapped."""
    near = [(abs((k[2] - when).days), k) for k in candidates]  # type: ignore[operator]
    near = [(days, k) for days, k in near if days <= probable_days]
    if near:
        days, k = min(near, key=lambda dk: dk[0])
        after = "after" if k[2] > when else "before"  # type: ignore[operator]
        why = (f"the books date it {format_date(k[2])}, {days} day{'s' if days != 1 else ''} "  # type: ignore[arg-type]
               f"{after} the BoE date {format_date(when)} (books often carry the reference "
               "or out-of-charge date)")
        return k, why, Difference(field="boe_date", ims=when, other=k[2],
                                  note=f"{days} days apart")
    ref_dates = {v.ref_date for v in boe.versions if v.ref_date is not None}
    for k in candidates:
        if k[2] in ref_dates:
            why = (f"the books date it {format_date(k[2])}, the ICEGATE reference date, "  # type: ignore[arg-type]
                   f"not the BoE date {format_date(when)}")
            return k, why, Difference(field="boe_date", ims=when, other=k[2],
                                      note="books carry the reference date")
    swapped = _swapped(when)
    for k in candidates:
        if swapped is not None and k[2] == swapped:
            why = (f"the books date it {format_date(swapped)}, the BoE date "
                   f"{format_date(when)} with day and month swapped")
            return k, why, Difference(field="boe_date", ims=when, other=swapped,
                                      note="day and month swapped")
    return None


def _probable_at_another_port(boe: _ImsBoe, left: _BooksLeft,
                              tolerance: Decimal) -> _Probable | None:
    """Same number and date at another port, when IGST and cess agree within tolerance."""
    port, number, when = boe.match_key
    ims = _amounts(boe.latest)
    for k in left.by_number_date.get((number, when), ()):  # type: ignore[arg-type]
        if k in left.used or k[0] == port:
            continue
        if _head_diffs(ims, _sum(left.groups[k]), tolerance, "books"):
            continue
        why = (f"the books carry the same number and date at port {k[0]}, not {port}, with the "
               "same IGST and cess")
        return k, why, Difference(field="port_code", ims=port, other=k[0],
                                  note="different port")
    return None


# --- the results -----------------------------------------------------------------------------


def results(boes: list[_ImsBoe], books_left: dict[MatchKey, list[BookLine]],
            listed: dict[MatchKey, BoeVersion] | None,
            terms: _MatchTerms) -> list[MatchResult]:
    """Every IMS BoE's result (not in books when no pass found it), checked against the BoE
    list, with its suggestion, each IMS duplicate after it; then what IMS lacks (the book
    lines of ``books_left``, the keys no pass took, and the BoE list's)."""
    ordered: list[MatchResult] = []
    for boe in boes:
        result = boe.result
        if result is None:
            result = _ims_result(boe, MatchStatus.NOT_IN_BOOKS, (
                "Not in the books. If the goods are in transit, in a bonded warehouse or "
                "awaiting a quality check, Keep Pending; once booked, Accept."))
        if listed is not None:
            _compare_boe_list(result, listed.get(boe.match_key), terms.tolerance)
        _suggest(result, boe, terms.own_gstin, terms.ims_start)
        ordered.append(result)
        for duplicate, first in boe.duplicates:
            ordered.append(_duplicate_result(boe, duplicate, first, terms))
    # A book key that is an IMS BoE's own key is not left (the exact pass took it): only
    # the BoE list's keys need the IMS keys.
    ims_keys = {boe.match_key for boe in boes} if listed else set()
    ordered += not_in_ims(books_left, listed or {}, ims_keys)
    return ordered


def not_in_ims(books_left: dict[MatchKey, list[BookLine]], listed: dict[MatchKey, BoeVersion],
               ims_keys: set[MatchKey]) -> list[MatchResult]:
    """One result per BoE that the books (the keys no pass took: ``books_left``) or the BoE
    list have and IMS lacks (``ims_keys``: the IMS BoEs' keys): books first, in their order."""
    missing: dict[MatchKey, MatchResult] = {}
    for key, lines in books_left.items():
        if key in ims_keys:
            continue
        missing[key] = MatchResult(
            status=MatchStatus.NOT_IN_IMS, port_code=key[0],
            boe_number=_display_number(lines[0].boe_number), boe_date=key[2], books=_sum(lines),
            book_rows=_rows(lines), sources=("books",))
    for key, v in listed.items():
        if key in ims_keys:
            continue
        result = missing.get(key)
        if result is None:
            result = missing[key] = MatchResult(
                status=MatchStatus.NOT_IN_IMS, port_code=key[0],
                boe_number=_display_number(v.boe_number), boe_date=key[2], sources=("boe_list",))
        else:
            result.sources = ("books", "boe_list")
        result.key, result.boe_list, result.ref_date = v.key, _amounts(v), v.ref_date
    for result in missing.values():
        result.note = (f"Not in IMS, but {_WHO_HAS_IT[result.sources]}. Use Fetch BoE on the "
                       "portal (port code, BoE number, BoE date) to bring it from ICEGATE.")
    return list(missing.values())


_WHO_HAS_IT = {("books",): "the books have it", ("boe_list",): "the customs BoE list has it",
               ("books", "boe_list"): "the books and the customs BoE list have it"}


def _compare_boe_list(result: MatchResult, listed: BoeVersion | None, tolerance: Decimal) -> None:
    if listed is None:
        if result.status is MatchStatus.MATCHED:
            result.status = MatchStatus.NOT_IN_BOE_LIST
            result.note = ("IMS and the books agree, but the customs BoE list you loaded lacks "
                           "this BoE. Check it on ICEGATE or the physical BoE; Keep Pending until "
                           "confirmed (if the list does not cover this BoE's date, Accept).")
        else:
            result.note += " The customs BoE list you loaded lacks it too."
        return
    result.boe_list = _amounts(listed)
    result.sources = result.sources + ("boe_list",)
    diffs = _head_diffs(result.ims, result.boe_list, tolerance, "boe_list")  # type: ignore[arg-type]
    if not diffs:
        return
    result.differences.extend(diffs)
    sentence = _diff_sentence(diffs)
    if result.status is MatchStatus.MATCHED:
        result.status = MatchStatus.VALUE_MISMATCH
        result.note = (f"IMS agrees with the books but not with the customs BoE list: {sentence}. "
                       "Check the physical BoE; Keep Pending until they agree.")
    else:
        result.note += f" Against the customs BoE list: {sentence}."


def _suggest(result: MatchResult, boe: _ImsBoe, own: str, ims_start: _ImsStart) -> None:
    latest = boe.latest
    assert latest is not None
    theirs = _norm_gstin(latest.importer_gstin)
    whose = ""   # another GSTIN's BoE, or one moved to another GSTIN (else the user's own)
    if own and theirs and theirs != own:
        if _moved(boe, latest, theirs, own):
            whose = "moved"
            result.moved_to = theirs
        else:
            whose = "other"
            result.other_gstin = theirs
    origin = ims_start.origin_before(latest)
    if origin is not None:
        # every action on it is ignored (ACTION_BEFORE_IMS): suggesting one would mislead
        result.note = ims_start.note(origin, _whose_sentence(whose, theirs, own, in_ims=False),
                                     _books_check(result), result.status in _SAME_CHECK)
        return
    if whose == "moved":
        result.suggested_action = ActionCode.ACCEPT
        result.note = (
            f"Customs moved this BoE to GSTIN {theirs} (a GSTIN amendment): it is no longer "
            "your import. Accept it (or let it be deemed accepted): that reverses the credit "
            "you took on it in GSTR-3B Table 4 (netted against the period's import credit); "
            "declare the same amount when the portal asks for the ITC to reverse."
            + (" Your books still carry it: take it out of them too, as the goods now belong "
               "to that registration." if result.books is not None else ""))
    elif whose == "other":
        result.suggested_action = ActionCode.PENDING
        result.note = (_whose_sentence(whose, theirs, own, in_ims=True)
                       + (" Your books carry it: check which registration imported the goods."
                          if result.books is not None else ""))
    elif result.status in (MatchStatus.MATCHED, MatchStatus.DUPLICATE_IN_BOOKS):
        result.suggested_action = ActionCode.ACCEPT
    else:
        result.suggested_action = ActionCode.PENDING
    if whose:  # another GSTIN's BoE, or a moved one: its GSTIN decides for every version
        result.versions.clear()
    if result.versions:
        _suggest_for_versions(result, boe, ims_start)


def _suggest_for_versions(result: MatchResult, boe: _ImsBoe, ims_start: _ImsStart) -> None:
    """Each earlier version's own suggestion: Accept what the books carry, Keep Pending what
    they lack, none before IMS."""
    for v in boe.versions:
        version_result = result.versions.get(v.id)
        if version_result is None:
            continue
        origin = ims_start.origin_before(v)
        if origin is not None:
            version_result.note = ims_start.note(origin, "", _books_check(version_result), False)
        elif version_result.status is MatchStatus.DIFFERENTIAL_MISSING:
            version_result.suggested_action = ActionCode.PENDING
        else:
            version_result.suggested_action = ActionCode.ACCEPT


def _moved(boe: _ImsBoe, latest: BoeVersion, theirs: str, own: str) -> bool:
    """A GSTIN amendment (rules.md section 1): the latest version is an amendment naming
    another valid GSTIN, and an earlier version had this GSTIN (or none). The latest is last
    in version order, so every other version of the BoE is an earlier one."""
    return latest.amendment and _gstin.is_valid(theirs) and any(
        v is not latest and _norm_gstin(v.importer_gstin) in ("", own) for v in boe.versions)


def _whose_sentence(whose: str, theirs: str, own: str, *, in_ims: bool) -> str:
    """What another importer GSTIN on the BoE means, in the accountant's words; ``in_ims``:
    with the IMS action to take (Keep Pending: the portal has no Reject for a BoE)."""
    if whose == "moved":
        return (f"Customs moved it to GSTIN {theirs} (a GSTIN amendment): the credit taken on "
                "it is reversed in GSTR-3B Table 4 (netted against the period's import "
                "credit).")
    if whose != "other":
        return ""
    amend = ("ask customs (ICEGATE) for a GSTIN amendment of the BoE, so that it moves to the "
             "right GSTIN.")
    if not _gstin.is_valid(theirs):
        found = (f"IMS shows importer GSTIN {theirs!r}, which is not a valid GSTIN: check the "
                 "file you loaded. ims-xl leaves this BoE out of your figures.")
        keep = " Keep Pending until you know whose BoE it is." if in_ims else ""
        return f"{found}{keep} If customs named the wrong importer, {amend}"
    found = (f"IMS shows importer GSTIN {theirs}, not yours ({own}): this BoE is another "
             "registration's, and ims-xl leaves it out of your figures.")
    if in_ims:
        return (f"{found} Keep Pending (the portal offers only Accept and Keep Pending for a "
                f"BoE), and if customs named the wrong importer, {amend}")
    return f"{found} If customs named the wrong importer, {amend}"


# statuses whose check of the books (_books_check) is the same sentence for every BoE
_SAME_CHECK = frozenset({MatchStatus.MATCHED, MatchStatus.DUPLICATE_IN_BOOKS,
                         MatchStatus.NOT_IN_BOE_LIST, MatchStatus.NOT_IN_BOOKS})


def _books_check(result: MatchResult) -> str:
    """The match as a check of the books only, without advice on an IMS action."""
    status = result.status
    if status is MatchStatus.MATCHED:
        return "IMS agrees with the books."
    if status is MatchStatus.DUPLICATE_IN_BOOKS:
        return "It is booked twice: reverse the repeated voucher in the books."
    if status is MatchStatus.VALUE_MISMATCH:
        return f"{_diff_sentence(result.differences)}: check the physical BoE and the books."
    if status is MatchStatus.PROBABLE:
        return (f"The books probably carry it ({result.differences[0]}): correct the books."
                if result.differences else "The books probably carry it: correct the books.")
    if status is MatchStatus.NOT_IN_BOE_LIST:
        return ("IMS and the books agree, but the customs BoE list you loaded lacks it: check "
                "it on ICEGATE.")
    if status is MatchStatus.DIFFERENTIAL_MISSING:
        return "The books lack the amendment's differential: book it."
    if status is MatchStatus.SUPERSEDED:
        return "The books carry the BoE as amended, which includes this version."
    return "It is not in the books: book it once the goods are received."


def _duplicate_result(boe: _ImsBoe, dup: BoeVersion, first: BoeVersion,
                      terms: _MatchTerms) -> MatchResult:
    own = terms.own_gstin
    reason = (f"Record {dup.id} repeats record {first.id} (same BoE, amendment flag and "
              "reference date): a duplicate.")
    action, note = _duplicate_advice(terms.policy, reason)
    return MatchResult(
        status=MatchStatus.DUPLICATE_IN_IMS, port_code=boe.match_key[0],
        boe_number=_display_number(dup.boe_number), boe_date=dup.boe_date, key=boe.key,
        version_ids=[dup.id], latest_id=dup.id, ref_date=dup.ref_date, ims=_amounts(dup),
        suggested_action=action, note=note, sources=("ims",), duplicate_of=first.id,
        other_gstin=(_norm_gstin(dup.importer_gstin)
                     if own and dup.importer_gstin and _norm_gstin(dup.importer_gstin) != own
                     else None))

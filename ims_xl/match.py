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
  match is only probable, or a loaded BoE list lacks it.
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

    @property
    def label(self) -> str:
        """The accountant's words: ``Not in books``, ``Value mismatch``..."""
        return {"not_in_ims": "Not in IMS", "not_in_boe_list": "Not in BoE list",
                "duplicate_in_ims": "Duplicate in IMS"}.get(
                    self.value, self.value.replace("_", " ").capitalize())


@dataclass(frozen=True, slots=True)
class Amounts:
    """Taxable value, IGST and cess of one side (books: the sum of the BoE's lines)."""

    taxable_value: Decimal = ZERO
    igst: Decimal = ZERO
    cess: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Difference:
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
    note: str = ""                         # a property, see _get_note below
    sources: tuple[str, ...] = ()          # where the BoE was found: "ims", "books", "boe_list"
    other_gstin: str | None = None         # the importer GSTIN, when it is not the user's
    duplicate_of: str | None = None        # for duplicate_in_ims: the id kept
    moved_to: str | None = None            # a GSTIN amendment: the GSTIN customs moved it to
    # The note's text, and a taxable-value difference whose sentence is still to be added
    # to it: that sentence (two format_inr) is written only when someone reads the note.
    # Both are set by the ``note`` setter, which __init__ calls.
    _note: str = field(init=False, repr=False, compare=False)
    _taxable_tail: Difference | None = field(init=False, repr=False, compare=False)

    @property
    def match_key(self) -> MatchKey:
        return (self.port_code, _norm_number(self.boe_number), self.boe_date)


def _get_note(self: MatchResult) -> str:
    tail = self._taxable_tail
    if tail is not None:
        self._taxable_tail = None
        self._note = (f"{self._note} Taxable value differs (IMS {format_inr(tail.ims)}, books "
                      f"{format_inr(tail.other)}): normal for imports, as IGST is charged on "
                      "assessable value plus customs duty; it does not affect the match.")
    return self._note


def _set_note(self: MatchResult, text: str) -> None:
    self._note = text
    self._taxable_tail = None


# ``note`` stays a dataclass field (constructor, repr, ==, replace() all see it), but reads and
# writes go through this property, which renders a pending taxable-value sentence on first
# read. About 97% of BoEs carry one and most notes are never read (only the Reconciliation
# sheet and the exports show them), so pass 1 of the match leaves it unrendered.
MatchResult.note = property(_get_note, _set_note)  # type: ignore[assignment,method-assign]


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
    if type(value) is str and value.isascii() and value.isalnum():  # the usual case, fast
        return value.upper()
    try:
        return _port_code.compact(value)
    except (ValidationError, ValueError, TypeError):
        return str(value).strip().upper()


def _norm_number(value: object) -> str:
    if type(value) is str and value.isascii() and value.isdigit():  # the usual case, fast
        return _boe_number.same_boe(value)
    try:
        return _boe_number.identity(value)
    except (ValidationError, ValueError, TypeError):
        try:
            text = _boe_number.compact(value)
        except (ValidationError, ValueError, TypeError):
            text = str(value).strip()
        return _boe_number.same_boe(text)


def _display_number(value: object) -> str:
    """The number as the BoE shows it (leading zeros kept), for display and Fetch BoE."""
    if type(value) is str and value.isascii() and value.isdigit():
        return value
    try:
        return _boe_number.compact(value)
    except (ValidationError, ValueError, TypeError):
        return str(value).strip()


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
    if type(port_code) is str and type(boe_number) is str and port_code.isascii() and \
            port_code.isalnum() and boe_number.isascii() and boe_number.isdigit():
        # the usual case, as _norm_port and _norm_number take it, without their calls
        return (port_code.upper(), _boe_number.same_boe(boe_number), boe_date)
    return (_norm_port(port_code), _norm_number(boe_number), boe_date)


def results_by_version(results: list[MatchResult]) -> dict[str, MatchResult]:
    """Each IMS version id with the result that covers it."""
    return {vid: r for r in results for vid in r.version_ids}


# ---------------------------------------------------------------------------------------------
# the match


class _ImsBoe:
    """The versions of one IMS BoE while matching; ``key`` is set from the latest version."""

    __slots__ = ("key", "mkey", "versions", "latest", "result", "duplicates")

    def __init__(self) -> None:
        self.key: BoeKey | None = None
        self.mkey: MatchKey | None = None
        self.versions: list[BoeVersion] = []    # in input order, duplicates left out
        self.latest: BoeVersion | None = None
        self.result: MatchResult | None = None
        self.duplicates: list[tuple[BoeVersion, BoeVersion]] = _NONE  # a list once one is seen


_NONE: list = []  # shared, never appended to: most BoEs have no duplicate


def _ident(v: BoeVersion) -> tuple:
    """:attr:`BoeVersion.key` as a plain tuple (same fields, same normalisation): hashing a
    tuple is much faster than hashing the dataclass, and this runs for every version."""
    return (v.section, v.port_code.strip().upper(), _boe_number.same_boe(v.boe_number),
            v.boe_date)


def _latest(versions: list[BoeVersion]) -> BoeVersion:
    """Amendments supersede the original; among amendments the latest reference date, then
    the later in input order (``versions`` is in input order)."""
    if len(versions) == 1:
        return versions[0]
    return max(enumerate(versions),
               key=lambda iv: (iv[1].amendment, iv[1].ref_date or date.min, iv[0]))[1]


# Amounts and Difference are frozen dataclasses, whose __init__ sets each field through
# object.__setattr__: about twice the cost of setting the slots directly, as these two do
# (same objects). The match builds three per BoE.
_new = object.__new__
_set_taxable, _set_igst, _set_cess = (Amounts.taxable_value.__set__, Amounts.igst.__set__,
                                      Amounts.cess.__set__)


def _make_amounts(taxable_value: Decimal, igst: Decimal, cess: Decimal) -> Amounts:
    amounts = _new(Amounts)
    _set_taxable(amounts, taxable_value)
    _set_igst(amounts, igst)
    _set_cess(amounts, cess)
    return amounts


def _sum(lines: list[BookLine]) -> Amounts:
    t = i = c = ZERO
    for line in lines:
        t += line.taxable_value
        i += line.igst
        c += line.cess
    return _make_amounts(t, i, c)


def _amounts(v: BoeVersion) -> Amounts:
    return _make_amounts(v.taxable_value, v.igst, v.cess)


def _head_diffs(ims: Amounts, other: Amounts, tolerance: Decimal, against: str) -> list[Difference]:
    out = []
    if abs(ims.igst - other.igst) > tolerance:
        out.append(Difference("igst", ims.igst, other.igst, against))
    if abs(ims.cess - other.cess) > tolerance:
        out.append(Difference("cess", ims.cess, other.cess, against))
    return out


_TAXABLE_WHY = ("normal for imports: IGST is charged on assessable value plus customs duty; "
                "not a mismatch")
_set_field, _set_ims, _set_other, _set_against, _set_breaks, _set_why = (
    Difference.field.__set__, Difference.ims.__set__, Difference.other.__set__,  # type: ignore[attr-defined]
    Difference.against.__set__, Difference.breaks_match.__set__, Difference.note.__set__)  # type: ignore[attr-defined]


def _taxable_note(ims: Amounts, books: Amounts, tolerance: Decimal) -> Difference | None:
    if abs(ims.taxable_value - books.taxable_value) > tolerance:
        # Difference("taxable_value", ims, books, "books", breaks_match=False, note=...),
        # built as _make_amounts does: nearly every BoE has one
        diff = _new(Difference)
        _set_field(diff, "taxable_value")
        _set_ims(diff, ims.taxable_value)
        _set_other(diff, books.taxable_value)
        _set_against(diff, "books")
        _set_breaks(diff, False)
        _set_why(diff, _TAXABLE_WHY)
        return diff
    return None


def _repeated_line(lines: list[BookLine], ims: Amounts, tolerance: Decimal) -> list[BookLine]:
    """The copies of a line booked twice, when dropping one copy makes the sum match IMS."""
    if len(lines) < 2:
        return []
    groups: dict[tuple[Decimal, Decimal, Decimal], list[BookLine]] = defaultdict(list)
    for line in lines:
        groups[(line.taxable_value, line.igst, line.cess)].append(line)
    total = _sum(lines)
    for (t, i, c), same in groups.items():
        if len(same) < 2 or (i == ZERO and c == ZERO):
            continue
        rest = Amounts(total.taxable_value - t, total.igst - i, total.cess - c)
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
    if len(lines) == 1:  # the usual case, without a comprehension's frame
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
    policy = RejectPolicy(settings.reject_policy if reject_policy is None else reject_policy)
    gstin = settings.gstin if gstin is None else gstin
    with gc_paused():  # see ims_xl.gcpause: half the time at 100,000 BoEs
        return _match(ims, books, boe_list, gstin, tolerance, policy, probable_days,
                      _ImsStart(settings))


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


def _match(ims: list[BoeVersion], books: list[BookLine], boe_list: list[BoeVersion] | None,
           gstin: str | None, tolerance: Decimal, policy: RejectPolicy, probable_days: int,
           ims_start: _ImsStart) -> list[MatchResult]:
    tolerance = Decimal(tolerance)
    own = _norm_gstin(gstin)

    # --- IMS: group versions into BoEs, spot duplicates, take the latest version ---
    boes: dict[tuple, _ImsBoe] = {}
    for v in ims:
        key = _ident(v)
        boe = boes.get(key)
        if boe is None:
            boe = boes[key] = _ImsBoe()
            boe.versions.append(v)
            continue
        # a duplicate repeats an earlier version's amendment flag and reference date
        for first in boe.versions:
            if first.amendment == v.amendment and first.ref_date == v.ref_date:
                if boe.duplicates is _NONE:
                    boe.duplicates = []
                boe.duplicates.append((v, first))
                break
        else:
            boe.versions.append(v)
    ims_mkeys: set[MatchKey] = set()
    for key, boe in boes.items():
        latest = boe.latest = _latest(boe.versions)
        boe.key = BoeKey._make(key)  # latest.key: every version of the BoE has this identity
        port, number = latest.port_code, latest.boe_number
        if port.isascii() and port.isalnum() and number.isascii() and number.isdigit():
            boe.mkey = key[1:]  # what match_key gives: the identity without its section
        else:
            boe.mkey = match_key(port, number, latest.boe_date)
        ims_mkeys.add(boe.mkey)

    # --- books: group lines by key (split vouchers) ---
    book_groups: dict[MatchKey, list[BookLine]] = {}
    for line in books:
        if own and line.importer_gstin and _norm_gstin(line.importer_gstin) != own:
            continue
        mk = match_key(line.port_code, line.boe_number, line.boe_date)
        group = book_groups.get(mk)
        if group is None:
            book_groups[mk] = [line]
        else:
            group.append(line)

    # --- BoE list: latest version per key ---
    list_groups: dict[MatchKey, list[BoeVersion]] = {}
    if boe_list is not None:
        for v in boe_list:
            if own and v.importer_gstin and _norm_gstin(v.importer_gstin) != own:
                continue
            mk = match_key(v.port_code, v.boe_number, v.boe_date)
            list_groups.setdefault(mk, []).append(v)
    list_latest = {mk: _latest(vs) for mk, vs in list_groups.items()}

    matched_note = ("IMS agrees with the books (IGST and cess within "
                    f"Rs {format_inr(tolerance)}). Accept.")
    used_books: set[MatchKey] = set()

    def base(boe: _ImsBoe, status: MatchStatus, note: str = "",
             ims_amounts: Amounts | None = None) -> MatchResult:
        latest = boe.latest
        assert latest is not None and boe.mkey is not None
        # positional (keywords cost a third more, on every BoE): status, port_code,
        # boe_number, boe_date, key, version_ids, latest_id, ref_date, ims, books, boe_list,
        # differences, book_rows, suggested_action, note, sources
        return MatchResult(
            status, boe.mkey[0], _display_number(latest.boe_number), latest.boe_date, boe.key,
            [v.id for v in boe.versions] if len(boe.versions) > 1 else [latest.id],
            latest.id, latest.ref_date,
            _amounts(latest) if ims_amounts is None else ims_amounts, None, None, [], [], None,
            note, ("ims",))

    # --- pass 1: exact keys ---
    for boe in boes.values():
        mk = boe.mkey
        lines = book_groups.get(mk)  # type: ignore[arg-type]
        if lines is None:
            continue
        used_books.add(mk)  # type: ignore[arg-type]
        ims_amounts = _amounts(boe.latest)  # type: ignore[arg-type]
        books_sum = _sum(lines)
        diffs = _head_diffs(ims_amounts, books_sum, tolerance, "books")
        status = MatchStatus.MATCHED
        if not diffs:
            note = (matched_note if len(lines) == 1 else
                    f"{matched_note[:-9]}, {len(lines)} book lines summed. Accept.")
        else:
            repeated = _repeated_line(lines, ims_amounts, tolerance)
            if repeated:
                status = MatchStatus.DUPLICATE_IN_BOOKS
                note = (f"Booked twice: {_vouchers(repeated)} carry the same amounts, and IMS "
                        "agrees with the books once one copy is removed. Accept, and reverse "
                        "the repeated voucher in the books.")
            else:
                status = MatchStatus.VALUE_MISMATCH
                note = (f"{_diff_sentence(diffs)}. Check the physical BoE and the books; Keep "
                        "Pending until they agree.")
        result = boe.result = base(boe, status, note, ims_amounts)
        result.books = books_sum
        result.book_rows = _rows(lines)
        result.sources = ("ims", "books")
        result.differences = diffs
        taxable = (None if status is MatchStatus.DUPLICATE_IN_BOOKS
                   else _taxable_note(ims_amounts, books_sum, tolerance))
        if taxable:
            diffs.append(taxable)
            result._taxable_tail = taxable  # its sentence joins the note when read

    # --- pass 2: probable matches among the book keys left ---
    by_port_number: dict[tuple[str, str], list[MatchKey]] = defaultdict(list)
    by_number_date: dict[tuple[str, date], list[MatchKey]] = defaultdict(list)
    left: list[MatchKey] = []  # the book keys no exact match took, in book order
    for mk in book_groups:
        if mk in used_books:
            continue
        left.append(mk)
        by_port_number[(mk[0], mk[1])].append(mk)
        if mk[2] is not None:
            by_number_date[(mk[1], mk[2])].append(mk)

    for boe in boes.values():
        if boe.result is not None:
            continue
        mk = boe.mkey
        assert mk is not None and boe.latest is not None
        found = _probable(boe, mk, book_groups, used_books, by_port_number, by_number_date,
                          tolerance, probable_days)
        if found is None:
            continue
        bkey, why, diff = found
        used_books.add(bkey)
        lines = book_groups[bkey]
        result = base(boe, MatchStatus.PROBABLE)
        books_sum = _sum(lines)
        result.books = books_sum
        result.book_rows = _rows(lines)
        result.sources = ("ims", "books")
        result.differences = [diff] + _head_diffs(result.ims, books_sum, tolerance, "books")  # type: ignore[arg-type]
        amount_text = _diff_sentence(result.differences)
        result.note = (f"Probably in the books: {why}. Check it against the physical BoE and "
                       "correct the books, then Accept; until then Keep Pending."
                       + (f" Also: {amount_text}." if amount_text else ""))
        taxable = _taxable_note(result.ims, books_sum, tolerance)  # type: ignore[arg-type]
        if taxable:
            result.differences.append(taxable)
        boe.result = result

    # --- the rest of IMS: not in books; then the BoE list; then the suggested actions ---
    ordered: list[MatchResult] = []
    for boe in boes.values():
        result = boe.result
        if result is None:
            result = base(boe, MatchStatus.NOT_IN_BOOKS, (
                "Not in the books. If the goods are in transit, in a bonded warehouse or "
                "awaiting a quality check, Keep Pending; once booked, Accept."))
        if boe_list is not None:
            _compare_boe_list(result, list_latest.get(boe.mkey), tolerance)  # type: ignore[arg-type]
        _suggest(result, boe, own, ims_start)
        ordered.append(result)
        for dup, first in boe.duplicates:
            ordered.append(_duplicate_result(boe, dup, first, own, policy))

    # --- not in IMS: book keys never used, then BoE-list keys IMS lacks ---
    missing: dict[MatchKey, MatchResult] = {}
    for mk in left:
        if mk in used_books or mk in ims_mkeys:
            continue
        lines = book_groups[mk]
        first = lines[0]
        missing[mk] = MatchResult(
            status=MatchStatus.NOT_IN_IMS, port_code=mk[0],
            boe_number=_display_number(first.boe_number), boe_date=mk[2], books=_sum(lines),
            book_rows=_rows(lines), sources=("books",))
    for mk, v in list_latest.items():
        if mk in ims_mkeys:
            continue
        result = missing.get(mk)
        if result is None:
            result = missing[mk] = MatchResult(
                status=MatchStatus.NOT_IN_IMS, port_code=mk[0],
                boe_number=_display_number(v.boe_number), boe_date=mk[2], key=v.key,
                sources=("boe_list",))
        else:
            result.sources = ("books", "boe_list")
            result.key = v.key
        result.boe_list = _amounts(v)
        result.ref_date = v.ref_date
    for result in missing.values():
        where = {("books",): "the books have it",
                 ("boe_list",): "the customs BoE list has it",
                 ("books", "boe_list"): "the books and the customs BoE list have it"}[result.sources]
        result.note = (f"Not in IMS, but {where}. Use Fetch BoE on the portal (port code, BoE "
                       "number, BoE date) to bring it from ICEGATE.")
        ordered.append(result)
    return ordered


def _probable(boe: _ImsBoe, mk: MatchKey, book_groups: dict[MatchKey, list[BookLine]],
              used: set[MatchKey], by_port_number: dict[tuple[str, str], list[MatchKey]],
              by_number_date: dict[tuple[str, date], list[MatchKey]], tolerance: Decimal,
              probable_days: int) -> tuple[MatchKey, str, Difference] | None:
    port, number, when = mk
    if when is None:
        return None
    candidates = [k for k in by_port_number.get((port, number), ()) if k not in used
                  and k[2] is not None]
    if candidates:
        near = [(abs((k[2] - when).days), k) for k in candidates]  # type: ignore[operator]
        near = [(d, k) for d, k in near if d <= probable_days]
        if near:
            days, k = min(near, key=lambda dk: dk[0])
            after = "after" if k[2] > when else "before"  # type: ignore[operator]
            why = (f"the books date it {format_date(k[2])}, {days} day{'s' if days != 1 else ''} "  # type: ignore[arg-type]
                   f"{after} the BoE date {format_date(when)} (books often carry the reference "
                   "or out-of-charge date)")
            return k, why, Difference("boe_date", when, k[2], note=f"{days} days apart")
        ref_dates = {v.ref_date for v in boe.versions if v.ref_date is not None}
        for k in candidates:
            if k[2] in ref_dates:
                why = (f"the books date it {format_date(k[2])}, the ICEGATE reference date, "  # type: ignore[arg-type]
                       f"not the BoE date {format_date(when)}")
                return k, why, Difference("boe_date", when, k[2], note="books carry the reference date")
        swapped = _swapped(when)
        if swapped is not None:
            for k in candidates:
                if k[2] == swapped:
                    why = (f"the books date it {format_date(swapped)}, the BoE date "
                           f"{format_date(when)} with day and month swapped")
                    return k, why, Difference("boe_date", when, swapped,
                                              note="day and month swapped")
    undated = (port, number, None)
    if undated not in used and undated in book_groups:
        why = f"the books carry this port and number without a BoE date ({format_date(when)})"
        return undated, why, Difference("boe_date", when, None, note="no date in the books")
    latest = boe.latest
    assert latest is not None
    ims_amounts = _amounts(latest)
    for k in by_number_date.get((number, when), ()):
        if k in used or k[0] == port:
            continue
        if _head_diffs(ims_amounts, _sum(book_groups[k]), tolerance, "books"):
            continue
        why = (f"the books carry the same number and date at port {k[0]}, not {port}, with the "
               "same IGST and cess")
        return k, why, Difference("port_code", port, k[0], note="different port")
    return None


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
    return "It is not in the books: book it once the goods are received."


def _duplicate_result(boe: _ImsBoe, dup: BoeVersion, first: BoeVersion, own: str,
                      policy: RejectPolicy) -> MatchResult:
    assert boe.mkey is not None
    reason = (f"Record {dup.id} repeats record {first.id} (same BoE, amendment flag and "
              "reference date): a duplicate.")
    action, note = _duplicate_advice(policy, reason)
    return MatchResult(
        status=MatchStatus.DUPLICATE_IN_IMS, port_code=boe.mkey[0],
        boe_number=_display_number(dup.boe_number), boe_date=dup.boe_date, key=boe.key,
        version_ids=[dup.id], latest_id=dup.id, ref_date=dup.ref_date, ims=_amounts(dup),
        suggested_action=action, note=note, sources=("ims",), duplicate_of=first.id,
        other_gstin=(_norm_gstin(dup.importer_gstin)
                     if own and dup.importer_gstin and _norm_gstin(dup.importer_gstin) != own
                     else None))

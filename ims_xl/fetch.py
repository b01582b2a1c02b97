"""The portal's Search BoE ("Fetch BoE"): the request rows, checked as the portal checks them.

When a BoE is missing from IMS, the portal (Services > User Services > Search BoE) fetches it
from ICEGATE given the port code, BoE number, BoE date and reference date. The portal's rules
(tutorial.gst.gov.in, Manual_boe.htm):

* port code: exactly 6 letters and digits;
* BoE number: 4 to 7 digits;
* BoE date: required (and not in the future);
* reference date: required (Manual_boe, Note 2: all four fields are mandatory; the seed article
  named only the first three), on or after the BoE date and at least five days before today
  (exactly five days before is accepted, four is not);
* at most 10 rows per request, and a BoE number may not repeat within one request.

:func:`validate_fetch_rows` checks rows one by one and, by default, as one request
(``single_request=True``: the repeat and 10-row rules too). :func:`batches` splits a longer
list of valid rows into requests of at most 10 with no BoE number twice in one request.

>>> from datetime import date
>>> rows = [FetchRow("INNSA1", "2566282", date(2025, 10, 3), date(2025, 10, 6)),
...         FetchRow("INMAA1", "2566282", date(2025, 10, 4), date(2025, 10, 8))]
>>> [c.ok for c in validate_fetch_rows(rows, today=date(2025, 11, 1))]
[True, False]
>>> [i.code for i in validate_fetch_rows([FetchRow("INNSA1", "2566282", date(2025, 10, 3))],
...                                      today=date(2025, 11, 1))[0].issues]
['REF_DATE_MISSING']
>>> [len(b) for b in batches(rows)]
[1, 1]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from stdnum.exceptions import ValidationError

from .dates import format_date
from .identifiers import boe_number as _boe_number
from .identifiers import port_code as _port_code
from .match import MatchResult, MatchStatus, match_key
from .models import BoeVersion

__all__ = [
    "FetchRow", "FetchIssue", "FetchCheck", "validate_fetch_rows", "batches",
    "fetch_candidates", "fill_from_boe_list", "reference_dates", "MAX_ROWS_PER_REQUEST",
    "REF_DATE_MIN_AGE_DAYS",
    "FETCHED_SOURCE",
]

MAX_ROWS_PER_REQUEST = 10
REF_DATE_MIN_AGE_DAYS = 5
FETCHED_SOURCE = "fetched:boe_list"


@dataclass(frozen=True, slots=True)
class FetchRow:
    """One Search BoE row. ``source`` says where the row came from (``"books"``,
    ``"boe_list"``, ``"books,boe_list"``, or what the user typed)."""

    port_code: str
    boe_number: str
    boe_date: date | None
    ref_date: date | None = None
    source: str = ""

    @property
    def number_identity(self) -> str:
        """The BoE number without leading zeros (the repeat rule compares these)."""
        return _number_identity(self.boe_number)


@dataclass(frozen=True, slots=True)
class FetchIssue:
    """One reason a row would be refused: a stable ``code``, the ``field`` and a sentence."""

    code: str
    field: str
    text: str


@dataclass(slots=True)
class FetchCheck:
    """The check of one row (``index`` is its position in the input, from 0)."""

    row: FetchRow
    index: int
    issues: list[FetchIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def text(self) -> str:
        """The issues as one cell's text (empty when the row is fine)."""
        return " ".join(i.text for i in self.issues)


def _number_identity(value: object) -> str:
    try:
        return _boe_number.identity(value)
    except (ValidationError, ValueError, TypeError):
        try:
            return _boe_number.compact(value)
        except (ValidationError, ValueError, TypeError):
            return str(value).strip()


def _row_issues(row: FetchRow, today: date) -> list[FetchIssue]:
    issues = []
    problem = _port_code.problem(row.port_code)
    if problem:
        issues.append(FetchIssue("PORT_CODE_INVALID", "port_code", problem))
    problem = _boe_number.problem(row.boe_number)
    if problem:
        issues.append(FetchIssue("BOE_NUMBER_INVALID", "boe_number", problem))
    if row.boe_date is None:
        issues.append(FetchIssue("BOE_DATE_MISSING", "boe_date",
                                 "The BoE date is missing: type it as on the Bill of Entry."))
    elif row.boe_date > today:
        issues.append(FetchIssue("BOE_DATE_FUTURE", "boe_date",
                                 f"The BoE date {format_date(row.boe_date)} is after today: "
                                 "check it against the Bill of Entry."))
    if row.ref_date is None:
        issues.append(FetchIssue(
            "REF_DATE_MISSING", "ref_date",
            "The reference date is missing: the portal's Search BoE needs it. It is the ICEGATE "
            "reference date printed on the Bill of Entry (the latest of its out-of-charge, duty "
            "payment and amendment dates); your customs broker's BoE list has it too (load it "
            "and run Fetch BoE again to fill it)."))
    else:
        latest = today - timedelta(days=REF_DATE_MIN_AGE_DAYS)
        if row.boe_date is not None and row.ref_date < row.boe_date:
            issues.append(FetchIssue(
                "REF_DATE_BEFORE_BOE", "ref_date",
                f"The reference date {format_date(row.ref_date)} is before the BoE date "
                f"{format_date(row.boe_date)}: it must be on or after it (the latest of the "
                "out-of-charge, duty payment or amendment date)."))
        if row.ref_date > latest:
            issues.append(FetchIssue(
                "REF_DATE_TOO_RECENT", "ref_date",
                f"The reference date {format_date(row.ref_date)} is less than "
                f"{REF_DATE_MIN_AGE_DAYS} days before today: the portal fetches a BoE only "
                f"from {format_date(latest)} or earlier. Try again later, or leave the "
                "reference date blank."))
    return issues


def validate_fetch_rows(rows: Iterable[FetchRow], *, today: date,
                        single_request: bool = True) -> list[FetchCheck]:
    """Check rows as the portal would; one :class:`FetchCheck` per row, in input order.

    With ``single_request=True`` (default) the rows are one request: a BoE number repeated
    from an earlier row (``REPEATED_IN_BATCH``) and every row after the 10th
    (``TOO_MANY_ROWS``) are refused. With ``single_request=False`` the rows are a list that
    :func:`batches` will split: only a row repeating an earlier row's port, number and date
    (``DUPLICATE_ROW``) is refused besides the per-row rules.
    """
    checks = []
    numbers: dict[str, int] = {}
    full: dict[tuple, int] = {}
    for index, row in enumerate(rows):
        check = FetchCheck(row, index, _row_issues(row, today))
        ident = row.number_identity
        if single_request:
            earlier = numbers.get(ident)
            if earlier is not None:
                check.issues.append(FetchIssue(
                    "REPEATED_IN_BATCH", "boe_number",
                    f"BoE number {row.boe_number} is already in row {earlier + 1} of this "
                    "request: the portal takes a number only once per request. Send it in "
                    "another request."))
            else:
                numbers[ident] = index
            if index >= MAX_ROWS_PER_REQUEST:
                check.issues.append(FetchIssue(
                    "TOO_MANY_ROWS", "",
                    f"A request takes at most {MAX_ROWS_PER_REQUEST} rows: this is row "
                    f"{index + 1}. Send it in another request."))
        else:
            mk = match_key(row.port_code, row.boe_number, row.boe_date)
            earlier = full.get(mk)
            if earlier is not None:
                check.issues.append(FetchIssue(
                    "DUPLICATE_ROW", "",
                    f"Same port code, BoE number and date as row {earlier + 1}: fetch it once."))
            else:
                full[mk] = index
        checks.append(check)
    return checks


def batches(rows: Iterable[FetchRow]) -> list[list[FetchRow]]:
    """Split rows (already valid) into requests of at most 10 rows, never with the same BoE
    number twice in one request. Rows keep their order; a row repeating an earlier row's
    port, number and date is dropped. First fit: each row goes into the first request that
    has room and lacks its number."""
    out: list[list[FetchRow]] = []
    numbers: list[set[str]] = []
    seen: set[tuple] = set()
    first_open = 0  # requests before this one are full
    for row in rows:
        mk = match_key(row.port_code, row.boe_number, row.boe_date)
        if mk in seen:
            continue
        seen.add(mk)
        ident = row.number_identity
        for i in range(first_open, len(out)):
            if len(out[i]) < MAX_ROWS_PER_REQUEST and ident not in numbers[i]:
                break
        else:
            out.append([])
            numbers.append(set())
            i = len(out) - 1
        out[i].append(row)
        numbers[i].add(ident)
        while first_open < len(out) and len(out[first_open]) >= MAX_ROWS_PER_REQUEST:
            first_open += 1
    return out


def fetch_candidates(match_results: Iterable[MatchResult]) -> list[FetchRow]:
    """The Search BoE rows for the BoEs that IMS lacks (status ``not_in_ims``), in result
    order. The reference date comes from the customs BoE list when it has the BoE."""
    rows = []
    for r in match_results:
        if r.status is not MatchStatus.NOT_IN_IMS:
            continue
        rows.append(FetchRow(r.port_code, r.boe_number, r.boe_date, r.ref_date,
                             source=",".join(r.sources)))
    return rows


def reference_dates(boe_list: Iterable[BoeVersion]) -> dict[tuple, date]:
    """The reference date to request each BoE of the customs BoE list with (by match key):
    the original's, else the earliest amendment's (the BoE as customs first gave it)."""
    best: dict[tuple, tuple[bool, date]] = {}
    for v in boe_list:
        if v.ref_date is None:
            continue
        mk = match_key(v.port_code, v.boe_number, v.boe_date)
        candidate = (v.amendment, v.ref_date)
        if mk not in best or candidate < best[mk]:
            best[mk] = candidate
    return {mk: ref for mk, (_amendment, ref) in best.items()}


def fill_from_boe_list(ims: list[BoeVersion], boe_list: list[BoeVersion],
                       requested: Iterable[FetchRow]
                       ) -> tuple[list[BoeVersion], list[FetchRow]]:
    """"Fetch" requested BoEs from a loaded customs BoE list instead of the portal.

    For each requested row (matched on port code, BoE number and date after normalisation),
    every version the BoE list holds that IMS lacks (same identity, amendment flag and
    reference date) becomes a new IMS record with ``source="fetched:boe_list"``; its id is the
    list's id, with ``-fetched`` (and a counter) added if IMS already uses it. The requested
    reference date is not used to pick versions. Returns ``(new_records, still_missing)``:
    ``still_missing`` are the requested rows the BoE list lacks too (rows already fully in
    IMS are in neither).
    """
    in_ims = {(v.key, v.amendment, v.ref_date) for v in ims}
    used_ids = {v.id for v in ims}
    by_key: dict[tuple, list[BoeVersion]] = {}
    for v in boe_list:
        by_key.setdefault(match_key(v.port_code, v.boe_number, v.boe_date), []).append(v)
    ims_keys = {match_key(v.port_code, v.boe_number, v.boe_date) for v in ims}
    new: list[BoeVersion] = []
    missing: list[FetchRow] = []
    done: set[tuple] = set()
    for row in requested:
        mk = match_key(row.port_code, row.boe_number, row.boe_date)
        if mk in done:
            continue
        done.add(mk)
        listed = by_key.get(mk)
        if not listed:
            if mk not in ims_keys:
                missing.append(row)
            continue
        for v in listed:
            ident = (v.key, v.amendment, v.ref_date)
            if ident in in_ims:
                continue
            in_ims.add(ident)
            new_id = v.id
            n = 1
            while new_id in used_ids:
                new_id = f"{v.id}-fetched" + (f"-{n}" if n > 1 else "")
                n += 1
            used_ids.add(new_id)
            new.append(dataclasses.replace(v, id=new_id, source=FETCHED_SOURCE))
    return new, missing

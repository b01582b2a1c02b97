"""Reading the workbook into typed data: settings, BoE versions, the Action Log, books."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from ..actions import parse_action
from ..gcpause import without_gc
from ..models import (Action, ActionCode, BoeVersion, BookLine, Evaluation, RejectPolicy,
                      Settings, Severity)
from ..problems import Problem
from ..rules import evaluate
from . import rows
from .book import Book, TableMissing
from .layout import (ACTION_LOG, ANNUAL_RETURNS, BOE, BOE_LIST, BOOKS, FILED_3B, GENERATED_2B,
                     SETTINGS_NAMES, TableSpec)

__all__ = ["WorkbookState", "BookEvaluation", "evaluate_book", "ColumnRows", "read_state", "read_settings", "read_optional_table",
           "version_ids", "actions_from_log", "refused_for_itself", "sheets_read", "VERSION_COLUMNS",
           "LOG_COLUMNS"]

Row = dict[str, Any]


@dataclass
class WorkbookState:
    settings: Settings
    as_of: date
    tolerance: Decimal
    boe_rows: Sequence[Row]              # a list, or ColumnRows for the read-only commands
    versions: list[BoeVersion]           # one per BoE row, same order
    keys: list[str]                      # each row's version identity (Action Log key)
    log: list[Row]
    books: list[BookLine] = field(default_factory=list)
    boe_list: list[BoeVersion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    row_problems: dict[int, list[Problem]] = field(default_factory=dict)


# The BoE columns a version is built from (rows.version_from_row) and the Action Log columns
# actions_from_log reads: what the read-only commands need (see read_state's *_columns).
VERSION_COLUMNS = ("Section", "Amendment", "Port Code", "BoE No", "BoE Date", "Reference Date",
                   "Period", "Taxable Value", "IGST", "Cess", "Supplier GSTIN", "Supplier Name",
                   "Importer GSTIN", "Source")
LOG_COLUMNS = ("BoE Identity", "New Action", "Action Date", "Remark", "Source")


def sheets_read(with_books: bool = True) -> list[str]:
    """The sheets :func:`read_state` reads (the Settings names live on the Settings sheet)."""
    specs = [FILED_3B, GENERATED_2B, BOE, ACTION_LOG] + ([BOOKS, BOE_LIST] if with_books else [])
    return list(dict.fromkeys(["Settings"] + [s.sheet for s in specs]))


def version_ids(keys: list[str]) -> list[str]:
    """Unique ids from version keys: a repeated key (a duplicate row) gets ``#2``, ``#3``..."""
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        n = seen.get(key, 0) + 1
        seen[key] = n
        out.append(key if n == 1 else f"{key} #{n}")
    return out


class ColumnRows(Sequence[Row]):
    """Table rows held as one list per column; a row's dict is made when it is asked for
    (the read-only commands rarely ask)."""

    def __init__(self, names: list[str], values: list[list[Any]]):
        self.names = names
        self.values = values

    def __len__(self) -> int:
        return len(self.values[0]) if self.values else 0

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return {name: column[i] for name, column in zip(self.names, self.values)}

    def __iter__(self):
        names = self.names
        return (dict(zip(names, cells)) for cells in zip(*self.values))

    def columns(self, names: Sequence[str]) -> list[list[Any]]:
        index = {n: k for k, n in enumerate(self.names)}
        return [self.values[index[n]] for n in names]


def read_versions(table: Sequence[Row], sheet: str) -> tuple[list[BoeVersion], list[str],
                                                            dict[int, list[Problem]]]:
    versions, keys, problems = [], [], {}
    day_text: dict = {}   # a year of BoEs has a few hundred dates: format each once
    if isinstance(table, ColumnRows):
        plain = rows.plain_version_values
        cells = zip(*table.columns(rows.PLAIN_COLUMNS))
    else:
        plain, cells = None, None
    for i in range(len(table)):
        v = plain(str(i), *next(cells)) if plain is not None else None
        if v is None:  # the careful path, with a problem for each unreadable cell
            found: list[Problem] = []
            v = rows.version_from_row(table[i], vid=str(i), sheet=sheet, line=i + 2,
                                   problems=found)
            if found:
                problems[i] = found
        versions.append(v)
        keys.append(rows.version_key(v, day_text))
    ids = version_ids(keys)
    for v, vid in zip(versions, ids):
        # The id comes from the version's own key, known only once it is built; setting it
        # here, before the version is shared, avoids copying 100,000 frozen objects.
        object.__setattr__(v, "id", vid)
    return versions, keys, problems


@without_gc  # see ims_xl.gcpause: 100,000 rows make many objects that all live on
def read_state(book: Book, *, as_of: date | None = None, today: date | None = None,
               with_books: bool = True, boe_columns: Sequence[str] | None = None,
               log_columns: Sequence[str] | None = None) -> WorkbookState:
    """``boe_columns``/``log_columns``: read only these columns of the BoE and Action Log
    tables into ``boe_rows``/``log`` (at least VERSION_COLUMNS and LOG_COLUMNS), for the
    commands that only read; ``None``, every column (recompute writes the rows back)."""
    prefetch = getattr(book, "prefetch", None)
    if prefetch is not None:  # FastBook: the big sheets are read side by side
        prefetch([BOE.sheet, ACTION_LOG.sheet] + ([BOOKS.sheet, BOE_LIST.sheet] if with_books
                                                 else []))
    settings, sheet_as_of, tolerance, problems = read_settings(book)
    when = as_of or sheet_as_of or today or date.today()
    # The Action Log first: its sheet is read sooner, and its rows are built while the
    # bigger BoE sheet is still being read (see prefetch above).
    log = _read_table(book, ACTION_LOG, log_columns)
    read_columns = getattr(book, "read_columns", None)
    if boe_columns is not None and read_columns is not None:
        # the read-only commands: versions straight from the columns, no dict per row
        boe_rows = ColumnRows(*read_columns(BOE, list(dict.fromkeys(
            [*rows.PLAIN_COLUMNS, *boe_columns]))))
        versions, keys, row_problems = read_versions(boe_rows, BOE.sheet)
    else:
        boe_rows = _read_table(book, BOE, boe_columns)
        versions, keys, row_problems = read_versions(boe_rows, BOE.sheet)
    state = WorkbookState(settings, when, tolerance, boe_rows, versions, keys, log,
                          problems=problems, row_problems=row_problems)
    if with_books:
        sink: list[Problem] = []
        state.books = [rows.book_from_row(r, sheet=BOOKS.sheet, line=i + 2, problems=sink)
                       for i, r in enumerate(book.read_table(BOOKS))]
        lst_rows = book.read_table(BOE_LIST)
        state.boe_list = read_versions(lst_rows, BOE_LIST.sheet)[0]
        state.problems += sink
    return state


def read_settings(book: Book) -> tuple[Settings, date | None, Decimal, list[Problem]]:
    """The Settings sheet: its defined names and its three tables. A workbook made before
    rules 2.0 lacks the IMS start name and the AnnualReturns table: both take the defaults
    (``rows.settings_from_names``), and its reject policy is questioned (see below)."""
    names = book.read_names([setting.name for setting in SETTINGS_NAMES])
    settings, as_of, tolerance, problems = rows.settings_from_names(
        names, book.read_table(FILED_3B), book.read_table(GENERATED_2B),
        read_optional_table(book, ANNUAL_RETURNS))
    if "IMS_START" not in names and settings.reject_policy is RejectPolicy.WARN:
        problems.append(OLD_WARN_POLICY)
    return settings, as_of, tolerance, problems


# A workbook made before rules 2.0 says 'warn' because that template wrote it: the accountant
# may never have chosen it. It is kept (the cell is the accountant's), and said once per run.
OLD_WARN_POLICY = Problem(
    "Settings", "this workbook was made before rules 2.0 and its reject policy is 'warn', the "
    "old default: a Reject with a remark still removes credit here, although the portal offers "
    "only Accept and Keep Pending for a Bill of Entry",
    "Choose block in Settings (Reject policy) unless you mean to keep Rejects; a new workbook "
    "('ims-xl template') has block and the other settings of rules 2.0",
    column="IMS_REJECT_POLICY", value="warn", severity=Severity.WARNING)


def read_optional_table(book: Book, spec: TableSpec) -> list[Row]:
    """A table that older workbooks lack: no rows when it is not there. A table that is there
    is read as any other (a column renamed away is still an error)."""
    try:
        return book.read_table(spec)
    except TableMissing:
        return []


def _read_table(book: Book, spec, columns: Sequence[str] | None) -> list[Row]:
    """Only ``columns`` when the book can (FastBook); other books give every column, which
    reads the same."""
    if columns is not None and "columns" in inspect.signature(book.read_table).parameters:
        return book.read_table(spec, columns=columns)
    return book.read_table(spec)


def refused_for_itself(code: ActionCode | None, remark: str, policy: RejectPolicy
                       ) -> str | None:
    """The message code of the rules when they ignore an action for what it is, whatever the
    BoE (rules/engine.py, _valid_actions): not an action word, a Reject the policy blocks, a
    Reject without a remark. None when the rules would take it."""
    if code is None:
        return "ACTION_UNKNOWN"
    if code is ActionCode.REJECT:
        if policy is RejectPolicy.BLOCK:
            return "REJECT_BLOCKED"
        if not remark.strip():
            return "REJECT_NEEDS_REMARK"
    return None


class BookEvaluation(NamedTuple):
    evaluation: Evaluation
    problems: list[Problem]     # of the Action Log
    actions: list[Action]       # the Action Log's actions, as the rules took them


def evaluate_book(state: WorkbookState) -> BookEvaluation:
    """The rules on the workbook as read: the Action Log read once into actions, evaluated
    as of the state's as-of date (Recompute, summary and export all start here)."""
    actions, problems = actions_from_log(state)
    return BookEvaluation(evaluate(state.versions, actions, state.settings, state.as_of),
                          problems, actions)


def actions_from_log(state: WorkbookState, log: list[Row] | None = None) -> tuple[list[Action],
                                                                                 list[Problem]]:
    """The Action Log as the rules' action history (each entry applies to its version).

    An entry the rules refuse for itself (:func:`refused_for_itself`: ``acept``, a Reject
    without a remark) changed nothing; once a later entry of its version replaces it, it is
    left out, so its error leaves the row's Messages with the mistake (the log keeps it).
    While it is the version's latest entry it goes to the rules, which say why it is ignored."""
    first_id: dict[str, str] = {}
    for key, v in zip(state.keys, state.versions):
        first_id.setdefault(key, v.id)
    entries = log if log is not None else state.log
    latest: dict[str, int] = {}
    for seq, entry in enumerate(entries):
        cell = entry.get("BoE Identity")
        latest[cell.strip() if cell.__class__ is str else rows.text(cell)] = seq
    policy = state.settings.reject_policy
    actions, problems = [], []
    # A log has a few distinct action words and dates: each is read once (keyed by type too,
    # as True == 1 == 1.0).
    codes: dict[str, Any] = {}
    days: dict[tuple[type, Any], date | None] = {}
    text = rows.text
    for seq, entry in enumerate(entries):
        cell = entry.get("BoE Identity")
        key = cell.strip() if cell.__class__ is str else text(cell)   # rows.text, inlined
        vid = first_id.get(key)
        if vid is None:
            continue  # the version is no longer in the BoE sheet: its history stays in the log
        cell = entry.get("New Action")
        raw = cell.strip() if cell.__class__ is str else text(cell)
        cell = entry.get("Action Date")
        day_key = (cell.__class__, cell)
        when = days.get(day_key, False)
        if when is False:
            try:
                when = days[day_key] = rows.as_date(cell)
            except ValueError:
                when = None
        if when is None:
            problems.append(Problem(ACTION_LOG.sheet, "an Action Log entry has no valid "
                                    "Action Date: it is ignored", "Correct the date in the log.",
                                    row=seq + 2, column="Action Date",
                                    value=rows.text(entry.get("Action Date"))))
            continue
        code = codes.get(raw, False)
        if code is False:
            code = codes[raw] = parse_action(raw)
        if latest[key] != seq and (code is None or code is ActionCode.REJECT) and \
                refused_for_itself(code, rows.text(entry.get("Remark")), policy):
            continue  # a mistake since replaced: it changed nothing and says nothing now
        actions.append(Action(record_id=vid, code=code, date=when,
                              remark=rows.text(entry.get("Remark")), raw=raw,
                              source=rows.text(entry.get("Source")), seq=seq))
    return actions, problems

"""Reading the workbook into typed data: settings, BoE versions, the Action Log, books."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..actions import parse_action
from ..gcpause import without_gc
from ..models import Action, BoeVersion, BookLine, Settings
from ..problems import Problem
from . import rows as R
from .book import Book
from .layout import (ACTION_LOG, BOE, BOE_LIST, BOOKS, FILED_3B, GENERATED_2B, SETTINGS_NAMES)

__all__ = ["WorkbookState", "read_state", "version_ids", "actions_from_log", "sheets_read"]

Row = dict[str, Any]


@dataclass
class WorkbookState:
    settings: Settings
    as_of: date
    tolerance: Decimal
    boe_rows: list[Row]
    versions: list[BoeVersion]           # one per BoE row, same order
    keys: list[str]                      # each row's version identity (Action Log key)
    log: list[Row]
    books: list[BookLine] = field(default_factory=list)
    boe_list: list[BoeVersion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    row_problems: dict[int, list[Problem]] = field(default_factory=dict)


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


def read_versions(rows: list[Row], sheet: str) -> tuple[list[BoeVersion], list[str],
                                                        dict[int, list[Problem]]]:
    versions, keys, problems = [], [], {}
    for i, row in enumerate(rows):
        found: list[Problem] = []
        v = R.version_from_row(row, vid=str(i), sheet=sheet, line=i + 2, problems=found)
        if found:
            problems[i] = found
        versions.append(v)
        keys.append(R.version_key(v))
    ids = version_ids(keys)
    for v, vid in zip(versions, ids):
        # The id comes from the version's own key, known only once it is built; setting it
        # here, before the version is shared, avoids copying 100,000 frozen objects.
        object.__setattr__(v, "id", vid)
    return versions, keys, problems


@without_gc  # see ims_xl.gcpause: 100,000 rows make many objects that all live on
def read_state(book: Book, *, as_of: date | None = None, today: date | None = None,
               with_books: bool = True) -> WorkbookState:
    names = book.read_names([n for n, *_ in SETTINGS_NAMES])
    filed = book.read_table(FILED_3B)
    generated = book.read_table(GENERATED_2B)
    settings, sheet_as_of, tolerance, problems = R.settings_from_names(names, filed, generated)
    when = as_of or sheet_as_of or today or date.today()
    boe_rows = book.read_table(BOE)
    versions, keys, row_problems = read_versions(boe_rows, BOE.sheet)
    log = book.read_table(ACTION_LOG)
    state = WorkbookState(settings, when, tolerance, boe_rows, versions, keys, log,
                          problems=problems, row_problems=row_problems)
    if with_books:
        sink: list[Problem] = []
        state.books = [R.book_from_row(r, sheet=BOOKS.sheet, line=i + 2, problems=sink)
                       for i, r in enumerate(book.read_table(BOOKS))]
        lst_rows = book.read_table(BOE_LIST)
        state.boe_list = read_versions(lst_rows, BOE_LIST.sheet)[0]
        state.problems += sink
    return state


def actions_from_log(state: WorkbookState, log: list[Row] | None = None) -> tuple[list[Action],
                                                                                 list[Problem]]:
    """The Action Log as the rules' action history (each entry applies to its version)."""
    first_id: dict[str, str] = {}
    for key, v in zip(state.keys, state.versions):
        first_id.setdefault(key, v.id)
    actions, problems = [], []
    for seq, entry in enumerate(log if log is not None else state.log):
        key = R.text(entry.get("BoE Identity"))
        vid = first_id.get(key)
        if vid is None:
            continue  # the version is no longer in the BoE sheet: its history stays in the log
        raw = R.text(entry.get("New Action"))
        try:
            when = R.as_date(entry.get("Action Date"))
        except ValueError:
            when = None
        if when is None:
            problems.append(Problem(ACTION_LOG.sheet, "an Action Log entry has no valid "
                                    "Action Date: it is ignored", "Correct the date in the log.",
                                    row=seq + 2, column="Action Date",
                                    value=R.text(entry.get("Action Date"))))
            continue
        actions.append(Action(record_id=vid, code=parse_action(raw), date=when,
                              remark=R.text(entry.get("Remark")), raw=raw,
                              source=R.text(entry.get("Source")), seq=seq))
    return actions, problems

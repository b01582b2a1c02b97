"""Loading data into the workbook, merging by BoE identity.

Reloading never loses an accountant's Action, Action Date or Remark: rows merge by version
identity (rules.md section 1: section family, port code, BoE number, BoE date; then
amendment flag and reference date). New versions are added; versions missing from a newer
GSTR-2A of the same period are kept and marked, never deleted (a GSTR-2B proves nothing by
leaving a BoE out: since IMS it leaves out the BoEs kept pending).

Before a bulk actions file changes any row, the actions typed in the workbook and not yet
recomputed are logged exactly as recompute logs them (:func:`~.ops.log_typed_actions`), so the
file's action never silently replaces typed work. One workbook holds one GSTIN: a GSTR-2B of
another GSTIN than Settings, or files of two GSTINs, stop the load before anything is written;
a workbook without a GSTIN takes the first file's.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import io as loaders
from ..io.gstr2b_json import Gstr2bFile
from ..identifiers.boe_number import same_boe
from ..io.records import gstin_text
from ..models import BoeVersion, Severity
from ..problems import InputError, Problem
from . import rows
from .book import Book
from .layout import ACTION_LOG, BOE, BOE_LIST, BOOKS
from .ops import log_typed_actions, messages_text
from .state import read_versions

__all__ = ["LoadReport", "load_data", "VANISHED_MARK"]

Row = dict[str, Any]
VANISHED_MARK = "not in the latest download"
PORTAL_COLUMNS = ("Section", "Amendment", "Port Code", "BoE No", "BoE Date", "Reference Date",
                  "Period", "Taxable Value", "IGST", "Cess", "Supplier GSTIN", "Supplier Name",
                  "Importer GSTIN", "Source")


@dataclass
class LoadReport:
    added: int = 0
    updated: int = 0
    vanished: int = 0
    books: int | None = None
    boe_list: int | None = None
    actions: int = 0
    typed: int = 0                # typed in the workbook, logged before the actions file
    rejects_refused: int = 0      # typed Rejects the accountant chose not to keep
    gstin_adopted: str = ""       # the GSTIN a workbook without one took from the first file
    gstin_from: str = ""          # ... and that file's name
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.added} BoE version(s) added", f"{self.updated} updated"]
        if self.gstin_adopted:
            parts.append(f"the workbook's GSTIN is now {self.gstin_adopted} "
                         f"(from {self.gstin_from})")
        if self.vanished:
            parts.append(f"{self.vanished} kept but {VANISHED_MARK}")
        if self.books is not None:
            parts.append(f"{self.books} book line(s)")
        if self.boe_list is not None:
            parts.append(f"{self.boe_list} BoE list row(s)")
        if self.typed:
            parts.append(f"{self.typed} typed action(s) logged first")
        if self.rejects_refused:
            parts.append(f"{self.rejects_refused} new Reject(s) not kept")
        if self.actions:
            parts.append(f"{self.actions} action(s) logged")
        warnings = sum(1 for p in self.problems if p.severity is Severity.WARNING)
        errors = len(self.problems) - warnings
        if self.problems:
            parts.append(f"{errors} row problem(s), {warnings} warning(s)")
        return ", ".join(parts)


def _stop_on_file_errors(problems: list[Problem]) -> None:
    """A file that could not be read at all stops the load before anything is written."""
    fatal = [p for p in problems if p.severity is Severity.ERROR and p.row is None]
    if fatal:
        raise InputError(f"{fatal[0]}", fatal)


# What each file option expects, for the message when an ims-xl workbook is given instead.
_EXPECTED = {"--gstr2b-excel": "the GSTR-2B Excel downloaded from the GST portal",
             "--books": "your purchase register (a CSV or Excel export from your accounting "
                        "software)",
             "--boe-list": "the BoE list from ICEGATE or your customs broker",
             "--actions": "a bulk actions file (CSV or Excel: port code, BoE number, BoE date, "
                          "action, date, remark)"}


def _not_an_ims_workbook(path: Path, option: str) -> None:
    """An ims-xl workbook given as an input file (a slip of the hand: its own BoE sheet would
    be read as book lines): refused with what the option takes."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("xl/workbook.xml")
            ours = info.file_size < (10 << 20) and b'name="IMS_GSTIN"' in zf.read(info)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return   # not a workbook of ours; the loader says what it is
    if ours:
        raise InputError(f"{path.name} is an ims-xl workbook, not what {option} takes: give "
                         f"{_EXPECTED[option]}. Nothing was loaded.")


def _paths(given: str | Path | Sequence[str | Path] | None) -> list[Path]:
    """One file or several (a repeated option): every one is used."""
    if not given:
        return []
    if isinstance(given, (str, Path)):
        return [Path(given)]
    return [Path(p) for p in given]


def load_data(book: Book, *, gstr2b: Sequence[str | Path] = (),
              gstr2b_excel: str | Path | Sequence[str | Path] | None = None,
              boe_list: str | Path | Sequence[str | Path] | None = None,
              books: str | Path | Sequence[str | Path] | None = None,
              actions: str | Path | Sequence[str | Path] | None = None,
              mapping: str | Path | None = None, now: datetime | None = None) -> LoadReport:
    """Load every file given (each option takes one file or several) into the workbook."""
    report = LoadReport()
    now = now or datetime.now().replace(microsecond=0)
    # Read every file first: a file that cannot be read stops everything, nothing half-loaded.
    got = _read_files(report, gstr2b=gstr2b, gstr2b_excel=gstr2b_excel, boe_list=boe_list,
                      books=books, actions=actions, mapping=mapping)
    if got.portal_files:
        _one_gstin(book, got.portal_files, report)

    book.progress("Merging")
    boe_rows = book.read_table(BOE)
    if got.incoming:
        _merge(boe_rows, got.incoming, got.periods_loaded, ", ".join(got.sources), report)
        book.write_table(BOE, boe_rows)
    if got.book_lines is not None:
        book.write_table(BOOKS, [rows.row_from_book(b) for b in got.book_lines])
        report.books = len(got.book_lines)
    if got.list_rows is not None:
        book.write_table(BOE_LIST, [rows.row_from_version(v) for v in got.list_rows])
        report.boe_list = len(got.list_rows)
    if got.action_rows is not None:
        log = book.read_table(ACTION_LOG)
        unreadable = _log_typed_first(book, boe_rows, log, now, report)
        _apply_actions(boe_rows, log, got.action_rows, now, report, unreadable)
        book.write_table(BOE, boe_rows)
        book.write_table(ACTION_LOG, log)
    book.save()
    return report


@dataclass
class _FilesRead:
    """What the files given to :func:`load_data` hold (None: no file of that kind given)."""

    incoming: list[BoeVersion] = field(default_factory=list)   # the portal's records
    periods_loaded: set[str] = field(default_factory=set)      # complete statements' periods
    sources: list[str] = field(default_factory=list)           # the portal files' names
    portal_files: list[Gstr2bFile] = field(default_factory=list)
    book_lines: list | None = None
    list_rows: list[BoeVersion] | None = None
    action_rows: list | None = None


def _read_files(report: LoadReport, *, gstr2b, gstr2b_excel, boe_list, books, actions,
                mapping) -> _FilesRead:
    """Every file read, its problems added to ``report``; the first file that cannot be read
    at all stops the load (InputError) before anything is changed."""
    got = _FilesRead()
    if gstr2b:
        portal = loaders.load_gstr2b_json(_paths(gstr2b))
        _stop_on_file_errors(portal.problems)
        report.problems += portal.problems
        got.incoming += portal.records
        got.portal_files += portal.files
        # only a complete statement (GSTR-2A) shows a BoE has gone: since IMS a GSTR-2B
        # leaves out the BoEs kept pending
        got.periods_loaded |= {str(f.period) for f in portal.files if f.period and f.complete}
        got.sources += [p.name for p in _paths(gstr2b)]
    for option, given in (("--gstr2b-excel", gstr2b_excel), ("--books", books),
                          ("--boe-list", boe_list), ("--actions", actions)):
        for path in _paths(given):
            _not_an_ims_workbook(path, option)
    for path in _paths(gstr2b_excel):
        portal = loaders.load_gstr2b_excel(path)
        _stop_on_file_errors(portal.problems)
        report.problems += portal.problems
        got.incoming += portal.records
        got.portal_files += portal.files
        got.sources.append(path.name)
    for path in _paths(books):
        got_books = loaders.load_books(path, mapping=Path(mapping) if mapping else None)
        _stop_on_file_errors(got_books.problems)
        report.problems += got_books.problems
        got.book_lines = (got.book_lines or []) + got_books.lines
    for path in _paths(boe_list):
        got_list = loaders.load_boe_list(path)
        _stop_on_file_errors(got_list.problems)
        report.problems += got_list.problems
        got.list_rows = (got.list_rows or []) + got_list.records
    for path in _paths(actions):
        got_actions = loaders.load_actions(path)
        _stop_on_file_errors(got_actions.problems)
        report.problems += got_actions.problems
        got.action_rows = (got.action_rows or []) + got_actions.rows
    return got


def _one_gstin(book: Book, files: list[Gstr2bFile], report: LoadReport) -> None:
    """One workbook holds one GSTIN's figures: a GSTR-2B of another GSTIN than Settings (or
    files of two GSTINs in one load) stops the load before anything is written. A workbook
    without a GSTIN takes the first file's."""
    ours = gstin_text(book.read_names(["IMS_GSTIN"]).get("IMS_GSTIN"))
    named = list(dict.fromkeys((f.file, f.gstin) for f in files if f.gstin))
    theirs = list(dict.fromkeys(g for _, g in named))
    what_to_do = ("Download the GSTR-2B of the right GSTIN from the GST portal, or keep one "
                  "workbook per GSTIN (ims-xl template NEW.xlsx --gstin GSTIN) and load each "
                  "GSTIN's files into its own workbook")
    if len(theirs) > 1:
        listing = "; ".join(f"{name} is for {g}" for name, g in named)
        workbook = (f"this workbook is for GSTIN {ours}" if ours
                    else "this workbook has no GSTIN yet")
        raise InputError(f"the GSTR-2B files are of different GSTINs ({listing}) and "
                         f"{workbook}: nothing was loaded. {what_to_do}.")
    if theirs and not ours:
        book.write_name("IMS_GSTIN", theirs[0])
        report.gstin_adopted, report.gstin_from = theirs[0], named[0][0]
    elif theirs and theirs[0] != ours:
        name = named[0][0]
        raise InputError(f"{name} is the GSTR-2B of GSTIN {theirs[0]}, but this workbook is "
                         f"for GSTIN {ours} (Settings): nothing was loaded. {what_to_do}.")
    gstin = report.gstin_adopted or ours
    for f in files:
        if gstin and not f.gstin and f.file.lower().endswith((".xlsx", ".xlsm")):
            # (the JSON loader already warns of a file without 'gstin')
            report.problems.append(Problem(
                f.file, f"the file does not say which GSTIN it is for, so it could not be "
                f"checked against the workbook's {gstin}",
                f"Make sure it is the GSTR-2B of {gstin}", severity=Severity.WARNING))


def _log_typed_first(book: Book, boe_rows: list[Row], log: list[Row], now: datetime,
                     report: LoadReport) -> dict[int, str]:
    """Actions typed in the workbook but not yet recomputed are logged before a bulk actions
    file changes the rows, exactly as recompute logs them (source "typed in workbook"); returns
    the rows whose typed Action Date is not a date (their action could not be logged)."""
    names = book.read_names(["IMS_AS_OF"])
    try:
        as_of = rows.as_date(names.get("IMS_AS_OF")) or now.date()
    except ValueError:  # recompute reports a bad Settings date; a blank date takes today
        as_of = now.date()
    keys = read_versions(boe_rows, BOE.sheet)[1]
    typed = log_typed_actions(book, boe_rows, keys, log, as_of=as_of, now=now)
    report.typed, report.rejects_refused = typed.logged, typed.rejects_refused
    report.problems += typed.problems
    for i, found in typed.row_problems.items():  # shown on the row now, not only at recompute
        line = messages_text([], found)
        shown = rows.text(boe_rows[i].get("Messages"))
        if line not in shown:
            boe_rows[i]["Messages"] = f"{line}\n{shown}" if shown else line
    return typed.unreadable_dates


def _keyed(boe_rows: list[Row]) -> dict[tuple[str, int], int]:
    """(version key, occurrence) -> row index: a repeated version keeps its own row."""
    seen: dict[str, int] = defaultdict(int)
    out = {}
    for i, row in enumerate(boe_rows):
        v = rows.version_from_row(row, vid=str(i), sheet=BOE.sheet, line=i + 2, problems=[])
        key = rows.version_key(v)
        seen[key] += 1
        out[(key, seen[key])] = i
    return out


def _merge(boe_rows: list[Row], incoming: list[BoeVersion], periods_loaded: set[str],
           source_names: str, report: LoadReport) -> None:
    existing = _keyed(boe_rows)
    seen_now: set[int] = set()
    # A version repeated inside one file is a real duplicate (the rules flag it) and keeps
    # its own row; the same version in two files of one load (an older and a newer download)
    # is one row, with the later file's data.
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for v in incoming:
        key = rows.version_key(v)
        counts[(v.source, key)] += 1
        occurrence = counts[(v.source, key)]
        fresh = rows.row_from_version(v)
        at = existing.get((key, occurrence))
        if at is None:
            boe_rows.append(fresh)
            at = len(boe_rows) - 1
            existing[(key, occurrence)] = at
            seen_now.add(at)
            report.added += 1
        else:
            row = boe_rows[at]
            changed = any(rows.text(row.get(c)) != rows.text(fresh[c]) for c in PORTAL_COLUMNS)
            for column in PORTAL_COLUMNS:  # the accountant's columns are left as they are
                row[column] = fresh[column]
            seen_now.add(at)
            report.updated += changed
    for i, row in enumerate(boe_rows):
        if i in seen_now or rows.text(row.get("Period")) not in periods_loaded:
            continue
        source = rows.text(row.get("Source"))
        if source.startswith(("gstr2a", "gstr2b", "scenario")) and VANISHED_MARK not in source:
            row["Source"] = f"{source} | {VANISHED_MARK} ({source_names})"
            report.vanished += 1


def _apply_actions(boe_rows: list[Row], log: list[Row], action_rows, now: datetime,
                   report: LoadReport, unreadable_dates: dict[int, str] | None = None) -> None:
    """Bulk actions name a BoE (port, number, date), not a version: each applies to the
    latest version that existed on its date (reference date on or before it), else to the
    original. A row whose typed action could not be logged (its Action Date is not a date)
    is not changed: the accountant's typing would be lost."""
    unreadable_dates = unreadable_dates or {}
    versions: dict[tuple, list[tuple]] = defaultdict(list)
    for i, row in enumerate(boe_rows):
        v = rows.version_from_row(row, vid=str(i), sheet=BOE.sheet, line=i + 2, problems=[])
        ident = (v.port_code.upper(), v.key.boe_number, v.boe_date)
        versions[ident].append(((v.amendment, v.ref_date or datetime.min.date(), i), i,
                                rows.version_key(v), v.ref_date))
    for chain in versions.values():
        chain.sort()
    last_logged = {rows.text(e.get("BoE Identity")): rows.text(e.get("New Action")) for e in log}
    for a in sorted(action_rows, key=lambda a: a.date):  # each row ends with its latest
        chain = versions.get((a.port_code.strip().upper(), same_boe(a.boe_number), a.boe_date))
        if not chain:
            report.problems.append(Problem(
                a.file, "this BoE is not in the workbook, so its action was not applied",
                "Load the GSTR-2B that has it first, or list it on the Fetch BoE sheet.",
                row=a.row, column="BoE No", value=a.boe_number, severity=Severity.WARNING))
            continue
        existing = [c for c in chain if c[3] is None or c[3] <= a.date]
        _, i, key, _ = existing[-1] if existing else chain[0]
        if i in unreadable_dates:
            report.problems.append(Problem(
                a.file, f"this action was not applied: {BOE.sheet} row {i + 2} has an action "
                f"typed with the Action Date {unreadable_dates[i]!r}, which is not a date, and "
                "applying this one would replace it unlogged",
                "Type that date as DD-MM-YYYY, recompute, and load this file again.",
                row=a.row, column="BoE No", value=a.boe_number))
            continue
        label = a.code.label if a.code is not None else a.raw
        log.append({"When": now, "BoE Identity": key, "Old Action": last_logged.get(key, ""),
                    "New Action": label, "Action Date": a.date, "Remark": a.remark,
                    "Source": f"{Path(a.file).name} row {a.row}"})
        last_logged[key] = label
        row = boe_rows[i]
        row["Action"], row["Action Date"], row["Remark"] = label, a.date, a.remark
        report.actions += 1

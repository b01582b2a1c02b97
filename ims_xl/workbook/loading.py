"""Loading data into the workbook, merging by BoE identity.

Reloading never loses an accountant's Action, Action Date or Remark: rows merge by version
identity (rules.md section 1: section family, port code, BoE number, BoE date; then
amendment flag and reference date). New versions are added; versions missing from a newer
download of the same period are kept and marked, never deleted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import io as loaders
from ..models import BoeVersion, Severity
from ..problems import InputError, Problem
from . import rows as R
from .book import Book
from .layout import ACTION_LOG, BOE, BOE_LIST, BOOKS

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
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.added} BoE version(s) added", f"{self.updated} updated"]
        if self.vanished:
            parts.append(f"{self.vanished} kept but {VANISHED_MARK}")
        if self.books is not None:
            parts.append(f"{self.books} book line(s)")
        if self.boe_list is not None:
            parts.append(f"{self.boe_list} BoE list row(s)")
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


def _files(given: str | Path | Sequence[str | Path] | None) -> list[Path]:
    """One file or several: every file option may be given more than once."""
    if given is None:
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
    incoming: list[BoeVersion] = []
    periods_loaded: set[str] = set()
    sources: list[str] = []
    # Read every file first: a file that cannot be read stops everything, nothing half-loaded.
    if gstr2b:
        got = loaders.load_gstr2b_json([Path(p) for p in gstr2b])
        _stop_on_file_errors(got.problems)
        report.problems += got.problems
        incoming += got.records
        periods_loaded |= {str(f.period) for f in got.files if f.period}
        sources += [Path(p).name for p in gstr2b]
    for path in _files(gstr2b_excel):
        got = loaders.load_gstr2b_excel(path)
        _stop_on_file_errors(got.problems)
        report.problems += got.problems
        incoming += got.records
        periods_loaded |= {str(r.period) for r in got.records if r.period}
        sources.append(path.name)
    book_lines = list_rows = action_rows = None
    for path in _files(books):
        got_books = loaders.load_books(path, mapping=Path(mapping) if mapping else None)
        _stop_on_file_errors(got_books.problems)
        report.problems += got_books.problems
        book_lines = (book_lines or []) + got_books.lines
    for path in _files(boe_list):
        got_list = loaders.load_boe_list(path)
        _stop_on_file_errors(got_list.problems)
        report.problems += got_list.problems
        list_rows = (list_rows or []) + got_list.records
    for path in _files(actions):
        got_actions = loaders.load_actions(path)
        _stop_on_file_errors(got_actions.problems)
        report.problems += got_actions.problems
        action_rows = (action_rows or []) + got_actions.rows

    book.progress("Merging")
    boe_rows = book.read_table(BOE)
    if incoming:
        _merge(boe_rows, incoming, periods_loaded, ", ".join(sources), report)
        book.write_table(BOE, boe_rows)
    if book_lines is not None:
        book.write_table(BOOKS, [R.row_from_book(b) for b in book_lines])
        report.books = len(book_lines)
    if list_rows is not None:
        book.write_table(BOE_LIST, [R.row_from_version(v) for v in list_rows])
        report.boe_list = len(list_rows)
    if action_rows is not None:
        log = book.read_table(ACTION_LOG)
        _apply_actions(boe_rows, log, action_rows, now or datetime.now().replace(microsecond=0),
                       report)
        book.write_table(BOE, boe_rows)
        book.write_table(ACTION_LOG, log)
    book.save()
    return report


def _keyed(rows: list[Row]) -> dict[tuple[str, int], int]:
    """(version key, occurrence) -> row index: a repeated version keeps its own row."""
    seen: dict[str, int] = defaultdict(int)
    out = {}
    for i, row in enumerate(rows):
        v = R.version_from_row(row, vid=str(i), sheet=BOE.sheet, line=i + 2, problems=[])
        key = R.version_key(v)
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
        key = R.version_key(v)
        counts[(v.source, key)] += 1
        occurrence = counts[(v.source, key)]
        fresh = R.row_from_version(v)
        at = existing.get((key, occurrence))
        if at is None:
            boe_rows.append(fresh)
            at = len(boe_rows) - 1
            existing[(key, occurrence)] = at
            seen_now.add(at)
            report.added += 1
        else:
            row = boe_rows[at]
            changed = any(R.text(row.get(c)) != R.text(fresh[c]) for c in PORTAL_COLUMNS)
            for column in PORTAL_COLUMNS:  # the accountant's columns are left as they are
                row[column] = fresh[column]
            seen_now.add(at)
            report.updated += changed
    for i, row in enumerate(boe_rows):
        if i in seen_now or R.text(row.get("Period")) not in periods_loaded:
            continue
        source = R.text(row.get("Source"))
        if source.startswith(("gstr2b", "scenario")) and VANISHED_MARK not in source:
            row["Source"] = f"{source} | {VANISHED_MARK} ({source_names})"
            report.vanished += 1


def _apply_actions(boe_rows: list[Row], log: list[Row], action_rows, now: datetime,
                   report: LoadReport) -> None:
    """Bulk actions name a BoE (port, number, date), not a version: each applies to the
    latest version that existed on its date (reference date on or before it), else to the
    original."""
    versions: dict[tuple, list[tuple]] = defaultdict(list)
    for i, row in enumerate(boe_rows):
        v = R.version_from_row(row, vid=str(i), sheet=BOE.sheet, line=i + 2, problems=[])
        ident = (v.port_code.upper(), v.key.boe_number, v.boe_date)
        versions[ident].append(((v.amendment, v.ref_date or datetime.min.date(), i), i,
                                R.version_key(v), v.ref_date))
    for chain in versions.values():
        chain.sort()
    last_logged = {R.text(e.get("BoE Identity")): R.text(e.get("New Action")) for e in log}
    for a in sorted(action_rows, key=lambda a: a.date):  # each row ends with its latest
        number = a.boe_number.strip().lstrip("0") or "0"
        chain = versions.get((a.port_code.strip().upper(), number, a.boe_date))
        if not chain:
            report.problems.append(Problem(
                a.file, "this BoE is not in the workbook, so its action was not applied",
                "Load the GSTR-2B that has it first, or list it on the Fetch BoE sheet.",
                row=a.row, column="BoE No", value=a.boe_number, severity=Severity.WARNING))
            continue
        existing = [c for c in chain if c[3] is None or c[3] <= a.date]
        _, i, key, _ = existing[-1] if existing else chain[0]
        label = a.code.label if a.code is not None else a.raw
        log.append({"When": now, "BoE Identity": key, "Old Action": last_logged.get(key, ""),
                    "New Action": label, "Action Date": a.date, "Remark": a.remark,
                    "Source": f"{Path(a.file).name} row {a.row}"})
        last_logged[key] = label
        row = boe_rows[i]
        row["Action"], row["Action Date"], row["Remark"] = label, a.date, a.remark
        report.actions += 1

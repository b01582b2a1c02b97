"""``ims-xl export``: actions for IMS, the GSTR-3B Table 4 lines, and the reconciliation."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from .. import exports
from ..actions import parse_action
from ..match import match_boes
from ..models import Action, ActionCode, Message, Severity
from ..periods import Period
from ..problems import InputError
from . import rows
from .book import Book
from .fast_book import FastBook
from .ops import log_typed_actions
from .state import (LOG_COLUMNS, VERSION_COLUMNS, ColumnRows, WorkbookState, actions_from_log,
                    evaluate_book, read_state, sheets_read)

__all__ = ["export", "export_book"]


def export(workbook: str | Path, period: Period, **options) -> str:
    """Export from a workbook file (read with the fast read-only reader)."""
    sheets = sheets_read(with_books=bool(options.get("reconciliation")))
    return export_book(FastBook(workbook, sheets=sheets), period, **options)


def export_book(book: Book, period: Period, *, as_of: date | None = None,
                today: date | None = None, ims_json: str | None = None,
                actions_csv: str | None = None, gstr3b_json: str | None = None,
                reconciliation: str | None = None) -> str:
    """Export from any :class:`Book` (a file, or the live workbook in Excel)."""
    # the BoE rows' Action, Action Date and Remark are read below; nothing else beyond the
    # versions
    state = read_state(book, as_of=as_of, today=today, with_books=bool(reconciliation),
                       boe_columns=VERSION_COLUMNS + ("Action", "Action Date", "Remark"),
                       log_columns=LOG_COLUMNS)
    period = period.for_filing(state.settings.filing)
    if reconciliation:
        results = match_boes(state.versions, state.books, state.boe_list or None,
                             settings=state.settings, tolerance=state.tolerance)
        n = exports.export_reconciliation_csv(reconciliation, results)
        return f"Wrote {n} reconciliation row(s) to {reconciliation}"
    if gstr3b_json:
        evaluation = evaluate_book(state).evaluation
        figures = evaluation.periods.get(period)
        if figures is None:
            raise InputError(f"period {period} is not in {book.label} on "
                             f"{state.as_of:%d-%m-%Y}")
        if not state.settings.gstin:
            raise InputError("set your GSTIN in Settings (IMS_GSTIN) before exporting")
        exports.export_gstr3b_json(gstr3b_json, figures, gstin=state.settings.gstin)
        return f"Wrote GSTR-3B Table 4 import lines for {period} to {gstr3b_json}"
    if ims_json and not state.settings.gstin:
        raise InputError("set your GSTIN in Settings (IMS_GSTIN) before exporting actions")
    chosen = _actions_to_export(state, period)
    if ims_json:
        payload = exports.export_actions_json(ims_json, chosen.records, chosen.current,
                                              gstin=state.settings.gstin)  # type: ignore[arg-type]
        n = sum(len(v) for v in payload["data"]["invdata"].values())
        # the last line stops an accountant from taking the file to Offline > Upload JSON
        return (_wrote(n, period, ims_json, chosen) + "\n"
                + exports.ACTIONS_JSON_IS_NOT_OFFLINE_TOOL)
    n = exports.export_actions_csv(actions_csv, chosen.records, chosen.current,
                                   remarks=chosen.remarks)
    return _wrote(n, period, actions_csv, chosen)


class _KeepTyped:
    """Stands in for the book while the export logs the typed actions in memory: a new
    Reject is kept as typed (the rules then judge it); nothing is asked or written."""

    def confirm(self, question: str) -> bool:
        return True


def _actions_to_export(state: WorkbookState, period: Period) -> exports.ActionsToExport:
    """The period's actions that the rules honour, as Recompute would log them: an action
    typed since the last Recompute counts (logged here in memory only, as Recompute would),
    so what is exported is exactly what the engine judged."""
    log = list(state.log)
    # logging fills in the rows (a blank Action Date...): copies, so the book's rows and
    # log stay as they are (ColumnRows makes a new dict for each row anyway)
    row_copies = state.boe_rows if isinstance(state.boe_rows, ColumnRows) else \
        [dict(r) for r in state.boe_rows]
    typed = log_typed_actions(_KeepTyped(), row_copies, state.keys, log,  # type: ignore[arg-type]
                              as_of=state.as_of, now=datetime.now().replace(microsecond=0))
    actions, _ = actions_from_log(state, log)
    chosen = exports.actions_to_export(state.versions, actions, state.settings, state.as_of,
                                       period)
    # An action whose Action Date is not a date is not logged: the rules do not see it (the
    # action logged before stays in force and is what is exported).
    shown = {v.id for v in chosen.records}
    for i in typed.unreadable_dates:
        version = state.versions[i]
        raw = rows.text(state.boe_rows[i].get("Action"))
        code = parse_action(raw)
        if version.id in shown and code is not ActionCode.NO_ACTION:
            chosen.left_out.append(exports.LeftOut(
                version, Action(version.id, code, state.as_of, raw=raw),
                Message("ACTION_DATE_UNREADABLE", Severity.ERROR,
                        f"The Action Date {typed.unreadable_dates[i]!r} is not a date: the "
                        "action is not logged until it is typed as DD-MM-YYYY.")))
    return chosen


def _wrote(n: int, period: Period, target: str | None, chosen: exports.ActionsToExport) -> str:
    """The first line of an actions export's message, with what was left out and why."""
    line = f"Wrote {n} changed action(s) for {period} to {target}"
    left = exports.left_out_summary(chosen.left_out)
    if left:
        line += (f"; {left}. The BoE sheet's Messages column says why on each row (after "
                 "Recompute)")
    return line

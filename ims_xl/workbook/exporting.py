"""``ims-xl export``: actions for IMS, the GSTR-3B Table 4 lines, and the reconciliation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .. import exports
from ..actions import parse_action
from ..match import match_boes
from ..models import ActionCode
from ..periods import Period
from ..problems import InputError
from . import rows as R
from .book import Book
from .fast_book import FastBook
from .ops import evaluate_book
from .state import LOG_COLUMNS, VERSION_COLUMNS, read_state, sheets_read

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
    # the BoE rows' Action and Remark are read below; nothing else beyond the versions
    state = read_state(book, as_of=as_of, today=today, with_books=bool(reconciliation),
                       boe_columns=VERSION_COLUMNS + ("Action", "Remark"),
                       log_columns=LOG_COLUMNS)
    period = period.for_filing(state.settings.filing)
    evaluation, _ = evaluate_book(state)
    if reconciliation:
        results = match_boes(state.versions, state.books, state.boe_list or None,
                             settings=state.settings, tolerance=state.tolerance)
        n = exports.export_reconciliation_csv(reconciliation, results)
        return f"Wrote {n} reconciliation row(s) to {reconciliation}"
    if gstr3b_json:
        figures = evaluation.periods.get(period)
        if figures is None:
            raise InputError(f"period {period} is not in {book.label} on "
                             f"{state.as_of:%d-%m-%Y}")
        if not state.settings.gstin:
            raise InputError("set your GSTIN in Settings (IMS_GSTIN) before exporting")
        exports.export_gstr3b_json(gstr3b_json, figures, gstin=state.settings.gstin)
        return f"Wrote GSTR-3B Table 4 import lines for {period} to {gstr3b_json}"
    # IMS actions: the versions IMS shows in the period, with the action typed on each row.
    in_period = {r.id for r in evaluation.records
                 if any(step.period == period for step in r.history)}
    records = [v for v in state.versions if v.id in in_period]
    current = {}
    remarks = {}
    for v, row in zip(state.versions, state.boe_rows):
        if v.id in in_period:
            current[v.id] = parse_action(R.text(row.get("Action"))) or ActionCode.NO_ACTION
            remarks[v.id] = R.text(row.get("Remark"))
    if ims_json:
        if not state.settings.gstin:
            raise InputError("set your GSTIN in Settings (IMS_GSTIN) before exporting actions")
        payload = exports.export_actions_json(ims_json, records, current,
                                              gstin=state.settings.gstin)
        n = sum(len(v) for v in payload["data"]["invdata"].values())
        # the second line stops an accountant from taking the file to Offline > Upload JSON
        return (f"Wrote {n} changed action(s) for {period} to {ims_json}\n"
                + exports.ACTIONS_JSON_IS_NOT_OFFLINE_TOOL)
    n = exports.export_actions_csv(actions_csv, records, current, remarks=remarks)
    return f"Wrote {n} changed action(s) for {period} to {actions_csv}"

"""The workbook's "If nothing more is done" figures (issue 14, item 7), from the rules'
:mod:`ims_xl.rules.nothing_more`: the BoE table's hidden columns that Recompute writes (summed
by the GSTR-3B sheet's formulas) and the period figures ``ims-xl summary`` prints."""

from __future__ import annotations

from ..models import Action, Evaluation, PeriodFigures
from ..periods import Period
from ..rules.nothing_more import NothingMore, credit_if_nothing_more, if_nothing_more
from .layout import NOTHING_MORE_COLUMNS
from .state import WorkbookState, evaluate_book

__all__ = ["nothing_more_cells", "summary_figures"]


def nothing_more_cells(state: WorkbookState, actions: list[Action], now: Evaluation
                       ) -> list[dict]:
    """Per BoE row: its values of the three hidden "if nothing more" columns (the period
    whose GSTR-3B takes its credit, and its ITC effect there; blank for no credit).
    ``actions`` and ``now``: the Action Log's actions and the evaluation Recompute made."""
    period_col, igst_col, cess_col = NOTHING_MORE_COLUMNS
    if not state.boe_rows or period_col not in state.boe_rows[0]:
        # a workbook from before template 3 has no such columns (a row read has a key for
        # each column its table has): nothing to write, so nothing to evaluate
        return [{} for _ in state.versions]
    out = []
    for credit in credit_if_nothing_more(state.versions, actions, state.settings,
                                         state.as_of, now):
        if credit is None:
            out.append({period_col: "", igst_col: None, cess_col: None})
        else:
            period, itc = credit
            out.append({period_col: str(period), igst_col: itc.igst, cess_col: itc.cess})
    return out


def summary_figures(state: WorkbookState, period: Period
                    ) -> tuple[PeriodFigures | None, NothingMore | None]:
    """``period``'s figures as they stand and on its GSTR-2B day if nothing more is done
    (both ``None`` when the period is not in the workbook), from one reading of the log."""
    now, _, actions = evaluate_book(state)
    period = period.for_filing(state.settings.filing)
    figures = now.periods.get(period)
    if figures is None:
        return None, None
    return figures, if_nothing_more(state.versions, actions, state.settings, state.as_of,
                                    period, now)

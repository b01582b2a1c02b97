"""The workbook's "If nothing more is done" figures (issue 14, item 7), from the rules'
:mod:`ims_xl.rules.nothing_more`: the BoE table's hidden columns that Recompute writes (summed
by the GSTR-3B sheet's formulas) and the period figures ``ims-xl summary`` prints."""

from __future__ import annotations

from ..models import Evaluation
from ..periods import Period
from ..rules.nothing_more import NothingMore, credit_if_nothing_more, if_nothing_more
from .layout import NOTHING_MORE_COLUMNS
from .state import WorkbookState, actions_from_log

__all__ = ["nothing_more_cells", "period_if_nothing_more"]


def nothing_more_cells(state: WorkbookState, now: Evaluation) -> list[dict]:
    """Per BoE row: its values of the three hidden "if nothing more" columns (the period
    whose GSTR-3B takes its credit, and its ITC effect there; blank for no credit)."""
    actions, _ = actions_from_log(state)  # (its problems are reported by the evaluation)
    period_col, igst_col, cess_col = NOTHING_MORE_COLUMNS
    out = []
    for credit in credit_if_nothing_more(state.versions, actions, state.settings,
                                         state.as_of, now):
        if credit is None:
            out.append({period_col: "", igst_col: None, cess_col: None})
        else:
            period, itc = credit
            out.append({period_col: str(period), igst_col: itc.igst, cess_col: itc.cess})
    return out


def period_if_nothing_more(state: WorkbookState, now: Evaluation,
                           period: Period) -> NothingMore | None:
    """``period``'s figures on its GSTR-2B day if nothing more is done."""
    actions, _ = actions_from_log(state)
    return if_nothing_more(state.versions, actions, state.settings, state.as_of,
                           period.for_filing(state.settings.filing), now)

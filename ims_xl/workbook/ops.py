"""The workbook operations: written once, run by the command line (openpyxl) and by the
ribbon (xlwings), through the :class:`~ims_xl.workbook.book.Book` interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..actions import parse_action
from ..fetch import (FetchRow, fetch_candidates, fill_from_boe_list, reference_dates,
                     validate_fetch_rows)
from ..gst_calendar import gstr2b_date
from ..match import MatchResult, match_boes, match_key, results_by_version
from .. import dates
from ..models import ZERO, ActionCode, Evaluation, Message, RejectPolicy, Severity, Status
from ..periods import Period
from ..problems import Problem
from ..rules import evaluate
from . import formulas
from . import rows as R
from .book import Book
from .layout import (ACTION_LOG, AT_RECOMPUTE, BOE, FETCH, HISTORY, PERIOD_LIST_NAME,
                     PERIOD_NAME, PERIODS_3B, RECONCILIATION, Formula)
from .state import WorkbookState, actions_from_log, read_state, refused_for_itself

__all__ = ["RecomputeReport", "recompute", "evaluate_book", "messages_text", "FetchReport",
           "fetch", "TYPED_SOURCE", "TypedActions", "log_typed_actions"]

Row = dict[str, Any]
TYPED_SOURCE = "typed in workbook"


@dataclass
class RecomputeReport:
    as_of: date
    versions: int = 0
    logged: int = 0
    rejects_refused: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    problems: list[Problem] = field(default_factory=list)
    evaluation: Evaluation | None = None
    periods: list[str] = field(default_factory=list)
    review_period: str = ""


def messages_text(messages: list[Message], problems: list[Problem] = ()) -> str:
    """The Messages cell: errors first, one per line, each starting with its severity."""
    lines = [f"ERROR INPUT: {p.column}: {p.message}" for p in problems]
    ordered = sorted(messages, key=lambda m: m.severity is not Severity.ERROR)
    lines += [f"{m.severity.value.upper()} {m.code}: {m.text}" for m in ordered]
    return "\n".join(lines)


@dataclass
class TypedActions:
    """What logging the typed actions did (:func:`log_typed_actions`)."""

    logged: int = 0
    rejects_refused: int = 0
    problems: list[Problem] = field(default_factory=list)
    row_problems: dict[int, list[Problem]] = field(default_factory=dict)  # for Messages
    unreadable_dates: dict[int, str] = field(default_factory=dict)  # row -> the date typed
    entries: list[tuple[int, Row]] = field(default_factory=list)   # (row, entry) logged now


# Why the rules ignore an action, as the Action Log's Source says it (":func:`ignored`").
IGNORED = {
    "ACTION_UNKNOWN": "not an action word (Accept, Keep Pending or Reject)",
    "REJECT_NEEDS_REMARK": "a Reject needs a remark",
    "REJECT_BLOCKED": "the portal has no Reject for a BoE (reject policy block)",
    "ACTION_BEFORE_IMS": "the BoE is from before IMS and went straight to GSTR-2B",
    "ACTION_AFTER_CLOSE": "the BoE had already left IMS",
    "ACTION_ON_SUPERSEDED": "this version was amended: act on the amendment",
    "GSTIN_OTHER": "the BoE is another GSTIN's",
    "DUPLICATE_RECORD": "the row is a duplicate",
}


def ignored(source: str, code: str) -> str:
    """The Source of an Action Log entry the rules ignore: it says so, and why, so the log
    never shows an ignored action as if it were taken."""
    return f"{source}: ignored, {IGNORED[code]}"


def log_typed_actions(book: Book, boe_rows: Sequence[Row], keys: list[str], log: list[Row], *,
                      as_of: date, now: datetime, source: str = TYPED_SOURCE,
                      policy: RejectPolicy | None = None) -> TypedActions:
    """Append an Action Log entry for every row whose Action, Action Date or Remark changed
    since it was last logged: recompute does it, and load does it before a bulk actions file
    changes the rows, so nothing typed is lost. A blank Action Date is filled with the as-of
    date. An Action Date that is not a date is left as typed and reported on the row: its
    action is not logged until the date is fixed (the action logged before stays in force).
    New Rejects are logged only if ``book.confirm`` says so; a refused one is undone.

    An action the rules refuse for itself (``acept``; a Reject without a remark, or any Reject
    under ``policy`` block) is logged with a Source saying it is ignored and why; Old Action
    is the action in force before, never an ignored one. ``policy`` None: the Reject policy
    is not known here, and only a word that is no action is marked."""
    done = TypedActions()
    last: dict[str, Row] = {}
    in_force: dict[str, str] = {}
    for entry in log:
        key = R.text(entry.get("BoE Identity"))
        last[key] = entry
        if _refused(entry.get("New Action"), entry.get("Remark"), policy) is None:
            in_force[key] = R.text(entry.get("New Action"))
    new_entries: list[tuple[int, Row]] = []
    logged_keys = set()
    for i, row in enumerate(boe_rows):
        key = keys[i]
        if key in logged_keys:
            continue  # a duplicate row: its first row carries the actions
        raw = R.text(row.get("Action"))
        code = parse_action(raw)
        label = code.label if code is not None else raw
        previous = last.get(key)
        if previous is None and not raw:
            continue
        try:
            when = R.as_date(row.get("Action Date"))
        except ValueError as exc:
            _unreadable_action_date(done, i, label, row.get("Action Date"), exc)
            continue
        if when is None:
            when = as_of
        remark = R.text(row.get("Remark"))
        if code is not None and raw != label and raw:
            row["Action"] = label  # "a" -> "Accept": the accountant's words
        if raw:
            row["Action Date"] = when
        if previous is not None:
            same = (R.text(previous.get("New Action")) == label
                    and _same_date(previous.get("Action Date"), when)
                    and R.text(previous.get("Remark")) == remark)
            if same:
                continue
        elif not raw:
            continue
        refused = _refused(raw, remark, policy)
        entry = {"When": now, "BoE Identity": key, "Old Action": in_force.get(key, ""),
                 "New Action": label, "Action Date": when, "Remark": remark,
                 "Source": source if refused is None else ignored(source, refused)}
        new_entries.append((i, entry))
        logged_keys.add(key)

    rejects = [(i, e) for i, e in new_entries
               if parse_action(e["New Action"]) is ActionCode.REJECT
               and parse_action(e["Old Action"]) is not ActionCode.REJECT]
    if rejects:
        listing = "\n".join(f"  {e['BoE Identity']} ({_short(e['Remark']) or 'no remark'})"
                            for _, e in rejects[:30])
        more = f"\n  ... and {len(rejects) - 30} more" if len(rejects) > 30 else ""
        if policy is RejectPolicy.BLOCK:
            what = ("Under reject policy 'block' (the portal offers only Accept and Keep "
                    "Pending for a BoE) a Reject changes no figure: it is logged as ignored "
                    "and its row shows an error. Use Keep Pending instead.")
        else:
            what = ("A rejected BoE leaves GSTR-2B and its credit is lost until you act "
                    "again; the portal may refuse Reject on a BoE.")
        question = f"Keep {len(rejects)} new Reject(s)? {what}\n{listing}{more}"
        if not book.confirm(question):
            refused = {i for i, _ in rejects}
            for i, entry in rejects:
                row = boe_rows[i]
                prev = last.get(entry["BoE Identity"])  # the whole change is undone
                row["Action"] = entry["Old Action"]
                row["Action Date"] = prev.get("Action Date") if prev else None
                row["Remark"] = prev.get("Remark") if prev else None
            new_entries = [(i, e) for i, e in new_entries if i not in refused]
            done.rejects_refused = len(refused)
    log.extend(e for _, e in new_entries)
    done.logged = len(new_entries)
    done.entries = new_entries
    return done


def _refused(action: Any, remark: Any, policy: RejectPolicy | None) -> str | None:
    code = parse_action(R.text(action))
    if policy is None and code is not None:
        return None
    return refused_for_itself(code, R.text(remark), policy or RejectPolicy.ALLOW)


def mark_ignored_by_rules(entries: list[tuple[int, Row]], evaluation: Evaluation,
                          source: str = TYPED_SOURCE) -> None:
    """The entries logged now that the rules ignore for what the BoE is (before IMS, left IMS,
    amended since, another GSTIN's, a duplicate) say so in their Source, as the engine's
    messages on their row tell."""
    for i, entry in entries:
        if entry["Source"] != source:
            continue   # already marked (refused for itself)
        when = entry["Action Date"]
        said = f"action of {dates.format_date(when)}" if isinstance(when, date) else None
        for m in evaluation.records[i].messages:
            if m.code in ("GSTIN_OTHER", "DUPLICATE_RECORD") or (
                    m.code in ("ACTION_BEFORE_IMS", "ACTION_AFTER_CLOSE", "ACTION_ON_SUPERSEDED")
                    and said and said in m.text):
                entry["Source"] = ignored(source, m.code)
                break


def _short(remark: str, limit: int = 80) -> str:
    """A remark as a question lists it: the start of a long one is enough to know it."""
    return remark if len(remark) <= limit else remark[:limit - 1] + "…"


def _unreadable_action_date(done: TypedActions, i: int, label: str, value: Any,
                            exc: ValueError) -> None:
    """The cell keeps what was typed (replacing it with a guess would hide the mistake and log
    a date the accountant never gave); the row and the command's problem list say why its
    action is not logged."""
    typed = R.text(value)
    why = str(exc).replace("Type the date as DD-MM-YYYY.", "").strip().rstrip(".")
    what = f"the {label} typed on this row" if label else "the change typed on this row"
    problem = Problem(BOE.sheet, f"{why}; {what} is not logged until the date is typed as "
                      "DD-MM-YYYY", "Fix the date and recompute; until then the action logged "
                      "before stays in force.", row=i + 2, column="Action Date", value=typed)
    done.problems.append(problem)
    done.row_problems.setdefault(i, []).append(problem)
    done.unreadable_dates[i] = typed


def _same_date(a: Any, b: date | None) -> bool:
    try:
        return R.as_date(a) == b
    except ValueError:
        return False


def evaluate_book(state: WorkbookState) -> tuple[Evaluation, list[Problem]]:
    actions, problems = actions_from_log(state)
    return evaluate(state.versions, actions, state.settings, state.as_of), problems


def review_period(state: WorkbookState, periods: list[Period]) -> Period | None:
    """The period the accountant is working on: the earliest whose GSTR-2B is not generated
    yet on the as-of date (on the 13th of December, November)."""
    for p in periods:
        if gstr2b_date(p, state.settings) >= state.as_of:
            return p
    return periods[-1] if periods else None


def recompute(book: Book, *, as_of: date | None = None, today: date | None = None,
              now: datetime | None = None, source: str = TYPED_SOURCE) -> RecomputeReport:
    """Log changed actions, evaluate, match, and write every computed column and sheet."""
    book.progress("Reading the workbook")
    state = read_state(book, as_of=as_of, today=today)
    report = RecomputeReport(as_of=state.as_of, versions=len(state.versions),
                             problems=list(state.problems))
    typed = log_typed_actions(book, state.boe_rows, state.keys, state.log, as_of=state.as_of,
                              now=now or datetime.now().replace(microsecond=0), source=source,
                              policy=state.settings.reject_policy)
    report.logged, report.rejects_refused = typed.logged, typed.rejects_refused
    report.problems += typed.problems
    for i, found in typed.row_problems.items():  # the accountant's own mistake shows first
        state.row_problems[i] = found + state.row_problems.get(i, [])

    book.progress("Evaluating")
    evaluation, log_problems = evaluate_book(state)
    report.problems += log_problems
    report.evaluation = evaluation
    mark_ignored_by_rules(typed.entries, evaluation, source)

    book.progress("Matching")
    matches = match_boes(state.versions, state.books, state.boe_list or None,
                         settings=state.settings, tolerance=state.tolerance)
    by_version = results_by_version(matches)

    book.progress("Writing results")
    history: list[Row] = []
    for i, (row, version, result) in enumerate(zip(state.boe_rows, state.versions,
                                                   evaluation.records)):
        match = by_version.get(version.id)
        row["Match"] = match.status.label if match else ""
        row["Suggested Action"] = (match.suggested_action.label
                                   if match and match.suggested_action
                                   and not left_ims(result, evaluation) else "")
        row["Status"] = result.status.label
        report.by_status[result.status.label] = report.by_status.get(result.status.label, 0) + 1
        period = result.itc_period or result.rejected_period
        row["2B Period"] = str(period) if period else ""
        row["ITC IGST"] = result.itc.igst if result.itc else None
        row["ITC Cess"] = result.itc.cess if result.itc else None
        text = messages_text(result.messages, state.row_problems.get(i, []))
        row["Messages"] = text
        if text.startswith("ERROR"):
            report.errors += 1
        # a moved version holds nothing for this GSTIN (rules 2.0): the pending figures the
        # GSTR-2B sheet sums from History count it as zero, as the rules do
        igst, cess = (ZERO, ZERO) if result.moved_to else (version.igst, version.cess)
        for step in result.history:
            history.append({"BoE Identity": state.keys[i], "Section": version.gstr2b_section,
                            "Period": str(step.period), "Status": step.status.label,
                            "IGST": igst, "Cess": cess})
    remember_actions_at_recompute(state.boe_rows)
    book.write_table(BOE, state.boe_rows)
    book.write_table(ACTION_LOG, state.log)
    book.write_table(HISTORY, history)
    book.write_table(RECONCILIATION, [_reconciliation_row(m) for m in matches])
    _add_fetch_candidates(book, matches)

    periods = sorted(evaluation.periods)
    report.periods = [str(p) for p in periods]
    book.set_list(PERIOD_LIST_NAME, report.periods)
    first_body = int(PERIODS_3B.origin[1:]) + 1
    book.write_table(PERIODS_3B, [
        dict(zip(PERIODS_3B.headers, [str(p)] + [Formula(f) for f in formulas.period_row(r)]))
        for r, p in enumerate(periods, start=first_body)])
    current = R.text(book.read_names([PERIOD_NAME]).get(PERIOD_NAME))
    chosen = review_period(state, periods)
    if current not in report.periods and chosen is not None:
        book.write_name(PERIOD_NAME, str(chosen))
        current = str(chosen)
    report.review_period = current
    book.progress("Saving")
    book.save()
    return report


def remember_actions_at_recompute(boe_rows: Sequence[Row]) -> None:
    """Copy each row's Action, Action Date and Remark, as this recompute leaves them, into
    their hidden twins: the workbook's own formula (IMS_ACTIONS_SINCE_RECOMPUTE) then counts
    the rows typed since. The same value goes into both cells, so every writer writes them
    alike and the count is 0 after the save. A workbook without the twins ignores them."""
    for row in boe_rows:
        for header, twin in AT_RECOMPUTE.items():
            row[twin] = row.get(header)


def left_ims(result, evaluation: Evaluation) -> bool:
    """Whether a version has left IMS, so that no action on it changes anything (a suggestion
    there would invite a useless action): accepted, deemed accepted or rejected in a period
    whose GSTR-3B is filed, amended since, or time-barred."""
    if result.status in (Status.SUPERSEDED, Status.TIME_BARRED):
        return True
    period = result.itc_period or result.rejected_period
    if result.status in (Status.ACCEPTED, Status.DEEMED_ACCEPTED, Status.REJECTED) and period:
        figures = evaluation.periods.get(period)
        return figures is not None and figures.state == "closed"
    return False


def _money_or_none(amounts, head: str) -> Decimal | None:
    return getattr(amounts, head) if amounts is not None else None


def _reconciliation_row(m: MatchResult) -> Row:
    return {
        "Port Code": m.port_code, "BoE No": m.boe_number, "BoE Date": m.boe_date,
        "Match": m.status.label,
        "IMS IGST": _money_or_none(m.ims, "igst"), "Books IGST": _money_or_none(m.books, "igst"),
        "IMS Cess": _money_or_none(m.ims, "cess"), "Books Cess": _money_or_none(m.books, "cess"),
        # sentences in the accountant's words, amounts in lakhs and crores (Difference.__str__)
        "Differences": "; ".join(
            str(d) + ("" if d.breaks_match or d.note else " (does not break the match)")
            for d in m.differences),
        "Suggested Action": m.suggested_action.label if m.suggested_action else "",
        "Note": m.note,
        "Book Rows": "; ".join(f"{f} row {r}" if r else f for f, r in m.book_rows),
    }


def _fetch_rows(rows: list[Row]) -> list[FetchRow]:
    out = []
    for row in rows:
        def day(column: str):
            try:
                return R.as_date(row.get(column))
            except ValueError:
                return None
        out.append(FetchRow(R.text(row.get("Port Code")), R.text(row.get("BoE No")),
                            day("BoE Date"), day("Reference Date"), source="typed"))
    return out


def _add_fetch_candidates(book: Book, matches: list[MatchResult]) -> None:
    existing = book.read_table(FETCH)
    have = {match_key(r.get("Port Code"), R.text(r.get("BoE No")), _safe_date(r.get("BoE Date")))
            for r in existing}
    added = False
    for cand in fetch_candidates(matches):
        key = match_key(cand.port_code, cand.boe_number, cand.boe_date)
        if key in have:
            continue
        have.add(key)
        existing.append({"Port Code": cand.port_code, "BoE No": cand.boe_number,
                         "BoE Date": cand.boe_date, "Reference Date": cand.ref_date,
                         "Status": f"Candidate: not in IMS (in {cand.source})", "Problem": ""})
        added = True
    if added:
        book.write_table(FETCH, existing)


def _safe_date(value: Any) -> date | None:
    try:
        return R.as_date(value)
    except ValueError:
        return None


@dataclass
class FetchReport:
    checked: int = 0
    invalid: int = 0
    filled: int = 0
    to_request: int = 0
    batches: int = 0
    ref_dates_filled: int = 0   # reference dates taken from the BoE list

    def summary(self) -> str:
        """The sentence the command line prints and the ribbon shows."""
        refs = (f", {self.ref_dates_filled} reference date(s) taken from the BoE list"
                if self.ref_dates_filled else "")
        return (f"Fetch BoE: {self.checked} row(s) checked{refs}, {self.invalid} invalid, "
                f"{self.filled} filled from the BoE list, {self.to_request} to request on the "
                f"portal in {self.batches} batch(es) of at most 10.")


def fetch(book: Book, *, today: date | None = None) -> FetchReport:
    """Check the Fetch BoE sheet as the portal would, and fill what the BoE list can supply."""
    from .layout import BOE_LIST
    from .state import read_versions

    today = today or date.today()
    rows = book.read_table(FETCH)
    report = FetchReport(checked=len(rows))
    boe_rows = book.read_table(BOE)
    ims = read_versions(boe_rows, BOE.sheet)[0]
    boe_list = read_versions(book.read_table(BOE_LIST), BOE_LIST.sheet)[0]
    # the portal needs the reference date: a row without one takes the BoE list's
    listed_refs = reference_dates(boe_list)
    for row in rows:
        if row.get("Reference Date") in (None, ""):
            ref = listed_refs.get(match_key(row.get("Port Code"), R.text(row.get("BoE No")),
                                            _safe_date(row.get("BoE Date"))))
            if ref is not None:
                row["Reference Date"] = ref
                report.ref_dates_filled += 1
    requested = _fetch_rows(rows)
    checks = validate_fetch_rows(requested, today=today, single_request=False)
    valid = [c.row for c in checks if c.ok]
    new_records, still_missing = fill_from_boe_list(ims, boe_list, valid)
    missing = {match_key(r.port_code, r.boe_number, r.boe_date) for r in still_missing}
    filled_keys = {match_key(v.port_code, v.boe_number, v.boe_date) for v in new_records}
    from ..fetch import batches as make_batches
    batch_of: dict[Any, int] = {}
    for n, batch in enumerate(make_batches(still_missing), start=1):
        for r in batch:
            batch_of[match_key(r.port_code, r.boe_number, r.boe_date)] = n
    report.batches = len(set(batch_of.values()))
    for row, check in zip(rows, checks):
        key = match_key(check.row.port_code, check.row.boe_number, check.row.boe_date)
        if not check.ok:
            row["Status"] = "Invalid: correct it"
            row["Problem"] = check.text
            report.invalid += 1
        elif key in filled_keys:
            row["Status"] = "Filled from the BoE list"
            row["Problem"] = ""
            report.filled += 1
        elif key in missing:
            row["Status"] = f"Request on the portal (batch {batch_of.get(key, 1)})"
            row["Problem"] = ""
            report.to_request += 1
        else:
            row["Status"] = "Already in IMS"
            row["Problem"] = ""
    for v in new_records:
        new_row = R.row_from_version(v)
        new_row["Source"] = v.source
        boe_rows.append(new_row)
    book.write_table(FETCH, rows)
    if new_records:
        book.write_table(BOE, boe_rows)
    book.save()
    return report


def period_figures(state: WorkbookState, period: Period):
    evaluation, _ = evaluate_book(state)
    period = period.for_filing(state.settings.filing)
    return evaluation, evaluation.periods.get(period)

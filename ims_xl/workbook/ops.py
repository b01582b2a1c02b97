"""The workbook operations: written once, run by the command line (StreamBook) and by the
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
from ..models import ZERO, Action, ActionCode, Evaluation, Message, RejectPolicy, Severity, Status
from ..periods import Period
from ..problems import InputError, Problem
from . import formulas
from . import rows
from .book import Book
from .layout import (ACTION_LOG, AT_RECOMPUTE, BOE, FETCH, HISTORY, PERIOD_LIST_NAME,
                     PERIOD_NAME, PERIODS_3B, RECONCILIATION, Formula, TableSpec)
from .nothing_more import nothing_more_cells
from .state import WorkbookState, evaluate_book, read_state, refused_for_itself

__all__ = ["RecomputeReport", "recompute", "messages_text", "FetchReport",
           "fetch", "TYPED_SOURCE", "TypedActions", "log_typed_actions", "TrialRun",
           "ReconcileOnly"]

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

    def status_counts(self) -> str:
        """How many versions have each status: "25 accepted, 1 deemed accepted, 12 open"."""
        return ", ".join(f"{n} {label.lower()}" for label, n in sorted(self.by_status.items()))

    def summary(self) -> str:
        """The sentence the command line prints and the ribbon shows (the problems are listed
        apart: on stderr, or below it in the message box)."""
        text = (f"Recomputed as of {self.as_of:%d-%m-%Y}: {self.versions} BoE version(s) "
                f"({self.status_counts() or 'none'}); {self.logged} action(s) logged")
        if self.rejects_refused:
            text += (f", {self.rejects_refused} new Reject(s) not kept (their Action is back "
                     "to what it was)")
        text += f"; {self.errors} row(s) with errors."
        if self.review_period:
            text += f" Period under review: {self.review_period}."
        return text


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
    last, in_force = _logged_so_far(log, policy)
    new_entries: list[tuple[int, Row]] = []
    logged_keys = set()
    for i, row in enumerate(boe_rows):
        key = keys[i]
        if key in logged_keys:
            continue  # a duplicate row: its first row carries the actions
        entry = _typed_change(done, i, row, key, last.get(key), as_of=as_of, now=now,
                              source=source, policy=policy, in_force=in_force.get(key, ""))
        if entry is not None:
            new_entries.append((i, entry))
            logged_keys.add(key)
    new_entries = _keep_rejects_asked(book, boe_rows, new_entries, last, policy, done)
    log.extend(e for _, e in new_entries)
    done.logged = len(new_entries)
    done.entries = new_entries
    return done


def _logged_so_far(log: list[Row], policy: RejectPolicy | None
                   ) -> tuple[dict[str, Row], dict[str, str]]:
    """Each BoE version's last Action Log entry, and the action in force (the last one the
    rules do not refuse for itself)."""
    last: dict[str, Row] = {}
    in_force: dict[str, str] = {}
    for entry in log:
        key = rows.text(entry.get("BoE Identity"))
        last[key] = entry
        if _refused(entry.get("New Action"), entry.get("Remark"), policy) is None:
            in_force[key] = rows.text(entry.get("New Action"))
    return last, in_force


def _typed_change(done: TypedActions, i: int, row: Row, key: str, previous: Row | None, *,
                  as_of: date, now: datetime, source: str, policy: RejectPolicy | None,
                  in_force: str) -> Row | None:
    """The Action Log entry for what is typed on row ``i``, or None when nothing changed
    since ``previous`` (its last entry) or the Action Date cannot be read. Tidies the row as
    the accountant would: the action word spelt out, a blank Action Date filled in."""
    raw = rows.text(row.get("Action"))
    code = parse_action(raw)
    label = code.label if code is not None else raw
    if previous is None and not raw:
        return None
    try:
        when = rows.as_date(row.get("Action Date"))
    except ValueError as exc:
        _unreadable_action_date(done, i, label, row.get("Action Date"), exc)
        return None
    if when is None:
        when = as_of
    remark = rows.text(row.get("Remark"))
    if code is not None and raw != label and raw:
        row["Action"] = label  # "a" -> "Accept": the accountant's words
    if raw:
        row["Action Date"] = when
    if previous is not None:
        if (rows.text(previous.get("New Action")) == label
                and _same_date(previous.get("Action Date"), when)
                and rows.text(previous.get("Remark")) == remark):
            return None
    elif not raw:
        return None
    refused = _refused(raw, remark, policy)
    return {"When": now, "BoE Identity": key, "Old Action": in_force,
            "New Action": label, "Action Date": when, "Remark": remark,
            "Source": source if refused is None else ignored(source, refused)}


def _keep_rejects_asked(book: Book, boe_rows: Sequence[Row], new_entries: list[tuple[int, Row]],
                        last: dict[str, Row], policy: RejectPolicy | None,
                        done: TypedActions) -> list[tuple[int, Row]]:
    """The entries to log: the new Rejects only if ``book.confirm`` says so. A refused
    Reject is undone on its row (Action, Action Date and Remark as last logged)."""
    rejects = [(i, e) for i, e in new_entries
               if parse_action(e["New Action"]) is ActionCode.REJECT
               and parse_action(e["Old Action"]) is not ActionCode.REJECT]
    if not rejects or book.confirm(_rejects_question(rejects, policy)):
        return new_entries
    refused = {i for i, _ in rejects}
    for i, entry in rejects:
        row = boe_rows[i]
        prev = last.get(entry["BoE Identity"])  # the whole change is undone
        row["Action"] = entry["Old Action"]
        row["Action Date"] = prev.get("Action Date") if prev else None
        row["Remark"] = prev.get("Remark") if prev else None
    done.rejects_refused = len(refused)
    return [(i, e) for i, e in new_entries if i not in refused]


def _rejects_question(rejects: list[tuple[int, Row]], policy: RejectPolicy | None) -> str:
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
    return f"Keep {len(rejects)} new Reject(s)? {what}\n{listing}{more}"


def _refused(action: Any, remark: Any, policy: RejectPolicy | None) -> str | None:
    code = parse_action(rows.text(action))
    if policy is None and code is not None:
        return None
    return refused_for_itself(code, rows.text(remark), policy or RejectPolicy.ALLOW)


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
    typed = rows.text(value)
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
        return rows.as_date(a) == b
    except ValueError:
        return False


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
    evaluation, log_problems, actions = evaluate_book(state)
    report.problems += log_problems
    report.evaluation = evaluation
    mark_ignored_by_rules(typed.entries, evaluation, source)

    book.progress("Matching")
    matches = match_boes(state.versions, state.books, state.boe_list or None,
                         settings=state.settings, tolerance=state.tolerance)

    book.progress("Writing results")
    history = _write_boe_results(state, evaluation, actions, results_by_version(matches),
                                 report)
    remember_actions_at_recompute(state.boe_rows)
    book.write_table(BOE, state.boe_rows)
    book.write_table(ACTION_LOG, state.log)
    book.write_table(HISTORY, history)
    book.write_table(RECONCILIATION, [_reconciliation_row(m) for m in matches])
    _add_fetch_candidates(book, matches)
    _write_periods(book, state, evaluation, report)
    book.progress("Saving")
    book.save()
    return report


def _write_boe_results(state: WorkbookState, evaluation: Evaluation, actions: list[Action],
                       by_version: dict[str, MatchResult], report: RecomputeReport) -> list[Row]:
    """The computed columns of every BoE row (Match, Suggested Action, Status, 2B Period,
    ITC, Messages), counted into ``report``; returns the History sheet's rows."""
    nothing_more = nothing_more_cells(state, actions, evaluation)
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
        row.update(nothing_more[i])
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
    return history


def _write_periods(book: Book, state: WorkbookState, evaluation: Evaluation,
                   report: RecomputeReport) -> None:
    """The period list, the All periods table, and the period under review (kept when the
    accountant chose one that is still in the list)."""
    periods = sorted(evaluation.periods)
    report.periods = [str(p) for p in periods]
    book.set_list(PERIOD_LIST_NAME, report.periods)
    first_body = int(PERIODS_3B.origin[1:]) + 1
    book.write_table(PERIODS_3B, [
        dict(zip(PERIODS_3B.headers, [str(p)] + [Formula(f) for f in formulas.period_row(r)]))
        for r, p in enumerate(periods, start=first_body)])
    current = rows.text(book.read_names([PERIOD_NAME]).get(PERIOD_NAME))
    chosen = review_period(state, periods)
    if current not in report.periods and chosen is not None:
        book.write_name(PERIOD_NAME, str(chosen))
        current = str(chosen)
    report.review_period = current


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


def _fetch_rows(table: list[Row]) -> list[FetchRow]:
    out = []
    for row in table:
        def day(column: str):
            try:
                return rows.as_date(row.get(column))
            except ValueError:
                return None
        out.append(FetchRow(rows.text(row.get("Port Code")), rows.text(row.get("BoE No")),
                            day("BoE Date"), day("Reference Date"), source="typed"))
    return out


def _add_fetch_candidates(book: Book, matches: list[MatchResult]) -> None:
    existing = book.read_table(FETCH)
    have = {match_key(r.get("Port Code"), rows.text(r.get("BoE No")), _safe_date(r.get("BoE Date")))
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
        return rows.as_date(value)
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
    fetch_table = book.read_table(FETCH)
    report = FetchReport(checked=len(fetch_table))
    boe_rows = book.read_table(BOE)
    ims = read_versions(boe_rows, BOE.sheet)[0]
    boe_list = read_versions(book.read_table(BOE_LIST), BOE_LIST.sheet)[0]
    # the portal needs the reference date: a row without one takes the BoE list's
    listed_refs = reference_dates(boe_list)
    for row in fetch_table:
        if row.get("Reference Date") in (None, ""):
            ref = listed_refs.get(match_key(row.get("Port Code"), rows.text(row.get("BoE No")),
                                            _safe_date(row.get("BoE Date"))))
            if ref is not None:
                row["Reference Date"] = ref
                report.ref_dates_filled += 1
    requested = _fetch_rows(fetch_table)
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
    for row, check in zip(fetch_table, checks):
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
        new_row = rows.row_from_version(v)
        new_row["Source"] = v.source
        boe_rows.append(new_row)
    book.write_table(FETCH, fetch_table)
    if new_records:
        book.write_table(BOE, boe_rows)
    book.save()
    return report


class TrialRun:
    """A Book that reads through to the workbook and keeps every write to itself: a
    recompute through it finds what a real one would (the ribbon's Validate) and changes
    nothing."""

    def __init__(self, inner: Book):
        self.inner = inner
        self.label = inner.label
        self.tables: dict[str, list[Row]] = {}
        self.names: dict[str, Any] = {}

    def read_table(self, spec: TableSpec) -> list[Row]:
        if spec.name in self.tables:
            return [dict(r) for r in self.tables[spec.name]]
        return self.inner.read_table(spec)

    def write_table(self, spec: TableSpec, rows: Sequence[Row]) -> None:
        self.tables[spec.name] = [dict(r) for r in rows]

    def read_names(self, names: Sequence[str]) -> dict[str, Any]:
        out = self.inner.read_names(names)
        out.update({n: v for n, v in self.names.items() if n in names})
        return out

    def write_name(self, name: str, value: Any) -> None:
        self.names[name] = value

    def set_list(self, name: str, values: Sequence[str]) -> None:
        pass

    def progress(self, text: str, done: int = 0, total: int = 0) -> None:
        self.inner.progress(text, done, total)

    def confirm(self, question: str) -> bool:
        return True  # nothing is kept, so there is nothing to ask

    def alert(self, text: str) -> None:
        pass

    def save(self) -> None:
        pass


class ReconcileOnly(TrialRun):
    """Lets through only the match's results: the Reconciliation and Fetch BoE tables, and
    the BoE table's Match and Suggested Action columns (merged into the rows as they are)."""

    PASSED = (RECONCILIATION.name, FETCH.name)
    MATCH_COLUMNS = ("Match", "Suggested Action")

    def write_table(self, spec: TableSpec, rows: Sequence[Row]) -> None:
        super().write_table(spec, rows)
        if spec.name in self.PASSED:
            self.inner.write_table(spec, rows)
        elif spec.name == BOE.name:
            current = self.inner.read_table(BOE)
            if len(current) != len(rows):
                raise InputError("the BoE sheet changed while reconciling: press Reconcile again")
            for row, new in zip(current, rows):
                for column in self.MATCH_COLUMNS:
                    row[column] = new.get(column)
            self.inner.write_table(BOE, current)

    def save(self) -> None:
        self.inner.save()

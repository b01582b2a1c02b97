"""Files ims-xl writes for the portal and for people: IMS actions, the GSTR-3B Table 4
fragment, and the reconciliation report. Formats are documented in ``docs/formats.md``.

Every file is written atomically (:mod:`ims_xl.atomic`): a failure midway leaves the previous
file as it was. Every text cell of a CSV goes through :func:`ims_xl.textsafety.neutralise`, so
imported text never runs as a formula. CSVs are UTF-8 with a byte-order mark, which Excel
needs to read them as UTF-8. Amounts are exact decimals, rounded half up to 2 places only
here, and JSON numbers are written from the decimal's digits (never through a float).

The IMS actions JSON is the GST API's SAVE request, as a GST Suvidha Provider (GSP) sends
it. It is not the portal's IMS Offline Tool JSON (IMS Dashboard > Offline > Upload JSON): that
tool has, as far as public sources show, no Import of goods section (see ``docs/formats.md``,
"The IMS Offline Tool"), so ``ims-xl`` writes no file for it and says so
(:data:`ACTIONS_JSON_IS_NOT_OFFLINE_TOOL`).

The IMS actions exported are only those the rules honour (:func:`actions_to_export`): an
action the engine ignores (a Reject under reject policy ``block``, an action on a BoE from
before IMS, on another GSTIN's BoE, after the BoE left IMS, an unknown word...) would tell the
portal something ims-xl's own figures do not count, so it is left out and counted by reason
(:func:`left_out_summary`).

>>> dumps_exact({"iamt": Decimal("0.1") + Decimal("0.2")}, indent=None)
'{"iamt": 0.3}'
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import metadata
from pathlib import Path

from . import strict_json
from .atomic import atomic_open, write_text_atomic
from .dates import format_date, parse_date
from .identifiers import boe_number as _boe_number
from .identifiers import port_code as _port_code
from .match import MatchResult, match_key
from .models import (ZERO, Action, ActionCode, BoeVersion, Evaluation, Message, PeriodFigures,
                     Section, Settings, Severity, Status)
from .money import round2
from .periods import Period
from .problems import InputError
from .rules import evaluate
from .rules.context import Context
from .textsafety import neutralise

__all__ = [
    "ACTIONS_FORMAT", "ACTIONS_CSV_FORMAT", "GSTR3B_FORMAT", "RECONCILIATION_FORMAT",
    "ACTIONS_CSV_COLUMNS", "RECONCILIATION_COLUMNS", "ActionChange", "ActionRow",
    "LoadedActions", "changed_actions", "build_actions_payload", "export_actions_json",
    "export_actions_csv", "load_actions_json", "actions_sidecar_path", "gstr3b_table4",
    "export_gstr3b_json", "export_reconciliation_csv", "dumps_exact",
    "ACTIONS_JSON_IS_NOT_OFFLINE_TOOL", "LeftOut", "ActionsToExport", "actions_to_export",
    "left_out_summary", "LEFT_OUT_REASONS",
]

ACTIONS_FORMAT = "ims-xl/ims-actions@1"
ACTIONS_CSV_FORMAT = "ims-xl/ims-actions-csv@1"
GSTR3B_FORMAT = "ims-xl/gstr3b-table4@1"
RECONCILIATION_FORMAT = "ims-xl/reconciliation-csv@1"

# Said wherever an actions JSON is written (the export message, the format sidecar): an
# accountant without a GSP would otherwise try the portal's Offline > Upload JSON with it.
ACTIONS_JSON_IS_NOT_OFFLINE_TOOL = (
    "This file is the IMS SAVE request that a GST Suvidha Provider (GSP) sends to the GST "
    "system for you. It is not the IMS Offline Tool's JSON: IMS Dashboard > Offline > Upload "
    "JSON will not take it, and the Offline Tool has no Import of goods section (version 1.1, "
    "as far as public sources show). Give this file to your GSP, or take these actions on the "
    "IMS dashboard yourself, under Import of goods (the actions worklist CSV lists them). "
    "See docs/formats.md, 'The IMS Offline Tool'.")

_IMS_SECTIONS = {"IMPG": "impg", "IMPGA": "impga", "IMPGSEZ": "impgsez", "IMPGSEZA": "impgseza"}
_SECTION_OF_LIST = {v: k for k, v in _IMS_SECTIONS.items()}
_SEZ_LISTS = ("impgsez", "impgseza")


# ---------------------------------------------------------------------------------------------
# exact JSON


def _decimal_text(d: Decimal) -> str:
    if not d.is_finite():
        raise ValueError(f"{d} cannot be written as a JSON number")
    if d == 0:
        d = abs(d)  # never "-0.00"
    return format(d, "f")


def dumps_exact(obj: object, indent: int | None = 2, _level: int = 0) -> str:
    """JSON text like :func:`json.dumps`, but a :class:`~decimal.Decimal` is written as a
    number from its own digits (``0.30``, never ``0.30000000000000004``)."""
    if isinstance(obj, Decimal):
        return _decimal_text(obj)
    if isinstance(obj, float):
        raise TypeError("floats are not written: use Decimal for amounts")
    if obj is None or isinstance(obj, (str, int, bool)):
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, Mapping):
        items = [(json.dumps(str(k), ensure_ascii=False), v) for k, v in obj.items()]
        if not items:
            return "{}"
        if indent is None:
            return "{" + ", ".join(f"{k}: {dumps_exact(v, None)}" for k, v in items) + "}"
        pad, inner = " " * (indent * _level), " " * (indent * (_level + 1))
        body = ",\n".join(f"{inner}{k}: {dumps_exact(v, indent, _level + 1)}" for k, v in items)
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(obj, (list, tuple)):
        if not obj:
            return "[]"
        if indent is None:
            return "[" + ", ".join(dumps_exact(v, None) for v in obj) + "]"
        pad, inner = " " * (indent * _level), " " * (indent * (_level + 1))
        body = ",\n".join(f"{inner}{dumps_exact(v, indent, _level + 1)}" for v in obj)
        return "[\n" + body + "\n" + pad + "]"
    raise TypeError(f"cannot write {type(obj).__name__} as JSON")


def _version() -> str:
    try:
        return metadata.version("ims-xl")
    except metadata.PackageNotFoundError:  # a source tree, or xlwings Lite (ims_xl_lite)
        from . import __version__
        return __version__


def _money(d: Decimal) -> Decimal:
    """Rounded half up to paise, for export."""
    return round2(d)


def _money_text(d: Decimal | None) -> str:
    return "" if d is None else _decimal_text(round2(d))


# ---------------------------------------------------------------------------------------------
# IMS actions


@dataclass(frozen=True, slots=True)
class ActionChange:
    """One record whose action differs from what the portal has."""

    record: BoeVersion
    action: ActionCode
    previous: ActionCode


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One record of an actions file as read back: the BoE's identity and its action."""

    section: str               # IMPG, IMPGA, IMPGSEZ, IMPGSEZA
    port_code: str
    boe_number: str
    boe_date: date
    ref_date: date | None
    amendment: bool
    action: ActionCode
    supplier_gstin: str = ""

    def ident(self) -> tuple:
        return _action_ident(self.section, self.port_code, self.boe_number, self.boe_date,
                             self.ref_date)


@dataclass(slots=True)
class LoadedActions:
    """An actions file read back (:func:`load_actions_json`)."""

    gstin: str
    format: str
    rows: list[ActionRow] = field(default_factory=list)

    def for_records(self, records: Iterable[BoeVersion]) -> dict[str, ActionCode]:
        """The action per record id, pairing rows with records on section, port code, BoE
        number, BoE date and reference date (rows and records with the same identity pair
        up in order). Rows that name no record are left out (see :meth:`unmatched`)."""
        return self._pair(records)[0]

    def unmatched(self, records: Iterable[BoeVersion]) -> list[ActionRow]:
        """The rows that name no record."""
        return self._pair(records)[1]

    def _pair(self, records: Iterable[BoeVersion]) -> tuple[dict[str, ActionCode], list[ActionRow]]:
        waiting: dict[tuple, list[str]] = {}
        for r in records:
            waiting.setdefault(_record_ident(r), []).append(r.id)
        out: dict[str, ActionCode] = {}
        left: list[ActionRow] = []
        for row in self.rows:
            ids = waiting.get(row.ident())
            if ids:
                out[ids.pop(0)] = row.action
            else:
                left.append(row)
        return out, left


def _action_ident(section: str, port: str, number: str, boe_date: date | None,
                  ref_date: date | None) -> tuple:
    return (section,) + match_key(port, number, boe_date) + (ref_date,)


def _record_ident(r: BoeVersion) -> tuple:
    return _action_ident(r.gstr2b_section, r.port_code, r.boe_number, r.boe_date, r.ref_date)


def _code(value: object) -> ActionCode:
    if value is None:
        return ActionCode.NO_ACTION
    return ActionCode(value)


def changed_actions(records: Iterable[BoeVersion], current: Mapping[str, ActionCode | str | None],
                    baseline: Mapping[str, ActionCode | str | None] | None = None
                    ) -> list[ActionChange]:
    """The records whose current action differs from the baseline (what the portal already
    has; a record missing from ``baseline`` has no action, ``N``). Records missing from
    ``current`` are unchanged. Records keep their input order."""
    baseline = baseline or {}
    out = []
    for r in records:
        if r.id not in current:
            continue
        now = _code(current[r.id])
        before = _code(baseline.get(r.id))
        if now is not before:
            out.append(ActionChange(r, now, before))
    return out


# Why the rules ignore an action, by the engine's message code, in the accountant's words
# (the export message groups the actions left out by these).
LEFT_OUT_REASONS = {
    "REJECT_BLOCKED": ("Reject (the portal offers only Accept and Keep Pending for a BoE; "
                       "reject_policy is block)"),
    "REJECT_NEEDS_REMARK": "Reject without a remark",
    "ACTION_UNKNOWN": "not an action word (Accept, Keep Pending or Reject)",
    "ACTION_BEFORE_IMS": "on a BoE from before IMS (it went straight to GSTR-2B)",
    "ACTION_AFTER_CLOSE": "dated after the BoE left IMS (its period's GSTR-3B was filed)",
    "ACTION_ON_SUPERSEDED": "on a version amended since (act on the amendment)",
    "GSTIN_OTHER": "on a BoE of another GSTIN (ask customs for a GSTIN amendment)",
    "DUPLICATE_RECORD": "on a duplicate record",
    "TIME_BARRED": "on a time-barred BoE (section 16(4))",
    # not the engine's: the workbook does not log an action until its date is readable
    "ACTION_DATE_UNREADABLE": "whose Action Date is not a date",
}
# Warnings that still mean "this action is ignored" (rules.md sections 4 and 6); every other
# message an action brings that makes it ignored is an error.
_IGNORED_WITH_WARNING = frozenset({"ACTION_BEFORE_IMS", "ACTION_ON_SUPERSEDED"})


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An action not exported: the rules ignore it, as the engine's ``message`` says."""

    record: BoeVersion
    action: Action
    message: Message

    @property
    def reason(self) -> str:
        code = self.message.code
        return LEFT_OUT_REASONS.get(code, f"with {code}")


@dataclass(slots=True)
class ActionsToExport:
    """What an IMS actions export writes: the versions IMS shows in the period, the action
    in force on each that the rules honour (``current``) with its remark, and the actions
    left out."""

    records: list[BoeVersion]
    current: dict[str, ActionCode]
    remarks: dict[str, str]
    left_out: list[LeftOut]


def actions_to_export(records: list[BoeVersion], actions: list[Action], settings: Settings,
                      as_of: date, period: Period,
                      evaluation: Evaluation | None = None) -> ActionsToExport:
    """The actions of ``period`` that the rules honour (rules.md 2.0), judged by the engine.

    The records are the versions IMS shows in the period: walked through it (origin, or
    carried in as pending), or, for a version the rules do not walk (another GSTIN's, a
    duplicate), with its origin there. Each one's action is its latest in input order
    (``Action.seq``), as the workbook's row holds it; a record whose latest action is no
    action (``N``) has nothing to export.

    An action is left out when the engine ignores it: the version is another GSTIN's or a
    duplicate (never walked), or time-barred (later actions are ignored; the Keep Pending in
    force stays), or the action brings a message that makes the rules ignore it (an error,
    ``ACTION_BEFORE_IMS`` or ``ACTION_ON_SUPERSEDED``). Which messages an action brings is
    found by evaluating its BoE a second time without it: the messages it adds are its own
    (messages do not name their action). ``evaluation`` is the engine's result for
    ``records`` and ``actions`` when the caller has it already.
    """
    if evaluation is None:
        evaluation = evaluate(records, actions, settings, as_of)
    ctx = Context(settings, as_of)
    shown: list[BoeVersion] = []
    results = {}
    for v, r in zip(records, evaluation.records):
        walked = any(step.period == period for step in r.history)
        if walked or (r.status in (Status.OTHER_GSTIN, Status.DUPLICATE)
                      and ctx.origin(v.period, v.ref_date, v.boe_date) == period):
            shown.append(v)
            results[v.id] = r
    latest = {a.record_id: a for a in actions if a.record_id in results}
    latest = {rid: a for rid, a in latest.items() if a.code is not ActionCode.NO_ACTION}

    out = ActionsToExport(shown, {}, {}, [])
    why: dict[str, Message | None] = {}
    to_compare: list[str] = []
    for rid, action in latest.items():
        result = results[rid]
        if result.status is Status.OTHER_GSTIN or result.status is Status.DUPLICATE:
            why[rid] = _first(result.messages, ("GSTIN_OTHER", "DUPLICATE_RECORD"))
        elif result.status is Status.TIME_BARRED and action.code is not ActionCode.PENDING:
            why[rid] = _first(result.messages, ("TIME_BARRED",))
        else:
            to_compare.append(rid)
    why.update(_messages_brought(records, actions, settings, as_of, evaluation,
                                 {rid: latest[rid] for rid in to_compare}))
    by_id = {v.id: v for v in shown}
    for rid, action in latest.items():
        found = why.get(rid)
        if found is None:
            out.current[rid] = action.code  # type: ignore[assignment]
            out.remarks[rid] = action.remark
        else:
            out.left_out.append(LeftOut(by_id[rid], action, found))
    return out


def _first(messages: list[Message], codes: tuple[str, ...]) -> Message | None:
    return next((m for m in messages if m.code in codes), None)


def _ignores_action(m: Message) -> bool:
    # TIME_BARRED is about the version (a Keep Pending in force on the deadline is honoured):
    # actions after it are judged by status in actions_to_export
    return (m.severity is Severity.ERROR and m.code != "TIME_BARRED") or \
        m.code in _IGNORED_WITH_WARNING


def _messages_brought(records: list[BoeVersion], actions: list[Action], settings: Settings,
                      as_of: date, evaluation: Evaluation,
                      judged: dict[str, Action]) -> dict[str, Message | None]:
    """For each judged action (by record id), the first message it brings that makes the
    rules ignore it, or ``None``: the BoEs concerned are evaluated again without the judged
    actions, and the messages only the first evaluation has are the actions' own."""
    if not judged:
        return {}
    boes = {v.key for v in records if v.id in judged}
    sub = [i for i, v in enumerate(records) if v.key in boes]
    sub_ids = {records[i].id for i in sub}
    without = evaluate([records[i] for i in sub],
                       [a for a in actions if a.record_id in sub_ids
                        and (a.record_id not in judged or a.seq != judged[a.record_id].seq)],
                       settings, as_of)
    before = {r.id: r.messages for r in without.records}
    out: dict[str, Message | None] = {}
    for i in sub:
        rid = records[i].id
        if rid not in judged:
            continue
        brought = Counter(evaluation.records[i].messages) - Counter(before[rid])
        out[rid] = next((m for m in evaluation.records[i].messages
                         if brought[m] > 0 and _ignores_action(m)), None)
    return out


def _counted(reason: str, n: int) -> str:
    """``2 Rejects (...)``, ``1 Reject (...)``; the other reasons read the same for any n."""
    return "Rejects" + reason[len("Reject"):] if n > 1 and reason.startswith("Reject") \
        else reason


def left_out_summary(left_out: list[LeftOut]) -> str:
    """``2 left out, as the rules ignore them: 1 Reject (...), 1 on a BoE from before IMS``;
    empty when nothing was left out. Reasons in order of count, then first appearance."""
    if not left_out:
        return ""
    counts = Counter(item.reason for item in left_out)
    parts = ", ".join(f"{n} {_counted(reason, n)}" for reason, n in
                      sorted(counts.items(), key=lambda rn: -rn[1]))
    return f"{len(left_out)} left out, as the rules ignore them: {parts}"


def _boenum(value: str) -> str:
    try:
        return _boe_number.compact(value)
    except ValueError:
        return str(value).strip()


def _portcode(value: str) -> str:
    try:
        return _port_code.compact(value)
    except ValueError:
        return str(value).strip().upper()


def _ims_record(change: ActionChange) -> dict:
    r = change.record
    if r.boe_date is None:
        raise ValueError(f"record {r.id} has no BoE date: an action cannot name it")
    item = {
        "portcode": _portcode(r.port_code),
        "boenum": _boenum(r.boe_number),
        "boedt": format_date(r.boe_date),
        "refdt": format_date(r.ref_date) if r.ref_date else None,
        "isamd": "Y" if r.amendment else "N",
        "action": change.action.value,
    }
    if r.section is Section.IMPGSEZ:
        item = {"ctin": r.supplier_gstin.strip().upper(), **item}
    return item


def build_actions_payload(records: Iterable[BoeVersion],
                          current: Mapping[str, ActionCode | str | None],
                          baseline: Mapping[str, ActionCode | str | None] | None = None, *,
                          gstin: str) -> dict:
    """The IMS SAVE payload (the GST API request a GSP sends; not the IMS Offline Tool's
    Upload JSON) with the changed actions only (see :func:`changed_actions`):
    ``{"action": "SAVE", "data": {"rtin", "reqtyp": "SAVE", "invdata": {"impg": [...],
    "impga": [...], "impgsez": [...], "impgseza": [...]}}}``. All four lists are present."""
    invdata: dict[str, list[dict]] = {name: [] for name in _IMS_SECTIONS.values()}
    for change in changed_actions(records, current, baseline):
        invdata[_IMS_SECTIONS[change.record.gstr2b_section]].append(_ims_record(change))
    return {"action": "SAVE",
            "data": {"rtin": gstin.strip().upper(), "reqtyp": "SAVE", "invdata": invdata}}


def actions_sidecar_path(path: str | os.PathLike[str]) -> Path:
    """The format sidecar beside an actions file: ``actions.json`` -> ``actions.json.format.json``."""
    path = Path(path)
    return path.with_name(path.name + ".format.json")


def export_actions_json(path: str | os.PathLike[str], records: Iterable[BoeVersion],
                        current: Mapping[str, ActionCode | str | None],
                        baseline: Mapping[str, ActionCode | str | None] | None = None, *,
                        gstin: str, sidecar: bool = True) -> dict:
    """Write the SAVE payload (:func:`build_actions_payload`) to ``path``, and (by default) the
    format sidecar :func:`actions_sidecar_path` naming :data:`ACTIONS_FORMAT`. The payload file
    itself carries no extra key, so it can be sent as it is. Returns the payload."""
    payload = build_actions_payload(records, current, baseline, gstin=gstin)
    write_text_atomic(path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    if sidecar:
        invdata = payload["data"]["invdata"]
        meta = {"format": ACTIONS_FORMAT, "generator": f"ims-xl {_version()}",
                "file": Path(path).name, "gstin": payload["data"]["rtin"],
                "counts": {name: len(rows) for name, rows in invdata.items()},
                "note": "The GST API's IMS SAVE request, for a GSP; not the IMS Offline "
                        "Tool's Upload JSON. IMS import-record keys are not publicly "
                        "confirmed; see docs/formats.md"}
        write_text_atomic(actions_sidecar_path(path), json.dumps(meta, indent=2) + "\n")
    return payload


ACTIONS_CSV_COLUMNS = (
    "Record ID", "Section", "Port Code", "BoE Number", "BoE Date", "Reference Date", "Amended",
    "Supplier GSTIN", "Action", "Action Code", "Previous Action Code", "Remark",
)


def export_actions_csv(path: str | os.PathLike[str], records: Iterable[BoeVersion],
                       current: Mapping[str, ActionCode | str | None],
                       baseline: Mapping[str, ActionCode | str | None] | None = None, *,
                       remarks: Mapping[str, str] | None = None) -> int:
    """The changed actions as a CSV worklist (columns :data:`ACTIONS_CSV_COLUMNS`), to type
    into the portal or hand to a GSP. Returns the number of rows written."""
    remarks = remarks or {}
    changes = changed_actions(records, current, baseline)
    with atomic_open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ACTIONS_CSV_COLUMNS)
        for c in changes:
            r = c.record
            writer.writerow([neutralise(str(v)) for v in (
                r.id, r.gstr2b_section, _portcode(r.port_code), _boenum(r.boe_number),
                format_date(r.boe_date) if r.boe_date else "",
                format_date(r.ref_date) if r.ref_date else "",
                "Y" if r.amendment else "N", r.supplier_gstin, c.action.label, c.action.value,
                c.previous.value, remarks.get(r.id, ""))])
    return len(changes)


def _bad(path: object, where: str, what: str) -> InputError:
    return InputError(f"{path}: {where}: {what}")


def load_actions_json(path: str | os.PathLike[str]) -> LoadedActions:
    """Read an actions file written by :func:`export_actions_json`.

    When the format sidecar is present its format must be ``ims-xl/ims-actions@1``. Raises
    :class:`~ims_xl.problems.InputError` naming the field for anything that is not that shape.
    """
    path = Path(path)
    fmt = ACTIONS_FORMAT
    side = actions_sidecar_path(path)
    if side.exists():
        try:
            meta = strict_json.loads(side.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:  # RepeatedKey too: which format is meant?
            raise _bad(side, "file", f"not readable JSON ({exc})") from exc
        fmt = meta.get("format") if isinstance(meta, dict) else None
        if not isinstance(fmt, str) or fmt.rpartition("@")[0] != ACTIONS_FORMAT.rpartition("@")[0]:
            raise _bad(side, "format", f"{fmt!r} is not an ims-xl actions format")
        if fmt != ACTIONS_FORMAT:
            raise _bad(side, "format", f"{fmt!r} is a version this ims-xl does not read "
                       f"(it reads {ACTIONS_FORMAT})")
    try:
        doc = strict_json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise _bad(path, "file", f"cannot be read ({exc})") from exc
    except strict_json.RepeatedKey as exc:
        raise _bad(path, exc.where or "file", f"the key {exc.key!r} is given twice, so which "
                   "value is meant cannot be known; export the actions again") from None
    except ValueError as exc:
        raise _bad(path, "file", f"not JSON ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("action") != "SAVE":
        raise _bad(path, "action", 'expected {"action": "SAVE", "data": {...}}')
    data = doc.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("invdata"), dict):
        raise _bad(path, "data.invdata", "missing or not an object")
    gstin = data.get("rtin")
    if not isinstance(gstin, str):
        raise _bad(path, "data.rtin", "missing or not text")
    loaded = LoadedActions(gstin=gstin, format=fmt)
    for name, items in data["invdata"].items():
        where = f"data.invdata.{name}"
        if name not in _SECTION_OF_LIST:
            raise _bad(path, where, f"unknown section (expected one of {', '.join(_SECTION_OF_LIST)})")
        if not isinstance(items, list):
            raise _bad(path, where, "not a list")
        for i, item in enumerate(items):
            loaded.rows.append(_read_action_row(path, f"{where}[{i}]", name, item))
    return loaded


def _read_action_row(path: Path, where: str, name: str, item: object) -> ActionRow:
    if not isinstance(item, dict):
        raise _bad(path, where, "not an object")

    def text(key: str, required: bool = True) -> str:
        value = item.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise _bad(path, f"{where}.{key}", "missing or not text")
        return value

    def when(key: str, required: bool = True) -> date | None:
        raw = text(key, required)
        if not raw:
            return None
        try:
            return parse_date(raw)
        except ValueError as exc:
            raise _bad(path, f"{where}.{key}", str(exc)) from exc

    action = text("action")
    try:
        code = ActionCode(action)
    except ValueError:
        raise _bad(path, f"{where}.action", f"{action!r} is not one of A, R, P, N") from None
    isamd = text("isamd")
    if isamd not in ("Y", "N"):
        raise _bad(path, f"{where}.isamd", f"{isamd!r} is not Y or N")
    section = _SECTION_OF_LIST[name]
    if (isamd == "Y") != section.endswith("A"):
        raise _bad(path, f"{where}.isamd", f"{isamd!r} does not fit section {name}")
    boe_date = when("boedt")
    assert boe_date is not None
    return ActionRow(section=section, port_code=text("portcode"), boe_number=text("boenum"),
                     boe_date=boe_date, ref_date=when("refdt", required=False),
                     amendment=isamd == "Y", action=code,
                     supplier_gstin=text("ctin", required=False) if name in _SEZ_LISTS else "")


# ---------------------------------------------------------------------------------------------
# GSTR-3B Table 4


def _heads_row(ty: str, igst: Decimal, cess: Decimal) -> dict:
    return {"ty": ty, "iamt": _money(igst), "camt": _money(ZERO), "samt": _money(ZERO),
            "csamt": _money(cess)}


def gstr3b_table4(figures: PeriodFigures, *, gstin: str) -> dict:
    """The import lines of GSTR-3B Table 4 for one period, as the GSTR-3B JSON spells them:
    4(A)(1) as ``itc_elg.itc_avl`` type ``IMPG``, 4(B)(2) as ``itc_elg.itc_rev`` type ``OTH``.
    Amounts are Decimals rounded half up to paise (write with :func:`dumps_exact`)."""
    avl, rev = figures.table_4a1, figures.table_4b2
    return {"gstin": gstin.strip().upper(), "ret_period": figures.period.code,
            "itc_elg": {"itc_avl": [_heads_row("IMPG", avl.igst, avl.cess)],
                        "itc_rev": [_heads_row("OTH", rev.igst, rev.cess)]}}


def export_gstr3b_json(path: str | os.PathLike[str], figures: PeriodFigures, *,
                       gstin: str) -> dict:
    """Write :func:`gstr3b_table4` as JSON with exact numbers. Returns the fragment."""
    fragment = gstr3b_table4(figures, gstin=gstin)
    write_text_atomic(path, dumps_exact(fragment) + "\n")
    return fragment


# ---------------------------------------------------------------------------------------------
# reconciliation report

RECONCILIATION_COLUMNS = (
    "Status", "Suggested Action", "Note", "Port Code", "BoE Number", "BoE Date",
    "Reference Date", "Section", "IMS IGST", "Books IGST", "BoE List IGST", "IMS Cess",
    "Books Cess", "BoE List Cess", "IMS Taxable Value", "Books Taxable Value", "Differences",
    "Record IDs", "Book Rows", "Found In",
)


def _book_rows_text(rows: list[tuple[str, int | None]]) -> str:
    return "; ".join(f"{f or '(books)'} row {r}" if r is not None else (f or "(books)")
                     for f, r in rows)


def export_reconciliation_csv(path: str | os.PathLike[str], results: Iterable[MatchResult]) -> int:
    """The match results as a CSV report (columns :data:`RECONCILIATION_COLUMNS`), UTF-8 with
    a byte-order mark. Amount cells are plain numbers with 2 decimals (empty when that side
    lacks the BoE); every text cell is neutralised. Returns the number of rows written."""
    count = 0
    with atomic_open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(RECONCILIATION_COLUMNS)
        for r in results:
            ims, books, listed = r.ims, r.books, r.boe_list
            text = [
                r.status.label, r.suggested_action.label if r.suggested_action else "", r.note,
                r.port_code, r.boe_number, format_date(r.boe_date) if r.boe_date else "",
                format_date(r.ref_date) if r.ref_date else "",
                r.key.section.value if r.key else "",
            ]
            amounts = [
                _money_text(ims.igst if ims else None), _money_text(books.igst if books else None),
                _money_text(listed.igst if listed else None),
                _money_text(ims.cess if ims else None), _money_text(books.cess if books else None),
                _money_text(listed.cess if listed else None),
                _money_text(ims.taxable_value if ims else None),
                _money_text(books.taxable_value if books else None),
            ]
            tail = ["; ".join(str(d) for d in r.differences), ", ".join(r.version_ids),
                    _book_rows_text(r.book_rows), ", ".join(r.sources)]
            writer.writerow([neutralise(t) for t in text] + amounts
                            + [neutralise(t) for t in tail])
            count += 1
    return count

"""A bulk actions file (CSV or Excel): one action per row, naming the BoE it is taken on.

Columns (found by name in the first 30 rows, see :mod:`ims_xl.io.tabular`):

==============  ================================================  ========
field           accepted headers                                  needed
==============  ================================================  ========
port code       Port Code, Port                                   required
BoE number      BoE No, BE No, Bill of Entry No.                  required
BoE date        BoE Date, BE Date, Bill of Entry Date             required
action          Action, IMS Action, Action Taken                  required
date            Date, Action Date                                 required
remark          Remark, Remarks, Reason                           optional
record id       Record ID, ID                                     optional
==============  ================================================  ========

The action is read with :func:`ims_xl.actions.parse_action` (``A``/``Accept``/``Accepted``,
``P``/``Pending``/``Keep Pending``, ``R``/``Reject``, ``N``/``No Action``/blank). A word that
is not one of these is kept with ``code=None`` and its text in ``raw``, and no problem here:
the rules report it as ``ACTION_UNKNOWN`` on the record (one report, not two).

Rows with neither an action nor a date are skipped silently (a list of BoEs not acted on).
A row with an action but no readable date cannot be placed in time: it is skipped with
``ACTION_DATE_MISSING`` or ``DATE_INVALID``. A row naming no BoE (no number, no BoE date, no
record id) is skipped with ``ROW_SKIPPED``. An invalid BoE number or port code gives a warning
(it will match no record). Remarks are kept exactly as typed, also when they look like a
formula (``=1+1``): nothing is ever evaluated; a remark longer than an Excel cell holds is
shortened to 32,767 characters with a ``TEXT_TOO_LONG`` warning. Rows keep file order;
repeated rows are kept (the later one wins a tie, rules.md section 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..actions import parse_action
from ..identifiers import boe_number as _boe
from ..identifiers import port_code as _port
from ..models import ActionCode, Severity
from ..problems import Problem
from . import xlsx
from .aliases import ALIASES
from .cells import (
    Codes,
    cell_text,
    fit_cell_texts,
    internal_problem,
    is_blank,
    raw_text,
    read_boe_number,
    read_date,
    read_port_code,
    tidy,
)
from .tabular import Field, read_table

__all__ = ["ActionRow", "ActionsLoad", "FIELDS", "load_actions"]

FIELDS = [
    Field("port_code", "port code", ALIASES["port_code"], required=True),
    Field("boe_number", "BoE number", ALIASES["boe_number"], required=True),
    Field("boe_date", "BoE date", ALIASES["boe_date"], required=True),
    Field("action", "action", ALIASES["action"], required=True),
    Field("action_date", "action date", ALIASES["action_date"], required=True),
    Field("remark", "remark", ALIASES["remark"]),
    Field("record_id", "record id", ALIASES["record_id"]),
]


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One action as typed in the file. ``code`` is None for an unrecognised word (``raw``)."""

    port_code: str
    boe_number: str
    boe_date: date | None
    code: ActionCode | None
    raw: str
    date: date
    remark: str
    file: str
    row: int
    record_id: str = ""


@dataclass(slots=True)
class ActionsLoad:
    rows: list[ActionRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)


def load_actions(path: Path | str, *, limits: xlsx.Limits = xlsx.DEFAULT_LIMITS,
                 engine: str = "auto") -> ActionsLoad:
    """Read a bulk actions file (CSV or XLSX); never raises (see the module's notes)."""
    path = Path(path)
    out = ActionsLoad()
    try:
        _read(path, out, limits, engine)
    except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback
        out.problems.append(internal_problem(path.name, exc))
    tidy(out.problems)
    return out


def _read(path: Path, out: ActionsLoad, limits: xlsx.Limits, engine: str) -> None:
    table, problems = read_table(path, FIELDS, what="an actions file", limits=limits,
                                 engine=engine)
    out.problems.extend(problems)
    if table is None:
        return
    out.columns = dict(table.headers)
    file = table.where
    for number, cells in table.rows:
        raw = {f.name: table.get(cells, f.name) for f in FIELDS}
        if is_blank(raw["action"]) and is_blank(raw["action_date"]):
            continue
        raw = fit_cell_texts(raw, out.problems, file=file, row=number, columns=table.headers)

        def add(message: str, fix: str, name: str, code: str,
                severity: Severity = Severity.ERROR) -> None:
            out.problems.append(Problem(file, message, fix, row=number,
                                        column=table.header(name), value=raw_text(raw[name]),
                                        severity=severity, code=code))

        boe, mangled = read_boe_number(raw["boe_number"])
        port = read_port_code(raw["port_code"])
        boe_date, boe_date_problem = read_date(raw["boe_date"])
        record_id = cell_text(raw["record_id"])
        if not boe and boe_date is None and not record_id:
            add("This row names no Bill of Entry (no BoE number and no BoE date): the action "
                "was not read.", "Fill in the port code, BoE number and BoE date.",
                "boe_number", Codes.ROW_SKIPPED)
            continue
        when, date_problem = read_date(raw["action_date"])
        if when is None:
            if date_problem:
                add(f"Action date: {date_problem}",
                    "Correct it; the action was not read.", "action_date", Codes.DATE_INVALID)
            else:
                add("The action has no date, so it cannot be placed in time: it was not read.",
                    "Type the date the action was (or will be) taken, as DD-MM-YYYY.",
                    "action_date", Codes.ACTION_DATE_MISSING)
            continue
        if mangled:
            add(mangled, "The action matches no BoE until corrected.", "boe_number",
                Codes.BOE_NUMBER_MANGLED)
        elif boe and _boe.problem(boe):
            add(_boe.problem(boe) or "", "The action matches no BoE until corrected.",
                "boe_number", Codes.BOE_NUMBER_INVALID, Severity.WARNING)
        if port and _port.problem(port):
            add(_port.problem(port) or "", "The action matches no BoE until corrected.",
                "port_code", Codes.PORT_CODE_INVALID, Severity.WARNING)
        if boe_date_problem:
            add(f"BoE date: {boe_date_problem}",
                "Correct it; until then the action may match no BoE.", "boe_date",
                Codes.DATE_INVALID)
        text = raw["action"] if isinstance(raw["action"], str) else cell_text(raw["action"])
        out.rows.append(ActionRow(
            port_code=port, boe_number=boe, boe_date=boe_date, code=parse_action(text),
            raw=text.strip(), date=when, remark=cell_text(raw["remark"]), file=file,
            row=number, record_id=record_id))

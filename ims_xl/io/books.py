"""The purchase register (Tally, SAP, Zoho exports; CSV or Excel): the lines that name a BoE.

Columns (found by name in the first 30 rows, see :mod:`ims_xl.io.tabular`):

=================  =======================================================  ========
field              accepted headers (case, spaces, punctuation ignored)     needed
=================  =======================================================  ========
``port_code``      Port Code, Port                                          required
``boe_number``     Bill of Entry No., BoE No, BE No, Bill of Entry Number   required
``boe_date``       Bill of Entry Date, BoE Date, BE Date                    required
``igst``           IGST, Integrated Tax, IGST Amount                        required
``cess``           Cess, Cess Amount, Compensation Cess                     optional (0)
``taxable_value``  Assessable Value, Taxable Value                          optional
``voucher``        Voucher No., PI No, Voucher Number, Document No          optional
``supplier_gstin`` Supplier GSTIN, GSTIN of Supplier, Party GSTIN           optional
``importer_gstin`` Importer GSTIN, Company GSTIN                            optional
=================  =======================================================  ========

A column mapping ``{field: header}`` overrides the built-in names for the fields it names; it
is a JSON object in a file read by :func:`load_mapping`, e.g.
``{"boe_number": "B/E Ref", "igst": "Tax Paid IGST"}``. A required column that is neither
found nor mapped gives ``COLUMN_MISSING``, naming it and listing the headers found; no lines
are read then.

Rows: blank rows, totals (``Total``, ``Grand Total`` with no BoE number) and repeated
headers are skipped silently. A purchase register also holds domestic purchases: rows with no
BoE number, no BoE date and no port code are not imports, and are skipped with one
``ROW_SKIPPED`` warning that counts them. A row with a port code but neither BoE number nor
date is an import line that cannot be matched: ``ROW_SKIPPED`` error. A line that repeats an
earlier line exactly gives a ``ROW_REPEATED`` warning (both are kept: split vouchers are
summed by the match). Since the rules do not check books, an invalid BoE number or port code
gives a warning here (``BOE_NUMBER_INVALID``, ``PORT_CODE_INVALID``); an amount that is not a
number is 0 with an ``AMOUNT_INVALID`` error. Text longer than an Excel cell holds is
shortened to 32,767 characters with a ``TEXT_TOO_LONG`` warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..identifiers import boe_number as _boe
from ..identifiers import port_code as _port
from ..models import BookLine, Severity
from ..problems import Problem
from .. import strict_json
from . import csvtext, xlsx
from .aliases import ALIASES
from .cells import (
    Codes,
    cell_text,
    fit_cell_texts,
    internal_problem,
    raw_text,
    read_amount,
    read_boe_number,
    read_date,
    read_port_code,
    tidy,
)
from .records import gstin_text
from .tabular import Field, read_table

__all__ = ["BooksLoad", "FIELDS", "load_books", "load_mapping"]

FIELDS = [
    Field("port_code", "port code", ALIASES["port_code"], required=True),
    Field("boe_number", "BoE number", ALIASES["boe_number"], required=True),
    Field("boe_date", "BoE date", ALIASES["boe_date"], required=True),
    Field("igst", "IGST", ALIASES["igst"], required=True),
    Field("cess", "cess", ALIASES["cess"]),
    Field("taxable_value", "taxable value", ALIASES["taxable_value"]),
    Field("voucher", "voucher number", ALIASES["voucher"]),
    Field("supplier_gstin", "supplier GSTIN", ALIASES["supplier_gstin"]),
    Field("importer_gstin", "importer GSTIN", ALIASES["importer_gstin"]),
]
FIELD_NAMES = tuple(f.name for f in FIELDS)
_LABELS = {f.name: f.label for f in FIELDS}
_SHOW_ROWS = 10


@dataclass(slots=True)
class BooksLoad:
    """The book lines read, the problems met, and the header used for each field."""

    lines: list[BookLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)


def load_mapping(path: Path | str) -> tuple[dict[str, str], list[Problem]]:
    """A column mapping ``{field: header}`` from a JSON file; never raises.

    Unknown fields and headers that are not text are reported (``MAPPING_INVALID``) and left
    out; the rest is used.
    """
    path = Path(path)
    display = path.name
    problems: list[Problem] = []
    data = csvtext.read_bytes(path, display, problems, max_bytes=1024 * 1024)
    if data is None:
        return {}, problems
    try:
        doc = strict_json.loads(csvtext.decode(data)[0] or "null")
    except strict_json.RepeatedKey as exc:
        problems.append(Problem(display, f"The column mapping gives '{exc.key}' twice"
                                + (f" (in {exc.where})" if exc.where else "")
                                + ", so which header is meant cannot be known.",
                                "Give each field once.", value=exc.key,
                                code=Codes.MAPPING_INVALID))
        return {}, problems
    except (ValueError, RecursionError) as exc:
        problems.append(Problem(display, f"The column mapping is not valid JSON ({exc}).",
                                'Write it as {"boe_number": "Your header", ...}.',
                                code=Codes.MAPPING_INVALID))
        return {}, problems
    if not isinstance(doc, dict):
        problems.append(Problem(display, "The column mapping is not a JSON object.",
                                'Write it as {"boe_number": "Your header", ...}.',
                                value=raw_text(doc)[:80], code=Codes.MAPPING_INVALID))
        return {}, problems
    mapping, problems = _check_mapping(doc, display, problems)
    return mapping, tidy(problems)


def _check_mapping(doc: Mapping[Any, Any], display: str, problems: list[Problem]
                   ) -> tuple[dict[str, str], list[Problem]]:
    mapping: dict[str, str] = {}
    for key, header in doc.items():
        if key not in FIELD_NAMES:
            problems.append(Problem(
                display, f"'{key}' is not a field of the books. Fields: "
                f"{', '.join(FIELD_NAMES)}.", "Correct the field name.", column=str(key),
                code=Codes.MAPPING_INVALID))
        elif not isinstance(header, str) or not header.strip():
            problems.append(Problem(
                display, f"The header for '{key}' is not text.",
                "Write the header exactly as in the books file.", column=str(key),
                value=raw_text(header), code=Codes.MAPPING_INVALID))
        else:
            mapping[key] = header.strip()
    return mapping, problems


def load_books(path: Path | str, mapping: Mapping[str, str] | Path | str | None = None, *,
               limits: xlsx.Limits = xlsx.DEFAULT_LIMITS, engine: str = "auto") -> BooksLoad:
    """Read a purchase register (CSV or XLSX); ``mapping`` is a ``{field: header}`` dict or
    the path of a mapping JSON file. Never raises (see the module's notes)."""
    path = Path(path)
    out = BooksLoad()
    try:
        if isinstance(mapping, (str, Path)):
            mapping, problems = load_mapping(mapping)
            out.problems.extend(problems)
        elif mapping is not None:
            mapping, problems = _check_mapping(mapping, "column mapping", [])
            out.problems.extend(problems)
        _read(path, out, mapping or {}, limits, engine)
    except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback
        out.problems.append(internal_problem(path.name, exc))
    tidy(out.problems)
    return out


def _read(path: Path, out: BooksLoad, mapping: Mapping[str, str], limits: xlsx.Limits,
          engine: str) -> None:
    table, problems = read_table(path, FIELDS, mapping=mapping, mappable=True,
                                 what="a purchase register",
                                 limits=limits, engine=engine)
    out.problems.extend(problems)
    if table is None:
        return
    out.columns = dict(table.headers)
    file = table.where
    not_imports: list[int] = []
    seen: dict[tuple[str, ...], int] = {}
    add = _problem_adder(out, table)

    for number, cells in table.rows:
        raw = {f.name: table.get(cells, f.name) for f in FIELDS}
        raw = fit_cell_texts(raw, out.problems, file=file, row=number, columns=table.headers)
        boe, mangled = read_boe_number(raw["boe_number"])
        port = read_port_code(raw["port_code"])
        boe_date, date_problem = read_date(raw["boe_date"])
        if not boe and boe_date is None and date_problem is None:
            if port:
                add("This line has a port code but no BoE number and no BoE date, so it "
                    "cannot be matched to a Bill of Entry; it was skipped.",
                    "Fill in the BoE number and date from the Bill of Entry.", number,
                    "boe_number", raw["boe_number"], Codes.ROW_SKIPPED)
            else:
                not_imports.append(number)
            continue
        key = tuple(cell_text(v) for v in cells)
        if key in seen:
            add(f"This line repeats row {seen[key]} exactly; both are kept and summed.",
                "Delete one if it was entered twice.", number, "boe_number",
                raw["boe_number"], Codes.ROW_REPEATED, Severity.WARNING)
        else:
            seen[key] = number
        _check_identity(add, number, raw, boe, mangled, port, boe_date, date_problem)
        amounts = _line_amounts(add, number, raw)
        out.lines.append(BookLine(
            port_code=port, boe_number=boe, boe_date=boe_date,
            taxable_value=amounts["taxable_value"], igst=amounts["igst"], cess=amounts["cess"],
            voucher=cell_text(raw["voucher"]), supplier_gstin=gstin_text(raw["supplier_gstin"]),
            importer_gstin=gstin_text(raw["importer_gstin"]), file=file, row=number))
    if not_imports:
        out.problems.append(_not_imports(file, table, not_imports))


def _problem_adder(out: BooksLoad, table):
    """A problem on a line of ``table``, named by the column its field came from."""
    def add(message: str, fix: str, row: int, name: str, value: Any, code: str,
            severity: Severity = Severity.ERROR) -> None:
        out.problems.append(Problem(table.where, message, fix, row=row,
                                    column=table.header(name), value=raw_text(value),
                                    severity=severity, code=code))
    return add


def _check_identity(add, number: int, raw: Mapping[str, Any], boe: str, mangled: str | None,
                    port: str, boe_date, date_problem: str | None) -> None:
    """What keeps a line from matching its BoE: the number, port code or date it gives."""
    if mangled:
        add(mangled, "The line matches no BoE until corrected.", number, "boe_number",
            raw["boe_number"], Codes.BOE_NUMBER_MANGLED)
    elif boe and _boe.problem(boe):
        add(_boe.problem(boe) or "", "The line matches no BoE until corrected.", number,
            "boe_number", raw["boe_number"], Codes.BOE_NUMBER_INVALID, Severity.WARNING)
    elif not boe:
        add("The BoE number is blank.", "Fill it in from the Bill of Entry.", number,
            "boe_number", raw["boe_number"], Codes.BOE_NUMBER_INVALID, Severity.WARNING)
    if _port.problem(port):
        add(_port.problem(port) or "", "The line matches no BoE until corrected.", number,
            "port_code", raw["port_code"], Codes.PORT_CODE_INVALID, Severity.WARNING)
    if date_problem:
        add(f"BoE date: {date_problem}",
            "Correct it; until then the line is matched without its date.", number,
            "boe_date", raw["boe_date"], Codes.DATE_INVALID)
    elif boe_date is None:
        add("The BoE date is blank.", "Fill it in; until then the line is matched "
            "without its date.", number, "boe_date", raw["boe_date"], Codes.DATE_INVALID,
            Severity.WARNING)


def _line_amounts(add, number: int, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The line's taxable value, IGST and cess; one that is not a number counts as 0."""
    amounts = {}
    for name in ("taxable_value", "igst", "cess"):
        value, problem = read_amount(raw[name])
        if problem:
            add(f"{_LABELS[name][0].upper()}{_LABELS[name][1:]}: {problem}",
                "It counts as 0 until corrected in the books.", number, name, raw[name],
                Codes.AMOUNT_INVALID)
        amounts[name] = value
    return amounts


def _not_imports(file: str, table, rows: list[int]) -> Problem:
    """One warning for the lines with no BoE details at all (not imports), naming the first
    of them."""
    shown = ", ".join(map(str, rows[:_SHOW_ROWS]))
    more = f" and {len(rows) - _SHOW_ROWS} more" if len(rows) > _SHOW_ROWS else ""
    return Problem(
        file, f"{len(rows)} row{'s' if len(rows) != 1 else ''} without BoE "
        f"number, BoE date or port code skipped as not imports (rows {shown}{more}).",
        "If some are imports, fill in their BoE details.", row=rows[0],
        column=table.header("boe_number"), severity=Severity.WARNING,
        code=Codes.ROW_SKIPPED)

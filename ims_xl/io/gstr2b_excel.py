"""The GST portal's GSTR-2B Excel download: the BoE versions in its import sheets.

Sheets
    ``IMPG`` (imports from abroad), ``IMPGA`` (their amendments), ``IMPGSEZ`` (from SEZ units)
    and ``IMPGSEZA`` (``IMPGASEZ`` is read too); names are matched ignoring case and spaces.
    Other sheets (B2B, ISD, summaries) are ignored. A workbook with none of these sheets gives
    ``SHEET_MISSING``.

Headers
    Two rows, under some title rows (the header is found by searching, see
    :mod:`ims_xl.io.tabular`): ``ICEGATE Reference Date``, ``Port Code``, a group
    ``Bill of Entry Details`` over ``Number``, ``Date``, ``Taxable Value``, a group
    ``Amount of Tax`` over ``Integrated Tax (₹)`` and ``Cess (₹)``; the SEZ sheets add
    ``GSTIN of supplier`` and ``Trade/Legal name``. An ``Amended (Yes)`` column, when present,
    marks amendments in IMPG/IMPGSEZ. Port code, BoE number and BoE date must be there
    (``COLUMN_MISSING``).

Period and GSTIN
    ``period`` when given; else the ``Tax period`` (with ``Financial year``) and ``GSTIN``
    found beside their labels near the top of any sheet (the portal's "Read me" sheet):
    ``October`` + ``2025-26`` is ``102025``. When none is found, a ``PERIOD_MISSING``
    warning: each record's period then comes from its reference date (rules.md section 1).

Cells are read as the loaders read all cells (:mod:`ims_xl.io.cells`): exact decimals,
day-first dates, Excel-mangled BoE numbers recovered or reported; a record that cannot be
keyed at all is skipped with ``ROW_SKIPPED``. Ids and problems as in
:mod:`ims_xl.io.records`; ``source`` is ``gstr2b:<file name>``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from ..identifiers import gstin as _gstin
from ..models import Section, Severity
from ..periods import Period
from ..problems import Problem
from . import xlsx
from .aliases import ALIASES
from .cells import (
    Codes,
    IdMaker,
    cell_text,
    internal_problem,
    is_blank,
    read_date,
    tidy,
)
from .gstr2b_json import Gstr2bFile, Gstr2bLoad
from .records import gstin_text, make_version, read_amended_flag
from .tabular import Field, Grid, find_table, norm, where

__all__ = ["load_gstr2b_excel", "SHEETS"]

SHEETS: dict[str, tuple[Section, bool]] = {
    "impg": (Section.IMPG, False),
    "impga": (Section.IMPG, True),
    "impgsez": (Section.IMPGSEZ, False),
    "impgseza": (Section.IMPGSEZ, True),
    "impgasez": (Section.IMPGSEZ, True),
}

FIELDS = [
    Field("ref_date", "ICEGATE reference date", ALIASES["ref_date"]),
    Field("port_code", "port code", ALIASES["port_code"], required=True),
    Field("boe_number", "BoE number", ALIASES["boe_number"], required=True),
    Field("boe_date", "BoE date", ALIASES["boe_date"], required=True),
    Field("taxable_value", "taxable value", ALIASES["taxable_value"]),
    Field("igst", "integrated tax", ALIASES["igst"]),
    Field("cess", "cess", ALIASES["cess"]),
    Field("supplier_gstin", "GSTIN of supplier", ALIASES["supplier_gstin"]),
    Field("supplier_name", "trade/legal name", ALIASES["supplier_name"]),
    Field("amendment", "amended flag", ALIASES["amendment"]),
]

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_LABELS = {
    "gstin": "gstin", "gstinofrecipient": "gstin", "yourgstin": "gstin",
    "taxperiod": "period", "returnperiod": "period", "period": "period",
    "financialyear": "fy", "fy": "fy",
    "dateofgeneration": "gendt", "generationdate": "gendt", "dateofgenerationofgstr2b": "gendt",
    "gstr2bgenerationdate": "gendt", "generatedon": "gendt",
}
_META_ROWS = 25
_META_COLS = 12


def _period_from_text(text: str, fy: str) -> Period | None:
    """``102025``, ``October 2025``, ``Oct-2025``, or a month (the last one named, for a
    quarter ``Oct-Dec``) with the financial year ``2025-26``."""
    text = text.strip()
    try:
        return Period.parse(text)
    except ValueError:
        pass
    months = [_MONTHS[w[:3]] for w in re.findall(r"[a-z]+", text.lower()) if w[:3] in _MONTHS]
    if not months:
        return None
    month = months[-1]
    year = re.search(r"(?<![0-9])(19|20)[0-9]{2}(?![0-9])", text)
    if year:
        return Period(int(year.group()), month)
    start = re.search(r"(19|20)[0-9]{2}", fy)
    if not start:
        return None
    first = int(start.group())
    return Period(first if month >= 4 else first + 1, month)


def _scan_meta(rows: list[list[Any]], found: dict[str, Any]) -> None:
    for row in rows[:_META_ROWS]:
        cells = row[:_META_COLS]
        for c, value in enumerate(cells):
            if not isinstance(value, str):
                continue
            label, _, inline = value.partition(":")
            kind = _LABELS.get(norm(label))
            if kind is None or kind in found:
                continue
            if inline.strip():
                found[kind] = inline.strip()
                continue
            nxt = next((v for v in cells[c + 1:] if not is_blank(v)), None)
            if nxt is not None:
                found[kind] = nxt


def load_gstr2b_excel(path: Path | str, period: Period | None = None, *,
                      limits: xlsx.Limits = xlsx.DEFAULT_LIMITS,
                      engine: str = "auto") -> Gstr2bLoad:
    """Read the portal's GSTR-2B Excel; never raises (see the module's notes)."""
    path = Path(path)
    display = path.name
    out = Gstr2bLoad()
    workbook, problems = xlsx.open_workbook(path, display, limits=limits, engine=engine)
    out.problems.extend(problems)
    if workbook is None:
        return out
    try:
        with workbook:
            _read(workbook, display, period, out)
    except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback
        out.problems.append(internal_problem(display, exc, "workbook"))
    tidy(out.problems)
    return out


def _read(workbook: xlsx.Workbook, display: str, period: Period | None,
          out: Gstr2bLoad) -> None:
    """The section sheets of one GSTR-2B workbook: the header facts (GSTIN, period,
    generation date) found anywhere on its first sheets, then each section's records."""
    names = workbook.sheet_names
    sections = [(n, SHEETS[norm(n)]) for n in names if norm(n) in SHEETS]
    if not sections:
        out.problems.append(Problem(
            display, "The workbook has no IMPG, IMPGA, IMPGSEZ or IMPGSEZA sheet. Sheets: "
            f"{', '.join(names) or '(none)'}.",
            "Download the GSTR-2B Excel from the GST portal (it has these sheets even when "
            "empty).", code=Codes.SHEET_MISSING))
        return
    grids, meta = _section_grids(workbook, sections, out)
    gstin = gstin_text(meta.get("gstin")) if isinstance(meta.get("gstin"), str) else ""
    if gstin and _gstin.problem(gstin):
        out.problems.append(Problem(display, _gstin.problem(gstin) or "",
                                    "The records are read; check the GSTIN.", value=gstin,
                                    severity=Severity.WARNING, code=Codes.GSTIN_INVALID))
    period = _workbook_period(meta, period, display, out)
    gendt = read_date(meta.get("gendt"))[0] if "gendt" in meta and not isinstance(
        meta.get("gendt"), (list, dict)) else None

    ids = IdMaker()
    source = f"gstr2b:{display}"
    for name, (section, forced) in sections:
        rows = grids.get(name)
        if rows is None:
            continue
        if all(is_blank(v) for row in rows for v in row):
            continue  # an empty sheet: nothing in this section
        _read_section_sheet(rows, display, name, section, forced, period, gstin, source, ids,
                            out)
    out.files.append(Gstr2bFile(display, gstin, period, gendt if isinstance(gendt, date)
                                else None, "", None, len(out.records)))


def _section_grids(workbook: xlsx.Workbook, sections: list, out: Gstr2bLoad
                   ) -> tuple[dict[str, list[list[Any]]], dict[str, Any]]:
    """The cells of each section sheet, and the header facts scanned from the first other
    sheets (the portal's Read me and summary) and the section sheets."""
    names = workbook.sheet_names
    grids: dict[str, list[list[Any]]] = {}
    meta: dict[str, Any] = {}
    for name, rows, problem in xlsx.read_sheets(workbook, [n for n, _ in sections]):
        if problem:
            out.problems.append(problem)
            continue
        grids[name] = rows
    others = [n for n in names if norm(n) not in SHEETS][:4]
    for name, rows, problem in xlsx.read_sheets(workbook, others):
        if rows:
            _scan_meta(rows, meta)
    for rows in grids.values():
        _scan_meta(rows, meta)
    return grids, meta


def _workbook_period(meta: dict[str, Any], given: Period | None, display: str,
                     out: Gstr2bLoad) -> Period | None:
    """The period given, else the one the workbook states; a mismatch is a warning."""
    found = None
    if "period" in meta:
        found = _period_from_text(cell_text(meta["period"]), cell_text(meta.get("fy")))
    if given is not None and found is not None and found != given:
        out.problems.append(Problem(
            display, f"The workbook says tax period {found}, but period {given} was given: "
            f"{given} is used.", "Check that this is the right month's GSTR-2B.",
            value=cell_text(meta["period"]), severity=Severity.WARNING,
            code=Codes.VALUE_INVALID))
    period = given or found
    if period is None:
        out.problems.append(Problem(
            display, "The return period was not given and is not in the workbook.",
            "Give the period (MMYYYY); until then each record's period comes from its "
            "reference date.", severity=Severity.WARNING, code=Codes.PERIOD_MISSING))
    return period


def _read_section_sheet(rows: list[list[Any]], display: str, name: str, section, forced: bool,
                        period: Period | None, gstin: str, source: str, ids: IdMaker,
                        out: Gstr2bLoad) -> None:
    """The records of one section sheet (IMPG, IMPGA, ...)."""
    grid = Grid(display, name, [(i + 1, r) for i, r in enumerate(rows)])
    table, problems = find_table(grid, FIELDS, what=f"the {name} sheet")
    out.problems.extend(problems)
    if table is None:
        return
    for number, cells in table.rows:
        raw = {f.name: table.get(cells, f.name) for f in FIELDS}
        amendment = forced
        if not forced and "amendment" in table.columns:
            amendment = read_amended_flag(table, raw, number, out.problems)
        version = make_version(
            out.problems, ids, file=where(display, name), row=number,
            columns=table.headers, raw=raw, section=section, amendment=amendment,
            period=period, importer_gstin=gstin, source=source)
        if version is not None:
            out.records.append(version)

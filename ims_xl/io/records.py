"""Building one :class:`~ims_xl.models.BoeVersion` from the raw values of one row or JSON
object, reporting what is wrong where it stands.

Shared by the GSTR-2B (JSON and Excel) and BoE-list loaders, so a record means the same
whatever file it came from:

* A record is skipped (``ROW_SKIPPED``) only when it cannot be keyed at all: no BoE number
  and no BoE date. Anything else is kept, as the portal has it: an invalid BoE number or port
  code is kept as read (the rules report ``BOE_NUMBER_INVALID``/``PORT_CODE_INVALID``), an
  impossible date is kept as missing with a ``DATE_INVALID`` problem.
* An amount that is not a number is held as 0, listed in ``amount_problems`` (the rules
  report ``AMOUNT_INVALID``) and reported here with its place (``AMOUNT_INVALID``).
* Text longer than an Excel cell holds (a supplier name) is shortened to 32,767 characters
  with a ``TEXT_TOO_LONG`` warning (:func:`~ims_xl.io.cells.fit_cell_texts`).
* Ids: ``SECTION:PORT:NUMBER:BOE-DATE:REF-DATE`` (``IMPGA:INNSA1:2566282:03-10-2025:06-10-2025``),
  with ``#2``, ``#3`` appended to repeats within one load.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..models import BoeVersion, Section, Severity
from ..periods import Period
from ..problems import Problem
from .cells import (Codes, IdMaker, cell_text, fit_cell_texts, raw_text, read_amount,
                    read_boe_number, read_date, read_port_code, read_yes_no, record_id)

__all__ = ["AMOUNT_FIELDS", "make_version", "gstin_text", "read_amended_flag"]

AMOUNT_FIELDS = ("taxable_value", "igst", "cess")
_LABELS = {"boe_number": "BoE number", "boe_date": "BoE date", "ref_date": "Reference date",
           "taxable_value": "Taxable value", "igst": "IGST", "cess": "Cess"}


def gstin_text(value: Any) -> str:
    """A GSTIN as read: white space removed, capitals (validity is the rules' business)."""
    return "".join(cell_text(value).split()).upper()


def make_version(problems: list[Problem], ids: IdMaker, *, file: str, row: Any,
                 columns: Mapping[str, str], raw: Mapping[str, Any], section: Section,
                 amendment: bool, period: Period | None, importer_gstin: str,
                 source: str) -> BoeVersion | None:
    """The version, or None (with a ``ROW_SKIPPED`` problem) when it cannot be keyed.

    ``raw`` holds the values by field name (``port_code``, ``boe_number``, ``boe_date``,
    ``ref_date``, ``taxable_value``, ``igst``, ``cess``, ``supplier_gstin``,
    ``supplier_name``); ``columns`` the header or JSON key each came from; ``row`` the row
    number or JSON path.
    """
    def column(name: str) -> str:
        return columns.get(name, name)

    raw = fit_cell_texts(raw, problems, file=file, row=row, columns=columns)
    number, mangled = read_boe_number(raw.get("boe_number"))
    if mangled:
        problems.append(Problem(
            file, mangled, "The record is kept with this number; it matches nothing until "
            "corrected.", row=row, column=column("boe_number"),
            value=raw_text(raw.get("boe_number")), code=Codes.BOE_NUMBER_MANGLED))
    port = read_port_code(raw.get("port_code"))
    dates = {}
    for name in ("boe_date", "ref_date"):
        value, problem = read_date(raw.get(name))
        if problem:
            problems.append(Problem(
                file, f"{_LABELS[name]}: {problem}",
                "The record is kept without this date; correct it in the file.",
                row=row, column=column(name), value=raw_text(raw.get(name)),
                code=Codes.DATE_INVALID))
        dates[name] = value
    if not number and dates["boe_date"] is None:
        problems.append(Problem(
            file, "This row has no BoE number and no BoE date, so it cannot be matched to a "
            "Bill of Entry; it was skipped.",
            "Fill in the BoE number and date from the Bill of Entry.", row=row,
            column=column("boe_number"), value=raw_text(raw.get("boe_number")),
            code=Codes.ROW_SKIPPED))
        return None
    amounts = {}
    bad: list[tuple[str, str]] = []
    for name in AMOUNT_FIELDS:
        value, problem = read_amount(raw.get(name))
        if problem:
            bad.append((name, raw_text(raw.get(name))))
            problems.append(Problem(
                file, f"{_LABELS[name]}: {problem}",
                "It counts as 0 until corrected from the Bill of Entry.", row=row,
                column=column(name),
                value=raw_text(raw.get(name)), code=Codes.AMOUNT_INVALID))
        amounts[name] = value
    gstr2b_section = section.gstr2b_section(amendment)
    return BoeVersion(
        id=ids.make(record_id(gstr2b_section, port, number, dates["boe_date"],
                              dates["ref_date"])),
        section=section, amendment=amendment, port_code=port, boe_number=number,
        boe_date=dates["boe_date"], ref_date=dates["ref_date"], period=period,
        taxable_value=amounts["taxable_value"], igst=amounts["igst"], cess=amounts["cess"],
        supplier_gstin=gstin_text(raw.get("supplier_gstin")),
        supplier_name=cell_text(raw.get("supplier_name")),
        importer_gstin=importer_gstin, source=source, amount_problems=tuple(bad))


def read_amended_flag(table, raw: Mapping[str, Any], row: int, problems: list[Problem]) -> bool:
    """A row's amended flag (Y/Yes/true or N/No/blank), read from a table of a sheet; a value
    that is neither is read as not amended, with a warning naming the cell."""
    amendment, why = read_yes_no(raw["amendment"])
    if why:
        problems.append(Problem(
            table.where, f"The amended flag is not Yes or No: {why}", row=row,
            column=table.header("amendment"), value=cell_text(raw["amendment"]),
            severity=Severity.WARNING, code=Codes.VALUE_INVALID))
    return amendment

"""A list of Bills of Entry from ICEGATE or a customs broker (CSV or Excel): BoE versions.

Columns (found by name anywhere in the first 30 rows, see :mod:`ims_xl.io.tabular`):

==================  =====================================================  =========
field               accepted headers (case, spaces, punctuation ignored)   needed
==================  =====================================================  =========
port code           Port Code, Port                                        required
BoE number          BE No, BoE No, Bill of Entry No., Bill of Entry Number required
BoE date            BE Date, BoE Date, Bill of Entry Date                  required
reference date      Reference Date, ICEGATE Reference Date, OOC Date,      optional
                    Out of Charge Date
taxable value       Assessable Value, Taxable Value                        optional
IGST                IGST, Integrated Tax, IGST Amount                      warned
cess                Cess, Compensation Cess, Cess Amount                   optional
section             Section (IMPG, IMPGA, IMPGSEZ, IMPGSEZA, SEZ)          optional
amended             Amended, Amendment (Y/N)                               optional
supplier GSTIN      Supplier GSTIN, GSTIN of Supplier (SEZ)                optional
supplier name       Supplier Name, Trade/Legal Name                        optional
importer GSTIN      Importer GSTIN, Company GSTIN                          optional
period              Return Period, Tax Period (MMYYYY)                     optional
==================  =====================================================  =========

Without a Section column a row with a supplier GSTIN is IMPGSEZ, else IMPG. Without a period
column, the ``period`` argument applies; without either the rules take the period of the
reference date. A missing IGST column gives a ``COLUMN_MISSING`` warning (IGST read as 0).
Records are built as in :mod:`ims_xl.io.records`; ``source`` is ``boe_list:<file name>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..models import BoeVersion, Section, Severity
from ..periods import Period
from ..problems import Problem
from . import xlsx
from .aliases import ALIASES
from .cells import Codes, IdMaker, cell_text, internal_problem, is_blank, tidy
from .records import gstin_text, make_version, read_amended_flag
from .tabular import Field, norm, read_table

__all__ = ["BoeListLoad", "load_boe_list", "FIELDS"]

FIELDS = [
    Field("port_code", "port code", ALIASES["port_code"], required=True),
    Field("boe_number", "BoE number", ALIASES["boe_number"], required=True),
    Field("boe_date", "BoE date", ALIASES["boe_date"], required=True),
    Field("ref_date", "reference date", ALIASES["ref_date"]),
    Field("taxable_value", "taxable value", ALIASES["taxable_value"]),
    Field("igst", "IGST", ALIASES["igst"]),
    Field("cess", "cess", ALIASES["cess"]),
    Field("section", "section", ALIASES["section"]),
    Field("amendment", "amended flag", ALIASES["amendment"]),
    Field("supplier_gstin", "supplier GSTIN", ALIASES["supplier_gstin"]),
    Field("supplier_name", "supplier name", ALIASES["supplier_name"]),
    Field("importer_gstin", "importer GSTIN", ALIASES["importer_gstin"]),
    Field("period", "return period", ALIASES["period"]),
]

_SECTIONS: dict[str, tuple[Section, bool | None]] = {
    "impg": (Section.IMPG, None), "import": (Section.IMPG, None),
    "imports": (Section.IMPG, None), "importofgoods": (Section.IMPG, None),
    "impga": (Section.IMPG, True),
    "impgsez": (Section.IMPGSEZ, None), "sez": (Section.IMPGSEZ, None),
    "impgseza": (Section.IMPGSEZ, True), "impgasez": (Section.IMPGSEZ, True),
}


@dataclass(slots=True)
class BoeListLoad:
    """The versions read from a BoE list, and the problems met."""

    records: list[BoeVersion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header used


def load_boe_list(path: Path | str, *, period: Period | None = None,
                  importer_gstin: str = "", limits: xlsx.Limits = xlsx.DEFAULT_LIMITS,
                  engine: str = "auto") -> BoeListLoad:
    """Read a BoE list (CSV or XLSX); never raises (see the module's notes)."""
    path = Path(path)
    out = BoeListLoad()
    try:
        _read(path, out, period, importer_gstin, limits, engine)
    except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback
        out.problems.append(internal_problem(path.name, exc))
    tidy(out.problems)
    return out


def _read(path: Path, out: BoeListLoad, period: Period | None, importer_gstin: str,
          limits: xlsx.Limits, engine: str) -> None:
    table, problems = read_table(path, FIELDS, what="a BoE list", limits=limits, engine=engine)
    out.problems.extend(problems)
    if table is None:
        return
    out.columns = dict(table.headers)
    if "igst" not in table.columns:
        out.problems.append(Problem(
            table.where, "There is no IGST column: IGST is read as 0 for every BoE. Headers "
            f"found: {', '.join(table.found)}.", "Add an IGST column, or rename it to 'IGST'.",
            row=table.header_row, severity=Severity.WARNING, code=Codes.COLUMN_MISSING))
    ids = IdMaker()
    source = f"boe_list:{path.name}"
    default_gstin = gstin_text(importer_gstin)
    for number, cells in table.rows:
        raw = {f.name: table.get(cells, f.name) for f in FIELDS}
        supplier = gstin_text(raw["supplier_gstin"])
        section, amendment = (Section.IMPGSEZ if supplier else Section.IMPG), None
        if not is_blank(raw["section"]):
            known = _SECTIONS.get(norm(raw["section"]))
            if known is None:
                out.problems.append(Problem(
                    table.where, f"The section is not IMPG, IMPGA, IMPGSEZ or IMPGSEZA: read "
                    f"as {section.value}.", "Write one of those section names.", row=number,
                    column=table.header("section"), value=cell_text(raw["section"]),
                    severity=Severity.WARNING, code=Codes.VALUE_INVALID))
            else:
                section, amendment = known
        if amendment is None:
            amendment = read_amended_flag(table, raw, number, out.problems)
        row_period = period
        if not is_blank(raw["period"]):
            try:
                row_period = Period.parse(cell_text(raw["period"]))
            except ValueError as exc:
                out.problems.append(Problem(
                    table.where, f"The return period is not readable: {exc}.",
                    "Write it as MMYYYY (102025 for October 2025).", row=number,
                    column=table.header("period"), value=cell_text(raw["period"]),
                    code=Codes.VALUE_INVALID))
        version = make_version(
            out.problems, ids, file=table.where, row=number, columns=table.headers, raw=raw,
            section=section, amendment=amendment, period=row_period,
            importer_gstin=gstin_text(raw["importer_gstin"]) or default_gstin, source=source)
        if version is not None:
            out.records.append(version)

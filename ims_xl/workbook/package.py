"""The parts of an .xlsx package that both workbook readers and the writer look up: the
sheets named in workbook.xml, each sheet's tables, and the relationships that link them.

Only parsing (with defusedxml): the size and safety checks of a received file are
:mod:`ims_xl.io.xlsx`'s job and run before any of this.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from typing import Any

from defusedxml import ElementTree as ET

__all__ = ["NS", "R_ID", "sheet_parts", "table_parts", "total_rows", "relationships"]

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def sheet_parts(zf: zipfile.ZipFile) -> tuple[Any, dict[str, str]]:
    """workbook.xml parsed, and sheet name -> its worksheet part."""
    wb_xml = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = relationships(zf, "xl/_rels/workbook.xml.rels", "xl")
    sheets = {}
    for s in wb_xml.iterfind("m:sheets/m:sheet", NS):
        target = rels.get(s.get(R_ID))
        if target:
            sheets[s.get("name")] = target
    return wb_xml, sheets


def table_parts(zf: zipfile.ZipFile, sheets: dict[str, str]) -> Iterator[tuple[str, str, Any]]:
    """(sheet name, table part, the table's parsed XML) of every table of the sheets."""
    names = set(zf.namelist())
    for sheet_name, part in sheets.items():
        rel_part = posixpath.join(posixpath.dirname(part), "_rels",
                                  posixpath.basename(part) + ".rels")
        if rel_part not in names:
            continue
        for table_part in relationships(zf, rel_part, posixpath.dirname(part), "/table").values():
            yield sheet_name, table_part, ET.fromstring(zf.read(table_part))


def total_rows(table) -> int:
    """How many rows of Excel's Total Row end a parsed table part (``totalsRowCount``; 0 or
    1): they are not data. (``totalsRowShown`` only says whether one was ever shown.)"""
    try:
        return max(0, int(table.get("totalsRowCount") or 0))
    except ValueError:
        return 0


def relationships(zf: zipfile.ZipFile, part: str, base: str, kind: str | None = None) -> dict[str, str]:
    """Relationship id -> the target part's path in the zip (targets may be absolute)."""
    root = ET.fromstring(zf.read(part))
    out = {}
    for rel in root.iterfind("rel:Relationship", NS):
        if kind is None or rel.get("Type", "").endswith(kind):
            target = rel.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join(base, target)
            out[rel.get("Id")] = posixpath.normpath(path)
    return out

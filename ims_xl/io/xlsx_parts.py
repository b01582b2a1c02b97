"""Which parts of a workbook's zip a reader would open as sheets, and which as shared strings.

The safety check must read every part a reader could take for a sheet, whatever it is called:
``xl/worksheets/data`` or ``sheet1.bin`` is as much a sheet as ``sheet1.xml`` once the
workbook's relationships point at it. A part is a sheet part when any of these says so:

* the workbook's relationships (``xl/_rels/workbook.xml.rels``, or those of the workbook part
  that ``_rels/.rels`` or ``[Content_Types].xml`` names) give it a sheet type, or a
  ``<sheet>`` of ``xl/workbook.xml`` points at it; a target is looked up as calamine does
  (case-insensitively, ``\\`` as ``/``, not normalised) and as openpyxl does (normalised);
* ``[Content_Types].xml`` gives it (or its extension) a sheet content type;
* it lies in ``xl/worksheets/`` (or the chart, dialog and macro sheet folders).

When the workbook's own parts cannot be read, every part is treated as a sheet part.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from urllib.parse import unquote

__all__ = ["Layout", "layout", "normalised"]

_PARSE_MAX = 10 * 1024 * 1024   # a workbook.xml or relationships part parsed in memory
_SHEET_TYPES = ("worksheet", "chartsheet", "dialogsheet", "xlmacrosheet", "xlintlmacrosheet")
_SHEET_CONTENT = ("worksheet+xml", "chartsheet+xml", "dialogsheet+xml", "macrosheet+xml")
_WORKBOOK_CONTENT = ("sheet.main+xml", "template.main+xml", "macroenabled.main+xml")
_SHEET_FOLDERS = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/", "xl/macrosheets/")


def normalised(name: str) -> str:
    """A part name as calamine looks it up: ``\\`` as ``/``, lower case."""
    return name.replace("\\", "/").lower()


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]


@dataclass
class Layout:
    sheets: dict[str, str | None] = field(default_factory=dict)   # part -> sheet name
    strings: set[str] = field(default_factory=set)                # shared-strings parts
    by_sheet: dict[str, set[str]] = field(default_factory=dict)   # sheet name -> its parts
    complete: bool = True    # False: the workbook's own parts could not be read

    def unread(self, wanted: set[str]) -> set[str]:
        """The sheet parts of the sheets not in ``wanted`` (names compared case-blind) that
        no wanted sheet shares: a caller reading only ``wanted`` never opens them."""
        if not self.complete:
            return set()
        keep: set[str] = set()
        other: set[str] = set()
        folded = {w.casefold() for w in wanted}
        for name, parts in self.by_sheet.items():
            (keep if name.casefold() in folded else other).update(parts)
        return other - keep


def layout(zf: zipfile.ZipFile, content_types: bytes) -> Layout:
    """The sheet and shared-strings parts of an opened workbook (see the module's notes).
    Never raises: what cannot be read makes every part a sheet part."""
    by_norm = {normalised(i.filename): i.filename for i in zf.infolist()}
    out = Layout()
    for norm, name in by_norm.items():
        if norm.startswith(_SHEET_FOLDERS) and "/_rels/" not in norm:
            out.sheets[name] = None
        if posixpath.basename(norm) == "sharedstrings.xml":
            out.strings.add(name)
    try:
        workbooks = _from_content_types(content_types, by_norm, out)
        workbooks |= _office_documents(zf, by_norm)
        if "xl/workbook.xml" in by_norm:
            workbooks.add(by_norm["xl/workbook.xml"])
        for workbook in sorted(workbooks):
            _from_relationships(zf, workbook, by_norm, out)
    except Exception:  # noqa: BLE001 - an unreadable workbook: every part is checked as a sheet
        out.complete = False
        for name in by_norm.values():
            out.sheets.setdefault(name, None)
    return out


def _parse(zf: zipfile.ZipFile, name: str):
    from defusedxml import ElementTree as ET

    if zf.getinfo(name).file_size > _PARSE_MAX:
        raise ValueError(f"{name} is too big to parse")
    return ET.fromstring(zf.read(name))


def _members(target: str, folder: str, by_norm: dict[str, str]) -> set[str]:
    """The parts a relationship's target can mean, as calamine and openpyxl resolve it."""
    found = set()
    for text in {target, unquote(target)}:
        text = text.replace("\\", "/")
        raw = text.lstrip("/") if text.startswith("/") else (
            f"{folder}/{text}" if folder else text)
        for candidate in (raw, posixpath.normpath(raw)):
            name = by_norm.get(normalised(candidate))
            if name is not None:
                found.add(name)
    return found


def _from_content_types(content_types: bytes, by_norm: dict[str, str], out: Layout) -> set[str]:
    from defusedxml import ElementTree as ET

    workbooks = set()
    sheet_extensions = set()
    for item in ET.fromstring(content_types):
        kind = (item.get("ContentType") or "").lower()
        tag = _local(item.tag)
        if tag == "Override":
            for name in _members(item.get("PartName") or "", "", by_norm):
                if kind.endswith(_SHEET_CONTENT):
                    out.sheets.setdefault(name, None)
                elif kind.endswith("sharedstrings+xml"):
                    out.strings.add(name)
                elif kind.endswith(_WORKBOOK_CONTENT):
                    workbooks.add(name)
        elif tag == "Default" and kind.endswith(_SHEET_CONTENT):
            sheet_extensions.add("." + (item.get("Extension") or "").lower())
    for norm, name in by_norm.items():
        if norm.endswith(tuple(sheet_extensions)):
            out.sheets.setdefault(name, None)
    return workbooks


def _office_documents(zf: zipfile.ZipFile, by_norm: dict[str, str]) -> set[str]:
    """The workbook parts ``_rels/.rels`` names (calamine finds the workbook this way)."""
    rels = by_norm.get("_rels/.rels")
    if rels is None:
        return set()
    found = set()
    for rel in _parse(zf, rels):
        if (rel.get("Type") or "").endswith("/officeDocument"):
            found |= _members(rel.get("Target") or "", "", by_norm)
    return found


def _from_relationships(zf: zipfile.ZipFile, workbook: str, by_norm: dict[str, str],
                        out: Layout) -> None:
    folder, base = posixpath.split(workbook.replace("\\", "/"))
    rels_name = by_norm.get(normalised(f"{folder}/_rels/{base}.rels" if folder
                                       else f"_rels/{base}.rels"))
    if rels_name is None:
        return
    targets: dict[str, set[str]] = {}
    for rel in _parse(zf, rels_name):
        if (rel.get("TargetMode") or "").lower() == "external":
            continue
        parts = _members(rel.get("Target") or "", folder, by_norm)
        targets[rel.get("Id") or ""] = parts
        kind = (rel.get("Type") or "").rpartition("/")[2].lower()
        if kind in _SHEET_TYPES:
            for name in parts:
                out.sheets.setdefault(name, None)
        elif kind == "sharedstrings":
            out.strings |= parts
    for sheet in _parse(zf, workbook).iter():
        if _local(sheet.tag) != "sheet":
            continue
        title = sheet.get("name") or ""
        for key, value in sheet.attrib.items():
            if _local(key) == "id":   # calamine takes r:id by its local name, any prefix
                for name in targets.get(value, ()):
                    out.sheets[name] = title
                    out.by_sheet.setdefault(title, set()).add(name)

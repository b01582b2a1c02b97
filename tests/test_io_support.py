"""Builders for the loader tests: real-format files and broken ones, made in the test.

(No tests here; named ``test_io_*`` so it lives with the loader tests.)
"""

from __future__ import annotations

import json
import struct
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from ims_xl.problems import Problem

SAMPLE = Path(__file__).resolve().parent.parent.parent / "shared" / "samples" / \
    "gstr2b-gstn-sample.json"
GSTIN = "27AAPFU0939F1ZV"


def find(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


def one(problems: list[Problem], code: str) -> Problem:
    found = find(problems, code)
    assert len(found) == 1, (code, [str(p) for p in problems])
    return found[0]


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


# --- GSTR-2B JSON ---------------------------------------------------------------------------

def impg_row(boenum: Any = "2566282", *, portcode: Any = "INNSA1", boedt: Any = "03-10-2025",
             refdt: Any = "06-10-2025", txval: Any = 100000, igst: Any = 18000,
             cess: Any = 0, isamd: Any = "N", **extra: Any) -> dict:
    row = {"refdt": refdt, "recdt": refdt, "portcode": portcode, "boenum": boenum,
           "boedt": boedt, "isamd": isamd, "txval": txval, "igst": igst, "cess": cess}
    row.update(extra)
    return {k: v for k, v in row.items() if v is not ...}


def gstr2b_doc(docdata: Any, *, gstin: Any = GSTIN, rtnprd: Any = "102025",
               gendt: Any = "14-11-2025", wrapped: bool = True, **extra: Any) -> dict:
    data = {"gstin": gstin, "rtnprd": rtnprd, "version": "1.0", "gendt": gendt,
            "docdata": docdata}
    data.update(extra)
    data = {k: v for k, v in data.items() if v is not ...}
    return {"chksum": "X", "data": data} if wrapped else data


def write_json(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# --- workbooks -----------------------------------------------------------------------------

IMPG_GROUP = ["ICEGATE Reference Date", "Port Code", "Bill of Entry Details", None, None,
              "Amount of Tax", None]
IMPG_SUB = [None, None, "Number", "Date", "Taxable Value (₹)", "Integrated Tax (₹)",
            "Cess (₹)"]
SEZ_GROUP = ["GSTIN of supplier", "Trade/Legal name"] + IMPG_GROUP
SEZ_SUB = [None, None] + IMPG_SUB


def add_portal_sheet(wb: openpyxl.Workbook, name: str, rows: list[list[Any]],
                     sez: bool = False, title_rows: int = 3) -> None:
    """A GSTR-2B section sheet as the portal lays it out: titles, a two-row merged header."""
    ws = wb.create_sheet(name)
    ws.append(["Goods and Services Tax - GSTR-2B"])
    ws.append([f"{name}: Import of goods" + (" from SEZ units" if sez else " from overseas")])
    for _ in range(title_rows - 2):
        ws.append([])
    group, sub = (SEZ_GROUP, SEZ_SUB) if sez else (IMPG_GROUP, IMPG_SUB)
    ws.append(group)
    top = ws.max_row
    ws.append(sub)
    off = 2 if sez else 0
    # merges as the portal has them (openpyxl keeps only the top-left value)
    for col in range(1, off + 3):
        ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
    ws.merge_cells(start_row=top, start_column=off + 3, end_row=top, end_column=off + 5)
    ws.merge_cells(start_row=top, start_column=off + 6, end_row=top, end_column=off + 7)
    for row in rows:
        ws.append(row)


def portal_workbook(path: Path, sheets: dict[str, list[list[Any]]], *,
                    readme: list[list[Any]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Read me"
    for row in readme if readme is not None else [
            ["Goods and Services Tax - GSTR-2B"], [], ["Financial Year", "2025-26"],
            ["Tax Period", "October"], ["GSTIN", GSTIN], ["Legal Name", "ACME IMPORTS"],
            ["Date of generation", "14-11-2025"]]:
        first.append(row)
    for name, rows in sheets.items():
        add_portal_sheet(wb, name, rows, sez="SEZ" in name.upper())
    wb.save(path)
    return path


def simple_workbook(path: Path, rows: list[list[Any]], *, title: str = "Sheet1",
                    text_cells: dict[str, str] | None = None) -> Path:
    """One sheet of rows; ``text_cells`` writes strings that look like formulas as text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for ref, text in (text_cells or {}).items():
        ws[ref] = text
        ws[ref].data_type = "s"
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], *, delimiter: str = ",",
              encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    import csv
    import io
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


# --- hand-made xlsx parts (for bombs) ------------------------------------------------------

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
       'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
       'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
       'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
       'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WBRELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
           'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
    '<!ENTITY lol%d "%s">' % (i, ("&lol%s;" % ("" if i == 1 else i - 1)) * 10)
    for i in range(1, 10)) + "]>")


def sheet_xml(cells: str, prolog: str = "") -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + prolog +
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetData>{cells}</sheetData></worksheet>')


def sst_xml(strings: list[str], prolog: str = "") -> str:
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + prolog +
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>')


def raw_xlsx(path: Path, sheet: str, sst: str, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WBRELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", sst)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def patch_declared_size(path: Path, member: str, size: int) -> None:
    """Rewrite a member's uncompressed size in the zip's central directory."""
    data = bytearray(path.read_bytes())
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        assert pos >= 0, member
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        name = bytes(data[pos + 46:pos + 46 + name_len]).decode()
        if name == member:
            struct.pack_into("<I", data, pos + 24, size)
            break
        pos += 4
    path.write_bytes(bytes(data))


def d(text: str) -> date:
    day, month, year = map(int, text.split("-"))
    return date(year, month, day)

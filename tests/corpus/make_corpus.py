"""Generate the corpus of hostile and broken inputs (kept small; nothing is committed but
this script). Run: python tests/corpus/make_corpus.py OUT_DIR

Each entry: (file name, kind of input, what the accountant must see). The robustness tests
load every file through the real command line.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

GOOD_ROW = {"refdt": "06-10-2025", "recdt": "07-10-2025", "portcode": "INNSA1",
            "boenum": "2566282", "boedt": "03-10-2025", "isamd": "N", "txval": 100000,
            "igst": 18000, "cess": 0}
INJECTIONS = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3",
              "@SUM(A1:A9)"]


def gstr2b(rows, sez=None, **data):
    doc = {"gstin": "27AAPFU0939F1ZV", "rtnprd": "102025", "gendt": "14-11-2025",
           "docdata": {"impg": rows}}
    if sez is not None:
        doc["docdata"]["impgsez"] = sez
    doc.update(data)
    return {"data": doc}


def row(**changes):
    r = dict(GOOD_ROW)
    r.update(changes)
    return r


def make_corpus(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def write(name: str, data: bytes | str) -> None:
        path = out / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        files[name] = path

    good = json.dumps(gstr2b([row()]))
    write("truncated.json", good[: len(good) // 2])
    write("empty.json", b"")
    write("deeply_nested.json", "[" * 100_000 + "]" * 100_000)
    write("not_json.json", "GSTIN,period\n27AAPFU0939F1ZV,102025\n")
    write("wrong_types.json", json.dumps(gstr2b({"portcode": "INNSA1"})))
    write("wrong_row_types.json", json.dumps(gstr2b([row(igst=[1, 2]), row(boenum=None),
                                                      "text", row(boenum="1234567")])))
    write("nan_and_huge.json", good.replace('"igst": 18000', '"igst": NaN')
          .replace('"txval": 100000', '"txval": 1e400'))
    write("negative_amounts.json", json.dumps(gstr2b([row(boenum="4444444", igst=-18000)])))
    write("impossible_date.json", json.dumps(gstr2b([row(boedt="31-02-2025")])))
    write("excel_mangled_numbers.json", json.dumps(gstr2b([
        row(boenum=2566282.0), row(boenum=" 2566283", portcode="INMAA1"),
        row(boenum="2.566284E6", portcode="INDEL4"), row(boenum="2.57E+06", portcode="INTKD6")])))
    write("duplicate_rows.json", json.dumps(gstr2b([row(), row()])))
    write("injection.json", json.dumps(gstr2b(
        [row(portcode=INJECTIONS[1], boenum="1111111"), row(boenum="2222222", refdt=INJECTIONS[2])],
        sez=[{"ctin": INJECTIONS[3], "trdnm": INJECTIONS[0], "boe": [row(boenum="3333333")]}])))
    write("missing_sections.json", json.dumps({"data": {"gstin": "27AAPFU0939F1ZV",
                                                         "rtnprd": "102025"}}))

    header = "Voucher No.,Port Code,Bill of Entry No.,Bill of Entry Date,Integrated Tax,Cess\n"
    write("books_cp1252.csv", (header + "Caf\u00e9 \u2013 Rs,INNSA1,2566282,03-10-2025,"
                               "\"18,000.00\",0\n").encode("cp1252"))
    write("books_bom.csv", "\ufeff" + header + "V1,INNSA1,2566282,03-10-2025,\"₹ 18,000.00\",0\n")
    write("books_semicolon.csv", header.replace(",", ";") + "V1;INNSA1;2566282;03-10-2025;18000;0\n")
    write("books_injection.csv", header + "\"=HYPERLINK(\"\"http://x\"\")\",INNSA1,2566282,"
                                          "03-10-2025,18000,0\n")
    write("books_no_boe_column.csv", "Voucher,Amount\nV1,100\n")
    write("books_empty.csv", b"")

    write("not_a_workbook.xlsx", "this is not a workbook")
    write("entity_bomb.xlsx", _entity_bomb())
    write("zip_bomb.xlsx", _zip_bomb())
    return files


def _minimal_xlsx(sheet_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
                   'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                   'spreadsheetml/2006/main"><sheets><sheet name="IMPG" sheetId="1" r:id="rId1" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
                   '/></sheets></workbook>')
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def _entity_bomb() -> bytes:
    lol = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    sheet = (f'<?xml version="1.0"?><!DOCTYPE worksheet [{lol}]><worksheet xmlns="http://'
             'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
             't="inlineStr"><is><t>&a9;</t></is></c></row></sheetData></worksheet>').encode()
    return _minimal_xlsx(sheet)


def _zip_bomb() -> bytes:
    """Small on disk, 300 MB unpacked: zeros compress about 1000 to 1."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(chunk)
    return buf.getvalue()


if __name__ == "__main__":
    for name, path in make_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")).items():
        print(f"{name}: {path.stat().st_size} bytes")

"""Prototype behind the proposed fix R1 in RESULTS.md (not used by ims-xl): how long does
rewriting the data sheets of a workbook take when each sheet's XML is streamed as text and
every other part of the file is copied byte for byte, instead of openpyxl loading and saving
the whole workbook?

It reads the cells with python-calamine (as FastBook does), then writes a new file in which
the ``<sheetData>`` of the BoE, Books, Reconciliation, Action Log and History sheets is
regenerated (inline strings, numbers, dates as serial numbers), keeping the rest of each
sheet part (columns, panes, table parts) as it was. Styles are simplified (one id per value
kind), which is enough to measure time and memory, not to replace the writer.

Run: .venv/bin/python bench/proto_stream_write.py WORKBOOK.xlsx OUT.xlsx [DEFLATE-LEVEL]
(WORKBOOK: one written by ims-xl, e.g. ``bench/run.py --data-dir D`` leaves
``D/year-100000/recomputed.xlsx``).
"""

from __future__ import annotations

import posixpath
import sys
import time
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import python_calamine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ims_xl.workbook.fast_book import NS, R_ID, _rels

SHEETS = ("BoE", "Books", "Reconciliation", "Action Log", "History")
EPOCH = date(1899, 12, 30).toordinal()


def _letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


LETTERS = [_letters(i + 1) for i in range(128)]


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    from defusedxml import ElementTree as ET
    wb = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = _rels(zf, "xl/_rels/workbook.xml.rels", "xl")
    return {s.get("name"): rels[s.get(R_ID)] for s in wb.iterfind("m:sheets/m:sheet", NS)}


def _rows_xml(grid):
    for r, row in enumerate(grid, start=1):
        cells = []
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            ref = f"{LETTERS[c]}{r}"
            if v.__class__ is str:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>')
            elif isinstance(v, (datetime, date)):
                d = v.date() if isinstance(v, datetime) else v
                cells.append(f'<c r="{ref}" s="1"><v>{d.toordinal() - EPOCH}</v></c>')
            elif isinstance(v, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
        yield f'<row r="{r}">{"".join(cells)}</row>'


def main(src: str, out: str, level: int = 6) -> None:
    t0 = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(src)
    grids = {s: book.get_sheet_by_name(s).to_python() for s in SHEETS}
    read_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    with zipfile.ZipFile(src) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zout:
        parts = {posixpath.normpath(p): name for name, p in _sheet_parts(zin).items()
                 if name in grids}
        for info in zin.infolist():
            sheet = parts.get(info.filename)
            if sheet is None:
                zout.writestr(info, zin.read(info.filename))
                continue
            xml = zin.read(info.filename).decode("utf-8")
            head, _, rest = xml.partition("<sheetData>")
            _, _, tail = rest.partition("</sheetData>")
            with zout.open(info.filename, "w", force_zip64=True) as fh:
                fh.write((head + "<sheetData>").encode())
                buf: list[str] = []
                for x in _rows_xml(grids[sheet]):
                    buf.append(x)
                    if len(buf) >= 2000:
                        fh.write("".join(buf).encode())
                        buf = []
                fh.write("".join(buf).encode())
                fh.write(("</sheetData>" + tail).encode())
    write_s = time.perf_counter() - t1
    status = Path("/proc/self/status").read_text().splitlines()
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    cells = sum(len(r) for g in grids.values() for r in g)
    print(f"read (calamine, {len(SHEETS)} sheets) {read_s:.1f} s, write (streamed XML, deflate "
          f"{level}) {write_s:.1f} s, peak {peak // 1024} MB, {cells:,} cells")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 6)

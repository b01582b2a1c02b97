"""Type into a workbook with LibreOffice itself, as an accountant would in Calc, and save it.

Run with the system Python that has Python-UNO (``python3-uno``), not the project's venv:

    /usr/bin/python3 tests/lo_type.py SOFFICE WORKBOOK EDITS_JSON

``EDITS_JSON`` is a list of ``{"sheet": "BoE", "cell": "N2", "input": "Accept"}``: ``input`` is
entered as typed into the cell (Calc decides whether it is a number, a date or text, as it does
for typing), ``text`` is entered as text whatever it looks like, and ``clear`` empties the cell.
``{"sheet": "BoE", "sort": "A1:AA41", "column": 3, "descending": true}`` sorts that range (its
first row a header) on its column number ``column`` (0 = the first), as Data > Sort does.
The workbook is saved in place as xlsx (Calc's "Excel 2007-365" filter), as Ctrl+S keeps it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

# (pytest collects this file: UNO is imported only when it runs, under the system python3)


def _prop(name, value):
    from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _connect(pipe: str, proc: subprocess.Popen, timeout: float = 90):
    from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(
                f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _sort(cells, column: int, descending: bool) -> None:
    """Data > Sort on one column, the range's first row a header (every column of the
    range moves with its row, hidden ones included)."""
    from com.sun.star.table import TableSortField  # type: ignore[import-not-found]
    field = TableSortField()
    field.Field = column
    field.IsAscending = not descending
    descriptor = cells.createSortDescriptor()
    for prop in descriptor:
        if prop.Name == "SortFields":
            prop.Value = uno.Any("[]com.sun.star.table.TableSortField", (field,))
        elif prop.Name == "ContainsHeader":
            prop.Value = True
    uno.invoke(cells, "sort", (descriptor,))


def main(soffice: str, workbook: str, edits_json: str) -> int:
    global uno
    import uno  # the system python3-uno (it also makes com.sun.star importable)
    edits = json.loads(edits_json)
    pipe = f"imsxl{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="lo-type-") as profile:
        proc = subprocess.Popen(
            [soffice, "--headless", "--norestore", "--nologo", "--nodefault",
             f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            ctx = _connect(pipe, proc)
            desktop = ctx.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", ctx)
            url = uno.systemPathToFileUrl(os.path.abspath(workbook))
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
            for edit in edits:
                if "sort" in edit:
                    _sort(doc.Sheets.getByName(edit["sheet"]).getCellRangeByName(edit["sort"]),
                          edit["column"], edit.get("descending", False))
                    continue
                cell = doc.Sheets.getByName(edit["sheet"]).getCellRangeByName(edit["cell"])
                if "input" in edit:
                    cell.setFormula(edit["input"])   # as typed: Calc reads numbers and dates
                elif "text" in edit:
                    cell.setString(edit["text"])
                elif edit.get("clear"):
                    cell.setString("")
            doc.storeToURL(url, (_prop("FilterName", "Calc Office Open XML"),))
            doc.close(True)
            try:
                desktop.terminate()
            except Exception:  # noqa: BLE001 - the bridge drops as soffice ends
                pass
        finally:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))

"""Helpers for workbook tests: build the demo workbook and read tables back with openpyxl."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from ims_xl.demo import run_demo


def demo_workbook(folder: Path) -> Path:
    path, _ = run_demo(folder, say=lambda *_: None)
    return path


def table_rows(path: Path, name: str, data_only: bool = False) -> list[dict]:
    wb = load_workbook(path, data_only=data_only)
    for ws in wb.worksheets:
        if name in ws.tables:
            min_col, min_row, max_col, max_row = range_boundaries(ws.tables[name].ref)
            headers = [ws.cell(min_row, c).value for c in range(min_col, max_col + 1)]
            out = []
            for r in range(min_row + 1, max_row + 1):
                values = [ws.cell(r, c).value for c in range(min_col, max_col + 1)]
                if any(v is not None for v in values):
                    out.append(dict(zip(headers, values)))
            return out
    raise KeyError(name)

"""BOE_TABLE on a 50,000-row BoE table, as Excel passes it, against a cell-conversion floor.

The table is what xlwings hands the worksheet function for ``=BOE_TABLE(BoE[#All])``: nested
lists with the header row, numbers as float, date cells as datetime, empty cells as None.
Each row carries its latest action (Accept, Keep Pending, Reject or none) and its date.

The baseline, measured in the same run on the same table, is a plain loop that only
converts the cells each row needs (dates, amounts, BoE number, period, action) and does no
rules at all: the ratio says what the rules, the evaluation of amendment chains and the
result rows cost on top of reading the cells. Target: under 2 s for 50,000 rows.

Run: .venv/bin/python bench/bench_boe_table.py [ROWS ...]
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generate import make_year  # noqa: E402

from ims_xl import sheet_functions as sf  # noqa: E402
from ims_xl.actions import parse_action  # noqa: E402
from ims_xl.identifiers import boe_number  # noqa: E402
from ims_xl.money import to_decimal_or_zero  # noqa: E402
from ims_xl.periods import Period  # noqa: E402
from ims_xl.workbook import rows as R  # noqa: E402
from ims_xl.workbook.layout import BOE  # noqa: E402
from udfs.boe_functions import BOE_TABLE  # noqa: E402

AS_OF = date(2026, 4, 30)
TARGET_SECONDS = 2.0


def _dt(d: date | None) -> datetime | None:
    return datetime(d.year, d.month, d.day) if d else None


def excel_table(n: int) -> list[list]:
    """n BoE rows (with the header row) as xlwings passes the BoE table."""
    records, actions = make_year(n)
    records = records[:n]
    latest = {}
    for a in actions:  # input order is date order per record: the last one is in force
        latest[a.record_id] = a
    table = [list(BOE.headers)]
    for v in records:
        a = latest.get(v.id)
        cells = {
            "Section": v.section.value, "Amendment": "Yes" if v.amendment else "No",
            "Port Code": v.port_code, "BoE No": v.boe_number, "BoE Date": _dt(v.boe_date),
            "Reference Date": _dt(v.ref_date), "Period": str(v.period),
            "Taxable Value": float(v.taxable_value), "IGST": float(v.igst),
            "Cess": float(v.cess), "Supplier GSTIN": v.supplier_gstin or None,
            "Importer GSTIN": v.importer_gstin,
            "Action": a.code.label if a else None, "Action Date": _dt(a.date) if a else None,
            "Remark": a.remark or None if a else None,
        }
        table.append([cells.get(h) for h in BOE.headers])
    return table


def convert_only(table: list[list]) -> int:
    """The floor: read every cell a row needs into its type, nothing else."""
    col = {h: i for i, h in enumerate(table[0])}
    n = 0
    for row in table[1:]:
        R.as_date(row[col["BoE Date"]])
        R.as_date(row[col["Reference Date"]])
        R.as_date(row[col["Action Date"]])
        for h in ("Taxable Value", "IGST", "Cess"):
            to_decimal_or_zero(row[col[h]])
        boe_number.compact(row[col["BoE No"]])
        Period.parse(R.text(row[col["Period"]]))
        parse_action(R.text(row[col["Action"]]))
        n += 1
    return n


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(sizes: list[int]) -> int:
    failed = False
    for n in sizes:
        table = excel_table(n)
        floor, _ = best_of(lambda table=table: convert_only(table))
        took, out = best_of(lambda table=table: BOE_TABLE(table, AS_OF))
        assert isinstance(out, list) and len(out) == len(table), out
        assert out[0] == list(sf.TABLE_COLUMNS)
        # Where the time goes (one run each): reading + evaluating, then the result rows.
        t0 = time.perf_counter()
        run = sf._TableRun(table, AS_OF)
        t1 = time.perf_counter()
        run.result_rows()
        t2 = time.perf_counter()
        statuses: dict[str, int] = {}
        for row in out[1:]:
            statuses[row[0]] = statuses.get(row[0], 0) + 1
        verdict = "ok" if n != 50_000 or took < TARGET_SECONDS else "OVER TARGET"
        failed |= verdict != "ok"
        print(f"rows={n:>7}: BOE_TABLE {took:.3f} s ({verdict}; target {TARGET_SECONDS} s "
              f"for 50,000), convert-only floor {floor:.3f} s, ratio {took / floor:.1f}x")
        print(f"              read+evaluate {t1 - t0:.3f} s, result rows {t2 - t1:.3f} s; "
              + ", ".join(f"{k or 'blank'} {v}" for k, v in sorted(statuses.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main([int(a) for a in sys.argv[1:]] or [10_000, 50_000]))

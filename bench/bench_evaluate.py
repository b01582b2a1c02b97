"""Evaluate a year of BoE versions with their actions, against a dictionary-join floor.

A quick look at the rules alone (no files, no workbook); ``bench/run.py`` is the full
benchmark.

Run: .venv/bin/python bench/bench_evaluate.py [N ...]
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generate import AS_OF, GSTIN, make_year

from ims_xl.models import Settings
from ims_xl.rules import evaluate


def dict_join_floor(records, actions):
    """The least pure Python can do: group actions by record and sum one head per key."""
    by_id = defaultdict(list)
    for a in actions:
        by_id[a.record_id].append(a)
    totals = defaultdict(int)
    for r in records:
        acts = by_id.get(r.id)
        if acts:
            totals[(r.port_code, r.boe_number, r.boe_date)] += r.igst
    return totals


def best_of(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(sizes):
    settings = Settings(gstin=GSTIN)
    for n in sizes:
        records, actions = make_year(n)
        floor = best_of(lambda r=records, a=actions: dict_join_floor(r, a))
        took = best_of(lambda r=records, a=actions: evaluate(r, a, settings, AS_OF))
        print(f"N={n:>7} BoEs ({len(records)} versions, {len(actions)} actions): "
              f"evaluate {took:.3f} s, dict-join floor {floor:.3f} s, ratio {took / floor:.1f}x")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])

"""The JSON the engine and ``summary --json`` write (rules.md section 7): amounts as exact
decimals. Kept apart from :mod:`ims_xl.engine_json` so that writing JSON does not import
pydantic (a sixth of a second of ``ims-xl summary``)."""

from __future__ import annotations

import json
import re
import secrets
from datetime import date
from decimal import Decimal
from typing import Any

from .models import GSTR2B_SECTIONS, Evaluation
from .money import round2
from .periods import Period

__all__ = ["dumps", "period_to_json", "result_to_json", "nothing_more_to_json"]


def _money(value: Decimal) -> Decimal:
    return round2(value)


def result_to_json(evaluation: Evaluation) -> dict[str, Any]:
    """The output shape of rules.md section 7 (amounts as Decimal, see :func:`dumps`)."""
    records = []
    for r in evaluation.records:
        records.append({
            "id": r.id,
            "status": r.status.value,
            "itc_period": str(r.itc_period) if r.itc_period and r.itc else None,
            "itc": _heads(r.itc) if r.itc is not None else None,
            "history": [{"period": str(s.period), "status": s.status.value} for s in r.history],
            "messages": [{"code": m.code, "severity": m.severity.value, "text": m.text}
                         for m in r.messages],
        })
    periods = {str(p): period_to_json(f) for p, f in sorted(evaluation.periods.items())}
    return {"records": records, "periods": periods}


def _heads(h) -> dict[str, Decimal]:
    return {"igst": _money(h.igst), "cess": _money(h.cess)}


def period_to_json(f) -> dict[str, Any]:
    """One period's figures in the shape of rules.md section 7."""
    return {
        "state": f.state,
        "gstr2b": {s: {"count": f.gstr2b[s].count,
                       "taxable_value": _money(f.gstr2b[s].taxable_value),
                       "igst": _money(f.gstr2b[s].igst), "cess": _money(f.gstr2b[s].cess)}
                   for s in GSTR2B_SECTIONS},
        "gstr3b": {"4A1": _heads(f.table_4a1), "4B2": _heads(f.table_4b2)},
        "pending": {"count": f.pending.count, **_heads(f.pending)},
        "rejected": {"count": f.rejected.count, **_heads(f.rejected)},
    }


def nothing_more_to_json(nm) -> dict[str, Any]:
    """``summary --json``'s ``if_nothing_more``: a period's figures on its GSTR-2B day if
    nothing more is done (:class:`ims_xl.rules.nothing_more.NothingMore`). ``period_open``:
    GSTR-2B is not generated yet on the as-of date; ``as_of``: the day the figures hold on
    (the GSTR-2B day while open, else the as-of date: the figures as they stand)."""
    figures = period_to_json(nm.figures)
    del figures["state"]  # the GSTR-3B filing state on that day: period_open is what counts
    return {"period_open": nm.period_open, "gstr2b_date": nm.gstr2b_date, "as_of": nm.as_of,
            **figures}


def dumps(data: Any, indent: int | None = 2) -> str:
    """JSON text with every Decimal written as an exact number (``18000.00``), never a float."""
    token = "@@dec" + secrets.token_hex(4) + "@@"

    def default(obj: Any) -> Any:
        if isinstance(obj, Decimal):
            return f"{token}{obj:f}"
        if isinstance(obj, (date, Period)):
            return str(obj)
        raise TypeError(f"cannot write {type(obj).__name__} as JSON")

    text = json.dumps(data, indent=indent, default=default, ensure_ascii=False)
    return re.sub(f'"{re.escape(token)}(-?[0-9.]+)"', r"\1", text)

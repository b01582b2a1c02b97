"""The native formulas of the GSTR-2B, GSTR-3B and Start sheets.

They are SUMIFS/COUNTIFS over the BoE table's computed columns (and the History table for
pending figures), so the figures update in Excel and LibreOffice without Python. They must
give what :func:`ims_xl.rules.evaluate` gives: the LibreOffice test checks that.
"""

from __future__ import annotations

from .layout import CREDITED_STATUSES

__all__ = ["credited", "section_criteria", "rejected", "pending", "net", "gstr2b_date"]

SECTION_CRITERIA = {
    "IMPG": ("IMPG", "No"), "IMPGA": ("IMPG", "Yes"),
    "IMPGSEZ": ("IMPGSEZ", "No"), "IMPGSEZA": ("IMPGSEZ", "Yes"),
}


def section_criteria(section: str) -> str:
    family, amended = SECTION_CRITERIA[section]
    return f'BoE[Section],"{family}",BoE[Amendment],"{amended}"'


def credited(func: str, value_column: str | None, period: str, extra: str = "") -> str:
    """Sum (or count) over versions accepted or deemed accepted in ``period``.

    Two terms, one per credited status: wildcards behave differently in LibreOffice.
    """
    terms = []
    for status in CREDITED_STATUSES:
        args = [f"BoE[{value_column}]"] if value_column else []
        args += [f"BoE[2B Period],{period}", f'BoE[Status],"{status}"']
        if extra:
            args.append(extra)
        terms.append(f"{func}({','.join(args)})")
    return "+".join(terms)


def net(head_column: str, period: str) -> str:
    return credited("SUMIFS", head_column, period)


def rejected(func: str, value_column: str | None, period: str) -> str:
    args = [f"BoE[{value_column}]"] if value_column else []
    args += [f"BoE[2B Period],{period}", 'BoE[Status],"Rejected"']
    return f"{func}({','.join(args)})"


def pending(func: str, value_column: str | None, period: str) -> str:
    args = [f"History[{value_column}]"] if value_column else []
    args += [f"History[Period],{period}", 'History[Status],"Pending"']
    return f"{func}({','.join(args)})"


def gstr2b_date(period: str) -> str:
    """``G(P)``: the 14th of the month after P (an override from the Generated2B table wins)."""
    default = f"DATE(VALUE(RIGHT({period},4)),VALUE(LEFT({period},2))+1,14)"
    return (f'IF({period}="","",IFERROR(VLOOKUP({period},Generated2B,2,FALSE),{default}))')


def period_row(row: int) -> list[str]:
    """The formulas of one row of the all-periods table (its period in column A)."""
    P = f"$A{row}"
    n_igst, n_cess = net("ITC IGST", P), net("ITC Cess", P)
    return [
        f"MAX(0,{n_igst})", f"MAX(0,{n_cess})", f"MAX(0,-({n_igst}))", f"MAX(0,-({n_cess}))",
        pending("COUNTIFS", None, P), pending("SUMIFS", "IGST", P),
        pending("SUMIFS", "Cess", P), rejected("COUNTIFS", None, P),
        rejected("SUMIFS", "IGST", P), rejected("SUMIFS", "Cess", P),
    ]

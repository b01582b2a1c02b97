"""The native formulas of the GSTR-2B, GSTR-3B and Start sheets.

They are SUMIFS/COUNTIFS over the BoE table's computed columns (and the History table for
the pending and rejected figures), so the figures update in Excel and LibreOffice without Python. They must
give what :func:`ims_xl.rules.evaluate` gives: the LibreOffice test checks that.

Rules 2.0 needs nothing more for most figures, because Recompute writes the engine's verdict:
a version of another GSTIN has Status "Other GSTIN" and no History (so no criterion here
takes it), a moved version's ITC IGST and ITC Cess are its reversal, and its History rows
hold zero amounts. Only its taxable value, which the BoE row keeps as the portal shows it,
is taken out of GSTR-2B (:func:`gstr2b_taxable_value`).
"""

from __future__ import annotations

from .layout import (ACTIONS_SINCE_RECOMPUTE_NAME, AT_RECOMPUTE, CREDITED_STATUSES,
                     NOTHING_MORE_COLUMNS)

__all__ = ["credited", "section_criteria", "rejected", "pending", "net", "gstr2b_date",
           "gstr2b_taxable_value", "moved", "net_if_nothing_more", "as_of_date",
           "gstr2b_still_to_come", "day_month_year", "actions_since_recompute",
           "actions_since_recompute_sentence"]

MOVED_CODE = "GSTIN_MOVED"   # the rules' message on a version customs moved to another GSTIN
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


def moved(value_column: str, period: str, statuses: tuple[str, ...],
          section: str | None = None) -> str:
    """Sum of ``value_column`` over the moved versions (GSTIN amendments: the engine's
    ``GSTIN_MOVED`` in Messages) with one of ``statuses`` in ``period``, in one GSTR-2B
    section or all.

    SUMPRODUCT with SEARCH, not SUMIFS with a wildcard: Excel's criteria do not match text
    longer than 255 characters, and a moved version's Messages is longer. The values are
    SUMPRODUCT's last argument, so text in an amount cell counts as 0 (as the rules count it).
    """
    status = "+".join(f'(BoE[Status]="{s}")' for s in statuses)
    terms = [f'ISNUMBER(SEARCH("{MOVED_CODE}",BoE[Messages]))',
             f'(BoE[2B Period]&""={period}&"")', f"(({status})>0)"]
    if section is not None:
        family, amended = SECTION_CRITERIA[section]
        terms += [f'(BoE[Section]="{family}")', f'(BoE[Amendment]="{amended}")']
    return f"SUMPRODUCT({'*'.join(terms)},BoE[{value_column}])"


def gstr2b_taxable_value(period: str, section: str) -> str:
    """GSTR-2B taxable value of a section: the credited versions' own taxable value, where a
    moved version's counts as zero (rules 2.0, section 5). Only amendments can be moved."""
    total = credited("SUMIFS", "Taxable Value", period, section_criteria(section))
    if SECTION_CRITERIA[section][1] == "Yes":
        total += "-" + moved("Taxable Value", period, CREDITED_STATUSES, section)
    return total


def net(head_column: str, period: str) -> str:
    return credited("SUMIFS", head_column, period)


def rejected(func: str, value_column: str | None, period: str) -> str:
    """Count or sum over the versions rejected in ``period``, from the History table as the
    rules count them: each version's own amounts, zero for a moved version (Recompute writes
    History so)."""
    args = [f"History[{value_column}]"] if value_column else []
    args += [f"History[Period],{period}", 'History[Status],"Rejected"']
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


# --- If nothing more is done (issue 14, item 7) ---------------------------------------------

def net_if_nothing_more(head: str, period: str) -> str:
    """N(P) on its GSTR-2B day if nothing more is done, per head ("IGST" or "Cess"): the sum of
    the hidden columns Recompute writes from :func:`ims_xl.rules.nothing_more.credit_if_nothing_more`
    (a closed period's versions keep their credit as it stands, so there it equals :func:`net`).
    No status criterion: the column is blank for a version that gives no credit."""
    period_column, igst_column, cess_column = NOTHING_MORE_COLUMNS
    value_column = igst_column if head == "IGST" else cess_column
    return f"SUMIFS(BoE[{value_column}],BoE[{period_column}],{period})"


def as_of_date() -> str:
    """The as-of date T: the setting, else today (as Recompute reads it)."""
    return 'IF(IMS_AS_OF="",TODAY(),IMS_AS_OF)'


def gstr2b_still_to_come(period: str) -> str:
    """TRUE while GSTR-2B of ``period`` is not generated on the as-of date (``T < G(P)``:
    on ``G(P)`` itself the BoEs without action are deemed accepted)."""
    return f"{as_of_date()}<{gstr2b_date(period)}"


def day_month_year(day: str) -> str:
    """A date as DD-MM-YYYY text whatever the locale (TEXT's date codes are the locale's)."""
    return (f'TEXT(DAY({day}),"00")&"-"&TEXT(MONTH({day}),"00")&"-"&YEAR({day})')


# --- Actions typed since the last Recompute (issue 14, item 6) -----------------------------

def actions_since_recompute() -> str:
    """How many BoE rows hold an Action, Action Date or Remark other than the one the last
    Recompute saw (its hidden twin column, written by Recompute: see layout.AT_RECOMPUTE).

    One pass over the table (100,000 rows: no lookup per row), and it holds when the
    accountant sorts or filters, because each twin is in the same row. Both sides become text
    the same way (``&""``, so a date is its serial number on both, whatever the locale; TEXT
    would need format codes that change with the language), then EXACT compares them, case
    included; a blank against a blank is no change. ``&""`` is needed: LibreOffice's EXACT
    over ranges calls two equal date cells different. No IF inside SUMPRODUCT: Excel 2016
    would need it entered as an array formula."""
    same = "*".join(f'EXACT(BoE[{header}]&"",BoE[{twin}]&"")'
                    for header, twin in AT_RECOMPUTE.items())
    return f"SUMPRODUCT(1-{same})"


def actions_since_recompute_sentence(count: str = ACTIONS_SINCE_RECOMPUTE_NAME) -> str:
    """The sentence the Start, GSTR-2B and GSTR-3B sheets show for ``count``: what to do
    when actions were typed since the last Recompute, and that none were after it."""
    return (f'IF({count}=0,"0 actions typed since the last Recompute: every action typed is '
            f'in the figures.",{count}&IF({count}=1," action"," actions")&" typed since the '
            'last Recompute: press Recompute 2B/3B (or run ims-xl recompute WB). Until then '
            'the figures leave them out.")')

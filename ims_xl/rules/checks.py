"""Checks on the data of one version (rules.md section 6): identifiers, dates and amounts.

These report; they never stop the version from counting (the portal has it).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from ..dates import format_date
from ..identifiers import boe_number, gstin, port_code
from ..messages import message
from ..models import ZERO, BoeVersion, Message
from ..periods import Period

__all__ = ["version_messages"]

_AMOUNT_NAMES = {"taxable_value": "Taxable value", "igst": "IGST", "cess": "Cess"}


@lru_cache(maxsize=65536)
def _port_messages(code: str) -> tuple[Message, ...]:
    if not port_code.is_valid(code):
        return (message("PORT_CODE_INVALID", value=code),)
    if not port_code.is_usual(code):
        return (message("PORT_CODE_UNUSUAL", value=code),)
    return ()


def _boe_number_messages(number: str) -> tuple[Message, ...]:
    if 4 <= len(number) <= 7 and number.isascii() and number.isdigit():
        return ()  # the common case, without the full parse
    problem = boe_number.problem(number)
    return (message("BOE_NUMBER_INVALID", problem=problem),) if problem else ()


@lru_cache(maxsize=65536)
def _gstin_messages(value: str, role: str) -> tuple[Message, ...]:
    # Whether a valid importer GSTIN is another GSTIN's (GSTIN_OTHER) or a moved version's
    # (GSTIN_MOVED) depends on the BoE's other versions: the engine decides that.
    if not value:
        return ()
    problem = gstin.problem(value)
    if problem:
        return (message("GSTIN_INVALID", role=role, value=value, problem=problem),)
    return ()


def version_messages(v: BoeVersion, *, as_of: date, origin: Period,
                     current: Period) -> list[Message]:
    number = v.boe_number
    out: list[Message] = [
        *_port_messages(v.port_code),
        # the common case inline, as _boe_number_messages takes it
        *(() if 4 <= len(number) <= 7 and number.isascii() and number.isdigit()
          else _boe_number_messages(number)),
        *_gstin_messages(v.importer_gstin, "Importer"),
        *_gstin_messages(v.supplier_gstin, "Supplier")]

    if v.boe_date is None:
        out.append(message("DATE_ORDER", problem="The BoE date is missing: type it from the "
                                                 "Bill of Entry."))
    elif v.ref_date is not None and v.boe_date > v.ref_date:
        out.append(message("DATE_ORDER", problem=(
            f"The BoE date {format_date(v.boe_date)} is after the reference date "
            f"{format_date(v.ref_date)}: check both dates against the Bill of Entry.")))
    if v.ref_date is not None and v.ref_date > as_of:
        out.append(message("DATE_ORDER", problem=(
            f"The reference date {format_date(v.ref_date)} is after the as-of date "
            f"{format_date(as_of)}: this BoE cannot be acted on yet.")))
    elif origin._key > current._key:  # origin > current, without the call
        out.append(message("DATE_ORDER", problem=(
            f"This BoE belongs to period {origin}, after the as-of date "
            f"{format_date(as_of)}: it cannot be acted on yet.")))

    for field_name, raw in v.amount_problems:  # usually none
        name = _AMOUNT_NAMES.get(field_name, field_name)
        out.append(message("AMOUNT_INVALID", problem=(
            f"{name} {raw!r} is not an amount: it counts as 0. Correct it from the Bill of "
            "Entry.")))
    if not v.amendment and (v.taxable_value < ZERO or v.igst < ZERO or v.cess < ZERO):
        for field_name in ("taxable_value", "igst", "cess"):
            value = getattr(v, field_name)
            if value < ZERO:
                out.append(message("AMOUNT_INVALID", problem=(
                    f"{_AMOUNT_NAMES[field_name]} is negative ({value}) on an original BoE: "
                    "only an amendment can reduce an amount. Check it against the Bill of "
                    "Entry.")))
    return out

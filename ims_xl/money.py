"""Amounts in rupees and paise: exact decimals, never binary floating point.

Amounts are read as typed (``Rs. 1,23,456.78``, ``(1,234.50)``, a float from a cell) and
kept exact; they are rounded to paise, half up, only when shown or exported.

>>> to_decimal('Rs. 1,23,456.78'), to_decimal('(1,234.50)'), to_decimal(0.1)
(Decimal('123456.78'), Decimal('-1234.50'), Decimal('0.1'))
>>> round2(Decimal('2.345')), format_inr(Decimal('1234567.8')), format_inr(-1000)
(Decimal('2.35'), '12,34,567.80', '-1,000.00')
>>> to_decimal('abc')
Traceback (most recent call last):
    ...
ValueError: 'abc' is not an amount. Type a number such as 1,23,456.78.
>>> to_decimal_or_zero(''), to_decimal_or_zero('2,500')
((Decimal('0'), None), (Decimal('2500'), None))
>>> amount, problem = to_decimal_or_zero('12,34')
>>> amount
Decimal('0')
>>> print(problem)  # doctest: +NORMALIZE_WHITESPACE
'12,34' is not an amount: its commas are not thousands separators.
Type a number such as 1,23,456.78. It counts as 0 until corrected.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

__all__ = ["LIMIT", "format_inr", "round2", "to_decimal", "to_decimal_or_zero"]

# No Bill of Entry carries 10**15 rupees (1000 lakh crore); such a figure is a pasted
# identifier or a units mistake. Refusing it also keeps sums far inside Decimal's precision.
LIMIT = Decimal(10) ** 15
_PAISE = Decimal("0.01")
_HINT = "Type a number such as 1,23,456.78."
# Currency marks an amount may start with; longest first so "Rs." is not read as "Rs" + ".".
_CURRENCY = ("rs.", "inr.", "inr", "rs", "\u20b9")
_NUMBER_RE = re.compile(r"(?P<int>[0-9][0-9,]*)?(?:\.(?P<frac>[0-9]*))?")
_WESTERN_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_INDIAN_RE = re.compile(r"[0-9]{1,2}(?:,[0-9]{2})*,[0-9]{3}")


def _shown(value: object) -> str:
    if isinstance(value, int) and not -(10**30) < value < 10**30:
        return "A huge number"  # Python refuses str() of a many-thousand-digit integer
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 40 else f"'{value[:37]}...'"
    # str, not repr, for a Decimal: the user typed 1E+15, not Decimal('1E+15').
    text = str(value) if isinstance(value, Decimal) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _not_amount(value: object, why: str = "") -> ValueError:
    return ValueError(f"{_shown(value)} is not an amount{why}. {_HINT}")


def _strip_sign(text: str) -> tuple[bool, str] | None:
    if text[:1] in ("+", "-"):
        return text[0] == "-", text[1:]
    return None


def _strip_currency(text: str) -> str:
    lower = text.lower()
    for mark in _CURRENCY:
        if lower.startswith(mark):
            return text[len(mark):]
    return text


def _parse_text(value: str) -> Decimal:
    # All white space goes, also the non-breaking space of web pages ("1 23 456").
    text = "".join(value.split()).replace("\u2212", "-")
    if text.endswith("/-"):  # "Rs. 1,000/-": the Indian way of writing "no paise"
        text = text[:-2]
    negative = False
    if len(text) >= 2 and text[0] == "(" and text[-1] == ")":  # accountants' negative
        negative, text = True, text[1:-1]
    signed = _strip_sign(text)
    if signed and negative:
        raise _not_amount(value, ": it has both brackets and a sign")
    if signed:
        negative, text = signed
    text = _strip_currency(text)
    if not signed:
        # The sign may also follow the currency mark: "Rs -500", "₹-1,000".
        signed = _strip_sign(text)
        if signed and negative:
            raise _not_amount(value, ": it has both brackets and a sign")
        if signed:
            negative, text = signed
    match = _NUMBER_RE.fullmatch(text)
    if not match or not (match["int"] or match["frac"]):
        raise _not_amount(value)
    whole = match["int"] or "0"
    if "," in whole:
        # "12,34" is 12.34 in much of Europe: only proper grouping is a thousands separator.
        if not (_WESTERN_RE.fullmatch(whole) or _INDIAN_RE.fullmatch(whole)):
            raise _not_amount(value, ": its commas are not thousands separators")
        whole = whole.replace(",", "")
    number = Decimal(f"{whole}.{match['frac']}" if match["frac"] else whole)
    # copy_negate, not unary minus: minus rounds to the caller's context precision.
    return number.copy_negate() if negative and number else number


def to_decimal(value: object) -> Decimal:
    """The exact amount a cell, a JSON field or a typed text stands for.

    A float becomes the decimal it displays (``0.1`` is ``Decimal('0.1')``, not
    ``0.1000000000000000055...``). Raises ValueError naming the value.

    >>> to_decimal('INR 1,000'), to_decimal('₹-500'), to_decimal('+123,456.78')
    (Decimal('1000'), Decimal('-500'), Decimal('123456.78'))
    >>> to_decimal(float('nan'))
    Traceback (most recent call last):
        ...
    ValueError: nan is not an amount. Type a number such as 1,23,456.78.
    >>> to_decimal('1,00,00,00,00,00,00,000')
    Traceback (most recent call last):
        ...
    ValueError: '1,00,00,00,00,00,00,000' is not a credible amount: it is 10^15 rupees or more. ...
    """
    if value is None or isinstance(value, str) and not value.strip():
        raise ValueError("amount missing")
    if isinstance(value, bool):  # True is 1 to Python, never to an accountant
        raise _not_amount(value)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise _not_amount(str(value))
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _not_amount(value)
        # repr is the shortest text that reads back as the same float: what the cell showed.
        number = Decimal(repr(value))
    elif isinstance(value, str):
        number = _parse_text(value)
    else:
        raise _not_amount(value)
    if number.copy_abs() >= LIMIT:
        raise ValueError(
            f"{_shown(value)} is not a credible amount: it is 10^15 rupees or more. "
            "Check the figure."
        )
    return number


def to_decimal_or_zero(value: object) -> tuple[Decimal, str | None]:
    """``(amount, None)``, or ``(0, problem)`` for a value that is not an amount; a blank
    is 0 with no problem (the portal leaves nil cess empty).

    >>> to_decimal_or_zero(None), to_decimal_or_zero('1,000.50')
    ((Decimal('0'), None), (Decimal('1000.50'), None))
    """
    if value is None or isinstance(value, str) and not value.strip():
        return Decimal(0), None
    try:
        return to_decimal(value), None
    except ValueError as exc:
        return Decimal(0), f"{exc} It counts as 0 until corrected."


def round2(d: object) -> Decimal:
    """Rounded to paise, half up (not Python's default half-even). Takes whatever
    :func:`to_decimal` takes, and refuses what it refuses (10**15 or more included).

    >>> round2(Decimal('2.345')), round2(Decimal('-2.345')), round2(Decimal('2.344')), round2(7)
    (Decimal('2.35'), Decimal('-2.35'), Decimal('2.34'), Decimal('7.00'))
    """
    number = to_decimal(d)
    # A private context: the result must not depend on a precision set elsewhere. 28 digits
    # hold any credible amount (under 10**15) with its paise.
    with localcontext(Context(prec=28)):
        return number.quantize(_PAISE, rounding=ROUND_HALF_UP)


def format_inr(d: object) -> str:
    """The amount with Indian digit grouping and two decimals.

    >>> format_inr(Decimal('1234567.8')), format_inr(Decimal('999.995'))
    ('12,34,567.80', '1,000.00')
    >>> format_inr(Decimal('-0.001')), format_inr(-5)
    ('0.00', '-5.00')
    """
    if d.__class__ is Decimal and d.is_finite() and d.as_tuple().exponent == -2:
        number = d  # already in paise (the common case in reports): no rounding needed
    else:
        number = round2(d)
    whole, frac = f"{number.copy_abs():f}".split(".")
    # Last three digits, then pairs: 12,34,567.
    head, tail = whole[:-3], whole[-3:]
    pairs = []
    while head:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    grouped = ",".join([*pairs, tail])
    sign = "-" if number < 0 else ""  # -0.00 is shown as 0.00
    return f"{sign}{grouped}.{frac}"

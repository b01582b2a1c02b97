"""Bill of Entry number: 4 to 7 digits (leading zeros count as digits).

Excel turns BoE numbers into numbers. :func:`compact` undoes what can be undone exactly and
never guesses: white space (also non-breaking space) goes, a trailing ``.0`` goes, and
scientific notation is read back only when it shows every digit.

>>> compact(' 2566282'), compact('2566282.0'), compact(2566282.0), compact('2.566282E6')
('2566282', '2566282', '2566282', '2566282')
>>> validate('0012345'), identity('0012345'), identity(12345)
('0012345', '12345', '12345')

``2.57E+06`` is what Excel shows for 2566282 in a narrow column; the digits are gone:

>>> print(problem('2.57E+06'))  # doctest: +NORMALIZE_WHITESPACE
BoE number '2.57E+06' is in scientific notation: Excel showed it that way and lost digits.
Type the number from the Bill of Entry as text (format the column as Text first).
>>> problem('123')
"BoE number '123' has 3 digits; a BoE number has 4 to 7 digits. Type it as on the Bill of Entry."
>>> is_valid(2566282.5), is_valid(True), is_valid(None)
(False, False, False)
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from stdnum.exceptions import InvalidFormat, InvalidLength

from ._text import INVISIBLE, count, dropping, first_problem, show, validity

__all__ = ["compact", "identity", "is_valid", "problem", "validate"]

_HINT = "Type it as on the Bill of Entry."
_DIGITS_RE = re.compile(r"[0-9]+")
_ZERO_FRACTION_RE = re.compile(r"([0-9]+)\.0+")
_FRACTION_RE = re.compile(r"[0-9]*\.[0-9]+|[0-9]+\.")
_SCIENTIFIC_RE = re.compile(r"\+?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]{1,9}")
# A number shown with thousands separators (western 2,566,282 or Indian 25,66,282) is
# unambiguous only when every group has the right size; anything else is left as typed.
_GROUPED_RE = re.compile(
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,2}(?:,[0-9]{2})*,[0-9]{3})(?:\.[0-9]*)?"
)
# White-space removal misses these invisible characters that pasted values can carry.
_INVISIBLE = dropping(INVISIBLE)




def compact(value: object) -> str:
    """The BoE number as digits when it can be recovered exactly, else the value's text
    without white space (for :func:`validate` to explain).

    >>> compact('25 66 282'), compact('\\xa02566282\\xa0'), compact(Decimal('2566282.00'))
    ('2566282', '2566282', '2566282')
    >>> compact('2.57E+06'), compact(2566282.5), compact("'0012345")
    ('2.57E+06', '2566282.5', '0012345')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        raise InvalidFormat(f"BoE number {value} is not a number. {_HINT}")
    if isinstance(value, int):
        if not -(10**20) < value < 10**20:
            # Python refuses to turn a huge integer into text; it is no BoE number anyway.
            raise InvalidLength(f"BoE number is a number with far more than 7 digits. {_HINT}")
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidFormat(f"BoE number {value} is not a number. {_HINT}")
        # A number cell holds every digit even when Excel displays it rounded.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidFormat(f"BoE number '{value}' is not a number. {_HINT}")
        # str() keeps the exponent, so Decimal('2.57E+6') is judged like the text '2.57E+6'.
        value = str(value)
    if not isinstance(value, str):
        raise InvalidFormat(f"BoE number {show(str(value))} is not a number. {_HINT}")
    # Leading apostrophes are Excel's "this is text" marker, not part of the number.
    text = "".join(value.translate(_INVISIBLE).split()).lstrip("'")
    if _GROUPED_RE.fullmatch(text):
        text = text.replace(",", "")
    if _DIGITS_RE.fullmatch(text):
        return text
    match = _ZERO_FRACTION_RE.fullmatch(text)
    if match:
        return match.group(1)
    if _SCIENTIFIC_RE.fullmatch(text):
        number = Decimal(text)
        # Exponent <= 0 means the mantissa shows every digit down to the units: no digit was
        # rounded away (2.566282E6 yes, 2.57E+06 no).
        if number.as_tuple().exponent <= 0 and number == number.to_integral_value():
            return str(int(number))
    return text


def validate(value: object) -> str:
    """The BoE number as 4 to 7 digits, or a ValidationError whose message says what is wrong."""
    number = compact(value)
    if not number:
        raise InvalidLength(f"BoE number is missing. {_HINT}")
    shown = show(number)
    if _DIGITS_RE.fullmatch(number):
        if not 4 <= len(number) <= 7:
            raise InvalidLength(
                f"BoE number '{shown}' has {count(len(number), 'digit')}; "
                f"a BoE number has 4 to 7 digits. {_HINT}"
            )
        return number
    if _SCIENTIFIC_RE.fullmatch(number):
        if Decimal(number).as_tuple().exponent > 0:  # see compact(): digits were rounded away
            raise InvalidFormat(
                f"BoE number '{shown}' is in scientific notation: Excel showed it that way "
                "and lost digits. Type the number from the Bill of Entry as text "
                "(format the column as Text first)."
            )
    if _SCIENTIFIC_RE.fullmatch(number) or _FRACTION_RE.fullmatch(number):
        raise InvalidFormat(
            f"BoE number '{shown}' has a fraction; a BoE number is 4 to 7 digits and nothing else. "
            f"{_HINT}"
        )
    raise InvalidFormat(
        f"BoE number '{shown}' contains characters other than digits; "
        f"a BoE number has 4 to 7 digits. {_HINT}"
    )


def is_valid(value: object) -> bool:
    """Whether the value is a valid BoE number; never raises."""
    return _is_valid(value)


def problem(value: object) -> str | None:
    """None for a valid BoE number, else one plain sentence saying what is wrong and what to do."""
    return _problem(value)


def identity(value: object) -> str:
    """The BoE number as part of a BoE's identity: validated, leading zeros removed
    ('0012345' and 12345 are the same BoE). Raises ValidationError when invalid.

    >>> identity('0000')
    '0'
    """
    return same_boe(validate(value))


def same_boe(number: str) -> str:
    """The identity rule itself, for a number already read as text: spaces and leading zeros
    go, nothing is checked ('0012345' and ' 12345' are one BoE; '0000' is '0'). The only
    place the rule is written: every key of a BoE (match, rules, workbook rows) calls it.

    >>> same_boe(' 0012345 '), same_boe('0000'), same_boe('')
    ('12345', '0', '0')
    """
    return number.strip().lstrip("0") or "0"


_is_valid = validity(validate)
_problem = first_problem(validate)

"""GSTIN (Goods and Services Tax identification number).

Fifteen characters: a two-digit state code, the holder's PAN (10), the registration number
within the state (one letter or digit, never 0), the letter ``Z`` and a check character
(Luhn mod 36 over ``0-9A-Z``).

python-stdnum's :mod:`stdnum.in_.gstin` checks ordinary GSTINs, but it refuses state code 38
(Ladakh) and the special codes 97 (other territory) and 99 (centre jurisdiction: UN bodies,
non-resident online service providers), which do exist. Those are accepted here when the
check character is right. GSTINs under 97 and 99 do not carry a PAN (``9917USA29001OS`` is
year, country, serial and ``OS``), so characters 3 to 14 may be any letters and digits.

>>> validate('27 AAPFU 0939F1ZV')
'27AAPFU0939F1ZV'
>>> is_valid('38AAPFU0939F1ZS'), is_valid('9917USA29001OSH'), is_valid(None)
(True, True, False)
>>> state_code('24aaupv7468f1zw')
'24'
>>> check_character('27AAPFU0939F1Z')
'V'

GSTN's own sample GSTIN fails its check character:

>>> print(problem('01AABCE2207R1Z5'))  # doctest: +NORMALIZE_WHITESPACE
GSTIN '01AABCE2207R1Z5' fails its check character: one of its characters is mistyped.
Copy it again from the GST portal.
>>> validate('01AABCE2207R1Z5')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidChecksum: GSTIN '01AABCE2207R1Z5' fails its check character: ...
>>> print(problem('27AAPFU0939F1Z'))  # doctest: +NORMALIZE_WHITESPACE
GSTIN '27AAPFU0939F1Z' has 14 characters; a GSTIN has 15.
Check for a missing or extra character.
>>> print(problem('45AAPFU0939F1ZV'))  # doctest: +NORMALIZE_WHITESPACE
GSTIN '45AAPFU0939F1ZV' starts with '45', which is not a state code (01 to 38, 97 or 99).
Check the first two digits.
>>> problem('27AAPFU0939F1ZV') is None
True
"""

from __future__ import annotations

import re

from stdnum import luhn
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.in_ import gstin as _stdnum_gstin
from stdnum.in_ import pan as _pan

from ._text import INVISIBLE, count, dropping, first_problem, show, validity

__all__ = ["check_character", "compact", "is_valid", "problem", "state_code", "validate"]

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALNUM_RE = re.compile(r"[0-9A-Z]*")
# 01-37 are stdnum's states; 38 Ladakh was created in 2019 and stdnum does not know it yet.
_ORDINARY_CODES = frozenset(f"{n:02d}" for n in range(1, 39))
# Special codes whose holders have no PAN (UN bodies, non-resident OIDAR providers).
_SPECIAL_CODES = frozenset({"97", "99"})
# Invisible characters that web pages and PDFs carry into a pasted value, and the hyphen
# people type as a separator.
_INVISIBLE = dropping(INVISIBLE + "-")




def compact(value: object) -> str:
    """The GSTIN without spaces or hyphens, in capitals.

    >>> compact(' 27aapfu0939f1zv'), compact('27-AAPFU-0939F-1ZV'), compact(None)
    ('27AAPFU0939F1ZV', '27AAPFU0939F1ZV', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidFormat(f"GSTIN {show(str(value))} is not text. Type the 15-character GSTIN.")
    if isinstance(value, int) and not -(10**20) < value < 10**20:
        # Python refuses to turn a huge integer into text; it is no GSTIN anyway.
        raise InvalidLength(
            "GSTIN is a number with far more than 15 digits. Type the 15-character GSTIN."
        )
    return "".join(str(value).translate(_INVISIBLE).split()).upper()


def check_character(first14: object) -> str:
    """The check character that completes the first 14 characters of a GSTIN.

    >>> check_character('9917USA29001OS')
    'H'
    """
    number = compact(first14)
    if not _ALNUM_RE.fullmatch(number):
        raise InvalidFormat(f"'{show(number)}' has characters other than letters and digits.")
    if len(number) != 14:
        raise InvalidLength(
            f"'{show(number)}' has {count(len(number), 'character')}; "
            "the check character needs the first 14."
        )
    return luhn.calc_check_digit(number, _ALPHABET)


def validate(value: object) -> str:
    """The compact GSTIN, or a ValidationError whose message says what is wrong."""
    number = compact(value)
    if not number:
        raise InvalidLength("GSTIN is missing. Type the 15-character GSTIN.")
    shown = show(number)
    if not _ALNUM_RE.fullmatch(number):
        bad = next(c for c in number if not _ALNUM_RE.fullmatch(c))
        raise InvalidFormat(
            f"GSTIN '{shown}' contains '{bad}', but a GSTIN has only letters and digits. "
            "Type it again."
        )
    if len(number) != 15:
        raise InvalidLength(
            f"GSTIN '{shown}' has {count(len(number), 'character')}; a GSTIN has 15. "
            "Check for a missing or extra character."
        )
    code = number[:2]
    if code not in _ORDINARY_CODES and code not in _SPECIAL_CODES:
        raise InvalidComponent(
            f"GSTIN '{shown}' starts with '{code}', which is not a state code "
            "(01 to 38, 97 or 99). Check the first two digits."
        )
    if code in _ORDINARY_CODES:
        _check_ordinary_parts(number)
    if luhn.checksum(number, _ALPHABET) != 0:
        raise InvalidChecksum(
            f"GSTIN '{shown}' fails its check character: one of its characters is mistyped. "
            "Copy it again from the GST portal."
        )
    if code != "38" and code in _ORDINARY_CODES:
        # stdnum is the reference for ordinary GSTINs; our checks above only word its answers.
        try:
            _stdnum_gstin.validate(number)
        except ValidationError as exc:
            raise type(exc)(
                f"GSTIN '{shown}' is not a valid GSTIN. Copy it again from the GST portal."
            ) from exc
    return number


def _check_ordinary_parts(number: str) -> None:
    shown = show(number)
    pan_part = number[2:12]
    try:
        _pan.validate(pan_part)
    except ValidationError as exc:
        if not re.fullmatch(r"[A-Z]{5}[0-9]{4}[A-Z]", pan_part):
            why = "a PAN is 5 letters, 4 digits and a letter"
        elif pan_part[5:9] == "0000":
            why = "a PAN's serial number is never 0000"
        else:
            why = (
                f"its 4th letter '{pan_part[3]}' is not a PAN holder type "
                "(such as C for a company)"
            )
        raise InvalidComponent(
            f"GSTIN '{shown}' does not carry a valid PAN in characters 3 to 12 ('{pan_part}'): "
            f"{why}. Check those characters."
        ) from exc
    if number[12] == "0":
        raise InvalidComponent(
            f"GSTIN '{shown}' has 0 as its 13th character (the registration number in the state), "
            "which is never 0. Check that character."
        )
    if number[13] != "Z":
        raise InvalidComponent(
            f"GSTIN '{shown}' has '{number[13]}' as its 14th character; it should be 'Z'. "
            "Check that character."
        )


def is_valid(value: object) -> bool:
    """Whether the value is a valid GSTIN; never raises.

    >>> is_valid('29ABACS0877M1ZS'), is_valid(27.0), is_valid('')
    (True, False, False)
    """
    return _is_valid(value)


def problem(value: object) -> str | None:
    """None for a valid GSTIN, else one plain sentence saying what is wrong and what to do."""
    return _problem(value)


def state_code(value: object) -> str:
    """The two-digit state code of a valid GSTIN (raises ValidationError when invalid)."""
    return validate(value)[:2]


_is_valid = validity(validate)
_problem = first_problem(validate)

"""Customs port code: exactly six letters and digits.

Indian codes follow ``IN`` + a three-letter location + one letter or digit for the kind of
port (1 sea, 2 rail or land, 4 air, 6 ICD/CFS, B land customs station): ``INNSA1`` Nhava
Sheva, ``INMAA1`` Chennai, ``INDEL4`` Delhi air, ``INTKD6`` Tughlakabad, ``INPTPB`` Petrapole.
The portal also shows other six-character codes (GSTN's sample uses ``18272A``): those are
valid, only not usual, which callers report as a warning.

>>> validate(' innsa1 ')
'INNSA1'
>>> is_usual('INDEL4'), is_usual('18272A'), is_valid('18272A')
(True, False, True)
>>> print(problem('INNSA'))  # doctest: +NORMALIZE_WHITESPACE
Port code 'INNSA' has 5 characters; a port code has exactly 6 letters and digits
(for example INNSA1). Type it as on the Bill of Entry.
>>> print(problem('INNS/1'))  # doctest: +NORMALIZE_WHITESPACE
Port code 'INNS/1' contains '/'; a port code has only letters and digits
(for example INNSA1). Type it as on the Bill of Entry.
"""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidFormat, InvalidLength

from ._text import INVISIBLE, count, dropping, first_problem, show, validity

__all__ = ["compact", "is_usual", "is_valid", "problem", "validate"]

_PORT_RE = re.compile(r"[0-9A-Z]{6}")
_USUAL_RE = re.compile(r"IN[A-Z]{3}[0-9A-Z]")
# Pasted values can carry these invisible characters, which white-space removal misses.
_INVISIBLE = dropping(INVISIBLE)
_HINT = "Type it as on the Bill of Entry."




def compact(value: object) -> str:
    """The port code without any white space, in capitals.

    >>> compact(' in nsa1'), compact(None)
    ('INNSA1', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidFormat(f"Port code {show(str(value))} is not text. {_HINT}")
    if isinstance(value, int) and not -(10**20) < value < 10**20:
        # Python refuses to turn a huge integer into text; it is no port code anyway.
        raise InvalidLength(f"Port code is a number with far more than 6 digits. {_HINT}")
    return "".join(str(value).translate(_INVISIBLE).split()).upper()


def validate(value: object) -> str:
    """The compact port code, or a ValidationError whose message says what is wrong."""
    code = compact(value)
    if not code:
        raise InvalidLength(f"Port code is missing. {_HINT}")
    shown = show(code)
    bad = next((c for c in code if not ("0" <= c <= "9" or "A" <= c <= "Z")), None)
    if bad is not None:
        raise InvalidFormat(
            f"Port code '{shown}' contains '{bad}'; a port code has only letters and digits "
            f"(for example INNSA1). {_HINT}"
        )
    if not _PORT_RE.fullmatch(code):
        raise InvalidLength(
            f"Port code '{shown}' has {count(len(code), 'character')}; "
            f"a port code has exactly 6 letters and digits (for example INNSA1). {_HINT}"
        )
    return code


def is_valid(value: object) -> bool:
    """Whether the value is a valid port code; never raises."""
    return _is_valid(value)


def is_usual(value: object) -> bool:
    """Whether a valid port code follows the Indian pattern ``IN`` + 3 letters + 1 letter or
    digit; never raises (an invalid code is not usual either).

    >>> is_usual('INPTPB'), is_usual('INNSA'), is_usual('USNYC1')
    (True, False, False)
    """
    return is_valid(value) and bool(_USUAL_RE.fullmatch(compact(value)))


def problem(value: object) -> str | None:
    """None for a valid port code, else one plain sentence saying what is wrong and what to do."""
    return _problem(value)


_is_valid = validity(validate)
_problem = first_problem(validate)

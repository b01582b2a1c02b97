"""IEC (Importer-Exporter Code) issued by the DGFT.

Ten characters: since 2020 the IEC is the entity's PAN (5 letters, 4 digits, 1 letter);
older IECs were 10 digits, often starting with 0, which Excel drops when it takes the code
for a number.

>>> validate('aapfu 0939f'), validate('0388012345')
('AAPFU0939F', '0388012345')
>>> is_valid('AAPFU0939F'), is_valid(388012345), is_valid(None)
(True, False, False)
>>> print(problem(388012345))  # doctest: +NORMALIZE_WHITESPACE
IEC '388012345' has 9 digits; a legacy IEC has 10. If Excel dropped a leading zero,
type the code as text, as on the IEC certificate.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from ._text import INVISIBLE, count, dropping, first_problem, show, validity
from stdnum.in_ import pan as _pan

__all__ = ["compact", "is_pan", "is_valid", "problem", "validate"]

_HINT = "Type it as on the IEC certificate."
_PAN_SHAPE_RE = re.compile(r"[A-Z]{5}[0-9]{4}[A-Z]")
_INVISIBLE = dropping(INVISIBLE + "-")




def compact(value: object) -> str:
    """The IEC without spaces or hyphens, in capitals; a whole number from a spreadsheet
    cell becomes its digits.

    >>> compact(' aapfu-0939f '), compact(388012345.0), compact(None)
    ('AAPFU0939F', '388012345', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        raise InvalidFormat(f"IEC {value} is not a code. {_HINT}")
    if isinstance(value, (int, float, Decimal)):
        # A legacy IEC typed into a number cell: only an exact whole number is a code.
        whole = (
            isinstance(value, int)
            or isinstance(value, float) and math.isfinite(value) and value.is_integer()
            or isinstance(value, Decimal)
            and value.is_finite()
            and value == value.to_integral_value()
        )
        if whole and 0 <= value < 10**12:
            return str(int(value))
        if whole and not -(10**12) < value < 10**12:
            # Never str() such a number: Decimal('1E+999999999') has a billion digits.
            raise InvalidLength(f"IEC is a number with far more than 10 digits. {_HINT}")
        raise InvalidFormat(f"IEC {value} is not a code. {_HINT}")
    if not isinstance(value, str):
        raise InvalidFormat(f"IEC {show(str(value))} is not a code. {_HINT}")
    return "".join(value.translate(_INVISIBLE).split()).upper()


def validate(value: object) -> str:
    """The compact IEC, or a ValidationError whose message says what is wrong."""
    code = compact(value)
    if not code:
        raise InvalidLength("IEC is missing. Type the importer's 10-character IEC (its PAN).")
    shown = show(code)
    if code.isascii() and code.isdigit():
        if len(code) != 10:
            hint = (
                "If Excel dropped a leading zero, type the code as text, as on the IEC certificate."
                if len(code) < 10
                else _HINT
            )
            raise InvalidLength(
                f"IEC '{shown}' has {count(len(code), 'digit')}; a legacy IEC has 10. {hint}"
            )
        return code
    if len(code) != 10:
        raise InvalidLength(
            f"IEC '{shown}' has {count(len(code), 'character')}; an IEC has 10 "
            f"(the importer's PAN, or 10 digits for an old IEC). {_HINT}"
        )
    if not _PAN_SHAPE_RE.fullmatch(code):
        raise InvalidFormat(
            f"IEC '{shown}' is neither a PAN (5 letters, 4 digits, 1 letter) "
            f"nor a 10-digit old IEC. {_HINT}"
        )
    try:
        _pan.validate(code)
    except ValidationError as exc:
        if code[5:9] == "0000":
            why = "a PAN's serial number is never 0000"
        else:
            why = f"its 4th letter '{code[3]}' is not a PAN holder type (such as C for a company)"
        raise InvalidComponent(f"IEC '{shown}' is not a valid PAN: {why}. {_HINT}") from exc
    return code


def is_valid(value: object) -> bool:
    """Whether the value is a valid IEC; never raises."""
    return _is_valid(value)


def is_pan(value: object) -> bool:
    """Whether the value is a valid IEC in the current (PAN) form; never raises.

    >>> is_pan('AAPFU0939F'), is_pan('0388012345')
    (True, False)
    """
    return is_valid(value) and not compact(value).isdigit()


def problem(value: object) -> str | None:
    """None for a valid IEC, else one plain sentence saying what is wrong and what to do."""
    return _problem(value)


_is_valid = validity(validate)
_problem = first_problem(validate)

"""What the identifier modules share: cleaning pasted text, quoting values in messages, and
turning a ``validate`` into ``is_valid`` and ``problem``."""

from __future__ import annotations

from collections.abc import Callable

from stdnum.exceptions import ValidationError

# Invisible characters that web pages, PDFs and Excel cells carry into a pasted value.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def dropping(chars: str) -> dict[int, None]:
    """A ``str.translate`` table that removes ``chars``."""
    return dict.fromkeys(map(ord, chars), None)


def show(text: str) -> str:
    """The value as quoted in a message, cut short so a pasted paragraph stays readable."""
    return text if len(text) <= 30 else text[:27] + "..."


def count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def validity(validate: Callable[[object], str]) -> Callable[[object], bool]:
    """``is_valid`` for a ``validate``: never raises."""
    def is_valid(value: object) -> bool:
        try:
            return bool(validate(value))
        except (ValueError, TypeError):
            return False
    return is_valid


def first_problem(validate: Callable[[object], str]) -> Callable[[object], str | None]:
    """``problem`` for a ``validate``: None when valid, else the sentence saying what to do."""
    def problem(value: object) -> str | None:
        try:
            validate(value)
        except ValidationError as exc:
            return str(exc)
        return None
    return problem

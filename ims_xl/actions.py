"""Action words: what the accountant types, read into IMS action codes (rules.md section 3).

>>> parse_action(" keep pending "), parse_action("Accepted"), parse_action(None)
(<ActionCode.PENDING: 'P'>, <ActionCode.ACCEPT: 'A'>, <ActionCode.NO_ACTION: 'N'>)
>>> parse_action("approve") is None
True
"""

from __future__ import annotations

from .models import ActionCode

__all__ = ["parse_action", "ACTION_CHOICES"]

_WORDS = {
    "a": ActionCode.ACCEPT, "accept": ActionCode.ACCEPT, "accepted": ActionCode.ACCEPT,
    "r": ActionCode.REJECT, "reject": ActionCode.REJECT, "rejected": ActionCode.REJECT,
    "p": ActionCode.PENDING, "pending": ActionCode.PENDING,
    "keep pending": ActionCode.PENDING, "kept pending": ActionCode.PENDING,
    "n": ActionCode.NO_ACTION, "no action": ActionCode.NO_ACTION, "": ActionCode.NO_ACTION,
}

# What the workbook's Action dropdown offers (blank means no action).
ACTION_CHOICES = ("Accept", "Keep Pending", "Reject")


def parse_action(text: object) -> ActionCode | None:
    """The action code for a typed word or code; ``None`` when it is not one (ACTION_UNKNOWN).

    Case and surrounding spaces do not matter; inner runs of spaces count as one.
    """
    if text is None:
        return ActionCode.NO_ACTION
    if not isinstance(text, str):
        return None
    return _WORDS.get(" ".join(text.split()).lower())

"""How a workbook opened from the command line talks to the accountant: progress on a
terminal, questions answered by the command's ``--yes``/prompt, alerts on stderr. Shared by
the two file writers (:mod:`.stream_book`, :mod:`.openpyxl_book`)."""

from __future__ import annotations

import sys
from collections.abc import Callable

__all__ = ["TerminalTalk"]


class TerminalTalk:
    """How a command-line Book talks to the accountant: progress on a terminal only, questions
    through ``self._confirm`` (yes when there is nobody to ask), alerts on stderr."""

    _confirm: Callable[[str], bool] | None = None
    _quiet: bool = False

    def progress(self, text: str, done: int = 0, total: int = 0) -> None:
        if not self._quiet and sys.stderr.isatty():
            tail = f" {done}/{total}" if total else ""
            print(f"\r{text}{tail}   ", end="", file=sys.stderr, flush=True)

    def confirm(self, question: str) -> bool:
        return True if self._confirm is None else self._confirm(question)

    def alert(self, text: str) -> None:
        if not self._quiet:
            print(text, file=sys.stderr)

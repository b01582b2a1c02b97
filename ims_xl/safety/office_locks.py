"""Excel and LibreOffice leave an owner file beside a workbook they have open.

Excel writes ``~$NAME`` (for long names it drops the first two characters: ``~$me.xlsx`` for
``name.xlsx``); LibreOffice writes ``.~lock.NAME#``. While either is there, the accountant may
be typing in the workbook and will save over whatever ims-xl writes: ims-xl refuses.
"""

from __future__ import annotations

from pathlib import Path

from ..problems import InputError

__all__ = ["office_lock_files", "check_not_open"]


def office_lock_files(path: Path) -> list[Path]:
    """The owner files of Excel and LibreOffice that are beside ``path`` now."""
    name = path.name
    candidates = dict.fromkeys([f"~${name}", f"~${name[2:]}", f".~lock.{name}#"])
    return [path.parent / c for c in candidates if (path.parent / c).exists()]


def check_not_open(path: Path) -> None:
    """Refuse to touch a workbook that Excel or LibreOffice has open."""
    for lock in office_lock_files(path):
        program = "LibreOffice" if lock.name.startswith(".~lock.") else "Excel"
        raise InputError(
            f"{path.name} is open in {program} (its lock file {lock.name} is beside it): close "
            f"it in {program} and run the command again. Nothing was changed. (If {program} is "
            f"not running, it left the lock file behind after a crash: delete {lock.name}.)")

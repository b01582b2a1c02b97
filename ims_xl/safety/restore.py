"""``ims-xl restore``: put a backup back in place of the workbook.

The current file is backed up first (so a restore can be undone with another restore), the
backup must be a workbook ims-xl can open, and the workbook keeps its link, mode and owner.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..problems import InputError
from .backups import Backup, find_backup
from .lock import workbook_lock
from .replace import FileSnapshot, replacing_workbook

__all__ = ["restore_backup"]


def restore_backup(path: str | os.PathLike[str], stamp: str | None = None) -> Backup:
    """Replace the workbook with its backup ``stamp`` (the newest when None)."""
    from ..io.xlsx import check_workbook

    with workbook_lock(path) as real:
        chosen = find_backup(real, stamp)
        problems = check_workbook(chosen.path)
        if problems:
            raise InputError(f"the backup {chosen.stamp} of {Path(path).name} cannot be "
                             f"restored: {problems[0].message} Choose another "
                             f"(ims-xl restore {Path(path).name} --list).")
        snapshot = FileSnapshot.take(real) if real.exists() else None
        with replacing_workbook(real, snapshot) as tmp:
            shutil.copyfile(chosen.path, tmp)
        return chosen

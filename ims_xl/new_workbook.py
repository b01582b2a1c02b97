"""A new, empty workbook at a path: ``ims-xl template``, the ribbon's New workbook, the demo.

An existing file there is replaced only when asked, and only after a backup of it is kept
(``ims-xl restore`` brings it back).
"""

from __future__ import annotations

import os
from pathlib import Path

from .problems import InputError
from .safety.backups import Backup, keep_backup
from .safety.lock import workbook_lock
from .safety.office_locks import check_not_open
from .safety.replace import check_writable

__all__ = ["new_workbook"]


def new_workbook(out: str | os.PathLike[str], *, gstin: str | None = None,
                 filing: str = "monthly", replace: bool = False,
                 refusal: str = "add --force to replace it") -> Backup | None:
    """Write the template to ``out``; the backup of the file it replaced, if any."""
    from workbook_template.template import build_template

    out = Path(out)
    with workbook_lock(out, command="template") as real:
        check_not_open(real)
        backup = None
        if os.path.lexists(out):
            if not replace:
                raise InputError(f"{out} exists already: choose another name, or {refusal} "
                                 "(a backup of it is kept first). Nothing was changed.")
            if out.is_dir():
                raise InputError(f"{out} is a folder: give a file name for the workbook")
            check_writable(real)
            if real.exists():
                backup = keep_backup(real)
        build_template(real, gstin=gstin, filing=filing)
        return backup

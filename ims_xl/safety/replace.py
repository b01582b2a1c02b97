"""Replacing the workbook: only if it is still the file that was read.

:class:`FileSnapshot` remembers what was read (size, modification time, SHA-256). When the
command saves, :func:`replacing_workbook` takes the workbook's lock (re-entrant: the command
line holds it already), refuses while Excel or LibreOffice has the file open, refuses a
read-only workbook, and writes a temporary file. Just before the rename it checks the file on
disk is still the one read: if the accountant saved from Excel or LibreOffice meanwhile, their
save wins and ims-xl writes nothing (run the command again). Then it keeps a backup of the
file being replaced (:mod:`.backups`) and renames the new file into place
(:func:`~ims_xl.atomic.atomic_path`: a link's target, the mode and the owner are kept).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..atomic import atomic_path
from ..problems import InputError
from .backups import keep_backup
from .lock import real_path, workbook_lock
from .office_locks import check_not_open

__all__ = ["FileSnapshot", "WorkbookChanged", "check_writable", "replacing_workbook"]


class WorkbookChanged(InputError):
    """The workbook on disk is not the file that was read."""


@dataclass(frozen=True)
class FileSnapshot:
    """What a workbook file was when ims-xl read it."""
    path: Path          # the real file
    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def take(cls, path: str | os.PathLike[str]) -> FileSnapshot:
        real = real_path(path)
        st = os.stat(real)
        return cls(real, st.st_size, st.st_mtime_ns, _sha256(real))

    def differs(self) -> bool:
        """Whether the file on disk is no longer the one read (moved, changed or gone)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return True
        if (st.st_size, st.st_mtime_ns) != (self.size, self.mtime_ns):
            return True
        return _sha256(self.path) != self.sha256


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_writable(path: str | os.PathLike[str]) -> None:
    """Refuse a workbook marked read-only: whoever marked it meant it to stay as it is."""
    real = real_path(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return
    if not st.st_mode & stat.S_IWUSR or not os.access(real, os.W_OK):
        raise InputError(
            f"{Path(path).name} is read-only (its file permissions say so): nothing was done. "
            "If ims-xl should change it, make it writable first (Windows: Properties, untick "
            f"Read-only; Linux or Mac: chmod u+w '{Path(path).name}').")


@contextlib.contextmanager
def replacing_workbook(path: str | os.PathLike[str], snapshot: FileSnapshot | None, *,
                       backup: bool = True) -> Iterator[Path]:
    """Yield a temporary path to write the new workbook to; when the block succeeds it
    replaces the workbook, if (``snapshot`` given) the file on disk is still the one read."""
    label = Path(path).name
    with workbook_lock(path) as real:
        check_not_open(real)
        check_writable(real)

        def last_checks(tmp: Path) -> None:
            check_not_open(real)  # opened in Excel or LibreOffice while ims-xl worked
            if snapshot is not None and snapshot.differs():
                raise WorkbookChanged(
                    f"{label} changed on disk while ims-xl was working (it was saved from "
                    "Excel or LibreOffice, or by another program), so ims-xl wrote nothing: "
                    "that save wins. Run the command again.")
            if backup and real.exists():
                keep_backup(real)

        with atomic_path(real, before_replace=last_checks) as tmp:
            yield tmp

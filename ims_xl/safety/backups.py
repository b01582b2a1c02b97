"""The previous versions of a workbook, kept in a folder beside it and restorable.

Before ims-xl replaces a workbook it copies the file as it was into ``ims-xl backups/`` beside
the workbook's real file, as ``NAME YYYYMMDD-HHMMSS.xlsx`` (the stamp is when the copy was
made), and keeps the newest ten (``IMS_XL_BACKUPS`` sets another number). Each copy is written
to a temporary file and renamed, so a kill or a full disk never leaves half a backup, and
nothing is written through a symbolic link. Only ims-xl's own copies are ever removed.

``ims-xl restore WB --list`` lists them; ``ims-xl restore WB [--from STAMP]`` puts one back
(after backing up the current file, so a restore can itself be undone).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..atomic import new_temp, remove_stale_temps, sync_folder
from ..problems import InputError

__all__ = ["BACKUP_FOLDER", "Backup", "backup_folder", "list_backups", "keep_backup",
           "find_backup", "backups_to_keep"]

BACKUP_FOLDER = "ims-xl backups"
KEEP_ENV = "IMS_XL_BACKUPS"
DEFAULT_KEEP = 10
STAMP_FORMAT = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class Backup:
    stamp: str          # 20261207-140305, or 20261207-140305-2 for a second copy that second
    path: Path
    size: int

    @property
    def made(self) -> datetime:
        return datetime.strptime(self.stamp[:15], STAMP_FORMAT)

    def order(self) -> tuple[str, int]:
        return self.stamp[:15], int(self.stamp[16:] or 1)


def backups_to_keep() -> int:
    text = os.environ.get(KEEP_ENV, "").strip()
    if not text:
        return DEFAULT_KEEP
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"{KEEP_ENV}={text!r}: give the number of backups to keep, 1 or more "
                         f"(the default is {DEFAULT_KEEP})")
    return int(text)


def backup_folder(real: Path) -> Path:
    return real.parent / BACKUP_FOLDER


def _pattern(real: Path) -> re.Pattern[str]:
    return re.compile(re.escape(real.stem) + r" (\d{8}-\d{6}(?:-\d+)?)" + re.escape(real.suffix)
                      + r"$")


def list_backups(real: Path) -> list[Backup]:
    """The workbook's backups, newest first."""
    folder = backup_folder(real)
    if not folder.is_dir() or folder.is_symlink():
        return []
    pattern = _pattern(real)
    found = []
    for entry in os.scandir(folder):
        m = pattern.match(entry.name)
        if m and entry.is_file(follow_symlinks=False):
            found.append(Backup(m.group(1), Path(entry.path), entry.stat().st_size))
    return sorted(found, key=Backup.order, reverse=True)


def find_backup(real: Path, stamp: str | None) -> Backup:
    backups = list_backups(real)
    if not backups:
        raise InputError(f"{real.name}: there are no backups of it in {backup_folder(real)}")
    if stamp is None:
        return backups[0]
    for b in backups:
        if b.stamp == stamp.strip():
            return b
    raise InputError(f"{real.name}: no backup {stamp!r}. The backups are: "
                     + ", ".join(b.stamp for b in backups)
                     + f" (see: ims-xl restore {real.name} --list)")


def _ready_folder(real: Path) -> Path:
    folder = backup_folder(real)
    if folder.is_symlink():
        raise InputError(f"{folder} is a link: ims-xl does not write backups through a link. "
                         "Rename or remove it and run the command again; nothing was changed.")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file, not a folder: ims-xl keeps backups there. "
                         "Rename it and run the command again; nothing was changed.")
    folder.mkdir(exist_ok=True)
    remove_stale_temps(folder)
    return folder


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def keep_backup(real: Path, *, now: datetime | None = None) -> Backup:
    """Copy the workbook as it is now into the backup folder (unless the newest backup is
    that very file already); prune the oldest copies."""
    keep = backups_to_keep()
    folder = _ready_folder(real)
    existing = list_backups(real)
    if existing and _same_bytes(existing[0].path, real):
        return existing[0]
    stamp = (now or datetime.now()).strftime(STAMP_FORMAT)
    name, n = f"{real.stem} {stamp}{real.suffix}", 1
    while os.path.lexists(folder / name):
        n += 1
        name = f"{real.stem} {stamp}-{n}{real.suffix}"
    final = folder / name
    tmp = new_temp(final)
    try:
        with open(tmp, "wb") as out, open(real, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        shutil.copystat(real, tmp)  # the copy keeps the workbook's time and permissions
        os.replace(tmp, final)
        sync_folder(folder)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    made = Backup(final.name[len(real.stem) + 1:-len(real.suffix) or None], final,
                  final.stat().st_size)
    for old in list_backups(real)[keep:]:
        with contextlib.suppress(OSError):
            os.unlink(old.path)
    return made

"""Write files atomically: a temporary file beside the target, then one ``os.replace``.

A crash, a kill or a full disk in the middle leaves the previous file as it was, never half a
file. The file replaced stays what it was: through a symbolic link the link's target is
replaced (the link stays a link), and the target keeps its permissions and, where the system
allows, its owner. Temporary files carry the writer's process id, so the next ims-xl removes
those a killed run left behind (:func:`remove_stale_temps`).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

__all__ = ["atomic_path", "atomic_open", "write_text_atomic", "write_bytes_atomic",
           "new_temp", "remove_stale_temps", "sync_folder", "write_small_file", "NOFOLLOW"]

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)   # Windows has no symbolic-link flag


TEMP_RE = re.compile(r"\..*\.ims-xl-(\d+)\.[^/\\]*\.tmp$")


def new_temp(target: Path) -> Path:
    """A new, empty temporary file beside ``target`` (created exclusively: never a link)."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.ims-xl-{os.getpid()}.", suffix=".tmp",
                                dir=target.parent)
    os.close(fd)
    return Path(name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's live process, or a system that cannot tell: keep it
    return True


def remove_stale_temps(folder: str | os.PathLike[str]) -> int:
    """Remove the temporary files that ims-xl runs, now dead, left in ``folder``."""
    removed = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = TEMP_RE.match(entry.name)
            if m and not entry.is_symlink() and not _alive(int(m.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _take_attributes(tmp: Path, target: Path) -> None:
    """Give the new file the old one's permissions and owner (a new file: the umask's)."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        os.chmod(tmp, 0o666 & ~_umask())
        return
    os.chmod(tmp, stat.S_IMODE(st.st_mode))
    if hasattr(os, "chown"):
        with contextlib.suppress(PermissionError):  # only the owner's group, or root, may
            os.chown(tmp, st.st_uid, st.st_gid)


def sync_folder(folder: Path) -> None:
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], *,
                before_replace: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``target``'s real file; when the block succeeds it
    replaces that file in one step. ``before_replace(tmp)`` runs last, with the bytes on disk:
    it may still refuse (raise), and then nothing is replaced.

    On any exception the temporary file is removed and ``target`` is untouched.
    """
    real = Path(os.path.realpath(target))
    real.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(real.parent)
    tmp = new_temp(real)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:  # make the bytes durable before the rename
            os.fsync(fh.fileno())
        _take_attributes(tmp, real)
        if before_replace is not None:
            before_replace(tmp)
        os.replace(tmp, real)
        sync_folder(real.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def atomic_open(target: str | os.PathLike[str], mode: str = "w", *, encoding: str | None = "utf-8",
                newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file for writing; it replaces ``target`` when the block succeeds."""
    if "b" in mode:
        encoding = None
    with atomic_path(target) as tmp:
        with open(tmp, mode, encoding=encoding, newline=newline) as fh:
            yield fh


def write_text_atomic(target: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    with atomic_open(target, "w", encoding=encoding, newline="") as fh:
        fh.write(text)


def write_bytes_atomic(target: str | os.PathLike[str], data: bytes) -> None:
    with atomic_open(target, "wb") as fh:
        fh.write(data)


def write_small_file(path: Path, data: bytes) -> None:
    """Write a small note of ims-xl's own (never through a symbolic link at ``path``)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | NOFOLLOW, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)

"""One ims-xl writer per workbook, from the first read to the final replace.

The lock is an operating-system file lock (the ``filelock`` package: ``flock`` on Linux and
macOS, ``LockFileEx`` on Windows) on ``.ims-xl.NAME.lock`` beside the workbook's real file.
The system lets go of it when the process ends, however it ends, so the lock of a killed
ims-xl is simply taken by the next one: there is no stale lock to break by hand. Who holds it
is written beside it (``.ims-xl.NAME.owner``) for the message the next ims-xl gives.

Within one process the lock is re-entrant: a command that holds it can save through a
:class:`~ims_xl.workbook.book.Book` that asks for it again.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from ..atomic import write_small_file
from ..problems import InputError

__all__ = ["WorkbookBusy", "workbook_lock", "holds_lock", "real_path", "lock_file", "owner_file"]


class WorkbookBusy(InputError):
    """Another ims-xl is changing the workbook."""


_held: dict[Path, list] = {}        # real path -> [FileLock, depth]
_held_guard = threading.Lock()


def real_path(path: str | os.PathLike[str]) -> Path:
    """The file a path names, through any symbolic links (the one ims-xl must replace)."""
    return Path(os.path.realpath(path))


def lock_file(real: Path) -> Path:
    return real.with_name(f".ims-xl.{real.name}.lock")


def owner_file(real: Path) -> Path:
    return real.with_name(f".ims-xl.{real.name}.owner")


def _holder(real: Path) -> str:
    """'(load, process 4242) since 14:03', as far as the owner file says."""
    try:
        owner = json.loads(owner_file(real).read_text(encoding="utf-8"))
        since = datetime.fromisoformat(owner["since"])
        return f" ({owner.get('command') or 'ims-xl'}, process {owner['pid']}) since {since:%H:%M}"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


@contextlib.contextmanager
def workbook_lock(path: str | os.PathLike[str], *, wait: float = 0,
                  command: str = "") -> Iterator[Path]:
    """Hold the workbook's lock; yield its real path. A second ims-xl waits up to ``wait``
    seconds and then gets :class:`WorkbookBusy` (nothing done)."""
    real = real_path(path)
    with _held_guard:
        entry = _held.get(real)
        if entry is not None:
            entry[1] += 1
    if entry is not None:
        try:
            yield real
        finally:
            with _held_guard:
                entry[1] -= 1
        return
    lock = FileLock(str(lock_file(real)), timeout=max(wait, 0), thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        waited = f" (waited {wait:g} s)" if wait > 0 else ""
        raise WorkbookBusy(
            f"{Path(path).name} is being changed by another ims-xl{_holder(real)}{waited}; "
            "nothing was done. Run the command again when it has finished, or add --wait "
            "SECONDS to wait for it.") from None
    except OSError as exc:  # the folder is read-only, or not ours
        raise InputError(
            f"{Path(path).name}: ims-xl cannot write in its folder {real.parent} "
            f"({exc.strerror or exc}), so it cannot change the workbook. Nothing was done; "
            "copy the workbook to a folder you can write to, or ask for write permission.") \
            from None
    with _held_guard:
        _held[real] = [lock, 1]
    try:
        _write_owner(real, command)
        yield real
    finally:
        with _held_guard:
            entry = _held[real]
            entry[1] -= 1
            last = entry[1] == 0
            if last:
                del _held[real]
        if last:
            with contextlib.suppress(OSError):
                owner_file(real).unlink()
            lock.release()


def holds_lock(path: str | os.PathLike[str]) -> bool:
    """Whether this process holds the workbook's lock now."""
    with _held_guard:
        return real_path(path) in _held


def _write_owner(real: Path, command: str) -> None:
    record = {"pid": os.getpid(), "command": command or Path(sys.argv[0]).name,
              "since": datetime.now().replace(microsecond=0).isoformat()}
    with contextlib.suppress(OSError):  # only the busy message needs it
        write_small_file(owner_file(real), json.dumps(record).encode())

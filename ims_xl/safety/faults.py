"""A fault of the machine (a full disk, a refused permission) as one sentence saying what to do.

Every file ims-xl writes is written to a temporary file and renamed only when it is whole
(:mod:`ims_xl.atomic`), so after a fault the workbook, its newest backup and every output are
as they were: the sentence can say so.

>>> import errno
>>> fault_sentence(OSError(errno.ENOSPC, "No space left on device", "/data/.book.xlsx.tmp"))
'the disk is full (writing in /data): free some space and run the command again. Nothing was changed.'
"""

from __future__ import annotations

import errno
import os

__all__ = ["fault_sentence"]

_WHAT_TO_DO = {
    errno.ENOSPC: "the disk is full{where}: free some space and run the command again",
    errno.EDQUOT: "your disk quota is used up{where}: free some space and run the command again",
    errno.EFBIG: "the file is too large for this drive{where}: use another drive",
    errno.EROFS: "the drive is read-only{where}: copy the workbook to a drive you can write to",
    errno.EACCES: "permission denied{where}: ask for write permission there, or work on a copy "
                  "in a folder of your own",
    errno.EPERM: "the operation is not permitted{where}: ask for permission there, or work on a "
                 "copy in a folder of your own",
    errno.ENOENT: "a file or folder is missing{where}: check the path and run the command again",
    errno.EISDIR: "a folder stands where a file was expected{where}: choose a file name",
    errno.EMFILE: "too many files are open: close some programs and run the command again",
    errno.EIO: "the drive reported an input/output error{where}: check the drive, then run the "
               "command again",
}


def fault_sentence(exc: OSError) -> str:
    """What went wrong, where, and what to do, in one sentence."""
    where = ""
    if exc.filename:
        name = os.fspath(exc.filename)
        base = os.path.basename(name)
        # a temporary file of ours means nothing to the accountant: name its folder
        where = (f" (writing in {os.path.dirname(name) or '.'})"
                 if base.startswith(".") and base.endswith(".tmp") else f" ({name})")
    template = _WHAT_TO_DO.get(exc.errno)
    if template is None:
        reason = exc.strerror or str(exc) or type(exc).__name__
        return f"{reason}{where}: run the command again once that is fixed. Nothing was changed."
    return template.format(where=where) + ". Nothing was changed."

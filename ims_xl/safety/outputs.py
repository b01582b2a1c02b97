"""Outputs never destroy inputs.

An export (or ``evaluate -o``) may not write over the workbook it reads, any other input, or
any spreadsheet; replacing an earlier output needs ``--force``; a link is not written through.

>>> from pathlib import Path
>>> is_spreadsheet_name(Path("Returns/Nov.XLSX")), is_spreadsheet_name(Path("actions.csv"))
(True, False)
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..problems import InputError

__all__ = ["check_output", "is_spreadsheet_name"]

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".xltx", ".xltm", ".xlam", ".ods"}
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")   # zip (xlsx, ods), OLE2 (xls)


def is_spreadsheet_name(path: Path) -> bool:
    return path.suffix.lower() in SPREADSHEET_SUFFIXES


def _looks_like_spreadsheet(path: Path) -> bool:
    if is_spreadsheet_name(path):
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(4) in _SPREADSHEET_MAGIC
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_output(out: str | os.PathLike[str], *, inputs: Iterable[str | os.PathLike[str]],
                 force: bool = False, option: str = "the output") -> None:
    """Refuse an output path that would destroy an input or anything not ours."""
    out = Path(out)
    for given in inputs:
        if given and _same_file(out, Path(given)):
            raise InputError(f"{option} {out} is {Path(given).name}, which this command reads: "
                             "choose another file name for the output. Nothing was written.")
    if not os.path.lexists(out):
        if is_spreadsheet_name(out):
            raise InputError(f"{option} {out}: ims-xl writes CSV or JSON here, not a "
                             "spreadsheet; name it .csv or .json. Nothing was written.")
        return
    if out.is_symlink():
        raise InputError(f"{option} {out} is a link: ims-xl does not write through a link. "
                         "Choose another file name. Nothing was written.")
    if out.is_dir():
        raise InputError(f"{option} {out} is a folder: give a file name. Nothing was written.")
    if _looks_like_spreadsheet(out):
        raise InputError(f"{option} {out} is a spreadsheet, and an export never replaces one: "
                         "choose another file name. Nothing was written.")
    if not force:
        raise InputError(f"{option} {out} exists already: choose another file name, or add "
                         "--force to replace it. Nothing was written.")

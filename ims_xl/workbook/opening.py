"""Which class opens a workbook file for a command that changes it.

The writers are imported when a file is opened, not before: the xlwings Lite wheel leaves the
streaming writer out (Lite has no file to write), and ``ims_xl.demo`` must still import there.
"""

from __future__ import annotations

import os

from .book import Book

__all__ = ["open_book", "WRITER_ENV"]

WRITER_ENV = "IMS_XL_WRITER"


def open_book(path, *, confirm=None, quiet: bool = False) -> Book:
    """The workbook file for a command that changes it.

    :class:`~ims_xl.workbook.stream_book.StreamBook` rewrites only the tables and cells that
    change (a 100,000-BoE recompute in about 18 s and 1.2 GB instead of 180 s and 3 GB through
    openpyxl). ``IMS_XL_WRITER=openpyxl`` in the environment chooses
    :class:`~ims_xl.workbook.openpyxl_book.OpenpyxlBook` instead, for support.
    """
    if os.environ.get(WRITER_ENV, "").strip().lower() == "openpyxl":
        from .openpyxl_book import OpenpyxlBook

        return OpenpyxlBook(path, confirm=confirm, quiet=quiet)
    from .stream_book import StreamBook

    return StreamBook(path, confirm=confirm, quiet=quiet)

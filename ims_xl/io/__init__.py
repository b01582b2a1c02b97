"""Reading the files an importer's accountant has: portal downloads, BoE lists, books, actions.

=====================================  ==========================================  ==============
loader                                 reads                                       returns
=====================================  ==========================================  ==============
:func:`load_gstr2b_json` (paths)       GSTR-2B JSON downloads (GSTR-2A spellings)  Gstr2bLoad
:func:`load_gstr2b_excel` (path)       the portal's GSTR-2B Excel                  Gstr2bLoad
:func:`load_boe_list` (path)           ICEGATE / broker BoE list (CSV, XLSX)       BoeListLoad
:func:`load_books` (path, mapping)     purchase register (CSV, XLSX)               BooksLoad
:func:`load_actions` (path)            bulk actions file (CSV, XLSX)               ActionsLoad
=====================================  ==========================================  ==============

Every loader returns its records together with a list of :class:`~ims_xl.problems.Problem`
and never raises, whatever the file holds: a missing or unreadable file is a problem too
(``FILE_NOT_FOUND``, ``FILE_UNREADABLE``), so a caller that wants to stop on it checks for
errors (``severity == Severity.ERROR``) and raises :class:`~ims_xl.problems.InputError` itself.
Each problem names the file (``name.xlsx, sheet IMPG`` in a workbook), the row as the user
sees it (spreadsheet row, CSV line, or for JSON the path ``docdata.impg[3]``), the column
(header text or JSON key), the value, what is wrong and what to do; ``code`` is one of
:class:`~ims_xl.io.cells.Codes`. An error without a row means the file (or one of its sheets)
could not be read, or not read whole (not JSON, a broken CSV, a missing required column, an
unsafe workbook): callers stop on those rather than load part of a file as if it were all of
it. Errors with a row concern that row only; the rest of the file is good.

Money is :class:`~decimal.Decimal` from the first read; nothing a file holds is ever
evaluated (formulas give their saved value, formula-looking text stays text); workbooks are
checked for zip bombs, XML entity bombs and absurd sheet sizes before any reader opens them
(:mod:`ims_xl.io.xlsx`); CSV text is decoded as UTF-8 or Windows-1252 (:mod:`ims_xl.io.csvtext`).
"""

from __future__ import annotations

from .actions_file import ActionRow, ActionsLoad, load_actions
from .boe_list import BoeListLoad, load_boe_list
from .books import BooksLoad, load_books, load_mapping
from .cells import Codes
from .gstr2b_excel import load_gstr2b_excel
from .gstr2b_json import Gstr2bFile, Gstr2bLoad, load_gstr2b_json
from .xlsx import Limits

__all__ = [
    "ActionRow", "ActionsLoad", "BoeListLoad", "BooksLoad", "Codes", "Gstr2bFile",
    "Gstr2bLoad", "Limits", "load_actions", "load_boe_list", "load_books",
    "load_gstr2b_excel", "load_gstr2b_json", "load_mapping",
]

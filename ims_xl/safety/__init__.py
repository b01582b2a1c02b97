"""Keeping the accountant's workbook safe on disk.

Every command that changes a workbook goes through these steps (``docs/data-safety.md`` lists
each promise and the test that holds it):

1. :mod:`.lock`: one ims-xl writer per workbook, from the first read to the final replace.
2. :mod:`.office_locks`: never while Excel or LibreOffice has the workbook open.
3. :mod:`.replace`: remember what was read; replace the file only if it is still that file,
   keeping what the file is (a link's target, its mode, its owner).
4. :mod:`.backups`: the previous versions, restorable with ``ims-xl restore``.
5. :mod:`.faults`: a full disk or a refused permission is one sentence, not a traceback.
"""

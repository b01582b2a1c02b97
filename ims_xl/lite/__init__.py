"""ims-xl in xlwings Lite: Excel on Windows, macOS and the web, with no Python to install.

xlwings Lite runs Python inside Excel (Pyodide, the Python of the browser). A workbook carries
its code as ``main.py`` and its packages as ``requirements.txt``; ``@func`` functions become
worksheet functions and ``@script`` functions become buttons. ``ims-xl lite build`` writes
both (:mod:`ims_xl.lite.build`); the scripts' work is in :mod:`ims_xl.lite.jobs`, over the open
workbook through :class:`ims_xl.lite.book.LiteBook`, the same ``Book`` interface the ribbon
and the command line use.

Nothing in this package imports pydantic, python-calamine, lxml or filelock, starts a thread
or a process: everything it needs installs from pure-Python wheels (plus Pyodide's own
``ssl``, which python-stdnum imports).
"""

"""xlwings' Windows UDF machinery (``xlwings.udfs``) in a Linux test process.

On Linux ``xw.func``/``xw.arg``/``xw.ret`` are no-ops, so the tests that need what Excel on
Windows runs import ``xlwings.udfs`` with stand-ins for the COM modules it imports (none of
which the decorators or the generator call), and load a fresh copy of
``udfs/boe_functions.py`` under them.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COM_ERROR = type("com_error", (Exception,), {})


def load_under_windows_xlwings(monkeypatch, module_name: str
                               ) -> tuple[types.ModuleType, types.ModuleType, Callable[[], None]]:
    """(xlwings.udfs, udfs/boe_functions.py loaded under it, a cleanup to call afterwards)."""
    stubs = {name: types.ModuleType(name)
             for name in ("pythoncom", "pywintypes", "win32com", "win32com.client")}
    stubs["pythoncom"].CoInitialize = lambda: None
    stubs["pywintypes"].com_error = COM_ERROR
    stubs["pywintypes"].TimeType = type("TimeType", (), {})
    stubs["win32com.client"].Dispatch = lambda *a, **k: None
    stubs["win32com"].client = stubs["win32com.client"]
    before = set(sys.modules)
    for name, module in stubs.items():
        monkeypatch.setitem(sys.modules, name, module)
    import xlwings
    real = importlib.import_module("xlwings.udfs")
    for public, private in (("func", "xlfunc"), ("arg", "xlarg"), ("ret", "xlret")):
        monkeypatch.setattr(xlwings, public, getattr(real, private))
    spec = importlib.util.spec_from_file_location(module_name,
                                                  ROOT / "udfs" / "boe_functions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def cleanup() -> None:
        for name in set(sys.modules) - before:
            sys.modules.pop(name, None)
        if hasattr(xlwings, "udfs"):
            delattr(xlwings, "udfs")
    return real, module, cleanup

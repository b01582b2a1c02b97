"""What the add-in's build, install, status and ``ims-xl doctor`` all need to agree on: where
its sources live, its file name, its VBA project name, the pinned xlwings version and the
settings of its config sheet.

A module of its own, importing nothing of the add-in, so the arrows run one way: ``build``
and ``install`` (and ``status``, ``ims_xl.addin_doctor``) import these names from here, and
``install`` imports ``build`` only to build a fresh add-in; ``build`` never imports ``install``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["ADDIN_DIR", "CUSTOMUI_PATH", "XLWINGS_VERSION", "PROJECT_NAME", "CONF_SHEET",
           "CONF_SETTINGS", "ADDIN_FILENAME"]

ADDIN_DIR = Path(__file__).resolve().parent
CUSTOMUI_PATH = ADDIN_DIR / "customUI.xml"

#: xlwings version the vendored VBA (vba/xlwings.bas) comes from. Its VBA loads
#: ``xlwings64-<version>.dll``, so the Python package on the user's machine must be this version.
XLWINGS_VERSION = "0.37.8"
#: ``PROJECT_NAME`` in vba/xlwings.bas: names the config sheet, the user config file
#: (``%USERPROFILE%\.ims_xl\ims_xl.conf``) and the directory config file (``ims_xl.conf``).
PROJECT_NAME = "ims_xl"
#: xlwings' custom-add-in VBA reads ``wb.Sheets(PROJECT_NAME & ".conf")``. (The quickstart's
#: ``_myaddin.conf`` is the *inactive* form: xlwings' docs say to drop the underscore to activate it.)
CONF_SHEET = f"{PROJECT_NAME}.conf"
#: Keys the xlwings VBA reads with GetConfig (case-insensitive). Only keys we mean to fix for every
#: user go here: a key present on the sheet, even empty, hides the user's own config file value.
#: ``ADD_WORKBOOK_TO_PYTHONPATH`` is one of those on purpose: upstream puts the active workbook's
#: folder first on ``sys.path``, so a stray ``ims_xl.py`` beside a downloaded file would be imported
#: (the sheet wins over the user's config file, so nobody can turn it back on by accident).
CONF_SETTINGS: dict[str, str] = {"UDF Modules": "udfs.boe_functions",
                                 "ADD_WORKBOOK_TO_PYTHONPATH": "false"}
ADDIN_FILENAME = "ims_xl.xlam"

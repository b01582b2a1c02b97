"""``ims-xl lite build``: main.py, requirements.txt and the ims-xl wheel for xlwings Lite.

xlwings Lite keeps a workbook's code in the workbook: ``main.py`` (functions and scripts) and
``requirements.txt`` (packages it installs with micropip, from PyPI or Pyodide's own
repository). Our own package is not on PyPI, so ``main.py`` carries it: the pure-Python wheel
``ims_xl_lite`` (the rules, the worksheet functions, the workbook operations) is embedded in
it as base64 and unpacked into a temporary folder on the first import. A workbook with this
``main.py`` therefore needs nothing else than the packages in ``requirements.txt``, all pure
Python (or Pyodide's own ``ssl``): it opens ready on any machine with xlwings Lite.

The wheel is also written beside main.py, for those who host it themselves.
"""

from __future__ import annotations

import base64
import hashlib
import io
import textwrap
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import __version__

__all__ = ["WHEEL_NAME", "REQUIREMENTS", "LITE_DEPENDENCIES", "build_wheel", "main_py",
           "requirements_txt", "build", "Built"]

DIST = "ims_xl_lite"
WHEEL_NAME = f"{DIST}-{__version__}-py3-none-any.whl"
XLWINGS = "0.37.8"          # the version pyproject.toml pins for the classic add-in
# What the package needs in Lite: all pure Python wheels on PyPI.
LITE_DEPENDENCIES = (
    "python-stdnum>=1.19",          # GSTIN and identifier check digits
    "python-dateutil>=2.8.2,<3",
    "openpyxl>=3.1.2,<4",           # the portal's GSTR-2B Excel, books or BoE list as .xlsx
    "defusedxml>=0.7.1,<1",         # reading those files safely
)
# Lines xlwings Lite itself puts in a new workbook's requirements.txt (marked "required"),
# and Pyodide's own ssl module, which python-stdnum imports (Pyodide ships it separately).
LITE_OWN = (
    f"xlwings=={XLWINGS}  # required",
    "python-dotenv  # required",
    "pyodide-http  # required",
)
PYODIDE_PACKAGES = ("ssl",)
REQUIREMENTS = LITE_OWN + PYODIDE_PACKAGES + LITE_DEPENDENCIES

# The packages the wheel carries, and the modules of ims_xl it leaves out: those that serve
# only the command line or the Windows add-in (pydantic for the JSON engine, the streaming
# file writer). The file-safety modules stay (the workbook modules name them) but Lite never
# imports them: it has no workbook file to lock (tests/test_lite_pyodide.py checks).
PACKAGES = ("ims_xl", "udfs")
LEFT_OUT = frozenset({
    "ims_xl/cli.py", "ims_xl/__main__.py", "ims_xl/addin_cli.py", "ims_xl/addin_doctor.py",
    "ims_xl/engine_json.py", "ims_xl/workbook/stream_book.py", "ims_xl/lite/cli.py",
})
_EPOCH = (2020, 1, 1, 0, 0, 0)   # a fixed time in the zip: the same sources, the same wheel


def _sources(root: Path) -> Iterable[tuple[str, bytes]]:
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            name = path.relative_to(root).as_posix()
            if name not in LEFT_OUT and "__pycache__" not in name:
                yield name, path.read_bytes()


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()},{len(data)}"


def build_wheel(root: Path | None = None) -> bytes:
    """The pure-Python wheel ``ims_xl_lite`` of the sources under ``root`` (the folder that
    holds ``ims_xl``), byte for byte the same for the same sources."""
    root = Path(root) if root else Path(__file__).resolve().parents[2]
    info = f"{DIST}-{__version__}.dist-info"
    metadata = "\n".join([
        "Metadata-Version: 2.1", "Name: ims-xl-lite", f"Version: {__version__}",
        "Summary: ims-xl (Bills of Entry in IMS) for xlwings Lite: rules, worksheet "
        "functions and the ribbon's jobs, pure Python",
        "License: MIT", "Requires-Python: >=3.11",
        *(f"Requires-Dist: {d}" for d in LITE_DEPENDENCIES), "", ""])
    wheel = ("Wheel-Version: 1.0\nGenerator: ims-xl lite build\nRoot-Is-Purelib: true\n"
             "Tag: py3-none-any\n")
    files = list(_sources(root))
    files += [(f"{info}/METADATA", metadata.encode()), (f"{info}/WHEEL", wheel.encode())]
    record = "".join(f"{name},{_record_hash(data)}\n" for name, data in files)
    files.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in files:
            entry = zipfile.ZipInfo(name, _EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            zf.writestr(entry, data)
    return out.getvalue()


def requirements_txt() -> str:
    return ("# ims-xl for xlwings Lite: every package here is pure Python (from PyPI) or\n"
            "# Pyodide's own (ssl). The ims-xl package itself is inside main.py.\n"
            + "\n".join(REQUIREMENTS) + "\n")


_MAIN = '''\
"""ims-xl in xlwings Lite: Bills of Entry in IMS, in Excel on Windows, Mac and the web.

Worksheet functions (type them in any cell, as in the Windows add-in):
    BOE_STATUS, BOE_ITC, BOE_2B_PERIOD, BOE_CHECK, BOE_CUTOFF, BOE_DAYS_LEFT, GSTIN_CHECK,
    PORT_CODE_CHECK, BOE_NUMBER, BOE_TABLE, GSTR3B_4A1
Scripts (the ribbon's buttons; run them from the xlwings Lite pane):
    load_data    loads the portal files, books, BoE list and bulk actions you dropped into
                 Lite's Files pane (menu > Files > Import/Export)
    recompute    logs your Actions, then statuses, ITC, GSTR-2B and GSTR-3B
    reconcile    the three-way match only (Reconciliation sheet, Match column)
    fetch_boe    checks the Fetch BoE sheet and fills what the BoE list has
    validate     lists the problems Recompute would find; changes nothing
    export       the period's IMS actions (JSON and CSV), GSTR-3B Table 4 and the
                 reconciliation, into the Files pane's exports folder
Changes stay in the open workbook until you save it. Written by `ims-xl lite build`
(ims-xl {version}); do not edit below: build it again instead.
"""

import base64
import hashlib
import io
import os
import sys
import tempfile
import zipfile

# The ims-xl package (the pure-Python wheel {wheel}), unpacked once per session.
_WHEEL = """
{wheel_b64}"""


def _unpack_ims_xl():
    data = base64.b64decode(_WHEEL)
    folder = os.path.join(tempfile.gettempdir(),
                          "ims_xl_lite-" + hashlib.sha256(data).hexdigest()[:16])
    if not os.path.isdir(os.path.join(folder, "ims_xl")):
        with zipfile.ZipFile(io.BytesIO(data)) as wheel:
            wheel.extractall(folder)
    if folder not in sys.path:
        sys.path.insert(0, folder)


_unpack_ims_xl()

import xlwings as xw  # noqa: E402
from xlwings import script  # noqa: E402

from ims_xl.lite import jobs  # noqa: E402
# The worksheet functions of the Windows add-in, as they are: same names, arguments, help
# and answers (Excel serial dates, numbers, empty cells and whole tables all accepted).
from udfs.boe_functions import (  # noqa: E402,F401
    BOE_2B_PERIOD, BOE_CHECK, BOE_CUTOFF, BOE_DAYS_LEFT, BOE_ITC, BOE_NUMBER, BOE_STATUS,
    BOE_TABLE, GSTIN_CHECK, GSTR3B_4A1, PORT_CODE_CHECK,
)


@script
def load_data(book: xw.Book):
    """Load the portal files, books, BoE list and bulk actions in the Files pane."""
    jobs.load_data(book)


@script
def recompute(book: xw.Book, keep_new_rejects: bool = False):
    """Log your Actions, then statuses, ITC, GSTR-2B and GSTR-3B. Tick keep_new_rejects to
    keep Rejects typed since the last Recompute."""
    jobs.recompute(book, keep_new_rejects=keep_new_rejects)


@script
def reconcile(book: xw.Book):
    """The three-way match only: changes no status."""
    jobs.reconcile(book)


@script
def fetch_boe(book: xw.Book):
    """Check the Fetch BoE sheet and fill what the BoE list has."""
    jobs.fetch_boe(book)


@script
def validate(book: xw.Book):
    """The problems Recompute would find; the workbook is not changed."""
    jobs.validate(book)


@script
def export(book: xw.Book, period: str = "", replace_exports: bool = False):
    """The period's IMS actions, GSTR-3B Table 4 and reconciliation into the Files pane's
    exports folder (period blank: the period under review)."""
    jobs.export(book, period=period, replace_exports=replace_exports)
'''


def main_py(wheel: bytes) -> str:
    encoded = base64.b64encode(wheel).decode()
    return _MAIN.format(version=__version__, wheel=WHEEL_NAME,
                        wheel_b64="\n".join(textwrap.wrap(encoded, 100)))


@dataclass(frozen=True)
class Built:
    main: Path
    requirements: Path
    wheel: Path


def build(out: str | Path, *, force: bool = False) -> Built:
    """Write main.py, requirements.txt and the wheel into ``out``; files of those names
    already there are replaced only with ``force`` (each write is atomic)."""
    from ..atomic import write_bytes_atomic, write_text_atomic
    from ..problems import InputError

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file: give a folder for main.py, "
                         "requirements.txt and the wheel")
    targets = Built(out / "main.py", out / "requirements.txt", out / WHEEL_NAME)
    existing = [p.name for p in (targets.main, targets.requirements, targets.wheel)
                if p.exists()]
    if existing and not force:
        raise InputError(f"{out} already has {', '.join(existing)}: add --force to replace "
                         "them, or choose another --out. Nothing was written.")
    out.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel()
    write_bytes_atomic(targets.wheel, wheel)
    write_text_atomic(targets.requirements, requirements_txt())
    write_text_atomic(targets.main, main_py(wheel))
    return targets

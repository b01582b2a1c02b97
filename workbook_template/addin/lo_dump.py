#!/usr/bin/python3
"""Print, as JSON, the Basic libraries LibreOffice imports from a workbook's VBA project.

Run it with an interpreter that has the ``uno`` module (Debian: ``/usr/bin/python3`` with
``python3-uno``), not a venv::

    /usr/bin/python3 workbook_template/addin/lo_dump.py dist/ims_xl.xlsm [--timeout 90]

It starts its own headless ``soffice`` (fresh profile in a temporary directory, a private pipe),
loads the file hidden with macro execution disabled, reads ``doc.BasicLibraries`` and always kills
the soffice it started. Output: ``{"libraries": {"VBAProject": {"Module": "source", ...}}}``.
An ``.xlam`` only loads when the filter is named: ``--filter "Calc MS Excel 2007 VBA XML"``.
Standalone on purpose: it imports nothing from this project.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path


def _prop(name, value):
    import uno  # noqa: F401  (registers the com.sun.star importer)
    from com.sun.star.beans import PropertyValue

    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def dump(path: Path, soffice: str, timeout: float, filter_name: str | None) -> dict:
    import uno

    deadline = time.monotonic() + timeout
    profile = Path(tempfile.mkdtemp(prefix="ims-xl-lo-profile-"))
    pipe = f"ims_xl_{uuid.uuid4().hex}"
    proc = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        while ctx is None:
            if proc.poll() is not None:
                raise RuntimeError(f"soffice exited early with code {proc.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError("soffice did not accept a connection in time")
            try:
                ctx = resolver.resolve(
                    f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            except Exception:  # NoConnectException until soffice listens
                time.sleep(0.25)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        props = [_prop("Hidden", True), _prop("MacroExecutionMode", 0),  # NEVER_EXECUTE
                 _prop("ReadOnly", True)]
        if filter_name:
            props.append(_prop("FilterName", filter_name))
        doc = desktop.loadComponentFromURL(path.resolve().as_uri(), "_blank", 0, tuple(props))
        if doc is None:
            raise RuntimeError(f"LibreOffice could not load {path}")
        try:
            out: dict[str, dict[str, str]] = {}
            libs = doc.BasicLibraries
            for lib_name in libs.getElementNames():
                libs.loadLibrary(lib_name)
                lib = libs.getByName(lib_name)
                out[lib_name] = {m: lib.getByName(m) for m in lib.getElementNames()}
            vba_mode = bool(getattr(libs, "VBACompatibilityMode", False))
        finally:
            doc.close(True)
        try:
            desktop.terminate()
        except Exception:  # the bridge drops as soffice quits
            pass
        return {"libraries": out, "vba_compatibility_mode": vba_mode}
    finally:
        try:
            proc.wait(timeout=max(1.0, min(10.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            pass
        try:  # the whole session: the soffice script, oosplash and soffice.bin
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if proc.poll() is None:
            proc.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--soffice", default=shutil.which("soffice") or "soffice")
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--filter", default=None, help='e.g. "Calc MS Excel 2007 VBA XML"')
    args = parser.parse_args()
    result = dump(args.file, args.soffice, args.timeout, args.filter)
    json.dump(result, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

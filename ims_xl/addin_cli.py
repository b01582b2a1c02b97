"""``ims-xl addin build|install|status|remove`` and ``ims-xl doctor``: the command line side.

``ims_xl/cli.py`` parses the arguments and calls :func:`addin_command` or :func:`doctor_command`;
what they print is decided here. The work is in ``workbook_template.addin`` (build, install,
remove, status) and :mod:`ims_xl.addin_doctor` (the checks). Exit status as for every command:
0 done, 2 with one sentence on stderr when it cannot be done (Excel holds the file, no Excel on
this platform, a file ims-xl did not write); ``doctor`` exits 2 when a line says FIX.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .problems import InputError

__all__ = ["addin_command", "doctor_command"]


def _build(args: argparse.Namespace) -> int:
    from workbook_template.addin import build_addin
    from workbook_template.addin.addin_file import read_addin

    xlam = build_addin(Path(args.out))
    info = read_addin(xlam)
    print(f"Wrote {xlam} (ims-xl {info.ims_xl_version}, for xlwings {info.xlwings_version}) with "
          f"{len(info.functions)} worksheet functions inside: {', '.join(info.functions)}. "
          f"{xlam.with_suffix('.xlsm').name} beside it is the same build as a workbook, for "
          "LibreOffice checks.")
    return 0


def _install(args: argparse.Namespace) -> int:
    from workbook_template.addin.install import install_addin

    print(install_addin(Path(args.xlam) if args.xlam else None))
    return 0


def _status(args: argparse.Namespace) -> int:
    from workbook_template.addin.status import addin_status, status_lines

    print("\n".join(status_lines(addin_status())))
    return 0


def _remove(args: argparse.Namespace) -> int:
    from workbook_template.addin.install import remove_addin

    print(remove_addin())
    return 0


def addin_command(args: argparse.Namespace) -> int:
    from workbook_template.addin.addin_file import NotAnAddin
    from workbook_template.addin.install import AddinInUse, ExcelNotAvailable, NotOurFile

    run = {"build": _build, "install": _install, "status": _status, "remove": _remove}
    try:
        return run[args.addin_command](args)
    except (ExcelNotAvailable, AddinInUse, NotOurFile, NotAnAddin) as exc:
        raise InputError(str(exc)) from None
    except FileNotFoundError as exc:
        raise InputError(str(exc)) from None


def doctor_command(args: argparse.Namespace) -> int:
    from .addin_doctor import Machine, doctor_exit_code, render, run_checks

    machine = Machine.current()
    checks = run_checks(machine)
    print(render(checks, machine))
    return doctor_exit_code(checks)

"""``ims-xl addin build|install|status|remove`` and ``ims-xl doctor``: the command line side.

``ims_xl/cli.py`` parses the arguments and calls :func:`addin_command` or :func:`doctor_command`;
what they print is decided here. The work is in ``workbook_template.addin`` (build, install,
remove, status) and :mod:`ims_xl.addin_doctor` (the checks).
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["addin_command"]


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
    from workbook_template.addin import install_addin
    from workbook_template.addin.install import ExcelNotAvailable

    from .problems import InputError

    try:
        print(install_addin(Path(args.xlam) if args.xlam else None))
    except ExcelNotAvailable as exc:
        raise InputError(str(exc)) from None
    return 0


def addin_command(args: argparse.Namespace) -> int:
    return {"build": _build, "install": _install}[args.addin_command](args)

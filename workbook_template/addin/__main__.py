"""``python -m workbook_template.addin build --out DIR`` / ``... install [XLAM]``.

The command line of the add-in sits above both ``build`` and ``install`` (neither imports it)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .addin_file import NotAnAddin
from .build import build_addin
from .install import AddinInUse, ExcelNotAvailable, NotOurFile, install_addin


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbook_template.addin")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build ims_xl.xlam (and ims_xl.xlsm)")
    b.add_argument("--out", type=Path, default=Path("dist"), help="output directory (default: dist)")
    i = sub.add_parser("install", help="copy ims_xl.xlam into Excel's startup folder")
    i.add_argument("xlam", type=Path, nargs="?", default=None)
    args = parser.parse_args(argv)
    if args.command == "build":
        start = time.perf_counter()
        path = build_addin(args.out)
        print(f"built {path} and {path.with_suffix('.xlsm')} in {time.perf_counter() - start:.2f} s")
    else:
        try:
            print(install_addin(args.xlam))
        except (ExcelNotAvailable, AddinInUse, NotOurFile, NotAnAddin, FileNotFoundError) as exc:
            print(exc, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

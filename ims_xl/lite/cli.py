"""The ``ims-xl lite`` command line: ``ims-xl lite build --out DIR``."""

from __future__ import annotations

import argparse

__all__ = ["add_parser", "lite_command"]


def add_parser(sub) -> None:
    p = sub.add_parser("lite", help="the xlwings Lite edition (Excel on Mac and the web)")
    lite = p.add_subparsers(dest="lite_command", required=True, metavar="build")
    b = lite.add_parser("build", help="write main.py, requirements.txt and the ims-xl wheel "
                                      "for xlwings Lite")
    b.add_argument("--out", default="dist/lite", help="folder to write to (default: dist/lite)")
    b.add_argument("--force", action="store_true", help="replace files written before")


def lite_command(args: argparse.Namespace) -> int:
    from .build import build

    built = build(args.out, force=args.force)
    size = built.main.stat().st_size // 1024
    print(f"Wrote {built.main} ({size} KB, the ims-xl package inside), {built.requirements} "
          f"and {built.wheel}.\nIn Excel: open the xlwings Lite pane, paste main.py into its "
          "main.py tab and requirements.txt into its requirements.txt tab, then restart "
          "xlwings Lite (or use 'ims-xl template --lite', whose workbook carries both).")
    return 0

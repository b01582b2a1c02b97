"""The ``ims-xl`` command line.

Exit status: 0 done, 2 bad input (a message on stderr naming the file, field or row and what
to do; nothing on stdout), 1 an unexpected failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .problems import InputError

__all__ = ["main"]

EXIT_BAD_INPUT = 2

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def register(fn: Callable[[argparse.Namespace], int]):
        COMMANDS[name] = fn
        return fn
    return register


def _read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
                         "save it as UTF-8") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None


@command("evaluate")
def _evaluate(args: argparse.Namespace) -> int:
    from .atomic import write_text_atomic
    from .engine_json import dumps, evaluate_scenario, read_scenario, result_to_json

    scenario = read_scenario(_read_text(args.scenario), source=args.scenario)
    text = dumps(result_to_json(evaluate_scenario(scenario))) + "\n"
    if args.output:
        write_text_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ims-xl",
        description="Bills of Entry on the GST portal's IMS: rules, workbook and add-in.")
    parser.add_argument("--version", action="version", version=f"ims-xl {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("evaluate", help="evaluate a JSON scenario (rules.md section 7)")
    p.add_argument("scenario", help="the scenario JSON file ('-' for standard input)")
    p.add_argument("-o", "--output", help="write the result here instead of standard output")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"ims-xl {args.command}: {exc}", file=sys.stderr)
        for problem in exc.problems[:50]:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("ims-xl: interrupted; no file was changed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

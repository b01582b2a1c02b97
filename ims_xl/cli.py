"""The ``ims-xl`` command line.

Exit status: 0 done, 2 bad input or a fault of the machine (one message on stderr naming the
file, field or row and what to do; nothing on stdout, nothing half-written), 1 an unexpected
failure.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
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

    if args.output:
        from .safety.outputs import check_output
        check_output(args.output, inputs=[args.scenario] if args.scenario != "-" else [],
                     force=args.force, option="-o")
    scenario = read_scenario(_read_text(args.scenario), source=args.scenario)
    text = dumps(result_to_json(evaluate_scenario(scenario))) + "\n"
    if args.output:
        write_text_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def _date_arg(text: str):
    from .dates import parse_date
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _period_arg(text: str):
    from .periods import Period
    try:
        return Period.from_user(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _ask_on_terminal(question: str) -> bool:
    """Recompute and load ask before keeping new typed Rejects; without a terminal they are
    kept, and the command says so."""
    print(question, file=sys.stderr)
    if not sys.stdin or not sys.stdin.isatty():
        print("(no terminal to ask: the Rejects are kept; review them on the BoE sheet)",
              file=sys.stderr)
        return True
    answer = input("Keep them? [y/N] ").strip().lower()
    return answer in ("y", "yes")


@contextlib.contextmanager
def _changing(args: argparse.Namespace) -> Iterator:
    """The workbook of a command that changes it, held for this command alone from the first
    read to the final replace (docs/data-safety.md): refused at once when another ims-xl,
    Excel or LibreOffice has it, or when it is read-only, before any work is done."""
    from .safety.lock import workbook_lock
    from .safety.office_locks import check_not_open
    from .safety.replace import check_writable
    from .workbook.opening import open_book

    if not Path(args.workbook).is_file():
        raise InputError(f"{args.workbook}: no such workbook. Create one with: ims-xl template "
                         f"{args.workbook}")
    with workbook_lock(args.workbook, wait=args.wait, command=args.command) as real:
        check_not_open(real)
        check_writable(real)
        yield open_book(args.workbook, confirm=_ask_on_terminal)


@command("template")
def _template(args: argparse.Namespace) -> int:
    from .identifiers import gstin as gstin_id

    if args.gstin:
        problem = gstin_id.problem(args.gstin)
        if problem:
            raise InputError(f"--gstin {args.gstin}: {problem}")
    from .new_workbook import new_workbook

    out = Path(args.out)
    backup = new_workbook(out, gstin=gstin_id.compact(args.gstin) if args.gstin else None,
                          filing=args.filing, replace=args.force)
    if args.lite:
        from .lite.workbook import add_lite_code
        add_lite_code(out)
    print(f"Wrote {out}" + (f" (the file it replaced is kept as {backup.path})" if backup else ""))
    return 0


@command("load")
def _load(args: argparse.Namespace) -> int:
    from .workbook.loading import load_data

    if not any([args.gstr2b, args.gstr2b_excel, args.boe_list, args.books, args.actions]):
        raise InputError("name at least one file to load: --gstr2b, --gstr2b-excel, "
                         "--boe-list, --books or --actions")
    if args.mapping and len(args.mapping) > 1:
        raise InputError("--mapping is given " + str(len(args.mapping)) + " times: give one "
                         "mapping file (it names your books' column headers)")
    with _changing(args) as book:
        report = load_data(book, gstr2b=args.gstr2b or [], gstr2b_excel=args.gstr2b_excel or [],
                           boe_list=args.boe_list or [], books=args.books or [],
                           actions=args.actions or [],
                           mapping=args.mapping[0] if args.mapping else None)
    _print_problems(report.problems)
    print(f"Loaded into {args.workbook}: {report.summary()}.")
    return 0


@command("recompute")
def _recompute(args: argparse.Namespace) -> int:
    from .workbook.ops import recompute

    with _changing(args) as book:
        report = recompute(book, as_of=args.as_of)
    _print_problems(report.problems)
    print(f"{args.workbook}: {report.summary()}")
    return 0


def _print_problems(problems, limit: int = 30) -> None:
    for problem in problems[:limit]:
        print(f"  {problem}", file=sys.stderr)
    if len(problems) > limit:
        print(f"  ... and {len(problems) - limit} more", file=sys.stderr)


@command("summary")
def _summary(args: argparse.Namespace) -> int:
    from .json_out import dumps, nothing_more_to_json, period_to_json
    from .workbook.nothing_more import summary_figures
    from .workbook.fast_book import FastBook
    from .gcpause import gc_paused
    from .workbook.state import LOG_COLUMNS, VERSION_COLUMNS, read_state, sheets_read

    # only the sheets summary reads are unpacked by the safety check (others on demand),
    # only the columns the rules need are read, and the collector stays paused throughout:
    # the objects all live until the process ends moments later
    with gc_paused():
        book = FastBook(args.workbook, sheets=sheets_read(with_books=False))
        state = read_state(book, as_of=args.as_of, with_books=False,
                           boe_columns=VERSION_COLUMNS, log_columns=LOG_COLUMNS)
        figures, nothing_more = summary_figures(state, args.period)
    if figures is None:
        raise InputError(f"{args.workbook}: period {args.period} is not in the workbook as of "
                         f"{state.as_of:%d-%m-%Y}: its periods run from the month of the "
                         "earliest BoE to the month of the as-of date. Give --period one of "
                         "those (or a later --as-of).")
    if args.json:
        print(dumps({**period_to_json(figures),
                     "if_nothing_more": nothing_more_to_json(nothing_more)}))
    else:
        print(_summary_text(figures, state.as_of))
        print(_nothing_more_text(nothing_more))
    return 0


def _nothing_more_text(nm) -> str:
    """Table 4 on the GSTR-2B day if nothing more is done, beside Table 4 as it stands."""
    from .money import format_inr as inr
    if not nm.period_open:
        return (f"GSTR-2B of {nm.period} was generated on {nm.gstr2b_date:%d-%m-%Y}: nothing "
                "more is deemed accepted; the figures above are the ones it holds.")
    a, b, p = nm.figures.table_4a1, nm.figures.table_4b2, nm.figures.pending
    return "\n".join([
        f"If nothing more is done by {nm.gstr2b_date:%d-%m-%Y} (GSTR-2B day: every BoE "
        "without an action is deemed accepted; Keep Pending stays pending):",
        f"  GSTR-3B 4(A)(1): IGST {inr(a.igst)}, cess {inr(a.cess)}",
        f"  GSTR-3B 4(B)(2): IGST {inr(b.igst)}, cess {inr(b.cess)}",
        f"  Still pending: {p.count} (IGST {inr(p.igst)}, cess {inr(p.cess)})"])


def _summary_text(f, as_of) -> str:
    from .money import format_inr as inr
    lines = [f"Period {f.period} ({f.state}) as of {as_of:%d-%m-%Y}",
             f"{'GSTR-2B section':<16}{'count':>7}{'taxable value':>18}{'IGST':>16}{'cess':>14}"]
    for name, t in f.gstr2b.items():
        lines.append(f"{name:<16}{t.count:>7}{inr(t.taxable_value):>18}{inr(t.igst):>16}"
                     f"{inr(t.cess):>14}")
    a, b = f.table_4a1, f.table_4b2
    lines += [f"GSTR-3B 4(A)(1): IGST {inr(a.igst)}, cess {inr(a.cess)}",
              f"GSTR-3B 4(B)(2): IGST {inr(b.igst)}, cess {inr(b.cess)}",
              f"Pending at close: {f.pending.count} (IGST {inr(f.pending.igst)}, cess "
              f"{inr(f.pending.cess)})",
              f"Rejected: {f.rejected.count} (IGST {inr(f.rejected.igst)}, cess "
              f"{inr(f.rejected.cess)})"]
    return "\n".join(lines)


@command("export")
def _export(args: argparse.Namespace) -> int:
    from .safety.outputs import check_output
    from .workbook.exporting import export

    for option in ("ims_json", "actions_csv", "gstr3b_json", "reconciliation"):
        if getattr(args, option):
            check_output(getattr(args, option), inputs=[args.workbook], force=args.force,
                         option="--" + option.replace("_", "-"))
    message = export(args.workbook, args.period, as_of=args.as_of, ims_json=args.ims_json,
                     actions_csv=args.actions_csv, gstr3b_json=args.gstr3b_json,
                     reconciliation=args.reconciliation)
    print(message)
    return 0


@command("fetch")
def _fetch(args: argparse.Namespace) -> int:
    from .workbook.ops import fetch
    with _changing(args) as book:
        report = fetch(book, today=args.today)
    print(report.summary())
    return 0


@command("lite")
def _lite(args: argparse.Namespace) -> int:
    from .lite.cli import lite_command
    return lite_command(args)


@command("addin")
def _addin(args: argparse.Namespace) -> int:
    from .addin_cli import addin_command
    return addin_command(args)


@command("doctor")
def _doctor(args: argparse.Namespace) -> int:
    from .addin_cli import doctor_command
    return doctor_command(args)


@command("demo")
def _demo(args: argparse.Namespace) -> int:
    from .demo import DEMO_AS_OF, run_demo
    from .workbook.fast_book import FastBook
    from .workbook.nothing_more import summary_figures
    from .workbook.state import read_state

    out, period = run_demo(args.out, replace=args.force)
    state = read_state(FastBook(out), with_books=False)
    figures, nothing_more = summary_figures(state, period)
    print()
    print(_summary_text(figures, DEMO_AS_OF))
    print(_nothing_more_text(nothing_more))
    print(f"\nOpen {out.resolve()} in Excel or LibreOffice: start on the 'Start' sheet.")
    return 0


@command("restore")
def _restore(args: argparse.Namespace) -> int:
    from .safety.backups import backup_folder, list_backups
    from .safety.lock import real_path, workbook_lock
    from .safety.restore import restore_backup

    real = real_path(args.workbook)
    if args.list:
        backups = list_backups(real)
        if not backups:
            print(f"No backups of {args.workbook} (ims-xl keeps them in "
                  f"{backup_folder(real)} when it changes the workbook).")
            return 0
        print(f"Backups of {args.workbook} in {backup_folder(real)}, newest first:")
        for b in backups:
            print(f"  {b.stamp}  {b.made:%d-%m-%Y %H:%M:%S}  {b.size:>12,} bytes")
        print(f"Restore one with: ims-xl restore {args.workbook} --from STAMP")
        return 0
    with workbook_lock(args.workbook, wait=args.wait, command="restore"):
        chosen = restore_backup(args.workbook, args.from_stamp)
    print(f"Restored {args.workbook} from the backup {chosen.stamp} "
          f"({chosen.made:%d-%m-%Y %H:%M:%S}); the file it replaced was backed up first "
          f"(ims-xl restore {args.workbook} --list).")
    return 0


def _wait_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help="when another ims-xl is changing the workbook, wait this long for it "
                        "(default 0: refuse at once)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ims-xl",
        description="Bills of Entry on the GST portal's IMS: rules, workbook and add-in.")
    parser.add_argument("--version", action="version", version=f"ims-xl {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    from .lite.cli import add_parser as add_lite_parser

    for add in (_evaluate_parser, _template_parser, _load_parser, _recompute_parser,
                _summary_parser, _export_parser, add_lite_parser, _addin_parser,
                _doctor_parser, _demo_parser, _fetch_parser, _restore_parser):
        add(sub)
    return parser


def _evaluate_parser(sub) -> None:
    p = sub.add_parser("evaluate", help="evaluate a JSON scenario (rules.md section 7)")
    p.add_argument("scenario", help="the scenario JSON file ('-' for standard input)")
    p.add_argument("-o", "--output", help="write the result here instead of standard output")
    p.add_argument("--force", action="store_true", help="replace an existing output file")


def _template_parser(sub) -> None:
    p = sub.add_parser("template", help="write a new, empty workbook")
    p.add_argument("out", help="the workbook to create (.xlsx)")
    p.add_argument("--gstin", help="your GSTIN (Settings)")
    p.add_argument("--filing", choices=["monthly", "quarterly"], default="monthly")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.add_argument("--lite", action="store_true",
                   help="carry the xlwings Lite code (main.py, requirements.txt) inside it")


def _load_parser(sub) -> None:
    p = sub.add_parser("load", help="load portal files, books, a BoE list or actions")
    p.add_argument("workbook")
    # every file option may be given several times (or with several files): all are used
    p.add_argument("--gstr2b", nargs="+", action="extend", metavar="F",
                   help="GSTR-2B JSON download(s)")
    p.add_argument("--gstr2b-excel", nargs="+", action="extend", metavar="F",
                   help="the portal's GSTR-2B Excel file(s)")
    p.add_argument("--boe-list", nargs="+", action="extend", metavar="F",
                   help="ICEGATE / broker BoE list(s) (CSV or XLSX)")
    p.add_argument("--books", nargs="+", action="extend", metavar="F",
                   help="purchase register(s) (CSV or XLSX)")
    p.add_argument("--actions", nargs="+", action="extend", metavar="F",
                   help="bulk actions (CSV or XLSX)")
    p.add_argument("--mapping", action="append", metavar="F",
                   help="JSON: books field -> your column header")
    _wait_option(p)


def _recompute_parser(sub) -> None:
    p = sub.add_parser("recompute", help="log changed actions, evaluate, match, write results")
    p.add_argument("workbook")
    p.add_argument("--as-of", type=_date_arg, help="the as-of date (default: Settings, else today)")
    _wait_option(p)


def _summary_parser(sub) -> None:
    p = sub.add_parser("summary", help="one period's GSTR-2B and GSTR-3B figures")
    p.add_argument("workbook")
    p.add_argument("--period", type=_period_arg, required=True, help="the period: 112025, Nov-2025, November 2025, 11-2025 or 2025-11")
    p.add_argument("--as-of", type=_date_arg)
    p.add_argument("--json", action="store_true", help="JSON (the shape of a period in rules.md 7, and if_nothing_more)")


def _export_parser(sub) -> None:
    p = sub.add_parser("export", help="export actions, the 3B Table 4 fragment or the reconciliation")
    p.add_argument("workbook")
    p.add_argument("--period", type=_period_arg, required=True, help="the period: 112025, Nov-2025, November 2025, 11-2025 or 2025-11")
    p.add_argument("--as-of", type=_date_arg)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--ims-json", metavar="FILE",
                      help="IMS actions as the GST API's SAVE request, for a GSP (not the IMS "
                           "Offline Tool's Upload JSON: see docs/formats.md)")
    what.add_argument("--actions-csv", metavar="FILE", help="IMS actions as a CSV worklist")
    what.add_argument("--gstr3b-json", metavar="FILE", help="GSTR-3B Table 4 import lines")
    what.add_argument("--reconciliation", metavar="FILE", help="the three-way match as CSV")
    p.add_argument("--force", action="store_true", help="replace an earlier export of that name")


def _addin_parser(sub) -> None:
    p = sub.add_parser("addin", help="build, install, check or remove the Excel add-in ims_xl.xlam")
    addin = p.add_subparsers(dest="addin_command", required=True,
                             metavar="build|install|status|remove")
    b = addin.add_parser("build", help="write ims_xl.xlam headlessly")
    b.add_argument("--out", default="dist", help="folder for the add-in (default: dist)")
    i = addin.add_parser("install", help="copy the add-in into Excel's startup folder (unblocked)")
    i.add_argument("xlam", nargs="?", help="a built ims_xl.xlam (default: build a fresh one)")
    addin.add_parser("status", help="where the add-in is installed, which version, up to date?")
    addin.add_parser("remove", help="take the add-in out of Excel's startup folder")


def _doctor_parser(sub) -> None:
    sub.add_parser("doctor", help="is this machine ready for the add-in? (Python, xlwings, "
                                  "Excel, Trust Center, antivirus rule)")


def _demo_parser(sub) -> None:
    p = sub.add_parser("demo", help="the main job on the bundled sample data")
    p.add_argument("--out", default="out", help="folder for the demo workbook (default: out)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing demo workbook (a backup of it is kept first)")


def _fetch_parser(sub) -> None:
    p = sub.add_parser("fetch", help="check the Fetch BoE sheet and fill from the BoE list")
    p.add_argument("workbook")
    p.add_argument("--today", type=_date_arg, help=argparse.SUPPRESS)
    _wait_option(p)


def _restore_parser(sub) -> None:
    p = sub.add_parser("restore", help="list the workbook's backups, or put one back")
    p.add_argument("workbook")
    p.add_argument("--list", action="store_true", help="list the backups, newest first")
    p.add_argument("--from", dest="from_stamp", metavar="STAMP",
                   help="the backup to restore (default: the newest)")
    _wait_option(p)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"ims-xl {args.command}: {exc}", file=sys.stderr)
        # the message often is the first problem itself: each is printed once
        for problem in [p for p in exc.problems if str(p) != str(exc)][:50]:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader went away (| head): not our failure
        sys.stderr.close()
        return 0
    except OSError as exc:  # a full disk, a refused permission: every write was atomic
        from .safety.faults import fault_sentence
        print(f"ims-xl {args.command}: {fault_sentence(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("ims-xl: interrupted; no file was changed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

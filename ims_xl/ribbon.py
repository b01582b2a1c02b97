"""The ribbon's Python side: ``dispatch(tag)``, the single entry from the add-in's VBA.

Every button of the "IMS - Bill of Entry" tab runs
``RunPython "import ims_xl.ribbon; ims_xl.ribbon.dispatch('<tag>')"`` (see
``workbook_template/addin``). From Excel, ``dispatch`` wraps the active workbook
(``xw.Book.caller()``) in :class:`~ims_xl.workbook.xlwings_book.XlwingsBook` and talks to the
user through :class:`ExcelUI`. Every handler takes a :class:`Context`: the workbook as a
:class:`~ims_xl.workbook.book.Book` plus a :class:`RibbonUI` (messages, questions, file and
period choices), so tests run every button end to end on a real workbook through
:class:`~ims_xl.workbook.openpyxl_book.OpenpyxlBook` and a scripted UI::

    dispatch("recompute", book=OpenpyxlBook(path, confirm=ui.confirm), ui=ui)

``dispatch`` never raises: an unknown tag, bad input (:class:`~ims_xl.problems.InputError`,
shown as its text) or an unexpected failure (shown as one readable line) ends in a message
box, and everything is logged to :func:`log_path`.

What each button does (BUTTON_HELP holds the same in the user's words):

- ``new_workbook``: asks where to save and the GSTIN, writes a new template, opens it.
- ``load_data``: asks which kinds of file (GSTR-2B JSON, GSTR-2B Excel, books, BoE list,
  bulk actions), then one file dialog per kind; merges into the workbook (``load_data``).
- ``fetch_boe``: ``ops.fetch`` on the Fetch BoE sheet.
- ``reconcile``: the three-way match only: the Reconciliation sheet, the BoE sheet's Match
  and Suggested Action columns and the Fetch BoE candidates. It does not log actions, ask
  about Rejects or change any status or 2B/3B figure (Recompute does all of that).
- ``validate``: what Recompute would find, written nowhere: errors by row, other problems,
  and how many action changes are not logged yet. The workbook is not changed.
- ``recompute``: ``ops.recompute``; a new Reject is kept only after a Yes to the question
  listing them (``Book.confirm``).
- ``export_actions`` / ``export_3b``: ask the period (default: the period under review) and
  the file; write the IMS actions (JSON for the portal, or a CSV worklist) / the GSTR-3B
  Table 4 import lines.
- ``import_functions``: refreshes the worksheet functions (``udfs.boe_functions``), which the
  built add-in already carries, with xlwings' ``import_udfs`` (after a Python-side update).
- ``help``: the month's steps, the buttons, the version and the log file.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any, Protocol

from . import __version__
from .problems import InputError, Problem
from .workbook.book import Book
from .workbook.layout import BOE, FETCH, PERIOD_NAME, RECONCILIATION, SETTINGS_NAMES

__all__ = ["dispatch", "HANDLERS", "BUTTON_HELP", "LOAD_KINDS", "UDF_MODULES", "Context",
           "RibbonUI", "ExcelUI", "export_from_book", "log_path"]

TITLE = "ims_xl"
#: The add-in's ``UDF Modules`` setting (workbook_template/addin/names.py CONF_SETTINGS).
UDF_MODULES = "udfs.boe_functions"
#: File names under which the add-in may be loaded (build_addin writes both).
ADDIN_FILES = ("ims_xl.xlam", "ims_xl.xlsm")
PROMPT_LIMIT = 255  # Application.InputBox shows at most 255 characters of its prompt
PROBLEMS_SHOWN = 10

log = logging.getLogger("ims_xl.ribbon")


# --- the user interface a handler may use ------------------------------------------------------

FileFilter = tuple[str, str]  # (label, patterns): ("GSTR-2B JSON", "*.json")


class RibbonUI(Protocol):
    def alert(self, text: str, *, error: bool = False) -> None: ...

    def confirm(self, question: str) -> bool: ...

    def ask_text(self, prompt: str, default: str = "") -> str | None:
        """A line of text, or None when cancelled. ``prompt`` is at most 255 characters."""

    def choose_open_files(self, title: str, filters: Sequence[FileFilter], *, multi: bool,
                          folder: Path | None) -> list[Path]:
        """Files to read; an empty list when cancelled."""

    def choose_save_path(self, title: str, default_name: str, filters: Sequence[FileFilter],
                         *, folder: Path | None) -> Path | None:
        """A file to write (it may exist: the caller asks before replacing it); None when
        cancelled."""

    def open_workbook(self, path: Path) -> None: ...

    def close_workbook(self) -> None:
        """Close the active workbook without saving (before its file is restored)."""

    def show_sheet(self, name: str) -> None: ...

    def import_functions(self, modules: str) -> str:
        """Make the worksheet functions of ``modules`` available; returns what was done."""


@dataclass
class Context:
    ui: RibbonUI
    book: Book | None = None
    today: date | None = None
    now: datetime | None = None
    as_of: date | None = None
    _checked: bool = False

    def need_book(self) -> Book:
        """The workbook, once it is known to be an ims-xl workbook (it has our settings)."""
        if self.book is None:
            raise InputError("open your ims-xl workbook first (or make one with New workbook).")
        if not self._checked:
            if not self.book.read_names([name for name, *_ in SETTINGS_NAMES]):
                raise InputError(f"{self.book.label} is not an ims-xl workbook (it has none of "
                                 "the IMS_ settings). Switch to your review workbook, or make "
                                 "one with New workbook. Nothing was changed.")
            self._checked = True
        return self.book

    @property
    def folder(self) -> Path | None:
        """The workbook's folder: where the file dialogs start."""
        path = getattr(self.book, "path", None)
        return Path(path).parent if path else None


@dataclass(frozen=True)
class Handler:
    tag: str
    title: str
    run: Callable[[Context], str]


HANDLERS: dict[str, Handler] = {}


def handler(tag: str, title: str):
    def register(fn: Callable[[Context], str]) -> Callable[[Context], str]:
        HANDLERS[tag] = Handler(tag, title, fn)
        return fn
    return register


BUTTON_HELP = {
    "new_workbook": "New workbook: a new, empty review workbook (you choose where; GSTIN).",
    "load_data": "Load data: GSTR-2B downloads, books, BoE list or bulk actions; your "
                 "Actions and Remarks are kept.",
    "fetch_boe": "Fetch BoE: checks the Fetch BoE sheet and fills what the BoE list has.",
    "reconcile": "Reconcile: matches IMS with the books and the BoE list (Reconciliation "
                 "sheet, Match column); changes no status.",
    "validate": "Validate: lists the problems Recompute would find; changes nothing.",
    "recompute": "Recompute 2B/3B: logs your Actions (asks before keeping a Reject), then "
                 "statuses, ITC, GSTR-2B and GSTR-3B.",
    "export_actions": "Export actions: the period's actions for IMS (JSON) or a CSV list.",
    "export_3b": "Export 3B: the period's GSTR-3B Table 4 import lines (JSON).",
    "restore": "Restore: puts back an earlier version of this workbook (ims-xl keeps one "
               "before each change).",
    "import_functions": "Import functions: refreshes BOE_STATUS, BOE_ITC and the other "
                        "worksheet functions (they come with the add-in; needed only after "
                        "updating ims-xl without reinstalling the add-in).",
    "help": "Help: this message.",
}


# --- dispatch ----------------------------------------------------------------------------------

def log_path() -> Path:
    """``IMS_XL_LOG``, else ``~/.ims_xl/ims_xl.log`` (beside the add-in's user config file)."""
    env = os.environ.get("IMS_XL_LOG")
    return Path(env) if env else Path.home() / ".ims_xl" / "ims_xl.log"


_active_log: Path | None = None


def _current_log() -> Path:
    """The log file this run writes to (named in messages)."""
    return _active_log or log_path()


def _logger(path: Path) -> logging.Logger:
    global _active_log
    _active_log = path
    log.setLevel(logging.INFO)
    mine = [h for h in log.handlers if getattr(h, "_ims_xl_path", None) is not None]
    if any(h._ims_xl_path == path for h in mine):  # type: ignore[attr-defined]
        return log
    for h in mine:
        log.removeHandler(h)
        h.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2,
                                           encoding="utf-8", delay=True)
    except OSError:
        return log  # no log file: the messages still reach the user
    file_handler._ims_xl_path = path  # type: ignore[attr-defined]
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(file_handler)
    return log


def dispatch(tag: str, *, book: Book | None = None, ui: RibbonUI | None = None,
             today: date | None = None, now: datetime | None = None,
             as_of: date | None = None, log_file: str | Path | None = None) -> str | None:
    """Run the ribbon button ``tag``; returns the message shown (None when Excel could not
    be reached). Never raises.

    From Excel (no ``book`` and no ``ui``): the active workbook and Excel's dialogs.
    """
    logger = _logger(Path(log_file) if log_file else log_path())
    if book is None and ui is None:
        try:
            book, ui = _from_excel()
        except Exception:  # noqa: BLE001 - nowhere to show it but the log and stderr
            logger.exception("ribbon %r: cannot reach the calling workbook in Excel", tag)
            print(f"ims_xl: cannot reach Excel for {tag!r}; see {_current_log()}",
                  file=sys.stderr)
            return None
    if ui is None:
        ui = _BookUI(book)
    entry = HANDLERS.get(tag) if isinstance(tag, str) else None
    if entry is None:
        message = (f"This button (action {tag!r}) is not known to the ims_xl Python package "
                   f"(version {__version__}). The add-in and the package are out of step: "
                   "rebuild and reinstall the add-in (ims-xl addin build, then ims-xl addin "
                   "install) with the installed package.")
        logger.warning("ribbon: unknown tag %r", tag)
        _show(ui, message, error=True, logger=logger)
        return message
    label = getattr(book, "label", "no workbook")
    started = time.monotonic()
    logger.info("ribbon %s on %s: start", tag, label)
    ctx = Context(ui, book, today=today, now=now, as_of=as_of)
    session = getattr(book, "session", None)
    try:
        with _held(book, tag), session() if callable(session) else contextlib.nullcontext():
            message = entry.run(ctx)
    except InputError as exc:
        message = f"{entry.title}: {exc}" + _problems_text(exc.problems, skip=str(exc))
        logger.warning("ribbon %s on %s: %s", tag, label, _one_line(message))
        _show(ui, message, error=True, logger=logger)
        return message
    except Exception as exc:  # noqa: BLE001 - shown as a message, logged with its traceback
        logger.exception("ribbon %s on %s failed", tag, label)
        message = (f"{entry.title} failed unexpectedly: {type(exc).__name__}: {exc}\n\n"
                   "If the workbook looks half-updated, close it without saving: the copy "
                   f"you saved last is unchanged. The details are in {_current_log()}.")
        _show(ui, message, error=True, logger=logger)
        return message
    logger.info("ribbon %s on %s: %s (%.1f s)", tag, label, _one_line(message),
                time.monotonic() - started)
    _show(ui, message, error=False, logger=logger)
    return message


# The buttons that change the workbook: each holds the workbook's ims-xl lock while it works
# (a command line run on the same file waits or is refused), after a backup of the file on
# disk as it was before the button (the ribbon's Restore brings it back).
CHANGING = {"load_data", "fetch_boe", "recompute", "reconcile"}


@contextlib.contextmanager
def _held(book: Book | None, tag: str):
    path = getattr(book, "path", None) if tag in CHANGING else None
    if not path:
        yield
        return
    from .safety.backups import keep_backup
    from .safety.lock import workbook_lock

    with workbook_lock(path, command=f"the ribbon's {HANDLERS[tag].title}") as real:
        if real.exists():
            keep_backup(real)
        yield


def _from_excel() -> tuple[Book, RibbonUI]:
    from .workbook.xlwings_book import XlwingsBook

    book = XlwingsBook.caller()
    return book, ExcelUI(book.xlbook)


def _show(ui: RibbonUI, message: str, *, error: bool, logger: logging.Logger) -> None:
    try:
        ui.alert(message, error=error)
    except Exception:  # noqa: BLE001 - the message box itself failed: keep it in the log
        logger.exception("could not show: %s", _one_line(message))


def _one_line(text: str) -> str:
    return " | ".join(line.strip() for line in text.splitlines() if line.strip())


def _problems_text(problems: Sequence[Problem], *, skip: str = "",
                   limit: int = PROBLEMS_SHOWN) -> str:
    shown = [p for p in problems if str(p) not in skip]
    if not shown:
        return ""
    lines = [f"- {p}" for p in shown[:limit]]
    if len(shown) > limit:
        lines.append(f"... and {len(shown) - limit} more (all in {_current_log()})")
        for p in shown[limit:]:
            log.info("  problem: %s", p)
    return "\n\n" + "\n".join(lines)


class _BookUI:
    """Only what a Book can do (messages, yes/no): for a caller that passes no UI."""

    def __init__(self, book: Book | None):
        self.book = book

    def alert(self, text: str, *, error: bool = False) -> None:
        if self.book is not None:
            self.book.alert(text)

    def confirm(self, question: str) -> bool:
        return self.book.confirm(question) if self.book is not None else False

    def ask_text(self, prompt: str, default: str = "") -> str | None:
        return None

    def choose_open_files(self, title, filters, *, multi, folder) -> list[Path]:
        return []

    def choose_save_path(self, title, default_name, filters, *, folder) -> Path | None:
        return None

    def open_workbook(self, path: Path) -> None:
        pass

    def close_workbook(self) -> None:
        pass

    def show_sheet(self, name: str) -> None:
        pass

    def import_functions(self, modules: str) -> str:
        raise InputError("importing worksheet functions needs Excel")


# --- the handlers --------------------------------------------------------------------------------

@handler("new_workbook", "New workbook")
def new_workbook(ctx: Context) -> str:
    from .identifiers import gstin as gstin_id
    from .safety.office_locks import check_not_open
    from .new_workbook import new_workbook

    path = ctx.ui.choose_save_path("New IMS Bill of Entry workbook", "IMS BoE review.xlsx",
                                   [("Excel workbook", "*.xlsx")], folder=ctx.folder)
    if path is None:
        return "No workbook was created."
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    replace = path.exists()
    if replace and not ctx.ui.confirm(
            f"{path.name} exists already. Replace it with a new, empty workbook? A backup of "
            "it is kept first (Restore brings it back)."):
        return "No workbook was created."
    check_not_open(path)
    default = ""
    if ctx.book is not None:
        with contextlib.suppress(Exception):  # any workbook may be active: no GSTIN is fine
            default = _text(ctx.book.read_names(["IMS_GSTIN"]).get("IMS_GSTIN"))
    answer = ctx.ui.ask_text("Your GSTIN (15 characters). Leave it blank to fill it in later "
                             "on the Settings sheet.", default)
    if answer is None:
        return "No workbook was created."
    gstin = answer.strip() or None
    if gstin:
        problem = gstin_id.problem(gstin)
        if problem:
            raise InputError(f"GSTIN {gstin}: {problem}. Nothing was created.")
        gstin = gstin_id.compact(gstin)
    backup = new_workbook(path, gstin=gstin, replace=replace)
    ctx.ui.open_workbook(path)
    return (f"Created {path.name} in {path.parent}"
            + (f" (the file it replaced is kept as {backup.path.name})" if backup else "")
            + (f" for GSTIN {gstin}" if gstin else " (set your GSTIN on the Settings sheet)")
            + ". Next: Load data.")


@dataclass(frozen=True)
class LoadKind:
    key: str                   # the load_data keyword
    label: str
    filters: tuple[FileFilter, ...]
    multi: bool = False


TABULAR = ("CSV or Excel", "*.csv;*.xlsx")
LOAD_KINDS: tuple[LoadKind, ...] = (
    LoadKind("gstr2b", "GSTR-2B JSON download(s)", (("GSTR-2B JSON", "*.json"),), multi=True),
    LoadKind("gstr2b_excel", "GSTR-2B Excel from the portal", (("Excel", "*.xlsx"),)),
    LoadKind("books", "Books (purchase register)", (TABULAR,)),
    LoadKind("boe_list", "BoE list (ICEGATE or customs broker)", (TABULAR,)),
    LoadKind("actions", "Bulk actions", (TABULAR,)),
)
LOAD_PROMPT = ("Load which files? Type their numbers, e.g. 1 3\n"
               + "\n".join(f"{i} {k.label}" for i, k in enumerate(LOAD_KINDS, start=1)))
LOAD_DEFAULT = "1 3"


def _load_choice(answer: str) -> list[LoadKind]:
    chosen: list[LoadKind] = []
    for word in answer.replace(",", " ").split():
        if not word.isdigit() or not 1 <= int(word) <= len(LOAD_KINDS):
            raise InputError(f"{word!r} is not one of 1 to {len(LOAD_KINDS)}: type the numbers "
                             "of the files to load, such as 1 3.")
        kind = LOAD_KINDS[int(word) - 1]
        if kind not in chosen:
            chosen.append(kind)
    return chosen


@handler("load_data", "Load data")
def load_data_(ctx: Context) -> str:
    from .workbook.loading import load_data

    book = ctx.need_book()
    answer = ctx.ui.ask_text(LOAD_PROMPT, LOAD_DEFAULT)
    if answer is None or not answer.strip():
        return "Nothing was loaded."
    files: dict[str, Any] = {}
    for kind in _load_choice(answer):
        chosen = ctx.ui.choose_open_files(f"Load data: {kind.label}", kind.filters,
                                          multi=kind.multi, folder=ctx.folder)
        if chosen:
            files[kind.key] = [Path(p) for p in chosen] if kind.multi else Path(chosen[0])
    if not files:
        return "Nothing was loaded."
    report = load_data(book, now=ctx.now, **files)
    names = ", ".join(p.name for v in files.values() for p in (v if isinstance(v, list) else [v]))
    return (f"Loaded {names} into {book.label}: {report.summary()}."
            + _problems_text(report.problems)
            + "\n\nNext: Recompute (or Reconcile to see the match first).")


@handler("fetch_boe", "Fetch BoE")
def fetch_boe(ctx: Context) -> str:
    from .workbook.ops import fetch

    book = ctx.need_book()
    report = fetch(book, today=ctx.today)
    ctx.ui.show_sheet(FETCH.sheet)
    message = report.summary()
    if report.filled:
        message += "\n\nNext: Recompute, to evaluate the BoEs added to the BoE sheet."
    return message


@handler("recompute", "Recompute 2B/3B")
def recompute_(ctx: Context) -> str:
    from .workbook.ops import recompute

    book = ctx.need_book()
    report = recompute(book, as_of=ctx.as_of, today=ctx.today, now=ctx.now)
    return report.summary() + _problems_text(report.problems)


@handler("reconcile", "Reconcile")
def reconcile(ctx: Context) -> str:
    from .workbook.ops import ReconcileOnly, recompute

    book = ctx.need_book()
    fetch_before = len(book.read_table(FETCH))
    only = ReconcileOnly(book)
    recompute(only, as_of=ctx.as_of, today=ctx.today, now=ctx.now)
    results = only.tables.get(RECONCILIATION.name, [])
    counts = Counter(_text(r.get("Match")) or "(none)" for r in results)
    added = len(only.tables.get(FETCH.name, [])) - fetch_before
    ctx.ui.show_sheet(RECONCILIATION.sheet)
    message = (f"Reconciled {len(results)} BoE(s): "
               + (", ".join(f"{n} {label}" for label, n in sorted(counts.items())) or "none")
               + ". See the Reconciliation sheet; the Match and Suggested Action columns of "
               "the BoE sheet are updated.")
    if added > 0:
        message += (f"\n{added} BoE(s) in the books or the BoE list but not in IMS were added "
                    "to the Fetch BoE sheet: press Fetch BoE.")
    return message + "\n\nStatuses and 2B/3B figures are unchanged: Recompute updates them."


@handler("validate", "Validate")
def validate(ctx: Context) -> str:
    from .workbook.ops import TrialRun, recompute

    book = ctx.need_book()
    dry = TrialRun(book)
    report = recompute(dry, as_of=ctx.as_of, today=ctx.today, now=ctx.now)
    rows = dry.tables.get(BOE.name, [])
    errors, warned = [], 0
    for i, row in enumerate(rows):
        lines = _text(row.get("Messages")).splitlines()
        first_error = next((line for line in lines if line.startswith("ERROR")), None)
        if first_error:
            errors.append((i, row, first_error))
        elif any(line.startswith("WARNING") for line in lines):
            warned += 1
    parts = [f"Validated {book.label} as of {report.as_of:%d-%m-%Y}: {report.versions} BoE "
             "version(s). Nothing was changed."]
    if errors:
        parts.append(f"{len(errors)} row(s) with errors:")
        for i, row, line in errors[:PROBLEMS_SHOWN]:
            parts.append(f"- BoE sheet row {i + 2} ({_text(row.get('Port Code'))} "
                         f"{_text(row.get('BoE No'))} {_text(row.get('BoE Date'))}): {line}")
        if len(errors) > PROBLEMS_SHOWN:
            parts.append(f"... and {len(errors) - PROBLEMS_SHOWN} more: Recompute writes every "
                         "one into the Messages column.")
    else:
        parts.append("No row has an error.")
    if warned:
        parts.append(f"{warned} more row(s) with warnings only (Recompute shows them in the "
                     "Messages column).")
    if report.logged:
        parts.append(f"{report.logged} change(s) to Action, Action Date or Remark are not in "
                     "the Action Log yet: Recompute logs them.")
    message = "\n".join(parts)
    if report.problems:
        message += "\n\nOther problems:" + _problems_text(report.problems)[1:]
    return message


def _ask_period(ctx: Context, what: str):
    from .periods import Period

    current = _text(ctx.need_book().read_names([PERIOD_NAME]).get(PERIOD_NAME))
    answer = ctx.ui.ask_text(f"{what}: for which period? (e.g. 112025 or Nov-2025)", current)
    if answer is None or not answer.strip():
        return None
    try:
        return Period.from_user(answer)
    except ValueError as exc:
        raise InputError(f"{exc}. Nothing was exported.") from None


def _ask_target(ctx: Context, title: str, default_name: str,
                filters: Sequence[FileFilter]) -> Path | None:
    path = ctx.ui.choose_save_path(title, default_name, filters, folder=ctx.folder)
    if path is None:
        return None
    path = Path(path)
    allowed = {pattern.lstrip("*").lower() for _, patterns in filters
               for pattern in patterns.split(";")}
    if path.suffix.lower() not in allowed:
        raise InputError(f"{path.name}: choose a name ending in "
                         + " or ".join(sorted(allowed)) + ". Nothing was exported.")
    if path.exists() and not ctx.ui.confirm(f"{path.name} exists already. Replace it?"):
        return None
    from .safety.outputs import check_output
    # even when the accountant says Replace: never the workbook, a spreadsheet or a link
    check_output(path, inputs=[p for p in [getattr(ctx.book, "path", None)] if p], force=True,
                 option="the file")
    return path


@handler("export_actions", "Export actions")
def export_actions(ctx: Context) -> str:
    book = ctx.need_book()
    period = _ask_period(ctx, "Export actions")
    if period is None:
        return "Nothing was exported."
    path = _ask_target(ctx, "Export actions for IMS", f"ims-actions-{period}.json",
                       [("IMS actions for the portal (JSON)", "*.json"),
                        ("Actions worklist (CSV)", "*.csv")])
    if path is None:
        return "Nothing was exported."
    kind = "ims_json" if path.suffix.lower() == ".json" else "actions_csv"
    message = export_from_book(book, period, as_of=ctx.as_of, today=ctx.today,
                               **{kind: str(path)})
    return message if message.endswith(".") else message + "."


@handler("export_3b", "Export 3B")
def export_3b(ctx: Context) -> str:
    book = ctx.need_book()
    period = _ask_period(ctx, "Export 3B")
    if period is None:
        return "Nothing was exported."
    path = _ask_target(ctx, "Export GSTR-3B Table 4", f"gstr3b-table4-{period}.json",
                       [("GSTR-3B Table 4 lines (JSON)", "*.json")])
    if path is None:
        return "Nothing was exported."
    return export_from_book(book, period, as_of=ctx.as_of, today=ctx.today,
                            gstr3b_json=str(path)) + "."


@handler("restore", "Restore")
def restore(ctx: Context) -> str:
    from .safety.backups import backup_folder, list_backups
    from .safety.lock import real_path
    from .safety.restore import restore_backup

    path = getattr(ctx.book, "path", None)
    if ctx.book is None or not path:
        raise InputError("open the workbook to restore first (it must have been saved to a "
                         "file). Nothing was changed.")
    real = real_path(path)
    backups = list_backups(real)[:9]
    if not backups:
        return (f"There are no backups of {real.name} yet: ims-xl keeps one in "
                f"'{backup_folder(real).name}' beside it before each change.")
    listing = "\n".join(f"{n}: {b.made:%d-%m-%Y %H:%M:%S}" for n, b in enumerate(backups, 1))
    answer = ctx.ui.ask_text(f"Restore which version of {real.name}? Type its number "
                             f"(1 = newest):\n{listing}", "1")
    if answer is None or not answer.strip():
        return "Nothing was restored."
    if not answer.strip().isdigit() or not 1 <= int(answer) <= len(backups):
        raise InputError(f"{answer.strip()!r} is not one of the numbers 1 to {len(backups)}. "
                         "Nothing was restored.")
    chosen = backups[int(answer) - 1]
    if not ctx.ui.confirm(
            f"Restore {real.name} as it was on {chosen.made:%d-%m-%Y at %H:%M:%S}? Excel "
            "closes it without saving unsaved changes, the file as it is now is backed up "
            "first, and the restored version opens."):
        return "Nothing was restored."
    ctx.ui.close_workbook()
    restore_backup(real, chosen.stamp)
    ctx.ui.open_workbook(Path(path))
    return (f"Restored {real.name} as it was on {chosen.made:%d-%m-%Y at %H:%M:%S}. The "
            "version it replaced is the newest backup now (Restore again to go back).")


@handler("import_functions", "Import functions")
def import_functions(ctx: Context) -> str:
    missing = []
    for module in UDF_MODULES.split(";"):
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(module)
    if missing:
        raise InputError(f"the worksheet functions ({', '.join(missing)}) are not installed in "
                         f"the Python that Excel runs ({sys.executable}). Install ims-xl into "
                         "it and press Import functions again.")
    return ctx.ui.import_functions(UDF_MODULES)


@handler("help", "Help")
def help_(ctx: Context) -> str:
    from workbook_template.template import INSTRUCTIONS

    buttons = "\n".join(f"- {BUTTON_HELP[tag]}" for tag in HANDLERS if tag != "help")
    return (f"ims_xl {__version__}: Bills of Entry in IMS.\n\n" + "\n".join(INSTRUCTIONS)
            + f"\n\nThe buttons:\n{buttons}\n\nChanges stay in the open workbook until you "
            f"save it (Ctrl+S). A log of every button is kept in {_current_log()}.")


def export_from_book(book: Book, period, **options) -> str:
    """The command line's export, through any :class:`Book` (the live workbook in Excel)."""
    from .workbook.exporting import export_book
    return export_book(book, period, **options)


def _text(value: Any) -> str:
    from .workbook.rows import text
    return text(value)


# --- Excel ------------------------------------------------------------------------------------------

def _filter_text(filters: Sequence[FileFilter]) -> str:
    """Excel's file filter: ``"GSTR-2B JSON (*.json),*.json,All files (*.*),*.*"``."""
    parts = [f"{label} ({patterns}),{patterns}" for label, patterns in filters]
    return ",".join(parts + ["All files (*.*),*.*"])


class ExcelUI:
    """The :class:`RibbonUI` in Excel on Windows (xlwings ``app.alert`` and Excel's own
    ``Application`` dialogs through ``app.api``). Only Excel can check this class."""

    def __init__(self, xlbook: Any):
        self.xlbook = xlbook
        self.app = xlbook.app

    def alert(self, text: str, *, error: bool = False) -> None:
        from .workbook.xlwings_book import _limit
        self.app.alert(_limit(text), title=TITLE, buttons="ok",
                       mode="critical" if error else "info")

    def confirm(self, question: str) -> bool:
        from .workbook.xlwings_book import _limit
        return self.app.alert(_limit(question), title=TITLE, buttons="yes_no",
                              mode="critical") == "yes"

    def ask_text(self, prompt: str, default: str = "") -> str | None:
        answer = self.app.api.InputBox(prompt[:PROMPT_LIMIT], TITLE, default)
        if answer is False:  # Cancel
            return None
        return str(answer)

    def choose_open_files(self, title: str, filters: Sequence[FileFilter], *, multi: bool,
                          folder: Path | None) -> list[Path]:
        # GetOpenFilename(FileFilter, FilterIndex, Title, ButtonText, MultiSelect); it starts
        # in Excel's current folder (it has no folder argument).
        answer = self.app.api.GetOpenFilename(_filter_text(filters), 1, title, "", multi)
        if answer is False or answer is None:
            return []
        if isinstance(answer, str):
            return [Path(answer)]
        return [Path(a) for a in answer]

    def choose_save_path(self, title: str, default_name: str, filters: Sequence[FileFilter],
                         *, folder: Path | None) -> Path | None:
        initial = str(folder / default_name) if folder else default_name
        # GetSaveAsFilename(InitialFilename, FileFilter, FilterIndex, Title): it does not ask
        # about replacing an existing file (the handlers do).
        answer = self.app.api.GetSaveAsFilename(initial, _filter_text(filters), 1, title)
        if answer is False or answer is None:
            return None
        return Path(answer)

    def open_workbook(self, path: Path) -> None:
        self.app.books.open(str(path))

    def close_workbook(self) -> None:
        self.xlbook.close()   # xlwings closes without saving

    def show_sheet(self, name: str) -> None:
        with contextlib.suppress(Exception):  # a courtesy: the message says where to look
            self.xlbook.sheets[name].activate()

    def import_functions(self, modules: str) -> str:
        import xlwings

        if not sys.platform.startswith("win"):
            raise InputError("worksheet functions (xlwings UDFs) need Excel on Windows")
        addin = None
        for name in ADDIN_FILES:
            try:
                addin = self.app.books[name]
                break
            except Exception:  # noqa: BLE001 - not loaded under this name
                continue
        if addin is None:
            raise InputError("the ims_xl add-in is not loaded under the name "
                             f"{' or '.join(ADDIN_FILES)}: install it with ims-xl addin "
                             "install and restart Excel")
        try:
            xlwings.import_udfs(modules, addin.api)
        except Exception as exc:  # noqa: BLE001 - most often: VBA project access not trusted
            raise InputError(
                f"Excel did not let ims_xl add the functions ({exc}). Allow it once: File > "
                "Options > Trust Center > Trust Center Settings > Macro Settings > tick "
                "'Trust access to the VBA project object model', then press Import functions "
                "again. (Or, in the VBA editor (Alt+F11), run ImportPythonUDFsToAddin from the "
                "ims_xl project's xlwings module, then save the add-in.)") from None
        try:
            addin.api.Save()
        except Exception as exc:  # noqa: BLE001
            return (f"Imported the worksheet functions ({modules}), but the add-in could not "
                    f"be saved ({exc}): press Import functions again after restarting Excel.")
        return (f"Imported the worksheet functions ({modules}) into the ims_xl add-in and "
                "saved it: BOE_STATUS, BOE_ITC and the others now work in every workbook. "
                "Press Import functions again after updating ims-xl.")

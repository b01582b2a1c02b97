"""The ribbon's jobs as xlwings Lite scripts, on the open workbook.

Each job is the ribbon's own handler (:func:`ims_xl.ribbon.dispatch`), run over
:class:`~ims_xl.lite.book.LiteBook` with :class:`LiteUI` answering the questions the ribbon
would ask in a dialog:

- the files to load are the portal files the accountant dropped into Lite's Files pane
  (``/data``), each kind recognised by its folder or its name (:func:`data_files`);
- exports are written to ``/data/exports``, where Lite's Files pane offers them for download;
- the period of an export is the script's ``period`` box (blank: the period under review);
- the question Recompute asks about new Rejects is answered by the ``keep_new_rejects`` box.

Every job returns the message the ribbon would show; it is also printed to Lite's Output
pane and shown in a message box. Nothing raises out of a job.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import ribbon
from ..problems import InputError
from ..workbook.layout import PERIOD_NAME
from .book import LiteBook

__all__ = ["DATA", "DATA_ENV", "data_folder", "EXPORTS", "KIND_FOLDERS", "data_files",
           "load_data", "reconcile", "fetch_boe", "recompute", "validate", "export", "LiteUI",
           "JOBS"]

DATA = Path("/data")                 # Lite's Files pane (Import/Export)
DATA_ENV = "IMS_XL_LITE_DATA"        # another folder instead (tests, a self-hosted Lite)
EXPORTS = "exports"                  # the folder under DATA that exports go to
LOG = Path(tempfile.gettempdir()) / "ims_xl.log"

# How a file in /data is recognised, by the folder it was dropped in (a dropped folder keeps
# its name) or else by words in its name; the keys are the ribbon's load kinds.
KIND_FOLDERS = {
    "gstr2b": ("gstr2b", "gstr2a", "gstr-2b", "gstr-2a", "ims"),
    "gstr2b_excel": ("gstr2b_excel", "gstr2b-excel"),
    "books": ("books", "purchase", "register"),
    "boe_list": ("boe_list", "boe-list", "icegate", "broker"),
    "actions": ("actions",),
}
_NAME_WORDS = (   # the first that matches wins: "actions" before "boe" (an actions file
    ("actions", ("action",)),                                    # names BoEs too)
    ("books", ("book", "purchase", "register")),
    ("boe_list", ("boe", "icegate", "broker", "bill")),
)
_SUFFIXES = {"gstr2b": {".json"}, "gstr2b_excel": {".xlsx"}, "books": {".csv", ".xlsx"},
             "boe_list": {".csv", ".xlsx"}, "actions": {".csv", ".xlsx"}}


@dataclass
class DataFiles:
    """The files in the data folder, by load kind, and those ims-xl left alone (and why)."""

    by_kind: dict[str, list[Path]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def _kind_of(path: Path, folder: Path) -> str | None:
    suffix = path.suffix.lower()
    parts = [p.lower() for p in path.relative_to(folder).parts[:-1]]
    for kind, names in KIND_FOLDERS.items():
        if any(p in names for p in parts) and suffix in _SUFFIXES[kind]:
            return kind
    name = path.stem.lower()
    if suffix == ".json":
        return "gstr2b"            # GSTR-2B and GSTR-2A downloads are the only JSON we read
    for kind, words in _NAME_WORDS:
        if any(w in name for w in words) and suffix in _SUFFIXES[kind]:
            return kind
    if suffix == ".xlsx" and any(w in name for w in ("2b", "2a", "gstr")):
        return "gstr2b_excel"
    return None


def data_folder() -> Path:
    return Path(os.environ.get(DATA_ENV) or DATA)


def data_files(folder: Path) -> DataFiles:
    """Every file under ``folder`` (exports and hidden files aside), sorted by name."""
    found = DataFiles()
    if not folder.is_dir():
        return found
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder)
        if rel.parts[0] == EXPORTS or any(part.startswith((".", "~$")) for part in rel.parts):
            continue
        kind = _kind_of(path, folder)
        if kind is None:
            found.skipped.append(str(rel))
        else:
            found.by_kind.setdefault(kind, []).append(path)
    return found


class LiteUI:
    """The ribbon's dialogs, answered from the data folder and the script's boxes."""

    def __init__(self, book: LiteBook, *, folder: Path, period: str = "",
                 replace_exports: bool = False):
        self.book = book
        self.folder = Path(folder)
        self.period = (period or "").strip()
        self.replace_exports = replace_exports
        self.files = data_files(self.folder)
        self.notes: list[str] = []   # what the message must add (a file not loaded, why)

    def alert(self, text: str, *, error: bool = False) -> None:
        self.book.alert(text, error=error)

    def confirm(self, question: str) -> bool:
        return self.replace_exports  # the only question left: replace an earlier export?

    def ask_text(self, prompt: str, default: str = "") -> str | None:
        if prompt == ribbon.LOAD_PROMPT:   # which kinds: those found in the folder
            return " ".join(str(i) for i, kind in enumerate(ribbon.LOAD_KINDS, start=1)
                            if kind.key in self.files.by_kind)
        return self.period or default      # the period of an export

    def choose_open_files(self, title: str, filters, *, multi: bool, folder) -> list[Path]:
        for kind in ribbon.LOAD_KINDS:
            if title == f"Load data: {kind.label}":
                files = self.files.by_kind.get(kind.key, [])
                if multi or len(files) <= 1:
                    return files
                # the ribbon loads one file of this kind at a time: the last by name
                self.notes.append(f"{kind.label}: only {files[-1].name} was loaded (one "
                                  "file of this kind at a time); not loaded: "
                                  + ", ".join(p.name for p in files[:-1]))
                return files[-1:]
        return []

    def choose_save_path(self, title: str, default_name: str, filters, *, folder) -> Path:
        target = self.folder / EXPORTS
        target.mkdir(parents=True, exist_ok=True)
        return target / default_name

    def open_workbook(self, path: Path) -> None:
        raise InputError("xlwings Lite cannot open another workbook: open it in Excel")

    def close_workbook(self) -> None:
        raise InputError("xlwings Lite cannot close the workbook: close it in Excel")

    def show_sheet(self, name: str) -> None:
        pass  # the message says which sheet to look at

    def import_functions(self, modules: str) -> str:
        return "In xlwings Lite the worksheet functions come with main.py: nothing to import."


def _run(tag: str, xlbook: Any, *, keep_new_rejects: bool = False, period: str = "",
         replace_exports: bool = False, folder: Path | None = None,
         today: date | None = None, now: datetime | None = None, as_of: date | None = None,
         say=print) -> str:
    book = LiteBook(xlbook, keep_new_rejects=keep_new_rejects, say=say)
    ui = LiteUI(book, folder=Path(folder) if folder else data_folder(), period=period,
                replace_exports=replace_exports)
    message = ribbon.dispatch(tag, book=book, ui=ui, today=today, now=now, as_of=as_of,
                              log_file=LOG)
    notes = list(ui.notes)
    if tag == "load_data" and ui.files.skipped:
        notes.append("Not loaded (not recognised as a portal file, books, BoE list or "
                     "actions; put it in a folder named gstr2b, books, boe_list or "
                     "actions): " + ", ".join(ui.files.skipped))
    if notes:
        extra = "\n\n" + "\n".join(notes)
        book.say(extra.strip())
        message = (message or "") + extra
    return message or ""


def load_data(xlbook: Any, **options: Any) -> str:
    """Load every portal file, books, BoE list and bulk actions file in the data folder."""
    return _run("load_data", xlbook, **options)


def reconcile(xlbook: Any, **options: Any) -> str:
    return _run("reconcile", xlbook, **options)


def fetch_boe(xlbook: Any, **options: Any) -> str:
    return _run("fetch_boe", xlbook, **options)


def validate(xlbook: Any, **options: Any) -> str:
    return _run("validate", xlbook, **options)


def recompute(xlbook: Any, **options: Any) -> str:
    return _run("recompute", xlbook, **options)


EXPORT_FILES: tuple[tuple[str, str], ...] = (   # (export_book keyword, file name pattern)
    ("ims_json", "ims-actions-{period}.json"),
    ("actions_csv", "ims-actions-{period}.csv"),
    ("gstr3b_json", "gstr3b-table4-{period}.json"),
    ("reconciliation", "reconciliation-{period}.csv"),
)


def export(xlbook: Any, *, period: str = "", replace_exports: bool = False,
           folder: Path | None = None, today: date | None = None,
           as_of: date | None = None, say=print, **_ignored: Any) -> str:
    """The period's IMS actions (JSON for a GSP, and the CSV worklist), GSTR-3B Table 4
    lines and the reconciliation, into ``/data/exports``: the ribbon's Export actions and
    Export 3B, and the command line's reconciliation, in one go."""
    book = LiteBook(xlbook, say=say)
    try:
        with book.session():
            message = _export_all(book, period, replace_exports,
                                  Path(folder) if folder else data_folder(), today, as_of)
    except InputError as exc:
        message = f"Export: {exc}" + ribbon._problems_text(exc.problems, skip=str(exc))
        book.alert(message, error=True)
        return message
    except Exception as exc:  # noqa: BLE001 - the accountant sees one line, never a traceback
        message = (f"Export failed unexpectedly: {type(exc).__name__}: {exc}. Nothing else "
                   "was changed.")
        book.alert(message, error=True)
        return message
    book.alert(message)
    return message


def _export_all(book: LiteBook, period_text: str, replace: bool, folder: Path,
                today: date | None, as_of: date | None) -> str:
    from ..periods import Period
    from ..safety.outputs import check_output
    from ..workbook.rows import text

    chosen = period_text.strip() or text(book.read_names([PERIOD_NAME]).get(PERIOD_NAME))
    if not chosen:
        raise InputError("type the period to export in the period box (e.g. 112025 or "
                         "Nov-2025), or Recompute first to set the period under review. "
                         "Nothing was exported.")
    try:
        period = Period.from_user(chosen)
    except ValueError as exc:
        raise InputError(f"{exc}. Nothing was exported.") from None
    target = folder / EXPORTS
    target.mkdir(parents=True, exist_ok=True)
    lines = []
    for keyword, pattern in EXPORT_FILES:
        path = target / pattern.format(period=period)
        if path.exists() and not replace:
            raise InputError(f"{path.name} is in the {EXPORTS} folder already: tick "
                             "replace_exports to replace it (or delete it in the Files "
                             "pane). Nothing was exported.")
        check_output(path, inputs=[], force=True, option="the export")
        lines.append(ribbon.export_from_book(book, period, as_of=as_of, today=today,
                                             **{keyword: str(path)}))
    return "\n".join(lines) + f"\nDownload them from Lite's Files pane ({EXPORTS} folder)."


JOBS: dict[str, Callable[..., str]] = {
    "load_data": load_data, "reconcile": reconcile, "fetch_boe": fetch_boe,
    "validate": validate, "recompute": recompute, "export": export,
}


def job_names() -> Sequence[str]:
    return tuple(JOBS)


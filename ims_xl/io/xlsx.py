"""Opening untrusted Excel workbooks (``.xlsx``, ``.xlsm``) safely.

Before any spreadsheet library sees the file, :func:`check_workbook` looks at it:

* What it is, by its first bytes, not its name: an old ``.xls`` or a password-protected
  workbook (both OLE2 files), a web page saved with an Excel name (common for portal
  downloads), a ``.xlsb`` or any other zip (a Word file, a zipped folder) are refused with a
  ``NOT_A_WORKBOOK`` problem saying how to save the file as ``.xlsx``.
* Zip bombs: the members' declared sizes must add up to at most ``max_total`` bytes (2 GB:
  a 100,000-row ims-xl workbook unpacks to about 360 MB)
  and a member over ``ratio_min_size`` (10 MB) may not unpack to more than ``max_ratio``
  (100) times its packed size (``ZIP_BOMB``). Every member is then read through once in 1 MB
  pieces (Python's zip reader never unpacks past the declared size and checks the CRC), so a
  member that lies about its size is caught (``WORKBOOK_DAMAGED``) and memory stays small.
* XML entities: a ``<!DOCTYPE`` in any XML part (the "billion laughs" entity bomb, external
  entities) is refused (``XML_ENTITIES``): Excel never writes one. openpyxl also parses sheets
  with defusedxml (``openpyxl.DEFUSEDXML``) and other parts with lxml without entity
  resolution, and calamine does not expand entities, so this is a third wall, and it gives
  the clearer message.
* Sheet extent: a sheet whose cells span more than ``max_cells`` (10 million) cells, counted
  from A1 to the furthest cell, is refused (``SHEET_TOO_BIG``): two cells at A1 and
  XFD1048576 would make a reader build a grid of 17 billion cells (calamine allocates it in
  one piece and aborts the process). Every part a reader could take for a sheet is read,
  whatever its name (:mod:`ims_xl.io.xlsx_parts` follows the relationships), and each cell
  is placed where calamine or openpyxl would put it, in either quoting, with or without a
  reference (:mod:`ims_xl.io.sheet_reach`); the ``<dimension>`` counts too. A reference Excel
  never writes (``xfd1``, ``$A$1``, ``A01``) or a sheet not in UTF-8 is refused
  (``WORKBOOK_DAMAGED``).
* A part name the zip holds twice (compared as calamine does: case-blind) is refused
  (``PART_REPEATED``): which copy a reader takes cannot be known. A shared-strings part
  declaring more texts than it holds is refused: calamine sets memory aside for all of them.

Reading uses python-calamine (fast, Rust) and falls back to openpyxl (read-only, cached
values) when calamine is missing or fails. Formulas are never evaluated: a formula cell gives
the value Excel saved with it, and text such as ``=HYPERLINK(...)`` stays text. Empty cells
are ``None``; numbers come as ``int``/``float`` (the loaders turn them into Decimal);
date-formatted cells as ``date``/``datetime``.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..problems import Problem
from .cells import Codes
from .sheet_reach import BOX, ExactReach, FastReach, OddSheet, cell_ref, encoding_problem
from .xlsx_parts import layout, normalised

__all__ = ["Limits", "Workbook", "check_workbook", "open_workbook", "sniff_kind"]

_MB = 1024 * 1024
_CHUNK = _MB
_PROLOG_BYTES = 64 * 1024
_PARSE_FIRST_MAX = 10 * _MB   # workbook.xml and its rels, parsed before they are read through


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety limits; tests lower them to exercise the checks on small files."""

    max_total: int = 2048 * _MB      # all members together, unpacked
    max_ratio: int = 100             # unpacked / packed, for members over ratio_min_size
    ratio_min_size: int = 10 * _MB
    max_cells: int = 10_000_000      # per sheet, A1 to the furthest cell
    max_members: int = 10_000
    max_file: int = 200 * _MB        # the file itself (also used for CSV and JSON)


DEFAULT_LIMITS = Limits()

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_WORKBOOK_TYPES = (
    b"spreadsheetml.sheet.main+xml", b"spreadsheetml.template.main+xml",
    b"ms-excel.sheet.macroEnabled.main+xml", b"ms-excel.template.macroEnabled.main+xml",
)
_SAVE_AS = "Open it in Excel and use File > Save As > Excel Workbook (.xlsx)."
_PROLOG_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)


def sniff_kind(head: bytes) -> str:
    """``zip``, ``ole``, ``html``, ``xml2003``, ``empty`` or ``other`` from a file's first bytes.

    >>> sniff_kind(b'PK\\x03\\x04rest'), sniff_kind(b'  <html><body>'), sniff_kind(b'a,b')
    ('zip', 'html', 'other')
    """
    if not head.strip():
        return "empty"
    if head.startswith(_ZIP_MAGICS):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in lowered:
        return "xml2003"
    if lowered.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) and (
            b"<html" in lowered or b"<table" in lowered):
        return "html"
    return "other"


def _declares_doctype(head: bytes) -> bool:
    """Whether an XML part's prolog holds a DOCTYPE (or is too odd to tell)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("latin-1")
    text = text.lstrip("\ufeff\u00ef\u00bb\u00bf")
    pos = 0
    while True:
        m = _PROLOG_SKIP.match(text, pos)
        if not m:
            break
        pos = m.end()
    rest = text[pos:pos + 9]
    if rest[:2] == "<!":
        return True  # <!DOCTYPE, <!ENTITY or anything else that is not a comment
    if not rest:
        return len(head) >= _PROLOG_BYTES  # prolog longer than 64 KB: refuse
    return False


def _problem(display: str, message: str, fix: str, code: str, value: str | None = None
             ) -> Problem:
    return Problem(display, message, fix, value=value, code=code)


def check_workbook(path: Path, display: str | None = None,
                   limits: Limits = DEFAULT_LIMITS, *,
                   sheets: Collection[str] | None = None) -> list[Problem]:
    """The problems that make the file unsafe or impossible to open as a workbook; an empty
    list means it may be opened. Never raises.

    ``sheets``: the names of the only sheets the caller will read. Every member still gets
    the cheap checks (sizes, ratio, encryption, content types, the XML prolog) and every part
    but the other sheets' worksheets is read through; those, which the caller never unpacks,
    are not (no CRC or cell reach: at 100,000 rows History, Books and Reconciliation cost
    half a second). ``None`` (the default) reads through every member."""
    path = Path(path)
    display = display or path.name
    try:
        if not path.is_file():
            what = "This is a folder, not a file." if path.is_dir() else "The file does not exist."
            return [_problem(display, what, "Check the file name and folder.",
                             Codes.FILE_NOT_FOUND)]
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        return [_problem(display, f"The file cannot be read: {exc.strerror or exc}.",
                         "Close it in other programs and check you may read it.",
                         Codes.FILE_UNREADABLE)]
    if size > limits.max_file:
        return [_problem(display, f"The file is {size // _MB} MB, over the limit of "
                         f"{limits.max_file // _MB} MB.", "Split it into smaller files.",
                         Codes.FILE_TOO_BIG)]
    kind = sniff_kind(head)
    if kind == "empty":
        return [_problem(display, "The file is empty.", "Export or save it again.",
                         Codes.FILE_EMPTY)]
    if kind == "ole":
        try:
            with open(path, "rb") as fh:
                encrypted = "EncryptedPackage".encode("utf-16-le") in fh.read(4 * _MB)
        except OSError:  # pragma: no cover - it was readable a moment ago
            encrypted = False
        if encrypted:
            return [_problem(display, "The workbook is protected with a password.",
                             "Open it in Excel, remove the password (File > Info > Protect "
                             "Workbook) and save it again.", Codes.NOT_A_WORKBOOK)]
        return [_problem(display, "This is an old Excel 97-2003 (.xls) file, which is not "
                         "read.", _SAVE_AS, Codes.NOT_A_WORKBOOK)]
    if kind == "xml2003":
        return [_problem(display, "This is an Excel 2003 XML spreadsheet, which is not read.",
                         _SAVE_AS, Codes.NOT_A_WORKBOOK)]
    if kind == "html":
        return [_problem(display, "This is a web page (HTML), not a workbook or CSV file "
                         "(some portals save their downloads this way).", _SAVE_AS,
                         Codes.NOT_A_WORKBOOK)]
    if kind != "zip":
        return [_problem(display, "This is not an Excel workbook (.xlsx).",
                         "Choose the .xlsx file, or " + _SAVE_AS[0].lower() + _SAVE_AS[1:],
                         Codes.NOT_A_WORKBOOK)]
    try:
        with zipfile.ZipFile(path) as zf:
            return _check_zip(zf, display, limits, sheets)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        return [_problem(display, f"The workbook is damaged ({exc}).",
                         "Download or save it again.", Codes.WORKBOOK_DAMAGED)]


def _check_zip(zf: zipfile.ZipFile, display: str, limits: Limits,
               sheets: Collection[str] | None = None) -> list[Problem]:
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        return [_problem(display, f"The file holds {len(infos)} parts; a workbook has far "
                         "fewer.", "Check that this is the right file.", Codes.ZIP_BOMB)]
    repeated = _repeated_part(infos)
    if repeated is not None:
        return [_problem(display, f"The file holds two parts named {repeated}, and which one "
                         "a reader takes cannot be known (Excel never writes this).",
                         _TAMPERED, Codes.PART_REPEATED, value=repeated)]
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        return [_problem(display, "This is a zip file but not an Excel workbook.",
                         "Choose the .xlsx file.", Codes.NOT_A_WORKBOOK)]
    total = sum(info.file_size for info in infos)
    if total > limits.max_total:
        return [_problem(display, f"The workbook unpacks to {total // _MB} MB, over the limit "
                         f"of {limits.max_total // _MB} MB (a 'zip bomb', or far too big).",
                         "Check where the file came from; split real data into smaller "
                         "workbooks.", Codes.ZIP_BOMB, value=f"{total} bytes")]
    for info in infos:
        if info.flag_bits & 0x1:
            return [_problem(display, "Parts of the file are encrypted.",
                             "Save the workbook again without a password.",
                             Codes.NOT_A_WORKBOOK, value=info.filename)]
        if info.file_size > limits.ratio_min_size and \
                info.file_size > limits.max_ratio * max(info.compress_size, 1):
            return [_problem(
                display, f"Part {info.filename} unpacks to {info.file_size // _MB} MB from "
                f"{info.compress_size} bytes, {info.file_size // max(info.compress_size, 1)} "
                f"times its packed size (a 'zip bomb').",
                "Do not open this file; ask the sender for the original.", Codes.ZIP_BOMB,
                value=info.filename)]
    if zf.getinfo("[Content_Types].xml").file_size > _PARSE_FIRST_MAX:
        return [_problem(display, "Part [Content_Types].xml is over "
                         f"{_PARSE_FIRST_MAX // _MB} MB; Excel writes a few kilobytes.",
                         _TAMPERED, Codes.WORKBOOK_DAMAGED, value="[Content_Types].xml")]
    content_types = zf.read("[Content_Types].xml")
    if _declares_doctype(content_types[:_PROLOG_BYTES]):
        return [_entity_problem(display, "[Content_Types].xml")]
    if "xl/workbook.bin" in names:
        return [_problem(display, "This is an Excel binary workbook (.xlsb), which is not "
                         "read.", _SAVE_AS, Codes.NOT_A_WORKBOOK)]
    if not any(t in content_types for t in _WORKBOOK_TYPES):
        return [_problem(display, "This is an Office file but not an Excel workbook.",
                         "Choose the .xlsx file.", Codes.NOT_A_WORKBOOK)]
    parts = layout(zf, content_types)
    # a part that is also the shared strings is read whatever the caller reads
    skip = set() if sheets is None else parts.unread(set(sheets)) - parts.strings
    for info in infos:
        name = info.filename
        sheet = None if name not in parts.sheets else "sheet" if parts.complete else \
            "sheet?"   # every part is taken for a sheet: those that are not XML are not
        problem = _read_through(zf, info, display, limits, prolog_only=name in skip,
                                sheet=sheet, strings=name in parts.strings,
                                title=parts.sheets.get(name))
        if problem:
            return [problem]
    return []


_TAMPERED = ("Do not use this file: ask the sender for the original, or open it in Excel and "
             "save it again.")


def _repeated_part(infos: list[zipfile.ZipInfo]) -> str | None:
    """A part name the zip holds twice (as calamine compares names: case-blind, ``\\`` as
    ``/``): one reader may take the first copy and another the second, so what the check
    reads is not what a reader reads."""
    seen: set[str] = set()
    for info in infos:
        key = normalised(info.filename)
        if key in seen:
            return info.filename
        seen.add(key)
    return None


def _entity_problem(display: str, member: str) -> Problem:
    return _problem(display, f"Part {member} declares XML entities (<!DOCTYPE>), which Excel "
                    "never writes: this can be an attack (a 'billion laughs' entity bomb).",
                    "Do not open this file; ask the sender for the original.",
                    Codes.XML_ENTITIES, value=member)


def _looks_like_xml(head: bytes) -> bool:
    """Whether a part's first bytes may be XML (in UTF-8, UTF-16 or UTF-32)."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<" or \
        head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"<\x00", b"\x00<"))


def _read_through(zf: zipfile.ZipFile, info: zipfile.ZipInfo, display: str,
                  limits: Limits, prolog_only: bool = False, sheet: str | None = None,
                  strings: bool = False, title: str | None = None) -> Problem | None:
    """Unpack one member in pieces: checks its CRC and size, its XML prolog and, for a
    sheet part (``sheet="sheet"``; ``"sheet?"`` when only its being XML makes it one), how
    far its cells reach; for a shared-strings part, the count of texts it declares.
    ``prolog_only``: only the first piece, for the entity check."""
    name = info.filename
    what = f"The sheet '{title}' ({name})" if title else f"A sheet ({name})"
    is_xml = sheet == "sheet" or strings or name.lower().endswith((".xml", ".rels", ".vml"))
    reach = None if sheet is None else FastReach() if limits.max_cells >= BOX[0] * BOX[1] \
        else ExactReach()
    texts = _StringsCount() if strings else None
    first = True
    try:
        with zf.open(info) as member:
            while True:
                chunk = member.read(_PROLOG_BYTES if prolog_only else _CHUNK)
                if first:
                    first = False
                    looks_xml = _looks_like_xml(chunk)
                    if (is_xml or looks_xml) and _declares_doctype(chunk[:_PROLOG_BYTES]):
                        return _entity_problem(display, name)
                    if prolog_only:
                        break
                    if sheet == "sheet?" and not looks_xml:
                        reach = None   # an image or a binary part, not a sheet
                    if reach is not None:
                        why = encoding_problem(chunk[:_PROLOG_BYTES])
                        if why:
                            return _odd_sheet(display, what, OddSheet(why), name)
                if texts is not None:
                    texts.feed(chunk)
                if reach is not None and not reach.gave_up and \
                        not reach.feed(chunk, last=not chunk) and texts is None:
                    break   # not an ordinary sheet: read exactly below
                if not chunk:
                    break
        if reach is not None and isinstance(reach, FastReach) and \
                not _fast_reach_settles(reach, limits):
            reach = ExactReach()
            with zf.open(info) as member:
                while True:
                    chunk = member.read(_CHUNK)
                    reach.feed(chunk, last=not chunk)
                    if not chunk:
                        break
    except OddSheet as exc:
        return _odd_sheet(display, what, exc, name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        return _problem(display, f"The workbook is damaged: part {name} cannot be unpacked "
                        f"({exc}).", "Download or save it again.", Codes.WORKBOOK_DAMAGED,
                        value=name)
    if reach is not None:
        col, row = reach.bound()
        if col * row > limits.max_cells:
            return _problem(display, f"{what} reaches cell row {row}, column {col} "
                            f"({cell_ref(col, row)}): over {limits.max_cells:,} cells, far more than "
                            "can be read.",
                            "Delete the empty rows and columns after the data and save again.",
                            Codes.SHEET_TOO_BIG, value=name)
    if texts is not None and texts.declared is not None and \
            texts.declared > texts.texts + _STRINGS_SLACK:
        return _problem(display, f"Part {name} says it holds {texts.declared:,} texts but "
                        f"holds {texts.texts:,} (a reader would set aside memory for all of "
                        "them).", _TAMPERED, Codes.WORKBOOK_DAMAGED, value=name)
    return None


def _fast_reach_settles(reach: FastReach, limits: Limits) -> bool:
    """Whether the fast reading is enough: it read the whole part, and either the cells it
    did not read cannot matter or the ones it read are already too many."""
    if reach.gave_up:
        return False
    col, row = reach.bound()
    return col * row <= limits.max_cells or reach.col * reach.row > limits.max_cells


def _odd_sheet(display: str, what: str, exc: OddSheet, name: str) -> Problem:
    shown = f" ('{exc.value}')" if exc.value else ""
    return _problem(display, f"{what} {exc}{shown}: a damaged or tampered file.", _TAMPERED,
                    Codes.WORKBOOK_DAMAGED, value=name)


_STRINGS_SLACK = 1_000_000   # texts declared beyond those held: 24 MB set aside at most
_SST_TAG = re.compile(rb"<(?:[^\s<>/!?:]+:)?sst[\s/>]")
_UNIQUE_COUNT = re.compile(rb"""[\s"']uniqueCount\s*=\s*["']\s*\+?([0-9]{1,20})""")


class _StringsCount:
    """A shared-strings part's declared ``uniqueCount`` (calamine sets aside that many
    strings before reading one) and how many ``<si>`` it can hold at most."""

    def __init__(self) -> None:
        self.declared: int | None = None
        self.texts = 0
        self._tail = b""
        self._first = True

    def feed(self, chunk: bytes) -> None:
        piece = self._tail + chunk
        if self._first:
            self._first = False
            tag = _SST_TAG.search(piece)
            if tag is not None:
                end = piece.find(b">", tag.end() - 1)
                m = _UNIQUE_COUNT.search(piece, tag.start(), end if end >= 0 else len(piece))
                if m is not None:
                    self.declared = int(m.group(1))
        self.texts += piece.count(b"<si") + piece.count(b":si")
        self._tail = piece[-2:]


class Workbook:
    """A checked workbook open for reading: :attr:`sheet_names` and :meth:`rows`."""

    def __init__(self, path: Path, display: str, engine: str = "auto"):
        self.path = Path(path)
        self.display = display
        self._calamine = None
        self._openpyxl = None
        self._requested = engine
        self.engine = engine
        if engine in ("auto", "calamine"):
            try:
                import python_calamine
                self._calamine = python_calamine.CalamineWorkbook.from_path(str(self.path))
                self.engine = "calamine"
            except ImportError:
                if engine == "calamine":
                    raise
            except Exception:  # noqa: BLE001 - calamine's errors are not one class
                if engine == "calamine":
                    raise
        if self._calamine is None:
            self._open_openpyxl()

    def _open_openpyxl(self) -> None:
        import openpyxl
        self._openpyxl = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        self.engine = "openpyxl"

    @property
    def sheet_names(self) -> list[str]:
        if self._calamine is not None:
            return list(self._calamine.sheet_names)
        return [ws.title for ws in self._openpyxl.worksheets]

    def rows(self, name: str) -> list[list[Any]]:
        """The sheet's cells from A1, row by row (``None`` for empty)."""
        if self._calamine is not None:
            try:
                grid = self._calamine.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception:  # noqa: BLE001 - try openpyxl before giving up
                if self._requested == "calamine":
                    raise
                self._open_openpyxl_after_calamine()
                return self.rows(name)
            return [[None if v == "" else v for v in row] for row in grid]
        ws = self._openpyxl[name]
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # a wrong <dimension> must not cut rows off
        out = []
        for row in ws.iter_rows(values_only=True):
            out.append([None if v == "" else v for v in row])
        return out

    def _open_openpyxl_after_calamine(self) -> None:
        calamine, self._calamine = self._calamine, None
        try:
            self._open_openpyxl()
        except Exception:
            self._calamine = calamine
            raise
        _close(calamine)

    def close(self) -> None:
        _close(self._calamine)
        if self._openpyxl is not None:
            self._openpyxl.close()
        self._calamine = self._openpyxl = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _close(calamine: Any) -> None:
    if calamine is not None and hasattr(calamine, "close"):
        try:
            calamine.close()
        except Exception:  # noqa: BLE001 - closing a reader must not hide the real result
            pass


def _unreadable(display: str, exc: BaseException) -> Problem:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return _problem(display, f"The workbook cannot be read ({text[:200]}).",
                    "Open it in Excel, save it again as .xlsx and retry.",
                    Codes.WORKBOOK_DAMAGED)


def open_workbook(path: Path, display: str | None = None, *,
                  limits: Limits = DEFAULT_LIMITS, engine: str = "auto",
                  checked: bool = True) -> tuple[Workbook | None, list[Problem]]:
    """The checked, opened workbook, or None and the problems; never raises.

    ``engine``: ``auto`` (calamine, else openpyxl), ``calamine`` or ``openpyxl``.
    ``checked=False`` skips :func:`check_workbook` (tests use it to prove the readers' own
    defences); never do this for a user's file.
    """
    display = display or Path(path).name
    if checked:
        problems = check_workbook(path, display, limits)
        if problems:
            return None, problems
    try:
        return Workbook(Path(path), display, engine), []
    except Exception as exc:  # noqa: BLE001 - any reader failure is a problem, not a crash
        return None, [_unreadable(display, exc)]


def read_sheets(workbook: Workbook, names: list[str]) -> Iterator[tuple[str, list[list[Any]] | None,
                                                                         Problem | None]]:
    """``(name, rows, problem)`` per sheet; a sheet that cannot be read gives a problem."""
    for name in names:
        try:
            yield name, workbook.rows(name), None
        except Exception as exc:  # noqa: BLE001
            yield name, None, _unreadable(workbook.display, exc)

"""GSTR-2B JSON downloads (and GSTR-2A import sections): the BoE versions in them.

Accepted shapes
    ``{chksum, data: {gstin, rtnprd, version, gendt, fc, docdata: {...}}}`` as downloaded, the
    same without the ``data`` wrapper, and a list of such documents (parts saved together).
    The sections may also stand directly beside ``gstin`` (no ``docdata``). Only the import
    sections are read; B2B, ISD and the summaries are ignored.

Sections
    ``impg[]``: ``{refdt, recdt, portcode, boenum, boedt, isamd, txval, igst, cess}``.
    ``impgsez[]``: ``{ctin, trdnm, boe: [rows as impg]}`` grouped by SEZ supplier (a flat row
    with its own ``ctin`` is read too). Amendments are rows with ``isamd: "Y"`` inside those,
    or the separate lists ``impga`` (IMPG) and ``impgasez``/``impgseza`` (IMPGSEZ).
    GSTR-2A spellings are accepted: ``portcd``, ``benum``, ``bedt``, ``amd``, ``iamt``,
    ``csamt``, SEZ supplier ``sgstin``/``tdname``, period ``fp``/``ret_period``.
    A row's own ``gstin`` is that version's importer GSTIN (a GSTIN amendment: customs moved
    the BoE to another GSTIN; the portal's key for it is not public, see docs/formats.md);
    without it a row has the file's GSTIN.
    Dates are ``DD-MM-YYYY`` (any form :func:`ims_xl.dates.parse_date` reads); amounts are
    read as exact decimals straight from the JSON text (``123.02`` is ``Decimal('123.02')``);
    a missing or null amount is 0 (the portal leaves nil amounts out).

GSTR-2A or GSTR-2B
    A file with a generation date (``gendt``) or the period as ``rtnprd`` is a GSTR-2B: since
    IMS it leaves out the BoEs kept pending, so a BoE missing from it may just be pending.
    Otherwise it is a GSTR-2A (``fp``, no ``gendt``), which lists every BoE customs sent:
    ``Gstr2bFile.complete`` says which, and ``source`` is ``gstr2a:<file>`` or ``gstr2b:<file>``.

Several files
    Parts of one download (``fc`` = file count) and files of different periods may be given
    together: every record gets its own file's ``rtnprd`` as ``period`` and ``gstin`` as
    ``importer_gstin``. The same file given twice is read once (``FILE_REPEATED``); fewer parts
    than ``fc`` says give ``PARTS_MISSING``; files of different GSTINs give ``GSTIN_MIXED``.

Problems, never exceptions
    Every problem names the file, the place as a JSON path inside ``data`` in ``row``
    (``docdata.impg[3]``, ``docdata.impgsez[0].boe[2]``), the key in ``column`` and the value.
    A file that is not JSON or is cut off (``NOT_JSON``, with its line number in ``row``), is
    empty (``FILE_EMPTY``), is missing or unreadable (``FILE_NOT_FOUND``,
    ``FILE_UNREADABLE``): no records from it, the other files are still read. Wrong types
    (``impg`` an object or a number, a row that is a list: ``JSON_SHAPE``) lose only what they
    spoil. A GSTIN that fails its check character (GSTN's own sample ``01AABCE2207R1Z5`` does)
    is a warning (``GSTIN_INVALID``); the rules report it on the records too. A file that is not
    UTF-8 is read as Windows-1252 with a warning (``ENCODING_GUESSED``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..identifiers import gstin as _gstin
from ..models import BoeVersion, Section, Severity
from ..periods import Period
from ..problems import Problem
from .. import strict_json
from . import csvtext
from .cells import (
    Codes,
    IdMaker,
    cell_text,
    internal_problem,
    raw_text,
    read_date,
    read_yes_no,
    tidy,
)
from .records import gstin_text, make_version
from .xlsx import DEFAULT_LIMITS, Limits

__all__ = ["Gstr2bFile", "Gstr2bLoad", "load_gstr2b_json", "SECTION_KEYS"]

# JSON list name -> (section family, amendment forced)
SECTION_KEYS: dict[str, tuple[Section, bool]] = {
    "impg": (Section.IMPG, False),
    "impga": (Section.IMPG, True),
    "impgsez": (Section.IMPGSEZ, False),
    "impgasez": (Section.IMPGSEZ, True),
    "impgseza": (Section.IMPGSEZ, True),
}
# field -> JSON keys, GSTR-2B spelling first
_KEYS: dict[str, tuple[str, ...]] = {
    "port_code": ("portcode", "portcd", "port_code"),
    "boe_number": ("boenum", "benum", "boe_num", "boeno"),
    "boe_date": ("boedt", "bedt", "boe_dt"),
    "ref_date": ("refdt", "ref_dt"),
    "taxable_value": ("txval",),
    "igst": ("igst", "iamt"),
    "cess": ("cess", "csamt"),
    "amendment": ("isamd", "amd"),
    "supplier_gstin": ("ctin", "sgstin"),
    "supplier_name": ("trdnm", "tdname"),
}
_ROW_KEYS = frozenset(k for name in ("port_code", "boe_number", "boe_date", "ref_date")
                      for k in _KEYS[name])
_PERIOD_KEYS = ("rtnprd", "ret_period", "fp", "rtn_prd")


@dataclass(frozen=True, slots=True)
class Gstr2bFile:
    """What one file says about itself."""

    file: str
    gstin: str = ""
    period: Period | None = None
    gendt: date | None = None
    version: str = ""
    file_count: int | None = None     # ``fc``: parts of the download
    records: int = 0
    complete: bool = False            # a GSTR-2A: every BoE customs sent (see the notes)


@dataclass(slots=True)
class Gstr2bLoad:
    """The versions read from GSTR-2B files, the problems met, and each file's details."""

    records: list[BoeVersion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Gstr2bFile] = field(default_factory=list)

    @property
    def gstin(self) -> str | None:
        """The first file's GSTIN (see ``GSTIN_MIXED`` when files differ)."""
        return next((f.gstin for f in self.files if f.gstin), None)

    @property
    def periods(self) -> list[Period]:
        return sorted({f.period for f in self.files if f.period is not None})

    @property
    def rtnprd(self) -> Period | None:
        """The return period when every file has the same one, else None."""
        periods = self.periods
        return periods[0] if len(periods) == 1 else None

    @property
    def gendt(self) -> date | None:
        """The latest generation date among the files."""
        dates = [f.gendt for f in self.files if f.gendt is not None]
        return max(dates) if dates else None

    @property
    def file_count(self) -> int:
        """The number of files read (repeats and unreadable files not counted)."""
        return len(self.files)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def _paths(paths: Path | str | Iterable[Path | str]) -> list[Path]:
    if isinstance(paths, (str, Path)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def load_gstr2b_json(paths: Path | str | Iterable[Path | str], *,
                     limits: Limits = DEFAULT_LIMITS) -> Gstr2bLoad:
    """Read one or more GSTR-2B JSON files; never raises (see the module's notes)."""
    out = Gstr2bLoad()
    ids = IdMaker()
    seen: dict[str, str] = {}
    for path in _paths(paths):
        display = path.name
        data = csvtext.read_bytes(path, display, out.problems, max_bytes=limits.max_file)
        if data is None:
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            out.problems.append(Problem(
                display, f"This file is the same as {seen[digest]}: it was read once.",
                "Give each downloaded part once.", severity=Severity.WARNING,
                code=Codes.FILE_REPEATED))
            continue
        seen[digest] = display
        try:
            _read_file(data, display, ids, out)
        except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback
            out.problems.append(internal_problem(display, exc))
    _check_files(out)
    tidy(out.problems)
    return out


def _read_file(data: bytes, display: str, ids: IdMaker, out: Gstr2bLoad) -> None:
    if not data.strip():
        out.problems.append(Problem(display, "The file is empty.",
                                    "Download the GSTR-2B again.", code=Codes.FILE_EMPTY))
        return
    text, _, guessed = csvtext.decode(data)
    if guessed is not None:
        out.problems.append(Problem(
            display, "The file is not UTF-8: it was read as Windows-1252.",
            "Check names with accents; download the file again if they look wrong.",
            row=guessed, severity=Severity.WARNING, code=Codes.ENCODING_GUESSED))
    try:
        doc = strict_json.loads(text, parse_float=Decimal, parse_constant=str)
    except strict_json.RepeatedKey as exc:
        # No row: nothing of the file is used (which of the two values is meant is unknown).
        where = f"in {exc.where}" if exc.where else "at the top level"
        out.problems.append(Problem(
            display, f"The file gives the key '{exc.key}' twice {where}, so which value is "
            "meant cannot be known.",
            "Download the GSTR-2B JSON again from the GST portal.", value=exc.key,
            code=Codes.KEY_REPEATED))
        return
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        why = (f"it ends in the middle (line {exc.lineno}), as if cut off during download"
               if cut else f"{exc.msg} (line {exc.lineno}, column {exc.colno})")
        # No row: nothing of the file was read (callers stop on row-less errors).
        out.problems.append(Problem(
            display, f"The file is not valid JSON: {why}.",
            "Download the GSTR-2B JSON again from the GST portal.", code=Codes.NOT_JSON))
        return
    except (ValueError, RecursionError) as exc:
        out.problems.append(Problem(
            display, f"The file is not valid JSON ({str(exc)[:120] or 'nested too deeply'}).",
            "Download the GSTR-2B JSON again from the GST portal.", code=Codes.NOT_JSON))
        return
    if isinstance(doc, list) and doc and all(isinstance(d, dict) for d in doc):
        for i, part in enumerate(doc):
            _read_document(part, display, f"[{i}].", ids, out)
        return
    if not isinstance(doc, dict):
        out.problems.append(Problem(
            display, f"The file holds {_kind(doc)}, not a GSTR-2B (an object with 'data').",
            "Check that this is the GSTR-2B JSON download.", value=raw_text(doc)[:80],
            code=Codes.JSON_SHAPE))
        return
    _read_document(doc, display, "", ids, out)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return "a number"


def _first(obj: dict, name: str) -> tuple[str, Any]:
    """``(key, value)`` of the first key present for a field (the 2B spelling when none)."""
    for key in _KEYS[name]:
        if key in obj:
            return key, obj[key]
    return _KEYS[name][0], None


def _read_document(doc: dict, display: str, prefix: str, ids: IdMaker, out: Gstr2bLoad) -> None:
    """One GSTR-2B (or 2A) document: its header (GSTIN, period, generation date, file count),
    then the records of its sections; every oddity is a problem naming the key."""
    env = doc.get("data") if isinstance(doc.get("data"), dict) else doc
    top = prefix.rstrip(".") or None  # the place of file-level keys: the top, or a list item
    known = {"gstin", "docdata", *_PERIOD_KEYS, *SECTION_KEYS}
    if not any(k in env for k in known):
        out.problems.append(Problem(
            display, "This JSON is not a GSTR-2B: it has no 'gstin', 'rtnprd' or 'docdata'.",
            "Check that this is the GSTR-2B JSON download.",
            row=top,
            value=", ".join(list(map(str, env))[:8]), code=Codes.JSON_SHAPE))
        return
    problems = out.problems
    gstin = _document_gstin(env, display, top, problems)
    key = next((k for k in _PERIOD_KEYS if k in env), "rtnprd")
    period = _document_period(env, key, display, top, problems)
    gendt = _generation_date(env, display, top, problems)
    file_count = _file_count(env, display, top, problems)
    container, base = _sections_container(env, display, top, problems)

    complete = gendt is None and key != "rtnprd"   # a GSTR-2A, not a GSTR-2B
    source = f"{'gstr2a' if complete else 'gstr2b'}:{display}"
    before = len(out.records)
    ctx = _Ctx(display, out, ids, period, gstin, source)
    if container is not None:
        for name, (section, forced) in SECTION_KEYS.items():
            if name in container:
                path = prefix + (f"{base}.{name}" if base else name)
                _read_section(ctx, container[name], path, name, section, forced)
    out.files.append(Gstr2bFile(display, gstin, period, gendt,
                                cell_text(env.get("version")) if isinstance(
                                    env.get("version"), (str, int, float, Decimal)) else "",
                                file_count, len(out.records) - before, complete))


def _document_gstin(env: dict, display: str, top: str | None, problems: list[Problem]) -> str:
    """The importer GSTIN the file is for ('' when it names none: a warning)."""
    raw_gstin = env.get("gstin")
    if isinstance(raw_gstin, str) and raw_gstin.strip():
        gstin = gstin_text(raw_gstin)
        why = _gstin.problem(gstin)
        if why:
            problems.append(Problem(display, why, "The records are read; check the GSTIN "
                                    "against your registration.", row=top,
                                    column="gstin", value=raw_gstin, severity=Severity.WARNING,
                                    code=Codes.GSTIN_INVALID))
        return gstin
    problems.append(Problem(
        display, "The file has no GSTIN ('gstin').", "The records are read without an "
        "importer GSTIN.", row=top, column="gstin",
        value=None if raw_gstin is None else raw_text(raw_gstin),
        severity=Severity.WARNING, code=Codes.GSTIN_INVALID))
    return ""


def _document_period(env: dict, key: str, display: str, top: str | None,
                     problems: list[Problem]) -> Period | None:
    """The return period under ``key`` (None, with a warning, when missing or unreadable:
    each record's period then comes from its reference date)."""
    raw_period = env.get(key)
    if raw_period is None:
        problems.append(Problem(
            display, "The file has no return period ('rtnprd').",
            "Each record's period is taken from its reference date.", row=top,
            column=key, severity=Severity.WARNING, code=Codes.PERIOD_MISSING))
        return None
    try:
        if isinstance(raw_period, (dict, list, bool)):
            raise ValueError(f"period {raw_text(raw_period)!r} is not MMYYYY")
        return Period.parse(cell_text(raw_period))
    except ValueError as exc:
        problems.append(Problem(
            display, f"The return period is not readable: {exc}.",
            "Each record's period is taken from its reference date.", row=top,
            column=key, value=raw_text(raw_period), severity=Severity.WARNING,
            code=Codes.PERIOD_MISSING))
        return None


def _generation_date(env: dict, display: str, top: str | None,
                     problems: list[Problem]) -> date | None:
    """``gendt``: a GSTR-2B has one, a GSTR-2A none."""
    raw = env.get("gendt")
    gendt, why = read_date(raw) if not isinstance(raw, (dict, list)) else (None, "not a date")
    if why:
        problems.append(Problem(display, f"Generation date: {why}",
                                row=top, column="gendt",
                                value=raw_text(raw), severity=Severity.WARNING,
                                code=Codes.DATE_INVALID))
    return gendt


def _file_count(env: dict, display: str, top: str | None, problems: list[Problem]) -> int | None:
    """``fc``: how many files the portal split the download into (None when not given)."""
    fc = env.get("fc")
    if fc is None:
        return None
    text = cell_text(fc) if not isinstance(fc, (dict, list, bool)) else ""
    if text.isdigit() and 0 < int(text) < 10_000:
        return int(text)
    problems.append(Problem(display, "The file count ('fc') is not a number.",
                            row=top, column="fc", value=raw_text(fc),
                            severity=Severity.WARNING, code=Codes.JSON_SHAPE))
    return None


def _sections_container(env: dict, display: str, top: str | None,
                        problems: list[Problem]) -> tuple[dict | None, str]:
    """The object holding the sections (``docdata``, or the document itself when the
    sections sit at its top) and its key in record paths; None when there is none."""
    docdata = env.get("docdata")
    if isinstance(docdata, dict):
        return docdata, "docdata"
    if docdata is None and any(k in env for k in SECTION_KEYS):
        return env, ""
    if docdata is None:
        problems.append(Problem(
            display, "The file has no 'docdata': no documents at all.",
            "If the period had imports, download the GSTR-2B again.", row=top,
            column="docdata", severity=Severity.WARNING, code=Codes.JSON_SHAPE))
    else:
        problems.append(Problem(
            display, f"'docdata' is {_kind(docdata)}, not an object of sections; no records "
            "were read.", "Download the GSTR-2B again.", row=top,
            column="docdata", value=raw_text(docdata)[:80], code=Codes.JSON_SHAPE))
    return None, "docdata"


@dataclass(slots=True)
class _Ctx:
    file: str
    out: Gstr2bLoad
    ids: IdMaker
    period: Period | None
    gstin: str
    source: str

    def shape(self, message: str, fix: str, row: str, column: str | None, value: Any,
              severity: Severity = Severity.ERROR) -> None:
        self.out.problems.append(Problem(self.file, message, fix, row=row, column=column,
                                         value=raw_text(value)[:80], severity=severity,
                                         code=Codes.JSON_SHAPE))


def _as_list(ctx: _Ctx, value: Any, path: str, name: str, looks_like_row) -> list[Any]:
    """The section's rows; an object that is one row is taken as a list of one (warning)."""
    if isinstance(value, list):
        return value
    if value is None:
        return []
    if isinstance(value, dict) and looks_like_row(value):
        ctx.shape(f"'{name}' is one object, not a list: read as a list of one.",
                  "Download the GSTR-2B again if records look missing.", path, name, value,
                  Severity.WARNING)
        return [value]
    ctx.shape(f"'{name}' is {_kind(value)}, not a list: its records cannot be read.",
              "Download the GSTR-2B again.", path, name, value)
    return []


def _is_row(obj: dict) -> bool:
    return any(k in obj for k in _ROW_KEYS)


def _read_section(ctx: _Ctx, value: Any, path: str, name: str, section: Section,
                  forced: bool) -> None:
    sez = section is Section.IMPGSEZ
    looks = (lambda o: _is_row(o) or "boe" in o) if sez else _is_row
    for i, item in enumerate(_as_list(ctx, value, path, name, looks)):
        where = f"{path}[{i}]"
        if not isinstance(item, dict):
            ctx.shape(f"This entry of '{name}' is {_kind(item)}, not an object: skipped.",
                      "Download the GSTR-2B again.", where, None, item)
            continue
        if sez and "boe" in item:
            supplier = {f: _first(item, f)[1] for f in ("supplier_gstin", "supplier_name")}
            rows = _as_list(ctx, item["boe"], f"{where}.boe", "boe", _is_row)
            for j, row in enumerate(rows):
                row_path = f"{where}.boe[{j}]"
                if not isinstance(row, dict):
                    ctx.shape(f"This entry of 'boe' is {_kind(row)}, not an object: skipped.",
                              "Download the GSTR-2B again.", row_path, None, row)
                    continue
                _read_row(ctx, row, row_path, section, forced, supplier)
        else:
            _read_row(ctx, item, where, section, forced, {})


def _scalar(ctx: _Ctx, value: Any, where: str, key: str) -> Any:
    """Key fields must be text or numbers; a list or object is reported and read as text."""
    if isinstance(value, (dict, list)):
        ctx.shape(f"'{key}' is {_kind(value)}, not a value.", "Download the GSTR-2B again.",
                  where, key, value)
        return raw_text(value)
    return value


def _read_row(ctx: _Ctx, row: dict, where: str, section: Section, forced: bool,
              supplier: dict[str, Any]) -> None:
    raw: dict[str, Any] = {}
    columns: dict[str, str] = {}
    for name in ("port_code", "boe_number", "boe_date", "ref_date", "taxable_value", "igst",
                 "cess", "supplier_gstin", "supplier_name"):
        key, value = _first(row, name)
        if value is None and name in supplier:
            value = supplier[name]
        if name in ("port_code", "boe_number", "boe_date", "ref_date", "supplier_gstin",
                    "supplier_name"):
            value = _scalar(ctx, value, where, key)
        raw[name], columns[name] = value, key
    amendment = forced
    if not forced:
        key, flag = _first(row, "amendment")
        amendment, why = read_yes_no(flag if not isinstance(flag, (dict, list)) else "?")
        if why:
            ctx.out.problems.append(Problem(ctx.file, f"The amendment flag is not Y or N: {why}",
                                            row=where, column=key, value=raw_text(flag),
                                            severity=Severity.WARNING,
                                            code=Codes.VALUE_INVALID))
    own = row.get("gstin")   # a GSTIN amendment names the BoE's new importer GSTIN
    importer = gstin_text(own) if isinstance(own, str) and own.strip() else ctx.gstin
    version = make_version(ctx.out.problems, ctx.ids, file=ctx.file, row=where,
                           columns=columns, raw=raw, section=section, amendment=amendment,
                           period=ctx.period, importer_gstin=importer, source=ctx.source)
    if version is not None:
        ctx.out.records.append(version)


def _check_files(out: Gstr2bLoad) -> None:
    gstins = sorted({f.gstin for f in out.files if f.gstin})
    if len(gstins) > 1:
        out.problems.append(Problem(
            out.files[0].file, f"The files belong to different GSTINs: {', '.join(gstins)}.",
            "Load one GSTIN's files at a time, unless this is meant.",
            severity=Severity.WARNING, code=Codes.GSTIN_MIXED))
    groups: dict[tuple[str, Period | None], list[Gstr2bFile]] = {}
    for f in out.files:
        groups.setdefault((f.gstin, f.period), []).append(f)
    for (_, period), files in groups.items():
        expected = max((f.file_count or 0) for f in files)
        distinct = len(files)
        if expected > distinct:
            out.problems.append(Problem(
                files[0].file, f"The download of period {period or '(unknown)'} has {expected} "
                f"parts ('fc'), but {distinct} were given.",
                "Download the missing parts and load them together.",
                value=str(expected), severity=Severity.WARNING, code=Codes.PARTS_MISSING))

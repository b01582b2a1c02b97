"""Rebuild a ``vbaProject.bin`` (MS-OVBA) from VBA source text, starting from an Excel-made one.

What is kept from the base project (xlwings' ``quickstart_addin_ribbon.xlam``, authored by Excel):
the ``dir`` stream's information records (system kind, LCID, code page, version, constants...) and
its reference records (Office, MSForms), and the ``PROJECT`` stream's ID, protection and
visibility state (CMG/DPB/GC) and host-extender section.

What is rebuilt: the module records (offset 0: no compiled p-code; cookies 0xFFFF), each module
stream as compressed source only, ``_VBA_PROJECT`` as the 7-byte header with version 0xFFFF (which
tells Office the performance cache is invalid, so it compiles from source on open), the
``Document=``/``Class=``/``Module=`` lines and ``[Workspace]`` section of ``PROJECT``, and
``PROJECTwm`` (module name map).

The project name (PROJECTNAME record and ``Name=`` line) may be changed; the project ID is kept,
because CMG/DPB/GC are encrypted with a key derived from it.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field, replace
from typing import Literal

import olefile

from . import ovba
from .cfb import write_cfb

__all__ = [
    "VBAModule",
    "BaseProject",
    "VBAProjectError",
    "read_base_project",
    "build_vba_project",
    "normalise_source",
    "VBA_PROJECT_HEADER",
]

ModuleKind = Literal["module", "class", "document"]

#: _VBA_PROJECT stream: Reserved1 0x61CC, Version 0xFFFF (no usable cache), Reserved2/3.
VBA_PROJECT_HEADER = bytes.fromhex("CC61FFFF000100")

_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,30}$")
_MODULE_LINE = re.compile(r"^(Document|Module|Class|BaseClass|Package)=", re.IGNORECASE)

# dir stream record ids (MS-OVBA 2.3.4.2)
_PROJECTNAME = 0x0004
_PROJECTCODEPAGE = 0x0003
_PROJECTVERSION = 0x0009
_PROJECTMODULES = 0x000F
_PROJECTCOOKIE = 0x0013
_MODULENAME = 0x0019
_MODULENAMEUNICODE = 0x0047
_MODULESTREAMNAME = 0x001A
_MODULESTREAMNAMEUNICODE = 0x0032
_MODULEDOCSTRING = 0x001C
_MODULEDOCSTRINGUNICODE = 0x0048
_MODULEOFFSET = 0x0031
_MODULEHELPCONTEXT = 0x001E
_MODULECOOKIE = 0x002C
_MODULETYPE_PROCEDURAL = 0x0021
_MODULETYPE_OTHER = 0x0022
_MODULEREADONLY = 0x0025
_MODULEPRIVATE = 0x0028
_MODULETERMINATOR = 0x002B
_DIRTERMINATOR = 0x0010


class VBAProjectError(ValueError):
    pass


@dataclass(frozen=True)
class VBAModule:
    """One module: ``source`` is the text as stored (``Attribute`` lines included, CRLF)."""

    name: str
    kind: ModuleKind
    source: str
    docstring: str = ""

    def __post_init__(self) -> None:
        if not _IDENT.match(self.name):
            raise VBAProjectError(f"invalid VBA module name {self.name!r}")


@dataclass
class BaseProject:
    """What ``read_base_project`` keeps of an existing project."""

    code_page: int
    name: str
    records: list[tuple[int, bytes]]  # dir records before PROJECTMODULES, raw (id + size + data)
    modules: list[VBAModule]
    project_lines: list[str]  # PROJECT stream, decoded, without line ends
    streams: dict[str, bytes] = field(default_factory=dict)  # raw module streams, by module

    @property
    def encoding(self) -> str:
        return _python_codec(self.code_page)

    def module(self, name: str) -> VBAModule:
        for mod in self.modules:
            if mod.name.lower() == name.lower():
                return mod
        raise KeyError(name)


def _python_codec(code_page: int) -> str:
    codec = {65001: "utf-8", 1200: "utf-16-le", 10000: "mac_roman"}.get(code_page, f"cp{code_page}")
    try:
        "".encode(codec)
    except LookupError as exc:
        raise VBAProjectError(f"unsupported VBA project code page {code_page}") from exc
    return codec


def normalise_source(text: str) -> str:
    """CRLF line ends and a final line end, as the VBA editor stores module text."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return "".join(line + "\r\n" for line in lines)


def encode_source(module: VBAModule, codec: str) -> bytes:
    """Encode module text in the project's code page; refuse what it cannot represent."""
    text = normalise_source(module.source)
    try:
        return text.encode(codec)
    except UnicodeEncodeError as exc:
        line_no = text.count("\r\n", 0, exc.start) + 1
        raise VBAProjectError(
            f"module {module.name}, line {line_no}: character {text[exc.start]!r} "
            f"(U+{ord(text[exc.start]):04X}) cannot be stored in code page {codec}"
        ) from None


# --------------------------------------------------------------------------- reading

def _iter_records(data: bytes, pos: int = 0):
    while pos < len(data):
        if pos + 6 > len(data):
            raise VBAProjectError(f"truncated dir record at {pos}")
        rid, size = struct.unpack_from("<HI", data, pos)
        if rid == _PROJECTVERSION:
            size = 6  # the size field is Reserved (=4); the record holds 4 + 2 bytes
        end = pos + 6 + size
        if end > len(data):
            raise VBAProjectError(f"dir record 0x{rid:04X} at {pos} overruns the stream")
        yield rid, data[pos + 6:end], data[pos:end]
        pos = end


def read_base_project(vba_project_bin: bytes) -> BaseProject:
    """Parse a ``vbaProject.bin``; refuse a signed one."""
    if not olefile.isOleFile(vba_project_bin):
        raise VBAProjectError("vbaProject.bin is not a compound file")
    ole = olefile.OleFileIO(vba_project_bin)
    try:
        names = ["/".join(e) for e in ole.listdir(streams=True, storages=False)]
        signed = [n for n in names if n.startswith("\x05DigitalSignature")]
        if signed:
            raise VBAProjectError(
                f"the base VBA project is digitally signed ({signed}); editing it would "
                "invalidate the signature: refusing"
            )
        dir_data = ovba.decompress(ole.openstream("VBA/dir").read())
        project_raw = ole.openstream("PROJECT").read()
        raw_streams = {n[4:]: ole.openstream(n).read() for n in names if n.startswith("VBA/")}
    finally:
        ole.close()

    records: list[tuple[int, bytes]] = []
    code_page = 1252
    name = ""
    it = _iter_records(dir_data)
    for rid, body, raw in it:
        if rid == _PROJECTMODULES:
            break
        if rid == _PROJECTCODEPAGE:
            (code_page,) = struct.unpack("<H", body)
        if rid == _PROJECTNAME:
            name = body.decode("latin-1")
        records.append((rid, raw))
    else:
        raise VBAProjectError("dir stream has no PROJECTMODULES record")
    codec = _python_codec(code_page)
    name = name.encode("latin-1").decode(codec)

    modules: list[VBAModule] = []
    streams: dict[str, bytes] = {}
    current: dict = {}
    for rid, body, _raw in it:
        if rid == _MODULENAME:
            current = {"name": body.decode(codec), "kind": None, "doc": b"", "offset": 0}
        elif rid == _MODULENAMEUNICODE:
            current["name"] = body.decode("utf-16-le")
        elif rid == _MODULESTREAMNAMEUNICODE:
            current["stream"] = body.decode("utf-16-le")
        elif rid == _MODULESTREAMNAME and "stream" not in current:
            current["stream"] = body.decode(codec)
        elif rid == _MODULEDOCSTRING:
            current["doc"] = body
        elif rid == _MODULEOFFSET:
            (current["offset"],) = struct.unpack("<I", body)
        elif rid == _MODULETYPE_PROCEDURAL:
            current["kind"] = "module"
        elif rid == _MODULETYPE_OTHER:
            current["kind"] = "other"
        elif rid == _MODULETERMINATOR:
            stream = raw_streams[current["stream"]]
            text = ovba.decompress(stream[current["offset"]:]).decode(codec)
            # MODULETYPE 0x22 covers class and document modules; the PROJECT stream's
            # Document= lines tell them apart (below)
            kind = "module" if current["kind"] == "module" else "class"
            modules.append(VBAModule(current["name"], kind, text, current["doc"].decode(codec)))
            streams[current["name"]] = stream
        elif rid == _DIRTERMINATOR:
            break

    project_lines = project_raw.decode(codec).replace("\r\n", "\n").split("\n")
    documents = {
        line.split("=", 1)[1].split("/", 1)[0].lower()
        for line in project_lines if line.lower().startswith("document=")
    }
    modules = [replace(m, kind="document") if m.name.lower() in documents else m for m in modules]
    return BaseProject(code_page, name, records, modules, project_lines, streams)


# --------------------------------------------------------------------------- writing

def _record(rid: int, body: bytes) -> bytes:
    return struct.pack("<HI", rid, len(body)) + body


def _module_records(module: VBAModule, codec: str) -> bytes:
    name = module.name.encode(codec)
    uname = module.name.encode("utf-16-le")
    doc = module.docstring.encode(codec)
    out = [
        _record(_MODULENAME, name),
        _record(_MODULENAMEUNICODE, uname),
        _record(_MODULESTREAMNAME, name),
        _record(_MODULESTREAMNAMEUNICODE, uname),
        _record(_MODULEDOCSTRING, doc),
        _record(_MODULEDOCSTRINGUNICODE, module.docstring.encode("utf-16-le")),
        _record(_MODULEOFFSET, struct.pack("<I", 0)),
        _record(_MODULEHELPCONTEXT, struct.pack("<I", 0)),
        _record(_MODULECOOKIE, struct.pack("<H", 0xFFFF)),
        # MODULETYPE and the terminator: id + a 4-byte Reserved field that must be 0
        struct.pack("<HI", _MODULETYPE_PROCEDURAL if module.kind == "module" else _MODULETYPE_OTHER, 0),
        struct.pack("<HI", _MODULETERMINATOR, 0),
    ]
    return b"".join(out)


def _project_stream(base: BaseProject, modules: list[VBAModule], name: str) -> list[str]:
    lines: list[str] = []
    inserted = False
    section = ""
    for line in base.project_lines:
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.lower()
        if section == "[workspace]":
            continue  # rebuilt below
        if _MODULE_LINE.match(stripped) and section == "":
            if not inserted:
                lines.extend(_module_lines(modules))
                inserted = True
            continue
        if stripped.lower().startswith("name=") and section == "":
            lines.append(f'Name="{name}"')
            continue
        lines.append(line)
    if not inserted:
        raise VBAProjectError("base PROJECT stream lists no modules")
    while lines and lines[-1] == "":
        lines.pop()
    lines += ["", "[Workspace]"] + [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return lines


def _module_lines(modules: list[VBAModule]) -> list[str]:
    out = []
    for m in modules:
        if m.kind == "document":
            out.append(f"Document={m.name}/&H00000000")
        elif m.kind == "class":
            out.append(f"Class={m.name}")
        else:
            out.append(f"Module={m.name}")
    return out


def build_vba_project(base: BaseProject, modules: list[VBAModule], project_name: str | None = None) -> bytes:
    """Return a new ``vbaProject.bin`` holding exactly ``modules`` (source only)."""
    codec = base.encoding
    name = project_name or base.name
    if not _IDENT.match(name):
        raise VBAProjectError(f"invalid VBA project name {name!r}")
    seen: set[str] = set()
    for m in modules:
        if m.name.lower() in seen:
            raise VBAProjectError(f"duplicate module name {m.name!r}")
        seen.add(m.name.lower())
        if m.name.lower() in {"dir", "_vba_project", "__srp_0"}:
            raise VBAProjectError(f"module name {m.name!r} collides with a VBA storage stream")
    if name.lower() in seen:
        raise VBAProjectError(f"the project name {name!r} equals a module name")

    # dir stream: kept information + reference records, new name, new module records
    out = bytearray()
    for rid, raw in base.records:
        out += _record(_PROJECTNAME, name.encode(codec)) if rid == _PROJECTNAME else raw
    out += _record(_PROJECTMODULES, struct.pack("<H", len(modules)))
    out += _record(_PROJECTCOOKIE, struct.pack("<H", 0xFFFF))
    for m in modules:
        out += _module_records(m, codec)
    out += struct.pack("<HI", _DIRTERMINATOR, 0)

    streams: dict[str, bytes] = {
        "VBA/dir": ovba.compress(bytes(out)),
        "VBA/_VBA_PROJECT": VBA_PROJECT_HEADER,
    }
    for m in modules:
        streams[f"VBA/{m.name}"] = ovba.compress(encode_source(m, codec))

    project_text = "".join(line + "\r\n" for line in _project_stream(base, modules, name))
    streams["PROJECT"] = project_text.encode(codec)
    wm = bytearray()
    for m in modules:
        wm += m.name.encode(codec) + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
    wm += b"\0\0"
    streams["PROJECTwm"] = bytes(wm)
    return write_cfb(streams)

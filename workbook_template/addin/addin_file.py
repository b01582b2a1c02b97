"""Read a built ``ims_xl.xlam`` back: who built it, for which xlwings, with which functions.

Used by ``ims-xl addin build`` (to say what it wrote), ``addin status`` (is the installed copy
what this Python package builds?) and ``addin remove`` / ``install`` (never delete or replace a
file that is not an ims_xl add-in). Reads the package with zipfile and defusedxml and the VBA
project with our own reader (``vbaproject.read_base_project``): no oletools, no Excel.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree as SafeET

from .vbaproject import VBAProjectError, read_base_project

__all__ = ["AddinFile", "NotAnAddin", "read_addin"]

_CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
}


class NotAnAddin(ValueError):
    """The file is not an add-in that ims-xl built."""


@dataclass(frozen=True)
class AddinFile:
    path: Path
    ims_xl_version: str          # from docProps/core.xml cp:version ("" before versions were recorded)
    xlwings_version: str         # from the xlwings module's 'Version: line
    functions: tuple[str, ...]   # worksheet functions in xlwings_udfs, in module order
    modules: tuple[str, ...]     # VBA modules, in project order


def read_addin(path: Path) -> AddinFile:
    """Read ``path``; raise ``NotAnAddin`` (saying why) unless it is an ims_xl add-in built by
    ims-xl (creator ``ims-xl``, VBA project ``ims_xl`` with the xlwings and IMSRibbon modules)."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            core = zf.read("docProps/core.xml")
            vba = zf.read("xl/vbaProject.bin")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise NotAnAddin(f"{path} is not an add-in built by ims-xl ({exc})") from None
    try:
        props = SafeET.fromstring(core)
        project = read_base_project(vba)
    except (SafeET.ParseError, VBAProjectError, OSError, ValueError) as exc:
        raise NotAnAddin(f"{path} is not an add-in built by ims-xl ({exc})") from None
    creator = props.findtext("dc:creator", default="", namespaces=_CORE_NS)
    names = tuple(m.name for m in project.modules)
    if creator != "ims-xl" or project.name != "ims_xl" or not {"xlwings", "IMSRibbon"} <= set(names):
        raise NotAnAddin(f"{path} is not an add-in built by ims-xl (creator {creator!r}, "
                         f"VBA project {project.name!r})")
    xlwings_src = project.module("xlwings").source
    match = re.search(r"^'Version: (\S+)", xlwings_src, re.MULTILINE)
    functions: tuple[str, ...] = ()
    if "xlwings_udfs" in names:
        functions = tuple(re.findall(r"^(?:Public\s+)?Function\s+(\w+)\(",
                                     project.module("xlwings_udfs").source, re.MULTILINE))
    return AddinFile(path=path,
                     ims_xl_version=props.findtext("cp:version", default="", namespaces=_CORE_NS),
                     xlwings_version=match.group(1) if match else "",
                     functions=functions, modules=names)

"""Build ``ims_xl.xlam`` headlessly: no Excel, no Windows.

Steps (see docs/addin-build.md):

1. Read xlwings' Excel-made ``quickstart_addin_ribbon.xlam`` (shipped with the pinned xlwings) and
   parse its VBA project: we reuse its information/reference records, its ``ThisWorkbook`` and
   sheet document modules and its ``Dictionary`` class module (needed by the xlwings module on Mac).
2. Rebuild ``vbaProject.bin`` from source: ThisWorkbook, Sheet1, Dictionary, xlwings
   (``vba/xlwings.bas``) and IMSRibbon (``vba/IMSRibbon.bas``).
3. Write the workbook with openpyxl: one config sheet, codeNames matching the document modules.
4. Last, rewrite the zip: add ``xl/vbaProject.bin`` and ``customUI/customUI.xml`` with their
   relationships and content types, set the workbook content type (macro-enabled workbook for
   ``.xlsm``, add-in for ``.xlam``), fixed timestamps everywhere (same input, same bytes).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import time
import zipfile
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from xml.etree import ElementTree as StdET
from xml.sax.saxutils import quoteattr

import openpyxl
from defusedxml import ElementTree as SafeET

from ims_xl.atomic import write_bytes_atomic

from . import ADDIN_DIR, CUSTOMUI_PATH
from .vbaproject import BaseProject, VBAModule, VBAProjectError, build_vba_project, read_base_project

__all__ = [
    "XLWINGS_VERSION",
    "PROJECT_NAME",
    "CONF_SHEET",
    "CONF_SETTINGS",
    "ADDIN_FILENAME",
    "build_addin",
    "build_vba_project_bin",
    "vba_modules",
    "committed_vba_sources",
    "shipped_addin_path",
]

#: xlwings version the vendored VBA (vba/xlwings.bas) comes from. Its VBA loads
#: ``xlwings64-<version>.dll``, so the Python package on the user's machine must be this version.
XLWINGS_VERSION = "0.37.8"
#: ``PROJECT_NAME`` in vba/xlwings.bas: names the config sheet, the user config file
#: (``%USERPROFILE%\.ims_xl\ims_xl.conf``) and the directory config file (``ims_xl.conf``).
PROJECT_NAME = "ims_xl"
#: xlwings' custom-add-in VBA reads ``wb.Sheets(PROJECT_NAME & ".conf")``. (The quickstart's
#: ``_myaddin.conf`` is the *inactive* form: xlwings' docs say to drop the underscore to activate it.)
CONF_SHEET = f"{PROJECT_NAME}.conf"
#: Keys the xlwings VBA reads with GetConfig (case-insensitive). Only keys we mean to fix for every
#: user go here: a key present on the sheet, even empty, hides the user's own config file value.
#: ``ADD_WORKBOOK_TO_PYTHONPATH`` is one of those on purpose: upstream puts the active workbook's
#: folder first on ``sys.path``, so a stray ``ims_xl.py`` beside a downloaded file would be imported
#: (the sheet wins over the user's config file, so nobody can turn it back on by accident).
CONF_SETTINGS: dict[str, str] = {"UDF Modules": "udfs.boe_functions",
                                 "ADD_WORKBOOK_TO_PYTHONPATH": "false"}
ADDIN_FILENAME = "ims_xl.xlam"
VBA_PROJECT_NAME = "ims_xl"
SHEET_CODENAME = "Sheet1"
WORKBOOK_CODENAME = "ThisWorkbook"

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_ADDIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
CT_XLSM = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
REL_RIBBON = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
RIBBON_PART = "customUI/customUI.xml"
VBA_PART = "xl/vbaProject.bin"

_DEFAULT_EPOCH = 1735689600  # 2025-01-01T00:00:00Z, used unless SOURCE_DATE_EPOCH is set


def shipped_addin_path() -> Path:
    """xlwings' own Excel-made custom add-in, the base of our VBA project."""
    import xlwings

    return Path(xlwings.__file__).resolve().parent / "quickstart_addin_ribbon.xlam"


def _check_xlwings_version() -> None:
    import xlwings

    if xlwings.__version__ != XLWINGS_VERSION:
        raise RuntimeError(
            f"installed xlwings is {xlwings.__version__}, but vba/xlwings.bas is xlwings "
            f"{XLWINGS_VERSION}'s VBA (it loads xlwings64-{XLWINGS_VERSION}.dll): install "
            f"xlwings=={XLWINGS_VERSION} or refresh vba/xlwings.bas from the new version"
        )


def committed_vba_sources() -> dict[str, str]:
    """The VBA modules kept as source in vba/ (name -> text as committed)."""
    out = {}
    for path in sorted((ADDIN_DIR / "vba").glob("*.bas")):
        text = path.read_bytes().decode("cp1252")
        match = re.match(r'Attribute VB_Name = "([^"]+)"', text)
        if not match or match.group(1) != path.stem:
            raise VBAProjectError(f"{path.name}: must start with Attribute VB_Name = \"{path.stem}\"")
        out[path.stem] = text
    return out


def _check_xlwings_module(text: str) -> None:
    if f"'Version: {XLWINGS_VERSION}" not in text:
        raise VBAProjectError(f"vba/xlwings.bas is not xlwings {XLWINGS_VERSION}'s VBA")
    if f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"' not in text:
        raise VBAProjectError(f"vba/xlwings.bas must set PROJECT_NAME to {PROJECT_NAME!r}")


def _shipped_base() -> tuple[BaseProject, bytes]:
    path = shipped_addin_path()
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        signature_parts = [n for n in names if "vbaprojectsignature" in n.lower()]
        if signature_parts:
            raise VBAProjectError(f"{path.name} holds a signed VBA project ({signature_parts}): refusing")
        data = zf.read(VBA_PART)
    return read_base_project(data), data


def vba_modules(base: BaseProject | None = None) -> list[VBAModule]:
    """The modules of our VBA project, in project order."""
    if base is None:
        base, _ = _shipped_base()
    committed = committed_vba_sources()
    if set(committed) != {"xlwings", "IMSRibbon"}:
        raise VBAProjectError(f"unexpected modules in vba/: {sorted(committed)}")
    _check_xlwings_module(committed["xlwings"])

    this_workbook = base.module(WORKBOOK_CODENAME)
    sheets = [m for m in base.modules if m.kind == "document" and m.name != WORKBOOK_CODENAME]
    if this_workbook.kind != "document" or len(sheets) != 1:
        raise VBAProjectError("the base add-in should have ThisWorkbook and one sheet module")
    sheet_src, n = re.subn(r'^Attribute VB_Name = "[^"]+"', f'Attribute VB_Name = "{SHEET_CODENAME}"',
                           sheets[0].source)
    if n != 1:
        raise VBAProjectError("the base sheet module has no VB_Name attribute")
    dictionary = base.module("Dictionary")
    if dictionary.kind != "class":
        raise VBAProjectError("the base add-in's Dictionary module is not a class module")
    return [
        this_workbook,
        VBAModule(SHEET_CODENAME, "document", sheet_src),
        dictionary,
        VBAModule("xlwings", "module", committed["xlwings"]),
        VBAModule("IMSRibbon", "module", committed["IMSRibbon"]),
    ]


def build_vba_project_bin() -> bytes:
    """Our ``vbaProject.bin``, rebuilt from source."""
    base, _ = _shipped_base()
    return build_vba_project(base, vba_modules(base), VBA_PROJECT_NAME)


def _source_date() -> datetime:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", _DEFAULT_EPOCH))
    return datetime.fromtimestamp(max(epoch, 315532800), tz=timezone.utc)  # zip can't go before 1980


def _workbook_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = CONF_SHEET
    for row, (key, value) in enumerate(CONF_SETTINGS.items(), start=1):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=value)
    # Column D is not read by xlwings (it reads A1 downwards and the cell to the right): a note.
    ws["D1"] = (f"Settings read by the ims_xl add-in (xlwings, sheet {CONF_SHEET}): key in column A, "
                "value in column B, no blank rows. Per-user settings (e.g. Interpreter_Win) belong "
                f"in %USERPROFILE%\\.{PROJECT_NAME}\\{PROJECT_NAME}.conf, not here.")
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 24
    wb.code_name = WORKBOOK_CODENAME
    ws.sheet_properties.codeName = SHEET_CODENAME
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xml(element: StdET.Element, default_ns: str) -> bytes:
    """Serialise a flat package XML (root + attribute-only children, all in ``default_ns``)."""
    prefix = f"{{{default_ns}}}"

    def local(tag: str) -> str:
        if not tag.startswith(prefix):
            raise ValueError(f"unexpected element {tag} in {default_ns} document")
        return tag[len(prefix):]

    def attrs(el: StdET.Element) -> str:
        return "".join(f" {k}={quoteattr(v)}" for k, v in el.attrib.items())

    out = [f'<{local(element.tag)} xmlns="{default_ns}"{attrs(element)}>']
    for child in element:
        if len(child) or (child.text or "").strip():
            raise ValueError("only attribute-only children are supported")
        out.append(f"<{local(child.tag)}{attrs(child)}/>")
    out.append(f"</{local(element.tag)}>")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + "".join(out)).encode("utf-8")


def _content_types(xml: bytes, addin: bool) -> bytes:
    root = SafeET.fromstring(xml)
    main = CT_ADDIN if addin else CT_XLSM
    found = False
    for el in root.findall(f"{{{CT_NS}}}Override"):
        if el.get("PartName") == "/xl/workbook.xml":
            el.set("ContentType", main)
            found = True
        if el.get("PartName") == "/" + VBA_PART:
            root.remove(el)
    if not found:
        raise RuntimeError("openpyxl's [Content_Types].xml has no workbook override")
    if not any(el.get("Extension") == "xml" for el in root.findall(f"{{{CT_NS}}}Default")):
        raise RuntimeError("no Default content type for .xml (needed by customUI.xml)")
    StdET.SubElement(root, f"{{{CT_NS}}}Override", PartName="/" + VBA_PART, ContentType=CT_VBA)
    return _xml(root, CT_NS)


def _add_relationship(xml: bytes, rel_type: str, target: str) -> bytes:
    root = SafeET.fromstring(xml)
    rels = root.findall(f"{{{REL_NS}}}Relationship")
    if any(r.get("Type") == rel_type for r in rels):
        raise RuntimeError(f"relationship {rel_type} already present")
    ids = {r.get("Id") for r in rels}
    n = 1
    while f"rId{n}" in ids:
        n += 1
    StdET.SubElement(root, f"{{{REL_NS}}}Relationship", Id=f"rId{n}", Type=rel_type, Target=target)
    return _xml(root, REL_NS)


def _core_properties(when: datetime) -> bytes:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title>ims_xl add-in</dc:title><dc:creator>ims-xl</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode("utf-8")


def _zip(parts: Iterable[tuple[str, bytes]], when: datetime) -> bytes:
    buf = io.BytesIO()
    date_time = when.timetuple()[:6]
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buf.getvalue()


def package(xlsx: bytes, vba_project: bytes, customui: bytes, *, addin: bool,
            when: datetime | None = None) -> bytes:
    """Turn openpyxl's .xlsx into a macro-enabled workbook or add-in (the last step)."""
    when = when or _source_date()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    for name in (VBA_PART, RIBBON_PART):
        if name in parts:
            raise RuntimeError(f"{name} already in the workbook")
    parts["[Content_Types].xml"] = _content_types(parts["[Content_Types].xml"], addin)
    parts["_rels/.rels"] = _add_relationship(parts["_rels/.rels"], REL_RIBBON, RIBBON_PART)
    parts["xl/_rels/workbook.xml.rels"] = _add_relationship(
        parts["xl/_rels/workbook.xml.rels"], REL_VBA, "vbaProject.bin")
    parts["docProps/core.xml"] = _core_properties(when)
    parts[VBA_PART] = vba_project
    parts[RIBBON_PART] = customui
    first = ["[Content_Types].xml", "_rels/.rels"]
    order = first + sorted(n for n in parts if n not in first)
    return _zip(((n, parts[n]) for n in order), when)


def build_addin(out_dir: Path) -> Path:
    """Write ``ims_xl.xlam`` and ``ims_xl.xlsm`` (same content, workbook instead of add-in type)
    into ``out_dir``, each atomically; return the .xlam path."""
    _check_xlwings_version()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    vba = build_vba_project_bin()
    xlsx = _workbook_xlsx()
    customui = CUSTOMUI_PATH.read_bytes()
    SafeET.fromstring(customui)  # well-formed, no entity tricks
    xlam_path = out_dir / ADDIN_FILENAME
    xlsm_path = out_dir / "ims_xl.xlsm"
    write_bytes_atomic(xlsm_path, package(xlsx, vba, customui, addin=False))
    write_bytes_atomic(xlam_path, package(xlsx, vba, customui, addin=True))
    for path in (xlsm_path, xlam_path):  # the temporary file was private (0600); these are not
        os.chmod(path, 0o644)
    return xlam_path


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
        from .install import ExcelNotAvailable, install_addin

        try:
            print(install_addin(args.xlam))
        except ExcelNotAvailable as exc:
            print(exc, file=sys.stderr)
            return 2
    return 0

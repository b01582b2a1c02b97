"""``ims-xl template --lite``: a new workbook that carries main.py and requirements.txt.

How xlwings Lite keeps its code in a workbook (read from workbooks saved by Lite): an Office
add-in's settings (``Office.context.document.settings``) are saved in the workbook as a
*web extension* part, ``xl/webextensions/webextension1.xml``, one ``<we:property>`` per
setting, each value a JSON text. Lite's settings are ``main.py`` and ``requirements.txt``
(the code, as JSON strings), and ``pyodideVersion`` and ``addinVersion`` (which Lite writes
itself when it saves). The part names the add-in by its store id (xlwings Lite is
``WA200008175`` in the Office add-in store); ``xl/webextensions/taskpanes.xml`` says whether
its task pane is open when the workbook opens. ``_rels/.rels`` points at the task panes and
``[Content_Types].xml`` declares both parts.

This module writes those parts into a workbook ims-xl just made: the pane is set to open with
the workbook, so Excel starts xlwings Lite (installing it from the store on first use, with
the user's consent), which installs requirements.txt and registers the worksheet functions.
What Excel does with the parts cannot be checked here (no Excel): the acceptance steps are in
docs/excel-acceptance.md, section "xlwings Lite".
"""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

from ..atomic import atomic_path
from ..problems import InputError

__all__ = ["STORE_ID", "add_lite_code", "lite_properties"]

STORE_ID = "WA200008175"      # xlwings Lite in the Office add-in store
WEBEXTENSION = "xl/webextensions/webextension1.xml"
TASKPANES = "xl/webextensions/taskpanes.xml"
TASKPANES_RELS = "xl/webextensions/_rels/taskpanes.xml.rels"
_WE = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
_WETP = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_REL_TASKPANES = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
_REL_WEBEXTENSION = "http://schemas.microsoft.com/office/2011/relationships/webextension"
_CT_TASKPANES = "application/vnd.ms-office.webextensiontaskpanes+xml"
_CT_WEBEXTENSION = "application/vnd.ms-office.webextension+xml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _webextension(properties: dict[str, str], guid: str) -> str:
    props = "".join(f"<we:property name={quoteattr(name)} value={quoteattr(json.dumps(text))}/>"
                    for name, text in properties.items())
    return (f'{_HEAD}<we:webextension xmlns:we="{_WE}" id="{{{guid}}}">'
            f'<we:reference id="{STORE_ID.lower()}" version="1.0.0.0" store="en-US" '
            'storeType="OMEX"/><we:alternateReferences>'
            f'<we:reference id="{STORE_ID}" version="1.0.0.0" store="{STORE_ID}" '
            'storeType="OMEX"/></we:alternateReferences>'
            f"<we:properties>{props}</we:properties><we:bindings/>"
            f'<we:snapshot xmlns:r="{_R}"/><we:extLst>'
            f'<a:ext xmlns:a="{_A}" uri="{{D87F86FE-615C-45B5-9D79-34F1136793EB}}">'
            "<we:containsCustomFunctions/></a:ext></we:extLst></we:webextension>")


def _taskpanes() -> str:
    return (f'{_HEAD}<wetp:taskpanes xmlns:wetp="{_WETP}"><wetp:taskpane dockstate="right" '
            f'visibility="1" width="438" row="2"><wetp:webextensionref xmlns:r="{_R}" '
            'r:id="rId1"/></wetp:taskpane></wetp:taskpanes>')


def _taskpanes_rels() -> str:
    return (f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{_REL_WEBEXTENSION}" '
            'Target="webextension1.xml"/></Relationships>')


def lite_properties() -> dict[str, str]:
    """The settings Lite reads: main.py and requirements.txt as ``ims-xl lite build``
    writes them."""
    from .build import build_wheel, main_py, requirements_txt
    return {"main.py": main_py(build_wheel()), "requirements.txt": requirements_txt()}


def _insert_before(xml: str, closing: str, fragment: str, what: str) -> str:
    at = xml.rfind(closing)
    if at < 0:
        raise InputError(f"the new workbook's {what} has no {closing}: cannot add xlwings "
                         "Lite's code to it")
    return xml[:at] + fragment + xml[at:]


def add_lite_code(path: str | Path, properties: dict[str, str] | None = None) -> None:
    """Add xlwings Lite's code parts to the workbook at ``path`` (one ims-xl just wrote),
    replacing it in one step."""
    path = Path(path)
    properties = properties or lite_properties()
    with zipfile.ZipFile(path) as src:
        names = src.namelist()
        if any(n.startswith("xl/webextensions/") for n in names):
            raise InputError(f"{path.name} has add-in parts already: ims-xl adds xlwings "
                             "Lite's code only to a workbook it has just made")
        parts = {n: src.read(n) for n in names}
    types = parts["[Content_Types].xml"].decode("utf-8")
    types = _insert_before(types, "</Types>",
                           f'<Override PartName="/{TASKPANES}" ContentType="{_CT_TASKPANES}"/>'
                           f'<Override PartName="/{WEBEXTENSION}" '
                           f'ContentType="{_CT_WEBEXTENSION}"/>', "[Content_Types].xml")
    rels = parts["_rels/.rels"].decode("utf-8")
    rels = _insert_before(rels, "</Relationships>",
                          f'<Relationship Id="rIdImsXlLite" Type="{_REL_TASKPANES}" '
                          f'Target="{TASKPANES}"/>', "_rels/.rels")
    parts["[Content_Types].xml"] = types.encode("utf-8")
    parts["_rels/.rels"] = rels.encode("utf-8")
    parts[TASKPANES] = _taskpanes().encode("utf-8")
    parts[TASKPANES_RELS] = _taskpanes_rels().encode("utf-8")
    parts[WEBEXTENSION] = _webextension(properties, str(uuid.uuid4()).upper()).encode("utf-8")
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)

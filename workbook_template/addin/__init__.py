"""The ims_xl Excel add-in (``ims_xl.xlam``), built headlessly from source.

- ``customUI.xml``: the ribbon; every button calls the one VBA callback ``IMS_OnAction`` with a tag.
- ``vba/IMSRibbon.bas``: that callback; it runs ``ims_xl.ribbon.dispatch(<tag>)`` in Python.
- ``vba/xlwings.bas``: xlwings' own custom-add-in VBA (pinned version), project name ``ims_xl``.
- ``build.build_addin(out_dir)``: writes ``ims_xl.xlam`` (and ``ims_xl.xlsm``) without Excel.
- ``install.install_addin(xlam)``: copies the add-in into Excel's startup folder.

See docs/addin-build.md for how and why.
"""

from __future__ import annotations

from pathlib import Path

from defusedxml import ElementTree as _ET

__all__ = [
    "ADDIN_DIR",
    "CUSTOMUI_PATH",
    "CUSTOMUI_NS",
    "RIBBON_CALLBACK",
    "RIBBON_TAGS",
    "ribbon_buttons",
    "build_addin",
    "install_addin",
]

ADDIN_DIR = Path(__file__).resolve().parent
CUSTOMUI_PATH = ADDIN_DIR / "customUI.xml"
CUSTOMUI_NS = "http://schemas.microsoft.com/office/2006/01/customui"
#: The one VBA sub every ribbon button calls (defined in vba/IMSRibbon.bas).
RIBBON_CALLBACK = "IMS_OnAction"


def ribbon_buttons() -> tuple[dict[str, str], ...]:
    """Every ``button`` of customUI.xml, in document order, as a dict of its attributes."""
    root = _ET.parse(CUSTOMUI_PATH).getroot()
    return tuple(dict(el.attrib) for el in root.iter(f"{{{CUSTOMUI_NS}}}button"))


#: The action tags of the ribbon buttons, in ribbon order (read from customUI.xml).
#: ``ims_xl.ribbon.dispatch(tag)`` must handle each of them.
RIBBON_TAGS: tuple[str, ...] = tuple(b["tag"] for b in ribbon_buttons() if "tag" in b)


def build_addin(out_dir: Path) -> Path:
    """Build ``ims_xl.xlam`` (and ``ims_xl.xlsm``) in ``out_dir``; see ``build.build_addin``."""
    from .build import build_addin as _build

    return _build(out_dir)


def install_addin(xlam: Path | None = None) -> str:
    """Install the add-in into Excel's startup folder; see ``install.install_addin``."""
    from .install import install_addin as _install

    return _install(xlam)

"""The Excel add-in build (workbook_template/addin): package, VBA project, compression, readers.

No Excel here: the built files are checked with independent readers (zipfile + defusedxml for the
package, olefile for the compound file, oletools' olevba for the VBA project, LibreOffice over UNO
for the VBA import). What only Excel can tell (ribbon shown, RunPython works) is on the manual
acceptance checklist.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import olefile
import pytest
from defusedxml import ElementTree as SafeET
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

# workbook_template is importable from an editable install made after it existed; until the venv
# is refreshed (pip install -e .), the repository root on sys.path does the same.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from workbook_template.addin import (
    ADDIN_DIR,
    CUSTOMUI_NS,
    CUSTOMUI_PATH,
    RIBBON_CALLBACK,
    RIBBON_TAGS,
    ribbon_buttons,
)
from workbook_template.addin import build as addin_build
from workbook_template.addin import install as addin_install
from workbook_template.addin.cfb import write_cfb
from workbook_template.addin.ovba import OvbaError, compress, decompress
from workbook_template.addin.vbaproject import (
    VBA_PROJECT_HEADER,
    VBAModule,
    VBAProjectError,
    _iter_records,
    build_vba_project,
    normalise_source,
    read_base_project,
)

EXPECTED_TAGS = (
    "new_workbook", "load_data", "fetch_boe", "reconcile", "validate", "recompute",
    "export_actions", "export_3b", "restore", "import_functions", "help",
)
EXPECTED_MODULES = {"ThisWorkbook": "document", "Sheet1": "document", "Dictionary": "class",
                    "xlwings": "module", "IMSRibbon": "module", "xlwings_udfs": "module",
                    "IMSFunctionHelp": "module"}
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LO_FILTER = "Calc MS Excel 2007 VBA XML"


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("addin")
    xlam = addin_build.build_addin(out)
    return {"xlam": xlam, "xlsm": out / "ims_xl.xlsm", "dir": out, "udfs": addin_build.udf_module()}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        return {n: zf.read(n) for n in zf.namelist()}


def _vba_bin(path: Path) -> bytes:
    return _parts(path)["xl/vbaProject.bin"]


def _shipped_vba() -> bytes:
    with zipfile.ZipFile(addin_build.shipped_addin_path()) as zf:
        return zf.read("xl/vbaProject.bin")


def _olevba_modules(path_or_data) -> dict[str, str]:
    if isinstance(path_or_data, bytes):
        parser = VBA_Parser("vbaProject.bin", data=path_or_data)
    else:
        parser = VBA_Parser(str(path_or_data))
    try:
        assert parser.detect_vba_macros()
        return {stream.split("/")[-1]: code for _f, stream, _name, code in parser.extract_macros()}
    finally:
        parser.close()


def _committed(name: str) -> str:
    return (ADDIN_DIR / "vba" / f"{name}.bas").read_bytes().decode("cp1252")


# --------------------------------------------------------------------------- the package

def test_content_types_and_vba_part(built):
    for key, main in (("xlam", addin_build.CT_ADDIN), ("xlsm", addin_build.CT_XLSM)):
        parts = _parts(built[key])
        types = SafeET.fromstring(parts["[Content_Types].xml"])
        overrides = {el.get("PartName"): el.get("ContentType")
                     for el in types.findall(f"{{{CT_NS}}}Override")}
        assert overrides["/xl/workbook.xml"] == main
        assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
        defaults = {el.get("Extension"): el.get("ContentType")
                    for el in types.findall(f"{{{CT_NS}}}Default")}
        assert defaults["xml"] == "application/xml"  # covers customUI/customUI.xml
        for part in overrides:
            assert part.lstrip("/") in parts, f"content type for missing part {part}"
    assert addin_build.CT_ADDIN == "application/vnd.ms-excel.addin.macroEnabled.main+xml"


def _rels(xml: bytes) -> list[dict[str, str]]:
    return [dict(el.attrib) for el in SafeET.fromstring(xml).findall(f"{{{REL_NS}}}Relationship")]


def test_relationships(built):
    parts = _parts(built["xlam"])
    wb_rels = _rels(parts["xl/_rels/workbook.xml.rels"])
    vba = [r for r in wb_rels if r["Type"] == "http://schemas.microsoft.com/office/2006/relationships/vbaProject"]
    assert len(vba) == 1 and vba[0]["Target"] == "vbaProject.bin"
    root_rels = _rels(parts["_rels/.rels"])
    ribbon = [r for r in root_rels
              if r["Type"] == "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"]
    assert len(ribbon) == 1 and ribbon[0]["Target"] == "customUI/customUI.xml"
    assert parts["customUI/customUI.xml"] == CUSTOMUI_PATH.read_bytes()
    for rels in (wb_rels, root_rels):
        ids = [r["Id"] for r in rels]
        assert len(ids) == len(set(ids))
    # every relationship target exists
    for r in root_rels:
        assert r["Target"].lstrip("/") in parts
    for r in wb_rels:
        target = r["Target"]
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        assert target in parts, target


def test_xlam_and_xlsm_differ_only_in_workbook_content_type(built):
    a, b = _parts(built["xlam"]), _parts(built["xlsm"])
    assert list(a) == list(b)
    assert [n for n in a if a[n] != b[n]] == ["[Content_Types].xml"]
    assert a["[Content_Types].xml"].replace(addin_build.CT_ADDIN.encode(), addin_build.CT_XLSM.encode()) \
        == b["[Content_Types].xml"]


def test_build_is_deterministic(built, tmp_path):
    again = addin_build.build_addin(tmp_path)
    assert again.read_bytes() == built["xlam"].read_bytes()
    with zipfile.ZipFile(again) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2025, 1, 1, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode()
    assert "2025-01-01T00:00:00Z" in core


def test_config_sheet_and_codenames_match_document_modules(built):
    parts = _parts(built["xlam"])
    wb = SafeET.fromstring(parts["xl/workbook.xml"])
    sheets = wb.findall(f"{{{MAIN_NS}}}sheets/{{{MAIN_NS}}}sheet")
    assert [s.get("name") for s in sheets] == [addin_build.CONF_SHEET] == ["ims_xl.conf"]
    wb_code = wb.find(f"{{{MAIN_NS}}}workbookPr").get("codeName")
    sheet_xml = SafeET.fromstring(parts["xl/worksheets/sheet1.xml"])
    sheet_code = sheet_xml.find(f"{{{MAIN_NS}}}sheetPr").get("codeName")
    ole = olefile.OleFileIO(parts["xl/vbaProject.bin"])
    project = ole.openstream("PROJECT").read().decode("cp1252").split("\r\n")
    documents = {line.split("=", 1)[1].split("/")[0] for line in project if line.startswith("Document=")}
    assert documents == {wb_code, sheet_code} == {"ThisWorkbook", "Sheet1"}
    # the sheet is what xlwings' VBA reads: wb.Sheets(PROJECT_NAME & ".conf"), A1 down, value in B
    xlwings_src = _committed("xlwings")
    assert 'Public Const PROJECT_NAME As String = "ims_xl"' in xlwings_src
    assert 'Set sht = wb.Sheets(PROJECT_NAME & ".conf")' in xlwings_src
    cells = {c.get("r"): "".join(t.text or "" for t in c.iter(f"{{{MAIN_NS}}}t"))
             for c in sheet_xml.iter(f"{{{MAIN_NS}}}c")}
    assert cells["A1"] == "UDF Modules" and cells["B1"] == "udfs.boe_functions"
    assert cells["A2"] == "ADD_WORKBOOK_TO_PYTHONPATH" and cells["B2"] == "false"
    assert "A3" not in cells  # xlwings reads A1 down to the first blank: nothing else is a setting
    # "UDF Modules" is a key the xlwings VBA asks for (GetConfig upper-cases sheet keys)
    assert 'GetConfig("UDF MODULES")' in xlwings_src


# --------------------------------------------------------------------------- the ribbon

def test_ribbon_xml(built):
    root = SafeET.fromstring(_parts(built["xlam"])["customUI/customUI.xml"])
    assert root.tag == f"{{{CUSTOMUI_NS}}}customUI"
    tabs = list(root.iter(f"{{{CUSTOMUI_NS}}}tab"))
    assert [t.get("label") for t in tabs] == ["IMS - Bill of Entry"]
    buttons = list(root.iter(f"{{{CUSTOMUI_NS}}}button"))
    tags = [b.get("tag") for b in buttons]
    assert all(tags), "every button needs a tag"
    assert len(tags) == len(set(tags)), "tags must be unique"
    assert tuple(tags) == EXPECTED_TAGS
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", t) for t in tags)  # what IMS_OnAction accepts
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    labels = {b.get("tag"): b.get("label") for b in buttons}
    assert labels["recompute"] == "Recompute 2B/3B" and labels["fetch_boe"] == "Fetch BoE"
    assert all(b.get("imageMso") for b in buttons)


def _vba_subs(source: str) -> set[str]:
    return {m.group(1) for m in re.finditer(
        r"^\s*(?:Public\s+|Private\s+)?Sub\s+(\w+)\s*\(\s*(?:ByRef\s+)?\w+\s+As\s+IRibbonControl\s*\)",
        source, re.MULTILINE | re.IGNORECASE)}


def test_every_on_action_is_a_committed_ribbon_callback():
    committed = {p.stem: _committed(p.stem) for p in (ADDIN_DIR / "vba").glob("*.bas")}
    callbacks = {(module, sub) for module, src in committed.items() for sub in _vba_subs(src)}
    assert ("IMSRibbon", RIBBON_CALLBACK) in callbacks
    for button in ribbon_buttons():
        action = button["onAction"]
        module, _, sub = action.rpartition(".")
        assert any(s == sub and (not module or m == module) for m, s in callbacks), action


def test_ribbon_tags_constant():
    assert isinstance(RIBBON_TAGS, tuple)
    assert RIBBON_TAGS == EXPECTED_TAGS
    assert all(b["onAction"] == RIBBON_CALLBACK for b in ribbon_buttons())


def test_dispatcher_runs_python_with_the_tag():
    src = _committed("IMSRibbon")
    assert src.startswith('Attribute VB_Name = "IMSRibbon"\r\n')
    assert f"Public Sub {RIBBON_CALLBACK}(control As IRibbonControl)" in src
    assert "actionTag = control.Tag" in src
    assert """RunPython "import ims_xl.ribbon; ims_xl.ribbon.dispatch('" & actionTag & "')\"""" in src
    # the only ribbon callback: one generic entry point
    assert _vba_subs(src) == {RIBBON_CALLBACK}


# --------------------------------------------------------------------------- the VBA project

def test_olevba_extracts_exactly_the_committed_sources(built):
    shipped = _olevba_modules(_shipped_vba())
    for key in ("xlam", "xlsm"):
        modules = _olevba_modules(built[key])
        assert set(modules) == set(EXPECTED_MODULES)
        assert modules["IMSRibbon"] == normalise_source(_committed("IMSRibbon"))
        assert modules["xlwings"] == normalise_source(_committed("xlwings"))
        assert modules["xlwings_udfs"] == normalise_source(built["udfs"].text)
        # kept from xlwings' Excel-made add-in, unchanged
        assert modules["Dictionary"] == shipped["Dictionary"]
        # ThisWorkbook: Excel's attribute lines, then our code (Workbook_Open)
        code = _committed("ThisWorkbook").split("\r\n", 1)[1]
        assert modules["ThisWorkbook"] == shipped["ThisWorkbook"] + code
        assert modules["Sheet1"] == shipped["Sheet2"].replace('VB_Name = "Sheet2"', 'VB_Name = "Sheet1"')
    print(f"\nolevba: {len(modules)} modules: "
          + ", ".join(f"{n} ({len(s)} chars)" for n, s in modules.items()))


def test_vba_project_streams(built):
    data = _vba_bin(built["xlam"])
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    streams = {"/".join(e) for e in ole.listdir()}
    assert streams == {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT"} | {f"VBA/{m}" for m in EXPECTED_MODULES}
    assert ole.openstream("VBA/_VBA_PROJECT").read() == VBA_PROJECT_HEADER == bytes.fromhex("CC61FFFF000100")
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert project.endswith("\r\n") and "\n" not in project.replace("\r\n", "")
    lines = project.split("\r\n")
    assert 'Name="ims_xl"' in lines
    assert [l for l in lines if re.match(r"(Document|Class|Module)=", l)] == [
        "Document=ThisWorkbook/&H00000000", "Document=Sheet1/&H00000000", "Class=Dictionary",
        "Module=xlwings", "Module=IMSRibbon", "Module=xlwings_udfs", "Module=IMSFunctionHelp"]
    assert "RibbonMyAddin" not in project
    wm = ole.openstream("PROJECTwm").read()
    expected_wm = b"".join(n.encode() + b"\0" + n.encode("utf-16-le") + b"\0\0" for n in EXPECTED_MODULES) + b"\0\0"
    assert wm == expected_wm
    # dir: every module record has offset 0 and cookie 0xFFFF; project name rewritten
    records = list(_iter_records(decompress(ole.openstream("VBA/dir").read())))
    by_id = {}
    for rid, body, _raw in records:
        by_id.setdefault(rid, []).append(body)
    assert by_id[0x0004] == [b"ims_xl"]
    assert by_id[0x000F] == [struct.pack("<H", len(EXPECTED_MODULES))]
    assert by_id[0x0031] == [b"\0\0\0\0"] * len(EXPECTED_MODULES)
    assert by_id[0x002C] == [b"\xff\xff"] * len(EXPECTED_MODULES)
    assert [b.decode() for b in by_id[0x0019]] == list(EXPECTED_MODULES)
    assert len(by_id[0x0021]) == 4 and len(by_id[0x0022]) == 3  # standard / document + class
    # references kept from the base project (IRibbonControl lives in the Office library)
    assert b"Office" in by_id[0x0016] and b"MSForms" in by_id[0x0016]
    # module streams are compressed source only
    for name in EXPECTED_MODULES:
        assert ole.openstream(f"VBA/{name}").read()[:1] == b"\x01"


def test_rebuilt_project_reads_back(built):
    project = read_base_project(_vba_bin(built["xlam"]))
    assert project.name == "ims_xl" and project.code_page == 1252
    assert {m.name: m.kind for m in project.modules} == EXPECTED_MODULES
    assert project.module("Dictionary").docstring.startswith("Drop-in replacement for Scripting.Dictionary")


def test_shipped_streams_decompress_as_olevba_reads_them():
    base = read_base_project(_shipped_vba())
    olevba_modules = _olevba_modules(_shipped_vba())
    assert {m.name for m in base.modules} == set(olevba_modules)
    for m in base.modules:
        assert m.source == olevba_modules[m.name], m.name
    ole = olefile.OleFileIO(_shipped_vba())
    raw_dir = ole.openstream("VBA/dir").read()
    assert decompress(raw_dir) == bytes(decompress_stream(bytearray(raw_dir)))


def test_code_page_is_enforced():
    base = read_base_project(_shipped_vba())
    rupee = VBAModule("Bad", "module", 'Attribute VB_Name = "Bad"\r\nConst C = "\u20b9 100"\r\n')
    with pytest.raises(VBAProjectError, match=r"line 2: .*U\+20B9.*cp1252"):
        build_vba_project(base, [rupee])
    ok = VBAModule("Fine", "module", 'Attribute VB_Name = "Fine"\nConst C = "Rs. 100 \u00e9"\n')
    data = build_vba_project(base, [ok])
    assert _olevba_modules(data)["Fine"] == 'Attribute VB_Name = "Fine"\r\nConst C = "Rs. 100 \u00e9"\r\n'


def test_signed_project_is_refused():
    ole = olefile.OleFileIO(_shipped_vba())
    streams = {"/".join(e): ole.openstream(e).read() for e in ole.listdir()}
    streams["\x05DigitalSignature"] = b"\x00" * 64
    with pytest.raises(VBAProjectError, match="signed"):
        read_base_project(write_cfb(streams))


def test_bad_names_are_refused():
    base = read_base_project(_shipped_vba())
    with pytest.raises(VBAProjectError):
        VBAModule("has space", "module", "")
    m = VBAModule("Same", "module", "")
    with pytest.raises(VBAProjectError, match="duplicate"):
        build_vba_project(base, [m, VBAModule("same", "module", "")])
    with pytest.raises(VBAProjectError, match="project name"):
        build_vba_project(base, [m], "Same")


# --------------------------------------------------------------------------- MS-OVBA compression

# MS-OVBA 3.2.1 and 3.2.2 (examples of the specification)
SPEC_VECTORS = [
    (b"abcdefghijklmnopqrstuv.",
     "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"),
    (b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
     "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D 6E "
     "6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C"),
]


@pytest.mark.parametrize("plain, hexdata", SPEC_VECTORS)
def test_spec_examples(plain, hexdata):
    assert decompress(bytes.fromhex(hexdata)) == plain
    assert decompress(compress(plain)) == plain


def _roundtrip(data: bytes) -> None:
    packed = compress(data)
    assert decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data  # an independent decoder agrees


def _last_chunk_incompressible(data: bytes) -> bool:
    tail = len(data) % 4096
    return tail > 0 and tail + -(-tail // 8) > 4096


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=12000))
def test_roundtrip_random_bytes(data):
    try:
        _roundtrip(data)
    except OvbaError:
        # the only refusal: a short last chunk that would need zero padding (MS-OVBA 2.4.1.3.10)
        assert _last_chunk_incompressible(data)


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=40), st.integers(min_value=1, max_value=600),
       st.binary(max_size=30))
def test_roundtrip_repetitive(unit, repeat, tail):
    _roundtrip(unit * repeat + tail)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="ab \r\n'\"()=_1Dim As String", max_size=9000))
def test_roundtrip_text(text):
    _roundtrip(text.encode("cp1252"))


@pytest.mark.parametrize("unit", [b"a", b"ab", b"abc", b"Dim x As String\r\n"])
@pytest.mark.parametrize("n", [4095, 4096, 4097, 8193, 70000])
def test_long_repeats_use_maximum_length_tokens(unit, n):
    # long repeats need copy tokens of the maximum length at every offset/length bit split: the
    # ms-ovba 0.0.1 bug (maximum length computed with << instead of >>) corrupts exactly these
    data = (unit * (n // len(unit) + 1))[:n]
    _roundtrip(data)
    assert len(compress(data)) < n // 4 + 64  # and it does compress


def test_large_module_roundtrip():
    rng = random.Random(1)
    words = ["Dim", "As", "String", "If", "Then", "End", "Sub", "RunPython", "x", "=", "1", "'", "\r\n"]
    text = " ".join(rng.choice(words) for _ in range(60000)).encode("cp1252")
    assert len(text) > 200_000
    _roundtrip(text)


def test_incompressible_full_chunks_are_stored_raw():
    data = random.Random(7).randbytes(8192)
    packed = compress(data)
    assert packed[1:3] == struct.pack("<H", 0x3FFF)  # raw chunk header
    _roundtrip(data)
    with pytest.raises(OvbaError):
        compress(random.Random(7).randbytes(4000))


# --------------------------------------------------------------------------- compound file

_RED, _BLACK = 0, 1  # MS-CFB directory entry colours


def _check_red_black(ole: olefile.OleFileIO) -> None:
    entries = ole.direntries

    def black_height(sid: int) -> int:
        if sid == olefile.NOSTREAM:
            return 1
        e = entries[sid]
        left, right = black_height(e.sid_left), black_height(e.sid_right)
        assert left == right, "unequal black heights"
        if e.color == _RED:
            for child in (e.sid_left, e.sid_right):
                assert child == olefile.NOSTREAM or entries[child].color == _BLACK
        return left + (e.color == _BLACK)

    for e in entries:
        if e is not None and e.sid_child != olefile.NOSTREAM:
            assert entries[e.sid_child].color == _BLACK
            black_height(e.sid_child)


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(
    st.sampled_from(["A", "b", "VBA/dir", "VBA/xlwings", "VBA/Sheet1", "PROJECT", "PROJECTwm",
                     "VBA/_VBA_PROJECT", "S/T/U", "S/x", "long_name_of_thirty_one_chars_"]),
    st.one_of(st.binary(max_size=200), st.integers(0, 9000).map(lambda n: bytes([n % 251]) * n)),
    min_size=1))
def test_cfb_roundtrip(streams):
    # a path can't be both a stream and a storage
    names = set(streams)
    streams = {k: v for k, v in streams.items() if not any(o.startswith(k + "/") for o in names)}
    data = write_cfb(streams)
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    got = {"/".join(e): ole.openstream(e).read() for e in ole.listdir()}
    assert got == streams
    _check_red_black(ole)


def test_cfb_of_built_project_is_valid(built):
    ole = olefile.OleFileIO(_vba_bin(built["xlam"]), raise_defects=olefile.DEFECT_INCORRECT)
    _check_red_black(ole)
    assert ole.get_size("VBA/xlwings") >= 4096  # a regular-sector stream as well as mini streams


# --------------------------------------------------------------------------- install

def test_install_on_linux_explains(built):
    with pytest.raises(addin_install.ExcelNotAvailable, match="Excel is not available") as exc:
        addin_install.install_addin(built["xlam"], platform="linux")
    assert str(built["xlam"]) in str(exc.value)


def test_install_windows_layout(built, tmp_path, monkeypatch):
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    config = tmp_path / ".ims_xl" / "ims_xl.conf"
    config.parent.mkdir()
    config.write_text('"PYTHONPATH","C:\\work"\r\n"interpreter_win","old"\r\n', encoding="utf-8")
    message = addin_install.install_addin(built["xlam"], platform="windows", home=tmp_path)
    target = tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "ims_xl.xlam"
    assert target.read_bytes() == built["xlam"].read_bytes()
    assert str(target) in message
    lines = config.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '"PYTHONPATH","C:\\work"'
    assert lines[1].startswith('"INTERPRETER_WIN","') and "old" not in lines[1]
    assert [p.name for p in target.parent.iterdir()] == ["ims_xl.xlam"]  # no temp file left


def test_install_macos_layout(built, tmp_path):
    message = addin_install.install_addin(built["xlam"], platform="macos", home=tmp_path)
    office = tmp_path / "Library" / "Group Containers" / "UBF8T346G9.Office"
    assert (office / "User Content" / "Startup" / "Excel" / "ims_xl.xlam").is_file()
    script = tmp_path / "Library" / "Application Scripts" / "com.microsoft.Excel" / "xlwings-0.37.8.applescript"
    assert script.is_file()
    conf = tmp_path / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "ims_xl.conf"
    assert conf.read_text().startswith('"INTERPRETER_MAC","')
    assert "Cmd-Q" in message


def test_install_macos_prefers_existing_localized_folder(tmp_path):
    loc = tmp_path / "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
    loc.mkdir(parents=True)
    assert addin_install.startup_dir("macos", tmp_path) == loc


# --------------------------------------------------------------------------- command line

def test_module_entry_point(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "workbook_template.addin", "build", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, cwd=Path(__file__).parents[1])
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "ims_xl.xlam").is_file() and (tmp_path / "ims_xl.xlsm").is_file()
    assert "built" in proc.stdout


# --------------------------------------------------------------------------- LibreOffice

SYSTEM_PYTHON = "/usr/bin/python3"


def _libreoffice_or_skip() -> str:
    soffice = shutil.which("soffice")
    problem = None
    if soffice is None:
        problem = "soffice not found"
    elif not os.path.exists(SYSTEM_PYTHON) or subprocess.run(
            [SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, timeout=30).returncode != 0:
        problem = f"{SYSTEM_PYTHON} cannot import uno (python3-uno)"
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"LibreOffice test required under CI=true: {problem}")
        pytest.skip(problem)
    return soffice


def _lo_libraries(path: Path, soffice: str, filter_name: str | None = None) -> dict[str, dict[str, str]]:
    cmd = [SYSTEM_PYTHON, str(ADDIN_DIR / "lo_dump.py"), str(path), "--soffice", soffice, "--timeout", "60"]
    if filter_name:
        cmd += ["--filter", filter_name]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)["libraries"]


def _undo_libreoffice(text: str) -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    lines = [l for l in lines if not l.startswith("Rem Attribute ")
             and l not in ("Option VBASupport 1", "Option ClassModule")]
    return "\n".join(lines).rstrip("\n")


def _without_attributes(source: str) -> str:
    lines = normalise_source(source).split("\r\n")
    return "\n".join(l for l in lines if not l.startswith("Attribute ")).rstrip("\n")


@pytest.mark.libreoffice
def test_libreoffice_imports_the_committed_vba(built):
    soffice = _libreoffice_or_skip()
    start = time.perf_counter()
    for path, filter_name in ((built["xlsm"], None), (built["xlam"], LO_FILTER)):
        libraries = _lo_libraries(path, soffice, filter_name)
        holders = [name for name, mods in libraries.items() if "IMSRibbon" in mods]
        assert len(holders) == 1, libraries.keys()
        modules = libraries[holders[0]]
        assert set(modules) == set(EXPECTED_MODULES)
        for module in addin_build.vba_modules(udfs=built["udfs"]):
            if module.kind == "module" or module.name == "ThisWorkbook":  # ours
                assert _undo_libreoffice(modules[module.name]) == _without_attributes(module.source), \
                    (path.name, module.name)
    print(f"\nLibreOffice: library {holders[0]!r} with {sorted(modules)} "
          f"({time.perf_counter() - start:.1f} s for both files)")

"""The add-in's VBA surface: what a workbook someone sends you can and cannot make it do.

Read from the *built* add-in with olevba (the VBA project as Excel will compile it), plus the
vendored source against upstream xlwings. The deviations from upstream are listed once, here
(``XLWINGS_DEVIATIONS``), and explained in docs/addin-build.md ("A safe VBA surface").
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET
from oletools.olevba import VBA_Parser

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from workbook_template.addin import ADDIN_DIR  # noqa: E402
from workbook_template.addin import build as addin_build  # noqa: E402

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

#: Every change we make to xlwings' ``xlwings_custom_addin.bas`` (upstream text, our text), in
#: file order. Each upstream text occurs exactly once; applying them all gives vba/xlwings.bas.
XLWINGS_DEVIATIONS: list[tuple[str, str]] = [
    # 1. Nothing in this module can be called from a worksheet formula.
    ('Attribute VB_Name = "xlwings"\n',
     'Attribute VB_Name = "xlwings"\n'
     "' ims_xl: Option Private Module keeps RunPython and every other procedure of this module out of\n"
     "' reach of worksheet formulas (=RunPython(\"...\") in a workbook someone sends you). The ribbon,\n"
     "' the xlwings_udfs module and Application.Run still reach them. See docs/addin-build.md.\n"
     "Option Private Module\n"),
    # 2. Our project name: the config sheet and the user config file are ims_xl.conf.
    ('Public Const PROJECT_NAME As String = "myaddin"',
     'Public Const PROJECT_NAME As String = "ims_xl"'),
    # 3. Embedded code (sheets named *.py) only from the add-in itself.
    ("""    ' Check for embedded Python code
    uses_embedded_code = False
    For i = 1 To 2
        If i = 1 Then
            Set wb = ActiveWorkbook
        Else
            Set wb = ThisWorkbook
        End If
        For Each sht In wb.Worksheets
            If Right$(sht.Name, 3) = ".py" Then
                uses_embedded_code = True
                Exit For
            End If
        Next
    Next i
""", """    ' Check for embedded Python code
    ' ims_xl: in the add-in's own sheets only, never the active workbook's (a sheet named *.py in a
    ' workbook someone sends you must not become code that RunPython runs).
    uses_embedded_code = False
    Set wb = ThisWorkbook
    For Each sht In wb.Worksheets
        If Right$(sht.Name, 3) = ".py" Then
            uses_embedded_code = True
            Exit For
        End If
    Next
"""),
    # 4. RunPython: the current folder is not on sys.path (before xlwings is imported, and after
    #    prepare_sys_path, which puts '' back when the PYTHONPATH setting is empty).
    (r'''        RunCommand = CondaCmd & PythonInterpreter & " -B -c ""import xlwings.utils;xlwings.utils.prepare_sys_path(\""" & PYTHONPATH & "\""); " & PythonCommand''',
     r'''        ' ims_xl: drop the current folder ('') from sys.path before anything is imported, and again
        ' after prepare_sys_path, which adds '' back when the PYTHONPATH setting is empty
        RunCommand = CondaCmd & PythonInterpreter & " -B -c ""import sys;sys.path[:]=[p for p in sys.path if p];import xlwings.utils;xlwings.utils.prepare_sys_path(\""" & PYTHONPATH & "\"");sys.path[:]=[p for p in sys.path if p]; " & PythonCommand'''),
    # 5. The UDF server: the same.
    (r'''        tail = " -B -c ""import sys, os;" & LicenseKeyEnvString & "import xlwings.utils;xlwings.utils.prepare_sys_path(\""" & PYTHONPATH & "\"");import xlwings;''',
     r'''        ' ims_xl: drop the current folder ('') from sys.path: the UDF server starts in Excel's
        ' current folder, often the folder of the last file opened. Before anything is imported,
        ' and again after prepare_sys_path, which adds '' back when the PYTHONPATH setting is empty
        tail = " -B -c ""import sys, os;sys.path[:]=[p for p in sys.path if p];" & LicenseKeyEnvString & "import xlwings.utils;xlwings.utils.prepare_sys_path(\""" & PYTHONPATH & "\"");sys.path[:]=[p for p in sys.path if p];import xlwings;'''),
    # 6. Import functions' fallback refreshes the add-in, never the active workbook.
    ("""    On Error Resume Next
    ActiveWorkbook.VBProject.VBComponents.Remove ActiveWorkbook.VBProject.VBComponents("xlwings_udfs")
    On Error GoTo 0
    ActiveWorkbook.VBProject.VBComponents.Import tf
""", """    ' ims_xl: Import functions refreshes the add-in's own module, never the active workbook's
    On Error Resume Next
    ThisWorkbook.VBProject.VBComponents.Remove ThisWorkbook.VBProject.VBComponents("xlwings_udfs")
    On Error GoTo 0
    ThisWorkbook.VBProject.VBComponents.Import tf
"""),
    # 7. GetConfig: the add-in's sheet, then the user's file; never the active workbook's sheet
    #    or folder.
    ("""    ' An entry in xlwings.conf sheet overrides the config file/ribbon
    Dim configValue As String
""", """    ' An entry in xlwings.conf sheet overrides the config file/ribbon
    ' ims_xl: two layers only: the add-in's own ims_xl.conf sheet, then the user's config file
    ' (%USERPROFILE%\\.ims_xl\\ims_xl.conf). The active workbook's ims_xl.conf sheet and an ims_xl.conf
    ' file in its folder are never read: a workbook someone sends you must not choose the Python
    ' (or PYTHONPATH) that the add-in runs. source = "directory" finds nothing.
    Dim configValue As String
"""),
    ("""            'Workbook Sheet Config
            If SheetExists(ActiveWorkbook, PROJECT_NAME & ".conf") = True Then
                If GetConfigFromSheet(ActiveWorkbook).Exists(configKey) = True Then
                    GetConfig = GetConfigFromSheet(ActiveWorkbook).Item(configKey)
                    GetConfig = ExpandEnvironmentStrings(GetConfig)
                    Exit Function
                End If
            End If
    
""", ""),
    ("""    ' Directory Config
    If source = "" Or source = "directory" Then
        #If App = "Microsoft Excel" Then
            If GetFullName(ActiveWorkbook) <> "" Then ' Empty if local dir can't be figured out (e.g. SharePoint)
        #Else
            If InStr(GetDirectoryPath(), "://") = 0 Then ' Other Office apps: skip for synced SharePoint/OneDrive files
        #End If
            If FileExists(GetDirectoryConfigFilePath()) = True Then
                If GetConfigFromFile(GetDirectoryConfigFilePath(), configKey, configValue) Then
                    GetConfig = configValue
                    GetConfig = ExpandEnvironmentStrings(GetConfig)
                    Exit Function
                End If
            End If
        End If
    End If

""", ""),
]

#: The worksheet functions (udfs/boe_functions.py): the add-in's only formula-callable procedures.
WORKSHEET_FUNCTIONS = {"BOE_STATUS", "BOE_ITC", "BOE_2B_PERIOD", "BOE_CHECK", "BOE_CUTOFF",
                       "BOE_DAYS_LEFT", "GSTIN_CHECK", "PORT_CODE_CHECK", "BOE_NUMBER", "BOE_TABLE",
                       "GSTR3B_4A1"}

#: The Python that both command lines (RunPython, the UDF server) now run first.
SYS_PATH_GUARD = "sys.path[:]=[p for p in sys.path if p];"

#: Where the xlwings module still names the active workbook, and why that is safe.
ACTIVE_WORKBOOK_USES = Counter({
    # RunPython passes the active workbook's name and path to Python (Book.caller() needs the
    # name). The path reaches sys.path only if ADD_WORKBOOK_TO_PYTHONPATH is true, and the
    # add-in's own sheet says false.
    'If InStr(ActiveWorkbook.FullName, "://") = 0 Then': 1,
    "ActiveFullName = ToPosixPath(ActiveWorkbook.FullName)": 1,
    "ActiveFullName = ActiveWorkbook.FullName": 2,
    'XLPy.SetAttr XLPy.Module("xlwings._xlwindows"), "BOOK_CALLER", ActiveWorkbook': 1,
    'ParameterString = ParameterString + "|" + ActiveWorkbook.Name': 1,
    '" --wb=" & """" & ActiveWorkbook.Name & """ --from_xl=1" & " --app=" & Chr(34) & _': 1,
    'PYTHONPATH = AddExcelDir & ";" & ActiveWorkbook.FullName & ";" & ThisWorkbook.FullName & ";" '
    '& GetConfig("ONEDRIVE_CONSUMER_WIN") & ";" & GetConfig("ONEDRIVE_COMMERCIAL_WIN") & ";" & '
    'GetConfig("SHAREPOINT_WIN") & ";" & GetConfig("PYTHONPATH")': 1,
    # ImportPythonUDFs (not the add-in variant): only when a user runs it by hand in the VBA editor.
    "Set wb = ActiveWorkbook": 1,
    # Defined but no longer called (GetConfig does not read a directory config file).
    'GetDirectoryConfigFilePath = GetDirectoryPath(ActiveWorkbook) & pathSeparator & PROJECT_NAME & ".conf"': 1,
    "'This function accepts relative paths with backward and forward slashes: ActiveWorkbook & \"\\test\"": 1,
    # ShowError writes an Error sheet only when the user's own config says SHOW_ERROR_POPUPS=False.
    'If SheetExists(ActiveWorkbook, "Error") = False Then': 1,
    "Set ErrorSheet = ActiveWorkbook.Sheets.Add()": 1,
    'Set ErrorSheet = ActiveWorkbook.Sheets("Error")': 1,
})


# --------------------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return addin_build.build_addin(tmp_path_factory.mktemp("addin"))


@pytest.fixture(scope="module")
def modules(built) -> dict[str, str]:
    """The built add-in's VBA modules as olevba reads them (LF line ends)."""
    parser = VBA_Parser(str(built))
    try:
        assert parser.detect_vba_macros()
        return {stream.split("/")[-1]: code.replace("\r\n", "\n")
                for _f, stream, _name, code in parser.extract_macros()}
    finally:
        parser.close()


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def _procedure(source: str, kind: str, name: str) -> str:
    """The text of ``Function name`` / ``Sub name`` up to its ``End Function`` / ``End Sub``."""
    match = re.search(rf"^(?:Public |Private )?{kind} {name}\(.*?^End {kind}$", source,
                      re.MULTILINE | re.DOTALL)
    assert match, f"{kind} {name} not found"
    return match.group(0)


def _declarations(source: str) -> list[str]:
    """The module's statements before its first procedure, without Attribute lines and comments."""
    out = []
    for line in source.split("\n"):
        stripped = line.strip()
        if re.match(r"(Public |Private )?(Function|Sub|Property) ", stripped):
            break
        if stripped and not stripped.startswith(("'", "Attribute ")):
            out.append(stripped)
    return out


def _formula_callable(source: str) -> set[str]:
    """Functions a worksheet formula can call: public Functions of a module without
    ``Option Private Module`` (a Sub, a Private Function or a Declare cannot be called)."""
    if "Option Private Module" in _declarations(source):
        return set()
    return {m.group(1) for m in re.finditer(r"^(?:Public\s+)?Function\s+(\w+)\s*\(", source,
                                            re.MULTILINE)}


# --------------------------------------------------------------------------- the vendored source

def test_vendored_xlwings_module_is_upstream_plus_the_documented_deviations():
    import xlwings

    upstream = _lf((Path(xlwings.__file__).parent / "xlwings_custom_addin.bas")
                   .read_bytes().decode("cp1252"))
    ours = (ADDIN_DIR / "vba" / "xlwings.bas").read_bytes().decode("cp1252")
    assert "\n" not in ours.replace("\r\n", "")  # CRLF throughout, as VBA expects
    expected = upstream
    position = 0
    for old, new in XLWINGS_DEVIATIONS:
        assert expected.count(old) == 1, old[:80]
        at = expected.index(old)
        assert at >= position, f"deviations out of file order at {old[:60]!r}"
        expected = expected[:at] + new + expected[at + len(old):]
        position = at + len(new)
    assert _lf(ours) == expected
    assert xlwings.__version__ == addin_build.XLWINGS_VERSION
    assert f"xlwings64-{addin_build.XLWINGS_VERSION}.dll" in ours


def test_every_deviation_is_documented():
    doc = (_ROOT / "docs" / "addin-build.md").read_text(encoding="utf-8")
    section = doc.split("## A safe VBA surface", 1)[1].split("\n## ", 1)[0]
    for words in ("Option Private Module", "GetConfig", "ADD_WORKBOOK_TO_PYTHONPATH",
                  "*.py", "sys.path", "ImportXlwingsUdfsModule", "ims_xl.conf"):
        assert words in section, words


# --------------------------------------------------------------------------- the built add-in

def test_xlwings_module_is_private_in_the_built_addin(modules):
    declarations = _declarations(modules["xlwings"])
    assert declarations[0] == "Option Private Module"  # before any declaration and procedure
    # RunPython is still there, for the ribbon (same project) and Application.Run
    assert "Public Function RunPython(PythonCommand As String)" in modules["xlwings"]


def test_formulas_reach_only_the_worksheet_functions(modules):
    """A formula in any open workbook can call a public Function of a loaded add-in's standard
    module. Only the worksheet functions may be callable."""
    callable_ = {name: _formula_callable(src) for name, src in modules.items()
                 if name not in ("ThisWorkbook", "Sheet1", "Dictionary")}
    assert callable_.pop("xlwings") == set()
    assert callable_.pop("IMSRibbon") == set()  # one Sub (the ribbon callback)
    assert callable_.pop("xlwings_udfs") == WORKSHEET_FUNCTIONS
    assert all(not names for names in callable_.values()), callable_
    # the check itself can fail: upstream's module exposes RunPython and GetConfig
    import xlwings
    upstream = _lf((Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_text("cp1252"))
    assert {"RunPython", "GetConfig", "RunFrozenPython"} <= _formula_callable(upstream)


def test_get_config_reads_the_addin_sheet_then_the_user_file_only(modules):
    source = modules["xlwings"]
    body = _procedure(source, "Function", "GetConfig")
    code = "\n".join(l for l in body.split("\n") if not l.strip().startswith("'"))
    assert "ActiveWorkbook" not in code
    assert "GetDirectoryConfigFilePath" not in code
    sheet = code.index("GetConfigFromSheet(ThisWorkbook).Item(configKey)")
    user = code.index("GetConfigFromFile(GetConfigFilePath(), configKey, configValue)")
    default = code.index("GetConfig = default")
    assert sheet < user < default
    # nowhere else in the module is another workbook's config sheet or folder file read
    assert re.findall(r"GetConfigFromSheet\((\w+)\)", source) == ["ThisWorkbook"] * 2
    uses = [l for l in source.split("\n") if "GetDirectoryConfigFilePath" in l]
    assert [u.strip() for u in uses] == [
        "Function GetDirectoryConfigFilePath() As String",
        'GetDirectoryConfigFilePath = GetDirectoryPath(ActiveWorkbook) & pathSeparator & PROJECT_NAME & ".conf"']
    # the user file is the one install_addin writes
    assert ('GetConfigFilePath = Environ("USERPROFILE") & "\\." & PROJECT_NAME & "\\" & '
            'PROJECT_NAME & ".conf"') in source


def test_the_active_workbook_is_named_only_where_it_is_safe(modules):
    uses = Counter(l.strip() for l in modules["xlwings"].split("\n") if "ActiveWorkbook" in l)
    assert uses == ACTIVE_WORKBOOK_USES
    run_python = _procedure(modules["xlwings"], "Function", "RunPython")
    # embedded code (*.py sheets) is looked for in the add-in only
    assert "For Each sht In wb.Worksheets" in run_python and "Set wb = ThisWorkbook" in run_python
    assert "Set wb = ActiveWorkbook" not in run_python


def test_add_workbook_to_pythonpath_is_false_on_the_addin_sheet(built, modules):
    with zipfile.ZipFile(built) as zf:
        sheet = SafeET.fromstring(zf.read("xl/worksheets/sheet1.xml"))
        strings = [si.findtext(f"{{{MAIN_NS}}}t") for si in
                   SafeET.fromstring(zf.read("xl/sharedStrings.xml")).iter(f"{{{MAIN_NS}}}si")] \
            if "xl/sharedStrings.xml" in zf.namelist() else []
    cells = {}
    for c in sheet.iter(f"{{{MAIN_NS}}}c"):
        if c.get("t") == "s":
            cells[c.get("r")] = strings[int(c.findtext(f"{{{MAIN_NS}}}v"))]
        else:
            cells[c.get("r")] = "".join(t.text or "" for t in c.iter(f"{{{MAIN_NS}}}t"))
    settings = {}
    row = 1
    while f"A{row}" in cells:  # what GetConfigFromSheet reads: A1 down, value in B
        settings[cells[f"A{row}"].upper()] = cells.get(f"B{row}", "")
        row += 1
    assert settings == {"UDF MODULES": "udfs.boe_functions", "ADD_WORKBOOK_TO_PYTHONPATH": "false"}
    # both command lines read it through GetConfig, which reads this sheet first
    assert modules["xlwings"].count('AddExcelDir = GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")') == 2


def _sys_path_args(flag: str, workbook: Path, addin: Path, pythonpath: str = "") -> str:
    """The first argument of prepare_sys_path as the VBA builds it: AddExcelDir; the active
    workbook; the add-in; three OneDrive/SharePoint settings; the PYTHONPATH setting."""
    return f"{flag};{workbook};{addin};;;;{pythonpath}"


def test_prepare_sys_path_ignores_the_workbook_folder_when_false(monkeypatch, tmp_path):
    """xlwings' own Python side of that setting: with "false" the active workbook's folder does
    not reach sys.path; with upstream's default "true" it does."""
    from xlwings.utils import prepare_sys_path

    downloads = tmp_path / "Downloads"
    workbook, addin = downloads / "from-a-client.xlsx", tmp_path / "XLSTART" / "ims_xl.xlam"
    monkeypatch.setattr(sys, "path", ["/lib"])
    prepare_sys_path(_sys_path_args("false", workbook, addin))
    assert str(downloads) not in sys.path
    # an empty PYTHONPATH setting comes back as '' (the current folder): hence the second guard
    assert sys.path == ["", "/lib"]
    monkeypatch.setattr(sys, "path", ["/lib"])
    prepare_sys_path(_sys_path_args("true", workbook, addin))
    assert str(downloads) in sys.path


def _vba_string(expression: str, variables: dict[str, str]) -> str:
    """Evaluate a VBA string expression made of literals and variables joined by ``&``."""
    out = []
    for part in re.findall(r'"(?:[^"]|"")*"|\w+', expression):
        out.append(part[1:-1].replace('""', '"') if part.startswith('"') else variables[part])
    return "".join(out)


def _python_code(source: str, which: str, sys_path_arg: str, command: str) -> str:
    """The code ``python -c`` receives from RunPython (``run``) or the UDF server (``udf``),
    with ``command`` as the Python command (for the UDF server: instead of ``xlwings.serve``)."""
    target = "RunCommand" if which == "run" else "tail"
    match = re.search(rf"^\s*{target} = (.*-B -c.*)$", source, re.MULTILINE)
    assert match, target
    if which == "run":
        text = _vba_string(match.group(1), {"CondaCmd": "", "PythonInterpreter": "python",
                                            "PYTHONPATH": sys_path_arg, "PythonCommand": command})
    else:
        text = _vba_string(match.group(1), {"LicenseKeyEnvString": "", "PYTHONPATH": sys_path_arg})
        assert text.endswith("xlwings.serve('$(CLSID)')\"")
        text = text.replace("xlwings.serve('$(CLSID)')", command)
    args = shlex.split(text)  # \" inside quotes is a quote for the C runtime, as for a POSIX shell
    assert args[args.index("-c") - 1] == "-B"
    return args[args.index("-c") + 1]


@pytest.mark.parametrize("which", ["run", "udf"])
def test_both_command_lines_drop_the_current_folder_from_sys_path(modules, which):
    code = _python_code(modules["xlwings"], which, "false;a;b;;;;", "CMD")
    head, _, rest = code.partition("import xlwings.utils;")
    assert head.endswith(SYS_PATH_GUARD)  # before xlwings is imported
    assert rest.startswith('xlwings.utils.prepare_sys_path("false;a;b;;;;");' + SYS_PATH_GUARD)
    assert code.count(SYS_PATH_GUARD) == 2


@pytest.mark.parametrize("which", ["run", "udf"])
@pytest.mark.parametrize("guarded", [True, False])
def test_a_stray_module_in_the_current_folder_is_not_imported(modules, tmp_path, which, guarded):
    """Each command line as the VBA builds it, run by a real ``python -c`` in a folder holding a
    stray ``ims_xl.py`` (the UDF server starts in Excel's current folder), with the add-in's
    settings (ADD_WORKBOOK_TO_PYTHONPATH false, no PYTHONPATH setting)."""
    folder = tmp_path / "Downloads"
    folder.mkdir()
    (folder / "ims_xl.py").write_text("raise SystemExit('stray module imported')\n")
    args = _sys_path_args("false", folder / "from-a-client.xlsx", tmp_path / "ims_xl.xlam")
    code = _python_code(modules["xlwings"], which, args, "import ims_xl; print(ims_xl.__file__)")
    if not guarded:
        code = code.replace(SYS_PATH_GUARD, "")
    proc = subprocess.run([sys.executable, "-B", "-c", code], cwd=folder, capture_output=True,
                          text=True, timeout=60,
                          env={"PYTHONPATH": str(_ROOT), "PATH": "/usr/bin:/bin"})
    if guarded:
        assert proc.returncode == 0, proc.stderr
        assert Path(proc.stdout.strip()).resolve() == (_ROOT / "ims_xl" / "__init__.py").resolve()
    else:
        assert "stray module imported" in proc.stderr


def test_import_functions_fallback_refreshes_the_addin_itself(modules):
    body = _procedure(modules["xlwings"], "Sub", "ImportXlwingsUdfsModule")
    assert "ThisWorkbook.VBProject.VBComponents.Import tf" in body
    assert "ActiveWorkbook" not in body

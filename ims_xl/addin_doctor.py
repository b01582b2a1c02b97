"""``ims-xl doctor``: is this machine ready for the ims_xl add-in? One line per fact.

Each line is ``OK`` (nothing to do), ``FIX`` (a sentence saying what to do), ``INFO`` (worth
knowing, nothing to do) or ``N/A`` (does not apply on this platform, and why). The command exits
2 when any line says FIX, else 0.

Everything the checks read comes through a :class:`Machine`: the real one
(:meth:`Machine.current`) reads the registry, ``tasklist`` and files; tests build one from
recorded inputs, so the Windows branches run on any OS (tests/test_addin_commands.py).
"""

from __future__ import annotations

import importlib.util
import os
import platform as _platform_module
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PureWindowsPath

from workbook_template.addin import windows as W
from workbook_template.addin.names import ADDIN_FILENAME, CONF_SETTINGS, XLWINGS_VERSION
from workbook_template.addin.install import _platform, startup_dir
from workbook_template.addin.status import AddinStatus, addin_status

from . import __version__

__all__ = ["Check", "Machine", "run_checks", "render", "doctor_exit_code"]

OK, FIX, INFO, NA = "OK", "FIX", "INFO", "N/A"
PLATFORM_NAMES = {"windows": "Windows", "macos": "macOS", "other": "Linux"}


@dataclass(frozen=True)
class Check:
    status: str      # OK / FIX / INFO / N/A
    topic: str
    text: str


@dataclass
class Machine:
    """What the checks may read. ``registry`` is None off Windows."""

    platform: str                                    # windows / macos / other
    home: Path
    environ: dict[str, str]
    python_version: tuple[int, int, int]
    python_bits: int
    executable: Path
    xlwings_version: str | None
    registry: W.Registry | None
    excel_pids: Callable[[], list[int] | None]
    addin_open_in_excel: Callable[[], bool | None]
    read_head: Callable[[Path], bytes | None]
    status: Callable[[], AddinStatus]
    exists: Callable[[Path], bool] = field(default=lambda p: Path(p).exists())
    module_found: Callable[[str], bool] = field(default=lambda name: _module_found(name))

    @classmethod
    def current(cls) -> Machine:  # pragma: no cover - the parts are tested one by one
        plat = _platform()
        try:
            import xlwings
            xlwings_version = xlwings.__version__
        except ImportError:
            xlwings_version = None
        return cls(
            platform=plat, home=Path.home(), environ=dict(os.environ),
            python_version=tuple(sys.version_info[:3]), python_bits=struct.calcsize("P") * 8,
            executable=Path(sys.executable), xlwings_version=xlwings_version,
            registry=W.WindowsRegistry() if plat == "windows" else None,
            excel_pids=W.excel_pids, addin_open_in_excel=_addin_open_in_excel,
            read_head=W.read_head, status=lambda: addin_status(plat))


def _module_found(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _addin_open_in_excel() -> bool | None:  # pragma: no cover - needs Excel on Windows
    """Ask the running Excel (COM) whether it has the add-in loaded; None if it cannot say."""
    try:
        import xlwings as xw
        if not xw.apps:
            return None
        for app in xw.apps:
            try:
                app.api.Workbooks(ADDIN_FILENAME)
                return True
            except Exception:  # noqa: BLE001 - not loaded in this instance
                continue
        return False
    except Exception:  # noqa: BLE001 - COM unavailable, Excel busy: cannot tell
        return None


# --------------------------------------------------------------------------- every platform

def check_python(m: Machine) -> list[Check]:
    version = ".".join(map(str, m.python_version))
    if m.python_version[:2] < (3, 11):
        return [Check(FIX, "Python", f"Python {version} is too old: ims-xl needs 3.11 or later "
                      "(python.org, or `winget install Python.Python.3.12`).")]
    return [Check(OK, "Python", f"Python {version}, {m.python_bits}-bit: {m.executable}")]


def check_xlwings(m: Machine) -> list[Check]:
    if m.xlwings_version is None:
        return [Check(FIX, "xlwings", f"xlwings is not installed in this Python: "
                      f"`pip install xlwings=={XLWINGS_VERSION}` (or reinstall ims-xl).")]
    if m.xlwings_version != XLWINGS_VERSION:
        return [Check(FIX, "xlwings",
                      f"xlwings {m.xlwings_version} is installed, but the add-in's VBA is xlwings "
                      f"{XLWINGS_VERSION}'s (it loads xlwings64-{XLWINGS_VERSION}.dll): "
                      f"`pip install xlwings=={XLWINGS_VERSION}`.")]
    return [Check(OK, "xlwings", f"xlwings {m.xlwings_version}, the version the add-in's VBA "
                  "is made for.")]


def check_functions_module(m: Machine) -> list[Check]:
    module = CONF_SETTINGS["UDF Modules"]
    if not m.module_found(module):
        return [Check(FIX, "Worksheet functions", f"{module} cannot be imported by this Python: "
                      "reinstall ims-xl into it.")]
    return [Check(OK, "Worksheet functions", f"{module} imports in this Python.")]


def check_addin(m: Machine, s: AddinStatus) -> list[Check]:
    name = PLATFORM_NAMES[m.platform]
    if s.path is None:
        return [Check(NA, "Add-in", f"Does not apply on {name}: Excel runs on Windows and macOS. "
                      "`ims-xl addin build` works here; install the file on the Excel machine.")]
    if s.fresh is None:
        out = [Check(FIX, "Add-in", f"This Python cannot build the add-in ({s.build_error}).")]
    else:
        out = []
    if s.not_ours:
        out.append(Check(FIX, "Add-in", f"{s.not_ours}. Move it out of {s.path.parent}, then run "
                         "`ims-xl addin install`."))
    elif s.installed is None:
        out.append(Check(FIX, "Add-in", f"Not installed (no {s.path.name} in {s.path.parent}): "
                         "run `ims-xl addin install`."))
    elif s.identical is False:
        out.append(Check(FIX, "Add-in", f"{s.path} is ims-xl {s.installed.ims_xl_version or '(older)'}'s, "
                         f"not this Python's ({__version__}), or was changed by Import functions: "
                         "run `ims-xl addin install` to replace it."))
    elif s.identical:
        out.append(Check(OK, "Add-in", f"{s.path}: ims-xl {s.installed.ims_xl_version}, "
                         f"{len(s.installed.functions)} worksheet functions, identical to what "
                         "this Python builds."))
    else:  # installed, but nothing to compare it with
        out.append(Check(INFO, "Add-in", f"{s.path}: ims-xl {s.installed.ims_xl_version or '(older)'}, "
                         f"{len(s.installed.functions)} worksheet functions."))
    if s.zone_id is not None and s.zone_id >= 3:
        out.append(Check(FIX, "Add-in blocked", "The installed add-in is marked as downloaded "
                         f"from {W.ZONE_NAMES.get(s.zone_id, 'the internet')}; Office blocks its macros. "
                         "Run `ims-xl addin install` (it unblocks the copy), or right-click the "
                         "file > Properties > Unblock."))
    return out


def _path(m: Machine, text: str | Path) -> PurePath:
    """A path on the machine checked: Windows paths split on backslashes on any OS."""
    return PureWindowsPath(str(text)) if m.platform == "windows" else Path(text)


def _same_python(configured: PurePath, executable: PurePath) -> bool:
    def norm(p: PurePath) -> str:
        return str(p).lower().replace("pythonw.exe", "python.exe") if isinstance(p, PureWindowsPath) \
            else str(p)
    return norm(configured) == norm(executable)


def check_interpreter(m: Machine, s: AddinStatus) -> list[Check]:
    if s.config_path is None:
        return []
    key = "INTERPRETER_WIN" if m.platform == "windows" else "INTERPRETER_MAC"
    if not s.interpreter:
        return [Check(FIX, "Interpreter", f"No {key} in {s.config_path}: run `ims-xl addin install` "
                      "from the Python that Excel should use (it writes that line).")]
    configured = _path(m, s.interpreter)
    if not m.exists(configured):
        return [Check(FIX, "Interpreter", f"{key} in {s.config_path} is {configured}, which does "
                      "not exist (a deleted venv?): run `ims-xl addin install` from the Python "
                      "Excel should use.")]
    if not _same_python(configured, _path(m, m.executable)):
        return [Check(INFO, "Interpreter", f"The add-in runs {configured}, not this Python "
                      f"({m.executable}). Fine if ims-xl is installed there too; otherwise run "
                      "`ims-xl addin install` from this one.")]
    return [Check(OK, "Interpreter", f"The add-in runs this Python ({configured}).")]


# --------------------------------------------------------------------------- Windows only

def _dll_folders(interpreter: PurePath) -> list[PurePath]:
    # what the VBA's XLPyLoadDLL tries: the interpreter's folder, then its parent (a venv)
    return [interpreter.parent, interpreter.parent.parent]


def check_office(m: Machine, s: AddinStatus) -> list[Check]:
    reg = m.registry
    version = W.office_version(reg)
    if version is None:
        return [Check(FIX, "Excel", "No Excel settings for this Windows user: install desktop "
                      "Excel (Microsoft 365, 2016 or later), start it once, then run "
                      "`ims-xl doctor` again.")]
    out = [Check(OK, "Excel", f"Excel settings found (Office {version}).")]
    bits = W.office_bitness(reg, m.read_head)
    interpreter = _path(m, s.interpreter or m.executable)
    wanted = {"64-bit": [f"xlwings64-{XLWINGS_VERSION}.dll"], "32-bit": [f"xlwings32-{XLWINGS_VERSION}.dll"]}.get(
        bits, [f"xlwings64-{XLWINGS_VERSION}.dll", f"xlwings32-{XLWINGS_VERSION}.dll"])
    if bits is None:
        out.append(Check(INFO, "Office bitness", "Could not tell whether Office is 32- or 64-bit "
                         "(File > Account > About Excel says); both xlwings DLLs are checked."))
    else:
        out.append(Check(INFO, "Office bitness", f"Office is {bits}: the add-in loads {wanted[0]}. "
                         f"Python's own bitness ({m.python_bits}-bit) does not have to match: it "
                         "runs in its own process."))
    for dll in wanted:
        found = [f for f in _dll_folders(interpreter) if m.exists(f / dll)]
        if found:
            out.append(Check(OK, "xlwings DLL", f"{dll} is in {found[0]}."))
        else:
            out.append(Check(FIX, "xlwings DLL", f"{dll} is not beside {interpreter} nor in its "
                             "parent folder, where the add-in looks for it: "
                             f"`pip install --force-reinstall xlwings=={XLWINGS_VERSION}` in that "
                             "Python."))
    return out + _trust_center(m, version) + _excel_session(m, s, version)


def _trust_center(m: Machine, version: str) -> list[Check]:
    reg, out = m.registry, []
    setting, by_it = W.macro_setting(reg, version)
    who = " (set by your IT)" if by_it else ""
    text = W.MACRO_SETTINGS.get(setting, f"unknown ({setting})")
    if setting == 1:
        out.append(Check(INFO, "Macro settings", f"{text}{who}: every workbook's macros run "
                         "without asking. ims_xl does not need this (it runs from a trusted "
                         "location); 'Disable all macros with notification' is safer."))
    else:
        out.append(Check(OK, "Macro settings", f"{text}{who}. The add-in still runs: it is in "
                         "a trusted location."))
    startup = startup_dir("windows", m.home, m.environ)
    if W.trusted_locations_disabled(reg, version):
        out.append(Check(FIX, "Trusted locations", "Your IT has disabled all trusted locations, so "
                         f"the add-in's macros cannot run from {startup}. Ask IT to allow the "
                         "Excel startup folder as a trusted location (policy: Trusted Location "
                         "for User StartUp) or to sign the add-in."))
    else:
        locations = W.trusted_locations(reg, version, m.environ)
        covering = [loc for loc, sub in locations if W.is_under(startup, loc, sub)]
        if covering:
            out.append(Check(OK, "Trusted locations", f"Excel's startup folder is a trusted "
                             f"location ({covering[0]})."))
        elif locations:
            out.append(Check(FIX, "Trusted locations", f"{startup} is not among Excel's trusted "
                             "locations, so Office may block the add-in's macros. Add it: File > "
                             "Options > Trust Center > Trust Center Settings > Trusted Locations > "
                             "Add new location (or ask IT)."))
        else:
            out.append(Check(INFO, "Trusted locations", "Could not read Excel's trusted locations; "
                             f"by default they include the startup folder {startup}."))
    blocked = reg.value(rf"HKCU\Software\Policies\Microsoft\Office\{version}\Excel\Security",
                        "blockcontentexecutionfrominternet")
    out.append(Check(INFO, "Mark of the Web", "Office blocks macros in files downloaded from the "
                     "internet" + (" (enforced by your IT)" if blocked in (1, "1") else " (the default)")
                     + ": a downloaded ims_xl.xlam must be unblocked; `ims-xl addin install` does "
                     "that for the copy it installs."))
    vbom = W.vbom_access(reg, version)
    out.append(Check(INFO, "VBA project access", "'Trust access to the VBA project object model' "
                     f"is {'on' if vbom else 'off'}. Not needed: the worksheet functions come with "
                     "the add-in. Only the Import functions button (a refresh) needs it."))
    asr = W.asr_rule_state(reg)
    rule = f"'Block all Office applications from creating child processes' ({W.ASR_OFFICE_CHILD_PROCESSES})"
    if asr is None:
        out.append(Check(INFO, "Defender ASR rule", f"Could not read whether the attack surface "
                         f"reduction rule {rule} is on. If the ribbon's buttons do nothing and the "
                         "functions show an error, ask IT: in block mode it stops Excel from "
                         "starting Python."))
    elif asr.mode == "block":
        out.append(Check(FIX, "Defender ASR rule", f"The attack surface reduction rule {rule} is "
                         "in block mode: Excel cannot start Python, so no button and no worksheet "
                         "function works. Ask IT for a per-rule exclusion (Excel starts cmd.exe, "
                         f"which starts {_path(m, m.executable).parent}\\pythonw.exe) or to set the "
                         "rule to audit mode for this machine."))
    elif asr.mode == "warn":
        out.append(Check(INFO, "Defender ASR rule", f"The rule {rule} is in warn mode: Windows asks "
                         "before Excel starts Python; choose Allow."))
    elif asr.mode in ("audit", "off", None):
        state = {"audit": "in audit mode (logs only)", "off": "off", None: "not set"}[asr.mode]
        out.append(Check(OK, "Defender ASR rule", f"The rule {rule} is {state}: Excel may start "
                         "Python."))
    else:
        out.append(Check(INFO, "Defender ASR rule", f"The rule {rule} has the state {asr.mode}."))
    return out


def _excel_session(m: Machine, s: AddinStatus, version: str) -> list[Check]:
    reg, out = m.registry, []
    installed = str(s.path) if s.path else ""
    others = [p for p in W.addin_manager_paths(reg, version)
              if Path(p.replace("\\", "/")).name.lower() == ADDIN_FILENAME
              and not W.is_under(p, installed, False)]
    for other in others:
        out.append(Check(FIX, "Second copy", f"Excel also loads {other} (ticked in File > Options > "
                         "Add-ins > Excel Add-ins): two copies fight over the ribbon and the "
                         "functions. Untick it there (or delete that file)."))
    disabled = [d for d in W.disabled_items(reg, version) if ADDIN_FILENAME in d.lower()]
    if disabled:
        out.append(Check(FIX, "Disabled by Excel", "Excel has disabled the add-in after a problem: "
                         "File > Options > Add-ins > Manage: Disabled Items > Go, select "
                         f"{ADDIN_FILENAME}, Enable; then restart Excel."))
    pids = m.excel_pids()
    if pids is None:
        out.append(Check(INFO, "Excel running", "Could not tell whether Excel is running."))
    elif not pids:
        out.append(Check(INFO, "Excel running", "Excel is not running; it loads the add-in from "
                         "its startup folder when it starts."))
    else:
        loaded = m.addin_open_in_excel()
        if loaded is True:
            out.append(Check(OK, "Excel running", "Excel is running with the add-in loaded."))
        elif loaded is False and s.installed is not None:
            out.append(Check(FIX, "Excel running", "Excel is running without the add-in: close "
                             "Excel and start it again (it loads add-ins from the startup folder "
                             "only when it starts)."))
        else:
            out.append(Check(INFO, "Excel running", "Excel is running; could not ask it which "
                             "add-ins it has loaded."))
    return out


# --------------------------------------------------------------------------- macOS only

def check_macos(m: Machine) -> list[Check]:
    script = (m.home / "Library" / "Application Scripts" / "com.microsoft.Excel"
              / f"xlwings-{XLWINGS_VERSION}.applescript")
    out = []
    if m.exists(script):
        out.append(Check(OK, "AppleScript", f"{script.name} is installed (the ribbon needs it)."))
    else:
        out.append(Check(FIX, "AppleScript", f"{script} is missing: the ribbon cannot start Python. "
                         "Run `ims-xl addin install`."))
    out.append(Check(NA, "Worksheet functions", "Not on macOS: xlwings' worksheet functions need "
                     "Excel on Windows. The ribbon works on a Mac; for the functions there, see the "
                     "xlwings Lite edition."))
    return out


# --------------------------------------------------------------------------- all together

def run_checks(m: Machine) -> list[Check]:
    checks = check_python(m) + check_xlwings(m) + check_functions_module(m)
    s = m.status()
    checks += check_addin(m, s) + check_interpreter(m, s)
    if m.platform == "windows" and m.registry is not None:
        checks += check_office(m, s)
    else:
        why = f"Windows only (this is {PLATFORM_NAMES[m.platform]})"
        checks += [Check(NA, topic, f"{why}: {what}") for topic, what in (
            ("Office bitness", "which xlwings DLL (32/64-bit) Excel loads."),
            ("Trust Center", "macro settings, trusted locations, Mark of the Web."),
            ("Defender ASR rule", "whether Windows lets Office start Python."),
        )]
        if m.platform == "macos":
            checks += check_macos(m)
        else:
            checks.append(Check(NA, "Excel running", f"{why}: Excel does not run on Linux."))
    return checks


def render(checks: list[Check], m: Machine) -> str:
    lines = [f"ims-xl {__version__} doctor on {PLATFORM_NAMES[m.platform]} "
             f"({_platform_module.platform(terse=True)})"]
    width = max(len(c.topic) for c in checks)
    for c in checks:
        lines.append(f"{c.status:<4}  {c.topic:<{width}}  {c.text}")
    fixes = sum(c.status == FIX for c in checks)
    lines.append(f"{fixes} thing(s) to fix." if fixes else "Nothing to fix.")
    return "\n".join(lines)


def doctor_exit_code(checks: list[Check]) -> int:
    return 2 if any(c.status == FIX for c in checks) else 0

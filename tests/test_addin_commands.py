"""``ims-xl addin install|status|remove`` and ``ims-xl doctor``.

What runs here runs for real: the command line on Linux (where each says what does not apply),
and the Windows and macOS file layouts through ``platform=`` and a temporary home. What only
Windows can show (the registry, ``tasklist``, NTFS streams, Excel.exe's header) is read by small
functions in ``workbook_template/addin/windows.py``; their interpreting halves are tested here on
recorded inputs. The registry contents below are written from the documented layout of those
keys (Office's Trust Center, Click-to-Run, Defender's ASR policies), not dumped from a machine:
docs/excel-acceptance.md lists what to compare on a real one.

On Linux an NTFS stream ``file:Zone.Identifier`` is an ordinary file of that name beside
``file``; the install and status code reach it by the same path string, so those tests use that.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from conftest import run_cli  # noqa: E402

from ims_xl import __version__  # noqa: E402
from ims_xl import addin_doctor as D  # noqa: E402
from workbook_template.addin import build as addin_build  # noqa: E402
from workbook_template.addin import install as addin_install  # noqa: E402
from workbook_template.addin import status as addin_status_mod  # noqa: E402
from workbook_template.addin import windows as W  # noqa: E402
from workbook_template.addin.addin_file import NotAnAddin, read_addin  # noqa: E402

ZONE_3 = "[ZoneTransfer]\r\nZoneId=3\r\nReferrerUrl=https://github.com/\r\nHostUrl=https://example.org/ims_xl.xlam\r\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return addin_build.build_addin(tmp_path_factory.mktemp("addin"))


@pytest.fixture(scope="module")
def older_build(tmp_path_factory, built) -> Path:
    """A readable ims-xl add-in that is not byte-identical to this build (another build date)."""
    os.environ["SOURCE_DATE_EPOCH"] = "1767225600"  # 2026-01-01
    try:
        path = addin_build.build_addin(tmp_path_factory.mktemp("older"))
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    assert path.read_bytes() != built.read_bytes()
    return path


def _windows_target(home: Path) -> Path:
    return home / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "ims_xl.xlam"


@pytest.fixture
def win_home(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("APPDATA", raising=False)  # startup_dir falls back to home\AppData\Roaming
    return tmp_path


def _never_running():
    raise AssertionError("asked whether Excel runs although nothing was locked")


# --------------------------------------------------------------------------- the command line

def test_cli_on_linux_says_what_does_not_apply(tmp_path):
    status = run_cli("addin", "status")
    assert status.returncode == 0, status.stderr
    assert "do not apply on this platform" in status.stdout
    assert f"builds version {__version__} (xlwings 0.37.8, 11 worksheet functions)" in status.stdout
    remove = run_cli("addin", "remove")
    assert remove.returncode == 2 and remove.stdout == ""
    assert "no Excel add-in to remove here" in remove.stderr and "Traceback" not in remove.stderr
    install = run_cli("addin", "install")
    assert install.returncode == 2 and "Excel is not available on this platform" in install.stderr
    doctor = run_cli("doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    lines = doctor.stdout.splitlines()
    assert lines[0].startswith(f"ims-xl {__version__} doctor on Linux")
    by_topic = {line[6:].split("  ")[0].strip(): line[:4].strip() for line in lines[1:-1]}
    assert by_topic["Python"] == "OK" and by_topic["xlwings"] == "OK"
    assert by_topic["Worksheet functions"] == "OK"
    for topic in ("Add-in", "Office bitness", "Trust Center", "Defender ASR rule", "Excel running"):
        assert by_topic[topic] == "N/A", topic
    assert "Windows only (this is Linux)" in doctor.stdout
    assert lines[-1] == "Nothing to fix."


def test_cli_help_lists_the_new_commands():
    proc = run_cli("addin", "--help")
    assert proc.returncode == 0
    for word in ("build", "install", "status", "remove"):
        assert word in proc.stdout
    assert "doctor" in run_cli("--help").stdout


# --------------------------------------------------------------------------- install

def test_install_unblocks_a_downloaded_addin(built, tmp_path, win_home):
    download = tmp_path / "Downloads" / "ims_xl.xlam"
    download.parent.mkdir()
    download.write_bytes(built.read_bytes())
    Path(f"{download}:Zone.Identifier").write_text(ZONE_3)
    target = _windows_target(win_home)
    target.parent.mkdir(parents=True)
    Path(f"{target}:Zone.Identifier").write_text(ZONE_3)  # a stream on the old copy
    message = addin_install.install_addin(download, platform="windows", home=win_home,
                                          configure_interpreter=False, excel_running=_never_running)
    assert target.read_bytes() == built.read_bytes()
    assert not Path(f"{target}:Zone.Identifier").exists()
    assert Path(f"{download}:Zone.Identifier").exists()  # the user's download is left alone
    assert "marked as downloaded from the internet" in message and "unblocked" in message
    assert f"ims-xl {__version__}, 11 worksheet functions" in message
    assert sorted(p.name for p in target.parent.iterdir()) == ["ims_xl.xlam"]


def test_install_of_a_clean_file_says_nothing_about_blocking(built, win_home):
    message = addin_install.install_addin(built, platform="windows", home=win_home,
                                          configure_interpreter=False, excel_running=_never_running)
    assert "unblocked" not in message
    assert _windows_target(win_home).read_bytes() == built.read_bytes()


@pytest.mark.parametrize("running, expected", [
    (True, "Excel is running and has the add-in open. Close Excel"),
    (False, "Excel does not seem to be running: another program may have the file open"),
    (None, "Excel does not seem to be running"),
])
def test_install_over_a_locked_addin_says_to_close_excel(built, older_build, win_home, monkeypatch,
                                                         running, expected):
    target = _windows_target(win_home)
    target.parent.mkdir(parents=True)
    target.write_bytes(older_build.read_bytes())

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file because it is being used "
                                  "by another process", str(dst))

    monkeypatch.setattr(addin_install.os, "replace", locked)
    with pytest.raises(addin_install.AddinInUse, match=expected) as exc:
        addin_install.install_addin(built, platform="windows", home=win_home,
                                    configure_interpreter=False, excel_running=lambda: running)
    assert "Nothing was changed" in str(exc.value)
    assert target.read_bytes() == older_build.read_bytes()
    assert sorted(p.name for p in target.parent.iterdir()) == ["ims_xl.xlam"]  # no temp file


def test_install_never_replaces_a_file_ims_xl_did_not_build(built, win_home):
    target = _windows_target(win_home)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"PK\x03\x04 someone else's add-in")
    with pytest.raises(addin_install.NotOurFile, match="not an add-in that ims-xl built"):
        addin_install.install_addin(built, platform="windows", home=win_home,
                                    configure_interpreter=False, excel_running=_never_running)
    assert target.read_bytes() == b"PK\x03\x04 someone else's add-in"


def test_install_refuses_a_file_that_is_not_our_addin(tmp_path, win_home):
    other = tmp_path / "book.xlam"
    other.write_bytes(b"not a zip")
    with pytest.raises(NotAnAddin, match="not an add-in built by ims-xl"):
        addin_install.install_addin(other, platform="windows", home=win_home,
                                    configure_interpreter=False)
    assert not _windows_target(win_home).exists()


# --------------------------------------------------------------------------- remove

def test_remove_takes_out_our_addin_and_keeps_the_settings(built, win_home):
    addin_install.install_addin(built, platform="windows", home=win_home)
    config = win_home / ".ims_xl" / "ims_xl.conf"
    assert config.exists()
    message = addin_install.remove_addin(platform="windows", home=win_home,
                                         excel_running=_never_running)
    assert not _windows_target(win_home).exists()
    assert f"Removed {_windows_target(win_home)}" in message
    assert str(config) in message and config.exists()
    again = addin_install.remove_addin(platform="windows", home=win_home)
    assert "nothing to remove" in again


def test_remove_refuses_a_foreign_file_and_a_locked_one(built, win_home, monkeypatch):
    target = _windows_target(win_home)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"someone else's")
    with pytest.raises(addin_install.NotOurFile):
        addin_install.remove_addin(platform="windows", home=win_home)
    assert target.read_bytes() == b"someone else's"
    target.write_bytes(built.read_bytes())
    monkeypatch.setattr(Path, "unlink", lambda self, missing_ok=False: (_ for _ in ()).throw(
        PermissionError(13, "used by another process")))
    with pytest.raises(addin_install.AddinInUse, match="Close Excel"):
        addin_install.remove_addin(platform="windows", home=win_home, excel_running=lambda: True)
    assert target.read_bytes() == built.read_bytes()


def test_remove_on_macos_removes_from_the_startup_folder(built, tmp_path):
    addin_install.install_addin(built, platform="macos", home=tmp_path)
    message = addin_install.remove_addin(platform="macos", home=tmp_path)
    assert "Removed" in message
    assert not (tmp_path / "Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel/ims_xl.xlam").exists()


# --------------------------------------------------------------------------- status

def test_status_not_installed(win_home):
    status = addin_status_mod.addin_status("windows", win_home)
    assert status.installed is None and status.fresh is not None
    lines = addin_status_mod.status_lines(status)
    assert lines[0].startswith("Not installed") and "ims-xl addin install" in lines[0]
    assert any("No interpreter is set" in line for line in lines)


def test_status_up_to_date_and_out_of_date(built, older_build, win_home):
    addin_install.install_addin(built, platform="windows", home=win_home)
    status = addin_status_mod.addin_status("windows", win_home)
    assert status.identical is True and status.installed.ims_xl_version == __version__
    lines = addin_status_mod.status_lines(status)
    assert lines[0] == (f"Installed: {_windows_target(win_home)} (built by ims-xl {__version__}, "
                        "for xlwings 0.37.8, 11 worksheet functions).")
    assert "up to date" in lines[1]
    assert f"The add-in runs {addin_install._interpreter('windows')} (set in " \
        f"{win_home / '.ims_xl' / 'ims_xl.conf'})." in lines
    _windows_target(win_home).write_bytes(older_build.read_bytes())
    Path(f"{_windows_target(win_home)}:Zone.Identifier").write_text(ZONE_3)
    status = addin_status_mod.addin_status("windows", win_home)
    assert status.identical is False and status.zone_id == 3
    text = "\n".join(addin_status_mod.status_lines(status))
    assert "differs from what this Python's ims-xl builds" in text
    assert "marked as downloaded from the internet" in text


def test_read_addin_reads_versions_and_functions(built):
    info = read_addin(built)
    assert info.ims_xl_version == __version__ and info.xlwings_version == "0.37.8"
    assert len(info.functions) == 11 and "BOE_ITC" in info.functions
    assert info.modules[-2:] == ("xlwings_udfs", "IMSFunctionHelp")


# --------------------------------------------------------------------------- Windows facts

def test_parse_tasklist():
    running = ('"EXCEL.EXE","11204","Console","1","312,408 K"\r\n'
               '"EXCEL.EXE","9876","Console","1","98,112 K"\r\n')
    assert W.parse_tasklist(running) == [11204, 9876]
    assert W.parse_tasklist("INFO: No tasks are running which match the specified criteria.\r\n") == []
    assert W.parse_tasklist("INFORMATION: Es werden keine Aufgaben mit den angegebenen Kriterien "
                            "ausgeführt.\r\n") == []
    assert W.parse_tasklist('"excel.exe","42","Console","1","1 K"') == [42]


def test_parse_zone_id():
    assert W.parse_zone_id(ZONE_3) == 3
    assert W.parse_zone_id("[ZoneTransfer]\nZoneId=2\n") == 2
    assert W.parse_zone_id("") is None and W.parse_zone_id(None) is None


def _pe(machine: int) -> bytes:
    header = bytearray(512)
    header[:2] = b"MZ"
    struct.pack_into("<I", header, 0x3C, 0x80)
    header[0x80:0x84] = b"PE\0\0"
    struct.pack_into("<H", header, 0x84, machine)
    return bytes(header)


def test_pe_bitness():
    assert W.pe_bitness(_pe(0x8664)) == "64-bit"
    assert W.pe_bitness(_pe(0x014C)) == "32-bit"
    assert W.pe_bitness(_pe(0xAA64)) == "64-bit"
    assert W.pe_bitness(b"\x7fELF" + bytes(100)) is None
    assert W.pe_bitness(_pe(0x8664)[:0x82]) is None


OFFICE = r"HKCU\Software\Microsoft\Office\16.0\Excel"
SECURITY = OFFICE + r"\Security"
POLICY = r"HKCU\Software\Policies\Microsoft\Office\16.0\Excel\Security"
C2R = r"HKLM\SOFTWARE\Microsoft\Office\ClickToRun\Configuration"
APP_PATHS = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\excel.exe"
ASR_GPO = r"HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR\Rules"
ASR_LOCAL = r"HKLM\SOFTWARE\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR\Rules"
ASR_PM = r"HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Policy Manager"
USER = r"C:\Users\asha"
ENV = {"APPDATA": USER + r"\AppData\Roaming", "USERPROFILE": USER}


def _office_machine(**extra) -> dict:
    """A Microsoft 365 (Click-to-Run, 64-bit) user profile as Office writes it on first start."""
    data = {
        OFFICE + r"\Options": {"Font": "Calibri,11"},
        SECURITY: {"VBAWarnings": 2},
        SECURITY + r"\Trusted Locations\Location0": {
            "Path": "C:\\Program Files\\Microsoft Office\\Root\\Office16\\XLSTART\\",
            "Description": "Excel default location: Application Startup"},
        SECURITY + r"\Trusted Locations\Location2": {
            "Path": "%APPDATA%\\Microsoft\\Excel\\XLSTART\\",
            "Description": "Excel default location: User StartUp"},
        r"HKCU\Software\Microsoft\Office\16.0\Common": {"UI Theme": 0},
        C2R: {"Platform": "x64", "VersionToReport": "16.0.17928.20156"},
        APP_PATHS: {"": r"C:\Program Files\Microsoft Office\Root\Office16\EXCEL.EXE"},
        ASR_GPO: {},
        ASR_LOCAL: {},
    }
    data.update(extra)
    return data


def test_office_version_and_bitness():
    reg = W.RecordedRegistry(_office_machine())
    assert W.office_version(reg) == "16.0"
    assert W.office_bitness(reg, lambda p: None) == "64-bit"
    msi_32 = _office_machine()
    msi_32.pop(C2R)
    reg = W.RecordedRegistry(msi_32)
    heads = {}
    assert W.office_bitness(reg, lambda p: heads.setdefault(str(p), _pe(0x014C))) == "32-bit"
    assert list(heads) == [r"C:\Program Files\Microsoft Office\Root\Office16\EXCEL.EXE"]
    assert W.office_bitness(reg, lambda p: None) is None
    assert W.office_version(W.RecordedRegistry({})) is None


def test_macro_setting_policy_wins():
    reg = W.RecordedRegistry(_office_machine(**{POLICY: {"VBAWarnings": 4}}))
    assert W.macro_setting(reg, "16.0") == (4, True)
    assert W.macro_setting(W.RecordedRegistry(_office_machine()), "16.0") == (2, False)
    assert W.macro_setting(W.RecordedRegistry({}), "16.0") == (2, False)  # never changed


def test_trusted_locations_cover_the_startup_folder():
    reg = W.RecordedRegistry(_office_machine())
    locations = W.trusted_locations(reg, "16.0", ENV)
    startup = addin_install.startup_dir("windows", Path(USER), ENV)
    assert (USER + r"\AppData\Roaming\Microsoft\Excel\XLSTART" + "\\", False) in locations
    assert any(W.is_under(str(startup).replace("/", "\\"), loc, sub) for loc, sub in locations)
    assert W.is_under(r"C:\a", "c:/A/", False) and not W.is_under(r"C:\a\b\c", "C:\\a\\b", False)
    assert W.is_under(r"C:\a\b\c", "C:\\a\\b", True)
    assert not W.trusted_locations_disabled(reg, "16.0")
    locked = W.RecordedRegistry(_office_machine(**{POLICY + r"\Trusted Locations": {"AllLocationsDisabled": 1}}))
    assert W.trusted_locations_disabled(locked, "16.0")


def test_addin_manager_and_disabled_items():
    reg = W.RecordedRegistry(_office_machine(**{
        OFFICE + r"\Options": {"OPEN": r'/R "C:\Users\asha\Downloads\ims_xl.xlam"',
                               "OPEN1": r'"C:\Program Files\Microsoft Office\Root\Office16\Library\Analysis\ANALYS32.XLL"',
                               "Font": "Calibri,11"},
        OFFICE + r"\Resiliency\DisabledItems": {
            "6A1B0E": b"\x01\x00\x00\x00\x5c\x00\x00\x00" + r"c:\users\asha\appdata\roaming\microsoft\excel\xlstart\ims_xl.xlam".encode("utf-16-le") + b"\0\0"},
    }))
    assert W.addin_manager_paths(reg, "16.0") == [
        r"C:\Users\asha\Downloads\ims_xl.xlam",
        r"C:\Program Files\Microsoft Office\Root\Office16\Library\Analysis\ANALYS32.XLL"]
    assert any("ims_xl.xlam" in d for d in W.disabled_items(reg, "16.0"))
    assert W.parse_open_value("/R /A \"C:\\x y\\a.xlam\"") == "C:\\x y\\a.xlam"
    assert W.parse_open_value("C:\\plain.xlam") == "C:\\plain.xlam"


@pytest.mark.parametrize("data, expected", [
    ({ASR_GPO: {"D4F940AB-401B-4EFC-AADC-AD5F3C50688A": "1"}, ASR_LOCAL: {}}, "block"),
    ({ASR_GPO: {"d4f940ab-401b-4efc-aadc-ad5f3c50688a": "2"}, ASR_LOCAL: {}}, "audit"),
    ({ASR_GPO: {}, ASR_LOCAL: {"D4F940AB-401B-4EFC-AADC-AD5F3C50688A": 6}}, "warn"),
    ({ASR_GPO: {}, ASR_LOCAL: {}, ASR_PM: {"ASRRules": "75668C1F-73B5-4CF0-BB93-3ECF5CB7CC84=1|"
                                                       "D4F940AB-401B-4EFC-AADC-AD5F3C50688A=1"}}, "block"),
    ({ASR_GPO: {}, ASR_LOCAL: {}}, None),
])
def test_asr_rule_state(data, expected):
    state = W.asr_rule_state(W.RecordedRegistry(data))
    assert state is not None and state.mode == expected


def test_asr_rule_unreadable_is_unknown():
    reg = W.RecordedRegistry({ASR_GPO: {}, ASR_LOCAL: W.RecordedRegistry.DENIED})
    assert W.asr_rule_state(reg) is None


# --------------------------------------------------------------------------- doctor

def _status(home: Path, *, installed: bool = True, identical: bool = True, zone: int | None = None,
            interpreter: str | None = r"C:\ims\.venv\Scripts\pythonw.exe"):
    fresh = read_addin(addin_build.build_addin(home / "fresh"))
    path = _windows_target(home)
    return addin_status_mod.AddinStatus(
        "windows", path, fresh if installed else None, None, fresh, None,
        identical if installed else None, zone, home / ".ims_xl" / "ims_xl.conf", interpreter)


def _machine(tmp_path, registry: dict, *, status=None, pids=(), loaded=True,
             existing=(r"C:\ims\.venv\Scripts\pythonw.exe", r"C:\ims\.venv\xlwings64-0.37.8.dll"),
             platform="windows") -> D.Machine:
    status = status or _status(tmp_path)
    existing = {e.lower() for e in existing}
    return D.Machine(
        platform=platform, home=Path(USER), environ=ENV, python_version=(3, 12, 4), python_bits=64,
        executable=Path(r"C:\ims\.venv\Scripts\python.exe"), xlwings_version="0.37.8",
        registry=W.RecordedRegistry(registry) if platform == "windows" else None,
        excel_pids=lambda: list(pids), addin_open_in_excel=lambda: loaded,
        read_head=lambda p: None, status=lambda: status,
        exists=lambda p: str(p).replace("/", "\\").lower() in existing,
        module_found=lambda name: True)


def _by_topic(checks):
    out = {}
    for c in checks:
        out.setdefault(c.topic, []).append((c.status, c.text))
    return out


def test_doctor_on_a_ready_windows_machine(tmp_path):
    m = _machine(tmp_path, _office_machine(), pids=[11204], loaded=True)
    checks = D.run_checks(m)
    fixes = [c for c in checks if c.status == "FIX"]
    assert fixes == [], fixes
    topics = _by_topic(checks)
    assert topics["Excel"][0][0] == "OK"
    assert topics["Office bitness"] == [("INFO", topics["Office bitness"][0][1])]
    assert "xlwings64-0.37.8.dll" in topics["Office bitness"][0][1]
    assert topics["xlwings DLL"][0][0] == "OK"
    assert topics["Trusted locations"][0][0] == "OK"
    assert topics["Defender ASR rule"][0] == ("OK", topics["Defender ASR rule"][0][1])
    assert "not set" in topics["Defender ASR rule"][0][1]
    assert topics["Excel running"] == [("OK", "Excel is running with the add-in loaded.")]
    assert D.doctor_exit_code(checks) == 0
    text = D.render(checks, m)
    assert text.splitlines()[-1] == "Nothing to fix."


def test_doctor_names_each_windows_problem(tmp_path):
    registry = _office_machine(**{
        C2R: {"Platform": "x86"},
        POLICY + r"\Trusted Locations": {"AllLocationsDisabled": 1},
        ASR_GPO: {"D4F940AB-401B-4EFC-AADC-AD5F3C50688A": "1"},
        OFFICE + r"\Options": {"OPEN": r'/R "C:\Users\asha\Downloads\ims_xl.xlam"'},
        OFFICE + r"\Resiliency\DisabledItems": {"1": "c:\\x\\ims_xl.xlam".encode("utf-16-le")},
    })
    status = _status(tmp_path, identical=False, zone=3)
    m = _machine(tmp_path, registry, status=status, pids=[11204], loaded=False)
    checks = D.run_checks(m)
    fixes = _by_topic([c for c in checks if c.status == "FIX"])
    assert "xlwings32-0.37.8.dll is not beside" in fixes["xlwings DLL"][0][1]  # 32-bit Office
    assert "disabled all trusted locations" in fixes["Trusted locations"][0][1]
    assert "block mode" in fixes["Defender ASR rule"][0][1]
    assert r"C:\Users\asha\Downloads\ims_xl.xlam" in fixes["Second copy"][0][1]
    assert "Disabled Items" in fixes["Disabled by Excel"][0][1]
    assert "run `ims-xl addin install` to replace it" in fixes["Add-in"][0][1]
    assert "Unblock" in fixes["Add-in blocked"][0][1]
    assert "close Excel and start it again" in fixes["Excel running"][0][1]
    assert D.doctor_exit_code(checks) == 2
    assert D.render(checks, m).splitlines()[-1] == f"{len(sum(fixes.values(), []))} thing(s) to fix."


def test_doctor_without_excel_or_interpreter(tmp_path):
    status = _status(tmp_path, installed=False, interpreter=None)
    m = _machine(tmp_path, {}, status=status)
    fixes = _by_topic([c for c in D.run_checks(m) if c.status == "FIX"])
    assert "install desktop Excel" in fixes["Excel"][0][1]
    assert "Not installed" in fixes["Add-in"][0][1]
    assert "No INTERPRETER_WIN" in fixes["Interpreter"][0][1]


def test_doctor_interpreter_elsewhere_or_gone(tmp_path):
    other = _status(tmp_path, interpreter=r"C:\Python312\pythonw.exe")
    m = _machine(tmp_path, _office_machine(), status=other,
                 existing=(r"C:\Python312\pythonw.exe", r"C:\Python312\xlwings64-0.37.8.dll"))
    topics = _by_topic(D.run_checks(m))
    assert topics["Interpreter"][0][0] == "INFO" and r"C:\Python312\pythonw.exe" in topics["Interpreter"][0][1]
    assert topics["xlwings DLL"][0][0] == "OK"   # looked for beside the configured interpreter
    m = _machine(tmp_path, _office_machine(), status=other, existing=())
    topics = _by_topic(D.run_checks(m))
    assert topics["Interpreter"][0][0] == "FIX" and "does not exist" in topics["Interpreter"][0][1]


def test_doctor_on_macos(tmp_path):
    status = addin_status_mod.AddinStatus("macos", tmp_path / "x.xlam", None, None, None, "no build",
                                          None, None, tmp_path / "ims_xl.conf", "/usr/bin/python3")
    m = _machine(tmp_path, {}, status=status, platform="macos", existing=("/usr/bin/python3",))
    topics = _by_topic(D.run_checks(m))
    assert topics["AppleScript"][0][0] == "FIX"
    assert topics["Worksheet functions"][-1][0] == "N/A" and "Lite" in topics["Worksheet functions"][-1][1]
    assert topics["Trust Center"][0][0] == "N/A" and "Windows only (this is macOS)" in topics["Trust Center"][0][1]


# --------------------------------------------------------------------------- the Windows guide

def _install_block(text: str) -> str:
    start = text.index("<!-- windows-install-block -->")
    return text[start:text.index("<!-- /windows-install-block -->", start)]


def test_readme_and_guide_give_the_same_install_block():
    readme = (_ROOT / "README.md").read_text(encoding="utf-8")
    guide = (_ROOT / "docs" / "install-windows.md").read_text(encoding="utf-8")
    assert _install_block(readme) == _install_block(guide)
    block = _install_block(guide)
    # the steps, in order: Python, venv, pip, the add-in, the check
    order = ["winget install --id Python.Python.3.12", "-m venv", "-m pip install $ImsXl",
             "ims-xl.exe\" addin install", "ims-xl.exe\" doctor"]
    positions = [block.index(step) for step in order]
    assert positions == sorted(positions)
    # the wheel name pip would build for this project and version
    assert f"ims_xl-{__version__}-py3-none-any.whl" in block
    # the user-scope Python path the block checks is the one it installs
    assert r"$env:LOCALAPPDATA\Programs\Python\Python312\python.exe" in block
    assert "Activate.ps1" not in block  # script policy: no .ps1 is run


def test_every_command_the_guide_names_exists():
    import re

    from ims_xl.cli import build_parser

    parser = build_parser()
    for doc in (_ROOT / "README.md", _ROOT / "docs" / "install-windows.md", _ROOT / "docs" / "addin-build.md"):
        text = doc.read_text(encoding="utf-8")
        for match in re.finditer(r"ims-xl(?:\.exe\")? (addin (?:build|install|status|remove)|doctor)\b", text):
            args = match.group(1).split()
            namespace = parser.parse_args(args + (["--out", "x"] if args == ["addin", "build"] else []))
            assert namespace.command == args[0], (doc.name, match.group(0))


def test_the_guide_covers_what_the_issue_asks():
    guide = (_ROOT / "docs" / "install-windows.md").read_text(encoding="utf-8")
    for words in ("Unblock", "32-bit", "64-bit", "trusted location",
                  "Block all Office applications from creating child processes",
                  "D4F940AB-401B-4EFC-AADC-AD5F3C50688A", "Upgrade", "Remove", "Mac",
                  "Trust access to the VBA project object model", "winget", "python.org"):
        assert words in guide, words


def test_an_unreadable_installed_copy_is_treated_as_in_use(built, older_build, win_home, monkeypatch):
    target = _windows_target(win_home)
    target.parent.mkdir(parents=True)
    target.write_bytes(older_build.read_bytes())
    real = addin_install.read_addin

    def deny(path):
        if Path(path) == target:
            raise PermissionError(13, "The process cannot access the file", str(path))
        return real(path)

    monkeypatch.setattr(addin_install, "read_addin", deny)
    with pytest.raises(addin_install.AddinInUse, match="could not read .* Close Excel"):
        addin_install.install_addin(built, platform="windows", home=win_home,
                                    configure_interpreter=False, excel_running=lambda: True)
    assert target.read_bytes() == older_build.read_bytes()

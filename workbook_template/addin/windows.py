"""Facts about a Windows machine that the add-in's install, status, remove and doctor need.

Each fact has two halves: a small function that *reads* it (registry, ``tasklist``, an NTFS
stream, a file header; only ever run on Windows) and a pure function that *interprets* what was
read, tested on recorded inputs on any OS (tests/test_addin_commands.py). A reader returns
``None`` when it cannot tell (not Windows, access denied, key missing); the interpretation then
says "could not tell" rather than guessing.

Registry paths are written ``HKCU\\...`` / ``HKLM\\...``. HKLM is read in the 64-bit view, where
Office's Click-to-Run configuration and the Defender policies live even when Python is 32-bit.
"""

from __future__ import annotations

import csv
import io
import os
import re
import struct
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Registry", "WindowsRegistry", "RecordedRegistry",
    "ASR_OFFICE_CHILD_PROCESSES", "asr_rule_state", "AsrState",
    "excel_pids", "excel_running", "parse_tasklist",
    "zone_identifier", "remove_zone_identifier", "parse_zone_id",
    "pe_bitness", "office_bitness", "excel_exe_path",
    "office_version", "macro_setting", "trusted_locations", "trusted_locations_disabled",
    "addin_manager_paths", "parse_open_value", "disabled_items", "vbom_access",
    "is_under",
]

ZONE_STREAM = "Zone.Identifier"
ZONE_NAMES = {0: "this computer", 1: "the local intranet", 2: "a trusted site", 3: "the internet",
              4: "a restricted site"}

#: Microsoft Defender attack surface reduction rule "Block all Office applications from
#: creating child processes". In block mode it stops RunPython (Excel starts cmd.exe) and the
#: worksheet functions (xlwings' DLL starts Python).
ASR_OFFICE_CHILD_PROCESSES = "D4F940AB-401B-4EFC-AADC-AD5F3C50688A"
_ASR_KEYS = (
    r"HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR\Rules",
    r"HKLM\SOFTWARE\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR\Rules",
)
_ASR_POLICY_MANAGER = (r"HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Policy Manager", "ASRRules")
_ASR_MODES = {0: "off", 1: "block", 2: "audit", 6: "warn"}


# --------------------------------------------------------------------------- the registry

class Registry:
    """Read-only registry access: ``value(key, name)`` (``None`` when absent or unreadable),
    ``subkeys(key)`` (empty when absent) and ``values(key)`` (``{}`` when the key is absent,
    ``None`` when it exists but this user may not read it)."""

    def value(self, key: str, name: str):
        raise NotImplementedError

    def subkeys(self, key: str) -> list[str]:
        raise NotImplementedError

    def values(self, key: str) -> dict[str, object] | None:
        raise NotImplementedError


class RecordedRegistry(Registry):
    """A registry from recorded values: ``{key: {value name: data}}`` (names case-insensitive,
    as in Windows; ``DENIED`` instead of the dict for a key this user may not read). Subkeys are
    the recorded keys below a key."""

    DENIED = "access denied"

    def __init__(self, data: dict[str, dict[str, object] | str]):
        self._denied = {k.lower() for k, v in data.items() if v == self.DENIED}
        self._data = {k.lower(): {n.lower(): (n, v) for n, v in vals.items()}
                      for k, vals in data.items() if vals != self.DENIED}
        self._keys = list(data)

    def value(self, key, name):
        entry = self._data.get(key.lower(), {}).get(name.lower())
        return None if entry is None else entry[1]

    def subkeys(self, key):
        prefix = key.lower().rstrip("\\") + "\\"
        return sorted({k[len(prefix):].split("\\")[0] for k in self._keys
                       if k.lower().startswith(prefix)})

    def values(self, key):
        if key.lower() in self._denied:
            return None
        return {n: v for n, v in self._data.get(key.lower(), {}).values()}


class WindowsRegistry(Registry):  # pragma: no cover - needs Windows
    """The real registry (``winreg``)."""

    def __init__(self):
        import winreg

        self._winreg = winreg
        self._hives = {"HKCU": winreg.HKEY_CURRENT_USER, "HKLM": winreg.HKEY_LOCAL_MACHINE}

    def _open(self, key: str):
        hive, _, path = key.partition("\\")
        access = self._winreg.KEY_READ | (self._winreg.KEY_WOW64_64KEY if hive == "HKLM" else 0)
        return self._winreg.OpenKey(self._hives[hive], path, 0, access)

    def value(self, key, name):
        try:
            with self._open(key) as handle:
                return self._winreg.QueryValueEx(handle, name)[0]
        except OSError:
            return None

    def subkeys(self, key):
        out = []
        try:
            with self._open(key) as handle:
                i = 0
                while True:
                    try:
                        out.append(self._winreg.EnumKey(handle, i))
                    except OSError:
                        return out
                    i += 1
        except OSError:
            return out

    def values(self, key):
        out = {}
        try:
            handle = self._open(key)
        except FileNotFoundError:
            return out
        except OSError:
            return None
        with handle:
            i = 0
            while True:
                try:
                    name, data, _type = self._winreg.EnumValue(handle, i)
                except OSError:
                    return out
                out[name] = data
                i += 1


# --------------------------------------------------------------------------- Excel running

def parse_tasklist(output: str) -> list[int]:
    """Process ids of EXCEL.EXE in ``tasklist /FI "IMAGENAME eq EXCEL.EXE" /FO CSV /NH`` output.
    When nothing matches, tasklist prints a sentence in the system's language: no CSV row."""
    pids = []
    for row in csv.reader(io.StringIO(output)):
        if len(row) >= 2 and row[0].strip().lower() == "excel.exe" and row[1].strip().isdigit():
            pids.append(int(row[1]))
    return pids


def excel_pids() -> list[int] | None:  # pragma: no cover - needs Windows
    """Running Excel processes, or None when that cannot be told (not Windows, no tasklist)."""
    if not sys.platform.startswith("win"):
        return None
    try:
        out = subprocess.run(["tasklist", "/FI", "IMAGENAME eq EXCEL.EXE", "/FO", "CSV", "/NH"],
                             capture_output=True, text=True, timeout=30,
                             creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except (OSError, subprocess.SubprocessError):
        return None
    return parse_tasklist(out.stdout) if out.returncode == 0 else None


def excel_running() -> bool | None:  # pragma: no cover - needs Windows
    pids = excel_pids()
    return None if pids is None else bool(pids)


# --------------------------------------------------------------------------- Mark of the Web

def _zone_path(path: Path) -> str:
    return f"{path}:{ZONE_STREAM}"


def zone_identifier(path: Path) -> str | None:
    """The text of ``path``'s Zone.Identifier stream (Windows' Mark of the Web), or None."""
    try:
        with open(_zone_path(path), encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def parse_zone_id(text: str | None) -> int | None:
    """ZoneId from a Zone.Identifier stream (``[ZoneTransfer]`` / ``ZoneId=3``); 3 = internet."""
    if not text:
        return None
    match = re.search(r"^\s*ZoneId\s*=\s*(\d+)\s*$", text, re.MULTILINE | re.IGNORECASE)
    return int(match.group(1)) if match else None


def remove_zone_identifier(path: Path) -> bool:
    """Unblock ``path``: delete its Zone.Identifier stream (what Properties > Unblock and
    PowerShell's Unblock-File do). True if there was one."""
    try:
        os.remove(_zone_path(path))
        return True
    except FileNotFoundError:
        return False


# --------------------------------------------------------------------------- Office

def office_version(registry: Registry) -> str | None:
    """Newest Office version with Excel settings for this user (``16.0`` for Office
    2016/2019/2021/2024/365, ``15.0`` for 2013)."""
    versions = [k for k in registry.subkeys(r"HKCU\Software\Microsoft\Office")
                if re.fullmatch(r"\d+\.\d+", k) and registry.subkeys(rf"HKCU\Software\Microsoft\Office\{k}\Excel")]
    if not versions:
        return None
    return max(versions, key=lambda v: tuple(int(x) for x in v.split(".")))


def excel_exe_path(registry: Registry) -> Path | None:
    value = registry.value(r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\excel.exe", "")
    return Path(str(value).strip('"')) if value else None


def pe_bitness(header: bytes) -> str | None:
    """"64-bit" or "32-bit" from the first bytes of a Windows executable (its PE header's
    Machine field), or None if it is not one."""
    if len(header) < 0x40 or header[:2] != b"MZ":
        return None
    (pe_offset,) = struct.unpack_from("<I", header, 0x3C)
    if len(header) < pe_offset + 6 or header[pe_offset:pe_offset + 4] != b"PE\0\0":
        return None
    (machine,) = struct.unpack_from("<H", header, pe_offset + 4)
    return {0x8664: "64-bit", 0xAA64: "64-bit", 0x014C: "32-bit"}.get(machine)


def office_bitness(registry: Registry, read_head: Callable[[Path], bytes | None]) -> str | None:
    """Office's bitness: Click-to-Run's ``Platform`` (x64/x86), else Excel.exe's PE header."""
    platform = registry.value(r"HKLM\SOFTWARE\Microsoft\Office\ClickToRun\Configuration", "Platform")
    if isinstance(platform, str) and platform.lower() in ("x64", "x86"):
        return "64-bit" if platform.lower() == "x64" else "32-bit"
    exe = excel_exe_path(registry)
    if exe is not None:
        head = read_head(exe)
        if head:
            return pe_bitness(head)
    return None


def _security_keys(version: str) -> tuple[str, str]:
    return (rf"HKCU\Software\Policies\Microsoft\Office\{version}\Excel\Security",
            rf"HKCU\Software\Microsoft\Office\{version}\Excel\Security")


def _policy_first(registry: Registry, version: str, name: str, sub: str = ""):
    """A Trust Center value: the policy (set by IT) wins over the user's own setting."""
    for key in _security_keys(version):
        value = registry.value(key + sub, name)
        if value is not None:
            return value, "\\policies\\" in key.lower()
    return None, False


MACRO_SETTINGS = {
    1: "Enable all macros",
    2: "Disable all macros with notification",
    3: "Disable all macros except digitally signed macros",
    4: "Disable all macros without notification",
}


def macro_setting(registry: Registry, version: str) -> tuple[int, bool]:
    """Trust Center > Macro Settings (``VBAWarnings``; 2 when never changed) and whether IT set it."""
    value, by_policy = _policy_first(registry, version, "VBAWarnings")
    try:
        return int(value), by_policy
    except (TypeError, ValueError):
        return 2, False


def vbom_access(registry: Registry, version: str) -> bool:
    """"Trust access to the VBA project object model" (only Import functions needs it)."""
    value, _ = _policy_first(registry, version, "AccessVBOM")
    return value in (1, "1")


def trusted_locations_disabled(registry: Registry, version: str) -> bool:
    value, _ = _policy_first(registry, version, "AllLocationsDisabled", r"\Trusted Locations")
    return value in (1, "1")


def _expand(path: str, environ: dict[str, str]) -> str:
    return re.sub(r"%([^%]+)%", lambda m: environ.get(m.group(1), environ.get(m.group(1).upper(), m.group(0))), path)


def trusted_locations(registry: Registry, version: str, environ: dict[str, str]) -> list[tuple[str, bool]]:
    """Trusted locations (policy ones first): (folder, subfolders allowed)."""
    out = []
    for base in _security_keys(version):
        key = base + r"\Trusted Locations"
        for sub in registry.subkeys(key):
            path = registry.value(f"{key}\\{sub}", "Path")
            if path:
                subfolders = registry.value(f"{key}\\{sub}", "AllowSubfolders") in (1, "1")
                out.append((_expand(str(path), environ), subfolders))
    return out


def is_under(folder: Path | str, location: str, subfolders: bool) -> bool:
    """Is ``folder`` the trusted ``location`` (or below it, when subfolders are allowed)?
    Compared as Windows does: case-insensitive, either slash, trailing backslash ignored."""
    def norm(p) -> str:
        return str(p).replace("/", "\\").rstrip("\\").lower()
    f, loc = norm(folder), norm(location)
    return f == loc or (subfolders and f.startswith(loc + "\\"))


def parse_open_value(value: str) -> str | None:
    """An add-in path from Excel's ``OPEN``/``OPENn`` value (``/R "C:\\x\\a.xlam"``, quotes and
    switches optional)."""
    value = str(value).strip()
    match = re.fullmatch(r'(?:/\w+\s+)*"?([^"]+?)"?', value)
    return match.group(1).strip() if match else None


def addin_manager_paths(registry: Registry, version: str) -> list[str]:
    """Add-ins ticked in File > Options > Add-ins > Excel Add-ins (``OPEN``, ``OPEN1``, ...)."""
    values = registry.values(rf"HKCU\Software\Microsoft\Office\{version}\Excel\Options") or {}
    out = []
    for name, data in sorted(values.items()):
        if re.fullmatch(r"OPEN\d*", name, re.IGNORECASE):
            path = parse_open_value(str(data))
            if path:
                out.append(path)
    return out


def disabled_items(registry: Registry, version: str) -> list[str]:
    """Texts of Excel's Disabled Items (File > Options > Add-ins > Manage: Disabled Items):
    binary values holding the file path in UTF-16."""
    values = registry.values(rf"HKCU\Software\Microsoft\Office\{version}\Excel\Resiliency\DisabledItems") or {}
    out = []
    for data in values.values():
        if isinstance(data, (bytes, bytearray)):
            text = bytes(data).decode("utf-16-le", errors="ignore")
            out.append("".join(c for c in text if c.isprintable()))
    return out


@dataclass(frozen=True)
class AsrState:
    mode: str | None     # "block", "audit", "warn", "off", or None when not set
    source: str          # where it was read


def _asr_mode(value) -> str | None:
    try:
        return _ASR_MODES.get(int(str(value).strip()), f"unknown ({value})")
    except ValueError:
        return f"unknown ({value})"


def asr_rule_state(registry: Registry, rule: str = ASR_OFFICE_CHILD_PROCESSES) -> AsrState | None:
    """The state of an attack surface reduction rule as far as the registry shows it: group
    policy, local settings (Set-MpPreference), then Intune's Policy Manager string
    (``GUID=1|GUID=2``). ``AsrState(None)`` when it is set in none of them; None when a key
    could not be read (Defender's keys may be closed to users) and the rule was not found."""
    denied = False
    for key in _ASR_KEYS:
        values = registry.values(key)
        if values is None:
            denied = True
            continue
        for name, data in values.items():
            if name.strip().strip("{}").upper() == rule:
                return AsrState(_asr_mode(data), key)
    if registry.values(_ASR_POLICY_MANAGER[0]) is None:
        denied = True
    rules = registry.value(*_ASR_POLICY_MANAGER)
    if rules is not None:
        for item in str(rules).split("|"):
            guid, _, mode = item.partition("=")
            if guid.strip().strip("{}").upper() == rule:
                return AsrState(_asr_mode(mode), _ASR_POLICY_MANAGER[0])
    return None if denied else AsrState(None, "")


def read_head(path: Path, size: int = 4096) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except OSError:
        return None


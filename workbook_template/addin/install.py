"""Install ``ims_xl.xlam`` into Excel's per-user startup folder (XLSTART).

Excel opens every workbook in that folder at start-up, so the ribbon tab appears in every session.
``xlwings addin install`` does the same for xlwings' own add-in; it asks a running Excel for
``Application.StartupPath`` (which starts Excel). We use the well-known default folders instead,
so installing needs neither Excel running nor COM/AppleScript:

- Windows: ``%APPDATA%\\Microsoft\\Excel\\XLSTART``
- macOS (Excel 2016+): ``~/Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel``
  (newer builds show it as ``User Content.localized/Startup.localized/Excel``; the existing one wins)

and, like xlwings, on macOS also copy xlwings' AppleScript that ``RunPython`` needs into
``~/Library/Application Scripts/com.microsoft.Excel``.

We also point the add-in at this Python: the interpreter setting goes into the add-in's user config
file (``%USERPROFILE%\\.ims_xl\\ims_xl.conf`` on Windows, ``ims_xl.conf`` in Excel's sandbox home on
macOS), which xlwings' VBA reads when the add-in's own config sheet does not set the key.

On Windows the installed copy is unblocked (its Zone.Identifier stream, the Mark of the Web, is
removed: Office blocks macros in files marked as downloaded), and when Excel holds the old copy
open the error says to close Excel. ``remove_addin`` takes the add-in out again. Neither
replaces nor deletes a file in the startup folder that ims-xl did not build.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

from collections.abc import Callable

from . import windows
from .addin_file import NotAnAddin, read_addin
from .names import ADDIN_FILENAME, PROJECT_NAME, XLWINGS_VERSION

__all__ = ["install_addin", "remove_addin", "installed_path", "startup_dir", "user_config_path",
           "read_config_file", "ExcelNotAvailable", "AddinInUse", "NotOurFile"]


class ExcelNotAvailable(RuntimeError):
    """Raised on platforms without desktop Excel (Linux...)."""


class AddinInUse(RuntimeError):
    """The installed add-in could not be replaced or removed: Excel (or another program) has it
    open. Nothing was changed."""


class NotOurFile(RuntimeError):
    """A file in Excel's startup folder has the add-in's name but ims-xl did not build it."""


def _in_use(target: Path, doing: str, platform: str, exc: OSError,
            excel_running: Callable[[], bool | None]) -> AddinInUse:
    """The sentence for a locked add-in: say to close Excel when it is running."""
    running = excel_running() if platform == "windows" else None
    if running:
        return AddinInUse(
            f"could not {doing} {target}: Excel is running and has the add-in open. Close Excel "
            "(every window; check the taskbar for a hidden one), then run the same command "
            "again. Nothing was changed.")
    if platform == "macos":
        return AddinInUse(f"could not {doing} {target} ({exc.strerror or exc}): quit Excel "
                          "(Cmd-Q) and try again. Nothing was changed.")
    return AddinInUse(
        f"could not {doing} {target} ({exc.strerror or exc}). Excel does not seem to be running: "
        "another program may have the file open (an antivirus scan, a backup or sync tool); "
        "wait a minute and run the same command again. Nothing was changed.")


def _check_ours(target: Path, platform: str, excel_running: Callable[[], bool | None]) -> None:
    if target.exists():
        try:
            read_addin(target)
        except PermissionError as exc:  # Excel may hold it open without sharing
            raise _in_use(target, "read", platform, exc, excel_running) from None
        except NotAnAddin:
            raise NotOurFile(
                f"{target} is not an add-in that ims-xl built, so ims-xl leaves it alone. If it "
                "is an old copy you no longer want, move it out of that folder yourself, then "
                "run the same command again.") from None


def _platform() -> str:
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "other"


def startup_dir(platform: str | None = None, home: Path | None = None,
                environ: dict[str, str] | None = None) -> Path:
    """Excel's per-user startup folder on this platform."""
    platform = platform or _platform()
    home = home or Path.home()
    environ = dict(os.environ if environ is None else environ)
    if platform == "windows":
        appdata = environ.get("APPDATA") or str(home / "AppData" / "Roaming")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if platform == "macos":
        office = home / "Library" / "Group Containers" / "UBF8T346G9.Office"
        candidates = [office / "User Content" / "Startup" / "Excel",
                      office / "User Content.localized" / "Startup.localized" / "Excel"]
        for candidate in candidates:
            if candidate.is_dir():
                return candidate
        return candidates[0]
    raise ExcelNotAvailable(_no_excel_message(None))


def user_config_path(platform: str | None = None, home: Path | None = None) -> Path:
    """The add-in's user config file, as xlwings' VBA (``GetConfigFilePath``) looks for it."""
    platform = platform or _platform()
    home = home or Path.home()
    if platform == "windows":  # Environ("USERPROFILE") & "\.ims_xl\ims_xl.conf"
        return home / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"
    if platform == "macos":  # sandboxed Excel's "home folder"
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / f"{PROJECT_NAME}.conf"
    raise ExcelNotAvailable(_no_excel_message(None))


def installed_path(platform: str | None = None, home: Path | None = None,
                   environ: dict[str, str] | None = None) -> Path:
    """Where ``install_addin`` puts the add-in (whether or not it is there)."""
    return startup_dir(platform, home, environ) / ADDIN_FILENAME


def read_config_file(path: Path) -> dict[str, str]:
    """The add-in's user config file (lines of ``"KEY","value"``, as xlwings' VBA reads it), by
    upper-case key; empty when there is none."""
    if not path.exists():
        return {}
    encoding = "mbcs" if os.name == "nt" else "utf-8"
    text = path.read_bytes().decode(encoding, errors="replace").lstrip("\ufeff")
    return {r[0].strip().upper(): (r[1] if len(r) > 1 else "")
            for r in csv.reader(io.StringIO(text)) if r and r[0].strip()}


def _no_excel_message(xlam: Path | None) -> str:
    where = f"The built add-in is {xlam}" if xlam and xlam.exists() else (
        "Build it with `ims-xl addin build` (or `python -m workbook_template.addin build --out DIR`)")
    return (
        f"Excel is not available on this platform ({sys.platform}): the ims_xl add-in can only be "
        "installed for desktop Excel on Windows or macOS. "
        f"{where}; copy it to the Windows or Mac machine and run `ims-xl addin install` there "
        "(or add it in Excel: File > Options > Add-ins > Manage: Excel Add-ins > Go... > Browse...)."
    )


def _set_config_value(path: Path, key: str, value: str) -> None:
    """Set ``key`` in an xlwings-style config file (lines of ``"KEY","value"``), keeping the rest."""
    rows: list[list[str]] = []
    if path.exists():
        rows = [r for r in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))) if r]
    rows = [r for r in rows if r[0].strip().upper() != key.upper()]
    rows.append([key, value])
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    # VBA's `Input #` reads the file in the ANSI code page on Windows
    tmp.write_text(buf.getvalue(), encoding="mbcs" if os.name == "nt" else "utf-8")
    os.replace(tmp, path)


def _interpreter(platform: str) -> str:
    exe = Path(sys.executable)
    if platform == "windows":  # no console window for RunPython, as xlwings defaults to pythonw
        pythonw = exe.with_name("pythonw.exe")
        if pythonw.exists():
            return str(pythonw)
    return str(exe)


def install_addin(xlam: Path | None = None, *, configure_interpreter: bool = True,
                  platform: str | None = None, home: Path | None = None,
                  excel_running: Callable[[], bool | None] = windows.excel_running) -> str:
    """Copy the add-in into Excel's startup folder; return a message saying what was done.

    Without ``xlam`` a fresh add-in is built (into a temporary directory) and installed.

    ``configure_interpreter`` also records this Python (``sys.executable``) in the add-in's user
    config file so that RunPython and the worksheet functions use it. On Windows the installed
    copy is unblocked (Zone.Identifier removed). Raises ``ExcelNotAvailable`` on Linux and other
    platforms without desktop Excel, ``AddinInUse`` when the old copy cannot be replaced (Excel
    has it open), ``NotOurFile`` when the startup folder holds an ``ims_xl.xlam`` ims-xl did not
    build, ``NotAnAddin`` when ``xlam`` is not one.
    """
    platform = platform or _platform()
    if platform not in ("windows", "macos"):
        raise ExcelNotAvailable(_no_excel_message(Path(xlam) if xlam else None))
    if xlam is None:  # build a fresh one
        from .build import build_addin

        xlam = build_addin(Path(tempfile.mkdtemp(prefix="ims-xl-addin-")))
    xlam = Path(xlam)
    if not xlam.is_file():
        raise FileNotFoundError(f"{xlam} does not exist: build it first with `ims-xl addin build`")
    info = read_addin(xlam)  # only an add-in ims-xl built goes into the startup folder
    home = home or Path.home()
    target_dir = startup_dir(platform, home)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / ADDIN_FILENAME
    _check_ours(target, platform, excel_running)
    downloaded = windows.parse_zone_id(windows.zone_identifier(xlam)) if platform == "windows" else None
    tmp = target_dir / f"~ims_xl_install_{os.getpid()}.tmp"  # Excel skips "~" files
    try:
        shutil.copyfile(xlam, tmp)   # the content only: no Zone.Identifier stream comes along
        os.replace(tmp, target)
    except PermissionError as exc:
        raise _in_use(target, "replace", platform, exc, excel_running) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    done = [f"Installed {xlam.name} (ims-xl {info.ims_xl_version or 'unknown version'}, "
            f"{len(info.functions)} worksheet functions) into Excel's startup folder: {target}."]
    if platform == "windows":
        # Office blocks macros in a file marked as downloaded from the internet; the copy is
        # new, but a stream could come back (a sync tool, a future copy routine): remove it.
        unblocked = windows.remove_zone_identifier(target)
        if downloaded is not None or unblocked:
            where = windows.ZONE_NAMES.get(downloaded, "the internet") if downloaded is not None else "the internet"
            done.append(f"{xlam.name} was marked as downloaded from {where} (Mark of the Web); "
                        "the installed copy is unblocked.")

    if configure_interpreter:
        key = "INTERPRETER_WIN" if platform == "windows" else "INTERPRETER_MAC"
        config = user_config_path(platform, home)
        value = _interpreter(platform)
        _set_config_value(config, key, value)
        done.append(f"Set {key} = {value} in {config}.")

    if platform == "macos":
        import xlwings

        script = Path(xlwings.__file__).resolve().parent / f"xlwings-{XLWINGS_VERSION}.applescript"
        scripts_dir = home / "Library" / "Application Scripts" / "com.microsoft.Excel"
        scripts_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(script, scripts_dir / script.name)
        done.append(f"Copied {script.name} (needed by RunPython on macOS) to {scripts_dir}.")
        done.append("Quit Excel (Cmd-Q) and start it again to load the add-in.")
    else:
        done.append("Restart Excel to load the add-in (the 'IMS - Bill of Entry' ribbon tab).")
    return " ".join(done)


def remove_addin(*, platform: str | None = None, home: Path | None = None,
                 excel_running: Callable[[], bool | None] = windows.excel_running) -> str:
    """Take the add-in out of Excel's startup folder; return what was done.

    Removes only an add-in ims-xl built (``NotOurFile`` otherwise). Leaves the user config file
    (it holds the interpreter setting; a re-install rewrites that line) and, on macOS, xlwings'
    AppleScript (other xlwings add-ins use it). Raises ``ExcelNotAvailable`` on Linux,
    ``AddinInUse`` when Excel has the add-in open.
    """
    platform = platform or _platform()
    if platform not in ("windows", "macos"):
        raise ExcelNotAvailable(
            f"Excel is not available on this platform ({sys.platform}): there is no Excel "
            "add-in to remove here. Run `ims-xl addin remove` on the Windows or Mac machine.")
    home = home or Path.home()
    target = installed_path(platform, home)
    if not target.exists():
        return (f"No ims_xl add-in in Excel's startup folder ({target.parent}): nothing to remove. "
                "If Excel still shows the IMS - Bill of Entry tab, it loads a copy from elsewhere: "
                "`ims-xl doctor` lists it.")
    _check_ours(target, platform, excel_running)
    try:
        target.unlink()
    except PermissionError as exc:
        raise _in_use(target, "remove", platform, exc, excel_running) from None
    config = user_config_path(platform, home)
    done = [f"Removed {target}. The IMS - Bill of Entry tab is gone the next time Excel starts."]
    if config.exists():
        done.append(f"Your settings file {config} is kept (it names the Python the add-in used); "
                    "delete it yourself if you do not reinstall.")
    return " ".join(done)

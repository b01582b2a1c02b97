"""``ims-xl addin status``: is the add-in installed, where, which version, and is it what this
Python package builds?

"What this package builds" is checked the strict way: a fresh build (about half a second) is
compared byte for byte with the installed copy. The build is deterministic, so equal bytes mean
the same VBA, ribbon and worksheet functions; a difference means an older or newer ims-xl, a
build from other sources, or Import functions having saved into the installed copy.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import windows
from .addin_file import AddinFile, NotAnAddin, read_addin
from .install import ExcelNotAvailable, _platform, installed_path, read_config_file, user_config_path

__all__ = ["AddinStatus", "addin_status", "status_lines", "fresh_build"]


@dataclass(frozen=True)
class AddinStatus:
    platform: str                    # windows / macos / other
    path: Path | None                # where the add-in goes (None: no Excel here)
    installed: AddinFile | None      # what is there (None: nothing, or not ours)
    not_ours: str | None             # why the file there is not an ims-xl add-in
    fresh: AddinFile | None          # what this package builds
    build_error: str | None          # why it could not be built here
    identical: bool | None           # installed bytes == a fresh build's
    zone_id: int | None              # Windows: the installed copy's Mark of the Web
    config_path: Path | None
    interpreter: str | None          # INTERPRETER_WIN / INTERPRETER_MAC in the user config file


def fresh_build() -> tuple[Path | None, str | None]:
    """Build the add-in into a temporary folder: (path, None) or (None, why not)."""
    from .build import build_addin

    try:
        return build_addin(Path(tempfile.mkdtemp(prefix="ims-xl-status-"))), None
    except Exception as exc:  # noqa: BLE001 - reported as a sentence, never a traceback
        return None, f"{type(exc).__name__}: {exc}"


def addin_status(platform: str | None = None, home: Path | None = None) -> AddinStatus:
    platform = platform or _platform()
    fresh_path, build_error = fresh_build()
    fresh = read_addin(fresh_path) if fresh_path else None
    try:
        path = installed_path(platform, home)
    except ExcelNotAvailable:
        return AddinStatus(platform, None, None, None, fresh, build_error, None, None, None, None)
    installed = not_ours = identical = zone_id = None
    if path.exists():
        try:
            installed = read_addin(path)
        except NotAnAddin as exc:
            not_ours = str(exc)
        if installed and fresh_path:
            identical = path.read_bytes() == fresh_path.read_bytes()
        if platform == "windows":
            zone_id = windows.parse_zone_id(windows.zone_identifier(path))
    config = user_config_path(platform, home)
    key = "INTERPRETER_WIN" if platform == "windows" else "INTERPRETER_MAC"
    interpreter = read_config_file(config).get(key)
    return AddinStatus(platform, path, installed, not_ours, fresh, build_error, identical, zone_id,
                       config, interpreter)


def _this_package(status: AddinStatus) -> str:
    if status.fresh is None:
        return f"This Python cannot build the add-in ({status.build_error})."
    f = status.fresh
    return (f"This Python's ims-xl builds version {f.ims_xl_version} (xlwings {f.xlwings_version}, "
            f"{len(f.functions)} worksheet functions).")


def status_lines(status: AddinStatus) -> list[str]:
    """What ``ims-xl addin status`` prints, one sentence a line."""
    if status.path is None:
        return [f"Excel add-ins do not apply on this platform ({sys.platform}): Excel runs on "
                "Windows and macOS. Build the add-in here with `ims-xl addin build` and run "
                "`ims-xl addin install` on the Windows or Mac machine.",
                _this_package(status)]
    lines = []
    if status.not_ours:
        lines.append(f"Excel's startup folder holds {status.path.name}, but ims-xl did not build "
                     f"it: {status.not_ours}.")
    elif status.installed is None:
        lines.append(f"Not installed: no {status.path.name} in Excel's startup folder "
                     f"({status.path.parent}). Install it with `ims-xl addin install`.")
    else:
        i = status.installed
        lines.append(f"Installed: {status.path} (built by ims-xl {i.ims_xl_version or 'before 0.1.0'}, "
                     f"for xlwings {i.xlwings_version}, {len(i.functions)} worksheet functions).")
        if status.identical:
            lines.append("It is exactly what this Python's ims-xl builds: up to date.")
        elif status.fresh is not None:
            lines.append("It differs from what this Python's ims-xl builds (another ims-xl version, "
                         "or Import functions saved into it): run `ims-xl addin install` to "
                         "replace it with this version's.")
        if status.zone_id is not None and status.zone_id >= 3:
            lines.append("It is marked as downloaded from the internet, so Office blocks its macros: "
                         "run `ims-xl addin install` (it unblocks the copy it installs).")
    lines.append(_this_package(status))
    if status.config_path is not None:
        if status.interpreter:
            lines.append(f"The add-in runs {status.interpreter} (set in {status.config_path}).")
        else:
            lines.append(f"No interpreter is set in {status.config_path}: the add-in would run "
                         "whichever `python` comes first on the PATH. `ims-xl addin install` sets it.")
    return lines

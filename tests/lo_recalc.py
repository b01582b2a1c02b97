"""Recalculate a workbook in real LibreOffice (headless) and return the recalculated copy."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path


def recalculate(soffice: str, path: Path, out_dir: Path, timeout: float = 180) -> Path:
    """``soffice --headless --convert-to xlsx`` recomputes every formula openpyxl wrote."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        proc = subprocess.run(
            [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
             "--convert-to", "xlsx", "--outdir", str(out_dir), str(path)],
            capture_output=True, text=True, timeout=timeout)
    result = out_dir / (path.stem + ".xlsx")
    if proc.returncode != 0 or not result.exists():
        raise RuntimeError(f"LibreOffice failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return result

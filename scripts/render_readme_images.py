"""Render the demo workbook's BoE and GSTR-3B sheets to PNG for the README.

LibreOffice recalculates the workbook and prints each sheet to PDF; pdftoppm (Debian's
poppler-utils) turns the first page into a PNG. Run after ``make demo``:

    .venv/bin/python scripts/render_readme_images.py [out/ims-xl-demo.xlsx]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
# sheet: (print area, picture, crop (x, y, width, height) in pixels at 200 dpi)
SHEETS = {"BoE": ("A1:X28", "demo-boe.png", (150, 190, 2060, 400)),
          "GSTR-3B": ("A1:K18", "demo-gstr3b.png", (150, 190, 2060, 470))}


def main(workbook: Path) -> None:
    soffice = shutil.which("soffice")
    pdftoppm = shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        sys.exit("needs LibreOffice (soffice) and pdftoppm: apt-get install -y "
                 "libreoffice-calc-nogui poppler-utils")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for sheet, (area, png, crop) in SHEETS.items():
            wb = load_workbook(workbook)
            for ws in wb.worksheets:  # print only this sheet
                ws.sheet_state = "visible" if ws.title == sheet else "hidden"
            ws = wb[sheet]
            wb.active = wb.sheetnames.index(sheet)
            ws.print_area = area
            ws.page_setup.orientation = "landscape"
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1
            single = tmp / f"{sheet}.xlsx"
            wb.save(single)
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", "pdf", "--outdir", str(tmp), str(single)],
                           check=True, capture_output=True, timeout=180)
            x, y, w, h = crop
            subprocess.run([pdftoppm, "-png", "-r", "200", "-f", "1", "-l", "1", "-singlefile",
                            "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h),
                            str(tmp / f"{sheet}.pdf"), str(tmp / sheet)], check=True)
            shutil.copy(tmp / f"{sheet}.png", OUT / png)
            print(f"wrote {OUT / png}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "out" / "ims-xl-demo.xlsx")

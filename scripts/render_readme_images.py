"""Render the demo workbook's BoE and GSTR-3B sheets to PNG for the README.

LibreOffice recalculates the workbook and prints it to PDF with the workbook's own page
set-up (landscape A4, one page wide: ims_xl/workbook/print_setup.py), exactly as the
accountant's printer gets it; pdftoppm (Debian's poppler-utils) turns the top of each
sheet's first page into a PNG. The sheet of each page is read from its footer. Run after
``make demo``:

    .venv/bin/python scripts/render_readme_images.py [out/ims-xl-demo.xlsx]
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
DPI = 220
MARGIN_IN = 0.35   # the page margins (0.4 in left and right, 0.5 in at the top), a little in
FOOTER_IN = 0.6    # the bottom margin, where the footer prints: left out of the picture
SHEETS = {"BoE": "demo-boe.png", "GSTR-3B": "demo-gstr3b.png"}


def main(workbook: Path) -> None:
    tools = {name: shutil.which(name) for name in ("soffice", "pdftoppm", "pdftotext",
                                                    "pdfinfo")}
    if not all(tools.values()):
        sys.exit("needs LibreOffice (soffice) and poppler-utils: apt-get install -y "
                 "libreoffice-calc-nogui poppler-utils")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subprocess.run([tools["soffice"], "--headless",
                        f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "pdf",
                        "--outdir", str(tmp), str(workbook)],
                       check=True, capture_output=True, timeout=300)
        pdf = tmp / (workbook.stem + ".pdf")
        first_pages = _first_page_of_each_sheet(pdf, workbook.name, tools)
        width, height = _page_size(pdf, tools)
        for sheet, png in SHEETS.items():
            page = first_pages[sheet]
            scale = DPI / 72
            x = y = int(MARGIN_IN * DPI)
            w = int(width * scale) - 2 * x
            h = int((_text_bottom(pdf, page, height, tools) + 6) * scale) - y
            subprocess.run([tools["pdftoppm"], "-png", "-r", str(DPI), "-f", str(page),
                            "-l", str(page), "-singlefile", "-x", str(x), "-y", str(y),
                            "-W", str(w), "-H", str(h), str(pdf), str(tmp / sheet)],
                           check=True)
            shutil.copy(tmp / f"{sheet}.png", OUT / png)
            print(f"wrote {OUT / png} (page {page} of the printed workbook)")


def _first_page_of_each_sheet(pdf: Path, file_name: str, tools: dict) -> dict[str, int]:
    """The first page of each sheet, read from the footers ("file   sheet   Page n of N")."""
    pages = int(re.search(r"Pages:\s+(\d+)", _run(tools["pdfinfo"], str(pdf))).group(1))
    first: dict[str, int] = {}
    footer = re.compile(rf"{re.escape(file_name)}\s+(.+?)\s+Page \d+ of \d+")
    for page in range(1, pages + 1):
        text = _run(tools["pdftotext"], "-layout", "-f", str(page), "-l", str(page), str(pdf),
                    "-")
        m = footer.search(text)
        if m:
            first.setdefault(m.group(1), page)
    return first


def _text_bottom(pdf: Path, page: int, height: float, tools: dict) -> float:
    """How far down the page (points) the sheet's text reaches, the footer left out."""
    xml = _run(tools["pdftotext"], "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-")
    bottoms = [float(y) for y in re.findall(r'yMax="([\d.]+)"', xml)]
    return max(y for y in bottoms if y < height - FOOTER_IN * 72)


def _page_size(pdf: Path, tools: dict) -> tuple[float, float]:
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", _run(tools["pdfinfo"], str(pdf)))
    return float(m.group(1)), float(m.group(2))


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "out" / "ims-xl-demo.xlsx")

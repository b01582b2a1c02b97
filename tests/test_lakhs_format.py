"""Money in lakhs and crores (issue 14, item 9): 1,87,16,416.08 in Excel and LibreOffice on any
system, negatives included.

Two layers (ims_xl/workbook/layout.py): the cells' own format MONEY, tagged en-IN, and the
conditional formats of LAKH_CRORE_BANDS over every money cell. openpyxl checks both are in
the workbook the command line writes; LibreOffice, under an en-US and a de-DE profile, shows
what each layer prints: the cells' format through a text export ("as shown"), the conditional
layer alone (what Excel on a non-Indian system relies on) through a PDF read by pdftotext.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from conftest import GSTIN, IN_CI, run_cli
from ims_xl.workbook.layout import BOE, LAKH_CRORE_BANDS, MONEY, TABLES

SAMPLES = ("0", "1500", "99999.99", "100000", "3486085.61", "18716416.08", "1234567890.12",
           "-1500", "-3486085.61", "-18716416.08")
SHOWN = ("0.00", "1,500.00", "99,999.99", "1,00,000.00", "34,86,085.61", "1,87,16,416.08",
         "1,23,45,67,890.12", "-1,500.00", "-34,86,085.61", "-1,87,16,416.08")
LOCALES = ("en-US", "de-DE")   # de-DE: '.' groups and ',' marks decimals there


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lakhs") / "book.xlsx"
    proc = run_cli("template", str(path), "--gstin", GSTIN)
    assert proc.returncode == 0, proc.stderr
    return path


def band_rules(ws) -> dict[str, list]:
    """Each range of the sheet -> the lakh/crore rules over it, in priority order."""
    codes = {code for _limit, code in LAKH_CRORE_BANDS}
    found: dict[str, list] = {}
    for cf in ws.conditional_formatting:
        rules = sorted((r for r in cf.rules if r.dxf is not None and r.dxf.numFmt is not None
                        and r.dxf.numFmt.formatCode in codes), key=lambda r: r.priority)
        for rng in str(cf.sqref).split():
            found.setdefault(rng, []).extend(rules)
    return found


def assert_banded(ws, ref: str) -> None:
    rules = band_rules(ws).get(ref)
    assert rules, f"{ws.title}!{ref}: no lakh/crore conditional format"
    got = [(r.operator, list(r.formula), r.dxf.numFmt.formatCode, r.stopIfTrue) for r in rules]
    assert got == [("notBetween", ["-" + limit, limit], code, True)
                   for limit, code in LAKH_CRORE_BANDS]


def test_every_money_column_has_the_format_and_the_bands(template):
    wb = load_workbook(template)
    checked = 0
    for spec in TABLES.values():
        ws = wb[spec.sheet]
        first = ws[spec.origin]
        for j, col in enumerate(spec.columns):
            if col.kind != "money":
                continue
            letter = get_column_letter(first.column + j)
            assert ws.cell(first.row + 1, first.column + j).number_format == MONEY
            assert_banded(ws, f"{letter}{first.row + 1}:{letter}1048576")
            checked += 1
    assert checked >= 20   # BoE, Books, BoE List, Reconciliation, History, Periods3B


def test_the_return_figures_have_the_format_and_the_bands(template):
    wb = load_workbook(template)
    for sheet, refs in (("GSTR-2B", ("C6", "D10", "E14")), ("GSTR-3B", ("B6", "E7", "B9")),
                        ("Settings", ("B11",))):
        for ref in refs:
            assert wb[sheet][ref].number_format == MONEY, f"{sheet}!{ref}"
            assert_banded(wb[sheet], ref)


def test_a_workbook_the_command_line_wrote_keeps_the_bands(october_book):
    wb = load_workbook(october_book)
    ws = wb["BoE"]
    taxable = get_column_letter(BOE.index("Taxable Value") + 1)
    assert ws.max_row > 2   # the load wrote BoE rows
    assert ws[f"{taxable}{ws.max_row}"].number_format == MONEY
    assert_banded(ws, f"{taxable}2:{taxable}1048576")


# --- LibreOffice ------------------------------------------------------------------------------

def profile(tmp_path: Path, locale: str) -> str:
    """A LibreOffice profile whose locale (number separators) is ``locale``."""
    user = tmp_path / f"lo-{locale}" / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" '
        f'oor:op="fuse"><value>{locale}</value></prop></item>\n'
        '<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" '
        f'oor:op="fuse"><value>{locale}</value></prop></item>\n'
        '</oor:items>\n', encoding="utf-8")
    return (tmp_path / f"lo-{locale}").as_uri()


def convert(soffice: str, book: Path, to: str, locale: str, tmp_path: Path) -> Path:
    out = tmp_path / f"out-{locale}"
    proc = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile(tmp_path, locale)}",
         "--convert-to", to, "--outdir", str(out), str(book)],
        capture_output=True, text=True, timeout=240)
    result = out / (book.stem + "." + to.split(":")[0])
    assert proc.returncode == 0 and result.exists(), proc.stderr[-2000:]
    return result


def samples_book(template: Path, tmp_path: Path, *, cell_format: str | None = None) -> Path:
    """The template with the sample amounts in the BoE sheet's Taxable Value column, written
    as the writers write a row (the column's style), alone on the first sheet."""
    wb = load_workbook(template)
    ws = wb["BoE"]
    col = BOE.index("Taxable Value") + 1
    style = ws.cell(2, col)._style
    for i, text in enumerate(SAMPLES, start=2):
        cell = ws.cell(i, col, float(text))
        cell._style = style
        if cell_format is not None:
            cell.number_format = cell_format
    for other in wb.sheetnames:
        if other != "BoE":
            del wb[other]
    path = tmp_path / "samples.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("locale", LOCALES)
def test_libreoffice_shows_the_cells_format_in_lakhs(libreoffice, template, tmp_path, locale):
    book = samples_book(template, tmp_path)
    # tokens: ',' between fields, '"' around text, UTF-8, from line 1, ..., 9th: as shown
    text = convert(libreoffice, book, 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,'
                   'true', locale, tmp_path)
    column = BOE.index("Taxable Value")
    rows = list(csv.reader(text.read_text(encoding="utf-8").splitlines()))
    assert tuple(row[column] for row in rows[1:1 + len(SAMPLES)]) == SHOWN


def pdftotext() -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        if IN_CI:
            pytest.fail("pdftotext (poppler-utils) is required in CI: .ci/run installs it")
        pytest.skip("pdftotext is not installed")
    return exe


@pytest.mark.parametrize("locale", LOCALES)
def test_libreoffice_shows_the_bands_alone_in_lakhs(libreoffice, template, tmp_path, locale):
    """The conditional layer by itself: the cells' own format made plain (0.00), so every
    comma in the PDF comes from a band (as in Excel on a system that groups by thousands).
    Below one lakh no band applies: plain 0.00 shows 1500.00 and 99999.99."""
    exe = pdftotext()
    book = samples_book(template, tmp_path, cell_format="[$-4009]0.00")
    pdf = convert(libreoffice, book, "pdf", locale, tmp_path)
    text = subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    shown = text.split()
    for amount in ("1,00,000.00", "34,86,085.61", "1,87,16,416.08", "1,23,45,67,890.12",
                   "-34,86,085.61", "-1,87,16,416.08", "1500.00", "99999.99", "-1500.00"):
        assert amount in shown, f"{amount} not in the PDF under {locale}:\n{text[:3000]}"

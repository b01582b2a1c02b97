"""The right file for each option (issue 14): an ims-xl workbook is not an input."""

from __future__ import annotations

import pytest

from conftest import run_cli


@pytest.mark.parametrize("option,takes", [("--books", "your purchase register"),
                                          ("--boe-list", "the BoE list from ICEGATE"),
                                          ("--actions", "a bulk actions file"),
                                          ("--gstr2b-excel", "the GSTR-2B Excel")])
def test_an_ims_xl_workbook_given_as_an_input_is_refused(october_book, tmp_path, option,
                                                         takes):
    other = tmp_path / "last-month.xlsx"
    assert run_cli("template", str(other)).returncode == 0
    before = october_book.read_bytes()
    proc = run_cli("load", str(october_book), option, str(other))
    assert proc.returncode == 2
    assert f"last-month.xlsx is an ims-xl workbook, not what {option} takes: give {takes}" \
        in proc.stderr
    assert october_book.read_bytes() == before


def test_the_mapping_advice_only_where_mapping_applies(october_book, tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n", encoding="utf-8")
    books = run_cli("load", str(october_book), "--books", str(odd))
    listed = run_cli("load", str(october_book), "--boe-list", str(odd))
    assert books.returncode == listed.returncode == 2
    assert "or give a column mapping" in books.stderr
    assert "mapping" not in listed.stderr

"""``ims-xl demo``: the README's main job, on the bundled sample data.

Builds a workbook, loads two months of GSTR-2B downloads, the books, the customs broker's
BoE list and the accountant's earlier actions, recomputes, fetches the BoE that IMS missed
from the BoE list, recomputes again, and prints November's figures.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from .periods import Period
from .problems import InputError
from .safety.backups import backup_folder
from .safety.lock import workbook_lock
from .safety.office_locks import check_not_open
from .safety.replace import FileSnapshot, replacing_workbook
from .workbook.opening import open_book
from .workbook.loading import load_data
from .workbook.ops import fetch, recompute

__all__ = ["DEMO_AS_OF", "DEMO_GSTIN", "DEMO_PORTAL_FILES", "demo_data_dir", "demo_portal_files",
           "run_demo"]

DEMO_AS_OF = date(2025, 12, 13)     # 11 pm on the 13th: November's 2B is generated tomorrow
DEMO_GSTIN = "27AAPFU0939F1ZV"
DEMO_NOW = datetime(2025, 12, 13, 23, 0)


def demo_data_dir() -> Path:
    return Path(str(resources.files("ims_xl") / "data" / "demo"))


# What the accountant can download on 13-12-2025 (scripts/make_demo_data.py): October's
# GSTR-2A and GSTR-2B (the 2B leaves out the BoEs kept pending before the 14th) and
# November's GSTR-2A so far; November's GSTR-2B is generated tomorrow.
DEMO_PORTAL_FILES = ("gstr2a_102025.json", "gstr2b_102025.json", "gstr2a_112025.json")


def demo_portal_files() -> list[Path]:
    return [demo_data_dir() / name for name in DEMO_PORTAL_FILES]


def run_demo(out_dir: str | Path, say=print, *, replace: bool = False) -> tuple[Path, Period]:
    """The demo workbook in ``out_dir``. It is built in a scratch folder and put in place in
    one step; an existing one (perhaps with the accountant's own tries in it) is replaced
    only with ``replace``, after a backup of it is kept."""
    out = Path(out_dir) / "ims-xl-demo.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    with workbook_lock(out, command="demo") as real:
        check_not_open(real)
        existed = os.path.lexists(out)
        if existed and not replace:
            raise InputError(f"{out} exists already: run 'ims-xl demo --force' to replace it "
                             "(a backup of it is kept first), or choose another --out. "
                             "Nothing was changed.")
        snapshot = FileSnapshot.take(real) if real.exists() else None
        with tempfile.TemporaryDirectory(prefix="ims-xl-demo-") as scratch:
            built = Path(scratch) / out.name
            period = _build_demo(built, out, say)
            with replacing_workbook(real, snapshot) as tmp:
                shutil.copyfile(built, tmp)
    if existed:
        say(f"6. The demo workbook that was there is kept in '{backup_folder(real).name}' "
            f"(ims-xl restore {out} --list)")
    return out, period


def _build_demo(path: Path, shown_as: Path, say) -> Period:
    from workbook_template.template import build_template

    data = demo_data_dir()
    build_template(path, gstin=DEMO_GSTIN)
    book = open_book(path, quiet=True)
    book.write_name("IMS_AS_OF", DEMO_AS_OF)
    book.save()
    say(f"1. New workbook {shown_as} (GSTIN {DEMO_GSTIN}, as of {DEMO_AS_OF:%d-%m-%Y})")
    report = load_data(open_book(path, quiet=True),
                       gstr2b=demo_portal_files(),
                       books=data / "books.csv", boe_list=data / "boe_list.csv",
                       actions=data / "actions.csv", now=DEMO_NOW)
    say(f"2. Loaded October's GSTR-2A and GSTR-2B, November's GSTR-2A, books, BoE list, "
        f"actions: "
        f"{report.summary()}")
    first = recompute(open_book(path, quiet=True), now=DEMO_NOW)
    say(f"3. Recomputed: {first.versions} BoE versions, {first.errors} with errors")
    fetched = fetch(open_book(path, quiet=True), today=DEMO_AS_OF)
    say(f"4. Fetch BoE: {fetched.filled} missing BoE(s) filled from the BoE list, "
        f"{fetched.to_request} to request on the portal")
    final = recompute(open_book(path, quiet=True), now=DEMO_NOW)
    say(f"5. Recomputed: {final.versions} BoE versions ({final.status_counts()})")
    return Period.parse(final.review_period)

"""``ims-xl demo``: the README's main job, on the bundled sample data.

Builds a workbook, loads two months of GSTR-2B downloads, the books, the customs broker's
BoE list and the accountant's earlier actions, recomputes, fetches the BoE that IMS missed
from the BoE list, recomputes again, and prints November's figures.
"""

from __future__ import annotations

from datetime import date, datetime
from importlib import resources
from pathlib import Path

from ..periods import Period
from ..safety.lock import workbook_lock
from .book import open_book
from .loading import load_data
from .new_workbook import new_workbook
from .ops import fetch, recompute

__all__ = ["DEMO_AS_OF", "DEMO_GSTIN", "demo_data_dir", "run_demo"]

DEMO_AS_OF = date(2025, 12, 13)     # 11 pm on the 13th: November's 2B is generated tomorrow
DEMO_GSTIN = "27AAPFU0939F1ZV"
DEMO_NOW = datetime(2025, 12, 13, 23, 0)


def demo_data_dir() -> Path:
    return Path(str(resources.files("ims_xl") / "data" / "demo"))


def run_demo(out_dir: str | Path, say=print, *, replace: bool = False) -> tuple[Path, Period]:
    """The demo workbook in ``out_dir``: an existing one (perhaps with the accountant's own
    tries in it) is replaced only with ``replace``, after a backup of it is kept."""
    out = Path(out_dir) / "ims-xl-demo.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    with workbook_lock(out, command="demo"):
        return _run_demo(out, say, replace)


def _run_demo(out: Path, say, replace: bool) -> tuple[Path, Period]:
    data = demo_data_dir()
    backup = new_workbook(out, gstin=DEMO_GSTIN, replace=replace,
                          refusal="run 'ims-xl demo --force' to replace it")
    if backup is not None:
        say(f"0. The demo workbook that was there is kept as {backup.path}")
    book = open_book(out, quiet=True)
    book.write_name("IMS_AS_OF", DEMO_AS_OF)
    book.save()
    say(f"1. New workbook {out} (GSTIN {DEMO_GSTIN}, as of {DEMO_AS_OF:%d-%m-%Y})")
    report = load_data(open_book(out, quiet=True),
                       gstr2b=[data / "gstr2b_102025.json", data / "gstr2b_112025.json"],
                       books=data / "books.csv", boe_list=data / "boe_list.csv",
                       actions=data / "actions.csv", now=DEMO_NOW)
    say(f"2. Loaded GSTR-2B for October and November, books, BoE list, actions: "
        f"{report.summary()}")
    first = recompute(open_book(out, quiet=True), now=DEMO_NOW)
    say(f"3. Recomputed: {first.versions} BoE versions, {first.errors} with errors")
    fetched = fetch(open_book(out, quiet=True), today=DEMO_AS_OF)
    say(f"4. Fetch BoE: {fetched.filled} missing BoE(s) filled from the BoE list, "
        f"{fetched.to_request} to request on the portal")
    final = recompute(open_book(out, quiet=True), now=DEMO_NOW)
    counts = ", ".join(f"{n} {label.lower()}" for label, n in sorted(final.by_status.items()))
    say(f"5. Recomputed: {final.versions} BoE versions ({counts})")
    return out, Period.parse(final.review_period)

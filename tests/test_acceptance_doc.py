"""docs/excel-acceptance.md quotes what ims-xl really says and computes today.

The checklist is run by hand in Excel on Windows, where no test can reach. Its expected
messages, counts and figures are computed by scripts/acceptance_values.py: the ribbon buttons
through the dispatcher on a stand-in of the live workbook, the worksheet functions with the
demo's cells, the figures through the command line. This test runs that script as a user
would, and fails for every value the checklist no longer quotes. A change to the demo data,
the rules or a message then fails here until the checklist is updated, so the checklist cannot
go stale without anyone noticing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKLIST = ROOT / "docs" / "excel-acceptance.md"
SCRIPT = ROOT / "scripts" / "acceptance_values.py"


def squeeze(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces: the checklist wraps
    long messages over indented lines."""
    return " ".join(text.split())


def missing_values(printed: list[tuple[str, str]], checklist: str) -> list[str]:
    text = squeeze(checklist)
    return [f"{label}: {value}" for label, value in printed if squeeze(value) not in text]


@pytest.fixture(scope="module")
def printed() -> list[tuple[str, str]]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    proc = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    rows = [tuple(line.split("\t", 1)) for line in proc.stdout.splitlines()]
    assert all(len(r) == 2 for r in rows), [r for r in rows if len(r) != 2]
    return rows  # type: ignore[return-value]


def test_the_script_computes_a_value_for_every_section(printed):
    sections = {label.split()[0].split(".")[0] for label, _ in printed}
    assert {"0", "1", "2", "3", "4", "5", "5a", "7"} <= sections, sections
    assert all(value.strip() for _, value in printed)
    assert len(printed) >= 120, len(printed)
    # the values the checklist turns on, as computed now
    values = dict(printed)
    assert values["0 demo: the last step"] == (
        "Recomputed: 40 BoE versions (25 accepted, 1 deemed accepted, 12 open, 2 pending)")
    assert values["2.3 the moved BoE"].endswith("Importer GSTIN 24AAUPV7468F1ZW)")
    assert values["3 its message"] == "ERROR REJECT_BLOCKED"


def test_every_computed_value_is_quoted_in_the_checklist(printed):
    missing = missing_values(printed, CHECKLIST.read_text(encoding="utf-8"))
    assert not missing, (
        "docs/excel-acceptance.md no longer quotes these values (run scripts/"
        "acceptance_values.py and put them into the checklist):\n" + "\n".join(missing))


def test_a_stale_figure_in_the_checklist_is_caught(printed):
    """The check fails when the checklist keeps an old figure: November's 4(A)(1) IGST as the
    checklist said before the demo gained its GSTIN amendment."""
    checklist = CHECKLIST.read_text(encoding="utf-8")
    current = dict(printed)["7 on opening"].split("**")[1]
    stale = checklist.replace(current, "33,71,294.91")
    assert stale != checklist
    missing = missing_values(printed, stale)
    assert any(m.startswith("7 on opening") for m in missing)
    assert any(m.startswith("2.3 GSTR-3B sheet") for m in missing)

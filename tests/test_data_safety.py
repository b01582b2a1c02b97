"""The accountant's work is never lost, whatever happens to the file (issue 11).

Every test goes through the real command line in real processes: real locks, real races,
real kills, a real full disk (a small tmpfs) and real read-only drives (read-only mounts).
``docs/data-safety.md`` lists each promise with the test that holds it.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import GSTIN, IN_CI, cli_ok
from ims_xl.safety.backups import list_backups
from ims_xl.safety.lock import owner_file, workbook_lock
from ims_xl.demo import demo_data_dir
from workbook_helpers import table_rows

DATA = demo_data_dir()
OCTOBER = DATA / "gstr2b_102025.json"
NOVEMBER = DATA / "gstr2a_112025.json"


ok = cli_ok


def refused(*args, says: str, env: dict | None = None) -> str:
    """Exit 2 with one message (no traceback) that contains ``says``."""
    proc = _cli(*args, env=env)
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert says in proc.stderr, proc.stderr
    assert proc.stdout == ""
    return proc.stderr


def _cli(*args, env: dict | None = None, **popen) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ims_xl", *map(str, args)], capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})}, **popen)


def _start(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ims_xl", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def book(tmp_path) -> Path:
    """A workbook with October's GSTR-2B loaded."""
    path = tmp_path / "book.xlsx"
    ok("template", path, "--gstin", GSTIN)
    ok("load", path, "--gstr2b", OCTOBER)
    return path


def _boes(path: Path) -> list[dict]:
    return table_rows(path, "BoE")


def _actions_file(path: Path, rows: list[tuple[dict, str, str]]) -> Path:
    """A bulk actions CSV: (BoE row, action, remark) each."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Port Code", "BoE No", "BoE Date", "Action", "Date", "Remark"])
        for boe, action, remark in rows:
            w.writerow([boe["Port Code"], boe["BoE No"], f"{boe['BoE Date']:%d-%m-%Y}", action,
                        "07-11-2025", remark])
    return path


def _log_remarks(path: Path) -> set[str]:
    return {r["Remark"] for r in table_rows(path, "ActionLog") if r["Remark"]}


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


# --- 1. outputs never destroy inputs ---------------------------------------------------------

def test_export_refuses_the_workbook_itself_and_any_spreadsheet(book, tmp_path):
    before = book.read_bytes()
    for option in ("--actions-csv", "--ims-json", "--gstr3b-json", "--reconciliation"):
        refused("export", book, "--period", "102025", option, book,
                says=f"{option} {book} is book.xlsx, which this command reads")
    assert book.read_bytes() == before
    other = tmp_path / "other.xlsx"
    other.write_bytes(before)
    refused("export", book, "--period", "102025", "--actions-csv", other, says="is a spreadsheet")
    refused("export", book, "--period", "102025", "--actions-csv", other, "--force",
            says="is a spreadsheet")
    assert other.read_bytes() == before
    # a spreadsheet by its content, whatever its name
    disguised = tmp_path / "actions.csv"
    disguised.write_bytes(before)
    refused("export", book, "--period", "102025", "--actions-csv", disguised, "--force",
            says="is a spreadsheet")
    assert disguised.read_bytes() == before


def test_an_existing_export_is_replaced_only_with_force(book, tmp_path):
    out = tmp_path / "actions.csv"
    ok("export", book, "--period", "102025", "--actions-csv", out)
    first = out.read_text(encoding="utf-8-sig")
    out.write_text("my own notes\n", encoding="utf-8")
    refused("export", book, "--period", "102025", "--actions-csv", out,
            says="exists already: choose another file name, or add --force")
    assert out.read_text(encoding="utf-8") == "my own notes\n"
    ok("export", book, "--period", "102025", "--actions-csv", out, "--force")
    assert out.read_text(encoding="utf-8-sig") == first


def test_evaluate_output_never_replaces_its_scenario(tmp_path):
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps({"settings": {}, "as_of": "2025-11-20", "records": [],
                                    "actions": []}), encoding="utf-8")
    before = scenario.read_bytes()
    refused("evaluate", scenario, "-o", scenario, says="which this command reads")
    assert scenario.read_bytes() == before


def test_demo_refuses_to_replace_an_edited_demo_without_force(tmp_path):
    out = tmp_path / "out"
    ok("demo", "--out", out)
    demo = out / "ims-xl-demo.xlsx"
    wb = load_workbook(demo)
    wb["Start"]["H1"] = "my notes on the demo"
    wb.save(demo)
    edited = demo.read_bytes()
    refused("demo", "--out", out, says="exists already")
    assert demo.read_bytes() == edited
    proc = ok("demo", "--out", out, "--force")
    assert "The demo workbook that was there is kept in 'ims-xl backups'" in proc.stdout
    backups = list_backups(demo)
    assert [b.path.read_bytes() for b in backups] == [edited]   # one backup: the edited one
    assert load_workbook(demo)["Start"]["H1"].value is None


# --- 2. one writer at a time ------------------------------------------------------------------

def test_a_second_ims_xl_is_refused_while_one_holds_the_workbook(book):
    before = book.read_bytes()
    with workbook_lock(book, command="load"):
        message = refused("recompute", book, says="is being changed by another ims-xl (load, "
                                                  f"process {os.getpid()}) since")
        assert "nothing was done" in message and "--wait" in message
    assert book.read_bytes() == before
    assert not owner_file(book.resolve()).exists()   # the owner note goes with the lock


def test_wait_lets_the_second_ims_xl_go_on_when_the_first_is_done(book):
    with workbook_lock(book, command="load"):
        second = _start("recompute", book, "--wait", "60", "--as-of", "2025-11-10")
        time.sleep(1.5)
        assert second.poll() is None   # still waiting for the lock
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert "Recomputed" in out


def test_a_dead_ims_xl_leaves_no_lock_behind(book):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from ims_xl.safety.lock import workbook_lock\n"
        f"with workbook_lock({str(book)!r}, command='load'):\n"
        "    print('held', flush=True); time.sleep(600)")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    refused("recompute", book, says="being changed by another ims-xl")
    holder.kill()
    holder.wait()
    ok("recompute", book)   # the system let go of the killed process's lock


def test_two_loads_at_once_lose_no_actions(book, tmp_path):
    boes = _boes(book)
    a = _actions_file(tmp_path / "a.csv", [(boes[0], "Accept", "from a.csv")])
    b = _actions_file(tmp_path / "b.csv", [(boes[1], "Keep Pending", "from b.csv")])
    procs = [_start("load", book, "--actions", f, "--wait", "120") for f in (a, b)]
    results = [p.communicate(timeout=180) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0], results
    assert {"from a.csv", "from b.csv"} <= _log_remarks(book)
    typed = {r["BoE No"]: (r["Action"], r["Remark"]) for r in _boes(book) if r["Action"]}
    assert typed[boes[0]["BoE No"]] == ("Accept", "from a.csv")
    assert typed[boes[1]["BoE No"]] == ("Keep Pending", "from b.csv")


def test_without_wait_the_loser_is_told_and_the_winner_keeps_its_work(book, tmp_path):
    boes = _boes(book)
    files = [_actions_file(tmp_path / f"{n}.csv", [(boes[n], "Accept", f"run {n}")])
             for n in range(3)]
    procs = [_start("load", book, "--actions", f) for f in files]
    results = [p.communicate(timeout=180) + (p.returncode,) for p in procs]
    remarks = _log_remarks(book)
    assert any(r[2] == 0 for r in results)
    for n, (_out, err, code) in enumerate(results):
        if code == 0:
            assert f"run {n}" in remarks
        else:
            assert code == 2 and "being changed by another ims-xl" in err, err
            assert f"run {n}" not in remarks


def test_recompute_during_a_load_waits_its_turn(book, tmp_path):
    boes = _boes(book)
    actions = _actions_file(tmp_path / "a.csv", [(boes[2], "Accept", "loaded")])
    load = _start("load", book, "--gstr2b", NOVEMBER, "--actions", actions, "--wait", "120")
    recompute = _start("recompute", book, "--wait", "120", "--as-of", "2025-12-13")
    for p in (load, recompute):
        _out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
    assert "loaded" in _log_remarks(book)
    assert {r["Period"] for r in _boes(book)} >= {"102025", "112025"}


# --- 3. the file on disk changed while ims-xl worked --------------------------------------------

def test_a_save_from_excel_during_the_work_wins(book):
    from ims_xl.safety.replace import WorkbookChanged
    from ims_xl.workbook.opening import open_book
    from ims_xl.workbook.layout import BOE
    from ims_xl.workbook.openpyxl_book import OpenpyxlBook
    from ims_xl.workbook.ops import recompute

    stream = open_book(book)
    rows = stream.read_table(BOE)
    # the accountant saves from Excel meanwhile (a new file renamed over the old, as Excel does)
    wb = load_workbook(book)
    wb["BoE"]["Q2"] = "typed in Excel meanwhile"
    theirs = book.with_name("theirs.xlsx")
    wb.save(theirs)
    os.replace(theirs, book)
    saved = book.read_bytes()
    stream.write_table(BOE, rows)
    with pytest.raises(WorkbookChanged, match="changed on disk while ims-xl was working"):
        stream.save()
    assert book.read_bytes() == saved

    # the same through openpyxl: the file changes between the read and the save
    class TouchedMeanwhile(OpenpyxlBook):
        def save(self):
            os.utime(book, ns=(time.time_ns(), time.time_ns() + 10**9))
            super().save()
    touched = TouchedMeanwhile(book, quiet=True)
    with pytest.raises(WorkbookChanged):
        recompute(touched)
    assert load_workbook(book)["BoE"]["Q2"].value == "typed in Excel meanwhile"


def test_a_real_race_with_an_accountants_save_never_loses_it(tmp_path):
    """A recompute of a 3,000-BoE month while the accountant saves the workbook: whoever
    wins, the accountant's save is in the file at the end."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from generate import write_month

    files = write_month(tmp_path / "month", 3000)
    book = tmp_path / "big.xlsx"
    ok("template", book)
    ok("load", book, "--gstr2b", *files.gstr2b)
    theirs = tmp_path / "theirs.xlsx"
    wb = load_workbook(book)
    wb["Settings"]["H1"] = "the accountant's own note"
    wb.save(theirs)
    proc = _start("recompute", book)
    deadline = time.time() + 60
    while not owner_file(book.resolve()).exists() and proc.poll() is None \
            and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)   # ims-xl is reading now
    os.replace(theirs, book)
    out, err = proc.communicate(timeout=300)
    assert load_workbook(book)["Settings"]["H1"].value == "the accountant's own note"
    if proc.returncode == 2:
        assert "changed on disk while ims-xl was working" in err
    else:   # it finished before the save landed: then the save simply came after it
        assert proc.returncode == 0, err


# --- 6. backups --------------------------------------------------------------------------------

def test_backups_are_timestamped_pruned_and_restorable(book, tmp_path):
    env = {"IMS_XL_BACKUPS": "3"}
    versions = []
    for n, as_of in enumerate(("2025-11-01", "2025-11-05", "2025-11-10", "2025-11-15")):
        wb = load_workbook(book)       # the accountant works on it between runs
        wb["Settings"]["H1"] = f"note {n}"
        wb.save(book)
        versions.append(book.read_bytes())
        proc = _cli("recompute", book, "--as-of", as_of, env=env)
        assert proc.returncode == 0, proc.stderr
    backups = list_backups(book)
    assert len(backups) == 3                          # only the newest three are kept
    assert [b.path.read_bytes() for b in backups] == versions[::-1][:3]
    listing = ok("restore", book, "--list").stdout
    assert all(b.stamp in listing for b in backups)
    current = book.read_bytes()
    ok("restore", book, "--from", backups[1].stamp)
    assert book.read_bytes() == backups[1].path.read_bytes() == versions[2]
    assert list_backups(book)[0].path.read_bytes() == current   # the restore is undoable
    refused("restore", book, "--from", "19990101-000000", says="no backup '19990101-000000'")


def test_no_backup_is_written_through_a_link(book, tmp_path):
    folder = book.parent / "ims-xl backups"
    victim_dir = tmp_path / "elsewhere"
    victim_dir.mkdir()
    folder.rename(tmp_path / "old backups")
    folder.symlink_to(victim_dir, target_is_directory=True)
    before = book.read_bytes()
    refused("recompute", book, says="is a link: ims-xl does not write backups through a link")
    assert book.read_bytes() == before and list(victim_dir.iterdir()) == []


def test_a_killed_save_leaves_the_workbook_and_backups_whole(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from generate import write_month

    files = write_month(tmp_path / "month", 2000)
    book = tmp_path / "big.xlsx"
    ok("template", book)
    ok("load", book, "--gstr2b", *files.gstr2b)
    rng = random.Random(11)
    for _ in range(5):
        before = book.read_bytes()
        proc = _start("recompute", book)
        time.sleep(rng.uniform(0.2, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = book.read_bytes()
        with zipfile.ZipFile(book) as zf:
            assert zf.testzip() is None          # the old file or the new one, whole
        assert after == before or load_workbook(book, read_only=True)
        for b in list_backups(book):
            with zipfile.ZipFile(b.path) as zf:
                assert zf.testzip() is None
    ok("recompute", book)
    assert _temps(tmp_path) == []   # what killed runs left was removed by the next run


# --- 7. replacing keeps what the file is -------------------------------------------------------

def test_a_linked_workbook_stays_a_link_and_its_target_is_updated(book, tmp_path):
    link = tmp_path / "link.xlsx"
    link.symlink_to(book)
    ok("recompute", link, "--as-of", "2025-11-10")
    assert link.is_symlink() and os.readlink(link) == str(book)
    assert {r["Status"] for r in _boes(book)} != {None}


def test_mode_and_owner_are_kept(book):
    os.chmod(book, 0o640)
    if os.geteuid() == 0:
        os.chown(book, 1234, 5678)
    ok("recompute", book, "--as-of", "2025-11-10")
    st = os.stat(book)
    assert stat.S_IMODE(st.st_mode) == 0o640
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == (1234, 5678)


def test_a_read_only_workbook_is_refused(book):
    os.chmod(book, 0o444)
    before = book.read_bytes()
    refused("recompute", book, says="is read-only")
    assert book.read_bytes() == before


# --- 8. Excel's and LibreOffice's lock files ---------------------------------------------------

@pytest.mark.parametrize("lock_name,program", [("~$book.xlsx", "Excel"),
                                               (".~lock.book.xlsx#", "LibreOffice")])
def test_an_open_workbook_is_refused(book, lock_name, program):
    (book.parent / lock_name).write_text("someone,host", encoding="utf-8")
    before = book.read_bytes()
    refused("recompute", book, says=f"is open in {program}")
    refused("load", book, "--gstr2b", NOVEMBER, says=f"is open in {program}")
    assert book.read_bytes() == before


# --- 11. repeated options add up ---------------------------------------------------------------

def test_a_repeated_file_option_uses_every_file(book, tmp_path):
    boes = _boes(book)
    a = _actions_file(tmp_path / "a.csv", [(boes[0], "Accept", "first file")])
    b = _actions_file(tmp_path / "b.csv", [(boes[1], "Accept", "second file")])
    ok("load", book, "--gstr2b", OCTOBER, "--gstr2b", NOVEMBER, "--actions", a, "--actions", b)
    assert {r["Period"] for r in _boes(book)} >= {"102025", "112025"}
    assert {"first file", "second file"} <= _log_remarks(book)
    refused("load", book, "--books", DATA / "books.csv", "--mapping", a, "--mapping", b,
            says="--mapping is given 2 times")


# --- 12. faults are sentences ------------------------------------------------------------------

@contextlib.contextmanager
def _mounted_tmpfs(where: Path, size: str):
    where.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        if IN_CI:
            pytest.fail(f"CI runs as root and must be able to mount a tmpfs: {proc.stderr}")
        pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.strip()})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(folder: Path, leave: int) -> None:
    """Fill the drive until only about ``leave`` bytes are free."""
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with open(folder / "filler", "wb") as fh:
        fh.write(b"\0" * max(free - leave, 0))


def test_a_full_disk_is_a_sentence_and_changes_nothing(book, tmp_path):
    with _mounted_tmpfs(tmp_path / "small", "4m") as drive:
        work = drive / "book.xlsx"
        work.write_bytes(book.read_bytes())
        ok("recompute", work, "--as-of", "2025-11-01")        # one backup exists
        newest = list_backups(work)[0].path.read_bytes()
        before = work.read_bytes()
        _fill(drive, leave=len(before) // 2)
        message = refused("recompute", work, "--as-of", "2025-11-10", says="the disk is full")
        assert len(message.strip().splitlines()) == 1 and "Nothing was changed" in message
        assert work.read_bytes() == before
        assert list_backups(work)[0].path.read_bytes() == newest
        assert _temps(drive) == []


def test_a_read_only_drive_and_an_unwritable_backup_folder_are_sentences(book, tmp_path):
    with _mounted_tmpfs(tmp_path / "ro", "8m") as drive:
        work = drive / "book.xlsx"
        work.write_bytes(book.read_bytes())
        ok("recompute", work, "--as-of", "2025-11-01")
        backups = drive / "ims-xl backups"
        subprocess.run(["mount", "--bind", str(backups), str(backups)], check=True)
        subprocess.run(["mount", "-o", "remount,ro,bind", str(backups)], check=True)
        try:
            before = work.read_bytes()
            message = refused("recompute", work, "--as-of", "2025-11-10",
                              says="the drive is read-only")
            assert "Nothing was changed" in message
            assert work.read_bytes() == before and _temps(drive) == []
        finally:
            subprocess.run(["umount", str(backups)], check=False)
        subprocess.run(["mount", "-o", "remount,ro", str(drive)], check=True)
        message = refused("recompute", work, says="cannot write in its folder")
        assert work.read_bytes() == before


# --- randomized: concurrent loads and recomputes with random kills -----------------------------

def test_random_concurrent_runs_and_kills_keep_every_reported_success(book, tmp_path):
    seed = int(os.environ.get("IMS_XL_TEST_SEED", time.time_ns() % 100000))
    rng = random.Random(seed)
    boes = _boes(book)
    runs = []
    for n in range(14):
        if rng.random() < 0.6:
            f = _actions_file(tmp_path / f"run{n}.csv",
                              [(rng.choice(boes), rng.choice(["Accept", "Keep Pending"]),
                                f"run {n}")])
            args = ("load", book, "--actions", f, "--wait", "60")
        else:
            args = ("recompute", book, "--wait", "60")
        runs.append((n, args, rng.uniform(0, 3), rng.random() < 0.3, rng.uniform(0.1, 1.5)))
    started, t0 = [], time.time()
    for n, args, delay, kill, kill_after in sorted(runs, key=lambda r: r[2]):
        time.sleep(max(0, t0 + delay - time.time()))
        started.append((n, args, kill, time.time() + kill_after, _start(*args)))
    for n, args, kill, kill_at, proc in started:
        if kill:
            time.sleep(max(0, kill_at - time.time()))
            proc.send_signal(signal.SIGKILL)
    outcomes = []
    for n, args, kill, _, proc in started:
        out, err = proc.communicate(timeout=300)
        outcomes.append((n, args[0], proc.returncode, err))
    remarks = _log_remarks(book)
    for n, command, code, err in outcomes:
        assert code in (0, 2, -signal.SIGKILL), (seed, n, code, err)
        assert "Traceback" not in err, (seed, err)
        if command == "load" and code == 0:
            assert f"run {n}" in remarks, f"seed {seed}: run {n} reported success but is lost"
    load_workbook(book)                       # the workbook opens
    ok("summary", book, "--period", "102025")
    ok("recompute", book)
    assert _temps(tmp_path) == []             # what killed runs left, the next run removed


def test_template_force_keeps_a_backup_of_what_it_replaced(book):
    before = book.read_bytes()
    refused("template", book, says="exists already")
    assert book.read_bytes() == before
    proc = ok("template", book, "--force")
    assert "the file it replaced is kept as" in proc.stdout
    assert list_backups(book)[0].path.read_bytes() == before
    assert table_rows(book, "BoE") == []


def test_the_same_file_is_not_backed_up_twice(book):
    from ims_xl.safety.backups import keep_backup

    first = keep_backup(book)
    again = keep_backup(book)
    assert again == first and len(list_backups(book)) == len({b.stamp for b in list_backups(book)})
    assert [b.path for b in list_backups(book)].count(first.path) == 1


def test_an_error_is_printed_once(book, tmp_path):
    cut = tmp_path / "cut.json"
    cut.write_text('{"data": ', encoding="utf-8")
    message = refused("load", book, "--gstr2b", cut, says="as if cut off during download")
    assert message.count("as if cut off during download") == 1


"""The IMS actions JSON is the GST API's SAVE request (for a GSP), not the portal's IMS Offline
Tool JSON, and every place that writes it says so (issue 10, item 8; docs/formats.md, "The IMS
Offline Tool").

The Offline Tool's Upload JSON is, per the only public reading of the tool (docs/formats.md),
``{"rtin", "reqtyp": "SAVE", "invdata": {b2b, b2ba, b2bdn, b2bdna, b2bcn, b2bcna, ecom,
ecoma}}``: no ``action``/``data`` wrapper and no Import of goods section. These tests check
that what we write really is the other shape, so the warning we print is true.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import GSTIN, ROOT, run_cli
from ims_xl.exports import ACTIONS_JSON_IS_NOT_OFFLINE_TOOL, actions_sidecar_path
from workbook_helpers import demo_workbook

# the eight sections of the Offline Tool's download / upload JSON (docs/formats.md)
OFFLINE_TOOL_SECTIONS = {"b2b", "b2ba", "b2bdn", "b2bdna", "b2bcn", "b2bcna", "ecom", "ecoma"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_workbook(tmp_path_factory.mktemp("offline"))


def _export(demo: Path, target: Path, *options: str):
    proc = run_cli("export", str(demo), "--period", "112025", *options, str(target))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_ims_json_export_says_it_is_the_gsp_save_request_not_the_offline_upload(demo, tmp_path):
    target = tmp_path / "ims-actions-112025.json"
    out = _export(demo, target, "--ims-json")
    first, _, rest = out.partition("\n")
    # the first line is unchanged (the ribbon and the acceptance script read it) ...
    assert first.startswith("Wrote ") and f"for 112025 to {target}" in first
    # ... and the next one says plainly what the file is and is not, and what to do instead
    assert rest.strip() == ACTIONS_JSON_IS_NOT_OFFLINE_TOOL
    for words in ("GST Suvidha Provider (GSP)", "not the IMS Offline Tool's JSON",
                  "Offline > Upload JSON will not take it", "no Import of goods section",
                  "IMS dashboard yourself, under Import of goods", "actions worklist CSV",
                  "docs/formats.md"):
        assert words in rest, words


def test_the_file_really_is_the_save_request_and_not_the_offline_upload_shape(demo, tmp_path):
    target = tmp_path / "ims.json"
    _export(demo, target, "--ims-json")
    doc = json.loads(target.read_text(encoding="utf-8"))
    # the GSP API wrapper, which the Offline Tool's upload does not have
    assert set(doc) == {"action", "data"} and doc["action"] == "SAVE"
    assert "rtin" not in doc and "invdata" not in doc and "imsDetails" not in doc
    assert doc["data"]["rtin"] == GSTIN and doc["data"]["reqtyp"] == "SAVE"
    # Import of goods sections only: none of the Offline Tool's eight supplier sections
    sections = set(doc["data"]["invdata"])
    assert sections == {"impg", "impga", "impgsez", "impgseza"}
    assert not sections & OFFLINE_TOOL_SECTIONS
    assert sum(len(v) for v in doc["data"]["invdata"].values()) > 0
    meta = json.loads(actions_sidecar_path(target).read_text(encoding="utf-8"))
    assert "not the IMS Offline Tool's Upload JSON" in meta["note"]
    assert meta["format"] == "ims-xl/ims-actions@1"


def test_other_exports_do_not_carry_the_ims_json_warning(demo, tmp_path):
    out = _export(demo, tmp_path / "worklist.csv", "--actions-csv")
    assert out.startswith("Wrote ") and "Offline Tool" not in out
    out = _export(demo, tmp_path / "3b.json", "--gstr3b-json")
    assert "Offline Tool" not in out


def test_export_help_names_the_shape():
    proc = run_cli("export", "--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    assert "SAVE request, for a GSP" in text and "not the IMS Offline Tool's Upload JSON" in text


def test_the_section_the_message_points_to_exists_and_gives_its_sources():
    text = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    heading = "## The IMS Offline Tool"
    assert heading in text
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    # what is known, each with where it comes from
    for fact in ('"imsDetails"', '"imsDetailsErr"', '"reqtyp": "SAVE"', "Import of goods",
                 "ArchitBoraste/itc-guard", "a2ztaxcorp.net", "createroftheearth/GST-API",
                 "portcd", "irefdt"):
        assert fact in section, fact

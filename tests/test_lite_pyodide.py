"""The xlwings Lite edition inside real Pyodide (the npm package ``pyodide``, Python 3.13)
under Node: the wheels of requirements.txt unpacked (pure Python only: pip downloads them
for ``--platform any``), main.py loaded as Lite loads it, every worksheet function called
and every script run on the demo month over the Lite stand-in, and every answer compared
with CPython's, value for value.

Skipped when node (or npm, or the registries) is missing on a developer's machine; under
CI=true that is a failure (.ci/run installs node and npm)."""

from __future__ import annotations

import pytest

from conftest import IN_CI
from lite_harness import FORBIDDEN
from lite_support import (Unavailable, build_lite, demo_template, run_harness_cpython,
                          run_in_pyodide)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    work = tmp_path_factory.mktemp("pyodide")
    built = build_lite(work / "lite")
    template = demo_template(work / "template.xlsx")
    try:
        pyodide, timings = run_in_pyodide(built, template, work)
    except Unavailable as exc:
        if IN_CI:
            pytest.fail(f"CI must run the Pyodide test: {exc}")
        pytest.skip(f"Pyodide under Node is not available here: {exc}")
    from lite_support import normalized
    cpython = run_harness_cpython(built / "main.py", template, work / "cpython")
    return {"raw": pyodide, "pyodide": normalized(dict(pyodide), "/tmp/work"),
            "cpython": cpython, "timings": timings}


def test_it_is_really_pyodide(runs):
    assert runs["raw"]["platform"] == "emscripten"
    assert runs["raw"]["python"].startswith("3.13")


def test_the_lite_path_loads_nothing_of_the_command_lines_dependencies(runs):
    assert runs["raw"]["forbidden_loaded"] == [], FORBIDDEN


def test_every_function_answers_as_in_cpython(runs):
    pyodide, cpython = runs["pyodide"]["functions"], runs["cpython"]["functions"]
    assert len(pyodide) == len(cpython) >= 40
    for ours, theirs in zip(pyodide, cpython):
        assert ours == theirs, ours["function"]


def test_every_script_leaves_the_workbook_as_in_cpython(runs):
    pyodide, cpython = runs["pyodide"]["steps"], runs["cpython"]["steps"]
    for ours, theirs in zip(pyodide["steps"], cpython["steps"]):
        assert ours == theirs, ours["script"]
    assert pyodide["workbook"].keys() == cpython["workbook"].keys()
    for table in cpython["workbook"]:
        assert pyodide["workbook"][table] == cpython["workbook"][table], table
    assert pyodide["exports"] == cpython["exports"]
    assert pyodide["said"] == cpython["said"]


def test_main_py_scripts_answer_as_in_cpython(runs):
    assert runs["pyodide"]["scripts"] == runs["cpython"]["scripts"]
    assert runs["pyodide"]["scripts"][-1]["exports"]

"""The import graph of ims_xl/, udfs/ and workbook_template/ (issue 15): no circles, and the
arrows run down from the surfaces (the command line, the ribbon, the add-in) to the core.

Each module is parsed with ``ast`` (nothing is imported). Every import counts, at module level
and inside functions alike (a function-level import is still an arrow: it only moves the
moment it runs), except those under ``if TYPE_CHECKING:``, which never run. ``from . import
name`` points at the submodule ``name`` when there is one, else at the package itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOP_PACKAGES = ("ims_xl", "udfs", "workbook_template")


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    line: int
    module_level: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for top in TOP_PACKAGES for p in sorted((ROOT / top).rglob("*.py"))}


def _within(name: str, modules: dict[str, Path]) -> str | None:
    """``name`` or its longest prefix that is one of our modules (``a.b.func`` -> ``a.b``)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.Module) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement that can run, and whether it runs when the module is imported."""
    def walk(node: ast.AST, module_level: bool) -> Iterator:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                yield from (x for n in child.orelse for x in walk_one(n, module_level))
                continue
            yield from walk_one(child, module_level)

    def walk_one(node: ast.AST, module_level: bool) -> Iterator:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, module_level
        inner = module_level and not isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        yield from walk(node, inner)

    yield from walk(tree, True)


def arrows_of(name: str, path: Path, modules: dict[str, Path]) -> Iterator[Arrow]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node, module_level in _imports(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                up = package.split(".")
                up = up[:len(up) - (node.level - 1)]
                base = ".".join(up + ([node.module] if node.module else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                       for a in node.names]
        for target in targets:
            found = _within(target, modules)
            if found is not None and found != name:
                yield Arrow(name, found, node.lineno, module_level)


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for arrow in arrows_of(name, path, modules):
            graph[name].add(arrow.target)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:   # iterative: the graph is deep enough to worry the recursion
        work = [(v, iter(sorted(graph[v])))]
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        while work:
            node, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on_stack:
                    low[node] = min(low[node], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        group.append(w)
                        if w == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


# The packages that must have no circle through any of their modules.
PACKAGES = ["workbook_template.addin", "udfs", "ims_xl.workbook", "ims_xl"]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_circle(package):
    graph = import_graph()
    assert any(_in(m, package) for m in graph), f"no module found in {package}"
    found = [group for group in circles(graph) if any(_in(m, package) for m in group)]
    assert found == [], f"import circles through {package}: {found}"


def test_the_graph_sees_circles_and_function_level_imports(tmp_path):
    """The finder itself: a two-module circle whose way back is inside a function is found,
    an import under TYPE_CHECKING is not an arrow, ``from . import x`` finds the submodule."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import thing\n")
    (pkg / "b.py").write_text("def thing():\n    from . import a\n")
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\n"
                              "if TYPE_CHECKING:\n    from .a import thing\n")
    modules = {"pkg": pkg / "__init__.py", "pkg.a": pkg / "a.py", "pkg.b": pkg / "b.py",
               "pkg.c": pkg / "c.py"}
    graph = {m: set() for m in modules}
    arrows = []
    for name, path in modules.items():
        for arrow in arrows_of(name, path, modules):
            graph[name].add(arrow.target)
            arrows.append(arrow)
    assert graph == {"pkg": set(), "pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}, "pkg.c": set()}
    assert [(a.source, a.module_level) for a in arrows] == [("pkg.a", True), ("pkg.b", False)]
    assert circles(graph) == [["pkg.a", "pkg.b"]]


def test_build_and_install_share_names_one_way():
    """install may build a fresh add-in (install -> build); build never reaches install, and
    the names both need come from workbook_template.addin.names."""
    graph = import_graph()
    addin = "workbook_template.addin"
    assert f"{addin}.build" in graph[f"{addin}.install"]
    assert f"{addin}.install" not in graph[f"{addin}.build"]
    assert f"{addin}.names" in graph[f"{addin}.build"] & graph[f"{addin}.install"]
    assert graph[f"{addin}.names"] == set()


# The surfaces (docs/architecture.md) that may import workbook_template (the command line
# reaches it only through them) (the template and the add-in build sit above the layers they are built from).
SURFACES = {"ims_xl.ribbon", "ims_xl.demo", "ims_xl.new_workbook",
            "ims_xl.addin_cli", "ims_xl.addin_doctor"}
# The rules and the domain: what every surface shares, so they import no surface, no workbook
# code, no reader of files, and neither openpyxl nor xlwings.
CORE = ("ims_xl.rules", "ims_xl.models", "ims_xl.identifiers", "ims_xl.gst_calendar",
        "ims_xl.periods", "ims_xl.dates", "ims_xl.money", "ims_xl.actions", "ims_xl.messages",
        "ims_xl.problems")
ABOVE_CORE = ("ims_xl.workbook", "ims_xl.io", "ims_xl.match", "ims_xl.fetch", "ims_xl.exports",
              "ims_xl.cli", "ims_xl.ribbon", "ims_xl.lite", "ims_xl.sheet_functions",
              "ims_xl.engine_json", "workbook_template", "udfs")


def test_only_the_surfaces_import_workbook_template():
    graph = import_graph()
    up = sorted((m, t) for m, targets in graph.items() for t in targets
                if _in(m, "ims_xl") and _in(t, "workbook_template") and m not in SURFACES)
    assert up == []
    # and the list names real modules that do (a stale list would pass anything)
    assert all(any(_in(t, "workbook_template") for t in graph[m]) for m in SURFACES)


def _imported_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and not node.level:
        return [node.module or ""]
    return []


def test_the_rules_and_the_domain_import_nothing_above_them():
    graph = import_graph()
    core = [m for m in graph if any(_in(m, c) for c in CORE)]
    assert len(core) >= 15
    up = sorted((m, t) for m in core for t in graph[m] if any(_in(t, a) for a in ABOVE_CORE))
    assert up == []
    modules = all_modules()
    foreign = sorted((m, name)
                     for m in core
                     for node in ast.walk(ast.parse(modules[m].read_text("utf-8")))
                     for name in _imported_names(node)
                     if name.split(".")[0] in ("openpyxl", "xlwings"))
    assert foreign == []


# The layers of docs/architecture.md, bottom up. Beside them all (SIDE) stand the file-safety
# and helper modules every layer may use; they may use the domain.
SURFACE_MODULES = ("ims_xl.cli", "ims_xl.__main__", "ims_xl.ribbon", "ims_xl.sheet_functions",
                   "ims_xl.engine_json", "ims_xl.demo", "ims_xl.new_workbook", "ims_xl.addin_cli",
                   "ims_xl.addin_doctor", "ims_xl.lite", "udfs")
INPUTS_AND_OUTPUTS = ("ims_xl.io", "ims_xl.match", "ims_xl.fetch", "ims_xl.exports",
                      "ims_xl.json_out", "ims_xl.strict_json")
SIDE = ("ims_xl.safety", "ims_xl.atomic", "ims_xl.gcpause", "ims_xl.textsafety")


def layer(module: str) -> int:
    """0 the domain, 1 the rules, 2 inputs and outputs, 3 the workbook, 4 the surfaces,
    5 workbook_template; -1 beside them all."""
    if any(_in(module, s) for s in SIDE):
        return -1
    if _in(module, "workbook_template"):
        return 5
    if any(_in(module, s) for s in SURFACE_MODULES):
        return 4
    if _in(module, "ims_xl.workbook"):
        return 3
    if any(_in(module, s) for s in INPUTS_AND_OUTPUTS):
        return 2
    if _in(module, "ims_xl.rules"):
        return 1
    return 0


def test_arrows_run_down_the_layers():
    graph = import_graph()
    up = sorted((m, t) for m, targets in graph.items() for t in targets
                if layer(t) > layer(m) and not (layer(m) == 4 and layer(t) == 5)
                and not (layer(m) == -1 and layer(t) == 0)   # beside all: may use the domain
                and not (layer(m) == -1 and t == "ims_xl.io.xlsx"))  # restore checks a backup
    assert up == []
    # every layer has modules (a misspelt prefix would leave one empty and pass anything)
    assert {layer(m) for m in graph} == {-1, 0, 1, 2, 3, 4, 5}

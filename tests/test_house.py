"""The house rules of the code, read from its source (no import of it): the modules of
`workflow/`, `roles/` and `notifications/` import one another without a cycle, import nothing
from `web/`, and import nothing behind the parser's back (no `importlib`, `__import__`), so the
import graph read here is the whole of it.

An import counts wherever it stands: at the top, inside a function, under `if TYPE_CHECKING:`.
`from pkg import name` imports `pkg` and, when `pkg.name` is a module, that module too;
`import a.b` imports `a.b`. A package's parents are not counted: Python runs them first anyway,
and a package's `__init__` importing its own modules (`roles` → `roles.policy`) is not a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("workflow", "roles", "notifications")
#: `importlib` submodules that read data and import nothing of ours (the CJK font's file).
HARMLESS_IMPORTLIB = {"importlib.resources"}


@dataclass(frozen=True)
class Module:
    source: str
    is_package: bool = False


@dataclass(frozen=True)
class Import:
    name: str  # the absolute name of what is imported
    line: int


def read_modules(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, Module]:
    """Every module of `packages` under `root`, by dotted name."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            is_package = parts[-1] == "__init__"
            name = ".".join(parts[:-1] if is_package else parts)
            modules[name] = Module(path.read_text(encoding="utf-8"), is_package)
    return modules


def imports_in(name: str, module: Module) -> Iterator[Import]:
    """What the module `name` imports, anywhere in it, as absolute names (relative ones resolved);
    for `from x import y`, both `x` and `x.y` (the caller keeps those that are modules)."""
    package = name if module.is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(module.source, filename=name)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # `from . import x` in pkg.mod is pkg; each further dot one up
                parts = package.split(".")
                above = parts[: len(parts) - node.level + 1]
                base = ".".join([*above, *([node.module] if node.module else [])])
            yield Import(base, node.lineno)
            for alias in node.names:
                if alias.name != "*":
                    yield Import(f"{base}.{alias.name}", node.lineno)


def import_graph(modules: Mapping[str, Module]) -> dict[str, set[str]]:
    """module → the modules of `modules` it imports."""
    return {
        name: {imp.name for imp in imports_in(name, module) if imp.name in modules}
        for name, module in modules.items()
    }


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The import cycles: each strongly connected component of more than one module, and each
    module that imports itself (Tarjan's algorithm), as sorted lists of module names."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def a_path_around(component: list[str], graph: Mapping[str, set[str]]) -> list[str]:
    """One way round the cycle, from its first module back to it: `a → b → a`."""
    start, members = component[0], set(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    raise AssertionError(f"{component} is not a cycle")  # pragma: no cover


def assert_no_cycles(graph: Mapping[str, set[str]]) -> None:
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(
        f"  {', '.join(component)}  ({' → '.join(a_path_around(component, graph))})"
        for component in found
    )


# --- the repository -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def modules() -> dict[str, Module]:
    found = read_modules()
    assert {"workflow.kernel.db", "roles.policy", "notifications.outbox"} <= set(found)
    return found


def test_no_import_cycles(modules):
    assert_no_cycles(import_graph(modules))


def dynamic_imports(name: str, module: Module) -> Iterator[str]:
    """Where `module` could import something the graph cannot see."""
    for node in ast.walk(ast.parse(module.source, filename=name)):
        if isinstance(node, ast.Import):
            taken = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "importlib":
            taken = [f"importlib.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            taken = [node.module or ""]
        else:
            taken = []
        for what in taken:
            if what.partition(".")[0] == "importlib" and what not in HARMLESS_IMPORTLIB:
                yield f"{name}:{node.lineno} imports {what}"
        used = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
        if used in ("import_module", "__import__"):
            yield f"{name}:{node.lineno} uses {used}"


def test_nothing_is_imported_dynamically(modules):
    offences = [
        where for name, module in modules.items() for where in dynamic_imports(name, module)
    ]
    assert not offences, "\n".join(offences)


def test_the_dynamic_import_check_sees_them():
    source = (
        "import importlib\n"
        "from importlib import import_module\n"
        "from importlib.util import find_spec\n"
        "from importlib.resources import files\n"
        "def load(name):\n"
        "    return __import__(name)\n"
    )
    assert list(dynamic_imports("pkg.a", Module(source))) == [
        "pkg.a:1 imports importlib",
        "pkg.a:2 imports importlib.import_module",
        "pkg.a:3 imports importlib.util",
        "pkg.a:6 uses __import__",
    ]


def test_nothing_outside_web_imports_web(modules):
    offences = [
        f"{name}:{imp.line} imports {imp.name}"
        for name, module in modules.items()
        for imp in imports_in(name, module)
        if imp.name == "web" or imp.name.startswith("web.")
    ]
    assert not offences, "\n".join(offences)


# --- the checker itself: it does find cycles ------------------------------------------------


def fake(**sources: str) -> dict[str, Module]:
    """Modules from source text: `pkg__init` is the package `pkg`, `pkg__a` its module `a`."""
    modules = {}
    for key, source in sources.items():
        name = key.replace("__", ".")
        if name.endswith(".init"):
            modules[name.removesuffix(".init")] = Module(source, is_package=True)
        else:
            modules[name] = Module(source)
    return modules


@pytest.mark.parametrize(
    ("modules", "expected"),
    [
        pytest.param(
            fake(pkg__init="", pkg__a="from pkg import b\n", pkg__b="import pkg.a\n"),
            [["pkg.a", "pkg.b"]],
            id="from-pkg-import-module",
        ),
        pytest.param(
            fake(
                pkg__init="",
                pkg__a="def f():\n    from . import b\n",
                pkg__b=(
                    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import f\n"
                ),
            ),
            [["pkg.a", "pkg.b"]],
            id="in-a-function-and-under-type-checking-relative",
        ),
        pytest.param(
            fake(pkg__init="from pkg.a import x\n", pkg__a="from pkg import y\n"),
            [["pkg", "pkg.a"]],
            id="from-pkg-import-name-imports-the-package",
        ),
        pytest.param(
            fake(
                pkg__init="",
                pkg__sub__init="",
                pkg__sub__a="from ..b import x\n",
                pkg__b="from .sub.a import y\n",
            ),
            [["pkg.b", "pkg.sub.a"]],
            id="relative-two-levels",
        ),
        pytest.param(
            fake(pkg__init="", pkg__a="def f():\n    from pkg.a import g\n"),
            [["pkg.a"]],
            id="self-import",
        ),
        pytest.param(
            fake(
                pkg__init="from pkg.a import x\n",
                pkg__a="from pkg.b import y\n",
                pkg__b="import os\nfrom sqlalchemy import select\n",
            ),
            [],
            id="a-package-importing-its-modules-is-no-cycle",
        ),
    ],
)
def test_the_checker_finds_cycles_in_made_up_modules(modules, expected):
    graph = import_graph(modules)
    assert cycles(graph) == expected
    if expected:
        with pytest.raises(AssertionError) as failure:
            assert_no_cycles(graph)
        for component in expected:
            assert ", ".join(component) in str(failure.value)
    else:
        assert_no_cycles(graph)


def test_the_failure_names_the_modules_and_a_way_round():
    graph = import_graph(
        fake(
            pkg__init="",
            pkg__a="from pkg import b\n",
            pkg__b="from pkg import c\n",
            pkg__c="from pkg.a import x\n",
        )
    )
    with pytest.raises(AssertionError) as failure:
        assert_no_cycles(graph)
    assert "pkg.a, pkg.b, pkg.c  (pkg.a → pkg.b → pkg.c → pkg.a)" in str(failure.value)

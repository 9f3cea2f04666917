"""The shape of the house, read from the imports: layers that do not loop, apps that do not reach into each other's web layer.

Every import of an ``incidentdesk`` module counts, at module level or inside a function: a function-level
import only hides a circle from Python, not from the reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "incidentdesk"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in ROOT.rglob("*.py")
            if "migrations" not in p.parts and "tests" not in p.parts and "management" not in p.parts}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The incidentdesk modules ``name`` imports (``from x import y`` counts as x.y when that is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {m for m in found if m in known and m != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def test_no_app_imports_the_incidents_web_layer():
    offenders = sorted(name for name, deps in _graph().items()
                       if "incidentdesk.incidents.views" in deps and name != "incidentdesk.incidents.urls")
    assert not offenders, f"these modules import incidentdesk.incidents.views; use incidentdesk.web: {offenders}"


def test_no_app_imports_the_api_root():
    offenders = sorted(name for name, deps in _graph().items()
                       if "incidentdesk.api" in deps and name != "incidentdesk.urls")
    assert not offenders, f"these modules import the API root; use incidentdesk.api_base: {offenders}"


def test_no_modules_import_each_other_in_a_circle():
    cycles = _cycles(_graph())
    assert not cycles, "import circles (break each by moving the shared piece down a layer):\n" + "\n".join(
        " ↔ ".join(c) for c in cycles)


@pytest.mark.parametrize("cycle", [["a", "b"]])
def test_the_circle_finder_finds_a_circle(cycle):
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [cycle]

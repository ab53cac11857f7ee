"""The packages of `undercurrent` depend on each other in one direction: no import cycles between them.

The graph is read from the source with `ast`, nothing is imported. A node is a package directly under
`undercurrent/` (`sessions`, `judge`...) or a top-level module (`config`, `errors`...); an edge is any
import from one node into another, wherever it stands in the module (a function-local or
`TYPE_CHECKING` import is a dependency all the same).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "service" / "undercurrent"
PACKAGE = "undercurrent"

Edges = dict[tuple[str, str], set[str]]


def module_name(path: Path, root: Path) -> str:
    """`undercurrent.sessions.store` for `<root>/sessions/store.py`; packages by their `__init__`."""
    parts = [PACKAGE, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """Every module an `import` or `from ... import` in the tree names, relative imports resolved."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                base = node.module or ""
            found.add(base)
            # `from undercurrent import config` names a module, not an attribute.
            found.update(f"{base}.{alias.name}" for alias in node.names if base == PACKAGE)
    return found


def node_of(module: str) -> str | None:
    """The package (or top-level module) of `undercurrent` a module belongs to; None outside it."""
    parts = module.split(".")
    if parts[0] != PACKAGE or len(parts) < 2:
        return None
    return parts[1]


def package_edges(root: Path) -> Edges:
    """(from package, to package) → the modules whose imports make that edge, as `module -> imported`."""
    edges: Edges = defaultdict(set)
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        source = node_of(module)
        if source is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for imported in imported_modules(tree, module, path.name == "__init__.py"):
            target = node_of(imported)
            if target is not None and target != source:
                edges[(source, target)].add(f"{module} -> {imported}")
    return dict(edges)


def cycles(nodes: set[str], edges: Edges) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted."""
    successors: dict[str, list[str]] = defaultdict(list)
    for source, target in edges:
        successors[source].append(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in successors[node]:
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return sorted(found)


def describe(component: list[str], edges: Edges) -> str:
    members = set(component)
    lines = [" <-> ".join(component) + ":"]
    for (source, target), causes in sorted(edges.items()):
        if source in members and target in members:
            lines.append(f"  {source} -> {target}")
            lines.extend(f"      {cause}" for cause in sorted(causes))
    return "\n".join(lines)


def test_no_cycles_between_packages():
    edges = package_edges(ROOT)
    nodes = {node for edge in edges for node in edge}
    found = cycles(nodes, edges)
    assert not found, "import cycles between packages:\n" + "\n".join(describe(c, edges) for c in found)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # one direction only
        ({"a/__init__.py": "", "a/x.py": "from ..b.y import f\n", "b/__init__.py": "", "b/y.py": ""}, []),
        # a two-package cycle through absolute imports
        (
            {
                "a/__init__.py": "",
                "a/x.py": "from undercurrent.b.y import f\n",
                "b/__init__.py": "",
                "b/y.py": "import undercurrent.a.x\n",
            },
            [["a", "b"]],
        ),
        # a function-local import closes a cycle just the same
        (
            {
                "a/__init__.py": "",
                "a/x.py": "from ..b import y\n",
                "b/__init__.py": "",
                "b/y.py": "def f():\n    from ..a.x import g\n",
            },
            [["a", "b"]],
        ),
        # a three-package cycle through a package's __init__ and a top-level module
        (
            {
                "a/__init__.py": "from .x import f\n",
                "a/x.py": "from .. import config\n",
                "config.py": "from .b import y\n",
                "b/__init__.py": "",
                "b/y.py": "from ..a import f\n",
            },
            [["a", "b", "config"]],
        ),
        # imports inside one package are not edges
        ({"a/__init__.py": "from . import x\n", "a/x.py": "from .y import z\n", "a/y.py": ""}, []),
    ],
)
def test_cycles_are_found_from_source(tmp_path, files, expected):
    edges = package_edges(write(tmp_path, files))
    nodes = {node for edge in edges for node in edge}
    assert cycles(nodes, edges) == expected

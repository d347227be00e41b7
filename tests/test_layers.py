"""The import contract: layers that only point down, no cycles, no private names across modules.

Data flows one way — document → parser → archive → checker → comparer / generator / search —
and so do imports.  Every import statement of every module (those inside functions too) is
read with ``ast`` and checked against the layers below; a new module must be given a layer.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("gknb", "parsers", "archive", "jobs")

# Lowest first.  A module may import its own layer and the layers below it, except that
# modules of one layer marked ``apart`` (the readers, the applications) import none of their
# siblings: the parsers know nothing of the archive, the comparer nothing of the generator.
LAYERS: list[tuple[str, list[str], bool]] = [
    ("foundation", ["gknb", "gknb.template", "gknb.ruleset", "gknb.model", "gknb.view", "gknb.extras", "gknb.equations",
                    "gknb.formgrid", "gknb.formsheet", "gknb.textdiff", "gknb.problems", "gknb.office", "gknb.xlsx",
                    "gknb.cellnames", "gknb.ooxml", "gknb.filenames", "gknb.years"], False),
    ("readers", ["parsers", "parsers.*", "archive", "archive.*"], True),
    ("inputs", ["gknb.inputs", "gknb.register"], False),
    ("checker", ["gknb.rules", "gknb.outcomes", "gknb.textrules", "gknb.verdicts"], False),
    ("applications", ["gknb.compare", "gknb.compare.*", "gknb.generator", "gknb.generator.*",
                      "gknb.search", "gknb.search.*", "gknb.consolidate", "gknb.consolidate.*"], True),
    ("jobs", ["jobs", "jobs.*"], False),
    ("cli", ["gknb.cli", "gknb.cliutil", "gknb.clizh", "gknb.compare.cli", "gknb.search.cli", "gknb.generator.command",
             "gknb.consolidate.cli"], False),
]
# Not part of the product: benchmarks and the sample builder may import anything.
TOOLS = ["jobs.dev", "jobs.dev.*"]


def _canonical(name: str) -> str:
    """Module names as in the source tree, whether installed as gknb.parsers or as parsers."""
    for pkg in ("parsers", "archive", "jobs"):
        if name == f"gknb.{pkg}" or name.startswith(f"gknb.{pkg}."):
            return name[len("gknb."):]
    return name


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, list[str], int]]:
    """(imported module, names imported from it, line) for every import in a module."""
    is_package = path.name == "__init__.py"
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out += [(_canonical(a.name), [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = _canonical(node.module or "")
            names = [a.name for a in node.names]
            submodules = [n for n in names if f"{target}.{n}" in modules]
            if len(submodules) < len(names):  # "from . import sections" is no import of the package
                out.append((target, [n for n in names if n not in submodules], node.lineno))
            out += [(f"{target}.{n}", [], node.lineno) for n in submodules]
    return out


def _owner(target: str, modules: dict[str, Path]) -> str | None:
    """The project module an import refers to (a name inside a module refers to the module)."""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target or None


def _layer(name: str) -> tuple[int, str] | None:
    best = None
    for i, (layer, patterns, _) in enumerate(LAYERS):
        for p in patterns:
            if fnmatch(name, p) and (best is None or len(p) > best[2]):
                best = (i, layer, len(p))
    return (best[0], best[1]) if best else None


def _group(name: str) -> str:
    """The sibling a module belongs to within an ``apart`` layer: parsers, archive, gknb.compare…"""
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] == "gknb" else parts[0]


def _edges():
    modules = _modules()
    for name, path in modules.items():
        for target, names, line in _imports(name, path, modules):
            owner = _owner(target, modules)
            if owner and owner != name:
                yield name, owner, names if owner == target else [], line


def test_every_module_has_a_layer():
    missing = [m for m in _modules() if _layer(m) is None and not any(fnmatch(m, t) for t in TOOLS)]
    assert missing == []


def test_imports_point_down():
    wrong = []
    for src, dst, _, line in _edges():
        if any(fnmatch(src, t) for t in TOOLS):
            continue
        if _layer(src) is None or _layer(dst) is None:
            continue  # reported by test_every_module_has_a_layer
        (a, la), (b, lb) = _layer(src), _layer(dst)
        apart = LAYERS[a][2]
        if b > a or (a == b and apart and _group(src) != _group(dst)):
            wrong.append(f"{src}:{line} ({la}) imports {dst} ({lb})")
    assert wrong == []


def test_no_import_cycles():
    graph = defaultdict(set)
    for src, dst, _, _ in _edges():
        graph[src].add(dst)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in list(graph):
        if v not in index:
            visit(v)
    assert cycles == []


def test_no_private_names_cross_modules():
    crossing = [f"{src}:{line} imports {dst}.{n}" for src, dst, names, line in _edges()
                for n in names if n.startswith("_") and not n.startswith("__")]
    assert crossing == []

"""The layout of the seiflow package: science apart from plotting, one import style, no cycles.

Read from the source (AST), function-level imports included: a lazy import is still a
dependency.
"""

import ast
from pathlib import Path

import networkx as nx
import pytest

PKG = Path(__file__).resolve().parents[1] / "workflow" / "scripts" / "seiflow"
PLOTTING = ("matplotlib", "seaborn", "seiflow.plot")


def module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imports(path: Path) -> list[tuple[str, int]]:
    """Every imported module name of ``path`` (absolute; relative imports as '.')."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                out.append(("." * node.level + (node.module or ""), node.lineno))
            else:
                out.append((node.module, node.lineno))
                out += [(f"{node.module}.{a.name}", node.lineno) for a in node.names]
    return out


MODULES = {module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def test_layout_found_the_package():
    assert {"seiflow.config.checks", "seiflow.plot.style", "seiflow.analysis.base",
            "seiflow.builders.cells", "seiflow.md.lammps"} <= set(MODULES)


@pytest.mark.parametrize("name", [m for m in MODULES if not m.startswith("seiflow.plot")])
def test_science_modules_do_not_plot(name):
    bad = [(mod, line) for mod, line in imports(MODULES[name])
           if any(mod == p or mod.startswith(p + ".") for p in PLOTTING)]
    assert not bad, f"{name} imports plotting code: {bad}"


def test_one_import_style():
    relative = {name: [m for m, _ in imports(p) if m.startswith(".")]
                for name, p in MODULES.items()}
    assert not {k: v for k, v in relative.items() if v}


def test_no_import_cycles():
    graph = nx.DiGraph()
    for name, path in MODULES.items():
        for mod, _ in imports(path):
            if mod in MODULES and mod != name and not name.startswith(mod + "."):
                graph.add_edge(name, mod)
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, cycles

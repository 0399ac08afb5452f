"""The code's own layout: clusters in layers, imports only downwards (lazy imports included).

The README's "Where the code lives" describes the same layers; a new module must name its
cluster here, so the map cannot drift from the code.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "leadgraph"

LAYERS: list[set[str]] = [
    {"leadgraph", "errors", "resources", "namespaces", "fileio", "tabular"},  # foundations: no ideas of ours
    {"labels", "terms", "store"},  # RDF terms, the store protocol and its backends, file readers
    {"records"},  # person records (YAML, CSV): readers the loader registers
    {"loading", "lookup", "reference", "history"},  # the graph from files; finding nodes by name; the ODS layer; dates
    {"sparql", "validation", "statistics"},  # asking questions of the graph
    {"network", "privacy", "merging"},  # the graph as a network; erasure; merging people
    {"exporting", "viz", "publishing", "drafting", "keeping"},  # outputs for other tools, for people and for servers; drafts from articles
    {"cli", "docs", "__main__"},  # the command line and the references generated from it
]


def _cluster(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _layer(cluster: str) -> int:
    for number, members in enumerate(LAYERS):
        if cluster in members:
            return number
    raise AssertionError(f"cluster {cluster!r} is in no layer: add it to LAYERS and to the README")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "leadgraph":
            if node.module == "leadgraph":
                found.update(f"leadgraph.{a.name}" if (SRC / f"{a.name}.py").exists() or (SRC / a.name).is_dir()
                             else "leadgraph" for a in node.names)
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "leadgraph")
    return found


def test_every_import_points_down_or_across_a_layer():
    upward = []
    for path in sorted(SRC.rglob("*.py")):
        module = _module_name(path)
        own = _layer(_cluster(module))
        for target in sorted(_imports(path)):
            if _layer(_cluster(target)) > own:
                upward.append(f"{module} imports {target}")
    assert upward == []


def test_the_readme_names_every_cluster():
    readme = (SRC.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Where the code lives", 1)[1].split("\n## ", 1)[0]
    missing = [c for layer in LAYERS for c in layer if c not in ("leadgraph", "__main__") and f"`{c}" not in section]
    assert missing == []

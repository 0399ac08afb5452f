"""The README's Python examples run, and its Quick start is exactly the two documented commands."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_examples_run():
    failures, tried = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert tried > 0, "README has no runnable examples"
    assert failures == 0


def test_quick_start_is_make_demo_and_make_test():
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Quick start\s+```\n(.*?)```", text, re.S)
    assert block, "README has no Quick start code block"
    assert block.group(1).split("\n")[:-1] == ["make demo", "make test"]


def _api_table() -> list[tuple[str, str, list[str]]]:
    """(function, module, parameter names) for each call in the README's Python API table."""
    section = README.read_text(encoding="utf-8").split("## Python API", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[1].startswith("`leadgraph."):
            continue
        for call in re.findall(r"`(\w+)\(([^`]*)\)`", cells[0]):
            params = [p.strip().lstrip("*").split("=")[0].strip() for p in call[1].split(",")]
            named = [p for p in params if p and p != "..." and not call[1].count("**" + p)]
            rows.append((call[0], cells[1].strip("`"), named))
    return rows


def test_readme_api_table_matches_the_code():
    import inspect

    import leadgraph

    rows = _api_table()
    assert {name for name, _, _ in rows} >= {"load", "validate", "stats", "query", "export", "forget_person"}
    for name, module, params in rows:
        value = getattr(leadgraph, name)  # "Everything below is importable from leadgraph directly"
        assert value.__module__ == module, f"{name} lives in {value.__module__}, README says {module}"
        real = list(inspect.signature(value).parameters)
        assert [p for p in params if p not in real] == [], f"README names parameters {name}() lacks: {real}"
        assert params == [p for p in real if p in params], f"README lists {name}()'s parameters out of order"


def test_readme_data_model_diagram_uses_only_defined_terms():
    from leadgraph.loading import load
    from leadgraph.namespaces import PREFIXES

    text = README.read_text(encoding="utf-8")
    diagram = text.split("## The data model", 1)[1].split("```mermaid", 1)[1].split("```", 1)[0]
    terms = set(re.findall(r"\b(lg|org|schema|prov|skos|dcterms|foaf):([A-Za-z]+)", diagram))
    assert len(terms) > 15
    import pyoxigraph as ox

    store = load([]).store.oxigraph
    undefined = [
        f"lg:{local}" for prefix, local in terms
        if prefix == "lg" and not list(store.quads_for_pattern(ox.NamedNode(PREFIXES["lg"] + local), None, None))
    ]
    assert undefined == [], "README diagram names lg: terms the ontology does not define"

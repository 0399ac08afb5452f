"""leadgraph: a sourced knowledge graph of NHS technology leaders.

The public API is imported lazily (see ``_LAZY``) so ``import leadgraph`` and the CLI's
start-up stay fast; ``leadgraph.load`` pulls in the loader only when first used.

>>> import leadgraph
>>> graph = leadgraph.load()
>>> leadgraph.validate(graph).conforms
True
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# public name -> module defining it; each helper adds its own names here.
# A module must not share a public name: importing leadgraph.<name> would rebind
# leadgraph.<name> to the module and hide the function (hence leadgraph.statistics).
_LAZY: dict[str, str] = {
    "load": "leadgraph.loading",
    "LeadGraph": "leadgraph.loading",
    "validate": "leadgraph.validation",
    "ValidationReport": "leadgraph.validation",
    "ValidationResult": "leadgraph.validation",
    "stats": "leadgraph.statistics",
    "Stats": "leadgraph.statistics",
    "render_html": "leadgraph.viz.page",
    "write_html": "leadgraph.viz.page",
    "build_page": "leadgraph.viz.page",
    "page_data": "leadgraph.viz.page",
    "write_picture": "leadgraph.viz.picture",
    "to_networkx": "leadgraph.network.projection",
    "select": "leadgraph.network.selection",
    "Selection": "leadgraph.network.selection",
    "export": "leadgraph.exporting",
    "query": "leadgraph.sparql.run",
    "QueryResult": "leadgraph.sparql.results",
    "forget_person": "leadgraph.privacy",
    "ForgetReport": "leadgraph.privacy",
    "merge_people": "leadgraph.merging",
    "MergeReport": "leadgraph.merging",
    "duplicates": "leadgraph.merging",
    "trait_similarity": "leadgraph.network.analytics",
    "iter_trait_similarity": "leadgraph.network.analytics",
    "centrality": "leadgraph.network.analytics",
    "summary": "leadgraph.network.analytics",
    "analyse": "leadgraph.network.analytics",
    "Analysis": "leadgraph.network.analytics",
    "coverage": "leadgraph.network.coverage",
    "coverage_tree": "leadgraph.network.coverage",
    "paths": "leadgraph.network.paths",
    "communities": "leadgraph.network.communities",
    "membership": "leadgraph.network.communities",
    "mentors": "leadgraph.network.mentoring",
    "ties": "leadgraph.network.ties",
    "make_server": "leadgraph.sparql.http",
    "serve": "leadgraph.sparql.http",
    "convert": "leadgraph.records.tools",
    "new_person": "leadgraph.records.tools",
    "validity": "leadgraph.history",
    "Validity": "leadgraph.history",
    "view_as_of": "leadgraph.history",
    "draft": "leadgraph.drafting",
    "build_store": "leadgraph.keeping",
    "update_store": "leadgraph.keeping",
    "DraftResult": "leadgraph.drafting",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'leadgraph' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

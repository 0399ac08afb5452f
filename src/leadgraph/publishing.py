"""Publish the graph to a shared SPARQL server through the SPARQL 1.1 Graph Store Protocol.

This is how a team that outgrows one machine shares one graph: ``leadgraph push`` puts it on
a server (Oxigraph, Fuseki, GraphDB...), and everyone reads it with ``--endpoint``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadgraph.loading import store_of


@dataclass
class PushReport:
    """What :func:`push` sent, and where."""

    endpoint: str
    graph: str | None
    triples: int

    def text(self) -> str:
        where = f"graph <{self.graph}>" if self.graph else "the default graph"
        return f"pushed {self.triples} triples to {where} at {self.endpoint}"


def push(endpoint: str, graph: Any = None, *, data: str | os.PathLike[str] | list[str | os.PathLike[str]] | None = None,
         target_graph: str | None = None, timeout: float | None = None) -> PushReport:
    """Replace ``target_graph`` (default: the default graph) at the Graph Store endpoint
    ``endpoint`` with the whole graph: ontology, reference layer and data, so queries sent there
    later work as they do locally. ``graph`` is a loaded graph or store (default ``load(data)``).

    Credentials come from the environment (see :mod:`leadgraph.store.remote`). The request
    replaces, so pushing again leaves one copy.
    """
    from leadgraph.store.remote import push as put_graph

    store = store_of(graph, [Path(d) for d in data] if isinstance(data, list) else data)
    count = put_graph(endpoint, store.triples(), graph=target_graph, timeout=timeout)
    return PushReport(endpoint, target_graph, count)

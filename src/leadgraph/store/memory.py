"""The in-memory backend: one pyoxigraph ``Store``, every triple in its default graph.

Named graphs of N-Quads, TriG and JSON-LD input are merged into the default graph on
load, so queries need no ``GRAPH`` clauses.

>>> from leadgraph.terms import Literal, NamedNode, Triple
>>> s = MemoryStore()
>>> s.load_document(b'<https://e.org/a> <https://e.org/b> "c" .', "nt")
>>> len(s), s.answer("ASK { ?s ?p 'c' }")
(1, b'{"head":{},"boolean":true}')
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from leadgraph.namespaces import PREFIXES
from leadgraph.store.base import StoreBase
from leadgraph.store.rdf import Term, Triple, rdf_format


class OxigraphStore(StoreBase):
    """The protocol answered by a pyoxigraph ``Store`` (``self.oxigraph``) reading its default graph;
    the in-memory and on-disk backends differ only in how the store is opened and written."""

    oxigraph: ox.Store

    def triples(self, subject: Term | None = None, predicate: Any = None,
                object: Term | None = None) -> Iterator[Triple]:  # noqa: A002
        for quad in self.oxigraph.quads_for_pattern(subject, predicate, object, ox.DefaultGraph()):
            yield quad.triple

    def select(self, sparql: str) -> list[dict[str, Term]]:
        solutions = self.oxigraph.query(sparql, prefixes=PREFIXES)
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = value
            rows.append(row)
        return rows

    def answer(self, sparql: str) -> bytes:
        result = self.oxigraph.query(sparql, prefixes=PREFIXES)
        if isinstance(result, ox.QueryTriples):
            return ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
        return result.serialize(format=ox.QueryResultsFormat.JSON)


class MemoryStore(OxigraphStore):
    """A :class:`~leadgraph.store.base.GraphStore` over an in-memory Oxigraph store.

    Attributes:
        oxigraph: the underlying ``pyoxigraph.Store``, for callers who want the engine itself.
    """

    def __init__(self, engine: ox.Store | None = None):
        self.oxigraph = engine if engine is not None else ox.Store()

    @classmethod
    def wrap(cls, graph: Any) -> MemoryStore | None:
        """A store for a ``pyoxigraph.Store`` (shared, not copied) or an ``rdflib.Graph`` (copied)."""
        if isinstance(graph, ox.Store):
            return cls(graph)
        if type(graph).__module__.startswith("rdflib"):
            store = cls()
            store.load_document(graph.serialize(format="nt", encoding="utf-8"), "nt")
            return store
        return None

    def __repr__(self) -> str:
        return f"<MemoryStore {len(self)} triples>"

    def __len__(self) -> int:
        return len(self.oxigraph)

    # -- writing (this backend only) ------------------------------------------------------
    def add(self, triples: Iterable[Triple]) -> None:
        """Add triples to the default graph."""
        self.oxigraph.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)

    def load_document(self, content: bytes, fmt: str) -> None:
        """Parse an RDF document straight into the store (the fast path for RDF files).

        Each call gives the document's blank nodes fresh ids, so ``_:b1`` in two files stays
        two nodes. Raises the engine's ``SyntaxError`` / ``ValueError`` / ``MemoryError``.
        """
        self.oxigraph.load(content, rdf_format(fmt))
        self._merge_named_graphs()

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update, the project prefixes predeclared."""
        self.oxigraph.update(sparql, prefixes=PREFIXES)

    def copy(self) -> MemoryStore:
        """A new, independent store holding the same triples."""
        clone = MemoryStore()
        clone.add(self.triples())
        return clone

    def _merge_named_graphs(self) -> None:
        for graph_name in list(self.oxigraph.named_graphs()):
            quads = self.oxigraph.quads_for_pattern(None, None, None, graph_name)
            self.oxigraph.extend([ox.Quad(q.subject, q.predicate, q.object) for q in quads])
            self.oxigraph.remove_graph(graph_name)

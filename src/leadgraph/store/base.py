"""The store protocol: what every backend answers.

Modelled on rdflib's ``Store``/``SPARQLStore`` split: a few primitive calls that a
local engine answers directly and a remote endpoint answers with SPARQL, so code above
the store never branches on the backend.

>>> from leadgraph.store.memory import MemoryStore
>>> from leadgraph.terms import Literal, NamedNode, Triple
>>> s = MemoryStore()
>>> x, label = NamedNode("https://e.org/x"), NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
>>> s.add([Triple(x, label, Literal("X"))])
>>> [t.object.value for t in s.triples(x, None, None)], s.labels([x]), len(s)
(['X'], {'https://e.org/x': 'X'}, 1)
>>> [row["l"].value for row in s.select("SELECT ?l WHERE { ?s rdfs:label ?l }")]
['X']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, runtime_checkable

from leadgraph.labels import LABEL_PREDICATES, label_rank
from leadgraph.terms import Literal, NamedNode, Term, Triple


@runtime_checkable
class GraphStore(Protocol):
    """What every backend provides. Terms are :mod:`leadgraph.terms` objects."""

    def triples(self, subject: Term | None = None, predicate: NamedNode | None = None,
                object: Term | None = None) -> Iterator[Triple]:  # noqa: A002 - RDF's own word
        """Every triple matching the pattern (``None`` matches anything)."""
        ...

    def select(self, sparql: str) -> list[dict[str, Term | None]]:
        """The rows of a SELECT, the project prefixes predeclared; unbound values are absent."""
        ...

    def answer(self, sparql: str) -> bytes:
        """A query's answer as a W3C document: SPARQL JSON results, or N-Triples for a graph."""
        ...

    def labels(self, nodes: Iterable[NamedNode]) -> dict[str, str]:
        """IRI -> best label (:data:`leadgraph.labels.LABEL_PREDICATES` order), for nodes that have one."""
        ...

    def __len__(self) -> int:
        """How many triples."""
        ...


class StoreBase:
    """Shared behaviour written once over the primitives; backends override for speed."""

    def triples(self, subject=None, predicate=None, object=None) -> Iterator[Triple]:  # noqa: A002
        raise NotImplementedError

    def labels(self, nodes: Iterable[NamedNode]) -> dict[str, str]:
        found: dict[str, str] = {}
        for node in nodes:
            for predicate in LABEL_PREDICATES:
                texts = [t.object for t in self.triples(node, NamedNode(predicate), None)
                         if isinstance(t.object, Literal)]
                if texts:
                    found[node.value] = min(texts, key=lambda t: label_rank(t.language, t.value)).value
                    break
        return found

    def objects(self, subject: Term | None, predicate: str) -> list[Term]:
        """Objects of ``subject predicate ?o`` (a convenience over :meth:`triples`)."""
        return [t.object for t in self.triples(subject, NamedNode(predicate), None)]

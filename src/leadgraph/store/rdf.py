"""The RDF data model and formats, as the engine (pyoxigraph) provides them.

This module and :mod:`leadgraph.store.memory` are the only places that import pyoxigraph:
everything else takes term classes from :mod:`leadgraph.terms` and parses or writes RDF
and SPARQL results through the functions here. A remote or on-disk backend produces the
same term objects, so code above the store never knows which engine answered.

>>> t = Triple(NamedNode("https://w3id.org/leadgraph/id/x"),
...            NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), Literal("X"))
>>> parse_triples(write_triples([t], "nt"), "nt") == [t]
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from leadgraph.errors import UsageError
from leadgraph.namespaces import PREFIXES

NamedNode = ox.NamedNode
BlankNode = ox.BlankNode
Literal = ox.Literal
Triple = ox.Triple
Quad = ox.Quad
DefaultGraph = ox.DefaultGraph
Variable = ox.Variable
Term = ox.NamedNode | ox.BlankNode | ox.Literal

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json-ld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
"""Format names accepted by :func:`write_triples` and :func:`parse_triples`."""

RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "sparql-json": ox.QueryResultsFormat.JSON,
    "sparql-xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
"""SPARQL results formats by name (W3C serialisations)."""


def rdf_format(name: str) -> Any:
    """The engine's format value for ``name`` (a key of :data:`RDF_FORMATS`)."""
    found = RDF_FORMATS.get(name.lower())
    if found is None:
        choices = ", ".join(sorted(k for k in RDF_FORMATS if k != "rdfxml"))
        raise UsageError(f"unknown serialisation format {name!r} (choose from {choices})")
    return found


def triple_key(triple: Triple) -> tuple[bool, str, str, str]:
    """Sort key for triples wherever leadgraph writes or returns them, so output is stable.

    IRIs come before blank nodes, so the named resources lead a Turtle file.
    """
    subject = triple.subject
    return (isinstance(subject, ox.BlankNode), str(subject), str(triple.predicate), str(triple.object))


def write_triples(triples: Iterable[Triple], fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Write ``triples`` as ``fmt``: sorted by :func:`triple_key`, Turtle/TriG with the project
    prefixes (or ``prefixes``).

    Every RDF file leadgraph writes goes through here, so output is stable.

    >>> t = Triple(NamedNode("https://w3id.org/leadgraph/id/x"), NamedNode(PREFIXES["rdfs"] + "label"),
    ...            Literal("X"))
    >>> write_triples([t], "nq")
    b'<https://w3id.org/leadgraph/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "X" .\\n'
    """
    target = rdf_format(fmt)
    ordered: Iterable[Triple | Quad] = sorted(triples, key=triple_key)
    if target.supports_datasets:
        ordered = [ox.Quad(t.subject, t.predicate, t.object) for t in ordered]
    return ox.serialize(ordered, format=target, prefixes=PREFIXES if prefixes is None else prefixes)


def parse_triples(payload: bytes, fmt: str) -> list[Triple]:
    """The triples of an RDF document (named graphs merged into one set of triples)."""
    return [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(payload, rdf_format(fmt))]


def iter_quads(payload: bytes, fmt: str) -> Iterator[Quad]:
    """Parse lazily (raises ``SyntaxError`` with the engine's line and column as it goes)."""
    return ox.parse(payload, rdf_format(fmt))


def parse_solutions(payload: bytes, fmt: str = "sparql-json") -> tuple[list[str], list[list[Term | None]]]:
    """``(variables, rows)`` of a SPARQL results document; an unbound value is ``None``."""
    parsed = ox.parse_query_results(payload, RESULTS_FORMATS[fmt])
    names = [v.value for v in parsed.variables]
    return names, [[solution[n] for n in names] for solution in parsed]


def check_results(payload: bytes, fmt: str = "sparql-json") -> None:
    """Parse a whole SPARQL results document (solutions or a boolean); raises ``SyntaxError`` or
    ``ValueError`` when it is cut off or malformed."""
    parsed = ox.parse_query_results(payload, RESULTS_FORMATS[fmt])
    if isinstance(parsed, ox.QuerySolutions):
        for _ in parsed:
            pass


def parse_boolean(payload: bytes, fmt: str = "sparql-json") -> bool:
    """The answer of an ASK results document."""
    return bool(ox.parse_query_results(payload, RESULTS_FORMATS[fmt]))


def convert_results(payload: bytes, fmt: str) -> bytes:
    """A SPARQL JSON results document re-serialised as ``fmt`` (XML, CSV or TSV)."""
    return ox.parse_query_results(payload, ox.QueryResultsFormat.JSON).serialize(format=RESULTS_FORMATS[fmt])

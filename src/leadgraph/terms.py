"""RDF terms and the small helpers every cluster uses on them.

The term classes come from the store package (:mod:`leadgraph.store.rdf`), so no module
outside it imports the engine; every backend produces these same objects.

>>> term_id(NamedNode("https://example.org/a")), term_id(Literal("x")), term_id(BlankNode("b1"))
('https://example.org/a', '"x"', '_:b1')
>>> id_term("_:b1") == BlankNode("b1")
True
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal, InvalidOperation
from typing import Any

from leadgraph.namespaces import XSD

from leadgraph.store.rdf import (  # noqa: F401 - re-exported: the one place terms come from
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    Term,
    Triple,
    Variable,
    triple_key,
)

__all__ = [
    "BlankNode", "DefaultGraph", "Literal", "NamedNode", "Quad", "Term", "Triple", "Variable",
    "id_term", "is_iri", "literal_value", "term_id", "to_python", "triple_key",
]


def term_id(term: Term) -> str:
    """Node id of an RDF term: the IRI, ``_:id`` for a blank node, N-Triples for a literal."""
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return "_:" + term.value
    return str(term)


def id_term(node_id: str) -> NamedNode | BlankNode:
    """The resource a node id stands for (the inverse of :func:`term_id` for non-literals)."""
    if node_id.startswith("_:"):
        return BlankNode(node_id[2:])
    return NamedNode(node_id)


def is_iri(term: object) -> bool:
    """Whether ``term`` is an IRI (a :class:`NamedNode`)."""
    return isinstance(term, NamedNode)


_INTEGER_TYPES = {
    XSD + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
}


def to_python(term: Any) -> Any:
    """A plain Python value for an RDF term.

    IRIs -> ``str``; blank nodes -> ``"_:id"``; literals by datatype: integers ->
    ``int``, ``xsd:decimal`` -> ``Decimal``, ``xsd:double``/``float`` -> ``float``,
    ``xsd:boolean`` -> ``bool``, ``xsd:date`` -> ``date``, ``xsd:dateTime`` ->
    ``datetime``, anything else (strings, language-tagged text, malformed values) ->
    its text. ``None`` (an unbound variable) stays ``None``.

    >>> to_python(Literal("17", datatype=NamedNode(XSD + "integer")))
    17
    >>> to_python(Literal("2021-06-23", datatype=NamedNode(XSD + "date")))
    datetime.date(2021, 6, 23)
    """
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if not isinstance(term, Literal):
        return str(term)
    text, datatype = term.value, term.datatype.value
    try:
        if datatype in _INTEGER_TYPES:
            return int(text)
        if datatype == XSD + "decimal":
            return Decimal(text)
        if datatype in (XSD + "double", XSD + "float"):
            return float(text.replace("INF", "inf"))
        if datatype == XSD + "boolean":
            if text in ("true", "1", "false", "0"):
                return text in ("true", "1")
            return text
        if datatype == XSD + "date":
            return _dt.date.fromisoformat(text)
        if datatype == XSD + "dateTime":
            return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, InvalidOperation):
        return text  # a malformed value is still worth seeing as written
    return text


def literal_value(term: Literal) -> str | int | bool:
    """A literal as a GraphML/GEXF-safe scalar: booleans and integers typed (as
    :func:`to_python` reads them), everything else as its text.

    >>> literal_value(Literal("32", datatype=NamedNode(XSD + "integer"))), literal_value(Literal("x"))
    (32, 'x')
    """
    value = to_python(term)
    return value if isinstance(value, (bool, int)) else term.value

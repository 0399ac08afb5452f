"""Short, readable names for IRIs: ``lgd:ayesha-rahim`` instead of the full IRI.

>>> compact("https://w3id.org/leadgraph/id/ayesha-rahim")
'lgd:ayesha-rahim'
>>> compact("http://example.org/x")
'<http://example.org/x>'
"""

from __future__ import annotations

from leadgraph.namespaces import PREFIXES

SHAPES = "https://w3id.org/leadgraph/shapes#"
"""Namespace of the SHACL shapes in ``ontology/shapes.ttl`` (prefix ``lgsh``)."""

# Longest namespace first, so a namespace nested in another wins.
_ORDERED = sorted([*PREFIXES.items(), ("lgsh", SHAPES)], key=lambda item: len(item[1]), reverse=True)


def compact(iri: str) -> str:
    """``prefix:local`` when a known namespace matches, else the IRI in angle brackets."""
    for prefix, namespace in _ORDERED:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


# -- labels ----------------------------------------------------------------------------------
# One rule for "what is this node called", shared by query --labels, the projection (and so
# export and viz) and analytics, so a node never reads differently from one output to the next.

_RDFS = PREFIXES["rdfs"]
LABEL_PREDICATES: tuple[str, ...] = (
    _RDFS + "label",
    PREFIXES["skos"] + "prefLabel",
    PREFIXES["foaf"] + "name",
    PREFIXES["schema"] + "name",
    PREFIXES["dcterms"] + "title",
)
"""Where a label is looked for, best first."""


def label_rank(language: str | None, text: str) -> tuple[int, str]:
    """Sort key among literals of one label property: untagged, then English, then the rest.

    >>> sorted([("fr", "b"), ("", "c"), ("en-GB", "a")], key=lambda lt: label_rank(*lt))
    [('', 'c'), ('en-GB', 'a'), ('fr', 'b')]
    """
    language = language or ""
    return (0 if language == "" else 1 if language.startswith("en") else 2, text)


def store_label(store, node) -> str | None:
    """The best label of ``node`` (an IRI term) in ``store`` (a :class:`~leadgraph.store.base.GraphStore`),
    or ``None`` if it has none; label properties in :data:`LABEL_PREDICATES` order, then
    :func:`label_rank`.

    >>> from leadgraph.store.memory import MemoryStore
    >>> from leadgraph.terms import Literal, NamedNode, Triple
    >>> s, n = MemoryStore(), NamedNode("https://example.org/x")
    >>> s.add([Triple(n, NamedNode(_RDFS + "label"), Literal("Ex", language="fr")),
    ...        Triple(n, NamedNode(_RDFS + "label"), Literal("X"))])
    >>> store_label(s, n)
    'X'
    """
    return store.labels([node]).get(node.value)


def fallback_label(node_id: str) -> str:
    """What to show for a node with no label: its prefixed name, else the blank-node id or IRI.

    >>> fallback_label("https://w3id.org/leadgraph/id/x"), fallback_label("https://e.org/y")
    ('lgd:x', 'https://e.org/y')
    """
    if node_id.startswith("_:"):
        return node_id
    short = compact(node_id)
    return short if not short.startswith("<") else node_id

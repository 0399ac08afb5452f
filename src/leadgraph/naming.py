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

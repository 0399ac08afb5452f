"""IRIs of the vocabularies leadgraph uses, as plain strings.

Kept free of heavy imports so the CLI can build queries and help text without
loading rdflib.
"""

from __future__ import annotations

LG = "https://w3id.org/leadgraph/ontology#"
"""leadgraph's own ontology terms (classes and properties no standard term covers)."""

LGD = "https://w3id.org/leadgraph/id/"
"""Resources of the bundled dataset: people, organisations, statements, concepts."""

ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"  # the https form only: http://schema.org/ silently matches nothing
FOAF = "http://xmlns.com/foaf/0.1/"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
TIME = "http://www.w3.org/2006/time#"
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

PREFIXES: dict[str, str] = {
    "lg": LG,
    "lgd": LGD,
    "org": ORG,
    "schema": SCHEMA,
    "foaf": FOAF,
    "prov": PROV,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "time": TIME,
    "sh": SH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
}
"""Prefixes predeclared for every query and used when serialising."""

def turtle_prefixes(names: list[str] | None = None) -> str:
    """``@prefix`` lines for the project prefixes (all, or ``names``), for Turtle written as text.

    >>> print(turtle_prefixes(["lgd"]), end="")
    @prefix lgd: <https://w3id.org/leadgraph/id/> .
    """
    chosen = PREFIXES if names is None else {n: PREFIXES[n] for n in names}
    return "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in chosen.items())


def sparql_prefixes(prefixes: dict[str, str] | None = None) -> str:
    """Return PREFIX lines for ``prefixes`` (default: :data:`PREFIXES`).

    >>> sparql_prefixes({"lg": LG})
    'PREFIX lg: <https://w3id.org/leadgraph/ontology#>\\n'
    """
    items = (prefixes if prefixes is not None else PREFIXES).items()
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in items)

"""Finding a resource by what people call it: an IRI, a prefixed name, a label or a name variant.

One rule set for every command that takes a name, so a name that finds someone for
``export --focus`` also finds them for ``forget``. A name matches case-insensitively,
whitespace collapsed, against labels, names, name variants (schema:alternateName,
skos:altLabel) and ODS codes, and a one-word variant or given name followed by the family
name ("Gary Harris" for Garry Harris, known as "Gary"); given names alone count only when
nothing else matches.

>>> from leadgraph.loading import load
>>> store = load().store
>>> names, given = name_table(store, lambda node: True)
>>> sorted(names[normal("gary  HARRIS")]), sorted(given[normal("phill")])
(['https://w3id.org/leadgraph/id/garry-harris'], ['https://w3id.org/leadgraph/id/phill-james'])
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from leadgraph.namespaces import FOAF, LG, PREFIXES, RDFS, SCHEMA, SKOS
from leadgraph.terms import term_id

NAME_PREDICATES = (
    RDFS + "label",
    SKOS + "prefLabel",
    SKOS + "altLabel",
    FOAF + "name",
    SCHEMA + "name",
    SCHEMA + "alternateName",
    LG + "odsCode",
)
GIVEN_NAME_PREDICATES = (FOAF + "givenName", SCHEMA + "givenName")
FAMILY_NAME_PREDICATES = (FOAF + "familyName", SCHEMA + "familyName")
_VARIANT_PREDICATES = (SCHEMA + "alternateName", SKOS + "altLabel", *GIVEN_NAME_PREDICATES)


def as_iri(text: str) -> str | None:
    """The IRI ``text`` spells out (``https:``, ``urn:``, ``file:``) or abbreviates with a
    project prefix (``lgd:phill-james``), else ``None``.

    >>> as_iri("lgd:phill-james"), as_iri("Phil")
    ('https://w3id.org/leadgraph/id/phill-james', None)
    """
    if re.match(r"^(https?|urn|file):", text):
        return text
    match = re.match(r"^([A-Za-z][\w-]*):([^\s:/]+)$", text)
    if match and match.group(1) in PREFIXES:
        return PREFIXES[match.group(1)] + match.group(2)
    return None


def normal(text: str) -> str:
    """The form names are compared in: case-folded, whitespace collapsed."""
    return " ".join(text.casefold().split())


def with_family_name(short: str, family: str) -> str | None:
    """``"Gary Harris"`` for a one-word variant and a family name (the source's short name
    with the family name, which the data does not spell out as a variant of its own).

    >>> with_family_name("Gary", "Harris"), with_family_name("Phil James", "James")
    ('Gary Harris', None)
    """
    if family and len(short.split()) == 1:
        return f"{short} {family}"
    return None


def name_table(store, eligible: Callable[[str], bool]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """``(names, given)``: each :func:`normal` name -> the ids of the ``eligible`` nodes it
    names; ``given`` holds given names alone, to try when ``names`` has no match."""
    names: dict[str, set[str]] = {}
    given: dict[str, set[str]] = {}
    short: dict[str, set[str]] = {}  # one-word variants and given names, to pair with family names
    family: dict[str, set[str]] = {}
    for node, predicate, value in _name_rows(store):
        if not eligible(node):
            continue
        if predicate in FAMILY_NAME_PREDICATES:
            family.setdefault(node, set()).add(value)
            continue
        bucket = given if predicate in GIVEN_NAME_PREDICATES else names
        bucket.setdefault(normal(value), set()).add(node)
        if predicate in _VARIANT_PREDICATES:
            short.setdefault(node, set()).add(value)
    for node, firsts in short.items():
        for first in firsts:
            for last in family.get(node, ()):
                full = with_family_name(first, last)
                if full is not None:
                    names.setdefault(normal(full), set()).add(node)
    return names, given


def match_name(names: dict[str, set[str]], given: dict[str, set[str]], text: str) -> set[str]:
    """The nodes ``text`` names in a :func:`name_table`: by name, else by given name alone."""
    key = normal(text)
    return set(names.get(key) or given.get(key) or ())


def _name_rows(store) -> Iterable[tuple[str, str, str]]:
    values = " ".join(f"<{p}>" for p in (*NAME_PREDICATES, *GIVEN_NAME_PREDICATES, *FAMILY_NAME_PREDICATES))
    for row in store.select(f"SELECT ?n ?p ?v WHERE {{ VALUES ?p {{ {values} }} ?n ?p ?v FILTER(isLiteral(?v)) }}"):
        yield term_id(row["n"]), row["p"].value, row["v"].value

"""Finding a resource by what people call it: an IRI, a prefixed name, a label or a name variant.

One rule set for every command that takes a name, so a name that finds someone for
``export --focus`` also finds them for ``forget``, ``merge``, the ``name-search`` query and the
page's search box. A name matches case-insensitively, whitespace collapsed, in three tiers,
the first that matches winning:

1. labels, names, name variants (schema:alternateName, skos:altLabel) and ODS codes, and a
   one-word variant or given name followed by the family name ("Gary Harris" for someone
   known as "Gary" whose family name is Harris);
2. given names alone, and the first word of a full-name variant that ends in the family name
   ("Gary" for Garry Harris, whose variant is "Gary Harris");
3. family names alone ("Harris"): a unique surname finds its person.

An IRI or a prefixed name (``lgd:phill-james``) is taken as it is (:func:`as_iri`). More than
one match in a tier is ambiguous: callers list the candidates.

>>> from leadgraph.loading import load
>>> index = NameIndex.from_store(load().store)
>>> sorted(index.match("gary  HARRIS")), sorted(index.match("phil")), sorted(index.match("harris"))
(['https://w3id.org/leadgraph/id/garry-harris'], ['https://w3id.org/leadgraph/id/phill-james'], ['https://w3id.org/leadgraph/id/garry-harris'])
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from leadgraph.namespaces import FOAF, LG, PREFIXES, RDFS, SCHEMA, SKOS
from leadgraph.terms import NamedNode, term_id

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
VARIANT_PREDICATES = (SCHEMA + "alternateName", SKOS + "altLabel")
ALL_NAME_PREDICATES = (*NAME_PREDICATES, *GIVEN_NAME_PREDICATES, *FAMILY_NAME_PREDICATES)
"""Every predicate a name is read from."""

NAME, VARIANT, GIVEN, FAMILY = "name", "variant", "given", "family"
"""What a name row says: a name (label, full name, ODS code), a variant, a given or a family name."""


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


def compact(iri: str) -> str | None:
    """The prefixed form of ``iri`` (``lgd:phill-james``), if a project prefix covers it."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return None


def normal(text: str) -> str:
    """The form names are compared in: case-folded, whitespace collapsed."""
    return " ".join(text.casefold().split())


def with_family_name(short: str, family: str) -> str | None:
    """``"Gary Harris"`` for a one-word variant and a family name (the source's short name
    with the family name, when the data does not spell it out as a variant of its own).

    >>> with_family_name("Gary", "Harris"), with_family_name("Phil James", "James")
    ('Gary Harris', None)
    """
    if family and len(short.split()) == 1:
        return f"{short} {family}"
    return None


def given_of(variant: str, family: str) -> str | None:
    """``"Gary"`` for the full-name variant ``"Gary Harris"`` of someone whose family name is Harris.

    >>> given_of("Gary Harris", "Harris"), given_of("Gary", "Harris"), given_of("Ann Other", "Harris")
    ('Gary', None, None)
    """
    words, tail = variant.split(), family.split()
    if tail and len(words) > len(tail) and [normal(w) for w in words[-len(tail):]] == [normal(w) for w in tail]:
        return " ".join(words[:-len(tail)])
    return None


class NameIndex:
    """Every name of the nodes, in the three tiers of the module docstring.

    Built from a store (:meth:`from_store`) or from ``(node, what, value)`` rows
    (:meth:`from_rows`, which the page uses on a projected network), so every place that
    resolves names reads the same table.
    """

    def __init__(self) -> None:
        self.tiers: tuple[dict[str, set[str]], ...] = ({}, {}, {})
        self.names: dict[str, set[str]] = {}  # node -> its recorded names (labels, names, variants)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str]]) -> NameIndex:
        index = cls()
        short: dict[str, set[str]] = {}
        variants: dict[str, set[str]] = {}
        family: dict[str, set[str]] = {}
        names, given, families = index.tiers
        for node, what, value in rows:
            if not value:
                continue
            if what == FAMILY:
                family.setdefault(node, set()).add(value)
                families.setdefault(normal(value), set()).add(node)
                continue
            if what == GIVEN:
                given.setdefault(normal(value), set()).add(node)
                short.setdefault(node, set()).add(value)
                continue
            names.setdefault(normal(value), set()).add(node)
            index.names.setdefault(node, set()).add(value)
            if what == VARIANT:
                short.setdefault(node, set()).add(value)
                variants.setdefault(node, set()).add(value)
        for node, lasts in family.items():
            for last in lasts:
                for first in short.get(node, ()):
                    full = with_family_name(first, last)
                    if full is not None:
                        names.setdefault(normal(full), set()).add(node)
                for variant in variants.get(node, ()):
                    first = given_of(variant, last)
                    if first is not None:
                        given.setdefault(normal(first), set()).add(node)
        return index

    @classmethod
    def from_store(cls, store, eligible: Callable[[str], bool] | None = None) -> NameIndex:
        """The names of ``store``'s nodes for which ``eligible(node_id)`` holds (all by default)."""
        return cls.from_rows(row for row in _name_rows(store) if eligible is None or eligible(row[0]))

    def match(self, text: str) -> set[str]:
        """The nodes ``text`` names: in the first tier that has any."""
        key = normal(text)
        for tier in self.tiers:
            if key in tier:
                return set(tier[key])
        return set()

    def answers(self) -> dict[str, set[str]]:
        """Every name the index knows -> the nodes :meth:`match` gives for it."""
        found: dict[str, set[str]] = {}
        for tier in self.tiers:
            for key, nodes in tier.items():
                found.setdefault(key, set(nodes))
        return found

    def known(self) -> list[str]:
        """The first-tier names, as written (for "did you mean")."""
        return sorted({n for names in self.names.values() for n in names})


def name_keys(rows: Iterable[tuple[str, str, str]], nodes: Iterable[str]) -> dict[str, list[str]]:
    """Node -> every input (in :func:`normal` form) that resolves to it, alone or among others:
    the :class:`NameIndex` of ``rows`` inverted, plus each of ``nodes``' IRI and prefixed name.
    This is the resolver written out as a table, for the page's search box.

    >>> name_keys([("x", NAME, "Garry Harris"), ("x", VARIANT, "Gary Harris"), ("x", FAMILY, "Harris")], ["x"])
    {'x': ['garry harris', 'gary', 'gary harris', 'harris', 'x']}
    """
    found: dict[str, set[str]] = {}
    for key, matched in NameIndex.from_rows(rows).answers().items():
        for node in matched:
            found.setdefault(node, set()).add(key)
    for node in nodes:
        text = str(node)
        found.setdefault(text, set()).add(normal(text))
        short = compact(text)
        if short:
            found[text].add(normal(short))
    return {node: sorted(keys) for node, keys in found.items()}


def _what(predicate: str) -> str:
    if predicate in FAMILY_NAME_PREDICATES:
        return FAMILY
    if predicate in GIVEN_NAME_PREDICATES:
        return GIVEN
    return VARIANT if predicate in VARIANT_PREDICATES else NAME


def _name_rows(store) -> Iterable[tuple[str, str, str]]:
    values = " ".join(f"<{p}>" for p in ALL_NAME_PREDICATES)
    for row in store.select(f"SELECT ?n ?p ?v WHERE {{ VALUES ?p {{ {values} }} ?n ?p ?v FILTER(isLiteral(?v)) }}"):
        yield term_id(row["n"]), _what(row["p"].value), row["v"].value


# -- the leaders' names kept with an on-disk generation ---------------------------------

LEADER_NAMES = "leader-names"
"""The :mod:`leadgraph.store.derived` kind of a generation's leader name index."""


def folded(text: str) -> str:
    """``text`` case-folded with every space taken out, one character at a time.

    Taken character by character, it keeps containment: if ``a`` contains ``b``, ``folded(a)``
    contains ``folded(b)``, whatever spaces either had. Applied to the engine's own ``LCASE``
    of both sides (Python's and the engine's Unicode tables differ for a few dozen recent
    characters; :func:`leadgraph.sparql.run.narrowed` asks the engine), a leader whose name the query's
    ``CONTAINS(LCASE(...), LCASE(...))`` finds is always found here too.

    >>> folded("Gary  HARRIS"), "ryha" in folded("Garry Harris")
    ('garyharris', True)
    """
    return "".join(c.casefold() for c in text if not c.isspace())


def leader_name_table(store) -> dict[str, list[str]]:
    """Every leader (``a lg:Leader``) with its names (:data:`NAME_PREDICATES`, given and family
    names, any value) and IRI, as ``{"leaders": [iri, ...], "folded": [text, ...]}``: the
    :func:`folded` forms of the engine's ``LCASE`` of each, one leader's joined by newlines
    (which :func:`folded` never leaves in a text, so a match never spans two names)."""
    predicates = " ".join(f"<{p}>" for p in ALL_NAME_PREDICATES)
    lgd = PREFIXES["lgd"]
    texts: dict[str, list[str]] = {}
    # The IRI and its lgd: form as the query spells them (STRAFTER finds the namespace anywhere).
    for row in store.select(f"SELECT DISTINCT ?n (LCASE(STR(?n)) AS ?i) (LCASE(CONCAT(\"lgd:\", "
                            f"STRAFTER(STR(?n), \"{lgd}\"))) AS ?l) WHERE {{ ?n a <{LG}Leader> }}"):
        if not isinstance(row["n"], NamedNode):
            return {"leaders": [], "folded": [], "blank": True}  # no VALUES can name it: never narrow
        texts[row["n"].value] = [row["i"].value, row["l"].value]
    for row in store.select(f"SELECT ?n (LCASE(STR(?v)) AS ?l) WHERE {{ ?n a <{LG}Leader> . "
                            f"VALUES ?p {{ {predicates} }} ?n ?p ?v }}"):
        if row["n"].value in texts and "l" in row:
            texts[row["n"].value].append(row["l"].value)
    leaders = sorted(texts)
    return {"leaders": leaders, "folded": ["\n".join(folded(t) for t in texts[iri]) for iri in leaders]}


def _names_key() -> str:
    from leadgraph.store import derived

    return derived.entry_key(LEADER_NAMES, {"predicates": list(ALL_NAME_PREDICATES)})


def keep_leader_names(source, store) -> bool:
    """Keep :func:`leader_name_table` of ``source`` (the same triples as ``store``, perhaps
    loaded in memory) with ``store``'s on-disk generation."""
    from leadgraph.store import derived

    return derived.put(store, LEADER_NAMES, _names_key(), leader_name_table(source))


def leaders_containing(store, texts: Iterable[str]) -> list[str] | None:
    """The leaders of an on-disk ``store`` whose names or IRI may contain one of ``texts``
    (ignoring case and spaces; each text as the engine's ``LCASE`` gives it): never fewer than
    ``name-search`` finds. From the generation's
    kept index (made now, and kept, when there is none). ``None`` when ``store`` keeps nothing,
    or when most leaders would be found (binding them gains nothing)."""
    from leadgraph.store import derived

    if derived.folder_of(store) is None:
        return None
    table = derived.get(store, LEADER_NAMES, _names_key())
    if not (isinstance(table, dict) and isinstance(table.get("leaders"), list)
            and isinstance(table.get("folded"), list) and len(table["leaders"]) == len(table["folded"])):
        table = leader_name_table(store)
        if not derived.put(store, LEADER_NAMES, _names_key(), table):
            return None  # made over the store and not kept: next time would read every name again
    if table.get("blank"):
        return None
    wanted = [folded(t) for t in texts]
    found = [iri for iri, names in zip(table["leaders"], table["folded"]) if any(w in names for w in wanted)]
    return None if len(found) * 2 > len(table["leaders"]) else found

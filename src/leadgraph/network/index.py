"""What the projection knows about a store: kinds, labels and the properties it reads.

:class:`Index` reads a :class:`~leadgraph.store.base.GraphStore` with one SPARQL query (the
class hierarchy) and one pattern scan per predicate it uses (never one query per node);
everything after that is dictionary look-ups. :mod:`leadgraph.network.projection` builds the
networkx graph from it; :mod:`leadgraph.network.analytics` and views can use it too.

>>> from leadgraph.loading import load
>>> index = Index(load().store)
>>> index.kinds["https://w3id.org/leadgraph/id/phill-james"], index.label("https://w3id.org/leadgraph/id/org-rw5")
('person', 'Lancashire and South Cumbria NHS Foundation Trust')
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from leadgraph.labels import LABEL_PREDICATES, fallback_label, label_rank
from leadgraph.namespaces import DCTERMS, FOAF, LG, ORG, PROV, RDF, SCHEMA, SKOS, TIME
from leadgraph.terms import Literal, NamedNode, Term, literal_value, term_id

KINDS: tuple[str, ...] = (
    "person",
    "organisation",
    "programme",
    "role",
    "group",
    "trait",
    "region",
    "qualification",
    "source",
)
"""Node kinds of the projected graph."""

RAW_KINDS: tuple[str, ...] = (*KINDS, "statement", "class", "resource", "literal")
"""Node kinds of the raw graph (``raw=True``)."""

# Order matters: a programme is also an org:OrganizationalCollaboration, a statement a prov:Entity.
_KIND_ROOTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("statement", (LG + "Statement", ORG + "Membership", SCHEMA + "Quotation", TIME + "TemporalEntity")),
    ("person", (LG + "Leader", SCHEMA + "Person", FOAF + "Person")),
    ("programme", (LG + "Programme",)),
    ("organisation", (ORG + "Organization", SCHEMA + "Organization", FOAF + "Organization")),
    ("region", (LG + "Region",)),
    ("group", (LG + "RoleGroup", LG + "TraitGroup")),
    ("role", (LG + "RoleType", ORG + "Role")),
    ("trait", (LG + "Trait",)),
    ("qualification", (SCHEMA + "EducationalOccupationalCredential",)),
    ("source", (LG + "Source", SCHEMA + "Article", SCHEMA + "CreativeWork", PROV + "Entity")),
)

_PROVENANCE = (PROV + "wasDerivedFrom", PROV + "wasQuotedFrom", PROV + "hadPrimarySource")
_LABELS = LABEL_PREDICATES
_CITING = (*_PROVENANCE, DCTERMS + "source")  # what a node's sources are
_INVERSE = frozenset({LG + "person"})  # statements_about() reads these from object to subject
_INSTANT = (
    TIME + "inXSDDate",
    TIME + "inXSDDateTimeStamp",
    TIME + "inXSDDateTime",
    TIME + "inXSDgYearMonth",
    TIME + "inXSDgYear",
)

# Plain edges: predicate -> relation, made when both ends are nodes.
_DIRECT: dict[str, str] = {
    SCHEMA + "hasCredential": "holds qualification",
    LG + "deliveredBy": "delivered by",
    LG + "spansRegion": "spans",
    LG + "hostedBy": "hosted by",
    LG + "nationalSponsor": "sponsored by",
    LG + "servesArea": "serves",
    ORG + "subOrganizationOf": "part of",
    SKOS + "broader": "broader",
    PROV + "wasDerivedFrom": "described in",
}

# Every predicate the projection reads, fetched in one scan.
_PREDICATES: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            *_LABELS,
            *_PROVENANCE,
            *_DIRECT,
            *_INSTANT,
            DCTERMS + "source",
            FOAF + "givenName",
            FOAF + "familyName",
            SCHEMA + "alternateName",
            SKOS + "altLabel",
            LG + "description",
            DCTERMS + "description",
            SKOS + "definition",
            LG + "odsCode",
            LG + "programmeKind",
            SCHEMA + "credentialCategory",
            LG + "subjectArea",
            DCTERMS + "issued",
            DCTERMS + "publisher",
            SCHEMA + "publisher",
            SCHEMA + "url",
            LG + "headlineAdvice",
            SCHEMA + "text",
            ORG + "member",
            ORG + "organization",
            ORG + "role",
            ORG + "memberDuring",
            TIME + "hasBeginning",
            TIME + "hasEnd",
            LG + "jobTitle",
            LG + "current",
            LG + "asOf",
            LG + "programme",
            LG + "person",
            LG + "trait",
            LG + "supportingQuote",
            LG + "supportingText",
            LG + "field",
            LG + "sector",
            LG + "years",
            LG + "serviceIn",
            LG + "atLeast",
            LG + "measure",
            LG + "amount",
            LG + "approximate",
            LG + "supersedes",  # these two for the statements' validity (leadgraph.history.spans)
            LG + "corrects",
        ]
    )
)

RDF_TYPE = RDF + "type"

Value = str | Literal  # an object as the index keeps it: a node id, or a literal


def _join(values: Iterable[Any]) -> str:
    return "; ".join(sorted({str(v) for v in values}))



@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (back on afterwards, if it was on).

    Reading a national graph makes millions of small lists, dicts and tuples, none of them in a
    reference cycle; the collector would walk all of them again and again as they pile up, a
    third of the projection's CPU time on 1M triples. Reference counting still frees everything.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class Index:
    """What the projection knows about a store: kinds, labels and the properties it reads.

    Built with one SPARQL query (the class hierarchy) and one pattern scan per predicate it
    reads (rdf:type and :data:`_PREDICATES`); everything after that is dictionary look-ups.
    """

    def __init__(self, store: Any):
        self.store = store
        self._superclasses = self._class_hierarchy()
        self.types: dict[str, set[str]] = defaultdict(set)
        for s, c in self._scan(RDF_TYPE):
            if not isinstance(c, Literal):  # term_id, written out: 200,000 types nationally
                sid = s.value if type(s) is NamedNode else term_id(s)
                self.types[sid].add(c.value if type(c) is NamedNode else term_id(c))
        # Objects are kept as node ids (str) for resources and as Literals for literals.
        self.props: dict[str, dict[str, list[Value]]] = defaultdict(dict)
        # Subjects by object, for the predicates in _INVERSE only (the rest are never looked up that way).
        self.inverse: dict[str, dict[str, list[str]]] = defaultdict(dict)
        self._subjects: dict[str, Collection[str]] = {}
        for pid in _PREDICATES:
            # One predicate's triples grouped by subject (and by object) in a tight loop, then
            # filed under props/inverse: about a million triples at national scale.
            objects: dict[str, list[Value]] = defaultdict(list)
            subjects: dict[str, list[str]] = defaultdict(list)
            keep_inverse = pid in _INVERSE
            for s, o in self._scan(pid):
                sid = s.value if type(s) is NamedNode else term_id(s)
                if type(o) is NamedNode:
                    oid = o.value
                elif isinstance(o, Literal):
                    objects[sid].append(o)
                    continue
                else:
                    oid = term_id(o)
                objects[sid].append(oid)
                if keep_inverse:
                    subjects[oid].append(sid)
            self._subjects[pid] = objects.keys()  # in the store's order
            props, inverse = self.props, self.inverse
            for sid, found in objects.items():
                props[sid][pid] = found
            for oid, found in subjects.items():
                inverse[oid][pid] = found
        self._cited: dict[tuple[str, ...], dict[str, str]] = {}
        self._cited_text: dict[tuple[str, ...], str] = {}
        self._shown: dict[Literal, str | int | bool] = {}
        self.labels = self._labels()
        self.kinds = self._kinds()

    # -- reading the store ---------------------------------------------------------------

    def _scan(self, predicate: str) -> Iterable[tuple[Term, Term]]:
        # A pattern scan: the same answer as a one-triple SPARQL query, without building solutions.
        return ((triple.subject, triple.object) for triple in self.store.triples(None, NamedNode(predicate), None))

    def _rows(self, query: str) -> Iterable[list[Term]]:
        for row in self.store.select(query):
            yield [row.get("c"), row.get("d")]

    def _class_hierarchy(self) -> dict[str, set[str]]:
        """Every class mentioned in rdfs:subClassOf -> all its superclasses (itself included)."""
        supers: dict[str, set[str]] = defaultdict(set)
        for c, d in self._rows("SELECT ?c ?d WHERE { ?c rdfs:subClassOf+ ?d }"):
            supers[term_id(c)].add(term_id(d))
        return supers

    def _ancestors(self, cls: str) -> set[str]:
        return {cls} | self._superclasses.get(cls, set())

    def _labels(self) -> dict[str, str]:
        rank = {p: i for i, p in enumerate(_LABELS)}
        best: dict[str, tuple[int, int, str]] = {}
        for sid, props in self.props.items():
            for p in _LABELS:
                for o in props.get(p, ()):
                    if not isinstance(o, Literal):
                        continue
                    candidate = (rank[p], *label_rank(o.language, o.value))
                    if sid not in best or candidate < best[sid]:
                        best[sid] = candidate
        return {sid: value for sid, (_, _, value) in best.items()}

    def label(self, node_id: str) -> str:
        """Best label: rdfs:label, skos:prefLabel, foaf:name, schema:name, dcterms:title, else
        the IRI's prefixed name."""
        found = self.labels.get(node_id)
        return found if found is not None else fallback_label(node_id)

    def _kinds(self) -> dict[str, str]:
        kind_of_class: dict[str, str] = {}
        kinds: dict[str, str] = {}
        for sid, classes in self.types.items():
            for cls in classes:
                if cls not in kind_of_class:
                    ancestors = self._ancestors(cls)
                    kind_of_class[cls] = next(
                        (kind for kind, roots in _KIND_ROOTS if ancestors.intersection(roots)), ""
                    )
            found = {kind_of_class[c] for c in classes} - {""}
            for kind, _ in _KIND_ROOTS:
                if kind in found:
                    kinds[sid] = kind
                    break
        # Untyped resources get a kind from how they are used.
        for sid, props in self.props.items():
            if kinds.get(sid) in ("role", "trait"):
                for o in props.get(SKOS + "broader", ()):
                    kinds.setdefault(str(o), "group")
            for p in _PROVENANCE:
                for o in props.get(p, ()):
                    if isinstance(o, str):
                        kinds.setdefault(o, "source")
        return kinds

    # -- values --------------------------------------------------------------------------

    def values(self, node_id: str, *predicates: str) -> list[Value]:
        return list(self._values(node_id, predicates))

    def _values(self, node_id: str, predicates: tuple[str, ...]) -> list[Value] | tuple[()]:
        # The index's own list when one predicate is asked for (most calls): read it, never change it.
        props = self.props.get(node_id)
        if not props:
            return ()
        if len(predicates) == 1:
            return props.get(predicates[0], ())
        return [o for p in predicates for o in props.get(p, ())]

    def display(self, value: Value) -> str | int | bool:
        """A literal's value, or a resource's label."""
        if isinstance(value, Literal):
            # The same dates, booleans and numbers recur across thousands of statements.
            shown = self._shown.get(value)
            if shown is None:
                shown = self._shown[value] = literal_value(value)
            return shown
        return self.label(value)

    def first(self, node_id: str, *predicates: str) -> str | int | bool | None:
        found = self._values(node_id, predicates)
        if len(found) == 1:  # most properties have one value: nothing to choose between
            return self.display(found[0])
        # The first of the values in text order (min keeps the first of equals, as sorting would).
        return min((self.display(t) for t in found), key=str, default=None)

    def joined(self, node_id: str, *predicates: str) -> str:
        found = self._values(node_id, predicates)
        if len(found) == 1:
            return str(self.display(found[0]))
        return _join(self.display(t) for t in found)

    def ids(self, node_id: str, *predicates: str) -> list[str]:
        found = self._values(node_id, predicates)
        if len(found) == 1:
            return [found[0]] if isinstance(found[0], str) else []
        return sorted({t for t in found if isinstance(t, str)})

    def sources(self, node_ids: Iterable[str]) -> list[str]:
        return sorted({s for n in node_ids for s in self._values(n, _CITING) if isinstance(s, str)})

    def source_attrs(self, node_ids: Iterable[str]) -> dict[str, str]:
        """``source_iri``, ``source_title``, ``source_date`` for the sources of ``node_ids``."""
        sources = tuple(self.sources(node_ids))
        if not sources:
            return {}
        if sources not in self._cited:
            self._cited[sources] = self._source_attrs(sources)
        return dict(self._cited[sources])

    def _source_attrs(self, sources: tuple[str, ...]) -> dict[str, str]:
        titles = [str(self.first(s, DCTERMS + "title") or self.label(s)) for s in sources]
        dates = [str(self.first(s, DCTERMS + "issued") or "") for s in sources]
        attrs = {"source_iri": "; ".join(sources), "source_title": "; ".join(titles)}
        if len(sources) == 1:
            if dates[0]:
                attrs["source_date"] = dates[0]
        elif any(dates):
            attrs["source_date"] = "; ".join(d or "undated" for d in dates)
        return attrs

    def cited(self, node_ids: Iterable[str]) -> str:
        """Sources as "Title (YYYY-MM-DD)", for facts folded into a node."""
        sources = tuple(self.sources(node_ids))
        if sources not in self._cited_text:  # a few hundred sources cited by tens of thousands of facts
            shown = []
            for s in sources:
                title = str(self.first(s, DCTERMS + "title") or self.label(s))
                date = self.first(s, DCTERMS + "issued")
                shown.append(f"{title} ({date})" if date else title)
            self._cited_text[sources] = "; ".join(shown)
        return self._cited_text[sources]

    def pairs(self, predicate: str) -> Iterable[tuple[str, Value]]:
        """Every (subject, object) of ``predicate``, one of the predicates the index reads; each
        subject's objects in the store's order, the subjects in no particular order."""
        props = self.props
        return ((s, o) for s in self._subjects[predicate] for o in props[s][predicate])

    def instances(self, *classes: str) -> set[str]:
        """Node ids typed one of ``classes`` or a subclass of one."""
        wanted = set(classes)
        used = set().union(*self.types.values())  # each class looked up once, not once per instance
        matching = {c for c in used if not wanted.isdisjoint(self._ancestors(c))}
        return {n for n, cs in self.types.items() if not matching.isdisjoint(cs)}

    def most_specific_types(self, node_id: str) -> list[str]:
        classes = self.types.get(node_id, set())
        broader = {sup for c in classes for sup in self._superclasses.get(c, set())}
        return sorted(c for c in classes if c not in broader)

    def statements_about(self, node_id: str, *marker: str) -> list[str]:
        """Statement nodes with ``lg:person`` ``node_id`` that have one of ``marker`` predicates."""
        props = self.props  # every statement here is a subject, and its lists are never empty
        return sorted({st for st in self.inverse.get(node_id, {}).get(LG + "person", ())
                       if any(m in props[st] for m in marker)})


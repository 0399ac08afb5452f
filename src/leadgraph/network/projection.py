"""The knowledge graph as a people-centred networkx graph, for export and drawing.

:func:`to_networkx` reads the Oxigraph store with one pattern scan per predicate it uses
(never one query per node) and returns a :class:`networkx.MultiDiGraph`: about 1 s for
100,000 triples here.
Node ids are IRIs (blank nodes as ``_:id``); nodes and edges are inserted in sorted
order, so the same data always gives the same graph and byte-identical exports.

Every attribute value is a plain ``str``, ``int`` or ``bool`` (never ``None``, never a
list: lists are joined with ``"; "``), so GraphML and GEXF keep them. An attribute that
has no value for a node or edge is absent rather than empty.

Nodes (``raw=False``)
---------------------
Every node has ``kind`` and ``label``. Kinds, and how a resource gets one (the first
that fits wins; classes count with their ``rdfs:subClassOf`` descendants)::

    person         typed lg:Leader, schema:Person or foaf:Person
    programme      typed lg:Programme
    organisation   typed org:Organization, schema:Organization or foaf:Organization
    region         typed lg:Region
    group          typed lg:RoleGroup or lg:TraitGroup, or the skos:broader of a role or trait
    role           typed lg:RoleType or org:Role (role concepts: "Chief Information Officer")
    trait          typed lg:Trait
    qualification  typed schema:EducationalOccupationalCredential
    source         typed lg:Source, schema:Article, schema:CreativeWork or prov:Entity, or
                   the object of prov:wasDerivedFrom / prov:wasQuotedFrom / prov:hadPrimarySource

Statement nodes (org:Membership, lg:Statement and its subclasses, schema:Quotation,
time:TemporalEntity) are not nodes: they become edges or facts on a node. Resources that
only a register (lg:Register: the bundled ODS reference layer) describes are left out
unless something else links to them, and a register nobody kept cites is left out too. Other concepts
(fields, sectors, measures, programme kinds) appear as attribute values, not nodes.

Attributes, all optional except ``kind`` and ``label``:

- every kind: ``types`` (labels of the most specific rdf:types), ``alternate_names``
  (schema:alternateName and skos:altLabel), ``description`` (lg:description,
  dcterms:description or skos:definition), ``source_iri``/``source_title``/``source_date``
  (the node's own prov:wasDerivedFrom), ``statements`` (IRIs of the statement nodes
  folded into this node's facts).
- person: ``full_name``, ``given_name``, ``family_name``; ``background`` (e.g. "Perinatal
  psychiatrist"), ``fields``, ``sectors``, ``background_source``; ``service`` (e.g.
  "16 years in NHS, as of 2021-06-23"), ``years_of_service`` (int: the longest service
  record), ``service_source``; ``responsibility`` (e.g. "approx. 500 Systems"),
  ``responsibility_source``; ``headline_advice`` (quotation text),
  ``headline_advice_source``. A ``*_source`` value reads "Title (YYYY-MM-DD)".
- organisation: ``ods_code``.
- programme: ``programme_kind``.
- role, trait: ``group`` (labels of skos:broader).
- qualification: ``category``, ``subject_area``.
- source: ``title``, ``issued``, ``publisher``, ``url``.

Edges (``raw=False``)
---------------------
Every edge has ``relation`` (what it says, in words); the edge key is a stable id,
unique in the graph: ``STATEMENT|relation|TARGET`` for edges made from a statement
node, ``SUBJECT|relation|TARGET`` otherwise (spaces in the relation become ``-``).
Exports use the key as the edge id (GraphML, GEXF, Cytoscape JSON, CSV).
Edges from statements carry ``statements`` (the statement's IRI, plus the IRI of a
supporting quotation) and ``source_iri``, ``source_title``, ``source_date`` (lists in the
same order; a source with no date reads "undated" when there are several).

=====================  ==========================  ===========================================
relation               from -> to                  attributes besides the statement/source ones
=====================  ==========================  ===========================================
holds role at          person -> organisation      role, job_title, current (bool), as_of,
                       (or programme)              start_date, end_date, programme, description
holds role             person -> role              organisation, job_title, current, as_of, ...
works on               person -> programme         role, organisation, job_title, current, ...
has trait              person -> trait             quote (the person's words), supporting_text
                                                   (the source's narration)
worked in              person -> organisation      years (int), at_least (bool), as_of
holds qualification    person -> qualification     predicate
delivered by           qualification -> org.       predicate
spans                  programme -> region         predicate
hosted by              programme -> organisation   predicate
sponsored by           programme -> organisation   predicate
serves                 organisation -> region      predicate
part of                organisation -> org.        predicate
in group               role/trait -> group         predicate
within                 region -> region            predicate (skos:broader between regions)
broader                other skos:broader          predicate
described in           any node -> source          predicate (the node's prov:wasDerivedFrom)
=====================  ==========================  ===========================================

``predicate`` is the IRI of the triple a plain edge comes from.

Raw graph (``raw=True``)
------------------------
Every triple becomes one edge: key ``S|P|O`` (terms as node ids), ``relation`` the
predicate as a prefixed name (``rdfs:label``), ``predicate`` its IRI. Every term is a
node, literals included: a literal's id is its N-Triples form (``"16"^^<...#integer>``),
one node per distinct literal, with ``kind`` "literal", ``label`` (its text),
``datatype`` (prefixed name, absent for plain strings) and ``language``. Resources get
``kind`` as above, or "statement", "class" (used as a class) or "resource", and
``label``. The ontology's triples are part of the raw graph too.

>>> from leadgraph.loading import load
>>> g = to_networkx(load())
>>> g.nodes["https://w3id.org/leadgraph/id/phill-james"]["alternate_names"]
'Phil'
>>> sorted({d["relation"] for _, _, d in g.out_edges("https://w3id.org/leadgraph/id/phill-james", data=True)})
['described in', 'has trait', 'holds role', 'holds role at', 'worked in']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from leadgraph.loading import store_of
from leadgraph.namespaces import DCTERMS, FOAF, LG, ORG, OWL, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, TIME, XSD
from leadgraph.labels import LABEL_PREDICATES, compact, fallback_label, label_rank
from leadgraph.sparql.results import to_python

if TYPE_CHECKING:  # networkx costs ~350 ms to import: only when a graph is built
    import networkx as nx

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
        ]
    )
)

RDF_TYPE = RDF + "type"

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Value = str | ox.Literal  # an object as the index keeps it: a node id, or a literal


def to_networkx(graph: Any, raw: bool = False) -> nx.MultiDiGraph:
    """Project ``graph`` (a :class:`~leadgraph.loading.LeadGraph` or a ``pyoxigraph.Store``)
    onto a :class:`networkx.MultiDiGraph`; see the module documentation for the schema.

    ``raw=True`` keeps every triple as an edge and every term as a node.

    >>> from leadgraph.loading import load
    >>> g = to_networkx(load())
    >>> g.nodes["https://w3id.org/leadgraph/id/org-rw5"]["ods_code"]
    'RW5'
    >>> raw = to_networkx(load(), raw=True)
    >>> raw.number_of_edges() == len(load())
    True
    """
    import networkx as nx

    index = Index(store_of(graph))
    nodes, edges = index.raw_graph() if raw else index.projected_graph()
    result = nx.MultiDiGraph()
    result.add_nodes_from(sorted(nodes.items()))
    result.add_edges_from(sorted(edges, key=lambda e: (e[0], e[1], e[2])))
    return result


def term_id(term: Term) -> str:
    """Node id of an RDF term: the IRI, ``_:id`` for a blank node, N-Triples for a literal.

    >>> term_id(ox.NamedNode("https://example.org/a")), term_id(ox.Literal("x"))
    ('https://example.org/a', '"x"')
    """
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term)


def id_term(node_id: str) -> ox.NamedNode | ox.BlankNode:
    """The resource a node id stands for (the inverse of :func:`term_id` for non-literals)."""
    if node_id.startswith("_:"):
        return ox.BlankNode(node_id[2:])
    return ox.NamedNode(node_id)


def literal_value(term: ox.Literal) -> str | int | bool:
    """A literal as a GraphML/GEXF-safe scalar: booleans and integers typed (as
    :func:`leadgraph.results.to_python` reads them), everything else as its text.

    >>> literal_value(ox.Literal("32", datatype=ox.NamedNode(XSD + "integer"))), literal_value(ox.Literal("x"))
    (32, 'x')
    """
    value = to_python(term)
    return value if isinstance(value, (bool, int)) else term.value


def _join(values: Iterable[Any]) -> str:
    return "; ".join(sorted({str(v) for v in values}))


def _edge_key(anchor: str, relation: str, target: str) -> str:
    return f"{anchor}|{relation.replace(' ', '-')}|{target}"


class Index:
    """What the projection knows about a store: kinds, labels and the properties it reads.

    Built with one SPARQL query (the class hierarchy) and one pattern scan per predicate it
    reads (rdf:type and :data:`_PREDICATES`); everything after that is dictionary look-ups.
    """

    def __init__(self, store: ox.Store):
        self.store = store
        self._superclasses = self._class_hierarchy()
        self.types: dict[str, set[str]] = defaultdict(set)
        for s, c in self._scan(RDF_TYPE):
            if not isinstance(c, ox.Literal):
                self.types[term_id(s)].add(term_id(c))
        # Objects are kept as node ids (str) for resources and as Literals for literals.
        self.props: dict[str, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
        self.inverse: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self._subjects: dict[str, set[str]] = defaultdict(set)
        for pid in _PREDICATES:
            subjects = self._subjects[pid]
            for s, o in self._scan(pid):
                sid = term_id(s)
                subjects.add(sid)
                if isinstance(o, ox.Literal):
                    self.props[sid][pid].append(o)
                else:
                    oid = term_id(o)
                    self.props[sid][pid].append(oid)
                    self.inverse[oid][pid].append(sid)
        self._cited: dict[tuple[str, ...], dict[str, str]] = {}
        self.labels = self._labels()
        self.kinds = self._kinds()

    # -- reading the store ---------------------------------------------------------------

    def _scan(self, predicate: str) -> Iterable[tuple[Term, Term]]:
        # A pattern scan: the same answer as a one-triple SPARQL query, without building solutions.
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(predicate), None, ox.DefaultGraph()):
            yield quad.subject, quad.object

    def _rows(self, query: str) -> Iterable[list[Term]]:
        for solution in self.store.query(query, prefixes=PREFIXES):
            yield list(solution)

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
                    if not isinstance(o, ox.Literal):
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
        props = self.props.get(node_id)
        if not props:
            return []
        return [o for p in predicates for o in props.get(p, ())]

    def display(self, value: Value) -> str | int | bool:
        """A literal's value, or a resource's label."""
        if isinstance(value, ox.Literal):
            return literal_value(value)
        return self.label(value)

    def first(self, node_id: str, *predicates: str) -> str | int | bool | None:
        shown = sorted((self.display(t) for t in self.values(node_id, *predicates)), key=str)
        return shown[0] if shown else None

    def joined(self, node_id: str, *predicates: str) -> str:
        return _join(self.display(t) for t in self.values(node_id, *predicates))

    def ids(self, node_id: str, *predicates: str) -> list[str]:
        return sorted({t for t in self.values(node_id, *predicates) if isinstance(t, str)})

    def sources(self, node_ids: Iterable[str]) -> list[str]:
        return sorted({s for n in node_ids for s in self.ids(n, *_PROVENANCE, DCTERMS + "source")})

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
        shown = []
        for s in self.sources(node_ids):
            title = str(self.first(s, DCTERMS + "title") or self.label(s))
            date = self.first(s, DCTERMS + "issued")
            shown.append(f"{title} ({date})" if date else title)
        return "; ".join(shown)

    def most_specific_types(self, node_id: str) -> list[str]:
        classes = self.types.get(node_id, set())
        broader = {sup for c in classes for sup in self._superclasses.get(c, set())}
        return sorted(c for c in classes if c not in broader)

    def statements_about(self, node_id: str, *marker: str) -> list[str]:
        """Statement nodes with ``lg:person`` ``node_id`` that have one of ``marker`` predicates."""
        found = []
        for st in self.inverse.get(node_id, {}).get(LG + "person", ()):
            if any(self.props[st].get(m) for m in marker):
                found.append(st)
        return sorted(set(found))

    # -- the projected graph -------------------------------------------------------------

    def projected_graph(self) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, str, dict[str, Any]]]]:
        nodes = {n: self._node_attrs(n, kind) for n, kind in self.kinds.items() if kind in KINDS}
        edges: list[tuple[str, str, str, dict[str, Any]]] = []
        self._membership_edges(nodes, edges)
        self._trait_edges(nodes, edges)
        self._service_edges(nodes, edges)
        self._direct_edges(nodes, edges)
        return self._without_register_only(nodes, edges)

    def _without_register_only(
        self, nodes: dict[str, dict[str, Any]], edges: list[tuple[str, str, str, dict[str, Any]]]
    ) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, str, dict[str, Any]]]]:
        """Leave out what only a register (lg:Register, such as NHS England's ODS) describes and
        nothing else links to: the bundled reference layer's 259 trusts, ICBs and regions would
        otherwise outnumber the people, scatter the picture and dilute every network measure.
        A trust the data mentions stays, and so does the register it cites."""
        registers = {n for n, classes in self.types.items()
                     if any(LG + "Register" in self._ancestors(c) for c in classes)}
        if not registers:
            return nodes, edges
        only_registered = {
            n for n in nodes
            if n not in registers and (cited := self.ids(n, *_PROVENANCE)) and set(cited) <= registers
        }
        linked = set()
        for u, v, _, _ in edges:
            if u in registers or v in registers:
                continue
            if u in only_registered and v not in only_registered:
                linked.add(u)
            if v in only_registered and u not in only_registered:
                linked.add(v)
        dropped = only_registered - linked
        kept_edges = [e for e in edges if e[0] not in dropped and e[1] not in dropped]
        cited = {e[1] for e in kept_edges} | {e[0] for e in kept_edges}
        dropped |= {r for r in registers if r in nodes and r not in cited}
        return ({n: a for n, a in nodes.items() if n not in dropped},
                [e for e in kept_edges if e[0] not in dropped and e[1] not in dropped])

    def _node_attrs(self, n: str, kind: str) -> dict[str, Any]:
        attrs: dict[str, Any] = {"kind": kind, "label": self.label(n)}
        types = _join(self.label(c) for c in self.most_specific_types(n))
        names = {str(self.display(t)) for t in self.values(n, SCHEMA + "alternateName", SKOS + "altLabel")}
        names.discard(attrs["label"])
        optional: dict[str, Any] = {
            "types": types,
            "alternate_names": _join(names),
            "description": self.first(n, LG + "description")
            or self.first(n, DCTERMS + "description")
            or self.first(n, SKOS + "definition"),
        }
        statements: list[str] = []
        if kind == "person":
            optional.update(self._person_facts(n, statements))
        elif kind == "organisation":
            optional["ods_code"] = self.joined(n, LG + "odsCode")
        elif kind == "programme":
            optional["programme_kind"] = self.joined(n, LG + "programmeKind")
        elif kind in ("role", "trait"):
            optional["group"] = self.joined(n, SKOS + "broader")
        elif kind == "qualification":
            optional["category"] = self.joined(n, SCHEMA + "credentialCategory")
            optional["subject_area"] = self.joined(n, LG + "subjectArea")
        elif kind == "source":
            optional["title"] = self.joined(n, DCTERMS + "title")
            optional["issued"] = self.joined(n, DCTERMS + "issued")
            optional["publisher"] = self.joined(n, DCTERMS + "publisher", SCHEMA + "publisher")
            optional["url"] = self.joined(n, SCHEMA + "url")
        optional.update(self.source_attrs([n]))
        optional["statements"] = _join(statements)
        attrs.update((k, v) for k, v in optional.items() if v is not None and v != "")
        return attrs

    def _person_facts(self, n: str, statements: list[str]) -> dict[str, Any]:
        facts: dict[str, Any] = {
            "full_name": self.first(n, FOAF + "name", SCHEMA + "name"),
            "given_name": self.first(n, FOAF + "givenName"),
            "family_name": self.first(n, FOAF + "familyName"),
        }
        backgrounds = self.statements_about(n, LG + "field", LG + "sector")
        if backgrounds:
            facts["background"] = _join(
                self.labels.get(b) or self.joined(b, LG + "field") for b in backgrounds
            )
            facts["fields"] = _join(self.display(t) for b in backgrounds for t in self.values(b, LG + "field"))
            facts["sectors"] = _join(self.display(t) for b in backgrounds for t in self.values(b, LG + "sector"))
            facts["background_source"] = self.cited(backgrounds)
        services = self.statements_about(n, LG + "years")
        if services:
            facts["service"] = _join(self._service_text(s) for s in services)
            years = [y for s in services for y in map(self.display, self.values(s, LG + "years")) if isinstance(y, int)]
            if years:
                facts["years_of_service"] = max(years)
            facts["service_source"] = self.cited(services)
        scales = self.statements_about(n, LG + "amount", LG + "measure")
        if scales:
            facts["responsibility"] = _join(self._scale_text(s) for s in scales)
            facts["responsibility_source"] = self.cited(scales)
        advice = self.ids(n, LG + "headlineAdvice")
        if advice:
            facts["headline_advice"] = _join(self.display(t) for q in advice for t in self.values(q, SCHEMA + "text"))
            facts["headline_advice_source"] = self.cited(advice)
        statements.extend([*backgrounds, *services, *scales, *advice])
        return facts

    def _service_text(self, s: str) -> str:
        years = self.first(s, LG + "years")
        where = self.joined(s, LG + "serviceIn")
        as_of = self.first(s, LG + "asOf")
        text = f"{'over ' if self.first(s, LG + 'atLeast') is True else ''}{years} years"
        text += f" in {where}" if where else ""
        return text + (f", as of {as_of}" if as_of else "")

    def _scale_text(self, s: str) -> str:
        approx = "approx. " if self.first(s, LG + "approximate") is True else ""
        return f"{approx}{self.first(s, LG + 'amount')} {self.joined(s, LG + 'measure')}".strip()

    def _ends(self, nodes: dict[str, Any], st: str, predicate: str, kinds: tuple[str, ...]) -> list[str]:
        return [o for o in self.ids(st, predicate) if o in nodes and nodes[o]["kind"] in kinds]

    def _statement_attrs(self, st: str, extra: Iterable[str] = ()) -> dict[str, Any]:
        attrs = self.source_attrs([st])
        attrs["statements"] = _join([st, *extra])
        return attrs

    def _membership_edges(self, nodes: dict[str, Any], edges: list) -> None:
        for m in sorted(self.inverse_subjects(ORG + "member")):
            people = self._ends(nodes, m, ORG + "member", ("person",))
            orgs = self._ends(nodes, m, ORG + "organization", ("organisation", "programme"))
            roles = self._ends(nodes, m, ORG + "role", ("role",))
            programmes = self._ends(nodes, m, LG + "programme", ("programme",))
            intervals = self.ids(m, ORG + "memberDuring")
            common = {
                "job_title": self.joined(m, LG + "jobTitle"),
                "current": self.first(m, LG + "current"),
                "as_of": self.first(m, LG + "asOf"),
                "start_date": self._instant(intervals, TIME + "hasBeginning"),
                "end_date": self._instant(intervals, TIME + "hasEnd"),
                "description": self.first(m, LG + "description"),
                **self._statement_attrs(m),
            }
            role_text = _join(self.label(r) for r in roles)
            org_text = _join(self.label(o) for o in orgs)
            programme_text = _join(self.label(g) for g in programmes)
            for p in people:
                for o in orgs:
                    self._add(edges, m, p, o, "holds role at", common, role=role_text, programme=programme_text)
                for r in roles:
                    self._add(edges, m, p, r, "holds role", common, organisation=org_text, programme=programme_text)
                for g in programmes:
                    self._add(edges, m, p, g, "works on", common, role=role_text, organisation=org_text)

    def _instant(self, intervals: list[str], which: str) -> str | None:
        found = [self.first(i, *_INSTANT) for b in intervals for i in self.ids(b, which)]
        shown = sorted(str(f) for f in found if f is not None)
        return shown[0] if shown else None

    def _trait_edges(self, nodes: dict[str, Any], edges: list) -> None:
        for a in sorted(self.inverse_subjects(LG + "trait")):
            quotes = self.ids(a, LG + "supportingQuote")
            attrs = {
                "quote": _join(self.display(t) for q in quotes for t in self.values(q, SCHEMA + "text")),
                "supporting_text": self.joined(a, LG + "supportingText"),
                **self._statement_attrs(a, quotes),
            }
            for p in self._ends(nodes, a, LG + "person", ("person",)):
                for t in self._ends(nodes, a, LG + "trait", ("trait",)):
                    self._add(edges, a, p, t, "has trait", attrs)

    def _service_edges(self, nodes: dict[str, Any], edges: list) -> None:
        for s in sorted(self.inverse_subjects(LG + "serviceIn")):
            attrs = {
                "years": self.first(s, LG + "years"),
                "at_least": self.first(s, LG + "atLeast"),
                "as_of": self.first(s, LG + "asOf"),
                **self._statement_attrs(s),
            }
            for p in self._ends(nodes, s, LG + "person", ("person",)):
                for o in self._ends(nodes, s, LG + "serviceIn", ("organisation",)):
                    self._add(edges, s, p, o, "worked in", attrs)

    def _direct_edges(self, nodes: dict[str, Any], edges: list) -> None:
        for predicate, relation in _DIRECT.items():
            for s in sorted(self.inverse_subjects(predicate)):
                if s not in nodes:
                    continue
                for o in self.ids(s, predicate):
                    if o not in nodes:
                        continue
                    if predicate == PROV + "wasDerivedFrom" and nodes[o]["kind"] != "source":
                        continue
                    shown = relation
                    if predicate == SKOS + "broader":
                        target = nodes[o]["kind"]
                        shown = "in group" if target == "group" else "within" if target == "region" else relation
                    self._add(edges, s, s, o, shown, {"predicate": predicate})

    def inverse_subjects(self, predicate: str) -> set[str]:
        """Subjects that have ``predicate`` (among the predicates the index reads)."""
        return self._subjects.get(predicate, set())

    @staticmethod
    def _add(edges: list, anchor: str, u: str, v: str, relation: str, common: dict[str, Any], **extra: Any) -> None:
        attrs = {"relation": relation}
        attrs.update((k, val) for k, val in {**common, **extra}.items() if val is not None and val != "")
        edges.append((u, v, _edge_key(anchor, relation, v), attrs))

    # -- the raw graph -------------------------------------------------------------------

    def raw_graph(self) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, str, dict[str, Any]]]]:
        classes = {c for cs in self.types.values() for c in cs} | set(self._superclasses)
        classes |= {s for s, cs in self.types.items() if cs & {OWL + "Class", RDFS + "Class"}}
        nodes: dict[str, dict[str, Any]] = {}
        edges = []
        for quad in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            s, p, o = quad.subject, quad.predicate, quad.object
            sid, oid = term_id(s), term_id(o)
            for term, tid in ((s, sid), (o, oid)):
                if tid not in nodes:
                    nodes[tid] = self._raw_node(term, tid, classes)
            edges.append((sid, oid, f"{sid}|{p.value}|{oid}", {"relation": compact(p.value).strip("<>"), "predicate": p.value}))
        return nodes, edges

    def _raw_node(self, term: Term, tid: str, classes: set[str]) -> dict[str, Any]:
        if isinstance(term, ox.Literal):
            attrs: dict[str, Any] = {"kind": "literal", "label": term.value}
            datatype = term.datatype.value if term.datatype is not None else ""
            if term.language:
                attrs["language"] = term.language
            elif datatype and datatype != XSD + "string":
                attrs["datatype"] = compact(datatype).strip("<>")
            return attrs
        kind = self.kinds.get(tid) or ("class" if tid in classes else "resource")
        return {"kind": kind, "label": self.label(tid)}

"""The knowledge graph as a people-centred networkx graph, for export and drawing.

:func:`to_networkx` reads the Oxigraph store with one pattern scan per predicate it uses
(never one query per node) and returns a :class:`networkx.MultiDiGraph`: about 1 s for
100,000 triples here.
Node ids are IRIs (blank nodes as ``_:id``); nodes and edges are inserted in sorted
order, so the same data always gives the same graph and byte-identical exports.

Every attribute value is a plain ``str``, ``int`` or ``bool`` (never ``None``, never a
list: lists are joined with ``"; "``), so GraphML and GEXF keep them. An attribute that
has no value for a node or edge is absent rather than empty (except ``valid_from`` and
``valid_until``, below).

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
They also always carry ``valid_from`` and ``valid_until``: when the statement is in force,
as ISO dates (``valid_from <= day < valid_until``, ``valid_until`` exclusive), ``""`` when
open-ended on that side, computed by :func:`leadgraph.history.validity` (ends, supersessions
and corrections included); and ``withdrawn_by`` (the superseding statements and corrections)
when there are any. Filtering edges by these gives exactly what ``--as-of`` keeps.

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
'Phil James'
>>> sorted({d["relation"] for _, _, d in g.out_edges("https://w3id.org/leadgraph/id/phill-james", data=True)})
['described in', 'has trait', 'holds role', 'holds role at', 'worked in']
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from leadgraph.labels import compact
from leadgraph.namespaces import DCTERMS, FOAF, LG, LGD, ORG, OWL, PROV, RDFS, SCHEMA, SKOS, TIME, XSD
from leadgraph.network.index import _DIRECT, _INSTANT, _PROVENANCE, KINDS, RAW_KINDS, Index, _join, gc_paused  # noqa: F401 - KINDS re-exported
from leadgraph.loading import store_of
from leadgraph.terms import Literal, Term, term_id

ROLE_NOT_STATED = LGD + "role-not-stated"

if TYPE_CHECKING:  # networkx costs ~350 ms to import: only when a graph is built
    import networkx as nx


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

    with gc_paused():
        index = Projection(store_of(graph))
        nodes, edges = index.raw_graph() if raw else index.projected_graph()
        result = nx.MultiDiGraph()
        result.add_nodes_from(sorted(nodes.items()))
        result.add_edges_from(sorted(edges, key=itemgetter(0, 1, 2)))
    return result



_ALWAYS_PRESENT = ("valid_from", "valid_until")  # "" means open-ended, so these are never left out


def _edge_key(anchor: str, relation: str, target: str) -> str:
    return f"{anchor}|{relation.replace(' ', '-')}|{target}"


class Projection(Index):
    """The index, drawn as a people-centred graph (:meth:`projected_graph`) or a raw one (:meth:`raw_graph`)."""

    _validity: dict[str, Any] | None = None

    # -- the projected graph -------------------------------------------------------------

    def projected_graph(self) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, str, dict[str, Any]]]]:
        # "Role type not stated" says the source gave none: not a node, so it links nobody to anybody.
        nodes = {n: self._node_attrs(n, kind) for n, kind in self.kinds.items() if kind in KINDS and n != ROLE_NOT_STATED}
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
        registers = self.instances(LG + "Register")
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
        span = self.validity.get(st)
        attrs.update(span.as_attrs() if span is not None else {"valid_from": "", "valid_until": ""})
        if span is not None and span.withdrawn_by:
            attrs["withdrawn_by"] = _join(span.withdrawn_by)
        return attrs

    @property
    def validity(self) -> dict[str, Any]:
        """Each dated statement's :class:`~leadgraph.history.Validity` (computed once)."""
        if self._validity is None:
            from leadgraph.history import STATEMENT_CLASS_IRIS, spans

            # From what the index has read: the same answer as validity(self.store), without
            # scanning a quarter of a million triples again.
            self._validity = spans(self.instances(*STATEMENT_CLASS_IRIS), self.pairs)
        return self._validity

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

    def inverse_subjects(self, predicate: str) -> Collection[str]:
        """Subjects that have ``predicate`` (among the predicates the index reads)."""
        return self._subjects.get(predicate, set())

    @staticmethod
    def _add(edges: list, anchor: str, u: str, v: str, relation: str, common: dict[str, Any], **extra: Any) -> None:
        attrs = {"relation": relation}
        attrs.update((k, val) for k, val in ({**common, **extra} if extra else common).items()
                     if val is not None and (val != "" or k in _ALWAYS_PRESENT))
        edges.append((u, v, _edge_key(anchor, relation, v), attrs))

    # -- the raw graph -------------------------------------------------------------------

    def raw_graph(self) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, str, dict[str, Any]]]]:
        classes = {c for cs in self.types.values() for c in cs} | set(self._superclasses)
        classes |= {s for s, cs in self.types.items() if cs & {OWL + "Class", RDFS + "Class"}}
        nodes: dict[str, dict[str, Any]] = {}
        edges = []
        for triple in self.store.triples():
            s, p, o = triple.subject, triple.predicate, triple.object
            sid, oid = term_id(s), term_id(o)
            for term, tid in ((s, sid), (o, oid)):
                if tid not in nodes:
                    nodes[tid] = self._raw_node(term, tid, classes)
            edges.append((sid, oid, f"{sid}|{p.value}|{oid}", {"relation": compact(p.value).strip("<>"), "predicate": p.value}))
        return nodes, edges

    def _raw_node(self, term: Term, tid: str, classes: set[str]) -> dict[str, Any]:
        if isinstance(term, Literal):
            attrs: dict[str, Any] = {"kind": "literal", "label": term.value}
            datatype = term.datatype.value if term.datatype is not None else ""
            if term.language:
                attrs["language"] = term.language
            elif datatype and datatype != XSD + "string":
                attrs["datatype"] = compact(datatype).strip("<>")
            return attrs
        kind = self.kinds.get(tid) or ("class" if tid in classes else "resource")
        return {"kind": kind, "label": self.label(tid)}


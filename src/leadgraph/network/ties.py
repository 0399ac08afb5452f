"""The sourced ties between people and what they share: the graph behind paths, communities
and mentoring.

:func:`ties` reads a store with a few fixed SPARQL pattern queries (no user text in them) and
returns a :class:`Ties`: nodes (people and the organisations, programmes, regions,
qualifications and traits they are tied to) and :class:`Fact` edges, each carrying the
relation in words, the statement it comes from, its source (IRI, title) and a date (the
statement's start date or "as of" date, else the source's date). Nothing is inferred beyond
what the data and the ODS register state.

Node kinds (:data:`KINDS` besides ``person``):

- ``organisation``: where someone holds or held a role, or served (lg:ServiceRecord), and who
  delivered a qualification;
- ``programme``: typed lg:Programme, reached through a role (org:organization or lg:programme);
- ``region``: NHS England regions and ICB areas (from ODS: lg:nhsRegion, lg:icb) and the
  places a source names (lg:servesArea, lg:spansRegion, skos:broader, lg:inAreaOf);
- ``qualification``: schema:hasCredential;
- ``trait``: lg:TraitAttribution.

Only ties at least one person can reach are kept: register-only trusts with nobody at them
are dropped (see :meth:`Ties.graph`).

>>> from leadgraph.loading import load
>>> t = ties(load())
>>> sorted({f.relation for f in t.facts})[:4]
['delivered by', 'has trait', 'held role at', 'holds qualification']
>>> t.kind["https://w3id.org/leadgraph/id/org-y62"], t.label["https://w3id.org/leadgraph/id/org-y62"]
('region', 'NHS England North West')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from leadgraph.errors import UsageError
from leadgraph.loading import store_of
from leadgraph.terms import Literal, literal_value, term_id

KINDS: tuple[str, ...] = ("organisation", "programme", "region", "qualification", "trait")
"""What people can be tied through (the ``via`` kinds of paths)."""

_PEOPLE = """
SELECT DISTINCT ?p WHERE { VALUES ?c { lg:Leader schema:Person foaf:Person } ?p a ?c }
"""
_ROLES = """
SELECT ?m ?p ?o ?prog ?src ?asOf ?start ?current WHERE {
  ?m org:member ?p .
  { ?m org:organization ?o } UNION { ?m lg:programme ?prog }
  OPTIONAL { ?m prov:wasDerivedFrom ?src }
  OPTIONAL { ?m lg:asOf ?asOf }
  OPTIONAL { ?m org:memberDuring/time:hasBeginning/time:inXSDDate ?start }
  OPTIONAL { ?m lg:current ?current }
}
"""
_SERVICE = """
SELECT ?s ?p ?o ?src ?asOf WHERE {
  ?s lg:person ?p ; lg:serviceIn ?o .
  OPTIONAL { ?s prov:wasDerivedFrom ?src }
  OPTIONAL { ?s lg:asOf ?asOf }
}
"""
_TRAITS = """
SELECT ?a ?p ?t ?src WHERE {
  ?a lg:person ?p ; lg:trait ?t .
  OPTIONAL { ?a prov:wasDerivedFrom ?src }
}
"""
_QUALIFICATIONS = """
SELECT ?p ?q ?src WHERE {
  ?p schema:hasCredential ?q .
  OPTIONAL { ?q prov:wasDerivedFrom ?src }
}
"""
# Plain links between the things people are tied to: (subject, predicate, object, subject's source).
_LINKS = """
SELECT ?s ?rel ?o ?src WHERE {
  VALUES (?pred ?rel) {
    (lg:deliveredBy "delivered by") (lg:nhsRegion "in NHS England region") (lg:icb "in ICB area")
    (lg:servesArea "serves") (lg:spansRegion "spans") (lg:hostedBy "hosted by") (lg:inAreaOf "in area of")
  }
  ?s ?pred ?o .
  OPTIONAL { ?s prov:wasDerivedFrom ?src }
}
"""
_BROADER_PLACES = """
SELECT ?s ?o ?src WHERE {
  ?s a lg:Region ; skos:broader ?o .
  OPTIONAL { ?s prov:wasDerivedFrom ?src }
}
"""
_KINDED = """
SELECT ?x ?k WHERE {
  { ?x a lg:Programme . BIND("programme" AS ?k) }
  UNION { VALUES ?c { lg:Region lg:NHSEnglandRegion lg:IntegratedCareBoard } ?x a ?c . BIND("region" AS ?k) }
}
"""
_SOURCES = """
SELECT ?s ?d WHERE { VALUES ?p { dcterms:issued dcterms:date } ?s ?p ?d }
"""


@dataclass(frozen=True)
class Fact:
    """One sourced tie: ``a`` --``relation``--> ``b``, from ``statement`` (or the subject itself),
    citing ``source`` (an IRI, "" when the data names none), dated ``date`` (ISO text or "")."""

    a: str
    relation: str
    b: str
    statement: str = ""
    source: str = ""
    date: str = ""


@dataclass
class Ties:
    """People, what they are tied to, and the facts that tie them (see the module documentation).

    ``kind`` and ``label`` map node ids to their kind and label; ``facts`` is every tie;
    ``source_title`` and ``source_date`` describe the sources the facts cite.
    """

    kind: dict[str, str] = field(default_factory=dict)
    label: dict[str, str] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    source_title: dict[str, str] = field(default_factory=dict)
    source_date: dict[str, str] = field(default_factory=dict)

    @property
    def people(self) -> list[str]:
        """Every person, in label order."""
        return sorted((n for n, k in self.kind.items() if k == "person"), key=lambda n: (self.label[n], n))

    def graph(self, kinds: Iterable[str] = KINDS) -> Any:
        """A simple undirected :class:`networkx.Graph` of people and the nodes of ``kinds``; each
        edge's ``facts`` lists the :class:`Fact` objects behind it (earliest date first). Nodes
        no person can reach, and dead ends that tie nobody to anybody (a trust only the register
        names, a trait one person has), are pruned away, so paths and communities stay among people."""
        import networkx as nx

        wanted = set(kinds) | {"person"}
        network = nx.Graph()
        for node in sorted(self.kind):
            if self.kind[node] in wanted:
                network.add_node(node, kind=self.kind[node], label=self.label[node])
        # Sorted, so neighbours are met in the same order whatever order the store answered in:
        # seeded communities and the order of equally short paths depend on it.
        for fact in sorted(self.facts, key=lambda f: (f.a, f.b, f.relation, f.statement, f.source)):
            if fact.a in network and fact.b in network and fact.a != fact.b:
                if network.has_edge(fact.a, fact.b):
                    network[fact.a][fact.b]["facts"].append(fact)
                else:
                    network.add_edge(fact.a, fact.b, facts=[fact])
        for _, _, facts in network.edges(data="facts"):
            facts.sort(key=lambda f: (f.date or "9999", f.relation, f.statement))
        _prune(network)
        return network

    def fact_row(self, fact: Fact, forward: bool = True) -> dict[str, Any]:
        """A fact as a flat row: the two ends (ids, labels, kinds), the relation, the statement,
        the source's IRI, title and date, and the fact's date."""
        a, b = (fact.a, fact.b) if forward else (fact.b, fact.a)
        return {
            "from": a, "from_label": self.label.get(a, a), "relation": fact.relation if forward else
            f"{fact.relation} (of)", "to": b, "to_label": self.label.get(b, b), "statement": fact.statement,
            "source": fact.source, "source_title": self.source_title.get(fact.source, ""),
            "date": fact.date or self.source_date.get(fact.source, ""),
        }

    def cite(self, fact: Fact) -> str:
        """"Title (date)" for a fact's source, as a reader sees it."""
        title = self.source_title.get(fact.source, "") or "no source given"
        date = fact.date or self.source_date.get(fact.source, "")
        return f"{title} ({date})" if date else title


def _prune(network: Any) -> None:
    """Remove, repeatedly, the non-person nodes tied to at most one node: they lie on no path
    between two people and join no one to a community."""
    queue = [n for n, k in network.nodes(data="kind") if k != "person" and network.degree(n) <= 1]
    while queue:
        node = queue.pop()
        if node not in network or network.degree(node) > 1:
            continue
        neighbours = list(network[node])
        network.remove_node(node)
        queue.extend(n for n in neighbours if network.nodes[n]["kind"] != "person" and network.degree(n) <= 1)


def ties(graph: Any = None, *, data: Any = None) -> Ties:
    """Read the sourced ties of ``graph`` (a LeadGraph or store, default ``load(data)``)."""
    from leadgraph.network.analytics import _Labeller

    store = store_of(graph, data)
    found = Ties()
    kind = found.kind

    def text(term: Any) -> str:
        if term is None:
            return ""
        return str(literal_value(term)) if isinstance(term, Literal) else term_id(term)

    for row in store.select(_PEOPLE):
        kind[term_id(row["p"])] = "person"
    for row in store.select(_KINDED):
        kind.setdefault(term_id(row["x"]), text(row["k"]))

    def tie(a: str, relation: str, b: str, b_kind: str, statement: str = "", source: Any = None, date: str = ""):
        if a not in kind:
            return
        kind.setdefault(b, b_kind)
        found.facts.append(Fact(a, relation, b, statement, text(source), date))

    for row in store.select(_ROLES):
        person = term_id(row["p"])
        if person not in kind:
            continue
        date = text(row.get("start")) or text(row.get("asOf"))
        current = row.get("current") is None or literal_value(row.get("current")) is not False
        where = row.get("o") if row.get("o") is not None else row.get("prog")
        target = term_id(where)
        target_kind = kind.get(target, "organisation")
        relation = ("works on" if target_kind == "programme" else "holds role at") if current else (
            "worked on" if target_kind == "programme" else "held role at")
        tie(person, relation, target, target_kind, term_id(row["m"]), row.get("src"), date)
    for row in store.select(_SERVICE):
        tie(term_id(row["p"]), "served in", term_id(row.get("o")), "organisation", term_id(row["s"]), row.get("src"),
            text(row.get("asOf")))
    for row in store.select(_TRAITS):
        if not isinstance(row["t"], Literal):
            tie(term_id(row["p"]), "has trait", term_id(row["t"]), "trait", term_id(row["a"]), row.get("src"))
    for row in store.select(_QUALIFICATIONS):
        tie(term_id(row["p"]), "holds qualification", term_id(row["q"]), "qualification", "", row.get("src"))
    # Links among the things people are tied to: only from nodes already known (so the 200-odd
    # register-only trusts arrive only when something links to them, and are pruned if nobody does).
    links = [(term_id(r["s"]), text(r["rel"]), term_id(r["o"]), r.get("src")) for r in store.select(_LINKS)]
    links += [(term_id(r["s"]), "within", term_id(r["o"]), r.get("src")) for r in store.select(_BROADER_PLACES)]
    kind_by_relation = {"delivered by": "organisation", "hosted by": "organisation"}
    out: dict[str, list[tuple[str, str, Any]]] = defaultdict(list)
    for s, relation, o, src in links:
        out[s].append((relation, o, src))
    reached = [n for n in kind if n in out]
    seen = set(reached)
    while reached:  # follow links forward from what people reach, and only from there
        s = reached.pop()
        for relation, o, src in out[s]:
            kind.setdefault(o, kind_by_relation.get(relation, "region"))
            found.facts.append(Fact(s, relation, o, "", text(src), ""))
            if o not in seen and o in out:
                seen.add(o)
                reached.append(o)
    cited = {f.source for f in found.facts if f.source}
    for row in store.select(_SOURCES):
        source = term_id(row["s"])
        if source in cited:
            found.source_date.setdefault(source, text(row.get("d")))
    labeller = _Labeller(store)
    labeller.prime([*kind, *cited])
    found.label = {n: labeller(n) for n in kind}
    found.source_title = {s: labeller(s) for s in cited}
    return found


def check_kinds(kinds: Sequence[str] | str | None, allowed: Sequence[str] = KINDS) -> tuple[str, ...]:
    """``kinds`` (a list or a comma-separated string; None: every allowed kind) checked against ``allowed``."""
    if kinds is None:
        return tuple(allowed)
    if isinstance(kinds, str):
        kinds = [k.strip() for k in kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in allowed]
    if unknown or not kinds:
        raise UsageError(f"unknown kind {', '.join(map(repr, unknown)) or '(none given)'} "
                         f"(choose from {', '.join(allowed)})")
    return tuple(dict.fromkeys(kinds))


def person_named(found: Ties, store: Any, name: str, option: str = "person") -> str:
    """The person ``name`` stands for, by the rules of :mod:`leadgraph.lookup` (an IRI, a prefixed
    name, a name or name variant, any case). None or several: a :class:`UsageError` saying so."""
    from leadgraph.lookup import as_iri, match_name, name_table

    people = {n for n, k in found.kind.items() if k == "person"}
    iri = as_iri(name.strip().strip("<>"))
    matches = ({iri} & people) if iri is not None else match_name(*name_table(store, people.__contains__), name)
    if len(matches) == 1:
        return next(iter(matches))
    if matches:
        listed = "; ".join(f"{found.label[m]} <{m}>" for m in sorted(matches))
        raise UsageError(f"{option} {name!r} names more than one person: {listed}; give the IRI")
    raise UsageError(f"{option} {name!r} names no person in the graph")

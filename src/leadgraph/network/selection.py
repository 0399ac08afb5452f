"""Choosing part of the graph, shared by ``leadgraph export`` and ``leadgraph viz``.

:func:`select` works on the projected graph (:func:`leadgraph.network.projection.to_networkx`)
and returns a :class:`Selection`: the chosen subgraph, and on request the RDF triples
behind it. The criteria combine like this:

1. ``query`` (a CONSTRUCT, or a SELECT returning ``?s ?p ?o``) narrows the graph to what
   its result mentions: every node the result names, plus the two ends of every edge
   made from a statement node the result names. With ``raw=True``, the result's
   triples that are in the data.
2. ``focus``, ``trait`` and ``organisation`` choose anchors. ``focus`` is one node;
   ``trait`` is the trait and the people it is attributed to; ``organisation`` is the
   organisation and the people who hold or held a role there. Given together, only the
   anchors they agree on remain (``--focus Phil --trait Resilience`` is Phil, if the
   source attributes resilience to him).
3. ``hops`` (default 1, only with anchors): everything within that many edges of an
   anchor, whatever the direction. The walk reaches source nodes but never passes
   through them, because everyone is "described in" the same article and would
   otherwise be two hops from everyone else. (Raw graphs: nor through literals or
   classes.)
4. ``kinds`` keeps only nodes of those kinds, after the walk: ``--focus Phil --hops 2
   --kinds person`` is the people within two hops of Phil.

The selected graph has the chosen nodes and every edge between them. A name is
matched case-insensitively against labels, names, name variants (schema:alternateName,
skos:altLabel) and ODS codes, then given names alone, then a unique family name, by the
one rule set of :mod:`leadgraph.lookup`; an IRI or prefixed name (``lgd:phill-james``) is
taken as it is.

The RDF triples of a selection (:meth:`Selection.triples`):

- no criteria: every triple of the graph;
- only ``query``: exactly the query's result triples (new triples a CONSTRUCT makes
  included);
- ``raw=True``: the triples of the selected edges (intersected with the query's result);
- otherwise: every triple whose subject is a selected node, or a statement node behind
  a selected edge or folded into a selected node's facts (the ``statements``
  attribute), or a blank node reached from those; with ``query`` as well, only the
  query's result triples among them.

>>> from leadgraph.loading import load
>>> chosen = select(load(), focus="phil", hops=1, kinds="organisation")
>>> sorted(d["label"] for _, d in chosen.graph.nodes(data=True))
['NHS', 'North West Ambulance Service NHS Trust', 'Warrington Together and Halton One']
"""

from __future__ import annotations

import difflib
import os
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadgraph.errors import QueryError, UsageError
from leadgraph.lookup import NameIndex, as_iri, normal
from leadgraph.namespaces import LG, ORG
from leadgraph.network.criteria import Criteria
from leadgraph.network.projection import KINDS, RAW_KINDS, to_networkx
from leadgraph.loading import store_of
from leadgraph.store.rdf import parse_solutions, parse_triples
from leadgraph.terms import BlankNode, NamedNode, Triple, id_term, term_id, triple_key

if TYPE_CHECKING:
    import networkx as nx


class EmptySelection(QueryError):
    """The selection matched no nodes (exit 1)."""


_NOT_THROUGH = {"source", "literal", "class"}


@dataclass
class Selection:
    """The outcome of :func:`select`.

    Attributes:
        graph: the selected subgraph (a new ``networkx.MultiDiGraph``, same schema as
            :func:`leadgraph.network.projection.to_networkx`).
        raw: whether ``graph`` is the raw (one edge per triple) projection.
        criteria: the criteria given, as ``{"focus": ..., "hops": ...}``; empty for the
            whole graph.
    """

    graph: nx.MultiDiGraph
    raw: bool
    criteria: dict[str, Any]
    store: Any = field(repr=False)
    query_triples: list[Triple] | None = field(default=None, repr=False)

    @property
    def whole(self) -> bool:
        """True when no criterion was given: the selection is the whole graph."""
        return not self.criteria

    def triples(self) -> list[Triple]:
        """The RDF triples of the selection (see the module documentation), sorted."""
        only_query = set(self.criteria) == {"query"}
        if self.whole:
            found = set(self.store.triples())
        elif only_query:
            found = set(self.query_triples or [])
        elif self.raw:
            found = {_edge_triple(u, v, d) for u, v, d in self.graph.edges(data=True)}
        else:
            found = self._described_triples()
        if self.query_triples is not None and not only_query:
            found &= set(self.query_triples)
        return sorted(found, key=triple_key)

    def _described_triples(self) -> set[Triple]:
        subjects: set[str] = set()
        for n, data in self.graph.nodes(data=True):
            subjects.add(n)
            subjects.update(_split(data.get("statements")))
        for _, _, data in self.graph.edges(data=True):
            subjects.update(_split(data.get("statements")))
        found: set[Triple] = set()
        todo = deque(sorted(subjects))
        seen = set(subjects)
        while todo:
            for triple in self.store.triples(id_term(todo.popleft()), None, None):
                found.add(triple)
                if isinstance(triple.object, BlankNode):
                    blank = term_id(triple.object)
                    if blank not in seen:
                        seen.add(blank)
                        todo.append(blank)
        return found


def select(
    graph: Any,
    focus: str | None = None,
    hops: int | None = None,
    kinds: str | Iterable[str] | None = None,
    trait: str | None = None,
    organisation: str | None = None,
    query: str | os.PathLike[str] | None = None,
    *,
    raw: bool = False,
    network: nx.MultiDiGraph | None = None,
    criteria: Criteria | None = None,
) -> Selection:
    """Select part of ``graph`` (a LeadGraph or any store); see the module docs.

    ``kinds`` is a list or a comma-separated string. ``query`` is a path to a query
    file, the query text, or a named query (see :func:`run_query`). ``network`` is
    an already projected graph of ``graph`` (saves projecting it again). ``criteria``
    (a :class:`~leadgraph.network.criteria.Criteria`) gives the options as one value;
    options given by name are added to it.

    Raises:
        UsageError: a bad option value, a name that matches nothing or more than one
            node (the message lists candidates), ``hops`` without an anchor.
        QueryError: an unreadable, malformed or unsafe query, or one of the wrong form
            (a missing query file or unknown named query is a UsageError).
        EmptySelection: nothing matched (a QueryError, exit 1).

    >>> from leadgraph.loading import load
    >>> s = select(load(), trait="resilience", hops=0)
    >>> sorted(d["label"] for _, d in s.graph.nodes(data=True))
    ['Garry Harris', 'Phill James', 'Resilience']
    """
    chosen_by = Criteria.of(criteria, focus=focus, hops=hops, kinds=kinds, trait=trait, organisation=organisation,
                            query=query)
    focus, hops, kinds, trait = chosen_by.focus, chosen_by.hops, chosen_by.kinds, chosen_by.trait
    organisation, query = chosen_by.organisation, chosen_by.query
    store = store_of(graph)
    kind_set = _parse_kinds(kinds, raw)
    anchored = focus is not None or trait is not None or organisation is not None
    if hops is not None:
        if not anchored:
            raise UsageError("--hops needs --focus, --trait or --organisation")
        if isinstance(hops, bool) or not isinstance(hops, int) or hops < 0:
            raise UsageError(f"--hops must be a whole number, 0 or more (got {hops!r})")
    criteria: dict[str, Any] = {
        k: v
        for k, v in (
            ("focus", focus),
            ("hops", (1 if hops is None else hops) if anchored else None),
            ("kinds", ",".join(sorted(kind_set)) if kind_set else None),
            ("trait", trait),
            ("organisation", organisation),
            ("query", str(query) if query is not None else None),
        )
        if v is not None
    }
    full = network if network is not None else to_networkx(store, raw=raw)
    if not criteria:
        return Selection(full, raw, criteria, store)

    query_triples = run_query(store, query) if query is not None else None
    universe = set(full) if query_triples is None else _query_nodes(full, query_triples, raw)

    chosen = universe
    if anchored:
        anchors: set[str] | None = None
        if focus is not None:
            anchors = {resolve(store, focus, full, option="--focus")}
        if trait is not None:
            t = resolve(store, trait, full, kinds=("trait",), option="--trait")
            found = _people(store, LG + "trait", LG + "person", t) | {t}
            anchors = found if anchors is None else anchors & found
        if organisation is not None:
            o = resolve(store, organisation, full, kinds=("organisation",), option="--organisation")
            found = _people(store, ORG + "organization", ORG + "member", o) | {o}
            anchors = found if anchors is None else anchors & found
        chosen = _ball(full, (anchors or set()) & universe, criteria["hops"], universe)
    if kind_set:
        chosen = {n for n in chosen if full.nodes[n].get("kind") in kind_set}
    if not chosen:
        shown = " ".join(f"--{k} {v!r}" if k != "hops" else f"--hops {v}" for k, v in criteria.items())
        raise EmptySelection(f"selection matched no nodes: {shown}")

    edges = [(u, v, k, d) for u, v, k, d in full.edges(keys=True, data=True) if u in chosen and v in chosen]
    if raw and query_triples is not None:
        wanted = {triple_key(t) for t in query_triples}
        edges = [e for e in edges if triple_key(_edge_triple(e[0], e[1], e[3])) in wanted]
    return Selection(_rebuilt(full, chosen, edges), raw, criteria, store, query_triples)


def _rebuilt(full: nx.MultiDiGraph, chosen: set[str], edges: list) -> nx.MultiDiGraph:
    # Not full.subgraph(): its views iterate the chosen set when it is small, in an order that
    # changes with Python's string hashing, and exports must not change from run to run.
    sub = full.__class__()
    sub.add_nodes_from((n, dict(d)) for n, d in full.nodes(data=True) if n in chosen)
    sub.add_edges_from((u, v, k, dict(d)) for u, v, k, d in edges)
    return sub


def resolve(
    graph: Any,
    name: str,
    network: nx.MultiDiGraph | None = None,
    *,
    kinds: Iterable[str] | None = None,
    option: str = "--focus",
) -> str:
    """The node id ``name`` stands for: an IRI, a prefixed name, or a label or name variant
    (case-insensitive). ``kinds`` limits the nodes considered.

    Raises UsageError when nothing or more than one node matches, listing candidates.

    >>> from leadgraph.loading import load
    >>> resolve(load(), "PHIL")
    'https://w3id.org/leadgraph/id/phill-james'
    """
    store = store_of(graph)
    network = network if network is not None else to_networkx(store)
    allowed = set(kinds) if kinds is not None else None
    what = " or ".join(sorted(allowed)) if allowed else "node"

    def eligible(n: str) -> bool:
        kind = network.nodes[n].get("kind") if n in network else None
        return kind is not None and kind != "literal" and (allowed is None or kind in allowed)

    text = name.strip()
    iri = as_iri(text)
    if iri is not None:
        if eligible(iri):
            return iri
        raise UsageError(f"{option} {name!r}: no {what} with that IRI in the graph")

    index = NameIndex.from_store(store, eligible)
    matches = index.match(text)
    if len(matches) == 1:
        return next(iter(matches))
    if matches:
        shown = ", ".join(f"{network.nodes[n].get('label', n)} <{n}>" for n in sorted(matches))
        raise UsageError(f"{option} {name!r} is ambiguous: it names {shown}; give the IRI instead")
    labels = sorted({network.nodes[n]["label"] for ns in index.tiers[0].values() for n in ns})
    close = difflib.get_close_matches(text, labels, n=5, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(normal(text), list(index.tiers[0]), n=5, cutoff=0.6)
    hint = f"did you mean: {', '.join(close)}?" if close else f"known: {', '.join(labels[:12])}" + (
        ", ..." if len(labels) > 12 else ""
    )
    raise UsageError(f"{option} {name!r} matches no {what}; {hint}")


def run_query(graph: Any, query: str | os.PathLike[str], *, timeout: float | None = 30.0) -> list[Triple]:
    """The triples of a CONSTRUCT (or DESCRIBE), or of a SELECT returning ``?s ?p ?o``.

    ``query`` is a path to a ``.rq`` file, the query text, or a named query. It runs
    through :func:`leadgraph.sparql.run.query`: read-only, SERVICE / LOAD / FROM / ``file:``
    refused (it never reaches the network), project prefixes predeclared, stopped after
    ``timeout`` seconds.

    >>> from leadgraph.loading import load
    >>> t = run_query(load(), "CONSTRUCT { ?p a lg:Leader } WHERE { ?p a lg:Leader }")
    >>> len(t)
    6
    """
    from leadgraph.sparql.run import query as run

    if isinstance(query, str) and "{" not in query and Path(query).is_file():
        query = Path(query)  # any file name, not only *.rq
    try:
        result = run(query, graph=store_of(graph), timeout=timeout)
    except QueryError as exc:
        # export and viz have no --allow-network: selections never reach the network.
        if exc.remedy == "network":
            exc.hint = "selection queries never reach the network"
        raise
    where = str(query) if isinstance(query, os.PathLike) or "{" not in str(query) else None  # file or name
    if result.form in ("construct", "describe"):
        return list(result.triples)
    if result.form != "select":
        raise QueryError(
            f"the query must be a CONSTRUCT, or a SELECT returning ?s ?p ?o (not {result.form.upper()})", path=where
        )
    names, solutions = parse_solutions(result.payload)
    missing = [v for v in ("s", "p", "o") if v not in names]
    if missing:
        raise QueryError(f"a SELECT query must return ?s ?p ?o (missing {', '.join('?' + m for m in missing)})", path=where)
    triples = []
    for row, solution in enumerate(solutions, start=1):
        s, p, o = (solution[names.index(v)] for v in ("s", "p", "o"))
        try:
            triples.append(Triple(s, p, o))
        except TypeError:
            raise QueryError(
                f"result row {row} is not a triple (?s {s}, ?p {p}, ?o {o}): ?s must be an IRI or "
                "blank node, ?p an IRI, and none unbound",
                path=where,
            ) from None
    return triples


def _parse_kinds(kinds: str | Iterable[str] | None, raw: bool) -> set[str]:
    if kinds is None:
        return set()
    items = kinds.split(",") if isinstance(kinds, str) else list(kinds)
    wanted = {k.strip().lower() for k in items if k.strip()}
    valid = RAW_KINDS if raw else KINDS
    unknown = sorted(wanted - set(valid))
    if unknown or not wanted:
        raise UsageError(f"--kinds: unknown kind {', '.join(unknown) or '(none given)'}; choose from {', '.join(valid)}")
    return wanted


def _people(store: Any, link: str, who: str, node: str) -> set[str]:
    """The ``who`` of every statement whose ``link`` is ``node`` (e.g. the people of trait attributions)."""
    statements = {t.subject for t in store.triples(None, NamedNode(link), id_term(node))}
    return {term_id(t.object) for s in statements for t in store.triples(s, NamedNode(who), None)}


def _ball(network: nx.MultiDiGraph, anchors: set[str], hops: int, universe: set[str]) -> set[str]:
    reached = set(anchors)
    frontier = set(anchors)
    for _ in range(hops):
        following: set[str] = set()
        for n in frontier:
            if n not in anchors and network.nodes[n].get("kind") in _NOT_THROUGH:
                continue
            for m in (*network.successors(n), *network.predecessors(n)):
                if m in universe and m not in reached:
                    following.add(m)
        reached |= following
        frontier = following
    return reached


def _query_nodes(network: nx.MultiDiGraph, triples: list[Triple], raw: bool) -> set[str]:
    mentioned = {term_id(t.subject) for t in triples} | {term_id(t.object) for t in triples}
    found = {n for n in mentioned if n in network}
    if not raw:
        for u, v, data in network.edges(data=True):
            if mentioned.intersection(_split(data.get("statements"))):
                found.update((u, v))
    return found


def _split(value: Any) -> list[str]:
    return [v for v in str(value).split("; ") if v] if value else []


def _edge_triple(u: str, v: str, data: dict[str, Any]) -> Triple:
    predicate = NamedNode(data["predicate"])
    if v.startswith('"'):
        parsed = parse_triples(f"<urn:x:s> <urn:x:p> {v} .".encode(), "nt")[0]
        return Triple(id_term(u), predicate, parsed.object)
    return Triple(id_term(u), predicate, id_term(v))

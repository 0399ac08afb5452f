"""Network analytics: who shares traits, which nodes are central, what the graph holds.

Small functions over plain data. They describe the network as the sources put it and
never add judgements about people: every row carries what it was computed from (the
shared trait labels, the neighbours counted), so a reader can check it against the data.

- :func:`trait_similarity` -- pairs of people who share traits (or trait groups), with
  the count, the Jaccard index and the labels shared. Built from a sparse person x trait
  incidence matrix ``M`` as ``M @ M.T`` (scipy), never a pairwise loop or a SPARQL
  self-join: pairwise similarity is a join explosion in any SPARQL engine.
- :func:`centrality` -- degree, betweenness or eigenvector centrality over the
  people-centred projection (:func:`leadgraph.network.projection.to_networkx`), without source
  nodes: every statement cites the same article, which would otherwise sit in the middle
  of every path.
- :func:`summary` -- node counts per kind, connected components and the organisations
  and traits linked to the most people.
- :func:`analyse` -- one call for the CLI: runs one of the above and returns an
  :class:`Analysis` that renders as a table, CSV, TSV or JSON.

networkx and scipy are imported only inside the functions that need them.

>>> from leadgraph.loading import load
>>> graph = load()
>>> [(r["person_a_label"], r["person_b_label"], r["shared_labels"])
...  for r in trait_similarity(graph, min_shared=2)]
[('Garry Harris', 'Phill James', ['Patient focus', 'Resilience'])]
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadgraph.errors import UsageError
from leadgraph.network.criteria import Criteria
from leadgraph.loading import store_of
from leadgraph.terms import Literal, NamedNode, id_term, term_id
from leadgraph.namespaces import LG, SKOS, XSD

ANALYSES: tuple[str, ...] = ("similarity", "centrality", "summary")
"""What :func:`analyse` can run."""
METRICS: tuple[str, ...] = ("jaccard", "count")
"""Orderings for :func:`trait_similarity`: the first key of the sort."""
MEASURES: tuple[str, ...] = ("degree", "betweenness", "eigenvector")
"""Centrality measures for :func:`centrality`."""
LEVELS: tuple[str, ...] = ("trait", "group")
"""What :func:`trait_similarity` compares: traits, or their groups (skos:broader)."""
FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json")
"""Output formats of :meth:`Analysis.serialize`."""

_ROWS_PER_BLOCK = 2048  # rows of M @ M.T computed at once: bounds memory when most pairs share something
_DIGITS = 6  # scores are rounded so float noise cannot reorder ties between platforms


# -- trait similarity ------------------------------------------------------------------------------


def trait_similarity(
    graph: Any = None,
    min_shared: int = 1,
    metric: str = "jaccard",
    level: str = "trait",
    *,
    data: str | Path | list[str | Path] | None = None,
    criteria: Criteria | None = None,
    **selection: Any,
) -> list[dict[str, Any]]:
    """Pairs of people the sources attribute at least ``min_shared`` common traits to.

    Traits come from lg:TraitAttribution nodes (lg:person, lg:trait); a trait attributed
    twice counts once. ``level="group"`` compares trait groups instead (a trait's
    skos:broader; a trait with no group stands for itself). ``graph`` is a LeadGraph or a
    store, defaulting to ``load(data)``. With selection options (``criteria``, or ``focus=``,
    ``trait=``... as for :func:`~leadgraph.network.selection.select`), only the people and
    traits of the selection count.

    Each row: ``person_a``, ``person_a_label``, ``person_b``, ``person_b_label`` (the
    pair ordered by label), ``shared`` (how many in common), ``jaccard`` (shared divided
    by how many the two have between them), ``total_a``, ``total_b`` (how many each has),
    ``shared_labels`` and ``shared_iris`` (what they share, sorted by label). Rows are
    sorted by ``metric`` (``"jaccard"`` or ``"count"``) from highest, then by the other
    one, then by the two labels.

    >>> from leadgraph.loading import load
    >>> rows = trait_similarity(load(), metric="count")
    >>> [(r["person_a_label"], r["person_b_label"], r["shared"], r["jaccard"]) for r in rows[:2]]
    [('Garry Harris', 'Phill James', 2, 0.2), ('Arif Patel', 'Ayesha Rahim', 1, 0.125)]
    >>> top = trait_similarity(load(), level="group")[0]
    >>> top["person_a_label"], top["person_b_label"], top["shared_labels"], top["total_a"], top["total_b"]
    ('Arif Patel', 'Garry Harris', ['Leading change', 'Leading people', 'Personal qualities'], 3, 4)
    """
    if metric not in METRICS:
        raise UsageError(f"unknown similarity metric {metric!r} (choose from {', '.join(METRICS)})")
    if level not in LEVELS:
        raise UsageError(f"unknown level {level!r} (choose from {', '.join(LEVELS)})")
    if isinstance(min_shared, bool) or not isinstance(min_shared, int) or min_shared < 1:
        raise UsageError(f"min_shared must be a whole number of at least 1, not {min_shared!r}")
    store = store_of(graph, data)
    chosen_by = Criteria.of(criteria, selection)
    if chosen_by:
        held = _selected_incidence(store, chosen_by, level)
    else:  # two pattern scans: no projection needed, which matters at national scale
        held = _trait_incidence(store, level)
    return _similar_pairs(held, min_shared, metric, _Labeller(store))


def _selected_incidence(store: Any, criteria: Criteria, level: str) -> dict[str, set[str]]:
    """person id -> traits (or groups), read off the "has trait" edges of a selection."""
    from leadgraph.network.selection import select

    network = select(store, criteria=criteria).graph
    held: dict[str, set[str]] = defaultdict(set)
    for person, trait, relation in network.edges(data="relation"):
        if relation != "has trait":
            continue
        if level == "group":
            groups = [g for _, g, r in network.out_edges(trait, data="relation") if r == "in group"]
            held[person].update(groups or [trait])
        else:
            held[person].add(trait)
    return held


def _trait_incidence(store: Any, level: str) -> dict[str, set[str]]:
    """person id -> the traits (or trait groups) attributed to them, from two pattern scans."""
    trait_of: dict[Any, list[str]] = defaultdict(list)
    for triple in store.triples(None, NamedNode(LG + "trait"), None):
        if not isinstance(triple.object, Literal):
            trait_of[triple.subject].append(term_id(triple.object))
    if level == "group":
        broader = NamedNode(SKOS + "broader")
        groups: dict[str, list[str]] = {}
        for trait in {t for ts in trait_of.values() for t in ts}:
            found = [term_id(t.object) for t in store.triples(id_term(trait), broader, None)
                     if not isinstance(t.object, Literal)]
            groups[trait] = found or [trait]
        trait_of = defaultdict(list, {a: [g for t in ts for g in groups[t]] for a, ts in trait_of.items()})
    held: dict[str, set[str]] = defaultdict(set)
    for triple in store.triples(None, NamedNode(LG + "person"), None):
        # lg:person also ties backgrounds and service records to people: only attributions have lg:trait.
        if triple.subject in trait_of and not isinstance(triple.object, Literal):
            held[term_id(triple.object)].update(trait_of[triple.subject])
    return held


def _similar_pairs(
    held: dict[str, set[str]], min_shared: int, metric: str, labeller: _Labeller
) -> list[dict[str, Any]]:
    import numpy as np
    from scipy import sparse

    # Ordered by label, so a pair's person_a is the one whose label sorts first and an index
    # comparison is a label comparison; features too, so shared labels come out sorted.
    people = sorted(held, key=lambda p: (labeller(p), p))
    features = sorted({f for fs in held.values() for f in fs}, key=lambda f: (labeller(f), f))
    column = {f: i for i, f in enumerate(features)}
    rows = np.repeat(np.arange(len(people)), [len(held[p]) for p in people])
    cols = np.fromiter((column[f] for p in people for f in held[p]), dtype=np.int64, count=len(rows))
    incidence = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(people), len(features))
    )
    totals = np.asarray(incidence.sum(axis=1)).ravel().astype(np.int64)
    transposed = incidence.T.tocsc()
    found_a, found_b, found_n = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)], [np.empty(0)]
    for start in range(0, len(people), _ROWS_PER_BLOCK):
        block = (incidence[start : start + _ROWS_PER_BLOCK] @ transposed).tocoo()
        a = block.row.astype(np.int64) + start
        keep = (block.col > a) & (block.data >= min_shared)
        found_a.append(a[keep])
        found_b.append(block.col[keep].astype(np.int64))
        found_n.append(block.data[keep])
    a_all, b_all = np.concatenate(found_a), np.concatenate(found_b)
    shared_all = np.concatenate(found_n).astype(np.int64)
    jaccard_all = np.array([round(j, _DIGITS) for j in
                            (shared_all / (totals[a_all] + totals[b_all] - shared_all)).tolist()])
    first, second = (jaccard_all, shared_all) if metric == "jaccard" else (shared_all, jaccard_all)
    order = np.lexsort((b_all, a_all, -second, -first))  # last key sorts first

    person_labels = [labeller(p) for p in people]
    feature_labels = [labeller(f) for f in features]
    masks = [sum(1 << column[f] for f in held[p]) for p in people]
    totals_list = totals.tolist()
    result = []
    # One bit mask AND per pair found (not per pair of people), to name what they share.
    ordered = zip(a_all[order].tolist(), b_all[order].tolist(), shared_all[order].tolist(),
                  jaccard_all[order].tolist())
    for a, b, shared, jaccard in ordered:
        common, bits = [], masks[a] & masks[b]
        while bits:
            low = bits & -bits
            common.append(low.bit_length() - 1)
            bits ^= low
        result.append({
            "person_a": people[a], "person_a_label": person_labels[a],
            "person_b": people[b], "person_b_label": person_labels[b],
            "shared": shared, "jaccard": jaccard,
            "total_a": totals_list[a], "total_b": totals_list[b],
            "shared_labels": [feature_labels[c] for c in common], "shared_iris": [features[c] for c in common],
        })
    return result


# -- centrality ------------------------------------------------------------------------------------


def centrality(
    graph: Any = None,
    kinds: Sequence[str] | str | None = "person",
    measure: str = "degree",
    *,
    data: str | Path | list[str | Path] | None = None,
    criteria: Criteria | None = None,
    **selection: Any,
) -> list[dict[str, Any]]:
    """Centrality of each node of ``kinds`` in the people-centred projection (of the selection,
    when ``criteria`` or selection options other than ``kinds`` are given: there ``kinds`` is
    what to rank, ``criteria.kinds`` what to keep).

    Computed on :func:`~leadgraph.network.projection.to_networkx` made undirected, with parallel
    edges merged and source nodes removed (everything cites the one article, which would
    otherwise dominate every measure). ``measure``: ``"degree"`` (neighbours divided by
    the number of other nodes), ``"betweenness"`` (share of shortest paths through the
    node, normalised) or ``"eigenvector"``. ``kinds`` is a list of kinds or a comma-separated
    string (``"person,trait"``); ``None`` reports every kind. Scores are
    rounded to 6 decimal places.

    Each row: ``node``, ``label``, ``kind``, ``score``, ``neighbours`` (how many nodes it
    links to) and ``neighbour_labels``; sorted by score (highest first), then label.

    >>> from leadgraph.loading import load
    >>> top = centrality(load())[0]
    >>> top["label"], top["neighbours"], top["neighbour_labels"][:3]
    ('Phill James', 10, ['Chief Information Officer', 'Decision making', 'Director of Digital'])
    """
    if measure not in MEASURES:
        raise UsageError(f"unknown centrality measure {measure!r} (choose from {', '.join(MEASURES)})")
    network = _people_network(graph, data, Criteria.of(criteria, selection))
    wanted = _check_kinds(kinds)
    import networkx as nx

    if network.number_of_nodes() < 2:
        scores = {n: 0.0 for n in network}
    elif measure == "degree":
        scores = nx.degree_centrality(network)
    elif measure == "betweenness":
        scores = nx.betweenness_centrality(network)
    else:
        scores = _eigenvector(network)
    rows = []
    for node, attrs in network.nodes(data=True):
        if wanted is not None and attrs["kind"] not in wanted:
            continue
        neighbours = sorted(network[node], key=lambda n: (network.nodes[n]["label"], n))
        rows.append({
            "node": node, "label": attrs["label"], "kind": attrs["kind"],
            "score": round(float(scores[node]), _DIGITS) + 0.0,  # + 0.0: no "-0.0"
            "neighbours": len(neighbours),
            "neighbour_labels": [network.nodes[n]["label"] for n in neighbours],
        })
    rows.sort(key=lambda r: (-r["score"], r["label"], r["node"]))
    return rows


def _eigenvector(network: Any) -> dict[str, float]:
    import networkx as nx

    # Per component, scaled by its share of the nodes: the power iteration behind
    # nx.eigenvector_centrality need not converge on a disconnected graph.
    scores: dict[str, float] = {}
    total = network.number_of_nodes()
    for part in nx.connected_components(network):
        if len(part) == 1:
            scores.update(dict.fromkeys(part, 0.0))
            continue
        found = nx.eigenvector_centrality_numpy(network.subgraph(part))
        scale = len(part) / total
        scores.update({n: abs(v) * scale for n, v in found.items()})
    return scores


def _people_network(graph: Any, data: Any, criteria: Criteria | None = None) -> Any:
    """The projection (of the selection, with ``criteria``) as a simple undirected networkx
    graph, without source nodes."""
    import networkx as nx

    from leadgraph.network.projection import to_networkx

    store = store_of(graph, data)
    if criteria:
        from leadgraph.network.selection import select

        projected = select(store, criteria=criteria).graph
    else:
        projected = to_networkx(store)
    network = nx.Graph()
    network.add_nodes_from((n, a) for n, a in projected.nodes(data=True) if a["kind"] != "source")
    network.add_edges_from((u, v) for u, v in projected.edges() if u in network and v in network and u != v)
    return network


def _check_kinds(kinds: Sequence[str] | str | None) -> set[str] | None:
    from leadgraph.network.projection import KINDS

    if kinds is None:
        return None
    if isinstance(kinds, str):
        kinds = [k.strip() for k in kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise UsageError(f"unknown kind {', '.join(map(repr, unknown)) or '(none given)'} "
                         f"(choose from {', '.join(KINDS)})")
    return set(kinds)


# -- summary ---------------------------------------------------------------------------------------


def summary(
    graph: Any = None, top: int = 5, *, data: str | Path | list[str | Path] | None = None,
    criteria: Criteria | None = None, **selection: Any,
) -> dict[str, Any]:
    """What an analyst asks first, counted exactly on the people-centred projection
    (without source nodes, as for :func:`centrality`), or on a selection of it.

    Returns a dict:

    - ``nodes``: kind -> how many nodes of that kind (kinds with none left out);
      ``links``: how many distinct pairs of linked nodes;
    - ``components``: the connected components, largest first, each with its ``size``
      and the ``people`` in it (labels);
    - ``most_connected``: for ``organisation`` and ``trait``, the ``top`` nodes linked to
      the most people, each with ``node``, ``label``, ``people`` (how many) and
      ``people_labels`` (who). Ties are ordered by label; ties past the cut are left out.

    >>> from leadgraph.loading import load
    >>> facts = summary(load(), top=1)
    >>> facts["nodes"]["person"], len([c for c in facts["components"] if c["people"]])
    (6, 1)
    >>> facts["most_connected"]["trait"]
    [{'node': 'https://w3id.org/leadgraph/id/trait-patient-focus', 'label': 'Patient focus', 'people': 3, \
'people_labels': ['Ayesha Rahim', 'Garry Harris', 'Phill James']}]
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise UsageError(f"top must be a whole number of at least 0, not {top!r}")
    import networkx as nx

    from leadgraph.network.projection import KINDS

    network = _people_network(graph, data, Criteria.of(criteria, selection))
    kind_of = dict(network.nodes(data="kind"))
    label_of = dict(network.nodes(data="label"))
    counted = defaultdict(int)
    for kind in kind_of.values():
        counted[kind] += 1

    def people_in(nodes: Iterable[str]) -> list[str]:
        return sorted(label_of[n] for n in nodes if kind_of[n] == "person")

    components = [{"size": len(part), "people": people_in(part)} for part in nx.connected_components(network)]
    components.sort(key=lambda c: (-c["size"], c["people"]))
    most: dict[str, list[dict[str, Any]]] = {}
    for kind in ("organisation", "trait"):
        ranked = []
        for node in network:
            if kind_of[node] == kind:
                who = people_in(network[node])
                if who:
                    ranked.append({"node": node, "label": label_of[node], "people": len(who), "people_labels": who})
        ranked.sort(key=lambda r: (-r["people"], r["label"], r["node"]))
        most[kind] = ranked[:top]
    return {
        "nodes": {k: counted[k] for k in KINDS if counted.get(k)},
        "links": network.number_of_edges(),
        "components": components,
        "most_connected": most,
    }


# -- one call for the CLI --------------------------------------------------------------------------


@dataclass
class Analysis:
    """The answer of :func:`analyse`: ``data`` (what the library function returned),
    ``rows`` (flat dicts) and ``columns`` (the keys a table shows)."""

    name: str
    data: Any
    rows: list[dict[str, Any]]
    columns: list[str] = field(default_factory=list)

    def serialize(self, fmt: str | None = None) -> bytes:
        """The answer as bytes: ``table`` (the default: the chosen columns, labels only),
        ``csv``/``tsv`` (every column, IRIs included; lists joined with "; ") or
        ``json`` (what the library function returned).

        Tables and CSV come from :meth:`leadgraph.sparql.results.QueryResult.serialize`, so they
        line up, shorten and escape text exactly as query results do.
        """
        fmt = (fmt or "table").lower()
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
        if fmt == "json":
            return (json.dumps(self.data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        from leadgraph.sparql.results import QueryResult

        columns = self.columns if fmt == "table" else list(self.rows[0]) if self.rows else self.columns
        payload = {
            "head": {"vars": columns},
            "results": {"bindings": [
                {c: _binding(row[c], fmt == "table") for c in columns if row.get(c) not in (None, "", [])}
                for row in self.rows
            ]},
        }
        return QueryResult("select", json.dumps(payload).encode("utf-8")).serialize(fmt)


def analyse(
    analysis: str,
    graph: Any = None,
    *,
    data: str | Path | list[str | Path] | None = None,
    min_shared: int | None = None,
    level: str | None = None,
    measure: str | None = None,
    rank: Sequence[str] | str | None = None,
    top: int | None = None,
    criteria: Criteria | None = None,
) -> Analysis:
    """Run one analysis by name (``similarity``, ``centrality`` or ``summary``) with the
    options that apply to it; an option that does not apply is a :class:`UsageError`.

    ``measure`` is the similarity ``metric`` (jaccard, count) or the centrality
    ``measure`` (degree, betweenness, eigenvector). ``rank`` is the node kinds centrality
    ranks (a list or a comma-separated string; the ``kinds`` of :func:`centrality`).
    ``criteria`` (a :class:`~leadgraph.network.criteria.Criteria`) narrows every analysis to
    a selection, as ``leadgraph export`` selects.

    >>> from leadgraph.loading import load
    >>> print(analyse("similarity", load(), min_shared=2).serialize().decode(), end="")
    person_a_label  person_b_label  shared  jaccard  shared_labels
    --------------  --------------  ------  -------  -------------------------
    Garry Harris    Phill James     2       0.200    Patient focus; Resilience
    (1 row)
    """
    if analysis not in ANALYSES:
        raise UsageError(f"unknown analysis {analysis!r} (choose from {', '.join(ANALYSES)})")
    given = {"min_shared": min_shared, "level": level, "measure": measure, "rank": rank, "top": top}
    allowed = {"similarity": {"min_shared", "level", "measure"}, "centrality": {"measure", "rank"},
               "summary": {"top"}}[analysis]
    stray = [name for name, value in given.items() if value is not None and name not in allowed]
    if stray:
        names = ", ".join("--" + s.replace("_", "-") for s in stray)
        raise UsageError(f"{names} does not apply to {analysis} (it takes: "
                         f"{', '.join('--' + a.replace('_', '-') for a in sorted(allowed))})")
    store = store_of(graph, data)
    if analysis == "similarity":
        rows = trait_similarity(store, 1 if min_shared is None else min_shared, measure or "jaccard",
                                level or "trait", criteria=criteria)
        return Analysis(analysis, rows, rows,
                        ["person_a_label", "person_b_label", "shared", "jaccard", "shared_labels"])
    if analysis == "centrality":
        rows = centrality(store, "person" if rank is None else rank, measure or "degree", criteria=criteria)
        return Analysis(analysis, rows, rows, ["label", "kind", "score", "neighbours", "neighbour_labels"])
    facts = summary(store, 5 if top is None else top, criteria=criteria)
    return Analysis(analysis, facts, _summary_rows(facts), ["section", "kind", "label", "value", "based_on"])


def _summary_rows(facts: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"section": "nodes", "kind": kind, "node": "", "label": "", "value": n, "based_on": ""}
        for kind, n in facts["nodes"].items()
    ]
    rows.append({"section": "links", "kind": "", "node": "", "label": "", "value": facts["links"], "based_on": ""})
    for i, part in enumerate(facts["components"], 1):
        rows.append({"section": "component", "kind": "", "node": "", "label": f"component {i}",
                     "value": part["size"], "based_on": part["people"]})
    for kind, ranked in facts["most_connected"].items():
        for r in ranked:
            rows.append({"section": "most people", "kind": kind, "node": r["node"], "label": r["label"],
                         "value": r["people"], "based_on": r["people_labels"]})
    return rows


# -- small helpers ---------------------------------------------------------------------------------


class _Labeller:
    """A node's label by the project's one rule (:func:`leadgraph.labels.store_label`), looked
    up once per node."""

    def __init__(self, store: Any):
        self.store = store
        self.cache: dict[str, str] = {}

    def __call__(self, node_id: str) -> str:
        found = self.cache.get(node_id)
        if found is None:
            found = self.cache[node_id] = self._find(node_id)
        return found

    def _find(self, node_id: str) -> str:
        from leadgraph.labels import fallback_label, store_label

        return store_label(self.store, id_term(node_id)) or fallback_label(node_id)


def _binding(value: Any, table: bool) -> dict[str, str]:
    if isinstance(value, bool):
        return {"type": "literal", "value": "true" if value else "false", "datatype": XSD + "boolean"}
    if isinstance(value, int):
        return {"type": "literal", "value": str(value), "datatype": XSD + "integer"}
    if isinstance(value, float):
        # Three decimals read well in a table; CSV keeps what the library computed.
        return {"type": "literal", "value": f"{value:.3f}" if table else repr(value), "datatype": XSD + "decimal"}
    if isinstance(value, list):
        return {"type": "literal", "value": "; ".join(map(str, value))}
    return {"type": "literal", "value": str(value)}

"""Communities: groups of people tied together by organisations, programmes and regions.

:func:`communities` runs Louvain modularity optimisation (``networkx.community.louvain_communities``,
seeded, so the same data and seed always give the same groups) on the graph of people and the
organisations, programmes and regions they are tied to (:mod:`leadgraph.network.ties`: roles,
service, programmes, and the ODS geography of each organisation). Each group lists its people
and what they share: the organisations, programmes and regions at least two of them are tied to
(a region counts when one of the person's organisations or programmes lies in it), with how many.

Why Louvain from networkx rather than Leiden (leidenalg + igraph), measured on the tie graph of
the 1M-triple national synthetic data (10,209 people; 10,581 nodes, 20,150 edges): Louvain
took 1.0 s of CPU for 49-50 groups (seeds 1 and 2), modularity 0.530, none of them disconnected;
Leiden 0.8 s (plus 0.13-0.24 s to copy the graph into igraph) for 47-48 groups, modularity 0.535. Leiden's
advantage, communities guaranteed connected, did not show (Louvain's were all connected), its
modularity was 1% higher, and it would add two compiled packages; networkx is already a
dependency.

>>> from leadgraph.loading import load
>>> found = communities(load())
>>> [(c["community"], c["people_labels"]) for c in found]
[(1, ['Arif Patel', 'Ayesha Rahim']), (2, ['Gregg Holland', 'Phill James']), (3, ['Charlee Martin']), (4, ['Garry Harris'])]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from leadgraph.errors import UsageError

TIES: tuple[str, ...] = ("organisation", "programme", "region")
"""What ties people into communities."""
DEFAULT_SEED = 1
"""The seed :func:`communities` uses unless told otherwise."""
SHARED_SHOWN = 5
"""How many shared ties a community row names (the JSON answer keeps them all)."""


def communities(graph: Any = None, *, seed: int = DEFAULT_SEED, resolution: float = 1.0, data: Any = None,
                ties: Any = None) -> list[dict[str, Any]]:
    """The communities of people in ``graph`` (a LeadGraph or store; default ``load(data)``;
    or ``ties``, a :class:`~leadgraph.network.ties.Ties` already read).

    ``resolution`` above 1 favours smaller groups, below 1 larger ones (Louvain's γ). Returns
    one dict per community with at least one person, largest first (then by first label),
    numbered from 1: ``community``, ``size`` (people), ``people`` (IRIs) and ``people_labels``
    (in label order), ``shared``: what at least two members are tied to (every tie of a
    one-person group), each ``{"node", "label", "kind", "people"}``, most people first.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise UsageError(f"seed must be a whole number, not {seed!r}")
    if not isinstance(resolution, (int, float)) or isinstance(resolution, bool) or resolution <= 0:
        raise UsageError(f"resolution must be a number above 0, not {resolution!r}")
    import networkx as nx

    from leadgraph.network.ties import ties as read_ties

    found = ties if ties is not None else read_ties(graph, data=data)
    network = found.graph(TIES)
    for person in found.people:  # people with no ties are groups of one
        if person not in network:
            network.add_node(person, kind="person", label=found.label[person])
    groups = nx.community.louvain_communities(network, seed=seed, resolution=resolution)
    reach = _reach(network)
    result = []
    for members in groups:
        people = sorted((n for n in members if network.nodes[n]["kind"] == "person"),
                        key=lambda n: (found.label[n], n))
        if not people:
            continue
        counted = Counter(t for p in people for t in reach[p])
        least = 2 if len(people) > 1 else 1
        shared = [{"node": t, "label": found.label[t], "kind": found.kind[t], "people": n}
                  for t, n in counted.items() if n >= least]
        shared.sort(key=lambda s: (-s["people"], s["label"], s["node"]))
        result.append({"size": len(people), "people": people, "people_labels": [found.label[p] for p in people],
                       "shared": shared})
    result.sort(key=lambda c: (-c["size"], c["people_labels"][0], c["people"][0]))
    for number, community in enumerate(result, 1):
        community["community"] = number
    return [{"community": c["community"], **{k: v for k, v in c.items() if k != "community"}} for c in result]


def membership(found: list[dict[str, Any]]) -> dict[str, int]:
    """person IRI -> community number, from :func:`communities`' answer (for colouring a picture).

    >>> membership([{"community": 1, "people": ["a", "b"]}, {"community": 2, "people": ["c"]}])
    {'a': 1, 'b': 1, 'c': 2}
    """
    return {p: c["community"] for c in found for p in c["people"]}


def community_rows(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`communities`' answer as flat rows, one a community."""
    return [{"community": c["community"], "size": c["size"], "people_labels": c["people_labels"],
             "shared_labels": [f"{s['label']} ({s['people']})" for s in c["shared"][:SHARED_SHOWN]],
             "people": c["people"], "shared": [s["node"] for s in c["shared"][:SHARED_SHOWN]]} for c in found]


def _reach(network: Any) -> dict[str, set[str]]:
    """person -> the ties they hold: their neighbours, and the regions those lie in (one more step).
    The regions of each organisation or programme are found once, so the cost follows the
    number of edges, however many people share an organisation."""
    kind = dict(network.nodes(data="kind"))
    regions_of: dict[str, set[str]] = {}
    reach: dict[str, set[str]] = defaultdict(set)
    for person, held in kind.items():
        if held != "person":
            continue
        for near in network[person]:
            if kind[near] == "person":
                continue
            reach[person].add(near)
            if kind[near] != "region":
                if near not in regions_of:
                    regions_of[near] = {far for far in network[near] if kind[far] == "region"}
                reach[person] |= regions_of[near]
    return reach

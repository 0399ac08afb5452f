"""How two people connect: the shortest paths between them through what they share.

:func:`paths` finds the shortest paths between two people in the graph of
:mod:`leadgraph.network.ties` (people, organisations, programmes, regions, qualifications and
traits; ``via`` narrows the kinds), breadth first, so the cost grows with the part of the graph
within reach, never with the square of it. Every step is a fact: the relation, the statement
it comes from, its source and date. No path within ``max_steps`` is a normal answer: an empty
list, which the CLI says plainly.

>>> from leadgraph.loading import load
>>> found = paths(load(), "Garry Harris", "Phill James", via="trait")
>>> [(s["from_label"], s["relation"], s["to_label"]) for s in found["paths"][0]["steps"]]
[('Garry Harris', 'has trait', 'Patient focus'), ('Patient focus', 'has trait (of)', 'Phill James')]
>>> found["paths"][0]["steps"][0]["source_title"], found["paths"][0]["steps"][0]["date"]
('What does it take to be a tech leader in the NHS?', '2021-06-23')
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from leadgraph.errors import UsageError
from leadgraph.loading import store_of

DEFAULT_MAX_STEPS = 6
"""The longest path :func:`paths` looks for, in steps (facts), unless told otherwise."""
DEFAULT_LIMIT = 10
"""How many shortest paths :func:`paths` lists at most, unless told otherwise."""


def paths(graph: Any, a: str, b: str, *, max_steps: int = DEFAULT_MAX_STEPS, via: Sequence[str] | str | None = None,
          limit: int = DEFAULT_LIMIT, data: Any = None, ties: Any = None) -> dict[str, Any]:
    """The shortest paths from person ``a`` to person ``b`` (names, variants or IRIs, resolved
    as everywhere in leadgraph), at most ``max_steps`` steps long, through nodes of the kinds
    ``via`` (default every kind of :data:`leadgraph.network.ties.KINDS`), at most ``limit`` of them.

    Returns ``{"from", "from_label", "to", "to_label", "steps", "paths"}``: ``steps`` is the
    length of the shortest paths (None when there is none), ``paths`` a list of
    ``{"path": n, "nodes": [labels], "steps": [fact rows]}`` where each step is
    :meth:`~leadgraph.network.ties.Ties.fact_row` of the earliest fact behind it, read in the
    path's direction ("(of)" marks a relation read backwards). Paths are ordered by their
    node labels, so the same data gives the same answer.
    """
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise UsageError(f"the longest path (--max, max_steps=) must be a whole number of at least 1, "
                         f"not {max_steps!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise UsageError(f"the number of paths to list (--top, limit=) must be a whole number of at least 1, "
                         f"not {limit!r}")
    import networkx as nx

    from leadgraph.network.ties import check_kinds, person_named
    from leadgraph.network.ties import ties as read_ties

    store = store_of(graph, data)
    found = ties if ties is not None else read_ties(store)
    kinds = check_kinds(via)
    source, target = person_named(found, store, a, "person A"), person_named(found, store, b, "person B")
    answer: dict[str, Any] = {"from": source, "from_label": found.label[source], "to": target,
                              "to_label": found.label[target], "via": list(kinds), "steps": None, "paths": []}
    if source == target:
        raise UsageError(f"A and B are the same person ({found.label[source]}): give two people")
    network = found.graph(kinds)
    # People are ends, never stepping stones: a path runs person - shared things - person.
    between = network.subgraph(n for n, k in network.nodes(data="kind") if k != "person" or n in (source, target))
    if source not in between or target not in between:
        return answer
    try:
        length = nx.shortest_path_length(between, source, target)
    except nx.NetworkXNoPath:
        return answer
    if length > max_steps:
        return answer
    taken = list(itertools.islice(nx.all_shortest_paths(between, source, target), limit * 20))
    taken.sort(key=lambda p: ([found.label[n] for n in p], p))
    answer["steps"] = length
    for number, nodes in enumerate(taken[:limit], 1):
        steps = []
        for u, v in zip(nodes, nodes[1:]):
            fact = between[u][v]["facts"][0]
            steps.append(found.fact_row(fact, forward=fact.a == u))
        answer["paths"].append({"path": number, "nodes": [found.label[n] for n in nodes], "steps": steps})
    return answer


def path_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """:func:`paths`' answer as flat rows, one a step (no rows when there is no path)."""
    return [{"path": p["path"], "step": i, **step} for p in found["paths"] for i, step in enumerate(p["steps"], 1)]


def no_path_text(found: dict[str, Any], max_steps: int) -> str:
    """What to say when :func:`paths` found none."""
    return (f"No path between {found['from_label']} and {found['to_label']} within {max_steps} steps "
            f"through {', '.join(found['via'])} (a path never passes through another person).\n")
